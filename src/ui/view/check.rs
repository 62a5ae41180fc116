//! The bundle check's banner and its overlay (`c`): they only read the lines the check
//! left in `App::check`, computed once after indexing.

use crate::ui::app::App;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// One line over the status bar when the check found something off.
pub fn draw_banner(frame: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let Some(text) = &app.check.banner else { return };
    let line = Line::from(vec![
        Span::styled(format!(" {} bundle check: ", theme.glyphs.warning), theme.warn),
        Span::raw(in_glyphs(text, theme)),
        Span::styled(format!(" {} ", theme.glyphs.dot), theme.dim),
        Span::styled("c", theme.key),
        Span::styled(" details", theme.dim),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// The check's report in a box, scrolled to `app.check.scroll`.
pub fn draw_overlay(frame: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let w = area.width.saturating_sub(4).min(140);
    let h = area.height.saturating_sub(2).min(u16::try_from(app.check.lines.len() + 2).unwrap_or(u16::MAX));
    if w < 10 || h < 3 {
        return;
    }
    let r = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    let inner_h = usize::from(h - 2);
    let lines = &app.check.lines;
    let top = app.check.scroll.min(lines.len().saturating_sub(inner_h));
    let shown: Vec<Line> = lines
        .iter()
        .skip(top)
        .take(inner_h)
        .map(|l| match l.starts_with(' ') || l.is_empty() {
            true => Line::from(in_glyphs(l, theme)),
            false => Line::from(Span::styled(in_glyphs(l, theme), theme.heading)),
        })
        .collect();
    let more =
        if top + inner_h < lines.len() { format!(" {} more ", lines.len() - top - inner_h) } else { String::new() };
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.glyphs.border_overlay)
        .border_style(theme.border_focus)
        .title(Span::styled(" bundle check ", theme.title))
        .title_bottom(Line::from(vec![
            Span::styled(more, theme.dim),
            Span::styled(" j/k scroll · Esc q c close ".replace('·', theme.glyphs.dot), theme.dim),
        ]));
    frame.render_widget(Paragraph::new(shown).block(block), r);
}

/// The report's own punctuation (`·`, `…`, `→`) in the terminal's glyphs, then the rest
/// (already escaped by the report) as the terminal can show it.
fn in_glyphs(text: &str, theme: &Theme) -> String {
    let g = &theme.glyphs;
    let text = text.replace('·', g.dot).replace('…', g.more).replace('→', g.arrow);
    g.sanitize(&text).into_owned()
}
