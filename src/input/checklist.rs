//! The inspection checklist: one row per unit and criterion with the unit's
//! self-assessed score, the appraised score, the final score after the unit's
//! explanation, and whatever the criterion's rule needs.

use super::{normalize, Place, Table};
use crate::diag::{Code, Diagnostic};
use crate::num::parse_number;
use rust_decimal::Decimal;

/// A numeric cell of the checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Cell {
    /// Left blank.
    #[default]
    Empty,
    /// `na`: the item does not apply to this unit.
    Na,
    /// A number.
    Num(Decimal),
    /// Not a usable number (already reported when read).
    Bad(Box<str>),
}

impl Cell {
    /// Whether the cell holds anything.
    pub fn is_given(&self) -> bool {
        *self != Cell::Empty
    }
}

/// The numeric columns a checklist may have, in [`ChecklistRow::numbers`] order.
pub const NUMERIC: [&str; 7] = [
    "self_score",
    "appraised_score",
    "final_score",
    "done",
    "planned",
    "count",
    "value",
];

impl std::fmt::Display for Cell {
    /// As it would be typed back into a checklist: empty, `na`, the number.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::Na => f.write_str("na"),
            Cell::Num(d) => f.write_str(&crate::num::plain(*d)),
            Cell::Bad(t) => f.write_str(t),
        }
    }
}

/// The values a rule reads, as typed in a form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    /// A score.
    pub score: Cell,
    /// Tasks done.
    pub done: Cell,
    /// Tasks planned.
    pub planned: Cell,
    /// An option.
    pub value: Option<String>,
    /// A count.
    pub count: Cell,
}

/// One checklist row.
#[derive(Debug, Clone)]
pub struct ChecklistRow {
    /// Where it is (a line, or a workbook row).
    pub place: Place,
    /// The unit.
    pub unit: String,
    /// The criterion (a leaf id).
    pub criterion: String,
    /// The unit's own score.
    pub self_score: Cell,
    /// The score after appraisal.
    pub appraised_score: Cell,
    /// The score after the unit's explanation and the second appraisal.
    pub final_score: Cell,
    /// Numerator of a checklist ratio.
    pub done: Cell,
    /// Denominator of a checklist ratio.
    pub planned: Cell,
    /// Count for a `per-count` rule.
    pub count: Cell,
    /// Option name for a `choice` rule (`na` means not applicable).
    pub value: Option<Box<str>>,
    /// Evidence reference, shown by `explain`.
    pub evidence: Option<Box<str>>,
    /// The unit's explanation (giải trình), shown by `explain`.
    pub explanation: Option<Box<str>>,
    /// Free note, shown by `explain`.
    pub note: Option<Box<str>>,
    /// The sheet column of each of [`NUMERIC`] (for workbook cell addresses), shared by
    /// every row of a table.
    columns: std::sync::Arc<[Option<usize>; 7]>,
}

impl ChecklistRow {
    /// A row from values already parsed (a returned form's cells), at `place`.
    pub fn of_values(place: Place, unit: &str, criterion: &str, values: Values) -> ChecklistRow {
        ChecklistRow {
            place,
            unit: unit.to_string(),
            criterion: criterion.to_string(),
            self_score: values.score,
            appraised_score: Cell::Empty,
            final_score: Cell::Empty,
            done: values.done,
            planned: values.planned,
            count: values.count,
            value: values.value.map(Into::into),
            evidence: None,
            explanation: None,
            note: None,
            columns: std::sync::Arc::new([None; 7]),
        }
    }

    /// The 1-based line (or workbook row).
    pub fn line(&self) -> usize {
        self.place.line
    }

    /// Where a column's value sits: its cell in a workbook, else the row's line.
    pub fn place_of(&self, column: &str) -> Place {
        let col = NUMERIC
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.columns[i]);
        match (&self.place.sheet, col) {
            (Some(_), Some(c)) => Place {
                cell: Some(format!("{}{}", super::column_letters(c), self.place.line)),
                ..self.place.clone()
            },
            _ => self.place.clone(),
        }
    }
}

fn cell(text: &str, comma: bool) -> Result<Cell, String> {
    let t = text.trim();
    if t.is_empty() {
        Ok(Cell::Empty)
    } else if t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("n/a") {
        Ok(Cell::Na)
    } else {
        parse_number(t, comma)
            .map(Cell::Num)
            .map_err(|e| e.to_string())
    }
}

/// Parses every row; unusable values in number columns are reported here, once. The
/// table is consumed: each text row is freed once parsed (a national checklist has
/// millions).
pub fn read(mut table: Table, diags: &mut Vec<Diagnostic>) -> Vec<ChecklistRow> {
    let text_rows = std::mem::take(&mut table.rows);
    let table = &table;
    let col = |n: &str| table.col(n);
    let (u, c) = (
        col("unit_id").expect("required"),
        col("criterion_id").expect("required"),
    );
    let nums: Vec<Option<usize>> = NUMERIC[..6].iter().map(|n| col(n)).collect();
    let (value, evidence, explanation, note) = (
        col("value"),
        col("evidence"),
        col("explanation"),
        col("note"),
    );
    let text = |row: &super::Row, i: Option<usize>| {
        i.map(|i| normalize(&row[i]))
            .filter(|s| !s.is_empty())
            .map(String::into_boxed_str)
    };
    let source = |i: Option<usize>| i.map(|i| table.source_columns.get(i).copied().unwrap_or(i));
    let mut columns = [None; 7];
    for (slot, i) in columns.iter_mut().zip(nums.iter().chain([&value])) {
        *slot = source(*i);
    }
    let columns = std::sync::Arc::new(columns);
    let mut out = Vec::with_capacity(text_rows.len());
    for row in text_rows {
        let row = &row;
        let unit = normalize(&row[u]);
        let criterion = normalize(&row[c]);
        let parsed: Vec<Cell> = nums
            .iter()
            .zip(NUMERIC)
            .map(|(i, name)| {
                let Some(i) = *i else { return Cell::Empty };
                let place = table.place(row, Some(i));
                let value = cell(&row[i], table.decimal_comma).unwrap_or_else(|why| {
                    let v: Box<str> = row[i].trim().into();
                    diags.push(
                        Diagnostic::new(Code::InvalidNumber, format!("{name} `{v}` {why}"))
                            .located(place.location())
                            .unit(&unit)
                            .criterion(&criterion),
                    );
                    Cell::Bad(v)
                });
                value
            })
            .collect();
        let [self_score, appraised_score, final_score, done, planned, count]: [Cell; 6] =
            parsed.try_into().expect("six numeric columns");
        out.push(ChecklistRow {
            place: table.place(row, None),
            unit,
            criterion,
            self_score,
            appraised_score,
            final_score,
            done,
            planned,
            count,
            value: text(row, value),
            evidence: text(row, evidence),
            explanation: text(row, explanation),
            note: text(row, note),
            columns: columns.clone(),
        });
    }
    out
}
