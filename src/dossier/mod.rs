//! The dossier-log engine: 766-style indicators per unit (or procedure, channel, month)
//! from one-stop dossier logs of any size (PRODUCT.md, "Dossier metrics").
//!
//! A CSV log is split on all cores by a reader made for it ([`csvlog`]); a Parquet log
//! is scanned lazily by polars' streaming engine ([`engine`]; polars lives there and in
//! [`columnar`], which writes Parquet outputs, and nowhere else). Either way only the
//! needed columns are read, and the rows reach a fold written in plain Rust ([`row`])
//! that parses fixed-format dates cheaply, checks every row and adds it to exact
//! integer counts. Memory stays bounded by the blocks in flight plus 8 bytes per
//! dossier for the duplicate-id check. Everything outside this folder sees only
//! [`Counts`], [`MetricsTable`] and plain Rust types, so a polars upgrade touches this
//! folder alone.

pub mod calendar;
pub mod columnar;
mod csvlog;
mod engine;
mod fold;
pub mod procedures;
pub mod row;

use crate::diag::Diagnostic;
use crate::input::RowStats;
use crate::num::{fixed, RoundingMode};
use crate::period::Period;
use rust_decimal::Decimal;
use std::path::Path;

pub use calendar::Calendar;
pub use procedures::Procedures;

/// Exact counts of one group for one period (PRODUCT.md's metrics table).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Received in the period.
    pub received: u64,
    /// Received before the period, still open at its start.
    pub carried_over: u64,
    /// Resolved in the period.
    pub resolved: u64,
    /// Resolved before the due date.
    pub early: u64,
    /// Resolved on the due date.
    pub on_time: u64,
    /// Resolved after the due date.
    pub late: u64,
    /// Returned or withdrawn in the period.
    pub returned: u64,
    /// Open at the end of the period.
    pub pending: u64,
    /// Open at the end and already past due.
    pub pending_overdue: u64,
    /// Received online.
    pub online: u64,
    /// Received by post.
    pub postal: u64,
    /// Received with a fee above 0.
    pub fee_received: u64,
    /// …and paid online.
    pub fee_paid_online: u64,
    /// Received and digitised.
    pub digitized: u64,
    /// Resolved with an electronic result.
    pub e_result: u64,
    /// Resolved with a rating.
    pub rated: u64,
    /// Resolved with a rating of 4 or 5.
    pub satisfied: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        let Counts {
            received,
            carried_over,
            resolved,
            early,
            on_time,
            late,
            returned,
            pending,
            pending_overdue,
            online,
            postal,
            fee_received,
            fee_paid_online,
            digitized,
            e_result,
            rated,
            satisfied,
        } = o;
        self.received += received;
        self.carried_over += carried_over;
        self.resolved += resolved;
        self.early += early;
        self.on_time += on_time;
        self.late += late;
        self.returned += returned;
        self.pending += pending;
        self.pending_overdue += pending_overdue;
        self.online += online;
        self.postal += postal;
        self.fee_received += fee_received;
        self.fee_paid_online += fee_paid_online;
        self.digitized += digitized;
        self.e_result += e_result;
        self.rated += rated;
        self.satisfied += satisfied;
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
            over.retain(|(o, _)| *o != metric);
            over.push((metric, cols));
        }
        over.sort_by_key(|(m, _)| Metric::ALL.iter().position(|x| x == m));
        Ok(RateDefinitions { over })
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
        let values = c.columns();
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
    pub fn percent(&self, m: Metric, c: &Counts) -> Option<String> {
        let (n, d, _) = self.fraction(m, c);
        (d > 0).then(|| {
            fixed(
                Decimal::from(n) * Decimal::ONE_HUNDRED / Decimal::from(d),
                2,
                RoundingMode::HalfUp,
            )
        })
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
}

/// What stops a metrics run.
#[derive(Debug, thiserror::Error)]
pub enum DossierError {
    /// A row that cannot be used, in strict mode.
    #[error("{file}:{line}: {column} {value:?}: {reason} (use --skip-invalid to skip such rows and report them)")]
    InvalidRow {
        /// The file.
        file: String,
        /// The line (CSV) or row (Parquet).
        line: u64,
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

/// Words for an invalid-row code.
pub fn reason(code: &str) -> &'static str {
    match code {
        "missing-value" => "a required value is empty [missing-value]",
        "bad-date" => "not a date (YYYY-MM-DD or DD/MM/YYYY, optional HH:MM[:SS]) [bad-date]",
        "unknown-channel" => "not a channel (direct, online, postal or truc_tiep, truc_tuyen, bcci) [unknown-channel]",
        "unknown-status" => "not a status (received, processing, paused, supplement, resolved, returned, withdrawn, refused) [unknown-status]",
        "finished-before-received" => "finished before it was received [finished-before-received]",
        "missing-finish" => "a resolved, returned or withdrawn dossier needs finished_at [missing-finish]",
        "no-deadline" => "no due_at and no known procedure to compute it from [no-deadline]",
        "bad-boolean" => "not a boolean (1/0, true/false, x/empty) [bad-boolean]",
        "bad-number" => "not a non-negative number [bad-number]",
        "bad-rating" => "not a rating (1–5, or empty/0 for none) [bad-rating]",
        "duplicate-dossier" => "this dossier_id appears on an earlier row too [duplicate-dossier]",
        _ => "cannot be used",
    }
}

/// Called with the number of rows read so far, after each batch.
pub type Progress = std::sync::Arc<dyn Fn(u64) + Send + Sync>;

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
