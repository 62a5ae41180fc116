//! The help overlay, generated from the keymap table.

use crate::ui::keymap::{KEYMAP, Keys};
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

/// What the mouse does (the keymap cannot say it).
const MOUSE_HELP: &[(&str, &str)] = &[
    ("wheel", "scroll the pane under the pointer (the errors view, an overlay)"),
    ("click", "focus a pane and select the row clicked"),
    ("click again", "on the selected group of the errors view: show its occurrences"),
    ("--no-mouse", "leave the mouse to the terminal, for its own selection"),
];

/// Every line of the help, in one column of `width` or two side by side.
fn lines(theme: &Theme, two: bool, keymap: &Keys) -> Vec<Line<'static>> {
    let keys: Vec<String> = KEYMAP
        .iter()
        .map(|b| {
            let keys = keymap.keys_of(b);
            if keys.is_empty() {
                "-".to_string()
            } else {
                keys.iter().map(|k| theme.glyphs.key_name_of(k)).collect::<Vec<_>>().join(" ")
            }
        })
        .collect();
    // The keys column fits the longest keys (`PgDn Space Ctrl-f`), so rows stay aligned.
    let kw = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0).max(12);
    let bindings: Vec<Vec<Span<'static>>> = KEYMAP
        .iter()
        .zip(keys)
        .map(|(b, keys)| {
            vec![
                Span::styled(format!("{keys:>kw$}  "), theme.key),
                Span::raw(format!("{:<w$}", b.help, w = COLUMN.saturating_sub(kw + 2))),
            ]
        })
        .collect();
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
    lines.push(Line::from(Span::styled("Mouse", theme.heading)));
    lines.extend(
        MOUSE_HELP
            .iter()
            .map(|(what, does)| Line::from(vec![Span::styled(format!("{what:>12}  "), theme.key), Span::raw(*does)])),
    );
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Filter (/) query language", theme.heading)));
    // The query help separates its items with the theme's dot.
    lines.extend(QUERY_HELP.iter().map(|l| Line::from(format!("  {}", l.replace('·', theme.glyphs.dot)))));
    lines
}

/// How far the help can scroll on a screen of `area` (the update clamps with it).
pub fn max_scroll(area: Rect, theme: &Theme, keys: &Keys) -> usize {
    let (two, _, h) = geometry(area);
    lines(theme, two, keys).len().saturating_sub(h.saturating_sub(2) as usize)
}

/// Two columns when the keys do not fit the height and the width allows; the box's size.
fn geometry(area: Rect) -> (bool, u16, u16) {
    let two = KEYMAP.len() + 14 > area.height as usize && area.width as usize >= 2 * COLUMN + 4;
    let w = (if two { 2 * COLUMN as u16 + 4 } else { 84 }).min(area.width);
    let rows = if two { KEYMAP.len().div_ceil(2) } else { KEYMAP.len() } + 4 + MOUSE_HELP.len() + 2 + QUERY_HELP.len();
    let h = (rows as u16 + 2).min(area.height);
    (two, w, h)
}

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, keys: &Keys, scroll: usize) {
    let (two, w, h) = geometry(area);
    let all = lines(theme, two, keys);
    let body = h.saturating_sub(2) as usize;
    let scroll = scroll.min(all.len().saturating_sub(body));
    let r = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    frame.render_widget(Clear, r);
    let more = if all.len() > body {
        format!(
            " {}-{} of {} {} j/k PgDn/PgUp scroll",
            scroll + 1,
            (scroll + body).min(all.len()),
            all.len(),
            theme.glyphs.dot
        )
    } else {
        String::new()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.glyphs.border_overlay)
        .border_style(theme.border_focus)
        .title(Span::styled(" audit-tui keys ", theme.title))
        // In the frame, not a line of its own: the keymap grows, the screen does not.
        .title_bottom(Span::styled(format!("{more} {} Esc or ? closes ", theme.glyphs.dot), theme.dim));
    frame.render_widget(Paragraph::new(all.into_iter().skip(scroll).collect::<Vec<_>>()).block(block), r);
}
