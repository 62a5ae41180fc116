//! `audit-tui report --user NAME` (one user's error history by type, as the repricing
//! tool's support report gives it) and `report --since/--until` (a summary per day, as
//! rtgs's audit reports do). Markdown, escaped like every report (see `support`).

use super::errors::type_of;
use super::fmt;
use super::support::{Counts, cell, footer, inline, md};
use crate::ingest::time::{TimeReader, Zone};
use crate::model::{Event, Index, Level};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Rows of the timeline of errors (the latest are kept).
const MAX_TIMELINE: usize = 50;
/// Sessions listed in the user report.
const MAX_SESSIONS: usize = 30;
/// Kinds of error listed per day.
const MAX_DAY_KINDS: usize = 8;

/// What a history report covers, said in its header.
pub struct Window<'a> {
    pub title: &'a str,
    /// How the window was chosen (`the last 7 days up to the newest event`), if it was.
    pub label: Option<String>,
    pub query: Option<&'a str>,
    /// The events in scope, sorted.
    pub ids: &'a [u32],
}

fn header(out: &mut impl Write, index: &Index, zone: Zone, w: &Window<'_>) -> io::Result<()> {
    let c = Counts::of(index, Some(w.ids));
    if let Some(label) = &w.label {
        writeln!(out, "- **Window**: {label}")?;
    }
    if let Some(q) = w.query {
        writeln!(out, "- **Only** events matching `{}`", inline(q))?;
    }
    c.write_events(out, "")?;
    c.write_span(out, zone)
}

/// One user's errors by type, their timeline, and the user's sessions.
pub fn write_user(out: &mut impl Write, index: &Index, zone: Zone, user: &str, w: &Window<'_>) -> io::Result<()> {
    let mut times = TimeReader::new(index.zone);
    writeln!(out, "# Error history: {}", md(user))?;
    writeln!(out)?;
    header(out, index, zone, w)?;
    let mut sessions: Vec<u32> = w.ids.iter().filter_map(|&i| index.event(i as usize)).map(|e| e.session()).collect();
    sessions.sort_unstable();
    sessions.dedup();
    sessions.retain(|&s| s != 0);
    let mut platforms: Vec<String> = Vec::new();
    for s in sessions.iter().filter_map(|&s| index.session(s)) {
        let facts: Vec<&str> = [s.platform.as_str(), s.host.as_str()].into_iter().filter(|t| !t.is_empty()).collect();
        if !facts.is_empty() && !platforms.contains(&facts.join(" on ")) {
            platforms.push(facts.join(" on "));
        }
    }
    if !platforms.is_empty() {
        writeln!(out, "- **Environment**: {}", md(&platforms.join("; ")))?;
    }
    writeln!(out)?;

    let errors: Vec<(u32, Event)> = w
        .ids
        .iter()
        .filter_map(|&i| index.event(i as usize).map(|e| (i, e)))
        .filter(|(_, e)| e.level().is_error())
        .collect();
    if errors.is_empty() {
        writeln!(out, "## Errors\n\nNone.\n")?;
    } else {
        // By type: count, sessions, first and last, and the latest message as an example.
        struct ByType {
            count: u64,
            sessions: Vec<u32>,
            first: i64,
            last: i64,
            example: u32,
        }
        let mut by: BTreeMap<String, ByType> = BTreeMap::new();
        for &(id, e) in &errors {
            let t = index.group_of(id as usize).map_or_else(|| "(untyped)".to_string(), type_of);
            let b = by.entry(t).or_insert(ByType {
                count: 0,
                sessions: Vec::new(),
                first: i64::MAX,
                last: i64::MIN,
                example: id,
            });
            b.count += 1;
            b.sessions.push(e.session());
            b.first = b.first.min(e.time());
            if e.time() >= b.last {
                b.last = e.time();
                b.example = id;
            }
        }
        let mut by: Vec<(String, ByType)> = by.into_iter().collect();
        by.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(b.1.last.cmp(&a.1.last)).then_with(|| a.0.cmp(&b.0)));
        writeln!(
            out,
            "## Errors by type ({} in {})",
            fmt::count(errors.len() as u64),
            fmt::plural(by.len() as u64, "type")
        )?;
        writeln!(out)?;
        writeln!(out, "| type | count | sessions | first | last | latest message |")?;
        writeln!(out, "|---|--:|--:|---|---|---|")?;
        for (t, b) in &mut by {
            b.sessions.sort_unstable();
            b.sessions.dedup();
            let example = index.event(b.example as usize).map_or(String::new(), |e| index.message_of(e, &mut times));
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                cell(t),
                fmt::count(b.count),
                b.sessions.len(),
                fmt::format_local(b.first, zone, "%Y-%m-%d %H:%M"),
                fmt::format_local(b.last, zone, "%Y-%m-%d %H:%M"),
                cell(&fmt::fit(example.lines().next().unwrap_or(""), 120)),
            )?;
        }
        writeln!(out)?;
        writeln!(out, "## Timeline of errors")?;
        writeln!(out)?;
        if errors.len() > MAX_TIMELINE {
            writeln!(out, "The latest {MAX_TIMELINE}; {} earlier are counted above.", errors.len() - MAX_TIMELINE)?;
            writeln!(out)?;
        }
        writeln!(out, "| time | session | type | message | where |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for &(id, e) in &errors[errors.len().saturating_sub(MAX_TIMELINE)..] {
            let t = index.group_of(id as usize).map_or_else(|| "(untyped)".to_string(), type_of);
            let message = index.message_of(e, &mut times);
            writeln!(
                out,
                "| {} | {} | {} | {} | `{}` |",
                fmt::format_local(e.time(), zone, "%Y-%m-%d %H:%M:%S"),
                cell(index.session(e.session()).map_or("", |s| s.id.as_str())),
                cell(&t),
                cell(&fmt::fit(message.lines().next().unwrap_or(""), 120)),
                inline(&index.location(e)),
            )?;
        }
        writeln!(out)?;
    }

    writeln!(out, "## Sessions ({})", fmt::count(sessions.len() as u64))?;
    writeln!(out)?;
    writeln!(out, "| session | start | duration | events | errors | platform | host |")?;
    writeln!(out, "|---|---|---|--:|--:|---|---|")?;
    let mut listed: Vec<u32> = sessions.clone();
    listed.sort_by_key(|&s| index.session(s).map(|x| x.start));
    for s in listed.iter().filter_map(|&s| index.session(s)).take(MAX_SESSIONS) {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&s.id),
            fmt::format_local(s.start, zone, "%Y-%m-%d %H:%M"),
            fmt::duration(s.duration_ms()),
            fmt::count(s.events - s.unparsed),
            fmt::count(s.errors),
            cell(&s.platform),
            cell(&s.host),
        )?;
    }
    if listed.len() > MAX_SESSIONS {
        writeln!(out, "\n… and {} more sessions.", listed.len() - MAX_SESSIONS)?;
    }
    writeln!(out)?;
    let q = if user.contains(char::is_whitespace) { format!("user:\"{user}\"") } else { format!("user:{user}") };
    footer(out, w.title, Some(&q))
}

/// One kind of error on one day: count, first and last time, sessions.
type DayKind = (u64, i64, i64, Vec<u32>);

/// What one day held.
#[derive(Default)]
struct Day {
    events: u64,
    errors: u64,
    warnings: u64,
    unparsed: u64,
    sessions: Vec<u32>,
    failed: Vec<u32>,
    categories: BTreeMap<String, u64>,
    /// Error group fingerprint → (count, first, last, sessions).
    kinds: BTreeMap<u64, DayKind>,
}

/// A summary per day of the window: a table, then each day's numbers, tools and errors.
pub fn write_daily(
    out: &mut impl Write,
    index: &Index,
    zone: Zone,
    range: (i64, i64),
    w: &Window<'_>,
) -> io::Result<()> {
    writeln!(out, "# Daily summary: {}", md(w.title))?;
    writeln!(out)?;
    header(out, index, zone, w)?;
    let mut days: BTreeMap<String, Day> = BTreeMap::new();
    for &id in w.ids {
        let Some(e) = index.event(id as usize) else { continue };
        let d = days.entry(fmt::format_local(e.time(), zone, "%Y-%m-%d")).or_default();
        if e.is_unparsed() {
            d.unparsed += 1;
        } else {
            d.events += 1;
            let c = index.categories.name(e.category());
            *d.categories.entry(if c.is_empty() { "(none)".to_string() } else { c.to_string() }).or_default() += 1;
        }
        d.warnings += u64::from(e.level() == Level::Warn);
        if e.session() != 0 {
            d.sessions.push(e.session());
        }
        if e.level().is_error() {
            d.errors += 1;
            d.failed.push(e.session());
            if let Some(g) = index.group_of(id as usize) {
                let k = d.kinds.entry(g.fingerprint).or_insert((0, i64::MAX, i64::MIN, Vec::new()));
                k.0 += 1;
                k.1 = k.1.min(e.time());
                k.2 = k.2.max(e.time());
                k.3.push(e.session());
            }
        }
    }
    for d in days.values_mut() {
        for v in [&mut d.sessions, &mut d.failed] {
            v.sort_unstable();
            v.dedup();
            v.retain(|&s| s != 0);
        }
    }
    // Calendar days of the window without any event: a gap in what was mailed, or a day off.
    let first_day = fmt::format_local(range.0, zone, "%Y-%m-%d");
    let last_day = fmt::format_local(range.1, zone, "%Y-%m-%d");
    let mut empty = Vec::new();
    if let (Ok(mut day), Ok(last)) = (
        chrono::NaiveDate::parse_from_str(&first_day, "%Y-%m-%d"),
        chrono::NaiveDate::parse_from_str(&last_day, "%Y-%m-%d"),
    ) {
        let mut steps = 0;
        while day <= last && steps < 3660 {
            let name = day.format("%Y-%m-%d").to_string();
            if !days.contains_key(&name) {
                empty.push(name);
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            steps += 1;
        }
    }
    writeln!(out, "- **Days**: {} → {}, {} with events", first_day, last_day, fmt::count(days.len() as u64))?;
    if !empty.is_empty() {
        let shown: Vec<&str> = empty.iter().take(31).map(String::as_str).collect();
        let more = if empty.len() > 31 { format!(" and {} more", empty.len() - 31) } else { String::new() };
        writeln!(out, "- **No events on**: {}{more}", shown.join(", "))?;
    }
    writeln!(out)?;
    if days.is_empty() {
        writeln!(out, "No events in this window.")?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "| day | events | errors | warnings | sessions | with errors | unreadable |")?;
    writeln!(out, "|---|--:|--:|--:|--:|--:|--:|")?;
    for (name, d) in &days {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            day_label(name),
            fmt::count(d.events),
            fmt::count(d.errors),
            fmt::count(d.warnings),
            d.sessions.len(),
            d.failed.len(),
            fmt::count(d.unparsed)
        )?;
    }
    writeln!(out)?;
    for (name, d) in &days {
        writeln!(out, "## {}", day_label(name))?;
        writeln!(out)?;
        let share = |n: u64| if d.events == 0 { 0.0 } else { n as f64 * 100.0 / d.events as f64 };
        writeln!(
            out,
            "- **Events**: {}; without error {} ({:.1} %), errors {} ({:.1} %); warnings {}{}",
            fmt::count(d.events),
            fmt::count(d.events.saturating_sub(d.errors)),
            share(d.events.saturating_sub(d.errors)),
            fmt::count(d.errors),
            share(d.errors),
            fmt::count(d.warnings),
            if d.unparsed > 0 {
                format!("; {} could not be read", fmt::plural(d.unparsed, "line"))
            } else {
                String::new()
            }
        )?;
        let mut users: Vec<&str> = d
            .sessions
            .iter()
            .filter_map(|&s| index.session(s))
            .map(|s| s.user.as_str())
            .filter(|u| !u.is_empty())
            .collect();
        users.sort_unstable();
        users.dedup();
        let users = if users.is_empty() { String::new() } else { format!("; **users**: {}", md(&users.join(", "))) };
        writeln!(out, "- **Sessions**: {} ({} with errors){users}", d.sessions.len(), d.failed.len())?;
        let mut cats: Vec<(&String, &u64)> = d.categories.iter().collect();
        cats.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = cats.iter().take(10).map(|(c, n)| format!("{} {}", md(c), fmt::count(**n))).collect();
        let more = if cats.len() > 10 { format!(" · … {} more", cats.len() - 10) } else { String::new() };
        writeln!(out, "- **Tools and categories**: {}{more}", shown.join(" · "))?;
        if !d.kinds.is_empty() {
            writeln!(out, "- **Errors**:")?;
            let mut kinds: Vec<(&u64, &DayKind)> = d.kinds.iter().collect();
            kinds.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(b.1.2.cmp(&a.1.2)));
            for (fp, (n, first, last, sessions)) in kinds.iter().take(MAX_DAY_KINDS) {
                let Some(g) = index.groups.iter().find(|g| g.fingerprint == **fp) else { continue };
                let mut sessions = sessions.clone();
                sessions.sort_unstable();
                sessions.dedup();
                let ids: Vec<String> = sessions
                    .iter()
                    .filter_map(|&s| index.session(s))
                    .take(3)
                    .map(|s| format!("`{}`", inline(&s.id)))
                    .collect();
                let more = if sessions.len() > 3 { format!(" and {} more", sessions.len() - 3) } else { String::new() };
                writeln!(
                    out,
                    "  - {} × `{}` ({}–{}; {}{more})",
                    fmt::count(*n),
                    inline(&fmt::fit(&fmt::error_heading(&g.error_type, &g.title), 120)),
                    fmt::format_local(*first, zone, "%H:%M"),
                    fmt::format_local(*last, zone, "%H:%M"),
                    ids.join(", ")
                )?;
            }
            if kinds.len() > MAX_DAY_KINDS {
                writeln!(out, "  - … and {} more kinds", kinds.len() - MAX_DAY_KINDS)?;
            }
        }
        writeln!(out)?;
    }
    let q = format!("since:{first_day} until:{}", fmt::format_local(range.1, zone, "%Y-%m-%dT%H:%M:%S"));
    footer(out, w.title, Some(&q))
}

/// `2026-05-17 (Sun)`.
fn day_label(day: &str) -> String {
    match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d) => format!("{day} ({})", d.format("%a")),
        Err(_) => day.to_string(),
    }
}
