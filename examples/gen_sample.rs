//! Writes the bundled sample "mailed folder" of audit logs (`examples/mailed-logs`).
//!
//! The sample is what a support engineer receives from clients: a small but
//! realistic set of logs from four audit systems, with one believable failure
//! story and a few hostile inputs the viewer must render safely.
//!
//! * `datatools/` — one shared Windows PC running DataTools (audit dir
//!   `C:\ProgramData\DataTools\logs`, client in US Central time, UTC-5 in May):
//!   daily files `datatools-2026-05-12.jsonl` … `datatools-2026-05-17.jsonl`, the
//!   oldest day as a two-member gzip `datatools-2026-05-11.jsonl.gz`, one legacy
//!   per-session file `datatools-20260511T091500-3f9c2a1b.jsonl`, and the
//!   client's `notes.txt`. On 2026-05-17 `weird.csv` fails analysis three times
//!   and a Text Cleaner run ends in a `MemoryError` and a crash: the file's last
//!   line is truncated JSON without a newline.
//! * `tool_audit/home/{alice,bob}/tool_audit/2026-05-1{6,7}.jsonl` — per-user
//!   daily tool-call audit (naive local timestamps, `json.dumps` defaults).
//! * `rtgs/audit-2026-05-15.jsonl` — RTGS lab tools audit entries.
//! * `rtgs/logs/<tool>/*.md` — RTGS execution logs, one Markdown file per run.
//! * `repricing/audit_log.csv` — the repricing program's CSV audit log.
//! * `README.md` — what is where, and the story.
//!
//! Usage: `cargo run --example gen_sample -- [OUTDIR]` (default
//! `examples/mailed-logs`). Only the entries listed above are removed and
//! rewritten inside OUTDIR; nothing outside it is touched. The output depends
//! on nothing but this file: same bytes on every run, machine and time zone.

use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use flate2::{Compression, GzBuilder};

mod common;
use common::{Rng, push_json_str, py_repr};

const USAGE: &str = "\
gen_sample: write the bundled sample mailed folder of audit logs

USAGE:
    cargo run --example gen_sample -- [OUTDIR]

ARGS:
    OUTDIR   output directory [default: examples/mailed-logs]; its datatools/,
             tool_audit/, rtgs/, repricing/ and README.md are replaced";

/// Entries of OUTDIR that this program owns and recreates.
const OWNED: &[&str] = &["datatools", "tool_audit", "rtgs", "repricing", "README.md"];

/// The client's UTC offset in hours (US Central daylight time in May).
const UTC_OFFSET_H: i64 = -5;

type Res<T> = Result<T, Box<dyn Error>>;

// ---------------------------------------------------------------------------
// Draws only this generator makes from the shared PRNG, integer arithmetic only
// ---------------------------------------------------------------------------

impl Rng {
    /// True with probability `pct` percent.
    fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    fn hex(&mut self, digits: usize) -> String {
        let mut s = String::with_capacity(digits);
        while s.len() < digits {
            let _ = write!(s, "{:016x}", self.next_u64());
        }
        s.truncate(digits);
        s
    }
}

// ---------------------------------------------------------------------------
// JSON values serialized exactly like Python's `json.dumps` with default
// separators; `ascii` selects `ensure_ascii=True` (the default) or `False`.
// ---------------------------------------------------------------------------

#[derive(Clone)]
enum J {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Obj(Vec<(String, J)>),
}

impl From<&str> for J {
    fn from(s: &str) -> Self {
        J::Str(s.to_string())
    }
}

impl From<String> for J {
    fn from(s: String) -> Self {
        J::Str(s)
    }
}

impl From<&String> for J {
    fn from(s: &String) -> Self {
        J::Str(s.clone())
    }
}

impl From<u64> for J {
    fn from(n: u64) -> Self {
        J::Int(n as i64)
    }
}

impl From<i64> for J {
    fn from(n: i64) -> Self {
        J::Int(n)
    }
}

impl From<bool> for J {
    fn from(b: bool) -> Self {
        J::Bool(b)
    }
}

impl From<f64> for J {
    fn from(x: f64) -> Self {
        J::Float(x)
    }
}

impl<T: Into<J>> From<Option<T>> for J {
    fn from(v: Option<T>) -> Self {
        v.map_or(J::Null, Into::into)
    }
}

/// Builds a `J::Obj` with keys in the given order.
macro_rules! obj {
    ($($k:expr => $v:expr),* $(,)?) => {
        J::Obj(vec![$(($k.to_string(), J::from($v))),*])
    };
}

impl J {
    /// Appends more keys to an object (like `dict.update` with new keys).
    fn extend(mut self, more: J) -> J {
        if let (J::Obj(a), J::Obj(b)) = (&mut self, more) {
            a.extend(b);
        }
        self
    }

    fn dumps(&self, ascii: bool) -> String {
        let mut out = String::new();
        self.write(&mut out, ascii);
        out
    }

    fn write(&self, out: &mut String, ascii: bool) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Int(n) => {
                let _ = write!(out, "{n}");
            }
            // `{:?}` is the shortest round-trip form, like Python's float repr
            // for the moderate magnitudes used here ("45.7", "3.0").
            J::Float(x) => {
                let _ = write!(out, "{x:?}");
            }
            J::Str(s) => push_json_str(out, s, ascii),
            J::Obj(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    push_json_str(out, k, ascii);
                    out.push_str(": ");
                    v.write(out, ascii);
                }
                out.push('}');
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Time helpers (no time zone database: fixed dates and a fixed offset)
// ---------------------------------------------------------------------------

/// Milliseconds since UTC midnight for a local wall-clock time of the client.
fn local_to_utc_ms(h: i64, m: i64, s: i64) -> i64 {
    ((h - UTC_OFFSET_H) * 3600 + m * 60 + s) * 1000
}

/// `2026-05-17T16:20:03.412+00:00`, as `datetime.isoformat(timespec="milliseconds")`.
fn iso_ms_utc(date: &str, ms: i64) -> String {
    let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{date}T{h:02}:{m:02}:{s:02}.{milli:03}+00:00")
}

/// `2026-05-17 09:18:00` style pieces from seconds since midnight.
fn hms(secs: i64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

// ---------------------------------------------------------------------------
// DataTools audit log
// ---------------------------------------------------------------------------

const AUDIT_DIR: &str = "C:\\ProgramData\\DataTools\\logs";

struct Person {
    login: &'static str,
    home: &'static str,
    cwd: &'static str,
    /// Files this person usually works on, with their sizes in bytes.
    files: &'static [(&'static str, u64)],
}

const DANA: Person = Person {
    login: "Dana Whitfield",
    home: "C:\\Users\\Dana Whitfield",
    cwd: "C:\\Users\\Dana Whitfield\\Documents",
    files: &[
        ("customers_may.csv", 24_813),
        ("invoices_2026-05.xlsx", 188_406),
        ("données_2026.csv", 73_112),
        ("客户.xlsx", 41_980),
        ("vendors.csv", 9_644),
        ("bank_export_0512.csv", 312_775),
        ("payroll_may.xlsx", 57_310),
        ("mailing list (copy).csv", 15_206),
    ],
};

const JOSE: Person = Person {
    login: "José Núñez",
    home: "C:\\Users\\José Núñez",
    cwd: "C:\\Users\\José Núñez\\OneDrive - Whitfield & Co\\Inventario",
    files: &[
        ("inventory_0514.csv", 96_220),
        ("pedidos_mayo.xlsx", 130_544),
        ("réservations.csv", 12_078),
        ("proveedores.csv", 8_431),
    ],
};

/// Tool pages: slug, primary-action message, and whether the page is "Ready".
const PAGES: &[(&str, &str, bool)] = &[
    ("1_Profiler", "Profile Columns run", true),
    ("2_Text_Cleaner", "Clean Text run", true),
    ("3_Deduplicate", "Find Duplicates run", true),
    ("4_Dates", "Normalize Dates run", true),
    ("5_Merge", "Merge Files run", true),
    ("6_Pivot", "", false),
    ("7_Charts", "", false),
    ("8_Export", "", false),
    ("9_Addresses", "Standardize Addresses run", true),
];

/// How a rendered line ends on disk.
#[derive(Clone, Copy)]
enum End {
    Lf,
    CrLf,
    /// The writer died mid-line: keep only this many bytes, no newline.
    Truncated(usize),
}

struct Line {
    ms: i64,
    obj: J,
    end: End,
}

/// One DataTools process (one `session` id) and the events it logs.
struct Session {
    id: String,
    person: &'static Person,
    date: &'static str,
    log_file: String,
    clock: i64,
    page: &'static str,
    uploaded: Vec<(String, u64)>,
    lines: Vec<Line>,
}

impl Session {
    /// A session of the daily-file build, started at local time `h:m:s`.
    fn new(rng: &mut Rng, id: &str, person: &'static Person, date: &'static str, hms: (i64, i64, i64)) -> Self {
        let clock = local_to_utc_ms(hms.0, hms.1, hms.2) + rng.range(0, 999) as i64;
        Session {
            id: id.to_string(),
            person,
            date,
            log_file: format!("{AUDIT_DIR}\\datatools-{date}.jsonl"),
            clock,
            page: "",
            uploaded: Vec::new(),
            lines: Vec::new(),
        }
    }

    fn wait(&mut self, rng: &mut Rng, lo_s: u64, hi_s: u64) {
        self.clock += rng.range(lo_s * 1000, hi_s * 1000) as i64;
    }

    fn local_minutes(&self) -> i64 {
        self.clock / 60_000 + UTC_OFFSET_H * 60
    }

    /// `log_event(category, message, level=level, **extra)`.
    fn log(&mut self, level: &str, category: &str, message: &str, extra: J) {
        let base = obj! {
            "ts" => iso_ms_utc(self.date, self.clock),
            "level" => level,
            "category" => category,
            "session" => self.id.as_str(),
            "message" => message,
        };
        self.lines.push(Line { ms: self.clock, obj: base.extend(extra), end: End::Lf });
    }

    /// `log_exception(where, exc, **extra)`.
    fn exception(&mut self, place: &str, exc_type: &str, exc_message: &str, extra: J) {
        let message = format!("{place}: {exc_type}: {exc_message}");
        let head = obj! { "exc_type" => exc_type, "exc_message" => exc_message };
        self.log("error", "error", &message, head.extend(extra));
    }

    fn start(&mut self, with_cwd: bool) {
        let mut extra = obj! {
            "platform" => "Windows 11",
            "python" => "3.12.10",
            "user" => self.person.login,
        };
        if with_cwd {
            extra = extra.extend(obj! { "cwd" => self.person.cwd });
        }
        let extra = extra.extend(obj! { "log_file" => self.log_file.as_str() });
        self.log("info", "session", "Session started", extra);
    }

    fn end(&mut self, rng: &mut Rng) {
        self.wait(rng, 5, 40);
        let started = self.lines.first().map_or(self.clock, |l| l.ms);
        let extra = obj! {
            "events" => self.lines.len() as u64 + 1,
            "uptime_s" => ((self.clock - started) / 1000) as u64,
        };
        self.log("info", "session", "Session ended", extra);
    }

    fn nav(&mut self, slug: &'static str) {
        if self.page != slug {
            self.page = slug;
            self.log("info", "nav", &format!("Opened {slug}"), obj! { "page" => slug });
        }
    }

    fn upload(&mut self, rng: &mut Rng, name: &str, bytes: u64) {
        self.nav("Home");
        self.wait(rng, 3, 25);
        let extra = obj! { "filename" => name, "bytes" => bytes };
        self.log("info", "upload", &format!("Uploaded {name}"), extra);
        self.uploaded.retain(|(n, _)| n != name);
        self.uploaded.push((name.to_string(), bytes));
    }

    fn remove(&mut self, rng: &mut Rng, name: &str) {
        self.wait(rng, 2, 20);
        self.log("info", "upload", &format!("Removed {name}"), obj! { "filename" => name });
        self.uploaded.retain(|(n, _)| n != name);
    }

    fn run_analysis(&mut self, rng: &mut Rng, files: u64) {
        self.wait(rng, 2, 15);
        let s = if files == 1 { "" } else { "s" };
        self.log("info", "analyze", &format!("Run analysis on {files} file{s}"), obj! { "files" => files });
    }

    fn analyzed(&mut self, rng: &mut Rng, name: &str, bytes: u64) {
        self.wait(rng, 1, 6);
        let findings = rng.below(4) * rng.below(3);
        let extra = obj! {
            "filename" => name,
            "findings" => findings,
            "rows" => bytes / 97 + 1,
            "cols" => 4 + fingerprint(name, 0) % 19,
            "sha1" => format!("{:012x}", fingerprint(name, bytes) >> 16),
        };
        self.log("info", "analyze", &format!("Analyzed {name} ({findings} findings)"), extra);
    }

    fn tool_run(&mut self, rng: &mut Rng, page: usize) {
        let (slug, run, _) = PAGES[page];
        self.nav(slug);
        self.wait(rng, 10, 90);
        let file = self.uploaded.last().map_or(self.person.files[0].0, |(n, _)| n.as_str()).to_string();
        self.log("info", "tool_run", run, obj! { "page" => slug, "filename" => file });
    }

    /// Routine work until local time `until_h:until_m`.
    fn routine(&mut self, rng: &mut Rng, until: (i64, i64)) {
        while self.local_minutes() < until.0 * 60 + until.1 {
            self.wait(rng, 20, 200);
            self.activity(rng);
        }
    }

    fn activity(&mut self, rng: &mut Rng) {
        match rng.below(100) {
            0..=29 => {
                let &(name, bytes) = rng.pick(self.person.files);
                self.upload(rng, name, bytes);
                self.run_analysis(rng, 1);
                if rng.pct(6) {
                    self.routine_error(rng, name);
                } else {
                    if rng.pct(8) {
                        self.wait(rng, 1, 4);
                        let msg = format!("Mixed date formats in column 'Invoice Date' ({} formats)", rng.range(2, 3));
                        self.log("warn", "analyze", &msg, obj! { "filename" => name, "column" => "Invoice Date" });
                    }
                    self.analyzed(rng, name, bytes);
                }
            }
            30..=74 => {
                let ready: Vec<usize> = (0..PAGES.len()).filter(|&i| PAGES[i].2).collect();
                let page = *rng.pick(&ready);
                self.tool_run(rng, page);
                if rng.pct(5) {
                    self.wait(rng, 1, 3);
                    let tenths = rng.range(300, 900);
                    let msg = format!(
                        "Slow run: {} took {}.{} s",
                        PAGES[page].1.trim_end_matches(" run"),
                        tenths / 10,
                        tenths % 10
                    );
                    self.log("warn", "tool_run", &msg, obj! { "page" => PAGES[page].0, "elapsed_ms" => tenths * 100 });
                }
            }
            75..=92 => {
                let (slug, _, _) = *rng.pick(PAGES);
                self.nav(slug);
            }
            _ => match self.uploaded.first().map(|(n, _)| n.clone()) {
                Some(name) => self.remove(rng, &name),
                None => self.nav("Home"),
            },
        }
    }

    /// One of the everyday failures, so the error view has groups to show.
    fn routine_error(&mut self, rng: &mut Rng, name: &str) {
        self.wait(rng, 1, 8);
        let place = format!("analyze({name})");
        let extra = |outcome: &str| obj! { "filename" => name, "outcome" => outcome };
        match rng.below(4) {
            0 => {
                let msg = format!(
                    "'utf-8' codec can't decode byte 0x{:02x} in position {}: invalid continuation byte",
                    rng.pick(&[0xe9u64, 0xfc, 0x96, 0xa0]),
                    rng.range(1_000, 90_000)
                );
                self.exception(&place, "UnicodeDecodeError", &msg, extra("decode_failed"));
            }
            1 => {
                let n = rng.range(6, 14);
                let msg = format!(
                    "Error tokenizing data. C error: Expected {n} fields in line {}, saw {}",
                    rng.range(40, 4_000),
                    n + 1
                );
                self.exception(&place, "ParserError", &msg, extra("parse_failed"));
            }
            2 => {
                let path = format!("{}\\Documents\\{name}", self.person.home);
                let msg = format!("[Errno 13] Permission denied: {}", py_repr(&path));
                self.exception(&place, "PermissionError", &msg, extra("locked"));
            }
            _ => {
                let msg = "Excel file format cannot be determined, you must specify an engine manually.";
                self.exception(&place, "ValueError", msg, extra("unreadable"));
            }
        }
    }
}

/// A stable fingerprint of a file (stands in for the analyzer's sha1 prefix).
fn fingerprint(name: &str, bytes: u64) -> u64 {
    let mut h = Rng(bytes ^ 0xD1B5_4A32_D192_ED03);
    for b in name.bytes() {
        h.0 ^= u64::from(b);
        h.next_u64();
    }
    h.next_u64()
}

/// Merges sessions by timestamp (stable, so equal times keep session order) and renders them.
fn render_sessions(sessions: Vec<Session>) -> Vec<u8> {
    let mut lines: Vec<Line> = sessions.into_iter().flat_map(|s| s.lines).collect();
    lines.sort_by_key(|l| l.ms);
    let mut out = Vec::new();
    for line in &lines {
        let text = line.obj.dumps(false);
        match line.end {
            End::Lf => {
                out.extend_from_slice(text.as_bytes());
                out.push(b'\n');
            }
            End::CrLf => {
                out.extend_from_slice(text.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            End::Truncated(keep) => {
                let mut keep = keep.min(text.len());
                while !text.is_char_boundary(keep) {
                    keep -= 1;
                }
                out.extend_from_slice(&text.as_bytes()[..keep]);
            }
        }
    }
    out
}

fn session_id(rng: &mut Rng) -> String {
    rng.hex(8)
}

/// 2026-05-11 morning: the old build, one file per session, no `cwd` in the banner.
fn legacy_session(rng: &mut Rng) -> Session {
    let mut s = Session::new(rng, "3f9c2a1b", &DANA, "2026-05-11", (9, 15, 0));
    s.log_file = format!("{AUDIT_DIR}\\datatools-20260511T091500-3f9c2a1b.jsonl");
    s.start(false);
    s.routine(rng, (10, 5));
    s.end(rng);
    s
}

/// A whole routine session from `start` to `until` (local times).
fn routine_session(
    rng: &mut Rng,
    person: &'static Person,
    date: &'static str,
    start: (i64, i64),
    until: (i64, i64),
) -> Session {
    let id = session_id(rng);
    let sec = rng.range(0, 59) as i64;
    let mut s = Session::new(rng, &id, person, date, (start.0, start.1, sec));
    s.start(true);
    s.routine(rng, until);
    s.end(rng);
    s
}

/// 2026-05-13: a second DataTools instance uploads a file whose name holds an ANSI escape.
fn escape_session(rng: &mut Rng) -> Session {
    let id = session_id(rng);
    let mut s = Session::new(rng, &id, &DANA, "2026-05-13", (10, 21, 7));
    s.start(true);
    s.routine(rng, (10, 40));
    let name = "report\u{1b}[31mRED\u{1b}[0m.csv";
    s.upload(rng, name, 3_172);
    s.run_analysis(rng, 1);
    s.analyzed(rng, name, 3_172);
    s.remove(rng, name);
    s.routine(rng, (11, 5));
    s.end(rng);
    s
}

/// 2026-05-14: José works while Dana's session is open; one of his lines ends in CRLF.
fn crlf_session(rng: &mut Rng) -> Session {
    let id = session_id(rng);
    let mut s = Session::new(rng, &id, &JOSE, "2026-05-14", (11, 32, 40));
    s.start(true);
    s.routine(rng, (12, 20));
    let idx = s.lines.len() / 2;
    s.lines[idx].end = End::CrLf;
    s.routine(rng, (13, 25));
    s.end(rng);
    s
}

/// 2026-05-15: a file name with a right-to-left override (displays as `payroll_vsc.xls`).
fn bidi_session(rng: &mut Rng) -> Session {
    let id = session_id(rng);
    let mut s = Session::new(rng, &id, &DANA, "2026-05-15", (8, 31, 12));
    s.start(true);
    s.routine(rng, (9, 30));
    let name = "payroll_\u{202e}slx.csv";
    s.upload(rng, name, 57_310);
    s.run_analysis(rng, 1);
    s.analyzed(rng, name, 57_310);
    s.routine(rng, (12, 0));
    s.end(rng);
    s
}

/// 2026-05-17 (Sunday): weird.csv fails three times, Text Cleaner runs out of memory, crash.
fn crash_session(rng: &mut Rng) -> Session {
    let mut s = Session::new(rng, "7d41e9b2", &DANA, "2026-05-17", (8, 4, 31));
    s.start(true);
    s.routine(rng, (11, 8));
    let (weird, bytes) = ("weird.csv", 432_013_312u64);
    s.clock = s.clock.max(local_to_utc_ms(11, 14, 5));
    s.upload(rng, weird, bytes);
    s.wait(rng, 1, 2);
    let extra = obj! { "filename" => weird, "bytes" => bytes, "sample_pct" => 10u64 };
    s.log("warn", "upload", "Large file: 432 MB, sampling 10%", extra);
    for attempt in 0..3 {
        if attempt == 2 {
            s.remove(rng, weird);
            s.upload(rng, weird, bytes);
        }
        s.run_analysis(rng, 1);
        s.wait(rng, 4, 9);
        let extra = obj! { "filename" => weird, "outcome" => "empty_after_repair" };
        s.exception("analyze(weird.csv)", "EmptyDataError", "No columns to parse", extra);
        s.wait(rng, 20, 45);
    }
    s.nav("2_Text_Cleaner");
    s.wait(rng, 20, 30);
    let extra = obj! { "page" => "2_Text_Cleaner", "filename" => weird };
    s.log("warn", "tool_run", "Sampling disabled: loading all 432 MB of weird.csv", extra);
    s.clock = s.clock.max(local_to_utc_ms(11, 19, 48) + 206);
    let msg = "Unable to allocate 3.22 GiB for an array with shape (432013312,) and data type int64";
    let extra = obj! { "page" => "2_Text_Cleaner", "filename" => weird, "outcome" => "oom" };
    s.exception("tool_run(2_Text_Cleaner)", "MemoryError", msg, extra);
    s.clock = s.clock.max(local_to_utc_ms(11, 20, 3) + 412);
    let msg = "<built-in method encode of str object at 0x000001F3A2C4B0F0> returned a result with an exception set";
    let extra = obj! { "page" => "2_Text_Cleaner", "filename" => weird, "outcome" => "crash" };
    s.exception("tool_run(2_Text_Cleaner)", "SystemError", msg, extra);
    let last = s.lines.len() - 1;
    let cut = s.lines[last].obj.dumps(false).find("returned a").map_or(200, |i| i + 6);
    s.lines[last].end = End::Truncated(cut);
    s
}

/// The sessions of each daily file, oldest first.
fn datatools_days(rng: &mut Rng) -> Vec<(&'static str, Vec<Session>)> {
    let r = routine_session;
    let mut days = Vec::new();
    days.push((
        "2026-05-12",
        vec![r(rng, &DANA, "2026-05-12", (8, 40), (12, 5)), r(rng, &DANA, "2026-05-12", (13, 10), (17, 20))],
    ));
    let first = r(rng, &DANA, "2026-05-13", (8, 55), (11, 30));
    let second = escape_session(rng);
    days.push(("2026-05-13", vec![first, second, r(rng, &DANA, "2026-05-13", (14, 0), (16, 45))]));
    let dana = r(rng, &DANA, "2026-05-14", (9, 5), (12, 10));
    let jose = crlf_session(rng);
    let mut late = r(rng, &DANA, "2026-05-14", (14, 20), (17, 0));
    late.lines.pop(); // closed without "Session ended"
    days.push(("2026-05-14", vec![dana, jose, late]));
    days.push(("2026-05-15", vec![bidi_session(rng), r(rng, &DANA, "2026-05-15", (13, 0), (16, 30))]));
    days.push(("2026-05-16", vec![r(rng, &JOSE, "2026-05-16", (9, 10), (12, 45))]));
    days.push(("2026-05-17", vec![crash_session(rng)]));
    days
}

/// Two gzip members back to back, as `cat a.gz b.gz` would make.
fn gzip_members(members: &[Vec<u8>]) -> Res<Vec<u8>> {
    let mut out = Vec::new();
    for (i, data) in members.iter().enumerate() {
        let builder = if i == 0 { GzBuilder::new().filename("datatools-2026-05-11.jsonl") } else { GzBuilder::new() };
        let mut enc = builder.mtime(0).write(Vec::new(), Compression::best());
        enc.write_all(data)?;
        out.extend(enc.finish()?);
    }
    Ok(out)
}

const NOTES: &str = "\
Hi,

the app crashed at about 11:20 this morning when I uploaded weird.csv. It kept
saying something about \"no columns\" so I tried the analysis a few more times,
then I opened the Text Cleaner to fix the file and everything froze and the
window closed. I've attached the whole logs folder from C:\\ProgramData\\DataTools.

weird.csv came out of our old bookkeeping system, it's huge (over 400 MB) even
though it should only have a few hundred rows.

José also uses this PC on some days, his sessions are in there too.

Thanks,
Dana Whitfield
Whitfield & Co. Bookkeeping, Springfield IL
";

fn write_datatools(dir: &Path, rng: &mut Rng, files: &mut Vec<FileInfo>) -> Res<()> {
    fs::create_dir_all(dir)?;
    let legacy = legacy_session(rng);
    let afternoon = routine_session(rng, &DANA, "2026-05-11", (13, 5), (15, 20));
    let jose = routine_session(rng, &JOSE, "2026-05-11", (15, 40), (17, 10));
    let name = "datatools-20260511T091500-3f9c2a1b.jsonl";
    write_file(dir, name, &render_sessions(vec![legacy]), files)?;
    let members = [render_sessions(vec![afternoon]), render_sessions(vec![jose])];
    let plain: Vec<u8> = members.concat();
    let gz = gzip_members(&members)?;
    files.push(FileInfo::new(&dir.join("datatools-2026-05-11.jsonl.gz"), gz.len(), &plain, "2 gzip members"));
    fs::write(dir.join("datatools-2026-05-11.jsonl.gz"), gz)?;
    for (date, sessions) in datatools_days(rng) {
        write_file(dir, &format!("datatools-{date}.jsonl"), &render_sessions(sessions), files)?;
    }
    write_file(dir, "notes.txt", NOTES.as_bytes(), files)
}

// ---------------------------------------------------------------------------
// tool_audit: per-user daily JSONL of an assistant's tool calls
// ---------------------------------------------------------------------------

const ARG_MAX: usize = 500;
const SNIPPET_MAX: usize = 300;

/// `_truncate_args`: string values longer than ARG_MAX chars are cut with a marker.
fn truncate_args(args: J) -> J {
    let J::Obj(pairs) = args else { return args };
    let pairs = pairs
        .into_iter()
        .map(|(k, v)| match v {
            J::Str(s) if s.chars().count() > ARG_MAX => {
                let head: String = s.chars().take(ARG_MAX).collect();
                let total = s.chars().count();
                (k, J::Str(format!("{head} …[{total} chars total]")))
            }
            v => (k, v),
        })
        .collect();
    J::Obj(pairs)
}

fn tool_audit_line(date: &str, secs: i64, user: &str, tool: &str, args: J, status: &str, result: &str) -> String {
    let entry = obj! {
        "ts" => format!("{date}T{}", hms(secs)),
        "user" => user,
        "tool" => tool,
        "args" => truncate_args(args),
        "status" => status,
        "result_chars" => result.chars().count() as u64,
        "result_snippet" => result.chars().take(SNIPPET_MAX).collect::<String>(),
    };
    entry.dumps(true)
}

const PROJECT_FILES: &[&str] = &[
    "projects/q2-report/draft.md",
    "projects/q2-report/figures/revenue.csv",
    "notes/réunion-2026-05-12.md",
    "notes/todo.md",
    "projects/etl/load_orders.py",
    "projects/etl/README.md",
];

/// Deterministic prose of about `chars` characters.
fn prose(rng: &mut Rng, chars: usize) -> String {
    const WORDS: &[&str] = &[
        "revenue",
        "grew",
        "in",
        "the",
        "second",
        "quarter",
        "while",
        "costs",
        "stayed",
        "flat",
        "—",
        "see",
        "table",
        "2",
        "for",
        "détails",
        "and",
        "the",
        "appendix",
        "on",
        "churn",
        "📈",
        "Q2",
        "orders",
        "were",
        "loaded",
        "from",
        "the",
        "warehouse",
        "nightly",
    ];
    let mut s = String::new();
    while s.chars().count() < chars {
        let word = *rng.pick(WORDS);
        s.push_str(word);
        s.push(if rng.pct(8) { '\n' } else { ' ' });
    }
    s
}

/// One plausible tool call: (tool, args, status, result).
fn tool_call(rng: &mut Rng, user: &str) -> (&'static str, J, &'static str, String) {
    let path = *rng.pick(PROJECT_FILES);
    match rng.below(100) {
        0..=34 => {
            let len = rng.range(200, 6_000) as usize;
            let text = prose(rng, len);
            ("read_file", obj! { "path" => path }, "ok", text)
        }
        35..=49 => {
            let dir = path.rsplit_once('/').map_or(".", |p| p.0);
            let listing: String = PROJECT_FILES
                .iter()
                .filter_map(|f| f.strip_prefix(dir)?.strip_prefix('/'))
                .map(|f| format!("{f}\n"))
                .collect();
            ("list_dir", obj! { "path" => dir }, "ok", listing)
        }
        50..=64 => {
            let len = rng.range(120, 2_400) as usize;
            let content = prose(rng, len);
            let result = format!("Wrote {} chars to {path}", content.chars().count());
            ("write_file", obj! { "path" => path, "content" => content }, "ok", result)
        }
        65..=74 => {
            let result = format!("{path}:{}: TODO check the totals against the ledger", rng.range(3, 240));
            ("search_files", obj! { "pattern" => "TODO", "path" => "projects" }, "ok", result)
        }
        75..=86 => run_python(rng),
        87..=93 => {
            let url = format!("https://example.org/reports/{}.html", rng.hex(6));
            if user == "bob" {
                let msg = "Tool 'web_fetch' is not enabled for user bob".to_string();
                ("web_fetch", obj! { "url" => url }, "denied", msg)
            } else {
                ("web_fetch", obj! { "url" => url }, "ok", prose(rng, 900))
            }
        }
        _ => {
            let missing = format!("home/{user}/projects/q2-report/final_v{}.md", rng.range(2, 4));
            let msg = format!("FileNotFoundError: [Errno 2] No such file or directory: '{missing}'");
            ("read_file", obj! { "path" => missing }, "error", msg)
        }
    }
}

fn run_python(rng: &mut Rng) -> (&'static str, J, &'static str, String) {
    let code = "import pandas as pd\ndf = pd.read_csv('projects/q2-report/figures/revenue.csv')\nprint(df.groupby('region')['revenue'].sum())\n";
    if rng.pct(40) {
        let tb = "Traceback (most recent call last):\n  File \"<sandbox>\", line 1, in <module>\nModuleNotFoundError: No module named 'pandas'\n";
        ("run_python", obj! { "code" => code, "timeout_s" => 30u64 }, "error", tb.to_string())
    } else {
        let code = "total = sum(r['revenue'] for r in rows)\nprint(f'{total:,.2f} €')\n";
        let out = format!("{},{:03}.{:02} €\n", rng.range(10, 900), rng.below(1000), rng.below(100));
        ("run_python", obj! { "code" => code, "timeout_s" => 30u64 }, "ok", out)
    }
}

/// A day of tool calls for `user`: bursts of calls separated by pauses.
fn tool_audit_day(rng: &mut Rng, user: &str, date: &str, start_h: i64, bursts: u64) -> String {
    let mut secs = start_h * 3600 + rng.range(0, 1800) as i64;
    let mut out = String::new();
    for _ in 0..bursts {
        for _ in 0..rng.range(2, 9) {
            let (tool, args, status, result) = tool_call(rng, user);
            out.push_str(&tool_audit_line(date, secs, user, tool, args, status, &result));
            out.push('\n');
            secs += rng.range(1, 40) as i64;
        }
        secs += rng.range(600, 3600) as i64;
    }
    if user == "bob" && date.ends_with("17") {
        let args = obj! { "command" => "rm -rf ~/projects/etl/old_exports" };
        let line = tool_audit_line(date, secs, user, "bash", args, "denied", "Command blocked by policy: rm -rf");
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn write_tool_audit(dir: &Path, rng: &mut Rng, files: &mut Vec<FileInfo>) -> Res<()> {
    for (user, start_h, bursts) in [("alice", 9, 7), ("bob", 13, 4)] {
        let user_dir = dir.join("home").join(user).join("tool_audit");
        fs::create_dir_all(&user_dir)?;
        for date in ["2026-05-16", "2026-05-17"] {
            let extra = if date.ends_with("17") { 3 } else { 0 };
            let text = tool_audit_day(rng, user, date, start_h, bursts + extra);
            write_file(&user_dir, &format!("{date}.jsonl"), text.as_bytes(), files)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// RTGS lab tools audit entries
// ---------------------------------------------------------------------------

fn uuid4(rng: &mut Rng) -> String {
    let h = rng.hex(32);
    let variant = ['8', '9', 'a', 'b'][rng.below(4) as usize];
    format!("{}-{}-4{}-{variant}{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// One operation: (tool, operation, parameters, results, error).
fn rtgs_operation(rng: &mut Rng, i: usize) -> (&'static str, &'static str, J, J, Option<String>) {
    let nodes = ["LCCMR_01", "LCCMR_03", "LCCMR_07", "ROSEMOUNT_02"];
    match i % 6 {
        0 | 3 => {
            let project = *rng.pick(&["Winter Turf - v3", "Rosemount Soil", "LCCMR Irrigation"]);
            let params = obj! { "project" => project, "start_date" => "2026-04-01", "end_date" => "2026-04-30" };
            if rng.pct(20) {
                let err =
                    "Database connection failed: could not connect to server: Connection timed out (0x0000274C/10060)";
                return ("sensing-data", "extract", params, obj! { "success" => false }, Some(err.to_string()));
            }
            let records = rng.range(2_000, 40_000);
            let file =
                format!("./data/{}_2026-04-01_to_2026-04-30.csv", project.replace([' ', '-'], "_").replace("___", "_"));
            let results = obj! { "success" => true, "records_extracted" => records, "output_file" => file };
            ("sensing-data", "extract", params, results, None)
        }
        1 => {
            let node = *rng.pick(&nodes);
            let params = obj! { "file" => "./data/Winter_Turf_v3_2026-04-01_to_2026-04-30.csv", "parameter" => "Temperature", "node_id" => node };
            if rng.pct(25) {
                let err = format!("Parameter 'Temperature' not found for node {node}");
                return ("visualization", "create", params, obj! { "success" => false }, Some(err));
            }
            let results = obj! { "success" => true, "output_file" => format!("./figures/temperature_{node}.png") };
            ("visualization", "create", params, results, None)
        }
        2 => {
            let params = obj! { "variables" => "2m_temperature", "area" => "45.2,-93.5,44.6,-92.9", "start_date" => "2026-04-01" };
            if rng.pct(35) {
                let err =
                    "Google Earth Engine authentication failed: credentials expired, run `earthengine authenticate`";
                return ("gridded-data", "era5", params, obj! { "success" => false }, Some(err.to_string()));
            }
            (
                "gridded-data",
                "era5",
                params,
                obj! { "success" => true, "output_file" => "./data/era5_2m_temperature.nc" },
                None,
            )
        }
        4 => {
            let node = *rng.pick(&nodes);
            let params = obj! { "config" => "configs/soil_v2.json", "devices" => node };
            if rng.pct(40) {
                let err = format!("Particle API error 400: device '{node}' is offline");
                return ("device-configuration", "update-config", params, obj! { "success" => false }, Some(err));
            }
            (
                "device-configuration",
                "update-config",
                params,
                obj! { "success" => true, "devices_updated" => 1u64 },
                None,
            )
        }
        _ => ("sensing-data", "list-projects", obj! {}, obj! { "success" => true, "projects" => 14u64 }, None),
    }
}

fn write_rtgs(dir: &Path, rng: &mut Rng, files: &mut Vec<FileInfo>) -> Res<()> {
    fs::create_dir_all(dir)?;
    let users = [("jsmith", "feature/winter-analysis", rng.hex(40)), ("mlee", "main", rng.hex(40))];
    let mut secs = 8 * 3600 + 1_234;
    let mut text = String::new();
    for i in 0..36 {
        let (user, branch, commit) = &users[usize::from(i % 7 == 3 || i % 5 == 1)];
        let (tool, op, params, results, error) = rtgs_operation(rng, i);
        let millis = rng.range(0, 999);
        let duration = rng.range(200, 90_000) as f64 / 1000.0;
        let note = match tool {
            "sensing-data" if rng.pct(50) => Some("Monthly analysis for winter conditions"),
            "visualization" if rng.pct(50) => Some("Temperature analysis visualization"),
            _ => None,
        };
        let entry = obj! {
            "timestamp" => format!("2026-05-15T{}.{millis:03}Z", hms(secs)),
            "operation_id" => uuid4(rng),
            "tool_name" => tool,
            "operation" => op,
            "user" => *user,
            "git_branch" => *branch,
            "git_commit" => commit,
            "parameters" => params,
            "results" => results,
            "duration_seconds" => duration,
            "success" => error.is_none(),
            "error_message" => error,
            "note" => note,
        };
        text.push_str(&entry.dumps(true));
        text.push('\n');
        secs += rng.range(40, 1_500) as i64;
    }
    write_file(dir, "audit-2026-05-15.jsonl", text.as_bytes(), files)
}

/// What rtgs leaves on disk besides the database: its git logger writes one Markdown
/// execution log per run to `logs/<tool>/<date>_<time>_<source>_<operation>.md`.
fn write_rtgs_markdown(dir: &Path, rng: &mut Rng, files: &mut Vec<FileInfo>) -> Res<()> {
    let runs = [
        ("data-extraction", "Extract data for Winter Turf - v3", "Manual/Local", "jsmith", None),
        (
            "data-extraction",
            "Extract data for Winter Turf - v3",
            "Manual/Local",
            "jsmith",
            Some("connection to server at \"gems-db\" timed out after 30 s"),
        ),
        ("visualization", "Create time series plot for Temperature from Winter_Turf_v3.csv", "LLM/MCP", "mlee", None),
        (
            "gridded-data",
            "Download ERA5 2m temperature for 2026-01",
            "Manual/Local",
            "mlee",
            Some("Earth Engine credentials expired; run `earthengine authenticate`"),
        ),
    ];
    let mut secs = 13 * 3600 + 5 * 60;
    for (tool, operation, source, user, error) in runs {
        let host = if user == "jsmith" { "lab-ws-03" } else { "lab-ws-11" };
        let triggered_by = match source {
            "LLM/MCP" => format!("claude via {user}@{host}"),
            _ => format!("{user}@{host}"),
        };
        let micros = rng.range(0, 999_999);
        let stamp = format!("2026-05-15T{}.{micros:06}", hms(secs));
        let duration = rng.range(20, 900) as f64 / 10.0;
        let status = if error.is_some() { "❌ Failed" } else { "✅ Success" };
        let mut text = format!(
            "# {title} Execution Log\n\n## Execution Context\n- **Timestamp**: {stamp}\n- **Operation**: {operation}\n\
             - **Execution Source**: {source}\n- **Triggered By**: {triggered_by}\n- **Hostname**: {host}\n\
             - **Platform**: Linux-6.8.0-60-generic-x86_64-with-glibc2.39\n- **Working Directory**: /home/{user}/rtgs-lab-tools\n\n\
             ## Parameters\n- **project**: Winter Turf - v3\n- **start_date**: 2026-01-01\n- **end_date**: 2026-01-31\n\n\
             ## Results Summary\n- **Status**: {status}\n- **Duration**: {duration:.1}s\n",
            title = title_case(tool),
        );
        match error {
            Some(e) => text.push_str(&format!("- **Error**: {e}\n")),
            None => text.push_str(&format!("- **Records Processed**: {}\n", rng.range(1_000, 40_000))),
        }
        text.push_str(&format!(
            "\n## Execution Environment\n<details>\n<summary>Environment Details</summary>\n\n```json\n{{\n  \
             \"timestamp\": \"{stamp}\",\n  \"user\": \"{user}\",\n  \"hostname\": \"{host}\",\n  \"tool_name\": \"{tool}\",\n  \
             \"execution_source\": \"{source}\",\n  \"triggered_by\": \"{triggered_by}\"\n}}\n```\n</details>\n\n---\n\
             *Log generated automatically by RTGS Lab Tools - {tool}*\n"
        ));
        let tool_dir = dir.join(tool);
        fs::create_dir_all(&tool_dir)?;
        let name = format!(
            "2026-05-15_{}_{}_{}.md",
            hms(secs).replace(':', "-"),
            source.to_lowercase().replace('/', "_"),
            operation.to_lowercase().replace([' ', '/'], "_")
        );
        write_file(&tool_dir, &name, text.as_bytes(), files)?;
        secs += rng.range(600, 3_000) as i64;
    }
    Ok(())
}

/// `data-extraction` → `Data-Extraction`, as Python's `str.title()` writes tool names.
fn title_case(s: &str) -> String {
    let mut out = String::new();
    let mut start = true;
    for c in s.chars() {
        out.extend(if start { c.to_uppercase().collect::<Vec<_>>() } else { vec![c] });
        start = !c.is_alphanumeric();
    }
    out
}

// ---------------------------------------------------------------------------
// Repricing program CSV audit log
// ---------------------------------------------------------------------------

struct Analyst {
    user: &'static str,
    host: &'static str,
    python: &'static str,
    os: &'static str,
}

const fn analyst(user: &'static str, host: &'static str, python: &'static str, os: &'static str) -> Analyst {
    Analyst { user, host, python, os }
}

const ANALYSTS: &[Analyst] = &[
    analyst("DamionMorrison", "L01403-DATA", "3.12.10", "Windows 11"),
    analyst("TashaGreene", "L01388-DATA", "3.12.10", "Windows 11"),
    analyst("MarcusHale", "D00217-FIN", "3.11.9", "Windows 10"),
];

/// Quotes a CSV field the way the program writes its Message column.
fn csv_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// One repricing session: (script, message, status) rows.
fn repricing_session(rng: &mut Rng, a: &Analyst, day: u64, crash: bool) -> Vec<(&'static str, String, &'static str)> {
    let ctx = format!("User: {} on {} | Python: {} | OS: {}", a.user, a.host, a.python, a.os);
    let base = format!("C:\\Users\\{}\\OneDrive - True Community\\Data Analyst\\Repricing\\May", a.user);
    let f1 = format!("{base}\\claims_05{day:02}.xlsx");
    let rows = rng.range(8_000, 30_000);
    let mut out = vec![("SessionManager", format!("SESSION START | {ctx}"), "INFO")];
    if rng.pct(15) {
        let msg = format!(
            "USER ERROR - FILE_NOT_FOUND | {ctx} | Action: Import File | File: missing_data.xlsx | Error: Could not find file"
        );
        out.push(("File1Import", msg, "USER_ERROR"));
    }
    if rng.pct(12) {
        let msg = format!(
            "FILE ERROR - PERMISSION_DENIED | {ctx} | Action: Import File | File: {f1} | Error: [Errno 13] Permission denied (file is open in Excel)"
        );
        out.push(("File1Import", msg, "FILE_ERROR"));
    }
    out.push((
        "File1Import",
        format!("Imported File1 | File: {f1} | Rows: {rows} | Size: {}.{} MB", rows / 7_000, rows % 10),
        "SUCCESS",
    ));
    out.push((
        "File2Import",
        format!("Imported File2 | File: {base}\\pharmacy_rates.xlsx | Rows: {}", rng.range(900, 4_000)),
        "SUCCESS",
    ));
    out.push(("TemplateImport", "Imported template | File: Repricing_Template_v7.xlsx".to_string(), "SUCCESS"));
    out.push(("RepricingProcess", format!("PROCESS START | Action: Run Repricing | Rows: {rows}"), "INFO"));
    if rng.pct(20) {
        let msg = format!(
            "DATA ERROR - MISSING_COLUMN | {ctx} | Action: Merge Files | Error: Column \"Pharmacy NPI\" not found in File2, available: NDC, Qty, Paid Amount"
        );
        out.push(("MergeFiles", msg, "DATA_ERROR"));
        return out;
    }
    let unmatched = rng.range(0, 400);
    if unmatched > 150 {
        out.push((
            "MergeFiles",
            format!("WARNING - UNMATCHED NDC | {unmatched} rows had no match in template | Action: Merge Files"),
            "WARNING",
        ));
    }
    if crash || rng.pct(5) {
        let msg = format!(
            "SYSTEM ERROR - MEMORY | {ctx} | Action: Run Repricing | Error: Unable to allocate 512. MiB for an array with shape (67108864,) and data type float64 | Memory: 7.8 GB total, 0.4 GB free"
        );
        out.push(("RepricingProcess", msg, "SYSTEM_ERROR"));
        return out;
    }
    let secs = rng.range(150, 900);
    let msg = format!(
        "PROCESS COMPLETE | Rows repriced: {} | Skipped: {unmatched} | Duration: {}.{}s",
        rows - unmatched,
        secs / 10,
        secs % 10
    );
    out.push(("RepricingProcess", msg, "SUCCESS"));
    out.push(("ExportResults", format!("Exported results | File: {base}\\repriced_05{day:02}.xlsx"), "SUCCESS"));
    out.push((
        "SessionManager",
        format!("SESSION END | Duration: 00:{:02}:{:02}", rng.range(3, 50), rng.below(60)),
        "INFO",
    ));
    out
}

fn write_repricing(dir: &Path, rng: &mut Rng, files: &mut Vec<FileInfo>) -> Res<()> {
    fs::create_dir_all(dir)?;
    // Python's csv module ends rows with CRLF.
    let mut text = String::from("Timestamp,User,Script,Message,Status\r\n");
    // The same week as the other systems, so the whole sample sits on one timeline.
    for day in 11..=15u64 {
        let mut secs = 8 * 3600 + rng.range(0, 1800) as i64;
        for session in 0..rng.range(3, 5) {
            let analyst = rng.pick(ANALYSTS);
            // One session runs out of memory, as in the seed's example.
            let crash = day == 14 && session == 1;
            for (script, message, status) in repricing_session(rng, analyst, day, crash) {
                let ts = format!("2026-05-{day:02} {}", hms(secs));
                let _ = write!(text, "{ts},{},{script},{},{status}\r\n", analyst.user, csv_quoted(&message));
                secs += rng.range(2, 240) as i64;
            }
            secs += rng.range(900, 5_400) as i64;
        }
    }
    write_file(dir, "audit_log.csv", text.as_bytes(), files)
}

// ---------------------------------------------------------------------------
// Files, README and main
// ---------------------------------------------------------------------------

struct FileInfo {
    path: PathBuf,
    bytes: usize,
    lines: usize,
    note: &'static str,
}

impl FileInfo {
    /// `lines` counts newline-terminated lines plus a final unterminated one.
    fn new(path: &Path, bytes: usize, content: &[u8], note: &'static str) -> Self {
        let newlines = content.iter().filter(|&&b| b == b'\n').count();
        let tail = usize::from(content.last().is_some_and(|&b| b != b'\n'));
        FileInfo { path: path.to_path_buf(), bytes, lines: newlines + tail, note }
    }
}

fn write_file(dir: &Path, name: &str, content: &[u8], files: &mut Vec<FileInfo>) -> Res<()> {
    let path = dir.join(name);
    fs::write(&path, content)?;
    files.push(FileInfo::new(&path, content.len(), content, ""));
    Ok(())
}

fn readme(files: &[FileInfo], root: &Path) -> String {
    let mut table = String::from("| file | bytes | lines |\n|---|---:|---:|\n");
    for f in files {
        let rel = f.path.strip_prefix(root).unwrap_or(&f.path).to_string_lossy().replace('\\', "/");
        let note = if f.note.is_empty() { String::new() } else { format!(" ({})", f.note) };
        let _ = writeln!(table, "| `{rel}`{note} | {} | {} |", f.bytes, f.lines);
    }
    README.replace("{TABLE}", &table)
}

const README: &str = r#"# Sample mailed folder

Synthetic audit logs, written by `cargo run --example gen_sample` (deterministic:
regenerate rather than edit by hand). Everything here is invented; names and paths
are fictional.

## The story (`datatools/`)

Dana Whitfield (Whitfield & Co. Bookkeeping, Springfield IL, US Central time:
UTC-5 in May) runs DataTools on a shared Windows 11 PC; José Núñez uses the same
PC on some days. IT points `DATATOOLS_AUDIT_DIR` at `C:\ProgramData\DataTools\logs`,
so both users' sessions land in the same daily files. Event `ts` values are UTC;
file names use the local date.

- **2026-05-11**: morning session `3f9c2a1b` (09:15 local) is from the old build
  and has its own per-session file `datatools-20260511T091500-3f9c2a1b.jsonl`
  (its banner has no `cwd`). After an update, the afternoon sessions go to the
  daily file, mailed gzipped as two gzip members (Dana, then José).
- **2026-05-12 … 05-16**: routine work with a few everyday errors
  (`UnicodeDecodeError`, `ParserError`, `PermissionError`, `ValueError`) and warnings.
  05-13: two DataTools instances of Dana interleave; the second uploads
  `report␛[31mRED␛[0m.csv` (an ANSI escape, stored as `\u001b` in JSON).
  05-14: José's session overlaps Dana's, one of his lines ends in CRLF, and
  Dana's afternoon session has no "Session ended" (app killed).
  05-15: `payroll_\u202eslx.csv` contains a raw U+202E right-to-left override
  (it displays as `payroll_vsc.xls`).
- **2026-05-17 (Sunday), session `7d41e9b2`**: at 11:14 local (16:14 UTC) Dana
  uploads `weird.csv` (432 MB, a zero-filled export). Analysis fails with
  `EmptyDataError: No columns to parse` (`outcome: empty_after_repair`), and
  twice more on retries. She opens `2_Text_Cleaner`; at 11:19:48 local
  (16:19:48 UTC) the run fails with `MemoryError`, and at 16:20:03 UTC the app
  dies while logging a `SystemError`: **the last line of
  `datatools-2026-05-17.jsonl` is truncated JSON with no newline**.
- `notes.txt` is Dana's email ("crashed at about 11:20", local time); it is not a
  log and a viewer should list it as skipped.

## Other systems

- `tool_audit/home/{alice,bob}/tool_audit/YYYY-MM-DD.jsonl`: an assistant's tool
  calls, one file per user per day, naive server-local timestamps, ASCII-only
  JSON (`\uXXXX` escapes). Long string arguments are cut at 500 chars with
  ` …[N chars total]`. `run_python` calls fail on a missing `pandas`, alice
  asks for files that do not exist (`read_file` errors), and bob is `denied`
  `web_fetch` and, on 05-17, an `rm -rf`.
- `rtgs/audit-2026-05-15.jsonl`: RTGS lab tools operations (`timestamp` with `Z`);
  failures have `"success": false` and an `error_message` (database timeout,
  expired Earth Engine credentials, offline device, missing parameter).
- `rtgs/logs/<tool>/*.md`: what rtgs's git logger leaves on disk, one Markdown
  execution log per run (naive local timestamp with microseconds, `✅ Success` or
  `❌ Failed` with an `Error` bullet); each file is one event.
- `repricing/audit_log.csv`: the repricing program's shared CSV log (CRLF rows,
  naive timestamps, `|`-separated context in the quoted Message); Status is one of
  SUCCESS, INFO, WARNING, USER_ERROR, FILE_ERROR, DATA_ERROR, SYSTEM_ERROR.

## Files

Line counts include an unterminated last line; the `.gz` count is of its
decompressed content.

{TABLE}"#;

fn parse_args() -> Res<Option<PathBuf>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(Some(PathBuf::from("examples/mailed-logs"))),
        [a] if a == "-h" || a == "--help" => {
            println!("{USAGE}");
            Ok(None)
        }
        [a] if !a.starts_with('-') => Ok(Some(PathBuf::from(a))),
        _ => Err(format!("unexpected arguments {args:?}").into()),
    }
}

/// Removes only the entries of `out` that this program writes.
fn clean(out: &Path) -> Res<()> {
    for name in OWNED {
        let path = out.join(name);
        if path.is_dir() {
            fs::remove_dir_all(&path)?;
        } else if path.exists() {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

fn main() -> Res<()> {
    let out = match parse_args() {
        Ok(Some(out)) => out,
        Ok(None) => return Ok(()),
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    fs::create_dir_all(&out)?;
    clean(&out)?;
    let mut files = Vec::new();
    write_datatools(&out.join("datatools"), &mut Rng(0x0DA7_A700_1511), &mut files)?;
    write_tool_audit(&out.join("tool_audit"), &mut Rng(0x7001_A0D1), &mut files)?;
    write_rtgs(&out.join("rtgs"), &mut Rng(0x0127_6500), &mut files)?;
    write_rtgs_markdown(&out.join("rtgs").join("logs"), &mut Rng(0x0127_6501), &mut files)?;
    write_repricing(&out.join("repricing"), &mut Rng(0x2E9_21CE), &mut files)?;
    fs::write(out.join("README.md"), readme(&files, &out))?;
    let total: usize = files.iter().map(|f| f.bytes).sum();
    for f in &files {
        println!("{:>8} B {:>6} lines  {}", f.bytes, f.lines, f.path.display());
    }
    println!("{} files, {total} bytes (+ README.md) in {}", files.len(), out.display());
    Ok(())
}
