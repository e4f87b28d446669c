//! The only place polars is named: a lazy scan of the log (CSV or Parquet), streamed in
//! batches to a [`Visitor`] that sees plain `&str` fields and a line number.
//!
//! CSV: the header is read here (BOM dropped, `;` or `,` detected, names checked), then
//! polars reads the data rows as text columns with our schema, only the columns the
//! metrics need. Parquet: the needed columns are cast to text, so both formats go
//! through the same checks.

use super::row::Fields;
use super::DossierError;
use polars::prelude::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Every column the metrics read, in [`Fields`] order.
pub const ALL_COLUMNS: &[&str] = &Fields::COLUMNS;

const REQUIRED: &[&str] = &["dossier_id", "unit_id", "received_at", "channel", "status"];

/// Receives the rows of a scan.
pub trait Visitor: Send + 'static {
    /// One row; return true to stop the scan.
    fn row(&mut self, line: u64, fields: &Fields) -> bool;
    /// Called after each batch.
    fn batch_end(&mut self) {}
}

/// An opened log: its format and columns.
#[derive(Debug, Clone)]
pub struct Source {
    path: PathBuf,
    shown: String,
    parquet: bool,
    /// `;` for a Vietnamese-locale Excel export, else `,`.
    pub separator: u8,
    /// Column names in file order.
    columns: Vec<String>,
}

impl Source {
    /// "line" for CSV (header on line 1), "row" for Parquet.
    pub fn line_word(&self) -> &'static str {
        if self.parquet {
            "rows"
        } else {
            "lines"
        }
    }
}

fn read_err(shown: &str, message: impl std::fmt::Display) -> DossierError {
    DossierError::Read {
        file: shown.to_string(),
        message: message.to_string(),
    }
}

/// Opens a log and checks its columns.
pub fn open(path: &Path, shown: &str) -> Result<Source, DossierError> {
    let parquet = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let file =
        std::fs::File::open(path).map_err(|e| read_err(shown, format!("cannot read: {e}")))?;
    // polars refuses `..` in a path (`../shared/dossiers.csv` in a manifest): hand it the
    // resolved path. The file opened above, so it resolves.
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let path = resolved.as_path();
    let (columns, separator) = if parquet {
        let mut lf = LazyFrame::scan_parquet(
            PlRefPath::new(path.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )
        .map_err(|e| read_err(shown, format!("not a readable Parquet file: {e}")))?;
        let schema = lf
            .collect_schema()
            .map_err(|e| read_err(shown, format!("not a readable Parquet file: {e}")))?;
        (schema.iter_names().map(|n| n.to_string()).collect(), b',')
    } else {
        let mut header = Vec::new();
        BufReader::new(file)
            .read_until(b'\n', &mut header)
            .map_err(|e| read_err(shown, format!("cannot read: {e}")))?;
        let header = header.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&header);
        let header = std::str::from_utf8(header)
            .map_err(|_| {
                read_err(
                    shown,
                    "line 1 is not valid UTF-8 (re-save the file as \"CSV UTF-8\")",
                )
            })?
            .trim_end_matches(['\r', '\n']);
        if header.trim().is_empty() {
            return Err(read_err(
                shown,
                format!(
                    "the file is empty (expected a header with {})",
                    REQUIRED.join(", ")
                ),
            ));
        }
        let sep = if header.contains(';') && !header.contains(',') {
            b';'
        } else {
            b','
        };
        let names: Vec<String> = header
            .split(sep as char)
            .map(|n| crate::input::normalize(n.trim().trim_matches('"')))
            .collect();
        (names, sep)
    };
    for (i, c) in columns.iter().enumerate() {
        if !c.is_empty() && columns[..i].contains(c) {
            return Err(read_err(
                shown,
                format!("column `{c}` appears twice in the header"),
            ));
        }
    }
    for r in REQUIRED {
        if !columns.iter().any(|c| c == r) {
            return Err(read_err(
                shown,
                format!(
                    "missing required column `{r}` (found: {})",
                    columns.join(", ")
                ),
            ));
        }
    }
    Ok(Source {
        path: path.to_path_buf(),
        shown: shown.to_string(),
        parquet,
        separator,
        columns,
    })
}

fn lazy(src: &Source, wanted: &[&str]) -> PolarsResult<(LazyFrame, Vec<String>)> {
    let present: Vec<String> = wanted
        .iter()
        .filter(|w| src.columns.iter().any(|c| c == *w))
        .map(|w| w.to_string())
        .collect();
    let path = PlRefPath::new(src.path.to_string_lossy().as_ref());
    let lf = if src.parquet {
        LazyFrame::scan_parquet(path, ScanArgsParquet::default())?
    } else {
        let schema: Schema = src
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let name = if c.is_empty() {
                    format!("__cchc_unnamed_{i}")
                } else {
                    c.clone()
                };
                Field::new(name.into(), DataType::String)
            })
            .collect();
        LazyCsvReader::new(path)
            .with_has_header(false)
            .with_skip_rows(1)
            .with_separator(src.separator)
            .with_schema(Some(Arc::new(schema)))
            .with_raise_if_empty(false)
            .finish()?
    };
    let exprs: Vec<Expr> = present
        .iter()
        .map(|c| col(c.as_str()).cast(DataType::String))
        .collect();
    Ok((lf.select(exprs), present))
}

/// Streams the wanted columns of the log through `visitor`; returns it when done.
pub fn scan<V: Visitor>(src: &Source, wanted: &[&str], visitor: V) -> Result<V, DossierError> {
    let err = |e: PolarsError| read_err(&src.shown, e);
    let (lf, present) = lazy(src, wanted).map_err(err)?;
    // Batches arrive in file order (maintain_order), so a running count gives each row
    // its line: the header is line 1 of a CSV; a Parquet file's rows count from 1.
    let first = if src.parquet { 1 } else { 2 };
    let state = Arc::new(Mutex::new(Some((visitor, first))));
    let shared = state.clone();
    let index: Vec<Option<usize>> = ALL_COLUMNS
        .iter()
        .map(|c| present.iter().position(|p| p == c))
        .collect();
    let callback = PlanCallback::new(move |df: DataFrame| -> PolarsResult<bool> {
        let mut guard = shared
            .lock()
            .map_err(|_| polars_err!(ComputeError: "a previous batch failed"))?;
        let (v, line) = guard.as_mut().expect("visitor present until the scan ends");
        let cols: Vec<&StringChunked> = present
            .iter()
            .map(|c| df.column(c.as_str()).and_then(|s| s.str()))
            .collect::<PolarsResult<_>>()?;
        // One contiguous array per column, indexed directly (no per-value iterator).
        let owned: Vec<_> = cols.iter().map(|c| c.rechunk()).collect();
        let arrays: Vec<_> = owned
            .iter()
            .filter_map(|c| c.downcast_iter().next())
            .collect();
        let height = if arrays.len() == owned.len() {
            df.height()
        } else {
            0
        };
        let mut stop = false;
        for row in 0..height {
            let mut values = [""; Fields::COLUMNS.len()];
            for (slot, idx) in values.iter_mut().zip(&index) {
                if let Some(i) = idx {
                    *slot = super::row::trim(arrays[*i].get(row).unwrap_or(""));
                }
            }
            let f = Fields::from_values(values);
            let this = *line;
            *line += 1;
            if values.iter().all(|v| v.is_empty()) {
                continue; // a blank line is not a dossier
            }
            if v.row(this, &f) {
                stop = true;
                break;
            }
        }
        v.batch_end();
        Ok(stop)
    });
    if let Err(e) = lf
        .sink_batches(callback, true, None)
        .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
    {
        // polars names neither the line nor the problem in words an inspector can use;
        // find them with a plain scan (only on this failure path).
        return Err(diagnose(src).unwrap_or_else(|| err(e)));
    }
    let mut guard = state
        .lock()
        .map_err(|_| read_err(&src.shown, "the scan failed"))?;
    Ok(guard.take().expect("visitor returned once").0)
}

/// The first line of a CSV log that cannot be read: bytes that are not UTF-8, broken
/// quoting, or more fields than the header. None if the scan finds nothing.
fn diagnose(src: &Source) -> Option<DossierError> {
    if src.parquet {
        return None;
    }
    let file = std::fs::File::open(&src.path).ok()?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(src.separator)
        .has_headers(true)
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let expected = src.columns.len();
    let at = |line: u64, message: String| DossierError::Read {
        file: format!("{}:{line}", src.shown),
        message,
    };
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return None,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if record.iter().any(|f| std::str::from_utf8(f).is_err()) {
                    return Some(at(
                        line,
                        "the line is not valid UTF-8 (re-save the file as \"CSV UTF-8\")".into(),
                    ));
                }
                if record.len() > expected {
                    return Some(at(
                        line,
                        format!(
                            "this row has {} fields but the header has {expected} columns",
                            record.len()
                        ),
                    ));
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Some(at(line, e.to_string()));
            }
        }
    }
}
