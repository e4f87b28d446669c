//! Self-assessment forms out (`cchc forms`) and back in (`cchc collect`).

use super::{find_unit, ranking::unit_files, resolve, run_project, Env, Outcome, Product};
use crate::cli::{CollectArgs, FormsArgs};
use crate::input::normalize;
use crate::lang::Lang;
use crate::{pipeline, project};
use anyhow::{bail, Context, Result};
use std::path::Path;

/// `cchc forms`: one workbook per unit (the project may have no checklist yet).
pub fn forms(a: FormsArgs, env: &Env) -> Result<Outcome> {
    let spec = resolve(a.project.overrides(), env)?;
    let opts = pipeline::Options {
        checklist_optional: true,
        ..Default::default()
    };
    let run = run_project(&spec, &opts, env, a.quiet)?;
    let lang: Lang = a.lang;
    let wanted: Vec<String> = a.unit.iter().map(|u| normalize(u)).collect();
    for w in &wanted {
        find_unit(&run, w)?;
    }
    let fw = &run.framework;
    let mut files = Vec::new();
    for u in run
        .scoring
        .units
        .iter()
        .filter(|u| wanted.is_empty() || wanted.contains(&u.unit.id))
    {
        let figures = fw
            .leaves
            .iter()
            .zip(&u.leaves)
            .map(|(l, r)| {
                (!l.from_checklist()).then(|| crate::score::trace::figure(fw, l, &r.base))
            })
            .collect();
        let unit = crate::forms::write::Unit {
            id: &u.unit.id,
            name: &u.unit.name,
            period: run.period.as_ref().map(|p| p.to_string()),
            figures,
        };
        let bytes = crate::forms::write::form(fw, &unit, lang)
            .with_context(|| format!("cannot build the form of {}", u.unit.id))?;
        files.push((u.unit.id.clone(), bytes));
    }
    Ok(unit_files(
        a.out,
        files,
        "xlsx",
        "form",
        run.diagnostics,
        lang,
        a.quiet,
    ))
}

/// `cchc collect`: returned forms into a checklist (a new CSV, or one stage's column of
/// an existing one); any refused form refuses the whole run.
pub fn collect(a: CollectArgs) -> Result<Outcome> {
    let overrides = project::Overrides {
        dir: a.project.clone(),
        framework: a.framework.clone(),
        units: a.units.clone(),
        ..Default::default()
    };
    let spec = project::resolve(&overrides)?;
    let fw = pipeline::load_framework(&spec)?;
    let stage: crate::score::Stage = a.stage;
    if a.out
        .extension()
        .is_some_and(|e| !e.eq_ignore_ascii_case("csv"))
    {
        bail!(
            "collect writes a CSV checklist; --out {} names another format: give a .csv file",
            a.out.display()
        );
    }
    let paths = crate::forms::collect::forms_in(&a.forms)?;
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
    let lang: Lang = a.lang;
    let mut diags = Vec::new();
    let mut notes = Vec::new();
    let register = register(&spec, &mut diags, &mut notes)?;
    let collected =
        match crate::forms::collect::collect(&paths, &fw, register.as_ref(), &a.choose, &mut diags)
        {
            Ok(c) => c,
            Err(mut refused) => {
                let n = refused.len();
                refused.extend(diags);
                let mut o = Outcome::new(Product::Nothing, refused, lang, a.quiet);
                o.stopped = Some(format!("{n} form(s) refused; nothing was written"));
                o.exit = 2;
                return Ok(o);
            }
        };
    let entries = &collected.entries;
    let text = match &a.checklist {
        None => crate::forms::collect::checklist_csv(&fw, entries, stage),
        Some(c) => fill_checklist(c, &fw, entries, stage, &spec)?,
    };
    crate::diag::sort(&mut diags);
    for (left, chosen) in &collected.left_out {
        notes.push(format!(
            "left out {}: --choose took {} for its unit",
            left.display(),
            chosen.display()
        ));
    }
    notes.push(format!(
        "collected {} form(s), {} criteria, into {}",
        collected.used.len(),
        entries.len(),
        a.out.display()
    ));
    let product = Product::Text {
        text,
        out: Some(a.out),
    };
    let mut o = Outcome::new(product, diags, lang, a.quiet);
    o.notes = notes;
    Ok(o)
}

/// The unit register's ids, to check every form's unit against; none (with a note)
/// when the project has no register.
fn register(
    spec: &project::Spec,
    diags: &mut Vec<crate::diag::Diagnostic>,
    notes: &mut Vec<String>,
) -> Result<Option<std::collections::BTreeSet<String>>> {
    let Some(f) = &spec.units else {
        notes.push("note: no unit register (--units, or the project's): the forms' units are not checked against one".to_string());
        return Ok(None);
    };
    let (units, _) = pipeline::units(spec, f, "group", false, diags)?;
    Ok(Some(units.into_iter().map(|u| u.id).collect()))
}

/// An existing CSV checklist filled with the collected entries.
fn fill_checklist(
    c: &Path,
    fw: &crate::framework::Framework,
    entries: &[crate::forms::collect::Entry],
    stage: crate::score::Stage,
    spec: &project::Spec,
) -> Result<String> {
    if crate::input::workbook::is_workbook(c) {
        bail!(
            "--checklist fills a CSV checklist; {} is a workbook: collect into a new CSV (without --checklist) and paste its column",
            c.display()
        );
    }
    let bytes = std::fs::read(c).with_context(|| format!("cannot read {}", c.display()))?;
    Ok(crate::forms::collect::fill(
        &bytes,
        &c.display().to_string(),
        fw,
        entries,
        stage,
        &spec.columns,
    )?)
}
