use audit_tui::app::{self, Failure};
use audit_tui::cli::Cli;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `audit-tui export | head` closing the pipe early is not a failure.
        Err(Failure::Runtime(m)) if m.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(e @ Failure::Usage(_)) => {
            eprintln!("audit-tui: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("audit-tui: {e}");
            ExitCode::from(1)
        }
    }
}
