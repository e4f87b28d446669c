//! Self-assessment forms round-trip (#8.4, #8.5): `cchc forms` writes a workbook per
//! unit, cells are typed into it as a person would in Excel, `cchc collect` reads them
//! back — what was typed comes back exactly, a bad cell is named by its address, a
//! form for another unit or framework is refused and nothing is written.

use crate::common::{cchc, root};
use calamine::{Data, Reader};
use cchc::forms::write::editable;
use cchc::forms::Col;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

/// What is typed into a cell.
enum Typed {
    Number(String),
    Text(String),
}

/// Types values into the first sheet of an xlsx as Excel would store them: each
/// addressed `<c>` element is rewritten with its style kept, numbers as `<v>`, text as
/// an inline string. Independent of the writer: it edits the file's XML.
fn type_cells(path: &Path, cells: &BTreeMap<String, Typed>) {
    edit_form(
        path,
        |name, xml| {
            (name == "xl/worksheets/sheet1.xml").then(|| {
                cells.iter().fold(xml.to_string(), |xml, (addr, value)| {
                    retype(&xml, addr, value)
                })
            })
        },
        &[],
    );
}

fn retype(xml: &str, addr: &str, value: &Typed) -> String {
    let open = format!("<c r=\"{addr}\"");
    let start = xml.find(&open).unwrap_or_else(|| panic!("no cell {addr}"));
    let rest = &xml[start..];
    let tag_end = rest.find('>').unwrap();
    let end = if rest[..tag_end].ends_with('/') {
        tag_end + 1
    } else {
        rest.find("</c>").unwrap() + 4
    };
    let style = rest[..tag_end]
        .split(" s=\"")
        .nth(1)
        .map(|s| format!(" s=\"{}\"", &s[..s.find('"').unwrap()]))
        .unwrap_or_default();
    let cell = match value {
        Typed::Number(n) => format!("<c r=\"{addr}\"{style}><v>{n}</v></c>"),
        Typed::Text(t) => {
            let t = t
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!("<c r=\"{addr}\"{style} t=\"inlineStr\"><is><t>{t}</t></is></c>")
        }
    };
    format!("{}{cell}{}", &xml[..start], &rest[end..])
}

fn letter(c: Col) -> char {
    (b'A' + c.index() as u8) as char
}

/// The 1-based row of each criterion in a form, read from its visible column A.
fn rows_of(path: &Path) -> BTreeMap<String, u32> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let sheet = wb.worksheet_range("Tự đánh giá").unwrap();
    let (r0, _) = sheet.start().unwrap();
    let mut out = BTreeMap::new();
    for (i, row) in sheet.rows().enumerate() {
        if let Some(Data::String(id)) = row.first() {
            out.insert(id.clone(), r0 + i as u32 + 1);
        }
    }
    out
}

fn run(args: &[&str]) -> (i32, String, String) {
    crate::common::outcome(
        Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(args)
            .current_dir(root()),
    )
}

/// `cchc collect FORMS --project fixtures/demo --out OUT` with more arguments.
fn collect(forms: &Path, out: &Path, more: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "collect",
        forms.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    if !more.contains(&"--framework") {
        args.extend(["--project", "fixtures/demo"]);
    }
    args.extend(more);
    run(&args)
}

/// The demo checklist as (unit, criterion) → column → value.
fn demo_checklist() -> BTreeMap<(String, String), BTreeMap<String, String>> {
    csv_map(&std::fs::read(root().join("fixtures/demo/checklist.csv")).unwrap())
}

fn csv_map(bytes: &[u8]) -> BTreeMap<(String, String), BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let mut out = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let row: BTreeMap<String, String> = header
            .iter()
            .cloned()
            .zip(rec.iter().map(str::to_string))
            .collect();
        out.insert((row["unit_id"].clone(), row["criterion_id"].clone()), row);
    }
    out
}

/// Writes the demo's forms and types the demo checklist into them, as every unit
/// would; returns the folder.
fn filled_forms() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    cchc(&["forms", "fixtures/demo", "--out", forms.to_str().unwrap()]);
    let fw = crate::common::score_dir("fixtures/demo").framework;
    let demo = demo_checklist();
    for entry in std::fs::read_dir(&forms).unwrap() {
        let path = entry.unwrap().path();
        let unit = path.file_stem().unwrap().to_string_lossy().into_owned();
        let rows = rows_of(&path);
        let mut cells = BTreeMap::new();
        for ((u, crit), row) in &demo {
            if *u != unit {
                continue;
            }
            let leaf = &fw.leaves[fw.leaf(crit).unwrap()];
            let r = rows[crit];
            let mut put = |c: Col, column: &str, number: bool| {
                let v = row.get(column).cloned().unwrap_or_default();
                if !v.is_empty() {
                    let typed = if number && v != "na" {
                        Typed::Number(v)
                    } else {
                        Typed::Text(v)
                    };
                    cells.insert(format!("{}{r}", letter(c)), typed);
                }
            };
            for c in editable(leaf) {
                match c {
                    Col::Score => put(*c, "self_score", true),
                    Col::Done => put(*c, "done", true),
                    Col::Planned => put(*c, "planned", true),
                    Col::Value => put(*c, "value", false),
                    Col::Count => put(*c, "count", true),
                    _ => {}
                }
            }
            if leaf.from_checklist() {
                put(Col::Evidence, "evidence", false);
            }
        }
        type_cells(&path, &cells);
    }
    dir
}

#[test]
fn what_was_typed_comes_back() {
    let dir = filled_forms();
    let forms = dir.path().join("forms");
    let out = dir.path().join("collected.csv");
    let (code, _, err) = collect(&forms, &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("collected 12 form(s)"), "{err}");
    let got = csv_map(&std::fs::read(&out).unwrap());
    let demo = demo_checklist();
    let fw = crate::common::score_dir("fixtures/demo").framework;
    assert_eq!(got.len(), demo.len());
    let mut compared = 0;
    for (key, want) in &demo {
        let have = &got[key];
        let leaf = &fw.leaves[fw.leaf(&key.1).unwrap()];
        let inputs = editable(leaf);
        for (c, column) in [
            (Col::Score, "self_score"),
            (Col::Done, "done"),
            (Col::Planned, "planned"),
            (Col::Value, "value"),
            (Col::Count, "count"),
        ] {
            if inputs.contains(&c) {
                assert_eq!(have[column], want[column], "{key:?} {column}");
                compared += 1;
            }
        }
        if leaf.from_checklist() {
            assert_eq!(have["evidence"], want["evidence"], "{key:?} evidence");
        }
    }
    assert!(compared > 300, "only {compared} cells compared");
    // A ratio criterion's self-score is what its rule gives the typed inputs: P01
    // typed 1.2 done 250 / planned 250, which reaches the 100% step (3 points).
    assert_eq!(got[&("P01".into(), "1.2".into())]["self_score"], "3");
}

#[test]
fn a_bad_cell_is_named_and_left_empty() {
    let dir = filled_forms();
    let forms = dir.path().join("forms");
    let p01 = forms.join("P01.xlsx");
    let rows = rows_of(&p01);
    let mut cells = BTreeMap::new();
    // 1.5 is manual (max 2), 1.1 a choice, 9.3 a per-count, 1.6 renumbered by hand.
    cells.insert(format!("E{}", rows["1.5"]), Typed::Number("7".into()));
    cells.insert(format!("H{}", rows["1.1"]), Typed::Text("sometimes".into()));
    cells.insert(format!("I{}", rows["9.3"]), Typed::Text("hai".into()));
    cells.insert(format!("A{}", rows["1.6"]), Typed::Text("1.6b".into()));
    type_cells(&p01, &cells);
    let out = dir.path().join("collected.csv");
    let (code, _, err) = collect(&forms, &out, &[]);
    assert_eq!(code, 1, "{err}");
    for (col, id, code) in [
        ('E', "1.5", "bad-cell"),
        ('H', "1.1", "bad-cell"),
        ('I', "9.3", "bad-cell"),
        ('A', "1.6", "changed-criterion"),
    ] {
        let place = format!("P01.xlsx[Tự đánh giá]!{col}{}", rows[id]);
        assert!(
            err.lines().any(|l| l.contains(&place) && l.contains(code)),
            "{place} {code} not in:\n{err}"
        );
    }
    assert!(err.contains("7 is above the maximum 2"), "{err}");
    assert!(err.contains("`sometimes` is not an option"), "{err}");
    let got = csv_map(&std::fs::read(&out).unwrap());
    assert_eq!(got[&("P01".into(), "1.5".into())]["self_score"], "");
    assert_eq!(got[&("P01".into(), "1.1".into())]["value"], "");
    assert!(!got.contains_key(&("P01".into(), "1.6".into())));
}

#[test]
fn a_form_for_another_unit_or_framework_is_refused_and_nothing_written() {
    let dir = filled_forms();
    let forms = dir.path().join("forms");
    let out = dir.path().join("collected.csv");
    std::fs::write(&out, "kept\n").unwrap();
    // P02's form saved over P03's name.
    std::fs::copy(forms.join("P02.xlsx"), forms.join("P03.xlsx")).unwrap();
    let (code, _, err) = collect(&forms, &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("form-unit-mismatch") && err.contains("P03.xlsx"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "kept\n");
    // A form returned renamed by its unit is still its unit's.
    std::fs::remove_file(forms.join("P03.xlsx")).unwrap();
    std::fs::rename(forms.join("P02.xlsx"), forms.join("P02 (đã điền).xlsx")).unwrap();
    let (code, _, err) = collect(&forms, &out, &[]);
    assert_eq!(code, 0, "{err}");
    // Another framework: every form refused.
    let (code, _, err) = collect(&forms, &out, &["--framework", "par-department-2025"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("form-framework-mismatch"), "{err}");
}

#[test]
fn filling_a_stage_keeps_every_other_column_and_row() {
    let dir = filled_forms();
    let forms = dir.path().join("forms");
    // The council types its appraisal of P01's manual criterion 1.5 (max 2).
    let p01 = forms.join("P01.xlsx");
    let rows = rows_of(&p01);
    let mut cells = BTreeMap::new();
    cells.insert(format!("E{}", rows["1.5"]), Typed::Number("1.25".into()));
    type_cells(&p01, &cells);
    let out = dir.path().join("appraised.csv");
    let (code, _, err) = collect(
        &p01,
        &out,
        &[
            "--stage",
            "appraised",
            "--checklist",
            "fixtures/demo/checklist.csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read_to_string(root().join("fixtures/demo/checklist.csv")).unwrap();
    let after = std::fs::read_to_string(&out).unwrap();
    let (b, a): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    assert_eq!(a.len(), b.len());
    assert_eq!(a[0], b[0], "the header is kept");
    let changed: Vec<(&str, &str)> = b
        .iter()
        .zip(&a)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (*x, *y))
        .collect();
    // Only P01's rows whose typed cells differ from the file change; 1.5 gets its
    // appraisal in the appraised_score column.
    assert!(
        changed.iter().all(|(x, _)| x.starts_with("P01,")),
        "{changed:?}"
    );
    let row = csv_map(after.as_bytes())[&("P01".into(), "1.5".into())].clone();
    assert_eq!(row["appraised_score"], "1.25");
    assert_eq!(
        row["self_score"],
        csv_map(before.as_bytes())[&("P01".into(), "1.5".into())]["self_score"]
    );
}

#[test]
fn filling_keeps_the_files_bom_separator_and_line_ends() {
    let dir = filled_forms();
    let forms = dir.path().join("forms");
    // The checklist as a Vietnamese-locale Excel saves it: BOM, `;`, CRLF.
    let demo = std::fs::read_to_string(root().join("fixtures/demo/checklist.csv")).unwrap();
    let excel: String = demo
        .lines()
        .map(|l| format!("{}\r\n", l.replace(',', ";")))
        .collect();
    let checklist = dir.path().join("cham-diem.csv");
    std::fs::write(&checklist, format!("\u{feff}{excel}")).unwrap();
    let out = dir.path().join("filled.csv");
    let p01 = forms.join("P01.xlsx");
    let (code, _, err) = collect(
        &p01,
        &out,
        &[
            "--stage",
            "final",
            "--checklist",
            checklist.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with('\u{feff}'), "the BOM is kept");
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert_eq!(
        first,
        "unit_id;criterion_id;self_score;appraised_score;done;planned;value;count;evidence;note;final_score"
    );
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF throughout");
    // Every other unit's line is what it was, with the new column empty.
    for line in excel.lines().skip(1).filter(|l| !l.starts_with("P01;")) {
        assert!(text.contains(&format!("{line};\r\n")), "{line:?} changed");
    }
}

/// Rewrites a form's parts: `edit` gets each part's name and text and returns the new
/// text (or `None` to leave it); `add` parts are appended.
fn edit_form(path: &Path, edit: impl Fn(&str, &str) -> Option<String>, add: &[(&str, String)]) {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if let Ok(text) = std::str::from_utf8(&data) {
            if let Some(new) = edit(&name, text) {
                data = new.into_bytes();
            }
        }
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    for (name, text) in add {
        out.start_file(*name, opts).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

/// The hidden sheet's part (the form's second sheet).
const META_PART: &str = "xl/worksheets/sheet2.xml";

/// The row-map entries of the hidden sheet's XML: every `<row …>…</row>` after the
/// seven key–value rows (form, framework, fingerprint, unit_id, cchc, sheet, rows).
fn meta_rows(xml: &str) -> Vec<String> {
    xml.split("<row ")
        .skip(1)
        .map(|r| format!("<row {}", &r[..r.find("</row>").unwrap() + 6]))
        .skip(7)
        .collect()
}

/// The `<v>` of a row's third cell (the criterion id, as a shared-string index).
fn third_value(row: &str) -> String {
    let c = &row[row.find("<c r=\"C").unwrap()..];
    c[c.find("<v>").unwrap() + 3..c.find("</v>").unwrap()].to_string()
}

#[test]
fn a_draft_sheet_copied_before_the_form_is_not_the_one_read() {
    let dir = filled_forms();
    let forms = dir.path().join("forms");
    let p01 = forms.join("P01.xlsx");
    let rows = rows_of(&p01);
    let draft_cell = format!("E{}", rows["1.5"]);
    // The draft: the form's sheet with 1.5 typed as 0.25, placed first.
    let original = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&p01).unwrap()).unwrap();
        let mut s = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let draft = retype(&original, &draft_cell, &Typed::Number("0.25".into()));
    edit_form(
        &p01,
        |name, text| {
            match name {
            "xl/workbook.xml" => Some(text.replacen(
                "<sheets>",
                r#"<sheets><sheet name="Nháp" sheetId="99" r:id="rId99"/>"#,
                1,
            )),
            "xl/_rels/workbook.xml.rels" => Some(text.replacen(
                "</Relationships>",
                r#"<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet99.xml"/></Relationships>"#,
                1,
            )),
            _ => None,
        }
        },
        &[("xl/worksheets/sheet99.xml", draft)],
    );
    let out = dir.path().join("collected.csv");
    let (code, _, err) = collect(&forms, &out, &[]);
    assert_eq!(code, 0, "{err}");
    let got = csv_map(&std::fs::read(&out).unwrap());
    let want = &demo_checklist()[&("P01".into(), "1.5".into())]["self_score"];
    assert_eq!(&got[&("P01".into(), "1.5".into())]["self_score"], want);
    assert_ne!(want, "0.25");
}

/// Collects `forms` into an existing `collected.csv` that must stay as it was.
fn refused_collect(dir: &Path, more: &[&str], expect: &[&str]) -> String {
    let out = dir.join("collected.csv");
    std::fs::write(&out, "kept\n").unwrap();
    let (code, _, err) = collect(&dir.join("forms"), &out, more);
    assert_eq!(code, 2, "{err}");
    for e in expect {
        assert!(err.contains(e), "`{e}` not in:\n{err}");
    }
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "kept\n");
    err
}

#[test]
fn a_row_map_with_rows_missing_or_claimed_twice_refuses_the_form() {
    let dir = filled_forms();
    let p01 = dir.path().join("forms/P01.xlsx");
    let pristine = std::fs::read(&p01).unwrap();
    // Half of the row map deleted.
    edit_form(
        &p01,
        |name, text| {
            (name == META_PART).then(|| {
                let rows = meta_rows(text);
                rows.iter()
                    .skip(rows.len() / 2)
                    .fold(text.to_string(), |t, r| t.replace(r.as_str(), ""))
            })
        },
        &[],
    );
    refused_collect(
        dir.path(),
        &[],
        &[
            "form-altered",
            "P01.xlsx",
            "the hidden row map lists",
            "of the framework's",
        ],
    );
    // One criterion claimed by two rows.
    std::fs::write(&p01, &pristine).unwrap();
    edit_form(
        &p01,
        |name, text| {
            (name == META_PART).then(|| {
                let rows = meta_rows(text);
                let (a, b) = (&rows[0], &rows[1]);
                let moved = b.replace(
                    &format!("<v>{}</v></c></row>", third_value(b)),
                    &format!("<v>{}</v></c></row>", third_value(a)),
                );
                assert_ne!(&moved, b);
                text.replace(b.as_str(), &moved)
            })
        },
        &[],
    );
    refused_collect(dir.path(), &[], &["form-altered", "is claimed by rows"]);
}

#[test]
fn two_forms_for_one_unit_are_refused_unless_one_is_chosen() {
    let dir = filled_forms();
    let forms = dir.path().join("forms");
    let second = forms.join("P01 (bản sửa).xlsx");
    std::fs::copy(forms.join("P01.xlsx"), &second).unwrap();
    let rows = rows_of(&second);
    let mut cells = BTreeMap::new();
    cells.insert(format!("E{}", rows["1.5"]), Typed::Number("0.25".into()));
    type_cells(&second, &cells);
    for more in [&[][..], &["--checklist", "fixtures/demo/checklist.csv"][..]] {
        refused_collect(
            dir.path(),
            more,
            &[
                "form-unit-twice",
                "P01 (bản sửa).xlsx and",
                "P01.xlsx are all forms of unit `P01`",
                "--choose",
            ],
        );
    }
    let out = dir.path().join("collected.csv");
    let (code, _, err) = collect(&forms, &out, &["--choose", second.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("left out") && err.contains("P01.xlsx: --choose took"),
        "{err}"
    );
    let got = csv_map(&std::fs::read(&out).unwrap());
    assert_eq!(got[&("P01".into(), "1.5".into())]["self_score"], "0.25");
}

#[test]
fn a_form_for_a_unit_outside_the_register_is_refused() {
    let dir = filled_forms();
    let forms = dir.path().join("forms");
    let x99 = forms.join("X99.xlsx");
    std::fs::rename(forms.join("X01.xlsx"), &x99).unwrap();
    edit_form(
        &x99,
        |name, text| {
            (name == "xl/sharedStrings.xml").then(|| text.replace("<t>X01</t>", "<t>X99</t>"))
        },
        &[],
    );
    refused_collect(
        dir.path(),
        &[],
        &[
            "form-unit-unknown",
            "X99.xlsx",
            "`X99` is not in the unit register",
        ],
    );
}

#[test]
fn a_formula_without_a_saved_result_is_named_not_read_as_empty() {
    let dir = filled_forms();
    let p01 = dir.path().join("forms/P01.xlsx");
    let rows = rows_of(&p01);
    let at = format!("E{}", rows["1.5"]);
    edit_form(
        &p01,
        |name, text| {
            (name == "xl/worksheets/sheet1.xml").then(|| {
                let start = text.find(&format!("<c r=\"{at}\"")).unwrap();
                let end = start + text[start..].find("</c>").unwrap() + 4;
                format!(
                    "{}<c r=\"{at}\"><f>1+1</f></c>{}",
                    &text[..start],
                    &text[end..]
                )
            })
        },
        &[],
    );
    let out = dir.path().join("collected.csv");
    let (code, _, err) = collect(&dir.path().join("forms"), &out, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains(&format!("P01.xlsx[Tự đánh giá]!{at}"))
                && l.contains("formula whose result was never saved")),
        "{err}"
    );
}

#[test]
fn collect_writes_csv_only_under_a_csv_name() {
    let dir = filled_forms();
    let out = dir.path().join("self.xlsx");
    let (code, _, err) = collect(&dir.path().join("forms"), &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("collect writes a CSV checklist; --out"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_stray_cell_in_a_returned_form_is_refused_in_bounded_memory() {
    let dir = filled_forms();
    let p01 = dir.path().join("forms/P01.xlsx");
    edit_form(
        &p01,
        |name, text| {
            (name == "xl/worksheets/sheet1.xml").then(|| {
                text.replacen(
                    "</sheetData>",
                    r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#,
                    1,
                )
            })
        },
        &[],
    );
    std::fs::write(dir.path().join("collected.csv"), "kept\n").unwrap();
    let forms = dir.path().join("forms");
    let out = dir.path().join("collected.csv");
    let (code, _, err, peak) = crate::gen::measured(
        &[
            "collect",
            forms.to_str().unwrap(),
            "--project",
            root().join("fixtures/demo").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("P01.xlsx[Tự đánh giá]: refused: its cells span 1048576 rows × 16384 columns"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "kept\n");
    assert!(peak < 300, "peak {peak} MiB");
}
