//! The cache folder: one file per entry, written whole under a temporary name and renamed
//! into place, checked whole before use, evicted oldest first.
//!
//! An entry: magic, format version, the key's full descriptor, the sizes of the tables and
//! events sections, a CRC-32 of both, then the sections. Anything that does not match
//! (another version, another key, a length that does not add up, a flipped bit) makes the
//! entry unused, and the next fresh build replaces it.

use super::codec::{Bad, Read, Reader, Writer};
use super::tables::EVENT_BYTES;
use crate::ingest::inputs::mapped::SafeMap;
use std::fs::{self, File};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const MAGIC: &[u8; 8] = b"ATUIIDX\0";
const TEMP_PREFIX: &str = ".tmp-";
/// A temporary file older than this was left by a run that stopped while writing.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// An entry's sections, as mapped from its file.
pub struct Entry {
    map: SafeMap,
    tables: std::ops::Range<usize>,
    events: std::ops::Range<usize>,
}

impl Entry {
    pub fn tables(&self) -> &[u8] {
        self.map.get(self.tables.clone()).unwrap_or_default()
    }

    pub fn events(&self) -> &[u8] {
        self.map.get(self.events.clone()).unwrap_or_default()
    }

    /// The file shrank under the map (someone truncated it): what was read is not it.
    pub fn shrank(&self) -> bool {
        self.map.shrank()
    }
}

/// Opens the entry at `path` if it is whole and was written for `descriptor`.
pub fn open(path: &Path, descriptor: &[u8]) -> Read<Entry> {
    let file = File::open(path).map_err(|_| Bad("no entry"))?;
    let len = file.metadata().map_err(|_| Bad("no entry"))?.len();
    if len < MAGIC.len() as u64 {
        return Err(Bad("too short"));
    }
    let map = SafeMap::map(&file).map_err(|_| Bad("cannot map"))?;
    let mut r = Reader::new(&map);
    if r.take(MAGIC.len())? != MAGIC || r.u32()? != super::FORMAT_VERSION {
        return Err(Bad("another format"));
    }
    if r.bytes()? != descriptor {
        return Err(Bad("another key"));
    }
    let tables_len = usize::try_from(r.u64()?).map_err(|_| Bad("sizes"))?;
    let events = usize::try_from(r.u64()?).map_err(|_| Bad("sizes"))?;
    let crc = r.u32()?;
    let start = map.len() - r.remaining();
    let events_len = events.checked_mul(EVENT_BYTES).ok_or(Bad("sizes"))?;
    let end = start.checked_add(tables_len).and_then(|t| t.checked_add(events_len)).ok_or(Bad("sizes"))?;
    if end != map.len() {
        return Err(Bad("sizes do not add up"));
    }
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&map[start..end]);
    if hasher.finalize() != crc {
        return Err(Bad("checksum"));
    }
    Ok(Entry { tables: start..start + tables_len, events: start + tables_len..end, map })
}

/// Writes an entry into `dir` under `name`: a temporary file first, renamed into place
/// once whole, so that a reader never sees half an entry. `events` writes the events
/// section through the callback it is given.
pub fn write(
    dir: &Path,
    name: &str,
    descriptor: &[u8],
    tables: &[u8],
    event_count: usize,
    events: impl FnOnce(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()>,
) -> io::Result<()> {
    create_dir(dir)?;
    let mut header = Writer::default();
    header.bytes.extend_from_slice(MAGIC);
    header.u32(super::FORMAT_VERSION);
    header.bytes(descriptor);
    header.len(tables.len());
    header.len(event_count);
    let crc_at = header.bytes.len() as u64;
    header.u32(0);
    let mut temp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut written = 0usize;
    {
        let mut out = io::BufWriter::with_capacity(1 << 20, temp.as_file_mut());
        out.write_all(&header.bytes)?;
        out.write_all(tables)?;
        hasher.update(tables);
        events(&mut |bytes: &[u8]| {
            hasher.update(bytes);
            written += bytes.len();
            out.write_all(bytes)
        })?;
        out.flush()?;
    }
    if written != event_count * EVENT_BYTES {
        return Err(io::Error::other("events changed while the cache entry was written"));
    }
    let file = temp.as_file_mut();
    file.seek(SeekFrom::Start(crc_at))?;
    file.write_all(&hasher.finalize().to_le_bytes())?;
    temp.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}

/// The cache folder, private to the user where the platform says so: entries name the
/// users and sessions of the logs.
fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Marks an entry as just used, so that eviction takes it last.
pub fn touch(path: &Path) {
    if let Ok(f) = File::options().write(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
}

/// An entry file's name: 16 hex digits and `.idx`.
fn is_entry(name: &str) -> bool {
    name.strip_suffix(".idx").is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What the folder holds of ours.
#[derive(Default)]
struct Listing {
    /// Entry files: path, size, last use.
    entries: Vec<(PathBuf, u64, SystemTime)>,
    /// Temporary files left behind: path, when made.
    temps: Vec<(PathBuf, SystemTime)>,
}

fn list(dir: &Path) -> io::Result<Listing> {
    let mut listing = Listing::default();
    let read = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(listing),
        Err(e) => return Err(e),
    };
    for item in read.filter_map(Result::ok) {
        let name = item.file_name().to_string_lossy().into_owned();
        let Ok(meta) = item.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        if is_entry(&name) {
            listing.entries.push((item.path(), meta.len(), used));
        } else if name.starts_with(TEMP_PREFIX) {
            listing.temps.push((item.path(), used));
        }
    }
    Ok(listing)
}

/// How many entries, and their bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub entries: usize,
    pub bytes: u64,
}

pub fn stats(dir: &Path) -> io::Result<Stats> {
    let entries = list(dir)?.entries;
    Ok(Stats { entries: entries.len(), bytes: entries.iter().map(|e| e.1).sum() })
}

/// Removes the oldest entries until the rest take at most `max_bytes`, and temporary
/// files a stopped run left. Files of other names are never touched.
pub fn evict(dir: &Path, max_bytes: u64) -> io::Result<Stats> {
    let Listing { mut entries, temps } = list(dir)?;
    let now = SystemTime::now();
    for (path, made) in temps {
        if now.duration_since(made).is_ok_and(|age| age > STALE_TEMP) {
            let _ = fs::remove_file(path);
        }
    }
    entries.sort_by_key(|e| e.2);
    let mut kept = Stats { entries: entries.len(), bytes: entries.iter().map(|e| e.1).sum() };
    for (path, size, _) in entries {
        if kept.bytes <= max_bytes {
            break;
        }
        if fs::remove_file(path).is_ok() {
            kept.bytes -= size;
            kept.entries -= 1;
        }
    }
    Ok(kept)
}

/// Removes every entry and temporary file; returns what the entries took.
pub fn clear(dir: &Path) -> io::Result<Stats> {
    let Listing { entries, temps } = list(dir)?;
    let mut removed = Stats::default();
    for (path, size, _) in entries {
        if fs::remove_file(path).is_ok() {
            removed.entries += 1;
            removed.bytes += size;
        }
    }
    for (path, _) in temps {
        let _ = fs::remove_file(path);
    }
    Ok(removed)
}

/// The size of an entry for `descriptor`, `tables` and `events` events.
pub fn entry_size(descriptor: &[u8], tables: &[u8], events: usize) -> u64 {
    (MAGIC.len() + 4 + 8 + descriptor.len() + 8 + 8 + 4 + tables.len()) as u64 + (events * EVENT_BYTES) as u64
}
