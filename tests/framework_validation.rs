//! Framework validation at the library level: what a valid file gives, and that every
//! problem is collected with a line.

use cchc::framework::{self, Effect, OnEmpty, Rule};

#[test]
fn built_in_frameworks_validate_and_sum_to_their_scale() {
    for b in framework::builtin::ALL {
        let fw = framework::parse(b.source, b.name).unwrap_or_else(|d| panic!("{}: {d:?}", b.name));
        assert_eq!(fw.id, b.name);
        let scored: rust_decimal::Decimal = fw
            .leaves
            .iter()
            .filter(|l| l.effect == Effect::Scored)
            .map(|l| l.max)
            .sum();
        assert_eq!(scored, fw.scale, "{}", b.name);
        assert!(fw.decision.is_some(), "{} cites its decision", b.name);
    }
}

#[test]
fn par_province_has_the_historical_field_maxima() {
    let fw = framework::load("par-province", std::path::Path::new(".")).unwrap();
    let maxima: Vec<String> = fw
        .areas
        .iter()
        .map(|a| a.max.normalize().to_string())
        .collect();
    assert_eq!(maxima, ["10", "10", "14.5", "11", "16", "7", "16", "15.5"]);
}

#[test]
fn rules_are_read_exactly() {
    let fw = framework::load("par-commune-2025", std::path::Path::new(".")).unwrap();
    let l = &fw.leaves[fw.leaf("1.2").unwrap()];
    match &l.rule {
        Rule::Steps {
            on_empty, steps, ..
        } => {
            assert_eq!(*on_empty, OnEmpty::Na);
            assert_eq!(steps.len(), 3);
            assert_eq!(steps[1].points.to_string(), "1.5");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(l.parents, Vec::<String>::new());
    let sub = &fw.leaves[fw.leaf("1.4.2").unwrap()];
    assert_eq!(sub.parents, vec!["1.4".to_string()]);
    let pen = &fw.leaves[fw.leaf("9.3").unwrap()];
    assert_eq!(pen.effect, Effect::Penalty);
}

#[test]
fn every_problem_is_reported_with_a_line() {
    let text = r#"
id = ""
title = "t"
scale = "100"
[rounding]
mode = "banker"
[[areas]]
id = "1"
title = "a"
[[areas.criteria]]
id = "1.1"
title = "x"
max = "60"
rule = "per-count"
[[areas.criteria]]
id = "1.2"
title = "y"
max = "0"
rule = "manual"
options = { a = "1" }
"#;
    let diags = framework::parse(text, "f.toml").unwrap_err();
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    for want in [
        "empty-id",
        "unknown-value",
        "missing-key",
        "max-not-positive",
        "key-not-for-rule",
        "max-sum-mismatch",
    ] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
    assert!(
        diags
            .iter()
            .all(|d| d.location.as_ref().is_some_and(|l| l.line.is_some())),
        "{diags:?}"
    );
}

#[test]
fn the_docs_catalogue_of_codes_is_the_code_table() {
    // One table in src/diag.rs gives each code its severity, meaning and gloss; the
    // catalogue in docs/findings.md is `cchc codes --format md`.
    let generated = crate::common::cchc_text(&["codes", "--format", "md"]);
    crate::common::generated_block("docs/findings.md", "codes", &generated);
    for c in cchc::diag::Code::ALL {
        assert!(!c.gloss().is_empty() && !c.meaning().is_empty(), "{c}");
        assert_eq!(cchc::diag::Code::parse(c.as_str()), Some(*c));
    }
}

#[test]
fn rule_kinds_are_named_once_by_serde_and_listed_in_order() {
    use cchc::framework::RuleKind;
    for (i, k) in RuleKind::ALL.iter().enumerate() {
        assert_eq!(RuleKind::parse(k.name()), Some(*k));
        assert_eq!(RuleKind::ALL[i], *k);
    }
    assert_eq!(
        RuleKind::names(),
        "manual, choice, steps, proportional, per-count"
    );
    assert_eq!(RuleKind::parse("Per-Count"), None);
}

#[test]
fn parts_name_each_area_once_and_their_maxima_sum_to_the_scale() {
    let text = r#"
id = "p"
title = "t"
scale = "100"
[rounding]
round = "each"
[[parts]]
id = "one"
title = "one"
max = "50"
areas = ["A", "Z"]
[[parts]]
id = "two"
title = "two"
max = "40"
areas = ["A"]
source = "survey:index"
[[parts]]
id = "three"
title = "three"
max = "0"
areas = ["A"]
[[areas]]
id = "A"
title = "a"
[[areas.criteria]]
id = "A.1"
title = "x"
max = "60"
rule = "manual"
[[areas]]
id = "B"
title = "b"
[[areas.criteria]]
id = "B.1"
title = "y"
max = "40"
rule = "manual"
"#;
    let diags = framework::parse(text, "f.toml").unwrap_err();
    let lines: Vec<(&str, usize, &str)> = diags
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                d.location.as_ref().and_then(|l| l.line).unwrap_or(0),
                d.message.as_str(),
            )
        })
        .collect();
    let has = |code: &str, line: usize, words: &str| {
        assert!(
            lines
                .iter()
                .any(|(c, l, m)| *c == code && *l == line && m.contains(words)),
            "{code} on line {line} ({words}) missing from {lines:#?}"
        );
    };
    has("unknown-value", 6, "round `each`");
    has("part-areas", 11, "no area `Z`");
    has("part-areas", 13, "needs either");
    has("max-not-positive", 21, "part `three`");
    has("part-areas", 22, "already in part `one`");
    has("part-areas", 32, "area `B` belongs to no part");
    has("max-sum-mismatch", 4, "maxima of the parts sum to 90");
}

#[test]
fn par_province_2024_is_the_sum_of_four_parts_rounded_one_by_one() {
    let fw = framework::load("par-province-2024", std::path::Path::new(".")).unwrap();
    let parts: Vec<(&str, String)> = fw
        .parts
        .iter()
        .map(|p| (p.id.as_str(), p.max.normalize().to_string()))
        .collect();
    assert_eq!(
        parts,
        [
            ("appraised", "62".to_string()),
            ("sipas", "18".into()),
            ("survey", "12".into()),
            ("impact", "8".into())
        ]
    );
    assert!(fw.rounding.round_parts && fw.ranking.area_ranks);
}
