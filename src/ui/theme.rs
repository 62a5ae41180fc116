//! Colours. The 16 ANSI colours by default, so the user's terminal palette applies; a
//! monochrome theme (modifiers only) under NO_COLOR.

use crate::model::Level;
use ratatui::style::{Color, Modifier, Style};
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
}

static THEME: OnceLock<Theme> = OnceLock::new();

impl Theme {
    /// Colour unless NO_COLOR is set (to anything non-empty) or TERM is dumb.
    pub fn current() -> Theme {
        THEME
            .get_or_init(|| {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                    || std::env::var("TERM").is_ok_and(|t| t == "dumb");
                if no_color { Theme::mono() } else { Theme::color() }
            })
            .clone()
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
        }
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
        match crate::ingest::facts::level_from_status(status) {
            Some(l) if l.is_error() => self.error,
            Some(Level::Warn) => self.warn,
            Some(Level::Info) => self.ok,
            _ => Style::default(),
        }
    }
}
