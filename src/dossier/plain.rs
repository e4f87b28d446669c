//! Column chunks of PLAIN values, decoded by cchc itself (#28): the page walk that the
//! boolean flags ([`super::booleans`]) and the plain text columns ([`super::texts`])
//! share.
//!
//! polars' decoders are general: they build validity bitmaps run by run, views for
//! every string, and check each value. A dossier log's hot columns have one simple
//! form — per page, the definition levels (one bit a row, in the RLE/bit-packed
//! hybrid) and then the non-null values, PLAIN — so cchc reads that form into the
//! shape its fold wants, and leaves every other form to polars.
//!
//! Only that form is taken: PLAIN values, no dictionary, no repetition, at most one
//! definition level. Any other chunk (or one that changes form part way) is left to
//! polars, whole. Every length comes from the file, so each is checked before it is
//! used to allocate or to slice: a page's values against the rows left in the group,
//! its stated size against a bound for its values (before decompression allocates
//! it; [`super::pages`] has bounded it against the chunk already), its levels' length
//! against its bytes, each run against the values left.

use polars_buffer::Buffer;
use polars_parquet::parquet::compression::{Compression, DecompressionContext};
use polars_parquet::parquet::metadata::ColumnChunkMetadata;
use polars_parquet::parquet::page::{
    CompressedDataPage, CompressedPage, DataPageHeader, FormatEncoding, Page,
};
use polars_parquet::parquet::read::{decompress, PageReader};
use polars_parquet::parquet::schema::types::PhysicalType;
use std::io::Cursor;

/// What a chunk's rows become, row by row: the sink of [`decode`].
pub trait Rows {
    /// The physical type whose PLAIN values this reads.
    const PHYSICAL: PhysicalType;

    /// The rows pushed so far.
    fn len(&self) -> usize;

    /// The most bytes a page of `n` values may take decompressed.
    fn page_bound(n: usize) -> usize;

    /// Pushes the rows of the first `k` (1 to 8) of `levels` (one bit a row, from the
    /// lowest: 1 for a value, 0 for a null); each value is the next one of `values`
    /// from `*at` (in the form's own unit: a bit, a byte), which it moves past.
    fn push(
        &mut self,
        values: &[u8],
        at: &mut usize,
        levels: u8,
        k: usize,
    ) -> Result<(), &'static str>;

    /// Pushes `k` nulls.
    fn nulls(&mut self, k: usize);
}

/// The chunk's rows through `out` (made for its `rows`); `None` when it is not in the
/// one form this reads; an error naming what is wrong when it is, but broken. `rows`
/// is the group's, bounded when the footer was read.
pub fn decode<R: Rows>(
    chunk: &ColumnChunkMetadata,
    bytes: &Buffer<u8>,
    rows: usize,
    out: R,
) -> Option<Result<R, String>> {
    let leaf = &chunk.descriptor().descriptor;
    let levels = leaf.max_def_level;
    if chunk.physical_type() != R::PHYSICAL || leaf.max_rep_level != 0 || !(0..=1).contains(&levels)
    {
        return None;
    }
    match read(chunk, bytes, rows, levels == 1, out) {
        Ok(Some(out)) => Some(Ok(out)),
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    }
}

/// [`decode`]'s pages in turn (None: another form).
fn read<R: Rows>(
    chunk: &ColumnChunkMetadata,
    bytes: &Buffer<u8>,
    rows: usize,
    nullable: bool,
    mut out: R,
) -> Result<Option<R>, String> {
    // A page is never larger than its chunk: that bounds what a header may claim.
    let mut pages = PageReader::new(Cursor::new(bytes.clone()), chunk, vec![], bytes.len());
    match pages.read_dict() {
        Ok(None) => {}
        Ok(Some(_)) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    }
    let mut scratch = (Vec::new(), DecompressionContext::Unset);
    for page in pages {
        let page = match page.map_err(|e| e.to_string())? {
            CompressedPage::Data(d) => d,
            CompressedPage::Dict(_) => return Ok(None),
        };
        if !in_form(page.header(), nullable) {
            return Ok(None);
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
    Ok(Some(out))
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

/// The error of a page whose values end before its levels say.
pub const SHORT: &str = "a page's values end before its levels";

/// Pushes a data page's rows (at most `left`) onto `out`, decompressing it into
/// `scratch`'s buffer. Its sizes are checked before anything is allocated.
fn data_page<R: Rows>(
    page: CompressedDataPage,
    nullable: bool,
    left: usize,
    scratch: &mut (Vec<u8>, DecompressionContext),
    out: &mut R,
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
    if size > R::page_bound(n) {
        return Err(format!("a page of {n} values said to take {size} bytes"));
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
    let mut at = 0;
    if nullable {
        levels(def, n, values, &mut at, out)?;
    } else {
        for done in (0..n).step_by(8) {
            out.push(values, &mut at, 0xff, (n - done).min(8))?;
        }
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

/// Reads `n` definition levels (one bit each, RLE/bit-packed hybrid) from `def`,
/// pushing for each row its value from `values` (level 1) or a null (level 0).
fn levels<R: Rows>(
    def: &[u8],
    n: usize,
    values: &[u8],
    at: &mut usize,
    out: &mut R,
) -> Result<(), String> {
    let end = out.len() + n;
    let mut i = 0;
    while out.len() < end {
        let (header, used) = uleb128(&def[i..]).ok_or("a page's levels end early")?;
        i += used;
        let left = end - out.len();
        if header & 1 == 1 {
            // Bit-packed: groups of 8 levels, a byte a group (one bit each).
            let groups = (header >> 1) as usize;
            let take = left.min(groups * 8);
            let packed = def
                .get(i..i + take.div_ceil(8))
                .ok_or("a page's levels end early")?;
            for (j, &byte) in packed.iter().enumerate() {
                out.push(values, at, byte, (take - j * 8).min(8))?;
            }
            i = (i + groups).min(def.len());
        } else {
            // A run: a count, then the level in one byte.
            let count = (header >> 1) as usize;
            let level = *def.get(i).ok_or("a page's levels end early")?;
            i += 1;
            let take = left.min(count);
            match level {
                0 => out.nulls(take),
                1 => {
                    for done in (0..take).step_by(8) {
                        out.push(values, at, 0xff, (take - done).min(8))?;
                    }
                }
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
