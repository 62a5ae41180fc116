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

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    let row = |b: &crate::ui::keymap::Binding, keys_width: usize| {
        let keys = b.keys.iter().map(|k| theme.glyphs.key_name(k)).collect::<Vec<_>>().join(" ");
        vec![Span::styled(format!("{keys:>keys_width$}  "), theme.key), Span::raw(b.help)]
    };
    // Everything but the keys: the query help, blank lines, the closing hint, the frame.
    let rest = QUERY_HELP.len() as u16 + 6;
    let two_columns = KEYMAP.len() as u16 + rest > area.height && area.width >= 140;
    let mut lines: Vec<Line> = if two_columns {
        // When the keys do not fit one under the other, they go in two columns.
        let half = KEYMAP.len().div_ceil(2);
        (0..half)
            .map(|i| {
                let mut spans = row(&KEYMAP[i], 10);
                let used: usize = spans.iter().map(|s| unicode_width::UnicodeWidthStr::width(s.content.as_ref())).sum();
                spans.push(Span::raw(" ".repeat(68usize.saturating_sub(used))));
                if let Some(b) = KEYMAP.get(half + i) {
                    spans.extend(row(b, 10));
                }
                Line::from(spans)
            })
            .collect()
    } else {
        KEYMAP.iter().map(|b| Line::from(row(b, 16))).collect()
    };
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Filter (/) query language", theme.heading)));
    // The query help separates its items with the theme's dot.
    lines.extend(QUERY_HELP.iter().map(|l| Line::from(format!("  {}", l.replace('·', theme.glyphs.dot)))));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("any key closes this help", theme.dim)));
    let w = if two_columns { 136 } else { 84 }.min(area.width);
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.glyphs.border_overlay)
        .border_style(theme.border_focus)
        .title(Span::styled(" audit-tui keys ", theme.title));
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
