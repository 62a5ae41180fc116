use audit_tui::app::{self, Failure};
use audit_tui::cli::Cli;
use audit_tui::sanitize::{Mode, sanitize};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `audit-tui export | head` closing the pipe early is not a failure.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(Failure::Findings) => ExitCode::from(1),
        Err(e) if e.is_usage() => {
            report(&e);
            ExitCode::from(2)
        }
        Err(e) => {
            report(&e);
            ExitCode::from(1)
        }
    }
}

/// A panic's message can quote what it was working on (a slice of a log line, a file
/// name): it is printed escaped, like every other message, never raw. With RUST_BACKTRACE
/// set, a backtrace comes first, as with Rust's own hook.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into());
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let thread = std::thread::current().name().unwrap_or("unnamed").to_string();
        // The backtrace first, so that the message is what stays on screen.
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
        eprintln!(
            "audit-tui: internal error: thread '{}' panicked{place}: {} (a bug: please report it)",
            sanitize(&thread, Mode::Line),
            sanitize(&message, Mode::Line)
        );
    }));
}

/// Messages quote file names and query text, which may hold control or bidi characters:
/// escaped here, once for every message.
fn report(e: &Failure) {
    eprintln!("audit-tui: {}", sanitize(&e.to_string(), Mode::Block));
}
