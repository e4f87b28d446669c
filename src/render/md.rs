//! GitHub-flavoured Markdown tables that paste into a report: the same header and rows
//! as the CSV, numbers right-aligned, `|` escaped, a title and the summary around them.

use crate::Run;

/// Any header and rows as a Markdown table; columns for which `text(index, name)` is
/// false hold numbers and are right-aligned.
pub fn grid(header: &[String], rows: &[Vec<String>], text: impl Fn(usize, &str) -> bool) -> String {
    let cell = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('|', "\\|")
            .replace('\n', " ")
    };
    let mut out = String::new();
    out.push('|');
    for h in header {
        out.push_str(&format!(" {} |", cell(h)));
    }
    out.push_str("\n|");
    for (i, h) in header.iter().enumerate() {
        out.push_str(if text(i, h) { " --- |" } else { " ---: |" });
    }
    out.push('\n');
    for r in rows {
        out.push('|');
        for v in r {
            out.push_str(&format!(" {} |", cell(v)));
        }
        out.push('\n');
    }
    out
}

/// The ranking: a heading with the framework and period, the table, the summary.
pub fn render(run: &Run) -> String {
    let fw = &run.framework;
    let (header, rows) = super::ranking_rows(run);
    let mut out = format!("## {} — {}\n\n", fw.id, fw.title);
    if let Some(d) = &fw.decision {
        out.push_str(&format!("Follows {d}. "));
    }
    if let Some(p) = &run.period {
        out.push_str(&format!("Period {p}. "));
    }
    if run.self_stage {
        out.push_str("Ranked on the units' self-assessed scores. ");
    }
    out.push_str(&format!(
        "Index = points / applicable max × {}, rounded {} to {} places.\n\n",
        crate::num::plain(fw.scale),
        fw.rounding.mode.name(),
        fw.rounding.places
    ));
    out.push_str(&grid(&header, &rows, |_, h| {
        matches!(h, "unit_id" | "name" | "group" | "band")
    }));
    out.push_str(&format!("\n{}\n", super::summary(run).line(fw)));
    let c = super::comparison_lines(run);
    if !c.is_empty() {
        out.push_str(&format!("\n{c}"));
    }
    out
}
