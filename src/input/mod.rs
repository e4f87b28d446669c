//! Readers for the CSV files an inspection produces (PRODUCT.md, "Inputs").
//!
//! Every reader goes through [`Table`]: the whole file is checked to be UTF-8 (naming
//! the line when it is not), a BOM is dropped, the separator is detected (a
//! Vietnamese-locale Excel export uses `;` and a decimal comma), the header is checked
//! for required and duplicated columns, and each row keeps its 1-based line number so
//! every later finding can say where it came from. Ids and names are NFC-normalised so
//! Vietnamese text typed on different systems compares equal.

pub mod checklist;
pub mod units;

use std::path::Path;
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
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A problem that stops a file from being read at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The OS error.
        source: std::io::Error,
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
    #[error("{file}:1: missing required column `{column}` (found: {found})")]
    MissingColumn {
        /// The file.
        file: String,
        /// The missing column.
        column: String,
        /// The columns that are there.
        found: String,
    },
    /// The same column twice.
    #[error("{file}:1: column `{column}` appears twice in the header")]
    DuplicateColumn {
        /// The file.
        file: String,
        /// The column.
        column: String,
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

/// One data row: its line and its fields (trimmed).
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line in the file.
    pub line: usize,
    /// Fields in header order.
    pub fields: Vec<String>,
}

/// A CSV file read whole, with its header checked.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file as the user named it.
    pub file: String,
    /// Column names (trimmed).
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<Row>,
    /// Whether decimals use a comma (detected from a `;` separator).
    pub decimal_comma: bool,
}

impl Table {
    /// Reads `path` (shown as `file` in messages), requiring `required` columns.
    pub fn read(path: &Path, file: &str, required: &[&str]) -> Result<Table, InputError> {
        let bytes = std::fs::read(path).map_err(|source| InputError::Io {
            file: file.to_string(),
            source,
        })?;
        Table::parse(&bytes, file, required)
    }

    /// Parses CSV bytes (see [`Table::read`]).
    pub fn parse(bytes: &[u8], file: &str, required: &[&str]) -> Result<Table, InputError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let Err(e) = std::str::from_utf8(bytes) {
            return Err(InputError::NotUtf8 {
                file: file.to_string(),
                line: line_of_offset(bytes, e.valid_up_to()),
            });
        }
        let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(InputError::Empty {
                file: file.to_string(),
                expected: required.join(", "),
            });
        }
        let semicolon = first_line.contains(&b';') && !first_line.contains(&b',');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if semicolon { b';' } else { b',' })
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let malformed = |e: csv::Error| InputError::Malformed {
            file: file.to_string(),
            line: e.position().map(|p| p.line() as usize).unwrap_or(1),
            message: e.to_string(),
        };
        let headers: Vec<String> = reader
            .headers()
            .map_err(malformed)?
            .iter()
            .map(normalize)
            .collect();
        for (i, h) in headers.iter().enumerate() {
            if !h.is_empty() && headers[..i].contains(h) {
                return Err(InputError::DuplicateColumn {
                    file: file.to_string(),
                    column: h.clone(),
                });
            }
        }
        for r in required {
            if !headers.iter().any(|h| h == r) {
                return Err(InputError::MissingColumn {
                    file: file.to_string(),
                    column: r.to_string(),
                    found: headers.join(", "),
                });
            }
        }
        let mut rows = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(malformed)?;
            let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
            if rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim().is_empty()) {
                continue; // a blank line
            }
            if rec.len() != headers.len() {
                return Err(InputError::Malformed {
                    file: file.to_string(),
                    line,
                    message: format!(
                        "this row has {} fields but the header has {} columns",
                        rec.len(),
                        headers.len()
                    ),
                });
            }
            rows.push(Row {
                line,
                fields: rec.iter().map(|f| f.trim().to_string()).collect(),
            });
        }
        Ok(Table {
            file: file.to_string(),
            headers,
            rows,
            decimal_comma: semicolon,
        })
    }

    /// The index of a column, if present.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
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
