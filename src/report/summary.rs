//! `audit-tui summary`: what is in the folder, in numbers, before anyone trusts it.

use super::fmt;
use crate::ingest::inputs::sources::{Problem, Skipped};
use crate::ingest::time::Zone;
use crate::model::{Index, Level};
use crate::sanitize::{Mode, sanitize};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Unparsed lines listed by name in reports (all are counted).
pub const LISTED_UNPARSED: usize = 50;

#[derive(Serialize)]
pub struct Summary {
    /// Log files read (zip entries and stdin count as files).
    pub files: usize,
    /// Lines read as events.
    pub events: u64,
    /// Non-blank lines that are not events; every one is listed in `unparsed_lines` (up to 50).
    /// `events + unparsed` is the number of non-blank lines.
    pub unparsed: u64,
    /// Unparsed lines that are cut lines (a crash, a spliced writer) whose fields before
    /// the cut were salvaged; they stay counted in `unparsed`.
    pub salvaged: u64,
    pub sessions: usize,
    pub failed_sessions: usize,
    /// Events at level error or fatal, and cut lines whose salvaged level is error or fatal.
    pub errors: u64,
    /// How many of `errors` are cut lines (unparsed lines, not events).
    pub cut_errors: u64,
    pub error_groups: usize,
    /// Events at level warn, and cut lines salvaged as warn.
    pub warnings: u64,
    pub first_ts: Option<String>,
    pub last_ts: Option<String>,
    /// Events per level (unparsed lines, cut or not, are not events and not counted here).
    pub levels: BTreeMap<&'static str, u64>,
    pub categories: BTreeMap<String, u64>,
    pub dialects: BTreeMap<&'static str, u64>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
    pub sources: Vec<SourceLine>,
    pub unparsed_lines: Vec<UnparsedLine>,
}

#[derive(Serialize)]
pub struct SourceLine {
    pub name: String,
    pub bytes: u64,
    pub events: u64,
    pub unparsed: u64,
    pub dialect: Option<&'static str>,
    pub first_ts: Option<String>,
    pub last_ts: Option<String>,
}

#[derive(Serialize)]
pub struct UnparsedLine {
    pub file: String,
    pub line: u64,
    pub reason: String,
    /// For a cut line with salvaged fields, the level it names (`none` when it names
    /// none); absent for other unparsed lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salvaged_level: Option<&'static str>,
    /// The start of the line, escaped for display.
    pub text: String,
}

impl Summary {
    pub fn of(index: &Index, zone: Zone) -> Summary {
        let span = index.span();
        let levels = level_counts(index).into_iter().collect();
        let categories = index
            .categories
            .iter()
            .filter_map(|(id, name)| {
                let n = index.category_counts.get(id as usize).copied().unwrap_or(0);
                (n > 0).then(|| (name.to_string(), n))
            })
            .collect();
        let mut dialects = BTreeMap::new();
        for s in &index.sources {
            for (i, &n) in s.dialects.iter().enumerate() {
                if n > 0 {
                    *dialects.entry(crate::ingest::dialects::facts::Dialect::ALL[i].name()).or_default() += n;
                }
            }
        }
        let unparsed_lines = index
            .unparsed
            .iter()
            .take(LISTED_UNPARSED)
            .map(|u| {
                let file = index.unparsed_source(u).to_string();
                let raw = index.blobs.find(u.offset).map_or(&[][..], |b| b.raw_line(u.offset));
                let head = &raw[..raw.len().min(120)];
                UnparsedLine {
                    file,
                    line: u.line,
                    reason: u.reason().to_string(),
                    salvaged_level: u.salvaged_level().map(Level::name),
                    text: crate::sanitize::sanitize_bytes(head, Mode::Line).into_owned(),
                }
            })
            .collect();
        Summary {
            files: index.sources.len(),
            events: index.len() as u64 - index.unparsed_count(),
            unparsed: index.unparsed_count(),
            salvaged: index.salvaged,
            sessions: index.sessions.len() - 1,
            failed_sessions: index.listed_sessions().filter(|(_, s)| s.has_failed()).count(),
            errors: index.error_count(),
            cut_errors: index.unparsed_levels[Level::Error as usize] + index.unparsed_levels[Level::Fatal as usize],
            error_groups: index.groups.len(),
            warnings: index.warning_count(),
            first_ts: span.map(|(f, _)| fmt::rfc3339(f, zone)),
            last_ts: span.map(|(_, l)| fmt::rfc3339(l, zone)),
            levels,
            categories,
            dialects,
            skipped: index.skipped.clone(),
            problems: index.problems.clone(),
            sources: index
                .sources
                .iter()
                .map(|s| SourceLine {
                    name: s.name.clone(),
                    bytes: s.bytes,
                    events: s.events,
                    unparsed: s.unparsed,
                    dialect: s.dialect().map(|d| d.name()),
                    first_ts: s.first.map(|t| fmt::rfc3339(t, zone)),
                    last_ts: s.last.map(|t| fmt::rfc3339(t, zone)),
                })
                .collect(),
            unparsed_lines,
        }
    }

    pub fn write_text(&self, out: &mut impl Write, index: &Index, zone: Zone) -> io::Result<()> {
        let s = |t: &str| sanitize(t, Mode::Line).into_owned();
        writeln!(
            out,
            "{} · {} · {}",
            fmt::plural(self.files as u64, "file"),
            fmt::plural(self.events, "event"),
            fmt::plural(self.unparsed, "unparsed line")
        )?;
        if let Some((first, last)) = index.span() {
            writeln!(
                out,
                "span        {} → {} ({}; {})",
                fmt::time(first, zone),
                fmt::time(last, zone),
                fmt::duration(last - first),
                fmt::zone_label(zone, last)
            )?;
        }
        writeln!(
            out,
            "sessions    {} ({} with errors)",
            fmt::count(self.sessions as u64),
            fmt::count(self.failed_sessions as u64)
        )?;
        let cut = if self.cut_errors > 0 {
            format!(" ({} in cut lines)", fmt::count(self.cut_errors))
        } else {
            String::new()
        };
        writeln!(
            out,
            "errors      {}{cut} in {} groups · warnings {}",
            fmt::count(self.errors),
            fmt::count(self.error_groups as u64),
            fmt::count(self.warnings)
        )?;
        let levels: Vec<String> = level_counts(index).iter().map(|(k, v)| format!("{k} {}", fmt::count(*v))).collect();
        writeln!(out, "levels      {}", levels.join(" · "))?;
        let mut cats: Vec<(&String, &u64)> = self.categories.iter().collect();
        cats.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if !cats.is_empty() {
            let shown: Vec<String> =
                cats.iter().take(12).map(|(k, v)| format!("{} {}", s(k), fmt::count(**v))).collect();
            let more = if cats.len() > 12 { format!(" · … {} more", cats.len() - 12) } else { String::new() };
            writeln!(out, "categories  {}{more}", shown.join(" · "))?;
        }
        writeln!(out, "\nfiles")?;
        let width = self.sources.iter().map(|x| s(&x.name).chars().count()).max().unwrap_or(0).min(60);
        for src in &self.sources {
            writeln!(
                out,
                "  {}  {:>9} events  {:>5} unparsed  {:<10}  {}",
                fmt::pad(&s(&src.name), width),
                fmt::count(src.events),
                fmt::count(src.unparsed),
                src.dialect.unwrap_or("-"),
                human_bytes(src.bytes)
            )?;
        }
        if !self.skipped.is_empty() {
            writeln!(out, "\nskipped")?;
            for k in &self.skipped {
                writeln!(out, "  {}  ({})", s(&k.name), s(&k.reason))?;
            }
        }
        if !self.problems.is_empty() {
            writeln!(out, "\nproblems")?;
            for p in &self.problems {
                writeln!(out, "  {}: {}", s(&p.name), s(&p.message))?;
            }
        }
        if !self.unparsed_lines.is_empty() {
            writeln!(out, "\nunparsed lines")?;
            for u in &self.unparsed_lines {
                let salvaged = match u.salvaged_level {
                    Some(level) => format!(" · cut, salvaged level {level}"),
                    None => String::new(),
                };
                writeln!(out, "  {}:{}  {}{salvaged}", s(&u.file), u.line, u.reason)?;
                writeln!(out, "      {}", fmt::fit(&u.text, 100))?;
            }
            if self.unparsed > self.unparsed_lines.len() as u64 {
                writeln!(
                    out,
                    "  … and {} more (audit-tui export -q is:unparsed)",
                    fmt::count(self.unparsed - self.unparsed_lines.len() as u64)
                )?;
            }
        }
        Ok(())
    }
}

/// Events per level, most severe last; unparsed lines (cut lines with a salvaged level
/// included) are not events and not counted here.
fn level_counts(index: &Index) -> Vec<(&'static str, u64)> {
    Level::ALL
        .iter()
        .map(|&l| (l.name(), index.levels[l as usize].saturating_sub(index.unparsed_levels[l as usize])))
        .filter(|&(_, n)| n > 0)
        .collect()
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[u]) }
}
