//! Snapshots (insta) of every text format on the demo: a change to any output shows as a
//! reviewable diff (`cargo insta review`, or INSTA_UPDATE=always then `git diff`).

use crate::common::cchc_text as cchc;

#[test]
fn score_formats() {
    for format in ["table", "csv", "json", "md", "html"] {
        let text = cchc(&["score", "fixtures/demo", "--format", format]);
        insta::assert_snapshot!(format!("score_{format}"), text);
    }
}

#[test]
fn sipas_formats() {
    for format in ["table", "csv", "json", "md"] {
        let text = cchc(&["sipas", "fixtures/demo", "--format", format]);
        insta::assert_snapshot!(format!("sipas_{format}"), text);
    }
}

#[test]
fn explain_text() {
    let text = cchc(&["explain", "fixtures/demo", "--unit", "X07"]);
    insta::assert_snapshot!("explain_x07", text);
}

/// Under `--lang vi` a rule is named and summed up in Vietnamese, the framework file's
/// key after its name in backticks (for whoever writes frameworks); no English rule
/// words are left.
#[test]
fn explain_text_in_vietnamese() {
    let text = cchc(&["explain", "fixtures/demo", "--unit", "X07", "--lang", "vi"]);
    for words in [
        "cách chấm  chọn mức `choice` (late 0.5 | missing 0 | on_time 1)",
        "cách chấm  theo bậc `steps` (≥100% 3 | ≥80% 1.5 | ≥0% 0 | mẫu số 0: không áp dụng;",
        "| mẫu số 0: đủ điểm;",
        "cách chấm  tỷ lệ thuận `proportional` (tối đa × min(tỷ lệ ÷ 100%, 1) | mẫu số 0: không áp dụng)",
        "cách chấm  theo số lần `per-count` (0.5 mỗi lần, tối đa 3;",
        "cách chấm  chấm trực tiếp `manual` (theo điểm thẩm định (chưa thẩm định: điểm tự đánh giá), từ 0 đến tối đa)",
    ] {
        assert!(text.contains(words), "`{words}` not in:\n{text}");
    }
    for english in [
        "empty na",
        "empty full",
        "max × min",
        "ratio ÷",
        "0..max",
        " each,",
    ] {
        assert!(!text.contains(english), "`{english}` in:\n{text}");
    }
    insta::assert_snapshot!("explain_x07_vi", text);
}

/// Every `--help` text, pinned (as cargo-deny does), so that a change to the interface
/// shows in review.
#[test]
fn help_texts() {
    let commands = [
        "",
        "score",
        "explain",
        "check",
        "metrics",
        "reconcile",
        "sipas",
        "gaps",
        "forms",
        "collect",
        "lineage",
        "audit",
        "advise",
        "cards",
        "sensitivity",
        "verify",
        "init",
        "frameworks",
        "codes",
        "completions",
        "man",
    ];
    for c in commands {
        let mut args: Vec<&str> = c.split_whitespace().collect();
        args.push("--help");
        let text = cchc(&args);
        let name = if c.is_empty() { "cchc" } else { c };
        insta::assert_snapshot!(format!("help_{name}"), text);
    }
}
