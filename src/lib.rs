//! `cchc` computes Vietnam's administrative-reform indices (the PAR Index, chỉ số CCHC)
//! from the files an inspection produces, and explains every point it gives.
//!
//! The pipeline in one picture:
//!
//! ```text
//! cchc.toml ─▶ project::resolve ─▶ framework::load (TOML → validated Framework)
//!                                 ├▶ input::units / input::checklist (CSV → rows with lines)
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
pub mod input;
pub mod num;
pub mod output;
pub mod period;
pub mod project;
pub mod rank;
pub mod render;
pub mod score;

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
}

impl Run {
    /// Error-level findings in the data (exit code 1 when non-zero).
    pub fn errors(&self) -> usize {
        diag::errors(&self.diagnostics)
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
    let checklist_file = need(&spec.checklist, "checklist")?;
    let units_table = spec.read_table(&units_file, &UNITS_COLUMNS)?;
    let checklist_table = spec.read_table(&checklist_file, &CHECKLIST_COLUMNS)?;
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
        if let Some(log) = &spec.dossiers {
            notes.push(
                Diagnostic::warning(
                    "input-not-used",
                    format!(
                        "framework {} has no dossier criteria; the dossier log is not read",
                        framework.id
                    ),
                )
                .at(&log.shown, None),
            );
        }
        None
    };
    let mut run = score_tables_with(
        framework,
        period,
        &units_table,
        &checklist_table,
        dossiers.as_ref(),
        notes,
    );
    if let Some(t) = dossiers {
        run.scoring.stats.push(t.stats);
    }
    Ok(run)
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
        diagnostics,
    )
}

/// [`score_tables`] with the per-unit dossier counts the framework's dossier criteria use.
pub fn score_tables_with(
    framework: Framework,
    period: Option<Period>,
    units_table: &input::Table,
    checklist_table: &input::Table,
    dossiers: Option<&dossier::MetricsTable>,
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
        per_unit.as_ref(),
        &mut diagnostics,
    );
    scoring.stats.insert(0, unit_stats);
    diag::sort(&mut diagnostics);
    Run {
        framework,
        period,
        scoring,
        diagnostics,
    }
}
