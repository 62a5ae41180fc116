//! audit-tui: a terminal explorer for the audit logs clients mail to support.
//!
//! Data flow, one way:
//!
//! ```text
//! paths ─ ingest::inputs (walk, gzip, zip, tar, stdin) ─ ingest::build (ranges, rayon)
//!       ─ ingest::parse (line → compact Event, per-range ids) ─ model::Index::absorb/assign
//!       ─ model::Index (events, sessions, error groups, blobs of original bytes)
//!       ─ query (text → Query → matching event ids) ─ report (summary, sessions, errors, export)
//!                                                   └ ui (ratatui explorer)
//! ```
//!
//! `sanitize` is the one place untrusted text becomes displayable. The modules' layers, the
//! module graph and where a change goes are in docs/architecture.md; `tests/layers.rs`
//! fails when an import points up a layer (`model` -> `ingest` is the one left).

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
