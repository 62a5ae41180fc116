#!/usr/bin/env python3
"""Time a terminal app in a private tmux server, or a headless command, and sample its memory.

Interactive mode (default) starts `--cmd` in its own tmux server (`tmux -L probe<pid> -f /dev/null`,
status line off, so the pane is exactly --cols x --rows), polls `capture-pane -p -e` every
--poll-ms (50 ms) and samples /proc for the pane process and all its descendants:
VmHWM and RssAnon (summed over the tree) and CPU (utime+stime ticks) for idle detection.
It prints ONE JSON line. All times are seconds since the tmux `new-session` call.

  first_screen  first poll with >= --min-lines screen lines matching --first-screen-regex
  latency       optional: right after the first screen, send --latency-keys and time until the
                screen answers: --latency-done-regex matches, or else the records on screen changed
                (the sequence of --first-screen-regex matches, lines matching --ignore-regex left
                out, so spinners, clocks and progress counters do not count). `ready_at_send` and
                `ready_at_answer` tell whether the app was still indexing.
  ready         --ready-mode regex: --ready-regex matches and --ready-absent-regex does not;
                --ready-mode idle: CPU of the tree below --idle-pct % of one core over
                --idle-window s; the time reported is the START of that quiet window.
  idle          always reported: the first quiet window after the first screen (same definition).
  steps         after ready, each --step in order (JSON object, see below); `--keys` +
                `--done-regex` (+ `--absent-regex`) is a shorthand for one step named "keys".

A step is a JSON object: {"name": str, "keys": "tokens ...", "done": regex, "absent": regex,
"all_records": regex (every record line on screen matches it, at least --min-lines of them),
"changed": bool (the records on screen differ from just before the keys), "idle": bool (the tree is idle
after the keys; the idle window start is the time), "timeout": s}. The step time is measured
from just before the keys are sent. Key tokens are separated by spaces; tmux key names (Enter,
Escape, Up, End, C-c, ...) are sent as keys, anything else literally (`send-keys -l`).

Headless mode (--headless) runs --cmd (through `sh -c`, with `exec` when it is a single command),
stdout to --stdout (default /dev/null), stderr to --stderr, samples the tree every 10 ms and
prints {"wall_s", "exit", "maxrss_kib" (wait4 ru_maxrss; it includes the forked Python image
before exec, so it never reads below ~15 MiB), "peak_vmhwm_kib", "peak_rss_anon_kib", "lines" (with
--count-lines)}. With --time-file, the command runs under `/usr/bin/time -f %M -o FILE`
("time_maxrss_kib", exact) and that process is left out of the /proc sums.

Python 3 standard library only. Resolution: the poll interval plus the capture cost (~5 ms).
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
SGR = re.compile(r"\x1b\[[0-9;:?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
KEY_NAME = re.compile(
    r"^(Enter|Escape|Esc|Tab|BTab|BSpace|Space|Up|Down|Left|Right|Home|End|PPage|NPage|PageUp|PageDown|"
    r"IC|DC|F\d{1,2}|[CMS]-.+)$"
)


# ----------------------------------------------------------------------------- /proc


def children_map():
    """ppid -> [pid] for every process we can read."""
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rfind(b")") + 2 :].split()
        kids.setdefault(int(rest[1]), []).append(int(name))
    return kids


def tree(root, include_root=True):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out if include_root else out[1:]


def proc_sample(pid):
    """(vmhwm_kib, rss_anon_kib, rss_kib, cpu_ticks) of one process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            status = f.read()
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    vals = {}
    for line in status.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "RssAnon", "VmRSS"):
            vals[key] = int(rest.split()[0])
    rest = stat[stat.rfind(b")") + 2 :].split()
    ticks = int(rest[11]) + int(rest[12])  # utime + stime (fields 14, 15)
    return vals.get("VmHWM", 0), vals.get("RssAnon", 0), vals.get("VmRSS", 0), ticks


class Sampler:
    """Sums memory over a process tree; keeps peaks and a CPU history for idle detection.

    CPU of processes that exit is kept (last value seen), so the tree total never goes backwards."""

    def __init__(self, root, include_root=True):
        self.root, self.include_root = root, include_root
        self.peak_hwm = self.peak_anon = self.peak_rss = 0
        self.cpu_seen = {}
        self.history = []  # (t, total cpu ticks)
        self.samples = 0
        self.procs = set()

    def sample(self, t):
        hwm = anon = rss = 0
        for pid in tree(self.root, self.include_root):
            s = proc_sample(pid)
            if s is None:
                continue
            hwm += s[0]
            anon += s[1]
            rss += s[2]
            self.cpu_seen[pid] = s[3]
            self.procs.add(pid)
        self.peak_hwm = max(self.peak_hwm, hwm)
        self.peak_anon = max(self.peak_anon, anon)
        self.peak_rss = max(self.peak_rss, rss)
        self.history.append((t, sum(self.cpu_seen.values())))
        self.samples += 1

    def idle_since(self, after, window, pct):
        """Start of the first window [a, a+window] with a >= after and CPU < pct % of one core."""
        h = self.history
        budget = pct / 100.0 * window * CLK_TCK
        j = 0
        for i, (t0, c0) in enumerate(h):
            if t0 < after:
                continue
            j = max(j, i)
            while j < len(h) and h[j][0] < t0 + window:
                j += 1
            if j >= len(h):
                return None
            if h[j][1] - c0 <= budget:
                return t0
        return None


# ----------------------------------------------------------------------------- tmux


class Tmux:
    def __init__(self, socket):
        self.base = ["tmux", "-u", "-L", socket, "-f", "/dev/null"]
        self.path = None

    def run(self, *args, check=True):
        r = subprocess.run(self.base + list(args), capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def capture(self):
        """(screen with SGR escapes, pane is dead) in one tmux call; (None, True) if tmux is gone."""
        r = subprocess.run(
            self.base + ["capture-pane", "-p", "-e", "-t", "probe", ";", "display-message", "-p", "-t", "probe", "#{pane_dead}"],
            capture_output=True,
            text=True,
            errors="replace",
        )
        if r.returncode != 0:
            return None, True
        screen, _, dead = r.stdout.rstrip("\n").rpartition("\n")
        return screen, dead.strip() == "1"

    def send(self, keys):
        for tok in keys.split():
            if KEY_NAME.match(tok):
                self.run("send-keys", "-t", "probe", tok)
            else:
                self.run("send-keys", "-t", "probe", "-l", tok)

    def kill(self):
        subprocess.run(self.base + ["kill-server"], capture_output=True)
        if self.path:
            try:
                os.unlink(self.path)
            except OSError:
                pass


def shell_cmd(cmd):
    """`exec CMD` when CMD is one simple command, so the pane process is the app itself."""
    if re.search(r"[|;&]|\$\(|`", cmd):
        return cmd
    return "exec " + cmd


# ----------------------------------------------------------------------------- interactive


def interactive(a):
    rec = re.compile(a.first_screen_regex)
    ignore = re.compile(a.ignore_regex) if a.ignore_regex else None
    ready_re = re.compile(a.ready_regex) if a.ready_regex else None
    ready_absent = re.compile(a.ready_absent_regex) if a.ready_absent_regex else None
    steps = [json.loads(s) for s in a.step]
    if a.keys:
        steps.append({"name": "keys", "keys": a.keys, "done": a.done_regex, "absent": a.absent_regex})

    out = {
        "mode": "interactive",
        "cmd": a.cmd,
        "cols": a.cols,
        "rows": a.rows,
        "poll_ms": a.poll_ms,
        "first_screen": None,
        "ready": None,
        "ready_mode": a.ready_mode,
        "idle": None,
        "latency": None,
        "steps": {},
        "errors": [],
        "mem": {},
    }
    socket = f"probe{os.getpid()}"
    tm = Tmux(socket)
    saved = {}

    def mark(name):
        """Peak VmHWM and RssAnon (KiB, summed over the tree) up to now."""
        out["mem"][name] = [sampler.peak_hwm, sampler.peak_anon]

    def save(name, screen):
        if a.save_screens and screen is not None:
            os.makedirs(a.save_screens, exist_ok=True)
            with open(os.path.join(a.save_screens, f"{a.tag}{name}.txt"), "w") as f:
                f.write(SGR.sub("", screen))
            saved[name] = True

    def stop(*_):
        tm.kill()
        sys.exit(130)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    os.environ.pop("TMUX", None)
    pane_cmd = "export LANG=C.UTF-8 LC_ALL=C.UTF-8; " + shell_cmd(a.cmd)
    try:
        t_start = time.monotonic()
        tm.run(
            "start-server",
            ";", "set-option", "-g", "status", "off",
            ";", "set-option", "-g", "remain-on-exit", "on",
            ";", "set-option", "-g", "history-limit", "0",
            ";", "new-session", "-d", "-s", "probe", "-x", str(a.cols), "-y", str(a.rows),
            pane_cmd,
        )  # fmt: skip
        pid, tm.path = tm.run("display-message", "-p", "-t", "probe", "#{pane_pid} #{socket_path}").strip().split(" ", 1)
        pid = int(pid)
        sampler = Sampler(pid)
        poll = a.poll_ms / 1000.0
        deadline = t_start + a.timeout

        state = {"screen": "", "plain": [], "t": 0.0, "dead": False}

        def tick():
            """One poll: capture, sample; returns the elapsed time."""
            nxt = state.get("next", t_start)
            now = time.monotonic()
            if nxt > now:
                time.sleep(nxt - now)
            t = time.monotonic() - t_start
            state["next"] = time.monotonic() + poll
            scr, dead = tm.capture()
            sampler.sample(t)
            state["dead"] = state["dead"] or dead
            scr = scr or ""
            state["screen"] = scr
            state["plain"] = SGR.sub("", scr).splitlines()
            state["t"] = t
            return t

        def records(lines):
            return [ln for ln in lines if rec.search(ln)]

        def is_ready(t):
            if out["first_screen"] is None:
                return False
            if a.ready_mode == "idle":
                return sampler.idle_since(out["first_screen"], a.idle_window, a.idle_pct) is not None
            text = "\n".join(state["plain"])
            return (ready_re is None or ready_re.search(text)) and not (ready_absent and ready_absent.search(text))

        def check_ready(t):
            if out["ready"] is None and is_ready(t):
                if a.ready_mode == "idle":
                    out["ready"] = round(sampler.idle_since(out["first_screen"], a.idle_window, a.idle_pct), 3)
                else:
                    out["ready"] = round(t, 3)
                mark("ready")
                save("ready", state["screen"])
            if out["idle"] is None and out["first_screen"] is not None:
                s = sampler.idle_since(out["first_screen"], a.idle_window, a.idle_pct)
                if s is not None:
                    out["idle"] = round(s, 3)

        def masked():
            """What 'the screen changed' compares: the record matches (e.g. timestamps) in screen
            order, so spinners, clocks, progress counters and scroll bars do not count."""
            return [m.group(0) for ln in state["plain"] if not (ignore and ignore.search(ln)) for m in rec.finditer(ln)]

        # --- first screen
        while True:
            t = tick()
            if len(records(state["plain"])) >= a.min_lines:
                out["first_screen"] = round(t, 3)
                mark("first_screen")
                save("first", state["screen"])
                break
            if state["dead"]:
                raise RuntimeError("the app exited before its first screen: " + " | ".join(state["plain"][-3:]))
            if time.monotonic() > deadline:
                save("timeout-first", state["screen"])
                raise RuntimeError(f"no first screen within {a.timeout} s")
        check_ready(t)

        # --- keystroke latency, right after the first screen (usually still indexing)
        if a.latency_keys:
            before_raw = masked()
            ready_at_send = out["ready"] is not None
            done_re = re.compile(a.latency_done_regex) if a.latency_done_regex else None
            t0 = time.monotonic() - t_start
            tm.send(a.latency_keys)
            lat_deadline = time.monotonic() + a.latency_timeout
            lat = {"keys": a.latency_keys, "sent_at": round(t0, 3), "ready_at_send": ready_at_send, "dt": None}
            while time.monotonic() < lat_deadline:
                t = tick()
                check_ready(t)
                if done_re is not None:
                    hit = done_re.search("\n".join(state["plain"]))
                else:
                    hit = masked() != before_raw
                if hit:
                    lat["dt"] = round(t - t0, 3)
                    lat["answered_at"] = round(t, 3)
                    # in idle mode "ready" is only known a window later: compare with it at the end
                    lat["ready_at_answer"] = out["ready"] is not None
                    save("latency", state["screen"])
                    break
            if lat["dt"] is None:
                out["errors"].append(f"latency: no screen change within {a.latency_timeout} s")
            out["latency"] = lat

        # --- ready (full index)
        while out["ready"] is None:
            if state["dead"]:
                raise RuntimeError("the app exited before it was ready")
            if time.monotonic() > deadline:
                save("timeout-ready", state["screen"])
                raise RuntimeError(f"not ready within {a.timeout} s")
            t = tick()
            check_ready(t)

        # --- steps
        for st in steps:
            name = st.get("name", "step")
            done_re = re.compile(st["done"]) if st.get("done") else None
            absent_re = re.compile(st["absent"]) if st.get("absent") else None
            all_re = re.compile(st["all_records"]) if st.get("all_records") else None
            before = masked()
            t0 = time.monotonic() - t_start
            if st.get("keys"):
                tm.send(st["keys"])
            step_deadline = time.monotonic() + float(st.get("timeout", a.timeout))
            res = {"sent_at": round(t0, 3), "dt": None}
            t_screen = None
            while time.monotonic() < step_deadline:
                t = tick()
                check_ready(t)
                text = "\n".join(state["plain"])
                ok = True
                m = None
                if done_re is not None:
                    m = done_re.search(text)
                    ok = ok and m is not None
                if absent_re is not None and absent_re.search(text):
                    ok = False
                if all_re is not None:
                    recs = records(state["plain"])
                    ok = ok and len(recs) >= a.min_lines and all(all_re.search(r) for r in recs)
                if st.get("changed") and masked() == before:
                    ok = False
                if not ok:
                    t_screen = None
                    continue
                if t_screen is None:
                    t_screen = t
                    if m is not None and m.groups():
                        res["groups"] = list(m.groups())
                if st.get("idle"):
                    s = sampler.idle_since(t0, a.idle_window, a.idle_pct)
                    if s is None:
                        continue
                    res["screen_ok"] = round(t_screen - t0, 3)
                    res["dt"] = round(max(s, t_screen) - t0, 3)
                else:
                    res["dt"] = round(t_screen - t0, 3)
                mark(name)
                save(name, state["screen"])
                break
            if res["dt"] is None:
                save(f"timeout-{name}", state["screen"])
                out["errors"].append(f"{name}: not done within {st.get('timeout', a.timeout)} s")
            out["steps"][name] = res
            if state["dead"]:
                out["errors"].append("the app exited")
                break

        lat = out["latency"]
        if lat and lat.get("answered_at") is not None and out["ready"] is not None:
            lat["ready_at_answer"] = out["ready"] <= lat["answered_at"]
        if a.hold > 0:  # keep sampling (e.g. to catch the idle window)
            end = time.monotonic() + a.hold
            while time.monotonic() < end:
                check_ready(tick())
    except Exception as e:  # noqa: BLE001 - reported in the JSON line
        out["errors"].append(str(e))
    finally:
        tm.kill()
    if "sampler" in locals():
        out["peak_vmhwm_kib"] = sampler.peak_hwm
        out["peak_rss_anon_kib"] = sampler.peak_anon
        out["peak_rss_kib"] = sampler.peak_rss
        out["samples"] = sampler.samples
        out["processes"] = len(sampler.procs)
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


# ----------------------------------------------------------------------------- headless


def headless(a):
    argv = ["sh", "-c", shell_cmd(a.cmd)]
    if a.time_file:
        argv = ["/usr/bin/time", "-f", "%M", "-o", a.time_file] + argv
    stdout = subprocess.PIPE if a.count_lines else open(a.stdout, "wb")  # noqa: SIM115
    stderr = open(a.stderr, "wb") if a.stderr else subprocess.DEVNULL  # noqa: SIM115
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=stdout, stderr=stderr, start_new_session=True)

    def stop(signum, _frame):
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except OSError:
            pass
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sampler = Sampler(p.pid, include_root=not a.time_file)
    counted = {"lines": 0}
    if a.count_lines:

        def count():
            while chunk := p.stdout.read(1 << 20):
                counted["lines"] += chunk.count(b"\n")

        reader = threading.Thread(target=count, daemon=True)
        reader.start()
    status = ru = None
    while True:
        sampler.sample(time.monotonic() - t0)
        pid, st, r = os.wait4(p.pid, os.WNOHANG)
        if pid:
            status, ru = st, r
            break
        time.sleep(a.sample_ms / 1000.0)
    wall = time.monotonic() - t0
    if a.count_lines:
        reader.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    out = {
        "mode": "headless",
        "cmd": a.cmd,
        "wall_s": round(wall, 4),
        "exit": p.returncode,
        "maxrss_kib": ru.ru_maxrss,
        "peak_vmhwm_kib": sampler.peak_hwm,
        "peak_rss_anon_kib": sampler.peak_anon,
        "samples": sampler.samples,
    }
    if a.count_lines:
        out["lines"] = counted["lines"]
    if a.time_file:
        try:
            with open(a.time_file) as f:
                out["time_maxrss_kib"] = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cmd", required=True, help="shell command to run")
    p.add_argument("--headless", action="store_true", help="no tmux: run, sample memory, time")
    p.add_argument("--stdout", default="/dev/null")
    p.add_argument("--stderr", default=None)
    p.add_argument("--count-lines", action="store_true", help="headless: read stdout through a pipe, count its lines")
    p.add_argument("--time-file", default=None, help="headless: run under /usr/bin/time -f %%M -o FILE")
    p.add_argument("--sample-ms", type=float, default=10)
    p.add_argument("--cols", type=int, default=200)
    p.add_argument("--rows", type=int, default=50)
    p.add_argument("--poll-ms", type=float, default=50)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--first-screen-regex", default=r"\d\d:\d\d:\d\d\.\d{3}")
    p.add_argument("--min-lines", type=int, default=3)
    p.add_argument("--ready-mode", choices=["regex", "idle"], default="idle")
    p.add_argument("--ready-regex", default=None)
    p.add_argument("--ready-absent-regex", default=None)
    p.add_argument("--idle-window", type=float, default=1.0)
    p.add_argument("--idle-pct", type=float, default=5.0)
    p.add_argument("--ignore-regex", default=None, help="lines left out when comparing screens")
    p.add_argument("--latency-keys", default=None)
    p.add_argument("--latency-done-regex", default=None)
    p.add_argument("--latency-timeout", type=float, default=10)
    p.add_argument("--step", action="append", default=[], help="JSON step object (repeatable)")
    p.add_argument("--keys", default=None)
    p.add_argument("--done-regex", default=None)
    p.add_argument("--absent-regex", default=None)
    p.add_argument("--hold", type=float, default=0, help="keep sampling this long after the steps")
    p.add_argument("--save-screens", default=None, help="directory for plain-text screens at each milestone")
    p.add_argument("--tag", default="", help="file-name prefix for saved screens")
    a = p.parse_args()
    if a.ready_mode == "regex" and not (a.ready_regex or a.ready_absent_regex):
        p.error("--ready-mode regex needs --ready-regex and/or --ready-absent-regex")
    return headless(a) if a.headless else interactive(a)


if __name__ == "__main__":
    sys.exit(main())
