//! The commands around the inspection: init, frameworks, codes, lineage, completions,
//! man.

use super::{report, Outcome, Product};
use crate::cli::{
    Cli, CodesArgs, CompletionsArgs, FrameworksArgs, InitArgs, LineageArgs, OutputArgs,
};
use crate::framework::builtin;
use crate::input::normalize;
use crate::lang::Lang;
use crate::{pipeline, project};
use anyhow::{bail, Result};

/// The demo project, embedded so `cchc init` works from any folder.
const DEMO: &[(&str, &str)] = &[
    ("cchc.toml", include_str!("../../fixtures/demo/cchc.toml")),
    ("units.csv", include_str!("../../fixtures/demo/units.csv")),
    (
        "checklist.csv",
        include_str!("../../fixtures/demo/checklist.csv"),
    ),
    (
        "dossiers.csv",
        include_str!("../../fixtures/demo/dossiers.csv"),
    ),
    ("survey.csv", include_str!("../../fixtures/demo/survey.csv")),
    (
        "procedures.csv",
        include_str!("../../fixtures/demo/procedures.csv"),
    ),
];

/// `cchc init`: the demo project into a folder, never over an existing file.
pub fn init(a: InitArgs) -> Result<Outcome> {
    if project::has_manifest(&a.dir) {
        bail!(
            "{} already holds a {}; not overwriting it",
            a.dir.display(),
            project::MANIFEST
        );
    }
    for (name, _) in DEMO {
        let p = crate::platform::join(&a.dir, name);
        if p.exists() {
            bail!("{} already exists; not overwriting it", p.display());
        }
    }
    let files = DEMO
        .iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
        .collect();
    let d = a.dir.display();
    let o = Outcome::new(
        Product::Files {
            folder: a.dir.clone(),
            files,
            said: Some(format!(
                "wrote {d}/cchc.toml, units.csv, checklist.csv, dossiers.csv, survey.csv and procedures.csv\nnext: cchc score {d}   (then: cchc explain {d} --unit P01)\n"
            )),
        },
        Vec::new(),
        Lang::En,
        false,
    );
    Ok(o)
}

/// The output of a command that prints a fixed table.
fn table_output(lang: crate::lang::Lang, format: Option<crate::export::Format>) -> OutputArgs {
    OutputArgs {
        lang,
        format,
        out: None,
        wide: false,
        quiet: false,
    }
}

/// `cchc frameworks`: the list, or one framework's TOML.
pub fn frameworks(a: FrameworksArgs) -> Result<Outcome> {
    if let Some(name) = a.show {
        let Some(b) = builtin::get(&name) else {
            bail!(
                "no built-in framework `{}` (built in: {})",
                crate::term::escape(&name),
                builtin::names().join(", ")
            );
        };
        return Ok(Outcome::text(b.source.to_string()));
    }
    // Checked here, so that a broken built-in stops the command.
    crate::report::frameworks::build(Lang::En)?;
    fn build(_: &()) -> crate::report::Report<'_> {
        crate::report::frameworks::build(Lang::En).expect("built before")
    }
    let output = table_output(crate::lang::Lang::En, Some(crate::export::Format::TABLE));
    Ok(Outcome::new(
        report((), build, output),
        Vec::new(),
        Lang::En,
        false,
    ))
}

/// `cchc codes`: every finding code.
pub fn codes(a: CodesArgs) -> Result<Outcome> {
    let lang: Lang = a.lang;
    fn build(lang: &Lang) -> crate::report::Report<'_> {
        crate::report::codes::build(*lang)
    }
    let output = table_output(a.lang, a.format);
    Ok(Outcome::new(
        report(lang, build, output),
        Vec::new(),
        lang,
        false,
    ))
}

/// `cchc lineage`: a lineage's edges and summary, or one unit's.
pub fn lineage(a: LineageArgs) -> Result<Outcome> {
    let f = project::InputFile::new(a.file.clone());
    let mut diags = Vec::new();
    let l = pipeline::load_lineage(&f, &Default::default(), a.decimal_comma, &mut diags)?;
    crate::diag::sort(&mut diags);
    let unit = a.unit.as_deref().map(normalize);
    if let Some(id) = &unit {
        if l.into_unit(id).next().is_none() && l.out_of(id).next().is_none() {
            bail!(
                "`{}` is neither a new nor an old unit of {}",
                crate::term::escape(id),
                l.file
            );
        }
    }
    let lang: Lang = a.output.lang;
    let quiet = a.output.quiet;
    let data = (l, unit, diags.clone(), lang);
    Ok(Outcome::new(
        report(data, lineage_report, a.output),
        diags,
        lang,
        quiet,
    ))
}

type Lineaged = (
    crate::input::lineage::Lineage,
    Option<String>,
    Vec<crate::diag::Diagnostic>,
    Lang,
);

fn lineage_report((l, unit, diags, lang): &Lineaged) -> crate::report::Report<'_> {
    crate::report::lineage::build(l, unit.as_deref(), diags, *lang)
}

/// `cchc completions SHELL`.
pub fn completions(a: CompletionsArgs) -> Result<Outcome> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "cchc", &mut out);
    Ok(Outcome::text(String::from_utf8(out)?))
}

/// `cchc man`.
pub fn man() -> Result<Outcome> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(Outcome::text(String::from_utf8(out)?))
}
