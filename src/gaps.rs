//! The appraisal gap: where the inspection team's appraisal moved the points a unit
//! claimed in its self-assessment, per unit and leaf and, summed, per criterion. The
//! gap between self and appraised scores is watched in its own right (DOMAIN.md): a
//! criterion that every unit over-claims points at unclear guidance or missing evidence.

use crate::score::Outcome;
use crate::Run;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One leaf of one unit whose appraised points differ from its claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The unit.
    pub unit_id: String,
    /// Its name.
    pub name: String,
    /// The leaf, by index into the framework's leaves.
    pub leaf: usize,
    /// What the unit claimed (`None`: not applicable).
    pub self_points: Option<Decimal>,
    /// What the appraisal gave (`None`: not applicable).
    pub appraised: Option<Decimal>,
    /// The change appraisal made to the unit's net points: appraised − self, negated
    /// for a penalty (a not-applicable side counts 0).
    pub delta: Decimal,
}

/// Per criterion, summed over units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionGap {
    /// The leaf, by index into the framework's leaves.
    pub leaf: usize,
    /// Units whose points the appraisal moved.
    pub units: usize,
    /// Σ delta over those units.
    pub total: Decimal,
    /// Σ |delta|.
    pub moved: Decimal,
}

/// Every gap of a run: leaf gaps sorted by |delta| (largest first, then unit and leaf
/// order), and per-criterion sums sorted by points moved.
pub fn gaps(run: &Run) -> (Vec<Gap>, Vec<CriterionGap>) {
    let points = |o: Outcome| o.applicable.then_some(o.points);
    let mut list = Vec::new();
    for u in &run.scoring.units {
        for (l, r) in u.leaves.iter().enumerate() {
            let (s, a) = (r.self_outcome(), r.outcome);
            let moved = points(a).unwrap_or_default() - points(s).unwrap_or_default();
            // The change in the unit's net points: a penalty the appraisal raised costs.
            let delta = if run.framework.leaves[l].effect == crate::framework::Effect::Penalty {
                -moved
            } else {
                moved
            };
            if s != a && (s.applicable != a.applicable || !delta.is_zero()) {
                list.push(Gap {
                    unit_id: u.unit.id.clone(),
                    name: u.unit.name.clone(),
                    leaf: l,
                    self_points: points(s),
                    appraised: points(a),
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
            total: Decimal::ZERO,
            moved: Decimal::ZERO,
        });
        c.units += 1;
        c.total += g.delta;
        c.moved += g.delta.abs();
    }
    let mut criteria: Vec<CriterionGap> = per.into_values().collect();
    criteria.sort_by(|a, b| b.moved.cmp(&a.moved).then(a.leaf.cmp(&b.leaf)));
    (list, criteria)
}
