//! Opening a log and streaming its rows to a [`Visitor`] that sees plain `&str` fields
//! and a line number, whatever the format.
//!
//! CSV: the header is read here (BOM dropped, `;` or `,` detected, names checked), then
//! [`super::csvlog`] splits the data rows on all cores, keeping only the columns the
//! metrics need. Parquet: a lazy polars scan (the only place polars reads) casts the
//! needed columns to text, so both formats go through the same checks.

use super::row::Fields;
use super::DossierError;
use polars::prelude::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Every column the metrics read, in [`Fields`] order.
pub const ALL_COLUMNS: &[&str] = &Fields::COLUMNS;

const REQUIRED: &[&str] = &["dossier_id", "unit_id", "received_at", "channel", "status"];

/// Receives the rows of a scan. A scan may run several copies at once (one per core,
/// each seeing some of the batches, in file order within a copy) and merge them.
pub trait Visitor: Send + 'static {
    /// One row; return true to stop the scan.
    fn row(&mut self, line: u64, fields: &Fields) -> bool;
    /// Called after each batch.
    fn batch_end(&mut self) {}
    /// A fresh copy with the same settings and nothing seen yet.
    fn fork(&self) -> Self
    where
        Self: Sized;
    /// Adds what another copy saw.
    fn merge(&mut self, other: Self)
    where
        Self: Sized;
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
    /// CSV: the byte where the data rows start, after the header line.
    data_start: u64,
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
    let mut data_start = 0;
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
        data_start = header.len() as u64;
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
        data_start,
    })
}

fn lazy(src: &Source, wanted: &[&str]) -> PolarsResult<(LazyFrame, Vec<String>)> {
    let present: Vec<String> = wanted
        .iter()
        .filter(|w| src.columns.iter().any(|c| c == *w))
        .map(|w| w.to_string())
        .collect();
    let path = PlRefPath::new(src.path.to_string_lossy().as_ref());
    let lf = LazyFrame::scan_parquet(path, ScanArgsParquet::default())?;
    let exprs: Vec<Expr> = present
        .iter()
        .map(|c| col(c.as_str()).cast(DataType::String))
        .collect();
    Ok((lf.select(exprs), present))
}

/// Streams the wanted columns of the log through `visitor`; returns it when done.
pub fn scan<V: Visitor>(src: &Source, wanted: &[&str], visitor: V) -> Result<V, DossierError> {
    if src.parquet {
        return scan_parquet(src, wanted, visitor);
    }
    let layout = super::csvlog::Layout {
        path: &src.path,
        shown: &src.shown,
        separator: src.separator,
        data_start: src.data_start,
        slots: src
            .columns
            .iter()
            .map(|c| {
                ALL_COLUMNS
                    .iter()
                    .position(|a| a == c)
                    .filter(|_| wanted.contains(&c.as_str()))
            })
            .collect(),
    };
    super::csvlog::scan(&layout, visitor)
}

/// The Parquet scan: polars' streaming engine, batches in file order to one visitor.
fn scan_parquet<V: Visitor>(src: &Source, wanted: &[&str], visitor: V) -> Result<V, DossierError> {
    let err = |e: PolarsError| read_err(&src.shown, e);
    let (lf, present) = lazy(src, wanted).map_err(err)?;
    // Batches arrive in file order (maintain_order), so a running count gives each row
    // its number, from 1.
    let first = 1;
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
        return Err(err(e));
    }
    let mut guard = state
        .lock()
        .map_err(|_| read_err(&src.shown, "the scan failed"))?;
    Ok(guard.take().expect("visitor returned once").0)
}
