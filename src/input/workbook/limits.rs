//! The limits every workbook is opened within, in one place (README "Workbooks").
//!
//! A workbook is a container whose sizes are all declared by whoever made it: a zip's
//! entry sizes, a shared-strings table's count, a sheet's `dimension`, a `.xls` file's
//! sector tables. None of them is believed. What the readers allocate is held to these
//! limits, checked before the memory is taken, so a crafted file of a few kilobytes is
//! refused in bounded memory and time instead of taking the machine down.
//!
//! The limits are far above any real inspection workbook (a dossier log at Excel's row
//! limit fits) and far below what would hurt a 2-core office PC.

/// The limits (see [`LIMITS`]).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The workbook file, in bytes.
    pub file_bytes: u64,
    /// Entries of a zipped workbook (`.xlsx`, `.ods`).
    pub zip_entries: usize,
    /// One XML part, inflated.
    pub part_bytes: u64,
    /// Every part read from one workbook, inflated.
    pub total_bytes: u64,
    /// Inflated ÷ compressed size of a part larger than [`Limits::ratio_floor`].
    pub ratio: u64,
    /// Parts up to this size may inflate at any ratio (a small part of repeated tags).
    pub ratio_floor: u64,
    /// Bytes of a part between two markup characters (`<`, `>`): the longest text or
    /// tag an XML parser is let to hold.
    pub markup_run: usize,
    /// A part larger than this is first counted (cells, strings) without keeping
    /// anything, so that a count over the limits is refused before it is held.
    pub count_first: u64,
    /// Non-empty cells of the sheet read.
    pub cells: u64,
    /// Rows × columns spanned by the non-empty cells of the sheet read.
    pub area: u64,
    /// Strings of a shared-strings table.
    pub shared_strings: u64,
    /// Characters of one cell (Excel's own limit).
    pub cell_chars: usize,
    /// Sheets of a workbook.
    pub sheets: usize,
}

/// The limits cchc reads workbooks within ([`Limits::default`]; tests and tools may
/// open a workbook within others, `Book::open_within`).
pub const LIMITS: Limits = Limits {
    file_bytes: 512 << 20,
    zip_entries: 10_000,
    part_bytes: 1 << 30,
    total_bytes: 2 << 30,
    ratio: 200,
    ratio_floor: 1 << 20,
    markup_run: 1 << 20,
    count_first: 16 << 20,
    cells: 1 << 25,
    area: 1_048_576 * 64,
    shared_strings: 1 << 25,
    cell_chars: 32_767,
    sheets: 1_000,
};

impl Limits {
    /// Every limit in words, with its value, as the guide's table lists them
    /// (docs/inputs/workbooks.md; a test keeps the two equal).
    pub fn described(&self) -> Vec<(&'static str, String)> {
        let bytes = |n: u64| match n {
            n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
            n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
            n => format!("{n} bytes"),
        };
        vec![
            ("the workbook file", bytes(self.file_bytes)),
            ("entries of a zipped workbook", self.zip_entries.to_string()),
            ("one XML part, inflated", bytes(self.part_bytes)),
            (
                "every part of one workbook, inflated",
                bytes(self.total_bytes),
            ),
            (
                "a part up to this size may inflate at any ratio",
                bytes(self.ratio_floor),
            ),
            (
                "inflated ÷ compressed size of a larger part",
                format!("{}×", self.ratio),
            ),
            (
                "a run of a part without `<` or `>` (the longest text or tag)",
                bytes(self.markup_run as u64),
            ),
            (
                "a part larger than this is counted before anything is kept",
                bytes(self.count_first),
            ),
            ("non-empty cells of the sheet read", self.cells.to_string()),
            (
                "rows × columns the sheet's cells span",
                self.area.to_string(),
            ),
            (
                "strings of a shared-strings table",
                self.shared_strings.to_string(),
            ),
            (
                "characters of one cell (Excel's own limit)",
                self.cell_chars.to_string(),
            ),
            ("sheets of a workbook", self.sheets.to_string()),
            (
                "cells an `.xls` makes calamine hold (every sheet, `DIMENSIONS` included)",
                super::xls::XLS_CELLS.to_string(),
            ),
        ]
    }
}

impl Default for Limits {
    fn default() -> Limits {
        LIMITS
    }
}

/// A limit a workbook broke: what was found, and the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} (limit: {limit})")]
pub struct Limit {
    /// What the file holds or declares.
    pub what: String,
    /// The limit, in words.
    pub limit: String,
}

impl Limit {
    /// A broken limit.
    pub fn new(what: impl Into<String>, limit: impl Into<String>) -> Limit {
        Limit {
            what: what.into(),
            limit: limit.into(),
        }
    }
}

/// Counts and the span of the non-empty cells of a sheet, held to the limits as they
/// grow.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// Non-empty cells.
    pub cells: u64,
    /// (first row, first column, last row, last column), 0-based.
    pub bounds: Option<(u32, u32, u32, u32)>,
    limits: Limits,
}

impl Span {
    /// No cells yet, held to `limits`.
    pub fn new(limits: &Limits) -> Span {
        Span {
            cells: 0,
            bounds: None,
            limits: *limits,
        }
    }

    /// Counts one more non-empty cell.
    pub fn add(&mut self, row: u32, col: u32) -> Result<(), Limit> {
        self.cells += 1;
        if self.cells > self.limits.cells {
            return Err(Limit::new(
                format!(
                    "the sheet has more than {} non-empty cells",
                    self.limits.cells
                ),
                format!("{} cells", self.limits.cells),
            ));
        }
        self.bounds = Some(match self.bounds {
            None => (row, col, row, col),
            Some((r0, c0, r1, c1)) => (r0.min(row), c0.min(col), r1.max(row), c1.max(col)),
        });
        Ok(())
    }

    /// Checks the rows × columns the cells span.
    pub fn check_area(&self) -> Result<(), Limit> {
        let Some((r0, c0, r1, c1)) = self.bounds else {
            return Ok(());
        };
        let rows = u64::from(r1 - r0) + 1;
        let cols = u64::from(c1 - c0) + 1;
        if rows * cols > self.limits.area {
            return Err(Limit::new(
                format!(
                    "its cells span {rows} rows × {cols} columns ({} cells, from {} to {}); is there a stray value far from the table?",
                    rows * cols,
                    super::address(r0, c0),
                    super::address(r1, c1)
                ),
                format!("{} cells of rows × columns", self.limits.area),
            ));
        }
        Ok(())
    }
}

/// Checks one cell's text against Excel's limit; `at` names the cell.
pub fn check_text(lim: &Limits, text: &str, at: impl FnOnce() -> String) -> Result<(), Limit> {
    // Bytes bound characters from above: only long texts are counted.
    if text.len() > lim.cell_chars && text.chars().count() > lim.cell_chars {
        return Err(Limit::new(
            format!("{} holds {} characters", at(), text.chars().count()),
            format!("{} characters in a cell, as in Excel", lim.cell_chars),
        ));
    }
    Ok(())
}
