//! Load against the real `supervisord` (see `tests/hardening.rs`): a thousand programs
//! crash-looping while a client polls the process table, and a thousand stalled
//! connections while another client is served. Waits are bounded polls on the XML-RPC
//! API, the main log or `/proc`; the only time bounds asserted are liveness bounds
//! (generous: the machine is small and shared). Latencies are printed, not asserted:
//! the speed goal (p99 < 50 ms) is measured by `bench/load`.
//!
//! `/proc` is read for what the API cannot tell: which processes are the daemon's
//! children (alive or zombies), how many descriptors it holds, how much CPU it used.

use std::io::Write;
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rpc::Value;

use super::client::{self, Client};
use crate::util::{BIN, Running, config_text, read, tempdir, wait_for, write};

/// How long any one call may take before the daemon counts as stalled (a liveness
/// bound, not a speed goal).
const CALL_BOUND: Duration = Duration::from_secs(10);
/// How long a phase (load, stop, drain) may take at most.
const PHASE_BOUND: Duration = Duration::from_secs(60);

/// One entry of `getAllProcessInfo`.
#[derive(Debug, Clone)]
struct Info {
    group: String,
    name: String,
    statename: String,
    pid: i32,
}

impl Info {
    fn namespec(&self) -> String {
        format!("{}:{}", self.group, self.name)
    }
}

/// The params of a `methodResponse` body, decoded by the `rpc` crate's own parser
/// (a response has the shape of a call without a method name).
fn response_values(body: &str) -> Vec<Value> {
    assert!(!body.contains("<fault>"), "a fault: {body}");
    let as_call = body
        .replacen("<methodResponse>", "<methodCall>", 1)
        .replacen("</methodResponse>", "</methodCall>", 1);
    rpc::parse_method_call(as_call.as_bytes())
        .unwrap_or_else(|e| panic!("undecodable response ({e:?}): {body}"))
        .params
        .unwrap_or_default()
}

fn member<'v>(fields: &'v [(String, Value)], key: &str) -> &'v Value {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no member {key} in {fields:?}"))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => panic!("not a string: {other:?}"),
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        other => panic!("not an int: {other:?}"),
    }
}

/// Decode `getAllProcessInfo`.
fn process_infos(body: &str) -> Vec<Info> {
    let values = response_values(body);
    let Some(Value::Array(items)) = values.first() else {
        panic!("not an array: {body}");
    };
    items
        .iter()
        .map(|item| {
            let Value::Struct(fields) = item else {
                panic!("not a struct: {item:?}");
            };
            Info {
                group: text(member(fields, "group")),
                name: text(member(fields, "name")),
                statename: text(member(fields, "statename")),
                pid: int(member(fields, "pid")) as i32,
            }
        })
        .collect()
}

/// `(state letter, ppid)` of a process from `/proc/<pid>/stat`; None once it is gone.
fn proc_stat(pid: i32) -> Option<(char, i32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ');
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// How many descriptors `pid` holds.
fn fd_count(pid: i32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// CPU time `pid` used so far (utime + stime), in clock ticks.
fn cpu_ticks(pid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some(close) = stat.rfind(')') else {
        return 0;
    };
    // after "pid (comm) ": state is field 3; utime, stime are fields 14, 15
    let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    tick(11) + tick(12)
}

/// Raise this process's soft RLIMIT_NOFILE towards `want` (the hard limit caps it);
/// returns the soft limit now in force.
fn raise_nofile(want: u64) -> u64 {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 0;
    };
    let target = want.min(hard);
    if soft < target && setrlimit(Resource::RLIMIT_NOFILE, target, hard).is_ok() {
        return target;
    }
    soft
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

/// `n=… p50=… p99=… max=…` of `samples` (sorted here).
fn latency_summary(samples: &mut [Duration]) -> String {
    samples.sort();
    let at = |p: f64| {
        samples
            .get(((samples.len() as f64 * p) as usize).min(samples.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    format!(
        "n={} p50={:?} p99={:?} max={:?}",
        samples.len(),
        at(0.50),
        at(0.99),
        samples.last().copied().unwrap_or_default()
    )
}

/// The server sections of every test here: a unix socket and, with a port, TCP.
fn servers(dir: &Path, port: Option<u16>) -> String {
    let mut text = format!("[unix_http_server]\nfile={}/s.sock\n", dir.display());
    if let Some(port) = port {
        text += &format!("[inet_http_server]\nport=127.0.0.1:{port}\n");
    }
    text + "[rpcinterface:supervisor]\n\
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
}

/// Wait until the unix socket answers `getState` (the daemon may be busy spawning).
fn wait_serving(running: &mut Running, sock: &Path) {
    wait_for("the daemon's socket", || {
        if let Ok(Some(status)) = running.child.try_wait() {
            panic!(
                "supervisord exited at startup ({status}); log:\n{}",
                read(&running.log)
            );
        }
        sock.exists() && UnixStream::connect(sock).is_ok()
    });
    let mut c = client::unix(sock);
    assert!(c.call_text("supervisor.getState", &[]).contains("RUNNING"));
}

/// Per-name counts of the main log's `spawned:`, `exited:`/`stopped:` lines.
fn lifecycle_counts(log: &str) -> std::collections::HashMap<String, (usize, usize)> {
    let mut counts: std::collections::HashMap<String, (usize, usize)> = Default::default();
    for line in log.lines() {
        if let Some(rest) = line.split_once(" spawned: '").map(|(_, r)| r) {
            let name = rest.split('\'').next().unwrap_or_default();
            counts.entry(name.to_owned()).or_default().0 += 1;
        } else if let Some(rest) = line
            .split_once(" exited: ")
            .or_else(|| line.split_once(" stopped: "))
            .map(|(_, r)| r)
        {
            let name = rest.split(" (").next().unwrap_or_default();
            counts.entry(name.to_owned()).or_default().1 += 1;
        }
    }
    counts
}

/// 1000 programs crash-looping (half exiting from RUNNING and restarted at once, half
/// exiting before startsecs and going through BACKOFF) next to 10 steady ones, while a
/// client polls `getAllProcessInfo` on one keep-alive connection: every call is
/// answered (within a liveness bound) with all 1010 entries, every entry's pid agrees
/// with its state, a live pid is the daemon's child, and the steady programs stay
/// RUNNING on the same pids. Then `stopAllProcesses`: every process ends STOPPED with
/// no pid, the daemon has no child left (no orphan, no zombie), every `spawned:` line
/// of the main log is matched by one `exited:`/`stopped:` line, and the daemon's
/// descriptors are back to a handful.
///
/// The daemon cannot respawn as fast as 1000 `sleep 0.2` exit: it collects a few
/// exited children per loop pass (4.3: up to 100) so that clients are served between
/// spawns, and a zombie not yet collected is still RUNNING (or STARTING, and may be
/// declared RUNNING once startsecs have passed) for it, as for 4.3. Hence no state
/// other than "pid iff STARTING/RUNNING/STOPPING" is required while the load lasts.
#[test]
fn thousand_crash_looping_programs_polled_over_rpc_without_state_drift() {
    const GROUPS: usize = 10;
    const PER_GROUP: usize = 100;
    const STEADY: usize = 10;
    let tmp = tempdir();
    let dir = tmp.path();
    let mut programs = String::new();
    for g in 0..GROUPS {
        // even groups: RUNNING at once (startsecs=0), exit, restarted at once (EXITED ->
        // STARTING); odd groups: exit before startsecs, BACKOFF, retried with a growing
        // delay. `sleep` exits 0, made unexpected by exitcodes=1.
        let startsecs = g % 2;
        programs += &format!(
            "[program:crash{g}]\ncommand=sleep 0.2\nprocess_name=%(program_name)s_%(process_num)03d\n\
             numprocs={PER_GROUP}\nstartsecs={startsecs}\nstartretries=1000000\nautorestart=true\n\
             exitcodes=1\nstdout_logfile=NONE\nstderr_logfile=NONE\nstopwaitsecs=20\n"
        );
    }
    programs += &format!(
        "[program:steady]\ncommand=sleep 100000\nprocess_name=%(program_name)s_%(process_num)02d\n\
         numprocs={STEADY}\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE\nstopwaitsecs=20\n"
    );
    let conf = write(
        dir,
        "supervisord.conf",
        &config_text(
            dir,
            &format!(
                "logfile_maxbytes=0\nminfds=8192\nminprocs=4096\n{}{programs}",
                servers(dir, None)
            ),
        ),
    );
    let sock = dir.join("s.sock");
    let mut running = Running::start(dir, &conf, &dir.join("supervisord.log"), &[]);
    let daemon = running.child.id() as i32;
    wait_serving(&mut running, &sock);
    let total = GROUPS * PER_GROUP + STEADY;

    // The steady programs: RUNNING before the load is measured.
    let mut poller = client::unix(&sock);
    let mut steady_pids = std::collections::HashMap::new();
    wait_for("the steady programs to be RUNNING", || {
        let infos = process_infos(&poller.call_text("supervisor.getAllProcessInfo", &[]));
        steady_pids = infos
            .iter()
            .filter(|i| i.group == "steady" && i.statename == "RUNNING")
            .map(|i| (i.name.clone(), i.pid))
            .collect();
        steady_pids.len() == STEADY
    });

    // Poll until the load has really happened (each crasher spawned twice on average)
    // and at least 8 s have passed, with a bound on the whole phase.
    let start = Instant::now();
    let mut latencies = Vec::new();
    let mut states: std::collections::BTreeMap<String, usize> = Default::default();
    loop {
        let t = Instant::now();
        let r = poller.call("supervisor.getAllProcessInfo", &[]);
        let took = t.elapsed();
        assert_eq!(r.status, 200, "{}", r.head);
        assert!(
            took < CALL_BOUND,
            "getAllProcessInfo took {took:?} under load"
        );
        latencies.push(took);
        let infos = process_infos(&r.text());
        assert_eq!(infos.len(), total, "entries of getAllProcessInfo");
        for info in &infos {
            *states.entry(info.statename.clone()).or_default() += 1;
            let live = matches!(info.statename.as_str(), "STARTING" | "RUNNING" | "STOPPING");
            assert_eq!(live, info.pid > 0, "state and pid disagree: {info:?}");
            if info.group == "steady" {
                assert_eq!(info.statename, "RUNNING", "{info:?}");
                assert_eq!(steady_pids.get(&info.name), Some(&info.pid), "{info:?}");
                assert_eq!(
                    proc_stat(info.pid).map(|(_, ppid)| ppid),
                    Some(daemon),
                    "a steady program's pid is not the daemon's child: {info:?}"
                );
            } else if live {
                // Alive or an unreaped zombie, either way the daemon's child; gone is
                // fine (reaped since the answer), someone else's child is not. Pids are
                // not reused within the few ms since the answer.
                if let Some((_, ppid)) = proc_stat(info.pid) {
                    assert_eq!(
                        ppid, daemon,
                        "pid {} is not the daemon's child: {info:?}",
                        info.pid
                    );
                }
            }
        }
        // getProcessInfo agrees for a steady program.
        let one = response_values(&poller.call_text(
            "supervisor.getProcessInfo",
            &[&client::s("steady:steady_00")],
        ));
        let Some(Value::Struct(fields)) = one.first() else {
            panic!("getProcessInfo: {one:?}");
        };
        assert_eq!(text(member(fields, "statename")), "RUNNING");
        assert_eq!(
            Some(&(int(member(fields, "pid")) as i32)),
            steady_pids.get("steady_00")
        );
        let spawned = read(&running.log).matches(" spawned: '").count();
        if start.elapsed() >= Duration::from_secs(8) && spawned >= 2 * GROUPS * PER_GROUP + STEADY {
            eprintln!(
                "load: {spawned} spawns in {:.1} s, {} getAllProcessInfo calls",
                start.elapsed().as_secs_f64(),
                latencies.len()
            );
            break;
        }
        assert!(
            start.elapsed() < PHASE_BOUND,
            "the crash loop did not happen: {spawned} spawns in {:?}",
            start.elapsed()
        );
    }
    eprintln!(
        "getAllProcessInfo ({total} entries) under load: {}; states seen: {states:?}",
        latency_summary(&mut latencies)
    );

    // Stop everything: the deferred answer comes once every process is stopped.
    let t = Instant::now();
    let mut stopper = client::unix(&sock);
    let body = stopper.call_text("supervisor.stopAllProcesses", &[]);
    eprintln!("stopAllProcesses answered in {:?}", t.elapsed());
    let Some(Value::Array(results)) = response_values(&body).into_iter().next() else {
        panic!("stopAllProcesses: {body}");
    };
    for result in &results {
        let Value::Struct(fields) = result else {
            panic!("not a struct: {result:?}");
        };
        assert_eq!(int(member(fields, "status")), 80, "stop result {fields:?}");
    }
    let deadline = Instant::now() + PHASE_BOUND;
    let (settled, last) = loop {
        let infos = process_infos(&poller.call_text("supervisor.getAllProcessInfo", &[]));
        let all_stopped = infos.iter().all(|i| i.statename == "STOPPED");
        if all_stopped || Instant::now() > deadline {
            break (all_stopped, infos);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let not_stopped: Vec<_> = last
        .iter()
        .filter(|i| i.statename != "STOPPED" || i.pid != 0)
        .map(|i| format!("{} {} pid {}", i.namespec(), i.statename, i.pid))
        .collect();
    assert!(
        settled && not_stopped.is_empty(),
        "after stopAllProcesses ({} results) not every process is STOPPED: {not_stopped:?}",
        results.len()
    );

    // No child left: neither alive (orphan to be) nor a zombie.
    let mut left = Vec::new();
    wait_for("the daemon to have no child left", || {
        left = super::support::children_of(daemon.unsigned_abs());
        left.is_empty()
    });
    // Every spawn ended exactly once in the log.
    let counts = lifecycle_counts(&read(&running.log));
    assert_eq!(counts.len(), total, "names in the main log");
    let unmatched: Vec<_> = counts.iter().filter(|(_, (s, e))| s != e).collect();
    assert!(
        unmatched.is_empty(),
        "spawned: lines not matched by one exited:/stopped: line: {unmatched:?}"
    );
    assert!(
        !read(&running.log).contains("reaped unknown pid"),
        "the daemon reaped a pid it did not know"
    );
    // The pipes and pidfds of 2000+ children were all closed.
    let fds = fd_count(daemon);
    assert!(
        fds < 32,
        "the daemon still holds {fds} descriptors with nothing running"
    );
}

/// A connection that sends part of a request and then nothing: half a request line,
/// a head without its blank line, a body shorter than its Content-Length, or no byte.
fn stall(i: usize, sock: &Path, port: u16) -> Box<dyn Write> {
    let mut conn: Box<dyn Write> = if i.is_multiple_of(2) {
        Box::new(TcpStream::connect(("127.0.0.1", port)).expect("connect tcp"))
    } else {
        Box::new(UnixStream::connect(sock).expect("connect unix"))
    };
    let partial: &[u8] = match (i / 2) % 4 {
        0 => b"POST /RP",
        1 => b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 120\r\n",
        2 => b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<?xml version='1.0'?><methodCall>",
        _ => b"",
    };
    conn.write_all(partial).expect("send a partial request");
    conn
}

/// One call on `c`, answered correctly within the liveness bound; its latency.
fn timed_call(c: &mut Client, method: &str, expect: &str) -> Duration {
    let t = Instant::now();
    let body = c.call_text(method, &[]);
    let took = t.elapsed();
    assert!(body.contains(expect), "{method}: {body}");
    assert!(took < CALL_BOUND, "{method} took {took:?}");
    took
}

/// The daemon's descriptor count once it stops changing (a connection just closed by
/// the client is closed by the daemon a moment later).
fn settled_fd_count(pid: i32) -> usize {
    let mut last = fd_count(pid);
    let start = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let now = fd_count(pid);
        if now == last || start.elapsed() > Duration::from_secs(5) {
            return now;
        }
        last = now;
    }
}

/// Daemon CPU use over a window of `window`, as a fraction of it (ticks of 1/100 s:
/// /proc reports USER_HZ, 100 on Linux).
fn cpu_share(pid: i32, window: Duration) -> f64 {
    let before = cpu_ticks(pid);
    std::thread::sleep(window); // the measurement window itself
    let used = cpu_ticks(pid).saturating_sub(before) as f64 / 100.0;
    used / window.as_secs_f64()
}

/// 1000 connections, half TCP half unix, each stalled inside a request (four kinds),
/// while two keep-alive clients (TCP, unix) and fresh connections are served: every
/// call answered within the liveness bound as the stalled ones pile up and once all
/// 1000 are held; the daemon does not spin on them; once they close, its descriptor
/// count is back to where it was (no leak). 4.3 (medusa) also keeps such connections
/// open forever; this daemon has no idle timeout either.
#[test]
fn thousand_stalled_connections_leave_normal_clients_served_and_no_fd_leak() {
    const STALLED: usize = 1000;
    let limit = raise_nofile(4 * STALLED as u64);
    if limit < STALLED as u64 + 100 {
        eprintln!(
            "skipped: this process may open only {limit} descriptors (hard RLIMIT_NOFILE), \
             {} needed",
            STALLED + 100
        );
        return;
    }
    let tmp = tempdir();
    let dir = tmp.path();
    let port = free_port();
    let conf = write(
        dir,
        "supervisord.conf",
        &config_text(
            dir,
            &format!(
                "minfds=4096\n{}[program:steady]\ncommand=sleep 100000\nstartsecs=0\n",
                servers(dir, Some(port))
            ),
        ),
    );
    let sock = dir.join("s.sock");
    let mut running = Running::start(dir, &conf, &dir.join("supervisord.log"), &[]);
    let daemon = running.child.id() as i32;
    wait_serving(&mut running, &sock);
    running.wait_log("success: steady entered RUNNING state");
    let mut unix_client = client::unix(&sock);
    let mut tcp_client = client::tcp(port);
    timed_call(&mut unix_client, "supervisor.getState", "RUNNING");
    timed_call(&mut tcp_client, "supervisor.getState", "RUNNING");
    let baseline = settled_fd_count(daemon);

    let mut latencies = Vec::new();
    let mut stalled = Vec::new();
    for i in 0..STALLED {
        stalled.push(stall(i, &sock, port));
        if i % 50 == 49 {
            latencies.push(timed_call(
                &mut unix_client,
                "supervisor.getAllProcessInfo",
                "steady",
            ));
            latencies.push(timed_call(
                &mut tcp_client,
                "supervisor.getState",
                "RUNNING",
            ));
            let mut fresh = if i % 100 == 99 {
                client::tcp(port)
            } else {
                client::unix(&sock)
            };
            latencies.push(timed_call(&mut fresh, "supervisor.getPID", "<int>"));
        }
    }
    wait_for("the daemon to accept all stalled connections", || {
        fd_count(daemon) >= baseline + STALLED
    });
    for _ in 0..50 {
        latencies.push(timed_call(
            &mut unix_client,
            "supervisor.getAllProcessInfo",
            "steady",
        ));
        latencies.push(timed_call(
            &mut tcp_client,
            "supervisor.getAllProcessInfo",
            "steady",
        ));
    }
    eprintln!(
        "with {STALLED} stalled connections: {}; daemon fds {} (baseline {baseline})",
        latency_summary(&mut latencies),
        fd_count(daemon)
    );
    // Nothing to do for the daemon while they stall: it must wait, not spin.
    let share = cpu_share(daemon, Duration::from_secs(2));
    assert!(
        share < 0.5,
        "the daemon used {:.0} % of a CPU with {STALLED} stalled connections",
        share * 100.0
    );

    drop(stalled);
    let mut fds = 0;
    wait_for("the daemon to close the stalled connections", || {
        fds = fd_count(daemon);
        fds <= baseline
    });
    timed_call(&mut unix_client, "supervisor.getState", "RUNNING");
    timed_call(&mut tcp_client, "supervisor.getState", "RUNNING");
    timed_call(&mut client::tcp(port), "supervisor.getState", "RUNNING");
    assert!(
        running.child.try_wait().expect("try_wait").is_none(),
        "the daemon exited"
    );
}

/// The daemon runs out of descriptors while accepting (RLIMIT_NOFILE 64, set by the
/// shell that execs it; minfds=32 lets it start): stalled connections fill every slot
/// and more wait in the listen backlogs. A connection accepted before keeps being
/// served, the daemon does not spin on the listener it cannot accept from (4.3 retries
/// on every poll; this daemon pauses accepting for a second), and once the stalled
/// connections close, a client waiting in the backlog is answered and the descriptor
/// count is back to its baseline.
#[test]
fn out_of_descriptors_at_accept_keeps_serving_and_resumes() {
    const LIMIT: usize = 64;
    let tmp = tempdir();
    let dir = tmp.path();
    let port = free_port();
    let conf = write(
        dir,
        "supervisord.conf",
        &config_text(dir, &format!("minfds=32\n{}", servers(dir, Some(port)))),
    );
    let sock = dir.join("s.sock");
    let child = Command::new("sh")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .arg("-c")
        .arg(format!("ulimit -n {LIMIT} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .arg("-n")
        .arg("-c")
        .arg(&conf)
        .spawn()
        .expect("spawn supervisord");
    let mut running = Running {
        child,
        log: dir.join("supervisord.log"),
    };
    let daemon = running.child.id() as i32;
    wait_serving(&mut running, &sock);
    let mut keeper = client::unix(&sock);
    timed_call(&mut keeper, "supervisor.getState", "RUNNING");
    let baseline = settled_fd_count(daemon);
    assert!(
        baseline < LIMIT - 8,
        "the daemon holds {baseline} descriptors at rest"
    );

    // More stalled connections than free slots: the rest wait in the backlogs.
    let stalled: Vec<_> = (0..LIMIT + 20).map(|i| stall(i, &sock, port)).collect();
    wait_for("the daemon to use every descriptor slot", || {
        fd_count(daemon) >= LIMIT
    });
    for _ in 0..5 {
        timed_call(&mut keeper, "supervisor.getState", "RUNNING");
    }
    let share = cpu_share(daemon, Duration::from_secs(2));
    assert!(
        share < 0.5,
        "the daemon used {:.0} % of a CPU while out of descriptors",
        share * 100.0
    );
    // A client in the backlog: its request waits for a slot.
    let mut waiting = client::tcp(port);
    waiting.send(&client::rpc_request("supervisor.getState", &[], ""));
    drop(stalled);
    let r = waiting.response(); // bounded by the client's read deadline
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(r.text().contains("RUNNING"), "{}", r.text());
    drop(waiting);
    timed_call(&mut client::unix(&sock), "supervisor.getState", "RUNNING");
    let mut fds = 0;
    wait_for("the daemon's descriptors to return to the baseline", || {
        fds = fd_count(daemon);
        fds <= baseline
    });
    timed_call(&mut keeper, "supervisor.getState", "RUNNING");
}
