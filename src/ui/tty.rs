//! The terminal's modes while the explorer runs: raw mode, the alternate screen, mouse
//! reporting, bracketed paste, a hidden cursor. Owns turning them on, and turning them off
//! again from whichever thread ends the explorer: the loop on quit, the signal thread on
//! SIGTERM/SIGINT/SIGHUP/SIGQUIT/SIGTSTP, the panic hook on a panic in any thread.
//!
//! Restoring is idempotent and safe from any thread: it runs while holding the stdout lock,
//! and only the first caller after entering does the work. The caller keeps the lock until
//! the process ends or stops, so no frame is drawn on the shell's screen in between.

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor::Hide, queue};
use std::io::{self, StdoutLock, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// The explorer has the terminal in its modes.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The explorer gave the terminal back to stop (Ctrl-Z) and takes it again on SIGCONT.
static SUSPENDED: AtomicBool = AtomicBool::new(false);
/// Mouse reporting is part of the modes (not with `--no-mouse`).
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Rust's exit status for a panic, kept when the panic ends the explorer from the hook.
const PANIC_STATUS: i32 = 101;

pub fn is_active() -> bool {
    ACTIVE.load(Ordering::SeqCst)
}

/// Turns the explorer's modes on (and records them for restoring).
pub fn enter(mouse: bool) -> io::Result<()> {
    MOUSE.store(mouse, Ordering::SeqCst);
    let mut out = io::stdout().lock();
    enter_locked(&mut out)
}

fn enter_locked(out: &mut StdoutLock<'_>) -> io::Result<()> {
    enable_raw_mode()?;
    // Marked active first: a failure below must still be undone.
    ACTIVE.store(true, Ordering::SeqCst);
    queue!(out, EnterAlternateScreen, Hide, EnableBracketedPaste)?;
    if MOUSE.load(Ordering::SeqCst) {
        queue!(out, EnableMouseCapture)?;
    }
    out.flush()
}

/// Puts the terminal back as the shell had it; does nothing when that is done already.
pub fn restore() {
    let mut out = io::stdout().lock();
    restore_locked(&mut out);
}

/// Restores with the stdout lock held; true if this call did the work. Errors are ignored:
/// after SIGHUP there may be no terminal left to write to, and the rest must still run.
fn restore_locked(out: &mut StdoutLock<'_>) -> bool {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return false;
    }
    let _ = queue!(out, DisableMouseCapture, DisableBracketedPaste, Show, LeaveAlternateScreen);
    let _ = out.flush();
    let _ = disable_raw_mode();
    true
}

/// From now on a panic in any thread restores the terminal, prints the panic as usual (on
/// the shell's screen, where it can be read), and ends the process with status 101: the
/// explorer cannot go on without the thread that died, and a panic in a worker would
/// otherwise leave the loop drawing over a restored terminal.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let mut out = io::stdout().lock();
        restore_locked(&mut out);
        previous(info);
        // The lock is held to the end: nothing is drawn after the message.
        std::process::exit(PANIC_STATUS);
    }));
}

/// Restores, then ends the process by `signal` as its default action would (so the shell
/// sees the signal: status 128 + its number), holding the stdout lock to the end.
#[cfg(unix)]
pub fn restore_and_die_by(signal: i32) -> ! {
    let mut out = io::stdout().lock();
    restore_locked(&mut out);
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    // Only reached if the default action did not end the process.
    signal_hook::low_level::exit(128 + signal)
}

/// Why the explorer did not suspend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CannotSuspend {
    /// No job-control shell started the explorer, so nothing could resume it.
    NoJobControl,
    /// The platform has no job control.
    Unsupported,
}

impl CannotSuspend {
    pub fn message(self) -> &'static str {
        match self {
            CannotSuspend::NoJobControl => "cannot suspend: no job-control shell started audit-tui to resume it",
            CannotSuspend::Unsupported => "cannot suspend: this platform has no job control",
        }
    }
}

/// Ctrl-Z: gives the terminal back and stops the process, as a shell job; returns once the
/// process is continued (`fg`), with the modes on again. The caller redraws everything.
#[cfg(unix)]
pub fn suspend() -> Result<(), CannotSuspend> {
    if !job_control_can_resume_us() {
        return Err(CannotSuspend::NoJobControl);
    }
    let mut out = io::stdout().lock();
    if restore_locked(&mut out) {
        SUSPENDED.store(true, Ordering::SeqCst);
    }
    // SIGSTOP, not SIGTSTP: our own SIGTSTP handler would only come back here. Both stop the
    // process the same way for the shell.
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
    resume_locked(&mut out);
    Ok(())
}

#[cfg(not(unix))]
pub fn suspend() -> Result<(), CannotSuspend> {
    Err(CannotSuspend::Unsupported)
}

/// After SIGCONT: takes the terminal again if the explorer suspended, else turns the modes
/// on once more (whoever stopped the process may have reset the terminal meanwhile). True
/// when the screen must be redrawn.
pub fn resume() -> bool {
    let mut out = io::stdout().lock();
    resume_locked(&mut out)
}

fn resume_locked(out: &mut StdoutLock<'_>) -> bool {
    let suspended = SUSPENDED.swap(false, Ordering::SeqCst);
    if !suspended && !ACTIVE.load(Ordering::SeqCst) {
        return false;
    }
    if !suspended {
        // crossterm turns raw mode on only when it believes it is off; entering the
        // alternate screen again clears it, so nothing flashes before the redraw.
        let _ = disable_raw_mode();
    }
    let _ = enter_locked(out);
    true
}

/// True when a job-control shell is our parent: it put us in a process group of our own
/// (in its session) and can continue us with `fg`. Started any other way (`tmux new
/// audit-tui`, `ssh host audit-tui`, `sh -c`), our process group is orphaned, and the
/// kernel itself ignores SIGTSTP for such groups, since nothing could resume them.
#[cfg(unix)]
pub fn job_control_can_resume_us() -> bool {
    // SAFETY: these calls take and return plain integers and cannot fail in a way that
    // touches memory; an error (-1) simply makes the comparison false.
    unsafe {
        let parent = libc::getppid();
        let group = libc::getpgrp();
        libc::getpgid(parent) != group && libc::getsid(parent) == libc::getsid(0)
    }
}
