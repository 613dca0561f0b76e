//! What the hardening tests share: a daemon with a unix XML-RPC server in a temp dir of
//! its own ([`Daemon`]), reading XML-RPC answers ([`member`], [`fault`], [`Info`]),
//! bounded polls with a limit of their own ([`poll`], [`wait_within`]) and reading `/proc`
//! (children, descriptors, memory).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use super::client::{self, s};
use crate::util::{DEADLINE, Running, read, supervisord, tempdir, wait_for};

/// The `<boolean>1</boolean>` answer of a method returning true.
pub const TRUE: &str = "<boolean>1</boolean>";

/// The `[rpcinterface:supervisor]` section every daemon here serves.
pub const RPC_INTERFACE: &str = "[rpcinterface:supervisor]\n\
    supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n";

/// `[unix_http_server]` on `sock` (with `options`, each line ending in `\n`) and the
/// supervisor interface.
pub fn unix_server(sock: &Path, options: &str) -> String {
    format!(
        "[unix_http_server]\nfile={}\n{options}{RPC_INTERFACE}",
        sock.display()
    )
}

/// One XML-RPC call on a fresh connection to `sock`; the response body (HTTP 200
/// asserted).
pub fn rpc(sock: &Path, method: &str, params: &[&str]) -> String {
    client::unix(sock).call_text(method, params)
}

/// Wait until something accepts connections on the unix socket `sock`.
pub fn wait_accepting(sock: &Path) {
    wait_for(&format!("the unix server {}", sock.display()), || {
        std::os::unix::net::UnixStream::connect(sock).is_ok()
    });
}

/// Poll `sample` every `every` until it returns `Ok`; past `limit`, panic with the last
/// `Err` (which says what was awaited and what was seen).
pub fn poll<T>(
    limit: Duration,
    every: Duration,
    mut sample: impl FnMut() -> Result<T, String>,
) -> T {
    let start = Instant::now();
    loop {
        match sample() {
            Ok(value) => return value,
            Err(why) => assert!(start.elapsed() < limit, "timed out waiting for {why}"),
        }
        std::thread::sleep(every);
    }
}

/// [`crate::util::wait_for`] with a limit of its own (liveness bounds longer than
/// [`DEADLINE`]).
pub fn wait_within(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    poll(limit, Duration::from_millis(25), || {
        cond().then_some(()).ok_or_else(|| what.to_owned())
    });
}

// ---------------------------------------------------------------------------------------
// XML-RPC answers

/// The text of the `<value>` following `<name>key</name>` in an XML-RPC body, without
/// its type tag, XML entities decoded.
pub fn member(xml: &str, key: &str) -> Option<String> {
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

/// `(faultCode, faultString)` of a fault response; `None` for any other answer.
pub fn fault(xml: &str) -> Option<(i32, String)> {
    if !xml.contains("<fault>") {
        return None;
    }
    let code = member(xml, "faultCode")?.trim().parse().ok()?;
    Some((code, member(xml, "faultString")?))
}

/// The parts of `getProcessInfo` the tests look at.
#[derive(Debug, Clone)]
pub struct Info {
    pub statename: String,
    pub pid: i32,
    pub spawnerr: String,
}

/// The [`Info`] in a `getProcessInfo` body.
pub fn info_of(xml: &str) -> Option<Info> {
    Some(Info {
        statename: member(xml, "statename")?,
        pid: member(xml, "pid")?.parse().ok()?,
        spawnerr: member(xml, "spawnerr").unwrap_or_default(),
    })
}

/// Every process struct of a `getAllProcessInfo` body, in order, by name.
pub fn all_infos(xml: &str) -> Vec<(String, Info)> {
    xml.split("</struct>")
        .filter_map(|one| Some((member(one, "name")?, info_of(one)?)))
        .collect()
}

/// `getProcessInfo(name)` on `sock`.
pub fn process_info(sock: &Path, name: &str) -> Info {
    let body = rpc(sock, "supervisor.getProcessInfo", &[&s(name)]);
    info_of(&body).unwrap_or_else(|| panic!("no process info in {body}"))
}

/// `supervisor.getState()` statename.
pub fn supervisor_state(sock: &Path) -> String {
    let xml = rpc(sock, "supervisor.getState", &[]);
    member(&xml, "statename").unwrap_or_else(|| panic!("getState: {xml}"))
}

// ---------------------------------------------------------------------------------------
// /proc

/// The fields of `/proc/<pid>/stat` after `(comm)` (which may hold spaces and
/// parentheses): state letter, ppid, pgrp, session, ...; empty once the process is gone.
pub fn stat_fields(pid: i32) -> Vec<String> {
    let stat = read(Path::new(&format!("/proc/{pid}/stat")));
    stat.rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Whether `pid` exists and is not a zombie.
pub fn live_not_zombie(pid: i32) -> bool {
    stat_fields(pid)
        .first()
        .is_some_and(|state| state != "Z" && state != "X")
}

/// The live children of `pid` (from `/proc/*/stat`), with their state letter, by pid.
pub fn children_of(pid: u32) -> Vec<(i32, char)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out: Vec<(i32, char)> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<i32>().ok())
        .filter_map(|child| {
            let fields = stat_fields(child);
            let state = fields.first()?.chars().next().unwrap_or('?');
            (fields.get(1)?.parse::<u32>().ok()? == pid).then_some((child, state))
        })
        .collect();
    out.sort_unstable();
    out
}

/// The `pipe:[inode]` (or other target) behind descriptor `fd` of `pid`.
pub fn fd_target(pid: i32, fd: i32) -> String {
    std::fs::read_link(format!("/proc/{pid}/fd/{fd}"))
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// Whether `pid` holds a descriptor on `target` (`pipe:[N]`).
pub fn holds(pid: i32, target: &str) -> bool {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| {
            entries.flatten().any(|e| {
                std::fs::read_link(e.path()).is_ok_and(|p| p.display().to_string() == target)
            })
        })
        .unwrap_or(false)
}

/// How many of `pid`'s open descriptors are numbered below `limit`.
pub fn fds_below(pid: i32, limit: usize) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<usize>().ok())
                .filter(|&fd| fd < limit)
                .count()
        })
        .unwrap_or(0)
}

/// A process's resident memory (`VmRSS`, KiB).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS in {status}"))
}

// ---------------------------------------------------------------------------------------
// A daemon in a temp dir of its own

/// A daemon with a unix socket server and the supervisor RPC interface, in its own
/// temp dir.
pub struct Daemon {
    pub dir: PathBuf,
    pub sock: PathBuf,
    pub running: Running,
    _tmp: tempfile::TempDir,
}

impl Daemon {
    /// Start a daemon; `options` go into `[supervisord]`, `programs` (with `{dir}` for the
    /// temp dir) after the server sections.
    pub fn start(options: &str, programs: &str) -> Daemon {
        Daemon::start_with(options, programs, &[], &[])
    }

    /// [`Daemon::start`] with executable `scripts` (name, text; `{dir}` replaced) written
    /// first, and `limits` (`prlimit` options such as `--nproc=1:4096`) set before exec.
    pub fn start_with(
        options: &str,
        programs: &str,
        scripts: &[(&str, &str)],
        limits: &[&str],
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
             childlogdir={d}\n{options}\n{}\n{}",
            unix_server(&sock, ""),
            programs.replace("{dir}", &d)
        );
        let conf = crate::util::write(&dir, "supervisord.conf", &text);
        // limits are set by util-linux `prlimit`, which execs the daemon (this crate
        // allows no unsafe `pre_exec`, and `sh`'s ulimit options differ: dash's `-p` is
        // bash's `-u`)
        let mut cmd = if limits.is_empty() {
            supervisord(&dir)
        } else {
            let mut prlimit = std::process::Command::new("prlimit");
            prlimit
                .current_dir(&dir)
                .stdin(Stdio::null())
                .args(limits)
                .arg("--")
                .arg(crate::util::BIN);
            prlimit
        };
        cmd.arg("-n")
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let running = Running::spawn(&mut cmd, &dir.join("supervisord.log"));
        let mut daemon = Daemon {
            dir,
            sock,
            running,
            _tmp: tmp,
        };
        wait_for("the daemon's socket to accept", || {
            if let Ok(Some(status)) = daemon.running.child.try_wait() {
                panic!(
                    "supervisord exited at startup ({status}); log:\n{}",
                    read(&daemon.running.log)
                );
            }
            std::os::unix::net::UnixStream::connect(&daemon.sock).is_ok()
        });
        daemon
    }

    /// A file in the temp dir.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The daemon's pid.
    pub fn pid(&self) -> i32 {
        self.running.child.id() as i32
    }

    /// The main log so far.
    pub fn log(&self) -> String {
        read(&self.running.log)
    }

    /// One XML-RPC call on a fresh connection; the response body (HTTP 200 asserted).
    pub fn call(&self, method: &str, params: &[&str]) -> String {
        rpc(&self.sock, method, params)
    }

    /// `getProcessInfo(name)`.
    pub fn info(&self, name: &str) -> Info {
        process_info(&self.sock, name)
    }

    /// `getAllProcessInfo()`, by name.
    pub fn all_infos(&self) -> Vec<(String, Info)> {
        all_infos(&self.call("supervisor.getAllProcessInfo", &[]))
    }

    /// Poll `getProcessInfo(name)` until `pred` holds.
    pub fn wait_info(&self, name: &str, what: &str, pred: impl Fn(&Info) -> bool) -> Info {
        poll(DEADLINE, Duration::from_millis(20), || {
            let info = self.info(name);
            if pred(&info) {
                return Ok(info);
            }
            Err(format!(
                "{name}: {what}; last {info:?}; log:\n{}",
                self.log()
            ))
        })
    }

    /// Poll until `name` is in `state`.
    pub fn wait_state(&self, name: &str, state: &str) -> Info {
        self.wait_info(name, state, |i| i.statename == state)
    }

    /// `startProcess(name)` or `stopProcess(name)` (waiting), asserted to answer true.
    pub fn start_or_stop(&self, method: &str, name: &str) {
        let reply = self.call(method, &[&s(name)]);
        assert!(
            reply.contains(TRUE),
            "{method}({name}): {reply}\n{}",
            self.log()
        );
    }

    /// Ask the daemon to exit and wait (bounded) for exit status 0.
    pub fn shutdown(mut self) {
        self.running.signal(Signal::SIGTERM);
        assert_eq!(self.running.wait_exit(), Some(0), "{}", self.log());
    }
}

/// Write an executable script into `dir`.
pub fn script(dir: &Path, name: &str, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}
