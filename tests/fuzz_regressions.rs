//! Inputs the fuzz targets in `fuzz/` found (see `scripts/fuzz.sh`), replayed through the
//! same entry points as plain tests, so a fixed bug stays fixed without nightly or
//! libFuzzer. Each test names the target and the crash file it came from.

use audit_tui::sanitize::escape_json_text;

/// `sanitize`, crash-86bfdce2: `escape_json_text` (the `--json` output) let DEL through
/// raw, though it promises to escape every character `sanitize` would.
#[test]
fn sanitize_escape_json_text_escapes_del() {
    let json = serde_json::to_string("evil\u{7f}name\u{7f}").expect("serializes");
    let escaped = escape_json_text(&json);
    assert!(!escaped.contains('\u{7f}'), "DEL reaches the output raw: {escaped:?}");
    assert_eq!(escaped, r#""evil\u007fname\u007f""#);
    let back: String = serde_json::from_str(&escaped).expect("still JSON");
    assert_eq!(back, "evil\u{7f}name\u{7f}");
}

/// `json_scan`, crash-a1fc365c and crash-84ca3711 (both stopped the target on its own
/// over-strict check, not on a scanner bug): a lone high surrogate escape in a value or
/// a key. serde_json refuses to decode it; the scanner reads the line, as its contract
/// says, and shows the surrogate as U+FFFD.
#[test]
fn json_scan_lone_surrogates_are_read_as_replacement_characters() {
    use audit_tui::json::scan::{Value, scan_object};
    let line = br#"{"k\uDBDEDDDD":"v\ud800x","n":1}"#;
    let mut members = Vec::new();
    scan_object(line, |k, v| members.push((k.text().into_owned(), v))).expect("the scanner reads the line");
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].0, "k\u{FFFD}DDDD");
    assert!(matches!(members[0].1, Value::Str(s) if s.text() == "v\u{FFFD}x"));
    assert!(serde_json::from_slice::<serde_json::Value>(line).is_err(), "serde_json is stricter here");
}

/// `sanitize`, a run stopped on the target's own hand-made list of safe characters:
/// U+FFFB (an interlinear annotation control) is escaped, as the module's table says,
/// and nothing around it is lost.
#[test]
fn sanitize_interlinear_annotation_controls_are_escaped_not_dropped() {
    use audit_tui::sanitize::{Mode, sanitize_bytes};
    let input = "a\u{FFF9}b\u{FFFB}\x7f\u{FEFF}c".as_bytes();
    assert_eq!(sanitize_bytes(input, Mode::Line), r"a<U+FFF9>b<U+FFFB>\x7f<U+FEFF>c");
}

/// `parse_lines`, crash-7ce7b4bd (the target's over-strict check): with the errors-only
/// pre-screen, a range whose first lines were skipped ends with an event for its last
/// timed line, out of line order, that only carries that time to the next range. The
/// full parse keeps one record per line, and the screened one loses no error.
#[test]
fn parse_lines_screened_range_carries_its_last_time_after_an_unparsed_line() {
    use audit_tui::ingest::parse::parse_range;
    use audit_tui::ingest::time::Zone;
    use audit_tui::ingest::time_other::DateOrder;
    let bytes = concat!(
        "{\"ts\":\"2026-05-17T10:00:00.000+00:00\",\"level\":\"info\",\"message\":\"valid\"}\n",
        "{\"ts\":\"2026-05-17T10:00:01.000+00:00\",\"level\":\"info\",\"message\":\"raw TAB: a\tb\"}\n",
        "{\"ts\":\"2026-05-17T10:00:02.000+00:00\",\"level\":\"errorel\":\"info\",\"message\":\"valid\"}\n",
    )
    .as_bytes();
    let spec = |only_errors| lines_spec(bytes, true, only_errors, DateOrder::MonthFirst);
    let full = parse_range(&spec(false), Zone::Utc);
    assert_eq!(full.events.len(), 3);
    assert_eq!(full.unparsed.len(), 1, "the spliced third line is unparsed");
    assert!(full.events.iter().all(|e| !e.level().is_error()));
    let screened = parse_range(&spec(true), Zone::Utc);
    let last = screened.events.last().expect("the time carrier");
    assert_eq!((last.offset(), last.time()), (full.events[1].offset(), full.events[1].time()));
}

/// `parse_lines`, crash-f70191d5 (the target's check, older than cut-line salvage): a line
/// cut by a crash whose level was written before the cut is an unparsed record that carries
/// the salvaged level. The errors-only pre-screen keeps it, as an unparsed record, with the
/// same level and time as the full parse.
#[test]
fn parse_lines_a_cut_error_line_survives_the_error_prescreen() {
    use audit_tui::ingest::parse::parse_range;
    use audit_tui::ingest::time::Zone;
    use audit_tui::ingest::time_other::DateOrder;
    let bytes = concat!(
        "{\"ts\":\"2026-05-17T10:00:00.000+00:00\",\"level\":\"info\",\"message\":\"complete\"}\n",
        "{\"ts\":\"2026-05-17T10:00:03.000+00:00\",\"level\":\"error\",\"message\":\"writer was kil",
    )
    .as_bytes();
    let spec = |only_errors| lines_spec(bytes, true, only_errors, DateOrder::Guess);
    let full = parse_range(&spec(false), Zone::Utc);
    let cut = full.events.iter().find(|e| e.level().is_error()).expect("the cut line, salvaged as an error");
    assert!(cut.is_unparsed(), "still counted as an unparsed line");
    let screened = parse_range(&spec(true), Zone::Utc);
    let kept = screened.events.iter().find(|s| s.offset() == cut.offset()).expect("kept by the pre-screen");
    assert!(kept.is_unparsed());
    assert_eq!((kept.level(), kept.time()), (cut.level(), cut.time()));
}

/// `parse_lines`, crash-17dedf43: log4j2's `thrown` object makes a line an error (its
/// message is the error's), but the errors-only pre-screen did not count `thrown` among
/// the words an error line must contain, so `export -q level:error` skipped such lines
/// (whole or cut) in any range where they were not the first line.
#[test]
fn parse_lines_a_log4j2_thrown_line_is_kept_by_the_error_prescreen() {
    use audit_tui::ingest::parse::parse_range;
    use audit_tui::ingest::time::Zone;
    use audit_tui::ingest::time_other::DateOrder;
    let info = "{\"ts\":\"2026-05-17T09:00:00Z\",\"level\":\"info\",\"message\":\"ok\"}\n";
    let thrown = concat!(
        "{\"timestamp\":\"2026-05-17T09:00:02Z\",\"message\":\"Could not read q3.csv\",",
        "\"thrown\":{\"message\":\"Malformed input at line 441\"}}"
    );
    for line in [thrown.to_string(), thrown[..thrown.len() - 1].to_string()] {
        let bytes = format!("{info}{info}{line}\n{info}");
        let spec = |only_errors| lines_spec(bytes.as_bytes(), true, only_errors, DateOrder::Guess);
        let full = parse_range(&spec(false), Zone::Utc);
        let error = full.events.iter().find(|e| e.level().is_error()).expect("the thrown line is an error");
        let screened = parse_range(&spec(true), Zone::Utc);
        assert!(
            screened.events.iter().any(|s| s.offset() == error.offset() && s.level() == error.level()),
            "dropped by the pre-screen: {line}"
        );
    }
}

/// `query`, crash-b054f81c (`msg:ab "ql"`): the byte pre-screen of `msg:` and field terms
/// looked for the needle in the raw line, but JSON can spell any letter as a `\u` escape
/// (`\u0041BC` is `ABC`), so `msg:ab` missed a message reading "café ABC" while `-msg:ab`
/// did not match it either: the event was in neither.
#[test]
fn query_a_unicode_escaped_letter_still_matches_msg_and_field_terms() {
    use audit_tui::ingest::build::{Detail, Options, Progress, build};
    use audit_tui::ingest::time::Zone;
    use audit_tui::query::eval::{Compiled, Evaluator};
    use audit_tui::query::parse::Query;
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("escaped.jsonl");
    std::fs::write(
        &log,
        "{\"ts\":\"2026-05-17T11:00:00Z\",\"level\":\"warn\",\"message\":\"caf\\u00e9 \\u0041BC\",\"args\":{\"path\":\"\\u0051\\u0033.csv\"}}\n",
    )
    .expect("write");
    let index = build(&[log], Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full }, &Progress::default());
    let e = index.event(0).expect("the event");
    let mut ev = Evaluator::new(&index.blobs, Zone::Utc);
    for (q, want) in [("msg:ab", true), ("-msg:ab", false), ("args.path:q3", true), ("-args.path:q3", false)] {
        let query = Query::parse(q, 0, Zone::Utc).expect("query");
        assert_eq!(ev.matches(&Compiled::compile(&query, &index), e), want, "{q}");
    }
}

/// `parse_lines`, crash-2deec424 and crash-4755501e: in a range of garbage and half lines,
/// a line opening with sixteen 0xFF bytes read differently in the full parse of its range
/// than alone or through the errors-only pre-screen. The time reader's "last minute read"
/// started as sixteen 0xFF bytes, so until a real minute was read such a line matched it
/// and took the time 1970-01-01 (`level=fatal` then went unread); after one, the line was
/// logfmt and fatal. `export -q level:error` could miss or misdate an error the explorer
/// showed.
#[test]
fn parse_lines_a_line_reads_the_same_in_the_full_parse_and_the_prescreen() {
    use audit_tui::ingest::parse::parse_range;
    use audit_tui::ingest::time::Zone;
    use audit_tui::ingest::time_other::DateOrder;
    let inputs: [&[u8]; 2] = [
        include_bytes!("fixtures/fuzz/parse_lines-crash-2deec424.bin"),
        include_bytes!("fixtures/fuzz/parse_lines-crash-4755501e.bin"),
    ];
    for data in inputs {
        // The harness's knob byte: zone, date order, whether the range starts the file.
        let (knob, bytes) = (data[0], &data[1..]);
        let zone = match knob >> 6 {
            0 | 1 => Zone::Utc,
            2 => Zone::parse("+05:30").expect("fixed offset"),
            _ => Zone::parse("America/New_York").expect("IANA zone"),
        };
        let order = [DateOrder::Guess, DateOrder::MonthFirst, DateOrder::DayFirst][usize::from(knob >> 4 & 3) % 3];
        let spec = |only_errors| lines_spec(bytes, knob & 8 == 0, only_errors, order);
        let full = parse_range(&spec(false), zone);
        let screened = parse_range(&spec(true), zone);
        for e in full.events.iter().filter(|e| e.level().is_error()) {
            let kept = screened.events.iter().find(|s| s.offset() == e.offset()).expect("kept");
            assert_eq!((kept.level(), kept.time()), (e.level(), e.time()), "at {}", e.offset());
        }
    }
}

/// `parse_lines`, crash-48758c5a: a line cut by a crash, `"level":"\x0c…\x0c0"`, is salvaged
/// with level 0 (syslog's emergency: fatal), since the reader trims the quoted value, form
/// feeds included; the errors-only pre-screen did not skip form feeds before the number,
/// took the value for a word, and dropped the line.
#[test]
fn parse_lines_a_level_number_after_form_feeds_is_kept_by_the_prescreen() {
    use audit_tui::ingest::parse::parse_range;
    use audit_tui::ingest::time::Zone;
    use audit_tui::ingest::time_other::DateOrder;
    let info = "{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"info\",\"message\":\"ok\"}\n";
    for line in [
        "{\"ts\":\"2026-05-17T10:00:01Z\",\"level\":\"\x0c\x0c0\",\"message\":\"cut\"",
        "{\"ts\":\"2026-05-17T10:00:01Z\",\"level\":\"\x0c\x0c0\",\"message\":\"x\"}",
    ] {
        let bytes = format!("{info}{info}{line}\n{info}");
        let spec = |only_errors| lines_spec(bytes.as_bytes(), true, only_errors, DateOrder::Guess);
        let full = parse_range(&spec(false), Zone::Utc);
        let screened = parse_range(&spec(true), Zone::Utc);
        let errors: Vec<_> = full.events.iter().filter(|e| e.level().is_error()).collect();
        assert_eq!(errors.len(), 1, "level 0 is an error: {line:?}");
        for e in errors {
            let kept = screened.events.iter().find(|s| s.offset() == e.offset());
            assert_eq!(kept.map(|s| s.level()), Some(e.level()), "{line:?}");
        }
    }
}

/// A range of plain lines at virtual offset 1000 of source 3, as the harness reads them.
fn lines_spec(
    bytes: &[u8],
    at_file_start: bool,
    only_errors: bool,
    date_order: audit_tui::ingest::time_other::DateOrder,
) -> audit_tui::ingest::parse::RangeSpec<'_> {
    use audit_tui::ingest::parse::{RangeSpec, Records};
    RangeSpec { source: 3, at_file_start, only_errors, date_order, ..RangeSpec::new(bytes, 1000, Records::Lines) }
}
