//! Figures over all units, as reports quote them: how many, the mean index, and how
//! many fall in each band; and the press's figures (mean, range, up and down, largest
//! and smallest change) for all units and each group, computed as `cchc audit`
//! computes them of a published table.

use crate::analysis::audit::{self, Figures};
use crate::analysis::previous::Comparison;
use crate::num::Exact;
use crate::pipeline::Run;
use rust_decimal::Decimal;

/// How the framework prints a mean.
fn round_of(fw: &crate::framework::Framework) -> audit::Round {
    (fw.rounding.places, fw.rounding.mode)
}

/// The ranking as a results table: each unit's published index, its group (the
/// ranking group, or the register column the framework's `summary-by` names) and its
/// published change on the earlier ranking (None: new since, or no `--previous`).
pub fn table_rows(run: &Run, previous: Option<&Comparison>) -> Vec<audit::Row> {
    let fw = &run.framework;
    let by = fw.ranking.summary_by.as_deref();
    run.scoring
        .units
        .iter()
        .map(|u| audit::Row {
            unit: u.unit.id.clone(),
            total: Some(u.totals.index),
            group: match by {
                Some(c) => u.unit.attr(c).unwrap_or_default().to_string(),
                None => u.unit.group.clone(),
            },
            change: previous
                .and_then(|p| p.changes.get(&u.unit.id))
                .and_then(|c| c.as_ref())
                .map(|c| fw.rounding.apply(&c.index_change)),
            ..audit::Row::default()
        })
        .collect()
}

/// The press's figures of a run: over all units, and per ranking group when there
/// are two or more.
pub fn press(run: &Run, previous: Option<&Comparison>) -> (Figures, Vec<(String, Figures)>) {
    let rows = table_rows(run, previous);
    let round = round_of(&run.framework);
    let groups = audit::figures_by_group(&rows, round);
    let groups = if groups.len() > 1 { groups } else { Vec::new() };
    (audit::figures(&rows, round), groups)
}

/// The summary of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Units ranked.
    pub units: usize,
    /// The mean of the published indices (as a report's average row is computed from
    /// the table above it), rounded once as the framework says (None: no units).
    pub mean_index: Option<Decimal>,
    /// Each band of the framework (highest first) with its number of units.
    pub bands: Vec<(String, usize)>,
}

/// The [`Summary`] of a run.
pub fn summary(run: &Run) -> Summary {
    let fw = &run.framework;
    let units = &run.scoring.units;
    // Published indices are decimals: their sum is exact and cheap (a sum of thousands
    // of exact fractions with distinct denominators would not be).
    let indices: Vec<Decimal> = units.iter().map(|u| u.totals.index).collect();
    let mean_index = audit::mean_of(&indices, round_of(fw));
    let bands = fw
        .bands
        .iter()
        .map(|b| {
            let n = units
                .iter()
                .filter(|u| u.band.as_deref() == Some(b.label.as_str()))
                .count();
            (b.label.clone(), n)
        })
        .collect();
    Summary {
        units: units.len(),
        mean_index,
        bands,
    }
}

impl Summary {
    /// One line for a report: `mean index 88.37; Nhóm A 13, Nhóm B 50`.
    pub fn line(&self, fw: &crate::framework::Framework, lang: crate::lang::Lang) -> String {
        let mut s = match self.mean_index {
            Some(m) => format!("{} {}", lang.t("mean index"), fw.rounding.show_dec(m)),
            None => lang.t("no units").to_string(),
        };
        if !self.bands.is_empty() {
            let parts: Vec<String> = self
                .bands
                .iter()
                .map(|(label, n)| format!("{label} {n}"))
                .collect();
            s.push_str(&format!("; {}", parts.join(", ")));
        }
        s
    }
}

/// Each area's median points over the units of a group (exact; the mean of the two
/// middle values for an even count), in framework order.
pub fn group_medians(run: &Run, group: &str) -> Vec<Exact> {
    let members: Vec<&crate::score::UnitResult> = run
        .scoring
        .units
        .iter()
        .filter(|u| u.unit.group == group)
        .collect();
    (0..run.framework.areas.len())
        .map(|a| {
            let mut v: Vec<&Exact> = members.iter().map(|u| &u.totals.areas[a]).collect();
            v.sort();
            match v.len() {
                0 => Exact::zero(),
                n if n % 2 == 1 => v[n / 2].clone(),
                n => Exact::ratio(&(v[n / 2 - 1].clone() + v[n / 2]), &Exact::int(2))
                    .unwrap_or_default(),
            }
        })
        .collect()
}
