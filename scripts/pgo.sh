#!/usr/bin/env bash
# Makes pgo/audit-tui.profdata, the profile that release builds are optimized with
# (scripts/pgo-rustc applies it). Run it after changing the parser's hot paths: a stale
# profile still builds, but the functions that changed lose the optimization. A fresh
# profile can also be worse: inlining follows it, and once made one binary 1.22x slower.
# Rebuild and compare with the binary before (scripts/ab.sh) before committing one.
#
#   scripts/pgo.sh [--size-mb N]     (default 500: the generated DataTools part of the training)
#
# Needs llvm-profdata of the same LLVM major version as rustc (`rustc -vV`): from
# `rustup component add llvm-tools`, or Debian's llvm-<major> package.
#
# The training set is what support engineers open: a generated DataTools corpus (the bulk;
# another seed than the benchmark's), every dialect and quirk fixture repeated so that each
# dialect's paths count as warm, and the bundled mailed folder as it is (archives,
# discovery). Every headless command runs on it.
set -euo pipefail
cd "$(dirname "$0")/.."

size_mb=500
while [[ $# -gt 0 ]]; do
    case $1 in
        --size-mb) size_mb=$2; shift 2 ;;
        *) echo "usage: $0 [--size-mb N]" >&2; exit 2 ;;
    esac
done

major=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
profdata=
for candidate in "$(rustc --print sysroot)"/lib/rustlib/*/bin/llvm-profdata \
    "llvm-profdata-$major" "/usr/lib/llvm-$major/bin/llvm-profdata" llvm-profdata; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" --version 2>/dev/null | grep -q "LLVM version $major\."; then
        profdata=$candidate
        break
    fi
done
if [[ -z $profdata ]]; then
    echo "no llvm-profdata for LLVM $major: rustup component add llvm-tools, or apt-get install llvm-$major" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== instrumented build" >&2
RUSTC_WRAPPER='' RUSTFLAGS="-Cprofile-generate=$work/raw" \
    cargo build --release --target-dir target/pgo-generate --bin audit-tui
bin=target/pgo-generate/release/audit-tui

echo "== training set" >&2
cargo run --release --quiet --example gen_logs -- --size-mb "$size_mb" --days 3 --seed 7 --out "$work/corpus" >&2
# Each small fixture 400 times over (a CSV's header once), keeping folder and file names:
# dialects are told by fields, users by folder names.
while IFS= read -r -d '' f; do
    rel=${f#tests/fixtures/}
    mkdir -p "$work/dialects/$(dirname "$rel")"
    out="$work/dialects/$rel"
    case $f in
        *.csv)
            head -n 1 "$f" >"$out"
            for _ in $(seq 400); do tail -n +2 "$f"; done >>"$out"
            ;;
        *) for _ in $(seq 400); do cat "$f"; done >"$out" ;;
    esac
done < <(find tests/fixtures -type f \( -name '*.jsonl' -o -name '*.json' -o -name '*.log' -o -name '*.csv' \
    -o -name '*.ndjson' -o -name '*.clef' -o -name 'syslog' \) -size -64k -print0)

echo "== training runs" >&2
for input in "$work/corpus" "$work/dialects" examples/mailed-logs tests/fixtures; do
    "$bin" summary --json "$input" >/dev/null
    "$bin" sessions "$input" >/dev/null
    "$bin" errors "$input" >/dev/null
    "$bin" export -q level:error "$input" -o /dev/null 2>/dev/null
    "$bin" export --format csv -q 'level:warn+ -cat:nav' "$input" -o /dev/null 2>/dev/null
    "$bin" export -q 'timeout' "$input" -o /dev/null 2>/dev/null
    "$bin" report "$input" -o /dev/null
done

"$profdata" merge --sparse -o pgo/audit-tui.profdata "$work/raw"
ls -l pgo/audit-tui.profdata >&2
echo "rebuild with: cargo build --release" >&2
