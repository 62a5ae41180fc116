//! Signals while the explorer has the terminal (Unix only; elsewhere there are none to
//! handle). A dedicated thread receives them through signal-hook, so the work runs as
//! ordinary code, not inside a signal handler:
//!
//! - SIGTERM, SIGINT, SIGHUP, SIGQUIT: restore the terminal, then die by the same signal,
//!   so the shell sees it (status 128 + its number). A second one of these ends the
//!   process at once (status 128 + its number), should restoring ever hang.
//!
//! In raw mode Ctrl-C arrives as a key, not a signal: `update` handles it.

use super::tty;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;
use std::io;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

const ENDING: [i32; 4] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT];

/// Installs the handlers and starts the thread.
pub fn spawn() -> io::Result<()> {
    let second = Arc::new(AtomicBool::new(false));
    for signal in ENDING {
        // Registered first, so it sees the flag still unset on the first signal.
        signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&second))?;
        signal_hook::flag::register(signal, Arc::clone(&second))?;
    }
    let mut signals = Signals::new(ENDING)?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        for signal in signals.forever() {
            tty::restore_and_die_by(signal);
        }
    })?;
    Ok(())
}
