//! The headless commands through the real binary: exact lines, counts, exit codes and
//! messages on the fixtures, what happens with odd inputs, and that nothing is ever
//! written beside the client's logs. Every run passes `--utc` so results do not depend
//! on the machine's zone.

mod common;

use common::raw_hazards;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::SystemTime;

// ---------------------------------------------------------------------------
// Running the binary

fn audit_tui() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_audit-tui"));
    // The environment must not choose the zone or the default folder for us.
    cmd.env_remove("AUDIT_TUI_TZ").env_remove("DATATOOLS_AUDIT_DIR").env_remove("AUDIT_TUI_CONFIG");
    cmd
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// Runs the subcommand `args[0]` with the rest of `args` and `--utc`, and returns the
/// output of a successful run.
fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    let out = audit_tui().arg(&args[0]).arg("--utc").args(&args[1..]).output().expect("the binary runs");
    assert!(
        out.status.success(),
        "audit-tui {:?} failed with {:?}: {}",
        args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect::<Vec<_>>(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout_of<S: AsRef<OsStr>>(args: &[S]) -> Vec<u8> {
    run(args).stdout
}

fn text_of<S: AsRef<OsStr>>(args: &[S]) -> String {
    String::from_utf8(stdout_of(args)).expect("reports are UTF-8")
}

fn json_of<S: AsRef<OsStr>>(args: &[S]) -> Value {
    serde_json::from_slice(&stdout_of(args)).expect("--json prints JSON")
}

/// Exported lines, each without its `\n` (a `\r` is part of the line).
fn export_lines<S: AsRef<OsStr>>(args: &[S]) -> Vec<Vec<u8>> {
    split_lines(&stdout_of(args))
}

fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    assert_eq!(lines.pop().as_deref(), Some(&b""[..]), "output ends with a newline");
    lines
}

/// `export --format csv -q level:error PATH`.
fn errors_as_csv(path: &Path) -> String {
    text_of(&[
        OsStr::new("export"),
        OsStr::new("--format"),
        OsStr::new("csv"),
        OsStr::new("-q"),
        OsStr::new("level:error"),
        os(path),
    ])
}

fn os(p: &Path) -> &OsStr {
    p.as_os_str()
}

// ---------------------------------------------------------------------------
// Reading the fixtures independently of the tool

/// One non-blank line of a fixture file.
#[derive(Clone, Debug)]
struct Line {
    file: String,
    /// 1-based.
    number: usize,
    /// Without the `\n`; a `\r` stays.
    raw: Vec<u8>,
    /// The line as a JSON object, when it is one.
    json: Option<serde_json::Map<String, Value>>,
}

impl Line {
    fn str(&self, key: &str) -> &str {
        self.json.as_ref().and_then(|j| j.get(key)).and_then(Value::as_str).unwrap_or("")
    }

    /// Milliseconds of `ts`, read as UTC when it has no offset.
    fn ts_ms(&self) -> i64 {
        let ts = self.str("ts");
        chrono::DateTime::parse_from_rfc3339(ts).map(|t| t.timestamp_millis()).unwrap_or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%S")
                .unwrap_or_else(|e| panic!("{}:{} has no readable ts ({e})", self.file, self.number))
                .and_utc()
                .timestamp_millis()
        })
    }
}

fn lines_of(path: &Path, shown_as: &str) -> Vec<Line> {
    let bytes = std::fs::read(path).unwrap();
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        .map(|(i, l)| Line {
            file: shown_as.to_string(),
            number: i + 1,
            raw: l.to_vec(),
            json: serde_json::from_slice(l.strip_suffix(b"\r").unwrap_or(l)).ok(),
        })
        .collect()
}

/// Every line of the files in a fixture folder (file names in sorted order, as the tool
/// walks them), then stably sorted by time: what the merged timeline must be.
fn timeline(files: &[(&str, &str)]) -> Vec<Line> {
    let mut all: Vec<Line> = files.iter().flat_map(|(path, shown)| lines_of(&fixture(path), shown)).collect();
    all.sort_by_key(Line::ts_ms);
    all
}

fn datatools_timeline() -> Vec<Line> {
    timeline(&[
        ("datatools/datatools-2026-05-17.jsonl", "datatools-2026-05-17.jsonl"),
        ("datatools/datatools-20260516T091500-3f9c2a1b.jsonl", "datatools-20260516T091500-3f9c2a1b.jsonl"),
    ])
}

fn tool_audit_timeline() -> Vec<Line> {
    timeline(&[
        ("tool_audit/home/alice/tool_audit/2026-05-17.jsonl", "home/alice/tool_audit/2026-05-17.jsonl"),
        ("tool_audit/home/bob/tool_audit/2026-05-17.jsonl", "home/bob/tool_audit/2026-05-17.jsonl"),
    ])
}

fn raws<'a>(lines: impl IntoIterator<Item = &'a Line>) -> Vec<Vec<u8>> {
    lines.into_iter().map(|l| l.raw.clone()).collect()
}

fn show(lines: &[Vec<u8>]) -> String {
    lines.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>().join("\n")
}

/// Asserts `got` are exactly `want`, in order, and that there are `count` of them.
fn assert_lines(query: &str, got: &[Vec<u8>], want: &[Vec<u8>], count: usize) {
    assert_eq!(want.len(), count, "the fixture has {count} lines for {query}");
    assert!(got == want, "-q {query:?} gave\n{}\n\nwant\n{}", show(got), show(want));
}

const EVENT: &str = r#"{"ts":"2026-05-17T10:00:00.000+00:00","level":"info","message":"x"}"#;

// ---------------------------------------------------------------------------
// export --format jsonl

#[test]
fn export_jsonl_is_byte_exact_and_keeps_crlf_in_pipes_and_files() {
    let src = fixture("datatools/datatools-2026-05-17.jsonl");
    let want = raws(&timeline(&[("datatools/datatools-2026-05-17.jsonl", "x")]));
    assert_eq!(want.len(), 20);
    assert!(want.iter().all(|l| l.ends_with(b"\r")), "the fixture is CRLF");

    // To a pipe (stdout is captured through one).
    let piped = stdout_of(&[OsStr::new("export"), OsStr::new("--format"), OsStr::new("jsonl"), os(&src)]);
    assert_eq!(piped.iter().filter(|&&b| b == b'\r').count(), 20, "every \\r survives a pipe");
    assert!(split_lines(&piped) == want, "piped export differs from the fixture lines");

    // To a file with -o.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.jsonl");
    let out = run(&[OsStr::new("export"), OsStr::new("-o"), os(&file), os(&src)]);
    assert!(out.stdout.is_empty(), "-o leaves stdout empty");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("wrote 20 events"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read(&file).unwrap();
    assert_eq!(written, piped, "-o writes the same bytes as the pipe");
    assert_eq!(written.windows(2).filter(|w| w == b"\r\n").count(), 20);
}

#[test]
fn export_merges_files_in_time_order() {
    let got = export_lines(&[OsStr::new("export"), os(&fixture("datatools"))]);
    let want = raws(&datatools_timeline());
    assert_eq!(want.len(), 27);
    assert!(got == want, "merged export:\n{}", show(&got));
    // The fixture has a pair written 50 ms out of order: the timeline puts it right.
    let pos = |needle: &str| got.iter().position(|l| String::from_utf8_lossy(l).contains(needle)).unwrap();
    assert!(pos("Uploaded orders.csv") < pos("\"message\": \"Uploaded \u{dc}bersicht Q2.csv\""));
}

#[test]
fn export_keeps_file_then_line_order_for_equal_times() {
    let dir = tempfile::tempdir().unwrap();
    let line = |sec: u32, msg: &str| format!(r#"{{"ts":"2026-05-17T10:00:0{sec}Z","level":"info","message":"{msg}"}}"#);
    let a = [line(1, "a1"), line(2, "a2"), line(2, "a3"), line(3, "a4")];
    let b = [line(0, "b1"), line(2, "b2"), line(2, "b3"), line(4, "b4")];
    std::fs::write(dir.path().join("a.jsonl"), a.join("\n") + "\n").unwrap();
    std::fs::write(dir.path().join("b.jsonl"), b.join("\n") + "\n").unwrap();
    let got: Vec<String> = export_lines(&[OsStr::new("export"), os(dir.path())])
        .iter()
        .map(|l| serde_json::from_slice::<Value>(l).unwrap()["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, ["b1", "a1", "a2", "a3", "b2", "b3", "a4", "b4"]);
}

// ---------------------------------------------------------------------------
// export -q: exact lines per query

fn export_query(query: &str, path: &Path) -> Vec<Vec<u8>> {
    export_lines(&[OsStr::new("export"), OsStr::new("-q"), OsStr::new(query), os(path)])
}

#[test]
fn export_level_error_gives_exactly_the_error_lines() {
    let want = raws(datatools_timeline().iter().filter(|l| l.str("level") == "error"));
    assert_lines("level:error", &export_query("level:error", &fixture("datatools")), &want, 4);
}

#[test]
fn export_level_warn_plus_includes_warning_and_error() {
    let want = raws(datatools_timeline().iter().filter(|l| matches!(l.str("level"), "warning" | "error")));
    assert_lines("level:warn+", &export_query("level:warn+", &fixture("datatools")), &want, 5);
}

#[test]
fn export_category_filter() {
    let want = raws(datatools_timeline().iter().filter(|l| l.str("category") == "upload"));
    assert_lines("cat:upload", &export_query("cat:upload", &fixture("datatools")), &want, 6);
}

#[test]
fn export_negated_level_drops_info() {
    // Attached with `=` so the leading `-` is the query's, not an option.
    let got = export_lines(&[OsStr::new("export"), OsStr::new("--query=-level:info"), os(&fixture("datatools"))]);
    let want = raws(datatools_timeline().iter().filter(|l| l.str("level") != "info"));
    assert_lines("-level:info", &got, &want, 5);
}

#[test]
fn export_session_prefix() {
    let want = raws(datatools_timeline().iter().filter(|l| l.str("session") == "a1b2c3d4"));
    assert_lines("session:a1b2", &export_query("session:a1b2", &fixture("datatools")), &want, 11);
}

#[test]
fn export_user_on_derived_sessions() {
    let want = raws(tool_audit_timeline().iter().filter(|l| l.str("user") == "alice"));
    assert_lines("user:alice", &export_query("user:alice", &fixture("tool_audit")), &want, 8);
}

#[test]
fn export_nested_raw_key() {
    let path_of = |l: &Line| l.json.as_ref().unwrap()["args"].get("path").and_then(Value::as_str).map(str::to_string);
    let want = raws(tool_audit_timeline().iter().filter(|l| path_of(l).is_some_and(|p| p.contains("reports"))));
    assert_lines("args.path:reports", &export_query("args.path:reports", &fixture("tool_audit")), &want, 4);
    // An empty value asks only that the key be there.
    let want = raws(tool_audit_timeline().iter().filter(|l| l.json.as_ref().unwrap()["args"].get("url").is_some()));
    assert_lines("args.url:", &export_query("args.url:", &fixture("tool_audit")), &want, 1);
}

#[test]
fn export_numeric_compare_on_a_raw_key() {
    let bytes = |l: &Line| l.json.as_ref().unwrap().get("bytes").and_then(Value::as_f64);
    let want = raws(datatools_timeline().iter().filter(|l| bytes(l).is_some_and(|b| b > 1000.0)));
    assert_lines("bytes:>1000", &export_query("bytes:>1000", &fixture("datatools")), &want, 4);
    let want = raws(datatools_timeline().iter().filter(|l| bytes(l).is_some_and(|b| b <= 8192.0)));
    assert_lines("bytes:<=8192", &export_query("bytes:<=8192", &fixture("datatools")), &want, 2);
}

#[test]
fn export_message_substring_ignores_case() {
    let want = raws(datatools_timeline().iter().filter(|l| l.str("message").contains("EmptyData")));
    assert_lines("msg:EmptyData", &export_query("msg:EmptyData", &fixture("datatools")), &want, 1);
    assert_lines("msg:emptydata", &export_query("msg:emptydata", &fixture("datatools")), &want, 1);
}

#[test]
fn export_unparsed_lines_of_quirky_files() {
    let garbage = fixture("quirks/garbage-mixed.jsonl");
    let non_object = fixture("quirks/non-object.jsonl");
    let mut want: Vec<Vec<u8>> = lines_of(&garbage, "g")
        .into_iter()
        .chain(lines_of(&non_object, "n"))
        .filter(|l| l.json.is_none())
        .map(|l| l.raw)
        .collect();
    let mut got = export_lines(&[
        OsStr::new("export"),
        OsStr::new("-q"),
        OsStr::new("is:unparsed"),
        os(&garbage),
        os(&non_object),
    ]);
    want.sort();
    got.sort();
    assert_lines("is:unparsed", &got, &want, 15);
}

#[test]
fn export_time_window() {
    let from = chrono::DateTime::parse_from_rfc3339("2026-05-17T05:35:00Z").unwrap().timestamp_millis();
    let to = chrono::DateTime::parse_from_rfc3339("2026-05-17T05:38:00Z").unwrap().timestamp_millis();
    let want = raws(datatools_timeline().iter().filter(|l| (from..=to).contains(&l.ts_ms())));
    let q = "since:2026-05-17T05:35 until:2026-05-17T05:38";
    assert_lines(q, &export_query(q, &fixture("datatools")), &want, 2);
}

// ---------------------------------------------------------------------------
// export --format csv and text

/// RFC 4180 records: quoted fields may hold commas, `""` and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => {
                assert!(c != '"', "a bare quote inside an unquoted field: {text}");
                field.push(c);
            }
        }
    }
    assert!(!quoted && field.is_empty() && record.is_empty(), "CSV ends with a complete record");
    records
}

#[test]
fn export_csv_rows_point_at_the_file_and_line() {
    let text = text_of(&[OsStr::new("export"), OsStr::new("--format"), OsStr::new("csv"), os(&fixture("datatools"))]);
    assert!(text.starts_with("time,level,category,session,user,message,file,line\n"));
    let rows = parse_csv(&text);
    let timeline = datatools_timeline();
    assert_eq!(rows.len(), 1 + timeline.len());
    for (row, want) in rows[1..].iter().zip(&timeline) {
        assert_eq!(row.len(), 8, "{row:?}");
        assert_eq!(row[6], want.file, "{row:?}");
        assert_eq!(row[7], want.number.to_string(), "{row:?}");
        let t = chrono::DateTime::parse_from_rfc3339(&row[0]).unwrap().timestamp_millis();
        assert_eq!(t, want.ts_ms(), "{row:?}");
        let level = if want.str("level") == "warning" { "warn" } else { want.str("level") };
        assert_eq!(row[1], level);
        assert_eq!(row[2], want.str("category"));
        assert_eq!(row[3], want.str("session"));
        assert_eq!(row[5], want.str("message"));
    }
    let user_of = |sid: &str| rows.iter().find(|r| r[3] == sid).map(|r| r[4].clone()).unwrap();
    assert_eq!(user_of("3f9c2a1b"), "priya");
    assert_eq!(user_of("7e51f0c2"), "Michael Dombaugh");
}

/// Level and message of each row of `export --format csv`, in time order.
fn levels_and_messages(rel: &str) -> Vec<(String, String)> {
    let text = text_of(&[OsStr::new("export"), OsStr::new("--format"), OsStr::new("csv"), os(&fixture(rel))]);
    parse_csv(&text)[1..].iter().map(|r| (r[1].clone(), r[5].clone())).collect()
}

#[test]
fn shipped_and_framework_shapes_read_their_level_and_message() {
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(l, m)| (l.to_string(), m.to_string())).collect::<Vec<_>>();
    // GELF: syslog numbers; short_message is the row, full_message the detail.
    assert_eq!(
        levels_and_messages("common/gelf.jsonl"),
        pairs(&[
            ("info", "DataTools started"),
            ("warn", "Disk almost full"),
            ("error", "Export failed: ENOSPC"),
            ("debug", "Autosave skipped"),
            ("fatal", "Unrecoverable: profile store corrupt"),
        ])
    );
    // Docker wraps the app's own line: its level is in the text, its newline is dropped.
    let docker = levels_and_messages("common/docker-json.log");
    let levels: Vec<&str> = docker.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(levels, ["info", "error", "warn", "none", "error", "none", "error"]);
    assert_eq!(docker[3].1, "Connected to db");
    // The app's own JSON line inside `log`: its level and message.
    assert_eq!(docker[6].1, "upload to \"s3\" failed");
    // Serilog CLEF: the template is rendered the way Serilog renders it; `@m` wins.
    assert_eq!(
        levels_and_messages("common/serilog.clef"),
        pairs(&[
            ("info", "User \"carol\" logged in from WS-31"),
            ("info", "Loaded 4120 rows in 812.4 ms"),
            ("warn", "Slow query {took} 5012 ms"),
            ("error", "Failed to save \"C:\\Users\\carol\\q3.xlsx\""),
            ("info", "Pre-rendered message wins"),
        ])
    );
    let journal = levels_and_messages("common/journald.json");
    assert_eq!(journal[2], ("error".to_string(), "upload failed: HTTP 503 from sync.example.com".to_string()));
    assert_eq!(journal[3].1, "Stopped agent.", "journald writes non-UTF-8 messages as byte arrays");
    let slog: Vec<String> = levels_and_messages("common/slog.jsonl").into_iter().map(|(l, _)| l).collect();
    assert_eq!(slog, ["info", "debug", "warn", "error"]);
    // Wrappers read as top level: an Elasticsearch hit's _source, a Cloud Logging jsonPayload.
    assert_eq!(levels_and_messages("common/es-export.json")[1], ("error".into(), "Import failed: bad header".into()));
    assert_eq!(levels_and_messages("common/gcp.jsonl")[1], ("error".into(), "Payment export failed".into()));
    let logfmt = levels_and_messages("common/logfmt.log");
    assert_eq!(logfmt[3], ("error".into(), "upload \"q3 report.xlsx\" failed".into()));
    assert_eq!(logfmt[5], ("fatal".into(), "giving up after 3 retries".into()));
    let log4j = errors_as_csv(&fixture("common/log4j2.json"));
    assert!(log4j.contains(",com.acme.datatools.io.Reader,"), "{log4j}");
}

#[test]
fn export_csv_quotes_like_rfc_4180() {
    let dir = tempfile::tempdir().unwrap();
    let messages = ["plain", "a, b", "say \"hi\"", "two\nlines", "=1+2 formula", "tab\there"];
    let body: String = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let v = serde_json::json!({"ts": format!("2026-05-17T10:00:0{i}Z"), "level": "info", "message": m});
            format!("{v}\n")
        })
        .collect();
    std::fs::write(dir.path().join("q.jsonl"), body).unwrap();
    let text =
        text_of(&[OsStr::new("export"), OsStr::new("--format"), OsStr::new("csv"), os(&dir.path().join("q.jsonl"))]);
    assert!(text.contains("\"a, b\""), "{text}");
    assert!(text.contains("\"say \"\"hi\"\"\""), "{text}");
    assert!(text.contains("\"two\nlines\""), "{text}");
    let rows = parse_csv(&text);
    let got: Vec<&str> = rows[1..].iter().map(|r| r[5].as_str()).collect();
    // A cell a spreadsheet would run as a formula gets a leading quote.
    assert_eq!(got, ["plain", "a, b", "say \"hi\"", "two\nlines", "'=1+2 formula", "tab\there"]);
    assert!(rows[1..].iter().all(|r| r.len() == 8 && r[6] == "q.jsonl"));
    let lines: Vec<&str> = rows[1..].iter().map(|r| r[7].as_str()).collect();
    assert_eq!(lines, ["1", "2", "3", "4", "5", "6"]);
}

#[test]
fn export_text_escapes_controls_and_bidi() {
    let out = stdout_of(&[
        OsStr::new("export"),
        OsStr::new("--format"),
        OsStr::new("text"),
        os(&fixture("quirks/escapes.jsonl")),
    ]);
    assert!(!out.contains(&0x1b), "no raw ESC byte");
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains('\u{202E}') && !text.contains('\u{009B}'), "no raw RLO or CSI");
    assert_eq!(raw_hazards(&text), Vec::<String>::new());
    assert_eq!(text.lines().count(), 12, "one row per event; the forged \\n adds none");
    for shown in [r"\x1b[2J", r"\x07", "<U+202E>", "<U+009B>", r"\n2026-05-17T10:00:09", r"\r"] {
        assert!(text.contains(shown), "{shown} is shown escaped:\n{text}");
    }
}

#[test]
fn reports_never_print_raw_control_characters() {
    for file in ["quirks/escapes.jsonl", "quirks/raw-control-in-string.jsonl", "quirks/invalid-utf8.jsonl"] {
        let path = fixture(file);
        for command in ["summary", "sessions", "errors"] {
            let out = stdout_of(&[OsStr::new(command), os(&path)]);
            let text = String::from_utf8(out).unwrap_or_else(|e| panic!("{command} {file} is not UTF-8: {e}"));
            assert_eq!(raw_hazards(&text), Vec::<String>::new(), "{command} {file}:\n{text}");
        }
    }
    // The escapes are still there to read.
    let errors = text_of(&[OsStr::new("errors"), os(&fixture("quirks/raw-control-in-string.jsonl"))]);
    assert!(errors.contains(r"\x1b[2J\x1b]0;pwned\x07"), "{errors}");
}

// ---------------------------------------------------------------------------
// sessions and errors

fn by_id(sessions: &Value) -> BTreeMap<String, Value> {
    sessions.as_array().unwrap().iter().map(|s| (s["id"].as_str().unwrap().to_string(), s.clone())).collect()
}

#[test]
fn sessions_json_lists_explicit_sessions_with_their_banner() {
    let v = json_of(&["sessions", "--json", fixture("datatools").to_str().unwrap()]);
    let ids: Vec<&str> = v.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["3f9c2a1b", "a1b2c3d4", "7e51f0c2"], "in start order");
    let s = by_id(&v);
    let timeline = datatools_timeline();
    for (id, user, platform, errors) in [
        ("3f9c2a1b", "priya", "Darwin 24.4.0", 1),
        ("a1b2c3d4", "Michael Dombaugh", "Windows 11", 2),
        ("7e51f0c2", "Michael Dombaugh", "Windows 11", 1),
    ] {
        let row = &s[id];
        assert_eq!(row["derived"], false, "{id}");
        assert_eq!(row["user"], user, "{id}");
        assert_eq!(row["platform"], platform, "{id}");
        assert_eq!(row["errors"], errors, "{id}");
        let mine: Vec<&Line> = timeline.iter().filter(|l| l.str("session") == id).collect();
        assert_eq!(row["events"], mine.len(), "{id}");
        let first = mine.iter().map(|l| l.ts_ms()).min().unwrap();
        let last = mine.iter().map(|l| l.ts_ms()).max().unwrap();
        let ms = |k: &str| chrono::DateTime::parse_from_rfc3339(row[k].as_str().unwrap()).unwrap().timestamp_millis();
        assert_eq!((ms("start"), ms("end")), (first, last), "{id}");
        assert_eq!(row["files"].as_array().unwrap().len(), 1, "{id}");
    }
}

fn derived_sessions_per_user(gap: Option<&str>) -> BTreeMap<String, usize> {
    let mut args = vec!["sessions", "--json"];
    if let Some(g) = gap {
        args.extend(["--gap", g]);
    }
    let path = fixture("tool_audit");
    args.push(path.to_str().unwrap());
    let v = json_of(&args);
    let mut per_user = BTreeMap::new();
    for s in v.as_array().unwrap() {
        assert_eq!(s["derived"], true);
        *per_user.entry(s["user"].as_str().unwrap().to_string()).or_default() += 1;
    }
    per_user
}

#[test]
fn sessions_are_derived_per_user_and_cut_at_idle_gaps() {
    // alice is idle from 09:25:02 to 11:02:15: 97 min 13 s.
    let two_for_alice = BTreeMap::from([("alice".to_string(), 2), ("bob".to_string(), 1)]);
    let one_each = BTreeMap::from([("alice".to_string(), 1), ("bob".to_string(), 1)]);
    assert_eq!(derived_sessions_per_user(None), two_for_alice, "default gap 30 min");
    assert_eq!(derived_sessions_per_user(Some("97")), two_for_alice);
    assert_eq!(derived_sessions_per_user(Some("98")), one_each);
    assert_eq!(derived_sessions_per_user(Some("200")), one_each);
}

#[test]
fn errors_json_groups_point_at_the_first_occurrence() {
    let v = json_of(&["errors", "--json", fixture("datatools").to_str().unwrap()]);
    let groups = v.as_array().unwrap();
    let error_lines: Vec<Line> = datatools_timeline().into_iter().filter(|l| l.str("level") == "error").collect();
    assert_eq!(groups.len(), 4);
    let mut locations = Vec::new();
    for g in groups {
        assert_eq!(g["count"], 1);
        assert_eq!(g["sessions"], 1);
        let sample = &g["sample"];
        let location = sample["location"].as_str().unwrap();
        let line = error_lines.iter().find(|l| format!("{}:{}", l.file, l.number) == location);
        let line = line.unwrap_or_else(|| panic!("{location} is not an error line of the fixture"));
        assert_eq!(sample["session"], line.str("session"));
        assert_eq!(sample["message"], line.str("message"));
        assert_eq!(g["error_type"], line.str("exc_type"), "the group is titled by its error type");
        assert!(g["title"].as_str().unwrap().contains(line.str("exc_type")), "{g}");
        let ms = |k: &str| chrono::DateTime::parse_from_rfc3339(g[k].as_str().unwrap()).unwrap().timestamp_millis();
        assert_eq!((ms("first"), ms("last")), (line.ts_ms(), line.ts_ms()));
        let user = if line.str("session") == "3f9c2a1b" { "priya" } else { "Michael Dombaugh" };
        assert_eq!(g["users"], serde_json::json!([user]));
        locations.push(location.to_string());
    }
    locations.sort();
    assert_eq!(
        locations,
        [
            "datatools-2026-05-17.jsonl:10",
            "datatools-2026-05-17.jsonl:14",
            "datatools-2026-05-17.jsonl:18",
            "datatools-20260516T091500-3f9c2a1b.jsonl:7"
        ]
    );
}

#[test]
fn errors_json_merges_the_same_failure_across_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let body = [
        r#"{"ts":"2026-05-17T08:00:00Z","level":"info","session":"s1","user":"ann","message":"Session started"}"#,
        r#"{"ts":"2026-05-17T08:00:05Z","level":"error","session":"s1","message":"analyze(a.csv): EmptyDataError: No columns to parse from file","exc_type":"EmptyDataError"}"#,
        r#"{"ts":"2026-05-17T08:01:00Z","level":"info","session":"s2","user":"bob","message":"Session started"}"#,
        "",
        r#"{"ts":"2026-05-17T08:02:00Z","level":"error","session":"s2","message":"analyze(b.csv): EmptyDataError: No columns to parse from file","exc_type":"EmptyDataError"}"#,
        r#"{"ts":"2026-05-17T08:03:00Z","level":"error","session":"s1","message":"tool_run(3_Column_Mapper): KeyError: 'Email'","exc_type":"KeyError"}"#,
    ]
    .join("\n");
    std::fs::write(dir.path().join("a.jsonl"), body + "\n").unwrap();
    let v = json_of(&[OsStr::new("errors"), OsStr::new("--json"), os(dir.path())]);
    let groups = v.as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let big = &groups[0];
    assert_eq!(big["count"], 2, "biggest first");
    assert_eq!(big["error_type"], "EmptyDataError");
    assert_eq!(big["title"], "analyze(<file>): EmptyDataError: No columns to parse from file", "file names masked");
    assert_eq!(big["sessions"], 2);
    assert_eq!(big["users"], serde_json::json!(["ann", "bob"]));
    assert_eq!(big["first"], "2026-05-17T08:00:05.000Z");
    assert_eq!(big["last"], "2026-05-17T08:02:00.000Z");
    assert_eq!(big["sample"]["location"], "a.jsonl:2");
    assert_eq!(big["sample"]["session"], "s1");
    assert_eq!(groups[1]["count"], 1);
    assert_eq!(groups[1]["sample"]["location"], "a.jsonl:6", "the blank line still counts as a line");
    // A query keeps only the groups with a matching occurrence.
    let v = json_of(&[
        OsStr::new("errors"),
        OsStr::new("--json"),
        OsStr::new("-q"),
        OsStr::new("session:s2"),
        os(dir.path()),
    ]);
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["count"], 2);
}

// ---------------------------------------------------------------------------
// Exit codes and messages

fn fails_with<S: AsRef<OsStr>>(args: &[S], code: i32) -> String {
    let out = audit_tui().args(args).stdin(Stdio::null()).output().expect("the binary runs");
    assert_eq!(out.status.code(), Some(code), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn bad_query_exits_2_and_names_the_problem() {
    let path = fixture("datatools");
    let err = fails_with(
        &[OsStr::new("export"), OsStr::new("--utc"), OsStr::new("-q"), OsStr::new("cat:x level:nope"), os(&path)],
        2,
    );
    assert!(err.contains("column 7"), "{err}");
    assert!(err.contains("unknown level \"nope\""), "{err}");
    let err = fails_with(
        &[OsStr::new("summary"), OsStr::new("--utc"), OsStr::new("-q"), OsStr::new("is:nope"), os(&path)],
        2,
    );
    assert!(err.contains("is:nope is not known"), "{err}");
}

#[test]
fn unknown_flag_exits_2() {
    let err = fails_with(&["summary", "--utc", "--bogus", fixture("datatools").to_str().unwrap()], 2);
    assert!(err.contains("--bogus"), "{err}");
}

#[test]
fn missing_path_exits_1_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    let err = fails_with(&[OsStr::new("summary"), OsStr::new("--utc"), os(&missing)], 1);
    assert!(err.contains(&format!("{}: no such file or directory", missing.display())), "{err}");
}

#[test]
fn messages_on_stderr_escape_what_they_quote() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "no\u{1b}[31m\u{202e}pe";
    let raw = |err: &str| err.chars().any(|c| c == '\u{1b}' || c == '\u{202e}');
    // A file name.
    let err = fails_with(&[OsStr::new("summary"), OsStr::new("--utc"), os(&dir.path().join(hostile))], 1);
    assert!(err.contains(r"no\x1b[31m<U+202E>pe") && !raw(&err), "{err:?}");
    // A query.
    let query = format!("is:{hostile}");
    let err = fails_with(&[OsStr::new("summary"), OsStr::new("-q"), OsStr::new(&query), os(&fixture("datatools"))], 2);
    assert!(err.contains(r"is:no\x1b[31m<U+202E>pe is not known") && !raw(&err), "{err:?}");
    // The export's output file.
    let out_path = dir.path().join(format!("{hostile}.jsonl"));
    let out = audit_tui()
        .args([OsStr::new("export"), OsStr::new("-o"), os(&out_path), os(&fixture("datatools"))])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains(r"no\x1b[31m<U+202E>pe.jsonl") && !raw(&err), "{err:?}");
}

#[test]
fn json_output_escapes_what_a_terminal_must_not_get_raw_and_means_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("invoice_\u{202e}slx.exe.jsonl");
    let line = "{\"ts\": \"2026-05-17T09:00:00Z\", \"level\": \"error\", \"user\": \"eve\u{202e}\u{200b}\", \"message\": \"boom \u{202e}gnp.exe \u{85}\"}\n";
    std::fs::write(&file, line).unwrap();
    for command in ["summary", "sessions", "errors"] {
        let out = stdout_of(&[OsStr::new(command), OsStr::new("--json"), os(dir.path())]);
        let text = String::from_utf8(out).unwrap();
        assert!(!text.chars().any(|c| matches!(c, '\u{202e}' | '\u{200b}' | '\u{85}')), "{command}: {text}");
        assert!(text.contains(r"\u202e"), "{command}: {text}");
        let value: Value = serde_json::from_str(&text).expect("still JSON");
        let all = value.to_string();
        assert!(all.contains('\u{202e}'), "{command}: the escapes decode to the same text");
    }
    let errors: Value = json_of(&["errors", "--json", dir.path().to_str().unwrap()]);
    assert_eq!(errors[0]["sample"]["message"], "boom \u{202e}gnp.exe \u{85}");
    assert_eq!(errors[0]["users"][0], "eve\u{202e}\u{200b}");
}

#[test]
fn a_csv_saved_by_excel_reads_its_dates_in_the_order_its_other_dates_show() {
    let dir = tempfile::tempdir().unwrap();
    // US dates without AM/PM: 7/10 alone could be 7 October; 7/14 says month first.
    let csv = "Timestamp,User,Script,Message,Status\r\n7/10/2025 8:12,Ann,Import,started,INFO\r\n7/14/2025 9:00,Ann,Import,done,SUCCESS\r\n";
    std::fs::write(dir.path().join("audit_log.csv"), csv).unwrap();
    let summary = json_of(&["summary", "--json", dir.path().to_str().unwrap()]);
    assert_eq!(summary["first_ts"], "2025-07-10T08:12:00.000Z");
    assert_eq!(summary["last_ts"], "2025-07-14T09:00:00.000Z");
}

#[test]
fn long_session_ids_are_printed_whole_so_they_can_be_queried() {
    let dir = tempfile::tempdir().unwrap();
    let id = "api-6d9f8b7c5-x2lqp-worker-7f3a9c0e-2025-07-14T09:00:00Z";
    let line = format!(
        "{{\"ts\": \"2026-05-17T09:00:00Z\", \"level\": \"info\", \"session\": \"{id}\", \"message\": \"up\"}}\n"
    );
    std::fs::write(dir.path().join("app.jsonl"), line).unwrap();
    let text = text_of(&["sessions", dir.path().to_str().unwrap()]);
    assert!(text.lines().nth(1).is_some_and(|row| row.starts_with(&format!("{id}  "))), "{text}");
    let query = format!("session:{id}");
    let summary = json_of(&["summary", "--json", "-q", &query, dir.path().to_str().unwrap()]);
    assert_eq!(summary["matching"], 1);
}

#[test]
fn repricing_sessions_know_the_machine_their_messages_name() {
    // `SESSION START | User: KPatel on L01377-FIN | Python: 3.11.9 | OS: Windows 10`
    let sessions = json_of(&["sessions", "--json", fixture("repricing/audit_log.csv").to_str().unwrap()]);
    let machines: Vec<(String, String, String)> = sessions
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["user"].as_str().unwrap().into(),
                s["host"].as_str().unwrap().into(),
                s["platform"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        machines,
        [
            ("DamionMorrison".into(), "L01403-DATA".into(), "Windows 11".into()),
            ("KPatel".into(), "L01377-FIN".into(), "Windows 10".into()),
            ("DamionMorrison".into(), "L01403-DATA".into(), "Windows 11".into()),
        ]
    );
}

#[test]
fn a_line_cut_by_a_crash_stays_in_its_own_session_when_two_writers_share_a_file() {
    let dir = tempfile::tempdir().unwrap();
    // Two DataTools instances append to one daily file; José's app dies mid-line, and
    // Ana's next line follows on the next line.
    let lines = [
        r#"{"ts": "2026-05-17T14:00:00Z", "level": "info", "category": "session", "session": "a1", "message": "Session started", "user": "Ana"}"#,
        r#"{"ts": "2026-05-17T14:00:01Z", "level": "info", "category": "session", "session": "j2", "message": "Session started", "user": "José"}"#,
        r#"{"ts": "2026-05-17T14:02:00Z", "level": "info", "category": "nav", "session": "a1", "message": "Opened Home"}"#,
        r#"{"ts": "2026-05-17T14:02:11Z", "level": "error", "category": "error", "session": "j2", "message": "MemoryError: Unable to allo"#,
        r#"{"ts": "2026-05-17T14:03:00Z", "level": "info", "category": "nav", "session": "a1", "message": "Opened Import"}"#,
    ];
    std::fs::write(dir.path().join("datatools-2026-05-17.jsonl"), lines.join("\n") + "\n").unwrap();
    let sessions = json_of(&["sessions", "--json", dir.path().to_str().unwrap()]);
    let unparsed: Vec<(String, u64)> = sessions
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_string(), s["unparsed"].as_u64().unwrap()))
        .collect();
    assert_eq!(unparsed, [("a1".to_string(), 0), ("j2".to_string(), 1)]);
    // It keeps the time and level written before the cut.
    let csv = text_of(&["export", "--format", "csv", dir.path().to_str().unwrap()]);
    let row = csv.lines().find(|l| l.contains("MemoryError")).expect("the cut line is exported");
    assert!(row.starts_with("2026-05-17T14:02:11.000Z,error,error,j2,"), "{row}");
}

#[test]
fn unknown_time_zone_exits_2() {
    let err = fails_with(&["summary", "--tz", "Mars/Olympus", fixture("datatools").to_str().unwrap()], 2);
    assert!(err.contains("unknown time zone \"Mars/Olympus\""), "{err}");
}

#[test]
fn empty_folder_exits_1_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails_with(&[OsStr::new("summary"), OsStr::new("--utc"), os(dir.path())], 1);
    assert!(err.contains("no log files could be read"), "{err}");
}

// ---------------------------------------------------------------------------
// Inputs

#[test]
fn folders_are_read_recursively_and_non_logs_are_listed_as_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "call the client back\n").unwrap();
    std::fs::write(dir.path().join("image.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    std::fs::write(dir.path().join("a.jsonl"), format!("{EVENT}\n{EVENT}\n")).unwrap();
    std::fs::create_dir_all(dir.path().join("sub/dir")).unwrap();
    std::fs::write(dir.path().join("sub/dir/x.ndjson"), format!("{EVENT}\n")).unwrap();
    let v = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(dir.path())]);
    let names = |k: &str| -> Vec<String> {
        v[k].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names("skipped"), ["image.png", "notes.txt"]);
    assert_eq!(names("sources"), ["a.jsonl", "sub/dir/x.ndjson"]);
    assert_eq!(v["events"], 3);
    assert_eq!(v["files"], 2);
    assert_eq!(v["problems"], serde_json::json!([]));
}

fn summary_from_stdin(args: &[&str], input: &[u8]) -> Value {
    let mut child = audit_tui()
        .args(["summary", "--json", "--utc"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn stdin_is_read_with_a_dash_and_when_piped_without_a_path() {
    let input = std::fs::read(fixture("datatools/datatools-2026-05-17.jsonl")).unwrap();
    for args in [&["-"][..], &[][..]] {
        let v = summary_from_stdin(args, &input);
        assert_eq!(v["events"], 20, "args {args:?}");
        assert_eq!(v["errors"], 3, "args {args:?}");
        assert_eq!(v["sessions"], 2, "args {args:?}");
        assert_eq!(v["sources"][0]["name"], "-", "args {args:?}");
    }
    // Gzip bytes on stdin are inflated too.
    let v = summary_from_stdin(&["-"], &gzip(&input));
    assert_eq!(v["events"], 20);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn gzip_is_read_by_name_and_by_magic_bytes() {
    let plain = std::fs::read(fixture("datatools/datatools-2026-05-17.jsonl")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("named.jsonl.gz");
    let disguised = dir.path().join("disguised.jsonl");
    std::fs::write(&named, gzip(&plain)).unwrap();
    std::fs::write(&disguised, gzip(&plain)).unwrap();
    let want = stdout_of(&[OsStr::new("export"), os(&fixture("datatools/datatools-2026-05-17.jsonl"))]);
    for path in [&named, &disguised] {
        assert_eq!(stdout_of(&[OsStr::new("export"), os(path)]), want, "{}", path.display());
    }
    let v = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(dir.path())]);
    assert_eq!(v["events"], 40);
    assert_eq!(v["sessions"], 2, "explicit sessions are shared across files");
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_a_problem_and_the_rest_still_loads() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.jsonl"), format!("{EVENT}\n")).unwrap();
    let locked = dir.path().join("locked.jsonl");
    std::fs::write(&locked, format!("{EVENT}\n")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_ok() {
        eprintln!("skipped: this user can read a mode-000 file (root?)");
        return;
    }
    let out = run(&[OsStr::new("summary"), OsStr::new("--json"), os(dir.path())]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["events"], 1);
    assert_eq!(v["problems"], serde_json::json!([{"name": "locked.jsonl", "message": "permission denied"}]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("locked.jsonl: permission denied"), "{err}");
}

#[test]
fn a_hostile_file_name_is_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("evil\x1b]0;pwned\x07\nline.jsonl"), format!("{EVENT}\n")).unwrap();
    for command in ["summary", "sessions"] {
        let text = text_of(&[OsStr::new(command), os(dir.path())]);
        assert_eq!(raw_hazards(&text), Vec::<String>::new(), "{command}:\n{text}");
        assert!(text.contains(r"evil\x1b]0;pwned\x07\nline.jsonl"), "{command}:\n{text}");
    }
    let v = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(dir.path())]);
    assert_eq!(v["events"], 1, "the event is still counted");
}

// ---------------------------------------------------------------------------
// The client's folder is evidence: nothing is written beside it

/// Every path under `root` with its kind, size and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (bool, u64, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            }
            let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
            out.insert(rel, (meta.is_dir(), meta.len(), meta.modified().unwrap()));
        }
    }
    let meta = std::fs::metadata(root).unwrap();
    out.insert(PathBuf::new(), (true, meta.len(), meta.modified().unwrap()));
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn reading_leaves_the_log_folder_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("mailed");
    copy_dir(&fixture("datatools"), &logs.join("datatools"));
    copy_dir(&fixture("archives"), &logs.join("archives"));
    let before = snapshot(&logs);
    assert!(before.len() >= 10);
    for args in [
        &["summary"][..],
        &["summary", "--json"],
        &["sessions"],
        &["sessions", "--json"],
        &["errors"],
        &["errors", "--json"],
        &["export"],
        &["export", "--format", "csv"],
        &["export", "--format", "text", "-q", "level:error"],
        &["report"],
    ] {
        let mut all: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        all.push(os(&logs));
        let out = run(&all);
        assert!(!out.stdout.is_empty(), "{args:?} printed something");
        assert_eq!(snapshot(&logs), before, "after {args:?}");
    }
}

// ---------------------------------------------------------------------------
// Regressions

/// Untimed lines at the start of a file bigger than one 4 MiB parse range take the time of
/// the first line that has one, even ranges later: no 1970 session of their own.
#[test]
fn untimed_lines_before_the_first_range_boundary_join_the_first_timed_session() {
    const UNTIMED: usize = 161_329;
    let line = "{\"message\":\"no time yet\"}\n";
    let mut body = line.repeat(UNTIMED);
    assert!(body.len() >= 4 << 20, "the untimed lines alone fill more than one range");
    body.push_str("{\"ts\":\"2026-05-17T10:00:00Z\",\"message\":\"first timed\"}\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.jsonl"), body).unwrap();

    let v = json_of(&[OsStr::new("sessions"), OsStr::new("--json"), os(dir.path())]);
    let sessions = v.as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{v:#}");
    let s = &sessions[0];
    assert_eq!(s["events"], UNTIMED + 1);
    let ms = |k: &str| chrono::DateTime::parse_from_rfc3339(s[k].as_str().unwrap()).unwrap().timestamp_millis();
    let ten = chrono::DateTime::parse_from_rfc3339("2026-05-17T10:00:00Z").unwrap().timestamp_millis();
    assert_eq!((ms("start"), ms("end")), (ten, ten), "{s}");
    assert!(s["start"].as_str().unwrap().starts_with("2026-05-17T10:00:00"), "{s}");
}

/// `-q -level:info` as two arguments: the query may start with a minus.
#[test]
fn a_query_starting_with_a_minus_is_a_query_not_a_flag() {
    let want = raws(datatools_timeline().iter().filter(|l| l.str("level") != "info"));
    let got =
        export_lines(&[OsStr::new("export"), OsStr::new("-q"), OsStr::new("-level:info"), os(&fixture("datatools"))]);
    assert_lines("-level:info", &got, &want, 5);
    let v = json_of(&[
        OsStr::new("summary"),
        OsStr::new("--json"),
        OsStr::new("-q"),
        OsStr::new("-level:info"),
        os(&fixture("datatools")),
    ]);
    assert_eq!(v["matching"], 5, "{v:#}");
}

/// `--utc` wins over `AUDIT_TUI_TZ`, and the variable alone still sets the zone.
#[test]
fn utc_flag_wins_over_audit_tui_tz_and_the_variable_alone_sets_the_zone() {
    let dir = fixture("datatools");
    let sessions_with = |tz: &str, utc: bool| -> Output {
        let mut cmd = audit_tui();
        cmd.env("AUDIT_TUI_TZ", tz).arg("sessions");
        if utc {
            cmd.arg("--utc");
        }
        cmd.arg(&dir).stdin(Stdio::null()).output().expect("the binary runs")
    };
    let starts = |out: &Output| -> String {
        assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        text.lines()
            .find(|l| l.starts_with("a1b2c3d4"))
            .unwrap_or_else(|| panic!("no a1b2c3d4 row:\n{text}"))
            .to_string()
    };
    // The session starts at 2026-05-17T05:30:00.123Z.
    let out = audit_tui()
        .env("AUDIT_TUI_TZ", "UTC")
        .args([OsStr::new("summary"), OsStr::new("--utc"), os(&dir)])
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2026-05-16 07:15:00 → 2026-05-17 05:40:12"));
    let row = starts(&sessions_with("+02:00", true));
    assert!(row.contains("2026-05-17 05:30:00"), "--utc wins: {row}");
    let row = starts(&sessions_with("+02:00", false));
    assert!(row.contains("2026-05-17 07:30:00"), "AUDIT_TUI_TZ=+02:00 shifts the times: {row}");
}

/// A file of nothing but unparsed lines opens no session.
#[test]
fn a_file_of_only_unparsed_lines_has_no_session() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("junk.jsonl"), "hello\nworld\n").unwrap();
    let v = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(dir.path())]);
    assert_eq!(v["sessions"], 0, "{v:#}");
    assert_eq!(v["unparsed"], 2, "{v:#}");
    let v = json_of(&[OsStr::new("sessions"), OsStr::new("--json"), os(dir.path())]);
    assert_eq!(v, serde_json::json!([]));
}

/// A global flag before the subcommand still runs the subcommand.
#[test]
fn a_global_flag_before_the_subcommand_runs_the_subcommand() {
    let dir = fixture("datatools");
    let out = audit_tui()
        .args([OsStr::new("--utc"), OsStr::new("summary"), OsStr::new("--json"), os(&dir)])
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("summary --json prints JSON");
    assert_eq!(v, json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(&dir)]));
    assert_eq!(v["events"], 27);
}

#[test]
fn the_empty_folder_message_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails_with(&[OsStr::new("summary"), OsStr::new("--utc"), os(dir.path())], 1);
    assert!(err.contains(&format!("no log files could be read in {}", dir.path().display())), "{err}");
}

// ---------------------------------------------------------------------------
// rtgs execution logs: one Markdown file per run

const RTGS_FAILED: &str =
    "rtgs/logs/data-extraction/2025-06-10_12-44-36_manual_local_extract_data_for_lccmr_irrigation.md";

#[test]
fn rtgs_markdown_execution_logs_are_one_event_per_file() {
    let dir = fixture("rtgs/logs");
    let v = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(&dir)]);
    assert_eq!((v["files"].as_u64(), v["events"].as_u64(), v["errors"].as_u64()), (Some(3), Some(3), Some(1)), "{v:#}");
    let dialects: Vec<&str> = v["sources"].as_array().unwrap().iter().filter_map(|s| s["dialect"].as_str()).collect();
    assert_eq!(dialects, ["rtgs", "rtgs", "rtgs"]);
    let text = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(&fixture("quirks/text.log"))]);
    assert_eq!(text["sources"][0]["dialect"], "text", "{text:#}");
    assert_eq!(text["dialects"]["text"], text["events"], "{text:#}");
    assert_eq!(v["skipped"][0]["name"], "README.md", "a Markdown file that is not an execution log is skipped");
    assert_eq!(v["categories"], serde_json::json!({"data-extraction": 2, "visualization": 1}));

    // Exported whole and byte for byte: the file is the event's record.
    let failed = std::fs::read(fixture(RTGS_FAILED)).unwrap();
    let out = stdout_of(&[OsStr::new("export"), OsStr::new("-q"), OsStr::new("level:error"), os(&dir)]);
    assert_eq!(out, failed);

    let sessions = json_of(&[OsStr::new("sessions"), OsStr::new("--json"), os(&dir)]);
    let users: Vec<&str> = sessions.as_array().unwrap().iter().filter_map(|s| s["user"].as_str()).collect();
    assert_eq!(users, ["zach", "zach"], "runs more than 30 minutes apart are two sessions of the user behind them");
    let csv = errors_as_csv(&dir);
    assert!(
        csv.contains(
            "data-extraction Extract data for LCCMR_Irrigation ✗: connection to server at \"\"gems-db\"\" timed out"
        ),
        "{csv}"
    );
}

#[test]
fn rtgs_execution_logs_are_found_inside_a_mailed_zip() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("rtgs-logs.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("logs/data-extraction/run.md", options).unwrap();
    zip.write_all(&std::fs::read(fixture(RTGS_FAILED)).unwrap()).unwrap();
    zip.start_file("logs/NOTES.md", options).unwrap();
    zip.write_all(b"# Notes\n\nThe extraction failed twice.\n").unwrap();
    zip.finish().unwrap();

    let v = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(dir.path())]);
    assert_eq!((v["events"].as_u64(), v["errors"].as_u64()), (Some(1), Some(1)), "{v:#}");
    assert_eq!(v["skipped"][0]["name"], "rtgs-logs.zip:logs/NOTES.md");
}

// ---------------------------------------------------------------------------
// JSON documents: arrays and pretty-printed objects

#[test]
fn a_json_array_export_is_one_event_per_element_and_exports_as_json_lines() {
    let path = fixture("documents/export-array.json");
    let v = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(&path)]);
    assert_eq!(
        (v["events"].as_u64(), v["unparsed"].as_u64(), v["errors"].as_u64()),
        (Some(4), Some(0), Some(1)),
        "{v:#}"
    );

    let elements: Vec<Value> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let lines = export_lines(&[OsStr::new("export"), os(&path)]);
    let exported: Vec<Value> =
        lines.iter().map(|l| serde_json::from_slice(l).expect("one JSON object per line")).collect();
    assert_eq!(exported, elements, "each element, on one line, in order");

    let csv = errors_as_csv(&path);
    assert!(
        csv.lines().nth(1).is_some_and(|row| row.contains("KeyError") && row.ends_with(",export-array.json,19")),
        "{csv}"
    );

    let errors = json_of(&[OsStr::new("errors"), OsStr::new("--json"), os(&path)]);
    assert_eq!(
        (errors[0]["error_type"].as_str(), errors[0]["sample"]["location"].as_str()),
        (Some("KeyError"), Some("export-array.json:19"))
    );
}

#[test]
fn a_cut_off_json_array_keeps_its_records_and_shows_the_damage_line_by_line() {
    let path = fixture("documents/cut-off-array.json");
    let v = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(&path)]);
    assert_eq!((v["events"].as_u64(), v["unparsed"].as_u64()), (Some(2), Some(3)), "{v:#}");
    let lines: Vec<u64> = v["unparsed_lines"].as_array().unwrap().iter().filter_map(|u| u["line"].as_u64()).collect();
    assert_eq!(lines, [19, 20, 21]);
}

// ---------------------------------------------------------------------------
// Exporting errors reads only the lines that can be errors

/// `level:error+` lets export skip lines whose bytes cannot make an error; the same
/// selection written as "no other level" reads every line. Both must export the same
/// lines in the same order.
#[test]
fn exporting_errors_reads_less_but_finds_the_same_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mixed = concat!(
        "{\"level\":\"error\",\"msg\":\"no time, first line\"}\n",
        "{\"ts\":\"2026-05-17T09:00:00Z\",\"level\":\"info\",\"msg\":\"a\"}\n",
        "{\"ts\":\"2026-05-17T09:00:01Z\",\"level\":\"info\",\"msg\":\"b\"}\n",
        "{\"level\":50,\"time\":1779008400000,\"msg\":\"pino error\"}\n",
        "{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"info\",\"msg\":\"before\"}\n",
        "{\"level\":\"ERROR\",\"msg\":\"no time, after a timed line\"}\n",
        "{\"ts\":\"2026-05-17T10:00:05Z\",\"level\":\"\\u0065rror\",\"msg\":\"escaped\"}\n",
        "{\"ts\":\"2026-05-17T10:00:06Z\",\"level\":\"info\",\"msg\":\"trunc\n",
        "{\"ts\":\"2026-05-17T08:00:00Z\",\"status\":\"Crashed\",\"tool\":\"x\"}\n",
        "{\"ts\":\"2026-05-17T08:00:01Z\",\"success\":false,\"tool\":\"y\"}\n",
        "2026-05-17 07:00:00 CRIT disk on fire\n",
        "Traceback (most recent call last):\n",
    );
    std::fs::write(dir.path().join("mixed.jsonl"), mixed).unwrap();
    std::fs::write(
        dir.path().join("b.jsonl"),
        "{\"level\":\"fatal\",\"msg\":\"untimed first\"}\n{\"ts\":\"2026-05-17T06:00:00Z\",\"level\":\"info\"}\n",
    )
    .unwrap();
    // logfmt levels are numbers the byte patterns do not look for.
    std::fs::write(
        dir.path().join("app.log"),
        concat!(
            "ts=2026-05-17T07:00:00Z level=30 msg=fine\n",
            "time=2026-05-17T07:00:01Z level=50 msg=\"logfmt pino band\"\n",
            "ts=2026-05-17T07:00:02Z priority=3 msg=syslog\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("s.csv"),
        "Timestamp,User,Message,Success\n2025-07-10 11:18:32,bob,import,no\n2025-07-10 11:18:33,bob,import,true\n",
    )
    .unwrap();
    let others = "-level:none -level:trace -level:debug -level:info -level:warn";
    for path in [
        dir.path().to_path_buf(),
        fixture("datatools"),
        fixture("common"),
        fixture("quirks"),
        fixture("repricing"),
        fixture("rtgs"),
    ] {
        let screened = stdout_of(&[OsStr::new("export"), OsStr::new("-q"), OsStr::new("level:error+"), os(&path)]);
        let full = stdout_of(&[OsStr::new("export"), OsStr::new("-q"), OsStr::new(others), os(&path)]);
        assert_eq!(String::from_utf8_lossy(&screened), String::from_utf8_lossy(&full), "{}", path.display());
    }
    let lines = export_lines(&[OsStr::new("export"), OsStr::new("-q"), OsStr::new("level:error+"), os(dir.path())]);
    assert_eq!(lines.len(), 11, "{}", show(&lines));
}

#[test]
fn csv_rows_with_line_breaks_in_quoted_cells_are_one_event_each() {
    let path = fixture("repricing/audit_log_traceback.csv");
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    // The SYSTEM_ERROR row runs from "2025-07-11 08:19:03" to its own CRLF, seven lines on.
    let start = text.find("2025-07-11 08:19:03").unwrap();
    let end = start + text[start..].find("SYSTEM_ERROR\r\n").unwrap() + "SYSTEM_ERROR\r\n".len();
    let exported = stdout_of(&[OsStr::new("export"), OsStr::new("-q"), OsStr::new("cat:Repricing"), os(&path)]);
    assert_eq!(String::from_utf8_lossy(&exported), &text[start..end], "the row exported byte for byte");

    let errors = json_of(&[OsStr::new("errors"), OsStr::new("--json"), os(&path)]);
    let locations: Vec<&str> =
        errors.as_array().unwrap().iter().map(|g| g["sample"]["location"].as_str().unwrap()).collect();
    // Line numbers still count physical lines: the traceback row starts on line 4, and the
    // DATA_ERROR row after a two-line WARNING row is on line 14.
    assert_eq!(locations, ["audit_log_traceback.csv:14", "audit_log_traceback.csv:4"]);
    let traceback = errors[1]["sample"]["message"].as_str().unwrap();
    assert!(traceback.ends_with("KeyError: 'GPI'") && traceback.contains("line 212, in run"), "{traceback}");
}

#[test]
fn a_csv_row_cut_by_a_crash_does_not_swallow_the_rows_written_after_the_restart() {
    let path = fixture("repricing/audit_log_crash_restart.csv");
    let errors = json_of(&[OsStr::new("errors"), OsStr::new("--json"), os(&path)]);
    let locations: Vec<&str> =
        errors.as_array().unwrap().iter().map(|g| g["sample"]["location"].as_str().unwrap()).collect();
    assert_eq!(locations, ["audit_log_crash_restart.csv:13"], "the DATA_ERROR row after the restart");
    // The broken row is exported whole, from its stamp to the line before the restart.
    let broken = stdout_of(&[OsStr::new("export"), OsStr::new("-q"), OsStr::new("level:none"), os(&path)]);
    let broken = String::from_utf8_lossy(&broken);
    assert!(
        broken.starts_with("2025-07-14 09:05:12,") && broken.ends_with("    merged = merge(file1, file2)\n"),
        "{broken}"
    );
    assert_eq!(broken.lines().count(), 4);
}

#[test]
fn a_csv_cell_across_a_parallel_range_cut_stays_one_row() {
    // Ranges are cut at the first line break after each 4 MiB; this file puts a quoted
    // traceback of 200 lines across the first cut.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("Timestamp,User,Script,Message,Status\n");
    let mut rows = 0;
    while csv.len() < (4 << 20) - 2000 {
        csv.push_str(&format!("2025-07-11 08:{:02}:00,ann,Main,\"step {rows}, fine\",SUCCESS\n", rows % 60));
        rows += 1;
    }
    let traceback: String = (0..200).map(|k| format!("  File \"\"m{k}.py\"\", line {k}\n")).collect();
    csv.push_str(&format!(
        "2025-07-11 09:00:00,ann,Main,\"SYSTEM ERROR\nTraceback:\n{traceback}KeyError\",SYSTEM_ERROR\n"
    ));
    for k in 0..100 {
        csv.push_str(&format!("2025-07-11 09:01:{:02},ann,Main,after {k},SUCCESS\n", k % 60));
    }
    assert!(csv.len() > (4 << 20) + 2000, "the traceback crosses the first cut");
    let path = dir.path().join("audit_log.csv");
    std::fs::write(&path, &csv).unwrap();

    let summary = json_of(&[OsStr::new("summary"), OsStr::new("--json"), os(&path)]);
    assert_eq!((summary["events"].as_u64(), summary["unparsed"].as_u64()), (Some(rows + 101), Some(0)));
    assert_eq!(summary["errors"].as_u64(), Some(1));
    let exported = stdout_of(&[OsStr::new("export"), OsStr::new("-q"), OsStr::new("level:error"), os(&path)]);
    let exported = String::from_utf8(exported).unwrap();
    assert!(exported.starts_with("2025-07-11 09:00:00") && exported.ends_with("KeyError\",SYSTEM_ERROR\n"));
    assert_eq!(exported.lines().count(), 203);
    let errors = json_of(&[OsStr::new("errors"), OsStr::new("--json"), os(&path)]);
    let line = csv[..csv.find("2025-07-11 09:00:00").unwrap()].matches('\n').count() + 1;
    assert_eq!(errors[0]["sample"]["location"].as_str(), Some(format!("audit_log.csv:{line}").as_str()));
}
