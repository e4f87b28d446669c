//! Tables out to Parquet, for analysts on DuckDB and polars. polars writes the file, so
//! this lives beside the engine (polars stays in this folder); callers hand over plain
//! Rust columns.

use super::DossierError;
use polars::prelude::*;
use rust_decimal::Decimal;

/// A column of plain values; `None` is null.
#[derive(Debug, Clone)]
pub enum Values {
    /// Text.
    Text(Vec<Option<String>>),
    /// Whole numbers.
    Int(Vec<Option<i64>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
    /// Exact decimals, stored as DECIMAL(38, scale) (each value already has at most
    /// `scale` places).
    Decimal {
        /// The values.
        values: Vec<Option<Decimal>>,
        /// Digits after the point.
        scale: u32,
    },
}

/// Writes named columns of equal length as one Parquet file.
pub fn parquet(columns: Vec<(String, Values)>) -> Result<Vec<u8>, DossierError> {
    let fail = |e: PolarsError| DossierError::Read {
        file: "(parquet output)".into(),
        message: e.to_string(),
    };
    let mut cols: Vec<Column> = Vec::with_capacity(columns.len());
    for (name, values) in columns {
        let name = PlSmallStr::from(name.as_str());
        let series = match values {
            Values::Text(v) => Series::new(name, v),
            Values::Int(v) => Series::new(name, v),
            Values::Bool(v) => Series::new(name, v),
            Values::Decimal { values, scale } => {
                let mantissas = values.into_iter().map(|d| {
                    d.map(|mut d| {
                        d.rescale(scale);
                        d.mantissa()
                    })
                });
                Int128Chunked::from_iter_options(name, mantissas)
                    .into_decimal(38, scale as usize)
                    .map_err(fail)?
                    .into_series()
            }
        };
        cols.push(series.into_column());
    }
    let mut df = DataFrame::new_infer_height(cols).map_err(fail)?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(&mut df).map_err(fail)?;
    Ok(buf)
}
