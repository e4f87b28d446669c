//! The metrics table in every format: key columns, exact counts, then the rates as
//! percentages with 2 decimals (empty when the denominator is 0).

use crate::dossier::{Metric, MetricsTable};
use serde_json::{json, Map, Value};

/// Header and rows as text.
pub fn rows(t: &MetricsTable) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = t.key_columns.iter().map(|s| s.to_string()).collect();
    let sample = crate::dossier::Counts::default();
    header.extend(sample.columns().iter().map(|(n, _)| n.to_string()));
    header.extend(Metric::ALL.iter().map(|m| m.name().to_string()));
    let rows = t
        .rows
        .iter()
        .map(|(key, c)| {
            let mut r = key.clone();
            r.extend(c.columns().iter().map(|(_, v)| v.to_string()));
            r.extend(
                Metric::ALL
                    .iter()
                    .map(|m| t.rates.percent(*m, c).unwrap_or_default()),
            );
            r
        })
        .collect();
    (header, rows)
}

/// CSV.
pub fn csv(t: &MetricsTable) -> String {
    let (h, r) = rows(t);
    super::csv::write(&h, &r)
}

/// Display headers in `lang`.
fn shown(h: &[String], lang: crate::lang::Lang) -> Vec<String> {
    h.iter().map(|h| lang.column(h)).collect()
}

/// Markdown: the period line and the table (headers in `lang`).
pub fn md(t: &MetricsTable, lang: crate::lang::Lang) -> String {
    let (h, r) = rows(t);
    let h = shown(&h, lang);
    format!(
        "Dossier metrics, period {}; {} rows read, {} used, {} rejected.\n\n{}",
        t.period,
        t.stats.read,
        t.stats.used,
        t.stats.rejected,
        super::md::grid(&h, &r, |i, _| i < t.key_columns.len())
    )
}

/// A terminal table with a title line (headers in `lang`).
pub fn table(t: &MetricsTable, lang: crate::lang::Lang) -> String {
    let (h, r) = rows(t);
    let h = shown(&h, lang);
    let mut title = format!(
        "dossier metrics, period {}; {} rows read, {} used, {} rejected\n",
        t.period, t.stats.read, t.stats.used, t.stats.rejected
    );
    if !t.rates.is_default() {
        for (name, def) in t.rates.describe() {
            title.push_str(&format!("  {name} = {def}\n"));
        }
    }
    format!("{title}{}", super::table::grid(&h, r, t.key_columns.len()))
}

/// JSON: the period, one object per row (rates as numbers or null), findings, counts.
pub fn json(t: &MetricsTable) -> String {
    let (h, r) = rows(t);
    let objs = super::json::row_objects(&h, &r, t.key_columns.len());
    let v = json!({
        "period": {"label": t.period.label, "from": t.period.from.to_string(), "to": t.period.to.to_string()},
        "by": t.key_columns,
        "definitions": t.rates.describe().into_iter().map(|(n, d)| (n.to_string(), Value::String(d))).collect::<Map<String, Value>>(),
        "rows": objs,
        "diagnostics": t.diagnostics,
        "stats": [t.stats],
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values always serialise");
    s.push('\n');
    s
}
