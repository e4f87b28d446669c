//! `.xls` (Excel 97–2003), read through calamine after a structural check of our own.
//!
//! An `.xls` file is a compound file (sectors, chains of sectors, a directory) holding
//! a stream of BIFF records, and calamine reads all of it when the file is opened:
//! every sheet becomes a dense rectangle, sized from the cells' extent and from each
//! sheet's `DIMENSIONS` record. So before calamine sees a file, [`check`] walks the
//! same structure the way calamine will — header fields, the sector chains (in the
//! file, no loops), the workbook stream, each sheet's records — and refuses a file
//! whose chains loop or leave the file, or whose sheets would take more than
//! [`XLS_CELLS`] cells of memory. What remains (a malformed record deep in a sheet) is
//! calamine's to report; a panic inside it is caught and reported as such.

use super::limits::{Limit, Limits};
use super::{Failure, Sheet, SheetCell, SheetInfo, Value};
use calamine::{Data, Reader};
use std::collections::HashSet;
use std::io::Cursor;

/// Cells (rows × columns, every sheet together) an `.xls` may make calamine hold. An
/// `.xls` sheet is at most 65,536 × 256; a real inspection file is far smaller, and a
/// larger table belongs in an `.xlsx`.
pub const XLS_CELLS: u64 = 4_000_000;

/// Excel's columns (an `.xls` record can name one past them).
const MAX_COLS: u32 = 16_384;

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

/// An opened `.xls`: calamine's reader, after [`check`].
pub struct Xls {
    book: calamine::Xls<Cursor<Vec<u8>>>,
}

fn bad(e: impl std::fmt::Display) -> Failure {
    Failure::Bad(e.to_string())
}

fn u16_at(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i + 2)
        .map(|s| u32::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Whether bytes begin as a compound file (an `.xls`, or an encrypted `.xlsx`).
pub fn is_compound(bytes: &[u8]) -> bool {
    bytes.starts_with(&SIGNATURE)
}

/// Sectors as calamine addresses them: sector `k` of the file starts after the
/// header (`skip` is one sector), a mini sector `k` at `64 k` of the mini stream.
struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
    skip: usize,
}

impl Sectors<'_> {
    /// Sector `id`, whole and inside the file.
    fn get(&self, id: u32) -> Result<&[u8], Failure> {
        let start = (id as usize)
            .checked_mul(self.size)
            .and_then(|k| k.checked_add(self.skip))
            .filter(|s| {
                s.checked_add(self.size)
                    .is_some_and(|e| e <= self.bytes.len())
            })
            .ok_or_else(|| bad(format!("sector {id} lies outside the file")))?;
        Ok(&self.bytes[start..start + self.size])
    }

    /// The sectors of a chain (in the file, each at most once), up to `len` bytes.
    fn chain(&self, first: u32, fat: &[u32], len: usize, what: &str) -> Result<Vec<u8>, Failure> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut id = first;
        while id != ENDOFCHAIN && out.len() < len {
            if !seen.insert(id) {
                return Err(bad(format!("the chain of sectors of {what} loops")));
            }
            let sector = self.get(id)?;
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            id = *fat
                .get(id as usize)
                .ok_or_else(|| bad(format!("the chain of {what} leaves its table")))?;
        }
        Ok(out)
    }
}

/// The compound file's sector table (FAT), read the way calamine reads it; every
/// header field calamine trusts is checked first.
fn sector_table(bytes: &[u8], sectors: &Sectors<'_>) -> Result<Vec<u32>, Failure> {
    let n = (bytes.len() / sectors.size) as u64;
    let field = |i| u32_at(bytes, i).unwrap_or(0);
    let (fat_len, mini_fat_len, difat_start) = (field(44), field(64), field(68));
    // calamine sizes its DIFAT from the four bytes at 62 (part of two other fields).
    if u64::from(fat_len) > n || u64::from(mini_fat_len) > n || field(62) > 1 << 24 {
        return Err(Failure::Limit(Limit::new(
            "the compound file declares more sector tables than the file holds",
            "the sectors of the file",
        )));
    }
    let mut difat: Vec<u32> = (0..109).filter_map(|k| u32_at(bytes, 76 + 4 * k)).collect();
    let mut seen = HashSet::new();
    let mut id = difat_start;
    while id < RESERVED {
        if !seen.insert(id) || seen.len() as u64 > n {
            return Err(bad("the compound file's table of tables (DIFAT) loops"));
        }
        difat.extend(words(sectors.get(id)?));
        id = difat.pop().unwrap_or(ENDOFCHAIN);
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        fat.extend(words(sectors.get(id)?));
    }
    Ok(fat)
}

fn words(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// A directory entry's name.
fn entry_name(e: &[u8]) -> String {
    let units: Vec<u16> = e[..64]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|u| *u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

/// The compound file's workbook stream, read the way calamine will read it: through
/// chains that stay in the file and never loop.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, Failure> {
    if bytes.len() < 512 || !is_compound(bytes) {
        return Err(bad(
            "not an Excel 97–2003 workbook (no compound-file header)",
        ));
    }
    let size = match u16_at(bytes, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err(bad("the compound file's sector size is not 512 or 4096")),
    };
    let sectors = Sectors {
        bytes,
        size,
        skip: size,
    };
    let fat = sector_table(bytes, &sectors)?;
    let field = |i| u32_at(bytes, i).unwrap_or(0);
    let dirs = sectors.chain(field(48), &fat, usize::MAX, "the directory")?;
    let entries: Vec<&[u8]> = dirs.chunks_exact(128).collect();
    let root = entries
        .first()
        .ok_or_else(|| bad("the compound file has no directory"))?;
    let file_len = bytes.len() as u64;
    let entry_len = |e: &[u8]| -> Result<u64, Failure> {
        let len = if size == 512 {
            u64::from(u32_at(e, 120).unwrap_or(0))
        } else {
            e.get(120..128)
                .map_or(0, |s| u64::from_le_bytes(s.try_into().unwrap_or([0; 8])))
        };
        if len > file_len {
            return Err(bad(format!(
                "stream `{}` is longer than the file",
                entry_name(e)
            )));
        }
        Ok(len)
    };
    if entries.iter().any(|e| entry_name(e) == "EncryptedPackage") {
        return Err(bad(
            "the workbook is password-protected: save a copy without a password (as .xlsx)",
        ));
    }
    let entry = ["Workbook", "Book", "WORKBOOK", "BOOK"]
        .iter()
        .find_map(|w| entries.iter().find(|e| entry_name(e) == *w))
        .ok_or_else(|| bad("the compound file holds no workbook stream: not an Excel workbook"))?;
    let len = entry_len(entry)? as usize;
    let start = u32_at(entry, 116).unwrap_or(ENDOFCHAIN);
    let (mini_fat_start, mini_fat_len) = (field(60), field(64));
    if len >= 4096 {
        return sectors.chain(start, &fat, len, "the workbook stream");
    }
    if mini_fat_len == 0 {
        return Err(bad(
            "the workbook stream lies in a mini stream the file does not have",
        ));
    }
    let root_start = u32_at(root, 116).unwrap_or(ENDOFCHAIN);
    let mini = sectors.chain(
        root_start,
        &fat,
        entry_len(root)? as usize,
        "the mini stream",
    )?;
    let mini_fat: Vec<u32> = words(&sectors.chain(
        mini_fat_start,
        &fat,
        mini_fat_len as usize * size,
        "the mini table",
    )?)
    .collect();
    let minis = Sectors {
        bytes: &mini,
        size: 64,
        skip: 0,
    };
    minis.chain(start, &mini_fat, len, "the workbook stream")
}

/// Walks the BIFF records of the workbook stream as calamine will: every sheet's
/// offset inside the stream, and the cells each sheet would make calamine hold (the
/// extent of its cells and formulas, and what its `DIMENSIONS` record declares).
fn check_records(stream: &[u8]) -> Result<(), Failure> {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            0x0085 => {
                let pos = u32_at(data, 0).ok_or_else(|| bad("a sheet record is cut short"))?;
                if pos as usize > stream.len() {
                    return Err(bad("a sheet record points outside the workbook stream"));
                }
                sheets.push(pos as usize);
            }
            0x000A => break,
            _ => {}
        }
    }
    let mut total: u64 = 0;
    for pos in sheets {
        let mut cells: Option<(u32, u32, u32, u32)> = None;
        let mut formulas: Option<(u32, u32, u32, u32)> = None;
        let mut declared: u64 = 0;
        let add = |b: &mut Option<(u32, u32, u32, u32)>, r: u32, c: u32| {
            *b = Some(match *b {
                None => (r, c, r, c),
                Some((r0, c0, r1, c1)) => (r0.min(r), c0.min(c), r1.max(r), c1.max(c)),
            });
        };
        for (typ, d) in records(&stream[pos..]) {
            let (row, col) = (u16_at(d, 0).unwrap_or(0), u16_at(d, 2).unwrap_or(0));
            let cell = matches!(
                typ,
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00BD
            );
            let last = if typ == 0x00BD && d.len() >= 6 {
                u16_at(d, d.len() - 2).unwrap_or(0)
            } else {
                col
            };
            if cell && (col.max(last) >= MAX_COLS) {
                return Err(bad(format!(
                    "a cell at row {} lies beyond the sheet's last column",
                    row + 1
                )));
            }
            match typ {
                0x0200 => declared += dimensions(d)?,
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD => add(&mut cells, row, col),
                0x0006 => {
                    add(&mut cells, row, col);
                    add(&mut formulas, row, col);
                }
                0x00BD if d.len() >= 6 => {
                    let last = u16_at(d, d.len() - 2).unwrap_or(0);
                    if last < col {
                        return Err(bad(format!(
                            "a row of numbers (MULRK) at row {} runs backwards",
                            row + 1
                        )));
                    }
                    add(&mut cells, row, col);
                    add(&mut cells, row, last);
                }
                0x000A => break,
                _ => {}
            }
        }
        let area = |b: Option<(u32, u32, u32, u32)>| {
            b.map_or(0, |(r0, c0, r1, c1)| {
                u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
            })
        };
        total += area(cells) + area(formulas) + declared;
    }
    if total > XLS_CELLS {
        return Err(Failure::Limit(Limit::new(
            format!("its sheets span {total} cells (with what their DIMENSIONS records declare)"),
            format!("{XLS_CELLS} cells in an .xls; save the workbook as .xlsx"),
        )));
    }
    Ok(())
}

/// The cells a `DIMENSIONS` record makes calamine set aside.
fn dimensions(d: &[u8]) -> Result<u64, Failure> {
    let (rf, rl, mut cf, cl) = match d.len() {
        10 => (
            u16_at(d, 0).unwrap_or(0),
            u16_at(d, 2).unwrap_or(0),
            u16_at(d, 4).unwrap_or(0),
            u16_at(d, 6).unwrap_or(0),
        ),
        14 => (
            u32_at(d, 0).unwrap_or(0),
            u32_at(d, 4).unwrap_or(0),
            u16_at(d, 8).unwrap_or(0),
            u16_at(d, 10).unwrap_or(0),
        ),
        _ => return Ok(0),
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return Ok(1);
    }
    if rf > rl - 1 || cf > cl - 1 {
        return Err(bad("a sheet's DIMENSIONS record ends before it starts"));
    }
    Ok(u64::from(rl - rf) * u64::from(cl - cf))
}

/// BIFF records of a stream (type, data), continuation records folded in as calamine
/// folds them; stops at the first record cut short.
fn records(stream: &[u8]) -> impl Iterator<Item = (u32, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = u16_at(rest, 2)? as usize;
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        while u16_at(rest, 0) == Some(0x003C) {
            let l = u16_at(rest, 2)? as usize;
            rest = rest.get(4 + l..)?;
        }
        Some((typ, data))
    })
}

/// Runs calamine, turning a panic inside it into a failure.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, Failure> {
    match crate::caught::catching(f) {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(e)) => Err(bad(e)),
        Err(_) => Err(bad(
            "the .xls reader failed on a malformed record: save the workbook again as .xlsx",
        )),
    }
}

impl Xls {
    /// Checks and opens an `.xls` (the file's bytes, already read within the limit).
    pub fn open(bytes: Vec<u8>, lim: &Limits) -> Result<Xls, Failure> {
        if bytes.len() as u64 > lim.file_bytes {
            return Err(Failure::Limit(Limit::new(
                format!("the file has {} bytes", bytes.len()),
                format!("{} bytes", lim.file_bytes),
            )));
        }
        let stream = workbook_stream(&bytes)?;
        check_records(&stream)?;
        drop(stream);
        let book = guarded(|| {
            calamine::Xls::new(Cursor::new(bytes))
                .map_err(|e| format!("not a readable .xls workbook: {e}"))
        })?;
        Ok(Xls { book })
    }

    /// The sheets, in order.
    pub fn sheets(&self) -> Vec<SheetInfo> {
        self.book
            .sheets_metadata()
            .iter()
            .map(|s| SheetInfo {
                name: s.name.clone(),
                visible: s.visible == calamine::SheetVisible::Visible,
            })
            .collect()
    }

    /// One sheet's non-empty cells and merged ranges.
    pub fn read(&mut self, name: &str) -> Result<Sheet, Failure> {
        let book = &mut self.book;
        let (range, merges) = guarded(|| {
            let range = book
                .worksheet_range(name)
                .map_err(|e| format!("sheet `{name}` cannot be read: {e}"))?;
            Ok((range, book.worksheet_merge_cells(name).unwrap_or_default()))
        })?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = Vec::new();
        for (i, row) in range.rows().enumerate() {
            for (j, d) in row.iter().enumerate() {
                if !matches!(d, Data::Empty) && !matches!(d, Data::String(s) if s.is_empty()) {
                    cells.push(SheetCell {
                        row: r0 + i as u32,
                        col: c0 + j as u32,
                        value: Value::Data(d.clone()),
                    });
                }
            }
        }
        let merged = merges
            .into_iter()
            .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
            .collect();
        Ok(Sheet::new(name, cells, merged))
    }
}
