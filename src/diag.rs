//! Findings about a framework or the data, with stable codes.
//!
//! Scoring never stops at the first problem: every reader and validator pushes
//! [`Diagnostic`]s into one list, which is printed together at the end; the exit code
//! comes from counting the error-level ones. Every code is a variant of [`Code`], whose
//! one table below gives its stable kebab-case name, its severity, what it is about,
//! its meaning in English and its gloss in Vietnamese: `cchc codes` prints that table
//! and the README's catalogue is its output (a test keeps them equal).

use serde::Serialize;
use std::fmt;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Wrong data or framework: the numbers may not be what the inspector expects.
    Error,
    /// Worth a look, but the numbers follow the rules as written.
    Warning,
}

/// What a code is about, for the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Topic {
    /// The framework file or the manifest.
    Framework,
    /// The checklist and the unit register.
    Checklist,
    /// Rows of a dossier log (and the procedure and calendar files).
    Dossier,
    /// Rows of a survey file.
    Survey,
    /// The comparison with an earlier ranking and the unit lineage.
    YearOverYear,
    /// Returned self-assessment forms.
    Forms,
    /// Any tabular input: columns and sheets.
    Tables,
    /// A published results table read by `cchc audit`.
    Published,
}

impl Topic {
    /// The heading of this topic in the catalogue.
    pub fn title(self) -> &'static str {
        match self {
            Topic::Framework => "framework and manifest",
            Topic::Checklist => "checklist and unit register",
            Topic::Dossier => "dossier logs, procedures, calendar",
            Topic::Survey => "survey answers",
            Topic::YearOverYear => "year over year and lineage",
            Topic::Forms => "self-assessment forms",
            Topic::Tables => "any tabular input",
            Topic::Published => "published tables (audit)",
        }
    }
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $sev:ident, $topic:ident, $meaning:literal, $gloss:literal; )*) => {
        /// Every finding's code: one table, matched exhaustively.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $meaning]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable kebab-case name (`score-above-max`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// Its severity.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// What it is about.
            pub fn topic(self) -> Topic {
                match self { $(Code::$variant => Topic::$topic,)* }
            }

            /// What it means, in English.
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $meaning,)* }
            }

            /// What it means, in Vietnamese.
            pub fn gloss(self) -> &'static str {
                match self { $(Code::$variant => $gloss,)* }
            }
        }
    };
}

codes! {
    // framework and manifest
    FrameworkSyntax = "framework-syntax", Error, Framework, "the framework file is not valid TOML, or has an unknown or missing key", "lỗi cú pháp bộ tiêu chí";
    FloatNumber = "float-number", Error, Framework, "a decimal written as a bare TOML float: quote it to read it exactly", "số thập phân phải viết trong dấu ngoặc kép";
    BadNumber = "bad-number", Error, Framework, "not a number within ±10^12 and 28 significant digits (a dossier fee: 0 or more)", "số không hợp lệ";
    EmptyId = "empty-id", Error, Framework, "an id is empty", "mã để trống";
    DuplicateId = "duplicate-id", Error, Framework, "the same id is used twice", "trùng mã";
    MaxSumMismatch = "max-sum-mismatch", Error, Framework, "the maxima of the scored criteria do not sum to the scale", "tổng điểm tối đa không bằng thang điểm";
    PartAreas = "part-areas", Error, Framework, "with [[parts]], every area belongs to exactly one part, and a part names its areas or a source", "mỗi lĩnh vực thuộc đúng một phần của chỉ số";
    AreaMaxMismatch = "area-max-mismatch", Error, Framework, "an area's declared max is not the sum of its criteria", "điểm tối đa của lĩnh vực không bằng tổng các tiêu chí";
    CriterionMaxMismatch = "criterion-max-mismatch", Error, Framework, "a criterion's declared max is not the sum of its sub-criteria", "điểm tối đa của tiêu chí không bằng tổng các tiêu chí thành phần";
    BandsUnordered = "bands-unordered", Error, Framework, "bands are not listed from the highest lower bound down", "các mức xếp loại không theo thứ tự giảm dần";
    BandGap = "band-gap", Error, Framework, "the bands do not cover the scale down to 0", "các mức xếp loại không phủ hết thang điểm";
    BandOutOfScale = "band-out-of-scale", Error, Framework, "a band starts outside the scale", "mức xếp loại nằm ngoài thang điểm";
    StepsUnordered = "steps-unordered", Error, Framework, "steps are not listed from the highest ratio down, or a lower ratio earns more", "các bậc điểm không theo thứ tự";
    StepOutOfRange = "step-out-of-range", Error, Framework, "a step gives points outside 0..max or starts below 0%", "bậc điểm nằm ngoài khoảng cho phép";
    OptionOutOfRange = "option-out-of-range", Error, Framework, "an option gives points outside 0..max", "điểm của phương án nằm ngoài khoảng cho phép";
    MissingKey = "missing-key", Error, Framework, "a key the rule needs is missing", "thiếu khóa bắt buộc";
    KeyNotForRule = "key-not-for-rule", Error, Framework, "a key that does not apply to the criterion's rule", "khóa không áp dụng cho quy tắc này";
    UnknownRule = "unknown-rule", Error, Framework, "a rule that is not manual, choice, steps, proportional or per-count", "quy tắc không hợp lệ";
    UnknownValue = "unknown-value", Error, Framework, "a value that is not one of the allowed words", "giá trị không hợp lệ";
    UnknownTieBreak = "unknown-tie-break", Error, Framework, "a tie-break that is not an area, points or unit_id", "tiêu chí phân định hạng bằng nhau không hợp lệ";
    RuleOnParent = "rule-on-parent", Error, Framework, "a criterion with sub-criteria has a rule", "tiêu chí có tiêu chí thành phần không được có quy tắc";
    MaxNotPositive = "max-not-positive", Error, Framework, "a criterion's max is not above 0", "điểm tối đa phải lớn hơn 0";
    EmptyArea = "empty-area", Error, Framework, "an area without criteria", "lĩnh vực không có tiêu chí";
    EmptyCriterion = "empty-criterion", Error, Framework, "a criterion with an empty list of sub-criteria", "tiêu chí không có tiêu chí thành phần";
    NoAreas = "no-areas", Error, Framework, "the framework has no areas", "bộ tiêu chí không có lĩnh vực";
    BadScale = "bad-scale", Error, Framework, "the scale is not above 0", "thang điểm không hợp lệ";
    BadTarget = "bad-target", Error, Framework, "a proportional target is not above 0", "mức mục tiêu không hợp lệ";
    BadPointsEach = "bad-points-each", Error, Framework, "points-each is not above 0", "số điểm mỗi lần không hợp lệ";
    BadWeight = "bad-weight", Error, Framework, "a survey weight is not above 0", "trọng số không hợp lệ";
    WeightOutOfRange = "weight-out-of-range", Error, Framework, "an answer weight outside 0..100%", "trọng số nằm ngoài 0–100%";
    NoFactors = "no-factors", Error, Framework, "the [survey] table has no factors", "bảng [survey] không có yếu tố";
    EmptyFactor = "empty-factor", Error, Framework, "a survey factor lists no questions", "yếu tố không có câu hỏi";
    DuplicateQuestion = "duplicate-question", Error, Framework, "a survey question is listed twice", "câu hỏi xuất hiện hai lần";
    MissingSurvey = "missing-survey", Error, Framework, "a survey: ratio without a [survey] table", "bộ tiêu chí thiếu bảng [survey]";
    UnknownFramework = "unknown-framework", Error, Framework, "neither a built-in framework nor a file", "không tìm thấy bộ tiêu chí";
    UnreadableFile = "unreadable-file", Error, Framework, "a file that cannot be read", "không đọc được tệp";
    NotUtf8 = "not-utf8", Error, Framework, "a file that is not UTF-8", "tệp không phải UTF-8";
    ManifestSyntax = "manifest-syntax", Error, Framework, "cchc.toml is not valid, or has an unknown key", "lỗi cú pháp tệp cchc.toml";

    // checklist and units
    UnknownUnit = "unknown-unit", Error, Checklist, "a unit that is not in the unit register (its rows are left out)", "đơn vị không có trong danh sách đơn vị";
    UnknownCriterion = "unknown-criterion", Error, Checklist, "a criterion that is not in the framework (the row is left out)", "tiêu chí không có trong bộ tiêu chí";
    NotALeaf = "not-a-leaf", Error, Checklist, "a row for a criterion that has sub-criteria: score its sub-criteria", "tiêu chí có tiêu chí thành phần, phải chấm ở tiêu chí thành phần";
    DuplicateRow = "duplicate-row", Error, Checklist, "a second row for the same unit and criterion (left out)", "trùng dòng chấm điểm";
    DuplicateUnit = "duplicate-unit", Error, Checklist, "a unit registered twice (the later row is left out)", "trùng mã đơn vị";
    InvalidNumber = "invalid-number", Error, Checklist, "a value in a number column that is not a number, is beyond ±10^12, has more than 28 digits or is ambiguous", "số không hợp lệ";
    ScoreAboveMax = "score-above-max", Error, Checklist, "a score above the criterion's maximum (counted as the maximum)", "điểm vượt điểm tối đa";
    NegativeScore = "negative-score", Error, Checklist, "a negative score (counted as 0)", "điểm âm";
    NegativeValue = "negative-value", Error, Checklist, "a negative done or planned (scored 0)", "giá trị âm";
    InvalidCount = "invalid-count", Error, Checklist, "a count that is not a whole number of 0 or more (scored 0)", "số lần không hợp lệ";
    UnknownOption = "unknown-option", Error, Checklist, "a value that is not an option of the criterion (scored 0)", "phương án không có trong tiêu chí";
    MissingInput = "missing-input", Error, Checklist, "the column the criterion's rule reads is empty (scored 0)", "thiếu số liệu chấm điểm";
    NaNotAllowed = "na-not-allowed", Error, Checklist, "na on a bonus or penalty item, which always applies (counted as 0: no bonus, no penalty)", "điểm thưởng, điểm trừ luôn áp dụng, không được ghi na";
    NoApplicableItems = "no-applicable-items", Error, Checklist, "no scored criterion applies to the unit (index 0)", "không có tiêu chí nào áp dụng cho đơn vị";
    EmptyChecklist = "empty-checklist", Error, Checklist, "the checklist has a header but no rows: every criterion scores 0", "bảng chấm điểm không có dòng nào";
    NoUnits = "no-units", Error, Checklist, "the unit register has no units", "không có đơn vị";
    MissingItem = "missing-item", Warning, Checklist, "no checklist row for a criterion of a unit (it scores 0)", "thiếu dòng chấm điểm cho tiêu chí";
    UnitWithoutRows = "unit-without-rows", Warning, Checklist, "a unit without checklist rows (every item scores 0)", "đơn vị không có dòng chấm điểm";
    CriterionMatchedNothing = "criterion-matched-nothing", Warning, Checklist, "no unit has a checklist row for a criterion", "không đơn vị nào có dòng chấm điểm cho tiêu chí";
    ScoreIgnored = "appraised-score-ignored", Warning, Checklist, "a score column on a criterion whose rule computes its points (ignored)", "điểm thẩm định không được dùng cho tiêu chí tính theo công thức";
    ChecklistRatioIgnored = "checklist-ratio-ignored", Warning, Checklist, "done, planned or a score on a criterion scored from the log or the survey (ignored)", "số liệu trong bảng chấm điểm không được dùng cho tiêu chí này";
    DoneAbovePlanned = "done-above-planned", Warning, Checklist, "done above planned: the ratio is over 100%", "số hoàn thành lớn hơn kế hoạch";
    NoSummaryColumn = "no-summary-column", Warning, Checklist, "the register has no column the summaries are asked to group by: they are per ranking group", "danh sách đơn vị không có cột dùng để tổng hợp";
    NoGroupColumn = "no-group-column", Warning, Checklist, "the register has no group column: one ranking group", "danh sách đơn vị không có cột nhóm";
    InputNotUsed = "input-not-used", Warning, Checklist, "an input the framework never reads", "tệp đầu vào không được dùng";

    // dossier logs
    MissingValue = "missing-value", Error, Dossier, "a required value is empty", "thiếu giá trị bắt buộc";
    BadDate = "bad-date", Error, Dossier, "not a date (YYYY-MM-DD or DD/MM/YYYY, optional HH:MM[:SS])", "ngày không hợp lệ";
    UnknownChannel = "unknown-channel", Error, Dossier, "not a channel (direct, online, postal or truc_tiep, truc_tuyen, bcci)", "kênh tiếp nhận không hợp lệ";
    UnknownStatus = "unknown-status", Error, Dossier, "not a status (received, processing, paused, supplement, resolved, returned, withdrawn, refused, stopped)", "trạng thái hồ sơ không hợp lệ";
    FinishedBeforeReceived = "finished-before-received", Error, Dossier, "finished before it was received", "ngày giải quyết trước ngày tiếp nhận";
    MissingFinish = "missing-finish", Error, Dossier, "a resolved, returned, withdrawn or stopped dossier needs finished_at", "thiếu ngày giải quyết";
    NoDeadline = "no-deadline", Error, Dossier, "no due_at and no known procedure to compute it from", "không xác định được hạn giải quyết";
    BadBoolean = "bad-boolean", Error, Dossier, "not a boolean (1/0, true/false, x/empty)", "giá trị có/không không hợp lệ";
    BadRating = "bad-rating", Error, Dossier, "not a rating (1–5, or empty/0 for none)", "mức đánh giá không hợp lệ";
    SupplementBeforeRequest = "supplement-before-request", Error, Dossier, "a supplement received before it was requested", "ngày nhận bổ sung trước ngày yêu cầu bổ sung";
    DuplicateDossier = "duplicate-dossier", Error, Dossier, "this dossier_id appears on an earlier row too", "trùng mã hồ sơ";
    BadTime = "bad-time", Error, Dossier, "not a time of day (HH:MM)", "giờ không hợp lệ";
    DuplicateProcedure = "duplicate-procedure", Error, Dossier, "a procedure listed twice", "trùng mã thủ tục";
    OfficialDiffers = "official-differs", Error, Dossier, "a figure the portal publishes differs from cchc's beyond its 2-decimal rounding (cchc reconcile)", "số liệu Cổng DVC quốc gia khác với số liệu tính được";
    UnknownIndicator = "unknown-indicator", Warning, Dossier, "a row of the portal's table naming a unit or an indicator cchc does not compute (left out)", "chỉ số hoặc đơn vị không có trong số liệu tính được";
    ProcedureNotInCatalogue = "procedure-not-in-catalogue", Warning, Dossier, "dossiers of a procedure the catalogue does not list: no paper-result rule, no maximum time", "thủ tục không có trong danh mục";
    OutOfCalendar = "out-of-calendar", Warning, Dossier, "dossiers whose deadline falls outside the calendar's years (1990–2100): left out of 2.1", "hồ sơ có hạn giải quyết ngoài phạm vi lịch (1990–2100)";
    SupplementsUnknown = "supplements-unknown", Warning, Dossier, "the log has no supplement columns: 2.1 takes every dossier as never asked for a supplement", "nhật ký không có cột yêu cầu bổ sung hồ sơ";
    IndicatorWithoutInput = "indicator-without-input", Warning, Dossier, "an official indicator whose input (a log column, the procedures catalogue's column, the petitions) is absent: not applicable, never 0 or full", "chỉ số thiếu dữ liệu đầu vào: không áp dụng";
    BadPetition = "bad-petition", Error, Dossier, "a petition row that cannot be used (left out)", "dòng phản ánh, kiến nghị không hợp lệ";
    BadProcedure = "bad-procedure", Error, Dossier, "a value of the procedures catalogue that cannot be read (the row is left out)", "giá trị không hợp lệ trong danh mục thủ tục";
    SkippedRows = "skipped-rows", Warning, Dossier, "rows left out with --skip-invalid, per kind, with their first lines", "các dòng bị bỏ qua";
    UnitNotInRegister = "unit-not-in-register", Warning, Dossier, "a unit with dossiers that is not in the unit register", "đơn vị không có trong danh sách đơn vị";
    CalendarGap = "calendar-gap", Warning, Dossier, "deadlines computed in a year the calendar has no entries for (weekends only)", "lịch ngày làm việc thiếu năm cần tính";
    NoDossiers = "no-dossiers", Warning, Dossier, "the log has no dossier rows", "không có hồ sơ trong kỳ";
    RateNotNested = "rate-not-nested", Warning, Dossier, "a rate whose denominator does not contain all its numerator's rows (it may exceed 100%)", "mẫu số không bao gồm toàn bộ tử số";

    // survey
    BadAnswer = "bad-answer", Error, Survey, "an answer that is not 1 to 5 (0 or empty = no answer), or not an option of the officials' survey", "câu trả lời không hợp lệ (1–5; 0 hoặc để trống là không trả lời)";
    DuplicateAnswer = "duplicate-answer", Error, Survey, "one response gives different answers to one question (every copy is left out)", "câu hỏi được trả lời khác nhau trong một phiếu";
    RepeatedAnswer = "repeated-answer", Warning, Survey, "one response gives the same answer to one question twice (counted once)", "câu trả lời lặp lại trong một phiếu";
    ResponseUnitConflict = "response-unit-conflict", Error, Survey, "one response names two units, or two respondent groups (every row of it is left out)", "một phiếu khảo sát gắn với hai đơn vị";
    UnknownQuestion = "unknown-question", Warning, Survey, "a question that is not in the framework's survey (its rows are left out)", "câu hỏi không có trong bộ tiêu chí";
    UnknownGroup = "unknown-group", Warning, Survey, "a respondent group the framework's [officials] table does not weight (its rows are left out)", "nhóm đối tượng không có trong bộ tiêu chí";
    GroupWithoutAnswers = "group-without-answers", Warning, Survey, "a respondent group gave a unit no valid answer: it is left out of the unit's weights", "nhóm đối tượng không có câu trả lời hợp lệ cho đơn vị";
    FewRespondents = "few-respondents", Warning, Survey, "fewer respondents than the framework's minimum", "số người trả lời ít hơn mức tối thiểu";

    // forms
    FormNotRecognised = "form-not-recognised", Error, Forms, "a workbook that is not a cchc form (no hidden _cchc sheet); it is left out", "tệp không phải phiếu do cchc tạo";
    FormFrameworkMismatch = "form-framework-mismatch", Error, Forms, "a form made for another framework (its fingerprint differs)", "phiếu được tạo cho bộ tiêu chí khác";
    FormUnitMismatch = "form-unit-mismatch", Error, Forms, "a form whose unit is not the one its file is named after", "mã đơn vị trong phiếu không khớp tên tệp";
    FormAltered = "form-altered", Error, Forms, "a form whose hidden record was altered: its sheet not found, criteria missing from its row map or claimed twice (refused)", "phiếu bị sửa cấu trúc (bảng ánh xạ dòng không đầy đủ)";
    FormUnitTwice = "form-unit-twice", Error, Forms, "two returned forms for one unit (refused until one is chosen with --choose)", "hai phiếu cho cùng một đơn vị";
    FormUnitUnknown = "form-unit-unknown", Error, Forms, "a form for a unit that is not in the unit register (refused)", "phiếu của đơn vị không có trong danh sách đơn vị";
    BadCell = "bad-cell", Error, Forms, "a cell that cannot be used: above the max, not an option, text in a number cell, a formula whose result was never saved (left empty)", "ô nhập không hợp lệ";
    ChangedCriterion = "changed-criterion", Error, Forms, "a criterion id changed by hand in a form (its row is left out)", "mã tiêu chí trong phiếu bị sửa";

    // year over year
    UnitNew = "unit-new", Warning, YearOverYear, "a unit with no ranked predecessor in the earlier ranking", "đơn vị mới so với kỳ trước";
    UnitGone = "unit-gone", Warning, YearOverYear, "an earlier unit that maps to no unit ranked now", "đơn vị có trong kỳ trước nhưng không còn";
    LineageRow = "lineage-row", Error, YearOverYear, "a lineage row that cannot be used: no new unit, an unknown relation, a weight that is not a number above 0", "dòng bảng chuyển đổi không dùng được";
    LineageNote = "lineage-note", Warning, YearOverYear, "a lineage note that is none of the usual ones (Nhập toàn bộ, Nhập một phần, Giữ nguyên, Đổi tên, Đổi loại hình): taken as part", "ghi chú chuyển đổi không theo mẫu, coi là nhập một phần";
    LineageNoCode = "lineage-no-code", Warning, YearOverYear, "a new unit formed from an area without a commune code (an island district, a coastal area): no predecessor to compare with", "đơn vị mới hình thành từ khu vực không có mã xã";
    LineageDuplicate = "lineage-duplicate", Warning, YearOverYear, "the same old → new edge listed twice (the repeat is left out)", "cặp đơn vị cũ → mới bị lặp";
    EqualWeights = "equal-weights", Warning, YearOverYear, "a baseline from a split predecessor, or from weights given for only some predecessors: equal weights assumed", "giả định trọng số bằng nhau khi tính chỉ số gốc";
    // published tables (audit)
    AuditTotal = "audit-total", Error, Published, "a printed total that two other figures of its row both contradict, agreeing on another total (digits swapped?)", "tổng điểm mâu thuẫn với hai số liệu khác cùng dòng";
    AuditParts = "audit-parts", Error, Published, "a printed total that is not the sum of its printed parts, beyond the rounding of the parts", "tổng điểm khác tổng các điểm thành phần";
    AuditChange = "audit-change", Error, Published, "a printed change that is not total − previous", "mức tăng/giảm khác hiệu số với năm trước";
    AuditAboveMean = "audit-above-mean", Error, Published, "a printed distance above the mean that is not total − mean", "mức chênh so với trung bình không khớp";
    AuditRank = "audit-rank", Error, Published, "a printed rank that is not the rank the totals give (ties share a rank)", "thứ hạng không khớp với điểm";
    AuditPrevious = "audit-previous", Error, Published, "a printed earlier total that is not the earlier table's (--previous)", "điểm năm trước khác bảng năm trước";
    AuditGroupMean = "audit-group-mean", Error, Published, "a printed group mean that is not the mean of the group's totals in the table, beyond rounding", "trung bình nhóm không khớp";
    AuditRounding = "audit-rounding", Warning, Published, "totals (or group means) that differ from what their printed figures give only by the rounding of those figures: not a slip", "chênh lệch do làm tròn từng thành phần";
    AuditCell = "audit-cell", Error, Published, "a cell of a published table that is not a number (a rank: not a whole number from 1): left out of the checks", "ô không phải là số";
    AuditUnmatched = "audit-unmatched", Warning, Published, "rows with no match in the earlier table given with --previous (matched by unit_id, else by name)", "không tìm thấy trong bảng năm trước";

    CodeReused = "code-reused", Warning, YearOverYear, "a code in both rankings that names two different units (reused after the merger): compared through the lineage, not by code", "mã đơn vị được dùng lại cho đơn vị khác sau sắp xếp";
}

impl Code {
    /// The code with this name.
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a finding points: a file and, when known, a 1-based line (or, in a workbook,
/// a sheet and a cell).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file as the user named it (relative to where they ran cchc or to cchc.toml).
    pub file: String,
    /// The 1-based line (in a workbook: the row), when the finding is about one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// In a workbook: the sheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// In a workbook: the cell (`E12`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.sheet, &self.cell, self.line) {
            (Some(sheet), Some(cell), _) => write!(f, "{}[{sheet}]!{cell}", self.file),
            (Some(sheet), None, Some(row)) => write!(f, "{}[{sheet}]:{row}", self.file),
            (Some(sheet), None, None) => write!(f, "{}[{sheet}]", self.file),
            (None, _, Some(l)) => write!(f, "{}:{}", self.file, l),
            (None, _, None) => write!(f, "{}", self.file),
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `score-above-max`.
    pub code: Code,
    /// Error or warning (the code's own).
    pub severity: Severity,
    /// A sentence for a person.
    pub message: String,
    /// File and line, when the finding comes from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The unit concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The criterion concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
}

impl Diagnostic {
    /// A finding with its code's severity.
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: crate::term::clip_quoted(&message.into()),
            location: None,
            unit: None,
            criterion: None,
        }
    }

    /// Points the finding at a file and line.
    pub fn at(mut self, file: &str, line: Option<usize>) -> Diagnostic {
        self.location = Some(Location {
            file: file.to_string(),
            line,
            sheet: None,
            cell: None,
        });
        self
    }

    /// Points the finding at a location.
    pub fn located(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    /// Names the unit concerned.
    pub fn unit(mut self, unit: &str) -> Diagnostic {
        self.unit = Some(crate::term::clip(unit, crate::term::QUOTE));
        self
    }

    /// Names the criterion concerned.
    pub fn criterion(mut self, criterion: &str) -> Diagnostic {
        self.criterion = Some(crate::term::clip(criterion, crate::term::QUOTE));
        self
    }

    /// Whether this is an error-level finding.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The finding as one line: `error[code]: file:line: unit U, criterion C: message`.
    /// In Vietnamese the words around it are translated and the code's meaning leads
    /// the (English) detail; the code itself never changes.
    pub fn render(&self, lang: crate::lang::Lang) -> String {
        let vi = lang == crate::lang::Lang::Vi;
        let sev = match (self.severity, vi) {
            (Severity::Error, false) => "error",
            (Severity::Warning, false) => "warning",
            (Severity::Error, true) => "lỗi",
            (Severity::Warning, true) => "cảnh báo",
        };
        let mut out = format!("{sev}[{}]: ", self.code);
        if let Some(loc) = &self.location {
            out.push_str(&format!("{loc}: "));
        }
        let (unit, criterion) = if vi {
            ("đơn vị", "tiêu chí")
        } else {
            ("unit", "criterion")
        };
        match (&self.unit, &self.criterion) {
            (Some(u), Some(c)) => out.push_str(&format!("{unit} {u}, {criterion} {c}: ")),
            (Some(u), None) => out.push_str(&format!("{unit} {u}: ")),
            (None, Some(c)) => out.push_str(&format!("{criterion} {c}: ")),
            (None, None) => {}
        }
        if vi {
            out.push_str(&format!("{} — ", self.code.gloss()));
        }
        out.push_str(&self.message);
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(crate::lang::Lang::En))
    }
}

/// Sorts findings into a stable order (errors first, then by file, line, code), so the
/// same inputs always print the same report whatever the order of the rows.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (
            a.severity,
            &a.location,
            a.code.as_str(),
            &a.unit,
            &a.criterion,
            &a.message,
        )
            .cmp(&(
                b.severity,
                &b.location,
                b.code.as_str(),
                &b.unit,
                &b.criterion,
                &b.message,
            ))
    });
}

/// Counts error-level findings.
pub fn errors(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// Findings as lines for a terminal (each escaped), at most `per_code` of each code
/// (0 = all; the rest counted in one line), then a count line. Warnings are left out
/// when `errors_only`.
pub fn text(
    diags: &[Diagnostic],
    per_code: usize,
    errors_only: bool,
    lang: crate::lang::Lang,
) -> String {
    use std::collections::BTreeMap;
    let mut out = String::new();
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    let mut hidden: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diags {
        if errors_only && !d.is_error() {
            continue;
        }
        let n = shown.entry(d.code.as_str()).or_default();
        if per_code > 0 && *n >= per_code {
            *hidden.entry(d.code.as_str()).or_default() += 1;
            continue;
        }
        *n += 1;
        out.push_str(&crate::term::escape(&d.render(lang)));
        out.push('\n');
    }
    for (code, n) in hidden {
        out.push_str(&format!(
            "… and {n} more [{code}] (all are in --format json)\n"
        ));
    }
    let errors = errors(diags);
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        let word = |n: usize, one: &'static str, many: &'static str| {
            lang.t(if n == 1 { one } else { many })
        };
        out.push_str(&format!(
            "{errors} {}, {warnings} {}\n",
            word(errors, "error", "errors"),
            word(warnings, "warning", "warnings")
        ));
    }
    out
}
