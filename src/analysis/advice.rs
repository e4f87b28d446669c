//! Where a unit's points are within reach (`cchc advise`): for each criterion below
//! its maximum that the unit can act on, the smallest change of the rule's input that
//! earns more points, and the index and rank the unit would have with that change
//! alone.
//!
//! Each what-if re-evaluates the leaf with the changed input through the same code
//! as scoring ([`UnitInputs::evaluate`]) and recomputes the unit's totals, so
//! `index_then` is what scoring the changed files gives, to the last digit (a property
//! test re-scores every row of every demo unit from the changed inputs).

use crate::dossier::Counts;
use crate::framework::{Effect, Framework, Leaf, Rule};
use crate::input::checklist::{Cell, ChecklistRow};
use crate::lang::Lang;
use crate::num::{plain, Exact};
use crate::pipeline::Run;
use crate::score::{How, RatioMatch, Totals, UnitInputs, UnitResult};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The input a what-if changes.
#[derive(Debug, Clone)]
pub enum Change {
    /// The leaf's checklist row, changed (or made).
    Row(ChecklistRow),
    /// The unit's dossier counts, with dossiers moved into a rate's numerator.
    Dossiers(Counts),
    /// The unit's official indicators, with one indicator's numerator raised.
    Official(Vec<crate::portal::Indicator>),
}

/// One criterion within reach.
#[derive(Debug, Clone)]
pub struct Advice {
    /// The leaf (framework index).
    pub leaf: usize,
    /// The input that changes (`on_time_rate`, `done/planned`, `value`,
    /// `appraised_score`, `count`).
    pub input: String,
    /// Its value now (`142/153 = 92.8104…%`).
    pub now: String,
    /// The change needed (`≥ 95%: 4 more of the 153 resolved on time`).
    pub needed: String,
    /// The leaf's points now (for a penalty, points deducted).
    pub points_now: Exact,
    /// …and with the change.
    pub points_then: Exact,
    /// What the change adds to the unit's net points.
    pub gain: Exact,
    /// The unit's exact index with the change alone.
    pub index_then: Exact,
    /// Its rank then (the other units as they are).
    pub rank_then: u32,
    /// The changed input.
    pub change: Change,
}

/// Every criterion within the unit's reach, largest gain first.
pub fn advise(run: &Run, u: &UnitResult, inputs: &UnitInputs, lang: Lang) -> Vec<Advice> {
    let fw = &run.framework;
    let stage = run.stage();
    let mut out = Vec::new();
    for (l, leaf) in fw.leaves.iter().enumerate() {
        let (_, reading) = u.leaves[l].at(stage);
        // A survey's figure is many people's answers: no single input moves it.
        let from_a_survey = leaf.survey_target().is_some() || leaf.officials_target().is_some();
        if !reading.outcome.applicable || from_a_survey {
            continue;
        }
        let Some((input, now, needed, change)) = candidate(leaf, &reading.how, inputs, l, lang)
        else {
            continue;
        };
        let mut changed = inputs.clone();
        match &change {
            Change::Row(r) => changed.rows[l] = Some(r.clone()),
            Change::Dossiers(c) => changed.dossiers = Some(*c),
            Change::Official(i) => changed.official = Some(i.clone()),
        }
        let mut leaves = u.leaves.clone();
        leaves[l] = changed.evaluate(fw, &u.unit.id, l);
        let then = Totals::compute(fw, &leaves, stage);
        let gain = then.net() - &u.totals.net();
        if gain <= Exact::zero() {
            continue;
        }
        out.push(Advice {
            leaf: l,
            input,
            now,
            needed,
            points_now: reading.outcome.points.clone(),
            points_then: leaves[l].outcome(stage).points.clone(),
            gain,
            rank_then: rank_then(run, u, &then),
            index_then: then.index_exact,
            change,
        });
    }
    out.sort_by(|a, b| b.gain.cmp(&a.gain).then(a.leaf.cmp(&b.leaf)));
    out
}

/// What a leaf's smallest useful change is: (input, now, needed, the change).
fn candidate(
    leaf: &Leaf,
    how: &How,
    inputs: &UnitInputs,
    l: usize,
    lang: Lang,
) -> Option<(String, String, String, Change)> {
    let vi = lang == Lang::Vi;
    let row = inputs.rows[l].as_ref();
    match how {
        How::Given { column, capped, .. } if leaf.rule == Rule::Manual && *capped < leaf.max => {
            let mut r = row?.clone();
            set(&mut r, column, Cell::Num(leaf.max))?;
            let needed = format!("{} (+{})", plain(leaf.max), plain(leaf.max - capped));
            Some((column.to_string(), plain(*capped), needed, Change::Row(r)))
        }
        How::Option { value, points } => {
            let Rule::Choice { options } = &leaf.rule else {
                return None;
            };
            let (name, p) = options
                .iter()
                .filter(|(_, p)| p > points)
                .min_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))?;
            let mut r = row?.clone();
            r.value = Some(name.as_str().into());
            let needed = format!("{name} ({})", plain(*p));
            Some(("value".into(), value.to_string(), needed, Change::Row(r)))
        }
        How::Ratio(x) => ratio_candidate(leaf, x, inputs, row, lang),
        How::Count { count, each } => {
            let mut r = row?.clone();
            let (then, needed) = match leaf.effect {
                Effect::Penalty => {
                    let then = if *count * *each > leaf.max {
                        (leaf.max / *each).ceil() - Decimal::ONE
                    } else {
                        *count - Decimal::ONE
                    };
                    let words = if vi { "tối đa" } else { "or fewer" };
                    let needed = if vi {
                        format!("{words} {}", plain(then))
                    } else {
                        format!("{} {words}", plain(then))
                    };
                    (then, needed)
                }
                Effect::Scored | Effect::Bonus => {
                    let then = *count + Decimal::ONE;
                    let words = if vi { "thêm 1" } else { "one more" };
                    (then, format!("{} ({words})", plain(then)))
                }
            };
            if then < Decimal::ZERO {
                return None;
            }
            r.count = Cell::Num(then);
            Some(("count".into(), plain(*count), needed, Change::Row(r)))
        }
        How::Missing
        | How::NotApplicable { .. }
        | How::Unavailable { .. }
        | How::NaNotAllowed { .. }
        | How::Given { .. }
        | How::UnknownOption { .. }
        | How::EmptyRatio { .. }
        | How::MissingInput { .. }
        | How::Invalid { .. } => None,
    }
}

/// A ratio's next step (or a proportional rule's target): in whole dossiers for a
/// rate of the log, in tasks (whole when done and planned are) for a checklist ratio.
fn ratio_candidate(
    leaf: &Leaf,
    x: &crate::score::Ratio,
    inputs: &UnitInputs,
    row: Option<&ChecklistRow>,
    lang: Lang,
) -> Option<(String, String, String, Change)> {
    let from = next_target(leaf, &x.matched, &x.num, &x.den)?;
    let now = format!("{}/{} = {}", x.num, x.den, percent(&x.num, &x.den));
    if let Some(id) = leaf.official_indicator() {
        return official_candidate(id, from, inputs, now, lang);
    }
    match leaf.dossier_metric() {
        Some(m) => {
            let (num, den) = (x.num.to_decimal()?, x.den.to_decimal()?);
            let need = (from * den / Decimal::ONE_HUNDRED).ceil();
            let k = (need - num).to_u64()?;
            let counts = m.with_more(inputs.dossiers.as_ref()?, k)?;
            let den = den.to_u64()?;
            let needed = format!("≥ {}%: {}", plain(from), m.more_words(k, den, lang));
            Some((m.name().into(), now, needed, Change::Dossiers(counts)))
        }
        None => {
            let r = row?;
            let (Cell::Num(done), Cell::Num(planned)) = (&r.done, &r.planned) else {
                return None;
            };
            let exact = from * *planned / Decimal::ONE_HUNDRED;
            let whole = done.fract().is_zero() && planned.fract().is_zero();
            let need = if whole { exact.ceil() } else { exact };
            let mut changed = r.clone();
            changed.done = Cell::Num(need);
            let (from, need_s, of, more) = (
                plain(from),
                plain(need),
                plain(*planned),
                plain(need - done),
            );
            let needed = match lang {
                Lang::En => format!("≥ {from}%: done {need_s} of {of} ({more} more)"),
                Lang::Vi => format!("≥ {from}%: hoàn thành {need_s}/{of} (thêm {more})"),
            };
            Some(("done/planned".into(), now, needed, Change::Row(changed)))
        }
    }
}

/// An official indicator of counts (not 3.3's or 5.4's combined shares): how many more
/// of its denominator must be in its numerator to reach `from` percent.
fn official_candidate(
    id: &'static str,
    from: Decimal,
    inputs: &UnitInputs,
    now: String,
    lang: Lang,
) -> Option<(String, String, String, Change)> {
    let mut all = inputs.official.clone()?;
    let i = all.iter_mut().find(|i| i.id == id)?;
    // A combined share (3.3: × the sync ratio) is not moved by its numerator alone.
    let (num, den) = i.counts()?;
    let need = (from * Decimal::from(den) / Decimal::ONE_HUNDRED)
        .ceil()
        .to_u64()?;
    let k = need.checked_sub(num).filter(|k| *k > 0)?;
    i.numerator = Some(need);
    i.ratio = Exact::ratio(&Exact::from(need), &Exact::from(den));
    let what = crate::portal::numerator_words(id, lang);
    let needed = match lang {
        Lang::En => format!("≥ {}%: {k} more of the {den} {what}", plain(from)),
        Lang::Vi => format!("≥ {}%: thêm {k} trong {den} {what}", plain(from)),
    };
    Some((format!("official:{id}"), now, needed, Change::Official(all)))
}

/// The lower bound (percent) of the next step above the ratio, or a proportional
/// rule's target; `None` at the top.
fn next_target(leaf: &Leaf, matched: &RatioMatch, num: &Exact, den: &Exact) -> Option<Decimal> {
    let pct = Exact::ratio(&(num.clone() * Exact::from(100u64)), den)?;
    match &leaf.rule {
        Rule::Steps { steps, .. } => {
            let points = match matched {
                RatioMatch::Step { points, .. } => *points,
                _ => Decimal::ZERO,
            };
            steps
                .iter()
                .filter(|s| s.points > points && Exact::from(s.from) > pct)
                .map(|s| s.from)
                .min()
        }
        Rule::Proportional { target, .. } => (pct < Exact::from(*target)).then_some(*target),
        Rule::Manual | Rule::Choice { .. } | Rule::PerCount { .. } => None,
    }
}

fn percent(num: &Exact, den: &Exact) -> String {
    let pct = Exact::ratio(&(num.clone() * Exact::from(100u64)), den).unwrap_or_default();
    match pct.to_decimal().filter(|d| d.scale() <= 4) {
        Some(d) => format!("{}%", plain(d)),
        None => format!("{}%", pct.readable(4)),
    }
}

/// Sets the score column of a row (`self_score`, `appraised_score`, `final_score`).
fn set(r: &mut ChecklistRow, column: &str, cell: Cell) -> Option<()> {
    use crate::score::Stage;
    let stage = Stage::ALL.into_iter().find(|s| s.column() == column)?;
    *match stage {
        Stage::SelfAssessed => &mut r.self_score,
        Stage::Appraised => &mut r.appraised_score,
        Stage::Final => &mut r.final_score,
    } = cell;
    Some(())
}

/// The unit's rank with these totals, the other units as they are.
fn rank_then(run: &Run, u: &UnitResult, then: &Totals) -> u32 {
    let fw: &Framework = &run.framework;
    let key = if fw.rounding.rank_on_exact {
        then.index_exact.clone()
    } else {
        Exact::from(then.index)
    };
    let points: Vec<Exact> = run.scoring.units.iter().map(|x| x.totals.net()).collect();
    let entries: Vec<crate::rank::Entry> = run
        .scoring
        .units
        .iter()
        .zip(&points)
        .map(|(x, p)| {
            let me = x.unit.id == u.unit.id;
            crate::rank::Entry {
                key: if me { key.clone() } else { x.rank_key(fw) },
                points: if me { then.net() } else { p.clone() },
                areas: if me { &then.areas } else { &x.totals.areas },
                unit_id: &x.unit.id,
            }
        })
        .collect();
    let (_, ranks) = crate::rank::ranks(&entries, &fw.ranking.ties);
    run.scoring
        .units
        .iter()
        .position(|x| x.unit.id == u.unit.id)
        .map_or(0, |i| ranks[i])
}
