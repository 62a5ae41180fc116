//! The detail pane: every field of the selected event, pretty and coloured; for an error
//! its type, message, outcome and stack, its error group, and — beside it — what the user
//! did just before, in the same session, with the gaps between steps.

use super::pane_block;
use crate::ingest::dialects::facts::{Facts, Salvage, display_message_in};
use crate::ingest::time::TimeReader;
use crate::json::scan::Value;
use crate::json::tree::Node;
use crate::model::store::readable;
use crate::model::{Event, Level, flag};
use crate::report::fmt;
use crate::sanitize::{Mode, Piece, iter_pieces_in};
use crate::ui::app::{App, Pane};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Values longer than this are cut in the pane (`y` copies the whole line).
const MAX_VALUE_CHARS: usize = 16 << 10;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Detail;
    let selected = app.selected();
    let title = match selected {
        Some(e) if e.level().is_error() => Line::from(vec![
            Span::styled(" Error ", theme.error.add_modifier(ratatui::style::Modifier::BOLD)),
            Span::styled("drill-down ", theme.dim),
        ]),
        _ => Line::from(Span::styled(" Detail ", theme.title)),
    };
    let block = pane_block(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(e) = selected else {
        frame.render_widget(Paragraph::new(Span::styled("no event selected", theme.dim)), inner);
        return;
    };
    let id = app.selected_id().unwrap_or(0);
    let mut times = TimeReader::new(app.index.zone);
    let facts = app.index.facts_of(e, &mut times);
    let salvage = app.index.salvage_of(e, &mut times);
    let mut left = header(app, e, facts.as_ref().map(|(f, _)| f), salvage.as_ref(), theme);
    if let Some(f) = facts.as_ref().map(|(f, _)| f).or(salvage.as_ref().map(|s| &s.facts)) {
        left.extend(error_block(app, id, e, f, theme));
    }
    left.push(Line::from(""));
    left.extend(fields(app, e, theme));
    let context = before(app, id, e, theme);
    let scroll = app.detail.scroll.min(u16::MAX as usize) as u16;
    if inner.width >= 110 {
        let left_w = inner.width * 3 / 5;
        let l = Rect::new(inner.x, inner.y, left_w, inner.height);
        let r = Rect::new(inner.x + left_w + 3, inner.y, inner.width - left_w - 3, inner.height);
        let rule =
            (0..inner.height).map(|_| Line::from(Span::styled(theme.glyphs.rule, theme.border))).collect::<Vec<_>>();
        frame.render_widget(Paragraph::new(rule), Rect::new(inner.x + left_w + 1, inner.y, 1, inner.height));
        let scroll = scroll.min(left.len().saturating_sub(1) as u16);
        frame.render_widget(Paragraph::new(left).wrap(Wrap { trim: false }).scroll((scroll, 0)), l);
        frame.render_widget(Paragraph::new(fit_context(context, r, theme)), r);
    } else {
        left.push(Line::from(""));
        left.extend(context.into_iter().map(|l| cut_line(l, inner.width as usize, theme)));
        let scroll = scroll.min(left.len().saturating_sub(1) as u16);
        frame.render_widget(Paragraph::new(left).wrap(Wrap { trim: false }).scroll((scroll, 0)), inner);
    }
}

/// Untrusted text as spans that may span several lines (Block mode).
fn block_lines(text: &str, style: Style, theme: &Theme, indent: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut current: Vec<Span<'static>> = vec![Span::raw(" ".repeat(indent))];
    let cut = cut_chars(text, MAX_VALUE_CHARS);
    for piece in iter_pieces_in(&cut, Mode::Block, theme.glyphs.charset) {
        match piece {
            Piece::Text(t) => current.push(Span::styled(t.to_string(), style)),
            Piece::Escape(e) => current.push(Span::styled(e, theme.escape)),
            Piece::Newline => {
                lines.push(Line::from(std::mem::take(&mut current)));
                current.push(Span::raw(" ".repeat(indent)));
            }
        }
    }
    if text.chars().count() > MAX_VALUE_CHARS {
        current.push(Span::styled(
            format!(" {} {} more chars (y copies all)", theme.glyphs.more, text.chars().count() - MAX_VALUE_CHARS),
            theme.dim,
        ));
    }
    lines.push(Line::from(current));
    lines
}

fn cut_chars(s: &str, n: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(n) {
        Some((at, _)) => std::borrow::Cow::Owned(s[..at].to_string()),
        None => std::borrow::Cow::Borrowed(s),
    }
}

/// One-line untrusted text.
fn line_text(text: &str, style: Style, theme: &Theme) -> Vec<Span<'static>> {
    iter_pieces_in(&cut_chars(text, 2000), Mode::Line, theme.glyphs.charset)
        .map(|p| match p {
            Piece::Escape(e) => Span::styled(e, theme.escape),
            p => Span::styled(p.as_str().to_string(), style),
        })
        .collect()
}

fn header(
    app: &App,
    e: Event,
    facts: Option<&Facts<'_>>,
    salvage: Option<&Salvage<'_>>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let idx = &app.index;
    let (label, style) = match salvage {
        Some(_) if e.level() != Level::None => (format!("CUT {}", e.level().label().trim()), theme.level(e.level())),
        Some(_) => ("CUT".to_string(), theme.unparsed),
        None if e.is_unparsed() => ("UNPARSED".to_string(), theme.unparsed),
        None => (e.level().label().trim().to_string(), theme.level(e.level())),
    };
    let mut first = vec![
        Span::styled(label, style.add_modifier(ratatui::style::Modifier::BOLD)),
        Span::raw("  "),
        Span::styled(fmt::time_ms(e.time(), app.zone), theme.title),
        Span::styled(format!(" {}", super::zone_name(app.zone, e.time())), theme.dim),
    ];
    if !e.has(flag::OWN_TIME) && (!e.is_unparsed() || salvage.is_some()) {
        first.push(Span::styled("  (no time on this line: shown after the line before it)", theme.dim));
    }
    let mut lines = vec![Line::from(first)];
    if let Some(mark) = app.selected_id().and_then(|id| app.marks.at(id)) {
        let mut line = vec![Span::styled(format!("{} marked", theme.glyphs.mark), theme.warn)];
        if !mark.note.is_empty() {
            line.push(Span::styled(": ", theme.warn));
            line.extend(line_text(&mark.note, theme.warn, theme));
        }
        lines.push(Line::from(line));
    }
    let mut second = line_text(&idx.location(e), theme.dim, theme);
    if let Some(s) = idx.session(e.session()) {
        second.push(Span::raw("  session "));
        second.extend(line_text(&s.id, theme.session, theme));
        for extra in [&s.user, &s.platform, &s.host] {
            if !extra.is_empty() {
                second.push(Span::styled(format!(" {} ", theme.glyphs.dot), theme.dim));
                second.extend(line_text(extra, Style::default(), theme));
            }
        }
    }
    let cat = idx.categories.name(e.category());
    if !cat.is_empty() {
        second.push(Span::raw("  category "));
        second.extend(line_text(cat, theme.category, theme));
    }
    lines.push(Line::from(second));
    if let Some(s) = salvage {
        if let Some(u) = idx.unparsed_at(e.offset()) {
            lines.push(Line::from(vec![Span::styled("cut line: ", theme.unparsed), Span::raw(u.reason().to_string())]));
        }
        lines.push(Line::from(vec![Span::styled("salvaged ", theme.dim), Span::raw(s.what())]));
        if s.facts.message.is_some() {
            let label = "message ";
            let more = if s.message_cut { format!("{} (cut here)", theme.glyphs.more) } else { String::new() };
            let message = display_message_in(&s.facts, theme.glyphs.charset);
            let mut message = block_lines(&message, theme.level(e.level()), theme, label.len());
            if let Some(first) = message.first_mut() {
                first.spans[0] = Span::styled(label, theme.dim);
            }
            if let Some(last) = message.last_mut() {
                last.spans.push(Span::styled(more, theme.unparsed));
            }
            lines.extend(message);
        }
    } else if e.is_unparsed() {
        if let Some(u) = idx.unparsed_at(e.offset()) {
            lines.push(Line::from(vec![
                Span::styled("not an event: ", theme.unparsed),
                Span::raw(u.reason().to_string()),
            ]));
        }
    } else if let Some(f) = facts {
        // A message over several lines (a traceback in a CSV cell, a JSON "\n") keeps its
        // line breaks, its lines under the first.
        let label = "message ";
        let message = display_message_in(f, theme.glyphs.charset);
        let mut message = block_lines(&message, theme.level(e.level()), theme, label.len());
        if let Some(first) = message.first_mut() {
            first.spans[0] = Span::styled(label, theme.dim);
        }
        lines.extend(message);
    }
    if e.has(flag::NUL_PREFIX) {
        lines.push(Line::from(Span::styled("NUL bytes precede this line (zero-fill after a crash?)", theme.warn)));
    }
    lines
}

fn error_block(app: &App, id: u32, e: Event, f: &Facts<'_>, theme: &Theme) -> Vec<Line<'static>> {
    if !e.level().is_error() {
        return Vec::new();
    }
    let mut lines = vec![Line::from("")];
    let etype = f.error_type.map(|t| t.text().into_owned()).unwrap_or_default();
    let emsg = f.error_message.map(|t| t.text().into_owned()).unwrap_or_default();
    let mut l = vec![Span::styled("error ", theme.error)];
    if !etype.is_empty() {
        l.extend(line_text(&etype, theme.error.add_modifier(ratatui::style::Modifier::BOLD), theme));
    }
    if !emsg.is_empty() {
        l.push(Span::raw(": "));
        l.extend(line_text(&emsg, Style::default(), theme));
    }
    lines.push(Line::from(l));
    if let Some(s) = f.status {
        let text = s.text();
        let mut l = vec![Span::styled("outcome ", theme.dim)];
        l.extend(line_text(&text, theme.outcome(&text), theme));
        lines.push(Line::from(l));
    }
    if let Some(g) = app.index.group_of(id as usize) {
        let pos = g.occurrences.partition_point(|&o| o < id) + 1;
        lines.push(Line::from(vec![
            Span::styled("group ", theme.dim),
            Span::styled(format!("{}{}", theme.glyphs.times, fmt::count(g.count)), theme.error),
            Span::raw(format!(
                " in {} session{} {dot} {} user{} {dot} first {} {dot} last {} {dot} ",
                g.sessions.len(),
                if g.sessions.len() == 1 { "" } else { "s" },
                g.users.len(),
                if g.users.len() == 1 { "" } else { "s" },
                fmt::format_local(g.first, app.zone, "%m-%d %H:%M"),
                fmt::format_local(g.last, app.zone, "%m-%d %H:%M"),
                dot = theme.glyphs.dot,
            )),
            Span::styled(format!("occurrence {pos}/{} (o/O)", g.occurrences.len()), theme.key),
        ]));
        if !g.title.is_empty() {
            let mut l = vec![Span::styled("fingerprint ", theme.dim)];
            l.extend(line_text(&g.title, theme.dim, theme));
            lines.push(Line::from(l));
        }
    }
    lines
}

/// Every field, YAML-like: `key: value`, nested objects indented, multi-line strings as
/// blocks. Keys and values are untrusted.
fn fields(app: &App, e: Event, theme: &Theme) -> Vec<Line<'static>> {
    let Some(blob) = app.index.blob_of(e) else { return Vec::new() };
    let raw = readable(blob.raw_line(e.offset()));
    let mut out = Vec::new();
    if let Some(h) = &blob.csv
        && let Ok(cells) = crate::ingest::dialects::csv::split(raw, h.delimiter)
    {
        for (i, cell) in cells.iter().enumerate() {
            let name = h.names.get(i).cloned().unwrap_or_else(|| format!("column {}", i + 1));
            push_scalar(&mut out, &name, &cell.text(), theme.string, false, 0, theme);
        }
        return out;
    }
    if !e.is_unparsed()
        && let Some(Node::Object(members)) = Node::parse_object(raw)
    {
        push_members(&mut out, &members, 0, theme);
        return out;
    }
    if !e.is_unparsed()
        && let Some(pairs) = crate::ingest::dialects::logfmt::pairs(raw.trim_ascii())
    {
        for (k, v) in pairs {
            let key = String::from_utf8_lossy(k);
            match v {
                Value::Str(s) => push_scalar(&mut out, &key, &s.text(), theme.string, true, 0, theme),
                Value::Num(n) => {
                    push_scalar(&mut out, &key, &String::from_utf8_lossy(n), theme.number, false, 0, theme)
                }
                Value::True => push_scalar(&mut out, &key, "true", theme.literal, false, 0, theme),
                Value::False => push_scalar(&mut out, &key, "false", theme.literal, false, 0, theme),
                Value::Null | Value::Object(_) | Value::Array(_) => {}
            }
        }
        return out;
    }
    let label = match (blob.whole_record, blob.in_document(e.offset())) {
        (true, _) => "file as written:",
        (false, true) => "record as written:",
        (false, false) => "line as written:",
    };
    out.push(Line::from(Span::styled(label, theme.dim)));
    let text = String::from_utf8_lossy(raw);
    out.extend(block_lines(&text, if e.is_unparsed() { theme.unparsed } else { Style::default() }, theme, 2));
    out
}

/// An object's members in file order. A key written twice is flagged on each of its
/// lines: readers disagree on which one counts (the index takes the first), and a forged
/// second `"user"` or `"level"` is exactly what a reader should notice.
fn push_members(out: &mut Vec<Line<'static>>, members: &[(String, Node)], indent: usize, theme: &Theme) {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (k, _) in members {
        *seen.entry(k.as_str()).or_default() += 1;
    }
    for (k, v) in members {
        let first = out.len();
        push_node(out, k, v, indent, theme);
        if seen.get(k.as_str()).is_some_and(|&n| n > 1)
            && let Some(line) = out.get_mut(first)
        {
            line.spans.push(Span::styled("  (key repeated in this line)", theme.warn));
        }
    }
}

fn push_node(out: &mut Vec<Line<'static>>, key: &str, node: &Node, indent: usize, theme: &Theme) {
    match node {
        Node::Str(s) => push_scalar(out, key, s, theme.string, true, indent, theme),
        Node::Num(n) => push_scalar(out, key, n, theme.number, false, indent, theme),
        Node::Bool(b) => push_scalar(out, key, &b.to_string(), theme.literal, false, indent, theme),
        Node::Null => push_scalar(out, key, "null", theme.literal, false, indent, theme),
        Node::Raw(r) => push_scalar(out, key, r, theme.dim, false, indent, theme),
        Node::Object(m) if m.is_empty() => push_scalar(out, key, "{}", theme.punct, false, indent, theme),
        Node::Array(a) if a.is_empty() => push_scalar(out, key, "[]", theme.punct, false, indent, theme),
        Node::Array(items) if items.iter().all(Node::is_scalar) && node.inline().chars().count() < 80 => {
            push_scalar(out, key, &node.inline(), theme.number, false, indent, theme)
        }
        Node::Object(members) => {
            out.push(key_line(key, indent, theme, vec![]));
            push_members(out, members, indent + 2, theme);
        }
        Node::Array(items) => {
            out.push(key_line(key, indent, theme, vec![]));
            for item in items {
                push_node(out, "-", item, indent + 2, theme);
            }
        }
    }
}

fn key_line(key: &str, indent: usize, theme: &Theme, mut value: Vec<Span<'static>>) -> Line<'static> {
    let mut spans = vec![Span::raw(" ".repeat(indent))];
    if key == "-" {
        spans.push(Span::styled("- ", theme.punct));
    } else {
        spans.extend(line_text(key, theme.key, theme));
        spans.push(Span::styled(": ", theme.punct));
    }
    spans.append(&mut value);
    Line::from(spans)
}

fn push_scalar(
    out: &mut Vec<Line<'static>>,
    key: &str,
    value: &str,
    style: Style,
    quoted: bool,
    indent: usize,
    theme: &Theme,
) {
    if value.contains('\n') {
        out.push(key_line(key, indent, theme, vec![Span::styled("|", theme.punct)]));
        out.extend(block_lines(value.trim_end_matches('\n'), style, theme, indent + 4));
        return;
    }
    let mut v = Vec::new();
    if quoted {
        v.push(Span::styled("\"", theme.punct));
    }
    v.extend(line_text(&cut_chars(value, MAX_VALUE_CHARS), style, theme));
    if quoted {
        v.push(Span::styled("\"", theme.punct));
    }
    if value.chars().count() > MAX_VALUE_CHARS {
        v.push(Span::styled(
            format!(" {} {} more chars (y copies all)", theme.glyphs.more, value.chars().count() - MAX_VALUE_CHARS),
            theme.dim,
        ));
    }
    out.push(key_line(key, indent, theme, v));
}

/// The events before this one in the same session, oldest first, with time offsets.
fn before(app: &App, id: u32, e: Event, theme: &Theme) -> Vec<Line<'static>> {
    let idx = &app.index;
    let sid = e.session();
    let mut ids = idx.previous_in_session(id, sid, app.detail.before);
    ids.reverse();
    let who = idx.session(sid).map_or(String::new(), |s| s.id.clone());
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("Before this ({}", fmt::plural(ids.len() as u64, "event")), theme.heading),
        Span::styled(", +/- for more/fewer", theme.dim),
        Span::styled(format!(") {} session ", theme.glyphs.dot), theme.heading),
        Span::styled(theme.glyphs.sanitize(&who).into_owned(), theme.session),
    ])];
    if ids.is_empty() {
        lines.push(Line::from(Span::styled("  (first event of its session)", theme.dim)));
        return lines;
    }
    let mut times = TimeReader::new(idx.zone);
    let mut prev_time: Option<i64> = None;
    for &pid in &ids {
        let Some(p) = idx.event(pid as usize) else { continue };
        if let Some(t) = prev_time
            && p.time() - t >= 60_000
        {
            let gap = format!("   {} {} later", theme.glyphs.gap, fmt::duration(p.time() - t));
            lines.push(Line::from(Span::styled(gap, theme.dim)));
        }
        prev_time = Some(p.time());
        lines.push(context_line(app, p, e.time(), &mut times, theme, false));
    }
    if let Some(t) = prev_time
        && e.time() - t >= 60_000
    {
        let gap = format!("   {} {} later", theme.glyphs.gap, fmt::duration(e.time() - t));
        lines.push(Line::from(Span::styled(gap, theme.dim)));
    }
    lines.push(context_line(app, e, e.time(), &mut times, theme, true));
    lines
}

fn context_line(app: &App, p: Event, now: i64, times: &mut TimeReader, theme: &Theme, is_self: bool) -> Line<'static> {
    let delta = now - p.time();
    let rel = if is_self { String::new() } else { format!("{:>8}", format!("-{}", fmt::duration(delta))) };
    let msg = match app.index.salvage_of(p, times).filter(|s| s.facts.message.is_some()) {
        Some(s) => {
            let more = if s.message_cut { theme.glyphs.more } else { "" };
            format!("cut: {}{more}", display_message_in(&s.facts, theme.glyphs.charset))
        }
        None => app.index.message_in(p, times, theme.glyphs.charset),
    };
    let style = if p.is_unparsed() {
        theme.unparsed
    } else if p.level() >= Level::Warn {
        theme.level(p.level())
    } else {
        Style::default()
    };
    let mut spans = vec![
        Span::styled(rel, theme.dim),
        Span::raw(" "),
        Span::styled(fmt::format_local(p.time(), app.zone, "%H:%M:%S"), theme.dim),
        Span::raw(" "),
        Span::styled(
            if p.is_unparsed() && p.level() == Level::None { "  ?  " } else { p.level().label() },
            theme.level(p.level()),
        ),
        Span::raw(" "),
    ];
    let cat = app.index.categories.name(p.category());
    if !cat.is_empty() {
        spans.extend(line_text(&format!("{cat} "), theme.category, theme));
    }
    spans.extend(line_text(&msg, style, theme));
    if is_self {
        spans[0] = Span::styled(format!("  {} this", theme.glyphs.this), theme.heading);
    }
    Line::from(spans)
}

/// One row per context line (cut, not wrapped), keeping the heading and the newest lines
/// when the pane is short: what happened just before matters most.
fn fit_context(lines: Vec<Line<'static>>, area: Rect, theme: &Theme) -> Vec<Line<'static>> {
    let width = area.width as usize;
    let height = area.height as usize;
    let mut lines: Vec<Line<'static>> = lines.into_iter().map(|l| cut_line(l, width, theme)).collect();
    if lines.len() > height && height > 1 {
        let heading = lines.remove(0);
        let keep = lines.split_off(lines.len() - (height - 1));
        lines = std::iter::once(heading).chain(keep).collect();
    }
    lines
}

/// Cuts a line of spans to `width` display columns, ending with `…` (the theme's cut
/// mark) when cut.
fn cut_line(line: Line<'static>, width: usize, theme: &Theme) -> Line<'static> {
    use unicode_width::UnicodeWidthStr;
    if line.width() <= width {
        return line;
    }
    let mut out = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let w = span.content.width();
        if used + w < width {
            used += w;
            out.push(span);
            continue;
        }
        let keep = theme.glyphs.fit(&span.content, width - used);
        out.push(Span::styled(keep, span.style));
        break;
    }
    Line::from(out).style(line.style)
}
