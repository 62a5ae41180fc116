//! Sessions: one run of the app by one user. Taken from a `session` field when the log has
//! one; otherwise derived by grouping events of the same user (else host+pid, else file)
//! and cutting where the user was idle longer than the gap.

use crate::model::Level;

/// How events were grouped into a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    /// The line's own `session` / `session_id`.
    Explicit,
    User,
    HostPid,
    /// Nothing else to go by: the file (the key text is the source id).
    File,
}

/// What a line says about which session it belongs to, before gaps are applied.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionKey {
    pub kind: KeyKind,
    pub text: Box<str>,
}

/// Default idle gap that ends a derived session.
pub const DEFAULT_GAP_MINUTES: i64 = 30;

#[derive(Clone, Debug, Default)]
pub struct Session {
    /// The session id as written, or a derived label such as `alice@2026-05-17 09:18`.
    pub id: String,
    pub derived: bool,
    pub user: String,
    pub host: String,
    pub platform: String,
    pub start: i64,
    pub end: i64,
    pub events: u64,
    pub errors: u64,
    pub warnings: u64,
    pub unparsed: u64,
    /// Source ids this session's events come from, sorted.
    pub sources: Vec<u32>,
    /// Highest level seen.
    pub worst: Level,
}

impl Session {
    pub fn duration_ms(&self) -> i64 {
        (self.end - self.start).max(0)
    }

    pub fn add_source(&mut self, source: u32) {
        if let Err(at) = self.sources.binary_search(&source) {
            self.sources.insert(at, source);
        }
    }

    pub fn has_failed(&self) -> bool {
        self.errors > 0
    }
}
