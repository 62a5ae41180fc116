#!/usr/bin/env bash
# Side-by-side benchmark: audit-tui against lnav, toolong (tl), hl and jq.
#
#   scripts/bench.sh [--sizes 100,1024,4096] [--quick] [--only TOOL[,TOOL]] [--runs N]
#                    [--inputs file,dir] [--install-peers] [--no-build] [--report DIR]
#
#   --sizes LIST      corpus sizes in MiB (default 100,1024,4096); each size is measured as one
#                     file (gen_logs --days 1) and as a folder of 30 daily files (--days 30)
#   --inputs LIST     file, dir or file,dir (default): which of the two corpora per size
#   --quick           1 run, 100 MiB only (same as --sizes 100 --runs 1)
#   --only LIST       only these tools: audit-tui,lnav,tl,hl,jq
#   --runs N          runs per measurement, medians reported (default 3; jq and headless
#                     lnav always run once, they take ~20 s/GiB and ~5-17 s/GiB)
#   --install-peers   as root: apt-get install lnav hyperfine jq (if missing), pip install toolong
#   --no-build        use the existing target/release binaries (no cargo build)
#   --report DIR      only rebuild latest.md/latest.json from a previous run's raw data
#                     (bench-results/tmp/run-*)
#
# Writes bench-results/latest.md (table for the README) and bench-results/latest.json (raw
# medians); raw data (hyperfine JSON, probe JSON lines, screens, stderr) go to
# bench-results/tmp/run-*/. Corpora, fresh HOMEs and tmux sockets live under
# ${BENCH_DIR:-target/bench}. Method: warm page cache (each corpus is cat'ed twice before each
# tool), medians; TUIs run in tmux 200x50 polled every 50 ms by scripts/tui_probe.py.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PROBE=(python3 "$ROOT/scripts/tui_probe.py")

CMDLINE="scripts/bench.sh"
for arg in "$@"; do CMDLINE+=" $(printf '%q' "$arg")"; done

SIZES=100,1024,4096
RUNS=3
QUICK=0
ONLY=audit-tui,lnav,tl,hl,jq
INSTALL=0
BUILD=1
SIZES_SET=0
RUNS_SET=0
REPORT_DIR=
INPUTS=file,dir

usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "bench.sh: $*" >&2; exit 2; }

while (($#)); do
    case "$1" in
        --sizes) [[ $# -ge 2 ]] || die "--sizes needs a value"; SIZES=$2; SIZES_SET=1; shift 2 ;;
        --sizes=*) SIZES=${1#*=}; SIZES_SET=1; shift ;;
        --runs) [[ $# -ge 2 ]] || die "--runs needs a value"; RUNS=$2; RUNS_SET=1; shift 2 ;;
        --runs=*) RUNS=${1#*=}; RUNS_SET=1; shift ;;
        --only) [[ $# -ge 2 ]] || die "--only needs a value"; ONLY=$2; shift 2 ;;
        --only=*) ONLY=${1#*=}; shift ;;
        --inputs) [[ $# -ge 2 ]] || die "--inputs needs a value"; INPUTS=$2; shift 2 ;;
        --inputs=*) INPUTS=${1#*=}; shift ;;
        --quick) QUICK=1; shift ;;
        --install-peers) INSTALL=1; shift ;;
        --no-build) BUILD=0; shift ;;
        --report) [[ $# -ge 2 ]] || die "--report needs a directory"; REPORT_DIR=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
if ((QUICK)); then
    ((SIZES_SET)) || SIZES=100
    ((RUNS_SET)) || RUNS=1
fi
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer"
[[ $SIZES =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--sizes must be a comma-separated list of MiB"
[[ $INPUTS =~ ^(file|dir)(,(file|dir))?$ ]] || die "--inputs must be file, dir or file,dir"
for t in ${ONLY//,/ }; do
    case "$t" in audit-tui | lnav | tl | toolong | hl | jq) ;; *) die "--only: unknown tool '$t'" ;; esac
done
ONLY=,${ONLY//toolong/tl},
want() { [[ $ONLY == *",$1,"* ]]; }

BENCH_DIR=${BENCH_DIR:-target/bench}
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
RES=$ROOT/bench-results
STAMP=$(date -u +%Y%m%d-%H%M%S)
RAW=$RES/tmp/run-$STAMP
MANIFEST=$RAW/manifest.jsonl
mkdir -p "$BENCH_DIR/home" "$BENCH_DIR/tmux"
if [[ -z $REPORT_DIR ]]; then
    mkdir -p "$RAW/screens"
    : >"$MANIFEST"
fi
# tmux puts its sockets under TMUX_TMPDIR: keep them in BENCH_DIR (and findable by the trap).
export TMUX_TMPDIR=$BENCH_DIR/tmux
unset TMUX
export LANG=C.UTF-8 LC_ALL=C.UTF-8

# Probes and hyperfine run in the background and are waited for, so that INT/TERM reach the
# trap at once; the trap stops them (a probe kills its own tmux server on TERM) and their children.
BG_PIDS=()
bg() {
    "$@" &
    local pid=$!
    BG_PIDS+=("$pid")
    wait "$pid"
}
cleanup() {
    local rc=$? pid sock
    for pid in "${BG_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            pkill -TERM -P "$pid" 2>/dev/null || true
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    for sock in "$TMUX_TMPDIR"/tmux-"$(id -u)"/probe*; do
        if [[ -S $sock ]]; then tmux -S "$sock" kill-server 2>/dev/null || true; fi
        rm -f "$sock"
    done
    rm -rf "${BENCH_DIR:?}/home"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
note() { printf '    %s\n' "$*" >&2; }

# One JSON object per line in the manifest: key=value pairs; a value starting with json: is raw JSON.
manifest() {
    python3 - "$@" >>"$MANIFEST" <<'PY'
import json, sys
d = {}
for kv in sys.argv[1:]:
    k, _, v = kv.partition("=")
    d[k] = json.loads(v[5:]) if v.startswith("json:") else v
print(json.dumps(d, ensure_ascii=False))
PY
}

# report MANIFEST: bench-results/latest.md and latest.json from the raw data of one run
report() {
    python3 - "$1" "$RES/latest.json" "$RES/latest.md" <<'PY'
import json, re, statistics, sys

manifest, out_json, out_md = sys.argv[1:4]
entries = [json.loads(l) for l in open(manifest, encoding="utf-8") if l.strip()]
machine = next(e for e in entries if e["kind"] == "machine")
inputs = {e["input"]: e for e in entries if e["kind"] == "input"}

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None

def load_json(path):
    try:
        return json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError):
        return None

def phases(path):
    out = {}
    try:
        for line in open(path, encoding="utf-8", errors="replace"):
            m = re.match(r"phase (\S+)\s+([\d.]+) ms\s+anon (\d+) KiB", line)
            if m:
                out[m.group(1)] = {"ms": float(m.group(2)), "anon_kib": int(m.group(3))}
    except OSError:
        pass
    return out

def filter_timings(path, query):
    """First-screen milliseconds of each completed explorer filter for `query`."""
    out = []
    try:
        for line in open(path, encoding="utf-8", errors="replace"):
            m = re.match(r'filter "(.*)" first-page ([\d.]+) ms', line)
            if m and m.group(1) == query:
                out.append(float(m.group(2)))
    except OSError:
        pass
    return out

rows = []
def row(**kw):
    base = dict(tool=None, version="", task="", input="", bytes=None, median_s=None, times=[], gbps=None,
                peak_rss_kib=None, anon_kib=None, runs=0, note="", kind="")
    base.update(kw)
    if base["median_s"] and base["bytes"] and kw.get("throughput", True):
        base["gbps"] = round(base["bytes"] / base["median_s"] / 1e9, 3)
    base.pop("throughput", None)
    rows.append(base)

for e in entries:
    if e["kind"] not in ("headless", "interactive"):
        continue
    common = dict(tool=e["tool"], version=e.get("version", ""), input=e["input"], bytes=int(e["bytes"]), kind=e["kind"])
    if e.get("na"):
        row(task=e["task"], note="n/a: " + e["na"], **common)
        continue
    if e["kind"] == "headless":
        probe = load_json(e["probe"]) or {}
        timing = load_json(e["timing"]) if e.get("timing") else None
        if timing:
            times = timing["results"][0]["times"]
            method = "hyperfine" if "method" not in timing else timing["method"]
        else:
            times = [probe.get("wall_s")] if probe.get("wall_s") is not None else []
            method = "one sampled run"
        notes = [method]
        if not probe or probe.get("exit"):
            why = f"exit {probe['exit']}" if probe else "no probe output"
            row(task=e["task"], note=f"n/a: the command failed ({why}), see {e['probe']}", **common)
            continue
        lines = probe.get("lines")
        expect = int(e.get("expect") or 0)
        if lines is not None and ("export" in e["task"] or e["tool"] in ("hl", "jq")):
            notes.append(f"{lines:,} lines" + ("" if lines == expect else f" (expected {expect:,})"))
        elif e["tool"] == "lnav" and lines is not None:
            notes.append(f"{lines:,} lines (text match)")
        ph = phases(e.get("stderr", "")) if e["tool"] == "audit-tui" else {}
        if ph:
            notes.append("phases " + " ".join(f"{k} {v['ms']:.0f}" for k, v in ph.items()) + " ms")
        row(task=e["task"], median_s=med(times), times=times, runs=len(times),
            peak_rss_kib=probe.get("time_maxrss_kib", probe.get("maxrss_kib")),
            anon_kib=probe.get("peak_rss_anon_kib"), note="; ".join(notes), phases=ph, **common)
        continue
    # interactive: one JSON line per run
    runs = []
    try:
        runs = [json.loads(l) for l in open(e["probe"], encoding="utf-8") if l.strip()]
    except OSError:
        pass
    tool, n = e["tool"], len(runs)
    is_dir = e["input"].startswith("dir-")
    errs = sorted({x for r in runs for x in r.get("errors", [])})

    def errors_for(prefixes):
        picked = [x for x in errs if x.split(":")[0] in prefixes]
        return ("; " + " / ".join(picked)) if picked else ""

    def metric(get):
        return [v for v in (get(r) for r in runs) if v is not None]

    def peak_at(where, idx):
        return med([(r.get("mem", {}).get(where) or [None, None])[idx] for r in runs])

    def step(name):
        return metric(lambda r: (r.get("steps", {}).get(name) or {}).get("dt"))

    base_note = "tl -m: files merged by timestamp" if tool == "tl" and is_dir else ""
    general = [x for x in errs if x.split(":")[0] not in ("latency", "last", "filter", "fuzzy")]
    # first screen
    fs = metric(lambda r: r.get("first_screen"))
    row(task="TUI first screen", median_s=med(fs), times=fs, runs=len(fs), throughput=False,
        peak_rss_kib=peak_at("first_screen", 0), anon_kib=peak_at("first_screen", 1),
        note="; ".join(x for x in [base_note, "" if fs else "n/a"] + general if x), **common)
    # full index
    if tool == "hl":
        row(task="TUI full index", note="n/a: streams into less, no index", **common)
    else:
        rd = metric(lambda r: r.get("ready"))
        how = "status bar stops showing 'indexing'" if tool == "audit-tui" else "CPU idle (<5 % of a core over 1 s)"
        if tool == "lnav" and fs and rd and abs(med(rd) - med(fs)) < 0.1:
            how += "; indexes before the first paint"
        row(task="TUI full index", median_s=med(rd), times=rd, runs=len(rd),
            peak_rss_kib=peak_at("ready", 0), anon_kib=peak_at("ready", 1), note=how if rd else "n/a", **common)
    # level filter
    lnav_dir = "n/a: no log format for this JSON, so lnav opens the files as separate TEXT views (no merged timeline)"
    if tool in ("tl", "hl"):
        reason = "toolong has no filter (^f only highlights matches)" if tool == "tl" else "a pager: filtering = a new `hl -l error` run"
        row(task="TUI level:error filter", note="n/a: " + reason, **common)
    elif tool == "lnav" and is_dir:
        row(task="TUI level:error filter", note=lnav_dir, **common)
    else:
        fl = step("filter")
        if tool == "audit-tui":
            counts = {tuple(r["steps"]["filter"]["groups"]) for r in runs
                      if (r.get("steps", {}).get("filter") or {}).get("groups")}
            expect = int(e.get("expect") or 0)
            note = "/level:error Enter; title " + ", ".join(f"{a} of {b}" for a, b in sorted(counts))
            if not all(int(a.replace(",", "")) == expect for a, _ in counts):
                note += f" (expected {expect:,} errors)"
        else:
            note = "text `:filter-in error`; done when lines are hidden and CPU is idle"
        row(task="TUI level:error filter", median_s=med(fl), times=fl, runs=len(fl),
            peak_rss_kib=peak_at("filter", 0), anon_kib=peak_at("filter", 1),
            note=(note if fl else "n/a") + errors_for(["filter"]), **common)
    # fuzzy word filter (from the unfiltered timeline, before the level filter)
    if tool != "audit-tui":
        row(task="TUI fuzzy word filter", note="n/a: no fuzzy filter", **common)
    else:
        fz = step("fuzzy")
        counts = {tuple(r["steps"]["fuzzy"]["groups"]) for r in runs
                  if (r.get("steps", {}).get("fuzzy") or {}).get("groups")}
        note = "/emptydata Enter (typed at once, filtered as typed), until complete; title " + ", ".join(f"{a} of {b}" for a, b in sorted(counts))
        row(task="TUI fuzzy word filter", median_s=med(fz), times=fz, runs=len(fz),
            peak_rss_kib=peak_at("fuzzy", 0), anon_kib=peak_at("fuzzy", 1),
            note=(note if fz else "n/a") + errors_for(["fuzzy"]), **common)
        # The probe polls every 50 ms, too coarse for the first screen: the app's own clock.
        page = [t / 1e3 for t in filter_timings(e.get("stderr", ""), "emptydata")]
        row(task="TUI fuzzy filter first screen", median_s=med(page), times=page, runs=len(page), throughput=False,
            note=("in-app (AUDIT_TUI_PHASES): keystroke to a screenful of matches" if page else "n/a"), **common)
    # jump to the last event
    if tool == "lnav" and is_dir:
        row(task="TUI jump to last event", note=lnav_dir, **common)
    else:
        jl = step("last")
        how = {"audit-tui": "G", "lnav": "G; lnav opens at the tail", "tl": "End; toolong opens at the tail",
               "hl": "less G: hl formats the whole input"}.get(tool, "")
        row(task="TUI jump to last event", median_s=med(jl), times=jl, runs=len(jl), throughput=False,
            peak_rss_kib=peak_at("last", 0), anon_kib=peak_at("last", 1),
            note=(how if jl else "n/a") + errors_for(["last"]), **common)
    # keystroke latency
    lat, late, during = [], 0, 0
    for r in runs:
        x = r.get("latency") or {}
        if x.get("dt") is None:
            continue
        lat.append(x["dt"])
        # a screen that changes only as the index completes shows the index ending, not an answer
        if x["dt"] > 0.5 and r.get("ready") is not None and abs(r["ready"] - x["answered_at"]) < 1.0:
            late += 1
        elif not x.get("ready_at_answer"):
            during += 1
    ld = lat
    key = next((r["latency"]["keys"] for r in runs if r.get("latency")), "")
    lnote = f"key {key}; 50 ms polls; {during} of {len(ld)} answered while indexing"
    if late:
        lnote += f"; {late} changed only as indexing ended (no earlier answer)"
    row(task="TUI key→frame while indexing", median_s=med(ld), times=ld, runs=len(ld), throughput=False,
        note=(lnote if ld else "n/a") + errors_for(["latency"]), **common)
    # whole session
    row(task="TUI peak memory (whole session)", runs=n, peak_rss_kib=med([r.get("peak_vmhwm_kib") for r in runs]),
        anon_kib=med([r.get("peak_rss_anon_kib") for r in runs]), throughput=False,
        note="VmHWM / RssAnon summed over the process tree", **common)
doc = {"machine": machine, "inputs": inputs, "rows": rows}
json.dump(doc, open(out_json, "w", encoding="utf-8"), indent=1, ensure_ascii=False)

def fmt_s(x):
    if x is None:
        return "n/a"
    return f"{x*1000:.0f} ms" if x < 1 else f"{x:.2f} s"

def fmt_m(k):
    return "" if k is None else f"{k/1024:.0f} MiB"

def label(inp):
    kind, size = inp.split("-", 1)
    return f"{size.rstrip('M')} MiB " + ("file" if kind == "file" else f"{inputs.get(inp, {}).get('files', '30')} files")

md = []
md.append("# audit-tui benchmark\n")
md.append(f"- command: `{machine['cmdline']}`")
md.append(f"- date: {machine['date']}, commit `{machine['commit']}`")
md.append(f"- machine: {machine['nproc']} CPUs, {machine['model']}, {machine['mem']} RAM, Linux {machine['kernel']}, load average at the end {machine['loadavg']}")
md.append(f"- tools: {machine['hyperfine']}, {machine['tmux']}; raw data in `{machine['raw']}/` (not in git)")
md.append("- method: warm page cache; median of the runs; GB/s = input bytes / median / 1e9. Headless rows: hyperfine "
          "(jq and lnav: one run); peak RSS = `/usr/bin/time %M` (includes mmapped file pages), anon = peak RssAnon "
          "sampled from /proc every 10 ms. TUI rows: tmux 200×50 polled every 50 ms by `scripts/tui_probe.py`, fresh "
          "HOME per run; first screen = ≥3 lines of log records; full index = audit-tui's status bar stops showing "
          "`indexing`, peers: CPU < 5 % of a core over 1 s (start of that second); memory = VmHWM / RssAnon summed over "
          "the process tree up to that point.\n")
for inp in inputs:
    i = inputs[inp]
    md.append(f"## {label(inp)} ({int(i['bytes']):,} bytes, {int(i['errors']):,} errors)\n")
    md.append("| tool | version | task | input | median | GB/s | peak RSS | anon RSS | runs | notes |")
    md.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["input"] != inp or r["task"].startswith("TUI peak memory"):
            continue  # (the whole-session peak is in latest.json)
        med_s = "" if r["task"].startswith("TUI peak") else fmt_s(r["median_s"])
        md.append(f"| {r['tool']} | {r['version']} | {r['task']} | {label(inp)} | {med_s} | "
                  f"{'' if r['gbps'] is None else format(r['gbps'], '.2f')} | {fmt_m(r['peak_rss_kib'])} | "
                  f"{fmt_m(r['anon_kib'])} | {r['runs']} | {r['note'].replace('|', '/')} |")
    md.append("")
open(out_md, "w", encoding="utf-8").write("\n".join(md))
print(out_md)
PY
}

if [[ -n $REPORT_DIR ]]; then
    [[ -f $REPORT_DIR/manifest.jsonl ]] || die "$REPORT_DIR/manifest.jsonl not found"
    report "$REPORT_DIR/manifest.jsonl"
    exit 0
fi

# ------------------------------------------------------------------ peers
install_peers() {
    if [[ $(id -u) != 0 ]]; then
        note "--install-peers needs root (apt-get); install lnav hyperfine jq yourself, and: python3 -m pip install toolong"
        return
    fi
    local missing=() p
    for p in lnav hyperfine jq tmux; do command -v "$p" >/dev/null || missing+=("$p"); done
    [[ -x /usr/bin/time ]] || missing+=(time)
    if ((${#missing[@]})); then
        log "apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if ! command -v tl >/dev/null; then
        log "pip install toolong"
        python3 -m pip install -q --root-user-action=ignore toolong
        if command -v pyenv >/dev/null; then pyenv rehash || true; fi
    fi
}
((INSTALL)) && install_peers

first_line() { "$@" 2>&1 | head -n1 | tr -d '\r' || true; }
declare -A VERSION=() BIN=()
detect() { # tool binary version-command...
    local tool=$1 bin=$2
    shift 2
    if ! want "$tool"; then return; fi
    if [[ -z $bin ]]; then
        case "$tool" in
            hl) note "hl not found: skipped (pamburus/hl is not in Debian, and crates.io's 'hl' is another tool: build it from source and put it on PATH)" ;;
            *) note "$tool not found: skipped (use --install-peers)" ;;
        esac
        return
    fi
    BIN[$tool]=$bin
    VERSION[$tool]=$(first_line "$bin" "$@")
}
resolve_tl() { # the real script behind a pyenv shim, so a fresh HOME cannot break it
    local p
    p=$(command -v tl || true)
    [[ -z $p ]] && return
    if [[ $p == */shims/* ]] && command -v pyenv >/dev/null; then p=$(pyenv which tl 2>/dev/null || echo "$p"); fi
    echo "$p"
}

# ------------------------------------------------------------------ build
# (gen_logs is needed whatever --only says)
if ((BUILD)); then
    log "cargo build --release --examples"
    cargo build --release --examples --quiet
fi
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
AT=$TARGET_DIR/release/audit-tui
GEN=$TARGET_DIR/release/examples/gen_logs
[[ -x $GEN ]] || die "$GEN missing (run without --no-build)"
[[ -x $AT ]] || die "$AT missing (run without --no-build)"
# Run everything from BENCH_DIR: a tool that writes to its working directory writes there.
cd "$BENCH_DIR"
detect audit-tui "$AT" --version
[[ -n ${VERSION[audit-tui]:-} ]] && VERSION[audit-tui]=${VERSION[audit-tui]#audit-tui }
detect lnav "$(command -v lnav || true)" -V
detect tl "$(resolve_tl)" --version
detect hl "$(command -v hl || true)" --version
detect jq "$(command -v jq || true)" --version
for t in lnav tl hl jq; do [[ -n ${VERSION[$t]:-} ]] && VERSION[$t]=$(sed -E 's/^(lnav|tl|hl|jq)[ ,-]*(version )?//' <<<"${VERSION[$t]}"); done
HYPERFINE=$(command -v hyperfine || true)
if [[ -z $HYPERFINE ]]; then note "hyperfine not found: timing with a date +%s%N loop (use --install-peers)"; fi
TIME_BIN=/usr/bin/time
[[ -x $TIME_BIN ]] || { TIME_BIN=; note "/usr/bin/time not found (Debian package 'time'): peak RSS from wait4, which includes the forked python (~15 MiB floor)"; }
HAVE_TMUX=1
command -v tmux >/dev/null || { HAVE_TMUX=0; note "tmux not found: interactive rows skipped (use --install-peers)"; }
for t in audit-tui lnav tl hl jq; do
    want "$t" && [[ -n ${BIN[$t]:-} ]] && note "$(printf '%-9s %-22s %s' "$t" "${VERSION[$t]}" "${BIN[$t]}")"
done

# ------------------------------------------------------------------ helpers
fresh_home() { # a new, empty HOME for one run
    local h
    h=$(mktemp -d "$BENCH_DIR/home/h.XXXXXX")
    echo "$h"
}

warm() { # cat the corpus twice so every tool starts with a warm page cache
    local i
    for i in 1 2; do cat "${FILES[@]}" >/dev/null; done
}

# gen SIZE DAYS DIR: the deterministic corpus, regenerated only when its arguments or the generator change
gen_corpus() {
    local size=$1 days=$2 dir=$3 stamp
    stamp="gen_logs --size-mb $size --days $days --seed 2 | $(sha256sum "$ROOT/examples/gen_logs.rs" | cut -c1-16)"
    if [[ -f $dir/.stamp && $(cat "$dir/.stamp") == "$stamp" ]]; then
        note "corpus $dir is up to date"
    else
        rm -rf "$dir"
        mkdir -p "$dir"
        log "generating $dir ($size MiB, $days file(s))"
        "$GEN" --size-mb "$size" --days "$days" --seed 2 --out "$dir" >"$dir.gen.txt"
        echo "$stamp" >"$dir/.stamp"
    fi
    # audit-tui copies (instead of mmapping) files modified in the last 60 s: age them.
    touch -d '-1 hour' "$dir"/*.jsonl
}

# Timing of a headless command: hyperfine (or a loop) -> $out.json with results[0].times
time_cmd() { # out runs prepare cmd
    local out=$1 runs=$2 prepare=$3 cmd=$4 i t0 t1
    if [[ -n $HYPERFINE ]]; then
        bg "$HYPERFINE" --style none --runs "$runs" --prepare "$prepare" --export-json "$out.json" "$cmd" >"$out.log" 2>&1 ||
            { note "hyperfine failed, see $out.log"; return 1; }
    else
        local times=()
        for ((i = 0; i < runs; i++)); do
            sh -c "$prepare"
            t0=$(date +%s%N)
            sh -c "$cmd" >/dev/null
            t1=$(date +%s%N)
            times+=("$(((t1 - t0) / 1000))e-6")
        done
        printf '{"results":[{"command":%s,"times":[%s]}],"method":"date loop"}\n' \
            "$(python3 -c 'import json,sys;print(json.dumps(sys.argv[1]))' "$cmd")" "$(
                IFS=,
                echo "${times[*]}"
            )" >"$out.json"
    fi
}

# One headless measurement: timing runs (hyperfine) + one sampled run for memory and the line count.
# headless TOOL TASK RUNS CMD (CMD may use $HOME; it runs with a fresh HOME each time)
headless() {
    local tool=$1 task=$2 runs=$3 cmd=$4 base h
    base=$RAW/h-$INPUT-$tool-${task//[^a-z0-9]/_}
    note "$tool: $task"
    local hdir=$BENCH_DIR/home/hf-$tool
    local full="HOME=$hdir $cmd"
    local timing=
    if ((runs > 1)); then
        time_cmd "$base" "$runs" "rm -rf $hdir && mkdir -p $hdir" "$full > /dev/null" && timing=$base.json
    fi
    # the sampled run: peak RSS (/usr/bin/time %M), peak RssAnon from /proc, output line count
    h=$(fresh_home)
    local targs=()
    [[ -n $TIME_BIN ]] && targs=(--time-file "$base.time")
    bg "${PROBE[@]}" --headless --count-lines --cmd "env HOME=$h AUDIT_TUI_PHASES=1 $cmd" --stderr "$base.stderr" \
        "${targs[@]}" >"$base.probe.json" || note "probe failed: $base.probe.json"
    manifest kind=headless tool="$tool" version="${VERSION[$tool]}" task="$task" input="$INPUT" \
        bytes="$BYTES" files="${#FILES[@]}" timing="$timing" probe="$base.probe.json" stderr="$base.stderr" \
        cmd="$cmd" expect="$EXPECT_ERRORS"
}

na() { # TOOL TASK KIND REASON: a row that could not be measured
    manifest kind="$3" tool="$1" version="${VERSION[$1]:-}" task="$2" input="$INPUT" bytes="$BYTES" na="$4"
}

# Interactive probe runs: interactive TOOL CMD PROBE-ARGS... (RUNS runs, each with a fresh HOME)
interactive() {
    local tool=$1 cmd=$2
    shift 2
    local i out=$RAW/i-$INPUT-$tool.jsonl h timeout
    # audit-tui reports its filters' own timings (first screen, complete) on stderr.
    local errs=$RAW/i-$INPUT-$tool.stderr
    [[ $tool == audit-tui ]] && cmd="env AUDIT_TUI_PHASES=1 $cmd 2>>$errs"
    if ((!HAVE_TMUX)); then
        na "$tool" TUI interactive "tmux not found"
        return
    fi
    timeout=$((60 + BYTES * 60 / 1000000000))
    note "$tool: TUI probe x$RUNS"
    : >"$out"
    : >"$errs"
    for ((i = 1; i <= RUNS; i++)); do
        warm
        h=$(fresh_home)
        bg "${PROBE[@]}" --cmd "env HOME=$h $cmd" --cols 200 --rows 50 --poll-ms 50 --timeout "$timeout" \
            --save-screens "$RAW/screens" --tag "$INPUT-$tool-$i-" "$@" >>"$out" ||
            note "probe failed (run $i)"
        rm -rf "$h"
    done
    manifest kind=interactive tool="$tool" version="${VERSION[$tool]}" input="$INPUT" bytes="$BYTES" \
        files="${#FILES[@]}" probe="$out" stderr="$errs" cmd="$cmd" expect="$EXPECT_ERRORS"
}

# ------------------------------------------------------------------ measure
re_escape() { python3 -c 'import re,sys;print(re.escape(sys.argv[1]))' "$1"; }

bench_input() { # KIND(file|dir) SIZE
    local kind=$1 size=$2 days=1
    [[ $kind == dir ]] && days=30
    local dir=$BENCH_DIR/corpus/$kind-${size}M
    gen_corpus "$size" "$days" "$dir"
    FILES=("$dir"/*.jsonl)
    TARGET=$dir
    [[ $kind == file ]] && TARGET=${FILES[0]}
    BYTES=$(stat -c %s "${FILES[@]}" | awk '{s += $1} END {printf "%.0f", s}')
    INPUT=$kind-${size}M
    warm
    # ground truth from the corpus itself: the number of error events and the last event's time
    EXPECT_ERRORS=$(grep -c '"level": "error"' "${FILES[@]}" | awk -F: '{s += $NF} END {print s}')
    local last_ts
    last_ts=$(tail -n1 "${FILES[-1]}" | sed -E 's/^\{"ts": "[0-9-]+T([0-9:.]+)[^"]*".*/\1/')
    LAST_RE=$(re_escape "$last_ts")
    log "$INPUT: ${#FILES[@]} file(s), $BYTES bytes, $EXPECT_ERRORS errors, last event at $last_ts"
    manifest kind=input input="$INPUT" bytes="$BYTES" files="${#FILES[@]}" errors="$EXPECT_ERRORS" \
        path="${TARGET#"$ROOT"/}" last="$last_ts"

    local big=0
    ((BYTES > 1100000000)) && big=1

    # ---- headless
    if want audit-tui; then
        warm
        headless audit-tui "export -q level:error" "$RUNS" "$AT export -q level:error $TARGET"
        headless audit-tui "summary --json" "$RUNS" "$AT summary --json $TARGET"
    fi
    if want hl; then
        if [[ -n ${BIN[hl]:-} ]]; then
            warm
            headless hl "-l error" "$RUNS" "${BIN[hl]} -l error ${FILES[*]}"
        else na hl "-l error" headless "not installed"; fi
    fi
    if want jq; then
        if [[ -n ${BIN[jq]:-} ]]; then
            warm
            headless jq "select(.level==\"error\")" 1 "${BIN[jq]} -c 'select(.level==\"error\")' ${FILES[*]}"
        else na jq "select(.level==\"error\")" headless "not installed"; fi
    fi
    if want lnav; then
        if [[ -z ${BIN[lnav]:-} ]]; then
            na lnav ":filter-in error (text)" headless "not installed"
        elif ((big)); then
            na lnav ":filter-in error (text)" headless "skipped above 1 GiB (slow)"
        elif [[ $kind == dir ]]; then
            na lnav ":filter-in error (text)" headless "no log format for this JSON: lnav keeps the files as separate TEXT views and prints only the first"
        else
            warm
            headless lnav ":filter-in error (text)" 1 "${BIN[lnav]} -n -c ':filter-in error' $TARGET"
        fi
    fi

    # ---- interactive
    local timeline_re='\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +[A-Z]{3,}'
    if want audit-tui; then
        interactive audit-tui "$AT --utc $TARGET" \
            --first-screen-regex "$timeline_re" \
            --ready-mode regex --ready-regex '[\d,]+ events? · [\d,]+ unparsed' --ready-absent-regex 'indexing \d+%' \
            --latency-keys j --latency-done-regex '\.jsonl:2 ' \
            --step '{"name":"last","keys":"G","done":"'"${LAST_RE//\\/\\\\}"'"}' \
            --step '{"name":"fuzzy","keys":"/ emptydata Enter","done":"Timeline ([\\d,]+) of ([\\d,]+)","absent":"filtering…"}' \
            --step '{"name":"unfilter","keys":"/ C-u Enter","done":"Timeline [\\d,]+ events","absent":"filtering…"}' \
            --step '{"name":"filter","keys":"/ level:error Enter","done":"Timeline ([\\d,]+) of ([\\d,]+)","absent":"filtering…"}'
    fi
    local time_re='\d\d:\d\d:\d\d\.\d{3}'
    if want lnav; then
        if [[ -n ${BIN[lnav]:-} ]]; then
            if [[ $kind == file ]]; then
                interactive lnav "${BIN[lnav]} $TARGET" \
                    --first-screen-regex "$time_re" --ready-mode idle \
                    --latency-keys k \
                    --step '{"name":"last","keys":"G","done":"'"${LAST_RE//\\/\\\\}"'"}' \
                    --step '{"name":"filter","keys":":filter-in Space error Enter","done":"\\d+ Lines not shown","idle":true}'
            else # no merged view without a log format: time the opening only
                interactive lnav "${BIN[lnav]} $TARGET" \
                    --first-screen-regex "$time_re" --ready-mode idle --latency-keys k
            fi
        else na lnav "TUI" interactive "not installed"; fi
    fi
    if want tl; then
        if [[ -n ${BIN[tl]:-} ]]; then
            local merge=
            [[ $kind == dir ]] && merge=-m # one timeline merged by timestamp (else: one tab per file)
            interactive tl "${BIN[tl]} $merge ${FILES[*]}" \
                --first-screen-regex "$time_re" --ready-mode idle \
                --latency-keys Up \
                --step '{"name":"last","keys":"End","done":"'"${LAST_RE//\\/\\\\}"'"}'
        else na tl "TUI" interactive "not installed"; fi
    fi
    if want hl; then
        if [[ -n ${BIN[hl]:-} ]]; then
            interactive hl "env PAGER='less -R' ${BIN[hl]} ${FILES[*]}" \
                --first-screen-regex "$time_re" --ready-mode regex --ready-regex "$time_re" \
                --latency-keys j \
                --step '{"name":"last","keys":"G","done":"'"${LAST_RE//\\/\\\\}"'"}'
        else na hl "TUI" interactive "not installed"; fi
    fi
}

IFS=, read -r -a SIZE_LIST <<<"$SIZES"
for size in "${SIZE_LIST[@]}"; do
    for kind in file dir; do
        if [[ ,$INPUTS, == *",$kind,"* ]]; then bench_input "$kind" "$size"; fi
    done
done

# ------------------------------------------------------------------ report
log "writing bench-results/latest.md and latest.json"
COMMIT=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || COMMIT+="+dirty"
MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
HF_VERSION=$([[ -n $HYPERFINE ]] && first_line "$HYPERFINE" --version || echo "none (date loop)")
manifest kind=machine nproc="$(nproc)" model="$MODEL" kernel="$(uname -r)" mem="$(free -g | awk '/^Mem:/ {print $2 " GiB"}')" \
    date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" commit="$COMMIT" cmdline="$CMDLINE" runs="$RUNS" \
    hyperfine="$HF_VERSION" tmux="$(tmux -V 2>/dev/null || echo 'no tmux')" loadavg="$(cut -d' ' -f1-3 /proc/loadavg)" raw="${RAW#"$ROOT"/}"

report "$MANIFEST"
note "done: $RES/latest.md"
