//! One function per subcommand: resolve the project, run the pipeline, build the
//! report, export it, report findings on standard error, and return the exit code.

use anyhow::{bail, Context, Result};
use cchc::cli::{
    AdviseArgs, CardsArgs, CheckArgs, Cli, CodesArgs, CollectArgs, Command, CompletionsArgs,
    ExplainArgs, ExplainFormat, FormsArgs, FrameworksArgs, GapsArgs, InitArgs, LineageArgs,
    MetricsArgs, OutputArgs, PreviousArgs, ScoreArgs, SensitivityArgs, SipasArgs,
};
use cchc::export::{self, Format};
use cchc::framework::builtin;
use cchc::lang::Lang;
use cchc::pipeline::{self, Run};
use cchc::report::{self, Report};
use cchc::term::escape_lines;
use cchc::{input::normalize, project};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// At most this many findings of one code are printed on a terminal; JSON has them all.
const PER_CODE: usize = 25;

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    let scan = cchc::dossier::ScanOptions {
        block_size: cli
            .csv_block_size
            .unwrap_or(cchc::dossier::ScanOptions::default().block_size),
        ..Default::default()
    };
    let _ = WIDTH.set(cli.width);
    match cli.command {
        Command::Verify(a) => crate::recording::verify(a),
        Command::Score(a) => score(a, scan),
        Command::Explain(a) => explain(a, scan),
        Command::Check(a) => check(a, scan),
        Command::Metrics(a) => metrics(a, scan),
        Command::Sipas(a) => sipas(a),
        Command::Init(a) => init(a),
        Command::Frameworks(a) => frameworks(a),
        Command::Codes(a) => codes(a),
        Command::Lineage(a) => lineage(a),
        Command::Advise(a) => advise(a, scan),
        Command::Cards(a) => cards(a, scan),
        Command::Sensitivity(a) => sensitivity(a, scan),
        Command::Completions(a) => completions(a),
        Command::Gaps(a) => gaps(a, scan),
        Command::Forms(a) => forms(a, scan),
        Command::Collect(a) => collect(a),
        Command::Man => man(),
    }
}

/// Resolves a project with the scan options.
fn resolve(mut o: project::Overrides, scan: cchc::dossier::ScanOptions) -> Result<project::Spec> {
    o.scan = scan;
    Ok(project::resolve(&o)?)
}

/// The format asked for, else the one --out's extension implies, else a table on a
/// terminal and CSV elsewhere. An --out's extension always means its format: one that
/// names another format than --format, or no format cchc writes, is refused.
fn pick_format(format: Option<Format>, out: Option<&Path>) -> Result<Format> {
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
            escape_lines(e)
        ),
        _ => {}
    }
    Ok(format
        .or(implied)
        .unwrap_or(if out.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Csv
        }))
}

/// The terminal's width for the table format (when stdout is a terminal).
/// `--width`, when given: the width a table is fitted to, as on such a terminal.
static WIDTH: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();

fn terminal_width() -> Option<usize> {
    if let Some(w) = WIDTH.get().copied().flatten() {
        return Some(w);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// What a report was written as, and where: for `--record`.
pub struct Written {
    /// The format.
    pub format: Format,
    /// The width a table was fitted to.
    pub width: Option<usize>,
    /// (role, path or `-`, size, SHA-256) of each output.
    pub outputs: Vec<(String, std::path::PathBuf, u64, String)>,
}

/// Exports a report to stdout or to `--out` (atomically; side files beside it, all or
/// nothing); says what it wrote.
fn emit_report(report: &Report, o: &OutputArgs) -> Result<Written> {
    let format = pick_format(o.format.map(Into::into), o.out.as_deref())?;
    let opts = export::Options {
        width: terminal_width().filter(|_| o.out.is_none()),
        wide: o.wide,
    };
    let mut outputs = Vec::new();
    match o.out.as_deref() {
        None => {
            if format.binary() && std::io::stdout().is_terminal() {
                bail!(
                    "{} is a binary format: give --out FILE.{} (or redirect the output)",
                    format.name(),
                    format.name()
                );
            }
            let mut so = crate::recording::Tee::new(std::io::stdout().lock());
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
            outputs.push((
                "stdout".to_string(),
                std::path::PathBuf::from("-"),
                size,
                sha,
            ));
        }
        Some(path) => {
            let mut main = cchc::output::Pending::begin(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let side = export::export(report, format, &opts, main.writer())
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut all = vec![main];
            let mut paths = vec![("out".to_string(), path.to_path_buf())];
            for (suffix, bytes) in side {
                let p = side_path(path, &suffix);
                let mut pending = cchc::output::Pending::begin(&p)
                    .with_context(|| format!("cannot write {}", p.display()))?;
                pending
                    .writer()
                    .write_all(&bytes)
                    .with_context(|| format!("cannot write {}", p.display()))?;
                all.push(pending);
                paths.push((format!("out:{suffix}"), p));
            }
            cchc::output::commit(all)?;
            for (role, p) in paths {
                // A device or a FIFO has nothing to hash afterwards.
                if !p.is_file() {
                    continue;
                }
                if let Ok((size, sha)) = cchc::record::hash_file(&p) {
                    outputs.push((role, p, size, sha));
                }
            }
        }
    }
    Ok(Written {
        format,
        width: opts.width,
        outputs,
    })
}

pub fn side_path(main: &Path, suffix: &str) -> std::path::PathBuf {
    let stem = main
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let ext = main
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "parquet".into());
    main.with_file_name(format!("{stem}.{suffix}.{ext}"))
}

/// Prints text to stdout, or writes `out` atomically.
fn emit(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => cchc::output::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            let mut so = std::io::stdout().lock();
            so.write_all(text.as_bytes())?;
            so.flush()?;
            Ok(())
        }
    }
}

/// Findings on stderr (escaped for the terminal), at most [`PER_CODE`] of a code.
fn report_findings(diags: &[cchc::diag::Diagnostic], quiet: bool, lang: Lang) {
    let text = findings_text(diags, PER_CODE, quiet, lang);
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(escape_lines(&text).as_bytes());
}

/// Findings as lines, at most `per_code` of each code (0 = all), then a count line.
/// Warnings are left out when `errors_only`.
pub fn findings_text(
    diags: &[cchc::diag::Diagnostic],
    per_code: usize,
    errors_only: bool,
    lang: Lang,
) -> String {
    use std::collections::BTreeMap;
    let mut out = String::new();
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    let mut hidden: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diags {
        if errors_only && !d.is_error() {
            continue;
        }
        let n = shown.entry(d.code.as_str()).or_default();
        if per_code > 0 && *n >= per_code {
            *hidden.entry(d.code.as_str()).or_default() += 1;
            continue;
        }
        *n += 1;
        out.push_str(&cchc::term::escape(&d.render(lang)));
        out.push('\n');
    }
    for (code, n) in hidden {
        out.push_str(&format!(
            "… and {n} more [{code}] (all are in --format json)\n"
        ));
    }
    let errors = cchc::diag::errors(diags);
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        let word = |n: usize, one: &'static str, many: &'static str| {
            lang.t(if n == 1 { one } else { many })
        };
        out.push_str(&format!(
            "{errors} {}, {warnings} {}\n",
            word(errors, "error", "errors"),
            word(warnings, "warning", "warnings")
        ));
    }
    out
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

/// Runs the scoring pipeline (load → score → rank) with the progress spinner.
fn run_project(
    spec: &project::Spec,
    stage: Option<cchc::score::Stage>,
    quiet: bool,
) -> Result<Run> {
    let (pb, tick) = progress(quiet);
    let run = pipeline::run(spec, stage, tick);
    pb.finish_and_clear();
    Ok(run?)
}

fn exit_code(diags: &[cchc::diag::Diagnostic]) -> u8 {
    u8::from(cchc::diag::errors(diags) > 0)
}

/// The earlier ranking and the lineage to compare through, read before the run so
/// that a bad file stops it early.
struct Previous {
    earlier: cchc::analysis::previous::Earlier,
    lineage: Option<cchc::lineage::Lineage>,
    findings: Vec<cchc::diag::Diagnostic>,
}

fn read_previous(a: &PreviousArgs, spec: &project::Spec) -> Result<Option<Previous>> {
    let Some(p) = a.previous.as_deref() else {
        return Ok(None);
    };
    let earlier = cchc::analysis::previous::read(p, &p.display().to_string())?;
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
fn compare(run: &mut Run, p: Option<&Previous>) -> Option<cchc::analysis::previous::Comparison> {
    let p = p?;
    run.diagnostics.extend(p.findings.iter().cloned());
    Some(cchc::analysis::previous::compare_run(
        run,
        &p.earlier,
        p.lineage.as_ref(),
    ))
}

fn score(a: ScoreArgs, scan: cchc::dossier::ScanOptions) -> Result<u8> {
    let spec = resolve(a.previous.overrides(a.project.overrides()), scan)?;
    let previous = read_previous(&a.previous, &spec)?;
    let mut run = run_project(&spec, a.stage.map(Into::into), a.output.quiet)?;
    let previous = compare(&mut run, previous.as_ref());
    let lang = a.output.lang.into();
    let report = report::ranking::build(&run, previous.as_ref(), lang);
    let written = emit_report(&report, &a.output)?;
    report_findings(&run.diagnostics, a.output.quiet, lang);
    let code = exit_code(&run.diagnostics);
    if let Some(rec) = &a.record.record {
        let mut inputs = cchc::record::spec_inputs(&spec);
        inputs.extend(
            a.previous
                .previous
                .iter()
                .map(|p| ("previous".to_string(), p.clone())),
        );
        crate::recording::write(rec, "score", inputs, Some(&run.framework), &written, code)?;
    }
    Ok(code)
}

fn gaps(a: GapsArgs, scan: cchc::dossier::ScanOptions) -> Result<u8> {
    let spec = resolve(a.project.overrides(), scan)?;
    let run = run_project(&spec, None, a.output.quiet)?;
    let (from, to) = (a.from.into(), a.to.into());
    if from == to {
        bail!("--from and --to name the same stage: there is nothing to compare");
    }
    let lang = a.output.lang.into();
    for s in [from, to] {
        if s != cchc::score::Stage::Appraised && !run.scoring.stages.contains(&s) {
            let column = match s {
                cchc::score::Stage::SelfAssessed => "self_score",
                _ => "final_score",
            };
            bail!(
                "the checklist has no {column} values: there is no {} stage to compare",
                s.name()
            );
        }
    }
    emit_report(&report::gaps::build(&run, from, to, a.top, lang), &a.output)?;
    report_findings(&run.diagnostics, a.output.quiet, lang);
    Ok(exit_code(&run.diagnostics))
}

fn metrics(a: MetricsArgs, mut scan: cchc::dossier::ScanOptions) -> Result<u8> {
    if let Some(mib) = a.id_check_memory {
        scan.id_check_mib = usize::try_from(mib).unwrap_or(usize::MAX);
    }
    let spec = resolve(a.overrides(), scan)?;
    let rates = cchc::dossier::RateDefinitions::parse(&a.rate_definition)
        .map_err(|e| anyhow::anyhow!("--rate-definition: {e}"))?;
    if let Some(dialect) = a.emit_sql {
        let lang = a.output.lang.into();
        if let Some(e) = a.output.out.as_deref().and_then(|o| o.extension()) {
            if !e.eq_ignore_ascii_case("sql") {
                bail!(
                    "--emit-sql writes SQL; --out ends in .{}: give a .sql file",
                    escape_lines(&e.to_string_lossy())
                );
            }
        }
        let (sql, diagnostics) = pipeline::metrics_sql(&spec, a.by.into(), rates, dialect.into())?;
        match &a.output.out {
            Some(out) => cchc::output::write_atomic(out, sql.as_bytes())?,
            None => {
                use std::io::Write as _;
                std::io::stdout().write_all(sql.as_bytes())?;
            }
        }
        report_findings(&diagnostics, a.output.quiet, lang);
        return Ok(exit_code(&diagnostics));
    }
    let (pb, tick) = progress(a.output.quiet);
    let m = pipeline::metrics(&spec, a.by.into(), rates, tick);
    pb.finish_and_clear();
    let m = m?;
    let lang = a.output.lang.into();
    let written = emit_report(
        &report::metrics::build(&m.table, &m.diagnostics, lang),
        &a.output,
    )?;
    report_findings(&m.diagnostics, a.output.quiet, lang);
    let code = exit_code(&m.diagnostics);
    if let Some(rec) = &a.record.record {
        let inputs = cchc::record::spec_inputs(&spec);
        crate::recording::write(rec, "metrics", inputs, None, &written, code)?;
    }
    Ok(code)
}

fn sipas(a: SipasArgs) -> Result<u8> {
    let mut spec = project::resolve(&a.overrides())?;
    if spec.framework.is_none() {
        spec.framework = Some(("sipas".into(), ".".into()));
    }
    let s = pipeline::sipas(&spec, a.by.into())?;
    let lang = a.output.lang.into();
    let r = report::sipas::build(&s.framework, &s.table, &s.diagnostics, lang);
    let written = emit_report(&r, &a.output)?;
    report_findings(&s.diagnostics, a.output.quiet, lang);
    let code = exit_code(&s.diagnostics);
    if let Some(rec) = &a.record.record {
        let inputs = cchc::record::spec_inputs(&spec);
        crate::recording::write(rec, "sipas", inputs, Some(&s.framework), &written, code)?;
    }
    Ok(code)
}

fn explain(a: ExplainArgs, scan: cchc::dossier::ScanOptions) -> Result<u8> {
    let spec = resolve(a.previous.overrides(a.project.overrides()), scan)?;
    let previous = read_previous(&a.previous, &spec)?;
    let mut run = run_project(&spec, a.stage.map(Into::into), a.quiet)?;
    let comparison = compare(&mut run, previous.as_ref());
    let id = normalize(&a.unit);
    let u = find_unit(&run, &id)?;
    let criterion = a.criterion.as_deref().map(normalize);
    if let Some(c) = &criterion {
        if !report::explain::known_id(&run.framework, c) {
            bail!(
                "`{}` is not a criterion or area of framework {}",
                cchc::term::escape(c),
                run.framework.id
            );
        }
    }
    let r = report::explain::build(
        &run,
        u,
        criterion.as_deref(),
        comparison.as_ref(),
        a.lang.into(),
    );
    let mut out = Vec::new();
    match a.format {
        ExplainFormat::Text => {
            for l in &r.document {
                out.extend_from_slice(cchc::term::escape(l).as_bytes());
                out.push(b'\n');
            }
        }
        ExplainFormat::Json => {
            export::export(&r, Format::Json, &export::Options::default(), &mut out)?;
        }
    }
    emit(a.out.as_deref(), &String::from_utf8(out)?)?;
    report_findings(&r.findings, a.quiet, a.lang.into());
    Ok(exit_code(&run.diagnostics))
}

fn check(a: CheckArgs, scan: cchc::dossier::ScanOptions) -> Result<u8> {
    let framework_only = a.project.dir.is_none()
        && a.project.framework.is_some()
        && a.project.units.is_none()
        && a.project.checklist.is_none()
        && !project::has_manifest(Path::new("."));
    let spec = resolve(a.project.overrides(), scan)?;
    let lang: Lang = a.lang.into();
    if framework_only {
        let fw = pipeline::load_framework(&spec)?;
        emit(None, &format!("{}\n", report::check::valid_line(&fw, lang)))?;
        return Ok(0);
    }
    let mut run = run_project(&spec, None, a.quiet)?;
    let mut stats = run.scoring.stats.clone();
    if let Some(f) = &spec.lineage {
        // The manifest's lineage is checked too, before a comparison needs it.
        let l = pipeline::load_lineage(f, &spec.columns, spec.decimal_comma, &mut run.diagnostics)?;
        cchc::diag::sort(&mut run.diagnostics);
        stats.push(cchc::input::RowStats {
            input: "lineage".into(),
            file: l.file.clone(),
            read: l.rows,
            used: l.edges.len(),
            rejected: l.rejected,
        });
    }
    let r = report::check::build(&run.framework, &stats, &run.diagnostics, lang);
    let mut out = String::new();
    for l in &r.document {
        out.push_str(&cchc::term::escape(l));
        out.push('\n');
    }
    let findings = findings_text(&run.diagnostics, 0, a.quiet, lang);
    out.push_str(if findings.is_empty() {
        match lang {
            Lang::En => "no findings\n",
            Lang::Vi => "không có phát hiện nào\n",
        }
    } else {
        &findings
    });
    emit(None, &out)?;
    Ok(exit_code(&run.diagnostics))
}

/// Finds a unit of a run by id, or says which ids there are.
fn find_unit<'a>(run: &'a Run, id: &str) -> Result<&'a cchc::score::UnitResult> {
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
        cchc::term::escape(id),
        cchc::term::escape(&ids.join(", "))
    )
}

fn advise(a: AdviseArgs, scan: cchc::dossier::ScanOptions) -> Result<u8> {
    let spec = resolve(a.project.overrides(), scan)?;
    let id = normalize(&a.unit);
    let (pb, tick) = progress(a.output.quiet);
    let loaded = pipeline::load(&spec, tick);
    pb.finish_and_clear();
    let loaded = loaded?;
    let inputs = pipeline::unit_inputs(&loaded, &[id.as_str()])
        .remove(&id)
        .unwrap_or_default();
    let mut run = pipeline::score(loaded, a.stage.map(Into::into));
    pipeline::rank(&mut run);
    let u = find_unit(&run, &id)?;
    let lang = a.output.lang.into();
    let advice = cchc::analysis::advice::advise(&run, u, &inputs, lang);
    let r = report::advise::build(&run, u, &advice, a.top, lang);
    emit_report(&r, &a.output)?;
    let mine: Vec<cchc::diag::Diagnostic> = run
        .diagnostics
        .iter()
        .filter(|d| d.unit.as_deref() == Some(id.as_str()))
        .cloned()
        .collect();
    report_findings(&mine, a.output.quiet, lang);
    Ok(exit_code(&mine))
}

/// Writes one file per unit (id, bytes) into a folder (created if needed), all or
/// nothing, each named after its unit (unique: [`cchc::forms::unit_file_names`]),
/// never through a link inside the folder; says how many, and which names differ from
/// their unit's.
fn write_unit_files(
    folder: &Path,
    mut files: Vec<(String, Vec<u8>)>,
    ext: &str,
    what: &str,
    quiet: bool,
) -> Result<()> {
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let ids: Vec<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
    let (names, notes) = cchc::forms::unit_file_names(&ids, ext);
    let paths: Vec<std::path::PathBuf> = names.iter().map(|n| folder.join(n)).collect();
    let refs: Vec<(&Path, &[u8])> = paths
        .iter()
        .zip(&files)
        .map(|(p, (_, b))| (p.as_path(), b.as_slice()))
        .collect();
    cchc::output::write_folder_atomic(&refs)?;
    if !quiet {
        let mut err = std::io::stderr().lock();
        for n in notes {
            let _ = writeln!(err, "note: {}", escape_lines(&n));
        }
        let _ = writeln!(
            err,
            "wrote {} {what}(s) into {}",
            files.len(),
            escape_lines(&folder.display().to_string())
        );
    }
    Ok(())
}

fn cards(a: CardsArgs, scan: cchc::dossier::ScanOptions) -> Result<u8> {
    let spec = resolve(a.previous.overrides(a.project.overrides()), scan)?;
    let previous = read_previous(&a.previous, &spec)?;
    let (pb, tick) = progress(a.quiet);
    let loaded = pipeline::load(&spec, tick);
    pb.finish_and_clear();
    let loaded = loaded?;
    let wanted: Vec<String> = a.unit.iter().map(|u| normalize(u)).collect();
    let chosen = |id: &str| wanted.is_empty() || wanted.iter().any(|w| w == id);
    let ids: Vec<&str> = loaded
        .units
        .0
        .iter()
        .map(|u| u.id.as_str())
        .filter(|id| chosen(id))
        .collect();
    let inputs = pipeline::unit_inputs(&loaded, &ids);
    let mut run = pipeline::score(loaded, None);
    pipeline::rank(&mut run);
    for w in &wanted {
        find_unit(&run, w)?;
    }
    let comparison = compare(&mut run, previous.as_ref());
    let (gaps, _) = cchc::analysis::gaps::gaps(&run, cchc::score::Stage::SelfAssessed, run.stage());
    let lang: Lang = a.lang.into();
    let mut files = Vec::new();
    for u in run.scoring.units.iter().filter(|u| chosen(&u.unit.id)) {
        let advice = cchc::analysis::advice::advise(&run, u, &inputs[&u.unit.id], lang);
        let data = report::card::CardData {
            advice: &advice,
            gaps: gaps
                .iter()
                .filter(|g| g.unit_id == u.unit.id)
                .cloned()
                .collect(),
            previous: comparison.as_ref(),
            medians: cchc::analysis::summary::group_medians(&run, &u.unit.group),
        };
        let r = report::card::build(&run, u, data, lang);
        let mut bytes = Vec::new();
        export::export(&r, Format::Html, &export::Options::default(), &mut bytes)?;
        files.push((u.unit.id.clone(), bytes));
    }
    write_unit_files(&a.out, files, "html", "card", a.quiet)?;
    report_findings(&run.diagnostics, a.quiet, lang);
    Ok(exit_code(&run.diagnostics))
}

fn sensitivity(a: SensitivityArgs, scan: cchc::dossier::ScanOptions) -> Result<u8> {
    if a.weights < rust_decimal::Decimal::ZERO || a.weights > rust_decimal::Decimal::ONE_HUNDRED {
        bail!("--weights is a percentage from 0 to 100 (a weight never turns negative)");
    }
    if a.runs == 0 && !a.drop_areas {
        bail!("nothing to run: give --runs N (N > 0) or --drop-areas");
    }
    let spec = resolve(a.project.overrides(), scan)?;
    let run = run_project(&spec, a.stage.map(Into::into), a.output.quiet)?;
    let settings = cchc::analysis::sensitivity::Settings {
        runs: a.runs,
        pct: a.weights,
        seed: a.seed,
        drop_areas: a.drop_areas,
    };
    let total = cchc::analysis::sensitivity::run_count(run.framework.areas.len(), &settings);
    let bar = if a.output.quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(total)
    };
    let tick = |n: u64| bar.set_position(n);
    let (spreads, runs) = cchc::analysis::sensitivity::analyse(&run, &settings, &tick);
    bar.finish_and_clear();
    let lang = a.output.lang.into();
    let r = report::sensitivity::build(&run, &spreads, runs, &settings, lang);
    emit_report(&r, &a.output)?;
    report_findings(&run.diagnostics, a.output.quiet, lang);
    Ok(exit_code(&run.diagnostics))
}

fn lineage(a: LineageArgs) -> Result<u8> {
    let f = project::InputFile::new(a.file.clone());
    let mut diags = Vec::new();
    let l = pipeline::load_lineage(&f, &Default::default(), a.decimal_comma, &mut diags)?;
    cchc::diag::sort(&mut diags);
    let unit = a.unit.as_deref().map(normalize);
    if let Some(id) = &unit {
        if l.into_unit(id).next().is_none() && l.out_of(id).next().is_none() {
            bail!(
                "`{}` is neither a new nor an old unit of {}",
                cchc::term::escape(id),
                l.file
            );
        }
    }
    let lang = a.output.lang.into();
    let r = report::lineage::build(&l, unit.as_deref(), &diags, lang);
    emit_report(&r, &a.output)?;
    report_findings(&diags, a.output.quiet, lang);
    Ok(exit_code(&diags))
}

fn codes(a: CodesArgs) -> Result<u8> {
    let o = OutputArgs {
        lang: a.lang,
        format: a.format,
        out: None,
        wide: true,
        quiet: false,
    };
    emit_report(&report::codes::build(a.lang.into()), &o)?;
    Ok(0)
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
    let files: Vec<(std::path::PathBuf, &str)> =
        DEMO.iter().map(|(n, t)| (a.dir.join(n), *t)).collect();
    let refs: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_path(), t.as_bytes()))
        .collect();
    cchc::output::write_all_atomic(&refs)?;
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
                "no built-in framework `{}` (built in: {})",
                cchc::term::escape(&name),
                builtin::names().join(", ")
            );
        };
        emit(None, b.source)?;
        return Ok(0);
    }
    let r = report::frameworks::build(Lang::En)?;
    let o = OutputArgs {
        lang: cchc::cli::LangArg::En,
        format: Some(cchc::cli::FormatArg::Table),
        out: None,
        wide: true,
        quiet: false,
    };
    emit_report(&r, &o)?;
    Ok(0)
}

fn forms(a: FormsArgs, scan: cchc::dossier::ScanOptions) -> Result<u8> {
    let spec = resolve(a.project.overrides(), scan)?;
    let (pb, tick) = progress(a.quiet);
    let loaded = pipeline::load_with(&spec, tick, false);
    pb.finish_and_clear();
    let mut run = pipeline::score(loaded?, None);
    pipeline::rank(&mut run);
    let lang: Lang = a.lang.into();
    let wanted: Vec<String> = a.unit.iter().map(|u| normalize(u)).collect();
    for w in &wanted {
        if !run.scoring.units.iter().any(|u| &u.unit.id == w) {
            bail!(
                "unit `{}` is not in the unit register",
                cchc::term::escape(w)
            );
        }
    }
    let fw = &run.framework;
    let mut files = Vec::new();
    let mut units: Vec<&cchc::score::UnitResult> = run
        .scoring
        .units
        .iter()
        .filter(|u| wanted.is_empty() || wanted.contains(&u.unit.id))
        .collect();
    units.sort_by(|x, y| x.unit.id.cmp(&y.unit.id));
    for u in &units {
        let figures = fw
            .leaves
            .iter()
            .zip(&u.leaves)
            .map(|(l, r)| (!l.from_checklist()).then(|| cchc::score::trace::figure(fw, l, &r.base)))
            .collect();
        let unit = cchc::forms::write::Unit {
            id: &u.unit.id,
            name: &u.unit.name,
            period: run.period.as_ref().map(|p| p.to_string()),
            figures,
        };
        let bytes = cchc::forms::write::form(fw, &unit, lang)
            .with_context(|| format!("cannot build the form of {}", u.unit.id))?;
        files.push((u.unit.id.clone(), bytes));
    }
    write_unit_files(&a.out, files, "xlsx", "form", a.quiet)?;
    report_findings(&run.diagnostics, a.quiet, lang);
    Ok(exit_code(&run.diagnostics))
}

fn collect(a: CollectArgs) -> Result<u8> {
    let overrides = project::Overrides {
        dir: a.project.clone(),
        framework: a.framework.clone(),
        units: a.units.clone(),
        ..Default::default()
    };
    let spec = project::resolve(&overrides)?;
    let fw = pipeline::load_framework(&spec)?;
    let stage: cchc::score::Stage = a.stage.into();
    if a.out
        .extension()
        .is_some_and(|e| !e.eq_ignore_ascii_case("csv"))
    {
        bail!(
            "collect writes a CSV checklist; --out {} names another format: give a .csv file",
            a.out.display()
        );
    }
    let paths = cchc::forms::collect::forms_in(&a.forms)?;
    if paths.is_empty() {
        bail!(
            "no .xlsx forms in {}",
            a.forms
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let lang: Lang = a.lang.into();
    let mut diags = Vec::new();
    let register = register(&spec, a.quiet, &mut diags)?;
    let collected = match cchc::forms::collect::collect(
        &paths,
        &fw,
        register.as_ref(),
        &a.choose,
        &mut diags,
    ) {
        Ok(c) => c,
        Err(mut refused) => {
            let n = refused.len();
            refused.extend(diags);
            report_findings(&refused, a.quiet, lang);
            bail!("{n} form(s) refused; nothing was written");
        }
    };
    let entries = &collected.entries;
    let text = match &a.checklist {
        None => cchc::forms::collect::checklist_csv(&fw, entries, stage),
        Some(c) => fill_checklist(c, &fw, entries, stage, &spec)?,
    };
    emit(Some(&a.out), &text)?;
    cchc::diag::sort(&mut diags);
    if !a.quiet {
        let mut err = std::io::stderr().lock();
        for (left, chosen) in &collected.left_out {
            let _ = writeln!(
                err,
                "left out {}: --choose took {} for its unit",
                escape_lines(&left.display().to_string()),
                escape_lines(&chosen.display().to_string())
            );
        }
        let _ = writeln!(
            err,
            "collected {} form(s), {} criteria, into {}",
            collected.used.len(),
            entries.len(),
            escape_lines(&a.out.display().to_string())
        );
    }
    report_findings(&diags, a.quiet, lang);
    Ok(exit_code(&diags))
}

/// The unit register of a project (or --units), as ids; `None` (with a note) when
/// there is none to check forms against.
fn register(
    spec: &project::Spec,
    quiet: bool,
    diags: &mut Vec<cchc::diag::Diagnostic>,
) -> Result<Option<std::collections::BTreeSet<String>>> {
    let Some(f) = &spec.units else {
        if !quiet {
            let _ = writeln!(
                std::io::stderr().lock(),
                "note: no unit register (--units, or the project's): the forms' units are not checked against one"
            );
        }
        return Ok(None);
    };
    let (units, _) = pipeline::units(spec, f, "group", false, diags)?;
    Ok(Some(units.into_iter().map(|u| u.id).collect()))
}

/// An existing CSV checklist filled with the collected entries.
fn fill_checklist(
    c: &Path,
    fw: &cchc::framework::Framework,
    entries: &[cchc::forms::collect::Entry],
    stage: cchc::score::Stage,
    spec: &project::Spec,
) -> Result<String> {
    if cchc::input::workbook::is_workbook(c) {
        bail!(
            "--checklist fills a CSV checklist; {} is a workbook: collect into a new CSV (without --checklist) and paste its column",
            c.display()
        );
    }
    let bytes = std::fs::read(c).with_context(|| format!("cannot read {}", c.display()))?;
    Ok(cchc::forms::collect::fill(
        &bytes,
        &c.display().to_string(),
        fw,
        entries,
        stage,
        &spec.columns,
    )?)
}
