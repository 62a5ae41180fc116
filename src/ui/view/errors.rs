//! The errors view: one row per error group (count, sessions, users, first and last seen,
//! a per-day sparkline, the error), biggest first, and the selected group in full below.

use super::{pane_block, untrusted};
use crate::report::fmt;
use crate::ui::app::App;
use crate::ui::errors::sparkline;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Lines under the list describing the selected group (when the view is tall enough).
const DETAIL_LINES: u16 = 6;

fn detail_lines(area: Rect) -> u16 {
    if area.height >= 16 { DETAIL_LINES } else { 0 }
}

/// Rows of the list in a view drawn in `area` (borders, header and details taken away).
pub fn list_height(area: Rect) -> usize {
    area.height.saturating_sub(3 + detail_lines(area)) as usize
}

/// Cells of the sparklines: a day per cell up to 14, then days folded into 14 cells.
fn spark_width(days: usize) -> usize {
    days.clamp(1, 14)
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let index = &app.index;
    let view = &app.errors;
    let g = &theme.glyphs;
    let errors: u64 = view.groups.iter().map(|&i| index.groups[i as usize].count).sum();
    let mut sessions: Vec<u32> = view.groups.iter().flat_map(|&i| index.groups[i as usize].sessions.clone()).collect();
    sessions.sort_unstable();
    sessions.dedup();
    let mut users: Vec<&str> =
        view.groups.iter().flat_map(|&i| index.groups[i as usize].users.iter().map(String::as_str)).collect();
    users.sort_unstable();
    users.dedup();
    let mut title = vec![
        Span::styled(" Errors ", theme.title),
        Span::styled(
            format!(
                "{} kinds {dot} {} {dot} {} {dot} {} ",
                fmt::count(view.groups.len() as u64),
                fmt::plural(errors, "error"),
                fmt::plural(sessions.len() as u64, "session"),
                fmt::plural(users.len() as u64, "user"),
                dot = g.dot
            ),
            theme.dim,
        ),
    ];
    if let Some((start, end)) = index.span() {
        let day = |ms| fmt::format_local(ms, app.zone, "%Y-%m-%d");
        title.push(Span::styled(format!("{} {} {} ", day(start), g.arrow, day(end)), theme.dim));
    }
    if app.loading.is_some() {
        title.push(Span::styled(format!("indexing{} ", g.more), theme.warn));
    }
    let block = pane_block(Line::from(title), true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let spark_w = spark_width(view.days);
    let (_, per_cell) = sparkline(&vec![0; view.days], spark_w, &g.bars);
    let per = if per_cell == 1 { "PER DAY".to_string() } else { format!("PER {per_cell} DAYS") };
    let fixed = 7 + 6 + 6 + 12 + 12 + spark_w.max(per.len()) + 2;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:>7}{:>6}{:>6}  {:<12}{:<12}{:<w$}  {}",
            "COUNT",
            "SESS",
            "USERS",
            "FIRST",
            "LAST",
            per,
            "ERROR",
            w = spark_w.max(per.len())
        ),
        theme.heading,
    ))];
    let height = list_height(area);
    if view.groups.is_empty() {
        lines.push(Line::from(Span::styled("  no errors in these logs", theme.dim)));
    }
    for row in view.top..(view.top + height).min(view.groups.len()) {
        let grp = &index.groups[view.groups[row] as usize];
        let (spark, _) = sparkline(&view.per_day[row], spark_w, &g.bars);
        let mut spans = vec![
            Span::styled(format!("{:>7}", fmt::count(grp.count)), theme.error),
            Span::raw(format!("{:>6}{:>6}  ", grp.sessions.len(), grp.users.len())),
            Span::styled(format!("{:<12}", fmt::format_local(grp.first, app.zone, "%m-%d %H:%M")), theme.dim),
            Span::styled(format!("{:<12}", fmt::format_local(grp.last, app.zone, "%m-%d %H:%M")), theme.dim),
            Span::styled(format!("{spark:<w$}  ", w = spark_w.max(per.len())), theme.bar_error),
        ];
        let heading = fmt::error_heading(&grp.error_type, &grp.title);
        let room = width.saturating_sub(fixed);
        spans.extend(owned(untrusted(&heading, room, theme.error, theme, &[], theme.error)));
        let mut line = Line::from(spans);
        if row == view.cursor {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    let list = Rect::new(inner.x, inner.y, inner.width, inner.height.saturating_sub(detail_lines(area)));
    frame.render_widget(Paragraph::new(lines), list);
    let detail_h = detail_lines(area);
    if detail_h > 0 {
        let at = Rect::new(inner.x, inner.y + inner.height - detail_h, inner.width, detail_h);
        frame.render_widget(Paragraph::new(details(app, width, theme)), at);
    }
}

fn owned(spans: Vec<Span<'_>>) -> Vec<Span<'static>> {
    spans.into_iter().map(|s| Span::styled(s.content.into_owned(), s.style)).collect()
}

/// The selected group in full: its heading, who and when, a sample, and what Enter does.
fn details(app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let g = &theme.glyphs;
    let rule = Line::from(Span::styled(g.border.horizontal_top.repeat(width), theme.border));
    let Some(grp) = app.errors.selected().and_then(|i| app.index.groups.get(i as usize)) else {
        return vec![rule];
    };
    let index = &app.index;
    let heading = fmt::error_heading(&grp.error_type, &grp.title);
    let mut who =
        format!("{}{} in {}", g.times, fmt::count(grp.count), fmt::plural(grp.sessions.len() as u64, "session"));
    if grp.users.is_empty() {
        who.push_str(&format!(" {} no user logged", g.dot));
    } else {
        let shown: Vec<&str> = grp.users.iter().take(6).map(String::as_str).collect();
        who.push_str(&format!(" {} users: {}", g.dot, shown.join(", ")));
        if grp.users.len() > shown.len() {
            who.push_str(&format!(" (+{})", grp.users.len() - shown.len()));
        }
    }
    let when = format!(
        "first {} {} last {} ({})",
        fmt::format_local(grp.first, app.zone, "%Y-%m-%d %H:%M:%S"),
        g.arrow,
        fmt::format_local(grp.last, app.zone, "%Y-%m-%d %H:%M:%S"),
        fmt::duration(grp.last - grp.first)
    );
    let sample = grp.sample().and_then(|id| index.event(id as usize)).map(|e| {
        let mut times = crate::ingest::time::TimeReader::new(index.zone);
        let session = index.session(e.session()).map_or_else(String::new, |s| s.id.clone());
        format!(
            "e.g. {} {} session {} {} {}",
            index.location(e),
            g.dot,
            session,
            g.dot,
            index.message_in(e, &mut times, g.charset)
        )
    });
    let hint = format!(
        "Enter: its {} in the timeline, each with what led to it {} j/k choose {} Esc closes",
        fmt::plural(grp.count, "occurrence"),
        g.dot,
        g.dot
    );
    let text = |t: &str, style| Line::from(owned(untrusted(t, width, style, theme, &[], style)));
    vec![
        rule,
        text(&heading, theme.error),
        text(&who, ratatui::style::Style::default()),
        text(&when, theme.dim),
        sample.map_or_else(|| Line::from(""), |s| text(&s, ratatui::style::Style::default())),
        Line::from(Span::styled(hint, theme.dim)),
    ]
}
