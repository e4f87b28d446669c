//! The commands over one input of their own: metrics (the dossier log) and sipas (the
//! survey).

use super::{progress, recording, report, resolve, Env, Outcome, Product};
use crate::cli::{MetricsArgs, ReconcileArgs, SipasArgs};
use crate::lang::Lang;
use crate::pipeline;
use crate::term::escape_lines;
use anyhow::{bail, Result};

/// `cchc metrics`: the table, or with `--emit-sql` the query computing it.
pub fn metrics(a: MetricsArgs, env: &Env) -> Result<Outcome> {
    let mut env = env.clone();
    if let Some(mib) = a.id_check_memory {
        env.scan.id_check_mib = usize::try_from(mib).unwrap_or(usize::MAX);
    }
    let mut spec = resolve(a.overrides(), &env)?;
    if pipeline::official_method(&mut spec, a.method, a.framework.as_deref())? {
        return metrics_official(a, &env, &spec);
    }
    let rates = crate::dossier::RateDefinitions::parse(&a.rate_definition)
        .map_err(|e| anyhow::anyhow!("--rate-definition: {e}"))?;
    let lang: Lang = a.output.lang;
    if let Some(dialect) = a.emit_sql {
        sql_out(&a)?;
        let (sql, findings) = pipeline::metrics_sql(&spec, a.by, rates, dialect)?;
        return Ok(sql_outcome(sql, findings, &a));
    }
    let (pb, tick) = progress(&env, a.output.quiet);
    let m = pipeline::metrics(&spec, a.by, rates, tick);
    pb.finish_and_clear();
    let m = m?;
    let findings = m.diagnostics.clone();
    let rec = recording(a.record.record.as_ref(), "metrics", &spec, None, None);
    Ok(recorded((m, lang), metrics_report, a.output, findings, rec))
}

/// Refuses an `--out` that is not a .sql file for `--emit-sql`.
fn sql_out(a: &MetricsArgs) -> Result<()> {
    if let Some(e) = a.output.out.as_deref().and_then(|o| o.extension()) {
        if !e.eq_ignore_ascii_case("sql") {
            bail!(
                "--emit-sql writes SQL; --out ends in .{}: give a .sql file",
                escape_lines(&e.to_string_lossy())
            );
        }
    }
    Ok(())
}

/// The outcome of `--emit-sql`: the query, written where `--out` says.
fn sql_outcome(sql: String, findings: Vec<crate::diag::Diagnostic>, a: &MetricsArgs) -> Outcome {
    let product = Product::Text {
        text: sql,
        out: a.output.out.clone(),
    };
    Outcome::new(product, findings, a.output.lang, a.output.quiet)
}

/// A report's outcome with its findings and, if asked (`--record`), its record.
fn recorded<T: 'static>(
    data: (T, Lang),
    build: fn(&(T, Lang)) -> crate::report::Report<'_>,
    output: crate::cli::OutputArgs,
    findings: Vec<crate::diag::Diagnostic>,
    rec: Option<super::Recording>,
) -> Outcome {
    let (lang, quiet) = (data.1, output.quiet);
    let mut o = Outcome::new(report(data, build, output), findings, lang, quiet);
    o.record = rec;
    o
}

/// `cchc metrics --method 766`: the official service index per unit and indicator.
fn metrics_official(a: MetricsArgs, env: &Env, spec: &crate::project::Spec) -> Result<Outcome> {
    if !a.rate_definition.is_empty() {
        bail!("--rate-definition changes cchc's own rates; the official method's definitions are fixed (DOMAIN.md): leave it out with --method 766");
    }
    if let Some(dialect) = a.emit_sql {
        if a.by != crate::dossier::GroupBy::Unit {
            bail!("--method 766 --emit-sql computes the counts per unit and procedure, from which both the index and --by procedure are scored: leave --by out");
        }
        sql_out(&a)?;
        let (sql, findings) = pipeline::metrics_official_sql(spec, dialect)?;
        return Ok(sql_outcome(sql, findings, &a));
    }
    let lang: Lang = a.output.lang;
    match a.by {
        crate::dossier::GroupBy::Unit => {}
        crate::dossier::GroupBy::Procedure => return by_procedure(a, env, spec),
        _ => bail!(
            "--method 766 computes the index per unit, and drills down with --by procedure: not by channel or month"
        ),
    }
    let (pb, tick) = progress(env, a.output.quiet);
    let m = pipeline::metrics_official(spec, tick);
    pb.finish_and_clear();
    let m = m?;
    let findings = m.diagnostics.clone();
    let fw = Some(&m.run.framework);
    let rec = recording(a.record.record.as_ref(), "metrics", spec, None, fw);
    Ok(recorded(
        (m, lang),
        official_report,
        a.output,
        findings,
        rec,
    ))
}

fn official_report((m, lang): &(pipeline::OfficialMetrics, Lang)) -> crate::report::Report<'_> {
    crate::report::portal::build(m, *lang)
}

/// `cchc metrics --method 766 --by procedure`: each unit's procedures.
fn by_procedure(a: MetricsArgs, env: &Env, spec: &crate::project::Spec) -> Result<Outcome> {
    let lang: Lang = a.output.lang;
    let (pb, tick) = progress(env, a.output.quiet);
    let m = pipeline::metrics_official_by_procedure(spec, tick);
    pb.finish_and_clear();
    let m = m?;
    let findings = m.diagnostics.clone();
    // The framework decides nothing here, but it is the run's: `verify` resolves it.
    let to = a.record.record.as_ref();
    let fw = to.and_then(|_| pipeline::load_framework(spec).ok());
    let rec = recording(to, "metrics", spec, None, fw.as_ref());
    Ok(recorded(
        (m, lang),
        procedure_report,
        a.output,
        findings,
        rec,
    ))
}

fn procedure_report((m, lang): &(pipeline::ProcedureMetrics, Lang)) -> crate::report::Report<'_> {
    crate::report::portal::by_procedure(m, *lang)
}

/// `cchc reconcile --official FILE`: the portal's figures against cchc's.
pub fn reconcile(a: ReconcileArgs, env: &Env) -> Result<Outcome> {
    let mut spec = resolve(a.overrides(), env)?;
    let method = Some(crate::cli::Method::Official);
    pipeline::official_method(&mut spec, method, a.framework.as_deref())?;
    let (pb, tick) = progress(env, a.output.quiet);
    let m = pipeline::metrics_official(&spec, tick);
    pb.finish_and_clear();
    let m = m?;
    let mut findings = m.diagnostics.clone();
    let file = crate::project::InputFile::new(a.official.clone());
    let table = spec.read_table(
        &file,
        crate::input::columns::Input::Official,
        &crate::analysis::reconcile::COLUMNS,
    )?;
    let comma = spec.decimal_comma || table.decimal_comma;
    let published = crate::analysis::reconcile::read(&table, comma, &mut findings);
    let found =
        crate::analysis::reconcile::reconcile(&m.run, &published, &table.file, &mut findings);
    crate::diag::sort(&mut findings);
    let lang: Lang = a.output.lang;
    let quiet = a.output.quiet;
    let data = Reconciliation {
        found,
        file: table.file.to_string(),
        findings: findings.clone(),
        lang,
    };
    Ok(Outcome::new(
        report(data, reconcile_report, a.output),
        findings,
        lang,
        quiet,
    ))
}

/// What `reconcile` reports.
struct Reconciliation {
    found: crate::analysis::reconcile::Reconciled,
    file: String,
    findings: Vec<crate::diag::Diagnostic>,
    lang: Lang,
}

fn reconcile_report(r: &Reconciliation) -> crate::report::Report<'_> {
    crate::report::reconcile::build(&r.found, &r.file, &r.findings, r.lang)
}

/// `cchc sipas`.
pub fn sipas(a: SipasArgs, env: &Env) -> Result<Outcome> {
    let mut spec = resolve(a.overrides(), env)?;
    if spec.framework.is_none() {
        spec.framework = Some(("sipas".into(), ".".into()));
    }
    let s = pipeline::sipas(&spec, a.by)?;
    let lang: Lang = a.output.lang;
    let findings = s.diagnostics.clone();
    let rec = recording(
        a.record.record.as_ref(),
        "sipas",
        &spec,
        None,
        Some(&s.framework),
    );
    Ok(recorded((s, lang), sipas_report, a.output, findings, rec))
}

fn metrics_report((m, lang): &(pipeline::Metrics, Lang)) -> crate::report::Report<'_> {
    crate::report::metrics::build(&m.table, &m.diagnostics, *lang)
}

fn sipas_report((s, lang): &(pipeline::Sipas, Lang)) -> crate::report::Report<'_> {
    crate::report::sipas::build(&s.framework, &s.table, &s.diagnostics, *lang)
}
