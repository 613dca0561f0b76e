//! An incremental HTTP/1.x request parser: feed it bytes as they arrive (one at a
//! time, or several pipelined requests at once) and take complete requests out.
//!
//! It enforces hard limits (header block, body) so a client can never make the
//! daemon buffer without bound: over the limit is [`HttpError::TooLarge`] (413).
//! Anything it cannot parse is [`HttpError::BadRequest`] (400). After either error
//! the stream is out of sync: answer and close.

/// Size limits for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Request line plus headers, including the blank line.
    pub max_head: usize,
    /// `Content-Length` of a body.
    pub max_body: usize,
}

impl Default for Limits {
    /// 64 KiB of headers, 4 MiB of body (supervisorctl's largest request is a
    /// `sendProcessStdin`; medusa itself had no limit).
    fn default() -> Self {
        Limits {
            max_head: 64 * 1024,
            max_body: 4 * 1024 * 1024,
        }
    }
}

/// The protocol version of a request line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `HTTP/1.0`.
    Http10,
    /// `HTTP/1.1`.
    Http11,
}

impl Version {
    /// `1.0` / `1.1`, as in a status line.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "1.0",
            Version::Http11 => "1.1",
        }
    }
}

/// One complete request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, ... as sent (medusa compares case-insensitively).
    pub method: String,
    /// The request target (`/RPC2`, `/logtail/foo/stderr`).
    pub uri: String,
    /// The protocol version.
    pub version: Version,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// `Content-Length`, if the request had one.
    pub content_length: Option<usize>,
    /// The body (`content_length` bytes; empty without one).
    pub body: Vec<u8>,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the connection stays open after the response (medusa's rules): HTTP/1.1
    /// unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive` (the
    /// caller also needs a known response length).
    pub fn keep_alive(&self) -> bool {
        let connection = self.header("connection").map(str::to_ascii_lowercase);
        match self.version {
            Version::Http11 => connection.as_deref() != Some("close"),
            Version::Http10 => connection.as_deref() == Some("keep-alive"),
        }
    }

    /// The path part of the URI (before `?`).
    pub fn path(&self) -> &str {
        self.uri.split('?').next().unwrap_or("")
    }
}

/// A request that cannot be served; the connection must be answered and closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// Malformed request line or header, or an unsupported framing (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Header block or body over [`Limits`] (413).
    #[error("request too large")]
    TooLarge,
}

impl HttpError {
    /// The status code to answer with.
    pub fn status(&self) -> u16 {
        match self {
            HttpError::BadRequest(_) => 400,
            HttpError::TooLarge => 413,
        }
    }
}

/// The parser: a buffer and where the current request stands.
#[derive(Debug, Default)]
pub struct RequestParser {
    buf: Vec<u8>,
    limits: Limits,
    /// Parsed head waiting for its body.
    head: Option<Request>,
    /// Where to resume looking for the end of the head.
    scanned: usize,
    /// The pending head's body is being dropped, not kept: how many of its bytes
    /// went by so far.
    discarded: Option<usize>,
}

impl RequestParser {
    /// A parser with these limits.
    pub fn new(limits: Limits) -> Self {
        RequestParser {
            limits,
            ..Self::default()
        }
    }

    /// Append bytes read from the connection.
    pub fn feed(&mut self, bytes: &[u8]) {
        let skip = match self.discarded {
            Some(done) => (self.body_len() - done).min(bytes.len()),
            None => 0,
        };
        if let Some(done) = &mut self.discarded {
            *done += skip;
        }
        self.buf.extend_from_slice(&bytes[skip..]);
    }

    /// Bytes buffered and not yet part of a returned request.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The head of a request whose body is still arriving, so that a server can
    /// decide (authentication) before the body is in.
    pub fn pending_head(&self) -> Option<&Request> {
        self.head.as_ref()
    }

    /// Drop the pending head's body instead of keeping it: the request still comes
    /// out of [`RequestParser::next_request`] once all its bytes went by (so the
    /// answer comes when it would have), with an empty body. For a request that
    /// will be refused whatever its body (wrong credentials): the client cannot make
    /// the server hold it.
    pub fn discard_body(&mut self) {
        if self.head.is_none() || self.discarded.is_some() {
            return;
        }
        let skip = self.body_len().min(self.buf.len());
        self.buf.drain(..skip);
        self.discarded = Some(skip);
    }

    /// Whether the pending head's body is being dropped.
    pub fn discarding(&self) -> bool {
        self.discarded.is_some()
    }

    /// The pending head's `Content-Length` (0 without one or without a head).
    fn body_len(&self) -> usize {
        self.head
            .as_ref()
            .and_then(|h| h.content_length)
            .unwrap_or(0)
    }

    /// The next complete request, `Ok(None)` if more bytes are needed. Call in a loop
    /// to drain pipelined requests.
    pub fn next_request(&mut self) -> Result<Option<Request>, HttpError> {
        if self.head.is_none() {
            // Blank lines before a request line are tolerated (RFC 9112 §2.2).
            while self.buf.starts_with(b"\r\n") || self.buf.starts_with(b"\n") {
                let n = if self.buf[0] == b'\r' { 2 } else { 1 };
                self.buf.drain(..n);
            }
            let Some(end) = self.find_head_end() else {
                if self.buf.len() > self.limits.max_head {
                    return Err(HttpError::TooLarge);
                }
                return Ok(None);
            };
            if end > self.limits.max_head {
                return Err(HttpError::TooLarge);
            }
            let head: Vec<u8> = self.buf.drain(..end).collect();
            self.scanned = 0;
            let request = parse_head(&head)?;
            if request
                .content_length
                .is_some_and(|n| n > self.limits.max_body)
            {
                return Err(HttpError::TooLarge);
            }
            self.head = Some(request);
        }
        let need = self.body_len();
        if let Some(done) = self.discarded {
            if done < need {
                return Ok(None);
            }
            self.discarded = None;
            return Ok(self.head.take());
        }
        if self.buf.len() < need {
            return Ok(None);
        }
        let Some(mut request) = self.head.take() else {
            return Ok(None);
        };
        request.body = self.buf.drain(..need).collect();
        Ok(Some(request))
    }

    /// The index just past the blank line ending the head (CRLFCRLF or LFLF).
    fn find_head_end(&mut self) -> Option<usize> {
        let start = self.scanned.saturating_sub(3);
        let buf = &self.buf;
        for i in start..buf.len() {
            if buf[i] == b'\n' {
                if buf.get(i + 1) == Some(&b'\n') {
                    return Some(i + 2);
                }
                if buf.get(i + 1) == Some(&b'\r') && buf.get(i + 2) == Some(&b'\n') {
                    return Some(i + 3);
                }
            }
        }
        self.scanned = buf.len();
        None
    }
}

fn bad<T>(msg: impl Into<String>) -> Result<T, HttpError> {
    Err(HttpError::BadRequest(msg.into()))
}

fn parse_head(head: &[u8]) -> Result<Request, HttpError> {
    let Ok(text) = std::str::from_utf8(head) else {
        return bad("head is not UTF-8");
    };
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().unwrap_or("");
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, uri, version] = parts.as_slice() else {
        return bad(format!("bad request line {line:?}"));
    };
    let version = match *version {
        "HTTP/1.1" => Version::Http11,
        "HTTP/1.0" => Version::Http10,
        other => return bad(format!("unsupported version {other:?}")),
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return bad(format!("bad method {method:?}"));
    }
    if !uri.starts_with('/') || uri.bytes().any(|b| b.is_ascii_control()) {
        return bad(format!("bad uri {uri:?}"));
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            // Obsolete line folding: refused rather than guessed (RFC 9112 §5.2).
            return bad("folded header");
        }
        let Some((name, value)) = line.split_once(':') else {
            return bad(format!("bad header line {line:?}"));
        };
        if name.is_empty()
            || name
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return bad(format!("bad header name {name:?}"));
        }
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    let mut request = Request {
        method: (*method).to_owned(),
        uri: (*uri).to_owned(),
        version,
        headers,
        content_length: None,
        body: Vec::new(),
    };
    if request.header("transfer-encoding").is_some() {
        // medusa never supported chunked request bodies; no supervisor client sends one.
        return bad("Transfer-Encoding in a request");
    }
    let lengths: Vec<&str> = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.as_str())
        .collect();
    if let Some(first) = lengths.first() {
        if first.is_empty()
            || lengths.iter().any(|l| l != first)
            || !first.bytes().all(|b| b.is_ascii_digit())
        {
            return bad(format!("bad Content-Length {first:?}"));
        }
        match first.parse::<usize>() {
            Ok(n) => request.content_length = Some(n),
            Err(_) => return Err(HttpError::TooLarge),
        }
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_discarded_body_is_not_kept_and_the_request_still_comes_out() {
        let mut p = RequestParser::new(Limits::default());
        p.feed(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123");
        assert_eq!(p.next_request(), Ok(None));
        assert_eq!(p.pending_head().map(|h| h.uri.as_str()), Some("/RPC2"));
        p.discard_body();
        assert!(p.discarding());
        assert_eq!(p.buffered(), 0);
        p.feed(b"45");
        assert_eq!(p.buffered(), 0);
        assert_eq!(p.next_request(), Ok(None));
        // The body's last bytes, then a pipelined request.
        p.feed(b"6789GET / HTTP/1.1\r\n\r\n");
        assert_eq!(p.buffered(), "GET / HTTP/1.1\r\n\r\n".len());
        let refused = p
            .next_request()
            .ok()
            .flatten()
            .expect("the discarded request");
        assert_eq!((refused.content_length, refused.body.len()), (Some(10), 0));
        assert!(!p.discarding());
        let next = p
            .next_request()
            .ok()
            .flatten()
            .expect("the pipelined request");
        assert_eq!((next.method.as_str(), next.uri.as_str()), ("GET", "/"));
        assert_eq!(p.next_request(), Ok(None));
    }

    #[test]
    fn a_body_already_in_is_dropped_at_once() {
        let mut p = RequestParser::new(Limits::default());
        p.feed(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 3\r\n\r\n");
        assert_eq!(p.next_request(), Ok(None));
        p.feed(b"abcGET");
        p.discard_body();
        assert_eq!(p.buffered(), 3);
        let refused = p
            .next_request()
            .ok()
            .flatten()
            .expect("the discarded request");
        assert!(refused.body.is_empty());
        assert_eq!(p.next_request(), Ok(None));
        assert_eq!(p.buffered(), 3);
    }
}
