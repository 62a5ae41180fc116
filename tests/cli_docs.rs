//! Discoverability: `--help` with examples, shell completions and a manual page, all
//! generated from the one CLI definition.

use assert_cmd::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::cargo_bin("audit-tui").expect("binary").args(args).output().expect("run");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_shows_examples_and_the_query_language() {
    let (ok, help, _) = run(&["--help"]);
    assert!(ok);
    assert!(help.contains("Examples:") && help.contains("audit-tui check logs/"), "{help}");
    assert!(help.contains("Query language:"), "{help}");
    assert!(help.contains("completions") && help.contains("man"), "{help}");
}

#[test]
fn completions_are_printed_for_every_shell_and_know_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (ok, script, err) = run(&["completions", shell]);
        assert!(ok, "{shell}: {err}");
        for word in ["summary", "report", "check", "recent", "cache", "no-cache"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let (ok, _, err) = run(&["completions", "tcsh"]);
    assert!(!ok && err.contains("tcsh"), "an unknown shell is a usage error naming it: {err}");
}

#[test]
fn completions_and_man_are_commands_not_paths() {
    // Before, `audit-tui completions` was taken as a path to open.
    let (ok, _, err) = run(&["completions"]);
    assert!(!ok && err.contains("<SHELL>"), "{err}");
}

#[test]
fn man_prints_a_manual_page_from_the_cli_definition() {
    let (ok, page, err) = run(&["man"]);
    assert!(ok, "{err}");
    assert!(page.starts_with(".ie") || page.contains(".TH audit-tui"), "roff: {}", &page[..page.len().min(200)]);
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"), "sections");
    assert!(page.contains("\\-\\-follow") || page.contains("follow"), "options are documented");
}

fn export_text(extra: &[&str], envs: &[(&str, &str)]) -> String {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/quirks/escapes.jsonl");
    let mut cmd = Command::cargo_bin("audit-tui").expect("binary");
    cmd.env_remove("NO_COLOR").env_remove("AUDIT_TUI_COLOR");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.args(["export", fixture, "--format", "text"]).args(extra).output().expect("run");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn color_always_paints_levels_and_still_escapes_the_logs_own_codes() {
    let painted = export_text(&["--color", "always"], &[]);
    assert!(painted.contains("\x1b[31mERROR\x1b[0m"), "{painted:?}");
    // Only our colour codes are raw: every ESC is one of ours.
    let ours = painted.matches("\x1b[31m").count()
        + painted.matches("\x1b[33m").count()
        + painted.matches("\x1b[1;31m").count()
        + painted.matches("\x1b[2m").count()
        + painted.matches("\x1b[0m").count();
    assert_eq!(painted.matches('\x1b').count(), ours, "a log's escape reached the output raw");
    assert!(painted.contains(r"\x1b[2J"), "the log's own codes are shown escaped");
}

#[test]
fn color_is_off_for_pipes_never_and_no_color_unless_always() {
    for (extra, envs) in [
        (vec![], vec![]),
        (vec!["--color", "never"], vec![]),
        (vec!["--color", "auto"], vec![("NO_COLOR", "1")]),
        (vec!["--theme", "mono", "--color", "always"], vec![]),
    ] {
        let plain = export_text(&extra, &envs);
        assert!(!plain.contains('\x1b'), "{extra:?} {envs:?}: {plain:?}");
    }
    assert!(export_text(&["--color", "always"], &[("NO_COLOR", "1")]).contains("\x1b[31m"), "the flag wins");
    assert!(export_text(&[], &[("AUDIT_TUI_COLOR", "always")]).contains("\x1b[31m"), "and its variable");
}
