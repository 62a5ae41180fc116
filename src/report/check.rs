//! `audit-tui check`: is the bundle complete and sound? Days covered per source (from file
//! names and from event times), missing days, unreadable lines, times going backwards or
//! jumping within a file, duplicate files, files whose dates disagree with their names,
//! skipped files. Computed over the index, never per frame: the explorer's banner reads
//! the [`Check::brief`] computed once after indexing.

use super::fmt;
use crate::ingest::inputs::sources::{Problem, Skipped};
use crate::ingest::time::Zone;
use crate::model::store::BlobCursor;
use crate::model::{Index, Level, flag};
use crate::sanitize::{Mode, sanitize};
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};

const DAY_MS: i64 = 86_400_000;
/// A step back in time smaller than this is two writers' lines crossing, not a fault.
pub const BACKWARDS_MS: i64 = 1_000;
/// A forward gap is a jump when it is at least this long...
pub const JUMP_MIN_MS: i64 = 12 * 3_600_000;
/// ...and this many times the file's typical (median) gap between lines.
pub const JUMP_FACTOR: i64 = 1_000;
/// Unreadable lines and time faults listed (all are counted).
pub const LISTED: usize = 200;

#[derive(Serialize, Debug, Clone)]
pub struct Check {
    /// Nothing is off (then `audit-tui check` exits with 0).
    pub ok: bool,
    /// Missing-day runs + unreadable lines + time faults + duplicate sets + misdated files
    /// + skipped files + read problems.
    pub findings: u64,
    pub sources: Vec<SourceDays>,
    pub missing_days: Vec<MissingDays>,
    pub unreadable_count: u64,
    pub unreadable: Vec<Unreadable>,
    pub time_fault_count: u64,
    pub time_faults: Vec<TimeFault>,
    pub duplicates: Vec<Duplicate>,
    pub misdated: Vec<Misdated>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
}

/// The files of one source: one file, or files whose names differ only by a date
/// (`datatools-{date}.jsonl`), which a writer of one file per day makes.
#[derive(Serialize, Debug, Clone)]
pub struct SourceDays {
    /// The file name with its date as `{date}` (and without `.gz`).
    pub source: String,
    pub files: usize,
    /// First and last day named by the files' names.
    pub named_from: Option<String>,
    pub named_to: Option<String>,
    /// Days named, as runs (`2026-05-11 … 2026-05-17`).
    pub named_days: Vec<String>,
    /// First and last day of the times written on the lines (in the display zone).
    pub events_from: Option<String>,
    pub events_to: Option<String>,
}

#[derive(Serialize, Debug, Clone)]
pub struct MissingDays {
    pub source: String,
    pub from: String,
    pub to: String,
    pub days: i64,
}

#[derive(Serialize, Debug, Clone)]
pub struct Unreadable {
    pub file: String,
    pub line: u64,
    pub reason: String,
    /// For a cut line, the level salvaged from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salvaged_level: Option<&'static str>,
}

#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct TimeFault {
    pub file: String,
    /// The line whose time is out of step with the line before it in the file.
    pub line: u64,
    /// `backwards` or `jump`.
    pub kind: &'static str,
    pub before: String,
    pub after: String,
    /// How far, in milliseconds (positive).
    pub by_ms: i64,
}

#[derive(Serialize, Debug, Clone)]
pub struct Duplicate {
    /// Files with exactly the same content (decompressed), in reading order.
    pub files: Vec<String>,
    pub bytes: u64,
}

#[derive(Serialize, Debug, Clone)]
pub struct Misdated {
    pub file: String,
    pub named: String,
    pub events_from: String,
    pub events_to: String,
}

/// What the explorer's index thread keeps to run the check after handing the index to
/// the screen: a view sharing its events and bytes, and the unreadable lines already
/// listed (a folder of millions of garbage lines must not have its list copied).
pub struct Pending {
    view: Index,
    unreadable: Vec<Unreadable>,
    unreadable_count: u64,
}

impl Pending {
    pub fn of(index: &Index) -> Pending {
        Pending { view: index.files_view(), unreadable: unreadable(index), unreadable_count: index.unparsed_count() }
    }

    pub fn run(self, zone: Zone) -> Check {
        Check::with_unreadable(&self.view, zone, self.unreadable, self.unreadable_count)
    }
}

fn unreadable(index: &Index) -> Vec<Unreadable> {
    index
        .unparsed
        .iter()
        .take(LISTED)
        .map(|u| Unreadable {
            file: index.unparsed_source(u).to_string(),
            line: u.line,
            reason: u.reason().to_string(),
            salvaged_level: u.salvaged_level().map(Level::name),
        })
        .collect()
}

impl Check {
    pub fn of(index: &Index, zone: Zone) -> Check {
        Check::with_unreadable(index, zone, unreadable(index), index.unparsed_count())
    }

    fn with_unreadable(index: &Index, zone: Zone, unreadable: Vec<Unreadable>, unreadable_count: u64) -> Check {
        let (sources, missing_days, misdated) = days(index, zone);
        let faults = time_faults(index, zone);
        let duplicates = duplicates(index);
        let mut c = Check {
            ok: true,
            findings: 0,
            sources,
            missing_days,
            unreadable_count,
            unreadable,
            time_fault_count: faults.len() as u64,
            time_faults: faults.into_iter().take(LISTED).collect(),
            duplicates,
            misdated,
            skipped: index.skipped.clone(),
            problems: index.problems.clone(),
        };
        c.findings = c.missing_days.len() as u64
            + c.unreadable_count
            + c.time_fault_count
            + c.duplicates.len() as u64
            + c.misdated.len() as u64
            + c.skipped.len() as u64
            + c.problems.len() as u64;
        c.ok = c.findings == 0;
        c
    }

    /// One line for the explorer's banner: what is off, in counts. `None` when nothing is.
    pub fn brief(&self) -> Option<String> {
        if self.ok {
            return None;
        }
        let missing: i64 = self.missing_days.iter().map(|m| m.days).sum();
        let parts: Vec<String> = [
            (missing as u64, "missing day", "missing days"),
            (self.unreadable_count, "unreadable line", "unreadable lines"),
            (self.time_fault_count, "time fault", "time faults"),
            (self.duplicates.len() as u64, "duplicate file set", "duplicate file sets"),
            (self.misdated.len() as u64, "misdated file", "misdated files"),
            (self.skipped.len() as u64, "skipped file", "skipped files"),
            (self.problems.len() as u64, "read problem", "read problems"),
        ]
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|&(n, one, many)| format!("{} {}", fmt::count(n), if n == 1 { one } else { many }))
        .collect();
        Some(parts.join(" · "))
    }

    /// The report for people (untrusted names escaped).
    pub fn write_text(&self, out: &mut impl Write) -> io::Result<()> {
        for line in self.lines() {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    /// The report as lines of text (escaped), for stdout and for the explorer's overlay.
    pub fn lines(&self) -> Vec<String> {
        let s = |t: &str| sanitize(t, Mode::Line).into_owned();
        let mut out = Vec::new();
        out.push(match self.ok {
            true => "bundle check: nothing is off".to_string(),
            false => format!("bundle check: {}", self.brief().unwrap_or_default()),
        });
        out.push(String::new());
        out.push("days covered".into());
        let width = self.sources.iter().map(|x| s(&x.source).chars().count()).max().unwrap_or(0).min(56);
        for d in &self.sources {
            let named = match (&d.named_from, &d.named_to) {
                (Some(a), Some(b)) if a == b => format!("named {a}"),
                (Some(a), Some(b)) => format!("named {a} … {b}"),
                _ => "no date in the name".to_string(),
            };
            let events = match (&d.events_from, &d.events_to) {
                (Some(a), Some(b)) if a == b => format!("events {a}"),
                (Some(a), Some(b)) => format!("events {a} … {b}"),
                _ => "no times".to_string(),
            };
            out.push(format!(
                "  {}  {:>3} {}  {named:<34}  {events}",
                fmt::pad(&fmt::fit(&s(&d.source), width), width),
                d.files,
                if d.files == 1 { "file " } else { "files" },
            ));
        }
        let mut section = |title: String, rows: Vec<String>| {
            if !rows.is_empty() {
                out.push(String::new());
                out.push(title);
                out.extend(rows);
            }
        };
        section(
            "missing days".into(),
            self.missing_days
                .iter()
                .map(|m| {
                    let span = if m.from == m.to { m.from.clone() } else { format!("{} … {}", m.from, m.to) };
                    format!("  {}: no log for {span} ({})", s(&m.source), fmt::plural(m.days as u64, "day"))
                })
                .collect(),
        );
        let mut rows: Vec<String> = self
            .unreadable
            .iter()
            .map(|u| {
                let level = u.salvaged_level.map(|l| format!(" · cut, salvaged level {l}")).unwrap_or_default();
                format!("  {}:{}  {}{level}", s(&u.file), u.line, u.reason)
            })
            .collect();
        if self.unreadable_count > self.unreadable.len() as u64 {
            rows.push(format!("  … and {} more", fmt::count(self.unreadable_count - self.unreadable.len() as u64)));
        }
        section(format!("unreadable lines ({})", fmt::count(self.unreadable_count)), rows);
        let mut rows: Vec<String> = self
            .time_faults
            .iter()
            .map(|f| {
                let what = match f.kind {
                    "backwards" => "goes back",
                    _ => "jumps ahead",
                };
                format!(
                    "  {}:{}  time {what} {} ({} → {})",
                    s(&f.file),
                    f.line,
                    fmt::duration(f.by_ms),
                    f.before,
                    f.after
                )
            })
            .collect();
        if self.time_fault_count > self.time_faults.len() as u64 {
            rows.push(format!("  … and {} more", fmt::count(self.time_fault_count - self.time_faults.len() as u64)));
        }
        section(format!("times out of step within a file ({})", fmt::count(self.time_fault_count)), rows);
        section(
            "duplicate files (same content)".into(),
            self.duplicates
                .iter()
                .map(|d| {
                    let names: Vec<String> = d.files.iter().map(|f| s(f)).collect();
                    format!("  {} ({})", names.join(" = "), super::summary::human_bytes(d.bytes))
                })
                .collect(),
        );
        section(
            "dates that disagree with the file name".into(),
            self.misdated
                .iter()
                .map(|m| {
                    let span = if m.events_from == m.events_to {
                        m.events_from.clone()
                    } else {
                        format!("{} … {}", m.events_from, m.events_to)
                    };
                    format!("  {}: named {}, events {span}", s(&m.file), m.named)
                })
                .collect(),
        );
        section(
            "skipped files".into(),
            self.skipped.iter().map(|k| format!("  {}  ({})", s(&k.name), s(&k.reason))).collect(),
        );
        section(
            "read problems".into(),
            self.problems.iter().map(|p| format!("  {}: {}", s(&p.name), s(&p.message))).collect(),
        );
        out
    }
}

/// The day number (days since 1970-01-01) of a time in `zone`.
fn day_of(ms: i64, zone: Zone) -> i64 {
    (ms + i64::from(zone.offset_at(ms)) * 1000).div_euclid(DAY_MS)
}

fn day_name(day: i64) -> String {
    chrono::DateTime::from_timestamp_millis(day * DAY_MS)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "?".into())
}

/// The first date in a file name (`2026-05-17`, `2026_05_17`, `20260517`) as a day number,
/// and the name with it replaced by `{date}`. Only the last path component is looked at.
pub fn name_date(name: &str) -> Option<(i64, String)> {
    let base_at = name.rfind(['/', '\\', ':']).map_or(0, |k| k + 1);
    let b = name.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let part = b.get(from..from + n)?;
        part.iter().all(u8::is_ascii_digit).then(|| std::str::from_utf8(part).ok()?.parse().ok())?
    };
    for start in base_at..b.len() {
        if start > base_at && b[start - 1].is_ascii_digit() {
            continue;
        }
        let Some(year) = digits(start, 4) else { continue };
        for sep in [Some(b'-'), Some(b'_'), None] {
            let (m_at, d_at, end) = match sep {
                Some(c) if b.get(start + 4) == Some(&c) && b.get(start + 7) == Some(&c) => {
                    (start + 5, start + 8, start + 10)
                }
                Some(_) => continue,
                None => (start + 4, start + 6, start + 8),
            };
            let (Some(month), Some(day)) = (digits(m_at, 2), digits(d_at, 2)) else { continue };
            if b.get(end).is_some_and(u8::is_ascii_digit) || !(1990..=2200).contains(&year) {
                continue;
            }
            let Some(date) = chrono::NaiveDate::from_ymd_opt(year as i32, month, day) else { continue };
            let days = date.signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?).num_days();
            let pattern = format!("{}{{date}}{}", &name[..start], &name[end..]);
            return Some((days, pattern));
        }
    }
    None
}

/// Days per source, missing days of daily sources, and files whose dates disagree with
/// their names.
fn days(index: &Index, zone: Zone) -> (Vec<SourceDays>, Vec<MissingDays>, Vec<Misdated>) {
    // Series key -> (named days, event first, event last, files).
    struct Series {
        named: Vec<i64>,
        first: Option<i64>,
        last: Option<i64>,
        files: usize,
    }
    let mut series: BTreeMap<String, Series> = BTreeMap::new();
    let mut misdated = Vec::new();
    for src in &index.sources {
        let plain = src.name.strip_suffix(".gz").unwrap_or(&src.name);
        let dated = name_date(plain);
        let key = dated.as_ref().map_or_else(|| plain.to_string(), |(_, p)| p.clone());
        let s = series.entry(key).or_insert(Series { named: Vec::new(), first: None, last: None, files: 0 });
        s.files += 1;
        s.first = match (s.first, src.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        s.last = match (s.last, src.last) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if let Some((day, _)) = dated {
            s.named.push(day);
            // A file is for its named day: its lines' days must include it and stay within
            // a day of it (a writer switches files at its local midnight).
            if let (Some(first), Some(last)) = (src.first, src.last) {
                let (a, b) = (day_of(first, zone), day_of(last, zone));
                if day < a || day > b || b - day > 1 || day - a > 1 {
                    misdated.push(Misdated {
                        file: src.name.clone(),
                        named: day_name(day),
                        events_from: day_name(a),
                        events_to: day_name(b),
                    });
                }
            }
        }
    }
    let mut sources = Vec::new();
    let mut missing = Vec::new();
    for (key, mut s) in series {
        s.named.sort_unstable();
        s.named.dedup();
        // One file per day: every file of the series names a different day.
        if s.named.len() >= 2 && s.named.len() == s.files {
            for w in s.named.windows(2) {
                if w[1] - w[0] > 1 {
                    missing.push(MissingDays {
                        source: key.clone(),
                        from: day_name(w[0] + 1),
                        to: day_name(w[1] - 1),
                        days: w[1] - w[0] - 1,
                    });
                }
            }
        }
        sources.push(SourceDays {
            named_from: s.named.first().map(|&d| day_name(d)),
            named_to: s.named.last().map(|&d| day_name(d)),
            named_days: runs(&s.named),
            events_from: s.first.map(|t| day_name(day_of(t, zone))),
            events_to: s.last.map(|t| day_name(day_of(t, zone))),
            files: s.files,
            source: key,
        });
    }
    (sources, missing, misdated)
}

/// Sorted days as runs: `2026-05-11 … 2026-05-13`, `2026-05-16`.
fn runs(days: &[i64]) -> Vec<String> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < days.len() {
        let mut j = k;
        while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
            j += 1;
        }
        out.push(if j == k { day_name(days[k]) } else { format!("{} … {}", day_name(days[k]), day_name(days[j])) });
        k = j + 1;
    }
    out
}

/// Per source: the last line with a time seen (virtual offset, time), the gaps seen (by
/// power of two, for the typical gap) and the big ones (candidates for a jump).
#[derive(Default, Clone)]
struct Walk {
    last: Option<(u64, i64)>,
    out_of_order: bool,
    gaps: [u64; 32],
    big: Vec<(u64, i64, i64)>,
}

/// Times going backwards or jumping ahead between consecutive timed lines of a file.
/// One pass over the timeline finds, per file, whether its lines are in time order and
/// its gaps; only a file that is not in order is read again in file order, so memory
/// stays bounded by that file, not by the bundle.
fn time_faults(index: &Index, zone: Zone) -> Vec<TimeFault> {
    let mut walks = vec![Walk::default(); index.sources.len()];
    let mut cursor = BlobCursor::new(&index.blobs);
    for i in 0..index.len() {
        let Some(e) = index.event(i) else { continue };
        if !e.has(flag::OWN_TIME) {
            continue;
        }
        let Some(blob) = cursor.find(e.offset()) else { continue };
        let Some(w) = walks.get_mut(blob.source as usize) else { continue };
        match w.last {
            Some((offset, _)) if offset > e.offset() => w.out_of_order = true,
            Some((offset, time)) => {
                let gap = e.time() - time;
                w.gaps[(64 - (gap.max(1) as u64).leading_zeros() as usize).min(31)] += 1;
                if gap >= JUMP_MIN_MS {
                    w.big.push((e.offset(), time, e.time()));
                }
                w.last = Some((offset.max(e.offset()), e.time()));
            }
            None => w.last = Some((e.offset(), e.time())),
        }
    }
    let mut faults = Vec::new();
    let line_of = |offset: u64| index.blobs.find(offset).map_or(0, |b| b.line_number(offset));
    for (src, w) in walks.iter_mut().enumerate() {
        let name = &index.sources[src].name;
        if w.out_of_order {
            // Read this file's timed lines in file order.
            let mut lines: Vec<(u64, i64)> = Vec::new();
            let mut cursor = BlobCursor::new(&index.blobs);
            for i in 0..index.len() {
                if let Some(e) = index.event(i)
                    && e.has(flag::OWN_TIME)
                    && cursor.find(e.offset()).is_some_and(|b| b.source as usize == src)
                {
                    lines.push((e.offset(), e.time()));
                }
            }
            lines.sort_unstable();
            w.gaps = [0; 32];
            w.big.clear();
            for p in lines.windows(2) {
                let gap = p[1].1 - p[0].1;
                if gap <= -BACKWARDS_MS {
                    faults.push(fault(name, line_of(p[1].0), "backwards", p[0].1, p[1].1, zone));
                } else if gap >= 0 {
                    w.gaps[(64 - (gap.max(1) as u64).leading_zeros() as usize).min(31)] += 1;
                    if gap >= JUMP_MIN_MS {
                        w.big.push((p[1].0, p[0].1, p[1].1));
                    }
                }
            }
        }
        let threshold = JUMP_MIN_MS.max(typical_gap(&w.gaps).saturating_mul(JUMP_FACTOR));
        for &(offset, before, after) in &w.big {
            if after - before >= threshold {
                faults.push(fault(name, line_of(offset), "jump", before, after, zone));
            }
        }
    }
    faults.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    faults
}

/// The median gap, to a power of two, from a histogram of gaps by power of two.
fn typical_gap(gaps: &[u64; 32]) -> i64 {
    let total: u64 = gaps.iter().sum();
    let mut seen = 0;
    for (k, &n) in gaps.iter().enumerate() {
        seen += n;
        if seen * 2 >= total && n > 0 {
            return 1i64 << k.saturating_sub(1);
        }
    }
    0
}

fn fault(file: &str, line: u64, kind: &'static str, before: i64, after: i64, zone: Zone) -> TimeFault {
    TimeFault {
        file: file.to_string(),
        line,
        kind,
        before: fmt::rfc3339(before, zone),
        after: fmt::rfc3339(after, zone),
        by_ms: (after - before).abs(),
    }
}

/// Files with the same content: same decompressed size, then the same bytes.
fn duplicates(index: &Index) -> Vec<Duplicate> {
    let mut by_size: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (i, s) in index.sources.iter().enumerate() {
        if s.bytes > 0 {
            by_size.entry(s.bytes).or_default().push(i);
        }
    }
    let content = |src: usize| -> Vec<&[u8]> {
        (0..index.blobs.count())
            .filter_map(|k| index.blobs.get(k))
            .filter(|b| b.source as usize == src)
            .map(|b| b.bytes())
            .collect()
    };
    let mut out = Vec::new();
    for (bytes, group) in by_size {
        if group.len() < 2 {
            continue;
        }
        let mut by_hash: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for &src in &group {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for piece in content(src) {
                piece.hash(&mut h);
            }
            by_hash.entry(h.finish()).or_default().push(src);
        }
        for same in by_hash.into_values() {
            // Equal hashes are confirmed byte for byte.
            let first = content(same[0]).concat();
            let files: Vec<String> = same
                .iter()
                .filter(|&&s| s == same[0] || content(s).concat() == first)
                .map(|&s| index.sources[s].name.clone())
                .collect();
            if files.len() >= 2 {
                out.push(Duplicate { files, bytes });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_file_names() {
        let day = |s: &str| name_date(s).map(|(d, p)| (day_name(d), p));
        assert_eq!(
            day("datatools/datatools-2026-05-17.jsonl"),
            Some(("2026-05-17".into(), "datatools/datatools-{date}.jsonl".into()))
        );
        assert_eq!(day("logs/audit_2025-06-10.log"), Some(("2025-06-10".into(), "logs/audit_{date}.log".into())));
        assert_eq!(day("app.log-20260517"), Some(("2026-05-17".into(), "app.log-{date}".into())));
        assert_eq!(day("2026_05_17.jsonl").map(|d| d.0), Some("2026-05-17".into()));
        // The folder's dates do not count; impossible dates and longer numbers are not dates.
        assert_eq!(day("2026-05-17/app.jsonl"), None);
        assert_eq!(day("app-2026-13-40.jsonl"), None);
        assert_eq!(day("run-1202605170.log"), None);
    }

    #[test]
    fn typical_gap_is_the_median_power_of_two() {
        let mut g = [0u64; 32];
        g[10] = 5;
        g[30] = 1;
        assert_eq!(typical_gap(&g), 1 << 9);
        assert_eq!(typical_gap(&[0; 32]), 0);
    }
}
