//! The CSV reader (`ingest::dialects::csv`): header sniffing, row boundaries across quoted line
//! breaks, cutting a file into ranges between rows, and reading cells into facts.
//!
//! Input: one byte choosing the range size for `split_rows`, then a CSV file's bytes
//! (its first non-blank line is the header, as the index builder reads it).
//!
//! Invariants (beyond "never panics"):
//! - Walking `row` from the start of the file always moves forward; a row ends at a `\n`
//!   or at the end of the bytes, and its `breaks` are exactly the `\n` inside it (line
//!   numbers of later rows depend on that); an unclosed row is its first line alone.
//! - `split_rows` covers the file with contiguous ranges cut only where rows end.
//! - `parse_range` over the file reads each non-blank row but the header as exactly one
//!   record, and counts every `\n`.
//! - A row that reads into facts also splits into cells (one quoting rule), with as many
//!   cells as `for_each_cell` visits.

#![no_main]

use audit_tui::ingest::dialects::csv::{CsvHeader, first_line, for_each_cell, row, split, split_rows};
use audit_tui::ingest::parse::{RangeSpec, Records, parse_range};
use audit_tui::ingest::time::{TimeReader, Zone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&knob, bytes)) = data.split_first() else { return };
    let Some((header_at, header_line)) = first_line(bytes) else { return };
    let Some(header) = CsvHeader::parse(header_line) else { return };
    assert!(header_at < bytes.len());

    // Rows, walked as the parser walks them.
    let mut ends = Vec::new();
    let mut records = 0usize;
    let mut any_unclosed = false;
    let mut times = TimeReader::new(Zone::Utc);
    let mut pos = 0;
    while pos < bytes.len() {
        let r = row(bytes, pos, &header);
        assert!(pos <= r.end && r.end <= bytes.len(), "row {pos} ends at {} of {}", r.end, bytes.len());
        assert!(r.end == bytes.len() || bytes[r.end] == b'\n', "row {pos} ends at a line break");
        let inside = bytes[pos..r.end].iter().filter(|&&b| b == b'\n').count();
        assert_eq!(r.breaks, inside, "line breaks inside the row at {pos}");
        if r.unclosed {
            assert_eq!(r.breaks, 0, "an unclosed row is its first line");
            any_unclosed = true;
        }
        let mut line = &bytes[pos..r.end];
        if pos == 0 {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        if !line.iter().all(u8::is_ascii_whitespace) && pos != header_at {
            records += 1;
        }
        check_cells(line, &header, &mut times);
        ends.push(r.end);
        pos = r.end + 1;
    }

    // Ranges for parallel parsing start and end between rows.
    let target = usize::from(knob) % 64 + 1;
    let ranges = split_rows(bytes, target, &header);
    assert_eq!(ranges.first().map(|r| r.0), Some(0));
    assert_eq!(ranges.last().map(|r| r.1), Some(bytes.len()));
    for w in ranges.windows(2) {
        assert_eq!(w[0].1, w[1].0, "ranges are contiguous");
    }
    for &(_, end) in &ranges {
        assert!(end == bytes.len() || ends.contains(&(end - 1)), "range cut at {end}, inside a row");
    }

    let spec = RangeSpec::new(bytes, 0, Records::Csv { header: &header, header_at: Some(header_at as u64) });
    let chunk = parse_range(&spec, Zone::Utc);
    assert_eq!(chunk.events.len(), records, "one record per non-blank row");
    assert_eq!(chunk.newlines, bytes.iter().filter(|&&b| b == b'\n').count() as u64);
    assert_eq!(chunk.unclosed_quote, any_unclosed, "an unclosed quote is reported");
    // The pre-screened parse of an errors-only query runs the same rows.
    let _ = parse_range(&RangeSpec { only_errors: true, ..spec }, Zone::Utc);
});

fn check_cells(line: &[u8], header: &CsvHeader, times: &mut TimeReader) {
    let body = line.strip_suffix(b"\r").unwrap_or(line);
    let facts = header.facts(body, times);
    let cells = split(body, header.delimiter);
    assert_eq!(facts.is_ok(), cells.is_ok(), "facts and split agree on quoting");
    if let Ok(cells) = cells {
        let mut visited = 0;
        let _ = for_each_cell(body, header.delimiter, |col, _| {
            assert_eq!(col, visited, "columns counted in order");
            visited += 1;
        });
        assert_eq!(visited, cells.len());
        for c in &cells {
            let _ = c.text();
        }
    }
}
