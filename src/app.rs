//! What the binary does with parsed arguments: pick the inputs, build the index, run a
//! report or the explorer. Kept out of `main.rs` so tests and benches can call it.

use crate::cli::{Cli, Command, Common, ExportArgs, ReportArgs, SupportArgs};
use crate::ingest::build::{self, Detail, Options, Progress};
use crate::ingest::time::Zone;
use crate::model::Index;
use crate::query::{Compiled, Query, Snapshot, filter_all};
use crate::report::{errors, export, sessions, summary, support};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

/// How a run failed: usage errors exit with 2, everything else with 1.
#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Runtime(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Runtime(m) => f.write_str(m),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Runtime(e.to_string())
    }
}

pub fn zone_of(common: &Common) -> Result<Zone, Failure> {
    if common.utc {
        return Ok(Zone::Utc);
    }
    match &common.tz {
        Some(tz) => Zone::parse(tz).map_err(Failure::Usage),
        None => Ok(Zone::Local),
    }
}

pub fn options(common: &Common) -> Result<Options, Failure> {
    if common.gap < 1 {
        return Err(Failure::Usage("--gap must be at least 1 minute".into()));
    }
    Ok(Options { zone: zone_of(common)?, gap_minutes: common.gap, detail: Detail::Full })
}

/// The paths to read: as given; else stdin when it holds data (a pipe or a file); else
/// the DataTools folder.
pub fn resolve_paths(given: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    if stdin_holds_data() {
        return Ok(vec![PathBuf::from("-")]);
    }
    let dir = default_dir()
        .ok_or_else(|| Failure::Runtime("no path given, and neither $DATATOOLS_AUDIT_DIR nor $HOME is set".into()))?;
    if !dir.exists() {
        return Err(Failure::Runtime(format!(
            "no path given, and the default log folder {} does not exist (pass a folder, or set DATATOOLS_AUDIT_DIR)",
            dir.display()
        )));
    }
    Ok(vec![dir])
}

/// Whether stdin is a pipe, a socket or a regular file: what a user sends with `|` or `<`.
/// A terminal, `/dev/null` (cron, CI, `ssh host audit-tui summary`) or a closed stdin is
/// not read unless `-` says so (ripgrep decides the same way).
fn stdin_holds_data() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() else { return false };
        match std::fs::File::from(fd).metadata() {
            Ok(m) => {
                let t = m.file_type();
                t.is_file() || t.is_fifo() || t.is_socket()
            }
            Err(_) => false,
        }
    }
    #[cfg(not(unix))]
    {
        !io::stdin().is_terminal()
    }
}

/// `$DATATOOLS_AUDIT_DIR`, else `~/.datatools/logs` (where the DataTools app writes).
pub fn default_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("DATATOOLS_AUDIT_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".datatools").join("logs"))
}

/// Builds the index for a headless command and tells stderr what could not be read.
pub fn load(paths: &[PathBuf], opts: Options) -> Result<Index, Failure> {
    let paths = resolve_paths(paths)?;
    let index = build::build(&paths, opts, &Progress::default());
    let mut err = io::stderr().lock();
    for p in &index.problems {
        let _ = writeln!(
            err,
            "audit-tui: {}: {}",
            crate::sanitize::sanitize(&p.name, crate::sanitize::Mode::Line),
            crate::sanitize::sanitize(&p.message, crate::sanitize::Mode::Line)
        );
    }
    if index.sources.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| crate::ingest::sources::display_path(p)).collect();
        let mut msg = format!("no log files could be read in {}", shown.join(" "));
        if !index.skipped.is_empty() {
            msg.push_str(&format!(" ({} other files skipped)", index.skipped.len()));
        }
        return Err(Failure::Runtime(msg));
    }
    Ok(index)
}

/// Reads an optional `-q` query before anything is indexed, so a typo fails at once.
pub fn parse_query(text: Option<&str>, opts: Options) -> Result<Option<Query>, Failure> {
    let Some(text) = text.filter(|q| !q.trim().is_empty()) else { return Ok(None) };
    let now = chrono::Utc::now().timestamp_millis();
    Query::parse(text, now, opts.zone)
        .map(Some)
        .map_err(|e| Failure::Usage(format!("bad query at column {}: {}", e.at + 1, e.message)))
}

/// Matching event ids for an optional query (all events when none).
pub fn select(index: &Index, query: Option<&Query>) -> Option<Vec<u32>> {
    query.map(|q| filter_all(&Compiled::compile(q, index), &Snapshot::of(index)))
}

pub fn run(cli: Cli) -> Result<(), Failure> {
    let opts = options(&cli.common)?;
    match cli.command {
        Some(Command::Summary(a)) => run_summary(a, opts),
        Some(Command::Sessions(a)) => run_sessions(a, opts),
        Some(Command::Errors(a)) => run_errors(a, opts),
        Some(Command::Export(a)) => run_export(a, opts),
        Some(Command::Report(a)) => run_report(a, opts),
        Some(Command::Tail(a)) => crate::follow::run_tail(a, opts),
        None => crate::ui::run(cli.open, opts),
    }
}

/// Pretty JSON on stdout, with the characters a terminal must not get raw (bidi
/// overrides, C1 controls...) as `\uXXXX` escapes: `serde_json` escapes only C0.
fn stdout_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let json = serde_json::to_string_pretty(value).map_err(|e| Failure::Runtime(e.to_string()))?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", crate::sanitize::escape_json_text(&json))?;
    Ok(())
}

fn run_summary(a: ReportArgs, opts: Options) -> Result<(), Failure> {
    let query = parse_query(a.query.as_deref(), opts)?;
    let index = load(&a.paths, opts)?;
    let selected = select(&index, query.as_ref());
    let s = summary::Summary::of(&index, opts.zone);
    if a.json {
        let mut v = serde_json::to_value(&s).map_err(|e| Failure::Runtime(e.to_string()))?;
        if let (Some(ids), Some(obj)) = (&selected, v.as_object_mut()) {
            obj.insert("matching".into(), ids.len().into());
        }
        return stdout_json(&v);
    }
    let mut out = io::stdout().lock();
    s.write_text(&mut out, &index, opts.zone)?;
    if let Some(ids) = selected {
        writeln!(out, "\nmatching    {} events", crate::report::fmt::count(ids.len() as u64))?;
    }
    Ok(())
}

/// Session ids having at least one of `ids`.
fn sessions_of(index: &Index, ids: &[u32]) -> Vec<u32> {
    let mut s: Vec<u32> = ids.iter().filter_map(|&i| index.event(i as usize)).map(|e| e.session()).collect();
    s.sort_unstable();
    s.dedup();
    s
}

fn run_sessions(a: ReportArgs, opts: Options) -> Result<(), Failure> {
    let query = parse_query(a.query.as_deref(), opts)?;
    let index = load(&a.paths, opts)?;
    let selected = select(&index, query.as_ref());
    let only = selected.as_ref().map(|ids| sessions_of(&index, ids));
    let rows = sessions::rows(&index, opts.zone, only.as_deref());
    if a.json {
        return stdout_json(&rows);
    }
    sessions::write_text(&mut io::stdout().lock(), &rows, opts.zone)?;
    Ok(())
}

fn run_errors(a: ReportArgs, opts: Options) -> Result<(), Failure> {
    let query = parse_query(a.query.as_deref(), opts)?;
    let index = load(&a.paths, opts)?;
    let selected = select(&index, query.as_ref());
    let rows = errors::rows(&index, opts.zone, selected.as_deref());
    if a.json {
        return stdout_json(&rows);
    }
    errors::write_text(&mut io::stdout().lock(), &rows, opts.zone)?;
    Ok(())
}

fn run_report(a: SupportArgs, opts: Options) -> Result<(), Failure> {
    let query = parse_query(a.query.as_deref(), opts)?;
    let paths = resolve_paths(&a.paths)?;
    if let Some(path) = &a.output {
        crate::evidence::check_output(path, &paths, a.force).map_err(Failure::Runtime)?;
    }
    let index = load(&paths, opts)?;
    let selected = select(&index, query.as_ref());
    let title: Vec<String> = paths.iter().map(|p| crate::ingest::sources::display_path(p)).collect();
    let scope = support::Scope { title: &title.join(" "), query: a.query.as_deref(), selected: selected.as_deref() };
    let limits = support::Limits { before: a.before, groups: a.errors };
    let write = |w: &mut dyn Write| -> io::Result<Option<String>> {
        if !a.redact {
            support::write(&mut io::BufWriter::new(w), &index, opts.zone, &scope, limits)?;
            return Ok(None);
        }
        let mut text = Vec::new();
        support::write(&mut text, &index, opts.zone, &scope, limits)?;
        let (markdown, masked) = crate::report::redacted_markdown(&index, &String::from_utf8_lossy(&text), true);
        w.write_all(markdown.as_bytes())?;
        w.flush()?;
        Ok(Some(masked))
    };
    let masked = match &a.output {
        Some(path) => {
            let mut file = crate::evidence::create_output(path, a.force).map_err(Failure::Runtime)?;
            let masked = write(&mut file)?;
            let path = path.display().to_string();
            eprintln!(
                "audit-tui: wrote the report to {}",
                crate::sanitize::sanitize(&path, crate::sanitize::Mode::Line)
            );
            masked
        }
        None => write(&mut io::stdout().lock())?,
    };
    if let Some(masked) = masked {
        eprintln!("audit-tui: redacted {masked}");
    }
    Ok(())
}

fn run_export(a: ExportArgs, mut opts: Options) -> Result<(), Failure> {
    let query = parse_query(a.query.as_deref(), opts)?;
    // Original lines need no sessions or error groups unless the query asks about sessions
    // (or redaction, which learns the sessions' users and hosts).
    if a.format == export::Format::Jsonl && !a.redact && !query.as_ref().is_some_and(Query::needs_sessions) {
        opts.detail = match query.as_ref().is_some_and(Query::only_errors) {
            true => Detail::Errors,
            false => Detail::Timeline,
        };
    }
    let paths = resolve_paths(&a.paths)?;
    if let Some(path) = &a.output {
        crate::evidence::check_output(path, &paths, a.force).map_err(Failure::Runtime)?;
    }
    let index = load(&paths, opts)?;
    let ids = select(&index, query.as_ref()).unwrap_or_else(|| (0..index.len() as u32).collect());
    let mut redact = a.redact.then(|| {
        let mut r = crate::redact::Redactor::for_index(&index);
        export::learn(&mut r, &index, &ids);
        r
    });
    match &a.output {
        Some(path) => {
            let file = crate::evidence::create_output(path, a.force).map_err(Failure::Runtime)?;
            let mut w = io::BufWriter::with_capacity(1 << 20, file);
            let n = export::write(&mut w, &index, &ids, a.format, opts.zone, false, redact.as_mut())?;
            let path = path.display().to_string();
            let path = crate::sanitize::sanitize(&path, crate::sanitize::Mode::Line);
            eprintln!("audit-tui: wrote {} events to {path}", crate::report::fmt::count(n));
        }
        None => {
            let stdout = io::stdout();
            let for_terminal = stdout.is_terminal();
            let mut w = io::BufWriter::with_capacity(1 << 20, stdout.lock());
            export::write(&mut w, &index, &ids, a.format, opts.zone, for_terminal, redact.as_mut())?;
        }
    }
    if let Some(r) = redact {
        eprintln!("audit-tui: redacted {}", r.summary());
    }
    Ok(())
}
