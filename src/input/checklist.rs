//! The inspection checklist: one row per unit and criterion with the self-assessed
//! score, the appraised score and whatever the criterion's rule needs.

use super::{normalize, Table};
use crate::diag::Diagnostic;
use crate::num::parse_decimal;
use rust_decimal::Decimal;

/// A numeric cell of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Left blank.
    Empty,
    /// `na`: the item does not apply to this unit.
    Na,
    /// A number.
    Num(Decimal),
    /// Not a number (already reported when read).
    Bad(String),
}

impl Cell {
    fn parse(text: &str, comma: bool) -> Cell {
        let t = text.trim();
        if t.is_empty() {
            Cell::Empty
        } else if t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("n/a") {
            Cell::Na
        } else {
            match parse_decimal(t, comma) {
                Some(d) => Cell::Num(d),
                None => Cell::Bad(t.to_string()),
            }
        }
    }
}

/// One checklist row.
#[derive(Debug, Clone)]
pub struct ChecklistRow {
    /// 1-based line in the file.
    pub line: usize,
    /// The unit.
    pub unit: String,
    /// The criterion (a leaf id).
    pub criterion: String,
    /// The unit's own score.
    pub self_score: Cell,
    /// The score after appraisal.
    pub appraised_score: Cell,
    /// Numerator of a checklist ratio.
    pub done: Cell,
    /// Denominator of a checklist ratio.
    pub planned: Cell,
    /// Option name for a `choice` rule (`na` means not applicable).
    pub value: Option<String>,
    /// Count for a `per-count` rule.
    pub count: Cell,
    /// Evidence reference, shown by `explain`.
    pub evidence: Option<String>,
    /// Free note, shown by `explain`.
    pub note: Option<String>,
}

/// Says why a well-formed number was refused: it is beyond ±10^12.
fn beyond(v: &str) -> &'static str {
    if parse_decimal(v, true).is_none()
        && v.trim_start_matches(['-', '+'])
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        " (or is beyond ±10^12)"
    } else {
        ""
    }
}

/// The numeric columns a checklist may have, in the order findings list them.
pub const NUMERIC: [&str; 5] = ["self_score", "appraised_score", "done", "planned", "count"];

/// Parses every row; non-numeric values in numeric columns are reported here, once.
pub fn read(table: &Table, diags: &mut Vec<Diagnostic>) -> Vec<ChecklistRow> {
    let col = |n: &str| table.col(n);
    let (u, c) = (
        col("unit_id").expect("required"),
        col("criterion_id").expect("required"),
    );
    let nums: Vec<Option<usize>> = NUMERIC.iter().map(|n| col(n)).collect();
    let (value, evidence, note) = (col("value"), col("evidence"), col("note"));
    let text = |row: &super::Row, i: Option<usize>| {
        i.map(|i| normalize(&row.fields[i]))
            .filter(|s| !s.is_empty())
    };
    let mut out = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let unit = normalize(&row.fields[u]);
        let criterion = normalize(&row.fields[c]);
        let cells: Vec<Cell> = nums
            .iter()
            .zip(NUMERIC)
            .map(|(i, name)| {
                let cell = i.map_or(Cell::Empty, |i| {
                    Cell::parse(&row.fields[i], table.decimal_comma)
                });
                if let Cell::Bad(v) = &cell {
                    diags.push(
                        Diagnostic::error(
                            "invalid-number",
                            format!("{name} `{v}` is not a number{}", beyond(v)),
                        )
                        .at(&table.file, Some(row.line))
                        .unit(&unit)
                        .criterion(&criterion),
                    );
                }
                cell
            })
            .collect();
        let [self_score, appraised_score, done, planned, count]: [Cell; 5] =
            cells.try_into().expect("five numeric columns");
        out.push(ChecklistRow {
            line: row.line,
            unit,
            criterion,
            self_score,
            appraised_score,
            done,
            planned,
            value: text(row, value),
            count,
            evidence: text(row, evidence),
            note: text(row, note),
        });
    }
    out
}
