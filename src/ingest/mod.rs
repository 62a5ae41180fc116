//! Reading inputs into events: finding files, decompressing, splitting lines, telling
//! dialects apart, parsing in parallel, and (for follow mode) tailing. No UI here.

pub mod archive;
pub mod build;
pub mod cache;
pub mod csv;
pub mod custom;
pub mod document;
pub mod facts;
pub mod fields;
pub mod logfmt;
pub mod mapped;
pub mod markdown;
pub mod parse;
pub mod screen;
pub mod sources;
pub mod tail;
pub mod template;
pub mod text;
pub mod time;
pub mod time_other;
pub mod watch;
