//! Follow mode's file selection: which files of a log folder to tail, and when. Today's
//! file (by its date in the local calendar) is tailed with its history; at midnight the new
//! day's file is picked up when it appears while yesterday's keeps draining late lines;
//! any other log file that is created or starts growing is tailed from where it was.
//! A file that rotation renames away (or that is removed) keeps being read through its
//! open handle, under the name it has now, until it has been idle for a grace period;
//! so is a file found under a rotated name (`app.log.1`) that was never read.
//! Change notifications (notify) only wake us up; a stat poll is the safety net, because
//! notifications go missing on network drives, macOS and Windows.

use super::sources::{self, Format, Origin};
use super::tail::{DRAIN_GRACE_MS, TailCursor, TailEvent};
use crate::ingest::dialects::csv::{CsvHeader, first_line};
use crate::ingest::parse::{Chunk, RangeSpec, Records, parse_range};
use crate::ingest::time::Zone;
use crate::ingest::time_other::{DateOrder, VOTE_BYTES, vote_date_order_of_log};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// Milliseconds since the epoch "now"; injected so tests can cross midnight.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp_millis())
}

/// How often the folder is listed again (new files, a removed folder).
const RESCAN_MS: i64 = 1000;
/// Stat-poll interval: with notify it is only the safety net.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);
pub const NOTIFY_SAFETY_INTERVAL: Duration = Duration::from_millis(250);
/// Rotated-away files read at once, at most: a burst of rotations must not use up the
/// open files a process may have (256 by default on macOS), or nothing could be opened.
pub const MAX_DRAINING: usize = 128;

/// Complete lines of one file, already parsed (offsets relative to `bytes`).
pub struct Piece {
    pub name: String,
    pub path: PathBuf,
    pub format: Format,
    pub csv: Option<Arc<CsvHeader>>,
    pub bytes: Vec<u8>,
    pub file_offset: u64,
    /// Line number in its file of the piece's first line (1 after a truncation or a new
    /// file; a rotated file's late lines go on from where the file had got to).
    pub first_line: u64,
    pub chunk: Chunk,
}

/// What one poll found.
#[derive(Default)]
pub struct Batch {
    pub pieces: Vec<Piece>,
    /// Human-readable notices: truncation, rotation, waiting for a file, midnight.
    pub notices: Vec<String>,
    /// What is being followed now, for the status bar.
    pub following: String,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty() && self.notices.is_empty()
    }
}

struct Followed {
    name: String,
    format: Format,
    cursor: TailCursor,
    csv: Option<Arc<CsvHeader>>,
    /// Lines of the file delivered so far: the next piece starts at line `lines + 1`.
    lines: u64,
    /// A CSV row whose quoted cell was still open at the end of what was read (a traceback
    /// being written), and its file offset: delivered whole once the cell closes.
    held: Vec<u8>,
    held_at: u64,
    /// How its `a/b/yyyy` dates read, voted on the bytes read so far (as a sealed file's
    /// first megabyte is); the first decision holds.
    date_order: DateOrder,
    voted_bytes: usize,
}

impl Followed {
    /// Votes on the date order of a CSV or text log's newly read bytes until one shows it.
    fn vote_date_order(&mut self, bytes: &[u8]) {
        let log = matches!(self.format, Format::Csv | Format::Lines);
        if self.date_order != DateOrder::Guess || !log || self.voted_bytes >= VOTE_BYTES {
            return;
        }
        self.date_order = vote_date_order_of_log(bytes, self.format == Format::Csv);
        self.voted_bytes += bytes.len();
    }

    /// The old file that the cursor handed over at a rotation or removal, followed on its
    /// own under the name it has now, with what this one knew of it (header, date order,
    /// line count, a CSV row still open).
    fn handed_over(&mut self, cursor: TailCursor) -> Followed {
        let name = match cursor.path().file_name() {
            Some(file) if cursor.path() != self.cursor.path() => match self.name.rsplit_once('/') {
                Some((folder, _)) => format!("{folder}/{}", file.to_string_lossy()),
                None => file.to_string_lossy().into_owned(),
            },
            _ => self.name.clone(),
        };
        Followed {
            name,
            format: self.format,
            cursor,
            csv: self.csv.clone(),
            lines: self.lines,
            held: std::mem::take(&mut self.held),
            held_at: self.held_at,
            date_order: self.date_order,
            voted_bytes: self.voted_bytes,
        }
    }

    /// Turns what the cursor saw into pieces and notices; old files handed over at a
    /// rotation or removal join `handed_over`, to be followed on their own.
    fn deliver(
        &mut self,
        events: Vec<TailEvent>,
        now: i64,
        zone: Zone,
        batch: &mut Batch,
        handed_over: &mut Vec<Followed>,
    ) {
        for event in events {
            if matches!(event, TailEvent::Rotated | TailEvent::Removed) {
                for cursor in self.cursor.take_rotated() {
                    // The old file goes on (with a row still open) under its new name; what
                    // it holds past what was read comes before the new file's lines.
                    let mut old = self.handed_over(cursor);
                    let events = old.cursor.poll_at(now);
                    old.deliver(events, now, zone, batch, handed_over);
                    handed_over.push(old);
                }
            }
            if !matches!(event, TailEvent::Lines { .. } | TailEvent::Incomplete { .. }) {
                // The file ends or restarts: a row still open is as complete as it gets.
                release_held(self, batch, zone);
            }
            match event {
                TailEvent::Lines { bytes, file_offset } => {
                    if self.format == Format::Csv && file_offset == 0 && self.csv.is_none() {
                        self.csv = first_line(&bytes).and_then(|(_, l)| CsvHeader::parse(l)).map(Arc::new);
                    }
                    self.vote_date_order(&bytes);
                    let (mut bytes, file_offset) = with_held(self, bytes, file_offset, batch, zone);
                    if let Some(h) = self.csv.as_deref() {
                        let complete = complete_rows(&bytes, h);
                        self.held = bytes.split_off(complete);
                        self.held_at = file_offset + complete as u64;
                    }
                    if !bytes.is_empty() {
                        batch.pieces.push(piece(self, bytes, file_offset, zone));
                    }
                }
                TailEvent::Incomplete { bytes, file_offset } => {
                    let (bytes, file_offset) = with_held(self, bytes, file_offset, batch, zone);
                    batch.pieces.push(piece(self, bytes, file_offset, zone));
                }
                TailEvent::Truncated { was, now: len } => {
                    self.lines = 0;
                    if self.format == Format::Csv {
                        self.csv = None;
                    }
                    batch.notices.push(format!(
                        "{} was truncated ({} → {} bytes): reading it again from the start",
                        self.name, was, len
                    ));
                }
                TailEvent::Rotated => {
                    self.lines = 0;
                    batch.notices.push(format!("{} was replaced (rotated): reading the new file", self.name));
                }
                TailEvent::Removed => batch.notices.push(format!("{} was removed: waiting for it", self.name)),
                TailEvent::Appeared => {
                    self.lines = 0;
                    batch.notices.push(format!("{} is back: reading it", self.name));
                }
                TailEvent::Closed => batch.notices.push(format!(
                    "{} is no longer read: nothing was added for {} s since it was rotated away or removed",
                    self.name,
                    DRAIN_GRACE_MS / 1000
                )),
            }
        }
    }
}

pub struct Follower {
    root: PathBuf,
    root_is_file: bool,
    zone: Zone,
    clock: Clock,
    files: Vec<Followed>,
    /// Sizes of log files seen but not followed (to notice one that starts growing).
    idle: FxHashMap<PathBuf, u64>,
    /// Files (device, inode) already read: a followed file renamed away by rotation shows
    /// up under a new name and must not be read again from the start.
    read_ids: rustc_hash::FxHashSet<(u64, u64)>,
    today: Option<NaiveDate>,
    last_scan: i64,
    scanned_once: bool,
    root_missing: bool,
    /// The folder came back after being removed: the watch must be set up again.
    root_returned: bool,
}

/// `2026-05-17` and `20260517` forms of a date, as they appear in log file names.
fn date_tokens(d: NaiveDate) -> [String; 2] {
    [d.format("%Y-%m-%d").to_string(), d.format("%Y%m%d").to_string()]
}

impl Follower {
    pub fn new(root: impl Into<PathBuf>, zone: Zone, clock: Clock) -> Follower {
        let root = root.into();
        let root_is_file = root.is_file();
        Follower {
            root,
            root_is_file,
            zone,
            clock,
            files: Vec::new(),
            idle: FxHashMap::default(),
            read_ids: rustc_hash::FxHashSet::default(),
            today: None,
            last_scan: i64::MIN,
            scanned_once: false,
            root_missing: false,
            root_returned: false,
        }
    }

    /// Whether the folder reappeared since the last call (the watch needs re-arming).
    pub fn take_root_returned(&mut self) -> bool {
        std::mem::take(&mut self.root_returned)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Names of the files being tailed.
    pub fn followed(&self) -> Vec<String> {
        self.files.iter().map(|f| f.name.clone()).collect()
    }

    /// What the status bar should say is being followed (rotated files still drained
    /// are not: they are on their way out).
    pub fn describe(&self) -> String {
        let today = self.today.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let live: Vec<&Followed> = self.files.iter().filter(|f| !f.cursor.is_draining()).collect();
        match live.len() {
            0 if self.root_is_file => format!("waiting for {}", sources::display_path(&self.root)),
            0 => format!("waiting for a log file dated {today}"),
            1 => live[0].name.clone(),
            n => format!("{} (+{} more)", live[n - 1].name, n - 1),
        }
    }

    /// Lists the folder (at most once a second unless `force`) and reads what is new.
    pub fn poll(&mut self, force_scan: bool) -> Batch {
        let mut batch = Batch::default();
        let now = (self.clock)();
        if force_scan || now.saturating_sub(self.last_scan) >= RESCAN_MS || now < self.last_scan {
            self.scan(now, &mut batch);
            self.last_scan = now;
        }
        batch.following = self.describe();
        let mut handed_over = Vec::new();
        for f in &mut self.files {
            let events = f.cursor.poll_at(now);
            if let Some(id) = f.cursor.identity() {
                self.read_ids.insert(id);
            }
            f.deliver(events, now, self.zone, &mut batch, &mut handed_over);
        }
        self.files.extend(handed_over);
        self.finish_excess_draining(now, &mut batch);
        // Closed handles are released here: nothing keeps a rotated file open for long.
        self.files.retain(|f| !f.cursor.is_closed());
        batch
    }

    /// Past `MAX_DRAINING` rotated files, the ones handed over first are read to their end
    /// and closed before their grace period ends (late lines to them are no longer read).
    fn finish_excess_draining(&mut self, now: i64, batch: &mut Batch) {
        let draining = self.files.iter().filter(|f| f.cursor.is_draining() && !f.cursor.is_closed()).count();
        let excess = draining.saturating_sub(MAX_DRAINING);
        let oldest = self.files.iter_mut().filter(|f| f.cursor.is_draining() && !f.cursor.is_closed()).take(excess);
        for f in oldest {
            let events = f.cursor.finish().into_iter().filter(|e| *e != TailEvent::Closed).collect();
            f.deliver(events, now, self.zone, batch, &mut Vec::new());
            release_held(f, batch, self.zone);
            batch.notices.push(format!(
                "{} is no longer read: more than {MAX_DRAINING} rotated files were being read at once",
                f.name
            ));
        }
    }

    fn scan(&mut self, now: i64, batch: &mut Batch) {
        let today = self.zone.date_of(now);
        if self.today.is_some()
            && today != self.today
            && let Some(d) = today
        {
            batch.notices.push(format!("midnight: now following files dated {}", d.format("%Y-%m-%d")));
        }
        self.today = today;
        if self.root_is_file {
            if self.files.is_empty() {
                let name = sources::display_path(self.root.file_name().map(Path::new).unwrap_or(&self.root));
                self.add(name, format_of(&self.root), TailCursor::new(&self.root));
            }
            return;
        }
        if !self.root.is_dir() {
            if !self.root_missing {
                batch.notices.push(format!("{} is missing: waiting for it", sources::display_path(&self.root)));
                self.root_missing = true;
            }
            return;
        }
        if self.root_missing {
            batch.notices.push(format!("{} is back", sources::display_path(&self.root)));
            self.root_missing = false;
            self.root_returned = true;
        }
        let tokens = today.map(date_tokens);
        let found = sources::discover(std::slice::from_ref(&self.root));
        for input in found.inputs {
            let Origin::File(path) = input.origin else { continue };
            if self.files.iter().any(|f| f.cursor.path() == path) {
                continue;
            }
            let is_today = tokens.as_ref().is_some_and(|t| t.iter().any(|tok| input.name.contains(tok.as_str())));
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let already_read = super::tail::identity_of(&path).is_some_and(|id| self.read_ids.contains(&id));
            let cursor = if already_read {
                // A followed file renamed by rotation: its lines were delivered (late ones
                // by its handle, until it was idle).
                self.idle.entry(path).or_insert(size);
                None
            } else if is_today {
                // Today's file: with its history (also when it appears later, e.g. at midnight).
                self.idle.remove(&path);
                Some(TailCursor::new(&path))
            } else if !self.scanned_once {
                self.idle.insert(path, size);
                None
            } else {
                match self.idle.get(&path).copied() {
                    // A file that appeared after we started: all of it is new.
                    None => Some(TailCursor::new(&path)),
                    // An old file that started growing: only what was added.
                    Some(was) if size > was => {
                        self.idle.remove(&path);
                        Some(TailCursor::from_offset(&path, was))
                    }
                    Some(was) if size < was => {
                        self.idle.insert(path, size);
                        None
                    }
                    Some(_) => None,
                }
            };
            let Some(mut cursor) = cursor else { continue };
            if sources::is_rotated_name(&input.name) {
                // Under a rotated name (rotated again before we read it under its own), a
                // file is read by its handle until idle: following the name would read the
                // next rotated file from the start again, and keep a handle open for good.
                cursor = cursor.draining(now);
                // The name may have been given to a file already read since it was listed.
                if cursor.identity().is_some_and(|id| self.read_ids.contains(&id)) {
                    continue;
                }
            }
            self.add(input.name, input.format, cursor);
        }
        if !self.scanned_once && self.files.is_empty() {
            batch.notices.push(self.describe());
        }
        self.scanned_once = true;
    }

    fn add(&mut self, name: String, format: Format, cursor: TailCursor) {
        self.files.push(Followed {
            name,
            format,
            cursor,
            csv: None,
            lines: 0,
            held: Vec::new(),
            held_at: 0,
            date_order: DateOrder::Guess,
            voted_bytes: 0,
        });
    }
}

/// `bytes` read at `file_offset`, after the row held back from the read before (delivered
/// on its own if the bytes do not continue it).
fn with_held(f: &mut Followed, bytes: Vec<u8>, file_offset: u64, batch: &mut Batch, zone: Zone) -> (Vec<u8>, u64) {
    if f.held_at + f.held.len() as u64 != file_offset {
        release_held(f, batch, zone);
    }
    if f.held.is_empty() {
        return (bytes, file_offset);
    }
    let mut joined = std::mem::take(&mut f.held);
    joined.extend_from_slice(&bytes);
    (joined, f.held_at)
}

/// Delivers a held row as it is (its quote never closed).
fn release_held(f: &mut Followed, batch: &mut Batch, zone: Zone) {
    if !f.held.is_empty() {
        let bytes = std::mem::take(&mut f.held);
        let at = f.held_at;
        batch.pieces.push(piece(f, bytes, at, zone));
    }
}

/// How many bytes of `bytes` (whole lines of a CSV file, from a row's start) are complete
/// rows: a last row whose quoted cell is still open waits for the writer to close it,
/// unless it already spans more lines than a row may.
fn complete_rows(bytes: &[u8], header: &CsvHeader) -> usize {
    let mut pos = 0;
    while pos < bytes.len() {
        let row = crate::ingest::dialects::csv::row(bytes, pos, header);
        if row.unclosed
            && memchr::memchr_iter(b'\n', &bytes[pos..]).count() <= crate::ingest::dialects::csv::MAX_ROW_LINES
        {
            return pos;
        }
        pos = row.end + 1;
    }
    bytes.len()
}

fn format_of(path: &Path) -> Format {
    match sources::kind_of(&path.to_string_lossy()) {
        sources::Kind::Log(f) => f,
        _ => Format::Lines,
    }
}

/// Parses complete lines of `f` read at `file_offset`, numbering them on from its last piece.
fn piece(f: &mut Followed, bytes: Vec<u8>, file_offset: u64, zone: Zone) -> Piece {
    let header_at =
        (f.csv.is_some() && file_offset == 0).then(|| first_line(&bytes).map(|(at, _)| at as u64)).flatten();
    let records = match f.csv.as_deref() {
        Some(header) => Records::Csv { header, header_at },
        None => Records::Lines,
    };
    let spec =
        RangeSpec { at_file_start: file_offset == 0, date_order: f.date_order, ..RangeSpec::new(&bytes, 0, records) };
    let chunk = parse_range(&spec, zone);
    let first_line = f.lines + 1;
    f.lines += chunk.newlines;
    Piece {
        name: f.name.clone(),
        path: f.cursor.path().to_path_buf(),
        format: f.format,
        csv: f.csv.clone(),
        bytes,
        file_offset,
        first_line,
        chunk,
    }
}

/// Wakes the follow loop when the folder changes. Without a watcher (`--poll`, or notify
/// cannot watch) polling alone carries on, at a shorter interval.
pub struct Waker {
    watcher: Option<notify::RecommendedWatcher>,
    rx: Receiver<()>,
    tx: std::sync::mpsc::Sender<()>,
    interval: Duration,
    poll_only: bool,
}

impl Waker {
    pub fn new(root: &Path, poll_only: bool) -> Waker {
        let (tx, rx) = channel();
        let mut w = Waker { watcher: None, rx, tx, interval: POLL_INTERVAL, poll_only };
        w.rearm(root);
        w
    }

    /// (Re)creates the watch, e.g. after the folder was removed and created again.
    pub fn rearm(&mut self, root: &Path) {
        self.watcher = None;
        let tx = self.tx.clone();
        let mut watcher = None;
        if !self.poll_only {
            let watch_root =
                if root.is_file() { root.parent().unwrap_or(root).to_path_buf() } else { root.to_path_buf() };
            let made = notify::recommended_watcher(move |_res: notify::Result<notify::Event>| {
                let _ = tx.send(());
            });
            if let Ok(mut w) = made {
                use notify::Watcher;
                if w.watch(&watch_root, notify::RecursiveMode::Recursive).is_ok() {
                    watcher = Some(w);
                }
            }
        }
        self.interval = if watcher.is_some() { NOTIFY_SAFETY_INTERVAL } else { POLL_INTERVAL };
        self.watcher = watcher;
    }

    pub fn is_notifying(&self) -> bool {
        self.watcher.is_some()
    }

    /// Waits for a change notification or the poll interval; returns whether the folder
    /// changed (so it is listed again now).
    pub fn wait(&self) -> bool {
        match self.rx.recv_timeout(self.interval) {
            Ok(()) => {
                // Coalesce a burst of notifications into one wake-up.
                while self.rx.try_recv().is_ok() {}
                true
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => false,
        }
    }
}
