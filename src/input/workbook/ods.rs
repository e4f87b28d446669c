//! `.ods` (OpenDocument spreadsheets, as LibreOffice saves them), read by cchc itself
//! within the limits of [`super::limits`].
//!
//! An ODS sheet says "this cell 16,384 times" and "this row 1,048,553 times" in one
//! attribute each, so a reader that expands what it is told can be made to build
//! billions of cells from a few bytes. Here empty cells and rows only move the
//! position; a non-empty cell or row is repeated only after the cells it would add are
//! counted against the limits; and `content.xml` goes through the same guard as every
//! workbook part ([`super::xml`]).

use super::limits::{check_text, Limit, Limits, Span};
use super::xml::{self, bad, part_failure as xml_failure, Xml};
use super::{address, Failure, Sheet, SheetCell, SheetInfo, Value};
use calamine::Data;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;

const MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLS: u64 = 16_384;

/// An opened `.ods`.
pub struct Ods {
    zip: zip::ZipArchive<File>,
    budget: u64,
    sheets: Vec<SheetInfo>,
    lim: Limits,
}

impl Ods {
    /// Opens a spreadsheet: its type, whether it is encrypted, its sheets.
    pub fn open(file: File, lim: &Limits) -> Result<Ods, Failure> {
        let mut zip = xml::open_zip(file, lim)?;
        let mut mime = Vec::new();
        zip.by_name("mimetype")
            .map_err(|_| bad("no mimetype: not an OpenDocument file"))?
            .take(64)
            .read_to_end(&mut mime)
            .map_err(bad)?;
        if mime.trim_ascii() != MIMETYPE {
            return Err(bad(format!(
                "an OpenDocument file of type `{}`, not a spreadsheet",
                crate::term::clip(&String::from_utf8_lossy(&mime), 60)
            )));
        }
        let mut ods = Ods {
            zip,
            budget: lim.total_bytes,
            sheets: Vec::new(),
            lim: *lim,
        };
        if ods.encrypted()? {
            return Err(bad(
                "the spreadsheet is password-protected: save a copy without a password",
            ));
        }
        ods.sheets = ods.scan_sheets()?;
        Ok(ods)
    }

    /// The sheets, in order.
    pub fn sheets(&self) -> Vec<SheetInfo> {
        self.sheets.clone()
    }

    fn with_part<T>(
        &mut self,
        part: &str,
        f: impl FnOnce(&mut Xml<zip::read::ZipFile<'_, File>>) -> Result<T, Failure>,
    ) -> Result<Option<T>, Failure> {
        let entry = match self.zip.by_name(part) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(bad(format!("part {part} cannot be read: {e}"))),
        };
        let sizes = (entry.size(), entry.compressed_size());
        let mut reader =
            xml::open(entry, part, sizes, &mut self.budget, &self.lim).map_err(Failure::Limit)?;
        f(&mut reader).map(Some)
    }

    fn declared(&mut self, part: &str) -> u64 {
        self.zip.by_name(part).map(|e| e.size()).unwrap_or(0)
    }

    fn encrypted(&mut self) -> Result<bool, Failure> {
        let part = "META-INF/manifest.xml";
        Ok(self
            .with_part(part, |xml| {
                let mut buf = Vec::new();
                loop {
                    buf.clear();
                    match xml.read_event_into(&mut buf) {
                        Ok(Event::Start(e)) if xml::local(&e) == b"encryption-data" => {
                            return Ok(true)
                        }
                        Ok(Event::Eof) => return Ok(false),
                        Ok(_) => {}
                        Err(e) => return Err(xml_failure(part, &e)),
                    }
                }
            })?
            .unwrap_or(false))
    }

    /// The sheets' names and visibility (a table whose style has `table:display` false
    /// is hidden), without reading their cells.
    fn scan_sheets(&mut self) -> Result<Vec<SheetInfo>, Failure> {
        let part = "content.xml";
        let lim = self.lim;
        let sheets = self.with_part(part, |xml| {
            let mut hidden_styles: Vec<String> = Vec::new();
            let mut style: Option<String> = None;
            let mut sheets = Vec::new();
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match xml.read_event_into(&mut buf) {
                    Ok(Event::Start(e)) => match xml::local(&e) {
                        b"style" => style = xml::attr(&e, b"style:name"),
                        b"table-properties"
                            if xml::attr(&e, b"table:display").as_deref() == Some("false") =>
                        {
                            hidden_styles.extend(style.clone());
                        }
                        b"table" => {
                            if sheets.len() >= lim.sheets {
                                return Err(Failure::Limit(Limit::new(
                                    format!("the spreadsheet has more than {} sheets", lim.sheets),
                                    format!("{} sheets", lim.sheets),
                                )));
                            }
                            let name = xml::attr(&e, b"table:name").unwrap_or_default();
                            let visible = !xml::attr(&e, b"table:style-name")
                                .is_some_and(|s| hidden_styles.contains(&s));
                            sheets.push(SheetInfo { name, visible });
                            xml::skip(xml, &mut Vec::new()).map_err(|e| xml_failure(part, &e))?;
                        }
                        _ => {}
                    },
                    Ok(Event::Eof) => return Ok(sheets),
                    Ok(_) => {}
                    Err(e) => return Err(xml_failure(part, &e)),
                }
            }
        })?;
        sheets.ok_or_else(|| bad("no content.xml: not an OpenDocument spreadsheet"))
    }

    /// Reads one sheet's non-empty cells (sparse) and its merged ranges.
    pub fn read(&mut self, name: &str) -> Result<Sheet, Failure> {
        let part = "content.xml";
        let lim = self.lim;
        if self.declared(part) > lim.count_first {
            let span = self
                .with_part(part, |xml| {
                    table(xml, part, name, &lim, &mut |_| {}).map(|(s, _)| s)
                })?
                .unwrap_or(Span::new(&lim));
            span.check_area().map_err(Failure::Limit)?;
        }
        let mut kept = Vec::new();
        let (span, merged) = self
            .with_part(part, |xml| {
                table(xml, part, name, &lim, &mut |c| kept.push(c))
            })?
            .unwrap_or((Span::new(&lim), Vec::new()));
        span.check_area().map_err(Failure::Limit)?;
        Ok(Sheet::new(name, kept, merged))
    }
}

/// What one `<table:table-cell>` holds.
struct OdsCell {
    value: Option<Value>,
    repeat: u64,
    /// Rows and columns it spans (merged), when more than one.
    span: Option<(u64, u64)>,
}

/// Reads the table named `name`: every non-empty cell handed to `keep`, repeats
/// counted against the limits before they are expanded.
#[allow(clippy::type_complexity)]
fn table<R: Read>(
    xml: &mut Xml<R>,
    part: &str,
    name: &str,
    lim: &Limits,
    keep: &mut dyn FnMut(SheetCell),
) -> Result<(Span, Vec<(u32, u32, u32, u32)>), Failure> {
    let fail = |e: quick_xml::Error| xml_failure(part, &e);
    let mut buf = Vec::new();
    // Find the table.
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(fail)? {
            Event::Start(e)
                if xml::local(&e) == b"table"
                    && xml::attr(&e, b"table:name").as_deref() == Some(name) =>
            {
                break
            }
            Event::Eof => return Err(bad(format!("no sheet `{name}`"))),
            _ => {}
        }
    }
    let mut span = Span::new(lim);
    let mut merged = Vec::new();
    let mut row: u64 = 0;
    let mut depth = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(fail)? {
            Event::Start(e) if xml::local(&e) == b"table-row" => {
                let repeat = count_attr(&e, b"table:number-rows-repeated", MAX_ROWS)?;
                let cells = row_cells(xml, part, row, lim)?;
                if !cells.is_empty() {
                    let added = (cells.len() as u64).saturating_mul(repeat);
                    if span.cells.saturating_add(added) > lim.cells
                        || row.saturating_add(repeat) > MAX_ROWS
                    {
                        return Err(Failure::Limit(Limit::new(
                            format!(
                                "row {} repeats {} cells {repeat} times",
                                row + 1,
                                cells.len()
                            ),
                            format!("{} cells, {MAX_ROWS} rows", lim.cells),
                        )));
                    }
                    for k in 0..repeat {
                        let r = (row + k) as u32;
                        for (c, value, sp) in &cells {
                            span.add(r, *c).map_err(Failure::Limit)?;
                            keep(SheetCell {
                                row: r,
                                col: *c,
                                value: value.clone(),
                            });
                            if let (0, Some((rs, cs))) = (k, sp) {
                                merged.push((
                                    r,
                                    *c,
                                    (u64::from(r) + rs - 1).min(MAX_ROWS - 1) as u32,
                                    (u64::from(*c) + cs - 1).min(MAX_COLS - 1) as u32,
                                ));
                            }
                        }
                    }
                }
                row = row.saturating_add(repeat);
            }
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok((span, merged)),
            Event::End(_) => depth -= 1,
            Event::Eof => return Ok((span, merged)),
            _ => {}
        }
    }
}

/// A repeat count attribute (1 when absent), at most `max` (the sheet's rows or
/// columns).
fn count_attr(e: &BytesStart<'_>, name: &[u8], max: u64) -> Result<u64, Failure> {
    match xml::attr(e, name) {
        None => Ok(1),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                bad(format!(
                    "`{}` is not a repeat count",
                    crate::term::clip(&v, 20)
                ))
            }),
    }
}

/// The non-empty cells of the row just started: (column, value, merged span).
#[allow(clippy::type_complexity)]
fn row_cells<R: Read>(
    xml: &mut Xml<R>,
    part: &str,
    row: u64,
    lim: &Limits,
) -> Result<Vec<(u32, Value, Option<(u64, u64)>)>, Failure> {
    let fail = |e: quick_xml::Error| xml_failure(part, &e);
    let mut out = Vec::new();
    let mut col: u64 = 0;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(fail)? {
            Event::Start(e) if matches!(xml::local(&e), b"table-cell" | b"covered-table-cell") => {
                let c = cell(xml, part, &e, (row, col), lim)?;
                if let Some(value) = c.value {
                    if (out.len() as u64).saturating_add(c.repeat) > lim.cells
                        || col.saturating_add(c.repeat) > MAX_COLS
                    {
                        return Err(Failure::Limit(Limit::new(
                            format!(
                                "{} repeats its value {} times",
                                address(row as u32, col.min(MAX_COLS - 1) as u32),
                                c.repeat
                            ),
                            format!("{MAX_COLS} columns"),
                        )));
                    }
                    for k in 0..c.repeat {
                        let sp = if k == 0 { c.span } else { None };
                        out.push(((col + k) as u32, value.clone(), sp));
                    }
                }
                col = col.saturating_add(c.repeat);
            }
            Event::Start(_) => xml::skip(xml, &mut Vec::new()).map_err(fail)?,
            Event::End(_) | Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// One cell element just started: its value (read to the element's end), repeat and
/// span.
fn cell<R: Read>(
    xml: &mut Xml<R>,
    part: &str,
    e: &BytesStart<'_>,
    at: (u64, u64),
    lim: &Limits,
) -> Result<OdsCell, Failure> {
    let fail = |e: quick_xml::Error| xml_failure(part, &e);
    let repeat = count_attr(e, b"table:number-columns-repeated", MAX_COLS)?;
    let spanned = |name: &[u8]| {
        xml::attr(e, name)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|n| *n >= 1)
            .unwrap_or(1)
    };
    let (rs, cs) = (
        spanned(b"table:number-rows-spanned"),
        spanned(b"table:number-columns-spanned"),
    );
    let (typ, formula, mut data) = attr_value(e, at)?;
    let text = paragraphs(xml, lim).map_err(fail)?;
    if data.is_none() && typ.as_deref() == Some("string") {
        data = Some(Data::String(text));
    }
    if let Some(Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s)) = &data {
        check_text(lim, s.as_str(), || address(at.0 as u32, at.1 as u32))
            .map_err(Failure::Limit)?;
    }
    let value = match data {
        Some(Data::String(s)) if s.is_empty() => None,
        Some(d) => Some(Value::Data(d)),
        None if formula => Some(Value::Uncomputed),
        None => None,
    };
    Ok(OdsCell {
        value,
        repeat,
        span: (rs > 1 || cs > 1).then_some((rs, cs)),
    })
}

/// What a cell's attributes say: its value type, whether it holds a formula, and its
/// value when an attribute holds it (numbers, dates, times, booleans, and strings
/// given as `office:string-value`).
fn attr_value(
    e: &BytesStart<'_>,
    at: (u64, u64),
) -> Result<(Option<String>, bool, Option<Data>), Failure> {
    let attrs: HashMap<String, String> = e
        .attributes()
        .with_checks(false)
        .flatten()
        .map(|a| {
            (
                String::from_utf8_lossy(a.key.into_inner()).into_owned(),
                xml::value(&a.value),
            )
        })
        .collect();
    let get = |k: &str| attrs.get(k).cloned();
    let data = if let Some(v) = get("office:value") {
        Some(Data::Float(v.trim().parse::<f64>().map_err(|_| {
            bad(format!(
                "{}: `{}` is not a number",
                address(at.0 as u32, at.1 as u32),
                crate::term::clip(&v, 40)
            ))
        })?))
    } else if let Some(v) = get("office:string-value") {
        Some(Data::String(v))
    } else if let Some(v) = get("office:date-value") {
        Some(Data::DateTimeIso(v))
    } else if let Some(v) = get("office:time-value") {
        Some(Data::DurationIso(v))
    } else {
        get("office:boolean-value").map(|v| Data::Bool(v.eq_ignore_ascii_case("true")))
    };
    Ok((
        get("office:value-type"),
        get("table:formula").is_some(),
        data,
    ))
}

/// The text of a cell's paragraphs (read to the cell's end): paragraphs joined by line
/// breaks, `<text:s text:c="n"/>` as n spaces, tabs and line breaks kept, comments
/// (`office:annotation`) left out.
fn paragraphs<R: Read>(xml: &mut Xml<R>, lim: &Limits) -> Result<String, quick_xml::Error> {
    let mut out = String::new();
    let mut buf = Vec::new();
    let mut paragraphs = 0usize;
    let mut depth = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) => match xml::local(&e) {
                b"annotation" => xml::skip(xml, &mut Vec::new())?,
                b"p" => {
                    if paragraphs > 0 {
                        out.push('\n');
                    }
                    paragraphs += 1;
                    depth += 1;
                }
                b"s" => {
                    let n = xml::attr(&e, b"text:c")
                        .and_then(|c| c.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .min(lim.cell_chars + 1);
                    out.extend(std::iter::repeat_n(' ', n));
                    depth += 1;
                }
                b"tab" => {
                    out.push('\t');
                    depth += 1;
                }
                b"line-break" => {
                    out.push('\n');
                    depth += 1;
                }
                _ => depth += 1,
            },
            Event::Text(t) => out.push_str(&t.xml10_content().map_err(quick_xml::Error::from)?),
            Event::GeneralRef(r) => xml::push_entity(&r, &mut out),
            Event::End(_) if depth == 0 => return Ok(out),
            Event::End(_) => depth -= 1,
            Event::Eof => return Ok(out),
            _ => {}
        }
        if out.len() > lim.markup_run * 4 {
            // Spaces from `text:s` are not bounded by the guard: stop at a bound.
            return Ok(out);
        }
    }
}
