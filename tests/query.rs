//! The query language end to end over a small built index: what a parse error says and
//! where, what each word syntax matches, that results stay in timeline order, and that
//! the parallel filter agrees with a sequential scan.

use audit_tui::ingest::build::{Detail, Options, Progress, build};
use audit_tui::ingest::time::Zone;
use audit_tui::model::Index;
use audit_tui::query::eval::filter_range;
use audit_tui::query::{Compiled, Query, Snapshot, filter_all};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::sync::OnceLock;

/// Fixed "now" for relative times: 2026-05-17T12:00:00Z.
const NOW: i64 = 1_779_019_200_000;

/// The corpus: (seconds after 10:00, extra JSON fields, message). Written to the file out
/// of time order, so timeline order is not file order.
const CORPUS: &[(u32, &str, &str)] = &[
    (30, r#""level":"info","session":"s1","user":"ann","category":"upload","bytes":24813"#, "Uploaded weird.csv"),
    (
        31,
        r#""level":"error","session":"s1","category":"error""#,
        "analyze(weird.csv): EmptyDataError: No columns to parse from file",
    ),
    (5, r#""level":"info","session":"s1","category":"nav""#, "Opened Home"),
    (40, r#""level":"info","session":"s2","user":"bob","category":"upload","bytes":3"#, "Uploaded orders.csv"),
    (0, r#""level":"info","session":"s1","category":"session""#, "Session started"),
    (50, r#""level":"warning","session":"s2","category":"analyze""#, "Weirdly quiet night"),
    (55, r#""level":"info","session":"s2","category":"nav""#, "we irradiated dots"),
    (60, r#""level":"info","session":"s2","category":"tool_run","args":{"path":"reports/q3.md"}"#, "Dedupe run"),
    (70, r#""level":"info","session":"s2","category":"export""#, "Report sent to two words elsewhere"),
    (80, r#""level":"info","session":"s2","category":"export""#, "Export finished: report.csv"),
    (90, r#""level":"info","session":"s2","category":"nav""#, "words about two"),
];

struct Fixture {
    _dir: tempfile::TempDir,
    index: Index,
}

/// The corpus file, plus an unparsed line after `Opened Home`.
fn small() -> &'static Fixture {
    static SMALL: OnceLock<Fixture> = OnceLock::new();
    SMALL.get_or_init(|| {
        let mut body = String::new();
        for &(sec, fields, message) in CORPUS {
            body.push_str(&format!(
                "{{\"ts\":\"2026-05-17T10:{:02}:{:02}Z\",{fields},\"message\":\"{message}\"}}\n",
                sec / 60,
                sec % 60
            ));
            if message == "Opened Home" {
                body.push_str("garbage: not json, weird bytes\n");
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.jsonl");
        std::fs::write(&path, body).unwrap();
        let index =
            build(&[path], Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full }, &Progress::default());
        assert_eq!(index.len(), CORPUS.len() + 1);
        Fixture { _dir: dir, index }
    })
}

fn parse(text: &str) -> Result<Query, audit_tui::query::QueryError> {
    Query::parse(text, NOW, Zone::Utc)
}

fn ids(index: &Index, text: &str) -> Vec<u32> {
    let q = parse(text).unwrap_or_else(|e| panic!("{text:?} parses: {e}"));
    filter_all(&Compiled::compile(&q, index), &Snapshot::of(index))
}

/// Messages of the matching events, in the order the filter returns them (the raw line
/// for unparsed lines).
fn matching(text: &str) -> Vec<String> {
    let index = &small().index;
    let ids = ids(index, text);
    assert!(ids.is_sorted(), "{text:?}: ids in timeline order");
    let mut times = audit_tui::ingest::time::TimeReader::new(Zone::Utc);
    ids.iter().map(|&i| index.message_of(index.event(i as usize).unwrap(), &mut times)).collect()
}

/// Every message, in timeline order.
fn timeline() -> Vec<String> {
    matching("")
}

/// The timeline without the messages of `drop`.
fn all_but(drop: &[&str]) -> Vec<String> {
    timeline().into_iter().filter(|m| !drop.contains(&m.as_str())).collect()
}

// ---------------------------------------------------------------------------
// Parse errors

fn error(text: &str) -> (usize, String) {
    let e = parse(text).expect_err(text);
    (e.at, e.message)
}

#[test]
fn unknown_level_is_reported_at_its_term() {
    let (at, message) = error("cat:x level:nope");
    assert_eq!(at, 6);
    assert!(message.contains("unknown level \"nope\""), "{message}");
    assert!(message.contains("warn+"), "says what is accepted: {message}");
    let (at, message) = error("level:info,loud+");
    assert_eq!(at, 0);
    assert!(message.contains("unknown level \"loud\""), "{message}");
}

#[test]
fn bad_time_is_reported_at_its_term() {
    let (at, message) = error("level:info since:yesterday");
    assert_eq!(at, 11);
    assert!(message.contains("cannot read the time \"yesterday\""), "{message}");
    assert!(message.contains("2026-05-17T08:00"), "shows the accepted shapes: {message}");
    let (at, message) = error("until:-3y");
    assert_eq!(at, 0);
    assert!(message.contains("unknown time unit \"y\""), "{message}");
}

#[test]
fn unclosed_quote_is_reported_at_the_quote() {
    let (at, message) = error("level:error msg:\"open file");
    assert_eq!(at, 16);
    assert!(message.contains("unclosed quote"), "{message}");
    let (at, _) = error("\"two words");
    assert_eq!(at, 0);
}

#[test]
fn unknown_is_value_names_the_known_ones() {
    let (at, message) = error("weird is:nope");
    assert_eq!(at, 6);
    assert!(message.contains("is:nope is not known"), "{message}");
    assert!(message.contains("is:unparsed"), "{message}");
}

#[test]
fn relative_times_count_back_from_now() {
    let q = parse("since:-2h").unwrap();
    let one_hour_later = parse("since:-1h").unwrap();
    assert_ne!(q, one_hour_later);
    // 12:00 minus 2 h is 10:00; the corpus starts at 10:00:00.
    assert_eq!(matching("since:-2h"), timeline());
    assert_eq!(matching("since:-1h"), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Words: nucleo's syntax over the message

#[test]
fn a_fuzzy_word_matches_scattered_letters_in_any_case() {
    assert_eq!(
        matching("weird"),
        [
            "garbage: not json, weird bytes",
            "Uploaded weird.csv",
            "analyze(weird.csv): EmptyDataError: No columns to parse from file",
            "Weirdly quiet night",
            "we irradiated dots"
        ]
    );
}

#[test]
fn a_quote_mark_asks_for_an_exact_substring() {
    assert_eq!(
        matching("'weird"),
        [
            "garbage: not json, weird bytes",
            "Uploaded weird.csv",
            "analyze(weird.csv): EmptyDataError: No columns to parse from file",
            "Weirdly quiet night"
        ]
    );
}

#[test]
fn a_caret_asks_for_a_prefix() {
    assert_eq!(matching("^upload"), ["Uploaded weird.csv", "Uploaded orders.csv"]);
    assert_eq!(matching("^weird"), ["Weirdly quiet night"]);
    // An upper-case letter makes the word case-sensitive (smart case).
    assert_eq!(matching("^UPLOAD"), Vec::<String>::new());
}

#[test]
fn a_dollar_asks_for_a_suffix() {
    assert_eq!(matching("csv$"), ["Uploaded weird.csv", "Uploaded orders.csv", "Export finished: report.csv"]);
}

#[test]
fn a_bang_excludes_lines_containing_the_word() {
    assert_eq!(
        matching("!weird"),
        all_but(&[
            "garbage: not json, weird bytes",
            "Uploaded weird.csv",
            "analyze(weird.csv): EmptyDataError: No columns to parse from file",
            "Weirdly quiet night"
        ])
    );
}

#[test]
fn a_minus_negates_the_fuzzy_word() {
    assert_eq!(
        matching("-weird"),
        all_but(&[
            "garbage: not json, weird bytes",
            "Uploaded weird.csv",
            "analyze(weird.csv): EmptyDataError: No columns to parse from file",
            "Weirdly quiet night",
            "we irradiated dots"
        ])
    );
}

#[test]
fn a_quoted_phrase_matches_as_written() {
    assert_eq!(matching("\"two words\""), ["Report sent to two words elsewhere"]);
    // Unquoted, the two words are two fuzzy terms that may come in any order.
    assert_eq!(matching("two words"), ["Report sent to two words elsewhere", "words about two"]);
}

#[test]
fn words_combine_with_fields() {
    assert_eq!(matching("weird level:error"), ["analyze(weird.csv): EmptyDataError: No columns to parse from file"]);
    assert_eq!(matching("weird user:bob"), ["Weirdly quiet night", "we irradiated dots"]);
    assert_eq!(matching("args.path:q3"), ["Dedupe run"]);
    assert_eq!(matching("bytes:>100 cat:upload"), ["Uploaded weird.csv"]);
    assert_eq!(matching("is:unparsed"), ["garbage: not json, weird bytes"]);
}

#[test]
fn results_stay_in_timeline_order() {
    let index = &small().index;
    let all = ids(index, "");
    assert_eq!(all, (0..index.len() as u32).collect::<Vec<_>>());
    let times: Vec<i64> = all.iter().map(|&i| index.event(i as usize).unwrap().time()).collect();
    assert!(times.is_sorted());
    assert_eq!(
        timeline()[..4],
        ["Session started", "Opened Home", "garbage: not json, weird bytes", "Uploaded weird.csv"]
    );
}

// ---------------------------------------------------------------------------
// Parallel and sequential evaluation agree

/// The corpus repeated past one 64 Ki-event filter block, with varied fields.
fn big() -> &'static Fixture {
    static BIG: OnceLock<Fixture> = OnceLock::new();
    BIG.get_or_init(|| {
        let levels = ["info", "info", "debug", "warning", "error"];
        let users = ["ann", "bob", "cy"];
        let mut body = String::with_capacity(12 << 20);
        for i in 0..70_000u32 {
            if i % 997 == 0 {
                body.push_str("Traceback (most recent call last): weird\n");
            }
            let (_, _, message) = CORPUS[i as usize % CORPUS.len()];
            let who = if i % 5 == 0 {
                format!("\"session\":\"s{}\"", i / 4000)
            } else {
                format!("\"user\":\"{}\"", users[i as usize % 3])
            };
            body.push_str(&format!(
                "{{\"ts\":\"2026-05-17T{:02}:{:02}:{:02}Z\",\"level\":\"{}\",{who},\"category\":\"c{}\",\"bytes\":{},\"message\":\"{message}\"}}\n",
                i / 3600 % 24,
                i / 60 % 60,
                i % 60,
                levels[i as usize % levels.len()],
                i % 7,
                i % 2000,
            ));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jsonl");
        std::fs::write(&path, body).unwrap();
        let index = build(&[path], Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full }, &Progress::default());
        assert!(index.len() > 1 << 16);
        Fixture { _dir: dir, index }
    })
}

fn term() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "level:error",
        "level:warn+",
        "-level:info",
        "cat:c3",
        "session:s1",
        "user:ann",
        "-user:bob",
        "msg:weird",
        "msg:\"two words\"",
        "bytes:>1500",
        "bytes:<=10",
        "is:unparsed",
        "weird",
        "'exact",
        "'weird",
        "^upload",
        "csv$",
        "!weird",
        "-weird",
        "\"two words\"",
        "since:2026-05-17T10:30",
        "until:2026-05-17T05:00",
        "file:big",
    ])
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Fixed seed: deterministic, and no regression files written into the tree.
        rng_seed: RngSeed::Fixed(0x0_9E4E_5EED),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn parallel_filter_equals_a_sequential_scan(terms in prop::collection::vec(term(), 1..4), cut in 0usize..70_000) {
        let index = &big().index;
        let text = terms.join(" ");
        let q = Compiled::compile(&parse(&text).unwrap(), index);
        let snap = Snapshot::of(index);
        let all = filter_all(&q, &snap);
        let sequential = filter_range(&q, &snap, 0..index.len());
        prop_assert_eq!(&all, &sequential, "{}", text);
        let mut halves = filter_range(&q, &snap, 0..cut);
        halves.extend(filter_range(&q, &snap, cut..index.len()));
        prop_assert_eq!(&all, &halves, "{} cut at {}", text, cut);
    }

}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn terms_combine_with_and_and_minus_is_the_complement(a in term(), b in term()) {
        let index = &small().index;
        let both = ids(index, &format!("{a} {b}"));
        let only_b = ids(index, b);
        let and: Vec<u32> = ids(index, a).into_iter().filter(|i| only_b.contains(i)).collect();
        prop_assert_eq!(both, and, "{} {}", a, b);
        // `-x` is the complement of `x` (and `x` of `-x`: a second minus is not a double negation).
        let (positive, negated) = match a.strip_prefix('-') {
            Some(p) => (ids(index, p), ids(index, a)),
            None => (ids(index, a), ids(index, &format!("-{a}"))),
        };
        let complement: Vec<u32> = (0..index.len() as u32).filter(|i| !positive.contains(i)).collect();
        prop_assert_eq!(negated, complement, "-{}", a);
    }
}

// ---------------------------------------------------------------------------
// Fuzzy words read the message in place: the same events as nucleo on the message

/// What a row's message was before the filter read plain messages in place: the first
/// top-level `message`/`msg` string found by walking the line, when plain, not blank and
/// UTF-8; else the message composed from the line's facts; else the line itself.
fn walked_message(index: &Index, id: u32, times: &mut audit_tui::ingest::time::TimeReader) -> String {
    use audit_tui::json::scan::{Value, find_member};
    let e = index.event(id as usize).unwrap();
    let raw = audit_tui::model::store::readable(index.raw_line(e));
    if !e.is_unparsed() && raw.first() == Some(&b'{') {
        let found = find_member(raw, |k, v| match v {
            Value::Str(s) if k.raw == b"message" || k.raw == b"msg" => Some(s),
            _ => None,
        });
        if let Some(s) = found.filter(|s| !s.has_escapes() && !s.raw.trim_ascii().is_empty())
            && let Ok(text) = std::str::from_utf8(s.raw)
        {
            return text.to_string();
        }
    }
    match index.facts_of(e, times) {
        Some((f, _)) => audit_tui::ingest::dialects::facts::display_message(&f),
        None => String::from_utf8_lossy(raw).into_owned(),
    }
}

/// nucleo alone on a message: smart case, accents folded, at least
/// `MIN_SCORE_PER_CHAR` a char.
fn nucleo_matches(needle: &str, message: &str) -> bool {
    use nucleo::pattern::{Atom, AtomKind, CaseMatching, Normalization};
    let atom = Atom::new(needle, CaseMatching::Smart, Normalization::Smart, AtomKind::Fuzzy, false);
    let chars: Vec<char> = message.chars().collect();
    let hay = if message.is_ascii() {
        nucleo::Utf32Str::Ascii(message.as_bytes())
    } else {
        nucleo::Utf32Str::Unicode(&chars)
    };
    let min = needle.chars().count() as u16 * audit_tui::query::word::MIN_SCORE_PER_CHAR;
    atom.score(hay, &mut nucleo::Matcher::new(nucleo::Config::DEFAULT)).is_some_and(|s| s >= min)
}

/// A message as JSON writes it: escapes where needed, and sometimes for letters too.
fn json_text(text: &str, spell: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            'é' | 'a' | 'D' if spell => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Log lines whose messages take every road: plain, escaped, under `msg`, nested, behind
/// a backslash, after NULs or a byte-order mark, composed from fields, not JSON at all.
fn fuzzy_line() -> impl Strategy<Value = String> {
    let text = prop::string::string_regex("[a-zA-Z _.:()émptyDATAÉÜüß日\"\\\\\n]{0,30}").unwrap();
    let shape = 0u8..12;
    (text, any::<bool>(), shape, 0u32..3600).prop_map(|(t, spell, shape, sec)| {
        let ts = format!("\"ts\":\"2026-05-17T10:{:02}:{:02}Z\"", sec / 60, sec % 60);
        let m = json_text(&t, spell);
        match shape {
            0..=4 => {
                format!("{{{ts}, \"level\": \"info\", \"session\": \"s1\", \"message\": \"{m}\", \"page\": \"Home\"}}")
            }
            5 => format!("{{{ts},\"msg\":\"{m}\",\"message\":\"other\"}}"),
            6 => format!("{{{ts},\"ctx\":{{\"message\":\"nested\"}},\"message\":\"{m}\"}}"),
            7 => format!("{{{ts},\"cwd\":\"C:\\\\Users\",\"message\":\"{m}\"}}"),
            8 => format!("\u{0}\u{0}{{{ts},\"message\":\"{m}\"}}"),
            9 => format!("\u{feff}{{{ts},\"message\":\"{m}\"}}\r"),
            10 => format!("{{{ts},\"tool\":\"read_file\",\"status\":\"{m}\"}}"),
            _ => format!("2026-05-17 10:00:00 INFO {t}").replace('\n', " "),
        }
    })
}

fn fuzzy_needle() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::string::string_regex("[a-zA-Z][a-zA-Zé_.]{0,5}").unwrap(),
        prop::string::string_regex("[emptydaEMPTYDAu][emptydaEMPTYDAuéÉ_.]{0,5}").unwrap(),
    ]
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn fuzzy_words_match_the_events_nucleo_matches(
        lines in prop::collection::vec(fuzzy_line(), 1..40),
        needles in prop::collection::vec(fuzzy_needle(), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzzy.jsonl");
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let index = build(&[path], Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full }, &Progress::default());
        let mut times = audit_tui::ingest::time::TimeReader::new(Zone::Utc);
        let messages: Vec<String> = (0..index.len() as u32).map(|i| walked_message(&index, i, &mut times)).collect();
        for needle in &needles {
            let want: Vec<u32> = (0..index.len() as u32).filter(|&i| nucleo_matches(needle, &messages[i as usize])).collect();
            prop_assert_eq!(ids(&index, needle), want, "{}", needle);
        }
    }
}

#[test]
fn fuzzy_words_find_accents_escapes_and_case_in_real_lines() {
    let lines = [
        r#"{"ts":"2026-05-17T10:00:01Z","level":"info","session":"s1","category":"upload","message":"Uploaded Übersicht Q2.csv"}"#,
        r#"{"ts":"2026-05-17T10:00:02Z","level":"info","session":"s1","category":"upload","message":"Uploaded \u00dcbersicht Q3.csv"}"#,
        r#"{"ts":"2026-05-17T10:00:03Z","level":"error","session":"s1","category":"error","message":"analyze(weird.csv): EmptyDataError: No columns to parse"}"#,
        r#"{"ts":"2026-05-17T10:00:04Z","level":"info","session":"s1","category":"nav","message":"Opened 3_Deduplicate"}"#,
        r#"{"ts":"2026-05-17T10:00:05Z","level":"info","session":"s1","category":"session","message":"Session started","cwd":"C:\\Users\\Renée\\Données clients"}"#,
        r#"{"ts":"2026-05-17T10:00:06Z","level":"info","session":"s1","category":"nav","message":"Opened\nEmpty data page"}"#,
        r#"{"ts":"2026-05-17T10:00:07Z","level":"info","session":"s1","category":"tool_run","msg":"Données vidées","message":"ignored: msg comes first"}"#,
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("datatools-2026-05-17.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let index =
        build(&[path], Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full }, &Progress::default());
    assert_eq!(index.len(), lines.len());
    assert_eq!(ids(&index, "ubersicht"), [0, 1], "accents fold, escaped or not");
    assert_eq!(ids(&index, "emptydata"), [2, 5], "across a line break escape");
    assert_eq!(ids(&index, "EmptyData"), [2], "a capital makes the word case-sensitive");
    assert_eq!(ids(&index, "donnees"), [6], "the first of msg and message, not the cwd");
    assert_eq!(ids(&index, "deduplicate"), [3]);
    assert_eq!(ids(&index, "zzz"), Vec::<u32>::new());
}

// ---------------------------------------------------------------------------
// Regressions

/// tests/fixtures/datatools, indexed as the CLI reads it.
fn datatools() -> &'static Index {
    static DATATOOLS: OnceLock<Index> = OnceLock::new();
    DATATOOLS.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datatools");
        build(&[path], Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full }, &Progress::default())
    })
}

/// The `message` field exactly as the line has it.
fn logged_message(index: &Index, id: u32) -> String {
    let raw = index.raw_line(index.event(id as usize).unwrap());
    let v: serde_json::Value = serde_json::from_slice(raw.strip_suffix(b"\r").unwrap_or(raw)).unwrap();
    v["message"].as_str().unwrap().to_string()
}

#[test]
fn literal_words_with_capitals_match_the_datatools_lines() {
    let index = datatools();
    let all = ids(index, "");
    assert_eq!(all.len(), 27);
    /// A query, which logged messages it must match, and how many the fixture has.
    type Case = (&'static str, fn(&str) -> bool, usize);
    let cases: [Case; 5] = [
        ("^Upload", |m| m.starts_with("Upload"), 5),
        ("^upload", |m| m.to_lowercase().starts_with("upload"), 5),
        ("Home$", |m| m.ends_with("Home"), 3),
        ("'Q2.csv", |m| m.contains("Q2.csv"), 3),
        ("'q2.CSV", |_| false, 0),
    ];
    for (query, pred, count) in cases {
        let want: Vec<String> = all.iter().map(|&i| logged_message(index, i)).filter(|m| pred(m)).collect();
        assert_eq!(want.len(), count, "the fixture has {count} lines for {query}");
        let got: Vec<String> = ids(index, query).iter().map(|&i| logged_message(index, i)).collect();
        assert_eq!(got, want, "{query}");
    }
    let q2: Vec<String> = ids(index, "'Q2.csv").iter().map(|&i| logged_message(index, i)).collect();
    assert_eq!(q2[0], "Uploaded \u{dc}bersicht Q2.csv", "a match at the very end of non-ASCII text");
}
