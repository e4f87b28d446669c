//! GitHub-flavoured Markdown that pastes into a report: a heading, the lines under it
//! as one paragraph, each table (numbers right-aligned, `|` escaped), the notes.
//! Control characters are escaped, as for a terminal.

use super::{ExportError, Exporter, Options, Report, Side, Table, Value};
use crate::term::escape;
use std::io::Write;

fn cell(s: &str) -> String {
    escape(&s.replace('\n', " "))
        .replace('\\', "\\\\")
        .replace('|', "\\|")
}

/// One table as Markdown.
fn grid(report: &Report, t: &Table, out: &mut dyn Write) -> std::io::Result<()> {
    let cols = t.columns_in(&Markdown);
    let mut head = String::from("|");
    let mut rule = String::from("|");
    for (_, c) in &cols {
        head.push_str(&format!(" {} |", cell(&report.lang.column(&c.name))));
        rule.push_str(if c.kind.numeric() {
            " ---: |"
        } else {
            " --- |"
        });
    }
    writeln!(out, "{head}\n{rule}")?;
    let line = |row: &[Value]| {
        let mut s = String::from("|");
        for (i, c) in &cols {
            s.push_str(&format!(" {} |", cell(&row[*i].show(c.kind))));
        }
        s
    };
    let mut n = 0;
    let mut result = Ok(());
    let limit = t.setting::<super::table::Limit>().map(|l| l.0);
    (t.rows)(&Markdown, &mut |row| {
        n += 1;
        if limit.is_some_and(|l| n > l) || result.is_err() {
            return;
        }
        result = writeln!(out, "{}", line(&row));
    });
    result?;
    if let Some(total) = &t.total {
        writeln!(out, "{}", line(total))?;
    }
    Ok(())
}

/// Writes the report as Markdown.
fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "## {}\n", cell(&report.title))?;
    if !report.lines.is_empty() {
        let sentences: Vec<String> = report.lines.iter().map(|l| sentence(l)).collect();
        writeln!(out, "{}\n", escape(&sentences.join(" ")))?;
    }
    if !report.document.is_empty() {
        writeln!(out, "```text")?;
        for l in &report.document {
            writeln!(out, "{}", escape(l))?;
        }
        writeln!(out, "```\n")?;
    }
    let tables: Vec<&Table> = report
        .tables
        .iter()
        .filter(|t| t.appears.has(&Markdown))
        .collect();
    for (i, t) in tables.iter().enumerate() {
        if let Some(title) = &t.title {
            writeln!(out, "### {}\n", cell(title))?;
        }
        grid(report, t, out)?;
        if i + 1 < tables.len() {
            writeln!(out)?;
        }
    }
    for n in &report.notes {
        writeln!(out, "\n{}", escape(n))?;
    }
    Ok(())
}

/// A line as a sentence: a capital first letter and a full stop.
fn sentence(line: &str) -> String {
    let mut chars = line.chars();
    let first = chars
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    let rest = chars.as_str();
    let end = if line.ends_with('.') { "" } else { "." };
    format!("{first}{rest}{end}")
}

/// Markdown that pastes into a report.
pub struct Markdown;

impl Exporter for Markdown {
    fn name(&self) -> &'static str {
        "md"
    }
    fn help(&self) -> &'static str {
        "GitHub-flavoured Markdown that pastes into a report"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["md"]
    }
    fn for_people(&self) -> bool {
        true
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
