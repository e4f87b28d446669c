//! JSON: everything, for scripts. The report's members before its tables, each table
//! as a list of objects (or one object), members after, then every finding and the
//! row counts. Published decimals are JSON numbers with exactly their digits; exact
//! figures that may not terminate are strings (`"17/31"`), so no digit is lost.
//!
//! The document is streamed: each row is built, written and dropped, so a report of
//! 60,000 units never sits in memory as one JSON tree.

use crate::num::plain;
use crate::report::{json_number, Formats, Kind, Report, Value};
use serde_json::Value as Json;
use std::io::Write;

/// A report value as JSON, written as its column's kind says.
pub fn value(v: &Value, kind: Option<Kind>) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Text(s) => Json::String(s.clone()),
        Value::Int(i) => Json::from(*i),
        Value::Dec(d) => json_number(&match kind {
            Some(Kind::Decimal(p) | Kind::Percent(p)) => format!("{:.*}", p as usize, d),
            Some(Kind::Plain) => plain(*d),
            _ => d.to_string(),
        }),
        Value::Exact(x) => Json::String(x.to_string()),
        Value::Bool(b) => Json::Bool(*b),
        Value::Date(d) => Json::String(d.to_string()),
        Value::Object(members) => Json::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), value(v, None)))
                .collect(),
        ),
        Value::List(items) => Json::Array(items.iter().map(|v| value(v, None)).collect()),
    }
}

/// `v` pretty-printed as a member at `depth` (its lines after the first indented).
fn pretty(v: &Json, depth: usize) -> String {
    let text = serde_json::to_string_pretty(v).expect("JSON values always serialise");
    let pad = "  ".repeat(depth);
    text.replace('\n', &format!("\n{pad}"))
}

/// Writes the report as one JSON document.
pub fn export(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut first = true;
    let mut member = |out: &mut dyn Write, key: &str| -> std::io::Result<()> {
        let sep = if first { "{\n" } else { ",\n" };
        first = false;
        write!(out, "{sep}  {}: ", Json::String(key.to_string()))
    };
    for (k, v) in &report.json_head {
        member(out, k)?;
        out.write_all(pretty(v, 1).as_bytes())?;
    }
    for t in report
        .tables
        .iter()
        .filter(|t| t.formats.has(Formats::JSON))
    {
        let cols = t.columns_in(Formats::JSON);
        let object = |row: &[Value]| -> Json {
            Json::Object(
                cols.iter()
                    .map(|(i, c)| (c.name.clone(), value(&row[*i], Some(c.kind))))
                    .collect(),
            )
        };
        member(out, &t.id)?;
        let mut result = Ok(());
        if t.single {
            let mut done = false;
            (t.rows)(Formats::JSON, &mut |row| {
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
            (t.rows)(Formats::JSON, &mut |row| {
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
    for (k, v) in &report.json_tail {
        member(out, k)?;
        out.write_all(pretty(v, 1).as_bytes())?;
    }
    if report.json_findings {
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
