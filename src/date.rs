//! Civil dates without a time zone, because every rule in this domain compares calendar
//! dates (a period's first and last day, a deadline, a receipt date) and nothing else.
//!
//! The type is deliberately tiny: parsing the two formats inspectors' files use
//! (`YYYY-MM-DD` and `DD/MM/YYYY`), validity (no 2025-02-30), and conversion to a day
//! number so that ranges and differences are plain integer arithmetic.

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

    /// Parses `YYYY-MM-DD` or `DD/MM/YYYY` (surrounding spaces allowed).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let t = text.trim();
        let malformed = || DateError::Malformed(t.to_string());
        let (y, m, d) = if let Some((y, rest)) = split3(t, '-') {
            if y.len() != 4 {
                return Err(malformed());
            }
            (y, rest.0, rest.1)
        } else if let Some((d, rest)) = split3(t, '/') {
            if rest.1.len() != 4 {
                return Err(malformed());
            }
            (rest.1, rest.0, d)
        } else {
            return Err(malformed());
        };
        let num = |s: &str, max_len: usize| -> Result<u32, DateError> {
            if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            s.parse().map_err(|_| malformed())
        };
        let (y, m, d) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
        Date::new(y as i32, m, d).ok_or_else(|| DateError::Impossible(t.to_string()))
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
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
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

fn split3(t: &str, sep: char) -> Option<(&str, (&str, &str))> {
    let mut it = t.split(sep);
    let (a, b, c) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    Some((a, (b, c)))
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
