//! `cchc metrics --method 766 --emit-sql duckdb|spark`: the official method's counts
//! as one SQL query, for logs that live in a warehouse.
//!
//! The query does not compute the index. Its scores are sums of exact fractions whose
//! common denominator overflows a warehouse's widest integers, so a warehouse would
//! round before summing. It computes what the log contributes instead, exactly: per
//! unit and procedure, the counts of [`super::official::Tally`] (dossiers received,
//! synced, in 2.1, on time, …), under the same rules as [`super::official`]: the end
//! of processing, open dossiers judged at the period's end, supplements, the
//! catalogue's maximum time where a dossier has no due date. Its result, saved as CSV,
//! is the counts file `cchc metrics --method 766 --counts FILE` scores with the
//! catalogue and the petitions, giving the same table as the log would
//! ([`super::counts`]).
//!
//! The calendar, the catalogue's rules and the dossiers petitions name are tables of
//! literals in the query, as the calendar is in [`super::sql`], whose readers of the
//! log and of its stamps this query shares.

use super::official::MaxTime;
use super::sql::{self, Dialect};
use super::{DossierError, Options};
use std::fmt::Write as _;
use std::path::Path;

/// The stamp columns the official rules read: (column, prefix in the query).
const STAMPS: [(&str, &str); 5] = [
    ("received_at", "r"),
    ("due_at", "du"),
    ("finished_at", "f"),
    ("supplement_requested_at", "sq"),
    ("supplement_received_at", "sr"),
];

/// The query computing the official counts of the log at `path` per unit and
/// procedure (`opts.official` must be set: the official method's setup).
pub fn emit(
    path: &Path,
    shown: &str,
    opts: &Options,
    dialect: Dialect,
) -> Result<String, DossierError> {
    let setup = opts
        .official
        .as_ref()
        .ok_or_else(|| super::read_err(shown, "the official counts need --method 766"))?;
    let log = super::source::sql_log(path, shown, &opts.aliases, Some(opts.period.to.year()))?;
    let mut q = String::new();
    let _ = writeln!(
        q,
        "-- cchc {} official (QĐ 766) counts as {} SQL: period {}..{}, by unit_id, procedure_id",
        env!("CARGO_PKG_VERSION"),
        dialect.name(),
        opts.period.from,
        opts.period.to,
    );
    q.push_str("-- Save the result as CSV and score it: cchc metrics --method 766 --counts FILE (with the same catalogue and petitions).\n");
    let _ = writeln!(
        q,
        "-- Calendar: {}; the catalogue's rules and the dossiers petitions name are literals below.",
        opts.calendar.source.replace(['\n', '\r'], " ")
    );
    q.push_str(&sql::assumptions(dialect, &log));
    q.push_str("WITH\n");
    let w = setup.window;
    let columns: Vec<&str> = log
        .columns
        .iter()
        .map(|(_, mapped)| mapped.as_str())
        .filter(|c| super::row::Fields::COLUMNS.contains(c))
        .collect();
    let ctes = [
        ("log", sql::log_cte(&log, dialect)),
        ("tok", sql::tok_cte(dialect, &STAMPS)),
        ("st", sql::st_cte(dialect, &STAMPS)),
        ("cal_exceptions", sql::exceptions_cte(opts)),
        ("days", sql::days_cte(opts, dialect)),
        ("rules", rules_cte(setup, dialect)),
        ("petitioned", petitioned_cte(setup, dialect)),
        ("d", d_cte(dialect)),
        ("e", e_cte(w)),
        ("g", g_cte(dialect)),
        ("h", h_cte(dialect)),
        ("i", i_cte()),
        ("j", j_cte(w, dialect)),
    ];
    let last = final_select(&columns, dialect);
    Ok(sql::assemble(q, &ctes, &last, dialect))
}

/// The catalogue's rules: each procedure's maximum time (its unit: `wd` working days,
/// `h` hours, `d` days, `m` months) and whether it requires a paper result.
fn rules_cte(setup: &super::official::Setup, dialect: Dialect) -> String {
    let mut rules: Vec<_> = setup.procedures.iter().collect();
    rules.sort_by(|a, b| a.0.cmp(b.0));
    let rows: Vec<String> = rules
        .iter()
        .map(|(id, r)| {
            let (kind, n) = match r.max_time {
                Some(MaxTime::WorkingDays(n)) => ("'wd'".to_string(), n.to_string()),
                Some(MaxTime::Hours(n)) => ("'h'".to_string(), n.to_string()),
                Some(MaxTime::Days(n)) => ("'d'".to_string(), n.to_string()),
                Some(MaxTime::Months(n)) => ("'m'".to_string(), n.to_string()),
                None => (
                    format!("CAST(NULL AS {})", dialect.text()),
                    "CAST(NULL AS INT)".to_string(),
                ),
            };
            format!("({}, {kind}, {n}, {})", dialect.lit(id), r.paper_result)
        })
        .collect();
    sql::values(
        &rows,
        "ru(procedure_id, mk, mn, paper)",
        &format!(
            "CAST(NULL AS {t}) AS procedure_id, CAST(NULL AS {t}) AS mk, CAST(NULL AS INT) AS mn, false AS paper",
            t = dialect.text()
        ),
    )
}

/// The dossiers a petition names (5.4).
fn petitioned_cte(setup: &super::official::Setup, dialect: Dialect) -> String {
    let mut ids: Vec<&String> = setup.petitioned.iter().collect();
    ids.sort();
    let rows: Vec<String> = ids
        .iter()
        .map(|id| format!("({})", dialect.lit(id)))
        .collect();
    sql::values(
        &rows,
        "pt(dossier_id)",
        &format!("CAST(NULL AS {}) AS dossier_id", dialect.text()),
    )
}

/// One row per dossier in the rules' terms: its keys, status, days, flags and rule.
fn d_cte(dialect: Dialect) -> String {
    let flag = |c: &str| format!("lower({c}) IN ('1', 'true', 'x')");
    format!(
        "  SELECT {u} AS u, {p} AS p,
         lower(st.status) IN ('received', 'processing', 'paused', 'supplement') AS open,
         lower(st.status) AS s,
         st.r_day AS r, st.f_day AS f, st.du_day AS du, st.sq_day AS sq, st.sr_day AS sr,
         greatest(coalesce(CAST(nullif(st.supplement_requests, '') AS BIGINT), 0), CASE WHEN st.sq_day IS NULL THEN 0 ELSE 1 END) AS req,
         lower(st.channel) IN ('online', 'truc_tuyen') AS onl,
         {} AS syn, {} AS reu, ({} OR {}) AS ps, {} AS cdb,
         {} AS paid, {} AS dig, {} AS er, {} AS has_fee,
         st.rating IN ('1', '2') AS dis,
         pt.dossier_id IS NOT NULL AS pet,
         ru.mk, ru.mn, coalesce(ru.paper, false) AS paper
  FROM st
  LEFT JOIN rules AS ru ON ru.procedure_id = {p}
  LEFT JOIN petitioned AS pt ON pt.dossier_id = st.dossier_id",
        flag("st.synced"),
        flag("st.reused_data"),
        flag("st.from_personal_store"),
        flag("st.to_personal_store"),
        flag("st.citizen_db"),
        flag("st.paid_online"),
        flag("st.digitized"),
        flag("st.e_result"),
        dialect.matches("st.fee", "[1-9]"),
        u = dialect.nfc("st.unit_id"),
        p = dialect.nfc("st.procedure_id"),
    )
}

/// Whether a dossier touches the period (received by its end, not ended before it),
/// and its end for 2.1 (open at the period's end: that day).
fn e_cte(w: super::Window) -> String {
    let (first, last) = (sql::date_lit(w.first), sql::date_lit(w.last));
    format!(
        "  SELECT d.*,
         (r <= DATE '{last}' AND (open OR f IS NULL OR f >= DATE '{first}')) AS touching,
         CASE WHEN open OR f IS NULL OR f > DATE '{last}' THEN DATE '{last}' ELSE f END AS fin
  FROM d"
    )
}

/// The citizen's working days of a single supplement (from the day after the request
/// to the day it came back, or the end), the receipt day's place in the calendar, and
/// the working days a maximum time in working days or hours gives.
fn g_cte(dialect: Dialect) -> String {
    format!(
        "  SELECT e.*,
         CASE WHEN e.req = 1 AND e.sq IS NOT NULL THEN greatest(b.n - q.n, 0) ELSE 0 END AS citizen,
         rd.n AS rn, rd.working AS rw,
         CASE e.mk WHEN 'wd' THEN e.mn WHEN 'h' THEN {} END AS due_k
  FROM e
  LEFT JOIN days AS rd ON rd.day = e.r
  LEFT JOIN days AS q ON q.day = e.sq
  LEFT JOIN days AS b ON b.day = CASE WHEN e.sr IS NULL OR e.sr > e.fin THEN e.fin ELSE e.sr END",
        dialect.idiv("e.mn + 7", "8")
    )
}

/// The due date: the log's, else the catalogue's maximum time from receipt (working
/// days counted as a deadline is, hours as working days of 8, calendar days, months).
fn h_cte(dialect: Dialect) -> String {
    format!(
        "  SELECT g.*,
         CASE WHEN g.du IS NOT NULL THEN g.du
              WHEN g.mk = 'd' THEN {}
              WHEN g.mk = 'm' THEN {}
              WHEN g.mk IN ('wd', 'h') AND g.due_k = 0 AND g.rw THEN g.r
              WHEN g.mk IN ('wd', 'h') THEN w.day
         END AS due0
  FROM g
  LEFT JOIN days AS w ON w.working AND w.n = g.rn + CASE WHEN g.due_k = 0 THEN 1 ELSE g.due_k END",
        dialect.plus_days("g.r", "g.mn"),
        dialect.plus_months("g.r", "g.mn"),
    )
}

/// The due date moved by the citizen's working days (the working day that many after
/// it).
fn i_cte() -> String {
    "  SELECT h.*, CASE WHEN h.citizen = 0 THEN h.due0 ELSE s.day END AS shifted
  FROM h
  LEFT JOIN days AS dd ON dd.day = h.due0
  LEFT JOIN days AS s ON s.working AND s.n = dd.n + h.citizen"
        .to_string()
}

/// Each dossier's standing in 2.1 (`on`, `late`, `unknown`; NULL: out, or a day
/// beyond the calendar), whether it was received and resolved in the period, and its
/// processing time in its procedure's unit (2.2).
fn j_cte(w: super::Window, dialect: Dialect) -> String {
    let (first, last) = (sql::date_lit(w.first), sql::date_lit(w.last));
    let days = dialect.day_diff("i.r", "i.f");
    let months = "(year(i.f) * 12 + month(i.f)) - (year(i.r) * 12 + month(i.r)) - CASE WHEN day(i.f) < day(i.r) THEN 1 ELSE 0 END";
    format!(
        "  SELECT i.*,
         CASE WHEN NOT i.touching THEN NULL
              WHEN i.req >= 2 THEN 'late'
              WHEN i.citizen IS NULL THEN NULL
              WHEN i.du IS NULL AND i.mk IS NULL THEN 'unknown'
              WHEN i.shifted IS NULL THEN NULL
              WHEN i.fin <= i.shifted THEN 'on'
              ELSE 'late'
         END AS judged,
         i.touching AND i.r BETWEEN DATE '{first}' AND DATE '{last}' AS recv,
         i.s = 'resolved' AND i.f BETWEEN DATE '{first}' AND DATE '{last}' AS res,
         CASE WHEN i.mk IS NULL OR i.mk = 'wd' THEN greatest(fd.n - i.rn, 0)
              WHEN i.mk = 'h' THEN greatest(fd.n - i.rn, 0) * 8
              WHEN i.mk = 'd' AND {days} >= 0 THEN {days}
              WHEN i.mk = 'm' AND {months} >= 0 THEN {months}
         END AS dur
  FROM i
  LEFT JOIN days AS fd ON fd.day = i.f"
    )
}

/// The counts per unit and procedure ([`super::counts::COLUMNS`]), and the log's
/// columns (an indicator whose column is absent is not applicable).
fn final_select(columns: &[&str], dialect: Dialect) -> String {
    let counts = [
        ("touching", "touching"),
        ("received", "recv"),
        ("synced", "recv AND syn"),
        ("processed", "judged IN ('on', 'late')"),
        ("on_time", "judged = 'on'"),
        ("late", "judged = 'late'"),
        ("unknown", "judged = 'unknown'"),
        ("online", "recv AND onl AND (er OR NOT paper)"),
        ("received_online", "recv AND onl"),
        ("fee", "recv AND has_fee"),
        ("paid_online", "recv AND has_fee AND paid"),
        ("resolved", "res"),
        ("digitized", "res AND dig AND er"),
        ("paper_resolved", "res AND paper"),
        ("paper_e_result", "res AND paper AND er"),
        ("reused", "recv AND reu"),
        ("personal_store", "recv AND ps"),
        ("citizen_db", "recv AND cdb"),
        ("flagged", "recv AND (pet OR dis)"),
    ];
    let mut cols = vec!["u AS unit_id".to_string(), "p AS procedure_id".to_string()];
    for (name, cond) in counts {
        cols.push(format!("count(*) FILTER (WHERE {cond}) AS {name}"));
    }
    cols.push("coalesce(sum(dur) FILTER (WHERE res), 0) AS time_total".to_string());
    cols.push("count(dur) FILTER (WHERE res) AS timed".to_string());
    cols.push(format!(
        "{} AS log_columns",
        dialect.lit(&columns.join(" "))
    ));
    format!(
        "SELECT {}\nFROM j\nGROUP BY u, p\nORDER BY 1, 2",
        cols.join(",\n       ")
    )
}
