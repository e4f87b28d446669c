//! Turning a [`Run`] into text: one small module per format, all fed by the same
//! [`ranking_rows`] so every format carries the same numbers.
//!
//! Renderers return strings; only the binary's command layer prints or writes files.

pub mod csv;
pub mod explain;
pub mod gaps;
pub mod html;
pub mod json;
pub mod md;
pub mod metrics;
pub mod parquet;
pub mod sipas;
pub mod table;
pub mod xlsx;

use crate::diag::{Diagnostic, Severity};
use crate::num::{fixed, plain};
use crate::Run;
use std::collections::BTreeMap;

/// Output formats of the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table for the terminal (the default on a terminal).
    Table,
    /// Comma-separated, one row per unit (the default when piped).
    Csv,
    /// Everything: ranking, per-criterion detail, diagnostics, row counts.
    Json,
    /// A GitHub-flavoured Markdown table that pastes into a report.
    Md,
}

impl Format {
    /// The format a file name implies (`.csv`, `.json`, `.txt`).
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "md" => Some(Format::Md),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }
}

/// Fill colours of the bands, from the highest band down (green → red; grey for a
/// sixth and later), shared by the xlsx and html outputs.
pub const BAND_COLOURS: [u32; 6] = [0x63BE7B, 0xB1D580, 0xFFEB84, 0xFBAA77, 0xF8696B, 0xD9D9D9];

/// Output formats of the ranking (`cchc score`): the text formats and the binary ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RankingFormat {
    /// An aligned table for the terminal (the default on a terminal).
    Table,
    /// Comma-separated, one row per unit (the default when piped).
    Csv,
    /// Everything: ranking, per-criterion detail, summary, diagnostics, row counts.
    Json,
    /// A GitHub-flavoured Markdown table that pastes into a report.
    Md,
    /// An Excel workbook: the ranking with typed numbers and band colours, a sheet per area.
    Xlsx,
    /// A self-contained HTML report with SVG charts (ranking, bands, unit profiles).
    Html,
    /// Parquet for DuckDB and polars: the ranking, and FILE.criteria.parquet beside it (needs --out).
    Parquet,
}

impl RankingFormat {
    /// The format a file name implies.
    pub fn from_extension(path: &std::path::Path) -> Option<RankingFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "xlsx" => Some(RankingFormat::Xlsx),
            "html" | "htm" => Some(RankingFormat::Html),
            "parquet" => Some(RankingFormat::Parquet),
            _ => Format::from_extension(path).map(RankingFormat::from),
        }
    }
}

impl From<Format> for RankingFormat {
    fn from(f: Format) -> RankingFormat {
        match f {
            Format::Table => RankingFormat::Table,
            Format::Csv => RankingFormat::Csv,
            Format::Json => RankingFormat::Json,
            Format::Md => RankingFormat::Md,
        }
    }
}

/// The header and rows of the ranking table, as PRODUCT.md fixes them:
/// `rank, rank_in_group, unit_id, name, group, points, max_points, index, band`,
/// `area_<id>` per area, then `self_index, appraisal_delta` when self-scores exist.
pub fn ranking_rows(run: &Run) -> (Vec<String>, Vec<Vec<String>>) {
    let fw = &run.framework;
    let r = &fw.rounding;
    let mut header: Vec<String> = [
        "rank",
        "rank_in_group",
        "unit_id",
        "name",
        "group",
        "points",
        "max_points",
        "index",
        "band",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(fw.areas.iter().map(|a| format!("area_{}", a.id)));
    if run.scoring.has_self {
        header.push("self_index".into());
        header.push("appraisal_delta".into());
    }
    if run.previous.is_some() {
        header.push("rank_change".into());
        header.push("index_change".into());
    }
    let rows = run
        .scoring
        .units
        .iter()
        .map(|u| {
            let t = &u.totals;
            let mut row = vec![
                u.rank.to_string(),
                u.rank_in_group.to_string(),
                u.unit.id.clone(),
                u.unit.name.clone(),
                u.unit.group.clone(),
                r.show(t.net()),
                plain(t.max),
                r.show(t.index),
                u.band.clone().unwrap_or_default(),
            ];
            row.extend(t.areas.iter().map(|a| r.show(*a)));
            if run.scoring.has_self {
                row.push(r.show(u.self_totals.index));
                row.push(fixed(t.index - u.self_totals.index, r.places, r.mode));
            }
            if let Some(p) = &run.previous {
                match p.changes.get(&u.unit.id).copied().flatten() {
                    Some((rank, index)) => {
                        row.push(rank.to_string());
                        row.push(fixed(index, r.places, r.mode));
                    }
                    None => row.extend([String::new(), String::new()]),
                }
            }
            row
        })
        .collect();
    (header, rows)
}

/// The comparison with an earlier ranking in words, for the table and Markdown footers:
/// which units are new and which are gone (empty without `--previous`).
pub fn comparison_lines(run: &Run) -> String {
    let Some(p) = &run.previous else {
        return String::new();
    };
    let fw = &run.framework;
    let l = run.lang;
    let new: Vec<&str> = p
        .changes
        .iter()
        .filter(|(_, c)| c.is_none())
        .map(|(id, _)| id.as_str())
        .collect();
    let gone: Vec<String> = p
        .gone
        .iter()
        .map(|(id, rank, index)| {
            format!("{id} ({} {rank}, {})", l.t("was"), fw.rounding.show(*index))
        })
        .collect();
    let list = |v: Vec<String>| {
        if v.is_empty() {
            l.t("none").to_string()
        } else {
            v.join(", ")
        }
    };
    format!(
        "{} {}: {}; {}: {}; {}: {}\n",
        l.t("compared with"),
        p.file,
        l.t("rank_change = earlier rank − rank now"),
        l.t("new since"),
        list(new.iter().map(|s| s.to_string()).collect()),
        l.t("gone since"),
        list(gone)
    )
}

/// How the index is computed, in one line: `12 units; index = points / applicable max
/// × 100, rounded half-up to 2 places`.
pub fn method_line(run: &Run) -> String {
    let fw = &run.framework;
    let (n, scale, mode, places) = (
        run.scoring.units.len(),
        plain(fw.scale),
        fw.rounding.mode.name(),
        fw.rounding.places,
    );
    match run.lang {
        crate::lang::Lang::En => format!(
            "{n} units; index = points / applicable max × {scale}, rounded {mode} to {places} places"
        ),
        crate::lang::Lang::Vi => format!(
            "{n} đơn vị; chỉ số = điểm / tổng điểm tối đa áp dụng × {scale}, làm tròn {places} chữ số thập phân ({mode})"
        ),
    }
}

/// Figures over all units, as reports quote them: how many, the mean of their published
/// indices, and how many fall in each band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Units ranked.
    pub units: usize,
    /// The mean of the published indices, rounded as the framework says (None: no units).
    pub mean_index: Option<rust_decimal::Decimal>,
    /// Each band of the framework (highest first) with its number of units.
    pub bands: Vec<(String, usize)>,
}

/// The [`Summary`] of a run.
pub fn summary(run: &Run) -> Summary {
    let fw = &run.framework;
    let units = &run.scoring.units;
    let mean_index = (!units.is_empty()).then(|| {
        let sum: rust_decimal::Decimal = units.iter().map(|u| u.totals.index).sum();
        fw.rounding
            .apply(sum / rust_decimal::Decimal::from(units.len()))
    });
    let bands = fw
        .bands
        .iter()
        .map(|b| {
            let n = units
                .iter()
                .filter(|u| u.band.as_deref() == Some(b.label.as_str()))
                .count();
            (b.label.clone(), n)
        })
        .collect();
    Summary {
        units: units.len(),
        mean_index,
        bands,
    }
}

impl Summary {
    /// One line for a report: `mean index 88.37; Nhóm A 13, Nhóm B 50`.
    pub fn line(&self, fw: &crate::framework::Framework, lang: crate::lang::Lang) -> String {
        let mut s = match self.mean_index {
            Some(m) => format!("{} {}", lang.t("mean index"), fw.rounding.show(m)),
            None => lang.t("no units").to_string(),
        };
        if !self.bands.is_empty() {
            let parts: Vec<String> = self
                .bands
                .iter()
                .map(|(label, n)| format!("{label} {n}"))
                .collect();
            s.push_str(&format!("; {}", parts.join(", ")));
        }
        s
    }
}

/// Diagnostics as lines for a terminal, at most `per_code` of each code (0 = all),
/// then a one-line summary. Warnings are left out when `errors_only`.
pub fn diagnostics_report(
    diags: &[Diagnostic],
    per_code: usize,
    errors_only: bool,
    lang: crate::lang::Lang,
) -> String {
    let mut out = String::new();
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    let mut hidden: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diags {
        if errors_only && d.severity != Severity::Error {
            continue;
        }
        let n = shown.entry(d.code).or_default();
        if per_code > 0 && *n >= per_code {
            *hidden.entry(d.code).or_default() += 1;
            continue;
        }
        *n += 1;
        out.push_str(&d.render(lang));
        out.push('\n');
    }
    for (code, n) in hidden {
        out.push_str(&format!(
            "… and {n} more [{code}] (all are in --format json)\n"
        ));
    }
    let errors = crate::diag::errors(diags);
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        let word = |n: usize, one: &'static str, many: &'static str| {
            lang.t(if n == 1 { one } else { many })
        };
        out.push_str(&format!(
            "{errors} {}, {warnings} {}\n",
            word(errors, "error", "errors"),
            word(warnings, "warning", "warnings")
        ));
    }
    out
}

/// Every diagnostic on its own line (for errors that stop a run).
pub fn diagnostics_text(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}
