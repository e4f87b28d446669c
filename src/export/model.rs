//! The report model: what every command produces, before any format.
//!
//! A [`Report`] is titled tables of typed columns ([`Column`], [`Kind`]) whose rows are
//! produced on demand ([`Rows`]), plus the lines around them, a document (prose, for
//! explain and check), notes, findings and row counts. Each output format is one
//! [`Exporter`] over it, so a column is added in one place (the command's report
//! builder in `crate::report`) and appears in every format, and numbers travel typed:
//! no exporter ever parses a number back from text.
//!
//! What only one format uses — the JSON members around the tables, the HTML page's
//! body, an xlsx sheet's name — is a setting of that format, declared in its exporter's
//! file and carried here untyped ([`Settings`]): the model knows no format.

use super::Exporter;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::input::RowStats;
use crate::lang::Lang;
use crate::num::Exact;
use rust_decimal::Decimal;
use std::any::Any;

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

/// Which formats a table or a column appears in, by what the format is for — so a
/// new format needs no change here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appears {
    /// Every format.
    All,
    /// The nested format (JSON): the exact figures, the detail as objects.
    Nested,
    /// Every format but the nested one (flat columns whose JSON form is nested).
    Flat,
    /// The formats people read (table, md, xlsx, html).
    People,
    /// The formats of flat data for scripts (csv, parquet).
    Data,
    /// One format, by name.
    Only(&'static str),
    /// Every format but one, by name.
    AllBut(&'static str),
    /// The formats named.
    Among(&'static [&'static str]),
}

impl Appears {
    /// Whether this includes the format `e`.
    pub fn has(self, e: &dyn Exporter) -> bool {
        match self {
            Appears::All => true,
            Appears::Nested => e.nested(),
            Appears::Flat => !e.nested(),
            Appears::People => e.for_people(),
            Appears::Data => !e.nested() && !e.for_people(),
            Appears::Only(name) => e.name() == name,
            Appears::AllBut(name) => e.name() != name,
            Appears::Among(names) => names.contains(&e.name()),
        }
    }
}

/// What one format (or a few) needs of a report or a table and the others ignore:
/// values of types the exporters declare, found by their type.
#[derive(Default)]
pub struct Settings(Vec<Box<dyn Any>>);

impl Settings {
    /// Sets a value (replacing one of the same type).
    pub fn set<T: Any>(&mut self, value: T) {
        self.0.retain(|b| !b.is::<T>());
        self.0.push(Box::new(value));
    }

    /// The value of this type, if set.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.iter().find_map(|b| b.downcast_ref())
    }

    /// The value of this type, set to its default first if it was not.
    pub fn get_mut<T: Any + Default>(&mut self) -> &mut T {
        if self.get::<T>().is_none() {
            self.0.push(Box::new(T::default()));
        }
        self.0
            .iter_mut()
            .find_map(|b| b.downcast_mut())
            .expect("set just above")
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Settings({})", self.0.len())
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
    pub appears: Appears,
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
            appears: Appears::All,
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
    pub fn only(mut self, appears: Appears) -> Column {
        self.appears = appears;
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
pub type Rows<'a> = Box<dyn Fn(&dyn Exporter, &mut dyn FnMut(Vec<Value>)) + 'a>;

/// A titled table.
pub struct Table<'a> {
    /// Its key: the JSON key, the Parquet file suffix, the xlsx sheet name.
    pub id: String,
    /// Its heading in table, md and html (in the report's language).
    pub title: Option<String>,
    /// Its columns.
    pub columns: Vec<Column>,
    /// Its rows.
    pub rows: Rows<'a>,
    /// Where it appears.
    pub appears: Appears,
    /// A totals row shown under the table in table, md, html and xlsx, and as an
    /// object of its own in JSON (key `total`).
    pub total: Option<Vec<Value>>,
    /// What one format needs of this table (an xlsx sheet's name, a row limit for
    /// people, JSON's one object).
    pub settings: Settings,
}

impl<'a> Table<'a> {
    /// A table in every format.
    pub fn new(id: impl Into<String>, columns: Vec<Column>, rows: Rows<'a>) -> Table<'a> {
        Table {
            id: id.into(),
            title: None,
            columns,
            rows,
            appears: Appears::All,
            total: None,
            settings: Settings::default(),
        }
    }

    /// With a heading.
    pub fn titled(mut self, title: impl Into<String>) -> Table<'a> {
        self.title = Some(title.into());
        self
    }

    /// Only in these formats.
    pub fn only(mut self, appears: Appears) -> Table<'a> {
        self.appears = appears;
        self
    }

    /// With a format's setting.
    pub fn with<T: Any>(mut self, setting: T) -> Table<'a> {
        self.settings.set(setting);
        self
    }

    /// A format's setting, if set.
    pub fn setting<T: Any>(&self) -> Option<&T> {
        self.settings.get()
    }

    /// Every row for `format`, collected (for exporters that need two passes).
    pub fn collect(&self, format: &dyn Exporter) -> Vec<Vec<Value>> {
        let mut all = Vec::new();
        (self.rows)(format, &mut |r| all.push(r));
        all
    }

    /// The columns (with their index) that appear in `format`.
    pub fn columns_in(&self, format: &dyn Exporter) -> Vec<(usize, &Column)> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.appears.has(format))
            .collect()
    }
}

/// What a command produces.
pub struct Report<'a> {
    /// The first line (the heading in md and html).
    pub title: String,
    /// Lines under the title: the period, the method.
    pub lines: Vec<String>,
    /// A readable document for the terminal and md (explain, check), before the tables.
    pub document: Vec<String>,
    /// The tables.
    pub tables: Vec<Table<'a>>,
    /// Lines after the tables (summary, comparison, method notes).
    pub notes: Vec<String>,
    /// The findings (JSON `diagnostics`; stderr prints them for the other formats).
    pub findings: std::borrow::Cow<'a, [Diagnostic]>,
    /// Rows read / used / rejected per input (JSON `stats`).
    pub stats: Vec<RowStats>,
    /// The language of labels.
    pub lang: Lang,
    /// What one format needs of the report (JSON's members, the HTML page's body).
    pub settings: Settings,
}

impl<'a> Report<'a> {
    /// An empty report with a title.
    pub fn new(title: impl Into<String>, lang: Lang, findings: &'a [Diagnostic]) -> Report<'a> {
        Report {
            title: title.into(),
            lines: Vec::new(),
            document: Vec::new(),
            tables: Vec::new(),
            notes: Vec::new(),
            findings: std::borrow::Cow::Borrowed(findings),
            stats: Vec::new(),
            lang,
            settings: Settings::default(),
        }
    }

    /// Sets a format's setting.
    pub fn set<T: Any>(&mut self, setting: T) {
        self.settings.set(setting);
    }

    /// A format's setting, if set.
    pub fn setting<T: Any>(&self) -> Option<&T> {
        self.settings.get()
    }

    /// A format's setting to change (its default when not set yet).
    pub fn setting_mut<T: Any + Default>(&mut self) -> &mut T {
        self.settings.get_mut()
    }

    /// The first table that appears in `format`.
    pub fn primary(&self, format: &dyn Exporter) -> Option<&Table<'a>> {
        self.tables.iter().find(|t| t.appears.has(format))
    }
}

/// A decimal as a JSON number with exactly these digits.
pub fn json_number(text: &str) -> serde_json::Value {
    use std::str::FromStr;
    serde_json::Number::from_str(text)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}
