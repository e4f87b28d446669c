//! `cchc gaps` in every text format: per criterion (summed over units) and per unit and
//! criterion, largest moves first.

use crate::gaps::{CriterionGap, Gap};
use crate::Run;
use serde_json::{json, Value};

/// Header and rows of the per-unit list.
pub fn unit_rows(run: &Run, gaps: &[Gap]) -> (Vec<String>, Vec<Vec<String>>) {
    let fw = &run.framework;
    let show =
        |d: Option<rust_decimal::Decimal>| d.map_or("na".to_string(), |d| fw.rounding.show(d));
    let header = [
        "unit_id",
        "name",
        "criterion_id",
        "title",
        "self_score",
        "appraised",
        "delta",
    ]
    .map(String::from)
    .to_vec();
    let rows = gaps
        .iter()
        .map(|g| {
            let leaf = &fw.leaves[g.leaf];
            vec![
                g.unit_id.clone(),
                g.name.clone(),
                leaf.id.clone(),
                leaf.title.clone(),
                show(g.self_points),
                show(g.appraised),
                fw.rounding.show(g.delta),
            ]
        })
        .collect();
    (header, rows)
}

/// Header and rows of the per-criterion sums.
pub fn criterion_rows(run: &Run, sums: &[CriterionGap]) -> (Vec<String>, Vec<Vec<String>>) {
    let fw = &run.framework;
    let header = [
        "criterion_id",
        "title",
        "max",
        "units_moved",
        "total_delta",
        "points_moved",
    ]
    .map(String::from)
    .to_vec();
    let rows = sums
        .iter()
        .map(|c| {
            let leaf = &fw.leaves[c.leaf];
            vec![
                leaf.id.clone(),
                leaf.title.clone(),
                crate::num::plain(leaf.max),
                c.units.to_string(),
                fw.rounding.show(c.total),
                fw.rounding.show(c.moved),
            ]
        })
        .collect();
    (header, rows)
}

const INTRO: &str = "delta = what appraisal did to the unit's net points: appraised − self-assessed, negated for penalties; a side that is `na` counts 0";

/// The two tables for reading (headers in the run's language), the unit list cut to
/// `top` rows (0 = all): (criterion table, unit table, rows shown, rows in all).
type Table = (Vec<String>, Vec<Vec<String>>);
fn for_reading(run: &Run, top: usize) -> (Table, Table, usize, usize) {
    let (gaps, sums) = crate::gaps::gaps(run);
    let shown = if top == 0 {
        gaps.len()
    } else {
        top.min(gaps.len())
    };
    let localise = |(h, r): Table| -> Table { (h.iter().map(|h| run.lang.column(h)).collect(), r) };
    (
        localise(criterion_rows(run, &sums)),
        localise(unit_rows(run, &gaps[..shown])),
        shown,
        gaps.len(),
    )
}

/// Terminal text: both tables, the per-unit one cut to `top` rows (0 = all).
pub fn table(run: &Run, top: usize) -> String {
    let ((ch, cr), (uh, ur), shown, all) = for_reading(run, top);
    let mut out = format!(
        "{} — where appraisal moved self-assessed points ({INTRO})\n\nby criterion, over all units:\n",
        run.framework.id
    );
    out.push_str(&super::table::grid(&ch, cr, 2));
    out.push_str(&format!(
        "\nby unit and criterion, largest first ({shown} of {all}):\n"
    ));
    out.push_str(&super::table::grid(&uh, ur, 4));
    out
}

/// Markdown: both tables.
pub fn md(run: &Run, top: usize) -> String {
    let ((ch, cr), (uh, ur), shown, all) = for_reading(run, top);
    format!(
        "## Appraisal gaps — {}\n\n{INTRO}.\n\n### By criterion\n\n{}\n### By unit and criterion ({shown} of {all})\n\n{}",
        run.framework.id,
        super::md::grid(&ch, &cr, |i, _| i < 2),
        super::md::grid(&uh, &ur, |i, _| i < 4)
    )
}

/// CSV: the per-unit list (every row; the per-criterion sums are in the other formats).
pub fn csv(run: &Run) -> String {
    let (gaps, _) = crate::gaps::gaps(run);
    let (h, r) = unit_rows(run, &gaps);
    super::csv::write(&h, &r)
}

/// JSON: both lists, every row.
pub fn json(run: &Run) -> String {
    let (gaps, sums) = crate::gaps::gaps(run);
    let objects = |(h, rows): (Vec<String>, Vec<Vec<String>>), numeric: &[&str]| -> Vec<Value> {
        rows.iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                for (k, v) in h.iter().zip(r) {
                    let val = if numeric.contains(&k.as_str()) && v != "na" {
                        super::json::number(v)
                    } else {
                        Value::String(v.clone())
                    };
                    m.insert(k.clone(), val);
                }
                Value::Object(m)
            })
            .collect()
    };
    let v = json!({
        "framework": run.framework.id,
        "definition": INTRO,
        "by_criterion": objects(criterion_rows(run, &sums), &["max", "units_moved", "total_delta", "points_moved"]),
        "by_unit": objects(unit_rows(run, &gaps), &["self_score", "appraised", "delta"]),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values always serialise");
    s.push('\n');
    s
}
