//! Any bytes as a workbook (`.xlsx`, `.ods` or `.xls`, by the first byte): opened within
//! the limits, every sheet read and read as a table, and the bytes read as a returned
//! form of the demo framework. Never a panic or an abort; a file past a limit is a
//! refusal; every table's rows are as wide as its header; every cell is within Excel's
//! sheet and no longer than Excel allows. (libFuzzer's -timeout and -rss_limit_mb
//! hold the time and memory of each run.) A panic inside calamine's `.xls` parser that
//! our reader catches and refuses (as the binary does, see `caught::panic_is_caught`)
//! is not a finding; any other panic aborts as libFuzzer wants.
#![no_main]
use cchc::input::columns::Aliases;
use cchc::input::workbook::{limits::LIMITS, table_of, Book};
use libfuzzer_sys::fuzz_target;

const DEMO: &str = include_str!("../../criteria/par-commune-2025.toml");

fuzz_target!(init: {
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !cchc::caught::panic_is_caught() {
            abort(info);
        }
    }));
}, |data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let ext = match kind % 3 {
        0 => "xlsx",
        1 => "ods",
        _ => "xls",
    };
    let dir = tempfile::tempdir().expect("a temp folder");
    let path = dir.path().join(format!("P01.{ext}"));
    std::fs::write(&path, bytes).expect("written");
    if let Ok(mut book) = Book::open(&path, "P01") {
        let names: Vec<String> = book.sheets().iter().map(|s| s.name.clone()).collect();
        for name in names {
            let Ok(sheet) = book.read(&name) else { continue };
            for c in sheet.cells() {
                assert!(c.row < 1_048_576 && c.col < 16_384);
                assert!(c.value.text().chars().count() <= LIMITS.cell_chars);
            }
            for required in [&["unit_id"][..], &["old_id", "new_id"][..]] {
                if let Ok(t) = table_of(&sheet, "P01", required, &Aliases::default()) {
                    assert!(t.rows.iter().all(|r| r.len() == t.headers.len()));
                }
            }
        }
    }
    if ext == "xlsx" {
        let fw = cchc::framework::parse(DEMO, "par-commune-2025.toml").expect("valid");
        let _ = cchc::forms::collect::read(&path, &fw, &mut Vec::new());
    }
});
