//! `cchc verify RECORD`: are the recorded inputs unchanged, and does the recorded
//! command line, run again, write the same bytes?
//!
//! A record comes from other hands, so nothing in it is taken on trust: it is checked
//! field by field ([`crate::record::load`]); its inputs must be regular files (a device
//! or a FIFO could be read forever); the command line it holds is parsed here first,
//! and refused if it carries an output-writing option of its own (`--record`); the files
//! that command line reads must be the record's inputs, and the framework it uses must
//! have the recorded fingerprint (recomputed, never read from the record). Only then is
//! it run again — by this very binary, in a private temporary folder that takes every
//! output (its own `--out`, and `TMPDIR`) — and every output compared by SHA-256.

use super::{Outcome, Product};
use crate::cli::{Cli, Command, VerifyArgs};
use crate::record::{absolute, hash_file, hex, Record};
use anyhow::{Context, Result};
use clap::Parser;
use sha2::Digest;
use std::path::{Path, PathBuf};

/// `cchc verify`.
pub fn verify(a: VerifyArgs) -> Result<Outcome> {
    let r = crate::record::load(&a.record)?;
    let dir = absolute(&a.record)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut problems = crate::record::changed_inputs(&r, &dir);
    problems.extend(changed_outputs(&r, &dir));
    if problems.iter().any(|p| !p.starts_with("output")) {
        return Ok(failed(problems));
    }
    let cwd = absolute(&dir.join(&r.cwd));
    if !cwd.is_dir() {
        return Ok(failed(vec![format!(
            "the recorded working directory {} is not a folder",
            r.cwd
        )]));
    }
    let command = match parse(&r) {
        Ok(c) => c,
        Err(p) => return Ok(failed(vec![p])),
    };
    let checked = same_inputs(&r, &dir, &command, &cwd)?;
    if !checked.is_empty() {
        return Ok(failed(checked));
    }
    problems.extend(rerun(&r, &cwd)?);
    if !problems.is_empty() {
        return Ok(failed(problems));
    }
    Ok(Outcome::text(format!(
        "verified: {} input(s) unchanged, {} output(s) reproduced byte for byte\n",
        r.inputs.len(),
        r.outputs.len()
    )))
}

/// A verification that failed: each problem on standard error, exit 1.
fn failed(problems: Vec<String>) -> Outcome {
    let mut o = Outcome::new(Product::Nothing, Vec::new(), crate::lang::Lang::En, false);
    o.notes = problems
        .into_iter()
        .map(|p| format!("not verified: {p}"))
        .collect();
    o.exit = 1;
    o
}

/// The recorded output files that are missing or not what the run wrote.
fn changed_outputs(r: &Record, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for o in r.outputs.iter().filter(|o| o.path != "-") {
        let p = dir.join(&o.path);
        if !std::fs::metadata(&p).is_ok_and(|m| m.is_file()) {
            out.push(format!("output {} is missing", o.path));
            continue;
        }
        match hash_file(&p) {
            Ok((_, sha)) if sha == o.sha256 => {}
            _ => out.push(format!(
                "output {} is not what the run wrote (it was changed after the run)",
                o.path
            )),
        }
    }
    out
}

/// The recorded command line, parsed as cchc parses it; refused if it writes a record
/// of its own.
fn parse(r: &Record) -> Result<Command, String> {
    let argv = ["cchc".to_string(), r.command.clone()]
        .into_iter()
        .chain(r.args.iter().cloned());
    let cli = Cli::try_parse_from(argv).map_err(|e| {
        let first = e.to_string().lines().next().unwrap_or_default().to_string();
        format!("the recorded arguments are not a command line cchc takes ({first})")
    })?;
    let writes_record = match &cli.command {
        Command::Score(a) => a.record.record.is_some(),
        Command::Metrics(a) => a.record.record.is_some(),
        Command::Sipas(a) => a.record.record.is_some(),
        _ => true,
    };
    if writes_record {
        return Err(
            "the recorded arguments carry --record, which a record never does: refused".into(),
        );
    }
    Ok(cli.command)
}

/// Whether the recorded command line reads exactly the record's inputs, and uses a
/// framework with the recorded fingerprint; what differs, in words.
fn same_inputs(r: &Record, dir: &Path, command: &Command, cwd: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let (inputs, framework) = match crate::record::inputs_of(command, cwd) {
        Ok(x) => x,
        Err(e) => {
            return Ok(vec![format!(
                "the recorded command line cannot be resolved: {e}"
            )])
        }
    };
    let recorded: Vec<(String, PathBuf)> = r
        .inputs
        .iter()
        .map(|f| (f.role.clone(), absolute(&dir.join(&f.path))))
        .collect();
    let read: Vec<(String, PathBuf)> = inputs
        .into_iter()
        .map(|(role, p)| (role, absolute(&p)))
        .collect();
    for (role, p) in &read {
        if !recorded.contains(&(role.clone(), p.clone())) {
            problems.push(format!(
                "the recorded command line reads {role} {}, which the record does not list",
                p.display()
            ));
        } else if !std::fs::metadata(p).is_ok_and(|m| m.is_file()) {
            problems.push(format!(
                "{role} {} is not a regular file: refused",
                p.display()
            ));
        }
    }
    for (role, p) in &recorded {
        if !read.contains(&(role.clone(), p.clone())) {
            problems.push(format!(
                "the record lists {role} {}, which the recorded command line does not read",
                p.display()
            ));
        }
    }
    let now = framework.as_ref().map(crate::record::FrameworkRef::of);
    if now != r.framework {
        let show = |f: &Option<crate::record::FrameworkRef>| match f {
            Some(f) => format!(
                "{} (fingerprint {}…)",
                f.id,
                &f.fingerprint[..f.fingerprint.len().min(12)]
            ),
            None => "none".to_string(),
        };
        problems.push(format!(
            "the recorded command line uses framework {}, the record says {}",
            show(&now),
            show(&r.framework)
        ));
    }
    Ok(problems)
}

/// Runs the recorded command again with every output in a private temporary folder;
/// what differs from the record.
fn rerun(r: &Record, cwd: &Path) -> Result<Vec<String>> {
    let tmp = tempfile::tempdir()?;
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
                    .unwrap_or_else(|| PathBuf::from("out"));
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
        .current_dir(cwd)
        .env("TMPDIR", tmp.path())
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
            ("stdout", _) => Some(hex(&sha2::Sha256::digest(&run.stdout))),
            ("out", Some(p)) => hash_file(p).ok().map(|h| h.1),
            (role, Some(p)) => role
                .strip_prefix("out:")
                .and_then(|suffix| hash_file(&crate::export::side_path(p, suffix)).ok())
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
