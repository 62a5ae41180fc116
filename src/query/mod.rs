//! The query language shared by the filter box and the headless `-q`: parsing text into
//! terms, and evaluating them over the index in parallel.

pub mod eval;
pub mod parse;
pub mod word;

pub use eval::{Compiled, Selection, Snapshot, filter_all};
pub use parse::{Query, QueryError};
