//! Follow mode's file handling, driven directly in temp dirs: the tail cursor (append,
//! partial line, truncation, rotation, delete/recreate, rewrite), the folder follower
//! (today's file, midnight with an injected clock, files that start growing, a folder
//! that is removed and recreated), notify and poll wake-ups, and a model test proving
//! every complete line is delivered exactly once, in order.

use audit_tui::ingest::tail::{TailCursor, TailEvent};
use audit_tui::ingest::time::Zone;
use audit_tui::ingest::watch::{Clock, Follower, Waker};
use proptest::prelude::*;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

fn append(path: &Path, text: &str) {
    let mut f = OpenOptions::new().create(true).append(true).open(path).expect("open for append");
    f.write_all(text.as_bytes()).expect("append");
}

/// The text of delivered lines, and the notices, of one poll.
fn poll(c: &mut TailCursor) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut notices = Vec::new();
    for e in c.poll() {
        match e {
            TailEvent::Lines { bytes, .. } => text.push_str(&String::from_utf8_lossy(&bytes)),
            TailEvent::Incomplete { bytes, .. } => {
                text.push_str(&String::from_utf8_lossy(&bytes));
                text.push_str("⏎\n");
            }
            other => notices.push(format!("{other:?}")),
        }
    }
    (text, notices)
}

#[test]
fn appended_lines_arrive_once_and_partial_lines_wait() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("today.jsonl");
    append(&p, "a\nb\n");
    let mut c = TailCursor::new(&p);
    assert_eq!(poll(&mut c).0, "a\nb\n");
    assert_eq!(poll(&mut c).0, "");
    append(&p, "c\nhalf");
    assert_eq!(poll(&mut c).0, "c\n");
    append(&p, "-done\n");
    assert_eq!(poll(&mut c).0, "half-done\n");
}

#[test]
fn truncation_is_noticed_and_reading_restarts_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("today.jsonl");
    append(&p, "one\ntwo\n");
    let mut c = TailCursor::new(&p);
    assert_eq!(poll(&mut c).0, "one\ntwo\n");
    OpenOptions::new().write(true).open(&p).unwrap().set_len(0).unwrap();
    append(&p, "x\n");
    let (text, notices) = poll(&mut c);
    assert_eq!(text, "x\n");
    assert_eq!(notices, ["Truncated { was: 8, now: 2 }"]);
    assert_eq!(poll(&mut c).0, "");
}

#[test]
fn a_rewrite_that_grew_past_our_offset_is_a_truncation_too() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("today.jsonl");
    append(&p, "first line\n");
    let mut c = TailCursor::new(&p);
    poll(&mut c);
    fs::write(&p, "another start, longer than before\nand more\n").unwrap();
    let (text, notices) = poll(&mut c);
    assert_eq!(text, "another start, longer than before\nand more\n");
    assert_eq!(notices.len(), 1, "{notices:?}");
}

#[test]
fn rotation_drains_the_old_file_then_reads_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    append(&p, "1\n2\n");
    let mut c = TailCursor::new(&p);
    assert_eq!(poll(&mut c).0, "1\n2\n");
    // The writer adds a last line (and half of one) to the old file as it rotates.
    append(&p, "3\nhal");
    fs::rename(&p, dir.path().join("app.log.1")).unwrap();
    append(&p, "4\n");
    let (text, notices) = poll(&mut c);
    assert_eq!(text, "3\nhal⏎\n4\n");
    assert_eq!(notices, ["Rotated"]);
}

#[test]
fn delete_then_recreate_waits_then_reads_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("today.jsonl");
    append(&p, "a\n");
    let mut c = TailCursor::new(&p);
    poll(&mut c);
    fs::remove_file(&p).unwrap();
    assert_eq!(poll(&mut c), (String::new(), vec!["Removed".to_string()]));
    assert_eq!(poll(&mut c), (String::new(), vec![]), "reported once");
    append(&p, "b\n");
    assert_eq!(poll(&mut c), ("b\n".to_string(), vec!["Appeared".to_string()]));
}

#[test]
fn a_missing_file_is_waited_for_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("later.jsonl");
    let mut c = TailCursor::new(&p);
    assert_eq!(poll(&mut c), (String::new(), vec![]));
    append(&p, "here\n");
    assert_eq!(poll(&mut c), ("here\n".to_string(), vec![]));
}

#[test]
fn several_writers_appending_to_one_file_interleave_whole_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("shared.jsonl");
    fs::write(&p, "").unwrap();
    let mut c = TailCursor::new(&p);
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let p = p.clone();
            std::thread::spawn(move || {
                let mut f = OpenOptions::new().append(true).open(&p).unwrap();
                for i in 0..500 {
                    // One write per line: O_APPEND keeps each line whole.
                    f.write_all(format!("{{\"writer\":{w},\"n\":{i}}}\n").as_bytes()).unwrap();
                }
            })
        })
        .collect();
    let mut text = String::new();
    for w in writers {
        w.join().unwrap();
        text.push_str(&poll(&mut c).0);
    }
    text.push_str(&poll(&mut c).0);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1500);
    for w in 0..3 {
        let mine: Vec<usize> = lines
            .iter()
            .filter(|l| l.contains(&format!("\"writer\":{w},")))
            .map(|l| l.rsplit(':').next().unwrap().trim_end_matches('}').parse().unwrap())
            .collect();
        assert_eq!(mine, (0..500).collect::<Vec<_>>(), "writer {w} in order, complete");
    }
}

fn clock_at(ms: &Arc<AtomicI64>) -> Clock {
    let ms = Arc::clone(ms);
    Arc::new(move || ms.load(Ordering::SeqCst))
}

fn utc_ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
}

fn texts(batch: &audit_tui::ingest::watch::Batch) -> Vec<(String, String)> {
    batch.pieces.iter().map(|p| (p.name.clone(), String::from_utf8_lossy(&p.bytes).into_owned())).collect()
}

#[test]
fn follows_todays_file_with_history_and_ignores_old_days() {
    let dir = tempfile::tempdir().unwrap();
    append(&dir.path().join("datatools-2026-05-16.jsonl"), "yesterday\n");
    append(&dir.path().join("datatools-2026-05-17.jsonl"), "today 1\n");
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    let b = f.poll(true);
    assert_eq!(texts(&b), [("datatools-2026-05-17.jsonl".to_string(), "today 1\n".to_string())]);
    assert_eq!(f.followed(), ["datatools-2026-05-17.jsonl"]);
}

#[test]
fn midnight_moves_to_the_new_day_and_still_drains_yesterday() {
    let dir = tempfile::tempdir().unwrap();
    let day1 = dir.path().join("datatools-2026-05-17.jsonl");
    let day2 = dir.path().join("datatools-2026-05-18.jsonl");
    append(&day1, "late evening\n");
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T23:59:50Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    f.poll(true);
    now.store(utc_ms("2026-05-18T00:00:05Z"), Ordering::SeqCst);
    let b = f.poll(true);
    assert!(b.notices.iter().any(|n| n.contains("midnight")), "{:?}", b.notices);
    // Today's file does not exist yet: nothing to read, no error.
    assert!(b.pieces.is_empty());
    append(&day1, "written just after midnight to yesterday's file\n");
    append(&day2, "first of the new day\n");
    let b = f.poll(true);
    let mut got = texts(&b);
    got.sort();
    assert_eq!(
        got,
        [
            ("datatools-2026-05-17.jsonl".to_string(), "written just after midnight to yesterday's file\n".to_string()),
            ("datatools-2026-05-18.jsonl".to_string(), "first of the new day\n".to_string()),
        ]
    );
}

#[test]
fn dst_days_switch_by_calendar_date_not_by_24_hours() {
    let paris = Zone::parse("Europe/Paris").unwrap();
    // 2026-03-29 has 23 hours in Paris; 2026-10-25 has 25.
    let date = |s: &str| paris.date_of(utc_ms(s)).unwrap().to_string();
    assert_eq!(date("2026-03-28T22:59:59Z"), "2026-03-28");
    assert_eq!(date("2026-03-28T23:00:00Z"), "2026-03-29");
    assert_eq!(date("2026-03-29T21:59:59Z"), "2026-03-29");
    assert_eq!(date("2026-03-29T22:00:00Z"), "2026-03-30");
    assert_eq!(date("2026-10-24T21:59:59Z"), "2026-10-24");
    assert_eq!(date("2026-10-24T22:00:00Z"), "2026-10-25");
    assert_eq!(date("2026-10-25T22:59:59Z"), "2026-10-25");
    assert_eq!(date("2026-10-25T23:00:00Z"), "2026-10-26");

    let dir = tempfile::tempdir().unwrap();
    let now = Arc::new(AtomicI64::new(utc_ms("2026-03-29T21:30:00Z")));
    append(&dir.path().join("datatools-2026-03-29.jsonl"), "a\n");
    append(&dir.path().join("datatools-2026-03-30.jsonl"), "b\n");
    let mut f = Follower::new(dir.path(), paris, clock_at(&now));
    assert_eq!(f.followed(), Vec::<String>::new());
    f.poll(true);
    assert_eq!(f.followed(), ["datatools-2026-03-29.jsonl"]);
    now.store(utc_ms("2026-03-29T22:00:01Z"), Ordering::SeqCst);
    f.poll(true);
    assert_eq!(f.followed(), ["datatools-2026-03-29.jsonl", "datatools-2026-03-30.jsonl"]);
}

#[test]
fn another_file_that_starts_growing_is_picked_up_from_where_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("home/bob/tool_audit/notes.jsonl");
    fs::create_dir_all(other.parent().unwrap()).unwrap();
    append(&other, "old 1\nold 2\n");
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    assert!(f.poll(true).pieces.is_empty());
    append(&other, "new 1\n");
    let brand_new = dir.path().join("home/alice/tool_audit/2026-05-17.jsonl");
    fs::create_dir_all(brand_new.parent().unwrap()).unwrap();
    append(&brand_new, "alice today\n");
    let mut got = texts(&f.poll(true));
    got.sort();
    assert_eq!(
        got,
        [
            ("home/alice/tool_audit/2026-05-17.jsonl".to_string(), "alice today\n".to_string()),
            ("home/bob/tool_audit/notes.jsonl".to_string(), "new 1\n".to_string()),
        ]
    );
}

#[test]
fn a_removed_and_recreated_folder_is_waited_for() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("logs");
    fs::create_dir(&dir).unwrap();
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(&dir, Zone::Utc, clock_at(&now));
    let first = f.poll(true);
    assert!(first.notices.iter().any(|n| n.contains("waiting for a log file dated 2026-05-17")), "{:?}", first.notices);
    fs::remove_dir_all(&dir).unwrap();
    assert!(f.poll(true).notices.iter().any(|n| n.contains("is missing")));
    fs::create_dir(&dir).unwrap();
    append(&dir.join("datatools-2026-05-17.jsonl"), "back\n");
    let b = f.poll(true);
    assert!(b.notices.iter().any(|n| n.ends_with("is back")), "{:?}", b.notices);
    assert_eq!(texts(&b), [("datatools-2026-05-17.jsonl".to_string(), "back\n".to_string())]);
    assert!(f.take_root_returned());
}

#[test]
fn notify_wakes_the_loop_when_a_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let waker = Waker::new(dir.path(), false);
    assert!(waker.is_notifying(), "inotify is available on this system");
    append(&dir.path().join("datatools-2026-05-17.jsonl"), "x\n");
    // Waits on the notification channel (bounded by the safety interval), no sleeping.
    let mut woke = false;
    for _ in 0..40 {
        if waker.wait() {
            woke = true;
            break;
        }
    }
    assert!(woke, "a change notification arrived");
}

#[test]
fn poll_mode_never_watches_and_still_sees_changes() {
    let dir = tempfile::tempdir().unwrap();
    let waker = Waker::new(dir.path(), true);
    assert!(!waker.is_notifying());
    assert!(!waker.wait(), "poll mode only times out");
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    f.poll(true);
    append(&dir.path().join("datatools-2026-05-17.jsonl"), "seen by polling\n");
    assert_eq!(texts(&f.poll(true)), [("datatools-2026-05-17.jsonl".to_string(), "seen by polling\n".to_string())]);
}

/// What a writer does to the followed file between two polls.
#[derive(Clone, Debug)]
enum Step {
    /// Append this many complete lines (completing a pending partial line first).
    Write(u8),
    /// Append the start of a line without its newline.
    Partial,
    /// Rename the file away and start a new one.
    Rotate,
    /// Cut the file to zero bytes.
    Truncate,
    /// Delete the file (the next write creates it again).
    Delete,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (1u8..5).prop_map(Step::Write),
        2 => Just(Step::Partial),
        1 => Just(Step::Rotate),
        1 => Just(Step::Truncate),
        1 => Just(Step::Delete),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every complete line is delivered exactly once and in order; a line cut off by a
    /// rotation or deletion is delivered once as incomplete; a partial line lost to a
    /// truncation is the only thing that may go missing (it never existed completely).
    #[test]
    fn every_complete_line_exactly_once_in_order(steps in proptest::collection::vec(step(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("today.jsonl");
        let mut c = TailCursor::new(&p);
        let mut expected = String::new();
        let mut got = String::new();
        let mut partial: Option<String> = None;
        let mut n = 0;
        for s in &steps {
            match s {
                Step::Write(k) => {
                    let mut text = String::new();
                    let mut first = partial.take().unwrap_or_default();
                    for _ in 0..*k {
                        n += 1;
                        first.push_str(&format!("{{\"n\":{n}}}\n"));
                        text.push_str(&first);
                        first.clear();
                    }
                    append(&p, &text);
                    expected.push_str(&text);
                }
                Step::Partial => {
                    if partial.is_none() {
                        n += 1;
                        let head = format!("{{\"partial\":{n},");
                        append(&p, &head);
                        // The line's start is already in the file; `expected` gets it when completed.
                        expected.push_str(&head);
                        partial = Some(String::new());
                    }
                }
                Step::Rotate => {
                    if p.exists() {
                        fs::rename(&p, dir.path().join("today.jsonl.1")).unwrap();
                        fs::write(&p, "").unwrap();
                        if partial.take().is_some() {
                            expected.push_str("⏎\n");
                        }
                    }
                }
                Step::Truncate => {
                    if p.exists() {
                        OpenOptions::new().write(true).open(&p).unwrap().set_len(0).unwrap();
                        if partial.take().is_some() {
                            // The half line vanished with the truncation: it was never complete.
                            let cut = expected.rfind("{\"partial\"").unwrap();
                            expected.truncate(cut);
                        }
                    }
                }
                Step::Delete => {
                    if p.exists() {
                        fs::remove_file(&p).unwrap();
                        if partial.take().is_some() {
                            expected.push_str("⏎\n");
                        }
                    }
                }
            }
            got.push_str(&poll(&mut c).0);
        }
        got.push_str(&poll(&mut c).0);
        if partial.is_some() {
            let cut = expected.rfind("{\"partial\"").unwrap();
            expected.truncate(cut);
        }
        prop_assert_eq!(got, expected);
    }
}

/// Appends, a partial line, truncation and rotation delivered through the follower the
/// way the app runs it: wake on the waker (change notification, or the poll interval),
/// then poll. Run once with notify and once with `--poll`.
fn faults_through_the_follower(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let today = dir.path().join("datatools-2026-05-17.jsonl");
    append(&today, "{\"n\":1}\n");
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    let waker = Waker::new(dir.path(), poll_only);
    assert_eq!(waker.is_notifying(), !poll_only);
    let mut got = String::new();
    let mut notices = Vec::new();
    let step = |f: &mut Follower, got: &mut String, notices: &mut Vec<String>| {
        let force = waker.wait();
        let b = f.poll(force);
        for p in &b.pieces {
            got.push_str(&String::from_utf8_lossy(&p.bytes));
        }
        notices.extend(b.notices);
    };
    step(&mut f, &mut got, &mut notices);
    append(&today, "{\"n\":2}\n{\"n\":");
    step(&mut f, &mut got, &mut notices);
    append(&today, "3}\n");
    step(&mut f, &mut got, &mut notices);
    OpenOptions::new().write(true).open(&today).unwrap().set_len(0).unwrap();
    append(&today, "{\"n\":4}\n");
    step(&mut f, &mut got, &mut notices);
    fs::rename(&today, dir.path().join("old.jsonl.1")).unwrap();
    append(&today, "{\"n\":5}\n");
    step(&mut f, &mut got, &mut notices);
    step(&mut f, &mut got, &mut notices);
    assert_eq!(got, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n");
    assert!(notices.iter().any(|n| n.contains("truncated")), "{notices:?}");
    assert!(notices.iter().any(|n| n.contains("replaced")), "{notices:?}");
}

#[test]
fn faults_are_handled_the_same_with_notify() {
    faults_through_the_follower(false);
}

#[test]
fn faults_are_handled_the_same_when_polling() {
    faults_through_the_follower(true);
}

/// The records of one poll's pieces: each event's or unparsed line's first line, with `!`
/// before an unparsed one.
fn records(batch: &audit_tui::ingest::watch::Batch) -> Vec<String> {
    let mut out = Vec::new();
    for p in &batch.pieces {
        for e in &p.chunk.events {
            let at = e.offset() as usize;
            let first = p.bytes[at..].split(|&b| b == b'\n').next().unwrap_or_default();
            let mark = if e.is_unparsed() { "!" } else { "" };
            out.push(format!("{mark}{}", String::from_utf8_lossy(first).trim_end()));
        }
    }
    out
}

#[test]
fn a_csv_row_with_a_traceback_being_written_arrives_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit_log.csv");
    append(&path, "Timestamp,User,Script,Message,Status\r\n2025-07-14 09:02:11,Ann,Main,SESSION START,INFO\r\n");
    let now = Arc::new(AtomicI64::new(utc_ms("2025-07-14T09:00:00Z")));
    let mut f = Follower::new(&path, Zone::Utc, clock_at(&now));
    assert_eq!(records(&f.poll(true)), ["2025-07-14 09:02:11,Ann,Main,SESSION START,INFO"]);

    // The writer flushed the first lines of a quoted traceback: nothing to show yet.
    append(
        &path,
        "2025-07-14 09:05:12,Ann,Repricing,\"SYSTEM ERROR | Traceback (most recent call last):\n  File \"\"x.py\"\"\n",
    );
    assert!(records(&f.poll(false)).is_empty());
    append(&path, "KeyError: 'GPI'\",SYSTEM_ERROR\r\n2025-07-14 09:06:00,Ann,Main,SESSION END,INFO\r\n");
    let b = f.poll(false);
    assert_eq!(
        records(&b),
        [
            "2025-07-14 09:05:12,Ann,Repricing,\"SYSTEM ERROR | Traceback (most recent call last):",
            "2025-07-14 09:06:00,Ann,Main,SESSION END,INFO"
        ],
        "one event for the three-line row"
    );
    assert_eq!(b.pieces[0].chunk.errors.len(), 1);

    // Killed mid-row: the row is shown, unparsed, once the restarted tool writes a row.
    append(&path, "2025-07-14 09:07:00,Ann,Repricing,\"SYSTEM ERROR | Traceback\n");
    assert!(records(&f.poll(false)).is_empty());
    append(&path, "2025-07-14 09:12:30,Ann,Main,SESSION START,INFO\r\n");
    assert_eq!(
        records(&f.poll(false)),
        [
            "!2025-07-14 09:07:00,Ann,Repricing,\"SYSTEM ERROR | Traceback",
            "2025-07-14 09:12:30,Ann,Main,SESSION START,INFO"
        ]
    );
}

#[test]
fn a_followed_text_log_reads_its_dates_in_the_order_its_other_dates_show() {
    let dir = tempfile::tempdir().unwrap();
    // Month first: 7/14 can only be 14 July, so 7/10 is 10 July, not 7 October.
    append(
        &dir.path().join("reprice-2026-05-17.log"),
        "7/10/2025 08:12:00 INFO first\n7/14/2025 09:00:00 INFO second\n",
    );
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    let b = f.poll(true);
    let times: Vec<i64> = b.pieces.iter().flat_map(|p| p.chunk.events.iter().map(|e| e.time())).collect();
    assert_eq!(times, [utc_ms("2025-07-10T08:12:00Z"), utc_ms("2025-07-14T09:00:00Z")]);
}
