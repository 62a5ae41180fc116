//! Reads one line into its normalised facts (time, level, category, session, user,
//! message...), whatever the dialect. The same function serves indexing (every line, so it
//! borrows and never allocates on the common path) and display (the visible rows only).

use super::fields::{KeyMemo, Role};
use crate::ingest::time::{Millis, TimeReader};
use crate::json::scan::{self, CutAt, RawStr, ScanError, Value};
use crate::model::Level;
use crate::sanitize::Charset;
use std::borrow::Cow;

/// Which log system a line looks like it came from, told by its field names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    DataTools,
    ToolAudit,
    Rtgs,
    Csv,
    Json,
    Logfmt,
    Text,
    /// A dialect of the user's config file (see [`super::custom`]).
    Custom,
}

impl Dialect {
    pub const ALL: [Dialect; Dialect::COUNT] = [
        Dialect::DataTools,
        Dialect::ToolAudit,
        Dialect::Rtgs,
        Dialect::Csv,
        Dialect::Json,
        Dialect::Logfmt,
        Dialect::Text,
        Dialect::Custom,
    ];
    pub const COUNT: usize = 8;

    pub fn name(self) -> &'static str {
        match self {
            Dialect::DataTools => "datatools",
            Dialect::ToolAudit => "tool_audit",
            Dialect::Rtgs => "rtgs",
            Dialect::Csv => "csv",
            Dialect::Json => "json",
            Dialect::Logfmt => "logfmt",
            Dialect::Text => "text",
            Dialect::Custom => "custom",
        }
    }
}

/// A piece of text from the line, decoded only when asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text<'a> {
    Json(RawStr<'a>),
    /// Bytes used as they are: a number, an unquoted CSV cell, a slice of a text line.
    Plain(&'a [u8]),
    /// A quoted CSV cell, with `""` still doubled.
    CsvQuoted(&'a [u8]),
    /// A JSON array of byte values: journald writes a `MESSAGE` that is not UTF-8 so.
    ByteArray(&'a [u8]),
}

impl<'a> Text<'a> {
    pub fn text(&self) -> Cow<'a, str> {
        match *self {
            Text::Json(r) => r.text(),
            Text::Plain(b) => String::from_utf8_lossy(b),
            Text::CsvQuoted(b) => {
                let s = String::from_utf8_lossy(b);
                if s.contains("\"\"") { Cow::Owned(s.replace("\"\"", "\"")) } else { s }
            }
            Text::ByteArray(a) => Cow::Owned(String::from_utf8_lossy(&byte_array(a).unwrap_or_default()).into_owned()),
        }
    }

    /// The bytes as written (escapes not decoded): good enough for identity and hashing.
    pub fn raw(&self) -> &'a [u8] {
        match *self {
            Text::Json(r) => r.raw,
            Text::Plain(b) | Text::CsvQuoted(b) | Text::ByteArray(b) => b,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.raw().is_empty()
    }
}

/// Keeps the best-priority candidate seen for one role.
#[derive(Clone, Copy, Debug)]
struct Slot<T> {
    value: Option<T>,
    prio: u8,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot { value: None, prio: u8::MAX }
    }
}

impl<T> Slot<T> {
    fn offer(&mut self, value: T, prio: u8) {
        if self.value.is_none() || prio < self.prio {
            self.value = Some(value);
            self.prio = prio;
        }
    }
}

/// What one line says, normalised.
#[derive(Clone, Debug, Default)]
pub struct Facts<'a> {
    pub time: Option<Millis>,
    pub level: Level,
    pub message: Option<Text<'a>>,
    pub category: Option<Text<'a>>,
    pub session: Option<Text<'a>>,
    pub user: Option<Text<'a>>,
    pub host: Option<Text<'a>>,
    pub pid: Option<Text<'a>>,
    pub platform: Option<Text<'a>>,
    pub error_type: Option<Text<'a>>,
    pub error_message: Option<Text<'a>>,
    pub has_stack: bool,
    pub status: Option<Text<'a>>,
    pub success: Option<bool>,
    pub tool: Option<Text<'a>>,
    pub operation: Option<Text<'a>>,
    /// The raw JSON object of call arguments.
    pub args: Option<&'a [u8]>,
    pub snippet: Option<Text<'a>>,
    pub dialect: Option<Dialect>,
    /// The line, when its message is a template whose holes its members fill (CLEF `@mt`).
    pub template_values: Option<&'a [u8]>,
}

/// Raw collection state while walking the members of one object.
#[derive(Default, Clone)]
struct Collect<'a> {
    time: Slot<Value<'a>>,
    level: Slot<Value<'a>>,
    message: Slot<Text<'a>>,
    category: Slot<Text<'a>>,
    session: Slot<Text<'a>>,
    user: Slot<Text<'a>>,
    host: Slot<Text<'a>>,
    pid: Slot<Text<'a>>,
    platform: Slot<Text<'a>>,
    error_type: Slot<Text<'a>>,
    error_message: Slot<Text<'a>>,
    status: Slot<Text<'a>>,
    success: Slot<bool>,
    tool: Slot<Text<'a>>,
    operation: Slot<Text<'a>>,
    args: Slot<&'a [u8]>,
    snippet: Slot<Text<'a>>,
    has_stack: bool,
    /// The stack as text, where the exception's type can be read when no field names it.
    stack: Slot<Text<'a>>,
    /// Field-name evidence for the dialect.
    saw_operation_id: bool,
    saw_result_chars: bool,
    /// Serilog's compact format (CLEF), where a line without `@l` is Information.
    saw_clef_time: bool,
    /// CLEF's message template `@mt`, rendered for display when it is the message.
    template: Option<&'a [u8]>,
}

pub(super) fn as_text(v: Value<'_>) -> Option<Text<'_>> {
    match v {
        Value::Str(s) => Some(Text::Json(s)),
        Value::Num(n) => Some(Text::Plain(n)),
        Value::True => Some(Text::Plain(b"true")),
        Value::False => Some(Text::Plain(b"false")),
        _ => None,
    }
}

/// Whether `a` is a non-empty JSON array of integers 0 to 255, checked without allocating.
#[cold]
fn is_byte_array(a: &[u8]) -> bool {
    let Some(inner) = a.strip_prefix(b"[").and_then(|a| a.strip_suffix(b"]")) else { return false };
    !inner.trim_ascii().is_empty()
        && inner
            .split(|&b| b == b',')
            .all(|n| std::str::from_utf8(n.trim_ascii()).is_ok_and(|n| n.parse::<u8>().is_ok()))
}

/// The bytes of a JSON array of integers 0 to 255 (`[83,116,111,112]`), else `None`.
fn byte_array(a: &[u8]) -> Option<Vec<u8>> {
    let inner = a.strip_prefix(b"[")?.strip_suffix(b"]")?;
    if inner.trim_ascii().is_empty() {
        return None;
    }
    inner.split(|&b| b == b',').map(|n| std::str::from_utf8(n.trim_ascii()).ok()?.parse::<u8>().ok()).collect()
}

impl<'a> Collect<'a> {
    fn member(&mut self, key: &[u8], value: Value<'a>, depth: u8) {
        let (role, container) = super::fields::classify(key);
        self.classified(key, value, depth, role, container);
    }

    // Forced: whether the compiler inlined this into the member walk flipped with unrelated
    // edits elsewhere, and out of line every member of every line pays for the call.
    #[inline(always)]
    fn classified(&mut self, key: &[u8], value: Value<'a>, depth: u8, role: Option<(Role, u8)>, container: bool) {
        if let Value::Object(inner) = value
            && depth == 0
            && container
        {
            if super::fields::is_transparent(key) {
                // Its members are read as top-level ones, and may be containers in turn;
                // a transparent one inside is not looked into (bounded recursion).
                let _ = scan::scan_object(inner, |k, v| {
                    let (role, container) = super::fields::classify(k.raw);
                    let depth = u8::from(super::fields::is_transparent(k.raw));
                    self.classified(k.raw, v, depth, role, container);
                });
                return;
            }
            let _ = scan::scan_object(inner, |k, v| {
                let mut path = [0u8; 48];
                let n = key.len() + 1 + k.raw.len();
                if n <= path.len() {
                    path[..key.len()].copy_from_slice(key);
                    path[key.len()] = b'.';
                    path[key.len() + 1..n].copy_from_slice(k.raw);
                    self.member(&path[..n], v, 1);
                }
            });
            return;
        }
        let Some((role, prio)) = role else {
            match key {
                b"operation_id" => self.saw_operation_id = true,
                b"result_chars" => self.saw_result_chars = true,
                _ => {}
            }
            return;
        };
        let text = as_text(value);
        match role {
            Role::Args => {
                if let Value::Object(o) = value {
                    self.args.offer(o, prio)
                }
            }
            Role::Time => {
                self.saw_clef_time |= key == b"@t";
                self.time.offer(value, prio);
            }
            Role::Level => self.level.offer(value, prio),
            Role::Success => match value {
                Value::True => self.success.offer(true, prio),
                Value::False => self.success.offer(false, prio),
                _ => {}
            },
            Role::Stack => {
                if text.is_some_and(|t| !t.is_empty()) || matches!(value, Value::Array(_) | Value::Object(_)) {
                    self.has_stack = true;
                }
                if let Some(t) = text {
                    self.stack.offer(t, prio);
                }
            }
            _ => {
                // Only a message can be an array of bytes (journald's `MESSAGE`). Checked
                // here, not in `as_text`: there every member's text paid for the check.
                let t = match (text, value) {
                    (Some(t), _) => t,
                    (None, Value::Array(a)) if role == Role::Message && is_byte_array(a) => Text::ByteArray(a),
                    (None, _) => return,
                };
                let slot = match role {
                    Role::Message => &mut self.message,
                    Role::Category => &mut self.category,
                    Role::Session => &mut self.session,
                    Role::User => &mut self.user,
                    Role::Host => &mut self.host,
                    Role::Pid => &mut self.pid,
                    Role::Platform => &mut self.platform,
                    Role::ErrorType => &mut self.error_type,
                    Role::ErrorMessage => &mut self.error_message,
                    Role::Status => &mut self.status,
                    Role::Tool => &mut self.tool,
                    Role::Operation => &mut self.operation,
                    Role::Snippet => &mut self.snippet,
                    Role::Time | Role::Level | Role::Success | Role::Stack | Role::Args => return,
                };
                if role == Role::Message && key == b"@mt" {
                    self.template = Some(t.raw());
                }
                slot.offer(t, prio);
            }
        }
    }

    /// Offers the start of a string cut short, when the key is one whose start is worth
    /// showing (a message); other values cut short (`"level":"err`) say nothing sure.
    /// Returns the text offered.
    fn offer_partial(&mut self, key: &[u8], text: RawStr<'a>) -> Option<&'a [u8]> {
        let (Some((role, prio)), _) = super::fields::classify(key) else { return None };
        let slot = match role {
            Role::Message => &mut self.message,
            Role::ErrorMessage => &mut self.error_message,
            _ => return None,
        };
        if text.raw.is_empty() {
            return None;
        }
        slot.offer(Text::Json(text), prio);
        Some(text.raw)
    }

    fn time(&self, times: &mut TimeReader) -> Option<Millis> {
        self.time.value.and_then(|v| match v {
            Value::Str(s) if !s.has_escapes() => times.parse_str(s.raw),
            Value::Num(n) => crate::ingest::time::parse_epoch(n),
            Value::Object(o) => epoch_object(o),
            _ => None,
        })
    }

    fn level(&self, times: &mut TimeReader) -> Level {
        let explicit = self.level.value.and_then(|v| match v {
            Value::Str(s) if !s.has_escapes() => Level::from_bytes(s.raw).or_else(|| level_from_odd_text(s.raw)),
            Value::Str(s) => Level::from_name(&super::text::strip_colours(&s.text())),
            Value::Num(n) => level_from_number(n),
            _ => None,
        });
        explicit.unwrap_or_else(|| self.implied_level(times))
    }

    /// The level of a line without a level field, from what else it says. Out of line:
    /// most writers have a level field, and the index path stays short for them.
    #[inline(never)]
    fn implied_level(&self, times: &mut TimeReader) -> Level {
        let success = self.success.value;
        self.status
            .value
            .and_then(|s| level_from_status(&s.text()))
            .or((success == Some(false)).then_some(Level::Error))
            .or_else(|| self.error_message.value.filter(|m| !m.is_empty()).map(|_| Level::Error))
            .or_else(|| success.map(|_| Level::Info))
            .or(self.saw_clef_time.then_some(Level::Info))
            .or_else(|| {
                self.message.value.and_then(|m| level_in_wrapped_json(&m).or_else(|| level_in_message(m.raw(), times)))
            })
            .unwrap_or(Level::None)
    }

    fn dialect(&self) -> Dialect {
        let tool = self.tool.value;
        if self.category.value.is_some() && self.session.value.is_some() {
            Dialect::DataTools
        } else if tool.is_some() && self.status.value.is_some() && (self.saw_result_chars || self.user.value.is_some())
        {
            Dialect::ToolAudit
        } else if self.saw_operation_id || (tool.is_some() && self.operation.value.is_some()) {
            Dialect::Rtgs
        } else {
            Dialect::Json
        }
    }

    // Forced: out of line (as the config's branch in `json_brief` made it), the brief is
    // returned through memory and copied again, on every line.
    #[inline(always)]
    fn brief(&self, times: &mut TimeReader) -> Brief<'a> {
        Brief {
            time: self.time(times),
            level: self.level(times),
            category: self.category.value.or(self.tool.value),
            session: self.session.value,
            user: self.user.value,
            host: self.host.value,
            pid: self.pid.value,
            platform: self.platform.value,
            dialect: self.dialect(),
        }
    }

    fn finish(self, times: &mut TimeReader, line: &'a [u8]) -> Facts<'a> {
        let brief = self.brief(times);
        self.finish_with(brief, line)
    }

    /// [`Collect::finish`] for a line whose brief is already read: the time and level are
    /// not read twice.
    fn finish_with(self, brief: Brief<'a>, line: &'a [u8]) -> Facts<'a> {
        let templated = self.template.is_some_and(|t| self.message.value.is_some_and(|m| std::ptr::eq(m.raw(), t)));
        Facts {
            template_values: templated.then_some(line),
            message: self.message.value,
            error_type: self.error_type.value.or_else(|| self.stack.value.and_then(exception_type)),
            error_message: self.error_message.value,
            has_stack: self.has_stack,
            status: self.status.value,
            success: self.success.value,
            tool: self.tool.value,
            operation: self.operation.value,
            args: self.args.value,
            snippet: self.snippet.value,
            ..Facts::of_brief(brief)
        }
    }
}

/// What indexing needs from a line: small, so the per-line path moves little memory.
/// Error lines are read again in full for their fingerprint.
#[derive(Clone, Copy, Debug)]
pub struct Brief<'a> {
    pub time: Option<Millis>,
    pub level: Level,
    pub category: Option<Text<'a>>,
    pub session: Option<Text<'a>>,
    pub user: Option<Text<'a>>,
    pub host: Option<Text<'a>>,
    pub pid: Option<Text<'a>>,
    pub platform: Option<Text<'a>>,
    pub dialect: Dialect,
}

impl<'a> Facts<'a> {
    pub fn brief(&self) -> Brief<'a> {
        Brief {
            time: self.time,
            level: self.level,
            category: self.category,
            session: self.session,
            user: self.user,
            host: self.host,
            pid: self.pid,
            platform: self.platform,
            dialect: self.dialect.unwrap_or(Dialect::Json),
        }
    }

    /// The facts a brief holds, and nothing of the rest of the line.
    fn of_brief(b: Brief<'a>) -> Self {
        Facts {
            time: b.time,
            level: b.level,
            category: b.category,
            session: b.session,
            user: b.user,
            host: b.host,
            pid: b.pid,
            platform: b.platform,
            dialect: Some(b.dialect),
            ..Facts::default()
        }
    }
}

/// Reads a JSON object line for indexing. An error line also gets its full facts, for its
/// fingerprint, from the same walk rather than a second read of the line;
/// they go to `error_facts` so that the common return value stays small.
pub fn json_brief<'a>(
    line: &'a [u8],
    times: &mut TimeReader,
    memo: &mut KeyMemo,
    error_facts: &mut Option<Facts<'a>>,
) -> Result<Brief<'a>, ScanError> {
    let mut c = Collect::default();
    let mut position = 0;
    scan::scan_object(line, |k, v| {
        let (role, container) = memo.classify(position, k.raw);
        position += 1;
        c.classified(k.raw, v, 0, role, container);
    })?;
    // A config's JSON dialects read the whole line (only when a config defines them).
    if let Some(custom) = memo.custom {
        return Ok(custom_brief(&c, custom, line, times, error_facts));
    }
    let brief = c.brief(times);
    if brief.level.is_error() {
        *error_facts = Some(c.finish_with(brief, line));
    }
    Ok(brief)
}

/// [`json_brief`] with a config installed: its dialects may take the line. Out of line,
/// so that the path without a config keeps its size and inlining.
#[cold]
#[inline(never)]
fn custom_brief<'a>(
    c: &Collect<'a>,
    custom: &super::custom::Custom,
    line: &'a [u8],
    times: &mut TimeReader,
    error_facts: &mut Option<Facts<'a>>,
) -> Brief<'a> {
    if !custom.may_take(line) {
        let brief = c.brief(times);
        if brief.level.is_error() {
            *error_facts = Some(c.clone().finish_with(brief, line));
        }
        return brief;
    }
    let mut facts = c.clone().finish(times, line);
    custom.patch_json(line, &mut facts, times);
    let brief = facts.brief();
    if brief.level.is_error() {
        *error_facts = Some(facts);
    }
    brief
}

/// The exception's type named in a stack trace: the last line of a Python traceback
/// (`ValueError: bad value`), the first line of a Java or .NET one
/// (`System.IO.IOException: The process cannot access the file`). Read from the raw
/// text, where a JSON string's line breaks are still `\n`, so the type is a slice of it.
fn exception_type(stack: Text<'_>) -> Option<Text<'_>> {
    let raw = match stack {
        Text::Json(r) => r.raw,
        Text::Plain(b) | Text::CsvQuoted(b) => b,
        Text::ByteArray(_) => return None,
    };
    let lines = || {
        raw.split(|&b| b == b'\n').flat_map(|l| {
            // `\n` escapes inside a JSON string, and `\r` before them.
            let mut parts = Vec::new();
            let mut rest = l;
            while let Some(k) = rest.windows(2).position(|w| w == b"\\n") {
                parts.push(&rest[..k]);
                rest = &rest[k + 2..];
            }
            parts.push(rest);
            parts
        })
    };
    let named = |line: &[u8]| -> Option<usize> {
        let line_start = line.len() - line.trim_ascii_start().len();
        let line = line.trim_ascii();
        let end = line.iter().position(|&b| b == b':').unwrap_or(line.len());
        let name = &line[..end];
        let last = name.rsplit(|&b| b == b'.').next()?;
        let word = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$');
        let is_type = !name.is_empty()
            && name[0].is_ascii_alphabetic()
            && name.iter().all(word)
            && ["Error", "Exception", "Exit", "Interrupt", "Warning", "Fault"]
                .iter()
                .any(|s| last.ends_with(s.as_bytes()));
        is_type.then_some(line_start + end)
    };
    let first = lines().find(|l| !l.trim_ascii().is_empty())?;
    let candidate = if first.trim_ascii().starts_with(b"Traceback") {
        lines().rfind(|l| !l.trim_ascii().is_empty() && !l.starts_with(b" ") && !l.starts_with(b"\\t"))?
    } else {
        first
    };
    let end = named(candidate)?;
    let start = candidate.len() - candidate.trim_ascii_start().len();
    Some(Text::Plain(&candidate[start..end]))
}

/// A time written as seconds and nanoseconds: log4j2's `instant` {epochSecond,
/// nanoOfSecond}, protobuf's Timestamp {seconds, nanos} (Google Cloud Logging).
fn epoch_object(o: &[u8]) -> Option<Millis> {
    let (mut seconds, mut nanos) = (None, 0i64);
    let _ = scan::scan_object(o, |k, v| {
        let number = match v {
            Value::Num(n) => n,
            Value::Str(s) => s.raw,
            _ => return,
        };
        let number = std::str::from_utf8(number).ok().and_then(|t| t.parse::<i64>().ok());
        match k.raw {
            b"epochSecond" | b"seconds" => seconds = number,
            b"nanoOfSecond" | b"nanos" => nanos = number.unwrap_or(0),
            _ => {}
        }
    });
    seconds?.checked_mul(1000)?.checked_add(nanos / 1_000_000)
}

/// Numeric levels: syslog severities 0 (emergency) to 7 (debug), as GELF and journald
/// write them; pino/bunyan's 10..60, with other numbers placed in the same bands.
fn level_from_number(n: &[u8]) -> Option<Level> {
    let v: f64 = std::str::from_utf8(n).ok()?.parse().ok()?;
    if v.fract() == 0.0 && (0.0..=7.0).contains(&v) {
        return Some(match v as u8 {
            0..=2 => Level::Fatal,
            3 => Level::Error,
            4 => Level::Warn,
            5 | 6 => Level::Info,
            _ => Level::Debug,
        });
    }
    Some(match v {
        v if v <= 10.0 => Level::Trace,
        v if v <= 20.0 => Level::Debug,
        v if v <= 30.0 => Level::Info,
        v if v <= 40.0 => Level::Warn,
        v if v <= 50.0 => Level::Error,
        _ => Level::Fatal,
    })
}

/// The level a wrapped log line states in its text, where a log shipper without a level
/// field of its own (Docker's `log`) carried it: a level word in capitals opening it, or
/// after the line's own timestamp (`2026-05-17 09:00:00 INFO  Starting`).
fn level_in_message(m: &[u8], times: &mut TimeReader) -> Option<Level> {
    level_word_opening(m).or_else(|| super::text::text_facts(m, times).map(|f| f.level).filter(|&l| l != Level::None))
}

/// The level of a JSON line that a shipper wrapped as text (Docker's `log` holding the
/// app's own `{"level":"error",...}`).
#[cold]
fn level_in_wrapped_json(m: &Text<'_>) -> Option<Level> {
    wrapped_json(&m.text(), |f| f.level).filter(|&l| l != Level::None)
}

/// Reads a message that is itself one JSON object (after trimming) with `read`.
fn wrapped_json<T>(text: &str, read: impl FnOnce(&Facts<'_>) -> T) -> Option<T> {
    let inner = text.trim();
    if !(inner.starts_with('{') && inner.ends_with('}')) {
        return None;
    }
    let mut times = TimeReader::new(crate::ingest::time::Zone::Utc);
    json_facts(inner.as_bytes(), &mut times).ok().map(|f| read(&f))
}

/// A level written in capitals as a message's first word (`ERROR failed to connect`,
/// `[WARN] slow`, `ERROR:root:boom`).
fn level_word_opening(m: &[u8]) -> Option<Level> {
    let m = m.trim_ascii_start();
    let m = m.strip_prefix(b"[").unwrap_or(m);
    let end = m.iter().position(|b| !b.is_ascii_uppercase()).unwrap_or(m.len());
    let closes = m.get(end).is_none_or(|b| matches!(b, b' ' | b']' | b':' | b'\\' | b'\t'));
    ((3..=8).contains(&end) && closes).then(|| Level::from_bytes(&m[..end])).flatten()
}

/// Level strings that are not names: a number (journald's `"PRIORITY": "3"`), a name with
/// an offset (Go slog's `WARN+2`, `DEBUG-4`), or winston's `http` and `silly` (levels only
/// in a level field: in text, `HTTP` opens requests, not levels).
#[cold]
fn level_from_odd_text(s: &[u8]) -> Option<Level> {
    let s = s.trim_ascii();
    if s.first().is_some_and(u8::is_ascii_digit) {
        return level_from_number(s);
    }
    if s.eq_ignore_ascii_case(b"http") {
        return Some(Level::Info);
    }
    if s.eq_ignore_ascii_case(b"silly") {
        return Some(Level::Trace);
    }
    let name = s.iter().position(|b| matches!(b, b'+' | b'-')).filter(|&k| k > 0)?;
    s[name + 1..].iter().all(u8::is_ascii_digit).then(|| Level::from_bytes(&s[..name])).flatten()
}

/// tool_audit `status`, the repricing CSV `Status`, ECS `event.outcome`.
pub fn level_from_status(s: &str) -> Option<Level> {
    let l = s.trim().to_ascii_lowercase();
    if l.ends_with("_error") || l.ends_with(" error") {
        return Some(Level::Error);
    }
    Some(match l.as_str() {
        "ok" | "success" | "succeeded" | "done" | "completed" | "info" | "started" => Level::Info,
        "denied" | "warning" | "warn" | "skipped" | "rejected" | "forbidden" | "unauthorized" => Level::Warn,
        "error" | "failed" | "failure" | "fail" | "crashed" | "exception" => Level::Error,
        "fatal" | "critical" => Level::Fatal,
        "debug" => Level::Debug,
        _ => return None,
    })
}

/// What a JSON line that breaks off still says: a crash cut it, or another writer's line
/// was spliced into it.
#[derive(Clone, Debug)]
pub struct Salvage<'a> {
    /// Read with the same field aliases as whole lines, from the members written whole
    /// before the break (and, for the message, the text up to it).
    pub facts: Facts<'a>,
    /// The message is the start of a longer one.
    pub message_cut: bool,
}

impl Salvage<'_> {
    /// What was read, for people: `time, level, session, category, message (start)`.
    pub fn what(&self) -> String {
        let f = &self.facts;
        let mut parts: Vec<&str> = Vec::new();
        let found = [
            (f.time.is_some(), "time"),
            (f.level != Level::None, "level"),
            (f.session.is_some(), "session"),
            (f.user.is_some(), "user"),
            (f.host.is_some(), "host"),
            (f.category.is_some(), "category"),
            (f.error_type.is_some(), "error type"),
            (f.message.is_some() && !self.message_cut, "message"),
            (f.message.is_some() && self.message_cut, "message (start)"),
        ];
        parts.extend(found.iter().filter(|(yes, _)| *yes).map(|&(_, name)| name));
        parts.join(", ")
    }
}

/// Salvages a JSON object line that failed to parse with `error` (`body` without NUL
/// prefix or `\r`): a line cut short, or a line into which another writer's line was
/// spliced (read up to the splice). `None` when it is neither, or when nothing before the
/// break names a time, level, message, session, category or user. Only unreadable lines
/// come here, never the index's common path.
#[cold]
pub fn salvage<'a>(body: &'a [u8], error: ScanError, times: &mut TimeReader) -> Option<Salvage<'a>> {
    let prefix = match error {
        ScanError::Truncated => body,
        ScanError::Invalid(at) => &body[..splice_point(body, at)?],
        ScanError::TrailingData(at) => {
            // A whole object, then more: the rest of the line is another writer's.
            let facts = json_facts(body.get(..at)?, times).ok()?;
            return says_something(&facts).then_some(Salvage { facts, message_cut: false });
        }
        ScanError::NotAnObject | ScanError::TooDeep => return None,
    };
    let mut c = Collect::default();
    let mut partial = None;
    match scan::scan_cut_object(prefix, |k, v| c.member(k.raw, v, 0)) {
        CutAt::StringValue(key, text) => partial = c.offer_partial(key.raw, text),
        CutAt::ObjectValue(key, inner) if super::fields::is_transparent(key.raw) => {
            if let CutAt::StringValue(k, text) = scan::scan_cut_object(inner, |k, v| {
                let (role, container) = super::fields::classify(k.raw);
                c.classified(k.raw, v, 1, role, container);
            }) {
                partial = c.offer_partial(k.raw, text);
            }
        }
        CutAt::ObjectValue(key, inner) if super::fields::is_container(key.raw) => {
            let mut path = [0u8; 48];
            let cut = scan::scan_cut_object(inner, |k, v| {
                if let Some(p) = dotted(&mut path, key.raw, k.raw) {
                    c.member(p, v, 1);
                }
            });
            if let CutAt::StringValue(k, text) = cut
                && let Some(p) = dotted(&mut path, key.raw, k.raw)
            {
                partial = c.offer_partial(p, text);
            }
        }
        _ => {}
    }
    let facts = c.finish(times, prefix);
    let message_cut = partial.is_some_and(|p: &[u8]| facts.message.is_some_and(|m| std::ptr::eq(m.raw(), p)));
    says_something(&facts).then_some(Salvage { facts, message_cut })
}

/// `container.key` in `buf`, when it fits.
fn dotted<'b>(buf: &'b mut [u8; 48], container: &[u8], key: &[u8]) -> Option<&'b [u8]> {
    let n = container.len() + 1 + key.len();
    let buf = buf.get_mut(..n)?;
    buf[..container.len()].copy_from_slice(container);
    buf[container.len()] = b'.';
    buf[container.len() + 1..].copy_from_slice(key);
    Some(buf)
}

/// Where another writer's line starts inside a line that is invalid at byte `at`: the
/// last `{"` at or before it, past the line's own opening brace.
fn splice_point(body: &[u8], at: usize) -> Option<usize> {
    let last = at.min(body.len().checked_sub(2)?);
    (1..=last).rev().find(|&k| body[k] == b'{' && body[k + 1] == b'"')
}

fn says_something(f: &Facts<'_>) -> bool {
    f.time.is_some()
        || f.level != Level::None
        || f.message.is_some_and(|m| !m.is_empty())
        || f.session.is_some()
        || f.category.is_some()
        || f.user.is_some()
}

/// Reads a JSON object line. `Err` means the line is not an event.
pub fn json_facts<'a>(line: &'a [u8], times: &mut TimeReader) -> Result<Facts<'a>, ScanError> {
    let mut c = Collect::default();
    scan::scan_object(line, |k, v| c.member(k.raw, v, 0))?;
    let mut facts = c.finish(times, line);
    if let Some(custom) = super::custom::active() {
        custom.patch_json(line, &mut facts, times);
    }
    Ok(facts)
}

/// Reads key/value pairs that another reader split (logfmt) through the same field table.
pub fn pairs_facts<'a>(pairs: &[(&'a [u8], Value<'a>)], times: &mut TimeReader) -> Facts<'a> {
    let mut c = Collect::default();
    for &(key, value) in pairs {
        c.member(key, value, 0);
    }
    Facts { dialect: Some(Dialect::Logfmt), template_values: None, ..c.finish(times, b"") }
}

/// The message a row shows: the line's message field, else one composed from what the
/// dialect has (`read_file q3.md → error: No such file`, `sensing-data extract ✗: timeout`).
pub fn display_message(f: &Facts<'_>) -> String {
    compose(f, true, &UNICODE_JOINERS)
}

/// [`display_message`] for a terminal showing only `charset`: under ASCII the composed
/// parts are joined with `->`, `ok`, `failed` and `...` (the log's own text is the
/// sanitizer's to escape).
pub fn display_message_in(f: &Facts<'_>, charset: Charset) -> String {
    compose(f, true, Joiners::of(charset))
}

/// What a composed message puts between the parts it composes.
struct Joiners {
    outcome: &'static str,
    succeeded: &'static str,
    failed: &'static str,
    cut: &'static str,
}

const UNICODE_JOINERS: Joiners = Joiners { outcome: " → ", succeeded: " ✓", failed: " ✗", cut: "…" };
const ASCII_JOINERS: Joiners = Joiners { outcome: " -> ", succeeded: " ok", failed: " failed", cut: "..." };

impl Joiners {
    fn of(charset: Charset) -> &'static Joiners {
        match charset {
            Charset::Unicode => &UNICODE_JOINERS,
            Charset::Ascii => &ASCII_JOINERS,
        }
    }
}

/// The message an error is grouped by: like [`display_message`] but without call
/// arguments, which vary between occurrences of one failure.
pub fn error_text(f: &Facts<'_>) -> String {
    compose(f, false, &UNICODE_JOINERS)
}

fn compose(f: &Facts<'_>, with_args: bool, joiners: &Joiners) -> String {
    if let Some(m) = f.message {
        let text = m.text();
        if !text.trim().is_empty() {
            // Errors group by the template itself: it names the failure without the values.
            let text = match f.template_values {
                Some(values) if with_args => Cow::Owned(super::template::render(&text, values)),
                _ => text,
            };
            // A wrapped JSON line shows its own message (Docker's `log` holding the app's
            // `{"level":"error","msg":...}`).
            if let Some(Some(inner)) =
                wrapped_json(&text, |f| f.message.is_some().then(|| compose(f, with_args, joiners)))
            {
                return inner;
            }
            // Shippers keep the line's own newline (Docker's `log`);
            // other trailing text is the writer's and stays.
            return text.trim_end_matches(['\r', '\n']).to_string();
        }
    }
    let mut parts: Vec<Cow<'_, str>> = Vec::new();
    if let Some(t) = f.tool.or(f.category) {
        parts.push(t.text());
    }
    if let Some(op) = f.operation {
        parts.push(op.text());
    }
    if with_args && let Some(args) = f.args.and_then(|a| args_summary(a, joiners)) {
        parts.push(Cow::Owned(args));
    }
    let mut out = parts.join(" ");
    if let Some(s) = f.status {
        out.push_str(joiners.outcome);
        out.push_str(&s.text());
    } else if let Some(ok) = f.success {
        out.push_str(if ok { joiners.succeeded } else { joiners.failed });
    }
    let why =
        f.error_message.filter(|m| !m.is_empty()).or(f.snippet.filter(|s| !s.is_empty() && f.level >= Level::Warn));
    if let Some(e) = why {
        let text = e.text();
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = lines.next().unwrap_or("");
        // A Python traceback says what went wrong on its last line.
        let telling = if first.starts_with("Traceback") { lines.next_back().unwrap_or(first) } else { first };
        out.push_str(": ");
        out.push_str(&cut(telling, 160, joiners));
    }
    out.trim().to_string()
}

/// The first two argument values, short: enough to tell calls apart in a row.
fn args_summary(args: &[u8], joiners: &Joiners) -> Option<String> {
    let mut values = Vec::new();
    let _ = scan::scan_object(args, |_, v| {
        if values.len() < 2
            && let Some(t) = as_text(v)
        {
            let text = t.text();
            let line = text.lines().next().unwrap_or("").trim();
            if !line.is_empty() {
                values.push(cut(line, 40, joiners));
            }
        }
    });
    (!values.is_empty()).then(|| values.join(", "))
}

fn cut(s: &str, max_chars: usize, joiners: &Joiners) -> String {
    match s.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}{}", &s[..at], joiners.cut),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::time::Zone;

    fn facts(line: &str) -> Facts<'_> {
        json_facts(line.as_bytes(), &mut TimeReader::new(Zone::Utc)).expect("valid")
    }

    #[test]
    fn byte_array_messages_are_decoded_and_other_arrays_are_not_text() {
        let f = facts(r#"{"MESSAGE":[83,116,111,112,255],"PRIORITY":"6"}"#);
        assert_eq!(f.message.map(|m| m.text().into_owned()).as_deref(), Some("Stop\u{fffd}"));
        for line in [r#"{"message":["a","b"]}"#, r#"{"message":[256]}"#, r#"{"message":[]}"#, r#"{"message":[1.5]}"#] {
            assert_eq!(facts(line).message, None, "{line}");
        }
    }

    #[test]
    fn clef_rows_render_the_template_and_errors_group_by_it() {
        let line = r#"{"@t":"2026-05-17T09:00:05Z","@mt":"Failed to save {File}","@l":"Error","File":"q3.xlsx"}"#;
        let f = facts(line);
        assert_eq!(display_message(&f), r#"Failed to save "q3.xlsx""#);
        assert_eq!(error_text(&f), "Failed to save {File}");
    }

    #[test]
    fn datatools_line() {
        let f = facts(
            r#"{"ts":"2026-05-17T05:30:00.123+00:00","level":"error","category":"error","session":"a1b2c3d4","message":"analyze(weird.csv): EmptyDataError: No columns to parse","filename":"weird.csv","exc_type":"EmptyDataError","outcome":"empty_after_repair"}"#,
        );
        assert_eq!(f.dialect, Some(Dialect::DataTools));
        assert_eq!(f.level, Level::Error);
        assert_eq!(f.time, Some(1_778_995_800_123));
        assert_eq!(f.session.map(|s| s.text().into_owned()).as_deref(), Some("a1b2c3d4"));
        assert_eq!(f.error_type.map(|s| s.text().into_owned()).as_deref(), Some("EmptyDataError"));
    }

    #[test]
    fn tool_audit_status_sets_level_and_message() {
        let f = facts(
            r#"{"ts": "2026-05-17T09:18:00", "user": "alice", "tool": "read_file", "args": {"path": "q3.md"}, "status": "denied", "result_chars": 0, "result_snippet": ""}"#,
        );
        assert_eq!(f.dialect, Some(Dialect::ToolAudit));
        assert_eq!(f.level, Level::Warn);
        assert_eq!(display_message(&f), "read_file q3.md → denied");
        assert_eq!(display_message_in(&f, Charset::Ascii), "read_file q3.md -> denied");
        assert_eq!(error_text(&f), "read_file → denied");
        assert_eq!(f.category.map(|c| c.text().into_owned()).as_deref(), Some("read_file"));
    }

    #[test]
    fn a_coloured_level_reads_as_its_name() {
        // winston's colorize(): the level string carries ANSI colour codes.
        let f = facts(
            r#"{"level":"\u001b[31merror\u001b[39m","message":"Job 4411 failed","timestamp":"2025-07-14 11:10:51"}"#,
        );
        assert_eq!(f.level, Level::Error);
        // A message keeps its colour codes, to be shown escaped: they are part of the evidence.
        let f = facts(r#"{"level":"info","message":"\u001b[32mready\u001b[39m on :80"}"#);
        assert_eq!(display_message(&f), "\u{1b}[32mready\u{1b}[39m on :80");
    }

    #[test]
    fn the_exception_type_is_read_from_the_stack_when_no_field_names_it() {
        let etype = |line: &str| facts(line).error_type.map(|t| t.text().into_owned());
        // python-json-logger's exc_info: the traceback's last line.
        let python = r#"{"levelname":"ERROR","message":"Failed to load","exc_info":"Traceback (most recent call last):\n  File \"loader.py\", line 3, in load\n    df = read()\npandas.errors.ParserError: Error tokenizing data\n"}"#;
        assert_eq!(etype(python).as_deref(), Some("pandas.errors.ParserError"));
        // .NET and Java: the first line.
        let dotnet = r#"{"Level":"Error","RenderedMessage":"Sync failed","Exception":"System.Net.Http.HttpRequestException: No such host is known.\r\n   at Sync.Run()"}"#;
        assert_eq!(etype(dotnet).as_deref(), Some("System.Net.Http.HttpRequestException"));
        let java = r#"{"level":"ERROR","message":"boom","stack_trace":"java.lang.IllegalStateException: closed\n\tat a.B.c(B.java:1)"}"#;
        assert_eq!(etype(java).as_deref(), Some("java.lang.IllegalStateException"));
        // A field that names it wins; a stack without a type-like name gives none.
        let named = r#"{"level":"error","message":"x","exc_type":"KeyError","exc_info":"Traceback (most recent call last):\nValueError: y"}"#;
        assert_eq!(etype(named).as_deref(), Some("KeyError"));
        assert_eq!(etype(r#"{"level":"error","message":"x","stack":"at main (app.js:3:9)"}"#), None);
        assert_eq!(etype(r#"{"level":"error","message":"x","stack":"Connection reset: peer"}"#), None);
    }

    #[test]
    fn rtgs_failure_is_an_error() {
        let f = facts(
            r#"{"timestamp":"2023-06-15T14:30:22.123Z","operation_id":"u1","tool_name":"sensing-data","operation":"extract","user":"ana","success":false,"error_message":"timeout"}"#,
        );
        assert_eq!(f.dialect, Some(Dialect::Rtgs));
        assert_eq!(f.level, Level::Error);
        assert_eq!(display_message(&f), "sensing-data extract ✗: timeout");
        assert_eq!(display_message_in(&f, Charset::Ascii), "sensing-data extract failed: timeout");
        let ok = facts(
            r#"{"timestamp":"2023-06-15T14:30:22Z","operation_id":"u2","tool_name":"t","results":{"success":true},"error_message":""}"#,
        );
        assert_eq!(ok.level, Level::Info);
    }

    #[test]
    fn common_shapes() {
        let pino = facts(
            r#"{"level":50,"time":1747470600123,"pid":42,"hostname":"box","msg":"boom","err":{"type":"TypeError","message":"x is undefined","stack":"TypeError: ..."}}"#,
        );
        assert_eq!((pino.level, pino.time), (Level::Error, Some(1_747_470_600_123)));
        assert_eq!(pino.error_type.map(|t| t.text().into_owned()).as_deref(), Some("TypeError"));
        assert!(pino.has_stack);
        let tracing = facts(
            r#"{"timestamp":"2026-05-17T05:30:00.123456Z","level":"ERROR","fields":{"message":"db down","retries":3},"target":"app::db"}"#,
        );
        assert_eq!(display_message(&tracing), "db down");
        assert_eq!(tracing.category.map(|c| c.text().into_owned()).as_deref(), Some("app::db"));
        let ecs =
            facts(r#"{"@timestamp":"2026-05-17T05:30:00Z","log":{"level":"warn","logger":"web"},"message":"slow"}"#);
        assert_eq!(ecs.level, Level::Warn);
        let dotted = facts(r#"{"@timestamp":"2026-05-17T05:30:00Z","log.level":"error","message":"x"}"#);
        assert_eq!(dotted.level, Level::Error);
        let structlog =
            facts(r#"{"event":"user logged in","level":"info","timestamp":"2026-05-17T05:30:00Z","logger":"auth"}"#);
        assert_eq!(display_message(&structlog), "user logged in");
        let pyjson =
            facts(r#"{"asctime":"2026-03-02 12:00:00,123","levelname":"WARNING","name":"app.io","message":"disk"}"#);
        assert_eq!((pyjson.level, pyjson.time.is_some()), (Level::Warn, true));
        assert_eq!(pyjson.category.map(|c| c.text().into_owned()).as_deref(), Some("app.io"));
    }

    #[test]
    fn winston_levels_beyond_the_common_names() {
        let http = facts(r#"{"level":"http","message":"GET /api 200","timestamp":"2026-05-17T05:30:00Z"}"#);
        let silly = facts(r#"{"level":"silly","message":"x","timestamp":"2026-05-17T05:30:00Z"}"#);
        assert_eq!((http.level, silly.level), (Level::Info, Level::Trace));
        // In a message, a capitalized HTTP is the start of a request, not a level.
        let docker = facts(r#"{"log":"HTTP 500 on /api\n","stream":"stdout","time":"2026-05-17T05:30:00Z"}"#);
        assert_eq!(docker.level, Level::None);
    }
}
