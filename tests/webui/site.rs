//! A supervisord serving the web UI on a fresh TCP port (and a unix socket), and a
//! small HTTP/1.1 client: one connection per request, `Connection: close`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use crate::util::{Running, config_text, tempdir, wait_for};

/// Processes every test site runs: a sleeper, a process writing to both logs, a
/// two-process group that is not autostarted.
pub const PROGRAMS: &str = "\
[program:sleeper]
command=sleep 1000
startsecs=0

[program:talker]
command=sh -c 'echo out-line; echo \"err <b>line</b>\" >&2; exec sleep 1000'
startsecs=0
stdout_logfile=%(here)s/talker.out
stderr_logfile=%(here)s/talker.err

[group:web]
programs=w1,w2

[program:w1]
command=sleep 1000
startsecs=0
autostart=false

[program:w2]
command=sleep 1000
startsecs=0
autostart=false
";

/// One answer.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `Location` of a 303, as sent.
    pub fn location(&self) -> String {
        assert_eq!(self.status, 303, "{self:?}");
        self.header("location").unwrap_or_default().to_owned()
    }
}

/// A running daemon with the web UI.
pub struct Site {
    _dir: tempfile::TempDir,
    pub dir: PathBuf,
    pub port: u16,
    /// `user:password` when the servers ask for them.
    pub auth: Option<&'static str>,
    _daemon: Running,
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

impl Site {
    /// Start a daemon running `programs`.
    pub fn start(programs: &str) -> Site {
        Site::start_with(programs, None)
    }

    /// Start a daemon; with `auth` (`user:password`) both servers ask for it.
    pub fn start_with(programs: &str, auth: Option<&'static str>) -> Site {
        let dir = tempdir();
        let path = dir.path().to_path_buf();
        let port = free_port();
        let credentials = auth
            .and_then(|a| a.split_once(':'))
            .map(|(u, p)| format!("username={u}\npassword={p}\n"))
            .unwrap_or_default();
        let text = config_text(
            &path,
            &format!(
                "identifier=webui-test\n\
                 [inet_http_server]\nport=127.0.0.1:{port}\n{credentials}\n\
                 [unix_http_server]\nfile={}/s.sock\n{credentials}\n\
                 [rpcinterface:supervisor]\n\
                 supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
                 {programs}",
                path.display()
            ),
        );
        let conf = crate::util::write(&path, "supervisord.conf", &text);
        let daemon = Running::start(&path, &conf, &path.join("supervisord.log"), &[]);
        let site = Site {
            _dir: dir,
            dir: path,
            port,
            auth,
            _daemon: daemon,
        };
        wait_for("the web UI to answer", || {
            site.try_request("GET", "/ok.html", "", &[])
                .is_some_and(|r| r.status == 200)
        });
        site
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The unix socket path.
    pub fn socket(&self) -> PathBuf {
        self.dir.join("s.sock")
    }

    fn raw(&self, method: &str, path: &str, body: &str, headers: &[(&str, &str)]) -> String {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
            self.port
        );
        if let Some(auth) = self.auth {
            req.push_str(&format!(
                "Authorization: Basic {}\r\n",
                base64(auth.as_bytes())
            ));
        }
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        if method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        req.push_str(body);
        req
    }

    fn try_request(
        &self,
        method: &str,
        path: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Option<Response> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        exchange(&mut stream, &self.raw(method, path, body, headers))
    }

    /// One request; panics if the daemon does not answer.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Response {
        self.try_request(method, path, body, headers)
            .unwrap_or_else(|| panic!("no answer to {method} {path}"))
    }

    /// The same request over the unix socket.
    pub fn request_unix(&self, method: &str, path: &str) -> Response {
        let mut stream = UnixStream::connect(self.socket()).expect("connect unix socket");
        exchange(&mut stream, &self.raw(method, path, "", &[])).expect("answer on the unix socket")
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, "", &[])
    }

    /// The token in the status page's forms.
    pub fn token(&self) -> String {
        token_in(&self.get("/index.html").body)
    }

    /// POST `fields` (urlencoded, without the token) to `page` with this page's
    /// token, from this site (a browser's `Origin`).
    pub fn act(&self, page: &str, fields: &str) -> Response {
        let body = format!("token={}&{fields}", self.token());
        let origin = self.origin();
        self.request(
            "POST",
            page,
            &body,
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", &origin),
            ],
        )
    }

    /// Follow a 303: GET its (relative) location.
    pub fn follow(&self, response: &Response) -> Response {
        self.get(&format!("/{}", response.location()))
    }

    /// The state shown for `namespec` on the status page (`running`, `stopped`...).
    pub fn state(&self, namespec: &str) -> String {
        state_in(&self.get("/").body, namespec)
    }

    /// Wait until the status page shows `namespec` in `state`.
    pub fn wait_state(&self, namespec: &str, state: &str) {
        wait_for(&format!("{namespec} {state}"), || {
            self.state(namespec) == state
        });
    }

    /// The pid in `namespec`'s description (`pid 123, uptime ...`), if running.
    pub fn pid(&self, namespec: &str) -> Option<u32> {
        let page = self.get("/").body;
        let row = row_in(&page, namespec)?;
        let at = row.find("pid ")? + 4;
        row[at..].split(',').next()?.parse().ok()
    }

    /// A file in the site's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The main log.
    pub fn log(&self) -> String {
        crate::util::read(&self.dir.join("supervisord.log"))
    }
}

fn exchange(stream: &mut (impl Read + Write), request: &str) -> Option<Response> {
    stream.write_all(request.as_bytes()).ok()?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    Some(Response {
        status,
        headers,
        body: body.to_owned(),
    })
}

/// The token in a page's forms.
pub fn token_in(page: &str) -> String {
    let at = page
        .find("name=\"token\" value=\"")
        .expect("a token in the page")
        + 20;
    page[at..].split('"').next().unwrap_or_default().to_owned()
}

/// The table row of `namespec` in a status page.
pub fn row_in<'a>(page: &'a str, namespec: &str) -> Option<&'a str> {
    let needle = format!("\" target=\"_blank\">{namespec}</a>");
    let at = page.find(&needle)?;
    let start = page[..at].rfind("<tr")?;
    let end = at + page[at..].find("</tr>")?;
    Some(&page[start..end])
}

/// The state shown in `namespec`'s row.
pub fn state_in(page: &str, namespec: &str) -> String {
    let Some(row) = row_in(page, namespec) else {
        return String::new();
    };
    let Some(at) = row.find("<td class=\"status\"><span class=\"") else {
        return String::new();
    };
    let rest = &row[at + 26..];
    let start = rest.find("\">").map_or(0, |i| i + 2);
    rest[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Whether `path` exists and is empty.
pub fn empty(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == 0)
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
