//! Delivering what a command produced ([`crate::commands::Product`]): a report in its
//! format to standard output or to `--out` (atomically, with its side files, all or
//! nothing), text, or one file per unit into a folder — and, for `--record`, the
//! SHA-256 of everything written (standard output included, hashed as it passes).

use crate::cli::OutputArgs;
use crate::commands::{Env, Product};
use crate::export::{self, Format};
use crate::record::Outputs;
use anyhow::{bail, Context, Result};
use sha2::Digest;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What was written, for a record.
#[derive(Debug, Default)]
pub struct Written {
    /// The report's format, if a report was written.
    pub format: Option<Format>,
    /// The width a table was fitted to.
    pub width: Option<usize>,
    /// (role, path or `-`, size, SHA-256) of each output.
    pub outputs: Outputs,
}

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
        (self.size, crate::record::hex(&self.hash.finalize()))
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

/// The format asked for, else the one --out's extension implies, else a table on a
/// terminal and CSV elsewhere. An --out's extension always means its format: one that
/// names another format than --format, or no format cchc writes, is refused.
pub fn pick_format(format: Option<Format>, out: Option<&Path>, terminal: bool) -> Result<Format> {
    let ext = out
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().into_owned());
    let implied = out.and_then(Format::from_extension);
    match (format, implied, &ext) {
        (Some(f), Some(i), Some(e)) if f != i => bail!(
            "--format {} but --out ends in .{e}, which is {}: make them agree",
            f.name(),
            i.name()
        ),
        (None, None, Some(e)) => bail!(
            "--out ends in .{}, which is no format cchc writes: give --format, or end the name in .csv, .json, .md, .txt, .xlsx, .parquet or .html",
            crate::term::escape(e)
        ),
        _ => {}
    }
    Ok(format.or(implied).unwrap_or(if out.is_none() && terminal {
        Format::TABLE
    } else {
        Format::CSV
    }))
}

/// Writes a product; returns what was written.
pub fn deliver(product: &Product, env: &Env, stdout: &mut dyn Write) -> Result<Written> {
    match product {
        Product::Report { report, output } => report_to(&report.report(), output, env, stdout),
        Product::Text { text, out } => {
            text_to(text, out.as_deref(), stdout)?;
            Ok(Written::default())
        }
        Product::Files {
            folder,
            files,
            said,
        } => {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
            let paths: Vec<PathBuf> = files
                .iter()
                .map(|(n, _)| crate::platform::join(folder, n))
                .collect();
            let refs: Vec<(&Path, &[u8])> = paths
                .iter()
                .zip(files)
                .map(|(p, (_, b))| (p.as_path(), b.as_slice()))
                .collect();
            crate::atomic::write_folder_atomic(&refs)?;
            if let Some(s) = said {
                text_to(s, None, stdout)?;
            }
            Ok(Written::default())
        }
        Product::Nothing => Ok(Written::default()),
    }
}

/// Text to standard output, or to a file (atomically).
fn text_to(text: &str, out: Option<&Path>, stdout: &mut dyn Write) -> Result<()> {
    match out {
        Some(path) => crate::atomic::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

/// A report to standard output or to `--out` (atomically; side files beside it, all
/// or nothing).
fn report_to(
    report: &crate::report::Report,
    o: &OutputArgs,
    env: &Env,
    stdout: &mut dyn Write,
) -> Result<Written> {
    let format = pick_format(o.format, o.out.as_deref(), env.stdout_terminal)?;
    let opts = export::Options {
        width: env.width.filter(|_| o.out.is_none()),
        wide: o.wide,
    };
    let mut outputs = Vec::new();
    match o.out.as_deref() {
        None => {
            if format.binary() && env.stdout_terminal {
                bail!(
                    "{} is a binary format: give --out FILE.{} (or redirect the output)",
                    format.name(),
                    format.name()
                );
            }
            let mut so = Tee::new(stdout);
            let side = export::export(report, format, &opts, &mut so)?;
            if !side.is_empty() {
                bail!(
                    "{} writes more than one file: give --out FILE.{}",
                    format.name(),
                    format.name()
                );
            }
            so.flush()?;
            let (size, sha) = so.finish();
            outputs.push(("stdout".to_string(), PathBuf::from("-"), size, sha));
        }
        Some(path) => {
            let mut main = crate::atomic::Pending::begin(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let side = export::export(report, format, &opts, main.writer())
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut all = vec![main];
            let mut paths = vec![("out".to_string(), path.to_path_buf())];
            for (suffix, bytes) in side {
                let p = export::side_path(path, &suffix);
                let mut pending = crate::atomic::Pending::begin(&p)
                    .with_context(|| format!("cannot write {}", p.display()))?;
                pending
                    .writer()
                    .write_all(&bytes)
                    .with_context(|| format!("cannot write {}", p.display()))?;
                all.push(pending);
                paths.push((format!("out:{suffix}"), p));
            }
            crate::atomic::commit(all)?;
            for (role, p) in paths {
                // A device or a FIFO has nothing to hash afterwards.
                if !p.is_file() {
                    continue;
                }
                if let Ok((size, sha)) = crate::record::hash_file(&p) {
                    outputs.push((role, p, size, sha));
                }
            }
        }
    }
    Ok(Written {
        format: Some(format),
        width: opts.width,
        outputs,
    })
}
