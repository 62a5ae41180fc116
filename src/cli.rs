//! Command-line types only; `main.rs` dispatches.

use crate::report::export;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "audit-tui",
    version,
    about = "Explore the audit logs a client mailed in: sessions, errors, timeline, follow mode.",
    long_about = "Explore the audit logs a client mailed in: sessions, errors, timeline, follow mode.\n\n\
        With no subcommand, opens the explorer on PATH (files, folders, .gz, .zip; - for stdin).\n\
        With no PATH: $DATATOOLS_AUDIT_DIR, else ~/.datatools/logs.",
    subcommand_precedence_over_arg = true,
    after_help = "Examples:\n  \
        audit-tui ~/Downloads/ticket-4711/logs            open a mailed folder (or a .zip) in the explorer\n  \
        audit-tui --follow                                follow today's log while the client reproduces\n  \
        audit-tui check logs/                             is the bundle complete? (exit 1 if not)\n  \
        audit-tui errors logs/ --by user                  errors counted per user\n  \
        audit-tui report logs/ --session 7d41 --redact    a session's story for the ticket, names masked\n  \
        audit-tui export logs/ -q 'level:error since:-2h' --format csv -o errors.csv\n\n\
        Query language: level:warn+ cat:upload session:a1b2 user:ann file:05-17 msg:timeout \
        since:-2h until:2026-05-17T08:00 is:unparsed args.path:q3 bytes:>1000 -negated fuzzy 'exact ^prefix suffix$\n\n\
        More: `audit-tui man` prints the manual page; `audit-tui completions bash|zsh|fish|powershell|elvish`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub open: OpenArgs,
    #[command(flatten)]
    pub common: Common,
}

/// Options every command understands.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Zone for naive timestamps and for display: local, UTC, +02:00, Europe/Paris.
    #[arg(long, global = true, value_name = "ZONE", env = "AUDIT_TUI_TZ")]
    pub tz: Option<String>,
    /// Show and read times in UTC (same as --tz UTC; wins over AUDIT_TUI_TZ).
    #[arg(long, global = true)]
    pub utc: bool,
    /// Colour: auto (a terminal, unless NO_COLOR is set or TERM=dumb), always or never;
    /// for the explorer and for headless text (levels in `export --format text`, `tail`).
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, env = "AUDIT_TUI_COLOR")]
    pub color: ColorChoice,
    /// The explorer's colours: dark (for dark backgrounds, the default), light (for light
    /// backgrounds: no yellow on white) or mono (no colour: bold, underline, reverse).
    #[arg(long, global = true, value_enum, value_name = "THEME", env = "AUDIT_TUI_THEME")]
    pub theme: Option<ThemeName>,
    /// Idle minutes that end a derived session (logs without a session field) [default:
    /// 30, or the config's gap_minutes].
    #[arg(long, global = true, value_name = "MINUTES")]
    pub gap: Option<i64>,
    /// The config file [default: $AUDIT_TUI_CONFIG, else audit-tui/config.toml in the
    /// platform config folder]; `audit-tui config --path` says which.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Neither read nor write the index cache: index the logs afresh and keep nothing
    /// (`audit-tui cache` says where the cache is).
    #[arg(long, global = true)]
    pub no_cache: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    Dark,
    Light,
    Mono,
}

#[derive(Args, Debug, Clone, Default)]
pub struct OpenArgs {
    /// Log files or folders (recursive), .gz and .zip included; - reads stdin.
    pub paths: Vec<PathBuf>,
    /// Start with this filter applied.
    #[arg(short, long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Follow today's log as it grows (like tail -F).
    #[arg(short, long)]
    pub follow: bool,
    /// With --follow: poll file sizes instead of relying on change notifications.
    #[arg(long)]
    pub poll: bool,
    /// With --follow: ring the terminal bell when a new error arrives.
    #[arg(long)]
    pub bell: bool,
    /// Leave the mouse to the terminal (native selection).
    #[arg(long)]
    pub no_mouse: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Counts: files, events, unparsed lines, sessions, errors, levels, categories.
    Summary(ReportArgs),
    /// One row per session: user, start, duration, events, errors, files.
    Sessions(ReportArgs),
    /// Error groups by fingerprint, biggest first, with a sample each; or counts of the
    /// errors by type, user or category (`--by`).
    Errors(ErrorsArgs),
    /// Matching events as original lines (jsonl), CSV or text.
    Export(ExportArgs),
    /// A Markdown support report: failed sessions, each kind of error with what the user
    /// did just before it, and the lines that could not be read.
    Report(SupportArgs),
    /// Print matching new events as they are written (follows today's log, like tail -F).
    Tail(TailArgs),
    /// The most recent events (or tool runs), newest first.
    Recent(RecentArgs),
    /// Is the bundle complete? Days per source, missing days, unreadable lines, times out
    /// of step, duplicate and misdated files, skipped files. Exit status: 0 nothing is
    /// off, 1 something is, 2 usage or read error.
    Check(CheckArgs),
    /// Print a shell completion script: `audit-tui completions bash > /etc/bash_completion.d/audit-tui`,
    /// zsh into a folder of $fpath as `_audit-tui`, fish into ~/.config/fish/completions/.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `audit-tui man | man -l -`, or save it as
    /// audit-tui.1 in a man folder.
    Man,
    /// The config file: check it, say where it is read from (--path), or print a commented
    /// template of every setting (--default).
    Config(ConfigArgs),
    /// The index cache: where it is, how many bundles it holds and their size; --clear
    /// empties it. A bundle opened again is read from it instead of indexed again.
    Cache(CacheArgs),
}

#[derive(Args, Debug)]
pub struct CacheArgs {
    /// Remove every entry of the cache.
    #[arg(long)]
    pub clear: bool,
}

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// Print a commented template of every setting at its default.
    #[arg(long, conflicts_with = "path")]
    pub default: bool,
    /// Say which file is read (or would be) and whether it exists.
    #[arg(long)]
    pub path: bool,
}

#[derive(Args, Debug)]
pub struct ErrorsArgs {
    #[command(flatten)]
    pub base: ReportArgs,
    /// Count the errors by their type (exception or status), by user or by category
    /// instead of listing the groups.
    #[arg(long, value_enum, value_name = "KEY")]
    pub by: Option<ErrorsBy>,
    /// Only the last N days: the N×24 hours up to the newest event in the bundle (not the
    /// wall clock: mailed logs are old).
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ErrorsBy {
    /// The exception or error type (`EmptyDataError`, `USER_ERROR`, ...).
    Type,
    /// The user of the session.
    User,
    /// The event's category (DataTools `category`, the tool, the script).
    Category,
}

#[derive(Args, Debug)]
pub struct RecentArgs {
    pub paths: Vec<PathBuf>,
    /// Only events matching this query.
    #[arg(short, long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// How many events to show.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Only the last M minutes up to the newest event in the bundle (not the wall clock:
    /// mailed logs are old).
    #[arg(long, value_name = "M")]
    pub minutes: Option<u32>,
    /// Only this tool (tool_audit `tool`, rtgs `tool_name`, the repricing `Script`) or
    /// category (DataTools `category`); any case.
    #[arg(long, value_name = "NAME")]
    pub tool: Option<String>,
    /// Machine-readable JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    pub paths: Vec<PathBuf>,
    /// Machine-readable JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct TailArgs {
    /// A log folder (today's file is followed) or one file. Default: $DATATOOLS_AUDIT_DIR,
    /// else ~/.datatools/logs.
    pub path: Option<PathBuf>,
    /// Only events matching this query.
    #[arg(short, long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    #[arg(long, value_enum, default_value_t = TailFormat::Text)]
    pub format: TailFormat,
    /// Also print the last N matching events already in the file.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 0)]
    pub lines: usize,
    /// Poll file sizes instead of relying on change notifications.
    #[arg(long)]
    pub poll: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TailFormat {
    /// One readable row per event.
    Text,
    /// The original lines, byte for byte (a JSON document's records on one line each).
    Jsonl,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    pub paths: Vec<PathBuf>,
    /// Only events matching this query.
    #[arg(short, long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Machine-readable JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SupportArgs {
    pub paths: Vec<PathBuf>,
    /// Only events matching this query (a user, a session, a time window...).
    #[arg(short, long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Events of the session shown before each error.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub before: usize,
    /// Kinds of error described in full (the rest get one line each).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub errors: usize,
    /// Write here instead of stdout (never onto or into the logs being read).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --output: replace the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// The story of one session for a ticket: its environment, steps to reproduce, each
    /// error with what preceded it. A unique prefix of the id is enough.
    #[arg(long, value_name = "ID", conflicts_with_all = ["user", "since", "until", "days"])]
    pub session: Option<String>,
    /// With --session: steps to reproduce listed before the rest are left out (the first
    /// step, the steps before each error and the last steps are kept).
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub steps: usize,
    /// One user's error history, by type (any case; the name as in `audit-tui sessions`).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["since", "until"])]
    pub user: Option<String>,
    /// Only the last N days: the N×24 hours up to the newest event in the bundle (not the
    /// wall clock: mailed logs are old).
    #[arg(long, value_name = "N", conflicts_with_all = ["since", "until"])]
    pub days: Option<u32>,
    /// A summary per day from this day (2026-05-11, or a time) on.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// A summary per day up to this day, included (2026-05-17, or a time).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Mask user names, e-mail addresses, host names, IP addresses, tokens and keys, and
    /// home-directory paths with stable pseudonyms (user-1, email-1...); stderr says what.
    #[arg(long)]
    pub redact: bool,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    pub paths: Vec<PathBuf>,
    /// Only events matching this query.
    #[arg(short, long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    #[arg(long, value_enum, default_value_t = export::Format::Jsonl)]
    pub format: export::Format,
    /// Write here instead of stdout (never onto or into the logs being read).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --output: replace the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Mask user names, e-mail addresses, host names, IP addresses, tokens and keys, and
    /// home-directory paths with stable pseudonyms (user-1, email-1...); stderr says what.
    #[arg(long)]
    pub redact: bool,
}
