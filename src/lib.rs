//! `cchc` computes Vietnam's administrative-reform indices (the PAR Index, chỉ số CCHC)
//! from the files an inspection produces, and explains every point it gives.
//!
//! The pipeline in one picture:
//!
//! ```text
//! cchc.toml ─▶ project::resolve ─▶ framework::load (TOML → validated Framework)
//!                                 ├▶ input::units / input::checklist (CSV → rows with lines)
//!                                 ├▶ dossier::compute (log → counts per unit, all cores)
//!                                 ├▶ survey::read / survey::tally (answers → SIPAS figures)
//!                                 ▼
//!                        score::score (rules → points, with a trace per leaf)
//!                                 ▼
//!                        rank::apply (index → rank, rank_in_group, band)
//!                                 ▼
//!                        render::* (table, csv, json, explain) ─▶ output::write_atomic
//! ```
//!
//! Findings about the data never stop the pipeline: they are collected as
//! [`diag::Diagnostic`]s and reported together. Problems that make a result meaningless
//! (a broken framework, an unreadable file) are an [`Error`] and nothing is written.

#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod date;
pub mod diag;
pub mod dossier;
pub mod framework;
pub mod gaps;
pub mod input;
pub mod lang;
pub mod num;
pub mod output;
pub mod period;
pub mod previous;
pub mod project;
pub mod rank;
pub mod render;
pub mod score;
pub mod survey;

use diag::Diagnostic;
use framework::Framework;
use period::Period;
use score::Scoring;

/// What stops a run (exit code 2; nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Wrong use of the command line or the project folder.
    #[error("{0}")]
    Usage(String),
    /// A framework or manifest that does not validate: every problem found.
    #[error("{}", render::diagnostics_text(.0))]
    Diagnostics(Vec<Diagnostic>),
    /// An input file that cannot be read at all.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// A period that is not understood.
    #[error(transparent)]
    Period(#[from] period::PeriodError),
    /// A dossier log that cannot be used.
    #[error(transparent)]
    Dossier(#[from] dossier::DossierError),
}

/// A completed scoring run.
#[derive(Debug, Clone)]
pub struct Run {
    /// The framework used.
    pub framework: Framework,
    /// The period, if one was given.
    pub period: Option<Period>,
    /// Units, totals, ranks and row counts.
    pub scoring: Scoring,
    /// Every finding, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The comparison with an earlier ranking (`--previous`), if asked for.
    pub previous: Option<previous::Comparison>,
    /// Whether the ranking is on self-assessed scores (`--stage self`).
    pub self_stage: bool,
    /// The language of labels in reports (`--lang`).
    pub lang: lang::Lang,
}

impl Run {
    /// Error-level findings in the data (exit code 1 when non-zero).
    pub fn errors(&self) -> usize {
        diag::errors(&self.diagnostics)
    }

    /// Ranks on the self-assessed scores instead (`--stage self`): every leaf takes the
    /// unit's claim, totals and ranks follow, and the self/appraisal columns go (they
    /// would compare a reading with itself).
    pub fn to_self_stage(&mut self) {
        for u in &mut self.scoring.units {
            for l in &mut u.leaves {
                l.outcome = l.self_outcome();
            }
            u.totals = u.self_totals.clone();
        }
        self.scoring.has_self = false;
        self.self_stage = true;
        rank::apply(&self.framework, &mut self.scoring.units);
    }

    /// Compares this ranking with an earlier one (adds `rank_change` and
    /// `index_change`; units new or gone become findings).
    pub fn compare_with(&mut self, earlier: &previous::Earlier) {
        let now: Vec<(String, u32, rust_decimal::Decimal)> = self
            .scoring
            .units
            .iter()
            .map(|u| (u.unit.id.clone(), u.rank, u.totals.index))
            .collect();
        let c = previous::compare(earlier, &now, &mut self.diagnostics);
        diag::sort(&mut self.diagnostics);
        self.previous = Some(c);
    }
}

/// Loads the framework a spec names.
pub fn load_framework(spec: &project::Spec) -> Result<Framework, Error> {
    let (name, base) = spec.framework.as_ref().ok_or_else(|| {
        if spec.has_manifest {
            Error::Usage("no framework: set `framework` in cchc.toml or give --framework".into())
        } else {
            let d = spec.dir.display();
            Error::Usage(format!(
                "{d} has no {}: give --framework, --units and --checklist, or run `cchc init {d}` for an example project",
                project::MANIFEST
            ))
        }
    })?;
    framework::load(name, base).map_err(Error::Diagnostics)
}

/// Runs the whole pipeline: load, validate, score, rank.
pub fn run(spec: &project::Spec) -> Result<Run, Error> {
    run_with_progress(spec, std::sync::Arc::new(|_| {}))
}

/// [`run`], calling `progress` with the number of dossier rows read so far.
pub fn run_with_progress(spec: &project::Spec, progress: dossier::Progress) -> Result<Run, Error> {
    let framework = load_framework(spec)?;
    let period = spec
        .period
        .as_deref()
        .map(|p| Period::parse_with(p, spec.convention))
        .transpose()?;
    let need = |f: &Option<project::InputFile>, what: &str| {
        f.clone().ok_or_else(|| {
            Error::Usage(format!(
                "no {what} file: set inputs.{what} in cchc.toml or give --{what}"
            ))
        })
    };
    let units_file = need(&spec.units, "units")?;
    let units_table = spec.read_table(&units_file, &UNITS_COLUMNS)?;
    let no_checklist = spec.checklist.is_none() && !framework.uses_checklist();
    let checklist_table = if no_checklist {
        // Every criterion comes from the log or the survey: no checklist is needed.
        input::Table {
            file: NO_CHECKLIST.into(),
            headers: CHECKLIST_COLUMNS.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            decimal_comma: false,
        }
    } else {
        let checklist_file = need(&spec.checklist, "checklist")?;
        spec.read_table(&checklist_file, &CHECKLIST_COLUMNS)?
    };
    let mut notes = spec.notes.clone();
    let dossiers = if framework.uses_dossiers() {
        let log = spec.dossiers.as_ref().ok_or_else(|| {
            Error::Usage(format!(
                "framework {} scores criteria on the dossier log: set inputs.dossiers in cchc.toml or give --dossiers",
                framework.id
            ))
        })?;
        let period = period.clone().ok_or_else(|| {
            Error::Usage(
                "the dossier criteria need a period: set `period` in cchc.toml or give --period"
                    .into(),
            )
        })?;
        let units: Vec<String> = units_table
            .col("unit_id")
            .map(|c| {
                units_table
                    .rows
                    .iter()
                    .map(|r| input::normalize(&r.fields[c]))
                    .collect()
            })
            .unwrap_or_default();
        let opts = dossier_options(
            spec,
            period,
            dossier::GroupBy::Unit,
            spec.skip_invalid,
            Some(units),
            dossier::RateDefinitions::default(),
            &mut notes,
        )?;
        let table = dossier::compute(&log.path, &log.shown, &opts, progress)?;
        notes.extend(table.diagnostics.iter().cloned());
        Some(table)
    } else {
        notes.extend(not_used(
            &framework,
            &spec.dossiers,
            "dossier",
            "the dossier log",
        ));
        None
    };
    let survey = if framework.uses_survey() {
        let file = spec.survey.as_ref().ok_or_else(|| {
            Error::Usage(format!(
                "framework {} scores criteria on the survey: set inputs.survey in cchc.toml or give --survey",
                framework.id
            ))
        })?;
        let table = spec.read_table(file, &survey::COLUMNS)?;
        // The register's own findings are reported by the scoring below.
        let (units, _) = input::units::read(&units_table, "group", false, &mut Vec::new());
        Some(survey_table(
            &framework,
            &table,
            Some(&units),
            SurveyBy::Unit,
            &mut notes,
        )?)
    } else {
        notes.extend(not_used(
            &framework,
            &spec.survey,
            "survey",
            "the survey file",
        ));
        None
    };
    let mut run = score_tables_with(
        framework,
        period,
        &units_table,
        &checklist_table,
        dossiers.as_ref(),
        survey.as_ref().map(|s| &s.figures),
        notes,
    );
    if let Some(s) = survey {
        run.scoring.stats.push(s.stats);
    }
    if no_checklist {
        // Nothing was read: no row counts, and findings point at no file.
        run.scoring.stats.retain(|s| s.file != NO_CHECKLIST);
        for d in &mut run.diagnostics {
            if d.location.as_ref().is_some_and(|l| l.file == NO_CHECKLIST) {
                d.location = None;
            }
        }
    }
    if let Some(t) = dossiers {
        run.scoring.stats.push(t.stats);
    }
    Ok(run)
}

/// The `input-not-used` warning for an input the project names but the framework never
/// reads (`kind`: which criteria would read it; `what`: the file in words).
fn not_used(
    framework: &Framework,
    input: &Option<project::InputFile>,
    kind: &str,
    what: &str,
) -> Option<Diagnostic> {
    input.as_ref().map(|f| {
        Diagnostic::warning(
            "input-not-used",
            format!(
                "framework {} has no {kind} criteria; {what} is not read",
                framework.id
            ),
        )
        .at(&f.shown, None)
    })
}

/// Builds the dossier-engine options from a spec: reads the procedure register and the
/// calendar it names (the built-in calendar otherwise). Findings in them go to `diags`.
pub fn dossier_options(
    spec: &project::Spec,
    period: Period,
    by: dossier::GroupBy,
    skip_invalid: bool,
    units: Option<Vec<String>>,
    rates: dossier::RateDefinitions,
    diags: &mut Vec<Diagnostic>,
) -> Result<dossier::Options, Error> {
    let procedures = match &spec.procedures {
        Some(f) => {
            let t = spec.read_table(f, &["procedure_id", "processing_days"])?;
            Some(dossier::Procedures::from_table(&t, diags))
        }
        None => None,
    };
    let calendar = match &spec.calendar {
        Some(f) => {
            let t = spec.read_table(f, &["date", "kind"])?;
            dossier::Calendar::from_table(&t, diags)
        }
        None => dossier::Calendar::builtin(),
    };
    Ok(dossier::Options {
        period,
        by,
        skip_invalid,
        procedures,
        calendar,
        units,
        rates,
        decimal_comma: spec.decimal_comma,
    })
}

/// The name of the empty checklist a framework without checklist criteria scores on.
const NO_CHECKLIST: &str = "(no checklist)";

/// Required columns of the unit register.
pub const UNITS_COLUMNS: [&str; 2] = ["unit_id", "name"];
/// Required columns of the checklist.
pub const CHECKLIST_COLUMNS: [&str; 2] = ["unit_id", "criterion_id"];

/// Scores tables already read (the part of [`run`] after the files are opened), for a
/// framework without dossier criteria.
pub fn score_tables(
    framework: Framework,
    period: Option<Period>,
    units_table: &input::Table,
    checklist_table: &input::Table,
    diagnostics: Vec<Diagnostic>,
) -> Run {
    score_tables_with(
        framework,
        period,
        units_table,
        checklist_table,
        None,
        None,
        diagnostics,
    )
}

/// [`score_tables`] with the per-unit dossier counts and survey figures the
/// framework's dossier and survey criteria use.
pub fn score_tables_with(
    framework: Framework,
    period: Option<Period>,
    units_table: &input::Table,
    checklist_table: &input::Table,
    dossiers: Option<&dossier::MetricsTable>,
    survey: Option<&std::collections::BTreeMap<String, survey::Figures>>,
    mut diagnostics: Vec<Diagnostic>,
) -> Run {
    let per_unit: Option<std::collections::BTreeMap<String, dossier::Counts>> =
        dossiers.map(|t| t.rows.iter().map(|(k, c)| (k[0].clone(), *c)).collect());
    let (units, unit_stats) = input::units::read(
        units_table,
        &framework.ranking.group_column,
        framework.ranking.group_declared,
        &mut diagnostics,
    );
    let rows = input::checklist::read(checklist_table, &mut diagnostics);
    let mut scoring = score::score(
        &framework,
        units,
        &rows,
        &checklist_table.file,
        score::Evidence {
            dossiers: per_unit.as_ref(),
            survey,
        },
        &mut diagnostics,
    );
    scoring.stats.insert(0, unit_stats);
    diag::sort(&mut diagnostics);
    Run {
        framework,
        period,
        scoring,
        diagnostics,
        previous: None,
        self_stage: false,
        lang: lang::Lang::En,
    }
}

/// What a row of survey figures stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SurveyBy {
    /// One row per unit.
    #[default]
    Unit,
    /// One row per group of the unit register (answers pooled).
    Group,
}

/// Survey figures for every unit (or group), ready to score or render.
#[derive(Debug, Clone)]
pub struct SurveyTable {
    /// What a row stands for.
    pub by: SurveyBy,
    /// The rows in order: (key, display name). With a register, every unit (or group)
    /// is there, with or without answers; without one, the units the survey names.
    pub keys: Vec<(String, String)>,
    /// Figures per key (absent: no answers).
    pub figures: std::collections::BTreeMap<String, survey::Figures>,
    /// Rows read / used / rejected.
    pub stats: input::RowStats,
    /// Figures over every usable answer (the whole province, say).
    pub total: survey::Figures,
}

/// Reads a survey table against the framework's `[survey]` and tallies it per unit or
/// group. Findings (unusable rows, too few respondents) go to `diags`.
pub fn survey_table(
    framework: &Framework,
    table: &input::Table,
    units: Option<&[input::units::Unit]>,
    by: SurveyBy,
    diags: &mut Vec<Diagnostic>,
) -> Result<SurveyTable, Error> {
    use std::collections::{BTreeMap, BTreeSet};
    let spec = framework.survey.as_ref().ok_or_else(|| {
        Error::Usage(format!(
            "framework {} has no [survey] table: use a framework with one (e.g. `sipas`)",
            framework.id
        ))
    })?;
    let register: Option<BTreeSet<String>> =
        units.map(|u| u.iter().map(|u| u.id.clone()).collect());
    let answers = survey::read(table, spec, register.as_ref(), diags);
    let group_of: BTreeMap<&str, &str> = units
        .unwrap_or_default()
        .iter()
        .map(|u| (u.id.as_str(), u.group.as_str()))
        .collect();
    let (keys, figures) = match by {
        SurveyBy::Unit => {
            let figures = survey::tally(spec, &answers, |u| Some(u.to_string()));
            let keys: Vec<(String, String)> = match units {
                Some(units) => {
                    let mut k: Vec<(String, String)> = units
                        .iter()
                        .map(|u| (u.id.clone(), u.name.clone()))
                        .collect();
                    k.sort();
                    k
                }
                None => figures.keys().map(|k| (k.clone(), String::new())).collect(),
            };
            (keys, figures)
        }
        SurveyBy::Group => {
            if units.is_none() {
                return Err(Error::Usage(
                    "--by group needs the unit register (--units FILE) to know each unit's group"
                        .into(),
                ));
            }
            let figures = survey::tally(spec, &answers, |u| group_of.get(u).map(|g| g.to_string()));
            let groups: BTreeSet<&str> = group_of.values().copied().collect();
            let keys = groups
                .into_iter()
                .map(|g| (g.to_string(), String::new()))
                .collect();
            (keys, figures)
        }
    };
    let key_ids: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    diags.extend(survey::adequacy(
        spec,
        &key_ids,
        &figures,
        &table.file,
        by == SurveyBy::Unit,
    ));
    let total = survey::tally(spec, &answers, |_| Some(String::new()))
        .remove("")
        .unwrap_or_default();
    Ok(SurveyTable {
        by,
        keys,
        figures,
        stats: answers.stats,
        total,
    })
}
