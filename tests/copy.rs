//! Copies that work or say why not, key by key: `y`/`R` queue a copy, a fake clipboard
//! backend answers as the loop's copy thread would, and the status line must tell what
//! happened (never a copy that did not happen); `s` saves to a named file, never over one
//! and never inside the logs; `r` redacts. What is copied has its controls escaped and is
//! capped.

mod common;

use audit_tui::ui::app::{App, Request};
use audit_tui::ui::clipboard::{self, Backend, Clip, Destination, MAX_COPY_BYTES, TermEnv};
use audit_tui::ui::msg::Msg;
use common::*;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// A clipboard that answers as told and keeps what it was given.
struct Fake {
    answer: Result<Destination, String>,
    got: RefCell<Vec<String>>,
}

impl Fake {
    fn confirming(method: &str) -> Fake {
        Fake { answer: Ok(Destination { method: method.into(), is_system: true }), got: RefCell::default() }
    }

    fn failing(why: &str) -> Fake {
        Fake { answer: Err(why.into()), got: RefCell::default() }
    }
}

impl Backend for Fake {
    fn copy(&self, text: &str) -> Result<Destination, String> {
        self.got.borrow_mut().push(text.to_string());
        self.answer.clone()
    }
}

fn note(app: &App) -> &str {
    app.note.as_ref().map_or("", |n| n.text.as_str())
}

/// Presses `keys`, expects one copy queued, runs it through `backend` as the loop's copy
/// thread does, and feeds the outcome back; returns the clip and the requests that follow.
fn copy_with(app: &mut App, keys: &str, backend: &dyn Backend) -> (Clip, Vec<Request>) {
    let queued = press(app, keys);
    let [Request::Copy(clip)] = queued.as_slice() else { panic!("one copy queued: {queued:?}") };
    assert!(note(app).starts_with("copying "), "nothing is claimed before the answer: {}", note(app));
    let outcome = clipboard::deliver(backend, clip);
    update_with(app, Msg::Copied { clip: clip.clone(), outcome });
    (clip.clone(), std::mem::take(&mut app.requests))
}

fn update_with(app: &mut App, msg: Msg) {
    audit_tui::ui::update::update(app, msg);
}

/// An explorer over one file holding `lines`, written in a temporary folder.
fn app_over(lines: &[&[u8]]) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.jsonl");
    let mut bytes = Vec::new();
    for l in lines {
        bytes.extend_from_slice(l);
        bytes.push(b'\n');
    }
    std::fs::write(&file, bytes).unwrap();
    let mut app = app_for(file.to_str().unwrap());
    app.inputs = vec![dir.path().to_path_buf()];
    (app, dir)
}

const LINE: &[u8] = br#"{"ts":"2026-05-17T10:00:00Z","level":"error","message":"boom","user":"Dana Whitfield"}"#;

#[test]
fn a_confirmed_copy_names_its_method() {
    let (mut app, _dir) = app_over(&[LINE]);
    let fake = Fake::confirming("xclip");
    let (clip, after) = copy_with(&mut app, "y", &fake);
    assert_eq!(*fake.got.borrow(), vec![String::from_utf8(LINE.to_vec()).unwrap()]);
    assert_eq!(note(&app), format!("copied the event's line ({} bytes) with xclip", LINE.len()));
    assert!(after.is_empty(), "no OSC 52 after a confirmed copy: {after:?}");
    assert_eq!(app.copy.last, Some(clip));
}

#[test]
fn a_failed_copy_falls_back_to_osc52_says_it_is_unconfirmed_and_offers_s() {
    let (mut app, _dir) = app_over(&[LINE]);
    let fake = Fake::failing("xclip is not installed");
    let (clip, after) = copy_with(&mut app, "y", &fake);
    assert_eq!(after, vec![Request::Osc52(clip.text.clone())]);
    assert_eq!(
        note(&app),
        format!(
            "sent the event's line ({} bytes) by OSC 52, not confirmed: s saves it to a file (xclip is not installed)",
            LINE.len()
        )
    );
    assert!(!note(&app).contains("copied"));
    // On a narrow screen the counts make room: what to do next stays on screen.
    let status = screen(&app, 120, 40).lines().last().unwrap().to_string();
    assert!(status.contains("not confirmed: s saves it to a file"), "{status}");
    // What the loop writes for it, inside tmux: plain, then through the passthrough.
    let env = TermEnv { tmux: true, screen: false, osc52: true };
    let seq = clipboard::osc52(&clip.text, &env);
    let b64 = clipboard::base64(clip.text.as_bytes());
    assert_eq!(seq, format!("\x1b]52;c;{b64}\x07\x1bPtmux;\x1b\x1b]52;c;{b64}\x07\x1b\\"));
    app.copy.terminal = env;
    copy_with(&mut app, "y", &fake);
    assert!(note(&app).contains("by OSC 52 (also through tmux's passthrough), not confirmed"), "{}", note(&app));
}

#[test]
fn tmux_paste_buffer_is_not_called_the_system_clipboard() {
    let (mut app, _dir) = app_over(&[LINE]);
    let fake = Fake {
        answer: Ok(Destination { method: "tmux load-buffer".into(), is_system: false }),
        got: RefCell::default(),
    };
    let (_, after) = copy_with(&mut app, "y", &fake);
    assert!(after.is_empty());
    let said = note(&app);
    assert!(
        said.starts_with(
            "copied the event's line (86 bytes) to tmux's buffer (prefix ]), not the system clipboard: \
             s saves it to a file (tmux load-buffer)"
        ),
        "{said}"
    );
}

#[test]
fn nothing_is_claimed_when_nothing_worked() {
    let (mut app, _dir) = app_over(&[LINE]);
    app.copy.terminal = TermEnv { tmux: false, screen: false, osc52: false };
    let fake = Fake::failing("no clipboard here: no DISPLAY, WAYLAND_DISPLAY or tmux");
    let (_, after) = copy_with(&mut app, "y", &fake);
    assert!(after.is_empty(), "no OSC 52 to a terminal that takes none: {after:?}");
    let n = app.note.as_ref().unwrap();
    assert!(n.is_error);
    assert!(
        n.text.starts_with("not copied: s saves the event's line (86 bytes) to a file (no clipboard here"),
        "{}",
        n.text
    );
    assert!(!n.text.contains("copied ") && !n.text.contains("sent "), "{}", n.text);
}

#[test]
fn s_saves_the_copy_to_a_named_file_never_over_another_and_never_into_the_logs() {
    let (mut app, logs) = app_over(&[LINE]);
    press(&mut app, "s");
    assert!(note(&app).starts_with("nothing to save yet"), "{}", note(&app));
    let (clip, _) = copy_with(&mut app, "y", &Fake::failing("xclip failed (exit status 1)"));
    let saves = press(&mut app, "s");
    assert_eq!(saves, vec![Request::Save(clip.clone())]);

    // What the loop does with it, in a working folder that already has the first name.
    let cwd = tempfile::tempdir().unwrap();
    let stamp = "20260517-100000";
    let taken = cwd.path().join(format!("audit-tui-event-{stamp}.txt"));
    std::fs::write(&taken, "someone else's").unwrap();
    let result = clipboard::save_in(&clip, cwd.path(), &app.inputs, stamp);
    let path = result.clone().expect("saved");
    assert_eq!(path, cwd.path().join(format!("audit-tui-event-{stamp}-2.txt")));
    assert_eq!(std::fs::read(&path).unwrap(), LINE);
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "someone else's");
    update_with(&mut app, Msg::Saved { clip: clip.clone(), result });
    assert_eq!(note(&app), format!("saved the event's line ({} bytes) to {}", LINE.len(), path.display()));

    // The folder being read, or one inside it, is refused, and nothing is written there.
    let inside = logs.path().join("sub");
    std::fs::create_dir(&inside).unwrap();
    for dir in [logs.path(), inside.as_path()] {
        let err = clipboard::save_in(&clip, dir, &app.inputs, stamp).unwrap_err();
        assert!(err.contains("refusing to write"), "{err}");
    }
    assert_eq!(files_in(logs.path()), vec![PathBuf::from("app.jsonl"), PathBuf::from("sub")]);
    assert!(files_in(&inside).is_empty());
    update_with(&mut app, Msg::Saved { clip, result: Err("refusing to write x".into()) });
    assert!(app.note.as_ref().is_some_and(|n| n.is_error && n.text == "not saved: refusing to write x"));
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| PathBuf::from(e.unwrap().file_name())).collect();
    names.sort();
    names
}

#[test]
fn control_characters_and_paste_markers_are_escaped_in_what_is_copied() {
    // Raw ESC, BEL and a bracketed-paste end marker inside a JSON string (read, not rejected).
    let hostile: &[u8] =
        b"{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"error\",\"message\":\"a\x1b[201~rm -rf ~\x07\"}";
    let (mut app, _dir) = app_over(&[hostile]);
    let fake = Fake::confirming("wl-copy");
    let (clip, _) = copy_with(&mut app, "y", &fake);
    let got = fake.got.borrow()[0].clone();
    assert!(!got.chars().any(is_hostile), "{got:?}");
    assert!(got.contains(r"a\x1b[201~rm -rf ~\x07"), "{got}");
    assert_eq!(clip.escaped, 2);
    assert!(note(&app).ends_with("; 2 control characters shown escaped"), "{}", note(&app));
}

#[test]
fn a_copy_is_capped_with_a_note_and_s_saves_all_of_it() {
    let message = "x".repeat(3 << 20);
    let line = format!(r#"{{"ts":"2026-05-17T10:00:00Z","level":"info","message":"{message}"}}"#);
    let (mut app, _dir) = app_over(&[line.as_bytes()]);
    let fake = Fake::confirming("pbcopy");
    let (clip, _) = copy_with(&mut app, "y", &fake);
    assert_eq!(fake.got.borrow()[0].len(), MAX_COPY_BYTES);
    assert!(line.starts_with(&fake.got.borrow()[0]));
    assert!(note(&app).contains("with pbcopy; only its first 1 MiB of 3.0 MiB (s saves all of it)"), "{}", note(&app));
    let cwd = tempfile::tempdir().unwrap();
    let path = clipboard::save_in(&clip, cwd.path(), &app.inputs, "20260517-100000").unwrap();
    assert_eq!(std::fs::read_to_string(path).unwrap(), line);
    // A cut never splits a character.
    let wide = Clip::new("x".into(), "event", "txt", &"é".repeat(MAX_COPY_BYTES));
    assert!(wide.is_cut() && wide.capped().len() == MAX_COPY_BYTES && wide.capped().ends_with('é'));
}

#[test]
fn r_redacts_copies_and_the_status_bar_says_so() {
    let mut app = app_for(SAMPLE);
    app.inputs = vec![path(SAMPLE)];
    // The first event of a session with a user and a home folder in its line.
    press(&mut app, "/");
    type_text(&mut app, "\"Session started\" cwd: user:Dana");
    press(&mut app, "Enter");
    let fake = Fake::confirming("xclip");
    let (plain, _) = copy_with(&mut app, "y", &fake);
    assert!(plain.text.contains("Dana Whitfield"), "{}", plain.text);
    assert_eq!(plain.redacted, None);

    press(&mut app, "r");
    assert!(app.copy.redact);
    assert!(note(&app).starts_with("redaction on"), "{}", note(&app));
    assert!(screen(&app, 160, 45).lines().last().unwrap().contains(" redact "));
    let (masked, _) = copy_with(&mut app, "y", &fake);
    let v: serde_json::Value = serde_json::from_str(&masked.text).expect("still JSON");
    assert_eq!(v["user"], "user-1");
    assert_eq!(v["cwd"], r"C:\Users\user-1\Documents");
    assert!(!masked.text.to_lowercase().contains("dana") && !masked.text.contains("Whitfield"));
    assert!(note(&app).contains("; redacted: 1 user name, 1 home-directory path"), "{}", note(&app));

    let (report, _) = copy_with(&mut app, "R", &fake);
    assert!(report.text.starts_with("# Support report: "));
    assert!(!report.text.contains("Dana") && !report.text.contains("Whitfield"), "{}", report.text);
    assert!(report.text.contains("Redacted by `audit-tui --redact`: masked "), "{}", report.text);
    assert!(note(&app).starts_with("copied a support report"), "{}", note(&app));

    press(&mut app, "r");
    assert!(!app.copy.redact);
    assert!(!screen(&app, 160, 45).lines().last().unwrap().contains(" redact "));
}
