//! What `--out` points at is never destroyed, and an interrupted run leaves nothing
//! behind (#7.11, #7.13).

use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cchc"));
    c.current_dir(crate::common::root());
    c
}

#[test]
#[cfg(unix)]
fn out_onto_a_fifo_writes_through_it() {
    // Regression: the FIFO was replaced by a regular file and its reader waited forever.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(path).unwrap());
    let status = bin()
        .args(["score", "fixtures/demo", "--format", "csv", "--out"])
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let text = reader.join().unwrap();
    assert!(text.starts_with("rank,rank_in_group,unit_id"), "{text}");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
#[cfg(unix)]
fn a_terminated_run_removes_its_temporary_file() {
    // Regression: SIGINT or SIGTERM during the write left `.cchc-*.tmp` files of
    // megabytes in the output folder. The run writes a large JSON report and is stopped
    // as soon as its temporary file appears.
    let big = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(crate::common::root().join("benches/big_project.py"))
        .arg(big.path())
        .arg("3000")
        .status()
        .unwrap();
    assert!(status.success());
    let out = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args(["score", "--quiet", "--format", "json", "--out"])
        .arg(out.path().join("r.json"))
        .arg(big.path())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let temp = || {
        std::fs::read_dir(out.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with(".cchc-"))
    };
    let start = std::time::Instant::now();
    while !temp() && start.elapsed().as_secs() < 120 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(temp(), "the temporary file never appeared");
    terminate(child.id());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143), "{status:?}");
    assert!(!temp(), "a .cchc-*.tmp file is left behind");
    assert!(!out.path().join("r.json").exists());
}

/// Sends SIGTERM (through the `kill` command: no unsafe code in the tests).
fn terminate(pid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}
