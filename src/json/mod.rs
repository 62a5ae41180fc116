//! JSON without a tree: a validating scanner for indexing and lookups, and a small
//! order-preserving tree for the detail pane.

pub mod quotes;
pub mod scan;
pub mod tree;
