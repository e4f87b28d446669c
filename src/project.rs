//! The project folder: a `cchc.toml` manifest naming the framework, the period and the
//! input files, each overridable from the command line.

use crate::diag::{Code, Diagnostic};
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
    convention: Option<String>,
    #[serde(default)]
    inputs: RawInputs,
    /// `[columns.<input>]`: cchc's column name → the file's header (or headers).
    #[serde(default)]
    columns: std::collections::BTreeMap<String, std::collections::BTreeMap<String, OneOrMany>>,
}

/// A header, or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    units: Option<String>,
    checklist: Option<String>,
    dossiers: Option<String>,
    survey: Option<String>,
    officials: Option<String>,
    procedures: Option<String>,
    petitions: Option<String>,
    counts: Option<String>,
    previous_counts: Option<String>,
    calendar: Option<String>,
    lineage: Option<String>,
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
    /// `--dossiers FILE`.
    pub dossiers: Option<PathBuf>,
    /// `--procedures FILE`.
    pub procedures: Option<PathBuf>,
    /// `--petitions FILE`.
    pub petitions: Option<PathBuf>,
    /// `--counts FILE`.
    pub counts: Option<PathBuf>,
    /// `--previous-counts FILE`.
    pub previous_counts: Option<PathBuf>,
    /// `--survey FILE`.
    pub survey: Option<PathBuf>,
    /// `--officials FILE`.
    pub officials: Option<PathBuf>,
    /// `--calendar FILE`.
    pub calendar: Option<PathBuf>,
    /// `--lineage FILE`.
    pub lineage: Option<PathBuf>,
    /// `--convention calendar|mid-month|21-20`.
    pub convention: Option<crate::period::Convention>,
    /// `--skip-invalid`.
    pub skip_invalid: bool,
    /// `--decimal-comma`.
    pub decimal_comma: bool,
    /// How dossier logs are read (the CSV block size).
    pub scan: crate::dossier::ScanOptions,
}

impl Overrides {
    /// The same overrides for a command line run from `base`: every relative path (the
    /// folder, a framework file, each input) taken from there.
    pub fn rebase(self, base: &Path) -> Overrides {
        let join = |p: Option<PathBuf>| {
            p.map(|p| {
                if p.is_relative() {
                    crate::platform::join(base, p)
                } else {
                    p
                }
            })
        };
        let framework = self.framework.map(|f| {
            let builtin = crate::framework::builtin::get(&f).is_some();
            if builtin || Path::new(&f).is_absolute() {
                f
            } else {
                crate::platform::join(base, &f).display().to_string()
            }
        });
        Overrides {
            dir: Some(join(self.dir).unwrap_or_else(|| base.to_path_buf())),
            framework,
            units: join(self.units),
            checklist: join(self.checklist),
            dossiers: join(self.dossiers),
            procedures: join(self.procedures),
            petitions: join(self.petitions),
            counts: join(self.counts),
            previous_counts: join(self.previous_counts),
            survey: join(self.survey),
            officials: join(self.officials),
            calendar: join(self.calendar),
            lineage: join(self.lineage),
            ..self
        }
    }
}

/// A file to read: where it is, which sheet (a workbook), and how to name it in
/// messages.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The path to open.
    pub path: PathBuf,
    /// In a workbook, the sheet `file.xlsx#Sheet` names (else the first).
    pub sheet: Option<String>,
    /// The path as shown in findings.
    pub shown: String,
}

impl InputFile {
    /// A file from a path as written (`file.xlsx#Sheet name` picks a sheet).
    pub fn new(path: PathBuf) -> InputFile {
        let text = path.to_string_lossy().into_owned();
        let (file, sheet) = crate::input::workbook::split_sheet(&text);
        let path = PathBuf::from(file);
        InputFile {
            shown: path.display().to_string(),
            sheet: sheet.map(str::to_string),
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
    /// The dossier log (CSV or Parquet).
    pub dossiers: Option<InputFile>,
    /// The survey answers.
    pub survey: Option<InputFile>,
    /// The officials' survey answers.
    pub officials: Option<InputFile>,
    /// The procedure register.
    pub procedures: Option<InputFile>,
    /// The petitions (PAKN), for the official service index.
    pub petitions: Option<InputFile>,
    /// The official counts a warehouse computed (`--method 766 --emit-sql`), read in
    /// place of the dossier log.
    pub counts: Option<InputFile>,
    /// Last year's dossiers received per unit (1.4's fallback for an empty period).
    pub previous_counts: Option<InputFile>,
    /// The working-day calendar (default: the built-in one).
    pub calendar: Option<InputFile>,
    /// The unit lineage across mergers.
    pub lineage: Option<InputFile>,
    /// The headers mapped in `[columns.<input>]`.
    pub columns: crate::input::columns::Mapping,
    /// How named periods map to dates.
    pub convention: crate::period::Convention,
    /// Whether a cchc.toml was found.
    pub has_manifest: bool,
    /// Skip unusable dossier rows instead of stopping.
    pub skip_invalid: bool,
    /// Read decimals written with a comma in every input (always so for `;` files).
    pub decimal_comma: bool,
    /// How dossier logs are read.
    pub scan: crate::dossier::ScanOptions,
    /// The project folder.
    pub dir: PathBuf,
    /// Findings about the manifest itself (inputs this version does not read).
    pub notes: Vec<Diagnostic>,
}

/// Reads `DIR/cchc.toml` (if there) and applies the overrides.
pub fn resolve(o: &Overrides) -> Result<Spec, Error> {
    let dir = o.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let manifest_path = crate::platform::join(&dir, MANIFEST);
    let mut spec = Spec {
        framework: None,
        period: None,
        units: None,
        checklist: None,
        dossiers: None,
        survey: None,
        officials: None,
        procedures: None,
        petitions: None,
        counts: None,
        previous_counts: None,
        calendar: None,
        lineage: None,
        columns: Default::default(),
        convention: crate::period::Convention::Calendar,
        has_manifest: false,
        skip_invalid: o.skip_invalid,
        decimal_comma: o.decimal_comma,
        scan: o.scan,
        dir: PathBuf::new(),
        notes: Vec::new(),
    };
    if manifest_path.is_file() {
        read_manifest(&manifest_path, &dir, &mut spec)?;
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
    for (slot, flag) in [
        (&mut spec.dossiers, &o.dossiers),
        (&mut spec.survey, &o.survey),
        (&mut spec.officials, &o.officials),
        (&mut spec.procedures, &o.procedures),
        (&mut spec.petitions, &o.petitions),
        (&mut spec.counts, &o.counts),
        (&mut spec.previous_counts, &o.previous_counts),
        (&mut spec.calendar, &o.calendar),
        (&mut spec.lineage, &o.lineage),
    ] {
        if let Some(p) = flag {
            *slot = Some(InputFile::new(p.clone()));
        }
    }
    if let Some(c) = o.convention {
        spec.convention = c;
    }
    spec.dir = dir;
    Ok(spec)
}

/// Fills `spec` from the manifest at `manifest_path` (paths relative to `dir`).
fn read_manifest(manifest_path: &Path, dir: &Path, spec: &mut Spec) -> Result<(), Error> {
    let dir = dir.to_path_buf();
    let shown = manifest_path.display().to_string();
    let text = std::fs::read_to_string(manifest_path)
        .map_err(|e| Error::Usage(format!("{shown}: cannot read: {e}")))?;
    let raw: RawManifest = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| crate::input::line_of_offset(text.as_bytes(), s.start));
        Error::Diagnostics(vec![Diagnostic::new(
            Code::ManifestSyntax,
            e.message().trim(),
        )
        .at(&shown, line)])
    })?;
    spec.framework = raw.framework.map(|f| (f, dir.clone()));
    spec.period = raw.period;
    let at = |p: String| InputFile::new(crate::platform::join(&dir, p));
    spec.units = raw.inputs.units.map(&at);
    spec.checklist = raw.inputs.checklist.map(&at);
    spec.dossiers = raw.inputs.dossiers.map(&at);
    spec.survey = raw.inputs.survey.map(&at);
    spec.officials = raw.inputs.officials.map(&at);
    spec.procedures = raw.inputs.procedures.map(&at);
    spec.petitions = raw.inputs.petitions.map(&at);
    spec.counts = raw.inputs.counts.map(&at);
    spec.previous_counts = raw.inputs.previous_counts.map(&at);
    spec.calendar = raw.inputs.calendar.map(&at);
    spec.lineage = raw.inputs.lineage.map(&at);
    spec.columns = columns(raw.columns, &shown)?;
    spec.has_manifest = true;
    if let Some(c) = raw.convention {
        spec.convention = crate::period::Convention::parse(&c).ok_or_else(|| {
            Error::Diagnostics(vec![Diagnostic::new(
                Code::ManifestSyntax,
                format!("convention `{c}` is not `calendar`, `mid-month` or `21-20`"),
            )
            .at(&shown, None)])
        })?;
    }
    Ok(())
}

/// The `[columns.<input>]` tables, checked: known inputs, known columns.
fn columns(
    raw: std::collections::BTreeMap<String, std::collections::BTreeMap<String, OneOrMany>>,
    shown: &str,
) -> Result<crate::input::columns::Mapping, Error> {
    use crate::input::columns::Input;
    let bad = |msg: String| {
        Error::Diagnostics(vec![
            Diagnostic::new(Code::ManifestSyntax, msg).at(shown, None)
        ])
    };
    let mut out = crate::input::columns::Mapping::new();
    for (input, table) in raw {
        let Some(i) = Input::parse(&input) else {
            let names: Vec<&str> = Input::ALL.iter().map(|i| i.name()).collect();
            return Err(bad(format!(
                "[columns.{input}]: `{input}` is not an input ({})",
                names.join(", ")
            )));
        };
        for (name, headers) in table {
            if !i.known().iter().any(|(n, _)| *n == name) {
                let names: Vec<&str> = i.known().iter().map(|(n, _)| *n).collect();
                return Err(bad(format!(
                    "[columns.{input}]: `{name}` is not a column of the {input} ({})",
                    names.join(", ")
                )));
            }
            let headers = match headers {
                OneOrMany::One(h) => vec![h],
                OneOrMany::Many(h) => h,
            };
            out.entry(i).or_default().insert(name, headers);
        }
    }
    Ok(out)
}

impl Spec {
    /// Reads one of the spec's tabular inputs (CSV or a workbook's sheet), mapping its
    /// headers and applying `--decimal-comma`.
    pub fn read_table(
        &self,
        f: &InputFile,
        input: crate::input::columns::Input,
        required: &[&str],
    ) -> Result<crate::input::Table, Error> {
        let aliases = crate::input::columns::Aliases::of(input, &self.columns);
        let mut t = crate::input::Table::read_as(
            &f.path,
            f.sheet.as_deref(),
            &f.shown,
            required,
            &aliases,
        )?;
        t.decimal_comma |= self.decimal_comma;
        Ok(t)
    }
}

/// Whether a folder already holds a project.
pub fn has_manifest(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}
