//! The survey maths that the CLI cases do not pin: the margin of error on known cases.

use cchc::survey::margin_of_error;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn margin_of_error_on_known_cases() {
    // p = 50%, n = 100: 1.96 × √(0.25 / 100) = 1.96 × 0.05 = 9.8 points.
    assert_eq!(
        margin_of_error(&d("50").into(), 100).unwrap().round_dp(10),
        d("9.8")
    );
    // The textbook sample of 384 gives ±5 points at p = 50%.
    assert_eq!(
        margin_of_error(&d("50").into(), 384).unwrap().round_dp(2),
        d("5.00")
    );
    // p = 62.5%, n = 4 (tests/fixtures/survey, unit U1): 1.96 × √(0.234375 / 4) = 47.44.
    assert_eq!(
        margin_of_error(&d("62.5").into(), 4).unwrap().round_dp(2),
        d("47.44")
    );
    // Unanimity has no sampling spread under the normal approximation.
    assert_eq!(
        margin_of_error(&d("100").into(), 30).unwrap(),
        Decimal::ZERO
    );
    // No respondents, no margin.
    assert_eq!(margin_of_error(&d("80").into(), 0), None);
}

/// A survey framework whose answer 5 is worth 83.84% and answer 4 84.09%, so one
/// response answering P1 with 5 and S1 with 4 gives the published SIPAS 2024 pillars:
/// policy 83.84, services 84.09.
fn pillars_framework(aggregate: &str) -> String {
    format!(
        r#"
id = "pillars"
title = "SIPAS pillars"
scale = "100"
[survey]
answers = "weights"
weights = {{ "5" = "83.84", "4" = "84.09", "3" = "20", "2" = "0", "1" = "0" }}
aggregate = "{aggregate}"
[[survey.factors]]
id = "policy-making"
title = "Policy making"
questions = ["P1"]
[[survey.factors]]
id = "delivery"
title = "Service delivery"
questions = ["S1"]
[[survey.pillars]]
id = "policy"
title = "Policy making and implementation"
weight = "3"
factors = ["policy-making"]
[[survey.pillars]]
id = "services"
title = "Service delivery"
weight = "2"
factors = ["delivery"]
[[survey.unscored]]
id = "H1"
title = "Were you harassed?"
[[areas]]
id = "A"
title = "a"
[[areas.criteria]]
id = "A.1"
title = "x"
max = "100"
rule = "proportional"
ratio = "survey:index"
on-empty = "na"
"#
    )
}

/// `cchc sipas` on a framework and answers written to a temp dir, as JSON.
fn sipas_json(framework: &str, answers: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fw.toml"), framework).unwrap();
    std::fs::write(dir.path().join("answers.csv"), answers).unwrap();
    let out = crate::common::cchc(&[
        "sipas",
        "--survey",
        dir.path().join("answers.csv").to_str().unwrap(),
        "--framework",
        dir.path().join("fw.toml").to_str().unwrap(),
        "--format",
        "json",
    ]);
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn pillars_weighted_three_to_two_give_the_published_2024_headline() {
    // SIPAS 2024: policy 83.84, services 84.09, overall 83.94 — not their plain mean
    // (83.965). Weights 3 and 2: (3 × 83.84 + 2 × 84.09) / 5 = 419.70 / 5 = 83.94.
    let answers = "response_id,unit_id,question_id,answer\nr1,U1,P1,5\nr1,U1,S1,4\n";
    let json = sipas_json(&pillars_framework("pillars"), answers);
    let row = &json["rows"][0];
    assert_eq!(row["pillar_policy"], serde_json::json!(83.84), "{row}");
    assert_eq!(row["pillar_services"], serde_json::json!(84.09));
    assert_eq!(row["index"], serde_json::json!(83.94));
    assert_eq!(json["aggregate"], "pillars");
    // The other reading, one line away: the mean of the factors, 83.965 → 83.97.
    let json = sipas_json(&pillars_framework("factors"), answers);
    assert_eq!(json["rows"][0]["index"], serde_json::json!(83.97));
}

#[test]
fn the_harassment_question_is_counted_not_scored() {
    // SIPAS 2024's harassment question: 90.06% none, 8.98% some, 0.96% many — 9006,
    // 898 and 96 of 10,000 respondents. The question is in no factor: it changes no
    // index; an empty answer is in no share.
    let mut answers = String::from("response_id,unit_id,question_id,answer\n");
    for i in 0..10_000 {
        let a = match i {
            0..9006 => "none",
            9006..9904 => "some",
            _ => "many",
        };
        answers.push_str(&format!("r{i},U1,P1,5\nr{i},U1,H1,{a}\n"));
    }
    answers.push_str("r10000,U1,H1,\n");
    let json = sipas_json(&pillars_framework("pillars"), &answers);
    assert_eq!(json["rows"][0]["index"], serde_json::json!(83.84));
    let freq = json["unscored"].as_array().expect("an unscored table");
    let all: Vec<(String, u64, f64)> = freq
        .iter()
        .filter(|r| r["unit_id"] == "all")
        .map(|r| {
            (
                r["answer"].as_str().unwrap().to_string(),
                r["answers"].as_u64().unwrap(),
                r["share"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        all,
        [
            ("many".to_string(), 96, 0.96),
            ("none".to_string(), 9006, 90.06),
            ("some".to_string(), 898, 8.98)
        ]
    );
    assert_eq!(freq.len(), 6, "U1's table and the table over all answers");
}

#[test]
fn pillars_are_checked_with_lines() {
    let text = pillars_framework("pillars").replace(
        "factors = [\"delivery\"]",
        "factors = [\"policy-making\", \"nope\"]",
    );
    let diags = cchc::framework::parse(&text, "f.toml").unwrap_err();
    let msgs: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
    for want in [
        "factor `policy-making` is in pillar `policy` and in pillar `services`",
        "pillar `services`: there is no factor `nope`",
        "needs every factor in a [[survey.pillars]] (not in one: delivery)",
    ] {
        assert!(msgs.iter().any(|m| m.contains(want)), "{want}: {msgs:?}");
    }
}
