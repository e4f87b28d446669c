//! Decodes every column of a Parquet file with the arrow-rs `parquet` crate, on one
//! thread, three times, and prints the rows, the decoded size and the time of each.
//!
//! `cargo run --release -- FILE [BATCH_ROWS]` (default 100,000 rows per batch, as
//! cchc's polars morsels).

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: arrow-decode FILE [BATCH_ROWS]")?;
    let batch: usize = args.next().map_or(Ok(100_000), |s| s.parse())?;
    for _ in 0..3 {
        let start = Instant::now();
        let builder = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path)?)?;
        let columns = builder.parquet_schema().num_columns();
        let mask = ProjectionMask::roots(builder.parquet_schema(), 0..columns);
        let reader = builder.with_projection(mask).with_batch_size(batch).build()?;
        let (mut rows, mut bytes) = (0usize, 0usize);
        for b in reader {
            let b = b?;
            rows += b.num_rows();
            bytes += b.get_array_memory_size();
        }
        println!(
            "{rows} rows, {:.1} MB decoded in {:.3} s",
            bytes as f64 / 1e6,
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
