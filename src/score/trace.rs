//! The derivation of a leaf's points in words: what `explain` prints and what the
//! json, html and parquet outputs carry beside each criterion. It belongs to scoring:
//! it reads the [`How`] a rule recorded, nothing else.

use super::{How, LeafResult, Ratio, RatioMatch, Reading, Stage};
use crate::framework::{Effect, Framework, Leaf, OnEmpty, Rule};
use crate::lang::Lang;
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

/// One line saying how a reading's points came about (English: the json, html and
/// parquet outputs carry it as data).
pub fn derivation(fw: &Framework, leaf: &Leaf, r: &Reading) -> String {
    words(fw, leaf, r, true, Lang::En)
}

/// [`derivation`] in a language; `fallback` says a self-score stands in for a missing
/// appraisal.
///
/// Long: one arm per way a reading came about, each phrase in both languages side by
/// side so that a translation is checked against its original.
fn words(fw: &Framework, leaf: &Leaf, r: &Reading, fallback: bool, lang: Lang) -> String {
    let max = plain(leaf.max);
    let p = exact_words(&r.outcome.points);
    let rounded = match (fw.rounding.round_points, lang) {
        (false, _) => "",
        (true, Lang::En) => " (rounded per leaf)",
        (true, Lang::Vi) => " (làm tròn từng tiêu chí)",
    };
    let effect_vi = match leaf.effect {
        Effect::Bonus => "điểm thưởng",
        _ => "điểm trừ",
    };
    let leaves_denominator = match leaf.effect {
        Effect::Scored => lang.pick(
            format!("not applicable, its max {max} leaves the denominator"),
            format!("không áp dụng, {max} điểm tối đa không tính vào mẫu số"),
        ),
        _ => lang.pick(
            format!("no {}", leaf.effect.name()),
            format!("không có {effect_vi}"),
        ),
    };
    let body = match &r.how {
        How::Missing => lang.pick(
            "no checklist row → 0".into(),
            "không có dòng trong bảng chấm điểm → 0".into(),
        ),
        How::NotApplicable { column } => lang.pick(
            format!("{column} is `na`: {leaves_denominator}"),
            format!("{column} là `na`: {leaves_denominator}"),
        ),
        How::Unavailable { why } => lang.pick(
            format!("{why}: {leaves_denominator}"),
            format!("thiếu dữ liệu ({why}): {leaves_denominator}"),
        ),
        How::NaNotAllowed { column } => lang.pick(
            format!(
                "{column} is `na`, not allowed on a {} item → 0 (reported)",
                leaf.effect.name()
            ),
            format!("{column} là `na`, không dùng được cho {effect_vi} → 0 (đã báo lỗi)"),
        ),
        How::Given {
            column,
            value,
            capped,
        } => {
            let mut s = format!("{column} = {}", plain(*value));
            if *column == "self_score" && fallback {
                s.push_str(match lang {
                    Lang::En => " (not appraised: the self-score stands)",
                    Lang::Vi => " (chưa thẩm định: giữ điểm tự đánh giá)",
                });
            }
            if value > capped {
                s.push_str(&lang.pick(
                    format!(" → capped at {max}"),
                    format!(" → tính tối đa {max}"),
                ));
            } else if value < capped {
                s.push_str(lang.pick(" → negative, counted as 0", " → số âm, tính 0"));
            }
            s
        }
        How::Option { value, points } => lang.pick(
            format!("value `{value}` → option {value} = {}", plain(*points)),
            format!("mức `{value}` → {value} = {}", plain(*points)),
        ),
        How::UnknownOption { value } => lang.pick(
            format!("value `{value}` is not an option → 0"),
            format!("mức `{value}` không có trong danh sách → 0"),
        ),
        How::Ratio(r) => ratio_words(r, &max, &p, lang),
        How::EmptyRatio { source, on_empty } => {
            let outcome = match on_empty {
                OnEmpty::Full => lang.pick(format!("full points {max}"), format!("đủ điểm {max}")),
                OnEmpty::Zero => "0".to_string(),
                OnEmpty::Na => leaves_denominator,
            };
            lang.pick(
                format!(
                    "{source}: the denominator is 0, on-empty = {} → {outcome}",
                    on_empty.name()
                ),
                format!(
                    "{source}: mẫu số bằng 0, {} → {outcome}",
                    on_empty_words(*on_empty, lang)
                ),
            )
        }
        How::Count { count, each } => {
            let product = *count * *each;
            let (c, e, pr) = (plain(*count), plain(*each), plain(product));
            let mut s = lang.pick(
                format!("count {c} × {e} = {pr}"),
                format!("số lần {c} × {e} = {pr}"),
            );
            if product > leaf.max {
                s.push_str(&lang.pick(format!(", capped at {max}"), format!(", tối đa {max}")));
            }
            s
        }
        How::MissingInput { columns } => lang.pick(
            format!("{columns} empty → 0"),
            format!("{columns} để trống → 0"),
        ),
        How::Invalid { column, value } => lang.pick(
            format!("{column} `{value}` cannot be used → 0"),
            format!("{column} `{value}` không dùng được → 0"),
        ),
    };
    format!("{body}{rounded}")
}

/// Whether a ratio's source is a survey figure (a percentage, not a count over a count).
fn is_percent(source: &str) -> bool {
    source.starts_with("survey:") || source.starts_with("officials:")
}

fn ratio_words(r: &Ratio, max: &str, points: &str, lang: Lang) -> String {
    let (num, den, source) = (&r.num, &r.den, &r.source);
    // A survey figure is a mean of shares, not a count over a count: show it as the
    // percentage it is.
    let pct = percent_words(num, den);
    let survey = is_percent(source);
    let fraction = if survey {
        pct.clone()
    } else if *den == crate::num::Exact::one() {
        num.to_string()
    } else {
        format!("{}/{}", num, den)
    };
    let mut s = if survey {
        format!("{source} = {pct}")
    } else {
        format!("{source} = {fraction} = {pct}")
    };
    match &r.matched {
        RatioMatch::Step { from, points } => s.push_str(&lang.pick(
            format!(
                ", reaches the step from {}% → {}",
                plain(*from),
                plain(*points)
            ),
            format!(", đạt mức từ {}% → {}", plain(*from), plain(*points)),
        )),
        RatioMatch::BelowSteps => s.push_str(match lang {
            Lang::En => ", below every step → 0",
            Lang::Vi => ", dưới mọi mức → 0",
        }),
        RatioMatch::Proportional { target } => s.push_str(&format!(
            " → {max} × min({fraction} ÷ {}%, 1) = {points}",
            plain(*target)
        )),
    }
    s
}

/// A computed criterion's figure in a few words, for a form cell: the ratio, its
/// percentage and the points (`220/221 = 99.5475…% → 4`); the full [`derivation`]
/// for anything else.
pub fn figure(fw: &Framework, leaf: &Leaf, r: &Reading) -> String {
    let points = match r.outcome.points.to_decimal() {
        Some(d) => plain(d),
        None => format!("≈ {}", r.outcome.points.readable(2)),
    };
    match &r.how {
        How::Ratio(x) if is_percent(&x.source) => {
            format!("{} → {points}", percent_words(&x.num, &x.den))
        }
        How::Ratio(x) => format!(
            "{}/{} = {} → {points}",
            x.num,
            x.den,
            percent_words(&x.num, &x.den)
        ),
        How::EmptyRatio { .. } => format!("0/0 → {points}"),
        _ => derivation(fw, leaf, r),
    }
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
    lang: Lang,
) -> String {
    let (from, reading) = r.at(stage);
    let text = words(fw, leaf, reading, stage != Stage::SelfAssessed, lang);
    if stages.len() <= 2 && stage != Stage::Final {
        return text;
    }
    if from == stage {
        format!("[{}] {text}", stage.name())
    } else {
        lang.pick(
            format!("[{}: no {} score] {text}", from.name(), stage.name()),
            format!("[{}: chưa có điểm {}] {text}", from.name(), stage.name()),
        )
    }
}

/// A rule's name for its reader: the framework file's key (`steps`), after its
/// Vietnamese words under `--lang vi` (``theo bậc `steps` ``).
pub fn rule_name(leaf: &Leaf, lang: Lang) -> String {
    let key = leaf.rule.name();
    let words = match &leaf.rule {
        Rule::Choice { .. } => "chọn mức",
        Rule::Steps { .. } => "theo bậc",
        Rule::Proportional { .. } => "tỷ lệ thuận",
        Rule::PerCount { .. } => "theo số lần",
        Rule::Manual => "chấm trực tiếp",
    };
    lang.pick(key.to_string(), format!("{words} `{key}`"))
}

/// What a ratio whose denominator is 0 gives, in words (`zero` in English, the key of
/// framework files).
fn on_empty_words(on_empty: OnEmpty, lang: Lang) -> &'static str {
    match (lang, on_empty) {
        (Lang::En, _) => on_empty.name(),
        (Lang::Vi, OnEmpty::Full) => "đủ điểm",
        (Lang::Vi, OnEmpty::Zero) => "0 điểm",
        (Lang::Vi, OnEmpty::Na) => "không áp dụng",
    }
}

/// The rule of a leaf in a few words (`≥100% 2 | ≥80% 1 | empty zero`).
pub fn rule_summary(leaf: &Leaf, lang: Lang) -> String {
    let empty = match lang {
        Lang::En => "empty",
        Lang::Vi => "mẫu số 0:",
    };
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
            s.push(format!("{empty} {}", on_empty_words(*on_empty, lang)));
            s.join(" | ")
        }
        Rule::Proportional {
            target, on_empty, ..
        } => {
            format!(
                "{} | {empty} {}",
                lang.pick(
                    format!("max × min(ratio ÷ {}%, 1)", plain(*target)),
                    format!("tối đa × min(tỷ lệ ÷ {}%, 1)", plain(*target)),
                ),
                on_empty_words(*on_empty, lang)
            )
        }
        Rule::PerCount { each } => lang.pick(
            format!("{} each, capped at {}", plain(*each), plain(leaf.max)),
            format!("{} mỗi lần, tối đa {}", plain(*each), plain(leaf.max)),
        ),
        Rule::Manual => lang.pick(
            "as appraised (self-score when not appraised), 0..max".into(),
            "theo điểm thẩm định (chưa thẩm định: điểm tự đánh giá), từ 0 đến tối đa".into(),
        ),
    }
}
