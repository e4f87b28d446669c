//! Readers for the tabular files an inspection produces (PRODUCT.md, "Inputs").
//!
//! Every reader goes through [`Table`]: the whole file is checked to be UTF-8 (naming
//! the line when it is not), a BOM is dropped, the separator is detected (a
//! Vietnamese-locale Excel export uses `;` and a decimal comma), quoting is checked
//! (an unclosed quote is an error naming the line it opens on, never a swallowed rest
//! of the file), the header is checked for required and duplicated columns, and each
//! row keeps its place ([`Place`]) so every later finding can say where it came from.
//! Ids and names are NFC-normalised so Vietnamese text typed on different systems
//! compares equal.

pub mod checklist;
pub mod columns;
pub mod lineage;
pub mod units;
pub mod workbook;

use std::path::Path;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// Trims and NFC-normalises an id or a name.
pub fn normalize(s: &str) -> String {
    let t = s.trim();
    if t.is_ascii() {
        t.to_string()
    } else {
        t.nfc().collect()
    }
}

/// The 1-based line of a byte offset.
pub fn line_of_offset(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count() + 1
}

/// A problem that stops a file from being read at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read: {reason}")]
    Io {
        /// The file.
        file: String,
        /// The OS error (shown in the message, so not a `source` a chain would repeat).
        reason: std::io::Error,
    },
    /// Bytes that are not UTF-8.
    #[error("{file}:{line}: the file is not valid UTF-8 (re-save it as \"CSV UTF-8\")")]
    NotUtf8 {
        /// The file.
        file: String,
        /// The first line with a bad byte.
        line: usize,
    },
    /// No header row.
    #[error("{file}: the file is empty (expected a header row with {expected})")]
    Empty {
        /// The file.
        file: String,
        /// The required columns.
        expected: String,
    },
    /// A required column is missing.
    #[error("{file}: missing required column `{column}` (found: {found})")]
    MissingColumn {
        /// The file (and line or sheet of the header).
        file: String,
        /// The missing column.
        column: String,
        /// The columns that are there.
        found: String,
    },
    /// The same column twice.
    #[error("{file}: column `{column}` appears twice in the header")]
    DuplicateColumn {
        /// The file (and line or sheet of the header).
        file: String,
        /// The column.
        column: String,
    },
    /// Two headers that stand for the same column.
    #[error("{file}: columns `{first}` and `{second}` both stand for `{column}`; keep one, or map one to another name in [columns] of cchc.toml")]
    ColumnConflict {
        /// The file (and line or sheet of the header).
        file: String,
        /// cchc's column.
        column: String,
        /// The first header.
        first: String,
        /// The second header.
        second: String,
    },
    /// A workbook refused: a limit it breaks (see `workbook::limits`), or a structure
    /// that cannot be read.
    #[error("{file}: {message}")]
    Workbook {
        /// The file (and sheet).
        file: String,
        /// What is wrong, or the limit.
        message: String,
    },
    /// A row with the wrong number of fields, or broken quoting.
    #[error("{file}:{line}: {message}")]
    Malformed {
        /// The file.
        file: String,
        /// The line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Where a value sits in an input: a line of a CSV file, or a cell of a workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file as the user named it.
    pub file: Arc<str>,
    /// The 1-based line (CSV) or row (workbook).
    pub line: usize,
    /// In a workbook: the sheet.
    pub sheet: Option<Arc<str>>,
    /// In a workbook: the cell (`E12`), when the place is one value.
    pub cell: Option<String>,
}

impl Place {
    /// As a finding's location.
    pub fn location(&self) -> crate::diag::Location {
        crate::diag::Location {
            file: self.file.to_string(),
            line: Some(self.line),
            sheet: self.sheet.as_deref().map(str::to_string),
            cell: self.cell.clone(),
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.location().fmt(f)
    }
}

/// The letters of a 0-based column (`0` → `A`, `27` → `AB`).
pub fn column_letters(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// One data row: its line and its fields (trimmed), held in one string (a big
/// checklist has millions of fields: one allocation per row, not one per field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line in the file (row in a workbook).
    pub line: usize,
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Row {
    /// A row from its fields (trimmed here).
    pub fn new<'a>(line: usize, fields: impl IntoIterator<Item = &'a str>) -> Row {
        let mut text = String::new();
        let mut ends = Vec::new();
        for f in fields {
            text.push_str(f.trim());
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Row {
            line,
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no fields.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The fields in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| &self[i])
    }
}

impl std::ops::Index<usize> for Row {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }
}

/// A tabular file read whole, with its header checked.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file as the user named it.
    pub file: Arc<str>,
    /// In a workbook: the sheet read.
    pub sheet: Option<Arc<str>>,
    /// Column names (trimmed).
    pub headers: Vec<String>,
    /// In a workbook: the 0-based sheet column of each header (for cell addresses).
    pub source_columns: Vec<usize>,
    /// Data rows.
    pub rows: Vec<Row>,
    /// Whether decimals use a comma (detected from a `;` separator).
    pub decimal_comma: bool,
}

impl Table {
    /// Reads `path` (shown as `file` in messages), requiring `required` columns, with
    /// the headers taken as written.
    pub fn read(path: &Path, file: &str, required: &[&str]) -> Result<Table, InputError> {
        Table::read_as(path, None, file, required, &columns::Aliases::default())
    }

    /// Reads a CSV file or a workbook's sheet (`sheet`, else the first), mapping its
    /// headers to canonical names with `aliases`.
    pub fn read_as(
        path: &Path,
        sheet: Option<&str>,
        file: &str,
        required: &[&str],
        aliases: &columns::Aliases,
    ) -> Result<Table, InputError> {
        if workbook::is_workbook(path) {
            return workbook::read(path, file, sheet, required, aliases);
        }
        let bytes = std::fs::read(path).map_err(|reason| InputError::Io {
            file: file.to_string(),
            reason,
        })?;
        Table::parse_as(&bytes, file, required, aliases)
    }

    /// Parses CSV bytes with the headers taken as written (see [`Table::read`]).
    pub fn parse(bytes: &[u8], file: &str, required: &[&str]) -> Result<Table, InputError> {
        Table::parse_as(bytes, file, required, &columns::Aliases::default())
    }

    /// Parses CSV bytes, mapping the headers with `aliases`.
    pub fn parse_as(
        bytes: &[u8],
        file: &str,
        required: &[&str],
        aliases: &columns::Aliases,
    ) -> Result<Table, InputError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let Err(e) = std::str::from_utf8(bytes) {
            return Err(InputError::NotUtf8 {
                file: file.to_string(),
                line: line_of_offset(bytes, e.valid_up_to()),
            });
        }
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(InputError::Empty {
                file: file.to_string(),
                expected: required.join(", "),
            });
        }
        let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let semicolon = first_line.contains(&b';') && !first_line.contains(&b',');
        let sep = if semicolon { b';' } else { b',' };
        if let Some(line) = unclosed_quote(bytes, sep) {
            return Err(InputError::Malformed {
                file: file.to_string(),
                line,
                message: "unclosed quote: the quoted field opened on this line is never closed (a `\"` is missing), so the rest of the file would be read into it".into(),
            });
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let malformed = |e: csv::Error| InputError::Malformed {
            file: file.to_string(),
            line: e.position().map(|p| p.line() as usize).unwrap_or(1),
            message: e.to_string(),
        };
        let mut records = reader.records();
        let header = loop {
            match records.next() {
                None => {
                    return Err(InputError::Empty {
                        file: file.to_string(),
                        expected: required.join(", "),
                    })
                }
                Some(rec) => {
                    let rec = rec.map_err(malformed)?;
                    if !blank(&rec) {
                        break rec;
                    }
                }
            }
        };
        let header_line = header.position().map_or(1, |p| p.line() as usize);
        let mut headers: Vec<String> = header.iter().map(normalize).collect();
        aliases
            .apply(&mut headers)
            .map_err(|(first, second, column)| InputError::ColumnConflict {
                file: format!("{file}:{header_line}"),
                column,
                first,
                second,
            })?;
        let mut table = Table {
            file: Arc::from(file),
            sheet: None,
            source_columns: (0..headers.len()).collect(),
            headers,
            rows: Vec::new(),
            decimal_comma: semicolon,
        };
        table.check_header(required, &format!("{file}:{header_line}"))?;
        table.rows = rows(records, file, table.headers.len())?;
        Ok(table)
    }

    /// Checks the header: no column twice, every required one present. `at` names the
    /// header's place in messages.
    pub fn check_header(&self, required: &[&str], at: &str) -> Result<(), InputError> {
        for (i, h) in self.headers.iter().enumerate() {
            if !h.is_empty() && self.headers[..i].contains(h) {
                return Err(InputError::DuplicateColumn {
                    file: at.to_string(),
                    column: h.clone(),
                });
            }
        }
        for r in required {
            if !self.headers.iter().any(|h| h == r) {
                return Err(InputError::MissingColumn {
                    file: at.to_string(),
                    column: r.to_string(),
                    found: self.headers.join(", "),
                });
            }
        }
        Ok(())
    }

    /// The index of a column, if present.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Where a row (and, given a column, one of its values) sits in the file.
    pub fn place(&self, row: &Row, col: Option<usize>) -> Place {
        let cell = match (&self.sheet, col) {
            (Some(_), Some(c)) => {
                let sc = self.source_columns.get(c).copied().unwrap_or(c);
                Some(format!("{}{}", column_letters(sc), row.line))
            }
            _ => None,
        };
        Place {
            file: self.file.clone(),
            line: row.line,
            sheet: self.sheet.clone(),
            cell,
        }
    }

    /// The place of a row, as a finding's location.
    pub fn at(&self, row: &Row) -> crate::diag::Location {
        self.place(row, None).location()
    }

    /// The place of one value of a row, as a finding's location.
    pub fn at_col(&self, row: &Row, col: usize) -> crate::diag::Location {
        self.place(row, Some(col)).location()
    }

    /// A line (a workbook row) of the file, as a finding's location.
    pub fn row_at(&self, line: usize) -> crate::diag::Location {
        crate::diag::Location {
            file: self.file.to_string(),
            line: Some(line),
            sheet: self.sheet.as_deref().map(str::to_string),
            cell: None,
        }
    }

    /// The whole file (no line), as a finding's location.
    pub fn whole(&self) -> crate::diag::Location {
        crate::diag::Location {
            file: self.file.to_string(),
            line: None,
            sheet: self.sheet.as_deref().map(str::to_string),
            cell: None,
        }
    }
}

/// The data rows after the header: blank lines skipped, each row as wide as the header.
fn rows(
    records: csv::StringRecordsIter<&[u8]>,
    file: &str,
    width: usize,
) -> Result<Vec<Row>, InputError> {
    let mut out = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| InputError::Malformed {
            file: file.to_string(),
            line: e.position().map(|p| p.line() as usize).unwrap_or(1),
            message: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if blank(&rec) {
            continue;
        }
        if rec.len() != width {
            return Err(InputError::Malformed {
                file: file.to_string(),
                line,
                message: wrong_width(&rec, line, width),
            });
        }
        out.push(Row::new(line, rec.iter()));
    }
    Ok(out)
}

/// A record that is only an empty line.
fn blank(rec: &csv::StringRecord) -> bool {
    rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim().is_empty())
}

/// Why a record has the wrong number of fields. A field holding a line break was
/// quoted: if the count is off, its quote most likely runs on past where it should end.
fn wrong_width(rec: &csv::StringRecord, line: usize, columns: usize) -> String {
    let mut at = line;
    for f in rec.iter() {
        if f.contains('\n') {
            let spans = f.matches('\n').count();
            return format!(
                "unclosed quote: the quoted field opened on line {at} runs over {spans} line break(s) and leaves this row with {} fields for {columns} columns (is a closing `\"` missing?)",
                rec.len()
            );
        }
        at += f.matches('\n').count();
    }
    format!(
        "this row has {} fields but the header has {columns} columns",
        rec.len()
    )
}

/// The line a quoted field opens on when the file ends inside it (RFC 4180 as the csv
/// reader applies it: a quote opens a field only at its start, `""` inside is one `"`).
fn unclosed_quote(bytes: &[u8], sep: u8) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum S {
        Start,
        Field,
        Quoted(usize),
        QuoteSeen(usize),
    }
    let mut state = S::Start;
    let mut line = 1;
    for &b in bytes {
        state = match (state, b) {
            (S::Start, b'"') => S::Quoted(line),
            (S::Start | S::Field, b) if b == sep || b == b'\n' => S::Start,
            (S::Start | S::Field, _) => S::Field,
            (S::Quoted(l), b'"') => S::QuoteSeen(l),
            (S::Quoted(l), _) => S::Quoted(l),
            (S::QuoteSeen(l), b'"') => S::Quoted(l),
            (S::QuoteSeen(_), b) if b == sep || b == b'\n' => S::Start,
            (S::QuoteSeen(_), _) => S::Field,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    match state {
        S::Quoted(l) => Some(l),
        _ => None,
    }
}

/// Counts of rows per input, so nothing is lost without a trace.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowStats {
    /// The input (`units`, `checklist`).
    pub input: String,
    /// The file.
    pub file: String,
    /// Data rows read.
    pub read: usize,
    /// Rows that went into a score.
    pub used: usize,
    /// Rows set aside, each with a finding.
    pub rejected: usize,
}
