//! Hostile log content must come out of `audit_tui::sanitize` as visible,
//! inert text: nothing that can drive a terminal, reorder or hide text, and
//! nothing silently dropped.

use std::borrow::Cow;

use audit_tui::sanitize::*;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

// ---------------------------------------------------------------------------
// Independent statement of the policy (kept separate from the module's own
// table on purpose, so a mistake there cannot hide behind a shared constant).

/// Non-ASCII code points that must be shown as `<U+XXXX>`.
const MUST_ESCAPE: &[(u32, u32)] = &[
    (0x0080, 0x009F), // C1
    (0x00AD, 0x00AD), // soft hyphen
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x2029),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2065, 0x2065), // unassigned, deliberately escaped with its neighbours
    (0x2066, 0x2069),
    (0x206A, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

fn in_must_escape(c: char) -> bool {
    let cp = u32::from(c);
    MUST_ESCAPE.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp))
}

/// Characters that must never reach the screen in Line mode.
fn forbidden_in_line(c: char) -> bool {
    c.is_ascii_control() || in_must_escape(c)
}

/// Characters that must never reach the screen in Block mode.
fn forbidden_in_block(c: char) -> bool {
    (c.is_ascii_control() && c != '\n') || in_must_escape(c)
}

/// Reverses Line-mode pieces back into the original bytes. Possible because
/// escapes are always whole pieces; proves nothing was stripped.
fn decode_line_pieces(pieces: &[Piece<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.extend_from_slice(t.as_bytes()),
            Piece::Newline => panic!("Line mode produced a Newline piece"),
            Piece::Escape(e) => match e.as_str() {
                r"\n" => out.push(b'\n'),
                r"\r" => out.push(b'\r'),
                r"\t" => out.push(b'\t'),
                e if e.len() == 4 && e.starts_with(r"\x") => {
                    let hex = &e[2..];
                    assert!(
                        hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
                        "hex escape must be lowercase: {e:?}"
                    );
                    out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
                }
                e if e.starts_with("<U+") && e.ends_with('>') => {
                    let hex = &e[3..e.len() - 1];
                    assert!(
                        (4..=6).contains(&hex.len()) && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F')),
                        "code point escape must be 4-6 uppercase hex digits: {e:?}"
                    );
                    let cp = u32::from_str_radix(hex, 16).expect("code point escape");
                    let c = char::from_u32(cp).expect("escaped a valid char");
                    out.extend_from_slice(c.to_string().as_bytes());
                }
                other => panic!("unknown escape {other:?}"),
            },
        }
    }
    out
}

fn concat(pieces: &[Piece<'_>]) -> String {
    pieces.iter().map(Piece::as_str).collect()
}

// ---------------------------------------------------------------------------
// Table of concrete attacks and edge cases

#[test]
fn escape_table() {
    use Mode::{Block, Line};
    let cases: &[(&str, &str, Mode, &str)] = &[
        ("CSI clear screen", "\x1b[2J\x1b[Hok", Line, r"\x1b[2J\x1b[Hok"),
        ("CSI in block", "\x1b[31mred", Block, r"\x1b[31mred"),
        ("OSC 0 title", "\x1b]0;pwned\x07", Line, r"\x1b]0;pwned\x07"),
        (
            "OSC 52 clipboard, BEL terminated",
            "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07",
            Line,
            r"\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07",
        ),
        ("OSC 52 clipboard, ST terminated", "\x1b]52;c;Y3VybA==\x1b\\", Line, r"\x1b]52;c;Y3VybA==\x1b\"),
        ("unterminated sequence", "\x1b]0;never ends", Line, r"\x1b]0;never ends"),
        ("C1 CSI", "\u{9b}2J", Line, "<U+009B>2J"),
        ("C1 OSC + ST", "\u{9d}0;t\u{9c}", Line, "<U+009D>0;t<U+009C>"),
        ("C1 NEL", "a\u{85}b", Block, "a<U+0085>b"),
        ("lone CR, line", "user=bob\ruser=root", Line, r"user=bob\ruser=root"),
        ("lone CR, block", "user=bob\ruser=root", Block, r"user=bob\ruser=root"),
        ("BS", "secret\x08\x08\x08***", Line, r"secret\x08\x08\x08***"),
        ("BEL", "ding\x07", Line, r"ding\x07"),
        ("DEL", "a\x7fb", Line, r"a\x7fb"),
        ("NUL", "a\0b", Line, r"a\x00b"),
        ("other C0", "\x01\x1f", Line, r"\x01\x1f"),
        (
            "Trojan Source bidi override",
            "access\u{202E}\u{2066}// admin\u{2069}\u{2066}",
            Line,
            "access<U+202E><U+2066>// admin<U+2069><U+2066>",
        ),
        ("RLO filename", "invoice\u{202E}fdp.exe", Block, "invoice<U+202E>fdp.exe"),
        ("zero-width space", "ad\u{200B}min", Line, "ad<U+200B>min"),
        ("BOM inside a value", "key=\u{FEFF}value", Line, "key=<U+FEFF>value"),
        ("line separator", "a\u{2028}b", Line, "a<U+2028>b"),
        ("paragraph separator, block", "a\u{2029}b", Block, "a<U+2029>b"),
        ("soft hyphen", "pay\u{AD}pal", Line, "pay<U+00AD>pal"),
        ("Mongolian vowel separator", "x\u{180E}y", Line, "x<U+180E>y"),
        ("Arabic letter mark", "\u{61C}", Line, "<U+061C>"),
        ("tag characters", "ok\u{E0001}\u{E0041}\u{E007F}", Line, "ok<U+E0001><U+E0041><U+E007F>"),
        ("newline, line", "a\nb", Line, r"a\nb"),
        ("newline, block", "a\nb", Block, "a\nb"),
        ("CRLF, line", "a\r\nb", Line, r"a\r\nb"),
        ("CRLF, block", "a\r\nb", Block, "a\\r\nb"),
        ("TAB, line", "a\tb", Line, r"a\tb"),
        ("TAB, block", "a\tb", Block, "a    b"),
        ("literal backslash kept", r"C:\temp\x41\n", Line, r"C:\temp\x41\n"),
        // ZWJ is in the mandated U+200B..=U+200F range; emoji sequences are
        // shown as their parts rather than letting a joiner hide in names.
        ("ZWJ emoji", "👨\u{200D}👩", Line, "👨<U+200D>👩"),
        (
            "escape after long clean ASCII",
            "0123456789abcdef0123456789abcdef\x1b",
            Line,
            r"0123456789abcdef0123456789abcdef\x1b",
        ),
        ("escape after CJK", "日本語日本語日本語\u{202E}", Line, "日本語日本語日本語<U+202E>"),
    ];
    for &(name, input, mode, expected) in cases {
        let got = sanitize(input, mode);
        assert_eq!(got, expected, "{name}");
        assert_eq!(matches!(got, Cow::Owned(_)), input != expected, "{name}: owned exactly when something changed");
        assert_eq!(concat(&pieces(input, mode)), expected, "{name}: pieces");
        assert_eq!(display(input, mode).to_string(), expected, "{name}: display");
    }
}

#[test]
fn invalid_utf8_table() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("stray 0xff", b"ab\xffcd", r"ab\xffcd"),
        ("truncated 2-byte at end", b"caf\xc3", r"caf\xc3"),
        ("truncated 3-byte at end", b"price \xe2\x82", r"price \xe2\x82"),
        ("truncated 4-byte mid value", b"a\xf0\x9f\x99b", r"a\xf0\x9f\x99b"),
        ("overlong slash", b"..\xc0\xaf..", r"..\xc0\xaf.."),
        ("encoded surrogate", b"\xed\xa0\x80", r"\xed\xa0\x80"),
        ("raw 8-bit CSI byte", b"\x9b2J", r"\x9b2J"),
        ("valid C1 CSI", b"\xc2\x9b2J", "<U+009B>2J"),
        ("controls and invalid mixed", b"\x1b[31m\xff\n", r"\x1b[31m\xff\n"),
        ("lone continuation", b"\x80", r"\x80"),
    ];
    for &(name, input, expected) in cases {
        assert_eq!(sanitize_bytes(input, Mode::Line), expected, "{name}");
        assert_eq!(concat(&pieces_bytes(input, Mode::Line)), expected, "{name}: pieces");
    }
    assert_eq!(sanitize_bytes(b"a\xff\nb\t", Mode::Block), "a\\xff\nb    ");
}

#[test]
fn clean_text_is_borrowed_and_unchanged() {
    for s in [
        "",
        "GET /api/v1/users?id=42 HTTP/1.1 200 0.003s",
        "日本語のログ 中文 한국어",
        "🙂🔥🚀 emoji",
        "naïve café e\u{301} Ελληνικά кириллица",
        "עברית العربية",
        "€ — “quotes” ‘apostrophe’ ✓",
        "\u{A0}\u{BF}\u{FFFD}\u{1F600}\u{10FFFF}",
    ] {
        let out = sanitize(s, Mode::Line);
        assert!(matches!(out, Cow::Borrowed(_)), "{s:?} was copied");
        assert_eq!(out, s);
        assert!(matches!(sanitize_bytes(s.as_bytes(), Mode::Line), Cow::Borrowed(_)), "{s:?}");
        assert!(!needs_escaping(s), "{s:?}");
    }
    let trace = "Error: boom\n    at main (app.js:1:2)\n";
    assert!(matches!(sanitize(trace, Mode::Block), Cow::Borrowed(_)));
}

#[test]
fn pieces_mark_escapes_for_styling() {
    assert_eq!(
        pieces("a\x1bb\nc\td\u{202E}", Mode::Block),
        vec![
            Piece::Text("a"),
            Piece::Escape(r"\x1b".to_string()),
            Piece::Text("b"),
            Piece::Newline,
            Piece::Text("c"),
            Piece::Text("    "),
            Piece::Text("d"),
            Piece::Escape("<U+202E>".to_string()),
        ]
    );
    assert_eq!(pieces("a\nb", Mode::Line), vec![Piece::Text("a"), Piece::Escape(r"\n".to_string()), Piece::Text("b")]);
    assert_eq!(pieces("", Mode::Line), vec![]);
    assert_eq!(pieces_bytes(b"x\xff", Mode::Line), vec![Piece::Text("x"), Piece::Escape(r"\xff".to_string())]);
    assert!(Piece::Escape(String::new()).is_escape());
    assert!(!Piece::Text("x").is_escape());
}

#[test]
fn needs_escaping_follows_line_mode() {
    assert!(needs_escaping("a\nb"), "LF is escaped in Line mode");
    assert!(needs_escaping("a\tb"));
    assert!(needs_escaping("\u{FEFF}"));
    assert!(needs_escaping("\x7f"));
    assert!(!needs_escaping(r"back\slash"));
}

#[test]
fn push_sanitized_appends() {
    let mut buf = String::from("> ");
    push_sanitized(&mut buf, "a\x1b", Mode::Line);
    push_sanitized(&mut buf, "|b", Mode::Line);
    assert_eq!(buf, r"> a\x1b|b");
}

const PAD: &str = "0123456789abcdefghijklmnopqrstuvwxyz";

/// Every Unicode scalar value is escaped exactly when the policy says so.
/// Catches fast-path gaps for any lead byte; the varying ASCII prefix moves
/// the char through every position of the scanner's 16-byte window.
#[test]
fn exhaustive_scalar_values() {
    let mut buf = String::new();
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let prefix = &PAD[..(u32::from(c) % 33) as usize];
        buf.clear();
        buf.push_str(prefix);
        buf.push(c);
        buf.push_str(PAD);
        let out = sanitize(&buf, Mode::Line);
        let escaped = c.is_ascii_control() || in_must_escape(c);
        assert_eq!(matches!(out, Cow::Owned(_)), escaped, "U+{:04X}: got {out:?}", u32::from(c));
        if !c.is_ascii() && escaped {
            assert_eq!(out, format!("{prefix}<U+{:04X}>{PAD}", u32::from(c)));
        }
    }
}

/// Every ASCII byte at every offset of a long clean run, so the 16-byte
/// fast path cannot let a control through.
#[test]
fn ascii_controls_inside_long_runs() {
    for b in 0u8..0x80 {
        for offset in 0..=PAD.len() {
            let mut s = PAD.to_string();
            s.insert(offset, char::from(b));
            let out = sanitize(&s, Mode::Line);
            let escaped = b < 0x20 || b == 0x7f;
            assert_eq!(matches!(out, Cow::Owned(_)), escaped, "byte {b:#04x} at {offset}");
            assert!(!out.chars().any(forbidden_in_line), "byte {b:#04x} at {offset}");
        }
    }
}

/// For a terminal that is not UTF-8, everything outside printable ASCII is a
/// visible escape; controls keep their usual escapes.
#[test]
fn ascii_charset_table() {
    use Charset::Ascii;
    use Mode::{Block, Line};
    let cases: &[(&str, Mode, &str)] = &[
        ("José Núñez", Line, "Jos<U+00E9> N<U+00FA><U+00F1>ez"),
        ("客户 🙂", Line, "<U+5BA2><U+6237> <U+1F642>"),
        ("evil\u{202E}txt", Line, "evil<U+202E>txt"),
        ("\u{9b}2J\x1b[2J\u{7f}", Line, r"<U+009B>2J\x1b[2J\x7f"),
        ("a\tb\nc", Line, r"a\tb\nc"),
        ("a\tb\nc→d", Block, "a    b\nc<U+2192>d"),
        ("plain ASCII stays", Line, "plain ASCII stays"),
    ];
    for &(input, mode, want) in cases {
        assert_eq!(sanitize_in(input, mode, Ascii), want, "{input:?} in {mode:?}");
        assert_eq!(concat(&iter_pieces_in(input, mode, Ascii).collect::<Vec<_>>()), want, "{input:?} pieces");
    }
    assert!(matches!(sanitize_in("plain", Line, Ascii), Cow::Borrowed(_)));
    // The default charset is the one every headless output uses.
    assert_eq!(sanitize_in("José", Line, Charset::Unicode), sanitize("José", Line));
}

/// Every non-ASCII scalar value at every position of the scanner's window.
#[test]
fn ascii_charset_escapes_every_non_ascii_scalar() {
    let mut buf = String::new();
    for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
        let prefix = &PAD[..(u32::from(c) % 33) as usize];
        buf.clear();
        buf.push_str(prefix);
        buf.push(c);
        buf.push_str(PAD);
        let out = sanitize_in(&buf, Mode::Line, Charset::Ascii);
        assert_eq!(out, format!("{prefix}<U+{:04X}>{PAD}", u32::from(c)));
    }
}

// ---------------------------------------------------------------------------
// Properties

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        // Fixed seed: the suite is deterministic and writes no regression
        // files into the source tree.
        rng_seed: RngSeed::Fixed(0x5A71_7A3E),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Characters weighted towards the ones the sanitizer cares about.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        3 => prop::char::range(' ', '~'),
        2 => prop::char::range('\0', '\x1f'),
        1 => Just('\x7f'),
        1 => Just('\\'),
        1 => prop::char::range('\u{80}', '\u{9f}'),
        2 => prop::sample::select(vec![
            '\u{AD}', '\u{61C}', '\u{180E}', '\u{200B}', '\u{200D}', '\u{200F}', '\u{2028}',
            '\u{2029}', '\u{202A}', '\u{202E}', '\u{2060}', '\u{2066}', '\u{2069}', '\u{206F}',
            '\u{FEFF}', '\u{FFF9}', '\u{FFFB}', '\u{E0001}', '\u{E0041}', '\u{E007F}',
            // Same lead bytes as escaped chars but must pass through.
            '\u{A0}', '\u{2027}', '\u{2030}', '\u{FEFE}', '\u{FFFD}', '\u{E0080}', '日', '🙂',
        ]),
    ]
}

fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        3 => prop::collection::vec(hostile_char(), 0..80).prop_map(String::from_iter),
        // Mostly clean ASCII with a few specials: exercises the chunked fast
        // path, which random soup rarely reaches.
        2 => prop::collection::vec(("[ -~]{0,40}", hostile_char()), 0..4)
            .prop_map(|parts| parts.into_iter().map(|(a, c)| format!("{a}{c}")).collect()),
    ]
}

/// Byte soup mixing valid text, random bytes and truncated sequences.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => hostile_char().prop_map(|c| c.to_string().into_bytes()),
        1 => any::<u8>().prop_map(|b| vec![b]),
        1 => (any::<char>(), 1usize..4).prop_map(|(c, n)| {
            let mut b = c.to_string().into_bytes();
            b.truncate(n);
            b
        }),
    ];
    prop_oneof![
        1 => any::<Vec<u8>>(),
        3 => prop::collection::vec(piece, 0..60).prop_map(|v| v.concat()),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn line_output_is_inert_single_row(s in hostile_string()) {
        let out = sanitize(&s, Mode::Line);
        prop_assert!(!out.contains('\n'));
        prop_assert!(!out.chars().any(forbidden_in_line), "{:?}", out);
    }

    #[test]
    fn block_output_only_keeps_line_feeds(s in hostile_string()) {
        let out = sanitize(&s, Mode::Block);
        prop_assert!(!out.chars().any(forbidden_in_block), "{:?}", out);
        prop_assert_eq!(out.matches('\n').count(), s.matches('\n').count());
    }

    #[test]
    fn bytes_output_is_inert(b in hostile_bytes()) {
        let line = sanitize_bytes(&b, Mode::Line);
        prop_assert!(!line.contains('\n'));
        prop_assert!(!line.chars().any(forbidden_in_line), "{:?}", line);
        let block = sanitize_bytes(&b, Mode::Block);
        prop_assert!(!block.chars().any(forbidden_in_block), "{:?}", block);
    }

    #[test]
    fn sanitizing_twice_changes_nothing(s in hostile_string(), b in hostile_bytes()) {
        for mode in [Mode::Line, Mode::Block] {
            let once = sanitize(&s, mode);
            let twice = sanitize(&once, mode);
            prop_assert!(matches!(twice, Cow::Borrowed(_)), "{:?}", once);
            prop_assert_eq!(&twice, &once);

            let once = sanitize_bytes(&b, mode);
            prop_assert_eq!(sanitize(&once, mode), once.clone());
        }
    }

    #[test]
    fn pieces_concatenate_to_sanitize(s in hostile_string(), b in hostile_bytes()) {
        for mode in [Mode::Line, Mode::Block] {
            let ps = pieces(&s, mode);
            prop_assert_eq!(concat(&ps), sanitize(&s, mode));
            prop_assert_eq!(concat(&iter_pieces(&s, mode).collect::<Vec<_>>()), concat(&ps));
            for p in &ps {
                match p {
                    Piece::Text(t) => prop_assert!(!t.is_empty()),
                    Piece::Escape(e) => prop_assert!(
                        !e.is_empty() && e.bytes().all(|b| b.is_ascii_graphic()),
                        "{:?}", e
                    ),
                    Piece::Newline => prop_assert_eq!(mode, Mode::Block),
                }
            }
            prop_assert_eq!(concat(&pieces_bytes(&b, mode)), sanitize_bytes(&b, mode));
        }
    }

    /// Escape, never strip: Line-mode pieces decode back to the exact input.
    #[test]
    fn line_pieces_lose_nothing(s in hostile_string(), b in hostile_bytes()) {
        prop_assert_eq!(decode_line_pieces(&pieces(&s, Mode::Line)), s.as_bytes());
        prop_assert_eq!(decode_line_pieces(&pieces_bytes(&b, Mode::Line)), b);
    }

    /// The modes differ only in how LF and TAB are shown.
    #[test]
    fn modes_differ_only_in_lf_and_tab(s in hostile_string()) {
        let line = pieces(&s, Mode::Line);
        let block = pieces(&s, Mode::Block);
        prop_assert_eq!(line.len(), block.len());
        for (l, b) in line.iter().zip(&block) {
            match (l, b) {
                (Piece::Escape(e), Piece::Newline) => prop_assert_eq!(e.as_str(), r"\n"),
                (Piece::Escape(e), Piece::Text("    ")) if e == r"\t" => {}
                _ => prop_assert_eq!(l, b),
            }
        }
    }

    #[test]
    fn printable_ascii_is_borrowed_and_identical(s in "[ -~]{0,200}") {
        let out = sanitize(&s, Mode::Line);
        prop_assert!(matches!(out, Cow::Borrowed(_)));
        prop_assert_eq!(&out, &s);
        prop_assert!(matches!(sanitize(&s, Mode::Block), Cow::Borrowed(_)));
        prop_assert!(matches!(sanitize_bytes(s.as_bytes(), Mode::Line), Cow::Borrowed(_)));
    }

    /// ASCII output is printable ASCII (and line feeds in Block mode), decodes back
    /// to the input, and differs from Unicode output only where the input is not ASCII.
    #[test]
    fn ascii_charset_output_is_printable_ascii_and_loses_nothing(s in hostile_string()) {
        let line = sanitize_in(&s, Mode::Line, Charset::Ascii);
        prop_assert!(line.bytes().all(|b| b.is_ascii_graphic() || b == b' '), "{:?}", line);
        let block = sanitize_in(&s, Mode::Block, Charset::Ascii);
        prop_assert!(block.bytes().all(|b| b.is_ascii_graphic() || b == b' ' || b == b'\n'), "{:?}", block);
        let ps = iter_pieces_in(&s, Mode::Line, Charset::Ascii).collect::<Vec<_>>();
        prop_assert_eq!(concat(&ps), line.clone());
        prop_assert_eq!(decode_line_pieces(&ps), s.as_bytes());
        if s.is_ascii() {
            prop_assert_eq!(line, sanitize(&s, Mode::Line));
        }
    }

    #[test]
    fn entry_points_agree(s in hostile_string()) {
        let line = sanitize(&s, Mode::Line);
        prop_assert_eq!(needs_escaping(&s), matches!(line, Cow::Owned(_)));
        prop_assert_eq!(needs_escaping(&s), line != s);
        for mode in [Mode::Line, Mode::Block] {
            let out = sanitize(&s, mode);
            prop_assert_eq!(sanitize_bytes(s.as_bytes(), mode), out.clone());
            prop_assert_eq!(display(&s, mode).to_string(), out.as_ref());
            let mut buf = String::new();
            push_sanitized(&mut buf, &s, mode);
            prop_assert_eq!(buf, out.as_ref());
        }
    }
}
