//! Writing results so that a failed or interrupted run never leaves half a file and
//! never destroys what `--out` points at.
//!
//! - A regular file (or a new path) is written through a temporary file in the same
//!   folder (`.cchc-*.tmp`), renamed into place only once complete; a symbolic link is
//!   followed, so the link stays and its target is replaced.
//! - A character device or a FIFO (`/dev/null`, `--out >(gzip > x.gz)`; on Windows
//!   `NUL`, `CON` and the other reserved names) is written straight through: renaming
//!   a file over it would destroy it (or leave its reader waiting forever).
//! - Anything else (a folder, a socket, a block device) is refused.
//! - Inside an output folder (cards, forms), a link found at a file's name is replaced
//!   by the file, never followed: whoever planted it cannot make cchc write elsewhere.
//! - On Windows, a file another program holds open (Excel) is found before anything is
//!   replaced, and named as such.
//! - Files that belong together (a Parquet pair) are all complete before the first is
//!   renamed; if a later rename fails, the earlier ones are put back as they were.
//! - Temporary files are registered while they live, so that the binary's signal and
//!   panic handlers can remove them ([`cleanup`]).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files alive now (removed by [`cleanup`] on a signal or a panic).
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register(p: &Path) {
    if let Ok(mut live) = LIVE.lock() {
        live.push(p.to_path_buf());
    }
}

fn unregister(p: &Path) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|x| x != p);
    }
}

/// Registers a temporary file or folder made elsewhere (the duplicate-id check's
/// spill), so that a signal or a panic removes it.
pub fn register_temp(p: &Path) {
    register(p);
}

/// Forgets every registered path under `dir` (its owner removes them).
pub fn forget_temp_under(dir: &Path) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|x| !x.starts_with(dir));
    }
}

/// Removes every temporary file a run has open (called by the binary when a signal
/// or a panic ends it).
pub fn cleanup() {
    let paths: Vec<PathBuf> = match LIVE.try_lock() {
        Ok(mut live) => std::mem::take(&mut *live),
        Err(std::sync::TryLockError::Poisoned(p)) => std::mem::take(&mut *p.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => {
            // Another thread is registering: wait for it briefly.
            std::thread::sleep(std::time::Duration::from_millis(20));
            LIVE.lock()
                .map(|mut l| std::mem::take(&mut *l))
                .unwrap_or_default()
        }
    };
    // Files first, then the folders they were in.
    for p in &paths {
        let _ = std::fs::remove_file(p);
    }
    for p in paths.iter().rev() {
        let _ = std::fs::remove_dir(p);
    }
}

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Not a regular file, a device or a FIFO.
    #[error("{0}: not a regular file, a character device or a FIFO; refusing to write there")]
    Special(String),
    /// Writing or renaming failed. (The OS error is part of the message, not a
    /// separate cause, so an error chain does not print it twice.)
    #[error("{file}: {error}{}", in_use(.error))]
    Io {
        /// The file.
        file: String,
        /// The OS error.
        error: std::io::Error,
    },
}

/// On Windows, a file held open by another program (Excel) cannot be replaced: say so.
fn in_use(error: &std::io::Error) -> String {
    crate::platform::in_use_hint(error).map_or(String::new(), |h| format!(" ({h})"))
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |error| OutputError::Io {
        file: path.display().to_string(),
        error,
    }
}

/// Follows symbolic links to the path that will really be written.
fn resolve(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&p) {
                Ok(t) if t.is_absolute() => p = t,
                Ok(t) => p = p.parent().unwrap_or(Path::new(".")).join(t),
                Err(_) => break,
            },
            _ => break,
        }
    }
    p
}

enum Sink {
    Temp(tempfile::NamedTempFile),
    Direct(File),
}

/// An output being written: a temp file beside its target, or a device or FIFO.
pub struct Pending {
    target: PathBuf,
    shown: String,
    sink: Sink,
}

impl Pending {
    /// Starts an output at `path` (nothing is replaced until [`commit`]).
    pub fn begin(path: &Path) -> Result<Pending, OutputError> {
        Pending::begin_with(path, true)
    }

    /// Starts a file inside an output folder: a symbolic link found at its name is
    /// replaced by the file, never written through (it could point anywhere), and
    /// anything but a regular file there is refused.
    pub fn begin_in_folder(path: &Path) -> Result<Pending, OutputError> {
        Pending::begin_with(path, false)
    }

    fn begin_with(path: &Path, follow: bool) -> Result<Pending, OutputError> {
        let shown = path.display().to_string();
        if !follow {
            return match std::fs::symlink_metadata(path) {
                Ok(m) if !m.is_file() && !m.file_type().is_symlink() => {
                    Err(OutputError::Special(shown))
                }
                _ => Ok(Pending {
                    target: path.to_path_buf(),
                    shown,
                    sink: Sink::Temp(temp_beside(path)?),
                }),
            };
        }
        let target = resolve(path);
        let meta = std::fs::metadata(&target).ok();
        let sink =
            if crate::platform::is_device_name(&target) || meta.as_ref().is_some_and(is_stream) {
                Sink::Direct(
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open(&target)
                        .map_err(io(path))?,
                )
            } else {
                match meta {
                    Some(m) if !m.is_file() => return Err(OutputError::Special(shown)),
                    _ => Sink::Temp(temp_beside(&target)?),
                }
            };
        Ok(Pending {
            target,
            shown,
            sink,
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut dyn Write {
        match &mut self.sink {
            Sink::Temp(t) => t.as_file_mut(),
            Sink::Direct(f) => f,
        }
    }

    /// The path as the user gave it.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Sink::Temp(t) = &self.sink {
            unregister(t.path());
        }
    }
}

#[cfg(unix)]
fn is_stream(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    m.file_type().is_char_device() || m.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_stream(_: &std::fs::Metadata) -> bool {
    false
}

/// A temporary file in the folder of `path`, registered for cleanup.
fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile, OutputError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(io(path)(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        )));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".cchc-")
        .suffix(".tmp")
        .tempfile_in(dir)
        // tempfile's message names its random temporary path: say what matters.
        .map_err(|e| {
            io(path)(std::io::Error::new(
                e.kind(),
                format!("cannot create a file in {}: {}", dir.display(), e.kind()),
            ))
        })?;
    register(tmp.path());
    Ok(tmp)
}

/// Puts every pending output in place, all or nothing: each temp file is complete and
/// synced first; if renaming one fails, those renamed before it are put back as they
/// were, and the error names the file that failed.
pub fn commit(pending: Vec<Pending>) -> Result<(), OutputError> {
    let mut ready = Vec::new();
    for mut p in pending {
        if let Sink::Temp(t) = &mut p.sink {
            t.as_file_mut().flush().map_err(io(&p.target))?;
            t.as_file().sync_all().map_err(io(&p.target))?;
            set_mode(t.as_file(), &p.target).map_err(io(&p.target))?;
            // A file another program holds (Excel, on Windows) is found before
            // anything is replaced.
            crate::platform::check_replaceable(&p.target).map_err(|error| OutputError::Io {
                file: p.shown.clone(),
                error,
            })?;
        }
        ready.push(p);
    }
    // Only a commit of several files can need to put one back.
    let several = ready.len() > 1;
    // (target, backup of what it held) for each output already in place.
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for mut p in ready {
        let Sink::Temp(_) = &p.sink else { continue };
        let backup = if several { backup(&p.target) } else { None };
        let Sink::Temp(t) = std::mem::replace(&mut p.sink, Sink::Direct(dummy_file())) else {
            unreachable!()
        };
        let tmp_path = t.path().to_path_buf();
        match t.persist(&p.target) {
            Ok(_) => {
                unregister(&tmp_path);
                done.push((p.target.clone(), backup));
            }
            Err(e) => {
                unregister(&tmp_path);
                drop(e.file); // removes the temp file
                if let Some(b) = backup {
                    let _ = std::fs::remove_file(b);
                }
                roll_back(done);
                return Err(OutputError::Io {
                    file: p.shown.clone(),
                    error: e.error,
                });
            }
        }
    }
    for (_, b) in done {
        if let Some(b) = b {
            let _ = std::fs::remove_file(&b);
            unregister(&b);
        }
    }
    Ok(())
}

/// A stand-in for a sink that has been taken.
fn dummy_file() -> File {
    tempfile::tempfile().unwrap_or_else(|_| {
        File::open(if cfg!(unix) { "/dev/null" } else { "NUL" }).expect("the null device opens")
    })
}

/// Keeps what `target` holds (a hard link, else a copy) so a failed commit can put it
/// back; `None` when there is nothing there.
fn backup(target: &Path) -> Option<PathBuf> {
    if !target.is_file() {
        return None;
    }
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = dir.join(format!(".cchc-{}-{n}.bak", std::process::id()));
    let kept =
        std::fs::hard_link(target, &name).or_else(|_| std::fs::copy(target, &name).map(|_| ()));
    kept.ok()?;
    register(&name);
    Some(name)
}

/// Puts back the outputs renamed before a failure.
fn roll_back(done: Vec<(PathBuf, Option<PathBuf>)>) {
    for (target, backup) in done.into_iter().rev() {
        match backup {
            Some(b) => {
                let _ = std::fs::rename(&b, &target);
                unregister(&b);
            }
            None => {
                let _ = std::fs::remove_file(&target);
            }
        }
    }
}

/// A temp file is private (0600); the output should read like any other file: keep
/// the permissions of the file it replaces, else rw-r--r--. (On Windows a new file
/// takes its folder's permissions, as any file written there: nothing to set.)
fn set_mode(_f: &File, _target: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(_target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        _f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically (or straight through to a device or FIFO).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_all_atomic(&[(path, bytes)])
}

/// Writes files that belong together, all or nothing.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<(), OutputError> {
    write_all_with(files, Pending::begin)
}

/// Writes files into an output folder, all or nothing: a link inside the folder is
/// replaced, never written through ([`Pending::begin_in_folder`]).
pub fn write_folder_atomic(files: &[(&Path, &[u8])]) -> Result<(), OutputError> {
    write_all_with(files, Pending::begin_in_folder)
}

fn write_all_with(
    files: &[(&Path, &[u8])],
    begin: fn(&Path) -> Result<Pending, OutputError>,
) -> Result<(), OutputError> {
    let mut pending = Vec::new();
    for (path, bytes) in files {
        let mut p = begin(path)?;
        p.writer().write_all(bytes).map_err(io(path))?;
        pending.push(p);
    }
    commit(pending)
}
