//! `cchc advise`: the criteria within a unit's reach, largest gain first.

use super::{points_kind, published, Column, Kind, Report, Table, Value};
use crate::analysis::advice::Advice;
use crate::lang::Lang;
use crate::num::Exact;
use crate::pipeline::Run;
use crate::score::UnitResult;

/// The report's title: the unit, its index and rank.
fn title(run: &Run, u: &UnitResult, lang: Lang) -> String {
    let fw = &run.framework;
    let (index, n) = (
        fw.rounding.show(&u.totals.index_exact),
        run.scoring.units.len(),
    );
    match lang {
        Lang::En => format!(
            "{} ({}): index {index}, rank {} of {n} — the points within reach, each change alone",
            u.unit.name, u.unit.id, u.rank
        ),
        Lang::Vi => format!(
            "{} ({}): chỉ số {index}, hạng {}/{n} — các điểm có thể đạt thêm, từng thay đổi riêng lẻ",
            u.unit.name, u.unit.id, u.rank
        ),
    }
}

/// The advice report of one unit (`top` rows; 0: all).
pub fn build<'a>(
    run: &'a Run,
    u: &'a UnitResult,
    advice: &'a [Advice],
    top: usize,
    lang: Lang,
) -> Report<'a> {
    let fw = &run.framework;
    let title = title(run, u, lang);
    let mut r = Report::new(title, lang, &[]);
    r.setting_mut::<crate::export::json::Members>().no_findings = true;
    let shown = if top == 0 {
        advice.len()
    } else {
        top.min(advice.len())
    };
    if shown < advice.len() {
        r.lines.push(match lang {
            Lang::En => format!("{shown} of {} (--top 0 for all)", advice.len()),
            Lang::Vi => format!("{shown}/{} (--top 0 để xem tất cả)", advice.len()),
        });
    }
    if advice.is_empty() {
        r.lines.push(
            lang.t("every criterion the unit can act on is at its maximum")
                .into(),
        );
    }
    r.setting_mut::<crate::export::json::Members>().head = vec![
        ("unit_id".into(), serde_json::json!(u.unit.id)),
        (
            "index".into(),
            super::json_number(&fw.rounding.show(&u.totals.index_exact)),
        ),
        ("rank".into(), serde_json::json!(u.rank)),
        ("stage".into(), serde_json::json!(run.stage().name())),
    ];
    let pk = points_kind(fw);
    let cols = vec![
        Column::new("criterion_id", Kind::Text).essential(),
        Column::new("title", Kind::Text),
        Column::new("input", Kind::Text),
        Column::new("now", Kind::Text).essential(),
        Column::new("needed", Kind::Text).essential(),
        Column::new("points_now", pk),
        Column::new("points_then", pk),
        Column::new("gain", pk).essential(),
        Column::new("index_then", pk).essential(),
        Column::new("index_then_exact", Kind::Exact).only(super::Appears::Nested),
        Column::new("rank_then", Kind::Int).essential(),
    ];
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for a in advice.iter().take(shown) {
            let leaf = &fw.leaves[a.leaf];
            let pts = |x: &Exact| published(fw, x);
            sink(vec![
                Value::str(&leaf.id),
                Value::str(&leaf.title),
                Value::str(&a.input),
                Value::str(&a.now),
                Value::str(&a.needed),
                pts(&a.points_now),
                pts(&a.points_then),
                pts(&a.gain),
                pts(&a.index_then),
                Value::Exact(a.index_then.clone()),
                Value::count(a.rank_then),
            ]);
        }
    };
    r.tables.push(Table::new("advice", cols, Box::new(rows)));
    r
}
