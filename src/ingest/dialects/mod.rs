//! What a line says, per log family: JSON objects (`facts`, with key roles in `fields`
//! and Serilog's message templates in `template`), text lines (`text`), logfmt, CSV rows
//! (`csv`), rtgs' Markdown execution logs (`markdown`), and the config's own shapes
//! (`custom`). Each reads a line into `facts::Facts`; docs/architecture.md says where a
//! new family goes.

pub mod csv;
pub mod custom;
pub mod facts;
pub mod fields;
pub mod logfmt;
pub mod markdown;
pub mod template;
pub mod text;
