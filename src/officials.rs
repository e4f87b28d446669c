//! The officials' and leaders' survey (điều tra xã hội học): what deputies, leaders,
//! civil servants and enterprises answer about a unit, as the points of the criteria
//! (or the part) the framework's `[officials]` table maps the questions to.
//!
//! A file holds one row per answer: `response_id, unit_id, group, question_id, answer`,
//! the answer an option code (A/B/C/D…; empty or a "don't know" code such as `KB` = no
//! answer, left out). The rows are checked as the SIPAS rows are (the same reader,
//! [`crate::survey::read_answers`]), plus: a group the framework does not weight, a
//! response naming two groups. Per unit and item: each group's mean option weight over
//! its valid answers to the item's questions, and the item's figure = Σ group weight ×
//! group mean / Σ weights of the groups that answered — exact, in percent. A group
//! that gave a unit no valid answer is left out with a finding.

use crate::diag::{Code, Diagnostic};
use crate::framework::{Officials, SurveyTarget};
use crate::input::{RowStats, Table};
use crate::num::Exact;
use crate::survey::{Answers, Scheme};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// Required columns of the officials' survey file.
pub const COLUMNS: [&str; 5] = ["response_id", "unit_id", "group", "question_id", "answer"];

/// One group's answers to an item (or to every item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMean {
    /// The group's name.
    pub group: String,
    /// Its weight.
    pub weight: Decimal,
    /// Its valid answers.
    pub answers: u64,
    /// The mean option weight of those answers, in percent.
    pub mean: Exact,
}

/// One figure: the weighted mean over the groups that answered, and its terms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figure {
    /// Σ weight × mean / Σ weight over the groups that answered, in percent (None: no
    /// group answered).
    pub value: Option<Exact>,
    /// The groups that answered, in the framework's order.
    pub groups: Vec<GroupMean>,
}

/// A unit's officials' survey figures, exact.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    /// Responses with at least one valid answer.
    pub respondents: u64,
    /// Valid answers.
    pub answers: u64,
    /// Per item, in framework order.
    pub items: Vec<Figure>,
    /// Over every question.
    pub index: Figure,
}

impl Figures {
    /// The figure a ratio reads.
    pub fn target(&self, t: SurveyTarget) -> &Figure {
        match t {
            SurveyTarget::Index => &self.index,
            SurveyTarget::Factor(i) => &self.items[i],
        }
    }
}

/// Reads the officials' answers against the framework's `[officials]` table.
pub fn read(
    table: &Table,
    officials: &Officials,
    units: Option<&BTreeSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Answers {
    let questions: BTreeMap<&str, usize> = officials
        .items
        .iter()
        .flat_map(|it| it.questions.iter())
        .enumerate()
        .map(|(i, q)| (q.as_str(), i))
        .collect();
    let codes: Vec<&str> = officials.options.iter().map(|(c, _)| c.as_str()).collect();
    let answer = |raw: &str| -> Result<Option<u8>, String> {
        let code = raw.trim().to_uppercase();
        if code.is_empty() || officials.dont_know.contains(&code) {
            return Ok(None);
        }
        match codes.iter().position(|c| *c == code) {
            Some(i) => Ok(u8::try_from(i).ok()),
            None => Err(format!(
                "answer `{raw}` is not an option of the officials' survey ({}; empty or {} = don't know); row ignored",
                codes.join(", "),
                officials.dont_know.join(", ")
            )),
        }
    };
    let scheme = Scheme {
        what: "officials' survey",
        questions,
        answer: &answer,
        groups: Some(
            officials
                .groups
                .iter()
                .enumerate()
                .map(|(i, (g, _))| (g.as_str(), i))
                .collect(),
        ),
        unscored: BTreeMap::new(),
    };
    crate::survey::read_answers(table, &scheme, units, diags)
}

/// The figures per unit.
pub fn tally(officials: &Officials, answers: &Answers) -> BTreeMap<String, Figures> {
    // The item of each question, in the reader's question order.
    let item_of: Vec<usize> = officials
        .items
        .iter()
        .enumerate()
        .flat_map(|(i, it)| it.questions.iter().map(move |_| i))
        .collect();
    let (n_items, n_groups) = (officials.items.len(), officials.groups.len());
    struct Acc<'a> {
        respondents: BTreeSet<&'a str>,
        /// [item][group] → (valid answers, Σ option weight in percent).
        cells: Vec<Vec<(u64, Decimal)>>,
    }
    let mut acc: BTreeMap<&str, Acc> = BTreeMap::new();
    for a in &answers.rows {
        let Some(v) = a.value else { continue };
        let e = acc.entry(a.unit.as_str()).or_insert_with(|| Acc {
            respondents: BTreeSet::new(),
            cells: vec![vec![(0, Decimal::ZERO); n_groups]; n_items],
        });
        e.respondents.insert(a.response.as_str());
        let cell = &mut e.cells[item_of[a.question]][a.group];
        cell.0 += 1;
        cell.1 += officials.options[usize::from(v)].1;
    }
    acc.into_iter()
        .map(|(unit, a)| {
            let items: Vec<Figure> = a.cells.iter().map(|c| figure(officials, c)).collect();
            let pooled: Vec<(u64, Decimal)> = (0..n_groups)
                .map(|g| {
                    a.cells
                        .iter()
                        .fold((0, Decimal::ZERO), |(n, s), c| (n + c[g].0, s + c[g].1))
                })
                .collect();
            let figures = Figures {
                respondents: a.respondents.len() as u64,
                answers: pooled.iter().map(|(n, _)| n).sum(),
                index: figure(officials, &pooled),
                items,
            };
            (unit.to_string(), figures)
        })
        .collect()
}

/// Σ weight × mean / Σ weight over the groups with answers.
fn figure(officials: &Officials, cells: &[(u64, Decimal)]) -> Figure {
    let groups: Vec<GroupMean> = officials
        .groups
        .iter()
        .zip(cells)
        .filter(|(_, (n, _))| *n > 0)
        .filter_map(|((g, w), (n, sum))| {
            Some(GroupMean {
                group: g.clone(),
                weight: *w,
                answers: *n,
                mean: Exact::ratio(&Exact::from(*sum), &Exact::from(*n))?,
            })
        })
        .collect();
    let (sum, weights) = groups
        .iter()
        .fold((Exact::zero(), Exact::zero()), |(s, w), g| {
            (
                s + g.mean.clone() * Exact::from(g.weight),
                w + Exact::from(g.weight),
            )
        });
    Figure {
        value: Exact::ratio(&sum, &weights),
        groups,
    }
}

/// The officials' figures of every unit, with the rows' statistics.
#[derive(Debug, Clone)]
pub struct OfficialsTable {
    /// Figures per unit (absent: no valid answer).
    pub figures: BTreeMap<String, Figures>,
    /// Rows read / used / rejected.
    pub stats: RowStats,
}

/// Reads and tallies the officials' answers for the units of the register; a group
/// that gave a unit with answers none of its own is one finding per unit and group.
pub fn table_of(
    officials: &Officials,
    table: &Table,
    units: &[crate::input::units::Unit],
    diags: &mut Vec<Diagnostic>,
) -> OfficialsTable {
    let register: BTreeSet<String> = units.iter().map(|u| u.id.clone()).collect();
    let mut answers = read(table, officials, Some(&register), diags);
    answers.stats.input = "officials".into();
    let figures = tally(officials, &answers);
    if officials.min_respondents > 0 {
        for u in units {
            let n = figures.get(&u.id).map_or(0, |f| f.respondents);
            if n < officials.min_respondents {
                diags.push(
                    Diagnostic::new(
                        Code::FewRespondents,
                        format!(
                            "{n} respondent(s) to the officials' survey, fewer than the framework's minimum of {}; its figures are not reliable",
                            officials.min_respondents
                        ),
                    )
                    .at(&table.file, None)
                    .unit(&u.id),
                );
            }
        }
    }
    for (unit, f) in &figures {
        for (g, _) in &officials.groups {
            if !f.index.groups.iter().any(|m| &m.group == g) {
                diags.push(
                    Diagnostic::new(
                        Code::GroupWithoutAnswers,
                        format!(
                            "respondent group `{g}` gave no valid answer about this unit; it is left out of the unit's weights"
                        ),
                    )
                    .at(&table.file, None)
                    .unit(unit),
                );
            }
        }
    }
    OfficialsTable {
        figures,
        stats: answers.stats,
    }
}
