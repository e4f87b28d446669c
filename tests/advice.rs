//! `cchc advise` is exact (#11.1): every row's `index_then` and `rank_then` are what
//! scoring the changed inputs from scratch gives — checked for every row of every demo
//! unit by changing the loaded checklist row or dossier counts and running the whole
//! pipeline again.

use cchc::analysis::advice::{advise, Change};
use cchc::pipeline::{self, Loaded};

fn project(dir: &str) -> Loaded {
    let spec = cchc::project::resolve(&cchc::project::Overrides {
        dir: Some(crate::common::root().join(dir)),
        ..Default::default()
    })
    .unwrap();
    pipeline::load(&spec, std::sync::Arc::new(|_| {})).unwrap()
}

fn rescore(
    mut loaded: Loaded,
    unit: &str,
    criterion: &str,
    change: &Change,
) -> (cchc::num::Exact, u32) {
    match change {
        Change::Row(r) => {
            let rows = &mut loaded.checklist.as_mut().unwrap().0;
            match rows
                .iter()
                .position(|x| x.unit == unit && x.criterion == criterion)
            {
                Some(i) => rows[i] = r.clone(),
                None => rows.push(r.clone()),
            }
        }
        Change::Dossiers(c) => {
            let t = loaded.dossiers.as_mut().unwrap();
            let row = t.rows.iter_mut().find(|(k, _)| k[0] == unit).unwrap();
            row.1 = *c;
        }
        Change::Official(i) => {
            loaded
                .official
                .as_mut()
                .unwrap()
                .insert(unit.to_string(), i.clone());
        }
    }
    let mut run = pipeline::score(loaded, None);
    pipeline::rank(&mut run);
    let u = run
        .scoring
        .units
        .iter()
        .find(|u| u.unit.id == unit)
        .unwrap();
    (u.totals.index_exact.clone(), u.rank)
}

#[test]
fn every_advice_rescores_to_its_index_then_and_rank_then() {
    // The PAR demo (checklist rows, dossier rates) and the official service index's
    // (its indicators' counts).
    for (dir, at_least) in [("fixtures/demo", 200), ("fixtures/service-766", 50)] {
        rescores(dir, at_least);
    }
}

fn rescores(dir: &str, at_least: usize) {
    let loaded = project(dir);
    let mut run = pipeline::score(loaded.clone(), None);
    pipeline::rank(&mut run);
    let mut checked = 0;
    let ids: Vec<&str> = run
        .scoring
        .units
        .iter()
        .map(|u| u.unit.id.as_str())
        .collect();
    let all = pipeline::unit_inputs(&loaded, &ids);
    for u in &run.scoring.units {
        let inputs = &all[&u.unit.id];
        let rows = advise(&run, u, inputs, cchc::lang::Lang::En);
        assert!(!rows.is_empty(), "{} has nothing within reach?", u.unit.id);
        for a in &rows {
            let criterion = &run.framework.leaves[a.leaf].id;
            let (index, rank) = rescore(loaded.clone(), &u.unit.id, criterion, &a.change);
            assert_eq!(index, a.index_then, "{} {criterion}: index_then", u.unit.id);
            assert_eq!(rank, a.rank_then, "{} {criterion}: rank_then", u.unit.id);
            assert!(a.index_then > u.totals.index_exact || a.gain > cchc::num::Exact::zero());
            checked += 1;
        }
        // Largest gain first.
        assert!(rows.windows(2).all(|w| w[0].gain >= w[1].gain));
    }
    assert!(checked > at_least, "{dir}: only {checked} rows");
}
