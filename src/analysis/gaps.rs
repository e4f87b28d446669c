//! The appraisal gap: where one stage of the inspection moved the points of another —
//! by default the appraisal against the unit's self-assessment, or any two stages
//! (`gaps --from appraised --to final`) — per unit and leaf and, summed, per
//! criterion. The gap between self and appraised scores is watched in its own right
//! (DOMAIN.md): a criterion that every unit over-claims points at unclear guidance or
//! missing evidence.

use crate::framework::Effect;
use crate::num::Exact;
use crate::pipeline::Run;
use crate::score::{Outcome, Stage};
use std::collections::BTreeMap;

/// One leaf of one unit whose points differ between the two stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The unit.
    pub unit_id: String,
    /// Its name.
    pub name: String,
    /// The leaf, by index into the framework's leaves.
    pub leaf: usize,
    /// Points at the first stage (`None`: not applicable).
    pub from: Option<Exact>,
    /// Points at the second stage (`None`: not applicable).
    pub to: Option<Exact>,
    /// The change to the unit's net points: to − from, negated for a penalty (a
    /// not-applicable side counts 0).
    pub delta: Exact,
}

/// Per criterion, summed over units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionGap {
    /// The leaf, by index into the framework's leaves.
    pub leaf: usize,
    /// Units whose points moved.
    pub units: usize,
    /// Σ delta over those units.
    pub total: Exact,
    /// Σ |delta|.
    pub moved: Exact,
}

/// Every gap between two stages: leaf gaps sorted by |delta| (largest first, then unit
/// and leaf order), and per-criterion sums sorted by points moved.
pub fn gaps(run: &Run, from: Stage, to: Stage) -> (Vec<Gap>, Vec<CriterionGap>) {
    let points = |o: &Outcome| o.applicable.then(|| o.points.clone());
    let mut list = Vec::new();
    for u in &run.scoring.units {
        for (l, r) in u.leaves.iter().enumerate() {
            let (s, a) = (r.outcome(from), r.outcome(to));
            let moved = points(a).unwrap_or_default() - points(s).unwrap_or_default();
            // The change in the unit's net points: a penalty raised costs.
            let delta = if run.framework.leaves[l].effect == Effect::Penalty {
                -moved
            } else {
                moved
            };
            if s != a && (s.applicable != a.applicable || !delta.is_zero()) {
                list.push(Gap {
                    unit_id: u.unit.id.clone(),
                    name: u.unit.name.clone(),
                    leaf: l,
                    from: points(s),
                    to: points(a),
                    delta,
                });
            }
        }
    }
    list.sort_by(|a, b| {
        b.delta
            .abs()
            .cmp(&a.delta.abs())
            .then_with(|| a.unit_id.cmp(&b.unit_id))
            .then(a.leaf.cmp(&b.leaf))
    });
    let mut per: BTreeMap<usize, CriterionGap> = BTreeMap::new();
    for g in &list {
        let c = per.entry(g.leaf).or_insert(CriterionGap {
            leaf: g.leaf,
            units: 0,
            total: Exact::zero(),
            moved: Exact::zero(),
        });
        c.units += 1;
        c.total += &g.delta;
        c.moved += g.delta.abs();
    }
    let mut criteria: Vec<CriterionGap> = per.into_values().collect();
    criteria.sort_by(|a, b| b.moved.cmp(&a.moved).then(a.leaf.cmp(&b.leaf)));
    (list, criteria)
}
