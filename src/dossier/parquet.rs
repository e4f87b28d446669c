//! The Parquet path of the dossier scan, and the only place polars reads: a lazy,
//! streamed scan of the needed columns, its batches handed to the worker pool.
//!
//! polars' settings live here too: one decoding thread, its streaming byte source
//! reads chunks instead of memory-mapping the file (mapped pages would count as
//! resident memory), one row group is fetched ahead, in morsels of 100k rows: at 10^7
//! rows this more than halves the peak against polars' defaults at the same speed
//! (benches/README.md). (The binary's allocator, jemalloc, is chosen in `main.rs`
//! for the same reason.)

use super::pool::{fan_out, Feed, Stop, Visitor};
use super::row::{Dossier, Fields, Ids, Typed};
use super::{read_err, DossierError};
use crate::date::Stamp;
use polars::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Sets polars' settings once, before polars first reads its configuration; a user's
/// own setting of each variable wins.
pub fn configure() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for (var, value) in [
            // One decoding thread: the fold's workers (one per core) are the slower
            // side, and a second decoder only buffers batches ahead of them (a 10^7-row
            // typed log: 250 MiB peak instead of 410-450, the same time).
            ("POLARS_MAX_THREADS", "1"),
            ("POLARS_FORCE_ASYNC", "1"),
            ("POLARS_IDEAL_MORSEL_SIZE", "100000"),
            ("POLARS_ROW_GROUP_PREFETCH_SIZE", "1"),
        ] {
            if std::env::var_os(var).is_none() {
                std::env::set_var(var, value);
            }
        }
    });
}

/// How every file is scanned: as the one file it is — no glob expansion of its name, no
/// hive columns from its folders (a dataset's `year=…` folders are cchc's to read; polars
/// would infer types from them, and a date-like one needs features polars is built
/// without).
fn scan_args() -> ScanArgsParquet {
    ScanArgsParquet {
        glob: false,
        hive_options: HiveOptions::new_disabled(),
        ..ScanArgsParquet::default()
    }
}

/// The column names of a Parquet file.
pub fn columns(path: &Path, shown: &str) -> Result<Vec<String>, DossierError> {
    configure();
    let mut lf =
        LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), scan_args())
            .map_err(|e| read_err(shown, format!("not a readable Parquet file: {e}")))?;
    let schema = lf
        .collect_schema()
        .map_err(|e| read_err(shown, format!("not a readable Parquet file: {e}")))?;
    Ok(schema.iter_names().map(|n| n.to_string()).collect())
}

/// A Parquet log to scan: where it is, how it is named, its columns.
pub struct File<'a> {
    /// The file (resolved).
    pub path: &'a Path,
    /// The name in messages.
    pub shown: &'a str,
    /// Its column names.
    pub columns: &'a [String],
}

/// How a column is read: its own type where cchc reads that type directly (text,
/// timestamps, dates, booleans; whole numbers as i64, floats as f64), else cast to text.
fn read_as(dtype: &DataType) -> Option<DataType> {
    match dtype {
        DataType::String | DataType::Boolean | DataType::Date | DataType::Datetime(_, _) => None,
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => Some(DataType::Int64),
        DataType::Int64 => None,
        DataType::Float32 => Some(DataType::Float64),
        DataType::Float64 => None,
        _ => Some(DataType::String),
    }
}

/// The row-index column a filtered scan adds (rows keep their numbers in the file).
const ROW: &str = "__cchc_row";

/// A timestamp column's values per second, and the seconds that take its values to
/// Vietnam's local time (7 hours for an instant stored with a zone, 0 for a naive
/// local timestamp).
fn stamp_scale(unit: &TimeUnit, zoned: bool) -> (i64, i64) {
    let per_second = match unit {
        TimeUnit::Nanoseconds => 1_000_000_000,
        TimeUnit::Microseconds => 1_000_000,
        TimeUnit::Milliseconds => 1_000,
    };
    (per_second, if zoned { VN_OFFSET } else { 0 })
}

/// A timestamp's whole seconds: the usual units divide by a constant (a multiply),
/// not by a value only known at run time (a slow division, several per row).
#[inline(always)]
fn seconds(v: i64, per_second: i64) -> i64 {
    match per_second {
        1_000_000 => v.div_euclid(1_000_000),
        1_000 => v.div_euclid(1_000),
        1_000_000_000 => v.div_euclid(1_000_000_000),
        n => v.div_euclid(n),
    }
}

/// A column's value at the start of local day `day`, for a typed date or timestamp
/// column (a timestamp with a zone is an instant: local midnight is 7 hours earlier).
fn day_start(dtype: &DataType, day: i64) -> Option<Expr> {
    match dtype {
        DataType::Date => Some(lit(Scalar::new_date(i32::try_from(day).ok()?))),
        DataType::Datetime(unit, tz) => {
            let (per_second, offset) = stamp_scale(unit, tz.is_some());
            let v = (day * 86_400 - offset).checked_mul(per_second)?;
            Some(lit(Scalar::new_datetime(v, *unit, tz.clone())))
        }
        _ => None,
    }
}

/// Keeps the rows that may touch the period `span` ([`super::Options::span`]):
/// received by its last day and not finished before its first (a null kept, for the
/// fold to judge). polars pushes it down to the row groups' statistics, so a group
/// holding only other rows is never decoded. None unless a column is typed.
fn window_filter(schema: &Schema, span: (i64, i64)) -> Option<Expr> {
    let received = schema
        .get("received_at")
        .and_then(|t| day_start(t, span.1 + 1))
        .map(|t| col("received_at").is_null().or(col("received_at").lt(t)));
    let finished = schema
        .get("finished_at")
        .and_then(|t| day_start(t, span.0))
        .map(|t| col("finished_at").is_null().or(col("finished_at").gt_eq(t)));
    match (received, finished) {
        (Some(r), Some(f)) => Some(r.and(f)),
        (r, f) => r.or(f),
    }
}

/// The scan of one file: the wanted columns (cast where cchc reads another type),
/// filtered to `window` when its dates are typed; whether a filter (and the row-index
/// column) applies.
fn lazy(
    src: &File,
    wanted: &[&str],
    window: Option<(i64, i64)>,
) -> PolarsResult<(LazyFrame, Vec<String>, bool)> {
    let present: Vec<String> = wanted
        .iter()
        .filter(|w| src.columns.iter().any(|c| c == *w))
        .map(|w| w.to_string())
        .collect();
    let path = PlRefPath::new(src.path.to_string_lossy().as_ref());
    let mut lf = LazyFrame::scan_parquet(path.clone(), scan_args())?;
    let schema = lf.collect_schema()?;
    let filter = window.and_then(|w| window_filter(&schema, w));
    if filter.is_some() {
        // Rows keep their numbers in the file: the scan numbers them before the filter.
        let args = ScanArgsParquet {
            row_index: Some(RowIndex {
                name: ROW.into(),
                offset: 0,
            }),
            ..scan_args()
        };
        lf = LazyFrame::scan_parquet(path, args)?;
    }
    let mut exprs: Vec<Expr> = present
        .iter()
        .map(|c| {
            let e = col(c.as_str());
            match schema.get(c.as_str()).and_then(read_as) {
                Some(t) => e.cast(t),
                None => e,
            }
        })
        .collect();
    let filtered = filter.is_some();
    if let Some(f) = filter {
        lf = lf.filter(f);
        exprs.push(col(ROW));
    }
    Ok((lf.select(exprs), present, filtered))
}

/// The rows of a Parquet file, from its footer.
fn row_count(path: &Path) -> PolarsResult<u64> {
    let file = std::fs::File::open(path)?;
    Ok(ParquetReader::new(file).num_rows()? as u64)
}

/// One column of a batch in one contiguous chunk, in the type it is read in.
enum Owned {
    Text(StringChunked),
    Int(Int64Chunked),
    Float(Float64Chunked),
    Bool(BooleanChunked),
    Date(Int32Chunked),
    /// Values per second, and the seconds added to reach Vietnam's local time (7 hours
    /// for an instant stored with a time zone; 0 for a naive local timestamp).
    Stamp(Int64Chunked, i64, i64),
}

/// Seconds from the epoch to Vietnam's local time (UTC+7, no daylight saving).
const VN_OFFSET: i64 = 7 * 3600;

type Arr<T> = <T as PolarsDataType>::Array;

/// A column's array, indexed directly row by row (no per-value iterator).
enum View<'a> {
    Text(&'a Arr<StringType>),
    Int(&'a Arr<Int64Type>),
    Float(&'a Arr<Float64Type>),
    Bool(&'a Arr<BooleanType>),
    Date(&'a Arr<Int32Type>),
    Stamp(&'a Arr<Int64Type>, i64, i64),
    /// An empty batch.
    None,
}

impl Owned {
    fn of(c: &Column) -> PolarsResult<Owned> {
        Ok(match c.dtype() {
            DataType::Datetime(unit, tz) => {
                let (per_second, offset) = stamp_scale(unit, tz.is_some());
                Owned::Stamp(
                    c.datetime()?.physical().rechunk().into_owned(),
                    per_second,
                    offset,
                )
            }
            DataType::Date => Owned::Date(c.date()?.physical().rechunk().into_owned()),
            DataType::Boolean => Owned::Bool(c.bool()?.rechunk().into_owned()),
            DataType::Int64 => Owned::Int(c.i64()?.rechunk().into_owned()),
            DataType::Float64 => Owned::Float(c.f64()?.rechunk().into_owned()),
            _ => Owned::Text(c.str()?.rechunk().into_owned()),
        })
    }

    fn view(&self) -> View<'_> {
        let v = match self {
            Owned::Text(a) => a.downcast_iter().next().map(View::Text),
            Owned::Int(a) => a.downcast_iter().next().map(View::Int),
            Owned::Float(a) => a.downcast_iter().next().map(View::Float),
            Owned::Bool(a) => a.downcast_iter().next().map(View::Bool),
            Owned::Date(a) => a.downcast_iter().next().map(View::Date),
            Owned::Stamp(a, p, o) => a.downcast_iter().next().map(|x| View::Stamp(x, *p, *o)),
        };
        v.unwrap_or(View::None)
    }
}

/// A date column's value: the day, no time.
#[inline(always)]
fn date_value(d: i32) -> Typed {
    Typed::Stamp(Stamp {
        day: i64::from(d),
        minute: None,
    })
}

/// A timestamp column's value in Vietnam's local time.
#[inline(always)]
fn stamp_value(v: i64, per_second: i64, offset: i64) -> Typed {
    let secs = seconds(v, per_second) + offset;
    Typed::Stamp(Stamp {
        day: secs.div_euclid(86_400),
        minute: Some((secs.rem_euclid(86_400) / 60) as u16),
    })
}

impl View<'_> {
    /// Row `i`: its text (typed columns give none) and its typed value. Inlined into
    /// the per-row loop: the column's type is then checked once per value, not twice.
    #[inline(always)]
    fn get(&self, i: usize) -> (&str, Typed) {
        let typed = |v: Option<Typed>| ("", v.unwrap_or(Typed::Null));
        match self {
            View::Text(a) => (super::row::trim(a.get(i).unwrap_or("")), Typed::Text),
            View::Int(a) => typed(a.get(i).map(Typed::Int)),
            View::Float(a) => typed(a.get(i).map(Typed::Float)),
            View::Bool(a) => typed(a.get(i).map(Typed::Bool)),
            View::Date(a) => typed(a.get(i).map(date_value)),
            View::Stamp(a, per_second, offset) => {
                typed(a.get(i).map(|v| stamp_value(v, *per_second, *offset)))
            }
            View::None => ("", Typed::Null),
        }
    }

    /// Every row's typed value through `f`, column at a time: the match on the
    /// column's type is made once, and each arm's loop has `f` inlined for that type
    /// (the fast path's conversions, without a dispatch per value).
    fn each<T>(&self, n: usize, f: impl Fn(Typed) -> T) -> Vec<T> {
        // A column without nulls is read straight from its values (no validity to
        // zip with); one with nulls value by value.
        macro_rules! convert {
            ($a:expr, $to:expr) => {
                if $a.validity().is_none_or(|v| v.unset_bits() == 0) {
                    $a.values_iter().map(|v| f($to(v))).collect()
                } else {
                    $a.iter()
                        .map(|v| f(v.map($to).unwrap_or(Typed::Null)))
                        .collect()
                }
            };
        }
        match self {
            View::Int(a) => convert!(a, |v: &i64| Typed::Int(*v)),
            View::Float(a) => convert!(a, |v: &f64| Typed::Float(*v)),
            View::Bool(a) => convert!(a, Typed::Bool),
            View::Date(a) => convert!(a, |d: &i32| date_value(*d)),
            View::Stamp(a, p, o) => convert!(a, |v: &i64| stamp_value(*v, *p, *o)),
            View::Text(_) | View::None => (0..n).map(|i| f(self.get(i).1)).collect(),
        }
    }
}

/// The fast path of a typed batch: when ids, channel and status are text, dates are
/// dates or timestamps, and numbers and flags are numbers or booleans, a row becomes a
/// [`Dossier`] straight from the typed values, with the checks of [`super::row::parse`].
/// A row that fails any of them (or needs its deadline computed) takes the general
/// path, so that what is reported, and how, is exactly the same. Typed values are
/// converted a column at a time ([`View::each`]); a row then only reads them.
struct Fast<'a> {
    /// The text columns: dossier_id, unit_id, channel, status, procedure_id.
    text: [Option<&'a Arr<StringType>>; 5],
    /// received_at, due_at, finished_at: a date or timestamp, a null (Some(None)), or
    /// a value of another type (None).
    stamps: [Vec<Option<Option<Stamp>>>; 3],
    fee: Vec<Option<bool>>,
    /// paid_online, digitized, e_result.
    flags: [Vec<Option<bool>>; 3],
    rating: Vec<Option<Option<u8>>>,
}

impl<'a> Fast<'a> {
    fn of(readers: &'a [View<'a>], index: &[Option<usize>], n: usize) -> Option<Fast<'a>> {
        let mut cols: [Option<&View>; 13] = [None; 13];
        for (c, idx) in cols.iter_mut().zip(index) {
            *c = idx.map(|i| &readers[i]);
        }
        let is = |slot: usize, ok: fn(&View) -> bool| cols[slot].is_none_or(|v| ok(v));
        let text = |v: &View| matches!(v, View::Text(_));
        let date = |v: &View| matches!(v, View::Date(_) | View::Stamp(..));
        let number = |v: &View| matches!(v, View::Int(_) | View::Float(_));
        let flag = |v: &View| matches!(v, View::Bool(_) | View::Int(_));
        let required = [0, 1, 2, 3, 4].iter().all(|&s| cols[s].is_some());
        let typed = [0, 1, 3, 4, 5].iter().all(|&s| is(s, text))
            && [2, 6, 7].iter().all(|&s| is(s, date))
            && is(8, number)
            && [9, 10, 11].iter().all(|&s| is(s, flag))
            && is(12, |v| matches!(v, View::Int(_)));
        if !(required && typed) {
            return None;
        }
        let each = |slot: usize| cols[slot].unwrap_or(&View::None);
        let text = |slot: usize| match cols[slot] {
            Some(View::Text(a)) => Some(*a),
            _ => None,
        };
        let stamp = |t: Typed| match t {
            Typed::Stamp(s) => Some(Some(s)),
            Typed::Null => Some(None),
            _ => None,
        };
        let flag = |slot: usize| each(slot).each(n, super::row::typed_flag);
        Some(Fast {
            text: [text(0), text(1), text(3), text(4), text(5)],
            stamps: [2, 6, 7].map(|slot| each(slot).each(n, stamp)),
            fee: each(8).each(n, super::row::typed_fee),
            flags: [flag(9), flag(10), flag(11)],
            rating: each(12).each(n, super::row::typed_rating),
        })
    }

    /// Text column `k` of [`Fast::text`] at `row`, trimmed ("" when absent or null).
    #[inline]
    fn text(&self, k: usize, row: usize) -> &'a str {
        match self.text[k] {
            Some(a) => super::row::trim(a.get(row).unwrap_or("")),
            None => "",
        }
    }

    /// Row `row` as a checked dossier, or None to take the general path.
    fn dossier(&self, row: usize) -> Option<(Ids<'a>, Dossier)> {
        super::row::usual(&FastRow { fast: self, row })
    }
}

/// Row `row` of a typed batch, for [`super::row::usual`].
struct FastRow<'f, 'a> {
    fast: &'f Fast<'a>,
    row: usize,
}

impl<'a> super::row::UsualRow<'a> for FastRow<'_, 'a> {
    #[inline]
    fn text(&self, slot: usize) -> &'a str {
        let k = match slot {
            0 => 0,
            1 => 1,
            3 => 2,
            4 => 3,
            _ => 4,
        };
        self.fast.text(k, self.row)
    }
    #[inline]
    fn stamp(&self, slot: usize) -> Option<Option<Stamp>> {
        let k = match slot {
            2 => 0,
            6 => 1,
            _ => 2,
        };
        self.fast.stamps[k][self.row]
    }
    #[inline]
    fn fee(&self) -> Option<bool> {
        self.fast.fee[self.row]
    }
    #[inline]
    fn flag(&self, slot: usize) -> Option<bool> {
        self.fast.flags[slot.saturating_sub(9).min(2)][self.row]
    }
    #[inline]
    fn rating(&self) -> Option<Option<u8>> {
        self.fast.rating[self.row]
    }
}

/// One batch of a file's scan, turned into rows for a visitor.
struct Batch<'a> {
    df: &'a DataFrame,
    /// The columns read, and each of [`Fields::COLUMNS`]' place among them.
    present: &'a [String],
    index: &'a [Option<usize>],
    /// Whether rows carry their index in the file ([`ROW`]).
    filtered: bool,
    /// The number of the batch's first row (unfiltered scans count rows in order).
    first: u64,
    /// The number of the file's row 0 in a filtered scan.
    base: u64,
}

impl Batch<'_> {
    /// Hands every row to the visitor; Some(stop) if it stopped.
    fn rows<V: Visitor>(&self, v: &mut V) -> PolarsResult<Option<Stop>> {
        let numbers = if self.filtered {
            Some(self.df.column(ROW)?.idx()?.rechunk().into_owned())
        } else {
            None
        };
        let numbers = numbers.as_ref().and_then(|n| n.downcast_iter().next());
        let owned = self
            .present
            .iter()
            .map(|c| self.df.column(c.as_str()).and_then(Owned::of))
            .collect::<PolarsResult<Vec<Owned>>>()?;
        let readers: Vec<View> = owned.iter().map(Owned::view).collect();
        let fast = Fast::of(&readers, self.index, self.df.height());
        for row in 0..self.df.height() {
            let line = match numbers {
                Some(n) => self.base + u64::from(n.value(row)),
                None => self.first + row as u64,
            };
            if let Some((ids, d)) = fast.as_ref().and_then(|f| f.dossier(row)) {
                match v.dossier(line, &ids, &d) {
                    Some(true) => return Ok(Some(Stop::Visitor)),
                    Some(false) => continue,
                    None => {}
                }
            }
            let mut values = [""; Fields::COLUMNS.len()];
            let mut typed = [Typed::Text; Fields::COLUMNS.len()];
            for ((slot, t), idx) in values.iter_mut().zip(typed.iter_mut()).zip(self.index) {
                if let Some(i) = idx {
                    (*slot, *t) = readers[*i].get(row);
                }
            }
            let empty = values
                .iter()
                .zip(&typed)
                .all(|(v, t)| v.is_empty() && matches!(t, Typed::Text | Typed::Null));
            if empty {
                continue; // an empty row is not a dossier
            }
            let mut fields = Fields::from_values(values);
            fields.typed = typed;
            if v.row(line, &fields) {
                return Ok(Some(Stop::Visitor));
            }
        }
        Ok(None)
    }
}

/// The Parquet scan of one file or of a dataset's files in turn: polars' streaming
/// engine delivers batches in file order; the callback only numbers them and passes
/// them on, and the workers turn them into rows. File `i`'s rows are numbered from
/// `i << PART_BITS` + 1 (a single file from 1).
pub fn scan<V: Visitor>(
    files: &[File],
    wanted: &[&str],
    window: Option<(i64, i64)>,
    visitor: V,
) -> Result<V, DossierError> {
    configure();
    let mut plans = Vec::with_capacity(files.len());
    let mut unread = 0u64;
    for f in files {
        let (lf, present, filtered) = lazy(f, wanted, window).map_err(|e| read_err(f.shown, e))?;
        if filtered {
            unread += row_count(f.path).map_err(|e| read_err(f.shown, e))?;
        }
        let index: Vec<Option<usize>> = Fields::COLUMNS
            .iter()
            .map(|c| present.iter().position(|p| p == c))
            .collect();
        plans.push((lf, present, index, filtered));
    }
    let delivered = AtomicU64::new(0);
    let shown: Vec<&str> = files.iter().map(|f| f.shown).collect();
    let lazies: Vec<LazyFrame> = plans.iter().map(|(lf, _, _, _)| lf.clone()).collect();
    let produce = |feed: Feed<(u64, usize, DataFrame)>| {
        for (i, lf) in lazies.into_iter().enumerate() {
            // Rows count from 1; batches arrive in file order (maintain_order).
            let rows = std::sync::Arc::new(AtomicU64::new(((i as u64) << super::PART_BITS) + 1));
            let feed = feed.clone();
            let stopped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let flag = stopped.clone();
            let callback = PlanCallback::new(move |df: DataFrame| -> PolarsResult<bool> {
                let first = rows.fetch_add(df.height() as u64, Ordering::AcqRel);
                let stop = !feed.send((first, i, df));
                if stop {
                    flag.store(true, Ordering::Release);
                }
                Ok(stop)
            });
            lf.sink_batches(callback, true, None)
                .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
                .map_err(|e| read_err(shown[i], e))?;
            if stopped.load(Ordering::Acquire) {
                break;
            }
        }
        Ok(())
    };
    let process = |(first, i, df): (u64, usize, DataFrame), v: &mut V| -> Option<Stop> {
        let (_, present, index, filtered) = &plans[i];
        if *filtered {
            delivered.fetch_add(df.height() as u64, Ordering::Relaxed);
        }
        let batch = Batch {
            df: &df,
            present,
            index,
            filtered: *filtered,
            first,
            base: ((i as u64) << super::PART_BITS) + 1,
        };
        batch
            .rows(v)
            .unwrap_or_else(|e| Some(Stop::Read(read_err(shown[i], e))))
    };
    let mut v = fan_out(visitor, produce, process)?;
    let seen = delivered.load(Ordering::Relaxed);
    if unread > 0 {
        v.unread(unread.saturating_sub(seen));
    }
    Ok(v)
}
