//! Reading inputs into events. No UI here.
//!
//! - `inputs`: finding and opening what to read (files, folders, archives, stdin) and
//!   following files as they grow;
//! - `dialects`: what a line says (time, level, session, message...) in each log family;
//! - here: cutting inputs into ranges (`build`), parsing a range into compact events
//!   (`parse`, with the errors-only `screen` and JSON `document`s), reading times
//!   (`time`, `time_other`), and the index `cache`.

pub mod build;
pub mod cache;
pub mod dialects;
pub mod document;
pub mod inputs;
pub mod parse;
pub mod screen;
pub mod time;
pub mod time_other;
