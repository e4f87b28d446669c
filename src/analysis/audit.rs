//! What a published results table implies about itself, and where it contradicts
//! itself (#26, PRODUCT.md "published tables that check themselves"; DOMAIN.md "How the
//! PAR Index is published").
//!
//! Plain data in, findings out, so the checks are read and tested apart from the
//! command that will read a table: a row's printed total against the sum of its
//! printed parts (a difference within half a unit of the last place per part is the
//! rounding of parts, not a slip), its printed change against total − previous, its
//! distance above a stated mean, and its rank against the ranks the totals give (ties
//! share a rank, the next is skipped). Where two other figures agree on a total the
//! row does not print, the likeliest slip is named: two digits swapped, a change taken
//! against another year, a rank not re-sorted.

use rust_decimal::Decimal;

/// One row of a published table, as printed (None: the table has no such figure).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// Who the row is about (an id or a name), for messages.
    pub unit: String,
    /// The printed total.
    pub total: Option<Decimal>,
    /// The printed parts (appraised points, SIPAS points, …).
    pub parts: Vec<Decimal>,
    /// The printed earlier total.
    pub previous: Option<Decimal>,
    /// The printed change on the earlier total.
    pub change: Option<Decimal>,
    /// The printed rank.
    pub rank: Option<u32>,
    /// The printed distance above the mean (`+4.38 above the mean`).
    pub above_mean: Option<Decimal>,
}

/// The kind of a contradiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The total is not the sum of the parts.
    Parts,
    /// The change is not total − previous.
    Change,
    /// The distance above the mean is not total − mean.
    AboveMean,
    /// The rank is not the rank the totals give.
    Rank,
    /// The total itself: two other figures agree on another.
    Total,
}

/// A contradiction in a row: which figure, what the table implies instead, and the
/// likeliest explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Contradiction {
    /// The row's place in the table (0 for the first row).
    pub row: usize,
    /// Which figure.
    pub kind: Kind,
    /// The sentence for the finding.
    pub message: String,
}

/// What auditing a table found: contradictions, and the rows whose total differs from
/// the sum of its parts only by the rounding of parts (a note, not a slip).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Audit {
    /// Contradictions, row by row.
    pub contradictions: Vec<Contradiction>,
    /// Rows (their places) whose printed parts miss the total within rounding.
    pub rounding: Vec<usize>,
}

/// Audits the rows of one table, `mean` being the mean the table states (for the
/// `above_mean` figures), `places` the decimals it prints.
pub fn audit(rows: &[Row], mean: Option<Decimal>, places: u32) -> Audit {
    let mut out = Audit::default();
    let ranks = ranks(rows);
    for (i, r) in rows.iter().enumerate() {
        let Some(total) = r.total else { continue };
        let mut found: Vec<(Kind, String)> = Vec::new();
        if let Some((agreed, message)) = total_slip(r, total, mean) {
            // The total is the slip: its parts are held to the total the row's figures
            // agree on; the change and the distance above the mean are then right.
            found.push((Kind::Total, message));
            if let Parts::Off(sum) = parts(r, agreed, places) {
                let m = format!("{}: its parts add up to {sum}, not {agreed}", r.unit);
                found.push((Kind::Parts, m));
            }
        } else {
            match parts(r, total, places) {
                Parts::Off(sum) => found.push((
                    Kind::Parts,
                    format!(
                        "{}: total {total}, but its parts add up to {sum}{}",
                        r.unit,
                        why(total, sum)
                    ),
                )),
                Parts::Rounding => out.rounding.push(i),
                Parts::Exact => {}
            }
            found.extend(change(r, total).map(|m| (Kind::Change, m)));
            found.extend(above_mean(r, total, mean).map(|m| (Kind::AboveMean, m)));
        }
        if let (Some(printed), Some(given)) = (r.rank, ranks[i]) {
            if printed != given {
                let m = format!(
                    "{}: rank {printed}, but its total {total} ranks {given}: a rank not re-sorted?",
                    r.unit
                );
                found.push((Kind::Rank, m));
            }
        }
        out.contradictions
            .extend(found.into_iter().map(|(kind, message)| Contradiction {
                row: i,
                kind,
                message,
            }));
    }
    out
}

/// Two of the row's figures agree on a total it does not print: that total, and the
/// finding.
fn total_slip(r: &Row, total: Decimal, mean: Option<Decimal>) -> Option<(Decimal, String)> {
    let implied = implied_totals(r, mean);
    let agreed = *implied.first()?;
    if implied.len() < 2 || implied.iter().any(|t| *t != agreed) || agreed == total {
        return None;
    }
    let guess = if swapped(total, agreed) {
        ": two digits swapped?"
    } else {
        ": the total is the figure out of line"
    };
    let (p, c) = (r.previous.unwrap_or_default(), r.change.unwrap_or_default());
    let (m, a) = (mean.unwrap_or_default(), r.above_mean.unwrap_or_default());
    let message = format!(
        "{}: total {total}, but {} from {p} and {} above the mean {m} both give {agreed}{guess}",
        r.unit,
        signed(c),
        signed(a)
    );
    Some((agreed, message))
}

/// How a row's printed parts meet a total.
enum Parts {
    /// They add up to it (or the row has none).
    Exact,
    /// They miss it within the rounding of parts.
    Rounding,
    /// They add up to this instead.
    Off(Decimal),
}

fn parts(r: &Row, total: Decimal, places: u32) -> Parts {
    let sum: Decimal = r.parts.iter().sum();
    if r.parts.is_empty() || sum == total {
        Parts::Exact
    } else if (sum - total).abs() <= half_units(places, r.parts.len()) {
        Parts::Rounding
    } else {
        Parts::Off(sum)
    }
}

/// The finding when the printed change is not total − previous.
fn change(r: &Row, total: Decimal) -> Option<String> {
    let (prev, change) = (r.previous?, r.change?);
    let diff = total - prev;
    if diff == change {
        return None;
    }
    let reason = if change == diff * Decimal::TWO {
        "; the change is twice the difference: taken against another year?".to_string()
    } else {
        why(total, prev + change)
    };
    Some(format!(
        "{}: {} from {prev} to {total} is {}{reason}",
        r.unit,
        signed(change),
        signed(diff)
    ))
}

/// The finding when the printed distance above the mean is not total − mean.
fn above_mean(r: &Row, total: Decimal, mean: Option<Decimal>) -> Option<String> {
    let (m, above) = (mean?, r.above_mean?);
    (total - m != above).then(|| {
        format!(
            "{}: {} above the mean {m}, but {total} − {m} = {}{}",
            r.unit,
            signed(above),
            signed(total - m),
            why(total, m + above)
        )
    })
}

/// Half a unit of the last printed place, once per part: how far printed parts,
/// each rounded on its own, may miss their printed total.
fn half_units(places: u32, parts: usize) -> Decimal {
    Decimal::new(5, places + 1) * Decimal::from(parts)
}

/// The totals the row's other figures imply: previous + change, mean + above_mean.
fn implied_totals(r: &Row, mean: Option<Decimal>) -> Vec<Decimal> {
    let mut out = Vec::new();
    if let (Some(p), Some(c)) = (r.previous, r.change) {
        out.push(p + c);
    }
    if let (Some(m), Some(a)) = (mean, r.above_mean) {
        out.push(m + a);
    }
    out
}

/// The likeliest explanation of a printed total that differs from `other`, the total
/// another figure of the row gives: two adjacent digits swapped, when they are.
fn why(total: Decimal, other: Decimal) -> String {
    if swapped(total, other) {
        format!("; {other} with two digits swapped?")
    } else {
        String::new()
    }
}

/// Whether `a` and `b`, printed with the same decimals, differ by two adjacent digits
/// swapped (92.57 and 92.75).
pub fn swapped(a: Decimal, b: Decimal) -> bool {
    let scale = a.scale().max(b.scale());
    let (x, y) = (digits(a, scale), digits(b, scale));
    if x.len() != y.len() || x == y {
        return false;
    }
    let diff: Vec<usize> = (0..x.len()).filter(|&i| x[i] != y[i]).collect();
    matches!(diff.as_slice(), [i, j] if *j == i + 1 && x[*i] == y[*j] && x[*j] == y[*i])
}

fn digits(d: Decimal, scale: u32) -> Vec<u8> {
    let mut d = d;
    d.rescale(scale);
    d.abs()
        .to_string()
        .bytes()
        .filter(u8::is_ascii_digit)
        .collect()
}

fn signed(d: Decimal) -> String {
    if d.is_sign_negative() && !d.is_zero() {
        format!("{d}")
    } else {
        format!("+{d}")
    }
}

/// The ranks the printed totals give (higher first; equal totals share a rank and the
/// next is skipped); None for a row without a total.
pub fn ranks(rows: &[Row]) -> Vec<Option<u32>> {
    let mut totals: Vec<Decimal> = rows.iter().filter_map(|r| r.total).collect();
    totals.sort_unstable_by(|a, b| b.cmp(a));
    rows.iter()
        .map(|r| {
            let t = r.total?;
            let above = totals.partition_point(|x| *x > t);
            u32::try_from(above + 1).ok()
        })
        .collect()
}
