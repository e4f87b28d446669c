//! Would the ranking hold under other weights? (`cchc sensitivity`, after COINr's
//! sensitivity analysis of composite indices.)
//!
//! Each run multiplies every area's points and maximum by a factor drawn uniformly in
//! [1 − PCT%, 1 + PCT%] — the scale is kept: index = Σ w·points / Σ w·max × scale —
//! and re-ranks the units under the framework's tie policy; with `drop_areas`, one run
//! more per area leaves that area out (weight 0). Per unit: its rank, the median and
//! the 5th and 95th percentile of its ranks over the runs, and the share of runs that
//! keep it in its band.
//!
//! Draws come from ChaCha8 (`rand_chacha`), seeded with `seed_from_u64`: a documented
//! algorithm whose stream is the same on every machine, so the same seed gives the
//! same bytes. A factor is exact: an integer u drawn uniformly in 0..=2·10⁶ gives
//! 1 + PCT/100 × (u/10⁶ − 1); no float touches an index.

use crate::framework::{Effect, Framework};
use crate::num::Exact;
use crate::pipeline::Run;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use rust_decimal::Decimal;

/// How the weights vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Random runs.
    pub runs: u32,
    /// Each factor's half-width, in percent (0 ≤ pct ≤ 100).
    pub pct: Decimal,
    /// The seed.
    pub seed: u64,
    /// One run more per area, leaving it out.
    pub drop_areas: bool,
}

/// One unit's ranks over the runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spread {
    /// The unit (index into the run's ranked units).
    pub unit: usize,
    /// Its rank in the ranking.
    pub rank: u32,
    /// The median of its ranks over the runs (the lower middle for an even count).
    pub median: u32,
    /// The 5th percentile (nearest rank).
    pub p5: u32,
    /// The 95th percentile (nearest rank).
    pub p95: u32,
    /// Runs that keep it in its band, over all runs (exact).
    pub in_band: Exact,
}

/// The grid of a factor's draw: u in 0..=2·GRID.
const GRID: u64 = 1_000_000;

/// An integer uniform in 0..=n, by rejection (no modulo bias).
fn uniform(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    let span = n + 1;
    let zone = u64::MAX - (u64::MAX % span);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return x % span;
        }
    }
}

/// Each area's weights, run by run: the random runs, then one per area left out —
/// drawn one run at a time, so that nothing grows with the number of runs.
pub fn weight_sets(n_areas: usize, s: &Settings) -> impl Iterator<Item = Vec<Exact>> {
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let hundred = Exact::from(100u64);
    let pct = Exact::from(s.pct);
    let random = (0..s.runs).map(move |_| {
        (0..n_areas)
            .map(|_| {
                let u = uniform(&mut rng, 2 * GRID);
                let offset =
                    Exact::ratio(&(Exact::from(u) - Exact::from(GRID)), &Exact::from(GRID))
                        .unwrap_or_default();
                Exact::one() + Exact::ratio(&(pct.clone() * offset), &hundred).unwrap_or_default()
            })
            .collect()
    });
    let dropped = (0..if s.drop_areas { n_areas } else { 0 }).map(move |a| {
        (0..n_areas)
            .map(|i| if i == a { Exact::zero() } else { Exact::one() })
            .collect()
    });
    random.chain(dropped)
}

/// How many runs the settings make.
pub fn run_count(n_areas: usize, s: &Settings) -> u64 {
    u64::from(s.runs) + if s.drop_areas { n_areas as u64 } else { 0 }
}

/// Each unit's applicable maximum per area (the denominators the weights scale).
fn area_maxima(fw: &Framework, run: &Run) -> Vec<Vec<Decimal>> {
    let stage = run.stage();
    run.scoring
        .units
        .iter()
        .map(|u| {
            let mut m = vec![Decimal::ZERO; fw.areas.len()];
            for (leaf, r) in fw.leaves.iter().zip(&u.leaves) {
                if leaf.effect == Effect::Scored && r.outcome(stage).applicable {
                    m[leaf.area] += leaf.max;
                }
            }
            m
        })
        .collect()
}

/// One weighting: each unit's rank, and whether it keeps its band.
fn rerank(run: &Run, maxima: &[Vec<Decimal>], w: &[Exact]) -> Vec<(u32, bool)> {
    let fw = &run.framework;
    let units = &run.scoring.units;
    let scale = Exact::from(fw.scale);
    let weighted: Vec<(Exact, Vec<Exact>)> = units
        .iter()
        .zip(maxima)
        .map(|(u, m)| {
            let areas: Vec<Exact> = u
                .totals
                .areas
                .iter()
                .zip(w)
                .map(|(p, w)| p.clone() * w)
                .collect();
            let net = areas.iter().fold(Exact::zero(), |a, x| a + x);
            let max = m
                .iter()
                .zip(w)
                .fold(Exact::zero(), |a, (m, w)| a + Exact::from(*m) * w);
            let index = Exact::ratio(&(net * &scale), &max)
                .unwrap_or_default()
                .clamp(Exact::zero(), scale.clone());
            (index, areas)
        })
        .collect();
    let entries: Vec<crate::rank::Entry> = units
        .iter()
        .zip(&weighted)
        .map(|(u, (index, areas))| crate::rank::Entry {
            key: if fw.rounding.rank_on_exact {
                index.clone()
            } else {
                Exact::from(fw.rounding.apply(index))
            },
            points: index.clone(),
            areas,
            unit_id: &u.unit.id,
        })
        .collect();
    let (_, r) = crate::rank::ranks(&entries, &fw.ranking.ties);
    entries
        .iter()
        .zip(units)
        .enumerate()
        .map(|(i, (e, u))| {
            (
                r[i],
                fw.band(&e.key).map(|b| b.label.as_str()) == u.band.as_deref(),
            )
        })
        .collect()
}

/// Runs the analysis on a ranked run; `tick` hears how many runs are done. Each unit's
/// ranks are kept as counts per rank (memory flat in the number of runs), from which
/// the median and the percentiles are read exactly as from the sorted ranks.
pub fn analyse(run: &Run, s: &Settings, tick: &dyn Fn(u64)) -> (Vec<Spread>, usize) {
    let fw = &run.framework;
    let units = &run.scoring.units;
    let maxima = area_maxima(fw, run);
    // counts[unit][rank - 1]: runs that gave the unit that rank.
    let mut counts: Vec<Vec<u64>> = vec![vec![0; units.len()]; units.len()];
    let mut in_band = vec![0u64; units.len()];
    let mut n: u64 = 0;
    for w in weight_sets(fw.areas.len(), s) {
        for (i, (rank, kept)) in rerank(run, &maxima, &w).into_iter().enumerate() {
            if let Some(c) = (rank as usize)
                .checked_sub(1)
                .and_then(|r| counts[i].get_mut(r))
            {
                *c += 1;
            }
            in_band[i] += u64::from(kept);
        }
        n += 1;
        if n % 64 == 0 {
            tick(n);
        }
    }
    tick(n);
    let spreads = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            // The rank at 1-based position k of the unit's sorted ranks.
            let nth = |k: u64| -> u32 {
                let mut seen = 0;
                for (r, c) in counts[i].iter().enumerate() {
                    seen += c;
                    if seen >= k {
                        return r as u32 + 1;
                    }
                }
                u.rank
            };
            let at = |p: u64| {
                if n == 0 {
                    u.rank
                } else {
                    nth((p * n).div_ceil(100).max(1))
                }
            };
            Spread {
                unit: i,
                rank: u.rank,
                median: if n == 0 { u.rank } else { nth((n - 1) / 2 + 1) },
                p5: at(5),
                p95: at(95),
                in_band: Exact::ratio(&Exact::from(in_band[i]), &Exact::from(n))
                    .unwrap_or_default(),
            }
        })
        .collect();
    (spreads, n as usize)
}
