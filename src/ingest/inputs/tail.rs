//! The tail cursor: follows one file *by name*, like `tail -F`. It reads by offset (never
//! mmap: a truncating writer would kill a mapped reader with SIGBUS), hands out complete
//! lines only, holds a partial last line until its newline arrives, and survives
//! truncation, rename-and-create rotation, deletion and re-creation, and in-place rewrites.
//! Every complete line is delivered exactly once, in file order.
//!
//! A file renamed away or removed may still be written by a writer that holds it open, so
//! the cursor hands its handle over (`take_rotated`) as a cursor of its own that reads
//! the rest and the late lines through that handle until the file has been idle for
//! `DRAIN_GRACE_MS` (like Fluent Bit's `Rotate_Wait` and Vector's `rotate_wait`), then
//! closes it: rotations never pile up open files.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// At most this much is read per poll, so one huge append cannot stall the caller.
const READ_LIMIT: usize = 8 << 20;
/// Bytes at the start of the file remembered to notice a rewrite that grew past our offset.
const HEAD_BYTES: usize = 64;
/// How long a rotated-away or removed file is still read after it last grew: writers that
/// hold it open finish their lines there, often a second or two after the rotation
/// (Fluent Bit's `Rotate_Wait` defaults to the same).
pub const DRAIN_GRACE_MS: i64 = 5_000;

/// What a poll found.
#[derive(Debug, PartialEq, Eq)]
pub enum TailEvent {
    /// Complete lines (each ending in `\n`), starting at `file_offset` of the current file.
    Lines { bytes: Vec<u8>, file_offset: u64 },
    /// A line that never got its newline before the file went away; delivered once.
    Incomplete { bytes: Vec<u8>, file_offset: u64 },
    /// The file was truncated or rewritten: reading restarts at the beginning.
    Truncated { was: u64, now: u64 },
    /// Renamed away and replaced: the old file is handed over (see `take_rotated`) to be
    /// read to its end and for late writes; now reading the new one.
    Rotated,
    /// The file is gone (its handle handed over like a rotated one); waiting for it to come back.
    Removed,
    /// The file (re)appeared and is being read from the start.
    Appeared,
    /// A handed-over file was idle for the grace period: its handle is closed, after its
    /// last line without newline (if any) was delivered as `Incomplete`.
    Closed,
}

/// How a cursor finds its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Follow {
    /// By name: whatever file the name points to now (the writer's current file).
    ByName,
    /// By the open handle only: a file renamed away or removed, read until it has not
    /// grown for `DRAIN_GRACE_MS` (the name may already belong to another file).
    Handle { last_growth_ms: i64 },
}

/// File identity, so a replaced file is noticed even if it has the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Identity {
    dev: u64,
    ino: u64,
}

/// (device, inode) of a path, when the platform tells.
pub fn identity_of(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().as_ref().and_then(identity).map(|i| (i.dev, i.ino))
}

fn identity(meta: &std::fs::Metadata) -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Identity { dev: meta.dev(), ino: meta.ino() })
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

pub struct TailCursor {
    path: PathBuf,
    file: Option<File>,
    id: Option<Identity>,
    /// Bytes of the current file consumed (delivered or held as `partial`).
    offset: u64,
    /// Bytes after the last newline, waiting for it.
    partial: Vec<u8>,
    head: Vec<u8>,
    /// Whether the file was ever seen (to tell "appeared" from "reappeared").
    seen: bool,
    missing_reported: bool,
    follow: Follow,
    /// A handle-following cursor that reached its end: nothing more will be read.
    closed: bool,
    /// Old files handed over at rotation or removal, until the caller takes them.
    rotated: Vec<TailCursor>,
}

impl TailCursor {
    /// Follows `path` from its beginning (its history is delivered by the first poll).
    pub fn new(path: impl Into<PathBuf>) -> TailCursor {
        TailCursor {
            path: path.into(),
            file: None,
            id: None,
            offset: 0,
            partial: Vec::new(),
            head: Vec::new(),
            seen: false,
            missing_reported: false,
            follow: Follow::ByName,
            closed: false,
            rotated: Vec::new(),
        }
    }

    /// Reads the file through the handle it opens first, never reopening the name, until
    /// the file has been idle for `DRAIN_GRACE_MS` after `now_ms`: for a file that rotation
    /// already renamed away (`app.log.1`), whose name the next rotation gives to another file.
    pub fn draining(mut self, now_ms: i64) -> TailCursor {
        self.follow = Follow::Handle { last_growth_ms: now_ms };
        self
    }

    /// Follows `path` from its current end: only lines written from now on.
    pub fn from_end(path: impl Into<PathBuf>) -> TailCursor {
        TailCursor::from_offset(path, u64::MAX)
    }

    /// Follows `path` from `offset` (clamped to its size): lines written after that point.
    /// A line cut at `offset` is delivered whole once its newline arrives.
    pub fn from_offset(path: impl Into<PathBuf>, offset: u64) -> TailCursor {
        let mut c = TailCursor::new(path);
        if let Ok(mut f) = File::open(&c.path)
            && let Ok(meta) = f.metadata()
        {
            c.id = identity(&meta);
            c.offset = meta.len().min(offset);
            c.head = read_head(&mut f).unwrap_or_default();
            c.file = Some(f);
            c.seen = true;
            // A partial line at the end is completed by the writer: keep it for later.
            if let Some(last_nl) = last_newline_before(&mut c) {
                c.partial = read_range(c.file.as_mut(), last_nl, c.offset).unwrap_or_default();
            }
        }
        c
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// (device, inode) of the file being read, when the platform tells.
    pub fn identity(&self) -> Option<(u64, u64)> {
        self.id.map(|i| (i.dev, i.ino))
    }

    /// Whether this cursor reads a rotated-away or removed file through its handle.
    pub fn is_draining(&self) -> bool {
        matches!(self.follow, Follow::Handle { .. })
    }

    /// Whether a draining cursor has closed its file for good.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The old files handed over since the last call, when the name stopped pointing to
    /// the file being read (`Rotated`, `Removed`): each is a draining cursor that the
    /// caller polls for the rest of the file and late writes until it reports `Closed`.
    pub fn take_rotated(&mut self) -> Vec<TailCursor> {
        std::mem::take(&mut self.rotated)
    }

    /// Looks at the file and returns what changed, at the system clock's time.
    pub fn poll(&mut self) -> Vec<TailEvent> {
        self.poll_at(chrono::Utc::now().timestamp_millis())
    }

    /// Looks at the file and returns what changed; `now_ms` (milliseconds since the epoch)
    /// times a draining cursor's grace period. Never fails: I/O problems read as "nothing
    /// new" and are retried on the next poll.
    pub fn poll_at(&mut self, now_ms: i64) -> Vec<TailEvent> {
        match self.follow {
            Follow::ByName => self.poll_by_name(now_ms),
            Follow::Handle { last_growth_ms } => self.poll_handle(now_ms, last_growth_ms),
        }
    }

    fn poll_by_name(&mut self, now_ms: i64) -> Vec<TailEvent> {
        let mut out = Vec::new();
        let meta = std::fs::metadata(&self.path);
        let Ok(meta) = meta else {
            // Gone (deleted or renamed away): a writer may still hold it open.
            if self.file.is_some() {
                self.hand_over(now_ms);
                self.id = None;
            }
            if self.seen && !self.missing_reported {
                out.push(TailEvent::Removed);
                self.missing_reported = true;
            }
            return out;
        };
        let new_id = identity(&meta);
        if self.file.is_some() && new_id.is_some() && new_id != self.id {
            self.hand_over(now_ms);
            out.push(TailEvent::Rotated);
        }
        if self.file.is_none() {
            let Ok(f) = File::open(&self.path) else { return out };
            if self.seen && !out.contains(&TailEvent::Rotated) {
                out.push(TailEvent::Appeared);
            }
            // The identity of what was opened, not of what the name showed a moment ago: a
            // rotation in between would pair the old file's identity with the new file, and
            // the next poll would take the new file for a rotation and read it twice.
            self.id = f.metadata().ok().as_ref().and_then(identity);
            self.file = Some(f);
            self.offset = 0;
            self.partial.clear();
            self.head.clear();
            self.seen = true;
            self.missing_reported = false;
        }
        // The size of the file being read, which is the one the name showed unless it just moved on.
        let len = self.file.as_ref().and_then(|f| f.metadata().ok()).map_or(meta.len(), |m| m.len());
        self.read_from_start_if_cut(len, &mut out);
        self.read_new(len, &mut out);
        out
    }

    /// Reads through the handle only; closes once nothing was added for the grace period.
    fn poll_handle(&mut self, now_ms: i64, last_growth_ms: i64) -> Vec<TailEvent> {
        let mut out = Vec::new();
        if self.closed {
            return out;
        }
        if self.file.is_none() && !self.seen {
            // Made by `draining`: the one time the name is used.
            self.seen = true;
            if let Ok(f) = File::open(&self.path) {
                self.id = f.metadata().ok().as_ref().and_then(identity);
                self.file = Some(f);
            }
        }
        let Some(len) = self.file.as_ref().and_then(|f| f.metadata().ok()).map(|m| m.len()) else {
            self.close(&mut out);
            return out;
        };
        let before = (self.offset, out.len());
        self.read_from_start_if_cut(len, &mut out);
        self.read_new(len, &mut out);
        let grew = (self.offset, out.len()) != before;
        // A clock stepped back restarts the wait rather than stretching it.
        if grew || now_ms < last_growth_ms {
            self.follow = Follow::Handle { last_growth_ms: now_ms };
        } else if now_ms - last_growth_ms >= DRAIN_GRACE_MS {
            self.close(&mut out);
        }
        out
    }

    /// Notices a truncation or rewrite (the file is now `len` bytes) and starts over.
    fn read_from_start_if_cut(&mut self, len: u64, out: &mut Vec<TailEvent>) {
        let rewritten = self.offset > 0 && self.head_changed();
        if len < self.offset || rewritten {
            out.push(TailEvent::Truncated { was: self.offset, now: len });
            self.offset = 0;
            self.partial.clear();
            self.head.clear();
        }
    }

    /// The name no longer leads to our file: hands the handle (with what is left to read
    /// and the partial last line) over as a draining cursor, named as the file is called
    /// now if it was renamed within its folder: what is read from now on is in that file.
    fn hand_over(&mut self, now_ms: i64) {
        let Some(file) = self.file.take() else { return };
        let path = self.id.and_then(|id| renamed_to(&self.path, id)).unwrap_or_else(|| self.path.clone());
        self.rotated.push(TailCursor {
            path,
            file: Some(file),
            id: self.id,
            offset: self.offset,
            partial: std::mem::take(&mut self.partial),
            head: std::mem::take(&mut self.head),
            seen: true,
            missing_reported: false,
            follow: Follow::Handle { last_growth_ms: now_ms },
            closed: false,
            rotated: Vec::new(),
        });
    }

    /// Stops a draining cursor before its grace period ends: what the file holds is read
    /// first, and a last line without newline is delivered as incomplete.
    pub fn finish(&mut self) -> Vec<TailEvent> {
        let mut out = Vec::new();
        if self.closed || !self.is_draining() {
            return out;
        }
        while let Some(len) = self.file.as_ref().and_then(|f| f.metadata().ok()).map(|m| m.len()) {
            let before = (self.offset, out.len());
            self.read_from_start_if_cut(len, &mut out);
            self.read_new(len, &mut out);
            if (self.offset, out.len()) == before {
                break;
            }
        }
        self.close(&mut out);
        out
    }

    /// The end of a draining cursor: a last line without newline is delivered once.
    fn close(&mut self, out: &mut Vec<TailEvent>) {
        if !self.partial.is_empty() {
            let bytes = std::mem::take(&mut self.partial);
            out.push(TailEvent::Incomplete { file_offset: self.offset - bytes.len() as u64, bytes });
        }
        self.file = None;
        self.closed = true;
        out.push(TailEvent::Closed);
    }

    fn head_changed(&mut self) -> bool {
        if self.head.is_empty() {
            return false;
        }
        match self.file.as_mut().map(read_head) {
            Some(Ok(now)) => now.len() < self.head.len() || now[..self.head.len()] != self.head[..],
            _ => false,
        }
    }

    /// Reads from our offset to `len` (bounded), emitting complete lines.
    fn read_new(&mut self, len: u64, out: &mut Vec<TailEvent>) {
        if len <= self.offset {
            return;
        }
        let want = ((len - self.offset) as usize).min(READ_LIMIT);
        let Ok(chunk) = read_range(self.file.as_mut(), self.offset, self.offset + want as u64) else { return };
        if chunk.is_empty() {
            return;
        }
        if self.head.len() < HEAD_BYTES && self.offset < HEAD_BYTES as u64 {
            let take = (HEAD_BYTES - self.offset as usize).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.offset += chunk.len() as u64;
        self.emit(chunk, out);
    }

    fn emit(&mut self, chunk: Vec<u8>, out: &mut Vec<TailEvent>) {
        let start = self.offset - chunk.len() as u64 - self.partial.len() as u64;
        match memchr::memrchr(b'\n', &chunk) {
            None => self.partial.extend_from_slice(&chunk),
            Some(last) => {
                let mut bytes = std::mem::take(&mut self.partial);
                bytes.extend_from_slice(&chunk[..=last]);
                self.partial = chunk[last + 1..].to_vec();
                out.push(TailEvent::Lines { bytes, file_offset: start });
            }
        }
    }
}

/// Where a file renamed within its folder went: the entry beside `path` with identity `id`.
fn renamed_to(path: &Path, id: Identity) -> Option<PathBuf> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.metadata().ok().as_ref().and_then(identity) == Some(id))
        .map(|e| e.path())
}

fn read_head(f: &mut File) -> io::Result<Vec<u8>> {
    let mut head = vec![0u8; HEAD_BYTES];
    f.seek(SeekFrom::Start(0))?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    head.truncate(n);
    Ok(head)
}

fn read_range(file: Option<&mut File>, from: u64, to: u64) -> io::Result<Vec<u8>> {
    let f = file.ok_or_else(|| io::Error::other("no file"))?;
    f.seek(SeekFrom::Start(from))?;
    let mut buf = Vec::with_capacity((to - from) as usize);
    f.take(to - from).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Offset just after the last newline before the cursor's offset (looking back at most
/// 1 MiB), for starting at the end without splitting a line.
fn last_newline_before(c: &mut TailCursor) -> Option<u64> {
    let end = c.offset;
    let from = end.saturating_sub(1 << 20);
    let tail = read_range(c.file.as_mut(), from, end).ok()?;
    match memchr::memrchr(b'\n', &tail) {
        Some(k) if from + k as u64 + 1 == end => None,
        Some(k) => Some(from + k as u64 + 1),
        None if from == 0 => Some(0),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn lines(events: &[TailEvent]) -> String {
        events
            .iter()
            .filter_map(|e| match e {
                TailEvent::Lines { bytes, .. } | TailEvent::Incomplete { bytes, .. } => {
                    Some(String::from_utf8_lossy(bytes).into_owned())
                }
                _ => None,
            })
            .collect()
    }

    fn append(path: &Path, text: &str) {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn partial_lines_wait_for_their_newline() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        append(&p, "one\ntw");
        let mut c = TailCursor::new(&p);
        assert_eq!(lines(&c.poll()), "one\n");
        append(&p, "o\nthree");
        assert_eq!(lines(&c.poll()), "two\n");
        assert_eq!(c.poll(), vec![]);
        append(&p, "\n");
        let ev = c.poll();
        assert_eq!(ev, vec![TailEvent::Lines { bytes: b"three\n".to_vec(), file_offset: 8 }]);
    }

    #[test]
    fn from_end_skips_history_but_keeps_a_half_written_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        append(&p, "old\nhal");
        let mut c = TailCursor::from_end(&p);
        assert_eq!(c.poll(), vec![]);
        append(&p, "f\nnew\n");
        assert_eq!(lines(&c.poll()), "half\nnew\n");
    }
}
