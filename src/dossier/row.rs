//! One dossier record: parsing its fields (fixed-format dates without a general
//! date parser, channels and statuses with their Vietnamese aliases, booleans) and
//! adding it to the counts of PRODUCT.md's metrics table for a period.
//!
//! Everything here is plain Rust on `&str`, so it is tested without polars and runs in
//! the tight loop over each batch the scan delivers.

use super::calendar::Calendar;
use super::procedures::Procedures;
use super::Counts;
use crate::date::Stamp;
use crate::diag::Code;

pub use crate::date::parse_stamp;

/// How a dossier arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Channel {
    /// In person at the one-stop desk (trực tiếp).
    Direct,
    /// Online (trực tuyến).
    Online,
    /// Public postal service (bưu chính công ích).
    Postal,
}

impl Channel {
    /// Parses `direct|online|postal` or `truc_tiep|truc_tuyen|bcci` (any case).
    pub fn parse(s: &str) -> Option<Channel> {
        // The usual spellings first: one comparison of length and bytes.
        match s {
            "direct" => return Some(Channel::Direct),
            "online" => return Some(Channel::Online),
            _ => {}
        }
        let s = trim(s);
        let eq = |a: &str| s.eq_ignore_ascii_case(a);
        if eq("direct") || eq("truc_tiep") {
            Some(Channel::Direct)
        } else if eq("online") || eq("truc_tuyen") {
            Some(Channel::Online)
        } else if eq("postal") || eq("bcci") {
            Some(Channel::Postal)
        } else {
            None
        }
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Direct => "direct",
            Channel::Online => "online",
            Channel::Postal => "postal",
        }
    }
}

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Received, not yet in progress.
    Received,
    /// In progress.
    Processing,
    /// Paused.
    Paused,
    /// Supplement requested.
    Supplement,
    /// Resolved: a result was issued.
    Resolved,
    /// Returned to the applicant.
    Returned,
    /// Withdrawn by the applicant.
    Withdrawn,
    /// Refused at intake: never counts as received (under `--method 766`, refused
    /// after receipt: received, and its processing ended).
    Refused,
    /// Processing stopped (dừng xử lý): ended without a result.
    Stopped,
}

impl Status {
    /// Parses a status name (any case), without allocating: this runs once per row.
    pub fn parse(s: &str) -> Option<Status> {
        const NAMES: [(&str, Status); 10] = [
            ("resolved", Status::Resolved),
            ("received", Status::Received),
            ("processing", Status::Processing),
            ("returned", Status::Returned),
            ("withdrawn", Status::Withdrawn),
            ("refused", Status::Refused),
            ("paused", Status::Paused),
            ("supplement", Status::Supplement),
            ("stopped", Status::Stopped),
            ("dung_xu_ly", Status::Stopped),
        ];
        if s == "resolved" {
            return Some(Status::Resolved); // most rows: one comparison
        }
        let s = trim(s);
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|(_, status)| *status)
    }
}

/// [`str::trim`], checked cheaply first: most fields start and end with a printable
/// ASCII byte, and this runs for every field of every row. (An edge byte at or below
/// the space, or not ASCII — which may begin or end a Unicode space — takes the full
/// trim; one comparison tells both.)
#[inline]
pub fn trim(s: &str) -> &str {
    let edge = |b: u8| b.wrapping_sub(0x21) >= 0x5f;
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) if edge(f) || edge(l) => s.trim(),
        _ => s,
    }
}

/// Parses `1/0`, `true/false`, `x`/empty (any case).
#[inline(always)]
pub fn parse_bool(s: &str) -> Option<bool> {
    // The usual values first, as they are (three flags a row).
    match s.as_bytes() {
        [] | [b'0'] => return Some(false),
        [b'1'] => return Some(true),
        _ => {}
    }
    let s = trim(s);
    if s.is_empty() || s == "0" || s.eq_ignore_ascii_case("false") {
        Some(false)
    } else if s == "1" || s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("x") {
        Some(true)
    } else {
        None
    }
}

/// Whether a fee is above zero; `None` if it is not a non-negative number.
pub fn fee_positive(s: &str, comma: bool) -> Option<bool> {
    let s = trim(s);
    if s.is_empty() {
        return Some(false);
    }
    // The usual fee, a whole number of đồng: above 0 when a digit is not 0.
    if s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Some(s.bytes().any(|b| b != b'0'));
    }
    let d = crate::num::parse_decimal(s, comma)?;
    if d.is_sign_negative() && !d.is_zero() {
        return None;
    }
    Some(!d.is_zero())
}

/// A rating 1–5; empty or 0 means no rating.
#[inline]
pub fn parse_rating(s: &str) -> Option<Option<u8>> {
    match trim(s) {
        "" | "0" => Some(None),
        "1" => Some(Some(1)),
        "2" => Some(Some(2)),
        "3" => Some(Some(3)),
        "4" => Some(Some(4)),
        "5" => Some(Some(5)),
        _ => None,
    }
}

/// Why a row cannot be used: a stable code, the column and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Its stable code.
    pub code: crate::diag::Code,
    /// The column concerned.
    pub column: &'static str,
    /// The offending value.
    pub value: String,
}

/// A value a typed Parquet column gave, in place of its text.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub enum Typed {
    /// Not typed: the text field holds the value.
    #[default]
    Text,
    /// A null.
    Null,
    /// A timestamp or a date, in Vietnam's local time.
    Stamp(Stamp),
    /// A whole number.
    Int(i64),
    /// A floating-point number (a fee only ever asks whether it is above 0).
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl Typed {
    /// The value as text, for a message.
    fn shown(self, text: &str) -> String {
        match self {
            Typed::Text => text.to_string(),
            Typed::Null => String::new(),
            Typed::Stamp(s) => {
                let d = crate::date::Date::from_days(s.day)
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                match s.minute {
                    Some(m) => format!("{d} {:02}:{:02}", m / 60, m % 60),
                    None => d,
                }
            }
            Typed::Int(i) => i.to_string(),
            Typed::Float(f) => f.to_string(),
            Typed::Bool(b) => b.to_string(),
        }
    }
}

/// The fields of one row as text (absent columns are empty), as the file holds them:
/// a value may have spaces around it, which every reader of a field trims ([`trim`],
/// [`Fields::trimmed`]): a reader that trimmed each field as it split it would trim
/// every value twice.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    /// The values in [`Fields::COLUMNS`] order (a reader writes a record's fields
    /// straight into them; the checks read them by name or by slot).
    pub values: [&'a str; WIDTH],
    /// Typed values of a typed Parquet log, in [`Fields::COLUMNS`] order (`Text`: the
    /// text field holds the value); [`ALL_TEXT`] for a text row (a reference, so that a
    /// text row does not write 13 values it never reads).
    pub typed: &'a [Typed; WIDTH],
}

/// The log's columns, once: [`Fields::COLUMNS`] (their names, in this order), their
/// number ([`WIDTH`]), each one's slot by name ([`slot`]) and a named accessor for each
/// value. A new column is one more name here.
macro_rules! columns {
    ($($name:ident),*) => {
        /// The places of the columns in [`Fields::values`].
        #[allow(non_camel_case_types, dead_code)]
        enum Slot {
            $($name),*
        }

        /// Each column's place in [`Fields::values`] and [`Fields::typed`], by name
        /// (`t[slot::received_at]`).
        #[allow(non_upper_case_globals)]
        pub mod slot {
            $(
                #[doc = concat!("The place of `", stringify!($name), "`.")]
                pub const $name: usize = super::Slot::$name as usize;
            )*
        }

        /// The number of the log's columns.
        pub const WIDTH: usize = [$(stringify!($name)),*].len();

        impl<'a> Fields<'a> {
            /// The log's column names, in the order [`Fields::from_values`] takes them.
            pub const COLUMNS: [&'static str; WIDTH] = [$(stringify!($name)),*];

            $(
                #[doc = concat!("`", stringify!($name), "` as the file holds it.")]
                #[inline]
                pub fn $name(&self) -> &'a str {
                    self.values[Slot::$name as usize]
                }
            )*
        }
    };
}

columns!(
    dossier_id,
    unit_id,
    received_at,
    channel,
    status,
    procedure_id,
    due_at,
    finished_at,
    fee,
    paid_online,
    digitized,
    e_result,
    rating,
    supplement_requested_at,
    supplement_received_at,
    supplement_requests,
    synced,
    reused_data,
    from_personal_store,
    to_personal_store,
    citizen_db
);

/// How many of [`Fields::COLUMNS`] the default method reads: the columns after them
/// are the official method's (`--method 766`), left unread otherwise.
pub const BASE_WIDTH: usize = slot::rating + 1;

/// The typed values of a row whose every field is text.
pub static ALL_TEXT: [Typed; WIDTH] = [Typed::Text; WIDTH];

impl Default for Fields<'_> {
    fn default() -> Self {
        Fields::from_values([""; WIDTH])
    }
}

impl<'a> Fields<'a> {
    /// The fields from values in [`Fields::COLUMNS`] order.
    pub fn from_values(values: [&'a str; WIDTH]) -> Fields<'a> {
        Fields {
            values,
            typed: &ALL_TEXT,
        }
    }

    /// The same fields, each value trimmed.
    pub fn trimmed(&self) -> Fields<'a> {
        Fields {
            typed: self.typed,
            ..Fields::from_values(self.values.map(trim))
        }
    }

    /// Whether the row is blank: every value empty or spaces, none typed. (A dossier
    /// has an id: one look at it answers for nearly every row.)
    #[inline]
    pub fn blank(&self) -> bool {
        trim(self.values[0]).is_empty()
            && self.is_text()
            && self.values.iter().all(|v| trim(v).is_empty())
    }

    /// Whether every field is text (none typed).
    #[inline]
    pub fn is_text(&self) -> bool {
        std::ptr::eq(self.typed, &ALL_TEXT) || self.typed.iter().all(|t| *t == Typed::Text)
    }

    /// Whether column `i` (of [`Fields::COLUMNS`]) is empty, typed or not.
    pub fn empty(&self, i: usize) -> bool {
        match self.typed[i] {
            Typed::Text => trim(self.values[i]).is_empty(),
            Typed::Null => true,
            _ => false,
        }
    }
}

/// A date or timestamp column: typed, or text to parse; `None` when empty.
fn stamp(t: Typed, text: &str, column: &'static str) -> Result<Option<Stamp>, Invalid> {
    match t {
        Typed::Stamp(s) => Ok(Some(s)),
        Typed::Null => Ok(None),
        Typed::Text => match trim(text) {
            "" => Ok(None),
            t => parse_stamp(t)
                .map(Some)
                .ok_or_else(|| bad(Code::BadDate, column, text)),
        },
        other => Err(bad(Code::BadDate, column, &other.shown(text))),
    }
}

/// A flag column: typed (a boolean, or 0/1), or text.
fn flag(t: Typed, text: &str, column: &'static str) -> Result<bool, Invalid> {
    match t {
        Typed::Text => parse_bool(text).ok_or_else(|| bad(Code::BadBoolean, column, text)),
        other => typed_flag(other).ok_or_else(|| bad(Code::BadBoolean, column, &other.shown(text))),
    }
}

/// A typed flag: a boolean, 0/1, or null (false); None for anything else.
pub fn typed_flag(t: Typed) -> Option<bool> {
    match t {
        Typed::Null | Typed::Int(0) => Some(false),
        Typed::Bool(b) => Some(b),
        Typed::Int(1) => Some(true),
        _ => None,
    }
}

/// A typed fee: whether it is above 0 (null: none); None if not a non-negative number.
pub fn typed_fee(t: Typed) -> Option<bool> {
    match t {
        Typed::Null => Some(false),
        Typed::Int(n) => (n >= 0).then_some(n > 0),
        Typed::Float(x) => (x >= 0.0).then_some(x > 0.0),
        _ => None,
    }
}

/// A typed rating: 1–5, or none (null or 0); None for anything else.
pub fn typed_rating(t: Typed) -> Option<Option<u8>> {
    match t {
        Typed::Null | Typed::Int(0) => Some(None),
        Typed::Int(n @ 1..=5) => Some(Some(n as u8)),
        _ => None,
    }
}

/// The ids of a row that group and identify it (trimmed).
#[derive(Debug, Clone, Copy)]
pub struct Ids<'a> {
    /// dossier_id
    pub dossier_id: &'a str,
    /// unit_id
    pub unit_id: &'a str,
    /// procedure_id
    pub procedure_id: &'a str,
}

impl<'a> Ids<'a> {
    /// The ids of a row's fields.
    pub fn of(f: &Fields<'a>) -> Ids<'a> {
        Ids {
            dossier_id: trim(f.dossier_id()),
            unit_id: trim(f.unit_id()),
            procedure_id: trim(f.procedure_id()),
        }
    }
}

/// A dossier ready to be counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dossier {
    /// The channel.
    pub channel: Channel,
    /// The status.
    pub status: Status,
    /// Day received.
    pub received: i64,
    /// Day due (given, or computed from the procedure).
    pub due: i64,
    /// Day finished, if finished.
    pub finished: Option<i64>,
    /// A fee above 0 was charged.
    pub fee: bool,
    /// The fee was paid online.
    pub paid_online: bool,
    /// The dossier was digitised.
    pub digitized: bool,
    /// The result was issued electronically.
    pub e_result: bool,
    /// The applicant's rating, 1–5.
    pub rating: Option<u8>,
}

fn bad(code: Code, column: &'static str, value: &str) -> Invalid {
    Invalid {
        code,
        column,
        value: value.to_string(),
    }
}

/// What is wrong with a dossier's finish, if anything: finished before it was received,
/// or a resolved, returned or withdrawn dossier without a finish.
pub fn finish_problem(status: Status, received: Stamp, finished: Option<Stamp>) -> Option<Code> {
    let key = |s: Stamp| (s.day, s.minute.unwrap_or(0));
    match finished {
        Some(f) if key(f) < key(received) => Some(Code::FinishedBeforeReceived),
        None if matches!(
            status,
            Status::Resolved | Status::Returned | Status::Withdrawn | Status::Stopped
        ) =>
        {
            Some(Code::MissingFinish)
        }
        _ => None,
    }
}

/// A row's values as the usual case reads them, for [`usual`]: a text log's fields
/// (parsed on demand) or a typed batch's converted columns. Each `None` means "not
/// the usual case" — the row then goes to [`parse`], which says what is wrong.
pub trait UsualRow<'a> {
    /// dossier_id, unit_id, channel, status or procedure_id (slots of
    /// [`Fields::COLUMNS`]), trimmed.
    fn text(&self, slot: usize) -> &'a str;
    /// received_at, due_at or finished_at: a date (`Some(None)` when empty or null).
    fn stamp(&self, slot: usize) -> Option<Option<Stamp>>;
    /// Whether a fee above 0 was charged.
    fn fee(&self) -> Option<bool>;
    /// paid_online, digitized or e_result.
    fn flag(&self, slot: usize) -> Option<bool>;
    /// The rating, 1–5 or none.
    fn rating(&self) -> Option<Option<u8>>;
    /// The channel (None when its text is not one).
    #[inline]
    fn channel(&self) -> Option<Channel> {
        Channel::parse(self.text(slot::channel))
    }
    /// The status (None when its text is not one).
    #[inline]
    fn status(&self) -> Option<Status> {
        Status::parse(self.text(slot::status))
    }
}

/// A text row (every field text, none typed) for [`usual`], with the log's decimal
/// comma setting for its fee.
pub struct TextRow<'f, 'a> {
    /// The row's fields.
    pub fields: &'f Fields<'a>,
    /// Whether `,` is the decimal separator.
    pub comma: bool,
    /// The scan worker's remembered dates.
    pub days: &'f crate::date::DayMemo,
}

impl<'a> UsualRow<'a> for TextRow<'_, 'a> {
    #[inline]
    fn text(&self, slot: usize) -> &'a str {
        trim(self.fields.values[slot])
    }
    #[inline(always)]
    fn stamp(&self, slot: usize) -> Option<Option<Stamp>> {
        match trim(self.fields.values[slot]) {
            "" => Some(None),
            t => self.days.parse_stamp(t).map(Some),
        }
    }
    #[inline]
    fn fee(&self) -> Option<bool> {
        fee_positive(self.fields.fee(), self.comma)
    }
    #[inline]
    fn flag(&self, slot: usize) -> Option<bool> {
        parse_bool(self.fields.values[slot])
    }
    #[inline]
    fn rating(&self) -> Option<Option<u8>> {
        parse_rating(self.fields.rating())
    }
}

/// The usual row — ids present, every value well formed, the deadline given — as a
/// checked dossier, with the checks of [`parse`] but without building an error for
/// each: None sends the row to [`parse`]. One definition for text and typed logs.
#[inline]
pub fn usual<'a>(r: &impl UsualRow<'a>) -> Option<(Ids<'a>, Dossier)> {
    let ids = Ids {
        dossier_id: r.text(slot::dossier_id),
        unit_id: r.text(slot::unit_id),
        procedure_id: r.text(slot::procedure_id),
    };
    if ids.dossier_id.is_empty() || ids.unit_id.is_empty() {
        return None;
    }
    let channel = r.channel()?;
    let status = r.status()?;
    let received = r.stamp(slot::received_at)??;
    let finished = r.stamp(slot::finished_at)?;
    if finish_problem(status, received, finished).is_some() {
        return None;
    }
    let due = match r.stamp(slot::due_at)? {
        Some(s) => s.day,
        None if status == Status::Refused => received.day,
        None => return None, // computed from the procedure: the general path
    };
    let d = Dossier {
        channel,
        status,
        received: received.day,
        due,
        finished: finished.map(|s| s.day),
        fee: r.fee()?,
        paid_online: r.flag(slot::paid_online)?,
        digitized: r.flag(slot::digitized)?,
        e_result: r.flag(slot::e_result)?,
        rating: r.rating()?,
    };
    Some((ids, d))
}

/// Parses and checks one row; a refused dossier parses but counts nowhere.
pub fn parse(
    f: &Fields,
    procedures: Option<&Procedures>,
    calendar: &Calendar,
    comma: bool,
) -> Result<Dossier, Invalid> {
    let t = f.typed;
    let (mut d, given, received) = parse_given(f, comma)?;
    d.due = match given {
        Some(s) => s.day,
        // A dossier refused at intake counts nowhere, so it needs no deadline.
        None if d.status == Status::Refused => d.received,
        None => {
            let proc = procedures
                .and_then(|p| p.get(trim(f.procedure_id())))
                .ok_or_else(|| bad(Code::NoDeadline, "procedure_id", f.procedure_id()))?;
            calendar
                .due(received.day, received.minute, proc.days, proc.cutoff)
                .ok_or_else(|| {
                    bad(
                        Code::BadDate,
                        "received_at",
                        &t[slot::received_at].shown(f.received_at()),
                    )
                })?
        }
    };
    Ok(d)
}

/// Parses and checks one row's values without computing a deadline: the dossier
/// (its `due` the day received when the log gives none), the log's due date, if any,
/// and the receipt's stamp (a computed deadline reads its minute). The official
/// method reads the procedure's maximum time instead ([`super::official`]); [`parse`]
/// computes a deadline from the register.
pub fn parse_given(f: &Fields, comma: bool) -> Result<(Dossier, Option<Stamp>, Stamp), Invalid> {
    let t = f.typed;
    for i in [
        slot::dossier_id,
        slot::unit_id,
        slot::received_at,
        slot::channel,
        slot::status,
    ] {
        if f.empty(i) {
            return Err(bad(Code::MissingValue, Fields::COLUMNS[i], f.values[i]));
        }
    }
    let received = stamp(t[slot::received_at], f.received_at(), "received_at")?
        .ok_or_else(|| bad(Code::BadDate, "received_at", f.received_at()))?;
    let channel = Channel::parse(f.channel())
        .ok_or_else(|| bad(Code::UnknownChannel, "channel", f.channel()))?;
    let status =
        Status::parse(f.status()).ok_or_else(|| bad(Code::UnknownStatus, "status", f.status()))?;
    let finished = stamp(t[slot::finished_at], f.finished_at(), "finished_at")?;
    if let Some(code) = finish_problem(status, received, finished) {
        return Err(bad(
            code,
            "finished_at",
            &t[slot::finished_at].shown(f.finished_at()),
        ));
    }
    let given = stamp(t[slot::due_at], f.due_at(), "due_at")?;
    let (fee, rating) = fee_and_rating(f, comma)?;
    let d = Dossier {
        channel,
        status,
        received: received.day,
        due: given.map_or(received.day, |s| s.day),
        finished: finished.map(|s| s.day),
        fee,
        paid_online: flag(t[slot::paid_online], f.paid_online(), "paid_online")?,
        digitized: flag(t[slot::digitized], f.digitized(), "digitized")?,
        e_result: flag(t[slot::e_result], f.e_result(), "e_result")?,
        rating,
    };
    Ok((d, given, received))
}

/// The columns only the official method reads (`--method 766`), checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras {
    /// The day a supplement was (first) requested.
    pub requested: Option<i64>,
    /// The day the supplement came back.
    pub supplied: Option<i64>,
    /// How many supplements were requested (a request date alone is one).
    pub requests: u32,
    /// Synced to the national portal.
    pub synced: bool,
    /// Digitised data was reused.
    pub reused_data: bool,
    /// A component from, or the e-result to, the citizen's personal store.
    pub personal_store: bool,
    /// Identified through the population database or VNeID.
    pub citizen_db: bool,
}

/// The official method's columns of a usual text row — well formed, read without
/// building errors — or None: the row then goes to [`extras`], which says what is wrong.
#[inline]
pub fn usual_extras(f: &Fields, days: &crate::date::DayMemo) -> Option<Extras> {
    let day = |s: usize| match trim(f.values[s]) {
        "" => Some(None),
        t => days.parse_stamp(t).map(|s| Some(s.day)),
    };
    let requested = day(slot::supplement_requested_at)?;
    let supplied = day(slot::supplement_received_at)?;
    if matches!((requested, supplied), (Some(r), Some(s)) if s < r) {
        return None;
    }
    let requests: u32 = match f.supplement_requests().as_bytes() {
        [] | [b'0'] => 0,
        [b'1'] => 1,
        _ => match trim(f.supplement_requests()) {
            "" => 0,
            s => s.parse().ok()?,
        },
    };
    let b = |s: usize| parse_bool(f.values[s]);
    Some(Extras {
        requested,
        supplied,
        requests: requests.max(u32::from(requested.is_some())),
        synced: b(slot::synced)?,
        reused_data: b(slot::reused_data)?,
        personal_store: b(slot::from_personal_store)? | b(slot::to_personal_store)?,
        citizen_db: b(slot::citizen_db)?,
    })
}

/// Parses the official method's columns of a row (absent columns are empty).
pub fn extras(f: &Fields) -> Result<Extras, Invalid> {
    let t = f.typed;
    let day = |s: usize| -> Result<Option<i64>, Invalid> {
        Ok(stamp(t[s], f.values[s], Fields::COLUMNS[s])?.map(|s| s.day))
    };
    let flag_at = |s: usize| flag(t[s], f.values[s], Fields::COLUMNS[s]);
    let requested = day(slot::supplement_requested_at)?;
    let supplied = day(slot::supplement_received_at)?;
    let requests = match t[slot::supplement_requests] {
        Typed::Null => Some(0),
        Typed::Int(n) => u32::try_from(n).ok(),
        Typed::Text => match trim(f.supplement_requests()) {
            "" => Some(0),
            s => s.parse::<u32>().ok(),
        },
        _ => None,
    }
    .ok_or_else(|| {
        bad(
            Code::BadNumber,
            "supplement_requests",
            &t[slot::supplement_requests].shown(f.supplement_requests()),
        )
    })?;
    if let (Some(r), Some(s)) = (requested, supplied) {
        if s < r {
            return Err(bad(
                Code::SupplementBeforeRequest,
                "supplement_received_at",
                &t[slot::supplement_received_at].shown(f.supplement_received_at()),
            ));
        }
    }
    Ok(Extras {
        requested,
        supplied,
        requests: requests.max(u32::from(requested.is_some())),
        synced: flag_at(slot::synced)?,
        reused_data: flag_at(slot::reused_data)?,
        // Both read (and checked), whatever the first says.
        personal_store: flag_at(slot::from_personal_store)? | flag_at(slot::to_personal_store)?,
        citizen_db: flag_at(slot::citizen_db)?,
    })
}

/// Whether a fee above 0 was charged, and the rating (typed or text).
fn fee_and_rating(f: &Fields, comma: bool) -> Result<(bool, Option<u8>), Invalid> {
    let t = f.typed;
    let fee = match t[slot::fee] {
        Typed::Text => fee_positive(f.fee(), comma),
        other => typed_fee(other),
    }
    .ok_or_else(|| bad(Code::BadNumber, "fee", &t[slot::fee].shown(f.fee())))?;
    let rating = match t[slot::rating] {
        Typed::Text => parse_rating(f.rating()),
        other => typed_rating(other),
    }
    .ok_or_else(|| {
        bad(
            Code::BadRating,
            "rating",
            &t[slot::rating].shown(f.rating()),
        )
    })?;
    Ok((fee, rating))
}

impl Dossier {
    /// Adds this dossier to the counts of the period [from, to] (day numbers, inclusive).
    pub fn count<T: Copy + std::ops::AddAssign + From<u8>>(
        &self,
        from: i64,
        to: i64,
        c: &mut Counts<T>,
    ) {
        let one = T::from(1);
        if self.status == Status::Refused {
            return;
        }
        let r = self.received;
        let fin_in = self.finished.is_some_and(|f| from <= f && f <= to);
        if from <= self.due && self.due <= to {
            c.due_in_period += one;
        }
        if from <= r && r <= to {
            c.received += one;
            match self.channel {
                Channel::Online => c.online += one,
                Channel::Postal => c.postal += one,
                Channel::Direct => {}
            }
            if self.fee {
                c.fee_received += one;
                if self.paid_online {
                    c.fee_paid_online += one;
                }
            }
            if self.digitized {
                c.digitized += one;
            }
        }
        if r < from && self.finished.is_none_or(|f| f >= from) {
            c.carried_over += one;
        }
        if self.status == Status::Resolved && fin_in {
            c.resolved += one;
            let f = self.finished.unwrap_or_default();
            match f.cmp(&self.due) {
                std::cmp::Ordering::Less => c.early += one,
                std::cmp::Ordering::Equal => c.on_time += one,
                std::cmp::Ordering::Greater => c.late += one,
            }
            if self.e_result {
                c.e_result += one;
            }
            if let Some(rating) = self.rating {
                c.rated += one;
                if rating >= 4 {
                    c.satisfied += one;
                }
            }
        }
        if matches!(
            self.status,
            Status::Returned | Status::Withdrawn | Status::Stopped
        ) && fin_in
        {
            c.returned += one;
        }
        if r <= to && self.finished.is_none_or(|f| f > to) {
            c.pending += one;
            if self.due < to {
                c.pending_overdue += one;
            }
        }
    }
}
