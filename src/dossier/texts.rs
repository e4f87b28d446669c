//! Text columns stored plainly, decoded by cchc itself (#28).
//!
//! A dossier log's ids are distinct, so writers store them PLAIN (a 4-byte length and
//! the bytes, value after value), not as a dictionary. polars turns such a page into a
//! 16-byte view a row and a validity bitmap, checking each value on the way: about 6%
//! of a typed scan, for a column the fold only compares and hashes. This reads the
//! chunk into one buffer of its values' bytes and where each row's value ends in it
//! (a null is an empty value: cchc reads a null text as empty everywhere), and checks
//! the bytes are UTF-8 once, for the whole chunk.
//!
//! The page walk, its form and its checks are [`super::plain`]'s.

use super::plain::{Rows, SHORT};
use polars_parquet::parquet::schema::types::PhysicalType;

/// A text chunk's rows as they are read: the values' bytes one after another, and
/// where each row's value ends (after a first 0: row `i` is `ends[i]..ends[i + 1]`).
pub struct Texts {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

/// The most bytes of text a chunk read here may hold (its ends are 32-bit); a larger
/// chunk is left to polars ([`fits`]).
const MOST: usize = u32::MAX as usize;

/// Whether a chunk whose pages take `size` bytes decompressed (as its footer says)
/// fits [`Texts`]. The pages are checked as they are read too: the footer's size is
/// not taken on trust.
pub fn fits(size: i64) -> bool {
    usize::try_from(size).is_ok_and(|s| s <= MOST)
}

impl Texts {
    /// Room for a group of `rows`.
    pub fn new(rows: usize) -> Texts {
        let mut ends = Vec::with_capacity(rows + 1);
        ends.push(0);
        Texts {
            bytes: Vec::new(),
            ends,
        }
    }

    /// The rows as text, once the bytes are checked to be UTF-8 and every value to
    /// start and end on a character's boundary (so that each value is UTF-8 on its
    /// own, not only the values together).
    pub fn checked(self) -> Result<Text, String> {
        let ascii = self.bytes.is_ascii();
        let not_utf8 = |row: usize| format!("the value of the group's row {row} is not UTF-8");
        let text = match String::from_utf8(self.bytes) {
            Ok(text) => text,
            Err(e) => {
                // The row whose value holds the first byte that is not UTF-8.
                let at = e.utf8_error().valid_up_to();
                return Err(not_utf8(self.ends.partition_point(|&e| e as usize <= at)));
            }
        };
        // ASCII text has a boundary at every byte. Else a value that ends inside a
        // character (and the next, that starts there) is not UTF-8 on its own.
        if !ascii {
            let split = self
                .ends
                .iter()
                .position(|&e| !text.is_char_boundary(e as usize));
            if let Some(row) = split {
                return Err(not_utf8(row));
            }
        }
        Ok(Text {
            text,
            ends: self.ends,
        })
    }

    /// Where the bytes so far end, as a row's end; an error past [`MOST`] (a chunk
    /// larger than its footer said).
    #[inline(always)]
    fn end(&self) -> Result<u32, &'static str> {
        u32::try_from(self.bytes.len()).map_err(|_| "a chunk of more text than its footer says")
    }
}

impl Rows for Texts {
    const PHYSICAL: PhysicalType = PhysicalType::ByteArray;

    fn len(&self) -> usize {
        self.ends.len() - 1
    }

    /// Text has no width: [`super::pages`] has bounded a text page by its stored size
    /// already.
    fn page_bound(_: usize) -> usize {
        usize::MAX
    }

    #[inline(always)]
    fn push(
        &mut self,
        values: &[u8],
        at: &mut usize,
        levels: u8,
        k: usize,
    ) -> Result<(), &'static str> {
        for j in 0..k {
            if (levels >> j) & 1 == 1 {
                let len = values
                    .get(*at..)
                    .and_then(|v| v.first_chunk::<4>())
                    .ok_or(SHORT)?;
                let start = *at + 4;
                let end = start
                    .checked_add(u32::from_le_bytes(*len) as usize)
                    .ok_or(SHORT)?;
                self.bytes
                    .extend_from_slice(values.get(start..end).ok_or(SHORT)?);
                *at = end;
            }
            self.ends.push(self.end()?);
        }
        Ok(())
    }

    fn nulls(&mut self, k: usize) {
        // The bytes so far fitted when the last value was pushed.
        let end = self.ends.last().copied().unwrap_or(0);
        self.ends.resize(self.ends.len() + k, end);
    }
}

/// A text chunk's rows, checked UTF-8 ([`Texts::checked`]).
pub struct Text {
    text: String,
    /// As [`Texts`]' ends.
    ends: Vec<u32>,
}

impl Text {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.ends.len() - 1
    }

    /// Row `i`'s value ("" for a null, or past the end).
    #[inline(always)]
    pub fn get(&self, i: usize) -> &str {
        match self.ends.get(i..i + 2) {
            Some(&[start, end]) => self.text.get(start as usize..end as usize).unwrap_or(""),
            _ => "",
        }
    }
}
