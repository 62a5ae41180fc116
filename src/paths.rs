//! Which paths a run reads when none are given, decided once for every command and for
//! the explorer (so `app`, `follow` and `ui` share it from below).

use crate::error::Failure;
use std::io;
#[cfg(not(unix))]
use std::io::IsTerminal;
use std::path::PathBuf;

/// The paths to read: as given; else stdin when it holds data (a pipe or a file); else
/// the DataTools folder.
pub fn resolve_paths(given: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    if stdin_holds_data() {
        return Ok(vec![PathBuf::from("-")]);
    }
    let dir = default_dir().ok_or_else(no_home)?;
    if !dir.exists() {
        return Err(Failure::NoInput(format!(
            "the default log folder {} does not exist (pass a folder, or set DATATOOLS_AUDIT_DIR)",
            dir.display()
        )));
    }
    Ok(vec![dir])
}

/// Whether stdin is a pipe, a socket or a regular file: what a user sends with `|` or `<`.
/// A terminal, `/dev/null` (cron, CI, `ssh host audit-tui summary`) or a closed stdin is
/// not read unless `-` says so (ripgrep decides the same way).
fn stdin_holds_data() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() else { return false };
        match std::fs::File::from(fd).metadata() {
            Ok(m) => {
                let t = m.file_type();
                t.is_file() || t.is_fifo() || t.is_socket()
            }
            Err(_) => false,
        }
    }
    #[cfg(not(unix))]
    {
        !io::stdin().is_terminal()
    }
}

/// `$DATATOOLS_AUDIT_DIR`, else `~/.datatools/logs` (where the DataTools app writes).
pub fn default_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("DATATOOLS_AUDIT_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".datatools").join("logs"))
}

/// The environment variable naming the index cache folder.
pub const CACHE_ENV: &str = "AUDIT_TUI_CACHE_DIR";

/// Where the index cache lives: `$AUDIT_TUI_CACHE_DIR`, else `audit-tui` in the platform
/// cache folder (`~/.cache` on Linux); `None` when there is neither.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(CACHE_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    dirs::cache_dir().map(|d| d.join("audit-tui"))
}

/// No path given and no home to find the default folder in: one message for every command.
pub fn no_home() -> Failure {
    Failure::NoInput("neither $DATATOOLS_AUDIT_DIR nor $HOME is set".into())
}
