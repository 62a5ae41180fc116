//! The index cache: a bundle opened again is read from the cache and answers exactly as a
//! fresh build does; a changed input, a damaged entry or another option is never answered
//! from an entry; `--no-cache` and `cache --clear` do what they say; the folder stays under
//! its bound; and nothing is ever written among the logs.
//!
//! Every run gets its own cache folder (`AUDIT_TUI_CACHE_DIR`), and the bundles are copies
//! whose files are dated an hour back: files changed within the last seconds are not
//! cached (they may still be written). `AUDIT_TUI_PHASES` makes a run say on stderr
//! whether it read the cache (`phase cached`) and why not (`note cache ...`).

mod common;

use assert_cmd::Command;
use audit_tui::ingest::build::{Detail, Options, Progress};
use audit_tui::ingest::cache::{self, Cache};
use audit_tui::ingest::inputs::sources;
use audit_tui::ingest::time::Zone;
use audit_tui::model::Index;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tempfile::TempDir;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Dates every file under `dir` an hour back.
fn age(dir: &Path) {
    let then = SystemTime::now() - Duration::from_secs(3600);
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            age(&path);
        } else {
            set_mtime(&path, then);
        }
    }
}

fn set_mtime(path: &Path, when: SystemTime) {
    File::options().write(true).open(path).expect("open").set_modified(when).expect("set mtime");
}

/// A copy of `rel` whose files are an hour old.
fn bundle(rel: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo(rel), dir.path());
    age(dir.path());
    dir
}

/// Every file under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            }
            out.push(path.strip_prefix(root).expect("under root").display().to_string());
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

struct Run {
    status: Option<i32>,
    out: String,
    err: String,
}

impl Run {
    fn hit(&self) -> bool {
        self.err.contains("phase cached")
    }
}

fn run(cache: &Path, args: &[&str], logs: &Path) -> Run {
    let out = Command::cargo_bin("audit-tui")
        .expect("binary")
        .env("AUDIT_TUI_CACHE_DIR", cache)
        .env("AUDIT_TUI_PHASES", "1")
        .env("AUDIT_TUI_TZ", "UTC")
        .args(args)
        .arg(logs)
        .output()
        .expect("run");
    let run = Run {
        status: out.status.code(),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.err.contains("panicked") && !run.err.contains("internal error"), "{}", run.err);
    run
}

/// The entry files in a cache folder.
fn entries(cache: &Path) -> Vec<PathBuf> {
    let Ok(read) = fs::read_dir(cache) else { return Vec::new() };
    let mut v: Vec<PathBuf> =
        read.map(|e| e.expect("entry").path()).filter(|p| p.extension().is_some_and(|e| e == "idx")).collect();
    v.sort();
    v
}

#[test]
fn a_hit_prints_what_a_fresh_build_prints() {
    let commands: &[&[&str]] = &[
        &["summary", "--json"],
        &["summary"],
        &["sessions", "--json"],
        &["errors", "--json"],
        &["errors", "--by", "user"],
        &["export"],
        &["export", "-q", "level:error", "--format", "csv"],
        &["check", "--json"],
        &["recent", "--json", "--limit", "50"],
        &["report"],
    ];
    for rel in ["examples/mailed-logs", "tests/fixtures"] {
        let logs = bundle(rel);
        let cache = tempfile::tempdir().expect("cache dir");
        let first = run(cache.path(), &["summary", "--json"], logs.path());
        assert!(!first.hit() && first.err.contains("cache miss: no entry"), "{rel}: {}", first.err);
        assert_eq!(entries(cache.path()).len(), 1, "{rel}: the fresh build is written");
        for args in commands {
            let fresh = run(cache.path(), &[&["--no-cache"], *args].concat(), logs.path());
            let cached = run(cache.path(), args, logs.path());
            assert!(cached.hit(), "{rel} {args:?}: {}", cached.err);
            assert!(!fresh.hit());
            assert_eq!(cached.status, fresh.status, "{rel} {args:?}");
            assert!(!cached.out.is_empty(), "{rel} {args:?}");
            assert_eq!(cached.out, fresh.out, "{rel} {args:?}");
        }
        assert_eq!(entries(cache.path()).len(), 1, "{rel}: one bundle, one entry, whatever the command");
    }
}

/// Every table of the index, compared.
fn assert_same(a: &Index, b: &Index) {
    assert_eq!(a.len(), b.len());
    for i in 0..a.len() {
        let (x, y) = (a.event(i).expect("event"), b.event(i).expect("event"));
        assert_eq!(x, y, "event {i}");
        assert_eq!(a.group_id_of(i), b.group_id_of(i), "group of event {i}");
        assert_eq!(a.raw_line(x), b.raw_line(y), "line of event {i}");
        assert_eq!(a.location(x), b.location(y), "place of event {i}");
    }
    assert_eq!(format!("{:?}", a.sources), format!("{:?}", b.sources));
    assert_eq!(format!("{:?}", a.sessions), format!("{:?}", b.sessions));
    assert_eq!(format!("{:?}", a.groups), format!("{:?}", b.groups));
    assert_eq!(a.unparsed, b.unparsed);
    assert_eq!(a.categories.iter().collect::<Vec<_>>(), b.categories.iter().collect::<Vec<_>>());
    assert_eq!(a.category_counts, b.category_counts);
    assert_eq!((a.levels, a.unparsed_levels, a.salvaged), (b.levels, b.unparsed_levels, b.salvaged));
    assert_eq!((&a.skipped, &a.problems), (&b.skipped, &b.problems));
    assert_eq!(a.grouping(), b.grouping(), "session keys and per-file carry, for follow mode");
    assert_eq!(a.blobs.count(), b.blobs.count());
    for i in 0..a.blobs.count() {
        let (x, y) = (a.blobs.get(i).expect("blob"), b.blobs.get(i).expect("blob"));
        assert_eq!((x.base, x.start, x.end, x.source), (y.base, y.start, y.end, y.source), "blob {i}");
        assert_eq!((x.file_offset, x.first_line, x.whole_record), (y.file_offset, y.first_line, y.whole_record));
        assert_eq!(
            (x.document_end, &x.checkpoints, x.csv.is_some()),
            (y.document_end, &y.checkpoints, y.csv.is_some())
        );
        assert_eq!(x.bytes(), y.bytes(), "bytes of blob {i}");
    }
}

fn build(cache: &Cache, logs: &Path, opts: Options) -> (Index, Option<cache::Pending>) {
    cache::build(Some(cache), sources::discover(&[logs.to_path_buf()]), opts, &Progress::default())
}

#[test]
fn a_cached_index_equals_the_built_one_table_by_table() {
    let logs = bundle("tests/fixtures");
    let dir = tempfile::tempdir().expect("cache dir");
    let cache = Cache { dir: dir.path().join("not-yet-made"), max_bytes: 1 << 30 };
    let opts = Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full };
    let (built, pending) = build(&cache, logs.path(), opts);
    pending.expect("a fresh full build is to be written").write().expect("written");
    let (loaded, pending) = build(&cache, logs.path(), opts);
    assert!(pending.is_none(), "a hit has nothing to write");
    assert!(built.len() > 300 && built.groups.len() > 5 && !built.unparsed.is_empty(), "{}", built.len());
    assert!(built.sources.iter().any(|s| matches!(s.origin, sources::Origin::ZipEntry { .. })));
    assert_same(&built, &loaded);
    // A partial build (export's) is answered from the full entry, and never written.
    let (partial, pending) = build(&cache, logs.path(), Options { detail: Detail::Timeline, ..opts });
    assert!(pending.is_none());
    assert_same(&built, &partial);
    let other = tempfile::tempdir().expect("cache dir");
    let cache = Cache { dir: other.path().to_path_buf(), max_bytes: 1 << 30 };
    let (_, pending) = build(&cache, logs.path(), Options { detail: Detail::Errors, ..opts });
    assert!(pending.is_none(), "a partial build is not cached");
}

#[test]
fn other_options_are_another_entry() {
    let logs = bundle("examples/mailed-logs");
    let cache = tempfile::tempdir().expect("cache dir");
    let base = run(cache.path(), &["sessions", "--json"], logs.path());
    let gap = run(cache.path(), &["sessions", "--json", "--gap", "1"], logs.path());
    let zone = run(cache.path(), &["sessions", "--json", "--tz", "+05:00"], logs.path());
    assert!(!base.hit() && !gap.hit() && !zone.hit());
    assert_ne!(base.out, gap.out, "a one-minute gap cuts more sessions");
    assert_ne!(base.out, zone.out, "derived session labels are in the zone");
    assert_eq!(entries(cache.path()).len(), 3);
    let again = run(cache.path(), &["sessions", "--json", "--gap", "1"], logs.path());
    assert!(again.hit());
    assert_eq!(again.out, gap.out);
    // A config teaching a log shape is another index too.
    let config = tempfile::tempdir().expect("config dir");
    let file = config.path().join("config.toml");
    fs::write(&file, "[aliases]\nuser = [\"session\"]\n").expect("config");
    let with = run(cache.path(), &["--config", file.to_str().expect("utf-8"), "sessions", "--json"], logs.path());
    assert!(!with.hit(), "{}", with.err);
}

/// Runs `summary --json` after `change`, which leaves the bundle's files an hour old:
/// the entry of before is not used, the output is a fresh build's, and the new entry is
/// used the time after.
fn assert_invalidated(what: &str, change: impl FnOnce(&Path)) {
    let logs = bundle("tests/fixtures/datatools");
    let cache = tempfile::tempdir().expect("cache dir");
    run(cache.path(), &["summary", "--json"], logs.path());
    assert!(run(cache.path(), &["summary", "--json"], logs.path()).hit(), "{what}: the entry is used before");
    change(logs.path());
    let after = run(cache.path(), &["summary", "--json"], logs.path());
    let fresh = run(cache.path(), &["--no-cache", "summary", "--json"], logs.path());
    assert!(!after.hit(), "{what}: the old entry was used: {}", after.err);
    assert_eq!(after.out, fresh.out, "{what}");
    assert!(run(cache.path(), &["summary", "--json"], logs.path()).hit(), "{what}: the new build is used next");
}

const DAY_FILE: &str = "datatools-2026-05-17.jsonl";

#[test]
fn a_changed_input_is_indexed_again() {
    assert_invalidated("appended", |logs| {
        let path = logs.join(DAY_FILE);
        let mut text = fs::read_to_string(&path).expect("read");
        text.push_str("{\"ts\":\"2026-05-17T23:00:00Z\",\"level\":\"error\",\"session\":\"zz\",\"msg\":\"late\"}\n");
        fs::write(&path, text).expect("write");
        age(logs);
    });
    assert_invalidated("truncated", |logs| {
        let path = logs.join(DAY_FILE);
        let text = fs::read_to_string(&path).expect("read");
        let cut = text.trim_end().rfind('\n').expect("two lines");
        fs::write(&path, &text[..cut + 1]).expect("write");
        age(logs);
    });
    assert_invalidated("rewritten in place, same size and time", |logs| {
        let path = logs.join(DAY_FILE);
        let mtime = fs::metadata(&path).expect("meta").modified().expect("mtime");
        let text = fs::read_to_string(&path).expect("read");
        let at = text.find("\"info\"").expect("an info line");
        let changed = format!("{}\"warn\"{}", &text[..at], &text[at + 6..]);
        assert_eq!(changed.len(), text.len());
        fs::write(&path, changed).expect("write");
        set_mtime(&path, mtime);
    });
    assert_invalidated("replaced by a copy (another inode)", |logs| {
        let path = logs.join(DAY_FILE);
        let mtime = fs::metadata(&path).expect("meta").modified().expect("mtime");
        let copy = logs.join("copy.tmp");
        fs::copy(&path, &copy).expect("copy");
        fs::rename(&copy, &path).expect("rename over");
        set_mtime(&path, mtime);
    });
    assert_invalidated("a file added", |logs| {
        fs::copy(logs.join(DAY_FILE), logs.join("datatools-2026-05-18.jsonl")).expect("copy");
        age(logs);
    });
}

#[test]
fn a_file_written_just_now_is_not_cached() {
    let logs = bundle("tests/fixtures/datatools");
    let path = logs.path().join(DAY_FILE);
    set_mtime(&path, SystemTime::now());
    let cache = tempfile::tempdir().expect("cache dir");
    let r = run(cache.path(), &["summary", "--json"], logs.path());
    assert!(r.err.contains("cache not used: Recent"), "{}", r.err);
    assert!(entries(cache.path()).is_empty());
}

#[test]
fn stdin_is_not_cached() {
    let cache = tempfile::tempdir().expect("cache dir");
    let text = fs::read(repo("tests/fixtures/datatools").join(DAY_FILE)).expect("read");
    let out = Command::cargo_bin("audit-tui")
        .expect("binary")
        .env("AUDIT_TUI_CACHE_DIR", cache.path())
        .env("AUDIT_TUI_PHASES", "1")
        .args(["summary", "--json", "-"])
        .write_stdin(text)
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cache not used: Stdin"));
    assert!(!cache.path().exists() || entries(cache.path()).is_empty());
}

/// Damages the bundle's one entry with `damage` (given its bytes, returns the new ones):
/// the next run is a fresh build, says nothing is wrong, and replaces the entry.
fn assert_rebuilt(what: &str, damage: impl FnOnce(Vec<u8>) -> Vec<u8>) {
    let logs = bundle("examples/mailed-logs");
    let cache = tempfile::tempdir().expect("cache dir");
    let fresh = run(cache.path(), &["summary", "--json"], logs.path());
    let entry = entries(cache.path()).pop().expect("an entry");
    let bytes = fs::read(&entry).expect("read entry");
    fs::write(&entry, damage(bytes)).expect("write entry");
    let after = run(cache.path(), &["summary", "--json"], logs.path());
    assert_eq!(after.status, Some(0), "{what}: {}", after.err);
    assert!(!after.hit(), "{what}: a damaged entry was used: {}", after.err);
    assert!(after.err.contains("note cache miss"), "{what}: {}", after.err);
    assert_eq!(after.out, fresh.out, "{what}");
    let next = run(cache.path(), &["summary", "--json"], logs.path());
    assert!(next.hit(), "{what}: the entry was replaced: {}", next.err);
    assert_eq!(next.out, fresh.out, "{what}");
}

#[test]
fn a_damaged_entry_is_rebuilt_never_trusted() {
    assert_rebuilt("a flipped byte in the tables", |mut b| {
        let at = b.len() / 3;
        b[at] ^= 0x40;
        b
    });
    assert_rebuilt("a flipped byte in the events", |mut b| {
        let at = b.len() - 5;
        b[at] ^= 0x01;
        b
    });
    assert_rebuilt("cut in half", |b| b[..b.len() / 2].to_vec());
    assert_rebuilt("cut after the magic", |b| b[..9].to_vec());
    assert_rebuilt("empty", |_| Vec::new());
    assert_rebuilt("garbage", |b| (0..b.len()).map(|i| (i * 7919 % 251) as u8).collect());
    assert_rebuilt("a forged length", |mut b| {
        // The descriptor's length, just after the magic and the format version.
        b[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
        b
    });
    assert_rebuilt("another format version", |mut b| {
        b[8] = b[8].wrapping_add(1);
        b
    });
    assert_rebuilt("bytes appended", |mut b| {
        b.extend_from_slice(&[0; 16]);
        b
    });
}

#[test]
fn no_cache_writes_nothing() {
    let logs = bundle("examples/mailed-logs");
    let cache = tempfile::tempdir().expect("cache dir");
    let dir = cache.path().join("cache");
    for args in
        [&["--no-cache", "summary"][..], &["sessions", "--no-cache"], &["--no-cache", "export", "-q", "level:error"]]
    {
        let r = run(&dir, args, logs.path());
        assert_eq!(r.status, Some(0), "{}", r.err);
        assert!(!r.err.contains("cache"), "{args:?}: {}", r.err);
    }
    assert!(!dir.exists(), "--no-cache made the cache folder");
    // A bound of 0 in the config turns it off too.
    let config = cache.path().join("config.toml");
    fs::write(&config, "cache_max_mb = 0\n").expect("config");
    let r = run(&dir, &["--config", config.to_str().expect("utf-8"), "summary"], logs.path());
    assert_eq!(r.status, Some(0), "{}", r.err);
    assert!(!dir.exists(), "cache_max_mb = 0 made the cache folder");
}

fn cache_command(cache: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("audit-tui")
        .expect("binary")
        .env("AUDIT_TUI_CACHE_DIR", cache)
        .arg("cache")
        .args(args)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cache_says_where_and_how_much_and_clear_empties_it() {
    let cache = tempfile::tempdir().expect("cache dir");
    let shown = cache_command(cache.path(), &[]);
    assert!(shown.contains(&cache.path().display().to_string()) && shown.contains("0 entries"), "{shown}");
    for rel in ["examples/mailed-logs", "tests/fixtures/datatools"] {
        run(cache.path(), &["summary"], bundle(rel).path());
    }
    fs::write(cache.path().join("notes.txt"), "mine").expect("a file of the user's");
    let shown = cache_command(cache.path(), &[]);
    assert!(shown.contains("2 entries") && shown.contains("of at most 1.0 GiB"), "{shown}");
    let cleared = cache_command(cache.path(), &["--clear"]);
    assert!(cleared.starts_with("removed 2 entries"), "{cleared}");
    assert!(entries(cache.path()).is_empty());
    assert!(cache.path().join("notes.txt").exists(), "only the cache's own files are removed");
    assert!(cache_command(cache.path(), &[]).contains("0 entries"));
}

#[test]
fn eviction_keeps_the_folder_under_its_bound_oldest_first() {
    let dir = tempfile::tempdir().expect("cache dir");
    let opts = Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full };
    let bundles: Vec<TempDir> = (0..3).map(|_| bundle("examples/mailed-logs")).collect();
    let unbounded = Cache { dir: dir.path().to_path_buf(), max_bytes: u64::MAX };
    // Each bundle's entry is about the same size: room for two and a half.
    let (_, pending) = build(&unbounded, bundles[0].path(), opts);
    pending.expect("to write").write().expect("written");
    let size = fs::metadata(&entries(dir.path())[0]).expect("entry").len();
    let cache = Cache { dir: dir.path().to_path_buf(), max_bytes: size * 5 / 2 };
    let old = SystemTime::now() - Duration::from_secs(600);
    set_mtime(&entries(dir.path())[0], old);
    let (_, pending) = build(&cache, bundles[1].path(), opts);
    pending.expect("to write").write().expect("written");
    let second: Vec<PathBuf> = entries(dir.path());
    assert_eq!(second.len(), 2);
    for e in &second {
        if fs::metadata(e).expect("entry").modified().expect("mtime") > old {
            set_mtime(e, old + Duration::from_secs(60));
        }
    }
    // Using the oldest entry makes it the newest: the second one goes instead.
    let (_, pending) = build(&cache, bundles[0].path(), opts);
    assert!(pending.is_none(), "a hit");
    let first_entry = entries(dir.path())
        .into_iter()
        .max_by_key(|e| fs::metadata(e).expect("entry").modified().expect("mtime"))
        .expect("entries");
    let (_, pending) = build(&cache, bundles[2].path(), opts);
    pending.expect("to write").write().expect("written");
    let kept = entries(dir.path());
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept.contains(&first_entry), "the entry used last stays");
    let total: u64 = kept.iter().map(|e| fs::metadata(e).expect("entry").len()).sum();
    assert!(total <= cache.max_bytes);
    assert_eq!(cache.stats().expect("stats").bytes, total);
    // An entry bigger than the whole bound is not written at all.
    let tiny = Cache { dir: dir.path().join("tiny"), max_bytes: 100 };
    let (_, pending) = build(&tiny, bundles[0].path(), opts);
    pending.expect("to write").write().expect("skipped quietly");
    assert!(entries(&tiny.dir).is_empty());
}

#[test]
fn nothing_is_written_among_the_logs() {
    let logs = bundle("examples/mailed-logs");
    let before = listing(logs.path());
    // The cache folder set inside the folder being read: refused, and said.
    let inside = logs.path().join(".cache");
    let r = run(&inside, &["summary", "--json"], logs.path());
    assert_eq!(r.status, Some(0), "{}", r.err);
    assert!(r.err.contains("index cache not used") && r.err.contains("being read"), "{}", r.err);
    assert!(!inside.exists());
    let fresh = run(&inside, &["--no-cache", "summary", "--json"], logs.path());
    assert_eq!(r.out, fresh.out);
    // The cache folder elsewhere: the logs stay as they were, through a miss and a hit.
    let cache = tempfile::tempdir().expect("cache dir");
    run(cache.path(), &["summary"], logs.path());
    assert!(run(cache.path(), &["errors"], logs.path()).hit());
    assert_eq!(listing(logs.path()), before);
    // Reading one file of the folder, with the cache in that folder: refused too.
    let file = logs.path().join("datatools").join("datatools-2026-05-17.jsonl");
    let beside = logs.path().join("datatools").join(".cache");
    let r = run(&beside, &["summary"], &file);
    assert!(r.err.contains("index cache not used"), "{}", r.err);
    assert_eq!(listing(logs.path()), before);
}

/// Opens the explorer on `logs` in tmux with `cache`, waits for the full index, quits with
/// `q`; returns the timeline's title line and what the run said on stderr.
fn explore_once(test: &str, cache: &Path, logs: &Path) -> Option<(String, String)> {
    let err_file = cache.with_extension("stderr");
    let script = r#"AUDIT_TUI_CACHE_DIR="$1" AUDIT_TUI_PHASES=1 LC_ALL=C.UTF-8 "$0" --utc "$2" 2>"$3"; echo "exited $?"; read line"#;
    let bin = env!("CARGO_BIN_EXE_audit-tui");
    let utf8 = |p: &Path| p.to_str().expect("UTF-8 path").to_string();
    let (cache, logs, err) = (utf8(cache), utf8(logs), utf8(&err_file));
    let tmux = common::tmux::Tmux::start_or_skip(test, "sh", &["-c", script, bin, &cache, &logs, &err])?;
    let screen = tmux
        .wait_until("the full index", |s| s.contains("Timeline ") && s.contains(" files") && !s.contains("indexing"));
    let title = screen.lines().find(|l| l.contains("Timeline ")).expect("a timeline title").trim().to_string();
    tmux.keys(&["q"]);
    let screen = tmux.wait_for_text("exited ");
    assert!(screen.contains("exited 0"), "{screen}");
    tmux.keys(&["Enter"]);
    Some((title, fs::read_to_string(&err_file).unwrap_or_default()))
}

#[test]
fn the_explorer_writes_an_entry_and_reads_it_back() {
    let test = "the_explorer_writes_an_entry_and_reads_it_back";
    let logs = bundle("examples/mailed-logs");
    let dir = tempfile::tempdir().expect("cache dir");
    let cache = dir.path().join("cache");
    let Some((fresh, err)) = explore_once(test, &cache, logs.path()) else { return };
    assert!(err.contains("cache miss: no entry") && !err.contains("phase cached"), "{err}");
    assert_eq!(entries(&cache).len(), 1, "quitting waits for the entry: {err}");
    let Some((cached, err)) = explore_once(test, &cache, logs.path()) else { return };
    assert!(err.contains("phase cached"), "{err}");
    assert_eq!(cached, fresh, "the same timeline");
    assert_eq!(entries(&cache).len(), 1);
}
