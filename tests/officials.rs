//! The officials' survey (`[officials]`, `--officials`): option weights, "don't know",
//! group weights, a group without answers, the rows left out — checked against
//! `tests/fixtures/officials/README.md`, worked by hand.

use crate::common::{outcome, root};

fn run(dir: &str, extra: &[&str]) -> (i32, String, String) {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"));
    c.current_dir(root())
        .args(["score", dir, "--format", "csv"])
        .args(extra);
    outcome(&mut c)
}

/// unit_id, index and the parts and criteria on the officials' survey, in rank order.
fn figures(csv: &str) -> Vec<String> {
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let at = |c: &str| header.iter().position(|h| *h == c).unwrap();
    csv.lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            ["unit_id", "index", "part_app", "part_dt", "part_idx"]
                .map(|c| cells[at(c)])
                .join(" ")
        })
        .collect()
}

#[test]
fn officials_answers_score_criteria_and_a_part_as_worked_by_hand() {
    let (code, out, err) = run("tests/fixtures/officials", &[]);
    assert_eq!(
        figures(&out),
        [
            "U2 84.00 60.00 18.00 6.00",
            "U1 69.15 45.00 18.17 5.98",
            "U3 50.00 30.00  ",
        ]
    );
    // The rows left out, each once with its line; the groups U2 lacks.
    for want in [
        "officials.csv:19: respondent group `press` has no weight",
        "officials.csv:20: unit U1: answer `E` is not an option of the officials' survey (A, B, C, D; empty or KB = don't know)",
        "officials.csv:21: response `r9` names respondent groups deputies, leaders; all its 2 rows (lines 21, 22) are left out",
        "unit U2: respondent group `civil-servants` gave no valid answer",
        "unit U2: respondent group `deputies` gave no valid answer",
    ] {
        assert!(err.contains(want), "{want}\n---\n{err}");
    }
    assert_eq!(err.matches("group-without-answers").count(), 2, "{err}");
    for unit in ["U2: 2 respondent(s)", "U3: 0 respondent(s)"] {
        assert!(
            err.contains(&format!(
                "unit {unit} to the officials' survey, fewer than the framework's minimum of 3"
            )),
            "{unit}
{err}"
        );
    }
    assert_eq!(err.matches("few-respondents").count(), 2, "{err}");
    assert_eq!(code, 1, "a refused answer is an error finding");
}

#[test]
fn explain_shows_each_group_behind_an_officials_figure() {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"));
    c.current_dir(root())
        .args(["explain", "tests/fixtures/officials", "--unit", "U1"]);
    let (_, text, _) = outcome(&mut c);
    for want in [
        "officials:O1 (groups: civil-servants 20% of 1 answer(s), weight 1; deputies 53.33…% of 3 answer(s), weight 1; leaders 100% of 2 answer(s), weight 2) = 68.3333…% → 20 × min(68.3333…% ÷ 100%, 1) = 41/3",
        "officials:O2 (groups: civil-servants 0% of 1 answer(s), weight 1; deputies 60% of 2 answer(s), weight 1; leaders 60% of 1 answer(s), weight 2) = 45.00% → 10 × min(45.00% ÷ 100%, 1) = 4.5",
        "officials:index (groups: civil-servants 10% of 2 answer(s), weight 1; deputies 56% of 5 answer(s), weight 1; leaders 86.66…% of 3 answer(s), weight 2) = 59.8333…%",
    ] {
        assert!(text.contains(want), "{want}\n---\n{text}");
    }
}

#[test]
fn officials_rows_in_any_order_give_the_same_bytes() {
    let src = root().join("tests/fixtures/officials");
    let (_, want, want_err) = run("tests/fixtures/officials", &[]);
    let text = std::fs::read_to_string(src.join("officials.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Reversed, and rotated by seven: the findings name other lines, the figures do not
    // move.
    let mut reversed = lines.clone();
    reversed[1..].reverse();
    let mut rotated = lines.clone();
    rotated[1..].rotate_left(7);
    for order in [reversed, rotated] {
        let dir = tempfile::tempdir().unwrap();
        for f in ["framework.toml", "units.csv", "checklist.csv", "cchc.toml"] {
            std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
        }
        std::fs::write(dir.path().join("officials.csv"), order.join("\n") + "\n").unwrap();
        let (_, got, err) = run(dir.path().to_str().unwrap(), &[]);
        assert_eq!(got, want);
        let codes = |e: &str| {
            let mut v: Vec<String> = e
                .lines()
                .filter_map(|l| l.split(']').next().map(String::from))
                .collect();
            v.sort();
            v
        };
        assert_eq!(codes(&err), codes(&want_err));
    }
}

#[test]
fn a_framework_on_the_officials_survey_needs_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("tests/fixtures/officials");
    for f in ["framework.toml", "units.csv", "checklist.csv"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("cchc.toml"),
        "framework = \"framework.toml\"\n[inputs]\nunits = \"units.csv\"\nchecklist = \"checklist.csv\"\n",
    )
    .unwrap();
    let (code, out, err) = run(dir.path().to_str().unwrap(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("give --officials"), "{err}");
    // The flag supplies it.
    let file = src.join("officials.csv");
    let (_, out, _) = run(
        dir.path().to_str().unwrap(),
        &["--officials", file.to_str().unwrap()],
    );
    assert!(out.contains("U1,Một,,69.15"), "{out}");
}

#[test]
fn the_officials_table_is_checked_with_lines() {
    let text = r#"
id = "o"
title = "t"
scale = "10"
[officials]
options = { A = "100", B = "120", KB = "0" }
groups = { leaders = "0" }
[[officials.items]]
id = "I1"
title = "i"
questions = ["Q1"]
[[officials.items]]
id = "I2"
title = "i"
questions = ["Q1"]
[[areas]]
id = "A"
title = "a"
[[areas.criteria]]
id = "A.1"
title = "x"
max = "10"
rule = "proportional"
ratio = "officials:I9"
on-empty = "na"
"#;
    let diags = cchc::framework::parse(text, "f.toml").unwrap_err();
    let got: Vec<(String, usize)> = diags
        .iter()
        .map(|d| {
            (
                d.code.as_str().to_string(),
                d.location.as_ref().and_then(|l| l.line).unwrap_or(0),
            )
        })
        .collect();
    let want = [
        ("unknown-value", 6),  // KB is an option and the default "don't know"
        ("bad-weight", 6),     // B = 120
        ("bad-weight", 7),     // leaders = 0
        ("duplicate-id", 15),  // Q1 in two items
        ("unknown-value", 24), // officials:I9
    ];
    for (code, line) in want {
        assert!(
            got.contains(&(code.to_string(), line)),
            "{code} on line {line} missing from {got:?}"
        );
    }
}

#[test]
fn advice_leaves_out_what_the_officials_survey_scores() {
    // No single input moves a figure made of many people's answers: U1 can only gain
    // on its appraised item A.1 (45 of 60).
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"));
    c.current_dir(root()).args([
        "advise",
        "tests/fixtures/officials",
        "--unit",
        "U1",
        "--format",
        "csv",
    ]);
    let (_, out, err) = outcome(&mut c);
    let ids: Vec<&str> = out
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert!(!ids.is_empty(), "{out}{err}");
    assert!(
        ids.iter().all(|id| !["O.1", "O.2", "idx"].contains(id)),
        "{ids:?}"
    );
}

#[test]
fn a_recorded_run_on_the_officials_survey_verifies() {
    // The record's `officials` input was refused by `verify` as an unknown role.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r.csv");
    let rec = tmp.path().join("r.json");
    let (_, _, err) = run(
        "tests/fixtures/officials",
        &[
            "--out",
            out.to_str().unwrap(),
            "--record",
            rec.to_str().unwrap(),
        ],
    );
    assert!(
        std::fs::read_to_string(&rec)
            .unwrap()
            .contains("\"role\": \"officials\""),
        "{err}"
    );
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"));
    c.current_dir(root())
        .args(["verify", rec.to_str().unwrap()]);
    let (code, said, err) = outcome(&mut c);
    assert_eq!(code, 0, "{said}{err}");
    assert!(said.contains("verified:"), "{said}");
}
