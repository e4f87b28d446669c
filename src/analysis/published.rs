//! A published results table, as copied from a report into a CSV or a workbook, read
//! for `cchc audit`: each row's printed figures (total, parts, previous, change, rank,
//! distance above the mean, group mean), its cells kept so that every finding names
//! one.
//!
//! Tables copied from reports print numbers as reports do: a decimal comma in a
//! Vietnamese table (`92,75`, read with a `;` file or `--decimal-comma`), a sign on a
//! change (`+1.32`, `−0.79` with the typographic minus), a percent sign, a tie mark on
//! a rank (`2=`). An empty cell is a figure the table does not print, never 0; a cell
//! that is not a number is a finding and left out. A row named as a mean (`Trung
//! bình`, `Bình quân`, `Cả nước`, `Mean`, `Average`) is the table's stated mean, not a
//! unit: it is not ranked and its total is the mean the `above_mean` figures are taken
//! from.

use crate::analysis::audit::{Kind, Row as Printed};
use crate::diag::{Code, Diagnostic};
use crate::input::columns::key;
use crate::input::{normalize, Row, Table};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The columns a published table needs.
pub const COLUMNS: [&str; 1] = ["total"];

/// The names a mean row goes by (compared as [`key`]s).
const MEAN_ROWS: [&str; 7] = [
    "trung bình",
    "bình quân",
    "trung bình cả nước",
    "cả nước",
    "toàn quốc",
    "mean",
    "average",
];

/// A published table read: its unit rows and, if it prints one, its mean row.
#[derive(Debug, Clone)]
pub struct Published {
    /// The table as read (for the places of findings).
    pub table: Table,
    /// The unit rows, in table order.
    pub rows: Vec<Printed>,
    /// The table row each unit row comes from.
    pub at: Vec<usize>,
    /// The mean row, if the table prints one, and the table row it comes from.
    pub mean_row: Option<(Printed, usize)>,
    /// The decimals the table prints its totals with (the most any total has).
    pub places: u32,
}

impl Published {
    /// Who unit row `i` is about, and where its figure of `kind` sits (its cell in a
    /// workbook); `i` past the unit rows is the mean row.
    pub fn figure(&self, i: usize, kind: Kind) -> (&str, crate::diag::Location) {
        let (label, at) = match (self.rows.get(i), &self.mean_row) {
            (Some(r), _) => (r.unit.as_str(), self.at[i]),
            (None, Some((r, at))) => (r.unit.as_str(), *at),
            (None, None) => return ("", self.table.whole()),
        };
        let row = &self.table.rows[at];
        let place = match self.table.col(kind.column()) {
            Some(c) => self.table.at_col(row, c),
            None => self.table.at(row),
        };
        (label, place)
    }
}

/// Reads the rows of a published table whose parts are the columns `parts` (headers
/// as the file writes them; decimals as the table reads them).
pub fn read(
    table: Table,
    parts: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Result<Published, String> {
    let part_cols = parts
        .iter()
        .map(|p| {
            table
                .headers
                .iter()
                .position(|h| key(h) == key(p))
                .ok_or_else(|| {
                    format!(
                        "{}: no column `{}` for --parts (columns: {})",
                        table.file,
                        crate::term::escape(p),
                        crate::term::escape(&table.headers.join(", "))
                    )
                })
        })
        .collect::<Result<Vec<usize>, String>>()?;
    let mut out = Published {
        rows: Vec::new(),
        at: Vec::new(),
        mean_row: None,
        places: 0,
        table,
    };
    let t = &out.table;
    let mut read = Reading { t, diags };
    for (i, row) in t.rows.iter().enumerate() {
        let printed = read.row(row, &part_cols);
        if is_mean_row(&printed.unit) && out.mean_row.is_none() {
            out.mean_row = Some((printed, i));
        } else {
            out.rows.push(printed);
            out.at.push(i);
        }
    }
    out.places = out
        .rows
        .iter()
        .filter_map(|r| r.total.map(|t| t.scale()))
        .max()
        .unwrap_or(0);
    Ok(out)
}

/// Whether a row's label names the table's mean.
fn is_mean_row(label: &str) -> bool {
    let k = key(label);
    MEAN_ROWS.iter().any(|m| key(m) == k)
}

/// One table's rows being read, with the findings they raise.
struct Reading<'a> {
    t: &'a Table,
    diags: &'a mut Vec<Diagnostic>,
}

impl Reading<'_> {
    /// A row's printed figures.
    fn row(&mut self, row: &Row, part_cols: &[usize]) -> Printed {
        let text = |name: &str| {
            self.t
                .col(name)
                .map(|c| normalize(&row[c]))
                .unwrap_or_default()
        };
        let (id, name) = (text("unit_id"), text("name"));
        let unit = match (id.is_empty(), name.is_empty()) {
            (_, false) => name,
            (false, true) => id,
            (true, true) => format!("row {}", row.line),
        };
        let mut p = Printed {
            group: text("group"),
            unit,
            ..Printed::default()
        };
        p.total = self.number(row, self.t.col("total"), &p.unit);
        p.parts = part_cols
            .iter()
            .filter_map(|&c| self.number(row, Some(c), &p.unit))
            .collect();
        if p.parts.len() != part_cols.len() {
            p.parts.clear(); // a part missing: the sum says nothing
        }
        p.previous = self.number(row, self.t.col("previous"), &p.unit);
        p.change = self.number(row, self.t.col("change"), &p.unit);
        p.above_mean = self.number(row, self.t.col("above_mean"), &p.unit);
        p.group_mean = self.number(row, self.t.col("group_mean"), &p.unit);
        p.rank = self.rank(row, &p.unit);
        p
    }

    /// A number cell: None when the column is absent or the cell empty (a finding
    /// when it holds something else).
    fn number(&mut self, row: &Row, col: Option<usize>, unit: &str) -> Option<Decimal> {
        let c = col?;
        let raw = row[c].trim();
        if raw.is_empty() || raw == "-" || raw == "–" {
            return None;
        }
        let cleaned = clean(raw);
        match crate::num::parse_number(&cleaned, self.t.decimal_comma) {
            Ok(mut d) => {
                // As printed: 84.00 stays 84.00 (its places are the table's).
                let sep = if self.t.decimal_comma { ',' } else { '.' };
                let places = cleaned.split_once(sep).map_or(0, |(_, f)| f.len());
                d.rescale(u32::try_from(places).unwrap_or(0).max(d.scale()));
                Some(d)
            }
            Err(e) => {
                self.bad(row, c, unit, &format!("`{}` {e}", crate::term::escape(raw)));
                None
            }
        }
    }

    /// A rank cell: a whole number from 1, a tie mark (`2=`, `=2`) allowed.
    fn rank(&mut self, row: &Row, unit: &str) -> Option<u32> {
        let c = self.t.col("rank")?;
        let raw = row[c].trim();
        if raw.is_empty() {
            return None;
        }
        match raw.trim_matches('=').trim().parse::<u32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                let what = format!(
                    "rank `{}` is not a whole number from 1",
                    crate::term::escape(raw)
                );
                self.bad(row, c, unit, &what);
                None
            }
        }
    }

    fn bad(&mut self, row: &Row, col: usize, unit: &str, what: &str) {
        let column = &self.t.headers[col];
        self.diags.push(
            Diagnostic::new(
                Code::AuditCell,
                format!("{unit}: {column} {what}; left out of the checks"),
            )
            .located(self.t.at_col(row, col)),
        );
    }
}

/// A printed number as [`crate::num::parse_number`] reads it: the typographic minus
/// as `-`, a percent sign and inner spaces dropped.
fn clean(raw: &str) -> String {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '%')
        .collect();
    match s.strip_prefix(['−', '–']) {
        Some(rest) => format!("-{rest}"),
        None => s,
    }
}

/// The totals of an earlier table by unit id and by name, to give each row its
/// earlier total (`--previous EARLIER`).
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    by_id: BTreeMap<String, Decimal>,
    by_name: BTreeMap<String, Decimal>,
}

impl Earlier {
    /// The earlier table's totals (its mean row left out).
    pub fn of(p: &Published) -> Earlier {
        let mut e = Earlier::default();
        for (r, &i) in p.rows.iter().zip(&p.at) {
            let Some(total) = r.total else { continue };
            let row = &p.table.rows[i];
            if let Some(c) = p.table.col("unit_id") {
                let id = normalize(&row[c]);
                if !id.is_empty() {
                    e.by_id.insert(id, total);
                }
            }
            e.by_name.insert(key(&r.unit), total);
        }
        e
    }

    /// Gives each unit row of `p` its earlier total; the rows with none are named in
    /// one finding.
    pub fn fill(&self, p: &mut Published, earlier_file: &str, diags: &mut Vec<Diagnostic>) {
        let id_col = p.table.col("unit_id");
        let mut missing = Vec::new();
        for (r, &i) in p.rows.iter_mut().zip(&p.at) {
            let id = id_col.map(|c| normalize(&p.table.rows[i][c]));
            let by_id = id
                .filter(|id| !id.is_empty())
                .and_then(|id| self.by_id.get(&id));
            r.earlier = by_id.or_else(|| self.by_name.get(&key(&r.unit))).copied();
            if r.earlier.is_none() && r.total.is_some() {
                missing.push(r.unit.clone());
            }
        }
        if !missing.is_empty() {
            let n = missing.len();
            let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
            let more = if n > 5 { ", …" } else { "" };
            diags.push(
                Diagnostic::new(
                    Code::AuditUnmatched,
                    format!(
                        "{n} row(s) not in the earlier table {earlier_file} (by unit_id, else by name): {}{more}; their change is not checked against it",
                        shown.join(", ")
                    ),
                )
                .located(p.table.whole()),
            );
        }
    }
}
