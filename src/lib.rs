//! audit-tui: a terminal explorer for the audit logs clients mail to support.
//!
//! Data flow, one way:
//!
//! ```text
//! paths ─ ingest::sources (walk, gzip, zip, stdin) ─ ingest::build (ranges, rayon)
//!       ─ ingest::parse (line → compact Event, per-range ids) ─ model::Index::absorb/assign
//!       ─ model::Index (events, sessions, error groups, blobs of original bytes)
//!       ─ query (text → Query → matching event ids) ─ report (summary, sessions, errors, export)
//!                                                   └ ui (ratatui explorer)
//! ```
//!
//! `sanitize` is the one place untrusted text becomes displayable.

pub mod app;
pub mod cli;
pub mod config;
pub mod error;
pub mod evidence;
pub mod follow;
pub mod ingest;
pub mod json;
pub mod marks;
pub mod model;
pub mod paths;
pub mod profile;
pub mod query;
pub mod redact;
pub mod report;
pub mod sanitize;
pub mod ui;
