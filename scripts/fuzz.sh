#!/usr/bin/env bash
# Fuzzes audit-tui's parsers of untrusted input with cargo-fuzz (libFuzzer), one target at
# a time, at the lowest CPU priority (the machine is shared).
#
#   scripts/fuzz.sh [TARGET|all] [--runs N] [--max-time SECONDS] [--max-len BYTES]
#                   [--sanitizer none|address]
#
# Targets (fuzz/fuzz_targets/): parse_lines, json_scan, csv_reader, query, sanitize.
# Default: all of them, 10,000,000 executions each, inputs up to 4096 bytes, no sanitizer
# (safe Rust: panics are what we look for, and this is several times faster).
# --max-time stops each target after that many seconds even if it has not made N runs.
#
# Needs the nightly toolchain (`cargo +nightly`); installs cargo-fuzz if it is missing.
# The corpus grows in fuzz/corpus/TARGET (seeded from tests/fixtures, not committed);
# crashing inputs land in fuzz/artifacts/TARGET; each run's log is fuzz/logs/TARGET.log.
# A crash stops the script: replay it with
#   cargo +nightly fuzz run TARGET --sanitizer none fuzz/artifacts/TARGET/crash-...
# and turn it into a test in tests/fuzz_regressions.rs.
set -euo pipefail

cd "$(dirname "$0")/.."
ALL=(parse_lines json_scan csv_reader query sanitize)
target=all
runs=10000000
max_len=4096
max_time=0
sanitizer=none
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --max-len) max_len="$2"; shift 2 ;;
        --max-time) max_time="$2"; shift 2 ;;
        --sanitizer) sanitizer="$2"; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
        *) target="$1"; shift ;;
    esac
done
if [ "$target" = all ]; then
    targets=("${ALL[@]}")
elif [[ " ${ALL[*]} " == *" $target "* ]]; then
    targets=("$target")
else
    echo "unknown target $target (one of: ${ALL[*]}, all)" >&2
    exit 2
fi

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzzing needs the nightly toolchain: rustup toolchain install nightly" >&2
    exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    nice -n 19 cargo install cargo-fuzz --locked
fi

# Saves stdin as a corpus entry named by its content (so seeding twice adds nothing).
seed() {
    local dir="$1" tmp
    tmp="$(mktemp)"
    cat >"$tmp"
    if [ -s "$tmp" ] && [ "$(stat -c %s "$tmp")" -le "$max_len" ]; then
        mv "$tmp" "$dir/seed-$(sha1sum "$tmp" | cut -c1-16)"
    else
        rm -f "$tmp"
    fi
}

# A file's lines, each one entry.
seed_lines() {
    local dir="$1" file="$2" line
    while IFS= read -r line || [ -n "$line" ]; do
        printf '%s' "$line" | seed "$dir"
    done <"$file"
}

fixtures() {
    find tests/fixtures -type f -size -"$max_len"c ! -name README.md ! -name expected.json \
        ! -name '*.gz' ! -name '*.zip' ! -name '*.py' ! -name .gitattributes | sort
}

# First corpus of a target, from the test fixtures (only when its folder is empty).
seed_corpus() {
    local t="$1" dir="fuzz/corpus/$1" f q
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || return 0
    case "$t" in
        parse_lines)
            # The first byte is a knob (see the target): 0x0c runs the index builder too, and
            # its low bits pick lines (0), CSV (2) or Markdown (3).
            for f in $(fixtures); do
                case "$f" in
                    *.csv) { printf '\016'; cat "$f"; } | seed "$dir" ;;
                    *.md) { printf '\017'; cat "$f"; } | seed "$dir" ;;
                    *) { printf '\000'; cat "$f"; } | seed "$dir"; { printf '\134'; cat "$f"; } | seed "$dir" ;;
                esac
            done ;;
        csv_reader)
            for f in $(fixtures | grep '\.csv$'); do { printf '\007'; cat "$f"; } | seed "$dir"; done
            printf '\003time;level;msg\n2026-05-17T10:00:00Z;error;"disk\nfull"\n' | seed "$dir"
            printf '\001a\tb\tc\n1\t"x""y"\t3\n' | seed "$dir" ;;
        json_scan)
            for f in $(fixtures | grep -E '\.(jsonl|json|ndjson|clef|log)$|/syslog$'); do seed_lines "$dir" "$f"; done ;;
        query)
            while IFS= read -r q; do printf '%s' "$q" | seed "$dir"; done <<'EOF'
level:error
level:warn+ cat:upload
-level:info weird 'exact ^pre suf$ !not "two words" -noise
user:"Ann Lee" session:s-9
since:2026-05-17 until:2026-05-17T08:00
since:-2h until:-1d
is:unparsed
is:error file:csv
args.path:q3 bytes:>1000 exc_type: note:""
elapsed_ms:>=1500 -status:ok
msg:timeout message:"disk full"
http://x 'a:b -
log.level:x @timestamp: error.type:MemoryError
msg:café kelvin
until:18446744073709551615 since:9999999999999999999.999
before:"Sun, 17 May 2026 09:00:00 +0000" after:"7/10/2025 10:00 PM"
since:2026-05-17T08:00:00+14:00 until:-9223372036854775807w
EOF
            ;;
        sanitize)
            seed_lines "$dir" tests/fixtures/quirks/escapes.jsonl
            printf 'evil\033]0;pwned\007.jsonl\nline\r\n\t\302\233[2J \342\200\256txt.exe \177 \357\273\277' | seed "$dir"
            printf 'ok\377\376no \300\200 \355\240\200' | seed "$dir" ;;
    esac
    echo "seeded $dir with $(ls "$dir" | wc -l) inputs"
}

mkdir -p fuzz/logs
summary=()
for t in "${targets[@]}"; do
    seed_corpus "$t"
    log="fuzz/logs/$t.log"
    echo "== $t: $runs runs, inputs up to $max_len bytes (log: $log)"
    status=0
    nice -n 19 cargo +nightly fuzz run "$t" --sanitizer "$sanitizer" "fuzz/corpus/$t" -- \
        -runs="$runs" -max_total_time="$max_time" -max_len="$max_len" -print_final_stats=1 -timeout=20 -rss_limit_mb=4096 \
        >"$log" 2>&1 || status=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    line="$t: ${execs:-?} executions, ${speed:-?} exec/s"
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$log"
        echo "$line; FAILED (exit $status), crash in fuzz/artifacts/$t/" >&2
        exit "$status"
    fi
    echo "$line"
    summary+=("$line")
done
printf '%s\n' "== done" "${summary[@]}"
