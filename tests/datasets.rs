//! Dossier datasets (#10.2): a folder of hive-partitioned Parquet files, or a glob,
//! read as one log — the same counts as the CSV; `year=` partitions after the period
//! never opened; duplicate ids found across files; findings name the file and row.

use cchc::dossier::{parquet_bytes as parquet, ParquetValues as Values};
use std::path::Path;
use std::process::Command;

/// The hand log's rows (tests/fixtures/dossiers/dossiers.csv), as text.
fn hand_rows() -> (Vec<String>, Vec<Vec<String>>) {
    let text = crate::common::read("tests/fixtures/dossiers/dossiers.csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn write_part(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let columns = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let v = rows
                .iter()
                .map(|r| Some(r[i].clone()).filter(|s| !s.is_empty()))
                .collect();
            (h.clone(), Values::Text(v))
        })
        .collect();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, parquet(columns).unwrap()).unwrap();
}

/// The hand log split by province and month of receipt, hive style, plus a
/// `year=2026` partition holding a file that is not Parquet at all.
pub fn dataset(extra: Option<Vec<String>>) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let (header, mut rows) = hand_rows();
    if let Some(e) = extra {
        rows.push(e);
    }
    let root = tmp.path().join("logs");
    let mut parts: std::collections::BTreeMap<String, Vec<Vec<String>>> = Default::default();
    for r in rows {
        let month = if r[2].contains("/04/") || r[2].contains("-04-") {
            "04"
        } else {
            "earlier"
        };
        let province = if r[1] == "U2" { "HN" } else { "HP" };
        parts
            .entry(format!("province={province}/year=2025/month={month}"))
            .or_default()
            .push(r);
    }
    for (dir, rows) in &parts {
        write_part(&root.join(dir).join("part-0.parquet"), &header, rows);
    }
    let future = root.join("province=HP/year=2026");
    std::fs::create_dir_all(&future).unwrap();
    std::fs::write(future.join("part-0.parquet"), "not parquet at all").unwrap();
    tmp
}

fn metrics(args: &[&str]) -> (i32, String, String) {
    crate::common::outcome(
        Command::new(env!("CARGO_BIN_EXE_cchc"))
            .arg("metrics")
            .args(args)
            .args([
                "--procedures",
                "tests/fixtures/dossiers/procedures.csv",
                "--period",
                "2025-04",
            ])
            .current_dir(crate::common::root()),
    )
}

#[test]
fn a_partitioned_dataset_counts_as_the_csv_and_the_future_is_never_opened() {
    let tmp = dataset(None);
    let logs = tmp.path().join("logs");
    let golden = crate::common::read("tests/cases/golden/metrics-hand.csv");
    let (code, out, err) = metrics(&["--dossiers", logs.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, golden, "folder");
    // A glob over the same files.
    let glob = format!("{}/province=*/year=2025/*/*.parquet", logs.display());
    let (code, out, err) = metrics(&["--dossiers", &glob, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, golden, "glob");
    // The 2026 file is not Parquet: had it been opened, the run would have failed.
    let (code, out, _) = metrics(&["--dossiers", logs.to_str().unwrap(), "--format", "md"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("1 dataset file(s) in year= partitions after the period left unread"),
        "{out}"
    );
    // A period that reaches 2026 opens it, and says which file is broken.
    let out = Command::new(env!("CARGO_BIN_EXE_cchc"))
        .args([
            "metrics",
            "--dossiers",
            logs.to_str().unwrap(),
            "--period",
            "2026",
        ])
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("province=HP/year=2026/part-0.parquet") && err.contains("PAR1"),
        "{err}"
    );
}

#[test]
fn a_duplicate_id_across_files_is_named_by_file_and_row() {
    // D03 again, received in March: it lands in another file than the first D03.
    let extra = "D03,U1,2025-03-02,direct,received,,2025-03-10,,,,,,"
        .split(',')
        .map(str::to_string)
        .collect();
    let tmp = dataset(Some(extra));
    let logs = tmp.path().join("logs");
    let (code, _, err) = metrics(&["--dossiers", logs.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("province=HP/year=2025/month=earlier/part-0.parquet:")
            && err.contains("D03")
            && err.contains("first on row province=HP/year=2025/month=04/part-0.parquet row 3"),
        "{err}"
    );
    let (code, out, err) = metrics(&[
        "--dossiers",
        logs.to_str().unwrap(),
        "--skip-invalid",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        crate::common::read("tests/cases/golden/metrics-hand.csv")
    );
    assert!(
        err.contains("1 row skipped: this dossier_id appears on an earlier row too [duplicate-dossier] (first at province=HP/year=2025/month=earlier/part-0.parquet row 5)"),
        "{err}"
    );
}

#[test]
fn a_bad_typed_value_is_named_with_its_file_and_row() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("typed.parquet");
    let text = |v: &[&str]| Values::Text(v.iter().map(|s| Some(s.to_string())).collect());
    let columns = vec![
        ("dossier_id".to_string(), text(&["A1", "A2"])),
        ("unit_id".to_string(), text(&["U1", "U1"])),
        (
            "received_at".to_string(),
            text(&["2025-04-01", "2025-04-02"]),
        ),
        ("channel".to_string(), text(&["direct", "online"])),
        ("status".to_string(), text(&["received", "received"])),
        ("due_at".to_string(), text(&["2025-04-05", "2025-04-06"])),
        (
            "paid_online".to_string(),
            Values::Int(vec![Some(1), Some(2)]),
        ),
        ("rating".to_string(), Values::Int(vec![None, Some(0)])),
    ];
    std::fs::write(&path, parquet(columns).unwrap()).unwrap();
    let (code, _, err) = metrics(&["--dossiers", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("typed.parquet:2: paid_online \"2\""), "{err}");
}

#[test]
fn a_dataset_run_records_every_file_and_verifies() {
    let tmp = dataset(None);
    let logs = tmp.path().join("logs");
    let rec = tmp.path().join("run.json");
    let root = crate::common::root();
    let procedures = root.join("tests/fixtures/dossiers/procedures.csv");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    let out = run(&[
        "metrics",
        "--dossiers",
        logs.to_str().unwrap(),
        "--procedures",
        procedures.to_str().unwrap(),
        "--period",
        "2025-04",
        "--record",
        rec.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record = std::fs::read_to_string(&rec).unwrap();
    // Three partitions of 2025 (the 2026 file is part of the folder, and recorded too).
    assert_eq!(
        record.matches("\"role\": \"dossiers\"").count(),
        4,
        "{record}"
    );
    let out = run(&["verify", rec.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
