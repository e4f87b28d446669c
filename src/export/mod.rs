//! One exporter per output format, each over the same [`Report`] (as hyperfine does):
//! `table`, `csv`, `json`, `md`, `xlsx`, `parquet`, `html`. Adding a format is one new
//! file here and one line in [`Format`].
//!
//! Exporters write to any [`Write`] (stdout, or the temp file `crate::output` renames
//! into place); JSON streams row by row. Parquet may also produce side files (the
//! ranking's per-criterion table), returned for the output layer to write with the
//! main file, all or nothing.

pub mod csv;
pub mod html;
pub mod json;
pub mod md;
pub mod parquet;
pub mod table;
pub mod xlsx;

use crate::report::{Formats, Report};
use std::io::Write;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned table for the terminal.
    Table,
    /// Comma-separated, the data table.
    Csv,
    /// Everything, for scripts.
    Json,
    /// GitHub-flavoured Markdown that pastes into a report.
    Md,
    /// An Excel workbook, typed cells.
    Xlsx,
    /// Parquet for DuckDB and polars.
    Parquet,
    /// A self-contained HTML report.
    Html,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 7] = [
        Format::Table,
        Format::Csv,
        Format::Json,
        Format::Md,
        Format::Xlsx,
        Format::Parquet,
        Format::Html,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Md => "md",
            Format::Xlsx => "xlsx",
            Format::Parquet => "parquet",
            Format::Html => "html",
        }
    }

    /// The format a file name implies.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "md" => Some(Format::Md),
            "txt" => Some(Format::Table),
            "xlsx" => Some(Format::Xlsx),
            "parquet" => Some(Format::Parquet),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// The report set this format reads.
    pub fn formats(self) -> Formats {
        match self {
            Format::Table => Formats::TABLE,
            Format::Csv => Formats::CSV,
            Format::Json => Formats::JSON,
            Format::Md => Formats::MD,
            Format::Xlsx => Formats::XLSX,
            Format::Parquet => Formats::PARQUET,
            Format::Html => Formats::HTML,
        }
    }

    /// Whether the output is binary (never printed on a terminal).
    pub fn binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Parquet)
    }
}

/// How an exporter lays a report out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The terminal's width, for the table format (`None`: no limit).
    pub width: Option<usize>,
    /// Every column in the table format, whatever the width.
    pub wide: bool,
}

/// Why a report could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing failed.
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    /// The workbook could not be built.
    #[error("cannot build the xlsx workbook: {0}")]
    Xlsx(String),
    /// The Parquet file could not be built.
    #[error("cannot build the Parquet file: {0}")]
    Parquet(String),
}

/// A side file: its suffix (`criteria` → `FILE.criteria.parquet`) and bytes.
pub type Side = (String, Vec<u8>);

/// Writes `report` as `format` to `out`; returns side files to write beside it.
pub fn export(
    report: &Report,
    format: Format,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<Vec<Side>, ExportError> {
    match format {
        Format::Table => table::export(report, opts, out)?,
        Format::Csv => csv::export(report, out)?,
        Format::Json => json::export(report, out)?,
        Format::Md => md::export(report, out)?,
        Format::Html => html::export(report, out)?,
        Format::Xlsx => out.write_all(&xlsx::export(report)?)?,
        Format::Parquet => {
            let (main, side) = parquet::export(report)?;
            out.write_all(&main)?;
            return Ok(side);
        }
    }
    Ok(Vec::new())
}

/// The label of a column for people (`--lang`), or its stable name for scripts.
pub fn label(report: &Report, name: &str, human: bool) -> String {
    if human {
        report.lang.column(name)
    } else {
        name.to_string()
    }
}

/// A report in a text format, as a string (for tools and tests).
pub fn to_string(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    let _ = export(report, format, &Options::default(), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// A document report (explain, check) as text for a terminal: its lines, each escaped.
pub fn document(report: &Report) -> String {
    let mut out = String::new();
    for l in &report.document {
        out.push_str(&crate::term::escape(l));
        out.push('\n');
    }
    out
}
