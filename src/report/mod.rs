//! Headless outputs over the index: summary, sessions, error groups, export and the
//! support report. Every
//! piece of log text passes through `sanitize` before it is written for a person.

pub mod check;
pub mod errors;
pub mod export;
pub mod fmt;
pub mod history;
pub mod recent;
pub mod scope;
pub mod sessions;
pub mod story;
pub mod summary;
pub mod support;
