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
    /// A `-q` query that does not parse: where (0-based char offset) and why. Exit 2.
    #[error("bad query at column {}: {message}", at + 1)]
    Query { at: usize, message: String },
    /// No path given, and no default log folder to read. Exit 1.
    #[error("no path given, and {0}")]
    NoInput(String),
    /// Reading or writing failed; kept whole so a closed pipe is told by its kind.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// `check` found something off: exit with 1, the report already said what.
    #[error("the bundle check found something off")]
    Findings,
}

impl Failure {
    /// Whether the run failed on how it was asked (exit status 2).
    pub fn is_usage(&self) -> bool {
        matches!(self, Failure::Usage(_) | Failure::Query { .. })
    }

    /// `audit-tui export | head` closing the pipe early: not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Failure::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}
