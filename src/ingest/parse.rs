//! Turns a range of one input's bytes into compact event records. Pure and independent per
//! range, so ranges of a big file are parsed in parallel; ids are local to the range and
//! made global when the range is absorbed into the index.
//!
//! Every non-blank line becomes exactly one record: an event, or an unparsed line that is
//! counted and shown. Blank lines are the only lines skipped.

use super::dialects::csv::CsvHeader;
use super::dialects::facts::{Brief, Dialect, Facts, Text, error_text, json_brief};
use super::dialects::fields::{KeyMemo, bytes_eq};
use super::dialects::logfmt;
use super::dialects::markdown;
use super::dialects::text::text_facts;
use super::document;
use super::screen::{Marks, error_marks, read_in_full};
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

    /// A cut line from which fields were salvaged (see [`super::dialects::facts::salvage`]), with
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

/// How a range's bytes divide into records.
#[derive(Clone, Copy, Debug)]
pub enum Records<'a> {
    /// One record per line: JSON lines, text and logfmt logs.
    Lines,
    /// CSV rows under `header` (a quoted cell may hold line breaks). The header line, at
    /// virtual offset `header_at` when this range holds it, is not a record.
    Csv { header: &'a CsvHeader, header_at: Option<u64> },
    /// Part of a JSON document: records are JSON values, separated by whitespace and
    /// array syntax, each spanning as many lines as it takes (see [`super::document`]).
    Document,
    /// The whole range is one record (an rtgs Markdown execution log).
    Whole,
}

/// Where a range sits and how to read it.
#[derive(Clone, Copy, Debug)]
pub struct RangeSpec<'a> {
    pub bytes: &'a [u8],
    /// Virtual offset of `bytes[0]`.
    pub base: u64,
    pub source: u32,
    /// The range starts at the beginning of the file (a BOM may follow).
    pub at_file_start: bool,
    pub records: Records<'a>,
    /// Fingerprint error lines for error groups (see [`super::build::Detail`]).
    pub group_errors: bool,
    /// Only error and fatal events are needed: lines whose bytes cannot make one are
    /// skipped unread (see [`super::screen`]). Other events may still be read, to keep
    /// the times of the ones that matter exact.
    pub only_errors: bool,
    /// How the file writes ambiguous dates (`7/10/2025`), from its other dates.
    pub date_order: DateOrder,
}

impl<'a> RangeSpec<'a> {
    /// `bytes` at virtual offset `base`, from the start of a file of source 0, read in
    /// full with error groups; callers change the fields that differ.
    pub fn new(bytes: &'a [u8], base: u64, records: Records<'a>) -> RangeSpec<'a> {
        RangeSpec {
            bytes,
            base,
            source: 0,
            at_file_start: true,
            records,
            group_errors: true,
            only_errors: false,
            date_order: DateOrder::Guess,
        }
    }

    fn csv(&self) -> Option<&'a CsvHeader> {
        match self.records {
            Records::Csv { header, .. } => Some(header),
            _ => None,
        }
    }

    /// Whether the record at virtual offset `offset` is the CSV header line.
    fn is_csv_header(&self, offset: u64) -> bool {
        matches!(self.records, Records::Csv { header_at: Some(at), .. } if at == offset)
    }
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
pub fn parse_range_into(spec: &RangeSpec<'_>, zone: Zone, events: Vec<Event>) -> Chunk {
    let mut parser = RangeParser::new(spec, zone, events);
    while let Some(record) = parser.next_record() {
        if parser.screened_out(&record) {
            continue;
        }
        let mut error_facts = None;
        let flow = match read_line(record.line, spec, &mut parser.times, &mut parser.memo, &mut error_facts) {
            Ok((brief, nul_prefix)) => parser.on_event(&record, brief, nul_prefix, error_facts),
            Err(reason) => parser.on_unparsed(&record, reason),
        };
        if flow == Flow::ReadInFull {
            // An event's time comes from a line the pre-screen skipped: read the range in
            // full instead (rare: real logs put a time on every event).
            return parse_range(&RangeSpec { only_errors: false, ..*spec }, zone);
        }
    }
    parser.finish()
}

/// One record of a range: where it is, and its bytes (a BOM at the file's start left out).
struct Record<'a> {
    start: usize,
    end: usize,
    offset: u64,
    line: &'a [u8],
    /// 0-based line number of its first line within the range.
    line_index: u64,
}

/// What the parse loop does after a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Next,
    /// The pre-screen skipped a line this record needs: start again without it.
    ReadInFull,
}

/// The state of a range being parsed: records come from [`RangeParser::next_record`],
/// each read line goes to [`RangeParser::on_event`] or [`RangeParser::on_unparsed`],
/// which give it a time, a session and ids local to the range.
struct RangeParser<'s, 'a> {
    spec: &'s RangeSpec<'a>,
    out: Chunk,
    ids: LocalIds,
    times: TimeReader,
    memo: KeyMemo,
    /// Where the next record starts, and the line it starts on.
    pos: usize,
    line_index: u64,
    last_time: Option<i64>,
    last_key: u32,
    /// The errors-only pre-screen's marks, when it runs.
    marks: Option<Marks>,
    /// Lines were skipped since the last event with a time of its own, so `last_time` may
    /// not be the time of the line before; and where that event's line ends.
    skipped: bool,
    timed_until: usize,
}

impl<'s, 'a> RangeParser<'s, 'a> {
    fn new(spec: &'s RangeSpec<'a>, zone: Zone, mut events: Vec<Event>) -> Self {
        events.clear();
        let mut memo = KeyMemo::default();
        memo.custom = super::dialects::custom::active();
        // A config's dialects may call a line an error in words the screen does not know.
        let screened = memo.custom.is_none()
            && spec.only_errors
            && match spec.records {
                Records::Lines => true,
                Records::Csv { header, .. } => !header.has_success_column(),
                Records::Document | Records::Whole => false,
            };
        let marks = screened.then(|| Marks::new(SCRATCH.with(|s| error_marks(spec.bytes, &mut s.borrow_mut()))));
        RangeParser {
            spec,
            out: Chunk { source: spec.source, events, ..Chunk::default() },
            ids: LocalIds::default(),
            times: TimeReader::new(zone).with_date_order(spec.date_order),
            memo,
            pos: 0,
            line_index: 0,
            last_time: None,
            last_key: 0,
            marks,
            skipped: false,
            timed_until: 0,
        }
    }

    /// The next record that is not blank (nor the CSV header), counting the line breaks
    /// on the way.
    #[inline]
    fn next_record(&mut self) -> Option<Record<'a>> {
        let spec = self.spec;
        let bytes = spec.bytes;
        loop {
            if let Records::Document = spec.records {
                let bom = if self.pos == 0 && spec.at_file_start && bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
                let at = document::skip_separators(bytes, self.pos + bom);
                let gap = memchr::memchr_iter(b'\n', &bytes[self.pos..at]).count() as u64;
                self.count_lines(gap);
                self.pos = at;
            }
            if self.pos >= bytes.len() {
                return None;
            }
            let start = self.pos;
            let mut row_breaks = 0;
            let end = match spec.records {
                Records::Whole => bytes.len(),
                // The plan cut the range at records with the same function; a failure here
                // cannot happen, and would make the rest of the range one unparsed record.
                Records::Document => document::record_end(bytes, start).unwrap_or(bytes.len()),
                Records::Csv { header, .. } => {
                    let row = super::dialects::csv::row(bytes, start, header);
                    row_breaks = row.breaks as u64;
                    self.out.unclosed_quote |= row.unclosed;
                    row.end
                }
                Records::Lines => memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |k| start + k),
            };
            let offset = spec.base + start as u64;
            let mut line = &bytes[start..end];
            if start == 0 && spec.at_file_start {
                line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
            }
            let line_index = self.line_index;
            match spec.records {
                Records::Whole | Records::Document => {
                    self.count_lines(memchr::memchr_iter(b'\n', line).count() as u64);
                    self.pos = end;
                }
                Records::Lines | Records::Csv { .. } => {
                    // A CSV row may hold line breaks in a quoted cell.
                    self.line_index += 1 + row_breaks;
                    self.out.newlines += row_breaks + u64::from(end < bytes.len());
                    self.pos = end + 1;
                }
            }
            if line.iter().all(|b| b.is_ascii_whitespace()) || spec.is_csv_header(offset) {
                continue;
            }
            return Some(Record { start, end, offset, line, line_index });
        }
    }

    fn count_lines(&mut self, n: u64) {
        self.line_index += n;
        self.out.newlines += n;
    }

    /// Whether the errors-only pre-screen skips this record unread. Until a line with a
    /// time of its own is read, every line is read: the untimed lines before it, here or
    /// at the end of the range before, take its time.
    #[inline]
    fn screened_out(&mut self, r: &Record<'_>) -> bool {
        let Some(m) = &mut self.marks else { return false };
        let skip = self.last_time.is_some()
            && !m.any_in(r.start, r.end)
            && (self.spec.csv().is_some() || !read_in_full(&self.spec.bytes[r.start..r.end]));
        self.skipped |= skip;
        skip
    }

    /// A line read as an event.
    #[inline]
    fn on_event(&mut self, r: &Record<'a>, brief: Brief<'a>, nul_prefix: bool, error_facts: Option<Facts<'a>>) -> Flow {
        if self.skipped && brief.time.is_none() {
            return Flow::ReadInFull;
        }
        let mut flags = if nul_prefix { flag::NUL_PREFIX } else { 0 };
        let time = match brief.time {
            Some(t) => {
                flags |= flag::OWN_TIME;
                self.take_time(t, r.end);
                t
            }
            None => {
                if self.last_time.is_none() {
                    self.out.leading_untimed = self.out.events.len() + 1;
                }
                self.last_time.unwrap_or(0)
            }
        };
        let category = brief.category.map_or(0, |c| self.ids.category(&mut self.out.categories, c));
        let (kind, key_text) = session_key_of(&brief);
        if kind != KeyKind::Explicit {
            flags |= flag::DERIVED_SESSION;
        }
        let key = self.ids.key(&mut self.out.keys, kind, &key_text);
        self.take_key(key);
        // Who and where: explicit sessions and per-user ones take it from their lines
        // (the repricing log names the machine in its messages).
        if matches!(kind, KeyKind::Explicit | KeyKind::User) {
            self.ids.note_meta(&mut self.out.metas, key, &brief);
        }
        if brief.level.is_error() && self.spec.group_errors {
            let fp = error_facts.map_or(0, |f| {
                let etype = f.error_type.map(|t| t.text()).unwrap_or_default();
                self.ids.fingerprint(&etype, &error_text(&f))
            });
            self.out.errors.push(ErrorSig { offset: r.offset, fingerprint: fp });
        }
        self.out.dialects[brief.dialect as usize] += 1;
        self.out.events.push(Event::new(time, brief.level, category, key, r.offset, flags));
        Flow::Next
    }

    /// A line that is not an event. A line cut off by a crash (or by another writer's
    /// line) still says what it was written for before the cut: its time, level, session,
    /// category and the start of its message. It stays an unparsed line, counted as one,
    /// and carries the salvaged level so that error filters, jumps and counts find it.
    /// Without a time of its own it keeps its place after the line before it, where it
    /// was written.
    fn on_unparsed(&mut self, r: &Record<'a>, reason: Reason) -> Flow {
        let salvage = match reason {
            Reason::Json(e) => super::dialects::facts::salvage(body_of(r.line).0, e, &mut self.times),
            _ => None,
        };
        let brief = salvage.as_ref().map(|s| s.facts.brief());
        let mut flags = flag::UNPARSED;
        let own_time = brief.and_then(|b| b.time);
        if self.skipped && own_time.is_none() && brief.is_some_and(|b| b.level.is_error()) {
            // As for an event: its time comes from a line that was skipped.
            return Flow::ReadInFull;
        }
        if let Some(t) = own_time {
            flags |= flag::OWN_TIME;
            self.take_time(t, r.end);
        }
        let time = self.last_time;
        if time.is_none() {
            self.out.leading_untimed = self.out.events.len() + 1;
        }
        // Two app instances may share a daily file: the line's own session, user or
        // host+pid, else the session of the line before it.
        let own_key =
            brief.map(|b| session_key_of(&b)).filter(|(kind, _)| *kind != KeyKind::File).map(|(kind, text)| {
                if kind != KeyKind::Explicit {
                    flags |= flag::DERIVED_SESSION;
                }
                self.ids.key(&mut self.out.keys, kind, &text)
            });
        if own_key.is_none() && self.last_key == 0 {
            self.out.leading_unkeyed = self.out.events.len() + 1;
        }
        let (level, category) = match (&salvage, brief) {
            (Some(s), Some(b)) => {
                self.out.unparsed.push(Unparsed::cut(r.offset, r.line_index, reason, b.level));
                if b.level.is_error() && self.spec.group_errors {
                    let etype = s.facts.error_type.map(|t| t.text()).unwrap_or_default();
                    let fp = self.ids.fingerprint(&etype, &error_text(&s.facts));
                    self.out.errors.push(ErrorSig { offset: r.offset, fingerprint: fp });
                }
                (b.level, b.category.map_or(0, |c| self.ids.category(&mut self.out.categories, c)))
            }
            _ => {
                self.out.unparsed.push(Unparsed::new(r.offset, r.line_index, reason));
                (Level::None, 0)
            }
        };
        // Lines around it take its session as they would a parsed line's (and as the
        // next range would).
        let key = match own_key {
            Some(k) => {
                self.take_key(k);
                k
            }
            None => self.last_key,
        };
        if let (Some(b), Some(k)) = (brief, own_key)
            && matches!(session_key_of(&b).0, KeyKind::Explicit | KeyKind::User)
        {
            self.ids.note_meta(&mut self.out.metas, k, &b);
        }
        self.out.events.push(Event::new(time.unwrap_or(0), level, category, key, r.offset, flags));
        Flow::Next
    }

    /// A line's own time `t` (the line ends at `end`): the untimed lines at the start of
    /// the range take it, and so do the lines after it until the next time.
    #[inline]
    fn take_time(&mut self, t: i64, end: usize) {
        if self.out.leading_untimed > 0 && self.last_time.is_none() {
            for e in &mut self.out.events[..self.out.leading_untimed] {
                e.set_time(t);
            }
        }
        self.skipped = false;
        self.timed_until = end;
        self.last_time = Some(t);
    }

    /// A line's own session `key`: the unkeyed lines at the start of the range take it.
    #[inline]
    fn take_key(&mut self, key: u32) {
        if self.last_key == 0 && self.out.leading_unkeyed > 0 {
            for e in &mut self.out.events[..self.out.leading_unkeyed] {
                e.set_session(key);
            }
        }
        self.last_key = key;
    }

    fn finish(mut self) -> Chunk {
        if self.skipped {
            // The next range's untimed first lines take the time of this range's last line.
            push_last_timed(&mut self.out, self.spec, self.timed_until, &mut self.times, &mut self.memo);
        }
        self.out.dated_by_today = self.times.read_yearless();
        self.out
    }
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
        if !blank && !spec.is_csv_header(offset) {
            // A cut line's salvaged time counts, as in the full read.
            let time = match read_line(line, spec, times, memo, &mut None) {
                Ok((brief, _)) => brief.time.map(|t| (t, brief.level)),
                Err(Reason::Json(e)) => super::dialects::facts::salvage(body_of(line).0, e, times)
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
    if let Records::Whole = spec.records {
        return markdown::facts(body, times)
            .map(|f| (brief_keeping_error(f, error_facts), nuls > 0))
            .ok_or(Reason::NoTimestamp);
    }
    if let Some(header) = spec.csv() {
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
    custom: Option<&super::dialects::custom::Custom>,
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
        let mut take = |bit: u8, v: Option<super::dialects::facts::Text<'_>>| -> Option<Box<str>> {
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
        let spec = RangeSpec { source: 7, ..RangeSpec::new(text.as_bytes(), 1000, Records::Lines) };
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
