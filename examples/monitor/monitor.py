#!/usr/bin/env python3
"""An example monitor for the Rust supervisord (`events=MONITOR_QUERY`).

Python 3 standard library only. supervisord sends a MONITOR_QUERY event whose payload
lists the pids of the RUNNING processes (`pids: 2601 2602`); this monitor answers
`RESULT <len>\\n<payload>` where the payload has one line per pid:

    pid=2601 rss_kb=10432 cpu_s=0.52

(`rss_kb`: VmRSS from /proc/<pid>/status; `cpu_s`: user + system time from
/proc/<pid>/stat; a pid that vanished meanwhile is reported `pid=<n> gone`).
Any other event is acknowledged with OK. Read the latest answer with
`supervisor.getMonitorResult('<pool>')`, ask for a fresh one with
`supervisor.queryMonitor('<pool>')`.
"""

import os
import sys

TICKS = os.sysconf("SC_CLK_TCK")


def usage(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            rss = next((l.split()[1] for l in f if l.startswith("VmRSS:")), "0")
        with open("/proc/%d/stat" % pid) as f:
            # the command name (field 2) may contain spaces: split after its ')'
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICKS
        return "pid=%d rss_kb=%s cpu_s=%.2f\n" % (pid, rss, cpu)
    except (OSError, IndexError, ValueError):
        return "pid=%d gone\n" % pid


def answer(stdout, payload):
    stdout.write(b"RESULT %d\n" % len(payload) + payload)
    stdout.flush()


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        stdout.write(b"READY\n")
        stdout.flush()
        line = stdin.readline()
        if not line:
            return  # supervisord closed our stdin: exit
        headers = dict(t.split(b":", 1) for t in line.split())
        body = stdin.read(int(headers[b"len"]))
        if headers[b"eventname"] == b"MONITOR_QUERY":
            pids = [int(p) for p in body.split(b":", 1)[1].split()]
            answer(stdout, "".join(usage(p) for p in pids).encode())
        else:
            answer(stdout, b"OK")


if __name__ == "__main__":
    main()
