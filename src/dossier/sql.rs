//! `cchc metrics --emit-sql duckdb|spark`: the metrics table as one SQL query, for
//! logs that live in a warehouse rather than on one machine.
//!
//! The query is built from the same definitions the fold counts with
//! ([`super::row::Dossier::count`], PRODUCT.md's table): the period's windows,
//! the grouping, the rate definitions, the unit register's zero rows, and the
//! deadlines of dossiers without `due_at`, computed from the procedures and the
//! working-day calendar. The calendar becomes a table of days 1990–2100 with the
//! number of working days up to each (the array [`super::Calendar`] keeps), so a
//! deadline is a join: the working day whose number is the receipt day's plus the
//! processing days.
//!
//! Every column is read as text and parsed by the grammar cchc reads
//! (`YYYY-MM-DD` or `DD/MM/YYYY`, an optional time and zone), so typed and text logs
//! give the same query; a timestamp with a zone is moved to Vietnam's time (UTC+7).
//! Rates are computed in integers (hundredths, half away from zero) and printed as
//! DECIMAL(18,2): no floating point touches them.
//!
//! The query does not validate rows: it assumes a log `cchc metrics` accepts (no
//! findings, no duplicate ids). Spark has no Unicode normalisation, so there ids
//! are compared as written.

use super::source::{self, SqlLog};
use super::{DossierError, GroupBy, Metric, Options, DUE_IN_PERIOD};
use crate::date::Date;
use std::fmt::Write as _;
use std::path::Path;

/// The SQL dialect of `--emit-sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dialect {
    /// DuckDB.
    #[value(
        name = "duckdb",
        help = "DuckDB (reads the CSV or Parquet files itself)"
    )]
    DuckDb,
    /// Spark SQL (tested with Spark 4.3).
    #[value(
        help = "Spark SQL (tested with Spark 4.3; reads Parquet files, a CSV log is registered as the view `dossiers`)"
    )]
    Spark,
}

impl Dialect {
    pub(super) fn name(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::Spark => "spark",
        }
    }

    pub(super) fn text(self) -> &'static str {
        match self {
            Dialect::DuckDb => "VARCHAR",
            Dialect::Spark => "STRING",
        }
    }

    /// A quoted identifier.
    pub(super) fn ident(self, name: &str) -> String {
        match self {
            Dialect::DuckDb => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A string literal (Spark also reads backslash escapes in literals).
    pub(super) fn lit(self, s: &str) -> String {
        let s = s.replace('\'', "''");
        match self {
            Dialect::DuckDb => format!("'{s}'"),
            Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\")),
        }
    }

    /// Integer division of non-negative integers.
    pub(super) fn idiv(self, a: &str, b: &str) -> String {
        match self {
            Dialect::DuckDb => format!("(({a}) // ({b}))"),
            Dialect::Spark => format!("(({a}) div ({b}))"),
        }
    }

    pub(super) fn plus_days(self, date: &str, n: &str) -> String {
        match self {
            Dialect::DuckDb => format!("({date} + CAST({n} AS INTEGER))"),
            Dialect::Spark => format!("date_add({date}, CAST({n} AS INT))"),
        }
    }

    /// Calendar days from `a` to `b`.
    pub(super) fn day_diff(self, a: &str, b: &str) -> String {
        match self {
            Dialect::DuckDb => format!("date_diff('day', {a}, {b})"),
            Dialect::Spark => format!("datediff({b}, {a})"),
        }
    }

    /// The same day `n` months later (the month's last day where it has no such day).
    pub(super) fn plus_months(self, date: &str, n: &str) -> String {
        match self {
            Dialect::DuckDb => format!("CAST({date} + to_months(CAST({n} AS INTEGER)) AS DATE)"),
            Dialect::Spark => format!("add_months({date}, CAST({n} AS INT))"),
        }
    }

    fn weekend(self, day: &str) -> String {
        match self {
            Dialect::DuckDb => format!("isodow({day}) >= 6"),
            Dialect::Spark => format!("dayofweek({day}) IN (1, 7)"),
        }
    }

    pub(super) fn nfc(self, x: &str) -> String {
        match self {
            Dialect::DuckDb => format!("nfc_normalize({x})"),
            Dialect::Spark => x.to_string(),
        }
    }

    pub(super) fn matches(self, x: &str, pattern: &str) -> String {
        match self {
            Dialect::DuckDb => format!("regexp_matches({x}, {})", self.lit(pattern)),
            Dialect::Spark => format!("({x} RLIKE {})", self.lit(pattern)),
        }
    }

    /// Every day from `first` to `last`, as a relation with one column `day`.
    fn days(self, first: &str, last: &str) -> String {
        match self {
            Dialect::DuckDb => format!(
                "SELECT CAST(range AS DATE) AS day FROM range(DATE '{first}', DATE '{last}' + INTERVAL 1 DAY, INTERVAL 1 DAY)"
            ),
            Dialect::Spark => format!(
                "SELECT explode(sequence(DATE '{first}', DATE '{last}', INTERVAL 1 DAY)) AS day"
            ),
        }
    }
}

/// The timestamp grammar of [`crate::date::parse_stamp`], without backslashes (Spark
/// literals would eat them). Groups: 1–3 ISO year, month, day; 4–6 day, month, year;
/// 7 hour, 8 minute, 9 zone (`Z`, `+07`, `+0700`, `+07:00`).
const STAMP: &str = "^(?:([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})|([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}))(?:[ T]([0-9]{1,2}):([0-9]{2})(?::[0-9]{2}(?:[.][0-9]{1,9})?)?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$";

/// The stamp columns: (column, prefix in the query).
pub(super) const STAMPS: [(&str, &str); 3] =
    [("received_at", "r"), ("due_at", "du"), ("finished_at", "f")];

pub(super) fn date_lit(day: i64) -> String {
    Date::from_days(day).map_or_else(String::new, |d| d.to_string())
}

/// The query computing the metrics table of the log at `path` under `opts`.
pub fn emit(
    path: &Path,
    shown: &str,
    opts: &Options,
    dialect: Dialect,
) -> Result<String, DossierError> {
    let log = source::sql_log(path, shown, &opts.aliases, Some(opts.period.to.year()))?;
    let mut q = header(opts, dialect, &log);
    q.push_str("WITH\n");
    let ctes = [
        ("log", log_cte(&log, dialect)),
        ("tok", tok_cte(dialect, &STAMPS)),
        ("st", st_cte(dialect, &STAMPS)),
        ("cal_exceptions", exceptions_cte(opts)),
        ("days", days_cte(opts, dialect)),
        ("procs", procs_cte(opts, dialect)),
        ("dl", dl_cte()),
        ("d", d_cte(opts, dialect)),
        ("win", win_cte(opts, dialect)),
        ("c", counts_cte()),
        ("keys", keys_cte(opts, dialect)),
        ("t", totals_cte()),
    ];
    Ok(assemble(q, &ctes, &final_select(opts, dialect), dialect))
}

/// The header, the named subqueries and the final select, as one statement.
pub(super) fn assemble(
    mut q: String,
    ctes: &[(&str, String)],
    last: &str,
    dialect: Dialect,
) -> String {
    let body: Vec<String> = ctes
        .iter()
        .map(|(name, sql)| format!("{name} AS (\n{sql}\n)"))
        .collect();
    q.push_str(&body.join(",\n"));
    q.push('\n');
    q.push_str(last);
    if dialect == Dialect::DuckDb {
        // The DuckDB shell runs a statement at its semicolon (`duckdb < metrics.sql`).
        q.push(';');
    }
    q.push('\n');
    q
}

/// What the query computes, and what it assumes, as comments.
fn header(opts: &Options, dialect: Dialect, log: &SqlLog) -> String {
    let mut h = String::new();
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    let _ = writeln!(
        h,
        "-- cchc {} metrics as {} SQL: period {}..{}, by {}",
        env!("CARGO_PKG_VERSION"),
        dialect.name(),
        opts.period.from,
        opts.period.to,
        opts.by.key_columns().join(",")
    );
    for (rate, def) in opts.rates.describe() {
        let _ = writeln!(h, "--   {rate} = {def}");
    }
    let _ = writeln!(
        h,
        "-- Deadlines without due_at: procedures' processing_days in working days, calendar: {}",
        one_line(&opts.calendar.source)
    );
    h.push_str(&assumptions(dialect, log));
    h
}

/// What every query assumes of the log, and how Spark is to be set up for it.
pub(super) fn assumptions(dialect: Dialect, log: &SqlLog) -> String {
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    let mut h = String::new();
    h.push_str("-- Assumes a log that `cchc metrics` reads without findings (rows are not validated here, duplicate ids not removed).\n");
    if dialect == Dialect::Spark {
        h.push_str("-- Spark: set spark.sql.session.timeZone to Asia/Ho_Chi_Minh (typed timestamps are read in it); ids are not Unicode-normalised.\n");
        if log.csv_separator.is_some() {
            h.push_str("-- Register the CSV log as the view `dossiers` first, every column as a string, e.g.\n");
            let _ = writeln!(
                h,
                "--   spark.read.csv({:?}, header=True, sep={:?}).createOrReplaceTempView('dossiers')",
                one_line(&log.files[0].display().to_string()),
                (log.csv_separator.unwrap_or(b',') as char).to_string()
            );
        }
    }
    h
}

/// The log's columns as trimmed text under cchc's names (absent ones empty).
pub(super) fn log_cte(log: &SqlLog, dialect: Dialect) -> String {
    let cols: Vec<String> = super::row::Fields::COLUMNS
        .iter()
        .map(|name| {
            let value = match log.columns.iter().find(|(_, mapped)| mapped == name) {
                Some((raw, _)) => format!(
                    "coalesce(trim(CAST({} AS {})), '')",
                    dialect.ident(raw),
                    dialect.text()
                ),
                None => "''".to_string(),
            };
            format!("{value} AS {name}")
        })
        .collect();
    format!(
        "  SELECT {}\n  FROM {}",
        cols.join(",\n         "),
        from_clause(log, dialect)
    )
}

fn from_clause(log: &SqlLog, dialect: Dialect) -> String {
    let path = |p: &std::path::PathBuf| dialect.lit(&p.display().to_string());
    match (dialect, log.csv_separator) {
        (Dialect::DuckDb, Some(sep)) => format!(
            "read_csv({}, header = true, all_varchar = true, delim = {}, quote = '\"', escape = '\"')",
            path(&log.files[0]),
            dialect.lit(&(sep as char).to_string())
        ),
        (Dialect::DuckDb, None) => {
            let files: Vec<String> = log.files.iter().map(path).collect();
            format!(
                "read_parquet([{}], union_by_name = true, hive_partitioning = false)",
                files.join(", ")
            )
        }
        (Dialect::Spark, Some(_)) => "dossiers".to_string(),
        (Dialect::Spark, None) => {
            let file = |f: &std::path::PathBuf| {
                format!("parquet.{}", dialect.ident(&f.display().to_string()))
            };
            if log.files.len() == 1 {
                return file(&log.files[0]);
            }
            // Spark SQL unions by position: every file gives the same columns, in order.
            let used: Vec<String> = log
                .columns
                .iter()
                .filter(|(_, mapped)| super::row::Fields::COLUMNS.contains(&mapped.as_str()))
                .map(|(raw, _)| dialect.ident(raw))
                .collect();
            let parts: Vec<String> = log
                .files
                .iter()
                .map(|f| format!("SELECT {} FROM {}", used.join(", "), file(f)))
                .collect();
            format!("(\n    {}\n  ) AS files", parts.join("\n    UNION ALL "))
        }
    }
}

/// The stamp columns cut into the grammar's groups.
pub(super) fn tok_cte(dialect: Dialect, stamps: &[(&str, &str)]) -> String {
    let mut cols = vec!["*".to_string()];
    for &(col, p) in stamps {
        for g in 1..=9 {
            cols.push(format!(
                "coalesce(regexp_extract({col}, {}, {g}), '') AS {p}_{g}",
                dialect.lit(STAMP)
            ));
        }
    }
    format!("  SELECT {}\n  FROM log", cols.join(",\n         "))
}

/// Each stamp as a local day (and, received_at, its local minute): a zone moves the
/// instant to UTC+7, which may change the day.
pub(super) fn st_cte(dialect: Dialect, stamps: &[(&str, &str)]) -> String {
    let mut cols = vec!["*".to_string()];
    for &(_, p) in stamps {
        let num = |a: u8, b: u8| format!("CAST(nullif({p}_{a} || {p}_{b}, '') AS INT)");
        let date = format!("make_date({}, {}, {})", num(1, 6), num(2, 5), num(3, 4));
        let zone = format!(
            "(CASE WHEN substr({p}_9, 1, 1) = '-' THEN -1 ELSE 1 END) * (CAST(substr({p}_9, 2, 2) AS INT) * 60 + coalesce(CAST(nullif(substr(replace({p}_9, ':', ''), 4, 2), '') AS INT), 0))"
        );
        let shift = format!(
            "(CASE WHEN {p}_9 = '' THEN 0 WHEN {p}_9 = 'Z' THEN 420 ELSE 420 - {zone} END)"
        );
        // Minutes from the day's start, plus a day so that a shift back stays positive.
        let t = format!(
            "(CASE WHEN {p}_7 = '' THEN NULL ELSE CAST({p}_7 AS INT) * 60 + CAST({p}_8 AS INT) + {shift} + 1440 END)"
        );
        cols.push(format!(
            "CASE WHEN {t} IS NULL THEN {date} ELSE {} END AS {p}_day",
            dialect.plus_days(&date, &format!("{} - 1", dialect.idiv(&t, "1440")))
        ));
        if p == "r" {
            cols.push(format!("{t} % 1440 AS r_minute"));
        }
    }
    format!("  SELECT {}\n  FROM tok", cols.join(",\n         "))
}

/// Days whose status differs from the weekday rule.
pub(super) fn exceptions_cte(opts: &Options) -> String {
    let rows: Vec<String> = opts
        .calendar
        .exceptions()
        .iter()
        .map(|(day, working)| format!("(DATE '{}', {working})", date_lit(*day)))
        .collect();
    values(
        &rows,
        "e(day, working)",
        "CAST(NULL AS DATE) AS day, false AS working",
    )
}

/// `SELECT * FROM (VALUES …) AS alias`, or an empty relation of `empty` columns.
pub(super) fn values(rows: &[String], alias: &str, empty: &str) -> String {
    if rows.is_empty() {
        return format!("  SELECT {empty} WHERE false");
    }
    format!(
        "  SELECT * FROM (VALUES\n    {}\n  ) AS {alias}",
        rows.join(",\n    ")
    )
}

/// Every day of the calendar, whether it is worked, and the working days up to it.
pub(super) fn days_cte(opts: &Options, dialect: Dialect) -> String {
    let (first, last) = opts.calendar.range();
    format!(
        "  SELECT day, working, sum(CASE WHEN working THEN 1 ELSE 0 END) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n\n  FROM (\n    SELECT g.day, coalesce(e.working, NOT ({})) AS working\n    FROM ({}) AS g LEFT JOIN cal_exceptions AS e ON e.day = g.day\n  ) AS x",
        dialect.weekend("g.day"),
        dialect.days(&date_lit(first), &date_lit(last))
    )
}

fn procs_cte(opts: &Options, dialect: Dialect) -> String {
    let rows: Vec<String> = opts
        .procedures
        .as_ref()
        .map(|p| p.sorted())
        .unwrap_or_default()
        .iter()
        .map(|(id, p)| {
            let cutoff = p
                .cutoff
                .map_or_else(|| "CAST(NULL AS INT)".to_string(), |c| c.to_string());
            format!("({}, {}, {cutoff})", dialect.lit(id), p.days)
        })
        .collect();
    values(
        &rows,
        "p(procedure_id, processing_days, cutoff)",
        &format!(
            "CAST(NULL AS {}) AS procedure_id, 0 AS processing_days, CAST(NULL AS INT) AS cutoff",
            dialect.text()
        ),
    )
}

/// The working-day number of each computed deadline: the receipt day's number plus
/// the processing days; a same-day procedure is due that day unless received on a
/// day off or after its cutoff (then the next working day).
fn dl_cte() -> String {
    "  SELECT st.*,
         CASE WHEN st.du_day IS NULL AND lower(st.status) <> 'refused' THEN
           c.n + CASE WHEN p.processing_days > 0 THEN p.processing_days
                      WHEN c.working AND NOT coalesce(st.r_minute > p.cutoff, false) THEN 0
                      ELSE 1 END
         END AS due_n
  FROM st
  LEFT JOIN procs AS p ON p.procedure_id = st.procedure_id
  LEFT JOIN days AS c ON c.day = st.r_day"
        .to_string()
}

/// One row per dossier, in the terms the counts use.
fn d_cte(opts: &Options, dialect: Dialect) -> String {
    let key = match opts.by {
        GroupBy::Unit | GroupBy::UnitMonth => dialect.nfc("dl.unit_id"),
        GroupBy::Procedure => dialect.nfc("dl.procedure_id"),
        GroupBy::Channel => "ch".to_string(),
        GroupBy::Month => "''".to_string(),
    };
    let flag = |c: &str| format!("lower({c}) IN ('1', 'true', 'x')");
    format!(
        "  SELECT {key} AS k, s, ch, r, f, coalesce(dl.du_day, w.day) AS du, has_fee, paid, dig, er, rt
  FROM (
    SELECT dl.*, lower(status) AS s,
           CASE WHEN lower(channel) IN ('online', 'truc_tuyen') THEN 'online'
                WHEN lower(channel) IN ('postal', 'bcci') THEN 'postal'
                ELSE 'direct' END AS ch,
           r_day AS r, f_day AS f,
           {} AS has_fee, {} AS paid, {} AS dig, {} AS er,
           CASE WHEN rating IN ('1', '2', '3', '4', '5') THEN CAST(rating AS INT) END AS rt
    FROM dl
  ) AS dl
  LEFT JOIN days AS w ON w.working AND w.n = dl.due_n",
        dialect.matches("fee", "[1-9]"),
        flag("paid_online"),
        flag("digitized"),
        flag("e_result"),
    )
}

/// The period, or its months: (label, first day, last day).
fn win_cte(opts: &Options, dialect: Dialect) -> String {
    let rows: Vec<String> = super::fold::windows(opts)
        .iter()
        .map(|(from, to, label)| {
            format!(
                "({}, DATE '{}', DATE '{}')",
                dialect.lit(label),
                date_lit(*from),
                date_lit(*to)
            )
        })
        .collect();
    values(&rows, "w(label, wf, wt)", "")
}

/// The counts of PRODUCT.md's table, per key and window ([`super::row::Dossier::count`]).
fn counts_cte() -> String {
    let live = "d.s <> 'refused'";
    let recv = format!("{live} AND d.r BETWEEN w.wf AND w.wt");
    let fin_in = "d.f BETWEEN w.wf AND w.wt";
    let res = format!("d.s = 'resolved' AND {fin_in}");
    let pend = format!("{live} AND d.r <= w.wt AND (d.f IS NULL OR d.f > w.wt)");
    let counts: [(&str, String); 18] = [
        ("received", recv.clone()),
        (
            "carried_over",
            format!("{live} AND d.r < w.wf AND (d.f IS NULL OR d.f >= w.wf)"),
        ),
        ("resolved", res.clone()),
        ("early", format!("{res} AND d.f < d.du")),
        ("on_time", format!("{res} AND d.f = d.du")),
        ("late", format!("{res} AND d.f > d.du")),
        (
            "returned",
            format!("d.s IN ('returned', 'withdrawn') AND {fin_in}"),
        ),
        ("pending", pend.clone()),
        ("pending_overdue", format!("{pend} AND d.du < w.wt")),
        ("online", format!("{recv} AND d.ch = 'online'")),
        ("postal", format!("{recv} AND d.ch = 'postal'")),
        ("fee_received", format!("{recv} AND d.has_fee")),
        (
            "fee_paid_online",
            format!("{recv} AND d.has_fee AND d.paid"),
        ),
        ("digitized", format!("{recv} AND d.dig")),
        ("e_result", format!("{res} AND d.er")),
        ("rated", format!("{res} AND d.rt IS NOT NULL")),
        ("satisfied", format!("{res} AND d.rt >= 4")),
        (
            DUE_IN_PERIOD,
            format!("{live} AND d.du BETWEEN w.wf AND w.wt"),
        ),
    ];
    let cols: Vec<String> = counts
        .iter()
        .map(|(name, cond)| format!("count(*) FILTER (WHERE {cond}) AS {name}"))
        .collect();
    format!(
        "  SELECT d.k, w.label,\n         {}\n  FROM d CROSS JOIN win AS w\n  GROUP BY d.k, w.label",
        cols.join(",\n         ")
    )
}

/// The keys of the table: every key of the log, and the register's units.
fn keys_cte(opts: &Options, dialect: Dialect) -> String {
    if opts.by == GroupBy::Month {
        return "  SELECT '' AS k".to_string();
    }
    // Only dossiers that touch the period give their key a row (`Options::span`).
    let (from, to) = opts.span();
    let (from, to) = (date_lit(from), date_lit(to));
    let mut q = format!(
        "  SELECT DISTINCT k FROM d\n  WHERE (d.r <= DATE '{to}' AND (d.f IS NULL OR d.f >= DATE '{from}'))"
    );
    if opts.rates.uses_due_in_period() {
        let _ = write!(q, " OR d.du BETWEEN DATE '{from}' AND DATE '{to}'");
    }
    if let (Some(units), GroupBy::Unit | GroupBy::UnitMonth) = (&opts.units, opts.by) {
        let rows: Vec<String> = units
            .iter()
            .map(|u| format!("({})", dialect.lit(u)))
            .collect();
        if !rows.is_empty() {
            let _ = write!(
                q,
                "\n  UNION\n  SELECT k FROM (VALUES {}) AS u(k)",
                rows.join(", ")
            );
        }
    }
    q
}

/// Counts for every key and window (zeros where none), and each rate's numerator and
/// denominator.
fn totals_cte() -> String {
    let mut cols = vec!["keys.k".to_string(), "win.label".to_string()];
    let names = [
        "received",
        "carried_over",
        "resolved",
        "early",
        "on_time",
        "late",
        "returned",
        "pending",
        "pending_overdue",
        "online",
        "postal",
        "fee_received",
        "fee_paid_online",
        "digitized",
        "e_result",
        "rated",
        "satisfied",
        DUE_IN_PERIOD,
    ];
    for n in names {
        cols.push(format!("coalesce(c.{n}, 0) AS {n}"));
    }
    format!(
        "  SELECT {}\n  FROM keys CROSS JOIN win LEFT JOIN c ON c.k = keys.k AND c.label = win.label",
        cols.join(",\n         ")
    )
}

/// A rate's numerator and denominator as sums of `t`'s columns.
fn fraction(opts: &Options, m: Metric) -> (String, String) {
    let num = match m {
        Metric::OnTimeRate => "t.early + t.on_time",
        Metric::OnlineShare => "t.online",
        Metric::PaymentOnlineShare => "t.fee_paid_online",
        Metric::DigitizedRate => "t.digitized",
        Metric::EResultRate => "t.e_result",
        Metric::SatisfactionRate => "t.satisfied",
    };
    let den = match opts.rates.denominator(m) {
        Some(cols) => cols
            .iter()
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(" + "),
        None => match m {
            Metric::OnTimeRate | Metric::EResultRate => "t.resolved",
            Metric::OnlineShare | Metric::DigitizedRate => "t.received",
            Metric::PaymentOnlineShare => "t.fee_received",
            Metric::SatisfactionRate => "t.rated",
        }
        .to_string(),
    };
    (num.to_string(), den)
}

/// The table: keys, counts, and rates rounded half away from zero to hundredths in
/// integer arithmetic, empty where the denominator is 0.
fn final_select(opts: &Options, dialect: Dialect) -> String {
    let mut cols = Vec::new();
    match opts.by {
        GroupBy::Unit => cols.push("t.k AS unit_id".to_string()),
        GroupBy::Procedure => cols.push("t.k AS procedure_id".to_string()),
        GroupBy::Channel => cols.push("t.k AS channel".to_string()),
        GroupBy::Month => cols.push("t.label AS month".to_string()),
        GroupBy::UnitMonth => {
            cols.push("t.k AS unit_id".to_string());
            cols.push("t.label AS month".to_string());
        }
    }
    for (name, _) in super::Counts::default().columns() {
        cols.push(format!("t.{name}"));
    }
    for m in Metric::ALL {
        let (num, den) = fraction(opts, m);
        let h = dialect.idiv(
            &format!("20000 * ({num}) + ({den})"),
            &format!("2 * ({den})"),
        );
        let text = format!(
            "CAST({} AS {text}) || '.' || lpad(CAST({h} % 100 AS {text}), 2, '0')",
            dialect.idiv(&h, "100"),
            text = dialect.text()
        );
        cols.push(format!(
            "CASE WHEN ({den}) = 0 THEN NULL ELSE CAST({text} AS DECIMAL(18, 2)) END AS {}",
            m.name()
        ));
    }
    let order = match opts.by {
        GroupBy::UnitMonth => "1, 2",
        _ => "1",
    };
    format!(
        "SELECT {}\nFROM t\nORDER BY {order}",
        cols.join(",\n       ")
    )
}
