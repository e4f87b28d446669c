//! The report builders, one per command: each turns what a command computed into a
//! [`Report`] (the model, beside its exporters in `crate::export`) — titled tables of
//! typed columns, lines, notes — and sets what only one format needs (the JSON
//! members, the HTML page) as that format's setting. [`ranking`] (score),
//! [`explain`], [`check`], [`metrics`], [`sipas`], [`gaps`], [`advise`], [`card`],
//! [`sensitivity`], [`lineage`], [`audit`], [`codes`], [`frameworks`].

pub mod advise;
pub mod audit;
pub mod card;
pub mod check;
pub mod codes;
pub mod explain;
pub mod frameworks;
pub mod gaps;
pub mod lineage;
pub mod metrics;
pub mod portal;
pub mod ranking;
pub mod reconcile;
pub mod sensitivity;
pub mod sipas;
pub mod summary;

pub use crate::export::{json_number, Appears, Column, Kind, Report, Rows, Table, Value};
use crate::num::Exact;

/// A decimal value rounded as a framework publishes it.
pub fn published(fw: &crate::framework::Framework, x: &Exact) -> Value {
    Value::Dec(fw.rounding.apply(x))
}

/// The column kind of a framework's published figures.
pub fn points_kind(fw: &crate::framework::Framework) -> Kind {
    Kind::Decimal(fw.rounding.places)
}

/// A framework's identity and conventions, as JSON.
pub fn framework_json(fw: &crate::framework::Framework) -> serde_json::Value {
    serde_json::json!({
        "id": fw.id,
        "title": fw.title,
        "decision": fw.decision,
        "source": fw.source,
        "scale": json_number(&crate::num::plain(fw.scale)),
        "rounding": {
            "mode": fw.rounding.mode.name(),
            "places": fw.rounding.places,
            "rank_on": if fw.rounding.rank_on_exact { "exact" } else { "rounded" },
        },
    })
}

/// A period, as JSON (null when none).
pub fn period_json(p: Option<&crate::period::Period>) -> serde_json::Value {
    match p {
        Some(p) => {
            serde_json::json!({"label": p.label, "from": p.from.to_string(), "to": p.to.to_string()})
        }
        None => serde_json::Value::Null,
    }
}
