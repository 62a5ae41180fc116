//! How follow mode shows in the explorer: the view stays pinned to the newest event only
//! while the cursor is at the end (like `less +F`); scrolling up pauses and counts what
//! arrived since.

use super::app::App;
use super::msg::Appended;

pub fn on_appended(app: &mut App, appended: Appended) {
    if let Some(n) = appended.notice {
        app.follow.notice = Some(n);
    }
    let _ = appended.first;
}

pub fn toggle(app: &mut App) {
    if !app.follow.enabled {
        app.note("not following: start with --follow", false);
        return;
    }
    app.timeline.pinned_to_end = !app.timeline.pinned_to_end;
    if app.timeline.pinned_to_end {
        app.timeline.unseen = 0;
        app.timeline.cursor = app.row_count().saturating_sub(1);
        app.clamp_cursor();
    }
}
