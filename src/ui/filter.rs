//! The filter worker: evaluates (scope, query) over the index on background threads and
//! streams ids back in timeline order, small blocks first so the first page shows at
//! once. A newer generation cancels an older one between blocks.

use super::msg::{FilterChunk, Msg};
use crate::query::eval::{Evaluator, Selection, Snapshot};
use rayon::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

pub struct Job {
    pub generation: u64,
    pub snapshot: Snapshot,
    pub selection: Selection,
}

/// Handle to the worker thread.
pub struct FilterWorker {
    jobs: Sender<Job>,
    latest: Arc<AtomicU64>,
}

impl FilterWorker {
    pub fn spawn(results: Sender<Msg>) -> std::io::Result<FilterWorker> {
        let (jobs, rx) = channel::<Job>();
        let latest = Arc::new(AtomicU64::new(0));
        let seen = Arc::clone(&latest);
        std::thread::Builder::new().name("filter".into()).spawn(move || worker(rx, seen, results))?;
        Ok(FilterWorker { jobs, latest })
    }

    pub fn submit(&self, job: Job) {
        self.latest.store(job.generation, Ordering::SeqCst);
        let _ = self.jobs.send(job);
    }
}

fn worker(rx: Receiver<Job>, latest: Arc<AtomicU64>, results: Sender<Msg>) {
    while let Ok(mut job) = rx.recv() {
        // Only the newest job matters.
        while let Ok(newer) = rx.try_recv() {
            job = newer;
        }
        let stale = || latest.load(Ordering::SeqCst) != job.generation;
        run(&job, &stale, &mut |chunk| results.send(Msg::Filtered(chunk)).is_ok());
    }
}

/// First block size; blocks double up to `MAX_BLOCK` so the first page arrives fast and
/// the rest in few messages.
const FIRST_BLOCK: usize = 8 << 10;
const MAX_BLOCK: usize = 1 << 20;

/// Runs one job, calling `emit` with chunks in order. Returns early when `stale` says a
/// newer job exists or `emit` returns false. Public for tests, which run jobs inline.
pub fn run(job: &Job, stale: &dyn Fn() -> bool, emit: &mut dyn FnMut(FilterChunk) -> bool) {
    let snap = &job.snapshot;
    let mut start = 0;
    let mut block = FIRST_BLOCK;
    loop {
        if stale() {
            return;
        }
        let end = (start + block).min(snap.len);
        let (scope_rows, matches) = scan(job, start..end);
        let done = end >= snap.len;
        if !emit(FilterChunk { generation: job.generation, scope_rows, matches, done }) || done {
            return;
        }
        start = end;
        block = (block * 2).min(MAX_BLOCK);
    }
}

/// Scope rows and matches in `range`, split across cores in order.
fn scan(job: &Job, range: std::ops::Range<usize>) -> (Vec<u32>, Vec<u32>) {
    if let Some(ids) = &job.selection.events {
        return scan_listed(job, ids, range);
    }
    let sel = &job.selection;
    const PART: usize = 16 << 10;
    let parts: Vec<std::ops::Range<usize>> =
        (range.start..range.end).step_by(PART).map(|s| s..(s + PART).min(range.end)).collect();
    let results: Vec<(Vec<u32>, Vec<u32>)> = parts
        .into_par_iter()
        .map_init(
            || Evaluator::new(&job.snapshot.blobs, job.snapshot.zone),
            |ev, r| {
                let mut rows = Vec::new();
                let mut matches = Vec::new();
                job.snapshot.store.for_each(r, |i, e| {
                    if !sel.in_scope(i as u32, e) {
                        return;
                    }
                    if sel.is_scoped() {
                        rows.push(i as u32);
                    }
                    if sel.query.is_some() && sel.matches(ev, e) {
                        matches.push(i as u32);
                    }
                });
                (rows, matches)
            },
        )
        .collect();
    let mut rows = Vec::new();
    let mut matches = Vec::new();
    for (r, m) in results {
        rows.extend(r);
        matches.extend(m);
    }
    (rows, matches)
}

/// Scope rows and matches in `range` when the scope is a list of events: only those are
/// looked at (an error group's occurrences, however big the index).
fn scan_listed(job: &Job, ids: &[u32], range: std::ops::Range<usize>) -> (Vec<u32>, Vec<u32>) {
    const PART: usize = 4 << 10;
    let lo = ids.partition_point(|&i| (i as usize) < range.start);
    let hi = ids.partition_point(|&i| (i as usize) < range.end);
    let store = &job.snapshot.store;
    let sel = &job.selection;
    let rows: Vec<u32> =
        ids[lo..hi].iter().copied().filter(|&i| store.get(i as usize).is_some_and(|e| sel.in_scope(i, e))).collect();
    let Some(q) = &sel.query else { return (rows, Vec::new()) };
    let matches: Vec<Vec<u32>> = rows
        .par_chunks(PART)
        .map_init(
            || Evaluator::new(&job.snapshot.blobs, job.snapshot.zone),
            |ev, part| {
                part.iter().copied().filter(|&i| store.get(i as usize).is_some_and(|e| ev.matches(q, e))).collect()
            },
        )
        .collect();
    (rows, matches.concat())
}
