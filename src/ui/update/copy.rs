//! Copies and saves in the explorer: what `y`, `R`, `r` and `s` change, and what the status
//! line says once the loop reports where a copy went. Never claims a copy no clipboard
//! confirmed. No I/O here: the loop runs the clipboard and writes files (`clipboard`).

use crate::redact::Redactor;
use crate::ui::app::{App, Note, Request};
use crate::ui::clipboard::{Clip, MAX_COPY_BYTES, Outcome};

/// Ticks a copy's outcome stays on the status line: long enough to read and act on `s`.
const OUTCOME_TICKS: u64 = 100;

fn say(app: &mut App, text: String, is_error: bool) {
    app.note = Some(Note { text, is_error, until_tick: app.tick + OUTCOME_TICKS });
}

/// `r`: copies and saves from now on are redacted (or no longer).
pub fn toggle_redact(app: &mut App) {
    app.copy.redact = !app.copy.redact;
    let text = if app.copy.redact {
        "redaction on: copies and saves mask names, e-mail addresses, hosts, IP addresses and tokens"
    } else {
        "redaction off: copies and saves are as written"
    };
    say(app, text.to_string(), false);
}

/// `y`: the selected event's line, as written (redacted when redaction is on).
pub fn copy_event(app: &mut App) {
    let Some(e) = app.selected() else { return };
    let raw = crate::model::store::readable(app.index.raw_line(e));
    let (text, redacted) = if app.copy.redact {
        let mut r = Redactor::for_index(&app.index);
        r.learn_line(raw);
        let text = String::from_utf8_lossy(&r.json_line(raw)).into_owned();
        (text, Some(r.summary()))
    } else {
        (String::from_utf8_lossy(raw).into_owned(), None)
    };
    let mut clip = Clip::new(format!("the event's line ({} bytes)", text.len()), "event", "txt", &text);
    clip.redacted = redacted;
    start(app, clip);
}

/// `R`, once the report is written: copies it (redacted when redaction is on).
pub fn copy_report_text(app: &mut App, markdown: &str) {
    let (text, redacted) = if app.copy.redact {
        // The sessions' names and the report's own fields; reading every line again for
        // names would hold up the loop on a big bundle.
        let (text, summary) = crate::report::redacted_markdown(&app.index, markdown, false);
        (text, Some(summary))
    } else {
        (markdown.to_string(), None)
    };
    let what = format!("a support report ({} KiB of Markdown)", text.len().div_ceil(1024));
    let mut clip = Clip::new(what, "report", "md", &text);
    clip.redacted = redacted;
    start(app, clip);
}

fn start(app: &mut App, clip: Clip) {
    say(app, format!("copying {}…", clip.what), false);
    app.requests.push(Request::Copy(clip));
}

/// What else the status line says about a copy: cut, escaped, redacted.
fn details(clip: &Clip) -> String {
    let mut out = String::new();
    if clip.is_cut() {
        out.push_str(&format!(
            "; only its first {} MiB of {:.1} MiB (s saves all of it)",
            MAX_COPY_BYTES >> 20,
            clip.text.len() as f64 / f64::from(1 << 20)
        ));
    }
    if clip.escaped > 0 {
        out.push_str(&format!("; {} control characters shown escaped", clip.escaped));
    }
    if let Some(r) = &clip.redacted {
        out.push_str(&format!("; redacted: {r}"));
    }
    out
}

/// The loop says where a copy went: the status line tells it as it is.
pub fn on_copied(app: &mut App, clip: Clip, outcome: Outcome) {
    let details = details(&clip);
    // The first words say what happened and what to do (`s`): a long note is cut at the
    // screen's edge.
    match outcome {
        Outcome::Copied(d) if d.is_system => {
            say(app, format!("copied {} with {}{details}", clip.what, d.method), false);
        }
        Outcome::Copied(d) => say(
            app,
            format!(
                "copied {} to tmux's buffer (prefix ]), not the system clipboard: s saves it to a file \
                 ({}){details}",
                clip.what, d.method
            ),
            false,
        ),
        Outcome::NotConfirmed(why) if app.copy.terminal.osc52 => {
            app.requests.push(Request::Osc52(clip.capped().to_string()));
            let route = app.copy.terminal.osc52_route();
            say(
                app,
                format!("sent {} by {route}, not confirmed: s saves it to a file ({why}){details}", clip.what),
                false,
            );
        }
        Outcome::NotConfirmed(why) => say(
            app,
            format!("not copied: s saves {} to a file ({why}; this terminal takes no OSC 52){details}", clip.what),
            true,
        ),
    }
    app.copy.last = Some(clip);
}

/// `s`: saves the last copy, as it was copied, to a file in the current folder.
pub fn save_last(app: &mut App) {
    match app.copy.last.clone() {
        Some(clip) => {
            say(app, format!("saving {}…", clip.what), false);
            app.requests.push(Request::Save(clip));
        }
        None => say(app, "nothing to save yet: y copies the event's line, R a report; then s saves it".into(), false),
    }
}

/// The loop saved a copy, or says why it could not.
pub fn on_saved(app: &mut App, clip: &Clip, result: Result<std::path::PathBuf, String>) {
    match result {
        Ok(path) => say(app, format!("saved {} to {}", clip.what, path.display()), false),
        Err(why) => say(app, format!("not saved: {why}"), true),
    }
}

/// The support report (`audit-tui report`) of the rows listed now: the scoped session
/// and the filter, with as many events before each error as the detail shows.
pub fn copy_report(app: &mut App) {
    use crate::report::support;
    if app.loading.is_some() {
        app.note("the report waits for the full index", true);
        return;
    }
    let mut query: Vec<String> = Vec::new();
    if let Some(s) = app.scope.and_then(|sid| app.index.session(sid)) {
        let id = &s.id;
        query.push(if id.contains(char::is_whitespace) {
            format!("session:\"{id}\"")
        } else {
            format!("session:{id}")
        });
    }
    if !app.filter.applied_text.trim().is_empty() {
        query.push(app.filter.applied_text.trim().to_string());
    }
    let query = query.join(" ");
    let scope = support::Scope {
        title: &app.title,
        query: (!query.is_empty()).then_some(query.as_str()),
        selected: app.row_ids(),
        marks: &app.marks.placed,
    };
    let limits = support::Limits { before: app.detail.before, groups: 5 };
    let mut out = Vec::new();
    if support::write(&mut out, &app.index, app.zone, &scope, limits).is_err() {
        return;
    }
    copy_report_text(app, &String::from_utf8_lossy(&out));
}
