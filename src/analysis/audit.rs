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
    /// The row's group (a region, a ranking group; empty when none).
    pub group: String,
    /// The printed mean of the row's group.
    pub group_mean: Option<Decimal>,
    /// The row's total in an earlier table (`--previous EARLIER`), when matched.
    pub earlier: Option<Decimal>,
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
    /// The printed earlier total is not the earlier table's.
    Previous,
    /// The printed group mean is not the mean of the group's totals.
    GroupMean,
}

impl Kind {
    /// The column of the figure a contradiction is about.
    pub fn column(self) -> &'static str {
        match self {
            Kind::Parts | Kind::Total => "total",
            Kind::Change => "change",
            Kind::AboveMean => "above_mean",
            Kind::Rank => "rank",
            Kind::Previous => "previous",
            Kind::GroupMean => "group_mean",
        }
    }
}

/// A contradiction in a row: which figure, what the table implies instead, and the
/// likeliest explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Contradiction {
    /// The row's place in the table (0 for the first row).
    pub row: usize,
    /// Which figure.
    pub kind: Kind,
    /// The figure as printed.
    pub printed: Decimal,
    /// What the table's other figures give instead.
    pub implied: Decimal,
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
    /// Rows whose printed group mean misses the mean of the group's printed totals
    /// within rounding (each total and the mean itself rounded: one unit of the last
    /// place at most).
    pub mean_rounding: Vec<usize>,
}

/// A contradiction before it is placed in a row.
struct Found {
    kind: Kind,
    printed: Decimal,
    implied: Decimal,
    message: String,
}

/// Audits the rows of one table, `mean` being the mean the table states (for the
/// `above_mean` figures), `places` the decimals it prints.
pub fn audit(rows: &[Row], mean: Option<Decimal>, places: u32) -> Audit {
    let mut out = Audit::default();
    let ranks = ranks(rows);
    for (i, r) in rows.iter().enumerate() {
        let Some(total) = r.total else { continue };
        let mut found = previous(r).into_iter().collect::<Vec<_>>();
        if let Some(slip) = total_slip(r, total, mean) {
            // The total is the slip: its parts are held to the total the row's figures
            // agree on; the change and the distance above the mean are then right.
            let agreed = slip.implied;
            found.push(slip);
            if let Parts::Off(sum) = parts(r, agreed, places) {
                let message = format!("{}: its parts add up to {sum}, not {agreed}", r.unit);
                found.push(Found {
                    kind: Kind::Parts,
                    printed: total,
                    implied: sum,
                    message,
                });
            }
        } else {
            match parts(r, total, places) {
                Parts::Off(sum) => found.push(Found {
                    kind: Kind::Parts,
                    printed: total,
                    implied: sum,
                    message: format!(
                        "{}: total {total}, but its parts add up to {sum}{}",
                        r.unit,
                        why(total, sum)
                    ),
                }),
                Parts::Rounding => out.rounding.push(i),
                Parts::Exact => {}
            }
            found.extend(change(r, total));
            found.extend(above_mean(r, total, mean));
        }
        if let (Some(printed), Some(given)) = (r.rank, ranks[i]) {
            if printed != given {
                let message = format!(
                    "{}: rank {printed}, but its total {total} ranks {given}: a rank not re-sorted?",
                    r.unit
                );
                found.push(Found {
                    kind: Kind::Rank,
                    printed: printed.into(),
                    implied: given.into(),
                    message,
                });
            }
        }
        out.contradictions
            .extend(found.into_iter().map(|f| Contradiction {
                row: i,
                kind: f.kind,
                printed: f.printed,
                implied: f.implied,
                message: f.message,
            }));
    }
    group_means(rows, places, &mut out);
    out.contradictions.sort_by_key(|c| c.row);
    out
}

/// The printed earlier total against the earlier table's.
fn previous(r: &Row) -> Option<Found> {
    let (printed, earlier) = (r.previous?, r.earlier?);
    (printed != earlier).then(|| Found {
        kind: Kind::Previous,
        printed,
        implied: earlier,
        message: format!(
            "{}: previous {printed}, but the earlier table gives {earlier}{}",
            r.unit,
            why(printed, earlier)
        ),
    })
}

/// Two of the row's figures agree on a total it does not print: the finding, whose
/// `implied` is that total.
fn total_slip(r: &Row, total: Decimal, mean: Option<Decimal>) -> Option<Found> {
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
    let (p, c) = (earlier(r).unwrap_or_default(), r.change.unwrap_or_default());
    let (m, a) = (mean.unwrap_or_default(), r.above_mean.unwrap_or_default());
    let message = format!(
        "{}: total {total}, but {} from {p} and {} above the mean {m} both give {agreed}{guess}",
        r.unit,
        signed(c),
        signed(a)
    );
    Some(Found {
        kind: Kind::Total,
        printed: total,
        implied: agreed,
        message,
    })
}

/// The earlier total a row's change is taken against: the printed one, else the
/// earlier table's.
fn earlier(r: &Row) -> Option<Decimal> {
    r.previous.or(r.earlier)
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
fn change(r: &Row, total: Decimal) -> Option<Found> {
    let (prev, change) = (earlier(r)?, r.change?);
    let diff = total - prev;
    if diff == change {
        return None;
    }
    let reason = if change == diff * Decimal::TWO {
        "; the change is twice the difference: taken against another year?".to_string()
    } else {
        why(total, prev + change)
    };
    Some(Found {
        kind: Kind::Change,
        printed: change,
        implied: diff,
        message: format!(
            "{}: {} from {prev} to {total} is {}{reason}",
            r.unit,
            signed(change),
            signed(diff)
        ),
    })
}

/// The finding when the printed distance above the mean is not total − mean.
fn above_mean(r: &Row, total: Decimal, mean: Option<Decimal>) -> Option<Found> {
    let (m, above) = (mean?, r.above_mean?);
    (total - m != above).then(|| Found {
        kind: Kind::AboveMean,
        printed: above,
        implied: total - m,
        message: format!(
            "{}: {} above the mean {m}, but {total} − {m} = {}{}",
            r.unit,
            signed(above),
            signed(total - m),
            why(total, m + above)
        ),
    })
}

/// Each group's printed mean against the mean of the group's printed totals (rounded
/// half-up to the table's places): within one unit of the last place it is the
/// rounding of the totals and of the mean; beyond, one finding per group and printed
/// value, on its first row.
fn group_means(rows: &[Row], places: u32, out: &mut Audit) {
    let mut seen: Vec<(&str, Decimal)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let Some(printed) = r.group_mean else {
            continue;
        };
        let totals: Vec<Decimal> = rows
            .iter()
            .filter(|o| o.group == r.group)
            .filter_map(|o| o.total)
            .collect();
        let Some(computed) = mean_of(&totals, (places, crate::num::RoundingMode::HalfUp)) else {
            continue;
        };
        if computed == printed {
            continue;
        }
        if (computed - printed).abs() <= Decimal::new(1, places) {
            out.mean_rounding.push(i);
            continue;
        }
        if seen.contains(&(r.group.as_str(), printed)) {
            continue;
        }
        seen.push((r.group.as_str(), printed));
        let message = format!(
            "{}: group {} mean {printed}, but its {} totals in the table average {computed}{}",
            r.unit,
            r.group,
            totals.len(),
            why(printed, computed)
        );
        out.contradictions.push(Contradiction {
            row: i,
            kind: Kind::GroupMean,
            printed,
            implied: computed,
            message,
        });
    }
}

/// The mean of printed figures rounded half-up to `places` (None: no figures).
pub fn mean_of(xs: &[Decimal], (places, mode): Round) -> Option<Decimal> {
    let sum: Decimal = xs.iter().sum();
    let n = crate::num::Exact::int(i64::try_from(xs.len()).ok()?);
    crate::num::Exact::ratio(&crate::num::Exact::from(sum), &n).map(|m| m.round(places, mode))
}

/// How a mean is printed: its decimal places and rounding mode (a published table's
/// places, half-up; a framework's rounding).
pub type Round = (u32, crate::num::RoundingMode);

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

/// A figure and the units that hold it (several when tied), in table order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The figure.
    pub value: Decimal,
    /// The units holding it.
    pub units: Vec<String>,
}

/// What a table's rows say in figures, as the press quotes them: how many, the mean
/// (of the printed totals, rounded half-up to the table's places), the lowest and the
/// highest, and against the earlier figures how many went up, down or stayed, with the
/// largest and the smallest change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Rows with a total.
    pub count: usize,
    /// The mean total.
    pub mean: Option<Decimal>,
    /// The lowest total.
    pub lowest: Option<Held>,
    /// The highest total.
    pub highest: Option<Held>,
    /// Rows whose total rose.
    pub up: usize,
    /// Rows whose total fell.
    pub down: usize,
    /// Rows whose total did not change.
    pub unchanged: usize,
    /// The largest change.
    pub largest: Option<Held>,
    /// The smallest change (the largest fall when any fell).
    pub smallest: Option<Held>,
}

/// The change a row implies: total − the earlier total when both are known, else the
/// printed change.
pub fn change_of(r: &Row) -> Option<Decimal> {
    match (r.total, earlier(r)) {
        (Some(t), Some(p)) => Some(t - p),
        _ => r.change,
    }
}

/// The [`Figures`] of some rows.
pub fn figures<'a>(rows: impl IntoIterator<Item = &'a Row> + Clone, round: Round) -> Figures {
    let totals: Vec<(Decimal, &str)> = rows
        .clone()
        .into_iter()
        .filter_map(|r| Some((r.total?, r.unit.as_str())))
        .collect();
    let changes: Vec<(Decimal, &str)> = rows
        .into_iter()
        .filter_map(|r| Some((change_of(r)?, r.unit.as_str())))
        .collect();
    let only: Vec<Decimal> = totals.iter().map(|t| t.0).collect();
    Figures {
        count: totals.len(),
        mean: mean_of(&only, round),
        lowest: held(&totals, false),
        highest: held(&totals, true),
        up: changes.iter().filter(|c| c.0 > Decimal::ZERO).count(),
        down: changes.iter().filter(|c| c.0 < Decimal::ZERO).count(),
        unchanged: changes.iter().filter(|c| c.0.is_zero()).count(),
        largest: held(&changes, true),
        smallest: held(&changes, false),
    }
}

/// The figures of each group (groups in the order they first appear); none when no
/// row has a group.
pub fn figures_by_group(rows: &[Row], round: Round) -> Vec<(String, Figures)> {
    let mut groups: Vec<&str> = Vec::new();
    for r in rows.iter().filter(|r| !r.group.is_empty()) {
        if !groups.contains(&r.group.as_str()) {
            groups.push(&r.group);
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let members = rows.iter().filter(|r| r.group == g);
            (g.to_string(), figures(members, round))
        })
        .collect()
}

/// The highest (or lowest) figure and every unit holding it.
fn held(xs: &[(Decimal, &str)], highest: bool) -> Option<Held> {
    let best = if highest {
        xs.iter().map(|x| x.0).max()?
    } else {
        xs.iter().map(|x| x.0).min()?
    };
    let units = xs
        .iter()
        .filter(|x| x.0 == best)
        .map(|x| x.1.to_string())
        .collect();
    Some(Held { value: best, units })
}
