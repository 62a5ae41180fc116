//! Micro benchmarks of the hot paths: splitting into lines, parsing lines into events,
//! building the index, evaluating queries (record-only, line-level, fuzzy). Input is the
//! bundled sample's DataTools days repeated to ~16 MiB, held in memory. Run with
//! `cargo bench`; compare ratios between runs, not absolute times (2 noisy cores).

use audit_tui::ingest::build::{Detail, Options, Progress, build};
use audit_tui::ingest::parse::{RangeSpec, Records, parse_range};
use audit_tui::ingest::time::Zone;
use audit_tui::query::eval::{Compiled, Snapshot, filter_all};
use audit_tui::query::{Query, word::Word};
use divan::{Bencher, black_box};
use std::path::PathBuf;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

const TARGET_BYTES: usize = 16 << 20;

/// The sample's DataTools lines, repeated to about 16 MiB.
fn corpus() -> &'static [u8] {
    static CORPUS: OnceLock<Vec<u8>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/mailed-logs/datatools");
        let mut one = Vec::new();
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .expect("sample folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        names.sort();
        for p in names {
            one.extend(std::fs::read(p).expect("sample file"));
            if one.last() != Some(&b'\n') {
                one.push(b'\n');
            }
        }
        let mut out = Vec::with_capacity(TARGET_BYTES + one.len());
        while out.len() < TARGET_BYTES {
            out.extend_from_slice(&one);
        }
        out
    })
}

/// The corpus written to a temp file once, for whole-index benchmarks.
fn corpus_file() -> &'static PathBuf {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("datatools-2026-05-17.jsonl");
            std::fs::write(&path, corpus()).expect("write corpus");
            (dir, path)
        })
        .1
}

#[divan::bench]
fn split_lines(b: Bencher) {
    let data = corpus();
    b.counter(divan::counter::BytesCount::new(data.len()))
        .bench(|| memchr::memchr_iter(b'\n', black_box(data)).count());
}

#[divan::bench]
fn parse_one_thread(b: Bencher) {
    let data = corpus();
    b.counter(divan::counter::BytesCount::new(data.len())).bench(|| {
        let spec = RangeSpec::new(data, 0, Records::Lines);
        parse_range(black_box(&spec), Zone::Utc).events.len()
    });
}

#[divan::bench(sample_count = 20)]
fn build_index(b: Bencher) {
    let path = corpus_file();
    b.counter(divan::counter::BytesCount::new(corpus().len())).bench(|| {
        let opts = Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full };
        build(std::slice::from_ref(path), opts, &Progress::default()).len()
    });
}

fn filter_bench(b: Bencher, query: &str) {
    let opts = Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full };
    let index = build(std::slice::from_ref(corpus_file()), opts, &Progress::default());
    let q = Query::parse(query, 0, Zone::Utc).expect("query parses");
    let compiled = Compiled::compile(&q, &index);
    let snap = Snapshot::of(&index);
    b.counter(divan::counter::ItemsCount::new(index.len())).bench(|| filter_all(black_box(&compiled), &snap).len());
}

#[divan::bench(sample_count = 20)]
fn filter_level(b: Bencher) {
    filter_bench(b, "level:error");
}

#[divan::bench(sample_count = 20)]
fn filter_field(b: Bencher) {
    filter_bench(b, "filename:weird");
}

#[divan::bench(sample_count = 20)]
fn filter_fuzzy_word(b: Bencher) {
    filter_bench(b, "emptydata");
}

#[divan::bench]
fn fuzzy_word_match(b: Bencher) {
    let word = Word::parse("emptydata", false);
    let mut matcher = nucleo::Matcher::new(nucleo::Config::DEFAULT);
    let mut chars = Vec::new();
    let messages =
        ["analyze(weird.csv): EmptyDataError: No columns to parse", "Uploaded customers.csv", "Opened 2_Text_Cleaner"];
    b.bench_local(|| messages.iter().filter(|m| word.matches(black_box(m), &mut matcher, &mut chars)).count());
}

/// One keystroke's work in the explorer: `update` for `j`, then drawing a 200×50 frame of
/// the timeline, detail and histogram (the loop's cost per key, without terminal I/O).
#[divan::bench(sample_count = 50)]
fn key_to_frame(b: Bencher) {
    use audit_tui::ui::{app::App, msg::Msg, update::update, view};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let opts = Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full };
    let index = build(std::slice::from_ref(corpus_file()), opts, &Progress::default());
    let mut app = App::new(index, "bench".into(), Zone::Utc, 0);
    app.size = (200, 50);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 50)).expect("test terminal");
    b.bench_local(|| {
        update(&mut app, Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)));
        terminal.draw(|f| view::draw(f, &app)).map(|_| ()).expect("draw");
    });
}
