//! CLI cases as data: each `tests/cases/*.toml` runs the built binary one or more times
//! and checks exit codes, output and files. Adding a case needs no Rust.
//!
//! A case file:
//! ```toml
//! # what it pins
//! [files]                      # written into a fresh temp dir first (optional)
//! "proj/units.csv" = "unit_id,name\n..."
//! [hex_files]                  # bytes that are not UTF-8, as hex
//! "bad.csv" = "756e69745f69640aff0a"
//! [[run]]
//! args = ["score", "{tmp}/proj"]   # {tmp}: the temp dir, {root}: the repo (also in
//!                                  # [files]); cwd is the repo root
//! status = 0
//! stdout = "golden/demo.csv"       # exact, relative to tests/cases (optional)
//! stdout_contains = ["..."]
//! stdout_lacks = ["..."]
//! stderr_contains = ["..."]
//! stderr_lacks = ["..."]
//! absent = ["{tmp}/out.csv"]       # files that must not exist afterwards
//! [run.file_contains]              # files that must exist and contain these strings
//! "{tmp}/out.csv" = ["rank,"]
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    hex_files: BTreeMap<String, String>,
    run: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    args: Vec<String>,
    status: i32,
    stdout: Option<String>,
    #[serde(default)]
    stdout_contains: Vec<String>,
    #[serde(default)]
    stdout_lacks: Vec<String>,
    #[serde(default)]
    stderr_contains: Vec<String>,
    #[serde(default)]
    stderr_lacks: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    file_contains: BTreeMap<String, Vec<String>>,
}

fn run_case(path: &Path) -> Result<(), String> {
    run_case_with(path, &[])
}

/// Runs a case with extra arguments before each command's own (global flags).
fn run_case_with(path: &Path, pre: &[&str]) -> Result<(), String> {
    let case: Case = toml::from_str(&std::fs::read_to_string(path).map_err(|e| e.to_string())?)
        .map_err(|e| format!("bad case file: {e}"))?;
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let t = tmp.path().display().to_string();
    let root = env!("CARGO_MANIFEST_DIR");
    let sub = |s: &str| s.replace("{tmp}", &t).replace("{root}", root);
    for (name, text) in &case.files {
        let p = tmp.path().join(name);
        std::fs::create_dir_all(p.parent().expect("has parent")).map_err(|e| e.to_string())?;
        std::fs::write(&p, sub(text)).map_err(|e| e.to_string())?;
    }
    for (name, hex) in &case.hex_files {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("hex_files.{name}: {e}"))?;
        std::fs::write(tmp.path().join(name), bytes).map_err(|e| e.to_string())?;
    }
    for (i, step) in case.run.iter().enumerate() {
        let args: Vec<String> = pre
            .iter()
            .map(|a| a.to_string())
            .chain(step.args.iter().map(|a| sub(a)))
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(&args)
            .current_dir(root)
            .output()
            .map_err(|e| e.to_string())?;
        let stdout = String::from_utf8_lossy(&out.stdout).replace(&t, "{tmp}");
        let stderr = String::from_utf8_lossy(&out.stderr).replace(&t, "{tmp}");
        let ctx = || {
            format!(
                "step {} `cchc {}`\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
                i + 1,
                args.join(" ")
            )
        };
        if out.status.code() != Some(step.status) {
            return Err(format!(
                "exit {:?}, expected {}: {}",
                out.status.code(),
                step.status,
                ctx()
            ));
        }
        if let Some(golden) = &step.stdout {
            let want = std::fs::read_to_string(Path::new(root).join("tests/cases").join(golden))
                .map_err(|e| format!("golden {golden}: {e}"))?;
            if stdout != want {
                return Err(format!("stdout differs from {golden}: {}", ctx()));
            }
        }
        for s in &step.stdout_contains {
            if !stdout.contains(s.as_str()) {
                return Err(format!("stdout lacks {s:?}: {}", ctx()));
            }
        }
        for s in &step.stdout_lacks {
            if stdout.contains(s.as_str()) {
                return Err(format!("stdout has {s:?}: {}", ctx()));
            }
        }
        for s in &step.stderr_contains {
            if !stderr.contains(s.as_str()) {
                return Err(format!("stderr lacks {s:?}: {}", ctx()));
            }
        }
        for s in &step.stderr_lacks {
            if stderr.contains(s.as_str()) {
                return Err(format!("stderr has {s:?}: {}", ctx()));
            }
        }
        for f in &step.absent {
            if Path::new(&sub(f)).exists() {
                return Err(format!("{f} exists but should not: {}", ctx()));
            }
        }
        for (f, wants) in &step.file_contains {
            let text =
                std::fs::read_to_string(sub(f)).map_err(|e| format!("{f}: {e}: {}", ctx()))?;
            for w in wants {
                if !text.contains(w.as_str()) {
                    return Err(format!("{f} lacks {w:?}: {}", ctx()));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn cli_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 21,
        "expected the catalogue of CLI cases, found {}",
        paths.len()
    );
    let failures: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            run_case(p)
                .err()
                .map(|e| format!("== {}\n{e}", p.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} CLI cases failed:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n\n")
    );
}

/// The dossier scan hands batches to one worker per core and merges what each saw.
/// With CSV logs cut into blocks of 1 and 61 bytes (records longer than a block,
/// quoted line breaks across cuts), every case that reads a dossier log must give
/// exactly the same output, errors and line numbers included. (A Parquet log's batches
/// are its row groups: `scale::the_first_problem_in_file_order_…` writes one row a
/// group.)
#[test]
fn dossier_cases_read_the_same_in_tiny_batches() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let names = [
        "metrics-bad-rows",
        "metrics-excel-export",
        "metrics-first-problem",
        "metrics-grouping",
        "metrics-hand",
        "metrics-parquet",
        "metrics-quoting",
        "robustness",
        "score-dossiers",
    ];
    let mut failures = Vec::new();
    for name in names {
        for block in ["1", "61"] {
            let path = dir.join(format!("{name}.toml"));
            assert!(path.exists(), "{name}.toml");
            if let Err(e) = run_case_with(&path, &["--csv-block-size", block]) {
                failures.push(format!("== {name} in {block}-byte blocks\n{e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn clap_definitions_are_consistent() {
    use clap::CommandFactory;
    cchc::cli::Cli::command().debug_assert();
}
