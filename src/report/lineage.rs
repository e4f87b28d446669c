//! `cchc lineage`: a lineage's normalised edges (new unit, old unit, relation, note)
//! and what it holds in figures — or one unit's predecessors and successors.

use super::{Column, Kind, Report, Table, Value};
use crate::diag::Diagnostic;
use crate::input::lineage::{Edge, Lineage, Relation, Summary};
use crate::lang::Lang;
use serde_json::json;

/// The lineage report; with `unit`, only the edges into or out of that code.
pub fn build<'a>(
    l: &'a Lineage,
    unit: Option<&'a str>,
    findings: &'a [Diagnostic],
    lang: Lang,
) -> Report<'a> {
    let s = l.summary();
    let mut r = Report::new(format!("{} {}", lang.t("lineage"), l.file), lang, findings);
    r.lines
        .push(lang.rows_line(l.rows, l.edges.len(), l.rejected));
    r.lines.push(summary_line(&s, lang));
    if let Some(p) = &l.padding {
        r.lines.push(match lang {
            Lang::En => p.words(),
            Lang::Vi => format!(
                "{} mã lưu dạng số bị mất số 0 đầu: đã bổ sung đủ {} chữ số",
                p.codes, p.width
            ),
        });
    }
    if let Some(id) = unit {
        r.lines.extend(unit_lines(l, id, lang));
    }
    r.setting_mut::<crate::export::json::Members>().head = vec![
        ("file".into(), json!(l.file)),
        ("summary".into(), summary_json(&s)),
    ];
    let weights = l.edges.iter().any(|e| e.weight.is_some());
    let mut cols = vec![
        Column::new("new_id", Kind::Text).essential(),
        Column::new("new_name", Kind::Text).essential(),
        Column::new("old_id", Kind::Text).essential(),
        Column::new("old_name", Kind::Text).essential(),
        Column::new("relation", Kind::Text).essential(),
    ];
    if weights {
        cols.push(Column::new("weight", Kind::Plain));
    }
    cols.push(Column::new("note", Kind::Text));
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        let chosen = |e: &&Edge| unit.is_none_or(|id| e.new_id == id || e.old_id == id);
        for e in l.edges.iter().filter(chosen) {
            let mut row = vec![
                Value::str(&e.new_id),
                Value::str(&e.new_name),
                Value::str(&e.old_id),
                Value::str(&e.old_name),
                Value::str(e.relation.name()),
            ];
            if weights {
                row.push(e.weight.map_or(Value::Null, Value::Dec));
            }
            row.push(Value::str(&e.note));
            sink(row);
        }
    };
    r.tables.push(Table::new("edges", cols, Box::new(rows)));
    r
}

/// The figures in one line.
fn summary_line(s: &Summary, lang: Lang) -> String {
    let relations: Vec<String> = Relation::ALL
        .iter()
        .zip(s.relations)
        .map(|(r, n)| format!("{} {n}", r.name()))
        .collect();
    let relations = relations.join(", ");
    match lang {
        Lang::En => format!(
            "{} edges: {} new units from {} old units with a code ({} edges from areas without one); {relations}; {} old units split between several new ones; {} codes reused for another unit",
            s.edges, s.new_units, s.old_units, s.without_code, s.split, s.reused.len()
        ),
        Lang::Vi => format!(
            "{} cặp: {} đơn vị mới từ {} đơn vị cũ có mã ({} cặp từ khu vực không có mã); {relations}; {} đơn vị cũ chia cho nhiều đơn vị mới; {} mã được dùng lại cho đơn vị khác",
            s.edges, s.new_units, s.old_units, s.without_code, s.split, s.reused.len()
        ),
    }
}

fn summary_json(s: &Summary) -> serde_json::Value {
    let relations: serde_json::Map<String, serde_json::Value> = Relation::ALL
        .iter()
        .zip(s.relations)
        .map(|(r, n)| (r.name().to_string(), json!(n)))
        .collect();
    json!({
        "edges": s.edges,
        "new_units": s.new_units,
        "old_units": s.old_units,
        "edges_without_code": s.without_code,
        "relations": relations,
        "split_old_units": s.split,
        "reused_codes": s.reused,
    })
}

/// One code's story: what it names now (its predecessors) and what it named before
/// (its successors) — the two may be different units.
fn unit_lines(l: &Lineage, id: &str, lang: Lang) -> Vec<String> {
    let list = |edges: &[&Edge], old: bool| -> String {
        edges
            .iter()
            .map(|e| {
                let (i, n) = if old {
                    (&e.old_id, &e.old_name)
                } else {
                    (&e.new_id, &e.new_name)
                };
                format!("{n} ({i}, {})", e.relation.name())
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let into: Vec<&Edge> = l.into_unit(id).collect();
    let out: Vec<&Edge> = l.out_of(id).collect();
    let mut lines = Vec::new();
    let vi = lang == Lang::Vi;
    match into.first() {
        Some(first) => lines.push(if vi {
            format!(
                "{id} hiện là {}, hình thành từ {} đơn vị: {}",
                first.new_name,
                into.len(),
                list(&into, true)
            )
        } else {
            format!(
                "{id} now: {}, from {} unit(s): {}",
                first.new_name,
                into.len(),
                list(&into, true)
            )
        }),
        None => lines.push(if vi {
            format!("{id}: không phải mã đơn vị mới trong bảng")
        } else {
            format!("{id}: not a new unit's code in this lineage")
        }),
    }
    if let Some(first) = out.first() {
        lines.push(if vi {
            format!(
                "{id} trước 01/7/2025 là {}, nay thuộc: {}",
                first.old_name,
                list(&out, false)
            )
        } else {
            format!(
                "{id} before 1 July 2025: {}, now in: {}",
                first.old_name,
                list(&out, false)
            )
        });
    }
    lines
}
