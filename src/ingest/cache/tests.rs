//! An entry is untrusted input even when its checksum holds (anyone can write the cache
//! folder's files and a checksum): every byte of the tables and of the first events is
//! changed in turn, the checksum made to match, and the entry read. It must be refused or
//! make an index whose lookups stay in bounds, never panic. And the key follows what
//! changes an index.

use super::*;
use crate::ingest::time::{TimeReader, Zone};
use crate::model::Event;
use std::fs;
use std::time::Duration;

const FILES: [&str; 3] = [
    "tests/fixtures/datatools/datatools-2026-05-17.jsonl",
    "tests/fixtures/quirks/garbage-mixed.jsonl",
    "tests/fixtures/repricing/audit_log.csv",
];

/// A bundle of a JSON log, a garbage-mixed one and a CSV one, dated an hour back.
fn bundle() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let then = SystemTime::now() - Duration::from_secs(3600);
    for rel in FILES {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        let to = dir.path().join(from.file_name().expect("a name"));
        fs::copy(&from, &to).expect("copy");
        fs::File::options().write(true).open(&to).and_then(|f| f.set_modified(then)).expect("date");
    }
    dir
}

fn opts() -> Options {
    Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full }
}

/// Lookups a report or the explorer makes, over every event, session and group.
fn exercise(index: &Index) {
    let mut times = TimeReader::new(index.zone);
    for i in 0..index.len() {
        let Some(e) = index.event(i) else { continue };
        let _ = (index.location(e), index.message_of(e, &mut times), index.group_of(i), index.is_cut(e));
        let _ = (index.session(e.session()), index.categories.name(e.category()), index.nul_marker(e));
        let _ = index.previous_in_session(i as u32, e.session(), 3);
    }
    for (_, s) in index.listed_sessions() {
        assert!(s.sources.iter().all(|&f| index.sources.get(f as usize).is_some()));
    }
    for g in &index.groups {
        let _ = g.sample().and_then(|id| index.event(id as usize));
    }
    for u in &index.unparsed {
        let _ = index.unparsed_source(u);
    }
}

#[test]
fn forged_entries_with_a_good_checksum_never_panic() {
    let logs = bundle();
    let discovery = sources::discover(&[logs.path().to_path_buf()]);
    let cache_dir = tempfile::tempdir().expect("cache dir");
    let cache = Cache { dir: cache_dir.path().to_path_buf(), max_bytes: 1 << 30 };
    let (built, pending) = build(Some(&cache), discovery.clone(), opts(), &Progress::default());
    let pending = pending.expect("to write");
    let key = pending.key.clone();
    pending.write().expect("written");
    let entry = store::open(&cache.dir.join(&key.file_name), &key.descriptor).expect("a whole entry");
    let (table_bytes, event_bytes) = (entry.tables().to_vec(), entry.events().to_vec());
    drop(entry);
    assert!(
        built.sources.len() == 3
            && !built.unparsed.is_empty()
            && (0..3).any(|i| built.blobs.get(i).is_some_and(|b| b.csv.is_some()))
    );
    let tables = tables::read_tables(&table_bytes, &discovery).expect("tables");
    let opened: Vec<_> = tables
        .inputs
        .iter()
        .map(|&i| sources::open(&discovery.inputs[i]).map(|o| (Arc::new(o.data), o.warning)).expect("opens"))
        .collect();
    let index_of = |t: &[u8], e: &[u8]| -> Result<Index, Bad> {
        let tables = tables::read_tables(t, &discovery)?;
        tables.into_index(opened.clone(), tables::read_events(e)?, Index::new(Zone::Utc, 30))
    };
    exercise(&index_of(&table_bytes, &event_bytes).expect("the entry as written"));
    let (mut loaded, mut refused) = (0, 0);
    for at in 0..table_bytes.len() {
        // One change per byte, of a low, a high or every bit in turn.
        let mut t = table_bytes.clone();
        t[at] ^= [0x01u8, 0x80, 0xff][at % 3];
        match index_of(&t, &event_bytes) {
            Ok(index) => {
                exercise(&index);
                loaded += 1;
            }
            Err(_) => refused += 1,
        }
    }
    for at in 0..event_bytes.len().min(tables::EVENT_BYTES * 8) {
        for flip in [0x01u8, 0x10, 0x80, 0xff] {
            let mut e = event_bytes.clone();
            e[at] ^= flip;
            match index_of(&table_bytes, &e) {
                Ok(index) => exercise(&index),
                Err(_) => refused += 1,
            }
        }
    }
    assert!(loaded > 0 && refused > 0, "{loaded} loaded, {refused} refused");
    // The same through the folder: a forged entry is written with a matching checksum.
    let mut t = table_bytes.clone();
    let cut = t.len() / 2;
    t.truncate(cut);
    store::write(&cache.dir, &key.file_name, &key.descriptor, &t, event_bytes.len() / tables::EVENT_BYTES, |out| {
        out(&event_bytes)
    })
    .expect("forged");
    assert!(cache.load(&key, &discovery, opts()).is_err());
}

#[test]
fn an_event_naming_no_session_or_category_is_refused() {
    let logs = bundle();
    let discovery = sources::discover(&[logs.path().to_path_buf()]);
    let cache_dir = tempfile::tempdir().expect("cache dir");
    let cache = Cache { dir: cache_dir.path().to_path_buf(), max_bytes: 1 << 30 };
    let (index, pending) = build(Some(&cache), discovery.clone(), opts(), &Progress::default());
    let pending = pending.expect("to write");
    let key = pending.key.clone();
    pending.write().expect("written");
    let tables = tables::write_tables(&index, &[0, 1, 2], Today::now().days);
    let forges: [fn(&mut Event); 2] =
        [|e| e.set_session(crate::model::event::MAX_SESSIONS), |e| e.set_category(crate::model::event::MAX_CATEGORIES)];
    for forge in forges {
        let mut events: Vec<Event> = (0..index.len()).filter_map(|i| index.event(i)).collect();
        forge(&mut events[0]);
        let bytes: Vec<u8> = events.iter().flat_map(|e| e.to_raw()).flat_map(u64::to_le_bytes).collect();
        store::write(&cache.dir, &key.file_name, &key.descriptor, &tables, events.len(), |out| out(&bytes))
            .expect("forged");
        assert_eq!(cache.load(&key, &discovery, opts()).err(), Some(Bad("event ids")));
    }
}

#[test]
fn the_key_follows_the_options_the_files_and_the_clock() {
    let logs = bundle();
    let discovery = sources::discover(&[logs.path().to_path_buf()]);
    let now = SystemTime::now();
    let base = key::key(&discovery, opts(), now).expect("cacheable");
    assert_eq!(key::key(&discovery, opts(), now).as_ref(), Ok(&base), "the same bundle, the same key");
    let others = [
        Options { gap_minutes: 31, ..opts() },
        Options { zone: Zone::parse("+01:00").expect("zone"), ..opts() },
        Options { zone: Zone::parse("Europe/Paris").expect("zone"), ..opts() },
        Options { zone: Zone::Local, ..opts() },
    ];
    for o in others {
        assert_ne!(key::key(&discovery, o, now).as_ref(), Ok(&base), "{o:?}");
    }
    // A file written within the last seconds: maybe still being written.
    let file = logs.path().join("garbage-mixed.jsonl");
    let modified = fs::metadata(&file).and_then(|m| m.modified()).expect("mtime");
    let soon = modified + RECENT / 2;
    assert!(matches!(key::key(&discovery, opts(), soon), Err(Uncacheable::Recent(_))));
    let stdin = Discovery {
        inputs: vec![Input { name: "-".into(), origin: sources::Origin::Stdin, format: sources::Format::Lines }],
        ..Discovery::default()
    };
    assert_eq!(key::key(&stdin, opts(), now), Err(Uncacheable::Stdin));
    assert_eq!(key::key(&Discovery::default(), opts(), now), Err(Uncacheable::NoInput));
}

#[test]
fn dates_without_a_year_tie_an_entry_to_its_day() {
    let logs = tempfile::tempdir().expect("temp dir");
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/common/syslog");
    let to = logs.path().join("syslog");
    fs::copy(&from, &to).expect("copy");
    let then = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options().write(true).open(&to).and_then(|f| f.set_modified(then)).expect("date");
    let discovery = sources::discover(&[logs.path().to_path_buf()]);
    let cache_dir = tempfile::tempdir().expect("cache dir");
    let cache = Cache { dir: cache_dir.path().to_path_buf(), max_bytes: 1 << 30 };
    let (index, pending) = build(Some(&cache), discovery.clone(), opts(), &Progress::default());
    assert!(index.dated_by_today, "syslog dates have no year");
    let pending = pending.expect("to write");
    let key = pending.key.clone();
    pending.write().expect("written");
    assert!(cache.load(&key, &discovery, opts()).is_ok_and(|i| i.dated_by_today), "used on its day");
    let events: Vec<u8> =
        (0..index.len()).filter_map(|i| index.event(i)).flat_map(|e| e.to_raw()).flat_map(u64::to_le_bytes).collect();
    let yesterday = tables::write_tables(&index, &[0], Today::now().days - 1);
    store::write(&cache.dir, &key.file_name, &key.descriptor, &yesterday, index.len(), |out| out(&events))
        .expect("an entry of yesterday");
    assert_eq!(
        cache.load(&key, &discovery, opts()).err(),
        Some(Bad("dates without a year were read as of another day"))
    );
    // Dates with a year do not depend on the day.
    let bundle = bundle();
    let (index, _) = build(None, sources::discover(&[bundle.path().to_path_buf()]), opts(), &Progress::default());
    assert!(!index.dated_by_today);
}
