//! Validating the `[officials]` table: answer options weighted 0–100 %, the "don't
//! know" codes apart from the options, groups with weights above 0, items whose
//! questions are each listed once, and the `officials:` ratios and sources that name
//! them.

use super::Validator;
use crate::diag::Code;
use crate::framework::raw::{RawNum, RawOfficials};
use crate::framework::{Officials, OfficialsItem, SurveyTarget};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use toml::Spanned;

impl Validator<'_> {
    /// The `[officials]` table.
    pub(super) fn officials(&mut self, raw: &Spanned<RawOfficials>) -> Officials {
        let ro = raw.get_ref();
        let options = self.weighted(&ro.options, "option", |w| {
            (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&w)
        });
        let dont_know: Vec<String> = ro
            .dont_know
            .clone()
            .unwrap_or_else(|| vec!["KB".into()])
            .iter()
            .map(|c| crate::input::normalize(c).to_uppercase())
            .collect();
        for c in &dont_know {
            if options.iter().any(|(o, _)| o == c) {
                self.err(
                    &ro.options,
                    Code::UnknownValue,
                    format!("`{c}` is both an answer option and a \"don't know\" code"),
                );
            }
        }
        let groups = self.weighted(&ro.groups, "group", |w| w > Decimal::ZERO);
        let mut items = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for it in &ro.items {
            let r = it.get_ref();
            let id = self.id(&r.id);
            let mut questions = Vec::new();
            for q in r.questions.get_ref() {
                let q = crate::input::normalize(q);
                if let Some(other) = seen.insert(q.clone(), id.clone()) {
                    self.err(
                        &r.questions,
                        Code::DuplicateId,
                        format!("question `{q}` is listed in item `{other}` and in item `{id}`"),
                    );
                } else {
                    questions.push(q);
                }
            }
            if questions.is_empty() {
                self.err(
                    &r.questions,
                    Code::NoFactors,
                    format!("officials item `{id}` has no questions"),
                );
            }
            items.push(OfficialsItem {
                id,
                title: r.title.clone(),
                questions,
            });
        }
        if items.is_empty() {
            self.err(
                raw,
                Code::NoFactors,
                "the [officials] table has no [[officials.items]]".into(),
            );
        }
        let min_respondents = match &ro.min_respondents {
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
        Officials {
            options,
            dont_know,
            groups,
            items,
            min_respondents,
        }
    }

    /// A table of names → weights, each within `ok`, the names upper-cased for options.
    fn weighted(
        &mut self,
        table: &Spanned<BTreeMap<String, Spanned<RawNum>>>,
        what: &str,
        ok: impl Fn(Decimal) -> bool,
    ) -> Vec<(String, Decimal)> {
        let mut out = Vec::new();
        for (name, w) in table.get_ref() {
            let name = crate::input::normalize(name);
            let name = if what == "option" {
                name.to_uppercase()
            } else {
                name
            };
            let Some(d) = self.num(w, what) else { continue };
            if !ok(d) {
                let range = if what == "option" {
                    "0 to 100 (a percentage of the points)"
                } else {
                    "above 0"
                };
                self.err(
                    w,
                    Code::BadWeight,
                    format!("{what} `{name}`: {} must be {range}", crate::num::plain(d)),
                );
                continue;
            }
            out.push((name, d));
        }
        if table.get_ref().is_empty() {
            self.err(
                table,
                Code::MissingKey,
                format!("the [officials] table lists no {what}s"),
            );
        }
        out
    }

    /// An `officials:<target>` ratio or source.
    pub(super) fn officials_target(
        &mut self,
        r: &Spanned<String>,
        who: &str,
        target: &str,
    ) -> SurveyTarget {
        let names = self.official_items.clone();
        self.target_in(
            r,
            who,
            ("officials", "[officials]", "an officials item"),
            names,
            target,
        )
    }
}
