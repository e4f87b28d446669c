//! Parquet for analysts on DuckDB and polars: the data table typed (counts and ranks
//! as integers, points and rates as `DECIMAL(38, places)`, text as text), and each
//! other table a report gives Parquet as a file beside it (`FILE.<table>.parquet`; the
//! ranking's per-criterion detail is `FILE.criteria.parquet`). polars writes the
//! bytes (`crate::dossier::columnar`, where polars lives); this file only maps types.

use super::{ExportError, Side};
use crate::dossier::columnar::{parquet, Values};
use crate::report::{Formats, Kind, Report, Table, Value};

/// The data table as Parquet bytes, and the side tables.
pub fn export(report: &Report) -> Result<(Vec<u8>, Vec<Side>), ExportError> {
    let primary = report
        .primary(Formats::CSV)
        .or_else(|| report.primary(Formats::PARQUET));
    let Some(primary) = primary else {
        return Ok((file(None)?, Vec::new()));
    };
    let main = file(Some(primary))?;
    let mut side = Vec::new();
    for t in report
        .tables
        .iter()
        .filter(|t| t.formats.has(Formats::PARQUET))
    {
        if !std::ptr::eq(t, primary) {
            side.push((t.id.clone(), file(Some(t))?));
        }
    }
    Ok((main, side))
}

fn file(t: Option<&Table>) -> Result<Vec<u8>, ExportError> {
    let Some(t) = t else {
        return parquet(Vec::new()).map_err(|e| ExportError::Parquet(e.to_string()));
    };
    let cols = t.columns_in(Formats::PARQUET);
    let rows = t.collect(Formats::PARQUET);
    let columns = cols
        .iter()
        .map(|(i, c)| {
            let cells = rows.iter().map(|r| &r[*i]);
            let values = match c.kind {
                Kind::Int => Values::Int(
                    cells
                        .map(|v| match v {
                            Value::Int(n) => Some(*n),
                            _ => None,
                        })
                        .collect(),
                ),
                Kind::Bool => Values::Bool(
                    cells
                        .map(|v| match v {
                            Value::Bool(b) => Some(*b),
                            _ => None,
                        })
                        .collect(),
                ),
                Kind::Decimal(p) | Kind::Percent(p) => Values::Decimal {
                    values: cells.map(decimal).collect(),
                    scale: p,
                },
                Kind::Plain => {
                    let values: Vec<_> = cells.map(decimal).collect();
                    let scale = values
                        .iter()
                        .flatten()
                        .map(|d| d.normalize().scale())
                        .max()
                        .unwrap_or(0);
                    Values::Decimal { values, scale }
                }
                Kind::Text | Kind::Exact | Kind::Date | Kind::Nested => Values::Text(
                    cells
                        .map(|v| Some(v.show(c.kind)).filter(|s| !s.is_empty()))
                        .collect(),
                ),
            };
            (c.name.clone(), values)
        })
        .collect();
    parquet(columns).map_err(|e| ExportError::Parquet(e.to_string()))
}

fn decimal(v: &Value) -> Option<rust_decimal::Decimal> {
    match v {
        Value::Dec(d) => Some(*d),
        Value::Int(i) => Some((*i).into()),
        _ => None,
    }
}
