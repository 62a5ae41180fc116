//! A validating, allocation-free scanner for one JSON object per line.
//!
//! Indexing must look at every line of a gigabyte of logs, so it cannot build a
//! `serde_json::Value` (or even a borrowed struct) per line. This scanner walks the top
//! level of an object, hands each member to a visitor as raw slices, and skips nested
//! values while still checking that they are well formed, so a line cut off by a crash is
//! reported as unparsed instead of being half-read. It never recurses, so hostile nesting
//! cannot overflow the stack.
//!
//! It is deliberately a little more lenient than RFC 8259 where real writers are: raw
//! control characters inside strings, and Python's `NaN` / `Infinity` numbers, are read,
//! because losing an otherwise readable line would hide evidence.

use super::quotes::QuoteMap;
use memchr::memchr2;
use std::ops::ControlFlow;

/// Deeper nesting than this is reported as an error. Past serde_json's default limit of
/// 128 on purpose: a line nested 200 deep is still an event (`quirks/deep-nesting.jsonl`).
pub const MAX_DEPTH: usize = 512;

/// A member value as it appears in the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// The content between the quotes, still escaped.
    Str(RawStr<'a>),
    /// The number lexeme exactly as written.
    Num(&'a [u8]),
    // Two unit variants, not `Bool(bool)`: a payload byte after the tag made every move of
    // a value copy seven odd bytes, which stalled the CPU on the member walk (`perf`).
    True,
    False,
    Null,
    /// The whole object text including braces; scan it again with [`scan_object`].
    Object(&'a [u8]),
    /// The whole array text including brackets.
    Array(&'a [u8]),
}

/// String content without the surrounding quotes, possibly containing escapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawStr<'a> {
    pub raw: &'a [u8],
    escapes: Escapes,
}

/// Whether a string has escapes, as a whole word: a `bool` here left seven bytes after it
/// that every move of a [`Value`] copied in two overlapping pieces, and the CPU stalled
/// reading them back, on every member of every line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
enum Escapes {
    No,
    Yes,
}

impl<'a> RawStr<'a> {
    pub fn new(raw: &'a [u8], has_escapes: bool) -> RawStr<'a> {
        RawStr { raw, escapes: if has_escapes { Escapes::Yes } else { Escapes::No } }
    }

    /// A string without escapes.
    pub fn plain(raw: &'a [u8]) -> RawStr<'a> {
        RawStr { raw, escapes: Escapes::No }
    }

    pub fn has_escapes(&self) -> bool {
        self.escapes == Escapes::Yes
    }

    /// Unescaped text; borrowed when there was nothing to unescape and the bytes are UTF-8.
    pub fn text(&self) -> std::borrow::Cow<'a, str> {
        if self.has_escapes() { std::borrow::Cow::Owned(unescape(self.raw)) } else { String::from_utf8_lossy(self.raw) }
    }
}

/// Why a line is not a JSON object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanError {
    /// The line does not start with `{`: text, or another JSON type.
    NotAnObject,
    /// The line ends inside the object (a crash or a partial write).
    Truncated,
    /// An unexpected byte at this offset of the line.
    Invalid(usize),
    /// More JSON after the closing brace: often two writers' lines spliced together.
    TrailingData(usize),
    TooDeep,
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanError::NotAnObject => f.write_str("not a JSON object"),
            ScanError::Truncated => f.write_str("truncated JSON (line ends inside the object)"),
            ScanError::Invalid(at) => write!(f, "invalid JSON at byte {at}"),
            ScanError::TrailingData(at) => {
                write!(f, "extra data after the JSON object at byte {at} (spliced lines?)")
            }
            ScanError::TooDeep => write!(f, "JSON nested deeper than {MAX_DEPTH} levels"),
        }
    }
}

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Index of the next `"` or `\\` at or after `from`. Keys and most values are short,
/// where eight bytes at a time (SWAR) beat SIMD set-up; long values go to memchr.
#[inline(always)]
fn find_quote_or_backslash(s: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut j = from;
    let short_end = s.len().min(from + 48);
    while j + 8 <= short_end {
        let mut word = [0u8; 8];
        word.copy_from_slice(&s[j..j + 8]);
        let w = u64::from_le_bytes(word);
        let q = w ^ (ONES * u64::from(b'"'));
        let b = w ^ (ONES * u64::from(b'\\'));
        // A byte of `q` or `b` is zero where `w` has a quote or backslash; the lowest flagged
        // byte is exact (borrows only run upwards).
        let hits = (q.wrapping_sub(ONES) & !q | b.wrapping_sub(ONES) & !b) & HIGHS;
        if hits != 0 {
            return Some(j + (hits.trailing_zeros() / 8) as usize);
        }
        j += 8;
    }
    if j + 8 > short_end && short_end == s.len() {
        while j < s.len() {
            if s[j] == b'"' || s[j] == b'\\' {
                return Some(j);
            }
            j += 1;
        }
        return None;
    }
    memchr2(b'"', b'\\', &s[j..]).map(|k| j + k)
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && is_ws(self.s[self.i]) {
            self.i += 1;
        }
    }

    #[inline]
    fn peek(&self) -> Result<u8, ScanError> {
        self.s.get(self.i).copied().ok_or(ScanError::Truncated)
    }

    /// Reads a string whose opening quote is at `self.i`; leaves `i` after the closing quote.
    #[inline]
    fn string(&mut self) -> Result<RawStr<'a>, ScanError> {
        let start = self.i + 1;
        let mut j = start;
        let mut has_escapes = false;
        loop {
            j = find_quote_or_backslash(self.s, j).ok_or(ScanError::Truncated)?;
            if self.s[j] == b'"' {
                self.i = j + 1;
                return Ok(RawStr::new(&self.s[start..j], has_escapes));
            }
            has_escapes = true;
            let esc = *self.s.get(j + 1).ok_or(ScanError::Truncated)?;
            match esc {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => j += 2,
                b'u' => {
                    let hex = self.s.get(j + 2..j + 6).ok_or(ScanError::Truncated)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(ScanError::Invalid(j));
                    }
                    j += 6;
                }
                _ => return Err(ScanError::Invalid(j + 1)),
            }
        }
    }

    #[inline]
    fn number(&mut self) -> Result<&'a [u8], ScanError> {
        let start = self.i;
        let s = self.s;
        let mut j = start;
        if s.get(j) == Some(&b'-') {
            j += 1;
        }
        let int_start = j;
        while j < s.len() && s[j].is_ascii_digit() {
            j += 1;
        }
        if j == int_start {
            return Err(if j >= s.len() { ScanError::Truncated } else { ScanError::Invalid(j) });
        }
        if s.get(j) == Some(&b'.') {
            j += 1;
            let frac = j;
            while j < s.len() && s[j].is_ascii_digit() {
                j += 1;
            }
            if j == frac {
                return Err(if j >= s.len() { ScanError::Truncated } else { ScanError::Invalid(j) });
            }
        }
        if matches!(s.get(j), Some(b'e' | b'E')) {
            j += 1;
            if matches!(s.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            let exp = j;
            while j < s.len() && s[j].is_ascii_digit() {
                j += 1;
            }
            if j == exp {
                return Err(if j >= s.len() { ScanError::Truncated } else { ScanError::Invalid(j) });
            }
        }
        self.i = j;
        Ok(&s[start..j])
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), ScanError> {
        let end = self.i + word.len();
        match self.s.get(self.i..end) {
            Some(got) if got == word => {
                self.i = end;
                Ok(())
            }
            Some(_) => Err(ScanError::Invalid(self.i)),
            None if word.starts_with(&self.s[self.i..]) => Err(ScanError::Truncated),
            None => Err(ScanError::Invalid(self.i)),
        }
    }

    fn python_number(&mut self, word: &[u8]) -> Result<Value<'a>, ScanError> {
        let start = self.i;
        self.literal(word)?;
        Ok(Value::Num(&self.s[start..self.i]))
    }

    /// Reads any value at `self.i` (after whitespace).
    fn value(&mut self) -> Result<Value<'a>, ScanError> {
        match self.peek()? {
            b'"' => self.string().map(Value::Str),
            b'{' => {
                let start = self.i;
                self.skip_container()?;
                Ok(Value::Object(&self.s[start..self.i]))
            }
            b'[' => {
                let start = self.i;
                self.skip_container()?;
                Ok(Value::Array(&self.s[start..self.i]))
            }
            b't' => self.literal(b"true").map(|_| Value::True),
            b'f' => self.literal(b"false").map(|_| Value::False),
            b'n' => self.literal(b"null").map(|_| Value::Null),
            b'-' if self.s.get(self.i + 1) == Some(&b'I') => self.python_number(b"-Infinity"),
            b'-' | b'0'..=b'9' => self.number().map(Value::Num),
            // Python's json.dumps writes these for float('nan') and float('inf').
            b'N' => self.python_number(b"NaN"),
            b'I' => self.python_number(b"Infinity"),
            _ => Err(ScanError::Invalid(self.i)),
        }
    }

    /// Skips a nested object or array with a bit stack instead of recursion.
    fn skip_container(&mut self) -> Result<(), ScanError> {
        // One bit per level: 1 = object, 0 = array.
        let mut kinds = [0u64; MAX_DEPTH / 64];
        let mut depth = 0usize;
        // What the grammar allows next inside the innermost container.
        #[derive(PartialEq)]
        enum Want {
            FirstOrClose,
            Value,
            CommaOrClose,
        }
        let mut want;
        let open = |kinds: &mut [u64], depth: usize, is_obj: bool| {
            let (w, b) = (depth / 64, depth % 64);
            if is_obj {
                kinds[w] |= 1 << b;
            } else {
                kinds[w] &= !(1 << b);
            }
        };
        let is_obj = |kinds: &[u64], depth: usize| kinds[depth / 64] >> (depth % 64) & 1 == 1;

        open(&mut kinds, 0, self.s[self.i] == b'{');
        self.i += 1;
        want = Want::FirstOrClose;
        loop {
            self.skip_ws();
            let c = self.peek()?;
            let in_obj = is_obj(&kinds, depth);
            if c == b'}' || c == b']' {
                if want == Want::Value || (c == b'}') != in_obj {
                    return Err(ScanError::Invalid(self.i));
                }
                self.i += 1;
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
                want = Want::CommaOrClose;
                continue;
            }
            match want {
                Want::CommaOrClose => {
                    if c != b',' {
                        return Err(ScanError::Invalid(self.i));
                    }
                    self.i += 1;
                    want = Want::Value;
                    continue;
                }
                Want::FirstOrClose | Want::Value => {}
            }
            if in_obj {
                if c != b'"' {
                    return Err(ScanError::Invalid(self.i));
                }
                self.string()?;
                self.skip_ws();
                if self.peek()? != b':' {
                    return Err(ScanError::Invalid(self.i));
                }
                self.i += 1;
                self.skip_ws();
            }
            match self.peek()? {
                b @ (b'{' | b'[') => {
                    depth += 1;
                    if depth >= MAX_DEPTH {
                        return Err(ScanError::TooDeep);
                    }
                    open(&mut kinds, depth, b == b'{');
                    self.i += 1;
                    want = Want::FirstOrClose;
                }
                _ => {
                    self.value()?;
                    want = Want::CommaOrClose;
                }
            }
        }
    }
}

/// Walks the members of the object that makes up `line` (surrounding whitespace allowed),
/// calling `visit(raw_key, value)` for each. Keys are passed still escaped; the keys that
/// matter to us never contain escapes.
// Kept out of line: when inlined into the indexer's caller, the compiler's register choices
// made the whole parse slower, and which way it went changed with unrelated edits.
#[inline(never)]
pub fn scan_object<'a>(line: &'a [u8], mut visit: impl FnMut(RawStr<'a>, Value<'a>)) -> Result<(), ScanError> {
    walk(line, |k, v| {
        visit(k, v);
        ControlFlow::Continue(())
    })
    .map(|_| ())
}

/// The first top-level member for which `pick` returns a value, without reading the rest
/// of the line. For lines the index already validated: what follows the member is not
/// checked.
pub fn find_member<'a, T>(line: &'a [u8], mut pick: impl FnMut(RawStr<'a>, Value<'a>) -> Option<T>) -> Option<T> {
    let mut found = None;
    let _ = walk(line, |k, v| match pick(k, v) {
        Some(t) => {
            found = Some(t);
            ControlFlow::Break(())
        }
        None => ControlFlow::Continue(()),
    });
    found
}

/// The member walk behind [`scan_object`] and [`find_member`]; `Ok(false)` when `visit`
/// stopped it early.
#[inline(always)]
fn walk<'a>(
    line: &'a [u8],
    mut visit: impl FnMut(RawStr<'a>, Value<'a>) -> ControlFlow<()>,
) -> Result<bool, ScanError> {
    // Hot path of indexing: positions stay in registers (free functions over `(s, i)`),
    // Python's `", "` / `": "` separators are skipped without a loop.
    let s = line;
    let n = s.len();
    let mut i = ws(s, 0);
    if i >= n || s[i] != b'{' {
        return Err(ScanError::NotAnObject);
    }
    let mut map = QuoteMap::empty();
    let quotes = map.fill(s).then_some(&map);
    i = ws(s, i + 1);
    if i >= n {
        return Err(ScanError::Truncated);
    }
    if s[i] == b'}' {
        i += 1;
    } else {
        loop {
            if s[i] != b'"' {
                return Err(ScanError::Invalid(i));
            }
            let (key, after) = read_string_with(s, i, quotes)?;
            i = ws(s, after);
            if i >= n {
                return Err(ScanError::Truncated);
            }
            if s[i] != b':' {
                return Err(ScanError::Invalid(i));
            }
            i = ws(s, i + 1);
            if i >= n {
                return Err(ScanError::Truncated);
            }
            let (value, after) = match s[i] {
                b'"' => {
                    let (v, a) = read_string_with(s, i, quotes)?;
                    (Value::Str(v), a)
                }
                _ => {
                    let mut c = Cursor { s, i };
                    let v = c.value()?;
                    (v, c.i)
                }
            };
            if visit(key, value).is_break() {
                return Ok(false);
            }
            i = ws(s, after);
            if i >= n {
                return Err(ScanError::Truncated);
            }
            match s[i] {
                b',' => {
                    i = ws(s, i + 1);
                    if i >= n {
                        return Err(ScanError::Truncated);
                    }
                }
                b'}' => {
                    i += 1;
                    break;
                }
                _ => return Err(ScanError::Invalid(i)),
            }
        }
    }
    i = ws(s, i);
    if i < n {
        return Err(ScanError::TrailingData(i));
    }
    Ok(true)
}

/// Skips whitespace from `i`; the common cases (none, one space) need no loop.
#[inline(always)]
fn ws(s: &[u8], mut i: usize) -> usize {
    match s.get(i) {
        Some(&b) if b > b' ' => return i,
        Some(b' ') if s.get(i + 1).is_some_and(|&b| b > b' ') => return i + 1,
        _ => {}
    }
    while i < s.len() && is_ws(s[i]) {
        i += 1;
    }
    i
}

/// Reads the string whose opening quote is at `i`; returns it and the index after it.
#[inline(always)]
fn read_string(s: &[u8], i: usize) -> Result<(RawStr<'_>, usize), ScanError> {
    let start = i + 1;
    let j = find_quote_or_backslash(s, start).ok_or(ScanError::Truncated)?;
    if s[j] == b'"' {
        return Ok((RawStr::plain(&s[start..j]), j + 1));
    }
    let mut c = Cursor { s, i };
    let r = c.string()?;
    Ok((r, c.i))
}

/// Like [`read_string`], with the line's quote map when it has one.
#[inline(always)]
fn read_string_with<'a>(s: &'a [u8], i: usize, quotes: Option<&QuoteMap>) -> Result<(RawStr<'a>, usize), ScanError> {
    match quotes {
        Some(q) => {
            let j = q.string_end(i + 1).ok_or(ScanError::Truncated)?;
            Ok((RawStr::plain(&s[i + 1..j]), j + 1))
        }
        None => read_string(s, i),
    }
}

/// Where a JSON object line that breaks off stops, as [`scan_cut_object`] found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutAt<'a> {
    /// Inside the string value of this key: its text up to the cut, still escaped (an
    /// escape or a UTF-8 character cut in half is left out).
    StringValue(RawStr<'a>, RawStr<'a>),
    /// Inside the object value of this key: the object's text from its `{` to the cut.
    ObjectValue(RawStr<'a>, &'a [u8]),
    /// Anywhere else: in a key, between members, in a number, an array or a literal.
    Elsewhere,
}

/// Walks an object line that breaks off (a crash, or another writer's line spliced in)
/// and calls `visit` for each member written whole before the break. A number that runs
/// to the end of the text is not whole (`"time":17` may have been `17473...`). For
/// unreadable lines only: it is slower than [`scan_object`] and never on the index's hot
/// path.
pub fn scan_cut_object<'a>(line: &'a [u8], mut visit: impl FnMut(RawStr<'a>, Value<'a>)) -> CutAt<'a> {
    let mut c = Cursor { s: line, i: 0 };
    c.skip_ws();
    if c.peek() != Ok(b'{') {
        return CutAt::Elsewhere;
    }
    c.i += 1;
    loop {
        c.skip_ws();
        if c.peek() != Ok(b'"') {
            return CutAt::Elsewhere;
        }
        let Ok(key) = c.string() else { return CutAt::Elsewhere };
        c.skip_ws();
        if c.peek() != Ok(b':') {
            return CutAt::Elsewhere;
        }
        c.i += 1;
        c.skip_ws();
        match c.peek() {
            Ok(b'"') => {
                let start = c.i + 1;
                match c.string() {
                    Ok(v) => visit(key, Value::Str(v)),
                    Err(ScanError::Truncated) => return CutAt::StringValue(key, partial_string(&line[start..])),
                    Err(_) => return CutAt::Elsewhere,
                }
            }
            Ok(b'{') => {
                let start = c.i;
                match c.value() {
                    Ok(v) => visit(key, v),
                    Err(ScanError::Truncated) => return CutAt::ObjectValue(key, &line[start..]),
                    Err(_) => return CutAt::Elsewhere,
                }
            }
            Ok(_) => {
                let Ok(v) = c.value() else { return CutAt::Elsewhere };
                c.skip_ws();
                if c.i >= line.len() && matches!(v, Value::Num(_)) {
                    return CutAt::Elsewhere;
                }
                visit(key, v);
            }
            Err(_) => return CutAt::Elsewhere,
        }
        c.skip_ws();
        if c.peek() != Ok(b',') {
            return CutAt::Elsewhere;
        }
        c.i += 1;
    }
}

/// The text of a string cut short, without an escape or a UTF-8 sequence cut in half.
fn partial_string(raw: &[u8]) -> RawStr<'_> {
    let mut end = raw.len();
    // An escape cut in half: a lone `\`, or `\u` with fewer than four hex digits.
    if let Some(k) = raw[end.saturating_sub(6)..].iter().rposition(|&b| b == b'\\') {
        let at = end.saturating_sub(6) + k;
        let escaped_backslash = raw[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
        if !escaped_backslash {
            let rest = &raw[at + 1..end];
            let whole = match rest.first() {
                None => false,
                Some(b'u') => rest.len() >= 5,
                Some(_) => true,
            };
            if !whole {
                end = at;
            }
        }
    }
    if let Err(e) = std::str::from_utf8(&raw[..end])
        && e.error_len().is_none()
    {
        end = e.valid_up_to();
    }
    let raw = &raw[..end];
    RawStr::new(raw, memchr::memchr(b'\\', raw).is_some())
}

/// Checks that `text` is one complete JSON value of any type (used to tell "valid JSON but
/// not an object" from garbage).
pub fn is_json_value(text: &[u8]) -> bool {
    let mut c = Cursor { s: text, i: 0 };
    c.skip_ws();
    if c.i >= text.len() || c.value().is_err() {
        return false;
    }
    c.skip_ws();
    c.i == text.len()
}

/// Finds a member by key path (`["args", "path"]`) in an object text. A dotted key written
/// literally (`"log.level"`) is found too, so ECS-style flattened keys work.
pub fn get_path<'a>(object: &'a [u8], path: &[&str]) -> Option<Value<'a>> {
    let (first, rest) = path.split_first()?;
    find_member(object, |k, v| {
        if key_eq(k, first) {
            if rest.is_empty() {
                Some(v)
            } else if let Value::Object(inner) = v {
                get_path(inner, rest)
            } else {
                None
            }
        } else if !rest.is_empty() && key_is_dotted_prefix(k, path) {
            Some(v)
        } else {
            None
        }
    })
}

fn key_eq(k: RawStr<'_>, want: &str) -> bool {
    if k.has_escapes() { unescape(k.raw) == want } else { k.raw == want.as_bytes() }
}

fn key_is_dotted_prefix(k: RawStr<'_>, path: &[&str]) -> bool {
    let joined = path.join(".");
    k.raw == joined.as_bytes()
}

/// Decodes JSON string escapes. Invalid UTF-8 and lone surrogates become U+FFFD; the raw
/// bytes stay in the file for export.
pub fn unescape(raw: &[u8]) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' {
            let next = memchr::memchr(b'\\', &raw[i..]).map_or(raw.len(), |k| i + k);
            out.extend_from_slice(&raw[i..next]);
            i = next;
            continue;
        }
        let Some(&e) = raw.get(i + 1) else {
            out.push(b'\\');
            break;
        };
        i += 2;
        let simple = match e {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            continue;
        }
        if e != b'u' {
            out.push(e);
            continue;
        }
        let Some(hi) = hex4(raw.get(i..i + 4)) else {
            out.extend_from_slice("\u{FFFD}".as_bytes());
            continue;
        };
        i += 4;
        let ch = if (0xD800..0xDC00).contains(&hi) {
            let lo = if raw.get(i..i + 2) == Some(b"\\u") { hex4(raw.get(i + 2..i + 6)) } else { None };
            match lo {
                Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                }
                _ => None,
            }
        } else {
            char::from_u32(hi)
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.unwrap_or('\u{FFFD}').encode_utf8(&mut buf).as_bytes());
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn hex4(b: Option<&[u8]>) -> Option<u32> {
    let b = b?;
    if b.len() != 4 {
        return None;
    }
    let s = std::str::from_utf8(b).ok()?;
    u32::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(line: &str) -> Result<Vec<(String, String)>, ScanError> {
        let mut out = Vec::new();
        scan_object(line.as_bytes(), |k, v| {
            let v = match v {
                Value::Str(s) => format!("s:{}", s.text()),
                Value::Num(n) => format!("n:{}", String::from_utf8_lossy(n)),
                Value::True => "b:true".into(),
                Value::False => "b:false".into(),
                Value::Null => "null".into(),
                Value::Object(o) => format!("o:{}", String::from_utf8_lossy(o)),
                Value::Array(a) => format!("a:{}", String::from_utf8_lossy(a)),
            };
            out.push((k.text().into_owned(), v));
        })?;
        Ok(out)
    }

    #[test]
    fn find_member_stops_at_the_first_pick() {
        fn pick<'a>(k: RawStr<'a>, v: Value<'a>) -> Option<Value<'a>> {
            (k.raw == b"msg").then_some(v)
        }
        let line = br#"{"ts": 1, "msg": "first", "msg": "second", "rest": [1, 2"#;
        assert_eq!(find_member(line, pick), Some(Value::Str(RawStr::plain(b"first"))));
        assert_eq!(find_member(br#"{"a": 1}"#, pick), None);
        assert_eq!(find_member(br#"{"a": [1, "msg": 2}"#, pick), None);
    }

    #[test]
    fn reads_top_level_members() {
        let m =
            members(r#"{"ts":"2026-05-17T05:30:00Z", "n": -1.5e3, "ok":true,"x":null,"o":{"a":[1,{"b":2}]},"arr":[]}"#)
                .unwrap();
        assert_eq!(m[0], ("ts".into(), "s:2026-05-17T05:30:00Z".into()));
        assert_eq!(m[1], ("n".into(), "n:-1.5e3".into()));
        assert_eq!(m[2], ("ok".into(), "b:true".into()));
        assert_eq!(m[3], ("x".into(), "null".into()));
        assert_eq!(m[4], ("o".into(), r#"o:{"a":[1,{"b":2}]}"#.into()));
        assert_eq!(m[5], ("arr".into(), "a:[]".into()));
    }

    #[test]
    fn classifies_broken_lines() {
        assert_eq!(members(r#"{"a":"b"#), Err(ScanError::Truncated));
        assert_eq!(members(r#"{"a":{"b":[1,2"#), Err(ScanError::Truncated));
        assert_eq!(members("42"), Err(ScanError::NotAnObject));
        assert_eq!(members("Traceback (most recent call last):"), Err(ScanError::NotAnObject));
        assert!(matches!(members(r#"{"a":1,}"#), Err(ScanError::Invalid(_))));
        assert!(matches!(members(r#"{"a":1}{"b":2}"#), Err(ScanError::TrailingData(7))));
        assert!(matches!(members(r#"{"a":[1,]}"#), Err(ScanError::Invalid(_))));
        assert!(matches!(members(r#"{"a":tru}"#), Err(ScanError::Invalid(_))));
        assert!(matches!(members(r#"{"a":"\q"}"#), Err(ScanError::Invalid(_))));
        assert!(matches!(members(r#"{"a":[}"#), Err(ScanError::Invalid(_))));
        assert!(matches!(members(r#"{"a":{]}"#), Err(ScanError::Invalid(_))));
        assert_eq!(members(r#"{"a":tr"#), Err(ScanError::Truncated));
    }

    #[test]
    fn python_writers_quirks_are_read() {
        let m = members("{\"a\":NaN,\"b\":-Infinity,\"c\":Infinity,\"d\":\"tab\there\"}").unwrap();
        assert_eq!(m[0].1, "n:NaN");
        assert_eq!(m[1].1, "n:-Infinity");
        assert_eq!(m[3].1, "s:tab\there");
        assert_eq!(members(r#"{"a":Na"#), Err(ScanError::Truncated));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(r#"{{"a":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(members(&deep), Err(ScanError::TooDeep));
        let ok = format!(r#"{{"a":{}{}}}"#, "[".repeat(200), "]".repeat(200));
        assert!(members(&ok).is_ok());
    }

    #[test]
    fn unescapes_strings_and_surrogates() {
        assert_eq!(unescape(br#"a\"b\\c\/d\n\t"#), "a\"b\\c/d\n\t");
        assert_eq!(unescape(br"\u00e9\ud83d\ude00"), "é😀");
        assert_eq!(unescape(br"\ud800x"), "\u{FFFD}x");
        assert_eq!(unescape(br"\u001b[2J"), "\u{1b}[2J");
        assert_eq!(unescape(b"ok\xffno"), "ok\u{FFFD}no");
    }

    #[test]
    fn finds_nested_and_dotted_paths() {
        let line = br#"{"log":{"level":"error"},"fields":{"message":"hi"},"log.origin":"x"}"#;
        assert!(matches!(get_path(line, &["log", "level"]), Some(Value::Str(s)) if s.raw == b"error"));
        assert!(matches!(get_path(line, &["fields", "message"]), Some(Value::Str(s)) if s.raw == b"hi"));
        assert!(matches!(get_path(line, &["log", "origin"]), Some(Value::Str(s)) if s.raw == b"x"));
        assert_eq!(get_path(line, &["nope"]), None);
    }

    #[test]
    fn tells_json_values_from_garbage() {
        for v in ["42", "null", "[1,2]", "\"str\"", "true", " {} "] {
            assert!(is_json_value(v.as_bytes()), "{v}");
        }
        for v in ["", "nul", "[1,", "hello", "1 2"] {
            assert!(!is_json_value(v.as_bytes()), "{v}");
        }
    }
}
