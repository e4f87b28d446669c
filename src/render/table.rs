//! The ranking as an aligned table for a terminal or a plain-text report.

use crate::Run;
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, ContentArrangement, Table};

/// Renders a title line and the ranking table.
pub fn render(run: &Run) -> String {
    let fw = &run.framework;
    let (header, rows) = super::ranking_rows(run);
    let t = grid_table(&header, rows, |h| {
        !matches!(h, "unit_id" | "name" | "group" | "band")
    });
    let mut out = format!("{} — {}", fw.id, fw.title);
    if let Some(d) = &fw.decision {
        out.push_str(&format!(" ({d})"));
    }
    if let Some(p) = &run.period {
        out.push_str(&format!("\nperiod {p}"));
    }
    if run.self_stage {
        out.push_str("\nstage: self-assessed scores (--stage self)");
    }
    out.push_str(&format!(
        "\n{} units; index = points / applicable max × {}, rounded {} to {} places\n",
        run.scoring.units.len(),
        crate::num::plain(fw.scale),
        fw.rounding.mode.name(),
        fw.rounding.places
    ));
    out.push_str(&t.to_string());
    out.push('\n');
    out.push_str(&super::summary(run).line(fw));
    out.push('\n');
    out.push_str(&super::comparison_lines(run));
    out
}

fn grid_table(header: &[String], rows: Vec<Vec<String>>, numeric: impl Fn(&str) -> bool) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    for r in rows {
        t.add_row(r);
    }
    for (i, h) in header.iter().enumerate() {
        if numeric(h) {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    t
}

/// Any header and rows as a terminal table; columns after the first `keys` are
/// right-aligned numbers.
pub fn grid(header: &[String], rows: Vec<Vec<String>>, keys: usize) -> String {
    let numeric: Vec<&str> = header[keys.min(header.len())..]
        .iter()
        .map(String::as_str)
        .collect();
    format!("{}\n", grid_table(header, rows, |h| numeric.contains(&h)))
}
