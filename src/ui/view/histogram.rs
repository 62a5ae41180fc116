//! The histogram strip: events per time bucket over the whole span, buckets with errors
//! in red, and the time range visible in the timeline marked underneath.

use crate::report::fmt;
use crate::ui::app::{App, HISTOGRAM_BUCKETS};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let h = &app.histogram;
    let width = area.width.saturating_sub(2) as usize;
    if width == 0 || h.events.is_empty() {
        return;
    }
    // Resample the fixed buckets to the columns we have.
    let mut cols = vec![(0u32, 0u32); width];
    for b in 0..HISTOGRAM_BUCKETS {
        let c = b * width / HISTOGRAM_BUCKETS;
        cols[c].0 += h.events[b];
        cols[c].1 += h.errors[b];
    }
    let g = &theme.glyphs;
    let max = cols.iter().map(|c| c.0).max().unwrap_or(0).max(1);
    let visible = visible_columns(app, width);
    let mut bars = vec![Span::raw(" ")];
    let mut marks = vec![Span::raw(" ")];
    for (i, &(n, errors)) in cols.iter().enumerate() {
        let level = if n == 0 { 0 } else { ((n as u64 * 8).div_ceil(max as u64)).clamp(1, 8) as usize };
        let style = if errors > 0 { theme.bar_error } else { theme.bar };
        bars.push(Span::styled(g.bars[level].to_string(), style));
        let in_view = visible.is_some_and(|(a, b)| i >= a && i <= b);
        marks.push(if in_view { Span::styled(g.in_view, theme.border_focus) } else { Span::raw(" ") });
    }
    let label = if h.end > h.start {
        // The year, when it is not this year's or the logs span more than one.
        let year = |ms| fmt::format_local(ms, app.zone, "%Y");
        let start_year = year(h.start);
        let pattern =
            if start_year != year(h.end) || start_year != year(app.now_ms) { "%Y-%m-%d %H:%M" } else { "%m-%d %H:%M" };
        format!(
            " {} {} {} ({}) ",
            fmt::format_local(h.start, app.zone, pattern),
            g.arrow,
            fmt::format_local(h.end, app.zone, pattern),
            fmt::duration(h.end - h.start)
        )
    } else {
        String::new()
    };
    let mut top = vec![Span::styled(label, theme.dim)];
    let errors: u32 = h.errors.iter().sum();
    if errors > 0 {
        let how = if theme.mono { "in bold" } else { "in red" };
        top.push(Span::styled(format!("{} {} shown {how}", g.dot, fmt::plural(errors as u64, "error")), theme.error));
    }
    frame.render_widget(Paragraph::new(vec![Line::from(top), Line::from(bars), Line::from(marks)]), area);
}

/// Columns covering the times of the rows on screen.
fn visible_columns(app: &App, width: usize) -> Option<(usize, usize)> {
    let h = &app.histogram;
    let first = app.row_event(app.timeline.top)?;
    let last_row = (app.timeline.top + app.timeline_height().max(1) - 1).min(app.row_count().saturating_sub(1));
    let last = app.row_event(last_row)?;
    let col = |t: i64| h.bucket_of(t) * width / HISTOGRAM_BUCKETS;
    let (a, b) = (col(first.time()), col(last.time()));
    Some((a.min(b), a.max(b)))
}
