//! Exact numbers: parsing decimals the way inspectors write them, rounding only in the
//! mode a framework names, and formatting with a fixed number of places.
//!
//! Everything that becomes a point, a ratio or an index goes through here; no float
//! ever touches a score.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// How a framework rounds a published number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingMode {
    /// Half away from zero, as Excel's ROUND: 86.125 → 86.13.
    HalfUp,
    /// Half to even (banker's rounding): 86.125 → 86.12.
    HalfEven,
}

impl RoundingMode {
    /// The key used in framework files.
    pub fn name(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half-up",
            RoundingMode::HalfEven => "half-even",
        }
    }
}

/// Rounds `d` to `places` decimals in `mode`, and never yields a negative zero.
pub fn round(d: Decimal, places: u32, mode: RoundingMode) -> Decimal {
    let strategy = match mode {
        RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
    };
    let r = d.round_dp_with_strategy(places, strategy);
    if r.is_zero() {
        Decimal::ZERO.round_dp(places).max(r.abs())
    } else {
        r
    }
}

/// Formats `d` with exactly `places` decimals after rounding in `mode`.
pub fn fixed(d: Decimal, places: u32, mode: RoundingMode) -> String {
    let r = round(d, places, mode);
    format!("{:.*}", places as usize, r)
}

/// An exact decimal in its shortest form (`2`, `1.5`, `0.25`), for inputs and maxima.
pub fn plain(d: Decimal) -> String {
    let n = d.normalize();
    if n.is_zero() {
        "0".to_string()
    } else {
        n.to_string()
    }
}

/// A percentage of `num / den` with two decimals, half away from zero (`54.84%`).
pub fn percent(num: Decimal, den: Decimal) -> Option<String> {
    if den.is_zero() {
        return None;
    }
    Some(format!(
        "{}%",
        fixed(num / den * Decimal::ONE_HUNDRED, 2, RoundingMode::HalfUp)
    ))
}

/// Parses a decimal written with a dot (`86.95`), or with a comma when `comma` is set
/// (`86,95`, as Vietnamese-locale Excel writes it). Thousands separators are refused:
/// a number that could be misread is an error, never a guess; so is one beyond ±[`LIMIT`].
pub fn parse_decimal(text: &str, comma: bool) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let owned;
    let t = if comma && t.contains(',') {
        if t.contains('.') {
            return None;
        }
        owned = t.replacen(',', ".", 1);
        owned.as_str()
    } else {
        t
    };
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let mut dots = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => {}
            b'.' => dots += 1,
            _ => return None,
        }
    }
    if dots > 1 || body.is_empty() || body == "." || body.starts_with('.') || body.ends_with('.') {
        return None;
    }
    Decimal::from_str(t).ok().filter(|d| in_range(*d))
}

/// The largest magnitude accepted for any input number (a score, a count, a max):
/// 10^12, far beyond any real value, and small enough that every product the rules
/// compute (max × done × 100, points × scale) stays inside `Decimal`'s 28 digits, so
/// arithmetic never overflows.
pub const LIMIT: i64 = 1_000_000_000_000;

/// Whether a number is within ±[`LIMIT`].
pub fn in_range(d: Decimal) -> bool {
    d.abs() <= Decimal::from(LIMIT)
}
