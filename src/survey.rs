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

use crate::diag::{Code, Diagnostic};
use crate::framework::{Framework, Survey, SurveyTarget};
use crate::input::{normalize, RowStats, Table};
use crate::num::Exact;
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
    /// The question, by index into [`Survey::questions`] order (or the scheme's).
    pub question: usize,
    /// 1–5 (or an option's index), or `None` for no answer.
    pub value: Option<u8>,
    /// The respondent group, by index (0 where the file has no groups).
    pub group: usize,
    /// The answer as written, for an unscored question (its index is past the scored
    /// ones); `None` for scored questions and empty answers.
    pub text: Option<String>,
}

/// How the rows of an answers file are read: its questions, what an answer may be, and
/// (for the officials' survey) its respondent groups. SIPAS and the officials' survey
/// share every check on rows and responses through it.
pub struct Scheme<'a> {
    /// The survey's name in findings (`survey`, `officials' survey`).
    pub what: &'static str,
    /// Question id → index.
    pub questions: BTreeMap<&'a str, usize>,
    /// An answer cell → its value (`None`: no answer), or why it is refused.
    pub answer: &'a dyn Fn(&str) -> Result<Option<u8>, String>,
    /// Group name → index, when the file has a `group` column.
    pub groups: Option<BTreeMap<&'a str, usize>>,
    /// Unscored question id → index (after the scored questions): any answer text is
    /// kept as written, to be counted.
    pub unscored: BTreeMap<&'a str, usize>,
}

/// The usable rows of a survey file and what happened to the others.
#[derive(Debug, Clone)]
pub struct Answers {
    /// Rows kept, in file order.
    pub rows: Vec<Answer>,
    /// Rows read / used / rejected.
    pub stats: RowStats,
}

impl Scheme<'_> {
    /// A group's index (0 when the file has no groups), or None when the framework
    /// does not weight it.
    fn group(&self, name: &str) -> Option<usize> {
        match &self.groups {
            Some(groups) => groups.get(name).copied(),
            None => Some(0),
        }
    }
}

/// A usable row before the checks that need every row of its response.
struct Parsed {
    line: usize,
    response: String,
    unit: String,
    question: usize,
    qid: String,
    value: Option<u8>,
    group: usize,
    gname: String,
    text: Option<String>,
}

/// Reads the survey table against the framework's survey; `units`, when given, is the
/// register every unit_id must be in. Findings go to `diags`.
///
/// Whatever the order of the rows, the same rows are kept: a response that names two
/// units loses every row, a question answered twice with different answers loses every
/// copy (the same answer twice is counted once), each reported with its lines.
pub fn read(
    table: &Table,
    survey: &Survey,
    units: Option<&BTreeSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Answers {
    let scheme = Scheme {
        what: "survey",
        questions: survey.question_index(),
        answer: &|raw| {
            answer(raw).map_err(|other| {
                format!("answer `{other}` is not 1 to 5 (0 or empty = no answer); row ignored")
            })
        },
        groups: None,
        unscored: survey
            .unscored
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), survey.questions().count() + i))
            .collect(),
    };
    read_answers(table, &scheme, units, diags)
}

/// Reads an answers table under a [`Scheme`]: the rows and responses that count.
pub fn read_answers(
    table: &Table,
    scheme: &Scheme,
    units: Option<&BTreeSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Answers {
    let mut stats = RowStats {
        input: "survey".into(),
        file: table.file.to_string(),
        read: table.rows.len(),
        ..RowStats::default()
    };
    let parsed = parse_rows(table, scheme, units, &mut stats, diags);
    // response → its rows.
    let mut responses: BTreeMap<&str, Vec<&Parsed>> = BTreeMap::new();
    for p in &parsed {
        responses.entry(p.response.as_str()).or_default().push(p);
    }
    let mut rows = Vec::with_capacity(parsed.len());
    for (response, list) in responses {
        keep_response(table, response, list, &mut rows, &mut stats, diags);
    }
    rows.sort_by_key(|a| a.line);
    Answers { rows, stats }
}

/// What a response names twice, in words (`units U1, U2`, `respondent groups a, b`).
fn two_names(list: &[&Parsed]) -> Option<String> {
    let units: BTreeSet<&str> = list.iter().map(|p| p.unit.as_str()).collect();
    let groups: BTreeSet<&str> = list.iter().map(|p| p.gname.as_str()).collect();
    let (what, named) = if units.len() > 1 {
        ("units", units)
    } else if groups.len() > 1 {
        ("respondent groups", groups)
    } else {
        return None;
    };
    Some(format!(
        "{what} {}",
        named.into_iter().collect::<Vec<_>>().join(", ")
    ))
}

/// The rows of one response that count: none if it names two units; for each
/// question, one row if every copy agrees, none if they disagree.
fn keep_response(
    table: &Table,
    response: &str,
    list: Vec<&Parsed>,
    rows: &mut Vec<Answer>,
    stats: &mut RowStats,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(what) = two_names(&list) {
        let lines: Vec<String> = list.iter().map(|p| p.line.to_string()).collect();
        diags.push(
            Diagnostic::new(
                Code::ResponseUnitConflict,
                format!(
                    "response `{response}` names {what}; all its {} rows (lines {}) are left out",
                    list.len(),
                    lines.join(", ")
                ),
            )
            .located(table.row_at(list[0].line)),
        );
        stats.rejected += list.len();
        return;
    }
    let mut by_question: BTreeMap<usize, Vec<&Parsed>> = BTreeMap::new();
    for p in list {
        by_question.entry(p.question).or_default().push(p);
    }
    for (_, copies) in by_question {
        let first = copies[0];
        if copies.len() == 1 {
            rows.push(to_answer(first));
            stats.used += 1;
            continue;
        }
        let lines: Vec<String> = copies.iter().map(|p| p.line.to_string()).collect();
        let agree = copies
            .iter()
            .all(|p| p.value == first.value && p.text == first.text);
        let (code, what) = if agree {
            (Code::RepeatedAnswer, "the same answer; counted once")
        } else {
            (
                Code::DuplicateAnswer,
                "different answers; every copy is left out",
            )
        };
        diags.push(
            Diagnostic::new(
                code,
                format!(
                    "response `{response}` answers question `{}` {} times (lines {}) with {what}",
                    first.qid,
                    copies.len(),
                    lines.join(", ")
                ),
            )
            .located(table.row_at(first.line))
            .unit(&first.unit),
        );
        if agree {
            rows.push(to_answer(first));
            stats.used += 1;
            stats.rejected += copies.len() - 1;
        } else {
            stats.rejected += copies.len();
        }
    }
}

fn to_answer(p: &Parsed) -> Answer {
    Answer {
        line: p.line,
        response: p.response.clone(),
        unit: p.unit.clone(),
        question: p.question,
        value: p.value,
        group: p.group,
        text: p.text.clone(),
    }
}

/// Values met on many rows, reported once each: value → (first row, rows).
type Unknown = BTreeMap<String, (usize, usize)>;

/// One finding per question the framework does not know, per unit outside the
/// register and per group without a weight, instead of one per row.
fn unknown(
    table: &Table,
    what: &str,
    (c_q, c_unit, c_group): (usize, usize, usize),
    [questions, units, groups]: [Unknown; 3],
    diags: &mut Vec<Diagnostic>,
) {
    for (q, (i, n)) in questions {
        let msg =
            format!("question `{q}` is not in the framework's {what}; its {n} row(s) are ignored");
        diags.push(
            Diagnostic::new(Code::UnknownQuestion, msg).located(table.at_col(&table.rows[i], c_q)),
        );
    }
    for (g, (i, n)) in groups {
        let msg = format!(
            "respondent group `{g}` has no weight in the framework's [officials] table; its {n} row(s) are ignored"
        );
        diags.push(
            Diagnostic::new(Code::UnknownGroup, msg).located(table.at_col(&table.rows[i], c_group)),
        );
    }
    for (u, (i, n)) in units {
        let msg = format!("unit `{u}` is not in the unit register; its {n} row(s) are ignored");
        diags.push(
            Diagnostic::new(Code::UnknownUnit, msg)
                .located(table.at_col(&table.rows[i], c_unit))
                .unit(&u),
        );
    }
}

/// The first of a row's keys (response, unit, question) that is empty: its column.
fn empty_key(keys: &[(usize, &String)]) -> Option<(usize, &'static str)> {
    const NAMES: [&str; 3] = ["response_id", "unit_id", "question_id"];
    keys.iter()
        .zip(NAMES)
        .find(|((_, v), _)| v.is_empty())
        .map(|((c, _), name)| (*c, name))
}

/// An answer 1–5; empty or 0 is no answer; anything else is returned as refused.
fn answer(raw: &str) -> Result<Option<u8>, &str> {
    match raw {
        "" | "0" => Ok(None),
        "1" => Ok(Some(1)),
        "2" => Ok(Some(2)),
        "3" => Ok(Some(3)),
        "4" => Ok(Some(4)),
        "5" => Ok(Some(5)),
        other => Err(other),
    }
}

/// A row's answer, or the finding that refuses the row (an empty key, an answer the
/// scheme does not take); an unscored question's answer is kept as text.
fn read_value(
    table: &Table,
    scheme: &Scheme,
    r: &crate::input::Row,
    keys: &[(usize, &String); 3],
    (c_a, raw): (usize, &str),
) -> Result<Option<u8>, Box<Diagnostic>> {
    match empty_key(keys) {
        Some((c, column)) => Err(Box::new(
            Diagnostic::new(
                Code::MissingValue,
                format!("{column} is empty; row ignored"),
            )
            .located(table.at_col(r, c)),
        )),
        None if scheme.unscored.contains_key(keys[2].1.as_str()) => Ok(None),
        None => (scheme.answer)(raw).map_err(|why| {
            Box::new(
                Diagnostic::new(Code::BadAnswer, why)
                    .located(table.at_col(r, c_a))
                    .unit(keys[1].1),
            )
        }),
    }
}

/// Each row on its own: empty keys, answers outside 0–5, questions the framework does
/// not know and units outside the register are reported and left out.
fn parse_rows(
    table: &Table,
    scheme: &Scheme,
    units: Option<&BTreeSet<String>>,
    stats: &mut RowStats,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Parsed> {
    let col = |name| table.col(name).expect("required column");
    let (c_resp, c_unit, c_q, c_a) = (
        col("response_id"),
        col("unit_id"),
        col("question_id"),
        col("answer"),
    );
    let c_group = scheme.groups.as_ref().and_then(|_| table.col("group"));
    // Findings that would repeat on every row are reported once per value: questions,
    // units, groups.
    let mut unknowns: [Unknown; 3] = Default::default();
    let mut out = Vec::with_capacity(table.rows.len());
    for (i, r) in table.rows.iter().enumerate() {
        let response = normalize(&r[c_resp]);
        let unit = normalize(&r[c_unit]);
        let qid = normalize(&r[c_q]);
        let raw = r[c_a].trim();
        let keys = [(c_resp, &response), (c_unit, &unit), (c_q, &qid)];
        let value = match read_value(table, scheme, r, &keys, (c_a, raw)) {
            Ok(v) => v,
            Err(d) => {
                diags.push(*d);
                stats.rejected += 1;
                continue;
            }
        };
        let gname = c_group.map_or_else(String::new, |c| normalize(&r[c]));
        let Some(group) = scheme.group(&gname) else {
            unknowns[2].entry(gname).or_insert((i, 0)).1 += 1;
            stats.rejected += 1;
            continue;
        };
        let free = scheme.unscored.get(qid.as_str());
        let text = free.filter(|_| !raw.is_empty()).map(|_| raw.to_string());
        let Some(&question) = scheme.questions.get(qid.as_str()).or(free) else {
            unknowns[0].entry(qid).or_insert((i, 0)).1 += 1;
            stats.rejected += 1;
            continue;
        };
        if units.is_some_and(|u| !u.contains(&unit)) {
            unknowns[1].entry(unit).or_insert((i, 0)).1 += 1;
            stats.rejected += 1;
            continue;
        }
        out.push(Parsed {
            line: r.line,
            response,
            unit,
            question,
            qid,
            value,
            group,
            gname,
            text,
        });
    }
    unknown(
        table,
        scheme.what,
        (c_q, c_unit, c_group.unwrap_or(c_q)),
        unknowns,
        diags,
    );
    out
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
    pub questions: Vec<Option<Exact>>,
    /// Per factor: valid answers to its questions.
    pub factor_answers: Vec<u64>,
    /// Per factor: the index in percent, `None` when none of its questions has answers.
    pub factors: Vec<Option<Exact>>,
    /// Per pillar: the weighted mean of its factors with a value, in percent.
    pub pillars: Vec<Option<Exact>>,
    /// The overall index in percent, `None` without any valid answer.
    pub index: Option<Exact>,
    /// The 95% margin of error of the index, in percentage points.
    pub margin: Option<Decimal>,
}

impl Figures {
    /// The value a survey ratio reads and the valid answers behind it.
    pub fn target(&self, t: SurveyTarget) -> (Option<Exact>, u64) {
        match t {
            SurveyTarget::Index => (self.index.clone(), self.answers),
            SurveyTarget::Factor(f) => (self.factors[f].clone(), self.factor_answers[f]),
        }
    }
}

/// The margin of error of a share `p` (percent) over `n` respondents, in percentage
/// points: z·√(p(1−p)/n) under the normal approximation, z = 1.96. A square root is
/// not exact anyway: the share is taken to 20 places first.
pub fn margin_of_error(p: &Exact, n: u64) -> Option<Decimal> {
    let p = p.round(20, crate::num::RoundingMode::HalfEven);
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
        credit: Vec<Exact>,
    }
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    for a in &answers.rows {
        let Some(k) = key(&a.unit).filter(|_| a.question < questions.len()) else {
            continue;
        };
        let e = acc.entry(k).or_insert_with(|| Acc {
            respondents: BTreeSet::new(),
            blanks: 0,
            valid: vec![0; questions.len()],
            credit: vec![Exact::zero(); questions.len()],
        });
        match a.value {
            None => e.blanks += 1,
            Some(v) => {
                e.respondents.insert(a.response.as_str());
                e.valid[a.question] += 1;
                e.credit[a.question] += Exact::from(survey.counting.credit(v));
            }
        }
    }
    acc.into_iter()
        .map(|(k, a)| {
            let shares: Vec<Option<Exact>> = a
                .valid
                .iter()
                .zip(&a.credit)
                .map(|(&n, c)| Exact::ratio(&(c.clone() * Exact::from(100u64)), &Exact::from(n)))
                .collect();
            let mut factors = Vec::with_capacity(survey.factors.len());
            let mut factor_answers = Vec::with_capacity(survey.factors.len());
            for (f, _) in survey.factors.iter().enumerate() {
                let parts = questions
                    .iter()
                    .zip(&shares)
                    .filter(|((qf, _), _)| *qf == f)
                    .filter_map(|((_, q), s)| s.clone().map(|s| (q.weight, s)));
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
            let (pillars, index) = pillars_and_index(survey, &factors);
            let respondents = a.respondents.len() as u64;
            let figures = Figures {
                respondents,
                answers: a.valid.iter().sum(),
                blanks: a.blanks,
                question_answers: a.valid,
                questions: shares,
                factor_answers,
                factors,
                pillars,
                margin: index.as_ref().and_then(|p| margin_of_error(p, respondents)),
                index,
            };
            (k, figures)
        })
        .collect()
}

/// Each pillar (the weighted mean of its factors with a value) and the index: the
/// weighted mean of the pillars under `aggregate = "pillars"`, else of the factors.
fn pillars_and_index(
    survey: &Survey,
    factors: &[Option<Exact>],
) -> (Vec<Option<Exact>>, Option<Exact>) {
    let factor = |f: usize| factors[f].clone().map(|v| (survey.factors[f].weight, v));
    let pillars: Vec<Option<Exact>> = survey
        .pillars
        .iter()
        .map(|p| weighted_mean(p.factors.iter().filter_map(|&f| factor(f))))
        .collect();
    let index = if survey.by_pillars {
        weighted_mean(
            survey
                .pillars
                .iter()
                .zip(&pillars)
                .filter_map(|(p, v)| v.clone().map(|v| (p.weight, v))),
        )
    } else {
        weighted_mean((0..factors.len()).filter_map(factor))
    };
    (pillars, index)
}

/// One line of an unscored question's frequency table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frequency {
    /// The unit or group (`all` over every answer).
    pub key: String,
    /// The question, by index into `Survey::unscored`.
    pub question: usize,
    /// The answer as written.
    pub answer: String,
    /// How many gave it.
    pub count: u64,
    /// Its share of the question's non-empty answers for the key, in percent, exact.
    pub share: Exact,
}

/// The frequency tables of the unscored questions per key (`key` maps a unit to its
/// key, as for [`tally`]), by key, question and answer.
pub fn frequencies(
    survey: &Survey,
    answers: &Answers,
    key: impl Fn(&str) -> Option<String>,
) -> Vec<Frequency> {
    let scored = survey.questions().count();
    let mut counts: BTreeMap<(String, usize), BTreeMap<&str, u64>> = BTreeMap::new();
    for a in &answers.rows {
        let (Some(text), Some(k)) = (a.text.as_deref(), key(&a.unit)) else {
            continue;
        };
        *counts
            .entry((k, a.question - scored))
            .or_default()
            .entry(text)
            .or_default() += 1;
    }
    let mut out = Vec::new();
    for ((k, question), by_answer) in counts {
        let total: u64 = by_answer.values().sum();
        for (answer, count) in by_answer {
            out.push(Frequency {
                key: k.clone(),
                question,
                answer: answer.to_string(),
                count,
                share: Exact::ratio(&Exact::from(count * 100), &Exact::from(total))
                    .unwrap_or_default(),
            });
        }
    }
    out
}

/// Σ w·v / Σ w over the parts, exact; `None` when there are none.
fn weighted_mean(parts: impl Iterator<Item = (Decimal, Exact)>) -> Option<Exact> {
    let (mut sum, mut weights) = (Exact::zero(), Exact::zero());
    for (w, v) in parts {
        let w = Exact::from(w);
        sum += v * &w;
        weights += w;
    }
    Exact::ratio(&sum, &weights)
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
            let d = Diagnostic::new(
                Code::FewRespondents,
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

/// What a row of survey figures stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SurveyBy {
    /// One row per unit.
    #[default]
    Unit,
    /// One row per group of the unit register (answers pooled).
    Group,
}

/// Survey figures for every unit (or group), ready to score or render.
#[derive(Debug, Clone)]
pub struct SurveyTable {
    /// What a row stands for.
    pub by: SurveyBy,
    /// The rows in order: (key, display name). With a register, every unit (or group)
    /// is there, with or without answers; without one, the units the survey names.
    pub keys: Vec<(String, String)>,
    /// Figures per key (absent: no answers).
    pub figures: std::collections::BTreeMap<String, Figures>,
    /// Rows read / used / rejected.
    pub stats: RowStats,
    /// Figures over every usable answer (the whole province, say).
    pub total: Figures,
    /// The unscored questions' frequency tables, per key, then over every answer
    /// (key `all`).
    pub frequencies: Vec<Frequency>,
}

/// Reads a survey table against the framework's `[survey]` and tallies it per unit or
/// group. Findings (unusable rows, too few respondents) go to `diags`.
pub fn table_of(
    framework: &Framework,
    table: &Table,
    units: Option<&[crate::input::units::Unit]>,
    by: SurveyBy,
    diags: &mut Vec<Diagnostic>,
) -> Result<SurveyTable, crate::Error> {
    let spec = framework.survey.as_ref().ok_or_else(|| {
        crate::Error::Usage(format!(
            "framework {} has no [survey] table: use a framework with one (e.g. `sipas`)",
            framework.id
        ))
    })?;
    let register: Option<BTreeSet<String>> =
        units.map(|u| u.iter().map(|u| u.id.clone()).collect());
    let answers = read(table, spec, register.as_ref(), diags);
    let group_of: BTreeMap<&str, &str> = units
        .unwrap_or_default()
        .iter()
        .map(|u| (u.id.as_str(), u.group.as_str()))
        .collect();
    let (keys, figures) = match by {
        SurveyBy::Unit => {
            let figures = tally(spec, &answers, |u| Some(u.to_string()));
            let keys: Vec<(String, String)> = match units {
                Some(units) => {
                    let mut k: Vec<(String, String)> = units
                        .iter()
                        .map(|u| (u.id.clone(), u.name.clone()))
                        .collect();
                    k.sort();
                    k
                }
                None => figures.keys().map(|k| (k.clone(), String::new())).collect(),
            };
            (keys, figures)
        }
        SurveyBy::Group => {
            if units.is_none() {
                return Err(crate::Error::Usage(
                    "--by group needs the unit register (--units FILE) to know each unit's group"
                        .into(),
                ));
            }
            let figures = tally(spec, &answers, |u| group_of.get(u).map(|g| g.to_string()));
            let groups: BTreeSet<&str> = group_of.values().copied().collect();
            let keys = groups
                .into_iter()
                .map(|g| (g.to_string(), String::new()))
                .collect();
            (keys, figures)
        }
    };
    let key_ids: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    diags.extend(adequacy(
        spec,
        &key_ids,
        &figures,
        &table.file,
        by == SurveyBy::Unit,
    ));
    let total = tally(spec, &answers, |_| Some(String::new()))
        .remove("")
        .unwrap_or_default();
    let mut freq = match by {
        SurveyBy::Unit => frequencies(spec, &answers, |u| Some(u.to_string())),
        SurveyBy::Group => frequencies(spec, &answers, |u| group_of.get(u).map(|g| g.to_string())),
    };
    freq.extend(frequencies(spec, &answers, |_| Some("all".into())));
    Ok(SurveyTable {
        by,
        keys,
        figures,
        stats: answers.stats,
        total,
        frequencies: freq,
    })
}
