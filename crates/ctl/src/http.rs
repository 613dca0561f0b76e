//! A small blocking HTTP/1.1 client over TCP or a unix socket: one request per connection
//! (4.3 keeps one connection per proxy; nothing observable depends on it). Every wait polls
//! the Ctrl-C self-pipe too ([`crate::interrupt`]).

use crate::interrupt::{self, Wait};
use crate::url::Endpoint;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;

/// A connected socket.
#[derive(Debug)]
pub enum Stream {
    /// `http://`
    Tcp(TcpStream),
    /// `unix://`
    Unix(UnixStream),
}

/// Why a request produced no response.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// `getaddrinfo` failed for the host (Python: `socket.gaierror`).
    #[error("name resolution failed for {0}")]
    Resolve(String),
    /// A socket error (connect, send or receive); the errno decides the message.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Ctrl-C while waiting.
    #[error("interrupted")]
    Interrupted,
    /// The server closed the connection before a status line (Python:
    /// `http.client.RemoteDisconnected`).
    #[error("Remote end closed connection without response")]
    Disconnected,
    /// Not HTTP (Python: `http.client.BadStatusLine` and friends).
    #[error("{0}")]
    Malformed(String),
}

impl AsFd for Stream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Stream::Tcp(s) => s.as_fd(),
            Stream::Unix(s) => s.as_fd(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match interrupt::wait_readable(self.as_fd(), None) {
            Wait::Interrupted => return Err(io::Error::other(Interrupted)),
            Wait::Ready | Wait::TimedOut => {}
        }
        loop {
            let r = match self {
                Stream::Tcp(s) => s.read(buf),
                Stream::Unix(s) => s.read(buf),
            };
            match r {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Marker inside an `io::Error` for a Ctrl-C seen while reading.
#[derive(Debug)]
struct Interrupted;
impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}
impl std::error::Error for Interrupted {}

fn classify(e: io::Error) -> HttpError {
    if e.get_ref().is_some_and(|inner| inner.is::<Interrupted>()) {
        HttpError::Interrupted
    } else {
        HttpError::Io(e)
    }
}

/// Connect to the endpoint.
pub fn connect(endpoint: &Endpoint) -> Result<Stream, HttpError> {
    match endpoint {
        Endpoint::Tcp { host, port } => {
            let addrs: Vec<_> = (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(|_| HttpError::Resolve(host.clone()))?
                .collect();
            let mut last = io::Error::from(io::ErrorKind::AddrNotAvailable);
            for addr in addrs {
                match TcpStream::connect(addr) {
                    Ok(s) => return Ok(Stream::Tcp(s)),
                    Err(e) => last = e,
                }
            }
            Err(HttpError::Io(last))
        }
        Endpoint::Unix(path) => Ok(Stream::Unix(UnixStream::connect(path)?)),
    }
}

/// Longest status line, header or chunk-size line accepted (`http.client._MAXLINE`).
const MAX_LINE: usize = 65536;

/// A parsed status line and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub reason: String,
    /// Headers, names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Buffered reader of a response.
pub struct Reader {
    stream: Stream,
    buf: Vec<u8>,
    eof: bool,
}

impl Reader {
    /// Wrap a connected stream.
    pub fn new(stream: Stream) -> Self {
        Reader {
            stream,
            buf: Vec::new(),
            eof: false,
        }
    }

    /// Read more bytes into the buffer; false at EOF.
    fn fill(&mut self) -> Result<bool, HttpError> {
        if self.eof {
            return Ok(false);
        }
        let mut chunk = [0u8; 16384];
        let n = self.stream.read(&mut chunk).map_err(classify)?;
        if n == 0 {
            self.eof = true;
            return Ok(false);
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(true)
    }

    /// One line without its CRLF (or LF); None at EOF before any byte.
    pub fn line(&mut self) -> Result<Option<Vec<u8>>, HttpError> {
        loop {
            if let Some(pos) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=pos).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Some(line));
            }
            if self.buf.len() > MAX_LINE {
                // http.client's LineTooLong
                return Err(HttpError::Malformed(format!(
                    "got more than {MAX_LINE} bytes"
                )));
            }
            if !self.fill()? {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(std::mem::take(&mut self.buf)));
            }
        }
    }

    /// Up to `max` bytes as they arrive (at least one unless EOF).
    pub fn some(&mut self, max: usize) -> Result<Vec<u8>, HttpError> {
        if self.buf.is_empty() {
            self.fill()?;
        }
        let n = max.min(self.buf.len());
        Ok(self.buf.drain(..n).collect())
    }

    /// The status line and headers.
    pub fn head(&mut self) -> Result<Head, HttpError> {
        let line = self.line()?.ok_or(HttpError::Disconnected)?;
        let line = String::from_utf8_lossy(&line).into_owned();
        let mut parts = line.splitn(3, ' ');
        let version = parts.next().unwrap_or("");
        let status = parts.next().unwrap_or("");
        let reason = parts.next().unwrap_or("").trim().to_string();
        if !version.starts_with("HTTP/") {
            return Err(HttpError::Malformed(line));
        }
        let status = status
            .parse::<u16>()
            .map_err(|_| HttpError::Malformed(line.clone()))?;
        let mut headers = Vec::new();
        while let Some(h) = self.line()? {
            if h.is_empty() {
                break;
            }
            let h = String::from_utf8_lossy(&h);
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        Ok(Head {
            status,
            reason,
            headers,
        })
    }

    /// The whole body: chunked, `Content-Length`, or up to EOF.
    pub fn body(&mut self, head: &Head) -> Result<Vec<u8>, HttpError> {
        let mut body = Vec::new();
        if head
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
        {
            while let Some(chunk) = self.chunk()? {
                body.extend_from_slice(&chunk);
            }
        } else if let Some(len) = head.header("content-length") {
            let len: usize = len
                .parse()
                .map_err(|_| HttpError::Malformed(format!("Content-Length: {len}")))?;
            while body.len() < len {
                let part = self.some(len - body.len())?;
                if part.is_empty() {
                    return Err(HttpError::Malformed("IncompleteRead".into()));
                }
                body.extend_from_slice(&part);
            }
        } else {
            loop {
                let part = self.some(usize::MAX)?;
                if part.is_empty() {
                    break;
                }
                body.extend_from_slice(&part);
            }
        }
        Ok(body)
    }

    /// The next chunk of a chunked body; None after the last (zero-size) chunk or at EOF.
    pub fn chunk(&mut self) -> Result<Option<Vec<u8>>, HttpError> {
        // stray blank lines between chunks are skipped
        let line = loop {
            match self.line()? {
                None => return Ok(None),
                Some(line) if line.iter().all(u8::is_ascii_whitespace) => continue,
                Some(line) => break line,
            }
        };
        let text = String::from_utf8_lossy(&line);
        let size_text = text.split([';', ' ']).next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| HttpError::Malformed(format!("chunk size {size_text:?}")))?;
        if size == 0 {
            return Ok(None);
        }
        let mut data = Vec::with_capacity(size.min(1 << 20));
        while data.len() < size {
            let part = self.some(size - data.len())?;
            if part.is_empty() {
                return Ok(Some(data));
            }
            data.extend_from_slice(&part);
        }
        // the CRLF after the data
        let _ = self.line()?;
        Ok(Some(data))
    }
}

/// Send `request` (already formatted) on a new connection and return the reader positioned
/// at the response.
pub fn send(endpoint: &Endpoint, request: &[u8]) -> Result<Reader, HttpError> {
    let mut stream = connect(endpoint)?;
    stream.write_all(request)?;
    Ok(Reader::new(stream))
}

/// Standard base64 (for Basic auth) without line breaks.
pub fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_like_python() {
        assert_eq!(base64(b"user:123"), "dXNlcjoxMjM=");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn parses_chunked_and_length_bodies() {
        let (a, mut b) = UnixStream::pair().expect("pair");
        b.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\n3\r\nabc\r\n0\r\n\r\n")
            .expect("write");
        drop(b);
        let mut r = Reader::new(Stream::Unix(a));
        let head = r.head().expect("head");
        assert_eq!((head.status, head.reason.as_str()), (200, "OK"));
        assert_eq!(r.body(&head).expect("body"), b"hello\nabc");

        let (a, mut b) = UnixStream::pair().expect("pair");
        b.write_all(b"HTTP/1.0 401 Unauthorized\r\nContent-Length: 3\r\n\r\nabcdef")
            .expect("write");
        drop(b);
        let mut r = Reader::new(Stream::Unix(a));
        let head = r.head().expect("head");
        assert_eq!((head.status, head.reason.as_str()), (401, "Unauthorized"));
        assert_eq!(r.body(&head).expect("body"), b"abc");
    }

    #[test]
    fn endless_line_is_an_error() {
        let (a, b) = UnixStream::pair().expect("pair");
        std::thread::spawn(move || {
            let mut b = b;
            let junk = [b'x'; 4096];
            while b.write_all(&junk).is_ok() {}
        });
        let mut r = Reader::new(Stream::Unix(a));
        assert!(matches!(r.head(), Err(HttpError::Malformed(_))));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [
            &b""[..],
            b"garbage\r\n\r\n",
            b"HTTP/1.1 abc\r\n",
            b"\xff\xfe",
        ] {
            let (a, mut b) = UnixStream::pair().expect("pair");
            b.write_all(bytes).expect("write");
            drop(b);
            let mut r = Reader::new(Stream::Unix(a));
            assert!(r.head().is_err());
        }
    }
}
