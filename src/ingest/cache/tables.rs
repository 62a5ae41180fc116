//! An index to bytes and back: every table but the bytes of the inputs, which are opened
//! again (mapping a file is cheap). Events are written as raw little-endian words and read
//! back in one tight loop; the other tables are small and written field by field.
//!
//! Reading checks every id against the table it names, so that a forged entry whose
//! checksum happens to match still cannot make a later lookup index out of bounds.

use super::codec::{Bad, Read, Reader, Writer};
use crate::ingest::dialects::facts::Dialect;
use crate::ingest::inputs::sources::{Data, Discovery, Format, Problem, Skipped};
use crate::ingest::parse::Unparsed;
use crate::model::error_group::ErrorGroup;
use crate::model::index::{Carry, Index, KeyState, SourceInfo};
use crate::model::session::{KeyKind, Session, SessionKey};
use crate::model::store::{Blob, EventStore, vec_with_huge_pages};
use crate::model::{Event, Level};
use std::sync::Arc;

/// Bytes per event in the events section.
pub const EVENT_BYTES: usize = 16;

/// What a blob was, without its bytes.
#[derive(Debug)]
struct BlobMeta {
    base: u64,
    data_len: u64,
    start: u64,
    end: u64,
    file_offset: u64,
    first_line: u64,
    has_csv: bool,
    whole_record: bool,
    document_end: u64,
    checkpoints: Vec<(u64, u64)>,
}

/// The tables of a cached index, read and checked for shape but not yet joined to the
/// bytes of its inputs.
pub struct Tables {
    /// The discovery input each source was read from, in source order.
    pub inputs: Vec<usize>,
    /// The day (since the epoch, UTC) the index was built on, when it read dates without
    /// a year: they read as of that day, and may read otherwise another day.
    pub day: Option<i64>,
    sources: Vec<SourceInfo>,
    blobs: Vec<BlobMeta>,
    categories: Vec<String>,
    category_counts: Vec<u64>,
    sessions: Vec<Session>,
    keys: Vec<KeyState>,
    carry: Vec<Carry>,
    unparsed: Vec<Unparsed>,
    unparsed_levels: [u64; 7],
    salvaged: u64,
    levels: [u64; 7],
    groups: Vec<ErrorGroup>,
    skipped: Vec<Skipped>,
    problems: Vec<Problem>,
}

fn format_code(f: Format) -> u8 {
    match f {
        Format::Lines => 0,
        Format::Csv => 1,
        Format::Markdown => 2,
    }
}

fn kind_code(k: KeyKind) -> u8 {
    match k {
        KeyKind::Explicit => 0,
        KeyKind::User => 1,
        KeyKind::HostPid => 2,
        KeyKind::File => 3,
    }
}

fn kind_of(code: u8) -> Read<KeyKind> {
    [KeyKind::Explicit, KeyKind::User, KeyKind::HostPid, KeyKind::File]
        .get(code as usize)
        .copied()
        .ok_or(Bad("key kind"))
}

fn level_of(code: u8) -> Read<Level> {
    Level::ALL.get(code as usize).copied().ok_or(Bad("level"))
}

/// The tables of `index`, built on `day`; `inputs[i]` is the discovery input source `i`
/// was read from.
pub fn write_tables(index: &Index, inputs: &[usize], day: i64) -> Vec<u8> {
    let mut w = Writer::default();
    w.opt_i64(index.dated_by_today.then_some(day));
    w.len(index.sources.len());
    for (s, &input) in index.sources.iter().zip(inputs) {
        w.len(input);
        w.str(&s.name);
        w.u8(format_code(s.format));
        w.u64(s.bytes);
        w.u64(s.events);
        w.u64(s.unparsed);
        w.opt_i64(s.first);
        w.opt_i64(s.last);
        w.u64s(&s.dialects);
        w.opt_str(s.warning.as_deref());
    }
    w.len(index.blobs.count());
    for b in (0..index.blobs.count()).filter_map(|i| index.blobs.get(i)) {
        w.u64(b.base);
        w.len(b.data.len());
        w.len(b.start);
        w.len(b.end);
        w.u32(b.source);
        w.u64(b.file_offset);
        w.u64(b.first_line);
        w.bool(b.csv.is_some());
        w.bool(b.whole_record);
        w.len(b.document_end);
        w.len(b.checkpoints.len());
        for &(at, line) in &b.checkpoints {
            w.len(at);
            w.u64(line);
        }
    }
    let names: Vec<&str> = index.categories.iter().map(|(_, n)| n).collect();
    w.strs(&names);
    w.u64s(&index.category_counts);
    w.len(index.sessions.len());
    for s in &index.sessions {
        w.str(&s.id);
        w.bool(s.derived);
        w.str(&s.user);
        w.str(&s.host);
        w.str(&s.platform);
        w.i64(s.start);
        w.i64(s.end);
        w.u64(s.events);
        w.u64(s.errors);
        w.u64(s.warnings);
        w.u64(s.unparsed);
        w.u32s(&s.sources);
        w.u8(s.worst as u8);
    }
    let (keys, carry) = index.grouping();
    w.len(keys.len());
    for k in keys {
        w.u8(kind_code(k.key.kind));
        w.str(&k.key.text);
        w.u32(k.current);
        w.i64(k.last_time);
        w.str(&k.user);
        w.str(&k.host);
        w.str(&k.platform);
    }
    w.len(carry.len());
    for c in carry {
        w.opt_i64(c.time);
        w.u32(c.key);
        w.u64(c.next_line);
    }
    w.len(index.unparsed.len());
    for u in &index.unparsed {
        u.to_raw().iter().for_each(|&x| w.u64(x));
    }
    w.u64s(&index.unparsed_levels);
    w.u64(index.salvaged);
    w.u64s(&index.levels);
    w.len(index.groups.len());
    for g in &index.groups {
        w.u64(g.fingerprint);
        w.str(&g.error_type);
        w.str(&g.title);
        w.u64(g.count);
        w.i64(g.first);
        w.i64(g.last);
        w.u32s(&g.occurrences);
        w.u32s(&g.sessions);
        w.strs(&g.users);
    }
    w.len(index.skipped.len());
    for s in &index.skipped {
        w.str(&s.name);
        w.str(&s.reason);
    }
    w.len(index.problems.len());
    for p in &index.problems {
        w.str(&p.name);
        w.str(&p.message);
    }
    w.bytes
}

/// Calls `out` with the index's events as raw bytes, a buffer at a time.
pub fn write_events(index: &Index, mut out: impl FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
    const PER_BUFFER: usize = 4096;
    let (events, _) = index.store.parts();
    let mut buf = Vec::with_capacity(PER_BUFFER * EVENT_BYTES);
    for chunk in events.chunks(PER_BUFFER) {
        buf.clear();
        for e in chunk {
            let [a, b] = e.to_raw();
            buf.extend_from_slice(&a.to_le_bytes());
            buf.extend_from_slice(&b.to_le_bytes());
        }
        out(&buf)?;
    }
    Ok(())
}

/// Reads the tables written by [`write_tables`], checking the shape of each; the ids
/// between tables are checked by [`Tables::into_index`].
pub fn read_tables(bytes: &[u8], discovery: &Discovery) -> Read<Tables> {
    let mut r = Reader::new(bytes);
    let day = r.opt_i64()?;
    let n = r.len(1)?;
    let mut inputs = Vec::with_capacity(n);
    let mut sources = Vec::with_capacity(n);
    for _ in 0..n {
        let at = usize::try_from(r.u64()?).map_err(|_| Bad("no such input"))?;
        let input = discovery.inputs.get(at).ok_or(Bad("no such input"))?;
        let name = r.string()?;
        if name != input.name || r.u8()? != format_code(input.format) {
            return Err(Bad("another input"));
        }
        let mut s = SourceInfo::new(name, input.origin.clone(), input.format);
        (s.bytes, s.events, s.unparsed) = (r.u64()?, r.u64()?, r.u64()?);
        (s.first, s.last) = (r.opt_i64()?, r.opt_i64()?);
        s.dialects = r.u64_array::<{ Dialect::COUNT }>()?;
        s.warning = r.opt_string()?;
        inputs.push(at);
        sources.push(s);
    }
    let n = r.len(1)?;
    let mut blobs = Vec::with_capacity(n);
    for _ in 0..n {
        let (base, data_len, start, end) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?);
        if r.u32()? as usize != blobs.len() {
            return Err(Bad("blob of another source"));
        }
        let (file_offset, first_line) = (r.u64()?, r.u64()?);
        let (has_csv, whole_record, document_end) = (r.bool()?, r.bool()?, r.u64()?);
        let k = r.len(16)?;
        let checkpoints = (0..k).map(|_| Ok((r.u64()?, r.u64()?))).collect::<Read<_>>()?;
        blobs.push(BlobMeta {
            base,
            data_len,
            start,
            end,
            file_offset,
            first_line,
            has_csv,
            whole_record,
            document_end,
            checkpoints,
        });
    }
    let categories = r.strings()?;
    let category_counts = r.u64s()?;
    let n = r.len(1)?;
    let mut sessions = Vec::with_capacity(n);
    for _ in 0..n {
        sessions.push(Session {
            id: r.string()?,
            derived: r.bool()?,
            user: r.string()?,
            host: r.string()?,
            platform: r.string()?,
            start: r.i64()?,
            end: r.i64()?,
            events: r.u64()?,
            errors: r.u64()?,
            warnings: r.u64()?,
            unparsed: r.u64()?,
            sources: r.u32s()?,
            worst: level_of(r.u8()?)?,
        });
    }
    let n = r.len(1)?;
    let mut keys = Vec::with_capacity(n);
    for _ in 0..n {
        let key = SessionKey { kind: kind_of(r.u8()?)?, text: r.str()?.into() };
        keys.push(KeyState {
            key,
            current: r.u32()?,
            last_time: r.i64()?,
            user: r.string()?,
            host: r.string()?,
            platform: r.string()?,
        });
    }
    let n = r.len(1)?;
    let carry =
        (0..n).map(|_| Ok(Carry { time: r.opt_i64()?, key: r.u32()?, next_line: r.u64()? })).collect::<Read<_>>()?;
    let n = r.len(24)?;
    let unparsed = (0..n).map(|_| Ok(Unparsed::from_raw([r.u64()?, r.u64()?, r.u64()?]))).collect::<Read<_>>()?;
    let unparsed_levels = r.u64_array()?;
    let salvaged = r.u64()?;
    let levels = r.u64_array()?;
    let n = r.len(1)?;
    let mut groups = Vec::with_capacity(n);
    for _ in 0..n {
        groups.push(ErrorGroup {
            fingerprint: r.u64()?,
            error_type: r.string()?,
            title: r.string()?,
            count: r.u64()?,
            first: r.i64()?,
            last: r.i64()?,
            occurrences: r.u32s()?,
            sessions: r.u32s()?,
            users: r.strings()?,
        });
    }
    let n = r.len(16)?;
    let skipped = (0..n).map(|_| Ok(Skipped { name: r.string()?, reason: r.string()? })).collect::<Read<_>>()?;
    let n = r.len(16)?;
    let problems = (0..n).map(|_| Ok(Problem { name: r.string()?, message: r.string()? })).collect::<Read<_>>()?;
    if !r.is_empty() {
        return Err(Bad("bytes after the tables"));
    }
    Ok(Tables {
        inputs,
        day,
        sources,
        blobs,
        categories,
        category_counts,
        sessions,
        keys,
        carry,
        unparsed,
        unparsed_levels,
        salvaged,
        levels,
        groups,
        skipped,
        problems,
    })
}

/// The events section, decoded.
pub struct Events {
    pub events: Vec<Event>,
    /// The highest category and session ids they name, for [`Tables::into_index`] to check.
    top_category: u32,
    top_session: u32,
}

/// Decodes the events section in one pass, noting the highest ids on the way (a second
/// pass over a hundred megabytes costs more than the comparisons). One core: the threads
/// of a pool cost more to wake than they save here.
pub fn read_events(bytes: &[u8]) -> Read<Events> {
    if !bytes.len().is_multiple_of(EVENT_BYTES) {
        return Err(Bad("events cut short"));
    }
    let mut events = vec_with_huge_pages(bytes.len() / EVENT_BYTES);
    let (mut top_category, mut top_session) = (0, 0);
    events.extend(bytes.chunks_exact(EVENT_BYTES).map(|c| {
        let word = |w: &[u8]| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let e = Event::from_raw([word(&c[..8]), word(&c[8..])]);
        top_category = top_category.max(e.category());
        top_session = top_session.max(e.session());
        e
    }));
    Ok(Events { events, top_category, top_session })
}

fn check(ok: bool, why: &'static str) -> Read<()> {
    if ok { Ok(()) } else { Err(Bad(why)) }
}

impl Tables {
    /// The index these tables describe, over `data` (the bytes of each source, opened
    /// again, and what opening it warned of) and `events`. Every id that names a row of
    /// another table is checked.
    pub fn into_index(self, opened: Vec<(Arc<Data>, Option<String>)>, events: Events, mut index: Index) -> Read<Index> {
        let n = self.sources.len();
        let same_warnings = opened.iter().zip(&self.sources).all(|((_, w), s)| *w == s.warning);
        check(same_warnings, "opening an input says something else now")?;
        let data: Vec<Arc<Data>> = opened.into_iter().map(|(d, _)| d).collect();
        check(self.blobs.len() == n && data.len() == n && self.carry.len() == n, "sources, blobs and files differ")?;
        for name in &self.categories {
            let expected = index.categories.len() as u32;
            check(index.categories.intern(name) == expected, "category names")?;
        }
        let (categories, sessions) = (index.categories.len(), self.sessions.len());
        check(self.category_counts.len() == categories && sessions > 0 && !self.keys.is_empty(), "table sizes")?;
        let Events { events, top_category, top_session } = events;
        check((top_category as usize) < categories && (top_session as usize) < sessions, "event ids")?;
        let in_sessions = |ids: &[u32]| ids.iter().all(|&s| (s as usize) < sessions);
        check(self.sessions.iter().all(|s| s.sources.iter().all(|&f| (f as usize) < n)), "session files")?;
        check(self.keys.iter().all(|k| (k.current as usize) < sessions), "key sessions")?;
        check(self.carry.iter().all(|c| (c.key as usize) < self.keys.len()), "carried keys")?;
        let in_events = |ids: &[u32]| ids.iter().all(|&e| (e as usize) < events.len());
        check(self.groups.iter().all(|g| in_events(&g.occurrences) && in_sessions(&g.sessions)), "group ids")?;
        let mut next_base = 0u64;
        for (i, (meta, data)) in self.blobs.into_iter().zip(data).enumerate() {
            let len = data.len() as u64;
            let span = meta.end.checked_sub(meta.start).ok_or(Bad("blob range"))?;
            check(meta.data_len == len && meta.end <= len && meta.base == next_base, "blob bytes")?;
            let sorted = meta.checkpoints.is_sorted_by_key(|&(at, _)| at);
            let inside = meta.checkpoints.last().is_none_or(|&(at, _)| at <= span);
            check(meta.document_end <= span && sorted && inside, "blob offsets")?;
            let csv = match meta.has_csv {
                true => Some(Arc::new(crate::ingest::build::csv_header(&data).ok_or(Bad("CSV header"))?.0)),
                false => None,
            };
            next_base += len + 1;
            index.blobs.push(Blob {
                base: meta.base,
                data,
                start: meta.start as usize,
                end: meta.end as usize,
                source: i as u32,
                file_offset: meta.file_offset,
                first_line: meta.first_line,
                csv,
                whole_record: meta.whole_record,
                document_end: meta.document_end as usize,
                checkpoints: meta.checkpoints.into_iter().map(|(at, line)| (at as usize, line)).collect(),
            });
        }
        for s in self.sources {
            index.add_source(s);
        }
        index.store = EventStore::from_sorted(events);
        index.category_counts = self.category_counts;
        index.sessions = self.sessions;
        index.unparsed = self.unparsed;
        index.unparsed_levels = self.unparsed_levels;
        index.salvaged = self.salvaged;
        index.levels = self.levels;
        index.groups = self.groups;
        index.skipped = self.skipped;
        index.problems = self.problems;
        index.dated_by_today = self.day.is_some();
        index.restore_grouping(self.keys, self.carry);
        Ok(index)
    }
}
