//! Marks: events the engineer flagged (with an optional note) while reading a bundle.
//!
//! They are kept in the user's state directory, one JSON file per bundle (keyed by the
//! bundle's absolute paths), never beside the logs: the client's folder is evidence. A
//! mark names its line by file, position in the file and a hash of the line, so it finds
//! the same line when the bundle is opened again, and is dropped, with a note, when the
//! line there changed.

use crate::model::Index;
use crate::model::store::readable;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

/// A mark as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The source's name as the index shows it (`datatools/datatools-2026-05-17.jsonl`).
    pub file: String,
    /// Byte position of the line in the source's content (decompressed for `.gz`).
    pub position: u64,
    /// 1-based line number, for people reading the file.
    pub line: u64,
    /// FNV-1a of the line's bytes: the line must still be the same one.
    pub hash: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// What was opened, for a person looking in the state directory.
    bundle: Vec<String>,
    marks: Vec<Mark>,
}

/// Where marks live: `$AUDIT_TUI_STATE_DIR`, else the platform's state directory
/// (`~/.local/state` on Linux), else its local data directory (macOS, Windows).
pub fn state_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("AUDIT_TUI_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    dirs::state_dir().or_else(dirs::data_local_dir).map(|d| d.join("audit-tui"))
}

/// 64-bit FNV-1a: a stable hash (std's hasher may change between Rust releases, and a
/// mark file outlives the binary that wrote it).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The bundle's paths made absolute and sorted: the same folder opened from elsewhere is
/// the same bundle.
pub fn bundle_paths(paths: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = paths
        .iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()).to_string_lossy().into_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The marks file of a bundle: `marks/<last folder name>-<hash of the paths>.json`.
pub fn file_for(dir: &Path, bundle: &[String]) -> PathBuf {
    let joined = bundle.join("\n");
    let stem: String = bundle
        .first()
        .and_then(|p| Path::new(p).file_name())
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .take(40)
                .collect()
        })
        .unwrap_or_default();
    dir.join("marks").join(format!("{stem}-{:016x}.json", fnv1a(joined.as_bytes())))
}

/// The marks kept for the bundle of `paths` (none for stdin, or without a state
/// directory), for the headless report.
pub fn load_for(paths: &[PathBuf]) -> Result<Vec<Mark>, String> {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return Ok(Vec::new());
    }
    let Some(dir) = state_dir() else { return Ok(Vec::new()) };
    load(&file_for(&dir, &bundle_paths(paths)))
}

/// The marks saved for a bundle; none when there is no file. A file that cannot be read
/// is an error naming it (the caller shows it and goes on without marks).
pub fn load(file: &Path) -> Result<Vec<Mark>, String> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", file.display())),
    };
    serde_json::from_str::<Stored>(&text).map(|s| s.marks).map_err(|e| format!("{}: {e}", file.display()))
}

/// Writes the marks of a bundle (to a temporary file, then renamed over the old one, so a
/// crash never leaves half a file). No marks: the file is removed.
pub fn save(file: &Path, bundle: &[String], marks: &[Mark]) -> io::Result<()> {
    if marks.is_empty() {
        return match std::fs::remove_file(file) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let dir = file.parent().ok_or_else(|| io::Error::other("the marks file has no folder"))?;
    std::fs::create_dir_all(dir)?;
    let stored = Stored { bundle: bundle.to_vec(), marks: marks.to_vec() };
    let text = serde_json::to_string_pretty(&stored).map_err(io::Error::other)?;
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::fs::write(tmp.path(), text)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// The mark for event `id` of `index` (its file, position, line and hash).
pub fn mark_of(index: &Index, id: u32, note: String) -> Option<Mark> {
    let e = index.event(id as usize)?;
    let blob = index.blob_of(e)?;
    let file = index.sources.get(blob.source as usize)?.name.clone();
    Some(Mark {
        file,
        position: blob.file_offset + (e.offset() - blob.base),
        line: blob.line_number(e.offset()),
        hash: format!("{:016x}", fnv1a(readable(blob.raw_line(e.offset())))),
        note,
    })
}

/// Finds each mark's event in `index`: `(event id, mark)` in timeline order, and how many
/// marks no longer match their line (the file changed, or is not in this bundle).
pub fn resolve(index: &Index, marks: &[Mark]) -> (Vec<(u32, Mark)>, usize) {
    if marks.is_empty() {
        return (Vec::new(), 0);
    }
    // The virtual offset each mark's line would have in this index.
    let mut wanted: FxHashMap<u64, usize> = FxHashMap::default();
    for (k, m) in marks.iter().enumerate() {
        let Some(source) = index.sources.iter().position(|s| s.name == m.file) else { continue };
        let blob = (0..index.blobs.count()).filter_map(|i| index.blobs.get(i)).find(|b| {
            b.source as usize == source && m.position >= b.file_offset && m.position < b.file_offset + b.len() as u64
        });
        if let Some(b) = blob {
            wanted.insert(b.base + (m.position - b.file_offset), k);
        }
    }
    let mut found = Vec::new();
    index.store.for_each(0..index.len(), |id, e| {
        if let Some(&k) = wanted.get(&e.offset()) {
            let same = index
                .blob_of(e)
                .is_some_and(|b| format!("{:016x}", fnv1a(readable(b.raw_line(e.offset())))) == marks[k].hash);
            if same {
                found.push((id as u32, marks[k].clone()));
            }
        }
    });
    let lost = marks.len() - found.len();
    (found, lost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a_and_stable() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn a_bundle_file_is_named_by_its_folder_and_paths() {
        let dir = Path::new("/state");
        let a = file_for(dir, &["/tmp/ticket 42/logs".into()]);
        let b = file_for(dir, &["/tmp/ticket 43/logs".into()]);
        assert_ne!(a, b);
        assert!(a.starts_with("/state/marks"));
        assert!(a.file_name().is_some_and(|n| n.to_string_lossy().starts_with("logs-")), "{a:?}");
    }

    #[test]
    fn saving_none_removes_the_file_and_loading_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("marks").join("x.json");
        let m = Mark { file: "a.jsonl".into(), position: 0, line: 1, hash: "0".into(), note: "why".into() };
        save(&file, &["/a".into()], std::slice::from_ref(&m)).expect("save");
        assert_eq!(load(&file), Ok(vec![m]));
        save(&file, &["/a".into()], &[]).expect("save none");
        assert!(!file.exists());
        assert_eq!(load(&file), Ok(vec![]));
    }

    #[test]
    fn a_broken_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("bad.json");
        std::fs::write(&file, "{not json").expect("write");
        let err = load(&file).expect_err("broken");
        assert!(err.contains("bad.json"), "{err}");
    }
}
