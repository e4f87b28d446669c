//! `cchc gaps`: where one stage moved another's points, per criterion (summed over
//! units) and per unit and criterion, largest moves first.

use super::{published, Appears, Column, Kind, Report, Table, Value};
use crate::analysis::gaps::{gaps, CriterionGap, Gap};
use crate::lang::Lang;
use crate::pipeline::Run;
use crate::score::Stage;
use serde_json::json;

/// The column of a stage's points.
fn column(stage: Stage) -> &'static str {
    match stage {
        Stage::SelfAssessed => "self_score",
        Stage::Appraised => "appraised",
        Stage::Final => "final",
    }
}

/// The gaps report between two stages; `top` cuts the per-unit list in table and md
/// (0 = all).
pub fn build(run: &Run, from: Stage, to: Stage, top: usize, lang: Lang) -> Report<'_> {
    let fw = &run.framework;
    let definition = format!(
        "delta = what the {to} stage did to the unit's net points: {to} − {from}, negated for penalties; a side that is `na` counts 0",
        to = to.name(),
        from = from.name()
    );
    let title = match (from, to) {
        (Stage::SelfAssessed, Stage::Appraised) => format!("Appraisal gaps — {}", fw.id),
        _ => format!(
            "Gaps from the {} to the {} stage — {}",
            from.name(),
            to.name(),
            fw.id
        ),
    };
    let mut r = Report::new(title, lang, &run.diagnostics);
    r.lines.push(definition.clone());
    r.setting_mut::<crate::export::json::Members>().no_findings = true;
    r.setting_mut::<crate::export::json::Members>().head = vec![
        ("framework".into(), json!(fw.id)),
        ("from".into(), json!(from.name())),
        ("to".into(), json!(to.name())),
        ("definition".into(), json!(definition)),
    ];
    let (list, sums) = gaps(run, from, to);
    let shown = if top == 0 {
        list.len()
    } else {
        top.min(list.len())
    };
    let all = list.len();
    r.tables.push(by_criterion(run, sums, lang));
    let mut t = by_unit(run, list, from, to, lang, shown, all);
    t.settings.set(crate::export::table::Limit(shown));
    r.tables.push(t);
    r
}

fn by_criterion(run: &Run, sums: Vec<CriterionGap>, lang: Lang) -> Table<'_> {
    let fw = &run.framework;
    let pk = super::points_kind(fw);
    let cols = vec![
        Column::new("criterion_id", Kind::Text).essential(),
        Column::new("title", Kind::Text).essential(),
        Column::new("max", Kind::Plain),
        Column::new("units_moved", Kind::Int).essential(),
        Column::new("total_delta", pk).essential(),
        Column::new("points_moved", pk).essential(),
    ];
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for c in &sums {
            let leaf = &fw.leaves[c.leaf];
            sink(vec![
                Value::str(&leaf.id),
                Value::str(&leaf.title),
                Value::Dec(leaf.max),
                Value::count(c.units),
                published(fw, &c.total),
                published(fw, &c.moved),
            ]);
        }
    };
    let title = match lang {
        Lang::En => "By criterion, over all units",
        Lang::Vi => "Theo tiêu chí, tổng các đơn vị",
    };
    Table::new("by_criterion", cols, Box::new(rows))
        .titled(title)
        .with(crate::export::xlsx::Sheet {
            name: Some("By criterion".into()),
            frozen: (0, 0),
        })
        .only(Appears::AllBut("csv"))
}

fn by_unit(
    run: &Run,
    list: Vec<Gap>,
    from: Stage,
    to: Stage,
    lang: Lang,
    shown: usize,
    all: usize,
) -> Table<'_> {
    let fw = &run.framework;
    let pk = super::points_kind(fw);
    let cols = vec![
        Column::new("unit_id", Kind::Text).essential(),
        Column::new("name", Kind::Text).essential(),
        Column::new("criterion_id", Kind::Text).essential(),
        Column::new("title", Kind::Text),
        Column::new(column(from), pk).essential(),
        Column::new(column(to), pk).essential(),
        Column::new("delta", pk).essential(),
    ];
    let points = move |p: &Option<crate::num::Exact>| match p {
        Some(p) => published(fw, p),
        None => Value::str("na"),
    };
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for g in &list {
            let leaf = &fw.leaves[g.leaf];
            sink(vec![
                Value::str(&g.unit_id),
                Value::str(&g.name),
                Value::str(&leaf.id),
                Value::str(&leaf.title),
                points(&g.from),
                points(&g.to),
                published(fw, &g.delta),
            ]);
        }
    };
    let title = match lang {
        Lang::En => format!("By unit and criterion, largest first ({shown} of {all})"),
        Lang::Vi => format!("Theo đơn vị và tiêu chí, lớn nhất trước ({shown}/{all})"),
    };
    Table::new("by_unit", cols, Box::new(rows))
        .titled(title)
        .with(crate::export::xlsx::Sheet {
            name: Some("By unit".into()),
            frozen: (0, 0),
        })
}
