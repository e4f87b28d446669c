//! The CSV path of the dossier scan: a reader written for this one job, on all cores.
//!
//! Why not polars here: profiles of a 10⁷-row log put about 55% of the CPU in polars'
//! generic CSV path (a quote-aware line count, then tokenising, then building string
//! columns that the fold reads back as `&str`), and the issue's target (0.7× DuckDB)
//! was out of reach with it. A log has one fixed shape, so the reader does only what
//! it needs: one thread reads the file in blocks cut at record ends and counts their
//! lines; each worker checks a block's UTF-8 once, splits its records and hands the
//! fields to its own copy of the [`Visitor`]; the copies are merged at the end. Memory
//! is a few blocks in flight, whatever the file's size. Parquet still goes through
//! polars ([`super::engine`]).
//!
//! Quoting follows RFC 4180 as spreadsheet exports write it: a field that starts with
//! `"` runs to the next lone `"`, `""` inside it is one `"`, and it may hold the
//! separator or line breaks. A record's line is the physical line it starts on.

use super::pool::{fan_out, Feed, Stop, Visitor};
use super::row::{self, Fields};
use super::DossierError;
use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc;

/// Bytes read per block by default (a block grows when one record is longer).
pub const BLOCK: usize = 8 << 20;

/// How a CSV log is laid out: what the header said.
pub struct Layout<'a> {
    /// The file.
    pub path: &'a Path,
    /// The name shown in messages.
    pub shown: &'a str,
    /// `,` or `;`.
    pub separator: u8,
    /// Where the data starts (after the header line).
    pub data_start: u64,
    /// Bytes per block ([`BLOCK`]; the tests cut small logs into blocks of a few bytes,
    /// so that every cut, merge and long-record path runs).
    pub block_size: usize,
    /// For each column of the file, its slot in [`Fields::COLUMNS`] if the scan reads it.
    pub slots: Vec<Option<usize>>,
}

/// A piece of the file that starts at a record and ends after one.
struct Block {
    /// The line its first record starts on.
    line: u64,
    /// A buffer from the pool; the block is its first `len` bytes.
    bytes: Vec<u8>,
    len: usize,
    /// Whether it holds a `"` (the fast path splits at separators without looking).
    quoted: bool,
}

/// Streams every record of the log through `visitor` and returns it when done. If
/// the visitor stops (or a line cannot be read), the records before it have all been
/// seen, so the earliest problem in the file is the one reported.
pub fn scan<V: Visitor>(layout: &Layout, visitor: V) -> Result<V, DossierError> {
    // Buffers go back to the reader once read: no fresh pages to fault in per block.
    let (pool_tx, pool_rx) = mpsc::channel::<Vec<u8>>();
    fan_out(
        visitor,
        |feed| read_blocks(layout, &feed, &pool_rx),
        |block: Block, v: &mut V| {
            let stop = records(layout, &block, v);
            let _ = pool_tx.send(block.bytes);
            stop
        },
    )
}

/// A read error naming the file, and the line when known.
fn read_err(layout: &Layout, line: Option<u64>, message: impl std::fmt::Display) -> DossierError {
    match line {
        Some(l) => super::read_err(&format!("{}:{l}", layout.shown), message),
        None => super::read_err(layout.shown, message),
    }
}

/// The reading thread: blocks of about [`BLOCK`] bytes, each cut after its last whole
/// record, with the line its first record starts on.
fn read_blocks(
    layout: &Layout,
    feed: &Feed<Block>,
    pool: &mpsc::Receiver<Vec<u8>>,
) -> Result<(), DossierError> {
    let io = |e: std::io::Error| read_err(layout, None, format!("cannot read: {e}"));
    let mut file = std::fs::File::open(layout.path).map_err(io)?;
    file.seek(SeekFrom::Start(layout.data_start)).map_err(io)?;
    let size = layout.block_size.max(1);
    // The bytes after the last cut: the start of the next block's first record.
    let mut carry: Vec<u8> = Vec::new();
    let mut line = 2u64;
    loop {
        let mut buf = pool.try_recv().unwrap_or_else(|_| vec![0; size]);
        if buf.len() < size.max(carry.len() * 2) {
            buf.resize(size.max(carry.len() * 2), 0);
        }
        buf[..carry.len()].copy_from_slice(&carry);
        let mut filled = carry.len();
        let mut eof = false;
        while filled < buf.len() {
            match file.read(&mut buf[filled..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io(e)),
            }
        }
        if filled == 0 {
            return Ok(());
        }
        let data = &buf[..filled];
        let quoted = memchr::memchr(b'"', data).is_some();
        let cut = if eof {
            Some(filled)
        } else if quoted {
            quoted_records_end(data, layout.separator)
        } else {
            memchr::memrchr(b'\n', data).map(|i| i + 1)
        };
        carry.clear();
        let Some(cut) = cut.filter(|&c| c > 0) else {
            carry.extend_from_slice(data); // one record longer than the block: read on
            continue;
        };
        carry.extend_from_slice(&data[cut..]);
        let lines = memchr::memchr_iter(b'\n', &data[..cut]).count() as u64;
        let block = Block {
            line,
            bytes: buf,
            len: cut,
            quoted,
        };
        if !feed.send(block) {
            return Ok(());
        }
        line += lines;
        if eof && carry.is_empty() {
            return Ok(());
        }
    }
}

/// Where the last whole record of `bytes` ends (after its line break), reading quotes.
fn quoted_records_end(bytes: &[u8], sep: u8) -> Option<usize> {
    let mut pos = 0;
    let mut end = None;
    let mut fields = Vec::new();
    while pos < bytes.len() {
        match split_quoted(bytes, pos, sep, &mut fields) {
            Some(Split {
                next,
                terminated: true,
                ..
            }) => {
                end = Some(next);
                pos = next;
            }
            _ => break,
        }
    }
    end
}

/// One record split by [`split_quoted`].
struct Split {
    /// Where the next record starts.
    next: usize,
    /// Line breaks inside it (in quoted fields) plus its own.
    breaks: u64,
    /// Whether it ended with a line break (not the end of the text).
    terminated: bool,
}

/// Splits the record at `pos` into `fields`; None if a quoted field is not closed
/// before the end of the text. The text is split at ASCII bytes only, so valid UTF-8
/// stays valid in every field.
fn split_quoted<'a>(
    text: &'a [u8],
    pos: usize,
    sep: u8,
    fields: &mut Vec<Cow<'a, [u8]>>,
) -> Option<Split> {
    fields.clear();
    let mut i = pos;
    let mut breaks = 0;
    loop {
        // One field from i.
        let mut field: Cow<'a, [u8]>;
        if text.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            let mut owned: Option<Vec<u8>> = None;
            loop {
                let q = memchr::memchr(b'"', &text[j..])? + j;
                breaks += text[j..q].iter().filter(|&&b| b == b'\n').count() as u64;
                if text.get(q + 1) == Some(&b'"') {
                    let o = owned.get_or_insert_with(Vec::new);
                    o.extend_from_slice(&text[j..=q]);
                    j = q + 2;
                } else {
                    field = match owned {
                        Some(mut o) => {
                            o.extend_from_slice(&text[j..q]);
                            Cow::Owned(o)
                        }
                        None if j == start => Cow::Borrowed(&text[start..q]),
                        None => Cow::Owned(text[start..q].to_vec()),
                    };
                    i = q + 1;
                    break;
                }
            }
            // Text after the closing quote, up to the separator, is kept as written.
            let rest_end = text[i..]
                .iter()
                .position(|&b| b == sep || b == b'\n')
                .map_or(text.len(), |p| p + i);
            if rest_end > i {
                let mut o = field.into_owned();
                o.extend_from_slice(&text[i..rest_end]);
                field = Cow::Owned(o);
            }
            i = rest_end;
        } else {
            let end = text[i..]
                .iter()
                .position(|&b| b == sep || b == b'\n')
                .map_or(text.len(), |p| p + i);
            field = Cow::Borrowed(&text[i..end]);
            i = end;
        }
        match text.get(i) {
            Some(&b) if b == sep => {
                fields.push(field);
                i += 1;
            }
            Some(_) => {
                fields.push(strip_cr(field));
                return Some(Split {
                    next: i + 1,
                    breaks: breaks + 1,
                    terminated: true,
                });
            }
            None => {
                fields.push(strip_cr(field));
                return Some(Split {
                    next: i,
                    breaks,
                    terminated: false,
                });
            }
        }
    }
}

fn strip_cr(field: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    match field {
        Cow::Borrowed(b) => Cow::Borrowed(b.strip_suffix(b"\r").unwrap_or(b)),
        Cow::Owned(mut o) => {
            if o.last() == Some(&b'\r') {
                o.pop();
            }
            Cow::Owned(o)
        }
    }
}

/// Hands one block's records to the visitor; Some if it stopped early.
fn records<V: Visitor>(layout: &Layout, block: &Block, v: &mut V) -> Option<Stop> {
    // Checked once for the block; fields are cut at ASCII bytes, so each stays valid.
    // Bytes that are not UTF-8 end the block, after the whole records before them (an
    // earlier unusable row is still the first problem reported).
    let (whole, not_utf8) = match std::str::from_utf8(&block.bytes[..block.len]) {
        Ok(w) => (w, None),
        Err(e) => {
            let valid = &block.bytes[..e.valid_up_to()];
            let line = block.line + valid.iter().filter(|&&b| b == b'\n').count() as u64;
            let err = read_err(
                layout,
                Some(line),
                "the line is not valid UTF-8 (re-save the file as \"CSV UTF-8\")",
            );
            (std::str::from_utf8(valid).unwrap_or_default(), Some(err))
        }
    };
    let text = Text {
        layout,
        whole,
        not_utf8,
        line: block.line,
    };
    if block.quoted {
        text.quoted(v)
    } else {
        text.plain(v)
    }
}

/// A block's valid text, and the error its invalid bytes (if any) give.
struct Text<'a> {
    layout: &'a Layout<'a>,
    whole: &'a str,
    not_utf8: Option<DossierError>,
    /// The line the block's first record starts on.
    line: u64,
}

impl Text<'_> {
    fn too_many(&self, line: u64, n: usize) -> Option<Stop> {
        let columns = self.layout.slots.len();
        Some(Stop::Read(read_err(
            self.layout,
            Some(line),
            format!("this row has {n} fields but the header has {columns} columns"),
        )))
    }

    /// Records that may hold quoted fields.
    fn quoted<V: Visitor>(mut self, v: &mut V) -> Option<Stop> {
        fn text(b: &[u8]) -> &str {
            std::str::from_utf8(b).unwrap_or_default()
        }
        let bytes = self.whole.as_bytes();
        let (mut line, mut pos) = (self.line, 0);
        let mut fields = Vec::new();
        while pos < bytes.len() {
            let split = split_quoted(bytes, pos, self.layout.separator, &mut fields);
            // A record cut short by the bad bytes is not read.
            if self.not_utf8.is_some() && !split.as_ref().is_some_and(|s| s.terminated) {
                return self.not_utf8.take().map(Stop::Read);
            }
            let Some(split) = split else {
                return Some(Stop::Read(read_err(
                    self.layout,
                    Some(line),
                    "a quoted field is not closed (a `\"` is missing)",
                )));
            };
            if fields.len() > self.layout.slots.len() {
                return self.too_many(line, fields.len());
            }
            let mut values = [""; Fields::COLUMNS.len()];
            for (f, slot) in fields.iter().zip(&self.layout.slots) {
                if let Some(s) = slot {
                    values[*s] = row::trim(text(f));
                }
            }
            if deliver(v, line, values) {
                return Some(Stop::Visitor);
            }
            line += split.breaks;
            pos = split.next;
        }
        self.not_utf8.map(Stop::Read)
    }

    /// Records without quotes: fields end at a separator, records at a line break.
    fn plain<V: Visitor>(mut self, v: &mut V) -> Option<Stop> {
        let (whole, sep, slots) = (self.whole, self.layout.separator, &self.layout.slots);
        let bytes = whole.as_bytes();
        let (mut line, mut pos) = (self.line, 0);
        while pos < bytes.len() {
            let mut values = [""; Fields::COLUMNS.len()];
            let mut column = 0;
            let mut start = pos;
            let mut i = pos;
            let end = loop {
                match bytes.get(i) {
                    Some(&b) if b == sep => {
                        if let Some(Some(s)) = slots.get(column) {
                            values[*s] = row::trim(&whole[start..i]);
                        }
                        column += 1;
                        start = i + 1;
                    }
                    Some(b'\n') | None => break i,
                    Some(_) => {}
                }
                i += 1;
            };
            if end == bytes.len() {
                if let Some(e) = self.not_utf8.take() {
                    return Some(Stop::Read(e)); // the record the bad bytes are in
                }
            }
            let last = &whole[start..end];
            if let Some(Some(s)) = slots.get(column) {
                values[*s] = row::trim(last.strip_suffix('\r').unwrap_or(last));
            }
            if column >= slots.len() {
                return self.too_many(line, column + 1);
            }
            if deliver(v, line, values) {
                return Some(Stop::Visitor);
            }
            line += 1;
            pos = end + 1;
        }
        self.not_utf8.map(Stop::Read)
    }
}

/// One record to the visitor (a blank line is not a dossier); true to stop.
fn deliver<V: Visitor>(v: &mut V, line: u64, values: [&str; Fields::COLUMNS.len()]) -> bool {
    if values.iter().all(|s| s.is_empty()) {
        return false;
    }
    v.row(line, &Fields::from_values(values))
}
