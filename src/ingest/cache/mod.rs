//! The index cache: a bundle opened again is read back from the user's cache folder
//! instead of parsed again. Never beside the logs (the client's files are evidence); the
//! caller picks the folder and refuses one inside a folder being read.
//!
//! An entry is keyed by everything the index depends on (see [`key`]) and checked whole
//! before use; a stale, cut or damaged entry is not used, and the fresh build replaces it.
//! Only full builds of inputs that can be keyed stably are written: not stdin, not files
//! still being written, not a build stopped early or whose files changed while it ran.

pub mod codec;
mod key;
mod store;
mod tables;

pub use key::{Key, RECENT, Uncacheable};
pub use store::Stats;

use super::build::{self, Detail, Options, Progress};
use super::inputs::sources::{self, Discovery, Input};
use super::time_other::Today;
use crate::model::Index;
use crate::profile::{note, phase};
use codec::Bad;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

/// Changes whenever the layout of an entry or of what it holds changes.
pub const FORMAT_VERSION: u32 = 1;

/// The bound on the folder's size when the config does not say.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// A cache folder and the most it may hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cache {
    pub dir: PathBuf,
    pub max_bytes: u64,
}

impl Cache {
    /// The index for `key`, if the folder holds a whole entry for it and its inputs open
    /// as they did. Marks the entry used.
    pub fn load(&self, key: &Key, discovery: &Discovery, opts: Options) -> Result<Index, Bad> {
        let start = std::time::Instant::now();
        let path = self.dir.join(&key.file_name);
        let entry = store::open(&path, &key.descriptor)?;
        phase("c-check", start);
        let tables = tables::read_tables(entry.tables(), discovery)?;
        phase("c-table", start);
        if tables.day.is_some_and(|day| day != Today::now().days) {
            return Err(Bad("dates without a year were read as of another day"));
        }
        let events = tables::read_events(entry.events())?;
        phase("c-event", start);
        if entry.shrank() {
            return Err(Bad("the entry shrank while read"));
        }
        drop(entry);
        let opened: Vec<_> = tables
            .inputs
            .par_iter()
            .map(|&i| {
                let input = discovery.inputs.get(i).ok_or(Bad("no such input"))?;
                let o = sources::open(input).map_err(|_| Bad("an input does not open"))?;
                Ok((Arc::new(o.data), o.warning))
            })
            .collect::<Result<_, Bad>>()?;
        phase("c-open", start);
        let index = tables.into_index(opened, events, Index::new(opts.zone, opts.gap_minutes))?;
        store::touch(&path);
        Ok(index)
    }

    /// Writes `index` as the entry for `key`, then evicts the oldest entries past the
    /// bound. `inputs` are the discovered inputs the index was built from.
    /// `day` is the day the build began (see [`Tables::day`](tables::Tables::day)).
    pub fn save(&self, key: &Key, index: &Index, inputs: &[Input], day: i64) -> std::io::Result<()> {
        let Some(input_of_source) = input_of_source(index, inputs) else {
            return Err(std::io::Error::other("the index's files are not the inputs"));
        };
        let (events, live) = index.store.parts();
        if live.count() > 0 {
            return Err(std::io::Error::other("the index grew after its build"));
        }
        let tables = tables::write_tables(index, &input_of_source, day);
        let size = store::entry_size(&key.descriptor, &tables, events.len());
        if size > self.max_bytes {
            return Ok(());
        }
        store::write(&self.dir, &key.file_name, &key.descriptor, &tables, events.len(), |out| {
            tables::write_events(index, out)
        })?;
        store::evict(&self.dir, self.max_bytes)?;
        Ok(())
    }

    pub fn stats(&self) -> std::io::Result<Stats> {
        store::stats(&self.dir)
    }

    /// Empties the folder of entries (files of other names stay); returns what went.
    pub fn clear(&self) -> std::io::Result<Stats> {
        store::clear(&self.dir)
    }
}

/// For each source of `index`, the input it was opened from: sources are the inputs that
/// opened, in discovery order.
fn input_of_source(index: &Index, inputs: &[Input]) -> Option<Vec<usize>> {
    let mut next = 0;
    let mut out = Vec::with_capacity(index.sources.len());
    for s in &index.sources {
        let at = next + inputs.get(next..)?.iter().position(|i| i.origin == s.origin && i.name == s.name)?;
        out.push(at);
        next = at + 1;
    }
    Some(out)
}

/// An index to write to the cache once the build is done.
pub struct Pending {
    cache: Cache,
    key: Key,
    /// What the key was taken of, to take it again.
    discovery: Discovery,
    opts: Options,
    index: Index,
    /// The day the build began on (see [`Tables::day`](tables::Tables::day)).
    day: i64,
}

impl Pending {
    /// Writes the entry, unless the key changed while the index was built (a file was
    /// written meanwhile, and the index may hold some of its old bytes and some new).
    pub fn write(self) -> std::io::Result<()> {
        if key::key(&self.discovery, self.opts, SystemTime::now()).as_ref() != Ok(&self.key) {
            note("cache not written: the files changed while they were read");
            return Ok(());
        }
        if self.index.dated_by_today && Today::now().days != self.day {
            note("cache not written: the day changed while dates without a year were read");
            return Ok(());
        }
        let start = std::time::Instant::now();
        let saved = self.cache.save(&self.key, &self.index, &self.discovery.inputs, self.day);
        if let Err(e) = &saved {
            note(&format!("cache not written: {e}"));
        }
        phase("cache-w", start);
        saved
    }

    /// Writes the entry on a thread of its own; the returned guard waits for it when
    /// dropped (a headless command writes while it prints).
    pub fn spawn(self) -> Writing {
        Writing(std::thread::Builder::new().name("cache".into()).spawn(move || self.write()).ok())
    }
}

/// A cache entry being written; dropping this waits until it is.
pub struct Writing(Option<std::thread::JoinHandle<std::io::Result<()>>>);

impl Writing {
    /// Nothing to write.
    pub fn none() -> Writing {
        Writing(None)
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            let _ = handle.join();
        }
    }
}

/// Indexes `discovery` with `opts`: from `cache` when it holds this bundle, else built,
/// with the entry to write once the index is in use (`None` when there is nothing to
/// write: a hit, no cache, or inputs that cannot be keyed stably).
pub fn build(
    cache: Option<&Cache>,
    discovery: Discovery,
    opts: Options,
    progress: &Progress,
) -> (Index, Option<Pending>) {
    let Some(cache) = cache else { return (build::build_from(discovery, opts, progress), None) };
    let start = std::time::Instant::now();
    // A full index answers the partial builds too (it holds every event they would).
    let full = Options { detail: Detail::Full, ..opts };
    let key = match key::key(&discovery, full, SystemTime::now()) {
        Ok(key) => key,
        Err(why) => {
            note(&format!("cache not used: {why:?}"));
            return (build::build_from(discovery, opts, progress), None);
        }
    };
    phase("key", start);
    match cache.load(&key, &discovery, opts) {
        Ok(index) => {
            phase("cached", start);
            let total = index.sources.iter().map(|s| s.bytes).sum();
            progress.bytes_total.store(total, Ordering::Relaxed);
            progress.bytes_done.store(total, Ordering::Relaxed);
            return (index, None);
        }
        Err(Bad(why)) => note(&format!("cache miss: {why}")),
    }
    let keyed = discovery.clone();
    let day = Today::now().days;
    let index = build::build_from(discovery, opts, progress);
    if opts.detail != Detail::Full || progress.cancel.load(Ordering::Relaxed) {
        return (index, None);
    }
    let pending = Pending { cache: cache.clone(), key, discovery: keyed, opts: full, index: index.share(), day };
    (index, Some(pending))
}

#[cfg(test)]
mod tests;
