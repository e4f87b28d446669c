//! Any bytes as a checklist (and as a unit register), scored on the hand-check
//! framework and rendered in every format: findings, never a panic; points stay in
//! 0..max and indices in 0..scale.
#![no_main]
use libfuzzer_sys::fuzz_target;

const FRAMEWORK: &str = include_str!("../../tests/fixtures/handcheck/framework.toml");
const UNITS: &str = include_str!("../../tests/fixtures/handcheck/units.csv");

fuzz_target!(|data: &[u8]| {
    let fw = cchc::framework::parse(FRAMEWORK, "framework.toml").expect("the fixture is valid");
    let units =
        cchc::input::Table::parse(UNITS.as_bytes(), "units.csv", &cchc::UNITS_COLUMNS).unwrap();
    if let Ok(as_units) = cchc::input::Table::parse(data, "units.csv", &cchc::UNITS_COLUMNS) {
        let _ = cchc::input::units::read(&as_units, "group", true, &mut Vec::new());
    }
    let Ok(checklist) = cchc::input::Table::parse(data, "checklist.csv", &cchc::CHECKLIST_COLUMNS)
    else {
        return;
    };
    let run = cchc::score_tables(fw, None, &units, &checklist, Vec::new());
    for u in &run.scoring.units {
        for (leaf, r) in run.framework.leaves.iter().zip(&u.leaves) {
            assert!(
                r.outcome.points >= rust_decimal::Decimal::ZERO && r.outcome.points <= leaf.max
            );
        }
        assert!(
            u.totals.index >= rust_decimal::Decimal::ZERO && u.totals.index <= run.framework.scale
        );
        let _ = cchc::render::explain::text(&run, u, None, "checklist.csv");
    }
    let _ = cchc::render::csv::render(&run);
    let _ = cchc::render::json::render(&run);
    let _ = cchc::render::table::render(&run);
});
