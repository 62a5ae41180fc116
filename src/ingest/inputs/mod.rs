//! What to read and how to get its bytes: walking folders and telling logs from other
//! files (`sources`), gzip and zip (`sources`), tar (`archive`), files mapped safely
//! against truncation (`mapped`), and following files as they grow (`tail`, `watch`).

pub mod archive;
pub mod mapped;
pub mod sources;
pub mod tail;
pub mod watch;
