//! Redaction: masks user names, e-mail addresses, host names, IP addresses, tokens and keys,
//! and the user's part of home-directory paths in text that leaves the tool (`export
//! --redact`, `report --redact`, the explorer's copies and saves). Each value gets a
//! pseudonym (`user-1`, `email-1`, `host-1`, `ip-1`, `token-1`) that stays the same within
//! one [`Redactor`], that is within one output. Structure survives: a JSON line stays JSON
//! (only the insides of string values change, keys stay unless they are themselves a name
//! or an address), a CSV cell stays a cell, Markdown escapes stay escapes.
//!
//! Knows the index (to learn each session's user and host) and nothing above it: never
//! `ui`, never `report`. Nothing here is on the indexing path; it runs only when asked.

use crate::model::Index;
use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

/// What a masked piece of text was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    User,
    Email,
    Host,
    Ip,
    Token,
    /// The user's folder in `/home/NAME`, `/Users/NAME`, `C:\Users\NAME`: masked with the
    /// user's pseudonym, counted apart.
    HomePath,
}

impl Kind {
    pub const ALL: [Kind; 6] = [Kind::User, Kind::Email, Kind::Host, Kind::Ip, Kind::Token, Kind::HomePath];

    fn index(self) -> usize {
        self as usize
    }

    /// The pseudonyms' family: a home folder's name is a user name.
    fn space(self) -> Space {
        match self {
            Kind::User | Kind::HomePath => Space::User,
            Kind::Email => Space::Email,
            Kind::Host => Space::Host,
            Kind::Ip => Space::Ip,
            Kind::Token => Space::Token,
        }
    }

    /// `3 user names`, `1 e-mail address`.
    pub fn counted(self, n: u64) -> String {
        let (one, many) = match self {
            Kind::User => ("user name", "user names"),
            Kind::Email => ("e-mail address", "e-mail addresses"),
            Kind::Host => ("host name", "host names"),
            Kind::Ip => ("IP address", "IP addresses"),
            Kind::Token => ("token or key", "tokens and keys"),
            Kind::HomePath => ("home-directory path", "home-directory paths"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Space {
    User,
    Email,
    Host,
    Ip,
    Token,
}

impl Space {
    fn prefix(self) -> &'static str {
        match self {
            Space::User => "user",
            Space::Email => "email",
            Space::Host => "host",
            Space::Ip => "ip",
            Space::Token => "token",
        }
    }
}

/// How much of one kind an output masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    pub kind: Kind,
    /// Occurrences replaced.
    pub masked: u64,
    /// Different values among them.
    pub distinct: usize,
}

/// A known name (from a user or host field) and the value its pseudonym stands for.
#[derive(Clone, Debug)]
struct Entry {
    /// Lowercase text searched for.
    pattern: String,
    space: Space,
    canonical: String,
}

/// One piece of text to replace: `start..end` of the text searched.
#[derive(Clone, Debug)]
struct Span {
    start: usize,
    end: usize,
    kind: Kind,
    canonical: String,
}

/// Masks one output. Learn the names first ([`Redactor::for_index`], [`Redactor::learn_line`]),
/// then pass every piece of the output through [`Redactor::text`], [`Redactor::json_line`]
/// or [`Redactor::markdown`], then report [`Redactor::tallies`].
#[derive(Default)]
pub struct Redactor {
    entries: Vec<Entry>,
    known: HashSet<(Space, String)>,
    automaton: Option<AhoCorasick>,
    stale: bool,
    pseudonyms: HashMap<(Space, String), usize>,
    next: [usize; 5],
    masked: [u64; 6],
    distinct: [HashSet<String>; 6],
}

/// User values that name nobody: masking them everywhere would only hide words.
const GENERIC: &[&str] = &[
    "unknown",
    "none",
    "null",
    "nil",
    "n/a",
    "na",
    "user",
    "users",
    "system",
    "anonymous",
    "root",
    "admin",
    "administrator",
    "localhost",
    "local",
    "default",
    "public",
    "shared",
    "all users",
    "default user",
    "guest",
    "true",
    "false",
];

/// Keys (lowercase, without `_ - . @` and spaces) whose value is a user's name.
const USER_KEYS: &[&str] = &[
    "user",
    "username",
    "userid",
    "login",
    "loginname",
    "owner",
    "author",
    "triggeredby",
    "account",
    "accountname",
    "samaccountname",
    "upn",
    "fullname",
    "displayname",
    "realname",
    "uname",
];

/// Keys whose value is a host's name.
const HOST_KEYS: &[&str] = &[
    "host",
    "hostname",
    "computer",
    "computername",
    "machine",
    "machinename",
    "server",
    "servername",
    "workstation",
    "clienthost",
    "remotehost",
    "sourcehost",
    "fqdn",
    "devicename",
    "node",
    "nodename",
];

/// Parts of a key that make its value a secret.
const SECRET_KEY_PARTS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "authorization",
    "credential",
    "cookie",
];

fn rx(pattern: &str) -> Regex {
    // The patterns are constants of this file, tested below.
    Regex::new(pattern).unwrap_or_else(|e| panic!("redact pattern {pattern}: {e}"))
}

static BEARER: LazyLock<Regex> = LazyLock::new(|| rx(r"(?i)(?-u:\b)(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]+…?)"));
static JWT: LazyLock<Regex> = LazyLock::new(|| rx(r"(?-u:\b)eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?[A-Za-z0-9_-]*"));
static KNOWN_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"(?-u:\b)(?:(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{20,}|glpat-[A-Za-z0-9_-]{20,})",
    )
});
/// `password=x`, `"api_key": "x"`, `**Token**: x`, `client_secret='x y'`.
static KEYED_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r#"(?i)[A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization|credentials?|cookie)[A-Za-z0-9_.-]*\**\\?["']?\s*[:=]\s*(?:\\?"([^"\\]*)|'([^']*)|([^\s"',;&}\])\\]+))"#,
    )
});
/// `scheme://user:password@host`.
static URL_USERINFO: LazyLock<Regex> = LazyLock::new(|| rx(r"://([^/\s:@]+):([^/\s@]+)@"));
/// The host of a URL, also when a shortened message cut it (`https://intranet.acme.…`).
static URL_HOST: LazyLock<Regex> =
    LazyLock::new(|| rx(r"(?i)(?-u:\b)[a-z][a-z0-9+.-]*://(?:[^/\s@]*@)?([A-Za-z0-9][A-Za-z0-9.-]*…?)"));
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| rx(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:\.[A-Za-z]{2,}|…)"));
static HOME: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"(?i)(?:/(?:var/)?home/|/users/|\\{1,2}users\\{1,2}|/documents and settings/|\\{1,2}documents and settings\\{1,2})",
    )
});
static IPV4: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"(?-u:\b)(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?-u:\b)",
    )
});
static IPV6_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| rx(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*"));
/// Names that look like a host: labels ending in a top-level domain that is not also a
/// common file extension (`weird.csv`, `setup.py` and `notes.md` stay).
static FQDN: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"(?i)(?-u:\b)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|edu|gov|mil|int|io|co|ai|dev|cloud|biz|info|uk|de|fr|nl|eu|ca|au|jp|cn|ch|se|es|ru|br|nz|ie|local|localdomain|lan|internal|intranet|corp|home|arpa)(?-u:\b)",
    )
});
/// `user=dana`, `User: DamionMorrison`, `**Triggered By**: mlee@lab-ws-11` (learned, then
/// masked wherever the name appears).
static KEYED_USER: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r#"(?i)(?-u:\b)(?:user(?:[_ -]?name)?|login|owner|triggered[_ -]?by)\**\s*[:=]\s*\**\s*\\?["']?([A-Za-z][A-Za-z0-9._@-]*[A-Za-z0-9])"#,
    )
});
static KEYED_HOST: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r#"(?i)(?-u:\b)(?:host(?:[_ -]?name)?|computer(?:[_ -]?name)?|machine(?:[_ -]?name)?)\**\s*[:=]\s*\**\s*\\?["']?([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])"#,
    )
});

/// Every detector at once: one pass over a text says which of them can match at all, and
/// most strings (levels, categories, page names) need no other.
static ANY: LazyLock<regex::RegexSet> = LazyLock::new(|| {
    let all = [
        &*BEARER,
        &*JWT,
        &*KNOWN_TOKEN,
        &*KEYED_SECRET,
        &*URL_USERINFO,
        &*URL_HOST,
        &*EMAIL,
        &*HOME,
        &*IPV4,
        &*IPV6_CANDIDATE,
        &*FQDN,
        &*KEYED_USER,
        &*KEYED_HOST,
    ];
    regex::RegexSet::new(all.iter().map(|r| r.as_str())).unwrap_or_else(|e| panic!("redact patterns: {e}"))
});
const S_BEARER: usize = 0;
const S_JWT: usize = 1;
const S_KNOWN_TOKEN: usize = 2;
const S_KEYED_SECRET: usize = 3;
const S_URL_USERINFO: usize = 4;
const S_URL_HOST: usize = 5;
const S_EMAIL: usize = 6;
const S_HOME: usize = 7;
const S_IPV4: usize = 8;
const S_IPV6: usize = 9;
const S_FQDN: usize = 10;
const S_KEYED_USER: usize = 11;
const S_KEYED_HOST: usize = 12;

/// Priorities: where two findings overlap, the lower number wins.
const P_TOKEN: u8 = 0;
const P_SECRET: u8 = 1;
const P_URL: u8 = 2;
const P_EMAIL: u8 = 3;
const P_HOME: u8 = 4;
const P_IP: u8 = 5;
const P_FQDN: u8 = 6;
const P_NAME: u8 = 7;
const P_CUT: u8 = 8;

/// Names this long are masked even inside a longer word.
const MIN_GLUED_NAME: usize = 6;

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

fn char_before(s: &str, at: usize) -> Option<char> {
    s[..at].chars().next_back()
}

fn char_after(s: &str, at: usize) -> Option<char> {
    s[at..].chars().next()
}

/// A key as compared with the key lists: lowercase, without separators or a leading `_`/`@`.
fn normalized_key(key: &str) -> String {
    key.chars().filter(|c| !matches!(c, '_' | '-' | '.' | '@' | ' ' | '$')).flat_map(char::to_lowercase).collect()
}

/// What a JSON value is, from its key and the key of the object holding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    Plain,
    User,
    Host,
    Secret,
    /// A password-like key: even a number is masked.
    Password,
}

fn context_of(parent: Option<&str>, key: Option<&str>) -> Context {
    let Some(key) = key else { return Context::Plain };
    let k = normalized_key(key);
    if k.contains("password") || k.contains("passwd") || k.contains("secret") || k == "pin" {
        return Context::Password;
    }
    if SECRET_KEY_PARTS.iter().any(|p| k.contains(p)) {
        return Context::Secret;
    }
    if USER_KEYS.contains(&k.as_str()) {
        return Context::User;
    }
    if HOST_KEYS.contains(&k.as_str()) {
        return Context::Host;
    }
    if let Some(p) = parent.map(normalized_key) {
        let named = matches!(k.as_str(), "name" | "id" | "fullname" | "displayname");
        if named && USER_KEYS.contains(&p.as_str()) {
            return Context::User;
        }
        if matches!(k.as_str(), "name" | "hostname") && HOST_KEYS.contains(&p.as_str()) {
            return Context::Host;
        }
    }
    Context::Plain
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// A redactor that knows every session's user and host.
    pub fn for_index(index: &Index) -> Redactor {
        let mut r = Redactor::new();
        for (_, s) in index.listed_sessions() {
            r.learn_user(&s.user);
            r.learn_host(&s.host);
        }
        r
    }

    /// Learns the names a raw line gives in user and host fields (JSON keys or `user=`,
    /// `User:`, `Hostname:` in text), so they are masked wherever they appear, also in
    /// lines before this one.
    pub fn learn_line(&mut self, raw: &[u8]) {
        if !LEARN_HINTS.is_match(raw) {
            return;
        }
        let line = String::from_utf8_lossy(raw);
        if looks_like_json(&line) {
            self.scan_json(&line, Pass::Learn);
        } else {
            self.learn_keyed(&line);
        }
    }

    /// Remembers a user name (and, for `Dana Whitfield` or `dana.whitfield`, its parts).
    pub fn learn_user(&mut self, value: &str) {
        let value = value.trim();
        if let Some((user, host)) = value.split_once('@')
            && !EMAIL.is_match(value)
        {
            self.learn_user(user);
            self.learn_host(host);
            return;
        }
        if !self.add(Space::User, value, value) {
            return;
        }
        let parts: Vec<&str> = value.split(|c: char| c.is_whitespace() || matches!(c, '.' | '_' | ',')).collect();
        if parts.len() > 1 {
            for part in &parts {
                if part.chars().count() >= 3 {
                    self.add(Space::User, part, value);
                }
            }
            // `DanaWhitfield`, `dana.whitfield`, `dana_whitfield`, `dana-whitfield`.
            let words: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
            for joint in ["", ".", "_", "-"] {
                self.add(Space::User, &words.join(joint), value);
            }
        }
    }

    /// Remembers a host name (and the first label of a dotted one).
    pub fn learn_host(&mut self, value: &str) {
        let value = value.trim();
        if IPV4.is_match(value) && IPV4.find(value).is_some_and(|m| m.len() == value.len()) {
            return;
        }
        if !self.add(Space::Host, value, value) {
            return;
        }
        if let Some((first, _)) = value.split_once('.')
            && first.chars().count() >= 3
        {
            self.add(Space::Host, first, value);
        }
    }

    /// Adds `pattern` as standing for `canonical`; false when it names nothing.
    fn add(&mut self, space: Space, pattern: &str, canonical: &str) -> bool {
        let lower = pattern.to_lowercase();
        if lower.chars().count() < 2 || !lower.chars().any(char::is_alphabetic) || GENERIC.contains(&lower.as_str()) {
            return false;
        }
        if !self.known.insert((space, lower.clone())) {
            return true;
        }
        self.entries.push(Entry { pattern: lower, space, canonical: canonical.to_lowercase() });
        self.stale = true;
        true
    }

    fn learn_keyed(&mut self, text: &str) {
        let hits = ANY.matches(text);
        self.learn_keyed_with(text, &hits);
    }

    fn learn_keyed_with(&mut self, text: &str, hits: &regex::SetMatches) {
        if !hits.matched(S_KEYED_USER) && !hits.matched(S_KEYED_HOST) {
            return;
        }
        let users: Vec<String> =
            KEYED_USER.captures_iter(text).filter_map(|c| c.get(1)).map(|m| m.as_str().to_string()).collect();
        for u in users {
            self.learn_user(&u);
        }
        let hosts: Vec<String> =
            KEYED_HOST.captures_iter(text).filter_map(|c| c.get(1)).map(|m| m.as_str().to_string()).collect();
        for h in hosts {
            self.learn_host(&h);
        }
    }

    fn automaton(&mut self) -> Option<&AhoCorasick> {
        if self.stale || self.automaton.is_none() {
            self.stale = false;
            let mut patterns: Vec<String> = Vec::new();
            for e in &self.entries {
                patterns.push(e.pattern.clone());
            }
            self.automaton = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .ok();
        }
        self.automaton.as_ref()
    }

    /// The pseudonym of a value, numbered in order of first use.
    fn pseudonym(&mut self, space: Space, canonical: &str) -> String {
        let slot = match space {
            Space::User => 0,
            Space::Email => 1,
            Space::Host => 2,
            Space::Ip => 3,
            Space::Token => 4,
        };
        let n = match self.pseudonyms.get(&(space, canonical.to_string())) {
            Some(&n) => n,
            None => {
                self.next[slot] += 1;
                let n = self.next[slot];
                self.pseudonyms.insert((space, canonical.to_string()), n);
                n
            }
        };
        format!("{}-{n}", space.prefix())
    }

    fn count(&mut self, kind: Kind, canonical: &str) {
        self.masked[kind.index()] += 1;
        self.distinct[kind.index()].insert(canonical.to_string());
    }

    /// The replacement for one finding, counted.
    fn replacement(&mut self, kind: Kind, canonical: &str) -> String {
        self.count(kind, canonical);
        self.pseudonym(kind.space(), canonical)
    }

    /// What was masked so far, kind by kind (only kinds with something masked).
    pub fn tallies(&self) -> Vec<Tally> {
        Kind::ALL
            .iter()
            .filter(|k| self.masked[k.index()] > 0)
            .map(|&kind| Tally { kind, masked: self.masked[kind.index()], distinct: self.distinct[kind.index()].len() })
            .collect()
    }

    /// `4 user names (2 different), 1 e-mail address`, or `nothing`.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .tallies()
            .iter()
            .map(|t| {
                let mut s = t.kind.counted(t.masked);
                if t.distinct > 1 && t.masked as usize != t.distinct {
                    s.push_str(&format!(" ({} different)", t.distinct));
                }
                s
            })
            .collect();
        if parts.is_empty() { "nothing".to_string() } else { parts.join(", ") }
    }

    /// The Markdown footer that says what a redacted report masked.
    pub fn markdown_footer(&self) -> String {
        format!(
            "\nRedacted by `audit-tui --redact`: masked {} (the same value has the same pseudonym throughout).\n",
            self.summary()
        )
    }

    // ----- masking -----

    /// Free text: every finding replaced by its pseudonym.
    pub fn text<'a>(&mut self, s: &'a str) -> Cow<'a, str> {
        let hits = ANY.matches(s);
        self.learn_keyed_with(s, &hits);
        let spans = self.spans(s, &hits);
        if spans.is_empty() {
            return Cow::Borrowed(s);
        }
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for span in spans {
            out.push_str(&s[at..span.start]);
            out.push_str(&self.replacement(span.kind, &span.canonical));
            at = span.end;
        }
        out.push_str(&s[at..]);
        Cow::Owned(out)
    }

    /// A line as written: a JSON object or array is masked inside its string values and
    /// stays valid JSON (a line cut short stays as cut); any other line is masked as text.
    /// Invalid UTF-8 is replaced (the redacted copy is not the evidence).
    pub fn json_line<'a>(&mut self, raw: &'a [u8]) -> Cow<'a, [u8]> {
        let line = String::from_utf8_lossy(raw);
        let masked = if looks_like_json(&line) {
            self.scan_json(&line, Pass::Redact)
        } else {
            match self.text(&line) {
                Cow::Borrowed(_) => None,
                Cow::Owned(s) => Some(s),
            }
        };
        match (masked, line) {
            (Some(s), _) => Cow::Owned(s.into_bytes()),
            (None, Cow::Borrowed(_)) => Cow::Borrowed(raw),
            (None, Cow::Owned(s)) => Cow::Owned(s.into_bytes()),
        }
    }

    /// Markdown as `audit-tui report` writes it: names are found through its escapes
    /// (`dana\_w` is `dana_w`), and each finding, escapes included, becomes a pseudonym.
    pub fn markdown(&mut self, md: &str) -> String {
        let (plain, starts) = unescape_markdown(md);
        let hits = ANY.matches(&plain);
        self.learn_keyed_with(&plain, &hits);
        let spans = self.spans(&plain, &hits);
        let mut out = String::with_capacity(md.len());
        let mut at = 0;
        for span in spans {
            let (from, to) = (starts[span.start], starts[span.end]);
            out.push_str(&md[at..from]);
            out.push_str(&self.replacement(span.kind, &span.canonical));
            at = to;
        }
        out.push_str(&md[at..]);
        out
    }

    /// Every string in a JSON value (keys stay), with the same key rules as JSON lines.
    pub fn json_value(&mut self, v: &mut serde_json::Value) {
        self.value_in(v, None, None);
    }

    fn value_in(&mut self, v: &mut serde_json::Value, parent: Option<&str>, key: Option<&str>) {
        use serde_json::Value;
        match v {
            Value::String(s) => {
                if let Some(new) = self.string_value(s, context_of(parent, key)) {
                    *s = new;
                }
            }
            Value::Number(_) if context_of(parent, key) == Context::Password => {
                let canonical = v.to_string();
                *v = Value::String(self.replacement(Kind::Token, &canonical));
            }
            Value::Array(items) => {
                for item in items {
                    self.value_in(item, parent, key);
                }
            }
            Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    self.value_in(item, key, Some(k));
                }
            }
            _ => {}
        }
    }

    /// A string value under a key: whole values for user, host and secret keys, findings
    /// for the rest. `None` when nothing changes.
    fn string_value(&mut self, s: &str, context: Context) -> Option<String> {
        let whole = |r: &mut Redactor, kind: Kind| Some(r.replacement(kind, &s.trim().to_lowercase()));
        match context {
            Context::Secret | Context::Password if !s.trim().is_empty() => whole(self, Kind::Token),
            Context::User if !is_generic(s) && !s.trim().is_empty() => {
                if EMAIL.find(s).is_some_and(|m| m.as_str() == s.trim()) {
                    return whole(self, Kind::Email);
                }
                if let Some((user, host)) = s.split_once('@') {
                    self.learn_user(user);
                    self.learn_host(host);
                    let user = self.replacement(Kind::User, &user.trim().to_lowercase());
                    let host = self.replacement(Kind::Host, &host.trim().to_lowercase());
                    return Some(format!("{user}@{host}"));
                }
                self.learn_user(s);
                whole(self, Kind::User)
            }
            Context::Host if !is_generic(s) && !s.trim().is_empty() => {
                if IPV4.find(s).is_some_and(|m| m.as_str() == s.trim()) {
                    return self.text(s).into_owned().into();
                }
                self.learn_host(s);
                whole(self, Kind::Host)
            }
            _ => match self.text(s) {
                Cow::Borrowed(_) => None,
                Cow::Owned(new) => Some(new),
            },
        }
    }

    /// Walks a JSON text (tolerating a cut or broken one): learns user and host values, or
    /// masks string values and secret numbers, copying everything else as it is.
    fn scan_json(&mut self, s: &str, pass: Pass) -> Option<String> {
        struct Frame {
            is_object: bool,
            expect_key: bool,
            key: Option<String>,
            /// The key this container is the value of.
            parent: Option<String>,
        }
        let b = s.as_bytes();
        let mut out = String::new();
        let mut copied = 0;
        let mut changed = false;
        let mut stack: Vec<Frame> = Vec::new();
        let mut i = 0;
        // The (parent, key) of the value starting here.
        let here = |stack: &[Frame]| -> (Option<String>, Option<String>) {
            match stack.last() {
                Some(f) if f.is_object => (f.parent.clone(), f.key.clone()),
                Some(f) => (None, f.parent.clone()),
                None => (None, None),
            }
        };
        while i < b.len() {
            match b[i] {
                b'"' => {
                    let (end, closed) = string_end(b, i + 1);
                    let decoded = unescape_json(&s[i + 1..end]);
                    let is_key = stack.last().is_some_and(|f| f.is_object && f.expect_key);
                    let next = if closed { end + 1 } else { end };
                    let new = if is_key {
                        let new = match pass {
                            Pass::Learn => None,
                            Pass::Redact => match self.text(&decoded) {
                                Cow::Borrowed(_) => None,
                                Cow::Owned(n) => Some(n),
                            },
                        };
                        if let Some(f) = stack.last_mut() {
                            f.key = Some(decoded);
                        }
                        new
                    } else {
                        let (parent, key) = here(&stack);
                        let context = context_of(parent.as_deref(), key.as_deref());
                        match pass {
                            Pass::Learn => {
                                match context {
                                    Context::User => self.learn_user(&decoded),
                                    Context::Host => self.learn_host(&decoded),
                                    _ => self.learn_keyed(&decoded),
                                }
                                None
                            }
                            Pass::Redact => self.string_value(&decoded, context),
                        }
                    };
                    if let Some(new) = new {
                        out.push_str(&s[copied..i]);
                        let encoded = serde_json::to_string(&new).unwrap_or_else(|_| "\"\"".into());
                        out.push_str(if closed { &encoded } else { &encoded[..encoded.len() - 1] });
                        copied = next;
                        changed = true;
                    }
                    i = next;
                }
                c @ (b'{' | b'[') => {
                    let (_, key) = here(&stack);
                    stack.push(Frame { is_object: c == b'{', expect_key: c == b'{', key: None, parent: key });
                    i += 1;
                }
                b'}' | b']' => {
                    stack.pop();
                    i += 1;
                }
                b':' => {
                    if let Some(f) = stack.last_mut() {
                        f.expect_key = false;
                    }
                    i += 1;
                }
                b',' => {
                    if let Some(f) = stack.last_mut()
                        && f.is_object
                    {
                        f.expect_key = true;
                        f.key = None;
                    }
                    i += 1;
                }
                c if c == b'-' || c.is_ascii_digit() => {
                    let end = i + b[i..]
                        .iter()
                        .take_while(|&&c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
                        .count();
                    let (parent, key) = here(&stack);
                    let is_value = !stack.last().is_some_and(|f| f.is_object && f.expect_key);
                    if pass == Pass::Redact
                        && is_value
                        && context_of(parent.as_deref(), key.as_deref()) == Context::Password
                    {
                        let new = self.replacement(Kind::Token, &s[i..end]);
                        out.push_str(&s[copied..i]);
                        out.push_str(&format!("\"{new}\""));
                        copied = end;
                        changed = true;
                    }
                    i = end.max(i + 1);
                }
                _ => i += 1,
            }
        }
        if !changed {
            return None;
        }
        out.push_str(&s[copied..]);
        Some(out)
    }

    /// Every finding in `s`, in text order, without overlaps (the more specific finding
    /// wins).
    fn spans(&mut self, s: &str, hits: &regex::SetMatches) -> Vec<Span> {
        let hit = |i: usize| hits.matched(i);
        // The text for a detector the set says can match, else nothing to search.
        let gated = |i: usize| if hits.matched(i) { s } else { "" };
        let mut found: Vec<(u8, Span)> = Vec::new();
        let mut push = |p: u8, start: usize, end: usize, kind: Kind, canonical: String| {
            if end > start {
                found.push((p, Span { start, end, kind, canonical }));
            }
        };
        if hit(S_BEARER) {
            for c in BEARER.captures_iter(s) {
                if let Some(m) = c.get(1) {
                    let text = m.as_str().trim_end_matches('…');
                    push(P_TOKEN, m.start(), m.start() + text.len(), Kind::Token, text.to_string());
                }
            }
        }
        for (i, re) in [(S_JWT, &*JWT), (S_KNOWN_TOKEN, &*KNOWN_TOKEN)] {
            for m in re.find_iter(gated(i)) {
                push(P_TOKEN, m.start(), m.end(), Kind::Token, m.as_str().to_string());
            }
        }
        for c in KEYED_SECRET.captures_iter(gated(S_KEYED_SECRET)) {
            if let Some(m) = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))
                && !matches!(m.as_str().to_lowercase().as_str(), "bearer" | "basic")
            {
                push(P_SECRET, m.start(), m.end(), Kind::Token, m.as_str().to_string());
            }
        }
        for c in URL_USERINFO.captures_iter(gated(S_URL_USERINFO)) {
            if let (Some(u), Some(p)) = (c.get(1), c.get(2)) {
                push(P_URL, u.start(), u.end(), Kind::User, u.as_str().to_lowercase());
                push(P_URL, p.start(), p.end(), Kind::Token, p.as_str().to_string());
            }
        }
        for c in URL_HOST.captures_iter(gated(S_URL_HOST)) {
            let Some(m) = c.get(1) else { continue };
            let host = m.as_str().trim_end_matches('…').trim_end_matches('.');
            let is_ip = IPV4.find(host).is_some_and(|ip| ip.len() == host.len());
            if !host.is_empty() && !is_ip && !host.eq_ignore_ascii_case("localhost") {
                push(P_URL, m.start(), m.start() + host.len(), Kind::Host, host.to_lowercase());
            }
        }
        for m in EMAIL.find_iter(gated(S_EMAIL)) {
            let text = m.as_str().trim_start_matches('.');
            let start = m.end() - text.len();
            let text = text.trim_end_matches('…');
            push(P_EMAIL, start, start + text.len(), Kind::Email, text.to_lowercase());
        }
        let homes = if hit(S_HOME) { self.home_names(s) } else { Vec::new() };
        for (start, end, canonical) in homes {
            push(P_HOME, start, end, Kind::HomePath, canonical);
        }
        for m in IPV4.find_iter(gated(S_IPV4)) {
            let before = char_before(s, m.start());
            let after = s[m.end()..].chars().take(2).collect::<Vec<_>>();
            let dotted_on = matches!(after.as_slice(), ['.', c, ..] if c.is_ascii_digit());
            let loopback = m.as_str().starts_with("127.") || m.as_str() == "0.0.0.0";
            if before != Some('.') && !dotted_on && !loopback {
                push(P_IP, m.start(), m.end(), Kind::Ip, m.as_str().to_string());
            }
        }
        for m in IPV6_CANDIDATE.find_iter(gated(S_IPV6)) {
            let text = m.as_str().trim_end_matches(['.', ':']);
            let text = text.trim_start_matches('.');
            let start = m.start() + (m.as_str().len() - m.as_str().trim_start_matches('.').len());
            let end = start + text.len();
            let Ok(addr) = text.parse::<std::net::Ipv6Addr>() else { continue };
            if addr.is_loopback() || addr.is_unspecified() {
                continue;
            }
            if is_word_char(char_before(s, start)) || is_word_char(char_after(s, end)) {
                continue;
            }
            push(P_IP, start, end, Kind::Ip, addr.to_string());
        }
        for m in FQDN.find_iter(gated(S_FQDN)) {
            let before = char_before(s, m.start());
            let after = s[m.end()..].chars().take(2).collect::<Vec<_>>();
            let continues =
                matches!(after.as_slice(), ['.' | '-', c, ..] if c.is_alphanumeric()) || after.first() == Some(&'-');
            if before != Some('.') && before != Some('-') && !continues {
                push(P_FQDN, m.start(), m.end(), Kind::Host, m.as_str().to_lowercase());
            }
        }
        if let Some(ac) = self.automaton().cloned() {
            for m in ac.find_overlapping_iter(s) {
                let (start, end) = (m.start(), m.end());
                if !s.is_char_boundary(start) || !s.is_char_boundary(end) {
                    continue;
                }
                let e = &self.entries[m.pattern().as_usize()];
                // A short name is only a name as a word (`Dana`, not `Danaher`); a longer
                // one also inside a word (`DanaWhitfield`, `Whitfieldpassword=`).
                let glued = is_word_char(char_before(s, start)) || is_word_char(char_after(s, end));
                if glued && e.pattern.chars().count() < MIN_GLUED_NAME {
                    continue;
                }
                let kind = if e.space == Space::User { Kind::User } else { Kind::Host };
                push(P_NAME, start, end, kind, e.canonical.clone());
            }
        }
        // A name cut by `…` in a shortened message: `Whitf…`.
        for (at, _) in s.match_indices('…') {
            let run: String = s[..at].chars().rev().take_while(|c| c.is_alphanumeric()).collect();
            let run: String = run.chars().rev().collect();
            if run.chars().count() < 2 {
                continue;
            }
            let lower = run.to_lowercase();
            if let Some(e) = self.entries.iter().find(|e| e.pattern.starts_with(&lower)) {
                let kind = if e.space == Space::User { Kind::User } else { Kind::Host };
                push(P_CUT, at - run.len(), at, kind, e.canonical.clone());
            }
        }
        resolve(found)
    }

    /// The user's part of each home-directory path in `s`: `(start, end, canonical)`.
    fn home_names(&mut self, s: &str) -> Vec<(usize, usize, String)> {
        let mut names = Vec::new();
        for m in HOME.find_iter(s) {
            let rest = &s[m.end()..];
            let stop = |c: char| {
                matches!(
                    c,
                    '/' | '\\'
                        | '"'
                        | '\''
                        | '\n'
                        | '\r'
                        | '\t'
                        | '<'
                        | '>'
                        | '|'
                        | ':'
                        | ';'
                        | ','
                        | ')'
                        | ']'
                        | '}'
                        | '*'
                        | '`'
                )
            };
            let seg_len = rest.find(stop).unwrap_or(rest.len());
            let segment = &rest[..seg_len];
            let ends_in_separator = rest[seg_len..].starts_with(['/', '\\']);
            // A known name wins: `C:\Users\Dana Whitfield` is one user.
            let lower = segment.to_lowercase();
            let known = self
                .entries
                .iter()
                .filter(|e| e.space == Space::User && lower.len() == segment.len() && lower.starts_with(&e.pattern))
                .filter(|e| segment.get(e.pattern.len()..).is_some_and(|after| !is_word_char(after.chars().next())))
                .max_by_key(|e| e.pattern.len())
                .map(|e| (e.pattern.len(), e.canonical.clone()));
            let (len, canonical) = match known {
                Some(k) => k,
                None => {
                    let name =
                        if ends_in_separator { segment.trim_end() } else { segment.split(' ').next().unwrap_or("") };
                    let looks_like_file = !ends_in_separator
                        && name.rsplit_once('.').is_some_and(|(_, ext)| {
                            (1..=4).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphabetic())
                        });
                    if name.is_empty() || looks_like_file || is_generic(name) || name.starts_with('.') {
                        continue;
                    }
                    self.learn_user(name);
                    (name.len(), name.to_lowercase())
                }
            };
            if len > 0 && s.is_char_boundary(m.end() + len) {
                names.push((m.end(), m.end() + len, canonical));
            }
        }
        names
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Learn,
    Redact,
}

/// Bytes that a line naming a user or host in a field must contain (any case).
static LEARN_HINTS: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(
        r"(?i)user|login|owner|author|triggered|account|host|computer|machine|server|node|upn|name",
    )
    .unwrap_or_else(|e| panic!("learn hints: {e}"))
});

fn is_generic(s: &str) -> bool {
    GENERIC.contains(&s.trim().to_lowercase().as_str())
}

fn looks_like_json(line: &str) -> bool {
    let t = line.trim_start_matches(['\u{feff}', ' ', '\t', '\0']);
    t.starts_with('{') || t.starts_with('[')
}

/// Keeps the most specific of overlapping findings, then sorts them by position.
fn resolve(mut found: Vec<(u8, Span)>) -> Vec<Span> {
    found.sort_by(|(pa, a), (pb, b)| {
        pa.cmp(pb).then(a.start.cmp(&b.start)).then((b.end - b.start).cmp(&(a.end - a.start)))
    });
    let mut taken: BTreeMap<usize, Span> = BTreeMap::new();
    for (_, span) in found {
        let before_overlaps = taken.range(..span.end).next_back().is_some_and(|(_, t)| t.end > span.start);
        if !before_overlaps {
            taken.insert(span.start, span);
        }
    }
    taken.into_values().collect()
}

/// Where the JSON string starting at `from` ends (its closing quote), and whether it has one.
fn string_end(b: &[u8], from: usize) -> (usize, bool) {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return (i, true),
            _ => i += 1,
        }
    }
    (b.len(), false)
}

/// A JSON string's contents decoded; a broken escape is kept as written.
fn unescape_json(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let Ok(unit) = u16::from_str_radix(&hex, 16) else {
                    out.push_str("\\u");
                    out.push_str(&hex);
                    continue;
                };
                let mut units = vec![unit];
                if (0xd800..0xdc00).contains(&unit) {
                    let mut ahead = chars.clone();
                    if ahead.next() == Some('\\') && ahead.next() == Some('u') {
                        let low: String = ahead.by_ref().take(4).collect();
                        if let Ok(low) = u16::from_str_radix(&low, 16)
                            && (0xdc00..0xe000).contains(&low)
                        {
                            units.push(low);
                            chars = ahead;
                        }
                    }
                }
                out.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Markdown with its backslash escapes removed, and for each byte of the result (and its
/// end) where the character starts in the Markdown, escape included.
fn unescape_markdown(md: &str) -> (String, Vec<usize>) {
    let mut plain = String::with_capacity(md.len());
    let mut starts = Vec::with_capacity(md.len() + 1);
    let mut iter = md.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let c = match (c, iter.peek()) {
            ('\\', Some(&(_, next))) if "\\`*_[]<>|~#".contains(next) => {
                iter.next();
                next
            }
            _ => c,
        };
        for _ in 0..c.len_utf8() {
            starts.push(i);
        }
        plain.push(c);
    }
    starts.push(md.len());
    (plain, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(users: &[&str], hosts: &[&str]) -> Redactor {
        let mut r = Redactor::new();
        for u in users {
            r.learn_user(u);
        }
        for h in hosts {
            r.learn_host(h);
        }
        r
    }

    #[test]
    fn names_are_masked_anywhere_with_stable_pseudonyms() {
        let mut r = redactor(&["Dana Whitfield"], &["L01403-DATA"]);
        let out = r.text(r"dana whitfield opened C:\Users\Dana Whitfield\Documents on l01403-data; DANA again");
        assert_eq!(out, r"user-1 opened C:\Users\user-1\Documents on host-1; user-1 again");
        assert_eq!(r.text("Whitfield"), "user-1");
        // Inside a word, a short name is not a name; a long one is.
        assert_eq!(r.text("Danaher"), "Danaher");
        assert_eq!(r.text("DanaWhitfield and dana_whitfield"), "user-1 and user-1");
    }

    #[test]
    fn home_paths_teach_the_name() {
        let mut r = Redactor::new();
        assert_eq!(r.text("cwd /home/mlee/rtgs-lab-tools"), "cwd /home/user-1/rtgs-lab-tools");
        assert_eq!(r.text("mlee ran it"), "user-1 ran it");
        assert_eq!(r.text(r"C:\\Users\\bob\\x"), r"C:\\Users\\user-2\\x");
        assert_eq!(r.text("/Users/Shared/x and /home/index.html"), "/Users/Shared/x and /home/index.html");
    }

    #[test]
    fn addresses_hosts_and_tokens() {
        let mut r = Redactor::new();
        let out = r.text(
            "mail dana.w@example.com from 10.1.2.3 and fe80::1ff:fe23:4567:890a via db01.corp.local; \
             Authorization: Bearer abc.def-ghi password=hunter2 api_key: 'k k' AKIAIOSFODNN7EXAMPLE \
             eyJhbGciOi.eyJzdWIiOiIx.sig https://joe:pw@x.io/a",
        );
        assert!(!out.contains("dana.w"), "{out}");
        assert!(!out.contains("10.1.2.3") && !out.contains("fe80"), "{out}");
        assert!(!out.contains("db01") && !out.contains("hunter2") && !out.contains("k k"), "{out}");
        assert!(!out.contains("AKIA") && !out.contains("eyJ") && !out.contains("abc.def"), "{out}");
        assert!(!out.contains("joe") && !out.contains(":pw@") && !out.contains("x.io"), "{out}");
        assert_eq!(r.text("see https://intranet.acme.… now"), "see https://host-3.… now");
        assert!(
            out.contains("email-1") && out.contains("ip-1") && out.contains("ip-2") && out.contains("host-1"),
            "{out}"
        );
        assert!(out.contains("Bearer token-1") && out.contains("password=token-2"), "{out}");
        // Loopback, times, versions, file names and module paths stay.
        let keep =
            "127.0.0.1 ::1 at 09:18:00 python 3.12.10 weird.csv pandas.errors.EmptyDataError setup.py std::vector";
        assert_eq!(r.text(keep), keep);
    }

    #[test]
    fn json_lines_stay_json_and_keys_stay() {
        let mut r = redactor(&["Dana Whitfield"], &[]);
        let line = br#"{"user": "Dana Whitfield", "cwd": "C:\\Users\\Dana Whitfield\\Documents", "host": {"name": "ws-7"}, "password": 1234, "token": "t0k\"en", "n": 5, "msg": "hi \u0064ana"}"#;
        let out = r.json_line(line);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        assert_eq!(v["user"], "user-1");
        assert_eq!(v["cwd"], r"C:\Users\user-1\Documents");
        assert_eq!(v["host"]["name"], "host-1");
        assert_eq!(v["password"], "token-1");
        assert_eq!(v["token"], "token-2");
        assert_eq!(v["n"], 5);
        assert_eq!(v["msg"], "hi user-1");
        // A line cut by a crash stays cut, and unchanged lines stay byte for byte.
        let cut = br#"{"user": "Dana Whitfield", "msg": "dana wa"#;
        assert_eq!(&*r.json_line(cut), br#"{"user": "user-1", "msg": "user-1 wa"#);
        let plain = br#"{"a": "\u00e9"}"#;
        assert!(matches!(r.json_line(plain), Cow::Borrowed(_)));
    }

    #[test]
    fn json_values_are_masked_with_the_same_key_rules() {
        let mut r = redactor(&["Dana Whitfield"], &["L01403-DATA"]);
        let mut v = serde_json::json!({
            "id": "Dana Whitfield@2026-05-17 09:00",
            "user": "Dana Whitfield",
            "host": "L01403-DATA",
            "files": ["C:\\Users\\Dana Whitfield\\a.log"],
            "events": 12,
            "auth": {"password": 1234}
        });
        r.json_value(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "id": "user-1@2026-05-17 09:00",
                "user": "user-1",
                "host": "host-1",
                "files": ["C:\\Users\\user-1\\a.log"],
                "events": 12,
                "auth": {"password": "token-1"}
            })
        );
    }

    #[test]
    fn markdown_escapes_do_not_hide_names() {
        let mut r = redactor(&["dana_w"], &[]);
        assert_eq!(r.markdown(r"| dana\_w | x |"), "| user-1 | x |");
        assert_eq!(r.markdown(r"C:\\Users\\carol\\x"), r"C:\\Users\\user-2\\x");
    }

    #[test]
    fn learning_from_lines_and_tallies() {
        let mut r = Redactor::new();
        r.learn_line(br#"{"ts": 1, "args": {"owner": "zoe"}, "hostname": "lab-ws-11"}"#);
        r.learn_line(b"- **Triggered By**: mlee@lab-ws-12");
        assert_eq!(r.text("zoe on lab-ws-11, mlee on lab-ws-12"), "user-1 on host-1, user-2 on host-2");
        assert_eq!(r.text("zoe"), "user-1");
        assert_eq!(r.summary(), "3 user names (2 different), 2 host names");
        assert_eq!(Redactor::new().summary(), "nothing");
    }

    #[test]
    fn cut_names_and_addresses_are_masked_too() {
        let mut r = redactor(&["Dana Whitfield"], &[]);
        assert_eq!(r.text("by Whitf…"), "by user-1…");
        assert_eq!(r.text("to dana.w@exam…"), "to email-1…");
    }
}
