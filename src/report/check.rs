//! `cchc check`: whether the framework is valid, what it scores from, how many rows
//! each input gave, and every finding — a document for people.

use super::Report;
use crate::framework::Framework;
use crate::input::RowStats;
use crate::lang::Lang;
use crate::num::plain;

/// The line saying a framework is valid, and what it holds.
pub fn valid_line(fw: &Framework, lang: Lang) -> String {
    let (f, q) = fw
        .survey
        .as_ref()
        .map_or((0, 0), |s| (s.factors.len(), s.questions().count()));
    let (areas, leaves, scale) = (fw.areas.len(), fw.leaves.len(), plain(fw.scale));
    let inputs = fw.inputs().join(", ");
    let list = |round: &str| {
        let v: Vec<String> = fw
            .parts
            .iter()
            .map(|p| format!("{} {}", p.id, plain(p.max)))
            .collect();
        format!("{} = {scale}{round}", v.join(" + "))
    };
    let sum = match (fw.parts.is_empty(), lang, fw.rounding.round_parts) {
        (true, Lang::En, _) => format!("scored maxima sum to {scale}"),
        (true, Lang::Vi, _) => format!("tổng điểm tối đa {scale}"),
        (false, Lang::En, r) => format!(
            "parts {}",
            list(if r {
                ", each rounded before the sum"
            } else {
                ""
            })
        ),
        (false, Lang::Vi, r) => format!(
            "các phần {}",
            list(if r {
                ", mỗi phần làm tròn trước khi cộng"
            } else {
                ""
            })
        ),
    };
    match lang {
        Lang::En => {
            let mut survey = if fw.survey.is_some() {
                format!("; survey: {f} factors, {q} questions")
            } else {
                String::new()
            };
            if let Some(o) = &fw.officials {
                survey.push_str(&format!(
                    "; officials' survey: {} items, {} groups",
                    o.items.len(),
                    o.groups.len()
                ));
            }
            format!(
                "framework {} ({}): valid — {areas} areas, {leaves} criteria, {sum}{survey}; scored from {inputs}",
                fw.id, fw.source
            )
        }
        Lang::Vi => {
            let mut survey = if fw.survey.is_some() {
                format!("; khảo sát: {f} yếu tố, {q} câu hỏi")
            } else {
                String::new()
            };
            if let Some(o) = &fw.officials {
                survey.push_str(&format!(
                    "; điều tra xã hội học: {} nhóm câu hỏi, {} nhóm đối tượng",
                    o.items.len(),
                    o.groups.len()
                ));
            }
            format!(
                "bộ tiêu chí {} ({}): hợp lệ — {areas} lĩnh vực, {leaves} tiêu chí, {sum}{survey}; chấm từ {inputs}",
                fw.id, fw.source
            )
        }
    }
}

/// The check of a framework alone, or of a project (with row counts and findings).
pub fn build<'a>(
    fw: &Framework,
    stats: &[RowStats],
    findings: &'a [crate::diag::Diagnostic],
    lang: Lang,
) -> Report<'a> {
    let mut r = Report::new("check", lang, findings);
    r.document.push(valid_line(fw, lang));
    for s in stats {
        let rows = lang.rows_line(s.read, s.used, s.rejected);
        r.document.push(format!("{} ({}): {rows}", s.input, s.file));
    }
    r.stats = stats.to_vec();
    r
}
