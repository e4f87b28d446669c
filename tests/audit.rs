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
                ..Row::default()
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

// ---- `cchc audit` from the command line ----

use crate::common::{outcome, root};
use std::process::Command;

/// Runs `cchc audit ARGS` from the repository root: exit code, stdout, stderr.
fn run_audit(args: &[&str]) -> (i32, String, String) {
    outcome(
        Command::new(env!("CARGO_BIN_EXE_cchc"))
            .arg("audit")
            .args(args)
            .current_dir(root()),
    )
}

/// The (line, figure) of each contradiction in a CSV report.
fn found(csv: &str) -> Vec<(usize, String)> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].parse().unwrap(), rec[3].to_string())
        })
        .collect()
}

#[test]
fn the_published_fixtures_give_the_findings_the_readme_shows() {
    let (code, out, err) = run_audit(&[
        "fixtures/published/par-2020-top-ten.csv",
        "--parts",
        "appraised,sipas,survey,impact",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(found(&out).is_empty());
    assert!(err.contains("warning[audit-rounding]: fixtures/published/par-2020-top-ten.csv: 3 total(s) differ from the sum of their printed parts only by the rounding of each part (Quảng Ninh, Đồng Tháp, Phú Thọ): not a slip"), "{err}");

    let (code, out, err) = run_audit(&["fixtures/published/par-2024-headline.csv"]);
    assert_eq!(code, 1);
    assert_eq!(found(&out), [(3, "above_mean".to_string())]);
    assert!(out.contains(",4.38,4.20,"), "{out}");
    assert!(err.contains("error[audit-above-mean]: fixtures/published/par-2024-headline.csv:3: Hà Nội: +4.38 above the mean 88.37, but 92.57 − 88.37 = +4.20; 92.75 with two digits swapped?"), "{err}");

    let (code, out, _) = run_audit(&["fixtures/published/par-2024-regions.csv"]);
    assert_eq!(code, 1);
    assert_eq!(found(&out), [(2, "change".to_string())]);
    assert!(out.contains("taken against another year?"));
}

/// The 63-row table of the library test as a CSV file: every row consistent.
fn consistent_table() -> Vec<[String; 9]> {
    (0..63)
        .map(|i| {
            let total = d("95.00") - Decimal::from(i) * d("0.50");
            let a = (total * d("0.7")).round_dp(2);
            let b = (total * d("0.2")).round_dp(2);
            let region = ["Bắc", "Trung", "Nam"][i as usize % 3];
            [
                format!("P{i:02}"),
                format!("Tỉnh {i}"),
                region.to_string(),
                total.to_string(),
                a.to_string(),
                b.to_string(),
                (total - a - b).to_string(),
                (total - d("1.25")).to_string(),
                format!("{}", i + 1),
            ]
        })
        .collect()
}

fn write_table(path: &std::path::Path, rows: &[[String; 9]], reversed: bool) {
    let mut text = String::from("Mã tỉnh,Tỉnh/thành phố,Vùng,Chỉ số,A,B,C,Năm trước,Xếp hạng\n");
    let mut rows = rows.to_vec();
    if reversed {
        rows.reverse();
    }
    for r in rows {
        text.push_str(&r.join(","));
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_63_row_file_with_planted_slips_finds_each_and_nothing_else_in_any_row_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bang.csv");
    let p = path.to_str().unwrap();
    let mut rows = consistent_table();
    write_table(&path, &rows, false);
    let (code, out, err) = run_audit(&[p, "--parts", "A,B,C"]);
    assert_eq!((code, found(&out)), (0, vec![]), "{err}");
    // 63 up by 1.25 each; the mean of 95.00 … 64.00 is 79.50.
    assert!(err.is_empty() || !err.contains("error"), "{err}");
    // Planted: a total with two digits swapped where the parts still add up to the
    // printed 92.50 (row 5: line 7), a previous mistyped (row 20), a part mistyped
    // (row 40), two ranks swapped (rows 50, 51).
    rows[5][3] = "92.05".into();
    rows[20][7] = "88.75".into(); // 85.00 − 1.25 = 83.75
    rows[40][5] = (rows[40][5].parse::<Decimal>().unwrap() + d("1")).to_string();
    rows[50][8] = "52".into();
    rows[51][8] = "51".into();
    for reversed in [false, true] {
        write_table(&path, &rows, reversed);
        let (code, out, err) = run_audit(&[p, "--parts", "A,B,C", "--format", "csv"]);
        assert_eq!(code, 1, "{err}");
        let line = |i: usize| if reversed { 64 - i } else { i + 2 };
        let mut want: Vec<(usize, String)> =
            [(5, "total"), (40, "total"), (50, "rank"), (51, "rank")]
                .iter()
                .map(|(i, f)| (line(*i), f.to_string()))
                .collect();
        want.sort();
        assert_eq!(found(&out), want, "{err}");
        assert!(err.contains("Tỉnh 5: total 92.05, but its parts add up to 92.50; 92.50 with two digits swapped?"), "{err}");
        // The mistyped previous only moves the figures: 62 up, 1 down (P20: −3.75).
        assert!(!err.contains("audit-change"));
    }
    // The figures as the press quotes them, per region too.
    write_table(&path, &consistent_table(), false);
    let (_, out, _) = run_audit(&[p, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let figures = &v["figures"];
    assert_eq!(figures[0]["group"], "(all)");
    assert_eq!(figures[0]["count"], 63);
    assert_eq!(figures[0]["mean"].to_string(), "79.50");
    assert_eq!(figures[0]["up"], 63);
    assert_eq!(figures[1]["group"], "Bắc");
    assert_eq!(figures[1]["count"], 21);
    // Bắc holds rows 0, 3, …, 60: totals 95.00 … 65.00, mean 80.00.
    assert_eq!(figures[1]["mean"].to_string(), "80.00");
}

#[test]
fn an_earlier_table_gives_the_previous_totals_and_checks_a_printed_one() {
    let dir = tempfile::tempdir().unwrap();
    let now = dir.path().join("2024.csv");
    let then = dir.path().join("2023.csv");
    std::fs::write(
        &now,
        "name,total,previous,change\nAn Giang,85.10,84.00,+1.10\nBình Định,86.00,,-0.50\nCà Mau,80.00,,+1.00\nĐà Nẵng,90.00,,\n",
    )
    .unwrap();
    // An Giang's printed previous 84.00 is not 2023's 84.30; Cà Mau is not in 2023.
    std::fs::write(
        &then,
        "Tỉnh/thành phố;Chỉ số\nAn Giang;84,30\nBình Định;86,50\nĐà Nẵng;91,25\n",
    )
    .unwrap();
    let (code, out, err) = run_audit(&[
        now.to_str().unwrap(),
        "--previous",
        then.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(found(&out), [(2, "previous".to_string())], "{err}");
    assert!(err.contains("An Giang: previous 84.00, but the earlier table gives 84.30"));
    assert!(err.contains("warning[audit-unmatched]"));
    assert!(err.contains("1 row(s) not in the earlier table"));
    assert!(err.contains("Cà Mau"));
    // Đà Nẵng's change comes from 2023: 90.00 − 91.25 = −1.25, the smallest.
    let (_, out, _) = run_audit(&[
        now.to_str().unwrap(),
        "--previous",
        then.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["figures"][0]["smallest_change"], serde_json::json!(-1.25));
    assert_eq!(v["figures"][0]["down"], 2);
    assert_eq!(v["figures"][0]["up"], 2);
}

#[test]
fn vietnamese_numbers_group_means_and_a_mean_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vung.csv");
    // A decimal-comma table with a typographic minus, a percent sign, tie marks, a
    // group mean column (Bắc's 87,50 is right; Nam's 80,00 is not: 81,00) and a mean
    // row.
    std::fs::write(
        &path,
        "Tỉnh/thành phố;Vùng;Chỉ số;Tăng/giảm;Năm trước;Xếp hạng;Trung bình vùng;So với trung bình\n\
         A;Bắc;90,00%;+1,00;89,00;1;87,50;+5,75\n\
         B;Bắc;85,00%;−0,50;85,50;2=;87,50;+0,75\n\
         C;Nam;85,00%;0;85,00;=2;80,00;+0,75\n\
         D;Nam;77,00%;+2,00;75,00;4;80,00;−7,25\n\
         Trung bình;;84,25%;+0,63;83,62;;;\n",
    )
    .unwrap();
    let (code, out, err) = run_audit(&[path.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 1, "{err}");
    // Nam's mean, once (on its first row), and the mean row's change (84.25 − 83.62
    // = 0.63 is right: nothing there).
    assert_eq!(found(&out), [(4, "group_mean".to_string())], "{err}");
    assert!(
        err.contains("C: group Nam mean 80.00, but its 2 totals in the table average 81.00"),
        "{err}"
    );
    // A cell that is no number is named and left out.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("77,00%", "bảy bảy");
    std::fs::write(&path, text).unwrap();
    let (code, _, err) = run_audit(&[path.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 1);
    assert!(err.contains("error[audit-cell]"), "{err}");
    assert!(
        err.contains(":5: D: Chỉ số `bảy bảy` is not a number")
            || err.contains(":5: D: total `bảy bảy`"),
        "{err}"
    );
}

#[test]
fn a_workbook_finding_names_its_cell_and_a_table_without_total_stops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ket-qua.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Kết quả").unwrap();
    ws.write_string(0, 0, "KẾT QUẢ CHỈ SỐ CCHC NĂM 2024")
        .unwrap();
    for (c, h) in ["Tỉnh, thành phố", "PAR INDEX", "Xếp hạng"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (r, (name, total, rank)) in [("X", 90.5, 1.0), ("Y", 91.5, 2.0)].iter().enumerate() {
        let row = 3 + r as u32;
        ws.write_string(row, 0, *name).unwrap();
        ws.write_number(row, 1, *total).unwrap();
        ws.write_number(row, 2, *rank).unwrap();
    }
    wb.save(&path).unwrap();
    let arg = format!("{}#Kết quả", path.display());
    let (code, out, err) = run_audit(&[&arg, "--format", "csv"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(found(&out), [(4, "rank".into()), (5, "rank".into())]);
    assert!(out.contains("4,C4,X,rank,1,2,"), "{out}");
    assert!(err.contains("Kết quả!C5") || err.contains("C5"), "{err}");
    // No total column: stopped, nothing on stdout.
    let csv = dir.path().join("no-total.csv");
    std::fs::write(&csv, "name,rank\nA,1\n").unwrap();
    let (code, out, err) = run_audit(&[csv.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("total"), "{err}");
    // --total names the column when its header is not a usual one.
    std::fs::write(&csv, "name,Điểm 2024,rank\nA,80,1\nB,81,2\n").unwrap();
    let (code, out, _) = run_audit(&[
        csv.to_str().unwrap(),
        "--total",
        "Điểm 2024",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 1);
    assert_eq!(found(&out), [(2, "rank".into()), (3, "rank".into())]);
}

#[test]
fn cchc_s_own_rankings_pass_their_own_audit() {
    // The ranking's totals, ranks and groups, and the parts of an index made of parts
    // (each rounded first), are what the table itself implies: no contradiction.
    let dir = tempfile::tempdir().unwrap();
    for (project, args) in [
        ("fixtures/demo", vec!["--total", "index"]),
        (
            "tests/fixtures/parts",
            vec!["--total", "index", "--parts", "part_app,part_imp,part_sip"],
        ),
    ] {
        let csv = dir.path().join("ranking.csv");
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"));
        c.current_dir(crate::common::root()).args([
            "score",
            project,
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ]);
        let (code, _, err) = crate::common::outcome(&mut c);
        assert_eq!(code, 0, "{err}");
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"));
        c.args(["audit", csv.to_str().unwrap(), "--format", "table"])
            .args(&args);
        let (code, out, err) = crate::common::outcome(&mut c);
        assert_eq!(code, 0, "{project}: {out}{err}");
        assert!(out.contains("0 contradiction(s)"), "{out}");
    }
}
