//! The output formats: one [`Exporter`] per format over the same [`Report`] (as
//! hyperfine does), each in its own file with the settings only it reads, and the list
//! of formats in one place ([`FORMATS`]). Adding a format is one new file here and one
//! line in that list; `--format`, `--out`'s extensions and `--help` follow from it.
//!
//! Exporters write to any [`Write`] (stdout, or the temp file `crate::atomic` renames
//! into place); JSON streams row by row. Parquet may also produce side files (the
//! ranking's per-criterion table), returned for the output layer to write with the
//! main file, all or nothing.

pub mod csv;
pub mod figures;
pub mod html;
pub mod json;
pub mod md;
mod model;
pub mod parquet;
pub mod table;
pub mod xlsx;

pub use model::{json_number, Appears, Column, Kind, Report, Rows, Settings, Table, Value};
use std::io::Write;

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

/// How an exporter lays a report out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The terminal's width, for the table format (`None`: no limit).
    pub width: Option<usize>,
    /// Every column in the table format, whatever the width.
    pub wide: bool,
}

/// One output format.
pub trait Exporter: Sync {
    /// Its name on the command line (`--format NAME`).
    fn name(&self) -> &'static str;
    /// What `--help` says of it.
    fn help(&self) -> &'static str;
    /// The extensions of `--out` that mean it (lower case, without the dot).
    fn extensions(&self) -> &'static [&'static str];
    /// Whether its output is binary (never printed on a terminal).
    fn binary(&self) -> bool {
        false
    }
    /// Whether it nests (JSON): exact figures and detail as objects.
    fn nested(&self) -> bool {
        false
    }
    /// Whether people read it (labels in their language, fitted layouts).
    fn for_people(&self) -> bool {
        false
    }
    /// Writes `report` to `out`; returns side files to write beside it.
    fn export(
        &self,
        report: &Report,
        opts: &Options,
        out: &mut dyn Write,
    ) -> Result<Vec<Side>, ExportError>;
}

/// An output format: one of [`FORMATS`].
#[derive(Clone, Copy)]
pub struct Format(&'static dyn Exporter);

/// Every format, in the order `--help` lists them: the one list.
pub static FORMATS: &[Format] = &[
    Format(&table::Terminal),
    Format(&csv::Csv),
    Format(&json::Json),
    Format(&md::Markdown),
    Format(&xlsx::Xlsx),
    Format(&parquet::Parquet),
    Format(&html::Html),
];

impl Format {
    /// The terminal table.
    pub const TABLE: Format = Format(&table::Terminal);
    /// CSV.
    pub const CSV: Format = Format(&csv::Csv);
    /// JSON.
    pub const JSON: Format = Format(&json::Json);
    /// The HTML report.
    pub const HTML: Format = Format(&html::Html);

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Its exporter.
    pub fn exporter(self) -> &'static dyn Exporter {
        self.0
    }

    /// The format a name on the command line stands for.
    pub fn named(name: &str) -> Option<Format> {
        FORMATS.iter().copied().find(|f| f.name() == name)
    }

    /// The format a file name implies.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        FORMATS
            .iter()
            .copied()
            .find(|f| f.0.extensions().contains(&ext.as_str()))
    }

    /// Whether the output is binary (never printed on a terminal).
    pub fn binary(self) -> bool {
        self.0.binary()
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Format {}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        FORMATS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()).help(self.0.help()))
    }
}

/// The file beside `main` that holds a side table (`out.parquet` → `out.criteria.parquet`).
pub fn side_path(main: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let stem = main
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let ext = main
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "parquet".into());
    main.with_file_name(format!("{stem}.{suffix}.{ext}"))
}

/// Writes `report` as `format` to `out`; returns side files to write beside it.
pub fn export(
    report: &Report,
    format: Format,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<Vec<Side>, ExportError> {
    format.0.export(report, opts, out)
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
