//! A small JSON tree for showing one event in full. Unlike `serde_json::Value` it keeps
//! members in file order, keeps duplicate keys (`{"user":"a","user":"root"}` must show
//! both), and keeps numbers exactly as written (`1e400`, 2^64). Built for one line at a
//! time, so plain allocation is fine; nesting beyond a limit is kept as raw text.

use super::scan::{RawStr, Value, scan_object};

/// Deeper containers are shown as their raw text instead of being expanded.
const MAX_DEPTH: usize = 48;

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    Str(String),
    /// The number lexeme as written.
    Num(String),
    Bool(bool),
    Null,
    /// A value too deep to expand, as written.
    Raw(String),
}

impl Node {
    /// Reads one object line; `None` if it is not a JSON object.
    pub fn parse_object(line: &[u8]) -> Option<Node> {
        let mut members = Vec::new();
        scan_object(line, |k, v| members.push((k.text().into_owned(), from_value(v, 1)))).ok()?;
        Some(Node::Object(members))
    }

    pub fn is_scalar(&self) -> bool {
        !matches!(self, Node::Object(_) | Node::Array(_))
    }

    /// A one-line rendering for compact places.
    pub fn inline(&self) -> String {
        match self {
            Node::Str(s) => s.clone(),
            Node::Num(n) | Node::Raw(n) => n.clone(),
            Node::Bool(b) => b.to_string(),
            Node::Null => "null".into(),
            Node::Array(items) => format!("[{}]", items.iter().map(Node::inline).collect::<Vec<_>>().join(", ")),
            Node::Object(m) => {
                format!("{{{}}}", m.iter().map(|(k, v)| format!("{k}: {}", v.inline())).collect::<Vec<_>>().join(", "))
            }
        }
    }
}

fn text(s: RawStr<'_>) -> String {
    s.text().into_owned()
}

fn from_value(v: Value<'_>, depth: usize) -> Node {
    match v {
        Value::Str(s) => Node::Str(text(s)),
        Value::Num(n) => Node::Num(String::from_utf8_lossy(n).into_owned()),
        Value::True => Node::Bool(true),
        Value::False => Node::Bool(false),
        Value::Null => Node::Null,
        Value::Object(raw) if depth < MAX_DEPTH => {
            let mut members = Vec::new();
            match scan_object(raw, |k, v| members.push((k.text().into_owned(), from_value(v, depth + 1)))) {
                Ok(()) => Node::Object(members),
                Err(_) => Node::Raw(String::from_utf8_lossy(raw).into_owned()),
            }
        }
        Value::Array(raw) if depth < MAX_DEPTH => parse_array(raw, depth).unwrap_or_else(|| Node::Raw(lossy(raw))),
        Value::Object(raw) | Value::Array(raw) => Node::Raw(lossy(raw)),
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Arrays are read by wrapping each element as the value of a one-member object, which
/// reuses the validating scanner instead of a second parser.
fn parse_array(raw: &[u8], depth: usize) -> Option<Node> {
    let inner = raw.strip_prefix(b"[")?.strip_suffix(b"]")?;
    let mut items = Vec::new();
    for element in split_top_level(inner) {
        let trimmed = element.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        let mut wrapped = Vec::with_capacity(trimmed.len() + 6);
        wrapped.extend_from_slice(b"{\"\":");
        wrapped.extend_from_slice(trimmed);
        wrapped.push(b'}');
        let mut node = None;
        scan_object(&wrapped, |_, v| node = Some(from_value(v, depth + 1))).ok()?;
        items.push(node?);
    }
    Some(Node::Array(items))
}

/// Splits array content at top-level commas (outside strings and nested containers).
fn split_top_level(s: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let (mut depth, mut in_str, mut escaped, mut start) = (0i32, false, false, 0);
    for (i, &b) in s.iter().enumerate() {
        if in_str {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_duplicates_and_lexemes() {
        let n = Node::parse_object(br#"{"user":"a","big":1e400,"user":"root","n":18446744073709551616}"#).unwrap();
        let Node::Object(m) = n else { panic!() };
        assert_eq!(m[0], ("user".into(), Node::Str("a".into())));
        assert_eq!(m[1], ("big".into(), Node::Num("1e400".into())));
        assert_eq!(m[2], ("user".into(), Node::Str("root".into())));
        assert_eq!(m[3], ("n".into(), Node::Num("18446744073709551616".into())));
    }

    #[test]
    fn nested_arrays_and_objects() {
        let n = Node::parse_object(br#"{"a":[1,"x,y",{"b":[true,null]},[]],"o":{}}"#).unwrap();
        assert_eq!(n.inline(), "{a: [1, x,y, {b: [true, null]}, []], o: {}}");
    }

    #[test]
    fn deep_values_stay_raw() {
        let deep = format!(r#"{{"a":{}1{}}}"#, "[".repeat(200), "]".repeat(200));
        let Node::Object(m) = Node::parse_object(deep.as_bytes()).unwrap() else { panic!() };
        let mut node = &m[0].1;
        let mut levels = 0;
        while let Node::Array(items) = node {
            node = &items[0];
            levels += 1;
        }
        assert!(matches!(node, Node::Raw(_)));
        assert!(levels < 60);
    }

    #[test]
    fn not_an_object() {
        assert_eq!(Node::parse_object(b"[1,2]"), None);
        assert_eq!(Node::parse_object(br#"{"a":"#), None);
    }
}
