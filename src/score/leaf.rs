//! One leaf, one unit: the rules of PRODUCT.md applied to one checklist row.

use super::{LeafResult, Outcome, SelfScore};
use crate::diag::Diagnostic;
use crate::dossier::Counts;
use crate::framework::{Effect, Framework, Leaf, OnEmpty, Rule, SurveyTarget};
use crate::input::checklist::{Cell, ChecklistRow};
use crate::num::plain;
use crate::survey::Figures;
use rust_decimal::Decimal;

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
    /// A score as given (manual rule); capped to 0..max.
    Given {
        /// `appraised_score`, or `self_score` when not appraised.
        column: &'static str,
        /// The value in the file.
        value: Decimal,
    },
    /// A choice option matched.
    Option {
        /// The option named.
        value: String,
        /// Its points.
        points: Decimal,
    },
    /// The value is not one of the rule's options: 0 points.
    UnknownOption {
        /// What the checklist said.
        value: String,
    },
    /// A ratio rule: checklist done / planned, or a dossier rate.
    Ratio {
        /// Numerator.
        num: Decimal,
        /// Denominator (non-zero).
        den: Decimal,
        /// Where the numbers come from, in words (`done/planned`, or the dossier
        /// counts behind a rate).
        source: String,
        /// What matched.
        matched: RatioMatch,
    },
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
        value: String,
    },
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

/// Evaluates one leaf for one unit, pushing findings about the row.
pub fn evaluate(
    fw: &Framework,
    leaf: &Leaf,
    row: Option<&ChecklistRow>,
    evidence: UnitEvidence,
    unit: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> LeafResult {
    let scored = leaf.effect == Effect::Scored;
    if let Some(metric) = leaf.dossier_metric() {
        let counts = evidence.dossiers.copied().unwrap_or_default();
        let (num, den, words) = metric.fraction(&counts);
        let fraction = (den > 0).then(|| (Decimal::from(num), Decimal::from(den)));
        let source = format!("{}: {words}", metric.name());
        let origin = format!("the dossier log ({})", metric.name());
        let ratio = (fraction, source, origin);
        return from_evidence(fw, leaf, ratio, row, unit, file, diags);
    }
    if let Some(target) = leaf.survey_target() {
        let (fraction, source) = survey_ratio(fw, target, evidence.survey);
        let ratio = (fraction, source, "the survey".to_string());
        return from_evidence(fw, leaf, ratio, row, unit, file, diags);
    }
    let Some(row) = row else {
        return LeafResult {
            line: None,
            outcome: Outcome {
                applicable: scored,
                points: Decimal::ZERO,
            },
            how: How::Missing,
            self_score: SelfScore::NotGiven,
            evidence: None,
            note: None,
        };
    };
    let mut find =
        |d: Diagnostic| diags.push(d.at(file, Some(row.line)).unit(unit).criterion(&leaf.id));
    let self_score = read_self_score(leaf, row, &mut find);
    if leaf.rule != Rule::Manual && row.appraised_score != Cell::Empty {
        find(Diagnostic::warning(
            "appraised-score-ignored",
            format!(
                "rule `{}` computes the points from its inputs; appraised_score is ignored",
                leaf.rule.name()
            ),
        ));
    }
    let how = match &leaf.rule {
        Rule::Manual => match (&row.appraised_score, &row.self_score) {
            (Cell::Na, _) => How::NotApplicable {
                column: "appraised_score",
            },
            (Cell::Num(v), _) => How::Given {
                column: "appraised_score",
                value: *v,
            },
            (Cell::Bad(v), _) => How::Invalid {
                column: "appraised_score",
                value: v.clone(),
            },
            (Cell::Empty, Cell::Na) => How::NotApplicable {
                column: "self_score",
            },
            (Cell::Empty, Cell::Num(v)) => How::Given {
                column: "self_score",
                value: *v,
            },
            (Cell::Empty, Cell::Bad(v)) => How::Invalid {
                column: "self_score",
                value: v.clone(),
            },
            (Cell::Empty, Cell::Empty) => How::MissingInput {
                columns: "appraised_score or self_score",
            },
        },
        Rule::Choice { options } => match &row.value {
            None => How::MissingInput { columns: "value" },
            Some(v) if v.eq_ignore_ascii_case("na") => How::NotApplicable { column: "value" },
            Some(v) => match options.iter().find(|(name, _)| name == v) {
                Some((_, p)) => How::Option {
                    value: v.clone(),
                    points: *p,
                },
                None => {
                    let names: Vec<&str> = options.iter().map(|(n, _)| n.as_str()).collect();
                    find(Diagnostic::error(
                        "unknown-option",
                        format!(
                            "value `{v}` is not an option of this criterion ({}); scored 0",
                            names.join(", ")
                        ),
                    ));
                    How::UnknownOption { value: v.clone() }
                }
            },
        },
        Rule::Steps { on_empty, .. } | Rule::Proportional { on_empty, .. } => {
            match (&row.done, &row.planned) {
                (Cell::Na, _) => How::NotApplicable { column: "done" },
                (_, Cell::Na) => How::NotApplicable { column: "planned" },
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
                    find(Diagnostic::error(
                        "negative-value",
                        format!("{column} {} is negative; scored 0", plain(*v)),
                    ));
                    How::Invalid {
                        column,
                        value: plain(*v),
                    }
                }
                (Cell::Num(_), Cell::Num(p)) if p.is_zero() => How::EmptyRatio {
                    source: "done/planned".into(),
                    on_empty: *on_empty,
                },
                (Cell::Num(d), Cell::Num(p)) => {
                    if d > p {
                        find(Diagnostic::warning(
                            "done-above-planned",
                            format!(
                                "done {} is above planned {}: the ratio is over 100%",
                                plain(*d),
                                plain(*p)
                            ),
                        ));
                    }
                    How::Ratio {
                        num: *d,
                        den: *p,
                        source: "done/planned".into(),
                        matched: match_ratio(leaf, *d, *p),
                    }
                }
                _ => How::MissingInput {
                    columns: "done and planned",
                },
            }
        }
        Rule::PerCount { each } => match &row.count {
            Cell::Na => How::NotApplicable { column: "count" },
            Cell::Empty => How::MissingInput { columns: "count" },
            Cell::Bad(v) => How::Invalid {
                column: "count",
                value: v.clone(),
            },
            Cell::Num(c) if *c < Decimal::ZERO || !c.fract().is_zero() => {
                find(Diagnostic::error(
                    "invalid-count",
                    format!(
                        "count {} is not a whole number of 0 or more; scored 0",
                        plain(*c)
                    ),
                ));
                How::Invalid {
                    column: "count",
                    value: plain(*c),
                }
            }
            Cell::Num(c) => How::Count {
                count: *c,
                each: *each,
            },
        },
    };
    if let How::MissingInput { columns } = &how {
        find(Diagnostic::error(
            "missing-input",
            format!("{columns} is empty; scored 0"),
        ));
    }
    let outcome = outcome(fw, leaf, &how, &mut |column, v| {
        cap(leaf, column, v, &mut find)
    });
    LeafResult {
        line: Some(row.line),
        outcome,
        how,
        self_score,
        evidence: row.evidence.clone(),
        note: row.note.clone(),
    }
}

fn steps_of(rule: &Rule) -> &[crate::framework::Step] {
    match rule {
        Rule::Steps { steps, .. } => steps,
        _ => &[],
    }
}

/// The points a derivation gives (before the framework's optional per-leaf rounding);
/// `cap` brings a given score into 0..max and reports it.
fn outcome(
    fw: &Framework,
    leaf: &Leaf,
    how: &How,
    cap: &mut dyn FnMut(&str, Decimal) -> Decimal,
) -> Outcome {
    let (applicable, raw) = match &how {
        How::NotApplicable { .. } => (false, Decimal::ZERO),
        How::EmptyRatio {
            on_empty: OnEmpty::Na,
            ..
        } => (false, Decimal::ZERO),
        How::EmptyRatio {
            on_empty: OnEmpty::Full,
            ..
        } => (true, leaf.max),
        How::Given { column, value } => (true, cap(column, *value)),
        How::Option { points, .. } => (true, *points),
        How::Ratio {
            num: done,
            den: planned,
            matched,
            ..
        } => match matched {
            RatioMatch::Step { points, .. } => (true, *points),
            RatioMatch::BelowSteps => (true, Decimal::ZERO),
            RatioMatch::Proportional { target } => {
                let p = leaf.max * *done * Decimal::ONE_HUNDRED / (*planned * *target);
                (true, p.min(leaf.max))
            }
        },
        How::Count { count, each } => (true, (*count * *each).min(leaf.max)),
        _ => (true, Decimal::ZERO),
    };
    let points = if fw.rounding.round_points {
        fw.rounding.apply(raw)
    } else {
        raw
    };
    Outcome { applicable, points }
}

/// The step or proportion a ratio num/den (den > 0) matches under the leaf's rule.
fn match_ratio(leaf: &Leaf, num: Decimal, den: Decimal) -> RatioMatch {
    match &leaf.rule {
        Rule::Proportional { target, .. } => RatioMatch::Proportional { target: *target },
        _ => {
            let pct = num * Decimal::ONE_HUNDRED / den;
            steps_of(&leaf.rule).iter().find(|s| pct >= s.from).map_or(
                RatioMatch::BelowSteps,
                |s| RatioMatch::Step {
                    from: s.from,
                    points: s.points,
                },
            )
        }
    }
}

/// The evidence a unit has beside its checklist rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitEvidence<'a> {
    /// Its dossier counts over the period.
    pub dossiers: Option<&'a Counts>,
    /// Its survey figures.
    pub survey: Option<&'a Figures>,
}

/// The ratio a survey leaf reads: the exact index or factor over 100 (rounding happens
/// only where the framework says), and the respondents and answers behind it in words.
fn survey_ratio(
    fw: &Framework,
    target: SurveyTarget,
    figures: Option<&Figures>,
) -> (Option<(Decimal, Decimal)>, String) {
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
    (value.map(|v| (v, Decimal::ONE_HUNDRED)), words)
}

/// A ratio from outside the checklist: the unit's (numerator, denominator) — `None`
/// when the denominator is 0 —, the numbers behind it in words, and where it comes from.
type EvidenceRatio = (Option<(Decimal, Decimal)>, String, String);

/// A leaf whose ratio comes from the dossier log or the survey; a checklist row, if
/// any, only carries the self-score and evidence.
fn from_evidence(
    fw: &Framework,
    leaf: &Leaf,
    (fraction, source, origin): EvidenceRatio,
    row: Option<&ChecklistRow>,
    unit: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> LeafResult {
    let on_empty = match &leaf.rule {
        Rule::Steps { on_empty, .. } | Rule::Proportional { on_empty, .. } => *on_empty,
        _ => OnEmpty::Zero,
    };
    let how = match fraction {
        None => How::EmptyRatio { source, on_empty },
        Some((num, den)) => How::Ratio {
            num,
            den,
            source,
            matched: match_ratio(leaf, num, den),
        },
    };
    let mut self_score = SelfScore::NotGiven;
    if let Some(row) = row {
        let at = |d: Diagnostic| d.at(file, Some(row.line)).unit(unit).criterion(&leaf.id);
        if row.done != Cell::Empty
            || row.planned != Cell::Empty
            || row.appraised_score != Cell::Empty
        {
            diags.push(at(Diagnostic::warning(
                "checklist-ratio-ignored",
                format!("this criterion takes its ratio from {origin}; done, planned and appraised_score are ignored"),
            )));
        }
        self_score = read_self_score(leaf, row, &mut |d| diags.push(at(d)));
    }
    let outcome = outcome(fw, leaf, &how, &mut |_, v| v);
    LeafResult {
        line: row.map(|r| r.line),
        outcome,
        how,
        self_score,
        evidence: row.and_then(|r| r.evidence.clone()),
        note: row.and_then(|r| r.note.clone()),
    }
}

/// Brings a given score into 0..max, reporting a score above the max or below 0.
fn cap(leaf: &Leaf, column: &str, v: Decimal, find: &mut dyn FnMut(Diagnostic)) -> Decimal {
    if v > leaf.max {
        find(Diagnostic::error(
            "score-above-max",
            format!(
                "{column} {} is above the maximum {}; counted as {}",
                plain(v),
                plain(leaf.max),
                plain(leaf.max)
            ),
        ));
        leaf.max
    } else if v < Decimal::ZERO {
        find(Diagnostic::error(
            "negative-score",
            format!("{column} {} is negative; counted as 0", plain(v)),
        ));
        Decimal::ZERO
    } else {
        v
    }
}

/// The unit's own claim for a leaf, capped into 0..max.
fn read_self_score(leaf: &Leaf, row: &ChecklistRow, find: &mut dyn FnMut(Diagnostic)) -> SelfScore {
    match &row.self_score {
        Cell::Num(v) => SelfScore::Given(cap(leaf, "self_score", *v, find)),
        Cell::Na => SelfScore::Na,
        Cell::Empty | Cell::Bad(_) => SelfScore::NotGiven,
    }
}
