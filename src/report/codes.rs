//! `cchc codes`: the catalogue of finding codes, from the one table in `crate::diag`.
//! The README's catalogue is this report as Markdown (a test keeps them equal).

use super::{Column, Kind, Report, Table, Value};
use crate::diag::{Code, Severity};
use crate::lang::Lang;

/// The catalogue, meanings in `lang`.
pub fn build(lang: Lang) -> Report<'static> {
    let mut r = Report::new("finding codes", lang, &[]);
    r.setting_mut::<crate::export::json::Members>().no_findings = true;
    let cols = vec![
        Column::new("code", Kind::Text).essential(),
        Column::new("severity", Kind::Text).essential(),
        Column::new("about", Kind::Text),
        Column::new("meaning", Kind::Text).essential(),
    ];
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for c in Code::ALL {
            let severity = match c.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let meaning = match lang {
                Lang::En => c.meaning(),
                Lang::Vi => c.gloss(),
            };
            sink(vec![
                Value::str(c.as_str()),
                Value::str(severity),
                Value::str(c.topic().title()),
                Value::str(meaning),
            ]);
        }
    };
    r.tables.push(Table::new("codes", cols, Box::new(rows)));
    r
}
