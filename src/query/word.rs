//! Bare words of a query, in nucleo's pattern syntax: `fuzzy`, `'substring`, `^prefix`,
//! `suffix$`, `^exact$`, and `!` to negate. Fuzzy words go to nucleo's matcher; the
//! literal kinds are matched here, because nucleo-matcher 0.3.1 mishandles them with
//! upper-case needles and at the end of non-ASCII text (helix-editor/nucleo #71, #104).
//! Smart case: a needle with an upper-case letter matches case-sensitively.

use nucleo::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo::{Matcher, Utf32Str};

#[derive(Clone, Debug)]
pub struct Word {
    kind: AtomKind,
    negative: bool,
    needle: String,
    case_sensitive: bool,
    /// Only for fuzzy words.
    atom: Option<Atom>,
    /// Fuzzy matches scoring below this are dropped (see [`MIN_SCORE_PER_CHAR`]).
    min_score: u16,
    /// For an ASCII fuzzy needle: its bytes in order, each with the bit that folds its
    /// case (see [`Word::may_match`]).
    in_order: Option<Box<[(u8, u8)]>>,
}

/// nucleo scores a letter matched in place at 16 and charges for gaps: a word whose
/// letters are strewn over a long message (`weird` found as w…e…i…r…d across 70
/// characters) scores about 5 a letter. Asking for 10 a letter keeps typo-tolerant,
/// abbreviated matches (`wrdcsv`, `upld`) and drops the noise that makes a fuzzy filter
/// useless on long log messages.
pub const MIN_SCORE_PER_CHAR: u16 = 10;

impl Word {
    /// `quoted` words (`"two words"`) are literal substrings.
    pub fn parse(text: &str, quoted: bool) -> Word {
        let (kind, negative, needle) =
            if quoted { (AtomKind::Substring, false, text.to_string()) } else { syntax(text) };
        let case_sensitive = needle.chars().any(char::is_uppercase);
        let atom = (kind == AtomKind::Fuzzy)
            .then(|| Atom::new(&needle, CaseMatching::Smart, Normalization::Smart, AtomKind::Fuzzy, false));
        let min_score = (needle.chars().count() as u16).saturating_mul(MIN_SCORE_PER_CHAR);
        // A non-ASCII needle is cut into grapheme clusters by nucleo: no byte check.
        let in_order = (atom.is_some() && needle.is_ascii())
            .then(|| needle.bytes().map(|b| if b.is_ascii_alphabetic() { (b | 0x20, 0x20) } else { (b, 0) }).collect());
        Word { kind, negative, needle, case_sensitive, atom, min_score, in_order }
    }

    pub fn matches(&self, hay: &str, matcher: &mut Matcher, chars: &mut Vec<char>) -> bool {
        let hit = match &self.atom {
            Some(atom) => self.may_match(hay.as_bytes()) && self.scores(atom, hay, matcher, chars),
            None => self.literal_span(hay).is_some(),
        };
        hit != self.negative
    }

    /// nucleo's verdict on a fuzzy word, above the threshold.
    fn scores(&self, atom: &Atom, hay: &str, matcher: &mut Matcher, chars: &mut Vec<char>) -> bool {
        atom.score(utf32(hay, chars), matcher).is_some_and(|s| s >= self.min_score)
    }

    /// False only when a fuzzy word cannot match `hay`, checked on its bytes, far cheaper
    /// than nucleo: a fuzzy match finds the needle's chars in order. An ASCII haystack
    /// char matches a needle char when equal, or equal but for case (nucleo folds only when
    /// the needle is lower-case; folding always only lets more through). A non-ASCII char
    /// may fold or lose its accent (`É` matches `e`), so each of its bytes may stand for
    /// any needle char.
    pub fn may_match(&self, hay: &[u8]) -> bool {
        let Some(mut order) = InOrder::of(self) else { return true };
        let mut words = hay.chunks_exact(8);
        for chunk in &mut words {
            let mut block = [0u8; 8];
            block.copy_from_slice(chunk);
            if order.found_in(u64::from_le_bytes(block), HIGHS) {
                return true;
            }
        }
        words.remainder().iter().any(|&b| order.found_at(b))
    }

    /// [`Word::may_match`] on a JSON string read in place, from after its opening quote:
    /// the string is found to end as it is read (so read once).
    pub fn may_match_json_string(&self, raw: &[u8]) -> JsonString {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above; std caches the answer).
            return unsafe { self.may_match_json_string_avx2(raw) };
        }
        let Some(needle) = self.in_order.as_deref().filter(|n| !n.is_empty()) else { return JsonString::MayMatch };
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        let (at, found, ascii) = match unsafe { json_string_sse2(needle, raw) } {
            Ok(done) => return done,
            Err(rest) => rest,
        };
        #[cfg(not(target_arch = "x86_64"))]
        let (at, found, ascii) = (0, 0, true);
        json_string_from(needle, raw, at, found, ascii)
    }

    /// [`Word::may_match_json_string`] with AVX2, for callers with AVX2 to inline.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    pub unsafe fn may_match_json_string_avx2(&self, raw: &[u8]) -> JsonString {
        let Some(needle) = self.in_order.as_deref().filter(|n| !n.is_empty()) else { return JsonString::MayMatch };
        // SAFETY: the caller has made sure of AVX2.
        match unsafe { json_string_avx2(needle, raw) } {
            Ok(done) => done,
            Err((at, found, ascii)) => json_string_from(needle, raw, at, found, ascii),
        }
    }

    /// Char positions of the match in `hay`, for highlighting (none for negative words).
    pub fn indices(&self, hay: &str, matcher: &mut Matcher, chars: &mut Vec<char>, out: &mut Vec<u32>) {
        if self.negative {
            return;
        }
        match &self.atom {
            Some(atom) => {
                let mut found = Vec::new();
                if atom.indices(utf32(hay, chars), matcher, &mut found).is_some_and(|s| s >= self.min_score) {
                    out.extend(found);
                }
            }
            None => {
                if let Some((start, end)) = self.literal_span(hay) {
                    let first = hay[..start].chars().count() as u32;
                    let n = hay[start..end].chars().count() as u32;
                    out.extend(first..first + n);
                }
            }
        }
    }

    /// Byte range of a literal match.
    fn literal_span(&self, hay: &str) -> Option<(usize, usize)> {
        let n = &self.needle;
        if n.is_empty() {
            return Some((0, 0));
        }
        let eq = |a: &str, b: &str| if self.case_sensitive { a == b } else { a.to_lowercase() == b.to_lowercase() };
        match self.kind {
            AtomKind::Prefix => {
                let h = hay.trim_start();
                let start = hay.len() - h.len();
                prefix_len(h, n.chars().count()).filter(|&k| eq(&h[..k], n)).map(|k| (start, start + k))
            }
            AtomKind::Postfix => {
                let h = hay.trim_end();
                suffix_start(h, n.chars().count()).filter(|&k| eq(&h[k..], n)).map(|k| (k, h.len()))
            }
            AtomKind::Exact => eq(hay.trim(), n).then(|| {
                let start = hay.len() - hay.trim_start().len();
                (start, start + hay.trim().len())
            }),
            _ => find(hay, n, self.case_sensitive),
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte that is zero, and maybe of some bytes above a zero one.
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The high bit of each byte that is zero, exactly (no carry crosses a byte).
fn zero_bytes_exact(x: u64) -> u64 {
    !(((x & !HIGHS) + !HIGHS) | x) & HIGHS
}

/// `byte` in each of eight bytes.
const fn splat(byte: u8) -> u64 {
    ONES * byte as u64
}

/// What [`Word::may_match_json_string`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonString {
    /// The word's chars were all found in order (or the word has no byte check).
    MayMatch,
    /// The string is plain (no escape), ends after `len` bytes (at a quote) and lacks
    /// them; `ascii` when no byte of it is above 0x7f.
    Misses { len: usize, ascii: bool },
    /// An escape or a line break came first, or the data ended: not known.
    NotPlain,
}

impl JsonString {
    fn end_at(raw: &[u8], at: usize, ascii: bool) -> JsonString {
        if raw[at] == b'"' { JsonString::Misses { len: at, ascii } } else { JsonString::NotPlain }
    }
}

/// [`Word::may_match_json_string`] from byte `at` of `raw`, with `found` chars of the
/// needle found before it, eight bytes at a time.
fn json_string_from(needle: &[(u8, u8)], raw: &[u8], mut at: usize, found: usize, mut ascii: bool) -> JsonString {
    let Some(mut order) = InOrder::at(needle, found) else { return JsonString::MayMatch };
    let mut words = raw.get(at..).unwrap_or_default().chunks_exact(8);
    for chunk in &mut words {
        let mut block = [0u8; 8];
        block.copy_from_slice(chunk);
        let w = u64::from_le_bytes(block);
        // The first quote, backslash or line break (the lowest flag is exact: borrows
        // only run upwards), and the bytes before it.
        let ends = zero_bytes(w ^ splat(b'"')) | zero_bytes(w ^ splat(b'\\')) | zero_bytes(w ^ splat(b'\n'));
        let inside = if ends == 0 { HIGHS } else { HIGHS & ((ends & ends.wrapping_neg()) - 1) };
        ascii &= w & inside == 0;
        if order.found_in(w, inside) {
            return JsonString::MayMatch;
        }
        if ends != 0 {
            return JsonString::end_at(raw, at + (ends.trailing_zeros() / 8) as usize, ascii);
        }
        at += 8;
    }
    for &b in words.remainder() {
        if matches!(b, b'"' | b'\\' | b'\n') {
            return JsonString::end_at(raw, at, ascii);
        }
        ascii &= b < 0x80;
        if order.found_at(b) {
            return JsonString::MayMatch;
        }
        at += 1;
    }
    JsonString::NotPlain
}

/// [`json_string_from`] sixteen bytes at a time, from the start: a bit per byte for the
/// string's end, its non-ASCII bytes and each needle char, and the needle walks the bits.
/// `Err` with where the last bytes (fewer than sixteen) begin, the chars found before
/// them and whether all was ASCII, when the string did not end before them.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn json_string_sse2(needle: &[(u8, u8)], raw: &[u8]) -> Result<JsonString, (usize, usize, bool)> {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let bits = |v: __m128i, byte: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8))) as u32;
    let (mut at, mut found, mut ascii) = (0, 0, true);
    while at + 16 <= raw.len() {
        // SAFETY: the load reads sixteen bytes within `raw` (at + 16 <= raw.len()); an
        // unaligned load is what `loadu` is for.
        let v = unsafe { _mm_loadu_si128(raw.as_ptr().add(at).cast()) };
        let ends = bits(v, b'"') | bits(v, b'\\') | bits(v, b'\n');
        let inside = if ends == 0 { 0xffff } else { (ends & ends.wrapping_neg()) - 1 };
        let high = _mm_movemask_epi8(v) as u32 & inside;
        ascii &= high == 0;
        let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let mut lanes = inside;
        while let Some(&(want, fold)) = needle.get(found) {
            let hits = (bits(if fold == 0 { v } else { folded }, want) | high) & lanes;
            if hits == 0 {
                break;
            }
            found += 1;
            // The lanes above the hit.
            lanes &= !((hits & hits.wrapping_neg()) << 1).wrapping_sub(1);
        }
        if found == needle.len() {
            return Ok(JsonString::MayMatch);
        }
        if ends != 0 {
            return Ok(JsonString::end_at(raw, at + ends.trailing_zeros() as usize, ascii));
        }
        at += 16;
    }
    Err((at, found, ascii))
}

/// [`json_string_sse2`] thirty-two bytes at a time, which reads most messages at once.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn json_string_avx2(needle: &[(u8, u8)], raw: &[u8]) -> Result<JsonString, (usize, usize, bool)> {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let bits = |v: __m256i, byte: u8| _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(byte as i8))) as u32;
    let (mut at, mut found, mut ascii) = (0, 0, true);
    while at + 32 <= raw.len() {
        // SAFETY: the load reads thirty-two bytes within `raw` (at + 32 <= raw.len()).
        let v = unsafe { _mm256_loadu_si256(raw.as_ptr().add(at).cast()) };
        let ends = bits(v, b'"') | bits(v, b'\\') | bits(v, b'\n');
        let inside = if ends == 0 { !0 } else { (ends & ends.wrapping_neg()) - 1 };
        let high = _mm256_movemask_epi8(v) as u32 & inside;
        ascii &= high == 0;
        let folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        let mut lanes = inside;
        while let Some(&(want, fold)) = needle.get(found) {
            let hits = (bits(if fold == 0 { v } else { folded }, want) | high) & lanes;
            if hits == 0 {
                break;
            }
            found += 1;
            // The lanes above the hit (none above the last).
            lanes &= !((hits & hits.wrapping_neg()) << 1).wrapping_sub(1);
        }
        if found == needle.len() {
            return Ok(JsonString::MayMatch);
        }
        if ends != 0 {
            return Ok(JsonString::end_at(raw, at + ends.trailing_zeros() as usize, ascii));
        }
        at += 32;
    }
    Err((at, found, ascii))
}

/// A fuzzy needle's bytes being looked for in order (see [`Word::may_match`]).
struct InOrder<'w> {
    rest: std::slice::Iter<'w, (u8, u8)>,
    /// The wanted byte, and the bit that folds its case; also in each of eight bytes.
    want: u8,
    fold: u8,
    wants: u64,
    folds: u64,
}

impl<'w> InOrder<'w> {
    /// `None` for a word without a byte check, or an empty needle (both always may match).
    fn of(word: &'w Word) -> Option<InOrder<'w>> {
        InOrder::at(word.in_order.as_deref()?, 0)
    }

    /// Looking for the needle's chars from the `found`th on; `None` when none are left.
    fn at(needle: &'w [(u8, u8)], found: usize) -> Option<InOrder<'w>> {
        let mut rest = needle.get(found..)?.iter();
        let &(want, fold) = rest.next()?;
        Some(InOrder { rest, want, fold, wants: splat(want), folds: splat(fold) })
    }

    /// Looks on in one byte; true when the last char was found.
    fn found_at(&mut self, b: u8) -> bool {
        (b | self.fold == self.want || b >= 0x80) && self.advance()
    }

    /// Looks on in eight bytes, those whose high bit `lanes` has; true when the last char
    /// was found. A byte is flagged where it is the wanted char or not ASCII (each flag
    /// exact: no carry crosses a byte), and the wanted char advances past it.
    fn found_in(&mut self, w: u64, lanes: u64) -> bool {
        let mut lanes = lanes;
        loop {
            let hits = (zero_bytes_exact((w | self.folds) ^ self.wants) | w) & lanes;
            if hits == 0 {
                return false;
            }
            if self.advance() {
                return true;
            }
            // The lanes above the hit.
            lanes &= !((hits & hits.wrapping_neg()) << 1).wrapping_sub(1);
        }
    }

    /// Moves to the next needle char; true when there is none left.
    fn advance(&mut self) -> bool {
        match self.rest.next() {
            Some(&(want, fold)) => {
                (self.want, self.fold, self.wants, self.folds) = (want, fold, splat(want), splat(fold));
                false
            }
            None => true,
        }
    }
}

/// The haystack as nucleo wants it, one entry per char. `Utf32Str::new` segments
/// non-ASCII text into grapheme clusters instead, which took a fifth of a fuzzy filter's
/// time on logs with accented names, and its indices would not be char positions.
fn utf32<'a>(hay: &'a str, chars: &'a mut Vec<char>) -> Utf32Str<'a> {
    if hay.is_ascii() {
        return Utf32Str::Ascii(hay.as_bytes());
    }
    chars.clear();
    chars.extend(hay.chars());
    Utf32Str::Unicode(chars)
}

/// Strips nucleo's syntax: `!` negates (and makes the word literal), `'` asks for a
/// substring, `^` a prefix, a trailing `$` a suffix; `\` escapes a leading `!`/`^`/`'` or
/// a trailing `$`.
fn syntax(text: &str) -> (AtomKind, bool, String) {
    let mut s = text;
    let mut kind = AtomKind::Fuzzy;
    let negative = s.starts_with('!');
    if negative {
        s = &s[1..];
        kind = AtomKind::Substring;
    }
    if let Some(rest) = s.strip_prefix('^') {
        s = rest;
        kind = AtomKind::Prefix;
    } else if let Some(rest) = s.strip_prefix('\'') {
        s = rest;
        kind = AtomKind::Substring;
    } else if let Some(rest) = s.strip_prefix('\\') {
        s = rest;
    }
    let mut needle = s.to_string();
    if needle.ends_with("\\$") {
        needle.remove(needle.len() - 2);
    } else if needle.len() > 1 && needle.ends_with('$') {
        needle.pop();
        kind = if kind == AtomKind::Prefix { AtomKind::Exact } else { AtomKind::Postfix };
    }
    (kind, negative, needle)
}

/// Byte length of the first `n` chars, if there are that many.
fn prefix_len(s: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(0);
    }
    s.char_indices().nth(n - 1).map(|(i, c)| i + c.len_utf8())
}

/// Byte index where the last `n` chars start.
fn suffix_start(s: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(s.len());
    }
    s.char_indices().rev().nth(n - 1).map(|(i, _)| i)
}

/// First occurrence of `needle`; case-insensitive unless `case_sensitive`. ASCII needles
/// compare bytes without allocating.
fn find(hay: &str, needle: &str, case_sensitive: bool) -> Option<(usize, usize)> {
    if case_sensitive {
        return hay.find(needle).map(|i| (i, i + needle.len()));
    }
    if needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        return (0..=h.len().checked_sub(n.len())?)
            .find(|&i| hay.is_char_boundary(i) && h[i..i + n.len()].eq_ignore_ascii_case(n))
            .map(|i| (i, i + n.len()));
    }
    let lower_needle = needle.to_lowercase();
    hay.char_indices().map(|(i, _)| i).find_map(|i| {
        let rest = &hay[i..];
        let k = prefix_len(rest, needle.chars().count())?;
        (rest[..k].to_lowercase() == lower_needle).then_some((i, i + k))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(word: &str, hay: &str) -> bool {
        let mut matcher = Matcher::new(nucleo::Config::DEFAULT);
        Word::parse(word, false).matches(hay, &mut matcher, &mut Vec::new())
    }

    #[test]
    fn literal_kinds_with_smart_case() {
        assert!(m("^Upload", "Uploaded customers.csv"));
        assert!(!m("^upload", "Re-Uploaded"));
        assert!(m("^upload", "Uploaded"));
        assert!(m("Home$", "Opened 1_Home"));
        assert!(m("'Q2.csv", "Uploaded Übersicht Q2.csv"));
        assert!(!m("'q2.CSV", "Uploaded Übersicht Q2.csv"));
        assert!(m("'übersicht", "Uploaded Übersicht Q2.csv"));
        assert!(m("^exact$", "  exact "));
        assert!(!m("^exact$", "exactly"));
        assert!(m("!nav", "Uploaded a file"));
        assert!(!m("!nav", "Opened nav page"));
    }

    #[test]
    fn fuzzy_words_use_nucleo() {
        assert!(m("wrdcsv", "analyze(weird.csv): EmptyDataError"));
        assert!(m("upld", "Uploaded customers.csv"));
        assert!(!m("zzz", "analyze(weird.csv)"));
    }

    #[test]
    fn letters_strewn_over_a_long_message_are_not_a_match() {
        let long = "USER ERROR - FILE_NOT_FOUND | User: DamionMorrison on L01403-DATA | Python: 3.12.10 \
                    | OS: Windows 11 | Action: Import File | File: missing_data.xlsx";
        assert!(!m("weird", long));
        assert!(m("weird", "analyze(weird.csv): EmptyDataError"));
    }

    #[test]
    fn escapes_keep_syntax_characters() {
        assert!(m("\\^caret", "a ^caret b"));
        assert!(m("'cost\\$", "the cost$ is"));
    }

    #[test]
    fn fuzzy_indices_are_char_positions_even_after_combining_marks() {
        let mut matcher = Matcher::new(nucleo::Config::DEFAULT);
        let mut out = Vec::new();
        Word::parse("data", false).indices("Cafe\u{301} data", &mut matcher, &mut Vec::new(), &mut out);
        assert_eq!(out, [6, 7, 8, 9]);
    }

    #[test]
    fn literal_indices_are_char_positions() {
        let mut matcher = Matcher::new(nucleo::Config::DEFAULT);
        let mut out = Vec::new();
        Word::parse("'Q2", false).indices("Über Q2", &mut matcher, &mut Vec::new(), &mut out);
        assert_eq!(out, [5, 6]);
    }

    /// Whether nucleo finds the fuzzy word in `hay` at all (any score).
    fn nucleo_finds(word: &Word, hay: &str) -> bool {
        let mut matcher = Matcher::new(nucleo::Config::DEFAULT);
        let atom = word.atom.as_ref().expect("a fuzzy word");
        atom.score(utf32(hay, &mut Vec::new()), &mut matcher).is_some()
    }

    /// Letters nucleo may fold or strip to ASCII, and some it may not.
    const TRICKY: &[char] = &['é', 'É', 'ü', 'Ü', 'ß', 'ñ', 'İ', 'ı', 'ﬁ', 'K', 'ſ', 'Å', 'ǅ', '\u{301}', '日', '🙂'];

    #[test]
    fn the_byte_check_lets_through_every_short_match() {
        // Every needle of up to three chars over these letters, against every haystack of
        // up to three chars: whatever nucleo finds, the byte check lets through.
        let needle_chars = ['a', 'e', 'i', 'k', 'A', '_'];
        let hay_chars = ['a', 'A', 'e', 'i', 'k', '_', 'é', 'É', 'İ', 'ı', 'K', '\u{301}'];
        let strings = |alphabet: &[char], max: u32| {
            let mut all = vec![String::new()];
            for len in 1..=max {
                for n in 0..alphabet.len().pow(len) {
                    let (mut s, mut k) = (String::new(), n);
                    for _ in 0..len {
                        s.push(alphabet[k % alphabet.len()]);
                        k /= alphabet.len();
                    }
                    all.push(s);
                }
            }
            all
        };
        let hays = strings(&hay_chars, 3);
        let mut found = 0;
        for needle in strings(&needle_chars, 3).iter().skip(1) {
            let word = Word::parse(needle, false);
            for hay in &hays {
                if nucleo_finds(&word, hay) {
                    found += 1;
                    assert!(word.may_match(hay.as_bytes()), "{needle:?} in {hay:?}");
                }
            }
        }
        assert!(found > 5_000, "the test finds matches: {found}");
    }

    #[test]
    fn the_byte_check_rejects_what_cannot_be_in_order() {
        let word = Word::parse("emptydata", false);
        assert!(!word.may_match(b"Opened 3_Deduplicate"));
        assert!(!word.may_match(b"data is empty"));
        assert!(word.may_match(b"analyze(weird.csv): EmptyDataError: No columns"));
        assert!(word.may_match("EMPTY dätà".as_bytes()), "non-ASCII bytes may stand for any letter");
        assert!(!Word::parse("Empty", false).may_match(b"xxxxxxxxxxxxxxxxxx Emtpy"));
        // Case-sensitive words still let either case through (nucleo decides).
        assert!(Word::parse("Empty", false).may_match(b"empty"));
        // Words the check does not apply to.
        assert!(Word::parse("données", false).may_match(b"nothing alike"));
        assert!(Word::parse("'exact", false).may_match(b"nothing alike"));
        assert!(Word::parse("\\", false).may_match(b""), "an empty fuzzy needle");
    }

    #[test]
    fn json_strings_are_read_to_their_end() {
        let word = Word::parse("upld", false);
        assert_eq!(word.may_match_json_string(b"Uploaded x\", \"page\": 1}"), JsonString::MayMatch);
        assert_eq!(
            word.may_match_json_string(b"Opened Home\", \"upld\": 1}"),
            JsonString::Misses { len: 11, ascii: true }
        );
        assert_eq!(word.may_match_json_string("Öffnen \"}".as_bytes()), JsonString::Misses { len: 8, ascii: false });
        assert_eq!(word.may_match_json_string(b"Opened \\\"x\\\" upld\""), JsonString::NotPlain);
        assert_eq!(word.may_match_json_string(b"Opened\nupld\""), JsonString::NotPlain);
        assert_eq!(word.may_match_json_string(b"no end"), JsonString::NotPlain);
        assert_eq!(word.may_match_json_string(b"u\\pld\""), JsonString::NotPlain);
        assert_eq!(word.may_match_json_string(b"upld\\\""), JsonString::MayMatch, "found before the escape");
    }

    fn hay() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            6 => proptest::char::range('a', 'z'),
            3 => proptest::char::range('A', 'Z'),
            2 => proptest::sample::select(vec![' ', '_', '.', '(', ')', ':', '0', '7', '"', '\\', '\n']),
            2 => proptest::sample::select(TRICKY.to_vec()),
        ];
        proptest::collection::vec(c, 0..70).prop_map(|v| v.into_iter().collect())
    }

    fn needle() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            6 => proptest::char::range('a', 'z'),
            1 => proptest::char::range('A', 'Z'),
            1 => proptest::sample::select(vec!['_', '.', '0', 'é', 'ß']),
        ];
        proptest::collection::vec(c, 1..7).prop_map(|v| v.into_iter().collect())
    }

    #[test]
    fn a_long_s_in_the_text_is_matched_as_release_builds_match_it() {
        // Found by the property test below: nucleo-matcher's debug assertion failed on
        // this pair, so the test and debug builds panicked (Cargo.toml turns it off).
        let word = Word::parse("sé", false);
        if nucleo_finds(&word, "ſSé") {
            assert!(word.may_match("ſSé".as_bytes()));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn the_byte_check_never_hides_a_match(needle in needle(), hay in hay()) {
            let word = Word::parse(&needle, false);
            if nucleo_finds(&word, &hay) {
                prop_assert!(word.may_match(hay.as_bytes()));
            }
        }

        #[test]
        fn both_json_string_readers_agree(needle in needle(), raw in hay(), tail in hay()) {
            let word = Word::parse(&needle, false);
            let raw = format!("{raw}{tail}");
            if let Some(n) = word.in_order.as_deref().filter(|n| !n.is_empty()) {
                let raw = raw.as_bytes();
                let portable = json_string_from(n, raw, 0, 0, true);
                prop_assert_eq!(word.may_match_json_string(raw), portable);
                #[cfg(target_arch = "x86_64")]
                {
                    let finish = |read: Result<JsonString, (usize, usize, bool)>| {
                        read.unwrap_or_else(|(at, found, ascii)| json_string_from(n, raw, at, found, ascii))
                    };
                    // SAFETY: SSE2 is part of the x86-64 baseline.
                    prop_assert_eq!(finish(unsafe { json_string_sse2(n, raw) }), portable);
                    if std::arch::is_x86_feature_detected!("avx2") {
                        // SAFETY: AVX2 is present.
                        prop_assert_eq!(finish(unsafe { json_string_avx2(n, raw) }), portable);
                    }
                }
            }
        }

        #[test]
        fn a_json_string_read_in_place_is_checked_as_its_text(needle in needle(), raw in hay(), tail in hay()) {
            let word = Word::parse(&needle, false);
            let raw = format!("{raw}{tail}");
            let end = raw.bytes().position(|b| matches!(b, b'"' | b'\\' | b'\n'));
            let text = &raw.as_bytes()[..end.unwrap_or(raw.len())];
            let expected = if word.may_match(text) {
                JsonString::MayMatch
            } else if end.is_some_and(|e| raw.as_bytes()[e] == b'"') {
                JsonString::Misses { len: text.len(), ascii: text.is_ascii() }
            } else {
                JsonString::NotPlain
            };
            prop_assert_eq!(word.may_match_json_string(raw.as_bytes()), expected);
        }
    }
}
