//! Helpers shared by the library-level tests.

use cchc::framework::{self, Framework};
use cchc::input::Table;
use cchc::pipeline::Run;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A framework from TOML text (panics with its findings if invalid).
pub fn fw(text: &str) -> Framework {
    match framework::parse(text, "test.toml") {
        Ok(f) => f,
        Err(d) => panic!("invalid test framework:\n{}", cchc::diag_lines(&d)),
    }
}

/// A table from CSV text.
pub fn table(text: &str, file: &str, required: &[&str]) -> Table {
    Table::parse(text.as_bytes(), file, required).expect("test CSV parses")
}

/// Scores CSV texts with a framework.
pub fn score(fw: Framework, units: &str, checklist: &str) -> Run {
    cchc::pipeline::score_tables(
        fw,
        None,
        &table(units, "units.csv", &cchc::pipeline::UNITS_COLUMNS),
        &table(
            checklist,
            "checklist.csv",
            &cchc::pipeline::CHECKLIST_COLUMNS,
        ),
        Vec::new(),
    )
}

/// Scores a project folder under the repository root.
pub fn score_dir(dir: &str) -> Run {
    let spec = cchc::project::resolve(&cchc::project::Overrides {
        dir: Some(root().join(dir)),
        ..Default::default()
    })
    .expect("project resolves");
    cchc::pipeline::run(&spec, &Default::default(), std::sync::Arc::new(|_| {}))
        .expect("project scores")
}

/// Reads a file under the repository root.
pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(root().join(path)).expect("fixture file")
}

/// Runs the built binary from the repository root; panics with its stderr unless it
/// succeeds; returns its stdout.
pub fn cchc(args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cchc {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A command's exit code, standard output and standard error (lossy UTF-8), for
/// tests that expect it to fail or read what it printed.
pub fn outcome(c: &mut std::process::Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// [`cchc`] as text.
pub fn cchc_text(args: &[&str]) -> String {
    String::from_utf8(cchc(args)).unwrap()
}

/// Checks that the block of the page `page` (relative to the repository) between
/// `<!-- name:begin -->` and `<!-- name:end -->` is `want` — a table of the docs made
/// from the table the code uses; `CCHC_BLESS=1` rewrites it instead.
pub fn generated_block(page: &str, name: &str, want: &str) {
    let path = root().join(page);
    let text = read(&path);
    let (begin, end) = (
        format!("<!-- {name}:begin -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let (head, rest) = text
        .split_once(&begin)
        .unwrap_or_else(|| panic!("{page} holds the {name} table between its markers"));
    let (block, tail) = rest
        .split_once(&end)
        .unwrap_or_else(|| panic!("{page}: no {end}"));
    if block != want && std::env::var_os("CCHC_BLESS").is_some() {
        std::fs::write(&path, format!("{head}{begin}{want}{end}{tail}")).unwrap();
        return;
    }
    assert_eq!(
        block, want,
        "{page}: the {name} table; regenerate with CCHC_BLESS=1 cargo test"
    );
}
