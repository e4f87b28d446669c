//! The ranking as one self-contained HTML report for leaders and for print: the
//! ranking table, a bar chart of the indices coloured by band, the band distribution,
//! and a profile per unit (its points in each area against the area's maximum). Charts
//! are inline SVG computed here with decimals (no script, no network, no floats); the
//! numbers are those of the CSV.

// Markup is written piece by piece, each piece ending its own lines.
#![allow(clippy::write_with_newline)]

use crate::num::fixed;
use crate::Run;
use rust_decimal::Decimal;
use std::fmt::Write;

/// Escapes text for HTML and SVG.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A length in the charts: `value / of × span`, one decimal, never negative.
fn len(value: Decimal, of: Decimal, span: u32) -> String {
    if of <= Decimal::ZERO {
        return "0".into();
    }
    let v = (value.max(Decimal::ZERO) * Decimal::from(span) / of).min(Decimal::from(span));
    fixed(v, 1, crate::num::RoundingMode::HalfUp)
}

/// The colour of a band (by its position in the framework), as `#rrggbb`.
fn band_colour(run: &Run, label: Option<&str>) -> String {
    let i = label
        .and_then(|l| run.framework.bands.iter().position(|b| b.label == l))
        .unwrap_or(super::BAND_COLOURS.len() - 1);
    format!(
        "#{:06x}",
        super::BAND_COLOURS[i.min(super::BAND_COLOURS.len() - 1)]
    )
}

const STYLE: &str = "body{font-family:system-ui,'Segoe UI',Roboto,'Noto Sans',sans-serif;margin:2rem auto;max-width:1100px;color:#1d1d1f;padding:0 1rem}\
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-bottom:2px solid #ddebf7;padding-bottom:.2rem;margin-top:2rem}\
p.meta{color:#555;margin-top:0}table{border-collapse:collapse;font-size:.85rem;width:100%}\
th,td{border:1px solid #ccc;padding:.25rem .4rem}th{background:#ddebf7;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}\
svg text{font-size:12px;fill:#1d1d1f}.profiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}\
figure{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:.5rem}figcaption{font-weight:600;font-size:.9rem;margin-bottom:.3rem}\
.legend span{display:inline-block;margin-right:1rem;font-size:.85rem}.legend i{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:middle;border:1px solid #999}\
footer{margin-top:2rem;color:#777;font-size:.8rem}.wide{overflow-x:auto}td{white-space:nowrap}\
@media print{body{margin:0;max-width:none}table{font-size:.6rem}.wide{overflow:visible}h2{break-after:avoid}figure,svg,tr{break-inside:avoid}th{position:static}}";

/// The criteria scored on the dossier log or the survey, unit by unit, with the counts
/// or respondents behind each ratio (nothing when the framework has none).
fn evidence(run: &Run, h: &mut String) {
    let fw = &run.framework;
    let leaves: Vec<usize> = (0..fw.leaves.len())
        .filter(|&l| !fw.leaves[l].from_checklist())
        .collect();
    if leaves.is_empty() {
        return;
    }
    let l = run.lang;
    let _ = write!(
        h,
        "<section id=\"evidence\">\n<h2>{}</h2>\n<div class=\"wide\">\n<table id=\"evidence-table\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        l.t("Evidence from the dossier log and the survey"),
        esc(&l.column("unit_id")),
        esc(&l.column("criterion_id")),
        esc(&l.column("points")),
        l.t("derivation")
    );
    for u in &run.scoring.units {
        for &i in &leaves {
            let (leaf, r) = (&fw.leaves[i], &u.leaves[i]);
            let points = if r.outcome.applicable {
                format!(
                    "{} / {}",
                    fw.rounding.show(r.outcome.points),
                    crate::num::plain(leaf.max)
                )
            } else {
                "na".to_string()
            };
            let _ = write!(
                h,
                "<tr><td>{}</td><td title=\"{}\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                esc(&u.unit.id),
                esc(&leaf.title),
                esc(&leaf.id),
                points,
                esc(&super::explain::derivation(fw, leaf, r))
            );
        }
    }
    h.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// Renders the report.
pub fn render(run: &Run) -> String {
    let fw = &run.framework;
    let units = &run.scoring.units;
    let summary = super::summary(run);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&fw.title)
    );
    let _ = write!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{}",
        esc(&fw.title),
        esc(&fw.id)
    );
    if let Some(d) = &fw.decision {
        let _ = write!(h, " · {}", esc(d));
    }
    let l = run.lang;
    if let Some(p) = &run.period {
        let _ = write!(h, " · {} {}", l.t("period"), esc(&p.to_string()));
    }
    if run.self_stage {
        let _ = write!(h, " · {}", l.t("ranked on self-assessed scores"));
    }
    let _ = write!(h, " · {}</p>\n</header>\n", esc(&super::method_line(run)));

    // Summary and band distribution.
    let _ = write!(
        h,
        "<section id=\"summary\">\n<h2>{}</h2>\n<p id=\"summary-line\">{}</p>\n",
        l.t("Summary"),
        esc(&summary.line(fw, run.lang))
    );
    let most = summary
        .bands
        .iter()
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0)
        .max(1);
    let row_h = 26;
    let height = row_h * summary.bands.len().max(1) + 10;
    let _ = write!(
        h,
        "<svg id=\"band-distribution\" role=\"img\" aria-label=\"units per band\" width=\"720\" height=\"{height}\" viewBox=\"0 0 720 {height}\">\n"
    );
    for (i, (label, n)) in summary.bands.iter().enumerate() {
        let y = i * row_h + 5;
        let w = len(Decimal::from(*n), Decimal::from(most), 440);
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"band-bar\" x=\"200\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"{}\" stroke=\"#888\"/><text x=\"{}\" y=\"{}\">{n}</text>\n",
            y + 14,
            esc(label),
            band_colour(run, Some(label)),
            // the count just after the bar
            fixed(w.parse::<Decimal>().unwrap_or_default() + Decimal::from(206), 1, crate::num::RoundingMode::HalfUp),
            y + 14
        );
    }
    h.push_str("</svg>\n</section>\n");

    // Index bars in rank order, with the band thresholds.
    let span = 460;
    let x0 = 230;
    let height = row_h * units.len().max(1) + 24;
    let _ = write!(
        h,
        "<section id=\"index-chart\">\n<h2>{}</h2>\n<p class=\"legend\">{}</p>\n<svg id=\"index-bars\" role=\"img\" aria-label=\"index by unit\" width=\"760\" height=\"{height}\" viewBox=\"0 0 760 {height}\">\n",
        l.t("Index by unit"),
        fw.bands
            .iter()
            .map(|b| format!(
                "<span><i style=\"background:{}\"></i>{} ({} {})</span>",
                band_colour(run, Some(&b.label)),
                esc(&b.label),
                l.t("from"),
                crate::num::plain(b.from)
            ))
            .collect::<String>()
    );
    for b in &fw.bands {
        if b.from > Decimal::ZERO {
            let x = len(b.from, fw.scale, span)
                .parse::<Decimal>()
                .unwrap_or_default()
                + Decimal::from(x0);
            let _ = write!(
                h,
                "<line x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
                height - 20
            );
        }
    }
    for (i, u) in units.iter().enumerate() {
        let y = i * row_h + 4;
        let w = len(u.totals.index, fw.scale, span);
        let label = format!("{}. {}", u.rank, u.unit.name);
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"index-bar\" data-unit=\"{}\" x=\"{x0}\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
            y + 14,
            esc(&label),
            esc(&u.unit.id),
            band_colour(run, u.band.as_deref()),
            x0 + span + 6,
            y + 14,
            fw.rounding.show(u.totals.index)
        );
    }
    h.push_str("</svg>\n</section>\n");

    // The ranking table: the same rows as the CSV.
    let (head, rows) = super::ranking_rows(run);
    let _ = write!(
        h,
        "<section id=\"ranking\">\n<h2>{}</h2>\n<div class=\"wide\">\n<table id=\"ranking-table\">\n<thead><tr>",
        l.t("Ranking")
    );
    for c in &head {
        let _ = write!(h, "<th>{}</th>", esc(&l.column(c)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let text = ["unit_id", "name", "group", "band"];
    for row in &rows {
        h.push_str("<tr>");
        for (c, v) in head.iter().zip(row) {
            if c == "band" {
                let _ = write!(
                    h,
                    "<td style=\"background:{}\">{}</td>",
                    band_colour(run, Some(v)),
                    esc(v)
                );
            } else if text.contains(&c.as_str()) {
                let _ = write!(h, "<td>{}</td>", esc(v));
            } else {
                let _ = write!(h, "<td class=\"n\">{}</td>", esc(v));
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</div>\n");
    let c = super::comparison_lines(run);
    if !c.is_empty() {
        let _ = write!(h, "<p>{}</p>\n", esc(c.trim_end()));
    }
    h.push_str("</section>\n");

    // Per-unit profiles: each area's points against its maximum.
    let _ = write!(
        h,
        "<section id=\"profiles\">\n<h2>{}</h2>\n<p>{}</p>\n<div class=\"profiles\">\n",
        l.t("Unit profiles"),
        l.t("Each bar is the unit's points in an area; the grey bar behind it is the area's maximum. Bonus and penalty areas show their net points.")
    );
    let widest = fw.areas.iter().map(|a| a.max).max().unwrap_or(Decimal::ONE);
    for u in units {
        let height = 20 * fw.areas.len() + 6;
        let _ = write!(
            h,
            "<figure class=\"profile\" id=\"profile-{}\">\n<figcaption>{}. {} — {} ({})</figcaption>\n<svg width=\"330\" height=\"{height}\" viewBox=\"0 0 330 {height}\">\n",
            esc(&u.unit.id),
            u.rank,
            esc(&u.unit.name),
            fw.rounding.show(u.totals.index),
            esc(u.band.as_deref().unwrap_or(""))
        );
        for (ai, a) in fw.areas.iter().enumerate() {
            let y = ai * 20 + 3;
            let points = u.totals.areas[ai];
            let _ = write!(h, "<text x=\"0\" y=\"{}\">{}</text>", y + 12, esc(&a.id));
            if a.max > Decimal::ZERO {
                let _ = write!(
                    h,
                    "<rect x=\"40\" y=\"{y}\" width=\"{}\" height=\"14\" fill=\"#e6e6e6\"/><rect class=\"area-bar\" x=\"40\" y=\"{y}\" width=\"{}\" height=\"14\" fill=\"{}\"/><text x=\"250\" y=\"{}\">{} / {}</text>\n",
                    len(a.max, widest, 200),
                    len(points, widest, 200),
                    band_colour(run, u.band.as_deref()),
                    y + 12,
                    fw.rounding.show(points),
                    crate::num::plain(a.max)
                );
            } else {
                let _ = write!(
                    h,
                    "<text x=\"40\" y=\"{}\">{} ({})</text>\n",
                    y + 12,
                    fw.rounding.show(points),
                    l.t("bonus − penalty")
                );
            }
        }
        h.push_str("</svg>\n</figure>\n");
    }
    h.push_str("</div>\n</section>\n");

    evidence(run, &mut h);

    let errors = run.errors();
    let _ = write!(
        h,
        "<footer>Generated by cchc {} from {} ({}). {} finding(s), {} error-level; every finding, the exact figures and each criterion's derivation are in <code>--format json</code> and <code>cchc explain</code>.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&fw.id),
        esc(&fw.source),
        run.diagnostics.len(),
        errors
    );
    h
}
