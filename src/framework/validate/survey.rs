//! Validating the `[survey]` table: how an answer counts, the factors and their
//! questions (each listed once), weights above 0, and the `survey:` ratios that name
//! them.

use super::Validator;
use crate::diag::Code;
use crate::framework::raw::{RawFactor, RawNum, RawQuestion, RawSurvey};
use crate::framework::{Counting, Factor, Pillar, Question, Survey, SurveyTarget, Unscored};
use crate::num::plain;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use toml::Spanned;

impl Validator<'_> {
    /// The `[survey]` table.
    pub(super) fn survey(&mut self, raw: &Spanned<RawSurvey>) -> Survey {
        let rs = raw.get_ref();
        let counting = self.counting(raw);
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
            let factor = self.factor(f, &factors, &mut questions);
            factors.push(factor);
        }
        if rs.factors.is_empty() {
            self.err(
                raw,
                Code::NoFactors,
                "the [survey] table has no [[survey.factors]]".into(),
            );
        }
        let (pillars, by_pillars) = self.pillars(raw, &factors);
        let mut unscored: Vec<Unscored> = Vec::new();
        for u in &rs.unscored {
            let ru = u.get_ref();
            let id = crate::input::normalize(ru.id.get_ref());
            if questions.contains_key(&id) || unscored.iter().any(|x| x.id == id) {
                self.err(
                    &ru.id,
                    Code::DuplicateQuestion,
                    format!(
                        "question `{id}` is listed twice (an unscored question is in no factor)"
                    ),
                );
                continue;
            }
            unscored.push(Unscored {
                id,
                title: ru.title.clone(),
            });
        }
        Survey {
            counting,
            factors,
            min_respondents,
            pillars,
            by_pillars,
            unscored,
        }
    }

    /// The pillars, and whether the index is their mean (`aggregate = "pillars"`):
    /// then every factor is in exactly one pillar; otherwise in at most one.
    fn pillars(&mut self, raw: &Spanned<RawSurvey>, factors: &[Factor]) -> (Vec<Pillar>, bool) {
        let rs = raw.get_ref();
        let by_pillars = match rs.aggregate.as_ref().map(|a| (a, a.get_ref().as_str())) {
            None | Some((_, "factors")) => false,
            Some((_, "pillars")) => true,
            Some((a, other)) => {
                self.err(
                    a,
                    Code::UnknownValue,
                    format!("survey aggregate `{other}` is not one of factors, pillars"),
                );
                false
            }
        };
        let mut owner: Vec<Option<String>> = vec![None; factors.len()];
        let mut pillars: Vec<Pillar> = Vec::new();
        for p in &rs.pillars {
            let rp = p.get_ref();
            let id = crate::input::normalize(rp.id.get_ref());
            if id.is_empty() || pillars.iter().any(|x| x.id == id) {
                self.err(
                    &rp.id,
                    Code::DuplicateId,
                    format!("pillar id `{id}` is empty or used twice"),
                );
            }
            let weight = self.weight(rp.weight.as_ref(), &format!("pillar `{id}` weight"));
            let mut own = Vec::new();
            for f in rp.factors.get_ref() {
                let f = crate::input::normalize(f);
                match factors.iter().position(|x| x.id == f) {
                    None => self.err(
                        &rp.factors,
                        Code::UnknownValue,
                        format!("pillar `{id}`: there is no factor `{f}`"),
                    ),
                    Some(i) => match owner[i].replace(id.clone()) {
                        Some(other) => self.err(
                            &rp.factors,
                            Code::DuplicateId,
                            format!("factor `{f}` is in pillar `{other}` and in pillar `{id}`"),
                        ),
                        None => own.push(i),
                    },
                }
            }
            pillars.push(Pillar {
                id,
                title: rp.title.clone(),
                weight,
                factors: own,
            });
        }
        if by_pillars {
            let loose: Vec<&str> = factors
                .iter()
                .zip(&owner)
                .filter(|(_, o)| o.is_none())
                .map(|(f, _)| f.id.as_str())
                .collect();
            if !loose.is_empty() || pillars.is_empty() {
                self.err(
                    raw,
                    Code::MissingKey,
                    format!(
                        "survey aggregate = \"pillars\" needs every factor in a [[survey.pillars]] (not in one: {})",
                        if loose.is_empty() { "no pillars".to_string() } else { loose.join(", ") }
                    ),
                );
            }
        }
        (pillars, by_pillars)
    }

    /// How one valid answer counts (`answers`, `weights`).
    fn counting(&mut self, raw: &Spanned<RawSurvey>) -> Counting {
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
                if let Some(c) = self.answer_weights(w) {
                    counting = c;
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
        counting
    }

    /// The answer weights of `answers = "weights"`: a percentage for each answer 1–5.
    fn answer_weights(
        &mut self,
        w: &Spanned<std::collections::BTreeMap<String, Spanned<RawNum>>>,
    ) -> Option<Counting> {
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
                        format!("the weight of answer {k} is {}%, outside 0..100", plain(d)),
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
            return Some(Counting::Weights(table.map(|d| d.unwrap_or_default())));
        }
        self.err(
            w,
            Code::MissingKey,
            format!(
                "survey weights give no percentage for answer {} (give 1 to 5; \"don't know\" is 0 or empty in the survey file)",
                missing.join(", ")
            ),
        );
        None
    }

    /// One factor and its questions (`questions`: every question seen → its factor).
    fn factor(
        &mut self,
        f: &Spanned<RawFactor>,
        factors: &[Factor],
        questions: &mut BTreeMap<String, String>,
    ) -> Factor {
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
        Factor {
            id,
            title: rf.title.clone(),
            weight,
            questions: qs,
        }
    }

    /// A weight: above 0, 1 when not given.
    pub(super) fn weight(&mut self, w: Option<&Spanned<RawNum>>, what: &str) -> Decimal {
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
    pub(super) fn survey_target(
        &mut self,
        r: &Spanned<String>,
        who: &str,
        target: &str,
    ) -> SurveyTarget {
        let names = self.factors.clone();
        self.target_in(
            r,
            who,
            ("survey", "[survey]", "a survey factor"),
            names,
            target,
        )
    }

    /// A `<prefix>:<target>` ratio or source of `who` (`criterion `1.1``): `index`, or one of `names` (None: the
    /// framework lacks the table).
    pub(super) fn target_in(
        &mut self,
        r: &Spanned<String>,
        who: &str,
        (prefix, table, one): (&str, &str, &str),
        names: Option<Vec<String>>,
        target: &str,
    ) -> SurveyTarget {
        let Some(names) = names else {
            self.err(
                r,
                Code::MissingSurvey,
                format!("{who}: ratio `{prefix}:{target}` needs a {table} table in the framework"),
            );
            return SurveyTarget::Index;
        };
        if target == "index" {
            return SurveyTarget::Index;
        }
        match names.iter().position(|f| f == target) {
            Some(i) => SurveyTarget::Factor(i),
            None => {
                self.err(
                    r,
                    Code::UnknownValue,
                    format!(
                        "{who}: `{prefix}:{target}` is not `{prefix}:index` or {one} ({})",
                        names.join(", ")
                    ),
                );
                SurveyTarget::Index
            }
        }
    }
}
