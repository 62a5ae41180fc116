//! The lenient JSON scanner (`json::scan`), differential against serde_json.
//!
//! Input: one line's bytes.
//!
//! The invariant, from the scanner's contract ("a validating scanner for one JSON object
//! per line ... deliberately a little more lenient than RFC 8259"):
//!
//! 1. Whatever serde_json accepts as one JSON object (JSON whitespace around it allowed),
//!    `scan_object` accepts too, and reports exactly serde_json's top-level members: the
//!    same count, in the same order, duplicates included. Each key decodes (`RawStr::text`)
//!    to serde_json's key; each value is the very slice of the line that serde_json's
//!    `RawValue` captures (for a string, the bytes between its quotes, which decode to
//!    serde_json's string); an `Object` value scans again to serde_json's members of it,
//!    down to serde_json's depth limit. `find_member` and `get_path` agree with it.
//! 2. Whatever serde_json accepts as any one JSON value, `is_json_value` accepts.
//! 3. The converse holds only up to the documented leniency: where the scanner accepts
//!    and serde_json does not, serde_json's complaint must be one the scanner means to
//!    forgive: a raw control character in a string, `NaN` / `Infinity` (and numbers with
//!    leading zeros, which the scanner does not police), lone surrogate escapes or invalid
//!    UTF-8 in a string (decoded to U+FFFD), nesting deeper than serde_json's 128 levels
//!    (the scanner allows 512). Never a truncated, spliced or mis-punctuated line: those
//!    must stay visible as unparsed.
//! 4. `scan_object` accepting a line means `is_json_value` accepts it too (same grammar),
//!    unless the nesting is within one level of the scanner's depth limit.

#![no_main]

use audit_tui::json::scan::{MAX_DEPTH, RawStr, Value, find_member, get_path, is_json_value, scan_object};
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

fuzz_target!(|line: &[u8]| {
    let scanned = members_of(line);
    let as_value = is_json_value(line);

    match serde_json::from_slice::<Members>(line) {
        Ok(want) => same_members(line, &want.0),
        Err(e) => {
            if scanned.is_ok() {
                assert_forgiven(line, &e, "scan_object");
            }
        }
    }
    match serde_json::from_slice::<IgnoredAny>(line) {
        Ok(_) => assert!(as_value, "serde_json accepts a value that is_json_value rejects: {:?}", show(line)),
        Err(e) => {
            if as_value {
                assert_forgiven(line, &e, "is_json_value");
            }
        }
    }
    if let Ok(got) = &scanned {
        let brackets = line.iter().filter(|&&b| b == b'[' || b == b'{').count();
        if brackets < MAX_DEPTH - 1 {
            assert!(as_value, "scan_object accepts an object that is_json_value rejects: {:?}", show(line));
        }
        check_lookups(line, got);
    }
    // Lookups on anything, valid or not, never panic.
    let _ = get_path(line, &["a", "b"]);
    let _ = get_path(line, &["log.level"]);
});

/// A JSON object's members in order, duplicates kept, values as written.
struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Members, D::Error> {
        struct Walk;
        impl<'de> Visitor<'de> for Walk {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value::<Box<RawValue>>()?));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(Walk)
    }
}

fn members_of(line: &[u8]) -> Result<Vec<(RawStr<'_>, Value<'_>)>, audit_tui::json::scan::ScanError> {
    let mut got = Vec::new();
    scan_object(line, |k, v| got.push((k, v)))?;
    Ok(got)
}

fn show(line: &[u8]) -> String {
    String::from_utf8_lossy(line).into_owned()
}

/// Invariant 1: the scanner sees serde_json's members, slice for slice.
fn same_members(line: &[u8], want: &[(String, Box<RawValue>)]) {
    let got = members_of(line)
        .unwrap_or_else(|e| panic!("serde_json accepts an object the scanner rejects ({e:?}): {:?}", show(line)));
    assert_eq!(got.len(), want.len(), "member count of {:?}", show(line));
    for ((key, value), (want_key, want_value)) in got.iter().zip(want) {
        assert_eq!(key.text(), want_key.as_str(), "key in {:?}", show(line));
        let raw = want_value.get().as_bytes();
        match *value {
            Value::Str(s) => {
                assert_eq!(raw, [b"\"", s.raw, b"\""].concat().as_slice(), "string slice in {:?}", show(line));
                // A lone surrogate escape passes serde_json's check of a raw value but not
                // its decoding; the scanner decodes it to U+FFFD.
                if let Ok(decoded) = serde_json::from_slice::<String>(raw) {
                    assert_eq!(s.text(), decoded, "string text in {:?}", show(line));
                }
                assert_eq!(s.has_escapes(), s.raw.contains(&b'\\'), "escape flag in {:?}", show(line));
            }
            Value::Num(n) => assert_eq!(n, raw, "number in {:?}", show(line)),
            Value::True => assert_eq!(raw, b"true"),
            Value::False => assert_eq!(raw, b"false"),
            Value::Null => assert_eq!(raw, b"null"),
            Value::Array(a) => assert_eq!(a, raw, "array slice in {:?}", show(line)),
            Value::Object(o) => {
                assert_eq!(o, raw, "object slice in {:?}", show(line));
                // Only where serde_json decodes it too (its keys may hold a lone surrogate).
                if let Ok(inner) = serde_json::from_slice::<Members>(raw) {
                    same_members(o, &inner.0);
                }
            }
        }
    }
}

/// Invariant 3: serde_json's complaint about a line the scanner accepts is a leniency
/// the scanner documents.
fn assert_forgiven(line: &[u8], e: &serde_json::Error, who: &str) {
    let text = e.to_string();
    let what = text.split(" at line ").next().unwrap_or(&text);
    let forgiven = [
        "control character (\\u0000-\\u001F) found while parsing a string",
        "invalid number",
        "number out of range",
        "lone leading surrogate in hex escape",
        "invalid unicode code point",
        "recursion limit exceeded",
    ];
    let python = (what == "expected value" || what == "invalid value: expected value")
        && (contains(line, b"NaN") || contains(line, b"Infinity"));
    // serde_json's word for a high surrogate escape that no low one follows.
    let lone_surrogate = what == "unexpected end of hex escape" && has_high_surrogate_escape(line);
    assert!(
        forgiven.contains(&what) || python || lone_surrogate,
        "{who} accepts what serde_json rejects for a reason the scanner does not forgive ({text}): {:?}",
        show(line)
    );
}

/// Whether the line has a `\uD800`..`\uDBFF` escape.
fn has_high_surrogate_escape(line: &[u8]) -> bool {
    line.windows(4).any(|w| {
        w[0] == b'\\'
            && w[1] == b'u'
            && matches!(w[2], b'd' | b'D')
            && matches!(w[3], b'8'..=b'9' | b'a'..=b'b' | b'A'..=b'B')
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// `find_member` and `get_path` find what `scan_object` reported.
fn check_lookups<'a>(line: &'a [u8], got: &[(RawStr<'a>, Value<'a>)]) {
    let first = find_member(line, |k, v| Some((k, v)));
    assert_eq!(first, got.first().copied(), "find_member's first member of {:?}", show(line));
    if let Some(&(last_key, last_value)) = got.last() {
        let mut seen = 0;
        let found = find_member(line, |_, v| {
            seen += 1;
            (seen == got.len()).then_some(v)
        });
        assert_eq!(found, Some(last_value), "find_member's last member of {:?}", show(line));
        let name = last_key.text();
        // A key found by its text is the first member with that text (when every key has
        // one: a key of invalid UTF-8 has none).
        if got.iter().all(|(k, _)| k.has_escapes() || std::str::from_utf8(k.raw).is_ok()) {
            let want = got.iter().find(|(k, _)| k.text() == name).map(|&(_, v)| v);
            assert_eq!(get_path(line, &[&name]), want, "get_path({name:?}) in {:?}", show(line));
        }
    }
}
