//! The official service index (`metrics --method 766`, `service-766-2026`) on the
//! hand-worked commune month of `tests/fixtures/service766/` (README.md there derives
//! every figure from the listed dossiers, procedures and petitions), and what must hold
//! of it: absent inputs are not applicable, never 0 or full; row order, the split of the
//! log and CSV vs Parquet change no byte; the 4.2 curve is a one-line change.

use crate::common::{outcome, root};
use std::process::Command;

const DIR: &str = "tests/fixtures/service766";

fn cchc(args: &[&str]) -> (i32, String, String) {
    outcome(
        Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(args)
            .current_dir(root()),
    )
}

/// `cchc metrics ARGS --format csv`.
fn metrics(args: &[&str]) -> (i32, String, String) {
    cchc(&[&["metrics"], args, &["--format", "csv"]].concat())
}

/// `unit,indicator → score` of a metrics CSV, for the rows asked.
fn scores(csv: &str, wanted: &[(&str, &str)]) -> Vec<String> {
    wanted
        .iter()
        .map(|(u, i)| {
            csv.lines()
                .map(|l| l.split(',').collect::<Vec<_>>())
                .find(|c| c[0] == *u && c[2] == *i)
                .map_or_else(
                    || format!("{u} {i} missing"),
                    |c| format!("{u} {i} {}", c[6]),
                )
        })
        .collect()
}

#[test]
fn the_hand_worked_month_is_reproduced_indicator_by_indicator() {
    let (code, out, err) = metrics(&[DIR, "--method", "766"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, crate::common::read(format!("{DIR}/expected.csv")));
    // D10's procedure PX is not in the catalogue: said once.
    assert!(
        err.contains("1 procedure(s) of the log are not in the catalogue (PX)"),
        "{err}"
    );
    // The figures README.md works out, one by one (a few of each kind).
    assert_eq!(
        scores(
            &out,
            &[
                ("X1", "1.4"), // 10 synced of 11 received: 6 × 10/11
                ("X1", "2.1"), // 6 on time of 11 (5 late: D2, D4, D6, D8, D11)
                ("X1", "3.3"), // 4/11 online × 10/11 synced, full at 50%
                ("X1", "5.2"), // 3 of 4 petitions on time
                ("X1", "5.3"), // 1 satisfied of 3 first petitions
                ("X1", "5.4"), // 1 − 5/11 late − 2/11 flagged, full at 90%
                ("X1", "total"),
                ("X2", "2.1"),   // no dossiers: na
                ("X2", "1.4"),   // no dossiers: 0
                ("X2", "5.2"),   // no petitions: full
                ("X2", "5.4"),   // no dossiers: 0
                ("X2", "total"), // 22.208… of 48 applicable
                ("X3", "4.2"),   // 1 of 2, full at 80%: 2.5
                ("X3", "total"), // 57.041… of 88 applicable
            ]
        ),
        [
            "X1 1.4 5.45",
            "X1 2.1 10.91",
            "X1 3.3 3.97",
            "X1 5.2 4.50",
            "X1 5.3 2.00",
            "X1 5.4 2.42",
            "X1 total 52.86",
            "X2 2.1 na",
            "X2 1.4 0.00",
            "X2 5.2 6.00",
            "X2 5.4 0.00",
            "X2 total 46.27",
            "X3 4.2 2.50",
            "X3 total 64.82",
        ]
    );
}

#[test]
fn score_ranks_on_the_official_index_and_explain_names_the_late_dossiers() {
    let (code, out, err) = cchc(&["score", DIR, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let ranked: Vec<String> = out
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            format!("{} {} {}", c[0], c[2], c[7])
        })
        .collect();
    assert_eq!(ranked, ["1 X3 64.82", "2 X1 52.86", "3 X2 46.27"]);
    let (_, text, _) = cchc(&["explain", DIR, "--unit", "X1", "--criterion", "2.1"]);
    assert!(
        text.contains("official:2.1 (6 of 11; late: tests/fixtures/service766/dossiers.csv lines 3, 5, 7, 9, 12; not judged (no due date, no maximum time): tests/fixtures/service766/dossiers.csv line 11)"),
        "{text}"
    );
    let (_, text, _) = cchc(&["explain", DIR, "--unit", "X1", "--criterion", "1.1"]);
    assert!(
        text.contains("tests/fixtures/service766/procedures.csv"),
        "{text}"
    );
}

/// The fixture copied to a temporary folder, `edit` applied to each file's text.
pub(crate) fn copy(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(root().join(DIR)).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        std::fs::write(tmp.path().join(&name), edit(&name, text)).unwrap();
    }
    tmp
}

/// The log without one column.
fn drop_column(text: &str, column: &str) -> String {
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == column).unwrap();
    text.lines()
        .map(|l| {
            let mut c: Vec<&str> = l.split(',').collect();
            c.remove(at);
            c.join(",") + "\n"
        })
        .collect()
}

#[test]
fn an_absent_input_makes_its_indicators_not_applicable_with_one_finding() {
    let tmp = copy(|name, text| match name {
        "dossiers.csv" => drop_column(&text, "synced"),
        "cchc.toml" => text.replace("petitions = \"petitions.csv\"\n", ""),
        _ => text,
    });
    let dir = tmp.path().to_str().unwrap();
    let (code, out, err) = metrics(&[dir]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        scores(
            &out,
            &[("X1", "1.4"), ("X1", "3.3"), ("X1", "5.2"), ("X2", "5.3")]
        ),
        ["X1 1.4 na", "X1 3.3 na", "X1 5.2 na", "X2 5.3 na"]
    );
    for said in [
        "indicator 1.4 is not applicable for any unit: the log has no column `synced`",
        "indicator 3.3 is not applicable for any unit: the log has no column `synced`",
        "indicator 5.2 is not applicable for any unit: no petitions file",
    ] {
        assert_eq!(err.matches(said).count(), 1, "{said}\n{err}");
    }
    assert!(err.contains("[indicator-without-input]"), "{err}");
    // The others are as before: X1's 2.1 does not read `synced`.
    assert_eq!(scores(&out, &[("X1", "2.1")]), ["X1 2.1 10.91"]);
    // Without the catalogue, the procedure indicators are not applicable too.
    let tmp = copy(|name, text| match name {
        "cchc.toml" => text.replace("procedures = \"procedures.csv\"\n", ""),
        _ => text,
    });
    let (_, out, err) = metrics(&[tmp.path().to_str().unwrap()]);
    assert_eq!(
        scores(&out, &[("X1", "1.1"), ("X1", "4.1")]),
        ["X1 1.1 na", "X1 4.1 na"]
    );
    assert!(
        err.contains("indicator 1.1 is not applicable for any unit: no procedures catalogue"),
        "{err}"
    );
}

#[test]
fn the_4_2_curve_is_one_line_of_the_framework() {
    // The trackers' reading of 4.2 (max × r instead of full at 80%): target 100.
    let fw = crate::common::read("criteria/service-766-2026.toml");
    let linear = fw.replace(
        "ratio = \"official:4.2\"\non-empty = \"na\"\ntarget = \"80\"",
        "ratio = \"official:4.2\"\non-empty = \"na\"",
    );
    assert_ne!(fw, linear);
    let tmp = copy(|_, t| t);
    std::fs::write(tmp.path().join("fw.toml"), linear).unwrap();
    let dir = tmp.path().to_str().unwrap();
    let fw_path = tmp.path().join("fw.toml");
    let (code, out, err) = metrics(&[dir, "--framework", fw_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // X1: 2 of 6 → 4 × 1/3 (was 5/3 full at 80%); X3: 1 of 2 → 2 (was 2.5).
    assert_eq!(
        scores(&out, &[("X1", "4.2"), ("X3", "4.2")]),
        ["X1 4.2 1.33", "X3 4.2 2.00"]
    );
}

#[test]
fn row_order_the_logs_split_and_parquet_change_no_byte() {
    let want = crate::common::read(format!("{DIR}/expected.csv"));
    let text = crate::common::read(format!("{DIR}/dossiers.csv"));
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    // Reversed, and rotated: every row elsewhere.
    for order in [
        lines.iter().rev().copied().collect::<Vec<_>>(),
        lines[7..].iter().chain(&lines[..7]).copied().collect(),
    ] {
        let tmp = copy(|name, t| match name {
            "dossiers.csv" => format!("{header}\n{}\n", order.join("\n")),
            _ => t,
        });
        let (_, out, err) = metrics(&[tmp.path().to_str().unwrap()]);
        assert_eq!(out, want, "{err}");
    }
    // A dataset of two Parquet files, flags typed as booleans and counts as integers.
    let tmp = copy(|_, t| t);
    let names: Vec<String> = header.split(',').map(str::to_string).collect();
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let logs = tmp.path().join("logs");
    typed_part(&logs.join("part-0.parquet"), &names, &rows[..6]);
    typed_part(&logs.join("part-1.parquet"), &names, &rows[6..]);
    let dir = tmp.path().to_str().unwrap();
    let (code, out, err) = metrics(&[dir, "--dossiers", logs.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, want);
}

pub(crate) fn typed_part(path: &std::path::Path, header: &[String], rows: &[Vec<String>]) {
    use cchc::dossier::ParquetValues as Values;
    let flags = [
        "paid_online",
        "digitized",
        "e_result",
        "synced",
        "reused_data",
        "from_personal_store",
        "to_personal_store",
        "citizen_db",
    ];
    let columns = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let cell = |r: &Vec<String>| Some(r[i].clone()).filter(|s| !s.is_empty());
            let v = if flags.contains(&h.as_str()) {
                Values::Bool(rows.iter().map(|r| cell(r).map(|s| s == "1")).collect())
            } else if h == "supplement_requests" || h == "fee" || h == "rating" {
                Values::Int(
                    rows.iter()
                        .map(|r| cell(r).map(|s| s.parse().unwrap()))
                        .collect(),
                )
            } else {
                Values::Text(rows.iter().map(cell).collect())
            };
            (h.clone(), v)
        })
        .collect();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, cchc::dossier::parquet_bytes(columns).unwrap()).unwrap();
}

#[test]
fn the_official_method_refuses_what_it_cannot_honour() {
    let (code, _, err) = cchc(&[
        "metrics",
        DIR,
        "--method",
        "cchc",
        "--framework",
        "service-766-2026",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("use it with --method 766"), "{err}");
    let (code, _, err) = cchc(&[
        "metrics",
        DIR,
        "--method",
        "766",
        "--emit-sql",
        "duckdb",
        "--counts",
        "counts.csv",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("computes the counts from the log: leave --counts out"),
        "{err}"
    );
    let (code, _, err) = cchc(&["metrics", DIR, "--framework", "par-province"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("scores no official indicator"), "{err}");
}

#[test]
fn a_stopped_dossier_ends_processing_in_cchcs_own_table_too() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("dossiers.csv");
    std::fs::write(
        &log,
        "dossier_id,unit_id,received_at,channel,status,due_at,finished_at\n\
         A,X1,2026-03-02,direct,stopped,2026-03-09,2026-03-04\n\
         B,X1,2026-03-02,direct,dung_xu_ly,2026-03-09,2026-03-05\n\
         C,X1,2026-03-02,direct,stopped,2026-03-09,\n",
    )
    .unwrap();
    let args = [
        "metrics",
        "--dossiers",
        log.to_str().unwrap(),
        "--period",
        "2026-03",
    ];
    let (code, _, err) = cchc(&[&args[..], &["--format", "csv"]].concat());
    // C has no finished_at: a stopped dossier needs one, as a returned one does.
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("[missing-finish]"), "{err}");
    let (code, out, err) = cchc(&[&args[..], &["--format", "csv", "--skip-invalid"]].concat());
    assert_eq!(code, 0, "{err}");
    let header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
    let x1: Vec<&str> = out.lines().nth(1).unwrap().split(',').collect();
    let at = |c: &str| x1[header.iter().position(|h| *h == c).unwrap()];
    // A and B (both spellings) ended without a result: returned, not pending.
    assert_eq!(
        (at("received"), at("returned"), at("pending")),
        ("2", "2", "0"),
        "{out}"
    );
}

#[test]
fn reconcile_lists_each_figure_the_portal_prints_otherwise_with_both_derivations() {
    let reconcile = |file: &str| cchc(&["reconcile", DIR, "--official", file, "--format", "csv"]);
    let (code, out, err) = reconcile(&format!("{DIR}/portal.csv"));
    // X1's 2.1 as the portal counts it (7 of 11), and the sums that carry it; X1's 1.4
    // and 5.4, X2's 5.2 and X3's figures agree (X3's total 64.820076 is 64.82 within
    // the rounding); X2's 2.1 is all unknown: nothing compared.
    assert_eq!(code, 1, "{err}");
    let rows: Vec<String> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(6).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        rows,
        [
            "3 X1 2.1 numerator 7 6",
            "3 X1 2.1 score 12.73 10.9091",
            "5 X1 TDGQ score 12.73 10.9091",
            "6 X1 total score 54.68 52.8647",
        ]
    );
    assert!(out.lines().nth(1).unwrap().contains(
        "7/11 → score 12.73,\"official:2.1 (6 of 11; late: tests/fixtures/service766/dossiers.csv lines 3, 5, 7, 9, 12; not judged (no due date, no maximum time): tests/fixtures/service766/dossiers.csv line 11)"
    ), "{out}");
    assert_eq!(err.matches("[official-differs]").count(), 4, "{err}");
    assert!(
        err.contains("portal.csv:11: unit `X9`, indicator `1.1`: cchc has no such figure"),
        "{err}"
    );
    assert!(
        out.contains("points 52.8647 / applicable maximum 100 × 100"),
        "{out}"
    );
    // Agreeing figures: exit 0, nothing listed; an empty cell is unknown, never 0.
    let tmp = tempfile::tempdir().unwrap();
    let same = tmp.path().join("same.csv");
    std::fs::write(
        &same,
        "Mã đơn vị,Chỉ số,Tử số,Mẫu số,Điểm\nX1,2.1,6,11,10.91\nX1,total,,,52.86\nX2,1.4,,,\n",
    )
    .unwrap();
    let (code, out, err) = reconcile(same.to_str().unwrap());
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    // A score off by more than the portal's rounding differs, one within it does not.
    std::fs::write(
        &same,
        "unit_id,indicator,score\nX1,total,52.87\nX1,1.4,5.4505\n",
    )
    .unwrap();
    let (code, out, _) = reconcile(same.to_str().unwrap());
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("X1,total,score,52.87,52.8647"), "{out}");
}

#[test]
fn without_a_checklist_the_checklist_criterion_is_not_applicable_and_nothing_is_said() {
    let log = format!("{DIR}/dossiers.csv");
    let (code, out, err) = metrics(&["--method", "766", "--dossiers", &log, "--period", "2026-03"]);
    assert_eq!(code, 0, "{err}");
    // The units come from the log (X1, X3: X2 has no dossier); 4.6 is na, not 0.
    assert_eq!(
        scores(&out, &[("X1", "4.6"), ("X3", "4.6"), ("X2", "total")]),
        ["X1 4.6 na", "X3 4.6 na", "X2 total missing"]
    );
    for quiet in [
        "unit-without-rows",
        "criterion-matched-nothing",
        "empty-checklist",
    ] {
        assert!(!err.contains(quiet), "{err}");
    }
}

#[test]
fn an_independent_reading_of_the_index_agrees_cell_for_cell() {
    // tests/portal766.py was written from DOMAIN.md and PRODUCT.md, not from this code:
    // it reads the project's files, judges every dossier and petition, and prints the
    // table `metrics --method 766` prints. On the demo and on generated projects.
    let have = Command::new("python3").arg("-V").output();
    if have.is_err() {
        assert!(std::env::var_os("CI").is_none(), "python3 is needed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut projects = vec![root().join("fixtures/service-766"), root().join(DIR)];
    for (seed, procedures) in [(1, 12), (2, 30), (3, 5), (4, 60)] {
        let out = tmp.path().join(format!("p{seed}"));
        generated(seed, 700, procedures, 80, &out);
        projects.push(out);
    }
    for p in &projects {
        let theirs = Command::new("python3")
            .arg(root().join("tests/portal766.py"))
            .arg(root().join("criteria/calendar/vn-holidays.csv"))
            .arg(p)
            .args(["2026-03-01", "2026-03-31"])
            .output()
            .unwrap();
        assert!(
            theirs.status.success(),
            "{}",
            String::from_utf8_lossy(&theirs.stderr)
        );
        let (code, ours, err) = metrics(&[p.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let theirs = String::from_utf8(theirs.stdout).unwrap();
        assert!(ours.lines().count() > 20);
        assert_eq!(ours, theirs, "{}", p.display());
    }
}

#[test]
fn the_demo_is_the_generators_output() {
    // fixtures/service-766 is what its generate.py writes with the default seed.
    let tmp = tempfile::tempdir().unwrap();
    let made = Command::new("python3")
        .arg(root().join("fixtures/service-766/generate.py"))
        .arg("--out")
        .arg(tmp.path())
        .output();
    let Ok(made) = made else {
        assert!(std::env::var_os("CI").is_none(), "python3 is needed");
        return;
    };
    assert!(made.status.success());
    for f in [
        "dossiers.csv",
        "procedures.csv",
        "petitions.csv",
        "units.csv",
        "checklist.csv",
        "cchc.toml",
    ] {
        assert_eq!(
            std::fs::read(tmp.path().join(f)).unwrap(),
            std::fs::read(root().join("fixtures/service-766").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn by_procedure_drills_down_and_adds_up_to_the_units_figures() {
    let (code, out, err) = metrics(&[DIR, "--by", "procedure"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().next(),
        Some("unit_id,procedure_id,indicator,numerator,denominator,ratio,time_unit")
    );
    // The manifest's petitions (5.2–5.4, per unit) are not used per procedure: said.
    assert!(
        err.contains("warning[input-not-used]")
            && err.contains("petitions.csv: `--by procedure` scores each unit's procedures; petitions are per unit"),
        "{err}"
    );
    // 2.2, the mean processing time of the dossiers resolved in March, in the
    // procedure's unit. P1 (working days): D1 2/3 → 6/3 is 4, D4 5/3 → 10/3 is 3, D11
    // 20/2 → 3/3 is 7 (20/2 was a Tết holiday): 14 / 3. P2 (calendar days): D2 9, D3 9,
    // D13 2: 20 / 3. P3 resolved nothing in March.
    assert!(out.contains("X1,P1,2.2,14,3,4.67,working_days\n"), "{out}");
    assert!(out.contains("X1,P2,2.2,20,3,6.67,days\n"), "{out}");
    assert!(out.contains("X1,P3,2.2,0,0,,months\n"), "{out}");
    // X1's P1: D1, D4, D5, D7 received in March (D5 not synced); D1, D5, D7 on time,
    // D4 (two supplements) and D11 (received in February) late.
    assert!(out.contains("X1,P1,1.4,3,4,75.00,\n"), "{out}");
    assert!(out.contains("X1,P1,2.1,3,5,60.00,\n"), "{out}");
    // PX's D10 (stopped, no due date, not in the catalogue) cannot be judged.
    assert!(out.contains("X1,PX,2.1,0,0,,\n"), "{out}");
    // Every additive indicator's counts add up to the unit's (the unit's table).
    let (_, units, unit_err) = metrics(&[DIR]);
    assert!(!unit_err.contains("input-not-used"), "{unit_err}");
    for id in ["1.4", "2.1", "3.6", "4.1", "4.2", "4.3", "4.4", "4.5b"] {
        for unit in ["X1", "X3"] {
            let sum = |col: usize| -> u64 {
                out.lines()
                    .map(|l| l.split(',').collect::<Vec<_>>())
                    .filter(|c| c[0] == unit && c[2] == id)
                    .map(|c| c[col].parse::<u64>().unwrap())
                    .sum()
            };
            let whole = units
                .lines()
                .map(|l| l.split(',').collect::<Vec<_>>())
                .find(|c| c[0] == unit && c[2] == id)
                .unwrap();
            assert_eq!(sum(3).to_string(), whole[3], "{unit} {id} numerator");
            assert_eq!(sum(4).to_string(), whole[4], "{unit} {id} denominator");
        }
    }
    let (code, _, err) = cchc(&["metrics", DIR, "--by", "channel"]);
    assert_eq!(code, 2);
    assert!(err.contains("drills down with --by procedure"), "{err}");
}

#[test]
fn a_recorded_official_run_verifies_and_names_its_framework_file() {
    let tmp = tempfile::tempdir().unwrap();
    let fw = tmp.path().join("fw.toml");
    std::fs::copy(root().join("criteria/service-766-2026.toml"), &fw).unwrap();
    let out = tmp.path().join("t.csv");
    let rec = tmp.path().join("r.json");
    let (code, _, err) = cchc(&[
        "metrics",
        DIR,
        "--framework",
        fw.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--record",
        rec.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let record = std::fs::read_to_string(&rec).unwrap();
    for role in [
        "framework",
        "dossiers",
        "procedures",
        "petitions",
        "checklist",
        "units",
    ] {
        assert!(
            record.contains(&format!("\"role\": \"{role}\"")),
            "{role}: {record}"
        );
    }
    let (code, said, err) = cchc(&["verify", rec.to_str().unwrap()]);
    assert_eq!(code, 0, "{said}{err}");
    std::fs::write(&fw, std::fs::read_to_string(&fw).unwrap() + "# changed\n").unwrap();
    let (code, said, err) = cchc(&["verify", rec.to_str().unwrap()]);
    assert_eq!(code, 1, "{said}{err}");
    assert!(
        format!("{said}{err}").contains("framework fw.toml has changed"),
        "{said}{err}"
    );
}

#[test]
fn advise_counts_what_each_official_indicator_still_needs() {
    let (code, out, err) = cchc(&[
        "advise", DIR, "--unit", "X1", "--top", "0", "--format", "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let row = |id: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("{id}: {out}"))
            .to_string()
    };
    // 2.1: 6 of 11 on time, linear: 5 more for the 20 points (+9.09 → 62.95... as the
    // index then says).
    let r = row("2.1");
    assert!(
        r.contains("6/11 = 54.5454…%,≥ 100%: 5 more of the 11 dossiers ended or open on time"),
        "{r}"
    );
    assert!(r.contains(",10.91,20.00,9.09,"), "{r}");
    // 4.2, full at 80% of 6: 5 dossiers, 3 more.
    assert!(
        row("4.2").contains("≥ 80%: 3 more of the 6 resolved dossiers digitised"),
        "{out}"
    );
    // 3.3 (× the sync ratio) and 5.4 (two shares combined) move with no single count.
    assert!(!out.contains("\n3.3,") && !out.contains("\n5.4,"), "{out}");
}

#[test]
fn a_recorded_drill_down_verifies_too() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, rec) = (tmp.path().join("p.csv"), tmp.path().join("r.json"));
    let (code, _, err) = cchc(&[
        "metrics",
        DIR,
        "--by",
        "procedure",
        "--out",
        out.to_str().unwrap(),
        "--record",
        rec.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, said, err) = cchc(&["verify", rec.to_str().unwrap()]);
    assert_eq!(code, 0, "{said}{err}");
}

#[test]
fn a_log_without_the_official_columns_says_what_it_cannot_judge() {
    // The PAR demo's log: none of the official method's columns.
    let (code, out, err) = metrics(&[
        "--method",
        "766",
        "--dossiers",
        "fixtures/demo/dossiers.csv",
        "--period",
        "2025",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("[supplements-unknown]").count(), 1, "{err}");
    assert!(
        err.contains(
            "indicator 1.4 is not applicable for any unit: the log has no column `synced`"
        ),
        "{err}"
    );
    assert!(
        out.lines()
            .filter(|l| l.contains(",1.4,"))
            .all(|l| l.ends_with(",na,6")),
        "{out}"
    );
    // A log with them says nothing of the kind.
    let (_, _, err) = metrics(&[DIR]);
    assert!(!err.contains("supplements-unknown"), "{err}");
}

#[test]
fn a_catalogue_beyond_reason_is_reported_not_trusted() {
    // A maximum time past the calendar's years leaves the dossier out of 2.1 with a
    // warning; one that is not a number, or a unit of time cchc does not know, is an
    // error and the row is left out (its dossiers then have no maximum time).
    let tmp = copy(|name, t| match name {
        "petitions.csv" => t + "K9,Z9,2026-03-05,procedure,2026-03-06,handled,,0,\n",
        "procedures.csv" => t
            .replace(",0,0,16,hours", ",0,0,4000000000,working_days")
            .replace(",1,1,1,months", ",1,1,1,fortnights")
            .replace(",0,0,10,days", ",0,0,99999999999,days"),
        _ => t,
    });
    let (code, out, err) = metrics(&[tmp.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("[out-of-calendar]") && err.contains("1 dossier(s)"),
        "{err}"
    );
    assert!(
        err.contains("procedures.csv:3: max_time `99999999999` is not a whole number"),
        "{err}"
    );
    assert!(
        err.contains(
            "procedures.csv:4: time_unit `fortnights` is not hours, days, working_days or months"
        ),
        "{err}"
    );
    // A petition of a unit the index does not have counts nowhere, and says so.
    assert!(
        err.contains("unit `Z9` has petitions but no dossiers and is not in the unit register"),
        "{err}"
    );
    // D8 (P4) is out of 2.1, and so is D9 (P3's row left out: no maximum time): on
    // time D1, D3, D5, D7, D13 of 9 → 20 × 5/9.
    assert_eq!(scores(&out, &[("X1", "2.1")]), ["X1 2.1 11.11"]);
}

/// A CSV fixture written as a workbook, its headers replaced by `headers`.
fn as_workbook(csv: &str, headers: &[&str], path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, line) in csv.lines().skip(1).enumerate() {
        for (c, v) in line.split(',').enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn the_catalogue_and_the_petitions_read_from_workbooks_with_vietnamese_headers() {
    let tmp = copy(|_, t| t);
    let petitions = tmp.path().join("pakn.xlsx");
    as_workbook(
        &crate::common::read(format!("{DIR}/petitions.csv")),
        &[
            "Mã PAKN",
            "Mã đơn vị",
            "Ngày tiếp nhận",
            "Loại",
            "Ngày xử lý",
            "Kết quả xử lý",
            "Phản hồi",
            "Lặp lại",
            "Mã hồ sơ",
        ],
        &petitions,
    );
    let procedures = tmp.path().join("thu-tuc.xlsx");
    as_workbook(
        &crate::common::read(format!("{DIR}/procedures.csv")),
        &[
            "Mã thủ tục",
            "Cấp thực hiện",
            "Mức độ trực tuyến",
            "Có phí",
            "Tích hợp thanh toán trực tuyến",
            "Kết quả giấy",
            "Dành cho công dân",
            "Ngày công bố",
            "Ngày hiệu lực",
            "Ngày công khai",
            "Đủ 7 bộ phận",
            "Sử dụng CSDL dân cư",
            "Thời hạn tối đa",
            "Đơn vị thời gian",
        ],
        &procedures,
    );
    let (code, out, err) = metrics(&[
        tmp.path().to_str().unwrap(),
        "--petitions",
        petitions.to_str().unwrap(),
        "--procedures",
        procedures.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, crate::common::read(format!("{DIR}/expected.csv")));
}

#[test]
fn closed_lists_read_in_any_case() {
    // Spreadsheets capitalise: `Full`, `Commune`, `Working_Days`, `Handled`, `Dislike`.
    let tmp = copy(|name, t| match name {
        "procedures.csv" => t
            .replace(",full,", ",Full,")
            .replace("commune,", "Commune,")
            .replace(",working_days", ",Working days")
            .replace(",hours", ",HOURS"),
        "petitions.csv" => t
            .replace(",handled,", ",Handled,")
            .replace(",dislike,", ",Dislike,"),
        // A Vietnamese register: the kind of each unit as it is called.
        "units.csv" => t
            .replacen(",commune", ",Xã", 2)
            .replace(",commune", ",Phường"),
        _ => t,
    });
    let (code, out, err) = metrics(&[tmp.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, crate::common::read(format!("{DIR}/expected.csv")));
}

#[test]
fn units_the_catalogue_gives_no_procedure_are_named() {
    // No register: the catalogue's rows name a level, and no unit has a kind.
    let (code, out, err) = metrics(&[
        "--method",
        "766",
        "--dossiers",
        &format!("{DIR}/dossiers.csv"),
        "--procedures",
        &format!("{DIR}/procedures.csv"),
        "--period",
        "2026-03",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 unit(s) handle none of the catalogue's procedures (X1, X3)"),
        "{err}"
    );
    assert_eq!(scores(&out, &[("X1", "1.3")]), ["X1 1.3 na"]);
    // With the register's kinds, nothing of the kind is said; a row naming a unit the
    // index does not have is.
    let tmp = copy(|name, t| match name {
        // A unit_id column: P4 handled by Z7 only, the others by the level's units.
        "procedures.csv" => t
            .lines()
            .map(|l| {
                let unit = match l.split(',').next() {
                    Some("procedure_id") => "unit_id",
                    Some("P4") => "Z7",
                    _ => "",
                };
                let (id, rest) = l.split_once(',').unwrap();
                format!("{id},{unit},{rest}\n")
            })
            .collect(),
        _ => t,
    });
    let (_, out, err) = metrics(&[tmp.path().to_str().unwrap()]);
    assert!(!err.contains("handle none"), "{err}");
    assert!(
        err.contains("the catalogue names 1 unit(s) the index does not have (Z7)"),
        "{err}"
    );
    // P4 is Z7's only: X1 handles P1–P3 (1.3: P1 and P3 complete of 3).
    assert!(out.contains("X1,CKMB,1.3,2,3,66.67,1.33,2\n"), "{out}");
}

#[test]
fn cchcs_own_metrics_say_they_do_not_read_petitions() {
    let petitions = format!("{DIR}/petitions.csv");
    let (code, _, err) = metrics(&[
        "--dossiers",
        "fixtures/demo/dossiers.csv",
        "--procedures",
        "fixtures/demo/procedures.csv",
        "--period",
        "2025",
        "--petitions",
        &petitions,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("[input-not-used]") && err.contains("`--method 766` does"),
        "{err}"
    );
}

#[test]
fn last_years_count_stands_for_the_1_4_denominator_of_a_unit_that_received_nothing() {
    // X2 received nothing. Last year's 130 dossiers: a month is 130 ÷ 12 = 10.83 → 11,
    // a quarter 130 ÷ 4 = 32.5 → 33 (half up), a year 130. Nothing received, nothing
    // synced: 0 of them, 0 points, as without the file; X1, which received dossiers,
    // keeps its own denominator; X9 is not in the index.
    let tmp = tempfile::tempdir().unwrap();
    let prev = tmp.path().join("previous.csv");
    std::fs::write(&prev, "unit_id,received\nX1,500\nX2,130\nX9,4\n").unwrap();
    let p = prev.to_str().unwrap();
    for (period, want) in [
        ("2026-03", "X2,CKMB,1.4,0,11,0.00,0.00,6"),
        ("2026-Q1", "X2,CKMB,1.4,0,33,0.00,0.00,6"),
        ("2026", "X2,CKMB,1.4,0,130,0.00,0.00,6"),
    ] {
        let (code, out, err) = metrics(&[DIR, "--period", period, "--previous-counts", p]);
        assert_eq!(code, 0, "{err}");
        assert!(out.lines().any(|l| l == want), "{period}: {out}");
        let x1 = out.lines().find(|l| l.starts_with("X1,CKMB,1.4,")).unwrap();
        assert!(!x1.starts_with("X1,CKMB,1.4,0,"), "{x1}");
        assert!(
            err.contains(
                "unit `X9` has last year's counts but no dossiers and is not in the unit register"
            ),
            "{err}"
        );
    }
    let (_, out, _) = metrics(&[DIR]);
    assert!(out.contains("X2,CKMB,1.4,0,0,,0.00,6"), "{out}");
    // explain says where the denominator came from.
    let (code, out, err) = cchc(&["explain", DIR, "--unit", "X2", "--previous-counts", p]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("none received: the denominator is last year's 130 ÷ 12 = 11"),
        "{out}"
    );
    // A period of days is not a share of a year; a count that is not one stops the run.
    let (code, _, err) = metrics(&[
        DIR,
        "--period",
        "2026-03-01..2026-03-15",
        "--previous-counts",
        p,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("is not whole months"), "{err}");
    // By procedure the per-unit count is not used, so it neither stops the run nor is
    // read: the drill-down warns instead.
    let (code, out, err) = metrics(&[
        DIR,
        "--period",
        "2026-03-01..2026-03-15",
        "--previous-counts",
        p,
        "--by",
        "procedure",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("unit_id,procedure_id,indicator"), "{out}");
    assert!(
        err.contains("last year's counts are per unit: not used"),
        "{err}"
    );
    std::fs::write(&prev, "unit_id,received\nX2,13O\n").unwrap();
    let (code, _, err) = metrics(&[DIR, "--previous-counts", p]);
    assert_eq!(code, 2);
    assert!(
        err.contains("previous.csv:2: received `13O`: not a count"),
        "{err}"
    );
    std::fs::write(&prev, "unit_id,received\nX2,1\nX2,2\n").unwrap();
    let (code, _, err) = metrics(&[DIR, "--previous-counts", p]);
    assert_eq!(code, 2);
    assert!(
        err.contains("previous.csv:3: unit `X2` is already on line 2"),
        "{err}"
    );
    // cchc's own method has no such fallback, and says the file is not read.
    let (code, _, err) = metrics(&["fixtures/demo", "--previous-counts", p]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("cchc's own metrics do not read last year's counts"),
        "{err}"
    );
}

/// A project of the demo's generator (`fixtures/service-766/generate.py`) at `out`.
pub(crate) fn generated(
    seed: u32,
    dossiers: u32,
    procedures: u32,
    petitions: u32,
    out: &std::path::Path,
) {
    let n = |x: u32| x.to_string();
    let made = Command::new("python3")
        .arg(root().join("fixtures/service-766/generate.py"))
        .args(["--seed", &n(seed), "--dossiers", &n(dossiers)])
        .args(["--procedures", &n(procedures), "--petitions", &n(petitions)])
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}
