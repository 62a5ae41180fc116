//! The help overlay, generated from the keymap table.

use crate::ui::keymap::KEYMAP;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const QUERY_HELP: &[&str] = &[
    "level:warn+  level:error  cat:upload  session:a1b2  user:ann  file:05-17",
    "msg:timeout  since:-2h  until:2026-05-17T08:00  is:unparsed",
    "args.path:q3  bytes:>1000  exc_type:   (raw keys; empty value = present)",
    "-term negates · bare words are fuzzy: weird 'exact ^prefix suffix$ !not",
];

/// Width of one column of key bindings.
const COLUMN: usize = 74;

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    let bindings: Vec<Vec<Span>> = KEYMAP
        .iter()
        .map(|b| {
            let keys = b.keys.iter().map(|k| theme.glyphs.key_name(k)).collect::<Vec<_>>().join(" ");
            vec![
                Span::styled(format!("{keys:>12}  "), theme.key),
                Span::raw(format!("{:<w$}", b.help, w = COLUMN - 14)),
            ]
        })
        .collect();
    // Two columns when the list would not fit the height and the width allows.
    let two = bindings.len() + 10 > area.height as usize && area.width as usize >= 2 * COLUMN + 4;
    let mut lines: Vec<Line> = if two {
        let half = bindings.len().div_ceil(2);
        (0..half)
            .map(|i| {
                let mut row = bindings[i].clone();
                if let Some(right) = bindings.get(half + i) {
                    row.push(Span::raw("  "));
                    row.extend(right.iter().cloned());
                }
                Line::from(row)
            })
            .collect()
    } else {
        bindings.into_iter().map(Line::from).collect()
    };
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Filter (/) query language", theme.heading)));
    // The query help separates its items with the theme's dot.
    lines.extend(QUERY_HELP.iter().map(|l| Line::from(format!("  {}", l.replace('·', theme.glyphs.dot)))));
    // On a short screen the blank separators go first, so that the last keys and the way
    // out stay on it.
    if lines.len() + 2 > usize::from(area.height) {
        lines.retain(|l| l.width() > 0);
    }
    let w = (if two { 2 * COLUMN as u16 + 4 } else { 84 }).min(area.width);
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.glyphs.border_overlay)
        .border_style(theme.border_focus)
        .title(Span::styled(" audit-tui keys ", theme.title))
        // In the frame, not a line of its own: the keymap grows, the screen does not.
        .title_bottom(Span::styled(" any key closes this help ", theme.dim));
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
