//! The ranking as CSV: exactly the columns of PRODUCT.md, for scripts and Excel.

use crate::Run;

/// Renders the ranking as CSV (UTF-8, comma-separated, `\n` line ends).
pub fn render(run: &Run) -> String {
    let (header, rows) = super::ranking_rows(run);
    write(&header, &rows)
}

/// Any header and rows as CSV.
pub fn write(header: &[String], rows: &[Vec<String>]) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    w.write_record(header).expect("in-memory write");
    for r in rows {
        w.write_record(r).expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory flush"))
        .expect("CSV of UTF-8 strings is UTF-8")
}
