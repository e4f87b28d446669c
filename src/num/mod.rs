//! Exact numbers: parsing decimals the way inspectors write them, exact rational
//! arithmetic for points, ratios and indices, rounding once in the mode a framework
//! names, and formatting with a fixed number of places.
//!
//! Inputs are decimals ([`Decimal`]); everything computed from them is an [`Exact`]
//! rational (numerator and denominator, unbounded), because a ratio such as 17/31 or a
//! third of a point does not terminate and a 28-digit decimal would cut it: three
//! thirds would then sum to 0.9999…9 and a unit exactly on 80.005 would publish 80.00.
//! An `Exact` becomes a decimal only where the framework rounds it ([`Exact::round`]),
//! so every published figure is the correctly rounded exact value. No float ever
//! touches a score.

mod exact;

pub use exact::{Accum, Exact};

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

/// `num / den` as a percentage correctly rounded half away from zero to 2 places
/// (`54.84`); `None` when `den` is 0.
pub fn percent_of(num: u64, den: u64) -> Option<Decimal> {
    let hundred = Exact::from(100u64);
    Exact::ratio(&(Exact::from(num) * hundred), &Exact::from(den))
        .map(|r| r.round(2, RoundingMode::HalfUp))
}

/// [`percent_of`] with a `%` sign (`54.84%`).
pub fn percent(num: Decimal, den: Decimal) -> Option<String> {
    let hundred = Exact::from(100u64);
    Exact::ratio(&(Exact::from(num) * hundred), &Exact::from(den))
        .map(|r| format!("{:.2}%", r.round(2, RoundingMode::HalfUp)))
}

/// The largest magnitude accepted for any input number (a score, a count, a max):
/// 10^12, far beyond any real value.
pub const LIMIT: i64 = 1_000_000_000_000;

/// The most significant digits an input number may have: what a [`Decimal`] holds
/// exactly. A longer number would be rounded on reading, so it is refused instead.
pub const DIGITS: usize = 28;

/// Why a text is not an accepted number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Not a number at all.
    #[error("is not a number")]
    Malformed,
    /// Beyond ±[`LIMIT`].
    #[error("is beyond ±10^12")]
    TooLarge,
    /// More than [`DIGITS`] significant digits: it could not be read exactly.
    #[error("has more than 28 significant digits and cannot be read exactly")]
    TooPrecise,
    /// In a decimal-comma file, a dot that is not a thousands separator (`1.9`).
    #[error("is ambiguous: in a decimal-comma file a dot groups thousands (1.900 = 1900), so write one point nine as 1,9")]
    Ambiguous,
    /// In a decimal-dot file, a comma (`1,900` could be 1.9 or 1900).
    #[error("is ambiguous: use a dot for decimals and no thousands separator (or read the file with --decimal-comma)")]
    Comma,
}

/// Parses a decimal written with a dot (`86.95`), or, when `comma` is set, as a
/// Vietnamese-locale Excel writes it: a decimal comma and dots grouping thousands
/// (`1.900,5` = 1900.5, `1.900` = 1900). A number that could be misread is an error,
/// never a guess; so is one beyond ±[`LIMIT`] or longer than [`DIGITS`] digits.
pub fn parse_number(text: &str, comma: bool) -> Result<Decimal, NumberError> {
    let t = text.trim();
    if t.is_empty() || t.len() > 64 {
        return Err(NumberError::Malformed);
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'-' => ("-", &t[1..]),
        b'+' => ("", &t[1..]),
        _ => ("", t),
    };
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(NumberError::Malformed);
    }
    let canonical: String = if comma {
        from_comma(body)?
    } else {
        if body.contains(',') {
            return Err(NumberError::Comma);
        }
        let dots = body.bytes().filter(|&b| b == b'.').count();
        if dots > 1 || body.starts_with('.') || body.ends_with('.') {
            return Err(NumberError::Malformed);
        }
        body.to_string()
    };
    // Significant digits: leading zeros of the whole and trailing zeros of the
    // fraction carry no information.
    let (int, frac) = canonical.split_once('.').unwrap_or((&canonical, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let significant = if int.is_empty() {
        frac.trim_start_matches('0').len()
    } else {
        int.len() + frac.len()
    };
    if int.len() > 13 {
        return Err(NumberError::TooLarge);
    }
    if significant > DIGITS || frac.len() > DIGITS {
        return Err(NumberError::TooPrecise);
    }
    let exact = if frac.is_empty() {
        format!("{sign}{}", if int.is_empty() { "0" } else { int })
    } else {
        format!("{sign}{}.{frac}", if int.is_empty() { "0" } else { int })
    };
    let d = Decimal::from_str(&exact).map_err(|_| NumberError::Malformed)?;
    if !in_range(d) {
        return Err(NumberError::TooLarge);
    }
    Ok(d)
}

/// A decimal-comma body (`1.234,5`) as a dot decimal (`1234.5`): dots must group the
/// whole part in thousands.
fn from_comma(body: &str) -> Result<String, NumberError> {
    let (int, frac) = match body.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if frac.is_some_and(|f| f.is_empty() || f.contains([',', '.'])) {
        return Err(NumberError::Malformed);
    }
    let int = if int.contains('.') {
        let groups: Vec<&str> = int.split('.').collect();
        let first = groups[0];
        let ok = !first.is_empty() && first.len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return Err(NumberError::Ambiguous);
        }
        groups.concat()
    } else {
        int.to_string()
    };
    if int.is_empty() {
        return Err(NumberError::Malformed);
    }
    Ok(match frac {
        Some(f) => format!("{int}.{f}"),
        None => int,
    })
}

/// [`parse_number`] without the reason.
pub fn parse_decimal(text: &str, comma: bool) -> Option<Decimal> {
    parse_number(text, comma).ok()
}

/// Whether a number is within ±[`LIMIT`].
pub fn in_range(d: Decimal) -> bool {
    d.abs() <= Decimal::from(LIMIT)
}
