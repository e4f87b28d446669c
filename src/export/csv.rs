//! CSV: the report's data table (the first that CSV carries), its stable column
//! names, values as they are (they are data for scripts). A CSV opened in Excel shows
//! text starting with `=`, `+`, `-` or `@` as the user's own data; the xlsx output is
//! the one made for Excel.

use crate::report::{Formats, Report};
use std::io::Write;

/// Writes the data table as CSV (UTF-8, comma-separated, `\n` line ends).
pub fn export(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(table) = report.primary(Formats::CSV) else {
        return Ok(());
    };
    let cols = table.columns_in(Formats::CSV);
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(cols.iter().map(|(_, c)| c.name.as_str()))?;
    let mut failed = None;
    (table.rows)(Formats::CSV, &mut |row| {
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
