//! Scoring checked against points computed by hand (tests/fixtures/handcheck/README.md),
//! leaf by leaf, plus tie policies and rounding modes.

use crate::common::{fw, read, score, score_dir};
use cchc::framework::TiePolicy;
use cchc::num::Exact;
use cchc::pipeline::Run;
use cchc::score::{How, Stage, UnitResult};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn x(s: &str) -> Exact {
    Exact::from(d(s))
}

fn unit<'a>(run: &'a Run, id: &str) -> &'a UnitResult {
    run.scoring
        .units
        .iter()
        .find(|u| u.unit.id == id)
        .expect("unit")
}

/// (leaf id, applicable, points) for every leaf of a unit, at the ranked stage.
fn leaves(run: &Run, id: &str) -> Vec<(String, bool, Exact)> {
    let u = unit(run, id);
    run.framework
        .leaves
        .iter()
        .zip(&u.leaves)
        .map(|(l, r)| {
            let o = r.outcome(run.stage());
            (l.id.clone(), o.applicable, o.points.clone())
        })
        .collect()
}

/// Points as text: a decimal, or a fraction `70/3`.
fn exact(s: &str) -> Exact {
    match s.split_once('/') {
        Some((n, m)) => Exact::ratio(&x(n), &x(m)).unwrap(),
        None => x(s),
    }
}

fn expect(run: &Run, id: &str, want: &[(&str, bool, &str)]) {
    let got = leaves(run, id);
    let want: Vec<(String, bool, Exact)> = want
        .iter()
        .map(|(l, a, p)| (l.to_string(), *a, exact(p)))
        .collect();
    assert_eq!(got.len(), want.len(), "{id}: leaf count");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.0, w.0, "{id}: leaf order");
        assert_eq!((g.1, &g.2), (w.1, &w.2), "{id}: leaf {}", g.0);
    }
}

#[test]
fn every_leaf_of_four_units_matches_the_hand_computation() {
    let run = score_dir("tests/fixtures/handcheck");
    assert!(run.diagnostics.is_empty(), "{:?}", run.diagnostics);
    expect(
        &run,
        "U1",
        &[
            ("A1", true, "8"),
            ("A2", true, "10"),
            ("A3", true, "0"),
            ("B1", true, "20"),
            ("B2", true, "30"),
            ("C1", true, "2"),
            ("C2", true, "0"),
        ],
    );
    expect(
        &run,
        "U2",
        &[
            ("A1", false, "0"),
            ("A2", true, "5"),
            ("A3", true, "20"),
            ("B1", true, "30"),
            ("B2", true, "0"),
            ("C1", true, "0"),
            ("C2", true, "3"),
        ],
    );
    // 30 × 7 × 100 / (10 × 90) = 70/3 exactly: a third of a point is never cut.
    let u3_b1 = "70/3".to_string();
    expect(
        &run,
        "U3",
        &[
            ("A1", true, "7.5"),
            ("A2", true, "0"),
            ("A3", true, "20"),
            ("B1", true, &u3_b1),
            ("B2", false, "0"),
            ("C1", true, "0.5"),
            ("C2", true, "2"),
        ],
    );
    expect(
        &run,
        "U4",
        &[
            ("A1", true, "8"),
            ("A2", true, "10"),
            ("A3", true, "10"),
            ("B1", true, "30"),
            ("B2", true, "15"),
            ("C1", true, "0"),
            ("C2", true, "3"),
        ],
    );

    let t = |id: &str| unit(&run, id).totals.clone();
    assert_eq!(
        (t("U1").scored, t("U1").bonus, t("U1").penalty, t("U1").max),
        (x("68"), x("2"), x("0"), d("100"))
    );
    assert_eq!(
        (t("U2").net(), t("U2").max, t("U2").index),
        (x("52"), d("90"), d("57.78"))
    );
    assert_eq!((t("U3").max, t("U3").index), (d("70"), d("70.48")));
    assert_eq!(t("U4").index, d("70.00"));
    assert_eq!(t("U1").areas, vec![x("18"), x("50"), x("2")]);
    assert_eq!(t("U2").areas, vec![x("25"), x("30"), x("-3")]);
    assert_eq!(t("U4").areas, vec![x("28"), x("45"), x("-3")]);
    // Self-assessment: U1 claimed 100 scored + 2 bonus → 102, capped at the scale.
    assert_eq!(unit(&run, "U1").self_totals.index, d("100.00"));
    assert_eq!(
        unit(&run, "U1").leaves[0]
            .outcome(Stage::SelfAssessed)
            .points,
        x("10")
    );
    // U3's A1 was not appraised: the self-score stands, and the trace says so.
    assert_eq!(
        unit(&run, "U3").leaves[0].base.how,
        How::Given {
            column: "self_score",
            value: d("7.5"),
            capped: d("7.5")
        }
    );
}

#[test]
fn bonus_and_penalty_stop_at_their_caps() {
    let run = score_dir("tests/fixtures/handcheck");
    let u1 = unit(&run, "U1"); // 5 × 0.5 = 2.5 → 2
    assert_eq!(
        u1.leaves[5].base.how,
        How::Count {
            count: d("5"),
            each: d("0.5")
        }
    );
    assert_eq!(u1.totals.bonus, x("2"));
    let u2 = unit(&run, "U2"); // 7 × 1 = 7 → 3
    assert_eq!(u2.totals.penalty, x("3"));
}

fn ranks(run: &Run) -> Vec<(String, u32, u32)> {
    let mut v: Vec<_> = run
        .scoring
        .units
        .iter()
        .map(|u| (u.unit.id.clone(), u.rank, u.rank_in_group))
        .collect();
    v.sort();
    v
}

fn with_ties(policy: &str) -> Run {
    let text =
        read("tests/fixtures/handcheck/framework.toml").replace("ties = \"competition\"", policy);
    score(
        fw(&text),
        &read("tests/fixtures/handcheck/units.csv"),
        &read("tests/fixtures/handcheck/checklist.csv"),
    )
}

#[test]
fn competition_ties_share_a_rank_and_skip_the_next() {
    let run = with_ties("ties = \"competition\"");
    assert_eq!(
        ranks(&run),
        vec![
            ("U1".into(), 2, 1),
            ("U2".into(), 4, 2),
            ("U3".into(), 1, 1),
            ("U4".into(), 2, 2)
        ]
    );
}

#[test]
fn dense_ties_share_a_rank_and_do_not_skip() {
    let run = with_ties("ties = \"dense\"");
    assert_eq!(run.framework.ranking.ties, TiePolicy::Dense);
    assert_eq!(
        ranks(&run),
        vec![
            ("U1".into(), 2, 1),
            ("U2".into(), 3, 2),
            ("U3".into(), 1, 1),
            ("U4".into(), 2, 2)
        ]
    );
}

#[test]
fn ordinal_ties_follow_the_tie_break_chain() {
    // U1 and U4 both have 70.00; area A: U4 28 > U1 18.
    let run = with_ties("ties = \"ordinal\"\ntie-break = [\"area:A\", \"unit_id\"]");
    assert_eq!(
        ranks(&run),
        vec![
            ("U1".into(), 3, 1),
            ("U2".into(), 4, 2),
            ("U3".into(), 1, 1),
            ("U4".into(), 2, 2)
        ]
    );
    // Without a chain, unit_id decides.
    let run = with_ties("ties = \"ordinal\"");
    assert_eq!(
        ranks(&run),
        vec![
            ("U1".into(), 2, 1),
            ("U2".into(), 4, 2),
            ("U3".into(), 1, 1),
            ("U4".into(), 3, 2)
        ]
    );
}

fn one_leaf(mode: &str, rank_on: &str) -> cchc::framework::Framework {
    fw(&format!(
        r#"
id = "r"
title = "rounding"
scale = "100"
[rounding]
mode = "{mode}"
places = 2
rank-on = "{rank_on}"
[[areas]]
id = "1"
title = "one"
[[areas.criteria]]
id = "1.1"
title = "manual"
max = "100"
rule = "manual"
"#
    ))
}

#[test]
fn half_up_and_half_even_differ_on_a_xx5_index() {
    let units = "unit_id,name\nA,Alpha\nB,Beta\n";
    let checklist = "unit_id,criterion_id,appraised_score\nA,1.1,86.125\nB,1.1,86.135\n";
    let up = score(one_leaf("half-up", "rounded"), units, checklist);
    let even = score(one_leaf("half-even", "rounded"), units, checklist);
    assert_eq!(unit(&up, "A").totals.index, d("86.13"));
    assert_eq!(unit(&even, "A").totals.index, d("86.12"));
    assert_eq!(unit(&up, "B").totals.index, d("86.14"));
    assert_eq!(unit(&even, "B").totals.index, d("86.14"));
    assert_eq!(unit(&up, "A").totals.index_exact, x("86.125"));
}

#[test]
fn ranking_on_the_published_index_ties_what_the_exact_one_separates() {
    let units = "unit_id,name\nA,Alpha\nB,Beta\n";
    let checklist = "unit_id,criterion_id,appraised_score\nA,1.1,86.121\nB,1.1,86.124\n";
    let rounded = score(one_leaf("half-up", "rounded"), units, checklist);
    assert_eq!(
        ranks(&rounded),
        vec![("A".into(), 1, 1), ("B".into(), 1, 1)]
    );
    let exact = score(one_leaf("half-up", "exact"), units, checklist);
    assert_eq!(ranks(&exact), vec![("A".into(), 2, 2), ("B".into(), 1, 1)]);
}

#[test]
fn round_points_rounds_each_leaf_before_summing() {
    let base = read("tests/fixtures/handcheck/framework.toml");
    let run = score(
        fw(&base.replace("places = 2", "places = 2\nround-points = true")),
        &read("tests/fixtures/handcheck/units.csv"),
        &read("tests/fixtures/handcheck/checklist.csv"),
    );
    assert_eq!(unit(&run, "U3").leaves[3].base.outcome.points, x("23.33"));
    // (7.5 + 0 + 20 + 23.33 + 0.5 − 2) × 100 / 70 = 70.471428… → 70.47 (not 70.48)
    assert_eq!(unit(&run, "U3").totals.index, d("70.47"));
}

#[test]
fn the_demo_reproduces_nga_nam_ratios() {
    // Thị xã Ngã Năm 2023–24: reform plan 17 of 31 tasks (54.84%), communication 6 of 10 (60%).
    let run = score_dir("fixtures/demo");
    let x02 = unit(&run, "X02");
    let fwk = &run.framework;
    let l12 = fwk.leaf("1.2").unwrap();
    let l142 = fwk.leaf("1.4.2").unwrap();
    let text = cchc::score::trace::derivation(fwk, &fwk.leaves[l12], &x02.leaves[l12].base);
    assert!(text.contains("17/31 = 54.8387…%"), "{text}");
    assert_eq!(cchc::num::percent_of(17, 31), Some(d("54.84")));
    let text = cchc::score::trace::derivation(fwk, &fwk.leaves[l142], &x02.leaves[l142].base);
    assert!(text.contains("6/10 = 60.00%"), "{text}");
    assert_eq!(x02.leaves[l142].base.outcome.points, x("0.9"));
    // The demo has a tie (X03 and X06) sharing rank 5, and the next rank is 7.
    let r: Vec<(&str, u32)> = run
        .scoring
        .units
        .iter()
        .map(|u| (u.unit.id.as_str(), u.rank))
        .collect();
    assert!(
        r.contains(&("X03", 5)) && r.contains(&("X06", 5)) && r.contains(&("P02", 7)),
        "{r:?}"
    );
}
