//! Opening a log: its format, its columns (checked), and the scan that streams its
//! rows to a [`Visitor`] as plain `&str` fields with a line number, whatever the
//! format. CSV logs go to [`super::csvlog`], Parquet logs to [`super::parquet`]; both
//! run on [`super::pool`].

use super::pool::Visitor;
use super::row::Fields;
use super::{read_err, DossierError};
use crate::input::columns::Aliases;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Every column the metrics read, in [`Fields`] order.
pub const ALL_COLUMNS: &[&str] = &Fields::COLUMNS;

const REQUIRED: &[&str] = &["dossier_id", "unit_id", "received_at", "channel", "status"];

/// How the scan reads: the CSV block size (a test hook: small blocks exercise every
/// cut and merge path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// Bytes per CSV block.
    pub block_size: usize,
    /// MiB of sorted dossier-id hashes held in memory before runs spill to disk.
    pub id_check_mib: usize,
    /// The period's first and last day, when rows that touch neither may be left
    /// unread (typed Parquet; [`super::Options::span`]).
    pub window: Option<(i64, i64)>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            block_size: super::csvlog::BLOCK,
            id_check_mib: super::hashes::DEFAULT_BUDGET_MIB,
            window: None,
        }
    }
}

/// The kind of file a log is.
#[derive(Debug, Clone)]
enum Kind {
    Csv,
    Parquet,
    /// A workbook's sheet, read whole (Excel's row limit keeps it small).
    Workbook(std::sync::Arc<crate::input::Table>),
    /// Parquet files of a folder (hive partitions included) or a glob, read in order
    /// as one log; a row's number carries its file ([`PART_BITS`]).
    Dataset(std::sync::Arc<Vec<Part>>),
}

/// One file of a dataset.
#[derive(Debug, Clone)]
pub struct Part {
    /// The file.
    pub path: PathBuf,
    /// As shown in messages (the dataset's path joined with the file's).
    pub shown: String,
    /// Its columns (mapped).
    pub columns: Vec<String>,
}

use super::PART_BITS;

/// An opened log: its format and columns.
#[derive(Debug, Clone)]
pub struct Source {
    pub(super) path: PathBuf,
    pub(super) shown: String,
    kind: Kind,
    /// `;` for a Vietnamese-locale Excel export, else `,`.
    pub separator: u8,
    /// Column names in file order.
    pub(super) columns: Vec<String>,
    /// CSV: the byte where the data rows start, after the header line.
    data_start: u64,
    /// How to read.
    pub(super) options: ScanOptions,
    /// Dataset files left out by their `year=` partition.
    pruned: usize,
}

impl Source {
    /// "lines" for CSV (header on line 1), "rows" for Parquet.
    pub fn line_word(&self) -> &'static str {
        match self.kind {
            Kind::Csv => "lines",
            Kind::Parquet | Kind::Workbook(_) | Kind::Dataset(_) => "rows",
        }
    }

    /// The file and the row a row number stands for (a dataset's file, else the log).
    pub fn locate(&self, line: u64) -> (String, u64) {
        match &self.kind {
            Kind::Dataset(parts) => {
                let i = (line >> PART_BITS) as usize;
                let shown = parts
                    .get(i)
                    .map_or_else(|| self.shown.clone(), |p| p.shown.clone());
                (shown, line & ((1 << PART_BITS) - 1))
            }
            _ => (self.shown.clone(), line),
        }
    }

    /// A row number in words: `12`, or `year=2025/part-0.parquet row 12` in a dataset.
    pub fn describe(&self, line: u64) -> String {
        match &self.kind {
            Kind::Dataset(parts) => {
                let (file, row) = self.locate(line);
                let file = file
                    .strip_prefix(&self.shown)
                    .map(|f| f.trim_start_matches(['/', '\\']))
                    .filter(|f| !f.is_empty() && parts.len() > 1)
                    .unwrap_or(&file)
                    .to_string();
                format!("{file} row {row}")
            }
            _ => line.to_string(),
        }
    }

    /// Where one value of a row is, for a message: `log.csv:12`, a dataset file and
    /// row, or a workbook's cell (`dossiers.xlsx[Sheet1]!C3`).
    pub fn place(&self, line: u64, column: &str) -> String {
        if let Kind::Workbook(t) = &self.kind {
            let cell = t
                .col(column)
                .and_then(|c| t.source_columns.get(c))
                .map(|c| format!("!{}{line}", crate::input::column_letters(*c)));
            let sheet = t.sheet.as_deref().unwrap_or_default();
            return match cell {
                Some(cell) => format!("{}[{sheet}]{cell}", self.shown),
                None => format!("{}[{sheet}]:{line}", self.shown),
            };
        }
        let (file, row) = self.locate(line);
        format!("{file}:{row}")
    }

    /// Whether the log is a dataset of files.
    pub fn is_dataset(&self) -> bool {
        matches!(self.kind, Kind::Dataset(_))
    }

    /// Dataset files left out because their `year=` partition is after the period.
    pub fn pruned(&self) -> usize {
        self.pruned
    }
}

/// Whether a `--dossiers` path names a dataset: a folder, or a glob.
pub fn is_dataset(path: &Path) -> bool {
    path.is_dir() || path.to_string_lossy().contains(['*', '?', '['])
}

/// The Parquet files of a dataset, in path order, and how many a `year=` partition
/// after `last_year` left out (never opened: nothing received after the period counts).
pub(super) fn dataset_files(
    path: &Path,
    shown: &str,
    last_year: Option<i32>,
) -> Result<(Vec<PathBuf>, usize), DossierError> {
    let mut files = Vec::new();
    if path.is_dir() {
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| read_err(shown, format!("cannot read {}: {e}", dir.display())))?;
            for e in entries.flatten() {
                let p = e.path();
                let hidden = p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(['.', '_']));
                if hidden {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else if p
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("parquet"))
                {
                    files.push(p);
                }
            }
        }
    } else {
        let pattern = path.to_string_lossy();
        let paths =
            glob::glob(&pattern).map_err(|e| read_err(shown, format!("not a usable glob: {e}")))?;
        files.extend(paths.flatten().filter(|p| p.is_file()));
    }
    files.sort();
    let before = files.len();
    if let Some(last) = last_year {
        files.retain(|f| {
            !f.components().any(|c| {
                c.as_os_str()
                    .to_str()
                    .and_then(|s| s.strip_prefix("year="))
                    .and_then(|y| y.parse::<i32>().ok())
                    .is_some_and(|y| y > last)
            })
        });
    }
    let pruned = before - files.len();
    if files.is_empty() && pruned == 0 {
        return Err(read_err(shown, "no .parquet files in the dataset"));
    }
    Ok((files, pruned))
}

/// Opens a dataset: every file's frame and columns checked, each named in messages.
fn open_dataset(
    path: &Path,
    shown: &str,
    options: ScanOptions,
    aliases: &Aliases,
    last_year: Option<i32>,
) -> Result<Source, DossierError> {
    let (files, pruned) = dataset_files(path, shown, last_year)?;
    let mut parts = Vec::with_capacity(files.len());
    for f in files {
        let rel = f
            .strip_prefix(path)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| f.clone());
        let part_shown = if path.is_dir() {
            // `/` between a dataset's folders on every platform: the same message bytes.
            format!(
                "{}/{}",
                shown.trim_end_matches(['/', '\\']),
                crate::platform::slashed(&rel)
            )
        } else {
            f.display().to_string()
        };
        let file = std::fs::File::open(&f)
            .map_err(|e| read_err(&part_shown, format!("cannot read: {e}")))?;
        check_parquet_frame(file, &part_shown)?;
        let resolved = std::fs::canonicalize(&f).unwrap_or(f);
        let mut columns = super::parquet::columns(&resolved, &part_shown)?;
        check_columns(&mut columns, &part_shown, aliases)?;
        parts.push(Part {
            path: resolved,
            shown: part_shown,
            columns,
        });
    }
    Ok(Source {
        path: path.to_path_buf(),
        shown: shown.to_string(),
        separator: b',',
        columns: parts.first().map(|p| p.columns.clone()).unwrap_or_default(),
        data_start: 0,
        options,
        pruned,
        kind: Kind::Dataset(std::sync::Arc::new(parts)),
    })
}

/// Maps a log's headers to cchc's names and checks them: no column twice, every
/// required one present.
fn check_columns(
    columns: &mut [String],
    shown: &str,
    aliases: &Aliases,
) -> Result<(), DossierError> {
    aliases.apply(columns).map_err(|(a, b, name)| {
        read_err(
            shown,
            format!("columns `{a}` and `{b}` both stand for `{name}`"),
        )
    })?;
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
    Ok(())
}

/// Opens a log and checks its columns (headers mapped by `aliases`); `sheet` picks a
/// workbook's sheet; a folder or a glob is a dataset of Parquet files, whose `year=`
/// partitions after `last_year` are left out.
pub fn open(
    path: &Path,
    sheet: Option<&str>,
    shown: &str,
    options: ScanOptions,
    aliases: &Aliases,
    last_year: Option<i32>,
) -> Result<Source, DossierError> {
    if is_dataset(path) {
        return open_dataset(path, shown, options, aliases, last_year);
    }
    if crate::input::workbook::is_workbook(path) {
        let t = crate::input::workbook::read(path, shown, sheet, REQUIRED, aliases)
            .map_err(|e| read_err(shown, e.to_string().replacen(&format!("{shown}: "), "", 1)))?;
        return Ok(Source {
            path: path.to_path_buf(),
            shown: shown.to_string(),
            separator: b',',
            columns: t.headers.clone(),
            data_start: 0,
            options,
            pruned: 0,
            kind: Kind::Workbook(std::sync::Arc::new(t)),
        });
    }
    let parquet = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let file =
        std::fs::File::open(path).map_err(|e| read_err(shown, format!("cannot read: {e}")))?;
    // polars refuses `..` in a path (`../shared/dossiers.csv` in a manifest): hand it the
    // resolved path. The file opened above, so it resolves.
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut data_start = 0;
    let (mut columns, separator) = if parquet {
        check_parquet_frame(file, shown)?;
        (super::parquet::columns(&resolved, shown)?, b',')
    } else {
        let (names, sep, start) = csv_header(file, shown)?;
        data_start = start;
        (names, sep)
    };
    check_columns(&mut columns, shown, aliases)?;
    Ok(Source {
        path: resolved,
        shown: shown.to_string(),
        kind: if parquet { Kind::Parquet } else { Kind::Csv },
        separator,
        columns,
        data_start,
        options,
        pruned: 0,
    })
}

/// The header of a CSV log: names, separator, and where the data starts.
fn csv_header(file: std::fs::File, shown: &str) -> Result<(Vec<String>, u8, u64), DossierError> {
    let mut header = Vec::new();
    BufReader::new(file)
        .read_until(b'\n', &mut header)
        .map_err(|e| read_err(shown, format!("cannot read: {e}")))?;
    let start = header.len() as u64;
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
    let names = header
        .split(sep as char)
        .map(|n| crate::input::normalize(n.trim().trim_matches('"')))
        .collect();
    Ok((names, sep, start))
}

/// A Parquet file starts and ends with `PAR1`, and the 4 bytes before the last magic
/// give the length of a footer that must fit in the file. A file that fails this is
/// refused here, with a message, before any reader trusts its footer (a truncated file
/// used to make polars panic, then hang).
fn check_parquet_frame(mut file: std::fs::File, shown: &str) -> Result<(), DossierError> {
    let bad = |why: &str| {
        read_err(
            shown,
            format!("not a readable Parquet file: {why} (is it truncated, or another format?)"),
        )
    };
    let io = |e: std::io::Error| read_err(shown, format!("cannot read: {e}"));
    let size = file.metadata().map_err(io)?.len();
    if size < 12 {
        return Err(bad(&format!("only {size} bytes")));
    }
    let mut head = [0u8; 4];
    file.read_exact(&mut head).map_err(io)?;
    let mut tail = [0u8; 8];
    file.seek(SeekFrom::End(-8)).map_err(io)?;
    file.read_exact(&mut tail).map_err(io)?;
    if &head != b"PAR1" || &tail[4..] != b"PAR1" {
        return Err(bad("it does not start and end with the PAR1 marker"));
    }
    let footer = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if footer + 12 > size {
        return Err(bad(&format!(
            "its footer claims {footer} bytes but the file has {size}"
        )));
    }
    Ok(())
}

/// Streams the wanted columns of the log through `visitor`; returns it when done.
pub fn scan<V: Visitor>(src: &Source, wanted: &[&str], visitor: V) -> Result<V, DossierError> {
    if let Kind::Workbook(t) = &src.kind {
        return scan_table(t, wanted, visitor);
    }
    if matches!(src.kind, Kind::Parquet) {
        let file = super::parquet::File {
            path: &src.path,
            shown: &src.shown,
            columns: &src.columns,
        };
        return super::parquet::scan(&[file], wanted, src.options.window, visitor);
    }
    if let Kind::Dataset(parts) = &src.kind {
        let files: Vec<super::parquet::File> = parts
            .iter()
            .map(|p| super::parquet::File {
                path: &p.path,
                shown: &p.shown,
                columns: &p.columns,
            })
            .collect();
        return super::parquet::scan(&files, wanted, src.options.window, visitor);
    }
    let layout = super::csvlog::Layout {
        path: &src.path,
        shown: &src.shown,
        separator: src.separator,
        data_start: src.data_start,
        block_size: src.options.block_size,
        text: None,
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

/// A workbook's rows through the visitor (one batch: the sheet is read already).
fn scan_table<V: Visitor>(
    t: &std::sync::Arc<crate::input::Table>,
    wanted: &[&str],
    visitor: V,
) -> Result<V, DossierError> {
    let slots: Vec<Option<usize>> = ALL_COLUMNS
        .iter()
        .map(|c| {
            t.headers
                .iter()
                .position(|h| h == c)
                .filter(|_| wanted.contains(c))
        })
        .collect();
    let table = t.clone();
    let mut once = Some(());
    super::pool::pull(
        visitor,
        |_| Ok(once.take()),
        move |&(), v: &mut V| {
            for row in &table.rows {
                let mut values = [""; Fields::COLUMNS.len()];
                for (slot, i) in values.iter_mut().zip(&slots) {
                    if let Some(i) = i {
                        *slot = super::row::trim(&row[*i]);
                    }
                }
                if v.row(row.line as u64, &Fields::from_values(values)) {
                    return Some(super::pool::Stop::Visitor);
                }
            }
            None
        },
    )
}

/// How a log is read by SQL (`--emit-sql`): its files and its header.
pub(super) struct SqlLog {
    /// A CSV file (with its separator), or Parquet files (one, or a dataset's).
    pub csv_separator: Option<u8>,
    /// The files, resolved to absolute paths.
    pub files: Vec<PathBuf>,
    /// Headers as written, and the cchc column each stands for (or itself).
    pub columns: Vec<(String, String)>,
}

/// Opens a log's header for `--emit-sql`: a CSV file, a Parquet file or a dataset
/// (whose `year=` partitions after `last_year` are left out, as a scan leaves them);
/// a workbook has no SQL reader and is refused.
pub(super) fn sql_log(
    path: &Path,
    shown: &str,
    aliases: &Aliases,
    last_year: Option<i32>,
) -> Result<SqlLog, DossierError> {
    if crate::input::workbook::is_workbook(path) {
        return Err(read_err(
            shown,
            "--emit-sql reads CSV or Parquet logs; save the sheet as CSV first",
        ));
    }
    let resolve = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (files, raw, csv_separator) = if is_dataset(path) {
        let (files, _) = dataset_files(path, shown, last_year)?;
        let first = files
            .first()
            .ok_or_else(|| read_err(shown, "no .parquet files for the period"))?;
        let raw = super::parquet::columns(&resolve(first), shown)?;
        (files.iter().map(|f| resolve(f)).collect(), raw, None)
    } else {
        let file =
            std::fs::File::open(path).map_err(|e| read_err(shown, format!("cannot read: {e}")))?;
        let parquet = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        if parquet {
            check_parquet_frame(file, shown)?;
            let raw = super::parquet::columns(&resolve(path), shown)?;
            (vec![resolve(path)], raw, None)
        } else {
            let (raw, sep, _) = csv_header(file, shown)?;
            (vec![resolve(path)], raw, Some(sep))
        }
    };
    let mut mapped = raw.clone();
    check_columns(&mut mapped, shown, aliases)?;
    Ok(SqlLog {
        csv_separator,
        files,
        columns: raw.into_iter().zip(mapped).collect(),
    })
}
