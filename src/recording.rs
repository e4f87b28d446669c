//! `--record` and `cchc verify` at the edge: the record is written after the outputs
//! (hashing standard output as it is written), and verify re-runs this very binary on
//! the recorded arguments in a temporary folder and compares every output.

use crate::commands::Written;
use anyhow::{bail, Context, Result};
use cchc::cli::VerifyArgs;
use cchc::record::{absolute, relative, FileHash, FrameworkRef, Record, MAGIC};
use sha2::Digest;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A writer that hashes what passes through it (standard output, for a record).
pub struct Tee<W: Write> {
    inner: W,
    hash: sha2::Sha256,
    size: u64,
}

impl<W: Write> Tee<W> {
    /// Wraps a writer.
    pub fn new(inner: W) -> Tee<W> {
        Tee {
            inner,
            hash: sha2::Sha256::new(),
            size: 0,
        }
    }

    /// The bytes written and their SHA-256.
    pub fn finish(self) -> (u64, String) {
        (self.size, cchc::record::hex(&self.hash.finalize()))
    }
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The arguments after the subcommand's name, without `--record FILE`.
fn recorded_args(command: &str) -> Vec<String> {
    // args_os: a path that is not UTF-8 must not panic here (it is recorded lossily).
    let all: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
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

/// Writes the record of a finished run (atomically).
pub fn write(
    path: &Path,
    command: &str,
    inputs: Vec<(String, PathBuf)>,
    framework: Option<&cchc::framework::Framework>,
    written: &Written,
    exit_code: u8,
) -> Result<()> {
    let here = absolute(path);
    let dir = here.parent().map(Path::to_path_buf).unwrap_or_default();
    let rel = |p: &Path| relative(&dir, &absolute(p)).display().to_string();
    let mut hashed = Vec::new();
    for (role, p) in inputs {
        let (size, sha256) = cchc::record::hash_file(&p)
            .with_context(|| format!("cannot hash {} for the record", p.display()))?;
        hashed.push(FileHash {
            role,
            path: rel(&p),
            size,
            sha256,
        });
    }
    let outputs = written
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
    let r = Record {
        record: MAGIC.into(),
        cchc: env!("CARGO_PKG_VERSION").into(),
        command: command.into(),
        args: recorded_args(command),
        cwd: rel(&std::env::current_dir()?),
        format: written.format.name().into(),
        width: written.width,
        framework: framework.map(|f| FrameworkRef {
            id: f.id.clone(),
            fingerprint: f.fingerprint.clone(),
        }),
        exit_code,
        inputs: hashed,
        outputs,
    };
    let text = serde_json::to_string_pretty(&r)? + "\n";
    cchc::output::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `cchc verify RECORD`.
pub fn verify(a: VerifyArgs) -> Result<u8> {
    let text = std::fs::read_to_string(&a.record)
        .with_context(|| format!("cannot read {}", a.record.display()))?;
    let r: Record = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a cchc record", a.record.display()))?;
    if r.record != MAGIC {
        bail!("{} is not a cchc record (no `{MAGIC}`)", a.record.display());
    }
    let dir = absolute(&a.record)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut problems = cchc::record::changed_inputs(&r, &dir);
    for o in r.outputs.iter().filter(|o| o.path != "-") {
        match cchc::record::hash_file(&dir.join(&o.path)) {
            Err(_) => problems.push(format!("output {} is missing", o.path)),
            Ok((_, sha)) if sha != o.sha256 => problems.push(format!(
                "output {} is not what the run wrote (it was changed after the run)",
                o.path
            )),
            Ok(_) => {}
        }
    }
    if problems.iter().any(|p| !p.starts_with("output")) {
        return fail(&problems);
    }
    problems.extend(rerun(&r, &dir)?);
    if problems.is_empty() {
        let _ = writeln!(
            std::io::stdout().lock(),
            "verified: {} input(s) unchanged, {} output(s) reproduced byte for byte",
            r.inputs.len(),
            r.outputs.len()
        );
        return Ok(0);
    }
    fail(&problems)
}

fn fail(problems: &[String]) -> Result<u8> {
    let mut err = std::io::stderr().lock();
    for p in problems {
        let _ = writeln!(err, "not verified: {}", cchc::term::escape(p));
    }
    Ok(1)
}

/// Re-runs the recorded command with `--out` in a temporary folder; what differs.
fn rerun(r: &Record, dir: &Path) -> Result<Vec<String>> {
    let tmp = tempfile::tempdir()?;
    let cwd = dir.join(&r.cwd);
    let mut args = vec![r.command.clone()];
    let mut out_file: Option<PathBuf> = None;
    let mut it = r.args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--out" {
            it.next().cloned()
        } else {
            a.strip_prefix("--out=").map(str::to_string)
        };
        match value {
            Some(v) => {
                let name = Path::new(&v)
                    .file_name()
                    .map(PathBuf::from)
                    .unwrap_or_default();
                let p = tmp.path().join(name);
                args.push("--out".into());
                args.push(p.display().to_string());
                out_file = Some(p);
            }
            None => args.push(a.clone()),
        }
    }
    let given = |flags: &[&str]| {
        r.args.iter().any(|a| {
            flags
                .iter()
                .any(|f| a == f || a.starts_with(&format!("{f}=")))
        })
    };
    if !given(&["--format"]) {
        args.extend(["--format".to_string(), r.format.clone()]);
    }
    if !given(&["--quiet", "-q"]) {
        args.push("--quiet".into());
    }
    if let Some(w) = r.width.filter(|_| !given(&["--width"])) {
        args.extend(["--width".to_string(), w.to_string()]);
    }
    let exe = std::env::current_exe()?;
    let run = std::process::Command::new(exe)
        .args(&args)
        .current_dir(&cwd)
        .stdin(std::process::Stdio::null())
        .output()
        .context("cannot re-run the recorded command")?;
    let mut problems = Vec::new();
    let code = run.status.code().unwrap_or(-1);
    if code != i32::from(r.exit_code) {
        problems.push(format!(
            "the re-run exits {code}, the record says {}",
            r.exit_code
        ));
    }
    for o in &r.outputs {
        let now = match (o.role.as_str(), &out_file) {
            ("stdout", _) => Some(cchc::record::hex(&sha2::Sha256::digest(&run.stdout))),
            ("out", Some(p)) => cchc::record::hash_file(p).ok().map(|h| h.1),
            (role, Some(p)) => role
                .strip_prefix("out:")
                .and_then(|suffix| {
                    cchc::record::hash_file(&crate::commands::side_path(p, suffix)).ok()
                })
                .map(|h| h.1),
            _ => None,
        };
        if now.as_deref() != Some(o.sha256.as_str()) {
            problems.push(format!(
                "{} ({}) differs when the command is run again",
                o.role, o.path
            ));
        }
    }
    Ok(problems)
}
