//! Every subcommand as a library function: from its parsed arguments to an
//! [`Outcome`] — what it produced, its findings and its exit code. Nothing here writes
//! a file or prints: the binary delivers the product ([`crate::deliver`]), prints the
//! notes and findings, and writes a record ([`crate::record`]) when asked. So a
//! command reads like the pipeline it runs, and a test can call it and look at what
//! it made.
//!
//! Adding a command: its clap struct in `cli.rs`, a function here returning an
//! `Outcome` (a report builder in `report/` when it prints a table), one arm in
//! [`run`].

mod audit;
mod forms;
mod logs;
mod ranking;
mod tools;
mod verify;

use crate::cli::{Command, OutputArgs, PreviousArgs};
use crate::diag::Diagnostic;
use crate::lang::Lang;
use crate::pipeline::{self, Run};
use crate::project;
use crate::record::FrameworkRef;
use crate::report::Report;
use anyhow::{bail, Result};
use std::path::PathBuf;

/// Where a command runs: what it needs to know about the terminal and the reading.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// How dossier logs are read (the hidden `--csv-block-size`).
    pub scan: crate::dossier::ScanOptions,
    /// The width a terminal table is fitted to (a terminal's, or `--width`).
    pub width: Option<usize>,
    /// Whether standard output is a terminal (a table by default there).
    pub stdout_terminal: bool,
    /// Whether standard error is a terminal (progress bars show there).
    pub stderr_terminal: bool,
    /// The process's arguments as given (for `--record`).
    pub args: Vec<String>,
}

/// A report built on demand from data the product owns (a report borrows what it
/// shows; its data lives here).
pub trait Reporting {
    /// The report.
    fn report(&self) -> Report<'_>;
}

/// Data and the function that builds its report.
struct Built<T> {
    data: T,
    build: fn(&T) -> Report<'_>,
}

impl<T> Reporting for Built<T> {
    fn report(&self) -> Report<'_> {
        (self.build)(&self.data)
    }
}

/// A report product over `data`.
fn report<T: 'static>(data: T, build: fn(&T) -> Report<'_>, output: OutputArgs) -> Product {
    Product::Report {
        report: Box::new(Built { data, build }),
        output,
    }
}

/// What a command produced.
pub enum Product {
    /// A report, written in the format and to the place `output` says.
    Report {
        /// The report.
        report: Box<dyn Reporting>,
        /// Format, --out, --wide, --lang.
        output: OutputArgs,
    },
    /// Text for standard output, or for `out` (written atomically).
    Text {
        /// The text.
        text: String,
        /// Where, if not standard output.
        out: Option<PathBuf>,
    },
    /// Files for a folder (created if needed), written all or nothing, never through a
    /// link inside it.
    Files {
        /// The folder.
        folder: PathBuf,
        /// (file name, bytes).
        files: Vec<(String, Vec<u8>)>,
        /// What to print on standard output once they are written.
        said: Option<String>,
    },
    /// Nothing (the notes say it all).
    Nothing,
}

/// What a `--record` of the run lists besides the outputs.
pub struct Recording {
    /// The record file to write.
    pub to: PathBuf,
    /// The command (`score`, `metrics`, `sipas`).
    pub command: &'static str,
    /// The files the run read, by role.
    pub inputs: Vec<(String, PathBuf)>,
    /// The framework the run used.
    pub framework: Option<FrameworkRef>,
}

/// What a command did.
pub struct Outcome {
    /// What it produced.
    pub product: Product,
    /// Lines for standard error before the findings (`wrote 12 card(s) into cards`).
    pub notes: Vec<String>,
    /// Its findings.
    pub findings: Vec<Diagnostic>,
    /// The language findings are printed in.
    pub lang: Lang,
    /// Only error-level findings on standard error, no notes.
    pub quiet: bool,
    /// The exit code (0 ok, 1 error-level findings in the data, 2 stopped).
    pub exit: u8,
    /// Why the run stopped before writing anything (exit 2), said after the findings.
    pub stopped: Option<String>,
    /// The record to write, when `--record` asked for one.
    pub record: Option<Recording>,
}

impl Outcome {
    /// An outcome whose exit code is 1 when any finding is an error.
    fn new(product: Product, findings: Vec<Diagnostic>, lang: Lang, quiet: bool) -> Outcome {
        Outcome {
            product,
            exit: exit_code(&findings),
            stopped: None,
            notes: Vec::new(),
            findings,
            lang,
            quiet,
            record: None,
        }
    }

    /// Text on standard output, no findings.
    fn text(text: String) -> Outcome {
        Outcome::new(
            Product::Text { text, out: None },
            Vec::new(),
            Lang::En,
            false,
        )
    }
}

/// Runs one command.
pub fn run(command: Command, env: &Env) -> Result<Outcome> {
    match command {
        Command::Score(a) => ranking::score(a, env),
        Command::Explain(a) => ranking::explain(a, env),
        Command::Check(a) => ranking::check(a, env),
        Command::Gaps(a) => ranking::gaps(a, env),
        Command::Advise(a) => ranking::advise(a, env),
        Command::Cards(a) => ranking::cards(a, env),
        Command::Sensitivity(a) => ranking::sensitivity(a, env),
        Command::Metrics(a) => logs::metrics(a, env),
        Command::Reconcile(a) => logs::reconcile(a, env),
        Command::Sipas(a) => logs::sipas(a, env),
        Command::Forms(a) => forms::forms(a, env),
        Command::Collect(a) => forms::collect(a),
        Command::Verify(a) => verify::verify(a),
        Command::Init(a) => tools::init(a),
        Command::Frameworks(a) => tools::frameworks(a),
        Command::Codes(a) => tools::codes(a),
        Command::Lineage(a) => tools::lineage(a),
        Command::Completions(a) => tools::completions(a),
        Command::Audit(a) => audit::audit(a),
        Command::Man => tools::man(),
    }
}

/// 1 when any finding is an error, else 0.
pub fn exit_code(diags: &[Diagnostic]) -> u8 {
    u8::from(crate::diag::errors(diags) > 0)
}

/// Resolves a project with the run's scan options.
fn resolve(mut o: project::Overrides, env: &Env) -> Result<project::Spec> {
    o.scan = env.scan;
    Ok(project::resolve(&o)?)
}

/// A spinner with the dossier rows read, on a terminal's stderr only, and the
/// callback that feeds it.
fn progress(env: &Env, quiet: bool) -> (indicatif::ProgressBar, crate::dossier::Progress) {
    let pb = if quiet || !env.stderr_terminal {
        indicatif::ProgressBar::hidden()
    } else {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    };
    let tick = pb.clone();
    (
        pb,
        std::sync::Arc::new(move |n| tick.set_message(format!("{n} dossiers read"))),
    )
}

/// Runs the scoring pipeline with the progress spinner.
fn run_project(
    spec: &project::Spec,
    opts: &pipeline::Options,
    env: &Env,
    quiet: bool,
) -> Result<Run> {
    let (pb, tick) = progress(env, quiet);
    let run = pipeline::run(spec, opts, tick);
    pb.finish_and_clear();
    Ok(run?)
}

/// Finds a unit of a run by id, or says which ids there are.
fn find_unit<'a>(run: &'a Run, id: &str) -> Result<&'a crate::score::UnitResult> {
    if let Some(u) = run.scoring.units.iter().find(|u| u.unit.id == id) {
        return Ok(u);
    }
    let mut ids: Vec<&str> = run
        .scoring
        .units
        .iter()
        .map(|u| u.unit.id.as_str())
        .collect();
    ids.sort_unstable();
    bail!(
        "unit `{}` is not in the unit register (units: {})",
        crate::term::escape(id),
        crate::term::escape(&ids.join(", "))
    )
}

/// The earlier ranking and the lineage to compare through, read before the run so
/// that a bad file stops it early.
struct Previous {
    earlier: crate::analysis::previous::Earlier,
    lineage: Option<crate::input::lineage::Lineage>,
    findings: Vec<Diagnostic>,
}

fn read_previous(a: &PreviousArgs, spec: &project::Spec) -> Result<Option<Previous>> {
    let Some(p) = a.previous.as_deref() else {
        return Ok(None);
    };
    let earlier = crate::analysis::previous::read(p, &p.display().to_string())?;
    let mut findings = Vec::new();
    // --lineage, else the manifest's inputs.lineage (both resolved into the spec).
    let lineage = match &spec.lineage {
        Some(f) => Some(pipeline::load_lineage(
            f,
            &spec.columns,
            spec.decimal_comma,
            &mut findings,
        )?),
        None => None,
    };
    Ok(Some(Previous {
        earlier,
        lineage,
        findings,
    }))
}

/// Compares a run with the earlier ranking; the lineage's findings join the run's.
fn compare(run: &mut Run, p: Option<&Previous>) -> Option<crate::analysis::previous::Comparison> {
    let p = p?;
    run.diagnostics.extend(p.findings.iter().cloned());
    Some(crate::analysis::previous::compare_run(
        run,
        &p.earlier,
        p.lineage.as_ref(),
    ))
}

/// The record a run asked for with `--record FILE`: the files its spec read (and an
/// earlier ranking), its framework.
fn recording(
    to: Option<&PathBuf>,
    command: &'static str,
    spec: &project::Spec,
    previous: Option<&PathBuf>,
    framework: Option<&crate::framework::Framework>,
) -> Option<Recording> {
    Some(Recording {
        to: to?.clone(),
        command,
        inputs: crate::record::run_inputs(spec, previous.map(PathBuf::as_path)),
        framework: framework.map(FrameworkRef::of),
    })
}
