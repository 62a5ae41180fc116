//! Trust under hostile input and faults (issue 18), through the real binary: what
//! audit-tui writes never carries a log's raw control characters, it never writes over
//! the evidence it reads, and it reads stdin only when stdin holds data.

mod common;

use common::raw_hazards;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn audit_tui() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_audit-tui"));
    cmd.env_remove("AUDIT_TUI_TZ").env_remove("DATATOOLS_AUDIT_DIR");
    cmd
}

fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    audit_tui().arg(&args[0]).arg("--utc").args(&args[1..]).stdin(Stdio::null()).output().expect("the binary runs")
}

fn ok<S: AsRef<OsStr>>(args: &[S]) -> Output {
    let out = run(args);
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    out
}

/// A folder whose file name, session, user, category and message all carry hostile text:
/// a screen clear, a title change, an OSC 52 clipboard write, BEL, BS, NUL, DEL, a C1 CSI
/// and a bidi override.
fn hostile_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let evil = r"\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;ZWNobyBwd25lZA==\u0007\b\u0000\u007f\u009b31m\u202e";
    let line = format!(
        "{{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"error\",\"category\":\"cat{evil}\",\"session\":\"s{evil}\",\
         \"user\":\"u{evil}\",\"message\":\"m{evil}\"}}\n"
    );
    let name = "app\u{1b}]0;t\u{7}\u{202e}.jsonl";
    let file = dir.path().join(name);
    std::fs::write(&file, line.as_bytes()).unwrap();
    (dir, file)
}

#[test]
fn csv_export_escapes_hostile_text_in_every_column_and_stays_csv() {
    let (dir, _) = hostile_folder();
    for to_file in [false, true] {
        let text = if to_file {
            let out = dir.path().with_extension("out.csv");
            let _ = std::fs::remove_file(&out);
            ok(&[
                OsStr::new("export"),
                OsStr::new("--format"),
                OsStr::new("csv"),
                dir.path().as_os_str(),
                OsStr::new("-o"),
                out.as_os_str(),
            ]);
            std::fs::read_to_string(&out).unwrap()
        } else {
            let out = ok(&[OsStr::new("export"), OsStr::new("--format"), OsStr::new("csv"), dir.path().as_os_str()]);
            String::from_utf8(out.stdout).unwrap()
        };
        assert_eq!(raw_hazards(&text), Vec::<String>::new(), "{text}");
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 2, "a header and one row: {text}");
        for column in ["cat", "s", "u", "m"] {
            let escaped = format!(r"{column}\x1b[2J\x1b]0;pwned\x07");
            assert!(rows[1].contains(&escaped), "{escaped} in {}", rows[1]);
        }
        for shown in [r"\x08", r"\x00", r"\x7f", "<U+009B>", "<U+202E>", r"app\x1b]0;t\x07<U+202E>.jsonl"] {
            assert!(rows[1].contains(shown), "{shown} in {}", rows[1]);
        }
    }
}

#[test]
fn json_output_escapes_del_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.jsonl"),
        "{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"error\",\"message\":\"rub\u{7f}out\"}\n",
    )
    .unwrap();
    for command in ["summary", "sessions", "errors"] {
        let out = ok(&[OsStr::new(command), OsStr::new("--json"), dir.path().as_os_str()]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\u{7f}'), "{command} --json writes DEL raw:\n{text}");
        let _: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
    }
    let errors = String::from_utf8(ok(&["errors", "--json", dir.path().to_str().unwrap()]).stdout).unwrap();
    assert!(errors.contains(r"rub\u007fout"), "{errors}");
}

fn fails(args: &[&OsStr]) -> String {
    let out = run(args);
    assert_eq!(out.status.code(), Some(1), "must fail with 1: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn output_never_replaces_or_joins_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let log = logs.join("datatools-2026-05-18.jsonl");
    let original = "{\"ts\":\"2026-05-18T10:00:00Z\",\"level\":\"error\",\"message\":\"boom\"}\n";
    std::fs::write(&log, original).unwrap();
    let fresh = logs.join("report.md");
    for command in ["report", "export"] {
        // Onto a log being read, by the folder and by the file itself.
        for input in [&logs, &log] {
            let err = fails(&[OsStr::new(command), input.as_os_str(), OsStr::new("-o"), log.as_os_str()]);
            assert!(err.contains("log being read") || err.contains("folder being read"), "{err}");
            assert!(err.contains("datatools-2026-05-18.jsonl"), "{err}");
        }
        // A new file inside the folder being read, even with --force.
        let err =
            fails(&[OsStr::new(command), logs.as_os_str(), OsStr::new("-o"), fresh.as_os_str(), OsStr::new("--force")]);
        assert!(err.contains("folder being read"), "{err}");
        // A path that reaches the folder another way.
        let sneaky = logs.join("..").join("logs").join("x.csv");
        let err = fails(&[OsStr::new(command), logs.as_os_str(), OsStr::new("-o"), sneaky.as_os_str()]);
        assert!(err.contains("folder being read"), "{err}");
    }
    #[cfg(unix)]
    {
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&log, &link).unwrap();
        let err =
            fails(&[OsStr::new("report"), log.as_os_str(), OsStr::new("-o"), link.as_os_str(), OsStr::new("--force")]);
        assert!(err.contains("log being read"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&log).unwrap(), original, "the log is untouched");
    assert!(!fresh.exists(), "nothing was written into the folder");
}

#[test]
fn an_existing_output_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("a.jsonl");
    std::fs::write(&log, "{\"ts\":\"2026-05-18T10:00:00Z\",\"level\":\"error\",\"message\":\"boom\"}\n").unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("report.md");
    std::fs::write(&out, "my notes").unwrap();
    let err = fails(&[OsStr::new("report"), log.as_os_str(), OsStr::new("-o"), out.as_os_str()]);
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "my notes");
    ok(&[OsStr::new("report"), log.as_os_str(), OsStr::new("-o"), out.as_os_str(), OsStr::new("--force")]);
    assert!(std::fs::read_to_string(&out).unwrap().contains("boom"));
    let csv = out_dir.path().join("e.csv");
    ok(&[OsStr::new("export"), log.as_os_str(), OsStr::new("-o"), csv.as_os_str()]);
    let err = fails(&[OsStr::new("export"), log.as_os_str(), OsStr::new("-o"), csv.as_os_str()]);
    assert!(err.contains("already exists"), "{err}");
}

fn with_default_folder(stdin: Stdio) -> Output {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datatools");
    audit_tui()
        .args(["summary", "--json", "--utc"])
        .env("DATATOOLS_AUDIT_DIR", folder)
        .stdin(stdin)
        .output()
        .expect("the binary runs")
}

#[test]
fn an_empty_or_closed_stdin_is_not_read_without_a_dash() {
    // cron, CI and `ssh host audit-tui summary` give /dev/null or a closed stdin: the
    // default folder is read, as on a terminal.
    let out = with_default_folder(Stdio::null());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["events"].as_u64().unwrap() > 20, "the default folder was read: {v}");
    assert_ne!(v["sources"][0]["name"], "-");
}

#[test]
fn a_piped_stdin_is_still_read_without_a_path() {
    let mut child =
        audit_tui().args(["summary", "--json", "--utc"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"info\",\"message\":\"piped\"}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["events"], 1);
    assert_eq!(v["sources"][0]["name"], "-");
}

/// A writer truncates a log after audit-tui mapped it and before (or while) it is read:
/// the index holds what is still there, says the file shrank, and nothing dies of SIGBUS.
#[test]
fn a_log_truncated_under_its_map_is_read_to_its_new_end_and_said_to_have_shrunk() {
    use audit_tui::ingest::build::{Opened, Options, Progress, SHRANK, index_opened};
    use audit_tui::ingest::inputs::sources;
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("datatools-2026-05-17.jsonl");
    let line = |i: usize, level: &str| {
        format!(
            "{{\"ts\":\"2026-05-17T10:{:02}:{:02}Z\",\"level\":\"{level}\",\"session\":\"s1\",\"message\":\"event {i} {}\"}}\n",
            i / 60 % 60,
            i % 60,
            "x".repeat(200)
        )
    };
    let mut text = String::new();
    for i in 0..40_000 {
        text.push_str(&line(i, if i % 10 == 0 { "error" } else { "info" }));
    }
    std::fs::write(&path, &text).unwrap();
    let mut discovery = sources::discover(std::slice::from_ref(&path));
    let input = discovery.inputs.remove(0);
    let opened = sources::open(&input).unwrap();
    assert!(matches!(opened.data, sources::Data::Mapped(_)), "a plain file is mapped, however fresh");
    let kept = text.len() / 4;
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(kept as u64).unwrap();
    let opened = Opened { input, data: Arc::new(opened.data), warning: None, prefix: false };
    let index = index_opened(vec![opened], Vec::new(), Vec::new(), Options::default(), &Progress::default());
    assert!(index.problems.iter().any(|p| p.message == SHRANK), "{:?}", index.problems);
    let whole_lines = text[..kept].matches('\n').count();
    let readable = (0..index.len()).filter(|&i| index.event(i).is_some_and(|e| !index.raw_line(e).is_empty())).count();
    assert_eq!(readable, whole_lines + 1, "the lines still in the file, and the one cut at its end");
}

#[test]
fn huge_counts_on_the_command_line_are_no_crash() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mailed-logs");
    let max = u64::MAX.to_string();
    let out = ok(&[
        OsStr::new("report"),
        sample.as_os_str(),
        OsStr::new("--before"),
        OsStr::new(&max),
        OsStr::new("--errors"),
        OsStr::new(&max),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("MemoryError"), "{text}");
}
