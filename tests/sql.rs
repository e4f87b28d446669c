//! `cchc metrics --emit-sql duckdb` (#10.5): the query, run by DuckDB (the `duckdb`
//! Python package) on the same log, gives cchc's table cell for cell — on the hand
//! log (text, typed and UTC Parquet, a dataset), every grouping, alternative
//! denominators, a unit register, the 21-20 convention, and a seeded log that mixes
//! every date format, zone, alias and flag spelling cchc reads.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs a query in DuckDB and prints its result as CSV (NULL as empty), as cchc does.
const RUN: &str = r#"
import csv, sys, duckdb
rel = duckdb.sql(sys.stdin.read())
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(rel.columns)
for row in rel.fetchall():
    w.writerow(["" if v is None else str(v) for v in row])
"#;

/// Whether DuckDB can run here; `.ci/run` installs it and sets CCHC_REQUIRE_DUCKDB.
pub(crate) fn duckdb() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CCHC_REQUIRE_DUCKDB").is_none(),
            "CCHC_REQUIRE_DUCKDB is set but python3 cannot import duckdb"
        );
        eprintln!("note: the duckdb Python package is not installed; the SQL comparison is skipped (pip install duckdb)");
    }
    ok
}

pub(crate) fn run_duckdb(sql: &str) -> String {
    let mut child = Command::new("python3")
        .args(["-c", RUN])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "DuckDB refused the query: {}\n{sql}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// cchc's table and DuckDB's result of the emitted query, for the same arguments.
fn both(args: &[&str]) -> (String, String) {
    let mut table_args = vec!["metrics"];
    table_args.extend_from_slice(args);
    table_args.extend_from_slice(&["--format", "csv", "--quiet"]);
    let cchc = crate::common::cchc_text(&table_args);
    let mut sql_args = vec!["metrics"];
    sql_args.extend_from_slice(args);
    sql_args.extend_from_slice(&["--emit-sql", "duckdb"]);
    let sql = crate::common::cchc_text(&sql_args);
    (cchc, run_duckdb(&sql))
}

/// Asserts every cell equal, naming the first that differs.
fn same_table(args: &[&str]) -> usize {
    let (ours, theirs) = both(args);
    let a: Vec<&str> = ours.lines().collect();
    let b: Vec<&str> = theirs.lines().collect();
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        let header: Vec<&str> = a[0].split(',').collect();
        for (j, (p, q)) in x.split(',').zip(y.split(',')).enumerate() {
            assert_eq!(
                p,
                q,
                "{}: row {i}, column {}: cchc {p:?}, DuckDB {q:?}\ncchc:\n{ours}\nDuckDB:\n{theirs}",
                args.join(" "),
                header.get(j).unwrap_or(&"?")
            );
        }
        assert_eq!(x, y, "{}: row {i}", args.join(" "));
    }
    assert_eq!(
        a.len(),
        b.len(),
        "{}: row count\ncchc:\n{ours}\nDuckDB:\n{theirs}",
        args.join(" ")
    );
    a.len() - 1
}

const HAND: &str = "tests/fixtures/dossiers/dossiers.csv";
const PROCS: &str = "tests/fixtures/dossiers/procedures.csv";

#[test]
fn the_hand_log_in_every_grouping_and_definition() {
    if !duckdb() {
        return;
    }
    let base = ["--dossiers", HAND, "--procedures", PROCS];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    assert_eq!(same_table(&with(&["--period", "2025-04"])), 2);
    for by in ["unit", "procedure", "channel", "month", "unit,month"] {
        assert!(same_table(&with(&["--period", "2025-Q2", "--by", by])) > 0);
    }
    same_table(&with(&[
        "--period",
        "2025-04",
        "--rate-definition",
        "online_share=received+carried_over",
        "--rate-definition",
        "on_time_rate=due_in_period",
        "--rate-definition",
        "satisfaction_rate=resolved",
    ]));
    // The register's unit without dossiers gets a row of zeros (U3).
    let rows = same_table(&with(&[
        "--period",
        "2025-04",
        "--units",
        "tests/fixtures/dossiers/units.csv",
    ]));
    assert_eq!(rows, 3);
    same_table(&with(&["--period", "2025-04", "--convention", "21-20"]));
    // U2's dossiers are all received in April: in February it has no row (nor in SQL).
    assert_eq!(same_table(&with(&["--period", "2025-02"])), 1);
    same_table(&with(&[
        "--period",
        "2025-02",
        "--rate-definition",
        "on_time_rate=due_in_period",
    ]));
    // A month with no dossiers at all still has its row.
    same_table(&with(&[
        "--period",
        "2024-11-01..2025-01-31",
        "--by",
        "month",
    ]));
}

#[test]
fn typed_and_utc_parquet_and_a_dataset_give_the_same_query_results() {
    if !duckdb() {
        return;
    }
    for log in [
        "tests/fixtures/dossiers/dossiers-typed.parquet",
        "tests/fixtures/dossiers/dossiers-typed-utc.parquet",
        "tests/fixtures/dossiers/dossiers.parquet",
    ] {
        let args = [
            "--dossiers",
            log,
            "--procedures",
            PROCS,
            "--period",
            "2025-04",
        ];
        assert_eq!(same_table(&args), 2, "{log}");
    }
    let tmp = crate::datasets::dataset(None);
    let dir = tmp.path().join("logs");
    let dir = dir.to_str().unwrap();
    let args = [
        "--dossiers",
        dir,
        "--procedures",
        PROCS,
        "--period",
        "2025-04",
        "--by",
        "unit,month",
    ];
    same_table(&args);
}

/// A seeded log that mixes what cchc reads: ISO and day-first dates, times with and
/// without seconds and fractions, zones (`Z`, `+07:00`, `-0330`), empty `due_at`
/// with same-day and multi-day procedures around holidays, every status, channel
/// aliases in any case, every flag spelling, fees and ratings.
fn mixed_log(seed: u64, rows: usize, sep: char) -> String {
    let mut s = seed;
    let mut next = move |n: u64| {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 33) % n
    };
    let stamp = |day: i64, minute: u64, style: u64| -> String {
        let d = cchc::date::Date::from_days(day).unwrap();
        let (y, m, dd) = (d.year(), d.month(), d.day());
        let date = if style % 2 == 0 {
            format!("{y:04}-{m:02}-{dd:02}")
        } else {
            format!("{dd}/{m}/{y}")
        };
        let (h, mi) = (minute / 60, minute % 60);
        match style % 7 {
            0 | 1 => date,
            2 => format!("{date} {h:02}:{mi:02}"),
            3 => format!("{date} {h}:{mi:02}:07"),
            4 => format!("{date}T{h:02}:{mi:02}:00.125Z"),
            5 => format!("{date} {h:02}:{mi:02}+07:00"),
            _ => format!("{date}T{h:02}:{mi:02}-0330"),
        }
    };
    let statuses = [
        "resolved",
        "Resolved",
        "received",
        "processing",
        "paused",
        "supplement",
        "returned",
        "withdrawn",
        "refused",
    ];
    let channels = [
        "direct",
        "ONLINE",
        "postal",
        "truc_tiep",
        "Truc_Tuyen",
        "bcci",
    ];
    let flags = ["", "0", "1", "x", "true", "FALSE", "X"];
    let fees = if sep == ';' {
        ["", "0", "0,00", "15.000", "1.500,5"]
    } else {
        ["", "0", "0.00", "15000", "1500.5"]
    };
    let start = cchc::date::Date::new(2024, 12, 1).unwrap().to_days();
    let mut out = cchc::dossier::probe::Fields::COLUMNS[..13].join(&sep.to_string());
    out.push('\n');
    for i in 0..rows {
        let received = start + next(200) as i64;
        let minute = 7 * 60 + next(11 * 60);
        let style = next(7);
        let status = statuses[next(statuses.len() as u64) as usize];
        let open = matches!(
            status,
            "received" | "processing" | "paused" | "supplement" | "refused"
        );
        // A finish at 23:30 local on the day of receipt or later; a zoned receipt
        // may fall on the next local day, so its finish is a day later at least.
        let finished = if open && next(3) > 0 {
            String::new()
        } else {
            let later = received + i64::from(style >= 4) + next(40) as i64;
            stamp(later, 23 * 60 + 30, 2 + next(2))
        };
        let proc_id = ["P0", "P1", "P5", ""][next(4) as usize];
        let due = if proc_id.is_empty() || next(3) == 0 {
            stamp(received + next(20) as i64, 0, next(2))
        } else {
            String::new()
        };
        let rating = ["", "0", "1", "3", "4", "5"][next(6) as usize];
        let fields = [
            format!("D{i:05}"),
            ["U1", "U2", " U3 ", "Phường Một"][next(4) as usize].to_string(),
            stamp(received, minute, style),
            channels[next(channels.len() as u64) as usize].to_string(),
            status.to_string(),
            proc_id.to_string(),
            due,
            finished,
            fees[next(fees.len() as u64) as usize].to_string(),
            flags[next(7) as usize].to_string(),
            flags[next(7) as usize].to_string(),
            flags[next(7) as usize].to_string(),
            rating.to_string(),
        ];
        let quoted: Vec<String> = fields
            .iter()
            .map(|f| {
                if f.contains(sep) {
                    format!("\"{f}\"")
                } else {
                    f.clone()
                }
            })
            .collect();
        out.push_str(&quoted.join(&sep.to_string()));
        out.push('\n');
    }
    out
}

#[test]
fn a_seeded_log_of_every_spelling_gives_the_same_table_in_duckdb() {
    if !duckdb() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for (seed, sep) in [(7u64, ','), (11, ';')] {
        let path = tmp.path().join(format!("mixed-{seed}.csv"));
        std::fs::write(&path, mixed_log(seed, 3000, sep)).unwrap();
        let log = path.to_str().unwrap();
        // cchc accepts the whole log: a rejected row would make the comparison moot.
        let strict = [
            "metrics",
            "--dossiers",
            log,
            "--procedures",
            PROCS,
            "--period",
            "2025",
            "--format",
            "csv",
        ];
        crate::common::cchc(&strict);
        for (period, by) in [
            ("2025-Q1", "unit"),
            ("2025", "unit,month"),
            ("2025-01-15..2025-02-14", "procedure"),
            ("2025-03", "channel"),
        ] {
            let args = [
                "--dossiers",
                log,
                "--procedures",
                PROCS,
                "--period",
                period,
                "--by",
                by,
            ];
            assert!(same_table(&args) > 0, "{period} by {by}");
        }
    }
}
