//! Units across the 2025 mergers: which earlier units each unit comes from.
//!
//! On 1 July 2025 10,035 communes became 3,321 and codes were reused (new Phường Sóc
//! Trăng is 31507, the code of old Phường 6), so a code means nothing without its
//! vintage and "how did this unit do last year?" runs through a lineage. A lineage is a
//! list of edges old unit → new unit, read from a CSV or a workbook — the statistics
//! office's official conversion table as published included: its cells merged down
//! (the workbook reader carries them), its title and province-heading rows, codes as
//! text or as numbers that lost their leading zeros, names with stray spaces and line
//! breaks, and its notes ("Nhập toàn bộ", "Nhập một phần diện tích", "Giữ nguyên",
//! "Đổi tên", …) read as relations. Every row becomes an edge or a finding; nothing is
//! dropped silently.

use crate::diag::{Code, Diagnostic};
use crate::input::{normalize, Row, Table};
use crate::num::parse_number;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The columns a lineage needs.
pub const COLUMNS: [&str; 2] = ["old_id", "new_id"];

/// How an old unit went into a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// All of the old unit went into the new one ("Nhập toàn bộ").
    Whole,
    /// Part of it ("Nhập một phần …"): the old unit was split.
    Part,
    /// The same unit, kept ("Giữ nguyên", "Đổi loại hình").
    Unchanged,
    /// The same unit under a new name ("Đổi tên").
    Renamed,
}

impl Relation {
    /// Every relation, in the order summaries list them.
    pub const ALL: [Relation; 4] = [
        Relation::Whole,
        Relation::Part,
        Relation::Unchanged,
        Relation::Renamed,
    ];

    /// Its name in files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Whole => "whole",
            Relation::Part => "part",
            Relation::Unchanged => "unchanged",
            Relation::Renamed => "renamed",
        }
    }

    /// A `relation` cell: the English name, in any case.
    pub fn parse(text: &str) -> Option<Relation> {
        Relation::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(text.trim()))
    }

    /// Whether the new unit is the old one itself (kept, or renamed).
    pub fn is_same_unit(self) -> bool {
        matches!(self, Relation::Unchanged | Relation::Renamed)
    }
}

/// The relation an official-table note states; `None` for free text.
pub fn relation_of_note(note: &str) -> Option<Relation> {
    let n = crate::input::columns::key(note).replace("nhâp", "nhập");
    if n.starts_with("nhậptoànbộ") {
        Some(Relation::Whole)
    } else if n.starts_with("nhậpmộtphần") {
        Some(Relation::Part)
    } else if n == "giữnguyên" || n == "đổiloạihình" {
        Some(Relation::Unchanged)
    } else if n == "đổitên" {
        Some(Relation::Renamed)
    } else {
        None
    }
}

/// One edge: an old unit (or part of it) went into a new unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The old unit's code; empty for an area that had none.
    pub old_id: String,
    /// Its name.
    pub old_name: String,
    /// The new unit's code.
    pub new_id: String,
    /// Its name.
    pub new_name: String,
    /// How the old unit went into the new one.
    pub relation: Relation,
    /// How much of the new unit the old one makes up (any positive measure: only the
    /// ratios among one new unit's predecessors count), when the file gives it.
    pub weight: Option<Decimal>,
    /// The file's note, as written (whitespace tidied).
    pub note: String,
    /// The 1-based line or workbook row.
    pub line: usize,
}

/// A lineage read from a file.
#[derive(Debug, Clone, Default)]
pub struct Lineage {
    /// The file, as shown in messages.
    pub file: String,
    /// The edges, sorted by new unit, then old unit.
    pub edges: Vec<Edge>,
    /// Codes that had lost their leading zeros and were padded back, if any.
    pub padding: Option<Padding>,
    /// Data rows read (headings between provinces included).
    pub rows: usize,
    /// Rows left out with a finding (no new unit, a repeated edge).
    pub rejected: usize,
}

/// Codes a workbook stored as numbers (4 for 00004), padded back with zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Padding {
    /// The width they were padded to.
    pub width: usize,
    /// How many codes were.
    pub codes: usize,
    /// Where the width comes from ("the unit register's codes", "most of the
    /// lineage's codes").
    pub from: &'static str,
}

impl Padding {
    /// The padding in words, for findings and summaries.
    pub fn words(&self) -> String {
        format!(
            "{} codes stored as numbers were padded to {} digits, the width of {}",
            self.codes, self.width, self.from
        )
    }
}

/// A name or note with its stray spaces and line breaks tidied.
fn tidy(s: &str) -> String {
    normalize(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// What one row says before relations are settled.
struct Raw {
    edge: Edge,
    /// The relation the row states (a `relation` cell or a known note).
    stated: Option<Relation>,
}

/// The columns of a lineage table, by name.
struct Cols {
    old: Option<usize>,
    new: Option<usize>,
    /// old_name, new_name, relation, weight, note.
    optional: [Option<usize>; 5],
}

/// What one row gives.
enum Read {
    /// A heading between provinces, or an empty row.
    Skip,
    /// A row left out with a finding.
    Rejected,
    /// An edge, its relation to settle.
    Edge(Raw),
}

/// Reads a lineage table; every row becomes an edge or a finding.
pub fn read(table: &Table, diags: &mut Vec<Diagnostic>) -> Lineage {
    let file = table.file.to_string();
    let cols = Cols {
        old: table.col("old_id"),
        new: table.col("new_id"),
        optional: ["old_name", "new_name", "relation", "weight", "note"].map(|n| table.col(n)),
    };
    let mut raws: Vec<Raw> = Vec::new();
    let mut rejected = 0;
    for row in &table.rows {
        match read_row(table, row, &cols, diags) {
            Read::Skip => {}
            Read::Rejected => rejected += 1,
            Read::Edge(r) => raws.push(r),
        }
    }
    let padding = pad_codes(&mut raws);
    let kept = raws.len();
    let edges = settle(raws, table, diags);
    Lineage {
        file,
        rows: table.rows.len(),
        rejected: rejected + kept - edges.len(),
        edges,
        padding,
    }
}

/// One row: an edge with what it states, or a finding.
fn read_row(table: &Table, row: &Row, cols: &Cols, diags: &mut Vec<Diagnostic>) -> Read {
    let cell = |c: Option<usize>| c.map_or(String::new(), |c| tidy(&row[c]));
    let (old_id, new_id) = (cell(cols.old), cell(cols.new));
    let [old_name, new_name, relation, weight, note] = cols.optional.map(cell);
    let at = |c: Option<usize>| match c {
        Some(c) => table.at_col(row, c),
        None => table.at(row),
    };
    let mut finding = |code: Code, c: Option<usize>, msg: String| {
        let d = Diagnostic::new(code, msg).located(at(c));
        // Findings about a new unit's edge name it, so they sort and filter by unit.
        diags.push(if new_id.is_empty() {
            d
        } else {
            d.unit(&new_id)
        });
    };
    if new_id.is_empty() {
        if old_id.is_empty() && old_name.is_empty() {
            return Read::Skip; // a heading ("THÀNH PHỐ HÀ NỘI") or an empty row
        }
        finding(
            Code::LineageRow,
            cols.new,
            format!(
                "`{old_id} {old_name}` goes to no new unit: new_id is empty; the row is left out"
            ),
        );
        return Read::Rejected;
    }
    let stated = stated(&relation, &note, |code, c, msg| {
        finding(code, cols.optional[c], msg)
    });
    let weight = match parse_weight(&weight, table.decimal_comma) {
        Ok(w) => w,
        Err(msg) => {
            finding(Code::LineageRow, cols.optional[3], msg);
            None
        }
    };
    if old_id.is_empty() {
        let what = if old_name.is_empty() {
            &note
        } else {
            &old_name
        };
        finding(
            Code::LineageNoCode,
            cols.old,
            format!("{new_name} ({new_id}) comes from an area without a commune code (`{what}`): it has no predecessor to compare with"),
        );
    }
    Read::Edge(Raw {
        edge: Edge {
            old_id,
            old_name,
            new_id,
            new_name,
            relation: Relation::Whole,
            weight,
            note,
            line: row.line,
        },
        stated,
    })
}

/// The relation a row states: its `relation` cell, else its note (a free-text note is
/// taken as part); `None` when it says nothing. Findings go to `finding` with the
/// index of the optional column they are about.
fn stated(
    relation: &str,
    note: &str,
    mut finding: impl FnMut(Code, usize, String),
) -> Option<Relation> {
    if !relation.is_empty() {
        if let Some(r) = Relation::parse(relation) {
            return Some(r);
        }
        finding(
            Code::LineageRow,
            2,
            format!(
                "relation `{relation}` is not whole, part, unchanged or renamed; the note decides"
            ),
        );
    }
    if note.is_empty() {
        return None;
    }
    relation_of_note(note).or_else(|| {
        finding(
            Code::LineageNote,
            4,
            format!("note `{note}` is not one of the usual ones; taken as part"),
        );
        Some(Relation::Part)
    })
}

/// A `weight` cell: empty, or a number above 0.
fn parse_weight(text: &str, comma: bool) -> Result<Option<Decimal>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match parse_number(text, comma) {
        Ok(w) if w > Decimal::ZERO => Ok(Some(w)),
        _ => Err(format!(
            "weight `{text}` is not a number above 0; the edge has no weight"
        )),
    }
}

/// Whether a code is all digits.
fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Commune codes are 5 digits (00004, 31507); a workbook that stores them as numbers
/// drops the leading zeros (4). When most of a lineage's all-digit codes share one
/// width, the shorter ones are padded back to it (a comparison with a unit register
/// pads to the register's width instead: [`Lineage::pad_to`]).
fn pad_codes(raws: &mut [Raw]) -> Option<Padding> {
    let mut widths: BTreeMap<usize, usize> = BTreeMap::new();
    let mut all = 0;
    for r in raws.iter() {
        for id in [&r.edge.old_id, &r.edge.new_id] {
            if digits(id) {
                *widths.entry(id.len()).or_default() += 1;
                all += 1;
            }
        }
    }
    let (&width, &n) = widths.iter().max_by_key(|(w, n)| (**n, **w))?;
    if n * 2 <= all {
        return None;
    }
    let mut codes = 0;
    for r in raws.iter_mut() {
        for id in [&mut r.edge.old_id, &mut r.edge.new_id] {
            if digits(id) && id.len() < width {
                *id = format!("{id:0>width$}");
                codes += 1;
            }
        }
    }
    (codes > 0).then_some(Padding {
        width,
        codes,
        from: "most of the lineage's codes",
    })
}

/// Settles each edge's relation (stated, else: an old unit with several successors
/// was split, a unit that is its own only predecessor is unchanged, the rest whole),
/// drops repeated edges with a finding, and sorts.
fn settle(raws: Vec<Raw>, table: &Table, diags: &mut Vec<Diagnostic>) -> Vec<Edge> {
    let line = if table.sheet.is_some() { "row" } else { "line" };
    let mut successors: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut predecessors: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &raws {
        successors
            .entry(&r.edge.old_id)
            .or_default()
            .insert(&r.edge.new_id);
        *predecessors.entry(&r.edge.new_id).or_default() += 1;
    }
    let relations: Vec<Relation> = raws
        .iter()
        .map(|r| {
            let e = &r.edge;
            r.stated.unwrap_or(
                if !e.old_id.is_empty() && successors[e.old_id.as_str()].len() > 1 {
                    Relation::Part
                } else if e.old_id == e.new_id && predecessors[e.new_id.as_str()] == 1 {
                    Relation::Unchanged
                } else {
                    Relation::Whole
                },
            )
        })
        .collect();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut edges = Vec::with_capacity(raws.len());
    for (r, relation) in raws.into_iter().zip(relations) {
        let mut e = r.edge;
        e.relation = relation;
        if !e.old_id.is_empty() {
            let key = (e.old_id.clone(), e.new_id.clone());
            if let Some(first) = seen.get(&key) {
                diags.push(
                    Diagnostic::new(
                        Code::LineageDuplicate,
                        format!(
                            "{} → {} is listed again (first at {line} {first}); the repeat is left out",
                            e.old_id, e.new_id
                        ),
                    )
                    .located(table.row_at(e.line)),
                );
                continue;
            }
            seen.insert(key, e.line);
        }
        edges.push(e);
    }
    edges.sort_by(|a, b| (&a.new_id, &a.old_id, a.line).cmp(&(&b.new_id, &b.old_id, b.line)));
    edges
}

/// What a lineage holds, in figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Edges.
    pub edges: usize,
    /// Distinct new units.
    pub new_units: usize,
    /// Distinct old units with a code.
    pub old_units: usize,
    /// Edges from an area without a code.
    pub without_code: usize,
    /// Edges per relation, in [`Relation::ALL`] order.
    pub relations: [usize; 4],
    /// Old units split between several new ones.
    pub split: usize,
    /// New codes that an old unit had, where the new unit is not simply that old unit
    /// kept or renamed: the same code, two different units.
    pub reused: Vec<String>,
}

impl Lineage {
    /// Pads every all-digit code shorter than `width` (the width of the unit
    /// register's codes, `from`) with leading zeros, so that a code a workbook stored
    /// as a number meets the register's; the padding is stated in the lineage.
    pub fn pad_to(&mut self, width: usize, from: &'static str) {
        let mut codes = 0;
        for e in &mut self.edges {
            for id in [&mut e.old_id, &mut e.new_id] {
                if digits(id) && id.len() < width {
                    *id = format!("{id:0>width$}");
                    codes += 1;
                }
            }
        }
        if codes > 0 {
            let before = self.padding.as_ref().map_or(0, |p| p.codes);
            self.padding = Some(Padding {
                width,
                codes: codes + before,
                from,
            });
            self.edges.sort_by(|a, b| {
                (&a.new_id, &a.old_id, a.line).cmp(&(&b.new_id, &b.old_id, b.line))
            });
        }
    }

    /// Its figures.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            edges: self.edges.len(),
            ..Summary::default()
        };
        let mut into: BTreeMap<&str, Vec<&Edge>> = BTreeMap::new();
        let mut successors: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for e in &self.edges {
            into.entry(&e.new_id).or_default().push(e);
            if e.old_id.is_empty() {
                s.without_code += 1;
            } else {
                successors.entry(&e.old_id).or_default().insert(&e.new_id);
            }
            let i = Relation::ALL.iter().position(|r| *r == e.relation);
            s.relations[i.unwrap_or(0)] += 1;
        }
        s.new_units = into.len();
        s.old_units = successors.len();
        s.split = successors.values().filter(|n| n.len() > 1).count();
        s.reused = into
            .iter()
            .filter(|(id, _)| successors.contains_key(*id))
            .filter(|(id, edges)| !self.continues(id, edges))
            .map(|(id, _)| id.to_string())
            .collect();
        s
    }

    /// Whether a new unit is one old unit carried on under its own code (its only edge
    /// is from itself, unchanged or renamed).
    fn continues(&self, id: &str, edges: &[&Edge]) -> bool {
        matches!(edges, [e] if e.old_id == id && e.relation.is_same_unit())
    }

    /// The edges into a new unit.
    pub fn into_unit<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Edge> + 'a {
        let start = self.edges.partition_point(|e| e.new_id.as_str() < id);
        self.edges[start..]
            .iter()
            .take_while(move |e| e.new_id == id)
    }

    /// The edges out of an old unit.
    pub fn out_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| e.old_id == id)
    }

    /// Whether a unit id now is the same unit as that id in the earlier ranking: only
    /// when the lineage says so (its only edge is from itself, unchanged or renamed).
    pub fn same_unit(&self, id: &str) -> bool {
        let edges: Vec<&Edge> = self.into_unit(id).collect();
        self.continues(id, &edges)
    }
}
