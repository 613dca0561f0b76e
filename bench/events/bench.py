#!/usr/bin/env python3
"""Event delivery benchmark: our supervisord against Python supervisord 4.3.0.

Run from the repository root (Python 3 stdlib, a C compiler, the venv in target/py):

    python3 bench/events/bench.py [--secs 5] [--exits 100] [--runs 3]

Builds `target/release/supervisord` and `evbench` (evbench.c), then for each daemon:

* throughput: one listener (evbench throughput) that acknowledges at once and, for each
  event it reads, writes one stderr line that becomes the next PROCESS_LOG_STDERR event
  (a closed loop with one event in flight, nothing overflows). Reports events delivered
  per second and the daemon's CPU time (utime+stime from /proc) per delivered event.
* latency: a program (evbench exiter) that sleeps 20 ms, writes the time and exits, over
  and over (autorestart, startsecs=0); a listener subscribed to PROCESS_STATE_EXITED
  writes the time it read the event. Latency = read time - exit time, per pid.

Prints a Markdown table (the one recorded in README.md).
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PY_SUPERVISORD = os.path.join(ROOT, "target/py/bin/supervisord")
OUR_SUPERVISORD = os.path.join(ROOT, "target/release/supervisord")


def build(tmp):
    subprocess.run(["cargo", "build", "--release", "--bin", "supervisord"], cwd=ROOT,
                   check=True)
    exe = os.path.join(tmp, "evbench")
    subprocess.run(["cc", "-O2", "-o", exe, os.path.join(ROOT, "bench/events/evbench.c")],
                   check=True)
    subprocess.run(["cc", "-O2", "-o", os.path.join(tmp, "floor"),
                    os.path.join(ROOT, "bench/events/floor.c")], check=True)
    return exe


def floor(tmp, secs):
    """bench/events/floor.c: CPU per round trip of a bare one-byte pipe ping-pong."""
    out = subprocess.run([os.path.join(tmp, "floor"), str(secs)], capture_output=True,
                         text=True, check=True).stdout
    rate, cpu = float(out.split()[0]), float(out.split()[3])
    return rate, cpu


def run_daemon(binary, dir_, body, wait_for, timeout):
    conf = os.path.join(dir_, "supervisord.conf")
    with open(conf, "w") as f:
        f.write("[supervisord]\nlogfile=%s/supervisord.log\npidfile=%s/pid\n"
                "childlogdir=%s\nloglevel=warn\n%s" % (dir_, dir_, dir_, body))
    proc = subprocess.Popen([binary, "-n", "-c", conf], cwd=dir_,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if wait_for():
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("timed out in %s" % dir_)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def throughput(binary, exe, secs):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "result")
        body = ("[eventlistener:l]\ncommand=%s throughput %s %s\nevents=PROCESS_LOG_STDERR\n"
                "stderr_events_enabled=true\nstderr_logfile=NONE\nstdout_logfile=NONE\n"
                "startsecs=0\n" % (exe, secs, out))
        run_daemon(binary, d, body, lambda: os.path.exists(out) and open(out).read(),
                   secs + 60)
        f = open(out).read().split()
        events, secs_, ticks, hz = int(f[1]), float(f[3]), int(f[5]), int(f[7])
        return events / secs_, ticks / hz / events * 1e6


def latency(binary, exe, exits):
    with tempfile.TemporaryDirectory() as d:
        sent, seen = os.path.join(d, "sent"), os.path.join(d, "seen")
        body = ("[eventlistener:l]\ncommand=%s latency %s\nevents=PROCESS_STATE_EXITED\n"
                "startsecs=0\nbuffer_size=1000\n"
                "[program:p]\ncommand=%s exiter %s\nstartsecs=0\nautorestart=true\n"
                "stdout_logfile=NONE\nstderr_logfile=NONE\n" % (exe, seen, exe, sent))

        def enough():
            return os.path.exists(seen) and sum(1 for _ in open(seen)) >= exits

        run_daemon(binary, d, body, enough, exits * 2 + 60)
        at = {}
        for line in open(sent):
            pid, t = line.split()
            at[pid] = float(t)
        lat = sorted((float(t) - at[pid]) * 1000 for pid, t in
                     (l.split() for l in open(seen)) if pid in at)
        q = statistics.quantiles(lat, n=100)
        return statistics.median(lat), q[98], len(lat)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secs", type=float, default=5)
    ap.add_argument("--exits", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3,
                    help="throughput runs per daemon; the median is reported")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    try:
        exe = build(tmp)
        rows = []
        for name, binary in (("ours", OUR_SUPERVISORD), ("supervisord 4.3.0", PY_SUPERVISORD)):
            runs = sorted((throughput(binary, exe, a.secs) for _ in range(a.runs)),
                          key=lambda r: r[1])
            rate, cpu = runs[len(runs) // 2]
            p50, p99, n = latency(binary, exe, a.exits)
            rows.append((name, rate, cpu, p50, p99, n))
            print("%s: %.0f events/s, %.1f us CPU/event, latency p50 %.3f ms p99 %.3f ms (%d)"
                  % (name, rate, cpu, p50, p99, n), file=sys.stderr)
        print("| daemon | events/s delivered | daemon CPU per event | latency p50 | latency p99 |")
        print("|---|---|---|---|---|")
        for name, rate, cpu, p50, p99, n in rows:
            print("| %s | %.0f | %.1f µs | %.3f ms | %.3f ms (n=%d) |"
                  % (name, rate, cpu, p50, p99, n))
        rate, cpu = floor(tmp, min(a.secs, 3))
        print("| floor: one-byte pipe ping-pong (bench/events/floor.c) | %.0f round trips | "
              "%.1f µs | | |" % (rate, cpu))
        ours, theirs = rows[0], rows[1]
        print("\nCPU per event: ours / 4.3.0 = %.3f (target 0.10 = %.1f µs; the floor is "
              "%.3f of 4.3.0); p50 latency ours %.3f ms"
              % (ours[2] / theirs[2], theirs[2] / 10, cpu / theirs[2], ours[3]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
