//! What differs between Linux (any Unix) and Windows, in one place, each with both
//! counterparts: how an interrupted run is told (signals / console control events),
//! whether the program was opened by a double click (Windows only: a console window of
//! its own that closes with it), which output paths are devices written straight
//! through (a FIFO or `/dev/null` / `NUL`, `CON`), and what to say when a file cannot be
//! replaced because another program holds it open (Excel on Windows).
//!
//! Everything else in cchc is the same code on both: paths are `Path`s, text is UTF-8
//! on every stream (Rust writes a Windows console in UTF-16, so Vietnamese letters
//! show whatever the console's code page), and no output changes its line endings or
//! gains a BOM by platform.

use std::path::Path;

/// The exit code of a run ended by an interrupt with no signal number (Windows'
/// Ctrl-C, Ctrl-Break, closing the window): 130, as for SIGINT on Linux (128 + 2).
pub const INTERRUPTED: i32 = 130;

/// Calls `stop(code)` in a thread of its own when the run is interrupted: SIGINT,
/// SIGTERM or SIGHUP on Unix (code 128 + the signal), Ctrl-C, Ctrl-Break or the
/// console window closing on Windows (code [`INTERRUPTED`]). `stop` is expected to
/// clean up and exit the process.
pub fn on_interrupt(stop: fn(i32)) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    stop(128 + sig);
                }
            });
        }
    }
    #[cfg(windows)]
    windows::on_interrupt(stop);
}

/// Whether the program was started by a double click: on Windows, a console that no
/// other process shares (Explorer made it for this program and closes it when the
/// program ends) and a keyboard on standard input. Never on Unix.
pub fn opened_by_double_click() -> bool {
    #[cfg(windows)]
    {
        use std::io::IsTerminal;
        windows::console_processes() == 1 && std::io::stdin().is_terminal()
    }
    #[cfg(not(windows))]
    {
        false
    }
}

/// Whether `path` names a device that is written straight through rather than
/// replaced: on Windows the reserved names (`NUL`, `CON`, `COM1`, …, with or without
/// an extension, in any folder, as Windows reads them) and `\\.\` paths. On Unix the
/// file's type says it (a character device or a FIFO) and this is false.
pub fn is_device_name(path: &Path) -> bool {
    cfg!(windows) && windows_device_name(path)
}

/// The rule of [`is_device_name`] on Windows, on any platform (so that it is tested
/// everywhere).
pub fn windows_device_name(path: &Path) -> bool {
    let text = path.to_string_lossy();
    text.starts_with(r"\\.\")
        || text.starts_with("//./")
        || windows_reserved(text.rsplit(['\\', '/']).next().unwrap_or(""))
}

/// Whether Windows reads the file name `name` as a device (`CON`, `PRN`, `AUX`,
/// `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9`, `CONIN$`, `CONOUT$`), whatever its case and
/// extension and with trailing spaces: `nul.txt` and `Con .csv` are devices too.
pub fn windows_reserved(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    let upper = base.to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "NUL" | "CON" | "PRN" | "AUX" | "CONIN$" | "CONOUT$"
    ) || (upper.len() == 4
        && (upper.starts_with("COM") || upper.starts_with("LPT"))
        && upper.as_bytes()[3].is_ascii_digit())
}

/// `base` joined with the relative path `rel` (an absolute `rel` replaces it, as
/// `Path::join` does). On Windows, where `base` is written with `/` (`fixtures/demo`)
/// the join is `/` too, so that a file shown in output is the same text on both
/// platforms (`fixtures/demo/units.csv`, not `fixtures/demo\units.csv`); a base
/// written with `\` (`C:\Thanh tra`) keeps `\`.
pub fn join(base: &Path, rel: impl AsRef<Path>) -> std::path::PathBuf {
    let rel = rel.as_ref();
    #[cfg(windows)]
    {
        let b = base.to_string_lossy();
        if !b.is_empty() && !b.contains('\\') && rel.is_relative() && !rel.has_root() {
            return std::path::PathBuf::from(format!(
                "{}/{}",
                b.trim_end_matches('/'),
                slashed(rel)
            ));
        }
    }
    base.join(rel)
}

/// A relative path as text with `/` between its parts on every platform (run records,
/// dataset files in messages): the same bytes on Linux and Windows, and readable on
/// both.
pub fn slashed(rel: &Path) -> String {
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Whether an existing file can be replaced now. On Windows a file another program
/// holds open without sharing (Excel, for the workbook it shows) cannot be, and
/// opening it for writing says so before anything is written; a file that is not
/// there is fine. On Unix a rename always replaces: nothing to check.
pub fn check_replaceable(path: &Path) -> std::io::Result<()> {
    if cfg!(windows) && path.is_file() {
        std::fs::OpenOptions::new().append(true).open(path)?;
    }
    Ok(())
}

/// What to add to a failed write or rename: on Windows a sharing or lock violation (or
/// access denied on a file that exists) almost always means the file is open in another
/// program — Excel locks the workbooks it shows — or marked read-only.
pub fn in_use_hint(error: &std::io::Error) -> Option<&'static str> {
    // ERROR_ACCESS_DENIED 5, ERROR_SHARING_VIOLATION 32, ERROR_LOCK_VIOLATION 33,
    // ERROR_USER_MAPPED_FILE 1224.
    match error.raw_os_error() {
        Some(5 | 32 | 33 | 1224) if cfg!(windows) => {
            Some("is it open in Excel or another program, or read-only? close it there (or clear read-only) and run cchc again")
        }
        _ => None,
    }
}

#[cfg(windows)]
mod windows {
    //! The Win32 calls behind [`super`] (console control events, the console's process
    //! list).
    use std::sync::OnceLock;
    use windows_sys::Win32::System::Console::{GetConsoleProcessList, SetConsoleCtrlHandler};

    static STOP: OnceLock<fn(i32)> = OnceLock::new();

    /// Runs in a thread Windows starts for the event; returning would let the next
    /// handler (the default: end the process without cleaning up) run, so `stop` exits.
    unsafe extern "system" fn handler(_event: u32) -> windows_sys::core::BOOL {
        if let Some(stop) = STOP.get() {
            stop(super::INTERRUPTED);
        }
        0
    }

    pub(super) fn on_interrupt(stop: fn(i32)) {
        if STOP.set(stop).is_ok() {
            // SAFETY: `handler` is a plain function that lives as long as the program.
            unsafe {
                SetConsoleCtrlHandler(Some(handler), 1);
            }
        }
    }

    pub(super) fn console_processes() -> u32 {
        let mut ids = [0u32; 4];
        // SAFETY: the buffer and its length agree; Windows writes at most that many ids.
        unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) }
    }
}
