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
    // The hash keeps its form (64 hex digits) but not its value.
    let at = tail.find("\"sha256\": \"").unwrap() + 11;
    let flipped = if &tail[at..at + 1] == "0" { "1" } else { "0" };
    let tail = format!("{}{flipped}{}", &tail[..at], &tail[at + 1..]);
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

/// Edits the record `runs/ranking.json` of a recorded project with `edit` on its JSON.
fn forged(edit: impl Fn(&mut serde_json::Value)) -> tempfile::TempDir {
    let tmp = recorded_project();
    let p = tmp.path().join("runs/ranking.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    tmp
}

#[test]
fn a_record_is_untrusted_input_field_by_field() {
    // A hash that is not one: refused, no panic.
    let tmp = forged(|v| v["inputs"][0]["sha256"] = "ạạạạạạạạạạạạạạạạạạạ".into());
    let (code, _, err) = cchc_in(tmp.path(), &["verify", "runs/ranking.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a record cchc wrote: `ạạạạ"), "{err}");
    assert!(err.contains("is not a SHA-256"), "{err}");
    // An absolute path, a command cchc does not record.
    for (field, value, msg) in [
        ("path", "/etc/passwd", "is not relative to the record"),
        ("role", "anything", "is not a role of a file"),
    ] {
        let tmp = forged(|v| v["inputs"][0][field] = value.into());
        let (code, _, err) = cchc_in(tmp.path(), &["verify", "runs/ranking.json"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(msg), "{err}");
    }
    let tmp = forged(|v| v["command"] = "init".into());
    let (code, _, err) = cchc_in(tmp.path(), &["verify", "runs/ranking.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("command `init` is not one cchc records"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_record_naming_a_device_or_a_fifo_is_refused_without_reading_it() {
    let tmp = forged(|v| {
        v["inputs"][1]["path"] = "../../../../../../../../dev/zero".into();
    });
    let (code, _, err) = cchc_in(tmp.path(), &["verify", "runs/ranking.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("dev/zero is not a regular file (a folder, a device or a FIFO): refused"),
        "{err}"
    );
    let tmp = recorded_project();
    let fifo = tmp.path().join("runs/pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let p = tmp.path().join("runs/ranking.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    v["inputs"][1]["path"] = "pipe".into();
    std::fs::write(&p, v.to_string()).unwrap();
    let (code, _, err) = cchc_in(tmp.path(), &["verify", "runs/ranking.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("pipe is not a regular file"), "{err}");
    // A recorded command line that reads a device the record does not list.
    let tmp = forged(|v| {
        let args = v["args"].as_array_mut().unwrap();
        args.push("--survey".into());
        args.push("/dev/zero".into());
    });
    let (code, _, err) = cchc_in(tmp.path(), &["verify", "runs/ranking.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("reads survey /dev/zero, which the record does not list"),
        "{err}"
    );
}

#[test]
fn a_record_whose_arguments_write_elsewhere_is_refused_and_nothing_is_written() {
    let tmp = forged(|v| {
        let args = v["args"].as_array_mut().unwrap();
        args.push("--record".into());
        args.push("../planted.json".into());
    });
    let (code, _, err) = cchc_in(tmp.path(), &["verify", "runs/ranking.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("carry --record, which a record never does: refused"),
        "{err}"
    );
    assert!(!tmp.path().join("planted.json").exists());
    assert!(!tmp.path().parent().unwrap().join("planted.json").exists());
}

#[test]
fn a_record_whose_framework_was_changed_is_not_verified() {
    // The framework claimed by the record, with a made-up fingerprint.
    let tmp = forged(|v| {
        v["framework"]["id"] = "par-province".into();
        v["framework"]["fingerprint"] = "0".repeat(64).into();
    });
    let (code, _, err) = cchc_in(tmp.path(), &["verify", "runs/ranking.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("not verified: the recorded command line uses framework"),
        "{err}"
    );
    assert!(
        err.contains("the record says par-province (fingerprint 000000000000…)"),
        "{err}"
    );
}
