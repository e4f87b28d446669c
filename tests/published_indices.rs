//! DOMAIN.md's published PAR and SIPAS figures, reproduced through the CLI on the
//! built-in frameworks from inputs built to match them: the 2023 and 2024 provincial
//! PAR rankings (par-province) and the national and provincial SIPAS indices (sipas).

use crate::common::cchc_text as cchc;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// The maxima of par-province's eight fields, in hundredths of a point.
const FIELDS: [(&str, i64); 8] = [
    ("1.1", 1000),
    ("2.1", 1000),
    ("3.1", 1450),
    ("4.1", 1100),
    ("5.1", 1600),
    ("6.1", 700),
    ("7.1", 1600),
    ("8.1", 1550),
];

fn cents(v: i64) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

/// A par-province project whose provinces have these indices (in hundredths): each
/// province loses its points from the first fields on, so its fields sum to its index.
fn province_project(dir: &Path, provinces: &[(String, i64)]) {
    let mut units = String::from("unit_id,name\n");
    let mut checklist = String::from("unit_id,criterion_id,appraised_score\n");
    for (id, index) in provinces {
        let _ = writeln!(units, "{id},Tỉnh {id}");
        let mut deficit = 10000 - index;
        for (leaf, max) in FIELDS {
            let lost = deficit.min(max);
            deficit -= lost;
            let _ = writeln!(checklist, "{id},{leaf},{}", cents(max - lost));
        }
    }
    std::fs::write(dir.join("units.csv"), units).unwrap();
    std::fs::write(dir.join("checklist.csv"), checklist).unwrap();
    std::fs::write(
        dir.join("cchc.toml"),
        "framework = \"par-province\"\n[inputs]\nunits = \"units.csv\"\nchecklist = \"checklist.csv\"\n",
    )
    .unwrap();
}

/// `n` indices (hundredths) around `mean`, all within `lo..hi`, summing to `total`.
fn spread(n: usize, total: i64, lo: i64, hi: i64) -> Vec<i64> {
    let base = total / n as i64;
    let mut v: Vec<i64> = (0..n).map(|i| base + ((i % 11) as i64 - 5) * 13).collect();
    let diff = total - v.iter().sum::<i64>();
    v[n - 1] += diff;
    assert!(v.iter().all(|x| (lo..hi).contains(x)), "{v:?}");
    v
}

fn json(dir: &Path) -> Value {
    serde_json::from_str(&cchc(&["score", dir.to_str().unwrap(), "--format", "json"])).unwrap()
}

#[test]
fn par_2023_quang_ninh_first_yen_bai_tenth_average() {
    // 2023: average 86.98%; Quảng Ninh 92.18%, Hải Phòng 91.87%, Hà Nội 91.43% lead;
    // Yên Bái 88.86% ranks 10 of 63.
    let mut p: Vec<(String, i64)> = vec![
        ("QN".into(), 9218),
        ("HP".into(), 9187),
        ("HN".into(), 9143),
    ];
    for (i, v) in [9100, 9050, 9020, 8990, 8950, 8910].iter().enumerate() {
        p.push((format!("T{i:02}"), *v));
    }
    p.push(("YB".into(), 8886));
    let given: i64 = p.iter().map(|(_, v)| v).sum();
    let rest = spread(53, 63 * 8698 - given, 8000, 8886);
    for (i, v) in rest.into_iter().enumerate() {
        p.push((format!("R{i:02}"), v));
    }
    let dir = tempfile::tempdir().unwrap();
    province_project(dir.path(), &p);
    let v = json(dir.path());
    let units = v["units"].as_array().unwrap();
    let row = |i: usize| {
        (
            units[i]["rank"].as_u64().unwrap(),
            units[i]["unit_id"].as_str().unwrap().to_string(),
            units[i]["index"].to_string(),
        )
    };
    assert_eq!(row(0), (1, "QN".into(), "92.18".into()));
    assert_eq!(row(1), (2, "HP".into(), "91.87".into()));
    assert_eq!(row(2), (3, "HN".into(), "91.43".into()));
    assert_eq!(row(9), (10, "YB".into(), "88.86".into()));
    assert_eq!(units.len(), 63);
    assert_eq!(v["summary"]["mean_index"].to_string(), "86.98");
}

#[test]
fn par_2024_hai_phong_first_groups_a_and_b() {
    // 2024: average 88.37%, Hải Phòng first at 96.17%, group A ≥ 90% (13 provinces),
    // group B 80–<90% (50).
    let mut p: Vec<(String, i64)> = vec![("HP".into(), 9617)];
    for (i, v) in [
        9512, 9433, 9388, 9301, 9255, 9190, 9123, 9080, 9047, 9021, 9010, 9000,
    ]
    .iter()
    .enumerate()
    {
        p.push((format!("A{i:02}"), *v));
    }
    let given: i64 = p.iter().map(|(_, v)| v).sum();
    let rest = spread(50, 63 * 8837 - given, 8000, 9000);
    for (i, v) in rest.into_iter().enumerate() {
        p.push((format!("B{i:02}"), v));
    }
    let dir = tempfile::tempdir().unwrap();
    province_project(dir.path(), &p);
    let v = json(dir.path());
    let first = &v["units"][0];
    assert_eq!(first["unit_id"], "HP");
    assert_eq!(first["index"].to_string(), "96.17");
    assert_eq!(first["band"], "Nhóm A");
    let s = &v["summary"];
    assert_eq!(s["mean_index"].to_string(), "88.37");
    assert_eq!(s["units"], 63);
    assert_eq!(
        s["bands"],
        serde_json::json!([
            {"band": "Nhóm A", "units": 13},
            {"band": "Nhóm B", "units": 50},
            {"band": "Nhóm C", "units": 0},
        ])
    );
    // The table's footer quotes the same figures.
    let table = cchc(&["score", dir.path().to_str().unwrap(), "--format", "table"]);
    assert!(
        table.contains("mean index 88.37; Nhóm A 13, Nhóm B 50, Nhóm C 0"),
        "{table}"
    );
}

/// The built-in sipas questionnaire: factor → its questions.
const SIPAS: [&[&str]; 5] = [
    &["TC1", "TC2", "TC3"],
    &["TT1", "TT2", "TT3", "TT4"],
    &["CC1", "CC2", "CC3", "CC4"],
    &["KQ1", "KQ2", "KQ3"],
    &["GY1", "GY2", "GY3"],
];

#[test]
fn sipas_published_indices() {
    // National SIPAS 2022 80.08%, 2023 82.66%, 2024 83.94%; 2023 Quảng Ninh 90.61%,
    // Yên Bái 87.73%. Each "unit" has 2,000 respondents answering all 17 questions; in
    // factor f, k_f of them answer 5 throughout and the rest 3, so the factor is
    // k_f / 2000 and the index Σk_f / 10000. The k_f differ between factors.
    let figures = [
        ("VN-2022", 8008),
        ("VN-2023", 8266),
        ("VN-2024", 8394),
        ("QN-2023", 9061),
        ("YB-2023", 8773),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut survey = String::from("response_id,unit_id,question_id,answer\n");
    let mut units = String::from("unit_id,name\n");
    let mut expected_factors = Vec::new();
    for (unit, target) in figures {
        let _ = writeln!(units, "{unit},{unit}");
        let base = target / 5;
        let mut k = [base + 61, base - 40, base + 25, base - 70, 0];
        k[4] = target - k[..4].iter().sum::<i64>();
        expected_factors.push(k);
        for r in 0..2000 {
            for (f, questions) in SIPAS.iter().enumerate() {
                let answer = if r < k[f] { 5 } else { 3 };
                for q in *questions {
                    let _ = writeln!(survey, "{unit}-{r},{unit},{q},{answer}");
                }
            }
        }
    }
    std::fs::write(dir.path().join("survey.csv"), survey).unwrap();
    std::fs::write(dir.path().join("units.csv"), units).unwrap();
    std::fs::write(
        dir.path().join("cchc.toml"),
        "framework = \"sipas\"\n[inputs]\nunits = \"units.csv\"\nsurvey = \"survey.csv\"\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let csv = cchc(&["sipas", d, "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let index_of = |unit: &str| {
        let r = rows.iter().find(|r| r[0] == unit).unwrap();
        r[col("index")].clone()
    };
    assert_eq!(index_of("VN-2022"), "80.08");
    assert_eq!(index_of("VN-2023"), "82.66");
    assert_eq!(index_of("VN-2024"), "83.94");
    assert_eq!(index_of("QN-2023"), "90.61");
    assert_eq!(index_of("YB-2023"), "87.73");
    // A factor is its k over 2,000 (VN-2022, the first row in id order is QN-2023).
    let vn = rows.iter().find(|r| r[0] == "VN-2022").unwrap();
    let k = expected_factors[0];
    assert_eq!(vn[col("factor_access")], cents(k[0] * 5));
    assert_eq!(vn[col("respondents")], "2000");
    assert_eq!(vn[col("answers")], "34000");
    // Scoring on the same framework ranks them on the same index.
    let ranking = cchc(&["score", d, "--format", "csv"]);
    let top: Vec<&str> = ranking
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(7).unwrap())
        .collect();
    assert_eq!(top, ["90.61", "87.73", "83.94", "82.66", "80.08"]);
}
