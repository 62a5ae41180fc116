use audit_tui::app::{self, Failure};
use audit_tui::cli::Cli;
use audit_tui::sanitize::{Mode, sanitize};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `audit-tui export | head` closing the pipe early is not a failure.
        Err(Failure::Runtime(m)) if m.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(e @ Failure::Usage(_)) => {
            report(&e);
            ExitCode::from(2)
        }
        Err(e) => {
            report(&e);
            ExitCode::from(1)
        }
    }
}

/// Messages quote file names and query text, which may hold control or bidi characters:
/// escaped here, once for every message.
fn report(e: &Failure) {
    eprintln!("audit-tui: {}", sanitize(&e.to_string(), Mode::Block));
}
