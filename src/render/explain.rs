//! `cchc explain`: the derivation of one unit's points, leaf by leaf, in words an
//! inspector can check against the files (inputs with file and line, the ratio as an
//! exact fraction, the rule and the step or option that matched, the points).

use crate::framework::{Framework, Item, Leaf, OnEmpty, Rule};
use crate::num::{fixed, percent, plain, RoundingMode};
use crate::score::{How, LeafResult, RatioMatch, SelfScore, UnitResult};
use crate::Run;
use serde_json::json;
use std::fmt::Write;

/// One line saying how a leaf's points came about.
pub fn derivation(fw: &Framework, leaf: &Leaf, r: &LeafResult) -> String {
    let max = plain(leaf.max);
    let p = plain(r.outcome.points);
    let rounded = if fw.rounding.round_points {
        " (rounded per leaf)"
    } else {
        ""
    };
    let body = match &r.how {
        How::Missing => "no checklist row → 0".to_string(),
        How::NotApplicable { column } => {
            format!("{column} is `na`: not applicable, its max {max} leaves the denominator")
        }
        How::Given { column, value } => {
            let mut s = format!("{column} = {}", plain(*value));
            if *column == "self_score" {
                s.push_str(" (not appraised: the self-score stands)");
            }
            if *value > leaf.max {
                s.push_str(&format!(" → capped at {max}"));
            } else if value.is_sign_negative() && !value.is_zero() {
                s.push_str(" → negative, counted as 0");
            }
            s
        }
        How::Option { value, points } => {
            format!("value `{value}` → option {value} = {}", plain(*points))
        }
        How::UnknownOption { value } => format!("value `{value}` is not an option → 0"),
        How::Ratio {
            num,
            den,
            source,
            matched,
        } => {
            // A survey figure is a mean of shares, not a count over a count: show it as
            // the percentage it is, to 4 places (marked … when it goes on).
            let survey = source.starts_with("survey:");
            let pct = if survey {
                let v = (*num * rust_decimal::Decimal::ONE_HUNDRED / *den).normalize();
                if v.scale() > 4 {
                    format!("{}…%", fixed(v, 4, RoundingMode::HalfUp))
                } else {
                    format!("{}%", plain(v))
                }
            } else {
                percent(*num, *den).unwrap_or_default()
            };
            let fraction = if survey {
                pct.clone()
            } else {
                format!("{}/{}", plain(*num), plain(*den))
            };
            let mut s = if survey {
                format!("{source} = {pct}")
            } else {
                format!("{source} = {fraction} = {pct}")
            };
            match matched {
                RatioMatch::Step { from, points } => s.push_str(&format!(
                    ", reaches the step from {}% → {}",
                    plain(*from),
                    plain(*points)
                )),
                RatioMatch::BelowSteps => s.push_str(", below every step → 0"),
                RatioMatch::Proportional { target } => s.push_str(&format!(
                    " → {max} × min({fraction} ÷ {}%, 1) = {p}",
                    plain(*target)
                )),
            }
            s
        }
        How::EmptyRatio { source, on_empty } => {
            let outcome = match on_empty {
                OnEmpty::Full => format!("full points {max}"),
                OnEmpty::Zero => "0".to_string(),
                OnEmpty::Na => format!("not applicable, its max {max} leaves the denominator"),
            };
            format!(
                "{source}: the denominator is 0, on-empty = {} → {outcome}",
                on_empty.name()
            )
        }
        How::Count { count, each } => {
            let product = *count * *each;
            let mut s = format!(
                "count {} × {} = {}",
                plain(*count),
                plain(*each),
                plain(product)
            );
            if product > leaf.max {
                s.push_str(&format!(", capped at {max}"));
            }
            s
        }
        How::MissingInput { columns } => format!("{columns} empty → 0"),
        How::Invalid { column, value } => format!("{column} `{value}` cannot be used → 0"),
    };
    format!("{body}{rounded}")
}

/// Pads `left` with spaces to `width` characters (Vietnamese text is NFC, so one char
/// is one column) and appends `right`.
fn columns(left: &str, width: usize, right: &str) -> String {
    let n = left.chars().count();
    format!("{left}{}  {right}", " ".repeat(width.saturating_sub(n)))
}

fn rule_summary(leaf: &Leaf) -> String {
    match &leaf.rule {
        Rule::Choice { options } => options
            .iter()
            .map(|(n, p)| format!("{n} {}", plain(*p)))
            .collect::<Vec<_>>()
            .join(" | "),
        Rule::Steps {
            steps, on_empty, ..
        } => {
            let mut s: Vec<String> = steps
                .iter()
                .map(|st| format!("≥{}% {}", plain(st.from), plain(st.points)))
                .collect();
            s.push(format!("empty {}", on_empty.name()));
            s.join(" | ")
        }
        Rule::Proportional {
            target, on_empty, ..
        } => {
            format!(
                "max × min(ratio ÷ {}%, 1) | empty {}",
                plain(*target),
                on_empty.name()
            )
        }
        Rule::PerCount { each } => format!("{} each, capped at {}", plain(*each), plain(leaf.max)),
        Rule::Manual => "as appraised (self-score when not appraised), 0..max".into(),
    }
}

fn selected(fw: &Framework, leaf: &Leaf, criterion: Option<&str>) -> bool {
    match criterion {
        None => true,
        Some(c) => {
            leaf.id == c || fw.areas[leaf.area].id == c || leaf.parents.iter().any(|p| p == c)
        }
    }
}

/// Whether an id names a leaf, a parent criterion or an area of the framework.
pub fn known_id(fw: &Framework, id: &str) -> bool {
    fw.leaves.iter().any(|l| selected(fw, l, Some(id)))
}

/// The text derivation of a unit's points (all leaves, or those under `criterion`).
pub fn text(run: &Run, u: &UnitResult, criterion: Option<&str>, checklist: &str) -> String {
    let fw = &run.framework;
    let r = &fw.rounding;
    let t = &u.totals;
    let mut out = String::new();
    let group = if u.unit.group.is_empty() {
        String::new()
    } else {
        format!(" · group {}", u.unit.group)
    };
    let _ = writeln!(out, "{} ({}){group}", u.unit.name, u.unit.id);
    let _ = writeln!(
        out,
        "framework {} — {}{}",
        fw.id,
        fw.title,
        fw.decision
            .as_ref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "points shown are appraised; `self` is the unit's own score\n"
    );
    let width = fw
        .leaves
        .iter()
        .map(|l| 2 * (l.parents.len() + 1) + l.id.chars().count() + l.title.chars().count() + 12)
        .chain(
            fw.areas
                .iter()
                .map(|a| a.id.chars().count() + a.title.chars().count() + 2),
        )
        .max()
        .unwrap_or(0)
        .min(90);
    for (ai, area) in fw.areas.iter().enumerate() {
        let leaves: Vec<usize> = area
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Leaf(l) => Some(*l),
                Item::Heading { .. } => None,
            })
            .filter(|&l| selected(fw, &fw.leaves[l], criterion))
            .collect();
        if leaves.is_empty() {
            continue;
        }
        let head = format!("{}  {}", area.id, area.title);
        let _ = writeln!(
            out,
            "{}",
            columns(
                &head,
                width,
                &format!("{} / {}", r.show(t.areas[ai]), plain(area.max))
            )
        );
        for item in &area.items {
            match item {
                Item::Heading { id, title, depth } => {
                    if leaves.iter().any(|&l| fw.leaves[l].parents.contains(id)) {
                        let _ = writeln!(out, "{}{id}  {title}", "  ".repeat(*depth));
                    }
                }
                Item::Leaf(l) if leaves.contains(l) => {
                    let leaf = &fw.leaves[*l];
                    let res = &u.leaves[*l];
                    let indent = "  ".repeat(leaf.parents.len() + 1);
                    let pts = if res.outcome.applicable
                        || leaf.effect != crate::framework::Effect::Scored
                    {
                        format!("{} / {}", r.show(res.outcome.points), plain(leaf.max))
                    } else {
                        format!("n/a (max {})", plain(leaf.max))
                    };
                    let effect = match leaf.effect {
                        crate::framework::Effect::Scored => "",
                        crate::framework::Effect::Bonus => " [bonus]",
                        crate::framework::Effect::Penalty => " [penalty]",
                    };
                    let selfs = match res.self_score {
                        SelfScore::NotGiven => String::new(),
                        SelfScore::Na => "   self na".into(),
                        SelfScore::Given(d) => format!("   self {}", plain(d)),
                    };
                    let head = format!("{indent}{}  {}{effect}", leaf.id, leaf.title);
                    let _ = writeln!(out, "{}", columns(&head, width, &format!("{pts}{selfs}")));
                    let pad = format!("{indent}    ");
                    let at = match res.line {
                        Some(line) => format!("{checklist}:{line}"),
                        None => format!("{checklist}: no row"),
                    };
                    let _ = writeln!(out, "{pad}input    {at}");
                    let illustrative = if leaf.illustrative {
                        "; thresholds illustrative"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "{pad}rule     {} ({}{illustrative})",
                        leaf.rule.name(),
                        rule_summary(leaf)
                    );
                    if let Some(n) = &leaf.note {
                        let _ = writeln!(out, "{pad}about    {n}");
                    }
                    let _ = writeln!(out, "{pad}result   {}", derivation(fw, leaf, res));
                    if let Some(e) = &res.evidence {
                        let _ = writeln!(out, "{pad}evidence {e}");
                    }
                    if let Some(n) = &res.note {
                        let _ = writeln!(out, "{pad}note     {n}");
                    }
                }
                Item::Leaf(_) => {}
            }
        }
        out.push('\n');
    }
    let na_max: rust_decimal::Decimal = fw
        .leaves
        .iter()
        .zip(&u.leaves)
        .filter(|(l, r)| l.effect == crate::framework::Effect::Scored && !r.outcome.applicable)
        .map(|(l, _)| l.max)
        .sum();
    let _ = writeln!(
        out,
        "scored points   {} of {} applicable (scale {}{})",
        plain(t.scored),
        plain(t.max),
        plain(fw.scale),
        if na_max.is_zero() {
            String::new()
        } else {
            format!("; {} not applicable", plain(na_max))
        }
    );
    let _ = writeln!(out, "bonus           +{}", plain(t.bonus));
    let _ = writeln!(out, "penalty         −{}", plain(t.penalty));
    let _ = writeln!(
        out,
        "index           ({} + {} − {}) × {} / {} = {} → {} ({} to {} places)",
        plain(t.scored),
        plain(t.bonus),
        plain(t.penalty),
        plain(fw.scale),
        plain(t.max),
        plain(t.index_exact),
        r.show(t.index),
        r.mode.name(),
        r.places
    );
    if let Some(b) = fw.bands.iter().find(|b| Some(&b.label) == u.band.as_ref()) {
        let _ = writeln!(out, "band            {} (from {})", b.label, plain(b.from));
    }
    let n = run.scoring.units.len();
    let group = if u.unit.group.is_empty() {
        "its group".to_string()
    } else {
        format!("group {}", u.unit.group)
    };
    let _ = writeln!(
        out,
        "rank            {} of {n} overall; {} of {} in {group} ({} ties)",
        u.rank,
        u.rank_in_group,
        u.group_size,
        policy_name(fw)
    );
    if run.scoring.has_self {
        let s = &u.self_totals;
        let _ = writeln!(
            out,
            "self-assessed   {} (appraisal moved it by {})",
            r.show(s.index),
            fixed(t.index - s.index, r.places, RoundingMode::HalfUp)
        );
    }
    out
}

fn policy_name(fw: &Framework) -> &'static str {
    match fw.ranking.ties {
        crate::framework::TiePolicy::Competition => "competition",
        crate::framework::TiePolicy::Dense => "dense",
        crate::framework::TiePolicy::Ordinal(_) => "ordinal",
    }
}

/// The JSON derivation of a unit: its ranking object, restricted to `criterion`, with
/// the unit's findings.
pub fn json(run: &Run, u: &UnitResult, criterion: Option<&str>) -> String {
    let fw = &run.framework;
    let mut obj = super::json::unit(run, u);
    if let Some(list) = obj["criteria"].as_array_mut() {
        list.retain(|c| {
            let id = c["id"].as_str().unwrap_or_default();
            fw.leaf(id)
                .is_some_and(|l| selected(fw, &fw.leaves[l], criterion))
        });
    }
    let diags: Vec<_> = run
        .diagnostics
        .iter()
        .filter(|d| d.unit.as_deref() == Some(&u.unit.id))
        .collect();
    let v = json!({
        "framework": super::json::framework(fw),
        "period": super::json::period(run),
        "unit": obj,
        "diagnostics": diags,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values always serialise");
    s.push('\n');
    s
}
