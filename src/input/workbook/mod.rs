//! Workbooks as inputs: `.xlsx`, `.xlsm`, `.xls` and `.ods`, read into the same
//! [`Table`] as a CSV file, so every reader on top works unchanged.
//!
//! Workbooks come from other hands, so each is opened within [`limits::LIMITS`]
//! (inflated size, cells, the rows × columns they span, shared strings, one cell's
//! length), checked before memory is taken: `.xlsx` and `.ods` are read by cchc's own
//! streaming readers ([`xlsx`], [`ods`]), which keep only non-empty cells; `.xls` goes
//! to calamine after a check of its structure ([`xls`]). A file past a limit is
//! refused with its name and the limit.
//!
//! `file.xlsx#Sheet name` picks a sheet, else the first *visible* sheet is read. The
//! header is the first row that holds the required columns (title rows and blank rows
//! above it are skipped). A number cell becomes the decimal Excel displays for it (at
//! most 15 significant digits, so 0.1 is 0.1 and never 0.1000000000000000055…), a date
//! cell a date (`2025-03-05`, with ` HH:MM[:SS]` when it has a time), an error what
//! Excel shows (`#DIV/0!`), an empty cell an empty field — and a formula whose result
//! was never saved is not empty but unknown: the file is refused naming its cells.
//! Every row keeps its sheet row, and every finding about a value names its cell
//! (`cham-diem.xlsx[Tổng hợp]!E12`).

pub mod limits;
mod ods;
mod xls;
mod xlsx;
mod xml;

use super::columns::Aliases;
use super::{column_letters, InputError, Row, Table};
use calamine::Data;
use std::path::Path;
use std::sync::Arc;

pub use xlsx::format_kind;

/// Whether a path names a workbook (by its extension).
pub fn is_workbook(path: &Path) -> bool {
    extension(path).is_some_and(|e| matches!(e.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods"))
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Splits `file.xlsx#Sheet name` into the file and the sheet, at the first `#` that
/// follows a workbook's extension (so `Tổng hợp #2` is a sheet name, and a CSV file
/// whose name holds `#` is left alone).
pub fn split_sheet(spec: &str) -> (&str, Option<&str>) {
    for (i, _) in spec.match_indices('#') {
        let (file, sheet) = (&spec[..i], &spec[i + 1..]);
        if is_workbook(Path::new(file)) && !sheet.is_empty() {
            return (file, Some(sheet));
        }
    }
    (spec, None)
}

/// A cell's address (`E12`) from its 0-based row and column.
pub fn address(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col as usize), u64::from(row) + 1)
}

/// Why a workbook could not be read: a limit it breaks, or its structure.
#[derive(Debug)]
pub enum Failure {
    /// A limit (see [`limits::LIMITS`]).
    Limit(limits::Limit),
    /// What is wrong with the file.
    Bad(String),
}

impl Failure {
    fn into_error(self, shown: &str) -> InputError {
        InputError::Workbook {
            file: shown.to_string(),
            message: match self {
                Failure::Limit(l) => format!("refused: {l}"),
                Failure::Bad(m) => m,
            },
        }
    }
}

/// A sheet of a workbook: its name and whether Excel shows its tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    /// The sheet's name.
    pub name: String,
    /// False for a hidden (or very hidden) sheet.
    pub visible: bool,
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A value, as the file stores it.
    Data(Data),
    /// A formula whose result was never saved (the file was written by a program that
    /// does not calculate): not empty, unknown.
    Uncomputed,
}

impl Value {
    /// The text cchc reads for the cell (empty for an unknown one).
    pub fn text(&self) -> String {
        match self {
            Value::Data(d) => cell_text(d),
            Value::Uncomputed => String::new(),
        }
    }
}

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetCell {
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u32,
    /// Its value.
    pub value: Value,
}

/// A sheet's non-empty cells, in row order (never a rectangle of empty ones), and its
/// merged ranges.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    cells: Vec<SheetCell>,
    /// Merged ranges: (first row, first column, last row, last column), 0-based.
    pub merged: Vec<(u32, u32, u32, u32)>,
}

impl Sheet {
    /// A sheet of cells in any order (a cell written twice keeps its last value).
    pub fn new(name: &str, mut cells: Vec<SheetCell>, merged: Vec<(u32, u32, u32, u32)>) -> Sheet {
        cells.sort_by_key(|c| (c.row, c.col));
        cells.reverse();
        cells.dedup_by_key(|c| (c.row, c.col));
        cells.reverse();
        Sheet {
            name: name.to_string(),
            cells,
            merged,
        }
    }

    /// The value at a cell, if it is not empty.
    pub fn get(&self, row: u32, col: u32) -> Option<&Value> {
        self.cells
            .binary_search_by_key(&(row, col), |c| (c.row, c.col))
            .ok()
            .map(|i| &self.cells[i].value)
    }

    /// The text of a cell (empty when empty or unknown).
    pub fn text(&self, row: u32, col: u32) -> String {
        self.get(row, col).map(Value::text).unwrap_or_default()
    }

    /// The rows that have a non-empty cell: (row, its cells in column order).
    pub fn rows(&self) -> impl Iterator<Item = (u32, &[SheetCell])> {
        self.cells
            .chunk_by(|a, b| a.row == b.row)
            .map(|chunk| (chunk[0].row, chunk))
    }

    /// Every non-empty cell, in row order.
    pub fn cells(&self) -> &[SheetCell] {
        &self.cells
    }
}

enum Inner {
    Xlsx(xlsx::Xlsx),
    Ods(ods::Ods),
    Xls(xls::Xls),
}

/// An opened workbook: its sheets' names, and each sheet read on demand.
pub struct Book {
    shown: String,
    inner: Inner,
    sheets: Vec<SheetInfo>,
}

impl Book {
    /// Opens a workbook (`shown` names it in messages), within [`limits::LIMITS`].
    pub fn open(path: &Path, shown: &str) -> Result<Book, InputError> {
        Book::open_within(path, shown, &limits::LIMITS)
    }

    /// Opens a workbook within other limits (for tests and tools).
    pub fn open_within(path: &Path, shown: &str, lim: &limits::Limits) -> Result<Book, InputError> {
        let io = |reason| InputError::Io {
            file: shown.to_string(),
            reason,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(Failure::Bad("not a regular file".into()).into_error(shown));
        }
        if meta.len() > lim.file_bytes {
            return Err(Failure::Limit(limits::Limit::new(
                format!("the file has {} bytes", meta.len()),
                format!("{} bytes", lim.file_bytes),
            ))
            .into_error(shown));
        }
        let mut head = [0u8; 8];
        {
            use std::io::Read;
            let mut f = std::fs::File::open(path).map_err(io)?;
            let n = f.read(&mut head).map_err(io)?;
            if n < 8 {
                return Err(
                    Failure::Bad("not a readable workbook (too short)".into()).into_error(shown)
                );
            }
        }
        let compound = xls::is_compound(&head);
        let zipped = head.starts_with(b"PK");
        let ext = extension(path).unwrap_or_default();
        let open = || -> Result<Inner, Failure> {
            let file = || std::fs::File::open(path).map_err(|e| Failure::Bad(e.to_string()));
            match ext.as_str() {
                "xlsb" => Err(Failure::Bad(
                    "a binary workbook (.xlsb): save it as .xlsx (Excel Workbook)".into(),
                )),
                "ods" => Ok(Inner::Ods(ods::Ods::open(file()?, lim)?)),
                _ if zipped => Ok(Inner::Xlsx(xlsx::Xlsx::open(file()?, lim)?)),
                "xls" if compound => {
                    let bytes = std::fs::read(path).map_err(|e| Failure::Bad(e.to_string()))?;
                    Ok(Inner::Xls(xls::Xls::open(bytes, lim)?))
                }
                _ if compound => Err(Failure::Bad(
                    "an encrypted (password-protected) workbook, or an .xls saved under another name: save it again as .xlsx without a password".into(),
                )),
                _ => Err(Failure::Bad(format!(
                    "not a readable workbook (neither a zip nor a compound file, as a .{ext} is)"
                ))),
            }
        };
        let inner = open().map_err(|f| f.into_error(shown))?;
        let sheets = match &inner {
            Inner::Xlsx(x) => x.sheets(),
            Inner::Ods(x) => x.sheets(),
            Inner::Xls(x) => x.sheets(),
        };
        Ok(Book {
            shown: shown.to_string(),
            inner,
            sheets,
        })
    }

    /// The sheets, in the workbook's order.
    pub fn sheets(&self) -> &[SheetInfo] {
        &self.sheets
    }

    /// The sheet to read: the one named (exactly, or but for spaces around it), else
    /// the first visible one.
    pub fn pick(&self, wanted: Option<&str>) -> Result<String, InputError> {
        let bad = |m: String| Failure::Bad(m).into_error(&self.shown);
        let names = || {
            self.sheets
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match wanted {
            Some(w) => self
                .sheets
                .iter()
                .find(|s| s.name == w)
                .or_else(|| self.sheets.iter().find(|s| s.name.trim() == w.trim()))
                .map(|s| s.name.clone())
                .ok_or_else(|| bad(format!("no sheet `{w}` (sheets: {})", names()))),
            None => self
                .sheets
                .iter()
                .find(|s| s.visible)
                .map(|s| s.name.clone())
                .ok_or_else(|| {
                    bad(if self.sheets.is_empty() {
                        "the workbook has no sheets".into()
                    } else {
                        format!(
                            "every sheet is hidden (sheets: {}): name one with FILE#SHEET",
                            names()
                        )
                    })
                }),
        }
    }

    /// Reads a sheet's cells, within the limits.
    pub fn read(&mut self, name: &str) -> Result<Sheet, InputError> {
        let r = match &mut self.inner {
            Inner::Xlsx(x) => x.read(name),
            Inner::Ods(x) => x.read(name),
            Inner::Xls(x) => x.read(name),
        };
        r.map_err(|f| f.into_error(&format!("{}[{name}]", self.shown)))
    }
}

/// The text of a cell as cchc reads fields.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => excel_number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if dt.is_duration() {
                excel_number(dt.as_f64())
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A number as Excel shows it in a General cell: at most 15 significant digits, the
/// binary float's tail dropped (0.1 → `0.1`, 0.30000000000000004 → `0.3`).
pub fn excel_number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == 0.0 {
        return "0".to_string();
    }
    // 15 significant digits in scientific form, then written out plainly.
    let sci = format!("{f:.14e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    // The value is 0.d1d2d3… × 10^(exp + 1).
    let point = exp + 1;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat(point.unsigned_abs() as usize));
        out.push_str(digits);
    } else if point as usize >= digits.len() {
        out.push_str(digits);
        out.push_str(&"0".repeat(point as usize - digits.len()));
    } else {
        let (int, frac) = digits.split_at(point as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Reads one sheet of a workbook as a table (`sheet`, else the first visible one).
/// `shown` names the file in messages.
pub fn read(
    path: &Path,
    shown: &str,
    sheet: Option<&str>,
    required: &[&str],
    aliases: &Aliases,
) -> Result<Table, InputError> {
    let mut book = Book::open(path, shown)?;
    let name = book.pick(sheet)?;
    let s = book.read(&name)?;
    table_of(&s, shown, required, aliases)
}

/// The texts of a row's cells by column (normalised), for finding the header.
fn row_names(cells: &[SheetCell]) -> Vec<String> {
    cells
        .iter()
        .map(|c| super::normalize(&c.value.text()))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether a row holds every required column (or two columns that would map to one
/// name: the header is there, and refused by the caller).
fn is_header(cells: &[SheetCell], required: &[&str], aliases: &Aliases) -> bool {
    let mut names = row_names(cells);
    aliases.apply(&mut names).is_err() || required.iter().all(|r| names.iter().any(|n| n == r))
}

/// A sheet as a table: the header is the first row holding every required column;
/// only the header's non-empty columns are read; a cell merged down below the header
/// stands for every row it covers; a formula without a saved result in a column read
/// refuses the file, naming its cells.
pub fn table_of(
    sheet: &Sheet,
    shown: &str,
    required: &[&str],
    aliases: &Aliases,
) -> Result<Table, InputError> {
    let at = format!("{shown}[{}]", sheet.name);
    let Some((h, header)) = sheet
        .rows()
        .find(|(_, cells)| is_header(cells, required, aliases))
    else {
        let first = sheet
            .rows()
            .map(|(_, cells)| row_names(cells))
            .find(|names| !names.is_empty())
            .unwrap_or_default()
            .join(", ");
        return Err(InputError::MissingColumn {
            file: at,
            column: required.join(", "),
            found: format!("no row holds them; the first row reads: {first}"),
        });
    };
    let named: Vec<(u32, String)> = header
        .iter()
        .map(|c| (c.col, super::normalize(&c.value.text())))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let kept: Vec<u32> = named.iter().map(|(c, _)| *c).collect();
    let mut headers: Vec<String> = named.into_iter().map(|(_, t)| t).collect();
    let header_row = h as usize + 1;
    aliases
        .apply(&mut headers)
        .map_err(|(first, second, column)| InputError::ColumnConflict {
            file: format!("{at}:{header_row}"),
            column,
            first,
            second,
        })?;
    let mut table = Table {
        file: Arc::from(shown),
        sheet: Some(Arc::from(sheet.name.as_str())),
        source_columns: kept.iter().map(|&c| c as usize).collect(),
        headers,
        rows: Vec::new(),
        decimal_comma: false,
    };
    table.check_header(required, &format!("{at}:{header_row}"))?;
    let unknown = data_rows(sheet, h, &kept, &mut table.rows);
    if !unknown.is_empty() {
        return Err(InputError::Workbook {
            file: at,
            message: uncomputed(&unknown),
        });
    }
    Ok(table)
}

/// The rows below the header `h`, the `kept` columns of each (a row with nothing in
/// them is left out); returns the cells whose formula result is unknown.
fn data_rows(sheet: &Sheet, h: u32, kept: &[u32], out: &mut Vec<Row>) -> Vec<String> {
    let down = MergedDown::of(sheet, h);
    let mut unknown = Vec::new();
    for (r, cells) in sheet.rows().filter(|(r, _)| *r > h) {
        let mut fields: Vec<String> = Vec::with_capacity(kept.len());
        let mut i = 0;
        for &c in kept {
            while i < cells.len() && cells[i].col < c {
                i += 1;
            }
            // A cell under a merged one shows the merged cell's value, whatever the
            // file still holds for it.
            let own = cells.get(i).filter(|x| x.col == c).map(|x| &x.value);
            let text = match (down.text(r, c), own) {
                (Some(t), _) => t,
                (None, Some(Value::Uncomputed)) => {
                    unknown.push(address(r, c));
                    String::new()
                }
                (None, Some(v)) => v.text(),
                (None, None) => String::new(),
            };
            fields.push(text);
        }
        let row = Row::new(r as usize + 1, fields.iter().map(String::as_str));
        if !row.fields().all(str::is_empty) {
            out.push(row);
        }
    }
    unknown
}

/// Cells merged down below the header: a merged cell holds its value in its first row
/// only, and stands for every row it covers. Per column, the ranges by first row.
struct MergedDown(std::collections::BTreeMap<u32, Vec<(u32, u32, String)>>);

impl MergedDown {
    fn of(sheet: &Sheet, header: u32) -> MergedDown {
        let mut by_col: std::collections::BTreeMap<u32, Vec<(u32, u32, String)>> =
            std::collections::BTreeMap::new();
        for &(r0, c0, r1, _) in &sheet.merged {
            if r0 > header && r1 > r0 {
                by_col
                    .entry(c0)
                    .or_default()
                    .push((r0, r1, sheet.text(r0, c0)));
            }
        }
        for v in by_col.values_mut() {
            v.sort_by_key(|(r0, ..)| *r0);
        }
        MergedDown(by_col)
    }

    /// The value a merged range above carries into (row, col), if any.
    fn text(&self, row: u32, col: u32) -> Option<String> {
        let v = self.0.get(&col)?;
        let i = v.partition_point(|(r0, ..)| *r0 < row);
        let (_, r1, t) = v.get(i.checked_sub(1)?)?;
        (row <= *r1).then(|| t.clone())
    }
}

/// The message for cells holding a formula whose result was not saved.
pub fn uncomputed(cells: &[String]) -> String {
    let shown: Vec<&str> = cells.iter().take(10).map(String::as_str).collect();
    let more = if cells.len() > 10 {
        format!(" and {} more", cells.len() - 10)
    } else {
        String::new()
    };
    format!(
        "{} cell(s) hold a formula whose result was never saved ({}{more}): their values are unknown, not empty; open the file in Excel or LibreOffice and save it (results are saved then), or type the values",
        cells.len(),
        shown.join(", ")
    )
}
