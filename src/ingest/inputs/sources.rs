//! Finding and opening the inputs: files, directories (recursive), gzip (by magic bytes,
//! multi-member), zip attachments read in place, and stdin.
//!
//! The client's folder is evidence: nothing here ever writes beside it. Compressed data
//! and stdin are spooled into unnamed temporary files (already deleted on Linux) and
//! memory-mapped from there; plain files are memory-mapped directly, guarded against a
//! writer truncating them under the map (see [`super::mapped`]).

use super::archive::{self, Member};
use super::mapped::SafeMap;
use crate::ingest::dialects::markdown;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Never inflate one input beyond this (a gzip bomb must not fill the disk)...
pub const MAX_DECOMPRESSED: u64 = 64 << 30;
/// ...nor beyond this many times its compressed size, past a floor. Logs compress 5 to 30
/// times, very repetitive ones a few hundred; 58 KB of gzip that inflates to 1.9 GiB is a
/// bomb, and what it inflated up to the bound is read and said to be cut.
pub const MAX_RATIO: u64 = 250;
pub const RATIO_FLOOR: u64 = 256 << 20;
/// Stdin is spooled to a temporary file up to this much.
pub const MAX_STDIN: u64 = 8 << 30;

/// How rows of an input are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, with plain-text lines tolerated.
    Lines,
    /// A header line, then one row per line.
    Csv,
    /// An rtgs execution log: a Markdown file that is one event (see `ingest::dialects::markdown`).
    Markdown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    ZipEntry { zip: PathBuf, entry: String },
    TarEntry { tar: PathBuf, entry: String, member: Member },
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

#[derive(Clone, Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
}

/// The bytes of one opened input.
pub enum Data {
    Mapped(SafeMap),
    Heap(Vec<u8>),
    /// A member of a tar archive, read where it lies.
    Member(Member),
}

impl Data {
    /// The file shrank while mapped: bytes past its new end read as NUL.
    pub fn shrank(&self) -> bool {
        match self {
            Data::Mapped(m) => m.shrank(),
            Data::Member(m) => m.archive.shrank(),
            Data::Heap(_) => false,
        }
    }

    /// Leaves the first `n` bytes out (a stray byte-order mark).
    fn skip_prefix(&mut self, n: usize) {
        match self {
            Data::Mapped(m) => m.skip_prefix(n),
            Data::Heap(v) => {
                v.drain(..n.min(v.len()));
            }
            Data::Member(m) => {
                let n = n.min(m.len);
                (m.start, m.len) = (m.start + n, m.len - n);
            }
        }
    }
}

impl std::ops::Deref for Data {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Data::Mapped(m) => m,
            Data::Heap(v) => v,
            Data::Member(m) => m.bytes(),
        }
    }
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Data::Mapped(m) => write!(f, "Mapped({} bytes)", m.len()),
            Data::Heap(v) => write!(f, "Heap({} bytes)", v.len()),
            Data::Member(m) => write!(f, "Member({} bytes)", m.len),
        }
    }
}

/// What a file name says about its contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Log(Format),
    Zip,
    /// `.tar`, `.tar.gz`, `.tgz`.
    Tar,
    /// Compressed by this tool, which audit-tui does not decompress.
    Compressed(&'static str),
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
    if archive::is_tar_name(base) {
        return Kind::Tar;
    }
    if let Some(tool) = archive::unsupported_by_name(base) {
        return Kind::Compressed(tool);
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
            Ok(m) => d
                .skipped
                .push(Skipped { name: display_path(p), reason: format!("{}, not read", special_kind(&m.file_type())) }),
        }
    }
    read_each_file_once(&mut d);
    d
}

/// A `current.jsonl` link beside the file it points to, a hard link, or a file named twice
/// on the command line is one file under several names: read once, under the name that is
/// not a link (else the first), and list the others as skipped.
fn read_each_file_once(d: &mut Discovery) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let identity = |input: &Input| match &input.origin {
            Origin::File(path) => std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino())),
            _ => None,
        };
        let is_link = |input: &Input| match &input.origin {
            Origin::File(path) => path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()),
            _ => false,
        };
        let mut first: std::collections::HashMap<(u64, u64), usize> = std::collections::HashMap::new();
        let mut dropped = vec![false; d.inputs.len()];
        for i in 0..d.inputs.len() {
            let Some(id) = identity(&d.inputs[i]) else { continue };
            match first.get(&id).copied() {
                None => {
                    first.insert(id, i);
                }
                Some(kept) => {
                    // Keep the real file's name over a link's.
                    let (keep, drop) =
                        if is_link(&d.inputs[kept]) && !is_link(&d.inputs[i]) { (i, kept) } else { (kept, i) };
                    first.insert(id, keep);
                    dropped[drop] = true;
                    let reason = format!("the same file as {} (read once)", d.inputs[keep].name);
                    d.skipped.push(Skipped { name: d.inputs[drop].name.clone(), reason });
                }
            }
        }
        let mut i = 0;
        d.inputs.retain(|_| {
            i += 1;
            !dropped[i - 1]
        });
    }
    #[cfg(not(unix))]
    let _ = d;
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
                Ok(m) if m.is_dir() => d.skipped.push(Skipped {
                    name: relative(&path, root),
                    reason: "symbolic link to a directory (not followed)".into(),
                }),
                Ok(m) => d.skipped.push(Skipped {
                    name: relative(&path, root),
                    reason: format!("symbolic link to {}, not read", special_kind(&m.file_type())),
                }),
                Err(e) => d.problems.push(Problem { name: relative(&path, root), message: io_message(&e) }),
            }
        } else if ft.is_file() {
            add_file(&path, root, false, d);
        } else {
            // A FIFO would block the reader forever, a device may never end.
            d.skipped.push(Skipped { name: relative(&path, root), reason: format!("{}, not read", special_kind(&ft)) });
        }
    }
}

/// What a file that is neither a regular file nor a folder is, in a user's words.
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
    }
    let _ = ft;
    "not a regular file"
}

fn add_file(path: &Path, root: &Path, explicit: bool, d: &mut Discovery) {
    let name = relative(path, root);
    match kind_of(&name) {
        Kind::Log(format) => d.inputs.push(Input { name, origin: Origin::File(path.to_path_buf()), format }),
        Kind::Zip => add_zip(path, &name, d),
        Kind::Tar => archive::add_tar(path, &name, d),
        Kind::Compressed(tool) => d.skipped.push(Skipped { name, reason: archive::unsupported_reason(tool) }),
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
            Kind::Zip | Kind::Tar => d
                .skipped
                .push(Skipped { name: shown, reason: "an archive inside an archive (extract it first)".into() }),
            Kind::Compressed(tool) => {
                d.skipped.push(Skipped { name: shown, reason: archive::unsupported_reason(tool) })
            }
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
        Origin::TarEntry { member, .. } => open_member(member),
        Origin::Stdin => {
            let stdin = io::stdin();
            let (spooled, cut) = spool(stdin.lock(), MAX_STDIN)?;
            let mut opened = inflate_if_gzip(spooled)?;
            if cut {
                let note = format!("stopped reading stdin after {} GiB; only that part is read", MAX_STDIN >> 30);
                opened.warning = Some(opened.warning.map_or(note.clone(), |w| format!("{w}; {note}")));
            }
            Ok(opened)
        }
    }?;
    Ok(decode_utf16(opened))
}

/// Windows tools sometimes write UTF-16 with a byte-order mark; every line would read as
/// NUL-riddled garbage, so such input is decoded to UTF-8 (in memory) and says so. The
/// mark alone does not decide it: a UTF-8 log that starts with a stray `FF FE` (a tool
/// that wrote a mark, then UTF-8) would become one line of CJK garbage. Only content whose
/// code units are mostly ASCII, as any log's are, is decoded; otherwise the stray mark is
/// left out and the file read as UTF-8.
fn decode_utf16(mut opened: Opened) -> Opened {
    let bytes: &[u8] = &opened.data;
    let little = match bytes {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return opened,
    };
    let unit = |p: &[u8]| if little { u16::from_le_bytes([p[0], p[1]]) } else { u16::from_be_bytes([p[0], p[1]]) };
    if !mostly_ascii_units(&bytes[2..], unit) {
        let note = format!(
            "starts with a UTF-16 byte-order mark ({:02X} {:02X}) but holds UTF-8: the mark is left out",
            bytes[0], bytes[1]
        );
        opened.data.skip_prefix(2);
        opened.warning = Some(opened.warning.map_or(note.clone(), |w| format!("{w}; {note}")));
        return opened;
    }
    let units = bytes[2..].chunks_exact(2).map(unit);
    let text: String = char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect();
    let note = format!("decoded from UTF-16 {}", if little { "LE" } else { "BE" });
    let warning = Some(match opened.warning {
        Some(w) => format!("{w}; {note}"),
        None => note,
    });
    Opened { data: Data::Heap(text.into_bytes()), warning }
}

/// Whether at least a quarter of the first 512 code units are ASCII characters: JSON keys,
/// timestamps and punctuation make most of any UTF-16 log's, and almost none of the pairs
/// of bytes of UTF-8 text read as such.
fn mostly_ascii_units(bytes: &[u8], unit: impl Fn(&[u8]) -> u16) -> bool {
    let units: Vec<u16> = bytes.chunks_exact(2).take(512).map(unit).collect();
    let ascii = units.iter().filter(|&&u| (0x09..0x80).contains(&u)).count();
    !units.is_empty() && ascii * 4 >= units.len()
}

fn open_file(path: &Path) -> Result<Opened, String> {
    let mut file = File::open(path).map_err(|e| io_message(&e))?;
    let meta = file.metadata().map_err(|e| io_message(&e))?;
    let mut magic = [0u8; 2];
    let n = read_up_to(&mut file, &mut magic).map_err(|e| io_message(&e))?;
    if n == 2 && magic == GZIP_MAGIC {
        let f = File::open(path).map_err(|e| io_message(&e))?;
        return gunzip(f, meta.len());
    }
    if meta.len() == 0 {
        return Ok(Data::Heap(Vec::new()).into());
    }
    let mut head = [0u8; 512];
    let n = File::open(path).and_then(|mut f| read_up_to(&mut f, &mut head)).map_err(|e| io_message(&e))?;
    if let Some(tool) = archive::unsupported_by_magic(&head[..n]) {
        return Err(archive::unsupported_reason(tool));
    }
    match SafeMap::map(&file) {
        Ok(map) => Ok(Data::Mapped(map).into()),
        // Some file systems cannot map; reading is slower but just as right.
        Err(_) => {
            let mut buf = Vec::with_capacity(meta.len() as usize);
            File::open(path).and_then(|mut f| f.read_to_end(&mut buf)).map_err(|e| io_message(&e))?;
            Ok(Data::Heap(buf).into())
        }
    }
}

pub(super) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

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
/// says how far it got; so does a bomb, cut at its bound.
fn gunzip(reader: impl Read, compressed: u64) -> Result<Opened, String> {
    let (tmp, warning) = inflate_to_temp(reader, inflate_bound(compressed))?;
    Ok(Opened { data: map_temp(tmp)?, warning })
}

/// How much `compressed` bytes may inflate to (see [`MAX_RATIO`]).
pub(super) fn inflate_bound(compressed: u64) -> u64 {
    compressed.saturating_mul(MAX_RATIO).clamp(RATIO_FLOOR, MAX_DECOMPRESSED)
}

/// Inflates every gzip member of `reader` into an unnamed temporary file, up to `bound`
/// bytes (see [`inflate_bound`]). The warning says where it stopped short.
pub(super) fn inflate_to_temp(reader: impl Read, bound: u64) -> Result<(File, Option<String>), String> {
    let decoder = flate2::read::MultiGzDecoder::new(io::BufReader::with_capacity(1 << 20, reader));
    let mut tmp = tempfile::tempfile().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    let mut limited = decoder.take(bound + 1);
    match copy_keep_partial(&mut limited, &mut tmp) {
        Ok(n) if n > bound => {
            tmp.set_len(bound).map_err(|e| format!("cannot cut a temporary file: {e}"))?;
            let warning = format!(
                "inflates to more than {} (over {MAX_RATIO} times its size: a gzip bomb?); only the first {} is read",
                human_bytes(bound),
                human_bytes(bound)
            );
            Ok((tmp, Some(warning)))
        }
        Ok(_) => Ok((tmp, None)),
        // Keep the readable prefix: the lines before the damage are still evidence.
        Err((n, e)) if n > 0 => Ok((tmp, Some(format!("corrupt or truncated gzip stream after {n} bytes: {e}")))),
        Err((_, e)) => Err(format!("corrupt gzip stream: {e}")),
    }
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n => format!("{} MiB", n >> 20),
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
    SafeMap::private(&file).map(Data::Mapped).map_err(|e| format!("cannot map a temporary file: {e}"))
}

/// Copies `r` into an unnamed temporary file, up to `max` bytes; `true` when it had more.
fn spool(r: impl Read, max: u64) -> Result<(File, bool), String> {
    let mut tmp = tempfile::tempfile().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    let n = copy_keep_partial(&mut r.take(max + 1), &mut tmp).map_err(|(_, e)| format!("reading failed: {e}"))?;
    if n > max {
        tmp.set_len(max).map_err(|e| format!("cannot cut a temporary file: {e}"))?;
    }
    Ok((tmp, n > max))
}

fn inflate_if_gzip(mut spooled: File) -> Result<Opened, String> {
    use std::io::Seek;
    let mut magic = [0u8; 2];
    spooled.seek(io::SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let n = read_up_to(&mut spooled, &mut magic).map_err(|e| e.to_string())?;
    spooled.seek(io::SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    if n == 2 && magic == GZIP_MAGIC {
        let compressed = spooled.metadata().map(|m| m.len()).unwrap_or(0);
        gunzip(spooled, compressed)
    } else {
        map_temp(spooled).map(Opened::from)
    }
}

fn open_zip_entry(zip_path: &Path, entry: &str) -> Result<Opened, String> {
    let file = File::open(zip_path).map_err(|e| io_message(&e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("cannot read the zip archive: {e}"))?;
    let mut member = archive.by_name(entry).map_err(|e| format!("cannot open the zip entry: {e}"))?;
    let mut tmp = tempfile::tempfile().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    let bound = inflate_bound(member.compressed_size());
    let mut limited = (&mut member).take(bound + 1);
    match copy_keep_partial(&mut limited, &mut tmp) {
        Ok(n) if n > bound => {
            tmp.set_len(bound).map_err(|e| format!("cannot cut a temporary file: {e}"))?;
            let mut opened = inflate_if_gzip(tmp)?;
            let note = format!(
                "inflates to more than {} (over {MAX_RATIO} times its size: a zip bomb?); only that part is read",
                human_bytes(bound)
            );
            opened.warning = Some(opened.warning.map_or(note.clone(), |w| format!("{w}; {note}")));
            return Ok(opened);
        }
        Ok(_) => {}
        Err((n, e)) if n > 0 => {
            // Keep the readable prefix, as for gzip: the lines before the damage are evidence.
            let mut opened = inflate_if_gzip(tmp)?;
            let note = format!("corrupt zip entry after {n} bytes: {e}");
            opened.warning = Some(opened.warning.map_or(note.clone(), |w| format!("{w}; {note}")));
            return Ok(opened);
        }
        Err((_, e)) => return Err(format!("corrupt zip entry: {e}")),
    }
    inflate_if_gzip(tmp)
}

fn open_member(member: &Member) -> Result<Opened, String> {
    let bytes = member.bytes();
    if bytes.starts_with(&GZIP_MAGIC) {
        return gunzip(bytes, bytes.len() as u64);
    }
    if let Some(tool) = archive::unsupported_by_magic(&bytes[..bytes.len().min(512)]) {
        return Err(archive::unsupported_reason(tool));
    }
    Ok(Data::Member(member.clone()).into())
}

fn relative(path: &Path, root: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let s = display_path(shown);
    if s.is_empty() { display_path(path) } else { s }
}

/// A path as the user sees it: `/` between parts, and each byte of a name that is not
/// UTF-8 as `\\xNN` (U+FFFD would hide which byte it was, and make two names look alike).
pub fn display_path(p: &Path) -> String {
    #[cfg(unix)]
    let shown = {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in p.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(&chunk.valid().replace('\\', "/"));
            for byte in chunk.invalid() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        }
        out
    };
    #[cfg(not(unix))]
    let shown = p.to_string_lossy().replace('\\', "/");
    shown
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
    fn a_bomb_is_inflated_up_to_its_bound_and_said_to_be_cut() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&vec![b'{'; 4 << 20]).unwrap();
        let gz = enc.finish().unwrap();
        let (file, warning) = inflate_to_temp(&gz[..], 1 << 20).unwrap();
        assert_eq!(file.metadata().unwrap().len(), 1 << 20);
        assert!(warning.unwrap().contains("gzip bomb"));
        assert_eq!(inflate_bound(58 << 10), RATIO_FLOOR, "58 KB may become 256 MiB, not 1.9 GiB");
        assert_eq!(inflate_bound(100 << 20), MAX_RATIO * (100 << 20));
        assert_eq!(inflate_bound(u64::MAX), MAX_DECOMPRESSED);
    }

    #[test]
    fn stdin_is_spooled_up_to_its_bound() {
        let (file, cut) = spool(std::io::repeat(0).take(10_000), 4096).unwrap();
        assert!(cut);
        assert_eq!(file.metadata().unwrap().len(), 4096);
        let (file, cut) = spool(&b"abc"[..], 4096).unwrap();
        assert!(!cut);
        assert_eq!(file.metadata().unwrap().len(), 3);
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
