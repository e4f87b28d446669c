//! Workbooks built in the tests, byte by byte where a writer would refuse to (hostile
//! ones), so that no binary blob stands in for a case a generator can make: `.xlsx`
//! parts zipped by hand, an `.ods`, an `.xls` compound file with its BIFF records.

use std::io::Write;
use std::path::Path;

/// A zip of parts, deflated (or stored, to escape the ratio limit on purpose).
pub fn zip(parts: &[(&str, Vec<u8>)], stored: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if stored {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    };
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(false);
    for (name, bytes) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Rewrites the uncompressed size a zip declares for `part` (local header and central
/// directory), as a crafted file would lie about it.
pub fn declare_size(zip: &mut [u8], part: &str, size: u32) {
    let name = part.as_bytes();
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        let sig = &zip[i..i + 4];
        let (name_at, size_at) = match sig {
            [0x50, 0x4b, 0x03, 0x04] => (30, 22),
            [0x50, 0x4b, 0x01, 0x02] => (46, 24),
            _ => continue,
        };
        let len_at = if name_at == 30 { 26 } else { 28 };
        let n = u16::from_le_bytes([zip[i + len_at], zip[i + len_at + 1]]) as usize;
        if zip.get(i + name_at..i + name_at + n) == Some(name) {
            zip[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of {part}");
}

/// A worksheet part holding `rows` (the `<row>` elements) and anything after them.
pub fn sheet_xml(rows: &str, after: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>{rows}</sheetData>{after}</worksheet>"#
    )
}

/// A row of inline-string cells (`("A1", "text")`).
pub fn text_row(r: u32, cells: &[(&str, &str)]) -> String {
    let cs: String = cells
        .iter()
        .map(|(at, t)| format!(r#"<c r="{at}" t="inlineStr"><is><t>{t}</t></is></c>"#))
        .collect();
    format!(r#"<row r="{r}">{cs}</row>"#)
}

/// An `.xlsx` of sheets (name, hidden, worksheet part) and an optional shared-strings
/// part.
pub fn xlsx(sheets: &[(&str, bool, String)], shared: Option<&str>, stored: bool) -> Vec<u8> {
    let mut list = String::new();
    let mut rels = String::new();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (name, hidden, xml)) in sheets.iter().enumerate() {
        let state = if *hidden { r#" state="hidden""# } else { "" };
        list.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{}"{state} r:id="rId{}"/>"#,
            i + 1,
            i + 1
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{}.xml"/>"#,
            i + 1,
            i + 1
        ));
        parts.push((
            format!("xl/worksheets/sheet{}.xml", i + 1),
            xml.clone().into_bytes(),
        ));
    }
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{list}</sheets></workbook>"#
    );
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    );
    let mut all: Vec<(String, Vec<u8>)> = vec![
        ("xl/workbook.xml".into(), workbook.into_bytes()),
        ("xl/_rels/workbook.xml.rels".into(), rels.into_bytes()),
    ];
    all.extend(parts);
    if let Some(s) = shared {
        all.push(("xl/sharedStrings.xml".into(), s.as_bytes().to_vec()));
    }
    let refs: Vec<(&str, Vec<u8>)> = all.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    zip(&refs, stored)
}

/// A one-sheet `.xlsx` holding a lineage table (old_id, new_id) of `n` rows, then the
/// extra rows given.
pub fn lineage_xlsx(n: u32, extra: &str) -> Vec<u8> {
    let mut rows = text_row(1, &[("A1", "old_id"), ("B1", "new_id")]);
    for i in 0..n {
        let r = i + 2;
        rows.push_str(&text_row(
            r,
            &[
                (&format!("A{r}"), &format!("{:05}", i + 1)),
                (&format!("B{r}"), "00001"),
            ],
        ));
    }
    rows.push_str(extra);
    xlsx(&[("Sheet1", false, sheet_xml(&rows, ""))], None, false)
}

/// An `.ods` whose one table holds `rows` (the `<table:table-row>` elements).
pub fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#;
    zip(
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
            ),
            ("META-INF/manifest.xml", manifest.as_bytes().to_vec()),
            ("content.xml", content.into_bytes()),
        ],
        false,
    )
}

/// An ODS row of string cells.
pub fn ods_row(cells: &[&str]) -> String {
    let cs: String = cells
        .iter()
        .map(|t| {
            format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#)
        })
        .collect();
    format!("<table:table-row>{cs}</table:table-row>")
}

/// A cell of an `.xls` sheet.
pub enum XlsCell {
    /// A NUMBER record.
    Number(f64),
    /// A LABEL record (UTF-16).
    Text(&'static str),
}

/// How to build (or break) an `.xls`.
#[derive(Default)]
pub struct XlsShape {
    /// The DIMENSIONS record (first row, last row + 1, first column, last column + 1);
    /// none: computed from the cells.
    pub dimensions: Option<(u32, u32, u16, u16)>,
    /// The sheet record's offset, when it should point elsewhere.
    pub sheet_at: Option<u32>,
    /// The number of FAT sectors the header declares, when it should lie.
    pub fat_len: Option<u32>,
    /// Make the directory's chain of sectors loop onto itself.
    pub loop_directory: bool,
}

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&0x0600u16.to_le_bytes());
    d.extend_from_slice(&dt.to_le_bytes());
    d.extend_from_slice(&[0; 12]);
    d
}

/// The BIFF8 workbook stream of one sheet named `Sheet1`.
fn biff(cells: &[(u16, u16, XlsCell)], shape: &XlsShape) -> Vec<u8> {
    let name = "Sheet1";
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    let sheet_record_at = globals.len();
    let mut bs = vec![0u8; 6];
    bs.push(name.len() as u8);
    bs.push(0);
    bs.extend_from_slice(name.as_bytes());
    record(&mut globals, 0x0085, &bs);
    record(&mut globals, 0x000A, &[]);
    let sheet_at = globals.len() as u32;
    let at = shape.sheet_at.unwrap_or(sheet_at);
    globals[sheet_record_at + 4..sheet_record_at + 8].copy_from_slice(&at.to_le_bytes());
    let mut sheet = Vec::new();
    record(&mut sheet, 0x0809, &bof(0x0010));
    let dims = shape.dimensions.unwrap_or_else(|| {
        let rl = cells.iter().map(|c| u32::from(c.0)).max().unwrap_or(0) + 1;
        let cl = cells.iter().map(|c| c.1).max().unwrap_or(0) + 1;
        (0, rl, 0, cl)
    });
    let mut d = Vec::new();
    d.extend_from_slice(&dims.0.to_le_bytes());
    d.extend_from_slice(&dims.1.to_le_bytes());
    d.extend_from_slice(&dims.2.to_le_bytes());
    d.extend_from_slice(&dims.3.to_le_bytes());
    d.extend_from_slice(&[0, 0]);
    record(&mut sheet, 0x0200, &d);
    for (r, c, v) in cells {
        let mut d = Vec::new();
        d.extend_from_slice(&r.to_le_bytes());
        d.extend_from_slice(&c.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        match v {
            XlsCell::Number(f) => {
                d.extend_from_slice(&f.to_le_bytes());
                record(&mut sheet, 0x0203, &d);
            }
            XlsCell::Text(t) => {
                let units: Vec<u16> = t.encode_utf16().collect();
                d.extend_from_slice(&(units.len() as u16).to_le_bytes());
                d.push(1);
                for u in units {
                    d.extend_from_slice(&u.to_le_bytes());
                }
                record(&mut sheet, 0x0204, &d);
            }
        }
    }
    record(&mut sheet, 0x000A, &[]);
    globals.extend(sheet);
    // A stream under 4096 bytes would live in the mini stream: pad after the last EOF.
    if globals.len() < 4096 {
        globals.resize(4096, 0);
    }
    globals
}

/// An `.xls` (compound file, 512-byte sectors: FAT, directory, then the workbook
/// stream) of one sheet.
pub fn xls(cells: &[(u16, u16, XlsCell)], shape: &XlsShape) -> Vec<u8> {
    let mut stream = biff(cells, shape);
    let stream_len = stream.len();
    stream.resize(stream_len.div_ceil(512) * 512, 0);
    let stream_sectors = (stream.len() / 512) as u32;
    const END: u32 = 0xFFFF_FFFE;
    let mut fat = vec![0xFFFF_FFFDu32, if shape.loop_directory { 1 } else { END }];
    for k in 0..stream_sectors {
        fat.push(if k + 1 == stream_sectors {
            END
        } else {
            2 + k + 1
        });
    }
    assert!(fat.len() <= 128, "one FAT sector");
    fat.resize(128, 0xFFFF_FFFF);
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put16 =
        |h: &mut Vec<u8>, at: usize, v: u16| h[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 =
        |h: &mut Vec<u8>, at: usize, v: u32| h[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put16(&mut header, 24, 0x003E);
    put16(&mut header, 26, 3);
    put16(&mut header, 28, 0xFFFE);
    put16(&mut header, 30, 9);
    put16(&mut header, 32, 6);
    put32(&mut header, 44, shape.fat_len.unwrap_or(1));
    put32(&mut header, 48, 1);
    put32(&mut header, 56, 4096);
    put32(&mut header, 60, END);
    put32(&mut header, 64, 0);
    put32(&mut header, 68, END);
    put32(&mut header, 72, 0);
    put32(&mut header, 76, 0);
    for k in 1..109 {
        put32(&mut header, 76 + 4 * k, 0xFFFF_FFFF);
    }
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[64..66].copy_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
        e[66] = typ;
        e[68..72].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[72..76].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut dir = entry("Root Entry", 5, 1, END, 0);
    dir.extend(entry("Workbook", 2, 0xFFFF_FFFF, 2, stream_len as u32));
    dir.resize(512, 0);
    let mut out = header;
    for v in fat {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend(dir);
    out.extend(stream);
    out
}

/// Runs a command and measures its peak memory (the child's maximum resident set,
/// from the kernel's accounting of a process that ran nothing else), under a 4 GiB
/// address-space cap so that a regression fails fast instead of eating the machine.
/// Returns (exit code, stdout, stderr, peak MiB).
pub fn measured(args: &[&str], cwd: &Path) -> (i32, String, String, u64) {
    let script = r#"
import os, resource, subprocess, sys
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
p = subprocess.run(sys.argv[2:], preexec_fn=cap, capture_output=True)
sys.stdout.buffer.write(p.stdout)
sys.stderr.buffer.write(p.stderr)
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)
"#;
    let peak = tempfile::NamedTempFile::new().unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(peak.path())
        .arg(env!("CARGO_BIN_EXE_cchc"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("python3 runs");
    let kib: u64 = std::fs::read_to_string(peak.path())
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        kib / 1024,
    )
}
