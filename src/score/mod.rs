//! From checklist rows and evidence to points, totals and indices, with a trace of
//! every step.
//!
//! Each leaf of each unit gets a [`LeafResult`] holding one [`Reading`] per stage the
//! checklist gives (the unit's self-score, the appraisal, the final score after the
//! unit's explanation); each reading records *how* its points came about ([`How`]):
//! the input line, the value or ratio used, the option or step that matched. `explain`
//! prints that trace ([`trace`]); the totals are exact sums over it ([`Totals`]). All
//! arithmetic is exact ([`Exact`]); rounding happens only where the framework says (the
//! published index, and each leaf when `round-points` is set). Ranking is the next
//! stage ([`crate::rank`]).

mod leaf;
pub mod trace;

use crate::diag::{Code, Diagnostic};
use crate::framework::{Effect, Framework, OnEmpty};
use crate::input::checklist::ChecklistRow;
use crate::input::units::Unit;
use crate::input::{Place, RowStats};
use crate::num::{Accum, Exact};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

pub use leaf::{match_ratio, UnitEvidence};

/// The evidence beside the checklist, per unit id.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// Dossier counts over the period.
    pub dossiers: Option<&'a BTreeMap<String, crate::dossier::Counts>>,
    /// Survey figures.
    pub survey: Option<&'a BTreeMap<String, crate::survey::Figures>>,
    /// Officials' survey figures.
    pub officials: Option<&'a BTreeMap<String, crate::officials::Figures>>,
    /// The official service index's indicators ([`crate::portal`]).
    pub official: Option<&'a BTreeMap<String, Vec<crate::portal::Indicator>>>,
    /// No checklist was given, and its criteria are then not applicable (a framework
    /// scored on the official indicators, whose one checklist criterion is optional)
    /// rather than 0.
    pub no_checklist: bool,
}

/// A stage of the inspection: which reading of the checklist points come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Stage {
    /// The unit's self-assessment (`self_score`).
    #[value(
        name = "self",
        help = "The units' own self-assessed scores (self_score)"
    )]
    SelfAssessed,
    /// The council's appraisal (`appraised_score`; rules computed from their inputs).
    #[value(help = "The council's appraised scores (self-scores where not appraised)")]
    Appraised,
    /// After the unit's explanation and the second appraisal (`final_score`).
    #[value(help = "The scores after the units' explanations (final_score; appraised where none)")]
    Final,
}

impl Stage {
    /// Every stage, in the order of the inspection.
    pub const ALL: [Stage; 3] = [Stage::SelfAssessed, Stage::Appraised, Stage::Final];

    /// The stage's name on the command line and in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Stage::SelfAssessed => "self",
            Stage::Appraised => "appraised",
            Stage::Final => "final",
        }
    }

    /// The stage with this name.
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The checklist column its scores are in.
    pub fn column(self) -> &'static str {
        match self {
            Stage::SelfAssessed => "self_score",
            Stage::Appraised => "appraised_score",
            Stage::Final => "final_score",
        }
    }
}

/// Points of one leaf under one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the leaf applies (its max counts in the unit's denominator).
    pub applicable: bool,
    /// Points earned (for a penalty leaf, points deducted), within 0..max, exact.
    pub points: Exact,
}

/// How a leaf's points came about: what `explain` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// No checklist row: 0 points (the leaf still counts in the max).
    Missing,
    /// `na` in the named column: the leaf leaves the denominator.
    NotApplicable {
        /// The column that said `na`.
        column: &'static str,
    },
    /// `na` on a bonus or penalty leaf, which always applies: 0 points, reported.
    NaNotAllowed {
        /// The column that said `na`.
        column: &'static str,
    },
    /// A score as given (manual rule, or a unit's self-score), capped to 0..max.
    Given {
        /// `self_score`, `appraised_score` or `final_score`.
        column: &'static str,
        /// The value in the file.
        value: Decimal,
        /// The value brought into 0..max.
        capped: Decimal,
    },
    /// A choice option matched.
    Option {
        /// The option named.
        value: Box<str>,
        /// Its points.
        points: Decimal,
    },
    /// The value is not one of the rule's options: 0 points.
    UnknownOption {
        /// What the checklist said.
        value: Box<str>,
    },
    /// A ratio rule: checklist done / planned, a dossier rate, a survey figure.
    Ratio(Box<Ratio>),
    /// A ratio rule with a zero denominator.
    EmptyRatio {
        /// Where the numbers come from, in words.
        source: String,
        /// What the framework says a zero denominator gives.
        on_empty: OnEmpty,
    },
    /// count × points each, capped.
    Count {
        /// The count.
        count: Decimal,
        /// Points each.
        each: Decimal,
    },
    /// An official indicator whose input is absent (a log column, the catalogue,
    /// the petitions): the leaf leaves the denominator.
    Unavailable {
        /// What is missing, in words.
        why: Box<str>,
    },
    /// A column the rule needs is empty: 0 points.
    MissingInput {
        /// Which column(s).
        columns: &'static str,
    },
    /// A value that cannot be used: 0 points.
    Invalid {
        /// The column.
        column: &'static str,
        /// The value.
        value: Box<str>,
    },
}

/// A ratio and what it matched (boxed in [`How`], which every leaf of every unit
/// holds: the common readings stay small).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ratio {
    /// Numerator.
    pub num: Exact,
    /// Denominator (non-zero).
    pub den: Exact,
    /// Where the numbers come from, in words.
    pub source: String,
    /// What matched.
    pub matched: RatioMatch,
}

/// What a ratio matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RatioMatch {
    /// The step with this lower bound (percent).
    Step {
        /// Lower bound, percent.
        from: Decimal,
        /// Its points.
        points: Decimal,
    },
    /// Below the lowest step: 0 points.
    BelowSteps,
    /// Proportional to the ratio against a target (percent).
    Proportional {
        /// Target percent.
        target: Decimal,
    },
}

/// One reading of a leaf: how, and what it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The derivation.
    pub how: How,
    /// The points.
    pub outcome: Outcome,
}

/// What a checklist row says beside its numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// Evidence reference (tài liệu kiểm chứng).
    pub evidence: Option<Box<str>>,
    /// The unit's explanation (giải trình).
    pub explanation: Option<Box<str>>,
    /// Free note.
    pub note: Option<Box<str>>,
}

/// One leaf of one unit, every stage. Kept small: a national run holds millions.
#[derive(Debug, Clone)]
pub struct LeafResult {
    /// The line (workbook row) of the checklist row it came from, if any
    /// ([`Scoring::place`] gives the whole place).
    pub line: Option<u32>,
    /// The appraised reading (for a manual leaf without an appraisal, the self-score;
    /// for a computed rule, the rule on its inputs). Every stage falls back on it.
    pub base: Reading,
    /// The unit's own claim, when it differs from the base.
    pub self_: Option<Box<Reading>>,
    /// The final score after explanation, when given.
    pub final_: Option<Box<Reading>>,
    /// Evidence, explanation and note from the checklist row, when it has any.
    pub notes: Option<Box<Notes>>,
}

impl LeafResult {
    fn base_only(base: Reading) -> LeafResult {
        LeafResult {
            line: None,
            base,
            self_: None,
            final_: None,
            notes: None,
        }
    }

    /// The row's evidence, explanation and note (each may be absent).
    pub fn notes(&self) -> &Notes {
        static NONE: Notes = Notes {
            evidence: None,
            explanation: None,
            note: None,
        };
        self.notes.as_deref().unwrap_or(&NONE)
    }

    /// The reading a stage uses, and the stage it comes from: self falls back on the
    /// appraisal, final on the appraisal.
    pub fn at(&self, stage: Stage) -> (Stage, &Reading) {
        match stage {
            Stage::SelfAssessed => match &self.self_ {
                Some(r) => (Stage::SelfAssessed, r),
                None => (self.base_stage(), &self.base),
            },
            Stage::Appraised => (self.base_stage(), &self.base),
            Stage::Final => match &self.final_ {
                Some(r) => (Stage::Final, r),
                None => (self.base_stage(), &self.base),
            },
        }
    }

    /// The points of a stage.
    pub fn outcome(&self, stage: Stage) -> &Outcome {
        &self.at(stage).1.outcome
    }

    /// The stage the base reading belongs to (a manual leaf scored on its self-score
    /// has not been appraised).
    fn base_stage(&self) -> Stage {
        match self.base.how {
            How::Given {
                column: "self_score",
                ..
            } => Stage::SelfAssessed,
            _ => Stage::Appraised,
        }
    }

    /// The unit's claim, if it made one (its own self-score, or a base that is one).
    pub fn claim(&self) -> Option<&Reading> {
        self.self_.as_deref().or(match self.base_stage() {
            Stage::SelfAssessed => Some(&self.base),
            _ => None,
        })
    }
}

/// Exact sums for one unit under one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Points of the scored leaves.
    pub scored: Exact,
    /// Bonus points (each leaf capped).
    pub bonus: Exact,
    /// Penalty points (each leaf capped).
    pub penalty: Exact,
    /// Sum of the maxima of the applicable scored leaves.
    pub max: Decimal,
    /// Net points per area (scored + bonus − penalty), in framework order.
    pub areas: Vec<Exact>,
    /// Sum of the maxima of each area's applicable scored leaves, in framework order.
    pub area_max: Vec<Decimal>,
    /// Each part's value (`[[parts]]`, in framework order; rounded first when the
    /// framework says `round = "parts"`), None where nothing in the part applies.
    pub parts: Vec<Option<Exact>>,
    /// (scored + bonus − penalty) / max × scale, capped to [0, scale], exact; with
    /// parts, Σ parts / Σ maxima of the parts that apply × scale.
    pub index_exact: Exact,
    /// The published index: `index_exact` rounded once, as the framework says.
    pub index: Decimal,
}

impl Totals {
    /// An area's index: its net points / its applicable maximum × the framework's
    /// scale, within [0, scale], exact (None: nothing scored applies in the area).
    pub fn area_index(&self, fw: &Framework, area: usize) -> Option<Exact> {
        let max = *self.area_max.get(area)?;
        if max <= Decimal::ZERO {
            return None;
        }
        let scale = Exact::from(fw.scale);
        let i = Exact::ratio(&(self.areas[area].clone() * &scale), &Exact::from(max))?;
        Some(i.clamp(Exact::zero(), scale))
    }

    /// A part's value: its areas' net points / their applicable maximum × the part's
    /// maximum, within [0, max], rounded when the framework rounds parts (None: nothing
    /// scored applies in the part).
    fn part(&self, fw: &Framework, p: &crate::framework::Part) -> Option<Exact> {
        let net = p
            .areas
            .iter()
            .fold(Exact::zero(), |s, &a| s + &self.areas[a]);
        let max: Decimal = p.areas.iter().map(|&a| self.area_max[a]).sum();
        let pmax = Exact::from(p.max);
        let v = Exact::ratio(&(net * &pmax), &Exact::from(max))?.clamp(Exact::zero(), pmax);
        Some(if fw.rounding.round_parts {
            Exact::from(fw.rounding.apply(&v))
        } else {
            v
        })
    }

    /// The points the index is read from and their maximum: the net points over the
    /// applicable maximum, or, with parts, the sum of the parts over the maxima of the
    /// parts that apply.
    pub fn points_of(&self, fw: &Framework) -> (Exact, Decimal) {
        if fw.parts.is_empty() {
            return (self.net(), self.max);
        }
        fw.parts.iter().zip(&self.parts).fold(
            (Exact::zero(), Decimal::ZERO),
            |(sum, max), (p, v)| match v {
                Some(v) => (sum + v, max + p.max),
                None => (sum, max),
            },
        )
    }

    /// scored + bonus − penalty.
    pub fn net(&self) -> Exact {
        self.scored.clone() + &self.bonus - &self.penalty
    }

    /// The totals of `leaves` (in framework order) at a stage.
    pub fn compute(fw: &Framework, leaves: &[LeafResult], stage: Stage) -> Totals {
        let mut t = Totals {
            scored: Exact::zero(),
            bonus: Exact::zero(),
            penalty: Exact::zero(),
            max: Decimal::ZERO,
            areas: vec![Exact::zero(); fw.areas.len()],
            area_max: vec![Decimal::ZERO; fw.areas.len()],
            parts: Vec::new(),
            index_exact: Exact::zero(),
            index: Decimal::ZERO,
        };
        // Summed in accumulators, reduced once each (see `Accum`).
        let (mut scored, mut bonus, mut penalty) = <(Accum, Accum, Accum)>::default();
        let mut areas = vec![Accum::default(); fw.areas.len()];
        for (def, r) in fw.leaves.iter().zip(leaves) {
            let o = r.outcome(stage);
            if !o.applicable {
                continue;
            }
            match def.effect {
                Effect::Scored => {
                    scored.add(&o.points);
                    t.max += def.max;
                    t.area_max[def.area] += def.max;
                    areas[def.area].add(&o.points);
                }
                Effect::Bonus => {
                    bonus.add(&o.points);
                    areas[def.area].add(&o.points);
                }
                Effect::Penalty => {
                    penalty.add(&o.points);
                    areas[def.area].sub(&o.points);
                }
            }
        }
        (t.scored, t.bonus, t.penalty) = (scored.total(), bonus.total(), penalty.total());
        t.areas = areas.into_iter().map(Accum::total).collect();
        let scale = Exact::from(fw.scale);
        if !fw.parts.is_empty() {
            t.parts = fw.parts.iter().map(|p| t.part(fw, p)).collect();
            let (sum, max) = t.points_of(fw);
            if let Some(index) = Exact::ratio(&(sum * &scale), &Exact::from(max)) {
                t.index_exact = index.clamp(Exact::zero(), scale);
            }
        } else if t.max > Decimal::ZERO {
            let index = Exact::ratio(&(t.net() * &scale), &Exact::from(t.max)).unwrap_or_default();
            t.index_exact = index.clamp(Exact::zero(), scale);
        }
        t.index = fw.rounding.apply(&t.index_exact);
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
    /// Totals at the ranked stage.
    pub totals: Totals,
    /// Totals of the self-assessment.
    pub self_totals: Totals,
    /// Rank among all units (set by [`crate::rank`]).
    pub rank: u32,
    /// Rank within the unit's group.
    pub rank_in_group: u32,
    /// Units in the unit's group.
    pub group_size: usize,
    /// The band's label, if the framework has bands.
    pub band: Option<String>,
    /// The unit's rank in each area (with `area-ranks`; else empty).
    pub area_ranks: Vec<Option<u32>>,
}

impl Scoring {
    /// Where a leaf's checklist row sits (`checklist.csv:12`, `cham-diem.xlsx[Tổng
    /// hợp]:12`), if it has one.
    pub fn place(&self, leaf: &LeafResult) -> Option<Place> {
        let (file, sheet) = self.checklist.as_ref()?;
        Some(Place {
            file: file.clone(),
            line: leaf.line? as usize,
            sheet: sheet.clone(),
            cell: None,
        })
    }
}

impl UnitResult {
    /// The value ranking and bands use: the published index, or the exact one when the
    /// framework says `rank-on = "exact"`.
    pub fn rank_key(&self, fw: &Framework) -> Exact {
        if fw.rounding.rank_on_exact {
            self.totals.index_exact.clone()
        } else {
            Exact::from(self.totals.index)
        }
    }
}

/// The result of scoring: units (in register order until ranked), row counts.
#[derive(Debug, Clone)]
pub struct Scoring {
    /// Units; in rank order once ranked.
    pub units: Vec<UnitResult>,
    /// The stage the totals are at.
    pub stage: Stage,
    /// Whether any checklist row carries a self_score (then self_index is shown).
    pub has_self: bool,
    /// The stages present in the checklist (self, appraised, final).
    pub stages: Vec<Stage>,
    /// The checklist's file and sheet, for the places of the leaves' rows.
    pub checklist: Option<(Arc<str>, Option<Arc<str>>)>,
    /// Rows read / used / rejected per input.
    pub stats: Vec<RowStats>,
}

/// The checklist rows by (unit, leaf), with duplicates and strays reported.
struct Cells<'a> {
    map: HashMap<(usize, usize), &'a ChecklistRow>,
    stats: RowStats,
}

fn index_rows<'a>(
    fw: &Framework,
    units: &[Unit],
    rows: &'a [ChecklistRow],
    file: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Cells<'a> {
    let unit_index: HashMap<&str, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let leaf_index: HashMap<&str, usize> = fw
        .leaves
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i))
        .collect();
    let parents: HashSet<&str> = fw
        .areas
        .iter()
        .map(|a| a.id.as_str())
        .chain(
            fw.leaves
                .iter()
                .flat_map(|l| l.parents.iter().map(String::as_str)),
        )
        .collect();
    let mut cells = Cells {
        map: HashMap::new(),
        stats: RowStats {
            input: "checklist".into(),
            file: file.unwrap_or_default().to_string(),
            read: rows.len(),
            ..RowStats::default()
        },
    };
    for r in rows {
        let at = |d: Diagnostic| d.located(r.place.location()).unit(&r.unit);
        let Some(&u) = unit_index.get(r.unit.as_str()) else {
            let msg = format!("unit `{}` is not in the unit register; row ignored", r.unit);
            diags.push(at(Diagnostic::new(Code::UnknownUnit, msg)));
            cells.stats.rejected += 1;
            continue;
        };
        let Some(&l) = leaf_index.get(r.criterion.as_str()) else {
            let d = stray_criterion(fw, &parents, &r.criterion);
            diags.push(at(d));
            cells.stats.rejected += 1;
            continue;
        };
        if let Some(first) = cells.map.get(&(u, l)) {
            let msg = format!(
                "a row for this unit and criterion is already on line {}; this one is ignored",
                first.line()
            );
            diags.push(at(Diagnostic::new(Code::DuplicateRow, msg)).criterion(&r.criterion));
            cells.stats.rejected += 1;
            continue;
        }
        cells.map.insert((u, l), r);
        cells.stats.used += 1;
    }
    cells
}

/// A finding about the checklist as a whole (no location without a checklist file).
fn about_checklist(d: Diagnostic, file: Option<&str>) -> Diagnostic {
    match file {
        Some(f) => d.at(f, None),
        None => d,
    }
}

/// Scores every unit on every leaf at `stage` (default: the last stage the checklist
/// has); ranking is the next stage. `checklist_file` is `None` when the framework
/// scores nothing on a checklist and none was read.
pub fn score(
    fw: &Framework,
    units: Vec<Unit>,
    rows: &[ChecklistRow],
    checklist_file: Option<&str>,
    evidence: Evidence,
    stage: Option<Stage>,
    diags: &mut Vec<Diagnostic>,
) -> Scoring {
    let cells = index_rows(fw, &units, rows, checklist_file, diags);
    let empty = rows.is_empty() && fw.uses_checklist() && !evidence.no_checklist;
    if empty {
        diags.push(about_checklist(
            Diagnostic::new(
                Code::EmptyChecklist,
                "the checklist has a header but no rows: every checklist criterion scores 0",
            ),
            checklist_file,
        ));
    } else if !evidence.no_checklist {
        unmatched_criteria(fw, &cells, checklist_file, diags);
    }
    let mut units_with_rows = vec![false; units.len()];
    for &(u, _) in cells.map.keys() {
        units_with_rows[u] = true;
    }
    let stages = stages_present(rows);
    let stage = stage.unwrap_or(if stages.contains(&Stage::Final) {
        Stage::Final
    } else {
        Stage::Appraised
    });
    let run = UnitRun {
        fw,
        cells: &cells,
        evidence,
        stage,
        file: checklist_file,
        empty,
    };
    let results = units
        .into_iter()
        .enumerate()
        .map(|(u, unit)| run.unit(u, unit, units_with_rows[u], diags))
        .collect();
    let checklist = rows
        .first()
        .map(|r| (r.place.file.clone(), r.place.sheet.clone()))
        .or_else(|| checklist_file.map(|f| (Arc::from(f), None)));
    Scoring {
        units: results,
        stage,
        has_self: stages.contains(&Stage::SelfAssessed),
        stages,
        checklist,
        stats: vec![cells.stats],
    }
}

/// The finding for a row whose criterion is not a leaf: a parent (score its
/// sub-criteria) or unknown to the framework.
fn stray_criterion(fw: &Framework, parents: &HashSet<&str>, criterion: &str) -> Diagnostic {
    if parents.contains(criterion) {
        Diagnostic::new(
            Code::NotALeaf,
            format!(
                "`{criterion}` groups other criteria; score its sub-criteria instead; row ignored"
            ),
        )
    } else {
        Diagnostic::new(
            Code::UnknownCriterion,
            format!(
                "criterion `{criterion}` is not in framework {}; row ignored",
                fw.id
            ),
        )
    }
}

/// What scoring one unit needs.
struct UnitRun<'a> {
    fw: &'a Framework,
    cells: &'a Cells<'a>,
    evidence: Evidence<'a>,
    stage: Stage,
    file: Option<&'a str>,
    /// The checklist has no rows at all (reported once, not per unit).
    empty: bool,
}

impl UnitRun<'_> {
    /// Every leaf of unit `u`, its totals, and the findings about its rows.
    fn unit(&self, u: usize, unit: Unit, any_row: bool, diags: &mut Vec<Diagnostic>) -> UnitResult {
        let fw = self.fw;
        let about = |d: Diagnostic| about_checklist(d, self.file).unit(&unit.id);
        if !any_row && fw.uses_checklist() && !self.empty && !self.evidence.no_checklist {
            diags.push(about(Diagnostic::new(
                Code::UnitWithoutRows,
                "the unit has no checklist rows; every item scores 0",
            )));
        }
        let here = UnitEvidence {
            dossiers: self.evidence.dossiers.and_then(|d| d.get(&unit.id)),
            survey: self.evidence.survey.and_then(|s| s.get(&unit.id)),
            officials: self.evidence.officials.and_then(|s| s.get(&unit.id)),
            official: self
                .evidence
                .official
                .and_then(|s| s.get(&unit.id))
                .map(Vec::as_slice),
        };
        let mut leaves = Vec::with_capacity(fw.leaves.len());
        for (l, def) in fw.leaves.iter().enumerate() {
            let row = self.cells.map.get(&(u, l)).copied();
            if def.from_checklist() && row.is_none() && any_row && def.effect == Effect::Scored {
                diags.push(
                    about(Diagnostic::new(
                        Code::MissingItem,
                        "no checklist row for this criterion; it scores 0",
                    ))
                    .criterion(&def.id),
                );
            }
            let ctx = leaf::Ctx {
                fw,
                leaf: def,
                unit: &unit.id,
            };
            if self.evidence.no_checklist && def.from_checklist() {
                leaves.push(leaf::unavailable(&ctx, "no checklist"));
                continue;
            }
            leaves.push(leaf::evaluate(&ctx, row, here, diags));
        }
        let totals = Totals::compute(fw, &leaves, self.stage);
        let self_totals = Totals::compute(fw, &leaves, Stage::SelfAssessed);
        if totals.max.is_zero() {
            diags.push(about(Diagnostic::new(
                Code::NoApplicableItems,
                "no scored criterion applies to this unit; its index is 0",
            )));
        }
        UnitResult {
            unit,
            leaves,
            totals,
            self_totals,
            rank: 0,
            rank_in_group: 0,
            group_size: 0,
            band: None,
            area_ranks: Vec::new(),
        }
    }
}

/// One unit's inputs, kept to re-score a leaf with one of them changed (`cchc
/// advise`): the same evaluation as scoring, so a what-if is exact.
#[derive(Debug, Clone, Default)]
pub struct UnitInputs {
    /// The checklist row of each leaf (framework order; the first row, as scoring
    /// takes it), if any.
    pub rows: Vec<Option<ChecklistRow>>,
    /// Its dossier counts.
    pub dossiers: Option<crate::dossier::Counts>,
    /// Its survey figures.
    pub survey: Option<crate::survey::Figures>,
    /// Its officials' survey figures.
    pub officials: Option<crate::officials::Figures>,
    /// Its official service indicators.
    pub official: Option<Vec<crate::portal::Indicator>>,
}

impl UnitInputs {
    /// The inputs of each unit of `ids`, in one pass over the rows (the first row of a
    /// unit and leaf, as scoring takes it).
    pub fn of_units(
        fw: &Framework,
        ids: &[&str],
        rows: &[ChecklistRow],
        evidence: Evidence,
    ) -> BTreeMap<String, UnitInputs> {
        let mut out: BTreeMap<String, UnitInputs> = ids
            .iter()
            .map(|id| {
                let inputs = UnitInputs {
                    rows: vec![None; fw.leaves.len()],
                    dossiers: evidence.dossiers.and_then(|d| d.get(*id)).copied(),
                    survey: evidence.survey.and_then(|s| s.get(*id)).cloned(),
                    officials: evidence.officials.and_then(|s| s.get(*id)).cloned(),
                    official: evidence.official.and_then(|s| s.get(*id)).cloned(),
                };
                (id.to_string(), inputs)
            })
            .collect();
        for r in rows {
            let (Some(mine), Some(l)) = (out.get_mut(&r.unit), fw.leaf(&r.criterion)) else {
                continue;
            };
            if mine.rows[l].is_none() {
                mine.rows[l] = Some(r.clone());
            }
        }
        out
    }

    /// Leaf `l` of unit `id` evaluated on these inputs (findings dropped: they were
    /// reported when the unit was scored).
    pub fn evaluate(&self, fw: &Framework, id: &str, l: usize) -> LeafResult {
        let ctx = leaf::Ctx {
            fw,
            leaf: &fw.leaves[l],
            unit: id,
        };
        let evidence = UnitEvidence {
            dossiers: self.dossiers.as_ref(),
            survey: self.survey.as_ref(),
            officials: self.officials.as_ref(),
            official: self.official.as_deref(),
        };
        leaf::evaluate(&ctx, self.rows[l].as_ref(), evidence, &mut Vec::new())
    }
}

/// The points a leaf's rule gives to one row's values (a returned form's), as the
/// unit's claim: a manual leaf's score, or the rule computed on the inputs.
pub fn claimed(fw: &Framework, leaf: usize, row: &ChecklistRow) -> Outcome {
    let ctx = leaf::Ctx {
        fw,
        leaf: &fw.leaves[leaf],
        unit: &row.unit,
    };
    leaf::evaluate(&ctx, Some(row), UnitEvidence::default(), &mut Vec::new())
        .base
        .outcome
}

/// `criterion-matched-nothing` for each checklist criterion no row scores (one pass).
fn unmatched_criteria(
    fw: &Framework,
    cells: &Cells,
    file: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut matched = vec![false; fw.leaves.len()];
    for &(_, l) in cells.map.keys() {
        matched[l] = true;
    }
    for (def, seen) in fw.leaves.iter().zip(matched) {
        if def.from_checklist() && !seen && def.effect == Effect::Scored {
            diags.push(
                about_checklist(
                    Diagnostic::new(
                        Code::CriterionMatchedNothing,
                        "no unit has a checklist row for this criterion",
                    ),
                    file,
                )
                .criterion(&def.id),
            );
        }
    }
}

/// The stages the checklist carries values for.
fn stages_present(rows: &[ChecklistRow]) -> Vec<Stage> {
    let mut v = Vec::new();
    if rows.iter().any(|r| r.self_score.is_given()) {
        v.push(Stage::SelfAssessed);
    }
    v.push(Stage::Appraised);
    if rows.iter().any(|r| r.final_score.is_given()) {
        v.push(Stage::Final);
    }
    v
}
