//! Every column chunk's page headers, checked before any decoder sees the chunk.
//!
//! polars' Parquet decoders trust a page's header. A negative count of values, an
//! encoding number that names none, levels said to be longer than their page, or a
//! page said to grow to gigabytes once decompressed make them panic or allocate what
//! the header asks: a crafted file aborted a run that way, past any error handling.
//! So the headers are read here first, and each number is checked against the chunk,
//! the row group and the column's type. A chunk that fails is refused with what is
//! wrong; polars only decodes chunks whose headers hold.
//!
//! Only headers are read (nothing is decompressed). The same pass says whether the
//! chunk is wholly dictionary-encoded (see `parquet::dictionary`).

use polars_parquet::parquet::schema::types::PhysicalType;
use polars_parquet_format::thrift::protocol::TCompactInputProtocol;
use polars_parquet_format::{Encoding, PageHeader, PageType};

/// What the headers of a chunk that holds say.
pub struct Pages {
    /// A dictionary page first, and every data page dictionary-encoded.
    pub all_dictionary: bool,
}

/// What a chunk is, from the footer: its values, its type, and whether it is a flat
/// column (a value a row).
pub struct Chunk {
    pub values: i64,
    pub physical: PhysicalType,
    pub flat: bool,
}

/// How many times its stored size a compressed page of text may say it grows.
const GROWTH: usize = 1024;

/// …and what it may say whatever its stored size.
const FLOOR: usize = 16 << 20;

/// The most bytes a page of `n` values of `physical` may say it takes decompressed.
/// A value of a fixed width takes at most its width and its levels (with room for
/// the encodings' own headers); text has no width, so its page is bounded by its
/// stored size.
fn bound(physical: PhysicalType, n: usize, stored: usize) -> usize {
    let width = match physical {
        PhysicalType::Boolean => 1,
        PhysicalType::Int32 | PhysicalType::Float => 4,
        PhysicalType::Int64 | PhysicalType::Double => 8,
        PhysicalType::Int96 => 12,
        PhysicalType::FixedLenByteArray(k) => k,
        PhysicalType::ByteArray => return stored.saturating_mul(GROWTH).max(FLOOR),
    };
    n.saturating_mul(width.saturating_add(8))
        .saturating_add(1024)
}

/// Whether an encoding number names one.
fn known(e: Encoding) -> bool {
    polars_parquet::parquet::encoding::Encoding::try_from(e).is_ok()
}

/// A count from a header: not negative.
fn count(what: &str, v: i32) -> Result<usize, String> {
    usize::try_from(v).map_err(|_| format!("a page header gives {what} as {v}"))
}

/// Reads and checks every page header of a chunk's `bytes`: one after another, until
/// the chunk's values are all counted. A flat column's values must be the group's
/// `rows`.
pub fn check(bytes: &[u8], chunk: &Chunk, rows: usize) -> Result<Pages, String> {
    let total = u64::try_from(chunk.values)
        .map_err(|_| format!("the footer gives the column {} values", chunk.values))?;
    if chunk.flat && total != rows as u64 {
        return Err(format!(
            "the footer gives the column {total} values in a row group of {rows} rows"
        ));
    }
    let (mut at, mut seen) = (0usize, 0u64);
    let (mut dictionary, mut all_dictionary) = (false, true);
    while seen < total {
        let mut rest = bytes.get(at..).unwrap_or_default();
        let left = rest.len();
        if left == 0 {
            return Err(format!(
                "the column's pages end after {seen} of its {total} values"
            ));
        }
        let header = {
            let mut protocol = TCompactInputProtocol::new(&mut rest, left);
            PageHeader::read_from_in_protocol(&mut protocol)
                .map_err(|e| format!("an unreadable page header ({e})"))?
        };
        let stored = count("its stored size", header.compressed_page_size)?;
        let size = count("its size", header.uncompressed_page_size)?;
        let start = at + (left - rest.len());
        if stored > bytes.len() - start {
            return Err(format!(
                "a page of {stored} bytes where the column has {} left",
                bytes.len() - start
            ));
        }
        let n = page(&header, at == 0, stored, size, chunk)?;
        match header.type_ {
            PageType::DICTIONARY_PAGE => dictionary = true,
            _ => {
                let encoding = match (&header.data_page_header, &header.data_page_header_v2) {
                    (Some(h), _) => h.encoding,
                    (_, Some(h)) => h.encoding,
                    _ => Encoding::PLAIN,
                };
                all_dictionary &= matches!(
                    encoding,
                    Encoding::RLE_DICTIONARY | Encoding::PLAIN_DICTIONARY
                );
                seen += n as u64;
                if seen > total {
                    return Err(format!(
                        "the column's pages hold {seen} values where the footer gives {total}"
                    ));
                }
            }
        }
        at = start + stored;
    }
    Ok(Pages {
        all_dictionary: dictionary && all_dictionary,
    })
}

/// Checks one page's header (`first`: the chunk's first page; `stored` and `size` its
/// sizes, checked not negative); its values (a dictionary's entries for a dictionary
/// page).
fn page(
    h: &PageHeader,
    first: bool,
    stored: usize,
    size: usize,
    chunk: &Chunk,
) -> Result<usize, String> {
    let n = match h.type_ {
        PageType::DICTIONARY_PAGE => {
            let d = h
                .dictionary_page_header
                .as_ref()
                .ok_or("a dictionary page without its header")?;
            if !first {
                return Err("a dictionary page after the first page".into());
            }
            let n = count("its dictionary's entries", d.num_values)?;
            // A chunk's dictionary holds its distinct values (no more than its rows),
            // and a text value takes at least its 4-byte length.
            let most = match chunk.physical {
                PhysicalType::ByteArray => size / 4,
                _ => size,
            };
            if (chunk.flat && n as u64 > chunk.values as u64) || n > most {
                return Err(format!("a dictionary of {n} entries in {size} bytes"));
            }
            n
        }
        PageType::DATA_PAGE => {
            let d = h
                .data_page_header
                .as_ref()
                .ok_or("a data page without its header")?;
            for e in [
                d.encoding,
                d.definition_level_encoding,
                d.repetition_level_encoding,
            ] {
                if !known(e) {
                    return Err(format!("a page in an encoding numbered {}", e.0));
                }
            }
            count("its values", d.num_values)?
        }
        PageType::DATA_PAGE_V2 => {
            let d = h
                .data_page_header_v2
                .as_ref()
                .ok_or("a data page without its header")?;
            if !known(d.encoding) {
                return Err(format!("a page in an encoding numbered {}", d.encoding.0));
            }
            let n = count("its values", d.num_values)?;
            count("its nulls", d.num_nulls)?;
            count("its rows", d.num_rows)?;
            let levels = count("its levels' length", d.definition_levels_byte_length)?
                + count("its levels' length", d.repetition_levels_byte_length)?;
            if levels > stored.min(size) {
                return Err(format!(
                    "a page's levels of {levels} bytes in a page of {}",
                    stored.min(size)
                ));
            }
            n
        }
        other => return Err(format!("a page of an unknown type ({})", other.0)),
    };
    let most = bound(chunk.physical, n, stored);
    if size > most {
        return Err(format!(
            "a page of {n} values said to take {size} bytes decompressed (at most {most})"
        ));
    }
    Ok(n)
}
