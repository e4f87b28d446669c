//! Text meant for a terminal: every character that could drive the terminal instead
//! of being shown is escaped.
//!
//! A unit name holding `ESC ] 0 ; … BEL` would retitle the window, `ESC [ 2 J` clear
//! the screen, a right-to-left override reorder what follows. Everything cchc prints
//! for people on a terminal — the table format, `explain`, `check`, findings and
//! errors on stderr — goes through [`escape`]; files for scripts (csv, json, parquet,
//! xlsx) keep the data as it is.

use std::borrow::Cow;

/// Whether a character must not reach a terminal raw: C0 and C1 controls, DEL, and
/// the bidirectional overrides and isolates.
fn dangerous(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' => !keep_newlines,
        '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => true,
        _ => false,
    }
}

fn escape_with(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| dangerous(c, keep_newlines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if dangerous(c, keep_newlines) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One value for a terminal (a cell, a name): every control character escaped, line
/// breaks too (`\u{1b}`, `\u{a}`).
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_with(s, false)
}

/// Several lines for a terminal: control characters escaped, line breaks kept.
pub fn escape_lines(s: &str) -> Cow<'_, str> {
    escape_with(s, true)
}

/// At most `max` characters of a value, for a message: a longer value is cut and says
/// how long it was (`9999999999… (2000000 characters)`), so that a crafted value is
/// never echoed whole.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}… ({} characters)", &s[..cut], s.chars().count()),
    }
}

/// The most characters of one value a message quotes.
pub const QUOTE: usize = 80;

/// The most characters of a whole message.
const MESSAGE: usize = 2_000;

/// A message whose quoted values (between backticks) are clipped to [`QUOTE`]
/// characters each, with their length, and which is itself at most a few thousand
/// characters: a value of two million digits in a file is never echoed whole.
pub fn clip_quoted(message: &str) -> String {
    if message.len() <= QUOTE {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len().min(4 * MESSAGE));
    let mut parts = message.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (i, part) in parts.enumerate() {
        out.push('`');
        // Odd parts (0-based i even) are inside backticks.
        if i % 2 == 0 {
            out.push_str(&clip(part, QUOTE));
        } else {
            out.push_str(part);
        }
    }
    clip(&out, MESSAGE)
}
