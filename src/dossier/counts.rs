//! The official counts file (`cchc metrics --method 766 --counts FILE`): what a log
//! contributes to the official indicators, per unit and procedure, as the query of
//! `--method 766 --emit-sql` computes it in a warehouse ([`super::sql766`]). Read in
//! place of the log, it gives the same indicators, scores and findings about the
//! catalogue as the log itself would — only the lines of late dossiers, which a
//! count cannot hold, are missing from `explain`.
//!
//! The file comes from other hands (a warehouse, a colleague), so every count is
//! checked: a whole number, each numerator within its denominator, a unit and
//! procedure once.

use super::official::{Gathered, Tally};
use super::{read_err, DossierError, GroupBy, MetricsTable, OfficialCounts, Options};
use crate::diag::{Code, Diagnostic};
use crate::input::{RowStats, Table};
use std::collections::{BTreeMap, BTreeSet};

/// The counts, in the order of the query's columns.
pub const COUNTS: [&str; 21] = [
    "touching",
    "received",
    "synced",
    "processed",
    "on_time",
    "late",
    "unknown",
    "online",
    "received_online",
    "fee",
    "paid_online",
    "resolved",
    "digitized",
    "paper_resolved",
    "paper_e_result",
    "reused",
    "personal_store",
    "citizen_db",
    "flagged",
    "time_total",
    "timed",
];

/// Every column a counts file has.
pub fn columns() -> Vec<&'static str> {
    let mut c = vec!["unit_id", "procedure_id"];
    c.extend(COUNTS);
    c.push("log_columns");
    c
}

/// A count that cannot exceed another: (part, whole).
const WITHIN: [(&str, &str); 17] = [
    ("received", "touching"),
    ("processed", "touching"),
    ("unknown", "touching"),
    ("resolved", "touching"),
    ("synced", "received"),
    ("online", "received_online"),
    ("received_online", "received"),
    ("fee", "received"),
    ("paid_online", "fee"),
    ("reused", "received"),
    ("personal_store", "received"),
    ("citizen_db", "received"),
    ("flagged", "received"),
    ("digitized", "resolved"),
    ("paper_resolved", "resolved"),
    ("paper_e_result", "paper_resolved"),
    ("timed", "resolved"),
];

/// The largest count a row may hold: more dossiers than any log has (a national year
/// is about 10^8), small enough that no sum of a file's counts can overflow.
pub const MAX_COUNT: u64 = 1_000_000_000_000;

/// The most rows a counts file may have: one per unit and procedure, for every commune
/// of the country and every procedure, is well under it; with [`MAX_COUNT`] it keeps
/// every sum within 64 bits.
pub const MAX_ROWS: usize = 10_000_000;

/// One row's counts, checked.
fn row_counts(table: &Table, row: &crate::input::Row) -> Result<[u64; 21], String> {
    let mut v = [0u64; 21];
    for (i, name) in COUNTS.iter().enumerate() {
        let text = table.col(name).map_or("", |c| &row[c]);
        v[i] = text
            .parse::<u64>()
            .ok()
            .filter(|n| *n <= MAX_COUNT)
            .ok_or_else(|| {
                format!(
                    "{name} `{}`: not a count (a whole number from 0 to 10^12)",
                    crate::term::clip(text, crate::term::QUOTE)
                )
            })?;
    }
    let get = |n: &str| count(&v, n);
    for (num, den) in WITHIN {
        if get(num) > get(den) {
            return Err(format!(
                "{num} {} is more than {den} {}: the counts do not hold together",
                get(num),
                get(den)
            ));
        }
    }
    if get("on_time") + get("late") != get("processed") {
        return Err(format!(
            "on_time {} + late {} is not processed {}",
            get("on_time"),
            get("late"),
            get("processed")
        ));
    }
    Ok(v)
}

/// The count named `name` of a row's counts (in [`COUNTS`]' order).
fn count(v: &[u64; 21], name: &str) -> u64 {
    COUNTS.iter().position(|c| *c == name).map_or(0, |i| v[i])
}

fn tally_of(v: &[u64; 21], times: bool) -> Tally {
    let [_, received, synced, processed, on_time, late, unknown, online, _, fee, paid_online, resolved, digitized, paper_resolved, paper_e_result, reused, personal_store, citizen_db, flagged, time_total, timed] =
        *v;
    Tally {
        received,
        synced,
        processed,
        on_time,
        late,
        unknown,
        online,
        fee,
        paid_online,
        resolved,
        digitized,
        paper_resolved,
        paper_e_result,
        reused,
        personal_store,
        citizen_db,
        flagged,
        time_total: if times { time_total } else { 0 },
        timed: if times { timed } else { 0 },
    }
}

/// What the rows of a counts file add up to, per key, as they are read.
#[derive(Default)]
struct Gather {
    rows: BTreeMap<String, Gathered>,
    seen: BTreeMap<(String, String), usize>,
    columns: BTreeSet<String>,
    procedures: BTreeSet<String>,
    /// Per key: the lines counting late (and unjudged) dossiers, and how many.
    late: BTreeMap<String, (Vec<usize>, u64)>,
    unjudged: BTreeMap<String, (Vec<usize>, u64)>,
}

impl Gather {
    /// Adds one row, checked.
    fn row(
        &mut self,
        table: &Table,
        row: &crate::input::Row,
        opts: &Options,
        times: bool,
    ) -> Result<(), DossierError> {
        let at = table.at(row).to_string();
        let get = |n: &str| table.col(n).map_or("", |c| &row[c]);
        let unit = crate::input::normalize(get("unit_id"));
        let procedure = crate::input::normalize(get("procedure_id"));
        if unit.is_empty() {
            return Err(read_err(&at, "unit_id is empty"));
        }
        if let Some(first) = self
            .seen
            .insert((unit.clone(), procedure.clone()), row.line)
        {
            return Err(read_err(
                &at,
                format!(
                    "unit `{}` and procedure `{}` are already on line {first}: a counts file has one row for each",
                    crate::term::clip(&unit, crate::term::QUOTE),
                    crate::term::clip(&procedure, crate::term::QUOTE)
                ),
            ));
        }
        let v = row_counts(table, row).map_err(|why| read_err(&at, why))?;
        self.columns
            .extend(get("log_columns").split_whitespace().map(str::to_string));
        if !procedure.is_empty() {
            self.procedures.insert(procedure.clone());
        }
        if count(&v, "touching") == 0 {
            return Ok(()); // its dossiers touch no day of the period: no row for its unit
        }
        let key = if opts.by == GroupBy::Procedure {
            format!("{unit}{}{procedure}", super::KEY_SEPARATOR)
        } else {
            unit
        };
        for (map, n) in [
            (&mut self.late, count(&v, "late")),
            (&mut self.unjudged, count(&v, "unknown")),
        ] {
            if n > 0 {
                let e = map.entry(key.clone()).or_default();
                e.0.push(row.line);
                e.1 += n;
            }
        }
        let g = self.rows.entry(key).or_default();
        g.tally += tally_of(&v, times);
        if count(&v, "received_online") > 0 {
            g.used.online.insert(procedure.clone());
        }
        if count(&v, "paid_online") > 0 {
            g.used.paid_online.insert(procedure);
        }
        Ok(())
    }
}

/// Reads a counts file in place of the log, under the official method's setup in
/// `opts` (its period, grouping — by unit or by procedure — and catalogue).
pub fn read(table: &Table, opts: &Options) -> Result<MetricsTable, DossierError> {
    let setup = opts
        .official
        .as_ref()
        .ok_or_else(|| read_err(&table.file, "a counts file is read under --method 766"))?;
    if table.rows.len() > MAX_ROWS {
        return Err(read_err(
            &table.file,
            format!(
                "{} rows: a counts file has one per unit and procedure, at most {MAX_ROWS}",
                table.rows.len()
            ),
        ));
    }
    let mut g = Gather::default();
    for row in &table.rows {
        g.row(table, row, opts, setup.times)?;
    }
    let mut diagnostics = Vec::new();
    if table.rows.is_empty() {
        diagnostics.push(
            Diagnostic::new(Code::NoDossiers, "the counts file has no rows").at(&table.file, None),
        );
    }
    if let (Some(units), GroupBy::Unit) = (&opts.units, opts.by) {
        diagnostics.extend(super::not_in_register(g.rows.keys(), units, &table.file));
        for u in units {
            g.rows.entry(u.clone()).or_default();
        }
    }
    let uncatalogued = if setup.procedures.is_empty() {
        Vec::new()
    } else {
        (g.procedures.into_iter())
            .filter(|p| !setup.procedures.contains_key(p))
            .collect()
    };
    Ok(MetricsTable {
        key_columns: opts.by.key_columns().to_vec(),
        rows: Vec::new(),
        stats: RowStats {
            input: "counts".into(),
            file: table.file.to_string(),
            read: table.rows.len(),
            used: table.rows.len(),
            rejected: 0,
        },
        diagnostics,
        period: opts.period.clone(),
        rates: opts.rates.clone(),
        pruned: 0,
        unread: 0,
        official: Some(OfficialCounts {
            rows: g.rows,
            columns: g.columns,
            late: located(g.late, &table.file),
            unjudged: located(g.unjudged, &table.file),
            uncatalogued,
        }),
    })
}

/// Where a key's dossiers of one kind are counted, in words: a counts file holds no
/// dossier, so its lines (`12 counted in counts.csv lines 2, 5`).
fn located(map: BTreeMap<String, (Vec<usize>, u64)>, file: &str) -> BTreeMap<String, String> {
    map.into_iter()
        .map(|(k, (lines, n))| {
            let word = if lines.len() == 1 { "line" } else { "lines" };
            let each: Vec<String> = lines.iter().map(usize::to_string).collect();
            (
                k,
                format!("{n} counted in {file} {word} {}", each.join(", ")),
            )
        })
        .collect()
}
