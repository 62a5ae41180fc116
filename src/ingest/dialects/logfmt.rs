//! logfmt lines (`time=2026-05-17T09:00:00Z level=error msg="db timeout" user=alice`), as
//! Go's logrus and go-kit, Heroku and many CLIs write them. The pairs go through the same
//! field table as JSON members, so `ts`/`lvl`/`msg`/`err`/`user` mean what they mean there.

use super::facts::{Facts, pairs_facts};
use crate::ingest::time::TimeReader;
use crate::json::scan::{RawStr, Value};

/// A logfmt line's key/value pairs in order, or `None` when the line is not logfmt: it
/// must open with `key=` and hold at least two pairs, with nothing between them but
/// spaces. Quoted values keep their backslash escapes, which are JSON's for what logfmt
/// writers emit (`\"`, `\\`, `\n`, `\t`, `\u00e9`).
pub fn pairs(line: &[u8]) -> Option<Vec<(&[u8], Value<'_>)>> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && matches!(line[i], b' ' | b'\t' | b'\r') {
            i += 1;
        }
        if i == n {
            break;
        }
        let key_start = i;
        while i < n && line[i] > b' ' && line[i] != b'=' && line[i] != b'"' {
            i += 1;
        }
        if i == key_start || line.get(i) != Some(&b'=') {
            return None;
        }
        let key = &line[key_start..i];
        i += 1;
        let value = if line.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            let mut has_escapes = false;
            loop {
                match line.get(j)? {
                    b'"' => break,
                    b'\\' => {
                        has_escapes = true;
                        j += 2;
                    }
                    _ => j += 1,
                }
            }
            i = j + 1;
            if i < n && !matches!(line[i], b' ' | b'\t' | b'\r') {
                return None;
            }
            Value::Str(RawStr::new(&line[start..j], has_escapes))
        } else {
            let start = i;
            while i < n && !matches!(line[i], b' ' | b'\t' | b'\r') {
                i += 1;
            }
            bare(&line[start..i])
        };
        out.push((key, value));
    }
    (out.len() >= 2).then_some(out)
}

/// An unquoted value: a number or boolean when it reads as one (so `ts=1779000000` is
/// an epoch), else text.
fn bare(v: &[u8]) -> Value<'_> {
    match v {
        b"true" => Value::True,
        b"false" => Value::False,
        _ if is_number(v) => Value::Num(v),
        _ => Value::Str(RawStr::plain(v)),
    }
}

fn is_number(v: &[u8]) -> bool {
    let digits = v.strip_prefix(b"-").unwrap_or(v);
    digits.first().is_some_and(u8::is_ascii_digit)
        && digits.iter().filter(|&&b| b == b'.').count() <= 1
        && digits.iter().all(|&b| b.is_ascii_digit() || b == b'.')
}

/// The facts of a logfmt line that says when or what: pairs without a time or a message
/// (`a=b c=d` in a text log) are not taken for an event.
pub fn facts<'a>(line: &'a [u8], times: &mut TimeReader) -> Option<Facts<'a>> {
    let pairs = pairs(line.trim_ascii())?;
    let f = pairs_facts(&pairs, times);
    (f.time.is_some() || f.message.is_some()).then_some(f)
}

/// The value of `key` on a logfmt line (for `field:value` queries).
pub fn get<'a>(line: &'a [u8], key: &str) -> Option<Value<'a>> {
    pairs(line.trim_ascii())?.into_iter().find(|(k, _)| *k == key.as_bytes()).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::time::Zone;
    use crate::model::Level;

    fn read(line: &str) -> Option<(Level, Option<i64>, String)> {
        let f = facts(line.as_bytes(), &mut TimeReader::new(Zone::Utc))?;
        Some((f.level, f.time, f.message.map(|m| m.text().into_owned()).unwrap_or_default()))
    }

    #[test]
    fn logrus_go_kit_and_heroku_lines() {
        let (level, time, msg) =
            read(r#"time="2026-05-17T09:00:01Z" level=error msg="db \"orders\" timeout" user=alice"#).unwrap();
        assert_eq!((level, msg.as_str()), (Level::Error, r#"db "orders" timeout"#));
        assert_eq!(time, Some(1_779_008_401_000));
        let (level, _, msg) = read("ts=2026-05-17T09:00:02.5Z lvl=warn caller=main.go:42 msg=slow").unwrap();
        assert_eq!((level, msg.as_str()), (Level::Warn, "slow"));
        let (_, time, _) = read("ts=1779008401 level=info msg=epoch").unwrap();
        assert_eq!(time, Some(1_779_008_401_000));
    }

    #[test]
    fn prose_and_broken_pairs_are_not_logfmt() {
        for line in [
            "hello world",
            "x=1",
            "a=b c=d",
            "note: a=b c=d",
            r#"msg="unterminated level=info"#,
            r#"msg="x"y level=info"#,
            "=1 level=info msg=x",
        ] {
            assert!(read(line).is_none(), "{line}");
        }
    }

    #[test]
    fn values_keep_their_kind() {
        let p = pairs(br#"n=-1.5 ok=true s="a b" e= v=1.2.3"#).unwrap();
        assert!(matches!(p[0].1, Value::Num(b"-1.5")));
        assert!(matches!(p[1].1, Value::True));
        assert!(matches!(p[2].1, Value::Str(RawStr { raw: b"a b", .. })));
        assert!(matches!(p[3].1, Value::Str(RawStr { raw: b"", .. })));
        assert!(matches!(p[4].1, Value::Str(RawStr { raw: b"1.2.3", .. })));
        assert!(matches!(get(b"a=1 b=two", "b"), Some(Value::Str(RawStr { raw: b"two", .. }))));
    }
}
