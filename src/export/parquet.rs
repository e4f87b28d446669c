//! Parquet for analysts on DuckDB and polars: the data table typed (counts and ranks
//! as integers, points and rates as `DECIMAL(38, places)`, text as text), and each
//! other table a report gives Parquet as a file beside it (`FILE.<table>.parquet`; the
//! ranking's per-criterion detail is `FILE.criteria.parquet`). polars writes the
//! bytes (`crate::dossier::columnar`, where polars lives); this file only maps types.

use super::{ExportError, Exporter, Options, Side};
use super::{Kind, Report, Table, Value};
use crate::dossier::{parquet_bytes as parquet, ParquetValues as Values};

/// The data table as Parquet bytes, and the side tables.
fn files(report: &Report) -> Result<(Vec<u8>, Vec<Side>), ExportError> {
    let primary = report
        .primary(&super::csv::Csv)
        .or_else(|| report.primary(&Parquet));
    let Some(primary) = primary else {
        return Ok((file(None)?, Vec::new()));
    };
    let main = file(Some(primary))?;
    let mut side = Vec::new();
    for t in report.tables.iter().filter(|t| t.appears.has(&Parquet)) {
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
    let cols = t.columns_in(&Parquet);
    let rows = t.collect(&Parquet);
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

/// Parquet for analysts.
pub struct Parquet;

impl Exporter for Parquet {
    fn name(&self) -> &'static str {
        "parquet"
    }
    fn help(&self) -> &'static str {
        "Parquet for DuckDB and polars; more tables go beside FILE (needs --out)"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["parquet"]
    }
    fn binary(&self) -> bool {
        true
    }
    fn export(
        &self,
        report: &Report,
        _: &Options,
        out: &mut dyn std::io::Write,
    ) -> Result<Vec<Side>, ExportError> {
        let (main, side) = files(report)?;
        out.write_all(&main)?;
        Ok(side)
    }
}
