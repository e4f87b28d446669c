//! From the raw mirror to a [`Framework`], collecting every problem with its line:
//! the tree, rounding, bands and ranking here; each leaf's rule in [`rule`]; the
//! `[survey]` table in [`survey`]; the `[[parts]]` in [`parts`].

mod officials;
mod parts;
mod rule;
mod survey;

use crate::diag::{Code, Diagnostic};
use crate::framework::raw::{RawArea, RawFramework, RawNode, RawNum};
use crate::framework::{
    Area, Band, Effect, Framework, Item, Leaf, Ranking, Rounding, Survey, TieBreak, TiePolicy,
};
use crate::num::{parse_number, plain, NumberError, RoundingMode};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use toml::Spanned;

/// Parses and validates framework text; `file` names it in findings.
pub fn parse(text: &str, file: &str) -> Result<Framework, Vec<Diagnostic>> {
    let raw: RawFramework = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            let msg = e.message().trim().to_string();
            return Err(vec![
                Diagnostic::new(Code::FrameworkSyntax, msg).at(file, line)
            ]);
        }
    };
    let mut v = Validator {
        starts: line_starts(text),
        file,
        diags: Vec::new(),
        ids: BTreeMap::new(),
        factors: None,
        official_items: None,
    };
    let mut fw = v.framework(raw);
    // Line ends do not change a framework: the fingerprint is that of LF text.
    fw.fingerprint = super::sha256_hex(text.replace("\r\n", "\n").as_bytes());
    if v.diags.is_empty() {
        Ok(fw)
    } else {
        crate::diag::sort(&mut v.diags);
        Err(v.diags)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    crate::input::line_of_offset(text.as_bytes(), offset)
}

/// The byte offset where each line starts, so a span's line is a binary search (the
/// validator asks for thousands of them: counting from the start each time made
/// `check` quadratic).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

/// Where a node sits: its area, the effect it inherits, the criteria above it.
struct Position<'a> {
    area: usize,
    effect: Effect,
    parents: &'a [String],
}

/// What validating an area's nodes builds: its table of contents and the leaves.
struct Tree<'a> {
    items: &'a mut Vec<Item>,
    leaves: &'a mut Vec<Leaf>,
}

struct Validator<'a> {
    /// Where each line of the file starts.
    starts: Vec<usize>,
    file: &'a str,
    diags: Vec<Diagnostic>,
    /// Every id seen (areas and criteria share one namespace) → its line.
    ids: BTreeMap<String, usize>,
    /// The survey's factor ids, once `[survey]` is read (None: no survey table).
    factors: Option<Vec<String>>,
    /// The officials' survey's item ids, once `[officials]` is read.
    official_items: Option<Vec<String>>,
}

impl Validator<'_> {
    fn line<T>(&self, s: &Spanned<T>) -> usize {
        self.line_at(s.span().start)
    }

    fn line_at(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    fn err<T>(&mut self, at: &Spanned<T>, code: Code, msg: String) {
        let line = self.line(at);
        self.push_at(code, msg, line);
    }

    fn push_at(&mut self, code: Code, msg: String, line: usize) {
        self.diags
            .push(Diagnostic::new(code, msg).at(self.file, Some(line)));
    }

    fn num(&mut self, v: &Spanned<RawNum>, what: &str) -> Option<Decimal> {
        match v.get_ref() {
            RawNum::Int(i) if i.abs() <= crate::num::LIMIT => Some(Decimal::from(*i)),
            RawNum::Int(i) => {
                self.err(v, Code::BadNumber, format!("{what}: {i} is beyond ±10^12"));
                None
            }
            RawNum::Str(s) => match parse_number(s, false) {
                Ok(d) => Some(d),
                Err(NumberError::Malformed | NumberError::Comma | NumberError::Ambiguous) => {
                    self.err(
                        v,
                        Code::BadNumber,
                        format!("{what}: `{s}` is not a decimal number within ±10^12"),
                    );
                    None
                }
                Err(why) => {
                    self.err(v, Code::BadNumber, format!("{what}: `{s}` {why}"));
                    None
                }
            },
            RawNum::Float(f) => {
                self.err(
                    v,
                    Code::FloatNumber,
                    format!("{what}: write {f} as a quoted string (\"{f}\") so it is read exactly"),
                );
                None
            }
        }
    }

    fn id(&mut self, id: &Spanned<String>) -> String {
        let s = crate::input::normalize(id.get_ref());
        let line = self.line(id);
        if s.is_empty() {
            self.err(id, Code::EmptyId, "an id must not be empty".to_string());
        } else if let Some(first) = self.ids.get(&s) {
            let first = *first;
            self.err(
                id,
                Code::DuplicateId,
                format!("id `{s}` is used twice (first on line {first})"),
            );
        } else {
            self.ids.insert(s.clone(), line);
        }
        s
    }

    fn framework(&mut self, raw: RawFramework) -> Framework {
        let id = raw.id.get_ref().trim().to_string();
        if id.is_empty() {
            self.err(
                &raw.id,
                Code::EmptyId,
                "the framework id must not be empty".into(),
            );
        }
        let scale = self
            .num(&raw.scale, "scale")
            .unwrap_or(Decimal::ONE_HUNDRED);
        if scale <= Decimal::ZERO {
            self.err(
                &raw.scale,
                Code::BadScale,
                "the scale must be above 0".into(),
            );
        }
        let rounding = self.rounding(&raw);
        let bands = self.bands(&raw, scale);
        let survey = raw.survey.as_ref().map(|s| self.survey(s));
        self.factors = survey
            .as_ref()
            .map(|s: &Survey| s.factors.iter().map(|f| f.id.clone()).collect());
        let officials = raw.officials.as_ref().map(|o| self.officials(o));
        self.official_items = officials
            .as_ref()
            .map(|o| o.items.iter().map(|i| i.id.clone()).collect());
        let mut areas = Vec::new();
        let mut leaves = Vec::new();
        for a in &raw.areas {
            let area = self.area(a, areas.len(), &mut leaves);
            areas.push(area);
        }
        if raw.areas.is_empty() {
            self.diags.push(
                Diagnostic::new(Code::NoAreas, "the framework has no [[areas]]")
                    .at(self.file, None),
            );
        }
        let parts = self.parts(&raw, &mut areas, &mut leaves);
        let (total, what) = if parts.is_empty() {
            (areas.iter().map(|a| a.max).sum(), "scored criteria")
        } else {
            (parts.iter().map(|p| p.max).sum(), "parts")
        };
        if !raw.areas.is_empty() && total != scale {
            self.err(
                &raw.scale,
                Code::MaxSumMismatch,
                format!(
                    "the maxima of the {what} sum to {}, not to the scale {}",
                    plain(total),
                    plain(scale)
                ),
            );
        }
        let ranking = self.ranking(&raw, &areas);
        Framework {
            id,
            title: raw.title.clone(),
            decision: raw.decision.clone(),
            source: self.file.to_string(),
            scale,
            rounding,
            bands,
            ranking,
            areas,
            leaves,
            survey,
            officials,
            parts,
            fingerprint: String::new(),
        }
    }

    fn rounding(&mut self, raw: &RawFramework) -> Rounding {
        let mut r = Rounding {
            mode: RoundingMode::HalfUp,
            places: 2,
            rank_on_exact: false,
            round_points: false,
            round_parts: false,
        };
        let Some(raw) = &raw.rounding else { return r };
        let raw = raw.get_ref();
        if let Some(m) = &raw.mode {
            match m.get_ref().as_str() {
                "half-up" => r.mode = RoundingMode::HalfUp,
                "half-even" => r.mode = RoundingMode::HalfEven,
                other => self.err(
                    m,
                    Code::UnknownValue,
                    format!("rounding mode `{other}` is not one of half-up, half-even"),
                ),
            }
        }
        if let Some(p) = &raw.places {
            match u32::try_from(*p.get_ref()) {
                Ok(n) if n <= 10 => r.places = n,
                _ => self.err(p, Code::UnknownValue, "places must be 0 to 10".into()),
            }
        }
        if let Some(on) = &raw.rank_on {
            match on.get_ref().as_str() {
                "rounded" => r.rank_on_exact = false,
                "exact" => r.rank_on_exact = true,
                other => self.err(
                    on,
                    Code::UnknownValue,
                    format!("rank-on `{other}` is not one of rounded, exact"),
                ),
            }
        }
        r.round_points = raw.round_points.unwrap_or(false);
        if let Some(round) = &raw.round {
            match round.get_ref().as_str() {
                "once" => r.round_parts = false,
                "parts" => r.round_parts = true,
                other => self.err(
                    round,
                    Code::UnknownValue,
                    format!("round `{other}` is not one of once, parts"),
                ),
            }
        }
        r
    }

    fn bands(&mut self, raw: &RawFramework, scale: Decimal) -> Vec<Band> {
        let mut bands: Vec<Band> = Vec::new();
        for b in &raw.bands {
            let Some(from) = self.num(&b.get_ref().from, "band lower bound") else {
                continue;
            };
            if from < Decimal::ZERO || from > scale {
                self.err(
                    &b.get_ref().from,
                    Code::BandOutOfScale,
                    format!(
                        "band `{}` starts at {}, outside 0..{}",
                        b.get_ref().label,
                        plain(from),
                        plain(scale)
                    ),
                );
            }
            if let Some(prev) = bands.last() {
                if from >= prev.from {
                    self.err(
                        &b.get_ref().from,
                        Code::BandsUnordered,
                        format!(
                            "bands must be listed from the highest lower bound down: `{}` ({}) follows `{}` ({})",
                            b.get_ref().label,
                            plain(from),
                            prev.label,
                            plain(prev.from)
                        ),
                    );
                }
            }
            bands.push(Band {
                label: b.get_ref().label.clone(),
                from,
            });
        }
        if let Some(last) = raw.bands.last() {
            if bands.last().is_some_and(|b| !b.from.is_zero()) {
                self.err(
                    last,
                    Code::BandGap,
                    "the lowest band must start at 0 so every index has a band".into(),
                );
            }
        }
        bands
    }

    fn ranking(&mut self, raw: &RawFramework, areas: &[Area]) -> Ranking {
        let mut ranking = Ranking {
            group_column: "group".to_string(),
            group_declared: false,
            ties: TiePolicy::Competition,
            area_ranks: false,
            summary_by: None,
        };
        let Some(r) = &raw.ranking else {
            return ranking;
        };
        let r = r.get_ref();
        ranking.area_ranks = r.area_ranks.unwrap_or(false);
        ranking.summary_by = r.summary_by.as_deref().map(crate::input::normalize);
        if let Some(g) = &r.group {
            ranking.group_column = g.trim().to_string();
            ranking.group_declared = true;
        }
        let policy = r
            .ties
            .as_ref()
            .map(|t| t.get_ref().as_str())
            .unwrap_or("competition");
        match policy {
            "competition" => {}
            "dense" => ranking.ties = TiePolicy::Dense,
            "ordinal" => ranking.ties = TiePolicy::Ordinal(Vec::new()),
            other => {
                if let Some(t) = &r.ties {
                    self.err(
                        t,
                        Code::UnknownValue,
                        format!("ties `{other}` is not one of competition, dense, ordinal"),
                    );
                }
            }
        }
        if let Some(chain) = &r.tie_break {
            let mut links = Vec::new();
            for item in chain {
                let s = item.get_ref().trim();
                let link = match s {
                    "points" => Some(TieBreak::Points),
                    "unit_id" => Some(TieBreak::UnitId),
                    _ => s
                        .strip_prefix("area:")
                        .and_then(|id| areas.iter().position(|a| a.id == id.trim()))
                        .map(TieBreak::Area),
                };
                match link {
                    Some(l) => links.push(l),
                    None => self.err(
                        item,
                        Code::UnknownTieBreak,
                        format!("tie-break `{s}` is not `points`, `unit_id` or `area:<id>` of an existing area"),
                    ),
                }
            }
            match &mut ranking.ties {
                TiePolicy::Ordinal(l) => *l = links,
                _ => self.err(
                    &chain[0],
                    Code::KeyNotForRule,
                    "tie-break only applies with ties = \"ordinal\"".into(),
                ),
            }
        }
        ranking
    }

    fn effect(&mut self, kind: &Option<Spanned<String>>, inherited: Effect) -> Effect {
        let Some(k) = kind else { return inherited };
        match k.get_ref().as_str() {
            "scored" => Effect::Scored,
            "bonus" => Effect::Bonus,
            "penalty" => Effect::Penalty,
            other => {
                self.err(
                    k,
                    Code::UnknownValue,
                    format!("kind `{other}` is not one of scored, bonus, penalty"),
                );
                inherited
            }
        }
    }

    fn area(&mut self, a: &Spanned<RawArea>, index: usize, leaves: &mut Vec<Leaf>) -> Area {
        let ra = a.get_ref();
        let id = self.id(&ra.id);
        let effect = self.effect(&ra.kind, Effect::Scored);
        let mut items = Vec::new();
        let mut scored = Decimal::ZERO;
        let mut tree = Tree {
            items: &mut items,
            leaves,
        };
        for n in &ra.criteria {
            scored += self.node(n, index, effect, &[], &mut tree);
        }
        if ra.criteria.is_empty() {
            self.err(
                &ra.id,
                Code::EmptyArea,
                format!("area `{id}` has no criteria"),
            );
        }
        if let Some(m) = &ra.max {
            if let Some(max) = self.num(m, "area max") {
                if max != scored {
                    self.err(
                        m,
                        Code::AreaMaxMismatch,
                        format!(
                            "area `{id}` declares max {} but its scored criteria sum to {}",
                            plain(max),
                            plain(scored)
                        ),
                    );
                }
            }
        }
        Area {
            id,
            title: ra.title.clone(),
            max: scored,
            items,
        }
    }

    /// Validates a node; returns the sum of its scored maxima.
    fn node(
        &mut self,
        n: &Spanned<RawNode>,
        area: usize,
        inherited: Effect,
        parents: &[String],
        out: &mut Tree,
    ) -> Decimal {
        let rn = n.get_ref();
        let id = self.id(&rn.id);
        let effect = self.effect(&rn.kind, inherited);
        let max = rn.max.as_ref().and_then(|m| self.num(m, "max"));
        let at = Position {
            area,
            effect,
            parents,
        };
        match &rn.criteria {
            Some(children) => self.parent(rn, id, max, children, &at, out),
            None => self.leaf(rn, id, max, &at, out),
        }
    }

    /// A criterion with sub-criteria: its heading, its children, its declared max.
    fn parent(
        &mut self,
        rn: &RawNode,
        id: String,
        max: Option<Decimal>,
        children: &[Spanned<RawNode>],
        at: &Position,
        out: &mut Tree,
    ) -> Decimal {
        if let Some(r) = &rn.rule {
            self.err(
                r,
                Code::RuleOnParent,
                format!("criterion `{id}` has sub-criteria, so it cannot have a rule; put rules on its sub-criteria"),
            );
        }
        out.items.push(Item::Heading {
            id: id.clone(),
            title: rn.title.clone(),
            depth: at.parents.len() + 1,
        });
        let mut path = at.parents.to_vec();
        path.push(id.clone());
        let (mut sum, mut all) = (Decimal::ZERO, Decimal::ZERO);
        for c in children {
            let before = out.leaves.len();
            sum += self.node(c, at.area, at.effect, &path, out);
            all += out.leaves[before..].iter().map(|l| l.max).sum::<Decimal>();
        }
        if children.is_empty() {
            self.err(
                &rn.id,
                Code::EmptyCriterion,
                format!("criterion `{id}` has an empty list of sub-criteria"),
            );
        }
        if let (Some(m), Some(max)) = (&rn.max, max) {
            let expected = if at.effect == Effect::Scored {
                sum
            } else {
                all
            };
            if max != expected {
                self.err(
                    m,
                    Code::CriterionMaxMismatch,
                    format!(
                        "criterion `{id}` declares max {} but its sub-criteria sum to {}",
                        plain(max),
                        plain(expected)
                    ),
                );
            }
        }
        sum
    }

    /// A leaf: its max and its rule.
    fn leaf(
        &mut self,
        rn: &RawNode,
        id: String,
        max: Option<Decimal>,
        at: &Position,
        out: &mut Tree,
    ) -> Decimal {
        // An unreadable max is already reported; rule checks against it are skipped.
        let max = match (max, &rn.max) {
            (Some(m), Some(span)) => {
                if m <= Decimal::ZERO {
                    self.err(
                        span,
                        Code::MaxNotPositive,
                        format!("criterion `{id}`: max must be above 0"),
                    );
                }
                Some(m)
            }
            (None, Some(_)) => None,
            (_, None) => {
                self.err(
                    &rn.id,
                    Code::MissingKey,
                    format!("criterion `{id}` has no `max`"),
                );
                None
            }
        };
        let rule = self.rule(rn, &id, max);
        let max = max.unwrap_or(Decimal::ZERO);
        let line = self.line(&rn.id);
        out.items.push(Item::Leaf(out.leaves.len()));
        out.leaves.push(Leaf {
            id,
            title: rn.title.clone(),
            area: at.area,
            parents: at.parents.to_vec(),
            max,
            effect: at.effect,
            rule,
            illustrative: rn.illustrative.unwrap_or(false),
            line,
            note: rn.note.clone(),
        });
        if at.effect == Effect::Scored {
            max
        } else {
            Decimal::ZERO
        }
    }
}
