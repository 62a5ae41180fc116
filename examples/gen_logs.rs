//! Deterministic generator of large DataTools-style audit log corpora for benchmarks.
//!
//! Writes `D` daily files `DIR/datatools-YYYY-MM-DD.jsonl` (the last one dated
//! `--end-date`) that together hold about `N` MiB, split evenly. Every line is
//! what the DataTools audit writer produces: `json.dumps(event, ensure_ascii=False)`
//! with Python's default `", "` / `": "` separators, keys in the order
//! `ts, level, category, session, message, extras...`, UTC timestamps with
//! millisecond precision and a `+00:00` suffix, non-decreasing within a file.
//!
//! Up to six sessions (8-hex-char ids) are active at once and interleave. Each
//! starts with a `session` "Session started" banner, then browses tool pages,
//! uploads and analyzes files (names partly non-ASCII) and runs tools; about 4 %
//! of lines are `warn` and 2 % are `error` (eleven exception kinds with varying
//! file names and numbers), and most sessions close with "Session ended".
//! Sessions still open at the end of a day carry on in the next day's file.
//!
//! Usage:
//!
//! ```text
//! cargo run --release --example gen_logs -- [--size-mb N] [--days D] [--seed S]
//!     [--out DIR] [--end-date YYYY-MM-DD]
//! ```
//!
//! The same arguments always produce byte-identical files.

use std::error::Error;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use chrono::{Duration, NaiveDate};

mod common;
use common::{Rng, push_json_str, py_repr};

const USAGE: &str = "\
gen_logs: write deterministic DataTools-style audit log corpora

USAGE:
    cargo run --release --example gen_logs -- [OPTIONS]

OPTIONS:
    --size-mb N             total size in MiB, split evenly over the days [default: 100]
    --days D                number of daily files [default: 1]
    --seed S                PRNG seed; equal arguments give identical output [default: 1]
    --out DIR               output directory [default: target/corpus]
    --end-date YYYY-MM-DD   date of the last daily file [default: 2026-05-17]
    -h, --help              print this help";

const DAY_MS: i64 = 86_400_000;
/// Concurrent DataTools instances writing to the same daily file.
const MAX_CONCURRENT: usize = 6;
/// Expected mean line length, used to size the time scale of a day.
const MEAN_LINE_BYTES: f64 = 180.0;
/// Share of a day over which a day's budget of lines is spread.
const DAY_SPAN: f64 = 0.96;
/// Probability that a tool run or file analysis fails with a logged exception.
const P_ERROR: f64 = 0.058;
/// Probability that a tool run, upload or analysis also logs a warning.
const P_WARN: f64 = 0.18;
/// Share of sessions that close with a "Session ended" event.
const P_CLEAN_END: f64 = 0.85;

struct Config {
    size_mb: u64,
    days: u32,
    seed: u64,
    out: PathBuf,
    end_date: NaiveDate,
}

/// Parses the command line; `Ok(None)` means `--help` was printed.
fn parse_args() -> Result<Option<Config>, Box<dyn Error>> {
    let mut cfg = Config {
        size_mb: 100,
        days: 1,
        seed: 1,
        out: PathBuf::from("target/corpus"),
        end_date: NaiveDate::from_ymd_opt(2026, 5, 17).ok_or("bad default date")?,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            return Ok(None);
        }
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || -> Result<String, Box<dyn Error>> {
            match inline.clone().or_else(|| args.next()) {
                Some(v) => Ok(v),
                None => Err(format!("{key} needs a value").into()),
            }
        };
        match key.as_str() {
            "--size-mb" => cfg.size_mb = value()?.parse()?,
            "--days" => cfg.days = value()?.parse()?,
            "--seed" => cfg.seed = value()?.parse()?,
            "--out" => cfg.out = PathBuf::from(value()?),
            "--end-date" => cfg.end_date = NaiveDate::parse_from_str(&value()?, "%Y-%m-%d")?,
            _ => return Err(format!("unknown argument {arg:?}").into()),
        }
    }
    if cfg.days == 0 {
        return Err("--days must be at least 1".into());
    }
    Ok(Some(cfg))
}

// ---------------------------------------------------------------------------
// Draws only this generator makes from the shared PRNG; basic float arithmetic
// only, so the output does not depend on the platform's libm.
// ---------------------------------------------------------------------------

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// Uniform float in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

/// A client account: its `getpass.getuser()` name and whether it is on macOS.
struct User {
    login: &'static str,
    mac: bool,
}

const fn user(login: &'static str, mac: bool) -> User {
    User { login, mac }
}

const USERS: &[User] = &[
    user("Michael Dombaugh", false),
    user("José Núñez", false),
    user("Priya Raman", false),
    user("Anne-Marie O'Neill", false),
    user("Łukasz Wójcik", false),
    user("Ngozi Okafor", false),
    user("李伟", false),
    user("Zoë Ashworth", false),
    user("dmorrison", false),
    user("Søren Holm", false),
    user("kbrennan", true),
    user("yuki.tanaka", true),
    user("Renée Dubois", false),
    user("Tom Becker", false),
];

const WIN_PLATFORMS: &[&str] = &["Windows 11", "Windows 11", "Windows 10", "Windows 10"];
const MAC_PLATFORMS: &[&str] = &["Darwin 23.4.0", "Darwin 24.1.0", "Darwin 22.6.0"];
const PYTHONS: &[&str] = &["3.12.10", "3.12.8", "3.13.3", "3.11.9", "3.14.0"];
const WIN_DIRS: &[&str] = &[
    "Documents",
    "Desktop",
    "Downloads",
    "OneDrive - Contoso Ltd\\Reports",
    "Documents\\DataTools",
    "Documents\\Données clients",
];
const MAC_DIRS: &[&str] = &["Documents", "Desktop", "Downloads", "Documents/Kunden"];

/// A tool page: slug, the message of its primary action, and whether it has one.
struct Page {
    slug: &'static str,
    run: &'static str,
    ready: bool,
}

const fn page(slug: &'static str, run: &'static str, ready: bool) -> Page {
    Page { slug, run, ready }
}

const PAGES: &[Page] = &[
    page("1_Profiler", "Profile Columns run", true),
    page("2_Text_Cleaner", "Clean Text run", true),
    page("3_Deduplicate", "Find Duplicates run", true),
    page("4_Dates", "Normalize Dates run", true),
    page("5_Merge", "Merge Files run", true),
    page("6_Pivot", "", false),
    page("7_Charts", "", false),
    page("8_Export", "", false),
    page("9_Addresses", "Standardize Addresses run", true),
];

const FILE_STEMS: &[&str] = &[
    "customers",
    "orders",
    "invoices",
    "données",
    "客户",
    "Kundenliste",
    "mailing list",
    "sales_Q",
    "export",
    "inventory",
    "payroll",
    "leads (copy)",
    "Übersicht",
    "réservations",
    "weird",
    "contacts_CRM",
];
const FILE_EXTS: &[&str] = &[".csv", ".csv", ".csv", ".xlsx", ".xlsx", ".xls", ".tsv", ".json"];
const COLUMNS: &[&str] = &[
    "Customer ID",
    "Order Date",
    "E-mail",
    "Téléphone",
    "Postleitzahl",
    "Amount (€)",
    "Ship Date",
    "名前",
    "Account #",
];

/// Writes a plausible uploaded file name, e.g. `orders_0412.csv` or `客户 (2).xlsx`.
fn file_name(rng: &mut Rng) -> String {
    let stem = rng.pick(FILE_STEMS);
    let ext = rng.pick(FILE_EXTS);
    match rng.below(8) {
        0 => format!("{stem}_{:04}{ext}", rng.range(101, 1231)),
        1 => format!("{stem}_{}{ext}", rng.range(2019, 2026)),
        2 => format!("{stem} ({}){ext}", rng.range(1, 9)),
        3 => format!("{stem}{}{ext}", rng.range(1, 4)),
        _ => format!("{stem}{ext}"),
    }
}

/// File size in bytes, log-uniform between 2 KB and 60 MB.
fn file_bytes(rng: &mut Rng) -> u64 {
    let mut size = rng.range(2_000, 9_999);
    for _ in 0..rng.below(5) {
        size = size * rng.range(3, 10) / 2;
    }
    size.min(60_000_000)
}

// ---------------------------------------------------------------------------
// JSON output, byte-compatible with Python's `json.dumps(ensure_ascii=False)`
// ---------------------------------------------------------------------------

/// The part of an event after `"session": "…", `: message, extras and the closing brace.
struct Body(String);

impl Body {
    fn new(message: &str) -> Self {
        let mut s = String::with_capacity(160);
        s.push_str("\"message\": ");
        push_json_str(&mut s, message, false);
        Body(s)
    }

    /// Only extra fields, to be appended to another body (see [`exception`]).
    fn extras() -> Self {
        Body(String::new())
    }

    fn str(mut self, key: &str, value: &str) -> Self {
        let _ = write!(self.0, ", \"{key}\": ");
        push_json_str(&mut self.0, value, false);
        self
    }

    fn num(mut self, key: &str, value: u64) -> Self {
        let _ = write!(self.0, ", \"{key}\": {value}");
        self
    }

    fn done(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// One planned audit event, rendered except for its timestamp and session id.
struct Event {
    level: &'static str,
    category: &'static str,
    body: String,
}

fn info(category: &'static str, body: Body) -> Event {
    Event { level: "info", category, body: body.done() }
}

fn warn(category: &'static str, body: Body) -> Event {
    Event { level: "warn", category, body: body.done() }
}

/// `log_exception(where, exc, **extra)`: message, exc_type, exc_message, extras.
fn exception(place: &str, exc_type: &str, exc_message: &str, extra: Body) -> Event {
    let mut body = Body::new(&format!("{place}: {exc_type}: {exc_message}"))
        .str("exc_type", exc_type)
        .str("exc_message", exc_message);
    body.0.push_str(&extra.0);
    Event { level: "error", category: "error", body: body.done() }
}

// ---------------------------------------------------------------------------
// Error and warning vocabulary
// ---------------------------------------------------------------------------

fn analyze_error(rng: &mut Rng, file: &str) -> Event {
    let place = format!("analyze({file})");
    let extra = |outcome: &str| Body::extras().str("filename", file).str("outcome", outcome);
    match rng.below(6) {
        0 | 1 => exception(&place, "EmptyDataError", "No columns to parse", extra("empty_after_repair")),
        2 => {
            let (n, line) = (rng.range(4, 40), rng.range(2, 90_000));
            let msg = format!(
                "Error tokenizing data. C error: Expected {n} fields in line {line}, saw {}",
                n + rng.range(1, 3)
            );
            exception(&place, "ParserError", &msg, extra("parse_failed"))
        }
        3 => {
            let msg = format!(
                "'utf-8' codec can't decode byte 0x{:02x} in position {}: invalid continuation byte",
                rng.range(0x80, 0xff),
                rng.range(10, 5_000_000)
            );
            exception(&place, "UnicodeDecodeError", &msg, extra("decode_failed"))
        }
        4 => exception(
            &place,
            "ValueError",
            "Excel file format cannot be determined, you must specify an engine manually.",
            extra("unreadable"),
        ),
        _ => exception(&place, "BadZipFile", "File is not a zip file", extra("corrupt_xlsx")),
    }
}

fn tool_error(rng: &mut Rng, page: &Page, file: &str) -> Event {
    let place = format!("tool_run({})", page.slug);
    let extra = |outcome: &str| Body::extras().str("page", page.slug).str("filename", file).str("outcome", outcome);
    match rng.below(5) {
        0 => {
            let msg = format!("'{}'", rng.pick(COLUMNS));
            exception(&place, "KeyError", &msg, extra("missing_column"))
        }
        1 => {
            let n = rng.range(10_000_000, 400_000_000);
            let msg = format!(
                "Unable to allocate {}.{:02} GiB for an array with shape ({n},) and data type {}",
                n * 8 / 1_073_741_824,
                n * 8 % 1_073_741_824 * 100 / 1_073_741_824,
                rng.pick(&["int64", "float64", "object"])
            );
            exception(&place, "MemoryError", &msg, extra("oom"))
        }
        2 => {
            let msg = format!(
                "Out of bounds nanosecond timestamp: {}-{:02}-{:02} 00:00:00, at position {}",
                rng.pick(&[1, 1900, 2262, 2999, 9999]),
                rng.range(1, 12),
                rng.range(1, 28),
                rng.range(0, 50_000)
            );
            exception(&place, "OutOfBoundsDatetime", &msg, extra("bad_dates"))
        }
        3 => {
            let msg = format!(
                "[Errno 28] No space left on device: {}",
                py_repr(&format!("C:\\Users\\Public\\Temp\\datatools_{:06x}.parquet", rng.below(0xff_ffff)))
            );
            exception(&place, "OSError", &msg, extra("disk_full"))
        }
        _ => exception(
            &place,
            "ValueError",
            "You are trying to merge on object and int64 columns. If you wish to proceed you should use pd.concat",
            extra("merge_dtype"),
        ),
    }
}

fn upload_error(file: &str, user: &User) -> Event {
    let path = if user.mac {
        format!("/Users/{}/Documents/{file}", user.login)
    } else {
        format!("C:\\Users\\{}\\Documents\\{file}", user.login)
    };
    let msg = format!("[Errno 13] Permission denied: {}", py_repr(&path));
    let extra = Body::extras().str("filename", file).str("outcome", "locked");
    exception(&format!("upload({file})"), "PermissionError", &msg, extra)
}

fn upload_warning(rng: &mut Rng, file: &str, bytes: u64) -> Event {
    let pct = rng.pick(&[5u64, 10, 20, 25]);
    let msg = format!("Large file: {} MB, sampling {pct}%", bytes / 1_000_000);
    warn("upload", Body::new(&msg).str("filename", file).num("bytes", bytes).num("sample_pct", *pct))
}

fn analyze_warning(rng: &mut Rng, file: &str) -> Event {
    if rng.chance(0.5) {
        let col = rng.pick(COLUMNS);
        let msg = format!("Mixed date formats in column '{col}' ({} formats)", rng.range(2, 4));
        warn("analyze", Body::new(&msg).str("filename", file).str("column", col))
    } else {
        let enc = rng.pick(&["cp1252", "latin-1", "utf-16", "mac_roman"]);
        let msg = format!("Encoding fallback: {enc} for {file}");
        warn("analyze", Body::new(&msg).str("filename", file).str("encoding", enc))
    }
}

fn tool_warning(rng: &mut Rng, page: &Page) -> Event {
    let tenths = rng.range(300, 2400);
    let msg = format!("Slow run: {} took {}.{} s", page.run.trim_end_matches(" run"), tenths / 10, tenths % 10);
    warn("tool_run", Body::new(&msg).str("page", page.slug).num("elapsed_ms", tenths * 100))
}

// ---------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------

struct Session {
    id: String,
    user: &'static User,
    platform: &'static str,
    python: &'static str,
    cwd: String,
    start_ms: i64,
    next_ms: i64,
    emitted: u64,
    remaining: u64,
    page: usize,
    files: Vec<(String, u64)>,
    queue: std::collections::VecDeque<Event>,
}

impl Session {
    fn new(rng: &mut Rng, now: i64, budget: u64) -> Self {
        let user = rng.pick(USERS);
        let (platform, cwd) = if user.mac {
            (*rng.pick(MAC_PLATFORMS), format!("/Users/{}/{}", user.login, rng.pick(MAC_DIRS)))
        } else {
            (*rng.pick(WIN_PLATFORMS), format!("C:\\Users\\{}\\{}", user.login, rng.pick(WIN_DIRS)))
        };
        let python = *rng.pick(PYTHONS);
        Session {
            id: format!("{:08x}", rng.next_u64() >> 32),
            user,
            platform,
            python,
            cwd,
            start_ms: now,
            next_ms: now,
            emitted: 0,
            remaining: budget,
            page: usize::MAX,
            files: Vec::new(),
            queue: Default::default(),
        }
    }

    fn log_file(&self, date: &str) -> String {
        if self.user.mac {
            format!("/Users/{}/.datatools/logs/datatools-{date}.jsonl", self.user.login)
        } else {
            format!("C:\\Users\\{}\\.datatools\\logs\\datatools-{date}.jsonl", self.user.login)
        }
    }

    fn start_event(&self, date: &str) -> Event {
        let body = Body::new("Session started")
            .str("platform", self.platform)
            .str("python", self.python)
            .str("user", self.user.login)
            .str("cwd", &self.cwd)
            .str("log_file", &self.log_file(date));
        info("session", body)
    }

    fn end_event(&self, now: i64) -> Event {
        let secs = (now - self.start_ms).max(0) / 1000;
        info("session", Body::new("Session ended").num("events", self.emitted + 1).num("uptime_s", secs as u64))
    }

    /// The next event of this session, planning a new activity when idle.
    fn next_event(&mut self, rng: &mut Rng) -> Event {
        if self.queue.is_empty() {
            self.plan_activity(rng);
        }
        self.queue.pop_front().unwrap_or_else(|| info("nav", Body::new("Opened Home").str("page", "Home")))
    }

    fn plan_activity(&mut self, rng: &mut Rng) {
        match rng.below(100) {
            0..=24 => self.plan_upload_and_analyze(rng),
            25..=67 => self.plan_tool_run(rng),
            68..=93 => {
                let page = rng.below(PAGES.len() as u64) as usize;
                self.plan_nav(page);
            }
            _ => self.plan_remove(rng),
        }
    }

    fn plan_nav(&mut self, page: usize) {
        if self.page != page {
            self.page = page;
            let slug = PAGES[page].slug;
            self.queue.push_back(info("nav", Body::new(&format!("Opened {slug}")).str("page", slug)));
        }
    }

    fn plan_upload_and_analyze(&mut self, rng: &mut Rng) {
        if self.page != usize::MAX {
            self.page = usize::MAX;
            self.queue.push_back(info("nav", Body::new("Opened Home").str("page", "Home")));
        }
        let count = if rng.chance(0.8) { 1 } else { rng.range(2, 3) };
        let mut batch = Vec::new();
        for _ in 0..count {
            let name = file_name(rng);
            let mut bytes = file_bytes(rng);
            if rng.chance(P_ERROR * 0.1) {
                self.queue.push_back(upload_error(&name, self.user));
                continue;
            }
            let large = rng.chance(P_WARN * 0.35);
            if large {
                bytes = rng.range(101_000_000, 950_000_000);
            }
            let msg = format!("Uploaded {name}");
            self.queue.push_back(info("upload", Body::new(&msg).str("filename", &name).num("bytes", bytes)));
            if large {
                self.queue.push_back(upload_warning(rng, &name, bytes));
            }
            batch.push((name, bytes));
        }
        if batch.is_empty() {
            return;
        }
        let msg = format!("Run analysis on {} file{}", batch.len(), if batch.len() == 1 { "" } else { "s" });
        self.queue.push_back(info("analyze", Body::new(&msg).num("files", batch.len() as u64)));
        for (name, bytes) in &batch {
            self.plan_analysis(rng, name, *bytes);
        }
        self.files.extend(batch);
        if self.files.len() > 4 {
            self.files.remove(0);
        }
    }

    fn plan_analysis(&mut self, rng: &mut Rng, name: &str, bytes: u64) {
        if rng.chance(P_ERROR) {
            self.queue.push_back(analyze_error(rng, name));
            return;
        }
        if rng.chance(P_WARN * 0.5) {
            self.queue.push_back(analyze_warning(rng, name));
        }
        let findings = rng.below(4) * rng.below(4);
        let rows = (bytes / rng.range(60, 180)).max(1);
        let msg = format!("Analyzed {name} ({findings} findings)");
        let body = Body::new(&msg)
            .str("filename", name)
            .num("findings", findings)
            .num("rows", rows)
            .num("cols", rng.range(3, 42))
            .str("sha1", &sha1_12(name, bytes));
        self.queue.push_back(info("analyze", body));
    }

    fn plan_tool_run(&mut self, rng: &mut Rng) {
        let ready: Vec<usize> = (0..PAGES.len()).filter(|&i| PAGES[i].ready).collect();
        let page = *rng.pick(&ready);
        self.plan_nav(page);
        let page = &PAGES[page];
        let file = match self.files.last() {
            Some((name, _)) => name.clone(),
            None => file_name(rng),
        };
        if rng.chance(P_ERROR) {
            self.queue.push_back(tool_error(rng, page, &file));
            return;
        }
        if rng.chance(P_WARN * 0.6) {
            self.queue.push_back(tool_warning(rng, page));
        }
        let body = Body::new(page.run).str("page", page.slug).str("filename", &file);
        self.queue.push_back(info("tool_run", body));
    }

    fn plan_remove(&mut self, rng: &mut Rng) {
        if self.files.is_empty() {
            return self.plan_upload_and_analyze(rng);
        }
        let (name, _) = self.files.remove(rng.below(self.files.len() as u64) as usize);
        let msg = format!("Removed {name}");
        self.queue.push_back(info("upload", Body::new(&msg).str("filename", &name)));
    }
}

/// A stable 12-hex-digit fingerprint of a file, as the analyzer's sha1 prefix.
fn sha1_12(name: &str, bytes: u64) -> String {
    let mut h = Rng(bytes);
    for b in name.bytes() {
        h.0 ^= u64::from(b);
        h.next_u64();
    }
    format!("{:012x}", h.next_u64() >> 16)
}

// ---------------------------------------------------------------------------
// Simulation: up to MAX_CONCURRENT sessions interleaved on one clock
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    files: u64,
    bytes: u64,
    lines: u64,
    sessions: u64,
    errors: u64,
    warnings: u64,
}

enum Slot {
    Idle { until: i64 },
    Busy(Box<Session>),
}

impl Slot {
    fn next_ms(&self) -> i64 {
        match self {
            Slot::Idle { until } => *until,
            Slot::Busy(s) => s.next_ms,
        }
    }

    fn shift(&mut self, delta: i64) {
        match self {
            Slot::Idle { until } => *until += delta,
            Slot::Busy(s) => s.next_ms += delta,
        }
    }
}

struct Sim {
    rng: Rng,
    slots: Vec<Slot>,
    clock: i64,
    /// Mean gap between two events of one session, in ms.
    session_gap: f64,
    /// Mean number of events in a session.
    session_events: u64,
    /// Pace correction so a day's budget ends near the end of the day.
    pace: f64,
    stats: Stats,
    line: String,
}

impl Sim {
    fn new(seed: u64, day_bytes: u64) -> Self {
        let day_lines = (day_bytes as f64 / MEAN_LINE_BYTES).max(1.0);
        let busy = MAX_CONCURRENT as f64 * 0.9;
        let session_gap = DAY_SPAN * DAY_MS as f64 / day_lines * busy / 1.27;
        let session_events = ((day_lines / 15.0) as u64).clamp(20, 400);
        let mut rng = Rng::new(seed);
        let slots =
            (0..MAX_CONCURRENT).map(|_| Slot::Idle { until: (rng.unit() * session_gap * 20.0) as i64 }).collect();
        Sim {
            rng,
            slots,
            clock: 0,
            session_gap,
            session_events,
            pace: 1.0,
            stats: Stats::default(),
            line: String::with_capacity(1024),
        }
    }

    /// Gap to a session's next event: triangular around the mean, with rare long pauses.
    fn gap(&mut self) -> i64 {
        let base = self.session_gap * self.pace * (self.rng.unit() + self.rng.unit());
        let factor = if self.rng.chance(0.03) { 10.0 } else { 1.0 };
        (base * factor) as i64
    }

    fn idle_gap(&mut self) -> i64 {
        let mean = self.session_gap * self.session_events as f64 * 0.11;
        (mean * self.pace * 2.0 * self.rng.unit()) as i64
    }

    /// Recomputes the pace so that the rest of the day's budget ends near `DAY_SPAN`.
    fn update_pace(&mut self, day_start: i64, written: u64, budget: u64) {
        let span = DAY_SPAN * DAY_MS as f64;
        let time_left = (day_start as f64 + span - self.clock as f64).max(span * 0.01);
        let bytes_left = (budget - written).max(1) as f64 / budget as f64;
        self.pace = (time_left / span / bytes_left).clamp(0.2, 5.0);
    }

    fn earliest_slot(&self) -> usize {
        let mut best = 0;
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.next_ms() < self.slots[best].next_ms() {
                best = i;
            }
        }
        best
    }

    /// Advances slot `i` at time `ts`; returns the event it logs with its session id, if any.
    fn step(&mut self, i: usize, ts: i64, date: &str) -> Option<(Event, String)> {
        let (event, id, finished) = match &mut self.slots[i] {
            Slot::Idle { .. } => {
                let mean = self.session_events;
                let budget = self.rng.range(mean / 4, mean * 7 / 4);
                let session = Session::new(&mut self.rng, ts, budget);
                let event = session.start_event(date);
                let id = session.id.clone();
                self.slots[i] = Slot::Busy(Box::new(session));
                self.stats.sessions += 1;
                (Some(event), id, false)
            }
            Slot::Busy(s) if s.remaining == 0 && s.queue.is_empty() => {
                let event = self.rng.chance(P_CLEAN_END).then(|| s.end_event(ts));
                (event, s.id.clone(), true)
            }
            Slot::Busy(s) => {
                s.remaining = s.remaining.saturating_sub(1);
                (Some(s.next_event(&mut self.rng)), s.id.clone(), false)
            }
        };
        let next = if finished { ts + self.idle_gap() } else { ts + self.gap() };
        match &mut self.slots[i] {
            Slot::Busy(s) if !finished => {
                s.emitted += 1;
                s.next_ms = next;
            }
            slot => *slot = Slot::Idle { until: next },
        }
        event.map(|e| (e, id))
    }

    /// Renders one line into `self.line`; `ms` is the time of day in milliseconds.
    fn render(&mut self, ms: i64, date: &str, session: &str, event: &Event) {
        let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        self.line.clear();
        let _ = writeln!(
            self.line,
            "{{\"ts\": \"{date}T{h:02}:{m:02}:{s:02}.{milli:03}+00:00\", \"level\": \"{}\", \
             \"category\": \"{}\", \"session\": \"{session}\", {}",
            event.level, event.category, event.body
        );
        self.stats.lines += 1;
        match event.level {
            "error" => self.stats.errors += 1,
            "warn" => self.stats.warnings += 1,
            _ => {}
        }
    }

    /// Writes one day's file until it holds `budget` bytes.
    fn write_day(&mut self, out: &mut impl Write, day: i64, date: &str, budget: u64) -> std::io::Result<u64> {
        let day_start = day * DAY_MS;
        let day_last = day_start + DAY_MS - 1;
        let delta = day_start - self.clock;
        if delta > 0 {
            self.slots.iter_mut().for_each(|s| s.shift(delta));
            self.clock = day_start;
        }
        let mut written = 0u64;
        let mut since_pace = 0u32;
        while written < budget {
            if since_pace == 0 {
                self.update_pace(day_start, written, budget);
                since_pace = 512;
            }
            since_pace -= 1;
            let slot = self.earliest_slot();
            let ts = self.slots[slot].next_ms().clamp(self.clock, day_last);
            self.clock = ts;
            let Some((event, session)) = self.step(slot, ts, date) else {
                continue;
            };
            self.render(ts - day_start, date, &session, &event);
            out.write_all(self.line.as_bytes())?;
            written += self.line.len() as u64;
        }
        Ok(written)
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let cfg = match parse_args() {
        Ok(Some(cfg)) => cfg,
        Ok(None) => return Ok(()),
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    fs::create_dir_all(&cfg.out)?;
    let total = cfg.size_mb * 1024 * 1024;
    let per_day = total / u64::from(cfg.days);
    let mut sim = Sim::new(cfg.seed, per_day);
    for day in 0..cfg.days {
        let back = i64::from(cfg.days - 1 - day);
        let date = (cfg.end_date - Duration::days(back)).format("%Y-%m-%d").to_string();
        let budget = if day + 1 == cfg.days { total - per_day * u64::from(cfg.days - 1) } else { per_day };
        let path = cfg.out.join(format!("datatools-{date}.jsonl"));
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&path)?);
        let written = sim.write_day(&mut out, i64::from(day), &date, budget)?;
        out.flush()?;
        sim.stats.files += 1;
        sim.stats.bytes += written;
    }
    let st = &sim.stats;
    let pct = |n: u64| 100.0 * n as f64 / st.lines.max(1) as f64;
    println!("wrote {}", cfg.out.display());
    println!("files     {}", st.files);
    println!("bytes     {} ({:.1} MiB)", st.bytes, st.bytes as f64 / 1_048_576.0);
    println!("lines     {} (mean {:.1} B/line)", st.lines, st.bytes as f64 / st.lines.max(1) as f64);
    println!("sessions  {}", st.sessions);
    println!("errors    {} ({:.2} %)", st.errors, pct(st.errors));
    println!("warnings  {} ({:.2} %)", st.warnings, pct(st.warnings));
    println!("elapsed   {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}
