//! `audit-tui export`: the matching events as their original lines (byte-exact), as CSV
//! for a spreadsheet, or as readable text. CSV and text show a log's control, C1 and
//! bidi characters as visible escapes (`\x1b`, `<U+202E>`) wherever they are written;
//! only JSON lines sent to a file or a pipe keep the evidence byte for byte.

use super::fmt;
use crate::ingest::time::{TimeReader, Zone};
use crate::model::store::Blob;
use crate::model::{Event, Index};
use crate::redact::Redactor;
use crate::sanitize::{Mode, sanitize, sanitize_bytes};
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The original lines, byte for byte.
    Jsonl,
    /// time, level, category, session, user, message, file, line; controls escaped.
    Csv,
    /// One readable row per event.
    Text,
}

/// Line numbers for events visited mostly in file order: counts forward from the last
/// position instead of from a checkpoint each time.
pub struct LineCounter<'a> {
    last: Option<(&'a Blob, u64, u64)>,
}

impl<'a> LineCounter<'a> {
    pub fn new() -> Self {
        LineCounter { last: None }
    }

    pub fn line(&mut self, blob: &'a Blob, offset: u64) -> u64 {
        if let Some((b, at, line)) = self.last
            && std::ptr::eq(b, blob)
            && offset >= at
            && offset - at < (1 << 20)
        {
            let from = (at - blob.base) as usize;
            let to = (offset - blob.base) as usize;
            let n = line + memchr::memchr_iter(b'\n', &blob.bytes()[from..to]).count() as u64;
            self.last = Some((blob, offset, n));
            return n;
        }
        let n = blob.line_number(offset);
        self.last = Some((blob, offset, n));
        n
    }
}

impl Default for LineCounter<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes events `ids` (timeline order). With `for_terminal`, raw lines are escaped so a
/// hostile line cannot drive the terminal; files and pipes get the exact bytes. With a
/// redactor, every field and line is masked first (JSON lines stay JSON, CSV stays CSV);
/// the caller has it learn the names of these lines beforehand ([`learn`]).
pub fn write(
    out: &mut impl Write,
    index: &Index,
    ids: &[u32],
    format: Format,
    zone: Zone,
    for_terminal: bool,
    mut redact: Option<&mut Redactor>,
) -> io::Result<u64> {
    let mut times = TimeReader::new(index.zone);
    let mut lines = LineCounter::new();
    if format == Format::Csv {
        writeln!(out, "time,level,category,session,user,message,file,line")?;
    }
    let mut n = 0;
    for &id in ids {
        let Some(e) = index.event(id as usize) else { continue };
        let Some(blob) = index.blob_of(e) else { continue };
        let raw = blob.whole_line(e.offset());
        // A record of a JSON document may span lines; JSON lines needs it on one.
        let one_line;
        let raw = match blob.in_document(e.offset()) {
            true => {
                one_line = crate::ingest::document::one_line(raw);
                &one_line[..]
            }
            false => raw,
        };
        let masked;
        let raw = match (&mut redact, format) {
            (Some(r), Format::Jsonl) => {
                masked = r.json_line(raw);
                &masked[..]
            }
            _ => raw,
        };
        // Every text field, masked when asked.
        let mut field = |s: String| match &mut redact {
            Some(r) => r.text(&s).into_owned(),
            None => s,
        };
        match format {
            Format::Jsonl => {
                if for_terminal {
                    out.write_all(sanitize_bytes(raw, Mode::Line).as_bytes())?;
                } else {
                    out.write_all(raw)?;
                }
                out.write_all(b"\n")?;
            }
            Format::Csv => {
                let row = row_fields(index, e, &mut times);
                let file = index.sources.get(blob.source as usize).map_or("", |s| s.name.as_str());
                let line = lines.line(blob, e.offset());
                let cells = [
                    fmt::rfc3339(e.time(), zone),
                    e.level().name().to_string(),
                    field(row.category),
                    field(row.session),
                    field(row.user),
                    field(row.message),
                    field(file.to_string()),
                    line.to_string(),
                ];
                let quoted: Vec<String> = cells.iter().map(|c| csv_cell(&csv_text(c))).collect();
                writeln!(out, "{}", quoted.join(","))?;
            }
            Format::Text => {
                let row = row_fields(index, e, &mut times);
                let (category, session, message) = (field(row.category), field(row.session), field(row.message));
                writeln!(
                    out,
                    "{} {} {:<12} {:<10} {}",
                    fmt::time_ms(e.time(), zone),
                    fmt::level_label(e.level()),
                    fmt::fit(&sanitize(&category, Mode::Line), 12),
                    fmt::fit(&sanitize(&session, Mode::Line), 10),
                    sanitize(&message, Mode::Line)
                )?;
            }
        }
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

/// Teaches `redact` the user and host names that the lines of `ids` give in their fields,
/// so that a name is masked in every line, also those before the one naming it.
pub fn learn(redact: &mut Redactor, index: &Index, ids: &[u32]) {
    for &id in ids {
        if let Some(e) = index.event(id as usize) {
            redact.learn_line(index.raw_line(e));
        }
    }
}

struct RowFields {
    category: String,
    session: String,
    user: String,
    message: String,
}

fn row_fields(index: &Index, e: Event, times: &mut TimeReader) -> RowFields {
    let session = index.session(e.session());
    let message = index.message_of(e, times);
    RowFields {
        category: index.categories.name(e.category()).to_string(),
        session: session.map_or_else(String::new, |s| s.id.clone()),
        user: session.map_or_else(String::new, |s| s.user.clone()),
        message: match index.nul_marker(e) {
            Some(marker) => marker + &message,
            None => message,
        },
    }
}

/// A cell's text for people and spreadsheets: every control, C1 and bidi character is a
/// visible escape, as in the text format, but for line breaks and tabs, which a quoted
/// cell holds and a spreadsheet shows as such.
fn csv_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find(['\n', '\t']) {
        out.push_str(&sanitize(&rest[..k], Mode::Line));
        out.push_str(&rest[k..k + 1]);
        rest = &rest[k + 1..];
    }
    out.push_str(&sanitize(rest, Mode::Line));
    out
}

/// RFC 4180 quoting, and a leading `'` on cells a spreadsheet would run as a formula.
fn csv_cell(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) { format!("\"{}\"", guarded.replace('"', "\"\"")) } else { guarded }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_guarded() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-5"), "-5");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn csv_text_escapes_controls_but_keeps_line_breaks_and_tabs() {
        assert_eq!(csv_text("a\x1b[2J\tb\r\nc\u{202e}"), "a\\x1b[2J\tb\\r\nc<U+202E>");
    }
}
