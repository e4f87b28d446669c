//! Scoring frameworks: the criteria tables a province issues each year, as TOML.
//!
//! A framework is loaded in two steps, as cargo-deny loads its config: the file is
//! deserialised into a strict mirror ([`raw`]), then [`validate`] turns the mirror into a
//! [`Framework`] while collecting *every* problem with its line, so an author fixes a
//! broken file in one pass. Only a validated framework reaches scoring, so the scoring
//! code can rely on its invariants (maxima sum to the scale, bands and steps ordered,
//! every rule complete).

pub mod builtin;
mod raw;
mod validate;

use crate::diag::{Code, Diagnostic};
use crate::num::RoundingMode;
use rust_decimal::Decimal;

pub use validate::parse;

/// A validated framework.
#[derive(Debug, Clone)]
pub struct Framework {
    /// Short id, e.g. `par-commune-2025`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// The decision it follows (e.g. `QĐ 5666/QĐ-UBND`).
    pub decision: Option<String>,
    /// Where it was loaded from: `built-in` or the file path.
    pub source: String,
    /// The scale of the index, usually 100; scored maxima sum to it.
    pub scale: Decimal,
    /// How published numbers are rounded.
    pub rounding: Rounding,
    /// Bands from the highest lower bound down; the last one starts at 0.
    pub bands: Vec<Band>,
    /// Grouping and tie policy.
    pub ranking: Ranking,
    /// Areas (fields, lĩnh vực) in file order.
    pub areas: Vec<Area>,
    /// Every leaf in file order; areas refer to them by index.
    pub leaves: Vec<Leaf>,
    /// How survey answers become satisfaction indices (the `[survey]` table), if the
    /// framework has one.
    pub survey: Option<Survey>,
    /// How the officials' survey's answers score criteria (the `[officials]` table).
    pub officials: Option<Officials>,
    /// The parts the index is the sum of (`[[parts]]`), in file order; empty: the index
    /// is the areas' points over their maximum, as one part.
    pub parts: Vec<Part>,
    /// A fingerprint of the framework's text (SHA-256, hex): forms and recorded runs
    /// name the exact framework they were made with.
    pub fingerprint: String,
}

/// The `[survey]` table: how answers on the 5-level scale become per-question
/// satisfaction, factor indices and an overall index (SIPAS, QĐ 1001/QĐ-BNV).
#[derive(Debug, Clone)]
pub struct Survey {
    /// How one valid answer counts.
    pub counting: Counting,
    /// The factors in file order; each question belongs to exactly one.
    pub factors: Vec<Factor>,
    /// Below this many respondents a unit gets a `few-respondents` finding (0 = none).
    pub min_respondents: u64,
    /// Pillars grouping the factors, in file order (may be empty).
    pub pillars: Vec<Pillar>,
    /// Whether the index is the weighted mean of the pillars (else of the factors).
    pub by_pillars: bool,
    /// Questions reported as frequency tables and never scored (needs, expectations,
    /// the harassment question).
    pub unscored: Vec<Unscored>,
}

/// A pillar of the survey (policy making and implementation; service delivery): the
/// weighted mean of its factors that have a value.
#[derive(Debug, Clone)]
pub struct Pillar {
    /// Its id, in the `pillar_<id>` column.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its weight in the index under `aggregate = "pillars"` (1 unless given).
    pub weight: Decimal,
    /// Its factors, by index into `Survey::factors`.
    pub factors: Vec<usize>,
}

/// A question whose answers are counted, not scored.
#[derive(Debug, Clone)]
pub struct Unscored {
    /// The survey file's `question_id`.
    pub id: String,
    /// Its title.
    pub title: String,
}

impl Survey {
    /// Each question id → its index in [`Survey::questions`] order.
    pub fn question_index(&self) -> std::collections::BTreeMap<&str, usize> {
        self.questions()
            .enumerate()
            .map(|(i, (_, q))| (q.id.as_str(), i))
            .collect()
    }

    /// Every question in factor order: (factor index, question).
    pub fn questions(&self) -> impl Iterator<Item = (usize, &Question)> {
        self.factors
            .iter()
            .enumerate()
            .flat_map(|(f, factor)| factor.questions.iter().map(move |q| (f, q)))
    }
}

/// The `[officials]` table: the officials' and leaders' survey (điều tra xã hội học).
/// An answer is an option code weighted as a percentage of the points; a "don't know"
/// or empty answer is left out; each respondent group has a weight. An item's figure
/// (percent) = Σ group weight × mean option weight of the group's valid answers to the
/// item's questions / Σ weights of the groups that answered.
#[derive(Debug, Clone)]
pub struct Officials {
    /// Option code (upper case) → percentage of the points, sorted by code.
    pub options: Vec<(String, Decimal)>,
    /// Codes meaning "don't know" (upper case).
    pub dont_know: Vec<String>,
    /// Respondent group → weight, in file order (sorted by name).
    pub groups: Vec<(String, Decimal)>,
    /// The items, in file order; each question belongs to exactly one.
    pub items: Vec<OfficialsItem>,
    /// Below this many respondents a unit gets a `few-respondents` finding (0 = none).
    pub min_respondents: u64,
}

/// An item of the officials' survey: the questions behind one criterion or part.
#[derive(Debug, Clone)]
pub struct OfficialsItem {
    /// Its id, used in `officials:<id>` ratios.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its question ids.
    pub questions: Vec<String>,
}

/// How a valid answer (1–5) counts towards a question's satisfaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counting {
    /// The share of valid answers that are 4 or 5 (the default).
    TopTwo,
    /// Each answer earns a percentage of the question (index 0 is answer 1).
    Weights([Decimal; 5]),
}

impl Counting {
    /// The credit of an answer 1–5, as a fraction of 1.
    pub fn credit(&self, answer: u8) -> Decimal {
        match self {
            Counting::TopTwo if answer >= 4 => Decimal::ONE,
            Counting::TopTwo => Decimal::ZERO,
            Counting::Weights(w) => w[usize::from(answer - 1)] / Decimal::ONE_HUNDRED,
        }
    }

    /// The rule in words, for outputs.
    pub fn describe(&self, lang: crate::lang::Lang) -> String {
        match self {
            Counting::TopTwo => lang.t("share of valid answers that are 4 or 5").into(),
            Counting::Weights(w) => {
                let parts: Vec<String> = (1..=5)
                    .rev()
                    .map(|a| format!("{a} → {}%", crate::num::plain(w[a - 1])))
                    .collect();
                format!("{} {}", lang.t("answer weights"), parts.join(", "))
            }
        }
    }
}

/// A factor of the survey (e.g. access to the service).
#[derive(Debug, Clone)]
pub struct Factor {
    /// Its id, used in `survey:<id>` ratios and `factor_<id>` columns.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its weight in the overall index (1 unless the file says).
    pub weight: Decimal,
    /// Its questions.
    pub questions: Vec<Question>,
}

/// A survey question.
#[derive(Debug, Clone)]
pub struct Question {
    /// The survey file's `question_id`.
    pub id: String,
    /// Its weight within its factor (1 unless the file says).
    pub weight: Decimal,
}

/// What a survey ratio reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyTarget {
    /// The overall index.
    Index,
    /// One factor, by index into `Survey::factors`.
    Factor(usize),
}

/// A part of the index (`[[parts]]`): the appraised checklist, the SIPAS index, an
/// officials' survey, the socio-economic impact. Its value is its areas' net points
/// over their applicable maximum, times the part's maximum, within [0, max]; the index
/// is the sum of the parts (over the maxima of the parts that apply, times the scale).
#[derive(Debug, Clone)]
pub struct Part {
    /// Its id, used in the `part_<id>` output column.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its maximum on the index's scale.
    pub max: Decimal,
    /// Its areas, by index into `Framework::areas` (a `source` part has one area of its
    /// own, made from the source).
    pub areas: Vec<usize>,
}

/// The `[rounding]` table.
#[derive(Debug, Clone, Copy)]
pub struct Rounding {
    /// Half away from zero (default) or half to even.
    pub mode: RoundingMode,
    /// Decimal places of published numbers (default 2).
    pub places: u32,
    /// Rank on the published (rounded) index (default) or on the exact one.
    pub rank_on_exact: bool,
    /// Round each leaf's points before summing, as some Excel sheets do (default false).
    pub round_points: bool,
    /// Round each part before the sum, as the Ministry's tables are printed (`round =
    /// "parts"`; default `"once"`: only the index is rounded).
    pub round_parts: bool,
}

impl Rounding {
    /// Rounds an exact value once, the way this framework says: a published number.
    pub fn apply(&self, x: &crate::num::Exact) -> Decimal {
        x.round(self.places, self.mode)
    }
    /// Formats an exact value as a published number with this framework's places.
    pub fn show(&self, x: &crate::num::Exact) -> String {
        format!("{:.*}", self.places as usize, self.apply(x))
    }
    /// Formats a decimal with this framework's places (rounded if it has more).
    pub fn show_dec(&self, d: Decimal) -> String {
        crate::num::fixed(d, self.places, self.mode)
    }
}

/// A band: a label for indices from `from` (inclusive) up to the next band.
#[derive(Debug, Clone)]
pub struct Band {
    /// E.g. `Tốt`.
    pub label: String,
    /// Inclusive lower bound on the index.
    pub from: Decimal,
}

/// The `[ranking]` table.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// The units column whose values form the ranking groups (default `group`).
    pub group_column: String,
    /// Whether the framework names the group column itself (then a register without
    /// it is worth a warning; by default a missing `group` column means one group).
    pub group_declared: bool,
    /// How tied units are ranked.
    pub ties: TiePolicy,
    /// Whether the ranking shows each area's index and rank (`area_<id>_index`,
    /// `area_<id>_rank`), as the Ministry publishes each field (`area-ranks = true`, or
    /// `cchc score --area-ranks`).
    pub area_ranks: bool,
    /// The register column the summaries group by (a region; `summary-by`, or `cchc
    /// score --summary-by`); None: the ranking groups.
    pub summary_by: Option<String>,
}

/// How units with equal indices are ranked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TiePolicy {
    /// 1, 1, 3 (the default).
    Competition,
    /// 1, 1, 2.
    Dense,
    /// 1, 2, 3, ties broken by the chain, then by unit_id.
    Ordinal(Vec<TieBreak>),
}

/// One link of an ordinal tie-break chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TieBreak {
    /// More points in this area (by index into `areas`) ranks first.
    Area(usize),
    /// More net points ranks first.
    Points,
    /// The smaller unit_id ranks first.
    UnitId,
}

/// An area (lĩnh vực).
#[derive(Debug, Clone)]
pub struct Area {
    /// Its id, used in the `area_<id>` output column.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Sum of its scored leaves' maxima.
    pub max: Decimal,
    /// Its criteria in file order, for display.
    pub items: Vec<Item>,
}

/// A line in an area's table of contents.
#[derive(Debug, Clone)]
pub enum Item {
    /// A criterion that groups sub-criteria: its id, title and depth (1 = criterion).
    Heading {
        /// Criterion id.
        id: String,
        /// Criterion title.
        title: String,
        /// Nesting depth below the area.
        depth: usize,
    },
    /// A leaf, by index into `Framework::leaves`.
    Leaf(usize),
}

/// Whether a leaf's points count in the scale or sit outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Part of the scale: its max counts in the denominator.
    Scored,
    /// Added on top, capped at its max.
    Bonus,
    /// Subtracted, capped at its max.
    Penalty,
}

impl Effect {
    /// The key used in framework files.
    pub fn name(self) -> &'static str {
        match self {
            Effect::Scored => "scored",
            Effect::Bonus => "bonus",
            Effect::Penalty => "penalty",
        }
    }
}

/// A leaf criterion: something a unit earns points on.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// Its id, as the checklist's `criterion_id`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its area, by index.
    pub area: usize,
    /// Ids of the criteria above it (outermost first), for `explain --criterion`.
    pub parents: Vec<String>,
    /// Its maximum (the cap for bonus and penalty).
    pub max: Decimal,
    /// Scored, bonus or penalty.
    pub effect: Effect,
    /// How its points are computed.
    pub rule: Rule,
    /// Whether its thresholds are illustrative defaults rather than taken from a text.
    pub illustrative: bool,
    /// The line of its `id` in the framework file.
    pub line: usize,
    /// The framework author's note (how to read the item), shown by `explain`.
    pub note: Option<String>,
}

impl Leaf {
    /// Where this leaf's ratio comes from, for the ratio rules.
    pub fn ratio_source(&self) -> Option<RatioSource> {
        match &self.rule {
            Rule::Steps { ratio, .. } | Rule::Proportional { ratio, .. } => Some(*ratio),
            _ => None,
        }
    }

    /// The dossier metric this leaf's ratio comes from, if any.
    pub fn dossier_metric(&self) -> Option<crate::dossier::Metric> {
        match self.ratio_source() {
            Some(RatioSource::Dossier(m)) => Some(m),
            _ => None,
        }
    }

    /// The survey figure this leaf's ratio comes from, if any.
    pub fn survey_target(&self) -> Option<SurveyTarget> {
        match self.ratio_source() {
            Some(RatioSource::Survey(t)) => Some(t),
            _ => None,
        }
    }

    /// The officials' survey figure this leaf's ratio comes from, if any.
    pub fn officials_target(&self) -> Option<SurveyTarget> {
        match self.ratio_source() {
            Some(RatioSource::Officials(t)) => Some(t),
            _ => None,
        }
    }

    /// The official indicator this leaf's ratio comes from (`official:2.1`), if any.
    pub fn official_indicator(&self) -> Option<&'static str> {
        match self.ratio_source() {
            Some(RatioSource::Official(id)) => Some(id),
            _ => None,
        }
    }

    /// Whether the checklist decides this leaf's points (not the dossier log or a
    /// survey).
    pub fn from_checklist(&self) -> bool {
        !matches!(
            self.ratio_source(),
            Some(
                RatioSource::Dossier(_)
                    | RatioSource::Survey(_)
                    | RatioSource::Officials(_)
                    | RatioSource::Official(_)
            )
        )
    }
}

/// How a leaf's points are computed (PRODUCT.md, "Rules a leaf can use").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Points as given in the checklist.
    Manual,
    /// The checklist `value` names an option; each option has points.
    Choice {
        /// Option name → points, sorted by name.
        options: Vec<(String, Decimal)>,
    },
    /// The first step whose lower bound the ratio reaches.
    Steps {
        /// Where the ratio comes from.
        ratio: RatioSource,
        /// What a zero denominator gives.
        on_empty: OnEmpty,
        /// Steps from the highest lower bound down.
        steps: Vec<Step>,
    },
    /// max × min(ratio / target, 1).
    Proportional {
        /// Where the ratio comes from.
        ratio: RatioSource,
        /// What a zero denominator gives.
        on_empty: OnEmpty,
        /// The target ratio as a percentage (100 = the whole plan).
        target: Decimal,
    },
    /// count × points each, capped at the max.
    PerCount {
        /// Points per counted event.
        each: Decimal,
    },
}

impl Rule {
    /// Its kind.
    pub fn kind(&self) -> RuleKind {
        match self {
            Rule::Manual => RuleKind::Manual,
            Rule::Choice { .. } => RuleKind::Choice,
            Rule::Steps { .. } => RuleKind::Steps,
            Rule::Proportional { .. } => RuleKind::Proportional,
            Rule::PerCount { .. } => RuleKind::PerCount,
        }
    }

    /// The key used in framework files.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The names of a choice's options (none for the other rules).
    pub fn option_names(&self) -> Vec<&str> {
        match self {
            Rule::Choice { options } => options.iter().map(|(n, _)| n.as_str()).collect(),
            Rule::Manual
            | Rule::Steps { .. }
            | Rule::Proportional { .. }
            | Rule::PerCount { .. } => Vec::new(),
        }
    }
}

/// The kinds of rule a leaf may have. Their names in framework files are serde's
/// (kebab-case), written nowhere else; every match on a kind is exhaustive, so a new
/// kind does not compile until each place (its keys, its validation, its points, its
/// words) handles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// Points as given.
    Manual,
    /// Points per named option.
    Choice,
    /// Points by the step a ratio reaches.
    Steps,
    /// max × min(ratio / target, 1).
    Proportional,
    /// count × points each, capped.
    PerCount,
}

impl RuleKind {
    /// Every kind, in the order messages list them.
    pub const ALL: [RuleKind; 5] = [
        RuleKind::Manual,
        RuleKind::Choice,
        RuleKind::Steps,
        RuleKind::Proportional,
        RuleKind::PerCount,
    ];

    /// Its place in [`RuleKind::ALL`] (exhaustive: a new kind must be listed there).
    fn index(self) -> usize {
        match self {
            RuleKind::Manual => 0,
            RuleKind::Choice => 1,
            RuleKind::Steps => 2,
            RuleKind::Proportional => 3,
            RuleKind::PerCount => 4,
        }
    }

    /// Its name in framework files (serde's).
    pub fn name(self) -> &'static str {
        static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        NAMES.get_or_init(|| {
            RuleKind::ALL
                .iter()
                .map(|k| match serde_json::to_value(k) {
                    Ok(serde_json::Value::String(s)) => &*Box::leak(s.into_boxed_str()),
                    _ => "?",
                })
                .collect()
        })[self.index()]
    }

    /// The kind a name in a framework file stands for (serde's reading).
    pub fn parse(name: &str) -> Option<RuleKind> {
        serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
    }

    /// The keys a leaf of this kind takes beyond the common ones.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            RuleKind::Manual => &[],
            RuleKind::Choice => &["options"],
            RuleKind::Steps => &["ratio", "on-empty", "steps"],
            RuleKind::Proportional => &["ratio", "on-empty", "target"],
            RuleKind::PerCount => &["points-each"],
        }
    }

    /// Every kind's name, for messages (`manual, choice, …`).
    pub fn names() -> String {
        RuleKind::ALL.map(RuleKind::name).join(", ")
    }
}

/// Where a ratio rule takes its numerator and denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatioSource {
    /// The checklist's `done` / `planned` columns.
    Checklist,
    /// A rate of the unit's dossier log over the period (`dossier:on_time_rate`).
    Dossier(crate::dossier::Metric),
    /// The unit's survey index or one factor (`survey:index`, `survey:<factor>`),
    /// exact (a percentage over 100).
    Survey(SurveyTarget),
    /// The unit's officials' survey figure, all items or one (`officials:index`,
    /// `officials:<item>`), exact (a percentage over 100).
    Officials(SurveyTarget),
    /// An indicator of the official service index, computed as the national portal
    /// does (`official:2.1`; [`crate::portal::INDICATORS`]).
    Official(&'static str),
}

/// What a ratio with a zero denominator earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnEmpty {
    /// Full points (nothing was due, nothing was missed).
    Full,
    /// No points.
    Zero,
    /// The leaf does not apply: its max leaves the unit's denominator.
    Na,
}

impl OnEmpty {
    /// The key used in framework files.
    pub fn name(self) -> &'static str {
        match self {
            OnEmpty::Full => "full",
            OnEmpty::Zero => "zero",
            OnEmpty::Na => "na",
        }
    }
}

/// One step of a `steps` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Inclusive lower bound, as a percentage.
    pub from: Decimal,
    /// Points earned from this bound up to the next step.
    pub points: Decimal,
}

impl Framework {
    /// Whether any leaf takes its ratio from the dossier log.
    pub fn uses_dossiers(&self) -> bool {
        self.leaves
            .iter()
            .any(|l| l.dossier_metric().is_some() || l.official_indicator().is_some())
    }

    /// Whether any leaf is scored on an official indicator (`official:<id>`): the log
    /// is then read under the official method.
    pub fn uses_official(&self) -> bool {
        self.leaves.iter().any(|l| l.official_indicator().is_some())
    }

    /// The official indicators its leaves score, in framework order.
    pub fn official_indicators(&self) -> Vec<&'static str> {
        self.leaves
            .iter()
            .filter_map(Leaf::official_indicator)
            .collect()
    }

    /// Whether any leaf is scored from the checklist (a survey-only or log-only
    /// framework needs no checklist file).
    pub fn uses_checklist(&self) -> bool {
        self.leaves.iter().any(Leaf::from_checklist)
    }

    /// The inputs its criteria are scored from, in words (`checklist`, `dossiers`,
    /// `survey`).
    pub fn inputs(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.uses_checklist() {
            v.push("checklist");
        }
        if self.uses_dossiers() {
            v.push("dossiers");
        }
        if self.uses_survey() {
            v.push("survey");
        }
        if self.uses_officials() {
            v.push("officials");
        }
        v
    }

    /// Whether any leaf takes its ratio from the officials' survey.
    pub fn uses_officials(&self) -> bool {
        self.leaves.iter().any(|l| l.officials_target().is_some())
    }

    /// Whether any leaf takes its ratio from the survey.
    pub fn uses_survey(&self) -> bool {
        self.leaves.iter().any(|l| l.survey_target().is_some())
    }

    /// The band an index falls in (the first whose lower bound it reaches, compared
    /// exactly).
    pub fn band(&self, index: &crate::num::Exact) -> Option<&Band> {
        self.bands
            .iter()
            .find(|b| *index >= crate::num::Exact::from(b.from))
    }

    /// The leaf with this id.
    pub fn leaf(&self, id: &str) -> Option<usize> {
        self.leaves.iter().position(|l| l.id == id)
    }
}

/// The SHA-256 of some bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Loads a framework by built-in name or from a TOML file.
///
/// `Err` carries every problem found (parse errors name their line and key).
pub fn load(name_or_path: &str, base: &std::path::Path) -> Result<Framework, Vec<Diagnostic>> {
    if let Some(b) = builtin::get(name_or_path) {
        let mut fw = parse(b.source, &format!("built-in:{}", b.name))?;
        fw.source = "built-in".to_string();
        return Ok(fw);
    }
    let path = crate::platform::join(base, name_or_path);
    let shown = path.display().to_string();
    let looks_like_path = name_or_path.ends_with(".toml") || name_or_path.contains(['/', '\\']);
    match std::fs::read(&path) {
        Ok(bytes) => {
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let line =
                        crate::input::line_of_offset(e.as_bytes(), e.utf8_error().valid_up_to());
                    return Err(vec![Diagnostic::new(
                        Code::NotUtf8,
                        "the file is not valid UTF-8; re-save it as UTF-8",
                    )
                    .at(&shown, Some(line))]);
                }
            };
            let mut fw = parse(&text, &shown)?;
            fw.source = shown;
            Ok(fw)
        }
        Err(e) if !looks_like_path && e.kind() == std::io::ErrorKind::NotFound => {
            Err(vec![Diagnostic::new(
                Code::UnknownFramework,
                format!(
                    "`{name_or_path}` is neither a built-in framework ({}) nor a file",
                    builtin::names().join(", ")
                ),
            )])
        }
        Err(e) => Err(vec![Diagnostic::new(
            Code::UnreadableFile,
            format!("cannot read the framework: {e}"),
        )
        .at(&shown, None)]),
    }
}
