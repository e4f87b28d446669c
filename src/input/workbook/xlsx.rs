//! `.xlsx` and `.xlsm`, read by cchc itself, part by part, within the limits of [`super::limits`].
//!
//! Why not a general spreadsheet library: the workbooks an inspection collects come
//! from 200 other hands, and a reader that sizes its memory from what a file declares
//! (a sheet's `dimension`, a shared-strings count, one cell at `XFD1048576`) can be
//! taken down by a file of a few kilobytes. Here every part is inflated through a
//! guard ([`super::xml`]), the cells of a sheet are kept sparse (only non-empty ones,
//! never a rectangle), counts are checked before anything is kept (a large part is
//! counted in a first pass that keeps nothing), and a formula whose result was never
//! saved is reported as such, not read as an empty cell.
//!
//! Values are those Excel shows: a number cell's stored value, a date cell (by its
//! number format) as a date, a shared or inline string with Excel's `_xHHHH_` escapes
//! undone, an error as Excel prints it (`#DIV/0!`).

use super::limits::{check_text, Limit, Limits, Span};
use super::xml::{self, bad, part_failure as xml_failure, Xml};
use super::{address, Failure, Sheet, SheetCell, SheetInfo, Value};
use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;

/// How a number cell's format makes Excel show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumKind {
    Number,
    Date,
    Duration,
}

/// An opened `.xlsx`: its workbook, shared strings and styles read; sheets on demand.
pub struct Xlsx {
    zip: zip::ZipArchive<File>,
    /// Part names, lower-cased (Excel finds `XL/Workbook.xml` too), to their index.
    parts: HashMap<String, usize>,
    /// Inflated bytes the workbook may still read.
    budget: u64,
    strings: Vec<String>,
    styles: Vec<NumKind>,
    date1904: bool,
    sheets: Vec<(SheetInfo, String)>,
    lim: Limits,
}

impl Xlsx {
    /// Opens a workbook: the zip's directory, the workbook part and its relationships,
    /// the shared strings and the styles.
    pub fn open(file: File, lim: &Limits) -> Result<Xlsx, Failure> {
        let zip = xml::open_zip(file, lim)?;
        let parts = (0..zip.len())
            .filter_map(|i| zip.name_for_index(i).map(|n| (n.to_ascii_lowercase(), i)))
            .collect();
        let mut x = Xlsx {
            zip,
            parts,
            budget: lim.total_bytes,
            strings: Vec::new(),
            styles: Vec::new(),
            date1904: false,
            sheets: Vec::new(),
            lim: *lim,
        };
        if x.index("xl/workbook.xml").is_none() {
            return Err(bad(
                "no xl/workbook.xml: not an Excel workbook (saved as .xlsx by another program?)",
            ));
        }
        let rels = x.relationships()?;
        x.workbook(&rels)?;
        x.shared_strings()?;
        x.read_styles()?;
        Ok(x)
    }

    /// The sheets, in the workbook's order.
    pub fn sheets(&self) -> Vec<SheetInfo> {
        self.sheets.iter().map(|(s, _)| s.clone()).collect()
    }

    fn index(&self, part: &str) -> Option<usize> {
        self.parts.get(&part.to_ascii_lowercase()).copied()
    }

    /// Runs `f` over a part's XML (guarded); `None` when the workbook has no such part.
    fn with_part<T>(
        &mut self,
        part: &str,
        f: impl FnOnce(&mut Xml<zip::read::ZipFile<'_, File>>) -> Result<T, Failure>,
    ) -> Result<Option<T>, Failure> {
        let Some(i) = self.index(part) else {
            return Ok(None);
        };
        let entry = self
            .zip
            .by_index(i)
            .map_err(|e| bad(format!("part {part} cannot be read: {e}")))?;
        let sizes = (entry.size(), entry.compressed_size());
        let mut reader =
            xml::open(entry, part, sizes, &mut self.budget, &self.lim).map_err(Failure::Limit)?;
        f(&mut reader).map(Some)
    }

    /// `xl/_rels/workbook.xml.rels`: relationship id → part.
    fn relationships(&mut self) -> Result<HashMap<String, String>, Failure> {
        let part = "xl/_rels/workbook.xml.rels";
        let rels = self.with_part(part, |xml| {
            let mut out = HashMap::new();
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match xml.read_event_into(&mut buf) {
                    Ok(Event::Start(e)) if xml::local(&e) == b"Relationship" => {
                        let external = xml::attr(&e, b"TargetMode").as_deref() == Some("External");
                        if let (Some(id), Some(target), false) =
                            (xml::attr(&e, b"Id"), xml::attr(&e, b"Target"), external)
                        {
                            out.insert(id, resolve_target(&target));
                        }
                    }
                    Ok(Event::Eof) => return Ok(out),
                    Ok(_) => {}
                    Err(e) => return Err(xml_failure(part, &e)),
                }
            }
        })?;
        rels.ok_or_else(|| {
            bad(format!(
                "no {part}: the workbook does not say where its sheets are"
            ))
        })
    }

    /// `xl/workbook.xml`: the sheets (name, visibility, part) and the date system.
    fn workbook(&mut self, rels: &HashMap<String, String>) -> Result<(), Failure> {
        let part = "xl/workbook.xml";
        let lim = self.lim;
        let (sheets, date1904) = self
            .with_part(part, |xml| {
                let mut sheets = Vec::new();
                let mut date1904 = false;
                let mut buf = Vec::new();
                loop {
                    buf.clear();
                    match xml.read_event_into(&mut buf) {
                        Ok(Event::Start(e)) if xml::local(&e) == b"sheet" => {
                            if sheets.len() >= lim.sheets {
                                return Err(Failure::Limit(Limit::new(
                                    format!("the workbook has more than {} sheets", lim.sheets),
                                    format!("{} sheets", lim.sheets),
                                )));
                            }
                            sheets.push(sheet_entry(&e, rels)?);
                        }
                        Ok(Event::Start(e)) if xml::local(&e) == b"workbookPr" => {
                            date1904 =
                                matches!(xml::attr(&e, b"date1904").as_deref(), Some("1" | "true"));
                        }
                        Ok(Event::Eof) => return Ok((sheets, date1904)),
                        Ok(_) => {}
                        Err(e) => return Err(xml_failure(part, &e)),
                    }
                }
            })?
            .unwrap_or_default();
        self.sheets = sheets;
        self.date1904 = date1904;
        Ok(())
    }

    /// `xl/sharedStrings.xml`: every string, held to the limits (counted first when
    /// the part is large).
    fn shared_strings(&mut self) -> Result<(), Failure> {
        let part = "xl/sharedStrings.xml";
        let lim = self.lim;
        if self.declared(part) > lim.count_first {
            self.with_part(part, |xml| strings(xml, part, &lim, &mut |_| {}))?;
        }
        let mut kept = Vec::new();
        self.with_part(part, |xml| strings(xml, part, &lim, &mut |s| kept.push(s)))?;
        self.strings = kept;
        Ok(())
    }

    fn declared(&mut self, part: &str) -> u64 {
        self.index(part)
            .and_then(|i| self.zip.by_index_raw(i).ok().map(|e| e.size()))
            .unwrap_or(0)
    }

    /// `xl/styles.xml`: for each cell format, whether its number format shows a date.
    fn read_styles(&mut self) -> Result<(), Failure> {
        let part = "xl/styles.xml";
        let lim = self.lim;
        let styles = self.with_part(part, |xml| {
            let mut custom: HashMap<String, NumKind> = HashMap::new();
            let mut styles = Vec::new();
            let mut in_xfs = false;
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match xml.read_event_into(&mut buf) {
                    Ok(Event::Start(e)) => match xml::local(&e) {
                        b"numFmt" => {
                            if let (Some(id), Some(code)) =
                                (xml::attr(&e, b"numFmtId"), xml::attr(&e, b"formatCode"))
                            {
                                custom.insert(id, classify(&code));
                            }
                        }
                        b"cellXfs" => in_xfs = true,
                        b"xf" if in_xfs => {
                            if styles.len() as u64 >= lim.cells {
                                return Err(Failure::Limit(Limit::new(
                                    "styles.xml declares more cell formats than a sheet may have cells",
                                    format!("{} formats", lim.cells),
                                )));
                            }
                            let id = xml::attr(&e, b"numFmtId").unwrap_or_default();
                            let kind = custom.get(&id).copied().unwrap_or_else(|| builtin(&id));
                            styles.push(kind);
                        }
                        _ => {}
                    },
                    Ok(Event::End(e)) if xml::local_end(&e) == b"cellXfs" => in_xfs = false,
                    Ok(Event::Eof) => return Ok(styles),
                    Ok(_) => {}
                    Err(e) => return Err(xml_failure(part, &e)),
                }
            }
        })?;
        self.styles = styles.unwrap_or_default();
        Ok(())
    }

    /// Reads one sheet: its non-empty cells (sparse, in row order) and its merged
    /// ranges. A large sheet is counted first, keeping nothing.
    pub fn read(&mut self, name: &str) -> Result<Sheet, Failure> {
        let part = self
            .sheets
            .iter()
            .find(|(s, _)| s.name == name)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| bad(format!("no sheet `{name}`")))?;
        if self.index(&part).is_none() {
            return Err(bad(format!(
                "sheet `{name}` has no part {part} in the workbook"
            )));
        }
        let ctx = Ctx {
            strings: std::mem::take(&mut self.strings),
            styles: std::mem::take(&mut self.styles),
            date1904: self.date1904,
            lim: self.lim,
        };
        let result = self.read_with(&part, name, &ctx);
        self.strings = ctx.strings;
        self.styles = ctx.styles;
        result
    }

    fn read_with(&mut self, part: &str, name: &str, ctx: &Ctx) -> Result<Sheet, Failure> {
        if self.declared(part) > ctx.lim.count_first {
            let span = self
                .with_part(part, |xml| {
                    cells(xml, part, ctx, &mut |_| {}).map(|(s, _)| s)
                })?
                .unwrap_or(Span::new(&ctx.lim));
            span.check_area().map_err(Failure::Limit)?;
        }
        let mut kept = Vec::new();
        let (span, merged) = self
            .with_part(part, |xml| cells(xml, part, ctx, &mut |c| kept.push(c)))?
            .unwrap_or((Span::new(&ctx.lim), Vec::new()));
        span.check_area().map_err(Failure::Limit)?;
        Ok(Sheet::new(name, kept, merged))
    }
}

/// One `<sheet>` of the workbook part.
fn sheet_entry(
    e: &BytesStart<'_>,
    rels: &HashMap<String, String>,
) -> Result<(SheetInfo, String), Failure> {
    let name = xml::attr(e, b"name").unwrap_or_default();
    let visible = !matches!(
        xml::attr(e, b"state").as_deref(),
        Some("hidden" | "veryHidden")
    );
    // The relationship id is `r:id` (any prefix).
    let id = e
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| {
            let k = a.key.into_inner();
            k.ends_with(b":id") || k == b"id"
        })
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        .unwrap_or_default();
    let part = rels.get(&id).cloned().ok_or_else(|| {
        bad(format!(
            "sheet `{name}` names relationship `{id}`, which the workbook does not have"
        ))
    })?;
    Ok((SheetInfo { name, visible }, part))
}

/// A relationship target as a part name: relative to `xl/`, or absolute from the root.
fn resolve_target(target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    let mut out: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// Reads the `<si>` items of a shared-strings part, each handed to `keep`.
fn strings<R: Read>(
    xml: &mut Xml<R>,
    part: &str,
    lim: &Limits,
    keep: &mut dyn FnMut(String),
) -> Result<(), Failure> {
    let mut buf = Vec::new();
    let mut n: u64 = 0;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if xml::local(&e) == b"si" => {
                n += 1;
                if n > lim.shared_strings {
                    return Err(Failure::Limit(Limit::new(
                        format!(
                            "the shared-strings table holds more than {} strings",
                            lim.shared_strings
                        ),
                        format!("{} strings", lim.shared_strings),
                    )));
                }
                let s = rich_text(xml, &mut Vec::new()).map_err(|e| xml_failure(part, &e))?;
                check_text(lim, &s, || format!("shared string {}", n - 1))
                    .map_err(Failure::Limit)?;
                keep(s);
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(xml_failure(part, &e)),
        }
    }
}

/// The text of a string item (`<si>` or `<is>`) just started: its `<t>` runs, phonetic
/// runs (`<rPh>`) left out, Excel's escapes undone.
fn rich_text<R: Read>(xml: &mut Xml<R>, buf: &mut Vec<u8>) -> Result<String, quick_xml::Error> {
    let mut out = String::new();
    let mut depth = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(buf)? {
            Event::Start(e) if xml::local(&e) == b"t" => {
                let t = xml::text_to_end(xml, &mut Vec::new())?;
                out.push_str(&xml::unescape_excel(t));
            }
            Event::Start(e) if xml::local(&e) == b"rPh" => xml::skip(xml, &mut Vec::new())?,
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(out),
            Event::End(_) => depth -= 1,
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// What a sheet's cells are read with.
struct Ctx {
    strings: Vec<String>,
    styles: Vec<NumKind>,
    date1904: bool,
    lim: Limits,
}

/// Reads a sheet part's cells: each non-empty one is counted (held to the limits) and
/// handed to `keep`; returns the span and the merged ranges.
#[allow(clippy::type_complexity)]
fn cells<R: Read>(
    xml: &mut Xml<R>,
    part: &str,
    ctx: &Ctx,
    keep: &mut dyn FnMut(SheetCell),
) -> Result<(Span, Vec<(u32, u32, u32, u32)>), Failure> {
    let mut span = Span::new(&ctx.lim);
    let mut merged = Vec::new();
    let (mut row, mut col) = (0u32, 0u32);
    let mut buf = Vec::new();
    let fail = |e: quick_xml::Error| xml_failure(part, &e);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(fail)? {
            Event::Start(e) => match xml::local(&e) {
                b"row" => {
                    if let Some(r) = xml::attr(&e, b"r") {
                        row = r
                            .trim()
                            .parse::<u32>()
                            .ok()
                            .and_then(|r| r.checked_sub(1))
                            .filter(|r| *r < MAX_ROWS)
                            .ok_or_else(|| {
                                bad(format!(
                                    "part {part}: row number `{r}` is not a row of a sheet"
                                ))
                            })?;
                    }
                    col = 0;
                }
                b"c" => {
                    let (r, c, value) = read_c(xml, &e, part, ctx, (row, col))?;
                    if let Some(value) = value {
                        span.add(r, c).map_err(Failure::Limit)?;
                        keep(SheetCell {
                            row: r,
                            col: c,
                            value,
                        });
                    }
                    row = r;
                    col = c.saturating_add(1);
                }
                b"mergeCell" => {
                    if let Some((r0, c0, r1, c1)) =
                        xml::attr(&e, b"ref").and_then(|a| parse_range(&a))
                    {
                        if merged.len() as u64 >= ctx.lim.cells {
                            return Err(Failure::Limit(Limit::new(
                                "the sheet has more merged ranges than it may have cells",
                                format!("{} ranges", ctx.lim.cells),
                            )));
                        }
                        merged.push((r0, c0, r1, c1));
                    }
                }
                _ => {}
            },
            Event::End(e) if xml::local_end(&e) == b"row" => {
                row = row.saturating_add(1);
                col = 0;
            }
            Event::Eof => return Ok((span, merged)),
            _ => {}
        }
    }
}

/// One `<c>` element just started: its place (its `r`, else the one after the last
/// cell) and its value.
fn read_c<R: Read>(
    xml: &mut Xml<R>,
    e: &BytesStart<'_>,
    part: &str,
    ctx: &Ctx,
    (row, col): (u32, u32),
) -> Result<(u32, u32, Option<Value>), Failure> {
    let (r, c) = match xml::attr(e, b"r") {
        Some(a) => parse_ref(&a).ok_or_else(|| {
            bad(format!(
                "part {part}: `{}` is not a cell of a sheet",
                short(&a)
            ))
        })?,
        None => (row, col),
    };
    if r >= MAX_ROWS || c >= MAX_COLS {
        return Err(bad(format!(
            "part {part}: a cell beyond the sheet's last row or column"
        )));
    }
    let style = xml::attr(e, b"s");
    let typ = xml::attr(e, b"t");
    let value = cell(xml, ctx, style.as_deref(), typ.as_deref(), (r, c)).map_err(|f| match f {
        CellFailure::Xml(e) => xml_failure(part, &e),
        CellFailure::Bad(m) => bad(format!("{}: {m}", address(r, c))),
        CellFailure::Limit(l) => Failure::Limit(l),
    })?;
    Ok((r, c, value))
}

/// Excel's last row and column (0-based, exclusive).
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLS: u32 = 16_384;

enum CellFailure {
    Xml(quick_xml::Error),
    Bad(String),
    Limit(Limit),
}

impl From<quick_xml::Error> for CellFailure {
    fn from(e: quick_xml::Error) -> CellFailure {
        CellFailure::Xml(e)
    }
}

/// The value of the `<c>` element just started (`None`: empty).
fn cell<R: Read>(
    xml: &mut Xml<R>,
    ctx: &Ctx,
    style: Option<&str>,
    typ: Option<&str>,
    at: (u32, u32),
) -> Result<Option<Value>, CellFailure> {
    let mut v: Option<String> = None;
    let mut inline: Option<String> = None;
    let mut formula = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) => match xml::local(&e) {
                b"v" => v = Some(xml::text_to_end(xml, &mut Vec::new())?),
                b"f" => {
                    formula = true;
                    xml::skip(xml, &mut Vec::new())?;
                }
                b"is" => inline = Some(rich_text(xml, &mut Vec::new())?),
                _ => xml::skip(xml, &mut Vec::new())?,
            },
            Event::End(_) | Event::Eof => break,
            _ => {}
        }
    }
    let text =
        |s: &str| check_text(&ctx.lim, s, || address(at.0, at.1)).map_err(CellFailure::Limit);
    if let Some(s) = inline.filter(|_| matches!(typ, Some("inlineStr"))) {
        text(&s)?;
        return Ok((!s.is_empty()).then_some(Value::Data(Data::String(s))));
    }
    let Some(v) = v else {
        return Ok(formula.then_some(Value::Uncomputed));
    };
    text(&v)?;
    let data = match typ {
        Some("s") => {
            let i: usize = v.trim().parse().map_err(|_| {
                CellFailure::Bad(format!("`{}` is not a shared-string number", short(&v)))
            })?;
            let s = ctx.strings.get(i).ok_or_else(|| {
                CellFailure::Bad(format!(
                    "refers to shared string {i}, but the workbook has {}",
                    ctx.strings.len()
                ))
            })?;
            Data::String(s.clone())
        }
        Some("str") | Some("inlineStr") => Data::String(v),
        Some("b") => Data::Bool(v.trim() != "0"),
        Some("e") => match v.trim().parse::<calamine::CellErrorType>() {
            Ok(e) => Data::Error(e),
            Err(_) => Data::String(v),
        },
        Some("d") => Data::DateTimeIso(v),
        Some("n") | None => {
            if v.trim().is_empty() {
                return Ok(None);
            }
            match v.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => number(f, style, ctx),
                _ if typ.is_none() => Data::String(v),
                _ => return Err(CellFailure::Bad(format!("`{}` is not a number", short(&v)))),
            }
        }
        Some(other) => {
            return Err(CellFailure::Bad(format!(
                "unknown cell type `{}`",
                short(other)
            )))
        }
    };
    Ok(match &data {
        Data::String(s) if s.is_empty() => None,
        _ => Some(Value::Data(data)),
    })
}

/// At most 40 characters of a value, for a message.
fn short(s: &str) -> String {
    crate::term::clip(s, 40)
}

/// A number cell as Excel shows it: a date or a duration by its format, else the number.
fn number(f: f64, style: Option<&str>, ctx: &Ctx) -> Data {
    let kind = style
        .and_then(|s| s.trim().parse::<usize>().ok())
        .and_then(|i| ctx.styles.get(i).copied())
        .unwrap_or(NumKind::Number);
    match kind {
        NumKind::Number => Data::Float(f),
        NumKind::Date => Data::DateTime(ExcelDateTime::new(
            f,
            ExcelDateTimeType::DateTime,
            ctx.date1904,
        )),
        NumKind::Duration => Data::DateTime(ExcelDateTime::new(
            f,
            ExcelDateTimeType::TimeDelta,
            ctx.date1904,
        )),
    }
}

/// Excel's built-in number formats that show dates (14–22, 45, 47) and elapsed time (46).
fn builtin(id: &str) -> NumKind {
    match id.trim().parse::<u32>() {
        Ok(14..=22 | 45 | 47) => NumKind::Date,
        Ok(46) => NumKind::Duration,
        _ => NumKind::Number,
    }
}

/// Whether a custom number format shows a date, an elapsed time or a number: the first
/// section decides; quoted text, escaped characters (`\x`, `_x`) and bracketed
/// settings (`[Red]`, `[$-409]`, `[>=100]`) are not letters of the format, except the
/// elapsed-time brackets `[h]`, `[mm]`, `[ss]`; AM/PM and A/P mark a time.
fn classify(code: &str) -> NumKind {
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' => {
                chars.next();
            }
            ';' => return NumKind::Number,
            '[' => {
                let mut inner = String::new();
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    inner.push(b);
                }
                let lower = inner.to_ascii_lowercase();
                let first = lower.chars().next();
                if matches!(first, Some('h' | 'm' | 's')) && lower.chars().all(|x| Some(x) == first)
                {
                    return NumKind::Duration;
                }
            }
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => return NumKind::Date,
            'a' | 'A' => {
                if matches!(chars.peek(), Some('m' | 'M' | '/')) {
                    return NumKind::Date;
                }
            }
            _ => {}
        }
    }
    NumKind::Number
}

/// `AB12` → (11, 27), 0-based.
pub fn parse_ref(a: &str) -> Option<(u32, u32)> {
    let a = a.trim().trim_start_matches('$');
    let split = a.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = a.split_at(split);
    let letters = letters.trim_end_matches('$');
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// `A1:C3` → (0, 0, 2, 2).
fn parse_range(a: &str) -> Option<(u32, u32, u32, u32)> {
    let (x, y) = a.split_once(':').unwrap_or((a, a));
    let (r0, c0) = parse_ref(x)?;
    let (r1, c1) = parse_ref(y)?;
    Some((r0.min(r1), c0.min(c1), r0.max(r1), c0.max(c1)))
}

/// Whether `classify` reads these formats as openpyxl's tests do (used by the tests).
#[doc(hidden)]
pub fn format_kind(code: &str) -> &'static str {
    match classify(code) {
        NumKind::Number => "number",
        NumKind::Date => "date",
        NumKind::Duration => "duration",
    }
}
