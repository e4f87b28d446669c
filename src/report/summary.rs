//! What a table of results says in figures, as the press prints them — count, mean,
//! range, up and down, the largest and smallest change — for all units and each group:
//! one line each for a footer, one table for JSON, xlsx and HTML. `cchc audit` says it
//! of a published table, `cchc score` of its own ranking; both render it here.

use super::{Column, Kind, Table, Value};
use crate::analysis::audit::{Figures, Held};
use crate::lang::Lang;

/// The figures of all rows (labelled `(all)`) and of each group, one row each; the
/// counts of changes are empty when nothing had an earlier figure.
pub fn figures_table(
    all: Figures,
    groups: Vec<(String, Figures)>,
    places: u32,
    lang: Lang,
) -> Table<'static> {
    let cols = vec![
        Column::new("group", Kind::Text).essential(),
        Column::new("count", Kind::Int).essential(),
        Column::new("mean", Kind::Decimal(places)).essential(),
        Column::new("lowest", Kind::Decimal(places)),
        Column::new("highest", Kind::Decimal(places)),
        Column::new("up", Kind::Int).essential(),
        Column::new("down", Kind::Int).essential(),
        Column::new("unchanged", Kind::Int),
        Column::new("largest_change", Kind::Decimal(places)),
        Column::new("smallest_change", Kind::Decimal(places)),
    ];
    let label = lang.pick("(all)", "(tất cả)").to_string();
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for (g, f) in std::iter::once((&label, &all)).chain(groups.iter().map(|(g, f)| (g, f))) {
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
                Value::text(g.clone()),
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
    Table::new("figures", cols, Box::new(rows))
}

/// `all: 63 rows, mean 88.37, from 80.10 (Cao Bằng) to 96.17 (Hải Phòng); 53 up, 9
/// down, 1 unchanged; largest change +5.12 (X), smallest −1.20 (Y)`; `noun` counts
/// the rows (English, Vietnamese).
pub fn figures_line(label: &str, f: &Figures, noun: (&str, &str), lang: Lang) -> String {
    let held = |h: &Held| format!("{} ({})", h.value, h.units.join(", "));
    let signed = |h: &Held| {
        let s = if h.value.is_sign_positive() && !h.value.is_zero() {
            "+"
        } else {
            ""
        };
        format!("{s}{}", held(h))
    };
    let mut s = format!("{label}: {} {}", f.count, lang.pick(noun.0, noun.1));
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
