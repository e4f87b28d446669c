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
        Error::Usage("no framework: set `framework` in cchc.toml or give --framework".into())
    })?;
    framework::load(name, base).map_err(Error::Diagnostics)
}

/// Runs the whole pipeline: load, validate, score, rank.
pub fn run(spec: &project::Spec) -> Result<Run, Error> {
    let framework = load_framework(spec)?;
    let period = spec.period.as_deref().map(Period::parse).transpose()?;
    let need = |f: &Option<project::InputFile>, what: &str| {
        f.clone().ok_or_else(|| {
            Error::Usage(format!(
                "no {what} file: set inputs.{what} in cchc.toml or give --{what}"
            ))
        })
    };
    let units_file = need(&spec.units, "units")?;
    let checklist_file = need(&spec.checklist, "checklist")?;
    let units_table = input::Table::read(&units_file.path, &units_file.shown, &UNITS_COLUMNS)?;
    let checklist_table = input::Table::read(
        &checklist_file.path,
        &checklist_file.shown,
        &CHECKLIST_COLUMNS,
    )?;
    Ok(score_tables(
        framework,
        period,
        &units_table,
        &checklist_table,
        spec.notes.clone(),
    ))
}

/// Required columns of the unit register.
pub const UNITS_COLUMNS: [&str; 2] = ["unit_id", "name"];
/// Required columns of the checklist.
pub const CHECKLIST_COLUMNS: [&str; 2] = ["unit_id", "criterion_id"];

/// Scores tables already read (the part of [`run`] after the files are opened).
pub fn score_tables(
    framework: Framework,
    period: Option<Period>,
    units_table: &input::Table,
    checklist_table: &input::Table,
    mut diagnostics: Vec<Diagnostic>,
) -> Run {
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
