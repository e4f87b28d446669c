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
    let l = run.lang;
    let (header, rows) = super::ranking_rows(run);
    let mut out = format!("## {} — {}", fw.id, fw.title);
    if let Some(d) = &fw.decision {
        out.push_str(&format!(" ({d})"));
    }
    out.push_str("\n\n");
    if let Some(p) = &run.period {
        let word = l.t("period");
        let mut chars = word.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string());
        out.push_str(&format!(
            "{}{} {p}. ",
            first.unwrap_or_default(),
            chars.as_str()
        ));
    }
    if run.self_stage {
        out.push_str(&format!("{}. ", l.t("ranked on self-assessed scores")));
    }
    out.push_str(&format!("{}.\n\n", super::method_line(run)));
    let text: Vec<bool> = header
        .iter()
        .map(|h| matches!(h.as_str(), "unit_id" | "name" | "group" | "band"))
        .collect();
    let shown: Vec<String> = header.iter().map(|h| l.column(h)).collect();
    out.push_str(&grid(&shown, &rows, |i, _| text[i]));
    out.push_str(&format!("\n{}\n", super::summary(run).line(fw, run.lang)));
    let c = super::comparison_lines(run);
    if !c.is_empty() {
        out.push_str(&format!("\n{c}"));
    }
    out
}
