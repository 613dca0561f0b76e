//! Shared helpers of the HTTP tests: a daemon with a unix and a TCP server (its
//! config written to disk so `reloadConfig` can re-read it), and a raw HTTP client
//! that reads responses by their framing (Content-Length or chunked), with a
//! deadline on every read.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use supervisor_core::Signal;
use supervisor_io::{Daemon, DaemonError, DaemonOptions, Handle, MainLog, Outcome};

use crate::daemon_harness::{DEADLINE, open_log};

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
        Client::new(Box::new(
            UnixStream::connect(self.path("sock")).expect("connect unix"),
        ))
    }

    /// A client on the TCP port.
    pub fn tcp(&self) -> Client {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect tcp");
        Client::new(Box::new(s))
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

/// Something to talk HTTP over.
pub trait Conn: Read + Write + Send {
    /// Set the read timeout.
    fn timeout(&self, d: Option<Duration>);
}
impl Conn for UnixStream {
    fn timeout(&self, d: Option<Duration>) {
        let _ = self.set_read_timeout(d);
    }
}
impl Conn for TcpStream {
    fn timeout(&self, d: Option<Duration>) {
        let _ = self.set_read_timeout(d);
    }
}

/// A parsed response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// A raw HTTP client.
pub struct Client {
    conn: Box<dyn Conn>,
    buf: Vec<u8>,
}

impl Client {
    fn new(conn: Box<dyn Conn>) -> Client {
        conn.timeout(Some(DEADLINE));
        Client {
            conn,
            buf: Vec::new(),
        }
    }

    /// Send raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.conn.write_all(bytes).expect("send");
    }

    /// Read more bytes; false at EOF.
    fn fill(&mut self) -> bool {
        let mut b = [0u8; 65536];
        match self.conn.read(&mut b) {
            Ok(0) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&b[..n]);
                true
            }
            Err(e) => panic!("read failed (deadline?): {e}"),
        }
    }

    /// Whether the server closed the connection (after everything was read).
    pub fn closed(&mut self) -> bool {
        self.buf.is_empty() && !self.fill()
    }

    /// Read one response head and its Content-Length body (not chunked bodies).
    pub fn response(&mut self) -> Response {
        let end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            assert!(
                self.fill(),
                "EOF before a response head: {:?}",
                String::from_utf8_lossy(&self.buf)
            );
        };
        let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
        self.buf.drain(..end);
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        let mut r = Response {
            status,
            head,
            body: Vec::new(),
        };
        if let Some(len) = r
            .header("content-length")
            .and_then(|l| l.parse::<usize>().ok())
        {
            while self.buf.len() < len {
                assert!(self.fill(), "EOF in a body");
            }
            r.body = self.buf.drain(..len).collect();
        }
        r
    }

    /// Read the next chunk of a chunked body (its data).
    pub fn chunk(&mut self) -> Vec<u8> {
        let line_end = loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                break i;
            }
            assert!(self.fill(), "EOF before a chunk");
        };
        let size = usize::from_str_radix(&String::from_utf8_lossy(&self.buf[..line_end]), 16)
            .expect("chunk size");
        self.buf.drain(..line_end + 2);
        while self.buf.len() < size + 2 {
            assert!(self.fill(), "EOF in a chunk");
        }
        let data: Vec<u8> = self.buf.drain(..size).collect();
        self.buf.drain(..2);
        data
    }

    /// POST an XML-RPC call and return the response.
    pub fn call(&mut self, method: &str, params: &[&str]) -> Response {
        self.send(&rpc_request(method, params, ""));
        self.response()
    }

    /// [`Client::call`], returning the body text (asserting HTTP 200).
    pub fn call_text(&mut self, method: &str, params: &[&str]) -> String {
        let r = self.call(method, params);
        assert_eq!(r.status, 200, "{method}: {}", r.head);
        r.text()
    }
}

/// A `POST /RPC2` request; `params` are XML fragments (`<string>x</string>`),
/// `extra_headers` end with CRLF.
pub fn rpc_request(method: &str, params: &[&str], extra_headers: &str) -> Vec<u8> {
    let params: String = params
        .iter()
        .map(|p| format!("<param><value>{p}</value></param>"))
        .collect();
    let body = format!(
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n<params>{params}</params>\n</methodCall>\n"
    );
    format!(
        "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n{extra_headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// `<string>s</string>`.
pub fn s(v: &str) -> String {
    format!("<string>{v}</string>")
}
