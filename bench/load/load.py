"""Load benchmark: XML-RPC latency of our supervisord vs Python supervisord 4.3.0 under
(1) N programs crash-looping and (2) N stalled connections. Stdlib only; called by
bench/load/run.sh, which builds the binaries. See bench/load/README.md. Not a test.

The daemon-handling helpers (temp dir, start in a new session, bounded SIGTERM, killing
every leftover descendant) come from bench/bench.py. The latencies come from
bench/rpc's `rpc-bench` (std-only Rust, one keep-alive connection per client), so the
client's own cost is small next to what is measured.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
import http.client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench as common  # noqa: E402  (bench/bench.py)

TARGET_P99_MS = 50.0


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path, timeout):
        super().__init__()
        self.path, self.timeout = path, timeout

    def make_connection(self, host):
        return UnixHTTPConnection(self.path, self.timeout)


def proxy(sock, timeout=300):
    return xmlrpc.client.ServerProxy("http://localhost", transport=UnixTransport(sock, timeout))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def conf_text(d, port, programs, minfds):
    return (
        f"[supervisord]\nlogfile={d}/supervisord.log\nlogfile_maxbytes=0\n"
        f"pidfile={d}/supervisord.pid\nchildlogdir={d}/childlogs\nloglevel=info\n"
        f"minfds={minfds}\nminprocs=4096\n\n"
        f"[unix_http_server]\nfile={d}/s.sock\n\n"
        f"[inet_http_server]\nport=127.0.0.1:{port}\n\n"
        "[rpcinterface:supervisor]\n"
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
        + programs
    )


def crash_programs(n, steady):
    """n crash-looping programs in groups of 100 (the layout of tests/hardening/load.rs):
    even groups startsecs=0 (RUNNING, exit, restarted at once), odd groups startsecs=1
    (exit before it: BACKOFF, retried with a growing delay); plus `steady` sleepers."""
    text = ""
    groups = max(1, n // 100)
    for g in range(groups):
        per = n // groups + (1 if g < n % groups else 0)
        text += (
            f"[program:crash{g}]\ncommand=sleep 0.2\n"
            "process_name=%(program_name)s_%(process_num)03d\n"
            f"numprocs={per}\nstartsecs={g % 2}\nstartretries=1000000\nautorestart=true\n"
            "exitcodes=1\nstdout_logfile=NONE\nstderr_logfile=NONE\nstopwaitsecs=20\n\n"
        )
    text += (
        "[program:steady]\ncommand=sleep 100000\n"
        "process_name=%(program_name)s_%(process_num)02d\n"
        f"numprocs={steady}\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE\n\n"
    )
    return text


def wait_until(what, cond, deadline_s):
    t0 = time.monotonic()
    while True:
        try:
            if cond():
                return time.monotonic() - t0
        except (OSError, xmlrpc.client.Error, http.client.HTTPException):
            pass
        if time.monotonic() - t0 > deadline_s:
            raise SystemExit(f"timed out after {deadline_s} s waiting for {what}")
        time.sleep(0.1)


def rpc_bench(args, sock, method, seconds):
    """(requests, req/s, p50 ms, p99 ms) from rpc-bench, one client on the unix socket."""
    try:
        out = subprocess.run(
            [args.rpc_bench, "--unix", sock, "--method", method, "--clients", "1",
             "--seconds", str(seconds)],
            capture_output=True, text=True, timeout=seconds + args.call_deadline,
        )
    except subprocess.TimeoutExpired:
        return None  # not one answer within the deadline
    if out.returncode != 0:
        raise SystemExit(f"rpc-bench failed: {out.stderr.strip()[-500:]}")
    n, rps, p50, p99 = out.stdout.split()
    return int(n), float(rps), int(p50) / 1000.0, int(p99) / 1000.0


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def start(impl, exe, base, text):
    d = tempfile.mkdtemp(prefix=f"svload-{impl}-", dir=base)
    daemon = common.Daemon(impl, exe, d, text.replace("{dir}", d)).start()
    sock = os.path.join(d, "s.sock")
    wait_until(f"{impl}'s socket", lambda: proxy(sock, 5).supervisor.getState(), 300)
    return daemon, sock


def finish(daemon, res):
    secs, rc = daemon.stop(args_global.stop_deadline)
    res["sigterm_exit_s"], res["rc"], res["orphans"] = secs, rc, daemon.orphans
    common.kill_everything_below_us()
    common.reap_orphans()


def scenario_crash(impl, exe, args, base):
    port = free_port()
    text = conf_text("{dir}", port, crash_programs(args.programs, args.steady), args.minfds)
    daemon, sock = start(impl, exe, base, text)
    res = {"impl": impl}
    p = proxy(sock)
    steady_up = lambda: sum(
        1 for i in p.supervisor.getAllProcessInfo()
        if i["group"] == "steady" and i["statename"] == "RUNNING") == args.steady
    wait_until(f"{impl}'s steady programs RUNNING", steady_up, 300)
    time.sleep(args.warmup)  # let the crash loop reach its steady state
    spawned0 = daemon.log_text().count(" spawned: '")
    cpu0, t0 = common.read_cpu_ns(daemon.pid), time.monotonic()
    res["all"] = rpc_bench(args, sock, "supervisor.getAllProcessInfo", args.seconds)
    res["state"] = rpc_bench(args, sock, "supervisor.getState", args.seconds)
    elapsed = time.monotonic() - t0
    cpu1 = common.read_cpu_ns(daemon.pid)
    res["spawns_per_s"] = (daemon.log_text().count(" spawned: '") - spawned0) / elapsed
    res["cpu_share"] = (cpu1 - cpu0) / 1e9 / elapsed if cpu0 is not None and cpu1 else None
    res["fds"] = fd_count(daemon.pid)
    t = time.monotonic()
    results = p.supervisor.stopAllProcesses()
    res["stop_all_s"] = time.monotonic() - t
    res["stop_all_n"] = len(results)
    infos = p.supervisor.getAllProcessInfo()
    res["not_stopped"] = sum(1 for i in infos if i["statename"] != "STOPPED")
    res["children_after_stop"] = len(common.children_of(daemon.pid))
    finish(daemon, res)
    return res


def stall_all(n, sock_path, port):
    kinds = [
        b"POST /RP",
        b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 120\r\n",
        b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<?xml version='1.0'?>",
        b"",
    ]
    conns = []
    for i in range(n):
        if i % 2 == 0:
            s = socket.create_connection(("127.0.0.1", port))
        else:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock_path)
        s.sendall(kinds[(i // 2) % 4])
        conns.append(s)
    return conns


def scenario_stalled(impl, exe, args, base):
    port = free_port()
    text = conf_text("{dir}", port, crash_programs(0, args.steady), args.minfds)
    daemon, sock = start(impl, exe, base, text)
    res = {"impl": impl}
    p = proxy(sock)
    wait_until(f"{impl}'s programs RUNNING", lambda: all(
        i["statename"] == "RUNNING" for i in p.supervisor.getAllProcessInfo()), 120)
    p("close")()  # its keep-alive connection must not count in the baseline
    base_fds = fd_count(daemon.pid)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 1:  # until the daemon has closed its side
        time.sleep(0.1)
        base_fds = min(base_fds, fd_count(daemon.pid))
    t0 = time.monotonic()
    conns = stall_all(args.stalled, sock, port)
    # accepted: the daemon's descriptor count reaches base + N, or stops growing
    last, since = -1, time.monotonic()
    while fd_count(daemon.pid) < base_fds + args.stalled and time.monotonic() - since < 5:
        if fd_count(daemon.pid) != last:
            last, since = fd_count(daemon.pid), time.monotonic()
        time.sleep(0.1)
    res["accept_s"] = time.monotonic() - t0
    res["fds"] = fd_count(daemon.pid) - base_fds
    cpu0, t0 = common.read_cpu_ns(daemon.pid), time.monotonic()
    res["all"] = rpc_bench(args, sock, "supervisor.getAllProcessInfo", args.seconds)
    res["state"] = rpc_bench(args, sock, "supervisor.getState", args.seconds)
    elapsed = time.monotonic() - t0
    cpu1 = common.read_cpu_ns(daemon.pid)
    res["cpu_share"] = (cpu1 - cpu0) / 1e9 / elapsed if cpu0 is not None and cpu1 else None
    for c in conns:
        c.close()
    t0 = time.monotonic()
    while fd_count(daemon.pid) > base_fds and time.monotonic() - t0 < 30:
        time.sleep(0.1)
    res["fds_after"] = fd_count(daemon.pid) - base_fds
    finish(daemon, res)
    return res


def ms(v):
    return f"{v:.2f}"


def table(title, o, p, args):
    print(f"\n## {title}\n")
    print("| metric | ours | python | ours/python | target | met |")
    print("|---|---:|---:|---:|---|---|")
    none = f"no answer in {args.seconds + args.call_deadline:.0f} s"
    for key, label in (("all", "getAllProcessInfo"), ("state", "getState")):
        for i, what, fmt in ((0, f"calls in {args.seconds:g} s (1 client, unix)", str),
                             (2, "p50 (ms)", ms), (3, "p99 (ms)", ms)):
            a = fmt(o[key][i]) if o[key] else none
            b = fmt(p[key][i]) if p[key] else none
            r = f"{o[key][i] / p[key][i]:.3f}" if o[key] and p[key] and p[key][i] else ""
            target = met = ""
            if i == 3:
                target = f"ours < {TARGET_P99_MS:.0f} ms"
                met = "**yes**" if o[key] and o[key][3] < TARGET_P99_MS else "**NO**"
            print(f"| {label}: {what} | {a} | {b} | {r} | {target} | {met} |")
    if "spawns_per_s" in o:
        print(f"| spawns per second during the window | {o['spawns_per_s']:.0f} | "
              f"{p['spawns_per_s']:.0f} | {o['spawns_per_s'] / max(p['spawns_per_s'], 1e-9):.2f} |  |  |")
    for r in (o, p):
        share = "?" if r.get("cpu_share") is None else f"{100 * r['cpu_share']:.0f} %"
        extra = ", ".join(f"{k} {v if not isinstance(v, float) else round(v, 2)}"
                          for k, v in r.items() if k not in ("impl", "all", "state", "cpu_share"))
        print(f"- {r['impl']}: daemon CPU during the window {share}; {extra}")


def main():
    global args_global
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--rpc-bench", required=True)
    ap.add_argument("--programs", type=int, default=1000, help="crash-looping programs")
    ap.add_argument("--steady", type=int, default=10, help="steady programs beside them")
    ap.add_argument("--stalled", type=int, default=1000, help="stalled connections")
    ap.add_argument("--seconds", type=float, default=10, help="per measured method")
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--call-deadline", type=float, default=120,
                    help="rpc-bench gets --seconds plus this for its calls, then counts as no answer")
    ap.add_argument("--minfds", type=int, default=5000)
    ap.add_argument("--stop-deadline", type=float, default=180)
    ap.add_argument("--only", choices=["crash", "stalled"])
    ap.add_argument("--impls", default="ours,python")
    args = ap.parse_args()
    args_global = args
    common.become_subreaper()

    def on_signal(signum, frame):
        raise SystemExit(f"signal {signum}: cleaning up")

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    base = tempfile.mkdtemp(prefix="svload-")
    exes = {"ours": args.ours, "python": args.python}
    impls = args.impls.split(",")
    try:
        for name, fn, title in (
            ("crash", scenario_crash,
             f"1: {args.programs} programs crash-looping (+{args.steady} steady)"),
            ("stalled", scenario_stalled,
             f"2: {args.stalled} stalled connections ({args.steady} programs)"),
        ):
            if args.only and args.only != name:
                continue
            res = {}
            for impl in impls:
                print(f"[load] {name}: {impl} ...", file=sys.stderr, flush=True)
                res[impl] = fn(impl, exes[impl], args, base)
                print(f"[load] {name}: {impl}: {res[impl]}", file=sys.stderr, flush=True)
            if len(res) == 2:
                table(title, res["ours"], res["python"], args)
    finally:
        common.kill_everything_below_us()
        common.reap_orphans()
        subprocess.run(["rm", "-rf", base])


args_global = None

if __name__ == "__main__":
    main()
