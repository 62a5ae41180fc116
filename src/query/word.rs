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
        Word { kind, negative, needle, case_sensitive, atom, min_score }
    }

    pub fn matches(&self, hay: &str, matcher: &mut Matcher, chars: &mut Vec<char>) -> bool {
        let hit = match &self.atom {
            Some(atom) => atom.score(utf32(hay, chars), matcher).is_some_and(|s| s >= self.min_score),
            None => self.literal_span(hay).is_some(),
        };
        hit != self.negative
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
}
