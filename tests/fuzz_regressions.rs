//! Inputs the fuzz targets in `fuzz/` found (see `scripts/fuzz.sh`), replayed through the
//! same entry points as plain tests, so a fixed bug stays fixed without nightly or
//! libFuzzer. Each test names the target and the crash file it came from.

use audit_tui::sanitize::escape_json_text;

/// `sanitize`, crash-86bfdce2: `escape_json_text` (the `--json` output) let DEL through
/// raw, though it promises to escape every character `sanitize` would.
#[test]
fn sanitize_escape_json_text_escapes_del() {
    let json = serde_json::to_string("evil\u{7f}name\u{7f}").expect("serializes");
    let escaped = escape_json_text(&json);
    assert!(!escaped.contains('\u{7f}'), "DEL reaches the output raw: {escaped:?}");
    assert_eq!(escaped, r#""evil\u007fname\u007f""#);
    let back: String = serde_json::from_str(&escaped).expect("still JSON");
    assert_eq!(back, "evil\u{7f}name\u{7f}");
}
