//! Findings about a framework or the data, with stable codes.
//!
//! Scoring never stops at the first problem: every reader and validator pushes
//! [`Diagnostic`]s into one list, which is printed together at the end; the exit code
//! comes from counting the error-level ones. Codes are kebab-case and stable, so
//! scripts and the README can refer to them.

use serde::Serialize;
use std::fmt;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Wrong data or framework: the numbers may not be what the inspector expects.
    Error,
    /// Worth a look, but the numbers follow the rules as written.
    Warning,
}

/// Where a finding points: a file and, when known, a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file as the user named it (relative to where they ran cchc or to cchc.toml).
    pub file: String,
    /// The 1-based line, when the finding is about one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}", self.file, l),
            None => write!(f, "{}", self.file),
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `score-above-max`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// A sentence for a person.
    pub message: String,
    /// File and line, when the finding comes from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The unit concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The criterion concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
}

impl Diagnostic {
    /// An error-level finding.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            location: None,
            unit: None,
            criterion: None,
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Points the finding at a file and line.
    pub fn at(mut self, file: &str, line: Option<usize>) -> Diagnostic {
        self.location = Some(Location {
            file: file.to_string(),
            line,
        });
        self
    }

    /// Names the unit concerned.
    pub fn unit(mut self, unit: &str) -> Diagnostic {
        self.unit = Some(unit.to_string());
        self
    }

    /// Names the criterion concerned.
    pub fn criterion(mut self, criterion: &str) -> Diagnostic {
        self.criterion = Some(criterion.to_string());
        self
    }

    /// Whether this is an error-level finding.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(crate::lang::Lang::En))
    }
}

impl Diagnostic {
    /// The finding as one line: `error[code]: file:line: unit U, criterion C: message`.
    /// In Vietnamese the words around it are translated and the code's meaning leads
    /// the (English) detail; the code itself never changes.
    pub fn render(&self, lang: crate::lang::Lang) -> String {
        let vi = lang == crate::lang::Lang::Vi;
        let sev = match (self.severity, vi) {
            (Severity::Error, false) => "error",
            (Severity::Warning, false) => "warning",
            (Severity::Error, true) => "lỗi",
            (Severity::Warning, true) => "cảnh báo",
        };
        let mut out = format!("{sev}[{}]: ", self.code);
        if let Some(loc) = &self.location {
            out.push_str(&format!("{loc}: "));
        }
        let (unit, criterion) = if vi {
            ("đơn vị", "tiêu chí")
        } else {
            ("unit", "criterion")
        };
        match (&self.unit, &self.criterion) {
            (Some(u), Some(c)) => out.push_str(&format!("{unit} {u}, {criterion} {c}: ")),
            (Some(u), None) => out.push_str(&format!("{unit} {u}: ")),
            (None, Some(c)) => out.push_str(&format!("{criterion} {c}: ")),
            (None, None) => {}
        }
        if let Some(g) = lang.gloss(self.code) {
            out.push_str(&format!("{g} — "));
        }
        out.push_str(&self.message);
        out
    }
}

/// Sorts findings into a stable order (errors first, then by file, line, code), so the
/// same inputs always print the same report whatever the order of the rows.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (
            a.severity,
            &a.location,
            a.code,
            &a.unit,
            &a.criterion,
            &a.message,
        )
            .cmp(&(
                b.severity,
                &b.location,
                b.code,
                &b.unit,
                &b.criterion,
                &b.message,
            ))
    });
}

/// Counts error-level findings.
pub fn errors(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}
