//! Shared helpers of the HTTP tests: a daemon with a unix and a TCP server (its
//! config written to disk so `reloadConfig` can re-read it), and a raw HTTP client
//! that reads responses by their framing (Content-Length or chunked), with a
//! deadline on every read.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use supervisor_core::Signal;
use supervisor_io::{Daemon, DaemonError, DaemonOptions, Handle, MainLog, Outcome};

use crate::daemon_harness::{DEADLINE, open_log};
pub use crate::http_client::{Client, rpc_request, s};

/// A daemon serving `<dir>/sock` and `127.0.0.1:<port>`.
pub struct Served {
    pub handle: Handle,
    pub dir: tempfile::TempDir,
    pub port: u16,
    thread: Option<JoinHandle<Result<(Outcome, MainLog), DaemonError>>>,
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// The config text: main log at info in `<dir>/main.log`, both servers (`auth` lines
/// go into the inet section), `[rpcinterface:supervisor]` unless `no_rpc`, then
/// `programs` (`{dir}` stands for the temp dir).
pub fn config_text(dir: &Path, port: u16, inet_auth: &str, rpc: bool, programs: &str) -> String {
    let d = dir.display();
    let rpc = if rpc {
        "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
    } else {
        ""
    };
    format!(
        "[supervisord]\nlogfile={d}/main.log\nchildlogdir={d}\nidentifier=httptest\n\
         [unix_http_server]\nfile={d}/sock\n\
         [inet_http_server]\nport=127.0.0.1:{port}\n{inet_auth}\n{rpc}{}",
        programs.replace("{dir}", &d.to_string())
    )
}

/// Start a daemon with both servers and the supervisor interface.
pub fn serve(programs: &str) -> Served {
    serve_with("", true, programs)
}

/// [`serve`] with auth lines for the inet server and the interface on or off.
pub fn serve_with(inet_auth: &str, rpc: bool, programs: &str) -> Served {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let file = dir.path().join("supervisord.conf");
    std::fs::write(
        &file,
        config_text(dir.path(), port, inet_auth, rpc, programs),
    )
    .expect("write conf");
    let (daemon, handle) = build(&file).expect("daemon builds");
    let thread = std::thread::spawn(move || daemon.run());
    Served {
        handle,
        dir,
        port,
        thread: Some(thread),
    }
}

/// Load `file` and build its daemon.
pub fn build(file: &Path) -> Result<(Daemon, Handle), DaemonError> {
    let ctx = config::LoadContext::from_system();
    let config = match config::load(file, &ctx) {
        Ok(loaded) => loaded.config,
        Err(e) => panic!("config does not load: {e}"),
    };
    let log = open_log(&config);
    let options = DaemonOptions {
        install_signal_handlers: false,
    };
    Daemon::new(config, log, options).map(|(d, h)| (d.with_config_file(file), h))
}

impl Served {
    /// A path in the temp dir.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A client on the unix socket.
    pub fn unix(&self) -> Client {
        crate::http_client::unix(&self.path("sock"))
    }

    /// A client on the TCP port.
    pub fn tcp(&self) -> Client {
        crate::http_client::tcp(self.port)
    }

    /// The main log's text so far.
    pub fn main_log(&self) -> String {
        std::fs::read_to_string(self.path("main.log")).unwrap_or_default()
    }

    /// Wait until the main log contains `needle`.
    pub fn wait_log(&self, needle: &str) -> String {
        wait_for(&format!("{needle:?} in the main log"), || {
            let text = self.main_log();
            text.contains(needle).then_some(text)
        })
    }

    /// Wait for `run` to return.
    pub fn join(&mut self) -> Outcome {
        let thread = self.thread.take().expect("not joined yet");
        match thread.join() {
            Ok(Ok((outcome, _log))) => outcome,
            Ok(Err(e)) => panic!("daemon failed: {e}"),
            Err(_) => panic!("daemon thread panicked"),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = self.handle.signal(Signal::TERM);
            let _ = thread.join();
        }
    }
}

/// Poll `f` until it returns `Some`, or panic after the deadline.
pub fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
