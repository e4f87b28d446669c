//! Reading returned forms back (`cchc collect`): every cell checked against the
//! criterion's rule and named by its address when it cannot be used; a form made for
//! another framework, or whose unit is not the one its file is named after, refused.

use super::write::editable;
use super::{file_stem, Col, MAGIC, META_SHEET};
use crate::diag::{Code, Diagnostic, Location};
use crate::framework::{Framework, Leaf, Rule};
use crate::input::checklist::{Cell, Values};
use crate::input::column_letters;
use crate::input::workbook::cell_text;
use crate::num::{parse_number, plain};
use crate::score::Stage;
use calamine::{Data, Reader};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one form says about one criterion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// The unit.
    pub unit: String,
    /// The criterion (a leaf id).
    pub criterion: String,
    /// What the rule reads, as typed.
    pub values: Values,
    /// Evidence.
    pub evidence: Option<String>,
    /// Explanation.
    pub explanation: Option<String>,
}

/// Why a form is refused as a whole.
#[derive(Debug)]
pub struct Refused(pub Box<Diagnostic>);

/// The workbooks to read: files as given, and every `.xlsx` in a folder (sorted).
pub fn forms_in(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("xlsx"))
                        && !f
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with(['~', '.']))
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Reads one returned form: its entries, findings about its cells; `Err` when the
/// form is refused as a whole.
pub fn read(
    path: &Path,
    fw: &Framework,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<Entry>, Refused> {
    let shown = path.display().to_string();
    let refuse =
        |code: Code, msg: String| Refused(Box::new(Diagnostic::new(code, msg).at(&shown, None)));
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| {
        refuse(
            Code::FormNotRecognised,
            format!("not a readable workbook: {e}"),
        )
    })?;
    let meta = wb.worksheet_range(META_SHEET).map_err(|_| {
        refuse(
            Code::FormNotRecognised,
            "no hidden `_cchc` sheet: this is not a form made by `cchc forms`".into(),
        )
    })?;
    let (info, rows) = form_meta(&meta);
    let unit = accepted(&info, fw, path).map_err(|(code, msg)| refuse(code, msg))?;
    let sheet_name = wb
        .sheet_names()
        .into_iter()
        .find(|n| n != META_SHEET)
        .unwrap_or_default();
    let sheet = wb.worksheet_range(&sheet_name).map_err(|e| {
        refuse(
            Code::FormNotRecognised,
            format!("cannot read the form's sheet: {e}"),
        )
    })?;
    let form = Form {
        file: &shown,
        sheet: &sheet_name,
        unit: &unit,
    };
    Ok(form.entries(fw, &sheet, rows, diags))
}

/// Whether a form's hidden sheet makes it a form of this framework, for the unit its
/// file is named after: the unit, or why it is refused.
fn accepted(
    info: &BTreeMap<String, String>,
    fw: &Framework,
    path: &Path,
) -> Result<String, (Code, String)> {
    if info.get("form").map(String::as_str) != Some(MAGIC) {
        return Err((
            Code::FormNotRecognised,
            "the hidden `_cchc` sheet is not one cchc wrote".into(),
        ));
    }
    let fingerprint = info.get("fingerprint").cloned().unwrap_or_default();
    if fingerprint != fw.fingerprint {
        return Err((
            Code::FormFrameworkMismatch,
            format!(
                "made for framework `{}` (fingerprint {}), not for {} (fingerprint {}): send the unit a new form",
                info.get("framework").cloned().unwrap_or_default(),
                short(&fingerprint),
                fw.id,
                short(&fw.fingerprint)
            ),
        ));
    }
    let unit = info.get("unit_id").cloned().unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !names_unit(&stem, &unit) {
        return Err((
            Code::FormUnitMismatch,
            format!("the form is unit `{unit}`'s, but the file is named `{stem}`: check that it is the right unit's form"),
        ));
    }
    Ok(unit)
}

/// A CSV file as text records, with what writing it back keeps: its separator, its BOM
/// and its line ends.
struct CsvText {
    sep: u8,
    bom: bool,
    crlf: bool,
    records: Vec<Vec<String>>,
}

impl CsvText {
    /// Reads a CSV checklist (`,` or `;`, with or without a BOM).
    fn read(bytes: &[u8], file: &str) -> Result<CsvText, crate::input::InputError> {
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let bytes = if bom { &bytes[3..] } else { bytes };
        let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let crlf = first_line.ends_with(b"\r");
        let sep = if first_line.contains(&b';') && !first_line.contains(&b',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let malformed = |e: csv::Error| crate::input::InputError::Malformed {
            file: file.to_string(),
            line: e.position().map_or(1, |p| p.line() as usize),
            message: e.to_string(),
        };
        let mut records: Vec<Vec<String>> = Vec::new();
        for r in reader.records() {
            records.push(r.map_err(malformed)?.iter().map(str::to_string).collect());
        }
        Ok(CsvText {
            sep,
            bom,
            crlf,
            records,
        })
    }

    /// The records as CSV text.
    fn write(&self) -> String {
        let end = if self.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let mut w = csv::WriterBuilder::new()
            .delimiter(self.sep)
            .terminator(end)
            .from_writer(Vec::new());
        for r in &self.records {
            w.write_record(r).expect("in-memory write");
        }
        let body = w.into_inner().expect("in-memory flush");
        let text = String::from_utf8(body).expect("written from strings");
        if self.bom {
            format!("\u{feff}{text}")
        } else {
            text
        }
    }
}

/// The hidden sheet: its keys and values, and (row, criterion id) of every leaf row.
#[allow(clippy::type_complexity)]
fn form_meta(meta: &calamine::Range<Data>) -> (BTreeMap<String, String>, Vec<(u32, String)>) {
    let mut info = BTreeMap::new();
    let mut rows = Vec::new();
    for r in meta.rows() {
        let key = r.first().map(cell_text).unwrap_or_default();
        let value = r.get(1).map(cell_text).unwrap_or_default();
        if key == "row" {
            let id = r.get(2).map(cell_text).unwrap_or_default();
            if let Ok(n) = value.parse::<u32>() {
                rows.push((n, id));
            }
        } else {
            info.insert(key, value);
        }
    }
    (info, rows)
}

/// Whether a file's name is its unit's: the unit's file stem, alone or followed by
/// anything after a space or a bracket (`X07.xlsx`, `X07 - đã điền.xlsx`,
/// `X07 (v2).xlsx`), since units return forms renamed; never `X07-2.xlsx`, which may
/// be another unit's name.
fn names_unit(stem: &str, unit: &str) -> bool {
    let want = file_stem(unit);
    match stem.strip_prefix(want.as_str()) {
        Some(rest) => rest
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '('),
        None => false,
    }
}

fn short(fp: &str) -> &str {
    &fp[..fp.len().min(12)]
}

/// A form being read: where its findings point.
struct Form<'a> {
    file: &'a str,
    sheet: &'a str,
    unit: &'a str,
}

impl Form<'_> {
    /// Every criterion row the hidden sheet lists, read and checked.
    fn entries(
        &self,
        fw: &Framework,
        sheet: &calamine::Range<Data>,
        rows: Vec<(u32, String)>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Entry> {
        let (row0, col0) = sheet.start().unwrap_or((0, 0));
        let cell = |r: u32, c: Col| -> Data {
            let (rr, cc) = (
                r.wrapping_sub(row0),
                u32::from(c.index()).wrapping_sub(col0),
            );
            sheet
                .get((rr as usize, cc as usize))
                .cloned()
                .unwrap_or(Data::Empty)
        };
        let mut out = Vec::new();
        for (row1, id) in rows {
            let (Some(r), Some(l)) = (row1.checked_sub(1), fw.leaf(&id)) else {
                continue;
            };
            let typed = cell_text(&cell(r, Col::Id));
            if crate::input::normalize(&typed) != id {
                let msg = format!(
                    "the form had criterion `{id}` here, it now reads `{typed}`; the row is left out"
                );
                let d = self.finding(Code::ChangedCriterion, r, Col::Id, msg);
                diags.push(d.criterion(&id));
                continue;
            }
            out.push(self.entry(&fw.leaves[l], r, &cell, diags));
        }
        out
    }

    fn finding(&self, code: Code, r: u32, c: Col, msg: String) -> Diagnostic {
        Diagnostic::new(code, msg)
            .located(Location {
                file: self.file.to_string(),
                line: Some(r as usize + 1),
                sheet: Some(self.sheet.to_string()),
                cell: Some(format!(
                    "{}{}",
                    column_letters(usize::from(c.index())),
                    r + 1
                )),
            })
            .unit(self.unit)
    }

    /// The cells of one criterion's row, each checked against its rule.
    fn entry(
        &self,
        leaf: &Leaf,
        r: u32,
        cell: &dyn Fn(u32, Col) -> Data,
        diags: &mut Vec<Diagnostic>,
    ) -> Entry {
        let text = |c: Col| crate::input::normalize(&cell_text(&cell(r, c)));
        let mut bad = |c: Col, msg: String| {
            diags.push(self.finding(Code::BadCell, r, c, msg).criterion(&leaf.id));
        };
        let mut number = |c: Col, whole: bool, max: Option<Decimal>| -> Cell {
            number_cell(&text(c), leaf, whole, max).unwrap_or_else(|msg| {
                bad(c, msg);
                Cell::Empty
            })
        };
        let inputs = editable(leaf);
        let mut e = Entry {
            unit: self.unit.to_string(),
            criterion: leaf.id.clone(),
            ..Entry::default()
        };
        if inputs.contains(&Col::Score) {
            e.values.score = number(Col::Score, false, Some(leaf.max));
        }
        if inputs.contains(&Col::Done) {
            e.values.done = number(Col::Done, false, None);
            e.values.planned = number(Col::Planned, false, None);
        }
        if inputs.contains(&Col::Count) {
            e.values.count = number(Col::Count, true, None);
        }
        if inputs.contains(&Col::Value) {
            let v = text(Col::Value);
            let known = match &leaf.rule {
                Rule::Choice { options } => options.iter().any(|(n, _)| *n == v),
                _ => false,
            };
            if v.is_empty() || known || v.eq_ignore_ascii_case("na") {
                e.values.value = (!v.is_empty()).then_some(v);
            } else {
                let names: Vec<String> = match &leaf.rule {
                    Rule::Choice { options } => options.iter().map(|(n, _)| n.clone()).collect(),
                    _ => Vec::new(),
                };
                bad(
                    Col::Value,
                    format!("`{v}` is not an option ({}); left empty", names.join(", ")),
                );
            }
        }
        if leaf.from_checklist() {
            e.evidence = Some(text(Col::Evidence)).filter(|s| !s.is_empty());
            e.explanation = Some(text(Col::Explanation)).filter(|s| !s.is_empty());
        }
        e
    }
}

/// A number cell of a form checked: empty, `na` (where the criterion may not apply),
/// or a number of 0 or more (whole, at most `max`, as asked); why not, otherwise.
fn number_cell(t: &str, leaf: &Leaf, whole: bool, max: Option<Decimal>) -> Result<Cell, String> {
    if t.is_empty() {
        return Ok(Cell::Empty);
    }
    if t.eq_ignore_ascii_case("na") {
        if leaf.effect == crate::framework::Effect::Scored {
            return Ok(Cell::Na);
        }
        return Err(format!(
            "`na` is not allowed on a {} item, which always applies; left empty",
            leaf.effect.name()
        ));
    }
    let Ok(d) = parse_number(t, false) else {
        return Err(format!("`{t}` is not a number; left empty"));
    };
    if d < Decimal::ZERO || (whole && !d.fract().is_zero()) {
        let what = if whole {
            "a whole number of 0 or more"
        } else {
            "0 or more"
        };
        return Err(format!("{} is not {what}; left empty", plain(d)));
    }
    if let Some(m) = max.filter(|m| d > *m) {
        return Err(format!(
            "{} is above the maximum {}; left empty",
            plain(d),
            plain(m)
        ));
    }
    Ok(Cell::Num(d))
}

/// The column a stage's score goes to.
pub fn stage_column(stage: Stage) -> &'static str {
    match stage {
        Stage::SelfAssessed => "self_score",
        Stage::Appraised => "appraised_score",
        Stage::Final => "final_score",
    }
}

/// The points an entry claims for its criterion (a manual score, or the rule on the
/// typed inputs); `None` when nothing was typed.
fn claimed(fw: &Framework, e: &Entry) -> Option<String> {
    let l = fw.leaf(&e.criterion)?;
    let v = &e.values;
    if v == &Values::default() {
        return None;
    }
    let place = crate::input::Place {
        file: "form".into(),
        line: 0,
        sheet: None,
        cell: None,
    };
    let row =
        crate::input::checklist::ChecklistRow::of_values(place, &e.unit, &e.criterion, v.clone());
    let o = crate::score::claimed(fw, l, &row);
    Some(if o.applicable {
        o.points.to_string()
    } else {
        "na".into()
    })
}

/// The cells one entry gives each checklist column, at a stage: the stage's score
/// (a manual score; at the self stage also the points a computed rule gives the typed
/// inputs), the rule's inputs, evidence and explanation.
fn cells(fw: &Framework, e: &Entry, stage: Stage) -> Vec<(&'static str, String)> {
    let d = |x: &Cell| x.to_string();
    let manual = fw
        .leaf(&e.criterion)
        .is_some_and(|l| fw.leaves[l].rule == Rule::Manual);
    let score = if manual || stage == Stage::SelfAssessed {
        claimed(fw, e).unwrap_or_default()
    } else {
        String::new()
    };
    vec![
        (stage_column(stage), score),
        ("done", d(&e.values.done)),
        ("planned", d(&e.values.planned)),
        ("value", e.values.value.clone().unwrap_or_default()),
        ("count", d(&e.values.count)),
        ("evidence", e.evidence.clone().unwrap_or_default()),
        ("explanation", e.explanation.clone().unwrap_or_default()),
    ]
}

/// A new checklist of the entries, as CSV.
pub fn checklist_csv(fw: &Framework, entries: &[Entry], stage: Stage) -> String {
    let mut header = vec!["unit_id".to_string(), "criterion_id".to_string()];
    header.extend(
        cells(fw, &Entry::default(), stage)
            .iter()
            .map(|(c, _)| c.to_string()),
    );
    let mut records = vec![header];
    for e in entries {
        let mut rec = vec![e.unit.clone(), e.criterion.clone()];
        rec.extend(cells(fw, e, stage).into_iter().map(|(_, v)| v));
        records.push(rec);
    }
    CsvText {
        sep: b',',
        bom: false,
        crlf: false,
        records,
    }
    .write()
}

/// Fills an existing CSV checklist with the entries, at a stage: what each form cell
/// holds goes to its column — the stage's score, the inputs a computed rule reads,
/// evidence and explanation (columns added when missing). A cell left empty in the form
/// changes nothing; every other column, every other row and the row order stay; rows
/// the checklist lacks are appended.
pub fn fill(
    bytes: &[u8],
    file: &str,
    fw: &Framework,
    entries: &[Entry],
    stage: Stage,
    mapping: &crate::input::columns::Mapping,
) -> Result<String, crate::input::InputError> {
    let mut csv = CsvText::read(bytes, file)?;
    let records = std::mem::take(&mut csv.records);
    let mut header = records.first().cloned().unwrap_or_default();
    let aliases =
        crate::input::columns::Aliases::of(crate::input::columns::Input::Checklist, mapping);
    let find = |name: &str, header: &mut Vec<String>| -> usize {
        match header
            .iter()
            .position(|h| aliases.canonical(h) == Some(name))
        {
            Some(i) => i,
            None => {
                header.push(name.to_string());
                header.len() - 1
            }
        }
    };
    let (u, c) = (
        find("unit_id", &mut header),
        find("criterion_id", &mut header),
    );
    let typed: Vec<Vec<(&'static str, String)>> = entries
        .iter()
        .map(|e| {
            cells(fw, e, stage)
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect()
        })
        .collect();
    let mut targets: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (name, _) in typed.iter().flatten() {
        if !targets.contains_key(name) {
            targets.insert(name, find(name, &mut header));
        }
    }
    let width = header.len();
    let mut body: Vec<Vec<String>> = records.into_iter().skip(1).collect();
    for r in &mut body {
        r.resize(width.max(r.len()), String::new());
    }
    let index: BTreeMap<(String, String), usize> = body
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                (
                    crate::input::normalize(&r[u]),
                    crate::input::normalize(&r[c]),
                ),
                i,
            )
        })
        .collect();
    for (e, values) in entries.iter().zip(typed) {
        let i = match index.get(&(e.unit.clone(), e.criterion.clone())) {
            Some(i) => *i,
            None => {
                let mut r = vec![String::new(); width];
                r[u] = e.unit.clone();
                r[c] = e.criterion.clone();
                body.push(r);
                body.len() - 1
            }
        };
        for (name, value) in values {
            body[i][targets[name]] = value;
        }
    }
    csv.records = std::iter::once(header).chain(body).collect();
    Ok(csv.write())
}
