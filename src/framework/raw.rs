//! The serde mirror of a framework file: exactly what the TOML says, unknown keys
//! refused, every value that a finding may point at kept with its span so the
//! validator can name the line. Nothing here is trusted; see `validate`.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A number as written in TOML. Decimals should be quoted strings (`"1.5"`) so they are
/// read exactly; integers are exact too. A bare float is kept only to be refused with a
/// helpful message.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawNum {
    /// `"1.5"`
    Str(String),
    /// `2`
    Int(i64),
    /// `1.5` (refused: floats are not exact)
    Float(f64),
}

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawFramework {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub decision: Option<String>,
    /// Free text for people reading the file.
    #[serde(default)]
    #[allow(dead_code)]
    pub note: Option<String>,
    pub scale: Spanned<RawNum>,
    #[serde(default)]
    pub rounding: Option<Spanned<RawRounding>>,
    #[serde(default)]
    pub bands: Vec<Spanned<RawBand>>,
    #[serde(default)]
    pub ranking: Option<Spanned<RawRanking>>,
    #[serde(default)]
    pub areas: Vec<Spanned<RawArea>>,
    #[serde(default)]
    pub survey: Option<Spanned<RawSurvey>>,
    #[serde(default)]
    pub parts: Vec<Spanned<RawPart>>,
    #[serde(default)]
    pub officials: Option<Spanned<RawOfficials>>,
}

/// `[officials]`: the officials' and leaders' survey (điều tra xã hội học).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawOfficials {
    /// Answer option → percentage of the points (A = "100", B = "60", …).
    pub options: Spanned<BTreeMap<String, Spanned<RawNum>>>,
    /// Answer codes meaning "don't know" (left out, as an empty answer); default `KB`.
    pub dont_know: Option<Vec<String>>,
    /// Respondent group → weight.
    pub groups: Spanned<BTreeMap<String, Spanned<RawNum>>>,
    pub min_respondents: Option<Spanned<i64>>,
    #[serde(default)]
    pub items: Vec<Spanned<RawOfficialsItem>>,
}

/// `[[officials.items]]`: questions whose answers score one criterion or part.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawOfficialsItem {
    pub id: Spanned<String>,
    pub title: String,
    pub questions: Spanned<Vec<String>>,
    /// Free text for people reading the file.
    #[allow(dead_code)]
    pub note: Option<String>,
}

/// `[[parts]]`: one part of the index (appraised points, SIPAS, survey, impact).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPart {
    pub id: Spanned<String>,
    pub title: String,
    pub max: Spanned<RawNum>,
    /// The areas whose points make the part.
    pub areas: Option<Spanned<Vec<Spanned<String>>>>,
    /// A figure the part is scaled from (`survey:index`, `survey:<factor>`).
    pub source: Option<Spanned<String>>,
    /// Free text for people reading the file.
    #[allow(dead_code)]
    pub note: Option<String>,
}

/// `[survey]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSurvey {
    /// `top-two` (default) or `weights`.
    pub answers: Option<Spanned<String>>,
    /// Answer → percentage of the question's credit, for `answers = "weights"`.
    pub weights: Option<Spanned<BTreeMap<String, Spanned<RawNum>>>>,
    pub min_respondents: Option<Spanned<i64>>,
    #[serde(default)]
    pub factors: Vec<Spanned<RawFactor>>,
    /// `factors` (default: the index is the weighted mean of the factors) or `pillars`.
    pub aggregate: Option<Spanned<String>>,
    #[serde(default)]
    pub pillars: Vec<Spanned<RawPillar>>,
    #[serde(default)]
    pub unscored: Vec<Spanned<RawUnscored>>,
}

/// `[[survey.pillars]]`: factors grouped (policy making; service delivery).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPillar {
    pub id: Spanned<String>,
    pub title: String,
    pub weight: Option<Spanned<RawNum>>,
    pub factors: Spanned<Vec<String>>,
    /// Free text for people reading the file.
    #[allow(dead_code)]
    pub note: Option<String>,
}

/// `[[survey.unscored]]`: a question reported as a frequency table, never scored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawUnscored {
    pub id: Spanned<String>,
    pub title: String,
}

/// `[[survey.factors]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawFactor {
    pub id: Spanned<String>,
    pub title: String,
    pub weight: Option<Spanned<RawNum>>,
    #[serde(default)]
    pub questions: Vec<Spanned<RawQuestion>>,
    /// Free text for people reading the file.
    #[allow(dead_code)]
    pub note: Option<String>,
}

/// A question of a factor: its id, or `{ id = "...", weight = "2" }`.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a question id (\"TC1\") or a table { id = \"TC1\", weight = \"2\" }"
)]
pub enum RawQuestion {
    /// `"TC1"`
    Id(String),
    /// `{ id = "TC1", weight = "2" }`
    Weighted {
        /// The question id.
        id: String,
        /// Its weight within the factor.
        weight: RawNum,
    },
}

/// `[rounding]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRounding {
    pub mode: Option<Spanned<String>>,
    pub places: Option<Spanned<i64>>,
    pub rank_on: Option<Spanned<String>>,
    pub round_points: Option<bool>,
    /// `once` (default) or `parts`.
    pub round: Option<Spanned<String>>,
}

/// `[[bands]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBand {
    pub label: String,
    pub from: Spanned<RawNum>,
}

/// `[ranking]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRanking {
    pub group: Option<String>,
    pub ties: Option<Spanned<String>>,
    pub tie_break: Option<Vec<Spanned<String>>>,
    pub area_ranks: Option<bool>,
    pub summary_by: Option<String>,
}

/// `[[areas]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawArea {
    pub id: Spanned<String>,
    pub title: String,
    pub max: Option<Spanned<RawNum>>,
    pub kind: Option<Spanned<String>>,
    /// Free text for people reading the file.
    #[allow(dead_code)]
    pub note: Option<String>,
    #[serde(default)]
    pub criteria: Vec<Spanned<RawNode>>,
}

/// `[[areas.criteria]]` and, nested, `[[areas.criteria.criteria]]`: a criterion with
/// sub-criteria, or a leaf with a max and a rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawNode {
    pub id: Spanned<String>,
    pub title: String,
    pub max: Option<Spanned<RawNum>>,
    pub kind: Option<Spanned<String>>,
    pub rule: Option<Spanned<String>>,
    pub options: Option<Spanned<BTreeMap<String, Spanned<RawNum>>>>,
    pub ratio: Option<Spanned<String>>,
    pub on_empty: Option<Spanned<String>>,
    pub steps: Option<Spanned<Vec<Spanned<RawStep>>>>,
    pub target: Option<Spanned<RawNum>>,
    pub points_each: Option<Spanned<RawNum>>,
    pub illustrative: Option<bool>,
    pub note: Option<String>,
    pub criteria: Option<Vec<Spanned<RawNode>>>,
}

/// One entry of a `steps` list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawStep {
    pub from: Spanned<RawNum>,
    pub points: Spanned<RawNum>,
}
