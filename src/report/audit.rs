//! `cchc audit`: a published table's contradictions, one row each (the cell, the
//! figure as printed, what the table's other figures give, the likeliest slip), and
//! what the table says in figures as the press quotes them — count, mean, range, up
//! and down, the largest and smallest change — for the whole table and each group.

use super::{summary, Column, Kind, Report, Table, Value};
use crate::analysis::audit::{Audit, Figures};
use crate::analysis::published::Published;
use crate::diag::Diagnostic;
use crate::lang::Lang;

/// What `cchc audit` found in one table.
#[derive(Debug, Clone)]
pub struct Audited {
    /// The table read.
    pub table: Published,
    /// Its contradictions (the mean row's come after the unit rows').
    pub audit: Audit,
    /// The mean the `above_mean` figures were checked against.
    pub mean: Option<rust_decimal::Decimal>,
    /// The figures of the whole table.
    pub figures: Figures,
    /// The figures of each group.
    pub groups: Vec<(String, Figures)>,
    /// The findings.
    pub findings: Vec<Diagnostic>,
    /// The language.
    pub lang: Lang,
}

/// The audit report.
pub fn build(a: &Audited) -> Report<'_> {
    let lang = a.lang;
    let file = &a.table.table.file;
    let mut r = Report::new(format!("audit {file}"), lang, &a.findings);
    let n = a.audit.contradictions.len();
    r.lines.push(match lang {
        Lang::En => format!(
            "{} rows; {n} contradiction(s); the rounding of parts explains {} total(s)",
            a.table.rows.len(),
            a.audit.rounding.len()
        ),
        Lang::Vi => format!(
            "{} dòng; {n} mâu thuẫn; {} tổng điểm chênh do làm tròn thành phần",
            a.table.rows.len(),
            a.audit.rounding.len()
        ),
    });
    if let Some(m) = a.mean {
        r.lines.push(format!(
            "{} {m}",
            lang.pick("the stated mean", "trung bình công bố")
        ));
    }
    let noun = ("rows", "dòng");
    r.lines.push(summary::figures_line(
        lang.pick("all", "tất cả"),
        &a.figures,
        noun,
        lang,
    ));
    for (g, f) in &a.groups {
        r.lines.push(summary::figures_line(g, f, noun, lang));
    }
    let cols = vec![
        Column::new("line", Kind::Int).essential(),
        Column::new("cell", Kind::Text),
        Column::new("unit", Kind::Text).essential(),
        Column::new("figure", Kind::Text).essential(),
        Column::new("printed", Kind::Text).essential(),
        Column::new("implied", Kind::Text).essential(),
        Column::new("explanation", Kind::Text),
    ];
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for c in &a.audit.contradictions {
            let (unit, at) = a.table.figure(c.row, c.kind);
            sink(vec![
                Value::count(at.line.unwrap_or(0)),
                Value::text(at.cell.unwrap_or_default()),
                Value::str(unit),
                Value::str(c.kind.column()),
                Value::str(c.printed.to_string()),
                Value::str(as_printed(c.implied, c.printed)),
                Value::str(&c.message),
            ]);
        }
    };
    r.tables.push(
        Table::new("contradictions", cols, Box::new(rows))
            .titled(lang.pick("Contradictions", "Mâu thuẫn trong bảng")),
    );
    r.tables.push(
        summary::figures_table(a.figures.clone(), a.groups.clone(), a.table.places, lang)
            .titled(lang.pick("What the table says", "Số liệu tổng hợp của bảng")),
    );
    r
}

/// A figure the table implies, with as many decimals as the one it prints (`4.20`
/// beside `4.38`): text, so that no format drops a digit the table shows.
fn as_printed(implied: rust_decimal::Decimal, printed: rust_decimal::Decimal) -> String {
    let mut d = implied;
    d.rescale(printed.scale().max(implied.scale()));
    d.to_string()
}
