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
