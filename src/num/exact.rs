//! [`Exact`]: a rational number that never loses a digit.
//!
//! Most values a scoring run meets are small (points like 17/31 × 2, sums of a few
//! dozen of them): they are kept as a pair of `i64` in lowest terms, with no heap
//! allocation (a national run holds millions of them), each operation computed in
//! `i128` and checked. A result that would overflow
//! moves to an unbounded [`BigRational`] and comes back to the small form as soon as it
//! fits again, so every value has one representation and equality is plain equality.

use super::RoundingMode;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

/// An exact rational number (always in lowest terms, denominator positive).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Exact(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// numerator, denominator (> 0), in lowest terms.
    Small(i64, i64),
    /// Too large for the small form.
    Big(Box<BigRational>),
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a as i128
}

/// The greatest common divisor of two big integers (≥ 0). num's own gcd (binary)
/// takes a step per bit of the larger when the other is small — a count of dossiers
/// against a sum of shares' denominator of hundreds of bits — so a first step of
/// Euclid's brings the larger down to the size of the smaller.
fn big_gcd(a: &BigInt, b: &BigInt) -> BigInt {
    let (a, b) = (a.abs(), b.abs());
    let (large, small) = if a >= b { (a, b) } else { (b, a) };
    if small.is_zero() {
        return large;
    }
    if large.bits() > small.bits() + 64 {
        return (large % &small).gcd(&small);
    }
    large.gcd(&small)
}

fn pow10(n: u32) -> BigInt {
    num_traits::pow(BigInt::from(10u8), n as usize)
}

impl Exact {
    /// `n / d` (d ≠ 0) in lowest terms; `None` if it does not fit the small form.
    fn small(n: i128, d: i128) -> Option<Exact> {
        let g = gcd(n, d).max(1);
        let (mut n, mut d) = (n / g, d / g);
        if d < 0 {
            n = n.checked_neg()?;
            d = d.checked_neg()?;
        }
        Some(Exact(Repr::Small(
            i64::try_from(n).ok()?,
            i64::try_from(d).ok()?,
        )))
    }

    /// The small form's parts, widened for arithmetic.
    fn parts(&self) -> Option<(i128, i128)> {
        match self.0 {
            Repr::Small(n, d) => Some((i128::from(n), i128::from(d))),
            Repr::Big(_) => None,
        }
    }

    fn from_big(r: BigRational) -> Exact {
        match (r.numer().to_i64(), r.denom().to_i64()) {
            (Some(n), Some(d)) => Exact(Repr::Small(n, d)),
            _ => Exact(Repr::Big(Box::new(r))),
        }
    }

    fn big(&self) -> BigRational {
        match &self.0 {
            Repr::Small(n, d) => BigRational::new_raw(BigInt::from(*n), BigInt::from(*d)),
            Repr::Big(b) => (**b).clone(),
        }
    }

    /// 0.
    pub fn zero() -> Exact {
        Exact(Repr::Small(0, 1))
    }

    /// 1.
    pub fn one() -> Exact {
        Exact(Repr::Small(1, 1))
    }

    /// An integer.
    pub fn int(n: i64) -> Exact {
        Exact(Repr::Small(n, 1))
    }

    /// `num / den`; `None` when `den` is 0.
    pub fn ratio(num: &Exact, den: &Exact) -> Option<Exact> {
        if den.is_zero() {
            return None;
        }
        if let (Some((a, b)), Some((c, d))) = (num.parts(), den.parts()) {
            // (a/b) / (c/d) = (a·d) / (b·c), reduced crosswise first.
            let (g1, g2) = (gcd(a, c).max(1), gcd(b, d).max(1));
            let n = (a / g1).checked_mul(d / g2);
            let m = (b / g2).checked_mul(c / g1);
            if let (Some(n), Some(m)) = (n, m) {
                if let Some(x) = Exact::small(n, m) {
                    return Some(x);
                }
            }
        }
        Some(num.mul_big(&den.recip()))
    }

    /// Whether it is 0.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small(n, _) => *n == 0,
            Repr::Big(b) => b.is_zero(),
        }
    }

    /// Whether it is below 0.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small(n, _) => *n < 0,
            Repr::Big(b) => b.is_negative(),
        }
    }

    /// The absolute value.
    pub fn abs(&self) -> Exact {
        if self.is_negative() {
            -self.clone()
        } else {
            self.clone()
        }
    }

    /// The smaller of two values.
    pub fn min_of(self, other: Exact) -> Exact {
        std::cmp::min(self, other)
    }

    /// Rounds to `places` decimals in `mode` — the one rounding of a published figure —
    /// and never yields a negative zero. Values beyond what a [`Decimal`] holds cannot
    /// arise from inputs within ±`LIMIT`; they saturate.
    pub fn round(&self, places: u32, mode: RoundingMode) -> Decimal {
        if let Some((n, d)) = self.parts() {
            if let Some(scaled) = 10i128.checked_pow(places).and_then(|p| n.checked_mul(p)) {
                let (q, r) = (scaled.div_euclid(d), scaled.rem_euclid(d));
                let up = match (2 * r).cmp(&d) {
                    Ordering::Less => false,
                    Ordering::Greater => true,
                    Ordering::Equal => match mode {
                        RoundingMode::HalfUp => scaled >= 0,
                        RoundingMode::HalfEven => q % 2 != 0,
                    },
                };
                let m = if up { q + 1 } else { q };
                if let Ok(dec) = Decimal::try_from_i128_with_scale(m, places) {
                    return if dec.is_zero() {
                        Decimal::new(0, places)
                    } else {
                        dec
                    };
                }
            }
        }
        self.round_big(places, mode)
    }

    fn round_big(&self, places: u32, mode: RoundingMode) -> Decimal {
        // Scaled without reducing: the rounding reads the quotient and remainder only.
        let x = self.big();
        let (num, den) = (&(x.numer() * pow10(places)), x.denom());
        let (q, r) = num.div_mod_floor(den);
        // floor(x) = q, x − q = r/den in [0, 1): compare 2r with den.
        let twice: BigInt = &r * BigInt::from(2u8);
        let up = match twice.cmp(den) {
            Ordering::Less => false,
            Ordering::Greater => true,
            Ordering::Equal => match mode {
                // Half away from zero: up for positives, down (away) for negatives.
                RoundingMode::HalfUp => !num.is_negative(),
                RoundingMode::HalfEven => q.is_odd(),
            },
        };
        let n = if up { q + 1 } else { q };
        let d = match n.to_i128() {
            Some(i) => Decimal::try_from_i128_with_scale(i, places).unwrap_or(if i < 0 {
                Decimal::MIN
            } else {
                Decimal::MAX
            }),
            None if n.is_negative() => Decimal::MIN,
            None => Decimal::MAX,
        };
        if d.is_zero() {
            Decimal::new(0, places)
        } else {
            d
        }
    }

    /// The exact value as a decimal, when it terminates and fits (`1/4` → 0.25;
    /// `1/3` → None).
    pub fn to_decimal(&self) -> Option<Decimal> {
        let Some((n, d)) = self.parts() else {
            return self.to_decimal_big();
        };
        // d = 2^a 5^b: n/d = n·(5^(p−a)·2^(p−b)) / 10^p with p = max(a, b).
        let (mut rest, mut twos, mut fives) = (d, 0u32, 0u32);
        while rest % 2 == 0 {
            rest /= 2;
            twos += 1;
        }
        while rest % 5 == 0 {
            rest /= 5;
            fives += 1;
        }
        let places = twos.max(fives);
        if rest != 1 || places > 28 {
            return None;
        }
        // d · 2^(p−twos) · 5^(p−fives) = 10^p.
        let factor = 2i128
            .checked_pow(places - twos)?
            .checked_mul(5i128.checked_pow(places - fives)?)?;
        let mantissa = n.checked_mul(factor)?;
        Decimal::try_from_i128_with_scale(mantissa, places)
            .ok()
            .map(|d| d.normalize())
    }

    fn to_decimal_big(&self) -> Option<Decimal> {
        let b = self.big();
        let mut d = b.denom().clone();
        let mut places = 0u32;
        let (two, five) = (BigInt::from(2u8), BigInt::from(5u8));
        let mut factor = BigInt::one();
        while d.is_even() {
            d /= &two;
            factor *= &five;
            places += 1;
        }
        while (&d % &five).is_zero() {
            d /= &five;
            factor *= &two;
            places += 1;
        }
        if !d.is_one() || places > 28 {
            return None;
        }
        let mantissa = (b.numer() * factor).to_i128()?;
        Decimal::try_from_i128_with_scale(mantissa, places)
            .ok()
            .map(|d| d.normalize())
    }

    /// The value as a reduced fraction: `17/31`, or `3` when it is whole.
    pub fn fraction(&self) -> String {
        match &self.0 {
            Repr::Small(n, 1) => n.to_string(),
            Repr::Small(n, d) => format!("{n}/{d}"),
            Repr::Big(b) if b.is_integer() => b.numer().to_string(),
            Repr::Big(b) => format!("{}/{}", b.numer(), b.denom()),
        }
    }

    /// A readable decimal: exact when it terminates within `places` digits, else cut to
    /// `places` digits and marked `…` (`0.3333333333…`). For explanations, never for a
    /// published figure.
    pub fn readable(&self, places: u32) -> String {
        if let Some(d) = self.to_decimal().filter(|d| d.scale() <= places) {
            return super::plain(d);
        }
        let negative = self.is_negative();
        let digits = match self.parts() {
            Some((n, d)) => match 10i128.checked_pow(places).and_then(|p| n.checked_mul(p)) {
                Some(scaled) => (scaled / d).unsigned_abs().to_string(),
                None => self.truncated_big(places),
            },
            None => self.truncated_big(places),
        };
        let p = places as usize;
        let padded = format!("{digits:0>width$}", width = p + 1);
        let (int, frac) = padded.split_at(padded.len() - p);
        let frac = frac.trim_end_matches('0');
        let sign = if negative { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}…")
        } else {
            format!("{sign}{int}.{frac}…")
        }
    }

    /// |self| × 10^places, truncated, in digits.
    fn truncated_big(&self, places: u32) -> String {
        let x = self.big();
        ((x.numer() * pow10(places)) / x.denom()).abs().to_string()
    }

    fn add_ref(&self, o: &Exact) -> Exact {
        if o.is_zero() {
            return self.clone();
        }
        if self.is_zero() {
            return o.clone();
        }
        self.add_small(o).unwrap_or_else(|| self.add_big(o))
    }

    /// `a/b + c/d` with `g = gcd(b, d)`: `(a·(d/g) + c·(b/g)) / (b·(d/g))`, reduced by
    /// the gcd of that numerator and `g` alone (both in lowest terms: no other factor
    /// can be common).
    fn add_big(&self, o: &Exact) -> Exact {
        let (x, y) = (self.big(), o.big());
        let (a, b, c, d) = (x.numer(), x.denom(), y.numer(), y.denom());
        let g = big_gcd(b, d);
        let (bg, dg) = (b / &g, d / &g);
        let n = a * &dg + c * &bg;
        let h = big_gcd(&n, &g);
        if h.is_one() {
            return Exact::from_big(BigRational::new_raw(n, b * dg));
        }
        Exact::from_big(BigRational::new_raw(n / &h, b / &h * dg))
    }

    /// `(a/b)·(c/d)`, each numerator reduced against the other's denominator first.
    fn mul_big(&self, o: &Exact) -> Exact {
        let (x, y) = (self.big(), o.big());
        let (a, b, c, d) = (x.numer(), x.denom(), y.numer(), y.denom());
        let (g1, g2) = (big_gcd(a, d), big_gcd(c, b));
        let (g1, g2) = (g1.max(BigInt::one()), g2.max(BigInt::one()));
        Exact::from_big(BigRational::new_raw(
            (a / &g1) * (c / &g2),
            (b / &g2) * (d / &g1),
        ))
    }

    /// `1/self` (self ≠ 0), its sign on the numerator.
    fn recip(&self) -> Exact {
        let x = self.big();
        let (n, d) = (x.numer(), x.denom());
        if n.is_negative() {
            Exact::from_big(BigRational::new_raw(-d, -n))
        } else {
            Exact::from_big(BigRational::new_raw(d.clone(), n.clone()))
        }
    }

    /// The sum when both and it fit the small form.
    fn add_small(&self, o: &Exact) -> Option<Exact> {
        let ((a, b), (c, d)) = (self.parts()?, o.parts()?);
        let (n, m) = if b == d {
            (a.checked_add(c)?, b)
        } else {
            let g = gcd(b, d);
            let (bg, dg) = (b / g, d / g);
            (
                a.checked_mul(dg)?.checked_add(c.checked_mul(bg)?)?,
                b.checked_mul(dg)?,
            )
        };
        Exact::small(n, m)
    }

    fn mul_ref(&self, o: &Exact) -> Exact {
        if let (Some((a, b)), Some((c, d))) = (self.parts(), o.parts()) {
            let (g1, g2) = (gcd(a, d).max(1), gcd(c, b).max(1));
            let n = (a / g1).checked_mul(c / g2);
            let m = (b / g2).checked_mul(d / g1);
            if let Some(x) = n.zip(m).and_then(|(n, m)| Exact::small(n, m)) {
                return x;
            }
        }
        self.mul_big(o)
    }
}

impl fmt::Debug for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Exact({})", self.fraction())
    }
}

impl Default for Exact {
    fn default() -> Self {
        Exact::zero()
    }
}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Exact) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Exact) -> Ordering {
        if let (Some((a, b)), Some((c, d))) = (self.parts(), other.parts()) {
            // Products of two i64 always fit in i128.
            return (a * d).cmp(&(c * b));
        }
        self.big().cmp(&other.big())
    }
}

/// `plain` when the value terminates, else the fraction: how exact figures are written
/// for scripts (JSON, Parquet) and in explanations.
impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_decimal() {
            Some(d) => f.write_str(&super::plain(d)),
            None => f.write_str(&self.fraction()),
        }
    }
}

impl From<Decimal> for Exact {
    fn from(d: Decimal) -> Exact {
        let n = d.mantissa();
        match 10i128.checked_pow(d.scale()) {
            Some(p) => Exact::small(n, p).unwrap_or_else(|| {
                Exact::from_big(BigRational::new(BigInt::from(n), pow10(d.scale())))
            }),
            None => Exact::from_big(BigRational::new(BigInt::from(n), pow10(d.scale()))),
        }
    }
}

impl From<&Decimal> for Exact {
    fn from(d: &Decimal) -> Exact {
        Exact::from(*d)
    }
}

impl From<u64> for Exact {
    fn from(n: u64) -> Exact {
        match i64::try_from(n) {
            Ok(n) => Exact(Repr::Small(n, 1)),
            Err(_) => Exact::from_big(BigRational::from_integer(BigInt::from(n))),
        }
    }
}

impl From<i64> for Exact {
    fn from(n: i64) -> Exact {
        Exact::int(n)
    }
}

impl std::ops::Neg for Exact {
    type Output = Exact;
    fn neg(self) -> Exact {
        match self.0 {
            Repr::Small(n, d) => match n.checked_neg() {
                Some(m) => Exact(Repr::Small(m, d)),
                None => Exact::from_big(-BigRational::new_raw(BigInt::from(n), BigInt::from(d))),
            },
            Repr::Big(b) => Exact::from_big(-*b),
        }
    }
}

macro_rules! op {
    ($tr:ident, $f:ident, $assign:ident, $fa:ident, $imp:expr) => {
        impl std::ops::$tr<&Exact> for &Exact {
            type Output = Exact;
            fn $f(self, o: &Exact) -> Exact {
                $imp(self, o)
            }
        }
        impl std::ops::$tr<Exact> for Exact {
            type Output = Exact;
            fn $f(self, o: Exact) -> Exact {
                $imp(&self, &o)
            }
        }
        impl std::ops::$tr<&Exact> for Exact {
            type Output = Exact;
            fn $f(self, o: &Exact) -> Exact {
                $imp(&self, o)
            }
        }
        impl std::ops::$assign<&Exact> for Exact {
            fn $fa(&mut self, o: &Exact) {
                *self = $imp(self, o);
            }
        }
        impl std::ops::$assign<Exact> for Exact {
            fn $fa(&mut self, o: Exact) {
                *self = $imp(self, &o);
            }
        }
    };
}
op!(Add, add, AddAssign, add_assign, Exact::add_ref);
op!(Sub, sub, SubAssign, sub_assign, |a: &Exact, b: &Exact| a
    .add_ref(&-b.clone()));
op!(Mul, mul, MulAssign, mul_assign, Exact::mul_ref);

impl std::iter::Sum for Exact {
    fn sum<I: Iterator<Item = Exact>>(iter: I) -> Exact {
        let mut a = Accum::default();
        iter.for_each(|x| a.add(&x));
        a.total()
    }
}

impl<'a> std::iter::Sum<&'a Exact> for Exact {
    fn sum<I: Iterator<Item = &'a Exact>>(iter: I) -> Exact {
        let mut a = Accum::default();
        iter.for_each(|x| a.add(x));
        a.total()
    }
}

/// Past this many bits of denominator an [`Accum`] reduces its sum: each unreduced
/// addition multiplies the denominators, and the cost of multiplying grows with them.
const REDUCE_ABOVE_BITS: u64 = 4096;

/// A running sum of [`Exact`]s. Small values add in `i128` as [`Exact`]'s `+` does;
/// once the sum outgrows the small form, fractions add without being reduced
/// (`a/b + c/d = (ad + cb)/bd`), and the sum is reduced once, when it is read. A
/// unit's official index adds some twenty shares whose denominators are counts of
/// dossiers: their common denominator is hundreds of bits, and reducing after every
/// addition (two greatest common divisors of such numbers) was most of the time of
/// a national run's scoring (benches/README.md).
#[derive(Debug, Clone, Default)]
pub struct Accum {
    /// The sum while it fits the small form.
    small: Exact,
    /// Past it: numerator and denominator (> 0), not reduced.
    big: Option<(BigInt, BigInt)>,
}

impl Accum {
    /// Adds `x`.
    pub fn add(&mut self, x: &Exact) {
        if self.big.is_none() {
            if let Some(sum) = self.small.add_small(x) {
                self.small = sum;
                return;
            }
            let b = self.small.big();
            self.big = Some((b.numer().clone(), b.denom().clone()));
        }
        if let Some((n, d)) = &mut self.big {
            let (xn, xd) = match &x.0 {
                Repr::Small(a, b) => (BigInt::from(*a), BigInt::from(*b)),
                Repr::Big(r) => (r.numer().clone(), r.denom().clone()),
            };
            if *d == xd {
                *n += xn;
            } else {
                *n = &*n * &xd + xn * &*d;
                *d *= xd;
            }
            if d.bits() > REDUCE_ABOVE_BITS {
                let g = big_gcd(n, d);
                *n /= &g;
                *d /= &g;
            }
        }
    }

    /// Subtracts `x`.
    pub fn sub(&mut self, x: &Exact) {
        self.add(&-x.clone());
    }

    /// The sum, in lowest terms.
    pub fn total(self) -> Exact {
        match self.big {
            Some((n, d)) => {
                // d > 0: a product of denominators.
                let g = big_gcd(&n, &d);
                Exact::from_big(BigRational::new_raw(n / &g, d / &g))
            }
            None => self.small,
        }
    }
}
