//! The terminal table: the title and lines, each table as an aligned grid (numbers
//! right-aligned), the notes. It fits the terminal: when the table is wider than the
//! terminal, the columns a report marks essential stay (rank, unit, name, group,
//! index, band, Δ) and the others are left out from the right, with a line saying
//! which (`--wide` shows them all). Every text is escaped for the terminal.

use super::{Column, ExportError, Exporter, Options, Report, Side, Table};
use crate::term::escape;
use comfy_table::{
    presets::UTF8_FULL_CONDENSED, CellAlignment, ColumnConstraint, ContentArrangement,
};
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// Writes the report for a terminal.
fn write(report: &Report, opts: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", escape(&report.title))?;
    for l in report.lines.iter().chain(&report.document) {
        writeln!(out, "{}", escape(l))?;
    }
    let tables: Vec<&Table> = report
        .tables
        .iter()
        .filter(|t| t.appears.has(&Terminal))
        .collect();
    let titled = tables.len() > 1;
    for t in tables {
        if let Some(title) = t.title.as_ref().filter(|_| titled) {
            writeln!(out, "\n{}:", escape(title))?;
        }
        grid(report, t, opts, out)?;
    }
    for n in &report.notes {
        writeln!(out, "{}", escape(n))?;
    }
    Ok(())
}

/// One table as a grid, fitted to the terminal.
fn grid(report: &Report, t: &Table, opts: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let cols = t.columns_in(&Terminal);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut n = 0;
    let limit = t.setting::<Limit>().map(|l| l.0);
    (t.rows)(&Terminal, &mut |row| {
        n += 1;
        if limit.is_none_or(|l| n <= l) {
            rows.push(
                cols.iter()
                    .map(|(i, c)| escape(&row[*i].show(c.kind)).into_owned())
                    .collect(),
            );
        }
    });
    if let Some(total) = &t.total {
        rows.push(
            cols.iter()
                .map(|(i, c)| escape(&total[*i].show(c.kind)).into_owned())
                .collect(),
        );
    }
    let headers: Vec<String> = cols
        .iter()
        .map(|(_, c)| escape(&report.lang.column(&c.name)).into_owned())
        .collect();
    // Each column's width on screen, with its padding and border.
    let widths: Vec<usize> = (0..cols.len())
        .map(|k| {
            rows.iter()
                .map(|r| r[k].width())
                .chain([headers[k].width()])
                .max()
                .unwrap_or(0)
                + 3
        })
        .collect();
    let keep = fit(&widths, &cols, opts);
    let mut table = comfy_table::Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(pick(&headers, &keep));
    for r in &rows {
        table.add_row(pick(r, &keep));
    }
    let shown: Vec<_> = cols.iter().zip(&keep).filter(|(_, k)| **k).collect();
    for (i, ((_, c), _)) in shown.iter().enumerate() {
        if c.kind.numeric() {
            if let Some(col) = table.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    let numeric: Vec<bool> = shown.iter().map(|((_, c), _)| c.kind.numeric()).collect();
    wrap_to_fit(&mut table, &widths, &keep, &numeric, opts);
    writeln!(out, "{table}")?;
    let hidden: Vec<&str> = cols
        .iter()
        .zip(&keep)
        .filter(|(_, k)| !**k)
        .map(|((_, c), _)| c.name.as_str())
        .collect();
    if !hidden.is_empty() {
        writeln!(
            out,
            "({} more column{} at this width: {}; --wide shows every column, --format csv or md has them all)",
            hidden.len(),
            if hidden.len() == 1 { "" } else { "s" },
            hidden.join(", ")
        )?;
    }
    Ok(())
}

/// Which columns to show: all, unless the terminal is narrower than the table; then
/// the non-essential ones go, from the right (a group of columns all at once), until
/// it fits (if the essential ones alone are too wide, their text wraps).
fn fit(widths: &[usize], cols: &[(usize, &Column)], opts: &Options) -> Vec<bool> {
    let mut keep = vec![true; widths.len()];
    let (Some(limit), false) = (opts.width, opts.wide) else {
        return keep;
    };
    let mut total: usize = widths.iter().sum::<usize>() + 1;
    for k in (0..widths.len()).rev() {
        if total <= limit {
            break;
        }
        let c = cols[k].1;
        if c.essential || !keep[k] {
            continue;
        }
        for j in 0..widths.len() {
            let same = j == k || (c.group.is_some() && cols[j].1.group == c.group);
            if same && keep[j] {
                keep[j] = false;
                total -= widths[j];
            }
        }
    }
    keep
}

/// When the columns that must stay are still wider than the terminal, the long text
/// columns wrap inside their cells rather than each line running past the edge;
/// numbers, ids and other short columns keep their width (never `index_the|n`).
fn wrap_to_fit(
    table: &mut comfy_table::Table,
    widths: &[usize],
    keep: &[bool],
    numeric: &[bool],
    opts: &Options,
) {
    /// A column at most this wide on screen (with padding and border) never wraps.
    const SHORT: usize = 16;
    let kept: Vec<usize> = widths
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(w, _)| *w)
        .collect();
    let (Some(limit), false) = (opts.width, opts.wide) else {
        return;
    };
    if kept.iter().sum::<usize>() < limit {
        return;
    }
    table
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(limit).unwrap_or(u16::MAX));
    for (i, w) in kept.iter().enumerate() {
        if *w <= SHORT || numeric.get(i).copied().unwrap_or(false) {
            if let Some(col) = table.column_mut(i) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
}

fn pick(cells: &[String], keep: &[bool]) -> Vec<String> {
    cells
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| c.clone())
        .collect()
}

/// A table setting: at most this many rows in the formats people read row by row
/// (the terminal table and Markdown); the other formats have all.
pub struct Limit(pub usize);

/// The terminal table.
pub struct Terminal;

impl Exporter for Terminal {
    fn name(&self) -> &'static str {
        "table"
    }
    fn help(&self) -> &'static str {
        "An aligned table for the terminal (the default on a terminal)"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["txt"]
    }
    fn for_people(&self) -> bool {
        true
    }
    fn export(
        &self,
        report: &Report,
        opts: &Options,
        out: &mut dyn Write,
    ) -> Result<Vec<Side>, ExportError> {
        write(report, opts, out)?;
        Ok(Vec::new())
    }
}
