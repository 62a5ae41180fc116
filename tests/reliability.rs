//! Scenarios of the reliability bar (`docs/reliability.md`, with their ids) that no other
//! test file covered. F10 first:
//! day files across the Europe/Paris DST changes (a 23-hour and a 25-hour day), naive
//! local times around each switch read with `--tz Europe/Paris`, and follow mode's
//! choice of today's file decided from the wall-clock date in the zone, never by adding
//! 24 hours.

mod common;

use audit_tui::ingest::build::{Detail, Options, Progress, build};
use audit_tui::ingest::inputs::tail::{TailCursor, TailEvent};
use audit_tui::ingest::inputs::watch::{Clock, Follower};
use audit_tui::ingest::time::Zone;
use audit_tui::model::Index;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::Paris;
use serde_json::Value;
use std::ffi::OsStr;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

fn paris() -> Zone {
    Zone::parse("Europe/Paris").expect("a known zone")
}

fn utc_ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s).expect("an RFC 3339 time").timestamp_millis()
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a YYYY-MM-DD date")
}

fn append(path: &Path, text: &str) {
    let mut f = OpenOptions::new().create(true).append(true).open(path).expect("open for append");
    f.write_all(text.as_bytes()).expect("append");
}

/// A DataTools-style line stamped with a naive local time, as a writer that knows only
/// its wall clock writes it.
fn naive_line(wall: &str, msg: &str) -> String {
    format!("{{\"ts\":\"{wall}\",\"level\":\"info\",\"user\":\"ann\",\"msg\":\"{msg}\"}}\n")
}

/// What a writer in Paris logs over one local day, one line at half past every hour the
/// wall clock shows: 23 lines on 2026-03-29, 25 on 2026-10-25 (02:30 twice), else 24.
/// Computed from chrono-tz, not from audit-tui's own zone code.
fn paris_day_file(day: NaiveDate) -> (String, usize) {
    let start = Paris.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap()).earliest().unwrap();
    let next = day.succ_opt().unwrap();
    let end = Paris.from_local_datetime(&next.and_hms_opt(0, 0, 0).unwrap()).earliest().unwrap();
    let mut text = String::new();
    let mut at = start + chrono::Duration::minutes(30);
    let mut n = 0;
    while at < end {
        n += 1;
        let wall = at.format("%Y-%m-%dT%H:%M:%S");
        text.push_str(&naive_line(&wall.to_string(), &format!("{day} #{n} at {}", at.to_rfc3339())));
        at += chrono::Duration::hours(1);
    }
    (text, n)
}

fn audit_tui() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_audit-tui"));
    cmd.env_remove("AUDIT_TUI_TZ").env_remove("DATATOOLS_AUDIT_DIR").env_remove("TZ");
    cmd
}

/// Runs a headless command with `--tz Europe/Paris` and insists it succeeds.
fn in_paris<S: AsRef<OsStr>>(args: &[S]) -> Output {
    let out =
        audit_tui().args(args).args(["--tz", "Europe/Paris"]).stdin(Stdio::null()).output().expect("the binary runs");
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    out
}

/// The `msg` of every line `export` prints, in the order it prints them (timeline order).
fn exported_messages(dir: &Path, query: Option<&str>) -> Vec<String> {
    let mut args: Vec<&OsStr> = vec![OsStr::new("export"), dir.as_os_str()];
    if let Some(q) = query {
        args.extend([OsStr::new("-q"), OsStr::new(q)]);
    }
    let out = in_paris(&args);
    String::from_utf8(out.stdout)
        .expect("UTF-8 lines")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("an exported JSON line")["msg"].as_str().unwrap().to_string())
        .collect()
}

fn summary_json(dir: &Path) -> Value {
    let out = in_paris(&[OsStr::new("summary"), OsStr::new("--json"), dir.as_os_str()]);
    serde_json::from_slice(&out.stdout).expect("summary --json is JSON")
}

fn index_in_paris(dir: &Path) -> Index {
    let opts = Options { zone: paris(), gap_minutes: 30, detail: Detail::Full };
    build(&[dir.to_path_buf()], opts, &Progress::default())
}

/// (msg, UTC milliseconds) of every event, in timeline order.
fn timeline(index: &Index) -> Vec<(String, i64)> {
    (0..index.len())
        .filter_map(|id| index.event(id))
        .map(|e| {
            let line: Value = serde_json::from_slice(index.raw_line(e)).expect("a JSON line");
            (line["msg"].as_str().unwrap_or_default().to_string(), e.time())
        })
        .collect()
}

// ---------------------------------------------------------------------------
// F10: naive local times across the DST changes, read with --tz Europe/Paris

#[test]
fn day_files_across_both_dst_changes_hold_23_24_and_25_hours_and_lose_no_line() {
    let dir = tempfile::tempdir().unwrap();
    let days = ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"];
    let mut lines_per_day = Vec::new();
    for d in days {
        let (text, n) = paris_day_file(date(d));
        std::fs::write(dir.path().join(format!("datatools-{d}.jsonl")), text).unwrap();
        lines_per_day.push(n);
    }
    assert_eq!(lines_per_day, [24, 23, 24, 24, 25, 24], "the fixture itself: a 23-hour and a 25-hour day");

    let summary = summary_json(dir.path());
    assert_eq!(summary["events"], 144);
    assert_eq!(summary["unparsed"], 0);
    for (d, n) in days.iter().zip(&lines_per_day) {
        let name = format!("datatools-{d}.jsonl");
        let source = summary["sources"].as_array().unwrap().iter().find(|s| s["name"] == name.as_str()).unwrap();
        assert_eq!(source["events"], *n as u64, "{name}");
        // A local day read as local: the query's day bounds are local midnights too.
        let next = date(d).succ_opt().unwrap();
        let in_day = exported_messages(dir.path(), Some(&format!("since:{d} until:{next}")));
        assert_eq!(in_day.len(), *n, "events of {d} by a since/until day query: {in_day:?}");
        assert!(in_day.iter().all(|m| m.starts_with(d)), "{d}: {in_day:?}");
    }
    let day = |name: &str| summary["sources"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap().clone();
    // Each day's span is shown with the offset in force at each end.
    let autumn = day("datatools-2026-10-25.jsonl");
    assert_eq!(autumn["first_ts"], "2026-10-25T00:30:00.000+02:00");
    assert_eq!(autumn["last_ts"], "2026-10-25T23:30:00.000+01:00");
    let spring = day("datatools-2026-03-29.jsonl");
    assert_eq!(spring["first_ts"], "2026-03-29T00:30:00.000+01:00");
    assert_eq!(spring["last_ts"], "2026-03-29T23:30:00.000+02:00");
}

#[test]
fn naive_times_across_the_spring_gap_keep_file_order_and_their_instants() {
    let dir = tempfile::tempdir().unwrap();
    // Paris clocks jump from 02:00 to 03:00 on 2026-03-29: 01:59:59 and 03:00:00 are one
    // second apart.
    let file = [
        ("2026-03-29T01:58:00", "a", "2026-03-29T00:58:00Z"),
        ("2026-03-29T01:59:59", "b", "2026-03-29T00:59:59Z"),
        ("2026-03-29T03:00:00", "c", "2026-03-29T01:00:00Z"),
        ("2026-03-29T03:00:01", "d", "2026-03-29T01:00:01Z"),
        ("2026-03-29T03:20:00", "e", "2026-03-29T01:20:00Z"),
    ];
    let text: String = file.iter().map(|(wall, msg, _)| naive_line(wall, msg)).collect();
    std::fs::write(dir.path().join("datatools-2026-03-29.jsonl"), text).unwrap();

    assert_eq!(exported_messages(dir.path(), None), ["a", "b", "c", "d", "e"]);
    let want: Vec<(String, i64)> = file.iter().map(|(_, m, utc)| (m.to_string(), utc_ms(utc))).collect();
    assert_eq!(timeline(&index_in_paris(dir.path())), want);
    // One second apart, so one derived session, not two cut by a phantom hour.
    assert_eq!(summary_json(dir.path())["sessions"], 1);
}

#[test]
fn a_time_stamped_in_the_missing_spring_hour_is_kept_and_read_as_winter_time() {
    let dir = tempfile::tempdir().unwrap();
    // 02:30 never happened in Paris on 2026-03-29 (a writer with a wrong clock, or one
    // that stamps in winter time all year): the line is still an event, counted, and read
    // with the offset from before the jump, i.e. as 01:30 UTC.
    let text = naive_line("2026-03-29T01:30:00", "before") + &naive_line("2026-03-29T02:30:00", "in the gap");
    std::fs::write(dir.path().join("datatools-2026-03-29.jsonl"), text).unwrap();
    let index = index_in_paris(dir.path());
    assert_eq!(index.unparsed_count(), 0);
    assert_eq!(
        timeline(&index),
        [
            ("before".to_string(), utc_ms("2026-03-29T00:30:00Z")),
            ("in the gap".to_string(), utc_ms("2026-03-29T01:30:00Z"))
        ]
    );
}

/// A writer in Paris on 2026-10-25: 02:10 and 02:40 happen twice, first in summer time
/// (+02:00) and then again an hour later in winter time (+01:00).
const AUTUMN_FOLD: [(&str, &str, &str); 6] = [
    ("2026-10-25T01:59:00", "n1", "2026-10-24T23:59:00Z"),
    ("2026-10-25T02:10:00", "n2", "2026-10-25T00:10:00Z"),
    ("2026-10-25T02:40:00", "n3", "2026-10-25T00:40:00Z"),
    ("2026-10-25T02:10:00", "n4", "2026-10-25T01:10:00Z"),
    ("2026-10-25T02:40:00", "n5", "2026-10-25T01:40:00Z"),
    ("2026-10-25T03:05:00", "n6", "2026-10-25T02:05:00Z"),
];

fn autumn_fold_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text: String = AUTUMN_FOLD.iter().map(|(wall, msg, _)| naive_line(wall, msg)).collect();
    std::fs::write(dir.path().join("datatools-2026-10-25.jsonl"), text).unwrap();
    dir
}

#[test]
fn the_repeated_autumn_hour_is_counted_in_full_and_loses_no_line() {
    let dir = autumn_fold_folder();
    let summary = summary_json(dir.path());
    assert_eq!(summary["events"], 6);
    assert_eq!(summary["unparsed"], 0);
    assert_eq!(summary["first_ts"], "2026-10-25T01:59:00.000+02:00");
    assert_eq!(summary["last_ts"], "2026-10-25T03:05:00.000+01:00");
    let mut got = exported_messages(dir.path(), None);
    got.sort();
    assert_eq!(got, ["n1", "n2", "n3", "n4", "n5", "n6"], "every line once");
}

#[test]
fn the_repeated_autumn_hour_keeps_file_order_and_the_second_run_is_winter_time() {
    let dir = autumn_fold_folder();
    assert_eq!(exported_messages(dir.path(), None), ["n1", "n2", "n3", "n4", "n5", "n6"]);
    let want: Vec<(String, i64)> = AUTUMN_FOLD.iter().map(|(_, m, utc)| (m.to_string(), utc_ms(utc))).collect();
    assert_eq!(timeline(&index_in_paris(dir.path())), want);
}

// ---------------------------------------------------------------------------
// F10: follow mode's "today" is the wall-clock date in the zone

fn clock_at(ms: &Arc<AtomicI64>) -> Clock {
    let ms = Arc::clone(ms);
    Arc::new(move || ms.load(Ordering::SeqCst))
}

fn day_file(d: NaiveDate) -> String {
    format!("datatools-{}.jsonl", d.format("%Y-%m-%d"))
}

/// Steps an injected clock through `from..to` in 5-minute polls, with a day file for
/// every date already in the folder, and checks after each poll that the newest followed
/// file is the one dated today on a Paris wall clock, and that "midnight" is announced
/// exactly once per local midnight, at the first poll after it.
fn follow_through_paris_days(from: &str, to: &str) -> Vec<(i64, String)> {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (utc_ms(from), utc_ms(to));
    let paris_date = |ms: i64| Paris.timestamp_millis_opt(ms).unwrap().date_naive();
    let mut d = paris_date(from);
    while d <= paris_date(to) {
        append(&dir.path().join(day_file(d)), &format!("{{\"msg\":\"{d}\"}}\n"));
        d = d.succ_opt().unwrap();
    }
    let now = Arc::new(AtomicI64::new(from));
    let mut follower = Follower::new(dir.path(), paris(), clock_at(&now));
    let mut switches = Vec::new();
    let mut today = paris_date(from);
    let mut t = from;
    while t <= to {
        now.store(t, Ordering::SeqCst);
        let batch = follower.poll(false);
        let wall_date = paris_date(t);
        let midnight: Vec<&String> = batch.notices.iter().filter(|n| n.starts_with("midnight")).collect();
        if wall_date != today {
            assert_eq!(
                midnight,
                [&format!("midnight: now following files dated {wall_date}")],
                "at {} ({} in Paris)",
                chrono::DateTime::from_timestamp_millis(t).unwrap(),
                Paris.timestamp_millis_opt(t).unwrap()
            );
            switches.push((t, wall_date.to_string()));
            today = wall_date;
        } else {
            assert!(midnight.is_empty(), "no switch at {}: {midnight:?}", Paris.timestamp_millis_opt(t).unwrap());
        }
        assert_eq!(
            follower.followed().last(),
            Some(&day_file(wall_date)),
            "following today's file at {}",
            Paris.timestamp_millis_opt(t).unwrap()
        );
        t += 5 * 60_000;
    }
    switches
}

#[test]
fn follow_switches_once_at_each_paris_midnight_around_the_23_hour_day() {
    // Local midnights: 03-28 23:00Z (+01:00), 03-29 22:00Z (+02:00 after the jump):
    // 23 hours apart. A "+24 h" timer would still be on the 29th's file at 22:30Z.
    let switches = follow_through_paris_days("2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z");
    assert_eq!(
        switches,
        [(utc_ms("2026-03-28T23:00:00Z"), "2026-03-29".into()), (utc_ms("2026-03-29T22:00:00Z"), "2026-03-30".into())]
    );
}

#[test]
fn follow_switches_once_at_each_paris_midnight_around_the_25_hour_day() {
    // Local midnights: 10-24 22:00Z (+02:00), 10-25 23:00Z (+01:00 after the fall back):
    // 25 hours apart. A "+24 h" timer would leave the 25th's file an hour early.
    let switches = follow_through_paris_days("2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z");
    assert_eq!(
        switches,
        [(utc_ms("2026-10-24T22:00:00Z"), "2026-10-25".into()), (utc_ms("2026-10-25T23:00:00Z"), "2026-10-26".into())]
    );
}

#[test]
fn a_suspend_over_two_midnights_switches_once_to_the_day_the_clock_shows() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["2026-05-17", "2026-05-18", "2026-05-19"] {
        append(&dir.path().join(format!("datatools-{d}.jsonl")), &format!("{{\"msg\":\"{d}\"}}\n"));
    }
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut follower = Follower::new(dir.path(), paris(), clock_at(&now));
    follower.poll(true);
    assert_eq!(follower.followed(), ["datatools-2026-05-17.jsonl"]);
    // The laptop sleeps until the morning of the 19th: no timer fires in between.
    now.store(utc_ms("2026-05-19T07:00:00Z"), Ordering::SeqCst);
    let batch = follower.poll(false);
    let midnight: Vec<&String> = batch.notices.iter().filter(|n| n.starts_with("midnight")).collect();
    assert_eq!(midnight, ["midnight: now following files dated 2026-05-19"]);
    assert_eq!(follower.followed(), ["datatools-2026-05-17.jsonl", "datatools-2026-05-19.jsonl"]);
    let delivered: Vec<String> = batch.pieces.iter().map(|p| String::from_utf8_lossy(&p.bytes).into_owned()).collect();
    assert_eq!(delivered, ["{\"msg\":\"2026-05-19\"}\n"], "the skipped day's untouched file is not replayed");
}

#[test]
fn a_clock_stepped_back_over_midnight_replays_and_drops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (day1, day2) = (dir.path().join("datatools-2026-05-17.jsonl"), dir.path().join("datatools-2026-05-18.jsonl"));
    append(&day1, "{\"msg\":\"17 a\"}\n");
    append(&day2, "{\"msg\":\"18 a\"}\n");
    // Paris midnight of the 18th is 22:00Z on the 17th.
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T21:59:00Z")));
    let mut follower = Follower::new(dir.path(), paris(), clock_at(&now));
    let mut delivered = Vec::new();
    let mut poll_at = |t: &str, f: &mut Follower| {
        now.store(utc_ms(t), Ordering::SeqCst);
        let batch = f.poll(false);
        delivered.extend(batch.pieces.iter().map(|p| String::from_utf8_lossy(&p.bytes).into_owned()));
    };
    poll_at("2026-05-17T21:59:00Z", &mut follower);
    poll_at("2026-05-17T22:00:30Z", &mut follower);
    // NTP steps the clock back 40 s, to before midnight, while both days are written to.
    poll_at("2026-05-17T21:59:50Z", &mut follower);
    append(&day1, "{\"msg\":\"17 b\"}\n");
    append(&day2, "{\"msg\":\"18 b\"}\n");
    poll_at("2026-05-17T22:00:10Z", &mut follower);
    poll_at("2026-05-17T22:05:00Z", &mut follower);
    delivered.sort();
    assert_eq!(
        delivered,
        ["{\"msg\":\"17 a\"}\n", "{\"msg\":\"17 b\"}\n", "{\"msg\":\"18 a\"}\n", "{\"msg\":\"18 b\"}\n"]
    );
    assert_eq!(follower.followed(), ["datatools-2026-05-17.jsonl", "datatools-2026-05-18.jsonl"]);
}

// ---------------------------------------------------------------------------
// F3, F11, L6: the tail cursor's limits and symlinks

fn read_all(c: &mut TailCursor) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut notices = Vec::new();
    for e in c.poll_at(0) {
        match e {
            TailEvent::Lines { bytes, .. } => text.push_str(&String::from_utf8_lossy(&bytes)),
            TailEvent::Incomplete { bytes, .. } => text.push_str(&String::from_utf8_lossy(&bytes)),
            other => notices.push(format!("{other:?}")),
        }
    }
    (text, notices)
}

/// F3 pins the limit of the rewrite check: the cursor remembers the first 64 bytes of the
/// file (and its device and inode). A writer that truncates and refills the same inode
/// past our offset between two polls, keeping those 64 bytes, is not noticed: the cursor
/// carries on at its old offset. A rewrite that changes the head is caught (tests/tail.rs).
#[test]
fn a_rewrite_that_keeps_the_first_64_bytes_goes_unnoticed_the_pinned_limit() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.jsonl");
    let head = format!("{{\"banner\":\"{}\"}}\n", "=".repeat(60));
    assert!(head.len() > 64);
    std::fs::write(&p, format!("{head}old 1\n")).unwrap();
    let mut c = TailCursor::new(&p);
    assert_eq!(read_all(&mut c).0, format!("{head}old 1\n"));
    // Same inode (written in place), same head, longer than before.
    std::fs::write(&p, format!("{head}new 1\nnew 2\n")).unwrap();
    let (text, notices) = read_all(&mut c);
    assert_eq!(notices, Vec::<String>::new(), "no truncation is seen");
    assert_eq!(text, "new 2\n", "reading goes on at the old offset: `new 1` is never delivered");
}

/// F11: following a `current` symlink by name: retargeting the link is a rotation (the
/// old target is handed over to drain), and truncating the file through the link is a
/// truncation of what the link points to now.
#[cfg(unix)]
#[test]
fn a_retargeted_current_symlink_is_followed_to_its_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, current) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"), dir.path().join("current.jsonl"));
    append(&a, "a 1\n");
    append(&b, "b 1\n");
    std::os::unix::fs::symlink("a.jsonl", &current).unwrap();
    let mut c = TailCursor::new(&current);
    assert_eq!(read_all(&mut c), ("a 1\n".to_string(), vec![]));
    append(&a, "a 2\n");
    assert_eq!(read_all(&mut c).0, "a 2\n", "appends through the link's target");
    // Retarget atomically, as `ln -sfn` via rename does.
    let staged = dir.path().join("current.tmp");
    std::os::unix::fs::symlink("b.jsonl", &staged).unwrap();
    std::fs::rename(&staged, &current).unwrap();
    append(&a, "a 3, late\n");
    assert_eq!(read_all(&mut c), ("b 1\n".to_string(), vec!["Rotated".to_string()]));
    let mut old = c.take_rotated();
    assert_eq!(old.len(), 1);
    assert_eq!(read_all(&mut old[0]).0, "a 3, late\n", "the old target drains through its handle");
    std::fs::OpenOptions::new().write(true).open(&current).unwrap().set_len(0).unwrap();
    append(&current, "b again\n");
    assert_eq!(read_all(&mut c), ("b again\n".to_string(), vec!["Truncated { was: 4, now: 8 }".to_string()]));
}

/// L6: a burst far larger than one read (after the follower was paused) is delivered over
/// several polls, each bounded, with every line once and in order.
#[test]
fn a_burst_bigger_than_one_read_arrives_over_bounded_polls_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("burst.jsonl");
    std::fs::write(&p, "").unwrap();
    let mut c = TailCursor::new(&p);
    assert_eq!(read_all(&mut c).0, "");
    let lines = 200_000;
    let mut burst = String::with_capacity(lines * 110);
    for n in 0..lines {
        burst.push_str(&format!("{{\"n\":{n},\"pad\":\"{}\"}}\n", "x".repeat(90)));
    }
    assert!(burst.len() > 20 << 20);
    append(&p, &burst);
    let mut got = String::with_capacity(burst.len());
    let mut polls = 0;
    let mut largest = 0;
    loop {
        let (text, notices) = read_all(&mut c);
        assert!(notices.is_empty(), "{notices:?}");
        if text.is_empty() {
            break;
        }
        largest = largest.max(text.len());
        got.push_str(&text);
        polls += 1;
        assert!(polls < 100, "the burst is drained");
    }
    assert!(polls >= 3 && largest <= 8 << 20, "{polls} polls, at most {largest} bytes each");
    assert!(got == burst, "every line once, in order");
}

// ---------------------------------------------------------------------------
// M13, M14, L2: empty files, a cut gzip, a line over the cap

fn utc_summary<S: AsRef<OsStr>>(args: &[S]) -> Value {
    let out = audit_tui().args(["summary", "--json", "--utc"]).args(args).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("summary --json is JSON")
}

#[test]
fn an_empty_or_blank_file_opens_on_a_quiet_no_events_screen() {
    for fixture in ["tests/fixtures/quirks/empty.jsonl", "tests/fixtures/quirks/only-blank.jsonl"] {
        let app = common::app_for(fixture);
        assert_eq!((app.index.len(), app.index.unparsed_count()), (0, 0), "{fixture}");
        let screen = common::screen(&app, 120, 30);
        for shown in ["Timeline 0 events", "no events", "no event selected", "1 file · 0 events · 0 unparsed"] {
            assert!(screen.contains(shown), "{fixture} shows {shown:?}:\n{screen}");
        }
    }
}

#[test]
fn a_cut_off_gzip_keeps_the_lines_before_the_cut_and_says_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..5000 {
        text.push_str(&format!(
            "{{\"ts\":\"2026-05-17T10:{:02}:{:02}Z\",\"level\":\"info\",\"session\":\"s1\",\"msg\":\"event {i} {:x}\"}}\n",
            i / 60 % 60,
            i % 60,
            i * 7919
        ));
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(text.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    // The mail client cut the attachment two thirds in.
    let path = dir.path().join("datatools-2026-05-17.jsonl.gz");
    std::fs::write(&path, &gz[..gz.len() * 2 / 3]).unwrap();
    let summary = utc_summary(&[&path]);
    let events = summary["events"].as_u64().unwrap();
    assert!(events > 1000 && events < 5000, "the readable prefix: {events} of 5000 events");
    let problems = summary["problems"].to_string();
    assert!(problems.contains("corrupt or truncated gzip stream after"), "{problems}");
    // The prefix is whole lines of the original, in order, plus at most one cut line.
    let unparsed = summary["unparsed"].as_u64().unwrap();
    assert!(unparsed <= 1, "only the line cut by the damage is unparsed: {unparsed}");
}

#[test]
fn a_line_over_the_cap_is_one_marked_unparsed_record_and_the_next_lines_still_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jsonl");
    let event = |s: u32| format!("{{\"ts\":\"2026-05-17T10:00:0{s}Z\",\"level\":\"info\",\"msg\":\"e{s}\"}}\n");
    let huge = format!("{{\"ts\":\"2026-05-17T10:00:01Z\",\"msg\":\"{}\"}}\n", "x".repeat(5 << 20));
    std::fs::write(&path, format!("{}{huge}{}{}", event(0), event(2), event(3))).unwrap();
    let opts = Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full };
    let index = build(&[path], opts, &Progress::default());
    assert_eq!(index.len(), 4, "three events and the long line");
    assert_eq!(index.unparsed.len(), 1);
    let u = &index.unparsed[0];
    assert_eq!(u.line, 2);
    assert_eq!(u.reason().to_string(), format!("line of {} bytes is longer than the 4 MiB cap", huge.len() - 1));
    let times: Vec<i64> =
        (0..index.len()).filter_map(|i| index.event(i)).filter(|e| !e.is_unparsed()).map(|e| e.time()).collect();
    assert_eq!(times, [utc_ms("2026-05-17T10:00:00Z"), utc_ms("2026-05-17T10:00:02Z"), utc_ms("2026-05-17T10:00:03Z")]);
}

// ---------------------------------------------------------------------------
// S2-S6: file-system faults, and the read-only guarantee

fn event_line(s: u32, msg: &str) -> String {
    format!("{{\"ts\":\"2026-05-17T10:00:{s:02}Z\",\"level\":\"info\",\"session\":\"s1\",\"msg\":\"{msg}\"}}\n")
}

#[cfg(unix)]
fn names_of(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect()
}

/// S2: a file listed, then gone before it is opened (a writer's retention job), is a
/// problem named "missing", and the rest loads.
#[test]
fn a_file_that_vanishes_between_listing_and_opening_is_reported_missing() {
    use audit_tui::ingest::build::build_from;
    use audit_tui::ingest::inputs::sources::discover;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), event_line(0, "kept")).unwrap();
    std::fs::write(dir.path().join("b.jsonl"), event_line(1, "deleted by retention")).unwrap();
    let found = discover(&[dir.path().to_path_buf()]);
    assert_eq!(found.inputs.len(), 2);
    std::fs::remove_file(dir.path().join("b.jsonl")).unwrap();
    let index =
        build_from(found, Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full }, &Progress::default());
    assert_eq!(index.len(), 1);
    let problems: Vec<(String, String)> = index.problems.iter().map(|p| (p.name.clone(), p.message.clone())).collect();
    assert_eq!(problems, [("b.jsonl".to_string(), "no such file or directory".to_string())]);
}

/// S2, S3: a dangling link is "no such file", a link to itself is ELOOP, a link to a
/// folder above is not followed (no loop): each is listed, and the real log still loads.
#[cfg(unix)]
#[test]
fn broken_and_looping_symlinks_are_named_and_the_walk_ends() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("real.jsonl"), event_line(0, "real")).unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::os::unix::fs::symlink("gone.jsonl", dir.path().join("dangling.jsonl")).unwrap();
    std::os::unix::fs::symlink("self.jsonl", dir.path().join("self.jsonl")).unwrap();
    std::os::unix::fs::symlink("..", sub.join("up")).unwrap();
    let v = utc_summary(&[dir.path()]);
    assert_eq!(v["events"], 1);
    assert_eq!(names_of(&v, "sources"), ["real.jsonl"]);
    let problems: Vec<(String, String)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p["message"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(problems[0], ("dangling.jsonl".to_string(), "no such file or directory".to_string()));
    assert_eq!(problems[1].0, "self.jsonl");
    assert!(problems[1].1.contains("symbolic links"), "ELOOP in the user's words: {problems:?}");
    assert_eq!(problems.len(), 2);
    let skipped = v["skipped"].to_string();
    assert!(skipped.contains("sub/up") && skipped.contains("symbolic link to a directory (not followed)"), "{skipped}");
}

/// S4: a FIFO or a device named on the command line is refused at once (a FIFO with no
/// writer would block `open` forever, /dev/zero never ends), with a message naming it.
#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_given_as_the_path_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.jsonl");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for path in [fifo.as_path(), Path::new("/dev/zero")] {
        let mut child = audit_tui()
            .args(["summary", "--utc"])
            .arg(path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                panic!("{} blocked the reader", path.display());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        assert_eq!(status.code(), Some(1), "{err}");
        assert!(err.contains(&format!("no log files could be read in {}", path.display())), "{err}");
    }
}

/// Listing, sizes, modification times and bytes of every entry under `root`.
fn folder_state(root: &Path) -> Vec<(std::path::PathBuf, bool, u64, std::time::SystemTime, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let meta = std::fs::symlink_metadata(&dir).unwrap();
        out.push((dir.clone(), true, meta.len(), meta.modified().unwrap(), Vec::new()));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path, false, meta.len(), meta.modified().unwrap(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// S5: `tail` (follow mode, headless) on a log folder creates, renames and writes nothing
/// there while it runs: no lock, no sidecar, no index file.
#[test]
fn following_a_log_writes_nothing_into_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.jsonl");
    std::fs::write(&log, event_line(0, "first") + &event_line(1, "second")).unwrap();
    let before = folder_state(dir.path());
    let mut child = audit_tui()
        .args(["tail", "--utc", "-n", "5"])
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first two lines on stdout, read on a thread so a hang fails after a deadline.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let seen: Vec<String> = (0..2).map_while(|_| rx.recv_timeout(std::time::Duration::from_secs(20)).ok()).collect();
    let after = folder_state(dir.path());
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(seen.len() == 2 && seen[0].contains("first") && seen[1].contains("second"), "{seen:?}");
    assert!(after == before, "the folder changed while following:\n{before:?}\n{after:?}");
    assert!(folder_state(dir.path()) == before, "the folder changed after following");
}

/// S6: audit-tui keeps no state: reading gzip, zip and stdin leaves nothing in the
/// temporary folder, the home folder or the working folder, also with HOME unset.
#[test]
fn reading_archives_and_stdin_leaves_no_file_anywhere() {
    let (tmp, home, cwd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let archives = common::path("tests/fixtures/archives");
    let gz = std::fs::read(archives.join("logs.jsonl.gz")).unwrap();
    for with_home in [true, false] {
        // Every place a program might keep state points into the folders watched here.
        let command = || {
            let mut cmd = audit_tui();
            cmd.current_dir(cwd.path()).env("TMPDIR", tmp.path());
            for var in ["XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"] {
                cmd.env(var, home.path());
            }
            if with_home {
                cmd.env("HOME", home.path());
            } else {
                cmd.env_remove("HOME");
            }
            cmd.args(["summary", "--utc"]);
            cmd
        };
        let out = command().arg(&archives).stdin(Stdio::null()).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut child = command().arg("-").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(&gz).unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("4 events"), "the gzip on stdin was read: {text}");
        for (what, dir) in [("TMPDIR", tmp.path()), ("HOME", home.path()), ("the working folder", cwd.path())] {
            let left: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert!(left.is_empty(), "{what} (HOME set: {with_home}) holds {left:?}");
        }
    }
}

/// A `current` link beside the file it points to, or a hard link to a log, is the same
/// file under a second name: its lines must count once, not twice.
#[cfg(unix)]
#[test]
fn a_log_reached_under_two_names_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("datatools-2026-05-17.jsonl");
    std::fs::write(&log, event_line(0, "one") + &event_line(1, "two")).unwrap();
    std::os::unix::fs::symlink("datatools-2026-05-17.jsonl", dir.path().join("current.jsonl")).unwrap();
    std::fs::hard_link(&log, dir.path().join("backup.jsonl")).unwrap();
    let v = utc_summary(&[dir.path()]);
    assert_eq!(v["events"], 2, "{v}");
    assert_eq!(v["files"], 1, "{v}");
    assert_ne!(v["sources"][0]["name"], "current.jsonl", "a file's name is kept over a link's: {v}");
    assert_eq!(v["skipped"].as_array().map(Vec::len), Some(2), "the other names are listed: {v}");
}

// ---------------------------------------------------------------------------
// T2, T4: odd terminal sizes, wide and combining characters

/// T2: a terminal reported as 0×0 (some multiplexers do while detaching), then a burst
/// of resizes: nothing panics and the cursor stays on a row that exists.
#[test]
fn a_zero_sized_terminal_and_a_burst_of_resizes_draw_without_panicking() {
    use audit_tui::ui::msg::Msg;
    let mut app = common::app_for(common::SAMPLE);
    common::press(&mut app, "G");
    let last = app.selected_id();
    for (w, h) in [(0, 0), (0, 40), (120, 0), (1, 1), (14, 5), (0, 0), (300, 100), (3, 200), (160, 45)] {
        common::send(&mut app, Msg::Resize(w, h));
        let buf = common::draw(&app, w, h);
        assert_eq!((buf.area.width, buf.area.height), (w, h));
        assert!(app.row_count() == 0 || app.timeline.cursor < app.row_count(), "cursor in range at {w}×{h}");
    }
    assert_eq!(app.selected_id(), last, "the same event is still selected");
    assert!(common::screen(&app, 160, 45).contains("Timeline"));
}

/// T4: CJK, emoji, combining marks, zero-width joiners and TABs in every column, drawn
/// at every width from 1 to 140: no panic, no raw TAB or control in any cell, and at a
/// comfortable width the message shows its characters whole.
#[test]
fn wide_emoji_combining_and_tab_text_draws_at_every_width() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.jsonl");
    let mut text = String::new();
    for (i, (user, msg)) in [
        ("客户", "上传失败：文件太大 客户要求重试"),
        ("José", "e\u{301}te\u{301} cafe\u{301} — nai\u{308}ve"),
        ("👩\u{200d}💻", "deploy 🚀🚀🚀 done 👍🏽"),
        ("tab\tuser", "col1\tcol2\tcol3"),
        ("한국어", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ 漢字かなカナ"),
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!(
            "{{\"ts\":\"2026-05-17T10:00:0{i}Z\",\"level\":\"error\",\"user\":\"{}\",\"category\":\"{}\",\"msg\":\"{}\"}}\n",
            user.replace('\t', "\\t"),
            user.replace('\t', "\\t"),
            msg.replace('\t', "\\t")
        ));
    }
    std::fs::write(&path, text).unwrap();
    let mut app = common::app_for(path.to_str().unwrap());
    for keys in ["", "Enter", "Esc 1", "Esc 3 j j Enter"] {
        common::press(&mut app, keys);
        for w in 1..=140u16 {
            for h in [3u16, 12, 40] {
                let rows = common::rows(&common::draw(&app, w, h));
                assert!(
                    rows.iter().all(|r| !r.chars().any(|c| c == '\t' || common::is_hostile(c))),
                    "after {keys:?} at {w}×{h}: {rows:?}"
                );
            }
        }
    }
    let mut app = common::app_for(path.to_str().unwrap());
    common::press(&mut app, "G");
    let screen = common::screen(&app, 200, 45);
    assert!(screen.contains("ｆｕｌｌｗｉｄｔｈ ＡＢＣ"), "{screen}");
    assert!(screen.contains("上传失败"), "{screen}");
}

// ---------------------------------------------------------------------------
// E1-E10 in a real terminal: title, clipboard and the bytes written

/// Sequences from `quirks/escapes.jsonl` that must never reach the terminal as bytes.
const HOSTILE_SEQUENCES: &[(&str, &[u8])] = &[
    ("OSC 0 title", b"\x1b]0;pwned"),
    ("OSC 2 title", b"\x1b]2;pwned2"),
    ("CSI 21t title report", b"\x1b[21t"),
    ("OSC 52 clipboard", b"\x1b]52;c;ZWNobyBwd25lZA=="),
    ("OSC 8 link", b"\x1b]8;;https://evil.example/"),
    ("screen clear from a value", b"before\x1b[2J"),
    ("fake green OK", b"\x1b[32mOK\x1b[0m  <-"),
    ("unterminated OSC", b"\x1b]0;never-terminated"),
    ("DCS", b"\x1bPq"),
    ("C1 CSI", "\u{9b}2J".as_bytes()),
    ("C1 ST", "\u{9c}".as_bytes()),
    ("RLO", "\u{202e}".as_bytes()),
    ("BEL", b"\x07"),
    ("BS", b"\x08"),
    ("lone CR in a value", b"50%\rprogress"),
];

fn find_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The explorer on the hostile-escape fixture in tmux (which, like a real terminal, takes
/// OSC 0/2 as the pane title and, with `set-clipboard on`, OSC 52 as a paste buffer): after
/// every row and its detail has been on screen, the title is unchanged, no buffer was
/// made, and none of the hostile sequences is among the bytes written. Then `y` puts the
/// selected line, exactly as written, into tmux's paste buffer (`tmux load-buffer`, the
/// clipboard reachable here): the only copy the tool makes.
#[test]
fn hostile_escapes_never_reach_a_real_terminal_and_only_y_sets_the_clipboard() {
    use common::tmux::{Tmux, poll};
    let fixture = common::path(common::ESCAPES);
    let lines: Vec<String> = std::fs::read_to_string(&fixture).unwrap().lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 12);
    let bin = env!("CARGO_BIN_EXE_audit-tui");
    // The shell waits for a line, so the options and recording are set before it starts.
    // No X11 or Wayland clipboard: the copy goes to tmux's paste buffer, which is checked.
    let script = r#"read go; exec env -u DISPLAY -u WAYLAND_DISPLAY LC_ALL=C.UTF-8 "$0" --utc "$1""#;
    let test = "hostile_escapes_never_reach_a_real_terminal";
    let Some(tmux) = Tmux::start_or_skip(test, "sh", &["-c", script, bin, fixture.to_str().unwrap()]) else {
        return;
    };
    tmux.ok(&["set-option", "-g", "set-clipboard", "on"]);
    let title = tmux.pane("#{pane_title}");
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("output");
    tmux.record_output(&output);
    tmux.keys(&["Enter"]);
    tmux.wait_until("the index", |s| s.contains("Timeline 12 events") && !s.contains("indexing"));
    // Each row in turn, with its detail pane.
    for n in 2..=12 {
        tmux.keys(&["j"]);
        let screen = tmux.wait_for_text(&format!("escapes.jsonl:{n} "));
        if n == 2 {
            assert!(screen.contains(r"OSC 0 title \x1b]0;pwned\x07"), "shown escaped instead:\n{screen}");
        }
        if n == 11 {
            // The field after an unterminated OSC, and an unterminated DCS, shown whole.
            assert!(screen.contains(r#"next: "must not be swallowed""#), "{screen}");
            assert!(screen.contains(r#"dcs: "\x1bPq unterminated DCS""#), "{screen}");
        }
    }
    assert_eq!(tmux.pane("#{pane_title}"), title, "the log set the terminal's title");
    assert_eq!(tmux.ok(&["list-buffers"]), "", "the log wrote the clipboard");
    let written = std::fs::read(&output).unwrap();
    assert!(written.len() > 1000, "the drawing was recorded");
    for (what, seq) in HOSTILE_SEQUENCES {
        assert!(!find_bytes(&written, seq), "{what} reached the terminal raw");
    }

    // `y` on the OSC 52 row (line 3): the clipboard gets that line, as written in the file,
    // and the status line says where it went.
    tmux.keys(&["g", "j", "j"]);
    tmux.wait_for_text("escapes.jsonl:3 ");
    tmux.keys(&["y"]);
    tmux.wait_for_text("copied the event's line");
    tmux.wait_for_text("to tmux's buffer (prefix ]), not the system clipboard: s saves");
    let copied = poll("a paste buffer", || {
        let out = tmux.run(&["show-buffer"]);
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    });
    assert_eq!(copied, lines[2]);
    assert_eq!(tmux.pane("#{pane_title}"), title);
    tmux.keys(&["q"]);
    tmux.wait_for_pane("#{pane_dead}", "1");
}
