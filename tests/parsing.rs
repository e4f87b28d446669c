//! The small parsers: dates, periods, decimals.

use cchc::date::{Date, DateError};
use cchc::num::{fixed, parse_decimal, RoundingMode};
use cchc::period::Period;
use rust_decimal::Decimal;
use std::str::FromStr;

#[test]
fn dates_in_both_formats_and_impossible_ones() {
    assert_eq!(
        Date::parse("2025-03-01").unwrap(),
        Date::new(2025, 3, 1).unwrap()
    );
    assert_eq!(
        Date::parse("01/03/2025").unwrap(),
        Date::new(2025, 3, 1).unwrap()
    );
    assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
    assert!(matches!(
        Date::parse("2025-02-29"),
        Err(DateError::Impossible(_))
    ));
    assert!(matches!(
        Date::parse("2025-02-30"),
        Err(DateError::Impossible(_))
    ));
    assert!(matches!(
        Date::parse("2025-1-1x"),
        Err(DateError::Malformed(_))
    ));
    assert!(matches!(
        Date::parse("25-01-01"),
        Err(DateError::Malformed(_))
    ));
    assert!(matches!(Date::parse(""), Err(DateError::Malformed(_))));
}

#[test]
fn day_numbers_round_trip() {
    assert_eq!(Date::new(1970, 1, 1).unwrap().to_days(), 0);
    for days in [-700_000i64, -1, 0, 59, 20_000, 2_000_000] {
        assert_eq!(Date::from_days(days).unwrap().to_days(), days);
    }
    let a = Date::new(2024, 12, 31).unwrap().to_days();
    assert_eq!(Date::new(2025, 1, 1).unwrap().to_days() - a, 1);
}

#[test]
fn periods() {
    let p = Period::parse("2025").unwrap();
    assert_eq!(
        (p.from.to_string(), p.to.to_string()),
        ("2025-01-01".into(), "2025-12-31".into())
    );
    let q = Period::parse("2024-Q1").unwrap();
    assert_eq!(
        (q.from.to_string(), q.to.to_string()),
        ("2024-01-01".into(), "2024-03-31".into())
    );
    let m = Period::parse("2024-02").unwrap();
    assert_eq!(m.to.to_string(), "2024-02-29");
    let r = Period::parse("2024-12-15..2025-12-14").unwrap();
    assert_eq!(
        (r.from.to_string(), r.to.to_string()),
        ("2024-12-15".into(), "2025-12-14".into())
    );
    for bad in [
        "",
        "25",
        "2025-Q5",
        "2025-13",
        "2025-00",
        "2025-12-14..2024-12-15",
        "soon",
    ] {
        assert!(Period::parse(bad).is_err(), "{bad:?} should be refused");
    }
}

#[test]
fn decimals_are_exact_and_never_guessed() {
    let d = |s| Decimal::from_str(s).unwrap();
    assert_eq!(parse_decimal("86.95", false), Some(d("86.95")));
    assert_eq!(parse_decimal(" 2 ", false), Some(d("2")));
    assert_eq!(parse_decimal("86,95", true), Some(d("86.95")));
    assert_eq!(parse_decimal("86,95", false), None);
    assert_eq!(parse_decimal("1.234,5", true), None);
    assert_eq!(parse_decimal("1e3", false), None);
    assert_eq!(parse_decimal("abc", false), None);
    assert_eq!(parse_decimal(".5", false), None);
    assert_eq!(fixed(d("2.675"), 2, RoundingMode::HalfUp), "2.68");
    assert_eq!(fixed(d("2.665"), 2, RoundingMode::HalfEven), "2.66");
    assert_eq!(fixed(d("-0.001"), 2, RoundingMode::HalfUp), "0.00");
    assert_eq!(fixed(d("-2.675"), 2, RoundingMode::HalfUp), "-2.68");
}

#[test]
fn bytes_that_are_not_utf8_are_named_by_line() {
    let bytes = b"unit_id,name\nA,Alpha\nB,B\xe1ta\n";
    match cchc::input::Table::parse(bytes, "units.csv", &["unit_id"]) {
        Err(e @ cchc::input::InputError::NotUtf8 { line: 3, .. }) => {
            assert!(e.to_string().contains("units.csv:3"), "{e}");
            assert!(e.to_string().contains("UTF-8"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn nfc_and_nfd_ids_compare_equal() {
    let nfc = "Phường";
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd(nfc).collect();
    assert_ne!(nfc, nfd);
    assert_eq!(cchc::input::normalize(&nfd), cchc::input::normalize(nfc));
    // A checklist naming a unit in NFD matches the register's NFC id.
    let fw = crate::common::fw(
        "id = \"x\"\ntitle = \"x\"\nscale = \"10\"\n[[areas]]\nid = \"1\"\ntitle = \"a\"\n[[areas.criteria]]\nid = \"1.1\"\ntitle = \"c\"\nmax = \"10\"\nrule = \"manual\"\n",
    );
    let run = crate::common::score(
        fw,
        &format!("unit_id,name\n{nfc},Ward\n"),
        &format!("unit_id,criterion_id,appraised_score\n{nfd},1.1,7\n"),
    );
    assert!(run.diagnostics.is_empty(), "{:?}", run.diagnostics);
    assert_eq!(run.scoring.units[0].totals.index, Decimal::from(7));
}
