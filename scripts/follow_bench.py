#!/usr/bin/env python3
"""Follow-mode benchmark: append-to-screen latency, and interactivity under a heavy writer.

Runs the real binary (`audit-tui --follow DIR`) in a private tmux server on a temp folder
holding today's DataTools file, then
  1. latency: appends one marker line at a time and times until it is on screen
     (tmux capture polled every 5 ms; the figure includes the capture cost, ~3 ms);
  2. load: a writer appends RATE lines/s for SECONDS while the script presses keys and
     times each keystroke until the screen changes; at the end it checks that every line
     written was indexed (the status bar's event count).
Prints a Markdown table and writes JSON to bench-results/follow-notify.json
(bench-results/follow-poll.json with --poll).

usage: scripts/follow_bench.py [--bin target/release/audit-tui] [--markers 30]
                               [--rate 50000] [--seconds 10] [--keys 20] [--poll]
"""
import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tmux(sock, *args, check=True):
    return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True, check=check)


def screen(sock):
    return tmux(sock, "capture-pane", "-p", "-t", "bench").stdout


def wait_for(sock, pred, timeout, poll=0.005):
    """Polls the screen until pred(text) holds; returns seconds waited or None."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        text = screen(sock)
        if pred(text):
            return time.monotonic() - start
        time.sleep(poll)
    return None


def line(i, msg, level="info"):
    ts = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
    return json.dumps({"ts": ts, "level": level, "category": "nav", "session": "bench001", "message": msg}) + "\n"


def events_in_status(text):
    m = re.search(r"([\d,]+) events?", text.splitlines()[-1] if text else "")
    return int(m.group(1).replace(",", "")) if m else -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/audit-tui"))
    ap.add_argument("--markers", type=int, default=30)
    ap.add_argument("--rate", type=int, default=50_000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--keys", type=int, default=20)
    ap.add_argument("--poll", action="store_true", help="run audit-tui with --poll")
    a = ap.parse_args()
    if not shutil.which("tmux"):
        sys.exit("follow_bench: tmux is needed")
    if not os.path.exists(a.bin):
        sys.exit(f"follow_bench: {a.bin} not found (cargo build --release)")

    work = tempfile.mkdtemp(prefix="follow-bench-")
    today = datetime.date.today().isoformat()
    path = os.path.join(work, f"datatools-{today}.jsonl")
    with open(path, "w") as f:
        f.write(line(0, "start"))
    sock = f"followbench{os.getpid()}"
    cmd = [a.bin, "--follow", work] + (["--poll"] if a.poll else [])
    results = {"mode": "poll" if a.poll else "notify"}
    try:
        tmux(sock, "-f", "/dev/null", "new-session", "-d", "-s", "bench", "-x", "160", "-y", "45",
             " ".join(subprocess.list2cmdline([c]) for c in cmd))
        if wait_for(sock, lambda t: "FOLLOW" in t and "start" in t, 10) is None:
            sys.exit("follow_bench: the explorer did not show FOLLOW")

        # 1. append-to-screen latency
        lat = []
        for i in range(a.markers):
            marker = f"marker-{i:04d}-x"
            with open(path, "a") as f:
                f.write(line(i, marker))
            waited = wait_for(sock, lambda t, m=marker: m in t, 5)
            if waited is not None:
                lat.append(waited * 1000)
        results["latency_ms"] = {
            "median": round(statistics.median(lat), 1) if lat else None,
            "p95": round(sorted(lat)[int(len(lat) * 0.95) - 1], 1) if lat else None,
            "max": round(max(lat), 1) if lat else None,
            "seen": len(lat),
            "of": a.markers,
        }

        # 2. interactivity under a heavy writer
        written = [0]
        stop = threading.Event()

        def writer():
            per_tick = max(1, a.rate // 100)
            n = 0
            start = time.monotonic()
            with open(path, "a", buffering=1 << 20) as f:
                while time.monotonic() - start < a.seconds and not stop.is_set():
                    f.write("".join(line(n + k, f"load line {n + k}") for k in range(per_tick)))
                    f.flush()
                    n += per_tick
                    # Pace to the rate: one tick every 10 ms.
                    target = start + n / a.rate
                    delay = target - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
            written[0] = n

        before = events_in_status(screen(sock))
        t = threading.Thread(target=writer)
        t.start()
        time.sleep(0.5)
        keys = []
        for k in range(a.keys):
            old = screen(sock)
            key = "k" if k % 2 == 0 else "G"
            t0 = time.monotonic()
            tmux(sock, "send-keys", "-t", "bench", key)
            changed = wait_for(sock, lambda s, o=old: s != o, 2, poll=0.002)
            if changed is not None:
                keys.append((time.monotonic() - t0) * 1000)
            time.sleep(0.2)
        t.join()
        expected = before + written[0]
        done = wait_for(sock, lambda s: events_in_status(s) >= expected, 30, poll=0.05)
        results["load"] = {
            "lines_per_s": a.rate,
            "seconds": a.seconds,
            "written": written[0],
            "key_to_frame_ms_median": round(statistics.median(keys), 1) if keys else None,
            "key_to_frame_ms_max": round(max(keys), 1) if keys else None,
            "all_indexed": done is not None,
            "caught_up_after_s": round(done, 2) if done is not None else None,
            "final_count": events_in_status(screen(sock)),
            "expected_count": expected,
        }
    finally:
        tmux(sock, "kill-server", check=False)
        shutil.rmtree(work, ignore_errors=True)

    os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench-results", f"follow-{results['mode']}.json"), "w") as f:
        json.dump(results, f, indent=2)
    lat, load = results["latency_ms"], results["load"]
    print(f"| follow ({results['mode']}) | measure | value |")
    print("|---|---|---|")
    print(f"| append → on screen | median / p95 / max | {lat['median']} / {lat['p95']} / {lat['max']} ms ({lat['seen']}/{lat['of']} seen) |")
    print(f"| keystroke → frame under {load['lines_per_s']:,} lines/s | median / max | {load['key_to_frame_ms_median']} / {load['key_to_frame_ms_max']} ms |")
    print(f"| lines written under load | all indexed | {load['written']:,}: {load['all_indexed']} (caught up {load['caught_up_after_s']} s after the writer stopped) |")


if __name__ == "__main__":
    main()
