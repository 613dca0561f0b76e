//! Helpers: run the binary, write configs into a temp dir, wait for main-log lines.

#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_supervisord");

/// How long any wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A `supervisord` command started as `supervisord` (argv0, as the Python recordings were),
/// in `cwd`, with stdin closed.
pub fn supervisord(cwd: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg0("supervisord")
        .current_dir(cwd)
        .stdin(Stdio::null());
    cmd
}

/// Run to completion (the daemon must exit by itself: usage errors, -h, -v).
pub fn run(cwd: &Path, args: &[&str]) -> Output {
    supervisord(cwd)
        .args(args)
        .output()
        .expect("run supervisord")
}

/// stdout, stderr (lossy) and the exit status.
pub fn texts(out: &Output) -> (String, String, Option<i32>) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// A temp dir for one test.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("rsupervisor-test")
        .tempdir()
        .expect("tempdir")
}

/// Write `text` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write file");
    path
}

/// Poll `path` until it contains `needle` (or the deadline passes: then panic with what the
/// file holds).
pub fn wait_for_text(path: &Path, needle: &str) -> String {
    wait_until(path, |text| text.contains(needle), needle)
}

/// Poll `path` until `pred` holds for its contents.
pub fn wait_until(path: &Path, pred: impl Fn(&str) -> bool, what: &str) -> String {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if pred(&text) {
            return text;
        }
        if start.elapsed() > DEADLINE {
            panic!(
                "timed out waiting for {what:?} in {}:\n{text}",
                path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Poll until `cond` holds, or panic naming `what`.
pub fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        if start.elapsed() > DEADLINE {
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A supervisord started in the foreground (`-n`) on a config in a temp dir; its main log is
/// polled. Dropping it stops it (TERM, then KILL after the deadline).
pub struct Running {
    /// The daemon process.
    pub child: std::process::Child,
    /// The main log file.
    pub log: PathBuf,
}

impl Running {
    /// Start `supervisord -n -c <conf> <extra...>` in `dir`, main log at `log`.
    pub fn start(dir: &Path, conf: &Path, log: &Path, extra: &[&str]) -> Running {
        Running::spawn(
            supervisord(dir)
                .arg("-n")
                .arg("-c")
                .arg(conf)
                .args(extra)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            log,
        )
    }

    /// Spawn `cmd`, a command that runs (or execs) the daemon in the foreground, main log
    /// at `log`: for a daemon started some other way than [`Running::start`] (under a
    /// shell's `umask`, under `prlimit`, with its stderr kept).
    pub fn spawn(cmd: &mut Command, log: &Path) -> Running {
        Running {
            child: cmd.spawn().expect("spawn supervisord"),
            log: log.to_path_buf(),
        }
    }

    /// Wait until the main log contains `needle`; returns the whole log.
    pub fn wait_log(&self, needle: &str) -> String {
        wait_for_text(&self.log, needle)
    }

    /// Send `signal` to the daemon.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, signal).expect("signal supervisord");
    }

    /// Wait (bounded) for the daemon to exit; its exit code.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            if start.elapsed() > DEADLINE {
                panic!("supervisord did not exit; log:\n{}", read(&self.log));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.signal(nix::sys::signal::Signal::SIGTERM);
            let start = Instant::now();
            while let Ok(None) = self.child.try_wait() {
                if start.elapsed() > DEADLINE {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// A file's text, empty if it cannot be read.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Whether a process with this pid exists (a zombie counts until reaped).
pub fn alive(pid: i32) -> bool {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
}

/// `[supervisord]` writing its log and pidfile into `dir`, then `rest`.
pub fn config_text(dir: &Path, rest: &str) -> String {
    let d = dir.display();
    format!(
        "[supervisord]\nlogfile={d}/supervisord.log\npidfile={d}/supervisord.pid\n\
         childlogdir={d}\n{rest}"
    )
}
