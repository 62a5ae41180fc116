//! Date-times in the less common shapes clients' logs also hold, read only when the
//! ISO fast path in [`super::time`] did not match:
//!
//! - slashes and dots: `2026/05/17 09:00:01`, `5/17/2026 9:00:01 AM` (Windows Event
//!   Viewer, en-US), `17/05/2026 09:00:01` (en-GB), `17.05.2026 09:00:01` (de);
//! - BSD syslog, which has no year: `May 17 09:00:00`, `May  7 09:00:00.123`, and the
//!   same after a weekday and with the year behind (`Sun May 17 09:00:00 2026`, ctime).
//!
//! Day and month order: a number above 12 decides it; otherwise the order the file's
//! other dates show ([`vote_date_order`]); otherwise a 12-hour clock (`AM`/`PM`) means the
//! US order and a 24-hour one the day-first order most other locales write.

/// A wall-clock time at the start of a text: milliseconds as if the wall clock were UTC,
/// how many bytes it took, and the UTC offset in seconds when one was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wall {
    pub ms: i64,
    pub used: usize,
    pub offset: Option<i32>,
    /// The date had no year: it was taken from today (see [`Today`]).
    pub yearless: bool,
}

/// The year a date without one is in, by what today is: the current year, unless that
/// puts the date more than a day ahead of today, which means last year (a log from
/// December read in January).
#[derive(Clone, Copy, Debug)]
pub struct Today {
    pub year: i32,
    pub days: i64,
}

impl Today {
    pub fn now() -> Today {
        let now = chrono::Utc::now();
        Today { year: chrono::Datelike::year(&now), days: now.timestamp().div_euclid(86_400) }
    }

    fn year_of(self, month: u32, day: u32) -> i32 {
        if super::time::days_from_civil(self.year, month, day) > self.days + 1 { self.year - 1 } else { self.year }
    }
}

const MONTHS: [&[u8; 3]; 12] =
    [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
const WEEKDAYS: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];

/// Which number comes first in a date like `7/10/2025`, when the file says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateOrder {
    /// Nothing decided it: a 12-hour clock means month first, else day first.
    #[default]
    Guess,
    MonthFirst,
    DayFirst,
}

/// Bytes of a file read to decide its [`DateOrder`].
pub const VOTE_BYTES: usize = 1 << 20;

/// The order of a file's `a/b/yyyy` dates, from those where a number above 12 shows it:
/// Excel saves the repricing log as `7/10/2025 8:12`, and `7/14/2025` further down says
/// that this is 10 July. Undecided when no date says, or when dates disagree.
pub fn vote_date_order(bytes: &[u8]) -> DateOrder {
    let bytes = &bytes[..bytes.len().min(VOTE_BYTES)];
    let (mut month_first, mut day_first) = (false, false);
    for slash in memchr::memchr_iter(b'/', bytes) {
        let Some((a, b)) = slashed_date_at(bytes, slash) else { continue };
        month_first |= b > 12 && a <= 12;
        day_first |= a > 12 && b <= 12;
        if month_first && day_first {
            return DateOrder::Guess;
        }
    }
    match (month_first, day_first) {
        (true, false) => DateOrder::MonthFirst,
        (false, true) => DateOrder::DayFirst,
        _ => DateOrder::Guess,
    }
}

/// [`vote_date_order`] for a CSV (`csv`) or a text log: lines of JSON (opening `{` or `[`)
/// write ISO dates and are not worth the look.
pub fn vote_date_order_of_log(bytes: &[u8], csv: bool) -> DateOrder {
    let json = bytes.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|&b| b == b'{' || b == b'[');
    if csv || !json { vote_date_order(bytes) } else { DateOrder::Guess }
}

/// The two numbers of an `a/b/yyyy` date whose first slash is at `slash`.
fn slashed_date_at(s: &[u8], slash: usize) -> Option<(u32, u32)> {
    let digits_before = s[..slash].iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=2).contains(&digits_before) {
        return None;
    }
    let start = slash - digits_before;
    // Inside a path or a word (`docs/13/2/2025/x`), it is no date.
    let in_word = |b: Option<&u8>| b.is_some_and(|&b| b == b'/' || b.is_ascii_alphanumeric());
    if in_word(start.checked_sub(1).and_then(|k| s.get(k))) {
        return None;
    }
    let mut i = start;
    let a = number(s, &mut i, 2)?;
    i += 1;
    let b = number(s, &mut i, 2)?;
    if s.get(i) != Some(&b'/') {
        return None;
    }
    i += 1;
    let year_start = i;
    number(s, &mut i, 4)?;
    (i - year_start == 4 && !in_word(s.get(i))).then_some((a, b))
}

pub fn read(s: &[u8], today: Today, order: DateOrder) -> Option<Wall> {
    match s.first()? {
        b'0'..=b'9' => numeric_date(s, order),
        b'A'..=b'Z' | b'a'..=b'z' => syslog_date(s, today),
        _ => None,
    }
}

/// A run of 1 to `max` digits at `*i`, advancing past it.
fn number(s: &[u8], i: &mut usize, max: usize) -> Option<u32> {
    let start = *i;
    while *i < s.len() && *i - start < max && s[*i].is_ascii_digit() {
        *i += 1;
    }
    if *i == start || s.get(*i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(&s[start..*i]).ok()?.parse().ok()
}

fn numeric_date(s: &[u8], order: DateOrder) -> Option<Wall> {
    let mut i = 0;
    let a = number(s, &mut i, 4)?;
    let year_first = i == 4;
    let sep = *s.get(i)?;
    if !matches!(sep, b'/' | b'.') {
        return None;
    }
    i += 1;
    let b = number(s, &mut i, 2)?;
    if s.get(i) != Some(&sep) {
        return None;
    }
    i += 1;
    let c = number(s, &mut i, 4)?;
    if !matches!(s.get(i), Some(b' ' | b'T')) {
        return None;
    }
    i += 1;
    let (clock, used) = clock(s, i)?;
    let (year, month, day) = if year_first {
        (a as i32, b, c)
    } else if c < 1000 {
        return None;
    } else {
        let twelve_hour = clock.twelve_hour;
        let (month, day) = match (a, b) {
            (a, b) if a > 12 => (b, a),
            (a, b) if b > 12 => (a, b),
            (a, b) if sep == b'/' && order == DateOrder::MonthFirst => (a, b),
            (a, b) if sep == b'/' && order == DateOrder::DayFirst => (b, a),
            (a, b) if twelve_hour && sep == b'/' => (a, b),
            (a, b) => (b, a),
        };
        (c as i32, month, day)
    };
    wall(year, month, day, clock, used)
}

fn syslog_date(s: &[u8], today: Today) -> Option<Wall> {
    let word = |at: usize| -> Option<[u8; 3]> {
        let w = s.get(at..at + 3)?;
        Some([w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase(), w[2].to_ascii_lowercase()])
    };
    let mut i = 0;
    if word(0).is_some_and(|w| WEEKDAYS.contains(&&w)) && s.get(3) == Some(&b' ') {
        i = 4;
    }
    let month = MONTHS.iter().position(|m| word(i).as_ref() == Some(*m))? as u32 + 1;
    i += 3;
    if s.get(i) != Some(&b' ') {
        return None;
    }
    while s.get(i) == Some(&b' ') {
        i += 1;
    }
    let day = number(s, &mut i, 2)?;
    if s.get(i) != Some(&b' ') {
        return None;
    }
    let (clock, mut used) = clock(s, i + 1)?;
    if clock.twelve_hour {
        return None;
    }
    // ctime writes the year after the clock.
    let mut year = None;
    if s.get(used) == Some(&b' ') {
        let mut j = used + 1;
        if let Some(y) = number(s, &mut j, 4).filter(|y| (1970..=9999).contains(y)) {
            year = Some(y as i32);
            used = j;
        }
    }
    let w = wall(year.unwrap_or_else(|| today.year_of(month, day)), month, day, clock, used)?;
    Some(Wall { yearless: year.is_none(), ..w })
}

struct Clock {
    ms_of_day: i64,
    twelve_hour: bool,
    offset: Option<i32>,
}

/// `H:MM[:SS][.frac|,frac][ AM|PM][Z|±HH:MM|±HHMM]` at `i`.
fn clock(s: &[u8], mut i: usize) -> Option<(Clock, usize)> {
    let hour = number(s, &mut i, 2)?;
    if s.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let minute = number(s, &mut i, 2)?;
    let mut second = 0;
    if s.get(i) == Some(&b':') {
        i += 1;
        second = number(s, &mut i, 2)?;
    }
    let (millis, after) = super::time::fraction_millis(s, i);
    i = after;
    let mut hour = hour;
    let mut twelve_hour = false;
    if s.get(i) == Some(&b' ')
        && let Some(m) = s.get(i + 1..i + 3)
        && (m.eq_ignore_ascii_case(b"AM") || m.eq_ignore_ascii_case(b"PM"))
        && !s.get(i + 3).is_some_and(u8::is_ascii_alphanumeric)
    {
        if !(1..=12).contains(&hour) {
            return None;
        }
        twelve_hour = true;
        hour = hour % 12 + if m.eq_ignore_ascii_case(b"PM") { 12 } else { 0 };
        i += 3;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut offset = None;
    match s.get(i) {
        Some(b'Z' | b'z') => {
            offset = Some(0);
            i += 1;
        }
        Some(b'+' | b'-') => {
            for len in [6, 5] {
                if let Some(off) = s.get(i..i + len).and_then(super::time::parse_offset) {
                    offset = Some(off);
                    i += len;
                    break;
                }
            }
        }
        _ => {}
    }
    let ms_of_day = (i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)) * 1000 + millis;
    Some((Clock { ms_of_day, twelve_hour, offset }, i))
}

fn wall(year: i32, month: u32, day: u32, clock: Clock, used: usize) -> Option<Wall> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1970..=9999).contains(&year) {
        return None;
    }
    let ms = super::time::days_from_civil(year, month, day) * 86_400_000 + clock.ms_of_day;
    Some(Wall { ms, used, offset: clock.offset, yearless: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::time::days_from_civil;

    const TODAY: Today = Today { year: 2026, days: 20_590 }; // 2026-05-17

    fn at(y: i32, mo: u32, d: u32, h: i64, mi: i64, s: i64, ms: i64) -> i64 {
        days_from_civil(y, mo, d) * 86_400_000 + ((h * 60 + mi) * 60 + s) * 1000 + ms
    }

    fn ms(s: &str) -> Option<i64> {
        read(s.as_bytes(), TODAY, DateOrder::Guess).map(|w| w.ms)
    }

    #[test]
    fn a_file_s_other_dates_decide_the_order_of_ambiguous_ones() {
        let excel = b"Timestamp,User\n7/10/2025 8:12,Ann\n7/14/2025 9:00,Ann\n";
        assert_eq!(vote_date_order(excel), DateOrder::MonthFirst);
        assert_eq!(vote_date_order(b"10/7/2025 8:12\n14/7/2025 9:00\n"), DateOrder::DayFirst);
        assert_eq!(vote_date_order(b"7/10/2025 8:12\n"), DateOrder::Guess, "nothing decides");
        assert_eq!(vote_date_order(b"7/14/2025 1:00\n14/7/2025 1:00\n"), DateOrder::Guess, "they disagree");
        assert_eq!(vote_date_order(b"see docs/13/2/2025/x and 1/13/20251"), DateOrder::Guess, "not dates");
        let at_8_12 = |order| read(b"7/10/2025 8:12", TODAY, order).map(|w| w.ms);
        assert_eq!(at_8_12(DateOrder::MonthFirst), Some(at(2025, 7, 10, 8, 12, 0, 0)));
        assert_eq!(at_8_12(DateOrder::DayFirst), Some(at(2025, 10, 7, 8, 12, 0, 0)));
        assert_eq!(at_8_12(DateOrder::Guess), Some(at(2025, 10, 7, 8, 12, 0, 0)), "24-hour clock: day first");
        assert_eq!(
            read(b"13/10/2025 8:12", TODAY, DateOrder::MonthFirst).map(|w| w.ms),
            Some(at(2025, 10, 13, 8, 12, 0, 0))
        );
    }

    #[test]
    fn today_is_the_fixture_date() {
        assert_eq!(days_from_civil(2026, 5, 17), TODAY.days);
    }

    #[test]
    fn slashes_and_dots_in_either_order() {
        assert_eq!(ms("2026/05/17 09:00:01"), Some(at(2026, 5, 17, 9, 0, 1, 0)));
        assert_eq!(ms("5/17/2026 9:00:01 AM"), Some(at(2026, 5, 17, 9, 0, 1, 0)));
        assert_eq!(ms("5/7/2026 12:30:00 PM"), Some(at(2026, 5, 7, 12, 30, 0, 0)));
        assert_eq!(ms("5/7/2026 12:30:00 AM"), Some(at(2026, 5, 7, 0, 30, 0, 0)));
        assert_eq!(ms("17/05/2026 21:00:01"), Some(at(2026, 5, 17, 21, 0, 1, 0)));
        assert_eq!(ms("05/07/2026 21:00"), Some(at(2026, 7, 5, 21, 0, 0, 0)), "24-hour: day first");
        assert_eq!(ms("17.05.2026 09:00:01,250"), Some(at(2026, 5, 17, 9, 0, 1, 250)));
    }

    #[test]
    fn syslog_without_a_year_takes_the_latest_year_not_in_the_future() {
        assert_eq!(ms("May 17 09:00:00 host app: x"), Some(at(2026, 5, 17, 9, 0, 0, 0)));
        assert_eq!(ms("May  7 09:00:00.5"), Some(at(2026, 5, 7, 9, 0, 0, 500)));
        assert_eq!(ms("Dec 31 23:59:59"), Some(at(2025, 12, 31, 23, 59, 59, 0)));
        assert_eq!(ms("Sun May 17 09:00:00 2026"), Some(at(2026, 5, 17, 9, 0, 0, 0)));
        assert_eq!(ms("Wed Dec 31 23:59:59 2031"), Some(at(2031, 12, 31, 23, 59, 59, 0)));
        let w = read(b"May 17 09:00:00 host", TODAY, DateOrder::Guess).unwrap();
        assert_eq!((w.used, w.offset), (15, None));
    }

    #[test]
    fn offsets_are_kept() {
        let w = read(b"2026/05/17 09:00:01+02:00 x", TODAY, DateOrder::Guess).unwrap();
        assert_eq!((w.used, w.offset), (25, Some(7200)));
        assert_eq!(read(b"17.05.2026 09:00Z", TODAY, DateOrder::Guess).unwrap().offset, Some(0));
    }

    #[test]
    fn not_dates() {
        for s in [
            "1/2",
            "1.5 seconds",
            "3/4/5 6:07",
            "13/13/2026 10:00",
            "May the 4th",
            "Mayday 17 09:00:00",
            "May 17 25:00:00",
            "May 17 09:00:00 PM",
            "12/05/2026",
            "10.0.0.5 connected",
            "2026/05/17 13:00:00 PM",
        ] {
            assert_eq!(ms(s), None, "{s}");
        }
    }
}
