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

/// Two scored areas and a bonus area, three units, ranked per area.
fn area_ranked(units: &str, checklist: &str) -> Run {
    score(
        fw(r#"
id = "areas"
title = "area ranks"
scale = "100"
[ranking]
area-ranks = true
[[areas]]
id = "A"
title = "a"
[[areas.criteria]]
id = "A.1"
title = "a1"
max = "6"
rule = "manual"
[[areas.criteria]]
id = "A.2"
title = "a2"
max = "4"
rule = "manual"
[[areas]]
id = "B"
title = "b"
[[areas.criteria]]
id = "B.1"
title = "b1"
max = "90"
rule = "manual"
[[areas]]
id = "C"
title = "c"
[[areas.criteria]]
id = "C.1"
title = "c1"
kind = "bonus"
max = "2"
rule = "manual"
"#),
        units,
        checklist,
    )
}

/// One unit's id, its rank in each area, and its printed index in each area.
type AreaRow = (String, Vec<Option<u32>>, Vec<Option<String>>);

#[test]
fn each_area_has_an_index_and_a_rank_ties_shared_in_any_row_order() {
    // By hand. A (max 10): U1 6+2 = 8 → 80.00; U2 5+3 = 8 → 80.00; U3 3+4 = 7 → 70.00:
    // ranks 1, 1, 3. B (max 90): U1 81 → 90.00, U2 72 → 80.00, U3 90 → 100.00: ranks
    // 2, 3, 1. C holds only a bonus: no maximum, no index, no rank.
    let units = "unit_id,name\nU1,One\nU2,Two\nU3,Three\n";
    let checklist = "unit_id,criterion_id,appraised_score\n\
        U1,A.1,6\nU1,A.2,2\nU1,B.1,81\nU1,C.1,1\n\
        U2,A.1,5\nU2,A.2,3\nU2,B.1,72\nU2,C.1,0\n\
        U3,A.1,3\nU3,A.2,4\nU3,B.1,90\nU3,C.1,0\n";
    let want = |run: &Run| -> Vec<AreaRow> {
        let fw = &run.framework;
        let mut v: Vec<_> = run
            .scoring
            .units
            .iter()
            .map(|u| {
                let idx = (0..3)
                    .map(|a| {
                        u.totals
                            .area_index(fw, a)
                            .map(|x| fw.rounding.apply(&x).to_string())
                    })
                    .collect();
                (u.unit.id.clone(), u.area_ranks.clone(), idx)
            })
            .collect();
        v.sort();
        v
    };
    let s = |x: &str| Some(x.to_string());
    let expected = vec![
        (
            "U1".to_string(),
            vec![Some(1), Some(2), None],
            vec![s("80.00"), s("90.00"), None],
        ),
        (
            "U2".to_string(),
            vec![Some(1), Some(3), None],
            vec![s("80.00"), s("80.00"), None],
        ),
        (
            "U3".to_string(),
            vec![Some(3), Some(1), None],
            vec![s("70.00"), s("100.00"), None],
        ),
    ];
    assert_eq!(want(&area_ranked(units, checklist)), expected);
    // Rows in reverse order: the same ranks.
    let rev = |t: &str| {
        let mut lines: Vec<&str> = t.lines().collect();
        lines[1..].reverse();
        lines.join("\n") + "\n"
    };
    assert_eq!(want(&area_ranked(&rev(units), &rev(checklist))), expected);
}

#[test]
fn area_ranks_reach_every_format_from_the_command_line() {
    let csv =
        crate::common::cchc_text(&["score", "fixtures/demo", "--area-ranks", "--format", "csv"]);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let at = |c: &str| header.iter().position(|h| *h == c).unwrap();
    let row = csv.lines().find(|l| l.contains(",P01,")).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    // P01: area 1 holds 9.50 of 10 points → 95.00, the best of the twelve.
    assert_eq!(
        (cells[at("area_1_index")], cells[at("area_1_rank")]),
        ("95.00", "1")
    );
    // Area 9 holds bonus and penalty points only: no index, no rank.
    assert_eq!(
        (cells[at("area_9_index")], cells[at("area_9_rank")]),
        ("", "")
    );
    let json =
        crate::common::cchc_text(&["score", "fixtures/demo", "--area-ranks", "--format", "json"]);
    assert!(json.contains("\"area_1_rank\""), "{}", &json[..200]);
    // Without the flag the columns are not there.
    let plain = crate::common::cchc_text(&["score", "fixtures/demo", "--format", "csv"]);
    assert!(!plain.contains("area_1_rank"));
}

/// `tests/fixtures/parts` (its README works every figure): the index and each part,
/// per unit, in rank order.
fn parts_of(framework: Option<&str>) -> Vec<Vec<String>> {
    let mut args = vec!["score", "tests/fixtures/parts", "--format", "csv"];
    if let Some(f) = framework {
        args.extend(["--framework", f]);
    }
    let csv = crate::common::cchc_text(&args);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let cols = [
        "unit_id",
        "points",
        "max_points",
        "index",
        "part_app",
        "part_imp",
        "part_sip",
    ];
    csv.lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            cols.iter()
                .map(|c| cells[header.iter().position(|h| h == c).unwrap()].to_string())
                .collect()
        })
        .collect()
}

#[test]
fn parts_rounded_one_by_one_add_up_as_printed() {
    // By hand (tests/fixtures/parts/README.md). U1: 1/3 × 50 = 16.67, 1/3 × 20 = 6.67,
    // SIPAS 7/12 × 30 = 17.50 → 40.84. U2: 50.00, impact n/a, SIPAS 1/4 × 30 = 7.50 →
    // 57.50 / 80 × 100 = 71.875 → 71.88. U3: 33.33 + 13.33, no survey → 46.66 / 70 ×
    // 100 = 66.657… → 66.66.
    let row = |v: [&str; 7]| v.map(String::from).to_vec();
    assert_eq!(
        parts_of(None),
        [
            row(["U2", "57.50", "80", "71.88", "50.00", "", "7.50"]),
            row(["U3", "46.66", "70", "66.66", "33.33", "13.33", ""]),
            row(["U1", "40.84", "100", "40.84", "16.67", "6.67", "17.50"]),
        ]
    );
}

#[test]
fn parts_kept_exact_round_once() {
    // The same parts, exact until the index: U1 50/3 + 20/3 + 17.5 = 40.8333… → 40.83;
    // U3 (100/3 + 40/3) / 70 × 100 = 66.666… → 66.67. The parts still print rounded.
    let row = |v: [&str; 7]| v.map(String::from).to_vec();
    assert_eq!(
        parts_of(Some("tests/fixtures/parts/once.toml")),
        [
            row(["U2", "57.50", "80", "71.88", "50.00", "", "7.50"]),
            row(["U3", "46.67", "70", "66.67", "33.33", "13.33", ""]),
            row(["U1", "40.83", "100", "40.83", "16.67", "6.67", "17.50"]),
        ]
    );
}

#[test]
fn explain_derives_the_index_from_its_parts() {
    let text = crate::common::cchc_text(&["explain", "tests/fixtures/parts", "--unit", "U3"]);
    for line in [
        "part app        2 (A) of 3 × 50 = 33.33 (rounded first)",
        "part sip        does not apply (nothing applies in sip); its max 30 leaves the denominator",
        "index           (33.33 + 13.33) × 100 / 70 = 2333/35 ≈ 66.6571428571… → 66.66",
    ] {
        assert!(text.contains(line), "{line}\n---\n{text}");
    }
}

#[test]
fn parts_do_not_depend_on_row_order() {
    let dir = tempfile::tempdir().unwrap();
    let src = crate::common::root().join("tests/fixtures/parts");
    for f in ["framework.toml", "units.csv", "cchc.toml"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    for f in ["checklist.csv", "survey.csv"] {
        let text = std::fs::read_to_string(src.join(f)).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        std::fs::write(dir.path().join(f), lines.join("\n") + "\n").unwrap();
    }
    let out = |d: &str| crate::common::cchc_text(&["score", d, "--format", "csv"]);
    assert_eq!(
        out(dir.path().to_str().unwrap()),
        out("tests/fixtures/parts")
    );
}

#[test]
fn the_summary_groups_by_any_register_column() {
    // The demo with a region column: P01–P03 in Bắc, the other nine in Nam. By hand:
    // Bắc (91.15 + 78.69 + 65.89) / 3 = 78.577 → 78.58; Nam (872.57 − 235.73) / 9 =
    // 70.76. Groups come in the order of their best unit (X05 is in Nam).
    let dir = tempfile::tempdir().unwrap();
    let src = crate::common::root().join("fixtures/demo");
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let units = std::fs::read_to_string(src.join("units.csv")).unwrap();
    let with_region: Vec<String> = units
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},region"),
            _ if ["P01", "P02", "P03"].iter().any(|p| l.starts_with(p)) => format!("{l},Bắc"),
            _ => format!("{l},Nam"),
        })
        .collect();
    std::fs::write(dir.path().join("units.csv"), with_region.join("\n") + "\n").unwrap();
    let d = dir.path().to_str().unwrap();
    let table = |extra: &[&str]| {
        let mut args = vec!["score", d, "--format", "table", "--width", "200"];
        args.extend(extra);
        crate::common::cchc_text(&args)
    };
    let text = table(&["--summary-by", "region"]);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" units, mean"))
        .collect();
    assert_eq!(
        lines,
        [
            "all: 12 units, mean 72.71, from 45.13 (X02) to 93.05 (X05)",
            "Nam: 9 units, mean 70.76, from 45.13 (X02) to 93.05 (X05)",
            "Bắc: 3 units, mean 78.58, from 65.89 (P03) to 91.15 (P01)",
        ]
    );
    // Without the flag: the ranking groups.
    assert!(table(&[]).contains("\nXã: 7 units, mean 71.31"));
    // A column the register lacks: a warning, and the ranking groups.
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"));
    c.args([
        "score",
        d,
        "--summary-by",
        "province",
        "--format",
        "table",
        "--width",
        "200",
    ]);
    let (code, out, err) = crate::common::outcome(&mut c);
    assert_eq!(code, 0);
    assert!(err.contains("warning[no-summary-column]"), "{err}");
    assert!(out.contains("\nXã: 7 units, mean 71.31"), "{out}");
}
