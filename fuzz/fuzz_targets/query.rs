//! The query language (`query::parse`), and evaluating what it reads over a small index
//! of several dialects (`query::eval`).
//!
//! Input: the query text, as typed into the filter box (invalid UTF-8 is replaced, as a
//! terminal would).
//!
//! Invariants (beyond "never panics"):
//! - A query that cannot be read says where: its offset is inside the text, on a char
//!   boundary.
//! - A query's matches are the events every one of its terms matches (terms are ANDed).
//! - A negated term matches exactly the events the term does not: this catches a
//!   pre-screen that skips a line the full test would match.
//! - `is:unparsed` matches exactly the unparsed lines; a `level:` term exactly the events
//!   of its levels; a query that claims `only_errors` matches only errors.
//! - Highlighting returns char positions inside the text it highlights.

#![no_main]

use audit_tui::ingest::build::{Detail, Opened, Options, Progress, index_opened};
use audit_tui::ingest::inputs::sources::{Data, Format, Input, Origin};
use audit_tui::ingest::time::Zone;
use audit_tui::model::Index;
use audit_tui::query::eval::{Compiled, Evaluator, highlight};
use audit_tui::query::parse::{Query, Term, TermKind};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock};

/// 2026-05-18T00:00:00Z, the day after the fixtures' last event.
const NOW: i64 = 1_779_062_400_000;

/// Lines whose text differs from their bytes (JSON escapes, nesting, composed messages,
/// numbers), where a pre-screen on the raw bytes could disagree with the full test.
const TRICKY: &[u8] = br#"{"ts":"2026-05-17T11:00:00Z","level":"warn","message":"caf\u00e9 \u0041BC / a\/b \"q\"","args":{"path":"C:\\Users\\Q3","n":12.5}}
{"ts":"2026-05-17T11:00:01Z","level":"error","tool":"upload","operation":"put","status":"failed","elapsed_ms":1500,"session":"s-9"}
{"ts":"2026-05-17T11:00:02Z","lvl":"ERROR","msg":"KELVIN \u212a and \u0130stanbul","log.level":"x","user":"Ann Lee"}
{"ts":"2026-05-17T11:00:03Z","level":"fatal","message":"","error":{"type":"MemoryError","message":"out of memory"}}
not json, no time
{"ts":"2026-05-17T11:00:0
"#;

/// Few events keep a run cheap: every term is evaluated three times over all of them.
const LINES_PER_SOURCE: usize = 8;

fn first_lines(bytes: &[u8], n: usize) -> &[u8] {
    let end = bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').nth(n - 1).map_or(bytes.len(), |(k, _)| k + 1);
    &bytes[..end]
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let sources: [(&str, Format, &[u8]); 6] = [
            (
                "datatools.jsonl",
                Format::Lines,
                include_bytes!("../../tests/fixtures/datatools/datatools-2026-05-17.jsonl"),
            ),
            ("escapes.jsonl", Format::Lines, include_bytes!("../../tests/fixtures/quirks/escapes.jsonl")),
            ("garbage.jsonl", Format::Lines, include_bytes!("../../tests/fixtures/quirks/garbage-mixed.jsonl")),
            ("text.log", Format::Lines, include_bytes!("../../tests/fixtures/quirks/text.log")),
            ("audit_log.csv", Format::Csv, include_bytes!("../../tests/fixtures/repricing/audit_log.csv")),
            ("tricky.jsonl", Format::Lines, TRICKY),
        ];
        let opened = sources
            .into_iter()
            .map(|(name, format, bytes)| Opened {
                input: Input { name: name.into(), origin: Origin::Stdin, format },
                data: Arc::new(Data::Heap(first_lines(bytes, LINES_PER_SOURCE).to_vec())),
                warning: None,
                prefix: false,
            })
            .collect();
        let opts = Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full };
        index_opened(opened, Vec::new(), Vec::new(), opts, &Progress::default())
    })
}

thread_local! {
    /// One evaluator for all runs: each new one builds a nucleo matcher, which would cost
    /// more than the whole evaluation over this small index.
    static EVALUATOR: RefCell<Evaluator<'static>> = RefCell::new(Evaluator::new(&index().blobs, Zone::Utc));
}

/// The ids of the events `query` matches, as `filter_range` walks them.
fn matching(query: &Query) -> Vec<u32> {
    let index = index();
    let compiled = Compiled::compile(query, index);
    EVALUATOR.with_borrow_mut(|ev| {
        let mut out = Vec::new();
        index.store.for_each(0..index.len(), |i, e| {
            if ev.matches(&compiled, e) {
                out.push(i as u32);
            }
        });
        out
    })
}

fn one(term: &Term, negated: bool) -> Query {
    Query { terms: vec![Term { negated, kind: term.kind.clone() }] }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let query = match Query::parse(&text, NOW, Zone::Utc) {
        Ok(q) => q,
        Err(e) => {
            assert!(e.at <= text.len() && text.is_char_boundary(e.at), "error offset {} in {text:?}", e.at);
            return;
        }
    };
    let _ = (query.needs_sessions(), query.needs_line(), query.is_empty());
    let index = index();
    let all = matching(&query);
    assert!(all.windows(2).all(|w| w[0] < w[1]), "matches in timeline order");
    assert!(all.iter().all(|&i| (i as usize) < index.len()));
    if query.only_errors() {
        for &i in &all {
            let e = index.event(i as usize).expect("event");
            assert!(e.level().is_error(), "{text:?} claims only errors but matched {:?}", e.level());
        }
    }
    if query.terms.len() <= 4 {
        let mut and: Option<Vec<u32>> = None;
        for term in &query.terms {
            let hits = matching(&one(term, term.negated));
            let misses = matching(&one(term, !term.negated));
            let mut both: Vec<u32> = hits.iter().chain(&misses).copied().collect();
            both.sort_unstable();
            let expected: Vec<u32> = (0..index.len() as u32).collect();
            assert_eq!(both, expected, "{:?} and its negation split the events", term.kind);
            check_term_meaning(term, &hits, index);
            and = Some(match and {
                None => hits,
                Some(prev) => prev.into_iter().filter(|i| hits.binary_search(i).is_ok()).collect(),
            });
        }
        assert_eq!(all, and.unwrap_or_else(|| (0..index.len() as u32).collect()), "terms are ANDed in {text:?}");
    }
    check_highlight(&query, &text);
});

/// Terms decided from the event record alone match exactly what they say.
fn check_term_meaning(term: &Term, hits: &[u32], index: &Index) {
    if term.negated {
        return;
    }
    let wanted = |keep: &dyn Fn(audit_tui::model::Event) -> bool| -> Vec<u32> {
        (0..index.len()).filter(|&i| index.event(i).is_some_and(keep)).map(|i| i as u32).collect()
    };
    let expected = match term.kind {
        TermKind::Unparsed => wanted(&|e| e.is_unparsed()),
        TermKind::Levels(mask) => wanted(&|e| mask >> e.level() as u8 & 1 == 1),
        _ => return,
    };
    assert_eq!(hits, expected.as_slice(), "{:?}", term.kind);
}

fn check_highlight(query: &Query, text: &str) {
    static MATCHER: OnceLock<Mutex<nucleo::Matcher>> = OnceLock::new();
    let matcher = MATCHER.get_or_init(|| Mutex::new(nucleo::Matcher::new(nucleo::Config::DEFAULT)));
    let Ok(mut matcher) = matcher.lock() else { return };
    let mut chars = Vec::new();
    for haystack in ["Upload failed: EmptyDataError in sheet \"Q3\" (café)", text] {
        let n = haystack.chars().count();
        for at in highlight(query, haystack, &mut matcher, &mut chars) {
            assert!((at as usize) < n, "highlight at {at} of {n} chars");
        }
    }
}
