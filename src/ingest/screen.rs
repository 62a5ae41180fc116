//! Which lines of a range could be errors, decided from their bytes.
//!
//! `export -q level:error` needs the error lines of a gigabyte of logs, which are about
//! 2 % of them. A line can only read as an error or fatal event if its bytes say so in one
//! of the ways the readers derive a level: a level name (`error`, `ERR`, `Fatal`, `crit`,
//! `panic`, `severe`…), a status (`failed`, `crashed`, `exception`, `*_ERROR`),
//! `"success": false`, an error-message field (`error`, `err`, `exc_message`…), or a
//! numeric level (pino's 50 and 60, syslog's 0 to 3) after a level key. Each of those
//! leaves one of [`WORDS`] in the line, in any letter case, or a number (maybe quoted) of
//! at most 3 or above 40 (or one that does not read as a number) after one of
//! [`LEVEL_KEYS`], so pino's info lines are skipped; and
//! a backslash could spell any of them as an escape, so it counts too. Lines with none of
//! these are certainly not errors. A property test holds the readers to this.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::LazyLock;

/// Lower-case byte strings of which one appears in every line that reads as an error.
pub const WORDS: &[&str] = &[
    "err",
    "eror",
    "fatal",
    "crit",
    "fail",
    "false",
    "severe",
    "panic",
    "emerg",
    "alert",
    "crash",
    "exception",
    "exc_",
    // log4j2's JsonLayout: a `thrown` object's message is the error's (fields.rs).
    "thrown",
];

/// Ends of the keys whose number value is a level (`"level": 50`), lower-cased.
pub const LEVEL_KEYS: &[&str] = &[
    "level\"",
    "severity\"",
    "lvl\"",
    "@l\"",
    "levelname\"",
    "level_name\"",
    "severity_text\"",
    "severitytext\"",
    "priority\"",
];

// Leftmost-first: only then can the search use its SIMD (Teddy) prefilter; with the
// default semantics it ran the automaton over every byte, at a quarter of the speed of
// parsing the lines. Missing an overlapping match costs nothing: any reported word marks
// its line already, and a level key ends at its quote, which no word overlaps.
static PATTERNS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(WORDS.iter().chain(LEVEL_KEYS))
        .unwrap_or_else(|e| panic!("fixed patterns build: {e}"))
});

/// Offsets in `bytes` where something that can make a line an error starts, in order.
/// `folded` is scratch space (kept by the caller so that ranges reuse it).
pub fn error_marks(bytes: &[u8], folded: &mut Vec<u8>) -> Vec<usize> {
    folded.clear();
    folded.extend(bytes.iter().map(u8::to_ascii_lowercase));
    let mut marks = Vec::new();
    for m in PATTERNS.find_iter(folded.as_slice()) {
        if m.pattern().as_usize() < WORDS.len() || error_number_follows(folded, m.end()) {
            marks.push(m.start());
        }
    }
    // A backslash can spell any of them as an escape. (Searched apart: a one-byte pattern
    // would turn off the pattern search's SIMD prefilter.)
    let slashes: Vec<usize> = memchr::memchr_iter(b'\\', bytes).collect();
    if !slashes.is_empty() {
        marks.extend(slashes);
        marks.sort_unstable();
    }
    marks
}

/// Whether `: ` and a number that may be an error level follow at `at`: anything but a
/// number above 3 (syslog's error) and at most 40 (pino's info is 30), which the reader
/// would not call an error. The number may be quoted (journald writes `"PRIORITY":"3"`).
fn error_number_follows(s: &[u8], mut at: usize) -> bool {
    let skip_ws = |at: &mut usize| {
        // As the readers trim (`trim_ascii`): a form feed too.
        while s.get(*at).is_some_and(u8::is_ascii_whitespace) {
            *at += 1;
        }
    };
    skip_ws(&mut at);
    if s.get(at) != Some(&b':') {
        return false;
    }
    at += 1;
    skip_ws(&mut at);
    // A quoted level is read as a number only when it starts with a digit.
    let quoted = s.get(at) == Some(&b'"');
    at += usize::from(quoted);
    // A quoted level is trimmed before it is read (`"\x0c 0"` reads as 0).
    if quoted {
        skip_ws(&mut at);
    }
    if !s.get(at).is_some_and(|b| b.is_ascii_digit() || !quoted && matches!(b, b'-' | b'n' | b'i')) {
        return false;
    }
    // The longest run a number can be read from; when it does not read as one, or reads
    // as more than 40 (or NaN), the line may be an error. The reader's lexeme is a prefix
    // of this run, and reads the same whenever the whole run does.
    let run = s[at..].iter().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-')).count();
    let value = std::str::from_utf8(&s[at..at + run]).ok().and_then(|t| t.parse::<f64>().ok());
    !value.is_some_and(|v| v > 3.0 && v <= 40.0)
}

/// Whether a line must be read in full whatever its marks: a logfmt line (not JSON, has
/// a `=`) can state a numeric level (`level=50`) that the byte patterns, which expect
/// JSON's quoted keys, do not look for. Adding `level=` patterns instead slowed the
/// screen of every JSON line, to serve logfmt, which is rare in the logs this tool reads.
pub fn read_in_full(line: &[u8]) -> bool {
    line.trim_ascii_start().first() != Some(&b'{') && memchr::memchr(b'=', line).is_some()
}

/// Walks a range's lines in order and says whether each may be an error.
pub struct Marks {
    marks: Vec<usize>,
    next: usize,
}

impl Marks {
    pub fn new(marks: Vec<usize>) -> Marks {
        Marks { marks, next: 0 }
    }

    /// Whether a mark falls in `start..end`; calls must come in increasing line order.
    pub fn any_in(&mut self, start: usize, end: usize) -> bool {
        while self.marks.get(self.next).is_some_and(|&m| m < start) {
            self.next += 1;
        }
        self.marks.get(self.next).is_some_and(|&m| m < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::dialects::csv::CsvHeader;
    use crate::ingest::dialects::facts::json_facts;
    use crate::ingest::dialects::logfmt;
    use crate::ingest::dialects::text::text_facts;
    use crate::ingest::time::{TimeReader, Zone};
    use proptest::prelude::*;

    fn may_be_error(line: &str) -> bool {
        !error_marks(line.as_bytes(), &mut Vec::new()).is_empty()
    }

    #[test]
    fn error_lines_are_marked() {
        for line in [
            r#"{"level":"error","msg":"x"}"#,
            r#"{"levelname":"CRITICAL"}"#,
            r#"{"level":50,"msg":"x"}"#,
            r#"{"Level" : 60}"#,
            r#"{"log":{"level": 5e1}}"#,
            r#"{"status":"failed"}"#,
            r#"{"outcome":"Crashed"}"#,
            r#"{"success":false}"#,
            r#"{"exc_message":"boom"}"#,
            r#"{"level":"\u0065rror"}"#,
            r#"{"version":"1.1","short_message":"x","level":3}"#,
            r#"{"PRIORITY":"2","MESSAGE":"x"}"#,
            r#"{"level":"50"}"#,
            r#"{"_source":{"level": 0}}"#,
            "2026-05-17 09:00:00 ERR disk full",
            "2025-07-10 11:18:32,bob,Import,\"x\",USER_ERROR",
        ] {
            assert!(may_be_error(line), "{line}");
        }
    }

    #[test]
    fn numeric_levels_are_read_when_they_may_be_errors() {
        assert!(!may_be_error(r#"{"level":30,"time":1700000000000,"msg":"listening"}"#));
        assert!(!may_be_error(r#"{"level":40,"msg":"slow"}"#));
        assert!(!may_be_error(r#"{"level":6,"short_message":"started"}"#));
        assert!(!may_be_error(r#"{"PRIORITY":"4","MESSAGE":"x"}"#));
        for level in ["50", "60", "4e1.5", "5e1", "NaN", "Infinity", "41", "30x", "1e999"] {
            let line = format!(r#"{{"level":{level},"msg":"x"}}"#);
            assert!(may_be_error(&line), "{line}");
        }
    }

    #[test]
    fn logfmt_lines_are_read_in_full_and_json_lines_are_screened() {
        assert!(read_in_full(b"time=2026-05-17T09:00:00Z level=50 msg=x"));
        assert!(read_in_full(b"  ts=1 lvl=3"));
        assert!(!read_in_full(br#"{"msg":"a=b","level":30}"#));
        assert!(!read_in_full(b"2026-05-17 09:00:00 INFO started"));
    }

    #[test]
    fn ordinary_lines_are_not() {
        for line in [
            r#"{"ts": "2026-05-17T00:00:00.122+00:00", "level": "info", "category": "nav", "message": "Opened 3_Deduplicate"}"#,
            r#"{"level": "warn", "message": "Large file: 432 MB"}"#,
        ] {
            assert!(!may_be_error(line), "{line}");
        }
    }

    /// Pieces real lines are made of, error-making ones included, in any letter case.
    fn piece() -> impl Strategy<Value = String> {
        let words = prop_oneof![
            Just("level"),
            Just("severity"),
            Just("lvl"),
            Just("status"),
            Just("outcome"),
            Just("success"),
            Just("error"),
            Just("err"),
            Just("exc_message"),
            Just("message"),
            Just("msg"),
            Just("ts"),
            Just("time"),
            Just("info"),
            Just("warn"),
            Just("fatal"),
            Just("critical"),
            Just("crit"),
            Just("failed"),
            Just("fail"),
            Just("failure"),
            Just("crashed"),
            Just("exception"),
            Just("user_error"),
            Just("eror"),
            Just("severe"),
            Just("panic"),
            Just("dpanic"),
            Just("emerg"),
            Just("alert"),
            Just("ok"),
            Just("denied"),
            Just("debug"),
            Just("true"),
            Just("false"),
            Just("null"),
            Just("50"),
            Just("30"),
            Just("60"),
            Just("-1"),
            Just("5e1"),
            Just("NaN"),
            Just("Infinity"),
            Just("log"),
            Just("event"),
            Just("2026-05-17T09:00:00Z"),
            Just("priority"),
            Just("_level"),
            Just("_source"),
            Just("jsonpayload"),
            Just("short_message"),
            Just("@t"),
            Just("0"),
            Just("2.0"),
            Just("3"),
            Just("3.5"),
            Just("4"),
            Just("7"),
            Just("warn+2"),
            Just("error-4"),
        ];
        (words, any::<u8>()).prop_map(|(w, case)| {
            w.chars()
                .enumerate()
                .map(|(i, c)| if case >> (i % 8) & 1 == 1 { c.to_ascii_uppercase() } else { c })
                .collect()
        })
    }

    /// A JSON object from pieces: keys, string or bare values, sometimes nested.
    fn json_line() -> impl Strategy<Value = String> {
        proptest::collection::vec((piece(), piece(), piece(), 0u8..6), 0..6).prop_map(|members| {
            let body: Vec<String> = members
                .iter()
                .map(|(k, v, w, how)| match how {
                    0 => format!("\"{k}\": \"{v}\""),
                    1 => format!("\"{k}\":{v}"),
                    2 => format!("\"{k}\": {{\"{v}\": {v}}}"),
                    3 => format!("\"{k}\": {{\"{v}\": {w}, \"{w}\": \"{k}\"}}"),
                    4 => format!("\"{k}\": {{\"{v}\": {{\"{w}\": {w}}}}}"),
                    _ => format!("\"{k}\" : \"{v} {k}\""),
                })
                .collect();
            format!("{{{}}}", body.join(", "))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn unmarked_json_lines_never_read_as_errors(line in json_line()) {
            if let Ok(f) = json_facts(line.as_bytes(), &mut TimeReader::new(Zone::Utc)) {
                prop_assert!(!f.level.is_error() || may_be_error(&line), "{line} reads as {:?}", f.level);
            }
        }

        #[test]
        fn unmarked_text_and_csv_lines_never_read_as_errors(a in piece(), b in piece(), c in piece()) {
            let text = format!("2026-05-17 09:00:00 {a} {b} {c}");
            if let Some(f) = text_facts(text.as_bytes(), &mut TimeReader::new(Zone::Utc)) {
                prop_assert!(!f.level.is_error() || may_be_error(&text), "{text} reads as {:?}", f.level);
            }
            // Every line read as logfmt escapes the screen (its level may be a number).
            let pairs = format!("time=2026-05-17T09:00:00Z {a}={b} msg=\"{c}\" {c}={a}");
            if logfmt::facts(pairs.as_bytes(), &mut TimeReader::new(Zone::Utc)).is_some() {
                prop_assert!(read_in_full(pairs.as_bytes()), "{pairs} is screened");
            }
            let header = CsvHeader::parse(b"Timestamp,User,Script,Message,Status,Level").expect("a header");
            let row = format!("2025-07-10 11:18:32,{a},x,{b},{c},{a}");
            if let Ok(f) = header.facts(row.as_bytes(), &mut TimeReader::new(Zone::Utc)) {
                prop_assert!(!f.level.is_error() || may_be_error(&row), "{row} reads as {:?}", f.level);
            }
        }
    }
}
