//! Reporting periods: the `--period` values of PRODUCT.md (`2025`, `2025-Q1`, `2025-03`,
//! `FROM..TO`) turned into an inclusive range of calendar dates.

use crate::date::Date;
use std::fmt;

/// An inclusive range of calendar dates, with the text the user wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The first day of the period.
    pub from: Date,
    /// The last day of the period (included).
    pub to: Date,
    /// The text it was parsed from, echoed in outputs.
    pub label: String,
}

/// Why a `--period` value was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a period: {reason} (expected 2025, 2025-Q1, 2025-03 or 2025-01-01..2025-06-30)")]
pub struct PeriodError {
    /// What was given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// How a named period (`2025`, `2025-Q1`, `2025-03`) maps to dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Convention {
    /// Calendar months: 2025 = 2025-01-01..2025-12-31.
    #[default]
    Calendar,
    /// The 15th-to-14th reporting convention: 2025 = 2024-12-15..2025-12-14,
    /// 2025-03 = 2025-02-15..2025-03-14.
    #[value(help = "The 15th-to-14th reporting convention: 2025 = 2024-12-15..2025-12-14")]
    MidMonth,
    /// The 21st-to-20th convention: 2025 = 2024-12-21..2025-12-20, 2025-03 =
    /// 2025-02-21..2025-03-20.
    #[value(
        name = "21-20",
        help = "The 21st-to-20th convention: 2025 = 2024-12-21..2025-12-20"
    )]
    TwentyFirst,
}

impl Convention {
    /// Parses `calendar`, `mid-month` or `21-20`.
    pub fn parse(s: &str) -> Option<Convention> {
        match s {
            "calendar" => Some(Convention::Calendar),
            "mid-month" => Some(Convention::MidMonth),
            "21-20" => Some(Convention::TwentyFirst),
            _ => None,
        }
    }

    /// The day a named period starts on in the month before, and the day it ends on
    /// (`None` for calendar months).
    fn days(self) -> Option<(u32, u32)> {
        match self {
            Convention::Calendar => None,
            Convention::MidMonth => Some((15, 14)),
            Convention::TwentyFirst => Some((21, 20)),
        }
    }
}

impl Period {
    /// How many whole months the period spans, from its first day to the day before
    /// the same day that many months later (a month 1, a quarter 3, a year 12, under
    /// any convention); None for a period of days that is not whole months (or longer
    /// than a year).
    pub fn whole_months(&self) -> Option<u32> {
        let (y, m, d) = (self.from.year(), self.from.month(), self.from.day());
        (1..=12u32).find(|k| {
            let months = i64::from(y) * 12 + i64::from(m) - 1 + i64::from(*k);
            let (ny, nm) = (months.div_euclid(12), months.rem_euclid(12) + 1);
            let next = i32::try_from(ny)
                .ok()
                .and_then(|ny| Date::new(ny, nm as u32, d));
            next.is_some_and(|n| n.to_days() - 1 == self.to.to_days())
        })
    }

    /// Parses a period under a reporting convention (explicit `FROM..TO` ranges are
    /// taken as written).
    pub fn parse_with(text: &str, convention: Convention) -> Result<Period, PeriodError> {
        let p = Period::parse(text)?;
        let Some((first, last)) = convention.days().filter(|_| !p.label.contains("..")) else {
            return Ok(p);
        };
        // The `first` of the month before `from`, to the `last` of `to`'s month.
        let (y, m) = if p.from.month() == 1 {
            (p.from.year() - 1, 12)
        } else {
            (p.from.year(), p.from.month() - 1)
        };
        let err = |reason: &str| PeriodError {
            text: p.label.clone(),
            reason: reason.to_string(),
        };
        let from = Date::new(y, m, first).ok_or_else(|| err("out of range"))?;
        let to = Date::new(p.to.year(), p.to.month(), last).ok_or_else(|| err("out of range"))?;
        Ok(Period {
            from,
            to,
            label: p.label,
        })
    }

    /// Parses a period in one of the accepted forms (calendar convention).
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let t = text.trim();
        let err = |reason: &str| PeriodError {
            text: t.to_string(),
            reason: reason.to_string(),
        };
        let year = |s: &str| -> Result<i32, PeriodError> {
            if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
                let y: i32 = s.parse().map_err(|_| err("bad year"))?;
                if y >= 1 {
                    return Ok(y);
                }
            }
            Err(err("the year must have four digits"))
        };
        let (from, to) = if let Some((a, b)) = t.split_once("..") {
            let from = Date::parse(a).map_err(|e| err(&e.to_string()))?;
            let to = Date::parse(b).map_err(|e| err(&e.to_string()))?;
            if to < from {
                return Err(err("the end is before the start"));
            }
            (from, to)
        } else if let Some((y, q)) = t.split_once("-Q").or_else(|| t.split_once("-q")) {
            let y = year(y)?;
            let q: u32 = match q {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                "4" => 4,
                _ => return Err(err("the quarter must be 1 to 4")),
            };
            let from = Date::new(y, 3 * q - 2, 1).ok_or_else(|| err("bad quarter"))?;
            let to = Date::new(y, 3 * q, 1)
                .ok_or_else(|| err("bad quarter"))?
                .end_of_month();
            (from, to)
        } else if let Some((y, m)) = t.split_once('-') {
            let y = year(y)?;
            let m: u32 = if m.len() == 2 {
                m.parse().unwrap_or(0)
            } else {
                0
            };
            let from = Date::new(y, m, 1).ok_or_else(|| err("the month must be 01 to 12"))?;
            (from, from.end_of_month())
        } else {
            let y = year(t)?;
            let from = Date::new(y, 1, 1).ok_or_else(|| err("bad year"))?;
            let to = Date::new(y, 12, 31).ok_or_else(|| err("bad year"))?;
            (from, to)
        };
        Ok(Period {
            from,
            to,
            label: t.to_string(),
        })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}..{})", self.label, self.from, self.to)
    }
}
