//! Any bytes as a checklist, a unit register and a survey, scored on the hand-check
//! frameworks and exported in every format: findings, never a panic; points stay in
//! 0..max at every stage, indices in 0..scale, survey figures in 0..100.
#![no_main]
use cchc::export::{self, Format};
use cchc::lang::Lang;
use cchc::num::Exact;
use cchc::pipeline::{self, Run, CHECKLIST_COLUMNS, UNITS_COLUMNS};
use cchc::score::Stage;
use libfuzzer_sys::fuzz_target;

const FRAMEWORK: &str = include_str!("../../tests/fixtures/handcheck/framework.toml");
const UNITS: &str = include_str!("../../tests/fixtures/handcheck/units.csv");
const SURVEY_FRAMEWORK: &str = include_str!("../../tests/fixtures/survey/weights.toml");
const SURVEY_UNITS: &str = include_str!("../../tests/fixtures/survey/units.csv");

fn check_run(run: &Run) {
    let scale = Exact::from(run.framework.scale);
    for u in &run.scoring.units {
        for (leaf, r) in run.framework.leaves.iter().zip(&u.leaves) {
            for stage in Stage::ALL {
                let p = &r.outcome(stage).points;
                assert!(*p >= Exact::zero() && *p <= Exact::from(leaf.max));
            }
        }
        assert!(u.totals.index_exact >= Exact::zero() && u.totals.index_exact <= scale);
        let e = cchc::report::explain::build(run, u, None, None, Lang::Vi);
        let _ = export::to_string(&e, Format::JSON);
    }
    let r = cchc::report::ranking::build(run, None, Lang::Vi);
    for &f in cchc::export::FORMATS {
        let mut out = Vec::new();
        export::export(&r, f, &export::Options::default(), &mut out).expect("exports");
    }
    if run.scoring.has_self {
        let g = cchc::report::gaps::build(run, Stage::SelfAssessed, Stage::Appraised, 5, Lang::En);
        let _ = export::to_string(&g, Format::JSON);
    }
}

fuzz_target!(|data: &[u8]| {
    // As a checklist (and a unit register).
    let fw = cchc::framework::parse(FRAMEWORK, "framework.toml").expect("the fixture is valid");
    let units = cchc::input::Table::parse(UNITS.as_bytes(), "units.csv", &UNITS_COLUMNS).unwrap();
    if let Ok(as_units) = cchc::input::Table::parse(data, "units.csv", &UNITS_COLUMNS) {
        let _ = cchc::input::units::read(&as_units, "group", true, &mut Vec::new());
    }
    if let Ok(checklist) = cchc::input::Table::parse(data, "checklist.csv", &CHECKLIST_COLUMNS) {
        let run = pipeline::score_tables(fw, None, &units, &checklist, Vec::new());
        check_run(&run);
    }

    // As a survey, tallied per unit and per group.
    let sfw = cchc::framework::parse(SURVEY_FRAMEWORK, "weights.toml").expect("valid");
    let Ok(survey) = cchc::input::Table::parse(data, "survey.csv", &cchc::survey::COLUMNS) else {
        return;
    };
    let sunits_table =
        cchc::input::Table::parse(SURVEY_UNITS.as_bytes(), "units.csv", &UNITS_COLUMNS).unwrap();
    let (sunits, _) = cchc::input::units::read(&sunits_table, "group", false, &mut Vec::new());
    for by in [cchc::survey::SurveyBy::Unit, cchc::survey::SurveyBy::Group] {
        let t = cchc::survey::table_of(&sfw, &survey, Some(&sunits), by, &mut Vec::new())
            .expect("a register is given");
        for f in t.figures.values().chain([&t.total]) {
            let all = f.questions.iter().chain(&f.factors).chain([&f.index]);
            for v in all.flatten() {
                assert!(*v >= Exact::zero() && *v <= Exact::from(100u64));
            }
        }
        let r = cchc::report::sipas::build(&sfw, &t, &[], Lang::Vi);
        for &f in cchc::export::FORMATS {
            let mut out = Vec::new();
            export::export(&r, f, &export::Options::default(), &mut out).expect("exports");
        }
    }
});
