//! The key of a cache entry: everything the index of a bundle depends on, written out in
//! full (the entry keeps it and a hit compares it byte for byte; its hash only names the
//! file). The inputs as discovered (names, formats, what was skipped and why), each file's
//! identity (path, device, inode, size, times) and a sample of its bytes (head and tail),
//! the options, the config's log shapes, the zone rules, and this build of the program.
//! (An index that read dates without a year also depends on the day: the entry says so,
//! and is used on that day only; see [`super::tables::Tables::day`].)

use super::codec::Writer;
use crate::ingest::build::Options;
use crate::ingest::inputs::sources::{Discovery, Origin};
use crate::ingest::time::Zone;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Bytes sampled at each end of a file: a same-size rewrite that keeps the times (a copy
/// with `cp -p`, a clock set back) still changes what the sample reads, as does a file
/// replaced in place.
const SAMPLE_BYTES: u64 = 64 << 10;

/// A file changed more recently than this is not cached: it may still be written, and
/// file systems with coarse times (FAT: 2 s, ext3 and HFS+: 1 s) leave the time of a file
/// written again within the same tick unchanged, so its size and time could match bytes
/// that are no longer there.
pub const RECENT: Duration = Duration::from_secs(5);

/// A cache key and the entry file it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub descriptor: Vec<u8>,
    pub file_name: String,
}

/// Why a bundle gets no cache entry (it is indexed as usual).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Uncacheable {
    Stdin,
    NoInput,
    /// A file changed within [`RECENT`]: maybe still being written.
    Recent(String),
    /// A file could not be looked at.
    Unreadable(String),
}

/// The key of indexing `discovery` with `opts`, as of `now`.
pub fn key(discovery: &Discovery, opts: Options, now: SystemTime) -> Result<Key, Uncacheable> {
    if discovery.inputs.is_empty() {
        return Err(Uncacheable::NoInput);
    }
    let mut w = Writer::default();
    w.str(concat!("audit-tui ", env!("CARGO_PKG_VERSION")));
    w.u32(super::FORMAT_VERSION);
    // The program itself: a build of the same version may read logs otherwise (a parser
    // fix between releases), so a rebuilt or reinstalled binary starts afresh.
    match std::env::current_exe().and_then(std::fs::metadata) {
        Ok(exe) => {
            w.u64(exe.len());
            w.bytes(&nanos(exe.modified()).to_le_bytes());
        }
        Err(_) => w.u64(0),
    }
    zone(&mut w, opts.zone);
    w.i64(opts.gap_minutes);
    w.u64(crate::ingest::dialects::custom::active().map_or(0, |c| c.fingerprint()));
    // Each file once, in the order first met (a zip holds many inputs).
    let mut files: Vec<&Path> = Vec::new();
    let mut seen: std::collections::HashSet<&Path> = std::collections::HashSet::new();
    w.len(discovery.inputs.len());
    for input in &discovery.inputs {
        w.str(&input.name);
        w.str(&format!("{:?}", input.format));
        let (kind, file, entry) = match &input.origin {
            Origin::File(p) => (0, p, ""),
            Origin::ZipEntry { zip, entry } => (1, zip, entry.as_str()),
            Origin::TarEntry { tar, entry, .. } => (2, tar, entry.as_str()),
            Origin::Stdin => return Err(Uncacheable::Stdin),
        };
        w.u8(kind);
        w.str(entry);
        if seen.insert(file.as_path()) {
            files.push(file);
        }
    }
    w.len(discovery.skipped.len());
    for s in &discovery.skipped {
        w.str(&s.name);
        w.str(&s.reason);
    }
    w.len(discovery.problems.len());
    for p in &discovery.problems {
        w.str(&p.name);
        w.str(&p.message);
    }
    w.len(files.len());
    for path in files {
        identity(&mut w, path, now)?;
    }
    let file_name = format!("{:016x}.idx", hash(&w.bytes));
    Ok(Key { descriptor: w.bytes, file_name })
}

fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// The zone's rules: for the local zone, `$TZ` and the offsets it gives through the years
/// (the same name can mean other rules on another machine, or after a tzdata update).
fn zone(w: &mut Writer, zone: Zone) {
    match zone {
        Zone::Utc => w.str("utc"),
        Zone::Fixed(f) => w.str(&format!("fixed {}", f.local_minus_utc())),
        Zone::Named(tz) => w.str(&format!("named {}", tz.name())),
        Zone::Local => {
            w.str("local");
            w.str(&std::env::var("TZ").unwrap_or_default());
            const YEAR_MS: i64 = 31_556_952_000;
            for half_years in 0..2 * 80 {
                // Mid-January and mid-July, 1990 to 2069.
                let at = (20 * YEAR_MS) + half_years * YEAR_MS / 2 + 15 * 86_400_000;
                w.i64(i64::from(zone.offset_at(at)));
            }
        }
    }
}

fn nanos(t: std::io::Result<SystemTime>) -> i128 {
    match t.map(|t| t.duration_since(SystemTime::UNIX_EPOCH)) {
        Ok(Ok(d)) => d.as_nanos() as i128,
        Ok(Err(before)) => -(before.duration().as_nanos() as i128),
        Err(_) => 0,
    }
}

/// Where a file is and what it is: its resolved path, device and inode, size, times, and
/// a sample of its first and last bytes.
fn identity(w: &mut Writer, path: &Path, now: SystemTime) -> Result<(), Uncacheable> {
    let shown = crate::ingest::inputs::sources::display_path(path);
    let unreadable = |e: std::io::Error| Uncacheable::Unreadable(format!("{shown}: {e}"));
    let resolved: PathBuf = path.canonicalize().map_err(unreadable)?;
    let mut file = File::open(&resolved).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    let modified = meta.modified();
    if let Ok(Ok(age)) = modified.as_ref().map(|m| now.duration_since(*m))
        && age < RECENT
    {
        return Err(Uncacheable::Recent(shown));
    }
    w.str(&resolved.to_string_lossy());
    w.u64(meta.len());
    w.bytes(&nanos(modified).to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        w.u64(meta.dev());
        w.u64(meta.ino());
        // The change time moves with a chmod too: a file that could not be read may be
        // readable now.
        w.i64(meta.ctime());
        w.i64(meta.ctime_nsec());
        w.u32(meta.mode());
    }
    let head = sample(&mut file, 0).map_err(unreadable)?;
    let tail = sample(&mut file, meta.len().saturating_sub(SAMPLE_BYTES)).map_err(unreadable)?;
    w.u32(head);
    w.u32(tail);
    Ok(())
}

/// CRC-32 of up to [`SAMPLE_BYTES`] from `at`.
fn sample(file: &mut File, at: u64) -> std::io::Result<u32> {
    file.seek(SeekFrom::Start(at))?;
    let mut buf = Vec::with_capacity(SAMPLE_BYTES as usize);
    file.take(SAMPLE_BYTES).read_to_end(&mut buf)?;
    Ok(crc32fast::hash(&buf))
}
