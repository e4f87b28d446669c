//! The ranking as an Excel workbook, for inspectors who live in Excel: a `Ranking`
//! sheet with typed numbers (never numbers as text) shown with the framework's decimal
//! places, a frozen bold header, column widths, and each unit's band as the colour of
//! its band cell; then one sheet per area with each unit's points per criterion.
//!
//! Excel stores numbers as binary floating point: each published (already rounded)
//! value is converted at this boundary only, and shows exactly as in the CSV.

use super::BAND_COLOURS;
use crate::Run;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// Renders the workbook to bytes.
pub fn render(run: &Run) -> Result<Vec<u8>, XlsxError> {
    let fw = &run.framework;
    let mut wb = Workbook::new();
    // A fixed creation date: the same inputs give the same bytes, as every format does.
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(&fw.title)
            .set_creation_datetime(&created),
    );
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_align(FormatAlign::Center);
    let places = fw.rounding.places as usize;
    let num_format = if places == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(places))
    };
    let number = Format::new().set_num_format(&num_format);

    let (head, rows) = super::ranking_rows(run);
    let ws = wb.add_worksheet();
    ws.set_name("Ranking")?;
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, col(c), run.lang.column(h), &header)?;
    }
    let text_columns = ["unit_id", "name", "group", "band"];
    for (r, row) in rows.iter().enumerate() {
        let r = row_at(r + 1);
        for (c, (h, v)) in head.iter().zip(row).enumerate() {
            if v.is_empty() {
                continue;
            }
            if h == "band" {
                let i = fw.bands.iter().position(|b| &b.label == v).unwrap_or(5);
                let f = Format::new().set_background_color(Color::RGB(BAND_COLOURS[i.min(5)]));
                ws.write_string_with_format(r, col(c), v, &f)?;
            } else if text_columns.contains(&h.as_str()) {
                ws.write_string(r, col(c), v)?;
            } else if let Ok(d) = v.parse::<Decimal>() {
                let f = if d.scale() == 0
                    && matches!(
                        h.as_str(),
                        "rank" | "rank_in_group" | "rank_change" | "max_points"
                    ) {
                    Format::new().set_num_format("0")
                } else {
                    number.clone()
                };
                ws.write_number_with_format(r, col(c), to_f64(d), &f)?;
            } else {
                ws.write_string(r, col(c), v)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    widths(ws, &head, &rows)?;

    for (ai, area) in fw.areas.iter().enumerate() {
        let leaves: Vec<usize> = fw
            .leaves
            .iter()
            .enumerate()
            .filter(|(_, l)| l.area == ai)
            .map(|(i, _)| i)
            .collect();
        let mut h = vec!["unit_id".to_string(), "name".to_string()];
        h.extend(leaves.iter().map(|&l| fw.leaves[l].id.clone()));
        h.push(format!("area_{}", area.id));
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&area.id, &area.title))?;
        for (c, t) in h.iter().enumerate() {
            ws.write_string_with_format(0, col(c), run.lang.column(t), &header)?;
        }
        // Under the ids: the criterion titles (wrapped), then the maxima.
        let wrap = Format::new().set_text_wrap().set_italic();
        ws.write_string_with_format(1, 1, "title", &header)?;
        ws.write_string_with_format(2, 1, "max", &header)?;
        for (k, &l) in leaves.iter().enumerate() {
            let leaf = &fw.leaves[l];
            ws.write_string_with_format(1, col(k + 2), &leaf.title, &wrap)?;
            ws.write_number_with_format(2, col(k + 2), to_f64(leaf.max), &header)?;
        }
        ws.write_string_with_format(1, col(leaves.len() + 2), &area.title, &wrap)?;
        ws.write_number_with_format(2, col(leaves.len() + 2), to_f64(area.max), &header)?;
        let mut text_rows = Vec::new();
        for (r, u) in run.scoring.units.iter().enumerate() {
            let r = row_at(r + 3);
            ws.write_string(r, 0, &u.unit.id)?;
            ws.write_string(r, 1, &u.unit.name)?;
            let mut tr = vec![u.unit.id.clone(), u.unit.name.clone()];
            for (k, &l) in leaves.iter().enumerate() {
                let res = &u.leaves[l];
                if res.outcome.applicable {
                    let p = fw.rounding.apply(res.outcome.points);
                    ws.write_number_with_format(r, col(k + 2), to_f64(p), &number)?;
                    tr.push(fw.rounding.show(p));
                } else {
                    ws.write_string(r, col(k + 2), "na")?;
                    tr.push("na".into());
                }
            }
            let total = fw.rounding.apply(u.totals.areas[ai]);
            ws.write_number_with_format(r, col(leaves.len() + 2), to_f64(total), &number)?;
            text_rows.push(tr);
        }
        ws.set_freeze_panes(3, 2)?;
        widths(ws, &h, &text_rows)?;
        for c in 2..h.len() {
            ws.set_column_width(col(c), 18)?;
        }
    }
    wb.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn row_at(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// A published decimal as an Excel number (the only float in cchc, at its edge).
fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(id: &str, title: &str) -> String {
    let raw = format!("{id} {title}");
    let clean: String = raw
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    clean
        .chars()
        .take(31)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// Column widths from the longest text in each column (characters, capped).
fn widths(ws: &mut Worksheet, head: &[String], rows: &[Vec<String>]) -> Result<(), XlsxError> {
    for (c, h) in head.iter().enumerate() {
        let longest = rows
            .iter()
            .filter_map(|r| r.get(c))
            .map(|v| v.chars().count())
            .chain([h.chars().count()])
            .max()
            .unwrap_or(8);
        ws.set_column_width(col(c), (longest as f64 + 2.0).min(60.0))?;
    }
    Ok(())
}
