//! Timestamp parsing for every shape our users' logs write: RFC 3339 with an offset,
//! naive local date-times, and epoch numbers in s/ms/µs/ns.
//!
//! Parsing runs once per line while indexing, so the common shapes take a hand-written
//! fixed-position path; only naive times touch the time-zone database, through a small
//! per-thread cache keyed by quarter hour (DST changes happen on quarter-hour boundaries).

use super::time_other::{self, DateOrder, Today};
use chrono::{LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// The zone naive timestamps are read in and times are shown in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Zone {
    Local,
    Utc,
    Fixed(chrono::FixedOffset),
    Named(chrono_tz::Tz),
}

impl Zone {
    /// Parses `--tz`: `local`, `UTC`/`Z`, `+02:00`/`-0530`, or an IANA name (`Europe/Paris`).
    pub fn parse(s: &str) -> Result<Zone, String> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "local" => return Ok(Zone::Local),
            "utc" | "z" | "gmt" => return Ok(Zone::Utc),
            _ => {}
        }
        if let Some(secs) = parse_offset(t.as_bytes()) {
            return chrono::FixedOffset::east_opt(secs)
                .map(Zone::Fixed)
                .ok_or_else(|| format!("offset out of range: {t}"));
        }
        t.parse::<chrono_tz::Tz>()
            .map(Zone::Named)
            .map_err(|_| format!("unknown time zone {t:?} (use local, UTC, +02:00 or an IANA name like Europe/Paris)"))
    }

    /// Offset in seconds east of UTC at a UTC instant.
    pub fn offset_at(&self, utc_ms: Millis) -> i32 {
        let Some(dt) = chrono::DateTime::from_timestamp_millis(utc_ms) else {
            return 0;
        };
        match self {
            Zone::Local => chrono::Local.offset_from_utc_datetime(&dt.naive_utc()).fix().local_minus_utc(),
            Zone::Utc => 0,
            Zone::Fixed(f) => f.local_minus_utc(),
            Zone::Named(tz) => tz.offset_from_utc_datetime(&dt.naive_utc()).fix().local_minus_utc(),
        }
    }

    /// Both offsets a wall-clock time may have: (earlier reading, later reading). They
    /// differ only in a DST fold, the hour an autumn night lives twice. In a DST gap the
    /// offset from before the gap is used (the clock "had not moved yet").
    fn offsets_for_local(&self, naive: NaiveDateTime) -> (i32, i32) {
        fn pick<Tz: TimeZone>(tz: &Tz, naive: NaiveDateTime) -> (i32, i32) {
            match tz.offset_from_local_datetime(&naive) {
                LocalResult::Single(o) => (o.fix().local_minus_utc(), o.fix().local_minus_utc()),
                LocalResult::Ambiguous(a, b) => (a.fix().local_minus_utc(), b.fix().local_minus_utc()),
                LocalResult::None => {
                    let before = naive - chrono::Duration::hours(3);
                    let o = match tz.offset_from_local_datetime(&before) {
                        LocalResult::Single(o) | LocalResult::Ambiguous(o, _) => o.fix().local_minus_utc(),
                        LocalResult::None => 0,
                    };
                    (o, o)
                }
            }
        }
        match self {
            Zone::Local => pick(&chrono::Local, naive),
            Zone::Utc => (0, 0),
            Zone::Fixed(f) => (f.local_minus_utc(), f.local_minus_utc()),
            Zone::Named(tz) => pick(tz, naive),
        }
    }

    /// Calendar date (local to this zone) of a UTC instant.
    pub fn date_of(&self, utc_ms: Millis) -> Option<NaiveDate> {
        let local = utc_ms + i64::from(self.offset_at(utc_ms)) * 1000;
        chrono::DateTime::from_timestamp_millis(local).map(|d| d.date_naive())
    }
}

/// Converts naive times to UTC with a cache, one per indexing thread.
pub struct TimeReader {
    zone: Zone,
    cache_key: i64,
    cache_offset_ms: i64,
    /// The later reading's offset in a DST fold (else the same as `cache_offset_ms`).
    cache_later_offset_ms: i64,
    /// The last wall-clock time read without an offset, as UTC: in a fold, a time that
    /// would go back before it is the second pass of the repeated hour.
    last_naive_utc: Option<Millis>,
    /// The last `YYYY-MM-DDTHH:MM` seen and its wall-clock milliseconds: consecutive
    /// lines mostly share a minute, so only seconds and fraction are read again. `None`
    /// until one is read: any 16 bytes can start a line, so no byte pattern is safe as
    /// "nothing read yet" (sixteen 0xFF bytes once read as 1970-01-01).
    last_minute: Option<[u8; 16]>,
    last_minute_ms: i64,
    /// The last `+HH:MM` suffix and its seconds east of UTC.
    last_offset: [u8; 6],
    last_offset_secs: i32,
    /// For dates written without a year (syslog's `May 17 09:00:00`).
    today: Today,
    /// A date without a year was read: what it means depends on the day it was read.
    read_yearless: bool,
    /// For dates whose day and month could be either way round (`7/10/2025`).
    date_order: DateOrder,
}

const QUARTER_HOUR_MS: i64 = 15 * 60 * 1000;

impl TimeReader {
    pub fn new(zone: Zone) -> TimeReader {
        TimeReader {
            zone,
            cache_key: i64::MIN,
            cache_offset_ms: 0,
            cache_later_offset_ms: 0,
            last_naive_utc: None,
            last_minute: None,
            last_minute_ms: 0,
            last_offset: [0; 6],
            last_offset_secs: 0,
            today: Today::now(),
            read_yearless: false,
            date_order: DateOrder::Guess,
        }
    }

    /// Reads ambiguous `a/b/yyyy` dates in the order the file's other dates show.
    pub fn with_date_order(mut self, order: DateOrder) -> TimeReader {
        self.date_order = order;
        self
    }

    /// Whether a date without a year was read, so that the times read depend on today.
    pub fn read_yearless(&self) -> bool {
        self.read_yearless
    }

    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// Parses a timestamp string; `None` if it is not a time we recognise.
    pub fn parse_str(&mut self, s: &[u8]) -> Option<Millis> {
        let s = trim_ascii(s);
        if s.len() >= 10 && s[4] == b'-' {
            return self.parse_datetime(s);
        }
        if !s.is_empty() && s.len() <= 24 && s.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
            return parse_epoch(s);
        }
        self.parse_other_str(s)
    }

    /// A whole string in one of the rarer shapes, or RFC 2822 (`Sun, 17 May 2026
    /// 09:00:00 +0000`, as JavaScript's `toUTCString` and mail headers write it).
    #[cold]
    fn parse_other_str(&mut self, s: &[u8]) -> Option<Millis> {
        match self.parse_other(s) {
            Some((ms, used)) if s[used..].trim_ascii().is_empty() => Some(ms),
            _ => {
                let text = std::str::from_utf8(s).ok()?;
                chrono::DateTime::parse_from_rfc2822(text).ok().map(|t| t.timestamp_millis())
            }
        }
    }

    /// A date-time at the start of `s` in one of the shapes [`time_other`] reads.
    #[cold]
    fn parse_other(&mut self, s: &[u8]) -> Option<(Millis, usize)> {
        let w = time_other::read(s, self.today, self.date_order)?;
        self.read_yearless |= w.yearless;
        let ms = match w.offset {
            Some(off) => w.ms - i64::from(off) * 1000,
            None => self.local_to_utc(w.ms),
        };
        Some((ms, w.used))
    }

    /// `YYYY-MM-DD[T ]HH:MM[:SS[.frac|,frac]][Z|±HH:MM|±HHMM|±HH]`, or a bare date.
    fn parse_datetime(&mut self, s: &[u8]) -> Option<Millis> {
        match self.parse_prefix(s)? {
            (ms, used) if trim_ascii(&s[used..]).is_empty() => Some(ms),
            _ => None,
        }
    }

    /// Reads a date-time at the start of `s` (a plain-text log line) and says how many
    /// bytes it used.
    pub fn parse_prefix(&mut self, s: &[u8]) -> Option<(Millis, usize)> {
        let minute_ms = match s.get(..16) {
            Some(head) if self.last_minute.is_some_and(|m| *head == m) => self.last_minute_ms,
            _ => match read_date_minute(s) {
                None => return self.parse_other(s),
                Some(DateClock::Date(days)) => return Some((self.local_to_utc(days * 86_400_000), 10)),
                Some(DateClock::Minute(ms)) => {
                    self.last_minute = s[..16].try_into().ok();
                    self.last_minute_ms = ms;
                    ms
                }
            },
        };
        let mut i = 16;
        let mut second = 0;
        if s.get(i) == Some(&b':') {
            second = digits(s, 17, 2)?;
            i = 19;
        }
        if second > 60 {
            return None;
        }
        let (millis, i) = fraction_millis(s, i);
        let wall = minute_ms + second * 1000 + millis;
        match s.get(i) {
            Some(b'Z' | b'z') => return Some((wall, i + 1)),
            Some(b'+' | b'-') if s.get(i..i + 6).is_some_and(|o| *o == self.last_offset) => {
                return Some((wall - i64::from(self.last_offset_secs) * 1000, i + 6));
            }
            Some(b'+' | b'-') => {
                for len in [6, 5, 3] {
                    if let Some(off) = s.get(i..i + len).and_then(parse_offset) {
                        if len == 6 {
                            self.last_offset.copy_from_slice(&s[i..i + 6]);
                            self.last_offset_secs = off;
                        }
                        return Some((wall - i64::from(off) * 1000, i + len));
                    }
                }
            }
            _ => {}
        }
        Some((self.local_to_utc(wall), i))
    }

    /// Treats `wall_ms` (wall-clock time written as if it were UTC) as a time in our zone.
    ///
    /// In a DST fold (02:00–03:00 twice on an autumn night in Paris) the earlier reading is
    /// taken, unless it would put the line more than a minute before the last such time
    /// this reader read while the later reading does not: a log written in order through
    /// the night then reads its second 02:10 as winter time, an hour after the first, and
    /// keeps its order. (A range starting inside the second pass reads its first lines
    /// as summer time: it has no line before them.)
    fn local_to_utc(&mut self, wall_ms: Millis) -> Millis {
        const JITTER_MS: Millis = 60_000;
        let key = wall_ms.div_euclid(QUARTER_HOUR_MS);
        if key != self.cache_key {
            let (earlier, later) = match self.zone {
                Zone::Utc => (0, 0),
                Zone::Fixed(f) => (f.local_minus_utc(), f.local_minus_utc()),
                _ => match chrono::DateTime::from_timestamp_millis(key * QUARTER_HOUR_MS) {
                    Some(dt) => self.zone.offsets_for_local(dt.naive_utc()),
                    None => (0, 0),
                },
            };
            self.cache_key = key;
            self.cache_offset_ms = i64::from(earlier) * 1000;
            self.cache_later_offset_ms = i64::from(later) * 1000;
        }
        let mut utc = wall_ms - self.cache_offset_ms;
        if self.cache_later_offset_ms != self.cache_offset_ms
            && let Some(last) = self.last_naive_utc
        {
            let later = wall_ms - self.cache_later_offset_ms;
            if utc < last - JITTER_MS && later >= last - JITTER_MS {
                utc = later;
            }
        }
        if self.zone != Zone::Utc {
            self.last_naive_utc = Some(utc);
        }
        utc
    }
}

/// What the head of a date-time says: a bare date (days), or a wall-clock minute (ms).
enum DateClock {
    Date(i64),
    Minute(i64),
}

/// Reads `YYYY-MM-DD` and, when present, `[T ]HH:MM` after it.
fn read_date_minute(s: &[u8]) -> Option<DateClock> {
    if s.len() < 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let year = digits(s, 0, 4)? as i32;
    let month = digits(s, 5, 2)? as u32;
    let day = digits(s, 8, 2)? as u32;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let has_clock = matches!(s.get(10), Some(b'T' | b't' | b' ')) && s.get(13) == Some(&b':');
    if !has_clock {
        if s.get(10).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        return Some(DateClock::Date(days));
    }
    let hour = digits(s, 11, 2)?;
    let minute = digits(s, 14, 2)?;
    if hour > 24 || minute > 59 {
        return None;
    }
    Some(DateClock::Minute(days * 86_400_000 + (hour * 3600 + minute * 60) * 1000))
}

/// An epoch number in seconds, milliseconds, microseconds or nanoseconds, told apart by
/// magnitude. Numbers before 1973 in every unit are rejected: they are durations or
/// counters, not timestamps.
pub fn parse_epoch(num: &[u8]) -> Option<Millis> {
    let text = std::str::from_utf8(num).ok()?;
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    if int_part.is_empty() || int_part.len() > 20 || !int_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u64 = int_part.parse().ok()?;
    let frac_ms = |scale_digits: usize| -> i64 {
        // Fraction digits of a seconds value, as milliseconds.
        let mut ms = 0i64;
        for (k, b) in frac_part.bytes().take(scale_digits).enumerate() {
            if !b.is_ascii_digit() {
                return 0;
            }
            ms += i64::from(b - b'0') * 10i64.pow((scale_digits - 1 - k) as u32);
        }
        ms
    };
    let ms = if whole < 100_000_000 {
        return None;
    } else if whole < 100_000_000_000 {
        whole as i64 * 1000 + frac_ms(3)
    } else if whole < 100_000_000_000_000 {
        whole as i64
    } else if whole < 100_000_000_000_000_000 {
        (whole / 1000) as i64
    } else {
        (whole / 1_000_000) as i64
    };
    Some(ms)
}

/// A fraction of a second at `i` (`.123`, `,5`, `.123456789`) as milliseconds, and where
/// it ends; none there is 0 milliseconds.
#[inline(always)]
pub(super) fn fraction_millis(s: &[u8], mut i: usize) -> (i64, usize) {
    let mut millis = 0i64;
    if matches!(s.get(i), Some(b'.' | b',')) && s.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            if i - start < 3 {
                millis = millis * 10 + i64::from(s[i] - b'0');
            }
            i += 1;
        }
        for _ in (i - start).min(3)..3 {
            millis *= 10;
        }
    }
    (millis, i)
}

/// `Z`, `+HH:MM`, `-HHMM`, `+HH` as seconds east of UTC.
pub(super) fn parse_offset(s: &[u8]) -> Option<i32> {
    let sign = match s.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = match s.len() {
        3 => (digits(s, 1, 2)?, 0),
        5 => (digits(s, 1, 2)?, digits(s, 3, 2)?),
        6 if s[3] == b':' => (digits(s, 1, 2)?, digits(s, 4, 2)?),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h as i32 * 3600 + m as i32 * 60))
}

#[inline(always)]
fn digits(s: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = s.get(at..at + n)?;
    let mut v = 0i64;
    let mut bad = 0u8;
    for &b in part {
        let d = b.wrapping_sub(b'0');
        bad |= u8::from(d > 9);
        v = v * 10 + i64::from(d);
    }
    (bad == 0).then_some(v)
}

fn trim_ascii(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_ff_bytes_are_no_time_before_or_after_a_real_minute() {
        let line = [&[0xFF_u8; 16][..], b":00Z level=fatal"].concat();
        let mut r = TimeReader::new(Zone::Utc);
        assert_eq!(r.parse_prefix(&line), None, "a fresh reader");
        assert!(r.parse_prefix(b"2026-05-17T09:01:00Z").is_some());
        assert_eq!(r.parse_prefix(&line), None, "after a minute was read");
    }

    #[test]
    fn the_second_pass_of_a_dst_fold_reads_as_winter_time_when_the_log_goes_on_in_order() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        let utc = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis();
        let mut r = TimeReader::new(paris);
        let read: Vec<Millis> = [
            "2026-10-25 01:50:00",
            "2026-10-25 02:10:00",
            "2026-10-25 02:40:00",
            "2026-10-25 02:39:50", // jitter of a few seconds stays summer time
            "2026-10-25 02:10:00", // the clock went back: winter time
            "2026-10-25 02:40:00",
            "2026-10-25 03:05:00",
        ]
        .iter()
        .map(|s| r.parse_str(s.as_bytes()).unwrap())
        .collect();
        let want: Vec<Millis> = [
            "2026-10-24T23:50:00Z",
            "2026-10-25T00:10:00Z",
            "2026-10-25T00:40:00Z",
            "2026-10-25T00:39:50Z",
            "2026-10-25T01:10:00Z",
            "2026-10-25T01:40:00Z",
            "2026-10-25T02:05:00Z",
        ]
        .iter()
        .map(|s| utc(s))
        .collect();
        assert_eq!(read, want);
        // Alone, an ambiguous time takes the earlier reading, as before.
        assert_eq!(TimeReader::new(paris).parse_str(b"2026-10-25 02:10:00"), Some(utc("2026-10-25T00:10:00Z")));
    }

    fn utc(s: &str) -> Option<Millis> {
        TimeReader::new(Zone::Utc).parse_str(s.as_bytes())
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Millis {
        chrono::NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_milli_opt(h, mi, s, ms))
            .map(|t| t.and_utc().timestamp_millis())
            .unwrap()
    }

    #[test]
    fn rfc3339_with_offsets() {
        assert_eq!(utc("2026-05-17T05:30:00.123+00:00"), Some(at(2026, 5, 17, 5, 30, 0, 123)));
        assert_eq!(utc("2026-05-17T05:30:00Z"), Some(at(2026, 5, 17, 5, 30, 0, 0)));
        assert_eq!(utc("2026-05-17T07:30:00.5+02:00"), Some(at(2026, 5, 17, 5, 30, 0, 500)));
        assert_eq!(utc("2026-05-17T00:30:00.123456789-0500"), Some(at(2026, 5, 17, 5, 30, 0, 123)));
        assert_eq!(utc("2026-05-17t05:30:00z"), Some(at(2026, 5, 17, 5, 30, 0, 0)));
    }

    #[test]
    fn naive_forms_use_the_zone() {
        assert_eq!(utc("2026-05-17T09:18:00"), Some(at(2026, 5, 17, 9, 18, 0, 0)));
        assert_eq!(utc("2025-07-10 11:18:32"), Some(at(2025, 7, 10, 11, 18, 32, 0)));
        assert_eq!(utc("2026-03-02 12:00:00,123"), Some(at(2026, 3, 2, 12, 0, 0, 123)));
        let paris = Zone::parse("Europe/Paris").unwrap();
        let mut r = TimeReader::new(paris);
        assert_eq!(r.parse_str(b"2026-05-17T09:18:00"), Some(at(2026, 5, 17, 7, 18, 0, 0)));
        assert_eq!(r.parse_str(b"2026-01-17T09:18:00"), Some(at(2026, 1, 17, 8, 18, 0, 0)));
        let mut fixed = TimeReader::new(Zone::parse("+05:30").unwrap());
        assert_eq!(fixed.parse_str(b"2026-05-17 05:30:00"), Some(at(2026, 5, 17, 0, 0, 0, 0)));
    }

    #[test]
    fn dst_gap_and_fold_are_resolved() {
        let mut r = TimeReader::new(Zone::parse("Europe/Paris").unwrap());
        // 02:30 does not exist on 2026-03-29 in Paris; it is read with the winter offset.
        assert_eq!(r.parse_str(b"2026-03-29T02:30:00"), Some(at(2026, 3, 29, 1, 30, 0, 0)));
        // 02:30 happens twice on 2026-10-25; the first (summer) reading wins.
        assert_eq!(r.parse_str(b"2026-10-25T02:30:00"), Some(at(2026, 10, 25, 0, 30, 0, 0)));
    }

    #[test]
    fn epoch_units_by_magnitude() {
        let t = at(2025, 5, 17, 8, 30, 0, 123);
        assert_eq!(parse_epoch(b"1747470600.123456"), Some(t));
        assert_eq!(parse_epoch(b"1747470600123"), Some(t));
        assert_eq!(parse_epoch(b"1747470600123456"), Some(t));
        assert_eq!(parse_epoch(b"1747470600123456789"), Some(t));
        assert_eq!(parse_epoch(b"1747470600"), Some(t - 123));
        assert_eq!(parse_epoch(b"45.7"), None);
        assert_eq!(parse_epoch(b"-5"), None);
        assert_eq!(utc("1747470600123"), Some(t));
    }

    #[test]
    fn rejects_non_times() {
        for s in ["", "hello", "2026-13-01T00:00:00Z", "2026-05-17X10:00", "2026-05-17T10:00:00+99:00", "12:00"] {
            assert_eq!(utc(s), None, "{s}");
        }
    }

    #[test]
    fn zone_names_parse() {
        assert_eq!(Zone::parse("UTC"), Ok(Zone::Utc));
        assert_eq!(Zone::parse("local"), Ok(Zone::Local));
        assert!(matches!(Zone::parse("America/New_York"), Ok(Zone::Named(_))));
        assert!(Zone::parse("Mars/Olympus").is_err());
    }
}
