//! `cchc reconcile --official`: the portal's published figures (per unit and
//! indicator: numerator, denominator, score) against cchc's computation of the same
//! official index. A figure differs when a count is not the same, or a score is
//! further from cchc's exact score than the portal's 2-decimal rounding allows
//! (0.005). This is how a Department finds which dossiers the portal counts otherwise.

use crate::diag::{Code, Diagnostic};
use crate::input::Table;
use crate::num::{plain, Exact};
use crate::pipeline::Run;
use crate::portal::Indicator;
use rust_decimal::Decimal;

/// The columns the portal's table needs.
pub const COLUMNS: [&str; 2] = ["unit_id", "indicator"];

/// One row of the portal's table (empty cells: unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// Line (or row) in the file.
    pub line: usize,
    /// The unit.
    pub unit: String,
    /// The indicator, a group code or `total`.
    pub indicator: String,
    /// Its numerator, if printed.
    pub numerator: Option<u64>,
    /// Its denominator, if printed.
    pub denominator: Option<u64>,
    /// Its score, if printed.
    pub score: Option<Decimal>,
}

/// Reads the portal's table; a cell that is not a number is an error finding (the
/// cell is then unknown).
pub fn read(table: &Table, comma: bool, diags: &mut Vec<Diagnostic>) -> Vec<Published> {
    let col = |n: &str| table.col(n);
    let mut out = Vec::new();
    for row in &table.rows {
        let cell = |n: &str| col(n).map_or("", |c| row[c].trim());
        let mut bad = |n: &str, what: &str| {
            diags.push(
                Diagnostic::new(
                    Code::BadNumber,
                    format!("{n} `{}` is not {what}; taken as unknown", cell(n)),
                )
                .at(&table.file, Some(row.line)),
            );
        };
        let mut count = |n: &str| match cell(n) {
            "" => None,
            s => s.parse::<u64>().ok().or_else(|| {
                bad(n, "a whole number of 0 or more");
                None
            }),
        };
        let numerator = count("numerator");
        let denominator = count("denominator");
        let score = match cell("score") {
            "" => None,
            s => crate::num::parse_decimal(s, comma).or_else(|| {
                diags.push(
                    Diagnostic::new(
                        Code::BadNumber,
                        format!("score `{s}` is not a number; taken as unknown"),
                    )
                    .at(&table.file, Some(row.line)),
                );
                None
            }),
        };
        out.push(Published {
            line: row.line,
            unit: crate::input::normalize(cell("unit_id")),
            indicator: cell("indicator").to_string(),
            numerator,
            denominator,
            score,
        });
    }
    out
}

/// cchc's figures for one unit and indicator (or group, or total).
#[derive(Debug, Clone, PartialEq)]
pub struct Ours {
    /// Its numerator.
    pub numerator: Option<u64>,
    /// Its denominator.
    pub denominator: Option<u64>,
    /// Its exact score (None: not applicable).
    pub score: Option<Exact>,
    /// How it was derived, in words.
    pub derivation: String,
}

/// A figure the portal prints otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The portal table's line.
    pub line: usize,
    /// The unit.
    pub unit: String,
    /// The indicator, group or `total`.
    pub indicator: String,
    /// `numerator`, `denominator` or `score`.
    pub figure: &'static str,
    /// The portal's value.
    pub portal: String,
    /// cchc's value (`na` when the indicator does not apply).
    pub cchc: String,
    /// The portal's figures of the row, in words.
    pub portal_derivation: String,
    /// cchc's derivation.
    pub cchc_derivation: String,
}

/// What a reconciliation found.
#[derive(Debug, Clone, Default)]
pub struct Reconciled {
    /// Every difference, in the portal table's order.
    pub differences: Vec<Difference>,
    /// The figures compared (known on the portal's side).
    pub compared: usize,
}

/// cchc's figures for `indicator` of unit `u` of the run (None: no such indicator).
pub fn ours(run: &Run, unit: &str, indicator: &str) -> Option<Ours> {
    let fw = &run.framework;
    let u = run.scoring.units.iter().find(|u| u.unit.id == unit)?;
    if indicator == "total" {
        return Some(Ours {
            numerator: None,
            denominator: None,
            score: Some(u.totals.index_exact.clone()),
            derivation: format!(
                "points {} / applicable maximum {} × {}",
                u.totals
                    .points_of(fw)
                    .0
                    .round(4, crate::num::RoundingMode::HalfUp),
                plain(u.totals.max),
                plain(fw.scale)
            ),
        });
    }
    if let Some(a) = fw.areas.iter().position(|a| a.id == indicator) {
        let applies = u.totals.area_max.get(a).is_some_and(|m| *m > Decimal::ZERO);
        let ids: Vec<&str> = fw
            .leaves
            .iter()
            .filter(|l| l.area == a)
            .map(|l| l.id.as_str())
            .collect();
        return Some(Ours {
            numerator: None,
            denominator: None,
            score: applies.then(|| u.totals.areas[a].clone()),
            derivation: format!("the sum of {}", ids.join(" + ")),
        });
    }
    let l = fw.leaf(indicator)?;
    let leaf = &fw.leaves[l];
    let res = &u.leaves[l];
    let found: Option<&Indicator> = leaf.official_indicator().and_then(|id| {
        run.official
            .as_ref()?
            .get(unit)?
            .iter()
            .find(|i| i.id == id)
    });
    let o = &res.base.outcome;
    Some(Ours {
        numerator: found.and_then(|i| i.numerator),
        denominator: found.and_then(|i| i.denominator),
        score: o.applicable.then(|| o.points.clone()),
        derivation: crate::score::trace::derivation(fw, leaf, &res.base),
    })
}

fn portal_words(p: &Published) -> String {
    let n = |x: Option<u64>| x.map_or_else(|| "?".to_string(), |v| v.to_string());
    let score = p.score.map_or_else(|| "?".to_string(), plain);
    match (p.numerator, p.denominator) {
        (None, None) => format!("score {score}"),
        (num, den) => format!("{}/{} → score {score}", n(num), n(den)),
    }
}

/// Compares every known figure of the portal's rows with cchc's; a row naming a unit
/// or an indicator cchc does not have is a warning.
pub fn reconcile(
    run: &Run,
    published: &[Published],
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> Reconciled {
    let mut out = Reconciled::default();
    for p in published {
        let Some(ours) = ours(run, &p.unit, &p.indicator) else {
            diags.push(
                Diagnostic::new(
                    Code::UnknownIndicator,
                    format!(
                        "unit `{}`, indicator `{}`: cchc has no such figure (a unit of the register, an indicator or group of {}, or `total`)",
                        p.unit, p.indicator, run.framework.id
                    ),
                )
                .at(file, Some(p.line)),
            );
            continue;
        };
        compare(p, &ours, &mut out);
    }
    for d in &out.differences {
        diags.push(
            Diagnostic::new(
                Code::OfficialDiffers,
                format!(
                    "unit `{}`, {} {}: the portal prints {}, cchc computes {} (portal: {}; cchc: {})",
                    d.unit,
                    d.indicator,
                    d.figure,
                    d.portal,
                    d.cchc,
                    d.portal_derivation,
                    d.cchc_derivation
                ),
            )
            .at(file, Some(d.line)),
        );
    }
    out
}

/// The figures of one published row that differ from ours, added to `out`.
fn compare(p: &Published, ours: &Ours, out: &mut Reconciled) {
    let mut differ = |figure: &'static str, portal: String, cchc: String| {
        out.differences.push(Difference {
            line: p.line,
            unit: p.unit.clone(),
            indicator: p.indicator.clone(),
            figure,
            portal,
            cchc,
            portal_derivation: portal_words(p),
            cchc_derivation: ours.derivation.clone(),
        });
    };
    let show = |x: Option<u64>| x.map_or_else(|| "na".to_string(), |v| v.to_string());
    for (figure, theirs, mine) in [
        ("numerator", p.numerator, ours.numerator),
        ("denominator", p.denominator, ours.denominator),
    ] {
        if let Some(t) = theirs {
            out.compared += 1;
            if Some(t) != mine {
                differ(figure, t.to_string(), show(mine));
            }
        }
    }
    if let Some(t) = p.score {
        out.compared += 1;
        let half = Exact::from(Decimal::new(5, 3));
        let within = ours
            .score
            .as_ref()
            .is_some_and(|s| (s.clone() - Exact::from(t)).abs() <= half);
        if !within {
            let mine = ours.score.as_ref().map_or_else(
                || "na".to_string(),
                |s| s.round(4, crate::num::RoundingMode::HalfUp).to_string(),
            );
            differ("score", plain(t), mine);
        }
    }
}
