//! Other people's column names: the headers a file uses, mapped to cchc's.
//!
//! Each input has canonical (English, snake_case) column names. A header matches one
//! when it is the name itself, one of the usual Vietnamese headers below (what
//! provinces' workbooks and one-stop systems write), or a name the project maps in
//! `cchc.toml` (`[columns.checklist] self_score = "Điểm tự chấm"`). Matching ignores
//! case, spaces and the NFC/NFD difference. Two headers that would map to the same name
//! are an error naming both: a guess would score the wrong column.

use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// The inputs that have columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// The unit register.
    Units,
    /// The checklist.
    Checklist,
    /// A dossier log.
    Dossiers,
    /// Survey answers.
    Survey,
    /// The officials' survey answers.
    Officials,
    /// The procedure register.
    Procedures,
    /// Petitions (phản ánh, kiến nghị).
    Petitions,
    /// A working-day calendar.
    Calendar,
    /// A unit lineage.
    Lineage,
    /// A published results table (`cchc audit`).
    Audit,
    /// The portal's published service-index figures (`cchc reconcile --official`).
    Official,
    /// The official counts a warehouse computed (`cchc metrics --method 766 --counts`).
    Counts,
    /// Last year's dossiers received per unit (`--previous-counts`).
    PreviousCounts,
}

impl Input {
    /// Every input.
    pub const ALL: [Input; 13] = [
        Input::Units,
        Input::Checklist,
        Input::Dossiers,
        Input::Survey,
        Input::Officials,
        Input::Procedures,
        Input::Petitions,
        Input::Calendar,
        Input::Lineage,
        Input::Audit,
        Input::Official,
        Input::Counts,
        Input::PreviousCounts,
    ];

    /// Its name in `cchc.toml` (`[columns.<name>]`).
    pub fn name(self) -> &'static str {
        match self {
            Input::Units => "units",
            Input::Checklist => "checklist",
            Input::Dossiers => "dossiers",
            Input::Survey => "survey",
            Input::Officials => "officials",
            Input::Procedures => "procedures",
            Input::Petitions => "petitions",
            Input::Calendar => "calendar",
            Input::Lineage => "lineage",
            Input::Audit => "audit",
            Input::Official => "official",
            Input::Counts => "counts",
            Input::PreviousCounts => "previous_counts",
        }
    }

    /// The input with this name.
    pub fn parse(name: &str) -> Option<Input> {
        Input::ALL.into_iter().find(|i| i.name() == name)
    }

    /// Its columns and the headers recognised for each without a mapping.
    ///
    /// Long: it is the README's table of Vietnamese headers, one line per column.
    pub fn known(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            Input::Units => &[
                ("unit_id", &["Mã đơn vị", "Mã ĐV"]),
                ("name", &["Tên đơn vị", "Tên ĐV"]),
                ("kind", &["Loại hình", "Loại đơn vị"]),
                ("group", &["Nhóm", "Nhóm xếp hạng"]),
                ("parent_id", &["Mã đơn vị cấp trên"]),
            ],
            Input::Checklist => &[
                ("unit_id", &["Mã đơn vị", "Mã ĐV"]),
                ("criterion_id", &["Mã tiêu chí", "Mã TC"]),
                (
                    "self_score",
                    &["Điểm tự đánh giá", "Điểm tự chấm", "Tự đánh giá", "Tự chấm"],
                ),
                ("appraised_score", &["Điểm thẩm định", "Thẩm định"]),
                (
                    "final_score",
                    &[
                        "Điểm sau giải trình",
                        "Điểm sau thẩm định lại",
                        "Điểm cuối cùng",
                    ],
                ),
                (
                    "done",
                    &["Số nhiệm vụ hoàn thành", "Số hoàn thành", "Hoàn thành"],
                ),
                (
                    "planned",
                    &["Số nhiệm vụ kế hoạch", "Số kế hoạch", "Kế hoạch"],
                ),
                ("value", &["Mức độ", "Giá trị", "Kết quả"]),
                ("count", &["Số lần", "Số lượng"]),
                ("evidence", &["Tài liệu kiểm chứng", "Tài liệu"]),
                ("explanation", &["Giải trình"]),
                ("note", &["Ghi chú"]),
            ],
            Input::Dossiers => &[
                ("dossier_id", &["Mã hồ sơ", "Số hồ sơ"]),
                ("unit_id", &["Mã đơn vị", "Mã cơ quan"]),
                (
                    "received_at",
                    &["Ngày tiếp nhận", "Thời gian tiếp nhận", "Ngày nhận"],
                ),
                ("channel", &["Kênh tiếp nhận", "Hình thức nộp", "Kênh"]),
                ("status", &["Trạng thái", "Tình trạng"]),
                ("procedure_id", &["Mã thủ tục", "Mã TTHC"]),
                (
                    "due_at",
                    &["Ngày hẹn trả", "Hạn giải quyết", "Ngày hẹn trả kết quả"],
                ),
                (
                    "finished_at",
                    &["Ngày có kết quả", "Ngày hoàn thành", "Ngày trả kết quả"],
                ),
                ("fee", &["Phí, lệ phí", "Lệ phí", "Phí"]),
                ("paid_online", &["Thanh toán trực tuyến"]),
                ("digitized", &["Số hóa", "Đã số hóa"]),
                ("e_result", &["Kết quả điện tử", "Trả kết quả điện tử"]),
                ("rating", &["Đánh giá", "Mức độ hài lòng"]),
                (
                    "supplement_requested_at",
                    &["Ngày yêu cầu bổ sung", "Ngày yêu cầu bổ sung hồ sơ"],
                ),
                (
                    "supplement_received_at",
                    &["Ngày nhận bổ sung", "Ngày nhận hồ sơ bổ sung"],
                ),
                (
                    "supplement_requests",
                    &["Số lần bổ sung", "Số lần yêu cầu bổ sung"],
                ),
                (
                    "synced",
                    &["Đồng bộ", "Đã đồng bộ", "Đồng bộ Cổng DVC quốc gia"],
                ),
                (
                    "reused_data",
                    &["Tái sử dụng dữ liệu", "Sử dụng lại dữ liệu số hóa"],
                ),
                ("from_personal_store", &["Từ kho dữ liệu cá nhân"]),
                (
                    "to_personal_store",
                    &[
                        "Đẩy kết quả vào kho dữ liệu cá nhân",
                        "Vào kho dữ liệu cá nhân",
                    ],
                ),
                (
                    "citizen_db",
                    &["CSDL dân cư", "Xác thực CSDL dân cư", "Định danh VNeID"],
                ),
            ],
            Input::Survey => &[
                ("response_id", &["Mã phiếu", "Số phiếu"]),
                ("unit_id", &["Mã đơn vị", "Mã ĐV"]),
                ("question_id", &["Mã câu hỏi", "Câu hỏi"]),
                ("answer", &["Trả lời", "Câu trả lời", "Mức độ hài lòng"]),
            ],
            Input::Officials => &[
                ("response_id", &["Mã phiếu", "Số phiếu"]),
                ("unit_id", &["Mã đơn vị", "Mã ĐV"]),
                ("group", &["Nhóm đối tượng", "Đối tượng"]),
                ("question_id", &["Mã câu hỏi", "Câu hỏi"]),
                ("answer", &["Phương án", "Phương án trả lời", "Trả lời"]),
            ],
            Input::Procedures => &[
                ("procedure_id", &["Mã thủ tục", "Mã TTHC"]),
                (
                    "processing_days",
                    &["Thời hạn giải quyết", "Số ngày giải quyết"],
                ),
                ("name", &["Tên thủ tục", "Tên TTHC"]),
                ("same_day_cutoff", &["Giờ tiếp nhận trong ngày"]),
                ("unit_id", &["Mã đơn vị", "Mã cơ quan"]),
                ("level", &["Cấp thực hiện", "Cấp"]),
                ("online", &["Dịch vụ công trực tuyến", "Mức độ trực tuyến"]),
                ("has_fee", &["Có phí, lệ phí", "Có phí"]),
                ("payment_integrated", &["Tích hợp thanh toán trực tuyến"]),
                ("paper_result", &["Kết quả giấy", "Yêu cầu kết quả giấy"]),
                ("for_citizens", &["Dành cho công dân", "Đối tượng công dân"]),
                ("decided_on", &["Ngày quyết định công bố", "Ngày công bố"]),
                ("effective_on", &["Ngày hiệu lực", "Ngày có hiệu lực"]),
                (
                    "published_on",
                    &["Ngày công khai", "Ngày cập nhật CSDL quốc gia"],
                ),
                ("parts_complete", &["Đủ 7 bộ phận", "Công khai đầy đủ"]),
                (
                    "population_db",
                    &["Sử dụng CSDL dân cư", "Khai thác CSDL dân cư"],
                ),
                (
                    "max_time",
                    &["Thời gian giải quyết tối đa", "Thời hạn tối đa"],
                ),
                ("time_unit", &["Đơn vị thời gian"]),
            ],
            Input::Petitions => &[
                ("pakn_id", &["Mã PAKN", "Mã phản ánh"]),
                ("unit_id", &["Mã đơn vị", "Mã cơ quan"]),
                ("received_at", &["Ngày tiếp nhận", "Ngày nhận"]),
                ("kind", &["Loại", "Loại PAKN"]),
                ("finished_at", &["Ngày xử lý", "Ngày hoàn thành"]),
                ("outcome", &["Kết quả xử lý", "Kết quả"]),
                ("reaction", &["Đánh giá", "Phản hồi"]),
                ("repeat", &["Lặp lại", "Trùng lặp"]),
                ("dossier_id", &["Mã hồ sơ", "Số hồ sơ"]),
            ],
            Input::Calendar => &[
                ("date", &["Ngày"]),
                ("kind", &["Loại ngày", "Loại"]),
                ("name", &["Tên", "Ghi chú"]),
            ],
            Input::Lineage => &[
                ("old_id", &["Mã cũ", "Mã xã cũ", "Mã đơn vị cũ"]),
                ("new_id", &["Mã mới", "Mã xã mới", "Mã đơn vị mới"]),
                ("old_name", &["Tên cũ", "Tên xã cũ", "Tên đơn vị cũ"]),
                ("new_name", &["Tên mới", "Tên xã mới", "Tên đơn vị mới"]),
                ("relation", &["Quan hệ"]),
                ("weight", &["Trọng số"]),
                ("note", &["Ghi chú"]),
            ],
            Input::Official => &[
                ("unit_id", &["Mã đơn vị", "Mã cơ quan", "Mã tỉnh"]),
                ("indicator", &["Chỉ số", "Mã chỉ số", "Chỉ tiêu"]),
                ("numerator", &["Tử số"]),
                ("denominator", &["Mẫu số"]),
                ("score", &["Điểm", "Điểm đạt"]),
            ],
            Input::Counts => &[
                ("unit_id", &[]),
                ("procedure_id", &[]),
                ("touching", &[]),
                ("received", &[]),
                ("synced", &[]),
                ("processed", &[]),
                ("on_time", &[]),
                ("late", &[]),
                ("unknown", &[]),
                ("online", &[]),
                ("received_online", &[]),
                ("fee", &[]),
                ("paid_online", &[]),
                ("resolved", &[]),
                ("digitized", &[]),
                ("paper_resolved", &[]),
                ("paper_e_result", &[]),
                ("reused", &[]),
                ("personal_store", &[]),
                ("citizen_db", &[]),
                ("flagged", &[]),
                ("time_total", &[]),
                ("timed", &[]),
                ("log_columns", &[]),
            ],
            Input::PreviousCounts => &[
                ("unit_id", &["Mã đơn vị", "Mã cơ quan"]),
                ("received", &["Số hồ sơ tiếp nhận", "Tiếp nhận"]),
            ],
            Input::Audit => &[
                ("unit_id", &["Mã đơn vị", "Mã tỉnh", "Mã ĐV"]),
                (
                    "name",
                    &[
                        "Tên đơn vị",
                        "Tỉnh, thành phố",
                        "Tỉnh/thành phố",
                        "Địa phương",
                    ],
                ),
                ("group", &["Nhóm", "Vùng", "Khu vực"]),
                (
                    "total",
                    &["Chỉ số", "Chỉ số CCHC", "PAR INDEX", "Tổng điểm", "Điểm"],
                ),
                ("previous", &["Năm trước", "Chỉ số năm trước", "Kỳ trước"]),
                ("change", &["Tăng/giảm", "Tăng giảm", "Thay đổi"]),
                ("rank", &["Xếp hạng", "Thứ hạng", "Hạng"]),
                (
                    "above_mean",
                    &[
                        "Cao hơn trung bình",
                        "So với trung bình",
                        "Chênh lệch với trung bình",
                    ],
                ),
                ("group_mean", &["Trung bình nhóm", "Trung bình vùng"]),
            ],
        }
    }
}

/// How a header is compared: NFC, lower case, no spaces.
pub fn key(header: &str) -> String {
    header
        .nfc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The headers a project maps, per input: input → canonical name → the file's headers.
pub type Mapping = BTreeMap<Input, BTreeMap<String, Vec<String>>>;

/// The header → canonical-name table of one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aliases {
    by_key: BTreeMap<String, &'static str>,
}

impl Aliases {
    /// The aliases of `input`, with the project's own mapping (which wins).
    pub fn of(input: Input, mapping: &Mapping) -> Aliases {
        let mut by_key = BTreeMap::new();
        for (name, usual) in input.known() {
            by_key.insert(key(name), *name);
            for u in *usual {
                by_key.insert(key(u), *name);
            }
        }
        if let Some(own) = mapping.get(&input) {
            for (name, headers) in own {
                let Some((canonical, _)) = input.known().iter().find(|(n, _)| n == name) else {
                    continue; // refused when the manifest was read
                };
                for h in headers {
                    by_key.insert(key(h), canonical);
                }
            }
        }
        Aliases { by_key }
    }

    /// The canonical name a header stands for, if any.
    pub fn canonical(&self, header: &str) -> Option<&'static str> {
        self.by_key.get(&key(header)).copied()
    }

    /// Renames headers to their canonical names; unknown headers stay as written.
    /// `Err((first, second, name))` when two headers would map to the same name.
    pub fn apply(&self, headers: &mut [String]) -> Result<(), (String, String, String)> {
        let mut seen: BTreeMap<&'static str, String> = BTreeMap::new();
        for h in headers.iter_mut() {
            if let Some(c) = self.canonical(h) {
                if let Some(first) = seen.get(c) {
                    if key(first) != key(h) {
                        return Err((first.clone(), h.clone(), c.to_string()));
                    }
                    // The same header twice: both become the column, so that the
                    // header check names it (never one of them silently left out).
                    *h = c.to_string();
                    continue;
                }
                seen.insert(c, h.clone());
                *h = c.to_string();
            }
        }
        Ok(())
    }
}
