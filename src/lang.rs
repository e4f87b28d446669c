//! Labels for people: `--lang vi` renders headers and the words around the numbers in
//! Vietnamese for reports (table, md, html, xlsx); the default stays English for
//! scripts. Column names of csv, json and parquet never change with the language, and
//! neither do finding codes.

/// The language of labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// English (the default).
    #[default]
    #[value(help = "English")]
    En,
    /// Tiếng Việt.
    Vi,
}

impl Lang {
    /// A column's display header: the stable name in English, a Vietnamese label in
    /// Vietnamese (`area_3` → `Lĩnh vực 3`).
    ///
    /// Long: the table of every column's Vietnamese header, one line each.
    pub fn column(self, name: &str) -> String {
        if self == Lang::En {
            return name.to_string();
        }
        if let Some(id) = name.strip_prefix("area_") {
            if let Some(id) = id.strip_suffix("_index") {
                return format!("Chỉ số lĩnh vực {id}");
            }
            if let Some(id) = id.strip_suffix("_rank") {
                return format!("Hạng lĩnh vực {id}");
            }
            return format!("Lĩnh vực {id}");
        }
        if let Some(id) = name.strip_prefix("part_") {
            return format!("Phần {id}");
        }
        if let Some(id) = name.strip_prefix("pillar_") {
            return format!("Trụ cột {id}");
        }
        if let Some(id) = name.strip_prefix("factor_") {
            return format!("Yếu tố {id}");
        }
        if let Some(id) = name.strip_prefix("q_") {
            return format!("Câu {id}");
        }
        let vi = match name {
            "rank" => "Hạng",
            "rank_in_group" => "Hạng trong nhóm",
            "unit_id" => "Mã đơn vị",
            "name" => "Tên đơn vị",
            "group" => "Nhóm",
            "points" => "Điểm",
            "max_points" => "Điểm tối đa",
            "index" => "Chỉ số",
            "parts" => "Các phần",
            "band" => "Xếp loại",
            "self_index" => "Chỉ số tự đánh giá",
            "appraisal_delta" => "Chênh lệch thẩm định",
            "rank_change" => "Thay đổi hạng",
            "index_change" => "Thay đổi chỉ số",
            "criterion_id" => "Mã tiêu chí",
            "title" => "Tiêu chí",
            "max" => "Điểm tối đa",
            "self_score" => "Điểm tự đánh giá",
            "appraised" => "Điểm thẩm định",
            "final" => "Điểm sau giải trình",
            "code" => "Mã",
            "severity" => "Mức độ",
            "about" => "Loại",
            "meaning" => "Ý nghĩa",
            "delta" => "Chênh lệch",
            "units_moved" => "Số đơn vị bị điều chỉnh",
            "total_delta" => "Tổng chênh lệch",
            "points_moved" => "Tổng điểm điều chỉnh",
            "respondents" => "Số người trả lời",
            "answers" => "Số câu trả lời hợp lệ",
            "blank" => "Không trả lời",
            "margin_of_error" => "Sai số (95%)",
            "procedure" => "Thủ tục",
            "channel" => "Kênh",
            "month" => "Tháng",
            "received" => "Tiếp nhận",
            "carried_over" => "Tồn kỳ trước",
            "resolved" => "Đã giải quyết",
            "early" => "Trước hạn",
            "on_time" => "Đúng hạn",
            "late" => "Trễ hạn",
            "returned" => "Trả lại, rút",
            "pending" => "Đang giải quyết",
            "pending_overdue" => "Quá hạn đang giải quyết",
            "online" => "Trực tuyến",
            "postal" => "Bưu chính",
            "on_time_rate" => "Tỷ lệ đúng hạn",
            "online_share" => "Tỷ lệ trực tuyến",
            "payment_online_share" => "Tỷ lệ thanh toán trực tuyến",
            "digitized_rate" => "Tỷ lệ số hóa",
            "e_result_rate" => "Tỷ lệ kết quả điện tử",
            "satisfaction_rate" => "Tỷ lệ hài lòng",
            "input" => "Dữ liệu",
            "now" => "Hiện tại",
            "needed" => "Cần đạt",
            "points_now" => "Điểm hiện tại",
            "points_then" => "Điểm khi đạt",
            "gain" => "Điểm tăng",
            "index_then" => "Chỉ số khi đạt",
            "rank_then" => "Hạng khi đạt",
            "baseline" => "Chỉ số gốc",
            "baseline_rank" => "Hạng theo chỉ số gốc",
            "via" => "Qua sắp xếp",
            "relation" => "Quan hệ",
            "share" => "Tỷ trọng",
            "question_id" => "Mã câu hỏi",
            "question" => "Câu hỏi",
            "answer" => "Câu trả lời",
            "new_id" => "Mã mới",
            "new_name" => "Tên mới",
            "old_id" => "Mã cũ",
            "old_name" => "Tên cũ",
            "weight" => "Trọng số",
            "note" => "Ghi chú",
            "median_rank" => "Hạng trung vị",
            "rank_p5" => "Hạng P5",
            "rank_p95" => "Hạng P95",
            "in_band" => "Tỷ lệ cùng xếp loại",
            "line" => "Dòng",
            "cell" => "Ô",
            "unit" => "Đơn vị",
            "figure" => "Số liệu",
            "printed" => "Số in trong bảng",
            "implied" => "Số suy ra",
            "explanation" => "Giải thích",
            "count" => "Số đơn vị",
            "mean" => "Trung bình",
            "lowest" => "Thấp nhất",
            "highest" => "Cao nhất",
            "up" => "Tăng",
            "down" => "Giảm",
            "unchanged" => "Không đổi",
            "largest_change" => "Thay đổi lớn nhất",
            "smallest_change" => "Thay đổi nhỏ nhất",
            other => return other.to_string(),
        };
        vi.to_string()
    }

    /// The English or the Vietnamese of a phrase built in code, by the language.
    pub fn pick<T>(self, en: T, vi: T) -> T {
        match self {
            Lang::En => en,
            Lang::Vi => vi,
        }
    }

    /// How many rows an input gave: `2950 rows read, 2950 used, 0 rejected`.
    pub fn rows_line(self, read: usize, used: usize, rejected: usize) -> String {
        match self {
            Lang::En => format!("{read} rows read, {used} used, {rejected} rejected"),
            Lang::Vi => format!("đọc {read} dòng, dùng {used}, loại {rejected}"),
        }
    }

    /// A phrase of the reports, by its English text (unknown phrases stay English).
    pub fn t(self, en: &'static str) -> &'static str {
        if self == Lang::En {
            return en;
        }
        match en {
            "mean index" => "chỉ số bình quân",
            "no units" => "không có đơn vị",
            "period" => "kỳ đánh giá",
            "stage: self-assessed scores (--stage self)" => {
                "xếp hạng theo điểm tự đánh giá (--stage self)"
            }
            "compared with" => "so sánh với",
            "rank_change = earlier rank − rank now" => "thay đổi hạng = hạng kỳ trước − hạng kỳ này",
            "rank_change = baseline_rank − rank now" => {
                "thay đổi hạng = hạng theo chỉ số gốc − hạng kỳ này"
            }
            "new since" => "đơn vị mới",
            "gone since" => "đơn vị không còn",
            "none" => "không có",
            "was" => "trước đây",
            "Summary" => "Tổng hợp",
            "Index by unit" => "Chỉ số theo đơn vị",
            "Ranking" => "Bảng xếp hạng",
            "Unit profiles" => "Kết quả từng đơn vị theo lĩnh vực",
            "Each bar is the unit's points in an area; the grey bar behind it is the area's maximum. Bonus and penalty areas show their net points." => {
                "Mỗi thanh là điểm của đơn vị trong một lĩnh vực; thanh xám phía sau là điểm tối đa của lĩnh vực. Lĩnh vực điểm thưởng, điểm trừ ghi điểm ròng."
            }
            "from" => "từ",
            "Evidence from the dossier log and the survey" => {
                "Căn cứ từ sổ theo dõi hồ sơ và khảo sát"
            }
            "derivation" => "cách tính",
            "bonus − penalty" => "điểm thưởng − điểm trừ",
            "ranked on self-assessed scores" => "xếp hạng theo điểm tự đánh giá",
            "Dossier metrics, period" => "Chỉ số hồ sơ, kỳ",
            "survey" => "khảo sát",
            "lineage" => "bảng chuyển đổi đơn vị",
            "Rank intervals" => "Khoảng thứ hạng",
            "By unit" => "Theo đơn vị",
            "Each line runs from the 5th to the 95th percentile rank; the dot is the median, the red tick the rank." => {
                "Mỗi đoạn kéo dài từ hạng phân vị 5 đến phân vị 95; chấm đen là trung vị, vạch đỏ là hạng hiện tại."
            }
            "every criterion the unit can act on is at its maximum" => {
                "mọi tiêu chí đơn vị có thể cải thiện đều đã đạt điểm tối đa"
            }
            "factors" => "yếu tố",
            "share of valid answers that are 4 or 5" => {
                "tỷ lệ câu trả lời hợp lệ đạt mức 4 hoặc 5"
            }
            "answer weights" => "trọng số câu trả lời",
            "error" => "lỗi",
            "errors" => "lỗi",
            "warning" => "cảnh báo",
            "warnings" => "cảnh báo",
            _ => en,
        }
    }
}
