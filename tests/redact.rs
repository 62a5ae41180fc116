//! `--redact` through the real binary on `fixtures/redact`, a folder full of names, e-mail
//! addresses, hosts, IP addresses, tokens and home paths in every dialect's fields: none of
//! them survives in any field of any format, the structure stays (JSON lines parse, with
//! the same keys; CSV has the same records and cells), and stderr or the report's footer
//! says what was masked.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redact")
}

fn run(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_audit-tui"))
        .env_remove("AUDIT_TUI_TZ")
        .env_remove("DATATOOLS_AUDIT_DIR")
        .args(args)
        .arg("--utc")
        .arg(fixture())
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "audit-tui {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

/// Everything in the fixture that names a person, a machine or a secret (compared without
/// case).
const SECRETS: &[&str] = &[
    "priya",
    "raman",
    "praman",
    "jonas",
    "weber",
    "mkowalski",
    "eliu",
    "tkim",
    "acme-corp",
    "example.org",
    "laptop",
    "db7",
    "lab-ws-22",
    "sk_live_9f8e7d6c5b4a3f2e1d0c",
    "AKIAQWERTYUIOPASDFGH",
    "ghp_abcdefghij",
    "Sup3rS3cret",
    "eyJhbGciOiJIUzI1NiJ9",
    "hunter22",
    "pgpass99",
    "s3cr3t-v4lue",
    "cs-7x7x7x7x",
    "4321",
    "pw-Ab12",
    "203.0.113.77",
    "198.51.100.23",
    "10.20.30.40",
    "192.0.2.10",
    "2001:db8",
];

fn leaks(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    SECRETS.iter().copied().filter(|s| lower.contains(&s.to_lowercase())).collect()
}

/// The outputs compared: every export format and the report.
const OUTPUTS: &[&[&str]] =
    &[&["export", "--format", "jsonl"], &["export", "--format", "csv"], &["export", "--format", "text"], &["report"]];

#[test]
fn without_redact_the_fixture_shows_every_secret() {
    // The test below would prove nothing if the outputs never showed these values.
    let mut all = String::new();
    for args in OUTPUTS {
        all.push_str(&stdout(&run(args)));
    }
    let shown = leaks(&all);
    let missing: Vec<&&str> = SECRETS.iter().filter(|s| !shown.contains(s)).collect();
    assert!(missing.is_empty(), "the fixture's outputs never show {missing:?}");
}

#[test]
fn no_name_address_host_or_token_survives_in_any_format() {
    for args in OUTPUTS {
        let mut with = args.to_vec();
        with.push("--redact");
        let out = run(&with);
        let text = stdout(&out);
        assert!(!text.is_empty());
        assert_eq!(leaks(&text), Vec::<&str>::new(), "audit-tui {with:?} leaks:\n{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(leaks(&err), Vec::<&str>::new(), "stderr leaks: {err}");
        assert!(err.contains("audit-tui: redacted "), "stderr says what was masked: {err}");
        for kind in
            ["user names", "e-mail addresses", "host names", "IP addresses", "tokens and keys", "home-directory paths"]
        {
            assert!(err.contains(kind), "{with:?}: stderr counts {kind}: {err}");
        }
    }
}

/// The keys of a JSON value, at every depth, as `a.b.c` paths.
fn key_paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, item) in map {
                let path = format!("{prefix}.{k}");
                out.insert(path.clone());
                key_paths(item, &path, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| key_paths(i, prefix, out)),
        _ => {}
    }
}

#[test]
fn json_lines_stay_json_with_the_same_keys_and_stable_pseudonyms() {
    let plain = stdout(&run(&["export", "--format", "jsonl"]));
    let masked = stdout(&run(&["export", "--format", "jsonl", "--redact"]));
    let (plain, masked): (Vec<&str>, Vec<&str>) = (plain.lines().collect(), masked.lines().collect());
    assert_eq!(plain.len(), masked.len(), "one line per event");
    let mut parsed = 0;
    for (p, m) in plain.iter().zip(&masked) {
        // Lines that are JSON stay JSON with the same keys; the cut line and the text
        // lines stay lines.
        if let Ok(pv) = serde_json::from_str::<Value>(p) {
            let mv: Value = serde_json::from_str(m).unwrap_or_else(|e| panic!("{e}: {m}"));
            let (mut pk, mut mk) = (BTreeSet::new(), BTreeSet::new());
            key_paths(&pv, "", &mut pk);
            key_paths(&mv, "", &mut mk);
            assert_eq!(pk, mk, "{m}");
            parsed += 1;
        }
    }
    assert_eq!(parsed, 7, "the fixture's JSON lines");
    let first: Value = serde_json::from_str(masked[0]).unwrap();
    assert_eq!(first["user"], "user-1");
    assert_eq!(first["cwd"], r"C:\Users\user-1\Documents");
    assert_eq!(first["hostname"], "host-1");
    assert_eq!(first["email"], "email-1");
    // The same person later, in a message, a path and a possessive: the same pseudonym.
    let second: Value = serde_json::from_str(masked[1]).unwrap();
    assert_eq!(second["message"], r"Uploaded C:\Users\user-1\Desktop\q3 (user-1's copy).csv for user-1");
    let fourth: Value = serde_json::from_str(masked[3]).unwrap();
    assert_eq!(fourth["args"]["client_secret"], Value::String("token-6".into()), "{}", masked[3]);
    let fifth: Value = serde_json::from_str(masked[4]).unwrap();
    assert!(fifth["pin"].as_str().is_some_and(|p| p.starts_with("token-")), "a PIN number is masked too");
}

/// RFC 4180 records: cells per record.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut cell)),
            ('\n', false) => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => cell.push(c),
        }
    }
    assert!(!quoted && cell.is_empty() && record.is_empty(), "CSV ends with a whole record");
    records
}

#[test]
fn csv_stays_csv_with_the_same_records() {
    let plain = csv_records(&stdout(&run(&["export", "--format", "csv"])));
    let masked = csv_records(&stdout(&run(&["export", "--format", "csv", "--redact"])));
    assert_eq!(plain.len(), masked.len());
    assert_eq!(masked[0], plain[0], "the header");
    for (p, m) in plain.iter().zip(&masked) {
        assert_eq!(m.len(), 8, "{m:?}");
        // Times, levels and line numbers are not names.
        assert_eq!((&p[0], &p[1], &p[7]), (&m[0], &m[1], &m[7]));
    }
}

#[test]
fn the_report_ends_with_what_was_masked() {
    let out = run(&["report", "--redact"]);
    let text = stdout(&out);
    let footer = text.lines().last().unwrap_or_default();
    assert!(footer.starts_with("Redacted by `audit-tui --redact`: masked "), "{footer}");
    assert!(footer.contains("e-mail address") && footer.contains("tokens and keys"), "{footer}");
    assert!(text.contains("| user-1 |") || text.contains("| user-2 |"), "the sessions table: {text}");
}

mod properties {
    use audit_tui::redact::Redactor;
    use proptest::prelude::*;

    /// Text made of pieces redaction looks at, and of odd bytes around them.
    fn texty() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("dana".to_string()),
            Just("Dana Whitfield".to_string()),
            Just("C:\\\\Users\\\\".to_string()),
            Just("/home/".to_string()),
            Just("@".to_string()),
            Just("…".to_string()),
            Just("password=".to_string()),
            Just("\"user\": ".to_string()),
            Just("Bearer ".to_string()),
            Just("::".to_string()),
            Just("1.2.3.4".to_string()),
            Just(".com".to_string()),
            Just("\\".to_string()),
            Just("\"".to_string()),
            Just("{".to_string()),
            Just("\\u00e9".to_string()),
            "[ -~]{0,6}",
            "\\PC{0,3}",
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Any text, line or Markdown is masked without a panic, a masked name never
        /// survives, and a JSON line that parsed still parses.
        #[test]
        fn masking_never_panics_and_json_stays_json(text in texty()) {
            let mut r = Redactor::new();
            r.learn_user("Dana Whitfield");
            let masked = r.text(&text).into_owned();
            prop_assert!(!masked.to_lowercase().contains("whitfield"), "{masked}");
            let _ = r.markdown(&text);
            let line = format!("{{\"msg\": {}}}", serde_json::to_string(&text).unwrap());
            let out = r.json_line(line.as_bytes()).into_owned();
            let v: serde_json::Value = serde_json::from_slice(&out).expect("still JSON");
            prop_assert!(!v["msg"].as_str().unwrap_or_default().to_lowercase().contains("whitfield"));
            let _ = r.json_line(text.as_bytes());
        }
    }
}
