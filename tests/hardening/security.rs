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

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::hardening::client::{self, s};
use crate::hardening::support::{rss_kib, unix_server, wait_accepting};
use crate::util::{BIN, DEADLINE, Running, config_text, tempdir, wait_for, write};

const CTL: &str = env!("CARGO_BIN_EXE_supervisorctl");

/// A port that was free a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

/// Start `supervisord -n -c conf` under `umask 000`, the most permissive umask: every
/// mode checked below must then come from the daemon, not from the umask.
fn start_umask_000(dir: &Path, conf: &Path) -> Running {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg("umask 000; exec \"$0\" -n -c \"$1\"")
        .arg(BIN)
        .arg(conf)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Running::spawn(&mut cmd, &dir.join("supervisord.log"))
}

/// `stat`: permission bits, uid, gid.
fn mode_owner(path: &Path) -> (u32, u32, u32) {
    let m = std::fs::metadata(path).unwrap_or_else(|e| panic!("stat {}: {e}", path.display()));
    (m.permissions().mode() & 0o7777, m.uid(), m.gid())
}

/// `ctl -s unix://<sock> pid` run as `uid:gid` (std drops supplementary groups when
/// root sets a uid): stdout and stderr together, and whether it printed a pid.
fn ctl_pid_as(ctl: &Path, sock: &Path, uid: u32, gid: u32) -> (String, bool) {
    let out = Command::new(ctl)
        .arg("-s")
        .arg(format!("unix://{}", sock.display()))
        .arg("pid")
        .uid(uid)
        .gid(gid)
        .stdin(Stdio::null())
        .output()
        .expect("run supervisorctl");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let pid = text.trim().parse::<u32>().is_ok();
    (text, pid)
}

/// A `supervisorctl` that `uid:gid` can run: the built one, or a copy in `dir` when
/// the build directory is closed to that user (a checkout under `/root`).
fn ctl_runnable_by(uid: u32, gid: u32, dir: &Path) -> PathBuf {
    let runs = Command::new(CTL)
        .arg("-h")
        .uid(uid)
        .gid(gid)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if runs {
        return PathBuf::from(CTL);
    }
    let copy = dir.join("supervisorctl");
    std::fs::copy(CTL, &copy).expect("copy supervisorctl");
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    copy
}

/// `nobody` and `nogroup`, as ids.
fn nobody() -> Option<(u32, u32)> {
    let user = nix::unistd::User::from_name("nobody").ok().flatten()?;
    let group = nix::unistd::Group::from_name("nogroup").ok().flatten()?;
    Some((user.uid.as_raw(), group.gid.as_raw()))
}

/// The socket file is the unix server's access control: 0700 by default whatever the
/// umask (4.3's default), `chmod=` and `chown=` honoured; `nobody` cannot connect to
/// a 0700 root socket and can once the socket is its own or 0777. The main log and
/// pidfile follow the umask as 4.3's (0666 under `umask 000` in the foreground, 0644
/// under the 022 a daemonizing supervisord sets); AUTO child logs are 0600 always.
#[test]
fn unix_socket_mode_0700_by_default_chmod_and_chown_honoured() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: chown= and connecting as nobody need root (CI runs as root)");
        return;
    }
    let Some((nobody_uid, nogroup_gid)) = nobody() else {
        eprintln!("skipped: no nobody user or nogroup group on this machine");
        return;
    };
    // (config lines, expected mode, expected owner, whether nobody may connect)
    let cases: [(&str, u32, (u32, u32), bool); 4] = [
        ("", 0o700, (0, 0), false),
        ("chmod=0770\n", 0o770, (0, 0), false),
        ("chmod=0777\n", 0o777, (0, 0), true),
        (
            "chown=nobody:nogroup\n",
            0o700,
            (nobody_uid, nogroup_gid),
            true,
        ),
    ];
    let bin_dir = tempdir();
    std::fs::set_permissions(bin_dir.path(), std::fs::Permissions::from_mode(0o711))
        .expect("chmod temp dir");
    let ctl = ctl_runnable_by(nobody_uid, nogroup_gid, bin_dir.path());
    for (lines, mode, owner, nobody_may) in cases {
        let dir = tempdir();
        // nobody must be able to reach the socket through its directory.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711))
            .expect("chmod temp dir");
        let sock = dir.path().join("supervisor.sock");
        let conf = write(
            dir.path(),
            "supervisord.conf",
            &config_text(
                dir.path(),
                &format!(
                    "{}[program:cat]\ncommand=cat\nstartsecs=0\n",
                    unix_server(&sock, lines)
                ),
            ),
        );
        let daemon = start_umask_000(dir.path(), &conf);
        wait_accepting(&sock);
        daemon.wait_log("success: cat entered RUNNING state");
        assert_eq!(
            mode_owner(&sock),
            (mode, owner.0, owner.1),
            "socket mode and owner for {lines:?}"
        );
        let (text, connected) = ctl_pid_as(&ctl, &sock, nobody_uid, nogroup_gid);
        assert_eq!(
            connected, nobody_may,
            "nobody connecting to the socket for {lines:?}: {text}"
        );
        if !nobody_may {
            assert!(text.contains("Permission denied"), "{lines:?}: {text}");
        }
        let (text, connected) = ctl_pid_as(&ctl, &sock, 0, 0);
        assert!(connected, "root connecting for {lines:?}: {text}");
        if lines.is_empty() {
            // The temporary name the socket was bound under is gone.
            let names: Vec<PathBuf> = std::fs::read_dir(dir.path())
                .expect("read temp dir")
                .map(|e| e.expect("dir entry").path())
                .filter(|p| p.to_string_lossy().contains("supervisor.sock."))
                .collect();
            assert!(names.is_empty(), "{names:?}");
            // The files' modes, as 4.3.0 makes them under umask 000 with -n.
            assert_eq!(mode_owner(&dir.path().join("supervisord.log")).0, 0o666);
            assert_eq!(mode_owner(&dir.path().join("supervisord.pid")).0, 0o666);
            let autologs: Vec<(PathBuf, u32)> = std::fs::read_dir(dir.path())
                .expect("read temp dir")
                .map(|e| e.expect("dir entry").path())
                .filter(|p| p.to_string_lossy().contains("---supervisor-"))
                .map(|p| {
                    let m = mode_owner(&p).0;
                    (p, m)
                })
                .collect();
            assert_eq!(autologs.len(), 2, "{autologs:?}");
            assert!(autologs.iter().all(|(_, m)| *m == 0o600), "{autologs:?}");
        }
    }
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

/// Every path the servers answer, as raw requests; `{auth}` is where the
/// `Authorization` header goes. (what, request, what the right credentials get: the
/// status, and a text the answer then holds)
fn every_path() -> Vec<(&'static str, String, u16, &'static str)> {
    let get = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{{auth}}\r\n");
    let rpc = String::from_utf8(rpc_call("supervisor.getAllProcessInfo", "{auth}"))
        .expect("utf-8 request");
    vec![
        ("POST /RPC2", rpc, 200, SECRET_PROGRAM),
        (
            "logtail",
            get(&format!("/logtail/{SECRET_PROGRAM}")),
            200,
            SECRET_LINE,
        ),
        (
            "logtail stderr",
            get(&format!("/logtail/{SECRET_PROGRAM}/stderr")),
            200,
            SECRET_LINE,
        ),
        ("mainlogtail", get("/mainlogtail"), 200, SECRET_PROGRAM),
        ("status page", get("/"), 200, SECRET_PROGRAM),
        ("index.html", get("/index.html"), 200, SECRET_PROGRAM),
        (
            "tail page",
            get(&format!("/tail.html?processname={SECRET_PROGRAM}")),
            200,
            SECRET_LINE,
        ),
        ("stylesheet", get("/stylesheets/supervisor.css"), 200, "{"),
        ("image", get("/images/icon.png"), 200, "PNG"),
        ("ok.html", get("/ok.html"), 200, "OK"),
        ("unknown path", get("/nothing/here"), 404, "Error code 404"),
        (
            "HEAD",
            "HEAD /stylesheets/supervisor.css HTTP/1.1\r\nHost: localhost\r\n{auth}\r\n".into(),
            200,
            "text/css",
        ),
        (
            "PUT",
            "PUT /index.html HTTP/1.1\r\nHost: localhost\r\n{auth}Content-Length: 0\r\n\r\n".into(),
            400,
            "Error code 400",
        ),
        (
            // A state-changing form post without the page's token: refused even
            // with the password (the web UI's CSRF guard).
            "POST action",
            format!(
                "POST /index.html?processname={SECRET_PROGRAM}&action=stop HTTP/1.1\r\nHost: localhost\r\n{{auth}}Content-Length: 0\r\n\r\n"
            ),
            403,
            "token",
        ),
        (
            "DELETE",
            "DELETE /RPC2 HTTP/1.1\r\nHost: localhost\r\n{auth}\r\n".into(),
            400,
            "Error code 400",
        ),
        (
            "OPTIONS",
            "OPTIONS /RPC2 HTTP/1.1\r\nHost: localhost\r\n{auth}\r\n".into(),
            400,
            "Error code 400",
        ),
    ]
}

/// Authentication is checked before anything else on every path of both servers
/// (RPC, log tails, web UI pages, static files, unknown paths, every method): no,
/// wrong, or half-right credentials get medusa's 401 (a malformed Basic token its
/// 400) and the connection closes; the answer holds nothing of the daemon's (no
/// process name, no log line). The right credentials get through on both servers,
/// the inet one with a `{SHA}` password.
#[test]
fn auth_enforced_on_every_path_of_both_servers() {
    let dir = tempdir();
    let (daemon, unix, tcp) = daemon_with_auth(dir.path());
    let sha = rpc::auth::sha1_hex(PASSWORD.as_bytes());
    let refused: Vec<(&str, String, u16)> = vec![
        ("no credentials", String::new(), 401),
        ("wrong user", basic(&format!("root:{PASSWORD}")), 401),
        ("wrong password", basic(&format!("{USER}:pa:ss wor")), 401),
        (
            "password with a suffix",
            basic(&format!("{USER}:{PASSWORD}x")),
            401,
        ),
        ("empty password", basic(&format!("{USER}:")), 401),
        ("no colon", basic(&format!("{USER}{PASSWORD}")), 401),
        (
            "the {SHA} form as password",
            basic(&format!("{USER}:{{SHA}}{sha}")),
            401,
        ),
        ("the hash as password", basic(&format!("{USER}:{sha}")), 401),
        ("user case", basic(&format!("ADMIN:{PASSWORD}")), 401),
        (
            "another scheme",
            format!(
                "Authorization: Bearer {}\r\n",
                rpc::auth::base64_encode(format!("{USER}:{PASSWORD}").as_bytes())
            ),
            401,
        ),
        ("no token", "Authorization: Basic\r\n".into(), 401),
        (
            "malformed token",
            "Authorization: Basic !!!d\r\n".into(),
            400,
        ),
    ];
    for target in [&unix, &tcp] {
        for (path, request, _, _) in every_path() {
            for (what, auth, status) in &refused {
                let mut raw = Raw::open(target);
                raw.send(request.replace("{auth}", auth).as_bytes());
                // Closed after the answer, whatever the keep-alive rules.
                let answer = raw.read_to_close();
                let text = String::from_utf8_lossy(&answer);
                assert_eq!(
                    status_of(&answer),
                    *status,
                    "{target:?} {path}, {what}: {text}"
                );
                if *status == 401 {
                    assert!(
                        text.contains("WWW-Authenticate: Basic realm=\"default\""),
                        "{target:?} {path}, {what}: {text}"
                    );
                }
                for secret in [SECRET_PROGRAM, SECRET_LINE, "methodResponse", "<html"] {
                    assert!(
                        !text.contains(secret),
                        "{target:?} {path}, {what}: leaked {secret:?}: {text}"
                    );
                }
            }
        }
    }
    let good = basic(&format!("{USER}:{PASSWORD}"));
    for target in [&unix, &tcp] {
        for (path, request, status, holds) in every_path() {
            let mut raw = Raw::open(target);
            let auth = format!("{good}Connection: close\r\n");
            raw.send(request.replace("{auth}", &auth).as_bytes());
            let mut answer = raw.read_head();
            assert_eq!(
                status_of(&answer),
                status,
                "{target:?} {path}: {}",
                String::from_utf8_lossy(&answer)
            );
            // Read on until the expected text arrived (log streams never end).
            let mut buf = [0u8; 65536];
            while !String::from_utf8_lossy(&answer).contains(holds) {
                match raw.read(&mut buf) {
                    Ok(0) | Err(_) => panic!(
                        "{target:?} {path}: no {holds:?} in {}",
                        String::from_utf8_lossy(&answer)
                    ),
                    Ok(n) => answer.extend_from_slice(&buf[..n]),
                }
            }
        }
    }
    // The refused form posts (and the tokenless one with the password) stopped nothing.
    assert_secret_program_running(unix.unix_path(), &good);
    drop(daemon);
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

/// A server without `username=` is open, as in 4.3: the socket's mode is then the
/// only access control, and the daemon says so at CRIT.
#[test]
fn server_without_username_is_open_as_4_3() {
    let dir = tempdir();
    let (daemon, sock) = open_daemon(dir.path(), "");
    let log = daemon.wait_log("running without any HTTP authentication checking");
    assert!(
        log.contains(
            "CRIT Server 'unix_http_server' running without any HTTP authentication checking"
        ),
        "{log}"
    );
    let mut c = client::unix(&sock);
    assert_get_pid(&mut c, &daemon);
    // Any credentials are ignored rather than refused.
    c.send(&client::rpc_request(
        "supervisor.getPID",
        &[],
        &basic("who:ever"),
    ));
    assert_eq!(c.response().status, 200);
}

/// The method names 4.3.0 answers with Fault 1 `UNKNOWN_METHOD` since its
/// CVE-2017-11610 fix (attribute traversal from a namespace object to
/// `supervisord.options.execve` and the like), recorded from Python supervisor
/// 4.3.0 with `xmlrpc.client`: every one of them is 1 UNKNOWN_METHOD there.
const CVE_2017_11610_NAMES: &[&str] = &[
    "supervisor.supervisord.options.execve",
    "supervisor.supervisord.options.warnings.linecache.os.system",
    "supervisor.supervisord",
    "supervisor.supervisord.options",
    "supervisor._rpc",
    "supervisor._update",
    "supervisor.__init__",
    "supervisor.__class__",
    "supervisor.__dict__",
    "supervisor.getState.__call__",
    "supervisor.getState.__func__",
    "supervisor.getPID.__class__",
    "supervisor.getPID.im_func",
    "supervisor.readLog.__globals__",
    "supervisor._readProcessLog",
    "supervisor._interpretProcessInfo",
    "supervisor.getSupervisorVersion.x",
    "supervisor.getState.getState",
    "system.multicall.__call__",
    "system.multicall.im_self",
    "system._listMethods",
    "system.namespaces",
    "system.__init__",
    "__init__",
    "__class__",
    "__dict__",
    "_rpc",
    "getPID",
    "multicall",
    "supervisor",
    "system",
    "supervisor.",
    ".supervisor.getPID",
    "supervisor..getPID",
    "supervisor.getPID.",
    "supervisor.getPID ",
    "supervisor/getPID",
    "supervisor.getpid",
    "SUPERVISOR.getPID",
    "nope.getPID",
];

fn is_unknown_method(body: &str) -> bool {
    body.contains("<fault>")
        && body.contains("<name>faultCode</name>\n<value><int>1</int></value>")
        && body.contains("<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string></value>")
}

/// A `system.multicall` parameter: `(methodName, params XML)` pairs.
fn multicall_param(calls: &[(&str, &str)]) -> String {
    let items: String = calls
        .iter()
        .map(|(name, params)| {
            format!(
                "<value><struct><member><name>methodName</name><value><string>{name}</string></value></member>\
                 <member><name>params</name><value><array><data>{params}</data></array></value></member></struct></value>"
            )
        })
        .collect();
    format!("<array><data>{items}</data></array>")
}

/// Method names are looked up in a fixed table, never by attribute traversal:
/// every name of 4.3.0's CVE-2017-11610 answers is Fault 1 `UNKNOWN_METHOD`, also
/// inside `system.multicall`, the exploit's `execve` runs nothing, and the daemon
/// keeps serving.
#[test]
fn method_names_restricted_as_the_cve_2017_11610_fix() {
    let dir = tempdir();
    let (daemon, sock) = open_daemon(dir.path(), "");
    let marker = dir.path().join("pwned");
    let mut c = client::unix(&sock);
    for name in CVE_2017_11610_NAMES {
        let body = c.call_text(name, &[]);
        assert!(is_unknown_method(&body), "{name:?}: {body}");
    }
    // The exploit as published: execve through the options object, with arguments.
    let argv = format!(
        "<array><data><value><string>sh</string></value><value><string>-c</string></value>\
         <value><string>touch {}</string></value></data></array>",
        marker.display()
    );
    let body = c.call_text(
        "supervisor.supervisord.options.execve",
        &[&s("/bin/sh"), &argv, "<struct></struct>"],
    );
    assert!(is_unknown_method(&body), "{body}");
    // The same names carried by system.multicall: fault structs, as 4.3.0's
    // [{1 UNKNOWN_METHOD} x3, {2 INCORRECT_PARAMETERS: Recursive system.multicall
    // forbidden}, <pid>].
    let exec_params = format!(
        "<value><string>/bin/sh</string></value><value>{argv}</value><value><struct></struct></value>"
    );
    let body = c.call_text(
        "system.multicall",
        &[&multicall_param(&[
            ("supervisor.supervisord.options.execve", &exec_params),
            ("supervisor.getState.__call__", ""),
            ("supervisor._rpc", ""),
            (
                "system.multicall",
                "<value><array><data></data></array></value>",
            ),
            ("supervisor.getPID", ""),
        ])],
    );
    assert_eq!(
        body.matches("<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string>")
            .count(),
        3,
        "{body}"
    );
    assert!(
        body.contains(
            "<string>INCORRECT_PARAMETERS: Recursive system.multicall forbidden</string>"
        ),
        "{body}"
    );
    assert!(
        body.contains(&format!("<value><int>{}</int></value>", daemon.child.id())),
        "{body}"
    );
    assert!(!marker.exists(), "execve ran: {} exists", marker.display());
    // A name with a NUL is not XML: 4.3.0 (expat) answers HTTP 400; our XML reader
    // (crates/rpc/src/xml.rs) takes it and answers UNKNOWN_METHOD. Either way the
    // name is not cut at the NUL into `supervisor.getPID`.
    let mut raw = Raw::open(&Target::Unix(sock.clone()));
    let body = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getPID\0</methodName>\n<params></params>\n</methodCall>\n";
    raw.send(
        format!(
            "POST /RPC2 HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    let answer = raw.read_to_close();
    let text = String::from_utf8_lossy(&answer);
    assert!(
        status_of(&answer) == 400 || is_unknown_method(&text),
        "{text}"
    );
    assert_get_pid(&mut client::unix(&sock), &daemon);
}

/// Send `request` on a fresh connection to `target`; the status the daemon answered
/// before closing the connection.
fn refused_with(target: &Target, request: &[u8]) -> u16 {
    let mut raw = Raw::open(target);
    raw.send(request);
    let answer = raw.read_to_close();
    status_of(&answer)
}

/// Request size limits (`rpc::Limits`: 64 KiB of request line and headers, 4 MiB of
/// body) hold for every client, before authentication: over them is 413, a framing
/// the daemon does not take (chunked bodies, conflicting or negative lengths) 400,
/// and the connection closes. The body of a request with wrong credentials is
/// dropped as it arrives, never held. A client trickling its head byte by byte holds only its own
/// connection. After each, other clients are served.
#[test]
fn request_size_limits_answer_and_the_daemon_keeps_serving() {
    let dir = tempdir();
    let (daemon, unix, tcp) = daemon_with_auth(dir.path());
    let good = basic(&format!("{USER}:{PASSWORD}"));
    let sock = unix.unix_path();
    let serving = || {
        let mut c = client::unix(sock);
        c.send(&client::rpc_request("supervisor.getPID", &[], &good));
        let r = c.response();
        assert_eq!(r.status, 200, "{}", r.head);
        assert!(
            r.text()
                .contains(&format!("<int>{}</int>", daemon.child.id())),
            "{}",
            r.text()
        );
    };
    let big = "a".repeat(70 * 1024);
    let many: String = (0..20_000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let some: String = (0..1_000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let post = |headers: &str| {
        format!("POST /RPC2 HTTP/1.1\r\nHost: localhost\r\n{good}{headers}\r\n").into_bytes()
    };
    // (what, request, status)
    let mut cases: Vec<(String, Vec<u8>, u16)> = [
        (
            "a 70 KiB header",
            format!("GET / HTTP/1.1\r\n{good}X-Big: {big}\r\n\r\n"),
        ),
        (
            "a 70 KiB head that never ends",
            format!("GET / HTTP/1.1\r\n{good}X-Big: {big}"),
        ),
        (
            "20000 headers",
            format!("GET / HTTP/1.1\r\n{good}{many}\r\n"),
        ),
        (
            "a 70 KiB request line",
            format!("GET /{big} HTTP/1.1\r\n\r\n"),
        ),
    ]
    .into_iter()
    .map(|(what, head)| (what.to_owned(), head.into_bytes(), 413))
    .collect();
    for (what, length, status) in [
        ("of 1 TB", "1000000000000".to_owned(), 413),
        (
            "over 64 bits",
            "123456789012345678901234567890".to_owned(),
            413,
        ),
        ("one over 4 MiB", (4 * 1024 * 1024 + 1).to_string(), 413),
        ("negative", "-1".to_owned(), 400),
    ] {
        let request = post(&format!("Content-Length: {length}\r\n"));
        cases.push((format!("Content-Length {what}"), request, status));
    }
    let chunked = [
        post("Transfer-Encoding: chunked\r\n"),
        b"5\r\nhello\r\n0\r\n\r\n".to_vec(),
    ];
    cases.push(("a chunked body".to_owned(), chunked.concat(), 400));
    let two_lengths = post("Content-Length: 5\r\nContent-Length: 6\r\n");
    cases.push(("two different Content-Lengths".to_owned(), two_lengths, 400));
    for target in [&unix, &tcp] {
        for (what, request, status) in &cases {
            assert_eq!(refused_with(target, request), *status, "{target:?}: {what}");
            serving();
        }
    }
    // Bodies sent with no or wrong credentials are dropped as they arrive, never
    // kept: eight clients each send all but the last byte of a 4 MiB body (the
    // unix socket takes a write only once the daemon has read most of it), the
    // daemon's memory does not grow by their 32 MiB; the last byte brings each its
    // 401, after the whole body as 4.3 answers it.
    let body = vec![b' '; 4 * 1024 * 1024];
    let rss_before = rss_kib(daemon.child.id());
    let mut pending = Vec::new();
    for i in 0..8 {
        let auth = if i % 2 == 0 {
            String::new()
        } else {
            basic(&format!("{USER}:nope"))
        };
        let mut raw = Raw::open(&unix);
        let head = format!(
            "POST /RPC2 HTTP/1.1\r\n{auth}Content-Length: {}\r\n\r\n",
            body.len()
        );
        assert!(
            raw.send(head.as_bytes()) && raw.send(&body[1..]),
            "client {i}"
        );
        pending.push(raw);
    }
    let grown = rss_kib(daemon.child.id()).saturating_sub(rss_before);
    assert!(
        grown < 12 * 1024,
        "the daemon grew by {grown} KiB while refused bodies came in"
    );
    for mut raw in pending {
        assert!(raw.send(b" "));
        assert_eq!(status_of(&raw.read_to_close()), 401);
    }
    serving();
    // Many headers within 64 KiB are fine: the limit is on bytes, not on a count.
    let mut raw = Raw::open(&unix);
    raw.send(format!("GET /ok.html HTTP/1.1\r\n{good}{some}Connection: close\r\n\r\n").as_bytes());
    assert_eq!(status_of(&raw.read_to_close()), 200);
    // A slow client (one byte of its head at a time) holds only its own connection:
    // between its bytes every other client is answered, and once its head is
    // complete it is answered too. Nothing bounds how long it may take (as 4.3,
    // whose 30-minute zombie sweep only runs on every 500th connection).
    let head =
        format!("GET /ok.html HTTP/1.1\r\nHost: localhost\r\n{good}Connection: close\r\n\r\n");
    let mut slow = Raw::open(&tcp);
    for byte in head.as_bytes() {
        assert!(slow.send(&[*byte]), "the slow client was dropped");
        serving();
    }
    let answer = slow.read_to_close();
    assert_eq!(
        status_of(&answer),
        200,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(String::from_utf8_lossy(&answer).ends_with("OK"));
}

/// A web page can make a browser POST an XML-RPC body (a `text/plain` form or
/// no-cors fetch needs no preflight and carries the browser's Basic credentials):
/// a `/RPC2` POST whose `Origin` (or `Referer`) names another site is refused with
/// 403 and runs nothing (4.3 runs it). XML-RPC clients send neither header; a
/// same-site one passes.
#[test]
fn xml_rpc_posts_from_another_site_are_refused() {
    let dir = tempdir();
    let (daemon, unix, tcp) = daemon_with_auth(dir.path());
    let good = basic(&format!("{USER}:{PASSWORD}"));
    let stop = |target: &Target, headers: &str| {
        let mut raw = Raw::open(target);
        raw.send(&client::rpc_request(
            "supervisor.stopProcess",
            &[&s(SECRET_PROGRAM)],
            &format!("{good}{headers}Connection: close\r\n"),
        ));
        raw.read_to_close()
    };
    let Target::Tcp(port) = &tcp else {
        unreachable!("the second target is the inet server")
    };
    for target in [&unix, &tcp] {
        for headers in [
            "Origin: http://evil.example\r\n".to_owned(),
            "Origin: null\r\n".to_owned(),
            "Referer: http://evil.example/page.html\r\n".to_owned(),
            format!("Origin: http://127.0.0.1:{}\r\n", port + 1),
            // A form post's body type, which needs no CORS preflight.
            "Content-Type: text/plain\r\nOrigin: https://evil.example\r\n".to_owned(),
        ] {
            let answer = stop(target, &headers);
            let text = String::from_utf8_lossy(&answer);
            assert_eq!(status_of(&answer), 403, "{target:?} {headers:?}: {text}");
            assert!(!text.contains("methodResponse"), "{text}");
        }
    }
    daemon.wait_log("XML-RPC request refused for");
    assert_secret_program_running(unix.unix_path(), &good);
    // The same site (the Host the browser was pointed at; the client sends
    // `Host: localhost`) is let through.
    let answer = stop(&tcp, "Origin: http://localhost\r\n");
    assert_eq!(
        status_of(&answer),
        200,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(String::from_utf8_lossy(&answer).contains("<boolean>1</boolean>"));
}
