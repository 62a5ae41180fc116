//! `audit-tui report`: what a support engineer sends back, as Markdown to paste into a
//! ticket or a reply. What was read (files, span, what could not be read), the sessions
//! that failed, and for each kind of error its count, who it hit, and what the user did
//! just before its latest occurrence, with the event's own line.
//!
//! Every piece of log text is untrusted: it is escaped by `sanitize` like all headless
//! output, table cells also escape `|`, and code fences are made longer than any run of
//! backticks inside them, so a log line cannot break out of its block.

use super::fmt;
use crate::ingest::time::{TimeReader, Zone};
use crate::model::error_group::ErrorGroup;
use crate::model::{Event, Index, Level};
use crate::sanitize::{Mode, sanitize};
use std::io::{self, Write};

/// How much the report shows.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Events of the session shown before each error.
    pub before: usize,
    /// Error groups described in full (the others are listed in one line each).
    pub groups: usize,
}

/// Longest original line quoted under an error.
const MAX_QUOTED_CHARS: usize = 4000;
/// Rows of the failed-sessions table.
const MAX_SESSION_ROWS: usize = 30;
/// Unparsed lines listed.
const MAX_UNPARSED: usize = 10;

/// What the report covers: the folder's title, the query and the events it selects.
pub struct Scope<'a> {
    pub title: &'a str,
    pub query: Option<&'a str>,
    /// Sorted event ids matching the query; `None` for everything.
    pub selected: Option<&'a [u32]>,
    /// The engineer's marks placed on this index (event id order).
    pub marks: &'a [(u32, crate::marks::Mark)],
}

pub fn write(out: &mut impl Write, index: &Index, zone: Zone, scope: &Scope<'_>, limits: Limits) -> io::Result<()> {
    let mut times = TimeReader::new(index.zone);
    overview(out, index, zone, scope)?;
    marked(out, index, zone, scope, &mut times)?;
    failed_sessions(out, index, zone, scope)?;
    errors(out, index, zone, scope, limits, &mut times)?;
    unparsed(out, index, scope)?;
    footer(out, scope.title, scope.query)
}

/// The command that shows the reader the same events in the explorer, and the version
/// that wrote the report.
pub(super) fn footer(out: &mut impl Write, title: &str, query: Option<&str>) -> io::Result<()> {
    let mut again = format!("audit-tui {}", shell_word(title));
    if let Some(q) = query {
        again.push_str(&format!(" -q {}", shell_word(q)));
    }
    writeln!(out, "---")?;
    writeln!(out, "To see it yourself: `{}` (audit-tui {}).", inline(&again), env!("CARGO_PKG_VERSION"))
}

fn overview(out: &mut impl Write, index: &Index, zone: Zone, scope: &Scope<'_>) -> io::Result<()> {
    writeln!(out, "# Support report: {}", md(scope.title))?;
    writeln!(out)?;
    let counts = Counts::of(index, scope.selected);
    let names: Vec<String> = counts.sources.iter().map(|&s| format!("`{}`", inline(&index.sources[s].name))).collect();
    let shown = names.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
    let more = if names.len() > 8 { format!(" and {} more", names.len() - 8) } else { String::new() };
    let of = if scope.selected.is_some() { format!(" of {} read", index.sources.len()) } else { String::new() };
    writeln!(out, "- **Files**: {}{of} ({shown}{more})", names.len())?;
    // The report lists the unreadable lines only when no query narrowed it.
    counts.write_events(out, if scope.query.is_none() { " (listed below)" } else { "" })?;
    counts.write_span(out, zone)?;
    if let (Some(q), Some(ids)) = (scope.query, scope.selected) {
        writeln!(out, "- **Only** events matching `{}`: {}", inline(q), fmt::count(ids.len() as u64))?;
    }
    writeln!(out)
}

/// The header's numbers, over the events in scope only: a report on one user or one
/// session must not count the whole bundle.
pub(super) struct Counts {
    pub events: u64,
    pub unparsed: u64,
    pub sessions: u64,
    pub failed_sessions: u64,
    pub errors: u64,
    pub warnings: u64,
    /// Ids of the sources the events come from, in source order.
    pub sources: Vec<usize>,
    pub span: Option<(i64, i64)>,
}

impl Counts {
    /// `- **Events**: …`; `unread_note` follows the number of lines that could not be read.
    pub(super) fn write_events(&self, out: &mut impl Write, unread_note: &str) -> io::Result<()> {
        let unread = match self.unparsed {
            0 => String::new(),
            n => format!("; {} could not be read{unread_note}", fmt::plural(n, "line")),
        };
        writeln!(
            out,
            "- **Events**: {} in {}, {} with errors; {} errors, {} warnings{unread}",
            fmt::count(self.events),
            fmt::plural(self.sessions, "session"),
            fmt::count(self.failed_sessions),
            fmt::count(self.errors),
            fmt::count(self.warnings),
        )
    }

    /// `- **From** … **to** … (zone)`, when an event in scope has a time.
    pub(super) fn write_span(&self, out: &mut impl Write, zone: Zone) -> io::Result<()> {
        let Some((first, last)) = self.span else { return Ok(()) };
        writeln!(
            out,
            "- **From** {} **to** {} ({})",
            fmt::format_local(first, zone, "%Y-%m-%d %H:%M:%S"),
            fmt::format_local(last, zone, "%Y-%m-%d %H:%M:%S"),
            fmt::zone_label(zone, last)
        )
    }

    pub(super) fn of(index: &Index, selected: Option<&[u32]>) -> Counts {
        let Some(ids) = selected else {
            let unparsed = index.unparsed_count();
            return Counts {
                events: index.len() as u64 - unparsed,
                unparsed,
                sessions: index.listed_sessions().count() as u64,
                failed_sessions: index.listed_sessions().filter(|(_, s)| s.errors > 0).count() as u64,
                errors: index.error_count(),
                warnings: index.warning_count(),
                sources: (0..index.sources.len()).collect(),
                span: index.span(),
            };
        };
        let mut c = Counts {
            events: 0,
            unparsed: 0,
            sessions: 0,
            failed_sessions: 0,
            errors: 0,
            warnings: 0,
            sources: Vec::new(),
            span: None,
        };
        let mut sessions: Vec<(u32, bool)> = Vec::new();
        let mut sources = vec![false; index.sources.len()];
        let mut blobs = crate::model::store::BlobCursor::new(&index.blobs);
        for e in ids.iter().filter_map(|&i| index.event(i as usize)) {
            if e.is_unparsed() {
                c.unparsed += 1;
            } else {
                c.events += 1;
                if e.has(crate::model::flag::OWN_TIME) {
                    let t = e.time();
                    c.span = Some(c.span.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
                }
            }
            // As `Index::levels` counts them: by the level the line was read with.
            let is_error = e.level().is_error();
            c.errors += u64::from(is_error);
            c.warnings += u64::from(e.level() == crate::model::Level::Warn);
            if e.session() != 0 {
                sessions.push((e.session(), is_error));
            }
            if let Some(b) = blobs.find(e.offset())
                && let Some(seen) = sources.get_mut(b.source as usize)
            {
                *seen = true;
            }
        }
        sessions.sort_unstable();
        sessions.dedup();
        let mut listed: Vec<u32> = sessions.iter().map(|&(s, _)| s).collect();
        listed.dedup();
        c.sessions = listed.len() as u64;
        let mut failed: Vec<u32> = sessions.iter().filter(|&&(_, err)| err).map(|&(s, _)| s).collect();
        failed.dedup();
        c.failed_sessions = failed.len() as u64;
        c.sources = sources.iter().enumerate().filter(|(_, seen)| **seen).map(|(i, _)| i).collect();
        c
    }
}

fn failed_sessions(out: &mut impl Write, index: &Index, zone: Zone, scope: &Scope<'_>) -> io::Result<()> {
    let mut failed: Vec<u32> = match scope.selected {
        Some(ids) => {
            let mut s: Vec<u32> = ids
                .iter()
                .filter_map(|&i| index.event(i as usize))
                .filter(|e| e.level().is_error())
                .map(|e| e.session())
                .collect();
            s.sort_unstable();
            s.dedup();
            s
        }
        None => index.listed_sessions().filter(|(_, s)| s.errors > 0).map(|(id, _)| id).collect(),
    };
    failed.retain(|&id| index.session(id).is_some());
    if failed.is_empty() {
        return Ok(());
    }
    failed.sort_by_key(|&id| index.session(id).map(|s| s.start));
    writeln!(out, "## Sessions with errors ({})", fmt::count(failed.len() as u64))?;
    writeln!(out)?;
    writeln!(out, "| session | user | host | platform | start | duration | events | errors |")?;
    writeln!(out, "|---|---|---|---|---|---|--:|--:|")?;
    for &id in failed.iter().take(MAX_SESSION_ROWS) {
        let Some(s) = index.session(id) else { continue };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&s.id),
            cell(&s.user),
            cell(&s.host),
            cell(&s.platform),
            fmt::format_local(s.start, zone, "%Y-%m-%d %H:%M"),
            fmt::duration(s.duration_ms()),
            fmt::count(s.events - s.unparsed),
            fmt::count(s.errors),
        )?;
    }
    if failed.len() > MAX_SESSION_ROWS {
        writeln!(out, "\n… and {} more sessions with errors.", failed.len() - MAX_SESSION_ROWS)?;
    }
    writeln!(out)
}

/// One kind of error as the report's scope sees it: only its occurrences among the
/// selected events count.
struct Kind<'a> {
    group: &'a ErrorGroup,
    /// Occurrences in scope, in timeline order.
    ids: Vec<u32>,
    sessions: usize,
    users: Vec<String>,
}

impl Kind<'_> {
    fn title(&self) -> String {
        fmt::error_heading(&self.group.error_type, &self.group.title)
    }
}

/// The kinds of error in scope, most frequent first (ties: latest first).
fn kinds<'a>(index: &'a Index, selected: Option<&[u32]>) -> Vec<Kind<'a>> {
    let mut kinds: Vec<Kind<'a>> = index
        .groups
        .iter()
        .filter_map(|group| {
            let ids: Vec<u32> = match selected {
                None => group.occurrences.clone(),
                Some(sel) => group.occurrences.iter().copied().filter(|id| sel.binary_search(id).is_ok()).collect(),
            };
            if ids.is_empty() {
                return None;
            }
            let mut sessions: Vec<u32> =
                ids.iter().filter_map(|&id| index.event(id as usize)).map(|e| e.session()).collect();
            sessions.sort_unstable();
            sessions.dedup();
            let mut users: Vec<String> = sessions
                .iter()
                .filter_map(|&s| index.session(s))
                .map(|s| s.user.clone())
                .filter(|u| !u.is_empty())
                .collect();
            users.sort_unstable();
            users.dedup();
            Some(Kind { group, ids, sessions: sessions.len(), users })
        })
        .collect();
    let last = |k: &Kind<'_>| k.ids.last().and_then(|&id| index.event(id as usize)).map_or(0, |e| e.time());
    kinds.sort_by(|a, b| b.ids.len().cmp(&a.ids.len()).then_with(|| last(b).cmp(&last(a))));
    kinds
}

fn errors(
    out: &mut impl Write,
    index: &Index,
    zone: Zone,
    scope: &Scope<'_>,
    limits: Limits,
    times: &mut TimeReader,
) -> io::Result<()> {
    let kinds = kinds(index, scope.selected);
    if kinds.is_empty() {
        return writeln!(out, "## Errors\n\nNone{}.\n", if scope.query.is_some() { " among these events" } else { "" });
    }
    let total: usize = kinds.iter().map(|k| k.ids.len()).sum();
    writeln!(out, "## Errors ({} in {})", fmt::count(total as u64), fmt::plural(kinds.len() as u64, "kind"))?;
    writeln!(out)?;
    let time_of = |id: u32| index.event(id as usize).map_or(0, |e| e.time());
    for (k, kind) in kinds.iter().enumerate().take(limits.groups) {
        writeln!(out, "### {}. `{}`", k + 1, inline(&kind.title()))?;
        writeln!(out)?;
        let users = if kind.users.is_empty() { "none named".to_string() } else { kind.users.join(", ") };
        let (first, last) = (kind.ids[0], kind.ids[kind.ids.len() - 1]);
        writeln!(
            out,
            "- {} in {}; users: {}; first {}, last {}",
            fmt::plural(kind.ids.len() as u64, "time"),
            fmt::plural(kind.sessions as u64, "session"),
            md(&users),
            fmt::format_local(time_of(first), zone, "%Y-%m-%d %H:%M"),
            fmt::format_local(time_of(last), zone, "%Y-%m-%d %H:%M"),
        )?;
        occurrence(out, index, zone, last, limits, times)?;
        writeln!(out)?;
    }
    if kinds.len() > limits.groups {
        writeln!(out, "Other kinds of error:")?;
        writeln!(out)?;
        for kind in &kinds[limits.groups..] {
            writeln!(out, "- {} × `{}`", fmt::count(kind.ids.len() as u64), inline(&fmt::fit(&kind.title(), 120)))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Where and when an occurrence happened, what its session did before it, and its line.
fn occurrence(
    out: &mut impl Write,
    index: &Index,
    zone: Zone,
    id: u32,
    limits: Limits,
    times: &mut TimeReader,
) -> io::Result<()> {
    let Some(e) = index.event(id as usize) else { return Ok(()) };
    let session = index.session(e.session());
    let who = session.map_or(String::new(), |s| {
        let facts: Vec<&str> =
            [s.user.as_str(), s.host.as_str(), s.platform.as_str()].into_iter().filter(|t| !t.is_empty()).collect();
        let facts = if facts.is_empty() { String::new() } else { format!(" ({})", facts.join(", ")) };
        format!(", session `{}`{}", inline(&s.id), md(&facts))
    });
    writeln!(
        out,
        "- latest: {} at `{}`{who}",
        fmt::format_local(e.time(), zone, "%Y-%m-%d %H:%M:%S"),
        inline(&index.location(e)),
    )?;
    writeln!(out)?;
    if limits.before == 0 {
        return quote_line(out, index, e);
    }
    let (block, had_before) = context_block(index, zone, id, e, limits.before, times);
    let heading = if !had_before { "First event of its session:" } else { "What the session did before it:" };
    writeln!(out, "{heading}")?;
    writeln!(out)?;
    fenced(out, "text", &block)?;
    writeln!(out)?;
    quote_line(out, index, e)
}

/// The event's line as written, escaped, cut when very long.
pub(super) fn quote_line(out: &mut impl Write, index: &Index, e: Event) -> io::Result<()> {
    writeln!(out, "The line as written:")?;
    writeln!(out)?;
    let raw = String::from_utf8_lossy(index.raw_line(e));
    let mut quoted = sanitize(raw.trim_end_matches('\r'), Mode::Block).into_owned();
    if quoted.chars().count() > MAX_QUOTED_CHARS {
        let cut: String = quoted.chars().take(MAX_QUOTED_CHARS).collect();
        quoted = format!("{cut} … ({} more chars)", quoted.chars().count() - MAX_QUOTED_CHARS);
    }
    fenced(out, "", &format!("{quoted}\n"))
}

/// One event of the context: how long before the error, time, level, category, message
/// (its first line; a traceback's own lines are in the quoted line below).
/// The session's `n` events before `e` (id `id`), oldest first, gaps of a minute or more
/// marked, then `e` itself: the block a report quotes before an error. Also whether any
/// event came before.
pub(super) fn context_block(
    index: &Index,
    zone: Zone,
    id: u32,
    e: Event,
    n: usize,
    times: &mut TimeReader,
) -> (String, bool) {
    let mut before = index.previous_in_session(id, e.session(), n);
    before.reverse();
    let mut block = String::new();
    let mut prev: Option<i64> = None;
    for &pid in &before {
        let Some(p) = index.event(pid as usize) else { continue };
        if let Some(t) = prev
            && p.time() - t >= 60_000
        {
            block.push_str(&format!("         ⋮ {} later\n", fmt::duration(p.time() - t)));
        }
        prev = Some(p.time());
        block.push_str(&context_row(index, zone, p, e.time(), times, false));
    }
    if let Some(t) = prev
        && e.time() - t >= 60_000
    {
        block.push_str(&format!("         ⋮ {} later\n", fmt::duration(e.time() - t)));
    }
    block.push_str(&context_row(index, zone, e, e.time(), times, true));
    (block, !before.is_empty())
}

pub(super) fn context_row(
    index: &Index,
    zone: Zone,
    e: Event,
    now: i64,
    times: &mut TimeReader,
    is_error: bool,
) -> String {
    let rel = if is_error { "▶ this".to_string() } else { format!("-{}", fmt::duration(now - e.time())) };
    let level = if e.is_unparsed() && e.level() == Level::None { "?" } else { e.level().label().trim() };
    let category = index.categories.name(e.category());
    let message = index.message_of(e, times);
    let first = message.lines().next().unwrap_or("");
    let more = if message.lines().nth(1).is_some() { " …" } else { "" };
    let mut row = format!("{rel:>8} {} {level:<5} ", fmt::format_local(e.time(), zone, "%H:%M:%S"));
    if !category.is_empty() {
        row.push_str(&text(category));
        row.push(' ');
    }
    row.push_str(&text(&fmt::fit(first, 160)));
    row.push_str(more);
    row.push('\n');
    row
}

/// Log text on one line, escaped.
pub(super) fn text(s: &str) -> String {
    sanitize(s, Mode::Line).into_owned()
}

/// Log text inside inline code: escaped, and without backticks, which would end it.
pub(super) fn inline(s: &str) -> String {
    text(s).replace('`', "'")
}

/// Log text in Markdown prose or a table cell: escaped, and with the characters Markdown
/// would read as markup (`<str>` as an HTML tag, `|` as a cell's end) backslash-escaped.
pub(super) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in text(s).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(super) fn cell(s: &str) -> String {
    if s.is_empty() { "–".to_string() } else { md(s) }
}

/// A code block whose fence is longer than any run of backticks in `body`.
pub(super) fn fenced(out: &mut impl Write, info: &str, body: &str) -> io::Result<()> {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    write!(out, "{fence}{info}\n{body}{fence}\n")
}

/// A word for a shell command line, single-quoted when it needs to be.
pub(super) fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:@=,".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The unparsed lines, so that nothing the report is silent about goes unmentioned.
/// The events the engineer marked (`m` in the explorer), with their notes: what they
/// found worth pointing at, first.
fn marked(
    out: &mut impl Write,
    index: &Index,
    zone: Zone,
    scope: &Scope<'_>,
    times: &mut TimeReader,
) -> io::Result<()> {
    let shown: Vec<&(u32, crate::marks::Mark)> =
        scope.marks.iter().filter(|(id, _)| scope.selected.is_none_or(|ids| ids.binary_search(id).is_ok())).collect();
    if shown.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Marked events ({})", shown.len())?;
    writeln!(out)?;
    for (id, mark) in shown {
        let Some(e) = index.event(*id as usize) else { continue };
        let session = index.session(e.session()).map_or_else(String::new, |s| s.id.clone());
        let note = if mark.note.is_empty() { String::new() } else { format!(": **{}**", md(&mark.note)) };
        writeln!(
            out,
            "- {} `{}` {} `{}`, session `{}`{note}",
            fmt::time(e.time(), zone),
            e.level().label().trim(),
            md(&fmt::fit(&index.message_of(e, times), 120)),
            inline(&index.location(e)),
            inline(&session),
        )?;
    }
    writeln!(out)
}

fn unparsed(out: &mut impl Write, index: &Index, scope: &Scope<'_>) -> io::Result<()> {
    if index.unparsed.is_empty() || scope.query.is_some() {
        return Ok(());
    }
    writeln!(out, "## Lines that could not be read ({})", fmt::count(index.unparsed.len() as u64))?;
    writeln!(out)?;
    for u in index.unparsed.iter().take(MAX_UNPARSED) {
        let name = index.unparsed_source(u);
        writeln!(out, "- `{}:{}`: {}", inline(name), u.line, md(&u.reason().to_string()))?;
    }
    if index.unparsed.len() > MAX_UNPARSED {
        writeln!(out, "- … and {} more", index.unparsed.len() - MAX_UNPARSED)?;
    }
    writeln!(out)
}
