//! The parquet output read back with polars: typed columns holding the CSV's numbers,
//! and the per-criterion detail beside it.

use crate::common::cchc as run;
use polars::prelude::*;
use std::process::Command;

fn read(path: &std::path::Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

/// Every cell as text (null → empty), as the CSV writes it.
fn text(df: &DataFrame, column: &str) -> Vec<String> {
    let c = df.column(column).unwrap().cast(&DataType::String).unwrap();
    let ca = c.str().unwrap();
    (0..ca.len())
        .map(|i| ca.get(i).unwrap_or_default().to_string())
        .collect()
}

#[test]
fn parquet_carries_the_csv_numbers_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ranking.parquet");
    run(&["score", "fixtures/demo", "--out", path.to_str().unwrap()]);
    let csv = String::from_utf8(run(&["score", "fixtures/demo", "--format", "csv"])).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let df = read(&path);
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names, rows[0]);
    assert_eq!(df.height(), rows.len() - 1);
    assert_eq!(df.column("rank").unwrap().dtype(), &DataType::Int64);
    assert_eq!(
        df.column("index").unwrap().dtype(),
        &DataType::Decimal(38, 2)
    );
    assert_eq!(df.column("name").unwrap().dtype(), &DataType::String);
    // Same numbers (compared as exact decimals: max_points 100 is 100.00 at scale 2).
    let value = |s: &str| {
        s.parse::<rust_decimal::Decimal>()
            .map(|d| d.normalize().to_string())
            .unwrap_or(s.to_string())
    };
    for (c, name) in rows[0].iter().enumerate() {
        let want: Vec<String> = rows[1..].iter().map(|r| value(r[c])).collect();
        let got: Vec<String> = text(&df, name).iter().map(|v| value(v)).collect();
        assert_eq!(got, want, "column {name}");
    }
    assert_eq!(text(&df, "index")[0], "93.05");

    let detail = read(&dir.path().join("ranking.criteria.parquet"));
    assert_eq!(detail.height(), 12 * 42);
    let units = text(&detail, "unit_id");
    let ids = text(&detail, "criterion_id");
    let points = text(&detail, "points");
    let exact = text(&detail, "points_exact");
    let derivation = text(&detail, "derivation");
    let at = (0..detail.height())
        .find(|&i| units[i] == "X02" && ids[i] == "1.2")
        .unwrap();
    assert_eq!(points[at], "0.00");
    assert_eq!(
        derivation[at],
        "done/planned = 17/31 = 54.8387…%, reaches the step from 0% → 0"
    );
    let at = (0..detail.height())
        .find(|&i| units[i] == "X02" && ids[i] == "1.4.2")
        .unwrap();
    assert_eq!((points[at].as_str(), exact[at].as_str()), ("0.90", "0.9"));
}

#[test]
fn parquet_needs_out() {
    let out = Command::new(env!("CARGO_BIN_EXE_cchc"))
        .args(["score", "fixtures/demo", "--format", "parquet"])
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --out FILE.parquet"));
}

#[test]
fn parquet_is_the_same_bytes_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = |name: &str| {
        let path = dir.path().join(name);
        run(&["score", "fixtures/demo", "--out", path.to_str().unwrap()]);
        let detail = dir
            .path()
            .join(name.replace(".parquet", ".criteria.parquet"));
        (std::fs::read(path).unwrap(), std::fs::read(detail).unwrap())
    };
    assert_eq!(bytes("a.parquet"), bytes("b.parquet"));
}
