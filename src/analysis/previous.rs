//! Year over year: an earlier cchc ranking (its CSV or JSON output) against this run.
//!
//! Each unit in both gets `rank_change` (earlier rank − rank now: positive means it
//! moved up) and `index_change` (index now − earlier index). Units new this year and
//! units gone since are listed, never silently dropped: they are findings
//! (`unit-new`, `unit-gone`) and appear in the outputs' comparison section.

use crate::diag::{Code, Diagnostic};
use crate::input::normalize;
use crate::num::{parse_decimal, Exact};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;

/// A ranking read from an earlier output: unit → (rank, index).
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    /// The file, as shown in messages.
    pub file: String,
    /// Each unit's earlier rank and published index.
    pub units: BTreeMap<String, (u32, Decimal)>,
}

/// How one unit compares with the earlier ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Earlier rank − rank now (positive: moved up).
    pub rank_change: i64,
    /// Index now (exact) − earlier index.
    pub index_change: Exact,
}

/// What the comparison found.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The earlier file.
    pub file: String,
    /// Per unit now: its change, `None` for a unit new since.
    pub changes: BTreeMap<String, Option<Change>>,
    /// Units in the earlier ranking only: (unit_id, rank, index), in earlier rank order.
    pub gone: Vec<(String, u32, Decimal)>,
}

/// Reads an earlier ranking: `.json` (cchc's JSON output) or CSV (cchc's CSV output;
/// needs the columns unit_id, rank and index).
pub fn read(path: &Path, shown: &str) -> Result<Earlier, crate::Error> {
    let bad = |msg: String| crate::Error::Usage(format!("{shown}: {msg}"));
    let json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let mut units = BTreeMap::new();
    if json {
        let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| bad(format!("not a cchc JSON output: {e}")))?;
        let list = v["units"]
            .as_array()
            .ok_or_else(|| bad("not a cchc JSON output: no `units` list".into()))?;
        for (i, u) in list.iter().enumerate() {
            let id = u["unit_id"].as_str().map(normalize);
            let rank = u["rank"].as_u64().and_then(|r| u32::try_from(r).ok());
            let index = parse_decimal(&u["index"].to_string(), false);
            match (id, rank, index) {
                (Some(id), Some(rank), Some(index)) => {
                    units.insert(id, (rank, index));
                }
                _ => {
                    return Err(bad(format!(
                        "unit {} of `units` lacks unit_id, rank or index",
                        i + 1
                    )))
                }
            }
        }
    } else {
        let t = crate::input::Table::read(path, shown, &["unit_id", "rank", "index"])?;
        let col = |n| t.col(n).expect("required column");
        let (c_id, c_rank, c_index) = (col("unit_id"), col("rank"), col("index"));
        for r in &t.rows {
            let rank = r[c_rank].trim().parse::<u32>().ok();
            let index = parse_decimal(&r[c_index], t.decimal_comma);
            match (rank, index) {
                (Some(rank), Some(index)) => {
                    units.insert(normalize(&r[c_id]), (rank, index));
                }
                _ => {
                    return Err(bad(format!(
                        "line {}: rank `{}` or index `{}` is not a number",
                        r.line, &r[c_rank], &r[c_index]
                    )))
                }
            }
        }
    }
    Ok(Earlier {
        file: shown.to_string(),
        units,
    })
}

/// Compares the units now (unit_id, rank, exact index) with the earlier ranking;
/// units new or gone are reported in `diags`.
pub fn compare(
    earlier: &Earlier,
    now: &[(String, u32, Exact)],
    diags: &mut Vec<Diagnostic>,
) -> Comparison {
    let mut changes = BTreeMap::new();
    for (id, rank, index) in now {
        let change = earlier.units.get(id).map(|(r, i)| Change {
            rank_change: i64::from(*r) - i64::from(*rank),
            index_change: index.clone() - Exact::from(*i),
        });
        if change.is_none() {
            diags.push(
                Diagnostic::new(
                    Code::UnitNew,
                    "the unit is not in the earlier ranking: no rank_change or index_change",
                )
                .at(&earlier.file, None)
                .unit(id),
            );
        }
        changes.insert(id.clone(), change);
    }
    let mut gone: Vec<(String, u32, Decimal)> = earlier
        .units
        .iter()
        .filter(|(id, _)| !changes.contains_key(*id))
        .map(|(id, (r, i))| (id.clone(), *r, *i))
        .collect();
    gone.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    for (id, rank, index) in &gone {
        diags.push(
            Diagnostic::new(
                Code::UnitGone,
                format!(
                    "the unit was ranked {rank} ({}) in the earlier ranking and is not ranked now",
                    crate::num::plain(*index)
                ),
            )
            .at(&earlier.file, None)
            .unit(id),
        );
    }
    Comparison {
        file: earlier.file.clone(),
        changes,
        gone,
    }
}

/// Compares a ranked run with an earlier ranking; units new or gone become findings of
/// the run.
pub fn compare_run(run: &mut crate::pipeline::Run, earlier: &Earlier) -> Comparison {
    let now: Vec<(String, u32, Exact)> = run
        .scoring
        .units
        .iter()
        .map(|u| (u.unit.id.clone(), u.rank, u.totals.index_exact.clone()))
        .collect();
    let c = compare(earlier, &now, &mut run.diagnostics);
    crate::diag::sort(&mut run.diagnostics);
    c
}
