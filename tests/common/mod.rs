//! Shared helpers for the UI tests: load a fixture into an `App` with a fixed clock, press
//! keys through `update` (running filter jobs inline, as the event loop would on its
//! worker), and draw into a `TestBackend`.

#![allow(dead_code)]

pub mod tmux;

use audit_tui::ingest::build::{Detail, Options, Progress, build};
use audit_tui::ingest::time::Zone;
use audit_tui::model::Index;
use audit_tui::ui::app::{App, Request};
use audit_tui::ui::msg::Msg;
use audit_tui::ui::update::update;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use std::path::PathBuf;

/// 2026-05-18T00:00:00Z: the day after the sample's last event, so relative times are fixed.
pub const FIXED_NOW_MS: i64 = 1_779_062_400_000;

pub const SAMPLE: &str = "examples/mailed-logs";
pub const DATATOOLS: &str = "tests/fixtures/datatools";
pub const ESCAPES: &str = "tests/fixtures/quirks/escapes.jsonl";

/// The sample's failing session (README: EmptyDataError ×3, MemoryError, truncated line).
pub const FAILED_SESSION: &str = "7d41e9b2";

pub fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub fn index_of(rel: &str) -> Index {
    build(&[path(rel)], Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full }, &Progress::default())
}

/// An explorer over `rel` as the user would see it at 160×45, times in UTC.
pub fn app_for(rel: &str) -> App {
    let mut app = App::new(index_of(rel), rel.to_string(), Zone::Utc, FIXED_NOW_MS);
    app.size = (160, 45);
    app.clamp_cursor();
    app
}

/// One key by name: a single character, or `Enter Esc Tab BackTab Up Down Left Right PgDn
/// PgUp Home End Space Backspace F1`, or `C-x` for Ctrl-x.
pub fn key(name: &str) -> KeyEvent {
    let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
    match name {
        "Enter" => plain(KeyCode::Enter),
        "Esc" => plain(KeyCode::Esc),
        "Tab" => plain(KeyCode::Tab),
        "BackTab" => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
        "Up" => plain(KeyCode::Up),
        "Down" => plain(KeyCode::Down),
        "Left" => plain(KeyCode::Left),
        "Right" => plain(KeyCode::Right),
        "PgDn" => plain(KeyCode::PageDown),
        "PgUp" => plain(KeyCode::PageUp),
        "Home" => plain(KeyCode::Home),
        "End" => plain(KeyCode::End),
        "Space" => plain(KeyCode::Char(' ')),
        "Backspace" => plain(KeyCode::Backspace),
        "F1" => plain(KeyCode::F(1)),
        _ => {
            let mut chars = name.chars();
            match (chars.next(), chars.next(), chars.next(), chars.next()) {
                (Some(c), None, _, _) if c.is_uppercase() => KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT),
                (Some(c), None, _, _) => plain(KeyCode::Char(c)),
                (Some('C'), Some('-'), Some(c), None) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
                _ => panic!("unknown key name {name:?}"),
            }
        }
    }
}

/// Presses space-separated keys, running every queued filter job to completion after
/// each key, as the event loop does between keys. Returns the other requests (copy, bell).
pub fn press(app: &mut App, keys: &str) -> Vec<Request> {
    let mut others = Vec::new();
    for name in keys.split_whitespace() {
        update(app, Msg::Key(key(name)));
        others.extend(run_requests(app));
    }
    others
}

/// Types text into whatever has the keyboard (each char is one key press).
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
        run_requests(app);
    }
}

/// Sends one message, then runs the requests it queued.
pub fn send(app: &mut App, msg: Msg) {
    update(app, msg);
    run_requests(app);
}

/// Runs queued `Refilter` requests inline and feeds the chunks back; returns the other
/// requests (copy, bell) for the test to inspect.
pub fn run_requests(app: &mut App) -> Vec<Request> {
    let mut others = Vec::new();
    while !app.requests.is_empty() {
        for req in std::mem::take(&mut app.requests) {
            match req {
                Request::Refilter => {
                    let job = audit_tui::ui::term::job_for(app);
                    let mut chunks = Vec::new();
                    audit_tui::ui::filter::run(&job, &|| false, &mut |chunk| {
                        chunks.push(chunk);
                        true
                    });
                    for chunk in chunks {
                        update(app, Msg::Filtered(chunk));
                    }
                }
                other => others.push(other),
            }
        }
    }
    others
}

/// Draws the app into a `w`×`h` test terminal and returns the buffer.
pub fn draw(app: &App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| audit_tui::ui::view::draw(f, app)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The buffer's rows as text (wide characters' continuation cells skipped).
pub fn rows(buf: &Buffer) -> Vec<String> {
    rows_in(buf, buf.area)
}

/// The text of `area`'s rows, one string per row.
pub fn rows_in(buf: &Buffer, area: ratatui::layout::Rect) -> Vec<String> {
    (area.y..area.y + area.height)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in area.x..area.x + area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
                row.push_str(sym);
            }
            row
        })
        .collect()
}

pub fn screen(app: &App, w: u16, h: u16) -> String {
    rows(&draw(app, w, h)).join("\n")
}

/// The event ids the timeline lists, in row order.
pub fn row_ids(app: &App) -> Vec<u32> {
    (0..app.row_count()).map(|r| app.row_event_id(r).expect("row in range")).collect()
}

/// Characters that must never reach the terminal from a log value: C0 controls, DEL, C1
/// controls, bidi controls and invisible format characters.
/// Every character of `text` no terminal may get raw (C0 but the row break, DEL, C1,
/// bidi and zero-width format characters), each as U+XXXX: an empty list is clean output.
pub fn raw_hazards(text: &str) -> Vec<String> {
    text.chars().filter(|&c| c != '\n' && is_hostile(c)).map(|c| format!("U+{:04X}", u32::from(c))).collect()
}

pub fn is_hostile(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}
