//! `cchc metrics --method 766`: the official service index as the national portal shows
//! it — per unit, one row per indicator (numerator, denominator, ratio, score, max), one
//! per group (its sum) and one `total` (the index on 100). Ratios are percentages
//! rounded half-up to 2 places; scores are exact until printed, rounded once.

use super::{Column, Kind, Report, Table, Value};
use crate::framework::Framework;
use crate::lang::Lang;
use crate::num::Exact;
use crate::num::RoundingMode;
use crate::pipeline::OfficialMetrics;
use crate::portal::Indicator;
use crate::score::{How, LeafResult, UnitResult};
use rust_decimal::Decimal;

/// The output's columns, in order.
pub const COLUMNS: [&str; 8] = [
    "unit_id",
    "group",
    "indicator",
    "numerator",
    "denominator",
    "ratio",
    "score",
    "max",
];

/// A ratio as the portal prints it: a percentage rounded half-up to 2 places.
pub fn percent(r: &Exact) -> Decimal {
    (r.clone() * Exact::from(100u64)).round(2, RoundingMode::HalfUp)
}

/// A whole count, if the exact value is one.
fn whole(x: &Exact) -> Value {
    x.to_decimal()
        .filter(|d| d.fract().is_zero())
        .and_then(|d| i64::try_from(d).ok())
        .map_or(Value::Null, Value::Int)
}

/// The numerator, denominator and ratio cells of one leaf.
fn derivation(leaf: &LeafResult, ind: Option<&Indicator>) -> [Value; 3] {
    let reading = &leaf.base;
    if let How::Unavailable { .. } | How::NotApplicable { .. } = reading.how {
        return [Value::Null, Value::Null, Value::Null];
    }
    if let Some(i) = ind {
        return [
            i.numerator.map_or(Value::Null, Value::count),
            i.denominator.map_or(Value::Null, Value::count),
            i.ratio
                .as_ref()
                .map_or(Value::Null, |r| Value::Dec(percent(r))),
        ];
    }
    match &reading.how {
        How::Ratio(r) => [
            whole(&r.num),
            whole(&r.den),
            Exact::ratio(&r.num, &r.den).map_or(Value::Null, |x| Value::Dec(percent(&x))),
        ],
        _ => [Value::Null, Value::Null, Value::Null],
    }
}

/// One unit's rows: each indicator, each group's sum, the total.
fn unit_rows(fw: &Framework, u: &UnitResult, inds: &[Indicator], sink: &mut dyn FnMut(Vec<Value>)) {
    let id = Value::str(&u.unit.id);
    let score = |x: &Exact| Value::Dec(fw.rounding.apply(x));
    for (a, area) in fw.areas.iter().enumerate() {
        for (leaf, res) in fw.leaves.iter().zip(&u.leaves).filter(|(l, _)| l.area == a) {
            let ind = leaf
                .official_indicator()
                .and_then(|i| inds.iter().find(|x| x.id == i));
            let o = &res.base.outcome;
            let mut row = vec![id.clone(), Value::str(&area.id), Value::str(&leaf.id)];
            row.extend(derivation(res, ind));
            row.push(if o.applicable {
                score(&o.points)
            } else {
                Value::str("na")
            });
            row.push(Value::Dec(leaf.max));
            sink(row);
        }
        let applies = u.totals.area_max.get(a).is_some_and(|m| *m > Decimal::ZERO);
        sink(vec![
            id.clone(),
            Value::str(&area.id),
            Value::str(&area.id),
            Value::Null,
            Value::Null,
            Value::Null,
            if applies {
                score(&u.totals.areas[a])
            } else {
                Value::str("na")
            },
            Value::Dec(area.max),
        ]);
    }
    sink(vec![
        id,
        Value::Null,
        Value::str("total"),
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Dec(u.totals.index),
        Value::Dec(fw.scale),
    ]);
}

/// The report.
pub fn build<'a>(m: &'a OfficialMetrics, lang: Lang) -> Report<'a> {
    let fw = &m.run.framework;
    let title = format!(
        "{} {} — {}; {}",
        lang.pick(
            "Official service index (QĐ 766),",
            "Chỉ số phục vụ (QĐ 766, cách tính của Cổng DVC quốc gia),"
        ),
        m.period,
        fw.id,
        lang.rows_line(m.stats.read, m.stats.used, m.stats.rejected)
    );
    let mut r = Report::new(title, lang, &m.diagnostics);
    r.setting_mut::<crate::export::json::Members>().head = vec![
        ("period".into(), super::period_json(Some(&m.period))),
        ("framework".into(), serde_json::json!(fw.id)),
        ("method".into(), serde_json::json!("766")),
    ];
    let kinds = [
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Int,
        Kind::Int,
        Kind::Percent(2),
        super::points_kind(fw),
        Kind::Plain,
    ];
    let cols = COLUMNS
        .iter()
        .zip(kinds)
        .map(|(n, k)| Column::new(*n, k).essential())
        .collect();
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        let mut units: Vec<&UnitResult> = m.run.scoring.units.iter().collect();
        units.sort_by(|a, b| a.unit.id.cmp(&b.unit.id));
        let none = Vec::new();
        for u in units {
            let inds = m
                .run
                .official
                .as_ref()
                .and_then(|o| o.get(&u.unit.id))
                .unwrap_or(&none);
            unit_rows(fw, u, inds, sink);
        }
    };
    r.tables.push(
        Table::new("rows", cols, Box::new(rows)).with(crate::export::xlsx::Sheet {
            name: Some("766".into()),
            frozen: (1, 3),
        }),
    );
    r.stats = m.run.scoring.stats.clone();
    r
}

/// The drill-down (`--by procedure`): each unit's procedures and their dossier
/// indicators (numerator, denominator, ratio; empty ratio: nothing in the
/// denominator, or `na` when an input is absent).
pub fn by_procedure(m: &crate::pipeline::ProcedureMetrics, lang: Lang) -> Report<'_> {
    let title = format!(
        "{} {}; {}",
        lang.pick(
            "Official service index (QĐ 766) by procedure,",
            "Chỉ số phục vụ (QĐ 766) theo thủ tục,"
        ),
        m.period,
        lang.rows_line(m.stats.read, m.stats.used, m.stats.rejected)
    );
    let mut r = Report::new(title, lang, &m.diagnostics);
    r.setting_mut::<crate::export::json::Members>().head = vec![
        ("period".into(), super::period_json(Some(&m.period))),
        ("method".into(), serde_json::json!("766")),
        ("by".into(), serde_json::json!("procedure")),
    ];
    let cols = [
        ("unit_id", Kind::Text),
        ("procedure_id", Kind::Text),
        ("indicator", Kind::Text),
        ("numerator", Kind::Int),
        ("denominator", Kind::Int),
        ("ratio", Kind::Percent(2)),
        ("time_unit", Kind::Text),
    ]
    .into_iter()
    .map(|(n, k)| Column::new(n, k).essential())
    .collect();
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for (unit, procedure, inds) in &m.rows {
            for i in inds {
                let na = i.missing.is_some();
                sink(vec![
                    Value::str(unit),
                    Value::str(procedure),
                    Value::str(i.id),
                    i.numerator.map_or(Value::Null, Value::count),
                    i.denominator.map_or(Value::Null, Value::count),
                    match (&i.ratio, na, i.time_unit) {
                        (_, true, _) => Value::str("na"),
                        // 2.2: the mean time, half-up to 2 places.
                        (Some(x), false, Some(_)) => {
                            Value::Dec(x.round(2, crate::num::RoundingMode::HalfUp))
                        }
                        (Some(x), false, None) => Value::Dec(percent(x)),
                        (None, false, _) => Value::Null,
                    },
                    i.time_unit.map_or(Value::Null, Value::str),
                ]);
            }
        }
    };
    r.tables.push(Table::new("rows", cols, Box::new(rows)));
    r.stats = vec![m.stats.clone()];
    r
}
