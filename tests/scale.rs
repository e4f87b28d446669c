//! Memory that does not grow with rows (#10.4): the duplicate-id check keeps its
//! hashes within `--id-check-memory` and spills sorted runs to TMPDIR beyond it — the
//! same duplicates, the same counts, and no file left behind.

use std::path::Path;
use std::process::Command;

/// A log of `rows` dossiers, with `D1234` repeated at the end and a refused copy of
/// `D7` in the middle (a duplicate too).
fn log(path: &Path, rows: usize) {
    let mut s = String::from("dossier_id,unit_id,received_at,channel,status,due_at,finished_at\n");
    for i in 0..rows {
        let day = i % 28 + 1;
        s.push_str(&format!(
            "D{i},U{},2025-03-{day:02},direct,resolved,2025-03-{:02},2025-03-{day:02}\n",
            i % 7,
            (i * 7) % 28 + 1
        ));
        if i == rows / 2 {
            s.push_str("D7,U1,2025-03-02,online,refused,,\n");
        }
    }
    s.push_str("D1234,U1,2025-03-02,direct,resolved,2025-04-01,2025-03-05\n");
    std::fs::write(path, s).unwrap();
}

fn metrics(log: &Path, tmpdir: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cchc"))
        .args(["metrics", "--dossiers"])
        .arg(log)
        .args(["--period", "2025-03", "--format", "csv", "--quiet"])
        .args(extra)
        .env("TMPDIR", tmpdir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_small_budget_spills_and_finds_the_same_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("log.csv");
    log(&path, 150_000);
    let spill = tmp.path().join("spill");
    std::fs::create_dir(&spill).unwrap();

    let (code, _, in_memory) = metrics(&path, &spill, &[]);
    assert_eq!(code, 2, "{in_memory}");
    let (code, _, spilled) = metrics(&path, &spill, &["--id-check-memory", "1"]);
    assert_eq!(code, 2, "{spilled}");
    // Strict: the first later copy in file order, named with its first line.
    assert!(spilled.contains("dossier_id \"D7\""), "{spilled}");
    assert!(spilled.contains("(first on line 9)"), "{spilled}");
    assert_eq!(in_memory, spilled);

    let skip = ["--skip-invalid"];
    let (c1, counts_memory, e1) = metrics(&path, &spill, &skip);
    let (c2, counts_spilled, e2) =
        metrics(&path, &spill, &["--skip-invalid", "--id-check-memory", "1"]);
    assert_eq!((c1, c2), (0, 0), "{e1}{e2}");
    assert_eq!(counts_memory, counts_spilled);
    // The later D1234 (received in the period) is left out: one count per dossier.
    let received: u64 = counts_spilled
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(received, 150_000);
    // Every run file and the folder are gone.
    assert_eq!(std::fs::read_dir(&spill).unwrap().count(), 0);
}

#[test]
fn spilling_where_it_cannot_write_is_a_clear_error_and_a_large_budget_never_tries() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("log.csv");
    log(&path, 150_000);
    let nowhere = tmp.path().join("no-such-folder");
    let (code, out, err) = metrics(
        &path,
        &nowhere,
        &["--skip-invalid", "--id-check-memory", "1"],
    );
    assert_eq!(code, 2);
    assert!(out.is_empty(), "nothing is written when a run fails");
    assert!(
        err.contains("the duplicate-id check could not use its temporary folder"),
        "{err}"
    );
    // 150,000 hashes are 1.2 MB: under the default budget nothing goes to disk.
    let (code, out, err) = metrics(&path, &nowhere, &["--skip-invalid"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("unit_id,received"));
}
