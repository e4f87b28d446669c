//! `cchc sensitivity` at zero noise is the ranking itself (#11.3): every run keeps the
//! weights at 1, so every unit's median, 5th and 95th percentile ranks are its rank
//! and it stays in its band — for every fixture project, whatever the seed.

use cchc::analysis::sensitivity::{analyse, weight_sets, Settings};
use cchc::num::Exact;
use rust_decimal::Decimal;

#[test]
fn zero_noise_gives_back_the_ranking() {
    for dir in [
        "fixtures/demo",
        "tests/fixtures/handcheck",
        "tests/fixtures/final-stage",
        "fixtures/can-tho-2025",
    ] {
        let run = crate::common::score_dir(dir);
        for seed in [1, 99] {
            let s = Settings {
                runs: 25,
                pct: Decimal::ZERO,
                seed,
                drop_areas: false,
            };
            let (spreads, n) = analyse(&run, &s, &|_| {});
            assert_eq!(n, 25);
            for sp in &spreads {
                let u = &run.scoring.units[sp.unit];
                assert_eq!(
                    (sp.median, sp.p5, sp.p95),
                    (u.rank, u.rank, u.rank),
                    "{dir} {}",
                    u.unit.id
                );
                assert_eq!(sp.in_band, Exact::one());
            }
        }
    }
}

#[test]
fn factors_stay_within_the_band_and_average_near_one() {
    let s = Settings {
        runs: 2000,
        pct: Decimal::from(20),
        seed: 3,
        drop_areas: false,
    };
    let sets: Vec<Vec<Exact>> = weight_sets(4, &s).collect();
    let (lo, hi) = (
        Exact::from(Decimal::new(8, 1)),
        Exact::from(Decimal::new(12, 1)),
    );
    let mut sum = Exact::zero();
    for w in sets.iter().flatten() {
        assert!(*w >= lo && *w <= hi, "{w}");
        sum += w.clone();
    }
    // 8000 uniform draws on [0.8, 1.2]: the mean is within 0.01 of 1.
    let mean = Exact::ratio(&sum, &Exact::from(8000u64)).unwrap();
    let d = (mean - Exact::one()).abs();
    assert!(d < Exact::from(Decimal::new(1, 2)), "mean off by {d}");
    // The same seed, the same draws.
    assert_eq!(sets, weight_sets(4, &s).collect::<Vec<_>>());
}
