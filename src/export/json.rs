//! JSON: everything, for scripts. The report's members before its tables, each table
//! as a list of objects (or one object), members after, then every finding and the
//! row counts. Published decimals are JSON numbers with exactly their digits; exact
//! figures that may not terminate are strings (`"17/31"`), so no digit is lost.
//!
//! The document is streamed: each row is built, written and dropped, so a report of
//! 60,000 units never sits in memory as one JSON tree.

use super::{json_number, ExportError, Exporter, Kind, Options, Report, Side, Value};
use crate::num::plain;
use serde_json::Value as JsonValue;
use std::io::Write;

/// A report value as JSON, written as its column's kind says.
pub fn value(v: &Value, kind: Option<Kind>) -> JsonValue {
    match v {
        Value::Null => JsonValue::Null,
        Value::Text(s) => JsonValue::String(s.clone()),
        Value::Int(i) => JsonValue::from(*i),
        Value::Dec(d) => json_number(&match kind {
            Some(Kind::Decimal(p) | Kind::Percent(p)) => format!("{:.*}", p as usize, d),
            Some(Kind::Plain) => plain(*d),
            _ => d.to_string(),
        }),
        Value::Exact(x) => JsonValue::String(x.to_string()),
        Value::Bool(b) => JsonValue::Bool(*b),
        Value::Date(d) => JsonValue::String(d.to_string()),
        Value::Object(members) => JsonValue::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), value(v, None)))
                .collect(),
        ),
        Value::List(items) => JsonValue::Array(items.iter().map(|v| value(v, None)).collect()),
    }
}

/// `v` pretty-printed as a member at `depth` (its lines after the first indented).
fn pretty(v: &JsonValue, depth: usize) -> String {
    let text = serde_json::to_string_pretty(v).expect("JSON values always serialise");
    let pad = "  ".repeat(depth);
    text.replace('\n', &format!("\n{pad}"))
}

/// Writes the report as one JSON document.
fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let members = report.setting::<Members>();
    let mut first = true;
    let mut member = |out: &mut dyn Write, key: &str| -> std::io::Result<()> {
        let sep = if first { "{\n" } else { ",\n" };
        first = false;
        write!(out, "{sep}  {}: ", JsonValue::String(key.to_string()))
    };
    for (k, v) in members.iter().flat_map(|m| &m.head) {
        member(out, k)?;
        out.write_all(pretty(v, 1).as_bytes())?;
    }
    for t in report.tables.iter().filter(|t| t.appears.has(&Json)) {
        let cols = t.columns_in(&Json);
        let object = |row: &[Value]| -> JsonValue {
            JsonValue::Object(
                cols.iter()
                    .map(|(i, c)| (c.name.clone(), value(&row[*i], Some(c.kind))))
                    .collect(),
            )
        };
        member(out, &t.id)?;
        let mut result = Ok(());
        if t.setting::<Single>().is_some() {
            let mut done = false;
            (t.rows)(&Json, &mut |row| {
                if !done {
                    done = true;
                    result = out.write_all(pretty(&object(&row), 1).as_bytes());
                }
            });
            if !done {
                out.write_all(b"null")?;
            }
        } else {
            let mut n = 0usize;
            out.write_all(b"[")?;
            (t.rows)(&Json, &mut |row| {
                if result.is_err() {
                    return;
                }
                let sep = if n == 0 { "\n    " } else { ",\n    " };
                n += 1;
                result = write!(out, "{sep}{}", pretty(&object(&row), 2));
            });
            result?;
            out.write_all(if n == 0 { b"]" } else { b"\n  ]" })?;
        }
        if let Some(total) = &t.total {
            member(out, "total")?;
            out.write_all(pretty(&object(total), 1).as_bytes())?;
        }
    }
    for (k, v) in members.iter().flat_map(|m| &m.tail) {
        member(out, k)?;
        out.write_all(pretty(v, 1).as_bytes())?;
    }
    if members.is_none_or(|m| !m.no_findings) {
        member(out, "diagnostics")?;
        let d = serde_json::to_value(&*report.findings).expect("findings serialise");
        out.write_all(pretty(&d, 1).as_bytes())?;
        member(out, "stats")?;
        let s = serde_json::to_value(&report.stats).expect("row counts serialise");
        out.write_all(pretty(&s, 1).as_bytes())?;
    }
    if first {
        out.write_all(b"{")?;
    }
    out.write_all(b"\n}\n")
}

/// A report setting: JSON members before and after the tables, and whether the
/// findings and row counts are left out (a report that is itself about findings).
#[derive(Debug, Clone, Default)]
pub struct Members {
    /// Members before the tables.
    pub head: Vec<(String, serde_json::Value)>,
    /// Members after the tables.
    pub tail: Vec<(String, serde_json::Value)>,
    /// Leave out `diagnostics` and `stats`.
    pub no_findings: bool,
}

/// A table setting: the table is one object (its first row), not a list.
pub struct Single;

/// JSON: everything, for scripts.
pub struct Json;

impl Exporter for Json {
    fn name(&self) -> &'static str {
        "json"
    }
    fn help(&self) -> &'static str {
        "Everything: every table, the exact figures, findings and row counts"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["json"]
    }
    fn nested(&self) -> bool {
        true
    }
    fn export(
        &self,
        report: &Report,
        _: &Options,
        out: &mut dyn Write,
    ) -> Result<Vec<Side>, ExportError> {
        write(report, out)?;
        Ok(Vec::new())
    }
}
