//! One leaf, one unit: the rules of PRODUCT.md applied to one checklist row.

use super::{LeafResult, Outcome, SelfScore};
use crate::diag::Diagnostic;
use crate::framework::{Effect, Framework, Leaf, OnEmpty, Rule};
use crate::input::checklist::{Cell, ChecklistRow};
use crate::num::plain;
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
    /// A ratio rule on done / planned.
    Ratio {
        /// Numerator.
        done: Decimal,
        /// Denominator (non-zero).
        planned: Decimal,
        /// What matched.
        matched: RatioMatch,
    },
    /// A ratio rule with a zero denominator.
    EmptyRatio {
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
    unit: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> LeafResult {
    let scored = leaf.effect == Effect::Scored;
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
    let capped = |column: &str, v: Decimal, find: &mut dyn FnMut(Diagnostic)| -> Decimal {
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
    };
    let self_score = match &row.self_score {
        Cell::Num(v) => SelfScore::Given(capped("self_score", *v, &mut find)),
        Cell::Na => SelfScore::Na,
        Cell::Empty | Cell::Bad(_) => SelfScore::NotGiven,
    };
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
                    let matched = match &leaf.rule {
                        Rule::Proportional { target, .. } => {
                            RatioMatch::Proportional { target: *target }
                        }
                        _ => {
                            let pct = *d * Decimal::ONE_HUNDRED / *p;
                            steps_of(&leaf.rule).iter().find(|s| pct >= s.from).map_or(
                                RatioMatch::BelowSteps,
                                |s| RatioMatch::Step {
                                    from: s.from,
                                    points: s.points,
                                },
                            )
                        }
                    };
                    How::Ratio {
                        done: *d,
                        planned: *p,
                        matched,
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
    let (applicable, raw) = match &how {
        How::NotApplicable { .. } => (false, Decimal::ZERO),
        How::EmptyRatio {
            on_empty: OnEmpty::Na,
        } => (false, Decimal::ZERO),
        How::EmptyRatio {
            on_empty: OnEmpty::Full,
        } => (true, leaf.max),
        How::Given { column, value } => (true, capped(column, *value, &mut find)),
        How::Option { points, .. } => (true, *points),
        How::Ratio {
            done,
            planned,
            matched,
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
    LeafResult {
        line: Some(row.line),
        outcome: Outcome { applicable, points },
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
