//! cchc.exe under wine (#27): the Windows build gives the Linux binary's bytes, takes
//! Windows paths (`Z:\…`, Vietnamese letters, spaces, `file.xlsx#Sheet`), replaces an
//! existing `--out`, writes through `NUL`, cleans up on Ctrl-C and names a bad input.
//!
//! The exe is built by `scripts/build-windows` (`.ci/run` does it; here the debug
//! build, or `CCHC_WINDOWS_EXE`). The tests skip with a note when the exe, wine or
//! MinGW is missing, unless `CCHC_REQUIRE_WINE` is set (as in CI). Wine 8 lacks
//! `bcryptprimitives.dll`, which Rust's standard library imports: a shim built here
//! from `tests/windows/bcryptprimitives.c` goes beside the exe (tests only).
//! The rules of the Windows-only code that need no wine are tested on every platform.

use crate::common::root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

#[test]
fn windows_device_names_are_read_as_windows_reads_them() {
    use cchc::platform::{windows_device_name, windows_reserved};
    for name in [
        "NUL",
        "nul",
        "nul.txt",
        "Con .csv",
        "COM1",
        "lpt9.xlsx",
        "COM0",
        "CONOUT$",
    ] {
        assert!(windows_reserved(name), "{name}");
    }
    for name in [
        "NULL",
        "console.csv",
        "COM10",
        "COMA",
        "kết quả.csv",
        "",
        "LPT",
    ] {
        assert!(!windows_reserved(name), "{name}");
    }
    assert!(windows_device_name(Path::new(r"C:\Users\x\NUL")));
    assert!(windows_device_name(Path::new(r"\\.\COM3")));
    assert!(windows_device_name(Path::new("out/nul.csv")));
    assert!(!windows_device_name(Path::new(r"C:\NUL\report.csv")));
    // On Linux a file may be called `nul`: only Windows writes it straight through.
    assert_eq!(
        cchc::platform::is_device_name(Path::new("nul")),
        cfg!(windows)
    );
    // A form or card file never takes a device name.
    assert_eq!(cchc::forms::file_stem("COM0"), "_COM0");
    assert_eq!(cchc::forms::file_stem("nul.x"), "_nul.x");
}

#[test]
fn a_file_in_use_is_named_as_such_only_on_windows() {
    let sharing = std::io::Error::from_raw_os_error(32);
    assert_eq!(
        cchc::platform::in_use_hint(&sharing).is_some(),
        cfg!(windows)
    );
    let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
    assert!(cchc::platform::in_use_hint(&missing).is_none());
}

/// cchc.exe (with the shim beside it), the file holder, and wine's prefix.
struct Wine {
    exe: PathBuf,
    hold: PathBuf,
    prefix: PathBuf,
}

fn wine() -> Option<&'static Wine> {
    static WINE: OnceLock<Option<Wine>> = OnceLock::new();
    WINE.get_or_init(set_up).as_ref()
}

fn set_up() -> Option<Wine> {
    let required = std::env::var_os("CCHC_REQUIRE_WINE").is_some();
    let skip = |why: String| {
        assert!(
            !required,
            "the wine tests are required (CCHC_REQUIRE_WINE is set) but {why}"
        );
        eprintln!("note: {why}; the wine tests did not run");
        None
    };
    let built = std::env::var_os("CCHC_WINDOWS_EXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/windows/x86_64-pc-windows-gnu/debug/cchc.exe"));
    if !built.is_file() {
        return skip(format!(
            "{} is not built (scripts/build-windows)",
            built.display()
        ));
    }
    for tool in ["wine", "x86_64-w64-mingw32-gcc"] {
        if Command::new(tool).arg("--version").output().is_err() {
            return skip(format!("{tool} is not installed"));
        }
    }
    let dir = root().join("target/wine");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("cchc.exe");
    let _ = std::fs::remove_file(&exe);
    if std::fs::hard_link(&built, &exe).is_err() {
        std::fs::copy(&built, &exe).unwrap();
    }
    for (made, args) in [
        (
            "bcryptprimitives.dll",
            &["-shared", "bcryptprimitives.c", "-ladvapi32"][..],
        ),
        ("hold.exe", &["-municode", "hold.c"]),
    ] {
        let c = Command::new("x86_64-w64-mingw32-gcc")
            .current_dir(root().join("tests/windows"))
            .args(["-O2", "-o"])
            .arg(dir.join(made))
            .args(args)
            .output()
            .unwrap();
        assert!(
            c.status.success(),
            "{made}: {}",
            String::from_utf8_lossy(&c.stderr)
        );
    }
    let wine = Wine {
        exe,
        hold: dir.join("hold.exe"),
        prefix: dir.join("prefix"),
    };
    // The first run makes wine's prefix (tens of seconds): once, before the tests.
    let out = wine.run(&["--version"]);
    assert!(
        out.status.success(),
        "cchc.exe --version under wine: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("cchc {}", env!("CARGO_PKG_VERSION"))
    );
    Some(wine)
}

impl Wine {
    fn command(&self) -> Command {
        self.program(&self.exe)
    }

    fn program(&self, exe: &Path) -> Command {
        let mut c = Command::new("wine");
        c.arg(exe)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env(
                "WINEDLLOVERRIDES",
                "winemenubuilder.exe=d;mscoree=d;mshtml=d",
            )
            .current_dir(root())
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }
}

/// Asserts that a run succeeded, showing what it said if not.
fn succeeded(run: &Output) {
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// The names of the files in a folder.
fn names_in(dir: &Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect()
}

/// Copies the files of a fixture folder (under the repository) into `to`.
fn copy_fixture(from: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(root().join(from)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A Linux path as wine shows it to the program: `Z:\tmp\…`.
fn windows_path(p: &Path) -> String {
    format!("Z:{}", p.display()).replace('/', "\\")
}

fn linux(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cchc"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn same_bytes(wine: &Wine, args: &[&str]) {
    let (w, l) = (wine.run(args), linux(args));
    assert!(
        w.status.success(),
        "cchc.exe {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&w.stderr)
    );
    assert_eq!(w.status.code(), l.status.code(), "{args:?}");
    assert!(!l.stdout.is_empty());
    assert!(
        w.stdout == l.stdout,
        "cchc.exe {} differs from Linux:\n--- windows\n{}\n--- linux\n{}",
        args.join(" "),
        String::from_utf8_lossy(&w.stdout),
        String::from_utf8_lossy(&l.stdout)
    );
}

#[test]
fn the_demos_and_a_metrics_run_give_the_linux_bytes() {
    let Some(wine) = wine() else { return };
    for args in [
        &["score", "fixtures/demo", "--format", "csv"][..],
        &["score", "fixtures/demo", "--format", "json"],
        &["score", "fixtures/demo", "--width", "100"],
        &["score", "fixtures/demo-xlsx", "--format", "csv"],
        &["metrics", "fixtures/demo", "--format", "csv"],
        &["explain", "fixtures/demo", "--unit", "P01"],
        // The official service index: the catalogue, the petitions, the 766 rules.
        &["metrics", "fixtures/service-766", "--format", "csv"],
        &[
            "explain",
            "tests/fixtures/service766",
            "--unit",
            "X1",
            "--criterion",
            "2.1",
        ],
    ] {
        same_bytes(wine, args);
    }
}

/// A copy of the workbook demo in `<tmp>/Sở Nội vụ/Kết quả 2025`.
fn vietnamese_folder() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Sở Nội vụ").join("Kết quả 2025");
    copy_fixture("fixtures/demo-xlsx", &dir);
    (tmp, dir)
}

#[test]
fn windows_paths_with_vietnamese_letters_spaces_and_a_sheet() {
    let Some(wine) = wine() else { return };
    let (_tmp, dir) = vietnamese_folder();
    let out = dir.join("bảng xếp hạng.csv");
    let sheet = format!("{}#Tổng hợp", windows_path(&dir.join("checklist.xlsx")));
    let run = wine
        .command()
        .args(["score", &windows_path(&dir), "--checklist", &sheet])
        .args(["--format", "csv", "--out", &windows_path(&out)])
        .output()
        .unwrap();
    succeeded(&run);
    let want = linux(&["score", "fixtures/demo-xlsx", "--format", "csv"]).stdout;
    assert_eq!(std::fs::read(&out).unwrap(), want);
    // A sheet that is not there is named, with the path as given.
    let bad = format!("{}#Không có", windows_path(&dir.join("checklist.xlsx")));
    let run = wine
        .command()
        .args(["score", &windows_path(&dir), "--checklist", &bad])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("Không có"), "{err}");
}

#[test]
fn an_existing_out_is_replaced_and_nothing_is_left_beside_it() {
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ranking.csv");
    std::fs::write(&out, "the previous ranking\n").unwrap();
    let run = wine.run(&[
        "score",
        "fixtures/demo",
        "--format",
        "csv",
        "--out",
        &windows_path(&out),
    ]);
    succeeded(&run);
    let want = linux(&["score", "fixtures/demo", "--format", "csv"]).stdout;
    assert_eq!(std::fs::read(&out).unwrap(), want);
    assert_eq!(names_in(tmp.path()), ["ranking.csv"]);
}

#[test]
fn out_nul_writes_to_the_null_device() {
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let run = wine
        .command()
        .current_dir(tmp.path())
        .arg("score")
        .arg(windows_path(&root().join("fixtures/demo")))
        .args(["--format", "csv", "--out", "NUL"])
        .output()
        .unwrap();
    succeeded(&run);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn a_bad_input_names_its_file_and_exits_2() {
    let Some(wine) = wine() else { return };
    let (_tmp, dir) = vietnamese_folder();
    std::fs::write(dir.join("units.csv"), "unit_id,name\n\"X01,broken\n").unwrap();
    let units = windows_path(&dir.join("units.csv"));
    let run = wine
        .command()
        .args(["score", &windows_path(&dir), "--units", &units])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    // Named as given, Vietnamese letters and all, with its line.
    assert!(err.contains(&format!("{units}:2: unclosed quote")), "{err}");
}

#[test]
fn no_arguments_from_a_script_print_the_usage_without_waiting() {
    let Some(wine) = wine() else { return };
    let run = wine.run(&[]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("Usage:"), "{err}");
    assert!(!String::from_utf8_lossy(&run.stdout).contains("Press Enter"));
}

#[test]
fn a_dataset_by_folder_and_by_glob_in_windows_form() {
    let Some(wine) = wine() else { return };
    let tmp = crate::datasets::dataset(None);
    let logs = windows_path(&tmp.path().join("logs"));
    let golden = crate::common::read("tests/cases/golden/metrics-hand.csv");
    let rest = [
        "--procedures",
        r"tests\fixtures\dossiers\procedures.csv",
        "--period",
        "2025-04",
        "--format",
        "csv",
    ];
    for dossiers in [
        logs.clone(),
        format!(r"{logs}\province=*\year=2025\*\*.parquet"),
    ] {
        let run = wine
            .command()
            .args(["metrics", "--dossiers", &dossiers])
            .args(rest)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{dossiers}: {err}");
        assert_eq!(String::from_utf8_lossy(&run.stdout), golden, "{dossiers}");
    }
    // A dossier twice is named by its files, with `/` between the partitions as on
    // Linux.
    let extra = "D03,U1,2025-03-02,direct,received,,2025-03-10,,,,,,"
        .split(',')
        .map(str::to_string)
        .collect();
    let tmp = crate::datasets::dataset(Some(extra));
    let logs = windows_path(&tmp.path().join("logs"));
    let run = wine
        .command()
        .args(["metrics", "--dossiers", &logs])
        .args(&rest[..4])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains(r"province=HP/year=2025/month=earlier/part-0.parquet:")
            && err.contains("first on row province=HP/year=2025/month=04/part-0.parquet row 3"),
        "{err}"
    );
}

#[test]
fn ctrl_c_removes_the_temporary_file_and_exits_130() {
    // Wine turns SIGINT into the console's Ctrl-C event, which cchc.exe's handler
    // (SetConsoleCtrlHandler) takes: had Windows' default handler ended the process,
    // the temporary file would be left behind.
    let Some(wine) = wine() else { return };
    let big = crate::output::big_project();
    let out = tempfile::tempdir().unwrap();
    let child = wine
        .command()
        .args(["score", "--quiet", "--format", "json", "--out"])
        .arg(windows_path(&out.path().join("r.json")))
        .arg(windows_path(big.path()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = crate::output::interrupt_while_writing(child, out.path(), "-INT");
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(
        !crate::output::has_temp(out.path()),
        "a .cchc-*.tmp file is left behind"
    );
    assert!(!out.path().join("r.json").exists());
}

/// cchc.exe on a console: wine started on a terminal (tmux, 100 columns) gives the
/// program a console of its own, as Explorer does on a double click.
struct Console {
    session: String,
    done: PathBuf,
}

impl Console {
    /// Starts `cchc.exe ARGS` in a tmux session; `None` when tmux is missing.
    fn start(wine: &Wine, args: &str) -> Option<Console> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var_os("CCHC_REQUIRE_TMUX").is_none(),
                "tmux is required (CCHC_REQUIRE_TMUX is set) but not installed"
            );
            eprintln!("note: tmux is not installed; the console check did not run");
            return None;
        }
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let session = format!("cchc-wine-{}-{n}", std::process::id());
        let done = std::env::temp_dir().join(format!("{session}.code"));
        let cmd = format!(
            "WINEPREFIX='{}' WINEDEBUG=-all wine '{}' {args}; echo $? > '{}'; sleep 60",
            wine.prefix.display(),
            wine.exe.display(),
            done.display()
        );
        let c = Console { session, done };
        c.tmux(&[
            "new-session",
            "-d",
            "-s",
            &c.session,
            "-x",
            "100",
            "-y",
            "40",
            &cmd,
        ]);
        Some(c)
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(args)
            .current_dir(root())
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", &self.session]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits up to 90 s for the screen to hold `text`; returns the screen.
    fn wait_for(&self, text: &str) -> String {
        let start = std::time::Instant::now();
        while !self.screen().contains(text) && start.elapsed().as_secs() < 90 {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        self.screen()
    }

    /// The exit code, once the program has ended (waits up to 90 s).
    fn code(&self) -> String {
        let start = std::time::Instant::now();
        while !self.done.exists() && start.elapsed().as_secs() < 90 {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        std::fs::read_to_string(&self.done)
            .unwrap_or_default()
            .trim()
            .to_string()
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.tmux(&["kill-session", "-t", &self.session]);
        let _ = std::fs::remove_file(&self.done);
    }
}

#[test]
fn double_clicked_it_shows_a_short_help_and_waits_for_enter() {
    let Some(wine) = wine() else { return };
    let Some(console) = Console::start(wine, "") else {
        return;
    };
    let shown = console.wait_for("Press Enter");
    // Still waiting: nothing has ended the program.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let waited = !console.done.exists();
    console.tmux(&["send-keys", "-t", &console.session, "Enter"]);
    assert_eq!(console.code(), "0");
    assert!(
        shown.contains("chỉ số CCHC") && shown.contains("cchc.bat"),
        "{shown}"
    );
    assert!(
        shown.contains("Press Enter to close this window."),
        "{shown}"
    );
    assert!(waited, "it did not wait for Enter");
}

#[test]
fn vietnamese_names_show_on_the_console_as_on_linux() {
    // The console is written in UTF-16 (WriteConsoleW): the letters do not depend on
    // the console's code page, and the table fits the console's width.
    let Some(wine) = wine() else { return };
    let Some(console) = Console::start(wine, "score fixtures/demo --quiet") else {
        return;
    };
    let shown = console.wait_for("mean index");
    assert_eq!(console.code(), "0", "{shown}");
    let want =
        String::from_utf8(linux(&["score", "fixtures/demo", "--quiet", "--width", "100"]).stdout)
            .unwrap();
    for line in want.lines().filter(|l| l.contains('│')) {
        assert!(
            shown.contains(line),
            "missing on the console: {line}\n{shown}"
        );
    }
    assert!(shown.contains("Phường Trần Hưng Đạo") && shown.contains("Xuất sắc"));
}

#[test]
fn a_run_recorded_on_windows_verifies_on_linux_and_back() {
    // Regression: the record's paths were written with `\` on Windows (`..\demo\…`),
    // which Linux reads as one file name: a record could not change machines.
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    std::fs::create_dir_all(tmp.path().join("out")).unwrap();
    copy_fixture("fixtures/demo", &demo);
    let args = |record: &str| {
        [
            "score",
            "demo",
            "--format",
            "csv",
            "--out",
            "out/ranking.csv",
            "--record",
        ]
        .into_iter()
        .map(String::from)
        .chain([record.to_string()])
        .collect::<Vec<_>>()
    };
    let run = wine
        .command()
        .current_dir(tmp.path())
        .args(args("out/windows.json"))
        .output()
        .unwrap();
    succeeded(&run);
    let record = std::fs::read_to_string(tmp.path().join("out/windows.json")).unwrap();
    assert!(
        record.contains(r#""path": "../demo/units.csv""#),
        "{record}"
    );
    let linux = |args: &[String]| {
        Command::new(env!("CARGO_BIN_EXE_cchc"))
            .current_dir(tmp.path())
            .args(args)
            .output()
            .unwrap()
    };
    let verify = linux(&["verify".into(), "out/windows.json".into()]);
    succeeded(&verify);
    assert!(linux(&args("out/linux.json")).status.success());
    let back = wine
        .command()
        .current_dir(tmp.path())
        .args(["verify", "out/linux.json"])
        .output()
        .unwrap();
    succeeded(&back);
}

#[test]
fn an_out_held_open_by_another_program_is_named_and_left_whole() {
    // Regression: when Excel held the --out file, the rename failed as it should, but
    // the backup link made for a roll-back could not be removed either and a
    // `.cchc-*.bak` file was left beside it. Now the held file is found before
    // anything is written.
    let Some(wine) = wine() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ranking.csv");
    std::fs::write(&out, "the previous ranking\n").unwrap();
    let mut holder = wine
        .program(&wine.hold)
        .arg(windows_path(&out))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut said)
        .unwrap();
    assert_eq!(said.trim(), "holding");
    let run = wine.run(&[
        "score",
        "fixtures/demo",
        "--format",
        "csv",
        "--out",
        &windows_path(&out),
    ]);
    drop(holder.stdin.take());
    let _ = holder.wait();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("ranking.csv") && err.contains("is it open in Excel or another program"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "the previous ranking\n"
    );
    assert_eq!(names_in(tmp.path()), ["ranking.csv"]);
}

#[test]
fn a_project_on_drive_c_by_its_windows_path() {
    // Wine's drive C: is the prefix's drive_c folder.
    let Some(wine) = wine() else { return };
    let name = format!("cchc-test-{}", std::process::id());
    let base = wine.prefix.join("drive_c").join(&name);
    let dir = base.join("Thanh tra").join("demo");
    copy_fixture("fixtures/demo", &dir);
    let project = format!(r"C:\{name}\Thanh tra\demo");
    let out = format!(r"C:\{name}\Thanh tra\kết quả.csv");
    let run = wine.run(&["score", &project, "--format", "csv", "--out", &out]);
    let written = std::fs::read(base.join("Thanh tra").join("kết quả.csv"));
    let _ = std::fs::remove_dir_all(&base);
    succeeded(&run);
    let want = linux(&["score", "fixtures/demo", "--format", "csv"]).stdout;
    assert_eq!(written.unwrap(), want);
}
