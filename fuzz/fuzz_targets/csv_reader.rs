//! Any bytes as CSV, through the dossier log's reader (cut into blocks of 1 to 63
//! bytes, or one block; each record delivered at once, or one record late as on logs
//! of thousands of units) and through the `csv` crate: the same records, field for
//! field (first 13 fields trimmed, blank records left out), or an error the reader is
//! meant to give — more fields than columns, bytes that are not UTF-8, a quoted field
//! still open at the end (the `csv` crate closes it silently), a record past the cap.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn reference(text: &[u8], sep: u8) -> Result<Vec<Vec<String>>, &'static str> {
    // The csv crate drops a byte-order mark at the start of its input; the dossier
    // reader reads records after the header, which had the file's, so a BOM there is
    // data. A blank line first (skipped by both) keeps the csv crate from dropping it.
    let text = [b"\n".as_slice(), text].concat();
    let text = text.as_slice();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text);
    let mut out = Vec::new();
    for rec in r.byte_records() {
        let rec = rec.map_err(|_| "csv error")?;
        if rec.len() > 13 {
            return Err("fields but the header has");
        }
        let n = rec.len();
        let mut fields = Vec::with_capacity(13);
        for (i, f) in rec.iter().enumerate() {
            let f = if i + 1 == n { f.strip_suffix(b"\r").unwrap_or(f) } else { f };
            fields.push(std::str::from_utf8(f).map_err(|_| "not valid UTF-8")?.trim().to_string());
        }
        if fields.iter().all(String::is_empty) {
            continue;
        }
        fields.resize(13, String::new());
        out.push(fields);
    }
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, text)) = data.split_first() else { return };
    let sep = if first & 1 == 0 { b',' } else { b';' };
    // The reader's two ways: each record delivered at once, or one record late with
    // the next record's unit peeked at (the way of logs of thousands of units).
    let peek = first & 2 != 0;
    let block = match first >> 2 {
        0 => 8 << 20,
        n => usize::from(n),
    };
    let ours = cchc::dossier::probe::csv_records_again(text, sep, block, peek).0;
    match (ours, reference(text, sep)) {
        (Ok(ours), Ok(theirs)) => {
            let lines: Vec<u64> = ours.iter().map(|r| r.0).collect();
            assert!(lines.windows(2).all(|w| w[0] < w[1]), "lines {lines:?}");
            let fields: Vec<Vec<String>> = ours.into_iter().map(|r| r.1).collect();
            assert_eq!(fields, theirs, "block {block}, peek {peek}");
        }
        (Err(e), theirs) => {
            let e = e.to_string();
            let expected = e.contains("fields but the header has")
                || e.contains("not valid UTF-8")
                || e.contains("a quoted field is not closed")
                || e.contains("runs past");
            assert!(expected, "unexpected error {e} (csv crate: {theirs:?})");
        }
        (Ok(ours), Err(why)) => {
            // The csv crate refuses only what the reader refuses too.
            panic!("the reader accepted {} records the csv crate refuses ({why})", ours.len());
        }
    }
});
