//! Ingest at the library level: every non-blank line becomes exactly one record whatever
//! the bytes, cutting a file into ranges changes nothing, the merged timeline is sorted
//! and stable, and line numbers stay right past the first 4 MiB range.

use audit_tui::ingest::build::{Detail, Options, Progress, build, document_ranges, split_ranges};
use audit_tui::ingest::document;
use audit_tui::ingest::inputs::sources::{Data, Format, Origin};
use audit_tui::ingest::parse::{RangeSpec, Records, parse_range};
use audit_tui::ingest::time::Zone;
use audit_tui::model::index::SourceInfo;
use audit_tui::model::store::{Blob, EventStore};
use audit_tui::model::{Index, flag};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const OPTS: Options = Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full };

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Fixed seed: deterministic, and no regression files written into the tree.
        rng_seed: RngSeed::Fixed(0x1D6E_5717),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Inputs: lines a mailed log may hold, good and bad

fn json_line() -> impl Strategy<Value = Vec<u8>> {
    let ts = prop_oneof![
        (0u32..4, 0u32..60, 0u32..60).prop_map(|(h, m, s)| format!("\"ts\":\"2026-05-17T1{h}:{m:02}:{s:02}Z\",")),
        Just(String::new()),
    ];
    let level = prop::sample::select(vec!["", "\"level\":\"info\",", "\"level\":\"error\",", "\"level\":\"warning\","]);
    let who = prop::sample::select(vec![
        "",
        "\"session\":\"s1\",",
        "\"session\":\"s2\",",
        "\"user\":\"ann\",",
        "\"user\":\"bob\",",
        "\"hostname\":\"h\",\"pid\":7,",
    ]);
    let msg = prop::sample::select(vec!["boom", "EmptyDataError: x", "ok", "caf\u{e9}"]);
    (ts, level, who, msg, any::<bool>()).prop_map(|(ts, level, who, msg, cut)| {
        let line = format!("{{{ts}{level}{who}\"message\":\"{msg}\"}}");
        let mut bytes = line.into_bytes();
        if cut {
            bytes.truncate(bytes.len() / 2);
        }
        bytes
    })
}

fn any_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => json_line(),
        2 => prop::collection::vec(any::<u8>(), 0..24),
        1 => prop::sample::select(vec![&b""[..], b" ", b"\t", b"\r", b" \x0c\t\r", b"\x0b"]).prop_map(<[u8]>::to_vec),
        1 => (1usize..6).prop_map(|n| vec![0u8; n]),
        1 => Just(b"2026-05-17 10:00:00,123 ERROR text line".to_vec()),
        1 => Just(b"Traceback (most recent call last):".to_vec()),
        1 => Just(b"42".to_vec()),
    ]
}

/// Lines joined with `\n` or `\r\n`, maybe a BOM first, maybe no final newline.
fn log_bytes() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec((any_line(), any::<bool>()), 0..40), any::<bool>(), any::<bool>()).prop_map(
        |(lines, bom, final_newline)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xef\xbb\xbf");
            }
            let n = lines.len();
            for (i, (line, crlf)) in lines.into_iter().enumerate() {
                out.extend_from_slice(&line);
                if i + 1 < n || final_newline {
                    out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
            }
            out
        },
    )
}

/// Reference splitter: offsets of the non-blank lines of a file. A line is blank when
/// every byte is ASCII whitespace; a BOM at the very start is not part of the first line.
fn non_blank_line_starts(bytes: &[u8]) -> Vec<usize> {
    non_blank_line_starts_in(bytes, true)
}

/// The same for a range that may start in the middle of a file, where a BOM is data.
fn non_blank_line_starts_in(bytes: &[u8], at_file_start: bool) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut at = 0;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let content = if i == 0 && at_file_start { line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line) } else { line };
        if !content.iter().all(u8::is_ascii_whitespace) {
            starts.push(at);
        }
        at += line.len() + 1;
    }
    starts
}

fn spec(bytes: &[u8], base: u64, at_file_start: bool) -> RangeSpec<'_> {
    RangeSpec { at_file_start, ..RangeSpec::new(bytes, base, Records::Lines) }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn every_non_blank_line_is_one_record(bytes in log_bytes(), base in 0u64..1_000_000, at_file_start: bool) {
        let chunk = parse_range(&spec(&bytes, base, at_file_start), Zone::Utc);
        let starts = non_blank_line_starts_in(&bytes, at_file_start);
        let offsets: Vec<u64> = chunk.events.iter().map(|e| e.offset()).collect();
        let want: Vec<u64> = starts.iter().map(|&s| base + s as u64).collect();
        prop_assert_eq!(offsets, want, "one record per non-blank line, at its first byte");
        prop_assert!(chunk.unparsed.len() <= chunk.events.len());
        prop_assert_eq!(chunk.unparsed.len(), chunk.events.iter().filter(|e| e.is_unparsed()).count());
        prop_assert_eq!(chunk.newlines as usize, bytes.iter().filter(|&&b| b == b'\n').count());
        for u in &chunk.unparsed {
            prop_assert!(chunk.events.iter().any(|e| e.offset() == u.offset && e.is_unparsed()));
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let chunk = parse_range(&spec(&bytes, 0, true), Zone::Utc);
        prop_assert_eq!(chunk.events.len(), non_blank_line_starts(&bytes).len());
        prop_assert!(chunk.unparsed.len() <= chunk.events.len());
    }
}

// ---------------------------------------------------------------------------
// Ranges: cutting a file anywhere at line boundaries gives the same index

/// Builds the index of one file the way `build` does, but over the ranges `split_ranges`
/// makes for `target`: parse each range on its own, absorb them in file order, sort, assign.
fn build_in_ranges(name: &str, data: &[u8], target: usize) -> Index {
    build_in_ranges_reading(name, data, target, false)
}

/// [`build_in_ranges`], reading only the lines that can be errors when `only_errors`.
fn build_in_ranges_reading(name: &str, data: &[u8], target: usize, only_errors: bool) -> Index {
    build_over_ranges(name, data, &split_ranges(data, target), 0, only_errors)
}

/// [`build_in_ranges`] for a file that starts with a JSON document, cut into ranges of
/// records about `target` bytes long.
fn build_document_in_ranges(name: &str, data: &[u8], target: usize) -> Index {
    let doc = document::sniff(data, target).expect("a JSON document");
    build_over_ranges(name, data, &document_ranges(&doc, data, target), doc.end, false)
}

fn build_over_ranges(
    name: &str,
    data: &[u8],
    ranges: &[(usize, usize)],
    document_end: usize,
    only_errors: bool,
) -> Index {
    let mut index = Index::new(OPTS.zone, OPTS.gap_minutes);
    let source = index.add_source(SourceInfo::new(name.into(), Origin::File(PathBuf::from(name)), Format::Lines));
    index.sources[source as usize].bytes = data.len() as u64;
    let chunks: Vec<_> = ranges
        .iter()
        .map(|&(a, b)| {
            let records = if a < document_end { Records::Document } else { Records::Lines };
            let s = RangeSpec { source, only_errors, records, ..spec(&data[a..b], a as u64, a == 0) };
            parse_range(&s, OPTS.zone)
        })
        .collect();
    let mut checkpoints = Vec::new();
    let mut line = 1;
    for (&(start, _), chunk) in ranges.iter().zip(&chunks) {
        checkpoints.push((start, line));
        line += chunk.newlines;
    }
    index.blobs.push(Blob {
        base: 0,
        data: Arc::new(Data::Heap(data.to_vec())),
        start: 0,
        end: data.len(),
        source,
        file_offset: 0,
        first_line: 1,
        csv: None,
        whole_record: false,
        document_end,
        checkpoints,
    });
    let absorbed = index.absorb(chunks);
    let mut events = absorbed.events;
    events.sort_by_key(|e| e.order_key());
    index.assign(&mut events, 0, &absorbed.fingerprints);
    index.store = EventStore::from_sorted(events);
    index
}

/// What a reader of the index sees of each event, in timeline order.
fn timeline_view(index: &Index) -> Vec<(u64, i64, String, bool, String)> {
    (0..index.len())
        .map(|i| {
            let e = index.event(i).unwrap();
            let session = index.session(e.session()).map_or_else(String::new, |s| s.id.clone());
            (e.offset(), e.time(), e.level().name().to_string(), e.is_unparsed(), session)
        })
        .collect()
}

fn build_file(dir: &Path, name: &str, data: &[u8]) -> Index {
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    build(&[path], OPTS, &Progress::default())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn split_ranges_cover_the_bytes_and_end_on_line_breaks(bytes in log_bytes(), target in 1usize..200) {
        let ranges = split_ranges(&bytes, target);
        prop_assert_eq!(ranges.first().map(|r| r.0), Some(0));
        prop_assert_eq!(ranges.last().map(|r| r.1), Some(bytes.len()));
        for w in ranges.windows(2) {
            prop_assert_eq!(w[0].1, w[1].0, "contiguous");
        }
        for &(a, b) in &ranges[..ranges.len() - 1] {
            prop_assert!(b > a && bytes[b - 1] == b'\n', "a range ends just after a line break");
        }
    }

    #[test]
    fn ranges_at_any_line_boundaries_index_like_one_range(bytes in log_bytes(), target in 1usize..200) {
        let dir = tempfile::tempdir().unwrap();
        let whole = build_file(dir.path(), "x.jsonl", &bytes);
        let cut = build_in_ranges("x.jsonl", &bytes, target);
        prop_assert_eq!(whole.len(), non_blank_line_starts(&bytes).len());
        prop_assert_eq!(cut.len(), whole.len());
        prop_assert_eq!(cut.unparsed_count(), whole.unparsed_count());
        prop_assert_eq!(cut.sessions.len(), whole.sessions.len());
        prop_assert_eq!(cut.error_count(), whole.error_count());
        prop_assert_eq!(cut.groups.len(), whole.groups.len());
        prop_assert_eq!(timeline_view(&cut), timeline_view(&whole));
        let lines = |i: &Index| i.unparsed.iter().map(|u| (u.offset, u.line)).collect::<Vec<_>>();
        prop_assert_eq!(lines(&cut), lines(&whole), "unparsed lines keep their line numbers");
        for i in 0..whole.len() {
            let (c, w) = (cut.event(i).unwrap(), whole.event(i).unwrap());
            prop_assert_eq!(cut.location(c), whole.location(w));
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// `export -q level:error` reads only the lines whose bytes can make an error, yet
    /// finds the same error lines, with the same times, in the same order.
    #[test]
    fn reading_only_possible_errors_finds_the_same_errors_in_the_same_order(
        bytes in log_bytes(),
        target in prop_oneof![1usize..200, Just(1 << 20)],
    ) {
        let errors = |index: &Index| -> Vec<(u64, i64)> {
            (0..index.len())
                .filter_map(|i| index.event(i))
                .filter(|e| e.level().is_error())
                .map(|e| (e.offset(), e.time()))
                .collect()
        };
        let full = build_in_ranges("x.jsonl", &bytes, target);
        let screened = build_in_ranges_reading("x.jsonl", &bytes, target, true);
        prop_assert_eq!(errors(&screened), errors(&full));
    }
}

/// An untimed error line at the end of a range takes the first time after it, even when
/// the screen would skip the line that has it (the next range's first line).
#[test]
fn reading_only_possible_errors_reads_until_the_first_time_of_a_range() {
    let bytes = concat!(
        "Traceback (most recent call last):\n",
        "Traceback (most recent call last):\r\n",
        "Traceback (most recent call last):\n",
        "\0\0\0\0\0\0\0\0\0\0\0\0\r\n",
        "{\"level\":\"error\",\"session\":\"s1\",\"message\":\"boom\"}\n",
        "{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"info\",\"message\":\"ok\"}\n",
        "2026-05-17 10:00:00,123 ERROR text line",
    )
    .as_bytes();
    let errors = |index: &Index| -> Vec<(u64, i64)> {
        (0..index.len())
            .filter_map(|i| index.event(i))
            .filter(|e| e.level().is_error())
            .map(|e| (e.offset(), e.time()))
            .collect()
    };
    let full = build_in_ranges("x.jsonl", bytes, 120);
    let screened = build_in_ranges_reading("x.jsonl", bytes, 120, true);
    assert_eq!(errors(&full)[0].1, 1_779_012_000_000);
    assert_eq!(errors(&screened), errors(&full));
}

// ---------------------------------------------------------------------------
// The merged timeline

/// The label each event's line carries (`"message"` of JSON lines, the raw text of others).
fn labels(index: &Index) -> Vec<String> {
    (0..index.len())
        .map(|i| {
            let raw = index.raw_line(index.event(i).unwrap());
            match serde_json::from_slice::<serde_json::Value>(raw) {
                Ok(v) => v["message"].as_str().unwrap_or("?").to_string(),
                Err(_) => String::from_utf8_lossy(raw).into_owned(),
            }
        })
        .collect()
}

#[test]
fn merged_timeline_is_sorted_and_stable() {
    let dir = tempfile::tempdir().unwrap();
    let ev = |sec: u32, msg: &str| {
        format!("{{\"ts\":\"2026-05-17T10:00:{sec:02}Z\",\"level\":\"info\",\"message\":\"{msg}\"}}\n")
    };
    let a = [ev(1, "a1"), "garbage after a1\n".into(), ev(3, "a2"), ev(3, "a3"), ev(2, "a4 out of order"), ev(5, "a5")];
    let b = [
        "leading garbage in b\n".into(),
        ev(0, "b1"),
        ev(3, "b2"),
        "garbage after b2\n".into(),
        ev(3, "b3"),
        ev(5, "b4"),
    ];
    std::fs::write(dir.path().join("a.jsonl"), a.concat()).unwrap();
    std::fs::write(dir.path().join("b.jsonl"), b.concat()).unwrap();
    let index = build(&[dir.path().to_path_buf()], OPTS, &Progress::default());
    let got = labels(&index);
    assert_eq!(
        got,
        [
            // b's leading garbage takes the first time after it, and stays before it.
            "leading garbage in b",
            "b1",
            "a1",
            "garbage after a1",
            "a4 out of order",
            // Equal times: file order, then line order.
            "a2",
            "a3",
            "b2",
            "garbage after b2",
            "b3",
            "a5",
            "b4",
        ]
    );
    let times: Vec<i64> = (0..index.len()).map(|i| index.event(i).unwrap().time()).collect();
    assert!(times.is_sorted());
    assert_eq!(index.unparsed_count(), 3);
}

proptest! {
    #![proptest_config(config(64))]

    /// Over random files: sorted by time; equal times keep file then line order; every
    /// unparsed line without a time of its own (a cut line may have salvaged one) sits
    /// right after the line before it in its file.
    #[test]
    fn merged_timeline_orders_random_files(files in prop::collection::vec(log_bytes(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        for (i, f) in files.iter().enumerate() {
            std::fs::write(dir.path().join(format!("{i}.jsonl")), f).unwrap();
        }
        let index = build(&[dir.path().to_path_buf()], OPTS, &Progress::default());
        let events: Vec<_> = (0..index.len()).map(|i| index.event(i).unwrap()).collect();
        let total: usize = files.iter().map(|f| non_blank_line_starts(f).len()).sum();
        prop_assert_eq!(events.len(), total);
        for w in events.windows(2) {
            prop_assert!(w[0].order_key() < w[1].order_key(), "sorted by time, then by file and line");
        }
        for (k, e) in events.iter().enumerate() {
            if !e.is_unparsed() || e.has(flag::OWN_TIME) || k == 0 {
                continue;
            }
            let blob = index.blob_of(*e).unwrap();
            let at = (e.offset() - blob.base) as usize;
            let before_in_file = non_blank_line_starts(blob.bytes()).into_iter().take_while(|&s| s < at).last();
            if let Some(prev) = before_in_file {
                prop_assert_eq!(events[k - 1].offset(), blob.base + prev as u64);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Line numbers past the first range

#[test]
fn locations_have_real_line_numbers_in_a_file_bigger_than_one_range() {
    let mut data = Vec::with_capacity(11 << 20);
    let mut line = 0u64;
    let mut garbage_lines = Vec::new();
    while data.len() < 10 << 20 {
        line += 1;
        let row = match line % 1000 {
            0 => "\r".to_string(),
            500 => {
                garbage_lines.push(line);
                format!("not json, line {line}")
            }
            _ => format!(
                "{{\"ts\":\"2026-05-17T10:{:02}:{:02}.{:03}Z\",\"level\":\"info\",\"session\":\"s\",\"message\":\"row\",\"n\":{line}}}",
                line / 60_000 % 60,
                line / 1000 % 60,
                line % 1000
            ),
        };
        data.extend_from_slice(row.as_bytes());
        data.extend_from_slice(if line.is_multiple_of(3) { b"\r\n" } else { b"\n" });
    }
    let ranges = split_ranges(&data, 4 << 20);
    assert!(ranges.len() >= 3, "the file spans several ranges");

    let dir = tempfile::tempdir().unwrap();
    let index = build_file(dir.path(), "big.jsonl", &data);
    let blank = line / 1000;
    assert_eq!(index.len() as u64, line - blank);
    assert_eq!(index.unparsed_count(), garbage_lines.len() as u64);

    // The line each event says it is on, read from its own bytes.
    let n_of = |raw: &[u8]| -> Option<u64> {
        let text = std::str::from_utf8(raw).unwrap();
        match text.split_once("\"n\":") {
            Some((_, n)) => n.trim_end_matches(['}', '\r']).parse().ok(),
            None => text.strip_prefix("not json, line ").and_then(|n| n.trim_end_matches('\r').parse().ok()),
        }
    };
    // Lines around every range boundary, and a sample everywhere else.
    let near_boundary = |offset: u64| ranges.iter().any(|&(a, _)| (offset as i64 - a as i64).abs() < 400);
    let mut checked = 0;
    for i in 0..index.len() {
        let e = index.event(i).unwrap();
        let n = n_of(index.raw_line(e)).expect("every line says its number");
        if n % 97 == 0 || near_boundary(e.offset()) || e.is_unparsed() {
            assert_eq!(index.location(e), format!("big.jsonl:{n}"));
            checked += 1;
        }
    }
    assert!(checked > 1000);
    let unparsed_lines: Vec<u64> = index.unparsed.iter().map(|u| u.line).collect();
    assert_eq!(unparsed_lines, garbage_lines);
}

#[test]
fn a_session_learns_its_user_from_a_later_follow_batch() {
    let dir = tempfile::tempdir().unwrap();
    let first = br#"{"ts":"2026-05-17T05:30:00Z","level":"info","session":"s1","category":"nav","message":"a"}
"#;
    let mut index = build_file(dir.path(), "datatools-2026-05-17.jsonl", first);
    let later = br#"{"ts":"2026-05-17T05:31:00Z","level":"info","session":"s1","category":"session","message":"b","user":"Ann","platform":"Windows 11"}
"#
    .to_vec();
    let chunk = parse_range(&spec(&later, 0, false), Zone::Utc);
    let path = dir.path().join("datatools-2026-05-17.jsonl");
    let piece = audit_tui::ingest::inputs::watch::Piece {
        name: "datatools-2026-05-17.jsonl".into(),
        path,
        format: Format::Lines,
        csv: None,
        bytes: later,
        file_offset: first.len() as u64,
        first_line: 2,
        chunk,
    };
    let added = index.append_live(piece);
    assert_eq!(added.len(), 1);
    let sessions: Vec<_> = index.listed_sessions().map(|(_, s)| s).collect();
    assert_eq!(sessions.len(), 1, "both lines belong to s1");
    assert_eq!((sessions[0].id.as_str(), sessions[0].events), ("s1", 2));
    assert_eq!((sessions[0].user.as_str(), sessions[0].platform.as_str()), ("Ann", "Windows 11"));
}

// ---------------------------------------------------------------------------
// JSON documents: arrays and pretty-printed objects

/// An event object as an app's JSON export would hold it.
fn event_object() -> impl Strategy<Value = serde_json::Value> {
    json_line().prop_filter_map("complete objects", |line| serde_json::from_slice(&line).ok())
}

/// Objects laid out as one array (pretty, compact, or one element per line) or as
/// pretty-printed objects one after another.
fn document_of(objects: &[serde_json::Value], layout: u8) -> Vec<u8> {
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap();
    let compact = |v: &serde_json::Value| serde_json::to_string(v).unwrap();
    let text = match layout % 4 {
        0 => format!("{}\n", serde_json::to_string_pretty(objects).unwrap()),
        1 => format!("{}\n", serde_json::to_string(objects).unwrap()),
        2 => format!("[\n{}\n]\n", objects.iter().map(compact).collect::<Vec<_>>().join(",\n")),
        _ => objects.iter().map(|o| pretty(o) + "\n").collect(),
    };
    text.into_bytes()
}

/// Every event's record, by file position.
fn records_in_file_order(index: &Index) -> Vec<(u64, Vec<u8>, bool)> {
    let mut out: Vec<_> = (0..index.len())
        .map(|i| {
            let e = index.event(i).unwrap();
            (e.offset(), index.raw_line(e).to_vec(), e.is_unparsed())
        })
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(config(128))]

    /// Each object of a document is one event wherever the ranges are cut, and its record
    /// on one line (as JSON-lines export writes it) is the object.
    #[test]
    fn every_object_of_a_document_is_one_event(
        objects in prop::collection::vec(event_object(), 1..12),
        layout: u8,
        target in 1usize..400,
    ) {
        // Lone pretty-printed `{}`s are not sniffed as a document (the first line is `{}`).
        prop_assume!(layout % 4 != 3 || objects[0].as_object().is_some_and(|o| !o.is_empty()));
        let data = document_of(&objects, layout);
        let whole = build_document_in_ranges("doc.json", &data, usize::MAX);
        let cut = build_document_in_ranges("doc.json", &data, target);
        prop_assert_eq!(timeline_view(&cut), timeline_view(&whole));
        let records = records_in_file_order(&cut);
        prop_assert_eq!(records.len(), objects.len());
        for ((_, raw, unparsed), object) in records.iter().zip(&objects) {
            prop_assert!(!unparsed);
            let on_one_line = document::one_line(raw);
            prop_assert!(!on_one_line.contains(&b'\n'));
            prop_assert_eq!(&serde_json::from_slice::<serde_json::Value>(&on_one_line).unwrap(), object);
        }
        for (offset, _, _) in &records {
            let e = (0..cut.len()).map(|i| cut.event(i).unwrap()).find(|e| e.offset() == *offset).unwrap();
            let line = 1 + data[..*offset as usize].iter().filter(|&&b| b == b'\n').count();
            prop_assert_eq!(cut.location(e), format!("doc.json:{line}"));
        }
    }

    /// A document cut anywhere, with damaged records: nothing is lost. Every byte that is
    /// not whitespace or array syntax belongs to the record of an event or unparsed line.
    #[test]
    fn a_damaged_document_loses_no_byte(
        lines in prop::collection::vec(prop_oneof![3 => json_line(), 1 => any_line()], 1..12),
        pretty: bool,
        cut_at in any::<prop::sample::Index>(),
    ) {
        let mut data = b"[\n".to_vec();
        for (i, line) in lines.iter().enumerate() {
            let record = match serde_json::from_slice::<serde_json::Value>(line) {
                Ok(v) if pretty => serde_json::to_vec_pretty(&v).unwrap(),
                _ => line.clone(),
            };
            data.extend_from_slice(b"  ");
            data.extend_from_slice(&record);
            data.extend_from_slice(if i + 1 < lines.len() { b",\n" } else { b"\n]\n" });
        }
        data.truncate(cut_at.index(data.len() + 1));
        let dir = tempfile::tempdir().unwrap();
        let index = build_file(dir.path(), "doc.json", &data);
        let mut covered = vec![false; data.len()];
        let blob = index.blobs.get(0);
        for (offset, raw, _) in records_in_file_order(&index) {
            let at = (offset - blob.map_or(0, |b| b.base)) as usize;
            prop_assert_eq!(&data[at..at + raw.len()], &raw[..]);
            covered[at..at + raw.len()].fill(true);
        }
        let document_end = blob.map_or(0, |b| b.document_end);
        for (i, &b) in data.iter().enumerate() {
            let syntax = i < document_end && matches!(b, b'[' | b']' | b',');
            prop_assert!(covered[i] || b.is_ascii_whitespace() || syntax, "byte {} ({:?}) of {:?} is lost", i, b as char, String::from_utf8_lossy(&data));
        }
    }
}
