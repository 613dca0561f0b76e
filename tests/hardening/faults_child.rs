//! Children that misbehave and spawns that fail, against the real `supervisord`
//! (see `tests/hardening.rs`). Every wait is a bounded poll on the main log, a child log,
//! `/proc` or the XML-RPC API; the only time bounds asserted are liveness bounds.
//!
//! Texts are 4.3's (`supervisor/process.py`): `exited: x (terminated by SIGKILL; not
//! expected)`, `killing 'x' (<pid>) with SIGKILL` (WARN, no "pid" word),
//! `spawnerr: Too many processes in process table to spawn 'x'` (EAGAIN from fork) and
//! `spawnerr: too many open files to spawn 'x'` (EMFILE, lower case in 4.3).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::client::{self, s};
use crate::util::{DEADLINE, Running, alive, read, supervisord, tempdir, wait_for, wait_until};

/// A daemon with a unix socket server and the supervisor RPC interface, in its own
/// temp dir.
struct Daemon {
    dir: PathBuf,
    sock: PathBuf,
    running: Running,
    _tmp: tempfile::TempDir,
}

/// The parts of `getProcessInfo` the tests look at.
#[derive(Debug, Clone)]
struct Info {
    statename: String,
    pid: i32,
    spawnerr: String,
}

impl Daemon {
    /// Start a daemon; `options` go into `[supervisord]`, `programs` (with `{dir}` for the
    /// temp dir) after the server sections.
    fn start(options: &str, programs: &str) -> Daemon {
        Daemon::start_with(options, programs, &[], "")
    }

    /// [`Daemon::start`] with executable `scripts` (name, text; `{dir}` replaced) written
    /// first, and `ulimits` (shell commands such as `ulimit -p 1`) run before exec.
    fn start_with(
        options: &str,
        programs: &str,
        scripts: &[(&str, &str)],
        ulimits: &str,
    ) -> Daemon {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempdir();
        let dir = tmp.path().to_path_buf();
        // a daemon dropping to `user=nobody` must still write its logs here
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let d = dir.display().to_string();
        for (name, text) in scripts {
            script(&dir, name, &text.replace("{dir}", &d));
        }
        let sock = dir.join("s.sock");
        let text = format!(
            "[supervisord]\nlogfile={d}/supervisord.log\npidfile={d}/supervisord.pid\n\
             childlogdir={d}\n{options}\n\
             [unix_http_server]\nfile={}\n\
             [rpcinterface:supervisor]\n\
             supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
             {}",
            sock.display(),
            programs.replace("{dir}", &d)
        );
        let conf = crate::util::write(&dir, "supervisord.conf", &text);
        // limits are set by a shell that execs the daemon (this crate allows no unsafe
        // `pre_exec`); dash's `ulimit -n N` / `-p N` set soft and hard limits
        let mut cmd = if ulimits.is_empty() {
            supervisord(&dir)
        } else {
            let mut sh = std::process::Command::new("sh");
            sh.current_dir(&dir)
                .stdin(Stdio::null())
                .arg("-c")
                .arg(format!("{ulimits} && exec \"$0\" \"$@\""))
                .arg(crate::util::BIN);
            sh
        };
        cmd.arg("-n")
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = cmd.spawn().expect("spawn supervisord");
        let running = Running {
            child,
            log: dir.join("supervisord.log"),
        };
        let daemon = Daemon {
            dir,
            sock,
            running,
            _tmp: tmp,
        };
        wait_for("the daemon's socket to accept", || {
            std::os::unix::net::UnixStream::connect(&daemon.sock).is_ok()
        });
        daemon
    }

    /// A file in the temp dir.
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The main log so far.
    fn log(&self) -> String {
        read(&self.running.log)
    }

    /// One XML-RPC call on a fresh connection; the response body (HTTP 200 asserted).
    fn call(&self, method: &str, params: &[&str]) -> String {
        client::unix(&self.sock).call_text(method, params)
    }

    /// `getProcessInfo(name)`.
    fn info(&self, name: &str) -> Info {
        let body = self.call("supervisor.getProcessInfo", &[&s(name)]);
        info_of(&body).unwrap_or_else(|| panic!("no process info in {body}"))
    }

    /// Poll `getProcessInfo(name)` until `pred` holds.
    fn wait_info(&self, name: &str, what: &str, pred: impl Fn(&Info) -> bool) -> Info {
        let start = Instant::now();
        loop {
            let info = self.info(name);
            if pred(&info) {
                return info;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {name}: {what}; last {info:?}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Poll until `name` is in `state`.
    fn wait_state(&self, name: &str, state: &str) -> Info {
        self.wait_info(name, state, |i| i.statename == state)
    }

    /// Ask the daemon to exit and wait (bounded) for exit status 0.
    fn shutdown(mut self) {
        self.running.signal(Signal::SIGTERM);
        assert_eq!(self.running.wait_exit(), Some(0), "{}", self.log());
    }
}

/// The text of the `<value>` following `<name>key</name>` in an XML-RPC body, without
/// its type tag, XML entities decoded.
fn member(xml: &str, key: &str) -> Option<String> {
    let at = xml.find(&format!("<name>{key}</name>"))?;
    let rest = &xml[at..];
    let start = rest.find("<value>")? + "<value>".len();
    let end = rest[start..].find("</value>")? + start;
    let mut inner = rest[start..end].trim();
    if inner.starts_with('<') && !inner.ends_with("/>") {
        let open_end = inner.find('>')?;
        let close = inner.rfind("</")?;
        inner = &inner[open_end + 1..close];
    }
    Some(
        inner
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// The [`Info`] in a `getProcessInfo` body.
fn info_of(xml: &str) -> Option<Info> {
    Some(Info {
        statename: member(xml, "statename")?,
        pid: member(xml, "pid")?.parse().ok()?,
        spawnerr: member(xml, "spawnerr").unwrap_or_default(),
    })
}

/// Every process struct of a `getAllProcessInfo` body, in order.
fn all_infos(xml: &str) -> Vec<(String, Info)> {
    xml.split("</struct>")
        .filter_map(|one| Some((member(one, "name")?, info_of(one)?)))
        .collect()
}

/// Write an executable script into `dir`.
fn script(dir: &Path, name: &str, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// The `pipe:[inode]` (or other target) behind descriptor `fd` of `pid`.
fn fd_target(pid: i32, fd: i32) -> String {
    std::fs::read_link(format!("/proc/{pid}/fd/{fd}"))
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// Whether `pid` holds a descriptor on `target` (`pipe:[N]`).
fn holds(pid: i32, target: &str) -> bool {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| {
            entries.flatten().any(|e| {
                std::fs::read_link(e.path()).is_ok_and(|p| p.display().to_string() == target)
            })
        })
        .unwrap_or(false)
}

/// Whether `pid` exists and is not a zombie.
fn live_not_zombie(pid: i32) -> bool {
    let stat = read(Path::new(&format!("/proc/{pid}/stat")));
    // "pid (comm) S ...": the state follows the last ')'
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_some_and(|state| state != "Z" && state != "X")
}

/// SIGKILLs the pids it holds when dropped (processes that escaped the daemon).
struct Reaper(Vec<i32>);

impl Drop for Reaper {
    fn drop(&mut self) {
        for &pid in &self.0 {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
}

/// The `<boolean>1</boolean>` answer of a method returning true.
const TRUE: &str = "<boolean>1</boolean>";

/// A child killed with SIGKILL from outside: 4.3's WARN line, an autorestart with a new
/// pid, and the daemon still answering.
#[test]
fn sigkill_from_outside_is_logged_and_autorestarted() {
    let d = Daemon::start(
        "",
        "[program:victim]\ncommand=sleep 1000\nstartsecs=1\nautorestart=true\n",
    );
    let first = d.wait_state("victim", "RUNNING");
    assert!(first.pid > 0, "{first:?}");
    kill(Pid::from_raw(first.pid), Signal::SIGKILL).expect("kill victim");
    d.running
        .wait_log("WARN exited: victim (terminated by SIGKILL; not expected)");
    let second = d.wait_info("victim", "RUNNING with a new pid", |i| {
        i.statename == "RUNNING" && i.pid > 0 && i.pid != first.pid
    });
    wait_for("the killed child to be reaped", || !alive(first.pid));
    let log = d.log();
    let order = [
        format!("spawned: 'victim' with pid {}", first.pid),
        "exited: victim (terminated by SIGKILL; not expected)".to_owned(),
        format!("spawned: 'victim' with pid {}", second.pid),
    ];
    let mut from = 0;
    for line in &order {
        let at = log[from..]
            .find(line.as_str())
            .unwrap_or_else(|| panic!("{line:?} missing or out of order in:\n{log}"));
        from += at + line.len();
    }
    assert!(
        d.call("supervisor.getState", &[])
            .contains("<string>RUNNING</string>")
    );
    d.shutdown();
}

/// A child ignoring SIGTERM: `stopProcess` (waiting) answers true once SIGKILL, sent
/// `stopwaitsecs` after SIGTERM, has killed it; other clients are answered meanwhile.
#[test]
fn ignoring_sigterm_is_killed_after_stopwaitsecs_by_stop_process() {
    let d = Daemon::start(
        "loglevel=debug",
        "[program:stubborn]\ncommand=sh -c \"trap '' TERM; echo ready; exec sleep 1000\"\n\
         startsecs=0\nstopwaitsecs=1\nstdout_logfile={dir}/stubborn.log\n",
    );
    wait_for_file(&d.path("stubborn.log"), "ready");
    let before = d.wait_state("stubborn", "RUNNING");
    let sock = d.sock.clone();
    let stopper = std::thread::spawn(move || {
        client::unix(&sock).call_text("supervisor.stopProcess", &[&s("stubborn")])
    });
    let mut answered = 0;
    while !stopper.is_finished() {
        let started = Instant::now();
        let state = d.call("supervisor.getState", &[]);
        assert!(state.contains("RUNNING"), "{state}");
        assert!(started.elapsed() < DEADLINE, "getState took too long");
        answered += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    let reply = stopper.join().expect("stopProcess thread");
    assert!(reply.contains(TRUE), "{reply}");
    assert!(answered > 0, "no getState answered during the stop");
    let after = d.info("stubborn");
    assert_eq!(after.statename, "STOPPED");
    assert!(!alive(before.pid), "the stubborn child survived");
    let log = d.log();
    let term = format!(
        "DEBG killing stubborn (pid {}) with signal SIGTERM",
        before.pid
    );
    let sigkill = format!("WARN killing 'stubborn' ({}) with SIGKILL", before.pid);
    let stopped = "stopped: stubborn (terminated by SIGKILL)";
    let at = |needle: &str| {
        log.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in:\n{log}"))
    };
    assert!(
        at(&term) < at(&sigkill) && at(&sigkill) < at(stopped),
        "{log}"
    );
    d.shutdown();
}

/// Wait for `needle` in a file (a child's log).
fn wait_for_file(path: &Path, needle: &str) -> String {
    wait_until(path, |t| t.contains(needle), needle)
}

/// A child that closes its stdout and keeps running: it stays RUNNING, the daemon
/// closes its end of that pipe (as 4.3's dispatcher does on EOF) without touching the
/// process, stderr keeps reaching its log, and a stop works.
#[test]
fn child_closing_stdout_keeps_running_and_stops() {
    let tmp_programs = "[program:closer]\ncommand={dir}/closer.sh\ndirectory={dir}\n\
                        startsecs=0\nstdout_logfile={dir}/closer.out\n\
                        stderr_logfile={dir}/closer.err\n";
    let closer = "#!/bin/sh\necho before-close\n\
                  while [ ! -e go ]; do sleep 0.05; done\n\
                  exec 1>&-\n\
                  i=0\nwhile :; do echo \"stderr line $i\" >&2; i=$((i+1)); sleep 0.1; done\n";
    let d = Daemon::start_with("", tmp_programs, &[("closer.sh", closer)], "");
    let info = d.wait_state("closer", "RUNNING");
    wait_for_file(&d.path("closer.out"), "before-close");
    let daemon_pid = d.running.child.id() as i32;
    let stdout_pipe = fd_target(info.pid, 1);
    assert!(stdout_pipe.starts_with("pipe:"), "{stdout_pipe}");
    assert!(
        holds(daemon_pid, &stdout_pipe),
        "the daemon should read the child's stdout pipe {stdout_pipe}"
    );
    std::fs::write(d.path("go"), "").expect("write go");
    wait_for("the daemon to close the child's stdout pipe", || {
        !holds(daemon_pid, &stdout_pipe)
    });
    wait_for_file(&d.path("closer.err"), "stderr line 10");
    let still = d.info("closer");
    assert_eq!((still.statename.as_str(), still.pid), ("RUNNING", info.pid));
    assert_eq!(read(&d.path("closer.out")), "before-close\n");
    let reply = d.call("supervisor.stopProcess", &[&s("closer")]);
    assert!(reply.contains(TRUE), "{reply}");
    assert_eq!(d.info("closer").statename, "STOPPED");
    assert!(d.log().contains("stopped: closer (terminated by SIGTERM)"));
    d.shutdown();
}
