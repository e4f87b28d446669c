//! The project folder: a `cchc.toml` manifest naming the framework, the period and the
//! input files, each overridable from the command line.

use crate::diag::Diagnostic;
use crate::Error;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The manifest file name.
pub const MANIFEST: &str = "cchc.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    framework: Option<String>,
    period: Option<String>,
    #[serde(default)]
    inputs: RawInputs,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    units: Option<String>,
    checklist: Option<String>,
    dossiers: Option<String>,
    survey: Option<String>,
    procedures: Option<String>,
    calendar: Option<String>,
}

/// What the command line says about a project (each field overrides the manifest).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// The project folder (default `.`).
    pub dir: Option<PathBuf>,
    /// `--framework NAME|FILE`.
    pub framework: Option<String>,
    /// `--units FILE`.
    pub units: Option<PathBuf>,
    /// `--checklist FILE`.
    pub checklist: Option<PathBuf>,
    /// `--period P`.
    pub period: Option<String>,
}

/// A file to read: where it is, and how to name it in messages.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The path to open.
    pub path: PathBuf,
    /// The path as shown in findings.
    pub shown: String,
}

impl InputFile {
    fn new(path: PathBuf) -> InputFile {
        InputFile {
            shown: path.display().to_string(),
            path,
        }
    }
}

/// A project resolved from the manifest and the overrides.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The framework name or path, and the folder a relative path is taken from.
    pub framework: Option<(String, PathBuf)>,
    /// The period text, if any.
    pub period: Option<String>,
    /// The unit register.
    pub units: Option<InputFile>,
    /// The checklist.
    pub checklist: Option<InputFile>,
    /// Findings about the manifest itself (inputs this version does not read).
    pub notes: Vec<Diagnostic>,
}

/// Reads `DIR/cchc.toml` (if there) and applies the overrides.
pub fn resolve(o: &Overrides) -> Result<Spec, Error> {
    let dir = o.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let manifest_path = dir.join(MANIFEST);
    let mut spec = Spec {
        framework: None,
        period: None,
        units: None,
        checklist: None,
        notes: Vec::new(),
    };
    if manifest_path.is_file() {
        let shown = manifest_path.display().to_string();
        let text = std::fs::read_to_string(&manifest_path)
            .map_err(|e| Error::Usage(format!("{shown}: cannot read: {e}")))?;
        let raw: RawManifest = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| crate::input::line_of_offset(text.as_bytes(), s.start));
            Error::Diagnostics(vec![Diagnostic::error(
                "manifest-syntax",
                e.message().trim(),
            )
            .at(&shown, line)])
        })?;
        spec.framework = raw.framework.map(|f| (f, dir.clone()));
        spec.period = raw.period;
        spec.units = raw.inputs.units.map(|p| InputFile::new(dir.join(p)));
        spec.checklist = raw.inputs.checklist.map(|p| InputFile::new(dir.join(p)));
        for (key, v) in [
            ("dossiers", &raw.inputs.dossiers),
            ("survey", &raw.inputs.survey),
            ("procedures", &raw.inputs.procedures),
            ("calendar", &raw.inputs.calendar),
        ] {
            if v.is_some() {
                spec.notes.push(
                    Diagnostic::warning(
                        "input-not-used",
                        format!("inputs.{key} is not read by this version of cchc (checklist scoring only)"),
                    )
                    .at(&shown, None),
                );
            }
        }
    } else if o.dir.is_some() && !dir.is_dir() {
        return Err(Error::Usage(format!("{}: no such folder", dir.display())));
    }
    if let Some(f) = &o.framework {
        spec.framework = Some((f.clone(), PathBuf::from(".")));
    }
    if let Some(p) = &o.period {
        spec.period = Some(p.clone());
    }
    if let Some(u) = &o.units {
        spec.units = Some(InputFile::new(u.clone()));
    }
    if let Some(c) = &o.checklist {
        spec.checklist = Some(InputFile::new(c.clone()));
    }
    if !manifest_path.is_file() && spec.framework.is_none() {
        return Err(Error::Usage(format!(
            "{} has no {MANIFEST}: give --framework, --units and --checklist, or run `cchc init {}` for an example project",
            dir.display(),
            dir.display()
        )));
    }
    Ok(spec)
}

/// Whether a folder already holds a project.
pub fn has_manifest(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}
