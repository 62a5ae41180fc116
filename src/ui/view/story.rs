//! The story overlay (`S`): the selected session's `report --session` text, scrolled. The
//! text was computed when the overlay opened; drawing only cuts and styles its lines, and
//! still sends every line through `sanitize` (via `untrusted`).

use super::untrusted;
use crate::ui::app::StoryView;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Where the overlay goes: nearly the whole screen, at most 140 columns wide.
pub fn area(screen: Rect) -> Rect {
    let w = screen.width.saturating_sub(4).min(140);
    let h = screen.height.saturating_sub(2);
    Rect::new(screen.x + (screen.width - w) / 2, screen.y + (screen.height - h) / 2, w, h)
}

pub fn draw(frame: &mut Frame, story: &StoryView, screen: Rect, theme: &Theme) {
    let r = area(screen);
    if r.width < 4 || r.height < 3 {
        return;
    }
    let width = usize::from(r.width - 2);
    let height = usize::from(r.height - 2);
    let lines: Vec<Line> = story
        .lines
        .iter()
        .skip(story.scroll)
        .take(height)
        .map(|l| {
            let style = if l.starts_with('#') { theme.heading } else { Style::default() };
            Line::from(untrusted(l, width, style, theme, &[], style))
        })
        .collect();
    let last = (story.scroll + height).min(story.lines.len());
    let position = format!(" {}–{} of {} ", (story.scroll + 1).min(last), last, story.lines.len());
    let title = format!(" session {} · j/k PgDn/PgUp scroll · Esc closes ", story.session);
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.glyphs.border_overlay)
        .border_style(theme.border_focus)
        .title(Line::from(untrusted(&title, width, theme.title, theme, &[], theme.title)))
        .title_bottom(Line::from(Span::styled(position, theme.dim)).right_aligned());
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
