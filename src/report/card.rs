//! `cchc cards`: what the Department sends each unit — one printable page: its index,
//! rank and band; each area against the maximum and its group's median; what the
//! appraisal changed; the points within reach; and, with `--previous`, the comparison
//! with last year (through the lineage when there is one).

use super::{points_kind, published, Column, Kind, Report, Table, Value};
use crate::analysis::advice::Advice;
use crate::analysis::gaps::Gap;
use crate::analysis::previous::Comparison;
use crate::export::figures::{band_colour, AreaBar, Figure};
use crate::export::html::Part;
use crate::lang::Lang;
use crate::num::{Exact, RoundingMode};
use crate::pipeline::Run;
use crate::score::{Stage, UnitResult};

/// Words of a card, in one language.
fn t(lang: Lang, en: &'static str, vi: &'static str) -> String {
    lang.pick(en, vi).into()
}

/// What a card shows besides the run.
pub struct CardData<'a> {
    /// The unit's advice, largest gain first.
    pub advice: &'a [Advice],
    /// The unit's criteria the appraisal moved (self → the ranked stage).
    pub gaps: Vec<Gap>,
    /// The comparison with last year, if any.
    pub previous: Option<&'a Comparison>,
    /// Each area's median points over the unit's group.
    pub medians: Vec<Exact>,
}

/// One unit's card.
pub fn build<'a>(run: &'a Run, u: &'a UnitResult, d: CardData<'a>, lang: Lang) -> Report<'a> {
    let fw = &run.framework;
    let title = format!("{} ({})", u.unit.name, u.unit.id);
    let mut r = Report::new(title, lang, &[]);
    let mut meta = vec![super::ranking::title(fw)];
    if let Some(p) = &run.period {
        meta.push(format!("{} {p}", lang.t("period")));
    }
    r.lines = meta;
    let n = run.scoring.units.len();
    let group = if u.unit.group.is_empty() {
        t(lang, "in the group", "trong nhóm")
    } else {
        format!("{} {}", t(lang, "in group", "trong nhóm"), u.unit.group)
    };
    let band = u
        .band
        .clone()
        .map(|b| (b.clone(), band_colour(fw, Some(&b))));
    let mut body = vec![
        Part::KeyFigures(
            vec![
                (
                    t(lang, "index", "chỉ số"),
                    fw.rounding.show(&u.totals.index_exact),
                ),
                (
                    format!("{} {n}", t(lang, "rank of", "hạng trên")),
                    u.rank.to_string(),
                ),
                (
                    format!("{group} ({})", u.group_size),
                    u.rank_in_group.to_string(),
                ),
            ],
            band,
        ),
        Part::Section(
            "areas".into(),
            t(lang, "Points by area", "Điểm theo lĩnh vực"),
        ),
        Part::Figure(area_bars(run, u, &d.medians, lang)),
    ];
    appraisal(run, u, &d.gaps, lang, &mut r, &mut body);
    advice_part(run, d.advice, lang, &mut r, &mut body);
    if let Some(p) = d.previous {
        previous_part(run, u, p, lang, &mut r, &mut body);
    }
    r.setting_mut::<crate::export::html::Page>().body = body;
    r
}

fn area_bars(run: &Run, u: &UnitResult, medians: &[Exact], lang: Lang) -> Figure {
    let fw = &run.framework;
    let chart = |x: &Exact| x.round(10, RoundingMode::HalfEven);
    Figure::AreaBars {
        headers: [
            t(lang, "area", "lĩnh vực"),
            t(lang, "points / max", "điểm / tối đa"),
            t(lang, "group median", "trung vị của nhóm"),
        ],
        colour: band_colour(fw, u.band.as_deref()),
        rows: fw
            .areas
            .iter()
            .enumerate()
            .map(|(i, a)| AreaBar {
                label: format!("{}  {}", a.id, a.title),
                points: (
                    chart(&u.totals.areas[i]),
                    fw.rounding.show(&u.totals.areas[i]),
                ),
                max: a.max,
                median: (chart(&medians[i]), fw.rounding.show(&medians[i])),
            })
            .collect(),
    }
}

/// What the appraisal changed: the self-assessed index against the ranked one, and
/// each criterion it moved.
fn appraisal(
    run: &Run,
    u: &UnitResult,
    gaps: &[Gap],
    lang: Lang,
    r: &mut Report,
    body: &mut Vec<Part>,
) {
    let fw = &run.framework;
    if !run.shows_self() {
        return;
    }
    body.push(Part::Section(
        "appraisal".into(),
        t(
            lang,
            "What the appraisal changed",
            "Kết quả thẩm định so với tự đánh giá",
        ),
    ));
    let (own, now) = (
        fw.rounding.show(&u.self_totals.index_exact),
        fw.rounding.show(&u.totals.index_exact),
    );
    let delta = fw
        .rounding
        .show(&(u.totals.index_exact.clone() - &u.self_totals.index_exact));
    body.push(Part::Paragraph(match lang {
        Lang::En => format!(
            "Self-assessed index {own}; after appraisal {now} ({delta}); {} criteria moved.",
            gaps.len()
        ),
        Lang::Vi => format!(
            "Chỉ số tự đánh giá {own}; sau thẩm định {now} ({delta}); {} tiêu chí thay đổi điểm.",
            gaps.len()
        ),
    }));
    if gaps.is_empty() {
        return;
    }
    let pk = points_kind(fw);
    let cols = vec![
        Column::new("criterion_id", Kind::Text),
        Column::new("title", Kind::Text),
        Column::new("self_score", pk),
        Column::new(
            if run.stage() == Stage::Final {
                "final"
            } else {
                "appraised"
            },
            pk,
        ),
        Column::new("delta", pk),
    ];
    let rows: Vec<Vec<Value>> = gaps
        .iter()
        .map(|g| {
            let leaf = &fw.leaves[g.leaf];
            let p = |x: &Option<Exact>| x.as_ref().map_or(Value::str("na"), |x| published(fw, x));
            vec![
                Value::str(&leaf.id),
                Value::str(&leaf.title),
                p(&g.from),
                p(&g.to),
                published(fw, &g.delta),
            ]
        })
        .collect();
    push_table(r, body, "appraisal", cols, rows);
}

fn advice_part(run: &Run, advice: &[Advice], lang: Lang, r: &mut Report, body: &mut Vec<Part>) {
    let fw = &run.framework;
    body.push(Part::Section(
        "advice".into(),
        t(lang, "Points within reach", "Điểm có thể đạt thêm"),
    ));
    if advice.is_empty() {
        body.push(Part::Paragraph(
            lang.t("every criterion the unit can act on is at its maximum")
                .into(),
        ));
        return;
    }
    body.push(Part::Paragraph(t(
        lang,
        "Each row is one change alone, with the index and rank it would give.",
        "Mỗi dòng là một thay đổi riêng lẻ, kèm chỉ số và thứ hạng nếu đạt được.",
    )));
    let pk = points_kind(fw);
    let cols = vec![
        Column::new("criterion_id", Kind::Text),
        Column::new("title", Kind::Text),
        Column::new("now", Kind::Text),
        Column::new("needed", Kind::Text),
        Column::new("gain", pk),
        Column::new("index_then", pk),
        Column::new("rank_then", Kind::Int),
    ];
    let rows: Vec<Vec<Value>> = advice
        .iter()
        .take(8)
        .map(|a| {
            let leaf = &fw.leaves[a.leaf];
            vec![
                Value::str(&leaf.id),
                Value::str(&leaf.title),
                Value::str(format!("{}: {}", a.input, a.now)),
                Value::str(&a.needed),
                published(fw, &a.gain),
                published(fw, &a.index_then),
                Value::count(a.rank_then),
            ]
        })
        .collect();
    push_table(r, body, "advice", cols, rows);
}

fn previous_part(
    run: &Run,
    u: &UnitResult,
    p: &Comparison,
    lang: Lang,
    r: &mut Report,
    body: &mut Vec<Part>,
) {
    let fw = &run.framework;
    body.push(Part::Section(
        "previous".into(),
        t(lang, "Compared with last year", "So với năm trước"),
    ));
    let Some(Some(c)) = p.changes.get(&u.unit.id) else {
        body.push(Part::Paragraph(t(
            lang,
            "The unit has no ranked predecessor in the earlier ranking.",
            "Đơn vị không có đơn vị tiền thân trong bảng xếp hạng năm trước.",
        )));
        return;
    };
    let (base, change) = (
        fw.rounding.show(&c.baseline),
        fw.rounding.show(&c.index_change),
    );
    body.push(Part::Paragraph(match lang {
        Lang::En => format!(
            "Baseline {base} (rank {}): index {change}, rank {:+}.",
            c.baseline_rank, c.rank_change
        ),
        Lang::Vi => format!(
            "Chỉ số gốc {base} (hạng {}): chỉ số thay đổi {change}, thứ hạng thay đổi {:+}.",
            c.baseline_rank, c.rank_change
        ),
    }));
    if c.predecessors.is_empty() {
        return;
    }
    let cols = vec![
        Column::new("unit_id", Kind::Text),
        Column::new("name", Kind::Text),
        Column::new("relation", Kind::Text),
        Column::new("share", Kind::Text),
        Column::new("index", Kind::Plain),
        Column::new("rank", Kind::Int),
    ];
    let rows: Vec<Vec<Value>> = c
        .predecessors
        .iter()
        .map(|d| {
            vec![
                Value::str(&d.unit_id),
                Value::str(&d.name),
                Value::str(d.relation.name()),
                Value::str(d.share.fraction()),
                Value::Dec(d.index),
                Value::count(d.rank),
            ]
        })
        .collect();
    push_table(r, body, "predecessors", cols, rows);
}

/// Adds a table of fixed rows to the report and to the page.
fn push_table(
    r: &mut Report,
    body: &mut Vec<Part>,
    id: &str,
    cols: Vec<Column>,
    rows: Vec<Vec<Value>>,
) {
    let i = r.tables.len();
    let emit = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for row in &rows {
            sink(row.clone());
        }
    };
    r.tables.push(Table::new(id, cols, Box::new(emit)));
    body.push(Part::Table(i));
}
