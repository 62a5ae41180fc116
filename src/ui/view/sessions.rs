//! The sessions pane: "All sessions", then one row per session (start, user, duration,
//! events, errors); failed sessions stand out.

use super::{pane_block, untrusted};
use crate::report::fmt;
use crate::ui::app::{App, Pane};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Sessions;
    let total = app.index.sessions.len() - 1;
    let failed = app.index.listed_sessions().filter(|(_, s)| s.has_failed()).count();
    let mut title = vec![
        Span::styled(" Sessions ", theme.title),
        Span::styled(format!("{} ", fmt::count(total as u64)), theme.dim),
    ];
    if failed > 0 {
        title.push(Span::styled(format!("{}{failed} ", theme.glyphs.failed), theme.error));
    }
    if app.sessions.editing || !app.sessions.filter.is_empty() {
        let typed = theme.glyphs.sanitize(&app.sessions.filter);
        title.push(Span::styled(format!("/{typed}"), theme.matched));
        if app.sessions.editing {
            title.push(Span::styled(theme.glyphs.text_cursor, theme.matched));
        }
        title.push(Span::raw(" "));
    }
    let block = pane_block(Line::from(title), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let height = inner.height as usize;
    let mut lines = Vec::with_capacity(height);
    let cols = columns(app, width);
    for row in app.sessions.top..(app.sessions.top + height).min(app.sessions.ids.len() + 1) {
        let selected = row == app.sessions.cursor;
        let mut line = if row == 0 {
            all_row(app, width, theme)
        } else {
            session_row(app, app.sessions.ids[row - 1], &cols, theme)
        };
        if selected {
            line = line.style(if focused || app.scope.is_some() { theme.selected } else { Style::default() });
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn all_row(app: &App, width: usize, theme: &Theme) -> Line<'static> {
    let events = fmt::count(app.index.len() as u64 - app.index.unparsed_count());
    let errors = app.index.error_count();
    let label = "All sessions";
    let failed = theme.glyphs.failed;
    let right =
        format!("{events} ev {:>4}", if errors > 0 { format!("{failed}{}", short(errors)) } else { String::new() });
    let pad = width.saturating_sub(label.len() + right.chars().count()).max(1);
    Line::from(vec![
        Span::styled(label, theme.title),
        Span::raw(" ".repeat(pad)),
        Span::styled(right, if errors > 0 { theme.error } else { theme.dim }),
    ])
}

fn short(n: u64) -> String {
    match n {
        0..1000 => n.to_string(),
        1000..1_000_000 => format!("{}k", n / 1000),
        _ => format!("{}M", n / 1_000_000),
    }
}

/// Columns of the session rows, chosen once per frame from the listed sessions.
pub struct Columns {
    /// Width of the user column (the name, then the short session id).
    who: usize,
    duration: bool,
}

/// The short form of an explicit session id shown beside the user: enough of it to tell
/// sessions apart and to type as `session:` prefix.
pub fn short_id(id: &str) -> &str {
    id.char_indices().nth(6).map_or(id, |(at, _)| &id[..at])
}

/// What the user column says: the user and the short id, or the derived label.
fn who(s: &crate::model::session::Session) -> (&str, &str) {
    if s.user.is_empty() {
        (s.id.as_str(), "")
    } else if s.derived {
        (s.user.as_str(), "")
    } else {
        (s.user.as_str(), short_id(&s.id))
    }
}

/// Full names first: the duration goes before a name is cut.
fn columns(app: &App, width: usize) -> Columns {
    let wanted = app
        .sessions
        .ids
        .iter()
        .map(|&sid| {
            let (name, id) = who(&app.index.sessions[sid as usize]);
            let w = unicode_width::UnicodeWidthStr::width(name);
            if id.is_empty() { w } else { w + 1 + id.len() }
        })
        .max()
        .unwrap_or(4)
        .clamp(4, 32);
    // start(11) ␠ who ␠ [duration(7) ␠] events(5) ␠ errors(4)
    let rest = width.saturating_sub(11 + 1 + 1 + 6 + 4);
    let duration = rest >= wanted + 8;
    Columns { who: if duration { rest - 8 } else { rest }.max(4), duration }
}

fn session_row(app: &App, sid: u32, cols: &Columns, theme: &Theme) -> Line<'static> {
    let s = &app.index.sessions[sid as usize];
    let start = fmt::format_local(s.start, app.zone, "%m-%d %H:%M");
    let duration = fmt::duration(s.duration_ms());
    let events = short(s.events);
    let errors = if s.errors > 0 { format!("{}{}", theme.glyphs.failed, short(s.errors)) } else { String::new() };
    let (name, id) = who(s);
    let mut spans = vec![Span::styled(start, theme.dim), Span::raw(" ")];
    // The id keeps its place: the name is cut first.
    let id_w = if id.is_empty() || cols.who < id.len() + 5 { 0 } else { id.len() + 1 };
    let name_spans = untrusted(name, cols.who - id_w, theme.session, theme, &[], theme.session);
    let mut used = super::spans_width(&name_spans);
    spans.extend(name_spans.into_iter().map(|sp| Span::styled(sp.content.into_owned(), sp.style)));
    if id_w > 0 {
        let id_spans = untrusted(id, id.len(), theme.dim, theme, &[], theme.dim);
        used += 1 + super::spans_width(&id_spans);
        spans.push(Span::raw(" "));
        spans.extend(id_spans.into_iter().map(|sp| Span::styled(sp.content.into_owned(), sp.style)));
    }
    spans.push(Span::raw(" ".repeat(cols.who - used.min(cols.who) + 1)));
    if cols.duration {
        spans.push(Span::styled(format!("{duration:>7} "), theme.dim));
    }
    spans.push(Span::raw(format!("{events:>5} ")));
    spans.push(Span::styled(format!("{errors:>4}"), if s.has_failed() { theme.error } else { theme.dim }));
    Line::from(spans)
}
