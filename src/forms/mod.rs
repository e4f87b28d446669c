//! Self-assessment forms: one workbook per unit, sent out, filled in Excel, collected
//! back without retyping (DOMAIN.md "The cycle as units live it").
//!
//! [`write`] makes a unit's form: the framework's tree (parents as headings), each leaf
//! with its id, title, max and rule in plain words, and editable cells — validated in
//! Excel — for exactly what its rule reads; criteria scored on the dossier log or the
//! survey show the unit's figure and are locked. A hidden sheet records the unit, the
//! framework's fingerprint and which criterion each row holds. [`collect`] reads
//! returned forms, refuses a form made for another framework or unit, names every bad
//! cell, and makes checklist rows.

pub mod collect;
pub mod write;

use crate::lang::Lang;

/// The hidden sheet holding what a form was made for.
pub const META_SHEET: &str = "_cchc";

/// The first value of the hidden sheet, so a form is recognised as one.
pub const MAGIC: &str = "cchc-form 1";

/// The form's columns, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// The criterion id (locked).
    Id,
    /// Its title (locked).
    Title,
    /// Its maximum (locked).
    Max,
    /// How it is scored, in words, or the unit's figure (locked).
    Rule,
    /// The points (manual criteria).
    Score,
    /// Tasks done (ratio criteria).
    Done,
    /// Tasks planned (ratio criteria).
    Planned,
    /// The option chosen (choice criteria).
    Value,
    /// How many times (per-count criteria).
    Count,
    /// Evidence.
    Evidence,
    /// Explanation.
    Explanation,
}

impl Col {
    /// Every column, in order.
    pub const ALL: [Col; 11] = [
        Col::Id,
        Col::Title,
        Col::Max,
        Col::Rule,
        Col::Score,
        Col::Done,
        Col::Planned,
        Col::Value,
        Col::Count,
        Col::Evidence,
        Col::Explanation,
    ];

    /// Its 0-based column.
    pub fn index(self) -> u16 {
        Col::ALL.iter().position(|c| *c == self).unwrap_or(0) as u16
    }

    /// Its header.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Col::Id, Lang::Vi) => "Mã tiêu chí",
            (Col::Id, Lang::En) => "Criterion",
            (Col::Title, Lang::Vi) => "Tiêu chí, tiêu chí thành phần",
            (Col::Title, Lang::En) => "Title",
            (Col::Max, Lang::Vi) => "Điểm tối đa",
            (Col::Max, Lang::En) => "Max",
            (Col::Rule, Lang::Vi) => "Cách chấm / số liệu",
            (Col::Rule, Lang::En) => "How it is scored / figures",
            (Col::Score, Lang::Vi) => "Điểm tự chấm",
            (Col::Score, Lang::En) => "Score",
            (Col::Done, Lang::Vi) => "Số hoàn thành",
            (Col::Done, Lang::En) => "Done",
            (Col::Planned, Lang::Vi) => "Số kế hoạch",
            (Col::Planned, Lang::En) => "Planned",
            (Col::Value, Lang::Vi) => "Mức độ",
            (Col::Value, Lang::En) => "Option",
            (Col::Count, Lang::Vi) => "Số lần",
            (Col::Count, Lang::En) => "Count",
            (Col::Evidence, Lang::Vi) => "Tài liệu kiểm chứng",
            (Col::Evidence, Lang::En) => "Evidence",
            (Col::Explanation, Lang::Vi) => "Giải trình",
            (Col::Explanation, Lang::En) => "Explanation",
        }
    }
}

/// The name of the form's sheet.
pub fn sheet_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Tự đánh giá",
        Lang::En => "Self-assessment",
    }
}

/// A unit id as a file name that every file system takes: characters other than
/// letters, digits, `.`, `-` and `_` become `_`; no leading dot (a hidden file, `..`),
/// no trailing dot (Windows drops it), never a Windows device name (`CON`, `NUL`,
/// `COM1`…: `_CON`; [`crate::platform::windows_reserved`]), at most 100 characters.
pub fn file_stem(unit_id: &str) -> String {
    let mapped: String = unit_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let mut s = mapped.trim_end_matches('.').to_string();
    if s.is_empty() || s.starts_with('.') {
        s.insert(0, '_');
    }
    let device = crate::platform::windows_reserved(&s);
    if device {
        s.insert(0, '_');
    }
    s
}

/// One file name per unit id in one folder (`<stem>.<ext>`), unique even where two ids
/// make the same stem or differ only in case (`a/b` and `a_b`; `P01` and `p01` on
/// Windows): the later id gets ` (2)`, ` (3)`… (a name `collect` still reads as the
/// unit's). Returns the names, in the order of `ids`, and a sentence for each id that
/// got a suffix.
pub fn unit_file_names(ids: &[&str], ext: &str) -> (Vec<String>, Vec<String>) {
    let mut taken = std::collections::BTreeSet::new();
    let mut names = Vec::with_capacity(ids.len());
    let mut notes = Vec::new();
    for id in ids {
        let stem = file_stem(id);
        let mut name = format!("{stem}.{ext}");
        let mut k = 1;
        while !taken.insert(name.to_lowercase()) {
            k += 1;
            name = format!("{stem} ({k}).{ext}");
        }
        if k > 1 {
            notes.push(format!(
                "unit `{}` makes the file name of another unit ({stem}.{ext}): written as {name}",
                crate::term::clip(id, crate::term::QUOTE)
            ));
        }
        names.push(name);
    }
    (names, notes)
}
