//! Message templates, as Serilog writes them in its compact JSON (CLEF): the line carries
//! `"@mt":"Failed to save {File}"` and the property `"File":"a.xlsx"` instead of the
//! rendered text. Rows show the text the app's own console would have shown.

use crate::json::scan::{self, Value};

/// The template with each hole (`{Name}`, `{@Name}`, `{$Name}`, `{Name:fmt}`,
/// `{Name,align}`) filled from the object's member of that name, the way Serilog renders
/// it: strings quoted unless the format says `l`, other values as written. `{{` and `}}`
/// are literal braces; a hole without a property stays as written.
pub fn render(template: &str, properties: &[u8]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        let close = if tail.starts_with('{') { tail.find('}') } else { None };
        let Some(close) = close else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
            continue;
        };
        let hole = &tail[1..close];
        match fill(hole, properties) {
            Some(text) => out.push_str(&text),
            None => out.push_str(&tail[..=close]),
        }
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    out
}

fn fill(hole: &str, properties: &[u8]) -> Option<String> {
    let hole = hole.strip_prefix(['@', '$']).unwrap_or(hole);
    let (name, format) = match hole.split_once(':') {
        Some((name, format)) => (name, format),
        None => (hole, ""),
    };
    let name = name.split_once(',').map_or(name, |(name, _align)| name).trim();
    if name.is_empty() {
        return None;
    }
    let mut found = None;
    let _ = scan::scan_object(properties, |k, v| {
        if found.is_none() && k.raw == name.as_bytes() {
            found = Some(v);
        }
    });
    Some(match found? {
        Value::Str(s) if format.contains('l') => s.text().into_owned(),
        Value::Str(s) => format!("\"{}\"", s.text()),
        Value::Num(b) | Value::Object(b) | Value::Array(b) => String::from_utf8_lossy(b).into_owned(),
        Value::True => "true".to_string(),
        Value::False => "false".to_string(),
        Value::Null => "null".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::render;

    const PROPS: &[u8] =
        br#"{"@t":"2026-05-17T09:00:00Z","User":"carol","Count":3,"Ok":false,"Ids":[1,2],"Path":"C:\\data\\a.xlsx"}"#;

    #[test]
    fn holes_are_filled_as_serilog_renders_them() {
        assert_eq!(render("User {User} logged in", PROPS), r#"User "carol" logged in"#);
        assert_eq!(render("User {User:l} saved {Count} files", PROPS), "User carol saved 3 files");
        assert_eq!(render("{@Ids} {$Ok} {Count,5}", PROPS), "[1,2] false 3");
        assert_eq!(render("open {Path:l}", PROPS), r"open C:\data\a.xlsx");
    }

    #[test]
    fn escapes_missing_properties_and_stray_braces_stay_readable() {
        assert_eq!(render("{{literal}} {Missing} {User}", PROPS), r#"{literal} {Missing} "carol""#);
        assert_eq!(render("unclosed {User", PROPS), "unclosed {User");
        assert_eq!(render("stray } and {}", PROPS), "stray } and {}");
        assert_eq!(render("no holes", b"not json"), "no holes");
    }
}
