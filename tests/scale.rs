//! Memory that does not grow with rows (#10.4): the duplicate-id check keeps its
//! hashes within `--id-check-memory` and spills sorted runs to TMPDIR beyond it — the
//! same duplicates, the same counts, and no file left behind.

use polars_parquet_format::thrift::protocol::{TCompactInputProtocol, TCompactOutputProtocol};
use polars_parquet_format::FileMetaData;
use std::path::Path;
use std::process::Command;

/// A log of `rows` dossiers, with `D1234` repeated at the end and a refused copy of
/// `D7` in the middle (a duplicate too).
fn log(path: &Path, rows: usize) {
    let mut s = String::from("dossier_id,unit_id,received_at,channel,status,due_at,finished_at\n");
    for i in 0..rows {
        let day = i % 28 + 1;
        s.push_str(&format!(
            "D{i},U{},2025-03-{day:02},direct,resolved,2025-03-{:02},2025-03-{day:02}\n",
            i % 7,
            (i * 7) % 28 + 1
        ));
        if i == rows / 2 {
            s.push_str("D7,U1,2025-03-02,online,refused,,\n");
        }
    }
    s.push_str("D1234,U1,2025-03-02,direct,resolved,2025-04-01,2025-03-05\n");
    std::fs::write(path, s).unwrap();
}

fn metrics(log: &Path, tmpdir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cchc"));
    c.args(["metrics", "--dossiers"])
        .arg(log)
        .args(["--period", "2025-03", "--format", "csv", "--quiet"])
        .args(extra)
        .env("TMPDIR", tmpdir);
    crate::common::outcome(&mut c)
}

/// The dossiers received in a metrics table (its second column), over every unit.
fn received(table: &str) -> u64 {
    table
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse::<u64>().unwrap())
        .sum()
}

#[test]
fn a_small_budget_spills_and_finds_the_same_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("log.csv");
    log(&path, 150_000);
    let spill = tmp.path().join("spill");
    std::fs::create_dir(&spill).unwrap();

    let (code, _, in_memory) = metrics(&path, &spill, &[]);
    assert_eq!(code, 2, "{in_memory}");
    let (code, _, spilled) = metrics(&path, &spill, &["--id-check-memory", "1"]);
    assert_eq!(code, 2, "{spilled}");
    // Strict: the first later copy in file order, named with its first line.
    assert!(spilled.contains("dossier_id \"D7\""), "{spilled}");
    assert!(spilled.contains("(first on line 9)"), "{spilled}");
    assert_eq!(in_memory, spilled);

    let skip = ["--skip-invalid"];
    let (c1, counts_memory, e1) = metrics(&path, &spill, &skip);
    let (c2, counts_spilled, e2) =
        metrics(&path, &spill, &["--skip-invalid", "--id-check-memory", "1"]);
    assert_eq!((c1, c2), (0, 0), "{e1}{e2}");
    assert_eq!(counts_memory, counts_spilled);
    // The later D1234 (received in the period) is left out: one count per dossier.
    assert_eq!(received(&counts_spilled), 150_000);
    // Every run file and the folder are gone.
    assert_eq!(std::fs::read_dir(&spill).unwrap().count(), 0);
}

#[test]
fn spilling_where_it_cannot_write_is_a_clear_error_and_a_large_budget_never_tries() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("log.csv");
    log(&path, 150_000);
    let nowhere = tmp.path().join("no-such-folder");
    let (code, out, err) = metrics(
        &path,
        &nowhere,
        &["--skip-invalid", "--id-check-memory", "1"],
    );
    assert_eq!(code, 2);
    assert!(out.is_empty(), "nothing is written when a run fails");
    assert!(
        err.contains("the duplicate-id check could not use its temporary folder"),
        "{err}"
    );
    // 150,000 hashes are 1.2 MB: under the default budget nothing goes to disk.
    let (code, out, err) = metrics(&path, &nowhere, &["--skip-invalid"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("unit_id,received"));
}

/// One dossier of a typed log: id, unit, received (local), channel, status, due,
/// finished (local).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// Writes rows as typed Parquet (timestamps as timestamps, due_at as a date), in row
/// groups of `group` rows, and the same rows as CSV. polars writes a text column of a
/// group dictionary-encoded unless its values are mostly distinct (over 128 rows, more
/// than three in four distinct): then plainly.
fn typed_log(dir: &Path, rows: &[Row], group: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    use polars::prelude::*;
    let micros = |s: &str| {
        let d = cchc::date::parse_stamp(s).unwrap();
        (d.day * 1440 + i64::from(d.minute.unwrap_or(0))) * 60_000_000
    };
    let day = |s: &str| cchc::date::parse_stamp(s).unwrap().day as i32;
    let text = |f: fn(&Row) -> &str| rows.iter().map(f).collect::<Vec<_>>();
    let received = Int64Chunked::from_vec(
        "received_at".into(),
        rows.iter().map(|r| micros(r.2)).collect(),
    )
    .into_datetime(TimeUnit::Microseconds, None);
    let finished =
        Int64Chunked::from_iter_options("finished_at".into(), rows.iter().map(|r| r.6.map(micros)))
            .into_datetime(TimeUnit::Microseconds, None);
    let due = Int32Chunked::from_vec("due_at".into(), rows.iter().map(|r| day(r.5)).collect())
        .into_date();
    // An empty unit is a null in the Parquet file (an empty field in the CSV).
    let units: Vec<Option<&str>> = rows
        .iter()
        .map(|r| Some(r.1).filter(|u| !u.is_empty()))
        .collect();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("dossier_id".into(), text(|r| r.0)),
        Column::new("unit_id".into(), units),
        received.into_column(),
        Column::new("channel".into(), text(|r| r.3)),
        Column::new("status".into(), text(|r| r.4)),
        due.into_column(),
        finished.into_column(),
    ])
    .unwrap();
    let parquet = dir.join("log.parquet");
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .with_row_group_size(Some(group))
        .finish(&mut df)
        .unwrap();
    let mut csv =
        String::from("dossier_id,unit_id,received_at,channel,status,due_at,finished_at\n");
    for r in rows {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.0,
            r.1,
            r.2,
            r.3,
            r.4,
            r.5,
            r.6.unwrap_or("")
        ));
    }
    let csv_path = dir.join("log.csv");
    std::fs::write(&csv_path, csv).unwrap();
    (parquet, csv_path)
}

const BEFORE: [Row; 3] = [
    (
        "A1",
        "U1",
        "2024-03-01 08:00",
        "direct",
        "resolved",
        "2024-03-05",
        Some("2024-03-04 10:00"),
    ),
    (
        "A2",
        "U9",
        "2024-03-02 08:00",
        "???",
        "resolved",
        "2024-03-06",
        Some("2024-03-05 10:00"),
    ),
    (
        "A3",
        "U1",
        "2024-03-03 08:00",
        "online",
        "returned",
        "2024-03-07",
        Some("2024-03-06 10:00"),
    ),
];
const DURING: [Row; 3] = [
    (
        "B1",
        "U1",
        "2025-03-01 08:00",
        "direct",
        "resolved",
        "2025-03-05",
        Some("2025-03-05 10:00"),
    ),
    (
        "B2",
        "U2",
        "2025-03-02 08:00",
        "online",
        "processing",
        "2025-03-06",
        None,
    ),
    (
        "B3",
        "U1",
        "2024-12-30 08:00",
        "postal",
        "resolved",
        "2025-01-03",
        Some("2025-01-02 10:00"),
    ),
];
const AFTER: [Row; 3] = [
    (
        "C1",
        "U1",
        "2026-03-01 08:00",
        "direct",
        "???",
        "2026-03-05",
        None,
    ),
    (
        "C2",
        "U8",
        "2026-03-02 08:00",
        "online",
        "resolved",
        "2026-03-06",
        Some("2026-03-05 10:00"),
    ),
    (
        "C3",
        "U1",
        "2026-03-03 08:00",
        "direct",
        "resolved",
        "2026-03-07",
        Some("2026-03-06 10:00"),
    ),
];

/// A generated value that lives as long as a [`Row`]'s fields (a test's few rows).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn run(args: &[std::ffi::OsString]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cchc"));
    c.args(args);
    crate::common::outcome(&mut c)
}

#[test]
fn a_typed_log_leaves_rows_outside_the_period_unread_and_counts_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = BEFORE
        .iter()
        .chain(&DURING)
        .chain(&AFTER)
        .copied()
        .collect();
    let (parquet, csv) = typed_log(tmp.path(), &rows, 3);
    let args = |log: &Path, format: &str| -> Vec<std::ffi::OsString> {
        ["metrics", "--dossiers"]
            .iter()
            .map(Into::into)
            .chain([log.as_os_str().to_owned()])
            .chain(
                ["--period", "2025", "--format", format]
                    .iter()
                    .map(Into::into),
            )
            .collect()
    };
    // The CSV is read whole: its bad channel stops the run.
    let (code, _, err) = run(&(args(&csv, "csv")));
    assert_eq!(code, 2);
    assert!(err.contains("log.csv:3: channel \"???\""), "{err}");
    // The typed log skips the rows before and after the period (6 of 9), bad ones included.
    let (code, out, err) = run(&(args(&parquet, "csv")));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "unit_id,received,carried_over,resolved,early,on_time,late,returned,pending,pending_overdue,online,postal,on_time_rate,online_share,payment_online_share,digitized_rate,e_result_rate,satisfaction_rate\n\
         U1,1,1,2,1,1,0,0,0,0,0,0,100.00,0.00,,0.00,0.00,\n\
         U2,1,0,0,0,0,0,0,1,1,1,0,,100.00,,0.00,,\n"
    );
    let (_, md, _) = run(&(args(&parquet, "md")));
    assert!(md.contains("3 rows read"), "{md}");
    assert!(
        md.contains("6 row(s) received after the period or finished before it left unread"),
        "{md}"
    );
    // Without the bad rows, the CSV gives the same table.
    let good: Vec<Row> = rows
        .iter()
        .filter(|r| r.3 != "???" && r.4 != "???")
        .copied()
        .collect();
    let sub = tmp.path().join("good");
    std::fs::create_dir(&sub).unwrap();
    let (_, csv) = typed_log(&sub, &good, 3);
    let (code, same, err) = run(&(args(&csv, "csv")));
    assert_eq!(code, 0, "{err}");
    assert_eq!(same, out);
}

#[test]
fn rows_keep_their_numbers_in_the_file_when_others_are_left_unread() {
    let tmp = tempfile::tempdir().unwrap();
    let mut during = DURING;
    during[1].3 = "fax";
    let rows: Vec<Row> = BEFORE.iter().chain(&during).copied().collect();
    let (parquet, _) = typed_log(tmp.path(), &rows, 2);
    let args: Vec<std::ffi::OsString> = vec![
        "metrics".into(),
        "--dossiers".into(),
        parquet.into_os_string(),
        "--period".into(),
        "2025".into(),
    ];
    let (code, _, err) = run(&args);
    assert_eq!(code, 2);
    // B2 is the file's 5th row, whatever was skipped before it.
    assert!(err.contains("log.parquet:5: channel \"fax\""), "{err}");
}

/// Each worker decodes the row groups it takes: with one row a group, many groups are
/// in flight at once, and still the first bad row in file order is the one reported,
/// by its number in the file; skipped, every bad row is counted.
#[test]
fn the_first_problem_in_file_order_is_reported_whatever_group_a_worker_took() {
    let tmp = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = (0..60)
        .map(|i| {
            let mut r = DURING[i % 3];
            r.0 = Box::leak(format!("N{i}").into_boxed_str());
            if i == 16 || i == 41 {
                r.3 = "fax";
            }
            r
        })
        .collect();
    let (parquet, _) = typed_log(tmp.path(), &rows, 1);
    let args = |extra: &[&str]| -> Vec<std::ffi::OsString> {
        let mut a: Vec<std::ffi::OsString> = vec!["metrics".into(), "--dossiers".into()];
        a.push(parquet.clone().into_os_string());
        a.extend(["--period", "2025"].iter().chain(extra).map(Into::into));
        a
    };
    for _ in 0..5 {
        let (code, _, err) = run(&args(&[]));
        assert_eq!(code, 2);
        assert!(err.contains("log.parquet:17: channel \"fax\""), "{err}");
    }
    let (code, out, err) = run(&args(&["--skip-invalid", "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"read\": 60"), "{out}");
    assert!(out.contains("\"rejected\": 2"), "{out}");
    assert!(out.contains("(first at rows 17, 42)"), "{out}");
}

/// A row group whose statistics put every row outside the period is never read: its
/// data can be garbage. The same garbage in a group the period needs is a read error
/// naming that group's rows.
#[test]
fn a_row_group_outside_the_period_is_never_decoded() {
    use polars::prelude::*;
    let tmp = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = BEFORE.iter().chain(&DURING).copied().collect();
    let (parquet, _) = typed_log(tmp.path(), &rows, 3);
    let good = std::fs::read(&parquet).unwrap();
    let mut reader = ParquetReader::new(std::fs::File::open(&parquet).unwrap());
    let meta = reader.get_metadata().unwrap().clone();
    // Garbage over the middle of every column chunk of group `g`.
    let spoil = |g: usize| {
        let mut bytes = good.clone();
        for chunk in meta.row_groups[g].parquet_columns() {
            let r = chunk.byte_range();
            let (from, to) = (r.start as usize + 4, r.end as usize - 4);
            bytes[from..to].fill(0xA5);
        }
        let path = tmp.path().join(format!("spoiled-{g}.parquet"));
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let run_on = |log: &Path| {
        run(&[
            "metrics".into(),
            "--dossiers".into(),
            log.as_os_str().to_owned(),
            "--period".into(),
            "2025".into(),
            "--format".into(),
            "md".into(),
        ])
    };
    let (code, expected, err) = run_on(&parquet);
    assert_eq!(code, 0, "{err}");
    // BEFORE's rows (one with a bad channel) are all finished before 2025: skipped whole.
    let (code, out, err) = run_on(&spoil(0));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.replace("spoiled-0.parquet", "log.parquet"), expected);
    assert!(out.contains("3 rows read"), "{out}");
    assert!(out.contains("3 row(s) received after the period"), "{out}");
    let (code, _, err) = run_on(&spoil(1));
    assert_eq!(code, 2);
    assert!(
        err.contains("spoiled-1.parquet: rows 4-6 (row group 2)"),
        "{err}"
    );
}

#[test]
fn one_id_repeated_past_the_tables_budget_is_merged_from_the_runs() {
    // 30,000 (or 70,000) copies of one id fill one bucket of the spilled hashes past
    // what a table may hold under a 1 MiB budget: that bucket is merged from the run
    // files instead, and finds the same duplicates as the check in memory — from
    // shares of it small enough to be written unsorted (sorted when read), and from
    // shares written sorted.
    for copies in [30_000, 70_000] {
        repeated_past_the_budget(copies);
    }
}

fn repeated_past_the_budget(copies: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("log.csv");
    log(&path, 150_000);
    let mut text = std::fs::read_to_string(&path).unwrap();
    for _ in 0..copies {
        text.push_str("D99,U2,2025-03-03,direct,resolved,2025-03-10,2025-03-04\n");
    }
    std::fs::write(&path, text).unwrap();
    let spill = tmp.path().join("spill");
    std::fs::create_dir(&spill).unwrap();
    let skip = ["--skip-invalid"];
    let (c1, in_memory, e1) = metrics(&path, &spill, &skip);
    let (c2, spilled, e2) = metrics(&path, &spill, &["--skip-invalid", "--id-check-memory", "1"]);
    assert_eq!((c1, c2), (0, 0), "{e1}{e2}");
    assert_eq!(in_memory, spilled);
    // D99 is one dossier, not 30,000 (nor 30,001: D99 is among the 150,000 too).
    assert_eq!(received(&spilled), 150_000);
    assert_eq!(std::fs::read_dir(&spill).unwrap().count(), 0);
}

/// A typed scan finds a row's unit a few rows ahead and hands it back with the row. A
/// row left unread (outside the period) is never asked about, so the row as many rows
/// after it must not take what an earlier row's unit was: interleaved units, every
/// third row in the next year, one row group — the same table as the CSV of the rows.
#[test]
fn a_typed_log_with_unread_rows_between_counts_each_row_for_its_own_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = (0..64)
        .map(|i| {
            let year = if i % 3 == 0 { 2026 } else { 2025 };
            (
                leak(format!("D{i}")),
                leak(format!("U{}", i % 5)),
                leak(format!("{year}-03-{:02} 08:00", 1 + i % 20)),
                if i % 2 == 0 { "online" } else { "direct" },
                "resolved",
                leak(format!("{year}-04-{:02}", 1 + i % 7)),
                Some(leak(format!("{year}-04-{:02} 10:00", 1 + i % 11))),
            )
        })
        .collect();
    let (parquet, csv) = typed_log(tmp.path(), &rows, 64);
    let table = |log: &Path| {
        let (code, out, err) = table_of(log, &[]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let typed = table(&parquet);
    assert_eq!(typed, table(&csv));
    assert_eq!(typed.lines().count(), 6, "{typed}");
    // U1 (rows 1, 6, 11, …, 61): 9 of its 13 rows are in 2025 (not 6, 21, 36, 51).
    assert!(typed.contains("\nU1,9,"), "{typed}");
}

/// `cchc metrics --period 2025 --format csv` on a log, with `extra` arguments.
fn table_of(log: &Path, extra: &[&str]) -> (i32, String, String) {
    let args: Vec<std::ffi::OsString> = ["metrics", "--dossiers"]
        .iter()
        .map(Into::into)
        .chain([log.as_os_str().to_owned()])
        .chain(
            ["--period", "2025", "--format", "csv"]
                .iter()
                .chain(extra)
                .map(Into::into),
        )
        .collect();
    run(&args)
}

/// Whether each row group's `unit_id` chunk has a dictionary page.
fn unit_dictionaries(parquet: &Path) -> Vec<bool> {
    let mut f = std::fs::File::open(parquet).unwrap();
    let meta = polars_parquet::parquet::read::read_metadata(&mut f).unwrap();
    meta.row_groups
        .iter()
        .map(|g| {
            let chunk = g
                .columns_under_root_iter("unit_id")
                .unwrap()
                .next()
                .unwrap();
            chunk.dictionary_page_offset().is_some()
        })
        .collect()
}

/// A typed scan reads a text column stored as a dictionary as its keys: each unit is
/// looked up, each channel and status parsed, once per row group; a group stored
/// plainly is read as text. Groups of both kinds, units, channels and statuses spelled
/// with spaces and capitals, a null unit, a status that is none, rows outside the
/// period between: the same table as the CSV of the rows, and the same rows refused.
#[test]
fn a_unit_column_read_as_its_dictionary_counts_as_the_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let unit = |i: usize| match i / 150 {
        1 => leak(format!("V{i}")), // 150 distinct units: stored plainly
        _ => [" U1", "U2", "U3 ", "U4", "U2"][i % 5],
    };
    let rows: Vec<Row> = (0..450)
        .map(|i| {
            let year = if i % 7 == 3 { 2026 } else { 2025 };
            (
                leak(format!("D{i}")),
                if i == 400 { "" } else { unit(i) },
                leak(format!("{year}-03-{:02} 08:00", 1 + i % 20)),
                ["online", " TRUC_TIEP", "bcci "][i % 3],
                match i {
                    420 => "pending", // not a status: refused as in the CSV
                    _ => ["resolved", "Processing ", " RETURNED"][i % 3],
                },
                leak(format!("{year}-04-{:02}", 1 + i % 7)),
                (i % 3 != 1).then(|| leak(format!("{year}-04-{:02} 10:00", 1 + i % 11))),
            )
        })
        .collect();
    let (parquet, csv) = typed_log(tmp.path(), &rows, 150);
    assert_eq!(unit_dictionaries(&parquet), [true, false, true]);
    // The null unit stops both runs at the same row (the CSV's line counts its header).
    let (code, _, err) = table_of(&parquet, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("log.parquet:401: unit_id"), "{err}");
    let (code, _, err) = table_of(&csv, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("log.csv:402: unit_id"), "{err}");
    let (c1, typed, e1) = table_of(&parquet, &["--skip-invalid"]);
    let (c2, text, e2) = table_of(&csv, &["--skip-invalid"]);
    assert_eq!((c1, c2), (0, 0), "{e1}{e2}");
    assert_eq!(typed, text);
    for e in [&e1, &e2] {
        assert!(
            e.contains("[missing-value]") && e.contains("[unknown-status]"),
            "{e}"
        );
    }
    assert!(e1.contains("[unknown-status] (first at rows 421)"), "{e1}");
    // U1..U4, and the V units of 2025: 22 of the 150 rows are in 2026.
    assert_eq!(typed.lines().count(), 1 + 4 + 128, "{typed}");
    // U2 (spelled once per five rows as U2, once as U2 too: i % 5 = 1 or 4) takes 120
    // rows of the first and last groups, the null one apart; 103 of them are in 2025.
    assert!(typed.contains("\nU2,103,"), "{typed}");
}

/// A column chunk may start as a dictionary and go on plainly (pyarrow and parquet-mr
/// write that when the dictionary outgrows its page): such a chunk is read as text, and
/// counts as the same rows in CSV (tests/fixtures/mixed-pages).
#[test]
fn a_unit_chunk_of_dictionary_and_plain_pages_counts_as_the_csv() {
    use polars_parquet::parquet::page::{CompressedPage, FormatEncoding};
    let dir = Path::new("tests/fixtures/mixed-pages");
    let parquet = dir.join("log.parquet");
    // The fixture is what it says: a dictionary page, then pages of both encodings.
    let mut f = std::fs::File::open(&parquet).unwrap();
    let meta = polars_parquet::parquet::read::read_metadata(&mut f).unwrap();
    let chunk = meta.row_groups[0]
        .columns_under_root_iter("unit_id")
        .unwrap()
        .next()
        .unwrap();
    let range = chunk.byte_range();
    let bytes = std::fs::read(&parquet).unwrap()[range.start as usize..range.end as usize].to_vec();
    let mut pages = polars_parquet::parquet::read::PageReader::new(
        std::io::Cursor::new(polars_buffer::Buffer::from_vec(bytes)),
        chunk,
        vec![],
        usize::MAX,
    );
    assert!(pages.read_dict().unwrap().is_some());
    let encodings: Vec<FormatEncoding> = pages
        .map(|p| match p.unwrap() {
            CompressedPage::Data(d) => d.header().encoding(),
            CompressedPage::Dict(_) => panic!("a second dictionary page"),
        })
        .collect();
    assert!(
        encodings.contains(&FormatEncoding::RLE_DICTIONARY),
        "{encodings:?}"
    );
    assert!(encodings.contains(&FormatEncoding::PLAIN), "{encodings:?}");
    let (c1, typed, e1) = table_of(&parquet, &[]);
    let (c2, text, e2) = table_of(&dir.join("log.csv"), &[]);
    assert_eq!((c1, c2), (0, 0), "{e1}{e2}");
    assert_eq!(typed, text);
    assert_eq!(typed.lines().count(), 1 + 3 + 2000, "{typed}");
    assert!(typed.contains("\nU2,333,"), "{typed}");
}

/// The byte ranges of the chunks of `columns` in every row group of `parquet`.
fn chunk_ranges(parquet: &Path, columns: &[&str]) -> Vec<std::ops::Range<u64>> {
    let mut f = std::fs::File::open(parquet).unwrap();
    let meta = polars_parquet::parquet::read::read_metadata(&mut f).unwrap();
    meta.row_groups
        .iter()
        .flat_map(|g| {
            columns.iter().map(|c| {
                g.columns_under_root_iter(c)
                    .unwrap()
                    .next()
                    .unwrap()
                    .byte_range()
            })
        })
        .collect()
}

/// Changes bytes of `parquet` in `chunks` (one of the ranges, one to four bytes each
/// time), `runs` times from a fixed seed so that a failure repeats, and runs `metrics`
/// on each changed file: it must read it (exit 0) or refuse it naming the file (exit
/// 2), never crash or report an internal error. How many were read and refused.
fn changed_bytes(
    parquet: &Path,
    chunks: &[std::ops::Range<u64>],
    runs: usize,
    seed: u64,
    extra: &[&str],
) -> (usize, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(parquet).unwrap();
    let mut seed = seed;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let changed = tmp.path().join("changed.parquet");
    let (mut read, mut refused) = (0, 0);
    for _ in 0..runs {
        let mut b = bytes.clone();
        let r = &chunks[(next() % chunks.len() as u64) as usize];
        for _ in 0..1 + next() % 4 {
            let at = r.start + next() % (r.end - r.start);
            b[at as usize] = next() as u8;
        }
        std::fs::write(&changed, &b).unwrap();
        let (code, _, err) = table_of(&changed, extra);
        let what = parquet.display();
        assert!(code == 0 || code == 2, "{what}: exit {code}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{what}: {err}"
        );
        if code == 2 {
            assert!(err.contains("changed.parquet"), "{err}");
            refused += 1;
        } else {
            read += 1;
        }
    }
    (read, refused)
}

/// Crafted dictionary chunks are a class of hostile input: bytes changed anywhere in
/// the unit, channel and status chunks (dictionary pages, page headers, keys) give a
/// clear error naming the file, or a file still read — never a crash.
#[test]
fn dictionary_chunks_with_changed_bytes_are_refused_or_read_never_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = (0..300)
        .map(|i| {
            (
                leak(format!("D{i}")),
                ["U1", "U2", "U3"][i % 3],
                leak(format!("2025-03-{:02} 08:00", 1 + i % 20)),
                ["online", "direct"][i % 2],
                ["resolved", "processing"][i % 2],
                leak(format!("2025-04-{:02}", 1 + i % 7)),
                (i % 2 == 0).then(|| leak(format!("2025-04-{:02} 10:00", 1 + i % 11))),
            )
        })
        .collect();
    let (parquet, _) = typed_log(tmp.path(), &rows, 150);
    assert_eq!(unit_dictionaries(&parquet), [true, true]);
    let chunks = chunk_ranges(&parquet, &["unit_id", "channel", "status"]);
    let (read, refused) = changed_bytes(&parquet, &chunks, 120, 0x9E37_79B9_7F4A_7C15, &[]);
    // Both happen: a changed key can still name a unit; most changes are refused.
    assert!(read > 0 && refused > read, "read {read}, refused {refused}");
}

/// The page forms of a column chunk: each data page's version, encoding and values.
fn page_forms(parquet: &Path, group: usize, column: &str) -> Vec<(u8, String, usize)> {
    use polars_parquet::parquet::page::{CompressedPage, DataPageHeader, FormatEncoding};
    let mut f = std::fs::File::open(parquet).unwrap();
    let meta = polars_parquet::parquet::read::read_metadata(&mut f).unwrap();
    let chunk = meta.row_groups[group]
        .columns_under_root_iter(column)
        .unwrap()
        .next()
        .unwrap();
    let range = chunk.byte_range();
    let bytes = std::fs::read(parquet).unwrap()[range.start as usize..range.end as usize].to_vec();
    polars_parquet::parquet::read::PageReader::new(
        std::io::Cursor::new(polars_buffer::Buffer::from_vec(bytes)),
        chunk,
        vec![],
        usize::MAX,
    )
    .map(|p| match p.unwrap() {
        CompressedPage::Data(d) => {
            let version = match d.header() {
                DataPageHeader::V1(_) => 1,
                DataPageHeader::V2(_) => 2,
            };
            let encoding = match d.header().encoding() {
                FormatEncoding::PLAIN => "PLAIN",
                FormatEncoding::RLE => "RLE",
                _ => "other",
            };
            (version, encoding.to_string(), d.num_values())
        }
        CompressedPage::Dict(_) => (0, "dictionary".into(), 0),
    })
    .collect()
}

/// A boolean column is decoded by cchc when its values are PLAIN (pages of version 1
/// or 2, compressed or not, nullable or required), and by polars otherwise (RLE
/// values): every form counts as the same rows in CSV (tests/fixtures/flags: nulls at
/// random, a long run of nulls and one of trues, many pages a chunk, three row groups,
/// pages of rows a multiple of 8 or not).
#[test]
fn flags_of_every_page_form_count_as_the_csv() {
    let dir = Path::new("tests/fixtures/flags");
    let (code, text, err) = table_of(&dir.join("log.csv"), &[]);
    assert_eq!(code, 0, "{err}");
    // Of U1's 1,250 dossiers 589 were resolved; 38.77% of those with a fee paid online,
    // 60.56% of the received digitised, 53.82% of the resolved with an e-result.
    assert!(
        text.contains(
            "\nU1,1250,0,589,362,69,158,323,338,338,411,419,73.17,32.88,38.77,60.56,53.82,\n"
        ),
        "{text}"
    );
    for (file, version, encoding) in [
        ("v1-snappy", 1, "PLAIN"),
        ("v1-none", 1, "PLAIN"),
        ("v2-zstd", 2, "PLAIN"),
        ("v2-none", 2, "PLAIN"),
        ("v2-rle", 2, "RLE"),
        ("v1-odd", 1, "PLAIN"),
    ] {
        let parquet = dir.join(format!("{file}.parquet"));
        for column in ["paid_online", "digitized", "e_result"] {
            let forms = page_forms(&parquet, 1, column);
            assert!(forms.len() > 1, "{file} {column}: {forms:?}");
            assert!(
                forms.iter().all(|(v, e, _)| *v == version && e == encoding),
                "{file} {column}: {forms:?}"
            );
            // Pages whose rows end part way through a group of 8 levels.
            let odd = forms.iter().any(|(_, _, n)| n % 8 != 0);
            assert_eq!(odd, file == "v1-odd", "{file} {column}: {forms:?}");
        }
        let (code, typed, err) = table_of(&parquet, &[]);
        assert_eq!(code, 0, "{file}: {err}");
        assert_eq!(typed, text, "{file}");
    }
}

/// Crafted boolean chunks are a class of hostile input: bytes changed anywhere in the
/// flags' chunks (page headers, levels' lengths and runs, values), in pages of both
/// versions, give a clear error naming the file or a file still read — never a crash,
/// and never an allocation a header asked for.
#[test]
fn boolean_chunks_with_changed_bytes_are_refused_or_read_never_a_crash() {
    let flags = ["paid_online", "digitized", "e_result"];
    for (file, seed) in [
        ("v1-none", 0x2545_F491_4F6C_DD1D),
        ("v2-none", 0x1234_5678_9ABC_DEF1),
    ] {
        let parquet = Path::new("tests/fixtures/flags").join(format!("{file}.parquet"));
        let (read, refused) =
            changed_bytes(&parquet, &chunk_ranges(&parquet, &flags), 60, seed, &[]);
        // Both happen: a changed value bit is still a flag; a changed header is refused.
        assert!(
            read > 0 && refused > 0,
            "{file}: read {read}, refused {refused}"
        );
    }
}

/// Every column chunk is checked before polars decodes it: changed bytes in any column
/// (text plain or as a dictionary, timestamps, dates, numbers, flags), in pages of
/// both versions, compressed or not, are refused naming the file or read — never a
/// crash, an internal error (polars' decoders panic or abort on some headers and
/// data: each header is checked first, a panic left is caught as the column's error),
/// or an allocation a header asked for.
#[test]
fn any_column_chunk_with_changed_bytes_is_refused_or_read_never_a_crash() {
    let columns = [
        "dossier_id",
        "unit_id",
        "received_at",
        "channel",
        "status",
        "due_at",
        "finished_at",
        "fee",
        "paid_online",
        "digitized",
        "e_result",
    ];
    for (file, seed) in [
        ("v1-none", 0x0DDB_1A5E_5BAD_5EED),
        ("v2-none", 0x5851_F42D_4C95_7F2D),
        ("v1-snappy", 0x2127_599B_F432_5C37),
    ] {
        let parquet = Path::new("tests/fixtures/flags").join(format!("{file}.parquet"));
        let chunks = chunk_ranges(&parquet, &columns);
        let (read, refused) = changed_bytes(&parquet, &chunks, 80, seed, &[]);
        assert!(
            read > 0 && refused > 0,
            "{file}: read {read}, refused {refused}"
        );
    }
}

/// A text column stored plainly (not as a dictionary: what writers do for distinct
/// ids), in pages of version 1 or 2, compressed or not, nullable or required, read as
/// text: every form counts as the same rows in CSV
/// (tests/fixtures/texts: ids of 6 to 40 bytes, Vietnamese ones, ids with spaces
/// around them, empty and null ids, a duplicate, a null channel; units stored plainly
/// too, one of them Vietnamese).
#[test]
fn plain_text_of_every_page_form_counts_as_the_csv() {
    let dir = Path::new("tests/fixtures/texts");
    let skip = ["--skip-invalid"];
    let (code, text, err) = table_of(&dir.join("log.csv"), &skip);
    assert_eq!(code, 0, "{err}");
    // 65 ids empty or null (rows 5, 102, … and 7, 96, …) and 57 channels null (rows 0,
    // 53, …), two rows both: 120 rows skipped; row 2999 repeats row 1500's id. The
    // other 2,879 rows are received in 2025.
    assert!(
        err.contains("120 rows skipped: a required value is empty"),
        "{err}"
    );
    assert!(
        err.contains("1 row skipped: this dossier_id appears on an earlier row too"),
        "{err}"
    );
    assert!(text.contains("\nSở Tư pháp,720,"), "{text}");
    let received: u32 = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(received, 2879, "{text}");
    for (file, version) in [("v1-snappy", 1), ("v1-none", 1), ("v2-zstd", 2)] {
        let parquet = dir.join(format!("{file}.parquet"));
        for column in ["dossier_id", "unit_id"] {
            let forms = page_forms(&parquet, 1, column);
            assert!(forms.len() > 1, "{file} {column}: {forms:?}");
            assert!(
                forms.iter().all(|(v, e, _)| *v == version && e == "PLAIN"),
                "{file} {column}: {forms:?}"
            );
        }
        // v1-snappy's pages hold 125 rows each, the others' a multiple of 8.
        let odd = page_forms(&parquet, 1, "dossier_id")
            .iter()
            .any(|(_, _, n)| n % 8 != 0);
        assert_eq!(odd, file == "v1-snappy", "{file}");
        let (code, typed, err) = table_of(&parquet, &skip);
        assert_eq!(code, 0, "{file}: {err}");
        assert_eq!(typed, text, "{file}");
        assert!(err.contains("(first at rows 3000)"), "{file}: {err}");
    }
}

/// A text value that is not UTF-8 is refused naming the file, the row group and the
/// column — whether its bytes are wrong alone, or form a character only with the next
/// value's (the column's text as a whole is UTF-8 then, each value not).
#[test]
fn text_that_is_not_utf8_is_refused_naming_its_column() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read("tests/fixtures/texts/v1-none.parquet").unwrap();
    let find = |what: &[u8]| bytes.windows(what.len()).position(|w| w == what).unwrap();
    let (one, two) = (find(b"D00001"), find(b"D00002"));
    let mut alone = bytes.clone();
    alone[one + 2] = 0xFF;
    // `D0000\xC3` then `\xA90002`: together `é`.
    let mut across = bytes.clone();
    across[one + 5] = 0xC3;
    across[two] = 0xA9;
    for (name, changed) in [("alone", alone), ("across", across)] {
        let path = tmp.path().join(format!("{name}.parquet"));
        std::fs::write(&path, changed).unwrap();
        let (code, _, err) = table_of(&path, &["--skip-invalid"]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains(&format!(
                "{name}.parquet: rows 1-1000 (row group 1): column dossier_id: "
            )) && err.contains("invalid UTF-8"),
            "{name}: {err}"
        );
    }
}

/// Plain text chunks are the same class as the flags': bytes changed in the
/// ids' and units' chunks (page headers, levels, lengths, values), in pages of both
/// versions, give a clear error naming the file or a file still read.
#[test]
fn plain_text_chunks_with_changed_bytes_are_refused_or_read_never_a_crash() {
    for (file, seed) in [
        ("v1-none", 0x3C6E_F372_FE94_F82B),
        ("v2-zstd", 0xA54F_F53A_5F1D_36F1),
    ] {
        let parquet = Path::new("tests/fixtures/texts").join(format!("{file}.parquet"));
        let chunks = chunk_ranges(&parquet, &["dossier_id", "unit_id"]);
        let (read, refused) = changed_bytes(&parquet, &chunks, 60, seed, &["--skip-invalid"]);
        assert!(
            read > 0 && refused > 0,
            "{file}: read {read}, refused {refused}"
        );
    }
}

/// A damaged footer is the same class: bytes changed in the footer (the schema, the
/// row groups' rows, each column chunk's place, size and statistics) are refused
/// naming the file or read, never an internal error — polars' footer reader panics on
/// some (caught), and the scan takes no place or count from it unchecked.
#[test]
fn a_footer_with_changed_bytes_is_refused_or_read_never_a_crash() {
    for (file, seed) in [
        ("v1-none", 0x6C07_8965_1234_ABCD),
        ("v2-zstd", 0x0F0F_3C3C_5A5A_9696),
    ] {
        let parquet = Path::new("tests/fixtures/flags").join(format!("{file}.parquet"));
        let footer = footer_range(&std::fs::read(&parquet).unwrap());
        let footer = footer.start as u64..footer.end as u64;
        let (read, refused) = changed_bytes(&parquet, &[footer], 80, seed, &[]);
        assert!(refused > 0, "{file}: read {read}, refused {refused}");
    }
}

/// Where a Parquet file's footer lies: before its length and the closing `PAR1`.
fn footer_range(bytes: &[u8]) -> std::ops::Range<usize> {
    let end = bytes.len() - 8;
    let length = u32::from_le_bytes(bytes[end..end + 4].try_into().unwrap()) as usize;
    end - length..end
}

/// `parquet` with its footer rewritten by `change` (the thrift FileMetaData, as read
/// and written by the Parquet format's own types), at `to`.
fn with_footer(parquet: &Path, to: &Path, change: impl Fn(&mut FileMetaData)) {
    let bytes = std::fs::read(parquet).unwrap();
    let at = footer_range(&bytes);
    let mut footer = &bytes[at.clone()];
    let mut meta =
        FileMetaData::read_from_in_protocol(&mut TCompactInputProtocol::new(&mut footer, 1 << 24))
            .unwrap();
    change(&mut meta);
    let mut written = Vec::new();
    meta.write_to_out_protocol(&mut TCompactOutputProtocol::new(&mut written))
        .unwrap();
    let mut out = bytes[..at.start].to_vec();
    out.extend_from_slice(&written);
    out.extend_from_slice(&(written.len() as u32).to_le_bytes());
    out.extend_from_slice(b"PAR1");
    std::fs::write(to, out).unwrap();
}

/// What a footer says the scan takes as given: a row group's rows (what cchc holds
/// of a group at once) are bounded before anything is allocated for them, and a
/// column chunk said to lie past the file's end is refused before it is read — each a
/// clear error naming the file and the group, whatever the numbers.
#[test]
fn a_footer_claiming_huge_groups_or_columns_past_the_end_is_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let parquet = Path::new("tests/fixtures/flags/v1-none.parquet");
    let changed = tmp.path().join("claims.parquet");
    // As written, the file is read: the rewrite itself changes nothing.
    with_footer(parquet, &changed, |_| {});
    let (code, _, err) = table_of(&changed, &[]);
    assert_eq!(code, 0, "{err}");
    for rows in [(1i64 << 26) + 1, 1 << 40, i64::MAX] {
        with_footer(parquet, &changed, |m| {
            m.row_groups[1].num_rows = rows;
            m.num_rows = rows;
        });
        let (code, _, err) = table_of(&changed, &[]);
        assert_eq!(code, 2, "{rows}: {err}");
        assert!(err.contains("claims.parquet"), "{err}");
        assert!(
            err.contains(&format!("row group 2 of {rows} rows")),
            "{err}"
        );
    }
    for (offset, size) in [(1i64 << 40, 100i64), (i64::MAX - 10, 100), (8, i64::MAX)] {
        with_footer(parquet, &changed, |m| {
            let chunk = m.row_groups[0].columns[0].meta_data.as_mut().unwrap();
            chunk.data_page_offset = offset;
            chunk.dictionary_page_offset = None;
            chunk.total_compressed_size = size;
        });
        let (code, _, err) = table_of(&changed, &[]);
        assert_eq!(code, 2, "{offset} {size}: {err}");
        assert!(err.contains("claims.parquet"), "{err}");
        assert!(
            err.contains("row group 1: a column said to lie at bytes"),
            "{err}"
        );
        assert!(!err.contains("internal error"), "{err}");
    }
}
