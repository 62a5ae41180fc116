//! Times one query over a corpus, after indexing it: the explorer's filter worker run to
//! completion (`ui::filter::run`, blocks doubling from 8 K events) and `filter_all` (the
//! headless `-q`). Prints the match count and a checksum of the matching ids, so two builds
//! can be compared for identical results as well as speed.
//!
//! Usage: `cargo run --release --example filter_time -- FILE QUERY [RUNS]` (default 7
//! runs); prints each run and the medians in milliseconds: wall time, and on Unix the
//! CPU time of the process, which a busy machine inflates less (with
//! `RAYON_NUM_THREADS=1` it is the work itself).

use audit_tui::ingest::build::{Detail, Options, Progress, build};
use audit_tui::ingest::time::Zone;
use audit_tui::query::Query;
use audit_tui::query::eval::{Compiled, Selection, Snapshot, filter_all};
use audit_tui::ui::filter::{Job, run};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(text)) = (args.first(), args.get(1)) else {
        eprintln!("usage: filter_time FILE QUERY [RUNS]");
        return ExitCode::from(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(7);
    let opts = Options { zone: Zone::Utc, gap_minutes: 30, detail: Detail::Full };
    let index = build(&[PathBuf::from(file)], opts, &Progress::default());
    let query = match Query::parse(text, 0, Zone::Utc) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("query: {}", e.message);
            return ExitCode::from(2);
        }
    };
    let compiled = Compiled::compile(&query, &index);
    let snapshot = Snapshot::of(&index);
    let job = Job {
        generation: 1,
        snapshot: snapshot.clone(),
        selection: Selection { query: Some(compiled.clone()), ..Selection::default() },
    };
    let (mut worker_ms, mut all_ms, mut worker_cpu, mut all_cpu) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut sums = Vec::new();
    for i in 0..runs {
        let (start, cpu) = (Instant::now(), cpu_ms());
        let mut ids = Vec::new();
        run(&job, &|| false, &mut |chunk| {
            ids.extend(chunk.matches);
            true
        });
        worker_ms.push(start.elapsed().as_secs_f64() * 1e3);
        worker_cpu.push(cpu_ms() - cpu);
        let (start, cpu) = (Instant::now(), cpu_ms());
        let all = filter_all(&compiled, &snapshot);
        all_ms.push(start.elapsed().as_secs_f64() * 1e3);
        all_cpu.push(cpu_ms() - cpu);
        sums.push((ids.len(), checksum(&ids), all.len(), checksum(&all)));
        println!(
            "run {i}: worker {:.1} ms (cpu {:.1}), filter_all {:.1} ms (cpu {:.1})",
            worker_ms[i], worker_cpu[i], all_ms[i], all_cpu[i]
        );
    }
    sums.dedup();
    for (n, sum, n_all, sum_all) in &sums {
        println!("matches {n} of {} (ids checksum {sum:016x}; filter_all {n_all} {sum_all:016x})", index.len());
    }
    println!(
        "median: worker {:.1} ms (cpu {:.1}), filter_all {:.1} ms (cpu {:.1})",
        median(&mut worker_ms),
        median(&mut worker_cpu),
        median(&mut all_ms),
        median(&mut all_cpu)
    );
    ExitCode::SUCCESS
}

/// CPU time of the whole process so far (all threads), in milliseconds; NaN where unknown.
#[cfg(unix)]
fn cpu_ms() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to fill.
    if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } != 0 {
        return f64::NAN;
    }
    t.tv_sec as f64 * 1e3 + t.tv_nsec as f64 / 1e6
}

#[cfg(not(unix))]
fn cpu_ms() -> f64 {
    f64::NAN
}

/// FNV-1a over the ids, in order.
fn checksum(ids: &[u32]) -> u64 {
    ids.iter()
        .flat_map(|i| i.to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}
