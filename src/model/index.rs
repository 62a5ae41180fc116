//! The index: every event of every input in one timeline, with sessions, error groups and
//! per-file accounting. Built once from parsed ranges (`absorb` + `assign`), and extended
//! the same way by follow mode, so both paths count and group identically.

use super::error_group::{ErrorGroup, mask};
use super::intern::Interner;
use super::session::{KeyKind, Session, SessionKey};
use super::store::{Blob, Blobs, EventStore, readable};
use super::tally;
use super::{Event, Level, flag};
use crate::ingest::dialects::facts::{Dialect, Facts, Salvage, display_message_in, error_text, salvage};
use crate::ingest::inputs::sources::{Format, Origin, Problem, Skipped};
use crate::ingest::parse::{Chunk, Reason, Unparsed};
use crate::ingest::time::{TimeReader, Zone};
use crate::sanitize::Charset;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::mem::MaybeUninit;
use std::sync::Arc;

/// One input file (or zip entry, or stdin) and what was read from it.
#[derive(Clone, Debug)]
pub struct SourceInfo {
    pub name: String,
    pub origin: Origin,
    pub format: Format,
    pub bytes: u64,
    /// Lines read as events (not counting unparsed lines).
    pub events: u64,
    pub unparsed: u64,
    /// Earliest and latest time written on its lines.
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub dialects: [u64; Dialect::COUNT],
    /// A problem met while reading that did not stop it (a cut-off gzip stream...).
    pub warning: Option<String>,
}

impl SourceInfo {
    pub fn new(name: String, origin: Origin, format: Format) -> SourceInfo {
        SourceInfo {
            name,
            origin,
            format,
            bytes: 0,
            events: 0,
            unparsed: 0,
            first: None,
            last: None,
            dialects: [0; Dialect::COUNT],
            warning: None,
        }
    }

    /// The dialect most of its lines are in.
    pub fn dialect(&self) -> Option<Dialect> {
        let (i, &n) = self.dialects.iter().enumerate().max_by_key(|(_, n)| **n)?;
        (n > 0).then(|| Dialect::ALL[i])
    }
}

/// Grouping state of one session key across batches.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyState {
    pub key: SessionKey,
    /// The current session of this key (explicit keys have exactly one).
    pub current: u32,
    pub last_time: i64,
    pub user: String,
    pub host: String,
    pub platform: String,
}

/// Per-source state carried from one parsed range to the next.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Carry {
    pub time: Option<i64>,
    pub key: u32,
    pub next_line: u64,
}

/// What `absorb` hands to `assign`: events with global key ids, and error fingerprints.
/// A chunk's local category and session-key ids (index = local id, 0 = none) mapped to
/// the index's global ids.
struct IdMaps {
    categories: Vec<u32>,
    keys: Vec<u32>,
}

/// What a chunk adds to its file's accounting.
struct Tally {
    events: u64,
    unparsed: u64,
    /// Earliest and latest time written on its lines.
    times: Option<(i64, i64)>,
}

impl IdMaps {
    /// Copies a chunk's events into their place in the timeline with global ids, and
    /// tallies the chunk. `dst` has exactly one slot per event of `src`.
    fn rewrite_into(&self, src: &[Event], dst: &mut [MaybeUninit<Event>]) -> Tally {
        debug_assert_eq!(src.len(), dst.len());
        let mut tally = Tally { events: 0, unparsed: 0, times: None };
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for (slot, &e) in dst.iter_mut().zip(src) {
            let mut e = e;
            e.set_category(self.categories.get(e.category() as usize).copied().unwrap_or(0));
            e.set_session(self.keys.get(e.session() as usize).copied().unwrap_or(0));
            if e.is_unparsed() {
                tally.unparsed += 1;
            } else {
                tally.events += 1;
                if e.has(flag::OWN_TIME) {
                    first = first.min(e.time());
                    last = last.max(e.time());
                }
            }
            slot.write(e);
        }
        if first <= last {
            tally.times = Some((first, last));
        }
        tally
    }
}

/// What [`Index::settle`] read for one error group.
struct Refreshed {
    gid: usize,
    users: Vec<String>,
    /// Error type and title, for a group that has none yet.
    title: Option<(String, String)>,
}

pub struct Absorbed {
    pub events: Vec<Event>,
    pub fingerprints: FxHashMap<u64, u64>,
    /// Whether `events` are already in timeline order (by time, then offset).
    pub in_order: bool,
}

/// Chunks absorbed so far (see [`Index::absorb_next`]).
#[derive(Default)]
pub struct Absorbing {
    events: Vec<Event>,
    fingerprints: FxHashMap<u64, u64>,
    /// Event ranges still waiting for the first time / session of their source.
    pending_time: FxHashMap<usize, Vec<std::ops::Range<usize>>>,
    pending_key: FxHashMap<usize, Vec<std::ops::Range<usize>>>,
    /// The events before this are known to be in timeline order; checked as chunks come,
    /// while their events are still in cache, instead of in a pass of its own after the
    /// parse (8 ms for 1 GiB, with one of the two cores idle).
    ordered: usize,
    out_of_order: bool,
}

impl Absorbing {
    /// Room for about `events` events, backed by huge pages where the kernel can.
    pub fn with_capacity(events: usize) -> Absorbing {
        Absorbing { events: super::store::vec_with_huge_pages(events), ..Absorbing::default() }
    }

    pub fn finish(mut self) -> Absorbed {
        // Times still pending now stay as they are (a file with no time at all).
        self.pending_time.clear();
        self.check_order();
        Absorbed { in_order: !self.out_of_order, events: self.events, fingerprints: self.fingerprints }
    }

    /// Extends the ordered prefix over the events absorbed since. Lines still waiting for
    /// the first time of their file may yet change, so the check waits for them.
    fn check_order(&mut self) {
        if self.out_of_order || !self.pending_time.is_empty() {
            return;
        }
        let from = self.ordered.saturating_sub(1);
        if self.events[from..].is_sorted_by_key(|e| e.order_key()) {
            self.ordered = self.events.len();
        } else {
            self.out_of_order = true;
        }
    }
}

pub struct Index {
    pub zone: Zone,
    pub gap_ms: i64,
    pub store: EventStore,
    pub blobs: Arc<Blobs>,
    pub sources: Vec<SourceInfo>,
    pub categories: Interner,
    pub category_counts: Vec<u64>,
    /// Session 0 is "no session" and is never listed.
    pub sessions: Vec<Session>,
    keys: Vec<KeyState>,
    key_ids: FxHashMap<SessionKey, u32>,
    pub unparsed: Vec<Unparsed>,
    /// Unparsed lines per level: the level salvaged from a cut line, else `None`. Their
    /// events are in `levels` too, so `levels[l] - unparsed_levels[l]` counts events.
    pub unparsed_levels: [u64; 7],
    /// Unparsed lines that are cut lines with salvaged fields.
    pub salvaged: u64,
    pub groups: Vec<ErrorGroup>,
    group_ids: FxHashMap<u64, u32>,
    /// (event id, group id) for every error event, sorted by event id.
    error_events: Vec<(u32, u32)>,
    /// Groups whose title and users must be refreshed once their events are stored.
    dirty_groups: Vec<u32>,
    pub levels: [u64; 7],
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
    /// Some date was written without a year and read as of the day of the build (a syslog
    /// line's `May 17`): the same bytes may read otherwise another day.
    pub dated_by_today: bool,
    carry: Vec<Carry>,
}

impl Index {
    pub fn new(zone: Zone, gap_minutes: i64) -> Index {
        Index {
            zone,
            gap_ms: gap_minutes.max(1) * 60_000,
            store: EventStore::default(),
            blobs: Arc::default(),
            sources: Vec::new(),
            categories: Interner::default(),
            category_counts: vec![0],
            sessions: vec![Session::default()],
            keys: vec![KeyState {
                key: SessionKey { kind: KeyKind::File, text: "".into() },
                current: 0,
                last_time: 0,
                user: String::new(),
                host: String::new(),
                platform: String::new(),
            }],
            key_ids: FxHashMap::default(),
            unparsed: Vec::new(),
            unparsed_levels: [0; 7],
            salvaged: 0,
            groups: Vec::new(),
            group_ids: FxHashMap::default(),
            error_events: Vec::new(),
            dirty_groups: Vec::new(),
            levels: [0; 7],
            skipped: Vec::new(),
            problems: Vec::new(),
            dated_by_today: false,
            carry: Vec::new(),
        }
    }

    /// An index that shares this one's events, bytes and files (not its sessions, groups
    /// or list of unparsed lines), for a read-only report on another thread: the events
    /// and bytes are behind `Arc`s, so this copies only the per-file lists.
    pub fn files_view(&self) -> Index {
        let mut view = Index::new(self.zone, self.gap_ms / 60_000);
        view.store = self.store.clone();
        view.blobs = Arc::clone(&self.blobs);
        view.sources = self.sources.clone();
        view.unparsed_levels = self.unparsed_levels;
        view.salvaged = self.salvaged;
        view.skipped = self.skipped.clone();
        view.problems = self.problems.clone();
        view
    }

    /// A copy sharing this one's events and bytes, with its own copy of everything else
    /// (sessions, groups, lists): for writing the cache on another thread while the index
    /// goes to the screen.
    pub fn share(&self) -> Index {
        Index {
            zone: self.zone,
            gap_ms: self.gap_ms,
            store: self.store.clone(),
            blobs: Arc::clone(&self.blobs),
            sources: self.sources.clone(),
            categories: self.categories.clone(),
            category_counts: self.category_counts.clone(),
            sessions: self.sessions.clone(),
            keys: self.keys.clone(),
            key_ids: self.key_ids.clone(),
            unparsed: self.unparsed.clone(),
            unparsed_levels: self.unparsed_levels,
            salvaged: self.salvaged,
            groups: self.groups.clone(),
            group_ids: self.group_ids.clone(),
            error_events: self.error_events.clone(),
            dirty_groups: self.dirty_groups.clone(),
            levels: self.levels,
            skipped: self.skipped.clone(),
            problems: self.problems.clone(),
            dated_by_today: self.dated_by_today,
            carry: self.carry.clone(),
        }
    }

    /// How session keys and files stood when the build ended: what the cache keeps besides
    /// the public fields, so that follow mode goes on from a cached index as from a built one.
    pub fn grouping(&self) -> (&[KeyState], &[Carry]) {
        (&self.keys, &self.carry)
    }

    /// Puts back what [`Index::grouping`] gave, after the public fields, and derives the
    /// lookups the cache does not keep: key ids, group ids and the error events.
    pub fn restore_grouping(&mut self, keys: Vec<KeyState>, carry: Vec<Carry>) {
        self.key_ids = keys.iter().enumerate().skip(1).map(|(i, k)| (k.key.clone(), i as u32)).collect();
        self.keys = keys;
        self.carry = carry;
        self.group_ids = self.groups.iter().enumerate().map(|(g, group)| (group.fingerprint, g as u32)).collect();
        self.error_events = self
            .groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| group.occurrences.iter().map(move |&id| (id, g as u32)))
            .collect();
        self.error_events.sort_unstable();
        self.dirty_groups.clear();
    }

    pub fn add_source(&mut self, info: SourceInfo) -> u32 {
        self.sources.push(info);
        self.carry.push(Carry::default());
        (self.sources.len() - 1) as u32
    }

    pub fn len(&self) -> usize {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    pub fn event(&self, id: usize) -> Option<Event> {
        self.store.get(id)
    }

    fn key_id(&mut self, key: &SessionKey) -> u32 {
        if let Some(&id) = self.key_ids.get(key) {
            return id;
        }
        let id = self.keys.len() as u32;
        let user = if key.kind == KeyKind::User { key.text.to_string() } else { String::new() };
        let host = match key.kind {
            KeyKind::HostPid => key.text.rsplit_once(':').map_or(&*key.text, |(h, _)| h).to_string(),
            _ => String::new(),
        };
        self.keys.push(KeyState {
            key: key.clone(),
            current: 0,
            last_time: i64::MIN,
            user,
            host,
            platform: String::new(),
        });
        self.key_ids.insert(key.clone(), id);
        id
    }

    /// Makes the ids of parsed ranges global and stitches ranges of one source together
    /// (line numbers, and the time and session inherited by lines that have none). Ranges
    /// of one source must come in file order.
    pub fn absorb(&mut self, chunks: Vec<Chunk>) -> Absorbed {
        let mut state = Absorbing::default();
        for chunk in chunks {
            self.absorb_next(&mut state, chunk);
        }
        state.finish()
    }

    /// Absorbs one more chunk into `state`, after the chunks before it in file order, while
    /// later ranges may still be parsed (see [`Index::absorb`] for a batch).
    /// Returns the chunk's emptied event buffer, for the next range to fill: memory the
    /// process already touched is cheaper to write than fresh pages.
    pub fn absorb_next(&mut self, state: &mut Absorbing, mut chunk: Chunk) -> Vec<Event> {
        let maps = self.id_maps(&chunk);
        let (start, n) = (state.events.len(), chunk.events.len());
        state.events.reserve(n);
        let tally = maps.rewrite_into(&chunk.events, &mut state.events.spare_capacity_mut()[..n]);
        // SAFETY: `rewrite_into` wrote all `n` slots after the old length.
        unsafe { state.events.set_len(start + n) };
        let mut buffer = std::mem::take(&mut chunk.events);
        buffer.clear();
        self.stitch(state, chunk, start..start + n, tally);
        state.check_order();
        buffer
    }

    /// Accounts for a chunk whose events, already rewritten, sit at `range` of
    /// `state.events`: its file's counts, times and line numbers, and the time and session
    /// of its first lines.
    fn stitch(&mut self, state: &mut Absorbing, chunk: Chunk, range: std::ops::Range<usize>, tally: Tally) {
        let events = &mut state.events;
        let (start, end, n) = (range.start, range.end, range.len());
        let src = chunk.source as usize;
        let carry = self.carry[src];
        self.dated_by_today |= chunk.dated_by_today;
        let info = &mut self.sources[src];
        info.events += tally.events;
        info.unparsed += tally.unparsed;
        if let Some((first, last)) = tally.times {
            info.first = Some(info.first.map_or(first, |f| f.min(first)));
            info.last = Some(info.last.map_or(last, |l| l.max(last)));
        }
        // Lines at the start of a range take their time and session from the line before
        // them in the file; at the start of a file, from the first line after them that
        // has one (which may be ranges later). Only these can still have no session (0):
        // a range's later lines inherit from the lines before them.
        let has_time = chunk.leading_untimed < n;
        match carry.time {
            Some(t) => events[start..start + chunk.leading_untimed].iter_mut().for_each(|e| e.set_time(t)),
            None if has_time => {
                let t = events[start + chunk.leading_untimed].time();
                for r in state.pending_time.remove(&src).unwrap_or_default() {
                    events[r].iter_mut().for_each(|e| e.set_time(t));
                }
            }
            // An empty chunk (an empty file) has nothing to wait for.
            None if n == 0 => {}
            None => state.pending_time.entry(src).or_default().push(start..end),
        }
        let has_key = chunk.leading_unkeyed < n;
        if carry.key != 0 {
            events[start..start + chunk.leading_unkeyed].iter_mut().for_each(|e| e.set_session(carry.key));
        } else if has_key {
            let k = events[start + chunk.leading_unkeyed].session();
            for r in state.pending_key.remove(&src).unwrap_or_default() {
                events[r].iter_mut().for_each(|e| e.set_session(k));
            }
        } else {
            state.pending_key.entry(src).or_default().push(start..end);
        }
        for (total, n) in info.dialects.iter_mut().zip(chunk.dialects) {
            *total += n;
        }
        let c = &mut self.carry[src];
        if let Some(last) = events[start..end].last() {
            if carry.time.is_some() || has_time {
                c.time = Some(last.time());
            }
            if last.session() != 0 {
                c.key = last.session();
            }
        }
        for mut u in chunk.unparsed {
            u.line += c.next_line + 1;
            let level = u.salvaged_level();
            self.salvaged += u64::from(level.is_some());
            self.unparsed_levels[level.unwrap_or(Level::None) as usize] += 1;
            self.unparsed.push(u);
        }
        c.next_line += chunk.newlines;
        for sig in chunk.errors {
            state.fingerprints.insert(sig.offset, sig.fingerprint);
        }
    }

    /// Global ids for a chunk's categories and session keys; applies its metas.
    fn id_maps(&mut self, chunk: &Chunk) -> IdMaps {
        let categories: Vec<u32> =
            std::iter::once(0).chain(chunk.categories.iter().map(|name| self.categories.intern(name))).collect();
        if self.category_counts.len() < self.categories.len() {
            self.category_counts.resize(self.categories.len(), 0);
        }
        let keys: Vec<u32> = std::iter::once(0)
            .chain(chunk.keys.iter().map(|k| {
                if k.kind == KeyKind::File {
                    let text = format!("{}", chunk.source).into();
                    self.key_id(&SessionKey { kind: KeyKind::File, text })
                } else {
                    self.key_id(k)
                }
            }))
            .collect();
        for meta in &chunk.metas {
            let Some(state) = keys.get(meta.key as usize).and_then(|&k| self.keys.get_mut(k as usize)) else {
                continue;
            };
            for (slot, value) in
                [(&mut state.user, &meta.user), (&mut state.host, &meta.host), (&mut state.platform, &meta.platform)]
            {
                if slot.is_empty()
                    && let Some(v) = value
                {
                    *slot = v.to_string();
                }
            }
        }
        IdMaps { categories, keys }
    }

    /// Turns session keys into sessions (cutting derived ones at idle gaps), counts levels
    /// and categories, and groups errors. `events` are in timeline order and will get ids
    /// from `first_id` on; call [`Index::settle`] once they are in the store.
    pub fn assign(&mut self, events: &mut [Event], first_id: usize, fingerprints: &FxHashMap<u64, u64>) {
        // Metas are absorbed before events are assigned, so a key's user, host and platform
        // are known now: open sessions take them here, new sessions when they are opened.
        for key in 0..self.keys.len() {
            let sid = self.keys[key].current;
            if sid != 0 {
                self.fill_session_meta(key, sid);
            }
        }
        for e in events.iter_mut() {
            let sid = self.session_for(e.session() as usize, e.time());
            e.set_session(sid);
        }
        let blobs = Arc::clone(&self.blobs);
        let counts = tally::tally(events, self.category_counts.len(), self.sessions.len(), &blobs, fingerprints);
        for (total, n) in self.levels.iter_mut().zip(counts.levels) {
            *total += n;
        }
        for (total, n) in self.category_counts.iter_mut().zip(&counts.categories) {
            *total += n;
        }
        for (s, gain) in self.sessions.iter_mut().zip(&counts.sessions) {
            gain.apply(s);
        }
        for &(sid, source) in &counts.sources {
            if let Some(s) = self.sessions.get_mut(sid as usize) {
                s.add_source(source);
            }
        }
        for err in &counts.errors {
            let (id, sid, time, fp) = ((first_id + err.at as usize) as u32, err.session, err.time, err.fingerprint);
            let gid = match self.group_ids.get(&fp) {
                Some(&g) => g,
                None => {
                    let g = self.groups.len() as u32;
                    self.groups.push(ErrorGroup { fingerprint: fp, first: time, last: time, ..Default::default() });
                    self.group_ids.insert(fp, g);
                    g
                }
            };
            let g = &mut self.groups[gid as usize];
            g.count += 1;
            g.first = g.first.min(time);
            g.last = g.last.max(time);
            g.occurrences.push(id);
            g.add_session(sid);
            self.dirty_groups.push(gid);
            self.error_events.push((id, gid));
        }
    }

    /// Finishes what needs stored events: error group titles (read from a sample line)
    /// and the users each group touched. Groups are read on all cores: this comes after
    /// the parse, when one core would otherwise wait (18 ms for the 1,400 groups of 1 GiB).
    pub fn settle(&mut self) {
        let mut dirty = std::mem::take(&mut self.dirty_groups);
        dirty.sort_unstable();
        dirty.dedup();
        let this = &*self;
        let refreshed: Vec<Refreshed> = dirty
            .par_iter()
            .filter_map(|&gid| {
                let g = this.groups.get(gid as usize)?;
                let title =
                    if g.title.is_empty() { g.sample().and_then(|id| this.error_title(id as usize)) } else { None };
                Some(Refreshed { gid: gid as usize, users: this.users_of(g), title })
            })
            .collect();
        for r in refreshed {
            let g = &mut self.groups[r.gid];
            if let Some((etype, title)) = r.title {
                g.error_type = etype;
                g.title = title;
            }
            g.users = r.users;
        }
    }

    /// The users of the sessions a group touched, sorted, each once.
    fn users_of(&self, g: &ErrorGroup) -> Vec<String> {
        let mut users: Vec<&str> = g
            .sessions
            .iter()
            .filter_map(|&s| self.sessions.get(s as usize))
            .map(|s| s.user.as_str())
            .filter(|u| !u.is_empty())
            .collect();
        users.sort_unstable();
        users.dedup();
        users.into_iter().map(str::to_string).collect()
    }

    /// The session an event of `key` at `time` belongs to, opening a new one when needed.
    fn session_for(&mut self, key: usize, time: i64) -> u32 {
        // Lines of a file with no readable event belong to no session.
        if key == 0 {
            return 0;
        }
        let gap = self.gap_ms;
        let Some(state) = self.keys.get_mut(key) else { return 0 };
        let fresh =
            state.current == 0 || (state.key.kind != KeyKind::Explicit && time.saturating_sub(state.last_time) > gap);
        state.last_time = state.last_time.max(time);
        if !fresh {
            return state.current;
        }
        let derived = state.key.kind != KeyKind::Explicit;
        let label = match state.key.kind {
            KeyKind::Explicit => state.key.text.to_string(),
            KeyKind::User | KeyKind::HostPid => format!("{}@{}", state.key.text, short_local(self.zone, time)),
            KeyKind::File => {
                let src = state.key.text.parse::<usize>().ok();
                let name = src.and_then(|i| self.sources.get(i)).map_or("?", |s| s.name.as_str());
                let base = name.rsplit(['/', ':']).next().unwrap_or(name);
                format!("{base}@{}", short_local(self.zone, time))
            }
        };
        let sid = self.sessions.len() as u32;
        self.sessions.push(Session { id: label, derived, start: time, end: time, ..Session::default() });
        self.keys[key].current = sid;
        self.fill_session_meta(key, sid);
        sid
    }

    fn fill_session_meta(&mut self, key: usize, sid: u32) {
        let state = &self.keys[key];
        let s = &mut self.sessions[sid as usize];
        if s.user.is_empty() && !state.user.is_empty() {
            s.user.clone_from(&state.user);
        }
        if s.host.is_empty() && !state.host.is_empty() {
            s.host.clone_from(&state.host);
        }
        if s.platform.is_empty() && !state.platform.is_empty() {
            s.platform.clone_from(&state.platform);
        }
    }

    /// Error type and masked message of an error event (for a cut line, of what was
    /// salvaged, marked `[cut]`).
    fn error_title(&self, id: usize) -> Option<(String, String)> {
        let e = self.event(id)?;
        let mut times = TimeReader::new(self.zone);
        if let Some(s) = self.salvage_of(e, &mut times) {
            let etype = s.facts.error_type.map(|t| t.text().trim().to_string()).unwrap_or_default();
            // ASCII: a title is shown in every charset and in headless text.
            let more = if s.message_cut { "..." } else { "" };
            return Some((etype, format!("[cut] {}{more}", mask(&error_text(&s.facts)))));
        }
        let (facts, _) = self.facts_of(e, &mut times)?;
        let etype = facts.error_type.map(|t| t.text().trim().to_string()).unwrap_or_default();
        Some((etype, mask(&error_text(&facts))))
    }

    /// Adds lines read by follow mode: registers their bytes, makes the parsed range's
    /// offsets and ids global, and appends the events after everything already indexed.
    /// Returns the new event ids.
    pub fn append_live(&mut self, piece: crate::ingest::inputs::watch::Piece) -> std::ops::Range<usize> {
        let src = match self.sources.iter().position(|s| s.origin == Origin::File(piece.path.clone())) {
            Some(i) => i,
            None => self.add_source(SourceInfo::new(piece.name, Origin::File(piece.path), piece.format)) as usize,
        };
        // The follower numbers a file's lines: a rotated file's late lines go on from
        // where it had got to, even after its name's new file started again at 1.
        self.carry[src].next_line = piece.first_line.saturating_sub(1);
        let base = self.blobs.next_base();
        let mut chunk = piece.chunk;
        chunk.source = src as u32;
        for e in &mut chunk.events {
            e.set_offset(base + e.offset());
        }
        for u in &mut chunk.unparsed {
            u.offset += base;
        }
        for sig in &mut chunk.errors {
            sig.offset += base;
        }
        self.sources[src].bytes += piece.bytes.len() as u64;
        let len = piece.bytes.len();
        self.blobs.push(Blob {
            base,
            data: Arc::new(crate::ingest::inputs::sources::Data::Heap(piece.bytes)),
            start: 0,
            end: len,
            source: src as u32,
            file_offset: piece.file_offset,
            first_line: self.carry[src].next_line + 1,
            csv: piece.csv,
            whole_record: false,
            document_end: 0,
            checkpoints: Vec::new(),
        });
        let absorbed = self.absorb(vec![chunk]);
        let mut events = absorbed.events;
        for e in &mut events {
            e.set_flag(flag::LIVE);
        }
        let first = self.len();
        self.assign(&mut events, first, &absorbed.fingerprints);
        for e in events {
            self.store.push(e);
        }
        self.settle();
        first..self.len()
    }

    /// The name of the source an unparsed line is in.
    pub fn unparsed_source(&self, u: &Unparsed) -> &str {
        let source = self.blobs.find(u.offset).map(|b| b.source as usize);
        source.and_then(|s| self.sources.get(s)).map_or("?", |s| s.name.as_str())
    }

    /// The unparsed-line record at a virtual offset (the list is in offset order).
    pub fn unparsed_at(&self, offset: u64) -> Option<&Unparsed> {
        let at = self.unparsed.partition_point(|u| u.offset < offset);
        self.unparsed.get(at).filter(|u| u.offset == offset)
    }

    /// Group of an error event.
    pub fn group_of(&self, id: usize) -> Option<&ErrorGroup> {
        self.groups.get(self.group_id_of(id)? as usize)
    }

    /// Index in `groups` of an error event's group.
    pub fn group_id_of(&self, id: usize) -> Option<u32> {
        let at = self.error_events.binary_search_by_key(&(id as u32), |&(e, _)| e).ok()?;
        Some(self.error_events[at].1)
    }

    /// Blob holding an event's line.
    pub fn blob_of(&self, e: Event) -> Option<&Blob> {
        self.blobs.find(e.offset())
    }

    /// The line exactly as in the file (without its `\n`).
    pub fn raw_line(&self, e: Event) -> &[u8] {
        self.blob_of(e).map_or(&[], |b| b.raw_line(e.offset()))
    }

    /// `file:line` of an event.
    pub fn location(&self, e: Event) -> String {
        match self.blob_of(e) {
            Some(b) => {
                let name = self.sources.get(b.source as usize).map_or("?", |s| s.name.as_str());
                format!("{name}:{}", b.line_number(e.offset()))
            }
            None => "?".into(),
        }
    }

    /// Reads an event's line again into facts. `None` for unparsed lines.
    pub fn facts_of<'a>(&'a self, e: Event, times: &mut TimeReader) -> Option<(Facts<'a>, &'a Blob)> {
        if e.is_unparsed() {
            return None;
        }
        let blob = self.blob_of(e)?;
        let facts = blob.facts(readable(blob.raw_line(e.offset())), times)?;
        Some((facts, blob))
    }

    /// What a cut line still says (see [`crate::ingest::dialects::facts::salvage`]); `None` for
    /// events and for unparsed lines that are not salvaged cut lines.
    pub fn salvage_of<'a>(&'a self, e: Event, times: &mut TimeReader) -> Option<Salvage<'a>> {
        if !e.is_unparsed() {
            return None;
        }
        let u = self.unparsed_at(e.offset()).filter(|u| u.is_salvaged())?;
        let Reason::Json(error) = u.reason() else { return None };
        salvage(readable(self.raw_line(e)), error, times)
    }

    /// Whether the event is a cut line with salvaged fields.
    pub fn is_cut(&self, e: Event) -> bool {
        e.is_unparsed() && self.unparsed_at(e.offset()).is_some_and(|u| u.is_salvaged())
    }

    /// `\x00×N ` when NUL bytes precede the event's line (zero-fill after a crash): rows
    /// and exports put it before the message, so the damage is not read past unseen.
    pub fn nul_marker(&self, e: Event) -> Option<String> {
        if !e.has(flag::NUL_PREFIX) {
            return None;
        }
        let n = super::store::leading_nuls(self.raw_line(e));
        Some(format!("\\x00×{n} "))
    }

    /// The message a row shows: the message field, a composed one, or the raw line.
    pub fn message_of(&self, e: Event, times: &mut TimeReader) -> String {
        self.message_in(e, times, Charset::Unicode)
    }

    /// [`Index::message_of`] composed for a terminal showing only `charset`.
    pub fn message_in(&self, e: Event, times: &mut TimeReader, charset: Charset) -> String {
        match self.facts_of(e, times) {
            Some((f, _)) => display_message_in(&f, charset),
            // A cut line says what it could before the cut (the raw line stays in exports
            // and the detail pane).
            None => match self.salvage_of(e, times) {
                Some(s) => {
                    let more = match (s.message_cut, charset) {
                        (false, _) => "",
                        (true, Charset::Ascii) => "...",
                        (true, _) => "…",
                    };
                    format!("[cut] {}{more}", display_message_in(&s.facts, charset))
                }
                None => String::from_utf8_lossy(readable(self.raw_line(e))).into_owned(),
            },
        }
    }

    /// Up to `n` event ids before `id` in session `sid`, newest first. The scan is bounded
    /// so a rare session inside millions of events cannot stall a frame.
    pub fn previous_in_session(&self, id: u32, sid: u32, n: usize) -> Vec<u32> {
        const MAX_SCAN: usize = 200_000;
        // `n` comes from the command line (`report --before`): never a capacity.
        let mut out = Vec::with_capacity(n.min(64));
        let mut i = id as usize;
        let mut scanned = 0;
        while i > 0 && out.len() < n && scanned < MAX_SCAN {
            i -= 1;
            scanned += 1;
            if let Some(p) = self.event(i)
                && p.session() == sid
            {
                out.push(i as u32);
            }
        }
        out
    }

    pub fn session(&self, id: u32) -> Option<&Session> {
        self.sessions.get(id as usize).filter(|_| id != 0)
    }

    /// Listed sessions (without the "no session" placeholder), with their ids.
    pub fn listed_sessions(&self) -> impl Iterator<Item = (u32, &Session)> {
        self.sessions.iter().enumerate().skip(1).map(|(i, s)| (i as u32, s))
    }

    pub fn error_count(&self) -> u64 {
        self.levels[Level::Error as usize] + self.levels[Level::Fatal as usize]
    }

    pub fn warning_count(&self) -> u64 {
        self.levels[Level::Warn as usize]
    }

    pub fn unparsed_count(&self) -> u64 {
        self.unparsed.len() as u64
    }

    /// First and last time over all events that carry one.
    pub fn span(&self) -> Option<(i64, i64)> {
        let first = self.sources.iter().filter_map(|s| s.first).min()?;
        let last = self.sources.iter().filter_map(|s| s.last).max()?;
        Some((first, last))
    }

    /// The bundle's main dialect: the one with the most events over all sources (the
    /// first of `Dialect::ALL` on a tie); `None` before any event.
    pub fn main_dialect(&self) -> Option<Dialect> {
        let mut counts = [0u64; Dialect::COUNT];
        for s in &self.sources {
            for (total, n) in counts.iter_mut().zip(s.dialects) {
                *total += n;
            }
        }
        let (i, &n) = counts.iter().enumerate().rev().max_by_key(|(_, n)| **n)?;
        (n > 0).then(|| Dialect::ALL[i])
    }
}

/// `2026-05-17 09:18` in the index's zone, for derived session labels.
pub fn short_local(zone: Zone, ms: i64) -> String {
    if ms == super::event::NO_TIME {
        return "no-time".into();
    }
    let local = ms + i64::from(zone.offset_at(ms)) * 1000;
    chrono::DateTime::from_timestamp_millis(local)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "?".into())
}
