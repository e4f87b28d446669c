//! The report model: what every command produces, before any format.
//!
//! A [`Report`] is titled tables of typed columns ([`Column`], [`Kind`]) whose rows are
//! produced on demand ([`Rows`]), plus the lines around them, notes, findings, row
//! counts and — for the HTML report — figures. Each output format is one exporter over
//! it (`crate::export`), so a column is added in one place (the command's report
//! builder below) and appears in every format, and numbers travel typed: no exporter
//! ever parses a number back from text.
//!
//! Builders, one per command: [`ranking`] (score), [`explain`], [`check`],
//! [`metrics`], [`sipas`], [`gaps`], [`frameworks`].

pub mod advise;
pub mod card;
pub mod check;
pub mod codes;
pub mod explain;
pub mod figures;
pub mod frameworks;
pub mod gaps;
pub mod lineage;
pub mod metrics;
pub mod ranking;
pub mod sensitivity;
pub mod sipas;

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::input::RowStats;
use crate::lang::Lang;
use crate::num::Exact;
use rust_decimal::Decimal;

/// The type of a column: how each format writes its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text (left-aligned).
    Text,
    /// A whole number.
    Int,
    /// A decimal shown with exactly this many places (values come rounded).
    Decimal(u32),
    /// A percentage shown with this many places, without a `%` sign.
    Percent(u32),
    /// A calendar date.
    Date,
    /// An exact value: its decimal when it terminates, else its fraction (`17/31`);
    /// a string in JSON, so that no digit is lost.
    Exact,
    /// An exact input decimal in its shortest form (`100`, `0.5`): a maximum, a value
    /// as given; a number in JSON.
    Plain,
    /// true / false.
    Bool,
    /// Nested values, for JSON only (an object of named values, or a list).
    Nested,
}

impl Kind {
    /// Whether the values are numbers (right-aligned in tables).
    pub fn numeric(self) -> bool {
        matches!(
            self,
            Kind::Int | Kind::Decimal(_) | Kind::Percent(_) | Kind::Exact | Kind::Plain
        )
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Nothing (an empty cell, JSON null).
    Null,
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A decimal, already rounded as the column's kind shows it.
    Dec(Decimal),
    /// An exact value.
    Exact(Exact),
    /// true / false.
    Bool(bool),
    /// A date.
    Date(Date),
    /// Named values (JSON object).
    Object(Vec<(String, Value)>),
    /// Values (JSON array).
    List(Vec<Value>),
}

impl Value {
    /// Text, or null when empty.
    pub fn text(s: impl Into<String>) -> Value {
        let s = s.into();
        if s.is_empty() {
            Value::Null
        } else {
            Value::Text(s)
        }
    }

    /// Text, even when empty.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// A count.
    pub fn count(n: impl TryInto<i64>) -> Value {
        n.try_into().map_or(Value::Null, Value::Int)
    }

    /// The value as plain text, the way csv, md and the terminal table show it.
    pub fn show(&self, kind: Kind) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Dec(d) => match kind {
                Kind::Decimal(p) | Kind::Percent(p) => format!("{:.*}", p as usize, d),
                _ => crate::num::plain(*d),
            },
            Value::Exact(x) => x.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => d.to_string(),
            Value::Object(_) | Value::List(_) => String::new(),
        }
    }
}

/// The formats a table or a column appears in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats(u8);

impl Formats {
    /// The terminal table.
    pub const TABLE: Formats = Formats(1);
    /// CSV.
    pub const CSV: Formats = Formats(2);
    /// JSON.
    pub const JSON: Formats = Formats(4);
    /// Markdown.
    pub const MD: Formats = Formats(8);
    /// Excel workbook.
    pub const XLSX: Formats = Formats(16);
    /// Parquet.
    pub const PARQUET: Formats = Formats(32);
    /// HTML report.
    pub const HTML: Formats = Formats(64);
    /// Every format.
    pub const ALL: Formats = Formats(127);
    /// Every format but JSON (flat columns whose JSON form is nested elsewhere).
    pub const FLAT: Formats = Formats(127 & !4);
    /// The formats people read (table, md, html, xlsx).
    pub const READING: Formats = Formats(1 | 8 | 16 | 64);

    /// Both sets.
    pub const fn with(self, o: Formats) -> Formats {
        Formats(self.0 | o.0)
    }

    /// This set without `o`.
    pub const fn without(self, o: Formats) -> Formats {
        Formats(self.0 & !o.0)
    }

    /// Whether `f` is in the set.
    pub fn has(self, f: Formats) -> bool {
        self.0 & f.0 != 0
    }
}

/// A column of a table.
#[derive(Debug, Clone)]
pub struct Column {
    /// The stable name (csv, json, parquet; `--lang` translates it elsewhere).
    pub name: String,
    /// The type of its values.
    pub kind: Kind,
    /// Where it appears.
    pub formats: Formats,
    /// Whether a narrow terminal table keeps it (the others go first).
    pub essential: bool,
    /// Columns of one group (the areas, the self-assessment pair) are shown or left
    /// out of a narrow terminal table together.
    pub group: Option<&'static str>,
    /// Cell colours by value (bands): xlsx and html colour the cell.
    pub colours: Vec<(String, u32)>,
}

impl Column {
    /// A column in every format, not essential.
    pub fn new(name: impl Into<String>, kind: Kind) -> Column {
        Column {
            name: name.into(),
            kind,
            formats: Formats::ALL,
            essential: false,
            group: None,
            colours: Vec::new(),
        }
    }

    /// Kept in a narrow terminal table.
    pub fn essential(mut self) -> Column {
        self.essential = true;
        self
    }

    /// One of a group shown or left out together in a narrow table.
    pub fn grouped(mut self, group: &'static str) -> Column {
        self.group = Some(group);
        self
    }

    /// Only in these formats.
    pub fn only(mut self, formats: Formats) -> Column {
        self.formats = formats;
        self
    }

    /// Cells coloured by value.
    pub fn coloured(mut self, colours: Vec<(String, u32)>) -> Column {
        self.colours = colours;
        self
    }
}

/// A producer of rows: called with the format they are for and a sink for each row, as
/// many times as an exporter needs (rows are built on demand, so a report of 60,000
/// units is never held twice). A producer may leave `Null` in the columns the format
/// does not show (the nested JSON detail, say) instead of computing them.
pub type Rows<'a> = Box<dyn Fn(Formats, &mut dyn FnMut(Vec<Value>)) + 'a>;

/// A titled table.
pub struct Table<'a> {
    /// Its key: the JSON key, the Parquet file suffix, the xlsx sheet name.
    pub id: String,
    /// Its heading in table, md and html (in the report's language).
    pub title: Option<String>,
    /// Its xlsx sheet name (default: the id).
    pub sheet: Option<String>,
    /// Its columns.
    pub columns: Vec<Column>,
    /// Its rows.
    pub rows: Rows<'a>,
    /// Where it appears.
    pub formats: Formats,
    /// A totals row shown under the table in table, md, html and xlsx, and as an
    /// object of its own in JSON (key `total`).
    pub total: Option<Vec<Value>>,
    /// At most this many rows in table and md (the others formats have all).
    pub limit: Option<usize>,
    /// xlsx: rows and columns frozen (below the header, left of the data).
    pub frozen: (u32, u16),
    /// JSON: one object (the first row) instead of a list.
    pub single: bool,
}

impl<'a> Table<'a> {
    /// A table in every format.
    pub fn new(id: impl Into<String>, columns: Vec<Column>, rows: Rows<'a>) -> Table<'a> {
        Table {
            id: id.into(),
            title: None,
            sheet: None,
            columns,
            rows,
            formats: Formats::ALL,
            total: None,
            limit: None,
            frozen: (0, 0),
            single: false,
        }
    }

    /// With a heading.
    pub fn titled(mut self, title: impl Into<String>) -> Table<'a> {
        self.title = Some(title.into());
        self
    }

    /// With an xlsx sheet name.
    pub fn sheet(mut self, name: impl Into<String>) -> Table<'a> {
        self.sheet = Some(name.into());
        self
    }

    /// Only in these formats.
    pub fn only(mut self, formats: Formats) -> Table<'a> {
        self.formats = formats;
        self
    }

    /// Every row for `format`, collected (for exporters that need two passes).
    pub fn collect(&self, format: Formats) -> Vec<Vec<Value>> {
        let mut all = Vec::new();
        (self.rows)(format, &mut |r| all.push(r));
        all
    }

    /// The columns (with their index) that appear in `format`.
    pub fn columns_in(&self, format: Formats) -> Vec<(usize, &Column)> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.formats.has(format))
            .collect()
    }
}

/// A part of the HTML report, in order.
pub enum Part {
    /// A figure.
    Figure(figures::Figure),
    /// A table, by index into [`Report::tables`].
    Table(usize),
    /// A paragraph.
    Paragraph(String),
    /// A section heading (`id`, title).
    Section(String, String),
    /// The key figures of a card, large: (label, value) pairs, and the band with its
    /// colour.
    KeyFigures(Vec<(String, String)>, Option<(String, u32)>),
}

/// What a command produces.
pub struct Report<'a> {
    /// The first line (the heading in md and html).
    pub title: String,
    /// Lines under the title: the period, the method.
    pub lines: Vec<String>,
    /// The HTML page's own heading and the words before the lines under it (default:
    /// the title, and nothing).
    pub html_title: Option<(String, Vec<String>)>,
    /// A readable document for the terminal and md (explain, check), before the tables.
    pub document: Vec<String>,
    /// JSON members before the tables.
    pub json_head: Vec<(String, serde_json::Value)>,
    /// The tables.
    pub tables: Vec<Table<'a>>,
    /// JSON members after the tables.
    pub json_tail: Vec<(String, serde_json::Value)>,
    /// Lines after the tables (summary, comparison, method notes).
    pub notes: Vec<String>,
    /// The findings (JSON `diagnostics`; stderr prints them for the other formats).
    pub findings: std::borrow::Cow<'a, [Diagnostic]>,
    /// Whether JSON carries `diagnostics` and `stats`.
    pub json_findings: bool,
    /// Rows read / used / rejected per input (JSON `stats`).
    pub stats: Vec<RowStats>,
    /// The HTML body, in order (empty: the tables, then the notes).
    pub html: Vec<Part>,
    /// The language of labels.
    pub lang: Lang,
}

impl<'a> Report<'a> {
    /// An empty report with a title.
    pub fn new(title: impl Into<String>, lang: Lang, findings: &'a [Diagnostic]) -> Report<'a> {
        Report {
            title: title.into(),
            lines: Vec::new(),
            html_title: None,
            document: Vec::new(),
            json_head: Vec::new(),
            tables: Vec::new(),
            json_tail: Vec::new(),
            notes: Vec::new(),
            findings: std::borrow::Cow::Borrowed(findings),
            json_findings: true,
            stats: Vec::new(),
            html: Vec::new(),
            lang,
        }
    }

    /// The first table that appears in `format`.
    pub fn primary(&self, format: Formats) -> Option<&Table<'a>> {
        self.tables.iter().find(|t| t.formats.has(format))
    }
}

/// A decimal value rounded as a framework publishes it.
pub fn published(fw: &crate::framework::Framework, x: &Exact) -> Value {
    Value::Dec(fw.rounding.apply(x))
}

/// The column kind of a framework's published figures.
pub fn points_kind(fw: &crate::framework::Framework) -> Kind {
    Kind::Decimal(fw.rounding.places)
}

/// A framework's identity and conventions, as JSON.
pub fn framework_json(fw: &crate::framework::Framework) -> serde_json::Value {
    serde_json::json!({
        "id": fw.id,
        "title": fw.title,
        "decision": fw.decision,
        "source": fw.source,
        "scale": json_number(&crate::num::plain(fw.scale)),
        "rounding": {
            "mode": fw.rounding.mode.name(),
            "places": fw.rounding.places,
            "rank_on": if fw.rounding.rank_on_exact { "exact" } else { "rounded" },
        },
    })
}

/// A period, as JSON (null when none).
pub fn period_json(p: Option<&crate::period::Period>) -> serde_json::Value {
    match p {
        Some(p) => {
            serde_json::json!({"label": p.label, "from": p.from.to_string(), "to": p.to.to_string()})
        }
        None => serde_json::Value::Null,
    }
}

/// A decimal as a JSON number with exactly these digits.
pub fn json_number(text: &str) -> serde_json::Value {
    use std::str::FromStr;
    serde_json::Number::from_str(text)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}
