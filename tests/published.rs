//! DOMAIN.md's published figures, reproduced through the CLI from dossier logs built to
//! match their counts: the tool recomputes each rate from counts.

use std::fmt::Write as _;

/// Appends `n` rows of one kind to a log.
#[allow(clippy::too_many_arguments)]
fn rows(
    log: &mut String,
    next: &mut u64,
    n: u64,
    unit: &str,
    received: &str,
    channel: &str,
    status: &str,
    due: &str,
    finished: &str,
) {
    for _ in 0..n {
        *next += 1;
        let _ = writeln!(
            log,
            "D{next},{unit},{received},{channel},{status},{due},{finished}"
        );
    }
}

/// Runs `cchc metrics` on a log and returns the CSV row of its only unit as a map.
fn metrics(log: &str, period: &str, extra: &[&str]) -> std::collections::BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.csv");
    std::fs::write(&path, log).unwrap();
    let path_text = path.to_str().unwrap();
    let mut args = vec![
        "metrics",
        "--dossiers",
        path_text,
        "--period",
        period,
        "--format",
        "csv",
    ];
    args.extend_from_slice(extra);
    let text = crate::common::cchc_text(&args);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert!(lines.next().is_none(), "one unit expected");
    header
        .iter()
        .zip(row)
        .map(|(h, v)| (h.to_string(), v.to_string()))
        .collect()
}

const HEADER: &str = "dossier_id,unit_id,received_at,channel,status,due_at,finished_at\n";

#[test]
fn soc_trang_2019_on_time_rate() {
    // 25,031 received; 21,648 resolved; 21,578 early or on time → 99.68%.
    let mut log = String::from(HEADER);
    let n = &mut 0;
    rows(
        &mut log,
        n,
        21_578,
        "STG",
        "2019-03-01",
        "direct",
        "resolved",
        "2019-03-08",
        "2019-03-08",
    );
    rows(
        &mut log,
        n,
        70,
        "STG",
        "2019-03-01",
        "direct",
        "resolved",
        "2019-03-08",
        "2019-03-12",
    );
    rows(
        &mut log,
        n,
        25_031 - 21_648,
        "STG",
        "2019-06-10",
        "direct",
        "processing",
        "2019-06-20",
        "",
    );
    let m = metrics(&log, "2019-01-01..2019-06-15", &[]);
    assert_eq!(
        (m["received"].as_str(), m["resolved"].as_str()),
        ("25031", "21648")
    );
    assert_eq!(m["on_time_rate"], "99.68");
}

#[test]
fn lam_dong_q1_2020_on_time_rate() {
    // 659,245 received; 643,272 resolved; 635,593 on time; 7,677 late → 98.81%.
    // 635,593 + 7,677 = 643,270: the two left over were returned, which counts neither
    // as early, on time nor late (DOMAIN.md), so our `resolved` is 643,270.
    let mut log = String::from(HEADER);
    let n = &mut 0;
    rows(
        &mut log,
        n,
        635_593,
        "LDG",
        "2020-02-03",
        "direct",
        "resolved",
        "2020-02-10",
        "2020-02-10",
    );
    rows(
        &mut log,
        n,
        7_677,
        "LDG",
        "2020-02-03",
        "online",
        "resolved",
        "2020-02-10",
        "2020-02-14",
    );
    rows(
        &mut log,
        n,
        2,
        "LDG",
        "2020-02-03",
        "direct",
        "returned",
        "2020-02-10",
        "2020-02-06",
    );
    rows(
        &mut log,
        n,
        659_245 - 643_272,
        "LDG",
        "2020-03-25",
        "postal",
        "processing",
        "2020-04-06",
        "",
    );
    let m = metrics(&log, "2020-Q1", &[]);
    assert_eq!(m["received"], "659245");
    assert_eq!(
        (m["resolved"].as_str(), m["returned"].as_str()),
        ("643270", "2")
    );
    assert_eq!(
        (m["on_time"].as_str(), m["late"].as_str()),
        ("635593", "7677")
    );
    assert_eq!(m["on_time_rate"], "98.81");
}

#[test]
fn kon_tum_q1_2023_online_share_over_received_and_carried_over() {
    // 56,039 dossiers including 4,910 carried over; 12,516 online → 22.33% with the
    // carry-over in the denominator (24.48% over received alone).
    let mut log = String::from(HEADER);
    let n = &mut 0;
    rows(
        &mut log,
        n,
        4_910,
        "KTM",
        "2022-12-20",
        "direct",
        "processing",
        "2023-01-10",
        "",
    );
    rows(
        &mut log,
        n,
        12_516,
        "KTM",
        "2023-02-01",
        "online",
        "resolved",
        "2023-02-08",
        "2023-02-07",
    );
    rows(
        &mut log,
        n,
        56_039 - 4_910 - 12_516,
        "KTM",
        "2023-02-01",
        "direct",
        "resolved",
        "2023-02-08",
        "2023-02-08",
    );
    let m = metrics(
        &log,
        "2023-Q1",
        &["--rate-definition", "online_share=received+carried_over"],
    );
    assert_eq!(
        (
            m["received"].as_str(),
            m["carried_over"].as_str(),
            m["online"].as_str()
        ),
        ("51129", "4910", "12516")
    );
    assert_eq!(m["online_share"], "22.33");
    let m = metrics(&log, "2023-Q1", &[]);
    assert_eq!(m["online_share"], "24.48");
}

#[test]
fn phuong_trung_tam_2023_online_share() {
    // 567 dossiers, 135 online, 432 in person → 23.81% online; 98.2% early, 1.8% on time.
    let mut log = String::from(HEADER);
    let n = &mut 0;
    rows(
        &mut log,
        n,
        135,
        "PTT",
        "2023-05-02",
        "online",
        "resolved",
        "2023-05-09",
        "2023-05-05",
    );
    rows(
        &mut log,
        n,
        557 - 135,
        "PTT",
        "2023-05-02",
        "direct",
        "resolved",
        "2023-05-09",
        "2023-05-05",
    );
    rows(
        &mut log,
        n,
        10,
        "PTT",
        "2023-05-02",
        "direct",
        "resolved",
        "2023-05-09",
        "2023-05-09",
    );
    let m = metrics(&log, "2023", &[]);
    assert_eq!(
        (m["received"].as_str(), m["online"].as_str()),
        ("567", "135")
    );
    assert_eq!(m["online_share"], "23.81");
    assert_eq!((m["early"].as_str(), m["on_time"].as_str()), ("557", "10"));
    assert_eq!(m["on_time_rate"], "100.00");
}
