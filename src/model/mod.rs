//! The data model: compact event records, sessions, error groups and the index that
//! holds them. Knows nothing of terminals or command lines.

pub mod error_group;
pub mod event;
pub mod index;
pub mod intern;
pub mod session;
pub mod store;
pub mod tally;

pub use event::{Event, Level, flag};
pub use index::Index;
