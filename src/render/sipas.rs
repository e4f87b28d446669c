//! The survey figures (`cchc sipas`) in every format: one row per unit or group with
//! respondents, valid answers, the index and its margin of error, each factor, and (in
//! csv and json) each question; percentages rounded as the framework says, empty where
//! there are no valid answers.

use super::json::number;
use crate::framework::{Framework, Survey};
use crate::survey::Figures;
use crate::{SurveyBy, SurveyTable};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// How the margin of error is computed, stated in every output.
pub const MARGIN_NOTE: &str = "margin_of_error: 95% normal approximation, 1.96 × √(p(1−p)/n) × 100, p = index / 100, n = respondents";

/// Header and rows as text; `questions` adds a column per question.
pub fn rows(fw: &Framework, t: &SurveyTable, questions: bool) -> (Vec<String>, Vec<Vec<String>>) {
    let s = survey(fw);
    let key = match t.by {
        SurveyBy::Unit => "unit_id",
        SurveyBy::Group => "group",
    };
    let mut header: Vec<String> = vec![key.to_string()];
    if t.by == SurveyBy::Unit {
        header.push("name".into());
    }
    for h in [
        "respondents",
        "answers",
        "blank",
        "index",
        "margin_of_error",
    ] {
        header.push(h.into());
    }
    header.extend(s.factors.iter().map(|f| format!("factor_{}", f.id)));
    if questions {
        header.extend(s.questions().map(|(_, q)| format!("q_{}", q.id)));
    }
    let empty = Figures::default();
    let mut out = Vec::with_capacity(t.keys.len() + 1);
    let mut push = |k: &str, name: &str, f: &Figures| {
        let mut r = vec![k.to_string()];
        if t.by == SurveyBy::Unit {
            r.push(name.to_string());
        }
        r.extend(figure_cells(fw, s, f, questions));
        out.push(r);
    };
    for (k, name) in &t.keys {
        push(k, name, t.figures.get(k).unwrap_or(&empty));
    }
    (header, out)
}

/// The cells after the key: counts, index, margin, factors, questions.
fn figure_cells(fw: &Framework, s: &Survey, f: &Figures, questions: bool) -> Vec<String> {
    let pct = |d: Option<Decimal>| d.map(|d| fw.rounding.show(d)).unwrap_or_default();
    let mut r = vec![
        f.respondents.to_string(),
        f.answers.to_string(),
        f.blanks.to_string(),
        pct(f.index),
        pct(f.margin),
    ];
    let n = s.factors.len();
    r.extend((0..n).map(|i| pct(f.factors.get(i).copied().flatten())));
    if questions {
        let q = s.questions().count();
        r.extend((0..q).map(|i| pct(f.questions.get(i).copied().flatten())));
    }
    r
}

fn survey(fw: &Framework) -> &Survey {
    fw.survey
        .as_ref()
        .expect("survey_table refuses a framework without [survey]")
}

/// CSV, with a column per question.
pub fn csv(fw: &Framework, t: &SurveyTable) -> String {
    let (h, r) = rows(fw, t, true);
    super::csv::write(&h, &r)
}

/// A terminal table: the framework's survey method, one row per unit with its
/// factors, the figures over all answers, and how the margin of error is computed.
/// Per-question shares are in csv and json.
pub fn table(fw: &Framework, t: &SurveyTable, lang: crate::lang::Lang) -> String {
    let s = survey(fw);
    let (h, mut r) = rows(fw, t, false);
    let h: Vec<String> = h.iter().map(|h| lang.column(h)).collect();
    let keys = if t.by == SurveyBy::Unit { 2 } else { 1 };
    let mut total = vec!["all".to_string()];
    if keys == 2 {
        total.push(String::new());
    }
    total.extend(figure_cells(fw, s, &t.total, false));
    r.push(total);
    let mut out = format!(
        "{} — survey: {}; factors: {}\n{} rows read, {} used, {} rejected\n",
        fw.id,
        s.counting.describe(),
        s.factors
            .iter()
            .map(|f| format!("{} ({})", f.id, f.title))
            .collect::<Vec<_>>()
            .join(", "),
        t.stats.read,
        t.stats.used,
        t.stats.rejected
    );
    out.push_str(&super::table::grid(&h, r, keys));
    out.push_str(MARGIN_NOTE);
    out.push_str("\nper-question shares: --format csv or json\n");
    out
}

/// Markdown: the method, the table with a column per question, the margin's formula.
pub fn md(fw: &Framework, t: &SurveyTable, lang: crate::lang::Lang) -> String {
    let s = survey(fw);
    let (h, r) = rows(fw, t, true);
    let h: Vec<String> = h.iter().map(|h| lang.column(h)).collect();
    let keys = if t.by == SurveyBy::Unit { 2 } else { 1 };
    format!(
        "Survey ({}): {}.\n\n{}\n{MARGIN_NOTE}\n",
        fw.id,
        s.counting.describe(),
        super::md::grid(&h, &r, |i, _| i < keys)
    )
}

/// JSON: the method, one object per row (numbers or null), the total, findings, counts.
pub fn json(fw: &Framework, t: &SurveyTable, diagnostics: &[crate::diag::Diagnostic]) -> String {
    let s = survey(fw);
    let (h, r) = rows(fw, t, true);
    let keys = if t.by == SurveyBy::Unit { 2 } else { 1 };
    let object = |row: &[String]| super::json::row_objects(&h, &[row.to_vec()], keys).remove(0);
    let objs: Vec<Value> = r.iter().map(|row| object(row)).collect();
    let mut total = vec!["all".to_string()];
    if keys == 2 {
        total.push(String::new());
    }
    total.extend(figure_cells(fw, s, &t.total, true));
    let v = json!({
        "framework": fw.id,
        "counting": s.counting.describe(),
        "margin_of_error": MARGIN_NOTE,
        "min_respondents": s.min_respondents,
        "factors": s.factors.iter().map(|f| json!({
            "id": f.id,
            "title": f.title,
            "weight": number(&crate::num::plain(f.weight)),
            "questions": f.questions.iter().map(|q| json!({"id": q.id, "weight": number(&crate::num::plain(q.weight))})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "rows": objs,
        "total": object(&total),
        "diagnostics": diagnostics,
        "stats": [t.stats],
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values always serialise");
    s.push('\n');
    s
}
