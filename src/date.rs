//! Civil dates and timestamps, with one grammar for every input, because every rule in
//! this domain compares calendar dates (a period's first and last day, a deadline, a
//! receipt date) and nothing else.
//!
//! The grammar, everywhere (checklist, calendar, `--period`, dossier logs):
//!
//! - a date is `YYYY-MM-DD` or `DD/MM/YYYY`; the month and the day may have one digit
//!   (`2025-3-5`, `5/3/2025`); the year has four;
//! - a timestamp is a date, then a space or `T`, then `HH:MM` or `HH:MM:SS` (an
//!   optional fraction `.fff` is ignored), then optionally a zone: `Z` or `±HH:MM`
//!   (`±HHMM`). A timestamp with a zone is converted to Vietnam time (UTC+07:00) before
//!   its calendar date is taken; one without a zone is already local time.
//!
//! The type is deliberately tiny: validity (no 2025-02-30) and conversion to a day
//! number, so that ranges and differences are plain integer arithmetic.

use std::fmt;

/// A valid proleptic-Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a piece of text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not in one of the accepted shapes.
    #[error("`{0}` is not a date (expected YYYY-MM-DD or DD/MM/YYYY)")]
    Malformed(String),
    /// The right shape, but no such day (2025-02-30, month 13).
    #[error("`{0}` is not a real calendar date")]
    Impossible(String),
}

/// Minutes east of UTC of Vietnam time, the local time of every rule.
pub const LOCAL_OFFSET_MINUTES: i64 = 7 * 60;

/// A timestamp reduced to what the rules use: the local calendar day and, if given,
/// the minute of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    /// Days since 1970-01-01.
    pub day: i64,
    /// Minutes after midnight, when a time was given.
    pub minute: Option<u16>,
}

impl Date {
    /// A date from its parts, or `None` when no such day exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || !(1..=9999).contains(&year) {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// Parses a date of the grammar above (surrounding spaces allowed).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let t = text.trim();
        match date_part(t.as_bytes()) {
            Some((ymd, used)) if used == t.len() => {
                let (y, m, d) = ymd;
                Date::new(y as i32, m, d).ok_or_else(|| DateError::Impossible(t.to_string()))
            }
            _ => Err(DateError::Malformed(t.to_string())),
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }
    /// The month, 1–12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }
    /// The day of the month, 1–31.
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// Days since 1970-01-01 (negative before), so ranges are integer comparisons.
    pub fn to_days(self) -> i64 {
        days_from_civil(self.year, self.month(), self.day())
    }

    /// The date `days` after 1970-01-01; `None` outside years 1–9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(i32::try_from(y).ok()?, m as u32, d as u32)
    }

    /// The last day of this date's month.
    pub fn end_of_month(self) -> Date {
        let last = days_in_month(self.year, self.month());
        Date {
            day: last as u8,
            ..self
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Howard Hinnant's days_from_civil (a `const fn`: it also builds [`MONTH_STARTS`]).
const fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = year as i64 - (month <= 2) as i64;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Digits `b[at..]` of length 1..=`max`, stopping at the first non-digit: (value, end).
fn number(b: &[u8], at: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let mut n = 0u32;
    let mut i = at;
    while i < b.len() && i - at < max && b[i].is_ascii_digit() {
        n = n * 10 + u32::from(b[i] - b'0');
        i += 1;
    }
    (i - at >= min).then_some((n, i))
}

/// The date at the start of `b`: ((year, month, day), bytes used).
fn date_part(b: &[u8]) -> Option<((u32, u32, u32), usize)> {
    // The common case first: YYYY-MM-DD at fixed places.
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && (b.len() == 10 || !b[10].is_ascii_digit()) {
        let d = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        if let (Some(y), Some(m), Some(day)) = (d(0..4), d(5..7), d(8..10)) {
            return Some(((y, m, day), 10));
        }
    }
    let (first, i) = number(b, 0, 1, 4)?;
    match b.get(i) {
        Some(b'-') if i == 4 => {
            let (m, j) = number(b, i + 1, 1, 2)?;
            if b.get(j) != Some(&b'-') {
                return None;
            }
            let (d, k) = number(b, j + 1, 1, 2)?;
            Some(((first, m, d), k))
        }
        Some(b'/') if i <= 2 => {
            let (m, j) = number(b, i + 1, 1, 2)?;
            if b.get(j) != Some(&b'/') {
                return None;
            }
            let (y, k) = number(b, j + 1, 4, 4)?;
            Some(((y, m, first), k))
        }
        _ => None,
    }
}

/// Days since 1970-01-01 of a valid date, with a table for 1900–2199 so that a date in
/// a dossier log costs one look-up: the first day of each month, and of January 2200
/// (a month's length is the next entry's distance).
#[inline]
fn day_number(y: u32, m: u32, d: u32) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    if !(1900..2200).contains(&y) {
        return Date::new(i32::try_from(y).ok()?, m, d).map(Date::to_days);
    }
    let k = ((y - 1900) * 12 + m - 1) as usize;
    let (start, next) = (MONTH_STARTS[k], MONTH_STARTS[k + 1]);
    (i64::from(d) <= next - start).then(|| start + i64::from(d) - 1)
}

/// The first day of every month from January 1900 to January 2200, built at compile
/// time (no initialisation to check on each look-up).
static MONTH_STARTS: [i64; 3601] = {
    let mut t = [0i64; 3601];
    let mut k = 0;
    while k < t.len() {
        t[k] = days_from_civil(1900 + (k / 12) as i32, (k % 12) as u32 + 1, 1);
        k += 1;
    }
    t
};

/// Two ASCII digits as a number (None if either is not a digit).
#[inline(always)]
fn two_digits(a: u8, b: u8) -> Option<u32> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (a < 10 && b < 10).then(|| u32::from(a) * 10 + u32::from(b))
}

/// The day of the date part `b[..10]`, `YYYY-MM-DD` or day first, `DD/MM/YYYY` (the
/// separators checked by the caller, [`fixed_layout`]): four pairs of digits and one
/// look-up in [`MONTH_STARTS`].
#[inline]
fn fixed_day(b: &[u8]) -> Option<i64> {
    let b: &[u8; 10] = b.get(..10)?.try_into().ok()?;
    if b[2] == b'/' {
        return day_number(
            two_digits(b[6], b[7])? * 100 + two_digits(b[8], b[9])?,
            two_digits(b[3], b[4])?,
            two_digits(b[0], b[1])?,
        );
    }
    day_number(
        two_digits(b[0], b[1])? * 100 + two_digits(b[2], b[3])?,
        two_digits(b[5], b[6])?,
        two_digits(b[8], b[9])?,
    )
}

/// Whether `b` starts with a date part at fixed places: `YYYY-MM-DD` or `DD/MM/YYYY`
/// (day first, as Vietnamese one-stop systems write it).
#[inline]
fn fixed_layout(b: &[u8]) -> bool {
    (b[4] == b'-' && b[7] == b'-') || (b[2] == b'/' && b[5] == b'/')
}

/// How many `YYYY-MM-DD` date parts a [`DayMemo`] remembers: a log's dates span a
/// year or two, so nearly every date of a row is one seen before.
const MEMO: usize = 1024;

/// The day numbers of the date parts read last, for a scan that reads three dates a
/// row: one hashed look-up instead of reading and checking the digits. Each worker
/// of a scan owns one (it is not shared between threads: a thread-local memo cost an
/// indirect call per date).
pub struct DayMemo {
    /// Their 10 bytes as two words and their day numbers, by a hash of the bytes. Only
    /// valid dates are kept; an empty place has a key no date has (zero bytes).
    places: Box<[std::cell::Cell<(u64, u16, i64)>; MEMO]>,
}

impl Default for DayMemo {
    fn default() -> Self {
        DayMemo {
            places: Box::new([const { std::cell::Cell::new((0, 0, 0)) }; MEMO]),
        }
    }
}

impl DayMemo {
    /// The day of the date part `b[..10]` ([`fixed_layout`]): remembered, or read and
    /// checked.
    #[inline]
    fn day(&self, b: &[u8]) -> Option<i64> {
        let lo = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
        let hi = u16::from_le_bytes(b.get(8..10)?.try_into().ok()?);
        let at = ((lo ^ u64::from(hi)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54) as usize % MEMO;
        let (l, h, day) = self.places[at].get();
        if (l, h) == (lo, hi) {
            return Some(day);
        }
        let day = fixed_day(b)?;
        self.places[at].set((lo, hi, day));
        Some(day)
    }

    /// [`parse_stamp`], remembering date parts.
    #[inline(always)]
    pub fn parse_stamp(&self, s: &str) -> Option<Stamp> {
        usual_stamp(s.as_bytes(), |b| self.day(b)).or_else(|| full_stamp(s))
    }
}

/// The usual shapes of a log's dates, read at fixed places: `YYYY-MM-DD` or
/// `DD/MM/YYYY`, then ` HH:MM` or `THH:MM`, then `:SS` (no zone). None for anything
/// else, which the full grammar then reads: this only answers where [`parse_stamp`]
/// gives the same.
#[inline(always)]
fn usual_stamp(b: &[u8], day_of: impl FnOnce(&[u8]) -> Option<i64>) -> Option<Stamp> {
    if !matches!(b.len(), 10 | 16 | 19) || !fixed_layout(b) {
        return None;
    }
    let day = day_of(b)?;
    if b.len() == 10 {
        return Some(Stamp { day, minute: None });
    }
    if !matches!(b[10], b' ' | b'T') || b[13] != b':' {
        return None;
    }
    let (h, mi) = (two_digits(b[11], b[12])?, two_digits(b[14], b[15])?);
    let seconds_ok = || b[16] == b':' && two_digits(b[17], b[18]).is_some_and(|s| s <= 60);
    if h > 23 || mi > 59 || (b.len() == 19 && !seconds_ok()) {
        return None;
    }
    Some(Stamp {
        day,
        minute: Some((h * 60 + mi) as u16),
    })
}

/// Parses a date or a timestamp of the grammar above; `None` if malformed or not a real
/// date. Runs for every date of every dossier row, so it does not allocate.
pub fn parse_stamp(s: &str) -> Option<Stamp> {
    // The usual shapes have no spaces to trim: tried first, on the text as it is.
    usual_stamp(s.as_bytes(), fixed_day).or_else(|| full_stamp(s))
}

/// [`parse_stamp`] for what the usual shapes do not read: the whole grammar.
fn full_stamp(s: &str) -> Option<Stamp> {
    let b = s.trim().as_bytes();
    let ((y, m, d), i) = date_part(b)?;
    let day = day_number(y, m, d)?;
    let rest = &b[i..];
    if rest.is_empty() {
        return Some(Stamp { day, minute: None });
    }
    if !(rest[0] == b' ' || rest[0] == b'T') {
        return None;
    }
    let (h, j) = number(rest, 1, 1, 2)?;
    if rest.get(j) != Some(&b':') {
        return None;
    }
    let (mi, mut k) = number(rest, j + 1, 2, 2)?;
    if h > 23 || mi > 59 {
        return None;
    }
    if rest.get(k) == Some(&b':') {
        let (sec, e) = number(rest, k + 1, 2, 2)?;
        if sec > 60 {
            return None;
        }
        k = e;
        if rest.get(k) == Some(&b'.') {
            let (_, e) = number(rest, k + 1, 1, 9)?;
            k = e;
        }
    }
    let local = i64::from(h * 60 + mi);
    let offset = match &rest[k..] {
        [] => {
            return Some(Stamp {
                day,
                minute: Some(local as u16),
            })
        }
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let (hh, mm) = match zone {
                [a, b, b':', c, d] | [a, b, c, d] => {
                    (number(&[*a, *b], 0, 2, 2)?.0, number(&[*c, *d], 0, 2, 2)?.0)
                }
                _ => return None,
            };
            if hh > 14 || mm > 59 {
                return None;
            }
            let m = i64::from(hh * 60 + mm);
            if *sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    // The instant in minutes since the epoch (UTC), then in Vietnam time.
    let utc = day * 1440 + local - offset;
    let here = utc + LOCAL_OFFSET_MINUTES;
    Some(Stamp {
        day: here.div_euclid(1440),
        minute: Some(here.rem_euclid(1440) as u16),
    })
}
