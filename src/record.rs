//! Verifiable runs: `--record FILE` writes what a run read and wrote, hashed, so that
//! anyone holding the files can check a published ranking (`cchc verify RECORD`).
//!
//! A record is JSON: cchc's version, the command and its arguments, the working
//! directory (relative to the record), the output format (and terminal width, for a
//! table), the framework's id and fingerprint, each input's path (relative to the
//! record), size and SHA-256, each output's SHA-256 (standard output included), and the
//! exit code. Paths are relative so that a folder moved or copied whole still verifies.

use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The first member of a record, so a record is recognised as one.
pub const MAGIC: &str = "cchc-record 1";

/// A file and its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    /// What it is (`checklist`, `stdout`, `out`, `out:criteria`).
    pub role: String,
    /// Its path relative to the record's folder (`-` for standard output).
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// The framework a run used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkRef {
    /// Its id.
    pub id: String,
    /// The SHA-256 of its canonical form.
    pub fingerprint: String,
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// [`MAGIC`].
    pub record: String,
    /// The cchc version that ran.
    pub cchc: String,
    /// The subcommand.
    pub command: String,
    /// The arguments after the subcommand's name, as given (without `--record`).
    pub args: Vec<String>,
    /// The working directory, relative to the record's folder.
    pub cwd: String,
    /// The output format used.
    pub format: String,
    /// The terminal width a table was fitted to, if any.
    pub width: Option<usize>,
    /// The framework, if the command used one.
    pub framework: Option<FrameworkRef>,
    /// The exit code.
    pub exit_code: u8,
    /// Every input read.
    pub inputs: Vec<FileHash>,
    /// Every output written.
    pub outputs: Vec<FileHash>,
}

/// A file's size and SHA-256 (hex), read in blocks.
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    use sha2::Digest;
    let mut f = std::fs::File::open(path)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, hex(&h.finalize())))
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An absolute, lexically normalised path (`.` and `..` resolved without touching the
/// file system, so a missing file still has one).
pub fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `to` relative to the folder `from` (both absolute): `../data/checklist.csv`.
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let (a, b): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The files a project spec reads, by role (a built-in framework is none).
pub fn spec_inputs(spec: &crate::project::Spec) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if spec.has_manifest {
        out.push(("manifest".into(), spec.dir.join(crate::project::MANIFEST)));
    }
    if let Some((name, base)) = &spec.framework {
        if crate::framework::builtin::get(name).is_none() {
            out.push(("framework".into(), base.join(name)));
        }
    }
    let files = [
        ("units", &spec.units),
        ("checklist", &spec.checklist),
        ("dossiers", &spec.dossiers),
        ("survey", &spec.survey),
        ("procedures", &spec.procedures),
        ("calendar", &spec.calendar),
        ("lineage", &spec.lineage),
    ];
    for (role, f) in files {
        let Some(f) = f else { continue };
        // A dataset of dossier files is recorded file by file.
        let parts = if role == "dossiers" {
            crate::dossier::log_files(&f.path).unwrap_or_else(|_| vec![f.path.clone()])
        } else {
            vec![f.path.clone()]
        };
        out.extend(parts.into_iter().map(|p| (role.to_string(), p)));
    }
    out
}

/// The inputs of a record that are missing or changed since, in words.
pub fn changed_inputs(r: &Record, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for f in &r.inputs {
        let p = dir.join(&f.path);
        match hash_file(&p) {
            Err(_) => out.push(format!("{} {} is missing", f.role, f.path)),
            Ok((size, sha)) if sha != f.sha256 => out.push(format!(
                "{} {} has changed ({} bytes, sha256 {}…; recorded {} bytes, {}…)",
                f.role,
                f.path,
                size,
                &sha[..12],
                f.size,
                &f.sha256[..f.sha256.len().min(12)]
            )),
            Ok(_) => {}
        }
    }
    out
}
