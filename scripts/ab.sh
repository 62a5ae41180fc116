#!/usr/bin/env bash
# Interleaved A/B timing of two audit-tui binaries on the same command.
#
#   scripts/ab.sh OLD_BIN NEW_BIN [RUNS] -- ARGS...
#   scripts/ab.sh /tmp/audit-tui-before target/release/audit-tui 15 -- summary --json big.jsonl
#
# Why interleaved and why so many runs: on a shared 2-core VM the same binary's wall time
# drifts by 30 % over minutes. Alternating A and B puts both through the same spells, and
# the minimum and first quartile of 15-20 runs are what stayed stable between repeats
# (5-6 runs of each contradicted each other). Each run also reports the index phases
# (AUDIT_TUI_PHASES), so a change can be pinned on parse, absorb, sort or assign.
set -euo pipefail

usage() { echo "usage: $0 OLD_BIN NEW_BIN [RUNS] -- ARGS..." >&2; exit 2; }
[[ $# -ge 3 ]] || usage
old=$1 new=$2
shift 2
runs=15
if [[ $1 != -- ]]; then runs=$1; shift; fi
[[ ${1:-} == -- ]] || usage
shift
for bin in "$old" "$new"; do [[ -x $bin ]] || { echo "not executable: $bin" >&2; exit 2; }; done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((r = 1; r <= runs; r++)); do
    # Which side goes first is drawn per round: the first run after a switch measured
    # differently (absorb 80 vs 45 ms on 1 GiB, whichever binary it was).
    order="A B"
    ((RANDOM % 2)) && order="B A"
    for side in $order; do
        bin=$old
        [[ $side == B ]] && bin=$new
        start=$(date +%s%N)
        phases=$(AUDIT_TUI_PHASES=1 "$bin" "$@" 2>&1 >/dev/null | awk '$1 == "phase" { print $2 "=" $3 }' | tr '\n' ' ')
        end=$(date +%s%N)
        echo "$side wall=$(((end - start) / 1000000)) $phases" >>"$log"
    done
done

python3 - "$log" "$old" "$new" <<'EOF'
import sys, statistics
rows = {"A": {}, "B": {}}
for line in open(sys.argv[1]):
    side, *pairs = line.split()
    for p in pairs:
        k, v = p.split("=")
        rows[side].setdefault(k, []).append(float(v))
def stats(xs):
    xs = sorted(xs)
    return xs[0], xs[len(xs) // 4], statistics.median(xs)
print(f"A = {sys.argv[2]}\nB = {sys.argv[3]}\nruns: {len(rows['A'].get('wall', []))} each, interleaved; ms")
print(f"{'measure':<10} {'A min':>8} {'A q1':>8} {'A med':>8} {'B min':>8} {'B q1':>8} {'B med':>8} {'B/A med':>8}")
for k in rows["A"]:
    if k not in rows["B"]:
        continue
    a, b = stats(rows["A"][k]), stats(rows["B"][k])
    ratio = b[2] / a[2] if a[2] else float("nan")
    print(f"{k:<10} {a[0]:8.1f} {a[1]:8.1f} {a[2]:8.1f} {b[0]:8.1f} {b[1]:8.1f} {b[2]:8.1f} {ratio:8.3f}")
EOF
