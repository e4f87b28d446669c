//! Properties: row order never changes any output byte; ranks respect the index order;
//! tied units share a rank.

use crate::common::{fw, read, table};
use cchc::framework::TiePolicy;
use cchc::num::Exact;
use cchc::rank::{ranks, Entry};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn outputs(units: &cchc::input::Table, checklist: &cchc::input::Table) -> (String, String) {
    let f = cchc::framework::load("par-commune-2025", std::path::Path::new(".")).expect("built-in");
    let run = cchc::pipeline::score_tables(f, None, units, checklist, Vec::new());
    let report = cchc::report::ranking::build(&run, None, cchc::lang::Lang::En);
    (
        cchc::export::to_string(&report, cchc::export::Format::CSV),
        cchc::export::to_string(&report, cchc::export::Format::JSON),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn shuffling_rows_changes_nothing(seed in any::<u64>()) {
        let units = table(&read("fixtures/demo/units.csv"), "units.csv", &cchc::pipeline::UNITS_COLUMNS);
        let checklist = table(&read("fixtures/demo/checklist.csv"), "checklist.csv", &cchc::pipeline::CHECKLIST_COLUMNS);
        let reference = outputs(&units, &checklist);
        let (mut u2, mut c2) = (units.clone(), checklist.clone());
        shuffle(&mut u2.rows, seed);
        shuffle(&mut c2.rows, seed.rotate_left(17));
        prop_assert_eq!(outputs(&u2, &c2), reference);
    }

    #[test]
    fn ranks_respect_order_and_ties(keys in prop::collection::vec(0u8..6, 1..30), policy in 0u8..3) {
        let policy = match policy { 0 => TiePolicy::Competition, 1 => TiePolicy::Dense, _ => TiePolicy::Ordinal(vec![]) };
        let ids: Vec<String> = (0..keys.len()).map(|i| format!("U{i:02}")).collect();
        let areas: Vec<Exact> = vec![];
        let entries: Vec<Entry> = keys.iter().zip(&ids).map(|(k, id)| Entry {
            key: Exact::int(i64::from(*k)), points: Exact::int(i64::from(*k)), areas: &areas, unit_id: id,
        }).collect();
        let (order, r) = ranks(&entries, &policy);
        prop_assert_eq!(order.len(), entries.len());
        for i in 0..entries.len() {
            for j in 0..entries.len() {
                if entries[i].key > entries[j].key {
                    prop_assert!(r[i] < r[j], "higher index ranked below a lower one");
                }
                if entries[i].key == entries[j].key && !matches!(policy, TiePolicy::Ordinal(_)) {
                    prop_assert_eq!(r[i], r[j], "tied units must share a rank");
                }
            }
        }
        if let TiePolicy::Competition = policy {
            // Competition: rank = 1 + number of strictly better units.
            for i in 0..entries.len() {
                let better = entries.iter().filter(|e| e.key > entries[i].key).count() as u32;
                prop_assert_eq!(r[i], better + 1);
            }
        }
        // Reversing the input changes no unit's rank.
        let rev: Vec<Entry> = entries.iter().rev().cloned().collect();
        let (_, r2) = ranks(&rev, &policy);
        for (i, e) in entries.iter().enumerate() {
            let j = rev.iter().position(|x| x.unit_id == e.unit_id).unwrap();
            prop_assert_eq!(r[i], r2[j]);
        }
    }

    #[test]
    fn leaf_points_stay_within_bounds(scores in prop::collection::vec(-5i32..15, 6), counts in prop::collection::vec(0u32..9, 2)) {
        // Any manual score (even out of range) is capped into 0..max, every index into 0..scale.
        let f = fw(&read("tests/fixtures/handcheck/framework.toml"));
        let mut checklist = String::from("unit_id,criterion_id,appraised_score,done,planned,value,count\n");
        checklist.push_str(&format!("U1,A1,{},,,,\n", scores[0]));
        checklist.push_str(&format!("U1,A3,,{},{},,\n", scores[1].max(0), scores[2].max(0)));
        checklist.push_str(&format!("U1,B1,,{},{},,\n", scores[3].max(0), scores[4].max(0)));
        checklist.push_str(&format!("U1,C1,,,,,{}\nU1,C2,,,,,{}\n", counts[0], counts[1]));
        let run = crate::common::score(f, "unit_id,name\nU1,One\n", &checklist);
        let u = &run.scoring.units[0];
        for (leaf, r) in run.framework.leaves.iter().zip(&u.leaves) {
            let p = &r.outcome(run.stage()).points;
            prop_assert!(*p >= Exact::zero() && *p <= Exact::from(leaf.max), "leaf {}", leaf.id);
        }
        prop_assert!(u.totals.index >= Decimal::ZERO && u.totals.index <= run.framework.scale);
    }
}

/// A deterministic Fisher–Yates shuffle (xorshift), so failures reproduce from the seed.
fn shuffle<T>(v: &mut [T], seed: u64) {
    let mut s = seed | 1;
    for i in (1..v.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v.swap(i, (s % (i as u64 + 1)) as usize);
    }
}

fn metrics_csv(log: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.csv");
    std::fs::write(&path, log).unwrap();
    let table = crate::common::table(
        &read("tests/fixtures/dossiers/procedures.csv"),
        "procedures.csv",
        &["procedure_id", "processing_days"],
    );
    let opts = cchc::dossier::Options {
        period: cchc::period::Period::parse("2025-04").unwrap(),
        by: cchc::dossier::GroupBy::Unit,
        skip_invalid: false,
        procedures: Some(cchc::dossier::Procedures::from_table(
            &table,
            &mut Vec::new(),
        )),
        calendar: cchc::dossier::Calendar::builtin(),
        units: None,
        rates: Default::default(),
        decimal_comma: false,
        scan: Default::default(),
        sheet: None,
        aliases: Default::default(),
        official: None,
    };
    let t = cchc::dossier::compute(&path, "log.csv", &opts, std::sync::Arc::new(|_| {})).unwrap();
    let report = cchc::report::metrics::build(&t, &[], cchc::lang::Lang::En);
    cchc::export::to_string(&report, cchc::export::Format::CSV)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn dossier_row_order_changes_nothing(seed in any::<u64>()) {
        let text = read("tests/fixtures/dossiers/dossiers.csv");
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines.remove(0);
        let reference = metrics_csv(&text);
        shuffle(&mut lines, seed);
        let shuffled = format!("{header}\n{}\n", lines.join("\n"));
        prop_assert_eq!(metrics_csv(&shuffled), reference);
    }
}

#[test]
fn every_output_is_byte_identical_across_runs() {
    let runs: &[&[&str]] = &[
        &["score", "fixtures/demo", "--format", "csv"],
        &["score", "fixtures/demo", "--format", "json"],
        &["score", "fixtures/demo", "--format", "table"],
        &["explain", "fixtures/demo", "--unit", "X06"],
        &[
            "explain",
            "fixtures/demo",
            "--unit",
            "X06",
            "--format",
            "json",
        ],
        &["check", "fixtures/demo"],
        &[
            "metrics",
            "fixtures/demo",
            "--by",
            "unit,month",
            "--format",
            "json",
        ],
        &["metrics", "fixtures/demo", "--format", "table"],
        &["score", "fixtures/demo", "--format", "md"],
        &["score", "fixtures/demo", "--format", "html", "--lang", "vi"],
        &["score", "fixtures/demo", "--format", "xlsx"],
        &["sipas", "fixtures/demo", "--format", "json"],
        &["gaps", "fixtures/demo", "--format", "json"],
    ];
    for args in runs {
        let once = || {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
                .args(*args)
                .current_dir(crate::common::root())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            (out.stdout, out.stderr)
        };
        let first = once();
        assert!(!first.0.is_empty(), "{args:?} printed nothing");
        assert_eq!(first, once(), "{args:?} differs between two runs");
    }
}

/// The demo's survey figures as CSV, from a survey table in some row order.
fn survey_csv(survey: &cchc::input::Table) -> String {
    let f = cchc::framework::load("par-commune-2025", std::path::Path::new(".")).expect("built-in");
    let units = table(
        &read("fixtures/demo/units.csv"),
        "units.csv",
        &cchc::pipeline::UNITS_COLUMNS,
    );
    let (units, _) = cchc::input::units::read(&units, "group", false, &mut Vec::new());
    let mut diags = Vec::new();
    let t = cchc::survey::table_of(
        &f,
        survey,
        Some(&units),
        cchc::survey::SurveyBy::Unit,
        &mut diags,
    )
    .expect("demo survey");
    assert!(diags.is_empty(), "{diags:?}");
    let report = cchc::report::sipas::build(&f, &t, &[], cchc::lang::Lang::En);
    cchc::export::to_string(&report, cchc::export::Format::CSV)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn shuffling_survey_rows_changes_nothing(seed in any::<u64>()) {
        let survey = table(&read("fixtures/demo/survey.csv"), "survey.csv", &cchc::survey::COLUMNS);
        let reference = survey_csv(&survey);
        let mut shuffled = survey.clone();
        shuffle(&mut shuffled.rows, seed);
        prop_assert_eq!(survey_csv(&shuffled), reference);
    }

    #[test]
    fn survey_figures_stay_within_0_and_100(answers in prop::collection::vec((0u8..3, 0u8..4, 0u8..6), 1..80)) {
        // (respondent, question of factors A/B/C, answer 0–5) on the hand-check survey.
        let f = cchc::framework::load("tests/fixtures/survey/framework.toml", std::path::Path::new(".")).expect("fixture");
        let questions = ["A1", "A2", "B1", "C1"];
        let mut text = String::from("response_id,unit_id,question_id,answer\n");
        let mut seen = std::collections::BTreeSet::new();
        for (r, q, a) in answers {
            if seen.insert((r, q)) {
                text.push_str(&format!("r{r},U1,{},{a}\n", questions[q as usize]));
            }
        }
        let t = table(&text, "s.csv", &cchc::survey::COLUMNS);
        let mut diags = Vec::new();
        let st = cchc::survey::table_of(&f, &t, None, cchc::survey::SurveyBy::Unit, &mut diags).unwrap();
        for fig in st.figures.values() {
            let all = fig.questions.iter().chain(&fig.factors).chain([&fig.index]);
            for v in all.flatten() {
                prop_assert!(*v >= Exact::zero() && *v <= Exact::int(100), "{v}");
            }
            if let Some(m) = fig.margin {
                prop_assert!(m >= Decimal::ZERO && m <= Decimal::from(98), "{m}");
            }
        }
    }
}

/// Values for each dossier column: well formed, badly formed and empty.
fn dossier_field(column: usize) -> impl Strategy<Value = &'static str> {
    const IDS: &[&str] = &["", "D1", " D2 ", "HS0001"];
    const UNITS: &[&str] = &["", "U1", "Sở Tư pháp"];
    const STAMPS: &[&str] = &[
        "",
        "2025-01-05",
        "2025-01-05 08:30",
        "2025-01-05T08:30:59",
        "2025-01-04 23:59",
        "2025-01-06 00:00:60",
        "2025-02-30",
        "2025-01-05 24:00",
        "2025-1-5",
        "05/01/2025 8:30",
        "2025-01-05 08:30:61",
        "2025-01-05 08:30+07:00",
        "2025-01-05 01:30Z",
        "x",
    ];
    const CHANNELS: &[&str] = &["direct", "online", "Postal", "bcci", " online ", "fax", ""];
    const STATUSES: &[&str] = &[
        "resolved",
        "Resolved",
        "refused",
        "returned",
        "withdrawn",
        "received",
        "pending",
        "stopped",
        "",
    ];
    const PROCEDURES: &[&str] = &["", "P1"];
    const FEES: &[&str] = &["", "0", "1000", "000", "1,5", "1.5", "-3", "1.000,5", "abc"];
    const FLAGS: &[&str] = &["", "0", "1", "true", "X", "yes"];
    const RATINGS: &[&str] = &["", "0", "3", "5", "6", "x"];
    const COUNTS: &[&str] = &["", "0", "1", "2", " 1 ", "-1", "x", "99999999999"];
    let pool = match column {
        0 => IDS,
        13 | 14 => STAMPS,
        15 => COUNTS,
        16.. => FLAGS,
        1 => UNITS,
        2 | 6 | 7 => STAMPS,
        3 => CHANNELS,
        4 => STATUSES,
        5 => PROCEDURES,
        8 => FEES,
        9..=11 => FLAGS,
        _ => RATINGS,
    };
    proptest::sample::select(pool)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The usual-row path (checks without building errors) takes exactly the text rows
    /// the full check accepts when no deadline has to be computed, and makes the same
    /// dossier of them: it can neither hide a finding nor count a row differently.
    #[test]
    fn the_usual_row_path_agrees_with_the_full_check(
        values in (0..13usize).map(dossier_field).collect::<Vec<_>>(),
        comma in any::<bool>(),
    ) {
        use cchc::dossier::probe::{parse, usual, Fields, TextRow};
        // The official method's columns after the first 13 stay empty: the usual
        // path is the default method's.
        let mut all = [""; cchc::dossier::probe::WIDTH];
        all[..values.len()].copy_from_slice(&values);
        let fields = Fields::from_values(all);
        let days = cchc::date::DayMemo::default();
        let fast = usual(&TextRow { fields: &fields, comma, days: &days });
        static CALENDAR: std::sync::OnceLock<cchc::dossier::Calendar> = std::sync::OnceLock::new();
        let calendar = CALENDAR.get_or_init(cchc::dossier::Calendar::builtin);
        let full = parse(&fields, None, calendar, comma);
        prop_assert_eq!(
            fast.as_ref().map(|(_, d)| d.clone()),
            full.as_ref().ok().cloned(),
            "{:?} (comma {}): full check {:?}", values, comma, full
        );
        if let Some((ids, _)) = fast {
            prop_assert_eq!(ids.dossier_id, values[0].trim());
            prop_assert_eq!(ids.unit_id, values[1].trim());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The official method's columns: the usual path (read without building errors)
    /// takes exactly the rows the full check accepts, and reads the same values.
    #[test]
    fn the_usual_extras_agree_with_the_full_check(
        values in (0..cchc::dossier::probe::WIDTH).map(dossier_field).collect::<Vec<_>>(),
    ) {
        use cchc::dossier::probe::{extras, usual_extras, Fields};
        let fields = Fields::from_values(values.clone().try_into().unwrap());
        let days = cchc::date::DayMemo::default();
        let fast = usual_extras(&fields, &days);
        let full = extras(&fields.trimmed());
        prop_assert_eq!(fast, full.as_ref().ok().copied(), "{:?}: full check {:?}", values, full);
    }
}

/// Text made of the bytes `trim`'s quick check decides on: controls, the space, DEL,
/// letters, digits, a no-break space and an ideographic space.
fn edged_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            (0u8..=0x21).prop_map(char::from),
            Just('\u{7f}'),
            Just('a'),
            Just('7'),
            Just('\u{a0}'),
            Just('\u{3000}'),
            Just('ư'),
        ],
        0..6,
    )
    .prop_map(|c| c.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The scan's trim (a one-comparison check of the edge bytes first) is `str::trim`.
    #[test]
    fn the_quick_trim_is_str_trim(s in edged_text()) {
        prop_assert_eq!(cchc::dossier::probe::trim(&s), s.trim());
    }

    /// A scan worker's remembered dates read every text as `parse_stamp` does, however
    /// often the same date part comes back and whatever came before it.
    #[test]
    fn remembered_dates_read_as_parse_stamp(
        texts in proptest::collection::vec(
            (0usize..6, 0usize..4).prop_map(|(d, t)| {
                let dates = ["2025-03-01", "2025-02-29", "2024-02-29", "2025-13-01", "2025-03-0x", "1899-12-31"];
                let times = ["", " 08:30", "T23:59:60", " 24:00"];
                format!("{}{}", dates[d], times[t])
            }),
            1..20,
        ),
    ) {
        let memo = cchc::date::DayMemo::default();
        for t in &texts {
            prop_assert_eq!(memo.parse_stamp(t), cchc::date::parse_stamp(t), "{}", t);
        }
    }
}

/// A fraction as num's own rational reduces it (the reference: its own gcd and
/// arithmetic), written as `Exact::fraction` writes one.
fn reference_text(r: &num_rational::BigRational) -> String {
    if r.is_integer() {
        r.numer().to_string()
    } else {
        format!("{}/{}", r.numer(), r.denom())
    }
}

/// Fractions whose sums outgrow 64 bits: denominators are counts up to a million.
fn fractions() -> impl Strategy<Value = Vec<(i64, i64)>> {
    prop::collection::vec((-2_000_000i64..2_000_000, 1i64..1_000_000), 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Exact's arithmetic past the small form (its own reduction, a running sum
    /// reduced once, products and quotients reduced crosswise, rounding without
    /// reducing) gives num's rational values, digit for digit.
    #[test]
    fn exact_arithmetic_past_64_bits_is_num_rationals(
        xs in fractions(),
        ys in fractions(),
        k in 1i64..1000,
        long in prop::collection::vec((-2_000_000i64..2_000_000, 1i64..1_000_000), 250..320),
    ) {
        use num_bigint::BigInt;
        use num_rational::BigRational;
        use num_traits::{One, Signed, Zero};
        let exact = |&(n, d): &(i64, i64)| Exact::ratio(&Exact::int(n), &Exact::int(d)).unwrap();
        let big = |&(n, d): &(i64, i64)| BigRational::new(BigInt::from(n), BigInt::from(d));
        let (sx, sy): (Exact, Exact) = (xs.iter().map(exact).sum(), ys.iter().map(exact).sum());
        let mut fold = Exact::zero();
        for x in &xs {
            fold += exact(x);
        }
        let (rx, ry): (BigRational, BigRational) = (xs.iter().map(big).sum(), ys.iter().map(big).sum());
        prop_assert_eq!(sx.fraction(), reference_text(&rx));
        prop_assert_eq!(fold.fraction(), reference_text(&rx));
        // A sum long enough that the running sum reduces on the way (past 4096 bits).
        let long_sum: Exact = long.iter().map(exact).sum();
        let long_reference: BigRational = long.iter().map(big).sum();
        prop_assert_eq!(long_sum.fraction(), reference_text(&long_reference));
        prop_assert_eq!((sx.clone() + &sy).fraction(), reference_text(&(&rx + &ry)));
        prop_assert_eq!((sx.clone() - &sy).fraction(), reference_text(&(&rx - &ry)));
        prop_assert_eq!((sx.clone() * &sy).fraction(), reference_text(&(&rx * &ry)));
        let kx = sx.clone() * &Exact::int(k);
        prop_assert_eq!(kx.fraction(), reference_text(&(&rx * BigRational::from_integer(BigInt::from(k)))));
        if !ry.is_zero() {
            let q = Exact::ratio(&sx, &sy).unwrap();
            prop_assert_eq!(q.fraction(), reference_text(&(&rx / &ry)));
        }
        // Rounding: half up to 2 places, against the reference's own.
        let scaled = &rx * BigRational::from_integer(BigInt::from(100));
        let (fl, twice) = (scaled.floor(), (&scaled - scaled.floor()) * BigRational::from_integer(BigInt::from(2)));
        let half_up = if twice >= BigRational::one() && !(twice == BigRational::one() && rx.is_negative()) {
            fl + BigRational::one()
        } else {
            fl
        };
        let rounded = sx.round(2, cchc::num::RoundingMode::HalfUp);
        prop_assert_eq!(rounded * Decimal::from(100), Decimal::from_str_exact(&half_up.to_integer().to_string()).unwrap());
    }
}
