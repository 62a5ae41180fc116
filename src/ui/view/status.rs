//! The status bar (sources, counts, progress, filter, key hints) and the filter line.

use crate::report::fmt;
use crate::ui::app::App;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let g = &theme.glyphs;
    let mut left: Vec<Span> = Vec::new();
    let title = g.sanitize(&app.title).into_owned();
    left.push(Span::styled(format!(" {} ", g.fit(&title, 40)), theme.status_key));
    left.push(Span::styled(
        format!(
            " {} {dot} {} {dot} {} unparsed ",
            fmt::plural(app.index.sources.len() as u64, "file"),
            fmt::plural((app.index.len() as u64).saturating_sub(app.index.unparsed_count()), "event"),
            fmt::count(app.index.unparsed_count()),
            dot = g.dot,
        ),
        theme.status,
    ));
    if let Some(p) = &app.loading {
        let spinner = g.spinner[app.tick as usize % g.spinner.len()];
        left.push(Span::styled(
            format!(" {spinner} indexing {:.0}% (preview) ", p.fraction() * 100.0),
            theme.status_key,
        ));
    }
    if !app.index.problems.is_empty() {
        left.push(Span::styled(
            format!(" {} {} problems (see summary) ", g.warning, app.index.problems.len()),
            theme.status_key,
        ));
    }
    if let Some(n) = &app.follow.notice {
        left.push(Span::styled(format!(" {} ", g.sanitize(n)), theme.status_key));
    }
    if app.has_query() && !app.filter.editing {
        let q = g.sanitize(&app.filter.applied_text).into_owned();
        left.push(Span::styled(format!(" filter: {} ", g.fit(&q, 40)), theme.status_key));
    }
    if app.copy.redact {
        left.push(Span::styled(" redact ", theme.status_key));
    }
    if let Some(note) = &app.note {
        // Notes quote messages from the logs (a new error in follow mode): untrusted text.
        let text = g.sanitize(&note.text);
        left.push(Span::styled(format!(" {text} "), if note.is_error { theme.error } else { theme.status_key }));
    }
    let hints = hints(app, theme);
    let hints = hints.as_str();
    let width_of = |spans: &[Span]| -> usize {
        spans.iter().map(|s| unicode_width::UnicodeWidthStr::width(s.content.as_ref())).sum()
    };
    // A note says what just happened and what to do next (`s saves it`): when the line is
    // too narrow for everything, the counts make room for it, then the title.
    if app.note.is_some() && width_of(&left) > area.width as usize {
        left.remove(1);
        let over = width_of(&left).saturating_sub(area.width as usize);
        left[0] = Span::styled(format!(" {} ", g.fit(&title, 40usize.saturating_sub(over).max(12))), theme.status_key);
    }
    let used = width_of(&left);
    let free = (area.width as usize).saturating_sub(used);
    if free > hints.len() {
        left.push(Span::styled(" ".repeat(free - hints.len()), theme.status));
        left.push(Span::styled(hints, theme.status));
    } else {
        left.push(Span::styled(" ".repeat(free), theme.status));
    }
    frame.render_widget(Paragraph::new(Line::from(left)), area);
}

/// The key hints at the right of the status bar, with the keys the keymap gives now.
fn hints(app: &App, theme: &Theme) -> String {
    use crate::ui::keymap::Action::*;
    let k = |a| theme.glyphs.key_name_of(&app.keys.key_of(a));
    if app.errors.open {
        format!(
            " {} show occurrences  {}/{} choose  {} close  {} help ",
            k(Drill),
            k(MoveDown),
            k(MoveUp),
            k(Back),
            k(ToggleHelp)
        )
    } else {
        format!(
            " {} filter  {} errors  {}/{} next/prev error  {} {} sessions  {} drill  {} help  {} quit ",
            k(EditFilter),
            k(ErrorsView),
            k(NextError),
            k(PrevError),
            k(PrevSession),
            k(NextSession),
            k(Drill),
            k(ToggleHelp),
            k(Quit)
        )
    }
}

pub fn draw_filter(frame: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    if let Some(note) = &app.marks.note {
        return draw_note(frame, note, area, theme);
    }
    let f = &app.filter;
    let g = &theme.glyphs;
    let text = g.sanitize(&f.text).into_owned();
    let mut spans = vec![Span::styled("/", theme.key), Span::raw(text.clone())];
    if let Some(err) = &f.error {
        // Errors quote the query (`is:… is not known`).
        let err = g.sanitize(err);
        spans.push(Span::styled(format!("   {} {err}", g.failed), theme.error));
    } else if f.editing {
        let n = app.results.matches.as_ref().map(Vec::len).unwrap_or(app.row_count());
        let state = if app.results.done { "" } else { g.more };
        spans.push(Span::styled(format!("   {} matches{state}", fmt::count(n as u64)), theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if f.editing {
        let before: String = f.text.chars().take(f.cursor).collect();
        let col = unicode_width::UnicodeWidthStr::width(g.sanitize(&before).as_ref());
        frame.set_cursor_position(Position::new(area.x + 1 + col as u16, area.y));
    }
}

/// The prompt for a new mark's note.
fn draw_note(frame: &mut Frame, note: &str, area: Rect, theme: &Theme) {
    let g = &theme.glyphs;
    let prompt = "note for this mark: ";
    let text = g.sanitize(note).into_owned();
    let col = prompt.len() + unicode_width::UnicodeWidthStr::width(text.as_str());
    let spans = vec![
        Span::styled(prompt, theme.key),
        Span::raw(text),
        Span::styled("   Enter keeps it, Esc: no note", theme.dim),
    ];
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    frame.set_cursor_position(Position::new(area.x + col.min(u16::MAX as usize) as u16, area.y));
}
