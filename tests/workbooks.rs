//! Workbook inputs read as Excel shows them (#8.1): numbers as the decimal on screen,
//! dates as dates, and every finding about a cell naming it.

use cchc::input::workbook::excel_number;

#[test]
fn numbers_read_as_excel_displays_them() {
    assert_eq!(excel_number(0.1), "0.1");
    assert_eq!(excel_number(0.1 + 0.2), "0.3");
    assert_eq!(excel_number(86.95), "86.95");
    assert_eq!(excel_number(2.0), "2");
    assert_eq!(excel_number(-0.75), "-0.75");
    assert_eq!(excel_number(1900.0), "1900");
    assert_eq!(excel_number(0.000123), "0.000123");
    assert_eq!(excel_number(123456789012345.0), "123456789012345");
    assert_eq!(excel_number(1234567890123456789.0), "1234567890123460000");
    assert_eq!(excel_number(0.0), "0");
}

#[test]
fn a_bad_cell_is_named_by_its_address() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cham-diem.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Tổng hợp").unwrap();
    ws.write_string(0, 0, "BẢNG TỔNG HỢP ĐIỂM").unwrap();
    for (c, h) in ["Mã đơn vị", "Mã tiêu chí", "Điểm tự chấm", "Điểm thẩm định"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "U1").unwrap();
    ws.write_string(3, 1, "A1").unwrap();
    ws.write_number(3, 2, 9.0).unwrap();
    ws.write_string(3, 3, "tám").unwrap();
    ws.write_string(4, 0, "U1").unwrap();
    ws.write_string(4, 1, "A2").unwrap();
    ws.write_number(4, 2, 0.1 + 0.2).unwrap();
    wb.save(&path).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
        .args([
            "explain",
            "--framework",
            "tests/fixtures/handcheck/framework.toml",
        ])
        .args([
            "--units",
            "tests/fixtures/handcheck/units.csv",
            "--checklist",
        ])
        .arg(format!("{}#Tổng hợp", path.display()))
        .args(["--unit", "U1", "--criterion", "A"])
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stderr.contains("cham-diem.xlsx[Tổng hợp]!D4: unit U1, criterion A1: appraised_score `tám` is not a number"),
        "{stderr}"
    );
    // The row is the sheet's row, and 0.1 + 0.2 reads as the 0.3 Excel shows.
    assert!(stdout.contains("cham-diem.xlsx[Tổng hợp]:4"), "{stdout}");
    assert!(stdout.contains("self 0.3"), "{stdout}");
}

/// The guide's table of recognised headers (docs/inputs/headers.md), made from the one
/// table the readers use (`Input::known`).
#[test]
fn the_docs_table_of_headers_is_the_readers_table() {
    use cchc::input::columns::Input;
    let mut md = String::from("| input | column | recognised headers |\n|---|---|---|\n");
    for input in Input::ALL {
        for (column, headers) in input.known() {
            md.push_str(&format!(
                "| {} | {column} | {} |\n",
                input.name(),
                headers.join(", ")
            ));
        }
    }
    crate::common::generated_block("docs/inputs/headers.md", "headers", &md);
}

/// The guide's table of workbook limits (docs/inputs/workbooks.md) is the one the
/// readers hold files to.
#[test]
fn the_docs_table_of_workbook_limits_is_the_readers_limits() {
    let mut md = String::from("| limit | value |\n|---|---|\n");
    for (what, value) in cchc::input::workbook::limits::LIMITS.described() {
        md.push_str(&format!("| {what} | {value} |\n"));
    }
    crate::common::generated_block("docs/inputs/workbooks.md", "limits", &md);
}

/// Every non-empty cell of every sheet, as calamine reads it (the reference reader).
fn calamine_cells(path: &std::path::Path) -> Vec<(String, u32, u32, String)> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (i, row) in range.rows().enumerate() {
            for (j, d) in row.iter().enumerate() {
                let t = cchc::input::workbook::cell_text(d);
                if !t.is_empty() {
                    out.push((name.clone(), r0 + i as u32, c0 + j as u32, t));
                }
            }
        }
    }
    out
}

/// Every non-empty cell of every sheet, as cchc's own readers read it.
fn cchc_cells(path: &std::path::Path) -> Vec<(String, u32, u32, String)> {
    let mut book = cchc::input::workbook::Book::open(path, "t").unwrap();
    let names: Vec<String> = book.sheets().iter().map(|s| s.name.clone()).collect();
    let mut out = Vec::new();
    for name in names {
        let sheet = book.read(&name).unwrap();
        for c in sheet.cells() {
            let t = c.value.text();
            if !t.is_empty() {
                out.push((name.clone(), c.row, c.col, t));
            }
        }
    }
    out
}

#[test]
fn cchcs_xlsx_reader_reads_every_cell_as_calamine_does() {
    let root = crate::common::root();
    let mut files = vec![root.join("fixtures/lineage-2025/conversion-table.xlsx")];
    for e in std::fs::read_dir(root.join("fixtures/demo-xlsx")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "xlsx") {
            files.push(p);
        }
    }
    for f in files {
        let (ours, theirs) = (cchc_cells(&f), calamine_cells(&f));
        assert!(ours.len() > 10, "{}", f.display());
        assert_eq!(ours, theirs, "{}", f.display());
    }
}

fn cell_value() -> impl proptest::strategy::Strategy<Value = (u8, String, f64)> {
    use proptest::prelude::*;
    (
        0u8..5,
        "[a-zA-Z0-9 àáạảãăắằẳẵặâấầẩẫậđèéẹẻẽêếềểễệ_\\-\\r\\n\\t<>&\"'x]{0,12}",
        prop_oneof![
            -1e12f64..1e12,
            0.0f64..1.0,
            Just(0.1 + 0.2),
            Just(1e-7),
            (1i64..2_958_465).prop_map(|d| d as f64),
            (1.0f64..80_000.0)
        ],
    )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    #[test]
    fn generated_workbooks_read_alike(
        cells in proptest::collection::vec(((0u32..60, 0u16..12), cell_value()), 1..40)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy hh:mm");
        let pct = rust_xlsxwriter::Format::new().set_num_format("0.00%");
        for ((r, c), (kind, text, num)) in &cells {
            match kind {
                0 => { ws.write_string(*r, *c, text).unwrap(); }
                1 => { ws.write_number(*r, *c, *num).unwrap(); }
                2 => { ws.write_number_with_format(*r, *c, num.abs() % 80_000.0, &date).unwrap(); }
                3 => { ws.write_number_with_format(*r, *c, *num, &pct).unwrap(); }
                _ => { ws.write_boolean(*r, *c, *num > 0.0).unwrap(); }
            }
        }
        wb.save(&path).unwrap();
        proptest::prop_assert_eq!(cchc_cells(&path), calamine_cells(&path));
    }
}

#[test]
fn an_ods_and_an_xls_saved_by_libreoffice_score_like_the_csv() {
    // tests/fixtures/workbooks/units.{ods,xls}: fixtures/demo-xlsx/units.xlsx saved by
    // LibreOffice 7 as ODS and as Excel 97–2003 (a title row above the header).
    let csv = crate::common::cchc_text(&["score", "fixtures/demo", "--format", "csv"]);
    for f in ["units.ods", "units.xls"] {
        let path = format!("tests/fixtures/workbooks/{f}");
        let got = crate::common::cchc_text(&[
            "score",
            "fixtures/demo",
            "--units",
            &path,
            "--format",
            "csv",
        ]);
        assert_eq!(got, csv, "{f}");
    }
}
