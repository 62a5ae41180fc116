//! Follow mode's driving loops: a thread feeding the explorer, and the headless `tail`
//! command. Both run the same `Follower` and append through `Index::append_live`, so they
//! see the same events, sessions and errors.

use crate::cli::{TailArgs, TailFormat};
use crate::error::Failure;
use crate::ingest::build::Options;
use crate::ingest::inputs::watch::{Batch, Follower, Waker, system_clock};
use crate::model::Index;
use crate::paths::default_dir;
use crate::query::Query;
use crate::query::eval::{Compiled, Evaluator, Selection};
use crate::report::export;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The folder or file to follow: as given, else the DataTools default (which may not
/// exist yet: following waits for it).
pub fn follow_root(given: Option<&Path>) -> Result<PathBuf, Failure> {
    match given {
        Some(p) => Ok(p.to_path_buf()),
        None => default_dir().ok_or_else(crate::paths::no_home),
    }
}

/// Runs a follower on its own thread, handing each non-empty batch to `send` until it
/// returns false.
pub fn spawn(
    root: PathBuf,
    opts: Options,
    poll_only: bool,
    mut send: impl FnMut(Batch) -> bool + Send + 'static,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("follow".into())
        .spawn(move || follow_loop(&root, opts, poll_only, |batch| batch.is_empty() || send(batch)))?;
    Ok(())
}

/// `audit-tui tail`: prints matching new events as they arrive.
pub fn run_tail(args: TailArgs, opts: Options) -> Result<(), Failure> {
    let root = follow_root(args.path.as_deref())?;
    let mut index = Index::new(opts.zone, opts.gap_minutes);
    let query = match args.query.as_deref().filter(|q| !q.trim().is_empty()) {
        Some(text) => Some(
            Query::parse(text, chrono::Utc::now().timestamp_millis(), opts.zone)
                .map_err(|e| Failure::Query { at: e.at, message: e.message })?,
        ),
        None => None,
    };
    let stdout = io::stdout();
    let for_terminal = stdout.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let mut first = true;
    let mut failed: Option<io::Error> = None;
    follow_loop(&root, opts, args.poll, |batch| {
        for n in &batch.notices {
            let _ = writeln!(err, "audit-tui: {}", crate::sanitize::sanitize(n, crate::sanitize::Mode::Line));
        }
        let mut new_ids = Vec::new();
        for piece in batch.pieces {
            new_ids.extend(index.append_live(piece));
        }
        if !new_ids.is_empty() {
            let selection =
                Selection { query: query.as_ref().map(|q| Compiled::compile(q, &index)), ..Selection::default() };
            let mut ev = Evaluator::new(&index.blobs, index.zone);
            let mut matching: Vec<u32> = new_ids
                .into_iter()
                .filter(|&id| index.event(id).is_some_and(|e| selection.matches(&mut ev, e)))
                .map(|id| id as u32)
                .collect();
            if first {
                // History: only the last N matches.
                let keep = matching.len().saturating_sub(args.lines);
                matching.drain(..keep);
            }
            let format = match args.format {
                TailFormat::Text => export::Format::Text,
                TailFormat::Jsonl => export::Format::Jsonl,
            };
            if let Err(e) = export::write(&mut out, &index, &matching, format, opts.zone, for_terminal, None) {
                failed = Some(e);
                return false;
            }
        }
        first = false;
        true
    });
    match failed {
        Some(e) => Err(Failure::Io(e)),
        None => Ok(()),
    }
}

/// The one follower loop: polls `root` (forced at first and when the waker says so),
/// re-arms the waker when the followed folder comes back, and hands every poll's batch,
/// empty or not, to `on_batch` until it returns false.
fn follow_loop(root: &Path, opts: Options, poll_only: bool, mut on_batch: impl FnMut(Batch) -> bool) {
    let mut follower = Follower::new(root, opts.zone, system_clock());
    let mut waker = Waker::new(root, poll_only);
    let mut force = true;
    loop {
        let batch = follower.poll(force);
        if follower.take_root_returned() {
            waker.rearm(root);
        }
        if !on_batch(batch) {
            return;
        }
        force = waker.wait();
    }
}
