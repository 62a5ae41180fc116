//! `audit-tui sessions`: one row per session, failed ones first to the eye.

use super::fmt;
use crate::ingest::time::Zone;
use crate::model::Index;
use crate::model::session::Session;
use crate::sanitize::{Mode, sanitize};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
pub struct SessionRow {
    pub id: String,
    pub derived: bool,
    pub user: String,
    pub host: String,
    pub platform: String,
    pub start: String,
    pub end: String,
    pub duration_s: i64,
    pub events: u64,
    pub errors: u64,
    pub warnings: u64,
    pub unparsed: u64,
    pub files: Vec<String>,
    #[serde(skip)]
    pub start_ms: i64,
    #[serde(skip)]
    pub duration_ms: i64,
}

impl SessionRow {
    pub fn of(index: &Index, s: &Session, zone: Zone) -> SessionRow {
        SessionRow {
            id: s.id.clone(),
            derived: s.derived,
            user: s.user.clone(),
            host: s.host.clone(),
            platform: s.platform.clone(),
            start: fmt::rfc3339(s.start, zone),
            end: fmt::rfc3339(s.end, zone),
            duration_s: s.duration_ms() / 1000,
            events: s.events - s.unparsed,
            errors: s.errors,
            warnings: s.warnings,
            unparsed: s.unparsed,
            start_ms: s.start,
            duration_ms: s.duration_ms(),
            files: s.sources.iter().filter_map(|&i| index.sources.get(i as usize)).map(|x| x.name.clone()).collect(),
        }
    }
}

/// Sessions in start order (ids whose session matches `only`, when given).
pub fn rows(index: &Index, zone: Zone, only: Option<&[u32]>) -> Vec<SessionRow> {
    let mut list: Vec<&Session> = match only {
        Some(ids) => ids.iter().filter_map(|&i| index.session(i)).collect(),
        None => index.listed_sessions().map(|(_, s)| s).collect(),
    };
    list.sort_by_key(|s| (s.start, s.id.clone()));
    list.into_iter().map(|s| SessionRow::of(index, s, zone)).collect()
}

pub fn write_text(out: &mut impl Write, rows: &[SessionRow], zone: Zone) -> io::Result<()> {
    let s = |t: &str| sanitize(t, Mode::Line).into_owned();
    // Ids are never cut: they are what `-q session:ID` and the explorer's filter take.
    let id_w = rows.iter().map(|r| s(&r.id).chars().count()).max().unwrap_or(7).max(7);
    let user_w = rows.iter().map(|r| s(&r.user).chars().count()).max().unwrap_or(4).clamp(4, 24);
    writeln!(
        out,
        "{}  {}  {:<19}  {:>8}  {:>7}  {:>6}  FILES",
        fmt::pad("SESSION", id_w),
        fmt::pad("USER", user_w),
        "START",
        "DURATION",
        "EVENTS",
        "ERRORS"
    )?;
    for r in rows {
        let (start, dur) = (fmt::time(r.start_ms, zone), fmt::duration(r.duration_ms));
        let files: Vec<String> = r.files.iter().map(|f| s(f.rsplit('/').next().unwrap_or(f))).collect();
        writeln!(
            out,
            "{}  {}  {:<19}  {:>8}  {:>7}  {:>6}  {}",
            fmt::pad(&s(&r.id), id_w),
            fmt::pad(&s(&r.user), user_w),
            start,
            dur,
            fmt::count(r.events),
            if r.errors > 0 { fmt::count(r.errors) } else { "-".into() },
            fmt::fit(&files.join(", "), 60)
        )?;
    }
    writeln!(
        out,
        "{} sessions, {} with errors",
        fmt::count(rows.len() as u64),
        fmt::count(rows.iter().filter(|r| r.errors > 0).count() as u64)
    )
}
