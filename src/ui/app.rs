//! The explorer's state. Only `update` changes it; views only read it. Nothing here does
//! I/O: work for the outside (filtering, copying, ringing) is queued as `Request`s.

use crate::ingest::build::Progress;
use crate::ingest::time::Zone;
use crate::marks::Mark;
use crate::model::{Event, Index, Level};
use crate::query::Query;
use crate::ui::clipboard::{Clip, TermEnv};
use crate::ui::errors::ErrorsView;
use crate::ui::theme::Glyphs;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Sessions,
    Timeline,
    Detail,
}

/// Work the event loop must do for `update`.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// The query or scope changed: run the filter again.
    Refilter,
    /// Put a copy on the system clipboard (off the loop); the answer is `Msg::Copied`.
    Copy(Clip),
    /// Send this text to the terminal's clipboard by OSC 52 (nothing confirms it).
    Osc52(String),
    /// Save a copy to a file in the current folder; the answer is `Msg::Saved`.
    Save(Clip),
    /// Ring the terminal bell.
    Bell,
    /// Ctrl-Z: give the terminal back and stop until the shell continues us.
    Suspend,
    /// Repaint every cell (the screen was cleared behind ratatui's back).
    Redraw,
    /// Write the marks to the state directory.
    SaveMarks,
}

/// Marked events of this bundle, and where they are kept.
#[derive(Clone, Debug, Default)]
pub struct MarkState {
    /// The marks file (`None`: marks are not kept, e.g. for stdin or without a state dir).
    pub file: Option<std::path::PathBuf>,
    pub bundle: Vec<String>,
    /// Every mark of the bundle, as stored (also those this index cannot place).
    pub stored: Vec<Mark>,
    /// Marks placed on events of this index, by event id.
    pub placed: Vec<(u32, Mark)>,
    /// The note being typed for a new mark.
    pub note: Option<String>,
}

impl MarkState {
    pub fn at(&self, id: u32) -> Option<&Mark> {
        self.placed.binary_search_by_key(&id, |(i, _)| *i).ok().map(|k| &self.placed[k].1)
    }

    /// Places the stored marks on `index`; returns how many it cannot place.
    pub fn place(&mut self, index: &Index) -> usize {
        let (placed, lost) = crate::marks::resolve(index, &self.stored);
        self.placed = placed;
        lost
    }
}

/// The filter box and the last query that parsed.
#[derive(Clone, Debug, Default)]
pub struct FilterBox {
    pub text: String,
    /// Cursor position in chars.
    pub cursor: usize,
    pub editing: bool,
    /// Why the current text does not parse (the view keeps the last good results).
    pub error: Option<String>,
    pub applied: Option<Query>,
    pub applied_text: String,
}

/// Filter results for one generation of (query, scope).
#[derive(Clone, Debug, Default)]
pub struct Results {
    pub generation: u64,
    /// Events in scope (a session, an error group); `None` when nothing is scoped.
    pub scope_rows: Option<Vec<u32>>,
    /// Events in scope that match the query; `None` without a query.
    pub matches: Option<Vec<u32>>,
    pub done: bool,
    /// Events below this id have been looked at (follow mode appends after it).
    pub covered: usize,
    /// When this generation was asked for, and how long its first screenful took
    /// (reported under `AUDIT_TUI_PHASES`).
    pub started: Option<std::time::Instant>,
    pub first_page_ms: Option<f64>,
}

#[derive(Clone, Debug, Default)]
pub struct SessionList {
    /// Listed session ids in start order (after the session filter); row 0 is "All".
    pub ids: Vec<u32>,
    pub cursor: usize,
    pub top: usize,
    pub filter: String,
    pub editing: bool,
}

#[derive(Clone, Debug, Default)]
pub struct TimelineView {
    pub cursor: usize,
    pub top: usize,
    /// The event to put the cursor back on when new results arrive.
    pub anchor: Option<u32>,
    /// Stay on the newest event as events are appended (follow mode).
    pub pinned_to_end: bool,
    /// Events appended while not pinned.
    pub unseen: usize,
}

#[derive(Clone, Debug)]
pub struct DetailView {
    pub scroll: usize,
    /// How many events before the selected one (same session) are shown.
    pub before: usize,
}

impl Default for DetailView {
    fn default() -> Self {
        DetailView { scroll: 0, before: 8 }
    }
}

/// Events per time bucket over the whole span.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    pub start: i64,
    pub end: i64,
    pub events: Vec<u32>,
    pub errors: Vec<u32>,
}

pub const HISTOGRAM_BUCKETS: usize = 1024;

/// Events per piece when a histogram is counted on all cores.
const HISTOGRAM_PIECE: usize = 1 << 16;

impl Histogram {
    fn add(&mut self, e: Event) {
        let b = self.bucket_of(e.time());
        self.events[b] += 1;
        if e.level() >= Level::Error {
            self.errors[b] += 1;
        }
    }

    /// The sums of two histograms of the same span.
    fn merge(mut self, other: Histogram) -> Histogram {
        for (a, b) in self.events.iter_mut().zip(other.events) {
            *a += b;
        }
        for (a, b) in self.errors.iter_mut().zip(other.errors) {
            *a += b;
        }
        self
    }

    pub fn bucket_of(&self, t: i64) -> usize {
        if self.end <= self.start {
            return 0;
        }
        let span = (self.end - self.start) as f64;
        (((t - self.start) as f64 / span) * (HISTOGRAM_BUCKETS - 1) as f64).clamp(0.0, (HISTOGRAM_BUCKETS - 1) as f64)
            as usize
    }
}

/// The first visible row that keeps `cursor` on screen, moving `top` as little as possible.
pub fn scrolled_to(cursor: usize, top: usize, height: usize) -> usize {
    if cursor < top {
        cursor
    } else if cursor >= top + height {
        cursor + 1 - height
    } else {
        top
    }
}

/// A short message in the status bar, gone after `until_tick`.
#[derive(Clone, Debug)]
pub struct Note {
    pub text: String,
    pub is_error: bool,
    pub until_tick: u64,
}

/// The bundle check (see `report::check`) as the explorer shows it: computed once after
/// indexing, so drawing only reads these lines.
#[derive(Clone, Debug, Default)]
pub struct CheckView {
    /// The check has run (it runs once the full index is built).
    pub done: bool,
    /// The one-line banner, when something is off.
    pub banner: Option<String>,
    /// The report, escaped, one entry per line.
    pub lines: Vec<String>,
    /// The overlay is open (`c`), scrolled by this many lines.
    pub open: bool,
    pub scroll: usize,
}

/// Copies and saves as the UI sees them.
#[derive(Clone, Debug, Default)]
pub struct CopyState {
    /// Copies and saves mask names, addresses, hosts and tokens (`r`).
    pub redact: bool,
    /// The last copy, which `s` saves.
    pub last: Option<Clip>,
    /// Where OSC 52 can go (tmux, screen); set by the loop at start-up.
    pub terminal: TermEnv,
}

/// Follow mode as the UI sees it.
#[derive(Clone, Debug, Default)]
pub struct FollowState {
    pub enabled: bool,
    /// What is being followed, for the status bar.
    pub target: String,
    /// Latest notice from the tail (truncated, rotated, waiting for the file...).
    pub notice: Option<String>,
    pub bell_on_error: bool,
}

/// The story of one session (`S`): computed once when opened, scrolled while shown.
#[derive(Clone, Debug, Default)]
pub struct StoryView {
    /// The session's id, for the overlay's title.
    pub session: String,
    /// The Markdown of `report --session`, one entry per line (already escaped).
    pub lines: Vec<String>,
    pub scroll: usize,
}

pub struct App {
    pub index: Index,
    /// The keymap with the config's overrides: dispatch, help and hints read it.
    pub keys: super::keymap::Keys,
    /// What was opened, for the status bar.
    pub title: String,
    /// Set while the full index is being built (the index is a preview until then).
    pub loading: Option<Arc<Progress>>,
    pub zone: Zone,
    pub home_zone: Zone,
    pub focus: Pane,
    pub detail_zoomed: bool,
    pub sessions: SessionList,
    /// The session the timeline is narrowed to.
    pub scope: Option<u32>,
    /// The error group (index in `index.groups`) the timeline is narrowed to: its
    /// occurrences, chosen in the errors view.
    pub group_scope: Option<u32>,
    pub errors: ErrorsView,
    pub marks: MarkState,
    pub filter: FilterBox,
    pub results: Results,
    /// With a query: show only matches (default), or every row with matches marked.
    pub matches_only: bool,
    pub timeline: TimelineView,
    pub detail: DetailView,
    pub histogram: Histogram,
    pub show_help: bool,
    /// First line of the help shown (it scrolls on small screens).
    pub help_scroll: usize,
    /// The selected session's story overlay, while open.
    pub story: Option<StoryView>,
    /// The bundle check: its banner and the `c` overlay.
    pub check: CheckView,
    pub should_quit: bool,
    pub requests: Vec<Request>,
    pub note: Option<Note>,
    pub tick: u64,
    /// Wall clock for relative times in queries; set by the loop (fixed in tests).
    pub now_ms: i64,
    pub size: (u16, u16),
    pub mouse_enabled: bool,
    pub follow: FollowState,
    /// The histogram needs rebuilding (follow mode added events).
    pub histogram_stale: bool,
    /// Box drawing and markers, or ASCII (see `Glyphs::for_terminal`); Unicode unless the
    /// explorer's start-up says otherwise.
    pub glyphs: Glyphs,
    pub copy: CopyState,
    /// The paths being read: a saved copy never goes inside them.
    pub inputs: Vec<PathBuf>,
    /// The config's `[columns]`: the timeline's columns per dialect.
    pub columns: crate::config::ColumnLists,
}

impl App {
    pub fn new(index: Index, title: String, zone: Zone, now_ms: i64) -> App {
        let mut app = App {
            index,
            keys: super::keymap::Keys::default(),
            title,
            loading: None,
            zone,
            home_zone: zone,
            focus: Pane::Timeline,
            detail_zoomed: false,
            sessions: SessionList::default(),
            scope: None,
            group_scope: None,
            errors: ErrorsView::default(),
            marks: MarkState::default(),
            filter: FilterBox::default(),
            results: Results { done: true, ..Results::default() },
            matches_only: true,
            timeline: TimelineView::default(),
            detail: DetailView::default(),
            histogram: Histogram::default(),
            show_help: false,
            help_scroll: 0,
            story: None,
            check: CheckView::default(),
            should_quit: false,
            requests: Vec::new(),
            note: None,
            tick: 0,
            now_ms,
            size: (120, 40),
            mouse_enabled: true,
            follow: FollowState::default(),
            histogram_stale: false,
            glyphs: Glyphs::UNICODE,
            copy: CopyState { terminal: TermEnv { osc52: true, ..TermEnv::default() }, ..CopyState::default() },
            inputs: Vec::new(),
            columns: crate::config::ColumnLists::default(),
        };
        app.refresh_session_list();
        app.rebuild_histogram();
        app
    }

    // ----- rows of the timeline -----

    /// The ids currently listed, or `None` when every event is listed (no scope, no query).
    pub fn row_ids(&self) -> Option<&[u32]> {
        match (&self.results.matches, &self.results.scope_rows) {
            (Some(m), _) if self.matches_only => Some(m),
            (_, Some(s)) => Some(s),
            _ => None,
        }
    }

    pub fn row_count(&self) -> usize {
        self.row_ids().map_or(self.index.len(), <[u32]>::len)
    }

    pub fn row_event_id(&self, row: usize) -> Option<u32> {
        match self.row_ids() {
            Some(ids) => ids.get(row).copied(),
            None => (row < self.index.len()).then_some(row as u32),
        }
    }

    pub fn row_event(&self, row: usize) -> Option<Event> {
        self.row_event_id(row).and_then(|id| self.index.event(id as usize))
    }

    /// The row showing an event, or the row of the first event after it.
    pub fn row_at_or_after(&self, id: u32) -> usize {
        match self.row_ids() {
            Some(ids) => ids.partition_point(|&x| x < id),
            None => (id as usize).min(self.index.len()),
        }
    }

    pub fn selected_id(&self) -> Option<u32> {
        self.row_event_id(self.timeline.cursor)
    }

    pub fn selected(&self) -> Option<Event> {
        self.row_event(self.timeline.cursor)
    }

    pub fn is_match(&self, id: u32) -> bool {
        self.results.matches.as_ref().is_some_and(|m| m.binary_search(&id).is_ok())
    }

    pub fn has_query(&self) -> bool {
        self.filter.applied.as_ref().is_some_and(|q| !q.is_empty())
    }

    /// Whether the timeline is narrowed to a session or an error group.
    pub fn is_scoped(&self) -> bool {
        self.scope.is_some() || self.group_scope.is_some()
    }

    /// What the timeline lists now: the scope (a session, an error group's occurrences)
    /// and the applied query, compiled against this index.
    pub fn selection(&self) -> crate::query::Selection {
        crate::query::Selection {
            session: self.scope,
            events: self
                .group_scope
                .and_then(|g| self.index.groups.get(g as usize))
                .map(|g| g.occurrences.as_slice().into()),
            query: self.filter.applied.as_ref().map(|q| crate::query::Compiled::compile(q, &self.index)),
        }
    }

    // ----- layout numbers update needs -----

    /// Rows of the timeline body (the view uses the same layout).
    pub fn timeline_height(&self) -> usize {
        super::view::layout(self, ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1))
            .timeline
            .height
            .saturating_sub(2) as usize
    }

    /// Rows of the story overlay's text (the view uses the same area).
    pub fn story_height(&self) -> usize {
        super::view::story_area(ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1)).height.saturating_sub(2)
            as usize
    }

    pub fn sessions_height(&self) -> usize {
        super::view::layout(self, ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1))
            .sessions
            .height
            .saturating_sub(2) as usize
    }

    // ----- derived data refreshed when the index or filter changes -----

    /// Recomputes the listed sessions from the session filter text.
    pub fn refresh_session_list(&mut self) {
        let needle = self.sessions.filter.to_lowercase();
        let mut ids: Vec<u32> = self
            .index
            .listed_sessions()
            .filter(|(_, s)| {
                needle.is_empty() || {
                    let hay = format!("{} {} {} {}", s.id, s.user, s.host, s.platform).to_lowercase();
                    needle.split_whitespace().all(|w| hay.contains(w))
                }
            })
            .map(|(id, _)| id)
            .collect();
        ids.sort_by_key(|&id| self.index.sessions[id as usize].start);
        // Keep the cursor on the scoped session if it is still listed.
        self.sessions.cursor = match self.scope {
            Some(sid) => ids.iter().position(|&x| x == sid).map_or(0, |p| p + 1),
            None => 0,
        };
        self.sessions.ids = ids;
        self.sessions.top = self.sessions.top.min(self.sessions.cursor);
    }

    /// Histogram of the rows listed now, counted on all cores: after a full index this
    /// walks every event, and on one core that stood in the way of the first frame.
    pub fn rebuild_histogram(&mut self) {
        let (start, end) = self.index.span().unwrap_or((0, 0));
        let empty = Histogram { start, end, events: vec![0; HISTOGRAM_BUCKETS], errors: vec![0; HISTOGRAM_BUCKETS] };
        let index = &self.index;
        let counted = |events: &mut dyn Iterator<Item = Event>| {
            let mut h = empty.clone();
            for e in events {
                h.add(e);
            }
            h
        };
        self.histogram = match self.row_ids() {
            Some(ids) => ids
                .par_chunks(HISTOGRAM_PIECE)
                .map(|piece| counted(&mut piece.iter().filter_map(|&id| index.event(id as usize))))
                .reduce_with(Histogram::merge),
            None => {
                let (base, live) = index.store.parts();
                let mut h = base
                    .par_chunks(HISTOGRAM_PIECE)
                    .map(|piece| counted(&mut piece.iter().copied()))
                    .reduce_with(Histogram::merge)
                    .unwrap_or_else(|| empty.clone());
                live.for_each(|e| h.add(e));
                Some(h)
            }
        }
        .unwrap_or(empty);
    }

    pub fn note(&mut self, text: impl Into<String>, is_error: bool) {
        self.note = Some(Note { text: text.into(), is_error, until_tick: self.tick + 30 });
    }

    /// Keeps the cursor inside the rows and visible.
    pub fn clamp_cursor(&mut self) {
        let n = self.row_count();
        let t = &mut self.timeline;
        if n == 0 {
            t.cursor = 0;
            t.top = 0;
            return;
        }
        t.cursor = t.cursor.min(n - 1);
        let h = self.timeline_height().max(1);
        let t = &mut self.timeline;
        t.top = scrolled_to(t.cursor, t.top, h).min(n.saturating_sub(h));
    }
}
