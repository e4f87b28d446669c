//! `cchc explain`: the derivation of one unit's points, leaf by leaf, in words an
//! inspector can check against the files (inputs with file and line, the ratio as an
//! exact fraction, the rule and the step or option that matched, the points, the stage
//! they come from). As text it is a document; as JSON the unit's ranking object
//! restricted to the criteria asked for, with the unit's findings.

use super::{Formats, Report, Table, Value};
use crate::framework::{Effect, Framework, Item, Leaf};
use crate::lang::Lang;
use crate::num::plain;
use crate::pipeline::Run;
use crate::score::{trace, How, Stage, UnitResult};
use std::fmt::Write;

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

/// The explain report of one unit (all leaves, or those under `criterion`).
pub fn build<'a>(run: &'a Run, u: &'a UnitResult, criterion: Option<&'a str>) -> Report<'a> {
    let fw = &run.framework;
    let mut r = Report::new(format!("{} ({})", u.unit.name, u.unit.id), Lang::En, &[]);
    r.findings = std::borrow::Cow::Owned(
        run.diagnostics
            .iter()
            .filter(|d| d.unit.as_deref() == Some(u.unit.id.as_str()))
            .cloned()
            .collect(),
    );
    r.document = document(run, u, criterion);
    r.json_head = vec![
        ("framework".into(), super::framework_json(fw)),
        ("period".into(), super::period_json(run.period.as_ref())),
    ];
    let columns = super::ranking::units(run, None).columns;
    let rows = move |_: super::Formats, sink: &mut dyn FnMut(Vec<Value>)| {
        let mut row = super::ranking::unit_row(run, None, u, true);
        if let Some(Value::List(criteria)) = row.last_mut() {
            criteria.retain(|c| match c {
                Value::Object(fields) => fields.iter().any(|(k, v)| {
                    k == "id"
                        && matches!(v, Value::Text(id) if fw.leaf(id).is_some_and(|l| selected(fw, &fw.leaves[l], criterion)))
                }),
                _ => false,
            });
        }
        sink(row);
    };
    let mut t = Table::new("unit", columns, Box::new(rows)).only(Formats::JSON);
    t.single = true;
    r.tables.push(t);
    r
}

/// Pads `left` with spaces to `width` characters (Vietnamese text is NFC, so one char
/// is one column) and appends `right`.
fn columns(left: &str, width: usize, right: &str) -> String {
    let n = left.chars().count();
    format!("{left}{}  {right}", " ".repeat(width.saturating_sub(n)))
}

/// The readable derivation, line by line.
fn document(run: &Run, u: &UnitResult, criterion: Option<&str>) -> Vec<String> {
    let fw = &run.framework;
    let mut out = String::new();
    let group = if u.unit.group.is_empty() {
        String::new()
    } else {
        format!(" · group {}", u.unit.group)
    };
    let _ = writeln!(out, "{} ({}){group}", u.unit.name, u.unit.id);
    let _ = writeln!(out, "framework {}", super::ranking::title(fw));
    let stage = run.stage();
    let shown = match stage {
        Stage::Appraised => "appraised",
        Stage::Final => "final (after explanation; appraised where there is none)",
        Stage::SelfAssessed => "the unit's self-assessed",
    };
    let _ = writeln!(
        out,
        "points shown are {shown}; `self` is the unit's own score\n"
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
    for ai in 0..fw.areas.len() {
        area_lines(run, u, ai, criterion, width, &mut out);
    }
    totals_lines(run, u, &mut out);
    out.lines().map(str::to_string).collect()
}

fn area_lines(
    run: &Run,
    u: &UnitResult,
    ai: usize,
    criterion: Option<&str>,
    width: usize,
    out: &mut String,
) {
    let fw = &run.framework;
    let area = &fw.areas[ai];
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
        return;
    }
    let head = format!("{}  {}", area.id, area.title);
    let total = format!(
        "{} / {}",
        fw.rounding.show(&u.totals.areas[ai]),
        plain(area.max)
    );
    let _ = writeln!(out, "{}", columns(&head, width, &total));
    for item in &area.items {
        match item {
            Item::Heading { id, title, depth } => {
                if leaves.iter().any(|&l| fw.leaves[l].parents.contains(id)) {
                    let _ = writeln!(out, "{}{id}  {title}", "  ".repeat(*depth));
                }
            }
            Item::Leaf(l) if leaves.contains(l) => leaf_lines(run, u, *l, width, out),
            Item::Leaf(_) => {}
        }
    }
    out.push('\n');
}

fn leaf_lines(run: &Run, u: &UnitResult, l: usize, width: usize, out: &mut String) {
    let fw = &run.framework;
    let leaf = &fw.leaves[l];
    let res = &u.leaves[l];
    let o = res.outcome(run.stage());
    let indent = "  ".repeat(leaf.parents.len() + 1);
    let pts = if o.applicable || leaf.effect != Effect::Scored {
        format!("{} / {}", fw.rounding.show(&o.points), plain(leaf.max))
    } else {
        format!("n/a (max {})", plain(leaf.max))
    };
    let effect = match leaf.effect {
        Effect::Scored => "",
        Effect::Bonus => " [bonus]",
        Effect::Penalty => " [penalty]",
    };
    let selfs = match res.claim().map(|c| &c.how) {
        Some(How::NotApplicable { .. } | How::NaNotAllowed { .. }) => "   self na".to_string(),
        Some(How::Given { capped, .. }) => format!("   self {}", plain(*capped)),
        _ => String::new(),
    };
    let head = format!("{indent}{}  {}{effect}", leaf.id, leaf.title);
    let _ = writeln!(out, "{}", columns(&head, width, &format!("{pts}{selfs}")));
    let pad = format!("{indent}    ");
    let at = match run.scoring.place(res) {
        Some(p) => p.to_string(),
        None => {
            let file = run
                .scoring
                .stats
                .iter()
                .find(|s| s.input == "checklist")
                .map_or("checklist", |s| s.file.as_str());
            format!("{file}: no row")
        }
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
        trace::rule_summary(leaf)
    );
    if let Some(n) = &leaf.note {
        let _ = writeln!(out, "{pad}about    {n}");
    }
    let result = trace::staged(fw, leaf, res, run.stage(), &run.scoring.stages);
    let _ = writeln!(out, "{pad}result   {result}");
    let n = res.notes();
    for (label, text) in [
        ("evidence", &n.evidence),
        ("explained", &n.explanation),
        ("note    ", &n.note),
    ] {
        if let Some(t) = text {
            let _ = writeln!(out, "{pad}{label} {t}");
        }
    }
}

fn totals_lines(run: &Run, u: &UnitResult, out: &mut String) {
    let fw = &run.framework;
    let r = &fw.rounding;
    let t = &u.totals;
    let na_max: rust_decimal::Decimal = fw
        .leaves
        .iter()
        .zip(&u.leaves)
        .filter(|(l, r)| l.effect == Effect::Scored && !r.outcome(run.stage()).applicable)
        .map(|(l, _)| l.max)
        .sum();
    let na = if na_max.is_zero() {
        String::new()
    } else {
        format!("; {} not applicable", plain(na_max))
    };
    let ex = trace::exact_words;
    let _ = writeln!(
        out,
        "scored points   {} of {} applicable (scale {}{na})",
        ex(&t.scored),
        plain(t.max),
        plain(fw.scale)
    );
    let _ = writeln!(out, "bonus           +{}", ex(&t.bonus));
    let _ = writeln!(out, "penalty         −{}", ex(&t.penalty));
    let _ = writeln!(
        out,
        "index           ({} + {} − {}) × {} / {} = {} → {} ({} to {} places)",
        t.scored,
        t.bonus,
        t.penalty,
        plain(fw.scale),
        plain(t.max),
        ex(&t.index_exact),
        r.show(&t.index_exact),
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
    if run.shows_self() {
        let s = &u.self_totals;
        let delta = t.index_exact.clone() - &s.index_exact;
        let by = match run.stage() {
            Stage::Final => "appraisal and explanation",
            _ => "appraisal",
        };
        let _ = writeln!(
            out,
            "self-assessed   {} ({by} moved it by {})",
            r.show(&s.index_exact),
            r.show(&delta)
        );
    }
}

fn policy_name(fw: &Framework) -> &'static str {
    match fw.ranking.ties {
        crate::framework::TiePolicy::Competition => "competition",
        crate::framework::TiePolicy::Dense => "dense",
        crate::framework::TiePolicy::Ordinal(_) => "ordinal",
    }
}
