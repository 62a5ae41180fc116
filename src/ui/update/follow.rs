//! How follow mode shows in the explorer: new events join the index as they are read; the
//! view stays pinned to the newest event only while the cursor is at the end (like
//! `less +F`); scrolling up pauses and counts what arrived since; filters, sessions,
//! error counts and the histogram follow along.

use crate::ingest::inputs::watch::Batch;
use crate::model::Level;
use crate::query::eval::Evaluator;
use crate::ui::app::{App, Request};

pub fn on_tailed(app: &mut App, batch: Batch) {
    app.follow.target = batch.following;
    if let Some(last) = batch.notices.last() {
        app.follow.notice = Some(last.clone());
        app.note(last.clone(), false);
    }
    let sessions_before = app.index.sessions.len();
    let rows_before = app.row_count();
    let mut new_errors = 0;
    let mut last_error = None;
    for piece in batch.pieces {
        let range = app.index.append_live(piece);
        for id in range {
            if app.index.event(id).is_some_and(|e| e.level() >= Level::Error) {
                new_errors += 1;
                last_error = Some(id);
            }
        }
    }
    if app.index.sessions.len() != sessions_before {
        app.refresh_session_list();
    }
    if app.results.done {
        catch_up(app);
    }
    let added = app.row_count().saturating_sub(rows_before);
    if added > 0 {
        if app.timeline.pinned_to_end {
            super::select_row(app, app.row_count() - 1);
        } else {
            app.timeline.unseen += added;
        }
        app.histogram_stale = true;
    }
    if new_errors > 0 {
        if app.follow.bell_on_error {
            app.requests.push(Request::Bell);
        }
        if let Some(id) = last_error
            && let Some(e) = app.index.event(id)
        {
            let mut times = crate::ingest::time::TimeReader::new(app.index.zone);
            let msg = app.index.message_in(e, &mut times, app.glyphs.charset);
            // A traceback's first line says what broke; the detail pane has the rest.
            let first = match msg.split_once('\n') {
                Some((first, _)) => format!("{} {}", first.trim_end(), app.glyphs.more),
                None => msg,
            };
            app.note(format!("new error: {}", app.glyphs.fit(&first, 80)), true);
        }
    }
}

/// Filters the events appended since the last filter run into the current results, so a
/// filtered or scoped view grows live like the unfiltered one.
pub fn catch_up(app: &mut App) {
    let end = app.index.len();
    let start = app.results.covered;
    if start >= end || !app.results.done {
        return;
    }
    app.results.covered = end;
    if app.results.scope_rows.is_none() && app.results.matches.is_none() {
        return;
    }
    let selection = app.selection();
    let mut ev = Evaluator::new(&app.index.blobs, app.index.zone);
    for id in start..end {
        let Some(e) = app.index.event(id) else { continue };
        if !selection.in_scope(id as u32, e) {
            continue;
        }
        if let Some(rows) = &mut app.results.scope_rows {
            rows.push(id as u32);
        }
        if let Some(m) = &mut app.results.matches
            && selection.query.is_some()
            && selection.matches(&mut ev, e)
        {
            m.push(id as u32);
        }
    }
}

pub fn toggle(app: &mut App) {
    if !app.follow.enabled {
        app.note("not following: start with --follow", false);
        return;
    }
    if app.timeline.pinned_to_end {
        app.timeline.pinned_to_end = false;
        app.note("follow paused: G or F resumes", false);
    } else {
        app.timeline.unseen = 0;
        let last = app.row_count().saturating_sub(1);
        super::select_row(app, last);
        app.timeline.pinned_to_end = true;
    }
}
