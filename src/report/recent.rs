//! `audit-tui recent`: the newest events (an rtgs or tool_audit log's runs), newest first,
//! as rtgs's `audit recent` lists them, on any dialect.

use super::fmt;
use crate::ingest::time::{TimeReader, Zone};
use crate::model::Index;
use crate::sanitize::{Mode, sanitize};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
pub struct RecentRow {
    pub time: String,
    pub level: &'static str,
    pub category: String,
    pub session: String,
    pub user: String,
    pub location: String,
    pub message: String,
    #[serde(skip)]
    pub time_ms: i64,
}

/// What to list.
pub struct Pick<'a> {
    pub limit: usize,
    /// Only events at or after this time.
    pub since: Option<i64>,
    /// Only this tool or category (any case).
    pub tool: Option<&'a str>,
    /// Only these events (sorted ids), when a query chose them.
    pub only: Option<&'a [u32]>,
}

/// Whether an event is of `tool`: its category (which a tool_audit `tool`, an rtgs
/// `tool_name` and the repricing `Script` name) or its line's tool field.
fn is_tool(index: &Index, e: crate::model::Event, tool: &str, times: &mut TimeReader) -> bool {
    if index.categories.name(e.category()).eq_ignore_ascii_case(tool) {
        return true;
    }
    index
        .facts_of(e, times)
        .and_then(|(f, _)| f.tool.map(|t| t.text().trim().eq_ignore_ascii_case(tool)))
        .unwrap_or(false)
}

/// The newest events first, walking back from the end of the timeline.
pub fn rows(index: &Index, zone: Zone, pick: &Pick<'_>) -> Vec<RecentRow> {
    let mut times = TimeReader::new(index.zone);
    let mut out = Vec::new();
    let candidates: Box<dyn Iterator<Item = u32>> = match pick.only {
        Some(ids) => Box::new(ids.iter().rev().copied()),
        None => Box::new((0..index.len() as u32).rev()),
    };
    // Newest first by time: follow mode may append lines that are older than the last.
    let mut found: Vec<(i64, u32)> = Vec::new();
    // The initial load is sorted by time: walking it backwards, the first `limit` found
    // are its newest.
    let base_len = index.store.parts().0.len();
    let mut from_base = 0;
    for id in candidates {
        let in_base = (id as usize) < base_len;
        if in_base && from_base >= pick.limit {
            break;
        }
        let Some(e) = index.event(id as usize) else { continue };
        if pick.since.is_some_and(|s| e.time() < s) {
            if in_base {
                break;
            }
            continue;
        }
        if let Some(tool) = pick.tool
            && !is_tool(index, e, tool, &mut times)
        {
            continue;
        }
        from_base += usize::from(in_base);
        found.push((e.time(), id));
    }
    found.sort_by(|a, b| b.cmp(a));
    found.truncate(pick.limit);
    for (_, id) in found {
        let Some(e) = index.event(id as usize) else { continue };
        let session = index.session(e.session());
        out.push(RecentRow {
            time: fmt::rfc3339(e.time(), zone),
            level: if e.is_unparsed() { "unparsed" } else { e.level().name() },
            category: index.categories.name(e.category()).to_string(),
            session: session.map_or_else(String::new, |s| s.id.clone()),
            user: session.map_or_else(String::new, |s| s.user.clone()),
            location: index.location(e),
            message: index.message_of(e, &mut times),
            time_ms: e.time(),
        });
    }
    out
}

pub fn write_text(out: &mut impl Write, rows: &[RecentRow], zone: Zone) -> io::Result<()> {
    let s = |t: &str| sanitize(t, Mode::Line).into_owned();
    for r in rows {
        let level = if r.level == "unparsed" { "  ?  " } else { level_label(r.level) };
        let who = if r.user.is_empty() { s(&r.session) } else { s(&r.user) };
        let first = r.message.lines().next().unwrap_or("");
        writeln!(
            out,
            "{}  {level}  {}  {}  {}",
            fmt::time(r.time_ms, zone),
            fmt::pad(&s(&r.category), 14),
            fmt::pad(&who, 18),
            fmt::fit(&s(first), 100)
        )?;
    }
    let newest = rows.first().map(|r| r.time_ms);
    match newest {
        Some(t) => {
            writeln!(out, "{} newest first (latest {})", fmt::plural(rows.len() as u64, "event"), fmt::time(t, zone))
        }
        None => writeln!(out, "no events"),
    }
}

fn level_label(name: &str) -> &'static str {
    crate::model::Level::ALL.iter().find(|l| l.name() == name).map_or("  -  ", |l| l.label())
}
