//! The derivation of a leaf's points in words: what `explain` prints and what the
//! json, html and parquet outputs carry beside each criterion. It belongs to scoring:
//! it reads the [`How`] a rule recorded, nothing else.

use super::{How, LeafResult, RatioMatch, Reading, Stage};
use crate::framework::{Effect, Framework, Leaf, OnEmpty, Rule};
use crate::num::{plain, Exact};

/// An exact value as its fraction and a readable decimal (`17/31 ≈ 0.5483870967…`),
/// or just the decimal when it terminates.
pub fn exact_words(x: &Exact) -> String {
    match x.to_decimal() {
        Some(d) => plain(d),
        None => format!("{} ≈ {}", x.fraction(), x.readable(10)),
    }
}

/// A percentage num/den × 100 in words: exact (at least 2 places) when it terminates
/// within 4 places, else cut to 4 places and marked `…` (`54.8387…%`), so a ratio just
/// below a step never reads as reaching it.
fn percent_words(num: &Exact, den: &Exact) -> String {
    let pct = Exact::ratio(&(num.clone() * Exact::from(100u64)), den).unwrap_or_default();
    match pct.to_decimal().filter(|d| d.scale() <= 4) {
        Some(d) if d.scale() <= 2 => format!("{d:.2}%"),
        Some(d) => format!("{}%", plain(d)),
        None => format!("{}%", pct.readable(4)),
    }
}

/// One line saying how a reading's points came about.
pub fn derivation(fw: &Framework, leaf: &Leaf, r: &Reading) -> String {
    words(fw, leaf, r, true)
}

/// [`derivation`]; `fallback` says a self-score stands in for a missing appraisal.
fn words(fw: &Framework, leaf: &Leaf, r: &Reading, fallback: bool) -> String {
    let max = plain(leaf.max);
    let p = exact_words(&r.outcome.points);
    let rounded = if fw.rounding.round_points {
        " (rounded per leaf)"
    } else {
        ""
    };
    let leaves_denominator = match leaf.effect {
        Effect::Scored => format!("not applicable, its max {max} leaves the denominator"),
        Effect::Bonus => "no bonus".to_string(),
        Effect::Penalty => "no penalty".to_string(),
    };
    let body = match &r.how {
        How::Missing => "no checklist row → 0".to_string(),
        How::NotApplicable { column } => format!("{column} is `na`: {leaves_denominator}"),
        How::NaNotAllowed { column } => format!(
            "{column} is `na`, not allowed on a {} item → 0 (reported)",
            leaf.effect.name()
        ),
        How::Given {
            column,
            value,
            capped,
        } => {
            let mut s = format!("{column} = {}", plain(*value));
            if *column == "self_score" && fallback {
                s.push_str(" (not appraised: the self-score stands)");
            }
            if value > capped {
                s.push_str(&format!(" → capped at {max}"));
            } else if value < capped {
                s.push_str(" → negative, counted as 0");
            }
            s
        }
        How::Option { value, points } => {
            format!("value `{value}` → option {value} = {}", plain(*points))
        }
        How::UnknownOption { value } => format!("value `{value}` is not an option → 0"),
        How::Ratio(r) => ratio_words(&r.num, &r.den, &r.source, &r.matched, &max, &p),
        How::EmptyRatio { source, on_empty } => {
            let outcome = match on_empty {
                OnEmpty::Full => format!("full points {max}"),
                OnEmpty::Zero => "0".to_string(),
                OnEmpty::Na => leaves_denominator,
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

fn ratio_words(
    num: &Exact,
    den: &Exact,
    source: &str,
    matched: &RatioMatch,
    max: &str,
    points: &str,
) -> String {
    // A survey figure is a mean of shares, not a count over a count: show it as the
    // percentage it is.
    let pct = percent_words(num, den);
    let survey = source.starts_with("survey:");
    let fraction = if survey {
        pct.clone()
    } else {
        format!("{}/{}", num, den)
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
            " → {max} × min({fraction} ÷ {}%, 1) = {points}",
            plain(*target)
        )),
    }
    s
}

/// The derivation of the reading a stage uses, saying where it comes from when the
/// checklist has more than one stage (`[final] final_score = 3`, `[appraised: no
/// final_score] …`).
pub fn staged(
    fw: &Framework,
    leaf: &Leaf,
    r: &LeafResult,
    stage: Stage,
    stages: &[Stage],
) -> String {
    let (from, reading) = r.at(stage);
    let text = words(fw, leaf, reading, stage != Stage::SelfAssessed);
    if stages.len() <= 2 && stage != Stage::Final {
        return text;
    }
    if from == stage {
        format!("[{}] {text}", stage.name())
    } else {
        format!("[{}: no {} score] {text}", from.name(), stage.name())
    }
}

/// The rule of a leaf in a few words (`≥100% 2 | ≥80% 1 | empty zero`).
pub fn rule_summary(leaf: &Leaf) -> String {
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
