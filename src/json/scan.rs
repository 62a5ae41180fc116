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

/// What [`find_member`] finds for the first top-level `message` or `msg` string, found
/// without walking the object: the string's raw bytes, when it has no escapes and the line
/// before its key has no `\`, and no `{` or `[` after the opening brace. Before such a key
/// every quote is a string's and nothing is nested, and its quote opens a string (after a
/// closing one, a letter is not valid). `None` when unsure (a backslash, nesting, a number
/// under either name, no such key): then walk with [`find_member`]. For lines the index
/// already validated, as `find_member`: the members before the string are not checked.
///
/// `line` may run on past the line's end (the rest of the data, so that the end need not
/// be found first): nothing past a `\n` is read as part of the line.
pub fn flat_message(line: &[u8]) -> Option<&[u8]> {
    let start = flat_message_start(line)?;
    let end = string_end(line, start)?;
    Some(&line[start..end])
}

/// Where [`flat_message`]'s string starts (after its opening quote), before its end is
/// looked for: the caller reads the string on, up to a `"`, and knows nothing when a `\`
/// or a line break comes first.
pub fn flat_message_start(line: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above; std caches the answer).
        return unsafe { flat_message_start_avx2(line) };
    }
    flat_message_start_by(line, key_start_or_stop)
}

/// [`flat_message_start`] with AVX2, for callers with AVX2 to inline: the filter reads
/// the start of every line with it.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
pub unsafe fn flat_message_start_avx2(line: &[u8]) -> Option<usize> {
    flat_message_start_by(line, |s, from| {
        // SAFETY: the caller has made sure of AVX2.
        match unsafe { key_start_or_stop_avx2(s, from) } {
            Ok(at) => Some(at),
            Err(rest) => key_start_or_stop(s, rest),
        }
    })
}

/// [`flat_message_start`] with the scan for keys and stops it is given.
#[inline(always)]
fn flat_message_start_by(line: &[u8], key_start_or_stop: impl Fn(&[u8], usize) -> Option<usize>) -> Option<usize> {
    // Spaces, tabs and carriage returns: a line break ends the line.
    let blank = |mut i: usize| {
        while line.get(i).is_some_and(|&b| matches!(b, b' ' | b'\t' | b'\r')) {
            i += 1;
        }
        i
    };
    if line.first() != Some(&b'{') {
        return None;
    }
    let mut from = 1;
    loop {
        let at = key_start_or_stop(line, from).filter(|&i| line[i] == b'"')?;
        let rest = &line[at + 1..];
        let key_end = if rest.starts_with(b"message\"") {
            at + 8
        } else if rest.starts_with(b"msg\"") {
            at + 4
        } else {
            // Another key, or a string value that starts with `m`.
            from = string_end(line, at + 1)? + 1;
            continue;
        };
        let colon = blank(key_end + 1);
        if line.get(colon) != Some(&b':') {
            // A value that reads `message`.
            from = key_end + 1;
            continue;
        }
        let open = blank(colon + 1);
        return (line.get(open) == Some(&b'"')).then_some(open + 1);
    }
}

/// The closing quote of a string from `from` on; `None` at a backslash or a line break
/// first (an escape, or a string that does not end on its line). Eight bytes at a time
/// as [`find_quote_or_backslash`].
fn string_end(s: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x;
    let mut j = from;
    while j + 8 <= s.len().min(from + 48) {
        let mut word = [0u8; 8];
        word.copy_from_slice(&s[j..j + 8]);
        let w = u64::from_le_bytes(word);
        // The lowest flagged byte is exact (borrows only run upwards).
        let hits =
            (zeros(w ^ (ONES * u64::from(b'"'))) | zeros(w ^ (ONES * u64::from(b'\\'))) | zeros(w ^ (ONES * 10)))
                & HIGHS;
        if hits != 0 {
            let k = j + (hits.trailing_zeros() / 8) as usize;
            return (s[k] == b'"').then_some(k);
        }
        j += 8;
    }
    let k = j + memchr::memchr3(b'"', b'\\', b'\n', s.get(j..)?)?;
    (s[k] == b'"').then_some(k)
}

/// Where [`flat_message`] stops looking from `from` on: a `"` before an `m` (a key that may
/// be `message` or `msg`), or a `\`, `{`, `[` or line break (nothing is known past it).
fn key_start_or_stop(s: &[u8], from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
    let from = match unsafe { key_start_or_stop_sse2(s, from) } {
        Ok(at) => return Some(at),
        Err(rest) => rest,
    };
    (from..s.len()).find(|&i| match s[i] {
        b'\\' | b'{' | b'[' | b'\n' => true,
        b'"' => s.get(i + 1) == Some(&b'm'),
        _ => false,
    })
}

/// [`key_start_or_stop`] thirty-two bytes at a time: half the loop of SSE2 before the
/// `message` key of a typical line. `Err` with where the last bytes (fewer than
/// thirty-three) begin when nothing was found before them.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn key_start_or_stop_avx2(s: &[u8], from: usize) -> Result<usize, usize> {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let is = |v: __m256i, byte: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(byte as i8));
    let mut p = from;
    while p + 33 <= s.len() {
        // SAFETY: both loads read thirty-two bytes within `s` (p + 33 <= s.len()).
        let (here, next) =
            unsafe { (_mm256_loadu_si256(s.as_ptr().add(p).cast()), _mm256_loadu_si256(s.as_ptr().add(p + 1).cast())) };
        let stops = _mm256_or_si256(
            _mm256_or_si256(is(here, b'\\'), is(here, b'{')),
            _mm256_or_si256(is(here, b'['), is(here, b'\n')),
        );
        let keys = _mm256_movemask_epi8(is(here, b'"')) & _mm256_movemask_epi8(is(next, b'm'));
        let found = (_mm256_movemask_epi8(stops) | keys) as u32;
        if found != 0 {
            return Ok(p + found.trailing_zeros() as usize);
        }
        p += 32;
    }
    Err(p)
}

/// [`key_start_or_stop`] sixteen bytes at a time; `Err` with where the last bytes (fewer
/// than seventeen) begin when nothing was found before them.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn key_start_or_stop_sse2(s: &[u8], from: usize) -> Result<usize, usize> {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let is = |v: __m128i, byte: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8));
    let mut p = from;
    while p + 17 <= s.len() {
        // SAFETY: both loads read sixteen bytes within `s` (p + 17 <= s.len()); unaligned
        // loads are what `loadu` is for.
        let (here, next) =
            unsafe { (_mm_loadu_si128(s.as_ptr().add(p).cast()), _mm_loadu_si128(s.as_ptr().add(p + 1).cast())) };
        let stops =
            _mm_or_si128(_mm_or_si128(is(here, b'\\'), is(here, b'{')), _mm_or_si128(is(here, b'['), is(here, b'\n')));
        let keys = _mm_movemask_epi8(is(here, b'"')) & _mm_movemask_epi8(is(next, b'm'));
        let found = (_mm_movemask_epi8(stops) | keys) as u32;
        if found != 0 {
            return Ok(p + found.trailing_zeros() as usize);
        }
        p += 16;
    }
    Err(p)
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
    use proptest::prelude::*;

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

    /// What the message of a row is, walked: the first top-level `message`/`msg` string,
    /// when it has no escapes.
    fn walked(line: &[u8]) -> Option<&[u8]> {
        find_member(line, |k, v| match v {
            Value::Str(s) if k.raw == b"message" || k.raw == b"msg" => Some(s),
            _ => None,
        })
        .filter(|s| !s.has_escapes())
        .map(|s| s.raw)
    }

    #[test]
    fn flat_message_finds_the_first_message_or_msg_string() {
        let line = br#"{"ts": "2026-05-17T00:00:01.265+00:00", "level": "info", "category": "nav", "session": "1e185e79", "message": "Opened 3_Deduplicate", "page": "3_Deduplicate"}"#;
        assert_eq!(flat_message(line), Some(&b"Opened 3_Deduplicate"[..]));
        assert_eq!(flat_message(br#"{"msg":"short","message":"long"}"#), Some(&b"short"[..]));
        assert_eq!(flat_message(br#"{"module":"m","mode":"message","msg" :	"x y"}"#), Some(&b"x y"[..]));
        assert_eq!(flat_message(br#"{"message":""}"#), Some(&b""[..]));
        assert_eq!(flat_message(br#"{"note":"{[\"","message":"after"}"#), None, "a backslash before the key");
        let accents = r#"{"message":"Données {x} [y]"}"#.as_bytes();
        assert_eq!(flat_message(accents), Some("Données {x} [y]".as_bytes()));
    }

    #[test]
    fn flat_message_leaves_what_it_cannot_be_sure_of_to_the_walk() {
        for line in [
            &br#"{"message":"a\"b"}"#[..],
            br#"{"message":"\u00e9t\u00e9"}"#,
            br#"{"ctx":{"message":"nested"},"message":"top"}"#,
            br#"{"tags":["x"],"message":"top"}"#,
            br#"{"msg":5,"message":"second"}"#,
            br#"{"message":{"text":"object"}}"#,
            br#"{"text":"no message here"}"#,
            br#" {"message":"leading space"}"#,
            b"\xef\xbb\xbf{\"message\":\"after a mark\"}",
            b"message: text",
            b"",
            b"{",
            br#"{"message""#,
            br#"{"message":"cut"#,
        ] {
            assert_eq!(flat_message(line), None, "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn flat_message_stays_on_its_line() {
        assert_eq!(flat_message(b"{\"ts\":1}\n{\"message\":\"next line\"}"), None);
        assert_eq!(flat_message(b"{\"message\":\"cut\n\"}"), None);
        assert_eq!(flat_message(b"{\"message\"\n:\"x\"}"), None);
        assert_eq!(flat_message(b"{\"message\":\"here\"}\r\n{\"message\":\"next\"}\n"), Some(&b"here"[..]));
    }

    /// A JSON string's raw text for `text`: escapes where JSON needs them, and some
    /// letters (`é` and others) spelled as `\u` escapes when `spell` says so.
    fn json_string(text: &str, spell: bool) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                'é' | 'A' | 'a' | '/' if spell => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    /// JSON object lines as writers make them: keys that are, resemble or hide `message`,
    /// strings with escapes, braces and non-ASCII text, numbers, nesting, odd spacing.
    fn json_line() -> impl Strategy<Value = Vec<u8>> {
        let text = || {
            prop_oneof![
                3 => proptest::string::string_regex("[a-zA-Z0-9 mé]{0,12}").expect("regex"),
                1 => proptest::string::string_regex("[a-z mé{}\\[\\]\"\\\\\n\t:,É日]{0,12}").expect("regex"),
            ]
        };
        let key = prop_oneof![
            3 => Just("message".to_string()),
            2 => Just("msg".to_string()),
            1 => Just("m".to_string()),
            1 => Just("mess".to_string()),
            1 => Just("Message".to_string()),
            1 => Just("messages".to_string()),
            3 => Just("ts".to_string()),
            2 => text(),
        ];
        let leaf = prop_oneof![
            6 => (text(), proptest::bool::weighted(0.2)).prop_map(|(t, spell)| json_string(&t, spell)),
            1 => Just("\"message\"".to_string()),
            1 => Just("\"msg\"".to_string()),
            1 => Just("12.5".to_string()),
            1 => Just("null".to_string()),
            1 => Just("true".to_string()),
        ];
        let value = leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                4 => inner.clone(),
                1 => proptest::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(","))),
                1 => proptest::collection::vec(("message|msg|x", inner), 0..3).prop_map(|m| {
                    let members: Vec<String> = m.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        });
        let space = prop_oneof![4 => Just(""), 4 => Just(" "), 1 => Just("\t"), 1 => Just(" \r ")];
        proptest::collection::vec((key, proptest::bool::weighted(0.1), value, space.clone(), space), 0..7).prop_map(
            |members| {
                let parts: Vec<String> = members
                    .iter()
                    .map(|(k, spell, v, s1, s2)| format!("{s1}{}{s2}:{s1}{v}{s2}", json_string(k, *spell)))
                    .collect();
                format!("{{{}}}", parts.join(",")).into_bytes()
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn flat_message_agrees_with_the_walk(line in json_line()) {
            prop_assert!(scan_object(&line, |_, _| {}).is_ok(), "the strategy makes valid lines");
            let flat = flat_message(&line);
            if flat.is_some() {
                prop_assert_eq!(flat, walked(&line));
            }
            // Read on past the line's end, it finds the same.
            let mut more = line.clone();
            more.extend_from_slice(b"\n{\"message\":\"the next line\"}\n");
            prop_assert_eq!(flat_message(&more), flat);
        }

        #[test]
        fn flat_message_reads_any_bytes(line in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b'm'), Just(b'{'), Just(b':'), any::<u8>()], 0..80)) {
            if let Some(s) = flat_message(&line) {
                prop_assert!(s.iter().all(|&b| !matches!(b, b'"' | b'\\' | b'\n')));
            }
        }

        #[test]
        fn key_scan_agrees_with_a_byte_loop(
            bytes in proptest::collection::vec(prop_oneof![8 => Just(b'x'), 1 => Just(b'"'), 1 => Just(b'm'), 1 => Just(b'\\'), 1 => Just(b'{'), 1 => Just(b'['), 1 => Just(b'\n'), 2 => any::<u8>()], 0..120),
            from in 0usize..130,
        ) {
            let expected = (from..bytes.len()).find(|&i| match bytes[i] {
                b'\\' | b'{' | b'[' | b'\n' => true,
                b'"' => bytes.get(i + 1) == Some(&b'm'),
                _ => false,
            });
            prop_assert_eq!(key_start_or_stop(&bytes, from), expected);
            #[cfg(target_arch = "x86_64")]
            {
                // SAFETY: SSE2 is part of the x86-64 baseline.
                let sse2 = unsafe { key_start_or_stop_sse2(&bytes, from) };
                prop_assert_eq!(sse2.ok(), sse2.ok().and(expected));
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: AVX2 is present.
                    let avx2 = unsafe { key_start_or_stop_avx2(&bytes, from) };
                    prop_assert_eq!(avx2.ok(), avx2.ok().and(expected));
                }
            }
        }
    }
}
