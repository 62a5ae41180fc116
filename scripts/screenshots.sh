#!/usr/bin/env bash
# Regenerates screenshots/ from the bundled sample (examples/mailed-logs), in UTC, at
# 160x45, with an empty state directory (no marks of yours in the pictures).
#
#   scripts/screenshots.sh [--no-build]
#
# Renders with the team's screenshot tool (tmux + Pillow): ../shared/tools/screenshot.sh
# beside the repository, or the script named by $SCREENSHOT. It writes NAME.png plus
# NAME.png.txt (the screen as text, handy to grep) and NAME.png.ans (with colours); only
# the PNGs are committed.
set -euo pipefail
cd "$(dirname "$0")/.."

tool="${SCREENSHOT:-../shared/tools/screenshot.sh}"
if [ ! -x "$tool" ]; then
    echo "screenshots.sh: no screenshot tool at $tool (set SCREENSHOT to one)" >&2
    exit 3
fi
[ "${1:-}" = "--no-build" ] || cargo build --release --quiet
bin="$PWD/target/release/audit-tui"
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
out="$PWD/screenshots"
mkdir -p "$out"

# Text as tmux key names, one per character (the tool word-splits its -k groups).
typed() {
    local text="$1" out="" i c
    for ((i = 0; i < ${#text}; i++)); do
        c="${text:i:1}"
        [ "$c" = " " ] && c=Space
        out+="$c "
    done
    printf '%s' "$out"
}

shot() {
    local name="$1"
    shift
    "$tool" -o "$out/$name.png" -s 160x45 -w 2 "$@" -- \
        env AUDIT_TUI_STATE_DIR="$state" "$bin" --utc examples/mailed-logs
    rm -f "$out/$name.png.ans" "$out/$name.png.txt"
    echo "screenshots/$name.png"
}

shot overview
shot live-filter -k "/ $(typed 'level:warn+ weird') Enter"
shot error-drill-down -k "/ $(typed 'session:7d41 level:error') Enter" -k 'Enter'
shot errors-view -k '!' -k 'j'
shot session-story -k "/ $(typed 'session:7d41') Enter" -k 'S'
shot bundle-check -k 'c'
