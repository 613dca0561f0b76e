//! See `tests/hardening.rs`. One test per rule of the security model (README,
//! "Security"), each against the real `supervisord` binary:
//!
//! - the unix socket is the access control: mode 0700 by default whatever the umask,
//!   `chmod=` and `chown=` honoured, checked by connecting as `nobody`;
//! - authentication on every path of both servers, nothing leaked to a refused client;
//! - method names restricted as 4.3's CVE-2017-11610 fix (answers pinned from 4.3.0);
//! - request size limits, and a refused or slow client never stops the others.
//!
//! The constant-time comparison is a unit test in `crates/rpc/src/auth.rs`: a test
//! cannot time it honestly.
//!
//! Submodules: `socket` (modes and owners), `auth` (credentials on every path, the open
//! server, cross-site posts), `methods` (CVE-2017-11610), `limits` (request sizes).

mod auth;
mod limits;
mod methods;
mod socket;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use crate::hardening::client::{self, s};
use crate::hardening::support::{unix_server, wait_accepting};
use crate::util::{DEADLINE, Running, config_text, wait_for, write};

/// A port that was free a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

/// Where a daemon listens.
#[derive(Debug, Clone)]
enum Target {
    Unix(PathBuf),
    Tcp(u16),
}

impl Target {
    /// The unix socket's path (the first target of [`daemon_with_auth`]).
    fn unix_path(&self) -> &Path {
        match self {
            Target::Unix(path) => path,
            Target::Tcp(_) => unreachable!("the first target is the unix socket"),
        }
    }
}

/// `getProcessInfo` of [`SECRET_PROGRAM`] on `sock` with `auth`: RUNNING (the requests
/// refused before stopped nothing).
fn assert_secret_program_running(sock: &Path, auth: &str) {
    let mut c = client::unix(sock);
    c.send(&client::rpc_request(
        "supervisor.getProcessInfo",
        &[&s(SECRET_PROGRAM)],
        auth,
    ));
    let info = c.response().text();
    assert!(
        info.contains("<name>statename</name>\n<value><string>RUNNING</string>"),
        "{info}"
    );
}

/// `supervisor.getPID` on `c` answers `daemon`'s pid.
fn assert_get_pid(c: &mut client::Client, daemon: &Running) {
    let pid = c.call_text("supervisor.getPID", &[]);
    assert!(
        pid.contains(&format!("<int>{}</int>", daemon.child.id())),
        "{pid}"
    );
}

/// A raw connection whose writes may fail (the daemon may answer and close before a
/// big request is sent) and whose reads have a deadline.
enum Raw {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Raw {
    fn open(target: &Target) -> Raw {
        let raw = match target {
            Target::Unix(p) => Raw::Unix(UnixStream::connect(p).expect("connect unix")),
            Target::Tcp(port) => {
                Raw::Tcp(TcpStream::connect(("127.0.0.1", *port)).expect("connect tcp"))
            }
        };
        let timeout = Some(DEADLINE);
        match &raw {
            Raw::Unix(s) => s.set_read_timeout(timeout).expect("timeout"),
            Raw::Tcp(s) => s.set_read_timeout(timeout).expect("timeout"),
        }
        raw
    }

    /// Send what the daemon takes; false once it refused more (closed).
    fn send(&mut self, bytes: &[u8]) -> bool {
        match self {
            Raw::Unix(s) => s.write_all(bytes).is_ok(),
            Raw::Tcp(s) => s.write_all(bytes).is_ok(),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Raw::Unix(s) => s.read(buf),
            Raw::Tcp(s) => s.read(buf),
        }
    }

    /// Read until the daemon closes the connection (panics at the deadline: a refused
    /// client must be disconnected). A reset after the answer counts as the close.
    fn read_to_close(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            match self.read(&mut buf) {
                Ok(0) => return out,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return out,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => panic!(
                    "no close from the daemon ({e}); read so far: {:?}",
                    String::from_utf8_lossy(&out)
                ),
            }
        }
    }

    /// Read until a whole response head arrived (for streams that never end).
    fn read_head(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while !out.windows(4).any(|w| w == b"\r\n\r\n") {
            match self.read(&mut buf) {
                Ok(0) => panic!("EOF before a head: {:?}", String::from_utf8_lossy(&out)),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => panic!("no head ({e}): {:?}", String::from_utf8_lossy(&out)),
            }
        }
        out
    }
}

/// The status code of a raw response.
fn status_of(response: &[u8]) -> u16 {
    let text = String::from_utf8_lossy(response);
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

/// The text of a raw response, asserted to be a 200.
fn answer_200(response: &[u8]) -> String {
    let text = String::from_utf8_lossy(response).into_owned();
    assert_eq!(status_of(response), 200, "{text}");
    text
}

/// `Authorization: Basic base64(user:password)`.
fn basic(user_password: &str) -> String {
    format!(
        "Authorization: Basic {}\r\n",
        rpc::auth::base64_encode(user_password.as_bytes())
    )
}

/// A minimal `supervisor.getPID` call with `headers` (each ending in CRLF).
fn rpc_call(method: &str, headers: &str) -> Vec<u8> {
    client::rpc_request(method, &[], headers)
}

/// A secret only the program's log and the daemon's pages hold.
const SECRET_PROGRAM: &str = "secretprogram";
const SECRET_LINE: &str = "s3cr3t-log-line";
const USER: &str = "admin";
const PASSWORD: &str = "pa:ss word";

/// One daemon with a password on both servers: the unix server's in cleartext, the
/// inet server's as `{SHA}` (the same password).
fn daemon_with_auth(dir: &Path) -> (Running, Target, Target) {
    let sock = dir.join("supervisor.sock");
    let port = free_port();
    let sha = rpc::auth::sha1_hex(PASSWORD.as_bytes());
    let conf = write(
        dir,
        "supervisord.conf",
        &config_text(
            dir,
            &format!(
                "{}[inet_http_server]\nport=127.0.0.1:{port}\nusername={USER}\npassword={{SHA}}{sha}\n\
                 [program:{SECRET_PROGRAM}]\ncommand=sh -c 'echo {SECRET_LINE}; echo {SECRET_LINE} >&2; exec sleep 1000'\n\
                 startsecs=0\n",
                unix_server(&sock, &format!("username={USER}\npassword={PASSWORD}\n"))
            ),
        ),
    );
    let daemon = Running::start(dir, &conf, &dir.join("supervisord.log"), &[]);
    daemon.wait_log(&format!("success: {SECRET_PROGRAM} entered RUNNING state"));
    let stdout_log = || {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(&format!("{SECRET_PROGRAM}-stdout"))
                    && crate::util::read(&e.path()).contains(SECRET_LINE)
            })
    };
    wait_for("the program's line in its stdout log", stdout_log);
    (daemon, Target::Unix(sock), Target::Tcp(port))
}

/// A daemon whose unix server has no `username=`: 4.3 serves it without
/// authentication (and logs CRIT); so do we.
fn open_daemon(dir: &Path, programs: &str) -> (Running, PathBuf) {
    let sock = dir.join("supervisor.sock");
    let conf = write(
        dir,
        "supervisord.conf",
        &config_text(dir, &format!("{}{programs}", unix_server(&sock, ""))),
    );
    let daemon = Running::start(dir, &conf, &dir.join("supervisord.log"), &[]);
    daemon.wait_log("supervisord started with pid");
    wait_accepting(&sock);
    (daemon, sock)
}
