//! Where events and the bytes behind them live, shareable with worker threads.
//!
//! The initial load is one sorted, immutable slice; follow mode appends to a lock-free
//! append-only vector beside it, so filter workers can read while the UI thread appends,
//! and nothing is ever copied or re-sorted.

use crate::ingest::dialects::csv::CsvHeader;
use crate::ingest::dialects::facts::{Facts, json_facts};
use crate::ingest::dialects::text::text_facts;
use crate::ingest::inputs::sources::Data;
use crate::ingest::time::TimeReader;
use crate::model::Event;
use std::sync::Arc;

/// Lines longer than this are not parsed (they are kept and exported whole).
pub const LINE_CAP: usize = 4 << 20;

/// A run of bytes from one source, placed at `base` in one virtual address space of all
/// inputs so that an event needs one offset to find its line.
pub struct Blob {
    pub base: u64,
    pub data: Arc<Data>,
    /// Range of `data` this blob covers (a followed file adds one blob per read).
    pub start: usize,
    pub end: usize,
    pub source: u32,
    /// Where `data[start]` sits in the source file (follow mode) and its line number (1-based).
    pub file_offset: u64,
    pub first_line: u64,
    pub csv: Option<Arc<CsvHeader>>,
    /// The blob is one record spanning many lines (an rtgs Markdown execution log).
    pub whole_record: bool,
    /// Offsets below this (within the blob) hold a JSON document whose records span lines
    /// (see [`crate::ingest::document`]); 0 for none.
    pub document_end: usize,
    /// (offset within the blob, 1-based line number) every few megabytes, for line lookup.
    pub checkpoints: Vec<(usize, u64)>,
}

impl Blob {
    pub fn bytes(&self) -> &[u8] {
        &self.data[self.start..self.end]
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn contains(&self, offset: u64) -> bool {
        offset >= self.base && offset <= self.base + self.len() as u64
    }

    /// The raw line starting at a virtual offset, without its `\n` (a `\r` is kept); for
    /// a whole-record blob, the record (the file without its final line break); in a JSON
    /// document, the record (a JSON value over one or more lines); in a CSV file, the row
    /// (whose quoted cells may hold line breaks).
    ///
    /// A plain line is cut after [`LINE_CAP`] bytes: longer lines are not parsed, and a
    /// file truncated under its map reads as one NUL "line" to its end, which every row,
    /// detail and error title would otherwise scan whole. [`Blob::whole_line`] has all.
    pub fn raw_line(&self, offset: u64) -> &[u8] {
        self.line_up_to(offset, LINE_CAP + 1)
    }

    /// The bytes from the line at a virtual offset to the end of the blob: to read the
    /// start of a plain line (not a whole record, document record or CSV row) without
    /// looking for its end first.
    pub fn from_line_start(&self, offset: u64) -> &[u8] {
        let bytes = self.bytes();
        &bytes[(offset.saturating_sub(self.base) as usize).min(bytes.len())..]
    }

    /// [`Blob::raw_line`] without the cap: what export writes.
    pub fn whole_line(&self, offset: u64) -> &[u8] {
        self.line_up_to(offset, usize::MAX)
    }

    fn line_up_to(&self, offset: u64, cap: usize) -> &[u8] {
        let bytes = self.bytes();
        if self.whole_record {
            let record = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            return record.strip_suffix(b"\r").unwrap_or(record);
        }
        let at = (offset.saturating_sub(self.base) as usize).min(bytes.len());
        if at < self.document_end
            && let Some(end) = crate::ingest::document::record_end(bytes, at)
        {
            return &bytes[at..end];
        }
        if let Some(h) = &self.csv {
            return &bytes[at..crate::ingest::dialects::csv::row_end(bytes, at, h)];
        }
        let rest = &bytes[at..];
        let rest = &rest[..rest.len().min(cap)];
        match memchr::memchr(b'\n', rest) {
            Some(k) => &rest[..k],
            None => rest,
        }
    }

    /// Reads an event's record (its [`readable`] line) into facts, the way this blob's
    /// source is written: CSV rows, Markdown execution logs, JSON or text lines.
    pub fn facts<'a>(&self, record: &'a [u8], times: &mut TimeReader) -> Option<Facts<'a>> {
        if self.whole_record {
            return crate::ingest::dialects::markdown::facts(record, times);
        }
        match &self.csv {
            Some(h) => h.facts(record, times).ok(),
            None if record.trim_ascii_start().first() == Some(&b'{') => json_facts(record, times).ok(),
            None => crate::ingest::dialects::custom::active()
                .and_then(|c| c.text_facts(record, times))
                .or_else(|| text_facts(record, times))
                .or_else(|| crate::ingest::dialects::logfmt::facts(record, times)),
        }
    }

    /// Whether the event at `offset` is a record of a JSON document (many lines, maybe).
    pub fn in_document(&self, offset: u64) -> bool {
        (offset.saturating_sub(self.base) as usize) < self.document_end
    }

    /// 1-based line number of the line starting at `offset`.
    pub fn line_number(&self, offset: u64) -> u64 {
        let at = (offset.saturating_sub(self.base) as usize).min(self.len());
        let idx = self.checkpoints.partition_point(|&(o, _)| o <= at);
        let (from, line) = if idx == 0 { (0, self.first_line) } else { self.checkpoints[idx - 1] };
        line + memchr::memchr_iter(b'\n', &self.bytes()[from..at]).count() as u64
    }
}

/// The line of an event, trimmed for reading (`\r` and a leading NUL run removed).
pub fn readable(raw: &[u8]) -> &[u8] {
    let line = raw.strip_suffix(b"\r").unwrap_or(raw);
    let line = &line[leading_nuls(line)..];
    line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line)
}

/// How many NUL bytes `bytes` starts with, sixteen at a time: zero-filled runs after a
/// crash (or a file truncated under its map) can be gigabytes long.
pub fn leading_nuls(bytes: &[u8]) -> usize {
    if bytes.first() != Some(&0) {
        return 0;
    }
    let mut n = 0;
    for chunk in bytes.chunks_exact(16) {
        let mut word = [0u8; 16];
        word.copy_from_slice(chunk);
        if u128::from_ne_bytes(word) != 0 {
            break;
        }
        n += 16;
    }
    n + bytes[n..].iter().take_while(|&&b| b == 0).count()
}

/// All blobs, appendable while shared.
#[derive(Default)]
pub struct Blobs {
    list: boxcar::Vec<Blob>,
}

impl Blobs {
    pub fn push(&self, blob: Blob) -> usize {
        self.list.push(blob)
    }

    pub fn count(&self) -> usize {
        self.list.count()
    }

    pub fn get(&self, i: usize) -> Option<&Blob> {
        self.list.get(i)
    }

    /// Next free virtual offset (a gap of one keeps blobs from touching).
    pub fn next_base(&self) -> u64 {
        let n = self.count();
        match n.checked_sub(1).and_then(|i| self.get(i)) {
            Some(b) => b.base + b.len() as u64 + 1,
            None => 0,
        }
    }

    /// The blob holding a virtual offset.
    pub fn find(&self, offset: u64) -> Option<&Blob> {
        let (mut lo, mut hi) = (0usize, self.count());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid) {
                Some(b) if b.base <= offset => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo.checked_sub(1).and_then(|i| self.get(i)).filter(|b| b.contains(offset))
    }
}

/// Remembers the last blob found: consecutive events mostly come from the same one.
pub struct BlobCursor<'a> {
    blobs: &'a Blobs,
    last: Option<&'a Blob>,
}

impl<'a> BlobCursor<'a> {
    pub fn new(blobs: &'a Blobs) -> Self {
        BlobCursor { blobs, last: None }
    }

    pub fn find(&mut self, offset: u64) -> Option<&'a Blob> {
        if let Some(b) = self.last
            && b.contains(offset)
        {
            return Some(b);
        }
        self.last = self.blobs.find(offset);
        self.last
    }
}

/// An empty vector with room for `capacity` items whose buffer, when big, is backed by
/// transparent huge pages where the kernel offers them (Linux, THP in `madvise` mode): the
/// event arrays of a big index are written once, and one page fault per 2 MiB instead of
/// one per 4 KiB saves a tenth of a second per gigabyte in a VM.
pub fn vec_with_huge_pages<T>(capacity: usize) -> Vec<T> {
    let v = Vec::with_capacity(capacity);
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = v.as_ptr() as usize;
        let end = (start + capacity * std::mem::size_of::<T>()) / HUGE * HUGE;
        let aligned = start.next_multiple_of(HUGE);
        if end > aligned {
            // SAFETY: the range lies inside the vector's own allocation; the advice only
            // changes how the kernel backs those pages, never their contents.
            unsafe {
                libc::madvise(aligned as *mut libc::c_void, end - aligned, libc::MADV_HUGEPAGE);
            }
        }
    }
    v
}

/// Events in timeline order: the sorted initial load, then what follow mode appended.
#[derive(Clone, Default)]
pub struct EventStore {
    /// A `Vec` behind the `Arc`: converting to `Arc<[Event]>` would copy every event.
    base: Arc<Vec<Event>>,
    live: Arc<boxcar::Vec<Event>>,
}

impl EventStore {
    pub fn from_sorted(events: Vec<Event>) -> EventStore {
        EventStore { base: Arc::new(events), live: Arc::default() }
    }

    pub fn len(&self) -> usize {
        self.base.len() + self.live.count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<Event> {
        match self.base.get(i) {
            Some(e) => Some(*e),
            None => self.live.get(i - self.base.len()).copied(),
        }
    }

    /// Appends (follow mode). Only the owner of the index calls this.
    pub fn push(&self, e: Event) -> usize {
        self.live.push(e) + self.base.len()
    }

    /// The sorted initial load as one slice (for scans on all cores), and what follow
    /// mode appended after it.
    pub fn parts(&self) -> (&[Event], impl Iterator<Item = Event> + '_) {
        (&self.base, self.live.iter().map(|(_, e)| *e))
    }

    /// Events `range`, in order, for scans.
    pub fn for_each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(usize, Event)) {
        let split = self.base.len();
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        if start < split {
            for (k, e) in self.base[start..end.min(split)].iter().enumerate() {
                f(start + k, *e);
            }
        }
        for i in start.max(split)..end {
            if let Some(e) = self.live.get(i - split) {
                f(i, *e);
            }
        }
    }
}
