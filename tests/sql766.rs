//! `cchc metrics --method 766 --emit-sql duckdb` and `--counts` (#25.6): the query, run
//! by DuckDB on the same log, gives counts from which cchc prints the same table, byte
//! for byte, by unit and by procedure, with the same findings — on the hand-worked
//! month, the demo, generated projects, a typed Parquet dataset and a log written with
//! every spelling cchc reads. A counts file comes from other hands, so each of its
//! ways of being wrong is refused with its file and line, and nothing is written.

use crate::common::{outcome, root};
use crate::sql::{duckdb, run_duckdb};
use std::path::Path;
use std::process::Command;

fn cchc(args: &[&str]) -> (i32, String, String) {
    outcome(
        Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(args)
            .current_dir(root()),
    )
}

/// The counts the emitted query computes in DuckDB for the project `dir` (extra
/// `args` given to both runs), written to `counts`.
fn warehouse_counts(dir: &str, args: &[&str], counts: &Path) {
    let (code, sql, err) = cchc(
        &[
            &["metrics", dir, "--method", "766", "--emit-sql", "duckdb"],
            args,
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{err}");
    std::fs::write(counts, run_duckdb(&sql)).unwrap();
}

/// Asserts that the log and the warehouse's counts give the same table and findings,
/// by unit and by procedure.
fn same_from_counts(dir: &str, args: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let counts = tmp.path().join("counts.csv");
    warehouse_counts(dir, args, &counts);
    let c = counts.to_str().unwrap();
    for by in ["unit", "procedure"] {
        let base = [
            &[
                "metrics", dir, "--method", "766", "--by", by, "--format", "csv",
            ],
            args,
        ]
        .concat();
        let (code, ours, err) = cchc(&base);
        assert_eq!(code, 0, "{err}");
        let (code2, theirs, err2) = cchc(&[&base[..], &["--counts", c]].concat());
        assert_eq!(code2, 0, "{err2}");
        assert!(ours.lines().count() > 10, "{ours}");
        assert_eq!(ours, theirs, "{dir} by {by}");
        // The same findings, but for the file they are read from.
        let strip = |e: &str| -> Vec<String> {
            e.lines()
                .map(|l| l.split(": ").skip(1).collect::<Vec<_>>().join(": "))
                .collect()
        };
        assert_eq!(strip(&err), strip(&err2), "{dir} by {by}");
    }
    // A run on the counts is recorded with them, and verifies.
    let (rec, out) = (tmp.path().join("run.json"), tmp.path().join("out.csv"));
    let (r, o) = (rec.to_str().unwrap(), out.to_str().unwrap());
    let run = [&["metrics", dir, "--method", "766", "--counts", c], args].concat();
    let (code, _, err) = cchc(&[&run[..], &["--record", r, "--out", o]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(crate::common::read(&rec).contains("\"counts\""));
    let (code, said, err) = cchc(&["verify", r]);
    assert_eq!(code, 0, "{said}{err}");
    assert!(said.contains("reproduced byte for byte"), "{said}");
}

#[test]
fn the_warehouse_counts_score_to_the_same_table_on_the_fixtures_and_generated_logs() {
    if !duckdb() {
        return;
    }
    same_from_counts("tests/fixtures/service766", &[]);
    same_from_counts("fixtures/service-766", &[]);
    let tmp = tempfile::tempdir().unwrap();
    for (seed, procedures) in [(5, 8), (6, 40)] {
        let out = tmp.path().join(format!("p{seed}"));
        crate::service766::generated(seed, 900, procedures, 60, &out);
        same_from_counts(out.to_str().unwrap(), &[]);
    }
}

#[test]
fn a_typed_parquet_dataset_and_every_spelling_give_the_same_counts() {
    if !duckdb() {
        return;
    }
    // The hand fixture's log as a dataset of two typed Parquet files.
    let tmp = crate::service766::copy(|_, t| t);
    let text = crate::common::read("tests/fixtures/service766/dossiers.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    let header: Vec<String> = lines.remove(0).split(',').map(str::to_string).collect();
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let logs = tmp.path().join("logs");
    crate::service766::typed_part(&logs.join("part-0.parquet"), &header, &rows[..6]);
    crate::service766::typed_part(&logs.join("part-1.parquet"), &header, &rows[6..]);
    let dir = tmp.path().to_str().unwrap();
    same_from_counts(dir, &["--dossiers", logs.to_str().unwrap()]);

    // A generated log rewritten with the other spellings cchc reads: DD/MM/YYYY, UTC
    // stamps, Vietnamese channel and status names, flags as x and TRUE, capitals.
    let out = tempfile::tempdir().unwrap();
    crate::service766::generated(9, 800, 40, 120, out.path());
    let log = out.path().join("dossiers.csv");
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut rewritten = vec![header.join(",")];
    for (i, l) in lines.enumerate() {
        let cells: Vec<String> = l
            .split(',')
            .zip(&header)
            .map(|(c, h)| respell(i, h, c))
            .collect();
        rewritten.push(cells.join(","));
    }
    std::fs::write(&log, rewritten.join("\n") + "\n").unwrap();
    same_from_counts(out.path().to_str().unwrap(), &[]);
}

/// One cell of a log written another way that means the same (row `i`).
fn respell(i: usize, header: &str, cell: &str) -> String {
    let stamp = header.ends_with("_at") && !cell.is_empty();
    match header {
        _ if stamp && i % 3 == 1 => {
            // 2026-03-16 08:17 → 16/03/2026 08:17
            let (date, time) = cell.split_once(' ').unwrap_or((cell, ""));
            let d: Vec<&str> = date.split('-').collect();
            format!("{}/{}/{} {time}", d[2], d[1], d[0])
                .trim()
                .to_string()
        }
        _ if stamp && i % 3 == 2 && cell.len() == 16 => {
            // Local time as UTC: 08:17 (UTC+7) is 01:17Z; before 07:00 the day before.
            let (date, time) = cell.split_once(' ').unwrap();
            let h: i64 = time[..2].parse().unwrap();
            if h >= 7 {
                format!("{date}T{:02}:{}:00Z", h - 7, &time[3..])
            } else {
                cell.to_string()
            }
        }
        "channel" if cell == "online" => "TRUC_TUYEN".into(),
        "status" if cell == "stopped" => "dung_xu_ly".into(),
        "status" => cell.to_uppercase(),
        _ if cell == "1" && header != "supplement_requests" && header != "rating" => {
            ["x", "TRUE", "1"][i % 3].into()
        }
        _ => cell.to_string(),
    }
}

#[test]
fn a_counts_file_that_does_not_hold_together_is_refused_with_its_line() {
    // Every way a counts file from other hands can be wrong: each stops the run with
    // the file and line, and --out is not written.
    let tmp = tempfile::tempdir().unwrap();
    let good = "unit_id,procedure_id,touching,received,synced,processed,on_time,late,unknown,online,received_online,fee,paid_online,resolved,digitized,paper_resolved,paper_e_result,reused,personal_store,citizen_db,flagged,time_total,timed,log_columns\n\
                X1,P1,5,4,3,5,3,2,0,2,2,1,1,3,2,0,0,1,1,2,1,14,3,synced\n";
    let cases: [(&str, &str); 8] = [
        (
            "X1,P1,5,4,3,5,3,2,0,2,2,1,1,3,2,0,0,1,1,2,1,14,three,synced",
            "timed `three`: not a count",
        ),
        (
            "X1,P1,5,4,3,5,3,2,0,2,2,1,1,3,2,0,0,1,1,2,1,14,-3,synced",
            "timed `-3`: not a count",
        ),
        (
            "X1,P1,5,4,3,5,3,2,0,2,2,1,1,3,2,0,0,1,1,2,1,14,99999999999999999999999,synced",
            "not a count",
        ),
        (
            "X1,P1,5,4,9,5,3,2,0,2,2,1,1,3,2,0,0,1,1,2,1,14,3,synced",
            "synced 9 is more than received 4",
        ),
        (
            "X1,P1,5,4,3,5,3,1,0,2,2,1,1,3,2,0,0,1,1,2,1,14,3,synced",
            "on_time 3 + late 1 is not processed 5",
        ),
        (
            "X1,P1,5,4,3,5,3,2,0,2,2,1,1,3,2,0,0,1,1,2,1,14,3,synced",
            "already on line 2",
        ),
        (
            ",P1,5,4,3,5,3,2,0,2,2,1,1,3,2,0,0,1,1,2,1,14,3,synced",
            "unit_id is empty",
        ),
        (
            // Beyond any log (and beyond what sums of a file could hold in 64 bits).
            "X1,P1,1000000000001,4,3,5,3,2,0,2,2,1,1,3,2,0,0,1,1,2,1,14,3,synced",
            "touching `1000000000001`: not a count (a whole number from 0 to 10^12)",
        ),
    ];
    let out = tmp.path().join("out.csv");
    for (i, (row, want)) in cases.iter().enumerate() {
        let f = tmp.path().join(format!("c{i}.csv"));
        let text = if want.contains("already") {
            format!("{good}{row}\n")
        } else {
            format!("{}\n{row}\n", good.lines().next().unwrap())
        };
        std::fs::write(&f, text).unwrap();
        let (code, _, err) = from_counts(&f, &["--out", out.to_str().unwrap()]);
        assert_eq!(code, 2, "{row}");
        assert!(err.contains(want), "{want}: {err}");
        let line = if want.contains("already") { 3 } else { 2 };
        assert!(err.contains(&format!("c{i}.csv:{line}")), "{err}");
        assert!(!out.exists());
    }
    // A file without one of the columns.
    let f = tmp.path().join("short.csv");
    std::fs::write(&f, good.replace(",timed,", ",timing,")).unwrap();
    let (code, _, err) = from_counts(&f, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("missing required column `timed`"), "{err}");
}

/// `cchc metrics` of the hand-worked month scored from the counts file `f`.
fn from_counts(f: &Path, args: &[&str]) -> (i32, String, String) {
    let dir = "tests/fixtures/service766";
    let c = f.to_str().unwrap();
    cchc(&[&["metrics", dir, "--method", "766", "--counts", c], args].concat())
}

#[test]
fn counts_are_read_only_where_they_can_stand_for_the_log() {
    let (code, _, err) = cchc(&[
        "metrics",
        "fixtures/demo",
        "--counts",
        "tests/fixtures/service766/expected.csv",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--counts holds the official method's counts: use it with --method 766"),
        "{err}"
    );
    let (code, _, err) = cchc(&[
        "metrics",
        "tests/fixtures/service766",
        "--method",
        "766",
        "--by",
        "procedure",
        "--emit-sql",
        "duckdb",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("leave --by out"), "{err}");
}
