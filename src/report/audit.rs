//! `cchc audit`: a published table's contradictions, one row each (the cell, the
//! figure as printed, what the table's other figures give, the likeliest slip), and
//! what the table says in figures as the press quotes them — count, mean, range, up
//! and down, the largest and smallest change — for the whole table and each group.

use super::{Column, Kind, Report, Table, Value};
use crate::analysis::audit::{Audit, Figures, Held};
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
    r.lines
        .push(figures_line(lang.pick("all", "tất cả"), &a.figures, lang));
    for (g, f) in &a.groups {
        r.lines.push(figures_line(g, f, lang));
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
    r.tables.push(figures_table(a));
    r
}

/// A figure the table implies, with as many decimals as the one it prints (`4.20`
/// beside `4.38`): text, so that no format drops a digit the table shows.
fn as_printed(implied: rust_decimal::Decimal, printed: rust_decimal::Decimal) -> String {
    let mut d = implied;
    d.rescale(printed.scale().max(implied.scale()));
    d.to_string()
}

/// The figures of the table and of each group, one row each.
fn figures_table(a: &Audited) -> Table<'_> {
    let places = a.table.places;
    let cols = vec![
        Column::new("group", Kind::Text).essential(),
        Column::new("count", Kind::Int).essential(),
        Column::new("mean", Kind::Decimal(places)).essential(),
        Column::new("lowest", Kind::Plain),
        Column::new("highest", Kind::Plain),
        Column::new("up", Kind::Int).essential(),
        Column::new("down", Kind::Int).essential(),
        Column::new("unchanged", Kind::Int),
        Column::new("largest_change", Kind::Plain),
        Column::new("smallest_change", Kind::Plain),
    ];
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        let all = std::iter::once((a.lang.pick("(all)", "(tất cả)").to_string(), &a.figures));
        for (g, f) in all.chain(a.groups.iter().map(|(g, f)| (g.clone(), f))) {
            let v = |h: &Option<Held>| h.as_ref().map_or(Value::Null, |h| Value::Dec(h.value));
            let changed = f.up + f.down + f.unchanged > 0;
            let count = |n: usize| {
                if changed {
                    Value::count(n)
                } else {
                    Value::Null
                }
            };
            sink(vec![
                Value::text(g),
                Value::count(f.count),
                f.mean.map_or(Value::Null, Value::Dec),
                v(&f.lowest),
                v(&f.highest),
                count(f.up),
                count(f.down),
                count(f.unchanged),
                v(&f.largest),
                v(&f.smallest),
            ]);
        }
    };
    Table::new("figures", cols, Box::new(rows)).titled(
        a.lang
            .pick("What the table says", "Số liệu tổng hợp của bảng"),
    )
}

/// `all: 63 rows, mean 88.37, from 80.10 (Cao Bằng) to 96.17 (Hải Phòng); 53 up, 9
/// down, 1 unchanged; largest change +5.12 (X), smallest −1.20 (Y)`.
fn figures_line(label: &str, f: &Figures, lang: Lang) -> String {
    let held = |h: &Held| format!("{} ({})", h.value, h.units.join(", "));
    let signed = |h: &Held| {
        let s = if h.value.is_sign_positive() && !h.value.is_zero() {
            "+"
        } else {
            ""
        };
        format!("{s}{}", held(h))
    };
    let mut s = format!("{label}: {} {}", f.count, lang.pick("rows", "dòng"));
    if let Some(m) = f.mean {
        s.push_str(&format!(", {} {m}", lang.pick("mean", "trung bình")));
    }
    if let (Some(lo), Some(hi)) = (&f.lowest, &f.highest) {
        s.push_str(&match lang {
            Lang::En => format!(", from {} to {}", held(lo), held(hi)),
            Lang::Vi => format!(", từ {} đến {}", held(lo), held(hi)),
        });
    }
    if let (Some(big), Some(small)) = (&f.largest, &f.smallest) {
        s.push_str(&match lang {
            Lang::En => format!(
                "; {} up, {} down, {} unchanged; largest change {}, smallest {}",
                f.up,
                f.down,
                f.unchanged,
                signed(big),
                signed(small)
            ),
            Lang::Vi => format!(
                "; {} tăng, {} giảm, {} không đổi; thay đổi lớn nhất {}, nhỏ nhất {}",
                f.up,
                f.down,
                f.unchanged,
                signed(big),
                signed(small)
            ),
        });
    }
    s
}
