//! Keys and what they ask for. One table: the dispatcher and the help overlay both read
//! it, so the help can never disagree with the keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something a user can ask for, independent of the key that asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    MoveDown,
    MoveUp,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    Top,
    Bottom,
    FocusNext,
    FocusPrev,
    FocusSessions,
    FocusTimeline,
    FocusDetail,
    Drill,
    Back,
    EditFilter,
    NextMatch,
    PrevMatch,
    NextError,
    PrevError,
    NextWarning,
    PrevWarning,
    NextSession,
    PrevSession,
    NextOccurrence,
    PrevOccurrence,
    MoreContext,
    LessContext,
    ToggleMatchesOnly,
    ToggleUtc,
    ToggleFollow,
    ErrorsView,
    ToggleMark,
    NextMark,
    PrevMark,
    CopyEvent,
    CopyReport,
    ShowStory,
    ToggleRedact,
    SaveCopy,
    ToggleHelp,
    ShowCheck,
    Quit,
}

/// One row of the keymap: the keys (as shown in help), the action, what it does.
pub struct Binding {
    pub keys: &'static [&'static str],
    pub action: Action,
    pub help: &'static str,
}

/// The keymap, in the order the help overlay lists it.
pub const KEYMAP: &[Binding] = &[
    Binding { keys: &["j", "↓"], action: Action::MoveDown, help: "next row" },
    Binding { keys: &["k", "↑"], action: Action::MoveUp, help: "previous row" },
    Binding { keys: &["PgDn", "Space", "Ctrl-f"], action: Action::PageDown, help: "page down" },
    Binding { keys: &["PgUp", "b", "Ctrl-b"], action: Action::PageUp, help: "page up" },
    Binding { keys: &["Ctrl-d"], action: Action::HalfPageDown, help: "half page down" },
    Binding { keys: &["Ctrl-u"], action: Action::HalfPageUp, help: "half page up" },
    Binding { keys: &["g", "Home"], action: Action::Top, help: "first row" },
    Binding { keys: &["G", "End"], action: Action::Bottom, help: "last row (resumes follow)" },
    Binding { keys: &["Tab"], action: Action::FocusNext, help: "next pane" },
    Binding { keys: &["Shift-Tab"], action: Action::FocusPrev, help: "previous pane" },
    Binding { keys: &["1"], action: Action::FocusSessions, help: "sessions pane" },
    Binding { keys: &["2"], action: Action::FocusTimeline, help: "timeline pane" },
    Binding { keys: &["3"], action: Action::FocusDetail, help: "detail pane" },
    Binding { keys: &["Enter"], action: Action::Drill, help: "drill in: scope to session / open detail" },
    Binding { keys: &["Esc"], action: Action::Back, help: "back: close, clear filter, unscope" },
    Binding { keys: &["/"], action: Action::EditFilter, help: "filter (live; query language)" },
    Binding { keys: &["n"], action: Action::NextMatch, help: "next match" },
    Binding { keys: &["N"], action: Action::PrevMatch, help: "previous match" },
    Binding { keys: &["&"], action: Action::ToggleMatchesOnly, help: "only matches / all rows with matches marked" },
    Binding { keys: &["e"], action: Action::NextError, help: "next error" },
    Binding { keys: &["E"], action: Action::PrevError, help: "previous error" },
    Binding { keys: &["w"], action: Action::NextWarning, help: "next warning" },
    Binding { keys: &["W"], action: Action::PrevWarning, help: "previous warning" },
    Binding { keys: &["]"], action: Action::NextSession, help: "next session" },
    Binding { keys: &["["], action: Action::PrevSession, help: "previous session" },
    Binding { keys: &["!"], action: Action::ErrorsView, help: "errors view: every kind of error, how often, who" },
    Binding { keys: &["o"], action: Action::NextOccurrence, help: "next occurrence of this error" },
    Binding { keys: &["O"], action: Action::PrevOccurrence, help: "previous occurrence of this error" },
    Binding { keys: &["+", "="], action: Action::MoreContext, help: "more events before (detail)" },
    Binding { keys: &["-"], action: Action::LessContext, help: "fewer events before (detail)" },
    Binding { keys: &["m"], action: Action::ToggleMark, help: "mark the event, with a note (again: unmark)" },
    Binding { keys: &["'"], action: Action::NextMark, help: "next mark" },
    Binding { keys: &["\""], action: Action::PrevMark, help: "previous mark" },
    Binding { keys: &["t"], action: Action::ToggleUtc, help: "local time / UTC" },
    Binding { keys: &["F"], action: Action::ToggleFollow, help: "follow new events (with --follow)" },
    Binding { keys: &["y"], action: Action::CopyEvent, help: "copy the event's line (clipboard, else OSC 52)" },
    Binding { keys: &["R"], action: Action::CopyReport, help: "copy a support report of the rows listed (Markdown)" },
    Binding { keys: &["S"], action: Action::ShowStory, help: "the session's story: environment, steps, errors" },
    Binding { keys: &["c"], action: Action::ShowCheck, help: "bundle check: missing days, unreadable lines..." },
    Binding { keys: &["r"], action: Action::ToggleRedact, help: "redact copies and saves: names, addresses, tokens" },
    Binding { keys: &["s"], action: Action::SaveCopy, help: "save the last copy to a file in this folder" },
    Binding { keys: &["?", "F1"], action: Action::ToggleHelp, help: "this help" },
    Binding { keys: &["q"], action: Action::Quit, help: "quit (Ctrl-C always quits, Ctrl-Z suspends)" },
];

/// The action a key asks for in normal (not text-editing) mode: the [`KEYMAP`] row that
/// names it. Ctrl-C always quits, whatever the table says.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    static CHORDS: std::sync::OnceLock<Vec<(Chord, Action)>> = std::sync::OnceLock::new();
    let chord = Chord::of(key);
    if chord == CTRL_C {
        return Some(Action::Quit);
    }
    let chords = CHORDS.get_or_init(|| {
        KEYMAP.iter().flat_map(|b| b.keys.iter().filter_map(|k| Chord::parse(k)).map(|c| (c, b.action))).collect()
    });
    chords.iter().find(|(c, _)| *c == chord).map(|&(_, a)| a)
}

const CTRL_C: Chord = Chord { code: KeyCode::Char('c'), ctrl: true };

impl Action {
    /// The name a config file gives the action: `ErrorsView` is `errors_view`.
    pub fn name(self) -> String {
        let mut out = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    pub fn from_name(name: &str) -> Option<Action> {
        KEYMAP.iter().map(|b| b.action).find(|a| a.name() == name)
    }
}

/// A key as a config names it and dispatch compares it: the code, and whether Ctrl is held
/// (other modifiers are part of the character: `G`, `!`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Chord {
    code: KeyCode,
    ctrl: bool,
}

impl Chord {
    fn of(key: KeyEvent) -> Chord {
        Chord { code: key.code, ctrl: key.modifiers.contains(KeyModifiers::CONTROL) }
    }

    /// `x`, `Ctrl-x`, `F2`, and the names the help shows (`Enter`, `PgDn`, `↓`...).
    fn parse(name: &str) -> Option<Chord> {
        if let Some(c) = name.strip_prefix("Ctrl-").or_else(|| name.strip_prefix("ctrl-")) {
            let mut chars = c.chars();
            let (Some(ch), None) = (chars.next(), chars.next()) else { return None };
            return ch
                .is_ascii_alphabetic()
                .then_some(Chord { code: KeyCode::Char(ch.to_ascii_lowercase()), ctrl: true });
        }
        let mut chars = name.chars();
        if let (Some(ch), None) = (chars.next(), chars.clone().next()) {
            let code = match ch {
                '↑' => KeyCode::Up,
                '↓' => KeyCode::Down,
                _ => KeyCode::Char(ch),
            };
            return Some(Chord { code, ctrl: false });
        }
        let code = match name.to_ascii_lowercase().as_str() {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "shift-tab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "insert" => KeyCode::Insert,
            f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?),
            _ => return None,
        };
        Some(Chord { code, ctrl: false })
    }
}

/// The keymap with a config's overrides: an action given keys answers to them, and no
/// longer to its default keys; a default key another action took answers to that action.
/// Ctrl-C always quits.
#[derive(Clone, Debug, Default)]
pub struct Keys {
    /// (action, the keys as written, parsed).
    overrides: Vec<(Action, Vec<String>, Vec<Chord>)>,
}

impl Keys {
    /// Overrides as (action name, keys); `Err` lists (index into `overrides`, why).
    pub fn from_overrides(overrides: &[(String, Vec<String>)]) -> Result<Keys, Vec<(usize, String)>> {
        let mut keys = Keys::default();
        let mut problems = Vec::new();
        for (i, (name, names)) in overrides.iter().enumerate() {
            let Some(action) = Action::from_name(name) else {
                problems.push((i, format!("no action named {name:?} (audit-tui config --default lists them)")));
                continue;
            };
            let mut chords = Vec::new();
            for n in names {
                match Chord::parse(n) {
                    Some(CTRL_C) => problems.push((i, "Ctrl-c always quits".into())),
                    Some(c) => chords.push(c),
                    None => problems
                        .push((i, format!("unknown key {n:?} (a character, Ctrl-x, F1-F12, Enter, Esc, Tab...)"))),
                }
            }
            keys.overrides.push((action, names.clone(), chords));
        }
        for (i, (_, names, chords)) in keys.overrides.iter().enumerate() {
            for (b, _, other) in &keys.overrides[..i] {
                if let Some(k) = chords.iter().position(|c| other.contains(c)) {
                    problems.push((i, format!("{:?} is also given to {}", names[k], b.name())));
                }
            }
        }
        if problems.is_empty() { Ok(keys) } else { Err(problems) }
    }

    pub fn has_overrides(&self) -> bool {
        !self.overrides.is_empty()
    }

    /// The action a key asks for in normal (not text-editing) mode.
    pub fn action_for(&self, key: KeyEvent) -> Option<Action> {
        if self.overrides.is_empty() {
            return action_for(key);
        }
        let chord = Chord::of(key);
        if chord == CTRL_C {
            return Some(Action::Quit);
        }
        if let Some((a, _, _)) = self.overrides.iter().find(|(_, _, cs)| cs.contains(&chord)) {
            return Some(*a);
        }
        action_for(key).filter(|a| !self.overrides.iter().any(|(o, _, _)| o == a))
    }

    /// The keys of a binding as the help lists them.
    pub fn keys_of(&self, b: &Binding) -> Vec<String> {
        if let Some((_, names, _)) = self.overrides.iter().find(|(a, _, _)| *a == b.action) {
            return names.clone();
        }
        b.keys
            .iter()
            .filter(|k| {
                let c = Chord::parse(k);
                !self.overrides.iter().any(|(_, _, cs)| c.is_some_and(|c| cs.contains(&c)))
            })
            .map(|k| k.to_string())
            .collect()
    }

    /// The first key of an action, for hints (`?`); `-` when it has none left.
    pub fn key_of(&self, action: Action) -> String {
        KEYMAP
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| self.keys_of(b).into_iter().next())
            .unwrap_or_else(|| "-".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_move_an_action_to_its_new_key() {
        let keys = Keys::from_overrides(&[("errors_view".into(), vec!["x".into()])]).expect("valid");
        assert_eq!(keys.action_for(key(KeyCode::Char('x'))), Some(Action::ErrorsView));
        assert_eq!(keys.action_for(key(KeyCode::Char('!'))), None);
        assert_eq!(keys.action_for(key(KeyCode::Char('e'))), Some(Action::NextError));
        assert_eq!(keys.key_of(Action::ErrorsView), "x");
        // A default key taken by another action leaves the help of its old action.
        let keys = Keys::from_overrides(&[("errors_view".into(), vec!["e".into()])]).expect("valid");
        assert_eq!(keys.action_for(key(KeyCode::Char('e'))), Some(Action::ErrorsView));
        assert_eq!(keys.key_of(Action::NextError), "-");
        let bad = Keys::from_overrides(&[("errors".into(), vec!["x".into()]), ("quit".into(), vec!["Hyper-x".into()])]);
        assert_eq!(bad.unwrap_err().iter().map(|p| p.0).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn every_action_has_a_distinct_name() {
        let names: std::collections::BTreeSet<String> = KEYMAP.iter().map(|b| b.action.name()).collect();
        assert_eq!(names.len(), KEYMAP.len());
        assert_eq!(Action::ErrorsView.name(), "errors_view");
        assert_eq!(Action::from_name("next_error"), Some(Action::NextError));
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn every_listed_binding_is_dispatched() {
        // The first key named in each help row must produce that row's action.
        for b in KEYMAP {
            let first = b.keys[0];
            let event = match first {
                "↓" => key(KeyCode::Down),
                "↑" => key(KeyCode::Up),
                "PgDn" => key(KeyCode::PageDown),
                "PgUp" => key(KeyCode::PageUp),
                "Home" => key(KeyCode::Home),
                "End" => key(KeyCode::End),
                "Tab" => key(KeyCode::Tab),
                "Shift-Tab" => key(KeyCode::BackTab),
                "Enter" => key(KeyCode::Enter),
                "Esc" => key(KeyCode::Esc),
                "Space" => key(KeyCode::Char(' ')),
                "F1" => key(KeyCode::F(1)),
                s if s.starts_with("Ctrl-") => {
                    KeyEvent::new(KeyCode::Char(s.chars().last().unwrap()), KeyModifiers::CONTROL)
                }
                s => key(KeyCode::Char(s.chars().next().unwrap())),
            };
            assert_eq!(action_for(event), Some(b.action), "key {first}");
        }
    }

    #[test]
    fn every_key_in_the_table_parses_and_names_one_action() {
        let mut seen = Vec::new();
        for b in KEYMAP {
            for k in b.keys {
                let chord = Chord::parse(k).unwrap_or_else(|| panic!("key {k:?} of {:?} does not parse", b.action));
                assert!(!seen.contains(&chord), "key {k:?} is bound twice");
                seen.push(chord);
            }
        }
    }

    #[test]
    fn keys_the_help_once_left_out_are_in_the_table() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(action_for(ctrl('f')), Some(Action::PageDown));
        assert_eq!(action_for(ctrl('b')), Some(Action::PageUp));
        assert_eq!(action_for(key(KeyCode::Char('='))), Some(Action::MoreContext));
        assert_eq!(action_for(ctrl('j')), None, "Ctrl with an unbound letter does nothing");
        assert_eq!(action_for(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)), Some(Action::Bottom));
    }

    #[test]
    fn ctrl_c_always_quits() {
        assert_eq!(action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
    }
}
