//! Evaluates a query over events. Terms on the record (level, category, session, user,
//! file, time) are decided from the 16-byte event alone; only when those pass is the line
//! read again for message, raw-field and word terms, and a byte pre-screen skips most
//! lines before any parsing. A fuzzy word first reads a plain message in place, and only
//! a message holding the word's chars in order is scored by nucleo. Results stay in
//! timeline order.

use super::parse::{Cmp, FieldTest, Query, TermKind};
use super::word::{JsonString, Word};
use crate::ingest::dialects::facts::{Facts, display_message};
use crate::ingest::time::{TimeReader, Zone};
use crate::json::scan::{self, Value};
use crate::model::store::{Blob, BlobCursor, Blobs, EventStore, readable};
use crate::model::{Event, Index};
use nucleo::Matcher;
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Arc;

/// A set of small ids.
#[derive(Clone, Debug, Default)]
struct IdSet(Vec<u64>);

impl IdSet {
    fn from_ids(ids: impl Iterator<Item = u32>) -> IdSet {
        let mut s = IdSet::default();
        for id in ids {
            let w = id as usize / 64;
            if s.0.len() <= w {
                s.0.resize(w + 1, 0);
            }
            s.0[w] |= 1 << (id % 64);
        }
        s
    }

    fn contains(&self, id: u32) -> bool {
        self.0.get(id as usize / 64).is_some_and(|w| w >> (id % 64) & 1 == 1)
    }
}

#[derive(Clone, Debug)]
enum Test {
    Levels(u8),
    Categories(IdSet),
    Sessions(IdSet),
    Sources(IdSet),
    Since(i64),
    Until(i64),
    Unparsed,
    Message(String),
    Field { path: Vec<String>, test: FieldTest },
    Words(Box<Word>),
}

#[derive(Clone, Debug)]
struct Check {
    negated: bool,
    test: Test,
    /// ASCII bytes the raw line must contain (case-insensitively) for a positive match.
    prescreen: Option<Vec<u8>>,
}

/// A query resolved against one index: names turned into id sets, words into matchers.
#[derive(Clone, Debug)]
pub struct Compiled {
    checks: Vec<Check>,
}

impl Compiled {
    pub fn compile(query: &Query, index: &Index) -> Compiled {
        let mut checks: Vec<Check> = query
            .terms
            .iter()
            .map(|t| {
                let test = match &t.kind {
                    TermKind::Levels(mask) => Test::Levels(*mask),
                    TermKind::Category(s) => Test::Categories(IdSet::from_ids(
                        index.categories.iter().filter(|(_, n)| n.to_lowercase().contains(s)).map(|(id, _)| id),
                    )),
                    TermKind::Session(s) => Test::Sessions(IdSet::from_ids(
                        index.listed_sessions().filter(|(_, x)| x.id.to_lowercase().contains(s)).map(|(id, _)| id),
                    )),
                    TermKind::User(s) => Test::Sessions(IdSet::from_ids(
                        index
                            .listed_sessions()
                            .filter(|(_, x)| !x.user.is_empty() && x.user.to_lowercase().contains(s))
                            .map(|(id, _)| id),
                    )),
                    TermKind::File(s) => Test::Sources(IdSet::from_ids(
                        index
                            .sources
                            .iter()
                            .enumerate()
                            .filter(|(_, src)| src.name.to_lowercase().contains(s))
                            .map(|(id, _)| id as u32),
                    )),
                    TermKind::Since(t) => Test::Since(*t),
                    TermKind::Until(t) => Test::Until(*t),
                    TermKind::Unparsed => Test::Unparsed,
                    TermKind::Message(s) => Test::Message(s.clone()),
                    TermKind::Field(path, test) => Test::Field { path: path.clone(), test: test.clone() },
                    TermKind::Words { text, quoted } => Test::Words(Box::new(Word::parse(text, *quoted))),
                };
                let prescreen = if t.negated { None } else { prescreen_of(&t.kind) };
                Check { negated: t.negated, test, prescreen }
            })
            .collect();
        // Record-only checks first: they cost nanoseconds and usually decide.
        checks.sort_by_key(|c| c.test.needs_line());
        Compiled { checks }
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }

    pub fn needs_line(&self) -> bool {
        self.checks.iter().any(|c| c.test.needs_line())
    }
}

impl Test {
    fn needs_line(&self) -> bool {
        matches!(self, Test::Message(_) | Test::Field { .. } | Test::Words(_))
    }
}

/// Bytes that must appear in the raw line, when that can be known without parsing. JSON
/// may escape non-ASCII, `/`, `\` and quotes, so only plain ASCII needles qualify, and
/// a line with a `\u` escape (which can spell any letter) is not pre-screened at all; a
/// composed message (`tool operation → status`) joins fields with spaces and colons, so a
/// message needle must hold neither. Words are not pre-screened: nucleo folds accents.
fn prescreen_of(kind: &TermKind) -> Option<Vec<u8>> {
    let needle = match kind {
        TermKind::Message(s) if !s.contains([' ', ':']) => s.as_str(),
        TermKind::Field(_, FieldTest::Contains(s)) => s.as_str(),
        _ => return None,
    };
    let plain = needle.len() >= 2
        && needle.bytes().all(|b| (b.is_ascii_graphic() && !matches!(b, b'\\' | b'"' | b'/')) || b == b' ');
    plain.then(|| needle.to_ascii_lowercase().into_bytes())
}

fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else { return true };
    if hay.len() < needle.len() {
        return false;
    }
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let last_start = hay.len() - needle.len();
    let mut from = 0;
    while from <= last_start {
        let Some(k) = memchr::memchr2(lo, up, &hay[from..=last_start]) else { return false };
        let at = from + k;
        if hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return true;
        }
        from = at + 1;
    }
    false
}

/// What a view lists: the events in scope (a session; a list of events such as an error
/// group's occurrences) that match the query. The one copy of that rule, for the filter
/// worker, follow mode's catch-up and `tail`.
#[derive(Clone, Default)]
pub struct Selection {
    pub session: Option<u32>,
    /// Sorted event ids.
    pub events: Option<std::sync::Arc<[u32]>>,
    pub query: Option<Compiled>,
}

impl Selection {
    /// Anything narrows the view (else every event is listed as it is).
    pub fn is_scoped(&self) -> bool {
        self.session.is_some() || self.events.is_some()
    }

    pub fn in_scope(&self, id: u32, e: Event) -> bool {
        self.session.is_none_or(|s| e.session() == s)
            && self.events.as_ref().is_none_or(|ids| ids.binary_search(&id).is_ok())
    }

    /// Whether an event in scope matches the query (every event does without one).
    pub fn matches(&self, ev: &mut Evaluator<'_>, e: Event) -> bool {
        self.query.as_ref().is_none_or(|q| ev.matches(q, e))
    }
}

/// Per-thread scratch state for evaluation.
pub struct Evaluator<'a> {
    cursor: BlobCursor<'a>,
    times: TimeReader,
    matcher: Matcher,
    chars: Vec<char>,
}

impl<'a> Evaluator<'a> {
    pub fn new(blobs: &'a Blobs, zone: Zone) -> Evaluator<'a> {
        Evaluator {
            cursor: BlobCursor::new(blobs),
            times: TimeReader::new(zone),
            matcher: Matcher::new(nucleo::Config::DEFAULT),
            chars: Vec::new(),
        }
    }

    pub fn matches(&mut self, q: &Compiled, e: Event) -> bool {
        let mut line: Option<(&'a Blob, &'a [u8])> = None;
        let mut message: Option<Cow<'a, str>> = None;
        for check in &q.checks {
            let hit = match &check.test {
                Test::Levels(mask) => mask >> e.level() as u8 & 1 == 1,
                Test::Categories(set) => set.contains(e.category()),
                Test::Sessions(set) => set.contains(e.session()),
                Test::Sources(set) => self.cursor.find(e.offset()).is_some_and(|b| set.contains(b.source)),
                Test::Since(t) => e.time() >= *t,
                Test::Until(t) => e.time() <= *t,
                Test::Unparsed => e.is_unparsed(),
                // Most lines show a plain message string of their own: when the word
                // cannot match its bytes, the line's end is not even looked for.
                Test::Words(word)
                    if line.is_none()
                        && message.is_none()
                        && self.cursor.find(e.offset()).is_some_and(|b| misses_plain_message(word, b, e)) =>
                {
                    false
                }
                _ => match self.line_test(check, e, &mut line, &mut message) {
                    Some(hit) => hit,
                    None => return check.negated,
                },
            };
            if hit == check.negated {
                return false;
            }
        }
        true
    }

    /// A check that reads the event's line (read once for all checks, as is its message);
    /// `None` when the line cannot be found. Out of line: `matches` runs for every event,
    /// and inlined this gave it a big frame to set up each time.
    #[inline(never)]
    fn line_test(
        &mut self,
        check: &Check,
        e: Event,
        line: &mut Option<(&'a Blob, &'a [u8])>,
        message: &mut Option<Cow<'a, str>>,
    ) -> Option<bool> {
        let (blob, raw) = match *line {
            Some(l) => l,
            None => {
                let blob = self.cursor.find(e.offset())?;
                *line.insert((blob, readable(blob.raw_line(e.offset()))))
            }
        };
        // A `\u` escape can spell any letter (`\u0041BC` is `ABC`): such a line's bytes say
        // nothing about its text, so it gets the full test.
        if let Some(p) = &check.prescreen
            && !contains_ignore_ascii_case(raw, p)
            && memchr::memmem::find(raw, b"\\u").is_none()
        {
            return Some(false);
        }
        Some(match &check.test {
            Test::Message(needle) => {
                let m = message.get_or_insert_with(|| message_of_line(blob, raw, e, &mut self.times));
                if needle.is_ascii() {
                    contains_ignore_ascii_case(m.as_bytes(), needle.as_bytes())
                } else {
                    m.to_lowercase().contains(needle.as_str())
                }
            }
            Test::Words(word) => {
                let m = message.get_or_insert_with(|| message_of_line(blob, raw, e, &mut self.times));
                word.matches(m, &mut self.matcher, &mut self.chars)
            }
            Test::Field { path, test } => field_matches(blob, raw, path, test),
            _ => false,
        })
    }
}

/// The event's line and what follows it, for [`scan::flat_message`] to read in place. That
/// relies on the index having validated the line as a JSON object: not so for CSV rows,
/// unparsed lines, Markdown and multi-line document records (`None` for those). A line
/// with a NUL run or a byte-order mark before its `{` does not qualify either: it does
/// not start with `{` (and the index reads a line after a mark as text).
fn flat_line(blob: &Blob, e: Event) -> Option<&[u8]> {
    let validated = blob.csv.is_none() && !e.is_unparsed() && !blob.whole_record && !blob.in_document(e.offset());
    validated.then(|| blob.from_line_start(e.offset()))
}

/// Whether a fuzzy word certainly misses the message [`message_of_line`] borrows from the
/// line, read in place: the flat message string, plain, not blank and UTF-8 (so it is
/// the message), without the word's chars in order.
fn misses_plain_message(word: &Word, blob: &Blob, e: Event) -> bool {
    let Some(line) = flat_line(blob, e) else { return false };
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above; std caches the answer).
        return unsafe { misses_plain_message_avx2(word, line) };
    }
    let Some(start) = scan::flat_message_start(line) else { return false };
    certainly_misses(&line[start..], word.may_match_json_string(&line[start..]))
}

/// [`misses_plain_message`] as one function with AVX2 (the scan for the key and the read
/// of the string inlined), as it runs for every line.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn misses_plain_message_avx2(word: &Word, line: &[u8]) -> bool {
    // SAFETY (both): the caller has made sure of AVX2.
    let Some(start) = (unsafe { scan::flat_message_start_avx2(line) }) else { return false };
    certainly_misses(&line[start..], unsafe { word.may_match_json_string_avx2(&line[start..]) })
}

/// Whether the check of a message string read in place (`raw` runs from after its
/// opening quote) makes the word certainly miss the message.
fn certainly_misses(raw: &[u8], check: JsonString) -> bool {
    match check {
        JsonString::Misses { len, ascii } => {
            let s = &raw[..len];
            !s.trim_ascii().is_empty() && (ascii || std::str::from_utf8(s).is_ok())
        }
        JsonString::MayMatch | JsonString::NotPlain => false,
    }
}

fn line_facts<'a>(blob: &'a Blob, raw: &'a [u8], e: Event, times: &mut TimeReader) -> Option<Facts<'a>> {
    if e.is_unparsed() {
        return None;
    }
    blob.facts(raw, times)
}

/// The message a row shows, as cheaply as possible: most JSON lines carry a plain
/// `message`/`msg` string, borrowed straight from the line (found without a walk when the
/// line is flat); anything else (escapes, CSV, text, composed messages, unparsed lines)
/// goes the full way.
fn message_of_line<'a>(blob: &'a Blob, raw: &'a [u8], e: Event, times: &mut TimeReader) -> Cow<'a, str> {
    if blob.csv.is_none() && !e.is_unparsed() && raw.first() == Some(&b'{') {
        let found = flat_line(blob, e).and_then(scan::flat_message).or_else(|| {
            scan::find_member(raw, |k, v| match v {
                Value::Str(s) if k.raw == b"message" || k.raw == b"msg" => Some(s),
                _ => None,
            })
            .filter(|s| !s.has_escapes())
            .map(|s| s.raw)
        });
        if let Some(s) = found
            && !s.trim_ascii().is_empty()
            && let Ok(text) = std::str::from_utf8(s)
        {
            return Cow::Borrowed(text);
        }
    }
    match line_facts(blob, raw, e, times) {
        Some(f) => Cow::Owned(display_message(&f)),
        None => String::from_utf8_lossy(raw),
    }
}

fn field_matches(blob: &Blob, raw: &[u8], path: &[String], test: &FieldTest) -> bool {
    let Some(text) = field_text(blob, raw, path) else { return false };
    match test {
        FieldTest::Present => true,
        FieldTest::Contains(needle) => text.to_lowercase().contains(needle.as_str()),
        FieldTest::Compare(cmp, n) => text.trim().parse::<f64>().is_ok_and(|v| match cmp {
            Cmp::Lt => v < *n,
            Cmp::Le => v <= *n,
            Cmp::Gt => v > *n,
            Cmp::Ge => v >= *n,
        }),
    }
}

/// The text of a line's field, the one reading for `key:value` terms and the timeline's
/// field columns: a JSON path (`args.path` is `["args", "path"]`), a logfmt key, or a CSV
/// column named by the header (any case). Objects and arrays are their JSON text.
pub fn field_text(blob: &Blob, raw: &[u8], path: &[String]) -> Option<String> {
    if let Some(h) = &blob.csv {
        let want = path.join(".");
        let col = h.names.iter().position(|n| n.eq_ignore_ascii_case(&want));
        col.and_then(|c| {
            crate::ingest::dialects::csv::split(raw, h.delimiter)
                .ok()
                .and_then(|cells| cells.get(c).map(|t| t.text().into_owned()))
        })
    } else {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        let value = if raw.first() == Some(&b'{') {
            scan::get_path(raw, &parts)
        } else {
            crate::ingest::dialects::logfmt::get(raw, &path.join("."))
        };
        value.map(|v| match v {
            Value::Str(s) => s.text().into_owned(),
            Value::Num(n) | Value::Object(n) | Value::Array(n) => String::from_utf8_lossy(n).into_owned(),
            Value::True => "true".into(),
            Value::False => "false".into(),
            Value::Null => "null".into(),
        })
    }
}

/// Everything a worker thread needs to filter, cheap to clone.
#[derive(Clone)]
pub struct Snapshot {
    pub store: EventStore,
    pub blobs: Arc<Blobs>,
    pub zone: Zone,
    /// Only events below this id are looked at.
    pub len: usize,
}

impl Snapshot {
    pub fn of(index: &Index) -> Snapshot {
        Snapshot { store: index.store.clone(), blobs: Arc::clone(&index.blobs), zone: index.zone, len: index.len() }
    }
}

/// Matching event ids within `range`, in order.
pub fn filter_range(q: &Compiled, snap: &Snapshot, range: std::ops::Range<usize>) -> Vec<u32> {
    let mut ev = Evaluator::new(&snap.blobs, snap.zone);
    let mut out = Vec::new();
    snap.store.for_each(range.start..range.end.min(snap.len), |i, e| {
        if ev.matches(q, e) {
            out.push(i as u32);
        }
    });
    out
}

/// Every matching event id, in order, using all cores.
pub fn filter_all(q: &Compiled, snap: &Snapshot) -> Vec<u32> {
    const BLOCK: usize = 1 << 16;
    let blocks: Vec<usize> = (0..snap.len.div_ceil(BLOCK)).collect();
    let parts: Vec<Vec<u32>> = blocks
        .par_iter()
        .map_init(
            || Evaluator::new(&snap.blobs, snap.zone),
            |ev, &b| {
                let mut out = Vec::new();
                let range = b * BLOCK..((b + 1) * BLOCK).min(snap.len);
                snap.store.for_each(range, |i, e| {
                    if ev.matches(q, e) {
                        out.push(i as u32);
                    }
                });
                out
            },
        )
        .collect();
    parts.concat()
}

/// Char positions in `haystack` that the query's words matched, for highlighting.
pub fn highlight(query: &Query, haystack: &str, matcher: &mut Matcher, chars: &mut Vec<char>) -> Vec<u32> {
    let mut indices = Vec::new();
    for t in &query.terms {
        if let (TermKind::Words { text, quoted }, false) = (&t.kind, t.negated) {
            Word::parse(text, *quoted).indices(haystack, matcher, chars, &mut indices);
        }
    }
    indices.sort_unstable();
    indices.dedup();
    indices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_prescreen() {
        assert!(contains_ignore_ascii_case(b"hello Weird.csv!", b"weird.csv"));
        assert!(!contains_ignore_ascii_case(b"hello", b"hellos"));
        assert!(contains_ignore_ascii_case(b"x", b""));
        assert!(contains_ignore_ascii_case(b"abcABC", b"cab"));
    }

    #[test]
    fn prescreen_only_for_plain_ascii() {
        assert_eq!(prescreen_of(&TermKind::Message("weird.csv".into())), Some(b"weird.csv".to_vec()));
        assert_eq!(prescreen_of(&TermKind::Message("c:\\users".into())), None);
        assert_eq!(prescreen_of(&TermKind::Message("données".into())), None);
        assert_eq!(prescreen_of(&TermKind::Message("data extract".into())), None);
        assert_eq!(prescreen_of(&TermKind::Words { text: "'exact".into(), quoted: false }), None);
    }

    #[test]
    fn id_sets() {
        let s = IdSet::from_ids([1, 64, 200].into_iter());
        assert!(s.contains(1) && s.contains(64) && s.contains(200));
        assert!(!s.contains(2) && !s.contains(10_000));
    }
}
