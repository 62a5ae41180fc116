//! `audit-tui report --session ID` and the explorer's `S`: one session told for a ticket.
//! The environment as its events logged it, the span, numbered steps to reproduce (the
//! user's actions, repeats folded, idle gaps noted), each error with what the session did
//! just before it, and the counts. Log text is escaped as in every report (see `support`).

use super::fmt;
use super::support::{context_block, fenced, footer, inline, md, quote_line, shell_word};
use crate::ingest::time::{TimeReader, Zone};
use crate::json::scan::{Value, scan_object};
use crate::model::store::readable;
use crate::model::{Event, Index, Level};
use std::io::{self, Write};

/// How much the story shows.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Events of the session shown before each error.
    pub before: usize,
    /// Errors described with their context (the others are counted in one line).
    pub errors: usize,
    /// Steps listed in full; past this, only the first step, the steps before each error
    /// and the last steps are.
    pub steps: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { before: 10, errors: 5, steps: 40 }
    }
}

/// A pause between two steps this long or longer is noted.
const IDLE_MS: i64 = 5 * 60_000;
/// Steps kept before each error, and at the end, when steps are left out.
const STEPS_AROUND: usize = 5;
/// Events read for the environment (it is logged at the start of a session).
const ENV_SCAN: usize = 2_000;
/// Longest step text.
const STEP_CHARS: usize = 140;
/// Candidates listed for an ambiguous prefix.
pub const MAX_CANDIDATES: usize = 20;

/// What a session id (or its prefix) names.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(u32),
    /// More than one session has this prefix: their ids, in start order.
    Ambiguous(Vec<u32>),
    Missing,
}

/// The session whose id is `text`, or the only one it starts; an exact id wins over
/// longer ids it is a prefix of.
pub fn find_session(index: &Index, text: &str) -> Lookup {
    let text = text.trim();
    if text.is_empty() {
        return Lookup::Missing;
    }
    let exact: Vec<u32> = index.listed_sessions().filter(|(_, s)| s.id == text).map(|(id, _)| id).collect();
    let mut found = match exact.len() {
        1 => return Lookup::Found(exact[0]),
        0 => index.listed_sessions().filter(|(_, s)| s.id.starts_with(text)).map(|(id, _)| id).collect(),
        _ => exact,
    };
    match found.len() {
        0 => Lookup::Missing,
        1 => Lookup::Found(found[0]),
        _ => {
            found.sort_by_key(|&id| index.session(id).map(|s| (s.start, s.id.clone())));
            Lookup::Ambiguous(found)
        }
    }
}

/// A session's events (and unparsed lines) in timeline order. The initial load is sorted
/// by time, so only the session's span of it is walked, then what follow mode appended.
pub fn session_events(index: &Index, sid: u32) -> Vec<u32> {
    let Some(s) = index.session(sid) else { return Vec::new() };
    let (base, _) = index.store.parts();
    let from = base.partition_point(|e| e.time() < s.start);
    let to = base.partition_point(|e| e.time() <= s.end);
    let mut out = Vec::new();
    let mut keep = |i: usize, e: Event| {
        if e.session() == sid {
            out.push(i as u32);
        }
    };
    index.store.for_each(from..to, &mut keep);
    index.store.for_each(base.len()..index.len(), &mut keep);
    out
}

/// The session's story as Markdown. `title` names what was read, for the command that
/// reproduces the view.
pub fn write(out: &mut impl Write, index: &Index, zone: Zone, sid: u32, title: &str, limits: Limits) -> io::Result<()> {
    let Some(session) = index.session(sid) else { return Ok(()) };
    let ids = session_events(index, sid);
    let mut times = TimeReader::new(index.zone);
    let events: Vec<(u32, Event)> = ids.iter().filter_map(|&i| index.event(i as usize).map(|e| (i, e))).collect();
    let multi_day =
        fmt::format_local(session.start, zone, "%Y-%m-%d") != fmt::format_local(session.end, zone, "%Y-%m-%d");
    let clock = if multi_day { "%m-%d %H:%M:%S" } else { "%H:%M:%S" };

    // Heading and the numbers a ticket starts with.
    let who = if session.user.is_empty() { String::new() } else { format!(": {}", md(&session.user)) };
    writeln!(out, "# Session `{}`{who}", inline(&session.id))?;
    writeln!(out)?;
    writeln!(
        out,
        "- **Span**: {} → {} ({}, times {})",
        fmt::format_local(session.start, zone, "%Y-%m-%d %H:%M:%S"),
        fmt::format_local(session.end, zone, if multi_day { "%Y-%m-%d %H:%M:%S" } else { "%H:%M:%S" }),
        fmt::duration(session.duration_ms()),
        fmt::zone_label(zone, session.end)
    )?;
    let (mut errors, mut warnings, mut unparsed) = (0u64, 0u64, 0u64);
    for &(_, e) in &events {
        unparsed += u64::from(e.is_unparsed());
        errors += u64::from(e.level().is_error());
        warnings += u64::from(e.level() == Level::Warn);
    }
    let kinds = {
        let mut g: Vec<u64> = events
            .iter()
            .filter(|(_, e)| e.level().is_error())
            .filter_map(|&(i, _)| index.group_of(i as usize).map(|g| g.fingerprint))
            .collect();
        g.sort_unstable();
        g.dedup();
        g.len() as u64
    };
    writeln!(
        out,
        "- **Counts**: {}, {}{}, {}{}",
        fmt::plural(events.len() as u64 - unparsed, "event"),
        fmt::plural(errors, "error"),
        if errors > 0 { format!(" ({})", fmt::plural(kinds, "kind")) } else { String::new() },
        fmt::plural(warnings, "warning"),
        if unparsed > 0 { format!(", {} could not be read", fmt::plural(unparsed, "line")) } else { String::new() }
    )?;
    let files: Vec<String> = session
        .sources
        .iter()
        .filter_map(|&s| index.sources.get(s as usize))
        .map(|s| format!("`{}`", inline(&s.name)))
        .collect();
    writeln!(out, "- **Files**: {}", files.join(", "))?;
    writeln!(out)?;

    environment(out, index, session, &events, &mut times)?;
    steps(out, index, zone, (title, &session.id), &events, clock, limits, &mut times)?;
    errors_told(out, index, zone, &events, limits, &mut times)?;
    unreadable(out, index, &events)?;
    categories(out, index, &events)?;

    footer(out, title, Some(&format!("session:{}", session.id)))
}

// ----- environment -----

/// What the environment table shows, and the field names (lower case, letters and digits
/// only) each row is read from.
const ENVIRONMENT: &[(&str, &[&str])] = &[
    ("user", &["user", "username", "userid", "triggeredby"]),
    ("OS", &["platform", "os", "osname", "osversion", "operatingsystem"]),
    (
        "Python / runtime",
        &[
            "python",
            "pythonversion",
            "runtime",
            "runtimeversion",
            "node",
            "nodeversion",
            "java",
            "javaversion",
            "goversion",
            "dotnetversion",
        ],
    ),
    ("app version", &["appversion", "version", "app", "appbuild", "build", "release"]),
    ("host", &["host", "hostname", "computer", "computername", "machine", "machinename"]),
    ("cwd", &["cwd", "workingdirectory", "workdir", "pwd", "currentdirectory"]),
];

/// Rows shown only when a field names them.
const ENVIRONMENT_EXTRA: &[(&str, &[&str])] = &[
    ("git branch", &["gitbranch", "branch"]),
    ("git commit", &["gitcommit", "commit"]),
    ("log file", &["logfile", "logpath"]),
];

fn environment(
    out: &mut impl Write,
    index: &Index,
    session: &crate::model::session::Session,
    events: &[(u32, Event)],
    times: &mut TimeReader,
) -> io::Result<()> {
    let all: Vec<&(&str, &[&str])> = ENVIRONMENT.iter().chain(ENVIRONMENT_EXTRA).collect();
    let mut found: Vec<Option<String>> = vec![None; all.len()];
    // What the index already read from the session's lines comes first.
    for (slot, value) in [(0, &session.user), (1, &session.platform), (4, &session.host)] {
        if !value.is_empty() {
            found[slot] = Some(value.clone());
        }
    }
    for &(_, e) in events.iter().filter(|(_, e)| !e.is_unparsed()).take(ENV_SCAN) {
        for (key, value) in fields_of(index, e, times) {
            let key: String = key.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if let Some(slot) = all.iter().position(|(_, names)| names.contains(&key.as_str()))
                && found[slot].is_none()
            {
                found[slot] = Some(if slot == 2 { runtime(&key, value) } else { value.to_string() });
            }
        }
        if found.iter().all(Option::is_some) {
            break;
        }
    }
    writeln!(out, "## Environment")?;
    writeln!(out)?;
    writeln!(out, "| | as logged |")?;
    writeln!(out, "|---|---|")?;
    for (k, ((label, _), value)) in all.iter().zip(&found).enumerate() {
        match value {
            Some(v) => writeln!(out, "| {label} | {} |", code_cell(&fmt::fit(v, 200)))?,
            None if k < ENVIRONMENT.len() => writeln!(out, "| {label} | – (not logged) |")?,
            None => {}
        }
    }
    writeln!(out)
}

/// A value as inline code in a table cell: paths stay readable (no `\\`), and a `|`
/// cannot end the cell.
fn code_cell(s: &str) -> String {
    format!("`{}`", inline(s).replace('|', "\\|"))
}

/// `Python 3.12.10` for a `python` field; a `runtime` field as written.
fn runtime(key: &str, value: &str) -> String {
    let name = [("python", "Python"), ("node", "Node"), ("java", "Java"), ("go", "Go"), ("dotnet", ".NET")]
        .iter()
        .find(|(k, _)| key.starts_with(k))
        .map(|(_, n)| *n);
    match name {
        Some(n) if !value.to_lowercase().starts_with(&n.to_lowercase()) => format!("{n} {value}"),
        _ => value.to_string(),
    }
}

/// An event's named values, however its line is written: JSON members (and those of an
/// object one level down), CSV cells under their header, a Markdown log's `- **Key**:
/// value` bullets, logfmt pairs; and the `Key: value` parts of a ` | `-separated message
/// (the repricing log's `User: X on HOST | Python: 3.12 | OS: Windows 11`).
pub fn fields_of(index: &Index, e: Event, times: &mut TimeReader) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(blob) = index.blob_of(e) else { return out };
    let raw = readable(blob.raw_line(e.offset()));
    if let Some(h) = &blob.csv {
        if let Ok(cells) = crate::ingest::dialects::csv::split(raw, h.delimiter) {
            for (name, c) in h.names.iter().zip(&cells) {
                out.push((name.clone(), c.text().into_owned()));
            }
        }
    } else if blob.whole_record {
        for line in String::from_utf8_lossy(raw).lines() {
            if let Some(rest) = line.trim_start().strip_prefix("- **")
                && let Some((key, value)) = rest.split_once("**:")
            {
                out.push((key.to_string(), value.trim().to_string()));
            }
        }
    } else if raw.trim_ascii_start().first() == Some(&b'{') {
        json_members(raw.trim_ascii(), 0, &mut out);
    } else if let Some(pairs) = crate::ingest::dialects::logfmt::pairs(raw.trim_ascii()) {
        for (k, v) in pairs {
            if let Some(v) = scalar(v) {
                out.push((String::from_utf8_lossy(k).into_owned(), v));
            }
        }
    }
    let message = index.message_of(e, times);
    if message.contains(" | ") {
        for part in message.split(" | ") {
            if let Some((key, value)) = part.split_once(": ")
                && !key.is_empty()
                && key.len() <= 24
                && key.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '_')
            {
                // `User: DamionMorrison on L01403-DATA`: the user, then the host.
                match value.split_once(" on ") {
                    Some((user, host)) if key.eq_ignore_ascii_case("user") => {
                        out.push(("user".into(), user.to_string()));
                        out.push(("host".into(), host.to_string()));
                    }
                    _ => out.push((key.to_string(), value.to_string())),
                }
            }
        }
    }
    out
}

fn json_members(object: &[u8], depth: usize, out: &mut Vec<(String, String)>) {
    let _ = scan_object(object, |k, v| match v {
        Value::Object(inner) if depth == 0 => json_members(inner, 1, out),
        _ => {
            if let Some(v) = scalar(v) {
                out.push((k.text().into_owned(), v));
            }
        }
    });
}

fn scalar(v: Value<'_>) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.text().into_owned()),
        Value::Num(n) => Some(String::from_utf8_lossy(n).into_owned()),
        Value::True => Some("true".into()),
        Value::False => Some("false".into()),
        Value::Null | Value::Object(_) | Value::Array(_) => None,
    }
}

// ----- steps to reproduce -----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Action,
    Warning,
    Error,
    Unreadable,
}

/// One thing the session did (or that went wrong), before folding.
struct Step {
    time: i64,
    kind: Kind,
    /// Already escaped Markdown.
    text: String,
    category: String,
}

/// Steps repeated in a row, folded: `block` steps from `first`, `reps` times over.
struct Run {
    first: usize,
    block: usize,
    reps: usize,
    /// Time of the last step of the last repetition.
    until: i64,
}

fn raw_steps(index: &Index, events: &[(u32, Event)], times: &mut TimeReader) -> Vec<Step> {
    let mut steps = Vec::with_capacity(events.len());
    for &(_, e) in events {
        let category = index.categories.name(e.category()).to_string();
        if e.is_unparsed() {
            let reason =
                index.unparsed_at(e.offset()).map_or_else(|| "unreadable".to_string(), |u| u.reason().to_string());
            steps.push(Step {
                time: e.time(),
                kind: Kind::Unreadable,
                text: format!("**a line could not be read** ({}; `{}`)", md(&reason), inline(&index.location(e))),
                category,
            });
            continue;
        }
        let kind = match e.level() {
            Level::Trace | Level::Debug => continue,
            Level::Warn => Kind::Warning,
            l if l.is_error() => Kind::Error,
            _ => Kind::Action,
        };
        let message = index.message_of(e, times);
        let first = fmt::fit(message.lines().next().unwrap_or(""), STEP_CHARS);
        let text = match kind {
            Kind::Error => format!("**error**: {}", md(&first)),
            Kind::Warning => format!("*warning*: {}", md(&first)),
            _ => md(&first),
        };
        steps.push(Step { time: e.time(), kind, text, category });
    }
    steps
}

/// Folds steps repeated in a row (one step, or a block of up to three, as "run the
/// analysis, it fails" twice); a pause of [`IDLE_MS`] breaks a fold.
fn fold(steps: &[Step]) -> Vec<Run> {
    let same = |a: &Step, b: &Step| a.kind == b.kind && a.text == b.text;
    let mut runs = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let (mut block, mut reps) = (1, 1);
        for k in 1..=3 {
            let mut r = 1;
            while i + (r + 1) * k <= steps.len()
                && steps[i + r * k].time - steps[i + r * k - 1].time < IDLE_MS
                && (0..k).all(|j| same(&steps[i + j], &steps[i + r * k + j]))
            {
                r += 1;
            }
            if r >= 2 && r * k > reps * block {
                (block, reps) = (k, r);
            }
        }
        let end = i + block * reps;
        runs.push(Run { first: i, block, reps, until: steps[end - 1].time });
        i = end;
    }
    runs
}

#[allow(clippy::too_many_arguments)]
fn steps(
    out: &mut impl Write,
    index: &Index,
    zone: Zone,
    (title, session_id): (&str, &str),
    events: &[(u32, Event)],
    clock: &str,
    limits: Limits,
    times: &mut TimeReader,
) -> io::Result<()> {
    let steps = raw_steps(index, events, times);
    let runs = fold(&steps);
    // Numbered lines: each run's block, numbered once however often it repeats.
    let numbered: usize = runs.iter().map(|r| r.block).sum();
    writeln!(out, "## Steps to reproduce ({numbered})")?;
    writeln!(out)?;
    if runs.is_empty() {
        writeln!(out, "No steps: the session has only debug or trace lines.")?;
        return writeln!(out);
    }
    // Which runs to show when there are too many: the first, those around each error,
    // and the last ones.
    let shown: Vec<bool> = if numbered <= limits.steps {
        vec![true; runs.len()]
    } else {
        let mut keep = vec![false; runs.len()];
        keep[0] = true;
        let tail = runs.len().saturating_sub(STEPS_AROUND);
        keep[tail..].iter_mut().for_each(|k| *k = true);
        for (k, r) in runs.iter().enumerate() {
            if matches!(steps[r.first].kind, Kind::Error | Kind::Unreadable)
                || (0..r.block).any(|j| matches!(steps[r.first + j].kind, Kind::Error | Kind::Unreadable))
            {
                for m in keep.iter_mut().take(k + 1).skip(k.saturating_sub(STEPS_AROUND)) {
                    *m = true;
                }
            }
        }
        // The rest of the budget goes to the steps nearest the end: what led to the failure.
        let mut used: usize = runs.iter().zip(&keep).filter(|(_, k)| **k).map(|(r, _)| r.block).sum();
        for k in (0..runs.len()).rev() {
            if keep[k] {
                continue;
            }
            if used + runs[k].block > limits.steps {
                break;
            }
            keep[k] = true;
            used += runs[k].block;
        }
        keep
    };
    let time = |t: i64| fmt::format_local(t, zone, clock);
    let mut number = 0usize;
    let mut prev_end: Option<i64> = None;
    let mut k = 0;
    while k < runs.len() {
        if !shown[k] {
            // One line for the steps left out, with what they were.
            let from = k;
            while k < runs.len() && !shown[k] {
                k += 1;
            }
            let left: Vec<&Run> = runs[from..k].iter().collect();
            let n: usize = left.iter().map(|r| r.block).sum();
            let mut per: Vec<(String, usize)> = Vec::new();
            for r in &left {
                for j in 0..r.block {
                    let c = &steps[r.first + j].category;
                    let c = if c.is_empty() { "(no category)".to_string() } else { c.clone() };
                    match per.iter_mut().find(|(name, _)| *name == c) {
                        Some((_, count)) => *count += r.reps,
                        None => per.push((c, r.reps)),
                    }
                }
            }
            per.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let what: Vec<String> = per.iter().map(|(c, n)| format!("{} {n}", md(c))).collect();
            writeln!(
                out,
                "   *… steps {}–{} left out ({}–{}): {}*",
                number + 1,
                number + n,
                time(steps[left[0].first].time),
                time(left[left.len() - 1].until),
                what.join(" · ")
            )?;
            number += n;
            prev_end = Some(left[left.len() - 1].until);
            continue;
        }
        let r = &runs[k];
        let start = steps[r.first].time;
        if let Some(p) = prev_end
            && start - p >= IDLE_MS
        {
            writeln!(out, "   *(idle {})*", fmt::duration(start - p))?;
        }
        for j in 0..r.block {
            let s = &steps[r.first + j];
            number += 1;
            let fold = if r.block == 1 && r.reps > 1 {
                format!(" ×{} (until {})", r.reps, time(r.until))
            } else {
                String::new()
            };
            writeln!(out, "{number}. {} {}{fold}", time(s.time), s.text)?;
        }
        if r.block > 1 {
            writeln!(out, "   *↻ steps {}–{number} ×{}, until {}*", number + 1 - r.block, r.reps, time(r.until))?;
        }
        prev_end = Some(r.until);
        k += 1;
    }
    if shown.iter().any(|s| !s) {
        writeln!(out)?;
        let q = format!("session:{session_id}");
        let all = format!("audit-tui export {} --format text -q {}", shell_word(title), shell_word(&q));
        writeln!(out, "Every event: `{}`.", inline(&all))?;
    }
    writeln!(out)
}

// ----- errors -----

fn errors_told(
    out: &mut impl Write,
    index: &Index,
    zone: Zone,
    events: &[(u32, Event)],
    limits: Limits,
    times: &mut TimeReader,
) -> io::Result<()> {
    let errors: Vec<(u32, Event)> = events.iter().copied().filter(|(_, e)| e.level().is_error()).collect();
    if errors.is_empty() {
        return writeln!(out, "## Errors\n\nNone in this session.\n");
    }
    writeln!(out, "## Errors ({})", fmt::count(errors.len() as u64))?;
    writeln!(out)?;
    for (n, &(id, e)) in errors.iter().enumerate().take(limits.errors) {
        let message = index.message_of(e, times);
        let first = message.lines().next().unwrap_or("");
        writeln!(
            out,
            "### {}. {} `{}`",
            n + 1,
            fmt::format_local(e.time(), zone, "%H:%M:%S"),
            inline(&fmt::fit(first, 160))
        )?;
        writeln!(out)?;
        let group = index.group_of(id as usize).map_or(String::new(), |g| {
            let here = errors
                .iter()
                .filter(|(i, _)| index.group_of(*i as usize).is_some_and(|o| o.fingerprint == g.fingerprint))
                .count();
            format!(
                "; this kind: {} in this session, {} in {} in the bundle",
                fmt::plural(here as u64, "time"),
                fmt::plural(g.count, "time"),
                fmt::plural(g.sessions.len() as u64, "session")
            )
        });
        writeln!(out, "- at `{}`{group}", inline(&index.location(e)))?;
        writeln!(out)?;
        if limits.before > 0 {
            let (block, had_before) = context_block(index, zone, id, e, limits.before, times);
            writeln!(out, "{}", if had_before { "What preceded it:" } else { "First event of the session:" })?;
            writeln!(out)?;
            fenced(out, "text", &block)?;
            writeln!(out)?;
        }
        quote_line(out, index, e)?;
        writeln!(out)?;
    }
    if errors.len() > limits.errors {
        let rest: Vec<String> =
            errors[limits.errors..].iter().map(|&(_, e)| fmt::format_local(e.time(), zone, "%H:%M:%S")).collect();
        writeln!(
            out,
            "… and {} more ({}; `--errors N` shows more).",
            fmt::plural(rest.len() as u64, "error"),
            fmt::fit(&rest.join(", "), 200)
        )?;
        writeln!(out)?;
    }
    Ok(())
}

fn unreadable(out: &mut impl Write, index: &Index, events: &[(u32, Event)]) -> io::Result<()> {
    let lines: Vec<Event> = events.iter().map(|&(_, e)| e).filter(Event::is_unparsed).collect();
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Lines that could not be read ({})", fmt::count(lines.len() as u64))?;
    writeln!(out)?;
    for e in lines.iter().take(10) {
        let reason = index.unparsed_at(e.offset()).map_or_else(|| "unreadable".to_string(), |u| u.reason().to_string());
        writeln!(out, "- `{}`: {}", inline(&index.location(*e)), md(&reason))?;
    }
    if lines.len() > 10 {
        writeln!(out, "- … and {} more", lines.len() - 10)?;
    }
    writeln!(out)
}

/// Events per category and per level: what the session was busy with.
fn categories(out: &mut impl Write, index: &Index, events: &[(u32, Event)]) -> io::Result<()> {
    let mut per: Vec<(String, u64)> = Vec::new();
    let mut levels = [0u64; 7];
    for &(_, e) in events.iter().filter(|(_, e)| !e.is_unparsed()) {
        levels[e.level() as usize] += 1;
        let name = index.categories.name(e.category());
        let name = if name.is_empty() { "(none)" } else { name };
        match per.iter_mut().find(|(n, _)| n == name) {
            Some((_, c)) => *c += 1,
            None => per.push((name.to_string(), 1)),
        }
    }
    per.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    writeln!(out, "## Counts")?;
    writeln!(out)?;
    let levels: Vec<String> = Level::ALL
        .iter()
        .filter(|&&l| levels[l as usize] > 0)
        .map(|&l| format!("{} {}", l.name(), fmt::count(levels[l as usize])))
        .collect();
    writeln!(out, "- **Levels**: {}", levels.join(" · "))?;
    let shown: Vec<String> = per.iter().take(12).map(|(n, c)| format!("{} {}", md(n), fmt::count(*c))).collect();
    let more = if per.len() > 12 { format!(" · … {} more", per.len() - 12) } else { String::new() };
    writeln!(out, "- **Categories**: {}{more}", shown.join(" · "))?;
    writeln!(out)
}
