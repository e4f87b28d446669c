//! The commands over a ranked run (`pipeline::run`): score, explain, check, gaps,
//! advise, cards, sensitivity.

use super::{
    compare, find_unit, read_previous, recording, report, resolve, run_project, Env, Outcome,
    Product,
};
use crate::analysis::previous::Comparison;
use crate::cli::{AdviseArgs, CardsArgs, CheckArgs, ExplainArgs, ExplainFormat, GapsArgs};
use crate::cli::{OutputArgs, ScoreArgs, SensitivityArgs};
use crate::input::normalize;
use crate::lang::Lang;
use crate::pipeline::{self, Run};
use crate::report::{self, Report};
use crate::score::Stage;
use anyhow::{bail, Result};

/// A ranked run and its comparison with an earlier ranking.
struct Ranked {
    run: Run,
    previous: Option<Comparison>,
    lang: Lang,
}

fn ranking_report(r: &Ranked) -> Report<'_> {
    report::ranking::build(&r.run, r.previous.as_ref(), r.lang)
}

/// `cchc score`.
pub fn score(a: ScoreArgs, env: &Env) -> Result<Outcome> {
    let spec = resolve(a.previous.overrides(a.project.overrides()), env)?;
    let previous = read_previous(&a.previous, &spec)?;
    let opts = pipeline::Options {
        stage: a.stage,
        area_ranks: a.area_ranks,
        summary_by: a.summary_by.clone(),
        ..Default::default()
    };
    let mut run = run_project(&spec, &opts, env, a.output.quiet)?;
    let comparison = compare(&mut run, previous.as_ref());
    let rec = recording(
        a.record.record.as_ref(),
        "score",
        &spec,
        a.previous.previous.as_ref(),
        Some(&run.framework),
    );
    let findings = run.diagnostics.clone();
    let lang = a.output.lang;
    let quiet = a.output.quiet;
    let data = Ranked {
        run,
        previous: comparison,
        lang,
    };
    let mut o = Outcome::new(
        report(data, ranking_report, a.output),
        findings,
        lang,
        quiet,
    );
    o.record = rec;
    Ok(o)
}

/// `cchc gaps`.
pub fn gaps(a: GapsArgs, env: &Env) -> Result<Outcome> {
    let spec = resolve(a.project.overrides(), env)?;
    let run = run_project(&spec, &Default::default(), env, a.output.quiet)?;
    let (from, to): (Stage, Stage) = (a.from, a.to);
    if from == to {
        bail!("--from and --to name the same stage: there is nothing to compare");
    }
    for s in [from, to] {
        if s != Stage::Appraised && !run.scoring.stages.contains(&s) {
            let column = match s {
                Stage::SelfAssessed => "self_score",
                _ => "final_score",
            };
            bail!(
                "the checklist has no {column} values: there is no {} stage to compare",
                s.name()
            );
        }
    }
    let lang = a.output.lang;
    let findings = run.diagnostics.clone();
    let quiet = a.output.quiet;
    let data = (run, from, to, a.top, lang);
    Ok(Outcome::new(
        report(data, gaps_report, a.output),
        findings,
        lang,
        quiet,
    ))
}

fn gaps_report((run, from, to, top, lang): &(Run, Stage, Stage, usize, Lang)) -> Report<'_> {
    report::gaps::build(run, *from, *to, *top, *lang)
}

/// `cchc explain`.
pub fn explain(a: ExplainArgs, env: &Env) -> Result<Outcome> {
    let spec = resolve(a.previous.overrides(a.project.overrides()), env)?;
    let previous = read_previous(&a.previous, &spec)?;
    let opts = pipeline::Options {
        stage: a.stage,
        ..Default::default()
    };
    let mut run = run_project(&spec, &opts, env, a.quiet)?;
    let comparison = compare(&mut run, previous.as_ref());
    let id = normalize(&a.unit);
    find_unit(&run, &id)?;
    let criterion = a.criterion.as_deref().map(normalize);
    if let Some(c) = &criterion {
        if !report::explain::known_id(&run.framework, c) {
            bail!(
                "`{}` is not a criterion or area of framework {}",
                crate::term::escape(c),
                run.framework.id
            );
        }
    }
    let lang: Lang = a.lang;
    let exit = super::exit_code(&run.diagnostics);
    let data = Explained {
        run,
        unit: id,
        criterion,
        previous: comparison,
        lang,
    };
    let (product, findings) = match a.format {
        ExplainFormat::Text => {
            let r = data.report();
            let text = crate::export::document(&r);
            let findings = r.findings.to_vec();
            (Product::Text { text, out: a.out }, findings)
        }
        ExplainFormat::Json => {
            let findings = data.report().findings.to_vec();
            let output = OutputArgs {
                lang: a.lang,
                format: Some(crate::export::Format::JSON),
                out: a.out,
                wide: true,
                quiet: a.quiet,
            };
            (report(data, Explained::report, output), findings)
        }
    };
    let mut o = Outcome::new(product, findings, lang, a.quiet);
    o.exit = exit;
    Ok(o)
}

/// One unit's derivation.
struct Explained {
    run: Run,
    unit: String,
    criterion: Option<String>,
    previous: Option<Comparison>,
    lang: Lang,
}

impl Explained {
    fn report(&self) -> Report<'_> {
        let u = find_unit(&self.run, &self.unit).expect("found before");
        report::explain::build(
            &self.run,
            u,
            self.criterion.as_deref(),
            self.previous.as_ref(),
            self.lang,
        )
    }
}

/// `cchc check`: the framework alone, or the framework and the data; every finding
/// is in the text (none on standard error).
pub fn check(a: CheckArgs, env: &Env) -> Result<Outcome> {
    let framework_only = a.project.dir.is_none()
        && a.project.framework.is_some()
        && a.project.units.is_none()
        && a.project.checklist.is_none()
        && !crate::project::has_manifest(std::path::Path::new("."));
    let spec = resolve(a.project.overrides(), env)?;
    let lang: Lang = a.lang;
    if framework_only {
        let fw = pipeline::load_framework(&spec)?;
        return Ok(Outcome::text(format!(
            "{}\n",
            report::check::valid_line(&fw, lang)
        )));
    }
    let mut run = run_project(&spec, &Default::default(), env, a.quiet)?;
    let mut stats = run.scoring.stats.clone();
    if let Some(f) = &spec.lineage {
        // The manifest's lineage is checked too, before a comparison needs it.
        let l = pipeline::load_lineage(f, &spec.columns, spec.decimal_comma, &mut run.diagnostics)?;
        crate::diag::sort(&mut run.diagnostics);
        stats.push(crate::input::RowStats {
            input: "lineage".into(),
            file: l.file.clone(),
            read: l.rows,
            used: l.edges.len(),
            rejected: l.rejected,
        });
    }
    let r = report::check::build(&run.framework, &stats, &run.diagnostics, lang);
    let mut text = crate::export::document(&r);
    let findings = crate::diag::text(&run.diagnostics, 0, a.quiet, lang);
    text.push_str(if findings.is_empty() {
        match lang {
            Lang::En => "no findings\n",
            Lang::Vi => "không có phát hiện nào\n",
        }
    } else {
        &findings
    });
    let mut o = Outcome::text(text);
    o.exit = super::exit_code(&run.diagnostics);
    Ok(o)
}

/// `cchc advise`.
pub fn advise(a: AdviseArgs, env: &Env) -> Result<Outcome> {
    let spec = resolve(a.project.overrides(), env)?;
    let id = normalize(&a.unit);
    let opts = pipeline::Options {
        stage: a.stage,
        keep_inputs: Some(vec![id.clone()]),
        ..Default::default()
    };
    let run = run_project(&spec, &opts, env, a.output.quiet)?;
    let u = find_unit(&run, &id)?;
    let lang: Lang = a.output.lang;
    let inputs = run.inputs.get(&id).cloned().unwrap_or_default();
    let advice = crate::analysis::advice::advise(&run, u, &inputs, lang);
    let mine: Vec<crate::diag::Diagnostic> = run
        .diagnostics
        .iter()
        .filter(|d| d.unit.as_deref() == Some(id.as_str()))
        .cloned()
        .collect();
    let quiet = a.output.quiet;
    let data = (run, id, advice, a.top, lang);
    Ok(Outcome::new(
        report(data, advise_report, a.output),
        mine,
        lang,
        quiet,
    ))
}

type Advised = (
    Run,
    String,
    Vec<crate::analysis::advice::Advice>,
    usize,
    Lang,
);

fn advise_report((run, id, advice, top, lang): &Advised) -> Report<'_> {
    let u = find_unit(run, id).expect("found before");
    report::advise::build(run, u, advice, *top, *lang)
}

/// `cchc cards`: one HTML page per unit.
pub fn cards(a: CardsArgs, env: &Env) -> Result<Outcome> {
    let spec = resolve(a.previous.overrides(a.project.overrides()), env)?;
    let previous = read_previous(&a.previous, &spec)?;
    let wanted: Vec<String> = a.unit.iter().map(|u| normalize(u)).collect();
    let opts = pipeline::Options {
        keep_inputs: Some(wanted.clone()),
        ..Default::default()
    };
    let mut run = run_project(&spec, &opts, env, a.quiet)?;
    for w in &wanted {
        find_unit(&run, w)?;
    }
    let comparison = compare(&mut run, previous.as_ref());
    let (gaps, _) = crate::analysis::gaps::gaps(&run, Stage::SelfAssessed, run.stage());
    let lang: Lang = a.lang;
    let chosen = |id: &str| wanted.is_empty() || wanted.iter().any(|w| w == id);
    let mut files = Vec::new();
    for u in run.scoring.units.iter().filter(|u| chosen(&u.unit.id)) {
        let inputs = run.inputs.get(&u.unit.id).cloned().unwrap_or_default();
        let advice = crate::analysis::advice::advise(&run, u, &inputs, lang);
        let data = report::card::CardData {
            advice: &advice,
            gaps: gaps
                .iter()
                .filter(|g| g.unit_id == u.unit.id)
                .cloned()
                .collect(),
            previous: comparison.as_ref(),
            medians: crate::analysis::summary::group_medians(&run, &u.unit.group),
        };
        let r = report::card::build(&run, u, data, lang);
        let mut bytes = Vec::new();
        crate::export::export(
            &r,
            crate::export::Format::HTML,
            &crate::export::Options::default(),
            &mut bytes,
        )?;
        files.push((u.unit.id.clone(), bytes));
    }
    Ok(unit_files(
        a.out,
        files,
        "html",
        "card",
        run.diagnostics,
        lang,
        a.quiet,
    ))
}

/// An outcome of one file per unit (id, bytes) for a folder, each named after its
/// unit (unique: [`crate::forms::unit_file_names`]); the notes say how many, and
/// which names differ from their unit's.
pub(super) fn unit_files(
    folder: std::path::PathBuf,
    mut files: Vec<(String, Vec<u8>)>,
    ext: &str,
    what: &str,
    findings: Vec<crate::diag::Diagnostic>,
    lang: Lang,
    quiet: bool,
) -> Outcome {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let ids: Vec<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
    let (names, mut notes) = crate::forms::unit_file_names(&ids, ext);
    notes = notes.into_iter().map(|n| format!("note: {n}")).collect();
    notes.push(format!(
        "wrote {} {what}(s) into {}",
        files.len(),
        folder.display()
    ));
    let files = names
        .into_iter()
        .zip(files)
        .map(|(name, (_, bytes))| (name, bytes))
        .collect();
    let product = Product::Files {
        folder,
        files,
        said: None,
    };
    let mut o = Outcome::new(product, findings, lang, quiet);
    o.notes = notes;
    o
}

/// `cchc sensitivity`.
pub fn sensitivity(a: SensitivityArgs, env: &Env) -> Result<Outcome> {
    if a.weights < rust_decimal::Decimal::ZERO || a.weights > rust_decimal::Decimal::ONE_HUNDRED {
        bail!("--weights is a percentage from 0 to 100 (a weight never turns negative)");
    }
    if a.runs == 0 && !a.drop_areas {
        bail!("nothing to run: give --runs N (N > 0) or --drop-areas");
    }
    let spec = resolve(a.project.overrides(), env)?;
    let opts = pipeline::Options {
        stage: a.stage,
        ..Default::default()
    };
    let run = run_project(&spec, &opts, env, a.output.quiet)?;
    let settings = crate::analysis::sensitivity::Settings {
        runs: a.runs,
        pct: a.weights,
        seed: a.seed,
        drop_areas: a.drop_areas,
    };
    let total = crate::analysis::sensitivity::run_count(run.framework.areas.len(), &settings);
    let bar = if a.output.quiet || !env.stderr_terminal {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(total)
    };
    let tick = |n: u64| bar.set_position(n);
    let (spreads, runs) = crate::analysis::sensitivity::analyse(&run, &settings, &tick);
    bar.finish_and_clear();
    let lang = a.output.lang;
    let findings = run.diagnostics.clone();
    let quiet = a.output.quiet;
    let data = (run, spreads, runs, settings, lang);
    Ok(Outcome::new(
        report(data, sensitivity_report, a.output),
        findings,
        lang,
        quiet,
    ))
}

type Sensitive = (
    Run,
    Vec<crate::analysis::sensitivity::Spread>,
    usize,
    crate::analysis::sensitivity::Settings,
    Lang,
);

fn sensitivity_report((run, spreads, runs, settings, lang): &Sensitive) -> Report<'_> {
    report::sensitivity::build(run, spreads, *runs, settings, *lang)
}
