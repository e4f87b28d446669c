//! Reading returned forms back (`cchc collect`): every cell checked against the
//! criterion's rule and named by its address when it cannot be used (a formula whose
//! result was never saved included); a form refused as a whole when it was made for
//! another framework, when its unit is not the one its file is named after, or when
//! its hidden record was altered. The form's sheet is the one the hidden sheet names
//! (never "the first sheet": a copied draft placed before it is not read), and the
//! hidden row map must list every criterion of the framework exactly once.

use super::write::editable;
use super::{file_stem, Col, MAGIC, META_SHEET};
use crate::diag::{Code, Diagnostic, Location};
use crate::framework::{Framework, Leaf, Rule};
use crate::input::checklist::{Cell, Values};
use crate::input::column_letters;
use crate::input::workbook::{Book, Sheet, Value};
use crate::num::{parse_number, plain};
use crate::score::Stage;
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

/// Reads one returned form: its unit and entries, findings about its cells; `Err`
/// when the form is refused as a whole.
pub fn read(
    path: &Path,
    fw: &Framework,
    diags: &mut Vec<Diagnostic>,
) -> Result<(String, Vec<Entry>), Refused> {
    let shown = path.display().to_string();
    let refuse =
        |code: Code, msg: String| Refused(Box::new(Diagnostic::new(code, msg).at(&shown, None)));
    let mut book = Book::open(path, &shown).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.strip_prefix(&format!("{shown}: ")).unwrap_or(&msg);
        refuse(
            Code::FormNotRecognised,
            format!("not a readable workbook: {msg}"),
        )
    })?;
    if !book.sheets().iter().any(|s| s.name == META_SHEET) {
        return Err(refuse(
            Code::FormNotRecognised,
            "no hidden `_cchc` sheet: this is not a form made by `cchc forms`".into(),
        ));
    }
    let meta = book
        .read(META_SHEET)
        .map_err(|e| refuse(Code::FormNotRecognised, e.to_string()))?;
    let (info, rows) = form_meta(&meta);
    let unit = accepted(&info, fw, path).map_err(|(code, msg)| refuse(code, msg))?;
    let sheet_name = form_sheet(&info, &book).map_err(|m| refuse(Code::FormAltered, m))?;
    complete(&info, &rows, fw).map_err(|m| refuse(Code::FormAltered, m))?;
    let sheet = book
        .read(&sheet_name)
        .map_err(|e| refuse(Code::FormNotRecognised, e.to_string()))?;
    let form = Form {
        file: &shown,
        sheet: &sheet_name,
        unit: &unit,
    };
    Ok((unit.clone(), form.entries(fw, &sheet, rows, diags)))
}

/// The form's sheet: the one the hidden sheet names (forms made before it recorded
/// one: the form sheet's name in either language). Never a sheet found by position.
fn form_sheet(info: &BTreeMap<String, String>, book: &Book) -> Result<String, String> {
    let names: Vec<&str> = book.sheets().iter().map(|s| s.name.as_str()).collect();
    match info.get("sheet") {
        Some(s) if names.contains(&s.as_str()) => Ok(s.clone()),
        Some(s) => Err(format!(
            "the form's sheet `{s}` is not in the workbook (sheets: {}): was it renamed? send the unit a new form",
            names.join(", ")
        )),
        None => [super::sheet_name(crate::lang::Lang::Vi), super::sheet_name(crate::lang::Lang::En)]
            .into_iter()
            .find(|n| names.contains(n))
            .map(str::to_string)
            .ok_or_else(|| format!("no form sheet in the workbook (sheets: {})", names.join(", "))),
    }
}

/// Proves the hidden row map complete: every criterion of the framework on exactly one
/// row, each row holding one criterion, as many as the form recorded.
fn complete(
    info: &BTreeMap<String, String>,
    rows: &[(u32, String)],
    fw: &Framework,
) -> Result<(), String> {
    let mut by_id: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut by_row: BTreeMap<u32, &str> = BTreeMap::new();
    for (r, id) in rows {
        by_id.entry(id.as_str()).or_default().push(*r);
        if let Some(other) = by_row.insert(*r, id.as_str()) {
            return Err(format!(
                "the hidden row map puts criteria {other} and {id} both on row {r}: send the unit a new form"
            ));
        }
    }
    if let Some((id, rs)) = by_id.iter().find(|(_, rs)| rs.len() > 1) {
        let rs: Vec<String> = rs.iter().map(u32::to_string).collect();
        return Err(format!(
            "criterion {id} is claimed by rows {} of the hidden row map: send the unit a new form",
            rs.join(" and ")
        ));
    }
    let missing: Vec<&str> = fw
        .leaves
        .iter()
        .map(|l| l.id.as_str())
        .filter(|id| !by_id.contains_key(id))
        .collect();
    let recorded = info.get("rows").and_then(|n| n.parse::<usize>().ok());
    if !missing.is_empty() || recorded.is_some_and(|n| n != rows.len()) {
        let shown: Vec<&str> = missing.iter().take(8).copied().collect();
        return Err(format!(
            "the hidden row map lists {} of the framework's {} criteria{}{}: the form was altered; send the unit a new form",
            rows.len(),
            fw.leaves.len(),
            if shown.is_empty() { String::new() } else { format!(" (missing: {}", shown.join(", ")) + if missing.len() > 8 { ", …)" } else { ")" } },
            recorded.map(|n| format!("; it was made with {n}")).unwrap_or_default()
        ));
    }
    Ok(())
}

/// What a set of returned forms gives.
#[derive(Debug, Default)]
pub struct Collected {
    /// Every entry of every form used.
    pub entries: Vec<Entry>,
    /// The forms used.
    pub used: Vec<PathBuf>,
    /// Forms left out because `--choose` took another form of their unit:
    /// (left out, chosen).
    pub left_out: Vec<(PathBuf, PathBuf)>,
}

/// Reads every form: findings about cells go to `diags`; every form refused as a whole
/// is one error in `Err` (nothing is then to be written). A form is refused when it is
/// not a form of this framework, names another unit than its file, was altered, is
/// for a unit outside the register (when one is given), or when its unit returned
/// another form too and `choose` names neither.
pub fn collect(
    paths: &[PathBuf],
    fw: &Framework,
    register: Option<&std::collections::BTreeSet<String>>,
    choose: &[PathBuf],
    diags: &mut Vec<Diagnostic>,
) -> Result<Collected, Vec<Diagnostic>> {
    let mut refused = Vec::new();
    let mut by_unit: BTreeMap<String, Vec<(PathBuf, Vec<Entry>)>> = BTreeMap::new();
    for p in paths {
        match read(p, fw, diags) {
            Ok((unit, entries)) => by_unit.entry(unit).or_default().push((p.clone(), entries)),
            Err(Refused(d)) => refused.push(*d),
        }
    }
    let mut out = Collected::default();
    for (unit, forms) in by_unit {
        if register.is_some_and(|r| !r.contains(&unit)) {
            for (p, _) in &forms {
                refused.push(
                    Diagnostic::new(
                        Code::FormUnitUnknown,
                        format!("the form is unit `{unit}`'s, and `{unit}` is not in the unit register: check the register, or leave the form out"),
                    )
                    .at(&p.display().to_string(), None)
                    .unit(&unit),
                );
            }
            continue;
        }
        match one_form(&unit, forms, choose) {
            Ok((p, entries, others)) => {
                out.left_out
                    .extend(others.into_iter().map(|other| (other, p.clone())));
                out.used.push(p);
                out.entries.extend(entries);
            }
            Err(d) => refused.push(*d),
        }
    }
    if refused.is_empty() {
        Ok(out)
    } else {
        crate::diag::sort(&mut refused);
        Err(refused)
    }
}

/// The form of a unit that returned one, or the one `choose` names among several
/// (with the others); several and none chosen is refused, naming every file.
#[allow(clippy::type_complexity)]
fn one_form(
    unit: &str,
    mut forms: Vec<(PathBuf, Vec<Entry>)>,
    choose: &[PathBuf],
) -> Result<(PathBuf, Vec<Entry>, Vec<PathBuf>), Box<Diagnostic>> {
    let same = |a: &Path, b: &Path| crate::record::absolute(a) == crate::record::absolute(b);
    let pick = match forms.len() {
        1 => Some(0),
        _ => forms
            .iter()
            .position(|(p, _)| choose.iter().any(|c| same(c, p))),
    };
    let Some(pick) = pick else {
        let files: Vec<String> = forms.iter().map(|(p, _)| p.display().to_string()).collect();
        return Err(Box::new(
            Diagnostic::new(
                Code::FormUnitTwice,
                format!(
                    "{} are all forms of unit `{unit}`: keep one, or name the one to use with --choose \"{}\"",
                    files.join(" and "),
                    files.last().cloned().unwrap_or_default()
                ),
            )
            .at(&files[1], None)
            .unit(unit),
        ));
    };
    let (p, entries) = forms.swap_remove(pick);
    Ok((p, entries, forms.into_iter().map(|(o, _)| o).collect()))
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
fn form_meta(meta: &Sheet) -> (BTreeMap<String, String>, Vec<(u32, String)>) {
    let mut info = BTreeMap::new();
    let mut rows = Vec::new();
    for (r, _) in meta.rows() {
        let key = meta.text(r, 0);
        let value = meta.text(r, 1);
        if key == "row" {
            if let Ok(n) = value.parse::<u32>() {
                rows.push((n, meta.text(r, 2)));
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
        sheet: &Sheet,
        rows: Vec<(u32, String)>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Entry> {
        let cell =
            |r: u32, c: Col| -> Option<Value> { sheet.get(r, u32::from(c.index())).cloned() };
        let mut out = Vec::new();
        for (row1, id) in rows {
            let (Some(r), Some(l)) = (row1.checked_sub(1), fw.leaf(&id)) else {
                continue;
            };
            let typed = cell(r, Col::Id).map(|v| v.text()).unwrap_or_default();
            if crate::input::normalize(&typed) != id {
                let msg = format!(
                    "the form had criterion `{id}` here, it now reads `{}`; the row is left out",
                    crate::term::clip(&typed, 40)
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

    /// The text of each cell of a criterion's row; a formula whose result was never
    /// saved is unknown: named (where the unit types) and left empty.
    fn texts(
        &self,
        leaf: &Leaf,
        r: u32,
        cell: &dyn Fn(u32, Col) -> Option<Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> BTreeMap<u16, String> {
        let inputs = editable(leaf);
        let mut out = BTreeMap::new();
        for c in Col::ALL {
            let text = match cell(r, c) {
                Some(Value::Uncomputed) => {
                    let typed_here = inputs.contains(&c)
                        || (leaf.from_checklist() && matches!(c, Col::Evidence | Col::Explanation));
                    if typed_here {
                        let msg = "holds a formula whose result was never saved: its value is unknown; left empty (save the form in Excel, or type the value)";
                        diags.push(
                            self.finding(Code::BadCell, r, c, msg.into())
                                .criterion(&leaf.id),
                        );
                    }
                    String::new()
                }
                Some(v) => crate::input::normalize(&v.text()),
                None => String::new(),
            };
            out.insert(c.index(), text);
        }
        out
    }

    /// The cells of one criterion's row, each checked against its rule.
    fn entry(
        &self,
        leaf: &Leaf,
        r: u32,
        cell: &dyn Fn(u32, Col) -> Option<Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> Entry {
        let texts = self.texts(leaf, r, cell, diags);
        let text = |c: Col| texts[&c.index()].clone();
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
            match option(leaf, text(Col::Value)) {
                Ok(v) => e.values.value = v,
                Err(msg) => bad(Col::Value, msg),
            }
        }
        if leaf.from_checklist() {
            e.evidence = Some(text(Col::Evidence)).filter(|s| !s.is_empty());
            e.explanation = Some(text(Col::Explanation)).filter(|s| !s.is_empty());
        }
        e
    }
}

/// A choice cell checked: empty, `na`, or one of the criterion's options; why not,
/// otherwise.
fn option(leaf: &Leaf, v: String) -> Result<Option<String>, String> {
    let names = leaf.rule.option_names();
    if v.is_empty() || names.contains(&v.as_str()) || v.eq_ignore_ascii_case("na") {
        return Ok((!v.is_empty()).then_some(v));
    }
    Err(format!(
        "`{}` is not an option ({}); left empty",
        crate::term::clip(&v, 80),
        names.join(", ")
    ))
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
        (stage.column(), score),
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
