//! Files written where they should not be, and runaway echo and work (#23, classes 6
//! and 7): file names from unit ids are unique, nothing is written through a link
//! planted inside an output folder, an output's extension means its format, a huge
//! value is quoted clipped with its length, and sensitivity runs stream.

use std::path::Path;
use std::process::Command;

fn cchc_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    crate::common::outcome(
        Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(args)
            .current_dir(dir),
    )
}

/// The hand-check project in a temp folder, its register holding `units` (id, name)
/// and its checklist one manual score per unit.
fn project(units: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = crate::common::root();
    let p = tmp.path().join("p");
    std::fs::create_dir(&p).unwrap();
    std::fs::copy(
        root.join("tests/fixtures/handcheck/framework.toml"),
        p.join("framework.toml"),
    )
    .unwrap();
    std::fs::write(
        p.join("cchc.toml"),
        "framework = \"framework.toml\"\nperiod = \"2025\"\n[inputs]\nunits = \"units.csv\"\nchecklist = \"checklist.csv\"\n",
    )
    .unwrap();
    let mut reg = String::from("unit_id,name\n");
    let mut list = String::from("unit_id,criterion_id,appraised_score\n");
    for (id, name) in units {
        reg.push_str(&format!("\"{id}\",{name}\n"));
        list.push_str(&format!("\"{id}\",A1,5\n"));
    }
    std::fs::write(p.join("units.csv"), reg).unwrap();
    std::fs::write(p.join("checklist.csv"), list).unwrap();
    tmp
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn unit_ids_that_make_one_file_name_get_unique_names_and_are_named() {
    let tmp = project(&[
        ("a/b", "Một"),
        ("a_b", "Hai"),
        ("P01", "Ba"),
        ("p01", "Bốn"),
        ("CON", "Năm"),
        ("..", "Sáu"),
    ]);
    let d = tmp.path();
    for (cmd, ext) in [("cards", "html"), ("forms", "xlsx")] {
        let (code, _, err) = cchc_in(d, &[cmd, "p", "--out", cmd]);
        assert!(code <= 1, "{err}");
        assert!(
            err.contains(&format!("wrote 6 {}(s)", &cmd[..cmd.len() - 1])),
            "{err}"
        );
        let want: Vec<String> = ["P01", "_", "_CON", "a_b", "a_b (2)", "p01 (2)"]
            .iter()
            .map(|s| format!("{s}.{ext}"))
            .collect();
        let mut want = want;
        want.sort();
        assert_eq!(names_in(&d.join(cmd)), want, "{err}");
        assert!(
            err.contains("note: unit `a_b` makes the file name of another unit (a_b.")
                || err.contains("note: unit `a/b`"),
            "{err}"
        );
        assert!(
            err.contains("note: unit `p01` makes the file name of another unit (p01."),
            "{err}"
        );
    }
    // The forms so named are collected back, each its unit's.
    let (code, _, err) = cchc_in(d, &["collect", "forms", "--project", "p", "--out", "c.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("collected 6 form(s)"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_link_planted_inside_an_output_folder_is_replaced_not_written_through() {
    let tmp = project(&[("X01", "Một"), ("X02", "Hai")]);
    let d = tmp.path();
    for (cmd, ext) in [("cards", "html"), ("forms", "xlsx")] {
        let outside = d.join(format!("outside-{cmd}.txt"));
        std::fs::write(&outside, "precious\n").unwrap();
        std::fs::create_dir(d.join(cmd)).unwrap();
        std::os::unix::fs::symlink(&outside, d.join(cmd).join(format!("X01.{ext}"))).unwrap();
        let (code, _, err) = cchc_in(d, &[cmd, "p", "--out", cmd]);
        assert!(code <= 1, "{err}");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious\n");
        let m = std::fs::symlink_metadata(d.join(cmd).join(format!("X01.{ext}"))).unwrap();
        assert!(m.is_file(), "the link became the {cmd} file");
    }
}

#[test]
fn an_outputs_extension_means_its_format() {
    let tmp = project(&[("X01", "Một")]);
    let d = tmp.path();
    for (args, msg) in [
        (
            &["--format", "csv", "--out", "r.xlsx"][..],
            "--format csv but --out ends in .xlsx, which is xlsx",
        ),
        (
            &["--out", "r.dat"][..],
            "--out ends in .dat, which is no format cchc writes",
        ),
    ] {
        let mut all = vec!["score", "p"];
        all.extend(args);
        let (code, _, err) = cchc_in(d, &all);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(msg), "{err}");
        assert!(!d.join("r.xlsx").exists() && !d.join("r.dat").exists());
    }
    let (code, _, _) = cchc_in(d, &["score", "p", "--format", "csv", "--out", "r.csv"]);
    assert_eq!(code, 0);
}

#[test]
fn a_two_million_digit_value_is_quoted_clipped_with_its_length() {
    let tmp = project(&[("X01", "Một")]);
    let d = tmp.path();
    let huge = "9".repeat(2_000_000);
    std::fs::write(
        d.join("p/checklist.csv"),
        format!("unit_id,criterion_id,appraised_score\nX01,A1,{huge}x\n"),
    )
    .unwrap();
    let (_, _, err) = cchc_in(d, &["score", "p", "--format", "csv"]);
    assert!(
        err.contains("… (2000001 characters)"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(err.len() < 4_000, "stderr has {} bytes", err.len());
    // The same value as a unit id (in the register and the checklist).
    let tmp = project(&[(huge.as_str(), "Một")]);
    let (_, _, err) = cchc_in(tmp.path(), &["explain", "p", "--unit", "nobody"]);
    assert!(err.len() < 4_000, "stderr has {} bytes", err.len());
}

#[cfg(target_os = "linux")]
#[test]
fn sensitivity_runs_stream_in_flat_memory() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cchc"))
        .args([
            "sensitivity",
            "fixtures/demo",
            "--runs",
            "4294967295",
            "--format",
            "csv",
        ])
        .current_dir(crate::common::root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let peak = |s: &str| -> u64 {
        s.lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|k| k.parse().ok())
            .unwrap_or(0)
    };
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let early = peak(&std::fs::read_to_string(&status).unwrap_or_default());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let later = peak(&std::fs::read_to_string(&status).unwrap_or_default());
    let alive = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        alive,
        "the run ended early (it should still be running its runs)"
    );
    assert!(later > 0 && later < 100 * 1024, "peak {later} KiB");
    // Flat: what it holds after three seconds is what it held after one and a half.
    assert!(later <= early + 2 * 1024, "{early} KiB then {later} KiB");
}
