//! Figures over all units, as reports quote them: how many, the mean index, and how
//! many fall in each band.

use crate::num::Exact;
use crate::pipeline::Run;
use rust_decimal::Decimal;

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
    let sum: rust_decimal::Decimal = units.iter().map(|u| u.totals.index).sum();
    let sum = Exact::from(sum);
    let mean_index =
        Exact::ratio(&sum, &Exact::from(units.len() as u64)).map(|m| fw.rounding.apply(&m));
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
