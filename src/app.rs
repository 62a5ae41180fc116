//! What the binary does with parsed arguments: pick the inputs, build the index, run a
//! report or the explorer. Kept out of `main.rs` so tests and benches can call it.

use crate::cli::{
    CacheArgs, CheckArgs, Cli, Command, Common, ConfigArgs, ErrorsArgs, ErrorsBy, ExportArgs, RecentArgs, ReportArgs,
    SupportArgs,
};
use crate::config::{Config, ThemeName};
use crate::ingest::build::{Detail, Options, Progress};
use crate::ingest::cache::{self, Cache, Writing};
use crate::ingest::time::Zone;
use crate::model::Index;
use crate::query::{Compiled, Query, Snapshot, filter_all};
use crate::report::{check, errors, export, history, recent, scope, sessions, story, summary, support};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

pub use crate::error::Failure;
pub use crate::paths::{default_dir, resolve_paths};

/// The zone: `--utc`, else `--tz` or `$AUDIT_TUI_TZ`, else the config's, else local.
pub fn zone_of(common: &Common, config: &Config) -> Result<Zone, Failure> {
    if common.utc {
        return Ok(Zone::Utc);
    }
    match &common.tz {
        Some(tz) => Zone::parse(tz).map_err(Failure::Usage),
        None => Ok(config.zone.unwrap_or(Zone::Local)),
    }
}

/// Flags and environment variables win over the config file, which wins over defaults.
pub fn options(common: &Common, config: &Config) -> Result<Options, Failure> {
    let gap_minutes = common.gap.or(config.gap_minutes).unwrap_or(DEFAULT_GAP_MINUTES);
    if gap_minutes < 1 {
        return Err(Failure::Usage("--gap must be at least 1 minute".into()));
    }
    Ok(Options { zone: zone_of(common, config)?, gap_minutes, detail: Detail::Full })
}

/// Idle minutes that end a derived session when neither `--gap` nor the config says.
pub const DEFAULT_GAP_MINUTES: i64 = 30;

/// Reads the config file, checks its key names against the keymap, and installs its log
/// shapes. A bad file gives the defaults, and problems to show.
pub fn load_config(flag: Option<&std::path::Path>) -> (Config, crate::ui::UiSettings) {
    let mut loaded = crate::config::load(flag);
    let overrides: Vec<(String, Vec<String>)> =
        loaded.config.keys.iter().map(|k| (k.action.clone(), k.keys.clone())).collect();
    let keys = match crate::ui::keymap::Keys::from_overrides(&overrides) {
        Ok(keys) => keys,
        Err(problems) => {
            let file = loaded.location.as_ref().map(|l| l.path.display().to_string()).unwrap_or_default();
            for (i, why) in problems {
                let k = &loaded.config.keys[i];
                let p = crate::config::Problem {
                    file: file.clone(),
                    line: k.line,
                    key: format!("keys.{}", k.action),
                    message: why,
                };
                loaded.problems.push(format!("config {p}; using the defaults"));
            }
            loaded.config = Config::default();
            crate::ui::keymap::Keys::default()
        }
    };
    let mut config = loaded.config;
    crate::ingest::dialects::custom::install(std::mem::take(&mut config.custom));
    let theme = config.theme.map(|t| match t {
        ThemeName::Dark => crate::cli::ThemeName::Dark,
        ThemeName::Light => crate::cli::ThemeName::Light,
        ThemeName::Mono => crate::cli::ThemeName::Mono,
    });
    let ui = crate::ui::UiSettings {
        keys,
        theme,
        context_before: config.context_before,
        columns: std::mem::take(&mut config.columns),
        problems: loaded.problems,
    };
    (config, ui)
}

/// `--color` and `--theme` (else the config's theme): the explorer's palette, and whether headless text paints
/// its levels (auto: only on a terminal, and never under NO_COLOR or TERM=dumb).
fn choose_colours(common: &Common, config_theme: Option<crate::cli::ThemeName>) {
    use crate::cli::{ColorChoice, ThemeName};
    use crate::ui::theme::{Palette, Theme, colour_refused};
    let refused = colour_refused();
    // The flag (or AUDIT_TUI_THEME) wins over the config file.
    let palette = match (common.color, common.theme.or(config_theme)) {
        (ColorChoice::Never, _) | (_, Some(ThemeName::Mono)) => Palette::Mono,
        (ColorChoice::Auto, _) if refused => Palette::Mono,
        (_, Some(ThemeName::Light)) => Palette::Light,
        _ => Palette::Dark,
    };
    Theme::choose(palette);
    let paint = match common.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !refused && io::stdout().is_terminal(),
    };
    crate::report::fmt::set_paint(paint && palette != Palette::Mono);
}

/// The index cache as the config bounds it, unless `--no-cache` or a bound of 0 turns it
/// off (or there is no cache folder at all).
pub fn cache_of(common: &Common, config: &Config) -> Option<Cache> {
    if common.no_cache {
        return None;
    }
    cache_setting(config).filter(|c| c.max_bytes > 0)
}

/// Where the cache is and its bound, whether or not this run uses it.
fn cache_setting(config: &Config) -> Option<Cache> {
    let max_bytes = config.cache_max_mb.map_or(cache::DEFAULT_MAX_BYTES, |mb| mb << 20);
    crate::paths::cache_dir().map(|dir| Cache { dir, max_bytes })
}

/// Builds the index for a headless command (or reads it from the cache) and tells stderr
/// what could not be read. The guard returned writes the cache entry while the command
/// prints, and waits for it when dropped.
pub fn load(paths: &[PathBuf], opts: Options, cache: Option<&Cache>) -> Result<(Index, Writing), Failure> {
    let paths = resolve_paths(paths)?;
    let cache = crate::evidence::cache_for(cache, &paths).unwrap_or_else(|why| {
        eprintln!("audit-tui: {}", crate::sanitize::sanitize(&why, crate::sanitize::Mode::Line));
        None
    });
    let discovery = crate::ingest::inputs::sources::discover(&paths);
    let (index, pending) = cache::build(cache.as_ref(), discovery, opts, &Progress::default());
    let writing = pending.map_or_else(Writing::none, cache::Pending::spawn);
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
        let shown: Vec<String> = paths.iter().map(|p| crate::ingest::inputs::sources::display_path(p)).collect();
        let mut msg = format!("no log files could be read in {}", shown.join(" "));
        if !index.skipped.is_empty() {
            msg.push_str(&format!(" ({} other files skipped)", index.skipped.len()));
        }
        return Err(Failure::Runtime(msg));
    }
    Ok((index, writing))
}

/// Reads an optional `-q` query before anything is indexed, so a typo fails at once.
pub fn parse_query(text: Option<&str>, opts: Options) -> Result<Option<Query>, Failure> {
    let Some(text) = text.filter(|q| !q.trim().is_empty()) else { return Ok(None) };
    let now = chrono::Utc::now().timestamp_millis();
    Query::parse(text, now, opts.zone).map(Some).map_err(|e| Failure::Query { at: e.at, message: e.message })
}

/// Matching event ids for an optional query (all events when none).
pub fn select(index: &Index, query: Option<&Query>) -> Option<Vec<u32>> {
    query.map(|q| filter_all(&Compiled::compile(q, index), &Snapshot::of(index)))
}

pub fn run(cli: Cli) -> Result<(), Failure> {
    if let Some(Command::Config(a)) = &cli.command {
        return run_config(a, &cli.common);
    }
    let (config, ui) = load_config(cli.common.config.as_deref());
    for p in &ui.problems {
        eprintln!("audit-tui: {}", crate::sanitize::sanitize(p, crate::sanitize::Mode::Line));
    }
    let opts = options(&cli.common, &config)?;
    choose_colours(&cli.common, ui.theme);
    let cache = cache_of(&cli.common, &config);
    let c = cache.as_ref();
    match cli.command {
        Some(Command::Summary(a)) => run_summary(a, opts, c),
        Some(Command::Sessions(a)) => run_sessions(a, opts, c),
        Some(Command::Errors(a)) => run_errors(a, opts, c),
        Some(Command::Export(a)) => run_export(a, opts, c),
        Some(Command::Report(a)) => run_report(a, opts, c),
        Some(Command::Tail(a)) => crate::follow::run_tail(a, opts),
        Some(Command::Recent(a)) => run_recent(a, opts, c),
        Some(Command::Check(a)) => run_check(a, opts, c),
        Some(Command::Cache(a)) => run_cache(&a, cache_setting(&config), cache.is_some()),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Into a buffer first: clap_complete panics on a write error (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "audit-tui", &mut script);
            io::stdout().lock().write_all(&script)?;
            Ok(())
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut io::stdout())?;
            Ok(())
        }
        Some(Command::Config(_)) => Ok(()),
        None => crate::ui::run(cli.open, opts, ui, cache),
    }
}

/// `audit-tui cache`: where the cache is, how many bundles it holds and their size;
/// `--clear` empties it.
fn run_cache(a: &CacheArgs, cache: Option<Cache>, in_use: bool) -> Result<(), Failure> {
    let Some(cache) = cache else {
        return Err(Failure::Runtime(format!(
            "no cache folder: neither ${} nor a platform cache folder",
            crate::paths::CACHE_ENV
        )));
    };
    let shown = crate::sanitize::sanitize(&cache.dir.display().to_string(), crate::sanitize::Mode::Line).into_owned();
    let fail = |e: io::Error| Failure::Runtime(format!("{shown}: {e}"));
    let mut out = io::stdout().lock();
    if a.clear {
        let gone = cache.clear().map_err(fail)?;
        let size = summary::human_bytes(gone.bytes);
        writeln!(out, "removed {} from {shown} ({size})", entries(gone.entries))?;
        return Ok(());
    }
    let stats = cache.stats().map_err(fail)?;
    writeln!(out, "{shown}")?;
    writeln!(out, "holds       {}", entries(stats.entries))?;
    writeln!(
        out,
        "size        {} of at most {}",
        summary::human_bytes(stats.bytes),
        summary::human_bytes(cache.max_bytes)
    )?;
    if !in_use {
        writeln!(out, "(off for this run: --no-cache, or cache_max_mb = 0 in the config)")?;
    }
    Ok(())
}

/// `1 entry`, `3 entries`.
fn entries(n: usize) -> String {
    match n {
        1 => "1 entry".into(),
        n => format!("{} entries", crate::report::fmt::count(n as u64)),
    }
}

/// `audit-tui config`: the template (`--default`), where the file is (`--path`), or, with
/// neither, whether the file is valid (exit 1 when it is not).
fn run_config(a: &ConfigArgs, common: &Common) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    if a.default {
        let keys: Vec<crate::config::KeyDefault> = crate::ui::keymap::KEYMAP
            .iter()
            .map(|b| crate::config::KeyDefault {
                action: b.action.name(),
                keys: b.keys.iter().map(|k| k.to_string()).collect(),
                help: b.help,
            })
            .collect();
        out.write_all(crate::config::template(&keys).as_bytes())?;
        return Ok(());
    }
    let Some(loc) = crate::config::locate(common.config.as_deref()) else {
        writeln!(out, "no config file: neither --config, $AUDIT_TUI_CONFIG nor a platform config folder")?;
        return Ok(());
    };
    let shown = crate::sanitize::sanitize(&loc.path.display().to_string(), crate::sanitize::Mode::Line).into_owned();
    let exists = loc.path.is_file();
    let state = if exists { "exists" } else { "does not exist" };
    writeln!(out, "{shown} (from {}): {state}", loc.from)?;
    if a.path || !exists {
        return Ok(());
    }
    let (_, ui) = load_config(common.config.as_deref());
    if ui.problems.is_empty() {
        writeln!(out, "valid")?;
        return Ok(());
    }
    for p in &ui.problems {
        writeln!(out, "{}", crate::sanitize::sanitize(p, crate::sanitize::Mode::Line))?;
    }
    Err(Failure::Findings)
}

/// Pretty JSON on stdout, with the characters a terminal must not get raw (bidi
/// overrides, C1 controls...) as `\uXXXX` escapes: `serde_json` escapes only C0.
fn stdout_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let json = serde_json::to_string_pretty(value).map_err(|e| Failure::Runtime(e.to_string()))?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", crate::sanitize::escape_json_text(&json))?;
    Ok(())
}

/// The frame of a headless report: the query read before anything is indexed (a typo
/// fails at once), then the index and the events the query picks (`None`: no query).
/// The cache entry being written (if any) must be waited for: keep `Writing` to the end.
fn load_selected(
    paths: &[PathBuf],
    query: Option<&str>,
    opts: Options,
    cache: Option<&Cache>,
) -> Result<(Index, Option<Vec<u32>>, Writing), Failure> {
    let query = parse_query(query, opts)?;
    let (index, writing) = load(paths, opts, cache)?;
    let selected = select(&index, query.as_ref());
    Ok((index, selected, writing))
}

/// A report's rows as JSON with `--json`, else as its text table, on stdout.
fn print_rows(
    rows: &impl serde::Serialize,
    json: bool,
    text: impl FnOnce(&mut io::StdoutLock<'_>) -> io::Result<()>,
) -> Result<(), Failure> {
    if json {
        return stdout_json(rows);
    }
    text(&mut io::stdout().lock())?;
    Ok(())
}

fn run_summary(a: ReportArgs, opts: Options, cache: Option<&Cache>) -> Result<(), Failure> {
    let (index, selected, _writing) = load_selected(&a.paths, a.query.as_deref(), opts, cache)?;
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

fn run_sessions(a: ReportArgs, opts: Options, cache: Option<&Cache>) -> Result<(), Failure> {
    let (index, selected, _writing) = load_selected(&a.paths, a.query.as_deref(), opts, cache)?;
    let only = selected.as_ref().map(|ids| sessions_of(&index, ids));
    let rows = sessions::rows(&index, opts.zone, only.as_deref());
    print_rows(&rows, a.json, |out| sessions::write_text(out, &rows, opts.zone))
}

/// `--days N`: the events of `selected` (all when `None`) in the N×24 hours up to the
/// newest event; `selected` unchanged without `--days`.
fn last_days(index: &Index, selected: Option<Vec<u32>>, days: Option<u32>) -> Option<Vec<u32>> {
    let Some(days) = days else { return selected };
    let (from, to) = scope::last(index, i64::from(days) * scope::DAY_MS).unwrap_or((0, -1));
    Some(scope::in_window(index, selected.as_deref(), from, to))
}

fn run_errors(a: ErrorsArgs, opts: Options, cache: Option<&Cache>) -> Result<(), Failure> {
    let (index, selected, _writing) = load_selected(&a.base.paths, a.base.query.as_deref(), opts, cache)?;
    let selected = last_days(&index, selected, a.days);
    if let Some(by) = a.by {
        let by = match by {
            ErrorsBy::Type => errors::By::Type,
            ErrorsBy::User => errors::By::User,
            ErrorsBy::Category => errors::By::Category,
        };
        let rows = errors::by_rows(&index, opts.zone, selected.as_deref(), by);
        return print_rows(&rows, a.base.json, |out| errors::write_by_text(out, &rows, by, opts.zone));
    }
    let rows = errors::rows(&index, opts.zone, selected.as_deref());
    print_rows(&rows, a.base.json, |out| errors::write_text(out, &rows, opts.zone))
}

fn run_recent(a: RecentArgs, opts: Options, cache: Option<&Cache>) -> Result<(), Failure> {
    let (index, selected, _writing) = load_selected(&a.paths, a.query.as_deref(), opts, cache)?;
    let since = a.minutes.and_then(|m| scope::last(&index, i64::from(m) * scope::MINUTE_MS)).map(|(from, _)| from);
    let pick = recent::Pick { limit: a.limit, since, tool: a.tool.as_deref(), only: selected.as_deref() };
    let rows = recent::rows(&index, opts.zone, &pick);
    print_rows(&rows, a.json, |out| recent::write_text(out, &rows, opts.zone))
}

/// A time for `--since` / `--until`: a date, a time, or `-2d` back from the newest event.
/// A bare date as `--until` takes in that whole day.
fn report_time(value: &str, newest: i64, zone: crate::ingest::time::Zone, end_of_day: bool) -> Result<i64, Failure> {
    let t = crate::query::parse::parse_when(value, newest, zone).map_err(Failure::Usage)?;
    let is_date = value.trim().len() == 10 && value.trim().as_bytes()[4] == b'-';
    Ok(if end_of_day && is_date { t + scope::DAY_MS - 1 } else { t })
}

/// Exit status 0 when nothing is off, 1 when something is ([`Failure::Findings`]), 2 when
/// the bundle could not be read at all (as for a usage error: there is nothing to judge).
fn run_check(a: CheckArgs, opts: Options, cache: Option<&Cache>) -> Result<(), Failure> {
    let (index, _writing) = load(&a.paths, opts, cache).map_err(|e| match e {
        Failure::Runtime(m) => Failure::Usage(m),
        other => other,
    })?;
    let c = check::Check::of(&index, opts.zone);
    print_rows(&c, a.json, |out| c.write_text(out))?;
    if c.ok { Ok(()) } else { Err(Failure::Findings) }
}

/// Reads the logs for a report that may go to `-o FILE`. The file is checked first: a
/// report never lands on or inside the logs it reads, and a refused path costs no indexing.
fn load_for_output(
    paths: &[PathBuf],
    output: Option<&Path>,
    force: bool,
    opts: Options,
    cache: Option<&Cache>,
) -> Result<(Vec<PathBuf>, Index, Writing), Failure> {
    let paths = resolve_paths(paths)?;
    if let Some(path) = output {
        crate::evidence::check_output(path, &paths, force).map_err(Failure::Runtime)?;
    }
    let (index, writing) = load(&paths, opts, cache)?;
    Ok((paths, index, writing))
}

/// Opens `-o FILE` (an existing one only with `--force`), with its name made safe for
/// the terminal, for the line that says what was written there.
fn open_output(path: &Path, force: bool) -> Result<(io::BufWriter<std::fs::File>, String), Failure> {
    let file = crate::evidence::create_output(path, force).map_err(Failure::Runtime)?;
    let shown = crate::sanitize::sanitize(&path.display().to_string(), crate::sanitize::Mode::Line).into_owned();
    Ok((io::BufWriter::with_capacity(1 << 20, file), shown))
}

fn run_report(a: SupportArgs, opts: Options, cache: Option<&Cache>) -> Result<(), Failure> {
    let query = parse_query(a.query.as_deref(), opts)?;
    let (paths, index, _writing) = load_for_output(&a.paths, a.output.as_deref(), a.force, opts, cache)?;
    let selected = select(&index, query.as_ref());
    let title: Vec<String> = paths.iter().map(|p| crate::ingest::inputs::sources::display_path(p)).collect();
    let title = title.join(" ");
    let zone = opts.zone;
    let mut body: Vec<u8> = Vec::new();
    if let Some(text) = &a.session {
        let sid = match story::find_session(&index, text) {
            story::Lookup::Found(sid) => sid,
            story::Lookup::Missing => {
                return Err(Failure::Usage(format!(
                    "no session id starts with {text:?} (audit-tui sessions lists them)"
                )));
            }
            story::Lookup::Ambiguous(ids) => {
                let mut msg = format!("{} sessions start with {text:?}; give more of the id:", ids.len());
                for s in ids.iter().filter_map(|&id| index.session(id)).take(story::MAX_CANDIDATES) {
                    let who = if s.user.is_empty() { String::new() } else { format!("  {}", s.user) };
                    msg.push_str(&format!("\n  {}  {}{who}", s.id, crate::report::fmt::time(s.start, zone)));
                }
                if ids.len() > story::MAX_CANDIDATES {
                    msg.push_str(&format!("\n  … and {} more", ids.len() - story::MAX_CANDIDATES));
                }
                return Err(Failure::Usage(msg));
            }
        };
        let limits = story::Limits { before: a.before, errors: a.errors, steps: a.steps };
        story::write(&mut body, &index, zone, sid, &title, limits)?;
    } else if let Some(name) = &a.user {
        let (sessions, spelled) = scope::sessions_of_user(&index, name);
        let Some(user) = spelled else {
            let users = scope::users(&index);
            let shown: Vec<&str> = users.iter().take(20).map(String::as_str).collect();
            let more = if users.len() > 20 { format!(" and {} more", users.len() - 20) } else { String::new() };
            return Err(Failure::Usage(format!(
                "no session of a user named {name:?}; the users are: {}{more}",
                if shown.is_empty() { "(none named)".to_string() } else { shown.join(", ") }
            )));
        };
        let mut ids = scope::in_sessions(&index, selected.as_deref(), &sessions);
        let mut label = None;
        if let Some(days) = a.days
            && let Some((from, to)) = scope::last(&index, i64::from(days) * scope::DAY_MS)
        {
            ids = scope::in_window(&index, Some(&ids), from, to);
            label = Some(format!(
                "the last {} up to the newest event in the bundle ({} → {})",
                crate::report::fmt::plural(u64::from(days), "day"),
                crate::report::fmt::format_local(from, zone, "%Y-%m-%d %H:%M"),
                crate::report::fmt::format_local(to, zone, "%Y-%m-%d %H:%M"),
            ));
        }
        let w = history::Window { title: &title, label, query: a.query.as_deref(), ids: &ids };
        history::write_user(&mut body, &index, zone, &user, &w)?;
    } else if a.since.is_some() || a.until.is_some() {
        let Some((first, last)) = index.span() else {
            return Err(Failure::Runtime("no event in these logs has a time: there are no days to sum up".into()));
        };
        let from = a.since.as_deref().map(|v| report_time(v, last, zone, false)).transpose()?.unwrap_or(first);
        let to = a.until.as_deref().map(|v| report_time(v, last, zone, true)).transpose()?.unwrap_or(last);
        if to < from {
            return Err(Failure::Usage("--until is before --since".into()));
        }
        let ids = scope::in_window(&index, selected.as_deref(), from, to);
        let label = Some(format!(
            "{} → {}",
            crate::report::fmt::format_local(from, zone, "%Y-%m-%d %H:%M"),
            crate::report::fmt::format_local(to, zone, "%Y-%m-%d %H:%M")
        ));
        let w = history::Window { title: &title, label, query: a.query.as_deref(), ids: &ids };
        history::write_daily(&mut body, &index, zone, (from, to), &w)?;
    } else {
        let mut query_text = a.query.clone().filter(|q| !q.trim().is_empty());
        let mut selected = selected;
        if let Some(days) = a.days
            && let Some((from, to)) = scope::last(&index, i64::from(days) * scope::DAY_MS)
        {
            selected = Some(scope::in_window(&index, selected.as_deref(), from, to));
            let since = format!("since:{}", crate::report::fmt::format_local(from, zone, "%Y-%m-%dT%H:%M:%S"));
            query_text = Some(match query_text {
                Some(q) => format!("{q} {since}"),
                None => since,
            });
        }
        let stored = crate::marks::load_for(&paths).unwrap_or_else(|why| {
            eprintln!("audit-tui: marks not read: {}", crate::sanitize::sanitize(&why, crate::sanitize::Mode::Line));
            Vec::new()
        });
        let (marks, _) = crate::marks::resolve(&index, &stored);
        let scope = support::Scope {
            title: &title,
            query: query_text.as_deref(),
            selected: selected.as_deref(),
            marks: &marks,
        };
        let limits = support::Limits { before: a.before, groups: a.errors };
        support::write(&mut body, &index, zone, &scope, limits)?;
    }
    let mut masked = None;
    if a.redact {
        let (markdown, what) = crate::report::redacted_markdown(&index, &String::from_utf8_lossy(&body), true);
        body = markdown.into_bytes();
        masked = Some(what);
    }
    match &a.output {
        Some(path) => {
            let (mut w, shown) = open_output(path, a.force)?;
            w.write_all(&body)?;
            w.flush()?;
            eprintln!("audit-tui: wrote the report to {shown}");
        }
        None => io::stdout().lock().write_all(&body)?,
    }
    if let Some(masked) = masked {
        eprintln!("audit-tui: redacted {masked}");
    }
    Ok(())
}

fn run_export(a: ExportArgs, mut opts: Options, cache: Option<&Cache>) -> Result<(), Failure> {
    let query = parse_query(a.query.as_deref(), opts)?;
    // Original lines need no sessions or error groups unless the query asks about sessions
    // (or redaction, which learns the sessions' users and hosts).
    if a.format == export::Format::Jsonl && !a.redact && !query.as_ref().is_some_and(Query::needs_sessions) {
        opts.detail = match query.as_ref().is_some_and(Query::only_errors) {
            true => Detail::Errors,
            false => Detail::Timeline,
        };
    }
    let (_, index, _writing) = load_for_output(&a.paths, a.output.as_deref(), a.force, opts, cache)?;
    let ids = select(&index, query.as_ref()).unwrap_or_else(|| (0..index.len() as u32).collect());
    let mut redact = a.redact.then(|| {
        let mut r = crate::redact::Redactor::for_index(&index);
        export::learn(&mut r, &index, &ids);
        r
    });
    match &a.output {
        Some(path) => {
            let (mut w, shown) = open_output(path, a.force)?;
            let n = export::write(&mut w, &index, &ids, a.format, opts.zone, false, redact.as_mut())?;
            eprintln!("audit-tui: wrote {} events to {shown}", crate::report::fmt::count(n));
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
