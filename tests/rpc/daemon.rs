//! Both daemons on one generated config: each in its own temp dir, serving a unix socket and
//! an inet port at once. A [`Daemon`] kills its process group and its children when dropped,
//! so a failing test leaves nothing running.

use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

/// How long a daemon may take to answer, or a script to finish.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// Which supervisord serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impl {
    /// Python's supervisord 4.3.0 from `target/py`.
    Python,
    /// Ours (`CARGO_BIN_EXE_supervisord`).
    Ours,
}

impl Impl {
    /// The implementation compared with Python: ours, unless `RSUPERVISOR_RPC_SELFCHECK=1`
    /// asks for Python against itself (to prove the normalisation leaves no noise).
    pub fn other() -> Impl {
        if std::env::var("RSUPERVISOR_RPC_SELFCHECK").as_deref() == Ok("1") {
            Impl::Python
        } else {
            Impl::Ours
        }
    }

    /// A short name for messages and file names.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Python => "python",
            Impl::Ours => "ours",
        }
    }
}

/// `target/py`, the venv made by `.ci/pyenv.sh`; `None` (test skipped) when it is missing,
/// unless `CI=true`, where a missing venv fails the test loudly.
pub fn pyenv() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py");
    if venv.join("bin/supervisord").exists() && venv.join("bin/python").exists() {
        return Some(venv);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{} is missing: run `bash .ci/pyenv.sh` (Python supervisor 4.3.0 is needed to \
             compare against)",
            venv.display()
        );
    }
    eprintln!("skipped: {} is missing (bash .ci/pyenv.sh)", venv.display());
    None
}

/// The directory of the helper scripts.
pub fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rpc")
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

/// Where one daemon lives.
#[derive(Debug, Clone)]
pub struct Site {
    /// Its temp dir (config, logs, socket, program scripts).
    pub dir: PathBuf,
    /// The config file.
    pub conf: PathBuf,
    /// The unix socket.
    pub sock: PathBuf,
    /// The inet port on 127.0.0.1.
    pub port: u16,
}

impl Site {
    /// A site in `dir` with a fresh port; `config` receives the dir and the port and returns
    /// the config text, written to `dir/supervisord.conf`.
    pub fn new(dir: &Path, config: impl Fn(&Path, u16) -> String) -> Site {
        let port = free_port();
        let conf = dir.join("supervisord.conf");
        std::fs::write(&conf, config(dir, port)).expect("write config");
        Site {
            dir: dir.to_path_buf(),
            conf,
            sock: dir.join("supervisor.sock"),
            port,
        }
    }
}

/// A running supervisord; dropping it stops it and everything it started.
#[derive(Debug)]
pub struct Daemon {
    /// Which implementation.
    pub which: Impl,
    /// Where it lives.
    pub site: Site,
    child: Child,
}

impl Daemon {
    /// Start `which` in the foreground on `site`'s config, in its own process group, and wait
    /// (bounded) until both its unix socket and its inet port accept connections.
    pub fn start(which: Impl, venv: &Path, site: &Site) -> Daemon {
        let mut cmd = match which {
            Impl::Python => Command::new(venv.join("bin/supervisord")),
            Impl::Ours => {
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_supervisord"));
                cmd.arg0("supervisord");
                cmd
            }
        };
        cmd.arg("-n")
            .arg("-c")
            .arg(&site.conf)
            .current_dir(&site.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(
                std::fs::File::create(site.dir.join("stdout.txt")).expect("stdout file"),
            ))
            .stderr(Stdio::from(
                std::fs::File::create(site.dir.join("stderr.txt")).expect("stderr file"),
            ))
            .process_group(0);
        let child = cmd.spawn().expect("spawn supervisord");
        let mut daemon = Daemon {
            which,
            site: site.clone(),
            child,
        };
        daemon.wait_ready();
        daemon
    }

    /// The daemon's pid.
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    fn wait_ready(&mut self) {
        let start = Instant::now();
        loop {
            let unix = UnixStream::connect(&self.site.sock).is_ok();
            let inet = TcpStream::connect(("127.0.0.1", self.site.port)).is_ok();
            if unix && inet {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} supervisord exited ({status}) before serving; stderr:\n{}\nlog:\n{}",
                    self.which.name(),
                    read(&self.site.dir.join("stderr.txt")),
                    read(&self.site.dir.join("supervisord.log")),
                );
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "{} supervisord serves no socket after {DEADLINE:?} (unix {unix}, inet \
                     {inet}); log:\n{}",
                    self.which.name(),
                    read(&self.site.dir.join("supervisord.log")),
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait (bounded) for the daemon to exit by itself; its exit code.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if start.elapsed() > DEADLINE {
                panic!("{} supervisord did not exit", self.which.name());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Pids whose parent is `ppid`, from /proc.
fn children_of(ppid: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let stat = read(Path::new(&format!("/proc/{pid}/stat")));
            // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<i32>().ok())
                == Some(ppid)
        })
        .collect()
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let pid = self.pid();
        let children = children_of(pid);
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        let start = Instant::now();
        while let Ok(None) = self.child.try_wait() {
            if start.elapsed() > Duration::from_secs(15) {
                let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
                let _ = self.child.wait();
                // children run in their own process groups (supervisord setpgrp()s them):
                // a daemon that had to be killed left them behind
                for child in children {
                    let _ = killpg(Pid::from_raw(child), Signal::SIGKILL);
                    let _ = kill(Pid::from_raw(child), Signal::SIGKILL);
                }
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A file's text, empty if it cannot be read.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A temp dir for one daemon of one test.
pub fn tempdir(which: Impl) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("rsv-rpc-{}-", which.name()))
        .tempdir()
        .expect("tempdir")
}
