//! From the raw mirror to a [`Framework`], collecting every problem with its line.

use super::raw::{RawArea, RawFramework, RawNode, RawNum, RawQuestion, RawSurvey};
use super::{
    Area, Band, Counting, Effect, Factor, Framework, Item, Leaf, OnEmpty, Question, Ranking,
    RatioSource, Rounding, Rule, Step, Survey, SurveyTarget, TieBreak, TiePolicy,
};
use crate::diag::{Code, Diagnostic};
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
    };
    let fw = v.framework(raw);
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

struct Validator<'a> {
    /// Where each line of the file starts.
    starts: Vec<usize>,
    file: &'a str,
    diags: Vec<Diagnostic>,
    /// Every id seen (areas and criteria share one namespace) → its line.
    ids: BTreeMap<String, usize>,
    /// The survey's factor ids, once `[survey]` is read (None: no survey table).
    factors: Option<Vec<String>>,
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
        let total: Decimal = areas.iter().map(|a| a.max).sum();
        if !raw.areas.is_empty() && total != scale {
            self.err(
                &raw.scale,
                Code::MaxSumMismatch,
                format!(
                    "the maxima of the scored criteria sum to {}, not to the scale {}",
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
        }
    }

    fn survey(&mut self, raw: &Spanned<RawSurvey>) -> Survey {
        let rs = raw.get_ref();
        let mut counting = Counting::TopTwo;
        let mode = rs.answers.as_ref().map(|a| a.get_ref().as_str());
        match (mode, &rs.weights) {
            (None | Some("top-two"), None) => {}
            (None | Some("top-two"), Some(w)) => self.err(
                w,
                Code::KeyNotForRule,
                "survey `weights` need `answers = \"weights\"`".into(),
            ),
            (Some("weights"), None) => self.err(
                raw,
                Code::MissingKey,
                "survey `answers = \"weights\"` needs a `weights` table giving each answer 1 to 5 a percentage".into(),
            ),
            (Some("weights"), Some(w)) => {
                let mut table = [None; 5];
                for (k, v) in w.get_ref() {
                    let slot = match k.trim().parse::<usize>() {
                        Ok(a @ 1..=5) => a - 1,
                        _ => {
                            self.err(
                                v,
                                Code::UnknownValue,
                                format!("survey weight for answer `{k}`: answers are 1 to 5"),
                            );
                            continue;
                        }
                    };
                    if let Some(d) = self.num(v, &format!("weight of answer {k}")) {
                        if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
                            self.err(
                                v,
                                Code::WeightOutOfRange,
                                format!(
                                    "the weight of answer {k} is {}%, outside 0..100",
                                    plain(d)
                                ),
                            );
                        }
                        table[slot] = Some(d);
                    }
                }
                let missing: Vec<String> = (1..=5)
                    .filter(|a| table[a - 1].is_none())
                    .map(|a| a.to_string())
                    .collect();
                if missing.is_empty() {
                    counting = Counting::Weights(table.map(|d| d.unwrap_or_default()));
                } else {
                    self.err(
                        w,
                        Code::MissingKey,
                        format!(
                            "survey weights give no percentage for answer {} (give 1 to 5; \"don't know\" is 0 or empty in the survey file)",
                            missing.join(", ")
                        ),
                    );
                }
            }
            (Some(other), _) => {
                let a = rs.answers.as_ref().expect("matched Some");
                self.err(
                    a,
                    Code::UnknownValue,
                    format!("survey answers `{other}` is not one of top-two, weights"),
                );
            }
        }
        let min_respondents = match &rs.min_respondents {
            None => 0,
            Some(m) => u64::try_from(*m.get_ref()).unwrap_or_else(|_| {
                self.err(
                    m,
                    Code::UnknownValue,
                    "min-respondents must be 0 or more".into(),
                );
                0
            }),
        };
        let mut factors: Vec<Factor> = Vec::new();
        let mut questions: BTreeMap<String, String> = BTreeMap::new();
        for f in &rs.factors {
            let rf = f.get_ref();
            let id = crate::input::normalize(rf.id.get_ref());
            if id.is_empty() {
                self.err(
                    &rf.id,
                    Code::EmptyId,
                    "a factor id must not be empty".into(),
                );
            } else if factors.iter().any(|x| x.id == id) || id == "index" {
                self.err(
                    &rf.id,
                    Code::DuplicateId,
                    format!("factor id `{id}` is used twice (or is the reserved `index`)"),
                );
            }
            let weight = self.weight(rf.weight.as_ref(), &format!("factor `{id}` weight"));
            let mut qs = Vec::new();
            for q in &rf.questions {
                let (qid, w) = match q.get_ref() {
                    RawQuestion::Id(s) => (crate::input::normalize(s), Decimal::ONE),
                    RawQuestion::Weighted { id: s, weight } => {
                        // The weight has no span of its own: findings point at the question.
                        let at = Spanned::new(q.span(), weight.clone());
                        (
                            crate::input::normalize(s),
                            self.weight(Some(&at), &format!("question `{s}` weight")),
                        )
                    }
                };
                if qid.is_empty() {
                    self.err(q, Code::EmptyId, "a question id must not be empty".into());
                    continue;
                }
                if let Some(other) = questions.insert(qid.clone(), id.clone()) {
                    self.err(
                        q,
                        Code::DuplicateQuestion,
                        format!("question `{qid}` is listed twice (also under factor `{other}`)"),
                    );
                    continue;
                }
                qs.push(Question { id: qid, weight: w });
            }
            if rf.questions.is_empty() {
                self.err(
                    &rf.id,
                    Code::EmptyFactor,
                    format!("factor `{id}` lists no questions"),
                );
            }
            factors.push(Factor {
                id,
                title: rf.title.clone(),
                weight,
                questions: qs,
            });
        }
        if rs.factors.is_empty() {
            self.err(
                raw,
                Code::NoFactors,
                "the [survey] table has no [[survey.factors]]".into(),
            );
        }
        Survey {
            counting,
            factors,
            min_respondents,
        }
    }

    /// A weight: above 0, 1 when not given.
    fn weight(&mut self, w: Option<&Spanned<RawNum>>, what: &str) -> Decimal {
        let Some(w) = w else { return Decimal::ONE };
        match self.num(w, what) {
            Some(d) if d > Decimal::ZERO => d,
            Some(_) => {
                self.err(w, Code::BadWeight, format!("{what} must be above 0"));
                Decimal::ONE
            }
            None => Decimal::ONE,
        }
    }

    /// A `ratio = "survey:<target>"` value.
    fn survey_target(&mut self, r: &Spanned<String>, id: &str, target: &str) -> SurveyTarget {
        let Some(factors) = self.factors.clone() else {
            self.err(
                r,
                Code::MissingSurvey,
                format!("criterion `{id}`: ratio `survey:{target}` needs a [survey] table in the framework"),
            );
            return SurveyTarget::Index;
        };
        if target == "index" {
            return SurveyTarget::Index;
        }
        match factors.iter().position(|f| f == target) {
            Some(i) => SurveyTarget::Factor(i),
            None => {
                let names = factors.join(", ");
                self.err(
                    r,
                    Code::UnknownValue,
                    format!("criterion `{id}`: `survey:{target}` is not `survey:index` or a survey factor ({names})"),
                );
                SurveyTarget::Index
            }
        }
    }

    fn rounding(&mut self, raw: &RawFramework) -> Rounding {
        let mut r = Rounding {
            mode: RoundingMode::HalfUp,
            places: 2,
            rank_on_exact: false,
            round_points: false,
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
        };
        let Some(r) = &raw.ranking else {
            return ranking;
        };
        let r = r.get_ref();
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
        for n in &ra.criteria {
            scored += self.node(n, index, effect, &[], &mut items, leaves);
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
        items: &mut Vec<Item>,
        leaves: &mut Vec<Leaf>,
    ) -> Decimal {
        let rn = n.get_ref();
        let id = self.id(&rn.id);
        let effect = self.effect(&rn.kind, inherited);
        let max = rn.max.as_ref().and_then(|m| self.num(m, "max"));
        if let Some(children) = &rn.criteria {
            if let Some(r) = &rn.rule {
                self.err(
                    r,
                    Code::RuleOnParent,
                    format!("criterion `{id}` has sub-criteria, so it cannot have a rule; put rules on its sub-criteria"),
                );
            }
            items.push(Item::Heading {
                id: id.clone(),
                title: rn.title.clone(),
                depth: parents.len() + 1,
            });
            let mut path = parents.to_vec();
            path.push(id.clone());
            let mut sum = Decimal::ZERO;
            let mut all = Decimal::ZERO;
            for c in children {
                let before = leaves.len();
                sum += self.node(c, area, effect, &path, items, leaves);
                all += leaves[before..].iter().map(|l| l.max).sum::<Decimal>();
            }
            if children.is_empty() {
                self.err(
                    &rn.id,
                    Code::EmptyCriterion,
                    format!("criterion `{id}` has an empty list of sub-criteria"),
                );
            }
            if let (Some(m), Some(max)) = (&rn.max, max) {
                let expected = if effect == Effect::Scored { sum } else { all };
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
            return sum;
        }
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
        items.push(Item::Leaf(leaves.len()));
        leaves.push(Leaf {
            id,
            title: rn.title.clone(),
            area,
            parents: parents.to_vec(),
            max,
            effect,
            rule,
            illustrative: rn.illustrative.unwrap_or(false),
            line,
            note: rn.note.clone(),
        });
        if effect == Effect::Scored {
            max
        } else {
            Decimal::ZERO
        }
    }

    fn rule(&mut self, rn: &RawNode, id: &str, max: Option<Decimal>) -> Rule {
        // Points must lie in 0..max; with no readable max only the lower bound is checked.
        let out_of_range = |p: Decimal| p < Decimal::ZERO || max.is_some_and(|m| p > m);
        let max_text = max.map_or_else(|| "max".to_string(), plain);
        let Some(rule) = &rn.rule else {
            self.err(&rn.id, Code::MissingKey, format!("criterion `{id}` has no `rule` (manual, choice, steps, proportional or per-count)"));
            return Rule::Manual;
        };
        let name = rule.get_ref().as_str();
        // Which optional keys each rule takes.
        let allowed: &[&str] = match name {
            "manual" => &[],
            "choice" => &["options"],
            "steps" => &["ratio", "on-empty", "steps"],
            "proportional" => &["ratio", "on-empty", "target"],
            "per-count" => &["points-each"],
            other => {
                self.err(
                    rule,
                    Code::UnknownRule,
                    format!("criterion `{id}`: rule `{other}` is not one of manual, choice, steps, proportional, per-count"),
                );
                return Rule::Manual;
            }
        };
        let present: [(&str, Option<usize>); 5] = [
            ("options", rn.options.as_ref().map(|s| s.span().start)),
            ("ratio", rn.ratio.as_ref().map(|s| s.span().start)),
            ("on-empty", rn.on_empty.as_ref().map(|s| s.span().start)),
            ("steps", rn.steps.as_ref().map(|s| s.span().start)),
            ("target", rn.target.as_ref().map(|s| s.span().start)),
        ];
        let mut extra = present.to_vec();
        extra.push((
            "points-each",
            rn.points_each.as_ref().map(|s| s.span().start),
        ));
        for (key, at) in extra {
            if let Some(at) = at {
                if !allowed.contains(&key) {
                    let line = self.line_at(at);
                    self.diags.push(
                        Diagnostic::new(
                            Code::KeyNotForRule,
                            format!("criterion `{id}`: `{key}` does not apply to rule `{name}`"),
                        )
                        .at(self.file, Some(line)),
                    );
                }
            }
        }
        let missing = |v: &mut Self, key: &str| {
            v.err(
                rule,
                Code::MissingKey,
                format!("criterion `{id}`: rule `{name}` needs `{key}`"),
            );
        };
        match name {
            "manual" => Rule::Manual,
            "choice" => {
                let mut options = Vec::new();
                match &rn.options {
                    None => missing(self, "options"),
                    Some(o) if o.get_ref().is_empty() => missing(self, "options"),
                    Some(o) => {
                        for (k, v) in o.get_ref() {
                            if let Some(p) = self.num(v, &format!("option `{k}`")) {
                                if out_of_range(p) {
                                    self.err(v, Code::OptionOutOfRange, format!("criterion `{id}`: option `{k}` gives {} points, outside 0..{max_text}", plain(p)));
                                }
                                options.push((crate::input::normalize(k), p));
                            }
                        }
                    }
                }
                Rule::Choice { options }
            }
            "steps" | "proportional" => {
                let ratio = match &rn.ratio {
                    None => RatioSource::Checklist,
                    Some(r) => match r.get_ref().as_str() {
                        "checklist" => RatioSource::Checklist,
                        other if other.starts_with("survey:") => {
                            let target = other["survey:".len()..].trim().to_string();
                            RatioSource::Survey(self.survey_target(r, id, &target))
                        }
                        other => match other
                            .strip_prefix("dossier:")
                            .and_then(crate::dossier::Metric::parse)
                        {
                            Some(m) => RatioSource::Dossier(m),
                            None => {
                                let names: Vec<&str> = crate::dossier::Metric::ALL
                                    .iter()
                                    .map(|m| m.name())
                                    .collect();
                                self.err(
                                    r,
                                    Code::UnknownValue,
                                    format!(
                                        "criterion `{id}`: ratio `{other}` is not `checklist` (done / planned), `survey:index`, `survey:<factor>` or `dossier:<rate>` ({})",
                                        names.join(", ")
                                    ),
                                );
                                RatioSource::Checklist
                            }
                        },
                    },
                };
                let on_empty = match &rn.on_empty {
                    None => {
                        missing(self, "on-empty");
                        OnEmpty::Zero
                    }
                    Some(o) => match o.get_ref().as_str() {
                        "full" => OnEmpty::Full,
                        "zero" => OnEmpty::Zero,
                        "na" => OnEmpty::Na,
                        other => {
                            self.err(o, Code::UnknownValue, format!("criterion `{id}`: on-empty `{other}` is not one of full, zero, na"));
                            OnEmpty::Zero
                        }
                    },
                };
                if name == "proportional" {
                    let target = match &rn.target {
                        None => Decimal::ONE_HUNDRED,
                        Some(t) => {
                            let d = self.num(t, "target").unwrap_or(Decimal::ONE_HUNDRED);
                            if d <= Decimal::ZERO {
                                self.err(
                                    t,
                                    Code::BadTarget,
                                    format!(
                                        "criterion `{id}`: target must be above 0 (a percentage)"
                                    ),
                                );
                                Decimal::ONE_HUNDRED
                            } else {
                                d
                            }
                        }
                    };
                    return Rule::Proportional {
                        ratio,
                        on_empty,
                        target,
                    };
                }
                let mut steps: Vec<Step> = Vec::new();
                match &rn.steps {
                    None => missing(self, "steps"),
                    Some(s) if s.get_ref().is_empty() => missing(self, "steps"),
                    Some(s) => {
                        for st in s.get_ref() {
                            let (Some(from), Some(points)) = (
                                self.num(&st.get_ref().from, "step lower bound"),
                                self.num(&st.get_ref().points, "step points"),
                            ) else {
                                continue;
                            };
                            if out_of_range(points) {
                                self.err(
                                    &st.get_ref().points,
                                    Code::StepOutOfRange,
                                    format!(
                                        "criterion `{id}`: a step gives {} points, outside 0..{max_text}",
                                        plain(points),
                                    ),
                                );
                            }
                            if from < Decimal::ZERO {
                                self.err(
                                    &st.get_ref().from,
                                    Code::StepOutOfRange,
                                    format!(
                                        "criterion `{id}`: a step starts at {}%, below 0",
                                        plain(from)
                                    ),
                                );
                            }
                            if let Some(prev) = steps.last() {
                                if from >= prev.from {
                                    self.err(&st.get_ref().from, Code::StepsUnordered, format!("criterion `{id}`: steps must be listed from the highest ratio down; {}% follows {}%", plain(from), plain(prev.from)));
                                } else if points > prev.points {
                                    self.err(&st.get_ref().points, Code::StepsUnordered, format!("criterion `{id}`: a lower ratio ({}%) cannot earn more points ({}) than a higher one ({}% → {})", plain(from), plain(points), plain(prev.from), plain(prev.points)));
                                }
                            }
                            steps.push(Step { from, points });
                        }
                    }
                }
                Rule::Steps {
                    ratio,
                    on_empty,
                    steps,
                }
            }
            _ => {
                let each = match &rn.points_each {
                    None => {
                        missing(self, "points-each");
                        Decimal::ZERO
                    }
                    Some(p) => {
                        let d = self.num(p, "points-each").unwrap_or(Decimal::ZERO);
                        if d <= Decimal::ZERO {
                            self.err(
                                p,
                                Code::BadPointsEach,
                                format!("criterion `{id}`: points-each must be above 0"),
                            );
                        }
                        d
                    }
                };
                Rule::PerCount { each }
            }
        }
    }
}
