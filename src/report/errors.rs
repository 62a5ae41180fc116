//! `audit-tui errors`: error groups by fingerprint, biggest first, each with a sample.

use super::fmt;
use crate::ingest::time::{TimeReader, Zone};
use crate::model::Index;
use crate::model::error_group::ErrorGroup;
use crate::sanitize::{Mode, sanitize};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
pub struct GroupRow {
    pub fingerprint: String,
    pub error_type: String,
    pub title: String,
    pub count: u64,
    pub sessions: usize,
    pub users: Vec<String>,
    pub first: String,
    pub last: String,
    pub sample: Option<Sample>,
    #[serde(skip)]
    pub first_ms: i64,
    #[serde(skip)]
    pub last_ms: i64,
}

#[derive(Serialize)]
pub struct Sample {
    pub location: String,
    pub session: String,
    pub message: String,
}

/// Groups, biggest first (ties: most recent first), optionally only those with an
/// occurrence among `only` (sorted event ids).
pub fn rows(index: &Index, zone: Zone, only: Option<&[u32]>) -> Vec<GroupRow> {
    let mut groups: Vec<&ErrorGroup> = index
        .groups
        .iter()
        .filter(|g| only.is_none_or(|ids| g.occurrences.iter().any(|o| ids.binary_search(o).is_ok())))
        .collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then(b.last.cmp(&a.last)));
    let mut times = TimeReader::new(index.zone);
    groups
        .into_iter()
        .map(|g| GroupRow {
            fingerprint: format!("{:016x}", g.fingerprint),
            error_type: g.error_type.clone(),
            title: g.title.clone(),
            count: g.count,
            sessions: g.sessions.len(),
            users: g.users.clone(),
            first: fmt::rfc3339(g.first, zone),
            last: fmt::rfc3339(g.last, zone),
            first_ms: g.first,
            last_ms: g.last,
            sample: g.sample().and_then(|id| index.event(id as usize)).map(|e| Sample {
                location: index.location(e),
                session: index.session(e.session()).map_or_else(String::new, |s| s.id.clone()),
                message: index.message_of(e, &mut times),
            }),
        })
        .collect()
}

pub fn write_text(out: &mut impl Write, rows: &[GroupRow], zone: Zone) -> io::Result<()> {
    let s = |t: &str| sanitize(t, Mode::Line).into_owned();
    writeln!(out, "{:>6}  {:>8}  {:>5}  {:<16}  {:<16}  ERROR", "COUNT", "SESSIONS", "USERS", "FIRST", "LAST")?;
    for r in rows {
        let first = fmt::format_local(r.first_ms, zone, "%Y-%m-%d %H:%M");
        let last = fmt::format_local(r.last_ms, zone, "%Y-%m-%d %H:%M");
        let title = s(&fmt::error_heading(&r.error_type, &r.title));
        writeln!(
            out,
            "{:>6}  {:>8}  {:>5}  {:<16}  {:<16}  {}",
            fmt::count(r.count),
            r.sessions,
            r.users.len(),
            first,
            last,
            fmt::fit(&title, 100)
        )?;
        if let Some(sample) = &r.sample {
            writeln!(
                out,
                "{:>44}e.g. {}  session {}  {}",
                "",
                s(&sample.location),
                s(&sample.session),
                fmt::fit(&s(&sample.message), 80)
            )?;
        }
    }
    let total: u64 = rows.iter().map(|r| r.count).sum();
    writeln!(out, "{} errors in {} groups", fmt::count(total), fmt::count(rows.len() as u64))
}
