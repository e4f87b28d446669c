//! From checklist rows to points, totals and indices, with a trace of every step.
//!
//! Each leaf of each unit gets a [`LeafResult`] that records *how* its points came about
//! ([`How`]): the input line, the value or ratio used, the option or step that matched.
//! `explain` prints that trace; the totals are sums over it. All arithmetic is
//! `rust_decimal`; rounding happens only where the framework says (the published index,
//! and each leaf when `round-points` is set).

mod leaf;

use crate::diag::Diagnostic;
use crate::framework::{Effect, Framework};
use crate::input::checklist::{Cell, ChecklistRow};
use crate::input::units::Unit;
use crate::input::RowStats;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub use leaf::{How, RatioMatch, UnitEvidence};

/// The evidence beside the checklist, per unit id.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// Dossier counts over the period.
    pub dossiers: Option<&'a BTreeMap<String, crate::dossier::Counts>>,
    /// Survey figures.
    pub survey: Option<&'a BTreeMap<String, crate::survey::Figures>>,
}

/// Points of one leaf under one reading (appraised or self-assessed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the leaf applies (its max counts in the unit's denominator).
    pub applicable: bool,
    /// Points earned (for a penalty leaf, points deducted), within 0..max.
    pub points: Decimal,
}

/// What the unit claimed for a leaf in its self-assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfScore {
    /// No self_score: the self-assessed reading uses the appraised points.
    NotGiven,
    /// `na`: the unit considered the item not applicable.
    Na,
    /// The claimed points (already capped to 0..max).
    Given(Decimal),
}

/// One leaf of one unit.
#[derive(Debug, Clone)]
pub struct LeafResult {
    /// The checklist line it came from, if any.
    pub line: Option<usize>,
    /// Points after appraisal.
    pub outcome: Outcome,
    /// How those points were derived.
    pub how: How,
    /// The unit's own claim.
    pub self_score: SelfScore,
    /// Evidence reference from the checklist.
    pub evidence: Option<String>,
    /// Note from the checklist.
    pub note: Option<String>,
}

impl LeafResult {
    /// The self-assessed reading of this leaf.
    pub fn self_outcome(&self) -> Outcome {
        match self.self_score {
            SelfScore::NotGiven => self.outcome,
            SelfScore::Na => Outcome {
                applicable: false,
                points: Decimal::ZERO,
            },
            SelfScore::Given(points) => Outcome {
                applicable: true,
                points,
            },
        }
    }
}

/// Sums for one unit under one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Points of the scored leaves.
    pub scored: Decimal,
    /// Bonus points (each leaf capped).
    pub bonus: Decimal,
    /// Penalty points (each leaf capped).
    pub penalty: Decimal,
    /// Sum of the maxima of the applicable scored leaves.
    pub max: Decimal,
    /// Net points per area (scored + bonus − penalty), in framework order.
    pub areas: Vec<Decimal>,
    /// (scored + bonus − penalty) / max × scale, capped to [0, scale], unrounded.
    pub index_exact: Decimal,
    /// The published index, rounded as the framework says.
    pub index: Decimal,
}

impl Totals {
    /// scored + bonus − penalty.
    pub fn net(&self) -> Decimal {
        self.scored + self.bonus - self.penalty
    }

    fn compute(
        fw: &Framework,
        leaves: &[LeafResult],
        pick: impl Fn(&LeafResult) -> Outcome,
    ) -> Totals {
        let mut t = Totals {
            scored: Decimal::ZERO,
            bonus: Decimal::ZERO,
            penalty: Decimal::ZERO,
            max: Decimal::ZERO,
            areas: vec![Decimal::ZERO; fw.areas.len()],
            index_exact: Decimal::ZERO,
            index: Decimal::ZERO,
        };
        for (def, r) in fw.leaves.iter().zip(leaves) {
            let o = pick(r);
            if !o.applicable {
                continue;
            }
            match def.effect {
                Effect::Scored => {
                    t.scored += o.points;
                    t.max += def.max;
                    t.areas[def.area] += o.points;
                }
                Effect::Bonus => {
                    t.bonus += o.points;
                    t.areas[def.area] += o.points;
                }
                Effect::Penalty => {
                    t.penalty += o.points;
                    t.areas[def.area] -= o.points;
                }
            }
        }
        if t.max > Decimal::ZERO {
            t.index_exact = (t.net() * fw.scale / t.max).clamp(Decimal::ZERO, fw.scale);
        }
        t.index = fw.rounding.apply(t.index_exact);
        t
    }
}

/// Everything computed for one unit.
#[derive(Debug, Clone)]
pub struct UnitResult {
    /// The unit.
    pub unit: Unit,
    /// One result per framework leaf, in framework order.
    pub leaves: Vec<LeafResult>,
    /// Totals after appraisal.
    pub totals: Totals,
    /// Totals of the self-assessment.
    pub self_totals: Totals,
    /// Rank among all units.
    pub rank: u32,
    /// Rank within the unit's group.
    pub rank_in_group: u32,
    /// Units in the unit's group.
    pub group_size: usize,
    /// The band's label, if the framework has bands.
    pub band: Option<String>,
}

impl UnitResult {
    /// The value ranking and bands use: the published index, or the exact one when the
    /// framework says `rank-on = "exact"`.
    pub fn rank_key(&self, fw: &Framework) -> Decimal {
        if fw.rounding.rank_on_exact {
            self.totals.index_exact
        } else {
            self.totals.index
        }
    }
}

/// The result of a scoring run: units in rank order, findings, row counts.
#[derive(Debug, Clone)]
pub struct Scoring {
    /// Units in rank order (ties by unit_id).
    pub units: Vec<UnitResult>,
    /// Whether any checklist row carries a self_score.
    pub has_self: bool,
    /// Rows read / used / rejected per input.
    pub stats: Vec<RowStats>,
}

/// Scores every unit on every leaf and ranks them.
pub fn score(
    fw: &Framework,
    units: Vec<Unit>,
    rows: &[ChecklistRow],
    checklist_file: &str,
    evidence: Evidence,
    diags: &mut Vec<Diagnostic>,
) -> Scoring {
    let unit_index: BTreeMap<&str, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let leaf_index: BTreeMap<&str, usize> = fw
        .leaves
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i))
        .collect();
    let mut stats = RowStats {
        input: "checklist".into(),
        file: checklist_file.to_string(),
        read: rows.len(),
        ..RowStats::default()
    };
    // (unit, leaf) → row; the first row wins, later duplicates are reported.
    let mut cells: BTreeMap<(usize, usize), &ChecklistRow> = BTreeMap::new();
    let at = |d: Diagnostic, r: &ChecklistRow| d.at(checklist_file, Some(r.line));
    for r in rows {
        let Some(&u) = unit_index.get(r.unit.as_str()) else {
            diags.push(
                at(
                    Diagnostic::error(
                        "unknown-unit",
                        format!("unit `{}` is not in the unit register; row ignored", r.unit),
                    ),
                    r,
                )
                .unit(&r.unit),
            );
            stats.rejected += 1;
            continue;
        };
        let Some(&l) = leaf_index.get(r.criterion.as_str()) else {
            let parent = fw.areas.iter().any(|a| a.id == r.criterion)
                || fw.leaves.iter().any(|l| l.parents.contains(&r.criterion));
            let msg = if parent {
                format!(
                    "`{}` groups other criteria; score its sub-criteria instead; row ignored",
                    r.criterion
                )
            } else {
                format!(
                    "criterion `{}` is not in framework {}; row ignored",
                    r.criterion, fw.id
                )
            };
            let code = if parent {
                "not-a-leaf"
            } else {
                "unknown-criterion"
            };
            diags.push(at(Diagnostic::error(code, msg), r).unit(&r.unit));
            stats.rejected += 1;
            continue;
        };
        if let Some(first) = cells.get(&(u, l)) {
            diags.push(
                at(
                    Diagnostic::error(
                        "duplicate-row",
                        format!("a row for this unit and criterion is already on line {}; this one is ignored", first.line),
                    ),
                    r,
                )
                .unit(&r.unit)
                .criterion(&r.criterion),
            );
            stats.rejected += 1;
            continue;
        }
        cells.insert((u, l), r);
        stats.used += 1;
    }
    let has_self = rows.iter().any(|r| r.self_score != Cell::Empty);

    for (l, def) in fw.leaves.iter().enumerate() {
        if def.from_checklist()
            && !cells.keys().any(|&(_, cl)| cl == l)
            && def.effect == Effect::Scored
        {
            diags.push(
                Diagnostic::warning(
                    "criterion-matched-nothing",
                    "no unit has a checklist row for this criterion",
                )
                .at(checklist_file, None)
                .criterion(&def.id),
            );
        }
    }

    let mut results = Vec::with_capacity(units.len());
    for (u, unit) in units.into_iter().enumerate() {
        let any_row = cells.range((u, 0)..(u + 1, 0)).next().is_some();
        if !any_row && fw.uses_checklist() {
            diags.push(
                Diagnostic::warning(
                    "unit-without-rows",
                    "the unit has no checklist rows; every item scores 0",
                )
                .at(checklist_file, None)
                .unit(&unit.id),
            );
        }
        let leaves: Vec<LeafResult> = fw
            .leaves
            .iter()
            .enumerate()
            .map(|(l, def)| {
                let row = cells.get(&(u, l)).copied();
                if def.from_checklist() && row.is_none() && any_row && def.effect == Effect::Scored
                {
                    diags.push(
                        Diagnostic::warning(
                            "missing-item",
                            "no checklist row for this criterion; it scores 0",
                        )
                        .at(checklist_file, None)
                        .unit(&unit.id)
                        .criterion(&def.id),
                    );
                }
                let here = UnitEvidence {
                    dossiers: evidence.dossiers.and_then(|d| d.get(&unit.id)),
                    survey: evidence.survey.and_then(|s| s.get(&unit.id)),
                };
                leaf::evaluate(fw, def, row, here, &unit.id, checklist_file, diags)
            })
            .collect();
        let totals = Totals::compute(fw, &leaves, |r| r.outcome);
        let self_totals = Totals::compute(fw, &leaves, LeafResult::self_outcome);
        if totals.max.is_zero() {
            diags.push(
                Diagnostic::error(
                    "no-applicable-items",
                    "no scored criterion applies to this unit; its index is 0",
                )
                .at(checklist_file, None)
                .unit(&unit.id),
            );
        }
        results.push(UnitResult {
            unit,
            leaves,
            totals,
            self_totals,
            rank: 0,
            rank_in_group: 0,
            group_size: 0,
            band: None,
        });
    }
    crate::rank::apply(fw, &mut results);
    Scoring {
        units: results,
        has_self,
        stats: vec![stats],
    }
}
