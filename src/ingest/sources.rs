//! Finding and opening the inputs: files, directories (recursive), gzip (by magic bytes,
//! multi-member), zip attachments read in place, and stdin.
//!
//! The client's folder is evidence: nothing here ever writes beside it. Compressed data
//! and stdin are spooled into unnamed temporary files (already deleted on Linux) and
//! memory-mapped from there; sealed plain files are memory-mapped directly, and files
//! still being written are read into memory, because a writer truncating a mapped file
//! would kill us with SIGBUS.

use super::markdown;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Refuse to inflate one input beyond this (a gzip bomb must not fill the disk).
pub const MAX_DECOMPRESSED: u64 = 64 << 30;

/// A file modified this recently may still be appended to or truncated: copy, don't map.
const LIVE_WINDOW: Duration = Duration::from_secs(60);

/// How rows of an input are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, with plain-text lines tolerated.
    Lines,
    /// A header line, then one row per line.
    Csv,
    /// An rtgs execution log: a Markdown file that is one event (see `ingest::markdown`).
    Markdown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    ZipEntry { zip: PathBuf, entry: String },
    Stdin,
}

/// One log input found on the command line.
#[derive(Clone, Debug)]
pub struct Input {
    /// What the user sees: a path relative to the argument, `mail.zip:logs/x.jsonl`, `-`.
    pub name: String,
    pub origin: Origin,
    pub format: Format,
}

/// Something we looked at and did not read, with why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

/// A file we tried to read and could not (permission, corrupt archive...).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub name: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
}

/// The bytes of one opened input.
pub enum Data {
    Mapped(memmap2::Mmap),
    Heap(Vec<u8>),
}

impl std::ops::Deref for Data {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Data::Mapped(m) => m,
            Data::Heap(v) => v,
        }
    }
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Data::Mapped(m) => write!(f, "Mapped({} bytes)", m.len()),
            Data::Heap(v) => write!(f, "Heap({} bytes)", v.len()),
        }
    }
}

/// What a file name says about its contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Log(Format),
    Zip,
    /// Markdown: a log only if its first lines say so (an rtgs execution log).
    Markdown,
    Other,
}

/// Classifies by name: `x.jsonl`, `x.jsonl.gz`, rotated `x.log.1` / `x.log.2.gz`, `x.zip`.
pub fn kind_of(name: &str) -> Kind {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    if base.starts_with("._") {
        return Kind::Other;
    }
    let stem = without_rotation(base.strip_suffix(".gz").unwrap_or(base));
    // The system logs a client copies from /var/log have no extension.
    if matches!(stem, "syslog" | "messages") {
        return Kind::Log(Format::Lines);
    }
    match stem.rsplit_once('.').map(|(_, ext)| ext) {
        Some("jsonl" | "ndjson" | "json" | "log" | "jsonlines" | "clef") => Kind::Log(Format::Lines),
        Some("csv" | "tsv") => Kind::Log(Format::Csv),
        Some("md" | "markdown") if base == stem => Kind::Markdown,
        Some("zip") if base == stem => Kind::Zip,
        _ => Kind::Other,
    }
}

/// Whether a log's name carries what rotation appends (`app.log.1`, `app.log.2026-05-17`,
/// `app.log-20260517`): a file renamed away, that its writer no longer opens by this name.
pub fn is_rotated_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    let stem = base.strip_suffix(".gz").unwrap_or(base);
    without_rotation(stem) != stem
}

/// A rotated log's name without what the rotation appended: a count (`app.log.1`), a
/// date from Python's TimedRotatingFileHandler (`app.log.2026-05-17`, `…_09` hourly) or
/// logrotate's `dateext` (`app.log-20260517`).
fn without_rotation(name: &str) -> &str {
    let is_stamp = |t: &str| {
        t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
            || (8..=13).contains(&t.len())
                && t.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'_')
                && t.bytes().filter(u8::is_ascii_digit).count() >= 8
    };
    if let Some((head, date)) = name.rsplit_once('-')
        && date.len() == 8
        && date.bytes().all(|b| b.is_ascii_digit())
    {
        return head;
    }
    match name.rsplit_once('.') {
        Some((head, tail)) if !tail.is_empty() && is_stamp(tail) => head,
        _ => name,
    }
}

/// Walks the arguments. `-` means stdin. Directories are walked recursively, in name
/// order, without following symlinked directories (no loops).
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut d = Discovery::default();
    let single_dir = paths.len() == 1 && paths[0].is_dir();
    for p in paths {
        if p.as_os_str() == "-" {
            d.inputs.push(Input { name: "-".into(), origin: Origin::Stdin, format: Format::Lines });
            continue;
        }
        let shown_root = if single_dir { p.clone() } else { p.parent().map(Path::to_path_buf).unwrap_or_default() };
        match std::fs::metadata(p) {
            Err(e) => d.problems.push(Problem { name: display_path(p), message: io_message(&e) }),
            Ok(m) if m.is_dir() => walk_dir(p, &shown_root, &mut d),
            Ok(m) if m.is_file() => add_file(p, &shown_root, true, &mut d),
            Ok(_) => d
                .skipped
                .push(Skipped { name: display_path(p), reason: "not a regular file (device, FIFO or socket)".into() }),
        }
    }
    d
}

fn walk_dir(dir: &Path, root: &Path, d: &mut Discovery) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            d.problems.push(Problem { name: display_path(dir), message: io_message(&e) });
            return;
        }
    };
    let mut list: Vec<_> = entries.filter_map(Result::ok).collect();
    list.sort_by_key(|e| e.file_name());
    for entry in list {
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        if ft.is_dir() {
            if name == "__MACOSX" {
                continue;
            }
            walk_dir(&path, root, d);
        } else if ft.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => add_file(&path, root, false, d),
                Ok(_) => d.skipped.push(Skipped {
                    name: relative(&path, root),
                    reason: "symbolic link to a directory (not followed)".into(),
                }),
                Err(e) => d.problems.push(Problem { name: relative(&path, root), message: io_message(&e) }),
            }
        } else if ft.is_file() {
            add_file(&path, root, false, d);
        }
    }
}

fn add_file(path: &Path, root: &Path, explicit: bool, d: &mut Discovery) {
    let name = relative(path, root);
    match kind_of(&name) {
        Kind::Log(format) => d.inputs.push(Input { name, origin: Origin::File(path.to_path_buf()), format }),
        Kind::Zip => add_zip(path, &name, d),
        Kind::Markdown => {
            let head = File::open(path).and_then(|mut f| {
                let mut head = vec![0; markdown::SNIFF_BYTES];
                let n = read_up_to(&mut f, &mut head)?;
                head.truncate(n);
                Ok(head)
            });
            match head {
                Ok(head) if markdown::is_execution_log(&head) => {
                    d.inputs.push(Input { name, origin: Origin::File(path.to_path_buf()), format: Format::Markdown })
                }
                _ if explicit => {
                    d.inputs.push(Input { name, origin: Origin::File(path.to_path_buf()), format: Format::Lines })
                }
                Ok(_) => d.skipped.push(Skipped { name, reason: "Markdown, not an execution log".into() }),
                Err(e) => d.problems.push(Problem { name, message: io_message(&e) }),
            }
        }
        // A file named on the command line is read whatever its name.
        Kind::Other if explicit => {
            d.inputs.push(Input { name, origin: Origin::File(path.to_path_buf()), format: Format::Lines })
        }
        Kind::Other => d.skipped.push(Skipped { name, reason: skip_reason(path) }),
    }
}

fn skip_reason(path: &Path) -> String {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) => format!("not a log file (.{ext})"),
        None => "not a log file (no extension)".into(),
    }
}

fn add_zip(path: &Path, name: &str, d: &mut Discovery) {
    let archive = File::open(path)
        .map_err(|e| io_message(&e))
        .and_then(|f| zip::ZipArchive::new(f).map_err(|e| format!("cannot read the zip archive: {e}")));
    let mut archive = match archive {
        Ok(a) => a,
        Err(message) => {
            d.problems.push(Problem { name: name.to_string(), message });
            return;
        }
    };
    let mut names: Vec<(String, bool)> = (0..archive.len())
        .filter_map(|i| {
            archive.by_index_raw(i).ok().map(|f| (String::from_utf8_lossy(f.name_raw()).into_owned(), f.is_dir()))
        })
        .collect();
    names.sort();
    for (entry, is_dir) in names {
        if is_dir {
            continue;
        }
        let shown = format!("{name}:{entry}");
        let base = entry.rsplit('/').next().unwrap_or(&entry);
        if entry.starts_with("__MACOSX/") || base.starts_with("._") {
            continue;
        }
        match kind_of(&entry) {
            Kind::Log(format) => d.inputs.push(Input {
                name: shown,
                origin: Origin::ZipEntry { zip: path.to_path_buf(), entry },
                format,
            }),
            Kind::Zip => d.skipped.push(Skipped { name: shown, reason: "zip inside a zip (extract it first)".into() }),
            Kind::Markdown => {
                let mut head = vec![0; markdown::SNIFF_BYTES];
                let n = archive.by_name(&entry).map_or(0, |mut f| read_up_to(&mut f, &mut head).unwrap_or(0));
                if markdown::is_execution_log(&head[..n]) {
                    let origin = Origin::ZipEntry { zip: path.to_path_buf(), entry };
                    d.inputs.push(Input { name: shown, origin, format: Format::Markdown });
                } else {
                    d.skipped.push(Skipped { name: shown, reason: "Markdown, not an execution log".into() });
                }
            }
            Kind::Other => d.skipped.push(Skipped { name: shown, reason: "not a log file".into() }),
        }
    }
}

/// An opened input: its (decompressed) bytes, and a warning when only part could be read.
#[derive(Debug)]
pub struct Opened {
    pub data: Data,
    pub warning: Option<String>,
}

impl From<Data> for Opened {
    fn from(data: Data) -> Opened {
        Opened { data, warning: None }
    }
}

/// Opens an input and returns its (decompressed) bytes.
pub fn open(input: &Input) -> Result<Opened, String> {
    let opened = match &input.origin {
        Origin::File(path) => open_file(path),
        Origin::ZipEntry { zip, entry } => open_zip_entry(zip, entry),
        Origin::Stdin => {
            let stdin = io::stdin();
            let spooled = spool(stdin.lock())?;
            inflate_if_gzip(spooled)
        }
    }?;
    Ok(decode_utf16(opened))
}

/// Windows tools sometimes write UTF-16 with a byte-order mark; every line would read as
/// NUL-riddled garbage, so such input is decoded to UTF-8 (in memory) and says so.
fn decode_utf16(opened: Opened) -> Opened {
    let bytes: &[u8] = &opened.data;
    let little = match bytes {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return opened,
    };
    let units = bytes[2..]
        .chunks_exact(2)
        .map(|p| if little { u16::from_le_bytes([p[0], p[1]]) } else { u16::from_be_bytes([p[0], p[1]]) });
    let text: String = char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect();
    let note = format!("decoded from UTF-16 {}", if little { "LE" } else { "BE" });
    let warning = Some(match opened.warning {
        Some(w) => format!("{w}; {note}"),
        None => note,
    });
    Opened { data: Data::Heap(text.into_bytes()), warning }
}

fn open_file(path: &Path) -> Result<Opened, String> {
    let mut file = File::open(path).map_err(|e| io_message(&e))?;
    let meta = file.metadata().map_err(|e| io_message(&e))?;
    let mut magic = [0u8; 2];
    let n = read_up_to(&mut file, &mut magic).map_err(|e| io_message(&e))?;
    if n == 2 && magic == GZIP_MAGIC {
        let f = File::open(path).map_err(|e| io_message(&e))?;
        return gunzip(f);
    }
    if meta.len() == 0 {
        return Ok(Data::Heap(Vec::new()).into());
    }
    let recently_written =
        meta.modified().ok().and_then(|m| SystemTime::now().duration_since(m).ok()).is_none_or(|age| age < LIVE_WINDOW);
    if recently_written {
        let mut buf = Vec::with_capacity(meta.len() as usize);
        File::open(path).and_then(|mut f| f.read_to_end(&mut buf)).map_err(|e| io_message(&e))?;
        return Ok(Data::Heap(buf).into());
    }
    // SAFETY: the file has not been modified for a while (see LIVE_WINDOW); we only read it.
    // Not populated up front: MAP_POPULATE holds the address-space lock while it maps a
    // whole gigabyte, which delayed the explorer's first frame by ~90 ms; page faults
    // spread over the parsing threads cost the same in total.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| format!("cannot map the file: {e}"))?;
    Ok(Data::Mapped(map).into())
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The first `max` bytes of a plain or gzipped file, cut after the last complete line: a
/// cheap preview. `None` for inputs that cannot be previewed cheaply (zip, stdin).
pub fn open_prefix(input: &Input, max: usize) -> Option<Data> {
    let Origin::File(path) = &input.origin else { return None };
    let mut file = File::open(path).ok()?;
    let mut magic = [0u8; 2];
    let n = read_up_to(&mut file, &mut magic).ok()?;
    let file = File::open(path).ok()?;
    let mut buf = Vec::with_capacity(max.min(1 << 20));
    if n == 2 && magic == GZIP_MAGIC {
        flate2::read::MultiGzDecoder::new(file).take(max as u64).read_to_end(&mut buf).ok()?;
    } else {
        file.take(max as u64).read_to_end(&mut buf).ok()?;
    }
    if buf.len() >= max {
        let end = memchr::memrchr(b'\n', &buf).map_or(0, |k| k + 1);
        buf.truncate(end);
    }
    Some(Data::Heap(buf))
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Decompresses every gzip member. A corrupt or cut-off stream keeps what was decoded and
/// says how far it got.
fn gunzip(reader: impl Read) -> Result<Opened, String> {
    let decoder = flate2::read::MultiGzDecoder::new(io::BufReader::with_capacity(1 << 20, reader));
    let mut tmp = tempfile::tempfile().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    let mut limited = decoder.take(MAX_DECOMPRESSED + 1);
    let copied = copy_keep_partial(&mut limited, &mut tmp);
    match copied {
        Ok(n) if n > MAX_DECOMPRESSED => {
            Err(format!("decompresses to more than {} GiB; refusing (gzip bomb?)", MAX_DECOMPRESSED >> 30))
        }
        Ok(_) => map_temp(tmp).map(Opened::from),
        Err((n, e)) if n > 0 => {
            // Keep the readable prefix: the lines before the damage are still evidence.
            let data = map_temp(tmp)?;
            Ok(Opened { data, warning: Some(format!("corrupt or truncated gzip stream after {n} bytes: {e}")) })
        }
        Err((_, e)) => Err(format!("corrupt gzip stream: {e}")),
    }
}

/// Copies, returning how many bytes were written before an error.
fn copy_keep_partial(r: &mut impl Read, w: &mut File) -> Result<u64, (u64, io::Error)> {
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    let mut out = io::BufWriter::with_capacity(1 << 20, w);
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                out.write_all(&buf[..n]).map_err(|e| (total, e))?;
                total += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                out.flush().map_err(|e| (total, e))?;
                return Err((total, e));
            }
        }
    }
    out.flush().map_err(|e| (total, e))?;
    Ok(total)
}

fn map_temp(file: File) -> Result<Data, String> {
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Ok(Data::Heap(Vec::new()));
    }
    // SAFETY: the temporary file is unnamed and private to this process.
    unsafe { memmap2::Mmap::map(&file) }.map(Data::Mapped).map_err(|e| format!("cannot map a temporary file: {e}"))
}

fn spool(mut r: impl Read) -> Result<File, String> {
    let mut tmp = tempfile::tempfile().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    copy_keep_partial(&mut r, &mut tmp).map_err(|(_, e)| format!("reading failed: {e}"))?;
    Ok(tmp)
}

fn inflate_if_gzip(mut spooled: File) -> Result<Opened, String> {
    use std::io::Seek;
    let mut magic = [0u8; 2];
    spooled.seek(io::SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let n = read_up_to(&mut spooled, &mut magic).map_err(|e| e.to_string())?;
    spooled.seek(io::SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    if n == 2 && magic == GZIP_MAGIC { gunzip(spooled) } else { map_temp(spooled).map(Opened::from) }
}

fn open_zip_entry(zip_path: &Path, entry: &str) -> Result<Opened, String> {
    let file = File::open(zip_path).map_err(|e| io_message(&e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("cannot read the zip archive: {e}"))?;
    let mut member = archive.by_name(entry).map_err(|e| format!("cannot open the zip entry: {e}"))?;
    let mut tmp = tempfile::tempfile().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    let mut limited = (&mut member).take(MAX_DECOMPRESSED + 1);
    match copy_keep_partial(&mut limited, &mut tmp) {
        Ok(n) if n > MAX_DECOMPRESSED => {
            return Err(format!("decompresses to more than {} GiB; refusing", MAX_DECOMPRESSED >> 30));
        }
        Ok(_) => {}
        Err((_, e)) => return Err(format!("corrupt zip entry: {e}")),
    }
    inflate_if_gzip(tmp)
}

fn relative(path: &Path, root: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let s = display_path(shown);
    if s.is_empty() { display_path(path) } else { s }
}

pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

pub fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_input_is_decoded() {
        let mut le = vec![0xff, 0xfe];
        for u in "{\"msg\":\"é\"}\n".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let out = decode_utf16(Opened { data: Data::Heap(le), warning: None });
        assert_eq!(&*out.data, "{\"msg\":\"é\"}\n".as_bytes());
        assert_eq!(out.warning.as_deref(), Some("decoded from UTF-16 LE"));
        let plain = decode_utf16(Opened { data: Data::Heap(b"{}".to_vec()), warning: None });
        assert_eq!(&*plain.data, b"{}");
    }

    #[test]
    fn names_classify() {
        assert_eq!(kind_of("datatools-2026-05-17.jsonl"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("logs/x.JSONL.gz"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("app.log.1"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("app.log.2.gz"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("app.log.2026-05-17"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("app.log.2026-05-17_09.gz"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("app.jsonl-20260517"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("app.jsonl-20260517.gz"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("events.clef"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("var/log/syslog.2.gz"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("messages-20260517"), Kind::Log(Format::Lines));
        assert_eq!(kind_of("notes-20260517"), Kind::Other);
        assert_eq!(kind_of("report.2026-05-17"), Kind::Other);
        assert_eq!(kind_of("notes.txt-20260517"), Kind::Other);
        assert_eq!(kind_of("audit_log.csv"), Kind::Log(Format::Csv));
        assert_eq!(kind_of("mail.zip"), Kind::Zip);
        assert_eq!(kind_of("notes.txt"), Kind::Other);
        assert_eq!(kind_of("._x.jsonl"), Kind::Other);
        assert_eq!(kind_of("README"), Kind::Other);
    }

    #[test]
    fn rotated_names_are_told_from_dated_ones() {
        for rotated in ["datatools-2026-05-17.jsonl.1", "logs/app.log.2.gz", "app.log.2026-05-17", "app.jsonl-20260517"]
        {
            assert!(is_rotated_name(rotated), "{rotated}");
        }
        for live in ["datatools-2026-05-17.jsonl", "home/alice/tool_audit/2026-05-17.jsonl", "x.jsonl.gz", "syslog"] {
            assert!(!is_rotated_name(live), "{live}");
        }
    }
}
