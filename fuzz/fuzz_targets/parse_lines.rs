//! The line parser and dialect mapper, on untrusted bytes.
//!
//! Input: one knob byte, then a log's bytes. The knob picks the time zone, the date
//! order, whether the range starts the file, the format the index builder reads the
//! bytes as (lines, CSV, Markdown record) and how much of the index it builds (full,
//! timeline only, errors only).
//!
//! Invariants (beyond "never panics"):
//! - `parse_range` on lines: every non-blank line is exactly one record, an event or a
//!   counted unparsed line (the ground rule "nothing is lost"); offsets are the lines'
//!   starts, in order; `newlines` counts every `\n`; ids point into the range's tables.
//! - The error pre-screen (`only_errors`) keeps every error and fatal event of the full
//!   parse, at the same offset, with the same time.
//! - `index_opened` (the whole pipeline the CLI and the explorer use) keeps one event per
//!   non-blank line of a line log that is not a JSON document, one record for a Markdown
//!   execution log (unless it only reads errors), stores events in time order, and every stored event can be shown
//!   (raw line, location, message) without a panic.

#![no_main]

use audit_tui::ingest::build::{Detail, Opened, Options, Progress, index_opened};
use audit_tui::ingest::document;
use audit_tui::ingest::parse::{Chunk, RangeSpec, Records, parse_range};
use audit_tui::ingest::inputs::sources::{Data, Format, Input, Origin};
use audit_tui::ingest::time::{TimeReader, Zone};
use audit_tui::ingest::time_other::DateOrder;
use audit_tui::model::flag;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

const BASE: u64 = 1000;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, bytes)) = data.split_first() else { return };
    let zone = zone_of(knob >> 6);
    let date_order = [DateOrder::Guess, DateOrder::MonthFirst, DateOrder::DayFirst][usize::from(knob >> 4 & 3) % 3];
    let at_file_start = knob & 8 == 0;
    check_lines(bytes, zone, date_order, at_file_start);
    let detail = match knob >> 4 & 3 {
        0 | 1 => Detail::Full,
        2 => Detail::Timeline,
        _ => Detail::Errors,
    };
    // The whole pipeline costs a few thread spawns per run: a quarter of the knobs is
    // enough to cover it, and keeps the parser itself fast to fuzz.
    if knob & 0x0c == 0x0c {
        check_index(bytes, zone, knob & 3, detail);
    }
});

fn zone_of(k: u8) -> Zone {
    match k {
        0 | 1 => Zone::Utc,
        2 => Zone::parse("+05:30").expect("fixed offset"),
        _ => Zone::parse("America/New_York").expect("IANA zone"),
    }
}

/// The lines of `bytes` that are not blank, with where each starts.
fn non_blank_lines(bytes: &[u8], at_file_start: bool) -> Vec<usize> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr_nl(bytes, pos);
        let mut line = &bytes[pos..end];
        if pos == 0 && at_file_start {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            out.push(pos);
        }
        pos = end + 1;
    }
    out
}

fn memchr_nl(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |k| from + k)
}

fn lines_spec(bytes: &[u8], at_file_start: bool, only_errors: bool, date_order: DateOrder) -> RangeSpec<'_> {
    RangeSpec { source: 3, at_file_start, only_errors, date_order, ..RangeSpec::new(bytes, BASE, Records::Lines) }
}

fn check_lines(bytes: &[u8], zone: Zone, date_order: DateOrder, at_file_start: bool) {
    let full = parse_range(&lines_spec(bytes, at_file_start, false, date_order), zone);
    let starts = non_blank_lines(bytes, at_file_start);
    let offsets: Vec<u64> = full.events.iter().map(|e| e.offset()).collect();
    let expected: Vec<u64> = starts.iter().map(|&s| BASE + s as u64).collect();
    assert_eq!(offsets, expected, "one record per non-blank line, at its start");
    assert_eq!(full.newlines, bytes.iter().filter(|&&b| b == b'\n').count() as u64);
    check_chunk_tables(&full, true);
    let unparsed_events: Vec<u64> = full.events.iter().filter(|e| e.is_unparsed()).map(|e| e.offset()).collect();
    let unparsed: Vec<u64> = full.unparsed.iter().map(|u| u.offset).collect();
    assert_eq!(unparsed_events, unparsed, "each unparsed line is listed once, in order");
    let errors = full.events.iter().filter(|e| e.level().is_error()).count();
    assert_eq!(full.errors.len(), errors, "every error event is fingerprinted");
    let parsed = full.events.len() - full.unparsed.len();
    assert_eq!(full.dialects.iter().sum::<u64>(), parsed as u64, "each event counts one dialect");

    // The error pre-screen may skip any line, but never an error, nor change its time.
    let screened = parse_range(&lines_spec(bytes, at_file_start, true, date_order), zone);
    // A screened range that skipped lines ends with an event for its last timed line, out
    // of line order, that only carries that time to the next range.
    check_chunk_tables(&screened, false);
    for e in full.events.iter().filter(|e| e.level().is_error()) {
        // A cut line salvaged as an error stays an unparsed record with its level.
        let kept = screened.events.iter().find(|s| s.offset() == e.offset() && s.is_unparsed() == e.is_unparsed());
        let kept = kept.unwrap_or_else(|| panic!("error event at {} dropped by the pre-screen", e.offset()));
        assert_eq!(kept.level(), e.level(), "level of the error at {}", e.offset());
        assert_eq!(kept.time(), e.time(), "time of the error at {}", e.offset());
    }
}

/// Ids and counts of a chunk point inside it.
fn check_chunk_tables(c: &Chunk, in_line_order: bool) {
    if in_line_order {
        for w in c.events.windows(2) {
            assert!(w[0].offset() < w[1].offset(), "events in line order");
        }
    }
    for e in &c.events {
        assert!(e.category() as usize <= c.categories.len(), "category id in range");
        assert!(e.session() as usize <= c.keys.len(), "session id in range");
    }
    assert!(c.leading_untimed <= c.events.len());
    assert!(c.leading_unkeyed <= c.events.len());
}

fn check_index(bytes: &[u8], zone: Zone, k: u8, detail: Detail) {
    let (format, name) = match k {
        0 | 1 => (Format::Lines, "fuzz.jsonl"),
        2 => (Format::Csv, "fuzz.csv"),
        _ => (Format::Markdown, "2025-06-10_12-44-36_fuzz.md"),
    };
    let opened = Opened {
        input: Input { name: name.into(), origin: Origin::Stdin, format },
        data: Arc::new(Data::Heap(bytes.to_vec())),
        warning: None,
        prefix: false,
    };
    let index = index_opened(
        vec![opened],
        Vec::new(),
        Vec::new(),
        Options { zone, gap_minutes: 30, detail },
        &Progress::default(),
    );
    let non_blank = non_blank_lines(bytes, true).len();
    match format {
        _ if detail == Detail::Errors => {}
        Format::Lines if document::sniff(bytes, 4 << 20).is_none() => {
            assert_eq!(index.len(), non_blank, "one record per non-blank line");
        }
        Format::Markdown => assert_eq!(index.len(), usize::from(non_blank > 0), "a Markdown log is one record"),
        _ => {}
    }
    let unparsed = (0..index.len()).filter_map(|i| index.event(i)).filter(|e| e.has(flag::UNPARSED)).count();
    assert_eq!(index.unparsed_count(), unparsed as u64, "unparsed lines are counted");
    let mut times = TimeReader::new(zone);
    let mut last = None;
    for i in 0..index.len() {
        let e = index.event(i).expect("event in range");
        if let Some(prev) = last {
            assert!(prev <= e.order_key(), "timeline in order");
        }
        last = Some(e.order_key());
        if detail == Detail::Full {
            assert!((e.session() as usize) < index.sessions.len(), "session id in range");
        }
        if i < 64 {
            let _ = index.raw_line(e);
            let _ = index.location(e);
            let _ = index.message_of(e, &mut times);
        }
    }
}
