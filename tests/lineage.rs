//! The official 2025 conversion table read as published (#9): its counts agree with
//! figures established independently (fixtures/tools/lineage_counts.py, openpyxl over
//! the table's other, unmerged sheet), and the merged sheet reads to the same edges as
//! the unmerged one.

use cchc::input::columns::{Aliases, Input};
use cchc::input::lineage::{read, relation_of_note, Lineage, Relation};
use cchc::input::Table;

const TABLE: &str = "fixtures/lineage-2025/conversion-table.xlsx";

fn load(sheet: Option<&str>) -> (Lineage, Vec<cchc::diag::Diagnostic>) {
    let path = crate::common::root().join(TABLE);
    let aliases = Aliases::of(Input::Lineage, &Default::default());
    let t = Table::read_as(
        &path,
        sheet,
        TABLE,
        &cchc::input::lineage::COLUMNS,
        &aliases,
    )
    .unwrap();
    let mut diags = Vec::new();
    let l = read(&t, &mut diags);
    (l, diags)
}

#[test]
fn the_official_table_counts_as_an_independent_reading_does() {
    let (l, diags) = load(None);
    let s = l.summary();
    // python3 fixtures/tools/lineage_counts.py, over `Tổng hợp_không merge `.
    assert_eq!(s.edges, 10571);
    assert_eq!(s.new_units, 3321);
    assert_eq!(s.old_units, 10033);
    assert_eq!(s.without_code, 6);
    // whole, part (966 notes of a part + 9 free-text notes taken as part), unchanged, renamed.
    assert_eq!(s.relations, [9465, 975, 129, 2]);
    assert_eq!(s.split, 441);
    assert_eq!(s.reused.len(), 3185);
    assert_eq!(l.rejected, 0);
    let count = |code: &str| diags.iter().filter(|d| d.code.as_str() == code).count();
    // Five island districts and the coastal area of Kim Sơn: reported, kept.
    assert_eq!(count("lineage-no-code"), 6);
    assert_eq!(count("lineage-note"), 9);
    assert_eq!(diags.len(), 15, "{diags:?}");
    // Numbers that lost their zeros are padded back: Hà Nội's codes start 000…
    assert!(l.edges.iter().any(|e| e.new_id == "01558"));
    assert!(l.edges.iter().all(|e| e.new_id.len() == 5));
}

#[test]
fn phuong_soc_trang_is_four_old_wards_and_its_code_was_phuong_6s() {
    let (l, _) = load(None);
    let into: Vec<(&str, &str, Relation)> = l
        .into_unit("31507")
        .map(|e| (e.old_id.as_str(), e.old_name.as_str(), e.relation))
        .collect();
    assert_eq!(
        into,
        [
            ("31498", "Phường 5", Relation::Whole),
            ("31501", "Phường 7", Relation::Whole),
            ("31504", "Phường 8", Relation::Whole),
            ("31507", "Phường 6", Relation::Whole),
        ]
    );
    // The name was written "Phường Sóc Trăng\n" on the first row of a merged cell.
    assert!(l
        .into_unit("31507")
        .all(|e| e.new_name == "Phường Sóc Trăng"));
    assert!(!l.same_unit("31507"));
    assert!(l.summary().reused.contains(&"31507".to_string()));
}

#[test]
fn the_merged_sheet_reads_to_the_same_edges_as_the_unmerged_one() {
    let (merged, _) = load(None);
    let (flat, _) = load(Some("Tổng hợp_không merge"));
    let key = |l: &Lineage| -> Vec<(String, String, Relation)> {
        l.edges
            .iter()
            .map(|e| (e.new_id.clone(), e.old_id.clone(), e.relation))
            .collect()
    };
    assert_eq!(key(&merged), key(&flat));
    // Names agree too, but for the three rows where the flat sheet spells the new
    // unit Điềm Thuỵ and the merged one Điềm Thụy.
    let differ = merged
        .edges
        .iter()
        .zip(&flat.edges)
        .filter(|(a, b)| a.new_name != b.new_name || a.old_name != b.old_name)
        .count();
    assert_eq!(differ, 3);
}

#[test]
fn every_variant_of_the_notes_is_a_relation() {
    for (note, want) in [
        ("Nhập toàn bộ", Some(Relation::Whole)),
        ("Nhập toàn bộ diện tích", Some(Relation::Whole)),
        ("Nhập một phần", Some(Relation::Part)),
        ("Nhập một phần\n", Some(Relation::Part)),
        ("Nhập một  phần", Some(Relation::Part)),
        ("Nhập một phần  diện tích", Some(Relation::Part)),
        ("Nhâp một phần diện tích", Some(Relation::Part)),
        ("Nhập một phần dân số", Some(Relation::Part)),
        (
            "Nhập một phần diện tích, toàn bộ dân số",
            Some(Relation::Part),
        ),
        ("Giữ nguyên ", Some(Relation::Unchanged)),
        ("Đổi loại hình", Some(Relation::Unchanged)),
        ("Đổi tên", Some(Relation::Renamed)),
        ("Đổi tên từ một phần Phường 15", None),
        ("Sắp xếp toàn bộ huyện Côn Đảo thành đặc khu Côn Đảo", None),
    ] {
        assert_eq!(relation_of_note(note), want, "{note:?}");
        // NFD text (as some keyboards type it) reads the same.
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd(note).collect();
        assert_eq!(relation_of_note(&nfd), want, "NFD {note:?}");
    }
}

#[test]
fn relations_left_unsaid_are_inferred_and_repeats_reported() {
    let t = crate::common::table(
        "old_id,new_id\nA,N1\nB,N1\nB,N2\nC,C\nA,N1\n,\n",
        "lineage.csv",
        &cchc::input::lineage::COLUMNS,
    );
    let mut diags = Vec::new();
    let l = read(&t, &mut diags);
    let rel: Vec<(&str, &str, Relation)> = l
        .edges
        .iter()
        .map(|e| (e.old_id.as_str(), e.new_id.as_str(), e.relation))
        .collect();
    assert_eq!(
        rel,
        [
            ("C", "C", Relation::Unchanged),
            ("A", "N1", Relation::Whole),
            ("B", "N1", Relation::Part),
            ("B", "N2", Relation::Part),
        ]
    );
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code.as_str(), "lineage-duplicate");
    assert_eq!(l.rejected, 1);
}
