//! The dossier-log engine: 766-style indicators per unit (or procedure, channel, month)
//! from one-stop dossier logs of any size (PRODUCT.md, "Dossier metrics").
//!
//! The folder has plain parts: [`source`] opens a log and checks its header, [`pool`]
//! runs a scan on one worker per core, [`csvlog`] splits CSV blocks, [`parquet`] hands
//! a Parquet log's row groups to the workers, which decode them with polars' decoders
//! (polars lives there and in [`columnar`], which writes Parquet outputs, and nowhere
//! else), [`row`] parses one
//! record and [`fold`] counts them and finds duplicate ids. Either way only the
//! needed columns are read, and the rows reach a fold written in plain Rust ([`row`])
//! that parses fixed-format dates cheaply, checks every row and adds it to exact
//! integer counts. Memory stays bounded by the blocks in flight plus the duplicate-id
//! check's budget ([`hashes`]: 8 bytes a dossier in memory up to `--id-check-memory`,
//! sorted runs on disk beyond it), whatever the number of rows. Everything outside this folder sees only
//! [`Counts`], [`MetricsTable`] and plain Rust types, so a polars upgrade touches this
//! folder alone.

mod booleans;
mod calendar;
mod columnar;
mod counts;
mod csvlog;
mod fold;
mod hashes;
mod official;
mod pages;
mod parquet;
mod pool;
mod procedures;
mod row;
mod source;
mod sql;
mod sql766;

pub use columnar::{parquet as parquet_bytes, Values as ParquetValues};
pub use official::{
    procedure_shares, shares as official_shares, Dossier as OfficialDossier, End, Gathered, Judged,
    MaxTime, Online, Outcome, Petition, PetitionTally, Procedure as OfficialProcedure,
    ProcedureRule, ProcedureUse, Setup as OfficialSetup, Share, Supplement, Tally, Window,
};
pub use source::ScanOptions;
pub use sql::Dialect;

/// The files of a dossier log: the log itself, or every Parquet file of a dataset
/// (a folder or a glob), in the order the scan reads them.
pub fn log_files(path: &std::path::Path) -> Result<Vec<std::path::PathBuf>, DossierError> {
    if !source::is_dataset(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    let shown = path.display().to_string();
    Ok(source::dataset_files(path, &shown, None)?.0)
}

use crate::diag::{Code, Diagnostic};
use crate::input::RowStats;
use crate::period::Period;
use rust_decimal::Decimal;
use std::path::Path;

/// Asks for the cache line at `p` (a hint: it never faults, whatever the address).
#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` reads nothing the program sees and cannot fault.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

pub use calendar::Calendar;
pub use procedures::Procedures;

/// Exact counts of one group for one period (PRODUCT.md's metrics table). `u64`
/// everywhere outside a scan; a scan's workers count in `u32` (half the memory, so the
/// counts of thousands of units stay in the core's cache) and widen them before
/// `u32` could overflow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts<T = u64> {
    /// Received in the period.
    pub received: T,
    /// Received before the period, still open at its start.
    pub carried_over: T,
    /// Resolved in the period.
    pub resolved: T,
    /// Resolved before the due date.
    pub early: T,
    /// Resolved on the due date.
    pub on_time: T,
    /// Resolved after the due date.
    pub late: T,
    /// Returned or withdrawn in the period.
    pub returned: T,
    /// Open at the end of the period.
    pub pending: T,
    /// Open at the end and already past due.
    pub pending_overdue: T,
    /// Received online.
    pub online: T,
    /// Received by post.
    pub postal: T,
    /// Received with a fee above 0.
    pub fee_received: T,
    /// …and paid online.
    pub fee_paid_online: T,
    /// Received and digitised.
    pub digitized: T,
    /// Resolved with an electronic result.
    pub e_result: T,
    /// Resolved with a rating.
    pub rated: T,
    /// Resolved with a rating of 4 or 5.
    pub satisfied: T,
    /// Due (deadline) within the period, whatever became of them — a denominator
    /// some provinces use (`--rate-definition on_time_rate=due_in_period`); not a
    /// column of the metrics table.
    pub due_in_period: T,
}

impl<T: Copy> Counts<T> {
    /// `f` applied to each count of `self` and `o`, field by field: the one list of the
    /// fields that adding and widening go through.
    fn zip<U: Copy, V>(self, o: Counts<U>, f: impl Fn(T, U) -> V) -> Counts<V> {
        Counts {
            received: f(self.received, o.received),
            carried_over: f(self.carried_over, o.carried_over),
            resolved: f(self.resolved, o.resolved),
            early: f(self.early, o.early),
            on_time: f(self.on_time, o.on_time),
            late: f(self.late, o.late),
            returned: f(self.returned, o.returned),
            pending: f(self.pending, o.pending),
            pending_overdue: f(self.pending_overdue, o.pending_overdue),
            online: f(self.online, o.online),
            postal: f(self.postal, o.postal),
            fee_received: f(self.fee_received, o.fee_received),
            fee_paid_online: f(self.fee_paid_online, o.fee_paid_online),
            digitized: f(self.digitized, o.digitized),
            e_result: f(self.e_result, o.e_result),
            rated: f(self.rated, o.rated),
            satisfied: f(self.satisfied, o.satisfied),
            due_in_period: f(self.due_in_period, o.due_in_period),
        }
    }
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        *self = self.zip(o, |a, b| a + b);
    }
}

impl From<Counts<u32>> for Counts {
    fn from(c: Counts<u32>) -> Counts {
        c.zip(Counts::<u8>::default(), |a, _| u64::from(a))
    }
}

impl Counts {
    /// The count columns, in output order.
    pub fn columns(&self) -> [(&'static str, u64); 11] {
        [
            ("received", self.received),
            ("carried_over", self.carried_over),
            ("resolved", self.resolved),
            ("early", self.early),
            ("on_time", self.on_time),
            ("late", self.late),
            ("returned", self.returned),
            ("pending", self.pending),
            ("pending_overdue", self.pending_overdue),
            ("online", self.online),
            ("postal", self.postal),
        ]
    }
}

/// A rate of PRODUCT.md's metrics table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// (early + on_time) / resolved
    OnTimeRate,
    /// online / received
    OnlineShare,
    /// received with a fee, paid online / received with a fee
    PaymentOnlineShare,
    /// digitised / received
    DigitizedRate,
    /// e-result / resolved
    EResultRate,
    /// rated ≥ 4 / rated (resolved)
    SatisfactionRate,
}

impl Metric {
    /// Every rate, in output order.
    pub const ALL: [Metric; 6] = [
        Metric::OnTimeRate,
        Metric::OnlineShare,
        Metric::PaymentOnlineShare,
        Metric::DigitizedRate,
        Metric::EResultRate,
        Metric::SatisfactionRate,
    ];

    /// The column name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::OnTimeRate => "on_time_rate",
            Metric::OnlineShare => "online_share",
            Metric::PaymentOnlineShare => "payment_online_share",
            Metric::DigitizedRate => "digitized_rate",
            Metric::EResultRate => "e_result_rate",
            Metric::SatisfactionRate => "satisfaction_rate",
        }
    }

    /// The metric with this column name.
    pub fn parse(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Numerator, denominator, and the counts behind them in words.
    pub fn fraction(self, c: &Counts) -> (u64, u64, String) {
        match self {
            Metric::OnTimeRate => (
                c.early + c.on_time,
                c.resolved,
                format!(
                    "(early {} + on_time {}) / resolved {}",
                    c.early, c.on_time, c.resolved
                ),
            ),
            Metric::OnlineShare => (
                c.online,
                c.received,
                format!("online {} / received {}", c.online, c.received),
            ),
            Metric::PaymentOnlineShare => (
                c.fee_paid_online,
                c.fee_received,
                format!(
                    "paid online {} / received with a fee {}",
                    c.fee_paid_online, c.fee_received
                ),
            ),
            Metric::DigitizedRate => (
                c.digitized,
                c.received,
                format!("digitized {} / received {}", c.digitized, c.received),
            ),
            Metric::EResultRate => (
                c.e_result,
                c.resolved,
                format!(
                    "electronic results {} / resolved {}",
                    c.e_result, c.resolved
                ),
            ),
            Metric::SatisfactionRate => (
                c.satisfied,
                c.rated,
                format!(
                    "rated 4–5 {} / resolved with a rating {}",
                    c.satisfied, c.rated
                ),
            ),
        }
    }

    /// The counts with `k` more dossiers in the numerator and the denominator kept (k
    /// late dossiers resolved on time, k more received online, …): what a unit would
    /// have needed (`cchc advise`). `None` when fewer than `k` dossiers could move.
    pub fn with_more(self, c: &Counts, k: u64) -> Option<Counts> {
        let mut n = *c;
        let (num, den, _) = self.fraction(c);
        if num + k > den {
            return None;
        }
        match self {
            Metric::OnTimeRate => {
                n.late = n.late.checked_sub(k)?;
                n.on_time += k;
            }
            Metric::OnlineShare => n.online += k,
            Metric::PaymentOnlineShare => n.fee_paid_online += k,
            Metric::DigitizedRate => n.digitized += k,
            Metric::EResultRate => n.e_result += k,
            Metric::SatisfactionRate => n.satisfied += k,
        }
        Some(n)
    }

    /// What `k` more in the numerator means, in words: `4 more of the 153 resolved
    /// on time` (`thêm 4/153 hồ sơ giải quyết đúng hạn`).
    pub fn more_words(self, k: u64, den: u64, lang: crate::lang::Lang) -> String {
        let (what, of, vi) = match self {
            Metric::OnTimeRate => ("on time", "resolved", "giải quyết đúng hạn"),
            Metric::OnlineShare => ("online", "received", "tiếp nhận trực tuyến"),
            Metric::PaymentOnlineShare => (
                "paid online",
                "received with a fee",
                "thanh toán trực tuyến",
            ),
            Metric::DigitizedRate => ("digitized", "received", "được số hóa"),
            Metric::EResultRate => (
                "with an electronic result",
                "resolved",
                "trả kết quả điện tử",
            ),
            Metric::SatisfactionRate => ("rated 4–5", "rated", "được đánh giá hài lòng (4–5)"),
        };
        match lang {
            crate::lang::Lang::En => format!("{k} more of the {den} {of} {what}"),
            crate::lang::Lang::Vi => format!("thêm {k}/{den} hồ sơ {vi}"),
        }
    }

    /// The default definition in words.
    fn definition(self) -> &'static str {
        match self {
            Metric::OnTimeRate => "(early + on_time) / resolved",
            Metric::OnlineShare => "online / received",
            Metric::PaymentOnlineShare => "paid online / received with a fee",
            Metric::DigitizedRate => "digitized / received",
            Metric::EResultRate => "e_result / resolved",
            Metric::SatisfactionRate => "rated 4–5 / resolved with a rating",
        }
    }
}

/// Denominators that differ from PRODUCT.md's defaults, as provinces use them
/// (`--rate-definition online_share=received+carried_over`). Every output says which
/// definition each rate used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateDefinitions {
    over: Vec<(Metric, Vec<&'static str>)>,
}

impl RateDefinitions {
    /// Parses `METRIC=COLUMN[+COLUMN…]` items; columns are count columns of the table.
    pub fn parse(items: &[String]) -> Result<RateDefinitions, String> {
        let counts: Vec<&'static str> = Counts::default()
            .columns()
            .iter()
            .map(|(n, _)| *n)
            .chain([DUE_IN_PERIOD])
            .collect();
        let mut over: Vec<(Metric, Vec<&'static str>)> = Vec::new();
        for item in items {
            let (m, den) = item.split_once('=').ok_or_else(|| {
                format!(
                    "`{item}` is not METRIC=DENOMINATOR (e.g. online_share=received+carried_over)"
                )
            })?;
            let metric = Metric::parse(m.trim()).ok_or_else(|| {
                let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
                format!("`{m}` is not a rate ({})", names.join(", "))
            })?;
            let mut cols = Vec::new();
            for part in den.split('+') {
                let c = counts.iter().find(|c| **c == part.trim()).ok_or_else(|| {
                    format!("`{part}` is not a count column ({})", counts.join(", "))
                })?;
                cols.push(*c);
            }
            if nesting(metric, &cols) == Nesting::Disjoint {
                return Err(format!(
                    "`{item}`: no dossier of the numerator ({}) is counted in {}, so the rate would mean nothing; use a denominator that contains the numerator's dossiers (e.g. {})",
                    metric.definition().split(" / ").next().unwrap_or_default(),
                    cols.join(" + "),
                    metric.definition().split(" / ").nth(1).unwrap_or_default()
                ));
            }
            over.retain(|(o, _)| *o != metric);
            over.push((metric, cols));
        }
        over.sort_by_key(|(m, _)| Metric::ALL.iter().position(|x| x == m));
        Ok(RateDefinitions { over })
    }

    /// The rates whose denominator holds only some of their numerator's dossiers (so
    /// the rate can exceed 100%), with their definition in words.
    pub fn partial(&self) -> Vec<(Metric, String)> {
        self.over
            .iter()
            .filter(|(m, cols)| nesting(*m, cols) == Nesting::Partial)
            .map(|(m, cols)| {
                let num = m.definition().split(" / ").next().unwrap_or_default();
                (*m, format!("{num} / ({})", cols.join(" + ")))
            })
            .collect()
    }

    /// Whether a rate divides by the dossiers due in the period.
    pub fn uses_due_in_period(&self) -> bool {
        self.over
            .iter()
            .any(|(_, cols)| cols.contains(&DUE_IN_PERIOD))
    }

    fn denominator(&self, m: Metric) -> Option<&[&'static str]> {
        self.over
            .iter()
            .find(|(o, _)| *o == m)
            .map(|(_, c)| c.as_slice())
    }

    /// Numerator, denominator and the counts behind them, under these definitions.
    pub fn fraction(&self, m: Metric, c: &Counts) -> (u64, u64, String) {
        let (n, d, words) = m.fraction(c);
        let Some(cols) = self.denominator(m) else {
            return (n, d, words);
        };
        let mut values = c.columns().to_vec();
        values.push((DUE_IN_PERIOD, c.due_in_period));
        let parts: Vec<(&str, u64)> = cols
            .iter()
            .map(|col| {
                *values
                    .iter()
                    .find(|(name, _)| name == col)
                    .expect("validated column")
            })
            .collect();
        let den: u64 = parts.iter().map(|(_, v)| v).sum();
        let num_words = words.split(" / ").next().unwrap_or_default();
        let den_words: Vec<String> = parts
            .iter()
            .map(|(name, v)| format!("{name} {v}"))
            .collect();
        (n, den, format!("{num_words} / ({})", den_words.join(" + ")))
    }

    /// Each rate's definition in words, for the outputs.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        Metric::ALL
            .iter()
            .map(|m| {
                let text = match self.denominator(*m) {
                    Some(cols) => {
                        let num = m.definition().split(" / ").next().unwrap_or_default();
                        format!("{num} / ({})", cols.join(" + "))
                    }
                    None => m.definition().to_string(),
                };
                (m.name(), text)
            })
            .collect()
    }

    /// Whether every rate uses its default definition.
    pub fn is_default(&self) -> bool {
        self.over.is_empty()
    }

    /// The rate as a percentage rounded half away from zero to 2 places; None when the
    /// denominator is 0.
    pub fn percent(&self, m: Metric, c: &Counts) -> Option<Decimal> {
        let (n, d, _) = self.fraction(m, c);
        crate::num::percent_of(n, d)
    }
}

/// How a rate's denominator relates to its numerator's dossiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nesting {
    /// Every dossier of the numerator is in the denominator.
    Contains,
    /// Some are (the rate can exceed 100%).
    Partial,
    /// None are: the rate means nothing.
    Disjoint,
}

/// The dossiers of the period in disjoint kinds, as bits: origin (received in the
/// period, or carried over) × outcome (early, on time, late, returned, pending, other)
/// × channel (direct, online, postal). Every count column and every numerator is a set
/// of kinds, so whether a denominator contains a numerator is a bit test.
fn kinds(origin: &[usize], outcome: &[usize], channel: &[usize]) -> u64 {
    let mut m = 0u64;
    for &o in origin {
        for &r in outcome {
            for &c in channel {
                m |= 1 << (o * 18 + r * 3 + c);
            }
        }
    }
    m
}

const ANY_ORIGIN: &[usize] = &[0, 1];
const ANY_OUTCOME: &[usize] = &[0, 1, 2, 3, 4, 5];
const ANY_CHANNEL: &[usize] = &[0, 1, 2];

/// The kinds a count column counts.
fn column_kinds(column: &str) -> u64 {
    match column {
        "received" => kinds(&[0], ANY_OUTCOME, ANY_CHANNEL),
        "carried_over" => kinds(&[1], ANY_OUTCOME, ANY_CHANNEL),
        "resolved" => kinds(ANY_ORIGIN, &[0, 1, 2], ANY_CHANNEL),
        "early" => kinds(ANY_ORIGIN, &[0], ANY_CHANNEL),
        "on_time" => kinds(ANY_ORIGIN, &[1], ANY_CHANNEL),
        "late" => kinds(ANY_ORIGIN, &[2], ANY_CHANNEL),
        "returned" => kinds(ANY_ORIGIN, &[3], ANY_CHANNEL),
        "pending" | "pending_overdue" => kinds(ANY_ORIGIN, &[4], ANY_CHANNEL),
        "online" => kinds(&[0], ANY_OUTCOME, &[1]),
        "postal" => kinds(&[0], ANY_OUTCOME, &[2]),
        _ => 0,
    }
}

/// The kinds a rate's numerator counts.
fn numerator_kinds(m: Metric) -> u64 {
    match m {
        Metric::OnTimeRate => kinds(ANY_ORIGIN, &[0, 1], ANY_CHANNEL),
        Metric::OnlineShare => kinds(&[0], ANY_OUTCOME, &[1]),
        Metric::PaymentOnlineShare | Metric::DigitizedRate => kinds(&[0], ANY_OUTCOME, ANY_CHANNEL),
        Metric::EResultRate | Metric::SatisfactionRate => {
            kinds(ANY_ORIGIN, &[0, 1, 2], ANY_CHANNEL)
        }
    }
}

/// A dataset's row numbers: the file's index above these bits, its row below (2^40
/// rows a file, 2^24 files).
pub const PART_BITS: u32 = 40;

/// The denominator of the dossiers due in the period (a count, not a table column).
pub const DUE_IN_PERIOD: &str = "due_in_period";

fn nesting(m: Metric, columns: &[&str]) -> Nesting {
    if columns.contains(&DUE_IN_PERIOD) {
        // A dossier resolved in the period may be due outside it, and one due in it
        // may not be resolved: the two sets overlap, neither holds the other.
        return Nesting::Partial;
    }
    let den = columns.iter().fold(0, |acc, c| acc | column_kinds(c));
    let num = numerator_kinds(m);
    if num & !den == 0 {
        Nesting::Contains
    } else if num & den == 0 {
        Nesting::Disjoint
    } else {
        Nesting::Partial
    }
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    /// One row per unit_id.
    Unit,
    /// One row per procedure_id.
    Procedure,
    /// One row per channel.
    Channel,
    /// One row per calendar month of the period.
    Month,
    /// One row per unit and month.
    #[value(name = "unit,month")]
    UnitMonth,
}

impl GroupBy {
    /// The key columns of the output.
    pub fn key_columns(self) -> &'static [&'static str] {
        match self {
            GroupBy::Unit => &["unit_id"],
            GroupBy::Procedure => &["procedure_id"],
            GroupBy::Channel => &["channel"],
            GroupBy::Month => &["month"],
            GroupBy::UnitMonth => &["unit_id", "month"],
        }
    }
}

/// What a metrics run needs besides the log.
#[derive(Debug, Clone)]
pub struct Options {
    /// The period [from, to].
    pub period: Period,
    /// The grouping.
    pub by: GroupBy,
    /// Skip unusable rows (and report them) instead of stopping at the first.
    pub skip_invalid: bool,
    /// The procedure register, for dossiers without due_at.
    pub procedures: Option<Procedures>,
    /// The working-day calendar.
    pub calendar: Calendar,
    /// The unit register's ids, if one was given (for findings and zero rows).
    pub units: Option<Vec<String>>,
    /// Alternative denominators.
    pub rates: RateDefinitions,
    /// Fees written with a decimal comma (always so for `;`-separated files).
    pub decimal_comma: bool,
    /// How the log is read (block size).
    pub scan: ScanOptions,
    /// In a workbook log, the sheet to read (else the first).
    pub sheet: Option<String>,
    /// How the log's headers map to cchc's columns.
    pub aliases: crate::input::columns::Aliases,
    /// The official method's setup (`--method 766`); None: the default method.
    pub official: Option<std::sync::Arc<OfficialSetup>>,
}

impl Options {
    /// The days a dossier must touch to count anywhere, and to give its unit (or
    /// procedure, channel) a row: received by the period's last day and not finished
    /// before its first — or, when a rate divides by `due_in_period`, due within it.
    /// A dossier outside counts nowhere; a typed Parquet scan skips such rows (and the
    /// row groups whose statistics hold only such rows) unread.
    pub fn span(&self) -> (i64, i64) {
        (self.period.from.to_days(), self.period.to.to_days())
    }
}

/// Whether a dossier received on `received`, finished on `finished`, due on `due`
/// touches the period `span` ([`Options::span`]).
pub fn touches(span: (i64, i64), received: i64, finished: Option<i64>, due: Option<i64>) -> bool {
    let (from, to) = span;
    (received <= to && finished.is_none_or(|f| f >= from))
        || due.is_some_and(|d| from <= d && d <= to)
}

/// The result: one row per group, sorted by the group key.
#[derive(Debug, Clone)]
pub struct MetricsTable {
    /// Key column names.
    pub key_columns: Vec<&'static str>,
    /// (key values, counts), sorted by key.
    pub rows: Vec<(Vec<String>, Counts)>,
    /// Rows read / used / rejected.
    pub stats: RowStats,
    /// Findings (skipped rows by kind, units missing from the register, calendar gaps).
    pub diagnostics: Vec<Diagnostic>,
    /// The period.
    pub period: Period,
    /// The rate definitions used.
    pub rates: RateDefinitions,
    /// Files of a dataset left unread: their `year=` partition is after the period.
    pub pruned: usize,
    /// Rows of typed Parquet left unread: they touch no day of the period.
    pub unread: u64,
    /// What the official method gathered (`--method 766`), else None.
    pub official: Option<OfficialCounts>,
}

/// Between a unit and a procedure in the keys of a scan under the official method
/// by procedure (`unit␟procedure`).
pub const KEY_SEPARATOR: char = '\u{1f}';

/// What a scan under the official method gathered (`--method 766`).
#[derive(Debug, Clone, Default)]
pub struct OfficialCounts {
    /// Per key (unit or procedure, normalised), sorted.
    pub rows: std::collections::BTreeMap<String, Gathered>,
    /// The log's columns (as cchc names them): an indicator whose column is absent
    /// is not applicable.
    pub columns: std::collections::BTreeSet<String>,
    /// Where each key's first late dossiers are, in words (`dossiers.csv lines 3, 5`).
    pub late: std::collections::BTreeMap<String, String>,
    /// Where each key's first dossiers that could not be judged are (no due date and
    /// no maximum time: out of 2.1), in words.
    pub unjudged: std::collections::BTreeMap<String, String>,
    /// The log's procedures the catalogue does not list (when one is given), sorted.
    pub uncatalogued: Vec<String>,
}

/// What stops a metrics run.
#[derive(Debug, thiserror::Error)]
pub enum DossierError {
    /// A row that cannot be used, in strict mode.
    #[error(
        "{at}: {column} {value:?}: {reason} (use --skip-invalid to skip such rows and report them)"
    )]
    InvalidRow {
        /// Where: the file and line (CSV), row (Parquet) or cell (a workbook).
        at: String,
        /// The column.
        column: &'static str,
        /// The value.
        value: String,
        /// Why, in words, with its code.
        reason: String,
    },
    /// The file cannot be read or scanned.
    #[error("{file}: {message}")]
    Read {
        /// The file.
        file: String,
        /// What went wrong.
        message: String,
    },
}

/// Words for why a dossier row cannot be used: the code's meaning and the code.
pub fn reason(code: Code) -> String {
    format!("{} [{code}]", code.meaning())
}

/// A read error for `shown` (a file, or `file:line`).
pub fn read_err(shown: &str, message: impl std::fmt::Display) -> DossierError {
    DossierError::Read {
        file: shown.to_string(),
        message: message.to_string(),
    }
}

/// Called with the number of rows read so far, after each batch.
pub type Progress = std::sync::Arc<dyn Fn(u64) + Send + Sync>;

/// The query that computes the metrics table of the log at `path` in a warehouse
/// (`--emit-sql`); only the log's header is read.
pub fn emit_sql(
    path: &Path,
    shown: &str,
    opts: &Options,
    dialect: sql::Dialect,
) -> Result<String, DossierError> {
    sql::emit(path, shown, opts, dialect)
}

/// What the property tests and fuzz targets hold the engine to from outside: the CSV
/// reader's records, one row's two readings (the usual row and the general path), and
/// the worker pool's order of stops.
/// Not for the rest of cchc: the architecture test keeps `src/` off it.
#[doc(hidden)]
pub mod probe {
    pub use super::csvlog::{
        quoted_cut, quoted_records_end, records_again as csv_records_again, Records as CsvRecords,
        MAX_RECORD,
    };
    pub use super::pool::{pull, Stop, Visitor};
    pub use super::row::{
        extras, parse, parse_stamp, trim, usual, usual_extras, Fields, TextRow, WIDTH,
    };
}

/// The `unit-not-in-register` findings: the keys (units with dossiers) the register
/// does not have.
fn not_in_register<'a>(
    keys: impl Iterator<Item = &'a String>,
    units: &[String],
    shown: &str,
) -> Vec<Diagnostic> {
    let known: std::collections::BTreeSet<&str> = units.iter().map(String::as_str).collect();
    keys.filter(|k| !known.contains(k.as_str()))
        .map(|k| {
            Diagnostic::new(
                Code::UnitNotInRegister,
                format!("unit `{k}` has dossiers but is not in the unit register"),
            )
            .at(shown, None)
            .unit(k)
        })
        .collect()
}

pub use counts::MAX_COUNT;

/// The columns of an official counts file (`--counts`), as the query of
/// [`emit_official_sql`] writes them.
pub fn counts_columns() -> Vec<&'static str> {
    counts::columns()
}

/// The official method's indicators' inputs from a counts file (`--counts`), read in
/// place of the log, under `opts` (the official setup, by unit or by procedure).
pub fn read_counts(
    table: &crate::input::Table,
    opts: &Options,
) -> Result<MetricsTable, DossierError> {
    counts::read(table, opts)
}

/// The query computing, in a warehouse, the official counts of the log at `path` per
/// unit and procedure (`--method 766 --emit-sql`): the counts file [`read_counts`]
/// reads. Only the log's header is read.
pub fn emit_official_sql(
    path: &Path,
    shown: &str,
    opts: &Options,
    dialect: sql::Dialect,
) -> Result<String, DossierError> {
    sql766::emit(path, shown, opts, dialect)
}

/// Computes the metrics table of a dossier log (`.csv` or `.parquet`). `progress` is
/// called with the number of rows read so far.
pub fn compute(
    path: &Path,
    shown: &str,
    opts: &Options,
    progress: Progress,
) -> Result<MetricsTable, DossierError> {
    fold::run(path, shown, opts, progress)
}
