//! The ranking as an aligned table for a terminal or a plain-text report.

use crate::Run;
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, ContentArrangement, Table};

/// Renders a title line and the ranking table.
pub fn render(run: &Run) -> String {
    let fw = &run.framework;
    let (header, rows) = super::ranking_rows(run);
    let shown: Vec<String> = header.iter().map(|h| run.lang.column(h)).collect();
    let numeric: Vec<bool> = header
        .iter()
        .map(|h| !matches!(h.as_str(), "unit_id" | "name" | "group" | "band"))
        .collect();
    let t = grid_table(&shown, rows, |i, _| numeric[i]);
    let l = run.lang;
    let mut out = format!("{} — {}", fw.id, fw.title);
    if let Some(d) = &fw.decision {
        out.push_str(&format!(" ({d})"));
    }
    if let Some(p) = &run.period {
        out.push_str(&format!("\n{} {p}", l.t("period")));
    }
    if run.self_stage {
        out.push_str(&format!(
            "\n{}",
            l.t("stage: self-assessed scores (--stage self)")
        ));
    }
    out.push_str(&format!("\n{}\n", super::method_line(run)));
    out.push_str(&t.to_string());
    out.push('\n');
    out.push_str(&super::summary(run).line(fw, l));
    out.push('\n');
    out.push_str(&super::comparison_lines(run));
    out
}

fn grid_table(
    header: &[String],
    rows: Vec<Vec<String>>,
    numeric: impl Fn(usize, &str) -> bool,
) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    for r in rows {
        t.add_row(r);
    }
    for (i, h) in header.iter().enumerate() {
        if numeric(i, h) {
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
    format!("{}\n", grid_table(header, rows, |i, _| i >= keys))
}
