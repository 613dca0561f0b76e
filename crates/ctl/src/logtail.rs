//! Streaming `GET /logtail/<name>/<channel>` and `/mainlogtail` as 4.3's
//! `http_client.HTTPHandler` does (used by `tail -f`, `maintail -f` and `fg`): an incremental
//! response parser fed whatever the socket gives, the same request bytes, the same
//! `<url> <error>` lines on stderr, and each piece of body decoded on its own
//! (`Undecodable: b'...'` when it is not UTF-8).

use crate::http::{Stream, base64, connect};
use crate::pyerr::{os_error_class, os_error_text};
use crate::url::Endpoint;
use std::io::{Read, Write};

/// What the parser found in the bytes fed to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TailEvent {
    /// Body bytes to show (one `Listener.feed`).
    Data(Vec<u8>),
    /// A line for stderr after the URL (`Cannot read, status code 404`).
    Error(String),
    /// The response is complete or refused; the connection is closed.
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    StatusLine,
    Headers,
    /// Body with this many bytes left (`None`: until the server closes).
    Body(Option<usize>),
    ChunkSize,
    ChunkBody(usize),
    Trailer,
    Closed,
}

/// `HTTPHandler`'s state machine, without any IO.
#[derive(Debug)]
pub struct TailParser {
    part: Part,
    buf: Vec<u8>,
    chunked: bool,
    length: usize,
}

impl Default for TailParser {
    fn default() -> Self {
        Self::new()
    }
}

impl TailParser {
    /// A parser waiting for the status line.
    pub fn new() -> Self {
        TailParser {
            part: Part::StatusLine,
            buf: Vec::new(),
            chunked: false,
            length: 0,
        }
    }

    /// Whether the connection is finished.
    pub fn closed(&self) -> bool {
        self.part == Part::Closed
    }

    /// Feed received bytes; returns what they produced.
    pub fn feed(&mut self, data: &[u8]) -> Vec<TailEvent> {
        let mut events = Vec::new();
        self.buf.extend_from_slice(data);
        loop {
            match self.part {
                Part::Closed => {
                    self.buf.clear();
                    break;
                }
                Part::Body(None) => {
                    if !self.buf.is_empty() {
                        events.push(TailEvent::Data(std::mem::take(&mut self.buf)));
                    }
                    break;
                }
                Part::Body(Some(left)) => {
                    let n = left.min(self.buf.len());
                    if n > 0 {
                        events.push(TailEvent::Data(self.buf.drain(..n).collect()));
                    }
                    if n == left {
                        self.part = Part::Closed;
                        events.push(TailEvent::Closed);
                    } else {
                        self.part = Part::Body(Some(left - n));
                    }
                    if n == 0 || self.part == Part::Closed {
                        break;
                    }
                }
                Part::ChunkBody(size) => {
                    if self.buf.len() < size {
                        break;
                    }
                    let chunk: Vec<u8> = self.buf.drain(..size).collect();
                    self.part = Part::ChunkSize;
                    events.push(TailEvent::Data(chunk));
                }
                Part::StatusLine | Part::Headers | Part::ChunkSize | Part::Trailer => {
                    let Some(pos) = self.buf.windows(2).position(|w| w == b"\r\n") else {
                        if self.buf.len() > 65536 {
                            // never buffer an endless header line
                            events.push(TailEvent::Error(
                                "Cannot connect, error: <class 'ValueError'> (line too long)"
                                    .into(),
                            ));
                            self.part = Part::Closed;
                            events.push(TailEvent::Closed);
                        }
                        break;
                    };
                    let line: Vec<u8> = self.buf.drain(..pos + 2).take(pos).collect();
                    self.line(&line, &mut events);
                }
            }
        }
        events
    }

    /// The server closed the connection.
    pub fn eof(&mut self) -> Vec<TailEvent> {
        if self.part == Part::Closed {
            return Vec::new();
        }
        self.part = Part::Closed;
        vec![TailEvent::Closed]
    }

    fn line(&mut self, line: &[u8], events: &mut Vec<TailEvent>) {
        match self.part {
            Part::StatusLine => match status_line(line) {
                Ok(200) => self.part = Part::Headers,
                Ok(code) => {
                    events.push(TailEvent::Error(format!("Cannot read, status code {code}")));
                    self.part = Part::Closed;
                    events.push(TailEvent::Closed);
                }
                Err(why) => {
                    events.push(TailEvent::Error(format!(
                        "Cannot connect, error: <class 'ValueError'> ({why})"
                    )));
                    self.part = Part::Closed;
                    events.push(TailEvent::Closed);
                }
            },
            Part::Headers => {
                if line.is_empty() {
                    self.part = if self.chunked {
                        Part::ChunkSize
                    } else if self.length == 0 {
                        Part::Body(None)
                    } else {
                        Part::Body(Some(self.length))
                    };
                    return;
                }
                let text = String::from_utf8_lossy(line);
                if let Some((name, value)) = text.split_once(':') {
                    let (name, value) = (name.to_ascii_lowercase(), value.trim());
                    if name == "transfer-encoding" {
                        self.chunked = value == "chunked";
                    } else if name == "content-length" {
                        self.length = value.parse().unwrap_or(0);
                    }
                }
            }
            Part::ChunkSize => {
                if line.is_empty() {
                    return;
                }
                let text = String::from_utf8_lossy(line);
                let size = text
                    .split_whitespace()
                    .next()
                    .and_then(|s| usize::from_str_radix(s, 16).ok());
                match size {
                    Some(0) => self.part = Part::Trailer,
                    Some(n) => self.part = Part::ChunkBody(n),
                    None => {
                        events.push(TailEvent::Error(format!(
                            "Cannot connect, error: <class 'ValueError'> (invalid literal for \
                             int() with base 16: {})",
                            crate::text::repr(&text)
                        )));
                        self.part = Part::Closed;
                        events.push(TailEvent::Closed);
                    }
                }
            }
            Part::Trailer => {
                // 4.3 waits for a line equal to CRLF, which its terminator never yields:
                // the connection ends when the server closes it.
            }
            Part::Body(_) | Part::ChunkBody(_) | Part::Closed => {}
        }
    }
}

/// `HTTPHandler.status_line`: the status code, or the text of the `ValueError` 4.3 raises
/// (`version, status, reason = line.split(None, 2)`, `int(status)`, the `HTTP/` check).
fn status_line(line: &[u8]) -> Result<i64, String> {
    let words: Vec<&[u8]> = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 3 {
        return Err(format!(
            "not enough values to unpack (expected 3, got {})",
            words.len()
        ));
    }
    let bytes_repr = supervisor_core::pyrepr::repr_bytes_literal;
    let status = std::str::from_utf8(words[1])
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| {
            format!(
                "invalid literal for int() with base 10: {}",
                bytes_repr(words[1])
            )
        })?;
    if !words[0].starts_with(b"HTTP/") {
        return Err(bytes_repr(line));
    }
    Ok(status)
}

/// `Listener.feed`: the text, or `Undecodable: b'...'`.
pub fn feed_text(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(s) => s.to_string(),
        Err(_) => format!(
            "Undecodable: {}",
            supervisor_core::pyrepr::repr_bytes_literal(data)
        ),
    }
}

/// One streaming connection.
pub struct TailConn {
    /// `serverurl + path`, the prefix of error lines.
    pub url: String,
    stream: Option<Stream>,
    parser: TailParser,
}

impl TailConn {
    /// Connect and send the request. A failure to connect yields a closed connection whose
    /// error line has already been written to stderr.
    pub fn open(
        serverurl: &str,
        path: &str,
        username: Option<&str>,
        password: Option<&str>,
    ) -> Self {
        let url = format!("{serverurl}{path}");
        let mut conn = TailConn {
            url: url.clone(),
            stream: None,
            parser: TailParser::new(),
        };
        let (endpoint, host) = if let Some(rest) = serverurl.strip_prefix("unix://") {
            (Ok(Endpoint::Unix(rest.to_string())), String::new())
        } else {
            let netloc = url
                .strip_prefix("http://")
                .and_then(|r| r.split('/').next())
                .unwrap_or("")
                .to_string();
            (Endpoint::parse(serverurl), netloc)
        };
        let stream = match endpoint {
            Ok(ep) => connect(&ep),
            Err(e) => {
                conn.error(&format!(
                    "Cannot connect, error: <class 'ValueError'> ({e})"
                ));
                conn.parser.part = Part::Closed;
                return conn;
            }
        };
        let mut stream = match stream {
            Ok(s) => s,
            Err(e) => {
                let text = match &e {
                    crate::http::HttpError::Io(io) => match io.raw_os_error() {
                        Some(errno) => format!(
                            "<class '{}'> ({})",
                            os_error_class(errno),
                            os_error_text(errno)
                        ),
                        None => format!("<class 'OSError'> ({io})"),
                    },
                    other => format!("<class 'OSError'> ({other})"),
                };
                conn.error(&format!("Cannot connect, error: {text}"));
                conn.parser.part = Part::Closed;
                return conn;
            }
        };
        let mut request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: chunked\r\nAccept: */*\r\n\
             User-agent: Supervisor HTTP Client\r\n"
        );
        if let Some(pw) = password.filter(|p| !p.is_empty()) {
            let user = username.unwrap_or("None");
            request.push_str(&format!(
                "Authorization: Basic {}\r\n",
                base64(format!("{user}:{pw}").as_bytes())
            ));
        }
        request.push_str("\r\n\r\n");
        if stream.write_all(request.as_bytes()).is_err() {
            conn.parser.part = Part::Closed;
            return conn;
        }
        conn.stream = Some(stream);
        conn
    }

    fn error(&self, msg: &str) {
        let mut err = std::io::stderr();
        let _ = writeln!(err, "{} {msg}", self.url);
        let _ = err.flush();
    }

    /// The socket to poll, while the connection is open.
    pub fn stream(&self) -> Option<&Stream> {
        self.stream.as_ref().filter(|_| !self.parser.closed())
    }

    /// Read what is available (call when the socket is readable); body text goes to `out`.
    pub fn pump(&mut self, out: &mut dyn Write) {
        let Some(stream) = self.stream.as_mut() else {
            return;
        };
        let mut buf = [0u8; 16384];
        let read = match stream {
            Stream::Tcp(s) => s.read(&mut buf),
            Stream::Unix(s) => s.read(&mut buf),
        };
        let events = match read {
            Ok(0) => self.parser.eof(),
            Ok(n) => self.parser.feed(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return,
            Err(_) => self.parser.eof(),
        };
        for ev in events {
            match ev {
                TailEvent::Data(d) => {
                    let _ = out.write_all(feed_text(&d).as_bytes());
                    let _ = out.flush();
                }
                TailEvent::Error(msg) => self.error(&msg),
                TailEvent::Closed => self.stream = None,
            }
        }
    }

    /// Whether the connection is finished.
    pub fn closed(&self) -> bool {
        self.stream.is_none() || self.parser.closed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(p: &mut TailParser, bytes: &[u8], step: usize) -> Vec<TailEvent> {
        bytes.chunks(step).flat_map(|c| p.feed(c)).collect()
    }

    #[test]
    fn chunked_body_in_any_split() {
        let resp =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\n3\r\nabc\r\n";
        for step in 1..resp.len() {
            let mut p = TailParser::new();
            let data: Vec<u8> = all(&mut p, resp, step)
                .into_iter()
                .flat_map(|e| match e {
                    TailEvent::Data(d) => d,
                    _ => Vec::new(),
                })
                .collect();
            assert_eq!(data, b"hello\nabc", "step {step}");
        }
    }

    #[test]
    fn refused_status() {
        let mut p = TailParser::new();
        let ev = p.feed(b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc");
        assert_eq!(
            ev,
            vec![
                TailEvent::Error("Cannot read, status code 404".into()),
                TailEvent::Closed
            ]
        );
        assert!(p.closed());
    }

    #[test]
    fn length_body_and_garbage() {
        let mut p = TailParser::new();
        let ev = p.feed(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nabcd");
        assert_eq!(ev, vec![TailEvent::Data(b"ab".to_vec()), TailEvent::Closed]);
        let mut p = TailParser::new();
        assert!(matches!(p.feed(b"\xff\xfe\r\n")[0], TailEvent::Error(_)));
        for (line, why) in [
            (
                &b"HTTP/1.1 200\r\n"[..],
                "not enough values to unpack (expected 3, got 2)",
            ),
            (
                b"HTTP/1.1 abc OK\r\n",
                "invalid literal for int() with base 10: b'abc'",
            ),
            (b"FTP 200 OK\r\n", "b'FTP 200 OK'"),
        ] {
            let mut p = TailParser::new();
            assert_eq!(
                p.feed(line)[0],
                TailEvent::Error(format!(
                    "Cannot connect, error: <class 'ValueError'> ({why})"
                ))
            );
        }
        assert_eq!(feed_text(b"a\x88"), "Undecodable: b'a\\x88'");
    }
}
