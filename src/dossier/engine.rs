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
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

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

/// A read error for `shown` (a file, or `file:line`).
pub fn read_err(shown: &str, message: impl std::fmt::Display) -> DossierError {
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

/// Why a batch stopped early: the visitor asked to, or the text cannot be read.
pub enum Stop {
    /// The visitor's `row` returned true.
    Visitor,
    /// The batch cannot be read; the scan fails with this error.
    Read(DossierError),
}

/// The channel into the workers, closed by taking the sender out.
type Sender<B> = Arc<Mutex<Option<mpsc::SyncSender<(u64, B)>>>>;

/// The producer's end of [`fan_out`]: hands batches to the workers in file order.
/// Cloneable and `'static`, so a polars callback can own one.
pub struct Feed<B> {
    tx: Sender<B>,
    next: Arc<AtomicU64>,
    stopped_at: Arc<AtomicU64>,
}

impl<B> Clone for Feed<B> {
    fn clone(&self) -> Self {
        Feed {
            tx: self.tx.clone(),
            next: self.next.clone(),
            stopped_at: self.stopped_at.clone(),
        }
    }
}

impl<B: Send> Feed<B> {
    /// Sends the next batch (from one producer thread at a time, in file order); false
    /// once the scan needs no more (a batch stopped, or the workers are gone).
    pub fn send(&self, batch: B) -> bool {
        let index = self.next.fetch_add(1, Ordering::AcqRel);
        if index > self.stopped_at.load(Ordering::Acquire) {
            return false;
        }
        let tx = match self.tx.lock() {
            Ok(guard) => guard.clone(),
            Err(_) => None,
        };
        tx.is_some_and(|tx| tx.send((index, batch)).is_ok())
    }
}

/// Runs `process` over the batches `produce` sends, on one worker per core, each with
/// its own copy of the visitor ([`Visitor::fork`]), merged at the end. A worker skips
/// batches after one that stopped, and every batch before it is processed, so the
/// earliest problem in file order is the one that counts: a read error is returned, a
/// visitor's stop is left in the merged visitor.
pub fn fan_out<V, B, P, F>(visitor: V, produce: P, process: F) -> Result<V, DossierError>
where
    V: Visitor,
    B: Send,
    P: FnOnce(Feed<B>) -> Result<(), DossierError>,
    F: Fn(B, &mut V) -> Option<Stop> + Sync,
{
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
    let mut visitors = vec![visitor];
    while visitors.len() < workers {
        let fresh = visitors[0].fork();
        visitors.push(fresh);
    }
    let (tx, rx) = mpsc::sync_channel::<(u64, B)>(workers + 1);
    let rx = Mutex::new(rx);
    let feed = Feed {
        tx: Arc::new(Mutex::new(Some(tx))),
        next: Arc::default(),
        stopped_at: Arc::new(AtomicU64::new(u64::MAX)),
    };
    let stops: Mutex<Vec<(u64, Stop)>> = Mutex::new(Vec::new());
    let panicked: Mutex<Option<Box<dyn std::any::Any + Send>>> = Mutex::new(None);
    let produced = std::thread::scope(|s| {
        let handles: Vec<_> = visitors
            .into_iter()
            .map(|mut v| {
                let (rx, stops, process, panicked) = (&rx, &stops, &process, &panicked);
                let stopped_at = feed.stopped_at.clone();
                s.spawn(move || {
                    loop {
                        let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        let Ok((index, batch)) = next else { break };
                        if index > stopped_at.load(Ordering::Acquire) {
                            continue;
                        }
                        // A bug that panics must not leave the producer waiting on a
                        // full channel: stop the scan, keep draining, re-raise at the end.
                        let run = std::panic::AssertUnwindSafe(|| process(batch, &mut v));
                        let outcome = match std::panic::catch_unwind(run) {
                            Ok(outcome) => outcome,
                            Err(payload) => {
                                stopped_at.store(0, Ordering::Release);
                                panicked
                                    .lock()
                                    .unwrap_or_else(|p| p.into_inner())
                                    .get_or_insert(payload);
                                continue;
                            }
                        };
                        v.batch_end();
                        if let Some(stop) = outcome {
                            stopped_at.fetch_min(index, Ordering::AcqRel);
                            if let Ok(mut all) = stops.lock() {
                                all.push((index, stop));
                            }
                        }
                    }
                    v
                })
            })
            .collect();
        let produced = produce(feed.clone());
        // Close the channel even if a copy of the feed lives on (inside a polars plan).
        if let Ok(mut tx) = feed.tx.lock() {
            tx.take();
        }
        let visitors: Vec<V> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect();
        produced.map(|()| visitors)
    });
    if let Some(payload) = panicked.into_inner().unwrap_or_else(|p| p.into_inner()) {
        std::panic::resume_unwind(payload);
    }
    let mut visitors = produced?.into_iter();
    let mut first = visitors.next().expect("at least one worker");
    for other in visitors {
        first.merge(other);
    }
    let mut stops = stops.into_inner().unwrap_or_default();
    stops.sort_by_key(|(index, _)| *index);
    match stops.into_iter().next() {
        Some((_, Stop::Read(e))) => Err(e),
        _ => Ok(first),
    }
}

/// The Parquet scan: polars' streaming engine delivers batches in file order; the
/// callback only numbers them and passes them on, and the workers turn them into rows.
fn scan_parquet<V: Visitor>(src: &Source, wanted: &[&str], visitor: V) -> Result<V, DossierError> {
    let err = |e: PolarsError| read_err(&src.shown, e);
    let (lf, present) = lazy(src, wanted).map_err(err)?;
    let index: Vec<Option<usize>> = ALL_COLUMNS
        .iter()
        .map(|c| present.iter().position(|p| p == c))
        .collect();
    let produce = |feed: Feed<(u64, DataFrame)>| {
        // Rows count from 1; batches arrive in file order (maintain_order).
        let rows = AtomicU64::new(1);
        let callback = PlanCallback::new(move |df: DataFrame| -> PolarsResult<bool> {
            let first = rows.fetch_add(df.height() as u64, Ordering::AcqRel);
            Ok(!feed.send((first, df)))
        });
        lf.sink_batches(callback, true, None)
            .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
            .map(|_| ())
            .map_err(err)
    };
    let process = |(first, df): (u64, DataFrame), v: &mut V| -> Option<Stop> {
        let cols: PolarsResult<Vec<&StringChunked>> = present
            .iter()
            .map(|c| df.column(c.as_str()).and_then(|s| s.str()))
            .collect();
        let cols = match cols {
            Ok(c) => c,
            Err(e) => return Some(Stop::Read(err(e))),
        };
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
        for row in 0..height {
            let mut values = [""; Fields::COLUMNS.len()];
            for (slot, idx) in values.iter_mut().zip(&index) {
                if let Some(i) = idx {
                    *slot = super::row::trim(arrays[*i].get(row).unwrap_or(""));
                }
            }
            if values.iter().all(|v| v.is_empty()) {
                continue; // an empty row is not a dossier
            }
            if v.row(first + row as u64, &Fields::from_values(values)) {
                return Some(Stop::Visitor);
            }
        }
        None
    };
    fan_out(visitor, produce, process)
}
