//! The ranking and the per-criterion detail as two Parquet files for analysts: the
//! same numbers as the CSV, typed (ranks as integers, points and indices as
//! DECIMAL(38, places), text as text). `--out ranking.parquet` also writes
//! `ranking.criteria.parquet`.

use crate::dossier::columnar::{parquet, Values};
use crate::dossier::DossierError;
use crate::score::SelfScore;
use crate::Run;
use rust_decimal::Decimal;

/// Where the per-criterion detail goes, beside the ranking file.
pub fn criteria_path(ranking: &std::path::Path) -> std::path::PathBuf {
    let stem = ranking
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "ranking".into());
    ranking.with_file_name(format!("{stem}.criteria.parquet"))
}

/// The ranking table: the CSV's columns, typed.
pub fn ranking(run: &Run) -> Result<Vec<u8>, DossierError> {
    let places = run.framework.rounding.places;
    let (header, rows) = super::ranking_rows(run);
    let columns = header
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let cells = rows.iter().map(|r| r[c].as_str());
            let values = match h.as_str() {
                "unit_id" | "name" | "group" | "band" => Values::Text(
                    cells
                        .map(|v| (!v.is_empty()).then(|| v.to_string()))
                        .collect(),
                ),
                "rank" | "rank_in_group" | "rank_change" => {
                    Values::Int(cells.map(|v| v.parse().ok()).collect())
                }
                _ => Values::Decimal {
                    values: cells.map(|v| v.parse::<Decimal>().ok()).collect(),
                    scale: places,
                },
            };
            (h.clone(), values)
        })
        .collect();
    parquet(columns)
}

/// One row per unit and leaf: points (rounded as published and exact), the unit's
/// claim, applicability, the checklist line and the derivation.
pub fn criteria(run: &Run) -> Result<Vec<u8>, DossierError> {
    let fw = &run.framework;
    let places = fw.rounding.places;
    let mut unit_id = Vec::new();
    let mut criterion = Vec::new();
    let mut area = Vec::new();
    let mut effect = Vec::new();
    let mut rule = Vec::new();
    let mut max = Vec::new();
    let mut applicable = Vec::new();
    let mut points = Vec::new();
    let mut exact = Vec::new();
    let mut self_score = Vec::new();
    let mut line = Vec::new();
    let mut derivation = Vec::new();
    for u in &run.scoring.units {
        for (l, r) in fw.leaves.iter().zip(&u.leaves) {
            unit_id.push(Some(u.unit.id.clone()));
            criterion.push(Some(l.id.clone()));
            area.push(Some(fw.areas[l.area].id.clone()));
            effect.push(Some(l.effect.name().to_string()));
            rule.push(Some(l.rule.name().to_string()));
            max.push(Some(l.max));
            applicable.push(Some(r.outcome.applicable));
            points.push(Some(fw.rounding.apply(r.outcome.points)));
            exact.push(Some(crate::num::plain(r.outcome.points)));
            self_score.push(match r.self_score {
                SelfScore::Given(d) => Some(fw.rounding.apply(d)),
                _ => None,
            });
            line.push(r.line.and_then(|n| i64::try_from(n).ok()));
            derivation.push(Some(super::explain::derivation(fw, l, r)));
        }
    }
    let max_scale = fw
        .leaves
        .iter()
        .map(|l| l.max.normalize().scale())
        .max()
        .unwrap_or(0);
    parquet(vec![
        ("unit_id".into(), Values::Text(unit_id)),
        ("criterion_id".into(), Values::Text(criterion)),
        ("area".into(), Values::Text(area)),
        ("effect".into(), Values::Text(effect)),
        ("rule".into(), Values::Text(rule)),
        (
            "max".into(),
            Values::Decimal {
                values: max,
                scale: max_scale,
            },
        ),
        ("applicable".into(), Values::Bool(applicable)),
        (
            "points".into(),
            Values::Decimal {
                values: points,
                scale: places,
            },
        ),
        ("points_exact".into(), Values::Text(exact)),
        (
            "self_score".into(),
            Values::Decimal {
                values: self_score,
                scale: places,
            },
        ),
        ("line".into(), Values::Int(line)),
        ("derivation".into(), Values::Text(derivation)),
    ])
}
