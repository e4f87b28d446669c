//! One unit's self-assessment form as an xlsx workbook (`cchc forms`).

use super::{sheet_name, Col, MAGIC, META_SHEET};
use crate::framework::{Effect, Framework, Item, Leaf, OnEmpty, Rule};
use crate::lang::Lang;
use crate::num::plain;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula,
    Workbook, Worksheet, XlsxError,
};

/// The row of the header; criteria start below it.
pub const HEADER_ROW: u32 = 6;

/// What a form shows about its unit.
pub struct Unit<'a> {
    /// The unit's id.
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// The period, in words (`2025 (2025-01-01..2025-12-31)`), if any.
    pub period: Option<String>,
    /// Per leaf (framework order): the unit's figure for a criterion scored on the
    /// dossier log or the survey (`on_time_rate: … = 92.81%…`).
    pub figures: Vec<Option<String>>,
}

/// The rule of a leaf in plain words, for the people filling the form.
pub fn rule_words(leaf: &Leaf, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let max = plain(leaf.max);
    match &leaf.rule {
        Rule::Manual if vi => format!("Tự chấm từ 0 đến {max} điểm"),
        Rule::Manual => format!("A score from 0 to {max}"),
        Rule::Choice { options } => {
            let list: Vec<String> = options
                .iter()
                .map(|(n, p)| format!("{n} = {}", plain(*p)))
                .collect();
            if vi {
                format!("Chọn một mức: {}", list.join("; "))
            } else {
                format!("Choose one: {}", list.join("; "))
            }
        }
        Rule::Steps {
            steps, on_empty, ..
        } => {
            let list: Vec<String> = steps
                .iter()
                .map(|s| format!("≥ {}%: {}", plain(s.from), plain(s.points)))
                .collect();
            let empty = on_empty_words(*on_empty, lang);
            if vi {
                format!("Tỷ lệ hoàn thành/kế hoạch {}; {empty}", list.join("; "))
            } else {
                format!("Done/planned {}; {empty}", list.join("; "))
            }
        }
        Rule::Proportional {
            target, on_empty, ..
        } => {
            let empty = on_empty_words(*on_empty, lang);
            let t = plain(*target);
            if vi {
                format!("{max} × tỷ lệ hoàn thành/kế hoạch, đủ điểm khi đạt {t}%; {empty}")
            } else {
                format!("{max} × done/planned, full points at {t}%; {empty}")
            }
        }
        Rule::PerCount { each } => {
            let each = plain(*each);
            match (leaf.effect, vi) {
                (Effect::Penalty, true) => format!("Trừ {each} điểm mỗi lần, tối đa {max}"),
                (_, true) => format!("{each} điểm mỗi lần, tối đa {max}"),
                (Effect::Penalty, false) => format!("{each} deducted each time, at most {max}"),
                (_, false) => format!("{each} each time, at most {max}"),
            }
        }
    }
}

fn on_empty_words(o: OnEmpty, lang: Lang) -> &'static str {
    match (o, lang) {
        (OnEmpty::Full, Lang::Vi) => "không có kế hoạch: đủ điểm",
        (OnEmpty::Zero, Lang::Vi) => "không có kế hoạch: 0 điểm",
        (OnEmpty::Na, Lang::Vi) => "không có kế hoạch: không áp dụng",
        (OnEmpty::Full, Lang::En) => "nothing planned: full points",
        (OnEmpty::Zero, Lang::En) => "nothing planned: 0",
        (OnEmpty::Na, Lang::En) => "nothing planned: not applicable",
    }
}

/// The columns a leaf's rule reads (where the unit types), besides evidence and
/// explanation; none for a criterion scored on the log or the survey.
pub fn editable(leaf: &Leaf) -> &'static [Col] {
    if !leaf.from_checklist() {
        return &[];
    }
    match leaf.rule {
        Rule::Manual => &[Col::Score],
        Rule::Choice { .. } => &[Col::Value],
        Rule::Steps { .. } | Rule::Proportional { .. } => &[Col::Done, Col::Planned],
        Rule::PerCount { .. } => &[Col::Count],
    }
}

struct Styles {
    title: Format,
    meta: Format,
    header: Format,
    area: Format,
    heading: Format,
    locked: Format,
    number: Format,
    input: Format,
    input_text: Format,
    figure: Format,
    sign: Format,
    note: Format,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF))
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            meta: Format::new().set_font_size(11),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_align(FormatAlign::Center),
            area: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xE2EFDA)),
            heading: cell.clone().set_bold(),
            locked: cell.clone(),
            number: cell.clone().set_align(FormatAlign::Right),
            input: cell
                .clone()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_align(FormatAlign::Right)
                .set_unlocked(),
            input_text: cell
                .clone()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_unlocked(),
            figure: cell
                .clone()
                .set_italic()
                .set_background_color(Color::RGB(0xF2F2F2)),
            sign: Format::new().set_bold().set_align(FormatAlign::Center),
            note: Format::new().set_italic().set_align(FormatAlign::Center),
        }
    }
}

/// The form of one unit, as xlsx bytes.
pub fn form(fw: &Framework, unit: &Unit, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("{} — {}", fw.title, unit.name))
            .set_creation_datetime(&created),
    );
    let st = Styles::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(lang))?;
    header_block(ws, fw, unit, lang, &st)?;
    let (rows, end) = tree(ws, fw, unit, lang, &st)?;
    footer(ws, end + 1, lang, &st)?;
    layout(ws)?;
    let meta = wb.add_worksheet();
    meta.set_name(META_SHEET)?;
    let pairs = [
        ("form", MAGIC.to_string()),
        ("framework", fw.id.clone()),
        ("fingerprint", fw.fingerprint.clone()),
        ("unit_id", unit.id.to_string()),
        ("cchc", env!("CARGO_PKG_VERSION").to_string()),
        // Where the form is, and how many criteria its row map lists: `collect`
        // finds the sheet by name and proves the map complete.
        ("sheet", sheet_name(lang).to_string()),
        ("rows", rows.len().to_string()),
    ];
    for (r, (k, v)) in pairs.iter().enumerate() {
        meta.write_string(r as u32, 0, *k)?;
        meta.write_string(r as u32, 1, v)?;
    }
    // Which criterion each row holds, to catch an id changed by hand.
    for (k, (row, id)) in rows.iter().enumerate() {
        let r = (pairs.len() + k) as u32;
        meta.write_string(r, 0, "row")?;
        meta.write_number(r, 1, f64::from(*row + 1))?;
        meta.write_string(r, 2, id)?;
    }
    meta.set_very_hidden(true);
    wb.save_to_buffer()
}

fn header_block(
    ws: &mut Worksheet,
    fw: &Framework,
    unit: &Unit,
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    let vi = lang == Lang::Vi;
    let title = if vi {
        "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
    } else {
        "ADMINISTRATIVE REFORM INDEX — SELF-ASSESSMENT FORM"
    };
    ws.write_string_with_format(0, 0, title, &st.title)?;
    let unit_line = if vi {
        format!("Đơn vị: {} (mã {})", unit.name, unit.id)
    } else {
        format!("Unit: {} ({})", unit.name, unit.id)
    };
    ws.write_string_with_format(1, 0, unit_line, &st.meta)?;
    let mut fw_line = format!(
        "{}: {} ({})",
        if vi { "Bộ tiêu chí" } else { "Framework" },
        fw.title,
        fw.id
    );
    if let Some(d) = &fw.decision {
        fw_line.push_str(&format!(" — {d}"));
    }
    ws.write_string_with_format(2, 0, fw_line, &st.meta)?;
    if let Some(p) = &unit.period {
        let label = if vi { "Kỳ đánh giá" } else { "Period" };
        ws.write_string_with_format(3, 0, format!("{label}: {p}"), &st.meta)?;
    }
    let help = if vi {
        "Điền vào các ô màu vàng; các ô khác đã khóa. Không đổi mã tiêu chí, không thêm hoặc xóa dòng."
    } else {
        "Fill in the yellow cells; the others are locked. Do not change criterion ids or add or remove rows."
    };
    ws.write_string_with_format(4, 0, help, &st.meta)?;
    let mut labels = Vec::new();
    for c in Col::ALL {
        ws.write_string_with_format(HEADER_ROW, c.index(), c.label(lang), &st.header)?;
        labels.push((c, c.label(lang)));
    }
    fit_height(ws, HEADER_ROW, &labels)?;
    Ok(())
}

/// The criteria, parents as headings; returns (row, criterion id) of each leaf.
fn tree(
    ws: &mut Worksheet,
    fw: &Framework,
    unit: &Unit,
    lang: Lang,
    st: &Styles,
) -> Result<(Vec<(u32, String)>, u32), XlsxError> {
    let mut r = HEADER_ROW + 1;
    let mut rows = Vec::new();
    for area in &fw.areas {
        ws.write_string_with_format(r, Col::Id.index(), &area.id, &st.area)?;
        ws.write_string_with_format(r, Col::Title.index(), &area.title, &st.area)?;
        fit_height(ws, r, &[(Col::Title, &area.title)])?;
        let max = if area.max.is_zero() {
            String::new()
        } else {
            plain(area.max)
        };
        ws.write_string_with_format(r, Col::Max.index(), max, &st.area)?;
        for c in &Col::ALL[3..] {
            ws.write_blank(r, c.index(), &st.area)?;
        }
        r += 1;
        for item in &area.items {
            match item {
                Item::Heading { id, title, depth } => {
                    ws.write_string_with_format(r, Col::Id.index(), id, &st.heading)?;
                    let t = format!("{}{title}", "   ".repeat(*depth - 1));
                    ws.write_string_with_format(r, Col::Title.index(), &t, &st.heading)?;
                    fit_height(ws, r, &[(Col::Title, &t)])?;
                    for c in &Col::ALL[2..] {
                        ws.write_blank(r, c.index(), &st.heading)?;
                    }
                }
                Item::Leaf(l) => {
                    let leaf = &fw.leaves[*l];
                    leaf_row(
                        ws,
                        leaf,
                        unit.figures.get(*l).cloned().flatten(),
                        r,
                        lang,
                        st,
                    )?;
                    rows.push((r, leaf.id.clone()));
                }
            }
            r += 1;
        }
    }
    Ok((rows, r))
}

/// The signature block an office form ends with.
fn footer(ws: &mut Worksheet, r: u32, lang: Lang, st: &Styles) -> Result<(), XlsxError> {
    let (date, left, right, sign) = match lang {
        Lang::Vi => (
            "…………, ngày …… tháng …… năm ……",
            "NGƯỜI LẬP BIỂU",
            "THỦ TRƯỞNG ĐƠN VỊ",
            "(Ký, ghi rõ họ tên)",
        ),
        Lang::En => (
            "Date: ……………………",
            "PREPARED BY",
            "HEAD OF THE UNIT",
            "(signature and full name)",
        ),
    };
    ws.write_string_with_format(r, Col::Rule.index(), date, &st.meta)?;
    ws.write_string_with_format(r + 1, Col::Title.index(), left, &st.sign)?;
    ws.write_string_with_format(r + 1, Col::Rule.index(), right, &st.sign)?;
    ws.write_string_with_format(r + 2, Col::Title.index(), sign, &st.note)?;
    ws.write_string_with_format(r + 2, Col::Rule.index(), sign, &st.note)?;
    Ok(())
}

fn leaf_row(
    ws: &mut Worksheet,
    leaf: &Leaf,
    figure: Option<String>,
    r: u32,
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    let indent = "   ".repeat(leaf.parents.len());
    ws.write_string_with_format(r, Col::Id.index(), &leaf.id, &st.locked)?;
    let mark = match (leaf.effect, lang) {
        (Effect::Bonus, Lang::Vi) => " [điểm thưởng]",
        (Effect::Penalty, Lang::Vi) => " [điểm trừ]",
        (Effect::Bonus, Lang::En) => " [bonus]",
        (Effect::Penalty, Lang::En) => " [penalty]",
        _ => "",
    };
    let title = format!("{indent}{}{mark}", leaf.title);
    ws.write_string_with_format(r, Col::Title.index(), &title, &st.locked)?;
    ws.write_number_with_format(
        r,
        Col::Max.index(),
        leaf.max.to_f64().unwrap_or(0.0),
        &st.number,
    )?;
    let inputs = editable(leaf);
    let rule = if leaf.from_checklist() {
        rule_words(leaf, lang)
    } else {
        let source = if lang == Lang::Vi {
            "Tính tự động"
        } else {
            "Computed"
        };
        format!("{source}: {}", figure.unwrap_or_default())
    };
    let f = if leaf.from_checklist() {
        &st.locked
    } else {
        &st.figure
    };
    ws.write_string_with_format(r, Col::Rule.index(), &rule, f)?;
    fit_height(ws, r, &[(Col::Title, &title), (Col::Rule, &rule)])?;
    for c in [Col::Score, Col::Done, Col::Planned, Col::Value, Col::Count] {
        if inputs.contains(&c) {
            let f = if c == Col::Value {
                &st.input_text
            } else {
                &st.input
            };
            ws.write_blank(r, c.index(), f)?;
            ws.add_data_validation(r, c.index(), r, c.index(), &validation(leaf, c, r, lang)?)?;
        } else {
            ws.write_blank(r, c.index(), &st.locked)?;
        }
    }
    for c in [Col::Evidence, Col::Explanation] {
        let f = if leaf.from_checklist() {
            &st.input_text
        } else {
            &st.locked
        };
        ws.write_blank(r, c.index(), f)?;
    }
    Ok(())
}

/// What Excel accepts in an editable cell: the numbers the rule reads and, where the
/// criterion may not apply to a unit (a scored one), `na`.
fn validation(leaf: &Leaf, c: Col, r: u32, lang: Lang) -> Result<DataValidation, XlsxError> {
    let vi = lang == Lang::Vi;
    let na = leaf.effect == Effect::Scored;
    let v = DataValidation::new().set_error_style(DataValidationErrorStyle::Stop);
    let cell = format!(
        "{}{}",
        crate::input::column_letters(usize::from(c.index())),
        r + 1
    );
    let or_na = |test: String| -> Formula {
        if na {
            Formula::new(format!(
                "=OR(AND(ISNUMBER({cell}),{test}),LOWER({cell})=\"na\")"
            ))
        } else {
            Formula::new(format!("=AND(ISNUMBER({cell}),{test})"))
        }
    };
    let na_words = match (na, vi) {
        (true, true) => ", hoặc na nếu không áp dụng",
        (true, false) => ", or na where it does not apply",
        (false, _) => "",
    };
    let v = match c {
        Col::Score => v
            .allow_custom(or_na(format!("{cell}>=0,{cell}<={}", plain(leaf.max))))
            .set_error_message(if vi {
                format!("Điểm từ 0 đến {}{na_words}", plain(leaf.max))
            } else {
                format!("A score from 0 to {}{na_words}", plain(leaf.max))
            })?,
        Col::Done | Col::Planned => v
            .allow_custom(or_na(format!("{cell}>=0")))
            .set_error_message(if vi {
                format!("Một số từ 0 trở lên{na_words}")
            } else {
                format!("A number of 0 or more{na_words}")
            })?,
        Col::Count => v
            .allow_custom(or_na(format!("{cell}>=0,{cell}=INT({cell})")))
            .set_error_message(if vi {
                format!("Một số nguyên từ 0 trở lên{na_words}")
            } else {
                format!("A whole number of 0 or more{na_words}")
            })?,
        _ => {
            let mut names = leaf.rule.option_names();
            if na {
                names.push("na");
            }
            v.allow_list_strings(&names)?.set_error_message(if vi {
                "Chọn một mức trong danh sách"
            } else {
                "Choose one of the list"
            })?
        }
    };
    Ok(v)
}

/// Column widths, in characters, in [`Col::ALL`] order.
const WIDTHS: [f64; 11] = [9.0, 48.0, 7.0, 40.0, 9.0, 10.0, 9.0, 10.0, 7.0, 22.0, 22.0];

/// Sets a row's height to show its wrapped texts whole: neither Excel nor LibreOffice
/// grows a row written with wrapped text until someone edits it.
fn fit_height(ws: &mut Worksheet, r: u32, texts: &[(Col, &str)]) -> Result<(), XlsxError> {
    let lines = texts
        .iter()
        .map(|(c, t)| wrapped_lines(t, WIDTHS[c.index() as usize]))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(r, 15.0 * lines as f64)?;
    }
    Ok(())
}

/// How many lines a text takes in a column of this width once wrapped at spaces.
fn wrapped_lines(text: &str, width: f64) -> u32 {
    // A little narrower than the column: proportional fonts run wider on capitals.
    let room = ((width - 1.5) * 1.05).max(1.0) as usize;
    let mut lines = 0u32;
    for para in text.split('\n') {
        lines += 1;
        let mut used = 0usize;
        for word in para.split(' ') {
            let n = word.chars().count();
            if used > 0 && used + 1 + n > room {
                lines += 1;
                used = n;
            } else {
                used += if used > 0 { 1 + n } else { n };
            }
            while used > room {
                lines += 1;
                used -= room;
            }
        }
    }
    lines.max(1)
}

fn layout(ws: &mut Worksheet) -> Result<(), XlsxError> {
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 2)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.protect();
    Ok(())
}
