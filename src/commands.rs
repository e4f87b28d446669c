//! One function per subcommand: resolve the project, run the library, render, write,
//! report findings on standard error, and return the exit code.

use anyhow::{bail, Context, Result};
use cchc::cli::{
    CheckArgs, Cli, Command, ExplainArgs, ExplainFormat, FrameworksArgs, InitArgs, ScoreArgs,
};
use cchc::framework::{builtin, Effect};
use cchc::render::{self, Format};
use cchc::{input::normalize, num::plain, project, Run};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// At most this many findings of one code are printed on a terminal; JSON has them all.
const PER_CODE: usize = 10;

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Score(a) => score(a),
        Command::Explain(a) => explain(a),
        Command::Check(a) => check(a),
        Command::Init(a) => init(a),
        Command::Frameworks(a) => frameworks(a),
    }
}

fn exit_code(run: &Run) -> u8 {
    u8::from(run.errors() > 0)
}

/// Prints to stdout, or writes `out` atomically.
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

fn report(diags: &[cchc::diag::Diagnostic], quiet: bool) {
    eprint!("{}", render::diagnostics_report(diags, PER_CODE, quiet));
}

fn score(a: ScoreArgs) -> Result<u8> {
    let spec = project::resolve(&a.project.overrides())?;
    let run = cchc::run(&spec)?;
    let format = a
        .format
        .or_else(|| a.out.as_deref().and_then(Format::from_extension))
        .unwrap_or(if a.out.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Csv
        });
    let text = match format {
        Format::Table => render::table::render(&run),
        Format::Csv => render::csv::render(&run),
        Format::Json => render::json::render(&run),
    };
    emit(a.out.as_deref(), &text)?;
    report(&run.diagnostics, a.quiet);
    Ok(exit_code(&run))
}

fn explain(a: ExplainArgs) -> Result<u8> {
    let spec = project::resolve(&a.project.overrides())?;
    let run = cchc::run(&spec)?;
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
    let fw = cchc::load_framework(&spec)?;
    let mut out = format!(
        "framework {} ({}): valid — {} areas, {} criteria, scored maxima sum to {}\n",
        fw.id,
        fw.source,
        fw.areas.len(),
        fw.leaves.len(),
        plain(fw.scale)
    );
    if framework_only {
        emit(None, &out)?;
        return Ok(0);
    }
    let run = cchc::run(&spec)?;
    for s in &run.scoring.stats {
        out.push_str(&format!(
            "{} ({}): {} rows read, {} used, {} rejected\n",
            s.input, s.file, s.read, s.used, s.rejected
        ));
    }
    let report = render::diagnostics_report(&run.diagnostics, 0, a.quiet);
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
            "wrote {d}/cchc.toml, {d}/units.csv and {d}/checklist.csv\nnext: cchc score {d}   (then: cchc explain {d} --unit P01)\n"
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
        ]);
    }
    emit(None, &format!("{t}\n"))?;
    Ok(0)
}
