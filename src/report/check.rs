//! `cchc check`: whether the framework is valid, what it scores from, how many rows
//! each input gave, and every finding — a document for people.

use super::Report;
use crate::framework::Framework;
use crate::input::RowStats;
use crate::lang::Lang;
use crate::num::plain;

/// The line saying a framework is valid, and what it holds.
pub fn valid_line(fw: &Framework) -> String {
    let survey = fw.survey.as_ref().map_or_else(String::new, |s| {
        format!(
            "; survey: {} factors, {} questions",
            s.factors.len(),
            s.questions().count()
        )
    });
    format!(
        "framework {} ({}): valid — {} areas, {} criteria, scored maxima sum to {}{survey}; scored from {}",
        fw.id,
        fw.source,
        fw.areas.len(),
        fw.leaves.len(),
        plain(fw.scale),
        fw.inputs().join(", ")
    )
}

/// The check of a framework alone, or of a project (with row counts and findings).
pub fn build<'a>(
    fw: &Framework,
    stats: &[RowStats],
    findings: &'a [crate::diag::Diagnostic],
    lang: Lang,
) -> Report<'a> {
    let mut r = Report::new("check", lang, findings);
    r.document.push(valid_line(fw));
    for s in stats {
        r.document.push(format!(
            "{} ({}): {} rows read, {} used, {} rejected",
            s.input, s.file, s.read, s.used, s.rejected
        ));
    }
    r.stats = stats.to_vec();
    r
}
