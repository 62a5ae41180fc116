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
    Binding { keys: &["PgDn", "Space"], action: Action::PageDown, help: "page down" },
    Binding { keys: &["PgUp", "b"], action: Action::PageUp, help: "page up" },
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
    Binding { keys: &["+"], action: Action::MoreContext, help: "more events before (detail)" },
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

/// The action a key asks for in normal (not text-editing) mode.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('c') if ctrl => Action::Quit,
        KeyCode::Char('d') if ctrl => Action::HalfPageDown,
        KeyCode::Char('u') if ctrl => Action::HalfPageUp,
        KeyCode::Char('f') if ctrl => Action::PageDown,
        KeyCode::Char('b') if ctrl => Action::PageUp,
        _ if ctrl => return None,
        KeyCode::Char('j') | KeyCode::Down => Action::MoveDown,
        KeyCode::Char('k') | KeyCode::Up => Action::MoveUp,
        KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
        KeyCode::PageUp | KeyCode::Char('b') => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Tab => Action::FocusNext,
        KeyCode::BackTab => Action::FocusPrev,
        KeyCode::Char('1') => Action::FocusSessions,
        KeyCode::Char('2') => Action::FocusTimeline,
        KeyCode::Char('3') => Action::FocusDetail,
        KeyCode::Enter => Action::Drill,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('/') => Action::EditFilter,
        KeyCode::Char('n') => Action::NextMatch,
        KeyCode::Char('N') => Action::PrevMatch,
        KeyCode::Char('&') => Action::ToggleMatchesOnly,
        KeyCode::Char('e') => Action::NextError,
        KeyCode::Char('E') => Action::PrevError,
        KeyCode::Char('w') => Action::NextWarning,
        KeyCode::Char('W') => Action::PrevWarning,
        KeyCode::Char(']') => Action::NextSession,
        KeyCode::Char('[') => Action::PrevSession,
        KeyCode::Char('!') => Action::ErrorsView,
        KeyCode::Char('o') => Action::NextOccurrence,
        KeyCode::Char('O') => Action::PrevOccurrence,
        KeyCode::Char('+') | KeyCode::Char('=') => Action::MoreContext,
        KeyCode::Char('-') => Action::LessContext,
        KeyCode::Char('m') => Action::ToggleMark,
        KeyCode::Char('\'') => Action::NextMark,
        KeyCode::Char('"') => Action::PrevMark,
        KeyCode::Char('t') => Action::ToggleUtc,
        KeyCode::Char('F') => Action::ToggleFollow,
        KeyCode::Char('y') => Action::CopyEvent,
        KeyCode::Char('R') => Action::CopyReport,
        KeyCode::Char('S') => Action::ShowStory,
        KeyCode::Char('r') => Action::ToggleRedact,
        KeyCode::Char('s') => Action::SaveCopy,
        KeyCode::Char('?') | KeyCode::F(1) => Action::ToggleHelp,
        KeyCode::Char('c') => Action::ShowCheck,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn ctrl_c_always_quits() {
        assert_eq!(action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
    }
}
