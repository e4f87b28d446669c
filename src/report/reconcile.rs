//! `cchc reconcile`: each figure the portal prints otherwise than cchc computes it,
//! with both derivations.

use super::{Column, Kind, Report, Table, Value};
use crate::analysis::reconcile::Reconciled;
use crate::diag::Diagnostic;
use crate::lang::Lang;

/// The report.
pub fn build<'a>(
    r: &'a Reconciled,
    file: &str,
    findings: &'a [Diagnostic],
    lang: Lang,
) -> Report<'a> {
    let title = match lang {
        Lang::En => format!(
            "{file}: {} of {} published figures differ from cchc's beyond the portal's 2-decimal rounding",
            r.differences.len(),
            r.compared
        ),
        Lang::Vi => format!(
            "{file}: {} trên {} số liệu công bố khác với số liệu cchc tính (ngoài sai số làm tròn 2 chữ số)",
            r.differences.len(),
            r.compared
        ),
    };
    let mut report = Report::new(title, lang, findings);
    let cols = [
        ("line", Kind::Int),
        ("unit_id", Kind::Text),
        ("indicator", Kind::Text),
        ("figure", Kind::Text),
        ("portal", Kind::Text),
        ("cchc", Kind::Text),
        ("portal_derivation", Kind::Text),
        ("cchc_derivation", Kind::Text),
    ]
    .into_iter()
    .map(|(n, k)| {
        // The derivations are long: a narrow terminal shows the figures, and says
        // which columns it left out.
        let c = Column::new(n, k);
        if n.ends_with("_derivation") {
            c
        } else {
            c.essential()
        }
    })
    .collect();
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for d in &r.differences {
            sink(vec![
                Value::count(d.line),
                Value::str(&d.unit),
                Value::str(&d.indicator),
                Value::str(d.figure),
                Value::str(&d.portal),
                Value::str(&d.cchc),
                Value::str(&d.portal_derivation),
                Value::str(&d.cchc_derivation),
            ]);
        }
    };
    report
        .tables
        .push(Table::new("differences", cols, Box::new(rows)));
    report
}
