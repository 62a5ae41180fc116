//! Formatting shared by headless reports and the UI: times in the chosen zone, durations,
//! counts. Untrusted text goes through `sanitize` before it gets here.

use crate::ingest::time::Zone;
use crate::model::Level;

pub use crate::model::event::NO_TIME;

/// `2026-05-17 09:18:00` in `zone`.
pub fn time(ms: i64, zone: Zone) -> String {
    format_local(ms, zone, "%Y-%m-%d %H:%M:%S")
}

/// `2026-05-17 09:18:00.123` in `zone`.
pub fn time_ms(ms: i64, zone: Zone) -> String {
    format_local(ms, zone, "%Y-%m-%d %H:%M:%S%.3f")
}

/// RFC 3339 with the zone's offset, for JSON output.
pub fn rfc3339(ms: i64, zone: Zone) -> String {
    if ms == NO_TIME {
        return String::new();
    }
    let offset = zone.offset_at(ms);
    match (chrono::DateTime::from_timestamp_millis(ms), chrono::FixedOffset::east_opt(offset)) {
        (Some(t), Some(off)) => t.with_timezone(&off).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        _ => String::new(),
    }
}

pub fn format_local(ms: i64, zone: Zone, pattern: &str) -> String {
    if ms == NO_TIME {
        // As wide as a time in this pattern, so that columns stay aligned.
        let width =
            chrono::DateTime::from_timestamp_millis(1).map_or(0, |t| t.format(pattern).to_string().chars().count());
        let label = if width >= 9 { "(no time)" } else { "-" };
        return format!("{label:<width$}");
    }
    let local = ms + i64::from(zone.offset_at(ms)) * 1000;
    chrono::DateTime::from_timestamp_millis(local).map(|t| t.format(pattern).to_string()).unwrap_or_else(|| "?".into())
}

/// `+02:00`, `UTC`: what the times are shown in.
pub fn zone_label(zone: Zone, at_ms: i64) -> String {
    match zone {
        Zone::Utc => "UTC".into(),
        _ => {
            let off = zone.offset_at(at_ms);
            let sign = if off < 0 { '-' } else { '+' };
            let off = off.abs();
            format!("{sign}{:02}:{:02}", off / 3600, off % 3600 / 60)
        }
    }
}

/// `45s`, `12m 03s`, `1h 12m`, `3d 2h`.
pub fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// `12,345`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 event`, `12,345 events`.
pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{} {noun}s", count(n)) }
}

/// Cuts to `width` display columns, ending with `…` when cut.
pub fn fit(s: &str, width: usize) -> String {
    fit_with(s, width, '…')
}

/// [`fit`] ending with `mark` (one column wide) when cut.
pub fn fit_with(s: &str, width: usize, mark: char) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push(mark);
    }
    out
}

/// Pads to `width` display columns.
/// An error group's heading: its type before its masked message, unless the message
/// already names it.
pub fn error_heading(error_type: &str, title: &str) -> String {
    if error_type.is_empty() || title.contains(error_type) {
        title.to_string()
    } else {
        format!("{error_type}: {title}")
    }
}

pub fn pad(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let fitted = fit(s, width);
    let w = fitted.width();
    format!("{fitted}{}", " ".repeat(width.saturating_sub(w)))
}

/// Whether headless text paints levels (`--color`); set once at start-up.
static PAINT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_paint(on: bool) {
    PAINT.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// A level's fixed-width label, in its colour when headless text is painted. The codes
/// are ours; the log's own text is escaped apart from them.
pub fn level_label(level: Level) -> std::borrow::Cow<'static, str> {
    let label = level.label();
    if !PAINT.load(std::sync::atomic::Ordering::Relaxed) {
        return label.into();
    }
    let sgr = match level {
        Level::Fatal => "1;31",
        Level::Error => "31",
        Level::Warn => "33",
        Level::Debug | Level::Trace => "2",
        Level::Info | Level::None => return label.into(),
    };
    format!("\x1b[{sgr}m{label}\x1b[0m").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_without_any_time_show_none_not_1970() {
        assert_eq!(rfc3339(NO_TIME, Zone::Utc), "");
        assert_eq!(time_ms(NO_TIME, Zone::Utc), format!("{:<23}", "(no time)"));
        assert_eq!(format_local(NO_TIME, Zone::Utc, "%H:%M"), "-    ");
        assert_eq!(time(1, Zone::Utc), "1970-01-01 00:00:00");
    }

    #[test]
    fn durations_and_counts() {
        assert_eq!(duration(45_000), "45s");
        assert_eq!(duration(723_000), "12m 03s");
        assert_eq!(duration(4_320_000), "1h 12m");
        assert_eq!(duration(3 * 86_400_000 + 7_200_000), "3d 2h");
        assert_eq!(count(0), "0");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(100), "100");
    }

    #[test]
    fn times_in_zones() {
        let t = 1_778_995_800_123; // 2026-05-17T05:30:00.123Z
        assert_eq!(time(t, Zone::Utc), "2026-05-17 05:30:00");
        assert_eq!(time_ms(t, Zone::parse("+02:00").unwrap()), "2026-05-17 07:30:00.123");
        assert_eq!(rfc3339(t, Zone::Utc), "2026-05-17T05:30:00.123Z");
        assert_eq!(zone_label(Zone::parse("-05:30").unwrap(), t), "-05:30");
    }

    #[test]
    fn fitting_respects_wide_chars() {
        assert_eq!(fit("hello world", 5), "hell…");
        assert_eq!(fit("客户客户", 5), "客户…");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(fit("short", 10), "short");
    }
}
