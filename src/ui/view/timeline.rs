//! The timeline pane: a virtual table. Only the visible rows are read from the files, so
//! six million rows scroll as fast as sixty.

use super::{pane_block, untrusted};
use crate::config::{CATEGORY_WIDTH, Column, ColumnKind, OUTCOME_WIDTH, SESSION_WIDTH};
use crate::ingest::dialects::facts::{Dialect, display_message_in};
use crate::ingest::time::TimeReader;
use crate::model::store::readable;
use crate::model::{Event, Level, flag};
use crate::query::eval::{field_text, highlight};
use crate::report::fmt;
use crate::ui::app::{App, Pane};
use crate::ui::theme::Theme;
use nucleo::Matcher;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::borrow::Cow;
use std::cell::RefCell;

thread_local! {
    /// nucleo's matcher owns scratch memory worth keeping between frames.
    static MATCHER: RefCell<(Matcher, Vec<char>)> = RefCell::new((Matcher::new(nucleo::Config::DEFAULT), Vec::new()));
}

/// The table's columns at one width.
struct Columns<'a> {
    /// `%m-%d %H:%M:%S%.3f` (18 columns) or, when narrow, `%H:%M:%S` (8).
    time_format: &'static str,
    time_width: usize,
    /// Between the level and the message, in order.
    shown: Vec<&'a Column>,
}

/// The columns without a `[columns]` list for the bundle; outcome only when a source
/// has outcomes.
static BUILT_IN: [Column; 3] = [
    Column { kind: ColumnKind::Category, width: CATEGORY_WIDTH },
    Column { kind: ColumnKind::Session, width: SESSION_WIDTH },
    Column { kind: ColumnKind::Outcome, width: OUTCOME_WIDTH },
];

/// The message keeps at least this many columns; other columns give way on narrow
/// terminals: the listed ones from the last (the first is thought the most useful), then
/// the time's date and milliseconds, then the first.
const MIN_MESSAGE: usize = 30;

fn columns(app: &App, width: usize) -> Columns<'_> {
    let shown = match app.columns.for_dialect(app.index.main_dialect()) {
        Some(listed) => listed.iter().collect(),
        None => {
            let has_outcome = app
                .index
                .sources
                .iter()
                .any(|s| matches!(s.dialect(), Some(Dialect::ToolAudit | Dialect::Rtgs | Dialect::Csv)));
            BUILT_IN.iter().filter(|c| has_outcome || c.kind != ColumnKind::Outcome).collect()
        }
    };
    let mut c = Columns { time_format: "%m-%d %H:%M:%S%.3f", time_width: 18, shown };
    let fixed = |c: &Columns| 1 + c.time_width + 1 + 5 + 1 + c.shown.iter().map(|col| col.width + 1).sum::<usize>();
    while c.shown.len() > 1 && width < fixed(&c) + MIN_MESSAGE {
        c.shown.pop();
    }
    if width < fixed(&c) + MIN_MESSAGE {
        c.time_format = "%H:%M:%S";
        c.time_width = 8;
    }
    if width < fixed(&c) + MIN_MESSAGE {
        c.shown.clear();
    }
    c
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Timeline;
    let block = pane_block(title(app, theme), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let width = inner.width as usize;
    let cols = columns(app, width);
    let mut times = TimeReader::new(app.index.zone);
    let mut lines = Vec::with_capacity(height);
    let n = app.row_count();
    if n == 0 {
        let msg = if !app.results.done {
            format!("filtering{}", theme.glyphs.more)
        } else if app.has_query() {
            "no events match the filter (Esc clears it)".to_string()
        } else if app.loading.is_some() {
            format!("reading{}", theme.glyphs.more)
        } else {
            "no events".to_string()
        };
        frame.render_widget(Paragraph::new(Span::styled(msg, theme.dim)), inner);
        return;
    }
    for row in app.timeline.top..(app.timeline.top + height).min(n) {
        let Some(id) = app.row_event_id(row) else { continue };
        let Some(e) = app.index.event(id as usize) else { continue };
        let mut line = row_line(app, id, e, width, &cols, &mut times, theme);
        if row == app.timeline.cursor {
            line = selected_row(line, focused, theme);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The cursor row in the selection colours, keeping only match and escape emphasis, so
/// every column stays readable on the highlight.
fn selected_row<'a>(line: Line<'a>, focused: bool, theme: &Theme) -> Line<'a> {
    let base = if focused { theme.selected } else { theme.selected.remove_modifier(ratatui::style::Modifier::BOLD) };
    let spans = line
        .spans
        .into_iter()
        .map(|s| {
            let keep = s
                .style
                .add_modifier
                .intersection(ratatui::style::Modifier::UNDERLINED | ratatui::style::Modifier::ITALIC);
            Span::styled(s.content, base.add_modifier(keep))
        })
        .collect::<Vec<_>>();
    Line::from(spans).style(base)
}

fn title<'a>(app: &App, theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::styled(" Timeline ", theme.title)];
    let shown = app.row_count() as u64;
    let total = app.index.len() as u64;
    // Unparsed lines are rows of the timeline but not events (the status bar counts them
    // apart too).
    let unparsed = app.index.unparsed_count();
    spans.push(Span::styled(
        if shown == total && unparsed == 0 {
            format!("{} ", fmt::plural(total, "event"))
        } else if shown == total {
            format!("{} + {} unparsed ", fmt::plural(total - unparsed, "event"), fmt::count(unparsed))
        } else {
            format!("{} of {} ", fmt::count(shown), fmt::count(total))
        },
        theme.dim,
    ));
    if let Some(sid) = app.scope
        && let Some(s) = app.index.session(sid)
    {
        let who = if s.user.is_empty() { String::new() } else { format!(" {}", s.user) };
        spans.push(Span::styled(theme.glyphs.sanitize(&format!("session {}{who} ", s.id)).into_owned(), theme.session));
    }
    if let Some(grp) = app.group_scope.and_then(|g| app.index.groups.get(g as usize)) {
        let heading = fmt::error_heading(&grp.error_type, &grp.title);
        let label = format!("{}{} {} ", theme.glyphs.failed, fmt::count(grp.count), theme.glyphs.fit(&heading, 40));
        spans.push(Span::styled(theme.glyphs.sanitize(&label).into_owned(), theme.error));
    }
    if !app.results.done {
        spans.push(Span::styled(format!("filtering{} ", theme.glyphs.more), theme.warn));
    }
    if app.has_query() && !app.matches_only {
        let m = app.results.matches.as_ref().map_or(0, Vec::len) as u64;
        spans
            .push(Span::styled(format!("{}{} matches ", theme.glyphs.match_marker, fmt::count(m)), theme.match_marker));
    }
    if app.follow.enabled {
        if app.timeline.pinned_to_end {
            spans.push(Span::styled("FOLLOW ", theme.ok));
        } else {
            spans.push(Span::styled("PAUSED ", theme.warn));
            if app.timeline.unseen > 0 {
                spans.push(Span::styled(
                    format!("{} new {} ", fmt::count(app.timeline.unseen as u64), theme.glyphs.below),
                    theme.warn,
                ));
            }
        }
    }
    Line::from(spans)
}

fn session_label(app: &App, e: Event) -> String {
    match app.index.session(e.session()) {
        Some(s) if s.derived && !s.user.is_empty() => s.user.clone(),
        Some(s) if s.derived => s.id.split('@').next().unwrap_or("").to_string(),
        Some(s) => s.id.clone(),
        None => String::new(),
    }
}

/// Before the message of a cut line (a crash or a spliced writer cut it short).
const CUT_MARK: &str = "cut: ";

fn row_line<'a>(
    app: &App,
    id: u32,
    e: Event,
    width: usize,
    cols: &Columns,
    times: &mut TimeReader,
    theme: &Theme,
) -> Line<'a> {
    let mut spans: Vec<Span<'a>> = Vec::new();
    if app.marks.at(id).is_some() {
        spans.push(Span::styled(theme.glyphs.mark, theme.warn));
    } else {
        let marker =
            if app.has_query() && !app.matches_only && app.is_match(id) { theme.glyphs.match_marker } else { " " };
        spans.push(Span::styled(marker, theme.match_marker));
    }
    let time = fmt::format_local(e.time(), app.zone, cols.time_format);
    spans.push(Span::styled(time, if e.has(flag::OWN_TIME) { theme.dim } else { theme.punct }));
    let mut used = 1 + cols.time_width + 1;
    pad_to(&mut spans, used);
    let facts = app.index.facts_of(e, times);
    // A cut line shows what was salvaged from it, marked as cut.
    let salvage = app.index.salvage_of(e, times);
    if e.is_unparsed() && (salvage.is_none() || e.level() == Level::None) {
        spans.push(Span::styled("  ?  ", theme.unparsed));
    } else {
        spans.push(Span::styled(e.level().label(), theme.level(e.level())));
    }
    used += 6;
    pad_to(&mut spans, used);
    for col in &cols.shown {
        let (text, style) = match &col.kind {
            ColumnKind::Category => {
                let cat = match (e.is_unparsed(), app.index.categories.name(e.category())) {
                    (false, name) => name,
                    (true, "") => "unparsed",
                    (true, name) => name,
                };
                (Cow::Borrowed(cat), theme.category)
            }
            ColumnKind::Session => (Cow::Owned(session_label(app, e)), theme.session),
            ColumnKind::Outcome => {
                let status = facts.as_ref().and_then(|(f, _)| {
                    f.status
                        .map(|s| s.text().into_owned())
                        .or(f.success.map(|ok| if ok { "ok".into() } else { "failed".into() }))
                });
                let status = status.unwrap_or_default();
                let style = theme.outcome(&status);
                (Cow::Owned(status), style)
            }
            ColumnKind::Field(path) => {
                let value = app.index.blob_of(e).and_then(|b| field_text(b, readable(b.raw_line(e.offset())), path));
                (Cow::Owned(value.unwrap_or_default()), theme.string)
            }
        };
        spans.extend(owned(untrusted(&text, col.width, style, theme, &[], style)));
        used += col.width + 1;
        pad_to(&mut spans, used);
    }
    let message = match (&facts, &salvage) {
        (Some((f, _)), _) => display_message_in(f, theme.glyphs.charset),
        (None, Some(s)) if s.facts.message.is_some() => {
            let more = if s.message_cut { theme.glyphs.more } else { "" };
            display_message_in(&s.facts, theme.glyphs.charset) + more
        }
        _ => {
            let raw = crate::model::store::readable(app.index.raw_line(e));
            String::from_utf8_lossy(&raw[..raw.len().min(4096)]).into_owned()
        }
    };
    let marks = match app.filter.applied.as_ref() {
        Some(q) => MATCHER.with(|m| {
            let (matcher, chars) = &mut *m.borrow_mut();
            highlight(q, &message, matcher, chars)
        }),
        None => Vec::new(),
    };
    let base = if e.is_unparsed() {
        theme.unparsed
    } else if e.level() >= Level::Warn {
        theme.level(e.level())
    } else {
        Style::default()
    };
    if salvage.is_some() {
        used += CUT_MARK.len();
        spans.push(Span::styled(CUT_MARK, theme.unparsed.add_modifier(ratatui::style::Modifier::BOLD)));
    }
    if let Some(marker) = app.index.nul_marker(e) {
        used += super::spans_width(&[Span::raw(marker.as_str())]);
        spans.push(Span::styled(marker, theme.warn));
    }
    let rest = width.saturating_sub(used);
    spans.extend(owned(untrusted(&message, rest, base, theme, &marks, theme.matched)));
    Line::from(spans)
}

fn owned<'b>(spans: Vec<Span<'_>>) -> impl Iterator<Item = Span<'b>> {
    spans.into_iter().map(|s| Span::styled(s.content.into_owned(), s.style))
}

/// Pads with spaces up to column `col`.
fn pad_to(spans: &mut Vec<Span<'_>>, col: usize) {
    let used = super::spans_width(spans);
    if used < col {
        spans.push(Span::raw(" ".repeat(col - used)));
    }
}
