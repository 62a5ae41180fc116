//! Error fingerprints: the same failure with a different file name, id or count must land
//! in one group, so the engineer sees "EmptyDataError ×37 in 5 sessions", not 37 rows.

use std::hash::{Hash, Hasher};

/// Words that, followed by `:` in a ` | `-separated message, carry per-user context
/// (the repricing log: `User: X on HOST | Python: 3.12 | OS: Windows 11 | File: a.xlsx`).
const CONTEXT_KEYS: &[&str] =
    &["user", "host", "computer", "machine", "python", "os", "file", "path", "pid", "session", "time", "duration"];

/// Masks what varies between occurrences of one failure: numbers, hex ids, UUIDs, quoted
/// strings, paths, file names, e-mail addresses.
pub fn mask(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, segment) in message.split(" | ").enumerate() {
        if i > 0 {
            out.push_str(" | ");
        }
        if let Some((key, _)) = segment.split_once(':')
            && CONTEXT_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key.trim()))
        {
            out.push_str(key);
            out.push_str(": <*>");
            continue;
        }
        mask_segment(segment, &mut out);
    }
    out
}

/// Masks one segment. Runs for every error line while indexing, so it walks bytes and
/// decodes a character only where the byte is not ASCII.
fn mask_segment(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if matches!(c, b'\'' | b'"' | b'`')
            && let Some(end) = memchr::memchr(c, &b[i + 1..])
        {
            out.push_str("<str>");
            i += end + 2;
            continue;
        }
        let end = token_end(s, i);
        if end > i {
            mask_token(&s[i..end], out);
            i = end;
            continue;
        }
        let width = s[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&s[i..i + width]);
        i += width;
    }
}

/// Where the token starting at `from` ends (`from` itself when there is none).
fn token_end(s: &str, from: usize) -> usize {
    let b = s.as_bytes();
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii() {
            if !is_token_char(char::from(c)) {
                return i;
            }
            i += 1;
        } else {
            let Some(ch) = s[i..].chars().next() else { return i };
            if !is_token_char(ch) {
                return i;
            }
            i += ch.len_utf8();
        }
    }
    i
}

#[inline]
fn is_token_char(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | ',' | ';' | '=' | '\'' | '"' | '`' | '<' | '>')
}

fn mask_token(t: &str, out: &mut String) {
    let trimmed = t.trim_end_matches([':', '.', '!', '?']);
    let tail = &t[trimmed.len()..];
    let shape = Shape::of(trimmed);
    let masked = if trimmed.is_empty() {
        None
    } else if shape.slash {
        Some("<path>")
    } else if shape.at && shape.dot {
        Some("<email>")
    } else if shape.dot && looks_like_file(trimmed) {
        Some("<file>")
    } else if shape.digit && shape.only_hex_or_dash && shape.not_dash >= 8 {
        Some("<id>")
    } else if is_hex_literal(trimmed) {
        Some("<hex>")
    } else if shape.digit && !shape.alphabetic {
        Some("<n>")
    } else {
        None
    };
    match masked {
        Some(m) => {
            out.push_str(m);
            out.push_str(tail);
        }
        // The tail is punctuation: without a digit in the word there is nothing to mask.
        None if !shape.digit => out.push_str(t),
        None => mask_digit_runs(t, out),
    }
}

/// What [`mask_token`] asks of a word, from one pass over its chars.
#[derive(Default)]
struct Shape {
    slash: bool,
    at: bool,
    dot: bool,
    digit: bool,
    alphabetic: bool,
    only_hex_or_dash: bool,
    not_dash: usize,
}

impl Shape {
    fn of(t: &str) -> Shape {
        let mut s = Shape { only_hex_or_dash: true, ..Shape::default() };
        for c in t.chars() {
            match c {
                '/' | '\\' => s.slash = true,
                '@' => s.at = true,
                '.' => s.dot = true,
                _ => {}
            }
            s.digit |= c.is_ascii_digit();
            s.alphabetic |= if c.is_ascii() { c.is_ascii_alphabetic() } else { c.is_alphabetic() };
            if c != '-' {
                s.not_dash += 1;
                s.only_hex_or_dash &= c.is_ascii_hexdigit();
            }
        }
        s
    }
}

/// `0xa5`, `0x8007000E`: a byte or an HRESULT, which vary like numbers. Any digit may
/// lead (not only `0`), so that masking stays blind to which digits a message holds.
fn is_hex_literal(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() >= 3 && b[0].is_ascii_digit() && matches!(b[1], b'x' | b'X') && b[2..].iter().all(u8::is_ascii_hexdigit)
}

/// `weird.csv`, `客户.xlsx`: a name, a dot, a short alphanumeric extension with a letter.
/// A number before the dot makes it a measure (`30.5s`), not a file.
fn looks_like_file(t: &str) -> bool {
    let Some((stem, ext)) = t.rsplit_once('.') else { return false };
    !stem.is_empty()
        && !stem.bytes().all(|c| c.is_ascii_digit())
        && (1..=5).contains(&ext.len())
        && ext.bytes().all(|c| c.is_ascii_alphanumeric())
        && ext.bytes().any(|c| c.is_ascii_alphabetic())
        && !stem.ends_with('.')
        // Dotted identifiers such as `pandas.errors` are module paths, not files.
        && !(ext.bytes().all(|c| c.is_ascii_lowercase()) && ext.len() > 4)
}

/// `row42` → `row<n>`: numbers inside words vary too; `30.5s` → `<n>s` like `31s`.
fn mask_digit_runs(t: &str, out: &mut String) {
    let b = t.as_bytes();
    let (mut from, mut i) = (0, 0);
    while i < b.len() {
        if b[i].is_ascii_digit() {
            out.push_str(&t[from..i]);
            out.push_str("<n>");
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
                // A decimal point between digits is part of the number.
                if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                    i += 1;
                }
            }
            from = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&t[from..]);
}

/// A cache key for [`fingerprint`]: a hash of the type and the message with every ASCII
/// digit read as `0`. Masking treats all ASCII digits alike and never copies one into its
/// output, so messages that differ only in which digits they hold (ids, counts, positions)
/// share a fingerprint and this key; a proptest checks it.
pub fn digit_blind_key(error_type: &str, message: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    error_type.hash(&mut h);
    let mut buf = [0u8; 64];
    for piece in message.as_bytes().chunks(buf.len()) {
        let out = &mut buf[..piece.len()];
        for (o, &b) in out.iter_mut().zip(piece) {
            *o = if b.is_ascii_digit() { b'0' } else { b };
        }
        h.write(out);
    }
    h.write_usize(message.len());
    h.finish()
}

/// The group key of an error: its type plus its masked message.
pub fn fingerprint(error_type: &str, message: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    error_type.trim().hash(&mut h);
    mask(message).hash(&mut h);
    h.finish()
}

/// Occurrences of one failure across the whole index.
#[derive(Clone, Debug, Default)]
pub struct ErrorGroup {
    pub fingerprint: u64,
    /// The error type (`EmptyDataError`), when the log says it.
    pub error_type: String,
    /// The masked message shared by the occurrences.
    pub title: String,
    pub count: u64,
    pub first: i64,
    pub last: i64,
    /// Event ids of every occurrence, in timeline order.
    pub occurrences: Vec<u32>,
    /// Session ids, sorted and unique.
    pub sessions: Vec<u32>,
    /// User names, sorted and unique.
    pub users: Vec<String>,
}

impl ErrorGroup {
    pub fn sample(&self) -> Option<u32> {
        self.occurrences.first().copied()
    }

    pub fn add_session(&mut self, session: u32) {
        if let Err(at) = self.sessions.binary_search(&session) {
            self.sessions.insert(at, session);
        }
    }

    pub fn add_user(&mut self, user: &str) {
        if user.is_empty() {
            return;
        }
        if let Err(at) = self.users.binary_search_by(|u| u.as_str().cmp(user)) {
            self.users.insert(at, user.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_failure_different_details_share_a_fingerprint() {
        let a = fingerprint("EmptyDataError", "analyze(weird.csv): EmptyDataError: No columns to parse");
        let b = fingerprint("EmptyDataError", "analyze(données_2026.csv): EmptyDataError: No columns to parse");
        let c = fingerprint("ValueError", "analyze(weird.csv): EmptyDataError: No columns to parse");
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn masks_variable_parts() {
        assert_eq!(mask("row 42 of 'x y' failed"), "row <n> of <str> failed");
        assert_eq!(mask("open C:\\Users\\ann\\a.csv denied"), "open <path> denied");
        assert_eq!(mask("job 3f9c2a1b-77aa-4c1e-9d2e-0123456789ab died"), "job <id> died");
        assert_eq!(mask("Timeout after 30s"), "Timeout after <n>s");
        assert_eq!(mask("Timeout after 30.5s"), "Timeout after <n>s");
        assert_eq!(mask("version v1.2.3 failed"), "version v<n> failed");
        assert_eq!(mask("can not decode byte 0xa5 in position 12"), "can not decode byte <hex> in position <n>");
        assert_eq!(mask("HRESULT 0x8007000E: locked"), "HRESULT <hex>: locked");
        assert_eq!(mask("saved report.csv"), "saved <file>");
        assert_eq!(mask("pandas.errors.ParserError: bad"), "pandas.errors.ParserError: bad");
        assert_eq!(
            mask("USER ERROR - FILE_NOT_FOUND | User: Damion on L01 | Python: 3.12.10 | Action: Import File"),
            "USER ERROR - FILE_NOT_FOUND | User: <*> | Python: <*> | Action: Import File"
        );
    }

    /// Hex ids, hashes and UUIDs: long runs of hex digits with at least one digit.
    fn is_hexish_id(t: &str) -> bool {
        let hex = || t.bytes().filter(|&c| c != b'-');
        hex().count() >= 8 && hex().all(|c| c.is_ascii_hexdigit()) && hex().any(|c| c.is_ascii_digit())
    }

    /// The word masker before it was made one pass (`Shape`); `mask_token` must agree.
    fn reference_token(t: &str, out: &mut String) {
        let trimmed = t.trim_end_matches([':', '.', '!', '?']);
        let tail = &t[trimmed.len()..];
        let masked = if trimmed.is_empty() {
            None
        } else if trimmed.contains(['/', '\\']) {
            Some("<path>")
        } else if trimmed.contains('@') && trimmed.contains('.') {
            Some("<email>")
        } else if looks_like_file(trimmed) {
            Some("<file>")
        } else if is_hexish_id(trimmed) {
            Some("<id>")
        } else if is_hex_literal(trimmed) {
            Some("<hex>")
        } else if trimmed.bytes().any(|b| b.is_ascii_digit()) && !trimmed.chars().any(char::is_alphabetic) {
            Some("<n>")
        } else {
            None
        };
        match masked {
            Some(m) => {
                out.push_str(m);
                out.push_str(tail);
            }
            None => reference_digit_runs(t, out),
        }
    }

    fn reference_digit_runs(t: &str, out: &mut String) {
        let chars: Vec<char> = t.chars().collect();
        let mut in_digits = false;
        for (k, &c) in chars.iter().enumerate() {
            let decimal_point = c == '.'
                && in_digits
                && chars.get(k + 1).is_some_and(char::is_ascii_digit)
                && chars.get(k.wrapping_sub(1)).is_some_and(char::is_ascii_digit);
            if c.is_ascii_digit() || decimal_point {
                if !in_digits {
                    out.push_str("<n>");
                    in_digits = true;
                }
            } else {
                in_digits = false;
                out.push(c);
            }
        }
    }

    fn masked(s: &str) -> String {
        let mut out = String::new();
        mask_segment(s, &mut out);
        out
    }

    fn reference_masked(s: &str) -> String {
        let mut out = String::new();
        reference_segment(s, &mut out);
        out
    }

    /// The char-by-char masker the byte walker replaced: the walker must agree with it.
    fn reference_segment(s: &str, out: &mut String) {
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if matches!(c, '\'' | '"' | '`')
                && let Some(end) = rest[1..].find(c)
            {
                out.push_str("<str>");
                rest = &rest[end + 2..];
                continue;
            }
            if is_token_char(c) {
                let end = rest.find(|d: char| !is_token_char(d)).unwrap_or(rest.len());
                reference_token(&rest[..end], out);
                rest = &rest[end..];
                continue;
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }

    proptest::proptest! {
        #[test]
        fn masking_ignores_which_digits_appear(s in "[ -~\u{a0}\u{e9}\u{4e2d}'\"`()|:0-9a-f]{0,60}", d in 0u8..10) {
            let zeros: String = s.chars().map(|c| if c.is_ascii_digit() { char::from(b'0' + d) } else { c }).collect();
            proptest::prop_assert_eq!(mask(&s), mask(&zeros));
            proptest::prop_assert_eq!(digit_blind_key("E", &s), digit_blind_key("E", &zeros));
        }

        #[test]
        fn byte_walker_masks_like_the_reference(s in "[ -~\u{a0}\u{3000}\u{e9}\u{4e2d}'\"`()0-9a-f]{0,60}") {
            proptest::prop_assert_eq!(masked(&s), reference_masked(&s));
        }

        /// Words of hex digits and dashes with at most one other character, so ids of
        /// every length, files, e-mails and paths come up often.
        #[test]
        fn words_mask_like_the_reference(s in "([0-9a-f\\-]{0,12}[xX.@/\\\\é中:!?]?[0-9a-f]{0,4} ){1,4}") {
            proptest::prop_assert_eq!(masked(&s), reference_masked(&s));
        }
    }

    #[test]
    fn groups_keep_sorted_unique_sets() {
        let mut g = ErrorGroup::default();
        for s in [3, 1, 3, 2] {
            g.add_session(s);
        }
        for u in ["bob", "alice", "bob", ""] {
            g.add_user(u);
        }
        assert_eq!(g.sessions, [1, 2, 3]);
        assert_eq!(g.users, ["alice", "bob"]);
    }
}
