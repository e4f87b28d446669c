//! SIPAS: what citizens say about a unit's services, as satisfaction indices.
//!
//! A survey file holds one row per answer (response_id, unit_id, question_id, answer on
//! the 5-level scale; empty or 0 = no answer). The framework's `[survey]` table maps
//! questions to factors and says how an answer counts (the share answering 4 or 5, or
//! a percentage per answer). Per unit — or per group of units — this module computes
//! each question's satisfaction over its valid answers, each factor as the weighted mean
//! of its questions that have answers, the index as the weighted mean of its factors
//! that have answers, and the 95% margin of error of the index. Everything is exact
//! (`rust_decimal`); rounding is the renderer's job, as the framework says.
//!
//! Rows that cannot be used are reported with their line and left out, never guessed:
//! an answer outside 0–5, a question the framework does not know, a unit missing from
//! the register, the same question answered twice in one response, a response split
//! over two units.

use crate::diag::Diagnostic;
use crate::framework::{Survey, SurveyTarget};
use crate::input::{normalize, RowStats, Table};
use rust_decimal::{Decimal, MathematicalOps};
use std::collections::{BTreeMap, BTreeSet};

/// Required columns of the survey file.
pub const COLUMNS: [&str; 4] = ["response_id", "unit_id", "question_id", "answer"];

/// z for a 95% two-sided interval under the normal approximation.
pub const Z95: Decimal = Decimal::from_parts(196, 0, 0, false, 2);

/// One usable row of the survey file.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Its line in the file.
    pub line: usize,
    /// The response (questionnaire) it belongs to.
    pub response: String,
    /// The unit the response is about.
    pub unit: String,
    /// The question, by index into [`Survey::questions`] order.
    pub question: usize,
    /// 1–5, or `None` for no answer.
    pub value: Option<u8>,
}

/// The usable rows of a survey file and what happened to the others.
#[derive(Debug, Clone)]
pub struct Answers {
    /// Rows kept, in file order.
    pub rows: Vec<Answer>,
    /// Rows read / used / rejected.
    pub stats: RowStats,
}

/// Reads the survey table against the framework's survey; `units`, when given, is the
/// register every unit_id must be in. Findings go to `diags`.
pub fn read(
    table: &Table,
    survey: &Survey,
    units: Option<&BTreeSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Answers {
    let col = |name| table.col(name).expect("required column");
    let (c_resp, c_unit, c_q, c_a) = (
        col("response_id"),
        col("unit_id"),
        col("question_id"),
        col("answer"),
    );
    let question_index: BTreeMap<&str, usize> = survey
        .questions()
        .enumerate()
        .map(|(i, (_, q))| (q.id.as_str(), i))
        .collect();
    let mut stats = RowStats {
        input: "survey".into(),
        file: table.file.clone(),
        read: table.rows.len(),
        ..RowStats::default()
    };
    let mut rows = Vec::with_capacity(table.rows.len());
    // Findings that would repeat on every row are reported once per value:
    // value → (first line, rows).
    let mut unknown_questions: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unknown_units: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut seen: BTreeMap<(String, usize), usize> = BTreeMap::new();
    let mut response_unit: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let file = table.file.as_str();
    for r in &table.rows {
        let at = |d: Diagnostic| d.at(file, Some(r.line));
        let response = normalize(&r.fields[c_resp]);
        let unit = normalize(&r.fields[c_unit]);
        let qid = normalize(&r.fields[c_q]);
        let raw = r.fields[c_a].trim();
        let empty = [
            ("response_id", &response),
            ("unit_id", &unit),
            ("question_id", &qid),
        ]
        .into_iter()
        .find(|(_, v)| v.is_empty());
        if let Some((column, _)) = empty {
            diags.push(at(Diagnostic::error(
                "missing-value",
                format!("{column} is empty; row ignored"),
            )));
            stats.rejected += 1;
            continue;
        }
        let value = match raw {
            "" | "0" => None,
            "1" => Some(1),
            "2" => Some(2),
            "3" => Some(3),
            "4" => Some(4),
            "5" => Some(5),
            other => {
                diags.push(
                    at(Diagnostic::error(
                        "bad-answer",
                        format!(
                            "answer `{other}` is not 1 to 5 (0 or empty = no answer); row ignored"
                        ),
                    ))
                    .unit(&unit),
                );
                stats.rejected += 1;
                continue;
            }
        };
        let Some(&question) = question_index.get(qid.as_str()) else {
            unknown_questions.entry(qid).or_insert((r.line, 0)).1 += 1;
            stats.rejected += 1;
            continue;
        };
        if units.is_some_and(|u| !u.contains(&unit)) {
            unknown_units.entry(unit).or_insert((r.line, 0)).1 += 1;
            stats.rejected += 1;
            continue;
        }
        match response_unit.get(&response) {
            Some((other, line)) if *other != unit => {
                diags.push(
                    at(Diagnostic::error(
                        "response-unit-conflict",
                        format!(
                            "response `{response}` is about unit `{other}` on line {line}, here about `{unit}`; row ignored"
                        ),
                    ))
                    .unit(&unit),
                );
                stats.rejected += 1;
                continue;
            }
            Some(_) => {}
            None => {
                response_unit.insert(response.clone(), (unit.clone(), r.line));
            }
        }
        if let Some(first) = seen.get(&(response.clone(), question)) {
            diags.push(
                at(Diagnostic::error(
                    "duplicate-answer",
                    format!(
                        "response `{response}` already answers question `{qid}` on line {first}; this row is ignored"
                    ),
                ))
                .unit(&unit),
            );
            stats.rejected += 1;
            continue;
        }
        seen.insert((response.clone(), question), r.line);
        stats.used += 1;
        rows.push(Answer {
            line: r.line,
            response,
            unit,
            question,
            value,
        });
    }
    for (q, (line, n)) in unknown_questions {
        diags.push(
            Diagnostic::warning(
                "unknown-question",
                format!(
                    "question `{q}` is not in the framework's survey; its {n} row(s) are ignored"
                ),
            )
            .at(file, Some(line)),
        );
    }
    for (u, (line, n)) in unknown_units {
        diags.push(
            Diagnostic::error(
                "unknown-unit",
                format!("unit `{u}` is not in the unit register; its {n} row(s) are ignored"),
            )
            .at(file, Some(line))
            .unit(&u),
        );
    }
    Answers { rows, stats }
}

/// The survey figures of one unit or group, exact.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    /// Responses with at least one valid answer.
    pub respondents: u64,
    /// Valid answers (1–5).
    pub answers: u64,
    /// Rows with no answer (empty or 0).
    pub blanks: u64,
    /// Per question (in [`Survey::questions`] order): valid answers.
    pub question_answers: Vec<u64>,
    /// Per question: satisfaction in percent, `None` without valid answers.
    pub questions: Vec<Option<Decimal>>,
    /// Per factor: valid answers to its questions.
    pub factor_answers: Vec<u64>,
    /// Per factor: the index in percent, `None` when none of its questions has answers.
    pub factors: Vec<Option<Decimal>>,
    /// The overall index in percent, `None` without any valid answer.
    pub index: Option<Decimal>,
    /// The 95% margin of error of the index, in percentage points.
    pub margin: Option<Decimal>,
}

impl Figures {
    /// The value a survey ratio reads and the valid answers behind it.
    pub fn target(&self, t: SurveyTarget) -> (Option<Decimal>, u64) {
        match t {
            SurveyTarget::Index => (self.index, self.answers),
            SurveyTarget::Factor(f) => (self.factors[f], self.factor_answers[f]),
        }
    }
}

/// The margin of error of a share `p` (percent) over `n` respondents, in percentage
/// points: z·√(p(1−p)/n) under the normal approximation, z = 1.96.
pub fn margin_of_error(p: Decimal, n: u64) -> Option<Decimal> {
    if n == 0 {
        return None;
    }
    let share = (p / Decimal::ONE_HUNDRED).clamp(Decimal::ZERO, Decimal::ONE);
    let variance = share * (Decimal::ONE - share) / Decimal::from(n);
    variance.sqrt().map(|s| Z95 * s * Decimal::ONE_HUNDRED)
}

/// Computes the figures per key; `key` maps a unit to its row (the unit itself, or its
/// group), `None` leaves the answer out. Keys with no rows are absent.
pub fn tally(
    survey: &Survey,
    answers: &Answers,
    key: impl Fn(&str) -> Option<String>,
) -> BTreeMap<String, Figures> {
    let questions: Vec<(usize, &crate::framework::Question)> = survey.questions().collect();
    struct Acc<'a> {
        respondents: BTreeSet<&'a str>,
        blanks: u64,
        valid: Vec<u64>,
        credit: Vec<Decimal>,
    }
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    for a in &answers.rows {
        let Some(k) = key(&a.unit) else { continue };
        let e = acc.entry(k).or_insert_with(|| Acc {
            respondents: BTreeSet::new(),
            blanks: 0,
            valid: vec![0; questions.len()],
            credit: vec![Decimal::ZERO; questions.len()],
        });
        match a.value {
            None => e.blanks += 1,
            Some(v) => {
                e.respondents.insert(a.response.as_str());
                e.valid[a.question] += 1;
                e.credit[a.question] += survey.counting.credit(v);
            }
        }
    }
    acc.into_iter()
        .map(|(k, a)| {
            let shares: Vec<Option<Decimal>> = a
                .valid
                .iter()
                .zip(&a.credit)
                .map(|(&n, &c)| (n > 0).then(|| c * Decimal::ONE_HUNDRED / Decimal::from(n)))
                .collect();
            let mut factors = Vec::with_capacity(survey.factors.len());
            let mut factor_answers = Vec::with_capacity(survey.factors.len());
            for (f, _) in survey.factors.iter().enumerate() {
                let parts = questions
                    .iter()
                    .zip(&shares)
                    .filter(|((qf, _), _)| *qf == f)
                    .filter_map(|((_, q), s)| s.map(|s| (q.weight, s)));
                factors.push(weighted_mean(parts));
                factor_answers.push(
                    questions
                        .iter()
                        .zip(&a.valid)
                        .filter(|((qf, _), _)| *qf == f)
                        .map(|(_, n)| n)
                        .sum(),
                );
            }
            let index = weighted_mean(
                survey
                    .factors
                    .iter()
                    .zip(&factors)
                    .filter_map(|(f, v)| v.map(|v| (f.weight, v))),
            );
            let respondents = a.respondents.len() as u64;
            let figures = Figures {
                respondents,
                answers: a.valid.iter().sum(),
                blanks: a.blanks,
                question_answers: a.valid,
                questions: shares,
                factor_answers,
                factors,
                margin: index.and_then(|p| margin_of_error(p, respondents)),
                index,
            };
            (k, figures)
        })
        .collect()
}

/// Σ w·v / Σ w over the parts; `None` when there are none.
fn weighted_mean(parts: impl Iterator<Item = (Decimal, Decimal)>) -> Option<Decimal> {
    let (mut sum, mut weights) = (Decimal::ZERO, Decimal::ZERO);
    for (w, v) in parts {
        sum += w * v;
        weights += w;
    }
    (!weights.is_zero()).then(|| sum / weights)
}

/// Findings about the figures: units below the framework's minimum of respondents.
/// `unit_keys` says whether the keys are unit ids (else group names).
pub fn adequacy(
    survey: &Survey,
    keys: &[String],
    figures: &BTreeMap<String, Figures>,
    file: &str,
    unit_keys: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if survey.min_respondents == 0 {
        return out;
    }
    for k in keys {
        let n = figures.get(k).map_or(0, |f| f.respondents);
        if n < survey.min_respondents {
            let who = if unit_keys {
                String::new()
            } else {
                format!("group `{k}`: ")
            };
            let d = Diagnostic::warning(
                "few-respondents",
                format!(
                    "{who}{n} respondent(s), fewer than the framework's minimum of {}; the survey figures are not reliable",
                    survey.min_respondents
                ),
            )
            .at(file, None);
            out.push(if unit_keys { d.unit(k) } else { d });
        }
    }
    out
}
