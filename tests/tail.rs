//! Follow mode's file handling, driven directly in temp dirs: the tail cursor (append,
//! partial line, truncation, rotation, delete/recreate, rewrite, late writes to a rotated
//! file until its grace period ends), the folder follower (today's file, midnight with an
//! injected clock, files that start growing, a folder that is removed and recreated, many
//! rotations with late writes, open files over many rotations), notify and poll wake-ups,
//! and a model test proving every complete line is delivered exactly once, in order.

use audit_tui::ingest::inputs::tail::{DRAIN_GRACE_MS, TailCursor, TailEvent};
#[cfg(target_os = "linux")]
use audit_tui::ingest::inputs::watch::MAX_DRAINING;
use audit_tui::ingest::inputs::watch::{Clock, Follower, Waker};
use audit_tui::ingest::time::Zone;
use audit_tui::model::Index;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

fn append(path: &Path, text: &str) {
    let mut f = OpenOptions::new().create(true).append(true).open(path).expect("open for append");
    f.write_all(text.as_bytes()).expect("append");
}

/// A writer's handle on a file, as an app holds its log open across a rotation.
fn open_for_append(path: &Path) -> File {
    OpenOptions::new().create(true).append(true).open(path).expect("open for append")
}

/// The text of delivered lines, and the notices, of one poll.
fn poll(c: &mut TailCursor) -> (String, Vec<String>) {
    poll_at(c, 0)
}

/// One poll at `now_ms` (the time a draining cursor's grace period is measured in).
fn poll_at(c: &mut TailCursor, now_ms: i64) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut notices = Vec::new();
    for e in c.poll_at(now_ms) {
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
fn rotation_hands_the_old_file_over_and_reads_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    append(&p, "1\n2\n");
    let mut c = TailCursor::new(&p);
    assert_eq!(poll(&mut c).0, "1\n2\n");
    // The writer adds a last line (and half of one) to the old file as it rotates.
    append(&p, "3\nhal");
    fs::rename(&p, dir.path().join("app.log.1")).unwrap();
    append(&p, "4\n");
    assert_eq!(poll(&mut c), ("4\n".to_string(), vec!["Rotated".to_string()]));
    let mut old = c.take_rotated();
    assert!(c.take_rotated().is_empty(), "handed over once");
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].path(), dir.path().join("app.log.1"), "named as the old file is called now");
    assert!(old[0].is_draining());
    assert_eq!(poll(&mut old[0]), ("3\n".to_string(), vec![]), "the half line waits for the rest of it");
}

/// A writer that still holds the old file after rename + create rotation finishes its
/// lines there: they are read through the handle, while the new file is read too, until
/// the old file has had no new bytes for the grace period; then the handle is closed.
#[test]
fn late_writes_to_a_rotated_file_are_read_until_it_is_idle_for_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    let mut writer = open_for_append(&p);
    writer.write_all(b"1\n2\nhal").unwrap();
    let mut c = TailCursor::new(&p);
    assert_eq!(poll_at(&mut c, 0).0, "1\n2\n");
    fs::rename(&p, dir.path().join("app.log.1")).unwrap();
    append(&p, "new 1\n");
    assert_eq!(poll_at(&mut c, 100), ("new 1\n".to_string(), vec!["Rotated".to_string()]));
    let mut old = c.take_rotated().pop().expect("the old file handed over");

    // 50 ms to 2.5 s after the rotation, the old writer finishes its line and writes more.
    writer.write_all(b"f\n3\n").unwrap();
    assert_eq!(poll_at(&mut old, 150), ("half\n3\n".to_string(), vec![]));
    append(&p, "new 2\n");
    assert_eq!(poll_at(&mut c, 150).0, "new 2\n", "the new file is followed meanwhile");
    writer.write_all(b"4\npart").unwrap();
    assert_eq!(poll_at(&mut old, 2_600), ("4\n".to_string(), vec![]));
    // Each write starts the grace period again.
    assert_eq!(poll_at(&mut old, 2_600 + DRAIN_GRACE_MS - 1), (String::new(), vec![]));
    assert!(!old.is_closed());
    let (text, notices) = poll_at(&mut old, 2_600 + DRAIN_GRACE_MS);
    assert_eq!(text, "part⏎\n", "a line the writer never finished is delivered once, as incomplete");
    assert_eq!(notices, ["Closed"]);
    assert!(old.is_closed());
    assert_eq!(poll_at(&mut old, 2_600 + 2 * DRAIN_GRACE_MS), (String::new(), vec![]), "closed for good");
}

#[test]
fn a_removed_file_still_written_through_a_handle_is_read_until_idle() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("today.jsonl");
    let mut writer = open_for_append(&p);
    writer.write_all(b"a\n").unwrap();
    let mut c = TailCursor::new(&p);
    assert_eq!(poll_at(&mut c, 0).0, "a\n");
    fs::remove_file(&p).unwrap();
    assert_eq!(poll_at(&mut c, 10), (String::new(), vec!["Removed".to_string()]));
    let mut old = c.take_rotated().pop().expect("the removed file handed over");
    assert_eq!(old.path(), p, "it has no other name");
    writer.write_all(b"b\n").unwrap();
    assert_eq!(poll_at(&mut old, 20).0, "b\n");
    assert_eq!(poll_at(&mut old, 20 + DRAIN_GRACE_MS).1, ["Closed"]);
}

/// A file found already rotated (`app.log.1`) is read through the handle first opened:
/// the next rotation renames another file onto that name, which must not be read again.
#[test]
fn a_draining_cursor_never_reopens_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log.1");
    append(&p, "first generation\n");
    let mut c = TailCursor::new(&p).draining(0);
    assert_eq!(poll_at(&mut c, 0).0, "first generation\n");
    fs::write(dir.path().join("app.log"), "second generation\n").unwrap();
    fs::rename(dir.path().join("app.log"), &p).unwrap();
    assert_eq!(poll_at(&mut c, 1_000), (String::new(), vec![]));
    assert_eq!(poll_at(&mut c, DRAIN_GRACE_MS).1, ["Closed"]);
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

fn texts(batch: &audit_tui::ingest::inputs::watch::Batch) -> Vec<(String, String)> {
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
    /// Rename the file away and start a new one (the writer keeps the old one open).
    Rotate,
    /// Cut the file to zero bytes.
    Truncate,
    /// Delete the file (the writer keeps it open; the next write creates it again).
    Delete,
    /// Append this many lines to the last file rotated away or deleted, through the
    /// writer's old handle (completing its partial line first).
    LateWrite(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (1u8..5).prop_map(Step::Write),
        2 => Just(Step::Partial),
        1 => Just(Step::Rotate),
        1 => Just(Step::Truncate),
        1 => Just(Step::Delete),
        2 => (1u8..4).prop_map(Step::LateWrite),
    ]
}

/// `k` numbered lines (the first one ends a partial line written before, if any).
fn numbered_lines(k: u8, n: &mut u32) -> String {
    let mut text = String::new();
    for _ in 0..k {
        *n += 1;
        text.push_str(&format!("{{\"n\":{n}}}\n"));
    }
    text
}

/// The writer's handle on the file it wrote before the last rotation or deletion.
struct OldWriter {
    file: File,
    generation: usize,
    has_partial: bool,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every complete line is delivered exactly once and in order within its file (each
    /// file the name stood for is a generation), late lines written through an old handle
    /// included; a line left without its newline by a writer that moved on is delivered once
    /// as incomplete; a partial line lost to a truncation is the only thing that may go
    /// missing (it never existed completely).
    #[test]
    fn every_complete_line_exactly_once_in_order(steps in proptest::collection::vec(step(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("today.jsonl");
        let mut c = TailCursor::new(&p);
        // Expected and delivered text of each generation.
        let mut expected = vec![String::new()];
        let mut got = vec![String::new()];
        let mut current = 0;
        let mut has_partial = false;
        let mut old: Option<OldWriter> = None;
        let mut drains: Vec<(TailCursor, usize)> = Vec::new();
        let mut read_generation = 0;
        let mut n = 0;
        // The writer moves on: its old file is left with a partial line, if any.
        let leave = |old: Option<OldWriter>, expected: &mut Vec<String>| {
            if let Some(w) = old.filter(|w| w.has_partial) {
                expected[w.generation].push_str("⏎\n");
            }
        };
        for s in &steps {
            match s {
                Step::Write(k) => {
                    let text = numbered_lines(*k, &mut n);
                    append(&p, &text);
                    expected[current].push_str(&text);
                    has_partial = false;
                }
                Step::Partial => {
                    if !has_partial {
                        n += 1;
                        let head = format!("{{\"partial\":{n},");
                        append(&p, &head);
                        // The line's start is already in the file; the rest follows it.
                        expected[current].push_str(&head);
                        has_partial = true;
                    }
                }
                Step::Rotate | Step::Delete => {
                    if p.exists() {
                        leave(old.take(), &mut expected);
                        let file = open_for_append(&p);
                        if matches!(s, Step::Rotate) {
                            fs::rename(&p, dir.path().join("today.jsonl.1")).unwrap();
                            fs::write(&p, "").unwrap();
                        } else {
                            fs::remove_file(&p).unwrap();
                        }
                        old = Some(OldWriter { file, generation: current, has_partial });
                        has_partial = false;
                        current += 1;
                        expected.push(String::new());
                    }
                }
                Step::LateWrite(k) => {
                    if let Some(w) = &mut old {
                        let text = numbered_lines(*k, &mut n);
                        w.file.write_all(text.as_bytes()).unwrap();
                        expected[w.generation].push_str(&text);
                        w.has_partial = false;
                    }
                }
                Step::Truncate => {
                    if p.exists() {
                        OpenOptions::new().write(true).open(&p).unwrap().set_len(0).unwrap();
                        if has_partial {
                            // The half line vanished with the truncation: it was never complete.
                            let cut = expected[current].rfind("{\"partial\"").unwrap();
                            expected[current].truncate(cut);
                            has_partial = false;
                        }
                    }
                }
            }
            for e in c.poll_at(0) {
                match e {
                    TailEvent::Lines { bytes, .. } => got[read_generation].push_str(&String::from_utf8_lossy(&bytes)),
                    TailEvent::Rotated | TailEvent::Removed | TailEvent::Appeared => {
                        drains.extend(c.take_rotated().into_iter().map(|d| (d, read_generation)));
                        if !matches!(e, TailEvent::Removed) {
                            read_generation += 1;
                            got.resize(read_generation + 1, String::new());
                        }
                    }
                    other => prop_assert!(matches!(other, TailEvent::Truncated { .. }), "{other:?}"),
                }
            }
            for (d, generation) in &mut drains {
                got[*generation].push_str(&poll_at(d, 0).0);
            }
        }
        // Long after the last write: the old files close, the current one stays open.
        leave(old.take(), &mut expected);
        for (d, generation) in &mut drains {
            got[*generation].push_str(&poll_at(d, DRAIN_GRACE_MS).0);
            prop_assert!(d.is_closed());
        }
        got[read_generation].push_str(&poll(&mut c).0);
        if has_partial {
            let cut = expected[current].rfind("{\"partial\"").unwrap();
            expected[current].truncate(cut);
        }
        got.resize(expected.len(), String::new());
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
fn records(batch: &audit_tui::ingest::inputs::watch::Batch) -> Vec<String> {
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

/// What a follower delivered: each record's `file:line` (as the explorer shows it) and text.
fn deliver(f: &mut Follower, index: &mut Index) -> (Vec<String>, Vec<String>) {
    let batch = f.poll(false);
    let mut records = Vec::new();
    for piece in batch.pieces {
        for id in index.append_live(piece) {
            let e = index.event(id).unwrap();
            records.push(format!("{} {}", index.location(e), String::from_utf8_lossy(index.raw_line(e))));
        }
    }
    (records, batch.notices)
}

/// After rename + create rotation, the app's writer still holds the old file and writes 5
/// more lines 50 ms to 2.5 s later: they arrive, under the rotated file's name and numbered
/// on from its last line, while the new file is followed too.
#[test]
fn late_writes_after_a_rotation_reach_the_follower_under_the_rotated_name() {
    let dir = tempfile::tempdir().unwrap();
    let today = dir.path().join("datatools-2026-05-17.jsonl");
    let mut writer = open_for_append(&today);
    writer.write_all(b"{\"n\":1}\n{\"n\":2}\n").unwrap();
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    let mut index = Index::new(Zone::Utc, 30);
    let mut records = deliver(&mut f, &mut index).0;

    fs::rename(&today, dir.path().join("datatools-2026-05-17.jsonl.1")).unwrap();
    append(&today, "{\"new\":1}\n");
    now.fetch_add(50, Ordering::SeqCst);
    let (new, notices) = deliver(&mut f, &mut index);
    records.extend(new);
    assert!(notices.iter().any(|n| n.contains("replaced")), "{notices:?}");
    for (n, after_ms) in [(3, 50), (4, 700), (5, 1_300), (6, 1_900), (7, 2_500)] {
        now.store(utc_ms("2026-05-17T10:00:00.050Z") + after_ms, Ordering::SeqCst);
        writer.write_all(format!("{{\"n\":{n}}}\n").as_bytes()).unwrap();
        records.extend(deliver(&mut f, &mut index).0);
    }
    assert_eq!(
        records,
        [
            r#"datatools-2026-05-17.jsonl:1 {"n":1}"#,
            r#"datatools-2026-05-17.jsonl:2 {"n":2}"#,
            r#"datatools-2026-05-17.jsonl:1 {"new":1}"#,
            r#"datatools-2026-05-17.jsonl.1:3 {"n":3}"#,
            r#"datatools-2026-05-17.jsonl.1:4 {"n":4}"#,
            r#"datatools-2026-05-17.jsonl.1:5 {"n":5}"#,
            r#"datatools-2026-05-17.jsonl.1:6 {"n":6}"#,
            r#"datatools-2026-05-17.jsonl.1:7 {"n":7}"#,
        ]
    );
    assert_eq!(f.followed(), ["datatools-2026-05-17.jsonl", "datatools-2026-05-17.jsonl.1"]);
    assert_eq!(f.poll(false).following, "datatools-2026-05-17.jsonl", "the status bar names the live file");

    // A minute later the old file has long been idle: it is closed and no longer followed.
    now.fetch_add(60_000, Ordering::SeqCst);
    let (_, notices) = deliver(&mut f, &mut index);
    assert!(notices.iter().any(|n| n.contains("jsonl.1 is no longer read")), "{notices:?}");
    assert_eq!(f.followed(), ["datatools-2026-05-17.jsonl"]);
}

/// The same through the waker, as `--follow` and `tail` run it: the late lines are written
/// only once the rotation was noticed, so they can only come from the old handle.
fn late_writes_after_a_rotation_through_the_waker(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let today = dir.path().join("datatools-2026-05-17.jsonl");
    let mut writer = open_for_append(&today);
    writer.write_all(b"{\"n\":1}\n").unwrap();
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    let waker = Waker::new(dir.path(), poll_only);
    assert_eq!(waker.is_notifying(), !poll_only);
    let mut got = String::new();
    let mut notices = Vec::new();
    // Wakes and polls until `done` holds, for at most 200 wake-ups.
    let mut step_until = |f: &mut Follower, done: &dyn Fn(&str, &[String]) -> bool| {
        for _ in 0..200 {
            let b = f.poll(waker.wait());
            for p in &b.pieces {
                got.push_str(&String::from_utf8_lossy(&p.bytes));
            }
            notices.extend(b.notices);
            if done(&got, &notices) {
                return;
            }
        }
    };
    step_until(&mut f, &|got, _| got.contains("{\"n\":1}"));
    fs::rename(&today, dir.path().join("datatools-2026-05-17.jsonl.1")).unwrap();
    append(&today, "{\"new\":1}\n");
    step_until(&mut f, &|_, notices| notices.iter().any(|n| n.contains("replaced")));
    for n in 2..=6 {
        writer.write_all(format!("{{\"n\":{n}}}\n").as_bytes()).unwrap();
    }
    step_until(&mut f, &|got, _| got.contains("{\"n\":6}"));
    assert_eq!(got, "{\"n\":1}\n{\"new\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n{\"n\":6}\n");
}

#[test]
fn late_writes_after_a_rotation_arrive_with_notify() {
    late_writes_after_a_rotation_through_the_waker(false);
}

#[test]
fn late_writes_after_a_rotation_arrive_when_polling() {
    late_writes_after_a_rotation_through_the_waker(true);
}

/// 50 rename + create rotations, 500 ms apart: each file gets 2 lines, then its writer
/// writes 5 more through the handle it still holds, one per rotation (the first before the
/// follower has noticed the rotation, the last 2 s after it). With distinct names every
/// tenth rotation comes twice between two polls, so one file is never seen under today's
/// name; with one name (`.1`) each rotation replaces the file rotated before.
fn rotations_with_late_writes_lose_nothing(distinct_names: bool) {
    let dir = tempfile::tempdir().unwrap();
    let today = dir.path().join("datatools-2026-05-17.jsonl");
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    // (generation, the writer's handle, lines written to it).
    let mut writers = vec![(0, open_for_append(&today), 0)];
    let mut got: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut collect = |f: &mut Follower| {
        for p in f.poll(false).pieces {
            for line in String::from_utf8_lossy(&p.bytes).lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let (generation, k) = (v["gen"].as_u64().unwrap() as u32, v["k"].as_u64().unwrap() as u32);
                if k >= 2 {
                    let rotated = if distinct_names { format!(".{}", generation + 1) } else { ".1".into() };
                    assert_eq!(p.name, format!("datatools-2026-05-17.jsonl{rotated}"), "late line {line}");
                }
                got.entry(generation).or_default().push(k);
            }
        }
    };
    let write = |w: &mut (u32, File, u32)| {
        w.1.write_all(format!("{{\"gen\":{},\"k\":{}}}\n", w.0, w.2).as_bytes()).unwrap();
        w.2 += 1;
    };
    collect(&mut f);
    for rotation in 1..=50 {
        let current = writers.last_mut().unwrap();
        write(current);
        write(current);
        let to = if distinct_names {
            format!("datatools-2026-05-17.jsonl.{rotation}")
        } else {
            "datatools-2026-05-17.jsonl.1".into()
        };
        fs::rename(&today, dir.path().join(to)).unwrap();
        writers.push((rotation, open_for_append(&today), 0));
        let newest = writers.len() - 1;
        for w in &mut writers[..newest] {
            write(w);
        }
        writers.retain(|w| w.2 < 7 || w.0 == rotation);
        now.fetch_add(500, Ordering::SeqCst);
        let unseen = distinct_names && rotation % 10 == 5;
        if !unseen {
            collect(&mut f);
        }
    }
    // The last writers finish, then a minute passes.
    while writers.len() > 1 {
        let newest = writers.len() - 1;
        for w in &mut writers[..newest] {
            write(w);
        }
        writers.retain(|w| w.2 < 7 || w.0 == 50);
        now.fetch_add(500, Ordering::SeqCst);
        collect(&mut f);
    }
    now.fetch_add(60_000, Ordering::SeqCst);
    collect(&mut f);
    let expected: BTreeMap<u32, Vec<u32>> = (0..50).map(|g| (g, (0..7).collect())).collect();
    assert_eq!(got, expected, "every line once, in order within its file");
    assert_eq!(f.followed(), ["datatools-2026-05-17.jsonl"], "every rotated file closed after its grace period");
}

#[test]
fn fifty_rotations_with_late_writes_lose_nothing() {
    rotations_with_late_writes_lose_nothing(true);
}

#[test]
fn fifty_rotations_onto_one_name_with_late_writes_lose_nothing() {
    rotations_with_late_writes_lose_nothing(false);
}

/// Open files of this process that are (or were, if deleted) under `dir`.
#[cfg(target_os = "linux")]
fn open_files_under(dir: &Path) -> usize {
    fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| fs::read_link(e.ok()?.path()).ok())
        .filter(|target| target.starts_with(dir))
        .count()
}

/// 200 rotations followed by polling, two rotations a second and a poll after every
/// second one (so half the files are never seen under today's name): the files held open
/// stay within what one grace period keeps, and once the rotated files are idle only
/// today's file is open.
#[cfg(target_os = "linux")]
#[test]
fn open_files_stay_bounded_over_200_rotations_when_polling() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let today = root.join("datatools-2026-05-17.jsonl");
    append(&today, "{\"gen\":0}\n");
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(&root, Zone::Utc, clock_at(&now));
    let waker = Waker::new(&root, true);
    assert!(!waker.is_notifying());
    let step_ms = 500;
    let mut lines = f.poll(true).pieces.iter().map(|p| p.chunk.events.len()).sum::<usize>();
    let mut most_open = 0;
    for rotation in 1..=200 {
        fs::rename(&today, root.join(format!("datatools-2026-05-17.jsonl.{rotation}"))).unwrap();
        append(&today, &format!("{{\"gen\":{rotation}}}\n"));
        now.fetch_add(step_ms, Ordering::SeqCst);
        if rotation % 2 == 1 {
            continue;
        }
        lines += f.poll(false).pieces.iter().map(|p| p.chunk.events.len()).sum::<usize>();
        most_open = most_open.max(open_files_under(&root));
    }
    // A rotated file is open from the poll after its rotation (or the folder scan, for one
    // never seen under today's name) until a poll finds it idle for the grace period.
    let rotations_in_a_grace_period = ((DRAIN_GRACE_MS + 2 * 2 * step_ms) / step_ms) as usize;
    assert!(most_open <= 1 + rotations_in_a_grace_period, "{most_open} open at most");
    for _ in 0..3 {
        now.fetch_add(DRAIN_GRACE_MS, Ordering::SeqCst);
        lines += f.poll(false).pieces.iter().map(|p| p.chunk.events.len()).sum::<usize>();
    }
    assert_eq!(lines, 201, "every generation's line");
    assert_eq!(open_files_under(&root), 1, "only today's file stays open");
    assert_eq!(f.followed(), ["datatools-2026-05-17.jsonl"]);
}

/// A writer rotating as fast as it can while the cursor polls: a rotation landing between
/// the cursor's look at the name and its opening of it must not pair the old file's
/// identity with the new file's handle (that read one file twice and lost the one before).
#[test]
fn a_rotation_racing_the_cursor_never_reads_a_file_twice() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    append(&p, "");
    let rotations = 1_500;
    let writer = {
        let p = p.clone();
        std::thread::spawn(move || {
            for g in 0..rotations {
                append(&p, &format!("{g}\n"));
                fs::rename(&p, p.with_extension(format!("log.{g}"))).unwrap();
                append(&p, "");
            }
        })
    };
    let mut c = TailCursor::new(&p);
    let mut drains: Vec<TailCursor> = Vec::new();
    let mut seen = vec![0u32; rotations];
    let mut count = |text: String| {
        for line in text.lines() {
            seen[line.parse::<usize>().unwrap()] += 1;
        }
    };
    let mut step = |c: &mut TailCursor| {
        count(poll(c).0);
        drains.extend(c.take_rotated());
        // Read each old file to its end, then let it go (the grace period is not at stake).
        for d in &mut drains {
            count(poll_at(d, DRAIN_GRACE_MS).0);
        }
        drains.retain(|d| !d.is_closed());
    };
    while !writer.is_finished() {
        step(&mut c);
    }
    writer.join().unwrap();
    step(&mut c);
    let twice: Vec<usize> = (0..rotations).filter(|&g| seen[g] > 1).collect();
    assert_eq!(twice, Vec::<usize>::new(), "files read twice");
}

/// A burst of rotations within one grace period: at most `MAX_DRAINING` rotated files stay
/// open, the ones rotated first being read to their end and closed early, with a notice.
#[cfg(target_os = "linux")]
#[test]
fn a_burst_of_rotations_keeps_the_files_read_at_once_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let today = root.join("datatools-2026-05-17.jsonl");
    append(&today, "");
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(&root, Zone::Utc, clock_at(&now));
    f.poll(true);
    let rotations = MAX_DRAINING + 50;
    let mut lines = 0;
    let mut notices = Vec::new();
    for rotation in 0..rotations {
        let mut writer = open_for_append(&today);
        writer.write_all(format!("{{\"gen\":{rotation}}}\n").as_bytes()).unwrap();
        fs::rename(&today, root.join(format!("datatools-2026-05-17.jsonl.{rotation}"))).unwrap();
        append(&today, "");
        // Written after the rotation, before the follower noticed it.
        writer.write_all(format!("{{\"gen\":{rotation},\"late\":true}}\n").as_bytes()).unwrap();
        drop(writer);
        now.fetch_add(10, Ordering::SeqCst);
        let b = f.poll(false);
        lines += b.pieces.iter().map(|p| p.chunk.events.len()).sum::<usize>();
        notices.extend(b.notices);
        assert!(open_files_under(&root) <= 1 + MAX_DRAINING, "after rotation {rotation}");
    }
    assert_eq!(lines, 2 * rotations, "each file read to its end before it was closed");
    let early = notices.iter().filter(|n| n.contains(&format!("more than {MAX_DRAINING} rotated files"))).count();
    assert_eq!(early, rotations - MAX_DRAINING, "{notices:?}");
}

/// A CSV row whose quoted traceback is still being written when the file is rotated is
/// finished in the old file: it arrives whole, under the rotated file's name.
#[test]
fn a_csv_row_open_at_a_rotation_is_finished_from_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let today = dir.path().join("repricing-2026-05-17.csv");
    let mut writer = open_for_append(&today);
    writer
        .write_all(b"Timestamp,User,Script,Message,Status\r\n2026-05-17 09:02:11,Ann,Main,SESSION START,INFO\r\n")
        .unwrap();
    let now = Arc::new(AtomicI64::new(utc_ms("2026-05-17T10:00:00Z")));
    let mut f = Follower::new(dir.path(), Zone::Utc, clock_at(&now));
    assert_eq!(records(&f.poll(true)), ["2026-05-17 09:02:11,Ann,Main,SESSION START,INFO"]);
    writer
        .write_all(b"2026-05-17 09:05:12,Ann,Repricing,\"SYSTEM ERROR | Traceback (most recent call last):\n")
        .unwrap();
    assert!(records(&f.poll(false)).is_empty(), "the row waits for its closing quote");

    fs::rename(&today, dir.path().join("repricing-2026-05-17.csv.1")).unwrap();
    append(&today, "Timestamp,User,Script,Message,Status\r\n2026-05-17 09:06:00,Bob,Main,SESSION START,INFO\r\n");
    assert_eq!(records(&f.poll(false)), ["2026-05-17 09:06:00,Bob,Main,SESSION START,INFO"]);
    writer.write_all(b"KeyError: 'GPI'\",SYSTEM_ERROR\r\n").unwrap();
    let b = f.poll(false);
    assert_eq!(
        records(&b),
        ["2026-05-17 09:05:12,Ann,Repricing,\"SYSTEM ERROR | Traceback (most recent call last):"],
        "one event for the whole row"
    );
    assert_eq!(b.pieces[0].name, "repricing-2026-05-17.csv.1");
    assert_eq!(b.pieces[0].chunk.errors.len(), 1);
}
