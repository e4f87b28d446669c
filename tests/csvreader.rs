//! The CSV dossier reader against the `csv` crate (#10.3): for any text of quoted and
//! plain fields, separators and line breaks inside quotes, CRLF, blank lines and
//! multi-byte letters, cut into blocks of any size, the reader gives the records the
//! `csv` crate reads from the whole text. And a record is capped: an unclosed quote
//! stops the run at 1 MiB instead of reading the file into memory.

use cchc::dossier::probe::{CsvRecords as Records, WIDTH};
use cchc::dossier::DossierError;
use proptest::prelude::*;

/// The reader's records, and whether it read the text again with exact cuts — the same
/// records, errors and readings whether or not it peeks at each next record's unit
/// (then delivering each record one record late), which is asserted.
fn records_again(text: &[u8], sep: u8, block: usize) -> (Result<Records, DossierError>, bool) {
    let at_once = cchc::dossier::probe::csv_records_again(text, sep, block, false);
    let peeking = cchc::dossier::probe::csv_records_again(text, sep, block, true);
    let shown = |(read, again): &(Result<Records, DossierError>, bool)| {
        (read.as_ref().map_err(ToString::to_string).cloned(), *again)
    };
    assert_eq!(
        shown(&at_once),
        shown(&peeking),
        "peeking changed the reading, blocks of {block}: {:?}",
        String::from_utf8_lossy(text)
    );
    at_once
}

/// [`records_again`]'s records.
fn records(text: &[u8], sep: u8, block: usize) -> Result<Records, DossierError> {
    records_again(text, sep, block).0
}

/// The records the `csv` crate reads, as the scan delivers them: the first
/// [`WIDTH`] fields trimmed (a `\r` before the line break dropped), blank records
/// left out; `None` when a record has more (the scan refuses those).
fn reference(text: &[u8], sep: u8) -> Option<Vec<Vec<String>>> {
    Some(
        reference_lines(text, sep)
            .ok()?
            .into_iter()
            .map(|r| r.1)
            .collect(),
    )
}

/// [`reference`] with each record's line: 2 + the line breaks before its first byte
/// (inside quotes too), as the scan numbers a text without its header; Err(the line)
/// of the first record with too many fields.
fn reference_lines(text: &[u8], sep: u8) -> Result<Vec<(u64, Vec<String>)>, u64> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text);
    let mut out = Vec::new();
    for rec in r.byte_records() {
        let rec = rec.unwrap();
        // The csv crate's position is where it began, before the blank lines it
        // skipped.
        let mut start = rec.position().map_or(0, |p| p.byte() as usize);
        while text.get(start) == Some(&b'\n') {
            start += 1;
        }
        let line = 2 + text[..start].iter().filter(|&&b| b == b'\n').count() as u64;
        if rec.len() > WIDTH {
            return Err(line);
        }
        let n = rec.len();
        let mut fields: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let f = if i + 1 == n {
                    f.strip_suffix(b"\r").unwrap_or(f)
                } else {
                    f
                };
                String::from_utf8(f.to_vec()).unwrap().trim().to_string()
            })
            .collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        fields.resize(WIDTH, String::new());
        out.push((line, fields));
    }
    Ok(out)
}

/// A field: plain (no quote, separator or line break), quoted (anything, `"`
/// doubled), or quoted with plain text after its closing quote (`"x"ă`, which csv-core
/// reads as `xă`).
fn field(sep: char) -> impl Strategy<Value = String> {
    let plain = proptest::collection::vec(
        prop_oneof![Just('a'), Just('ă'), Just(' '), Just('7')],
        0..4,
    )
    .prop_map(|c| c.into_iter().collect::<String>());
    let inner = proptest::collection::vec(
        prop_oneof![
            Just('b'),
            Just(sep),
            Just('\n'),
            Just('"'),
            Just('ư'),
            Just('\r')
        ],
        0..5,
    )
    .prop_map(|c| {
        format!(
            "\"{}\"",
            c.into_iter().collect::<String>().replace('"', "\"\"")
        )
    });
    let after = (inner.clone(), plain.clone()).prop_map(|(q, p)| q + &p);
    prop_oneof![3 => plain, 2 => inner, 1 => after]
}

fn text(sep: char) -> impl Strategy<Value = String> {
    let record = proptest::collection::vec(field(sep), 1..WIDTH + 3)
        .prop_map(move |f| f.join(&sep.to_string()));
    (
        proptest::collection::vec(
            (record, prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n")]),
            0..8,
        ),
        any::<bool>(),
    )
        .prop_map(|(records, last_break)| {
            let mut s = String::new();
            let n = records.len();
            for (i, (r, br)) in records.into_iter().enumerate() {
                s.push_str(&r);
                if i + 1 < n || last_break {
                    s.push_str(br);
                }
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_reader_reads_what_the_csv_crate_reads(
        (sep, t) in prop_oneof![Just(','), Just(';')].prop_flat_map(|s| (Just(s), text(s))),
        block in prop_oneof![1usize..48, Just(8 << 20)],
    ) {
        let ours = records(t.as_bytes(), sep as u8, block);
        match reference_lines(t.as_bytes(), sep as u8) {
            Err(line) => {
                // The first such record's line, from a guessed reading or an exact one.
                let e = ours.expect_err("more fields than columns is an error").to_string();
                let says = format!("text:{line}: this row has");
                prop_assert!(e.contains(&says), "{} (want line {}) {:?}", e, line, t);
                let says = format!("fields but the header has {WIDTH} columns");
                prop_assert!(e.contains(&says), "{}", e);
            }
            Ok(theirs) => {
                let ours = ours.map_err(|e| TestCaseError::fail(format!("{e}\n{t:?}")))?;
                // Each record on the line it starts on: line breaks inside quotes and
                // blank lines counted.
                prop_assert_eq!(ours, theirs, "text {:?}, block {}", t, block);
            }
        }
    }
}

#[test]
fn a_guessed_cut_that_proves_wrong_is_read_again_exactly() {
    // Blocks with quotes are cut at their last line break on a guess the workers check.
    // Each text below defeats the guess at some block size — a line break inside a
    // quoted field where a block ends, a quote inside an unquoted field, a quoted field
    // still open at the end — and at every size the records, their lines and the
    // errors are the csv crate's.
    let texts = [
        "a,\"1\",x\nb,\"long\nfield\nover\nlines\",y\nc,\"3\",z\n",
        "a,\"1\",x\nb,2\"in\"side,y\nc,\"3\",z\nd,\"4\",w\n",
        "\"a\",\"b\nc\"\n\"d\",\"e\"\"f\"\n\n\"g\",h\n",
    ];
    for t in texts {
        let theirs = reference_lines(t.as_bytes(), b',').expect("a valid text");
        let mut again = 0;
        for block in 1..=t.len() + 1 {
            let (ours, read_again) = records_again(t.as_bytes(), b',', block);
            let ours = ours.unwrap();
            assert_eq!(ours, theirs, "{t:?} in blocks of {block}");
            again += usize::from(read_again);
        }
        assert!(again > 0, "{t:?}: the guess never failed");
    }
    // A regularly quoted log (escaped quotes, separators inside quotes) is read once.
    let regular = "\"a\",\"1,5\",\"say \"\"hi\"\"\"\n\"b\",\"2\",\"\"\n\"c\",\"3\",x\n";
    for block in [5, 9, 17, 1 << 20] {
        let (rows, again) = records_again(regular.as_bytes(), b',', block);
        assert_eq!(rows.unwrap().len(), 3);
        assert!(!again, "blocks of {block}: read twice");
    }
    let open = "a,\"1\"\nb,\"2\nc,3\nd,4\n";
    for block in 1..=open.len() + 1 {
        let e = records(open.as_bytes(), b',', block)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("text:3: a quoted field is not closed"),
            "{block}: {e}"
        );
    }
}

#[test]
fn line_numbers_count_breaks_inside_quotes_and_blank_lines() {
    let t = "a,\"x\ny\",c\n\nb,2\r\n\"q\"\"\",3";
    let rows = records(t.as_bytes(), b',', 3).unwrap();
    let got: Vec<(u64, &str, &str)> = rows
        .iter()
        .map(|(l, f)| (*l, f[0].as_str(), f[1].as_str()))
        .collect();
    assert_eq!(got, vec![(2, "a", "x\ny"), (5, "b", "2"), (6, "q\"", "3")]);
}

#[test]
fn an_unclosed_quote_at_the_end_is_named_not_swallowed() {
    let t = "a,1\nb,\"2\nc,3\n";
    for block in [2, 5, 1 << 20] {
        let e = records(t.as_bytes(), b',', block).unwrap_err().to_string();
        assert!(
            e.contains("text:3: a quoted field is not closed"),
            "{block}: {e}"
        );
    }
}

#[test]
fn an_unclosed_quote_in_a_big_file_stops_at_the_record_cap() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("log.csv");
    let mut s = String::from("dossier_id,unit_id,received_at,channel,status,due_at\n");
    s.push_str("D1,U1,2025-03-01,direct,received,2025-03-05\n");
    s.push_str("D2,\"U1,2025-03-01,direct,received,2025-03-05\n");
    let row = "D3,U1,2025-03-01,direct,received,2025-03-05\n";
    while s.len() < 3 * cchc::dossier::probe::MAX_RECORD {
        s.push_str(row);
    }
    std::fs::write(&path, s).unwrap();
    // Within one block the end of the file comes first; past it, the cap.
    for (block, says) in [
        ("1000", "log.csv:3: a record runs past 1 MiB without ending"),
        ("8388608", "log.csv:3: a quoted field is not closed"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(["--csv-block-size", block, "metrics", "--dossiers"])
            .arg(&path)
            .args(["--period", "2025-03", "--quiet"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(out.stdout.is_empty());
        assert!(err.contains(says), "block {block}: {err}");
    }
}

#[test]
fn a_closed_record_longer_than_the_cap_is_refused_whatever_the_block() {
    let long = "x".repeat(cchc::dossier::probe::MAX_RECORD + 10);
    for t in [
        format!("a,1\nb,\"{long}\"\nc,3\n"),
        format!("a,1\nb,{long}\nc,3\n"),
    ] {
        for block in [64, 8 << 20] {
            let e = records(t.as_bytes(), b',', block).unwrap_err().to_string();
            assert!(
                e.contains("text:3: a record runs past 1 MiB"),
                "{block}: {e}"
            );
        }
    }
}

/// Found by the `csv_reader` fuzz target: a field ending in a vertical tab (and one
/// ending in a no-break space) was left untrimmed, unlike one starting with a space.
#[test]
fn fields_are_trimmed_of_every_kind_of_space() {
    let t = "\0a\"\u{b},\0b\0 \r&\"\nx\u{a0},\u{3000}y\n";
    let ours: Vec<Vec<String>> = records(t.as_bytes(), b',', 8 << 20)
        .unwrap()
        .into_iter()
        .map(|r| r.1)
        .collect();
    let pairs: Vec<(&str, &str)> = ours
        .iter()
        .map(|f| (f[0].as_str(), f[1].as_str()))
        .collect();
    assert_eq!(pairs, vec![("\0a\"", "\0b\0 \r&\""), ("x", "y")]);
    assert_eq!(Some(ours), reference(t.as_bytes(), b','));
}

/// The reader cuts fields next to the separators without looking for a letter's end,
/// which is sound only for an ASCII separator: every other byte is refused, on plain,
/// regularly quoted and irregular texts, whatever the block.
#[test]
fn a_separator_that_is_not_ascii_is_refused() {
    let texts = ["aă,b\nc,d\n", "\"ă\",\"b\"\n\"c\",d\n", "a,b\"c\"\nd\n"];
    for sep in 0x80..=0xffu8 {
        for t in texts {
            for block in [3, 8 << 20] {
                let e = records(t.as_bytes(), sep, block)
                    .expect_err("a separator that is not ASCII")
                    .to_string();
                assert!(e.contains("not an ASCII character"), "{sep:#x} {t:?}: {e}");
            }
        }
    }
}

#[test]
fn separators_on_every_side_of_the_readers_64_byte_windows_are_found() {
    // Plain records (no quotes) of every length from 1 to 150 bytes: separators and
    // line breaks fall at every offset of the 64-byte windows the reader scans, and at
    // the text's short tail.
    let mut t = String::new();
    for i in 0..150 {
        let f = "é".repeat(i % 23) + &"x".repeat(i % 70);
        t.push_str(&format!("{f},{i};{i},{f}\n"));
    }
    t.push_str("tail,end");
    let ours = records(t.as_bytes(), b',', 8 << 20).unwrap();
    let fields: Vec<Vec<String>> = ours.into_iter().map(|r| r.1).collect();
    assert_eq!(fields.len(), 151);
    assert_eq!(Some(fields), reference(t.as_bytes(), b','));
}

/// Runs `cchc metrics` on a CSV log written to a temporary folder: (exit code, stdout,
/// stderr).
fn metrics_of(log: &str, extra: &[&str]) -> (i32, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("log.csv");
    std::fs::write(&path, log).unwrap();
    crate::common::outcome(
        std::process::Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(["metrics", "--dossiers"])
            .arg(&path)
            .args(["--period", "2025-03", "--format", "csv", "--quiet"])
            .args(extra),
    )
}

/// The reader hands fields on as the file holds them and every check trims them: a
/// log whose every value has spaces and tabs around it counts exactly as the same log
/// without them (ids, dates, flags, fee and rating; quoted and plain), and a message
/// shows a value trimmed.
#[test]
fn values_with_spaces_around_them_count_as_without() {
    let header = "dossier_id,unit_id,received_at,channel,status,due_at,finished_at,fee,paid_online,digitized,e_result,rating\n";
    let rows = [
        [
            "D1",
            "U1",
            "2025-03-02 08:00",
            "online",
            "resolved",
            "2025-03-10",
            "2025-03-09",
            "50000",
            "1",
            "1",
            "1",
            "5",
        ],
        [
            "D2",
            "U1",
            "2025-03-03",
            "direct",
            "resolved",
            "2025-03-05",
            "2025-03-07",
            "",
            "0",
            "x",
            "0",
            "3",
        ],
        [
            "D3",
            "U2",
            "2025-02-20",
            "postal",
            "processing",
            "2025-03-01",
            "",
            "0",
            "",
            "",
            "",
            "",
        ],
        [
            "D4",
            "U2",
            "2025-03-04",
            "online",
            "returned",
            "2025-03-20",
            "2025-03-06",
            "1000",
            "true",
            "false",
            "",
            "0",
        ],
    ];
    let clean: String =
        header.to_string() + &rows.iter().map(|r| r.join(",") + "\n").collect::<String>();
    let spaced: String = header.to_string()
        + &rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let f: Vec<String> = r
                    .iter()
                    .enumerate()
                    .map(|(k, v)| match (i + k) % 3 {
                        0 => format!(" {v} "),
                        1 => format!("\t{v}  "),
                        _ => format!("\" {v}\t\""),
                    })
                    .collect();
                f.join(",") + "\r\n"
            })
            .collect::<String>();
    let (c1, want, e1) = metrics_of(&clean, &[]);
    let (c2, got, e2) = metrics_of(&spaced, &[]);
    assert_eq!((c1, c2), (0, 0), "{e1}{e2}");
    assert!(want.contains("U1,2,0,2,1,0,1,"), "{want}");
    assert_eq!(got, want);

    // A bad value and a repeated id, each with spaces around it: named trimmed.
    let bad = format!("{clean} D5 , U1 ,2025-03-05, fax ,resolved,2025-03-06,2025-03-06,,,,,\n");
    let (code, _, err) = metrics_of(&bad, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("channel \"fax\""), "{err}");
    let twice = format!("{clean}  D2\t,U2,2025-03-05,direct,resolved,2025-03-06,2025-03-06,,,,,\n");
    let (code, _, err) = metrics_of(&twice, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("dossier_id \"D2\""), "{err}");
    assert!(err.contains("(first on line 3)"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The reading thread's cut of a block from the quotes' parity is csv-core's cut
    /// (or past it by blank lines only, which either block skips) whenever it gives
    /// one; on regularly quoted text (what writers write) it always gives one, so the
    /// fast path is the one taken.
    #[test]
    fn the_parity_cut_is_csv_cores_cut_or_none(
        bytes in proptest::collection::vec(
            prop_oneof![Just(b'a'), Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), Just(b' ')],
            0..300,
        ),
    ) {
        use cchc::dossier::probe::{quoted_cut, quoted_records_end};
        if let Some(fast) = quoted_cut(&bytes, b',') {
            let (fast, core) = (fast.unwrap_or(0), quoted_records_end(&bytes, b',').unwrap_or(0));
            prop_assert!(
                fast >= core && bytes[core..fast].iter().all(|&b| b == b'\n'),
                "parity {} csv-core {} in {:?}", fast, core, String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn regular_quoting_takes_the_parity_cut(
        rows in proptest::collection::vec(
            proptest::collection::vec("[a-z ,\"\n]{0,12}", 1..6),
            1..40,
        ),
        cut_at in 0usize..2000,
    ) {
        use cchc::dossier::probe::{quoted_cut, quoted_records_end};
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .flexible(true)
            .from_writer(Vec::new());
        for r in &rows {
            w.write_record(r).unwrap();
        }
        let text = w.into_inner().unwrap();
        // A block may end anywhere, inside a quoted field too.
        let block = &text[..cut_at.min(text.len())];
        let fast = quoted_cut(block, b',');
        prop_assert!(fast.is_some(), "{:?}", String::from_utf8_lossy(block));
        let (fast, core) = (fast.unwrap().unwrap_or(0), quoted_records_end(block, b',').unwrap_or(0));
        prop_assert!(fast >= core && block[core..fast].iter().all(|&b| b == b'\n'));
    }
}

#[test]
fn a_log_read_again_shows_its_rows_once_in_the_progress() {
    // A quoted note with line breaks defeats the guessed cut at small blocks, and the
    // log is read again with exact cuts: the progress must then count from where it
    // stood, not on top of the first try's rows.
    let mut log = String::from(
        "dossier_id,unit_id,received_at,channel,status,procedure_id,due_at,finished_at,note\n",
    );
    let rows = 40u64;
    for i in 0..rows {
        let note = if i % 3 == 0 {
            "\"seen\nby the office\nand signed\""
        } else {
            "\"ok\""
        };
        log.push_str(&format!(
            "D{i},U{},2025-04-03 10:00,direct,resolved,P1,2025-04-10 17:00,2025-04-09 16:00,{note}\n",
            i % 4
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.csv");
    std::fs::write(&path, &log).unwrap();
    for block in [24, 40, 64, 100, 160] {
        let opts = cchc::dossier::Options {
            period: cchc::period::Period::parse("2025-04").unwrap(),
            by: cchc::dossier::GroupBy::Unit,
            skip_invalid: false,
            procedures: None,
            calendar: cchc::dossier::Calendar::builtin(),
            units: None,
            rates: Default::default(),
            decimal_comma: false,
            scan: cchc::dossier::ScanOptions {
                block_size: block,
                ..Default::default()
            },
            sheet: None,
            aliases: Default::default(),
            official: None,
        };
        let shown = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let into = shown.clone();
        let t = cchc::dossier::compute(
            &path,
            "log.csv",
            &opts,
            std::sync::Arc::new(move |n| into.lock().unwrap().push(n)),
        )
        .unwrap();
        let received: u64 = t.rows.iter().map(|(_, c)| c.received).sum();
        assert_eq!(received, rows, "blocks of {block}");
        let shown = shown.lock().unwrap();
        assert_eq!(shown.last(), Some(&rows), "blocks of {block}: {shown:?}");
        assert!(
            shown.iter().all(|&n| n <= rows),
            "blocks of {block}: the progress went past the log's rows: {shown:?}"
        );
    }
}

/// A regularly quoted log whose note columns (not read, on both sides of the unit
/// ids) hold `""` or text after a closing quote on every row, and whose unit ids
/// (read) hold them on some rows: the notes change nothing, and each unit id is read
/// as csv-core reads it (`"U""1"` is `U"1`, `"U"2` is `U2`) — on rows of every length,
/// so that the odd quotes fall on every side of the reader's 64-byte windows, in one
/// block and in small ones. (A unit id's odd quote taken for its neighbour's, a column
/// not read, would leave `U""1` unread.) Some notes hold 70 `""`, more odd quotes than
/// the reader keeps looked-at before it drops them, followed by a unit id with one.
#[test]
fn odd_quotes_count_only_in_the_columns_read() {
    let header = "\"dossier_id\",\"note\",\"unit_id\",\"note2\",\"received_at\",\"channel\",\"status\",\"due_at\"\n";
    let (mut quoted, mut plain) = (header.to_string(), header.replace('"', ""));
    for n in 0..90 {
        let pad = "x".repeat(n % 67);
        let note = match n % 4 {
            0 => format!("\"ghi chú {pad}, \"\"xem\"\" lại\""),
            1 => format!("\"ghi chú {pad}\"ă"),
            // More odd quotes in a record than the reader keeps before it drops them.
            2 => format!("\"{}{pad}\"", "\"\"".repeat(70)),
            _ => format!("\"{pad}\""),
        };
        let (unit, unit_read) = match (n + 1) % 4 {
            0 => ("\"U\"\"1\"", "U\"1"), // read by csv-core (a quote inside)
            1 => ("\"U\"2", "U2"),
            _ => ("\"U3\"", "U3"),
        };
        let rest = "\"2025-03-02\",\"direct\",\"received\",\"2025-03-20\"";
        quoted.push_str(&format!("\"D{n}\",{note},{unit},{note},{rest}\r\n"));
        plain.push_str(&format!(
            "D{n},n,{unit_read},n,2025-03-02,direct,received,2025-03-20\n"
        ));
    }
    let (c, want, e) = metrics_of(&plain, &[]);
    assert_eq!(c, 0, "{e}");
    assert!(want.contains("\"U\"\"1\",22,"), "{want}");
    for block in [None, Some("61"), Some("200")] {
        let extra: Vec<&str> = block.map_or(vec![], |b| vec!["--csv-block-size", b]);
        let (c, got, e) = metrics_of(&quoted, &extra);
        assert_eq!(c, 0, "{e}");
        assert_eq!(got, want, "blocks of {block:?}");
    }
}

/// An error in a regularly quoted log (a row with too many fields, bytes that are not
/// UTF-8), where no line break stands inside quotes, is reported from the first,
/// guessed reading — the log is not read a second time to find the same error — and
/// it is the error exact cuts give: the same line, whatever the blocks. Where the guess
/// is wrong before the error (a quote inside an unquoted field, a line break inside
/// quotes), the log is read again and the error still names its line.
#[test]
fn an_error_in_a_quoted_log_is_reported_from_the_first_reading() {
    let wide = vec!["\"x\""; WIDTH + 1].join(",");
    let many = format!(
        "this row has {} fields but the header has {WIDTH} columns",
        WIDTH + 1
    );
    let cases: [(Vec<u8>, String, bool); 3] = [
        (
            format!("\"a\",\"1,5\"\n\"b\",\"x\"\"y\"\n{wide}\n\"c\",\"3\"\n").into_bytes(),
            format!("text:4: {many}"),
            false,
        ),
        (
            [&b"\"a\",\"1\"\n\"b\",\"x,y\"\n\"c\",\"\xff\"\n\"d\",\"4\"\n"[..]].concat(),
            "text:4: the line is not valid UTF-8".to_string(),
            false,
        ),
        (
            format!("\"a\",\"1\"\nb,2\"in\"side\n\"c\",\"x\ny\"\n{wide}\n").into_bytes(),
            format!("text:6: {many}"),
            true,
        ),
    ];
    for (text, says, wrong_guess) in cases {
        let mut again = 0;
        for block in (1..=text.len() + 1).chain([1 << 20]) {
            let (read, read_again) = records_again(&text, b',', block);
            let e = read.expect_err("an error").to_string();
            assert!(e.contains(&says), "blocks of {block}: {e}");
            again += usize::from(read_again);
            if !wrong_guess {}
        }
        assert_eq!(again > 0, wrong_guess, "{says}");
    }
}
