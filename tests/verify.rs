//! Verifiable runs (#11.4): `--record` then `cchc verify` passes on untouched files,
//! names a changed input, names a tampered output, and catches a run that no longer
//! reproduces its recorded output.

use std::path::Path;
use std::process::Command;

fn cchc_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    crate::common::outcome(
        Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(args)
            .current_dir(dir),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A project (the final-stage fixture, its framework beside it) in a temp folder.
fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = crate::common::root();
    copy_dir(
        &root.join("tests/fixtures/final-stage"),
        &tmp.path().join("final-stage"),
    );
    copy_dir(
        &root.join("tests/fixtures/handcheck"),
        &tmp.path().join("handcheck"),
    );
    std::fs::create_dir(tmp.path().join("runs")).unwrap();
    tmp
}

/// [`project`], scored into runs/ranking.csv with its record runs/ranking.json.
fn recorded_project() -> tempfile::TempDir {
    let tmp = project();
    let args = [
        "score",
        "final-stage",
        "--out",
        "runs/ranking.csv",
        "--record",
        "runs/ranking.json",
    ];
    let (code, _, err) = cchc_in(tmp.path(), &args);
    assert_eq!(code, 0, "{err}");
    tmp
}

#[test]
fn a_recorded_run_verifies_and_a_changed_checklist_does_not() {
    let tmp = recorded_project();
    let d = tmp.path();
    let record = std::fs::read_to_string(d.join("runs/ranking.json")).unwrap();
    for want in [
        "\"record\": \"cchc-record 1\"",
        "\"path\": \"../final-stage/checklist.csv\"",
        "\"path\": \"../handcheck/framework.toml\"",
        "\"role\": \"out\"",
        "\"fingerprint\": ",
    ] {
        assert!(record.contains(want), "{want} not in {record}");
    }
    let (code, out, err) = cchc_in(d, &["verify", "runs/ranking.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("verified: 4 input(s) unchanged, 1 output(s)"),
        "{out}"
    );
    // The record travels with its folder: verify from elsewhere.
    let (code, _, err) = cchc_in(&d.join("runs"), &["verify", "ranking.json"]);
    assert_eq!(code, 0, "{err}");
    // A changed checklist is named, and nothing is re-run.
    let c = d.join("final-stage/checklist.csv");
    let text = std::fs::read_to_string(&c).unwrap();
    std::fs::write(&c, text.replace("U1,A1,10,8,9", "U1,A1,10,8,10")).unwrap();
    let (code, _, err) = cchc_in(d, &["verify", "runs/ranking.json"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("not verified: checklist ../final-stage/checklist.csv has changed"),
        "{err}"
    );
    std::fs::remove_file(&c).unwrap();
    let (code, _, err) = cchc_in(d, &["verify", "runs/ranking.json"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("checklist ../final-stage/checklist.csv is missing"),
        "{err}"
    );
}

#[test]
fn a_tampered_output_and_an_unreproduced_one_are_caught() {
    let tmp = recorded_project();
    let d = tmp.path();
    let out = d.join("runs/ranking.csv");
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(&out, text.replace("99.00", "99.50")).unwrap();
    let (code, _, err) = cchc_in(d, &["verify", "runs/ranking.json"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("output ranking.csv is not what the run wrote"),
        "{err}"
    );
    // Standard output, recorded; a record whose hash the run does not give back.
    let (code, _, err) = cchc_in(
        d,
        &[
            "score",
            "final-stage",
            "--format",
            "md",
            "--record",
            "runs/md.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cchc_in(d, &["verify", "runs/md.json"]);
    assert_eq!(code, 0, "{err}");
    let rec = std::fs::read_to_string(d.join("runs/md.json")).unwrap();
    let stdout_at = rec.find("\"role\": \"stdout\"").unwrap();
    let (head, tail) = rec.split_at(stdout_at);
    let tail = tail.replacen("\"sha256\": \"", "\"sha256\": \"00", 1);
    std::fs::write(d.join("runs/md.json"), format!("{head}{tail}")).unwrap();
    let (code, _, err) = cchc_in(d, &["verify", "runs/md.json"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("not verified: stdout (-) differs when the command is run again"),
        "{err}"
    );
}

#[test]
fn metrics_and_sipas_record_too_and_a_terminal_table_reproduces() {
    let root = crate::common::root();
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root.join("fixtures/demo"), &tmp.path().join("demo"));
    let d = tmp.path();
    for (cmd, rec) in [("metrics", "m.json"), ("sipas", "s.json")] {
        let (code, _, err) = cchc_in(d, &[cmd, "demo", "--record", rec]);
        assert_eq!(code, 0, "{cmd}: {err}");
        let (code, out, err) = cchc_in(d, &["verify", rec]);
        assert_eq!(code, 0, "{cmd}: {err}");
        assert!(out.starts_with("verified"), "{out}");
    }
    // A table fitted to an 80-column terminal is re-run at 80 columns.
    let (code, _, err) = cchc_in(
        d,
        &[
            "score", "demo", "--format", "table", "--width", "80", "--record", "t.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let rec = std::fs::read_to_string(d.join("t.json")).unwrap();
    assert!(rec.contains("\"width\": 80"), "{rec}");
    let (code, _, err) = cchc_in(d, &["verify", "t.json"]);
    assert_eq!(code, 0, "{err}");
}
