//! The only place the explorer's state changes: `update` takes a message and changes
//! `App`; each part of the screen has its module here. No I/O: side effects become
//! requests that the loop runs.

mod copy;
mod errors_view;
mod filter_box;
mod follow;
mod marks;
mod mouse;
mod nav;
mod overlays;

pub use errors_view::errors_view_height;
pub use filter_box::{MAX_FILTER_CHARS, apply_filter_text};
pub use marks::MAX_NOTE_CHARS;
pub use nav::Motion;

use crate::model::Index;
use crate::model::Level;
use crate::ui::app::{App, CheckView, Pane, Request};
use crate::ui::keymap::Action;
use crate::ui::msg::{FilterChunk, Msg};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use errors_view::open_errors_view;
use filter_box::{filter_text_changed, insert_text, reparse};
use nav::set_cursor;

pub fn update(app: &mut App, msg: Msg) {
    match msg {
        Msg::Key(key) => {
            on_key(app, key);
            // The filter line may have appeared or gone: keep the cursor row on screen.
            app.clamp_cursor();
        }
        Msg::Mouse(m) => mouse::on_mouse(app, m),
        Msg::Paste(text) => {
            if let Some(note) = &mut app.marks.note {
                note.extend(
                    text.chars().filter(|c| !c.is_control()).take(MAX_NOTE_CHARS.saturating_sub(note.chars().count())),
                );
            } else if app.filter.editing {
                let clean: String = text.chars().filter(|c| !c.is_control()).collect();
                insert_text(app, &clean);
                filter_text_changed(app);
            }
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            app.clamp_cursor();
        }
        Msg::Tick => {
            app.tick += 1;
            if app.histogram_stale {
                app.histogram_stale = false;
                app.rebuild_histogram();
            }
            if app.note.as_ref().is_some_and(|n| n.until_tick <= app.tick) {
                app.note = None;
            }
        }
        Msg::Indexed(index) => on_indexed(app, *index),
        Msg::Checked(check) => {
            app.check = CheckView { done: true, banner: check.brief(), lines: check.lines(), open: false, scroll: 0 };
        }
        Msg::Filtered(chunk) => on_filtered(app, chunk),
        Msg::Tailed(batch) => follow::on_tailed(app, batch),
        Msg::Resumed => {
            if !app.requests.contains(&Request::Redraw) {
                app.requests.push(Request::Redraw);
            }
        }
        Msg::Copied { clip, outcome } => copy::on_copied(app, clip, outcome),
        Msg::Saved { clip, result } => copy::on_saved(app, &clip, result),
    }
}

fn on_indexed(app: &mut App, index: Index) {
    let anchor = app.selected_id();
    let kept_group = app.errors.selected_fingerprint(&app.index);
    app.index = index;
    app.loading = None;
    app.scope = None;
    app.group_scope = None;
    if app.errors.open {
        open_errors_view(app, kept_group);
    }
    let lost = app.marks.place(&app.index);
    if lost > 0 {
        app.note(
            format!(
                "{} no longer match their lines (the files changed)",
                crate::report::fmt::plural(lost as u64, "mark")
            ),
            true,
        );
    }
    app.refresh_session_list();
    let text = app.filter.applied_text.clone();
    if !text.is_empty() {
        reparse(app, &text);
    }
    app.timeline.anchor = anchor;
    app.results = Default::default();
    app.results.done = true;
    if app.has_query() {
        refilter(app);
    } else {
        app.rebuild_histogram();
        app.clamp_cursor();
    }
    if app.follow.enabled {
        app.timeline.cursor = app.row_count().saturating_sub(1);
        app.timeline.pinned_to_end = true;
        app.clamp_cursor();
    }
}

fn on_filtered(app: &mut App, chunk: FilterChunk) {
    if chunk.generation != app.results.generation || app.results.done {
        return;
    }
    if let Some(rows) = &mut app.results.scope_rows {
        rows.extend_from_slice(&chunk.scope_rows);
    }
    if let Some(m) = &mut app.results.matches {
        m.extend_from_slice(&chunk.matches);
    }
    if chunk.done {
        app.results.done = true;
        // Follow mode may have appended events while the worker ran.
        follow::catch_up(app);
        app.rebuild_histogram();
    }
    place_cursor_after_refilter(app);
    if crate::profile::enabled() {
        report_timing(app);
    }
}

/// For profiling: when the first screenful of results arrived, and when the last.
fn report_timing(app: &mut App) {
    let Some(started) = app.results.started else { return };
    if app.results.first_page_ms.is_none() && (app.results.done || app.row_count() >= app.timeline_height()) {
        app.results.first_page_ms = Some(crate::profile::millis(started));
    }
    if app.results.done {
        crate::profile::filter(&app.filter.applied_text, app.results.first_page_ms, crate::profile::millis(started));
    }
}

/// Puts the cursor back on the remembered event (or the first row after it) as results
/// stream in; pinned follow views stay at the end.
fn place_cursor_after_refilter(app: &mut App) {
    if app.timeline.pinned_to_end {
        app.timeline.cursor = app.row_count().saturating_sub(1);
    } else if let Some(anchor) = app.timeline.anchor {
        let row = app.row_at_or_after(anchor);
        app.timeline.cursor = row.min(app.row_count().saturating_sub(1));
        if app.results.done || app.row_event_id(row).is_some() {
            app.timeline.top = app.timeline.cursor.saturating_sub(app.timeline_height() / 3);
            // While a query is being typed, every keystroke returns to the event selected
            // before typing began, not to wherever an intermediate result put the cursor.
            if app.results.done && !app.filter.editing {
                app.timeline.anchor = None;
            }
        }
    }
    app.clamp_cursor();
}

/// Moves the cursor to a row, pinning the view to the end when that is the last row in
/// follow mode. Public for follow mode.
pub fn select_row(app: &mut App, row: usize) {
    set_cursor(app, row);
}

/// Starts a new filter generation for the current query and scope.
pub fn refilter(app: &mut App) {
    app.results.generation += 1;
    app.results.done = false;
    app.results.started = Some(std::time::Instant::now());
    app.results.first_page_ms = None;
    // The worker's snapshot, taken right after on this thread, covers this many events.
    app.results.covered = app.index.len();
    app.results.scope_rows = app.is_scoped().then(Vec::new);
    app.results.matches = app.has_query().then(Vec::new);
    if app.results.scope_rows.is_none() && app.results.matches.is_none() {
        app.results.done = true;
        app.rebuild_histogram();
        place_cursor_after_refilter(app);
        return;
    }
    // One job per batch of keystrokes: the worker only needs the newest generation.
    if !app.requests.contains(&Request::Refilter) {
        app.requests.push(Request::Refilter);
    }
}

fn on_key(app: &mut App, key: KeyEvent) {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        app.should_quit = true;
        return;
    }
    // Raw mode turns Ctrl-Z into a key; it suspends from any mode, as in a shell.
    if key.code == KeyCode::Char('z') && key.modifiers.contains(KeyModifiers::CONTROL) {
        app.requests.push(Request::Suspend);
        return;
    }
    if app.check.open {
        return overlays::check_key(app, key);
    }
    if app.show_help {
        return overlays::help_key(app, key);
    }
    if app.story.is_some() {
        return overlays::story_key(app, key);
    }
    if app.filter.editing {
        return filter_box::edit_filter(app, key);
    }
    if app.marks.note.is_some() {
        return marks::edit_mark_note(app, key);
    }
    if app.errors.open {
        return errors_view::errors_view_key(app, key);
    }
    if app.sessions.editing {
        return filter_box::edit_session_filter(app, key);
    }
    if let Some(action) = app.keys.action_for(key) {
        apply(app, action);
    }
}

pub fn apply(app: &mut App, action: Action) {
    match action {
        Action::Quit => app.should_quit = true,
        Action::ToggleHelp => app.show_help = !app.show_help,
        Action::ShowCheck if app.check.done => {
            app.check.open = true;
            app.check.scroll = 0;
        }
        Action::ShowCheck => app.note("the bundle check runs once the index is complete", false),
        Action::MoveDown
        | Action::MoveUp
        | Action::PageDown
        | Action::PageUp
        | Action::HalfPageDown
        | Action::HalfPageUp
        | Action::Top
        | Action::Bottom => {
            if let Some(motion) = Motion::of(action) {
                nav::move_in(app, app.focus, motion);
            }
        }
        Action::FocusNext | Action::FocusPrev => {
            let order = [Pane::Sessions, Pane::Timeline, Pane::Detail];
            let i = order.iter().position(|&p| p == app.focus).unwrap_or(1);
            let step = if action == Action::FocusNext { 1 } else { 2 };
            app.focus = order[(i + step) % 3];
        }
        Action::FocusSessions => app.focus = Pane::Sessions,
        Action::FocusTimeline => app.focus = Pane::Timeline,
        Action::FocusDetail => app.focus = Pane::Detail,
        Action::Drill => match app.focus {
            Pane::Sessions => {
                nav::scope_to_cursor(app);
                app.focus = Pane::Timeline;
            }
            Pane::Timeline => {
                app.focus = Pane::Detail;
                app.detail.scroll = 0;
            }
            Pane::Detail => app.detail_zoomed = !app.detail_zoomed,
        },
        Action::Back => back(app),
        Action::EditFilter => {
            if app.focus == Pane::Sessions {
                app.sessions.editing = true;
            } else {
                app.focus = Pane::Timeline;
                app.filter.editing = true;
                app.filter.cursor = app.filter.text.chars().count();
            }
        }
        Action::NextMatch => nav::jump_match(app, true),
        Action::PrevMatch => nav::jump_match(app, false),
        Action::NextError => nav::jump(app, true, "error", |e| e.level().is_error()),
        Action::PrevError => nav::jump(app, false, "error", |e| e.level().is_error()),
        Action::NextWarning => nav::jump(app, true, "warning", |e| e.level() == Level::Warn),
        Action::PrevWarning => nav::jump(app, false, "warning", |e| e.level() == Level::Warn),
        Action::NextSession => nav::jump_session(app, true),
        Action::PrevSession => nav::jump_session(app, false),
        Action::NextOccurrence => nav::step_occurrence(app, true),
        Action::PrevOccurrence => nav::step_occurrence(app, false),
        Action::MoreContext => app.detail.before = (app.detail.before + 4).min(200),
        Action::LessContext => app.detail.before = app.detail.before.saturating_sub(4),
        Action::ToggleMatchesOnly => {
            if !app.has_query() {
                app.note("& needs a filter: press / to type one", false);
                return;
            }
            let keep = app.selected_id();
            app.matches_only = !app.matches_only;
            if let Some(id) = keep {
                let row = app.row_at_or_after(id);
                set_cursor(app, row);
            }
            app.rebuild_histogram();
            app.note(
                if app.matches_only {
                    "showing only matches".to_string()
                } else {
                    format!("showing all rows, matches marked {}", app.glyphs.match_marker)
                },
                false,
            );
        }
        Action::ToggleUtc => {
            use crate::ingest::time::Zone;
            app.zone = match (app.zone, app.home_zone) {
                (Zone::Utc, Zone::Utc) => Zone::Local,
                (Zone::Utc, home) => home,
                _ => Zone::Utc,
            };
            app.note(format!("times in {}", super::view::zone_name(app.zone, app.now_ms)), false);
        }
        Action::ToggleFollow => follow::toggle(app),
        Action::ErrorsView => open_errors_view(app, None),
        Action::ToggleMark => marks::toggle_mark(app),
        Action::NextMark => marks::step_mark(app, true),
        Action::PrevMark => marks::step_mark(app, false),
        Action::CopyReport => copy::copy_report(app),
        Action::ShowStory => overlays::open_story(app),
        Action::CopyEvent => copy::copy_event(app),
        Action::ToggleRedact => copy::toggle_redact(app),
        Action::SaveCopy => copy::save_last(app),
    }
}

fn back(app: &mut App) {
    if app.detail_zoomed {
        app.detail_zoomed = false;
    } else if app.focus == Pane::Detail {
        app.focus = Pane::Timeline;
    } else if app.focus == Pane::Sessions && !app.sessions.filter.is_empty() {
        app.sessions.filter.clear();
        app.refresh_session_list();
    } else if app.has_query() || !app.filter.text.is_empty() {
        app.timeline.anchor = app.selected_id();
        app.filter = Default::default();
        refilter(app);
    } else if app.group_scope.is_some() {
        app.timeline.anchor = app.selected_id();
        app.group_scope = None;
        refilter(app);
    } else if app.scope.is_some() {
        app.timeline.anchor = app.selected_id();
        app.scope = None;
        app.sessions.cursor = 0;
        refilter(app);
    }
}
