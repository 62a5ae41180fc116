//! Builds the index from the command-line paths: open every input, cut big inputs into
//! ranges at line boundaries, parse the ranges in parallel, then merge them into one
//! timeline (a stable sort by time, skipped when the inputs are already in order).

use super::dialects::csv::CsvHeader;
use super::document;
use super::inputs::sources::{self, Data, Discovery, Format, Input, Problem};
use super::parse::{Chunk, RangeSpec, Records, parse_range_into};
use super::time::Zone;
use super::time_other::{DateOrder, vote_date_order_of_log};
use crate::model::Event;
use crate::model::index::{Absorbing, Index, SourceInfo};
use crate::model::store::{Blob, EventStore};
use crate::profile::phase;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Ranges are about this big: small enough to balance two cores, big enough that
/// per-range bookkeeping is noise.
const RANGE_BYTES: usize = 4 << 20;

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub zone: Zone,
    pub gap_minutes: i64,
    pub detail: Detail,
}

impl Default for Options {
    fn default() -> Self {
        Options { zone: Zone::Local, gap_minutes: crate::model::session::DEFAULT_GAP_MINUTES, detail: Detail::Full }
    }
}

/// How much of the index to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Everything: sessions, error groups, level and category counts.
    Full,
    /// Only the events in timeline order, with their levels, categories and files: enough
    /// to export original lines for a query without session or user terms. Error lines
    /// are not fingerprinted and events are not assigned to sessions (a tenth of the work).
    Timeline,
    /// Like [`Detail::Timeline`], for a query only error and fatal events can match: lines
    /// whose bytes cannot make an error are not read (see [`super::screen`]), so the index
    /// holds the errors and a few other events, and its counts mean nothing.
    Errors,
}

/// Shared counters the UI reads while indexing runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes_total: AtomicU64,
    pub bytes_done: AtomicU64,
    pub files_total: AtomicU64,
    pub files_opened: AtomicU64,
    /// Set by the UI to stop early (quit while indexing).
    pub cancel: AtomicBool,
}

impl Progress {
    pub fn fraction(&self) -> f64 {
        let total = self.bytes_total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        self.bytes_done.load(Ordering::Relaxed) as f64 / total as f64
    }
}

/// Said of a file truncated by its writer while it was read.
pub const SHRANK: &str = "the file shrank while it was read (truncated by its writer?): \
    what was past its new end reads as NUL bytes";

/// An input opened for indexing.
pub struct Opened {
    pub input: Input,
    pub data: Arc<Data>,
    pub warning: Option<String>,
    /// Only the first part of the input (a preview): what the cut leaves unfinished is
    /// not read.
    pub prefix: bool,
}

struct Planned {
    source: u32,
    data: Arc<Data>,
    base: u64,
    csv: Option<(Arc<CsvHeader>, u64)>,
    /// The file is one record (see [`Format::Markdown`]).
    whole_record: bool,
    /// The file's first `document_end` bytes are a JSON document (see [`document`]).
    document_end: usize,
    ranges: Vec<(usize, usize)>,
    /// How the file writes ambiguous dates, from its other dates.
    date_order: DateOrder,
}

/// Finds, opens and indexes everything under `paths`.
pub fn build(paths: &[PathBuf], opts: Options, progress: &Progress) -> Index {
    let discovery = sources::discover(paths);
    build_from(discovery, opts, progress)
}

pub fn build_from(discovery: Discovery, opts: Options, progress: &Progress) -> Index {
    let t_open = std::time::Instant::now();
    progress.files_total.store(discovery.inputs.len() as u64, Ordering::Relaxed);
    let mut problems = discovery.problems;
    let opened: Vec<Opened> = discovery
        .inputs
        .into_par_iter()
        .map(|input| {
            let result = sources::open(&input);
            progress.files_opened.fetch_add(1, Ordering::Relaxed);
            match result {
                Ok(o) => Ok(Opened { input, data: Arc::new(o.data), warning: o.warning, prefix: false }),
                Err(message) => Err(Problem { name: input.name, message }),
            }
        })
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|r| r.map_err(|p| problems.push(p)).ok())
        .collect();
    phase("open", t_open);
    index_opened(opened, discovery.skipped, problems, opts, progress)
}

/// A quick index of the first `max_bytes` of the first plain inputs, shown while the full
/// index is built so the first screen appears at once.
pub fn preview(discovery: &Discovery, opts: Options, max_bytes: usize) -> Index {
    let opened = discovery
        .inputs
        .iter()
        .take(2)
        .filter_map(|input| {
            sources::open_prefix(input, max_bytes).map(|data| Opened {
                input: input.clone(),
                data: Arc::new(data),
                warning: None,
                prefix: true,
            })
        })
        .collect();
    index_opened(opened, Vec::new(), Vec::new(), opts, &Progress::default())
}

/// Indexes opened inputs: plan ranges, parse them in parallel, merge into one timeline.
pub fn index_opened(
    opened: Vec<Opened>,
    skipped: Vec<sources::Skipped>,
    problems: Vec<Problem>,
    opts: Options,
    progress: &Progress,
) -> Index {
    let mut index = Index::new(opts.zone, opts.gap_minutes);
    index.skipped = skipped;
    index.problems = problems;
    let mut plans = Vec::new();
    let mut next_base = 0u64;
    for o in opened {
        let mut info = SourceInfo::new(o.input.name.clone(), o.input.origin.clone(), o.input.format);
        info.bytes = o.data.len() as u64;
        if let Some(w) = &o.warning {
            index.problems.push(Problem { name: o.input.name.clone(), message: w.clone() });
        }
        info.warning = o.warning;
        let source = index.add_source(info);
        let csv = (o.input.format == Format::Csv)
            .then(|| csv_header(&o.data))
            .flatten()
            .map(|(h, at)| (Arc::new(h), next_base + at as u64));
        let whole_record = o.input.format == Format::Markdown;
        let doc = (o.input.format == Format::Lines).then(|| document::sniff(&o.data, RANGE_BYTES)).flatten();
        let document_end = doc.as_ref().map_or(0, |d| d.end);
        let ranges = match (&doc, whole_record) {
            (_, true) => vec![(0, o.data.len())],
            // A preview's cut falls inside a document's last record: leave that out
            // rather than show its lines as unparsed until the full index replaces it.
            (Some(d), _) if o.prefix => document_ranges(d, &o.data[..d.end], RANGE_BYTES),
            (Some(d), _) => document_ranges(d, &o.data, RANGE_BYTES),
            (None, false) => split_ranges(&o.data, RANGE_BYTES),
        };
        let (data, base) = (Arc::clone(&o.data), next_base);
        let date_order = match o.input.format {
            Format::Csv => vote_date_order_of_log(&o.data, true),
            Format::Lines => vote_date_order_of_log(&o.data, false),
            _ => DateOrder::Guess,
        };
        plans.push(Planned { source, data, base, csv, whole_record, document_end, ranges, date_order });
        next_base += o.data.len() as u64 + 1;
    }
    let total: u64 = plans.iter().map(|p| p.data.len() as u64).sum();
    progress.bytes_total.store(total, Ordering::Relaxed);

    let t_jobs = std::time::Instant::now();
    // Room for lines of ~128 bytes; pages are only touched as events arrive.
    let mut absorbing = Absorbing::with_capacity((total / 128) as usize);
    let newlines = parse_and_absorb(&mut plans, opts, progress, |chunk| index.absorb_next(&mut absorbing, chunk));
    phase("parse", t_jobs);
    // A file truncated while it was read: its lines past the new end are gone, and what
    // the map shows there is NUL bytes. Rows and details read no further than its end.
    let mut kept = Vec::with_capacity(plans.len());
    for plan in &plans {
        let mut len = plan.data.len();
        if plan.data.shrank() {
            let info = &index.sources[plan.source as usize];
            if let sources::Origin::File(path) = &info.origin {
                len = std::fs::metadata(path).map_or(0, |m| m.len().min(len as u64) as usize);
            }
            let name = info.name.clone();
            index.problems.push(Problem { name, message: SHRANK.into() });
        }
        kept.push(len);
    }
    // Checkpoints for line numbers: where each range starts and on which line.
    for ((plan, newlines), kept) in plans.iter().zip(newlines).zip(kept) {
        let mut checkpoints = Vec::with_capacity(plan.ranges.len());
        let mut line = 1u64;
        for (&(start, _), n) in plan.ranges.iter().zip(newlines) {
            checkpoints.push((start, line));
            line += n;
        }
        index.blobs.push(Blob {
            base: plan.base,
            data: Arc::clone(&plan.data),
            start: 0,
            end: kept,
            source: plan.source,
            file_offset: 0,
            first_line: 1,
            csv: plan.csv.as_ref().map(|(h, _)| Arc::clone(h)),
            whole_record: plan.whole_record,
            document_end: plan.document_end,
            checkpoints,
        });
    }

    let t_parse = std::time::Instant::now();
    let absorbed = absorbing.finish();
    phase("absorb", t_parse);
    let mut events = absorbed.events;
    if !absorbed.in_order {
        events.par_sort_unstable_by_key(|e| e.order_key());
    }
    phase("sort", t_parse);
    if opts.detail == Detail::Full {
        index.assign(&mut events, 0, &absorbed.fingerprints);
        phase("assign", t_parse);
    }
    index.store = EventStore::from_sorted(events);
    index.settle();
    phase("settle", t_parse);
    index
}

/// Parses the ranges of every plan on all cores and hands the chunks to `absorb` in plan
/// and range order as they are done, so the index grows while later ranges are parsed.
/// `absorb` returns the chunk's emptied event buffer, which a later range fills: written
/// once, such memory is cheap to write again, while fresh pages cost the kernel's zeroing
/// (in this VM, a tenth of the parse). Returns the line breaks of each plan's ranges.
///
/// Ranges are taken in order from a shared counter, not split in halves as a parallel
/// iterator would, so only a few parsed chunks ever wait for the one before them.
fn parse_and_absorb(
    plans: &mut [Planned],
    opts: Options,
    progress: &Progress,
    mut absorb: impl FnMut(Chunk) -> Vec<Event>,
) -> Vec<Vec<u64>> {
    let jobs: Vec<(usize, usize, usize)> =
        plans.iter().enumerate().flat_map(|(p, plan)| plan.ranges.iter().map(move |&(a, b)| (p, a, b))).collect();
    let mut newlines: Vec<Vec<u64>> = vec![Vec::new(); plans.len()];
    let mut recut: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
    let next = AtomicUsize::new(0);
    let buffers: Mutex<Vec<Vec<Event>>> = Mutex::new(Vec::new());
    let recycle = |buffer: Vec<Event>| {
        if buffer.capacity() > 0
            && let Ok(mut b) = buffers.lock()
        {
            b.push(buffer);
        }
    };
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Chunk)>();
    let read: &[Planned] = plans;
    std::thread::scope(|scope| {
        for _ in 0..rayon::current_num_threads().max(1) {
            let tx = tx.clone();
            let (jobs, next, buffers) = (&jobs, &next, &buffers);
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(p, start, end)) = jobs.get(k) else { return };
                    let buffer = buffers.lock().ok().and_then(|mut b| b.pop()).unwrap_or_default();
                    if tx.send((k, parse_one(&read[p], start, end, opts, progress, buffer))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        // Chunks that came before the one next in order, and the chunks of a CSV plan,
        // which are absorbed together once it is known that its cuts fell between rows.
        let mut early: BTreeMap<usize, Chunk> = BTreeMap::new();
        let mut csv_held: Vec<Chunk> = Vec::new();
        let mut k = 0;
        for (at, chunk) in rx {
            early.insert(at, chunk);
            while let Some(chunk) = early.remove(&k) {
                let p = jobs[k].0;
                k += 1;
                let plan = &read[p];
                let Some((header, _)) = &plan.csv else {
                    newlines[p].push(chunk.newlines);
                    recycle(absorb(chunk));
                    continue;
                };
                csv_held.push(chunk);
                if csv_held.len() < plan.ranges.len() {
                    continue;
                }
                let mut chunks = std::mem::take(&mut csv_held);
                // A range cut at a line break inside a quoted cell (a traceback) ends with
                // a quote that never closed: the file is cut again between rows and read
                // anew. Rare, and cheaper than walking the rows of every CSV file first.
                if chunks[..chunks.len() - 1].iter().any(|c| c.unclosed_quote) {
                    let ranges = super::dialects::csv::split_rows(&plan.data, RANGE_BYTES, header);
                    progress.bytes_done.fetch_sub(plan.data.len() as u64, Ordering::Relaxed);
                    chunks = ranges
                        .par_iter()
                        .map(|&(start, end)| parse_one(plan, start, end, opts, progress, Vec::new()))
                        .collect();
                    recut.push((p, ranges));
                }
                for chunk in chunks {
                    newlines[p].push(chunk.newlines);
                    recycle(absorb(chunk));
                }
            }
        }
    });
    for (p, ranges) in recut {
        plans[p].ranges = ranges;
    }
    newlines
}

/// Parses one range of a plan into `buffer`.
fn parse_one(
    plan: &Planned,
    start: usize,
    end: usize,
    opts: Options,
    progress: &Progress,
    buffer: Vec<Event>,
) -> Chunk {
    if progress.cancel.load(Ordering::Relaxed) {
        return Chunk { source: plan.source, ..Chunk::default() };
    }
    let records = if plan.whole_record {
        Records::Whole
    } else if start < plan.document_end {
        Records::Document
    } else if let Some((header, at)) = &plan.csv {
        Records::Csv { header, header_at: Some(*at) }
    } else {
        Records::Lines
    };
    let spec = RangeSpec {
        source: plan.source,
        at_file_start: start == 0,
        group_errors: opts.detail == Detail::Full,
        only_errors: opts.detail == Detail::Errors,
        date_order: plan.date_order,
        ..RangeSpec::new(&plan.data[start..end], plan.base + start as u64, records)
    };
    let chunk = parse_range_into(&spec, opts.zone, buffer);
    progress.bytes_done.fetch_add((end - start) as u64, Ordering::Relaxed);
    chunk
}

/// The header of a CSV input (its first non-blank line) and where it starts.
pub(crate) fn csv_header(data: &[u8]) -> Option<(CsvHeader, usize)> {
    let (at, line) = super::dialects::csv::first_line(data)?;
    CsvHeader::parse(line).map(|h| (h, at))
}

/// Ranges of a file that starts with a JSON document: the document's, which start at
/// records, then the rest of the file's, line by line (about `target` bytes each).
/// Together they cover the file.
pub fn document_ranges(doc: &document::Document, data: &[u8], target: usize) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> =
        doc.splits.iter().zip(doc.splits.iter().skip(1).chain([&doc.end])).map(|(&a, &b)| (a, b)).collect();
    if doc.end < data.len() {
        ranges.extend(split_ranges(&data[doc.end..], target).into_iter().map(|(a, b)| (doc.end + a, doc.end + b)));
    }
    ranges
}

/// Cuts `data` into ranges of about `target` bytes, each ending just after a `\n`.
pub fn split_ranges(data: &[u8], target: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(data.len() / target.max(1) + 1);
    let mut start = 0;
    while start < data.len() {
        let want = start.saturating_add(target);
        let end = if want >= data.len() {
            data.len()
        } else {
            match memchr::memchr(b'\n', &data[want..]) {
                Some(k) => want + k + 1,
                None => data.len(),
            }
        };
        out.push((start, end));
        start = end;
    }
    if out.is_empty() {
        out.push((0, 0));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_end_on_line_boundaries_and_cover_everything() {
        let data = b"aaaa\nbb\ncccccc\nd";
        let r = split_ranges(data, 3);
        assert_eq!(r, [(0, 5), (5, 15), (15, 16)]);
        assert_eq!(split_ranges(b"", 3), [(0, 0)]);
        assert_eq!(split_ranges(b"x\n", 100), [(0, 2)]);
    }

    /// Two files cut into ranges of a few lines, with untimed and unparsed lines at range
    /// starts: the streamed index (chunks absorbed in order as workers finish them) equals
    /// the index absorbed in one batch.
    #[test]
    fn streamed_absorb_equals_batch_absorb() {
        let mut text = String::from("garbage first\n");
        for i in 0..400 {
            let (level, session) = (["info", "error", "warn"][i % 3], ["a", "b", "c", "d"][i % 4]);
            match i % 17 {
                0 => text.push_str("  File \"x.py\", line 3\n"),
                5 => text.push_str(&format!("{{\"level\":\"info\",\"user\":\"u{i}\",\"msg\":\"no time\"}}\n")),
                _ => text.push_str(&format!(
                    "{{\"ts\":\"2026-05-17T10:{:02}:{:02}Z\",\"level\":\"{level}\",\"session\":\"{session}\",\"category\":\"c{}\",\"message\":\"m {i}\"}}\n",
                    i / 60,
                    i % 60,
                    i % 5
                )),
            }
        }
        let files = [text.clone(), text.replace("10:", "09:")];
        let opts = Options { zone: Zone::Utc, ..Options::default() };
        let plans = |index: &mut Index| -> Vec<Planned> {
            let mut base = 0;
            files
                .iter()
                .map(|f| {
                    let info = SourceInfo::new("f".into(), sources::Origin::Stdin, Format::Lines);
                    let source = index.add_source(info);
                    let data = Arc::new(Data::Heap(f.clone().into_bytes()));
                    let plan = Planned {
                        source,
                        data,
                        base,
                        csv: None,
                        whole_record: false,
                        document_end: 0,
                        ranges: split_ranges(f.as_bytes(), 300),
                        date_order: DateOrder::Guess,
                    };
                    base += f.len() as u64 + 1;
                    plan
                })
                .collect()
        };
        let progress = Progress::default();

        let mut streamed = Index::new(Zone::Utc, 30);
        let mut state = Absorbing::default();
        let mut stream_plans = plans(&mut streamed);
        assert!(stream_plans[0].ranges.len() > 50);
        let newlines = parse_and_absorb(&mut stream_plans, opts, &progress, |c| streamed.absorb_next(&mut state, c));
        let streamed_events = state.finish().events;

        let mut batch = Index::new(Zone::Utc, 30);
        let batch_plans = plans(&mut batch);
        let chunks: Vec<Chunk> = batch_plans
            .iter()
            .flat_map(|p| p.ranges.iter().map(move |&(a, b)| (p, a, b)))
            .map(|(p, a, b)| parse_one(p, a, b, opts, &progress, Vec::new()))
            .collect();
        let batch_newlines: Vec<u64> = chunks.iter().map(|c| c.newlines).collect();
        let batch_events = batch.absorb(chunks).events;

        assert_eq!(format!("{streamed_events:?}"), format!("{batch_events:?}"));
        assert_eq!(newlines.concat(), batch_newlines);
        assert_eq!(streamed.unparsed, batch.unparsed);
        assert!(streamed.unparsed.len() >= 2 * 24 && streamed_events.iter().all(|e| e.session() != 0));
    }
}
