//! One function per subcommand: resolve the project, run the library, render, write,
//! report findings on standard error, and return the exit code.

use anyhow::{bail, Context, Result};
use cchc::cli::{
    CheckArgs, Cli, Command, CompletionsArgs, ExplainArgs, ExplainFormat, FrameworksArgs, GapsArgs,
    InitArgs, MetricsArgs, ScoreArgs, SipasArgs, Stage,
};
use cchc::framework::{builtin, Effect};
use cchc::render::{self, Format, RankingFormat};
use cchc::{input::normalize, lang::Lang, num::plain, project, Run};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// At most this many findings of one code are printed on a terminal; JSON has them all.
const PER_CODE: usize = 25;

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Score(a) => score(a),
        Command::Explain(a) => explain(a),
        Command::Check(a) => check(a),
        Command::Metrics(a) => metrics(a),
        Command::Sipas(a) => sipas(a),
        Command::Init(a) => init(a),
        Command::Frameworks(a) => frameworks(a),
        Command::Completions(a) => completions(a),
        Command::Gaps(a) => gaps(a),
        Command::Man => man(),
    }
}

fn gaps(a: GapsArgs) -> Result<u8> {
    let spec = project::resolve(&a.project.overrides())?;
    let mut run = run_project(&spec, a.quiet)?;
    run.lang = a.output.lang;
    if !run.scoring.has_self {
        bail!("the checklist has no self_score column values: there is no self-assessment to compare with");
    }
    let text = match pick_format(a.output.format, a.output.out.as_deref()) {
        Format::Table => render::gaps::table(&run, a.top),
        Format::Csv => render::gaps::csv(&run),
        Format::Json => render::gaps::json(&run),
        Format::Md => render::gaps::md(&run, a.top),
    };
    emit(a.output.out.as_deref(), &text)?;
    report_in(&run.diagnostics, a.quiet, run.lang);
    Ok(exit_code(&run))
}

fn completions(a: CompletionsArgs) -> Result<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "cchc", &mut out);
    emit(None, &String::from_utf8(out)?)?;
    Ok(0)
}

fn man() -> Result<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    emit(None, &String::from_utf8(out)?)?;
    Ok(0)
}

fn exit_code(run: &Run) -> u8 {
    u8::from(run.errors() > 0)
}

/// Prints to stdout, or writes `out` atomically.
fn emit(out: Option<&Path>, text: &str) -> Result<()> {
    emit_bytes(out, text.as_bytes())
}

/// [`emit`] for any bytes (a workbook).
fn emit_bytes(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(path) => cchc::output::write_atomic(path, bytes)
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            let mut so = std::io::stdout().lock();
            so.write_all(bytes)?;
            so.flush()?;
            Ok(())
        }
    }
}

fn report(diags: &[cchc::diag::Diagnostic], quiet: bool) {
    report_in(diags, quiet, Lang::En);
}

/// [`report`] with the count line in `lang`.
fn report_in(diags: &[cchc::diag::Diagnostic], quiet: bool, lang: Lang) {
    eprint!(
        "{}",
        render::diagnostics_report(diags, PER_CODE, quiet, lang)
    );
}

/// The format asked for, else the one --out's extension implies, else a table on a
/// terminal and CSV elsewhere.
fn pick_format(format: Option<Format>, out: Option<&Path>) -> Format {
    format
        .or_else(|| out.and_then(Format::from_extension))
        .unwrap_or(if out.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Csv
        })
}

/// A spinner with the dossier rows read, on a terminal's stderr only, and the callback
/// that feeds it.
fn progress(quiet: bool) -> (indicatif::ProgressBar, cchc::dossier::Progress) {
    let pb = if quiet || !std::io::stderr().is_terminal() {
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
fn run_project(spec: &project::Spec, quiet: bool) -> Result<Run> {
    let (pb, tick) = progress(quiet);
    let run = cchc::run_with_progress(spec, tick);
    pb.finish_and_clear();
    Ok(run?)
}

fn metrics(a: MetricsArgs) -> Result<u8> {
    let spec = project::resolve(&a.overrides())?;
    let Some(period) = &spec.period else {
        bail!("no period: give --period (2025, 2025-Q1, 2025-03 or FROM..TO)");
    };
    let period = cchc::period::Period::parse_with(period, spec.convention)?;
    let Some(log) = spec.dossiers.clone() else {
        bail!("no dossier log: give --dossiers FILE (.csv or .parquet)");
    };
    let mut diags = spec.notes.clone();
    let units = match &spec.units {
        Some(f) => {
            let t = spec.read_table(f, &cchc::UNITS_COLUMNS)?;
            let (units, _) = cchc::input::units::read(&t, "group", false, &mut diags);
            Some(units.into_iter().map(|u| u.id).collect())
        }
        None => None,
    };
    let rates = cchc::dossier::RateDefinitions::parse(&a.rate_definition)
        .map_err(|e| anyhow::anyhow!("--rate-definition: {e}"))?;
    let opts = cchc::dossier_options(
        &spec,
        period,
        a.by,
        a.logs.skip_invalid,
        units,
        rates,
        &mut diags,
    )?;
    let (pb, tick) = progress(a.quiet);
    let table = cchc::dossier::compute(&log.path, &log.shown, &opts, tick);
    pb.finish_and_clear();
    let table = table?;
    diags.extend(table.diagnostics.iter().cloned());
    cchc::diag::sort(&mut diags);
    let text = match pick_format(a.output.format, a.output.out.as_deref()) {
        Format::Table => render::metrics::table(&table, a.output.lang),
        Format::Csv => render::metrics::csv(&table),
        Format::Json => render::metrics::json(&table),
        Format::Md => render::metrics::md(&table, a.output.lang),
    };
    emit(a.output.out.as_deref(), &text)?;
    report_in(&diags, a.quiet, a.output.lang);
    Ok(u8::from(cchc::diag::errors(&diags) > 0))
}

fn sipas(a: SipasArgs) -> Result<u8> {
    let mut spec = project::resolve(&a.overrides())?;
    let Some(file) = spec.survey.clone() else {
        bail!("no survey: give --survey FILE (columns response_id, unit_id, question_id, answer)");
    };
    if spec.framework.is_none() {
        spec.framework = Some(("sipas".into(), ".".into()));
    }
    let fw = cchc::load_framework(&spec)?;
    let mut diags = spec.notes.clone();
    let units = match &spec.units {
        Some(f) => {
            let t = spec.read_table(f, &cchc::UNITS_COLUMNS)?;
            let by_group = a.by == cchc::SurveyBy::Group;
            let group = fw.ranking.group_column.clone();
            Some(cchc::input::units::read(&t, &group, by_group, &mut diags).0)
        }
        None => None,
    };
    let table = spec.read_table(&file, &cchc::survey::COLUMNS)?;
    let st = cchc::survey_table(&fw, &table, units.as_deref(), a.by, &mut diags)?;
    cchc::diag::sort(&mut diags);
    let text = match pick_format(a.output.format, a.output.out.as_deref()) {
        Format::Table => render::sipas::table(&fw, &st, a.output.lang),
        Format::Csv => render::sipas::csv(&fw, &st),
        Format::Json => render::sipas::json(&fw, &st, &diags),
        Format::Md => render::sipas::md(&fw, &st, a.output.lang),
    };
    emit(a.output.out.as_deref(), &text)?;
    report_in(&diags, a.quiet, a.output.lang);
    Ok(u8::from(cchc::diag::errors(&diags) > 0))
}

fn score(a: ScoreArgs) -> Result<u8> {
    let spec = project::resolve(&a.project.overrides())?;
    let earlier = a
        .previous
        .as_deref()
        .map(|p| cchc::previous::read(p, &p.display().to_string()))
        .transpose()?;
    let mut run = run_project(&spec, a.quiet)?;
    run.lang = a.lang;
    if a.stage == Stage::SelfAssessed {
        run.to_self_stage();
    }
    if let Some(e) = &earlier {
        run.compare_with(e);
    }
    let format = a
        .format
        .or_else(|| a.out.as_deref().and_then(RankingFormat::from_extension))
        .unwrap_or_else(|| pick_format(None, a.out.as_deref()).into());
    let bytes = match format {
        RankingFormat::Table => render::table::render(&run).into_bytes(),
        RankingFormat::Csv => render::csv::render(&run).into_bytes(),
        RankingFormat::Json => render::json::render(&run).into_bytes(),
        RankingFormat::Md => render::md::render(&run).into_bytes(),
        RankingFormat::Html => render::html::render(&run).into_bytes(),
        RankingFormat::Parquet => {
            let Some(out) = a.out.as_deref() else {
                bail!("parquet writes two files (the ranking and FILE.criteria.parquet): give --out FILE.parquet");
            };
            let ranking = render::parquet::ranking(&run)?;
            let criteria = render::parquet::criteria(&run)?;
            let detail = render::parquet::criteria_path(out);
            cchc::output::write_all_atomic(&[(out, &ranking), (&detail, &criteria)])
                .with_context(|| format!("cannot write {}", out.display()))?;
            report_in(&run.diagnostics, a.quiet, run.lang);
            return Ok(exit_code(&run));
        }
        RankingFormat::Xlsx => {
            if a.out.is_none() && std::io::stdout().is_terminal() {
                bail!("xlsx is a binary file: give --out ranking.xlsx (or redirect the output)");
            }
            render::xlsx::render(&run).context("cannot build the xlsx workbook")?
        }
    };
    emit_bytes(a.out.as_deref(), &bytes)?;
    report_in(&run.diagnostics, a.quiet, run.lang);
    Ok(exit_code(&run))
}

fn explain(a: ExplainArgs) -> Result<u8> {
    let spec = project::resolve(&a.project.overrides())?;
    let run = run_project(&spec, a.quiet)?;
    let id = normalize(&a.unit);
    let Some(u) = run.scoring.units.iter().find(|u| u.unit.id == id) else {
        let mut ids: Vec<&str> = run
            .scoring
            .units
            .iter()
            .map(|u| u.unit.id.as_str())
            .collect();
        ids.sort_unstable();
        bail!(
            "unit `{id}` is not in the unit register (units: {})",
            ids.join(", ")
        );
    };
    let criterion = a.criterion.as_deref().map(normalize);
    if let Some(c) = &criterion {
        if !render::explain::known_id(&run.framework, c) {
            bail!(
                "`{c}` is not a criterion or area of framework {}",
                run.framework.id
            );
        }
    }
    let checklist = spec
        .checklist
        .as_ref()
        .map(|c| c.shown.as_str())
        .unwrap_or("checklist");
    let text = match a.format {
        ExplainFormat::Text => render::explain::text(&run, u, criterion.as_deref(), checklist),
        ExplainFormat::Json => render::explain::json(&run, u, criterion.as_deref()),
    };
    emit(a.out.as_deref(), &text)?;
    let mine: Vec<_> = run
        .diagnostics
        .iter()
        .filter(|d| d.unit.as_deref() == Some(id.as_str()))
        .cloned()
        .collect();
    report(&mine, a.quiet);
    Ok(exit_code(&run))
}

fn check(a: CheckArgs) -> Result<u8> {
    let framework_only = a.project.dir.is_none()
        && a.project.framework.is_some()
        && a.project.units.is_none()
        && a.project.checklist.is_none()
        && !project::has_manifest(Path::new("."));
    let spec = project::resolve(&a.project.overrides())?;
    let valid = |fw: &cchc::framework::Framework| {
        let survey = fw.survey.as_ref().map_or_else(String::new, |s| {
            format!(
                "; survey: {} factors, {} questions",
                s.factors.len(),
                s.questions().count()
            )
        });
        format!(
            "framework {} ({}): valid — {} areas, {} criteria, scored maxima sum to {}{survey}; scored from {}\n",
            fw.id,
            fw.source,
            fw.areas.len(),
            fw.leaves.len(),
            plain(fw.scale),
            fw.inputs().join(", ")
        )
    };
    if framework_only {
        emit(None, &valid(&cchc::load_framework(&spec)?))?;
        return Ok(0);
    }
    let run = run_project(&spec, a.quiet)?;
    let mut out = valid(&run.framework);
    for s in &run.scoring.stats {
        out.push_str(&format!(
            "{} ({}): {} rows read, {} used, {} rejected\n",
            s.input, s.file, s.read, s.used, s.rejected
        ));
    }
    let report = render::diagnostics_report(&run.diagnostics, 0, a.quiet, Lang::En);
    out.push_str(if report.is_empty() {
        "no findings\n"
    } else {
        &report
    });
    emit(None, &out)?;
    Ok(exit_code(&run))
}

/// The demo project, embedded so `cchc init` works from any folder.
const DEMO: &[(&str, &str)] = &[
    ("cchc.toml", include_str!("../fixtures/demo/cchc.toml")),
    ("units.csv", include_str!("../fixtures/demo/units.csv")),
    (
        "checklist.csv",
        include_str!("../fixtures/demo/checklist.csv"),
    ),
    (
        "dossiers.csv",
        include_str!("../fixtures/demo/dossiers.csv"),
    ),
    ("survey.csv", include_str!("../fixtures/demo/survey.csv")),
    (
        "procedures.csv",
        include_str!("../fixtures/demo/procedures.csv"),
    ),
];

fn init(a: InitArgs) -> Result<u8> {
    if project::has_manifest(&a.dir) {
        bail!(
            "{} already holds a {}; not overwriting it",
            a.dir.display(),
            project::MANIFEST
        );
    }
    for (name, _) in DEMO {
        let p = a.dir.join(name);
        if p.exists() {
            bail!("{} already exists; not overwriting it", p.display());
        }
    }
    std::fs::create_dir_all(&a.dir)
        .with_context(|| format!("cannot create {}", a.dir.display()))?;
    for (name, text) in DEMO {
        let p = a.dir.join(name);
        cchc::output::write_atomic(&p, text.as_bytes())
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    let d = a.dir.display();
    emit(
        None,
        &format!(
            "wrote {d}/cchc.toml, units.csv, checklist.csv, dossiers.csv, survey.csv and procedures.csv\nnext: cchc score {d}   (then: cchc explain {d} --unit P01)\n"
        ),
    )?;
    Ok(0)
}

fn frameworks(a: FrameworksArgs) -> Result<u8> {
    if let Some(name) = a.show {
        let Some(b) = builtin::get(&name) else {
            bail!(
                "no built-in framework `{name}` (built in: {})",
                builtin::names().join(", ")
            );
        };
        emit(None, b.source)?;
        return Ok(0);
    }
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header([
            "name",
            "title",
            "follows",
            "scale",
            "areas",
            "criteria",
            "bonus/penalty",
            "scored from",
        ]);
    for b in builtin::ALL {
        let fw = cchc::framework::parse(b.source, b.name).map_err(|d| {
            anyhow::anyhow!(
                "built-in {} is invalid:\n{}",
                b.name,
                render::diagnostics_text(&d)
            )
        })?;
        let extra = fw
            .leaves
            .iter()
            .filter(|l| l.effect != Effect::Scored)
            .count();
        t.add_row([
            b.name.to_string(),
            fw.title.clone(),
            fw.decision.clone().unwrap_or_default(),
            plain(fw.scale),
            fw.areas.len().to_string(),
            fw.leaves.len().to_string(),
            extra.to_string(),
            fw.inputs().join(", "),
        ]);
    }
    emit(None, &format!("{t}\n"))?;
    Ok(0)
}
