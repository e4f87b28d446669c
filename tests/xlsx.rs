//! The xlsx output read back (calamine): the same numbers as the CSV, typed as numbers,
//! Vietnamese text intact, one sheet per area whose totals are the CSV's area columns.

use crate::common::cchc as run;
use calamine::{open_workbook, Data, Reader, Xlsx};

/// A cell as the CSV would print it (numbers with 2 places, integers bare).
fn shown(d: &Data, header: &str) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if matches!(header, "rank" | "rank_in_group" | "max_points") => {
            format!("{f}")
        }
        Data::Float(f) => format!("{f:.2}"),
        Data::Int(i) => i.to_string(),
        other => panic!("unexpected cell {other:?}"),
    }
}

#[test]
fn xlsx_carries_the_csv_numbers_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ranking.xlsx");
    run(&["score", "fixtures/demo", "--out", path.to_str().unwrap()]);
    let csv = String::from_utf8(run(&["score", "fixtures/demo", "--format", "csv"])).unwrap();
    let csv: Vec<Vec<String>> = csv
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();

    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names[0], "Ranking");
    assert_eq!(names.len(), 1 + 9 + 1, "{names:?}");
    assert_eq!(names[10], "Summary");
    assert!(names[1].starts_with("1 Công tác chỉ đạo"), "{names:?}");
    let ranking = wb.worksheet_range("Ranking").unwrap();
    let rows: Vec<&[Data]> = ranking.rows().collect();
    assert_eq!(rows.len(), csv.len());
    let header: Vec<String> = rows[0].iter().map(|d| shown(d, "")).collect();
    assert_eq!(header, csv[0]);
    for (xr, cr) in rows.iter().zip(&csv).skip(1) {
        for ((cell, want), h) in xr.iter().zip(cr).zip(&header) {
            if matches!(h.as_str(), "unit_id" | "name" | "group" | "band") {
                assert!(matches!(cell, Data::String(_)), "{h}: {cell:?}");
            } else {
                assert!(
                    matches!(cell, Data::Float(_)),
                    "{h} must be a number: {cell:?}"
                );
            }
            assert_eq!(&shown(cell, h), want, "column {h}");
        }
    }
    // Area 8's sheet: per-criterion points, its total column equals area_8 in the CSV.
    let sheet = names.iter().find(|n| n.starts_with("8 ")).unwrap().clone();
    let area = wb.worksheet_range(&sheet).unwrap();
    let arows: Vec<&[Data]> = area.rows().collect();
    let ids: Vec<String> = arows[0].iter().map(|d| shown(d, "")).collect();
    assert_eq!(
        ids,
        ["unit_id", "name", "8.1", "8.2", "8.3", "8.4", "area_8"]
    );
    let col8 = csv[0].iter().position(|h| h == "area_8").unwrap();
    for (xr, cr) in arows.iter().skip(3).zip(csv.iter().skip(1)) {
        assert_eq!(shown(&xr[0], ""), cr[2]);
        assert_eq!(shown(xr.last().unwrap(), "area_8"), cr[col8]);
    }
}

#[test]
fn xlsx_goes_to_stdout_when_piped_and_is_the_same_bytes_every_run() {
    // Piped (as here) the workbook goes to stdout (on a terminal, --out is required).
    let bytes = run(&["score", "fixtures/demo", "--format", "xlsx"]);
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
    assert_eq!(bytes, run(&["score", "fixtures/demo", "--format", "xlsx"]));
}
