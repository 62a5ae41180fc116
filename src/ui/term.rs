//! Terminal set-up and the event loop. The loop draws, waits for one message, drains the
//! rest, and runs the requests `update` queued. Input, indexing and filtering run on
//! their own threads, so the loop never blocks on I/O or matching.

use super::app::{App, Request};
use super::clipboard;
use super::filter::{FilterWorker, Job};
use super::msg::Msg;
use super::tty;
use super::update::update;
use super::view;
use crate::query::Snapshot;
use crossterm::event;
use std::io::{self, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// Tick while something moves on screen (indexing, filtering, following).
const BUSY_TICK: Duration = Duration::from_millis(80);
const IDLE_TICK: Duration = Duration::from_millis(500);

/// Puts the terminal in the explorer's modes (see `tty`, which also restores them from a
/// signal or a panic).
pub fn enter(mouse: bool) -> io::Result<ratatui::DefaultTerminal> {
    // crossterm 0.29 honours NO_COLOR by writing bare `ESC[m` resets that also clear bold
    // and reverse, so the selected row would vanish; the mono theme handles NO_COLOR
    // itself (it uses no colours), so crossterm's own switch stays off.
    crossterm::style::Colored::set_ansi_color_disabled(false);
    if let Err(e) = tty::enter(mouse) {
        tty::restore();
        return Err(e);
    }
    ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(io::stdout())).inspect_err(|_| tty::restore())
}

pub fn leave() {
    tty::restore();
}

/// Makes the next draw repaint every cell: after a resume the screen is blank, whatever
/// ratatui remembers. (`Terminal::clear` would ask the terminal where the cursor is, and
/// the input thread is reading the answer's way.)
fn redraw_all(terminal: &mut ratatui::DefaultTerminal) -> io::Result<()> {
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
}

/// Forwards terminal input to the loop until the loop goes away.
pub fn spawn_input(tx: Sender<Msg>) -> io::Result<()> {
    std::thread::Builder::new().name("input".into()).spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(event::Event::Key(k)) if k.kind != event::KeyEventKind::Release => Msg::Key(k),
                Ok(event::Event::Mouse(m)) => Msg::Mouse(m),
                Ok(event::Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(event::Event::Paste(p)) => Msg::Paste(p),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    })?;
    Ok(())
}

pub fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    rx: &Receiver<Msg>,
    tx: &Sender<Msg>,
    worker: &FilterWorker,
) -> io::Result<()> {
    if let Ok(size) = terminal.size() {
        app.size = (size.width, size.height);
    }
    run_requests(app, worker, terminal, tx)?;
    loop {
        terminal.draw(|f| view::draw(f, app))?;
        let busy = app.loading.is_some() || !app.results.done || app.follow.enabled || app.note.is_some();
        let first = match rx.recv_timeout(if busy { BUSY_TICK } else { IDLE_TICK }) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => Msg::Tick,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        app.now_ms = chrono::Utc::now().timestamp_millis();
        update(app, first);
        // Drain what else is waiting, but bound the batch so drawing keeps up.
        for msg in rx.try_iter().take(256) {
            update(app, msg);
        }
        run_requests(app, worker, terminal, tx)?;
        if app.should_quit {
            if let Some(p) = &app.loading {
                p.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            return Ok(());
        }
    }
}

/// Keeps the marks in the state directory; a failure is said, and the marks stay in the
/// explorer for this run.
fn save_marks(app: &mut App) {
    let Some(file) = &app.marks.file else {
        app.note("marks are kept for this run only (no state directory, or stdin)", true);
        return;
    };
    if let Err(e) = crate::marks::save(file, &app.marks.bundle, &app.marks.stored) {
        let why = format!("cannot save the marks in {}: {e}", file.display());
        app.note(why, true);
    }
}

fn run_requests(
    app: &mut App,
    worker: &FilterWorker,
    terminal: &mut ratatui::DefaultTerminal,
    tx: &Sender<Msg>,
) -> io::Result<()> {
    for req in std::mem::take(&mut app.requests) {
        match req {
            Request::Refilter => worker.submit(job_for(app)),
            // A clipboard command may take its time (or hang): off the loop, with a limit.
            Request::Copy(clip) => {
                let tx = tx.clone();
                let _ = std::thread::Builder::new().name("copy".into()).spawn(move || {
                    let outcome = clipboard::deliver(&clipboard::SystemClipboard::detect(), &clip);
                    let _ = tx.send(Msg::Copied { clip, outcome });
                });
            }
            Request::Osc52(text) => {
                let mut out = io::stdout();
                out.write_all(clipboard::osc52(&text, &app.copy.terminal).as_bytes())?;
                out.flush()?;
            }
            Request::Save(clip) => {
                let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
                let result = clipboard::save(&clip, &app.inputs, &stamp);
                let _ = tx.send(Msg::Saved { clip, result });
            }
            Request::Bell => {
                let mut out = io::stdout();
                out.write_all(b"\x07")?;
                out.flush()?;
            }
            Request::Suspend => match tty::suspend() {
                Ok(()) => redraw_all(terminal)?,
                Err(why) => app.note(why.message(), false),
            },
            Request::Redraw => redraw_all(terminal)?,
            Request::SaveMarks => save_marks(app),
        }
    }
    Ok(())
}

/// The filter job for the app's current query and scope.
pub fn job_for(app: &App) -> Job {
    Job { generation: app.results.generation, snapshot: Snapshot::of(&app.index), selection: app.selection() }
}
