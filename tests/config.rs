//! The config file: log shapes taught by config alone (JSON dialects, text regexes, level
//! maps, aliases), what a bad file is told, flags winning over the file, the template, and
//! key overrides reaching the help and the status bar. The binary runs with `--config`, so
//! each test's config stays in its own process.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn audit_tui() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_audit-tui"));
    cmd.env_remove("AUDIT_TUI_TZ").env_remove("DATATOOLS_AUDIT_DIR").env_remove("AUDIT_TUI_CONFIG");
    cmd
}

/// A temporary folder with `files` written in it.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn summary(config: Option<&Path>, logs: &Path) -> Value {
    let mut cmd = audit_tui();
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    json(&ok(cmd.args(["summary", "--json", "--utc"]).arg(logs).output().expect("runs")))
}

fn export_csv(config: &Path, logs: &Path) -> String {
    let out = ok(audit_tui()
        .arg("--config")
        .arg(config)
        .args(["export", "--format", "csv", "--utc"])
        .arg(logs)
        .output()
        .expect("runs"));
    String::from_utf8(out.stdout).expect("UTF-8")
}

const ACME_LINES: &str = concat!(
    r#"{"when":"2026-05-17T09:59:00Z","sev":"I","what":"open report","sid":"s1"}"#,
    "\n",
    r#"{"when":"2026-05-17T10:00:00Z","sev":"E","what":"boom","sid":"s1"}"#,
    "\n",
    r#"{"when":"2026-05-17T10:01:00Z","sev":50,"what":"disk gone","sid":"s2"}"#,
    "\n",
    r#"{"when":"2026-05-17T10:02:00Z","sev":"W","what":"slow","sid":"s2"}"#,
    "\n",
);

const ACME_CONFIG: &str = r#"
[[dialect]]
name = "acme"
match = ["when", "sev"]
fields = { time = "when", level = "sev", message = "what", session = "sid" }
levels = { "I" = "info", "W" = "warn", "E" = "error", "50" = "error" }
"#;

#[test]
fn an_unknown_json_shape_maps_with_config_alone() {
    let dir = folder(&[("acme.jsonl", ACME_LINES), ("acme.toml", ACME_CONFIG)]);
    let logs = dir.path().join("acme.jsonl");
    // Without the config: no time, no level, no session of its own.
    let plain = summary(None, &logs);
    assert_eq!((plain["errors"].as_u64(), plain["first_ts"].is_null()), (Some(0), true), "{plain}");
    let mapped = summary(Some(&dir.path().join("acme.toml")), &logs);
    assert_eq!(mapped["events"], 4);
    assert_eq!(mapped["errors"], 2, "E and 50 are errors: {mapped}");
    assert_eq!(mapped["warnings"], 1);
    assert_eq!(mapped["sessions"], 2);
    assert_eq!(mapped["first_ts"], "2026-05-17T09:59:00.000Z");
    assert_eq!(mapped["dialects"]["custom"], 4);
    let csv = export_csv(&dir.path().join("acme.toml"), &logs);
    assert!(csv.contains("2026-05-17T10:00:00.000Z,error,,s1,,boom,acme.jsonl,2"), "{csv}");
    assert!(csv.contains("2026-05-17T10:01:00.000Z,error,,s2,,disk gone,acme.jsonl,3"), "{csv}");
    assert!(csv.contains("2026-05-17T10:02:00.000Z,warn,,s2,,slow,acme.jsonl,4"), "{csv}");
    // Only errors: the pre-screen, which knows nothing of "E", does not skip them.
    let out = ok(audit_tui()
        .arg("--config")
        .arg(dir.path().join("acme.toml"))
        .args(["export", "--utc", "-q", "level:error"])
        .arg(&logs)
        .output()
        .expect("runs"));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}

#[test]
fn a_text_regex_dialect_reads_its_groups_and_levels() {
    let lines = "2026-05-17 10:00:00 [I] ann: opened q3.xlsx\n2026-05-17 10:00:09 [E] ann: disk full\n";
    let config = r#"
[[dialect]]
name = "acme-text"
regex = '^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \[(?P<level>\w)\] (?P<user>\w+): (?P<message>.*)$'
levels = { "I" = "info", "E" = "error" }
"#;
    let dir = folder(&[("app.log", lines), ("c.toml", config)]);
    let logs = dir.path().join("app.log");
    // Read as plain text without the config: a time, but no level and no user.
    assert_eq!(summary(None, &logs)["errors"], 0, "[E] is not a level audit-tui knows");
    let s = summary(Some(&dir.path().join("c.toml")), &logs);
    assert_eq!((s["events"].as_u64(), s["unparsed"].as_u64(), s["errors"].as_u64()), (Some(2), Some(0), Some(1)));
    let csv = export_csv(&dir.path().join("c.toml"), &logs);
    assert!(csv.contains("2026-05-17T10:00:09.000Z,error,,ann@2026-05-17 10:00,ann,disk full,app.log,2"), "{csv}");
}

#[test]
fn aliases_add_keys_to_the_built_in_ones() {
    let lines = concat!(
        r#"{"ts":"2026-05-17T10:00:00Z","level":"error","text_of_it":"boom","who":"dana"}"#,
        "\n",
        r#"{"ts":"2026-05-17T10:00:01Z","level":"info","msg":"still read","who":"dana"}"#,
        "\n"
    );
    let config = "[aliases]\nmessage = [\"text_of_it\"]\nuser = [\"WHO\"]\n";
    let dir = folder(&[("a.jsonl", lines), ("c.toml", config)]);
    let csv = export_csv(&dir.path().join("c.toml"), &dir.path().join("a.jsonl"));
    assert!(csv.contains(",error,,dana@2026-05-17 10:00,dana,boom,a.jsonl,1"), "{csv}");
    assert!(csv.contains(",info,,dana@2026-05-17 10:00,dana,still read,a.jsonl,2"), "{csv}");
}

/// Runs `summary` with a bad config: it still succeeds, with the defaults, and says why.
fn bad_config_warning(config: &str) -> String {
    let dir = folder(&[("c.toml", config)]);
    let out = ok(audit_tui()
        .arg("--config")
        .arg(dir.path().join("c.toml"))
        .args(["summary", "--json", "--utc"])
        .arg(common::path(common::DATATOOLS))
        .output()
        .expect("runs"));
    let s = json(&out);
    assert!(s["events"].as_u64().unwrap() > 0);
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert!(stderr.contains("using the defaults"), "{stderr}");
    let file = dir.path().join("c.toml").display().to_string();
    stderr.replace(&file, "c.toml")
}

#[test]
fn a_bad_config_names_file_line_and_key_and_the_defaults_apply() {
    let syntax = bad_config_warning("gap_minutes = 30\ntheme = \"dark\n");
    assert!(syntax.contains("config c.toml:2: theme: "), "{syntax}");
    let unknown = bad_config_warning("gap_minutes = 30\n\n[aliases]\nmesage = [\"what\"]\n");
    assert!(unknown.contains("config c.toml:4: aliases.mesage: unknown field `mesage`"), "{unknown}");
    let wrong_type = bad_config_warning("# a comment\ngap_minutes = \"thirty\"\n");
    assert!(wrong_type.contains("config c.toml:2: gap_minutes: "), "{wrong_type}");
    let regex = bad_config_warning("[[dialect]]\nname = \"x\"\nregex = '(?P<time>['\n");
    assert!(regex.contains("config c.toml:3: dialect.regex: dialect \"x\": bad regex"), "{regex}");
    let level = bad_config_warning("[[dialect]]\nname = \"x\"\nmatch = [\"a\"]\nlevels = { \"W\" = \"warnish\" }\n");
    assert!(level.contains("config c.toml:4: dialect.levels.W: dialect \"x\": unknown level \"warnish\""), "{level}");
    let key = bad_config_warning("[keys]\nerrors_view = \"x\"\nerrors_viewer = \"y\"\n");
    assert!(key.contains("config c.toml:3: keys.errors_viewer: no action named \"errors_viewer\""), "{key}");
    let gap = bad_config_warning("gap_minutes = 0\n");
    assert!(gap.contains("config c.toml:1: gap_minutes: must be at least 1"), "{gap}");
}

#[test]
fn config_check_exits_1_on_a_bad_file_and_names_it() {
    let dir = folder(&[("c.toml", "theme = \"sepia\"\n")]);
    let out = audit_tui().arg("--config").arg(dir.path().join("c.toml")).arg("config").output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("c.toml:1: theme: unknown theme \"sepia\""), "{text}");
}

/// Derived sessions of the tool_audit fixture per user (alice idles 97 min 13 s).
fn sessions_per_user(config: &Path, extra: &[&str]) -> Vec<(String, usize)> {
    let out = ok(audit_tui()
        .arg("--config")
        .arg(config)
        .args(["sessions", "--json", "--utc"])
        .args(extra)
        .arg(common::path("tests/fixtures/tool_audit"))
        .output()
        .expect("runs"));
    let mut per_user = std::collections::BTreeMap::new();
    for s in json(&out).as_array().expect("rows") {
        *per_user.entry(s["user"].as_str().unwrap_or("").to_string()).or_insert(0) += 1;
    }
    per_user.into_iter().collect()
}

#[test]
fn flags_and_the_environment_win_over_the_config() {
    let dir = folder(&[("c.toml", "gap_minutes = 200\ntime_zone = \"+05:00\"\n")]);
    let config = dir.path().join("c.toml");
    let one_each = vec![("alice".to_string(), 1), ("bob".to_string(), 1)];
    let two_for_alice = vec![("alice".to_string(), 2), ("bob".to_string(), 1)];
    assert_eq!(sessions_per_user(&config, &[]), one_each, "the config's gap");
    assert_eq!(sessions_per_user(&config, &["--gap", "30"]), two_for_alice, "--gap wins");
    // The zone: naive tool_audit times are read in the config's zone, unless --tz or
    // AUDIT_TUI_TZ says otherwise.
    let first = |cmd: &mut Command| -> String {
        let out = ok(cmd
            .arg("--config")
            .arg(&config)
            .args(["summary", "--json"])
            .arg(common::path("tests/fixtures/tool_audit"))
            .output()
            .expect("runs"));
        json(&out)["first_ts"].as_str().expect("a time").to_string()
    };
    let from_config = first(&mut audit_tui());
    let from_flag = first(audit_tui().args(["--tz", "UTC"]));
    let from_env = first(audit_tui().env("AUDIT_TUI_TZ", "UTC"));
    assert_eq!(from_flag, from_env);
    assert_ne!(from_config, from_flag, "the config's +05:00 reads naive times 5 hours earlier");
    let ms = |t: &str| chrono::DateTime::parse_from_rfc3339(t).expect("RFC 3339").timestamp_millis();
    assert_eq!(ms(&from_flag) - ms(&from_config), 5 * 3_600_000);
}

#[test]
fn config_default_parses_back_and_config_path_says_where() {
    let out = ok(audit_tui().args(["config", "--default"]).output().expect("runs"));
    let template = String::from_utf8(out.stdout).expect("UTF-8");
    for key in [
        "gap_minutes = 30",
        "context_before = 8",
        "time_zone = \"local\"",
        "theme = \"dark\"",
        "errors_view = [\"!\"]",
        "[aliases]",
        "[columns]",
        "[[dialect]]",
    ] {
        assert!(template.contains(key), "{key} in the template");
    }
    // As printed, and with every setting uncommented: valid, and the defaults.
    assert!(audit_tui_config::parse(&template, "t").is_ok());
    let open: String = template
        .lines()
        .map(|l| match l.strip_prefix('#') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphabetic()) => rest,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let c = audit_tui_config::parse(&open, "t").expect("uncommented template is valid");
    assert_eq!((c.gap_minutes, c.context_before), (Some(30), Some(8)));
    assert_eq!(c.keys.len(), audit_tui::ui::keymap::KEYMAP.len());
    assert!(c.columns.default.is_some() && c.columns.by_dialect.iter().any(Option::is_some), "[columns] example");
    let dir = folder(&[("c.toml", &open)]);
    let out = ok(audit_tui().arg("--config").arg(dir.path().join("c.toml")).arg("config").output().expect("runs"));
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("valid\n"));
    // --path: which file, from where, and whether it is there.
    let missing: PathBuf = dir.path().join("none.toml");
    let out = ok(audit_tui().env("AUDIT_TUI_CONFIG", &missing).args(["config", "--path"]).output().expect("runs"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("none.toml (from $AUDIT_TUI_CONFIG): does not exist"), "{text}");
    let out = ok(audit_tui()
        .arg("--config")
        .arg(dir.path().join("c.toml"))
        .args(["config", "--path"])
        .output()
        .expect("runs"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("c.toml (from --config): exists"));
}

use audit_tui::config as audit_tui_config;

#[test]
fn key_overrides_reach_dispatch_the_help_and_the_status_bar() {
    let text = "[keys]\nerrors_view = \"x\"\ntoggle_help = [\"h\", \"F1\"]\n";
    let config = audit_tui_config::parse(text, "c.toml").expect("valid");
    let overrides: Vec<(String, Vec<String>)> =
        config.keys.iter().map(|k| (k.action.clone(), k.keys.clone())).collect();
    let keys = audit_tui::ui::keymap::Keys::from_overrides(&overrides).expect("known actions and keys");
    let mut app = common::app_for(common::SAMPLE);
    let settings = audit_tui::ui::UiSettings { keys, ..Default::default() };
    audit_tui::ui::apply_settings(&mut app, settings);
    let status = common::screen(&app, 160, 45);
    assert!(
        status.contains(" / filter  x errors  e/E next/prev error  [ ] sessions  Enter drill  h help  q quit "),
        "{status}"
    );
    common::press(&mut app, "!");
    assert!(!app.errors.open, "! no longer opens the errors view");
    common::press(&mut app, "x");
    assert!(app.errors.open);
    common::press(&mut app, "x");
    assert!(!app.errors.open, "its key closes it again");
    common::press(&mut app, "h");
    assert!(app.show_help);
    let help = common::screen(&app, 160, 45);
    assert!(help.contains("x  errors view: every kind of error"), "{help}");
    assert!(help.contains("h F1  this help"), "{help}");
    common::press(&mut app, "h");
    assert!(!app.show_help, "its key closes the help");
}

#[test]
fn a_bad_config_is_a_note_in_the_explorer() {
    let mut app = common::app_for(common::SAMPLE);
    let problems = vec!["config c.toml:2: theme: unknown theme \"sepia\"; using the defaults".to_string()];
    audit_tui::ui::apply_settings(&mut app, audit_tui::ui::UiSettings { problems, ..Default::default() });
    let screen = common::screen(&app, 200, 45);
    assert!(screen.contains("c.toml:2: theme: unknown theme"), "{screen}");
}
