//! The one place untrusted text becomes displayable: owns escaping of terminal
//! controls, bidi/invisible format characters and invalid UTF-8 in log values.
//!
//! Log lines come from clients' machines, so any byte in them may be hostile:
//! terminal escape sequences (screen clears, OSC 52 clipboard writes, title
//! changes), bare carriage returns that overprint a line, bidi overrides that
//! reorder what the reader sees (Trojan Source), and zero-width characters
//! that hide content. Everything that reaches the terminal or headless output
//! must go through this module first.
//!
//! Policy: escape, never strip. Anything dangerous becomes visible ASCII
//! (`\x1b`, `\n`, `<U+202E>`), so evidence stays on screen. A literal
//! backslash is left alone: we favour readability over round-tripping.
//!
//! A terminal whose locale is not UTF-8 (`LANG=C`, Latin-1) cannot show any other
//! character either: with [`Charset::Ascii`] every non-ASCII character is shown as
//! `<U+XXXX>` too (`José` becomes `Jos<U+00E9>`), so the output is printable ASCII.
//!
//! Every function is stateless per value. There is no escape-sequence parser
//! that an unterminated or malicious sequence could desynchronise; each
//! character is judged on its own.
//!
//! Allocation: [`sanitize`] and [`sanitize_bytes`] return `Cow::Borrowed` and
//! allocate nothing unless something must actually be escaped.
//!
//! ```
//! use std::borrow::Cow;
//! use audit_tui::sanitize::{sanitize, Mode};
//!
//! assert!(matches!(sanitize("plain text, 日本語 🙂", Mode::Line), Cow::Borrowed(_)));
//! assert_eq!(sanitize("\x1b[2Jgone", Mode::Line), r"\x1b[2Jgone");
//! assert_eq!(sanitize("evil\u{202E}txt.exe", Mode::Line), "evil<U+202E>txt.exe");
//! ```

use std::borrow::Cow;
use std::fmt;

/// How a newline inside a value is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Everything on one row (list views, headless output): LF shows as
    /// `\n`, CR as `\r`, TAB as `\t`. TAB is escaped rather than turned into
    /// a space so that a tab-vs-space difference in a value stays visible.
    #[default]
    Line,
    /// Multi-line values such as stack traces in the detail pane: LF is kept
    /// as a real line break, TAB expands to four spaces, CR still shows as
    /// `\r` (a lone CR must never overprint). CRLF therefore becomes `\r`
    /// followed by a line break, which keeps Windows line endings visible.
    Block,
}

/// Which characters the terminal can show as themselves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Charset {
    /// A UTF-8 terminal: every character but controls and invisible format characters.
    #[default]
    Unicode,
    /// A terminal whose locale is not UTF-8: printable ASCII only; every other character
    /// is shown as `<U+XXXX>`, like format characters always are.
    Ascii,
}

/// A run of sanitized output, for renderers that style escapes differently
/// (the UI draws `Escape` pieces dim/red).
///
/// Concatenating the pieces (`Newline` as `"\n"`) gives exactly what
/// [`sanitize`] returns for the same input and mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text that is safe to draw as is. Borrowed from the input, except for
    /// the spaces a TAB expands to in [`Mode::Block`].
    Text(&'a str),
    /// The visible replacement for one escaped character or invalid byte,
    /// e.g. `\x1b`, `\n` or `<U+202E>`. Always printable ASCII.
    Escape(String),
    /// A line break. Only produced in [`Mode::Block`].
    Newline,
}

impl Piece<'_> {
    /// The text this piece contributes to the sanitized string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Piece::Text(t) => t,
            Piece::Escape(e) => e,
            Piece::Newline => "\n",
        }
    }

    /// Whether the renderer should style this piece as an escape.
    #[must_use]
    pub fn is_escape(&self) -> bool {
        matches!(self, Piece::Escape(_))
    }
}

/// Returns `s` made safe to display in `mode`.
///
/// Allocates only when something must be escaped: clean input, including
/// any non-ASCII text without controls or format characters (and, in
/// [`Mode::Block`], text whose only specials are line feeds), comes back as
/// `Cow::Borrowed`.
#[must_use]
pub fn sanitize(s: &str, mode: Mode) -> Cow<'_, str> {
    sanitize_in(s, mode, Charset::Unicode)
}

/// [`sanitize`] for a terminal that shows only `charset`.
#[must_use]
pub fn sanitize_in(s: &str, mode: Mode, charset: Charset) -> Cow<'_, str> {
    let ascii = charset == Charset::Ascii;
    match find_event(s, 0, mode, false, ascii) {
        None => Cow::Borrowed(s),
        Some(first) => {
            let mut out = String::with_capacity(escaped_capacity(s.len()));
            push_segs(&mut out, Segs::starting_with(s, mode, false, ascii, Some(first)));
            Cow::Owned(out)
        }
    }
}

/// Like [`sanitize`] for raw bytes: each byte of an invalid UTF-8 sequence
/// becomes `\xNN` (lowercase), valid stretches are sanitized as text.
///
/// Borrows when the input is valid UTF-8 needing no escapes.
#[must_use]
pub fn sanitize_bytes(b: &[u8], mode: Mode) -> Cow<'_, str> {
    let mut chunks = b.utf8_chunks();
    let Some(first) = chunks.next() else {
        return Cow::Borrowed("");
    };
    // A chunk only ends early at an invalid sequence, so a first chunk with
    // no invalid bytes covers the whole input.
    if first.invalid().is_empty() {
        return sanitize(first.valid(), mode);
    }
    let mut out = String::with_capacity(escaped_capacity(b.len()));
    for chunk in std::iter::once(first).chain(chunks) {
        push_sanitized(&mut out, chunk.valid(), mode);
        for &byte in chunk.invalid() {
            // Writing into a String cannot fail.
            let _ = Esc::Hex(byte).write_to(&mut out);
        }
    }
    Cow::Owned(out)
}

/// True if [`sanitize`] in [`Mode::Line`] would change `s`.
#[must_use]
pub fn needs_escaping(s: &str) -> bool {
    next_event::<false>(s, 0, Mode::Line, false).is_some()
}

/// Appends the sanitized form of `s` to `out`; lets headless output reuse one
/// buffer for millions of lines instead of allocating per value.
pub fn push_sanitized(out: &mut String, s: &str, mode: Mode) {
    push_segs(out, Segs::new(s, mode, false, false));
}

/// Splits the sanitized form of `s` into styled pieces.
#[must_use]
pub fn pieces(s: &str, mode: Mode) -> Vec<Piece<'_>> {
    iter_pieces(s, mode).collect()
}

/// Lazy form of [`pieces`], for renderers that build spans directly.
pub fn iter_pieces(s: &str, mode: Mode) -> impl Iterator<Item = Piece<'_>> {
    iter_pieces_in(s, mode, Charset::Unicode)
}

/// [`iter_pieces`] for a terminal that shows only `charset`.
pub fn iter_pieces_in(s: &str, mode: Mode, charset: Charset) -> impl Iterator<Item = Piece<'_>> {
    Segs::new(s, mode, true, charset == Charset::Ascii).map(Seg::into_piece)
}

/// [`pieces`] for raw bytes; invalid UTF-8 bytes become `Escape("\xNN")`
/// pieces. Concatenation equals [`sanitize_bytes`].
#[must_use]
pub fn pieces_bytes(b: &[u8], mode: Mode) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    for chunk in b.utf8_chunks() {
        out.extend(iter_pieces(chunk.valid(), mode));
        out.extend(chunk.invalid().iter().map(|&byte| Esc::Hex(byte).into_piece()));
    }
    out
}

/// Formats `s` sanitized without building an intermediate `String`, e.g.
/// `writeln!(out, "{}", display(line, Mode::Line))`. Width and alignment
/// flags are ignored.
#[must_use]
pub fn display(s: &str, mode: Mode) -> Sanitized<'_> {
    Sanitized { s, mode }
}

/// See [`display`].
#[derive(Clone, Copy, Debug)]
pub struct Sanitized<'a> {
    s: &'a str,
    mode: Mode,
}

impl fmt::Display for Sanitized<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for seg in Segs::new(self.s, self.mode, false, false) {
            seg.write_to(f)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Classification tables

/// Code points shown as `<U+XXXX>`: C1 controls, line/paragraph separators,
/// and every Unicode 16.0 general category Cf (format) character, which
/// covers bidi controls, zero-width characters, BOM, soft hyphen and tags.
/// Sorted and non-overlapping so it can be binary searched.
const ESCAPED_RANGES: &[(u32, u32)] = &[
    (0x0080, 0x009F), // C1 controls: U+009B is a one-byte CSI on some terminals.
    (0x00AD, 0x00AD), // soft hyphen: invisible unless the line breaks there.
    (0x0600, 0x0605),
    (0x061C, 0x061C), // Arabic letter mark (bidi).
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F), // ZWSP, ZWNJ, ZWJ, LRM, RLM.
    (0x2028, 0x202E), // LS, PS (line breaks in disguise), then bidi embeddings/overrides.
    // Word joiner, invisible operators, bidi isolates, deprecated format
    // controls. U+2065 is unassigned but sits inside this invisible block;
    // showing it costs nothing and avoids a hole a future assignment could use.
    (0x2060, 0x206F),
    (0xFEFF, 0xFEFF), // BOM / zero-width no-break space.
    (0xFFF9, 0xFFFB), // interlinear annotation controls.
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), // language tag.
    (0xE0020, 0xE007F), // tag characters: can smuggle invisible ASCII.
];

const PASS: u8 = 0;
/// C0 control or DEL: always needs a decision.
const CTRL: u8 = 1;
/// UTF-8 lead byte of a sequence that might encode an escaped code point;
/// only these force a char decode, so CJK, Cyrillic etc. are skipped by byte.
const LEAD: u8 = 2;

static BYTE_CLASS: [u8; 256] = build_byte_class();

const fn build_byte_class() -> [u8; 256] {
    let mut table = [PASS; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = CTRL;
        b += 1;
    }
    table[0x7F] = CTRL;
    let mut i = 0;
    while i < ESCAPED_RANGES.len() {
        let (lo, hi) = ESCAPED_RANGES[i];
        // The lead byte is monotonic in the code point, so marking every lead
        // between the range ends covers the whole range.
        let mut lead = utf8_lead(lo);
        let last = utf8_lead(hi);
        while lead <= last {
            table[lead as usize] = LEAD;
            lead += 1;
        }
        i += 1;
    }
    table
}

const fn utf8_lead(cp: u32) -> u8 {
    if cp < 0x80 {
        cp as u8
    } else if cp < 0x800 {
        0xC0 | (cp >> 6) as u8
    } else if cp < 0x1_0000 {
        0xE0 | (cp >> 12) as u8
    } else {
        0xF0 | (cp >> 18) as u8
    }
}

/// JSON text (as `serde_json` writes it) with every character that [`sanitize`] would
/// escape written as a `\uXXXX` escape instead. The JSON means the same, but a bidi
/// override, a C1 control or DEL inside a string no longer reaches the terminal raw.
/// Such characters can only occur inside strings, so escaping them anywhere is valid.
/// (`serde_json` already escapes the C0 controls inside strings; the line breaks of
/// pretty output are structure and stay.)
pub fn escape_json_text(json: &str) -> Cow<'_, str> {
    // serde_json writes DEL raw: it is not a control character to JSON.
    let must_escape = |c: char| c == '\u{7f}' || is_escaped_char(c);
    if !json.chars().any(must_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if must_escape(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_escaped_char(c: char) -> bool {
    let cp = u32::from(c);
    ESCAPED_RANGES
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

// ---------------------------------------------------------------------------
// Scanner

/// What to emit in place of one special character.
#[derive(Clone, Copy, Debug)]
enum Esc {
    /// `\xNN`: C0 controls, DEL, invalid UTF-8 bytes.
    Hex(u8),
    /// `\n`, `\r`, `\t`: more recognisable than their hex forms.
    Short(&'static str),
    /// `<U+XXXX>`.
    Code(u32),
    /// A real line break (Block mode, only when pieces are requested).
    Newline,
    /// TAB in Block mode.
    Tab,
}

const TAB_SPACES: &str = "    ";

impl Esc {
    fn write_to<W: fmt::Write + ?Sized>(self, w: &mut W) -> fmt::Result {
        const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
        const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
        match self {
            Esc::Hex(b) => {
                w.write_str("\\x")?;
                w.write_char(char::from(HEX_LOWER[usize::from(b >> 4)]))?;
                w.write_char(char::from(HEX_LOWER[usize::from(b & 0xF)]))
            }
            Esc::Short(t) => w.write_str(t),
            Esc::Code(cp) => {
                let digits = match cp {
                    0..=0xFFFF => 4,
                    0x1_0000..=0xF_FFFF => 5,
                    _ => 6,
                };
                w.write_str("<U+")?;
                for k in (0..digits).rev() {
                    let nibble = (cp >> (4 * k)) & 0xF;
                    // nibble < 16, so the cast cannot truncate.
                    w.write_char(char::from(HEX_UPPER[nibble as usize]))?;
                }
                w.write_char('>')
            }
            Esc::Newline => w.write_char('\n'),
            Esc::Tab => w.write_str(TAB_SPACES),
        }
    }

    fn into_piece(self) -> Piece<'static> {
        match self {
            Esc::Newline => Piece::Newline,
            Esc::Tab => Piece::Text(TAB_SPACES),
            other => {
                let mut s = String::with_capacity(10);
                // Writing into a String cannot fail.
                let _ = other.write_to(&mut s);
                Piece::Escape(s)
            }
        }
    }
}

/// Leaves headroom for a few escapes so typical dirty lines fit in one
/// allocation.
fn escaped_capacity(len: usize) -> usize {
    len.saturating_add(len / 8).saturating_add(16)
}

/// True if all 16 bytes are printable ASCII. Branch-free so it vectorises;
/// lets clean ASCII (the bulk of log text) skip the per-byte table.
#[inline]
fn all_printable(chunk: &[u8; 16]) -> bool {
    chunk.iter().fold(true, |ok, &b| ok & (b.wrapping_sub(0x20) < 0x5F))
}

/// Finds the first character at or after byte `from` that must be replaced.
/// Returns its byte offset, its byte length and the replacement.
///
/// `split_lines` reports LF as [`Esc::Newline`] in Block mode (for pieces);
/// otherwise a Block-mode LF is ordinary text. With `ascii`, every non-ASCII
/// character must be replaced too.
#[inline]
fn find_event(s: &str, from: usize, mode: Mode, split_lines: bool, ascii: bool) -> Option<(usize, usize, Esc)> {
    if ascii { next_event::<true>(s, from, mode, split_lines) } else { next_event::<false>(s, from, mode, split_lines) }
}

/// The scanner behind [`find_event`], compiled once per charset so the
/// Unicode path is exactly what it was before ASCII existed.
#[inline]
fn next_event<const ASCII: bool>(s: &str, from: usize, mode: Mode, split_lines: bool) -> Option<(usize, usize, Esc)> {
    let bytes = s.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if let Some(chunk) = bytes[i..].first_chunk::<16>()
            && all_printable(chunk)
        {
            i += 16;
            continue;
        }
        // Something in the next 16 bytes is not plain ASCII: classify byte by
        // byte up to the end of that window, then try the fast path again.
        let window_end = bytes.len().min(i + 16);
        while i < window_end {
            let b = bytes[i];
            match BYTE_CLASS[usize::from(b)] {
                PASS if !(ASCII && b >= 0x80) => i += 1,
                CTRL => {
                    let esc = match (b, mode) {
                        (b'\n', Mode::Line) => Esc::Short("\\n"),
                        (b'\n', Mode::Block) if split_lines => Esc::Newline,
                        (b'\n', Mode::Block) => {
                            i += 1;
                            continue;
                        }
                        (b'\r', _) => Esc::Short("\\r"),
                        (b'\t', Mode::Line) => Esc::Short("\\t"),
                        (b'\t', Mode::Block) => Esc::Tab,
                        _ => Esc::Hex(b),
                    };
                    return Some((i, 1, esc));
                }
                _ => {
                    // `i` is always on a char boundary here: we only stop on
                    // ASCII or lead bytes and step over whole chars from
                    // leads. Continuation bytes are PASS and simply skipped
                    // (with ASCII, the first non-ASCII byte is a lead and ends
                    // the scan).
                    match s.get(i..).and_then(|rest| rest.chars().next()) {
                        Some(c) if ASCII || is_escaped_char(c) => {
                            return Some((i, c.len_utf8(), Esc::Code(u32::from(c))));
                        }
                        Some(c) => i += c.len_utf8(),
                        None => i += 1,
                    }
                }
            }
        }
    }
    None
}

enum Seg<'a> {
    Text(&'a str),
    Esc(Esc),
}

impl<'a> Seg<'a> {
    fn write_to<W: fmt::Write + ?Sized>(&self, w: &mut W) -> fmt::Result {
        match *self {
            Seg::Text(t) => w.write_str(t),
            Seg::Esc(e) => e.write_to(w),
        }
    }

    fn into_piece(self) -> Piece<'a> {
        match self {
            Seg::Text(t) => Piece::Text(t),
            Seg::Esc(e) => e.into_piece(),
        }
    }
}

/// Alternating clean text and replacements. Every consumer (sanitize,
/// pieces, Display) is built on this one iterator, so they cannot disagree.
struct Segs<'a> {
    s: &'a str,
    mode: Mode,
    split_lines: bool,
    ascii: bool,
    pos: usize,
    /// The first event at or after `pos`, already found.
    next: Option<(usize, usize, Esc)>,
}

impl<'a> Segs<'a> {
    fn new(s: &'a str, mode: Mode, split_lines: bool, ascii: bool) -> Self {
        let next = find_event(s, 0, mode, split_lines, ascii);
        Self::starting_with(s, mode, split_lines, ascii, next)
    }

    /// Reuses an event the caller already found, so the clean prefix is
    /// scanned only once.
    fn starting_with(
        s: &'a str,
        mode: Mode,
        split_lines: bool,
        ascii: bool,
        next: Option<(usize, usize, Esc)>,
    ) -> Self {
        Segs { s, mode, split_lines, ascii, pos: 0, next }
    }
}

impl<'a> Iterator for Segs<'a> {
    type Item = Seg<'a>;

    fn next(&mut self) -> Option<Seg<'a>> {
        // Offsets come from `next_event`, which only reports char
        // boundaries, so these slices cannot fail.
        match self.next {
            Some((at, _, _)) if at > self.pos => {
                let text = &self.s[self.pos..at];
                self.pos = at;
                Some(Seg::Text(text))
            }
            Some((at, len, esc)) => {
                self.pos = at + len;
                self.next = find_event(self.s, self.pos, self.mode, self.split_lines, self.ascii);
                Some(Seg::Esc(esc))
            }
            None if self.pos < self.s.len() => {
                let text = &self.s[self.pos..];
                self.pos = self.s.len();
                Some(Seg::Text(text))
            }
            None => None,
        }
    }
}

fn push_segs(out: &mut String, segs: Segs<'_>) {
    for seg in segs {
        // Writing into a String cannot fail.
        let _ = seg.write_to(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_sorted_and_disjoint() {
        for pair in ESCAPED_RANGES.windows(2) {
            assert!(pair[0].0 <= pair[0].1, "{pair:x?}");
            assert!(pair[0].1 < pair[1].0, "{pair:x?}");
        }
    }

    /// The byte fast path must never skip a char the table escapes.
    #[test]
    fn every_escaped_char_has_a_marked_lead_byte() {
        for &(lo, hi) in ESCAPED_RANGES {
            for c in (lo..=hi).filter_map(char::from_u32) {
                let mut buf = [0u8; 4];
                let lead = c.encode_utf8(&mut buf).as_bytes()[0];
                assert_eq!(BYTE_CLASS[usize::from(lead)], LEAD, "U+{:04X}", u32::from(c));
            }
        }
    }

    #[test]
    fn clean_text_does_not_allocate() {
        // Borrowed means no allocation: the doc promise in one line.
        assert!(matches!(sanitize("GET /index.html 200", Mode::Line), Cow::Borrowed(_)));
        assert!(matches!(sanitize("a\nb", Mode::Block), Cow::Borrowed(_)));
    }
}
