//! Any bytes as a dossier log, read whole and again cut into blocks of 1 to 16 bytes
//! (the CSV reader's parallel path: records across cuts, one merge per block): the two
//! results must be identical, counts, findings and errors alike, and never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] = b"dossier_id,unit_id,received_at,channel,status,due_at,finished_at,fee,paid_online,rating\n";

fn compute(path: &std::path::Path, skip_invalid: bool, block_size: usize) -> String {
    let opts = cchc::dossier::Options {
        period: cchc::period::Period::parse("2025").expect("a period"),
        by: cchc::dossier::GroupBy::Unit,
        skip_invalid,
        procedures: None,
        calendar: cchc::dossier::Calendar::builtin(),
        units: None,
        rates: cchc::dossier::RateDefinitions::default(),
        decimal_comma: false,
        scan: cchc::dossier::ScanOptions {
            block_size,
            ..Default::default()
        },
        sheet: None,
        aliases: Default::default(),
    };
    let progress: cchc::dossier::Progress = std::sync::Arc::new(|_| {});
    format!("{:?}", cchc::dossier::compute(path, "log.csv", &opts, progress))
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    // Half the inputs get a valid header, so the fuzzer reaches the rows quickly.
    let mut bytes = Vec::new();
    if first & 0x80 != 0 {
        bytes.extend_from_slice(HEADER);
    }
    bytes.extend_from_slice(rest);
    let dir = std::env::temp_dir().join(format!("cchc-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let path = dir.join("log.csv");
    std::fs::write(&path, &bytes).expect("written");
    let skip = first & 0x40 != 0;
    let whole = compute(&path, skip, cchc::dossier::ScanOptions::default().block_size);
    let cut = compute(&path, skip, 1 + usize::from(first & 0x0f));
    assert_eq!(whole, cut);
});
