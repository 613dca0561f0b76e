#!/usr/bin/env python3
"""Soak benchmark: mixed load for SOAK_SECS against one supervisord, sampling its RSS and fds.

Not a test (CI never runs it). See bench/soak/README.md. Modes:

    soak.py run --impl ours --exe target/release/supervisord --child /tmp/x/soakchild ...
    soak.py listener OUTDIR      (the event listener; started by supervisord)
    soak.py poller SOCK OUTFILE  (the RPC client; started by `run`)

Needs the Python of target/py (supervisor 4.3.0 importable: childutils, xmlrpc transport).
"""
import argparse
import csv
import ctypes
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench as common  # noqa: E402  (bench/bench.py)

# --------------------------------------------------------------------------- listener


def listener_main(outdir):
    """Event listener: records every event's header (+ the first payload line) to
    OUTDIR/events.<process name>.<pid>, one tab-separated line per event, and acks it."""
    from supervisor import childutils

    name = os.environ.get("SUPERVISOR_PROCESS_NAME", "listener")
    path = os.path.join(outdir, f"events.{name}.{os.getpid()}")
    with open(path, "a", buffering=1) as out:
        while True:
            headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
            first = payload.split("\n", 1)[0]
            out.write("\t".join([
                headers.get("serial", "?"), headers.get("pool", "?"),
                headers.get("poolserial", "?"), headers.get("eventname", "?"),
                headers.get("len", "?"), first.replace("\t", " "),
            ]) + "\n")
            childutils.listener.ok(sys.stdout)


# --------------------------------------------------------------------------- poller


def rpc_proxy(sock):
    import xmlrpc.client
    from supervisor.xmlrpc import SupervisorTransport

    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=SupervisorTransport(None, None, "unix://" + sock))


def poller_main(sock, outfile, interval):
    """Calls getAllProcessInfo, getState, readLog(-4096, 0), tailProcessStdoutLog(flood)
    and tailProcessStdoutLog(a crasher) in a loop until SIGTERM; then writes its counts."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    stats = {"loops": 0, "calls": 0, "faults": 0, "errors": 0, "max_call_ms": 0.0,
             "sum_call_ms": 0.0, "examples": [], "tail_flood_bytes": 0}
    proxy = rpc_proxy(sock)
    calls = [
        ("getAllProcessInfo", lambda: proxy.supervisor.getAllProcessInfo()),
        ("getState", lambda: proxy.supervisor.getState()),
        ("readLog", lambda: proxy.supervisor.readLog(-4096, 0)),
        ("tailFlood", lambda: proxy.supervisor.tailProcessStdoutLog("flood", 0, 8192)),
        ("tailCrash", lambda: proxy.supervisor.tailProcessStdoutLog("crash:crash_00", 0, 2048)),
    ]
    import xmlrpc.client

    while not stop:
        for label, fn in calls:
            t = time.monotonic()
            try:
                r = fn()
                if label == "tailFlood":
                    stats["tail_flood_bytes"] += len(r[0])
            except xmlrpc.client.Fault as e:
                stats["faults"] += 1
                if len(stats["examples"]) < 10:
                    stats["examples"].append(f"{label}: Fault {e.faultCode} {e.faultString}")
            except Exception as e:  # connection errors, protocol errors
                stats["errors"] += 1
                if len(stats["examples"]) < 10:
                    stats["examples"].append(f"{label}: {type(e).__name__}: {e}")
                proxy = rpc_proxy(sock)
            ms = (time.monotonic() - t) * 1000
            stats["calls"] += 1
            stats["sum_call_ms"] += ms
            stats["max_call_ms"] = max(stats["max_call_ms"], ms)
        stats["loops"] += 1
        time.sleep(interval)
    with open(outfile, "w") as f:
        json.dump(stats, f)


# --------------------------------------------------------------------------- /proc


# read_status, read_ticks, all_procs, descendants_of, become_subreaper: bench/bench.py's
HZ = common.HZ
proc_status = common.read_status
proc_cpu_ticks = common.read_ticks
descendants_of = common.descendants_of
become_subreaper = common.become_subreaper


def kb(d, key):
    try:
        return int(d[key].split()[0])
    except (KeyError, ValueError, IndexError):
        return -1


def kill_everything_below_us(keep=()):
    me = os.getpid()
    for _ in range(5):
        desc = [p for p in descendants_of(me) if p not in keep]
        if not desc:
            return
        for p in desc:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.1)
        for p in desc:
            try:
                os.waitpid(p, os.WNOHANG)
            except ChildProcessError:
                pass


def reap_orphans(known):
    me = os.getpid()
    for p, (pp, _, _) in common.all_procs().items():
        if pp == me and p not in known:
            try:
                os.waitpid(p, os.WNOHANG)
            except ChildProcessError:
                pass


# --------------------------------------------------------------------------- config


def make_conf(args, d):
    here = os.path.abspath(__file__)
    py = sys.executable
    backups = int(args.secs * args.rate * 1.25 / args.flood_maxbytes) + 3
    return f"""[unix_http_server]
file={d}/supervisor.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{d}/supervisor.sock

[supervisord]
logfile={d}/supervisord.log
logfile_maxbytes=0
pidfile={d}/supervisord.pid
childlogdir={d}/childlogs
loglevel=info
minfds=1024
minprocs=200

[program:crash]
command={args.child} crash {args.crash_min_ms} {args.crash_max_ms}
process_name=%(program_name)s_%(process_num)02d
numprocs={args.crashers}
autostart=false
autorestart=true
startsecs=1
startretries=1000
exitcodes=0
stopwaitsecs=5
stdout_logfile={d}/childlogs/%(program_name)s_%(process_num)02d.out
stdout_logfile_maxbytes=20KB
stdout_logfile_backups=2
stderr_logfile={d}/childlogs/%(program_name)s_%(process_num)02d.err
stderr_logfile_maxbytes=20KB
stderr_logfile_backups=2
stdout_events_enabled=true
stderr_events_enabled=true

[program:flood]
command={args.child} flood {args.rate} {d}/flood.count
autostart=false
autorestart=false
startsecs=0
stopwaitsecs=10
stdout_logfile={d}/flood.log
stdout_logfile_maxbytes={args.flood_maxbytes}
stdout_logfile_backups={backups}
stderr_logfile={d}/childlogs/flood.err

[eventlistener:listener]
command={py} {here} listener {d}/events
process_name=%(program_name)s_%(process_num)02d
numprocs={args.listeners}
events=PROCESS_STATE,TICK_5,PROCESS_LOG
buffer_size={args.buffer_size}
autostart=true
autorestart=true
startsecs=1
stdout_logfile=NONE
stderr_logfile={d}/childlogs/%(program_name)s_%(process_num)02d.err
"""


# --------------------------------------------------------------------------- checks


LOG_RE = re.compile(
    r"^\S+ \S+ [A-Z]+ (?:(spawned): '([^']+)' with pid \d+"
    r"|(success): (\S+) entered RUNNING state"
    r"|(exited): (\S+) \("
    r"|(stopped): (\S+) \("
    r"|(gave up): (\S+) entered FATAL state)")

LOG_TO_STATE = {"spawned": {"STARTING"}, "success": {"RUNNING"}, "exited": {"EXITED", "BACKOFF"},
                "stopped": {"STOPPED"}, "gave up": {"FATAL"}}


def log_transitions(text):
    """{process name: [log verb, ...]} in log order."""
    out = {}
    for line in text.splitlines():
        m = LOG_RE.match(line)
        if not m:
            continue
        g = [x for x in m.groups() if x is not None]
        verb, name = g[0], g[1]
        out.setdefault(name, []).append(verb)
    return out


def read_events(evdir):
    evs = []
    for fn in sorted(os.listdir(evdir)):
        with open(os.path.join(evdir, fn)) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 6:
                    evs.append({"bad": line})
                    continue
                serial, pool, pserial, name, ln, first = parts[:6]
                payload = dict(tok.split(":", 1) for tok in first.split() if ":" in tok)
                evs.append({"serial": int(serial), "pool": pool, "pserial": int(pserial),
                            "name": name, "payload": payload, "file": fn})
    return evs


def check_events(evs, transitions, verbose_limit=20):
    r = {"events": len(evs), "bad_lines": sum(1 for e in evs if "bad" in e)}
    evs = [e for e in evs if "bad" not in e]
    ps = sorted(e["pserial"] for e in evs)
    r["pool_serial_min"] = ps[0] if ps else None
    r["pool_serial_max"] = ps[-1] if ps else None
    seen = set()
    dups = 0
    for s in ps:
        if s in seen:
            dups += 1
        seen.add(s)
    r["pool_serial_dups"] = dups
    missing = (ps[-1] - ps[0] + 1 - len(seen)) if ps else 0
    r["pool_serial_gaps"] = missing
    if missing:
        allv = set(range(ps[0], ps[-1] + 1))
        r["pool_serial_missing_examples"] = sorted(allv - seen)[:verbose_limit]
    gs = sorted(e["serial"] for e in evs)
    r["serial_gaps"] = (gs[-1] - gs[0] + 1 - len(set(gs))) if gs else 0
    kinds = {}
    for e in evs:
        kinds[e["name"]] = kinds.get(e["name"], 0) + 1
    r["by_type"] = kinds
    # PROCESS_STATE per process, in pool_serial order (STOPPING has no INFO log line)
    per, last, backoff_stops, running_on_exit = {}, {}, 0, 0
    for e in sorted(evs, key=lambda e: e["pserial"]):
        if not e["name"].startswith("PROCESS_STATE_"):
            continue
        st = e["name"][len("PROCESS_STATE_"):]
        nm = e["payload"].get("processname", "?")
        prev = last.get(nm)
        last[nm] = st
        if st == "STOPPING":
            continue
        if st == "STOPPED" and prev == "BACKOFF":
            # stop() of a process in BACKOFF: STOPPED at once, logged at DEBG only (4.3)
            backoff_stops += 1
            continue
        per.setdefault(nm, []).append(st)
    mism = []
    logged = matched = 0
    for nm in sorted(set(per) | set(transitions)):
        lv = transitions.get(nm, [])
        es = per.get(nm, [])
        logged += len(lv)
        k = j = 0  # log index, event index
        while k < len(lv) and j < len(es):
            if es[j] in LOG_TO_STATE[lv[k]]:
                k += 1
                j += 1
            elif (es[j] == "RUNNING" and lv[k] == "exited" and j + 1 < len(es) and es[j + 1] == "EXITED"):
                # reaped while still STARTING but up >= startsecs: 4.3's finish() emits
                # RUNNING then EXITED and logs only the `exited:` line (its transition()
                # had not yet run to log `success:`)
                running_on_exit += 1
                j += 1
            else:
                break
        matched += k
        if k != len(lv) or j != len(es):
            mism.append(f"{nm}: log {len(lv)} transitions, events {len(es)}, first difference at log #{k} / "
                        f"event #{j}: log {lv[k] if k < len(lv) else '-'} vs event {es[j] if j < len(es) else '-'}")
    r["stopped_from_backoff_unlogged"] = backoff_stops
    r["running_at_exit_unlogged"] = running_on_exit
    r["state_transitions_logged"] = logged
    r["state_transitions_matched"] = matched
    r["state_mismatches"] = mism[:verbose_limit]
    r["state_mismatch_count"] = len(mism)
    return r


def flood_files(d):
    """flood.log backups oldest first, then flood.log."""
    bk = []
    for fn in os.listdir(d):
        m = re.fullmatch(r"flood\.log\.(\d+)", fn)
        if m:
            bk.append((int(m.group(1)), fn))
    return [os.path.join(d, fn) for _, fn in sorted(bk, reverse=True)] + [os.path.join(d, "flood.log")]


def fd_listing(pid, d):
    """The daemon's fds as sorted targets, pipe/socket inodes dropped, the flood's log files
    left out (see the prime phase)."""
    out = []
    for x in os.listdir(f"/proc/{pid}/fd"):
        try:
            t = os.readlink(f"/proc/{pid}/fd/{x}")
        except OSError:
            continue
        if t.startswith(f"{d}/flood.log") or t.startswith(f"{d}/childlogs/flood."):
            continue
        out.append(re.sub(r"\[\d+\]$", "", t))
    return sorted(out)


def window_median(rows, key, t0, t1):
    v = [r[key] for r in rows if t0 <= r["t"] <= t1]
    return (statistics.median(v), len(v)) if v else (None, 0)


# --------------------------------------------------------------------------- run


def log(msg):
    print(f"[soak {time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def wait_until(pred, timeout, step=0.2):
    end = time.monotonic() + timeout
    err = None
    while time.monotonic() < end:
        try:
            v = pred()
            if v:
                return v
        except Exception as e:
            err = e
        time.sleep(step)
    if err is not None:
        log(f"last error while waiting: {type(err).__name__}: {err}")
    return None


def read_count(path):
    try:
        with open(path) as f:
            b, n = f.read().split()
            return int(b), int(n)
    except (OSError, ValueError):
        return None


def run_main(args):
    become_subreaper()
    d = os.path.abspath(args.dir)
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(f"{d}/childlogs")
    os.makedirs(f"{d}/events")
    conf = make_conf(args, d)
    with open(f"{d}/supervisord.conf", "w") as f:
        f.write(conf)
    known = set()

    def on_signal(signum, frame):
        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)
        raise KeyboardInterrupt

    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, on_signal)

    res = {"impl": args.impl, "exe": args.exe, "secs": args.secs, "warmup": args.warmup,
           "sample": args.sample, "dir": d, "rate": args.rate, "crashers": args.crashers,
           "listeners": args.listeners, "start_utc": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
           "loadavg_start": open("/proc/loadavg").read().split()[:3]}
    daemon = poller = None
    rows = []
    try:
        out = open(f"{d}/daemon.out", "w")
        daemon = subprocess.Popen([args.exe, "-n", "-c", f"{d}/supervisord.conf"], stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True, cwd=d)
        known.add(daemon.pid)
        pid = daemon.pid
        log(f"{args.impl} supervisord pid {pid}, dir {d}")
        proxy = rpc_proxy(f"{d}/supervisor.sock")

        def listeners_running():
            # a fresh connection each try: a transport whose first connect failed (socket
            # not there yet) can stay broken
            info = rpc_proxy(f"{d}/supervisor.sock").supervisor.getAllProcessInfo()
            ls = [i for i in info if i["group"] == "listener"]
            return len(ls) == args.listeners and all(i["statename"] == "RUNNING" for i in ls)

        if not wait_until(listeners_running, 60):
            raise RuntimeError("listeners not RUNNING within 60 s")
        proxy = rpc_proxy(f"{d}/supervisor.sock")
        time.sleep(1.0)
        st = proc_status(pid)
        res["idle_start"] = {"rss_kb": kb(st, "VmRSS"), "fds": len(os.listdir(f"/proc/{pid}/fd")),
                             "threads": int(st.get("Threads", "0"))}
        log(f"idle before anything: {res['idle_start']}")
        # Prime: run the crashers a few seconds and stop them, so that every fd the daemon
        # keeps for a stopped program (its log files stay open, as in 4.3) is open in the
        # "quiet" reference listing as well. The flood runs once only (its stream must not
        # restart): its own log fds are left out of the comparison.
        proxy.supervisor.startProcessGroup("crash", False)
        time.sleep(args.prime)
        proxy.supervisor.stopProcessGroup("crash", True)
        time.sleep(2.0)
        st = proc_status(pid)
        res["quiet_start"] = {"rss_kb": kb(st, "VmRSS"), "fds": len(os.listdir(f"/proc/{pid}/fd")),
                              "threads": int(st.get("Threads", "0"))}
        res["fd_listing_start"] = fd_listing(pid, d)
        log(f"quiet after the {args.prime} s prime run of the crashers: {res['quiet_start']}")

        proxy.supervisor.startProcess("flood", False)
        proxy.supervisor.startProcessGroup("crash", False)
        poller = subprocess.Popen([sys.executable, os.path.abspath(__file__), "poller",
                                   f"{d}/supervisor.sock", f"{d}/poller.json", str(args.poll_interval)])
        known.add(poller.pid)

        t0 = time.monotonic()
        csvf = open(f"{d}/samples.csv", "w", newline="")
        w = csv.writer(csvf)
        cols = ["t", "rss_kb", "hwm_kb", "rss_anon_kb", "rss_file_kb", "fds", "threads", "cpu_s",
                "load1", "flood_bytes", "event_bytes", "children"]
        w.writerow(cols)
        next_t = 0.0
        while True:
            now = time.monotonic() - t0
            if now >= next_t:
                st = proc_status(pid)
                cb = read_count(f"{d}/flood.count")
                evb = sum(os.path.getsize(os.path.join(d, "events", f)) for f in os.listdir(f"{d}/events"))
                row = {"t": round(now, 1), "rss_kb": kb(st, "VmRSS"), "hwm_kb": kb(st, "VmHWM"),
                       "rss_anon_kb": kb(st, "RssAnon"), "rss_file_kb": kb(st, "RssFile"),
                       "fds": len(os.listdir(f"/proc/{pid}/fd")), "threads": int(st.get("Threads", "0")),
                       "cpu_s": proc_cpu_ticks(pid) / HZ,
                       "load1": float(open("/proc/loadavg").read().split()[0]),
                       "flood_bytes": cb[0] if cb else 0, "event_bytes": evb,
                       "children": len(common.children_of(pid))}
                rows.append(row)
                w.writerow([row[c] for c in cols])
                csvf.flush()
                if len(rows) % max(1, int(60 / args.sample)) == 1:
                    log(f"t={row['t']:.0f}s rss={row['rss_kb']} kB fds={row['fds']} cpu={row['cpu_s']:.1f}s "
                        f"load={row['load1']} flood={row['flood_bytes'] >> 20} MiB events={evb >> 10} KiB")
                next_t += args.sample
                if daemon.poll() is not None:
                    raise RuntimeError(f"daemon exited during the run: rc {daemon.returncode}")
            if now >= args.secs:
                break
            time.sleep(max(0.0, min(next_t, args.secs) - (time.monotonic() - t0)))
        csvf.close()
        res["end_utc"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        res["loadavg_end"] = open("/proc/loadavg").read().split()[:3]

        # ---- wind down: poller, flood, crashers; let the events drain
        poller.send_signal(signal.SIGTERM)
        poller.wait(30)
        with open(f"{d}/poller.json") as f:
            res["poller"] = json.load(f)
        log(f"poller: {res['poller']['calls']} calls, {res['poller']['faults']} faults, "
            f"{res['poller']['errors']} errors, max {res['poller']['max_call_ms']:.1f} ms")
        proxy.supervisor.stopProcess("flood", True)
        proxy.supervisor.stopProcessGroup("crash", True)

        def state_events():
            return sum(1 for e in read_events(f"{d}/events") if e.get("name", "").startswith("PROCESS_STATE"))

        last, stable_since = -1, time.monotonic()
        end = time.monotonic() + 60
        while time.monotonic() < end:
            n = state_events()
            if n != last:
                last, stable_since = n, time.monotonic()
            elif time.monotonic() - stable_since > 3:
                break
            time.sleep(0.5)
        time.sleep(1.0)
        st = proc_status(pid)
        res["quiet_end"] = {"rss_kb": kb(st, "VmRSS"), "fds": len(os.listdir(f"/proc/{pid}/fd")),
                            "threads": int(st.get("Threads", "0")), "hwm_kb": kb(st, "VmHWM")}
        log(f"quiet after load: {res['quiet_end']}")
        res["fd_listing_end"] = fd_listing(pid, d)
        with open(f"{d}/supervisord.log", errors="replace") as f:
            logtext = f.read()
        evs = read_events(f"{d}/events")
        res["events"] = check_events(evs, log_transitions(logtext))
        res["log_overflow_lines"] = [l for l in logtext.splitlines() if "overflowed" in l][:10]
        res["log_listener_trouble"] = [l for l in logtext.splitlines()
                                       if "UNKNOWN state" in l or "bad result line" in l
                                       or "event was rejected" in l or "caused an error" in l][:10]
        res["log_crit_lines"] = [l for l in logtext.splitlines() if (" CRIT " in l or " ERRO " in l)
                                 and "running as root" not in l and "without any HTTP authentication" not in l][:10]
        # the flood: its own count vs the files
        res["flood_count"] = read_count(f"{d}/flood.count")
        files = flood_files(d)
        res["flood_files"] = len(files)
        res["flood_file_bytes"] = sum(os.path.getsize(p) for p in files)
        v = subprocess.run([args.child, "verify"] + files, capture_output=True, text=True)
        res["flood_verify"] = v.stdout.strip() or v.stderr.strip()
        log(f"flood verify: {res['flood_verify']}; count file {res['flood_count']}")
        # per-process info at the end
        info = proxy.supervisor.getAllProcessInfo()
        res["final_states"] = {i["name"]: i["statename"] for i in info}
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
        res["interrupted"] = True
    except Exception as e:
        log(f"error: {type(e).__name__}: {e}")
        res["error"] = f"{type(e).__name__}: {e}"
    finally:
        if poller and poller.poll() is None:
            poller.kill()
            poller.wait()
        if daemon and daemon.poll() is None:
            t = time.monotonic()
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(60)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
            res["stop_s"] = round(time.monotonic() - t, 2)
            res["stop_rc"] = daemon.returncode
        left = descendants_of(os.getpid())
        res["children_left_alive"] = len(left)
        kill_everything_below_us()
        reap_orphans(known)
    res["rows"] = rows
    return res


# --------------------------------------------------------------------------- verdicts


def verdicts(res, args):
    rows = res.get("rows", [])
    v = {}
    post = [r for r in rows if r["t"] >= args.warmup]
    if len(post) >= 6:
        span = post[-1]["t"] - post[0]["t"]
        win = max(3 * args.sample, min(args.window, span / 4))
        a_med, a_n = window_median(rows, "rss_kb", post[0]["t"], post[0]["t"] + win)
        b_med, b_n = window_median(rows, "rss_kb", post[-1]["t"] - win, post[-1]["t"])
        growth = (b_med - a_med) / a_med * 100
        v["rss"] = {"first_window_median_kb": a_med, "last_window_median_kb": b_med, "window_s": win,
                    "samples": [a_n, b_n], "growth_pct": round(growth, 2), "ok": growth < 5.0}
        fa, _ = window_median(rows, "fds", post[0]["t"], post[0]["t"] + win)
        fb, _ = window_median(rows, "fds", post[-1]["t"] - win, post[-1]["t"])
        # The count moves with how many crashers are up at the sample (each running one
        # holds its pipes); a leak shows as a trend. Least-squares slope over every sample
        # after the warm-up, times that span: the fitted growth, must stay under 5 fds
        # (a leak of one fd per restart would be thousands).
        ts = [r["t"] for r in post]
        fs = [r["fds"] for r in post]
        mt, mf = statistics.mean(ts), statistics.mean(fs)
        slope = sum((t - mt) * (f - mf) for t, f in zip(ts, fs)) / sum((t - mt) ** 2 for t in ts)
        v["fds_window"] = {"first_window_median": fa, "last_window_median": fb,
                           "max_post_warmup": max(fs), "min_post_warmup": min(fs),
                           "fitted_growth": round(slope * span, 2), "ok": slope * span < 5}
    else:
        v["rss"] = {"ok": False, "why": "not enough samples after warm-up"}
        v["fds_window"] = {"ok": False, "why": "not enough samples after warm-up"}
    qs, qe = res.get("quiet_start"), res.get("quiet_end")
    if qs and qe:
        a, b = res.get("fd_listing_start", []), res.get("fd_listing_end", [])
        extra = list(b)
        for x in a:
            if x in extra:
                extra.remove(x)
        gone = list(a)
        for x in b:
            if x in gone:
                gone.remove(x)
        v["fds_quiet"] = {"before_load": qs["fds"], "after_load": qe["fds"],
                          "compared_before": len(a), "compared_after": len(b),
                          "extra_after": extra[:10], "missing_after": gone[:10], "ok": not extra and not gone}
    else:
        v["fds_quiet"] = {"ok": False, "why": "missing"}
    fc = res.get("flood_count")
    fv = res.get("flood_verify", "")
    m = re.match(r"ok (\d+) (\d+)", fv)
    if fc and m:
        v["bytes"] = {"written": fc[0], "lines_written": fc[1], "in_log_files": res["flood_file_bytes"],
                      "verified_bytes": int(m.group(1)), "verified_lines": int(m.group(2)),
                      "files": res["flood_files"],
                      "ok": fc[0] == res["flood_file_bytes"] == int(m.group(1)) and fc[1] == int(m.group(2))}
    else:
        v["bytes"] = {"ok": False, "verify": fv, "count": fc}
    ev = res.get("events")
    if ev:
        ok = (ev["pool_serial_gaps"] == 0 and ev["pool_serial_dups"] == 0 and ev["bad_lines"] == 0
              and ev["state_mismatch_count"] == 0 and not res.get("log_overflow_lines")
              and ev["pool_serial_min"] in (0, 1))
        v["events"] = {"received": ev["events"], "pool_serial_range": [ev["pool_serial_min"], ev["pool_serial_max"]],
                       "gaps": ev["pool_serial_gaps"], "dups": ev["pool_serial_dups"],
                       "state_transitions_logged": ev["state_transitions_logged"],
                       "state_transitions_matched": ev["state_transitions_matched"],
                       "stopped_from_backoff_unlogged": ev["stopped_from_backoff_unlogged"],
                       "running_at_exit_unlogged": ev.get("running_at_exit_unlogged"),
                       "global_serial_gaps": ev["serial_gaps"],
                       "overflow_lines": len(res.get("log_overflow_lines", [])), "ok": ok}
    else:
        v["events"] = {"ok": False, "why": "missing"}
    p = res.get("poller")
    v["rpc"] = ({"calls": p["calls"], "faults": p["faults"], "errors": p["errors"],
                 "mean_ms": round(p["sum_call_ms"] / max(1, p["calls"]), 2),
                 "max_ms": round(p["max_call_ms"], 1), "ok": p["faults"] == 0 and p["errors"] == 0}
                if p else {"ok": False, "why": "missing"})
    v["clean_exit"] = {"stop_rc": res.get("stop_rc"), "stop_s": res.get("stop_s"),
                       "children_left_alive": res.get("children_left_alive"),
                       "ok": res.get("stop_rc") == 0 and res.get("children_left_alive") == 0}
    return v


def summary(res, v, args):
    rows = res.get("rows", [])
    L = []
    L.append(f"soak: {res['impl']} ({res['exe']}), {res['start_utc']} -> {res.get('end_utc', '?')}, "
             f"{args.secs} s, warm-up {args.warmup} s, sample every {args.sample} s")
    L.append(f"load: {args.crashers} crashers ({args.crash_min_ms}-{args.crash_max_ms} ms, startsecs=1, "
             f"exit 0/1), flood {args.rate / 1e6:.1f} MB/s into {args.flood_maxbytes}-byte logs, "
             f"{args.listeners} listeners (PROCESS_STATE, TICK_5, PROCESS_LOG; buffer_size {args.buffer_size}), "
             f"RPC poller every {args.poll_interval} s")
    L.append(f"loadavg start {' '.join(res.get('loadavg_start', []))}, end {' '.join(res.get('loadavg_end', []))}; "
             f"mean load1 over samples {statistics.mean(r['load1'] for r in rows):.2f}" if rows else "no samples")
    if rows:
        L.append(f"RSS kB: idle start {res.get('idle_start', {}).get('rss_kb')}, quiet start {res.get('quiet_start', {}).get('rss_kb')}, first sample {rows[0]['rss_kb']}, "
                 f"after warm-up {next((r['rss_kb'] for r in rows if r['t'] >= args.warmup), None)}, "
                 f"end of load {rows[-1]['rss_kb']}, quiet end {res.get('quiet_end', {}).get('rss_kb')}, "
                 f"max {max(r['rss_kb'] for r in rows)}, VmHWM {res.get('quiet_end', {}).get('hwm_kb')}")
        L.append(f"RssAnon kB: first {rows[0]['rss_anon_kb']}, max {max(r['rss_anon_kb'] for r in rows)}, "
                 f"last {rows[-1]['rss_anon_kb']}")
        L.append(f"fds: idle start {res.get('idle_start', {}).get('fds')}, quiet start {res.get('quiet_start', {}).get('fds')}, during load min "
                 f"{min(r['fds'] for r in rows)} / median {statistics.median(r['fds'] for r in rows)} / max "
                 f"{max(r['fds'] for r in rows)}, quiet end {res.get('quiet_end', {}).get('fds')}")
        step = max(1, int(len(rows) / 12))
        L.append("RSS kB / fds every ~%.0f s: %s" % (rows[min(step, len(rows) - 1)]["t"] - rows[0]["t"], ", ".join(
            f"{r['t']:.0f}s {r['rss_kb']}/{r['fds']}" for r in rows[::step] + ([rows[-1]] if (len(rows) - 1) % step else []))))
        L.append(f"daemon CPU over the load: {rows[-1]['cpu_s'] - rows[0]['cpu_s']:.1f} s in {rows[-1]['t']:.0f} s "
                 f"({(rows[-1]['cpu_s'] - rows[0]['cpu_s']) / max(1, rows[-1]['t']) * 100:.1f} % of a core)")
    ev = res.get("events") or {}
    if ev:
        L.append(f"events received {ev['events']}: {json.dumps(ev['by_type'], sort_keys=True)}")
    for k in ("rss", "fds_window", "fds_quiet", "bytes", "events", "rpc", "clean_exit"):
        x = dict(v.get(k, {}))
        ok = x.pop("ok", False)
        L.append(f"  [{'PASS' if ok else 'FAIL'}] {k}: {json.dumps(x)}")
    for k in ("state_mismatches", "pool_serial_missing_examples"):
        if ev.get(k):
            L.append(f"  {k}: {ev[k]}")
    for k in ("log_overflow_lines", "log_listener_trouble", "log_crit_lines"):
        if res.get(k):
            L.append(f"  {k}: {res[k]}")
    if res.get("poller", {}).get("examples"):
        L.append(f"  rpc examples: {res['poller']['examples']}")
    if res.get("error"):
        L.append(f"  ERROR: {res['error']}")
    all_ok = all(v.get(k, {}).get("ok") for k in ("rss", "fds_window", "fds_quiet", "bytes", "events", "rpc"))
    L.append(f"VERDICT: {'PASS' if all_ok else 'FAIL'}")
    return "\n".join(L)


def rerun_verdicts(d):
    """`soak.py verdicts DIR`: the summary again from DIR/result.json and DIR/samples.csv
    (e.g. after the verdict rules changed)."""
    with open(os.path.join(d, "result.json")) as f:
        res = json.load(f)["result"]
    with open(os.path.join(d, "samples.csv")) as f:
        res["rows"] = [{k: float(x) for k, x in r.items()} for r in csv.DictReader(f)]
    args = argparse.Namespace(**res["args"])
    if os.path.isdir(os.path.join(d, "events")) and os.path.exists(os.path.join(d, "supervisord.log")):
        with open(os.path.join(d, "supervisord.log"), errors="replace") as f:
            text = f.read()
        # the run compared before shutting the daemon down: leave out its shutdown
        cut = text.find("received SIGTERM indicating exit request")
        if cut >= 0:
            text = text[:text.rfind("\n", 0, cut) + 1]
        res["events"] = check_events(read_events(os.path.join(d, "events")), log_transitions(text))
    v = verdicts(res, args)
    s = summary(res, v, args)
    print(s)
    return 0 if "VERDICT: PASS" in s else 1


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "verdicts":
        return rerun_verdicts(sys.argv[2])
    if len(sys.argv) >= 3 and sys.argv[1] == "listener":
        return listener_main(sys.argv[2])
    if len(sys.argv) >= 4 and sys.argv[1] == "poller":
        return poller_main(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0.05)
    ap = argparse.ArgumentParser(description="soak benchmark")
    ap.add_argument("cmd", choices=["run"])
    ap.add_argument("--impl", default="ours")
    ap.add_argument("--exe", required=True)
    ap.add_argument("--child", required=True, help="compiled soakchild.c")
    ap.add_argument("--dir", required=True, help="work dir (recreated)")
    ap.add_argument("--secs", type=float, default=float(os.environ.get("SOAK_SECS", 1800)))
    ap.add_argument("--warmup", type=float, default=None, help="default: SOAK_WARMUP or min(120, secs/4)")
    ap.add_argument("--window", type=float, default=120.0, help="RSS/fd comparison window (s), at most a quarter of the post-warm-up time")
    ap.add_argument("--sample", type=float, default=5.0)
    ap.add_argument("--crashers", type=int, default=20)
    ap.add_argument("--crash-min-ms", type=int, default=300)
    ap.add_argument("--crash-max-ms", type=int, default=3000)
    ap.add_argument("--rate", type=float, default=2e6, help="flood bytes per second")
    ap.add_argument("--flood-maxbytes", type=int, default=5 * 1024 * 1024)
    ap.add_argument("--listeners", type=int, default=2)
    ap.add_argument("--buffer-size", type=int, default=1000)
    ap.add_argument("--prime", type=float, default=5.0, help="seconds of the crashers-only prime run")
    ap.add_argument("--poll-interval", type=float, default=0.05)
    ap.add_argument("--out", help="summary file (default DIR/summary.txt)")
    args = ap.parse_args()
    if args.warmup is None:
        args.warmup = float(os.environ.get("SOAK_WARMUP", min(120.0, args.secs / 4)))
    res = run_main(args)
    res["args"] = {k: x for k, x in vars(args).items()}
    v = verdicts(res, args)
    s = summary(res, v, args)
    out = args.out or os.path.join(args.dir, "summary.txt")
    with open(out, "w") as f:
        f.write(s + "\n")
    with open(os.path.join(args.dir, "result.json"), "w") as f:
        json.dump({"result": {k: x for k, x in res.items() if k != "rows"}, "verdicts": v}, f, indent=1, default=str)
    print(s)
    return 0 if "VERDICT: PASS" in s else 1


if __name__ == "__main__":
    sys.exit(main() or 0)
