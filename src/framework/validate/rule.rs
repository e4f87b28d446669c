//! Validating a leaf's rule: which keys it takes, and each rule's own checks (options
//! and steps within 0..max, steps ordered, a ratio source that exists, a positive
//! target and points-each).

use super::Validator;
use crate::diag::Code;
use crate::framework::raw::{RawNode, RawStep};
use crate::framework::{OnEmpty, RatioSource, Rule, RuleKind, Step};
use crate::num::plain;
use rust_decimal::Decimal;
use toml::Spanned;

/// What a rule's points are checked against: the leaf's id and max.
struct Bounds<'a> {
    id: &'a str,
    max: Option<Decimal>,
}

impl Bounds<'_> {
    /// Points must lie in 0..max; with no readable max only the lower bound is checked.
    fn out_of_range(&self, p: Decimal) -> bool {
        p < Decimal::ZERO || self.max.is_some_and(|m| p > m)
    }

    fn max_text(&self) -> String {
        self.max.map_or_else(|| "max".to_string(), plain)
    }
}

impl Validator<'_> {
    /// The leaf's rule, every problem reported.
    pub(super) fn rule(&mut self, rn: &RawNode, id: &str, max: Option<Decimal>) -> Rule {
        let Some(rule) = &rn.rule else {
            self.err(
                &rn.id,
                Code::MissingKey,
                format!("criterion `{id}` has no `rule` ({})", RuleKind::names()),
            );
            return Rule::Manual;
        };
        let name = rule.get_ref().as_str();
        let Some(kind) = RuleKind::parse(name) else {
            self.err(
                rule,
                Code::UnknownRule,
                format!(
                    "criterion `{id}`: rule `{name}` is not one of {}",
                    RuleKind::names()
                ),
            );
            return Rule::Manual;
        };
        self.extra_keys(rn, id, name, kind.keys());
        let b = Bounds { id, max };
        match kind {
            RuleKind::Manual => Rule::Manual,
            RuleKind::Choice => self.choice(rn, rule, &b),
            RuleKind::Steps => Rule::Steps {
                ratio: self.ratio_source(rn, id),
                on_empty: self.on_empty(rn, rule, id),
                steps: self.steps(rn, rule, &b),
            },
            RuleKind::Proportional => Rule::Proportional {
                ratio: self.ratio_source(rn, id),
                on_empty: self.on_empty(rn, rule, id),
                target: self.target(rn, id),
            },
            RuleKind::PerCount => Rule::PerCount {
                each: self.points_each(rn, rule, id),
            },
        }
    }

    /// `key-not-for-rule` for every key the rule does not take.
    fn extra_keys(&mut self, rn: &RawNode, id: &str, name: &str, allowed: &[&str]) {
        let present: [(&str, Option<usize>); 6] = [
            ("options", rn.options.as_ref().map(|s| s.span().start)),
            ("ratio", rn.ratio.as_ref().map(|s| s.span().start)),
            ("on-empty", rn.on_empty.as_ref().map(|s| s.span().start)),
            ("steps", rn.steps.as_ref().map(|s| s.span().start)),
            ("target", rn.target.as_ref().map(|s| s.span().start)),
            (
                "points-each",
                rn.points_each.as_ref().map(|s| s.span().start),
            ),
        ];
        for (key, at) in present {
            if let Some(at) = at.filter(|_| !allowed.contains(&key)) {
                let line = self.line_at(at);
                self.push_at(
                    Code::KeyNotForRule,
                    format!("criterion `{id}`: `{key}` does not apply to rule `{name}`"),
                    line,
                );
            }
        }
    }

    fn missing(&mut self, rule: &Spanned<String>, id: &str, key: &str) {
        let name = rule.get_ref();
        self.err(
            rule,
            Code::MissingKey,
            format!("criterion `{id}`: rule `{name}` needs `{key}`"),
        );
    }

    fn choice(&mut self, rn: &RawNode, rule: &Spanned<String>, b: &Bounds) -> Rule {
        let mut options = Vec::new();
        match &rn.options {
            Some(o) if !o.get_ref().is_empty() => {
                for (k, v) in o.get_ref() {
                    if let Some(p) = self.num(v, &format!("option `{k}`")) {
                        if b.out_of_range(p) {
                            let msg = format!(
                                "criterion `{}`: option `{k}` gives {} points, outside 0..{}",
                                b.id,
                                plain(p),
                                b.max_text()
                            );
                            self.err(v, Code::OptionOutOfRange, msg);
                        }
                        options.push((crate::input::normalize(k), p));
                    }
                }
            }
            _ => self.missing(rule, b.id, "options"),
        }
        Rule::Choice { options }
    }

    fn ratio_source(&mut self, rn: &RawNode, id: &str) -> RatioSource {
        let Some(r) = &rn.ratio else {
            return RatioSource::Checklist;
        };
        let text = r.get_ref().as_str();
        if text == "checklist" {
            return RatioSource::Checklist;
        }
        if let Some(target) = text.strip_prefix("survey:") {
            return RatioSource::Survey(self.survey_target(
                r,
                &format!("criterion `{id}`"),
                target.trim(),
            ));
        }
        if let Some(target) = text.strip_prefix("officials:") {
            return RatioSource::Officials(self.officials_target(
                r,
                &format!("criterion `{id}`"),
                target.trim(),
            ));
        }
        if let Some(id) = text.strip_prefix("official:") {
            if let Some(id) = crate::portal::indicator(id.trim()) {
                return RatioSource::Official(id);
            }
            self.err(
                r,
                Code::UnknownValue,
                format!(
                    "criterion `{id}`: `{text}` names no official indicator ({})",
                    crate::portal::INDICATORS.join(", ")
                ),
            );
            return RatioSource::Checklist;
        }
        if let Some(m) = text
            .strip_prefix("dossier:")
            .and_then(crate::dossier::Metric::parse)
        {
            return RatioSource::Dossier(m);
        }
        let names: Vec<&str> = crate::dossier::Metric::ALL
            .iter()
            .map(|m| m.name())
            .collect();
        self.err(
            r,
            Code::UnknownValue,
            format!(
                "criterion `{id}`: ratio `{text}` is not `checklist` (done / planned), `survey:index`, `survey:<factor>`, `officials:index`, `officials:<item>`, `official:<indicator>` or `dossier:<rate>` ({})",
                names.join(", ")
            ),
        );
        RatioSource::Checklist
    }

    fn on_empty(&mut self, rn: &RawNode, rule: &Spanned<String>, id: &str) -> OnEmpty {
        let Some(o) = &rn.on_empty else {
            self.missing(rule, id, "on-empty");
            return OnEmpty::Zero;
        };
        match o.get_ref().as_str() {
            "full" => OnEmpty::Full,
            "zero" => OnEmpty::Zero,
            "na" => OnEmpty::Na,
            other => {
                self.err(
                    o,
                    Code::UnknownValue,
                    format!("criterion `{id}`: on-empty `{other}` is not one of full, zero, na"),
                );
                OnEmpty::Zero
            }
        }
    }

    fn target(&mut self, rn: &RawNode, id: &str) -> Decimal {
        let Some(t) = &rn.target else {
            return Decimal::ONE_HUNDRED;
        };
        let d = self.num(t, "target").unwrap_or(Decimal::ONE_HUNDRED);
        if d <= Decimal::ZERO {
            self.err(
                t,
                Code::BadTarget,
                format!("criterion `{id}`: target must be above 0 (a percentage)"),
            );
            return Decimal::ONE_HUNDRED;
        }
        d
    }

    fn steps(&mut self, rn: &RawNode, rule: &Spanned<String>, b: &Bounds) -> Vec<Step> {
        let mut steps: Vec<Step> = Vec::new();
        let list = match &rn.steps {
            Some(s) if !s.get_ref().is_empty() => s.get_ref(),
            _ => {
                self.missing(rule, b.id, "steps");
                return steps;
            }
        };
        for st in list {
            if let Some(step) = self.step(st.get_ref(), steps.last(), b) {
                steps.push(step);
            }
        }
        steps
    }

    /// One step, checked against the step before it.
    fn step(&mut self, st: &RawStep, prev: Option<&Step>, b: &Bounds) -> Option<Step> {
        let id = b.id;
        let from = self.num(&st.from, "step lower bound");
        let points = self.num(&st.points, "step points");
        let (from, points) = (from?, points?);
        if b.out_of_range(points) {
            let msg = format!(
                "criterion `{id}`: a step gives {} points, outside 0..{}",
                plain(points),
                b.max_text()
            );
            self.err(&st.points, Code::StepOutOfRange, msg);
        }
        if from < Decimal::ZERO {
            let msg = format!(
                "criterion `{id}`: a step starts at {}%, below 0",
                plain(from)
            );
            self.err(&st.from, Code::StepOutOfRange, msg);
        }
        if let Some(prev) = prev {
            if from >= prev.from {
                self.err(&st.from, Code::StepsUnordered, format!("criterion `{id}`: steps must be listed from the highest ratio down; {}% follows {}%", plain(from), plain(prev.from)));
            } else if points > prev.points {
                self.err(&st.points, Code::StepsUnordered, format!("criterion `{id}`: a lower ratio ({}%) cannot earn more points ({}) than a higher one ({}% → {})", plain(from), plain(points), plain(prev.from), plain(prev.points)));
            }
        }
        Some(Step { from, points })
    }

    fn points_each(&mut self, rn: &RawNode, rule: &Spanned<String>, id: &str) -> Decimal {
        let Some(p) = &rn.points_each else {
            self.missing(rule, id, "points-each");
            return Decimal::ZERO;
        };
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
}
