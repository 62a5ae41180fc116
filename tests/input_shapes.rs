//! Input shapes that lost data or said nothing (issue 18 point 7): each is read, or listed
//! as skipped with why, and what is odd about a line is shown, never dropped silently.

mod common;

use audit_tui::ingest::build::{Options, Progress, build};
use audit_tui::ingest::time::Zone;
use audit_tui::model::Index;
use std::io::Write;
use std::path::PathBuf;

fn index(paths: &[PathBuf]) -> Index {
    build(paths, Options { zone: Zone::Utc, ..Options::default() }, &Progress::default())
}

fn line(ts: &str, level: &str, message: &str) -> String {
    format!("{{\"ts\":\"{ts}\",\"level\":\"{level}\",\"session\":\"s1\",\"message\":\"{message}\"}}\n")
}

fn names(index: &Index) -> Vec<String> {
    index.sources.iter().map(|s| s.name.clone()).collect()
}

fn skipped(index: &Index) -> Vec<(String, String)> {
    index.skipped.iter().map(|s| (s.name.clone(), s.reason.clone())).collect()
}

#[test]
fn a_stray_utf16_mark_before_utf8_does_not_turn_the_file_into_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jsonl");
    let mut bytes = b"\xff\xfe".to_vec();
    bytes.extend(line("2026-05-17T10:00:00Z", "info", "one").as_bytes());
    bytes.extend(line("2026-05-17T10:00:01Z", "error", "two").as_bytes());
    std::fs::write(&path, bytes).unwrap();
    let index = index(&[path]);
    assert_eq!((index.len(), index.unparsed.len()), (2, 0));
    assert!(index.problems.iter().any(|p| p.message.contains("byte-order mark")), "{:?}", index.problems);
    // Real UTF-16 is still decoded.
    let path = dir.path().join("b.jsonl");
    let mut utf16 = vec![0xff, 0xfe];
    for u in line("2026-05-17T10:00:00Z", "info", "wide").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&path, utf16).unwrap();
    let index = self::index(&[path]);
    assert_eq!((index.len(), index.unparsed.len()), (1, 0));
}

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn tar_archives_are_read_like_zip_and_other_compression_is_never_read_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let day1 = line("2026-05-16T10:00:00Z", "info", "first of the 16th");
    let day2 = line("2026-05-17T10:00:00Z", "error", "first of the 17th");
    let tar = tar_of(&[
        ("logs/datatools-2026-05-16.jsonl", day1.as_bytes()),
        ("logs/datatools-2026-05-17.jsonl.gz", &gzip(day2.as_bytes())),
        ("logs/readme.txt", b"hello"),
    ]);
    std::fs::write(dir.path().join("mail.tar"), &tar).unwrap();
    std::fs::write(dir.path().join("mail.tar.gz"), gzip(&tar)).unwrap();
    std::fs::write(dir.path().join("mail.tgz"), gzip(&tar)).unwrap();
    std::fs::write(dir.path().join("x.jsonl.xz"), b"\xfd7zXZ\x00\x00\x04junk").unwrap();
    std::fs::write(dir.path().join("x.jsonl.zst"), [0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]).unwrap();
    std::fs::write(dir.path().join("x.log.bz2"), b"BZh91AY&SYjunk").unwrap();
    // Compressed bytes under a log's name are not read as text either.
    std::fs::write(dir.path().join("disguised.log"), b"BZh91AY&SYjunk").unwrap();
    let index = index(&[dir.path().to_path_buf()]);
    let names = names(&index);
    for archive in ["mail.tar", "mail.tar.gz", "mail.tgz"] {
        for day in ["logs/datatools-2026-05-16.jsonl", "logs/datatools-2026-05-17.jsonl.gz"] {
            assert!(names.contains(&format!("{archive}:{day}")), "{archive}:{day} in {names:?}");
        }
    }
    assert_eq!(index.len(), 6, "the first event of each member is read, none is lost to a tar header");
    assert_eq!(index.unparsed.len(), 0);
    let skipped = skipped(&index);
    for (name, tool) in [("x.jsonl.xz", "xz"), ("x.jsonl.zst", "zstd"), ("x.log.bz2", "bzip2")] {
        assert!(
            skipped.iter().any(|(n, r)| n == name && r.contains(&format!("compressed with {tool}"))),
            "{name} skipped: {skipped:?}"
        );
    }
    assert!(skipped.iter().any(|(n, _)| n == "mail.tar:logs/readme.txt"), "{skipped:?}");
    assert!(
        index.problems.iter().any(|p| p.name == "disguised.log" && p.message.contains("bzip2")),
        "{:?}",
        index.problems
    );
}

#[test]
fn a_corrupt_zip_entry_keeps_its_readable_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&line(
            &format!("2026-05-17T10:{:02}:{:02}Z", i / 60 % 60, i % 60),
            "info",
            &format!("event {i} {i:x}{i:o}"),
        ));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("logs/a.jsonl", options).unwrap();
    zip.write_all(text.as_bytes()).unwrap();
    let mut bytes = zip.finish().unwrap().into_inner();
    // Damage the deflate stream two thirds in.
    let at = 30 + "logs/a.jsonl".len() + (bytes.len() / 2);
    for b in &mut bytes[at..at + 64] {
        *b ^= 0x5a;
    }
    std::fs::write(dir.path().join("mail.zip"), bytes).unwrap();
    let index = index(&[dir.path().join("mail.zip")]);
    assert!(index.len() > 100, "the lines before the damage are read: {} of 2000", index.len());
    assert!(index.problems.iter().any(|p| p.message.contains("corrupt")), "{:?}", index.problems);
}

#[test]
fn a_file_of_empty_arrays_shows_its_line_as_unparsed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.json");
    std::fs::write(&path, "[][]\n").unwrap();
    let index = index(&[path]);
    assert_eq!((index.len(), index.unparsed.len()), (1, 1), "a non-blank line is an event or unparsed");
}

#[test]
fn nul_bytes_before_an_object_are_marked_in_the_row_and_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jsonl");
    let mut bytes = b"\0\0\0".to_vec();
    bytes.extend(line("2026-05-17T10:00:00Z", "info", "after the zeros").as_bytes());
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_audit-tui"))
        .args(["export", "--utc", "--format", "text"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r"\x00×3 after the zeros"), "{text}");
    let mut app = common::app_for(path.to_str().unwrap());
    app.size = (120, 20);
    let screen = common::screen(&app, 120, 20);
    assert!(screen.contains(r"\x00×3 after the zeros"), "{screen}");
}

#[test]
fn a_repeated_key_is_flagged_in_the_detail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jsonl");
    std::fs::write(
        &path,
        "{\"ts\":\"2026-05-17T10:00:00Z\",\"user\":\"ann\",\"level\":\"info\",\"user\":\"root\",\"message\":\"m\"}\n",
    )
    .unwrap();
    let mut app = common::app_for(path.to_str().unwrap());
    common::press(&mut app, "Enter");
    let screen = common::screen(&app, 160, 45);
    let flagged: Vec<&str> = screen.lines().filter(|l| l.contains("key repeated")).collect();
    assert_eq!(flagged.len(), 2, "both user lines are flagged:\n{screen}");
    assert!(flagged[0].contains("ann") && flagged[1].contains("root"), "{flagged:?}");
}

#[cfg(unix)]
#[test]
fn special_files_in_a_folder_are_listed_as_skipped_with_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), line("2026-05-17T10:00:00Z", "info", "x")).unwrap();
    let fifo = dir.path().join("pipe.jsonl");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.jsonl")).unwrap();
    let index = index(&[dir.path().to_path_buf()]);
    let skipped = skipped(&index);
    assert!(skipped.contains(&("pipe.jsonl".into(), "a named pipe (FIFO), not read".into())), "{skipped:?}");
    assert!(skipped.contains(&("zero.jsonl".into(), "symbolic link to a device, not read".into())), "{skipped:?}");
    assert_eq!(index.len(), 1);
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_shows_its_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.jsonl");
    std::fs::write(dir.path().join(name), line("2026-05-17T10:00:00Z", "info", "x")).unwrap();
    let index = index(&[dir.path().to_path_buf()]);
    assert_eq!(names(&index), [r"caf\xe9.jsonl"]);
}

/// Bounds (point 8): a 100 KB paste into the filter box is cut to what a query can be,
/// said so, and inserted at once.
#[test]
fn a_huge_paste_into_the_filter_box_is_cut_and_said_so() {
    use audit_tui::ui::msg::Msg;
    use audit_tui::ui::update::MAX_FILTER_CHARS;
    let mut app = common::app_for(common::SAMPLE);
    common::press(&mut app, "/");
    common::send(&mut app, Msg::Paste("level:error ".to_string() + &"x".repeat(100_000)));
    assert_eq!(app.filter.text.chars().count(), MAX_FILTER_CHARS);
    assert!(app.filter.text.starts_with("level:error xxx"));
    let screen = common::screen(&app, 160, 45);
    assert!(screen.contains("at most 4096 characters"), "{screen}");
    // Typed key by key (no bracketed paste), the box stays bounded too.
    common::press(&mut app, "y y y");
    assert_eq!(app.filter.text.chars().count(), MAX_FILTER_CHARS);
}

#[test]
fn a_cut_tgz_keeps_its_whole_members_and_says_it_was_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&line(
            &format!("2026-05-17T10:{:02}:{:02}Z", i / 60 % 60, i % 60),
            "info",
            &format!("e{i} {i:x}"),
        ));
    }
    let tar =
        tar_of(&[("a.jsonl", b"{\"ts\":\"2026-05-17T09:00:00Z\",\"msg\":\"first\"}\n"), ("b.jsonl", text.as_bytes())]);
    let gz = gzip(&tar);
    std::fs::write(dir.path().join("mail.tgz"), &gz[..gz.len() * 2 / 3]).unwrap();
    let index = index(&[dir.path().join("mail.tgz")]);
    assert!(names(&index).contains(&"mail.tgz:a.jsonl".to_string()), "{:?}", names(&index));
    assert!(
        index.problems.iter().any(|p| p.name == "mail.tgz" && p.message.contains("truncated gzip")),
        "{:?}",
        index.problems
    );
}
