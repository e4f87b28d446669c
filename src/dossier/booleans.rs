//! Boolean columns of a typed log, decoded by cchc itself (#28).
//!
//! polars decodes a nullable boolean page one run of valid or null values at a time.
//! A dossier log's flags (paid online, digitised, electronic result) are null where
//! the question does not arise, in no order, so a run ends every row or two: that was
//! the largest decoding cost left after snappy (8–9% of a typed scan). A boolean chunk
//! is simple: per page, the definition levels (one bit a row, in the RLE/bit-packed
//! hybrid) and then the non-null values (one bit each, PLAIN). This reads such a chunk
//! into one byte a row: 0, 1 or [`NULL`].
//!
//! Only that form is taken: PLAIN values, no dictionary, no repetition, at most one
//! definition level. Any other chunk (or one that changes form part way) is left to
//! polars, whole. Every length comes from the file, so each is checked before it is
//! used to allocate or to slice: a page's values against the rows left in the group,
//! its stated size against a bound for its values (before decompression allocates
//! it), its levels' length against its bytes, each run against the values left.

use polars_buffer::Buffer;
use polars_parquet::parquet::compression::{Compression, DecompressionContext};
use polars_parquet::parquet::metadata::ColumnChunkMetadata;
use polars_parquet::parquet::page::{
    CompressedDataPage, CompressedPage, DataPageHeader, FormatEncoding, Page,
};
use polars_parquet::parquet::read::{decompress, PageReader};
use polars_parquet::parquet::schema::types::PhysicalType;
use std::io::Cursor;

/// A row's byte for a null.
pub const NULL: u8 = 2;

/// The bytes a page of `n` boolean values may take once decompressed: the levels'
/// length prefix, levels of at most 2 bytes a row (an RLE run of one, the worst a
/// writer does) and a bit a value, with room to spare.
fn page_bound(n: usize) -> usize {
    4 * n + 64
}

/// What reading a chunk came to: its rows' bytes, or not this form (polars reads it).
enum Read {
    Rows(Vec<u8>),
    OtherForm,
}

/// The chunk's rows, one byte each (0, 1 or [`NULL`]); `None` when it is not in the
/// one form this reads; an error naming what is wrong when it is, but broken. `rows`
/// is the group's, bounded when the footer was read.
pub fn decode(
    chunk: &ColumnChunkMetadata,
    bytes: &Buffer<u8>,
    rows: usize,
) -> Option<Result<Vec<u8>, String>> {
    let leaf = &chunk.descriptor().descriptor;
    let levels = leaf.max_def_level;
    if chunk.physical_type() != PhysicalType::Boolean
        || leaf.max_rep_level != 0
        || !(0..=1).contains(&levels)
    {
        return None;
    }
    match read(chunk, bytes, rows, levels == 1) {
        Ok(Read::Rows(out)) => Some(Ok(out)),
        Ok(Read::OtherForm) => None,
        Err(e) => Some(Err(e)),
    }
}

/// [`decode`]'s pages in turn.
fn read(
    chunk: &ColumnChunkMetadata,
    bytes: &Buffer<u8>,
    rows: usize,
    nullable: bool,
) -> Result<Read, String> {
    // A page is never larger than its chunk: that bounds what a header may claim.
    let mut pages = PageReader::new(Cursor::new(bytes.clone()), chunk, vec![], bytes.len());
    match pages.read_dict() {
        Ok(None) => {}
        Ok(Some(_)) => return Ok(Read::OtherForm),
        Err(e) => return Err(e.to_string()),
    }
    let mut out = Vec::with_capacity(rows);
    let mut scratch = (Vec::new(), DecompressionContext::Unset);
    for page in pages {
        let page = match page.map_err(|e| e.to_string())? {
            CompressedPage::Data(d) => d,
            CompressedPage::Dict(_) => return Ok(Read::OtherForm),
        };
        if !in_form(page.header(), nullable) {
            return Ok(Read::OtherForm);
        }
        let left = rows - out.len();
        data_page(page, nullable, left, &mut scratch, &mut out)?;
    }
    if out.len() != rows {
        return Err(format!(
            "{} values in a row group of {rows} rows",
            out.len()
        ));
    }
    Ok(Read::Rows(out))
}

/// Whether a data page is in the form this reads: PLAIN values, levels in the hybrid
/// encoding, none for repetition.
fn in_form(header: &DataPageHeader, nullable: bool) -> bool {
    let levels = match header {
        DataPageHeader::V1(h) => !nullable || h.definition_level_encoding == FormatEncoding::RLE,
        DataPageHeader::V2(h) => h.repetition_levels_byte_length == 0,
    };
    levels && header.encoding() == FormatEncoding::PLAIN
}

/// The error of a page whose levels run past it.
const LONG: &str = "a page's levels longer than the page";

/// Pushes a data page's rows (at most `left`) onto `out`, decompressing it into
/// `scratch`'s buffer. Its sizes are checked before anything is allocated.
fn data_page(
    page: CompressedDataPage,
    nullable: bool,
    left: usize,
    scratch: &mut (Vec<u8>, DecompressionContext),
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let header = page.header();
    let stated = match header {
        DataPageHeader::V1(h) => h.num_values,
        DataPageHeader::V2(h) => h.num_values,
    };
    let n = usize::try_from(stated).map_err(|_| format!("a page of {stated} values"))?;
    if n > left {
        return Err(format!(
            "a page of {n} values where {left} rows are left in the row group"
        ));
    }
    let size = page.uncompressed_size();
    if size > page_bound(n) {
        return Err(format!("a page of {n} flags said to take {size} bytes"));
    }
    // Version 2 gives the levels' length in its header.
    let v2_levels = match header {
        DataPageHeader::V2(h) => Some(
            usize::try_from(h.definition_levels_byte_length)
                .ok()
                .filter(|&l| l <= page.compressed_size() && l <= size)
                .ok_or(LONG)?,
        ),
        DataPageHeader::V1(_) => None,
    };
    let owned = page.compression() != Compression::Uncompressed;
    let (buffer, context) = scratch;
    let mut data = match decompress(CompressedPage::Data(page), buffer, context) {
        Ok(Page::Data(d)) => d,
        Ok(Page::Dict(_)) => return Err("a dictionary page among data pages".into()),
        Err(e) => return Err(e.to_string()),
    };
    let (def, values) = split(data.buffer(), v2_levels, nullable)?;
    let mut bits = Bits {
        bytes: values,
        at: 0,
    };
    if nullable {
        levels(def, n, &mut bits, out)?;
    } else {
        bits.valid(n, out)?;
    }
    // Take back the buffer decompression filled, for the next page (an uncompressed
    // page's bytes are the chunk's: nothing to take back).
    if owned {
        *buffer = std::mem::take(data.buffer_mut());
    }
    Ok(())
}

/// A decompressed page's levels and values: version 2's levels are `v2_levels` bytes
/// long; in version 1 a column that may be null starts with its levels' length.
fn split(
    buffer: &[u8],
    v2_levels: Option<usize>,
    nullable: bool,
) -> Result<(&[u8], &[u8]), &'static str> {
    match v2_levels {
        Some(len) => buffer.split_at_checked(len).ok_or(LONG),
        None if nullable => {
            let len = buffer
                .first_chunk::<4>()
                .map(|b| u32::from_le_bytes(*b) as usize)
                .ok_or(LONG)?;
            buffer[4..].split_at_checked(len).ok_or(LONG)
        }
        None => Ok((&[][..], buffer)),
    }
}

/// The error of a page whose values end before its levels say.
const SHORT: &str = "a page's values end before its levels";

/// The values of a page, one bit each from the lowest.
struct Bits<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Bits<'_> {
    /// The next 57 values or more (fewer near the end), from the lowest bit, without
    /// taking them.
    #[inline(always)]
    fn window(&self) -> u64 {
        let i = self.at >> 3;
        let word = match self.bytes.get(i..i + 8) {
            Some(w) => u64::from_le_bytes(w.try_into().unwrap_or_default()),
            None => {
                let mut w = [0u8; 8];
                let tail = self.bytes.get(i..).unwrap_or_default();
                w[..tail.len()].copy_from_slice(tail);
                u64::from_le_bytes(w)
            }
        };
        word >> (self.at & 7)
    }

    /// Rows for 8 levels at once (`levels`, one bit each from the lowest): each valid
    /// row takes the next value, each other is [`NULL`]. None when the values end
    /// first.
    #[inline(always)]
    fn eight(&mut self, levels: u8) -> Option<[u8; 8]> {
        let valid = levels.count_ones() as usize;
        if self.at + valid > self.bytes.len() * 8 {
            return None;
        }
        let mut w = self.window();
        let mut rows = [0u8; 8];
        for (j, row) in rows.iter_mut().enumerate() {
            let v = u64::from((levels >> j) & 1);
            // The value's bit where the level is 1, else 2 (branch-free).
            *row = ((w & v) | ((v ^ 1) << 1)) as u8;
            w >>= v;
        }
        self.at += valid;
        Some(rows)
    }

    /// Pushes the rows of the first `k` (1 to 8) of `levels` onto `out`, as
    /// [`Bits::eight`]; the levels past `k` are not rows (a run cut short by the page's
    /// rows), and take no value.
    #[inline(always)]
    fn push(&mut self, levels: u8, k: usize, out: &mut Vec<u8>) -> Result<(), &'static str> {
        let levels = if k < 8 {
            levels & ((1u8 << k) - 1)
        } else {
            levels
        };
        out.extend_from_slice(&self.eight(levels).ok_or(SHORT)?[..k]);
        Ok(())
    }

    /// Pushes `n` rows that all hold a value (a run of level 1, or a column that is
    /// never null), 8 at a time.
    #[inline(always)]
    fn valid(&mut self, n: usize, out: &mut Vec<u8>) -> Result<(), &'static str> {
        for done in (0..n).step_by(8) {
            self.push(0xff, (n - done).min(8), out)?;
        }
        Ok(())
    }
}

/// Reads `n` definition levels (one bit each, RLE/bit-packed hybrid) from `def`,
/// pushing for each row its value from `bits` (level 1) or [`NULL`] (level 0).
fn levels(def: &[u8], n: usize, bits: &mut Bits, out: &mut Vec<u8>) -> Result<(), String> {
    let end = out.len() + n;
    let mut at = 0;
    while out.len() < end {
        let (header, used) = uleb128(&def[at..]).ok_or("a page's levels end early")?;
        at += used;
        let left = end - out.len();
        if header & 1 == 1 {
            // Bit-packed: groups of 8 levels, a byte a group (one bit each).
            let groups = (header >> 1) as usize;
            let take = left.min(groups * 8);
            let packed = def
                .get(at..at + take.div_ceil(8))
                .ok_or("a page's levels end early")?;
            for (i, &byte) in packed.iter().enumerate() {
                bits.push(byte, (take - i * 8).min(8), out)?;
            }
            at = (at + groups).min(def.len());
        } else {
            // A run: a count, then the level in one byte.
            let count = (header >> 1) as usize;
            let level = *def.get(at).ok_or("a page's levels end early")?;
            at += 1;
            let take = left.min(count);
            match level {
                0 => out.resize(out.len() + take, NULL),
                1 => bits.valid(take, out)?,
                _ => return Err(format!("a definition level of {level} (at most 1)")),
            }
        }
    }
    Ok(())
}

/// An unsigned LEB128 number of at most 32 bits and the bytes it took.
fn uleb128(b: &[u8]) -> Option<(u32, usize)> {
    let mut v = 0u64;
    for (i, &byte) in b.iter().take(5).enumerate() {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return u32::try_from(v).ok().map(|v| (v, i + 1));
        }
    }
    None
}
