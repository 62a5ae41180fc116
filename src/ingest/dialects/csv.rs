//! CSV audit logs (the repricing tool's `Timestamp,User,Script,Message,Status`, and any
//! CSV whose header names map to our field aliases). A row ends at the first line break
//! outside a quoted cell, so a quoted traceback or Event Viewer description over many
//! lines is one row, as Python's `csv` module writes and reads it. A quote that does not
//! close within [`MAX_ROW_LINES`] lines (or before the end) cannot swallow the file: that
//! row is its first line alone, shown as unparsed; and one left open by a crash ends where
//! a line starts like a row (see [`row`]).

use super::facts::{Dialect, Facts, Text, level_from_status};
use super::fields::{Role, role_of};
use crate::ingest::time::TimeReader;
use crate::model::Level;

/// Column names and roles read from the first line.
#[derive(Clone, Debug, Default)]
pub struct CsvHeader {
    pub delimiter: u8,
    pub names: Vec<String>,
    roles: Vec<Option<(Role, u8)>>,
    /// Whether a column is the message; if none is, a first column beyond the header's
    /// names is (Event Viewer writes the description there, unnamed).
    has_message: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnclosedQuote;

impl CsvHeader {
    /// Whether a column says success: then any value but `true` makes a row an error,
    /// which no byte pre-screen can see (see `ingest::screen`).
    pub fn has_success_column(&self) -> bool {
        self.roles.iter().any(|r| matches!(r, Some((Role::Success, _))))
    }

    pub fn parse(line: &[u8]) -> Option<CsvHeader> {
        let delimiter = sniff_delimiter(line);
        let cells = split(line, delimiter).ok()?;
        let names: Vec<String> = cells.iter().map(|c| c.text().trim().to_string()).collect();
        let roles: Vec<_> = names.iter().map(|n| role_of(n.as_bytes())).collect();
        let has_message = roles.iter().any(|r| matches!(r, Some((Role::Message, _))));
        Some(CsvHeader { delimiter, names, roles, has_message })
    }

    /// Reads a data row into facts.
    pub fn facts<'a>(&self, line: &'a [u8], times: &mut TimeReader) -> Result<Facts<'a>, UnclosedQuote> {
        let mut f = Facts { dialect: Some(Dialect::Csv), ..Facts::default() };
        let mut best = [u8::MAX; 32];
        let mut status = None;
        let mut explicit_level = None;
        for_each_cell(line, self.delimiter, |col, cell| {
            let Some(&Some((role, prio))) = self.roles.get(col) else {
                if col == self.names.len() && !self.has_message {
                    f.message = Some(cell);
                }
                return;
            };
            let slot_index = role as usize;
            if prio >= best[slot_index] {
                return;
            }
            best[slot_index] = prio;
            match role {
                Role::Time => f.time = times.parse_str(cell.text().as_bytes()),
                Role::Level => explicit_level = Level::from_name(&cell.text()),
                Role::Message => f.message = Some(cell),
                Role::Category => f.category = Some(cell),
                Role::Session => f.session = Some(cell),
                Role::User => f.user = Some(cell),
                Role::Host => f.host = Some(cell),
                Role::Pid => f.pid = Some(cell),
                Role::Platform => f.platform = Some(cell),
                Role::ErrorType => f.error_type = Some(cell),
                Role::ErrorMessage => f.error_message = Some(cell),
                Role::Stack => f.has_stack = !cell.is_empty(),
                Role::Status => status = Some(cell),
                Role::Success => f.success = Some(cell.text().eq_ignore_ascii_case("true")),
                Role::Tool => f.tool = Some(cell),
                Role::Operation => f.operation = Some(cell),
                Role::Snippet => f.snippet = Some(cell),
                Role::Args => {}
            }
        })?;
        f.status = status;
        f.level = explicit_level
            .or_else(|| status.and_then(|s| level_from_status(&s.text())))
            .or_else(|| f.success.map(|ok| if ok { Level::Info } else { Level::Error }))
            .unwrap_or(Level::None);
        if f.category.is_none() {
            f.category = f.tool;
        }
        // The repricing log writes its error category in Status (`FILE_ERROR`).
        if f.level.is_error() && f.error_type.is_none() {
            f.error_type = status;
        }
        if f.host.is_none()
            && let Some(m) = f.message
        {
            let (host, platform) = machine_in_message(m.raw());
            f.host = host.map(Text::Plain);
            f.platform = f.platform.or(platform.map(Text::Plain));
        }
        Ok(f)
    }
}

/// The machine a repricing message names in its context segments:
/// `… | User: DamionMorrison on L01403-DATA | Python: 3.12.10 | OS: Windows 11 | …`.
fn machine_in_message(m: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
    let (mut host, mut platform) = (None, None);
    // A value with a quote would still hold CSV's doubled `""`: not a name to show.
    let plain = |v: &&[u8]| !v.is_empty() && !v.contains(&b'"');
    for segment in m.split(|&b| b == b'|').map(<[u8]>::trim_ascii) {
        if let Some(rest) = segment.strip_prefix(b"User: ")
            && let Some(at) = memchr::memmem::rfind(rest, b" on ")
        {
            host = Some(rest[at + 4..].trim_ascii()).filter(plain);
        } else if let Some(os) = segment.strip_prefix(b"OS: ") {
            platform = Some(os.trim_ascii()).filter(plain);
        }
    }
    (host, platform)
}

fn sniff_delimiter(header: &[u8]) -> u8 {
    let count = |d: u8| header.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t', b'|'].into_iter().max_by_key(|&d| (count(d), d == b',')).unwrap_or(b',')
}

/// The first non-blank line of a file's bytes (a CSV header): where it starts, and its
/// text without BOM and CR.
pub fn first_line(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |k| pos + k);
        let mut line = &bytes[pos..end];
        if pos == 0 {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.trim_ascii().is_empty() {
            return Some((pos, line));
        }
        pos = end + 1;
    }
    None
}

/// The most lines a quoted cell may span before its row is taken to be broken.
pub const MAX_ROW_LINES: usize = 1000;

/// A row as [`row`] finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// Index of the row's line break, or the end of the bytes.
    pub end: usize,
    /// Line breaks inside the row.
    pub breaks: usize,
    /// A quoted cell did not close before the end of the bytes: the row is its first line.
    pub unclosed: bool,
}

/// Where the row starting at `pos` ends: the index of its line break, or the end of
/// `bytes`. Cells are read as [`for_each_cell`] reads them: a cell is quoted when it
/// starts with `"`, and a quote elsewhere is text.
pub fn row_end(bytes: &[u8], pos: usize, header: &CsvHeader) -> usize {
    row(bytes, pos, header).end
}

/// The row starting at `pos` (see [`row_end`]).
///
/// A quoted cell that a crash left open would run on into the rows written after the
/// restart, up to the next quote. So a line break inside a quoted cell ends the row when
/// the line after it starts like a row of its own (see [`RowStart`]) and does not close
/// the cell: the broken row is its lines up to there, read as one unparsed record, and the
/// rows after it are read.
pub fn row(bytes: &[u8], pos: usize, header: &CsvHeader) -> Row {
    let delimiter = header.delimiter;
    let line_end = |from: usize| memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |k| from + k);
    let mut breaks = 0;
    let mut i = pos;
    // Only line breaks and quotes matter; whether a quote opens a cell is told by the byte
    // before it.
    while let Some(k) = memchr::memchr2(b'\n', b'"', &bytes[i..]) {
        let j = i + k;
        if bytes[j] == b'\n' {
            return Row { end: j, breaks, unclosed: false };
        }
        if j > pos && bytes[j - 1] != delimiter {
            i = j + 1;
            continue;
        }
        let close = closing_quote(bytes, j + 1);
        let inside = memchr::memchr_iter(b'\n', &bytes[j..close.unwrap_or(bytes.len())]).map(|k| j + k);
        let mut start = None;
        for nl in inside {
            if breaks >= MAX_ROW_LINES {
                return Row { end: line_end(pos), breaks: 0, unclosed: close.is_none() };
            }
            let start = start.get_or_insert_with(|| RowStart::of(&bytes[pos..line_end(pos)], header));
            let next = nl + 1..line_end(nl + 1);
            // The line that closes the cell properly is its last line, whatever it starts with.
            let closes_on_next = close.is_some_and(|c| {
                next.contains(&c) && bytes.get(c + 1).is_none_or(|&b| matches!(b, b'\r' | b'\n') || b == delimiter)
            });
            if !closes_on_next && start.as_ref().is_some_and(|s| s.begins(&bytes[next])) {
                return Row { end: nl, breaks, unclosed: false };
            }
            breaks += 1;
        }
        let Some(close) = close else {
            return Row { end: line_end(pos), breaks: 0, unclosed: true };
        };
        i = close + 1;
    }
    Row { end: bytes.len(), breaks, unclosed: false }
}

/// What the first line of a row looks like, to tell a row written after a crash from a
/// line of a quoted cell: its first cell is a timestamp (letters and digits of the same
/// shape, `2025-07-11 08:19:03`), and it has at least as many cells as the header.
struct RowStart<'a> {
    stamp: &'a [u8],
    delimiter: u8,
    columns: usize,
}

impl<'a> RowStart<'a> {
    /// `None` when the row's first cell is no timestamp: then nothing tells rows apart.
    fn of(first_line: &'a [u8], header: &CsvHeader) -> Option<RowStart<'a>> {
        let stamp = &first_line[..memchr::memchr(header.delimiter, first_line)?];
        let digits = stamp.iter().filter(|b| b.is_ascii_digit()).count();
        (digits >= 6 && stamp.len() <= 40 && stamp.first() != Some(&b'"')).then_some(RowStart {
            stamp,
            delimiter: header.delimiter,
            columns: header.names.len(),
        })
    }

    fn begins(&self, line: &[u8]) -> bool {
        let n = self.stamp.len();
        line.len() > n
            && line[n] == self.delimiter
            && self.stamp.iter().zip(line).all(|(&a, &b)| a == b || a.is_ascii_digit() && b.is_ascii_digit())
            && cells_on_line(line, self.delimiter) >= self.columns
    }
}

/// Cells on one line, a quoted cell that does not close on it counting as one.
fn cells_on_line(line: &[u8], delimiter: u8) -> usize {
    let mut cells = 1;
    let mut i = 0;
    while i < line.len() {
        if line[i] == b'"' && (i == 0 || line[i - 1] == delimiter) {
            match closing_quote(line, i + 1) {
                Some(close) => i = close + 1,
                None => return cells,
            }
            continue;
        }
        cells += usize::from(line[i] == delimiter);
        i += 1;
    }
    cells
}

/// The quote that closes a quoted cell whose text starts at `from` (`""` is an escaped
/// quote, not a close).
fn closing_quote(bytes: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    loop {
        j += memchr::memchr(b'"', &bytes[j..])?;
        if bytes.get(j + 1) == Some(&b'"') {
            j += 2;
        } else {
            return Some(j);
        }
    }
}

/// Cuts a CSV file into ranges of about `target` bytes, each ending just after a row.
/// Rows are walked from the start, since only there is it known whether a line break sits
/// inside a quoted cell: a sequential pass, so it is only used for a file whose cuts at
/// plain line breaks fell inside a row (see `build`).
pub fn split_rows(data: &[u8], target: usize, header: &CsvHeader) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(data.len() / target.max(1) + 1);
    let mut start = 0;
    while start < data.len() {
        let want = start.saturating_add(target);
        let mut pos = start;
        while pos < data.len() && pos < want {
            pos = row_end(data, pos, header) + 1;
        }
        let end = pos.min(data.len());
        out.push((start, end));
        start = end;
    }
    if out.is_empty() {
        out.push((0, 0));
    }
    out
}

/// Calls `cell(column, text)` for each cell of a row.
pub fn for_each_cell<'a>(
    line: &'a [u8],
    delimiter: u8,
    mut cell: impl FnMut(usize, Text<'a>),
) -> Result<(), UnclosedQuote> {
    let mut col = 0;
    let mut i = 0;
    loop {
        if line.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            loop {
                match memchr::memchr(b'"', &line[j..]) {
                    None => return Err(UnclosedQuote),
                    Some(k) => {
                        j += k;
                        if line.get(j + 1) == Some(&b'"') {
                            j += 2;
                        } else {
                            break;
                        }
                    }
                }
            }
            cell(col, Text::CsvQuoted(&line[start..j]));
            // Skip anything between the closing quote and the delimiter.
            i = match memchr::memchr(delimiter, &line[j..]) {
                Some(k) => j + k,
                None => line.len(),
            };
        } else {
            let end = memchr::memchr(delimiter, &line[i..]).map_or(line.len(), |k| i + k);
            cell(col, Text::Plain(&line[i..end]));
            i = end;
        }
        if i >= line.len() {
            return Ok(());
        }
        i += 1;
        col += 1;
    }
}

/// All cells of a row (for the detail pane and CSV export).
pub fn split(line: &[u8], delimiter: u8) -> Result<Vec<Text<'_>>, UnclosedQuote> {
    let mut out = Vec::new();
    for_each_cell(line, delimiter, |_, c| out.push(c))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::dialects::facts::display_message;
    use crate::ingest::time::Zone;

    const HEADER: &[u8] = b"Timestamp,User,Script,Message,Status";

    #[test]
    fn repricing_rows() {
        let h = CsvHeader::parse(HEADER).unwrap();
        let mut t = TimeReader::new(Zone::Utc);
        let row = br#"2025-07-10 11:18:32,DamionMorrison,File1Import,"USER ERROR - FILE_NOT_FOUND | User: DamionMorrison on L01403-DATA | File: missing_data.xlsx, sheet ""A""",USER_ERROR"#;
        let f = h.facts(row, &mut t).unwrap();
        assert_eq!(f.level, Level::Error);
        assert!(f.time.is_some());
        assert_eq!(f.user.unwrap().text(), "DamionMorrison");
        assert_eq!(f.category.unwrap().text(), "File1Import");
        assert_eq!(f.error_type.unwrap().text(), "USER_ERROR");
        assert!(display_message(&f).ends_with(r#"sheet "A""#));
        let warn = h.facts(b"2025-07-10 11:19:00,Ann,Merge,Low memory,WARNING", &mut t).unwrap();
        assert_eq!(warn.level, Level::Warn);
        let ok = h.facts(b"2025-07-10 11:19:00,Ann,Merge,Done,SUCCESS", &mut t).unwrap();
        assert_eq!(ok.level, Level::Info);
    }

    #[test]
    fn unclosed_quote_is_reported() {
        let h = CsvHeader::parse(HEADER).unwrap();
        let mut t = TimeReader::new(Zone::Utc);
        assert_eq!(h.facts(br#"2025-07-10 11:18:32,A,S,"broken message,INFO"#, &mut t).err(), Some(UnclosedQuote));
    }

    #[test]
    fn semicolon_files_are_sniffed() {
        let h = CsvHeader::parse(b"time;level;msg").unwrap();
        assert_eq!(h.delimiter, b';');
        let mut t = TimeReader::new(Zone::Utc);
        let f = h.facts(b"2026-05-17T10:00:00Z;error;disk full", &mut t).unwrap();
        assert_eq!((f.level, display_message(&f).as_str()), (Level::Error, "disk full"));
    }

    /// A comma-separated header of `columns` names.
    fn header(columns: usize) -> CsvHeader {
        CsvHeader::parse((0..columns).map(|c| format!("c{c}")).collect::<Vec<_>>().join(",").as_bytes()).unwrap()
    }

    /// The rows of `data`, walked with `row_end`; rows have three cells.
    fn rows(data: &[u8]) -> Vec<String> {
        let h = header(3);
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < data.len() {
            let end = row_end(data, pos, &h);
            out.push(String::from_utf8_lossy(&data[pos..end]).into_owned());
            pos = end + 1;
        }
        out
    }

    #[test]
    fn quoted_cells_carry_line_breaks_into_one_row() {
        let data = b"t,m,s\r\n1,\"Error\nTraceback:\n  File \"\"x.py\"\"\",ERR\r\n2,\"note\r\nmore\",OK\r\n3,plain,OK";
        assert_eq!(
            rows(data),
            ["t,m,s\r", "1,\"Error\nTraceback:\n  File \"\"x.py\"\"\",ERR\r", "2,\"note\r\nmore\",OK\r", "3,plain,OK"]
        );
        let traceback = Row { end: 48, breaks: 2, unclosed: false };
        assert_eq!(
            row(data, 7, &header(3)),
            traceback,
            "the traceback row ends at its LF, with two line breaks inside"
        );
    }

    #[test]
    fn quotes_inside_unquoted_cells_are_text() {
        assert_eq!(rows(b"1,5\" wide,OK\n2,b,OK\n"), ["1,5\" wide,OK", "2,b,OK"]);
        // After a quoted cell's close, a quote before the delimiter is text too.
        assert_eq!(rows(b"1,\"a\"b\"c,OK\n2,b,OK"), ["1,\"a\"b\"c,OK", "2,b,OK"]);
    }

    #[test]
    fn a_quote_that_never_closes_is_its_line_alone() {
        assert_eq!(rows(b"1,a,OK\n2,\"cut by a crash\n3,b,OK\n"), ["1,a,OK", "2,\"cut by a crash", "3,b,OK"]);
        let long = format!("1,\"{}\",OK\n2,b,OK\n", "x\n".repeat(MAX_ROW_LINES + 1));
        assert_eq!(rows(long.as_bytes())[0], "1,\"x", "more than MAX_ROW_LINES lines in one cell");
        let fits = format!("1,\"{}\",OK\n2,b,OK\n", "x\n".repeat(MAX_ROW_LINES));
        assert_eq!(rows(fits.as_bytes()).len(), 2);
    }

    #[test]
    fn a_row_written_after_a_crash_ends_the_open_quote_before_it() {
        let crash = "2025-07-14 09:05:12,Ann,\"SYSTEM ERROR | Traceback (most recent call last):\n  File \"\"x.py\"\", line 2\n";
        let restart = "2025-07-14 09:12:30,Ann,SESSION START\n2025-07-14 09:13:05,Ann,\"Imported | Rows: 15,420\"\n";
        let data = format!("{crash}{restart}");
        assert_eq!(
            rows(data.as_bytes()),
            [
                crash.trim_end(),
                "2025-07-14 09:12:30,Ann,SESSION START",
                "2025-07-14 09:13:05,Ann,\"Imported | Rows: 15,420\""
            ]
        );
        let broken = row(data.as_bytes(), 0, &header(3));
        assert_eq!((broken.breaks, broken.unclosed), (1, false), "its own line breaks count; nothing to re-cut");
        // The broken row is read as unparsed: its quote never closes.
        let mut t = TimeReader::new(Zone::Utc);
        assert_eq!(header(3).facts(&data.as_bytes()[..broken.end], &mut t).err(), Some(UnclosedQuote));
    }

    #[test]
    fn lines_in_a_cell_that_only_resemble_a_row_stay_in_it() {
        // Python logging's stamp has a comma, but the line has fewer cells than a row.
        let logged =
            "2025-07-14 09:14:47,Ann,\"Log:\n2025-07-14 09:14:47,101 INFO done\",OK\n2025-07-14 09:15:00,Ann,end\n";
        assert_eq!(rows(logged.as_bytes()).len(), 2);
        // A different stamp shape is no row start either.
        let other = "2025-07-14 09:14:47,Ann,\"Log:\n14/07/2025 09:14,Ann,x\",OK\n";
        assert_eq!(rows(other.as_bytes()).len(), 1);
        // Without a timestamp in the first column nothing tells rows apart: the quote runs on.
        let untimed = "Ann,x,\"cut\nBob,y,z\nCid,\"w\",OK\n";
        assert_eq!(rows(untimed.as_bytes()), ["Ann,x,\"cut\nBob,y,z\nCid,\"w\",OK"]);
    }

    #[test]
    fn cells_on_a_line_count_quoted_delimiters_once() {
        assert_eq!(cells_on_line(b"a,b,c", b','), 3);
        assert_eq!(cells_on_line(br#"a,"b,c",d"#, b','), 3);
        assert_eq!(cells_on_line(br#"a,"b,c"#, b','), 2, "an open quote is one cell to the end");
        assert_eq!(cells_on_line(br#"a,5" x,c"#, b','), 3, "a quote inside a cell is text");
    }

    #[test]
    fn ranges_are_cut_between_rows_only() {
        // Rows end after bytes 4, 16, 26 and 32; the line breaks at 9, 11 and 21 are in cells.
        let data = b"h,m\n1,\"a\nb\nc\",x\n2,\"d\ne\",y\n3,f,z\n";
        for target in 1..data.len() + 2 {
            let ranges = split_rows(data, target, &header(3));
            assert_eq!(ranges.first().map(|r| r.0), Some(0));
            assert_eq!(ranges.last().map(|r| r.1), Some(data.len()));
            for w in ranges.windows(2) {
                assert_eq!(w[0].1, w[1].0);
            }
            let cuts: Vec<usize> = ranges.iter().map(|r| r.1).collect();
            for cut in cuts {
                assert!([4, 16, 26, data.len()].contains(&cut), "target {target}: cut at {cut}");
            }
        }
    }

    #[test]
    fn cells_split_with_quotes_and_empties() {
        let cells: Vec<String> =
            split(br#"a,"b,c",,"d""e""#, b',').unwrap().iter().map(|c| c.text().into_owned()).collect();
        assert_eq!(cells, ["a", "b,c", "", "d\"e"]);
    }
}
