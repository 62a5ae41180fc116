//! JSON documents: a file that is one JSON array of events, or pretty-printed objects one
//! after another, instead of one object per line.
//!
//! Clients mail these too: an app's "export as JSON" button writes an array, `jq .` and
//! `json.dump(indent=2)` spread each object over many lines. Read line by line, every
//! line of such a file would be unparsed. So a file whose first line opens an array of
//! objects, or is a lone `{`, is walked value by value first: each element (or object) is
//! one event, its record spanning as many lines as it takes. The separators between
//! records (`[`, `,`, `]`) are syntax, not lines to account for. Where the walk meets
//! something that is not JSON (an array cut off by a crash, text appended later), the
//! rest of the file is read line by line as usual, so nothing is lost and the damage is
//! shown where it is.

/// How much of a file reads as a JSON document.
#[derive(Debug, PartialEq, Eq)]
pub struct Document {
    /// The document is `data[..end]`; from `end` on, the file is read line by line.
    pub end: usize,
    /// Offsets of the records where parsing ranges start (the first is 0), one about
    /// every `range_bytes`, so that ranges are parsed in parallel and hold whole records.
    pub splits: Vec<usize>,
}

/// Reads `data` as a JSON document when its start says it is one: `[` followed by `{` or
/// `]`, or a first line that is a lone `{`. `None` for everything else (JSON lines, text,
/// a lone object that does not parse).
pub fn sniff(data: &[u8], range_bytes: usize) -> Option<Document> {
    let bom = if data.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    let first = skip_ws(data, bom);
    let walk = match data.get(first)? {
        b'[' if matches!(data.get(skip_ws(data, first + 1)), Some(b'{' | b']')) => {
            walk_arrays(data, first, Walk::new(range_bytes))
        }
        b'{' if lone_brace_line(data, first) => walk_objects(data, first, Walk::new(range_bytes)),
        _ => return None,
    };
    // No record at all (`[]`, `[][]`): read as lines, so the line is shown as unparsed
    // rather than vanish.
    if walk.records == 0 {
        return None;
    }
    let end = match walk.stop >= data.len() {
        true => data.len(),
        // Resume at the start of the line where the walk stopped, unless a record ends on
        // that line: then right after it, so no byte is read twice.
        false => line_start(data, walk.stop).max(walk.last_end),
    };
    Some(Document { end, splits: walk.splits })
}

/// Whether the line of `data` holding `at` (a `{`) has nothing else on it.
fn lone_brace_line(data: &[u8], at: usize) -> bool {
    let rest = &data[at + 1..];
    let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    rest[..line_end].iter().all(u8::is_ascii_whitespace)
}

struct Walk {
    records: usize,
    /// Where parsing ranges start: 0, then the first record after every `range_bytes`.
    splits: Vec<usize>,
    range_bytes: usize,
    /// Where the last record ends.
    last_end: usize,
    /// Where the walk stopped: `data.len()` when the whole file is the document.
    stop: usize,
}

impl Walk {
    fn new(range_bytes: usize) -> Walk {
        Walk { records: 0, splits: vec![0], range_bytes, last_end: 0, stop: 0 }
    }

    fn record(&mut self, start: usize, end: usize) {
        self.records += 1;
        if self.splits.last().is_some_and(|&last| start - last >= self.range_bytes) {
            self.splits.push(start);
        }
        self.last_end = end;
    }
}

/// Arrays of values, one after another (usually one array).
fn walk_arrays(data: &[u8], mut at: usize, mut walk: Walk) -> Walk {
    'arrays: while at < data.len() {
        if data[at] != b'[' {
            break;
        }
        at = skip_ws(data, at + 1);
        if data.get(at) == Some(&b']') {
            at = skip_ws(data, at + 1);
            continue;
        }
        loop {
            let Some(end) = record_end(data, at) else { break 'arrays };
            walk.record(at, end);
            at = skip_ws(data, end);
            match data.get(at) {
                Some(b',') => at = skip_ws(data, at + 1),
                Some(b']') => {
                    at = skip_ws(data, at + 1);
                    continue 'arrays;
                }
                _ => break 'arrays,
            }
        }
    }
    walk.stop = at.min(data.len());
    walk
}

/// Objects one after another, separated by whitespace.
fn walk_objects(data: &[u8], mut at: usize, mut walk: Walk) -> Walk {
    while at < data.len() && data[at] == b'{' {
        let Some(end) = record_end(data, at) else { break };
        walk.record(at, end);
        at = skip_ws(data, end);
    }
    walk.stop = at.min(data.len());
    walk
}

/// Where the record starting at `at` ends (the index after it): the bracket that closes
/// the one at `at`, outside strings; for a scalar, the next separator or whitespace.
/// `None` when the data ends first. Brackets are counted, not matched, and nothing else
/// is checked: this only cuts records apart (fast enough to walk a gigabyte before the
/// parallel parse), and the reader then rejects a record that is not well-formed JSON as
/// an unparsed record.
pub fn record_end(data: &[u8], at: usize) -> Option<usize> {
    match *data.get(at)? {
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            while i < data.len() {
                match data[i] {
                    b'"' => {
                        i = string_end(data, i + 1)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        b'"' => string_end(data, at + 1),
        b',' | b']' | b'}' => None,
        _ => {
            let len = data[at..].iter().take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b',' | b']')).count();
            Some(at + len)
        }
    }
}

/// The index after the quote that closes a string whose content starts at `from`.
fn string_end(data: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let k = from + memchr::memchr2(b'"', b'\\', &data[from..])?;
        if data[k] == b'"' {
            return Some(k + 1);
        }
        from = k + 2;
        if from > data.len() {
            return None;
        }
    }
}

/// Skips what separates the records of a document from `at`: whitespace and the array
/// syntax around them (the walk above already checked it).
pub fn skip_separators(data: &[u8], mut at: usize) -> usize {
    while data.get(at).is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b'[' | b']' | b',')) {
        at += 1;
    }
    at
}

fn skip_ws(data: &[u8], mut at: usize) -> usize {
    while data.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

fn line_start(data: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &data[..at]).map_or(0, |k| k + 1)
}

/// A record on one line, for JSON-lines export: whitespace outside strings removed, every
/// other byte kept as written.
pub fn one_line(record: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(record.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in record {
        if in_string {
            out.push(b);
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if !b.is_ascii_whitespace() {
            in_string = b == b'"';
            out.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(data: &str) -> Option<(usize, usize)> {
        let doc = sniff(data.as_bytes(), 1 << 20)?;
        Some((doc.end, doc.splits.len()))
    }

    #[test]
    fn an_array_of_objects_is_a_document() {
        let data = "[\n  {\"a\": 1},\n  {\"b\": [1, {\"c\": 2}]}\n]\n";
        assert_eq!(records(data), Some((data.len(), 1)));
        assert_eq!(records("[{\"a\":1},{\"b\":2}]"), Some((17, 1)));
        // No record: the line is read as a line (and shown as unparsed), not hidden.
        assert_eq!(records("\u{feff}[]"), None);
    }

    #[test]
    fn pretty_printed_objects_are_a_document() {
        let data = "{\n  \"a\": 1\n}\n{\n  \"b\": 2\n}\n";
        assert_eq!(records(data), Some((data.len(), 1)));
    }

    #[test]
    fn lines_and_text_are_not_documents() {
        assert_eq!(records("{\"a\":1}\n{\"b\":2}\n"), None);
        assert_eq!(records("[2026-05-17 10:00:00] INFO started\n"), None);
        assert_eq!(records("[1, 2]\n"), None);
        assert_eq!(records("{\n  \"a\": \n"), None, "a lone brace that never closes");
        assert_eq!(records("plain text\n"), None);
    }

    #[test]
    fn a_cut_off_array_resumes_line_by_line_where_the_damage_is() {
        let data = "[\n  {\"a\": 1},\n  {\"b\": 2},\n  {\"c\": \n";
        let doc = sniff(data.as_bytes(), 1 << 20).unwrap();
        assert_eq!(&data[doc.end..], "  {\"c\": \n");
        let data = "[{\"a\":1},{\"b\":2} oops\n";
        let doc = sniff(data.as_bytes(), 1 << 20).unwrap();
        assert_eq!(&data[doc.end..], " oops\n");
    }

    #[test]
    fn ranges_start_at_records() {
        let data = "[\n  {\"a\": 1},\n  {\"b\": 2},\n  {\"c\": 3}\n]\n";
        let doc = sniff(data.as_bytes(), 10).unwrap();
        assert_eq!(doc.splits.len(), 3);
        for &at in &doc.splits[1..] {
            assert_eq!(data.as_bytes()[at], b'{');
        }
    }

    #[test]
    fn records_end_at_their_closing_bracket_outside_strings() {
        let data = br#"{"a": "}\"]", "b": [1, {"c": "{"}]}, 2"#;
        assert_eq!(record_end(data, 0), Some(data.len() - 3));
        assert_eq!(record_end(data, data.len() - 1), Some(data.len()));
        assert_eq!(record_end(b"\"x\\\"y\" ,", 0), Some(6));
        assert_eq!(record_end(b"{\"a\": [1, 2}", 0), None, "cut off");
        assert_eq!(record_end(b"{\"a\": \"}", 0), None, "cut inside a string");
        assert_eq!(record_end(b", 1", 0), None);
    }

    #[test]
    fn one_line_keeps_strings_as_written() {
        let record = b"{\n  \"a b\": \"x \\\" y\",\n  \"c\": [1, 2]\n}";
        assert_eq!(one_line(record), b"{\"a b\":\"x \\\" y\",\"c\":[1,2]}".to_vec());
    }
}
