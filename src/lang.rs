//! Labels for people: `--lang vi` renders headers and the words around the numbers in
//! Vietnamese for reports (table, md, html, xlsx); the default stays English for
//! scripts. Column names of csv, json and parquet never change with the language, and
//! neither do finding codes.

/// The language of labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Tiếng Việt.
    Vi,
}

impl Lang {
    /// A column's display header: the stable name in English, a Vietnamese label in
    /// Vietnamese (`area_3` → `Lĩnh vực 3`).
    pub fn column(self, name: &str) -> String {
        if self == Lang::En {
            return name.to_string();
        }
        if let Some(id) = name.strip_prefix("area_") {
            return format!("Lĩnh vực {id}");
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
            other => return other.to_string(),
        };
        vi.to_string()
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
            "error" => "lỗi",
            "errors" => "lỗi",
            "warning" => "cảnh báo",
            "warnings" => "cảnh báo",
            _ => en,
        }
    }

    /// A finding's meaning in Vietnamese, by its stable code (`None` in English, or for
    /// a code without a gloss). Reports print it before the detailed message.
    pub fn gloss(self, code: &str) -> Option<&'static str> {
        if self == Lang::En {
            return None;
        }
        Some(match code {
            "appraised-score-ignored" => {
                "điểm thẩm định không được dùng cho tiêu chí tính theo công thức"
            }
            "area-max-mismatch" => "điểm tối đa của lĩnh vực không bằng tổng các tiêu chí",
            "bad-answer" => "câu trả lời không hợp lệ (1–5; 0 hoặc để trống là không trả lời)",
            "bad-boolean" => "giá trị có/không không hợp lệ",
            "bad-date" => "ngày không hợp lệ",
            "bad-number" => "số không hợp lệ",
            "bad-points-each" => "số điểm mỗi lần không hợp lệ",
            "bad-rating" => "mức đánh giá không hợp lệ",
            "bad-scale" => "thang điểm không hợp lệ",
            "bad-target" => "mức mục tiêu không hợp lệ",
            "bad-time" => "giờ không hợp lệ",
            "bad-weight" => "trọng số không hợp lệ",
            "band-gap" => "các mức xếp loại không phủ hết thang điểm",
            "band-out-of-scale" => "mức xếp loại nằm ngoài thang điểm",
            "bands-unordered" => "các mức xếp loại không theo thứ tự giảm dần",
            "calendar-gap" => "lịch ngày làm việc thiếu năm cần tính",
            "checklist-ratio-ignored" => {
                "số liệu trong bảng chấm điểm không được dùng cho tiêu chí này"
            }
            "criterion-matched-nothing" => "không đơn vị nào có dòng chấm điểm cho tiêu chí",
            "criterion-max-mismatch" => {
                "điểm tối đa của tiêu chí không bằng tổng các tiêu chí thành phần"
            }
            "done-above-planned" => "số hoàn thành lớn hơn kế hoạch",
            "duplicate-answer" => "câu hỏi được trả lời hai lần trong một phiếu",
            "duplicate-dossier" => "trùng mã hồ sơ",
            "duplicate-id" => "trùng mã",
            "duplicate-procedure" => "trùng mã thủ tục",
            "duplicate-question" => "câu hỏi xuất hiện hai lần",
            "duplicate-row" => "trùng dòng chấm điểm",
            "duplicate-unit" => "trùng mã đơn vị",
            "empty-area" => "lĩnh vực không có tiêu chí",
            "empty-criterion" => "tiêu chí không có tiêu chí thành phần",
            "empty-factor" => "yếu tố không có câu hỏi",
            "empty-id" => "mã để trống",
            "few-respondents" => "số người trả lời ít hơn mức tối thiểu",
            "finished-before-received" => "ngày giải quyết trước ngày tiếp nhận",
            "float-number" => "số thập phân phải viết trong dấu ngoặc kép",
            "framework-syntax" => "lỗi cú pháp bộ tiêu chí",
            "input-not-used" => "tệp đầu vào không được dùng",
            "invalid-count" => "số lần không hợp lệ",
            "invalid-number" => "số không hợp lệ",
            "key-not-for-rule" => "khóa không áp dụng cho quy tắc này",
            "manifest-syntax" => "lỗi cú pháp tệp cchc.toml",
            "max-not-positive" => "điểm tối đa phải lớn hơn 0",
            "max-sum-mismatch" => "tổng điểm tối đa không bằng thang điểm",
            "missing-finish" => "thiếu ngày giải quyết",
            "missing-input" => "thiếu số liệu chấm điểm",
            "missing-item" => "thiếu dòng chấm điểm cho tiêu chí",
            "missing-key" => "thiếu khóa bắt buộc",
            "missing-survey" => "bộ tiêu chí thiếu bảng [survey]",
            "missing-value" => "thiếu giá trị bắt buộc",
            "negative-score" => "điểm âm",
            "negative-value" => "giá trị âm",
            "no-applicable-items" => "không có tiêu chí nào áp dụng cho đơn vị",
            "no-areas" => "bộ tiêu chí không có lĩnh vực",
            "no-deadline" => "không xác định được hạn giải quyết",
            "no-dossiers" => "không có hồ sơ trong kỳ",
            "no-factors" => "bảng [survey] không có yếu tố",
            "no-group-column" => "danh sách đơn vị không có cột nhóm",
            "no-units" => "không có đơn vị",
            "not-a-leaf" => "tiêu chí có tiêu chí thành phần, phải chấm ở tiêu chí thành phần",
            "not-utf8" => "tệp không phải UTF-8",
            "option-out-of-range" => "điểm của phương án nằm ngoài khoảng cho phép",
            "response-unit-conflict" => "một phiếu khảo sát gắn với hai đơn vị",
            "rule-on-parent" => "tiêu chí có tiêu chí thành phần không được có quy tắc",
            "score-above-max" => "điểm vượt điểm tối đa",
            "skipped-rows" => "các dòng bị bỏ qua",
            "step-out-of-range" => "bậc điểm nằm ngoài khoảng cho phép",
            "steps-unordered" => "các bậc điểm không theo thứ tự",
            "unit-gone" => "đơn vị có trong kỳ trước nhưng không còn",
            "unit-new" => "đơn vị mới so với kỳ trước",
            "unit-not-in-register" => "đơn vị không có trong danh sách đơn vị",
            "unit-without-rows" => "đơn vị không có dòng chấm điểm",
            "unknown-channel" => "kênh tiếp nhận không hợp lệ",
            "unknown-criterion" => "tiêu chí không có trong bộ tiêu chí",
            "unknown-framework" => "không tìm thấy bộ tiêu chí",
            "unknown-option" => "phương án không có trong tiêu chí",
            "unknown-question" => "câu hỏi không có trong bộ tiêu chí",
            "unknown-rule" => "quy tắc không hợp lệ",
            "unknown-status" => "trạng thái hồ sơ không hợp lệ",
            "unknown-tie-break" => "tiêu chí phân định hạng bằng nhau không hợp lệ",
            "unknown-unit" => "đơn vị không có trong danh sách đơn vị",
            "unknown-value" => "giá trị không hợp lệ",
            "unreadable-file" => "không đọc được tệp",
            "weight-out-of-range" => "trọng số nằm ngoài 0–100%",
            _ => return None,
        })
    }
}
