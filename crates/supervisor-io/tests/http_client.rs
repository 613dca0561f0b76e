//! A raw HTTP/XML-RPC client for tests: reads responses by their framing
//! (Content-Length or chunked), with a deadline on every read. Shared by path with the
//! root integration tests (`tests/hardening`), so it depends on nothing but std.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// How long one read may block before the test fails.
const READ_DEADLINE: Duration = Duration::from_secs(20);

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
    /// A client over `conn`.
    pub fn new(conn: Box<dyn Conn>) -> Client {
        conn.timeout(Some(READ_DEADLINE));
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

/// A client on a unix socket.
pub fn unix(path: &std::path::Path) -> Client {
    Client::new(Box::new(UnixStream::connect(path).expect("connect unix")))
}

/// A client on a TCP port of 127.0.0.1.
pub fn tcp(port: u16) -> Client {
    Client::new(Box::new(
        TcpStream::connect(("127.0.0.1", port)).expect("connect tcp"),
    ))
}
