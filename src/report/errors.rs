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

/// What `errors --by` counts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Type,
    User,
    Category,
}

impl By {
    pub fn name(self) -> &'static str {
        match self {
            By::Type => "type",
            By::User => "user",
            By::Category => "category",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            By::Type => "types",
            By::User => "users",
            By::Category => "categories",
        }
    }
}

/// Errors of one type, user or category.
#[derive(Serialize)]
pub struct ByRow {
    pub key: String,
    pub count: u64,
    pub sessions: usize,
    pub users: Vec<String>,
    /// Error groups (distinct fingerprints) among them.
    pub groups: usize,
    pub first: String,
    pub last: String,
    #[serde(skip)]
    pub first_ms: i64,
    #[serde(skip)]
    pub last_ms: i64,
}

/// An error group's type: the exception or status the line names, else an
/// `…Error` / `…Exception` word of its message, else `(untyped)`.
pub fn type_of(g: &ErrorGroup) -> String {
    let t = g.error_type.trim();
    if !t.is_empty() {
        return t.to_string();
    }
    g.title
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .find(|w| {
            w.chars().next().is_some_and(char::is_uppercase) && (w.ends_with("Error") || w.ends_with("Exception"))
        })
        .map_or_else(|| "(untyped)".to_string(), |w| w.rsplit('.').next().unwrap_or(w).to_string())
}

/// Error events counted by `by`, biggest first (ties: most recent first), only those
/// among `only` (sorted event ids) when given.
pub fn by_rows(index: &Index, zone: Zone, only: Option<&[u32]>, by: By) -> Vec<ByRow> {
    struct Acc {
        count: u64,
        sessions: Vec<u32>,
        users: Vec<String>,
        groups: Vec<usize>,
        first: i64,
        last: i64,
    }
    let mut acc: std::collections::BTreeMap<String, Acc> = std::collections::BTreeMap::new();
    for (gid, g) in index.groups.iter().enumerate() {
        let group_type = if by == By::Type { type_of(g) } else { String::new() };
        for &id in &g.occurrences {
            if only.is_some_and(|ids| ids.binary_search(&id).is_err()) {
                continue;
            }
            let Some(e) = index.event(id as usize) else { continue };
            let user = index.session(e.session()).map_or("", |s| s.user.as_str());
            let key = match by {
                By::Type => group_type.clone(),
                By::User if user.is_empty() => "(no user)".to_string(),
                By::User => user.to_string(),
                By::Category => match index.categories.name(e.category()) {
                    "" => "(none)".to_string(),
                    c => c.to_string(),
                },
            };
            let a = acc.entry(key).or_insert_with(|| Acc {
                count: 0,
                sessions: Vec::new(),
                users: Vec::new(),
                groups: Vec::new(),
                first: i64::MAX,
                last: i64::MIN,
            });
            a.count += 1;
            a.sessions.push(e.session());
            if !user.is_empty() {
                a.users.push(user.to_string());
            }
            a.groups.push(gid);
            a.first = a.first.min(e.time());
            a.last = a.last.max(e.time());
        }
    }
    let mut rows: Vec<ByRow> = acc
        .into_iter()
        .map(|(key, mut a)| {
            a.sessions.sort_unstable();
            a.sessions.dedup();
            a.users.sort_unstable();
            a.users.dedup();
            a.groups.sort_unstable();
            a.groups.dedup();
            ByRow {
                key,
                count: a.count,
                sessions: a.sessions.iter().filter(|&&s| s != 0).count(),
                users: a.users,
                groups: a.groups.len(),
                first: fmt::rfc3339(a.first, zone),
                last: fmt::rfc3339(a.last, zone),
                first_ms: a.first,
                last_ms: a.last,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(b.last_ms.cmp(&a.last_ms)).then_with(|| a.key.cmp(&b.key)));
    rows
}

pub fn write_by_text(out: &mut impl Write, rows: &[ByRow], by: By, zone: Zone) -> io::Result<()> {
    let s = |t: &str| sanitize(t, Mode::Line).into_owned();
    let width = rows.iter().map(|r| s(&r.key).chars().count()).max().unwrap_or(0).clamp(8, 40);
    writeln!(
        out,
        "{}  {:>6}  {:>8}  {:>5}  {:>6}  {:<16}  LAST",
        fmt::pad(&by.name().to_uppercase(), width),
        "COUNT",
        "SESSIONS",
        "USERS",
        "GROUPS",
        "FIRST"
    )?;
    for r in rows {
        writeln!(
            out,
            "{}  {:>6}  {:>8}  {:>5}  {:>6}  {:<16}  {}",
            fmt::pad(&s(&r.key), width),
            fmt::count(r.count),
            r.sessions,
            r.users.len(),
            r.groups,
            fmt::format_local(r.first_ms, zone, "%Y-%m-%d %H:%M"),
            fmt::format_local(r.last_ms, zone, "%Y-%m-%d %H:%M"),
        )?;
    }
    let total: u64 = rows.iter().map(|r| r.count).sum();
    writeln!(out, "{} errors, {} {}", fmt::count(total), fmt::count(rows.len() as u64), by.plural())
}
