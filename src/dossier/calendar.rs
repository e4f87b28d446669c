//! Working days: which days count toward a deadline, and the deadline of a dossier.
//!
//! DOMAIN.md: counting starts the day after receipt; Saturdays and Sundays are off
//! unless the calendar marks them `workday` (a make-up working Saturday); calendar
//! `holiday` days are off; a deadline always lands on a working day. A procedure with
//! 0 processing days is due the same day, or the next working day when received on a
//! day off or after its same-day cutoff.
//!
//! The calendar precomputes, for every day of 1990–2100, the number of working days up
//! to it (`cum`), so a deadline is two array look-ups rather than a loop.

use crate::date::Date;
use crate::diag::{Code, Diagnostic};
use crate::input::Table;
use std::collections::BTreeSet;

const FIRST: (i32, u32, u32) = (1990, 1, 1);
const LAST: (i32, u32, u32) = (2100, 12, 31);

/// A working-day calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    first: i64,
    /// Working days up to and including each day, from `first`.
    cum: Vec<u32>,
    /// The day number of the n-th working day (n from 1; index 0 unused).
    nth: Vec<i64>,
    /// Years that have at least one calendar entry (others: weekends only).
    years: BTreeSet<i32>,
    /// Where it came from, for messages.
    pub source: String,
}

/// The built-in calendar of Vietnamese public holidays and make-up days.
pub const BUILTIN: &str = include_str!("../../criteria/calendar/vn-holidays.csv");

impl Calendar {
    /// A calendar from `date,kind[,name]` rows (`kind` is `holiday` or `workday`).
    pub fn from_table(table: &Table, diags: &mut Vec<Diagnostic>) -> Calendar {
        let (dc, kc) = (
            table.col("date").expect("required"),
            table.col("kind").expect("required"),
        );
        let mut holidays = BTreeSet::new();
        let mut workdays = BTreeSet::new();
        let mut years = BTreeSet::new();
        for row in &table.rows {
            let at = |d: Diagnostic| d.at(&table.file, Some(row.line));
            let date = match Date::parse(&row[dc]) {
                Ok(d) => d,
                Err(e) => {
                    diags.push(at(Diagnostic::new(Code::BadDate, e.to_string())));
                    continue;
                }
            };
            years.insert(date.year());
            match row[kc].to_ascii_lowercase().as_str() {
                "holiday" => {
                    holidays.insert(date.to_days());
                }
                "workday" => {
                    workdays.insert(date.to_days());
                }
                other => diags.push(at(Diagnostic::new(
                    Code::UnknownValue,
                    format!("kind `{other}` is not `holiday` or `workday`"),
                ))),
            }
        }
        let first = date_days(FIRST);
        let last = date_days(LAST);
        let mut cum = Vec::with_capacity((last - first + 1) as usize);
        let mut nth = vec![0i64];
        let mut n = 0u32;
        for day in first..=last {
            // 1970-01-01 was a Thursday: weekday 0 = Monday … 6 = Sunday.
            let weekday = (day + 3).rem_euclid(7);
            let weekend = weekday >= 5;
            let off = holidays.contains(&day) || (weekend && !workdays.contains(&day));
            if !off {
                n += 1;
                nth.push(day);
            }
            cum.push(n);
        }
        Calendar {
            first,
            cum,
            nth,
            years,
            source: table.file.to_string(),
        }
    }

    /// The built-in calendar (criteria/calendar/vn-holidays.csv).
    pub fn builtin() -> Calendar {
        let table = Table::parse(BUILTIN.as_bytes(), "built-in calendar", &["date", "kind"])
            .expect("the built-in calendar parses");
        let mut diags = Vec::new();
        let mut c = Calendar::from_table(&table, &mut diags);
        debug_assert!(diags.is_empty(), "{diags:?}");
        c.source = "built-in calendar".into();
        c
    }

    /// Whether the calendar has entries for this year (else only weekends are off).
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The days it covers (day numbers, both included).
    pub fn range(&self) -> (i64, i64) {
        (self.first, self.first + self.cum.len() as i64 - 1)
    }

    /// The days whose status differs from the weekday rule (a holiday on a weekday, a
    /// make-up working weekend day), with whether each is worked: the calendar in the
    /// form a SQL calendar table needs (`cchc metrics --emit-sql`).
    pub fn exceptions(&self) -> Vec<(i64, bool)> {
        let (first, last) = self.range();
        (first..=last)
            .filter_map(|day| {
                let working = self.is_working(day)?;
                let weekend = (day + 3).rem_euclid(7) >= 5;
                (working == weekend).then_some((day, working))
            })
            .collect()
    }

    #[inline]
    fn index(&self, day: i64) -> Option<usize> {
        let i = day - self.first;
        (i >= 0 && (i as usize) < self.cum.len()).then_some(i as usize)
    }

    /// Whether a day is a working day (None outside 1990–2100).
    pub fn is_working(&self, day: i64) -> Option<bool> {
        let i = self.index(day)?;
        let before = if i == 0 { 0 } else { self.cum[i - 1] };
        Some(self.cum[i] > before)
    }

    /// The working days after `after` up to and including `through` (0 when `through`
    /// is not after `after`). None outside 1990–2100.
    pub fn working_days(&self, after: i64, through: i64) -> Option<u32> {
        if through <= after {
            return Some(0);
        }
        Some(self.cum[self.index(through)?] - self.cum[self.index(after)?])
    }

    /// The day `k` working days after `day` (`day` itself when `k` is 0). None outside
    /// 1990–2100.
    #[inline]
    pub fn shift(&self, day: i64, k: u32) -> Option<i64> {
        if k == 0 {
            return Some(day);
        }
        self.nth
            .get(self.cum[self.index(day)?] as usize + k as usize)
            .copied()
    }

    /// The deadline of a dossier received on `day` (at `minute` of the day, if known)
    /// for a procedure of `days` working days with an optional same-day cutoff
    /// (minutes after midnight). None outside 1990–2100.
    pub fn due(
        &self,
        day: i64,
        minute: Option<u16>,
        days: u32,
        cutoff: Option<u16>,
    ) -> Option<i64> {
        let i = self.index(day)?;
        if days == 0 {
            let late = matches!((minute, cutoff), (Some(m), Some(c)) if m > c);
            if self.is_working(day)? && !late {
                return Some(day);
            }
            return self.nth.get(self.cum[i] as usize + 1).copied();
        }
        self.nth.get(self.cum[i] as usize + days as usize).copied()
    }
}

fn date_days((y, m, d): (i32, u32, u32)) -> i64 {
    Date::new(y, m, d).expect("constant date").to_days()
}
