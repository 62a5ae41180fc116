//! Plain-text log lines that start with a timestamp (`2026-05-17 10:00:00,123 ERROR app:
//! disk full`), which clients mail beside their JSON logs. Lines without a leading
//! timestamp (a traceback's continuation) are not events; the caller keeps them as
//! unparsed lines attached to the event before.

use super::facts::{Dialect, Facts, Text};
use super::time::TimeReader;
use crate::model::Level;

pub fn text_facts<'a>(line: &'a [u8], times: &mut TimeReader) -> Option<Facts<'a>> {
    let mut start = 0;
    while start < line.len() && matches!(line[start], b'[' | b' ' | b'\t') {
        start += 1;
    }
    if start > 2 {
        return None;
    }
    let (time, used) = times.parse_prefix(&line[start..])?;
    let mut i = start + used;
    // Skip what commonly closes or follows the stamp: `]`, spaces, `|`, `-`.
    let skip = |i: &mut usize| {
        while *i < line.len() && matches!(line[*i], b']' | b' ' | b'\t' | b'|' | b'-' | b':') {
            *i += 1;
        }
    };
    skip(&mut i);
    let mut level = Level::None;
    // The level is usually the next word, sometimes bracketed or after a logger name.
    for _ in 0..2 {
        let word_start = i + usize::from(line.get(i) == Some(&b'['));
        let word_end =
            line[word_start..].iter().position(|b| !b.is_ascii_alphabetic()).map_or(line.len(), |k| word_start + k);
        let word = &line[word_start..word_end];
        if (3..=8).contains(&word.len())
            && let Some(l) = std::str::from_utf8(word).ok().and_then(Level::from_name)
            && word.iter().any(u8::is_ascii_uppercase)
        {
            level = l;
            i = word_end;
            skip(&mut i);
            break;
        }
        if level == Level::None && word_end > word_start && word_end < line.len() {
            // Not a level: maybe a logger name; look one word further.
            let next = line[word_end..].iter().position(|&b| b == b' ').map(|k| word_end + k);
            match next {
                Some(n) => {
                    i = n;
                    skip(&mut i);
                }
                None => break,
            }
        }
    }
    let message_start = if level == Level::None { start + used } else { i };
    let message = line[message_start..].trim_ascii();
    Some(Facts {
        time: Some(time),
        level,
        message: Some(Text::Plain(message)),
        dialect: Some(Dialect::Text),
        ..Facts::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::time::Zone;

    fn read(line: &str) -> Option<(Level, String)> {
        let mut t = TimeReader::new(Zone::Utc);
        text_facts(line.as_bytes(), &mut t)
            .map(|f| (f.level, f.message.map(|m| m.text().into_owned()).unwrap_or_default()))
    }

    #[test]
    fn common_text_shapes() {
        assert_eq!(read("2026-05-17 10:00:00,123 ERROR disk full"), Some((Level::Error, "disk full".into())));
        assert_eq!(read("[2026-05-17T10:00:00Z] [WARN] slow query"), Some((Level::Warn, "slow query".into())));
        assert_eq!(read("2026-05-17 10:00:00 app.db INFO connected"), Some((Level::Info, "connected".into())));
        assert_eq!(read("2026-05-17 10:00:00 - started"), Some((Level::None, "- started".into())));
        assert_eq!(read("2026-05-17T10:00:00.5+02:00 CRITICAL boom"), Some((Level::Fatal, "boom".into())));
    }

    #[test]
    fn continuation_lines_are_not_events() {
        assert_eq!(read("  File \"app.py\", line 3, in <module>"), None);
        assert_eq!(read("Traceback (most recent call last):"), None);
        assert_eq!(read("ValueError: 2026-05-17 is bad"), None);
    }
}
