//! Year over year: an earlier cchc ranking (its CSV or JSON output) against this run,
//! by unit id or through a unit lineage across mergers.
//!
//! Each unit gets a baseline: its own earlier index, or — through a lineage — the
//! weighted mean of its predecessors' earlier indices (weights from the lineage, else
//! equal). `rank_change` is the baseline rank − the rank now (positive: moved up) and
//! `index_change` the index now − the baseline. Without a lineage the baseline rank is
//! the earlier rank; through one, the rank of the baseline among this year's units
//! (the framework's tie policy), since the earlier units are not this year's. Units new
//! this year and units gone since are listed, never silently dropped: they are findings
//! (`unit-new`, `unit-gone`) and appear in the outputs' comparison section.

use crate::diag::{Code, Diagnostic};
use crate::framework::Framework;
use crate::input::lineage::{Lineage, Relation};
use crate::input::normalize;
use crate::num::{parse_decimal, plain, Exact};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A ranking read from an earlier output: unit → (rank, index).
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    /// The file, as shown in messages.
    pub file: String,
    /// Each unit's earlier rank and published index.
    pub units: BTreeMap<String, (u32, Decimal)>,
    /// Each unit's name, when the file has them.
    pub names: BTreeMap<String, String>,
}

/// An earlier unit a unit now is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Predecessor {
    /// Its id in the earlier ranking.
    pub unit_id: String,
    /// Its name (the lineage's, else the earlier ranking's).
    pub name: String,
    /// How it went into the unit now.
    pub relation: Relation,
    /// Its weight as the lineage gives it.
    pub weight: Option<Decimal>,
    /// Its share of the baseline (the weights normalised, or 1/n).
    pub share: Exact,
    /// Its earlier rank.
    pub rank: u32,
    /// Its earlier (published) index.
    pub index: Decimal,
}

/// How one unit compares with the earlier ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Baseline rank − rank now (positive: moved up).
    pub rank_change: i64,
    /// Index now (exact) − baseline.
    pub index_change: Exact,
    /// The earlier index, or the weighted mean of the predecessors' (exact).
    pub baseline: Exact,
    /// The earlier rank, or the baseline's rank among this year's units.
    pub baseline_rank: u32,
    /// Through a lineage: the predecessors (empty when compared by id).
    pub predecessors: Vec<Predecessor>,
}

impl Change {
    /// Whether the unit is compared through a merger or a split, not with itself.
    pub fn through_merger(&self, unit_id: &str) -> bool {
        match self.predecessors.as_slice() {
            [] => false,
            [p] => p.unit_id != unit_id || p.relation == Relation::Part,
            _ => true,
        }
    }
}

/// A code in both rankings that names two different units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reused {
    /// The code.
    pub code: String,
    /// The unit it names now.
    pub now: String,
    /// The unit it named in the earlier ranking.
    pub then: String,
    /// Whether that earlier unit is one of the unit's predecessors.
    pub predecessor: bool,
}

/// What the comparison found.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The earlier file.
    pub file: String,
    /// The lineage it went through, if any.
    pub lineage: Option<String>,
    /// Per unit now: its change, `None` for a unit new since.
    pub changes: BTreeMap<String, Option<Change>>,
    /// Units in the earlier ranking only: (unit_id, rank, index), in earlier rank order.
    pub gone: Vec<(String, u32, Decimal)>,
    /// Codes in both rankings that name different units (through a lineage).
    pub reused: Vec<Reused>,
}

/// One unit of an earlier ranking: where it is written, its id, rank, index and name.
type EarlierRow = (String, String, u32, Decimal, Option<String>);

/// Reads an earlier ranking: `.json` (cchc's JSON output) or CSV (cchc's CSV output;
/// needs the columns unit_id, rank and index). A unit listed twice is refused.
pub fn read(path: &Path, shown: &str) -> Result<Earlier, crate::Error> {
    let bad = |msg: String| crate::Error::Usage(format!("{shown}: {msg}"));
    let json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let rows = if json {
        let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
        json_rows(&text).map_err(bad)?
    } else {
        let t = crate::input::Table::read(path, shown, &["unit_id", "rank", "index"])?;
        table_rows(&t).map_err(bad)?
    };
    let mut units = BTreeMap::new();
    let mut names = BTreeMap::new();
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for (place, id, rank, index, name) in rows {
        if let Some(f) = first.get(&id) {
            return Err(bad(repeated(&id, &place, f)));
        }
        first.insert(id.clone(), place);
        if let Some(n) = name {
            names.insert(id.clone(), n);
        }
        units.insert(id, (rank, index));
    }
    Ok(Earlier {
        file: shown.to_string(),
        units,
        names,
    })
}

/// The units of cchc's JSON output.
fn json_rows(text: &str) -> Result<Vec<EarlierRow>, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a cchc JSON output: {e}"))?;
    let list = v["units"]
        .as_array()
        .ok_or_else(|| "not a cchc JSON output: no `units` list".to_string())?;
    let mut out = Vec::new();
    for (i, u) in list.iter().enumerate() {
        let place = format!("unit {} of `units`", i + 1);
        let id = u["unit_id"].as_str().map(normalize);
        let rank = u["rank"].as_u64().and_then(|r| u32::try_from(r).ok());
        let index = parse_decimal(&u["index"].to_string(), false);
        let (Some(id), Some(rank), Some(index)) = (id, rank, index) else {
            return Err(format!("{place} lacks unit_id, rank or index"));
        };
        out.push((place, id, rank, index, u["name"].as_str().map(normalize)));
    }
    Ok(out)
}

/// The units of cchc's CSV output (or a workbook of the same columns).
fn table_rows(t: &crate::input::Table) -> Result<Vec<EarlierRow>, String> {
    let col = |n| t.col(n).expect("required column");
    let (c_id, c_rank, c_index) = (col("unit_id"), col("rank"), col("index"));
    let c_name = t.col("name");
    let word = if t.sheet.is_some() { "row" } else { "line" };
    let mut out = Vec::new();
    for r in &t.rows {
        let place = format!("{word} {}", r.line);
        let rank = r[c_rank].trim().parse::<u32>().ok();
        let index = parse_decimal(&r[c_index], t.decimal_comma);
        let (Some(rank), Some(index)) = (rank, index) else {
            return Err(format!(
                "{place}: rank `{}` or index `{}` is not a number",
                crate::term::clip(&r[c_rank], 40),
                crate::term::clip(&r[c_index], 40)
            ));
        };
        let name = c_name.map(|c| normalize(&r[c]));
        out.push((place, normalize(&r[c_id]), rank, index, name));
    }
    Ok(out)
}

/// The message for a unit an earlier ranking lists twice: its baseline would be
/// whichever row came last, so the file is refused.
fn repeated(id: &str, here: &str, first: &str) -> String {
    format!(
        "{here}: unit `{}` is listed again (first at {first}): an earlier ranking lists each unit once; remove the repeat",
        crate::term::clip(id, 40)
    )
}

/// The width of a register's codes, when every one is all digits and they share one.
pub fn code_width<'a>(ids: impl Iterator<Item = &'a str>) -> Option<usize> {
    let mut width = None;
    for id in ids {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match width {
            None => width = Some(id.len()),
            Some(w) if w != id.len() => return None,
            _ => {}
        }
    }
    width
}

/// A unit now, as the comparison sees it.
pub struct Now<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its rank.
    pub rank: u32,
    /// Its exact index.
    pub index: &'a Exact,
}

/// Compares the units now with the earlier ranking by unit id; units new or gone are
/// reported in `diags`.
pub fn compare(earlier: &Earlier, now: &[Now], diags: &mut Vec<Diagnostic>) -> Comparison {
    let mut changes = BTreeMap::new();
    for u in now {
        let change = earlier.units.get(u.id).map(|(r, i)| Change {
            rank_change: i64::from(*r) - i64::from(u.rank),
            index_change: u.index.clone() - Exact::from(*i),
            baseline: Exact::from(*i),
            baseline_rank: *r,
            predecessors: Vec::new(),
        });
        if change.is_none() {
            diags.push(new_unit(
                u.id,
                &earlier.file,
                "the unit is not in the earlier ranking",
            ));
        }
        changes.insert(u.id.to_string(), change);
    }
    let used: BTreeSet<&str> = changes.keys().map(String::as_str).collect();
    Comparison {
        file: earlier.file.clone(),
        gone: gone(earlier, &used, diags),
        changes,
        ..Comparison::default()
    }
}

fn new_unit(id: &str, file: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnitNew,
        format!("{why}: no rank_change or index_change"),
    )
    .at(file, None)
    .unit(id)
}

/// The earlier units no unit now is compared with, in earlier rank order, each a
/// `unit-gone` finding.
fn gone(
    earlier: &Earlier,
    used: &BTreeSet<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, u32, Decimal)> {
    let mut gone: Vec<(String, u32, Decimal)> = earlier
        .units
        .iter()
        .filter(|(id, _)| !used.contains(id.as_str()))
        .map(|(id, (r, i))| (id.clone(), *r, *i))
        .collect();
    gone.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    for (id, rank, index) in &gone {
        diags.push(
            Diagnostic::new(
                Code::UnitGone,
                format!(
                    "the unit was ranked {rank} ({}) in the earlier ranking and no unit ranked now is compared with it",
                    plain(*index)
                ),
            )
            .at(&earlier.file, None)
            .unit(id),
        );
    }
    gone
}

/// Compares the units now with the earlier ranking through a lineage: each unit's
/// baseline is the weighted mean of its predecessors' earlier indices, ranked among
/// this year's units under the framework's tie policy. An id in both rankings is the
/// same unit only when the lineage says so; codes reused for another unit, units new
/// and gone, and equal weights assumed for a split are reported in `diags`.
pub fn compare_through(
    earlier: &Earlier,
    lineage: &Lineage,
    now: &[Now],
    fw: &Framework,
    diags: &mut Vec<Diagnostic>,
) -> Comparison {
    let mut baselines: Vec<Option<(Exact, Vec<Predecessor>)>> = Vec::with_capacity(now.len());
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for u in now {
        let preds = predecessors(earlier, lineage, u.id, diags);
        for p in &preds {
            used.extend(
                earlier
                    .units
                    .get_key_value(&p.unit_id)
                    .map(|(k, _)| k.as_str()),
            );
        }
        if preds.is_empty() {
            let why = format!(
                "no predecessor of the unit is in the earlier ranking (lineage {})",
                lineage.file
            );
            diags.push(new_unit(u.id, &earlier.file, &why));
            baselines.push(None);
            continue;
        }
        let baseline = preds.iter().fold(Exact::zero(), |acc, p| {
            acc + p.share.clone() * Exact::from(p.index)
        });
        baselines.push(Some((baseline, preds)));
    }
    let ranks = baseline_ranks(fw, now, &baselines);
    let mut changes = BTreeMap::new();
    for ((u, b), r) in now.iter().zip(baselines).zip(ranks) {
        let change = b.map(|(baseline, predecessors)| Change {
            rank_change: i64::from(r) - i64::from(u.rank),
            index_change: u.index.clone() - &baseline,
            baseline,
            baseline_rank: r,
            predecessors,
        });
        changes.insert(u.id.to_string(), change);
    }
    let reused = reused_codes(earlier, lineage, now, &changes, diags);
    Comparison {
        file: earlier.file.clone(),
        lineage: Some(lineage.file.clone()),
        gone: gone(earlier, &used, diags),
        changes,
        reused,
    }
}

/// A unit's predecessors that the earlier ranking ranked, with their shares: the
/// lineage's weights when it gives one for each, else equal (reported when a
/// predecessor was split, or only some have weights).
fn predecessors(
    earlier: &Earlier,
    lineage: &Lineage,
    id: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Predecessor> {
    let edges: Vec<_> = lineage
        .into_unit(id)
        .filter(|e| earlier.units.contains_key(&e.old_id))
        .collect();
    let weighted = !edges.is_empty() && edges.iter().all(|e| e.weight.is_some());
    let total: Decimal = edges.iter().filter_map(|e| e.weight).sum();
    let n = edges.len() as u64;
    let split = edges.iter().any(|e| e.relation == Relation::Part);
    let some_weights = edges.iter().any(|e| e.weight.is_some());
    if !weighted && edges.len() > 1 && (split || some_weights) {
        let why = if some_weights {
            "the lineage gives weights for only some of its predecessors"
        } else {
            "a predecessor was split (part) and the lineage gives no weights"
        };
        diags.push(
            Diagnostic::new(
                Code::EqualWeights,
                format!("{why}: equal weights (1/{n}) assumed for its baseline"),
            )
            .at(&lineage.file, edges.first().map(|e| e.line))
            .unit(id),
        );
    }
    edges
        .into_iter()
        .map(|e| {
            let (rank, index) = earlier.units[&e.old_id];
            let share = match (weighted, e.weight) {
                (true, Some(w)) => Exact::ratio(&Exact::from(w), &Exact::from(total)),
                _ => Exact::ratio(&Exact::one(), &Exact::from(n)),
            }
            .unwrap_or_default();
            let name = if e.old_name.is_empty() {
                earlier.names.get(&e.old_id).cloned().unwrap_or_default()
            } else {
                e.old_name.clone()
            };
            Predecessor {
                unit_id: e.old_id.clone(),
                name,
                relation: e.relation,
                weight: e.weight,
                share,
                rank,
                index,
            }
        })
        .collect()
}

/// Each baseline's rank among this year's units that have one (0 for none), under the
/// framework's tie policy and on the value it ranks (published, or exact).
fn baseline_ranks(
    fw: &Framework,
    now: &[Now],
    baselines: &[Option<(Exact, Vec<Predecessor>)>],
) -> Vec<u32> {
    let key = |b: &Exact| {
        if fw.rounding.rank_on_exact {
            b.clone()
        } else {
            Exact::from(fw.rounding.apply(b))
        }
    };
    let with: Vec<usize> = (0..now.len()).filter(|&i| baselines[i].is_some()).collect();
    let entries: Vec<crate::rank::Entry> = with
        .iter()
        .filter_map(|&i| {
            let (b, _) = baselines[i].as_ref()?;
            Some(crate::rank::Entry {
                key: key(b),
                points: b.clone(),
                areas: &[],
                unit_id: now[i].id,
            })
        })
        .collect();
    let (_, r) = crate::rank::ranks(&entries, &fw.ranking.ties);
    let mut out = vec![0; now.len()];
    for (k, &i) in with.iter().enumerate() {
        out[i] = r[k];
    }
    out
}

/// Codes ranked both now and earlier that the lineage does not call the same unit.
fn reused_codes(
    earlier: &Earlier,
    lineage: &Lineage,
    now: &[Now],
    changes: &BTreeMap<String, Option<Change>>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Reused> {
    let mut out = Vec::new();
    for u in now {
        if !earlier.units.contains_key(u.id) || lineage.same_unit(u.id) {
            continue;
        }
        let then = lineage
            .out_of(u.id)
            .map(|e| e.old_name.clone())
            .find(|n| !n.is_empty())
            .or_else(|| earlier.names.get(u.id).cloned())
            .unwrap_or_default();
        let predecessor = changes
            .get(u.id)
            .and_then(Option::as_ref)
            .is_some_and(|c| c.predecessors.iter().any(|p| p.unit_id == u.id));
        let role = if predecessor {
            "one of its predecessors"
        } else {
            "not one of its predecessors"
        };
        diags.push(
            Diagnostic::new(
                Code::CodeReused,
                format!(
                    "code {} is {} now but was {then} in the earlier ranking ({role}): compared through the lineage, not by code{}",
                    u.id,
                    u.name,
                    lineage
                        .padding
                        .as_ref()
                        .map(|p| format!(" ({})", p.words()))
                        .unwrap_or_default()
                ),
            )
            .at(&earlier.file, None)
            .unit(u.id),
        );
        out.push(Reused {
            code: u.id.to_string(),
            now: u.name.to_string(),
            then,
            predecessor,
        });
    }
    out
}

/// Compares a ranked run with an earlier ranking, through a lineage when one is given;
/// what it finds (units new or gone, reused codes, equal weights) become findings of
/// the run.
pub fn compare_run(
    run: &mut crate::pipeline::Run,
    earlier: &Earlier,
    lineage: Option<&Lineage>,
) -> Comparison {
    let now: Vec<Now> = run
        .scoring
        .units
        .iter()
        .map(|u| Now {
            id: &u.unit.id,
            name: &u.unit.name,
            rank: u.rank,
            index: &u.totals.index_exact,
        })
        .collect();
    let mut diags = Vec::new();
    let c = match lineage {
        Some(l) => {
            // Codes a workbook stored as numbers meet the register's at its width.
            let mut l = l.clone();
            if let Some(w) = code_width(now.iter().map(|u| u.id)) {
                l.pad_to(w, "the unit register's codes");
            }
            compare_through(earlier, &l, &now, &run.framework, &mut diags)
        }
        None => compare(earlier, &now, &mut diags),
    };
    run.diagnostics.extend(diags);
    crate::diag::sort(&mut run.diagnostics);
    c
}
