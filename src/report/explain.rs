//! `cchc explain`: the derivation of one unit's points, leaf by leaf, in words an
//! inspector can check against the files (inputs with file and line, the ratio as an
//! exact fraction, the rule and the step or option that matched, the points, the stage
//! they come from). As text it is a document; as JSON the unit's ranking object
//! restricted to the criteria asked for, with the unit's findings.

use super::{Appears, Report, Table, Value};
use crate::analysis::previous::Comparison;
use crate::framework::{Effect, Framework, Item, Leaf, RatioSource};
use crate::lang::Lang;
use crate::num::{plain, Exact};
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
pub fn build<'a>(
    run: &'a Run,
    u: &'a UnitResult,
    criterion: Option<&'a str>,
    previous: Option<&'a Comparison>,
    lang: Lang,
) -> Report<'a> {
    let fw = &run.framework;
    let mut r = Report::new(format!("{} ({})", u.unit.name, u.unit.id), lang, &[]);
    r.findings = std::borrow::Cow::Owned(
        run.diagnostics
            .iter()
            .filter(|d| d.unit.as_deref() == Some(u.unit.id.as_str()))
            .cloned()
            .collect(),
    );
    r.document = document(run, u, criterion, lang);
    if let Some(p) = previous {
        let mut out = String::new();
        comparison_lines(run, u, p, lang, &mut out);
        r.document.extend(out.lines().map(str::to_string));
    }
    r.setting_mut::<crate::export::json::Members>().head = vec![
        ("framework".into(), super::framework_json(fw)),
        ("period".into(), super::period_json(run.period.as_ref())),
    ];
    let columns = super::ranking::units(run, previous).columns;
    let rows = move |_: &dyn crate::export::Exporter, sink: &mut dyn FnMut(Vec<Value>)| {
        let mut row = super::ranking::unit_row(run, previous, u, true);
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
    let mut t = Table::new("unit", columns, Box::new(rows)).only(Appears::Nested);
    t.settings.set(crate::export::json::Single);
    r.tables.push(t);
    r
}

/// Pads `left` with spaces to `width` characters (Vietnamese text is NFC, so one char
/// is one column) and appends `right`.
fn columns(left: &str, width: usize, right: &str) -> String {
    let n = left.chars().count();
    format!("{left}{}  {right}", " ".repeat(width.saturating_sub(n)))
}

/// The labels of the explain document, in one language.
struct Words {
    lang: Lang,
    group: &'static str,
    framework: &'static str,
    input: &'static str,
    rule: &'static str,
    about: &'static str,
    result: &'static str,
    notes: [&'static str; 3],
    no_row: &'static str,
    illustrative: &'static str,
    not_applicable: &'static str,
    this_self: &'static str,
}

impl Words {
    fn of(lang: Lang) -> Words {
        match lang {
            Lang::En => Words {
                lang,
                group: "group",
                framework: "framework",
                input: "input   ",
                rule: "rule    ",
                about: "about   ",
                result: "result  ",
                notes: ["evidence", "explained", "note    "],
                no_row: "no row",
                illustrative: "; thresholds illustrative",
                not_applicable: "n/a (max",
                this_self: "self",
            },
            Lang::Vi => Words {
                lang,
                group: "nhóm",
                framework: "bộ tiêu chí",
                input: "dữ liệu   ",
                rule: "cách chấm ",
                about: "ghi chú   ",
                result: "kết quả   ",
                notes: ["kiểm chứng", "giải trình", "ghi chú   "],
                no_row: "không có dòng",
                illustrative: "; ngưỡng minh họa",
                not_applicable: "không áp dụng (tối đa",
                this_self: "tự chấm",
            },
        }
    }

    /// The sentence saying which stage the points are.
    fn shown(&self, stage: Stage) -> &'static str {
        match (self.lang, stage) {
            (Lang::En, Stage::Appraised) => "points shown are appraised; `self` is the unit's own score",
            (Lang::En, Stage::Final) => "points shown are final (after explanation; appraised where there is none); `self` is the unit's own score",
            (Lang::En, Stage::SelfAssessed) => "points shown are the unit's self-assessed; `self` is the unit's own score",
            (Lang::Vi, Stage::Appraised) => "điểm là điểm thẩm định; `tự chấm` là điểm đơn vị tự đánh giá",
            (Lang::Vi, Stage::Final) => "điểm là điểm sau giải trình (chưa giải trình: điểm thẩm định); `tự chấm` là điểm đơn vị tự đánh giá",
            (Lang::Vi, Stage::SelfAssessed) => "điểm là điểm đơn vị tự đánh giá; `tự chấm` là điểm đơn vị tự đánh giá",
        }
    }
}

/// The readable derivation, line by line.
fn document(run: &Run, u: &UnitResult, criterion: Option<&str>, lang: Lang) -> Vec<String> {
    let fw = &run.framework;
    let w = Words::of(lang);
    let mut out = String::new();
    let group = if u.unit.group.is_empty() {
        String::new()
    } else {
        format!(" · {} {}", w.group, u.unit.group)
    };
    let _ = writeln!(out, "{} ({}){group}", u.unit.name, u.unit.id);
    let _ = writeln!(out, "{} {}", w.framework, super::ranking::title(fw));
    let _ = writeln!(out, "{}\n", w.shown(run.stage()));
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
        area_lines(run, u, ai, criterion, width, &w, &mut out);
    }
    totals_lines(run, u, &w, &mut out);
    out.lines().map(str::to_string).collect()
}

fn area_lines(
    run: &Run,
    u: &UnitResult,
    ai: usize,
    criterion: Option<&str>,
    width: usize,
    w: &Words,
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
            Item::Leaf(l) if leaves.contains(l) => leaf_lines(run, u, *l, width, w, out),
            Item::Leaf(_) => {}
        }
    }
    out.push('\n');
}

fn leaf_lines(run: &Run, u: &UnitResult, l: usize, width: usize, w: &Words, out: &mut String) {
    let fw = &run.framework;
    let leaf = &fw.leaves[l];
    let res = &u.leaves[l];
    let o = res.outcome(run.stage());
    let indent = "  ".repeat(leaf.parents.len() + 1);
    let pts = if o.applicable || leaf.effect != Effect::Scored {
        format!("{} / {}", fw.rounding.show(&o.points), plain(leaf.max))
    } else {
        format!("{} {})", w.not_applicable, plain(leaf.max))
    };
    let effect = match (leaf.effect, w.lang) {
        (Effect::Scored, _) => "",
        (Effect::Bonus, Lang::En) => " [bonus]",
        (Effect::Penalty, Lang::En) => " [penalty]",
        (Effect::Bonus, Lang::Vi) => " [điểm thưởng]",
        (Effect::Penalty, Lang::Vi) => " [điểm trừ]",
    };
    let selfs = match res.claim().map(|c| &c.how) {
        Some(How::NotApplicable { .. } | How::NaNotAllowed { .. }) => {
            format!("   {} na", w.this_self)
        }
        Some(How::Given { capped, .. }) => format!("   {} {}", w.this_self, plain(*capped)),
        _ => String::new(),
    };
    let head = format!("{indent}{}  {}{effect}", leaf.id, leaf.title);
    let _ = writeln!(out, "{}", columns(&head, width, &format!("{pts}{selfs}")));
    let pad = format!("{indent}    ");
    let at = input_words(run, leaf, res, w);
    let _ = writeln!(out, "{pad}{} {at}", w.input);
    let illustrative = if leaf.illustrative {
        w.illustrative
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{pad}{} {} ({}{illustrative})",
        w.rule,
        trace::rule_name(leaf, w.lang),
        trace::rule_summary(leaf, w.lang)
    );
    if let Some(n) = &leaf.note {
        let _ = writeln!(out, "{pad}{} {n}", w.about);
    }
    let stages = &run.scoring.stages;
    let result = trace::staged(fw, leaf, res, run.stage(), stages, w.lang);
    let _ = writeln!(out, "{pad}{} {result}", w.result);
    let n = res.notes();
    for (label, text) in w.notes.iter().zip([&n.evidence, &n.explanation, &n.note]) {
        if let Some(t) = text {
            let _ = writeln!(out, "{pad}{label} {t}");
        }
    }
}

fn totals_lines(run: &Run, u: &UnitResult, w: &Words, out: &mut String) {
    let vi = w.lang == Lang::Vi;
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
    let na = match (na_max.is_zero(), vi) {
        (true, _) => String::new(),
        (false, false) => format!("; {} not applicable", plain(na_max)),
        (false, true) => format!("; {} điểm không áp dụng", plain(na_max)),
    };
    let ex = trace::exact_words;
    let (scored, max, scale) = (ex(&t.scored), plain(t.max), plain(fw.scale));
    let _ = if vi {
        writeln!(
            out,
            "điểm đạt         {scored} trên {max} điểm áp dụng (thang {scale}{na})"
        )
    } else {
        writeln!(
            out,
            "scored points   {scored} of {max} applicable (scale {scale}{na})"
        )
    };
    let label = |en: &'static str, vi_: &'static str| if vi { vi_ } else { en };
    let _ = writeln!(
        out,
        "{}+{}",
        label("bonus           ", "điểm thưởng      "),
        ex(&t.bonus)
    );
    let _ = writeln!(
        out,
        "{}−{}",
        label("penalty         ", "điểm trừ         "),
        ex(&t.penalty)
    );
    if !fw.parts.is_empty() {
        parts_lines(run, u, w, out);
        standing_lines(run, u, w, out);
        return;
    }
    let _ = writeln!(
        out,
        "{}({} + {} − {}) × {} / {} = {} → {} ({}{} {} {} {})",
        label("index           ", "chỉ số           "),
        t.scored,
        t.bonus,
        t.penalty,
        plain(fw.scale),
        plain(t.max),
        ex(&t.index_exact),
        r.show(&t.index_exact),
        label("", "làm tròn "),
        r.mode.name(),
        label("to", "đến"),
        r.places,
        label("places", "chữ số")
    );
    standing_lines(run, u, w, out);
}

/// With `[[parts]]`: each part from its areas, then the index as their sum.
fn parts_lines(run: &Run, u: &UnitResult, w: &Words, out: &mut String) {
    let vi = w.lang == Lang::Vi;
    let fw = &run.framework;
    let r = &fw.rounding;
    let t = &u.totals;
    let ex = trace::exact_words;
    let mut terms = Vec::new();
    let (_, max) = t.points_of(fw);
    for (p, v) in fw.parts.iter().zip(&t.parts) {
        let areas: Vec<&str> = p.areas.iter().map(|&a| fw.areas[a].id.as_str()).collect();
        let net = p.areas.iter().fold(Exact::zero(), |s, &a| s + &t.areas[a]);
        let amax: rust_decimal::Decimal = p.areas.iter().map(|&a| t.area_max[a]).sum();
        let head = format!("{} {}", if vi { "phần" } else { "part" }, p.id);
        let _ = match v {
            None => {
                writeln!(
                    out,
                    "{head:<16}{}",
                    if vi {
                        format!("không áp dụng (không có điểm nào áp dụng trong {}); tối đa {} bị loại khỏi mẫu số", areas.join(", "), plain(p.max))
                    } else {
                        format!("does not apply (nothing applies in {}); its max {} leaves the denominator", areas.join(", "), plain(p.max))
                    }
                )
            }
            Some(v) => {
                terms.push(ex(v));
                writeln!(
                    out,
                    "{head:<16}{} ({}) {} {} × {} = {}{}",
                    ex(&net),
                    areas.join(" + "),
                    if vi { "trên" } else { "of" },
                    plain(amax),
                    plain(p.max),
                    ex(v),
                    match (r.round_parts, vi) {
                        (false, _) => String::new(),
                        (true, false) => " (rounded first)".into(),
                        (true, true) => " (làm tròn trước)".into(),
                    }
                )
            }
        };
    }
    let label = if vi {
        "chỉ số           "
    } else {
        "index           "
    };
    let sum = if terms.is_empty() {
        "0".to_string()
    } else {
        terms.join(" + ")
    };
    let _ = writeln!(
        out,
        "{label}({sum}) × {} / {} = {} → {} ({} {} {} {})",
        plain(fw.scale),
        plain(max),
        ex(&t.index_exact),
        r.show(&t.index_exact),
        r.mode.name(),
        if vi { "đến" } else { "to" },
        r.places,
        if vi { "chữ số" } else { "places" }
    );
}

/// The band, the rank and, when there is one, the self-assessed index.
fn standing_lines(run: &Run, u: &UnitResult, w: &Words, out: &mut String) {
    let vi = w.lang == Lang::Vi;
    let fw = &run.framework;
    let label = |en: &'static str, vi_: &'static str| if vi { vi_ } else { en };
    if let Some(b) = fw.bands.iter().find(|b| Some(&b.label) == u.band.as_ref()) {
        let _ = writeln!(
            out,
            "{}{} ({} {})",
            label("band            ", "xếp loại         "),
            b.label,
            label("from", "từ"),
            plain(b.from)
        );
    }
    let n = run.scoring.units.len();
    let (rank, in_group, size, policy) = (u.rank, u.rank_in_group, u.group_size, policy_name(fw));
    let _ = match (u.unit.group.is_empty(), vi) {
        (true, false) => writeln!(
            out,
            "rank            {rank} of {n} overall; {in_group} of {size} in its group ({policy} ties)"
        ),
        (false, false) => writeln!(
            out,
            "rank            {rank} of {n} overall; {in_group} of {size} in group {} ({policy} ties)",
            u.unit.group
        ),
        (true, true) => writeln!(
            out,
            "xếp hạng         {rank}/{n} chung; {in_group}/{size} trong nhóm (đồng hạng kiểu {policy})"
        ),
        (false, true) => writeln!(
            out,
            "xếp hạng         {rank}/{n} chung; {in_group}/{size} trong nhóm {} (đồng hạng kiểu {policy})",
            u.unit.group
        ),
    };
    if run.shows_self() {
        let r = &fw.rounding;
        let t = &u.totals;
        let s = &u.self_totals;
        let delta = t.index_exact.clone() - &s.index_exact;
        let by = match (run.stage(), vi) {
            (Stage::Final, false) => "appraisal and explanation",
            (_, false) => "appraisal",
            (Stage::Final, true) => "thẩm định và giải trình",
            (_, true) => "thẩm định",
        };
        let (own, moved) = (r.show(&s.index_exact), r.show(&delta));
        let _ = if vi {
            writeln!(out, "tự đánh giá      {own} ({by} làm thay đổi {moved})")
        } else {
            writeln!(out, "self-assessed   {own} ({by} moved it by {moved})")
        };
    }
}

/// How the unit compares with the earlier ranking: its baseline and, through a
/// lineage, each predecessor with its earlier index, rank and share.
fn comparison_lines(run: &Run, u: &UnitResult, p: &Comparison, lang: Lang, out: &mut String) {
    let fw = &run.framework;
    let r = &fw.rounding;
    let vi = lang == Lang::Vi;
    let Some(Some(c)) = p.changes.get(&u.unit.id) else {
        let _ = if vi {
            writeln!(
                out,
                "so với          {}: đơn vị mới, không có đơn vị tiền thân được xếp hạng",
                p.file
            )
        } else {
            writeln!(
                out,
                "compared with   {}: new, no ranked predecessor",
                p.file
            )
        };
        return;
    };
    let (base, now) = (r.show(&c.baseline), r.show(&u.totals.index_exact));
    let (change, rank) = (r.show(&c.index_change), c.baseline_rank);
    let _ = if vi {
        writeln!(
            out,
            "so với          {}: chỉ số gốc {base} (hạng {rank}) → {now}: thay đổi chỉ số {change}, thay đổi hạng {}",
            p.file, c.rank_change
        )
    } else {
        writeln!(
            out,
            "compared with   {}: baseline {base} (rank {rank}) → {now}: index_change {change}, rank_change {}",
            p.file, c.rank_change
        )
    };
    if c.predecessors.is_empty() {
        return;
    }
    let file = p.lineage.as_deref().unwrap_or_default();
    let n = c.predecessors.len();
    let _ = if vi {
        writeln!(out, "  qua {file}, từ {n} đơn vị:")
    } else {
        writeln!(out, "  through {file}, from {n} unit(s):")
    };
    let mut terms = Vec::new();
    for d in &c.predecessors {
        let weight = d.weight.map_or(String::new(), |w| {
            format!(" {} {}", if vi { "trọng số" } else { "weight" }, plain(w))
        });
        let _ = writeln!(
            out,
            "    {}  {}  {}{weight} ({})  {} ({} {})",
            d.unit_id,
            d.name,
            d.relation.name(),
            d.share.fraction(),
            r.show_dec(d.index),
            if vi { "hạng" } else { "rank" },
            d.rank
        );
        terms.push(format!("{} × {}", d.share.fraction(), r.show_dec(d.index)));
    }
    let _ = writeln!(
        out,
        "  {} = {} = {}",
        if vi { "chỉ số gốc" } else { "baseline" },
        terms.join(" + "),
        trace::exact_words(&c.baseline)
    );
}

fn policy_name(fw: &Framework) -> &'static str {
    match fw.ranking.ties {
        crate::framework::TiePolicy::Competition => "competition",
        crate::framework::TiePolicy::Dense => "dense",
        crate::framework::TiePolicy::Ordinal(_) => "ordinal",
    }
}

/// Where a leaf's input is: its checklist row, or the file its ratio comes from (the
/// log, a survey, the catalogue, the petitions); a checklist leaf without a row says so.
fn input_words(run: &Run, leaf: &Leaf, res: &crate::score::LeafResult, w: &Words) -> String {
    if let Some(p) = run.scoring.place(res) {
        return p.to_string();
    }
    let input = match leaf.ratio_source() {
        Some(RatioSource::Official(id)) if crate::portal::from_catalogue(id) => "procedures",
        Some(RatioSource::Official("5.2" | "5.3")) => "petitions",
        Some(RatioSource::Dossier(_) | RatioSource::Official(_)) => "dossiers",
        Some(RatioSource::Survey(_)) => "survey",
        Some(RatioSource::Officials(_)) => "officials",
        _ => "checklist",
    };
    // The log's figures may come from a warehouse's counts file (`--counts`) instead.
    let file = run
        .scoring
        .stats
        .iter()
        .find(|s| s.input == input || (input == "dossiers" && s.input == "counts"))
        .map_or(input, |s| s.file.as_str());
    if input == "checklist" {
        format!("{file}: {}", w.no_row)
    } else {
        file.to_string()
    }
}
