//! Tar archives (`.tar`, `.tar.gz`, `.tgz`) read like zip attachments, and compressed
//! files audit-tui cannot open named as such, so none is ever read as text.
//!
//! A plain tar is mapped in place (guarded like any log); a gzipped one is inflated once
//! into an unnamed temporary file, bounded like any gzip input. Each member that is a log
//! by its name becomes an input that points into those bytes: nothing is decompressed or
//! copied twice, however many days the archive holds.

use super::mapped::SafeMap;
use super::sources::{self, Discovery, Format, Input, Kind, Origin, Problem, Skipped};
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

/// Bytes of one archive member, shared with the archive they sit in.
#[derive(Clone)]
pub struct Member {
    pub archive: Arc<SafeMap>,
    pub start: usize,
    pub len: usize,
}

impl std::fmt::Debug for Member {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Member({}..+{})", self.start, self.len)
    }
}

impl PartialEq for Member {
    fn eq(&self, other: &Member) -> bool {
        Arc::ptr_eq(&self.archive, &other.archive) && self.start == other.start && self.len == other.len
    }
}

impl Eq for Member {}

impl Member {
    pub fn bytes(&self) -> &[u8] {
        self.archive.get(self.start..self.start + self.len).unwrap_or(&[])
    }
}

/// Whether a name is a tar archive: `.tar`, `.tar.gz`, `.tgz`.
pub fn is_tar_name(base: &str) -> bool {
    base.ends_with(".tar") || base.ends_with(".tar.gz") || base.ends_with(".tgz")
}

/// The tool that wrote a compressed file audit-tui does not open, by its name.
pub fn unsupported_by_name(base: &str) -> Option<&'static str> {
    let ext = base.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "bz2" | "tbz" | "tbz2" => "bzip2",
        "xz" | "txz" => "xz",
        "zst" | "zstd" | "tzst" => "zstd",
        "lz4" => "lz4",
        "lzma" => "lzma",
        "7z" => "7-Zip",
        "rar" => "RAR",
        _ => return None,
    })
}

/// What compressed or archive format the first bytes of a file show, where audit-tui
/// would otherwise read it as text (gzip is read; zip and tar need their own names).
pub fn unsupported_by_magic(head: &[u8]) -> Option<&'static str> {
    const TAR_MAGIC_AT: usize = 257;
    if head.starts_with(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        return Some("bzip2");
    }
    if head.starts_with(b"\xfd7zXZ\x00") {
        return Some("xz");
    }
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Some("zstd");
    }
    if head.starts_with(b"7z\xbc\xaf\x27\x1c") {
        return Some("7-Zip");
    }
    if head.starts_with(b"Rar!\x1a\x07") {
        return Some("RAR");
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some("zip (name it .zip to read it)");
    }
    if head.get(TAR_MAGIC_AT..TAR_MAGIC_AT + 5) == Some(b"ustar") {
        return Some("tar (name it .tar to read it)");
    }
    None
}

/// Why a compressed file is not read, and how to read it.
pub fn unsupported_reason(tool: &str) -> String {
    format!("compressed with {tool}: audit-tui does not decompress it; decompress it first, then open the result")
}

/// Lists the log members of the tar archive at `path` as inputs.
pub fn add_tar(path: &Path, name: &str, d: &mut Discovery) {
    let bytes = match open_tar(path) {
        Ok((b, warning)) => {
            if let Some(message) = warning {
                d.problems.push(Problem { name: name.to_string(), message });
            }
            b
        }
        Err(message) => {
            d.problems.push(Problem { name: name.to_string(), message });
            return;
        }
    };
    let archive = Arc::new(bytes);
    let mut reader = tar::Archive::new(Cursor::new(&archive[..]));
    let entries = match reader.entries_with_seek() {
        Ok(e) => e,
        Err(e) => {
            d.problems.push(Problem { name: name.to_string(), message: format!("cannot read the tar archive: {e}") });
            return;
        }
    };
    let mut found = Vec::new();
    for (i, entry) in entries.enumerate() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let message = format!("corrupt tar archive after {i} members: {e} (the members before it are read)");
                d.problems.push(Problem { name: name.to_string(), message });
                break;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let entry_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let start = entry.raw_file_position() as usize;
        let len = entry.size() as usize;
        found.push((entry_name, start, len));
    }
    found.sort();
    for (entry, start, len) in found {
        let shown = format!("{name}:{entry}");
        let base = entry.rsplit('/').next().unwrap_or(&entry);
        if entry.starts_with("__MACOSX/") || base.starts_with("._") {
            continue;
        }
        let member = Member { archive: Arc::clone(&archive), start, len };
        if member.bytes().len() < len {
            d.problems.push(Problem { name: shown, message: "the member is cut off where the archive ends".into() });
            continue;
        }
        let format = match sources::kind_of(&entry) {
            Kind::Log(format) => format,
            Kind::Markdown if crate::ingest::dialects::markdown::is_execution_log(member.bytes()) => Format::Markdown,
            Kind::Markdown => {
                d.skipped.push(Skipped { name: shown, reason: "Markdown, not an execution log".into() });
                continue;
            }
            Kind::Zip | Kind::Tar => {
                d.skipped
                    .push(Skipped { name: shown, reason: "an archive inside an archive (extract it first)".into() });
                continue;
            }
            Kind::Compressed(tool) => {
                d.skipped.push(Skipped { name: shown, reason: unsupported_reason(tool) });
                continue;
            }
            Kind::Other => {
                d.skipped.push(Skipped { name: shown, reason: "not a log file".into() });
                continue;
            }
        };
        let origin = Origin::TarEntry { tar: path.to_path_buf(), entry, member };
        d.inputs.push(Input { name: shown, origin, format });
    }
}

/// The tar's bytes: the file mapped, or its gzip inflated into a temporary file (with a
/// warning when the stream was cut, corrupt or a bomb).
fn open_tar(path: &Path) -> Result<(SafeMap, Option<String>), String> {
    let mut file = File::open(path).map_err(|e| sources::io_message(&e))?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic).map_err(|e| sources::io_message(&e))?;
    if n == 2 && magic == sources::GZIP_MAGIC {
        let compressed = file.metadata().map(|m| m.len()).unwrap_or(0);
        let f = File::open(path).map_err(|e| sources::io_message(&e))?;
        let (tmp, warning) = sources::inflate_to_temp(io::BufReader::new(f), sources::inflate_bound(compressed))?;
        let map = SafeMap::private(&tmp).map_err(|e| format!("cannot map a temporary file: {e}"))?;
        return Ok((map, warning));
    }
    if file.metadata().map(|m| m.len()).unwrap_or(0) == 0 {
        return Err("an empty file".into());
    }
    SafeMap::map(&file).map(|m| (m, None)).map_err(|e| format!("cannot map the file: {e}"))
}
