//! The XML parts of a zipped workbook (`.xlsx`, `.ods`), read within limits.
//!
//! A workbook is a zip of XML parts, and every size in it is declared by whoever made
//! the file. So a part is never trusted: before it is inflated, its declared size is
//! held to the limits (and to a plausible compression ratio); while it is inflated, the
//! bytes that really come out are counted against that declaration, and no run of text
//! or tag — the unit an XML parser buffers whole — may exceed a bound. A part that
//! breaks a limit stops the read with an error naming the file, the part and the limit,
//! having held at most one bounded buffer.

use super::limits::{Limit, Limits};
use super::Failure;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Read};

/// A part's bytes as they inflate, held to the part's declared size and to the longest
/// run without markup.
pub struct Guarded<R> {
    inner: R,
    part: String,
    declared: u64,
    read: u64,
    /// Bytes since the last `<` or `>`.
    run: usize,
    max_run: usize,
}

impl<R: Read> Guarded<R> {
    fn new(inner: R, part: &str, declared: u64, max_run: usize) -> Guarded<R> {
        Guarded {
            inner,
            part: part.to_string(),
            declared,
            read: 0,
            run: 0,
            max_run,
        }
    }

    fn fail(&self, limit: Limit) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, limit)
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.declared {
            return Err(self.fail(Limit::new(
                format!(
                    "part {} inflates past the {} bytes its archive declares for it",
                    self.part, self.declared
                ),
                "the zip's own size of each part",
            )));
        }
        let chunk = &buf[..n];
        let mut last = None;
        for at in memchr::memchr2_iter(b'<', b'>', chunk) {
            let gap = match last {
                None => self.run + at,
                Some(prev) => at - prev - 1,
            };
            if gap > self.max_run {
                return Err(self.fail(run_limit(&self.part, self.max_run)));
            }
            last = Some(at);
        }
        self.run = match last {
            None => self.run + n,
            Some(prev) => n - prev - 1,
        };
        if self.run > self.max_run {
            return Err(self.fail(run_limit(&self.part, self.max_run)));
        }
        Ok(n)
    }
}

fn run_limit(part: &str, max_run: usize) -> Limit {
    Limit::new(
        format!("part {part} holds a text or a tag longer than {max_run} bytes"),
        "one cell's text is at most 32,767 characters in Excel",
    )
}

/// An XML reader over a guarded part: empty elements come as a start and an end, text
/// is kept as written (no trimming).
pub type Xml<R> = quick_xml::Reader<BufReader<Guarded<R>>>;

/// Opens a part for reading: its declared size is checked first (against the limit of
/// one part, the total left for this workbook, and the compression ratio), then every
/// byte that comes out is held to it.
pub fn open<R: Read>(
    inner: R,
    part: &str,
    (declared, compressed): (u64, u64),
    budget: &mut u64,
    lim: &Limits,
) -> Result<Xml<R>, Limit> {
    if declared > lim.part_bytes {
        return Err(Limit::new(
            format!("part {part} declares {declared} bytes"),
            format!("a part is at most {} bytes", lim.part_bytes),
        ));
    }
    if declared > *budget {
        return Err(Limit::new(
            format!(
                "the parts read so far and {part} come to more than {} bytes",
                lim.total_bytes
            ),
            format!("a workbook inflates to at most {} bytes", lim.total_bytes),
        ));
    }
    if declared > lim.ratio_floor && declared > compressed.saturating_mul(lim.ratio) {
        return Err(Limit::new(
            format!(
                "part {part} inflates from {compressed} to {declared} bytes ({}×)",
                declared / compressed.max(1)
            ),
            format!("a part inflates at most {}× (is it a zip bomb?)", lim.ratio),
        ));
    }
    *budget -= declared;
    let mut r = quick_xml::Reader::from_reader(BufReader::new(Guarded::new(
        inner,
        part,
        declared,
        lim.markup_run,
    )));
    let c = r.config_mut();
    c.trim_text(false);
    c.expand_empty_elements = true;
    c.check_end_names = false;
    c.check_comments = false;
    Ok(r)
}

/// A workbook's zip, refused when it is not one or holds more entries than allowed.
pub fn open_zip(
    file: std::fs::File,
    lim: &Limits,
) -> Result<zip::ZipArchive<std::fs::File>, Failure> {
    let zip = zip::ZipArchive::new(file)
        .map_err(|e| bad(format!("not a readable workbook (its zip structure: {e})")))?;
    if zip.len() > lim.zip_entries {
        return Err(Failure::Limit(Limit::new(
            format!("the zip holds {} entries", zip.len()),
            format!("{} entries", lim.zip_entries),
        )));
    }
    Ok(zip)
}

/// A workbook that is wrong in itself (not a limit it breaks).
pub fn bad(e: impl std::fmt::Display) -> Failure {
    Failure::Bad(e.to_string())
}

/// Why the XML of `part` could not be read, as a workbook failure.
pub fn part_failure(part: &str, e: &quick_xml::Error) -> Failure {
    match failure(e) {
        Err(limit) => Failure::Limit(limit),
        Ok(msg) => Failure::Bad(format!("part {part} is not well-formed XML: {msg}")),
    }
}

/// Why an XML part could not be read: a limit it broke, or what is wrong with it.
pub fn failure(e: &quick_xml::Error) -> Result<String, Limit> {
    if let quick_xml::Error::Io(io) = e {
        if let Some(l) = io.get_ref().and_then(|x| x.downcast_ref::<Limit>()) {
            return Err(l.clone());
        }
    }
    Ok(e.to_string())
}

/// The local name of an element (`c` for `x:c`).
pub fn local<'a>(e: &'a BytesStart<'_>) -> &'a [u8] {
    let name = e.name().into_inner();
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// An attribute's value, by its local name (or its full name with a prefix), unescaped.
pub fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let key = a.key.into_inner();
        let local = match key.iter().position(|&b| b == b':') {
            Some(i) if !name.contains(&b':') => &key[i + 1..],
            _ => key,
        };
        (local == name).then(|| value(&a.value))
    })
}

/// An attribute's raw value, its entities and character references resolved (kept as
/// written when malformed).
pub fn value(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    match quick_xml::escape::unescape(&text) {
        Ok(v) => v.into_owned(),
        Err(_) => text.into_owned(),
    }
}

/// The local name of an end tag.
pub fn local_end<'a>(e: &'a quick_xml::events::BytesEnd<'_>) -> &'a [u8] {
    let name = e.name().into_inner();
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// Appends an entity reference (`&amp;`, `&#x1EA1;`) to `out`; an unknown one is kept
/// as written.
pub fn push_entity(r: &quick_xml::events::BytesRef<'_>, out: &mut String) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
        return;
    }
    let name = String::from_utf8_lossy(r);
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => out.push_str(s),
        None => {
            out.push('&');
            out.push_str(&name);
            out.push(';');
        }
    }
}

/// The text of the element just started, to its end (text, entities and CDATA; nested
/// elements' text included), for an element whose length is bounded by the guard.
pub fn text_to_end<R: Read>(
    xml: &mut Xml<R>,
    buf: &mut Vec<u8>,
) -> Result<String, quick_xml::Error> {
    let mut out = String::new();
    let mut depth = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(buf)? {
            Event::Text(t) => out.push_str(&t.xml10_content().map_err(quick_xml::Error::from)?),
            Event::CData(t) => out.push_str(&t.xml10_content().map_err(quick_xml::Error::from)?),
            Event::GeneralRef(r) => push_entity(&r, &mut out),
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(out),
            Event::End(_) => depth -= 1,
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// Skips to the end of the element just started.
pub fn skip<R: Read>(xml: &mut Xml<R>, buf: &mut Vec<u8>) -> Result<(), quick_xml::Error> {
    let mut depth = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(buf)? {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(()),
            Event::End(_) => depth -= 1,
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Excel's escapes of characters XML cannot hold (`_x000D_` for a carriage return,
/// `_x005F_` for the `_` of a literal `_x…_`).
pub fn unescape_excel(s: String) -> String {
    if !s.contains("_x") {
        return s;
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'_' && i + 7 <= b.len() && b[i + 1] == b'x' && b[i + 6] == b'_' {
            let hex = &s[i + 2..i + 6];
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                if hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                    out.push(c);
                    i += 7;
                    continue;
                }
            }
        }
        let ch = s[i..].chars().next().unwrap_or('\u{FFFD}');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}
