//! Where audit-tui may write: never onto a log it reads, never into a folder it reads
//! (the client's files are evidence), and never over an existing file unless asked.

use std::fs::File;
use std::path::{Path, PathBuf};

/// Checks that `path` may receive output of a run reading `inputs`, before anything is
/// read, so a mistake fails at once. `-` (stdin) among the inputs is ignored.
pub fn check_output(path: &Path, inputs: &[PathBuf], force: bool) -> Result<(), String> {
    let shown = crate::ingest::inputs::sources::display_path(path);
    let target = resolved(path).map_err(|e| format!("cannot write {shown}: {e}"))?;
    for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
        let Ok(read) = input.canonicalize() else { continue };
        if read == target || same_file(input, path) {
            return Err(format!(
                "refusing to write {shown}: it is a log being read (the client's files are evidence); \
                 write the output elsewhere"
            ));
        }
        if read.is_dir() && target.starts_with(&read) {
            return Err(format!(
                "refusing to write {shown}: it lies inside {}, the folder being read (the client's files are \
                 evidence); write the output elsewhere",
                crate::ingest::inputs::sources::display_path(input)
            ));
        }
    }
    if !force && is_existing_file(path) {
        return Err(format!("{shown} already exists; pass --force to overwrite it"));
    }
    Ok(())
}

/// Checks that `dir`, a folder audit-tui keeps files of its own in (the index cache), lies
/// inside no folder being read, nor inside the folder of a file being read: unlike an
/// output the user names, these files are written unasked, so the client's folder is
/// kept clear even when one file of it is read. The folder need not exist.
pub fn check_folder(dir: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    let shown = crate::ingest::inputs::sources::display_path(dir);
    let target = resolved_folder(dir).map_err(|e| format!("cannot use {shown}: {e}"))?;
    for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
        let Ok(read) = input.canonicalize() else { continue };
        let folder = if read.is_dir() { read.as_path() } else { read.parent().unwrap_or(&read) };
        if target.starts_with(folder) {
            return Err(format!(
                "refusing to keep files in {shown}: it lies inside {}, which is being read (the client's files \
                 are evidence)",
                crate::ingest::inputs::sources::display_path(input)
            ));
        }
    }
    Ok(())
}

/// The index cache for a run reading `paths`: none when its folder lies inside one of them
/// (entries would be written among the client's files), with why.
pub fn cache_for(
    cache: Option<&crate::ingest::cache::Cache>,
    paths: &[PathBuf],
) -> Result<Option<crate::ingest::cache::Cache>, String> {
    let Some(cache) = cache else { return Ok(None) };
    check_folder(&cache.dir, paths)
        .map(|()| Some(cache.clone()))
        .map_err(|why| format!("index cache not used: {why}; set {} elsewhere", crate::paths::CACHE_ENV))
}

/// The absolute path of a folder that may not exist yet: its nearest existing ancestor
/// resolved (links and `..`), then the rest of its name.
fn resolved_folder(dir: &Path) -> std::io::Result<PathBuf> {
    let absolute = if dir.is_absolute() { dir.to_path_buf() } else { std::env::current_dir()?.join(dir) };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(p) = existing.canonicalize() {
            return Ok(rest.iter().rev().fold(p, |p: PathBuf, part| p.join(part)));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            // `..` past a folder that does not exist: nothing to resolve it against.
            _ => return Err(std::io::Error::other("no such folder")),
        }
    }
}

/// A regular file (or a link to one) is there: what `--force` is asked for. `/dev/null`, a
/// FIFO or a terminal is written to, never replaced.
fn is_existing_file(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(m) => m.is_file(),
        // A dangling link: creating through it would make a file somewhere else.
        Err(_) => path.symlink_metadata().is_ok(),
    }
}

/// Creates the output file checked by [`check_output`]; without `force` it must still not
/// exist (another process may have made it meanwhile).
pub fn create_output(path: &Path, force: bool) -> Result<File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if path.exists() && !is_existing_file(path) {
        // A device or a FIFO: written to as it is.
    } else if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    options.open(path).map_err(|e| {
        let shown = crate::ingest::inputs::sources::display_path(path);
        match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!("{shown} already exists; pass --force to overwrite it"),
            _ => format!("cannot write {shown}: {}", crate::ingest::inputs::sources::io_message(&e)),
        }
    })
}

/// The absolute path `path` names, with every link and `..` resolved; for a file that does
/// not exist yet, its resolved folder and its name.
fn resolved(path: &Path) -> std::io::Result<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Ok(p);
    }
    let name = path.file_name().ok_or_else(|| std::io::Error::other("not a file name"))?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.canonicalize()?,
        _ => std::env::current_dir()?,
    };
    Ok(parent.join(name))
}

/// Two names of one file (a hard link), where the platform can tell.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.is_file() && x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hard_link_to_a_log_is_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("a.jsonl");
        std::fs::write(&log, "{}\n").unwrap();
        let other = tempfile::tempdir().unwrap();
        let link = other.path().join("b.md");
        std::fs::hard_link(&log, &link).unwrap();
        let err = check_output(&link, std::slice::from_ref(&log), true).unwrap_err();
        assert!(err.contains("log being read"), "{err}");
        assert!(check_output(&other.path().join("c.md"), &[log, "-".into()], false).is_ok());
    }

    #[test]
    fn a_folder_inside_a_folder_being_read_is_refused_even_before_it_exists() {
        let logs = tempfile::tempdir().unwrap();
        let inside = logs.path().join("not-yet").join("cache");
        let err = check_folder(&inside, &[logs.path().to_path_buf()]).unwrap_err();
        assert!(err.contains("being read"), "{err}");
        assert!(check_folder(logs.path(), &[logs.path().to_path_buf()]).is_err(), "the folder itself");
        let other = tempfile::tempdir().unwrap();
        assert!(check_folder(&other.path().join("cache"), &[logs.path().to_path_buf(), "-".into()]).is_ok());
        // Reading one file keeps its folder clear too.
        let log = logs.path().join("a.jsonl");
        std::fs::write(&log, "{}\n").unwrap();
        assert!(check_folder(&logs.path().join("cache"), std::slice::from_ref(&log)).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn dev_null_is_written_to_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let null = Path::new("/dev/null");
        assert!(check_output(null, &[dir.path().to_path_buf()], false).is_ok());
        assert!(create_output(null, false).is_ok());
    }
}
