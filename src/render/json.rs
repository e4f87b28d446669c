//! The ranking as JSON: the same numbers as the CSV plus the per-criterion detail, every
//! diagnostic and the row counts. Decimals are written as JSON numbers with their exact
//! digits (never through a float). The shape is documented in the README.

use crate::framework::Framework;
use crate::num::plain;
use crate::score::{SelfScore, UnitResult};
use crate::Run;
use rust_decimal::Decimal;
use serde_json::{json, Map, Number, Value};
use std::str::FromStr;

/// A decimal as a JSON number with exactly these digits.
pub fn number(text: &str) -> Value {
    Number::from_str(text)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Rows of text as JSON objects: the first `keys` columns are strings, the rest
/// numbers with their exact digits, or null where empty.
pub fn row_objects(header: &[String], rows: &[Vec<String>], keys: usize) -> Vec<Value> {
    rows.iter()
        .map(|row| {
            let mut m = Map::new();
            for (i, (name, v)) in header.iter().zip(row).enumerate() {
                let val = if i < keys {
                    Value::String(v.clone())
                } else if v.is_empty() {
                    Value::Null
                } else {
                    number(v)
                };
                m.insert(name.clone(), val);
            }
            Value::Object(m)
        })
        .collect()
}

fn shown(fw: &Framework, d: Decimal) -> Value {
    number(&fw.rounding.show(d))
}

fn exact(d: Decimal) -> Value {
    number(&plain(d))
}

/// The JSON object of one unit: ranking columns, totals and per-criterion detail.
pub fn unit(run: &Run, u: &UnitResult) -> Value {
    let fw = &run.framework;
    let t = &u.totals;
    let mut areas = Map::new();
    for (a, p) in fw.areas.iter().zip(&t.areas) {
        areas.insert(a.id.clone(), shown(fw, *p));
    }
    let criteria: Vec<Value> = fw
        .leaves
        .iter()
        .zip(&u.leaves)
        .map(|(l, r)| {
            json!({
                "id": l.id,
                "area": fw.areas[l.area].id,
                "effect": l.effect.name(),
                "rule": l.rule.name(),
                "max": exact(l.max),
                "applicable": r.outcome.applicable,
                "points": exact(r.outcome.points),
                "self_score": match r.self_score {
                    SelfScore::NotGiven => Value::Null,
                    SelfScore::Na => Value::String("na".into()),
                    SelfScore::Given(d) => exact(d),
                },
                "line": r.line,
                "derivation": super::explain::derivation(fw, l, r),
            })
        })
        .collect();
    let mut obj = json!({
        "rank": u.rank,
        "rank_in_group": u.rank_in_group,
        "unit_id": u.unit.id,
        "name": u.unit.name,
        "group": u.unit.group,
        "points": shown(fw, t.net()),
        "max_points": exact(t.max),
        "index": shown(fw, t.index),
        "index_exact": exact(t.index_exact),
        "band": u.band,
        "areas": areas,
        "scored": exact(t.scored),
        "bonus": exact(t.bonus),
        "penalty": exact(t.penalty),
    });
    if run.scoring.has_self {
        obj["self_index"] = shown(fw, u.self_totals.index);
        obj["appraisal_delta"] = shown(fw, t.index - u.self_totals.index);
    }
    if let Some(p) = &run.previous {
        let change = p.changes.get(&u.unit.id).copied().flatten();
        obj["rank_change"] = change.map_or(Value::Null, |(r, _)| Value::from(r));
        obj["index_change"] = change.map_or(Value::Null, |(_, i)| shown(fw, i));
    }
    obj["criteria"] = Value::Array(criteria);
    obj
}

/// The framework's identity and conventions.
pub fn framework(fw: &Framework) -> Value {
    json!({
        "id": fw.id,
        "title": fw.title,
        "decision": fw.decision,
        "source": fw.source,
        "scale": exact(fw.scale),
        "rounding": {
            "mode": fw.rounding.mode.name(),
            "places": fw.rounding.places,
            "rank_on": if fw.rounding.rank_on_exact { "exact" } else { "rounded" },
        },
    })
}

/// The period, or null.
pub fn period(run: &Run) -> Value {
    match &run.period {
        Some(p) => json!({"label": p.label, "from": p.from.to_string(), "to": p.to.to_string()}),
        None => Value::Null,
    }
}

/// The summary over all units: count, mean index, units per band.
pub fn summary(run: &Run) -> Value {
    let s = super::summary(run);
    let fw = &run.framework;
    json!({
        "units": s.units,
        "mean_index": s.mean_index.map_or(Value::Null, |m| shown(fw, m)),
        "bands": s.bands.iter().map(|(label, n)| json!({"band": label, "units": n})).collect::<Vec<_>>(),
    })
}

/// Renders the whole run.
pub fn render(run: &Run) -> String {
    let v = json!({
        "framework": framework(&run.framework),
        "period": period(run),
        "stage": if run.self_stage { "self" } else { "appraised" },
        "units": run.scoring.units.iter().map(|u| unit(run, u)).collect::<Vec<_>>(),
        "summary": summary(run),
        "previous": run.previous.as_ref().map_or(Value::Null, |p| json!({
            "file": p.file,
            "new": p.changes.iter().filter(|(_, c)| c.is_none()).map(|(id, _)| id.clone()).collect::<Vec<_>>(),
            "gone": p.gone.iter().map(|(id, rank, index)| json!({"unit_id": id, "rank": rank, "index": shown(&run.framework, *index)})).collect::<Vec<_>>(),
        })),
        "diagnostics": run.diagnostics,
        "stats": run.scoring.stats,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values always serialise");
    s.push('\n');
    s
}
