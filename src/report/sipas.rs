//! `cchc sipas`: one row per unit or group with respondents, valid answers, the index
//! and its margin of error, each factor and each question; percentages rounded as the
//! framework says, empty where there are no valid answers; the figures over every
//! answer as a totals row.

use super::{json_number, Appears, Column, Kind, Report, Table, Value};
use crate::diag::Diagnostic;
use crate::framework::{Framework, Survey};
use crate::lang::Lang;
use crate::survey::{Figures, SurveyBy, SurveyTable};
use serde_json::json;

/// How the margin of error is computed, stated in every output.
pub const MARGIN_NOTE: &str = "margin_of_error: 95% normal approximation, 1.96 × √(p(1−p)/n) × 100, p = index / 100, n = respondents";

fn survey(fw: &Framework) -> &Survey {
    fw.survey
        .as_ref()
        .expect("the survey pipeline refuses a framework without [survey]")
}

/// The cells after the key: counts, index, margin, factors, questions.
fn figure_cells(fw: &Framework, s: &Survey, f: &Figures) -> Vec<Value> {
    let pct = |d: Option<&crate::num::Exact>| d.map_or(Value::Null, |d| super::published(fw, d));
    let mut r = vec![
        Value::count(f.respondents),
        Value::count(f.answers),
        Value::count(f.blanks),
        pct(f.index.as_ref()),
        f.margin
            .map_or(Value::Null, |m| Value::Dec(fw.rounding.apply(&m.into()))),
    ];
    r.extend((0..s.pillars.len()).map(|i| pct(f.pillars.get(i).and_then(|x| x.as_ref()))));
    r.extend((0..s.factors.len()).map(|i| pct(f.factors.get(i).and_then(|x| x.as_ref()))));
    let q = s.questions().count();
    r.extend((0..q).map(|i| pct(f.questions.get(i).and_then(|x| x.as_ref()))));
    r
}

/// The survey report.
pub fn build<'a>(
    fw: &'a Framework,
    t: &'a SurveyTable,
    findings: &'a [Diagnostic],
    lang: Lang,
) -> Report<'a> {
    let s = survey(fw);
    let title = format!(
        "{} — {}: {}; {}: {}",
        fw.id,
        lang.t("survey"),
        s.counting.describe(lang),
        lang.t("factors"),
        s.factors
            .iter()
            .map(|f| format!("{} ({})", f.id, f.title))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let mut r = Report::new(title, lang, findings);
    r.lines
        .push(lang.rows_line(t.stats.read, t.stats.used, t.stats.rejected));
    r.notes.push(MARGIN_NOTE.to_string());
    r.notes
        .push("per-question shares: --format csv, json, md or xlsx".to_string());
    r.setting_mut::<crate::export::json::Members>().head = json_head(fw, s);
    let pk = super::points_kind(fw);
    let by_unit = t.by == SurveyBy::Unit;
    let mut cols =
        vec![Column::new(if by_unit { "unit_id" } else { "group" }, Kind::Text).essential()];
    if by_unit {
        cols.push(Column::new("name", Kind::Text).essential());
    }
    for h in ["respondents", "answers", "blank"] {
        cols.push(Column::new(h, Kind::Int).essential());
    }
    cols.push(Column::new("index", pk).essential());
    cols.push(Column::new("margin_of_error", pk).essential());
    cols.extend(
        s.pillars
            .iter()
            .map(|p| Column::new(format!("pillar_{}", p.id), pk).essential()),
    );
    cols.extend(
        s.factors
            .iter()
            .map(|f| Column::new(format!("factor_{}", f.id), pk)),
    );
    cols.extend(
        s.questions()
            .map(|(_, q)| Column::new(format!("q_{}", q.id), pk).only(Appears::AllBut("table"))),
    );
    let empty = Figures::default();
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for (k, name) in &t.keys {
            let mut row = vec![Value::str(k)];
            if by_unit {
                row.push(Value::str(name));
            }
            row.extend(figure_cells(fw, s, t.figures.get(k).unwrap_or(&empty)));
            sink(row);
        }
    };
    let mut total = vec![Value::str("all")];
    if by_unit {
        total.push(Value::str(""));
    }
    total.extend(figure_cells(fw, s, &t.total));
    let mut table = Table::new("rows", cols, Box::new(rows)).with(crate::export::xlsx::Sheet {
        name: Some("SIPAS".into()),
        frozen: (0, 0),
    });
    table.total = Some(total);
    r.tables.push(table);
    if !s.unscored.is_empty() {
        r.tables.push(frequency_table(fw, s, t));
    }
    r.stats = vec![t.stats.clone()];
    r
}

/// The unscored questions' frequency tables: per unit (or group) and over every
/// answer (`all`), each answer's count and share of the question's answers.
fn frequency_table<'a>(fw: &'a Framework, s: &'a Survey, t: &'a SurveyTable) -> Table<'a> {
    let key = if t.by == SurveyBy::Unit {
        "unit_id"
    } else {
        "group"
    };
    let cols = vec![
        Column::new(key, Kind::Text).essential(),
        Column::new("question_id", Kind::Text).essential(),
        Column::new("question", Kind::Text),
        Column::new("answer", Kind::Text).essential(),
        Column::new("answers", Kind::Int).essential(),
        Column::new("share", super::points_kind(fw)).essential(),
    ];
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for f in &t.frequencies {
            let q = &s.unscored[f.question];
            sink(vec![
                Value::str(&f.key),
                Value::str(&q.id),
                Value::str(&q.title),
                Value::str(&f.answer),
                Value::count(f.count),
                super::published(fw, &f.share),
            ]);
        }
    };
    Table::new("unscored", cols, Box::new(rows)).with(crate::export::xlsx::Sheet {
        name: Some("Unscored".into()),
        frozen: (0, 0),
    })
}

/// The survey's method, as JSON members before the rows.
fn json_head(fw: &Framework, s: &Survey) -> Vec<(String, serde_json::Value)> {
    vec![
        ("framework".into(), json!(fw.id)),
        ("counting".into(), json!(s.counting.describe(Lang::En))),
        ("margin_of_error".into(), json!(MARGIN_NOTE)),
        ("min_respondents".into(), json!(s.min_respondents)),
        (
            "aggregate".into(),
            json!(if s.by_pillars { "pillars" } else { "factors" }),
        ),
        (
            "pillars".into(),
            json!(s.pillars.iter().map(|p| json!({
                "id": p.id,
                "title": p.title,
                "weight": json_number(&crate::num::plain(p.weight)),
                "factors": p.factors.iter().map(|&f| s.factors[f].id.clone()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>()),
        ),
        (
            "factors".into(),
            json!(s.factors.iter().map(|f| json!({
                "id": f.id,
                "title": f.title,
                "weight": json_number(&crate::num::plain(f.weight)),
                "questions": f.questions.iter().map(|q| json!({"id": q.id, "weight": json_number(&crate::num::plain(q.weight))})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>()),
        ),
    ]
}
