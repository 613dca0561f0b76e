#!/usr/bin/env python3
"""Side-by-side benchmark: our Rust supervisord vs Python supervisord 4.3.

Stdlib only. Called by bench/run.sh (which builds the binaries); see bench/README.md for
what is measured and how to read it. Not a test: nothing here is ever run by CI.

Every daemon runs with `-n -c <generated conf>` in its own temp dir; both daemons get the
same config text (only the directory differs). They run one after the other (never at the
same time: the machine has 2 cores and each would steal CPU from the other).
"""

import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HZ = os.sysconf("SC_CLK_TCK")
MIB = 1 << 20
LINE_LEN = 41  # bytes per line of bench/writer.c

# --------------------------------------------------------------------------- /proc readers


def read_ticks(pid):
    """utime+stime of the whole process (all threads), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    # rest[0] is field 3 (state); utime is field 14, stime field 15
    return int(rest[11]) + int(rest[12])


def read_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def read_kb(pid, key):
    return int(read_status(pid)[key].split()[0])


def read_ctxt(pid):
    """(voluntary, nonvoluntary) context switches summed over every thread of pid."""
    vol = nonvol = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            st = read_status(f"{pid}/task/{tid}")
        except FileNotFoundError:
            continue
        vol += int(st["voluntary_ctxt_switches"])
        nonvol += int(st["nonvoluntary_ctxt_switches"])
    return vol, nonvol


def read_cpu_ns(pid):
    """Time on CPU in ns, summed over every thread (/proc/<pid>/task/*/schedstat, first
    field: the scheduler's exact runtime, not tick-sampled). None if unavailable."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except FileNotFoundError:
                continue
    except OSError:
        return None
    return total


def read_io(pid):
    """(syscr, syscw): read- and write-family system calls of the process so far."""
    out = {}
    try:
        with open(f"/proc/{pid}/io") as f:
            for line in f:
                k, _, v = line.partition(":")
                out[k] = int(v)
    except OSError:
        return None
    return out.get("syscr"), out.get("syscw")


def delta(a, b):
    if a is None or b is None:
        return None
    if isinstance(a, tuple):
        return tuple(y - x for x, y in zip(a, b))
    return b - a


def read_threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def all_procs():
    """{pid: (ppid, pgid, starttime)} for every live process."""
    procs = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        procs[int(d)] = (int(rest[1]), int(rest[2]), rest[19])
    return procs


def children_of(pid):
    return [p for p, (pp, _, _) in all_procs().items() if pp == pid]


def descendants_of(pid):
    procs = all_procs()
    out, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for p, (pp, _, _) in procs.items():
            if pp == parent:
                out.append(p)
                todo.append(p)
    return out


# --------------------------------------------------------------------------- cleanup


def become_subreaper():
    """PR_SET_CHILD_SUBREAPER: children orphaned by a dying daemon become ours, so the
    cleanup can always find and kill them."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)
    except Exception:
        pass


KNOWN_POPEN = set()


def kill_everything_below_us():
    """SIGKILL every descendant of this process (and their process groups); reap orphans."""
    me = os.getpid()
    mypgid = os.getpgid(0)
    for _ in range(5):
        procs = all_procs()
        desc = descendants_of(me)
        if not desc:
            return
        for p in desc:
            pgid = procs.get(p, (0, 0, 0))[1]
            if pgid and pgid != mypgid and pgid == p:
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.1)
        for p in desc:
            if p in KNOWN_POPEN:
                continue  # its Popen reaps it
            try:
                os.waitpid(p, os.WNOHANG)
            except ChildProcessError:
                pass


def reap_orphans():
    """Reap zombies re-parented to us (we are a subreaper) that no Popen owns."""
    me = os.getpid()
    for p, (pp, _, _) in all_procs().items():
        if pp == me and p not in KNOWN_POPEN:
            try:
                os.waitpid(p, os.WNOHANG)
            except ChildProcessError:
                pass


# --------------------------------------------------------------------------- daemon handle


class Daemon:
    def __init__(self, impl, exe, workdir, conf_text):
        self.impl = impl
        self.exe = exe
        self.dir = workdir
        os.makedirs(os.path.join(workdir, "childlogs"), exist_ok=True)
        self.conf = os.path.join(workdir, "supervisord.conf")
        with open(self.conf, "w") as f:
            f.write(conf_text)
        self.mainlog = os.path.join(workdir, "supervisord.log")
        self.proc = None
        self.t_start = None
        self._logbuf = b""
        self._logpos = 0

    def start(self):
        out = open(os.path.join(self.dir, "daemon.out"), "wb")
        self.t_start = time.monotonic()
        self.proc = subprocess.Popen(
            [self.exe, "-n", "-c", self.conf],
            cwd=self.dir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        KNOWN_POPEN.add(self.proc.pid)
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def new_log_lines(self):
        """Lines appended to the main log since the last call (complete lines only)."""
        try:
            with open(self.mainlog, "rb") as f:
                f.seek(self._logpos)
                data = f.read()
        except FileNotFoundError:
            return []
        self._logpos += len(data)
        self._logbuf += data
        *lines, self._logbuf = self._logbuf.split(b"\n")
        return [l.decode("utf-8", "replace") for l in lines]

    def stop(self, deadline_s=90.0):
        """SIGTERM, wait (bounded) for exit. Returns (seconds to exit, exit code).
        self.orphans: how many of the daemon's children were still alive after it exited."""
        self.orphans = None
        if self.proc is None:
            return None, None
        if not self.alive():
            return 0.0, self.proc.returncode
        procs = all_procs()
        kids = {p: v[2] for p, v in procs.items() if v[0] == self.pid}
        t0 = time.monotonic()
        try:
            self.proc.send_signal(signal.SIGTERM)
        except OSError:
            pass
        try:
            rc = self.proc.wait(timeout=deadline_s)
            secs = time.monotonic() - t0
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            secs, rc = None, "SIGKILLed: no exit %.0f s after SIGTERM" % deadline_s
        time.sleep(0.05)
        now = all_procs()
        self.orphans = sum(1 for p, st in kids.items() if p in now and now[p][2] == st)
        return secs, rc

    def log_text(self):
        try:
            with open(self.mainlog, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""


def supervisord_section(minfds):
    return f"""[supervisord]
logfile=%(here)s/supervisord.log
logfile_maxbytes=0
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s/childlogs
loglevel=info
minfds={minfds}
minprocs=200
"""


# --------------------------------------------------------------------------- scenarios 1-3


def conf_many(n, startsecs, stdout, layout="sections"):
    parts = [supervisord_section(4096)]
    for i in range(n if layout == "sections" else 1):
        name = f"p{i:03d}"
        if layout == "numprocs":
            name = "p"
            extra = f"process_name=p%(process_num)03d\nnumprocs={n}\n"
            log = "AUTO" if stdout == "auto" else "%(here)s/childlogs/%(process_num)03d.out"
        else:
            extra = ""
            log = "AUTO" if stdout == "auto" else f"%(here)s/childlogs/{name}.out"
        parts.append(
            f"""
[program:{name}]
{extra}command=sleep 100000
startsecs={startsecs}
startretries=0
autorestart=false
stopwaitsecs=2
stopsignal=TERM
stdout_logfile={log}
stderr_logfile=NONE
"""
        )
    return "".join(parts)


SUCCESS_RE = re.compile(r"success: (\S+) entered RUNNING state")


def scenario_many(impl, exe, args, base):
    """Scenarios 1-3 on one daemon: startup, RSS, idle. Returns a result dict."""
    r = {"impl": impl}
    d = Daemon(impl, exe, os.path.join(base, f"many-{impl}"),
               conf_many(args.programs, args.startsecs, args.stdout, args.layout)).start()
    try:
        running = set()
        t_first_spawn = None
        deadline = d.t_start + args.startsecs + 60
        while time.monotonic() < deadline and len(running) < args.programs:
            if not d.alive():
                r["error"] = f"daemon exited early (rc {d.proc.returncode})"
                return r
            for line in d.new_log_lines():
                if t_first_spawn is None and "spawned: " in line:
                    t_first_spawn = time.monotonic()
                m = SUCCESS_RE.search(line)
                if m:
                    running.add(m.group(1))
            if len(running) < args.programs:
                time.sleep(0.002)
        t_all = time.monotonic()
        r["running"] = len(running)
        if len(running) < args.programs:
            r["error"] = f"only {len(running)}/{args.programs} RUNNING after 60 s"
        else:
            r["start_to_all_running_s"] = t_all - d.t_start
            if t_first_spawn is not None:
                r["first_spawn_to_all_running_s"] = t_all - t_first_spawn
        r.update(spawn_gaps(d.log_text(), args.startsecs))
        # let every startsecs timer be long past, then nothing is due
        time.sleep(args.settle)
        pid = d.pid
        r["children_alive"] = len(children_of(pid))
        r["threads"] = read_threads(pid)
        st = read_status(pid)
        r["vmrss_kb"] = int(st["VmRSS"].split()[0])
        r["vmhwm_kb"] = int(st["VmHWM"].split()[0])
        r["rss_anon_kb"] = int(st.get("RssAnon", "0 kB").split()[0])
        r["rss_file_kb"] = int(st.get("RssFile", "0 kB").split()[0])
        try:
            r["open_fds"] = len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            pass
        # idle window: CPU ticks and context switches over args.idle seconds
        t0, c0, n0, io0 = read_ticks(pid), read_ctxt(pid), read_cpu_ns(pid), read_io(pid)
        time.sleep(args.idle)
        t1, c1, n1, io1 = read_ticks(pid), read_ctxt(pid), read_cpu_ns(pid), read_io(pid)
        r["idle_cpu_ns"] = delta(n0, n1)
        r["idle_syscr_syscw"] = delta(io0, io1)
        r["idle_s"] = args.idle
        r["idle_ticks"] = t1 - t0
        r["idle_vol_ctxt"] = c1[0] - c0[0]
        r["idle_nonvol_ctxt"] = c1[1] - c0[1]
        r["idle_ctxt"] = r["idle_vol_ctxt"] + r["idle_nonvol_ctxt"]
        # a second idle window under strace -c -f (separate: attaching itself wakes it)
        if args.strace_secs > 0 and shutil.which("strace"):
            r["strace"] = strace_window(pid, args.strace_secs)
        r["children_alive_after_idle"] = len(children_of(pid))
        # new log lines during the idle windows (should be none)
        r["idle_log_lines"] = [l for l in d.new_log_lines() if l.strip()]
    finally:
        secs, rc = d.stop(args.stop_deadline)
        r["shutdown_s"] = secs
        r["exit_code"] = rc
        r["orphans_after_exit"] = d.orphans
        kill_everything_below_us()
    return r


LOG_TS_RE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) ")
GAP_SLACK = 0.010
SPAWNED_RE = re.compile(r"spawned: '([^']+)' with pid")


def log_time(line):
    m = LOG_TS_RE.match(line)
    if not m:
        return None
    t = time.mktime(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))
    return t + int(m.group(2)) / 1000.0


def spawn_gaps(text, startsecs):
    """From the main log's own timestamps (ms): how long the spawns took, and for every
    program the time from its `spawned:` line to its `success:` line. A `spawned:` line is
    written after the fork, so that gap is at most the time the process had been up when
    the daemon declared it RUNNING; 4.3 requires more than startsecs
    (`now - laststart > startsecs`)."""
    spawned, success = {}, {}
    for line in text.splitlines():
        m = SPAWNED_RE.search(line)
        if m and m.group(1) not in spawned:
            spawned[m.group(1)] = log_time(line)
        m = SUCCESS_RE.search(line)
        if m and m.group(1) not in success:
            success[m.group(1)] = log_time(line)
    gaps = sorted((success[k] - spawned[k], k) for k in success
                  if k in spawned and success[k] is not None and spawned[k] is not None)
    out = {}
    if spawned:
        ts = [t for t in spawned.values() if t is not None]
        out["spawn_span_s"] = max(ts) - min(ts)
    if gaps:
        out["min_up_when_running_s"] = gaps[0][0]
        out["min_up_when_running_name"] = gaps[0][1]
        # 10 ms slack: the `spawned:` line comes a little after the fork (and laststart)
        out["running_before_startsecs"] = sum(1 for g, _ in gaps if g < startsecs - GAP_SLACK)
    return out


def strace_window(pid, secs):
    """Syscall counts of pid (all threads) over secs seconds, via `strace -c -f -p`."""
    out = {"secs": secs}
    try:
        p = subprocess.Popen(["strace", "-c", "-f", "-p", str(pid)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        KNOWN_POPEN.add(p.pid)
        time.sleep(secs)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=10)
    except Exception as e:  # strace missing or not permitted: no number, not a failure
        out["error"] = str(e)
        return out
    calls = {}
    total = None
    for line in err.splitlines():
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
            # % time, seconds, usecs/call, calls, [errors], syscall
            try:
                calls[f[-1]] = int(f[3])
            except ValueError:
                pass
        elif len(f) >= 3 and f[-1] == "total":
            try:
                total = int(f[2]) if len(f) < 5 else int(f[3])
            except ValueError:
                pass
    if "attach" in err and "Operation not permitted" in err:
        out["error"] = "ptrace not permitted"
    out["total"] = sum(calls.values()) if total is None else total
    out["calls"] = calls
    return out


# --------------------------------------------------------------------------- scenario 4


def conf_writer(writer, chunk, total, gofile, exitfile, maxbytes, backups):
    return supervisord_section(4096) + f"""
[program:writer]
command={writer} {chunk} {total} {gofile} {exitfile}
startsecs=0
startretries=0
autorestart=false
stopwaitsecs=2
stdout_logfile=%(here)s/writer.log
stdout_logfile_maxbytes={maxbytes}
stdout_logfile_backups={backups}
stderr_logfile=%(here)s/writer.err
"""


def log_sizes(path, backups):
    total = 0
    files = 0
    for name in [path] + [f"{path}.{i}" for i in range(1, backups + 1)]:
        try:
            total += os.stat(name).st_size
            files += 1
        except FileNotFoundError:
            pass
    return total, files


def scenario_logging(impl, exe, args, base, mode, total, rep=0):
    chunk = MIB if mode == "block" else LINE_LEN
    r = {"impl": impl, "mode": mode, "bytes": total, "chunk": chunk}
    wdir = os.path.join(base, f"log-{mode}-{impl}-{rep + 1}")  # fresh: no GO/EXIT/log left over
    os.makedirs(wdir)
    gofile = os.path.join(wdir, "GO")
    exitfile = os.path.join(wdir, "EXIT")
    backups = 20
    d = Daemon(impl, exe, wdir, conf_writer(args.writer, chunk, total, gofile, exitfile,
                                          "50MB", backups)).start()
    logpath = os.path.join(wdir, "writer.log")
    try:
        deadline = time.monotonic() + 30
        spawned = False
        while time.monotonic() < deadline and not spawned:
            if not d.alive():
                r["error"] = f"daemon exited early (rc {d.proc.returncode})"
                return r
            spawned = any("spawned: 'writer'" in l for l in d.new_log_lines())
            time.sleep(0.005)
        if not spawned:
            r["error"] = "writer never spawned"
            return r
        time.sleep(0.2)
        pid = d.pid
        ticks0, c0, n0, io0 = read_ticks(pid), read_ctxt(pid), read_cpu_ns(pid), read_io(pid)
        t0 = time.monotonic()
        pre, _ = log_sizes(logpath, backups)
        if pre:
            r["error"] = f"{pre} bytes were logged before GO"
        open(gofile, "w").close()
        deadline = t0 + args.log_deadline
        size = 0
        while time.monotonic() < deadline:
            size, files = log_sizes(logpath, backups)
            if size >= total:
                break
            if not d.alive():
                break
            time.sleep(0.01)
        t1 = time.monotonic()
        if d.alive():
            ticks1, c1, n1, io1 = read_ticks(pid), read_ctxt(pid), read_cpu_ns(pid), read_io(pid)
        else:
            ticks1, c1, n1, io1 = ticks0, c0, None, None
        r["daemon_cpu_ns"] = delta(n0, n1)
        rw = delta(io0, io1)
        if rw:
            r["daemon_read_calls"], r["daemon_write_calls"] = rw
            mib_logged = size / MIB
            if mib_logged:
                r["read_calls_per_mib"] = rw[0] / mib_logged
                r["write_calls_per_mib"] = rw[1] / mib_logged
        r["logged_bytes"] = size
        r["wall_s"] = t1 - t0
        r["daemon_ticks"] = ticks1 - ticks0
        r["daemon_cpu_s"] = (ticks1 - ticks0) / HZ
        r["daemon_ctxt"] = (c1[0] - c0[0]) + (c1[1] - c0[1])
        mib = total / MIB
        r["ticks_ms_per_mib"] = 1000.0 * r["daemon_cpu_s"] / mib
        # the exact scheduler runtime when available, else the 10 ms ticks
        if r["daemon_cpu_ns"] is not None:
            r["cpu_ms_per_mib"] = r["daemon_cpu_ns"] / 1e6 / mib
        else:
            r["cpu_ms_per_mib"] = r["ticks_ms_per_mib"]
        r["mib_per_s"] = (size / MIB) / r["wall_s"] if r["wall_s"] > 0 else None
        if size < total:
            r["error"] = f"only {size} of {total} bytes logged after {t1 - t0:.1f} s"
        # let the writer exit; its exit logged and anything late arrive; account for every byte
        open(exitfile, "w").close()
        settle = time.monotonic() + 5
        exited = None
        while time.monotonic() < settle and exited is None:
            for l in d.new_log_lines():
                if "exited: writer" in l or "gave up: writer" in l:
                    exited = l.split(" ", 3)[-1]
            time.sleep(0.02)
        time.sleep(0.3)
        size, files = log_sizes(logpath, backups)
        r["final_bytes"] = size
        r["files"] = files
        r["accounted"] = size == total
        r["writer_exit"] = exited
        if d.alive():
            r["vmhwm_kb"] = read_kb(pid, "VmHWM")
            r["vmrss_kb"] = read_kb(pid, "VmRSS")
        try:
            with open(os.path.join(wdir, "writer.err"), "rb") as f:
                err = f.read(2000)
            if err:
                r["writer_stderr"] = err.decode("utf-8", "replace")
        except FileNotFoundError:
            pass
    finally:
        secs, rc = d.stop(args.stop_deadline)
        r["shutdown_s"] = secs
        r["exit_code"] = rc
        r["orphans_after_exit"] = d.orphans
        kill_everything_below_us()
    if True:
        # half a GiB per run, even with --keep: don't leave it on the disk
        for name in os.listdir(wdir):
            if name.startswith("writer.log"):
                os.unlink(os.path.join(wdir, name))
    return r


def spawn_floor(args, runs=3):
    """Median wall time of bench/spawnfloor.c starting `args.programs` copies of the
    bench's program with posix_spawnp, one thread per CPU, nothing else: the machine's
    floor under "daemon start → last spawn"."""
    print(f"[bench] reference: posix_spawnp of {args.programs} `sleep` ({runs} runs)",
          file=sys.stderr, flush=True)
    times = []
    for _ in range(runs):
        out = subprocess.run([args.spawnfloor, str(args.programs)], capture_output=True,
                             text=True, timeout=120)
        if out.returncode != 0:
            return {"error": out.stderr.strip() or f"exit {out.returncode}"}
        n, threads, ms = out.stdout.split()
        times.append(float(ms) / 1000)
        time.sleep(0.3)
    return {"threads": int(threads), "all_s": times, "median_s": sorted(times)[len(times) // 2]}


def reference_cat(args, base, mode, total):
    """Wall time of `writer CHUNK TOTAL | cat > file`: the floor for the same bytes."""
    chunk = MIB if mode == "block" else LINE_LEN
    path = os.path.join(base, f"cat-{mode}.out")  # removed after each run
    t0 = time.monotonic()
    with open(path, "wb") as out:
        w = subprocess.Popen([args.writer, str(chunk), str(total)], stdout=subprocess.PIPE)
        KNOWN_POPEN.add(w.pid)
        c = subprocess.Popen(["cat"], stdin=w.stdout, stdout=out)
        KNOWN_POPEN.add(c.pid)
        w.stdout.close()
        cat_cpu = None
        try:
            # wait4 for cat's own rusage (its CPU is the floor of a read/write copier);
            # bounded by a watchdog that kills both if it takes longer than the deadline
            deadline = time.monotonic() + args.log_deadline
            while True:
                pid, status, ru = os.wait4(c.pid, os.WNOHANG)
                if pid:
                    c.returncode = os.waitstatus_to_exitcode(status)
                    cat_cpu = ru.ru_utime + ru.ru_stime
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError("cat reference over the deadline")
                time.sleep(0.005)
            w.wait(timeout=10)
        finally:
            for p in (w, c):
                if p.poll() is None:
                    p.kill()
                    p.wait()
    wall = time.monotonic() - t0
    size = os.path.getsize(path)
    os.unlink(path)
    return {"wall_s": wall, "bytes": size, "mib_per_s": (size / MIB) / wall, "cat_cpu_s": cat_cpu,
            "cat_cpu_ms_per_mib": None if cat_cpu is None else 1000.0 * cat_cpu / (size / MIB)}


def median_run(runs, key):
    """The run whose `key` is the median (lower median for an even count); failed runs
    (no value) sort last."""
    ok = sorted(runs, key=lambda r: (r.get(key) is None, r.get(key) or 0))
    return dict(ok[(len(ok) - 1) // 2]) if ok else {}


# --------------------------------------------------------------------------- report


def fmt(v, nd=2):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def ratio(a, b):
    if a is None or b is None:
        return "—"
    if b == 0:
        return "—" if a == 0 else "∞"
    return f"{a / b:.3f}"


def yesno(ok):
    return "—" if ok is None else ("**yes**" if ok else "**NO**")


def report(res, args):
    rows = []
    o, p = res.get("many", {}).get("ours", {}), res.get("many", {}).get("python", {})
    if o or p:
        rows += report_many(o, p, args, res.get("many", {}).get("floor", {}))
    rows += report_log(res, args)
    lines = ["| scenario / metric | ours | python | ours/python | target | met |",
             "|---|---:|---:|---:|---|---|"]
    for row in rows:
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def report_many(o, p, args, floor=None):
    rows = []
    n = args.programs
    tgt = args.startsecs + 0.050
    a, b = o.get("start_to_all_running_s"), p.get("start_to_all_running_s")
    rows.append((f"1 startup: daemon start → all {n} RUNNING (s)", fmt(a, 3), fmt(b, 3), ratio(a, b),
                 f"ours ≤ startsecs+50 ms = {tgt:.3f} s", yesno(None if a is None else a <= tgt)))
    a2, b2 = o.get("first_spawn_to_all_running_s"), p.get("first_spawn_to_all_running_s")
    rows.append(("1 startup: first `spawned:` seen → all RUNNING (s)", fmt(a2, 3), fmt(b2, 3), ratio(a2, b2), "", ""))
    a, b = o.get("spawn_span_s"), p.get("spawn_span_s")
    rows.append((f"1 startup: first → last `spawned:` line (s, log timestamps)", fmt(a, 3), fmt(b, 3), ratio(a, b),
                 "", ""))
    if floor and "median_s" in floor:
        rows.append((f"1 startup: reference, bare posix_spawnp of {n} `sleep` from {floor['threads']} "
                     f"threads, no pipes or logs (s, median of {len(floor['all_s'])}; bench/spawnfloor.c)",
                     fmt(floor["median_s"], 3), "", "",
                     f"floor of the span above; target leaves {0.050:.3f} s for start + span", ""))
    a, b = o.get("min_up_when_running_s"), p.get("min_up_when_running_s")
    na, nb = o.get("running_before_startsecs"), p.get("running_before_startsecs")
    rows.append((f"1 startup: least `spawned:` → `success:` of one program (s, log timestamps); "
                 f"programs under startsecs − 10 ms",
                 f"{fmt(a, 3)}; {fmt(na)}", f"{fmt(b, 3)}; {fmt(nb)}", ratio(a, b),
                 f"≥ startsecs − 10 ms (4.3: RUNNING once up > startsecs)",
                 yesno(None if a is None else a >= args.startsecs - GAP_SLACK)))
    a, b = o.get("vmrss_kb"), p.get("vmrss_kb")
    rows.append((f"2 daemon VmRSS with {n} running (kB)", fmt(a), fmt(b), ratio(a, b), "ours ≤ python/8",
                 yesno(None if a is None or b is None else a * 8 <= b)))
    a, b = o.get("idle_ticks"), p.get("idle_ticks")
    rows.append((f"3 idle {args.idle:g} s: daemon CPU (ticks of 1/{HZ} s)", fmt(a), fmt(b), ratio(a, b), "", ""))
    a, b = o.get("idle_ctxt"), p.get("idle_ctxt")
    rows.append((f"3 idle {args.idle:g} s: context switches (vol+nonvol, all threads)",
                 fmt(a), fmt(b), ratio(a, b), "ours: 0 wakeups", yesno(None if a is None else a == 0)))
    a, b = o.get("idle_cpu_ns"), p.get("idle_cpu_ns")
    a = None if a is None else a / 1e6
    b = None if b is None else b / 1e6
    rows.append((f"3 idle {args.idle:g} s: daemon CPU, exact (ms, schedstat)", fmt(a, 3), fmt(b, 3), ratio(a, b), "", ""))
    sa, sb = o.get("strace", {}), p.get("strace", {})
    if sa or sb:
        a, b = sa.get("total"), sb.get("total")
        rows.append((f"3 idle {args.strace_secs:g} s under `strace -c -f`: syscalls", fmt(a), fmt(b), ratio(a, b),
                     "", ""))
    return rows


def report_log(res, args):
    rows = []
    for mode in ("block", "line"):
        lg = res.get("log", {}).get(mode)
        if not lg:
            continue
        o, p, ref = lg.get("ours", {}), lg.get("python", {}), lg.get("cat", {})
        mib = lg["bytes"] / MIB
        what = "1 MiB writes" if mode == "block" else "one 41-byte line per write"
        if args.repeat > 1:
            what += f", median of {args.repeat}"
        a, b = o.get("wall_s"), p.get("wall_s")
        rows.append((f"4 log {mib:g} MiB, {what}: wall until all bytes in log files (s)", fmt(a), fmt(b),
                     ratio(a, b), f"ref `writer | cat > file`: {fmt(ref.get('wall_s'))} s", ""))
        a, b = o.get("cpu_ms_per_mib"), p.get("cpu_ms_per_mib")
        rows.append((f"4 log {mib:g} MiB, {what}: daemon CPU per MiB (ms, exact schedstat)", fmt(a, 3), fmt(b, 3), ratio(a, b),
                     f"ours ≤ python/3 (`cat`: {fmt(ref.get('cat_cpu_ms_per_mib'), 3)})",
                     yesno(None if a is None or b is None else a * 3 <= b)))
        a, b = o.get("daemon_cpu_s"), p.get("daemon_cpu_s")
        rows.append((f"4 log {mib:g} MiB, {what}: daemon CPU, ticks (s)", fmt(a), fmt(b), ratio(a, b), "", ""))
        a, b = o.get("read_calls_per_mib"), p.get("read_calls_per_mib")
        rows.append((f"4 log {mib:g} MiB, {what}: daemon read(2)-family calls per MiB", fmt(a, 1), fmt(b, 1),
                     ratio(a, b), "", ""))
        a, b = o.get("write_calls_per_mib"), p.get("write_calls_per_mib")
        rows.append((f"4 log {mib:g} MiB, {what}: daemon write(2)-family calls per MiB", fmt(a, 1), fmt(b, 1),
                     ratio(a, b), "", ""))
        a, b = o.get("accounted"), p.get("accounted")
        rows.append((f"4 log {mib:g} MiB, {what}: bytes in log+backups == written",
                     f"{'yes' if a else 'NO'} ({fmt(o.get('final_bytes'))}, {fmt(o.get('files'))} files)",
                     f"{'yes' if b else 'NO'} ({fmt(p.get('final_bytes'))}, {fmt(p.get('files'))} files)",
                     "", "every byte", yesno(a if a is not None else None)))
    return rows


def details(res):
    """Secondary numbers: threads, fds, HWM, shutdown times, syscalls, errors."""
    out = []
    for impl in ("ours", "python"):
        r = res.get("many", {}).get(impl)
        if not r:
            continue
        s = r.get("strace", {})
        top = ", ".join(f"{k} {v}" for k, v in sorted(s.get("calls", {}).items(), key=lambda kv: -kv[1])[:6])
        out.append(
            f"- {impl}, {r.get('running')} programs: threads {r.get('threads')}, open fds {r.get('open_fds')}, "
            f"VmHWM {r.get('vmhwm_kb')} kB, RssAnon {r.get('rss_anon_kb')} kB, RssFile {r.get('rss_file_kb')} kB, idle ctxt vol/nonvol "
            f"{r.get('idle_vol_ctxt')}/{r.get('idle_nonvol_ctxt')}, idle read/write syscalls "
            f"{r.get('idle_syscr_syscw')}, strace syscalls: {top or '—'}; "
            f"children alive {r.get('children_alive')}→{r.get('children_alive_after_idle')}; "
            f"SIGTERM→exit {fmt(r.get('shutdown_s'))} s (rc {r.get('exit_code')}, children left alive {r.get('orphans_after_exit')})"
            + (f"; log lines while idle: {len(r['idle_log_lines'])}" if r.get("idle_log_lines") else "")
            + (f"; ERROR: {r['error']}" if r.get("error") else ""))
    for mode in ("block", "line"):
        lg = res.get("log", {}).get(mode)
        if not lg:
            continue
        for impl in ("ours", "python"):
            r = lg.get(impl)
            if not r:
                continue
            out.append(
                f"- log {mode} {impl}: {fmt(r.get('mib_per_s'), 1)} MiB/s, daemon CPU {fmt(r.get('daemon_cpu_s'))} s, "
                f"daemon ctxt switches {r.get('daemon_ctxt')}, read/write syscalls "
                f"{r.get('daemon_read_calls')}/{r.get('daemon_write_calls')}, VmHWM {r.get('vmhwm_kb')} kB, "
                f"writer: {r.get('writer_exit')}; SIGTERM→exit {fmt(r.get('shutdown_s'))} s (rc {r.get('exit_code')})"
                + (f"; all runs: CPU ms/MiB {', '.join(fmt(v, 3) for v in r.get('all_cpu_ms_per_mib', []))}, "
                   f"wall s {', '.join(fmt(v) for v in r.get('all_wall_s', []))}" if r.get("all_wall_s") else "")
                + (f"; ERROR: {r['error']}" if r.get("error") else "")
                + (f"; writer stderr: {r['writer_stderr']!r}" if r.get("writer_stderr") else ""))
        ref = lg.get("cat")
        if ref:
            out.append(f"- log {mode} reference `writer | cat > file`: {fmt(ref['wall_s'])} s, "
                       f"{fmt(ref['mib_per_s'], 1)} MiB/s, cat CPU {fmt(ref.get('cat_cpu_s'))} s "
                       f"({fmt(ref.get('cat_cpu_ms_per_mib'), 3)} ms/MiB, getrusage); all runs wall s "
                       f"{', '.join(fmt(v) for v in ref.get('all_wall_s', []))}")
    return "\n".join(out)


# --------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ours", required=True, help="our supervisord binary")
    ap.add_argument("--python", required=True, help="Python supervisord 4.3 script")
    ap.add_argument("--writer", required=True, help="compiled bench/writer.c")
    ap.add_argument("--spawnfloor", help="compiled bench/spawnfloor.c: scenario 1's floor (optional)")
    ap.add_argument("--programs", type=int, default=200)
    ap.add_argument("--startsecs", type=int, default=1)
    ap.add_argument("--stdout", choices=["auto", "file"], default="auto",
                    help="stdout_logfile of the N programs: AUTO or one named file each")
    ap.add_argument("--settle", type=float, default=1.5,
                    help="seconds after all RUNNING before measuring RSS/idle")
    ap.add_argument("--idle", type=float, default=10.0, help="idle window (s)")
    ap.add_argument("--strace-secs", type=float, default=5.0,
                    help="second idle window under strace -c -f (0: skip)")
    ap.add_argument("--block-mib", type=int, default=512, help="MiB for the 1 MiB-write case (0: skip)")
    ap.add_argument("--line-mib", type=int, default=512, help="MiB for the line-per-write case (0: skip)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="logging runs per case and daemon; the table shows the median run")
    ap.add_argument("--log-deadline", type=float, default=240.0,
                    help="max seconds to wait for one logging run")
    ap.add_argument("--stop-deadline", type=float, default=120.0,
                    help="max seconds from SIGTERM to daemon exit before SIGKILL")
    ap.add_argument("--layout", choices=["sections", "numprocs"], default="sections",
                    help="N [program:x] sections (default) or one [program:p] with numprocs=N")
    ap.add_argument("--only", choices=["many", "log"], help="run only these scenarios")
    ap.add_argument("--impls", default="ours,python", help="comma list: ours,python")
    ap.add_argument("--tmp", default=None, help="parent dir for the temp dirs")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temp dir (configs, main logs; the writer's logs are always deleted)")
    ap.add_argument("--json", help="also write the raw results here")
    args = ap.parse_args()

    become_subreaper()

    def on_signal(signum, frame):
        # once: a second signal must not interrupt the cleanup
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)

    exes = {"ours": os.path.abspath(args.ours), "python": os.path.abspath(args.python)}
    impls = [i for i in args.impls.split(",") if i]
    base = tempfile.mkdtemp(prefix="svbench-", dir=args.tmp)
    res = {"many": {}, "log": {}}
    t_begin = time.monotonic()
    try:
        if args.only in (None, "many"):
            if args.spawnfloor:
                res["many"]["floor"] = spawn_floor(args)
                print("[bench]   " + json.dumps(res["many"]["floor"]), file=sys.stderr, flush=True)
            for impl in impls:
                print(f"[bench] {impl}: {args.programs} programs (startup, RSS, idle)", file=sys.stderr, flush=True)
                res["many"][impl] = scenario_many(impl, exes[impl], args, base)
                print("[bench]   " + json.dumps({k: v for k, v in res["many"][impl].items() if k != "strace"}),
                      file=sys.stderr, flush=True)
        if args.only in (None, "log"):
            for mode, mib in (("block", args.block_mib), ("line", args.line_mib)):
                if mib <= 0:
                    continue
                total = mib * MIB
                lg = res["log"][mode] = {"bytes": total}
                runs = {k: [] for k in ["cat"] + impls}
                for rep in range(args.repeat):
                    print(f"[bench] reference: writer {mode} {mib} MiB | cat (run {rep + 1}/{args.repeat})",
                          file=sys.stderr, flush=True)
                    runs["cat"].append(reference_cat(args, base, mode, total))
                    # alternate the order so neither daemon always runs right after cat
                    for impl in (impls if rep % 2 == 0 else impls[::-1]):
                        print(f"[bench] {impl}: logging {mib} MiB ({mode}, run {rep + 1}/{args.repeat})",
                              file=sys.stderr, flush=True)
                        runs[impl].append(scenario_logging(impl, exes[impl], args, base, mode, total, rep))
                        print("[bench]   " + json.dumps(runs[impl][-1]), file=sys.stderr, flush=True)
                lg["cat"] = median_run(runs["cat"], "wall_s")
                lg["cat"]["all_wall_s"] = [r.get("wall_s") for r in runs["cat"]]
                for impl in impls:
                    lg[impl] = median_run(runs[impl], "cpu_ms_per_mib")
                    lg[impl]["all_cpu_ms_per_mib"] = [r.get("cpu_ms_per_mib") for r in runs[impl]]
                    lg[impl]["all_wall_s"] = [r.get("wall_s") for r in runs[impl]]
                    # every run must account for every byte, not just the median one
                    lg[impl]["accounted"] = all(r.get("accounted") for r in runs[impl])
    except KeyboardInterrupt:
        print("[bench] interrupted; cleaning up", file=sys.stderr)
    finally:
        kill_everything_below_us()
        reap_orphans()
        if args.keep:
            print(f"[bench] temp dir kept: {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1, default=str)
    print()
    print(report(res, args))
    print()
    print(details(res))
    print(f"\n(total bench time {time.monotonic() - t_begin:.0f} s; CLK_TCK {HZ})")


if __name__ == "__main__":
    main()
