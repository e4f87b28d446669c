//! The audit of a published table (src/analysis/audit.rs) on DOMAIN.md's published
//! figures, each slip checked by hand, and on a table with planted slips.

use cchc::analysis::audit::{audit, ranks, swapped, Kind, Row};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn row(unit: &str, total: &str) -> Row {
    Row {
        unit: unit.into(),
        total: Some(d(total)),
        ..Row::default()
    }
}

#[test]
fn ha_noi_2024_two_digits_swapped_in_the_total() {
    // Printed: 92.57, "+1.32 on 2023", "+4.38 above the mean 88.37". 2023 is not
    // printed: 92.75 − 1.32 = 91.43 is what the report's 2023 table holds. Both the
    // change and the distance above the mean give 92.75: one finding, on the total.
    let r = Row {
        previous: Some(d("91.43")),
        change: Some(d("1.32")),
        above_mean: Some(d("4.38")),
        ..row("Hà Nội", "92.57")
    };
    let a = audit(&[r], Some(d("88.37")), 2);
    assert_eq!(a.contradictions.len(), 1, "{a:?}");
    let c = &a.contradictions[0];
    assert_eq!(c.kind, Kind::Total);
    assert_eq!(
        c.message,
        "Hà Nội: total 92.57, but +1.32 from 91.43 and +4.38 above the mean 88.37 both give 92.75: two digits swapped?"
    );
}

#[test]
fn bac_trung_bo_2024_a_change_twice_the_difference() {
    let r = Row {
        previous: Some(d("87.72")),
        change: Some(d("1.58")),
        ..row("Bắc Trung Bộ", "88.51")
    };
    let a = audit(&[r], None, 2);
    assert_eq!(a.contradictions.len(), 1);
    assert_eq!(a.contradictions[0].kind, Kind::Change);
    assert_eq!(
        a.contradictions[0].message,
        "Bắc Trung Bộ: +1.58 from 87.72 to 88.51 is +0.79; the change is twice the difference: taken against another year?"
    );
}

#[test]
fn the_2020_top_ten_parts_miss_their_totals_only_by_rounding() {
    // Quảng Ninh 91.05 printed against parts adding to 91.04: four parts each rounded
    // to 2 places can miss by up to 0.02. (The parts are illustrative splits of the
    // printed sums; only their sums matter here.)
    let parts = |p: [&str; 4]| p.map(d).to_vec();
    let rows = [
        Row {
            parts: parts(["60.10", "16.47", "9.20", "5.27"]), // 91.04
            ..row("Quảng Ninh", "91.05")
        },
        Row {
            parts: parts(["58.00", "15.50", "8.77", "4.50"]), // 86.77
            ..row("Đồng Tháp", "86.76")
        },
        Row {
            parts: parts(["57.00", "15.24", "8.50", "5.00"]), // 85.74
            ..row("Phú Thọ", "85.73")
        },
        Row {
            parts: parts(["55.00", "15.00", "8.00", "5.00"]), // 83.00
            ..row("Exact", "83.00")
        },
    ];
    let a = audit(&rows, None, 2);
    assert!(a.contradictions.is_empty(), "{a:?}");
    assert_eq!(a.rounding, [0, 1, 2]);
    // Beyond the rounding of parts it is a slip; digits swapped are named.
    let bad = Row {
        parts: parts(["58.00", "15.50", "8.76", "4.50"]), // 86.76
        ..row("Đồng Tháp", "86.67")
    };
    let a = audit(&[bad], None, 2);
    assert_eq!(a.contradictions.len(), 1);
    assert_eq!(
        a.contradictions[0].message,
        "Đồng Tháp: total 86.67, but its parts add up to 86.76; 86.76 with two digits swapped?"
    );
}

#[test]
fn ranks_share_ties_and_a_rank_not_resorted_is_named() {
    let mut rows = vec![
        row("A", "90"),
        row("B", "85"),
        row("C", "85"),
        row("D", "80"),
    ];
    assert_eq!(ranks(&rows), [Some(1), Some(2), Some(2), Some(4)]);
    for (r, k) in rows.iter_mut().zip([1, 2, 2, 4]) {
        r.rank = Some(k);
    }
    assert!(audit(&rows, None, 2).contradictions.is_empty());
    // D's total was corrected to 86 after the table was sorted: D now ranks 2.
    rows[3].total = Some(d("86"));
    let a = audit(&rows, None, 2);
    let got: Vec<_> = a.contradictions.iter().map(|c| (c.row, c.kind)).collect();
    assert_eq!(
        got,
        [(1, Kind::Rank), (2, Kind::Rank), (3, Kind::Rank)],
        "{a:?}"
    );
    assert!(a.contradictions[2]
        .message
        .ends_with("rank 4, but its total 86 ranks 2: a rank not re-sorted?"));
    // Row order never changes the ranks a table implies.
    let mut reversed = rows.clone();
    reversed.reverse();
    let mut r = ranks(&reversed);
    r.reverse();
    assert_eq!(r, ranks(&rows));
}

#[test]
fn digits_swapped_means_two_adjacent_digits() {
    assert!(swapped(d("92.57"), d("92.75")));
    assert!(swapped(d("29.57"), d("92.57")));
    assert!(swapped(d("92.5"), d("92.05"))); // 92.50 and 92.05
    assert!(!swapped(d("92.57"), d("92.57")));
    assert!(!swapped(d("92.57"), d("97.52"))); // not adjacent
    assert!(!swapped(d("92.57"), d("92.58")));
    assert!(!swapped(d("9.25"), d("92.50")));
}

#[test]
fn a_63_row_table_with_planted_slips_finds_each_and_nothing_else() {
    // Totals 95.00, 94.50, … (distinct, so ranks are 1..63), each with three parts,
    // an earlier total 1.25 lower, its change and its distance above the mean.
    let mean = d("79.50");
    let mut rows: Vec<Row> = (0..63)
        .map(|i| {
            let total = d("95.00") - Decimal::from(i) * d("0.50");
            let a = (total * d("0.7")).round_dp(2);
            let b = (total * d("0.2")).round_dp(2);
            Row {
                unit: format!("P{i:02}"),
                total: Some(total),
                parts: vec![a, b, total - a - b],
                previous: Some(total - d("1.25")),
                change: Some(d("1.25")),
                rank: Some(i + 1),
                above_mean: Some(total - mean),
            }
        })
        .collect();
    assert!(audit(&rows, Some(mean), 2).contradictions.is_empty());
    // Planted: a total with two digits swapped (row 5: 92.50 → 92.05), a change
    // against another year (row 20), a part mistyped (row 40), two ranks swapped
    // (rows 50 and 51).
    rows[5].total = Some(d("92.05"));
    rows[20].change = Some(d("2.50"));
    rows[40].parts[1] += d("1.00");
    rows[50].rank = Some(52);
    rows[51].rank = Some(51);
    let a = audit(&rows, Some(mean), 2);
    let got: Vec<_> = a.contradictions.iter().map(|c| (c.row, c.kind)).collect();
    assert_eq!(
        got,
        [
            (5, Kind::Total),
            (20, Kind::Change),
            (40, Kind::Parts),
            (50, Kind::Rank),
            (51, Kind::Rank)
        ],
        "{a:#?}"
    );
    assert!(a.contradictions[0].message.contains("two digits swapped"));
    assert!(a.contradictions[1].message.contains("another year"));
    // A slipped total whose parts are off too: both are named.
    rows[5].parts[0] += d("0.10");
    let a = audit(&rows, Some(mean), 2);
    let five: Vec<_> = a
        .contradictions
        .iter()
        .filter(|c| c.row == 5)
        .map(|c| c.kind)
        .collect();
    assert_eq!(five, [Kind::Total, Kind::Parts]);
}
