//! Ranking, a stage of its own: order units by index, overall and within their
//! groups, under the framework's tie policy, and give each its band.
//!
//! The order is a total order on (index descending, tie-break chain, unit_id), so the
//! result never depends on the order of input rows. Keys are exact: the published
//! index, or the exact one with `rank-on = "exact"`.

use crate::framework::{Framework, TieBreak, TiePolicy};
use crate::num::Exact;
use crate::score::UnitResult;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// What ranking looks at for one unit.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The ranking value (published or exact index).
    pub key: Exact,
    /// Net points, for the `points` tie-break.
    pub points: Exact,
    /// Area points, for `area:<id>` tie-breaks.
    pub areas: &'a [Exact],
    /// The final tie-break.
    pub unit_id: &'a str,
}

fn compare(a: &Entry, b: &Entry, policy: &TiePolicy) -> Ordering {
    let mut ord = b.key.cmp(&a.key);
    if let TiePolicy::Ordinal(chain) = policy {
        for link in chain {
            if ord != Ordering::Equal {
                break;
            }
            ord = match link {
                // Baselines (year over year) have no areas: the link does not apply.
                TieBreak::Area(i) => match (a.areas.get(*i), b.areas.get(*i)) {
                    (Some(x), Some(y)) => y.cmp(x),
                    _ => Ordering::Equal,
                },
                TieBreak::Points => b.points.cmp(&a.points),
                TieBreak::UnitId => a.unit_id.cmp(b.unit_id),
            };
        }
    }
    ord.then_with(|| a.unit_id.cmp(b.unit_id))
}

/// Ranks entries; returns (the order, best first; the rank of each entry by input index).
pub fn ranks(entries: &[Entry], policy: &TiePolicy) -> (Vec<usize>, Vec<u32>) {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| compare(&entries[a], &entries[b], policy));
    let mut rank = vec![0u32; entries.len()];
    let mut dense = 0u32;
    for (pos, &i) in order.iter().enumerate() {
        let tied = pos > 0 && entries[order[pos - 1]].key == entries[i].key;
        rank[i] = match policy {
            TiePolicy::Ordinal(_) => pos as u32 + 1,
            TiePolicy::Competition if tied => rank[order[pos - 1]],
            TiePolicy::Competition => pos as u32 + 1,
            TiePolicy::Dense => {
                if !tied {
                    dense += 1;
                }
                dense
            }
        };
    }
    (order, rank)
}

/// Sets rank, rank_in_group, group size and band on every unit, and sorts them by rank.
pub fn apply(fw: &Framework, units: &mut Vec<UnitResult>) {
    let policy = &fw.ranking.ties;
    let entries: Vec<Entry> = units
        .iter()
        .map(|u| Entry {
            key: u.rank_key(fw),
            points: u.totals.net(),
            areas: &u.totals.areas,
            unit_id: &u.unit.id,
        })
        .collect();
    let (order, overall) = ranks(&entries, policy);
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        groups.entry(u.unit.group.as_str()).or_default().push(i);
    }
    let mut in_group = vec![(0u32, 0usize); units.len()];
    for members in groups.values() {
        let sub: Vec<Entry> = members.iter().map(|&i| entries[i].clone()).collect();
        let (_, r) = ranks(&sub, policy);
        for (k, &i) in members.iter().enumerate() {
            in_group[i] = (r[k], members.len());
        }
    }
    let bands: Vec<Option<String>> = entries
        .iter()
        .map(|e| fw.band(&e.key).map(|b| b.label.clone()))
        .collect();
    drop(entries);
    let mut area = if fw.ranking.area_ranks {
        area_ranks(fw, units)
    } else {
        vec![Vec::new(); units.len()]
    };
    for (i, u) in units.iter_mut().enumerate() {
        u.area_ranks = std::mem::take(&mut area[i]);
        u.rank = overall[i];
        (u.rank_in_group, u.group_size) = in_group[i];
        u.band = bands[i].clone();
    }
    let mut slots: Vec<Option<UnitResult>> = units.drain(..).map(Some).collect();
    units.extend(order.iter().filter_map(|&i| slots[i].take()));
}

/// Each unit's rank in each area (`[unit][area]`, units as given), on the area's
/// index (published, or exact with `rank-on = "exact"`) under the framework's tie
/// policy, as the Ministry ranks each field; None where the area has no applicable
/// scored criterion for the unit (it is not ranked there).
pub fn area_ranks(fw: &Framework, units: &[UnitResult]) -> Vec<Vec<Option<u32>>> {
    let mut out = vec![Vec::with_capacity(fw.areas.len()); units.len()];
    for area in 0..fw.areas.len() {
        let mut column = vec![None; units.len()];
        let keyed: Vec<(usize, Exact)> = units
            .iter()
            .enumerate()
            .filter_map(|(i, u)| {
                let x = u.totals.area_index(fw, area)?;
                let key = if fw.rounding.rank_on_exact {
                    x
                } else {
                    Exact::from(fw.rounding.apply(&x))
                };
                Some((i, key))
            })
            .collect();
        let entries: Vec<Entry> = keyed
            .iter()
            .map(|(i, key)| Entry {
                key: key.clone(),
                points: units[*i].totals.areas[area].clone(),
                areas: &[],
                unit_id: &units[*i].unit.id,
            })
            .collect();
        let (_, ranks) = ranks(&entries, &fw.ranking.ties);
        for ((i, _), r) in keyed.iter().zip(ranks) {
            column[*i] = Some(r);
        }
        for (unit, r) in out.iter_mut().zip(column) {
            unit.push(r);
        }
    }
    out
}
