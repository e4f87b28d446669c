//! Writing results: atomically, so a failed or interrupted run never leaves half a file
//! and never touches an existing one.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into
/// place only once complete.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_all_atomic(&[(path, bytes)])
}

/// Writes several files that belong together: every one is complete in its temporary
/// file before the first is renamed into place.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> std::io::Result<()> {
    let mut ready = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        ready.push((*path, temp_for(path, bytes)?));
    }
    for (path, tmp) in ready {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// A complete temporary file beside `path`, with the permissions `path` will have.
fn temp_for(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".cchc-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // A temp file is private (0600); the output should read like any other file: keep
    // the permissions of the file it replaces, else rw-r--r--.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    Ok(tmp)
}
