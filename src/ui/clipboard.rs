//! Copies that work or say why not. A copy goes to the system clipboard through the
//! platform's command (`wl-copy`, `xclip`, `xsel`, `pbcopy`, `clip.exe`), or into tmux's
//! paste buffer, run off the event loop with a time limit and its exit status checked; when
//! none confirms it, the loop sends OSC 52 (through tmux's or screen's passthrough), which
//! no terminal acknowledges, and the status line says so and offers `s`: save the copy to a
//! file in the current folder, never into a folder being read.
//!
//! What is copied is cleaned first: control characters (a bracketed-paste end marker
//! `ESC[201~` among them) are escaped visibly, so pasting the copy cannot run anything.
//! The clipboard gets at most [`MAX_COPY_BYTES`]; a saved file gets it all.
//!
//! `update` never runs any of this: it queues requests, the loop in `term` calls
//! [`deliver`] on a thread of its own, writes [`osc52`] and calls [`save`], and reports
//! back with a message. The clipboard is behind [`Backend`], so tests use a fake one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The most a clipboard is given; a report or a line beyond it is cut (`s` saves it all).
pub const MAX_COPY_BYTES: usize = 1 << 20;

/// How long a clipboard command may take before it is given up (and killed).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(3);

/// Something copied: what it is (for messages and file names) and its cleaned text.
#[derive(Clone, Debug, PartialEq)]
pub struct Clip {
    /// `the event's line (312 bytes)`, `a support report (3 KiB of Markdown)`.
    pub what: String,
    /// For a saved file's name: `event`, `report`.
    pub stem: &'static str,
    pub extension: &'static str,
    /// The text, control characters escaped; never cut.
    pub text: String,
    /// Control and invisible characters shown escaped in `text`.
    pub escaped: usize,
    /// What redaction masked (`2 user names, 1 host name`), when it was on.
    pub redacted: Option<String>,
}

impl Clip {
    /// A clip of `text`, cleaned: every control, C1, bidi and invisible character becomes a
    /// visible escape (`\x1b[201~`), but for line breaks (kept) and tabs (spaces).
    pub fn new(what: String, stem: &'static str, extension: &'static str, text: &str) -> Clip {
        let mut clean = String::with_capacity(text.len());
        let mut escaped = 0;
        for piece in crate::sanitize::iter_pieces(text, crate::sanitize::Mode::Block) {
            escaped += usize::from(piece.is_escape());
            clean.push_str(piece.as_str());
        }
        Clip { what, stem, extension, text: clean, escaped, redacted: None }
    }

    /// The text a clipboard gets: at most [`MAX_COPY_BYTES`], cut at a character.
    pub fn capped(&self) -> &str {
        if self.text.len() <= MAX_COPY_BYTES {
            return &self.text;
        }
        let mut end = MAX_COPY_BYTES;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        &self.text[..end]
    }

    pub fn is_cut(&self) -> bool {
        self.text.len() > MAX_COPY_BYTES
    }
}

/// Where a clipboard command put the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    /// `xclip`, `tmux load-buffer`.
    pub method: String,
    /// The system clipboard (a paste anywhere), not only tmux's paste buffer.
    pub is_system: bool,
}

/// Puts text on a clipboard and says whether that was confirmed.
pub trait Backend {
    /// `Ok` only when a clipboard took the text (a command exited with success); `Err`
    /// says, in a few words, why none did.
    fn copy(&self, text: &str) -> Result<Destination, String>;
}

/// What happened to a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Copied(Destination),
    /// No clipboard confirmed it, and why.
    NotConfirmed(String),
}

/// Tries the backend with what a clipboard may get of `clip`.
pub fn deliver(backend: &dyn Backend, clip: &Clip) -> Outcome {
    match backend.copy(clip.capped()) {
        Ok(d) => Outcome::Copied(d),
        Err(why) => Outcome::NotConfirmed(why),
    }
}

/// The terminal the explorer runs in, as far as copying goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TermEnv {
    /// Inside tmux: OSC 52 also goes through its passthrough.
    pub tmux: bool,
    /// Inside GNU screen (not tmux).
    pub screen: bool,
    /// The terminal may take OSC 52 (not the Linux console or a dumb terminal).
    pub osc52: bool,
}

impl TermEnv {
    pub fn detect() -> TermEnv {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let term = var("TERM").unwrap_or_default();
        let tmux = var("TMUX").is_some();
        TermEnv {
            tmux,
            screen: !tmux && var("STY").is_some() && term.starts_with("screen"),
            osc52: !matches!(term.as_str(), "linux" | "dumb"),
        }
    }

    /// How OSC 52 is sent here, for messages.
    pub fn osc52_route(&self) -> &'static str {
        if self.tmux {
            "OSC 52 (also through tmux's passthrough)"
        } else if self.screen {
            "OSC 52 (through screen)"
        } else {
            "OSC 52"
        }
    }
}

/// The OSC 52 sequence that asks the terminal to put `text` on its clipboard. Inside tmux
/// it is sent plain (tmux takes it when `set-clipboard` is on) and again wrapped in the
/// passthrough (the outer terminal gets it when `allow-passthrough` is on); inside screen,
/// wrapped in a DCS.
pub fn osc52(text: &str, env: &TermEnv) -> String {
    let seq = format!("\x1b]52;c;{}\x07", base64(text.as_bytes()));
    if env.tmux {
        format!("{seq}\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
    } else if env.screen {
        format!("\x1bP{seq}\x1b\\")
    } else {
        seq
    }
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A clipboard command: the program, its arguments, what to call it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClipboardCommand {
    pub program: &'static str,
    pub args: &'static [&'static str],
    /// `clip.exe` reads UTF-16 (with a byte-order mark) correctly, UTF-8 not.
    pub utf16: bool,
    pub is_system: bool,
}

impl ClipboardCommand {
    fn label(&self) -> String {
        if self.program == "tmux" {
            "tmux load-buffer".into()
        } else {
            self.program.trim_end_matches(".exe").to_string()
        }
    }
}

/// The platform's clipboard commands, in the order tried.
#[derive(Clone, Debug, Default)]
pub struct SystemClipboard {
    pub commands: Vec<ClipboardCommand>,
}

impl SystemClipboard {
    /// The commands that can reach a clipboard from this session: macOS's `pbcopy`,
    /// Windows' `clip.exe`, `wl-copy` under Wayland, `xclip`/`xsel` under X11, `clip.exe`
    /// from WSL, and tmux's paste buffer inside tmux.
    pub fn detect() -> SystemClipboard {
        let var = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        let mut commands = Vec::new();
        let cmd = |program, args, utf16, is_system| ClipboardCommand { program, args, utf16, is_system };
        if cfg!(target_os = "macos") {
            commands.push(cmd("pbcopy", &[], false, true));
        } else if cfg!(windows) {
            commands.push(cmd("clip.exe", &[], true, true));
        } else {
            if var("WAYLAND_DISPLAY") {
                commands.push(cmd("wl-copy", &[], false, true));
            }
            if var("DISPLAY") {
                commands.push(cmd("xclip", &["-selection", "clipboard"], false, true));
                commands.push(cmd("xsel", &["--clipboard", "--input"], false, true));
            }
            if var("WSL_DISTRO_NAME") || var("WSL_INTEROP") {
                commands.push(cmd("clip.exe", &[], true, true));
            }
        }
        if var("TMUX") {
            commands.push(cmd("tmux", &["load-buffer", "-w", "-"], false, false));
        }
        SystemClipboard { commands }
    }
}

impl Backend for SystemClipboard {
    fn copy(&self, text: &str) -> Result<Destination, String> {
        if self.commands.is_empty() {
            return Err("no clipboard here: no DISPLAY, WAYLAND_DISPLAY or tmux".into());
        }
        let mut failures = Vec::new();
        for c in &self.commands {
            let input = if c.utf16 {
                let mut bytes = vec![0xff, 0xfe];
                bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                bytes
            } else {
                text.as_bytes().to_vec()
            };
            match run_with_input(c.program, c.args, input, COMMAND_TIMEOUT) {
                Ok(()) => return Ok(Destination { method: c.label(), is_system: c.is_system }),
                Err(why) => failures.push(format!("{} {why}", c.label())),
            }
        }
        Err(failures.join(", "))
    }
}

/// Runs `program args` with `input` on its stdin; `Ok` when it exits with success within
/// `timeout`. Its output goes nowhere: `xclip` and `wl-copy` leave a child behind that
/// serves the clipboard and would hold a pipe open for as long.
fn run_with_input(program: &str, args: &[&str], input: Vec<u8>, timeout: Duration) -> Result<(), String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "is not installed".to_string(),
            _ => format!("could not start ({e})"),
        })?;
    // Written from a thread: a command that does not read must not hold us past the limit.
    if let Some(mut stdin) = child.stdin.take() {
        let _ = std::thread::Builder::new().name("copy-input".into()).spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(match status.code() {
                    Some(code) => format!("failed (exit status {code})"),
                    None => "was killed".to_string(),
                });
            }
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("did not finish within {timeout:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("could not be waited for ({e})")),
        }
    }
}

/// Saves a clip in `dir` under a name no file has yet (`audit-tui-event-20260517-091800.txt`,
/// then `-2`, `-3`...), never replacing a file. A `dir` inside a folder being read (the
/// client's files are evidence) is refused, and so is one that cannot be written: the
/// caller tries the next place.
pub fn save_in(clip: &Clip, dir: &Path, inputs: &[PathBuf], stamp: &str) -> Result<PathBuf, String> {
    for n in 1..=100 {
        let suffix = if n == 1 { String::new() } else { format!("-{n}") };
        let path = dir.join(format!("audit-tui-{}-{stamp}{suffix}.{}", clip.stem, clip.extension));
        if path.symlink_metadata().is_ok() {
            continue;
        }
        crate::evidence::check_output(&path, inputs, false)?;
        match crate::evidence::create_output(&path, false) {
            Ok(mut file) => {
                return file
                    .write_all(clip.text.as_bytes())
                    .and_then(|()| file.flush())
                    .map(|()| path.clone())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()));
            }
            // Made by someone else meanwhile: the next name.
            Err(_) if path.symlink_metadata().is_ok() => continue,
            Err(e) => return Err(e),
        }
    }
    Err(format!("no free file name in {}", dir.display()))
}

/// Saves a clip in the current folder, or, when that is refused (it lies inside the logs
/// being read, or cannot be written), in the home folder, then the temporary folder.
pub fn save(clip: &Clip, inputs: &[PathBuf], stamp: &str) -> Result<PathBuf, String> {
    // `.`, so that the message names the file as `./audit-tui-event-….txt`.
    let mut places: Vec<PathBuf> = vec![PathBuf::from(".")];
    places.extend(std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).map(PathBuf::from));
    places.push(std::env::temp_dir());
    let mut why = Vec::new();
    for dir in places {
        match save_in(clip, &dir, inputs, stamp) {
            Ok(path) => return Ok(path),
            Err(e) => why.push(e),
        }
    }
    Err(why.first().cloned().unwrap_or_else(|| "no folder to save in".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"echo pwned"), "ZWNobyBwd25lZA==");
    }

    #[test]
    fn osc52_is_wrapped_for_tmux_and_screen() {
        let plain = TermEnv { osc52: true, ..TermEnv::default() };
        assert_eq!(osc52("hi", &plain), "\x1b]52;c;aGk=\x07");
        let tmux = TermEnv { tmux: true, ..plain };
        assert_eq!(osc52("hi", &tmux), "\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\");
        let screen = TermEnv { screen: true, ..plain };
        assert_eq!(osc52("hi", &screen), "\x1bP\x1b]52;c;aGk=\x07\x1b\\");
    }

    #[test]
    fn commands_report_missing_failing_and_succeeding() {
        assert_eq!(
            run_with_input("audit-tui-no-such-clipboard", &[], b"x".to_vec(), COMMAND_TIMEOUT),
            Err("is not installed".into())
        );
        if cfg!(unix) {
            assert_eq!(run_with_input("sh", &["-c", "cat >/dev/null"], vec![b'x'; 1 << 20], COMMAND_TIMEOUT), Ok(()));
            assert_eq!(
                run_with_input("sh", &["-c", "exit 3"], b"x".to_vec(), COMMAND_TIMEOUT),
                Err("failed (exit status 3)".into())
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_command_that_hangs_is_given_up() {
        let out = run_with_input("sleep", &["30"], b"x".to_vec(), Duration::from_millis(50));
        assert_eq!(out, Err("did not finish within 50ms".into()));
    }
}
