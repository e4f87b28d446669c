//! One leaf, one unit: the rules of PRODUCT.md applied to one checklist row, stage by
//! stage (the unit's self-score, the appraisal, the final score after explanation).
//!
//! Every cell is read once, so a value is reported once however many stages fall back
//! on it; every reading goes through [`Ctx::outcome`], so per-leaf rounding
//! (`round-points`) applies the same way to every stage.

use super::{How, LeafResult, Outcome, RatioMatch, Reading};
use crate::diag::{Code, Diagnostic};
use crate::dossier::Counts;
use crate::framework::{Effect, Framework, Leaf, OnEmpty, Rule, SurveyTarget};
use crate::input::checklist::{Cell, ChecklistRow};
use crate::num::{plain, Exact};
use crate::survey::Figures;
use rust_decimal::Decimal;

/// The evidence a unit has beside its checklist rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitEvidence<'a> {
    /// Its dossier counts over the period.
    pub dossiers: Option<&'a Counts>,
    /// Its survey figures.
    pub survey: Option<&'a Figures>,
    /// Its officials' survey figures.
    pub officials: Option<&'a crate::officials::Figures>,
    /// Its official service indicators.
    pub official: Option<&'a [crate::portal::Indicator]>,
}

/// What evaluating one leaf of one unit needs to know.
pub struct Ctx<'a> {
    /// The framework.
    pub fw: &'a Framework,
    /// The leaf.
    pub leaf: &'a Leaf,
    /// The unit's id (for findings).
    pub unit: &'a str,
}

impl Ctx<'_> {
    fn find(&self, row: &ChecklistRow, column: &str, d: Diagnostic) -> Diagnostic {
        d.located(row.place_of(column).location())
            .unit(self.unit)
            .criterion(&self.leaf.id)
    }

    /// The points a derivation gives, rounded per leaf when the framework says so.
    fn outcome(&self, how: &How) -> Outcome {
        let leaf = self.leaf;
        let max = Exact::from(leaf.max);
        let (applicable, raw) = match how {
            How::NotApplicable { .. }
            | How::Unavailable { .. }
            | How::EmptyRatio {
                on_empty: OnEmpty::Na,
                ..
            } => (false, Exact::zero()),
            How::EmptyRatio {
                on_empty: OnEmpty::Full,
                ..
            } => (true, max),
            How::Given { capped, .. } => (true, Exact::from(*capped)),
            How::Option { points, .. } => (true, Exact::from(*points)),
            How::Ratio(r) => match &r.matched {
                RatioMatch::Step { points, .. } => (true, Exact::from(*points)),
                RatioMatch::BelowSteps => (true, Exact::zero()),
                RatioMatch::Proportional { target } => {
                    let p = Exact::ratio(
                        &(max.clone() * &r.num * Exact::from(100u64)),
                        &(r.den.clone() * Exact::from(*target)),
                    )
                    .unwrap_or_default();
                    (true, p.min_of(max))
                }
            },
            How::Count { count, each } => (true, Exact::from(*count * *each).min_of(max)),
            How::Missing
            | How::NaNotAllowed { .. }
            | How::UnknownOption { .. }
            | How::EmptyRatio {
                on_empty: OnEmpty::Zero,
                ..
            }
            | How::MissingInput { .. }
            | How::Invalid { .. } => (true, Exact::zero()),
        };
        let points = if self.fw.rounding.round_points {
            Exact::from(raw.round(self.fw.rounding.places, self.fw.rounding.mode))
        } else {
            raw
        };
        Outcome { applicable, points }
    }

    fn reading(&self, how: How) -> Reading {
        Reading {
            outcome: self.outcome(&how),
            how,
        }
    }

    /// `na` in a column: not applicable for a scored leaf; refused on a bonus or
    /// penalty leaf, which always applies (it then counts 0).
    fn na(&self, row: &ChecklistRow, column: &'static str, diags: &mut Vec<Diagnostic>) -> How {
        if self.leaf.effect == Effect::Scored {
            return How::NotApplicable { column };
        }
        diags.push(self.find(
            row,
            column,
            Diagnostic::new(
                Code::NaNotAllowed,
                format!(
                    "{column} is `na`, but a {} item always applies; counted as 0 (write 0 for none)",
                    self.leaf.effect.name()
                ),
            ),
        ));
        How::NaNotAllowed { column }
    }

    /// A score column read as given points, capped into 0..max (reported once).
    fn given(
        &self,
        row: &ChecklistRow,
        column: &'static str,
        cell: &Cell,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<How> {
        let max = self.leaf.max;
        Some(match cell {
            Cell::Empty => return None,
            Cell::Na => self.na(row, column, diags),
            Cell::Bad(v) => How::Invalid {
                column,
                value: v.clone(),
            },
            Cell::Num(v) => {
                let capped = if *v > max {
                    diags.push(self.find(
                        row,
                        column,
                        Diagnostic::new(
                            Code::ScoreAboveMax,
                            format!(
                                "{column} {} is above the maximum {}; counted as {}",
                                plain(*v),
                                plain(max),
                                plain(max)
                            ),
                        ),
                    ));
                    max
                } else if *v < Decimal::ZERO {
                    diags.push(self.find(
                        row,
                        column,
                        Diagnostic::new(
                            Code::NegativeScore,
                            format!("{column} {} is negative; counted as 0", plain(*v)),
                        ),
                    ));
                    Decimal::ZERO
                } else {
                    *v
                };
                How::Given {
                    column,
                    value: *v,
                    capped,
                }
            }
        })
    }
}

/// Evaluates one leaf for one unit, pushing findings about the row.
pub fn evaluate(
    ctx: &Ctx,
    row: Option<&ChecklistRow>,
    evidence: UnitEvidence,
    diags: &mut Vec<Diagnostic>,
) -> LeafResult {
    let leaf = ctx.leaf;
    if let Some(r) = outside_checklist(ctx, row, evidence, diags) {
        return r;
    }
    let Some(row) = row else {
        return LeafResult::base_only(ctx.reading(How::Missing));
    };
    let self_ = ctx
        .given(row, "self_score", &row.self_score, diags)
        .map(|h| ctx.reading(h));
    let (base, final_) = if leaf.rule == Rule::Manual {
        manual(ctx, row, self_.clone(), diags)
    } else {
        for (column, cell) in [
            ("appraised_score", &row.appraised_score),
            ("final_score", &row.final_score),
        ] {
            if cell.is_given() {
                diags.push(ctx.find(
                    row,
                    column,
                    Diagnostic::new(
                        Code::ScoreIgnored,
                        format!(
                            "rule `{}` computes the points from its inputs; {column} is ignored",
                            leaf.rule.name()
                        ),
                    ),
                ));
            }
        }
        (ctx.reading(computed(ctx, row, diags)), None)
    };
    if let How::MissingInput { columns } = &base.how {
        let verb = if columns.contains(" and ") {
            "are"
        } else {
            "is"
        };
        diags.push(ctx.find(
            row,
            "",
            Diagnostic::new(
                Code::MissingInput,
                format!("{columns} {verb} empty; scored 0"),
            ),
        ));
    }
    LeafResult {
        line: u32::try_from(row.line()).ok(),
        // A manual leaf without an appraisal scores its self-score: that is its base.
        self_: self_.filter(|s| s.how != base.how).map(Box::new),
        base,
        final_: final_.map(Box::new),
        notes: notes(row),
    }
}

/// A leaf whose ratio comes from outside the checklist (the log, an official
/// indicator, a survey), evaluated; None for a checklist leaf.
fn outside_checklist(
    ctx: &Ctx,
    row: Option<&ChecklistRow>,
    evidence: UnitEvidence,
    diags: &mut Vec<Diagnostic>,
) -> Option<LeafResult> {
    let leaf = ctx.leaf;
    if let Some(metric) = leaf.dossier_metric() {
        let counts = evidence.dossiers.copied().unwrap_or_default();
        let (num, den, words) = metric.fraction(&counts);
        let fraction = (den > 0).then(|| (Exact::from(num), Exact::from(den)));
        let source = format!("{}: {words}", metric.name());
        let origin = format!("the dossier log ({})", metric.name());
        return Some(from_evidence(ctx, (fraction, source, origin), row, diags));
    }
    if let Some(id) = leaf.official_indicator() {
        return Some(official(ctx, id, evidence.official, row, diags));
    }
    if let Some(target) = leaf.survey_target() {
        let (fraction, source) = survey_ratio(ctx.fw, target, evidence.survey);
        let ratio = (fraction, source, "the survey".to_string());
        return Some(from_evidence(ctx, ratio, row, diags));
    }
    let target = leaf.officials_target()?;
    let (fraction, source) = officials_ratio(ctx.fw, target, evidence.officials);
    let ratio = (fraction, source, "the officials' survey".to_string());
    Some(from_evidence(ctx, ratio, row, diags))
}

/// The row's evidence, explanation and note, boxed only when there are any.
fn notes(row: &ChecklistRow) -> Option<Box<super::Notes>> {
    let n = super::Notes {
        evidence: row.evidence.clone(),
        explanation: row.explanation.clone(),
        note: row.note.clone(),
    };
    (n != super::Notes::default()).then(|| Box::new(n))
}

/// A manual leaf: the appraisal (else the self-score) is the base; the final score,
/// if any, comes after it.
fn manual(
    ctx: &Ctx,
    row: &ChecklistRow,
    self_: Option<Reading>,
    diags: &mut Vec<Diagnostic>,
) -> (Reading, Option<Reading>) {
    let appraised = ctx
        .given(row, "appraised_score", &row.appraised_score, diags)
        .map(|h| ctx.reading(h));
    let final_ = ctx
        .given(row, "final_score", &row.final_score, diags)
        .map(|h| ctx.reading(h));
    let base = appraised.or(self_).unwrap_or_else(|| {
        ctx.reading(How::MissingInput {
            columns: "self_score and appraised_score",
        })
    });
    (base, final_)
}

/// The points a rule computes from the checklist's inputs (choice, steps,
/// proportional, per-count).
fn computed(ctx: &Ctx, row: &ChecklistRow, diags: &mut Vec<Diagnostic>) -> How {
    let leaf = ctx.leaf;
    match &leaf.rule {
        Rule::Manual => unreachable!("manual leaves are read by `manual`"),
        Rule::Choice { options } => {
            match &row.value {
                None => How::MissingInput { columns: "value" },
                Some(v) if v.eq_ignore_ascii_case("na") => ctx.na(row, "value", diags),
                Some(v) => {
                    match options.iter().find(|(name, _)| **name == **v) {
                        Some((_, p)) => How::Option {
                            value: v.clone(),
                            points: *p,
                        },
                        None => {
                            let names: Vec<&str> =
                                options.iter().map(|(n, _)| n.as_str()).collect();
                            diags.push(ctx.find(row, "value", Diagnostic::new(
                        Code::UnknownOption,
                        format!("value `{v}` is not an option of this criterion ({}); scored 0", names.join(", ")),
                    )));
                            How::UnknownOption { value: v.clone() }
                        }
                    }
                }
            }
        }
        Rule::Steps { .. } | Rule::Proportional { .. } => done_planned(ctx, row, diags),
        Rule::PerCount { each } => match &row.count {
            Cell::Na => ctx.na(row, "count", diags),
            Cell::Empty => How::MissingInput { columns: "count" },
            Cell::Bad(v) => How::Invalid {
                column: "count",
                value: v.clone(),
            },
            Cell::Num(c) if *c < Decimal::ZERO || !c.fract().is_zero() => {
                diags.push(ctx.find(
                    row,
                    "count",
                    Diagnostic::new(
                        Code::InvalidCount,
                        format!(
                            "count {} is not a whole number of 0 or more; scored 0",
                            plain(*c)
                        ),
                    ),
                ));
                How::Invalid {
                    column: "count",
                    value: plain(*c).into(),
                }
            }
            Cell::Num(c) => How::Count {
                count: *c,
                each: *each,
            },
        },
    }
}

/// A checklist ratio: done / planned.
fn done_planned(ctx: &Ctx, row: &ChecklistRow, diags: &mut Vec<Diagnostic>) -> How {
    let on_empty = on_empty(ctx.leaf);
    match (&row.done, &row.planned) {
        (Cell::Na, _) => ctx.na(row, "done", diags),
        (_, Cell::Na) => ctx.na(row, "planned", diags),
        (Cell::Bad(v), _) => How::Invalid {
            column: "done",
            value: v.clone(),
        },
        (_, Cell::Bad(v)) => How::Invalid {
            column: "planned",
            value: v.clone(),
        },
        (Cell::Num(d), Cell::Num(p)) if *d < Decimal::ZERO || *p < Decimal::ZERO => {
            let (column, v) = if *d < Decimal::ZERO {
                ("done", d)
            } else {
                ("planned", p)
            };
            diags.push(ctx.find(
                row,
                column,
                Diagnostic::new(
                    Code::NegativeValue,
                    format!("{column} {} is negative; scored 0", plain(*v)),
                ),
            ));
            How::Invalid {
                column,
                value: plain(*v).into(),
            }
        }
        (Cell::Num(_), Cell::Num(p)) if p.is_zero() => How::EmptyRatio {
            source: "done/planned".into(),
            on_empty,
        },
        (Cell::Num(d), Cell::Num(p)) => {
            if d > p {
                diags.push(ctx.find(
                    row,
                    "done",
                    Diagnostic::new(
                        Code::DoneAbovePlanned,
                        format!(
                            "done {} is above planned {}: the ratio is over 100%",
                            plain(*d),
                            plain(*p)
                        ),
                    ),
                ));
            }
            let (num, den) = (Exact::from(*d), Exact::from(*p));
            How::Ratio(Box::new(super::Ratio {
                matched: match_ratio(ctx.leaf, &num, &den),
                num,
                den,
                source: "done/planned".into(),
            }))
        }
        _ => How::MissingInput {
            columns: "done and planned",
        },
    }
}

fn on_empty(leaf: &Leaf) -> OnEmpty {
    match &leaf.rule {
        Rule::Steps { on_empty, .. } | Rule::Proportional { on_empty, .. } => *on_empty,
        Rule::Manual | Rule::Choice { .. } | Rule::PerCount { .. } => OnEmpty::Zero,
    }
}

/// The step or proportion a ratio num/den (den > 0) matches under the leaf's rule.
pub fn match_ratio(leaf: &Leaf, num: &Exact, den: &Exact) -> RatioMatch {
    match &leaf.rule {
        Rule::Proportional { target, .. } => RatioMatch::Proportional { target: *target },
        Rule::Steps { steps, .. } => {
            let pct = Exact::ratio(&(num.clone() * Exact::from(100u64)), den).unwrap_or_default();
            steps
                .iter()
                .find(|s| pct >= Exact::from(s.from))
                .map_or(RatioMatch::BelowSteps, |s| RatioMatch::Step {
                    from: s.from,
                    points: s.points,
                })
        }
        Rule::Manual | Rule::Choice { .. } | Rule::PerCount { .. } => RatioMatch::BelowSteps,
    }
}

/// The ratio a survey leaf reads: the exact index or factor over 100, and the
/// respondents and answers behind it in words.
fn survey_ratio(
    fw: &Framework,
    target: SurveyTarget,
    figures: Option<&Figures>,
) -> (Option<(Exact, Exact)>, String) {
    let name = match target {
        SurveyTarget::Index => "index".to_string(),
        SurveyTarget::Factor(f) => fw
            .survey
            .as_ref()
            .map_or_else(String::new, |s| s.factors[f].id.clone()),
    };
    let (value, answers) = figures.map_or((None, 0), |f| f.target(target));
    let respondents = figures.map_or(0, |f| f.respondents);
    let words = format!("survey:{name} ({respondents} respondents, {answers} valid answers)");
    (value.map(|v| (v, Exact::from(100u64))), words)
}

/// The ratio an officials' survey leaf reads: the exact figure over 100, and each
/// answering group's mean and weight in words.
fn officials_ratio(
    fw: &Framework,
    target: SurveyTarget,
    figures: Option<&crate::officials::Figures>,
) -> (Option<(Exact, Exact)>, String) {
    let name = match target {
        SurveyTarget::Index => "index".to_string(),
        SurveyTarget::Factor(i) => fw
            .officials
            .as_ref()
            .map_or_else(String::new, |o| o.items[i].id.clone()),
    };
    let empty = crate::officials::Figure::default();
    let figure = figures.map_or(&empty, |f| f.target(target));
    let groups: Vec<String> = figure
        .groups
        .iter()
        .map(|g| {
            format!(
                "{} {}% of {} answer(s), weight {}",
                g.group,
                g.mean.readable(2),
                g.answers,
                plain(g.weight)
            )
        })
        .collect();
    let words = if groups.is_empty() {
        format!("officials:{name} (no valid answers)")
    } else {
        format!("officials:{name} (groups: {})", groups.join("; "))
    };
    (
        figure.value.clone().map(|v| (v, Exact::from(100u64))),
        words,
    )
}

/// A leaf whose input is absent altogether: not applicable, `why` in words.
pub fn unavailable(ctx: &Ctx, why: &str) -> LeafResult {
    LeafResult::base_only(ctx.reading(How::Unavailable { why: why.into() }))
}

/// A leaf scored on an official indicator: its numerator and denominator (the exact
/// ratio over 1 where the indicator combines two shares), empty, or not applicable
/// when an input is absent.
fn official(
    ctx: &Ctx,
    id: &'static str,
    indicators: Option<&[crate::portal::Indicator]>,
    row: Option<&ChecklistRow>,
    diags: &mut Vec<Diagnostic>,
) -> LeafResult {
    let found = indicators.and_then(|all| all.iter().find(|i| i.id == id));
    if let Some(why) = found.and_then(|i| i.missing.as_deref()) {
        return unavailable(ctx, why);
    }
    let (fraction, words) = match found {
        Some(i) => {
            let words = official_words(i, i.numerator, i.denominator);
            let fraction = match (i.counts(), &i.ratio) {
                (Some((n, d)), _) => Some((Exact::from(n), Exact::from(d))),
                (None, Some(r)) => Some((r.clone(), Exact::one())),
                (None, None) => None,
            };
            (fraction, words)
        }
        None => (None, format!("official:{id} (no dossiers)")),
    };
    let origin = format!("the official indicator {id}");
    from_evidence(ctx, (fraction, words, origin), row, diags)
}

fn official_words(i: &crate::portal::Indicator, n: Option<u64>, d: Option<u64>) -> String {
    let id = i.id;
    let late = i
        .against
        .as_deref()
        .map_or_else(String::new, |p| format!("; {p}"));
    match (n, d) {
        (Some(n), Some(d)) => format!("official:{id} ({n} of {d}{late})"),
        _ => format!("official:{id}"),
    }
}

/// A ratio from outside the checklist: the unit's (numerator, denominator) — `None`
/// when the denominator is 0 —, the numbers behind it in words, and where it comes from.
type EvidenceRatio = (Option<(Exact, Exact)>, String, String);

/// A leaf whose ratio comes from the dossier log or the survey; a checklist row, if
/// any, only carries the self-score and evidence.
fn from_evidence(
    ctx: &Ctx,
    (fraction, source, origin): EvidenceRatio,
    row: Option<&ChecklistRow>,
    diags: &mut Vec<Diagnostic>,
) -> LeafResult {
    let how = match fraction {
        None => How::EmptyRatio {
            source,
            on_empty: on_empty(ctx.leaf),
        },
        Some((num, den)) => How::Ratio(Box::new(super::Ratio {
            matched: match_ratio(ctx.leaf, &num, &den),
            num,
            den,
            source,
        })),
    };
    let base = ctx.reading(how);
    let Some(row) = row else {
        return LeafResult::base_only(base);
    };
    let ignored: Vec<&str> = [
        ("done", &row.done),
        ("planned", &row.planned),
        ("appraised_score", &row.appraised_score),
        ("final_score", &row.final_score),
    ]
    .into_iter()
    .filter(|(_, c)| c.is_given())
    .map(|(n, _)| n)
    .collect();
    if !ignored.is_empty() {
        diags.push(ctx.find(
            row,
            ignored[0],
            Diagnostic::new(
                Code::ChecklistRatioIgnored,
                format!(
                    "this criterion takes its ratio from {origin}; {} ignored",
                    ignored.join(", ")
                ),
            ),
        ));
    }
    let self_ = ctx
        .given(row, "self_score", &row.self_score, diags)
        .map(|h| ctx.reading(h));
    LeafResult {
        line: u32::try_from(row.line()).ok(),
        self_: self_.map(Box::new),
        base,
        final_: None,
        notes: notes(row),
    }
}
