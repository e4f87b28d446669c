//! `cchc sensitivity`: per unit, its rank and how far it moves when the area weights
//! vary; in html, a chart of the rank intervals.

use super::{Column, Kind, Report, Table, Value};
use crate::analysis::sensitivity::{Settings, Spread};
use crate::export::figures::Figure;
use crate::export::html::Part;
use crate::lang::Lang;
use crate::num::plain;
use crate::pipeline::Run;

/// How the runs were drawn, in words.
fn settings_lines(run: &Run, runs: usize, s: &Settings, lang: Lang) -> Vec<String> {
    let pct = plain(s.pct);
    let mut how = match lang {
        Lang::En => format!(
            "{} random runs: each area's weight × a factor uniform in [1 − {pct}%, 1 + {pct}%], the scale kept; seed {} (ChaCha8)",
            s.runs, s.seed
        ),
        Lang::Vi => format!(
            "{} lần chạy ngẫu nhiên: trọng số mỗi lĩnh vực × hệ số phân phối đều trong [1 − {pct}%, 1 + {pct}%], giữ nguyên thang điểm; seed {} (ChaCha8)",
            s.runs, s.seed
        ),
    };
    let areas = run.framework.areas.len();
    if s.drop_areas {
        let drop = match lang {
            Lang::En => format!("{areas} runs each leaving one area out"),
            Lang::Vi => format!("{areas} lần chạy, mỗi lần bỏ một lĩnh vực"),
        };
        how = if s.runs == 0 {
            drop
        } else {
            format!(
                "{how}; {} {drop}",
                if lang == Lang::Vi { "và" } else { "and" }
            )
        };
    }
    vec![
        how,
        match lang {
            Lang::En => format!("{runs} runs in all; ranks under the framework's tie policy; percentiles by nearest rank"),
            Lang::Vi => format!("tổng cộng {runs} lần chạy; xếp hạng theo quy tắc đồng hạng của bộ tiêu chí; phân vị theo hạng gần nhất"),
        },
    ]
}

/// The sensitivity report.
pub fn build<'a>(
    run: &'a Run,
    spreads: &'a [Spread],
    runs: usize,
    s: &Settings,
    lang: Lang,
) -> Report<'a> {
    let fw = &run.framework;
    let title = match lang {
        Lang::En => format!(
            "{} — how the ranking holds under other area weights",
            super::ranking::title(fw)
        ),
        Lang::Vi => format!(
            "{} — độ ổn định của xếp hạng khi thay đổi trọng số lĩnh vực",
            super::ranking::title(fw)
        ),
    };
    let mut r = Report::new(title, lang, &[]);
    r.setting_mut::<crate::export::json::Members>().no_findings = true;
    r.lines = settings_lines(run, runs, s, lang);
    r.setting_mut::<crate::export::json::Members>().head = vec![(
        "settings".into(),
        serde_json::json!({"runs": s.runs, "weights_pct": super::json_number(&plain(s.pct)), "seed": s.seed, "drop_areas": s.drop_areas, "total_runs": runs, "rng": "ChaCha8 (rand_chacha), seed_from_u64"}),
    )];
    let cols = vec![
        Column::new("rank", Kind::Int).essential(),
        Column::new("unit_id", Kind::Text).essential(),
        Column::new("name", Kind::Text).essential(),
        Column::new("band", Kind::Text),
        Column::new("median_rank", Kind::Int).essential(),
        Column::new("rank_p5", Kind::Int).essential(),
        Column::new("rank_p95", Kind::Int).essential(),
        Column::new("in_band", Kind::Percent(1)).essential(),
        Column::new("in_band_exact", Kind::Exact).only(super::Appears::Nested),
    ];
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        for sp in spreads {
            let u = &run.scoring.units[sp.unit];
            sink(vec![
                Value::count(sp.rank),
                Value::str(&u.unit.id),
                Value::str(&u.unit.name),
                Value::str(u.band.clone().unwrap_or_default()),
                Value::count(sp.median),
                Value::count(sp.p5),
                Value::count(sp.p95),
                Value::Dec(
                    (sp.in_band.clone() * crate::num::Exact::from(100u64))
                        .round(1, crate::num::RoundingMode::HalfUp),
                ),
                Value::Exact(sp.in_band.clone()),
            ]);
        }
    };
    r.tables
        .push(Table::new("sensitivity", cols, Box::new(rows)));
    r.setting_mut::<crate::export::html::Page>().body = vec![
        Part::Section("intervals".into(), lang.t("Rank intervals").into()),
        Part::Paragraph(lang.t("Each line runs from the 5th to the 95th percentile rank; the dot is the median, the red tick the rank.").into()),
        Part::Figure(Figure::RankIntervals {
            units_ranked: run.scoring.units.len() as u32,
            rows: spreads
                .iter()
                .map(|sp| {
                    let u = &run.scoring.units[sp.unit];
                    (u.unit.id.clone(), format!("{}. {}", sp.rank, u.unit.name), sp.rank, sp.median, sp.p5, sp.p95)
                })
                .collect(),
        }),
        Part::Section("table".into(), lang.t("By unit").into()),
        Part::Table(0),
    ];
    r
}
