//! Colours and glyphs. The 16 ANSI colours by default, so the user's terminal palette
//! applies; a monochrome theme (modifiers only) under NO_COLOR. Box drawing and Unicode
//! markers under a UTF-8 locale; ASCII under any other (`LANG=C`, Latin-1).

use crate::model::Level;
use crate::sanitize::Charset;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use std::ffi::OsString;
use std::sync::OnceLock;

#[derive(Clone, Debug)]
pub struct Theme {
    pub mono: bool,
    pub border: Style,
    pub border_focus: Style,
    pub title: Style,
    pub dim: Style,
    pub selected: Style,
    pub escape: Style,
    pub matched: Style,
    pub match_marker: Style,
    pub error: Style,
    pub warn: Style,
    pub ok: Style,
    pub fatal: Style,
    pub debug: Style,
    pub unparsed: Style,
    pub key: Style,
    pub string: Style,
    pub number: Style,
    pub literal: Style,
    pub punct: Style,
    pub heading: Style,
    pub status: Style,
    pub status_key: Style,
    pub bar: Style,
    pub bar_error: Style,
    pub bar_visible: Style,
    pub session: Style,
    pub category: Style,
    /// The symbols drawn around the text: the app's, chosen once at start-up.
    pub glyphs: Glyphs,
}

static THEME: OnceLock<Theme> = OnceLock::new();

/// Which palette the explorer draws with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Palette {
    Dark,
    Light,
    Mono,
}

/// NO_COLOR (set to anything non-empty) or TERM=dumb: the user asked for no colour.
pub fn colour_refused() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) || std::env::var("TERM").is_ok_and(|t| t == "dumb")
}

impl Theme {
    /// The theme chosen at start-up ([`Theme::choose`]); else colour unless NO_COLOR is
    /// set (to anything non-empty) or TERM is dumb.
    pub fn current() -> Theme {
        THEME.get_or_init(|| if colour_refused() { Theme::mono() } else { Theme::color() }).clone()
    }

    /// Sets the theme for this process (first call wins; before the first frame).
    pub fn choose(palette: Palette) {
        let _ = THEME.set(match palette {
            Palette::Dark => Theme::color(),
            Palette::Light => Theme::light(),
            Palette::Mono => Theme::mono(),
        });
    }

    /// For light backgrounds: the dark theme's yellows (unreadable on white) become dark
    /// orange from the 256-colour cube, grey text turns darker, the status bar light.
    pub fn light() -> Theme {
        let fg = |c: Color| Style::default().fg(c);
        let amber = Color::Indexed(130);
        Theme {
            matched: fg(amber).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            match_marker: fg(amber),
            warn: fg(amber),
            number: fg(amber),
            dim: fg(Color::Indexed(242)),
            punct: fg(Color::Indexed(242)),
            border: fg(Color::Indexed(246)),
            border_focus: fg(Color::Blue),
            key: fg(Color::Blue),
            heading: fg(Color::Blue).add_modifier(Modifier::BOLD),
            session: fg(Color::Indexed(24)),
            string: fg(Color::Indexed(28)),
            ok: fg(Color::Indexed(28)),
            status: Style::default().bg(Color::Indexed(252)).fg(Color::Black),
            status_key: Style::default().bg(Color::Indexed(252)).fg(Color::Indexed(130)).add_modifier(Modifier::BOLD),
            bar_visible: Style::default().bg(Color::Indexed(252)),
            ..Theme::color()
        }
    }

    pub fn color() -> Theme {
        let fg = |c: Color| Style::default().fg(c);
        Theme {
            mono: false,
            border: fg(Color::DarkGray),
            border_focus: fg(Color::Cyan),
            title: Style::default().add_modifier(Modifier::BOLD),
            dim: fg(Color::DarkGray),
            selected: Style::default().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD),
            escape: fg(Color::Magenta).add_modifier(Modifier::ITALIC),
            matched: fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            match_marker: fg(Color::Yellow),
            error: fg(Color::Red),
            warn: fg(Color::Yellow),
            ok: fg(Color::Green),
            fatal: fg(Color::Red).add_modifier(Modifier::BOLD | Modifier::REVERSED),
            debug: fg(Color::DarkGray),
            unparsed: fg(Color::Magenta),
            key: fg(Color::Cyan),
            string: fg(Color::Green),
            number: fg(Color::Yellow),
            literal: fg(Color::Magenta),
            punct: fg(Color::DarkGray),
            heading: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            status: Style::default().bg(Color::DarkGray).fg(Color::White),
            status_key: Style::default().bg(Color::DarkGray).fg(Color::Yellow).add_modifier(Modifier::BOLD),
            bar: fg(Color::Blue),
            bar_error: fg(Color::Red),
            bar_visible: Style::default().bg(Color::DarkGray),
            session: fg(Color::Cyan),
            category: fg(Color::Blue),
            glyphs: Glyphs::UNICODE,
        }
    }

    /// No colours at all: state is carried by bold, reverse and underline.
    pub fn mono() -> Theme {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        Theme {
            mono: true,
            border: plain,
            border_focus: bold,
            title: bold,
            dim: plain,
            selected: plain.add_modifier(Modifier::REVERSED),
            escape: plain.add_modifier(Modifier::UNDERLINED),
            matched: bold.add_modifier(Modifier::UNDERLINED),
            match_marker: bold,
            error: bold,
            warn: plain.add_modifier(Modifier::UNDERLINED),
            ok: plain,
            fatal: bold.add_modifier(Modifier::REVERSED),
            debug: plain,
            unparsed: plain.add_modifier(Modifier::ITALIC),
            key: bold,
            string: plain,
            number: plain,
            literal: plain,
            punct: plain,
            heading: bold,
            status: plain.add_modifier(Modifier::REVERSED),
            status_key: bold.add_modifier(Modifier::REVERSED),
            bar: plain,
            bar_error: bold,
            bar_visible: plain.add_modifier(Modifier::REVERSED),
            session: plain,
            category: plain,
            glyphs: Glyphs::UNICODE,
        }
    }

    pub fn with_glyphs(self, glyphs: Glyphs) -> Theme {
        Theme { glyphs, ..self }
    }

    pub fn level(&self, level: Level) -> Style {
        match level {
            Level::Fatal => self.fatal,
            Level::Error => self.error,
            Level::Warn => self.warn,
            Level::Debug | Level::Trace => self.debug,
            Level::Info | Level::None => Style::default(),
        }
    }

    /// tool_audit `status` and similar outcome words: ok green, error red, denied amber.
    pub fn outcome(&self, status: &str) -> Style {
        match crate::ingest::dialects::facts::level_from_status(status) {
            Some(l) if l.is_error() => self.error,
            Some(Level::Warn) => self.warn,
            Some(Level::Info) => self.ok,
            _ => Style::default(),
        }
    }
}

/// Every symbol the explorer draws that is not text from the logs, in two sets: Unicode
/// (box drawing, block elements, arrows) for a UTF-8 terminal, ASCII for any other, which
/// would show UTF-8 bytes as junk. The set is chosen once at start-up
/// ([`Glyphs::for_terminal`]) and kept in the app; the charset also tells the sanitizer to
/// show the logs' own non-ASCII characters as `<U+XXXX>` escapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Glyphs {
    pub charset: Charset,
    pub border: border::Set<'static>,
    pub border_focus: border::Set<'static>,
    /// The help overlay's frame.
    pub border_overlay: border::Set<'static>,
    /// The rule between the detail pane's columns.
    pub rule: &'static str,
    /// Ends text cut to fit; exactly one column wide.
    pub cut: char,
    /// "more follows" in prose: `filtering…`, `… 12 more chars`.
    pub more: &'static str,
    /// Between items of a list: `18 files · 2,716 events`.
    pub dot: &'static str,
    /// Before an error count or message: `✗37`.
    pub failed: &'static str,
    /// A count of occurrences or a size: `×3`, `30×8`.
    pub times: &'static str,
    /// A time range: `05-11 08:28 → 05-17 17:08`.
    pub arrow: &'static str,
    /// New events below: `3 new ↓`.
    pub below: &'static str,
    pub warning: &'static str,
    /// Marks matching rows when all rows are shown.
    pub match_marker: &'static str,
    /// A row the engineer marked (`m`).
    pub mark: &'static str,
    /// The cursor of the sessions pane's filter.
    pub text_cursor: &'static str,
    /// A gap in time between context lines.
    pub gap: &'static str,
    /// The selected event among its context lines.
    pub this: &'static str,
    /// Histogram bars, empty to full.
    pub bars: [char; 9],
    /// Under the histogram: the time range on screen.
    pub in_view: &'static str,
    pub spinner: &'static [char],
}

/// ASCII frames: `+-+` around a pane, `#=#` around the focused one and the help.
const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};
const ASCII_BORDER_FOCUS: border::Set<'static> = border::Set {
    top_left: "#",
    top_right: "#",
    bottom_left: "#",
    bottom_right: "#",
    vertical_left: "#",
    vertical_right: "#",
    horizontal_top: "=",
    horizontal_bottom: "=",
};

impl Glyphs {
    pub const UNICODE: Glyphs = Glyphs {
        charset: Charset::Unicode,
        border: border::ROUNDED,
        border_focus: border::THICK,
        border_overlay: border::DOUBLE,
        rule: "│",
        cut: '…',
        more: "…",
        dot: "·",
        failed: "✗",
        times: "×",
        arrow: "→",
        below: "↓",
        warning: "⚠",
        match_marker: "▌",
        mark: "◆",
        text_cursor: "█",
        gap: "⋮",
        this: "▶",
        bars: [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
        in_view: "▔",
        spinner: &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
    };

    pub const ASCII: Glyphs = Glyphs {
        charset: Charset::Ascii,
        border: ASCII_BORDER,
        border_focus: ASCII_BORDER_FOCUS,
        border_overlay: ASCII_BORDER_FOCUS,
        rule: "|",
        cut: '~',
        more: "...",
        dot: "|",
        failed: "x",
        times: "x",
        arrow: "->",
        below: "v",
        warning: "!",
        match_marker: "*",
        mark: "@",
        text_cursor: "_",
        gap: ":",
        this: ">",
        bars: [' ', '.', ':', '-', '=', '+', '*', '#', '@'],
        in_view: "^",
        spinner: &['|', '/', '-', '\\'],
    };

    /// The set for this process's terminal: ASCII when the locale is not UTF-8 (on Unix,
    /// where the locale says what the terminal decodes; Windows consoles take Unicode).
    pub fn for_terminal() -> Glyphs {
        if cfg!(unix) && !is_utf8_locale(|name| std::env::var_os(name)) { Glyphs::ASCII } else { Glyphs::UNICODE }
    }

    /// A key's name as the help shows it (the keymap names arrows by their symbols).
    pub fn key_name(&self, key: &'static str) -> &'static str {
        match (self.charset, key) {
            (Charset::Ascii, "↓") => "Down",
            (Charset::Ascii, "↑") => "Up",
            _ => key,
        }
    }

    /// [`Glyphs::key_name`] for a key named at run time (a config's key override):
    /// untrusted text, so sanitized.
    pub fn key_name_of(&self, key: &str) -> String {
        match (self.charset, key) {
            (Charset::Ascii, "↓") => "Down".into(),
            (Charset::Ascii, "↑") => "Up".into(),
            _ => self.sanitize(key).into_owned(),
        }
    }

    /// Untrusted text made safe for one row of this terminal.
    pub fn sanitize<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        crate::sanitize::sanitize_in(text, crate::sanitize::Mode::Line, self.charset)
    }

    /// Cuts to `width` columns, ending with [`Glyphs::cut`] when cut.
    pub fn fit(&self, text: &str, width: usize) -> String {
        crate::report::fmt::fit_with(text, width, self.cut)
    }
}

/// Whether the locale the environment names encodes text as UTF-8. The first of LC_ALL,
/// LC_CTYPE and LANG that is set and not empty decides, as POSIX orders them; none means
/// the C locale (ASCII). The codeset is what follows the `.` in
/// `language_territory.codeset@modifier` (macOS also sets a bare `LC_CTYPE=UTF-8`).
pub fn is_utf8_locale(var: impl Fn(&str) -> Option<OsString>) -> bool {
    let Some(locale) = ["LC_ALL", "LC_CTYPE", "LANG"].into_iter().find_map(|name| var(name).filter(|v| !v.is_empty()))
    else {
        return false;
    };
    let locale = locale.to_string_lossy();
    let codeset = locale.split_once('.').map_or(locale.as_ref(), |(_, rest)| rest);
    let codeset = codeset.split('@').next().unwrap_or_default();
    codeset.eq_ignore_ascii_case("UTF-8") || codeset.eq_ignore_ascii_case("utf8")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every style of a theme, to check what colours it uses.
    fn styles(t: &Theme) -> Vec<Style> {
        vec![
            t.border,
            t.border_focus,
            t.title,
            t.dim,
            t.selected,
            t.escape,
            t.matched,
            t.match_marker,
            t.error,
            t.warn,
            t.ok,
            t.fatal,
            t.debug,
            t.unparsed,
            t.key,
            t.string,
            t.number,
            t.literal,
            t.punct,
            t.heading,
            t.status,
            t.status_key,
            t.bar,
            t.bar_error,
            t.bar_visible,
            t.session,
            t.category,
        ]
    }

    #[test]
    fn the_light_theme_has_no_yellow_text_and_mono_no_colour_at_all() {
        let yellow = |s: &Style| matches!(s.fg, Some(Color::Yellow | Color::LightYellow));
        assert!(!styles(&Theme::light()).iter().any(yellow), "yellow is unreadable on a light background");
        assert!(styles(&Theme::mono()).iter().all(|s| s.fg.is_none() && s.bg.is_none()));
        // Without colour, selection and focus still show.
        let mono = Theme::mono();
        assert!(mono.selected.add_modifier.contains(Modifier::REVERSED));
        assert!(mono.border_focus.add_modifier.contains(Modifier::BOLD));
    }

    fn utf8_with(vars: &[(&str, &str)]) -> bool {
        is_utf8_locale(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| OsString::from(v)))
    }

    #[test]
    fn the_locale_is_utf8_when_the_first_set_variable_says_so() {
        assert!(utf8_with(&[("LANG", "en_US.UTF-8")]));
        assert!(utf8_with(&[("LANG", "C.utf8")]));
        assert!(utf8_with(&[("LANG", "de_DE.UTF-8@euro")]));
        assert!(utf8_with(&[("LC_CTYPE", "UTF-8")]), "macOS's bare codeset");
        assert!(!utf8_with(&[]), "nothing set is the C locale");
        assert!(!utf8_with(&[("LANG", "C")]));
        assert!(!utf8_with(&[("LANG", "POSIX")]));
        assert!(!utf8_with(&[("LANG", "en_US")]), "no codeset: the language's legacy one");
        assert!(!utf8_with(&[("LANG", "de_DE.ISO-8859-15@euro")]));
        assert!(!utf8_with(&[("LANG", "en_US.UTF-16")]));
    }

    #[test]
    fn lc_all_then_lc_ctype_then_lang_and_empty_ones_do_not_count() {
        assert!(!utf8_with(&[("LC_ALL", "C"), ("LC_CTYPE", "en_US.UTF-8"), ("LANG", "en_US.UTF-8")]));
        assert!(utf8_with(&[("LC_ALL", "C.UTF-8"), ("LANG", "C")]));
        assert!(!utf8_with(&[("LC_CTYPE", "C"), ("LANG", "en_US.UTF-8")]));
        assert!(utf8_with(&[("LC_ALL", ""), ("LC_CTYPE", ""), ("LANG", "en_US.UTF-8")]));
        assert!(!utf8_with(&[("LC_ALL", ""), ("LANG", "C")]));
    }

    #[test]
    fn the_ascii_set_is_ascii_and_cut_marks_are_one_column() {
        let g = Glyphs::ASCII;
        let b = |s: border::Set<'static>| {
            [s.top_left, s.top_right, s.bottom_left, s.bottom_right, s.vertical_left, s.vertical_right]
                .into_iter()
                .chain([s.horizontal_top, s.horizontal_bottom])
                .collect::<String>()
        };
        let text = [b(g.border), b(g.border_focus), b(g.border_overlay)].concat()
            + &[g.rule, g.more, g.dot, g.failed, g.times, g.arrow, g.below, g.warning, g.match_marker].concat()
            + &[g.text_cursor, g.gap, g.this, g.in_view, g.key_name("↓"), g.key_name("↑")].concat()
            + &String::from_iter(g.bars)
            + &String::from_iter(g.spinner)
            + &g.cut.to_string();
        assert!(text.bytes().all(|c| c.is_ascii_graphic() || c == b' '), "{text}");
        for glyphs in [Glyphs::UNICODE, Glyphs::ASCII] {
            assert_eq!(unicode_width::UnicodeWidthChar::width(glyphs.cut), Some(1));
            assert_eq!(unicode_width::UnicodeWidthStr::width(glyphs.match_marker), 1, "a column of its own");
        }
    }
}
