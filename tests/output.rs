//! What `--out` points at is never destroyed, and an interrupted run leaves nothing
//! behind (#7.11, #7.13).

use std::path::Path;
use std::process::{Child, Command, Stdio};

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
    let big = big_project();
    let out = tempfile::tempdir().unwrap();
    let child = bin()
        .args(["score", "--quiet", "--format", "json", "--out"])
        .arg(out.path().join("r.json"))
        .arg(big.path())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = interrupt_while_writing(child, out.path(), "-TERM");
    assert_eq!(status.code(), Some(143), "{status:?}");
    assert!(!has_temp(out.path()), "a .cchc-*.tmp file is left behind");
    assert!(!out.path().join("r.json").exists());
}

/// A project whose JSON report takes a while to write (3,000 units).
pub fn big_project() -> tempfile::TempDir {
    let big = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(crate::common::root().join("benches/big_project.py"))
        .arg(big.path())
        .arg("3000")
        .status()
        .unwrap();
    assert!(status.success());
    big
}

/// Whether `dir` holds a run's `.cchc-*` temporary file.
pub fn has_temp(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().starts_with(".cchc-"))
}

/// Waits (up to 300 s) for the run's temporary file to appear in `dir`, sends it
/// `signal` (`-INT`, `-TERM`; through the `kill` command: no unsafe code in the
/// tests) and returns how it ended.
pub fn interrupt_while_writing(
    mut child: Child,
    dir: &Path,
    signal: &str,
) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    while !has_temp(dir) && start.elapsed().as_secs() < 300 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(has_temp(dir), "the temporary file never appeared");
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    child.wait().unwrap()
}
