//! The ranking (`cchc score`): one row per unit with the columns PRODUCT.md fixes —
//! `rank, rank_in_group, unit_id, name, group, points, max_points, index, band`, one
//! `area_<id>` per area, `self_index, appraisal_delta` where self-scores exist,
//! `rank_change, index_change` with `--previous` — plus, in JSON, the exact figures
//! and each criterion's derivation; in Parquet a per-criterion table; in xlsx a sheet
//! per area; in HTML the charts and the evidence behind dossier and survey criteria.

use super::{points_kind, published, Appears, Column, Kind, Report, Table, Value};
use crate::analysis::previous::Comparison;
use crate::analysis::summary::summary;
use crate::export::figures::{band_colour, band_colours, Figure};
use crate::export::html::Part;
use crate::framework::Framework;
use crate::lang::Lang;
use crate::num::{plain, Exact};
use crate::pipeline::Run;
use crate::score::{trace, How, Stage, UnitResult};
use serde_json::json;

/// The ranking report of a run, compared with an earlier ranking when one is given.
pub fn build<'a>(run: &'a Run, previous: Option<&'a Comparison>, lang: Lang) -> Report<'a> {
    let fw = &run.framework;
    let mut r = Report::new(title(fw), lang, &run.diagnostics);
    let mut meta = vec![fw.id.clone()];
    meta.extend(fw.decision.clone());
    r.setting_mut::<crate::export::html::Page>().heading = Some((fw.title.clone(), meta));
    if let Some(p) = &run.period {
        r.lines.push(format!("{} {p}", lang.t("period")));
    }
    if run.stage() != Stage::Appraised || run.scoring.stages.contains(&Stage::Final) {
        r.lines.push(stage_line(run.stage(), lang));
    }
    r.lines.push(method_line(run, lang));
    r.setting_mut::<crate::export::json::Members>().head = vec![
        ("framework".into(), super::framework_json(fw)),
        ("period".into(), super::period_json(run.period.as_ref())),
        ("stage".into(), json!(run.stage().name())),
    ];
    r.tables
        .push(units(run, previous).with(crate::export::xlsx::Sheet {
            name: Some("Ranking".into()),
            frozen: (0, 0),
        }));
    r.tables.push(criteria(run));
    for a in 0..fw.areas.len() {
        r.tables.push(area_sheet(run, a));
    }
    r.tables.push(evidence(run, lang));
    let (press_lines, press_table) = press(run, previous, lang);
    r.tables.push(press_table);
    let s = summary(run);
    r.setting_mut::<crate::export::json::Members>().tail = vec![
        ("summary".into(), summary_json(run, &s)),
        ("previous".into(), previous_json(run, previous)),
    ];
    r.stats = run.scoring.stats.clone();
    let summary_line = s.line(fw, lang);
    r.notes.push(summary_line.clone());
    r.notes.extend(press_lines.iter().cloned());
    let comparison = comparison_line(run, previous, lang);
    r.notes.extend(comparison.clone());
    let mut body = html_body(run, lang, &s, summary_line, comparison);
    let figures_at = r.tables.len() - 1;
    with_press(&mut body, press_lines, figures_at, run, previous, lang);
    r.setting_mut::<crate::export::html::Page>().body = body;
    r
}

/// The press's figures: one line each for all units and each group, and their table
/// (json, xlsx, html).
fn press(run: &Run, previous: Option<&Comparison>, lang: Lang) -> (Vec<String>, Table<'static>) {
    let (all, groups) = crate::analysis::summary::press(run, previous);
    let noun = ("units", "đơn vị");
    let mut lines = vec![super::summary::figures_line(
        lang.pick("all", "tất cả"),
        &all,
        noun,
        lang,
    )];
    lines.extend(
        groups
            .iter()
            .map(|(g, f)| super::summary::figures_line(g, f, noun, lang)),
    );
    let table = super::summary::figures_table(all, groups, run.framework.rounding.places, lang)
        .titled(lang.pick("Summary", "Tổng hợp"))
        .only(super::Appears::Among(&["json", "xlsx", "html"]))
        .with(crate::export::xlsx::Sheet {
            name: Some("Summary".into()),
            frozen: (0, 0),
        });
    (lines, table)
}

/// The HTML report gains the press's figures after the band chart (their lines and
/// table `figures_at`) and, against an earlier ranking, the chart of changes before
/// the ranking.
fn with_press(
    body: &mut Vec<Part>,
    lines: Vec<String>,
    figures_at: usize,
    run: &Run,
    previous: Option<&Comparison>,
    lang: Lang,
) {
    // After the summary line and the band chart.
    body.insert(3, Part::Table(figures_at));
    for (i, line) in lines.into_iter().enumerate() {
        body.insert(3 + i, Part::Paragraph(line));
    }
    if let Some(p) = previous {
        let at = body
            .iter()
            .position(|b| matches!(b, Part::Section(id, _) if id == "ranking"))
            .unwrap_or(body.len());
        body.insert(at, Part::Figure(change_bars(run, p)));
        body.insert(
            at,
            Part::Section(
                "changes".into(),
                lang.pick("Change on the earlier ranking", "Thay đổi so với kỳ trước")
                    .into(),
            ),
        );
    }
}

/// `par-commune-2025 — Chỉ số … (QĐ …)`.
pub fn title(fw: &Framework) -> String {
    let mut t = format!("{} — {}", fw.id, fw.title);
    if let Some(d) = &fw.decision {
        t.push_str(&format!(" ({d})"));
    }
    t
}

fn stage_line(stage: Stage, lang: Lang) -> String {
    match (stage, lang) {
        (Stage::SelfAssessed, _) => lang.t("ranked on self-assessed scores").to_string(),
        (Stage::Appraised, Lang::En) => "ranked on appraised scores".into(),
        (Stage::Appraised, Lang::Vi) => "xếp hạng theo điểm thẩm định".into(),
        (Stage::Final, Lang::En) => {
            "ranked on final scores (after explanation; appraised where there is none)".into()
        }
        (Stage::Final, Lang::Vi) => {
            "xếp hạng theo điểm sau giải trình (điểm thẩm định nếu không giải trình)".into()
        }
    }
}

/// How the index is computed, in one line.
pub fn method_line(run: &Run, lang: Lang) -> String {
    let fw = &run.framework;
    let (n, scale, mode, places) = (
        run.scoring.units.len(),
        plain(fw.scale),
        fw.rounding.mode.name(),
        fw.rounding.places,
    );
    let (parts, first) = (!fw.parts.is_empty(), fw.rounding.round_parts);
    match lang {
        Lang::En if parts => format!(
            "{n} units; index = sum of the parts{} / their applicable max × {scale}, rounded {mode} to {places} places",
            if first { " (each rounded first)" } else { "" }
        ),
        Lang::Vi if parts => format!(
            "{n} đơn vị; chỉ số = tổng các phần{} / tổng điểm tối đa của các phần áp dụng × {scale}, làm tròn {places} chữ số thập phân ({mode})",
            if first { " (mỗi phần làm tròn trước)" } else { "" }
        ),
        Lang::En => format!(
            "{n} units; index = points / applicable max × {scale}, rounded {mode} to {places} places"
        ),
        Lang::Vi => format!(
            "{n} đơn vị; chỉ số = điểm / tổng điểm tối đa áp dụng × {scale}, làm tròn {places} chữ số thập phân ({mode})"
        ),
    }
}

/// The ranking table; JSON nests the areas and the criteria in each unit.
pub fn units<'a>(run: &'a Run, previous: Option<&'a Comparison>) -> Table<'a> {
    let fw = &run.framework;
    let pk = points_kind(fw);
    let mut cols = vec![
        Column::new("rank", Kind::Int).essential(),
        Column::new("rank_in_group", Kind::Int),
        Column::new("unit_id", Kind::Text).essential(),
        Column::new("name", Kind::Text).essential(),
        Column::new("group", Kind::Text).essential(),
        Column::new("points", pk),
        Column::new("max_points", Kind::Plain),
        Column::new("index", pk).essential(),
        Column::new("index_exact", Kind::Exact).only(Appears::Nested),
        Column::new("band", Kind::Text)
            .essential()
            .coloured(band_colours(fw)),
    ];
    cols.extend(fw.parts.iter().map(|p| {
        Column::new(format!("part_{}", p.id), pk)
            .only(Appears::Flat)
            .grouped("parts")
    }));
    if !fw.parts.is_empty() {
        cols.push(Column::new("parts", Kind::Nested).only(Appears::Nested));
    }
    cols.extend(fw.areas.iter().map(|a| {
        Column::new(format!("area_{}", a.id), pk)
            .only(Appears::Flat)
            .grouped("areas")
    }));
    if fw.ranking.area_ranks {
        for a in &fw.areas {
            cols.push(Column::new(format!("area_{}_index", a.id), pk).grouped("area_ranks"));
            cols.push(Column::new(format!("area_{}_rank", a.id), Kind::Int).grouped("area_ranks"));
        }
    }
    cols.push(Column::new("areas", Kind::Nested).only(Appears::Nested));
    for name in ["scored", "bonus", "penalty"] {
        cols.push(Column::new(name, Kind::Exact).only(Appears::Nested));
    }
    if run.shows_self() {
        cols.push(Column::new("self_index", pk).grouped("self"));
        cols.push(Column::new("appraisal_delta", pk).grouped("self"));
    }
    if let Some(p) = previous {
        if p.lineage.is_some() {
            cols.push(Column::new("baseline", pk).grouped("baseline"));
            cols.push(Column::new("baseline_exact", Kind::Exact).only(Appears::Nested));
            cols.push(Column::new("baseline_rank", Kind::Int).grouped("baseline"));
        }
        cols.push(Column::new("rank_change", Kind::Int).essential());
        cols.push(Column::new("index_change", pk).essential());
        if p.lineage.is_some() {
            cols.push(
                Column::new("via", Kind::Text)
                    .essential()
                    .only(Appears::People),
            );
            cols.push(Column::new("predecessor_ids", Kind::Text).only(Appears::Data));
            cols.push(Column::new("predecessors", Kind::Nested).only(Appears::Nested));
        }
    }
    cols.push(Column::new("criteria", Kind::Nested).only(Appears::Nested));
    let rows = move |format: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for u in &run.scoring.units {
            sink(unit_row(run, previous, u, format.nested()));
        }
    };
    Table::new("units", cols, Box::new(rows))
}

/// A unit's `area_<id>_index, area_<id>_rank` cells, area by area.
fn area_cells(fw: &Framework, u: &UnitResult) -> Vec<Value> {
    (0..fw.areas.len())
        .flat_map(|a| {
            let index = u
                .totals
                .area_index(fw, a)
                .map_or(Value::Null, |x| published(fw, &x));
            let rank = u.area_ranks.get(a).copied().flatten();
            [index, rank.map_or(Value::Null, Value::count)]
        })
        .collect()
}

/// One unit's row of the ranking table.
pub fn unit_row(
    run: &Run,
    previous: Option<&Comparison>,
    u: &UnitResult,
    detail: bool,
) -> Vec<Value> {
    let fw = &run.framework;
    let t = &u.totals;
    let (points, max) = t.points_of(fw);
    let mut row = vec![
        Value::count(u.rank),
        Value::count(u.rank_in_group),
        Value::str(&u.unit.id),
        Value::str(&u.unit.name),
        Value::str(&u.unit.group),
        published(fw, &points),
        Value::Dec(max),
        published(fw, &t.index_exact),
        Value::Exact(t.index_exact.clone()),
        Value::str(u.band.clone().unwrap_or_default()),
    ];
    let part = |v: &Option<Exact>| v.as_ref().map_or(Value::Null, |x| published(fw, x));
    row.extend(t.parts.iter().map(part));
    if !fw.parts.is_empty() {
        row.push(Value::Object(
            fw.parts
                .iter()
                .zip(&t.parts)
                .map(|(p, v)| (p.id.clone(), part(v)))
                .collect(),
        ));
    }
    row.extend(t.areas.iter().map(|a| published(fw, a)));
    if fw.ranking.area_ranks {
        row.extend(area_cells(fw, u));
    }
    row.push(Value::Object(
        fw.areas
            .iter()
            .zip(&t.areas)
            .map(|(a, p)| (a.id.clone(), published(fw, p)))
            .collect(),
    ));
    row.extend([&t.scored, &t.bonus, &t.penalty].map(|x| Value::Exact(x.clone())));
    if run.shows_self() {
        let s = &u.self_totals;
        row.push(published(fw, &s.index_exact));
        row.push(published(fw, &(t.index_exact.clone() - &s.index_exact)));
    }
    if let Some(p) = previous {
        row.extend(change_cells(fw, p, &u.unit.id));
    }
    // The criteria are JSON's alone: other formats get a placeholder, not the work.
    row.push(if detail {
        Value::List(criteria_objects(run, u))
    } else {
        Value::Null
    });
    row
}

/// The comparison cells of one unit: (baseline, its exact value, baseline_rank,) rank_change,
/// index_change(, the merger marker, the predecessor ids, the predecessors).
fn change_cells(fw: &Framework, p: &Comparison, id: &str) -> Vec<Value> {
    let c = p.changes.get(id).and_then(|c| c.as_ref());
    let through = p.lineage.is_some();
    let mut cells = Vec::new();
    if through {
        cells.push(c.map_or(Value::Null, |c| published(fw, &c.baseline)));
        cells.push(c.map_or(Value::Null, |c| Value::Exact(c.baseline.clone())));
        cells.push(c.map_or(Value::Null, |c| Value::count(c.baseline_rank)));
    }
    cells.push(c.map_or(Value::Null, |c| Value::Int(c.rank_change)));
    cells.push(c.map_or(Value::Null, |c| published(fw, &c.index_change)));
    if through {
        let merged = c.is_some_and(|c| c.through_merger(id));
        cells.push(Value::str(if merged { MERGER_MARK } else { "" }));
        let preds = c.map(|c| c.predecessors.as_slice()).unwrap_or_default();
        let ids: Vec<&str> = preds.iter().map(|p| p.unit_id.as_str()).collect();
        cells.push(Value::str(ids.join(" ")));
        cells.push(Value::List(
            preds
                .iter()
                .map(|p| {
                    Value::Object(vec![
                        ("unit_id".into(), Value::str(&p.unit_id)),
                        ("name".into(), Value::str(&p.name)),
                        ("relation".into(), Value::str(p.relation.name())),
                        ("weight".into(), p.weight.map_or(Value::Null, Value::Dec)),
                        ("share".into(), Value::Exact(p.share.clone())),
                        ("rank".into(), Value::count(p.rank)),
                        ("index".into(), Value::Dec(p.index)),
                    ])
                })
                .collect(),
        ));
    }
    cells
}

/// The mark of a unit compared through a merger or a split (table, md, html, xlsx).
pub const MERGER_MARK: &str = "†";

/// Each criterion of a unit, for JSON.
fn criteria_objects(run: &Run, u: &UnitResult) -> Vec<Value> {
    let fw = &run.framework;
    let stage = run.stage();
    fw.leaves
        .iter()
        .zip(&u.leaves)
        .map(|(l, r)| {
            let (from, reading) = r.at(stage);
            let claim = match r.claim().map(|c| &c.how) {
                None => Value::Null,
                Some(How::NotApplicable { .. } | How::NaNotAllowed { .. }) => Value::str("na"),
                Some(How::Given { capped, .. }) => Value::Dec(*capped),
                Some(_) => Value::Null,
            };
            Value::Object(vec![
                ("id".into(), Value::str(&l.id)),
                ("area".into(), Value::str(&fw.areas[l.area].id)),
                ("effect".into(), Value::str(l.effect.name())),
                ("rule".into(), Value::str(l.rule.name())),
                ("max".into(), Value::Dec(l.max)),
                ("applicable".into(), Value::Bool(reading.outcome.applicable)),
                ("points".into(), published(fw, &reading.outcome.points)),
                (
                    "points_exact".into(),
                    Value::Exact(reading.outcome.points.clone()),
                ),
                ("stage".into(), Value::str(from.name())),
                ("self_score".into(), claim),
                ("line".into(), r.line.map_or(Value::Null, Value::count)),
                (
                    "derivation".into(),
                    Value::str(trace::staged(
                        fw,
                        l,
                        r,
                        stage,
                        &run.scoring.stages,
                        Lang::En,
                    )),
                ),
            ])
        })
        .collect()
}

/// One row per unit and criterion, for Parquet (`FILE.criteria.parquet`).
fn criteria(run: &Run) -> Table<'_> {
    let fw = &run.framework;
    let places = fw.rounding.places;
    let max_places = fw
        .leaves
        .iter()
        .map(|l| l.max.normalize().scale())
        .max()
        .unwrap_or(0);
    let cols = vec![
        Column::new("unit_id", Kind::Text),
        Column::new("criterion_id", Kind::Text),
        Column::new("area", Kind::Text),
        Column::new("effect", Kind::Text),
        Column::new("rule", Kind::Text),
        Column::new("max", Kind::Decimal(max_places)),
        Column::new("applicable", Kind::Bool),
        Column::new("points", Kind::Decimal(places)),
        Column::new("points_exact", Kind::Exact),
        Column::new("stage", Kind::Text),
        Column::new("self_score", Kind::Decimal(places)),
        Column::new("line", Kind::Int),
        Column::new("derivation", Kind::Text),
    ];
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        let stage = run.stage();
        for u in &run.scoring.units {
            for (l, r) in fw.leaves.iter().zip(&u.leaves) {
                let (from, reading) = r.at(stage);
                let claim = match r.claim().map(|c| &c.how) {
                    Some(How::Given { capped, .. }) => published(fw, &Exact::from(*capped)),
                    _ => Value::Null,
                };
                sink(vec![
                    Value::str(&u.unit.id),
                    Value::str(&l.id),
                    Value::str(&fw.areas[l.area].id),
                    Value::str(l.effect.name()),
                    Value::str(l.rule.name()),
                    Value::Dec(l.max),
                    Value::Bool(reading.outcome.applicable),
                    published(fw, &reading.outcome.points),
                    Value::Exact(reading.outcome.points.clone()),
                    Value::str(from.name()),
                    claim,
                    r.line.map_or(Value::Null, Value::count),
                    Value::str(trace::staged(
                        fw,
                        l,
                        r,
                        stage,
                        &run.scoring.stages,
                        Lang::En,
                    )),
                ]);
            }
        }
    };
    Table::new("criteria", cols, Box::new(rows)).only(Appears::Only("parquet"))
}

/// One xlsx sheet per area: each unit's points per criterion, under the criterion ids,
/// titles and maxima.
fn area_sheet(run: &Run, area: usize) -> Table<'_> {
    let fw = &run.framework;
    let a = &fw.areas[area];
    let leaves: Vec<usize> = (0..fw.leaves.len())
        .filter(|&l| fw.leaves[l].area == area)
        .collect();
    let pk = points_kind(fw);
    let mut cols = vec![
        Column::new("unit_id", Kind::Text),
        Column::new("name", Kind::Text),
    ];
    cols.extend(
        leaves
            .iter()
            .map(|&l| Column::new(fw.leaves[l].id.clone(), pk)),
    );
    cols.push(Column::new(format!("area_{}", a.id), pk));
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        let mut titles = vec![Value::Null, Value::str("title")];
        titles.extend(leaves.iter().map(|&l| Value::str(&fw.leaves[l].title)));
        titles.push(Value::str(&a.title));
        sink(titles);
        let mut maxima = vec![Value::Null, Value::str("max")];
        maxima.extend(leaves.iter().map(|&l| Value::Dec(fw.leaves[l].max)));
        maxima.push(Value::Dec(a.max));
        sink(maxima);
        for u in &run.scoring.units {
            let mut row = vec![Value::str(&u.unit.id), Value::str(&u.unit.name)];
            for &l in &leaves {
                let o = u.leaves[l].outcome(run.stage());
                row.push(if o.applicable {
                    published(fw, &o.points)
                } else {
                    Value::str("na")
                });
            }
            row.push(published(fw, &u.totals.areas[area]));
            sink(row);
        }
    };
    Table::new(format!("area_{}", a.id), cols, Box::new(rows))
        .with(crate::export::xlsx::Sheet {
            name: Some(format!("{} {}", a.id, a.title)),
            frozen: (2, 2),
        })
        .only(Appears::Only("xlsx"))
}

/// The criteria scored on the dossier log or the survey, unit by unit, with the counts
/// or respondents behind each ratio (HTML).
fn evidence(run: &Run, lang: Lang) -> Table<'_> {
    let fw = &run.framework;
    let leaves: Vec<usize> = (0..fw.leaves.len())
        .filter(|&l| !fw.leaves[l].from_checklist())
        .collect();
    let cols = vec![
        Column::new("unit_id", Kind::Text),
        Column::new("criterion_id", Kind::Text),
        Column::new("points", Kind::Text),
        Column::new("derivation", Kind::Text),
    ];
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for u in &run.scoring.units {
            for &i in &leaves {
                let (leaf, r) = (&fw.leaves[i], &u.leaves[i]);
                let reading = r.at(run.stage()).1;
                let points = if reading.outcome.applicable {
                    format!(
                        "{} / {}",
                        fw.rounding.show(&reading.outcome.points),
                        plain(leaf.max)
                    )
                } else {
                    "na".to_string()
                };
                sink(vec![
                    Value::str(&u.unit.id),
                    Value::str(&leaf.id),
                    Value::str(points),
                    Value::str(trace::derivation(fw, leaf, reading)),
                ]);
            }
        }
    };
    Table::new("evidence", cols, Box::new(rows))
        .titled(lang.t("Evidence from the dossier log and the survey"))
        .only(Appears::Only("html"))
}

fn summary_json(run: &Run, s: &crate::analysis::summary::Summary) -> serde_json::Value {
    let fw = &run.framework;
    json!({
        "units": s.units,
        "mean_index": s.mean_index.map_or(serde_json::Value::Null, |m| super::json_number(&fw.rounding.show_dec(m))),
        "bands": s.bands.iter().map(|(label, n)| json!({"band": label, "units": n})).collect::<Vec<_>>(),
    })
}

fn previous_json(run: &Run, previous: Option<&Comparison>) -> serde_json::Value {
    let fw = &run.framework;
    previous.map_or(serde_json::Value::Null, |p| json!({
        "file": p.file,
        "lineage": p.lineage,
        "reused_codes": p.reused.iter().map(|r| json!({"code": r.code, "now": r.now, "earlier": r.then, "predecessor": r.predecessor})).collect::<Vec<_>>(),
        "new": p.changes.iter().filter(|(_, c)| c.is_none()).map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        "gone": p.gone.iter().map(|(id, rank, index)| json!({"unit_id": id, "rank": rank, "index": super::json_number(&fw.rounding.show_dec(*index))})).collect::<Vec<_>>(),
    }))
}

/// The comparison with an earlier ranking in words: which units are new and which are
/// gone (nothing without `--previous`).
fn comparison_line(run: &Run, previous: Option<&Comparison>, lang: Lang) -> Option<String> {
    let p = previous?;
    let fw = &run.framework;
    let new: Vec<String> = p
        .changes
        .iter()
        .filter(|(_, c)| c.is_none())
        .map(|(id, _)| id.clone())
        .collect();
    let gone: Vec<String> = p
        .gone
        .iter()
        .map(|(id, rank, index)| {
            format!(
                "{id} ({} {rank}, {})",
                lang.t("was"),
                fw.rounding.show_dec(*index)
            )
        })
        .collect();
    let list = |v: Vec<String>| {
        if v.is_empty() {
            lang.t("none").to_string()
        } else {
            v.join(", ")
        }
    };
    let mut line = format!(
        "{} {}: {}; {}: {}; {}: {}",
        lang.t("compared with"),
        p.file,
        lang.t(if p.lineage.is_some() {
            "rank_change = baseline_rank − rank now"
        } else {
            "rank_change = earlier rank − rank now"
        }),
        lang.t("new since"),
        list(new),
        lang.t("gone since"),
        list(gone)
    );
    if let Some(l) = &p.lineage {
        line.push_str(&lineage_note(p, l, lang));
    }
    Some(line)
}

/// The footnote of a comparison through a lineage: what the mark means, how the
/// baseline is made, and the codes that name another unit than they did.
fn lineage_note(p: &Comparison, file: &str, lang: Lang) -> String {
    let mut s = match lang {
        Lang::En => format!(
            ". {MERGER_MARK} compared through a merger or a split (lineage {file}): the baseline is the weighted mean of the predecessors' earlier indices (equal weights unless the lineage gives them) and baseline_rank its rank among this year's units; `cchc explain --unit ID` with the same --previous and --lineage lists them"
        ),
        Lang::Vi => format!(
            ". {MERGER_MARK} so sánh qua sắp xếp, sáp nhập (bảng chuyển đổi {file}): chỉ số gốc là bình quân gia quyền chỉ số kỳ trước của các đơn vị tiền thân (trọng số bằng nhau nếu bảng không ghi) và baseline_rank là thứ hạng của chỉ số gốc trong các đơn vị năm nay; `cchc explain --unit ID` với cùng --previous và --lineage liệt kê các đơn vị tiền thân"
        ),
    };
    if !p.reused.is_empty() {
        let codes: Vec<String> = p
            .reused
            .iter()
            .map(|r| format!("{} ({} / {})", r.code, r.now, r.then))
            .collect();
        s.push_str(&match lang {
            Lang::En => format!(
                ". Codes reused for another unit (now / earlier), compared through the lineage, not by code: {}",
                codes.join(", ")
            ),
            Lang::Vi => format!(
                ". Mã được dùng lại cho đơn vị khác (nay / trước), so sánh qua bảng chuyển đổi, không theo mã: {}",
                codes.join(", ")
            ),
        });
    }
    s
}

/// The HTML report's body: summary and band chart, index chart, ranking table, unit
/// profiles, evidence.
fn html_body(
    run: &Run,
    lang: Lang,
    s: &crate::analysis::summary::Summary,
    summary_line: String,
    comparison: Option<String>,
) -> Vec<Part> {
    let fw = &run.framework;
    let units = &run.scoring.units;
    let colour = |u: &UnitResult| band_colour(fw, u.band.as_deref());
    let mut body = vec![
        Part::Section("summary".into(), lang.t("Summary").into()),
        Part::Paragraph(summary_line),
        Part::Figure(Figure::BandDistribution {
            bands: s
                .bands
                .iter()
                .map(|(l, n)| (l.clone(), *n, band_colour(fw, Some(l))))
                .collect(),
        }),
        Part::Section("index-chart".into(), lang.t("Index by unit").into()),
        Part::Figure(Figure::IndexBars {
            bands: fw
                .bands
                .iter()
                .map(|b| (b.label.clone(), b.from, band_colour(fw, Some(&b.label))))
                .collect(),
            scale: fw.scale,
            from_word: lang.t("from").into(),
            bars: units
                .iter()
                .map(|u| {
                    (
                        u.unit.id.clone(),
                        format!("{}. {}", u.rank, u.unit.name),
                        u.totals.index,
                        fw.rounding.show_dec(u.totals.index),
                        colour(u),
                    )
                })
                .collect(),
        }),
        Part::Section("ranking".into(), lang.t("Ranking").into()),
        Part::Table(0),
    ];
    body.extend(comparison.map(Part::Paragraph));
    body.push(Part::Section(
        "profiles".into(),
        lang.t("Unit profiles").into(),
    ));
    body.push(Part::Paragraph(lang.t("Each bar is the unit's points in an area; the grey bar behind it is the area's maximum. Bonus and penalty areas show their net points.").into()));
    body.push(Part::Figure(profiles(run, lang)));
    if fw.leaves.iter().any(|l| !l.from_checklist()) {
        let i = 2 + fw.areas.len();
        body.push(Part::Section(
            "evidence".into(),
            lang.t("Evidence from the dossier log and the survey")
                .into(),
        ));
        body.push(Part::Table(i));
    }
    body
}

/// Each unit's published change on the earlier ranking, largest first (units new
/// since are left out).
fn change_bars(run: &Run, p: &Comparison) -> Figure {
    let fw = &run.framework;
    let mut bars: Vec<(String, String, rust_decimal::Decimal, String)> = run
        .scoring
        .units
        .iter()
        .filter_map(|u| {
            let c = p.changes.get(&u.unit.id)?.as_ref()?;
            let d = fw.rounding.apply(&c.index_change);
            let sign = if d > rust_decimal::Decimal::ZERO {
                "+"
            } else {
                ""
            };
            Some((
                u.unit.id.clone(),
                u.unit.name.clone(),
                d,
                format!("{sign}{}", fw.rounding.show_dec(d)),
            ))
        })
        .collect();
    bars.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    Figure::ChangeBars { bars }
}

/// Each unit's points per area against the area's maximum.
fn profiles(run: &Run, lang: Lang) -> Figure {
    let fw = &run.framework;
    Figure::Profiles {
        areas: fw.areas.iter().map(|a| (a.id.clone(), a.max)).collect(),
        net_words: lang.t("bonus − penalty").into(),
        units: run
            .scoring
            .units
            .iter()
            .map(|u| {
                let caption = format!(
                    "{}. {} — {} ({})",
                    u.rank,
                    u.unit.name,
                    fw.rounding.show_dec(u.totals.index),
                    u.band.as_deref().unwrap_or("")
                );
                // Bar lengths from the exact points (10 places are plenty for a chart).
                let points = u
                    .totals
                    .areas
                    .iter()
                    .map(|p| {
                        (
                            p.round(10, crate::num::RoundingMode::HalfEven),
                            fw.rounding.show(p),
                        )
                    })
                    .collect();
                (
                    u.unit.id.clone(),
                    caption,
                    band_colour(fw, u.band.as_deref()),
                    points,
                )
            })
            .collect(),
    }
}
