//! The compact per-event record: 16 bytes for every line of every file.
//!
//! Six million lines must fit in well under 128 MiB, so an event keeps only what the
//! timeline, the filters and the sessions need without touching the file: time, level,
//! category, session, flags and where its line starts. Everything else (message, extras)
//! is read again from the line when it is shown.

/// Normalised severity. `None` is a line without any level information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(u8)]
pub enum Level {
    #[default]
    None = 0,
    Trace = 1,
    Debug = 2,
    Info = 3,
    Warn = 4,
    Error = 5,
    Fatal = 6,
}

impl Level {
    pub const ALL: [Level; 7] =
        [Level::None, Level::Trace, Level::Debug, Level::Info, Level::Warn, Level::Error, Level::Fatal];

    pub fn name(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }

    /// Five-letter label for aligned columns.
    pub fn label(self) -> &'static str {
        match self {
            Level::None => "  -  ",
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO ",
            Level::Warn => "WARN ",
            Level::Error => "ERROR",
            Level::Fatal => "FATAL",
        }
    }

    fn from_bits(b: u64) -> Level {
        Level::ALL.get(b as usize).copied().unwrap_or(Level::None)
    }

    pub fn is_error(self) -> bool {
        self >= Level::Error
    }

    /// Reads a level name in any case, with the usual synonyms. Runs for every line, so
    /// it compares bytes without allocating.
    pub fn from_name(s: &str) -> Option<Level> {
        Level::from_bytes(s.trim().as_bytes())
    }
}

/// Level names and synonyms, most common first.
const NAMES: &[(&str, Level)] = &[
    ("info", Level::Info),
    ("error", Level::Error),
    ("warn", Level::Warn),
    ("warning", Level::Warn),
    ("debug", Level::Debug),
    ("trace", Level::Trace),
    ("fatal", Level::Fatal),
    ("critical", Level::Fatal),
    ("err", Level::Error),
    ("inf", Level::Info),
    ("information", Level::Info),
    ("informational", Level::Info),
    ("notice", Level::Info),
    ("success", Level::Info),
    ("ok", Level::Info),
    ("wrn", Level::Warn),
    ("warnings", Level::Warn),
    ("dbg", Level::Debug),
    ("fine", Level::Debug),
    ("debug1", Level::Debug),
    ("debug2", Level::Debug),
    ("trc", Level::Trace),
    ("verbose", Level::Trace),
    ("finest", Level::Trace),
    ("finer", Level::Trace),
    ("eror", Level::Error),
    ("failure", Level::Error),
    ("failed", Level::Error),
    ("fail", Level::Error),
    ("severe", Level::Error),
    ("crit", Level::Fatal),
    ("panic", Level::Fatal),
    ("emerg", Level::Fatal),
    ("emergency", Level::Fatal),
    ("alert", Level::Fatal),
    ("dpanic", Level::Fatal),
    ("none", Level::None),
    ("-", Level::None),
];

impl Level {
    /// [`Level::from_name`] on raw bytes (no UTF-8 check needed: the names are ASCII).
    pub fn from_bytes(b: &[u8]) -> Option<Level> {
        // The spellings almost every line uses, compared exactly first.
        match b {
            b"info" => return Some(Level::Info),
            b"error" => return Some(Level::Error),
            b"warn" | b"warning" => return Some(Level::Warn),
            b"debug" => return Some(Level::Debug),
            _ => {}
        }
        let t = b.trim_ascii();
        NAMES.iter().find(|(n, _)| n.len() == t.len() && n.as_bytes().eq_ignore_ascii_case(t)).map(|&(_, l)| l)
    }
}

/// Bits of [`Event::flags`].
pub mod flag {
    /// The line is not an event we could read; see `Index::unparsed`.
    pub const UNPARSED: u8 = 1;
    /// The time was written on the line (otherwise it is inherited from the line before,
    /// so the event keeps its place when files are merged).
    pub const OWN_TIME: u8 = 2;
    /// Session assigned by grouping (user / host+pid / file and a gap), not a session field.
    pub const DERIVED_SESSION: u8 = 4;
    /// A run of NUL bytes preceded the line (zero-fill after a power loss).
    pub const NUL_PREFIX: u8 = 8;
    /// Read from a followed file after the initial load.
    pub const LIVE: u8 = 16;
}

/// The time of an event that neither states a time nor follows a line that does: shown
/// as no time, not as 1970.
pub const NO_TIME: i64 = 0;

pub const MAX_CATEGORIES: u32 = (1 << 12) - 1;
pub const MAX_SESSIONS: u32 = (1 << 24) - 1;
pub const MAX_OFFSET: u64 = (1 << 40) - 1;
const MAX_TIME: u64 = (1 << 44) - 1;

/// One line of one file. Times are milliseconds since the Unix epoch (UTC), clamped to
/// 1970..2527; the offset is in the index's virtual address space of all sources.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Event {
    /// time:44 | category:12 | level:3 | flags:5
    a: u64,
    /// offset:40 | session:24
    b: u64,
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Event")
            .field("time", &self.time())
            .field("level", &self.level())
            .field("category", &self.category())
            .field("session", &self.session())
            .field("offset", &self.offset())
            .field("flags", &self.flags())
            .finish()
    }
}

impl Event {
    pub fn new(time_ms: i64, level: Level, category: u32, session: u32, offset: u64, flags: u8) -> Event {
        let t = time_ms.clamp(0, MAX_TIME as i64) as u64;
        let c = u64::from(category.min(MAX_CATEGORIES));
        let s = u64::from(session.min(MAX_SESSIONS));
        Event {
            a: t << 20 | c << 8 | (level as u64) << 5 | u64::from(flags & 0x1f),
            b: (offset & MAX_OFFSET) << 24 | s,
        }
    }

    pub fn time(&self) -> i64 {
        (self.a >> 20) as i64
    }
    pub fn category(&self) -> u32 {
        (self.a >> 8 & 0xfff) as u32
    }
    pub fn level(&self) -> Level {
        Level::from_bits(self.a >> 5 & 0x7)
    }
    pub fn flags(&self) -> u8 {
        (self.a & 0x1f) as u8
    }
    pub fn has(&self, flag: u8) -> bool {
        self.flags() & flag != 0
    }
    pub fn offset(&self) -> u64 {
        self.b >> 24
    }
    pub fn session(&self) -> u32 {
        (self.b & 0xff_ffff) as u32
    }
    pub fn is_unparsed(&self) -> bool {
        self.has(flag::UNPARSED)
    }

    /// Sort key of the merged timeline: time, then position in the input.
    pub fn order_key(&self) -> (i64, u64) {
        (self.time(), self.offset())
    }

    pub fn set_time(&mut self, time_ms: i64) {
        let t = time_ms.clamp(0, MAX_TIME as i64) as u64;
        self.a = (self.a & 0xf_ffff) | t << 20;
    }
    pub fn set_session(&mut self, session: u32) {
        self.b = (self.b & !0xff_ffff) | u64::from(session.min(MAX_SESSIONS));
    }
    pub fn set_category(&mut self, category: u32) {
        self.a = (self.a & !(0xfff << 8)) | u64::from(category.min(MAX_CATEGORIES)) << 8;
    }
    pub fn set_offset(&mut self, offset: u64) {
        self.b = (self.b & 0xff_ffff) | (offset & MAX_OFFSET) << 24;
    }
    pub fn set_flag(&mut self, flag: u8) {
        self.a |= u64::from(flag & 0x1f);
    }

    /// The record's two words, for the index cache (which writes them little-endian).
    pub fn to_raw(self) -> [u64; 2] {
        [self.a, self.b]
    }

    /// A record from [`Event::to_raw`]'s words. Any bits read as some event; ids that
    /// name no category or session are the reader's to check.
    pub fn from_raw(raw: [u64; 2]) -> Event {
        Event { a: raw[0], b: raw[1] }
    }
}

const _: () = assert!(std::mem::size_of::<Event>() == 16);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_through_the_packing() {
        let e = Event::new(1_779_000_000_123, Level::Error, 4000, 12_345_678, 987_654_321_012, flag::OWN_TIME);
        assert_eq!(e.time(), 1_779_000_000_123);
        assert_eq!(e.level(), Level::Error);
        assert_eq!(e.category(), 4000);
        assert_eq!(e.session(), 12_345_678);
        assert_eq!(e.offset(), 987_654_321_012);
        assert!(e.has(flag::OWN_TIME) && !e.is_unparsed());
    }

    #[test]
    fn setters_touch_only_their_field() {
        let mut e = Event::new(5, Level::Warn, 3, 9, 77, flag::UNPARSED);
        e.set_time(42);
        e.set_session(1);
        e.set_category(MAX_CATEGORIES + 10);
        assert_eq!((e.time(), e.session(), e.category()), (42, 1, MAX_CATEGORIES));
        assert_eq!((e.level(), e.offset(), e.flags()), (Level::Warn, 77, flag::UNPARSED));
    }

    #[test]
    fn raw_words_round_trip() {
        let e = Event::new(1_779_000_000_123, Level::Fatal, 17, 99, 123_456, flag::OWN_TIME | flag::NUL_PREFIX);
        assert_eq!(Event::from_raw(e.to_raw()), e);
        assert_eq!(Event::from_raw([u64::MAX; 2]).level(), Level::None, "a level past Fatal reads as none");
    }

    #[test]
    fn level_names_and_synonyms() {
        assert_eq!(Level::from_name("WARNING"), Some(Level::Warn));
        assert_eq!(Level::from_name("Critical"), Some(Level::Fatal));
        assert_eq!(Level::from_name("err"), Some(Level::Error));
        assert_eq!(Level::from_name("bogus"), None);
        assert!(Level::Fatal.is_error() && !Level::Warn.is_error());
    }
}
