//! The explorer: a ratatui UI over the index. `app` holds state, `update` changes it,
//! `view` draws it, `term` runs the loop; indexing and filtering run on worker threads.

pub mod app;
pub mod clipboard;
pub mod errors;
#[cfg(debug_assertions)]
mod fault;
pub mod filter;
pub mod keymap;
pub mod msg;
#[cfg(unix)]
mod signals;
pub mod term;
pub mod theme;
pub mod tty;
pub mod update;
pub mod view;

use crate::cli::OpenArgs;
use crate::error::Failure;
use crate::ingest::build::{self, Options, Progress};
use crate::ingest::cache::{self, Cache};
use crate::ingest::inputs::sources;
use crate::paths::resolve_paths;
use app::App;
use msg::Msg;
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// What the explorer takes from the config file besides the index options.
#[derive(Debug, Default)]
pub struct UiSettings {
    pub keys: keymap::Keys,
    pub theme: Option<crate::cli::ThemeName>,
    pub context_before: Option<usize>,
    pub columns: crate::config::ColumnLists,
    /// Problems with the config file, shown as a note.
    pub problems: Vec<String>,
}

/// Bytes of the first inputs indexed at once for the first screen.
const PREVIEW_BYTES: usize = 256 << 10;

pub fn run(args: OpenArgs, opts: Options, settings: UiSettings, cache: Option<Cache>) -> Result<(), Failure> {
    if !std::io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "the explorer needs a terminal; for scripts use summary, sessions, errors or export".into(),
        ));
    }
    tty::install_panic_hook();
    if args.follow {
        return run_follow(args, opts, settings);
    }
    let paths = resolve_paths(&args.paths)?;
    let title = paths.iter().map(|p| sources::display_path(p)).collect::<Vec<_>>().join(" ");
    let discovery = sources::discover(&paths);
    if discovery.inputs.is_empty() {
        let mut msg = format!("no log files found in {title}");
        if let Some(p) = discovery.problems.first() {
            msg = format!("{}: {}", p.name, p.message);
        } else if !discovery.skipped.is_empty() {
            msg.push_str(&format!(" ({} other files skipped)", discovery.skipped.len()));
        }
        return Err(Failure::Runtime(msg));
    }
    let (cache, refused) = match crate::evidence::cache_for(cache.as_ref(), &paths) {
        Ok(cache) => (cache, None),
        Err(why) => (None, Some(why)),
    };
    let preview = build::preview(&discovery, opts, PREVIEW_BYTES);
    let progress = Arc::new(Progress::default());
    let (tx, rx) = channel::<Msg>();
    // Held while a cache entry is written: quitting then waits for it (a fraction of a
    // second), so that a quick look at a big bundle still leaves its entry.
    let writing = Arc::new(std::sync::Mutex::new(()));
    {
        let tx = tx.clone();
        let progress = Arc::clone(&progress);
        let writing = Arc::clone(&writing);
        let spawned = std::thread::Builder::new().name("index".into()).spawn(move || {
            #[cfg(debug_assertions)]
            fault::in_index_thread();
            let (index, to_cache) = cache::build(cache.as_ref(), discovery, opts, &progress);
            // The index goes to the screen first; then the cache entry is written (taken
            // before the send, so a quit cannot slip in between), then the check reads a
            // view of the index.
            let held = to_cache.as_ref().map(|_| writing.lock());
            let pending = crate::report::check::Pending::of(&index);
            let _ = tx.send(Msg::Indexed(Box::new(index)));
            if let Some(entry) = to_cache {
                let _ = entry.write();
            }
            drop(held);
            let check = pending.run(opts.zone);
            let _ = tx.send(Msg::Checked(Box::new(check)));
        });
        // Without the thread the preview would wait for an index that never comes.
        spawned.map_err(|e| Failure::Runtime(format!("cannot start the indexing thread: {e}")))?;
    }
    let now = chrono::Utc::now().timestamp_millis();
    let mut app = App::new(preview, title, opts.zone, now);
    app.loading = Some(progress);
    if let Some(why) = refused {
        app.note(why, true);
    }
    load_marks(&mut app, &paths);
    app.inputs = paths;
    let result = explore(app, &args, settings, tx, rx);
    let _wait_for_the_cache_entry = writing.lock();
    result
}

/// The bundle's marks from the state directory (none for stdin: it has no name to find
/// them by again).
fn load_marks(app: &mut App, paths: &[std::path::PathBuf]) {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return;
    }
    let bundle = crate::marks::bundle_paths(paths);
    let Some(file) = crate::marks::state_dir().map(|d| crate::marks::file_for(&d, &bundle)) else { return };
    match crate::marks::load(&file) {
        Ok(marks) => app.marks.stored = marks,
        Err(why) => app.note(format!("marks not loaded: {why}"), true),
    }
    app.marks.file = Some(file);
    app.marks.bundle = bundle;
    app.marks.place(&app.index);
}

/// Applies the start-up options, sets up the terminal, runs the loop, restores it.
fn explore(
    mut app: App,
    args: &OpenArgs,
    settings: UiSettings,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
) -> Result<(), Failure> {
    apply_settings(&mut app, settings);
    app.mouse_enabled = !args.no_mouse;
    app.glyphs = theme::Glyphs::for_terminal();
    app.copy.terminal = clipboard::TermEnv::detect();
    if let Some(q) = &args.query {
        app.filter.text = q.clone();
        app.filter.cursor = q.chars().count();
        update::apply_filter_text(&mut app);
    }
    let worker = filter::FilterWorker::spawn(tx.clone())
        .map_err(|e| Failure::Runtime(format!("cannot start the filter thread: {e}")))?;
    #[cfg(unix)]
    signals::spawn(tx.clone()).map_err(|e| Failure::Runtime(format!("cannot handle signals: {e}")))?;
    let mut terminal =
        term::enter(app.mouse_enabled).map_err(|e| Failure::Runtime(format!("cannot set up the terminal: {e}")))?;
    if let Err(e) = term::spawn_input(tx.clone()) {
        term::leave();
        return Err(Failure::Runtime(format!("cannot start the input thread: {e}")));
    }
    let result = term::event_loop(&mut terminal, &mut app, &rx, &tx, &worker);
    term::leave();
    result.map_err(|e| Failure::Runtime(e.to_string()))
}

/// The config's keys, context size, theme and timeline columns; a bad config is a note
/// (the defaults apply).
pub fn apply_settings(app: &mut App, settings: UiSettings) {
    app.keys = settings.keys;
    app.columns = settings.columns;
    if let Some(n) = settings.context_before {
        app.detail.before = n;
    }
    if let Some(first) = settings.problems.first() {
        let more = match settings.problems.len() {
            1 => String::new(),
            n => format!(" (and {} more: audit-tui config)", n - 1),
        };
        app.note(format!("{first}{more}"), true);
    }
}

/// `audit-tui --follow`: the explorer over today's log, growing live.
fn run_follow(args: OpenArgs, opts: Options, settings: UiSettings) -> Result<(), Failure> {
    if args.paths.len() > 1 {
        return Err(Failure::Usage("--follow takes one folder or file".into()));
    }
    let root = crate::follow::follow_root(args.paths.first().map(std::path::PathBuf::as_path))?;
    let (tx, rx) = channel::<Msg>();
    let now = chrono::Utc::now().timestamp_millis();
    let index = crate::model::Index::new(opts.zone, opts.gap_minutes);
    let mut app = App::new(index, format!("following {}", sources::display_path(&root)), opts.zone, now);
    app.follow.enabled = true;
    load_marks(&mut app, std::slice::from_ref(&root));
    app.follow.bell_on_error = args.bell;
    app.inputs = vec![root.clone()];
    app.timeline.pinned_to_end = true;
    {
        let tx = tx.clone();
        crate::follow::spawn(root, opts, args.poll, move |batch| tx.send(Msg::Tailed(batch)).is_ok())
            .map_err(|e| Failure::Runtime(format!("cannot start the follow thread: {e}")))?;
    }
    explore(app, &args, settings, tx, rx)
}
