//! Log shapes taught by the user's config file: extra field aliases and custom dialects
//! (JSON lines told by the field names they carry, text lines by a regex). Compiled once
//! by `config` and installed for the process before anything is read; the readers consult
//! it only when one is installed, so logs read without a config take the built-in paths
//! untouched. Knows nothing of the config file's syntax.

use super::facts::{Dialect, Facts, Text, as_text};
use super::fields::Role;
use crate::ingest::time::{Millis, TimeReader};
use crate::json::scan::{self, Value};
use crate::model::Level;
use regex::bytes::Regex;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// The fields a config can name: the normalised roles a user cares about.
pub const FIELDS: [(&str, Role); 6] = [
    ("time", Role::Time),
    ("level", Role::Level),
    ("message", Role::Message),
    ("session", Role::Session),
    ("user", Role::User),
    ("category", Role::Category),
];

/// What the config teaches.
#[derive(Debug, Default)]
pub struct Custom {
    /// Extra keys per role, lower-cased (keys are matched in any case, as built-in ones).
    aliases: FxHashMap<Box<[u8]>, Role>,
    pub dialects: Vec<CustomDialect>,
}

/// One custom dialect: which lines it takes and how their fields map.
#[derive(Debug)]
pub struct CustomDialect {
    pub name: String,
    /// JSON lines carrying every one of these top-level keys (exact spelling).
    pub matches: Vec<Box<[u8]>>,
    /// Text lines matching this; its named groups are fields.
    pub regex: Option<Regex>,
    /// JSON key read as each role (exact spelling).
    pub fields: Vec<(Role, Box<[u8]>)>,
    /// Level values (any case) and the level each means.
    pub levels: Vec<(Box<[u8]>, Level)>,
    /// Finds the first key of `matches`: built once, not per line.
    first: Option<memchr::memmem::Finder<'static>>,
}

static ACTIVE: OnceLock<Custom> = OnceLock::new();

/// Installs `custom` for the process (once; later calls are ignored). An empty one is
/// not installed, so that the readers' checks stay a `None`.
pub fn install(custom: Custom) {
    if custom.is_empty() {
        return;
    }
    let _ = ACTIVE.set(custom);
}

/// The installed config's shapes, if any.
#[inline]
pub fn active() -> Option<&'static Custom> {
    ACTIVE.get()
}

impl Custom {
    pub fn is_empty(&self) -> bool {
        self.aliases.is_empty() && self.dialects.is_empty()
    }

    /// Adds `key` as an alias of `role`.
    pub fn add_alias(&mut self, key: &str, role: Role) {
        self.aliases.insert(key.to_ascii_lowercase().into_bytes().into(), role);
    }

    /// The role the config gives `key`, with the best priority: the user named it.
    pub fn alias(&self, key: &[u8]) -> Option<(Role, u8)> {
        if self.aliases.is_empty() || key.len() > 64 {
            return None;
        }
        let mut buf = [0u8; 64];
        let lower = &mut buf[..key.len()];
        lower.copy_from_slice(key);
        lower.make_ascii_lowercase();
        self.aliases.get(&*lower).map(|&r| (r, 0))
    }

    /// A digest of everything that changes how lines are read (aliases and dialects, in the
    /// order they apply), for the index cache's key: a changed config is another index.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let mut aliases: Vec<(&[u8], String)> = self.aliases.iter().map(|(k, r)| (&**k, format!("{r:?}"))).collect();
        aliases.sort_unstable();
        aliases.hash(&mut h);
        for d in &self.dialects {
            d.name.hash(&mut h);
            d.matches.hash(&mut h);
            d.regex.as_ref().map(Regex::as_str).hash(&mut h);
            for (role, key) in &d.fields {
                (format!("{role:?}"), key).hash(&mut h);
            }
            for (value, level) in &d.levels {
                (value, *level as u8).hash(&mut h);
            }
        }
        h.finish()
    }

    pub fn has_json_dialects(&self) -> bool {
        self.dialects.iter().any(|d| !d.matches.is_empty())
    }

    /// Whether a JSON dialect may take `line`: the first key it matches on is in it. A
    /// cheap test, so that lines of other shapes keep the built-in path.
    pub fn may_take(&self, line: &[u8]) -> bool {
        self.dialects.iter().any(|d| d.may_take(line))
    }

    /// Applies the first JSON dialect whose keys `line` carries to facts read from it:
    /// its fields replace what the built-in aliases found.
    pub fn patch_json<'a>(&self, line: &'a [u8], facts: &mut Facts<'a>, times: &mut TimeReader) {
        if !self.has_json_dialects() {
            return;
        }
        for d in self.dialects.iter().filter(|d| !d.matches.is_empty()) {
            // Cheap first: the first key, quoted, somewhere in the line.
            if !d.may_take(line) {
                continue;
            }
            let mut seen = 0u64;
            let mut values: Vec<(Role, Value<'a>)> = Vec::new();
            let _ = scan::scan_object(line, |k, v| {
                if let Some(i) = d.matches.iter().position(|m| **m == *k.raw) {
                    seen |= 1 << i.min(63);
                }
                for (role, key) in &d.fields {
                    if **key == *k.raw {
                        values.push((*role, v));
                    }
                }
            });
            let all = if d.matches.len() >= 64 { u64::MAX } else { (1u64 << d.matches.len()) - 1 };
            if seen & all != all {
                continue;
            }
            facts.dialect = Some(Dialect::Custom);
            for (role, v) in values {
                match role {
                    Role::Time => {
                        if let Some(t) = value_time(v, times) {
                            facts.time = Some(t);
                        }
                    }
                    Role::Level => {
                        if let Some(l) = d.level_of_value(v) {
                            facts.level = l;
                        }
                    }
                    _ => {
                        if let Some(t) = as_text(v) {
                            set_text(facts, role, t);
                        }
                    }
                }
            }
            return;
        }
    }

    /// Reads a text line with the first regex dialect that matches it.
    pub fn text_facts<'a>(&self, line: &'a [u8], times: &mut TimeReader) -> Option<Facts<'a>> {
        for d in &self.dialects {
            let Some(re) = &d.regex else { continue };
            let Some(caps) = re.captures(line) else { continue };
            let mut f = Facts { dialect: Some(Dialect::Custom), ..Facts::default() };
            for (name, role) in FIELDS {
                let Some(m) = caps.name(name) else { continue };
                let bytes = m.as_bytes();
                match role {
                    Role::Time => f.time = times.parse_str(bytes),
                    Role::Level => f.level = d.level_of(bytes).unwrap_or(Level::None),
                    _ if !bytes.is_empty() => set_text(&mut f, role, Text::Plain(bytes)),
                    _ => {}
                }
            }
            return Some(f);
        }
        None
    }
}

impl CustomDialect {
    pub fn new(
        name: String,
        matches: Vec<Box<[u8]>>,
        regex: Option<Regex>,
        fields: Vec<(Role, Box<[u8]>)>,
        levels: Vec<(Box<[u8]>, Level)>,
    ) -> CustomDialect {
        let first = matches.first().map(|k| memchr::memmem::Finder::new(&**k).into_owned());
        CustomDialect { name, matches, regex, fields, levels, first }
    }

    /// Whether `"key"` (the first key matched on) is somewhere in `line`.
    fn may_take(&self, line: &[u8]) -> bool {
        let Some(f) = &self.first else { return false };
        let n = f.needle().len();
        f.find_iter(line).any(|i| i > 0 && line[i - 1] == b'"' && line.get(i + n) == Some(&b'"'))
    }

    /// A level value's level: the dialect's own map first, then the usual names.
    fn level_of(&self, raw: &[u8]) -> Option<Level> {
        let t = raw.trim_ascii();
        self.levels.iter().find(|(k, _)| k.eq_ignore_ascii_case(t)).map(|&(_, l)| l).or_else(|| Level::from_bytes(t))
    }

    fn level_of_value(&self, v: Value<'_>) -> Option<Level> {
        match v {
            Value::Str(s) => self.level_of(&s.text().into_owned().into_bytes()),
            Value::Num(n) => self.level_of(n),
            Value::True => self.level_of(b"true"),
            Value::False => self.level_of(b"false"),
            _ => None,
        }
    }
}

fn value_time(v: Value<'_>, times: &mut TimeReader) -> Option<Millis> {
    match v {
        Value::Str(s) => times.parse_str(s.text().as_bytes()),
        Value::Num(n) => crate::ingest::time::parse_epoch(n),
        _ => None,
    }
}

fn set_text<'a>(f: &mut Facts<'a>, role: Role, t: Text<'a>) {
    match role {
        Role::Message => f.message = Some(t),
        Role::Session => f.session = Some(t),
        Role::User => f.user = Some(t),
        Role::Category => f.category = Some(t),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::time::Zone;

    fn dialect() -> Custom {
        let mut c = Custom::default();
        c.dialects.push(CustomDialect::new(
            "acme".into(),
            vec![b"when".as_slice().into(), b"sev".as_slice().into()],
            None,
            vec![
                (Role::Time, b"when".as_slice().into()),
                (Role::Level, b"sev".as_slice().into()),
                (Role::Message, b"what".as_slice().into()),
                (Role::Session, b"sid".as_slice().into()),
            ],
            vec![(b"E".as_slice().into(), Level::Error), (b"50".as_slice().into(), Level::Error)],
        ));
        c
    }

    #[test]
    fn a_json_dialect_maps_its_fields_and_levels() {
        let c = dialect();
        let line = br#"{"when":"2026-05-17T10:00:00Z","sev":"E","what":"boom","sid":"s1"}"#;
        let mut times = TimeReader::new(Zone::Utc);
        let mut f = crate::ingest::dialects::facts::json_facts(line, &mut times).expect("json");
        assert_eq!(f.level, Level::None);
        c.patch_json(line, &mut f, &mut times);
        assert_eq!(f.level, Level::Error);
        assert_eq!(f.time, times.parse_str(b"2026-05-17T10:00:00Z"));
        assert_eq!(f.message.map(|m| m.text().into_owned()).as_deref(), Some("boom"));
        assert_eq!(f.session.map(|m| m.text().into_owned()).as_deref(), Some("s1"));
        assert_eq!(f.dialect, Some(Dialect::Custom));
        // A numeric level through the map; a line without every match key is left alone.
        let line = br#"{"when":"2026-05-17T10:00:00Z","sev":50}"#;
        let mut f = crate::ingest::dialects::facts::json_facts(line, &mut times).expect("json");
        c.patch_json(line, &mut f, &mut times);
        assert_eq!(f.level, Level::Error);
        let line = br#"{"when":"2026-05-17T10:00:00Z","what":"x","level":"info"}"#;
        let mut f = crate::ingest::dialects::facts::json_facts(line, &mut times).expect("json");
        c.patch_json(line, &mut f, &mut times);
        assert_eq!((f.level, f.dialect), (Level::Info, Some(Dialect::Json)));
    }

    #[test]
    fn the_fingerprint_follows_what_changes_the_reading() {
        let base = dialect().fingerprint();
        assert_eq!(dialect().fingerprint(), base, "stable for one definition");
        let mut other = dialect();
        other.dialects[0].levels.push((b"W".as_slice().into(), Level::Warn));
        assert_ne!(other.fingerprint(), base);
        let mut aliased = dialect();
        aliased.add_alias("evt", Role::Time);
        assert_ne!(aliased.fingerprint(), base);
        assert_ne!(Custom::default().fingerprint(), base);
    }

    #[test]
    fn aliases_match_in_any_case() {
        let mut c = Custom::default();
        c.add_alias("Evt_Time", Role::Time);
        assert_eq!(c.alias(b"EVT_TIME"), Some((Role::Time, 0)));
        assert_eq!(c.alias(b"evt"), None);
    }
}
