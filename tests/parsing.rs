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
    // A Vietnamese-locale Excel groups thousands with dots: 1.234,5 is 1234.5 and
    // 1.900 is one thousand nine hundred, never 1.9 (regression: it was read as 1.9).
    assert_eq!(parse_decimal("1.234,5", true), Some(d("1234.5")));
    assert_eq!(parse_decimal("1.900", true), Some(d("1900")));
    assert_eq!(parse_decimal("12.345.678", true), Some(d("12345678")));
    assert_eq!(parse_decimal("1.9", true), None);
    assert_eq!(parse_decimal("1.90", true), None);
    assert_eq!(parse_decimal("1,900", false), None);
    // More than 28 significant digits cannot be read exactly: refused (regression:
    // silently rounded, so a max of 19.99…9 passed as 20).
    assert_eq!(
        parse_decimal("19.9999999999999999999999999999999", false),
        None
    );
    assert_eq!(
        cchc::num::parse_number("19.9999999999999999999999999999999", false),
        Err(cchc::num::NumberError::TooPrecise)
    );
    assert_eq!(
        parse_decimal("0.5000000000000000000000000000000", false),
        Some(d("0.5"))
    );
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

mod deadlines {
    //! Working-day deadlines on the built-in calendar (DOMAIN.md).
    use cchc::date::Date;
    use cchc::dossier::Calendar;

    fn day(s: &str) -> i64 {
        Date::parse(s).unwrap().to_days()
    }
    fn due(
        cal: &Calendar,
        received: &str,
        minute: Option<u16>,
        days: u32,
        cutoff: Option<u16>,
    ) -> String {
        Date::from_days(cal.due(day(received), minute, days, cutoff).unwrap())
            .unwrap()
            .to_string()
    }

    #[test]
    fn counting_starts_the_day_after_and_skips_days_off() {
        let cal = Calendar::builtin();
        // Thu 03/04/2025 + 3: Fri 04, (weekend), Mon 07 is Giỗ Tổ, Tue 08, Wed 09.
        assert_eq!(due(&cal, "2025-04-03", None, 3, None), "2025-04-09");
        // Wed 23/04/2025 + 3: Thu 24, Fri 25, Sat 26 (make-up working day).
        assert_eq!(due(&cal, "2025-04-23", None, 3, None), "2025-04-26");
        // Fri 24/01/2025 + 1: Tết 27/01–31/01 → Mon 03/02.
        assert_eq!(due(&cal, "2025-01-24", None, 1, None), "2025-02-03");
        // Received on a Sunday, 1 day: Monday.
        assert_eq!(due(&cal, "2025-03-02", None, 1, None), "2025-03-03");
    }

    #[test]
    fn same_day_procedures_and_the_cutoff() {
        let cal = Calendar::builtin();
        let cutoff = Some(15 * 60);
        assert_eq!(
            due(&cal, "2025-04-15", Some(14 * 60 + 59), 0, cutoff),
            "2025-04-15"
        );
        assert_eq!(
            due(&cal, "2025-04-15", Some(15 * 60), 0, cutoff),
            "2025-04-15"
        );
        assert_eq!(
            due(&cal, "2025-04-15", Some(15 * 60 + 1), 0, cutoff),
            "2025-04-16"
        );
        // A day off: the next working day, whatever the time.
        assert_eq!(
            due(&cal, "2025-04-12", Some(9 * 60), 0, cutoff),
            "2025-04-14"
        );
        // After the cutoff on the eve of a holiday: Mon 07/04 is off → Tue 08/04.
        assert_eq!(
            due(&cal, "2025-04-04", Some(16 * 60), 0, cutoff),
            "2025-04-08"
        );
        assert_eq!(cal.is_working(day("2025-04-26")), Some(true));
        assert_eq!(cal.is_working(day("2025-04-27")), Some(false));
    }

    #[test]
    fn day_first_dates_read_on_the_fast_path_as_the_grammar_reads_them() {
        // `DD/MM/YYYY` is read at fixed places (with a memo of date parts in a scan):
        // every day of 1999–2001 and 2023–2026, impossible days and odd times give
        // what the `YYYY-MM-DD` spelling gives, and the memo what the plain parse gives.
        use cchc::dossier::probe::parse_stamp;
        let memo = cchc::date::DayMemo::default();
        for y in [1999, 2000, 2001, 2023, 2024, 2025, 2026] {
            for m in 0..=13 {
                for d in 0..=32 {
                    for time in [
                        "",
                        " 08:30",
                        " 23:59:59",
                        "T07:05",
                        " 24:00",
                        " 8:30",
                        " 08:3x",
                    ] {
                        let dmy = format!("{d:02}/{m:02}/{y}{time}");
                        let iso = format!("{y}-{m:02}-{d:02}{time}");
                        let want = parse_stamp(&iso);
                        assert_eq!(parse_stamp(&dmy), want, "{dmy}");
                        assert_eq!(memo.parse_stamp(&dmy), want, "{dmy} (memo)");
                        assert_eq!(memo.parse_stamp(&iso), want, "{iso} (memo)");
                    }
                }
            }
        }
        assert!(parse_stamp("29/02/2024").is_some() && parse_stamp("29/02/2025").is_none());
    }

    #[test]
    fn stamps_in_both_formats() {
        use cchc::dossier::probe::parse_stamp;
        let s = parse_stamp("14/04/2025 08:30:15").unwrap();
        assert_eq!((s.day, s.minute), (day("2025-04-14"), Some(8 * 60 + 30)));
        assert_eq!(
            parse_stamp("2025-04-14T08:30:15.123").unwrap().minute,
            Some(510)
        );
        assert_eq!(parse_stamp("2025-04-14").unwrap().minute, None);
        // One grammar everywhere: one-digit months, days and hours are dates here as in
        // a checklist or --period (regression: `2025-1-5` was refused in a log only).
        assert_eq!(parse_stamp("2025-1-5").unwrap().day, day("2025-01-05"));
        assert_eq!(
            parse_stamp("5/1/2025 8:30").unwrap(),
            parse_stamp("2025-01-05 08:30").unwrap()
        );
        assert_eq!(
            cchc::date::Date::parse("2025-1-5").unwrap().to_days(),
            day("2025-01-05")
        );
        // A zone is honoured: the calendar day is Vietnam's (UTC+07:00).
        let s = parse_stamp("2025-04-14T20:00:00Z").unwrap();
        assert_eq!((s.day, s.minute), (day("2025-04-15"), Some(3 * 60)));
        let s = parse_stamp("2025-04-14 20:00+07:00").unwrap();
        assert_eq!((s.day, s.minute), (day("2025-04-14"), Some(20 * 60)));
        let s = parse_stamp("2025-04-14T01:30:00-0100").unwrap();
        assert_eq!((s.day, s.minute), (day("2025-04-14"), Some(9 * 60 + 30)));
        for bad in [
            "2025-02-30",
            "2025-04-14 24:00",
            "2025/04/14",
            "14-04-2025",
            "2025-04-14 8:3",
            "2025-04-14 08:30+7",
            "2025-04-14 08:30 Z",
            "",
        ] {
            assert!(parse_stamp(bad).is_none(), "{bad:?}");
        }
    }
}

#[test]
fn numbers_beyond_the_limit_are_refused_so_arithmetic_cannot_overflow() {
    assert!(parse_decimal("1000000000000", false).is_some());
    assert!(parse_decimal("1000000000001", false).is_none());
    assert!(parse_decimal("79228162514264337593543950335", false).is_none());
    assert!(parse_decimal("-1000000000001", false).is_none());
    // Through scoring: a huge done/planned is a finding, not a panic.
    let fw = crate::common::fw(&crate::common::read(
        "tests/fixtures/handcheck/framework.toml",
    ));
    let run = crate::common::score(
        fw,
        "unit_id,name\nU1,One\n",
        "unit_id,criterion_id,done,planned\nU1,B1,99999999999999999999999,3\n",
    );
    assert!(
        run.diagnostics
            .iter()
            .any(|d| d.code == cchc::diag::Code::InvalidNumber),
        "{:?}",
        run.diagnostics
    );
}
