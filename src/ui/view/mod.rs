//! Drawing. Views read the state and never change it; every string from a log goes
//! through `sanitize` here, with escapes drawn in their own style.

mod check;
mod detail;
pub mod errors;
pub mod help;
mod histogram;
mod sessions;
mod status;
mod story;
mod timeline;

pub use story::area as story_area;

use super::app::{App, Pane};
use super::theme::Theme;
use crate::ingest::time::Zone;
use crate::sanitize::{Mode, Piece, iter_pieces_in};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// Where each part of the screen goes. `update` uses the same function to map mouse
/// clicks and page sizes, so drawing and input always agree.
#[derive(Clone, Copy, Debug, Default)]
pub struct Areas {
    pub sessions: Rect,
    pub histogram: Rect,
    pub timeline: Rect,
    pub detail: Rect,
    pub filter: Rect,
    /// The bundle check's one-line banner (empty when nothing is off).
    pub banner: Rect,
    pub status: Rect,
    /// The errors view, over the panes (empty when it is closed).
    pub errors: Rect,
    pub too_small: bool,
}

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

pub fn layout(app: &App, area: Rect) -> Areas {
    let mut a = Areas::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        a.too_small = true;
        return a;
    }
    let (x, y, w, h) = (area.x, area.y, area.width, area.height);
    a.status = Rect::new(x, y + h - 1, w, 1);
    let filter_rows = u16::from(app.filter.editing || app.filter.error.is_some() || app.marks.note.is_some());
    a.filter = Rect::new(x, y + h - 1 - filter_rows, w, filter_rows);
    let banner_rows = u16::from(app.check.banner.is_some());
    a.banner = Rect::new(x, y + h - 1 - filter_rows - banner_rows, w, banner_rows);
    let main_h = h - 1 - filter_rows - banner_rows;
    if app.errors.open {
        a.errors = Rect::new(x, y, w, main_h);
    }
    if app.detail_zoomed {
        a.detail = Rect::new(x, y, w, main_h);
        return a;
    }
    let detail_h = (main_h * 2 / 5).max(7).min(main_h.saturating_sub(7));
    a.detail = Rect::new(x, y + main_h - detail_h, w, detail_h);
    let top_h = main_h - detail_h;
    // The timeline keeps at least ~70 columns; the sessions pane shows when that leaves
    // it enough room (or when it has focus).
    // Focused, the sessions pane takes more room for full names and ids.
    let sessions_w = if w >= 120 && app.focus == Pane::Sessions {
        (w / 2).min(60)
    } else if w >= 120 {
        (w / 3).min(46)
    } else if w >= 100 {
        w - 70
    } else if app.focus == Pane::Sessions {
        (w / 2).min(40)
    } else {
        0
    };
    a.sessions = Rect::new(x, y, sessions_w, top_h);
    let right_x = x + sessions_w;
    let right_w = w - sessions_w;
    let hist_h = if top_h >= 14 { 3 } else { 0 };
    a.histogram = Rect::new(right_x, y, right_w, hist_h);
    a.timeline = Rect::new(right_x, y + hist_h, right_w, top_h - hist_h);
    a
}

pub fn draw(frame: &mut Frame, app: &App) {
    let theme = Theme::current().with_glyphs(app.glyphs);
    let area = frame.area();
    let areas = layout(app, area);
    if areas.too_small {
        let x = theme.glyphs.times;
        let msg = format!("terminal too small: {}{x}{} (need {MIN_WIDTH}{x}{MIN_HEIGHT})", area.width, area.height);
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }).alignment(Alignment::Center), area);
        return;
    }
    if app.errors.open {
        errors::draw(frame, app, areas.errors, &theme);
    } else {
        if areas.sessions.width > 0 {
            sessions::draw(frame, app, areas.sessions, &theme);
        }
        if areas.histogram.height > 0 {
            histogram::draw(frame, app, areas.histogram, &theme);
        }
        if areas.timeline.height > 0 {
            timeline::draw(frame, app, areas.timeline, &theme);
        }
        detail::draw(frame, app, areas.detail, &theme);
    }
    if areas.filter.height > 0 {
        status::draw_filter(frame, app, areas.filter, &theme);
    }
    if areas.banner.height > 0 {
        check::draw_banner(frame, app, areas.banner, &theme);
    }
    status::draw(frame, app, areas.status, &theme);
    if let Some(s) = &app.story {
        story::draw(frame, s, area, &theme);
    }
    if app.check.open {
        check::draw_overlay(frame, app, area, &theme);
    }
    if app.show_help {
        help::draw(frame, area, &theme, &app.keys, app.help_scroll);
    }
}

/// A bordered block whose look says whether it has focus (colour and a bold title).
pub fn pane_block<'a>(title: Line<'a>, focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(if focused { theme.glyphs.border_focus } else { theme.glyphs.border })
        .border_style(if focused { theme.border_focus } else { theme.border })
        .title(title)
}

/// Untrusted text as spans: escapes in their own style, cut to `width` columns with `…`
/// (the theme's cut mark).
/// `marks` are sorted char positions (in `text`) to draw with `mark`.
pub fn untrusted<'a>(
    text: &'a str,
    width: usize,
    base: Style,
    theme: &Theme,
    marks: &[u32],
    mark: Style,
) -> Vec<Span<'a>> {
    let charset = theme.glyphs.charset;
    let total: usize = iter_pieces_in(text, Mode::Line, charset)
        .map(|p| match p {
            Piece::Escape(e) => e.len(),
            Piece::Text(t) => t.width(),
            Piece::Newline => 0,
        })
        .sum();
    let limit = if total > width { width.saturating_sub(1) } else { width };
    let mut spans = Vec::new();
    let mut used = 0usize;
    let mut original = 0u32;
    let mut next_mark = 0usize;
    'pieces: for piece in iter_pieces_in(text, Mode::Line, charset) {
        match piece {
            Piece::Escape(e) => {
                if used + e.len() > limit {
                    break 'pieces;
                }
                used += e.len();
                spans.push(Span::styled(e, theme.escape));
                original += 1;
            }
            Piece::Text(t) => {
                let mut run_start = 0;
                let mut run_marked = false;
                for (at, ch) in t.char_indices() {
                    let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
                    if used + w > limit {
                        push_run(&mut spans, &t[run_start..at], run_marked, base, mark);
                        break 'pieces;
                    }
                    while next_mark < marks.len() && marks[next_mark] < original {
                        next_mark += 1;
                    }
                    let marked = marks.get(next_mark) == Some(&original);
                    if marked != run_marked {
                        push_run(&mut spans, &t[run_start..at], run_marked, base, mark);
                        run_start = at;
                        run_marked = marked;
                    }
                    used += w;
                    original += 1;
                }
                push_run(&mut spans, &t[run_start..], run_marked, base, mark);
            }
            Piece::Newline => {}
        }
    }
    if total > width && width > 0 {
        spans.push(Span::styled(theme.glyphs.cut.to_string(), base));
    }
    spans
}

fn push_run<'a>(spans: &mut Vec<Span<'a>>, text: &'a str, marked: bool, base: Style, mark: Style) {
    if !text.is_empty() {
        spans.push(Span::styled(text, if marked { mark } else { base }));
    }
}

/// The label of a display zone: `UTC` or `local +02:00`.
pub fn zone_name(zone: Zone, at_ms: i64) -> String {
    match zone {
        Zone::Utc => "UTC".into(),
        Zone::Local => format!("local {}", crate::report::fmt::zone_label(zone, at_ms)),
        _ => crate::report::fmt::zone_label(zone, at_ms),
    }
}

/// Display columns of spans.
pub fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| s.content.width()).sum()
}
