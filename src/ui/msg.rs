//! Everything the event loop receives: input, time, and results of background work.

use crate::model::Index;
use crate::ui::clipboard::{Clip, Outcome};
use crossterm::event::{KeyEvent, MouseEvent};
use std::path::PathBuf;

pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// Time passed: progress, notes, relative times.
    Tick,
    /// The full index replaces the preview.
    Indexed(Box<Index>),
    /// The bundle check of the full index, computed once after it on the index thread.
    Checked(Box<crate::report::check::Check>),
    /// A piece of filter results, in timeline order.
    Filtered(FilterChunk),
    /// The process was continued after a stop and has the terminal again: repaint.
    Resumed,
    /// Follow mode read new lines (or has news about the files it follows).
    Tailed(crate::ingest::inputs::watch::Batch),
    /// What became of a copy (`Request::Copy`).
    Copied {
        clip: Clip,
        outcome: Outcome,
    },
    /// Where a copy was saved (`Request::Save`), or why it was not.
    Saved {
        clip: Clip,
        result: Result<PathBuf, String>,
    },
}

pub struct FilterChunk {
    pub generation: u64,
    /// Appended to the scope rows (when a session is scoped).
    pub scope_rows: Vec<u32>,
    /// Appended to the matches (when there is a query).
    pub matches: Vec<u32>,
    pub done: bool,
}
