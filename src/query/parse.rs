//! The query language, from text to terms. One language for the UI filter box and the
//! headless `-q`: space-separated terms that must all match.
//!
//! ```text
//! level:warn+  level:error  cat:upload  session:a1b2  user:"Ann Lee"  file:05-17  msg:timeout
//! since:2026-05-17  since:-2h  until:2026-05-17T08:00  is:unparsed
//! args.path:q3  bytes:>10000  exc_type:            (raw keys, dotted for nesting; empty = present)
//! -term (negates)  weird  'exact  ^prefix  suffix$  !not  "two words"   (bare words: fuzzy)
//! ```

use crate::ingest::time::{Millis, TimeReader, Zone};
use crate::model::Level;

#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub terms: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    pub negated: bool,
    pub kind: TermKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TermKind {
    /// Bit `1 << level` set for every level the term accepts.
    Levels(u8),
    Category(String),
    Session(String),
    User(String),
    File(String),
    Message(String),
    Since(Millis),
    Until(Millis),
    Unparsed,
    /// A raw key path and what its value must satisfy.
    Field(Vec<String>, FieldTest),
    /// A bare word in nucleo's pattern syntax; `quoted` words match as exact substrings.
    Words {
        text: String,
        quoted: bool,
    },
}

impl Query {
    /// Whether evaluating it needs events assigned to sessions (`session:` and `user:`
    /// terms match session ids and users).
    pub fn needs_sessions(&self) -> bool {
        self.terms.iter().any(|t| matches!(t.kind, TermKind::Session(_) | TermKind::User(_)))
    }

    /// Whether only error and fatal events can match: a `level:` term, not negated, that
    /// accepts nothing else (`level:error`, `level:error+`, `level:fatal`).
    pub fn only_errors(&self) -> bool {
        let errors = 1u8 << Level::Error as u8 | 1 << Level::Fatal as u8;
        self.terms.iter().any(|t| !t.negated && matches!(t.kind, TermKind::Levels(mask) if mask & !errors == 0))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldTest {
    /// Case-insensitive substring of the value's text.
    Contains(String),
    Present,
    Compare(Cmp, f64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// A query that cannot be read, with where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    /// Byte offset in the query text.
    pub at: usize,
    pub message: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Reads a query. `now` anchors relative times (`since:-2h`); `zone` reads dates without
    /// an offset.
    pub fn parse(text: &str, now: Millis, zone: Zone) -> Result<Query, QueryError> {
        let mut terms = Vec::new();
        for (at, raw) in tokenize(text)? {
            terms.push(parse_term(&raw, at, now, zone)?);
        }
        Ok(Query { terms })
    }

    /// Whether any term needs the line itself (message, raw fields, words), not only the
    /// event record.
    pub fn needs_line(&self) -> bool {
        self.terms.iter().any(|t| matches!(t.kind, TermKind::Message(_) | TermKind::Field(..) | TermKind::Words { .. }))
    }
}

/// A token as written: quotes removed, and whether a quote was involved.
#[derive(Debug, PartialEq)]
struct Raw {
    text: String,
    quoted_value: bool,
}

fn tokenize(text: &str) -> Result<Vec<(usize, Raw)>, QueryError> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut buf = String::new();
        let mut quoted = false;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '"' {
                quoted = true;
                let mut closed = false;
                for (_, d) in chars.by_ref() {
                    if d == '"' {
                        closed = true;
                        break;
                    }
                    buf.push(d);
                }
                if !closed {
                    return Err(QueryError { at: i, message: "unclosed quote \"".into() });
                }
            } else if c == '\\' && matches!(chars.peek(), Some((_, '"' | ' '))) {
                if let Some((_, d)) = chars.next() {
                    buf.push(d);
                }
            } else {
                buf.push(c);
            }
        }
        out.push((start, Raw { text: buf, quoted_value: quoted }));
    }
    Ok(out)
}

fn parse_term(raw: &Raw, at: usize, now: Millis, zone: Zone) -> Result<Term, QueryError> {
    let err = |message: String| QueryError { at, message };
    let (negated, body) = match raw.text.strip_prefix('-') {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, raw.text.as_str()),
    };
    // `http://host` is a word, not the key `http`.
    let field = body.split_once(':').filter(|(k, v)| is_key(k) && !v.starts_with("//"));
    let Some((key, value)) = field else {
        return Ok(Term { negated, kind: TermKind::Words { text: body.to_string(), quoted: raw.quoted_value } });
    };
    let lower = key.to_ascii_lowercase();
    let kind = match lower.as_str() {
        "level" | "lvl" | "severity" => TermKind::Levels(parse_levels(value).map_err(err)?),
        "cat" | "category" => TermKind::Category(value.to_lowercase()),
        "session" | "sid" => TermKind::Session(value.to_lowercase()),
        "user" => TermKind::User(value.to_lowercase()),
        "file" | "source" => TermKind::File(value.to_lowercase()),
        "msg" | "message" => TermKind::Message(value.to_lowercase()),
        "since" | "after" | "from" => TermKind::Since(parse_when(value, now, zone).map_err(err)?),
        "until" | "before" | "to" => TermKind::Until(parse_when(value, now, zone).map_err(err)?),
        "is" => match value.to_ascii_lowercase().as_str() {
            "unparsed" | "bad" | "broken" => TermKind::Unparsed,
            "error" | "err" => TermKind::Levels(levels_at_least(Level::Error)),
            "warn" | "warning" => TermKind::Levels(1 << Level::Warn as u8),
            other => return Err(err(format!("is:{other} is not known (use is:unparsed, is:error, is:warn)"))),
        },
        _ => TermKind::Field(
            key.split('.').map(str::to_string).collect(),
            parse_field_test(key, value, raw.quoted_value).map_err(err)?,
        ),
    };
    Ok(Term { negated, kind })
}

/// Keys are identifiers, optionally dotted or starting with `@` (`@timestamp`, `log.level`).
fn is_key(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with('.')
        && !k.ends_with('.')
        && k.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '@' | '-' | '$'))
        && !k.starts_with(['\'', '^', '!'])
}

fn levels_at_least(min: Level) -> u8 {
    Level::ALL.iter().filter(|&&l| l >= min && l != Level::None).fold(0, |m, &l| m | 1 << l as u8)
}

/// `warn+` (at least), `error` (exactly), `warn,error` (any of).
fn parse_levels(value: &str) -> Result<u8, String> {
    let mut mask = 0u8;
    for part in value.split(',') {
        let (name, at_least) = match part.strip_suffix('+') {
            Some(n) => (n, true),
            None => (part, false),
        };
        let level = Level::from_name(name).ok_or_else(|| {
            format!("unknown level {name:?} (use trace, debug, info, warn, error, fatal; warn+ means warn or worse)")
        })?;
        mask |= if at_least { levels_at_least(level) } else { 1 << level as u8 };
    }
    Ok(mask)
}

/// `2026-05-17`, `2026-05-17T08:00`, `2026-05-17T08:00:00Z`, or `-15m` / `-2h` / `-1d` /
/// `-30s` / `-1w` before `now`.
pub fn parse_when(value: &str, now: Millis, zone: Zone) -> Result<Millis, String> {
    let v = value.trim();
    let help = "use 2026-05-17, 2026-05-17T08:00, or -15m / -2h / -1d";
    if let Some(rel) = v.strip_prefix('-') {
        let (num, unit) = rel.split_at(rel.find(|c: char| !c.is_ascii_digit()).unwrap_or(rel.len()));
        let n: i64 = num.parse().map_err(|_| format!("cannot read the time {value:?} ({help})"))?;
        let unit_ms = match unit {
            "s" | "sec" => 1000,
            "m" | "min" => 60_000,
            "h" | "hr" => 3_600_000,
            "d" | "day" | "days" => 86_400_000,
            "w" | "week" | "weeks" => 7 * 86_400_000,
            _ => return Err(format!("unknown time unit {unit:?} in {value:?} ({help})")),
        };
        return Ok(now - n.saturating_mul(unit_ms));
    }
    TimeReader::new(zone).parse_str(v.as_bytes()).ok_or_else(|| format!("cannot read the time {value:?} ({help})"))
}

/// `key:>N` compares numbers; an unquoted `>` or `<` before anything else is a mistake to
/// point out, not a text to look for (`"<none>"` quoted is one).
fn parse_field_test(key: &str, value: &str, quoted: bool) -> Result<FieldTest, String> {
    if value.is_empty() && !quoted {
        return Ok(FieldTest::Present);
    }
    if !quoted {
        let ops: [(&str, Cmp); 4] = [(">=", Cmp::Ge), ("<=", Cmp::Le), (">", Cmp::Gt), ("<", Cmp::Lt)];
        for (sym, cmp) in ops {
            if let Some(n) = value.strip_prefix(sym) {
                return match n.parse::<f64>() {
                    Ok(n) if n.is_finite() => Ok(FieldTest::Compare(cmp, n)),
                    _ => Err(format!(
                        "{key}:{value} compares with a number, and {n:?} is not one (to match the text, quote it: {key}:\"{value}\")"
                    )),
                };
            }
        }
    }
    Ok(FieldTest::Contains(value.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_779_000_000_000;

    fn q(s: &str) -> Vec<Term> {
        Query::parse(s, NOW, Zone::Utc).expect("parses").terms
    }

    fn kinds(s: &str) -> Vec<TermKind> {
        q(s).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn normalised_fields() {
        assert_eq!(kinds("level:error"), [TermKind::Levels(1 << 5)]);
        assert_eq!(kinds("level:warn+"), [TermKind::Levels(1 << 4 | 1 << 5 | 1 << 6)]);
        assert_eq!(kinds("level:info,error"), [TermKind::Levels(1 << 3 | 1 << 5)]);
        assert_eq!(
            kinds("cat:Upload user:\"Ann Lee\""),
            [TermKind::Category("upload".into()), TermKind::User("ann lee".into())]
        );
        assert_eq!(kinds("is:unparsed"), [TermKind::Unparsed]);
    }

    #[test]
    fn times_absolute_and_relative() {
        assert_eq!(kinds("since:-2h"), [TermKind::Since(NOW - 7_200_000)]);
        assert_eq!(kinds("until:-1d"), [TermKind::Until(NOW - 86_400_000)]);
        let day = crate::ingest::time::days_from_civil(2026, 5, 17) * 86_400_000;
        assert_eq!(kinds("since:2026-05-17"), [TermKind::Since(day)]);
        assert_eq!(kinds("since:2026-05-17T08:00"), [TermKind::Since(day + 8 * 3_600_000)]);
    }

    #[test]
    fn raw_keys_and_tests() {
        assert_eq!(
            kinds("args.path:q3 bytes:>1000 exc_type: note:\"\""),
            [
                TermKind::Field(vec!["args".into(), "path".into()], FieldTest::Contains("q3".into())),
                TermKind::Field(vec!["bytes".into()], FieldTest::Compare(Cmp::Gt, 1000.0)),
                TermKind::Field(vec!["exc_type".into()], FieldTest::Present),
                TermKind::Field(vec!["note".into()], FieldTest::Contains(String::new())),
            ]
        );
    }

    #[test]
    fn words_negation_and_nucleo_syntax() {
        let t = q("-level:info weird 'exact ^pre suf$ !not \"two words\" -noise");
        assert!(t[0].negated && t[0].kind == TermKind::Levels(1 << 3));
        let words: Vec<_> = t[1..]
            .iter()
            .map(|t| match &t.kind {
                TermKind::Words { text, quoted } => (t.negated, text.as_str(), *quoted),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            words,
            [
                (false, "weird", false),
                (false, "'exact", false),
                (false, "^pre", false),
                (false, "suf$", false),
                (false, "!not", false),
                (false, "two words", true),
                (true, "noise", false)
            ]
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = Query::parse("cat:x level:warnx", NOW, Zone::Utc).unwrap_err();
        assert_eq!(e.at, 6);
        assert!(e.message.contains("unknown level \"warnx\""), "{}", e.message);
        assert!(Query::parse("since:yesterday", NOW, Zone::Utc).unwrap_err().message.contains("cannot read the time"));
        assert!(Query::parse("msg:\"open", NOW, Zone::Utc).unwrap_err().message.contains("unclosed quote"));
        assert!(Query::parse("is:nope", NOW, Zone::Utc).is_err());
        let e = Query::parse("bytes:>abc", NOW, Zone::Utc).unwrap_err();
        assert_eq!(e.at, 0);
        assert!(e.message.contains("\"abc\" is not one") && e.message.contains("bytes:\">abc\""), "{}", e.message);
        assert!(Query::parse("elapsed_ms:>=1e400", NOW, Zone::Utc).is_err(), "not a finite number");
        assert!(matches!(&kinds("note:\"<none>\"")[0], TermKind::Field(_, FieldTest::Contains(t)) if t == "<none>"));
    }

    #[test]
    fn urls_and_odd_words_are_words() {
        assert!(matches!(&kinds("http://x")[0], TermKind::Words { text, .. } if text == "http://x"));
        assert!(matches!(&kinds("'a:b")[0], TermKind::Words { .. }));
        assert!(matches!(&kinds("-")[0], TermKind::Words { text, .. } if text == "-"));
    }
}
