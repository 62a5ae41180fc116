//! Counting what a batch of assigned events adds to levels, categories and sessions, on
//! all cores.
//!
//! Cutting events into sessions is sequential (a derived session ends where its key goes
//! quiet, which depends on the events before), but once every event carries its session
//! the counts are sums, mins, maxes and set unions: each core tallies a slice of the
//! batch and the tallies merge in timeline order.

use super::session::Session;
use super::store::{BlobCursor, Blobs};
use super::{Event, Level};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Events per piece: big enough that a piece's dense per-session table is cheap next to
/// the events it counts.
const PIECE: usize = 1 << 16;

/// What one session gained from a batch.
#[derive(Clone, Copy)]
pub struct SessionGain {
    pub start: i64,
    pub end: i64,
    pub events: u64,
    pub errors: u64,
    pub warnings: u64,
    pub unparsed: u64,
    pub worst: Level,
}

impl Default for SessionGain {
    fn default() -> SessionGain {
        SessionGain {
            start: i64::MAX,
            end: i64::MIN,
            events: 0,
            errors: 0,
            warnings: 0,
            unparsed: 0,
            worst: Level::default(),
        }
    }
}

impl SessionGain {
    fn merge(&mut self, other: &SessionGain) {
        self.start = self.start.min(other.start);
        self.end = self.end.max(other.end);
        self.events += other.events;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.unparsed += other.unparsed;
        self.worst = self.worst.max(other.worst);
    }

    /// Adds the gain to a session's running totals.
    pub fn apply(&self, s: &mut Session) {
        if self.events == 0 {
            return;
        }
        s.start = s.start.min(self.start);
        s.end = s.end.max(self.end);
        s.events += self.events;
        s.errors += self.errors;
        s.warnings += self.warnings;
        s.unparsed += self.unparsed;
        s.worst = s.worst.max(self.worst);
    }
}

/// An error event as error grouping needs it, read while the event is in cache: going
/// back to the events and fingerprints afterwards missed the cache twice per error.
#[derive(Clone, Copy)]
pub struct ErrorSeen {
    /// Offset into the batch.
    pub at: u32,
    pub session: u32,
    pub time: i64,
    pub fingerprint: u64,
}

/// The counts of a batch of events, each already carrying its session id.
pub struct Tally {
    pub levels: [u64; 7],
    /// Indexed by category id.
    pub categories: Vec<u64>,
    /// Indexed by session id.
    pub sessions: Vec<SessionGain>,
    /// (session, source) each time a session's events move to another file.
    pub sources: Vec<(u32, u32)>,
    /// The error and fatal events, in timeline order.
    pub errors: Vec<ErrorSeen>,
}

impl Tally {
    fn new(categories: usize, sessions: usize) -> Tally {
        Tally {
            levels: [0; 7],
            categories: vec![0; categories],
            sessions: vec![SessionGain::default(); sessions],
            sources: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Counts `events`, which start at offset `first` of the batch.
    fn count(&mut self, events: &[Event], first: usize, blobs: &Blobs, fingerprints: &FxHashMap<u64, u64>) {
        let mut cursor = BlobCursor::new(blobs);
        // The last source noted per session in this piece, to keep `sources` short.
        let mut noted: Vec<u32> = vec![u32::MAX; self.sessions.len()];
        for (k, e) in events.iter().enumerate() {
            let level = e.level();
            self.levels[level as usize] += 1;
            if let Some(c) = self.categories.get_mut(e.category() as usize) {
                *c += 1;
            }
            if level.is_error() {
                self.errors.push(ErrorSeen {
                    at: (first + k) as u32,
                    session: e.session(),
                    time: e.time(),
                    fingerprint: fingerprints.get(&e.offset()).copied().unwrap_or(0),
                });
            }
            let sid = e.session() as usize;
            let (Some(g), Some(last_source)) = (self.sessions.get_mut(sid), noted.get_mut(sid)) else { continue };
            let time = e.time();
            g.start = g.start.min(time);
            g.end = g.end.max(time);
            g.events += 1;
            g.worst = g.worst.max(level);
            match level {
                Level::Warn => g.warnings += 1,
                l if l.is_error() => g.errors += 1,
                _ => {}
            }
            if e.is_unparsed() {
                g.unparsed += 1;
            }
            let source = cursor.find(e.offset()).map_or(0, |b| b.source);
            if *last_source != source {
                *last_source = source;
                self.sources.push((sid as u32, source));
            }
        }
    }

    /// Appends a later piece's counts.
    fn merge(mut self, later: Tally) -> Tally {
        for (a, b) in self.levels.iter_mut().zip(later.levels) {
            *a += b;
        }
        for (a, b) in self.categories.iter_mut().zip(&later.categories) {
            *a += b;
        }
        for (a, b) in self.sessions.iter_mut().zip(&later.sessions) {
            a.merge(b);
        }
        self.sources.extend(later.sources);
        self.errors.extend(later.errors);
        self
    }
}

/// Counts a batch of events whose session ids are below `sessions` and category ids
/// below `categories`, in pieces of [`PIECE`] events spread over the cores.
/// Error events get their fingerprint from `fingerprints` (by offset; 0 when missing).
pub fn tally(
    events: &[Event],
    categories: usize,
    sessions: usize,
    blobs: &Blobs,
    fingerprints: &FxHashMap<u64, u64>,
) -> Tally {
    if events.len() <= PIECE {
        let mut t = Tally::new(categories, sessions);
        t.count(events, 0, blobs, fingerprints);
        return t;
    }
    // One tally per core, not per piece nor per split that rayon makes (many more than
    // cores): a tally's dense session table, a gain for every session of the index, is
    // zeroed and merged whole.
    let per_core = (events.len().div_ceil(PIECE) / rayon::current_num_threads()).max(1);
    events
        .par_chunks(PIECE)
        .enumerate()
        .with_min_len(per_core)
        .fold(
            || Tally::new(categories, sessions),
            |mut t, (k, piece)| {
                t.count(piece, k * PIECE, blobs, fingerprints);
                t
            },
        )
        .reduce_with(Tally::merge)
        .unwrap_or_else(|| Tally::new(categories, sessions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::flag;

    fn events(n: usize) -> Vec<Event> {
        let levels = [Level::Info, Level::Warn, Level::Error, Level::Debug, Level::Fatal];
        (0..n)
            .map(|k| {
                // Sessions and categories cycle at rates prime to each other and to PIECE.
                let flags = if k % 11 == 0 { flag::UNPARSED } else { 0 };
                Event::new(
                    (k as i64 * 37) % 100_000,
                    levels[k % 5],
                    (k % 7) as u32,
                    (k % 13) as u32,
                    k as u64 * 10,
                    flags,
                )
            })
            .collect()
    }

    #[test]
    fn pieces_on_all_cores_count_like_one_pass() {
        let events = events(3 * PIECE + 123);
        let fingerprints: FxHashMap<u64, u64> = (0..events.len() as u64).map(|k| (k * 10, k % 5)).collect();
        let blobs = Blobs::default();
        let parallel = tally(&events, 7, 13, &blobs, &fingerprints);
        let mut serial = Tally::new(7, 13);
        serial.count(&events, 0, &blobs, &fingerprints);

        assert_eq!(parallel.levels, serial.levels);
        assert_eq!(parallel.categories, serial.categories);
        let gains = |t: &Tally| -> Vec<_> {
            t.sessions.iter().map(|g| (g.start, g.end, g.events, g.errors, g.warnings, g.unparsed, g.worst)).collect()
        };
        assert_eq!(gains(&parallel), gains(&serial));
        let errors =
            |t: &Tally| -> Vec<_> { t.errors.iter().map(|e| (e.at, e.session, e.time, e.fingerprint)).collect() };
        assert_eq!(errors(&parallel), errors(&serial));
        assert_eq!(parallel.errors.len(), events.iter().filter(|e| e.level().is_error()).count());
        assert!(parallel.errors.windows(2).all(|w| w[0].at < w[1].at), "errors stay in timeline order");
        assert_eq!(serial.sessions[4].events, events.iter().filter(|e| e.session() == 4).count() as u64);
    }
}
