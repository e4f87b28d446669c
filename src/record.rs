//! Verifiable runs: `--record FILE` writes what a run read and wrote, hashed, so that
//! anyone holding the files can check a published ranking (`cchc verify RECORD`).
//!
//! A record is JSON: cchc's version, the command and its arguments, the working
//! directory (relative to the record), the output format (and terminal width, for a
//! table), the framework's id and fingerprint, each input's path (relative to the
//! record), size and SHA-256, each output's SHA-256 (standard output included), and the
//! exit code. Paths are relative so that a folder moved or copied whole still verifies.
//!
//! A record comes from other hands, so [`load`] trusts none of it: its size, every
//! field's form (a hash is 64 hex digits, a path is relative), the command (only
//! `score`, `metrics` and `sipas` are recorded) are checked before anything is used.

use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The first member of a record, so a record is recognised as one.
pub const MAGIC: &str = "cchc-record 1";

/// The commands a record may hold.
pub const RECORDED: [&str; 3] = ["score", "metrics", "sipas"];

/// The largest record read (a record of a dataset of 100,000 files is a few MiB).
const MAX_RECORD: u64 = 32 << 20;

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

impl FrameworkRef {
    /// A framework's id and fingerprint.
    pub fn of(f: &crate::framework::Framework) -> FrameworkRef {
        FrameworkRef {
            id: f.id.clone(),
            fingerprint: f.fingerprint.clone(),
        }
    }
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

/// The files a run reads: (role, path).
pub type Inputs = Vec<(String, PathBuf)>;

/// The files a run reads, by role: its spec's, and an earlier ranking.
pub fn run_inputs(spec: &crate::project::Spec, previous: Option<&Path>) -> Inputs {
    let mut inputs = spec_inputs(spec);
    inputs.extend(previous.map(|p| ("previous".to_string(), p.to_path_buf())));
    inputs
}

/// The files a project spec reads, by role (a built-in framework is none).
pub fn spec_inputs(spec: &crate::project::Spec) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if spec.has_manifest {
        out.push((
            "manifest".into(),
            crate::platform::join(&spec.dir, crate::project::MANIFEST),
        ));
    }
    if let Some((name, base)) = &spec.framework {
        if crate::framework::builtin::get(name).is_none() {
            out.push(("framework".into(), crate::platform::join(base, name)));
        }
    }
    let files = [
        ("units", &spec.units),
        ("checklist", &spec.checklist),
        ("dossiers", &spec.dossiers),
        ("survey", &spec.survey),
        ("officials", &spec.officials),
        ("procedures", &spec.procedures),
        ("petitions", &spec.petitions),
        ("counts", &spec.counts),
        ("previous_counts", &spec.previous_counts),
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

/// Why a record cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct RecordError {
    /// The record file.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

/// Whether a text is a SHA-256 in hex.
fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether a path of a record is one it may hold: relative, without a NUL.
fn is_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\0')
        && Path::new(p).is_relative()
        && !Path::new(p)
            .components()
            .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
}

/// Reads and checks a record: a regular file of at most 32 MiB, JSON of the record's
/// form, every field of the form it should have.
pub fn load(path: &Path) -> Result<Record, RecordError> {
    let bad = |message: String| RecordError {
        file: path.display().to_string(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(bad("not a regular file".into()));
    }
    if meta.len() > MAX_RECORD {
        return Err(bad(format!(
            "{} bytes: a record is at most {MAX_RECORD}",
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let r: Record =
        serde_json::from_str(&text).map_err(|e| bad(format!("not a cchc record: {e}")))?;
    if r.record != MAGIC {
        return Err(bad(format!("not a cchc record (no `{MAGIC}`)")));
    }
    check(&r).map_err(|m| bad(format!("not a record cchc wrote: {m}")))?;
    Ok(r)
}

/// Every field of a record of the form cchc writes.
fn check(r: &Record) -> Result<(), String> {
    let clip = |s: &str| crate::term::clip(s, 40);
    if !RECORDED.contains(&r.command.as_str()) {
        return Err(format!(
            "command `{}` is not one cchc records ({})",
            clip(&r.command),
            RECORDED.join(", ")
        ));
    }
    if r.args.len() > 1000 || r.args.iter().any(|a| a.len() > 4096 || a.contains('\0')) {
        return Err("its arguments are not a command line".into());
    }
    if !is_relative(&r.cwd) && r.cwd != "." {
        return Err(format!(
            "its working directory `{}` is not relative to the record",
            clip(&r.cwd)
        ));
    }
    if r.inputs.len() > 100_000 || r.outputs.len() > 100 {
        return Err("it lists more files than a run writes a record of".into());
    }
    let inputs = r.inputs.iter().map(|f| (f, true));
    let outputs = r.outputs.iter().map(|f| (f, false));
    for (f, input) in inputs.chain(outputs) {
        if !is_hash(&f.sha256) {
            return Err(format!("`{}` is not a SHA-256", clip(&f.sha256)));
        }
        let stdout = !input && f.role == "stdout" && f.path == "-";
        if !stdout && !is_relative(&f.path) {
            return Err(format!(
                "the path `{}` is not relative to the record",
                clip(&f.path)
            ));
        }
        let known = if input {
            INPUT_ROLES.contains(&f.role.as_str())
        } else {
            stdout
                || f.role == "out"
                || f.role.strip_prefix("out:").is_some_and(|s| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
        };
        if !known {
            return Err(format!("`{}` is not a role of a file", clip(&f.role)));
        }
    }
    Ok(())
}

/// The roles of a record's inputs.
const INPUT_ROLES: [&str; 14] = [
    "manifest",
    "framework",
    "units",
    "checklist",
    "dossiers",
    "survey",
    "officials",
    "procedures",
    "petitions",
    "counts",
    "previous_counts",
    "calendar",
    "lineage",
    "previous",
];

/// The inputs of a record that are missing, changed since, or not regular files (a
/// device, a FIFO: reading one could last forever), in words.
pub fn changed_inputs(r: &Record, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for f in &r.inputs {
        let p = dir.join(&f.path);
        match std::fs::metadata(&p) {
            Err(_) => {
                out.push(format!("{} {} is missing", f.role, f.path));
                continue;
            }
            Ok(m) if !m.is_file() => {
                out.push(format!(
                    "{} {} is not a regular file (a folder, a device or a FIFO): refused",
                    f.role, f.path
                ));
                continue;
            }
            Ok(_) => {}
        }
        match hash_file(&p) {
            Err(_) => out.push(format!("{} {} is missing", f.role, f.path)),
            Ok((size, sha)) if sha != f.sha256 => out.push(format!(
                "{} {} has changed ({} bytes, sha256 {}…; recorded {} bytes, {}…)",
                f.role,
                f.path,
                size,
                &sha[..12],
                f.size,
                &f.sha256[..12]
            )),
            Ok(_) => {}
        }
    }
    out
}

/// The files a recorded command line reads, run from `base` (the recorded working
/// directory), and the framework it uses: what `--record` lists and what `verify`
/// holds a record to. One function, so the two never disagree.
pub fn inputs_of(
    command: &crate::cli::Command,
    base: &Path,
) -> Result<(Inputs, Option<crate::framework::Framework>), crate::Error> {
    use crate::cli::Command;
    let (overrides, previous, framework) = match command {
        Command::Score(a) => (
            a.previous.overrides(a.project.overrides()),
            a.previous.previous.clone(),
            Some(None),
        ),
        Command::Metrics(a) => {
            // The official method scores on a framework, which the record holds.
            let mut spec = crate::project::resolve(&a.overrides().rebase(base))?;
            let given = a.framework.as_ref().map(|f| {
                let builtin = crate::framework::builtin::get(f).is_some();
                if builtin || Path::new(f).is_absolute() {
                    f.clone()
                } else {
                    crate::platform::join(base, f).display().to_string()
                }
            });
            if crate::pipeline::official_method(&mut spec, a.method, given.as_deref())? {
                let inputs = run_inputs(&spec, None);
                return Ok((inputs, Some(crate::pipeline::load_framework(&spec)?)));
            }
            (a.overrides(), None, None)
        }
        Command::Sipas(a) => (a.overrides(), None, Some(Some("sipas"))),
        _ => {
            return Err(crate::Error::Usage(format!(
                "only {} are recorded",
                RECORDED.join(", ")
            )))
        }
    };
    let mut spec = crate::project::resolve(&overrides.rebase(base))?;
    let previous = previous.map(|p| crate::platform::join(base, p));
    let inputs = run_inputs(&spec, previous.as_deref());
    let framework = match framework {
        None => None,
        Some(default) => {
            if spec.framework.is_none() {
                spec.framework = default.map(|d| (d.to_string(), PathBuf::from(".")));
            }
            Some(crate::pipeline::load_framework(&spec)?)
        }
    };
    Ok((inputs, framework))
}

/// (role, path or `-`, size, SHA-256) of each output a run wrote.
pub type Outputs = Vec<(String, PathBuf, u64, String)>;

/// What a finished run hands its record: the command, the arguments after its name,
/// the files it read, its framework, its output format and width, what it wrote, its
/// exit code.
pub struct Run<'a> {
    /// The command.
    pub command: &'a str,
    /// The process's arguments, as given (`--record FILE` is left out of the record).
    pub args: &'a [String],
    /// The files read, by role.
    pub inputs: &'a [(String, PathBuf)],
    /// The framework used.
    pub framework: Option<&'a FrameworkRef>,
    /// The output format's name.
    pub format: &'a str,
    /// The width a table was fitted to.
    pub width: Option<usize>,
    /// What was written.
    pub outputs: &'a Outputs,
    /// The exit code.
    pub exit_code: u8,
}

/// The arguments after the subcommand's name, without `--record FILE`.
fn recorded_args(all: &[String], command: &str) -> Vec<String> {
    let start = all
        .iter()
        .position(|a| a == command)
        .map_or(all.len(), |i| i + 1);
    let mut out = Vec::new();
    let mut skip = false;
    for a in &all[start..] {
        if skip {
            skip = false;
        } else if a == "--record" {
            skip = true;
        } else if !a.starts_with("--record=") {
            out.push(a.clone());
        }
    }
    out
}

/// Writes the record of a finished run to `path` (atomically): every path relative to
/// the record's folder.
pub fn write(path: &Path, run: &Run) -> Result<(), RecordError> {
    let bad = |message: String| RecordError {
        file: path.display().to_string(),
        message,
    };
    let here = absolute(path);
    let dir = here.parent().map(Path::to_path_buf).unwrap_or_default();
    // `/` on every platform: a record made on Windows verifies on Linux and back.
    let rel = |p: &Path| crate::platform::slashed(&relative(&dir, &absolute(p)));
    let mut inputs = Vec::new();
    for (role, p) in run.inputs {
        let (size, sha256) = hash_file(p)
            .map_err(|e| bad(format!("cannot hash {} for the record: {e}", p.display())))?;
        inputs.push(FileHash {
            role: role.clone(),
            path: rel(p),
            size,
            sha256,
        });
    }
    let outputs = run
        .outputs
        .iter()
        .map(|(role, p, size, sha256)| FileHash {
            role: role.clone(),
            path: if p.as_os_str() == "-" {
                "-".into()
            } else {
                rel(p)
            },
            size: *size,
            sha256: sha256.clone(),
        })
        .collect();
    let cwd = std::env::current_dir().map_err(|e| bad(e.to_string()))?;
    let r = Record {
        record: MAGIC.into(),
        cchc: env!("CARGO_PKG_VERSION").into(),
        command: run.command.into(),
        args: recorded_args(run.args, run.command),
        cwd: rel(&cwd),
        format: run.format.into(),
        width: run.width,
        framework: run.framework.cloned(),
        exit_code: run.exit_code,
        inputs,
        outputs,
    };
    let text = serde_json::to_string_pretty(&r).map_err(|e| bad(e.to_string()))? + "\n";
    crate::atomic::write_atomic(path, text.as_bytes()).map_err(|e| bad(e.to_string()))
}
