//! How a run fails, for every command: what `main` turns into a message and an exit
//! status (2 for usage, 1 for the rest), shared from below by `app`, `follow` and `ui`.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// A bad flag, query, zone or path: exit status 2.
    #[error("{0}")]
    Usage(String),
    /// Nothing could be read, or a command could not finish: exit status 1.
    #[error("{0}")]
    Runtime(String),
    /// Reading or writing failed; kept whole so a closed pipe is told by its kind.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// `check` found something off: exit with 1, the report already said what.
    #[error("the bundle check found something off")]
    Findings,
}

impl Failure {
    /// `audit-tui export | head` closing the pipe early: not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Failure::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}
