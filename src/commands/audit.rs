//! `cchc audit TABLE`: a published results table checked against itself (and against
//! an earlier table), read like any input and reported like any command.

use super::{report, Outcome};
use crate::analysis::audit::{self, Audit, Kind};
use crate::analysis::published::{self, Earlier, Published};
use crate::cli::AuditArgs;
use crate::diag::{Code, Diagnostic};
use crate::input::columns::{Aliases, Input, Mapping};
use crate::project;
use crate::report::audit::Audited;
use anyhow::{anyhow, Result};
use std::path::Path;

/// `cchc audit`.
pub fn audit(a: AuditArgs) -> Result<Outcome> {
    let mapping = mapping(&a)?;
    let mut findings = Vec::new();
    let mut table = read(&a.table, &mapping, a.decimal_comma, &a.parts, &mut findings)?;
    if let Some(e) = &a.previous {
        let earlier = read(e, &mapping, a.decimal_comma, &[], &mut findings)?;
        let shown = earlier.table.file.to_string();
        Earlier::of(&earlier).fill(&mut table, &shown, &mut findings);
    }
    let mean = match &a.mean {
        Some(m) => Some(
            crate::num::parse_number(m, a.decimal_comma)
                .map_err(|e| anyhow!("--mean `{}` {e}", crate::term::escape(m)))?,
        ),
        None => table.mean_row.as_ref().and_then(|(r, _)| r.total),
    };
    let mut found = audit::audit(&table.rows, mean, table.places);
    if let Some((r, _)) = &table.mean_row {
        // The mean row's own figures (its change on the earlier mean), numbered after
        // the units.
        let own = audit::audit(std::slice::from_ref(r), None, table.places);
        let after = table.rows.len();
        found
            .contradictions
            .extend(own.contradictions.into_iter().map(|mut c| {
                c.row = after;
                c
            }));
    }
    findings.extend(diagnostics(&table, &found));
    crate::diag::sort(&mut findings);
    let round = (table.places, crate::num::RoundingMode::HalfUp);
    let figures = audit::figures(&table.rows, round);
    let groups = audit::figures_by_group(&table.rows, round);
    let lang = a.output.lang;
    let quiet = a.output.quiet;
    let data = Audited {
        table,
        audit: found,
        mean,
        figures,
        groups,
        findings: findings.clone(),
        lang,
    };
    Ok(Outcome::new(
        report(data, crate::report::audit::build, a.output),
        findings,
        lang,
        quiet,
    ))
}

/// The headers mapped for the table: a project's `[columns.audit]`, then `--total`
/// and `--group`.
fn mapping(a: &AuditArgs) -> Result<Mapping> {
    let mut m = match &a.project {
        Some(dir) => {
            let o = project::Overrides {
                dir: Some(dir.clone()),
                ..Default::default()
            };
            project::resolve(&o)?.columns
        }
        None => Mapping::new(),
    };
    let own = m.entry(Input::Audit).or_default();
    for (name, header) in [("total", &a.total), ("group", &a.group)] {
        if let Some(h) = header {
            own.insert(name.to_string(), vec![h.clone()]);
        }
    }
    Ok(m)
}

/// Reads one published table.
fn read(
    path: &Path,
    mapping: &Mapping,
    decimal_comma: bool,
    parts: &[String],
    findings: &mut Vec<Diagnostic>,
) -> Result<Published> {
    let f = project::InputFile::new(path.to_path_buf());
    let aliases = Aliases::of(Input::Audit, mapping);
    let mut t = crate::input::Table::read_as(
        &f.path,
        f.sheet.as_deref(),
        &f.shown,
        &published::COLUMNS,
        &aliases,
    )?;
    t.decimal_comma |= decimal_comma;
    published::read(t, parts, findings).map_err(|e| anyhow!(e))
}

/// Each contradiction as an error finding on its cell, and one warning for the table
/// when the rounding of parts (or of group means) explains a difference.
fn diagnostics(p: &Published, a: &Audit) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = a
        .contradictions
        .iter()
        .map(|c| {
            let (_, at) = p.figure(c.row, c.kind);
            Diagnostic::new(code(c.kind), c.message.clone()).located(at)
        })
        .collect();
    let mut said = Vec::new();
    if !a.rounding.is_empty() {
        let rows: Vec<&str> = a
            .rounding
            .iter()
            .take(3)
            .map(|&i| p.rows[i].unit.as_str())
            .collect();
        let more = if a.rounding.len() > 3 { ", …" } else { "" };
        said.push(format!(
            "{} total(s) differ from the sum of their printed parts only by the rounding of each part ({}{more}): not a slip",
            a.rounding.len(),
            rows.join(", ")
        ));
    }
    if !a.mean_rounding.is_empty() {
        said.push(format!(
            "{} printed group mean(s) differ from the mean of the group's printed totals by at most one unit of the last place: the rounding of the totals and of the mean, not a slip",
            a.mean_rounding.len()
        ));
    }
    if !said.is_empty() {
        out.push(Diagnostic::new(Code::AuditRounding, said.join("; ")).located(p.table.whole()));
    }
    out
}

/// The finding code of a contradiction.
fn code(kind: Kind) -> Code {
    match kind {
        Kind::Total => Code::AuditTotal,
        Kind::Parts => Code::AuditParts,
        Kind::Change => Code::AuditChange,
        Kind::AboveMean => Code::AuditAboveMean,
        Kind::Rank => Code::AuditRank,
        Kind::Previous => Code::AuditPrevious,
        Kind::GroupMean => Code::AuditGroupMean,
    }
}
