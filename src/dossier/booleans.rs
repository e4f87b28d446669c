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
//! The page walk, its form and its checks are [`super::plain`]'s; this is the flags'
//! part: the values' bits, read 8 rows at a time.

use super::plain::{Rows, SHORT};
use polars_parquet::parquet::schema::types::PhysicalType;

/// A row's byte for a null.
pub const NULL: u8 = 2;

/// A boolean chunk's rows, one byte each (0, 1 or [`NULL`]).
pub struct Flags(pub Vec<u8>);

impl Flags {
    /// Room for a group of `rows`.
    pub fn new(rows: usize) -> Flags {
        Flags(Vec::with_capacity(rows))
    }
}

impl Rows for Flags {
    const PHYSICAL: PhysicalType = PhysicalType::Boolean;

    fn len(&self) -> usize {
        self.0.len()
    }

    /// The levels' length prefix, levels of at most 2 bytes a row (an RLE run of one,
    /// the worst a writer does) and a bit a value, with room to spare.
    fn page_bound(n: usize) -> usize {
        4 * n + 64
    }

    #[inline(always)]
    fn push(
        &mut self,
        values: &[u8],
        at: &mut usize,
        levels: u8,
        k: usize,
    ) -> Result<(), &'static str> {
        let mut bits = Bits {
            bytes: values,
            at: *at,
        };
        bits.push(levels, k, &mut self.0)?;
        *at = bits.at;
        Ok(())
    }

    fn nulls(&mut self, k: usize) {
        self.0.resize(self.0.len() + k, NULL);
    }
}

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
}
