//! `cchc frameworks`: the frameworks built into the binary, one row each.

use super::{Column, Kind, Report, Table, Value};
use crate::framework::{builtin, Effect};
use crate::lang::Lang;

/// The list of built-in frameworks (each one parsed and validated).
pub fn build(lang: Lang) -> Result<Report<'static>, crate::Error> {
    let mut rows = Vec::new();
    for b in builtin::ALL {
        let fw = crate::framework::parse(b.source, b.name).map_err(crate::Error::Diagnostics)?;
        let extra = fw
            .leaves
            .iter()
            .filter(|l| l.effect != Effect::Scored)
            .count();
        rows.push(vec![
            Value::str(b.name),
            Value::str(&fw.title),
            Value::text(fw.decision.clone().unwrap_or_default()),
            Value::Dec(fw.scale),
            Value::count(fw.areas.len()),
            Value::count(fw.leaves.len()),
            Value::count(extra),
            Value::str(fw.inputs().join(", ")),
        ]);
    }
    let cols = vec![
        Column::new("name", Kind::Text).essential(),
        Column::new("title", Kind::Text).essential(),
        Column::new("follows", Kind::Text),
        Column::new("scale", Kind::Plain),
        Column::new("areas", Kind::Int),
        Column::new("criteria", Kind::Int),
        Column::new("bonus/penalty", Kind::Int),
        Column::new("scored from", Kind::Text).essential(),
    ];
    let mut r = Report::new("built-in frameworks", lang, &[]);
    r.setting_mut::<crate::export::json::Members>().no_findings = true;
    r.tables.push(Table::new(
        "frameworks",
        cols,
        Box::new(move |_, sink: &mut dyn FnMut(Vec<Value>)| {
            for row in &rows {
                sink(row.clone());
            }
        }),
    ));
    Ok(r)
}
