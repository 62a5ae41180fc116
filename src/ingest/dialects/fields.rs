//! Field aliases: which JSON keys (or CSV columns) mean time, level, message, session...
//!
//! One table for every dialect, so DataTools, tool_audit, rtgs, the repricing CSV and the
//! common JSON loggers (pino, bunyan, structlog, python-json-logger, logstash/ECS, zap,
//! tracing, Serilog CLEF) all open with zero configuration. Lower priority numbers win when
//! a line carries two aliases of the same field (`message` beats `msg` beats `event`).

/// A normalised role a key can play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Time,
    Level,
    Message,
    Category,
    Session,
    User,
    Host,
    Pid,
    Platform,
    ErrorType,
    ErrorMessage,
    Stack,
    Status,
    Success,
    Tool,
    Operation,
    /// The call's arguments (tool_audit `args`, rtgs `parameters`): shown in composed messages.
    Args,
    /// A short excerpt of the result (tool_audit `result_snippet`): says why a call failed.
    Snippet,
}

/// Keys whose object value is looked into for more roles (`fields.message`, `log.level`,
/// `err.type`, `results.success`, ECS `user.name`...).
const CONTAINERS: &[&str] = &[
    "fields",
    "log",
    "err",
    "error",
    "exception",
    "results",
    "user",
    "host",
    "process",
    "session",
    "service",
    "event",
    // log4j2's JsonLayout: `thrown.name`, `thrown.message`.
    "thrown",
];

/// Containers whose members are read as if they were top-level ones: an Elasticsearch
/// hit's `_source`, a Google Cloud Logging entry's `jsonPayload`.
pub const TRANSPARENT: &[&str] = &["_source", "jsonpayload"];

/// Every alias: (key as lower-case ASCII, role, priority). Lower priority wins.
const ALIASES: &[(&str, Role, u8)] = {
    use Role::*;
    &[
        ("ts", Time, 0),
        ("timestamp", Time, 0),
        ("@timestamp", Time, 0),
        ("time", Time, 0),
        ("@t", Time, 1),
        ("datetime", Time, 1),
        ("date_time", Time, 1),
        ("asctime", Time, 1),
        ("eventtime", Time, 1),
        ("event_time", Time, 1),
        ("logtime", Time, 1),
        ("log_time", Time, 1),
        ("timegenerated", Time, 1),
        ("time_local", Time, 1),
        ("date", Time, 2),
        ("created", Time, 2),
        ("created_at", Time, 2),
        ("timestamp_utc", Time, 2),
        // Windows Event Viewer's "Save as CSV" header.
        ("date and time", Time, 2),
        // journald (`journalctl -o json`): microseconds since the epoch, as a string.
        ("__realtime_timestamp", Time, 1),
        // log4j2 JsonLayout: `instant` {epochSecond, nanoOfSecond}, or `timeMillis`.
        ("instant", Time, 1),
        ("timemillis", Time, 1),
        // OpenTelemetry log records: nanoseconds since the epoch, as a string.
        ("timeunixnano", Time, 1),
        ("time_unix_nano", Time, 1),
        ("observedtimeunixnano", Time, 2),
        ("level", Level, 0),
        ("severity", Level, 0),
        ("levelname", Level, 0),
        ("log.level", Level, 0),
        ("log_level", Level, 0),
        ("loglevel", Level, 0),
        ("lvl", Level, 1),
        ("@l", Level, 1),
        ("level_name", Level, 1),
        ("severity_text", Level, 1),
        ("severitytext", Level, 1),
        ("@level", Level, 1),
        // journald's syslog priority, 0 (emerg) .. 7 (debug), as a string.
        ("priority", Level, 1),
        ("message", Message, 0),
        ("msg", Message, 0),
        ("fields.message", Message, 1),
        ("@m", Message, 1),
        ("@message", Message, 1),
        ("log.message", Message, 1),
        ("event", Message, 2),
        ("@mt", Message, 3),
        // Serilog's JsonFormatter: the rendered text, else the template.
        ("renderedmessage", Message, 1),
        ("messagetemplate", Message, 3),
        ("text", Message, 3),
        // GELF (Graylog).
        ("short_message", Message, 1),
        ("full_message", Message, 2),
        // Google Cloud Logging's text entries; OpenTelemetry's record body.
        ("textpayload", Message, 1),
        ("body", Message, 3),
        // Docker's json-file driver: the container's output line.
        ("log", Message, 3),
        ("category", Category, 0),
        ("logger", Category, 1),
        ("logger_name", Category, 1),
        ("loggername", Category, 1),
        ("syslog_identifier", Category, 2),
        ("facility", Category, 3),
        ("target", Category, 1),
        ("log.logger", Category, 1),
        ("channel", Category, 1),
        ("script", Category, 2),
        ("component", Category, 3),
        ("module", Category, 3),
        ("service.name", Category, 3),
        ("app", Category, 3),
        ("application", Category, 3),
        // Windows Event Viewer's CSV names the writing program `Source`.
        ("source", Category, 3),
        ("name", Category, 4),
        // `tool` names the category too (see `Facts`), and fills the tool column.
        ("tool", Tool, 2),
        ("tool_name", Tool, 2),
        ("session", Session, 0),
        ("session_id", Session, 0),
        ("sessionid", Session, 0),
        ("session.id", Session, 0),
        ("user", User, 0),
        ("username", User, 0),
        ("user_name", User, 0),
        ("user.name", User, 0),
        ("usr", User, 0),
        ("userid", User, 0),
        ("user_id", User, 0),
        ("user.id", User, 1),
        ("actor", User, 1),
        ("login", User, 1),
        ("hostname", Host, 0),
        ("host", Host, 0),
        ("host.name", Host, 0),
        ("host.hostname", Host, 0),
        ("computer", Host, 0),
        ("machine", Host, 0),
        ("pid", Pid, 0),
        ("process.pid", Pid, 0),
        ("process_id", Pid, 0),
        ("processid", Pid, 0),
        ("platform", Platform, 0),
        ("os", Platform, 0),
        ("exc_type", ErrorType, 0),
        ("error.type", ErrorType, 0),
        ("err.type", ErrorType, 0),
        ("exception.type", ErrorType, 0),
        ("error_type", ErrorType, 0),
        ("thrown.name", ErrorType, 0),
        ("exception_type", ErrorType, 0),
        ("err.name", ErrorType, 0),
        ("error.kind", ErrorType, 0),
        ("exc_class", ErrorType, 0),
        ("exc_message", ErrorMessage, 0),
        ("error.message", ErrorMessage, 0),
        ("err.message", ErrorMessage, 0),
        ("exception.message", ErrorMessage, 0),
        ("error_message", ErrorMessage, 0),
        ("thrown.message", ErrorMessage, 0),
        ("exception_message", ErrorMessage, 0),
        ("errormessage", ErrorMessage, 0),
        ("error", ErrorMessage, 1),
        ("err", ErrorMessage, 1),
        ("stack", Stack, 0),
        ("stack_trace", Stack, 0),
        ("stacktrace", Stack, 0),
        ("err.stack", Stack, 0),
        ("error.stack_trace", Stack, 0),
        ("error.stack", Stack, 0),
        ("exception.stacktrace", Stack, 0),
        ("exc_info", Stack, 0),
        ("traceback", Stack, 0),
        ("@x", Stack, 0),
        ("exception", Stack, 1),
        ("status", Status, 0),
        ("outcome", Status, 1),
        ("event.outcome", Status, 1),
        ("success", Success, 0),
        ("results.success", Success, 0),
        ("operation", Operation, 0),
        ("op", Operation, 0),
        ("action", Operation, 0),
        ("args", Args, 0),
        ("parameters", Args, 0),
        ("params", Args, 0),
        ("arguments", Args, 0),
        ("result_snippet", Snippet, 0),
        ("snippet", Snippet, 0),
        ("result", Snippet, 0),
    ]
};

// Key lookup runs for every member of every line, so aliases sit in an open-addressing
// table hashed on the key's length and three of its bytes.

const SLOTS: usize = 1024;
const MAX_KEY: usize = 40;

#[derive(Clone, Copy)]
struct Slot {
    key: &'static [u8],
    alias: Option<(Role, u8)>,
    container: bool,
}

/// Length and three bytes: no loop over the key, and distinct enough for ~140 aliases.
#[inline(always)]
fn hash(key: &[u8]) -> usize {
    let n = key.len();
    let (a, m, z) = (key[0] as usize, key[n / 2] as usize, key[n - 1] as usize);
    (n.wrapping_mul(0x9E37) ^ a.wrapping_mul(0x2F1) ^ m.wrapping_mul(0x65) ^ z.wrapping_mul(0x1F3)) % SLOTS
}

fn table() -> &'static [Option<Slot>; SLOTS] {
    static TABLE: std::sync::OnceLock<[Option<Slot>; SLOTS]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: [Option<Slot>; SLOTS] = [None; SLOTS];
        let mut put = |key: &'static str, alias: Option<(Role, u8)>, container: bool| {
            let k = key.as_bytes();
            let mut i = hash(k);
            loop {
                match &mut t[i] {
                    Some(s) if s.key == k => {
                        s.alias = s.alias.or(alias);
                        s.container |= container;
                        return;
                    }
                    Some(_) => i = (i + 1) % SLOTS,
                    empty @ None => {
                        *empty = Some(Slot { key: k, alias, container });
                        return;
                    }
                }
            }
        };
        for &(k, role, prio) in ALIASES {
            put(k, Some((role, prio)), false);
        }
        for &k in CONTAINERS.iter().chain(TRANSPARENT) {
            put(k, None, true);
        }
        t
    })
}

#[inline(always)]
fn find(key: &[u8]) -> Option<&'static Slot> {
    let t = table();
    let mut i = hash(key);
    loop {
        let slot = t[i].as_ref()?;
        if slot.key == key {
            return Some(slot);
        }
        i = (i + 1) % SLOTS;
    }
}

fn lookup_slot(key: &[u8]) -> Option<&'static Slot> {
    if key.is_empty() || key.len() > MAX_KEY {
        return None;
    }
    if let Some(slot) = find(key) {
        return Some(slot);
    }
    // Rare: keys written with capitals (`Timestamp`, journald's `MESSAGE`), or behind the
    // underscores of GELF's additional fields and journald's trusted ones (`_user`,
    // `_HOSTNAME`). Retry lower-cased, then without the underscores.
    let bare = key.iter().position(|&b| b != b'_').unwrap_or(key.len());
    if bare == 0 && !key.iter().any(u8::is_ascii_uppercase) {
        return None;
    }
    let mut buf = [0u8; MAX_KEY];
    for (d, s) in buf.iter_mut().zip(key) {
        *d = s.to_ascii_lowercase();
    }
    find(&buf[..key.len()]).or_else(|| if bare > 0 && bare < key.len() { find(&buf[bare..key.len()]) } else { None })
}

/// Whether a container's members count as top-level members (see [`TRANSPARENT`]).
pub fn is_transparent(key: &[u8]) -> bool {
    TRANSPARENT.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(key))
}

/// A key's role (with priority) and whether it is a container, in one lookup.
#[inline]
pub fn classify(key: &[u8]) -> (Option<(Role, u8)>, bool) {
    match super::custom::active() {
        Some(custom) => classify_with(custom, key),
        None => classify_built_in(key),
    }
}

/// [`classify`] with a config's aliases, which win over the built-in ones.
#[cold]
fn classify_with(custom: &super::custom::Custom, key: &[u8]) -> (Option<(Role, u8)>, bool) {
    match custom.alias(key) {
        Some(alias) => (Some(alias), lookup_slot(key).is_some_and(|s| s.container)),
        None => classify_built_in(key),
    }
}

#[inline]
fn classify_built_in(key: &[u8]) -> (Option<(Role, u8)>, bool) {
    match lookup_slot(key) {
        Some(s) => (s.alias, s.container),
        None => (None, false),
    }
}

/// Roles of the previous lines' keys by position: lines from one writer repeat their key
/// order, so a byte comparison usually replaces the table lookup. Each position remembers
/// the last few keys seen there, since a writer's line kinds differ after the first keys
/// (`page` after `message` in one kind, `exc_type` in another).
#[derive(Default)]
pub struct KeyMemo {
    slots: Vec<[MemoSlot; MEMO_WAYS]>,
    /// The config's log shapes, looked up once per range (`None` without a config).
    pub custom: Option<&'static super::custom::Custom>,
}

const MEMO_WAYS: usize = 4;

/// A remembered key (up to 24 bytes; length 0 = unused) and its classification.
///
/// Aligned to its 32 bytes so that moving one is two whole vector moves: with 28 packed
/// bytes the compiler moved them in overlapping pieces, and the CPU stalled reading back
/// what it had just partly written, on the member walk's hottest path.
#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct MemoSlot {
    bytes: [u8; 24],
    len: u8,
    container: bool,
    role: Option<(Role, u8)>,
}

impl KeyMemo {
    #[inline]
    pub fn classify(&mut self, position: usize, key: &[u8]) -> (Option<(Role, u8)>, bool) {
        if let Some(ways) = self.slots.get_mut(position) {
            for w in 0..MEMO_WAYS {
                let slot = &ways[w];
                if slot.len as usize == key.len() && bytes_eq(&slot.bytes[..key.len()], key) {
                    let found = (slot.role, slot.container);
                    // The last hit goes first: it is the likeliest next time.
                    if w > 0 {
                        ways.swap(0, w);
                    }
                    return found;
                }
            }
        }
        let (role, container) = classify(key);
        if !key.is_empty() && key.len() <= 24 {
            let mut entry = MemoSlot { len: key.len() as u8, container, role, ..MemoSlot::default() };
            entry.bytes[..key.len()].copy_from_slice(key);
            let len = self.slots.len();
            if position < len {
                let ways = &mut self.slots[position];
                ways.copy_within(0..MEMO_WAYS - 1, 1);
                ways[0] = entry;
            } else if position == len {
                let mut ways = [MemoSlot::default(); MEMO_WAYS];
                ways[0] = entry;
                self.slots.push(ways);
            }
        }
        (role, container)
    }
}

/// Byte equality without a `memcmp` call for the short keys and values that lines
/// repeat: one or two overlapping word loads per side.
#[inline(always)]
pub fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

#[inline(always)]
fn word(s: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_le_bytes(w)
}

#[inline(always)]
fn half(s: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&s[at..at + 4]);
    u32::from_le_bytes(w)
}

/// Whether a key's object value should be looked into for more roles.
pub fn is_container(key: &[u8]) -> bool {
    lookup_slot(key).is_some_and(|s| s.container)
}

/// The role of a key (a dotted path for nested keys, e.g. `log.level`), with its priority.
pub fn role_of(key: &[u8]) -> Option<(Role, u8)> {
    if let Some(alias) = super::custom::active().and_then(|c| c.alias(key)) {
        return Some(alias);
    }
    lookup_slot(key)?.alias
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_aliases_map_to_roles() {
        assert_eq!(role_of(b"ts"), Some((Role::Time, 0)));
        assert_eq!(role_of(b"@timestamp"), Some((Role::Time, 0)));
        assert_eq!(role_of(b"Timestamp"), Some((Role::Time, 0)));
        assert_eq!(role_of(b"levelname"), Some((Role::Level, 0)));
        assert_eq!(role_of(b"log.level"), Some((Role::Level, 0)));
        assert_eq!(role_of(b"msg"), Some((Role::Message, 0)));
        assert_eq!(role_of(b"event"), Some((Role::Message, 2)));
        assert_eq!(role_of(b"fields.message"), Some((Role::Message, 1)));
        assert_eq!(role_of(b"tool"), Some((Role::Tool, 2)));
        assert_eq!(role_of(b"Script"), Some((Role::Category, 2)));
        assert_eq!(role_of(b"session_id"), Some((Role::Session, 0)));
        assert_eq!(role_of(b"exc_type"), Some((Role::ErrorType, 0)));
        assert_eq!(role_of(b"filename"), None);
        assert_eq!(role_of(&[b'x'; 100]), None);
        assert_eq!(role_of(b""), None);
        // Every alias is found, in any case.
        for &(k, role, prio) in ALIASES {
            assert_eq!(role_of(k.as_bytes()), Some((role, prio)), "{k}");
            assert_eq!(role_of(k.to_ascii_uppercase().as_bytes()), Some((role, prio)), "{k}");
        }
    }

    #[test]
    fn bytes_eq_is_equality() {
        let words: [&[u8]; 9] =
            [b"", b"a", b"ab", b"abc", b"abcd", b"abcdefg", b"abcdefgh", b"abcdefghijklmnop", b"abcdefghijklmnopq"];
        for a in words {
            for b in words {
                assert_eq!(bytes_eq(a, b), a == b);
            }
            for k in 0..a.len() {
                let mut c = a.to_vec();
                c[k] ^= 1;
                assert!(!bytes_eq(a, &c), "{a:?} differs at {k}");
            }
        }
    }

    #[test]
    fn containers_are_recognised() {
        assert!(is_container(b"fields") && is_container(b"ERR") && !is_container(b"args"));
    }
}
