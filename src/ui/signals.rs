//! Signals while the explorer has the terminal (Unix only; elsewhere there are none to
//! handle). A dedicated thread receives them through signal-hook, so the work runs as
//! ordinary code, not inside a signal handler:
//!
//! - SIGTERM, SIGINT, SIGHUP, SIGQUIT: restore the terminal, then die by the same signal,
//!   so the shell sees it (status 128 + its number). A second one of these ends the
//!   process at once (status 128 + its number), should restoring ever hang;
//! - SIGTSTP: restore the terminal and stop, as a shell job (ignored, like the kernel
//!   does, when no job-control shell could resume us);
//! - SIGCONT: take the terminal again and have the loop redraw everything.
//!
//! In raw mode Ctrl-C and Ctrl-Z arrive as keys, not signals: `update` handles those.

use super::msg::Msg;
use super::tty;
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
use signal_hook::iterator::Signals;
use std::io;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Sender;

const ENDING: [i32; 4] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT];

/// Installs the handlers and starts the thread; `tx` gets `Msg::Resumed` after SIGCONT.
pub fn spawn(tx: Sender<Msg>) -> io::Result<()> {
    let second = Arc::new(AtomicBool::new(false));
    for signal in ENDING {
        // Registered first, so it sees the flag still unset on the first signal.
        signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&second))?;
        signal_hook::flag::register(signal, Arc::clone(&second))?;
    }
    let mut signals = Signals::new(ENDING.iter().copied().chain([SIGTSTP, SIGCONT]))?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        for signal in signals.forever() {
            match signal {
                SIGTSTP => {
                    if tty::suspend().is_ok() {
                        let _ = tx.send(Msg::Resumed);
                    }
                }
                SIGCONT => {
                    if tty::resume() {
                        let _ = tx.send(Msg::Resumed);
                    }
                }
                ending => tty::restore_and_die_by(ending),
            }
        }
    })?;
    Ok(())
}
