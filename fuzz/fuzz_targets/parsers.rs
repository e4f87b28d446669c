//! Any text through the small parsers: dates, timestamps, periods (both conventions),
//! decimals, and a dossier row split on commas. Errors, never panics.
#![no_main]
use cchc::dossier::probe::{self as row, Fields};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(d) = cchc::date::Date::parse(text) {
        assert_eq!(cchc::date::Date::from_days(d.to_days()), Some(d));
    }
    let _ = row::parse_stamp(text);
    let _ = cchc::period::Period::parse(text);
    let _ = cchc::period::Period::parse_with(text, cchc::period::Convention::MidMonth);
    let _ = cchc::num::parse_decimal(text, true);
    let _ = cchc::num::parse_decimal(text, false);
    let mut values = [""; 13];
    for (slot, v) in values.iter_mut().zip(text.split(',')) {
        *slot = v;
    }
    let fields = Fields::from_values(values);
    static CALENDAR: std::sync::OnceLock<cchc::dossier::Calendar> = std::sync::OnceLock::new();
    let calendar = CALENDAR.get_or_init(cchc::dossier::Calendar::builtin);
    if let Ok(d) = row::parse(&fields, None, calendar, true) {
        let mut c: cchc::dossier::Counts = Default::default();
        d.count(d.received - 3, d.received + 30, &mut c);
        assert!(c.early + c.on_time + c.late == c.resolved);
    }
});
