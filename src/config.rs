//! The config file (TOML): where it is, what it may say, and what a bad one is told. It
//! compiles log shapes for `ingest::dialects::custom` and hands settings to the app; it never
//! imports `ui` (key names are checked by the app against the keymap, which it passes in).
//!
//! A bad file is never fatal: every problem names the file, the line and the key, and the
//! caller goes on with the defaults.

use crate::ingest::dialects::custom::{Custom, CustomDialect, FIELDS};
use crate::ingest::dialects::facts::Dialect;
use crate::ingest::time::Zone;
use crate::model::Level;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The environment variable naming the config file.
pub const ENV: &str = "AUDIT_TUI_CONFIG";

/// Colour themes a config may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    Mono,
}

/// A key override: an action's name (as the keymap spells it) and the keys given it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyOverride {
    pub action: String,
    pub keys: Vec<String>,
    /// 1-based line in the file, for messages.
    pub line: usize,
}

/// What a valid config file says; `None` where it says nothing (the default applies).
#[derive(Debug, Default)]
pub struct Config {
    pub gap_minutes: Option<i64>,
    pub context_before: Option<usize>,
    pub zone: Option<Zone>,
    pub theme: Option<ThemeName>,
    /// The most the index cache may hold, in MiB; 0 turns it off.
    pub cache_max_mb: Option<u64>,
    pub keys: Vec<KeyOverride>,
    pub custom: Custom,
    pub columns: ColumnLists,
}

/// What a timeline column between the level and the message shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Category,
    Session,
    /// The line's status or success (tool_audit `status`, a CSV `Status`, `outcome`).
    Outcome,
    /// A field of the line, read by `query::eval::field_text`: a JSON path (`args.path`
    /// is `["args", "path"]`), a logfmt key or a CSV column name.
    Field(Vec<String>),
}

/// A timeline column and its width in terminal cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub kind: ColumnKind,
    pub width: usize,
}

/// Widths of the columns when the file gives none.
pub const CATEGORY_WIDTH: usize = 12;
pub const SESSION_WIDTH: usize = 10;
pub const OUTCOME_WIDTH: usize = 10;
pub const FIELD_WIDTH: usize = 12;

/// The widest column a config may ask for.
const MAX_COLUMN_WIDTH: usize = 80;

/// Names the timeline always shows, which a `[columns]` list cannot name.
const ALWAYS_SHOWN: [&str; 3] = ["time", "level", "message"];

/// The `[columns]` table: the timeline's columns between the level and the message, per
/// dialect (the bundle's main one picks), else `default`; `None` where the file says
/// nothing, and the timeline keeps its built-in set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnLists {
    /// Indexed like `Dialect::ALL`.
    pub by_dialect: [Option<Vec<Column>>; Dialect::COUNT],
    pub default: Option<Vec<Column>>,
}

impl ColumnLists {
    /// The list for a bundle whose main dialect is `main`: its own entry, else `default`.
    pub fn for_dialect(&self, main: Option<Dialect>) -> Option<&[Column]> {
        main.and_then(|d| self.by_dialect[d as usize].as_deref()).or(self.default.as_deref())
    }
}

/// One entry of a `[columns]` list: `category`, `session`, `outcome` or a field name,
/// each with an optional `:WIDTH`.
fn column_of(entry: &str) -> Result<Column, String> {
    let (name, width) = match entry.rsplit_once(':') {
        Some((name, w)) => match w.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_COLUMN_WIDTH).contains(&n) => (name.trim(), Some(n)),
            _ => return Err(format!("{entry:?}: the width after ':' must be 1 to {MAX_COLUMN_WIDTH} (cells)")),
        },
        None => (entry.trim(), None),
    };
    if name.is_empty() || name.split('.').any(str::is_empty) {
        return Err(format!("{entry:?}: give a column name, like \"session\" or \"args.path:20\""));
    }
    let lower = name.to_ascii_lowercase();
    if ALWAYS_SHOWN.contains(&lower.as_str()) {
        return Err(format!("{entry:?}: time, level and the message are always shown; list the columns between"));
    }
    let (kind, default_width) = match lower.as_str() {
        "category" => (ColumnKind::Category, CATEGORY_WIDTH),
        "session" => (ColumnKind::Session, SESSION_WIDTH),
        "outcome" => (ColumnKind::Outcome, OUTCOME_WIDTH),
        _ => (ColumnKind::Field(name.split('.').map(str::to_string).collect()), FIELD_WIDTH),
    };
    Ok(Column { kind, width: width.unwrap_or(default_width) })
}

/// One thing wrong with a config file: where, which key, what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// Where the config is read from, and why there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// `--config`, `$AUDIT_TUI_CONFIG` or `the platform config folder`.
    pub from: &'static str,
}

/// The file to read: `--config`, else `$AUDIT_TUI_CONFIG`, else `audit-tui/config.toml`
/// in the platform's config folder (`None` when there is none, as without `$HOME`).
pub fn locate(flag: Option<&Path>) -> Option<Location> {
    if let Some(p) = flag {
        return Some(Location { path: p.to_path_buf(), from: "--config" });
    }
    if let Some(p) = std::env::var_os(ENV).filter(|p| !p.is_empty()) {
        return Some(Location { path: PathBuf::from(p), from: "$AUDIT_TUI_CONFIG" });
    }
    dirs::config_dir()
        .map(|d| Location { path: d.join("audit-tui").join("config.toml"), from: "the platform config folder" })
}

/// A config read, or the defaults and why.
#[derive(Debug, Default)]
pub struct Loaded {
    pub config: Config,
    pub location: Option<Location>,
    /// Problems found: when not empty, `config` is the defaults.
    pub problems: Vec<String>,
}

/// Reads the config file. A missing file at the platform path is no config; a missing
/// file named by `--config` or the variable, or any problem in a file, is a warning, and
/// the defaults apply.
pub fn load(flag: Option<&Path>) -> Loaded {
    let location = locate(flag);
    let Some(loc) = &location else { return Loaded::default() };
    let shown = loc.path.display().to_string();
    let text = match std::fs::read(&loc.path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && loc.from == "the platform config folder" => {
            return Loaded { location, ..Loaded::default() };
        }
        Err(e) => {
            let problem = format!("config {shown} (from {}) not read: {e}; using the defaults", loc.from);
            return Loaded { location, problems: vec![problem], ..Loaded::default() };
        }
    };
    let text = match String::from_utf8(text) {
        Ok(t) => t,
        Err(_) => {
            let problem = format!("config {shown} is not UTF-8 text; using the defaults");
            return Loaded { location, problems: vec![problem], ..Loaded::default() };
        }
    };
    match parse(&text, &shown) {
        Ok(config) => Loaded { config, location, problems: Vec::new() },
        Err(problems) => Loaded {
            location,
            problems: problems.iter().map(|p| format!("config {p}; using the defaults")).collect(),
            config: Config::default(),
        },
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    gap_minutes: Option<Spanned<i64>>,
    context_before: Option<Spanned<i64>>,
    time_zone: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    cache_max_mb: Option<Spanned<i64>>,
    #[serde(default)]
    aliases: PerField<Vec<String>>,
    #[serde(default)]
    keys: BTreeMap<String, Spanned<KeySpec>>,
    #[serde(default, rename = "dialect")]
    dialects: Vec<DialectFile>,
    /// Checked by hand, so a value that is not a list gets a message that says what is.
    #[serde(default)]
    columns: BTreeMap<String, Spanned<toml::Value>>,
}

/// One value for each field a config can name: `[aliases]` lists the keys of each, a
/// dialect's `[dialect.fields]` the one key or capture group of each.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default, bound = "T: Deserialize<'de> + Default")]
struct PerField<T> {
    time: T,
    level: T,
    message: T,
    session: T,
    user: T,
    category: T,
}

impl<T> PerField<T> {
    fn by_field(&self) -> [(&'static str, &T); 6] {
        [
            ("time", &self.time),
            ("level", &self.level),
            ("message", &self.message),
            ("session", &self.session),
            ("user", &self.user),
            ("category", &self.category),
        ]
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum KeySpec {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DialectFile {
    name: Spanned<String>,
    #[serde(default, rename = "match")]
    matches: Vec<String>,
    regex: Option<Spanned<String>>,
    #[serde(default)]
    fields: PerField<Option<String>>,
    #[serde(default)]
    levels: BTreeMap<String, Spanned<String>>,
}

/// 1-based line of byte `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The key written on line `line` (1-based), with the table it sits in: `keys.errors_view`.
fn key_at(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(this) = lines.get(line.saturating_sub(1)) else { return String::new() };
    let header = |l: &str| {
        let l = l.trim();
        (l.starts_with('[') && l.ends_with(']')).then(|| l.trim_matches(['[', ']']).trim().to_string())
    };
    if let Some(h) = header(this) {
        return h;
    }
    let key = this.split('=').next().filter(|_| this.contains('=')).map(|k| k.trim().trim_matches('"').to_string());
    let table = lines[..line.saturating_sub(1)].iter().rev().find_map(|l| header(l));
    match (table, key) {
        (Some(t), Some(k)) => format!("{t}.{k}"),
        (None, Some(k)) => k,
        (Some(t), None) => t,
        (None, None) => String::new(),
    }
}

/// Reads a config's text; `file` names it in problems.
pub fn parse(text: &str, file: &str) -> Result<Config, Vec<Problem>> {
    let raw: FileConfig = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            let message = e.message().trim().replace('\n', " ");
            return Err(vec![Problem { file: file.into(), line, key: key_at(text, line), message }]);
        }
    };
    let mut problems = Vec::new();
    let mut problem = |at: usize, key: &str, message: String| {
        problems.push(Problem { file: file.into(), line: line_of(text, at), key: key.into(), message })
    };
    let mut config = Config::default();
    if let Some(g) = &raw.gap_minutes {
        match *g.get_ref() {
            m if m >= 1 => config.gap_minutes = Some(m),
            _ => problem(g.span().start, "gap_minutes", "must be at least 1 (minutes)".into()),
        }
    }
    if let Some(c) = &raw.context_before {
        match usize::try_from(*c.get_ref()) {
            Ok(n) if n <= 200 => config.context_before = Some(n),
            _ => problem(c.span().start, "context_before", "must be 0 to 200 (events)".into()),
        }
    }
    if let Some(z) = &raw.time_zone {
        match Zone::parse(z.get_ref()) {
            Ok(zone) => config.zone = Some(zone),
            Err(why) => problem(z.span().start, "time_zone", why),
        }
    }
    if let Some(c) = &raw.cache_max_mb {
        match u64::try_from(*c.get_ref()) {
            Ok(mb) if mb <= 1 << 30 => config.cache_max_mb = Some(mb),
            _ => problem(c.span().start, "cache_max_mb", "must be 0 (no cache) or more (MiB)".into()),
        }
    }
    if let Some(t) = &raw.theme {
        config.theme = match t.get_ref().to_ascii_lowercase().as_str() {
            "dark" => Some(ThemeName::Dark),
            "light" => Some(ThemeName::Light),
            "mono" => Some(ThemeName::Mono),
            other => {
                problem(t.span().start, "theme", format!("unknown theme {other:?} (dark, light or mono)"));
                None
            }
        };
    }
    for (field, keys) in raw.aliases.by_field() {
        let role = FIELDS.iter().find(|(n, _)| *n == field).map(|&(_, r)| r);
        for k in keys {
            if let Some(role) = role.filter(|_| !k.trim().is_empty()) {
                config.custom.add_alias(k.trim(), role);
            } else {
                let at = text.find("[aliases]").unwrap_or(0);
                problem(at, &format!("aliases.{field}"), "an alias cannot be empty".into());
            }
        }
    }
    for (action, spec) in &raw.keys {
        let keys = match spec.get_ref() {
            KeySpec::One(k) => vec![k.clone()],
            KeySpec::Many(ks) => ks.clone(),
        };
        if keys.is_empty() || keys.iter().any(|k| k.is_empty()) {
            problem(spec.span().start, &format!("keys.{action}"), "give a key, like \"x\" or \"Ctrl-x\"".into());
            continue;
        }
        config.keys.push(KeyOverride { action: action.clone(), keys, line: line_of(text, spec.span().start) });
    }
    for (name, value) in &raw.columns {
        let key = format!("columns.{name}");
        let span = value.span();
        let slot = if name.eq_ignore_ascii_case("default") {
            &mut config.columns.default
        } else if let Some(d) = Dialect::ALL.iter().find(|d| d.name().eq_ignore_ascii_case(name)) {
            &mut config.columns.by_dialect[*d as usize]
        } else {
            let names: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
            problem(span.start, &key, format!("unknown dialect {name:?} ({} or default)", names.join(", ")));
            continue;
        };
        let toml::Value::Array(entries) = value.get_ref() else {
            problem(span.start, &key, "must be a list of columns, like [\"category\", \"page:20\"]".into());
            continue;
        };
        let mut columns = Vec::new();
        for entry in entries {
            let Some(entry) = entry.as_str() else {
                problem(span.start, &key, format!("{entry} is not a column name (give text, like \"page:20\")"));
                continue;
            };
            // The entry's own line, when the list spans several.
            let within = text.get(span.clone()).unwrap_or("");
            let at = [format!("\"{entry}\""), format!("'{entry}'")]
                .iter()
                .find_map(|quoted| within.find(quoted.as_str()))
                .map_or(span.start, |k| span.start + k);
            match column_of(entry) {
                Ok(c) => columns.push(c),
                Err(why) => problem(at, &key, why),
            }
        }
        *slot = Some(columns);
    }
    for d in &raw.dialects {
        let at = d.name.span().start;
        let name = d.name.get_ref().clone();
        let regex = match &d.regex {
            Some(r) => match regex::bytes::Regex::new(r.get_ref()) {
                Ok(re) => {
                    let known = |g: &str| FIELDS.iter().any(|(n, _)| *n == g);
                    if let Some(bad) = re.capture_names().flatten().find(|g| !known(g)) {
                        problem(
                            r.span().start,
                            "dialect.regex",
                            format!(
                                "dialect {name:?}: unknown group name {bad:?} (time, level, message, session, user, category)"
                            ),
                        );
                    }
                    Some(re)
                }
                Err(e) => {
                    let why = e.to_string().lines().last().unwrap_or("").trim().to_string();
                    problem(r.span().start, "dialect.regex", format!("dialect {name:?}: bad regex: {why}"));
                    None
                }
            },
            None => None,
        };
        if d.matches.is_empty() && d.regex.is_none() {
            problem(at, "dialect.match", format!("dialect {name:?} needs `match` (JSON keys) or `regex` (text lines)"));
        }
        if d.matches.len() > 64 {
            problem(at, "dialect.match", format!("dialect {name:?}: at most 64 keys to match"));
        }
        let mut levels = Vec::new();
        for (value, level) in &d.levels {
            match Level::from_name(level.get_ref()).filter(|l| *l != Level::None) {
                Some(l) => levels.push((value.as_bytes().into(), l)),
                None => problem(
                    level.span().start,
                    &format!("dialect.levels.{value}"),
                    format!(
                        "dialect {name:?}: unknown level {:?} (trace, debug, info, warn, error, fatal)",
                        level.get_ref()
                    ),
                ),
            }
        }
        let fields = d
            .fields
            .by_field()
            .into_iter()
            .filter_map(|(field, key)| {
                let role = FIELDS.iter().find(|(n, _)| *n == field)?.1;
                Some((role, key.as_ref()?.as_bytes().into()))
            })
            .collect();
        let matches = d.matches.iter().map(|m| m.as_bytes().into()).collect();
        config.custom.dialects.push(CustomDialect::new(name, matches, regex, fields, levels));
    }
    if problems.is_empty() { Ok(config) } else { Err(problems) }
}

/// A key the keymap binds, for the template: action name, default keys, what it does.
pub struct KeyDefault {
    pub action: String,
    pub keys: Vec<String>,
    pub help: &'static str,
}

/// The commented template `audit-tui config --default` prints: every setting, commented
/// out, at its default; uncommenting a `#key = value` line keeps the file valid.
pub fn template(keys: &[KeyDefault]) -> String {
    let mut t = String::from(
        "# audit-tui configuration (TOML). Every setting is shown commented out, at its default.\n\
         # Read from --config FILE, else $AUDIT_TUI_CONFIG, else the platform config folder\n\
         # (`audit-tui config --path` says which). Flags and environment variables win over it.\n\
         \n\
         # Idle minutes that end a derived session (logs without a session field); --gap.\n\
         #gap_minutes = 30\n\
         # Events of the session shown before the selected one in the detail pane (+/- change it).\n\
         #context_before = 8\n\
         # Zone for naive timestamps and display: local, UTC, +02:00, Europe/Paris; --tz, --utc, AUDIT_TUI_TZ.\n\
         #time_zone = \"local\"\n\
         # Colours: dark, light (for light backgrounds) or mono; --theme and AUDIT_TUI_THEME win,\n\
         # NO_COLOR and --color never give mono.\n\
         #theme = \"dark\"\n\
         # The most the index cache may hold, in MiB (the least recently used bundles go first);\n\
         # 0 turns it off. `audit-tui cache` says where it is; --no-cache skips it for one run.\n\
         #cache_max_mb = 1024\n\
         \n\
         # Extra JSON (or logfmt) keys read as each field, in addition to the built-in ones, any case.\n\
         [aliases]\n",
    );
    for (name, _) in FIELDS {
        t.push_str(&format!("#{name} = []\n"));
    }
    t.push_str(
        "\n# Keys of the explorer: an action and a key (\"x\", \"Ctrl-x\", \"F2\", \"Enter\") or a list of keys.\n\
         # An action given keys loses its default ones; the help (?) and the status bar follow.\n\
         [keys]\n",
    );
    for k in keys {
        let list = k.keys.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ");
        t.push_str(&format!("#{} = [{list}]  # {}\n", k.action, k.help));
    }
    t.push_str(
        "\n# Timeline columns between the level and the message (time, level and the message are\n\
         # always shown, and cannot be listed). A list per dialect: datatools, tool_audit, rtgs, csv,\n\
         # json, logfmt, text, custom (every [[dialect]] below), or default for any dialect without\n\
         # its own; the dialect with the most events picks. A column is category, session, outcome,\n\
         # or a field of the line: a JSON key (dotted for nesting: args.path), a logfmt key or a CSV\n\
         # column name; \"page:20\" gives a width (fields 12 by default). On narrow terminals the\n\
         # columns give way from the last one, except the first, then the time shortens, then the\n\
         # first goes. Without a list: category, session, and outcome when a tool_audit, rtgs or\n\
         # csv file is read.\n\
         [columns]\n\
         #default = [\"category\", \"session\", \"outcome\"]\n\
         #datatools = [\"category\", \"page:20\", \"session\"]\n\
         #tool_audit = [\"session\", \"tool\", \"args.path:24\", \"outcome\"]\n",
    );
    t.push_str(
        "\n# Custom dialects: log shapes audit-tui does not know. A JSON line carrying every key of\n\
         # `match` is read through `fields`; a text line matching `regex` is read from its named\n\
         # groups (time, level, message, session, user, category). `levels` maps level values.\n\
         # The first dialect that matches a line wins. None by default; for example:\n\
         #\n\
         # [[dialect]]\n\
         # name = \"acme\"\n\
         # match = [\"evt_time\", \"sev\"]\n\
         # fields = { time = \"evt_time\", level = \"sev\", message = \"what\", session = \"sid\", user = \"who\" }\n\
         # levels = { \"W\" = \"warn\", \"E\" = \"error\", \"50\" = \"error\" }\n\
         #\n\
         # [[dialect]]\n\
         # name = \"acme-text\"\n\
         # regex = '^(?P<time>\\S+ \\S+) \\[(?P<level>\\w)\\] (?P<user>\\w+): (?P<message>.*)$'\n\
         # levels = { \"W\" = \"warn\", \"E\" = \"error\", \"I\" = \"info\" }\n",
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_the_line_and_the_key() {
        let e = parse("gap_minutes = 30\n\n[keys]\nerrors_view = 3\n", "c.toml").unwrap_err();
        assert_eq!((e[0].line, e[0].key.as_str()), (4, "keys.errors_view"), "{e:?}");
        let e = parse("gap_minutes = 30\ncolour = \"x\"\n", "c.toml").unwrap_err();
        assert_eq!((e[0].line, e[0].key.as_str()), (2, "colour"), "{e:?}");
        assert!(e[0].to_string().starts_with("c.toml:2: colour: unknown field"), "{}", e[0]);
    }

    #[test]
    fn the_template_parses_commented_and_uncommented() {
        let keys = [KeyDefault { action: "errors_view".into(), keys: vec!["!".into()], help: "errors" }];
        let t = template(&keys);
        assert!(parse(&t, "t").is_ok());
        let open: String = t
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphabetic()) => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let c = parse(&open, "t").expect("valid uncommented");
        assert_eq!((c.gap_minutes, c.context_before, c.theme), (Some(30), Some(8), Some(ThemeName::Dark)));
        assert_eq!(c.cache_max_mb, Some(1024));
        let default = c.columns.for_dialect(Some(Dialect::Json)).expect("the template's default list");
        let kinds: Vec<&ColumnKind> = default.iter().map(|c| &c.kind).collect();
        assert_eq!(kinds, [&ColumnKind::Category, &ColumnKind::Session, &ColumnKind::Outcome]);
        let widths: Vec<usize> = default.iter().map(|c| c.width).collect();
        assert_eq!(widths, [CATEGORY_WIDTH, SESSION_WIDTH, OUTCOME_WIDTH]);
        let datatools = c.columns.for_dialect(Some(Dialect::DataTools)).expect("the template's datatools list");
        assert_eq!(datatools[1], Column { kind: ColumnKind::Field(vec!["page".into()]), width: 20 });
    }

    fn field(path: &[&str], width: usize) -> Column {
        Column { kind: ColumnKind::Field(path.iter().map(|p| p.to_string()).collect()), width }
    }

    #[test]
    fn columns_per_dialect_with_fields_widths_and_a_default() {
        let c = parse(
            "[columns]\ndatatools = [\"page:20\", \"Session\", \"args.path\"]\njson = []\ndefault = [\"category:8\"]\n",
            "c.toml",
        )
        .expect("valid");
        let datatools = c.columns.for_dialect(Some(Dialect::DataTools)).expect("own list");
        assert_eq!(
            datatools,
            [
                field(&["page"], 20),
                Column { kind: ColumnKind::Session, width: SESSION_WIDTH },
                field(&["args", "path"], 12)
            ]
        );
        assert_eq!(c.columns.for_dialect(Some(Dialect::Json)), Some(&[][..]), "an empty list: no columns");
        let category = [Column { kind: ColumnKind::Category, width: 8 }];
        assert_eq!(c.columns.for_dialect(Some(Dialect::Rtgs)), Some(&category[..]), "default for the others");
        assert_eq!(c.columns.for_dialect(None), Some(&category[..]));
        let none = parse("gap_minutes = 5\n", "c.toml").expect("valid");
        assert_eq!(none.columns.for_dialect(Some(Dialect::DataTools)), None, "no [columns]: the built-in set");
        let only = parse("[columns]\ncsv = [\"outcome\"]\n", "c.toml").expect("valid");
        assert_eq!(only.columns.for_dialect(Some(Dialect::Text)), None, "no default: the built-in set");
    }

    #[test]
    fn bad_columns_name_their_line_and_key() {
        let text = "gap_minutes = 5\n\
                    [columns]\n\
                    datatool = [\"page\"]\n\
                    rtgs = \"outcome\"\n\
                    csv = [\n  \"Status\",\n  \"Amount:wide\",\n  \"time\",\n  3,\n  \"x:0\",\n  \"a..b\",\n]\n\
                    json = [\"req.id:81\"]\n";
        let e = parse(text, "c.toml").unwrap_err();
        let got: Vec<(usize, &str)> = e.iter().map(|p| (p.line, p.key.as_str())).collect();
        assert_eq!(
            got,
            [
                (7, "columns.csv"),
                (8, "columns.csv"),
                (5, "columns.csv"),
                (10, "columns.csv"),
                (11, "columns.csv"),
                (3, "columns.datatool"),
                (13, "columns.json"),
                (4, "columns.rtgs"),
            ],
            "{e:#?}"
        );
        let says = |i: usize, what: &str| assert!(e[i].message.contains(what), "{what:?} in {}", e[i]);
        says(0, "width after ':' must be 1 to 80");
        says(1, "always shown");
        says(2, "3 is not a column name");
        says(3, "width");
        says(4, "give a column name");
        says(
            5,
            "unknown dialect \"datatool\" (datatools, tool_audit, rtgs, csv, json, logfmt, text, custom or default)",
        );
        says(6, "width");
        says(7, "must be a list of columns");
        assert_eq!(
            e[7].to_string(),
            "c.toml:4: columns.rtgs: must be a list of columns, like [\"category\", \"page:20\"]"
        );
    }
}
