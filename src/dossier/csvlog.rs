//! The CSV path of the dossier scan: a reader written for this one job, on all cores.
//!
//! Why not polars here: its generic CSV path (a quote-aware line count, then
//! tokenising, then building string columns that the fold reads back as `&str`) took
//! most of a scan's time (benches/README.md has the profiles). A log has one fixed
//! shape, so the reader does only what it needs: each worker in turn reads the next
//! block of the file into its own buffer, cut at a record's end, and counts its lines
//! ([`Reader`]); then it checks the block's UTF-8 once, splits its records and hands
//! the fields to its own copy of the [`Visitor`]; the copies are merged at the end.
//! Memory is a block per worker, whatever the file's size. Fields go to the visitor as
//! the file holds them, untrimmed ([`Fields`] says why). Parquet goes to the same
//! workers a row group at a time ([`super::parquet`]).
//!
//! Quoting follows RFC 4180 as spreadsheet exports write it, as `csv-core` (the `csv`
//! crate's tokenizer) reads it: a field that starts with `"` runs to the next lone
//! `"`, `""` inside it is one `"`, and it may hold the separator or line breaks. Blocks
//! without a `"` take a plain path that splits at separators; blocks whose quotes are
//! all regular (each opens a field or escapes one, as writers write them) are split the
//! same way at the separators outside quotes, found from the quotes' parity. Such a
//! block is cut at its last line break on a guess its worker checks while splitting
//! ([`scan`]); a log where the guess fails (a line break inside a quoted field, an
//! irregular quote) is read again with exact cuts ([`quoted_cut`]), and a block with
//! an irregular quote then goes through csv-core; an error found with no guess wrong
//! is reported from the first reading. A record's line is the physical line
//! it starts on; a record is at most [`MAX_RECORD`] bytes.

use super::pool::{pull, Stop, Visitor};
use super::row::Fields;
use super::DossierError;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use wide::u8x16;

/// Bytes read per block by default (a block grows when one record is longer): small
/// enough that the block a worker has just read is still in its core's cache as it
/// splits it (benches/README.md has the sizes measured). Memory is a block per worker.
pub const BLOCK: usize = 2 << 20;

/// The longest record read (1 MiB; a dossier's record is well under 1 KiB). A record
/// that has not ended by then is an error, so that an unclosed quote near the start of
/// a 9 GB file stops the run instead of reading the file into memory.
pub const MAX_RECORD: usize = 1 << 20;

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
    /// The file's bytes when they are already in memory ([`records_again`]), else None.
    pub text: Option<&'a [u8]>,
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
    /// Whether its quoting is regular ([`quoted_cut`]) and every quoted field closes
    /// in it: then its records split at the separators and line breaks outside quotes,
    /// 64 bytes at a time, as csv-core would split them.
    regular: bool,
    /// Whether its cut is a guess ([`guessed_cut`]) its worker checks: every quote
    /// regular, and its last line break outside quotes.
    guessed: bool,
    /// Whether it is the file's last (its last record may lack a line break).
    last: bool,
}

/// Streams every record of the log through `visitor` and returns it when done. If
/// the visitor stops (or a line cannot be read), the records before it have all been
/// seen, so the earliest problem in the file is the one reported.
///
/// A block with quotes is first cut at its last line break, on the guess that no
/// quoted field holds one there; its worker checks the guess as it splits the block
/// (the quotes' parity it computes anyway), so the reader reads no byte twice.
/// Should a block prove irregular or cut inside a quoted field, or the scan fail, the
/// scan is redone with the exact cuts ([`quoted_cut`], csv-core): the same records,
/// findings and errors either way, and a log with line breaks inside its quoted fields
/// read twice.
pub fn scan<V: Visitor>(layout: &Layout, visitor: V) -> Result<V, DossierError> {
    scan_again(layout, visitor).0
}

/// [`scan`], and whether the log was read again with exact cuts.
///
/// A guessed reading that ends in an error, with no guess found wrong, is not read
/// again: the blocks before the error's were read to their ends (the workers finish
/// every block before the first stop), so their cuts proved right, and the error's
/// block checks its own quoting before it reports a record's error
/// ([`Text::regular`]) — the error is the one exact cuts would give.
fn scan_again<V: Visitor>(layout: &Layout, visitor: V) -> (Result<V, DossierError>, bool) {
    let spare = visitor.fork();
    let shown = visitor.progress();
    let wrong = std::sync::atomic::AtomicBool::new(false);
    let guessed = scan_as(layout, visitor, Some(&wrong));
    if !wrong.load(std::sync::atomic::Ordering::Acquire) {
        return (guessed, false);
    }
    spare.rewind(shown);
    (scan_as(layout, spare, None), true)
}

/// [`scan`] with guessed cuts (`wrong`: set when a guess proves wrong) or exact ones.
fn scan_as<V: Visitor>(
    layout: &Layout,
    visitor: V,
    wrong: Option<&std::sync::atomic::AtomicBool>,
) -> Result<V, DossierError> {
    let mut reader = Reader::new(layout, wrong)?;
    pull(
        visitor,
        // A worker's buffer comes back with its next block: no fresh pages per block.
        |spent: Option<Block>| reader.next(spent.map(|b| b.bytes).unwrap_or_default()),
        |block: &Block, v: &mut V| {
            let stop = records(layout, block, v);
            if let (Some(Stop::Retry), Some(w)) = (&stop, wrong) {
                w.store(true, std::sync::atomic::Ordering::Release);
            }
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

/// A record longer than [`MAX_RECORD`].
fn too_long(layout: &Layout, line: u64) -> DossierError {
    read_err(
        layout,
        Some(line),
        format!(
            "a record runs past {} MiB without ending (is a quoted field not closed? a `\"` may be missing)",
            MAX_RECORD >> 20
        ),
    )
}

/// The log's data, after its header: the file, or the text already in memory.
fn data_of<'a>(layout: &Layout<'a>) -> std::io::Result<Box<dyn Read + Send + 'a>> {
    Ok(match layout.text {
        Some(t) => Box::new(t.get(layout.data_start as usize..).unwrap_or_default()),
        None => {
            let mut f = std::fs::File::open(layout.path)?;
            f.seek(SeekFrom::Start(layout.data_start))?;
            Box::new(f)
        }
    })
}

/// The reader: blocks of about [`BLOCK`] bytes, each cut after its last whole record,
/// with the line its first record starts on. The workers take turns at it
/// ([`pull`]): each reads its next block into its own buffer, so the block it then
/// splits is still in its core's cache.
struct Reader<'a> {
    /// The log's layout (separator, block size, where the data starts).
    layout: &'a Layout<'a>,
    /// The data after the header: the file, or the text in memory.
    file: Box<dyn Read + Send + 'a>,
    /// Set when a guessed cut proves wrong ([`scan_as`]); None: exact cuts.
    wrong: Option<&'a std::sync::atomic::AtomicBool>,
    /// The bytes after the last cut: the start of the next block's first record.
    carry: Vec<u8>,
    /// The line the next block starts on.
    line: u64,
    /// The file's end was read and cut.
    done: bool,
}

impl<'a> Reader<'a> {
    fn new(
        layout: &'a Layout<'a>,
        wrong: Option<&'a std::sync::atomic::AtomicBool>,
    ) -> Result<Reader<'a>, DossierError> {
        let file = data_of(layout).map_err(|e| io_err(layout, e))?;
        Ok(Reader {
            layout,
            file,
            wrong,
            carry: Vec::new(),
            line: 2,
            done: false,
        })
    }

    /// The next block, read into `buf` (a worker's last block's buffer, or empty);
    /// None at the end of the file.
    fn next(&mut self, mut buf: Vec<u8>) -> Result<Option<Block>, DossierError> {
        let layout = self.layout;
        let guess = self.wrong.is_some();
        let size = layout.block_size.max(1);
        while !self.done {
            let want = size.max(self.carry.len() * 2);
            if buf.len() < want {
                buf.resize(want, 0);
            }
            buf[..self.carry.len()].copy_from_slice(&self.carry);
            let mut filled = self.carry.len();
            let mut eof = false;
            while filled < buf.len() {
                match self.file.read(&mut buf[filled..]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(io_err(layout, e)),
                }
            }
            if filled == 0 {
                self.done = true;
                return Ok(None);
            }
            let data = &buf[..filled];
            let Cut {
                at: cut,
                quoted,
                regular,
            } = if guess {
                guessed_cut(data, eof)
            } else {
                cut_of(data, layout.separator, eof)
            };
            let cut = cut.unwrap_or(0);
            let lines = memchr::memchr_iter(b'\n', &data[..cut]).count() as u64;
            if filled - cut > MAX_RECORD {
                // An unclosed quote would otherwise pull the rest of the file in. On a
                // guessed cut the line may not be the record's: exact cuts say.
                if let Some(w) = self.wrong.filter(|_| quoted) {
                    w.store(true, std::sync::atomic::Ordering::Release);
                }
                return Err(too_long(layout, self.line + lines));
            }
            self.carry.clear();
            self.carry.extend_from_slice(&data[cut..]);
            if cut == 0 {
                continue; // one record longer than the block: read on
            }
            let block = Block {
                line: self.line,
                bytes: buf,
                len: cut,
                quoted,
                regular,
                guessed: guess && quoted,
                last: eof,
            };
            self.line += lines;
            self.done = eof && self.carry.is_empty();
            return Ok(Some(block));
        }
        Ok(None)
    }
}

/// A read error of the file.
fn io_err(layout: &Layout, e: std::io::Error) -> DossierError {
    read_err(layout, None, format!("cannot read: {e}"))
}

/// Where a block read ends, and how its records are to be split.
struct Cut {
    /// After its last whole record (`None`: no record ends in it).
    at: Option<usize>,
    /// Whether it holds a `"`.
    quoted: bool,
    /// Whether its quoting is regular and closed ([`Block::regular`]).
    regular: bool,
}

/// The cut of the bytes read (`eof`: the rest of the file, cut at its end).
fn cut_of(data: &[u8], sep: u8, eof: bool) -> Cut {
    let quoted = memchr::memchr(b'"', data).is_some();
    let fast = if quoted { quoted_cut(data, sep) } else { None };
    // The last block must also close every quoted field it opens.
    let regular = fast.is_some() && (!eof || memchr::memchr_iter(b'"', data).count() % 2 == 0);
    let at = if eof {
        Some(data.len())
    } else if quoted {
        match fast {
            Some(cut) => cut,
            None => quoted_records_end(data, sep),
        }
    } else {
        memchr::memrchr(b'\n', data).map(|i| i + 1)
    };
    Cut {
        at,
        quoted,
        regular,
    }
}

/// The guessed cut of the bytes read: after the last line break (the end, at the end
/// of the file), taken as the end of a record and the quoting as regular — which the
/// worker checks ([`Breaks::wrong`]).
fn guessed_cut(data: &[u8], eof: bool) -> Cut {
    let at = if eof {
        Some(data.len())
    } else {
        memchr::memrchr(b'\n', data).map(|i| i + 1)
    };
    Cut {
        at,
        quoted: memchr::memchr(b'"', data).is_some(),
        regular: true,
    }
}

/// Where the last whole record of `bytes` ends, found from the quotes' parity 64 bytes
/// at a time — or `None` when the quoting is not the regular kind for which parity is
/// exact, and the caller reads the block with [`quoted_records_end`] instead.
///
/// A line break ends a record when an even number of quotes precede it. That is what
/// `csv-core` does as long as every quote that parity says opens a quoted field stands
/// at a field's start (after a separator, a line break or the block's start) or right
/// after a closing quote (the second of an escaped `""`): a quote inside an unquoted
/// field, or after text that follows a closing quote, is a literal there, and such a
/// block falls back. (The reader finds every block's cut; csv-core alone made
/// it the slowest step for a log whose every field is quoted.)
pub fn quoted_cut(bytes: &[u8], sep: u8) -> Option<Option<usize>> {
    let (quote, sep, newline) = (u8x16::splat(b'"'), u8x16::splat(sep), u8x16::splat(b'\n'));
    let mut inside_before = 0u64; // all ones when the chunk starts inside quotes
    let mut prev_ok = 1u64; // bit 0: may a quote open at the chunk's first byte?
    let mut cut = None;
    let mut chunk = [0u8; 64];
    for (k, piece) in bytes.chunks(64).enumerate() {
        let piece: &[u8] = if piece.len() == 64 {
            piece
        } else {
            chunk.fill(0);
            chunk[..piece.len()].copy_from_slice(piece);
            &chunk
        };
        let (mut q, mut s, mut n) = (0u64, 0u64, 0u64);
        for (j, sixteen) in piece.chunks_exact(16).enumerate() {
            let v = u8x16::from(<[u8; 16]>::try_from(sixteen).unwrap_or_default());
            let at = 16 * j;
            q |= u64::from(v.cmp_eq(quote).move_mask() as u16) << at;
            s |= u64::from(v.cmp_eq(sep).move_mask() as u16) << at;
            n |= u64::from(v.cmp_eq(newline).move_mask() as u16) << at;
        }
        // Bit i of `inside`: an odd number of quotes up to and including byte i.
        let mut inside = q;
        for shift in [1, 2, 4, 8, 16, 32] {
            inside ^= inside << shift;
        }
        inside ^= inside_before;
        let opening = q & inside;
        let closing = q & !inside;
        let may_open = ((s | n | closing) << 1) | prev_ok;
        if opening & !may_open != 0 {
            return None;
        }
        let ends = n & !inside;
        if ends != 0 {
            cut = Some(64 * k + 63 - ends.leading_zeros() as usize + 1);
        }
        inside_before = if inside >> 63 == 1 { u64::MAX } else { 0 };
        prev_ok = (s | n | closing) >> 63;
    }
    Some(cut)
}

/// Where the last whole record of `bytes` ends (after its line break), reading quotes.
pub fn quoted_records_end(bytes: &[u8], sep: u8) -> Option<usize> {
    let mut splitter = Splitter::new(sep);
    let mut pos = 0;
    let mut end = None;
    while let Next::Record(split) = splitter.split(bytes, pos, false) {
        end = Some(split.next);
        pos = split.next;
    }
    end
}

/// One record split by [`Splitter::split`].
struct Split {
    /// Where the next record starts.
    next: usize,
    /// Blank lines skipped before it.
    blank: u64,
    /// Line breaks inside it (in quoted fields) plus its own.
    breaks: u64,
}

/// What follows in the text.
enum Next {
    /// A record (its fields are in the splitter).
    Record(Split),
    /// Only blank lines, or nothing.
    End,
    /// The text ends inside a record: the block goes on, or (at the end of the file)
    /// a quoted field is not closed.
    Incomplete,
}

/// Splits quoted records with `csv-core`, the tokenizer of the `csv` crate, so that
/// quoting follows a reference implementation: a field that starts with `"` runs to
/// the next lone `"`, `""` inside it is one `"`, text after the closing quote is kept,
/// and a quoted field may hold the separator or line breaks. Records end at `\n` (a
/// `\r` before it is dropped from the last field, by the caller).
struct Splitter {
    sep: u8,
    reader: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Fields of the last record.
    count: usize,
}

impl Splitter {
    fn new(sep: u8) -> Splitter {
        Splitter {
            sep,
            reader: Self::reader(sep),
            out: vec![0; 1024],
            ends: vec![0; 32],
            count: 0,
        }
    }

    fn reader(sep: u8) -> csv_core::Reader {
        let mut reader = csv_core::ReaderBuilder::new()
            .delimiter(sep)
            .terminator(csv_core::Terminator::Any(b'\n'))
            .build();
        // A first read (a blank line, skipped) marks the reader as started, so that it
        // never strips a byte-order mark from a record: the header had the file's.
        let _ = reader.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        reader
    }

    /// The fields of the last record, as bytes.
    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends[..self.count].iter().map(move |&end| {
            let f = &self.out[start..end];
            start = end;
            f
        })
    }

    /// Splits the record at `pos`, after any blank lines. `at_end`: the text is the
    /// end of the file, so a last record may end without a line break.
    fn split(&mut self, text: &[u8], pos: usize, at_end: bool) -> Next {
        let blank = text[pos..].iter().take_while(|&&b| b == b'\n').count();
        let start = pos + blank;
        if start == text.len() {
            return Next::End;
        }
        let mut input = &text[start..];
        let (mut used, mut nout, mut nend) = (0, 0, 0);
        let mut closing = false;
        loop {
            let (res, nin, o, e) =
                self.reader
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            input = &input[nin..];
            if !closing {
                used += nin;
            }
            nout += o;
            nend += e;
            match res {
                csv_core::ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    self.count = nend;
                    let next = start + used;
                    let breaks = memchr::memchr_iter(b'\n', &text[start..next]).count() as u64;
                    return Next::Record(Split {
                        next,
                        blank: blank as u64,
                        breaks,
                    });
                }
                csv_core::ReadRecordResult::InputEmpty if input.is_empty() => {
                    if !at_end || closing {
                        self.reader = Self::reader(self.sep);
                        return Next::Incomplete;
                    }
                    // The file ends without a line break: one ends the record, unless
                    // a quoted field is still open (then it is swallowed by the field).
                    closing = true;
                    input = b"\n";
                }
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::End => return Next::End,
            }
        }
    }
}

/// Hands one block's records to the visitor; Some if it stopped early.
fn records<V: Visitor>(layout: &Layout, block: &Block, v: &mut V) -> Option<Stop> {
    if !layout.separator.is_ascii() {
        // Fields are cut next to the separators without looking for a letter's end
        // ([`cut`]): a byte of a multi-byte letter would cut inside it.
        let e = read_err(layout, None, "the separator is not an ASCII character");
        return Some(Stop::Read(e));
    }
    // Checked once for the block; fields are cut at ASCII bytes, so each stays valid.
    // Bytes that are not UTF-8 end the block, after the whole records before them (an
    // earlier unusable row is still the first problem reported).
    // simdutf8 checks 32 or 64 bytes at a time on any text (the standard check
    // slows to a byte at a time past the first letter with a diacritic: a tenth of a
    // Vietnamese log's scan); on bad bytes the standard check says where.
    let bytes = &block.bytes[..block.len];
    let checked = match simdutf8::basic::from_utf8(bytes) {
        Ok(w) => Ok(w),
        Err(_) => std::str::from_utf8(bytes),
    };
    let (whole, not_utf8) = match checked {
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
    if block.quoted && !block.regular {
        text.quoted(v, block.last)
    } else if block.quoted {
        text.regular_counted(v, block.guessed)
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
    /// The error of a record `len` bytes long with `fields` fields, on `line`, if it
    /// has one: longer than [`MAX_RECORD`], or more fields than the header's columns.
    fn record_error(&self, line: u64, len: usize, fields: usize) -> Option<Stop> {
        if len > MAX_RECORD {
            Some(Stop::Read(too_long(self.layout, line)))
        } else if fields > self.layout.slots.len() {
            self.too_many(line, fields)
        } else {
            None
        }
    }

    fn too_many(&self, line: u64, n: usize) -> Option<Stop> {
        let columns = self.layout.slots.len();
        Some(Stop::Read(read_err(
            self.layout,
            Some(line),
            format!("this row has {n} fields but the header has {columns} columns"),
        )))
    }

    /// Records that may hold quoted fields.
    fn quoted<V: Visitor>(mut self, v: &mut V, at_end: bool) -> Option<Stop> {
        fn text(b: &[u8]) -> &str {
            std::str::from_utf8(b).unwrap_or_default()
        }
        let bytes = self.whole.as_bytes();
        let (mut line, mut pos) = (self.line, 0);
        let mut splitter = Splitter::new(self.layout.separator);
        // Bytes that are not UTF-8 cut the text short: its last record is not whole.
        let at_end = at_end && self.not_utf8.is_none();
        while pos < bytes.len() {
            let split = match splitter.split(bytes, pos, at_end) {
                Next::Record(split) => split,
                Next::End => break,
                Next::Incomplete if self.not_utf8.is_some() => {
                    return self.not_utf8.take().map(Stop::Read);
                }
                Next::Incomplete => {
                    let at = line + bytes[pos..].iter().take_while(|&&b| b == b'\n').count() as u64;
                    return Some(Stop::Read(read_err(
                        self.layout,
                        Some(at),
                        "a quoted field is not closed (a `\"` is missing)",
                    )));
                }
            };
            line += split.blank;
            if split.next - pos - split.blank as usize > MAX_RECORD {
                return Some(Stop::Read(too_long(self.layout, line)));
            }
            let count = splitter.count;
            if count > self.layout.slots.len() {
                return self.too_many(line, count);
            }
            let mut values = [""; Fields::COLUMNS.len()];
            for (i, (f, slot)) in splitter.fields().zip(&self.layout.slots).enumerate() {
                if let Some(s) = slot {
                    let f = if i + 1 == count {
                        f.strip_suffix(b"\r").unwrap_or(f)
                    } else {
                        f
                    };
                    values[*s] = text(f);
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

    /// Records without quotes: fields end at a separator, records at a line break,
    /// found for the whole block by [`Breaks`]. With `PEEK` ([`Visitor::peeking`]) a
    /// record is delivered once the next one is split and its unit handed to the
    /// visitor ([`Visitor::peek`]), so that where that unit's slot is found is fetched
    /// while the record before it is counted; without, at once.
    fn plain<V: Visitor>(self, v: &mut V) -> Option<Stop> {
        if v.peeking() {
            self.plain_as::<V, true>(v)
        } else {
            self.plain_as::<V, false>(v)
        }
    }

    /// [`Text::plain`], peeking at the next record's unit or not.
    fn plain_as<V: Visitor, const PEEK: bool>(mut self, v: &mut V) -> Option<Stop> {
        let (whole, sep) = (self.whole, self.layout.separator);
        let bytes = whole.as_bytes();
        // Each column's slot in the fields (one past them for a column not read).
        let place: Vec<usize> = (self.layout.slots.iter())
            .map(|s| s.unwrap_or(Fields::COLUMNS.len()))
            .collect();
        // Every record's fields are written over those of the last record but one (the
        // last one, without peeking; a short record empties the ones it lacks): no
        // array to clear or copy per record.
        let mut two = [Fields::default(), Fields::default()];
        let mut pending = Pending::<PEEK>::default();
        let mut breaks = Breaks::new(bytes, sep, false, false);
        let mut line = self.line;
        let mut record = 0;
        while record < bytes.len() {
            let fields = &mut two[pending.slot()];
            let (mut column, mut start) = (0, record);
            // The end of the record: a line break, or the end of the text.
            let end = loop {
                match breaks.next() {
                    Some(i) if bytes[i] == sep => {
                        if let Some(f) = place.get(column).and_then(|&p| fields.values.get_mut(p)) {
                            *f = cut(whole, start, i);
                        }
                        column += 1;
                        start = i + 1;
                    }
                    Some(i) => break i,
                    None => break bytes.len(),
                }
            };
            // Too long first, then the bad bytes' record, then too many fields.
            let stop =
                if end == bytes.len() && self.not_utf8.is_some() && end - record <= MAX_RECORD {
                    self.not_utf8.take().map(Stop::Read) // the record the bad bytes are in
                } else {
                    self.record_error(line, end - record, column + 1)
                };
            if stop.is_some() {
                return pending.flush(v, &two).or(stop);
            }
            let last = cut(whole, start, end);
            let mut last = last.strip_suffix('\r').unwrap_or(last);
            for &p in &place[column..] {
                if let Some(f) = fields.values.get_mut(p) {
                    *f = last; // then "" for each column a short record lacks
                }
                last = "";
            }
            if pending.push(v, &two, line) {
                return Some(Stop::Visitor);
            }
            line += 1;
            record = end + 1;
        }
        pending.flush(v, &two).or(self.not_utf8.map(Stop::Read))
    }
}

/// The record a CSV block has split but not yet delivered, when it peeks at the next
/// record's unit ([`Text::plain`], [`Text::regular`]): which of two field arrays holds
/// it, and its line. Without `PEEK` a record is delivered as soon as it is split, from
/// the first array.
#[derive(Default)]
struct Pending<const PEEK: bool> {
    /// The array the next record is split into (the other one holds this record).
    next: usize,
    /// The record's line; None when there is no record to deliver.
    held: Option<u64>,
}

impl<const PEEK: bool> Pending<PEEK> {
    /// The array the next record is split into.
    #[inline(always)]
    fn slot(&self) -> usize {
        if PEEK {
            self.next
        } else {
            0
        }
    }

    /// The record just split into `two[self.slot()]` (on `line`): delivered, or
    /// with `PEEK` held, its unit peeked at, and the one held before delivered. True
    /// to stop (a blank line is not a dossier).
    #[inline(always)]
    fn push<V: Visitor>(&mut self, v: &mut V, two: &[Fields; 2], line: u64) -> bool {
        let fields = &two[self.slot()];
        let blank = fields.blank();
        if !PEEK {
            return !blank && v.row(line, fields);
        }
        if !blank {
            v.peek(super::row::trim(fields.values[super::row::slot::unit_id]));
        }
        let stop = self.flush(v, two).is_some();
        self.held = (!blank).then_some(line);
        self.next ^= 1;
        stop
    }

    /// Delivers the held record, if any: before a stop, an error or the text's end.
    #[inline(always)]
    fn flush<V: Visitor>(&mut self, v: &mut V, two: &[Fields; 2]) -> Option<Stop> {
        let line = self.held.take()?;
        v.row(line, &two[self.next ^ 1]).then_some(Stop::Visitor)
    }
}

impl Text<'_> {
    /// [`Text::regular`], compiled for the processor's newer instructions where it has
    /// them. The path counts each field's quotes in bit masks, where the portable bit
    /// count is a dozen instructions (a tenth of a quoted log's scan); AVX2 and BMI
    /// shorten the masks' and the fields' code by 3–4% more (benches/README.md). An
    /// office computer with a Pentium or a Celeron of before 2020 has the bit count
    /// but not AVX2.
    fn regular_counted<V: Visitor>(self, v: &mut V, guessed: bool) -> Option<Stop> {
        if v.peeking() {
            self.regular_as::<V, true>(v, guessed)
        } else {
            self.regular_as::<V, false>(v, guessed)
        }
    }

    /// [`Text::regular_counted`], peeking at the next record's unit or not.
    fn regular_as<V: Visitor, const PEEK: bool>(self, v: &mut V, guessed: bool) -> Option<Stop> {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("popcnt") && has!("avx2") && has!("bmi1") && has!("bmi2") {
                // SAFETY: the processor has the instructions: checked just above.
                return unsafe { self.regular_fast::<V, PEEK>(v, guessed) };
            }
            if has!("popcnt") {
                // SAFETY: the processor has the instruction: checked just above.
                return unsafe { self.regular_popcnt::<V, PEEK>(v, guessed) };
            }
        }
        self.regular::<V, PEEK>(v, guessed)
    }

    /// [`Text::regular`] compiled with AVX2, BMI and `popcnt` (inlined here).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt,avx2,bmi1,bmi2")]
    fn regular_fast<V: Visitor, const PEEK: bool>(self, v: &mut V, guessed: bool) -> Option<Stop> {
        self.regular::<V, PEEK>(v, guessed)
    }

    /// [`Text::regular`] compiled with the `popcnt` instruction (inlined here).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    fn regular_popcnt<V: Visitor, const PEEK: bool>(
        self,
        v: &mut V,
        guessed: bool,
    ) -> Option<Stop> {
        self.regular::<V, PEEK>(v, guessed)
    }

    /// Regularly quoted records ([`Block::regular`]): split at the separators and line
    /// breaks outside quotes, written over earlier records' fields and delivered (with
    /// `PEEK`, one record late) as the plain path does; a field `"…"` loses its quotes
    /// (borrowed from the text). A record with an odd quote ([`Breaks`]: `""` inside a
    /// quoted field, or text after one) in a column the scan reads is the rare one:
    /// its fields are unescaped into a buffer ([`Text::escaped`], delivered at once,
    /// after the record held back); in a column not read (a note with `""` on every
    /// row) it costs a look at its column, counted from the masks. Line breaks inside
    /// quotes are counted from the masks too, not by a second pass over the record.
    ///
    /// `guessed`: the block's cut is a guess; a quote that is not regular, or a last
    /// line break inside quotes, stops it with [`Stop::Retry`] before the record it is
    /// in is delivered or its errors reported.
    #[inline(always)]
    fn regular<V: Visitor, const PEEK: bool>(mut self, v: &mut V, guessed: bool) -> Option<Stop> {
        let (whole, sep) = (self.whole, self.layout.separator);
        let bytes = whole.as_bytes();
        // Each column's slot in the fields (one past them for a column not read).
        let place: Vec<usize> = (self.layout.slots.iter())
            .map(|s| s.unwrap_or(Fields::COLUMNS.len()))
            .collect();
        let mut two = [Fields::default(), Fields::default()];
        let mut pending = Pending::<PEEK>::default();
        let mut breaks = Breaks::new(bytes, sep, true, self.not_utf8.is_some());
        let mut line = self.line;
        let (mut record, mut inner_before) = (0, 0);
        while record < bytes.len() {
            let fields = &mut two[pending.slot()];
            let (mut column, mut start) = (0, record);
            let first = breaks.breaks_before(record);
            let end = loop {
                match breaks.next() {
                    Some(i) if bytes[i] == sep => {
                        if let Some(f) = place.get(column).and_then(|&p| fields.values.get_mut(p)) {
                            *f = regular_field(whole, start, i);
                        }
                        column += 1;
                        start = i + 1;
                    }
                    Some(i) => break i,
                    None => break bytes.len(),
                }
            };
            // Bytes that are not UTF-8 end the text (inside quotes, maybe): their line
            // counts every line break before them, whatever the cuts.
            if end == bytes.len() && self.not_utf8.is_some() {
                return pending
                    .flush(v, &two)
                    .or(self.not_utf8.take().map(Stop::Read));
            }
            // A wrong guess before the record's errors (and the held record: the scan
            // is redone, all of it): they are then not the file's.
            if guessed && breaks.wrong {
                return Some(Stop::Retry);
            }
            let error = self.record_error(line, end - record, column + 1);
            if error.is_some() {
                return pending.flush(v, &two).or(error);
            }
            let mut last = last_field(whole, start, end);
            for &p in &place[column..] {
                if let Some(f) = fields.values.get_mut(p) {
                    *f = last; // then "" for each column a short record lacks
                }
                last = "";
            }
            // An odd quote in a read field: the record is unquoted byte by byte. One
            // in a column not read changes nothing.
            let escaped = breaks.odd_read(first, end, |column| {
                place
                    .get(column)
                    .is_some_and(|&p| p < Fields::COLUMNS.len())
            });
            let stop = if escaped {
                pending.flush(v, &two).is_some() || self.escaped(v, line, &whole[record..end])
            } else {
                pending.push(v, &two, line)
            };
            if stop {
                return Some(Stop::Visitor);
            }
            let inner_now = breaks.inner_before(end);
            line += inner_now - inner_before + 1;
            inner_before = inner_now;
            record = end + 1;
        }
        pending.flush(v, &two).or(self.not_utf8.map(Stop::Read))
    }

    /// A regular record with an odd quote in a read field (`""` inside a quoted field,
    /// or text after its closing quote): split at the separators
    /// outside quotes (the quotes' parity, as [`Breaks`] reads it), each read field
    /// unquoted into one buffer, then delivered. True to stop.
    fn escaped<V: Visitor>(&self, v: &mut V, line: u64, record: &str) -> bool {
        let (sep, slots) = (self.layout.separator, &self.layout.slots);
        let mut ranges = Vec::with_capacity(slots.len());
        let (mut inside, mut start) = (false, 0);
        for (i, &c) in record.as_bytes().iter().enumerate() {
            if c == b'"' {
                inside = !inside;
            } else if c == sep && !inside {
                ranges.push((start, i));
                start = i + 1;
            }
        }
        let b = if record.ends_with('\r') {
            record.len() - 1
        } else {
            record.len()
        };
        ranges.push((start, b));
        let mut buf = String::new();
        let mut places = [(0usize, 0usize); Fields::COLUMNS.len()];
        for (&(a, b), slot) in ranges.iter().zip(slots) {
            let Some(s) = slot else { continue };
            let at = buf.len();
            match unquote(&record[a..b]) {
                Unquoted::Slice(x, y) => buf.push_str(&record[a + x..a + y]),
                Unquoted::Owned(text) => buf.push_str(&text),
            }
            places[*s] = (at, buf.len());
        }
        let mut values = [""; Fields::COLUMNS.len()];
        for (value, &(a, b)) in values.iter_mut().zip(&places) {
            *value = &buf[a..b];
        }
        if let Some(Some(s)) = slots.get(ranges.len() - 1) {
            values[*s] = values[*s].strip_suffix('\r').unwrap_or(values[*s]);
        }
        deliver(v, line, values)
    }
}

/// A field's text without its quotes: a range of it, or a copy when `""` is inside.
enum Unquoted {
    Slice(usize, usize),
    Owned(String),
}

/// A field of a regular record whose quotes are all at its ends: `"…"` without its
/// quotes, any other field as it is. (A field with an odd quote, which [`Breaks`]
/// finds, is not read right so: [`Text::regular`] then unquotes its record again.)
#[inline(always)]
fn regular_field(whole: &str, start: usize, end: usize) -> &str {
    let b = whole.as_bytes();
    let quoted = end > start + 1 && b[start] == b'"' && b[end - 1] == b'"';
    if quoted {
        cut(whole, start + 1, end - 1)
    } else {
        cut(whole, start, end)
    }
}

/// `whole[a..b]` without the check that `a` and `b` fall between letters, which was a
/// tenth of a quoted log's scan. The callers cut at 0, at the text's end, and next to
/// the ASCII bytes the masks find (separators, line breaks, `"`, `\r`): a position
/// holding an ASCII byte, or right after one, starts a letter, as UTF-8 never has an
/// ASCII byte inside a multi-byte letter. [`records`] refuses a separator that is not
/// ASCII. Out of bounds or reversed gives "".
#[inline(always)]
fn cut(whole: &str, a: usize, b: usize) -> &str {
    debug_assert!(whole.is_char_boundary(a) && whole.is_char_boundary(b));
    if a <= b && b <= whole.len() {
        // SAFETY: a <= b <= len (just checked); both are letter boundaries (above).
        unsafe { whole.get_unchecked(a..b) }
    } else {
        ""
    }
}

/// A regular record's last field, before its line break, as [`regular_field`]: a `\r`
/// before the line break goes before unquoting, and one left after it too (`"a"\r` is
/// `a`), as csv-core's caller does.
#[inline(always)]
fn last_field(whole: &str, start: usize, end: usize) -> &str {
    let b = whole.as_bytes();
    let end = if end > start && b[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    let last = regular_field(whole, start, end);
    last.strip_suffix('\r').unwrap_or(last)
}

/// What csv-core makes of a field of a regular block: a field that does not start with
/// `"` as it is; else the quotes dropped, `""` inside them read as one `"`, and text
/// after the closing quote kept.
fn unquote(field: &str) -> Unquoted {
    let b = field.as_bytes();
    if b.first() != Some(&b'"') {
        return Unquoted::Slice(0, b.len());
    }
    // The usual case: `"…"` with no quote inside.
    // (Fields are short: a loop beats memchr's set-up.)
    if b.len() >= 2 && b[b.len() - 1] == b'"' && !b[1..b.len() - 1].contains(&b'"') {
        return Unquoted::Slice(1, b.len() - 1);
    }
    let mut out = String::with_capacity(b.len());
    let mut inside = false;
    let mut rest = field;
    while let Some(i) = rest.find('"') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if inside && after.starts_with('"') {
            out.push('"');
            rest = &after[1..];
        } else {
            inside = !inside;
            rest = after;
        }
    }
    out.push_str(rest);
    Unquoted::Owned(out)
}

/// The positions of every separator and line break of a text, in order: 64 bytes at a
/// time are compared as four 16-byte vectors into one bit mask, whose set bits are the
/// positions. (A `memchr2` search restarts for each field, and a row has many short
/// ones.)
struct Breaks<'a> {
    bytes: &'a [u8],
    sep: u8x16,
    newline: u8x16,
    /// Whether to leave out the separators and line breaks inside quotes.
    quoted: bool,
    /// All ones when the next 64 bytes start inside quotes.
    inside: u64,
    /// The start of the 64 bytes `mask` covers.
    base: usize,
    /// The positions in them not yet given, as bits.
    mask: u64,
    /// With quotes: the line breaks inside quotes in the 64 bytes from `base`, as bits.
    inner: u64,
    /// With quotes: the line breaks inside quotes before `base`.
    inner_counted: u64,
    /// With quotes: where the odd quotes are, in order, from the record being read to
    /// the end of the 64 bytes from `base` — closing quotes not followed by a
    /// separator, a line break (`\r\n` too) or the text's end: the `""` inside a quoted
    /// field, or text after its closing quote — each with the number of separators
    /// and line breaks (outside quotes) before it in the text, which says its column.
    odd: Vec<(usize, u64)>,
    /// With quotes: how many of `odd` are already looked at (dropped in bulk, not one
    /// record's at a time: that moved the rest of the list on every record).
    odd_seen: usize,
    /// With quotes: the separators and line breaks outside quotes in the 64 bytes from
    /// `base` (each one field's end), as bits.
    outside: u64,
    /// With quotes: the separators and line breaks outside quotes before `base`.
    outside_counted: u64,
    /// With quotes: bit 0 set when a quote may open a field at the next 64 bytes'
    /// first byte (the previous byte ended a field, or closed a quoted one).
    may_open: u64,
    /// With quotes: a quote is not regular ([`quoted_cut`]'s rule), or the text ends
    /// inside quotes — the bytes so far do not split as csv-core would split them.
    wrong: bool,
    /// The text stops early, at bytes that are not UTF-8: its end is not the block's,
    /// and may fall inside quotes without the cut being wrong.
    cut_short: bool,
}

impl<'a> Breaks<'a> {
    fn new(bytes: &'a [u8], sep: u8, quoted: bool, cut_short: bool) -> Breaks<'a> {
        let mut b = Breaks {
            bytes,
            sep: u8x16::splat(sep),
            newline: u8x16::splat(b'\n'),
            quoted,
            inside: 0,
            base: 0,
            mask: 0,
            inner: 0,
            inner_counted: 0,
            odd: Vec::new(),
            odd_seen: 0,
            outside: 0,
            outside_counted: 0,
            may_open: 1,
            wrong: false,
            cut_short,
        };
        b.mask = b.mask_at(0);
        b
    }

    /// The bit mask of the 64 bytes from `at` (fewer at the end of the text). Called
    /// for each 64 bytes in order: with quotes, it carries whether they end inside.
    #[inline(always)]
    fn mask_at(&mut self, at: usize) -> u64 {
        let rest = &self.bytes[at.min(self.bytes.len())..];
        if self.quoted {
            return self.outside_quotes(rest, at);
        }
        if rest.len() < 64 {
            let sep = self.sep.to_array()[0];
            return rest
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == sep || b == b'\n')
                .fold(0, |m, (k, _)| m | 1 << k);
        }
        let mut mask = 0u64;
        for (k, piece) in rest[..64].chunks_exact(16).enumerate() {
            let v = u8x16::from(<[u8; 16]>::try_from(piece).unwrap_or_default());
            let hits = v.cmp_eq(self.sep) | v.cmp_eq(self.newline);
            mask |= u64::from(hits.move_mask() as u16) << (16 * k);
        }
        mask
    }
}

impl Breaks<'_> {
    /// The separators and line breaks of the 64 bytes `rest` starts with that are
    /// outside quotes (an odd number of quotes before a byte puts it inside).
    #[inline(always)]
    fn outside_quotes(&mut self, rest: &[u8], at: usize) -> u64 {
        let mut chunk = [0u8; 64];
        let n = rest.len().min(64);
        let bytes: &[u8] = if n == 64 {
            &rest[..64]
        } else {
            chunk[..n].copy_from_slice(rest);
            &chunk
        };
        let (quote, cr) = (u8x16::splat(b'"'), u8x16::splat(b'\r'));
        let (mut q, mut hits, mut newlines, mut crs) = (0u64, 0u64, 0u64, 0u64);
        for (k, piece) in bytes.chunks_exact(16).enumerate() {
            let v = u8x16::from(<[u8; 16]>::try_from(piece).unwrap_or_default());
            let nl = v.cmp_eq(self.newline);
            hits |= u64::from((v.cmp_eq(self.sep) | nl).move_mask() as u16) << (16 * k);
            newlines |= u64::from(nl.move_mask() as u16) << (16 * k);
            q |= u64::from(v.cmp_eq(quote).move_mask() as u16) << (16 * k);
            crs |= u64::from(v.cmp_eq(cr).move_mask() as u16) << (16 * k);
        }
        let mut inside = q;
        for shift in [1, 2, 4, 8, 16, 32] {
            inside ^= inside << shift;
        }
        inside ^= self.inside;
        self.inside = if inside >> 63 == 1 { u64::MAX } else { 0 };
        let keep = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        // The regularity of the quotes, as quoted_cut checks it: a quote that opens a
        // field stands at its start, or right after a closing quote.
        let ends = hits | (q & !inside);
        let opening = q & inside & keep;
        self.wrong |= opening & !((ends << 1) | self.may_open) != 0;
        self.may_open = ends >> 63;
        self.wrong |= rest.len() <= 64 && self.inside != 0 && !self.cut_short;
        self.inner = newlines & inside & keep;
        let outside = hits & !inside & keep;
        let mut odd = q & !inside & keep & !self.field_ends(rest, n, hits, newlines, crs);
        while odd != 0 {
            // Those before these 64 bytes are counted when they are read.
            let k = odd.trailing_zeros();
            let below = outside & ((1u64 << k) - 1);
            let before = self.outside_counted + u64::from(below.count_ones());
            self.odd.push((at + k as usize, before));
            odd &= odd - 1;
        }
        self.outside = outside;
        outside
    }

    /// The bytes of the 64 that `rest` starts with (`n` of them in the text) after
    /// which a field ends: a separator or a line break follows (`hits`, `newlines`),
    /// or `\r\n` (`crs`), or the text ends.
    #[inline(always)]
    fn field_ends(&self, rest: &[u8], n: usize, hits: u64, newlines: u64, crs: u64) -> u64 {
        let sep = self.sep.to_array()[0];
        let (b64, b65) = (rest.get(64).copied(), rest.get(65).copied());
        let crlf = crs & ((newlines >> 1) | u64::from(b64 == Some(b'\n')) << 63);
        let last = match b64 {
            None => true,
            Some(b) => b == sep || b == b'\n' || (b == b'\r' && b65 == Some(b'\n')),
        };
        let ends = (hits | crlf) >> 1 | u64::from(last) << 63;
        match n {
            1..64 => ends | 1 << (n - 1),
            _ => ends,
        }
    }

    /// The bits of `bits` (a mask of the 64 bytes from `base`) before `at`, added to
    /// `counted` (those before `base`): `at` is a position the iterator has just given
    /// (or the one after it), or the end of the text once it has given `None`.
    #[inline(always)]
    fn before(&self, at: usize, bits: u64, counted: u64) -> u64 {
        let below = match at.checked_sub(self.base) {
            Some(k) if k < 64 => bits & ((1u64 << k) - 1),
            Some(_) => bits,
            None => 0,
        };
        counted + u64::from(below.count_ones())
    }

    /// Whether an odd quote of a record is in a column `read` says is read: the record
    /// starts after the first `first` separators and line breaks outside quotes, and
    /// ends at `end` (a position the iterator has just given, or the text's end). The
    /// odd quotes before `end` are then dropped.
    #[inline(always)]
    fn odd_read(&mut self, first: u64, end: usize, read: impl Fn(usize) -> bool) -> bool {
        let pending = self.odd.get(self.odd_seen..).unwrap_or_default();
        if pending.is_empty() {
            return false;
        }
        let n = pending.partition_point(|&(p, _)| p < end);
        let hit = (pending[..n].iter())
            .any(|&(_, before)| before.checked_sub(first).is_some_and(|c| read(c as usize)));
        self.odd_seen += n;
        if self.odd_seen == self.odd.len() {
            self.odd.clear();
            self.odd_seen = 0;
        } else if self.odd_seen >= 64 {
            self.odd.drain(..self.odd_seen);
            self.odd_seen = 0;
        }
        hit
    }

    /// The separators and line breaks outside quotes before `at`, the start of a
    /// record (right after a line break the iterator has just given, or the text's
    /// start).
    #[inline(always)]
    fn breaks_before(&self, at: usize) -> u64 {
        self.before(at, self.outside, self.outside_counted)
    }

    /// The line breaks inside quotes before `at`, a position the iterator has just
    /// given (or the end of the text, once it has given `None`).
    #[inline(always)]
    fn inner_before(&self, at: usize) -> u64 {
        self.before(at, self.inner, self.inner_counted)
    }
}

impl Iterator for Breaks<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.inner_counted += u64::from(self.inner.count_ones());
            self.outside_counted += u64::from(self.outside.count_ones());
            (self.inner, self.outside) = (0, 0);
            self.base += 64;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.mask = self.mask_at(self.base);
        }
        let i = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(i)
    }
}

/// One record to the visitor (a blank line is not a dossier); true to stop. Values
/// go as they are in the file ([`Fields`] says why they are not trimmed here).
fn deliver<V: Visitor>(v: &mut V, line: u64, values: [&str; Fields::COLUMNS.len()]) -> bool {
    let fields = Fields::from_values(values);
    !fields.blank() && v.row(line, &fields)
}

/// Every record of a text: (line, fields).
pub type Records = Vec<(u64, Vec<String>)>;

/// Every record of a CSV text as the scan delivers it, cut into blocks of
/// `block_size` bytes: (line, its first 13 fields trimmed), in file order, and whether
/// the text was read again with exact cuts (a guessed cut proved wrong) — for the fuzz
/// target and the tests that compare this reader with the `csv` crate. The text has no
/// header; its first line is numbered 2, as under a header. `peek`: the visitor asks
/// the reader to peek at each next record's unit ([`Visitor::peeking`]), which
/// delivers every record one record late.
pub fn records_again(
    text: &[u8],
    separator: u8,
    block_size: usize,
    peek: bool,
) -> (Result<Records, DossierError>, bool) {
    struct Collect(Vec<(u64, Vec<String>)>, bool);
    impl Visitor for Collect {
        fn row(&mut self, line: u64, f: &Fields) -> bool {
            let v = f.trimmed().values;
            self.0
                .push((line, v.iter().map(|s| s.to_string()).collect()));
            false
        }
        fn peeking(&self) -> bool {
            self.1
        }
        fn fork(&self) -> Collect {
            Collect(Vec::new(), self.1)
        }
        fn merge(&mut self, other: Collect) {
            self.0.extend(other.0);
        }
    }
    let layout = Layout {
        path: Path::new("text"),
        shown: "text",
        separator,
        data_start: 0,
        block_size,
        slots: (0..Fields::COLUMNS.len()).map(Some).collect(),
        text: Some(text),
    };
    let (read, again) = scan_again(&layout, Collect(Vec::new(), peek));
    let rows = read.map(|Collect(mut rows, _)| {
        rows.sort_by_key(|r| r.0);
        rows
    });
    (rows, again)
}
