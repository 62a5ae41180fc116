//! A private tmux server for driving the real binary in a real terminal: keys go in with
//! `send-keys`, the screen comes back with `capture-pane`, the pane's tty and flags say
//! what state the program left the terminal in. Waiting is polling with a deadline.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(10);
pub const POLL: Duration = Duration::from_millis(50);

/// A tmux server of our own (its own socket), killed on drop so a failing test leaves
/// nothing running.
pub struct Tmux {
    socket: String,
    /// The socket file, removed after the server is killed.
    socket_path: Option<PathBuf>,
}

/// Whether tmux can be run at all.
pub fn is_available() -> bool {
    matches!(Command::new("tmux").arg("-V").output(), Ok(out) if out.status.success())
}

impl Tmux {
    /// Starts `program args` in a detached 160×45 session whose pane stays after exit;
    /// without tmux says so and gives `None`: the caller returns, and the test passes as
    /// skipped (`cargo test` works with only a Rust toolchain; CI installs tmux).
    pub fn start_or_skip(test: &str, program: &str, args: &[&str]) -> Option<Tmux> {
        if !is_available() {
            // CI sets this, so a machine without tmux cannot pass there by skipping.
            if std::env::var_os("AUDIT_TUI_REQUIRE_TMUX").is_some() {
                panic!("{test}: tmux is not on PATH and AUDIT_TUI_REQUIRE_TMUX is set");
            }
            println!("SKIPPED {test}: tmux is not on PATH (CI installs it in .ci/run)");
            eprintln!("SKIPPED {test}: tmux is not on PATH (CI installs it in .ci/run)");
            return None;
        }
        Some(Tmux::launch(program, args))
    }

    fn launch(program: &str, args: &[&str]) -> Tmux {
        // The socket name is unique per test: the tests of one binary run in parallel.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut tmux = Tmux { socket: format!("audit-tui-e2e-{}-{n}", std::process::id()), socket_path: None };
        // One command list, so remain-on-exit is set before the program can exit.
        let mut cmd = vec!["new-session", "-d", "-s", "e2e", "-x", "160", "-y", "45", program];
        cmd.extend_from_slice(args);
        cmd.extend_from_slice(&[";", "set-option", "-t", "e2e", "remain-on-exit", "on"]);
        tmux.ok(&cmd);
        tmux.socket_path = Some(tmux.ok(&["display-message", "-p", "#{socket_path}"]).trim().into());
        tmux
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux").args(["-u", "-L", &self.socket, "-f", "/dev/null"]).args(args).output().expect("run tmux")
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.ok(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Pane state in tmux's words: `#{pane_dead}`, `#{alternate_on}`...
    pub fn pane(&self, format: &str) -> String {
        self.ok(&["display-message", "-p", "-t", "e2e", format]).trim().to_string()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.ok(&args);
    }

    pub fn literal(&self, text: &str) {
        self.ok(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Copies every byte the pane's programs write from now on into `file`.
    pub fn record_output(&self, file: &Path) {
        let quoted = file.to_str().expect("UTF-8 temp path").replace('\'', r"'\''");
        self.ok(&["pipe-pane", "-t", "e2e", &format!("cat > '{quoted}'")]);
    }

    /// The pane tty's line discipline, from `stty -a` run on it: the words among
    /// `icanon -icanon echo -echo isig -isig`, in that order.
    pub fn tty_modes(&self) -> String {
        let tty = self.pane("#{pane_tty}");
        let out = Command::new("stty")
            .arg("-a")
            .stdin(std::fs::File::open(&tty).expect("open the pane's tty"))
            .stderr(Stdio::inherit())
            .output()
            .expect("run stty");
        let text = String::from_utf8_lossy(&out.stdout);
        let words: Vec<&str> = text.split([' ', ';', '\n', '\t']).collect();
        ["icanon", "echo", "isig"]
            .iter()
            .filter_map(|flag| {
                let off = format!("-{flag}");
                if words.contains(flag) {
                    Some(flag.to_string())
                } else if words.contains(&off.as_str()) {
                    Some(off)
                } else {
                    None
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Polls until `check` holds for the screen; fails with the last screen after the deadline.
    pub fn wait_until(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if start.elapsed() > DEADLINE {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(POLL);
        }
    }

    pub fn wait_for_text(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    pub fn wait_for_pane(&self, format: &str, want: &str) {
        let start = Instant::now();
        loop {
            let got = self.pane(format);
            if got == want {
                return;
            }
            if start.elapsed() > DEADLINE {
                panic!("timed out waiting for {format} = {want} (last {got}); the screen was:\n{}", self.screen());
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Polls `check` until it gives a value; fails with `what` after the deadline.
pub fn poll<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        if start.elapsed() > DEADLINE {
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(POLL);
    }
}
