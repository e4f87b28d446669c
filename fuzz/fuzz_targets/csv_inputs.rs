//! Any bytes as a checklist, a unit register and a survey, scored on the hand-check
//! frameworks and rendered in every format: findings, never a panic; points stay in
//! 0..max, indices in 0..scale, survey figures in 0..100.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const FRAMEWORK: &str = include_str!("../../tests/fixtures/handcheck/framework.toml");
const UNITS: &str = include_str!("../../tests/fixtures/handcheck/units.csv");
const SURVEY_FRAMEWORK: &str = include_str!("../../tests/fixtures/survey/weights.toml");
const SURVEY_UNITS: &str = include_str!("../../tests/fixtures/survey/units.csv");

fn check_run(run: &cchc::Run) {
    for u in &run.scoring.units {
        for (leaf, r) in run.framework.leaves.iter().zip(&u.leaves) {
            assert!(r.outcome.points >= Decimal::ZERO && r.outcome.points <= leaf.max);
        }
        assert!(u.totals.index >= Decimal::ZERO && u.totals.index <= run.framework.scale);
        let _ = cchc::render::explain::text(run, u, None, "checklist.csv");
    }
    let _ = cchc::render::csv::render(run);
    let _ = cchc::render::json::render(run);
    let _ = cchc::render::table::render(run);
    let _ = cchc::render::md::render(run);
    let _ = cchc::render::html::render(run);
    let _ = cchc::render::xlsx::render(run).expect("a workbook");
    let _ = cchc::render::gaps::json(run);
}

fuzz_target!(|data: &[u8]| {
    // As a checklist (and a unit register).
    let fw = cchc::framework::parse(FRAMEWORK, "framework.toml").expect("the fixture is valid");
    let units =
        cchc::input::Table::parse(UNITS.as_bytes(), "units.csv", &cchc::UNITS_COLUMNS).unwrap();
    if let Ok(as_units) = cchc::input::Table::parse(data, "units.csv", &cchc::UNITS_COLUMNS) {
        let _ = cchc::input::units::read(&as_units, "group", true, &mut Vec::new());
    }
    if let Ok(checklist) =
        cchc::input::Table::parse(data, "checklist.csv", &cchc::CHECKLIST_COLUMNS)
    {
        let mut run = cchc::score_tables(fw, None, &units, &checklist, Vec::new());
        check_run(&run);
        run.to_self_stage();
        check_run(&run);
    }

    // As a survey, tallied per unit and per group, and scored.
    let sfw = cchc::framework::parse(SURVEY_FRAMEWORK, "weights.toml").expect("valid");
    let Ok(survey) = cchc::input::Table::parse(data, "survey.csv", &cchc::survey::COLUMNS) else {
        return;
    };
    let sunits_table =
        cchc::input::Table::parse(SURVEY_UNITS.as_bytes(), "units.csv", &cchc::UNITS_COLUMNS)
            .unwrap();
    let (sunits, _) = cchc::input::units::read(&sunits_table, "group", false, &mut Vec::new());
    for by in [cchc::SurveyBy::Unit, cchc::SurveyBy::Group] {
        let t = cchc::survey_table(&sfw, &survey, Some(&sunits), by, &mut Vec::new())
            .expect("a register is given");
        for f in t.figures.values().chain([&t.total]) {
            let all = f.questions.iter().chain(&f.factors).chain([&f.index]);
            for v in all.flatten() {
                assert!(*v >= Decimal::ZERO && *v <= Decimal::ONE_HUNDRED);
            }
        }
        let _ = cchc::render::sipas::csv(&sfw, &t);
        let _ = cchc::render::sipas::json(&sfw, &t, &[]);
        let _ = cchc::render::sipas::table(&sfw, &t, cchc::lang::Lang::Vi);
        let _ = cchc::render::sipas::md(&sfw, &t, cchc::lang::Lang::En);
        if by == cchc::SurveyBy::Unit {
            let empty = cchc::input::Table::parse(
                b"unit_id,criterion_id\n",
                "checklist.csv",
                &cchc::CHECKLIST_COLUMNS,
            )
            .unwrap();
            let run = cchc::score_tables_with(
                sfw.clone(),
                None,
                &sunits_table,
                &empty,
                None,
                Some(&t.figures),
                Vec::new(),
            );
            check_run(&run);
        }
    }
});
