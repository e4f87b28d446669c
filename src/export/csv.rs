//! CSV: the report's data table (the first that CSV carries), its stable column
//! names, values as they are (they are data for scripts). A CSV opened in Excel shows
//! text starting with `=`, `+`, `-` or `@` as the user's own data; the xlsx output is
//! the one made for Excel.

use super::{ExportError, Exporter, Options, Report, Side};
use std::io::Write;

/// Writes the data table as CSV (UTF-8, comma-separated, `\n` line ends).
fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(table) = report.primary(&Csv) else {
        return Ok(());
    };
    let cols = table.columns_in(&Csv);
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(cols.iter().map(|(_, c)| c.name.as_str()))?;
    let mut failed = None;
    (table.rows)(&Csv, &mut |row| {
        if failed.is_some() {
            return;
        }
        let rec = cols.iter().map(|(i, c)| row[*i].show(c.kind));
        if let Err(e) = w.write_record(rec) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    w.flush()
}

/// CSV: the data table, for scripts.
pub struct Csv;

impl Exporter for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }
    fn help(&self) -> &'static str {
        "Comma-separated, the data table (the default when piped)"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["csv"]
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
