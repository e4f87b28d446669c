//! Validating the `[[parts]]`: each part names its areas (each area in exactly one
//! part) or a source figure, has a maximum above 0, and the maxima sum to the scale
//! (checked by the caller). A part with a `source` becomes an area of its own with one
//! leaf, `proportional` on that figure with target 100 and `on-empty = "na"`, so its
//! points, findings and explanation are a leaf's like any other.

use super::Validator;
use crate::diag::Code;
use crate::framework::raw::{RawFramework, RawPart};
use crate::framework::{Area, Effect, Item, Leaf, OnEmpty, Part, RatioSource, Rule};
use crate::num::plain;
use rust_decimal::Decimal;
use toml::Spanned;

/// The tree the parts refer to, and which part holds each declared area.
struct Holdings<'a> {
    areas: &'a mut Vec<Area>,
    leaves: &'a mut Vec<Leaf>,
    /// The areas declared in the file (source parts add theirs after them).
    declared: usize,
    owner: Vec<Option<String>>,
}

impl Validator<'_> {
    /// The `[[parts]]`; source parts append their area and leaf to `areas` and `leaves`.
    pub(super) fn parts(
        &mut self,
        raw: &RawFramework,
        areas: &mut Vec<Area>,
        leaves: &mut Vec<Leaf>,
    ) -> Vec<Part> {
        let declared = areas.len();
        let mut h = Holdings {
            areas,
            leaves,
            declared,
            owner: vec![None; declared],
        };
        let mut parts = Vec::new();
        for rp in &raw.parts {
            let r = rp.get_ref();
            let id = self.id(&r.id);
            let max = self.num(&r.max, "part max").unwrap_or(Decimal::ZERO);
            if max <= Decimal::ZERO {
                self.err(
                    &r.max,
                    Code::MaxNotPositive,
                    format!("part `{id}`: max must be above 0"),
                );
            }
            let own = match (&r.areas, &r.source) {
                (Some(list), None) => self.part_areas(&id, list, &mut h),
                (None, Some(src)) => self.source_part(&id, r, max, src, &mut h),
                (Some(_), Some(_)) | (None, None) => {
                    self.err(
                        &r.id,
                        Code::PartAreas,
                        format!("part `{id}` needs either `areas = [\"…\"]` or `source = \"survey:index\"` (one of the two)"),
                    );
                    Vec::new()
                }
            };
            parts.push(Part {
                id,
                title: r.title.clone(),
                max,
                areas: own,
            });
        }
        if !parts.is_empty() {
            for (i, o) in h.owner.iter().enumerate() {
                if o.is_none() {
                    let id = h.areas[i].id.clone();
                    self.err(
                        &raw.areas[i].get_ref().id,
                        Code::PartAreas,
                        format!("area `{id}` belongs to no part: list it in one part's `areas`"),
                    );
                }
            }
        }
        parts
    }

    /// A part's `areas = [...]`: each a declared area that no other part holds.
    fn part_areas(
        &mut self,
        id: &str,
        list: &Spanned<Vec<Spanned<String>>>,
        h: &mut Holdings,
    ) -> Vec<usize> {
        if list.get_ref().is_empty() {
            self.err(
                list,
                Code::PartAreas,
                format!("part `{id}`: `areas` is empty"),
            );
        }
        let mut own = Vec::new();
        for a in list.get_ref() {
            let name = crate::input::normalize(a.get_ref());
            let Some(i) = h.areas[..h.declared].iter().position(|x| x.id == name) else {
                self.err(
                    a,
                    Code::PartAreas,
                    format!("part `{id}`: there is no area `{name}`"),
                );
                continue;
            };
            match &h.owner[i] {
                Some(other) => self.err(
                    a,
                    Code::PartAreas,
                    format!("area `{name}` is already in part `{other}`"),
                ),
                None => {
                    h.owner[i] = Some(id.to_string());
                    own.push(i);
                }
            }
        }
        own
    }

    /// A part's `source`: an area of its own holding one proportional leaf on the figure.
    fn source_part(
        &mut self,
        id: &str,
        r: &RawPart,
        max: Decimal,
        src: &Spanned<String>,
        h: &mut Holdings,
    ) -> Vec<usize> {
        let text = src.get_ref().trim();
        let ratio = if let Some(t) = text.strip_prefix("survey:") {
            RatioSource::Survey(self.survey_target(src, &format!("part `{id}`"), t.trim()))
        } else if let Some(t) = text.strip_prefix("officials:") {
            RatioSource::Officials(self.officials_target(src, &format!("part `{id}`"), t.trim()))
        } else {
            self.err(
                src,
                Code::UnknownValue,
                format!("part `{id}`: source `{text}` is not `survey:index`, `survey:<factor>`, `officials:index` or `officials:<item>`"),
            );
            return Vec::new();
        };
        let area = h.areas.len();
        h.areas.push(Area {
            id: id.to_string(),
            title: r.title.clone(),
            max,
            items: vec![Item::Leaf(h.leaves.len())],
        });
        h.leaves.push(Leaf {
            id: id.to_string(),
            title: r.title.clone(),
            area,
            parents: Vec::new(),
            max,
            effect: Effect::Scored,
            rule: Rule::Proportional {
                ratio,
                on_empty: OnEmpty::Na,
                target: Decimal::ONE_HUNDRED,
            },
            illustrative: false,
            line: self.line(&r.id),
            note: Some(format!(
                "part `{id}`: {text} (a percentage) × {} / 100; without it the part does not apply",
                plain(max)
            )),
        });
        vec![area]
    }
}
