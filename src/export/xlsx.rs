//! An Excel workbook, for inspectors who live in Excel: one sheet per table, typed
//! cells (numbers are numbers, shown with their places; text is text, never a
//! formula), a frozen bold header, column widths, coloured band cells, and the totals
//! row in bold.
//!
//! Excel stores numbers as binary floating point: each published (already rounded)
//! value is converted at this boundary only, and shows exactly as in the CSV. Sheet
//! names are made legal and unique (31 characters, none of `[]:*?/\`, no leading or
//! trailing `'`, unique ignoring case). The workbook has a fixed creation date, so the
//! same report gives the same bytes.

use super::{ExportError, Exporter, Kind, Options, Report, Side, Table, Value};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet};

fn err(e: rust_xlsxwriter::XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

/// Builds the workbook.
fn workbook(report: &Report) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(&report.title)
            .set_creation_datetime(&created),
    );
    let mut names: Vec<String> = Vec::new();
    for t in report.tables.iter().filter(|t| t.appears.has(&Xlsx)) {
        let s = t.setting::<Sheet>();
        let wanted = s.and_then(|s| s.name.as_deref()).unwrap_or(&t.id);
        let name = sheet_name(wanted, &names);
        names.push(name.clone());
        let ws = wb.add_worksheet();
        ws.set_name(&name).map_err(err)?;
        sheet(report, t, ws).map_err(err)?;
    }
    if names.is_empty() {
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, &report.title).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

fn sheet(report: &Report, t: &Table, ws: &mut Worksheet) -> Result<(), rust_xlsxwriter::XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_align(FormatAlign::Center);
    let cols = t.columns_in(&Xlsx);
    let mut widths: Vec<usize> = Vec::with_capacity(cols.len());
    for (c, (_, col)) in cols.iter().enumerate() {
        let label = report.lang.column(&col.name);
        widths.push(label.chars().count());
        ws.write_string_with_format(0, c as u16, label, &header)?;
    }
    let mut r = 1u32;
    let mut result = Ok(());
    let mut write_row = |ws: &mut Worksheet, row: &[Value], bold: bool, r: u32| {
        for (c, (i, col)) in cols.iter().enumerate() {
            let v = &row[*i];
            let shown = v.show(col.kind);
            widths[c] = widths[c].max(shown.chars().count());
            cell(ws, r, c as u16, v, col, bold)?;
        }
        Ok::<(), rust_xlsxwriter::XlsxError>(())
    };
    (t.rows)(&Xlsx, &mut |row| {
        if result.is_ok() {
            result = write_row(ws, &row, false, r);
            r += 1;
        }
    });
    result?;
    if let Some(total) = &t.total {
        write_row(ws, total, true, r)?;
    }
    let frozen = t.setting::<Sheet>().map_or((0, 0), |s| s.frozen);
    ws.set_freeze_panes(1 + frozen.0, frozen.1)?;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
    }
    Ok(())
}

fn cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: &Value,
    col: &super::Column,
    bold: bool,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut f = Format::new();
    if bold {
        f = f.set_bold();
    }
    match v {
        Value::Null => Ok(()),
        Value::Int(i) => ws
            .write_number_with_format(r, c, *i as f64, &f.set_num_format("0"))
            .map(|_| ()),
        Value::Dec(d) => {
            let format = match col.kind {
                Kind::Decimal(p) | Kind::Percent(p) if p > 0 => {
                    format!("0.{}", "0".repeat(p as usize))
                }
                Kind::Decimal(_) | Kind::Percent(_) => "0".to_string(),
                _ => "General".to_string(),
            };
            let n = d.to_f64().unwrap_or(0.0);
            ws.write_number_with_format(r, c, n, &f.set_num_format(&format))
                .map(|_| ())
        }
        Value::Bool(b) => ws.write_boolean_with_format(r, c, *b, &f).map(|_| ()),
        other => {
            let text = other.show(col.kind);
            if let Some((_, colour)) = col.colours.iter().find(|(l, _)| *l == text) {
                f = f.set_background_color(Color::RGB(*colour));
            }
            ws.write_string_with_format(r, c, text, &f).map(|_| ())
        }
    }
}

/// A sheet name Excel accepts and no earlier sheet has: at most 31 characters, none of
/// `[]:*?/\`, no `'` at either end, not `History`, unique ignoring case (a ` (2)`
/// suffix when needed).
pub fn sheet_name(raw: &str, taken: &[String]) -> String {
    let clean: String = raw
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let base: String = clean.trim().trim_matches('\'').trim().to_string();
    let base = if base.is_empty() || base.eq_ignore_ascii_case("history") {
        format!("Sheet {}", taken.len() + 1)
    } else {
        base
    };
    let fit = |s: &str, room: usize| -> String {
        let cut: String = s.chars().take(room).collect();
        cut.trim_end().trim_end_matches('\'').trim_end().to_string()
    };
    let free = |n: &str| !taken.iter().any(|t| t.to_lowercase() == n.to_lowercase());
    let first = fit(&base, 31);
    if free(&first) {
        return first;
    }
    (2..)
        .map(|k| {
            let suffix = format!(" ({k})");
            format!("{}{suffix}", fit(&base, 31 - suffix.chars().count()))
        })
        .find(|n| free(n))
        .expect("some suffix is free")
}

/// A table setting: its sheet's name (default: the table's id), and the rows and
/// columns frozen below the header and left of the data.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The sheet's name.
    pub name: Option<String>,
    /// (rows, columns) frozen.
    pub frozen: (u32, u16),
}

/// An Excel workbook.
pub struct Xlsx;

impl Exporter for Xlsx {
    fn name(&self) -> &'static str {
        "xlsx"
    }
    fn help(&self) -> &'static str {
        "An Excel workbook with typed cells (needs --out or a pipe)"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["xlsx"]
    }
    fn binary(&self) -> bool {
        true
    }
    fn for_people(&self) -> bool {
        true
    }
    fn export(
        &self,
        report: &Report,
        _: &Options,
        out: &mut dyn std::io::Write,
    ) -> Result<Vec<Side>, ExportError> {
        out.write_all(&workbook(report)?)?;
        Ok(Vec::new())
    }
}
