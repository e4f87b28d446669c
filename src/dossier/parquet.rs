//! The Parquet path of the dossier scan, and the only place polars reads. Each worker
//! decodes whole row groups itself and folds them at once: the workers take (file,
//! row group) pairs in turn ([`pull`]); a worker reads that group's column chunks
//! (only the columns the metrics need) with positional reads and decodes them with
//! polars' Parquet decoders. Decoding is thus spread over every core, no decoded batch
//! waits in a queue, and the file is never memory-mapped (mapped pages would count as
//! resident memory, and a file truncated while mapped ends the process).
//!
//! The period is applied twice: a row group whose min/max statistics hold only rows
//! outside it is never read, and a row outside it is left unread inside a group —
//! both only for a typed `received_at` / `finished_at` (see [`Window`]).
//!
//! A text chunk stored wholly as a dictionary (as writers store a column of few
//! distinct values: units, channels, statuses, procedures) is read as its keys and
//! values ([`dictionary`]): each unit is then looked up in the fold once per row group,
//! not once per row ([`Hints`]) — on a log of thousands of units that look-up missed
//! the cache on most rows — and each channel and status parsed once ([`Fast`]).

use super::booleans;
use super::pool::{pull, Stop, Visitor};
use super::row::{slot, Channel, Dossier, Fields, Ids, Status, Typed, WIDTH};
use super::{read_err, DossierError};
use crate::date::Stamp;
use polars::io::parquet::read::_internal::to_deserializer;
use polars::io::parquet::read::FileMetadata;
use polars::prelude::*;
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray, Utf8ViewArray};
use polars_arrow::datatypes::{IntegerType, Metadata, DTYPE_CATEGORICAL_NEW};
use polars_buffer::Buffer;
use polars_parquet::parquet::metadata::ColumnChunkMetadata;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

/// A file's footer: its metadata and the Arrow schema polars reads it with.
struct Footer {
    meta: Arc<FileMetadata>,
    schema: Arc<ArrowSchema>,
}

/// The most rows of a row group cchc reads (what it decodes of a group is held at
/// once): writers write 122,880 (DuckDB) to about a million (pyarrow) rows a group.
const MAX_GROUP_ROWS: usize = 1 << 26;

/// Reads a file's footer, and checks what the scan takes from it as given: each row
/// group's rows within [`MAX_GROUP_ROWS`], each column chunk's place within the file.
/// polars' footer reader panics on some damaged footers: that is caught, as an error.
fn footer(path: &Path) -> PolarsResult<Footer> {
    let read = || -> PolarsResult<Footer> {
        let file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        let mut reader = ParquetReader::new(file);
        let schema = reader.schema()?;
        let meta = reader.get_metadata()?.clone();
        for (g, group) in meta.row_groups.iter().enumerate() {
            let rows = group.num_rows();
            if rows > MAX_GROUP_ROWS {
                polars_bail!(ComputeError: "row group {} of {rows} rows (cchc reads groups of at most {MAX_GROUP_ROWS} rows: write the file with smaller row groups)", g + 1);
            }
            for chunk in group.parquet_columns() {
                let start = chunk
                    .dictionary_page_offset()
                    .unwrap_or(chunk.data_page_offset());
                let len = chunk.compressed_size();
                let end = u64::try_from(start)
                    .ok()
                    .zip(u64::try_from(len).ok())
                    .and_then(|(a, b)| a.checked_add(b));
                if end.is_none_or(|e| e > size) {
                    polars_bail!(ComputeError: "row group {}: a column said to lie at bytes {start} to {start} + {len} of a file of {size}", g + 1);
                }
            }
        }
        Ok(Footer { meta, schema })
    };
    crate::caught::catching(read)
        .map_err(|why| polars_err!(ComputeError: "its footer is damaged ({why})"))?
}

/// The column names of a Parquet file.
pub fn columns(path: &Path, shown: &str) -> Result<Vec<String>, DossierError> {
    let f =
        footer(path).map_err(|e| read_err(shown, format!("not a readable Parquet file: {e}")))?;
    Ok(f.schema.iter_names().map(|n| n.to_string()).collect())
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
    /// A text column read as its dictionary: each row's key, and the distinct values
    /// ([`dictionary`]).
    Dict(PrimitiveArray<u32>, Utf8ViewArray),
    /// A boolean column read by cchc: a byte a row, 0, 1 or [`booleans::NULL`].
    Flags(Vec<u8>),
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
    Dict(&'a PrimitiveArray<u32>, &'a Utf8ViewArray),
    Flags(&'a [u8]),
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
            Owned::Dict(keys, values) => Some(View::Dict(keys, values)),
            Owned::Flags(f) => Some(View::Flags(f)),
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

impl<'a> View<'a> {
    /// Row `i` of a text column as stored (None for a null, or a column of another
    /// type). A dictionary's key is checked against its values.
    #[inline(always)]
    fn text(&self, i: usize) -> Option<&'a str> {
        match *self {
            View::Text(a) => a.get(i),
            View::Dict(keys, values) => {
                let k = keys.is_valid(i).then(|| keys.value(i) as usize)?;
                (k < values.len()).then(|| values.value(k))
            }
            _ => None,
        }
    }

    /// The column's length (0 for [`View::None`]).
    fn len(&self) -> usize {
        match self {
            View::Text(a) => a.len(),
            View::Int(a) | View::Stamp(a, _, _) => a.len(),
            View::Float(a) => a.len(),
            View::Bool(a) => a.len(),
            View::Date(a) => a.len(),
            View::Dict(keys, _) => keys.len(),
            View::Flags(f) => f.len(),
            View::None => 0,
        }
    }

    /// Row `i`: its text (typed columns give none) and its typed value. Inlined into
    /// the per-row loop: the column's type is then checked once per value, not twice.
    #[inline(always)]
    fn get(&self, i: usize) -> (&'a str, Typed) {
        let typed = |v: Option<Typed>| ("", v.unwrap_or(Typed::Null));
        match self {
            View::Text(_) | View::Dict(..) => {
                (super::row::trim(self.text(i).unwrap_or("")), Typed::Text)
            }
            View::Int(a) => typed(a.get(i).map(Typed::Int)),
            View::Float(a) => typed(a.get(i).map(Typed::Float)),
            View::Bool(a) => typed(a.get(i).map(Typed::Bool)),
            View::Flags(f) => typed(flag_value(f[i])),
            View::Date(a) => typed(a.get(i).map(date_value)),
            View::Stamp(a, per_second, offset) => {
                typed(a.get(i).map(|v| stamp_value(v, *per_second, *offset)))
            }
            View::None => ("", Typed::Null),
        }
    }

    /// The typed values of rows `rows` through `f` into `out` (cleared first), column
    /// at a time: the match on the column's type is made once, and each arm's loop has
    /// `f` inlined for that type (the fast path's conversions, without a dispatch per
    /// value).
    fn each<T>(&self, rows: std::ops::Range<usize>, out: &mut Vec<T>, f: impl Fn(Typed) -> T) {
        out.clear();
        // A column without nulls is read straight from its values (no validity to
        // zip with); one with nulls value by value.
        macro_rules! convert {
            ($a:expr, $to:expr) => {{
                let a = (**$a).clone().sliced(rows.start, rows.len());
                match a.validity().filter(|v| v.unset_bits() > 0) {
                    None => out.extend(a.values_iter().map(|v| f($to(v)))),
                    // Values and validity bits side by side (polars' zipped iterator
                    // checks its own state for every value).
                    Some(valid) => out.extend(
                        a.values_iter()
                            .zip(valid.iter())
                            .map(|(v, ok)| f(if ok { $to(v) } else { Typed::Null })),
                    ),
                }
            }};
        }
        match self {
            View::Int(a) => convert!(a, |v: &i64| Typed::Int(*v)),
            View::Float(a) => convert!(a, |v: &f64| Typed::Float(*v)),
            View::Bool(a) => convert!(a, Typed::Bool),
            View::Flags(v) => out.extend(
                v[rows]
                    .iter()
                    .map(|&b| f(flag_value(b).unwrap_or(Typed::Null))),
            ),
            View::Date(a) => convert!(a, |d: &i32| date_value(*d)),
            View::Stamp(a, p, o) => convert!(a, |v: &i64| stamp_value(*v, *p, *o)),
            View::Text(_) | View::Dict(..) | View::None => {
                out.extend(rows.map(|i| f(self.get(i).1)))
            }
        }
    }
}

/// A flag's byte ([`booleans`]) as a typed value; None for a null.
#[inline(always)]
fn flag_value(b: u8) -> Option<Typed> {
    (b != booleans::NULL).then_some(Typed::Bool(b == 1))
}

/// The fast path of a typed batch: when ids, channel and status are text, dates are
/// dates or timestamps, and numbers and flags are numbers or booleans, a row becomes a
/// [`Dossier`] straight from the typed values, with the checks of [`super::row::parse`].
/// A row that fails any of them (or needs its deadline computed) takes the general
/// path, so that what is reported, and how, is exactly the same. Typed values are
/// converted a column at a time ([`View::each`]) for [`CHUNK`] rows at once, into
/// buffers reused from chunk to chunk (they stay in the core's cache); a row then
/// only reads them.
struct Fast<'a> {
    /// The typed batch's columns in [`Fields::COLUMNS`]' order.
    cols: [&'a View<'a>; WIDTH],
    /// The text columns: dossier_id, unit_id, channel, status, procedure_id.
    text: [Option<&'a View<'a>>; 5],
    /// The first row of the chunk converted.
    start: usize,
    /// received_at, due_at, finished_at: a date or timestamp, a null (Some(None)), or
    /// a value of another type (None).
    stamps: [Vec<Option<Option<Stamp>>>; 3],
    fee: Vec<Option<bool>>,
    /// paid_online, digitized, e_result.
    flags: [Vec<Option<bool>>; 3],
    rating: Vec<Option<Option<u8>>>,
    /// A channel or status column read as its dictionary: each value parsed once, by
    /// key (empty for a column read as text).
    channels: Vec<Option<Channel>>,
    statuses: Vec<Option<Status>>,
}

/// Row `row`'s value of a dictionary column from `table`, its values parsed once by key
/// ([`parsed`]); None for a null, as for empty text.
#[inline]
fn by_key<T: Copy>(keys: &PrimitiveArray<u32>, row: usize, table: &[Option<T>]) -> Option<T> {
    let k = keys.is_valid(row).then(|| keys.value(row) as usize)?;
    table.get(k).copied().flatten()
}

/// Each value of a column read as its dictionary, trimmed and parsed (empty for another
/// column).
fn parsed<T>(column: Option<&View>, parse: fn(&str) -> Option<T>) -> Vec<Option<T>> {
    match column {
        Some(View::Dict(_, values)) => (0..values.len())
            .map(|k| parse(super::row::trim(values.value(k))))
            .collect(),
        _ => Vec::new(),
    }
}

/// The columns a dossier needs, the text ones, the dates and the flags, by slot.
const REQUIRED: [usize; 5] = [
    slot::dossier_id,
    slot::unit_id,
    slot::received_at,
    slot::channel,
    slot::status,
];
const TEXT: [usize; 5] = [
    slot::dossier_id,
    slot::unit_id,
    slot::channel,
    slot::status,
    slot::procedure_id,
];
const STAMPS: [usize; 3] = [slot::received_at, slot::due_at, slot::finished_at];
const FLAGS: [usize; 3] = [slot::paid_online, slot::digitized, slot::e_result];

/// The rows a typed batch converts at once ([`Fast`]): its buffers (about 50 bytes a
/// row) stay well inside a core's cache.
const CHUNK: usize = 4096;
/// How many rows ahead a typed scan tells the visitor of a row's unit (see
/// [`super::pool::Visitor::ahead`]): far enough for the fetch to arrive, near enough
/// to stay in the cache.
const AHEAD: usize = 8;
/// The rows whose hints are kept (at least [`AHEAD`] + 1: a row's hint is read before
/// the hint of the row [`AHEAD`] on is written).
const HINTS: usize = 16;

impl<'a> Fast<'a> {
    fn of(readers: &'a [View<'a>], index: &[Option<usize>]) -> Option<Fast<'a>> {
        let mut cols: [Option<&View>; WIDTH] = [None; WIDTH];
        for (c, idx) in cols.iter_mut().zip(index) {
            *c = idx.map(|i| &readers[i]);
        }
        let is = |slot: usize, ok: fn(&View) -> bool| cols[slot].is_none_or(|v| ok(v));
        let text = |v: &View| matches!(v, View::Text(_) | View::Dict(..));
        let date = |v: &View| matches!(v, View::Date(_) | View::Stamp(..));
        let number = |v: &View| matches!(v, View::Int(_) | View::Float(_));
        let flag = |v: &View| matches!(v, View::Bool(_) | View::Flags(_) | View::Int(_));
        let required = REQUIRED.iter().all(|&s| cols[s].is_some());
        let typed = TEXT.iter().all(|&s| is(s, text))
            && STAMPS.iter().all(|&s| is(s, date))
            && is(slot::fee, number)
            && FLAGS.iter().all(|&s| is(s, flag))
            && is(slot::rating, |v| matches!(v, View::Int(_)));
        if !(required && typed) {
            return None;
        }
        let text = |slot: usize| cols[slot].filter(|v| text(v));
        Some(Fast {
            cols: cols.map(|c| c.unwrap_or(&View::None)),
            text: TEXT.map(text),
            start: 0,
            stamps: Default::default(),
            fee: Vec::with_capacity(CHUNK),
            flags: Default::default(),
            rating: Vec::with_capacity(CHUNK),
            channels: parsed(cols[slot::channel], Channel::parse),
            statuses: parsed(cols[slot::status], Status::parse),
        })
    }

    /// Converts rows `rows` (at most [`CHUNK`]) for [`Fast::dossier`].
    fn convert(&mut self, rows: std::ops::Range<usize>) {
        let stamp = |t: Typed| match t {
            Typed::Stamp(s) => Some(Some(s)),
            Typed::Null => Some(None),
            _ => None,
        };
        self.start = rows.start;
        for (out, slot) in self.stamps.iter_mut().zip([2, 6, 7]) {
            self.cols[slot].each(rows.clone(), out, stamp);
        }
        for (out, slot) in self.flags.iter_mut().zip([9, 10, 11]) {
            self.cols[slot].each(rows.clone(), out, super::row::typed_flag);
        }
        self.cols[slot::fee].each(rows.clone(), &mut self.fee, super::row::typed_fee);
        self.cols[slot::rating].each(rows, &mut self.rating, super::row::typed_rating);
    }

    /// Text column `k` of [`Fast::text`] at `row`, trimmed ("" when absent or null).
    #[inline]
    fn text(&self, k: usize, row: usize) -> &'a str {
        match self.text[k] {
            Some(v) => super::row::trim(v.text(row).unwrap_or("")),
            None => "",
        }
    }

    /// The unit id of row `row` as stored ("" past the batch's end or when null).
    #[inline]
    fn unit_at(&self, row: usize) -> &'a str {
        match self.text[1] {
            Some(v) if row < v.len() => v.text(row).unwrap_or(""),
            _ => "",
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
    fn text(&self, at: usize) -> &'a str {
        // The place of the slot among the text columns (TEXT's order).
        let k = match at {
            slot::dossier_id => 0,
            slot::unit_id => 1,
            slot::channel => 2,
            slot::status => 3,
            _ => 4,
        };
        self.fast.text(k, self.row)
    }
    #[inline]
    fn stamp(&self, at: usize) -> Option<Option<Stamp>> {
        // The place of the slot among the dates (STAMPS' order).
        let k = match at {
            slot::received_at => 0,
            slot::due_at => 1,
            _ => 2,
        };
        self.fast.stamps[k][self.row - self.fast.start]
    }
    #[inline]
    fn fee(&self) -> Option<bool> {
        self.fast.fee[self.row - self.fast.start]
    }
    #[inline]
    fn flag(&self, at: usize) -> Option<bool> {
        // The place of the slot among the flags (FLAGS' order).
        let k = match at {
            slot::paid_online => 0,
            slot::digitized => 1,
            _ => 2,
        };
        self.fast.flags[k][self.row - self.fast.start]
    }
    #[inline]
    fn rating(&self) -> Option<Option<u8>> {
        self.fast.rating[self.row - self.fast.start]
    }
    #[inline]
    fn channel(&self) -> Option<Channel> {
        match self.fast.cols[slot::channel] {
            View::Dict(keys, _) => by_key(keys, self.row, &self.fast.channels),
            _ => Channel::parse(self.text(slot::channel)),
        }
    }
    #[inline]
    fn status(&self) -> Option<Status> {
        match self.fast.cols[slot::status] {
            View::Dict(keys, _) => by_key(keys, self.row, &self.fast.statuses),
            _ => Status::parse(self.text(slot::status)),
        }
    }
}

/// The period's window on a typed file: the first value of `received_at` past the
/// period (a row received then or later touches no day of it) and the first value of
/// `finished_at` inside it (a row finished earlier touches none), in each column's own
/// stored units. None for a column that is absent, text, or whose threshold does not
/// fit its type. A null is never outside: the fold judges it.
#[derive(Clone, Copy, Default)]
struct Window {
    received_from: Option<i64>,
    finished_before: Option<i64>,
}

/// A column's stored value at the start of local day `day`, for a typed date or
/// timestamp column (a timestamp with a zone is an instant: local midnight is 7 hours
/// earlier).
fn day_value(dtype: &DataType, day: i64) -> Option<i64> {
    match dtype {
        DataType::Date => Some(day),
        DataType::Datetime(unit, tz) => {
            let (per_second, offset) = stamp_scale(unit, tz.is_some());
            (day * 86_400 - offset).checked_mul(per_second)
        }
        _ => None,
    }
}

impl Window {
    /// The window of span `(from, to)` (days, [`super::Options::span`]) on a file's
    /// schema.
    fn of(schema: &ArrowSchema, span: (i64, i64)) -> Window {
        let value = |name: &str, day: i64| {
            let field = schema.get(name)?;
            day_value(&DataType::from_arrow_field(field), day)
        };
        Window {
            received_from: value("received_at", span.1 + 1),
            finished_before: value("finished_at", span.0),
        }
    }

    /// Whether a row's stored `received_at` / `finished_at` put it outside the period.
    #[inline]
    fn outside(&self, received: Option<i64>, finished: Option<i64>) -> bool {
        matches!((received, self.received_from), (Some(v), Some(t)) if v >= t)
            || matches!((finished, self.finished_before), (Some(v), Some(t)) if v < t)
    }

    /// Whether every row of a row group is outside, by its statistics: no null in the
    /// column, and its min received past the period or its max finished before it.
    fn skips(
        &self,
        group: &polars_parquet::parquet::metadata::RowGroupMetadata,
        footer: &[u8],
    ) -> bool {
        let bound = |name: &str, max: bool| -> Option<i64> {
            let mut chunks = group.columns_under_root_iter(name)?;
            let chunk = chunks.next()?;
            use polars_parquet::parquet::statistics::Statistics as S;
            let (nulls, value) = match chunk.statistics(footer)?.ok()? {
                S::Int64(p) => (p.null_count, if max { p.max_value } else { p.min_value }),
                S::Int32(p) => (
                    p.null_count,
                    (if max { p.max_value } else { p.min_value }).map(i64::from),
                ),
                _ => return None,
            };
            (nulls == Some(0)).then_some(value).flatten()
        };
        self.received_from
            .is_some_and(|t| bound("received_at", false).is_some_and(|min| min >= t))
            || self
                .finished_before
                .is_some_and(|t| bound("finished_at", true).is_some_and(|max| max < t))
    }
}

impl View<'_> {
    /// Row `i`'s stored value in a typed date or timestamp column (None for a null or
    /// another type).
    #[inline]
    fn stored(&self, i: usize) -> Option<i64> {
        match self {
            View::Date(a) => a.get(i).map(i64::from),
            View::Stamp(a, _, _) => a.get(i),
            _ => None,
        }
    }
}

/// What the visitor said of the units of the rows [`AHEAD`], kept by row; and, when
/// the unit column is read as its dictionary, by key: a unit is then looked up once
/// per row group, not once per row (on a log of thousands of units the look-up misses
/// the cache on most rows).
struct Hints {
    rows: [(usize, Option<usize>); HINTS],
    /// Each key's slot, once the visitor knew it (`u32::MAX`: not yet).
    by_key: Vec<u32>,
}

impl Hints {
    /// The hints of a batch whose unit column is `unit`: a dictionary's units the
    /// visitor knows already are looked up at once, one after another (the look-ups'
    /// misses overlap).
    fn new<V: Visitor>(v: &mut V, unit: &View) -> Hints {
        let by_key = match unit {
            View::Dict(_, values) => (0..values.len())
                .map(|k| {
                    v.ahead(values.value(k))
                        .and_then(|s| u32::try_from(s).ok())
                        .unwrap_or(u32::MAX)
                })
                .collect(),
            _ => Vec::new(),
        };
        Hints {
            rows: [(usize::MAX, None); HINTS],
            by_key,
        }
    }

    /// Row `row`'s hint, if it was asked for (a row the window skipped was not).
    #[inline]
    fn take(&self, row: usize) -> Option<usize> {
        match self.rows[row % HINTS] {
            (r, h) if r == row => h,
            _ => None,
        }
    }

    /// Tells the visitor of row `next`'s unit and keeps what it says.
    #[inline]
    fn ask<V: Visitor>(&mut self, v: &mut V, fast: &Fast, unit: &View, next: usize) {
        let key = match unit {
            View::Dict(keys, values) if next < keys.len() && keys.is_valid(next) => {
                let k = keys.value(next) as usize;
                // The row will read its unit's text from the dictionary.
                super::prefetch(values.views().as_ptr().wrapping_add(k).cast());
                Some(k)
            }
            _ => None,
        };
        let known = key.and_then(|k| self.by_key.get(k).copied());
        let hint = match known {
            Some(s) if s != u32::MAX => {
                v.fetch(s as usize);
                Some(s as usize)
            }
            _ => {
                let h = v.ahead(fast.unit_at(next));
                if let (Some(s), Some(cached)) = (h, key.and_then(|k| self.by_key.get_mut(k))) {
                    *cached = u32::try_from(s).unwrap_or(u32::MAX);
                }
                h
            }
        };
        self.rows[next % HINTS] = (next, hint);
    }
}

/// One row group of a file, decoded, turned into rows for a visitor.
struct Batch<'a> {
    /// The columns read, in the order of [`Plan::present`], and how many rows.
    columns: &'a [Owned],
    height: usize,
    /// Each of [`Fields::COLUMNS`]' place among the columns read.
    index: &'a [Option<usize>],
    /// The number of the group's first row.
    first: u64,
    window: Option<Window>,
}

impl Batch<'_> {
    /// Hands every row to the visitor in file order — rows outside the window left
    /// unread, then the fast path, else the general one; Some(stop) if it stopped.
    fn rows<V: Visitor>(&self, v: &mut V) -> PolarsResult<Option<Stop>> {
        let readers: Vec<View> = self.columns.iter().map(Owned::view).collect();
        let none = View::None;
        let column = |s: usize| self.index[s].map_or(&none, |i| &readers[i]);
        let (received, finished) = (column(slot::received_at), column(slot::finished_at));
        let unit = column(slot::unit_id);
        let mut unread = 0;
        let mut fast = Fast::of(&readers, self.index);
        // Only the fast path takes hints.
        let mut hints = Hints::new(v, if fast.is_some() { unit } else { &none });
        for row in 0..self.height {
            if row % CHUNK == 0 {
                if let Some(f) = fast.as_mut() {
                    f.convert(row..(row + CHUNK).min(self.height));
                }
            }
            if let Some(w) = &self.window {
                if w.outside(received.stored(row), finished.stored(row)) {
                    unread += 1;
                    continue;
                }
            }
            let line = self.first + row as u64;
            let hint = hints.take(row);
            if let Some(f) = fast.as_ref() {
                hints.ask(v, f, unit, row + AHEAD);
            }
            if let Some((ids, d)) = fast.as_ref().and_then(|f| f.dossier(row)) {
                match v.dossier(line, &ids, &d, hint) {
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
            fields.typed = &typed;
            if v.row(line, &fields) {
                return Ok(Some(Stop::Visitor));
            }
        }
        if unread > 0 {
            v.unread(unread);
        }
        Ok(None)
    }
}

/// One file of the scan, its footer read.
struct Plan<'a> {
    src: &'a File<'a>,
    footer: Footer,
    /// The wanted columns present in the file, in the order read.
    present: Vec<String>,
    /// Each of [`Fields::COLUMNS`]' place in `present`.
    index: Vec<Option<usize>>,
    /// Each row group's first row in the file.
    starts: Vec<u64>,
    window: Option<Window>,
    /// The number of the file's row 0 (file `i`: `i << PART_BITS` + 1).
    base: u64,
}

impl<'a> Plan<'a> {
    /// File `i` of the scan: its footer read, the `wanted` columns it has, the window
    /// of `span` on it.
    fn new(
        i: usize,
        src: &'a File<'a>,
        wanted: &[&str],
        span: Option<(i64, i64)>,
    ) -> Result<Plan<'a>, DossierError> {
        let footer = footer(src.path).map_err(|e| read_err(src.shown, e))?;
        let present: Vec<String> = wanted
            .iter()
            .filter(|w| src.columns.iter().any(|c| c == *w))
            .map(|w| w.to_string())
            .collect();
        let index = Fields::COLUMNS
            .iter()
            .map(|c| present.iter().position(|p| p == c))
            .collect();
        let starts = footer
            .meta
            .row_groups
            .iter()
            .scan(0u64, |at, g| {
                let start = *at;
                *at += g.num_rows() as u64;
                Some(start)
            })
            .collect();
        let window = span.map(|w| Window::of(&footer.schema, w));
        Ok(Plan {
            src,
            footer,
            present,
            index,
            starts,
            window,
            base: ((i as u64) << super::PART_BITS) + 1,
        })
    }

    /// Reads and decodes row group `g`'s wanted columns, cast where cchc reads another
    /// type. Each column chunk is read with one positional read of the byte range the
    /// footer gives (checked against the file's length first). Every column must hold
    /// the group's number of rows.
    fn decode(&self, g: usize) -> PolarsResult<Vec<Owned>> {
        let group = &self.footer.meta.row_groups[g];
        let mut file = std::fs::File::open(self.src.path)?;
        let size = file.metadata()?.len();
        let mut columns = Vec::with_capacity(self.present.len());
        for name in &self.present {
            let field = self
                .footer
                .schema
                .get(name.as_str())
                .ok_or_else(|| polars_err!(ColumnNotFound: "{name}"))?;
            let mut parts = Vec::new();
            for chunk in group.columns_under_root_iter(name).into_iter().flatten() {
                let range = chunk.byte_range();
                if range.start > range.end || range.end > size {
                    polars_bail!(ComputeError: "column {name}: its data lies beyond the end of the file");
                }
                let mut bytes = vec![0u8; (range.end - range.start) as usize];
                file.seek(SeekFrom::Start(range.start))?;
                file.read_exact(&mut bytes)?;
                let facts = super::pages::Chunk {
                    values: chunk.num_values(),
                    physical: chunk.physical_type(),
                    flat: chunk.descriptor().descriptor.max_rep_level == 0,
                };
                let pages = super::pages::check(&bytes, &facts, group.num_rows())
                    .map_err(|e| polars_err!(ComputeError: "column {name}: {e}"))?;
                parts.push((chunk, Buffer::from_vec(bytes), pages.all_dictionary));
            }
            let rows = group.num_rows();
            let column = contained(name, || {
                match dictionary(&parts, field).or_else(|| flags(&parts, rows)) {
                    Some(d) => d,
                    None => Owned::of(&typed_series(&parts, field, rows)?.into_column()),
                }
            })?;
            let len = column.view().len();
            if len != group.num_rows() {
                polars_bail!(ComputeError: "column {name}: {len} values in a row group of {} rows", group.num_rows());
            }
            columns.push(column);
        }
        Ok(columns)
    }
}

/// A column's chunks decoded into a series of the type cchc reads it in (all nulls
/// when the group has no chunk of it).
fn typed_series(parts: &[Part], field: &ArrowField, rows: usize) -> PolarsResult<Series> {
    let series = if parts.is_empty() {
        Series::full_null(field.name.clone(), rows, &DataType::from_arrow_field(field))
    } else {
        let chunks = parts.iter().map(|(c, b, _)| (*c, b.clone())).collect();
        let (arrays, _) = to_deserializer(chunks, field.clone(), None)?;
        Series::try_from((field, arrays))?
    };
    match read_as(series.dtype()) {
        Some(t) => series.cast(&t),
        None => Ok(series),
    }
}

/// A column chunk read from the file, its bytes, and whether its headers say it is
/// wholly dictionary-encoded ([`super::pages::check`]).
type Part<'a> = (&'a ColumnChunkMetadata, Buffer<u8>, bool);

/// Decodes column `name` through `f`: its error, or a panic in a decoder (on data its
/// headers did not show to be damaged), named with the column.
fn contained(name: &str, f: impl FnOnce() -> PolarsResult<Owned>) -> PolarsResult<Owned> {
    match crate::caught::catching(f) {
        Ok(Ok(column)) => Ok(column),
        Ok(Err(e)) => Err(polars_err!(ComputeError: "column {name}: {e}")),
        Err(why) => Err(polars_err!(
            ComputeError: "column {name}: data the Parquet decoder cannot read ({why})"
        )),
    }
}

/// A text column read as its dictionary — each row's key into the distinct values the
/// chunk stores first — when it is one chunk whose pages are all dictionary-encoded
/// (what writers write for a column of few distinct values, such as units). None to
/// read it as text: another type, no dictionary, or a page stored plainly (writers
/// fall back to that when the dictionary grows large). The pages' headers are read
/// first, so that polars' dictionary decoder is never given a chunk it does not take
/// (it fails on a plain page, and unwraps the dictionary's size).
fn dictionary(parts: &[Part], field: &ArrowField) -> Option<PolarsResult<Owned>> {
    let [(chunk, bytes, all_dictionary)] = parts else {
        return None;
    };
    if field.dtype != ArrowDataType::Utf8View || !all_dictionary {
        return None;
    }
    let mut marked = field.clone();
    marked.dtype = ArrowDataType::Dictionary(
        IntegerType::UInt32,
        Box::new(ArrowDataType::Utf8View),
        false,
    );
    let mut metadata = Metadata::new();
    metadata.insert(DTYPE_CATEGORICAL_NEW.into(), "".into());
    marked.metadata = Some(Arc::new(metadata));
    let decoded = to_deserializer(vec![(*chunk, bytes.clone())], marked, None);
    Some(decoded.and_then(|(arrays, _)| {
        let [array] = arrays.as_slice() else {
            polars_bail!(ComputeError: "column {}: {} arrays from one chunk", field.name, arrays.len());
        };
        let dict = array
            .as_any()
            .downcast_ref::<DictionaryArray<u32>>()
            .ok_or_else(|| polars_err!(ComputeError: "column {}: not read as a dictionary", field.name))?;
        let values = dict
            .values()
            .as_any()
            .downcast_ref::<Utf8ViewArray>()
            .ok_or_else(|| polars_err!(ComputeError: "column {}: a dictionary of other values", field.name))?;
        Ok(Owned::Dict(dict.keys().clone(), values.clone()))
    }))
}

/// A boolean column read by cchc ([`booleans`]) when it is one chunk in the form that
/// reads; None to leave it to polars.
fn flags(parts: &[Part], rows: usize) -> Option<PolarsResult<Owned>> {
    let [(chunk, bytes, _)] = parts else {
        return None;
    };
    let read = booleans::decode(chunk, bytes, rows)?;
    Some(
        read.map(Owned::Flags)
            .map_err(|e| polars_err!(ComputeError: "{e}")),
    )
}

/// The Parquet scan of one file or of a dataset's files in turn: the workers take the
/// row groups to read in turn, in file order; each worker decodes its group and turns
/// it into rows ([`Batch`]). File `i`'s rows are numbered from `i << PART_BITS` + 1 (a
/// single file from 1).
pub fn scan<V: Visitor>(
    files: &[File],
    wanted: &[&str],
    window: Option<(i64, i64)>,
    visitor: V,
) -> Result<V, DossierError> {
    let plans = files
        .iter()
        .enumerate()
        .map(|(i, f)| Plan::new(i, f, wanted, window))
        .collect::<Result<Vec<Plan>, DossierError>>()?;
    let mut skipped = 0u64;
    let mut groups = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        for (g, group) in p.footer.meta.row_groups.iter().enumerate() {
            // A group's statistics come from the footer: reading them is polars'.
            let skips = crate::caught::catching(|| {
                p.window
                    .is_some_and(|w| w.skips(group, &p.footer.meta.footer_buf))
            })
            .map_err(|why| {
                let why = format!("row group {}: statistics it cannot read ({why})", g + 1);
                read_err(p.src.shown, why)
            })?;
            if skips {
                skipped += group.num_rows() as u64;
            } else {
                groups.push((i, g));
            }
        }
    }
    let mut groups = groups.into_iter();
    let next = |_: Option<(usize, usize)>| Ok(groups.next());
    let process = |&(i, g): &(usize, usize), v: &mut V| -> Option<Stop> {
        let plan = &plans[i];
        let mut read = || -> PolarsResult<Option<Stop>> {
            let columns = plan.decode(g)?;
            Batch {
                columns: &columns,
                height: plan.footer.meta.row_groups[g].num_rows(),
                index: &plan.index,
                first: plan.base + plan.starts[g],
                window: plan.window,
            }
            .rows(v)
        };
        read().unwrap_or_else(|e| {
            let (first, rows) = (
                plan.starts[g] + 1,
                plan.footer.meta.row_groups[g].num_rows(),
            );
            let last = first + rows as u64 - 1;
            let why = format!("rows {first}-{last} (row group {}): {e}", g + 1);
            Some(Stop::Read(read_err(plan.src.shown, why)))
        })
    };
    let mut v = pull(visitor, next, process)?;
    if skipped > 0 {
        v.unread(skipped);
    }
    Ok(v)
}
