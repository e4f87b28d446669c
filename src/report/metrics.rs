//! `cchc metrics`: one row per group (unit, procedure, channel, month) with the exact
//! counts of PRODUCT.md's metrics table, then the rates as percentages with 2 decimals
//! (empty when the denominator is 0), and the definition each rate used.

use super::{Column, Kind, Report, Table, Value};
use crate::diag::Diagnostic;
use crate::dossier::{Counts, Metric, MetricsTable};
use crate::lang::Lang;
use serde_json::{json, Map};

/// What the scan left unread: dataset files after the period, typed rows outside it.
fn unread_notes(t: &MetricsTable, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    if t.pruned > 0 {
        notes.push(match lang {
            Lang::En => format!(
                "{} dataset file(s) in year= partitions after the period left unread",
                t.pruned
            ),
            Lang::Vi => format!(
                "{} tệp thuộc phân vùng year= sau kỳ đánh giá không cần đọc",
                t.pruned
            ),
        });
    }
    if t.unread > 0 {
        notes.push(match lang {
            Lang::En => format!(
                "{} row(s) received after the period or finished before it left unread (typed Parquet: filter and row-group statistics); they count nowhere and are not checked",
                t.unread
            ),
            Lang::Vi => format!(
                "{} dòng tiếp nhận sau kỳ hoặc hoàn thành trước kỳ không cần đọc (Parquet có kiểu: bộ lọc và thống kê nhóm dòng); không được tính, không được kiểm tra",
                t.unread
            ),
        });
    }
    notes
}

/// The metrics report.
pub fn build<'a>(t: &'a MetricsTable, findings: &'a [Diagnostic], lang: Lang) -> Report<'a> {
    let title = format!(
        "{} {}; {}",
        lang.t("Dossier metrics, period"),
        t.period,
        lang.rows_line(t.stats.read, t.stats.used, t.stats.rejected)
    );
    let mut r = Report::new(title, lang, findings);
    r.lines.extend(unread_notes(t, lang));
    if !t.rates.is_default() {
        for (name, def) in t.rates.describe() {
            r.lines.push(format!("{name} = {def}"));
        }
    }
    r.setting_mut::<crate::export::json::Members>().head = vec![
        ("period".into(), super::period_json(Some(&t.period))),
        ("by".into(), json!(t.key_columns)),
        (
            "definitions".into(),
            serde_json::Value::Object(
                t.rates
                    .describe()
                    .into_iter()
                    .map(|(n, d)| (n.to_string(), serde_json::Value::String(d)))
                    .collect::<Map<_, _>>(),
            ),
        ),
    ];
    if t.unread > 0 {
        r.setting_mut::<crate::export::json::Members>()
            .head
            .push(("rows_unread".into(), json!(t.unread)));
    }
    let mut cols: Vec<Column> = t
        .key_columns
        .iter()
        .map(|k| Column::new(*k, Kind::Text).essential())
        .collect();
    let essential = ["received", "resolved", "on_time", "late", "pending"];
    cols.extend(Counts::default().columns().iter().map(|(n, _)| {
        let c = Column::new(*n, Kind::Int);
        if essential.contains(n) {
            c.essential()
        } else {
            c
        }
    }));
    cols.extend(Metric::ALL.iter().map(|m| {
        let c = Column::new(m.name(), Kind::Percent(2));
        if matches!(m, Metric::OnTimeRate | Metric::OnlineShare) {
            c.essential()
        } else {
            c
        }
    }));
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for (key, c) in &t.rows {
            let mut row: Vec<Value> = key.iter().map(Value::str).collect();
            row.extend(c.columns().iter().map(|(_, v)| Value::count(*v)));
            row.extend(
                Metric::ALL
                    .iter()
                    .map(|m| t.rates.percent(*m, c).map_or(Value::Null, Value::Dec)),
            );
            sink(row);
        }
    };
    r.tables.push(
        Table::new("rows", cols, Box::new(rows)).with(crate::export::xlsx::Sheet {
            name: Some("Metrics".into()),
            frozen: (0, 0),
        }),
    );
    r.stats = vec![t.stats.clone()];
    r
}
