//! Plain-text log lines that start with a timestamp (`2026-05-17 10:00:00,123 ERROR app:
//! disk full`), which clients mail beside their JSON logs. Lines without a leading
//! timestamp (a traceback's continuation) are not events; the caller keeps them as
//! unparsed lines attached to the event before. Syslog lines (`May 17 09:00:00 ws-3
//! agent[2301]: ERROR upload failed`) also give their host, program and pid.

use super::facts::{Dialect, Facts, Text};
use crate::ingest::time::{Millis, TimeReader};
use crate::model::Level;

/// `i` moved past any ANSI colour sequences (`ESC [ 31 m`) that start there.
fn skip_colours(s: &[u8], mut i: usize) -> usize {
    while s.get(i) == Some(&0x1b) && s.get(i + 1) == Some(&b'[') {
        let params = s[i + 2..].iter().take_while(|b| b.is_ascii_digit() || **b == b';').count();
        if s.get(i + 2 + params) != Some(&b'm') {
            break;
        }
        i += params + 3;
    }
    i
}

/// `s` without its ANSI colour sequences, for reading what it says: a coloured level
/// (`ESC[31merror ESC[39m`, winston's `colorize()`) reads as its name. Messages are not
/// stripped: their escapes are shown, as evidence of what the writer sent.
pub fn strip_colours(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\u{1b}') {
        return std::borrow::Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let next = skip_colours(b, i);
        if next > i {
            i = next;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    // Only whole ASCII sequences were taken out, so `out` is still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

pub fn text_facts<'a>(line: &'a [u8], times: &mut TimeReader) -> Option<Facts<'a>> {
    read_text(line, times, false)
}

/// [`text_facts`]; `nested` for a line inside a syslog priority or a container runtime's
/// line, where those wrappers are not looked for again (a hostile line of a million `<1>`
/// must not recurse a million times).
fn read_text<'a>(line: &'a [u8], times: &mut TimeReader, nested: bool) -> Option<Facts<'a>> {
    if !nested && let Some((severity, rest)) = syslog_priority(line) {
        return prioritized(severity, rest, times);
    }
    let stamp = read_stamp(line, times)?;
    if !nested && let Some(content) = cri_content(line, stamp.end) {
        return Some(container_line(content, stamp.time, times));
    }
    let after_stamp = skip_separators(line, stamp.end);
    let syslog = syslog_header(line, after_stamp, line[stamp.start].is_ascii_alphabetic());
    let header_end = syslog.as_ref().map_or(after_stamp, |h| h.rest);
    let lead = read_lead(line, header_end, syslog.as_ref().map(|h| h.program));
    // Without a level, what follows the stamp is all message, but a syslog header is not.
    let message_start = match (lead.level, &syslog) {
        (Level::None, None) => stamp.end,
        (Level::None, Some(_)) => header_end,
        _ => lead.end,
    };
    let message = line[message_start..].trim_ascii();
    Some(Facts {
        time: Some(stamp.time),
        level: lead.level,
        message: Some(Text::Plain(message)),
        host: syslog.as_ref().map(|h| Text::Plain(h.host)),
        category: lead.category.map(Text::Plain),
        pid: syslog.as_ref().and_then(|h| h.pid).map(Text::Plain),
        dialect: Some(Dialect::Text),
        ..Facts::default()
    })
}

/// The line after a syslog priority, read once more without wrappers; the priority's
/// severity stands in only when the line names no level of its own.
fn prioritized<'a>(severity: Level, rest: &'a [u8], times: &mut TimeReader) -> Option<Facts<'a>> {
    let mut f = match rest.strip_prefix(b"1 ") {
        Some(rfc5424) => rfc5424_facts(rfc5424, times)?,
        None => read_text(rest, times, true)?,
    };
    if f.level == Level::None {
        f.level = severity;
    }
    Some(f)
}

/// The leading timestamp: `start..end` in the line and the time it says.
struct Stamp {
    start: usize,
    end: usize,
    time: Millis,
}

/// Reads the stamp the line opens with, or `None` for a line that does not open with one
/// (a traceback's continuation).
#[inline]
fn read_stamp(line: &[u8], times: &mut TimeReader) -> Option<Stamp> {
    // Loggers writing to a terminal colour the stamp and the level (tracing, loguru).
    let mut start = skip_colours(line, 0);
    let coloured = start;
    while start < line.len() && matches!(line[start], b'[' | b' ' | b'\t') {
        start += 1;
    }
    // Deeper indentation is a continuation (a traceback's frame), whatever follows it.
    if start - coloured > 2 {
        return None;
    }
    let (time, used) = times.parse_prefix(&line[start..])?;
    Some(Stamp { start, end: start + used, time })
}

/// `i` moved past what commonly closes or follows a stamp or a level (`]`, `>`, spaces,
/// `|`, `-`, `:`) and any colour sequences between them.
#[inline]
fn skip_separators(line: &[u8], mut i: usize) -> usize {
    loop {
        i = skip_colours(line, i);
        if i < line.len() && matches!(line[i], b']' | b'>' | b' ' | b'\t' | b'|' | b'-' | b':') {
            i += 1;
        } else {
            return i;
        }
    }
}

/// What opens the text after the stamp and any syslog header.
struct Lead<'a> {
    level: Level,
    /// Who wrote the line: the syslog program, Apache's module, or a logger's name.
    category: Option<&'a [u8]>,
    /// Where the message starts, when there is a level.
    end: usize,
}

/// Reads the level and the logger at `from`; `program` is the syslog header's, which
/// names the writer before any logger or module does.
#[inline]
fn read_lead<'a>(line: &'a [u8], from: usize, program: Option<&'a [u8]>) -> Lead<'a> {
    let found = find_level(line, from);
    let mut lead = Lead { level: found.level, category: program.or(found.module), end: found.end };
    if lead.level != Level::None && lead.category.is_none() {
        if let Some((name, after)) = logger_after_level(line, lead.end) {
            lead.category = Some(name);
            lead.end = after;
        } else {
            lead.category = found.skipped.map(|w| w.strip_suffix(b":").unwrap_or(w)).filter(|w| is_logger_name(w));
        }
    }
    lead
}

/// A level found near the start of the text, or [`Level::None`].
struct FoundLevel<'a> {
    level: Level,
    /// Apache's module, from `[module:level]`.
    module: Option<&'a [u8]>,
    /// Past the level and the separators after it.
    end: usize,
    /// A word skipped on the way to the level: the logger, when a level follows it.
    skipped: Option<&'a [u8]>,
}

/// The level is usually the next word, sometimes bracketed or after a logger name, so
/// it is looked for in the first two words.
#[inline]
fn find_level(line: &[u8], mut i: usize) -> FoundLevel<'_> {
    let mut skipped = None;
    for _ in 0..2 {
        let opened = matches!(line.get(i), Some(b'[' | b'<'));
        let word_start = i + usize::from(opened);
        let word_end = alphabetic_end(line, word_start);
        let word = &line[word_start..word_end];
        let marked = match line.get(word_end) {
            Some(b']' | b'>') => opened,
            Some(b':') => true,
            _ => false,
        };
        if let Some(level) = level_word(word, marked) {
            return FoundLevel { level, module: None, end: skip_separators(line, word_end), skipped };
        }
        if opened && let Some((module, level, level_end)) = apache_module_level(line, word_start) {
            return FoundLevel { level, module: Some(module), end: skip_separators(line, level_end), skipped };
        }
        if word_end > word_start && word_end < line.len() {
            // Not a level: maybe a logger name; look one word further.
            match line[word_end..].iter().position(|&b| b == b' ') {
                Some(k) => {
                    if !opened {
                        skipped = Some(&line[word_start..word_end + k]);
                    }
                    i = skip_separators(line, word_end + k);
                }
                None => break,
            }
        }
    }
    FoundLevel { level: Level::None, module: None, end: i, skipped }
}

/// Apache's `module:level]` (`[core:error]`, `[mpm_event:notice]`) at `word_start`, just
/// after its `[`: the module, the level and where the level word ends.
fn apache_module_level(line: &[u8], word_start: usize) -> Option<(&[u8], Level, usize)> {
    let module_end = line[word_start..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .map_or(line.len(), |k| word_start + k);
    if module_end == word_start || line.get(module_end) != Some(&b':') {
        return None;
    }
    let level_end = alphabetic_end(line, module_end + 1);
    if line.get(level_end) != Some(&b']') {
        return None;
    }
    let level = level_word(&line[module_end + 1..level_end], true)?;
    Some((&line[word_start..module_end], level, level_end))
}

/// A syslog priority `<PRI>` opening the line (as sent over the network, or written by
/// rsyslog with a template that keeps it): the severity it carries and the rest.
fn syslog_priority(line: &[u8]) -> Option<(Level, &[u8])> {
    let digits = line.strip_prefix(b"<")?.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=3).contains(&digits) || line.get(1 + digits) != Some(&b'>') {
        return None;
    }
    let pri: u32 = std::str::from_utf8(&line[1..1 + digits]).ok()?.parse().ok()?;
    let level = match pri % 8 {
        0..=2 => Level::Fatal,
        3 => Level::Error,
        4 => Level::Warn,
        5 | 6 => Level::Info,
        _ => Level::Debug,
    };
    (pri <= 191).then_some((level, &line[2 + digits..]))
}

/// RFC 5424 after `<PRI>1 `: `TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG`,
/// `-` for what is absent.
fn rfc5424_facts<'a>(s: &'a [u8], times: &mut TimeReader) -> Option<Facts<'a>> {
    let (time, used) =
        if s.starts_with(b"- ") { (None, 1) } else { times.parse_prefix(s).map(|(t, n)| (Some(t), n))? };
    let mut fields = [&b""[..]; 4];
    let mut i = used;
    for field in &mut fields {
        i += usize::from(s.get(i) == Some(&b' '));
        let len = s[i.min(s.len())..].iter().position(|&b| b == b' ').unwrap_or(s.len().saturating_sub(i));
        *field = &s[i.min(s.len())..(i + len).min(s.len())];
        i += len;
    }
    let [host, app, procid, _msgid] = fields;
    i += usize::from(s.get(i) == Some(&b' '));
    // Structured data: `-`, or `[id k="v" …]` blocks, where `\]` and `\"` are escaped.
    if s.get(i) == Some(&b'-') {
        i += 1;
    } else {
        while s.get(i) == Some(&b'[') {
            let mut quoted = false;
            i += 1;
            while let Some(&b) = s.get(i) {
                i += 1;
                match b {
                    b'\\' => i += 1,
                    b'"' => quoted = !quoted,
                    b']' if !quoted => break,
                    _ => {}
                }
            }
        }
    }
    let message = s.get(i..).unwrap_or_default();
    let message = message.strip_prefix(b" ").unwrap_or(message);
    let message = message.strip_prefix("\u{feff}".as_bytes()).unwrap_or(message);
    let given = |f: &'a [u8]| (f != b"-" && !f.is_empty()).then_some(Text::Plain(f));
    Some(Facts {
        time,
        message: Some(Text::Plain(message.trim_ascii())),
        host: given(host),
        category: given(app),
        pid: given(procid),
        dialect: Some(Dialect::Text),
        ..Facts::default()
    })
}

fn alphabetic_end(line: &[u8], from: usize) -> usize {
    line[from..].iter().position(|b| !b.is_ascii_alphabetic()).map_or(line.len(), |k| from + k)
}

/// What a container runtime wrote after its stamp: containerd/CRI's `stdout F <content>`
/// (`P` for a part of a longer line), or `None`.
fn cri_content(line: &[u8], after_stamp: usize) -> Option<&[u8]> {
    let rest = line[after_stamp..].strip_prefix(b" ")?;
    let rest = rest.strip_prefix(b"stdout ").or_else(|| rest.strip_prefix(b"stderr "))?;
    match rest {
        [b'F' | b'P'] => Some(&[]),
        [b'F' | b'P', b' ', content @ ..] => Some(content),
        _ => None,
    }
}

/// A line an app wrote inside a container: its own JSON or text line, read as such; the
/// runtime's stamp is its time, and content that reads as neither is the message.
fn container_line<'a>(content: &'a [u8], time: Millis, times: &mut TimeReader) -> Facts<'a> {
    let inner = match content.first() {
        Some(b'{') => super::facts::json_facts(content, times).ok(),
        _ => read_text(content, times, true),
    };
    match inner {
        Some(f) => Facts { time: Some(time), ..f },
        None => Facts {
            time: Some(time),
            message: Some(Text::Plain(content.trim_ascii())),
            dialect: Some(Dialect::Text),
            ..Facts::default()
        },
    }
}

/// A logger's name right after the level, and where the message after it starts:
/// `reprice.loader: …`, `app::db: …` (a name with `.`, `::`, `_` or `/` before a colon, so
/// that `Failed: disk full` stays prose), or any name before ` - ` (log4j, logback).
fn logger_after_level(line: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let rest = line.get(i..)?;
    let len = rest.iter().position(|&b| b == b' ')?;
    let token = &rest[..len];
    let (name, after) = match token.strip_suffix(b":") {
        Some(name)
            if name.iter().any(|b| matches!(b, b'.' | b'_' | b'/')) || memchr::memmem::find(name, b"::").is_some() =>
        {
            (name, i + len + 1)
        }
        Some(_) => return None,
        None if rest[len..].starts_with(b" - ") => (token, i + len + 3),
        None => return None,
    };
    if !is_logger_name(name) {
        return None;
    }
    let after = after + line[after..].iter().take_while(|&&b| b == b' ').count();
    Some((name, after))
}

/// A logger or module name: `reprice.loader`, `c.a.orders.OrderController`, `app::db`.
fn is_logger_name(w: &[u8]) -> bool {
    (2..=96).contains(&w.len())
        && w[0].is_ascii_alphabetic()
        && w.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'$' | b'/' | b'-'))
}

/// The level a word of a text line names. A word in capitals (`ERROR`, `[WARN]`, `FAILED`)
/// is one; a capitalized or lowercase word only when it is a level's own name, and
/// lowercase only when written like a level (`[error]`, `<warning>`, `error:`): so
/// `Failed password for root` and `info about the upload` stay prose.
fn level_word(word: &[u8], marked: bool) -> Option<Level> {
    const NAMES: &[&[u8]] = &[
        b"trace",
        b"debug",
        b"info",
        b"notice",
        b"warn",
        b"warning",
        b"error",
        b"err",
        b"fatal",
        b"critical",
        b"crit",
        b"severe",
        b"emerg",
    ];
    if !(3..=8).contains(&word.len()) {
        return None;
    }
    let level = Level::from_bytes(word).filter(|&l| l != Level::None)?;
    if word.iter().all(u8::is_ascii_uppercase) {
        return Some(level);
    }
    let own_name = NAMES.iter().any(|n| n.eq_ignore_ascii_case(word));
    let lowercase = word.iter().all(u8::is_ascii_lowercase);
    (own_name && (marked || !lowercase)).then_some(level)
}

/// `host program[pid]: ` after a syslog stamp.
struct SyslogHeader<'a> {
    host: &'a [u8],
    program: &'a [u8],
    pid: Option<&'a [u8]>,
    /// Where the text after the header starts.
    rest: usize,
}

/// Reads a syslog header at `i`. Without a BSD stamp (`bsd_stamp`) a `[pid]` is required:
/// `10:00:00 myapp worker: started` is more likely prose than a host and a program.
fn syslog_header(line: &[u8], i: usize, bsd_stamp: bool) -> Option<SyslogHeader<'_>> {
    let host_len = line[i..].iter().position(|&b| b == b' ')?;
    let host = &line[i..i + host_len];
    let p = i + host_len + 1;
    let program_len = line[p..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/')))
        .unwrap_or(0);
    if host.is_empty() || program_len == 0 {
        return None;
    }
    let program = &line[p..p + program_len];
    let mut j = p + program_len;
    let mut pid = None;
    if line.get(j) == Some(&b'[') {
        let digits = line[j + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || line.get(j + 1 + digits) != Some(&b']') {
            return None;
        }
        pid = Some(&line[j + 1..j + 1 + digits]);
        j += digits + 2;
    }
    if line.get(j) != Some(&b':') || !matches!(line.get(j + 1), Some(b' ') | None) || (pid.is_none() && !bsd_stamp) {
        return None;
    }
    Some(SyslogHeader { host, program, pid, rest: (j + 2).min(line.len()) })
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
    fn coloured_terminal_output_is_read_through_its_colours() {
        // tracing-subscriber with ANSI on: a dimmed stamp, a red level, a dimmed target.
        let line = "\u{1b}[2m2025-07-14T09:40:03.114480Z\u{1b}[0m \u{1b}[31mERROR\u{1b}[0m \u{1b}[2mledger::http\u{1b}[0m: request failed";
        let (level, message) = read(line).expect("a timed line");
        assert_eq!(level, Level::Error);
        assert_eq!(strip_colours(&message), "ledger::http: request failed");
        let mut t = TimeReader::new(Zone::Utc);
        let f = text_facts(line.as_bytes(), &mut t).unwrap();
        assert_eq!(f.time, TimeReader::new(Zone::Utc).parse_str(b"2025-07-14T09:40:03.114480Z"));
        // Only colour sequences go; other controls stay to be shown escaped.
        assert_eq!(strip_colours("a\u{1b}[1;31mb\u{1b}[mc\u{1b}]0;title\u{7}"), "abc\u{1b}]0;title\u{7}");
        assert_eq!(strip_colours("\u{1b}[31"), "\u{1b}[31", "cut short: kept");
    }

    #[test]
    fn common_text_shapes() {
        assert_eq!(read("2026-05-17 10:00:00,123 ERROR disk full"), Some((Level::Error, "disk full".into())));
        assert_eq!(read("[2026-05-17T10:00:00Z] [WARN] slow query"), Some((Level::Warn, "slow query".into())));
        assert_eq!(read("2026-05-17 10:00:00 app.db INFO connected"), Some((Level::Info, "connected".into())));
        assert_eq!(read("2026-05-17 10:00:00 - started"), Some((Level::None, "- started".into())));
        assert_eq!(read("2026-05-17T10:00:00.5+02:00 CRITICAL boom"), Some((Level::Fatal, "boom".into())));
    }

    fn category(line: &str) -> Option<String> {
        let f = text_facts(line.as_bytes(), &mut TimeReader::new(Zone::Utc))?;
        f.category.map(|c| c.text().into_owned())
    }

    #[test]
    fn logger_names_become_the_category() {
        let java = "2025-07-14 09:00:26.679 [http-nio-8080-exec-1] ERROR c.a.orders.OrderService - Order 1001 failed";
        assert_eq!(read(java), Some((Level::Error, "Order 1001 failed".into())));
        assert_eq!(category(java).as_deref(), Some("c.a.orders.OrderService"), "the thread is not the logger");
        let python = "2026-05-17 10:00:06,001 ERROR datatools.analyze: analyze(weird.csv) failed";
        assert_eq!(read(python), Some((Level::Error, "analyze(weird.csv) failed".into())));
        assert_eq!(category(python).as_deref(), Some("datatools.analyze"));
        assert_eq!(category("2026-05-17 10:00:00 WARN app::db: slow").as_deref(), Some("app::db"));
        // Before the level, as `%(asctime)s - %(name)s - %(levelname)s - %(message)s` writes it.
        let before = "2026-05-17 10:00:00,123 - reprice.loader - ERROR - no prices";
        assert_eq!(read(before), Some((Level::Error, "no prices".into())));
        assert_eq!(category(before).as_deref(), Some("reprice.loader"));
        // Prose after the level is not a logger.
        assert_eq!(
            read("2026-05-17 10:00:00 ERROR Failed: disk full"),
            Some((Level::Error, "Failed: disk full".into()))
        );
        assert_eq!(category("2026-05-17 10:00:00 ERROR Failed: disk full"), None);
        assert_eq!(category("2026-05-17 10:00:00 ERROR 10.0.0.1: refused"), None);
        assert_eq!(category("2026-05-17 10:00:00 ERROR app: refused"), None, "a bare word before a colon");
    }

    #[test]
    fn syslog_priorities_and_rfc5424() {
        let mut t = TimeReader::new(Zone::Utc);
        let line = br#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 4711 ID47 [exampleSDID@32473 iut="3" eventSource="App\]lication"] An application event"#;
        let f = text_facts(line, &mut t).expect("an event");
        assert_eq!(f.time, t.parse_str(b"2003-10-11T22:14:15.003Z"));
        assert_eq!(f.level, Level::Info, "165 = local4.notice");
        assert_eq!(f.message.map(|m| m.text().into_owned()).as_deref(), Some("An application event"));
        let (host, app, pid) = (f.host.map(|h| h.raw()), f.category.map(|c| c.raw()), f.pid.map(|p| p.raw()));
        assert_eq!((host, app, pid), (Some(&b"mymachine.example.com"[..]), Some(&b"evntslog"[..]), Some(&b"4711"[..])));
        assert_eq!(
            read("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u{feff}'su root' failed"),
            Some((Level::Fatal, "'su root' failed".into())),
            "34 = auth.crit; no structured data; the BOM goes"
        );
        // BSD syslog with its priority kept: the line's own level word wins.
        assert_eq!(
            read("<11>May 17 09:00:05 ws-lab-3 app[2301]: WARN disk 91% full"),
            Some((Level::Warn, "disk 91% full".into()))
        );
        assert_eq!(read("<11>May 17 09:00:05 ws-lab-3 app[2301]: disk full"), Some((Level::Error, "disk full".into())));
        assert_eq!(read("<999>May 17 09:00:05 ws-lab-3 app[2301]: x"), None, "not a priority");
        // Wrappers are read once, not recursively: no stack overflow on hostile lines.
        assert_eq!(read(&"<1>".repeat(300_000)), None);
        let stamps = "2025-07-14T09:20:00Z stdout F ".repeat(40_000);
        assert_eq!(read(&stamps).map(|(l, _)| l), Some(Level::None));
    }

    #[test]
    fn apache_module_and_level() {
        let line = "[Mon Jul 14 09:06:49.637581 2025] [mpm_event:notice] [pid 4003:tid 1403] AH00489: resuming";
        assert_eq!(read(line), Some((Level::Info, "[pid 4003:tid 1403] AH00489: resuming".into())));
        assert_eq!(category(line).as_deref(), Some("mpm_event"));
        let error = "[Mon Jul 14 09:06:49.637581 2025] [core:error] [pid 1] AH00037: Symbolic link not allowed";
        assert_eq!(read(error).map(|(l, _)| l), Some(Level::Error));
    }

    #[test]
    fn container_runtime_lines_are_read_for_what_the_app_wrote() {
        let mut t = TimeReader::new(Zone::Utc);
        let json =
            br#"2025-07-14T09:20:00.537123456Z stderr F {"level":"error","ts":1752484800.5,"msg":"request failed"}"#;
        let f = text_facts(json, &mut t).expect("an event");
        assert_eq!(f.level, Level::Error);
        assert_eq!(f.message.map(|m| m.text().into_owned()).as_deref(), Some("request failed"));
        assert_eq!(f.time, t.parse_str(b"2025-07-14T09:20:00.537Z"), "the runtime's stamp");
        assert_eq!(
            read("2025-07-14T09:20:01.000000000Z stdout F 2025-07-14 09:20:01,000 ERROR app.db: pool exhausted"),
            Some((Level::Error, "pool exhausted".into()))
        );
        assert_eq!(
            read("2025-07-14T09:20:02.000000000Z stdout P partial line start "),
            Some((Level::None, "partial line start".into()))
        );
        // A cut-off JSON line inside is still shown, as text.
        assert_eq!(
            read(r#"2025-07-14T09:20:03Z stdout F {"level":"info","msg":"cut"#),
            Some((Level::None, r#"{"level":"info","msg":"cut"#.into()))
        );
    }

    #[test]
    fn syslog_lines_give_host_program_and_pid() {
        let line = b"May 17 09:00:05 ws-lab-3 datatools[2301]: ERROR upload failed";
        let f = text_facts(line, &mut TimeReader::new(Zone::Utc)).expect("an event");
        assert_eq!(f.level, Level::Error);
        assert_eq!(f.message.map(|m| m.text().into_owned()).as_deref(), Some("upload failed"));
        assert_eq!(f.host.map(|h| h.raw()), Some(&b"ws-lab-3"[..]));
        assert_eq!(f.category.map(|c| c.raw()), Some(&b"datatools"[..]));
        assert_eq!(f.pid.map(|p| p.raw()), Some(&b"2301"[..]));
        assert_eq!(
            read("May 17 09:00:07 ws-lab-3 kernel: usb 1-1: new device"),
            Some((Level::None, "usb 1-1: new device".into()))
        );
        assert_eq!(
            read("2026-05-17T09:00:00.123+02:00 ws-3 agent[7]: WARNING: disk 91% full"),
            Some((Level::Warn, "disk 91% full".into()))
        );
        // Not syslog: no BSD stamp and no pid.
        let f = text_facts(b"2026-05-17 10:00:00 myapp worker: started", &mut TimeReader::new(Zone::Utc)).unwrap();
        assert_eq!((f.host, f.category), (None, None));
    }

    #[test]
    fn level_words_in_lowercase_need_the_shape_of_a_level() {
        assert_eq!(
            read("May 17 09:00:00 ws-3 app[123]: error: disk full"),
            Some((Level::Error, "disk full".into())),
            "after a syslog header"
        );
        assert_eq!(
            read("May 17 09:00:01 ws-3 app[123]: <warning> low memory"),
            Some((Level::Warn, "low memory".into()))
        );
        assert_eq!(read("2026-05-17 09:00:03 [error] boom"), Some((Level::Error, "boom".into())));
        assert_eq!(read("2026-05-17T09:00:04Z app warn: slow"), Some((Level::Warn, "slow".into())));
        assert_eq!(read("2026-05-17 10:00:00 Warning disk 91% full"), Some((Level::Warn, "disk 91% full".into())));
        // Prose keeps its words: a capitalized status word, a lowercase level name.
        assert_eq!(
            read("May 17 09:00:02 ws-3 sshd[99]: Failed password for root"),
            Some((Level::None, "Failed password for root".into()))
        );
        assert_eq!(
            read("2026-05-17 10:00:00 info about the upload"),
            Some((Level::None, "info about the upload".into()))
        );
        assert_eq!(read("2026-05-17 10:00:00 FAILED upload"), Some((Level::Error, "upload".into())));
    }

    #[test]
    fn continuation_lines_are_not_events() {
        assert_eq!(read("  File \"app.py\", line 3, in <module>"), None);
        assert_eq!(read("Traceback (most recent call last):"), None);
        assert_eq!(read("ValueError: 2026-05-17 is bad"), None);
    }
}
