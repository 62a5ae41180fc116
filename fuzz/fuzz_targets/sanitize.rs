//! The sanitizer (`sanitize`), the one place untrusted text becomes displayable.
//!
//! Input: any bytes (a log value, valid UTF-8 or not).
//!
//! Invariants (beyond "never panics"), in both modes, for `sanitize_bytes`, `sanitize`,
//! `pieces`, `pieces_bytes`, `display`, `push_sanitized` and `escape_json_text`:
//! - The output holds no C0 control (but the line breaks `Mode::Block` documents it
//!   keeps), no DEL, no C1 control, no bidi control (ALM, LRM, RLM, LRE..RLO, LRI..PDI),
//!   no line or paragraph separator, no zero-width or tag character.
//! - Escape, never strip: the output is the input sanitized one character at a time
//!   (no state, so no sequence can swallow what follows it), invalid bytes as `\xNN`;
//!   a character left as it is cannot be one of the above.
//! - Every way of getting the output gives the same text; `Cow::Borrowed` (and
//!   `needs_escaping` false) exactly when nothing changed; escape pieces are printable
//!   ASCII.
//! - `escape_json_text` of serde_json's text of the input means the same JSON string.

#![no_main]

use audit_tui::sanitize::{
    Mode, Piece, display, escape_json_text, needs_escaping, pieces, pieces_bytes, push_sanitized, sanitize,
    sanitize_bytes,
};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;

fuzz_target!(|data: &[u8]| {
    for mode in [Mode::Line, Mode::Block] {
        let out = sanitize_bytes(data, mode);
        assert_clean(&out, mode, data);
        assert_char_by_char(data, &out, mode);
        let joined: String = pieces_bytes(data, mode).iter().map(Piece::as_str).collect();
        assert_eq!(joined, out, "pieces_bytes and sanitize_bytes agree");
        if let Ok(text) = std::str::from_utf8(data) {
            check_text(text, mode, &out);
        }
    }
    let text = String::from_utf8_lossy(data);
    let json = serde_json::to_string(&*text).expect("a string serializes");
    let escaped = escape_json_text(&json);
    assert_clean(&escaped, Mode::Line, data);
    let back: String = serde_json::from_str(&escaped).expect("escaped JSON still parses");
    assert_eq!(back, text, "escape_json_text keeps the JSON's meaning");
});

fn check_text(text: &str, mode: Mode, out: &str) {
    let direct = sanitize(text, mode);
    assert_eq!(direct, out, "sanitize and sanitize_bytes agree on UTF-8");
    assert_eq!(matches!(direct, Cow::Borrowed(_)), direct == text, "borrows exactly when nothing changed");
    if mode == Mode::Line {
        assert_eq!(needs_escaping(text), direct != text, "needs_escaping tells whether Line mode changes it");
    }
    assert_eq!(format!("{}", display(text, mode)), out, "display agrees");
    let mut buf = String::from(">");
    push_sanitized(&mut buf, text, mode);
    assert_eq!(&buf[1..], out, "push_sanitized appends the same");
    let parts = pieces(text, mode);
    let joined: String = parts.iter().map(Piece::as_str).collect();
    assert_eq!(joined, out, "pieces agree");
    for p in &parts {
        match p {
            Piece::Escape(e) => {
                assert!(!e.is_empty() && e.bytes().all(|b| b.is_ascii_graphic()), "escape {e:?} is printable ASCII")
            }
            Piece::Text(t) => assert!(!t.contains('\n'), "line breaks come as Newline pieces"),
            Piece::Newline => assert_eq!(mode, Mode::Block, "only Block mode breaks lines"),
        }
    }
}

/// Characters that must never reach a terminal raw.
fn is_forbidden(c: char, mode: Mode) -> bool {
    let cp = u32::from(c);
    match cp {
        0x0A => mode == Mode::Line,
        0x00..=0x1F | 0x7F | 0x80..=0x9F => true,
        // Bidi controls (Trojan Source): ALM, LRM, RLM, LRE..RLO, LRI..PDI.
        0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069 => true,
        // Line and paragraph separators, zero-width characters, BOM, soft hyphen, tags.
        0x2028 | 0x2029 | 0x200B..=0x200D | 0x2060 | 0xFEFF | 0x00AD | 0xE0001 | 0xE0020..=0xE007F => true,
        _ => false,
    }
}

fn assert_clean(out: &str, mode: Mode, input: &[u8]) {
    if let Some(c) = out.chars().find(|&c| is_forbidden(c, mode)) {
        panic!("U+{:04X} reaches the output in {mode:?} mode; input {input:?}", u32::from(c));
    }
}

/// Escape, never strip, one character at a time: the output is each character of the
/// input sanitized on its own (the module keeps no state across characters, so no
/// sequence can swallow what follows it), and each invalid byte as `\xNN`.
fn assert_char_by_char(input: &[u8], out: &str, mode: Mode) {
    let mut expected = String::with_capacity(out.len());
    let mut buf = [0u8; 4];
    for chunk in input.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_sanitized(&mut expected, c.encode_utf8(&mut buf), mode);
        }
        for b in chunk.invalid() {
            expected.push_str(&format!("\\x{b:02x}"));
        }
    }
    assert_eq!(out, expected, "sanitized character by character; input {input:?}");
}
