//! Turns a range of one input's bytes into compact event records. Pure and independent per
//! range, so ranges of a big file are parsed in parallel; ids are local to the range and
//! made global when the range is absorbed into the index.
//!
//! Every non-blank line becomes exactly one record: an event, or an unparsed line that is
//! counted and shown. Blank lines are the only lines skipped.

use super::csv::CsvHeader;
use super::document;
use super::facts::{Brief, Dialect, Facts, Text, error_text, json_brief};
use super::fields::{KeyMemo, bytes_eq};
use super::logfmt;
use super::markdown;
use super::screen::{Marks, error_marks, read_in_full};
use super::text::text_facts;
use super::time::{TimeReader, Zone};
use super::time_other::DateOrder;
use crate::json::scan::{ScanError, is_json_value};
use crate::model::error_group::{digit_blind_key, fingerprint};
use crate::model::session::{KeyKind, SessionKey};
use crate::model::store::LINE_CAP;
use crate::model::{Event, Level, flag};
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// Why a line is not an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Json(ScanError),
    /// Valid JSON, but a number, string, array... instead of an object.
    NonObject,
    /// Text that is neither JSON nor a timestamped log line.
    NotJson,
    TooLong(u64),
    /// Nothing but NUL bytes (zero-fill after a crash or power loss).
    NulRun(u64),
    /// A CSV row whose quote does not close on its line.
    CsvQuote,
    /// A record file (an rtgs Markdown execution log) without a readable timestamp.
    NoTimestamp,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Json(e) => e.fmt(f),
            Reason::NonObject => f.write_str("JSON value that is not an object"),
            Reason::NotJson => f.write_str("not JSON and no leading timestamp"),
            Reason::TooLong(n) => write!(f, "line of {n} bytes is longer than the {} MiB cap", LINE_CAP >> 20),
            Reason::NulRun(n) => write!(f, "{n} NUL bytes (zero-filled after a crash?)"),
            Reason::CsvQuote => f.write_str("CSV row with an unclosed quote"),
            Reason::NoTimestamp => f.write_str("execution log without a readable timestamp"),
        }
    }
}

/// A line that is not an event, where to find it, and why. 24 bytes: a folder of ten
/// million garbage lines must not cost a gigabyte (its source is the blob at `offset`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unparsed {
    pub offset: u64,
    /// 1-based once absorbed (0-based within the range before).
    pub line: u64,
    packed: PackedReason,
}

impl Unparsed {
    pub fn new(offset: u64, line: u64, reason: Reason) -> Unparsed {
        Unparsed { offset, line, packed: PackedReason::from(reason) }
    }

    /// A cut line from which fields were salvaged (see [`super::facts::salvage`]), with
    /// the level it names (`Level::None` when it names none).
    pub fn cut(offset: u64, line: u64, reason: Reason, level: Level) -> Unparsed {
        let packed = PackedReason(PackedReason::from(reason).0 | PackedReason::SALVAGED | (level as u64) << 48);
        Unparsed { offset, line, packed }
    }

    pub fn reason(&self) -> Reason {
        self.packed.reason()
    }

    /// For a cut line whose fields were salvaged, the level it names; `None` for other
    /// unparsed lines.
    pub fn salvaged_level(&self) -> Option<Level> {
        (self.packed.0 & PackedReason::SALVAGED != 0)
            .then(|| Level::ALL.get((self.packed.0 >> 48 & 7) as usize).copied().unwrap_or(Level::None))
    }

    pub fn is_salvaged(&self) -> bool {
        self.packed.0 & PackedReason::SALVAGED != 0
    }

    /// Offset, line and packed reason, for the index cache.
    pub fn to_raw(&self) -> [u64; 3] {
        [self.offset, self.line, self.packed.0]
    }

    /// A record from [`Unparsed::to_raw`]'s words; any bits read as some reason.
    pub fn from_raw(raw: [u64; 3]) -> Unparsed {
        Unparsed { offset: raw[0], line: raw[1], packed: PackedReason(raw[2]) }
    }
}

/// A [`Reason`] in one word: its kind in the top byte, then whether the line was
/// salvaged and its salvaged level, then its number in the low 48 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PackedReason(u64);

impl PackedReason {
    const VALUE: u64 = (1 << 48) - 1;
    const SALVAGED: u64 = 1 << 55;

    fn from(reason: Reason) -> PackedReason {
        let (kind, value) = match reason {
            Reason::NonObject => (0, 0),
            Reason::NotJson => (1, 0),
            Reason::TooLong(n) => (2, n),
            Reason::NulRun(n) => (3, n),
            Reason::CsvQuote => (4, 0),
            Reason::NoTimestamp => (5, 0),
            Reason::Json(ScanError::NotAnObject) => (6, 0),
            Reason::Json(ScanError::Truncated) => (7, 0),
            Reason::Json(ScanError::Invalid(at)) => (8, at as u64),
            Reason::Json(ScanError::TrailingData(at)) => (9, at as u64),
            Reason::Json(ScanError::TooDeep) => (10, 0),
        };
        PackedReason(kind << 56 | value.min(Self::VALUE))
    }

    fn reason(self) -> Reason {
        let value = self.0 & Self::VALUE;
        match self.0 >> 56 {
            0 => Reason::NonObject,
            1 => Reason::NotJson,
            2 => Reason::TooLong(value),
            3 => Reason::NulRun(value),
            4 => Reason::CsvQuote,
            5 => Reason::NoTimestamp,
            6 => Reason::Json(ScanError::NotAnObject),
            7 => Reason::Json(ScanError::Truncated),
            8 => Reason::Json(ScanError::Invalid(value as usize)),
            9 => Reason::Json(ScanError::TrailingData(value as usize)),
            _ => Reason::Json(ScanError::TooDeep),
        }
    }
}

/// Something a line told about its session (who, on what machine).
#[derive(Clone, Debug)]
pub struct Meta {
    pub key: u32,
    pub user: Option<Box<str>>,
    pub host: Option<Box<str>>,
    pub platform: Option<Box<str>>,
}

/// The fingerprint of an error event.
#[derive(Clone, Copy, Debug)]
pub struct ErrorSig {
    pub offset: u64,
    pub fingerprint: u64,
}

/// One parsed range. Event `category` and `session` fields hold ids into `categories`
/// and `keys` (1-based; 0 = none).
#[derive(Debug, Default)]
pub struct Chunk {
    pub source: u32,
    pub events: Vec<Event>,
    pub categories: Vec<Box<str>>,
    pub keys: Vec<SessionKey>,
    pub metas: Vec<Meta>,
    pub errors: Vec<ErrorSig>,
    pub unparsed: Vec<Unparsed>,
    /// `\n` seen in the range (for line numbers of later ranges).
    pub newlines: u64,
    /// Events at the start that had no time of their own and nothing before them to
    /// inherit from; they get the time of the range before, or the first time after.
    pub leading_untimed: usize,
    /// Unparsed lines at the start with no event before them to take a session from.
    pub leading_unkeyed: usize,
    pub dialects: [u64; Dialect::COUNT],
    /// A CSV row's quoted cell did not close before the end of the range: the row is
    /// broken, or the range was cut inside it.
    pub unclosed_quote: bool,
    /// A date without a year was read, as of today (see `time_other::Today`).
    pub dated_by_today: bool,
}

/// Where a range sits and how to read it.
pub struct RangeSpec<'a> {
    pub bytes: &'a [u8],
    /// Virtual offset of `bytes[0]`.
    pub base: u64,
    pub source: u32,
    /// The range starts at the beginning of the file (a BOM may follow).
    pub at_file_start: bool,
    pub csv: Option<&'a CsvHeader>,
    /// Virtual offset of the CSV header line, which is not an event.
    pub csv_header_at: Option<u64>,
    /// Fingerprint error lines for error groups (see [`super::build::Detail`]).
    pub group_errors: bool,
    /// The range is one record spanning many lines (an rtgs Markdown execution log).
    pub whole_record: bool,
    /// The range is part of a JSON document: records are JSON values, separated by
    /// whitespace and array syntax, each spanning as many lines as it takes (see
    /// [`super::document`]).
    pub document: bool,
    /// Only error and fatal events are needed: lines whose bytes cannot make one are
    /// skipped unread (see [`super::screen`]). Other events may still be read, to keep
    /// the times of the ones that matter exact.
    pub only_errors: bool,
    /// How the file writes ambiguous dates (`7/10/2025`), from its other dates.
    pub date_order: DateOrder,
}

#[derive(Default)]
struct LocalIds {
    /// Keyed by identity bytes (raw when undecoded), so lookups need no UTF-8 work.
    categories: FxHashMap<Box<[u8]>, u32>,
    category_bytes: Vec<Box<[u8]>>,
    keys: [FxHashMap<Box<[u8]>, u32>; 4],
    key_bytes: Vec<Box<[u8]>>,
    /// Fingerprints by (type, message) hash: masking is costly and errors repeat.
    fingerprints: FxHashMap<u64, u64>,
    /// Which metas were already recorded per key: bit 0 user, 1 host, 2 platform.
    meta_bits: Vec<u8>,
    /// Ids handed out recently: lines mostly repeat them (a few interleaved sessions, a
    /// handful of categories), and comparing bytes with a table entry is cheaper than
    /// hashing on every line.
    recent_categories: [u32; 8],
    recent_keys: [u32; 8],
}

/// Puts `id` first in a most-recently-used list.
fn touch(recent: &mut [u32; 8], id: u32) {
    let at = recent.iter().position(|&r| r == id).unwrap_or(recent.len() - 1);
    recent.copy_within(0..at, 1);
    recent[0] = id;
}

thread_local! {
    /// Lower-cased copy of the range being screened, kept per thread between ranges.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

pub fn parse_range(spec: &RangeSpec<'_>, zone: Zone) -> Chunk {
    parse_range_into(spec, zone, Vec::new())
}

/// [`parse_range`], filling `events` (an emptied buffer of an absorbed range).
pub fn parse_range_into(spec: &RangeSpec<'_>, zone: Zone, mut events: Vec<Event>) -> Chunk {
    events.clear();
    let mut out = Chunk { source: spec.source, events, ..Chunk::default() };
    let mut ids = LocalIds::default();
    let mut times = TimeReader::new(zone).with_date_order(spec.date_order);
    let mut memo = KeyMemo::default();
    memo.custom = super::custom::active();
    let mut last_time: Option<i64> = None;
    let mut last_key: u32 = 0;
    let bytes = spec.bytes;
    let mut pos = 0usize;
    let mut line_index = 0u64;
    // A config's dialects may call a line an error in words the screen does not know.
    let screened = memo.custom.is_none()
        && spec.only_errors
        && !spec.whole_record
        && !spec.document
        && spec.csv.is_none_or(|h| !h.has_success_column());
    let mut marks = screened.then(|| Marks::new(SCRATCH.with(|s| error_marks(bytes, &mut s.borrow_mut()))));
    // Lines were skipped since the last event with a time of its own, so `last_time` may
    // not be the time of the line before; and where that event's line ends.
    let mut skipped = false;
    let mut timed_until = 0usize;
    while pos < bytes.len() {
        if spec.document {
            let bom = if pos == 0 && spec.at_file_start && bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
            let at = document::skip_separators(bytes, pos + bom);
            let gap = memchr::memchr_iter(b'\n', &bytes[pos..at]).count() as u64;
            (line_index, out.newlines) = (line_index + gap, out.newlines + gap);
            pos = at;
            if pos >= bytes.len() {
                break;
            }
        }
        let start = pos;
        let mut row_breaks = 0;
        let end = if spec.whole_record {
            bytes.len()
        } else if spec.document {
            // The plan cut the range at records with the same function; a failure here
            // cannot happen, and would make the rest of the range one unparsed record.
            document::record_end(bytes, pos).unwrap_or(bytes.len())
        } else if let Some(h) = spec.csv {
            let row = super::csv::row(bytes, pos, h);
            row_breaks = row.breaks as u64;
            out.unclosed_quote |= row.unclosed;
            row.end
        } else {
            memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |k| pos + k)
        };
        let offset = spec.base + pos as u64;
        let mut line = &bytes[pos..end];
        if pos == 0 && spec.at_file_start {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        let this_line = line_index;
        if spec.whole_record || spec.document {
            let inside = memchr::memchr_iter(b'\n', line).count() as u64;
            (line_index, out.newlines) = (line_index + inside, out.newlines + inside);
            pos = end;
        } else {
            // A CSV row may hold line breaks in a quoted cell.
            (line_index, out.newlines) = (line_index + 1 + row_breaks, out.newlines + row_breaks);
            pos = end + 1;
            if end < bytes.len() {
                out.newlines += 1;
            }
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if spec.csv_header_at == Some(offset) {
            continue;
        }
        // Until a line with a time of its own is read, every line is: the untimed lines
        // before it, here or at the end of the range before, take its time.
        if let Some(m) = &mut marks
            && last_time.is_some()
            && !m.any_in(start, end)
            && (spec.csv.is_some() || !read_in_full(&bytes[start..end]))
        {
            skipped = true;
            continue;
        }
        let mut error_facts = None;
        let outcome = read_line(line, spec, &mut times, &mut memo, &mut error_facts);
        match outcome {
            Ok((brief, _)) if skipped && brief.time.is_none() => {
                // This event's time comes from a line that was skipped: read the range in
                // full instead (rare: real logs put a time on every event).
                return parse_range(&RangeSpec { only_errors: false, ..*spec }, zone);
            }
            Ok((brief, nul_prefix)) => {
                if brief.time.is_some() {
                    skipped = false;
                    timed_until = end;
                }
                let mut flags = if nul_prefix { flag::NUL_PREFIX } else { 0 };
                let time = match brief.time {
                    Some(t) => {
                        flags |= flag::OWN_TIME;
                        if out.leading_untimed > 0 && last_time.is_none() {
                            for e in &mut out.events[..out.leading_untimed] {
                                e.set_time(t);
                            }
                        }
                        last_time = Some(t);
                        t
                    }
                    None => {
                        if last_time.is_none() {
                            out.leading_untimed = out.events.len() + 1;
                        }
                        last_time.unwrap_or(0)
                    }
                };
                let category = brief.category.map_or(0, |c| ids.category(&mut out.categories, c));
                let (kind, key_text) = session_key_of(&brief);
                if kind != KeyKind::Explicit {
                    flags |= flag::DERIVED_SESSION;
                }
                let key = ids.key(&mut out.keys, kind, &key_text);
                if last_key == 0 && out.leading_unkeyed > 0 {
                    for e in &mut out.events[..out.leading_unkeyed] {
                        e.set_session(key);
                    }
                }
                last_key = key;
                // Who and where: explicit sessions and per-user ones take it from their
                // lines (the repricing log names the machine in its messages).
                if matches!(kind, KeyKind::Explicit | KeyKind::User) {
                    ids.note_meta(&mut out.metas, key, &brief);
                }
                if brief.level.is_error() && spec.group_errors {
                    let fp = error_facts.map_or(0, |f| {
                        let etype = f.error_type.map(|t| t.text()).unwrap_or_default();
                        ids.fingerprint(&etype, &error_text(&f))
                    });
                    out.errors.push(ErrorSig { offset, fingerprint: fp });
                }
                out.dialects[brief.dialect as usize] += 1;
                out.events.push(Event::new(time, brief.level, category, key, offset, flags));
            }
            Err(reason) => {
                // A line cut off by a crash (or by another writer's line) still says what
                // it was written for before the cut: its time, level, session, category
                // and the start of its message. It stays an unparsed line, counted as one,
                // and carries the salvaged level so that error filters, jumps and counts
                // find it. Without a time of its own it keeps its place after the line
                // before it, where it was written.
                let salvage = match reason {
                    Reason::Json(e) => super::facts::salvage(body_of(line).0, e, &mut times),
                    _ => None,
                };
                let brief = salvage.as_ref().map(|s| s.facts.brief());
                let mut flags = flag::UNPARSED;
                let own_time = brief.and_then(|b| b.time);
                if skipped && own_time.is_none() && brief.is_some_and(|b| b.level.is_error()) {
                    // As for an event: its time comes from a line that was skipped.
                    return parse_range(&RangeSpec { only_errors: false, ..*spec }, zone);
                }
                let time = match own_time {
                    Some(t) => {
                        flags |= flag::OWN_TIME;
                        if out.leading_untimed > 0 && last_time.is_none() {
                            for e in &mut out.events[..out.leading_untimed] {
                                e.set_time(t);
                            }
                        }
                        skipped = false;
                        timed_until = end;
                        last_time = Some(t);
                        Some(t)
                    }
                    None => last_time,
                };
                if time.is_none() {
                    out.leading_untimed = out.events.len() + 1;
                }
                // Two app instances may share a daily file: the line's own session, user or
                // host+pid, else the session of the line before it.
                let own_key =
                    brief.map(|b| session_key_of(&b)).filter(|(kind, _)| *kind != KeyKind::File).map(|(kind, text)| {
                        if kind != KeyKind::Explicit {
                            flags |= flag::DERIVED_SESSION;
                        }
                        ids.key(&mut out.keys, kind, &text)
                    });
                if own_key.is_none() && last_key == 0 {
                    out.leading_unkeyed = out.events.len() + 1;
                }
                let (level, category) = match (&salvage, brief) {
                    (Some(s), Some(b)) => {
                        out.unparsed.push(Unparsed::cut(offset, this_line, reason, b.level));
                        if b.level.is_error() && spec.group_errors {
                            let etype = s.facts.error_type.map(|t| t.text()).unwrap_or_default();
                            let fp = ids.fingerprint(&etype, &error_text(&s.facts));
                            out.errors.push(ErrorSig { offset, fingerprint: fp });
                        }
                        (b.level, b.category.map_or(0, |c| ids.category(&mut out.categories, c)))
                    }
                    _ => {
                        out.unparsed.push(Unparsed::new(offset, this_line, reason));
                        (Level::None, 0)
                    }
                };
                // Lines around it take its session as they would a parsed line's (and as
                // the next range would).
                let key = own_key.unwrap_or(last_key);
                if own_key.is_some() && last_key == 0 && out.leading_unkeyed > 0 {
                    for e in &mut out.events[..out.leading_unkeyed] {
                        e.set_session(key);
                    }
                }
                if let (Some(b), Some(k)) = (brief, own_key)
                    && matches!(session_key_of(&b).0, KeyKind::Explicit | KeyKind::User)
                {
                    ids.note_meta(&mut out.metas, k, &b);
                }
                last_key = key;
                out.events.push(Event::new(time.unwrap_or(0), level, category, key, offset, flags));
            }
        }
    }
    if skipped {
        // The next range's untimed first lines take the time of this range's last line.
        push_last_timed(&mut out, spec, timed_until, &mut times, &mut memo);
    }
    out.dated_by_today = times.read_yearless();
    out
}

/// Reads the lines of `spec.bytes[from..]` backwards, and adds the last one with a time
/// of its own as an event (without category or session: it is not an error, and only its
/// time is needed).
fn push_last_timed(out: &mut Chunk, spec: &RangeSpec<'_>, from: usize, times: &mut TimeReader, memo: &mut KeyMemo) {
    let bytes = spec.bytes;
    let mut end = bytes.len();
    while end > from {
        let start = memchr::memrchr(b'\n', &bytes[from..end]).map_or(from, |k| from + k + 1);
        let mut line = &bytes[start..end];
        if start == 0 && spec.at_file_start {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        let offset = spec.base + start as u64;
        let blank = line.iter().all(|b| b.is_ascii_whitespace());
        if !blank && spec.csv_header_at != Some(offset) {
            // A cut line's salvaged time counts, as in the full read.
            let time = match read_line(line, spec, times, memo, &mut None) {
                Ok((brief, _)) => brief.time.map(|t| (t, brief.level)),
                Err(Reason::Json(e)) => super::facts::salvage(body_of(line).0, e, times)
                    .and_then(|s| s.facts.time)
                    .map(|t| (t, Level::None)),
                Err(_) => None,
            };
            if let Some((t, level)) = time {
                out.events.push(Event::new(t, level, 0, 0, offset, flag::OWN_TIME));
                return;
            }
        }
        end = start.saturating_sub(1);
        if start == from {
            return;
        }
    }
}

/// Strips what precedes a line's content: a `\r` at the end, a NUL run at the start.
fn body_of(line: &[u8]) -> (&[u8], usize) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let nuls = crate::model::store::leading_nuls(line);
    (&line[nuls..], nuls)
}

/// Classifies one non-blank line.
fn read_line<'a>(
    line: &'a [u8],
    spec: &RangeSpec<'_>,
    times: &mut TimeReader,
    memo: &mut KeyMemo,
    error_facts: &mut Option<Facts<'a>>,
) -> Result<(Brief<'a>, bool), Reason> {
    let (body, nuls) = body_of(line);
    if body.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        // The leading run is counted already: a run of gigabytes is not read twice.
        return Err(Reason::NulRun((nuls + body.iter().filter(|&&b| b == 0).count()) as u64));
    }
    if body.len() > LINE_CAP {
        return Err(Reason::TooLong(body.len() as u64));
    }
    if spec.whole_record {
        return markdown::facts(body, times)
            .map(|f| (brief_keeping_error(f, error_facts), nuls > 0))
            .ok_or(Reason::NoTimestamp);
    }
    if let Some(header) = spec.csv {
        return header
            .facts(body, times)
            .map(|f| (brief_keeping_error(f, error_facts), nuls > 0))
            .map_err(|_| Reason::CsvQuote);
    }
    let first = body.iter().position(|b| !b.is_ascii_whitespace()).map_or(0, |k| body[k]);
    if first == b'{' {
        return json_brief(body, times, memo, error_facts).map(|b| (b, nuls > 0)).map_err(Reason::Json);
    }
    not_json_object(body, times, memo.custom, error_facts).map(|b| (b, nuls > 0))
}

/// A line that does not open a JSON object: text, logfmt, or unparsed. Kept out of the
/// JSON lines' path: inlined, the text readers took the inliner's budget from the hot
/// callees of the parse loop, and a profile-guided build of the parse ran 25 % slower.
#[inline(never)]
fn not_json_object<'a>(
    body: &'a [u8],
    times: &mut TimeReader,
    custom: Option<&super::custom::Custom>,
    error_facts: &mut Option<Facts<'a>>,
) -> Result<Brief<'a>, Reason> {
    if let Some(f) = custom.and_then(|c| c.text_facts(body, times)) {
        return Ok(brief_keeping_error(f, error_facts));
    }
    if let Some(f) = text_facts(body, times).or_else(|| logfmt::facts(body, times)) {
        return Ok(brief_keeping_error(f, error_facts));
    }
    if is_json_value(body) { Err(Reason::NonObject) } else { Err(Reason::NotJson) }
}

/// A line's brief; its facts are kept in `error_facts` when it is an error (for the
/// fingerprint).
fn brief_keeping_error<'a>(f: Facts<'a>, error_facts: &mut Option<Facts<'a>>) -> Brief<'a> {
    let brief = f.brief();
    if brief.level.is_error() {
        *error_facts = Some(f);
    }
    brief
}

/// Bytes that identify a text: the raw bytes when nothing needs decoding.
fn identity_bytes<'a>(t: &Text<'a>) -> Cow<'a, [u8]> {
    match *t {
        Text::Json(r) if !r.has_escapes() => Cow::Borrowed(r.raw),
        Text::Plain(b) => Cow::Borrowed(b),
        Text::CsvQuoted(b) if memchr::memmem::find(b, b"\"\"").is_none() => Cow::Borrowed(b),
        _ => Cow::Owned(t.text().into_owned().into_bytes()),
    }
}

/// The session a line names, or the grouping it falls back to.
fn session_key_of<'a>(f: &Brief<'a>) -> (KeyKind, Cow<'a, [u8]>) {
    if let Some(s) = f.session.filter(|s| !s.is_empty()) {
        return (KeyKind::Explicit, identity_bytes(&s));
    }
    if let Some(u) = f.user.filter(|u| !u.is_empty()) {
        return (KeyKind::User, identity_bytes(&u));
    }
    if let (Some(h), Some(p)) = (f.host, f.pid) {
        return (KeyKind::HostPid, Cow::Owned(format!("{}:{}", h.text(), p.text()).into_bytes()));
    }
    (KeyKind::File, Cow::Borrowed(b""))
}

impl LocalIds {
    fn category(&mut self, table: &mut Vec<Box<str>>, text: Text<'_>) -> u32 {
        let bytes = identity_bytes(&text);
        let bytes = bytes.trim_ascii();
        if bytes.is_empty() {
            return 0;
        }
        if let Some(&id) =
            self.recent_categories.iter().find(|&&id| id != 0 && bytes_eq(&self.category_bytes[id as usize - 1], bytes))
        {
            return id;
        }
        let id = match self.categories.get(bytes) {
            Some(&id) => id,
            None => {
                table.push(text.text().trim().into());
                self.category_bytes.push(bytes.into());
                let id = table.len() as u32;
                self.categories.insert(bytes.into(), id);
                id
            }
        };
        touch(&mut self.recent_categories, id);
        id
    }

    fn key(&mut self, table: &mut Vec<SessionKey>, kind: KeyKind, bytes: &[u8]) -> u32 {
        if let Some(&id) = self.recent_keys.iter().find(|&&id| {
            id != 0 && table[id as usize - 1].kind == kind && bytes_eq(&self.key_bytes[id as usize - 1], bytes)
        }) {
            return id;
        }
        let map = &mut self.keys[kind as usize];
        let id = match map.get(bytes) {
            Some(&id) => id,
            None => {
                table.push(SessionKey { kind, text: String::from_utf8_lossy(bytes).into() });
                self.key_bytes.push(bytes.into());
                let id = table.len() as u32;
                map.insert(bytes.into(), id);
                self.meta_bits.push(0);
                id
            }
        };
        touch(&mut self.recent_keys, id);
        id
    }

    fn fingerprint(&mut self, etype: &str, message: &str) -> u64 {
        *self.fingerprints.entry(digit_blind_key(etype, message)).or_insert_with(|| fingerprint(etype, message))
    }

    fn note_meta(&mut self, metas: &mut Vec<Meta>, key: u32, f: &Brief<'_>) {
        // Most lines say nothing about who or where.
        if f.user.is_none() && f.host.is_none() && f.platform.is_none() {
            return;
        }
        let Some(bits) = self.meta_bits.get_mut(key as usize - 1) else { return };
        let mut meta = Meta { key, user: None, host: None, platform: None };
        let mut take = |bit: u8, v: Option<super::facts::Text<'_>>| -> Option<Box<str>> {
            let v = v.filter(|v| !v.is_empty())?;
            if *bits & bit != 0 {
                return None;
            }
            *bits |= bit;
            Some(v.text().trim().into())
        };
        meta.user = take(1, f.user);
        meta.host = take(2, f.host);
        meta.platform = take(4, f.platform);
        if meta.user.is_some() || meta.host.is_some() || meta.platform.is_some() {
            metas.push(meta);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unparsed_record_is_24_bytes_and_keeps_its_reason() {
        assert_eq!(std::mem::size_of::<Unparsed>(), 24);
        for reason in [
            Reason::NonObject,
            Reason::NotJson,
            Reason::TooLong(5 << 30),
            Reason::NulRun(4),
            Reason::CsvQuote,
            Reason::NoTimestamp,
            Reason::Json(ScanError::NotAnObject),
            Reason::Json(ScanError::Truncated),
            Reason::Json(ScanError::Invalid(17)),
            Reason::Json(ScanError::TrailingData(99)),
            Reason::Json(ScanError::TooDeep),
        ] {
            assert_eq!(Unparsed::new(1, 2, reason).reason(), reason);
        }
    }

    fn parse(text: &str) -> Chunk {
        let spec = RangeSpec {
            bytes: text.as_bytes(),
            base: 1000,
            source: 7,
            at_file_start: true,
            csv: None,
            csv_header_at: None,
            group_errors: true,
            whole_record: false,
            document: false,
            only_errors: false,
            date_order: DateOrder::Guess,
        };
        parse_range(&spec, Zone::Utc)
    }

    #[test]
    fn every_non_blank_line_is_one_record() {
        let c = parse(concat!(
            "\u{feff}{\"ts\":\"2026-05-17T05:30:00Z\",\"level\":\"info\",\"session\":\"s1\",\"category\":\"nav\",\"message\":\"a\"}\n",
            "\n   \n\t\r\n",
            "Traceback (most recent call last):\n",
            "{\"ts\":\"2026-05-17T05:31:00Z\",\"level\":\"error\",\"session\":\"s1\",\"category\":\"error\",\"message\":\"b\"}\r\n",
            "42\n",
            "{\"ts\":\"2026-05-17T05:3"
        ));
        assert_eq!(c.events.len(), 5);
        assert_eq!(c.unparsed.len(), 3);
        assert_eq!(c.unparsed.iter().map(|u| u.line).collect::<Vec<_>>(), [4, 6, 7]);
        assert_eq!(c.unparsed[1].reason(), Reason::NonObject);
        assert_eq!(c.unparsed[2].reason(), Reason::Json(ScanError::Truncated));
        assert_eq!(c.errors.len(), 1);
        // Unparsed lines take time and session from the event before them.
        assert_eq!(c.events[1].time(), c.events[0].time());
        assert_eq!(c.events[1].session(), c.events[0].session());
        assert_eq!(c.events[4].time(), c.events[2].time());
        assert_eq!(c.events[0].offset(), 1000);
        assert_eq!(c.newlines, 7);
    }

    #[test]
    fn leading_lines_take_the_first_time_and_session_after_them() {
        let c = parse("garbage\n{\"ts\":\"2026-05-17T05:30:00Z\",\"user\":\"ann\",\"msg\":\"x\"}\n");
        assert_eq!(c.events[0].time(), c.events[1].time());
        assert_eq!(c.events[0].session(), c.events[1].session());
        assert_eq!(c.keys[0], SessionKey { kind: KeyKind::User, text: "ann".into() });
    }

    #[test]
    fn nul_runs_and_prefixes() {
        let c = parse("\0\0\0\0\n\0\0{\"ts\":\"2026-05-17T05:30:00Z\",\"msg\":\"after\"}\n");
        assert_eq!(c.unparsed[0].reason(), Reason::NulRun(4));
        assert!(c.events[1].has(flag::NUL_PREFIX) && !c.events[1].is_unparsed());
    }

    #[test]
    fn metas_recorded_once_per_session() {
        let line = "{\"ts\":\"2026-05-17T05:30:00Z\",\"session\":\"s\",\"category\":\"session\",\"user\":\"Ann\",\"platform\":\"Windows 11\",\"message\":\"m\"}\n";
        let c = parse(&line.repeat(3));
        assert_eq!(c.metas.len(), 1);
        assert_eq!(c.metas[0].user.as_deref(), Some("Ann"));
        assert_eq!(c.metas[0].platform.as_deref(), Some("Windows 11"));
    }
}
