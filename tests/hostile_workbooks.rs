//! Workbooks from other hands (#23, classes 1 and 4). Each hostile file is built here
//! (tests/gen.rs), run through the binary, and must be refused with exit 2 naming the
//! file and the limit, in bounded memory (measured: the child's peak resident set),
//! writing nothing. Taking a defence out (the sparse sheet, the guard on inflation and
//! on runs without markup, the count before expansion, the compound-file walk) fails
//! one of them.

use crate::gen::{self, XlsCell, XlsShape};
use cchc::input::workbook::limits::{Limits, LIMITS};
use cchc::input::workbook::Book;
use std::path::Path;

/// Peak memory a refused workbook may take (#23: under 300 MiB).
const PEAK_MIB: u64 = 300;

/// Writes `bytes` as `name` in a temp folder and runs `cchc lineage` on it with
/// `--out`; returns the outcome, having checked exit 2, nothing written and the peak.
fn refused(name: &str, bytes: &[u8], expect: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(name), bytes).unwrap();
    let (code, _, err, peak) = gen::measured(&["lineage", name, "--out", "out.csv"], tmp.path());
    assert_eq!(code, 2, "{name}: {err}");
    assert!(err.contains(name), "{err}");
    for e in expect {
        assert!(err.contains(e), "`{e}` not in: {err}");
    }
    assert!(!tmp.path().join("out.csv").exists(), "nothing is written");
    assert!(peak < PEAK_MIB, "{name}: peak {peak} MiB");
    err
}

/// `cchc lineage FILE --format csv` on a workbook written in a temp folder.
fn lineage_csv(name: &str, bytes: &[u8]) -> (i32, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(name), bytes).unwrap();
    crate::common::outcome(
        std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(["lineage", name, "--format", "csv"])
            .current_dir(tmp.path()),
    )
}

#[test]
fn a_stray_cell_at_the_last_column_and_row_is_refused_without_allocating_the_rectangle() {
    let stray = r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#;
    let xlsx = gen::lineage_xlsx(3, stray);
    let err = refused(
        "stray.xlsx",
        &xlsx,
        &[
            "refused: its cells span 1048576 rows × 16384 columns",
            "from A1 to XFD1048576",
            "limit: 67108864 cells of rows × columns",
        ],
    );
    assert!(err.contains("stray.xlsx[Sheet1]"), "{err}");
    // The same stray value in a checklist read by `score`.
    let tmp = tempfile::tempdir().unwrap();
    let rows = gen::text_row(
        1,
        &[
            ("A1", "unit_id"),
            ("B1", "criterion_id"),
            ("C1", "self_score"),
        ],
    ) + &gen::text_row(2, &[("A2", "U1"), ("B2", "A1"), ("C2", "9")])
        + stray;
    let book = gen::xlsx(&[("S", false, gen::sheet_xml(&rows, ""))], None, false);
    std::fs::write(tmp.path().join("checklist.xlsx"), book).unwrap();
    let root = crate::common::root();
    let fw = root.join("tests/fixtures/handcheck/framework.toml");
    let units = root.join("tests/fixtures/handcheck/units.csv");
    let (code, _, err, peak) = gen::measured(
        &[
            "score",
            "--framework",
            fw.to_str().unwrap(),
            "--units",
            units.to_str().unwrap(),
            "--checklist",
            "checklist.xlsx",
            "--out",
            "ranking.csv",
        ],
        tmp.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("checklist.xlsx[S]: refused: its cells span"),
        "{err}"
    );
    assert!(!tmp.path().join("ranking.csv").exists());
    assert!(peak < PEAK_MIB, "peak {peak} MiB");
}

#[test]
fn a_declared_count_of_shared_strings_is_never_believed() {
    let sst = |count: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}"><si><t>old_id</t></si><si><t>new_id</t></si><si><t>00004</t></si><si><t>00007</t></si></sst>"#
        )
    };
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>"#;
    let book = |count: &str| {
        gen::xlsx(
            &[("Sheet1", false, gen::sheet_xml(rows, ""))],
            Some(&sst(count)),
            false,
        )
    };
    let (code, lie, err) = lineage_csv("lie.xlsx", &book("4294967295"));
    assert_eq!(code, 0, "{err}");
    let (_, truth, _) = lineage_csv("lie.xlsx", &book("4"));
    assert_eq!(lie, truth);
    assert!(lie.contains("00007,,00004,,"), "{lie}");
    // A shared string the table does not have is named by its cell.
    let bad = rows.replace("<v>3</v>", "<v>99</v>");
    let b = gen::xlsx(
        &[("Sheet1", false, gen::sheet_xml(&bad, ""))],
        Some(&sst("4")),
        false,
    );
    refused(
        "missing.xlsx",
        &b,
        &["B2: refers to shared string 99, but the workbook has 4"],
    );
}

#[test]
fn a_part_that_declares_a_gigabyte_from_a_kilobyte_is_refused_before_inflating() {
    let mut b = gen::lineage_xlsx(3, "");
    gen::declare_size(&mut b, "xl/worksheets/sheet1.xml", 1 << 30);
    refused(
        "bomb.xlsx",
        &b,
        &[
            "part xl/worksheets/sheet1.xml inflates from",
            "to 1073741824 bytes",
            "limit: a part inflates at most 200× (is it a zip bomb?)",
        ],
    );
}

#[test]
fn a_part_that_inflates_past_what_it_declares_is_stopped_there() {
    // 8 MiB of tags the reader skips, declared as 64 KiB.
    let filler = "<x/>".repeat(2 << 20);
    let mut b = gen::lineage_xlsx(3, &filler);
    gen::declare_size(&mut b, "xl/worksheets/sheet1.xml", 65_536);
    refused(
        "liar.xlsx",
        &b,
        &["part xl/worksheets/sheet1.xml inflates past the 65536 bytes its archive declares"],
    );
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused_by_its_address() {
    let long = "x".repeat(40_000);
    let b = gen::lineage_xlsx(2, &gen::text_row(9, &[("C9", &long)]));
    refused(
        "long.xlsx",
        &b,
        &[
            "C9 holds 40000 characters",
            "limit: 32767 characters in a cell, as in Excel",
        ],
    );
}

#[test]
fn a_text_longer_than_any_xml_event_may_be_is_stopped_while_inflating() {
    // Stored, so that the ratio limit does not stop it first: 2 MiB without markup.
    let long = "x".repeat(2 << 20);
    let rows = gen::text_row(1, &[("A1", "old_id"), ("B1", "new_id")])
        + &gen::text_row(2, &[("A2", &long)]);
    let b = gen::xlsx(&[("Sheet1", false, gen::sheet_xml(&rows, ""))], None, true);
    refused(
        "run.xlsx",
        &b,
        &["holds a text or a tag longer than 1048576 bytes"],
    );
}

#[test]
fn an_ods_that_repeats_a_cell_into_billions_is_refused_before_expanding() {
    let header = gen::ods_row(&["old_id", "new_id"]);
    let bomb = r#"<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
    refused(
        "repeat.ods",
        &gen::ods(&(header.clone() + bomb)),
        &[
            "row 2 repeats 16384 cells 1048575 times",
            "limit: 33554432 cells",
        ],
    );
    // Empty repeats only move the position; a value far away spans the sheet.
    let far = r#"<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
    refused(
        "far.ods",
        &gen::ods(&(header + far)),
        &["its cells span 1048576 rows × 16384 columns"],
    );
}

#[test]
fn an_ods_reads_like_its_xlsx_twin() {
    let rows = gen::ods_row(&["old_id", "new_id", "note"])
        + &gen::ods_row(&["00004", "00001", "Nhập toàn bộ"])
        + r#"<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="string"><text:p>00007</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>00002</text:p></table:table-cell></table:table-row>"#;
    let (code, out, err) = lineage_csv("t.ods", &gen::ods(&rows));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("00001,,00004,,whole,Nhập toàn bộ"), "{out}");
    // The repeated row is two rows: the same edge twice, reported.
    assert!(err.contains("t.ods[Sheet1]"), "{err}");
}

fn xls_lineage(shape: &XlsShape, extra: Vec<(u16, u16, XlsCell)>) -> Vec<u8> {
    let mut cells = vec![
        (0, 0, XlsCell::Text("old_id")),
        (0, 1, XlsCell::Text("new_id")),
        (1, 0, XlsCell::Text("00004")),
        (1, 1, XlsCell::Text("00001")),
        (2, 0, XlsCell::Number(7.0)),
        (2, 1, XlsCell::Text("00001")),
    ];
    cells.extend(extra);
    gen::xls(&cells, shape)
}

#[test]
fn an_xls_reads_through_its_structure_check() {
    let (code, out, err) = lineage_csv("t.xls", &xls_lineage(&XlsShape::default(), vec![]));
    assert_eq!(code, 0, "{err}");
    // 7 stored as a number lost its zeros; the lineage pads it back.
    assert!(out.contains("00001,,00004,,"), "{out}");
    assert!(out.contains("00001,,00007,,"), "{out}");
}

#[test]
fn an_xls_whose_sheets_would_take_too_much_memory_is_refused_before_calamine_reads_it() {
    let declared = XlsShape {
        dimensions: Some((0, 65_536, 0, 256)),
        ..XlsShape::default()
    };
    refused(
        "dims.xls",
        &xls_lineage(&declared, vec![]),
        &[
            "its sheets span",
            "DIMENSIONS",
            "limit: 4000000 cells in an .xls",
        ],
    );
    refused(
        "stray.xls",
        &xls_lineage(
            &XlsShape::default(),
            vec![(65_535, 255, XlsCell::Number(1.0))],
        ),
        &["its sheets span"],
    );
}

#[test]
fn an_xls_whose_structure_lies_is_refused() {
    let looping = XlsShape {
        loop_directory: true,
        ..XlsShape::default()
    };
    refused(
        "loop.xls",
        &xls_lineage(&looping, vec![]),
        &["the chain of sectors of the directory loops"],
    );
    let tables = XlsShape {
        fat_len: Some(0x00FF_FFFF),
        ..XlsShape::default()
    };
    refused(
        "fat.xls",
        &xls_lineage(&tables, vec![]),
        &["declares more sector tables than the file holds"],
    );
    let away = XlsShape {
        sheet_at: Some(1 << 30),
        ..XlsShape::default()
    };
    refused(
        "away.xls",
        &xls_lineage(&away, vec![]),
        &["points outside the workbook stream"],
    );
    // Found by the workbook fuzz target: a record naming a column past Excel's last.
    refused(
        "wide.xls",
        &xls_lineage(
            &XlsShape::default(),
            vec![(3, 20_000, XlsCell::Number(1.0))],
        ),
        &["a cell at row 4 lies beyond the sheet's last column"],
    );
    // Found by the workbook fuzz target: a record that passes our structure check but
    // makes calamine's own parser panic (reading past a record's end); the panic is
    // caught and the file refused, whatever the record.
    refused(
        "short.xls",
        &std::fs::read(
            crate::common::root().join("tests/fixtures/workbooks/hostile/calamine-panics.xls"),
        )
        .unwrap(),
        &["the .xls reader failed on a malformed record: save the workbook again as .xlsx"],
    );
    // An .xls saved under an .xlsx name (or an encrypted .xlsx) is named as such.
    refused(
        "renamed.xlsx",
        &xls_lineage(&XlsShape::default(), vec![]),
        &["an encrypted (password-protected) workbook, or an .xls saved under another name"],
    );
}

/// A sheet of `n` cells in a workbook written to a temp folder.
fn cells_book(n: u32) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let rows: String = (1..=n)
        .map(|r| gen::text_row(r, &[(&format!("A{r}"), "v")]))
        .collect();
    let p = tmp.path().join("n.xlsx");
    std::fs::write(
        &p,
        gen::xlsx(&[("S", false, gen::sheet_xml(&rows, ""))], None, false),
    )
    .unwrap();
    (tmp, p)
}

fn open_read(p: &Path, lim: &Limits) -> Result<usize, String> {
    let mut b = Book::open_within(p, "n.xlsx", lim).map_err(|e| e.to_string())?;
    let name = b.pick(None).map_err(|e| e.to_string())?;
    b.read(&name)
        .map(|s| s.cells().len())
        .map_err(|e| e.to_string())
}

#[test]
fn the_cell_limit_holds_whether_a_part_is_counted_first_or_not() {
    let (_t, p) = cells_book(11);
    let small = Limits {
        cells: 10,
        ..LIMITS
    };
    let counted = Limits {
        count_first: 0,
        ..small
    };
    for lim in [small, counted] {
        let e = open_read(&p, &lim).unwrap_err();
        assert!(
            e.contains("n.xlsx[S]: refused: the sheet has more than 10 non-empty cells"),
            "{e}"
        );
    }
    assert_eq!(
        open_read(
            &p,
            &Limits {
                cells: 11,
                ..LIMITS
            }
        ),
        Ok(11)
    );
}

#[test]
fn the_shared_string_limit_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let sst = format!(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</sst>"#,
        "<si><t>a</t></si>".repeat(6)
    );
    let p = tmp.path().join("n.xlsx");
    std::fs::write(
        &p,
        gen::xlsx(&[("S", false, gen::sheet_xml("", ""))], Some(&sst), false),
    )
    .unwrap();
    let lim = Limits {
        shared_strings: 5,
        count_first: 0,
        ..LIMITS
    };
    let e = Book::open_within(&p, "n.xlsx", &lim)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("refused: the shared-strings table holds more than 5 strings"),
        "{e}"
    );
}

#[test]
fn the_first_visible_sheet_is_read_and_a_hidden_draft_is_not() {
    let draft = gen::sheet_xml(
        &(gen::text_row(1, &[("A1", "old_id"), ("B1", "new_id")])
            + &gen::text_row(2, &[("A2", "99999"), ("B2", "99998")])),
        "",
    );
    let real = gen::sheet_xml(
        &(gen::text_row(1, &[("A1", "old_id"), ("B1", "new_id")])
            + &gen::text_row(2, &[("A2", "00004"), ("B2", "00001")])),
        "",
    );
    let b = gen::xlsx(
        &[("Nháp", true, draft), ("Tổng hợp #2", false, real)],
        None,
        false,
    );
    let (code, out, err) = lineage_csv("t.xlsx", &b);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("00001,,00004"), "{out}");
    assert!(!out.contains("99999"), "{out}");
    // A sheet whose name holds `#` is named after the first `#` past the extension.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("t.xlsx"), &b).unwrap();
    let (code, out, err) = crate::common::outcome(
        std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(["lineage", "t.xlsx#Nháp", "--format", "csv"])
            .current_dir(tmp.path()),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("99998,,99999"), "{out}");
    let (code, out, err) = crate::common::outcome(
        std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(["lineage", "t.xlsx#Tổng hợp #2", "--format", "csv"])
            .current_dir(tmp.path()),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("00001,,00004"), "{out}");
}

#[test]
fn a_column_twice_in_a_header_is_refused_in_a_workbook_as_in_a_csv() {
    let rows = gen::text_row(
        1,
        &[("A1", "Mã xã cũ"), ("B1", "new_id"), ("C1", "Mã xã cũ")],
    ) + &gen::text_row(2, &[("A2", "00004"), ("B2", "00001"), ("C2", "00009")]);
    let b = gen::xlsx(&[("S", false, gen::sheet_xml(&rows, ""))], None, false);
    let (code, _, err) = lineage_csv("dup.xlsx", &b);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("dup.xlsx[S]:1: column `old_id` appears twice in the header"),
        "{err}"
    );
    let (code, _, err) = lineage_csv(
        "dup.csv",
        "Mã xã cũ,new_id,Mã xã cũ\n00004,00001,00009\n".as_bytes(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("dup.csv:1: column `old_id` appears twice in the header"),
        "{err}"
    );
}

#[test]
fn a_formula_without_a_saved_result_is_unknown_not_empty() {
    let rows = gen::text_row(1, &[("A1", "old_id"), ("B1", "new_id")])
        + r#"<row r="2"><c r="A2" t="inlineStr"><is><t>00004</t></is></c><c r="B2"><f>CONCAT("0000","1")</f></c></row>"#
        + r#"<row r="3"><c r="A3" t="inlineStr"><is><t>00005</t></is></c><c r="B3" t="str"><f>CONCAT("0000","2")</f><v>00002</v></c></row>"#;
    let b = gen::xlsx(&[("S", false, gen::sheet_xml(&rows, ""))], None, false);
    refused(
        "formula.xlsx",
        &b,
        &["formula.xlsx[S]: 1 cell(s) hold a formula whose result was never saved (B2)"],
    );
}

#[test]
fn an_error_cell_reads_as_excel_shows_it() {
    let rows = gen::text_row(
        1,
        &[
            ("A1", "unit_id"),
            ("B1", "criterion_id"),
            ("C1", "self_score"),
        ],
    ) + r#"<row r="2"><c r="A2" t="inlineStr"><is><t>U1</t></is></c><c r="B2" t="inlineStr"><is><t>A1</t></is></c><c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>"#;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("c.xlsx"),
        gen::xlsx(&[("S", false, gen::sheet_xml(&rows, ""))], None, false),
    )
    .unwrap();
    let root = crate::common::root();
    let (_, _, err) = crate::common::outcome(
        std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(["score", "--framework"])
            .arg(root.join("tests/fixtures/handcheck/framework.toml"))
            .arg("--units")
            .arg(root.join("tests/fixtures/handcheck/units.csv"))
            .args(["--checklist", "c.xlsx", "--format", "csv"])
            .current_dir(tmp.path()),
    );
    assert!(
        err.contains("c.xlsx[S]!C2") && err.contains("`#DIV/0!` is not a number"),
        "{err}"
    );
}

#[test]
fn a_dossier_workbooks_bad_value_is_named_by_its_cell() {
    let header = gen::text_row(
        1,
        &[
            ("A1", "dossier_id"),
            ("B1", "unit_id"),
            ("C1", "received_at"),
            ("D1", "channel"),
            ("E1", "status"),
            ("F1", "due_at"),
        ],
    );
    let rows = header
        + &gen::text_row(
            2,
            &[
                ("A2", "D1"),
                ("B2", "U1"),
                ("C2", "2025-03-01"),
                ("D2", "online"),
                ("E2", "received"),
                ("F2", "2025-03-10"),
            ],
        )
        + &gen::text_row(
            3,
            &[
                ("A3", "D2"),
                ("B3", "U1"),
                ("C3", "ngày 5"),
                ("D3", "online"),
                ("E3", "received"),
                ("F3", "2025-03-10"),
            ],
        );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("d.xlsx"),
        gen::xlsx(&[("Sổ", false, gen::sheet_xml(&rows, ""))], None, false),
    )
    .unwrap();
    let (code, _, err) = crate::common::outcome(
        std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(["metrics", "--dossiers", "d.xlsx", "--period", "2025"])
            .current_dir(tmp.path()),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("d.xlsx[Sổ]!C3: received_at \"ngày 5\": not a date"),
        "{err}"
    );
}
