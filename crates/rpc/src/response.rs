//! Responses as medusa writes them: `HTTP/<version> <code> <reason>`, `Server:
//! Medusa/1.12`, `Date:`, the handler's headers, CRLF; error pages with medusa's
//! exact HTML; chunked framing for endless bodies (`/logtail`).

use std::time::{SystemTime, UNIX_EPOCH};
use supervisor_core::calendar::civil_time;

use crate::http::Version;

/// The reason phrase medusa uses for a status code.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        303 => "See Other",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Request Entity Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        _ => "Unknown",
    }
}

/// An HTTP date (`Sat, 28 Nov 2026 14:10:46 GMT`) for `t`.
pub fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let t = civil_time(i64::try_from(secs).unwrap_or(i64::MAX), 0);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        t.weekday,
        t.day,
        t.month_name(),
        t.year,
        t.hour,
        t.minute,
        t.second
    )
}

/// A response head: status line, `Server`, `Date`, then `headers` in order.
pub fn head(version: Version, status: u16, headers: &[(&str, String)], now: SystemTime) -> Vec<u8> {
    let mut out = format!(
        "HTTP/{} {status} {}\r\nServer: Medusa/1.12\r\nDate: {}\r\n",
        version.as_str(),
        reason(status),
        http_date(now)
    );
    for (name, value) in headers {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// A complete response with a `Content-Length` body. `close` adds `Connection:
/// close`; `keep_alive_10` adds HTTP/1.0's `Connection: Keep-Alive`.
pub fn complete(
    version: Version,
    status: u16,
    content_type: &str,
    body: &[u8],
    connection: Connection,
    now: SystemTime,
) -> Vec<u8> {
    let mut headers = vec![
        ("Content-Type", content_type.to_owned()),
        ("Content-Length", body.len().to_string()),
    ];
    match connection {
        Connection::Close => headers.push(("Connection", "close".into())),
        Connection::KeepAlive10 => headers.push(("Connection", "Keep-Alive".into())),
        Connection::Default => {}
    }
    let mut out = head(version, status, &headers, now);
    out.extend_from_slice(body);
    out
}

/// What a response says about the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Nothing (HTTP/1.1 keep-alive).
    Default,
    /// `Connection: close`.
    Close,
    /// `Connection: Keep-Alive` (an HTTP/1.0 client that asked for it).
    KeepAlive10,
}

/// medusa's error page for `status`, with `extra` headers before its own
/// (`Connection: close` and `WWW-Authenticate` for 401).
pub fn error(version: Version, status: u16, extra: &[(&str, String)], now: SystemTime) -> Vec<u8> {
    let body = format!(
        "<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code {status}.\r\n<p>Message: {}.\r\n</body>\r\n",
        reason(status)
    );
    let mut headers: Vec<(&str, String)> = extra.to_vec();
    headers.push(("Content-Length", body.len().to_string()));
    headers.push(("Content-Type", "text/html".into()));
    let mut out = head(version, status, &headers, now);
    out.extend_from_slice(body.as_bytes());
    out
}

/// The 401 answer of medusa's `auth_handler` (the connection closes after it).
pub fn unauthorized(version: Version, now: SystemTime) -> Vec<u8> {
    error(
        version,
        401,
        &[
            ("Connection", "close".into()),
            ("WWW-Authenticate", "Basic realm=\"default\"".into()),
        ],
        now,
    )
}

/// One chunk of a chunked body (`<hex len>\r\n<data>\r\n`); empty data is the end.
pub fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn dates() {
        assert_eq!(http_date(at(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
        // date -u -d @1795874446
        assert_eq!(
            http_date(at(1_795_874_446)),
            "Sat, 28 Nov 2026 14:00:46 GMT"
        );
        assert_eq!(http_date(at(951_782_400)), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn unauthorized_matches_medusa() {
        // Captured from supervisord 4.3.0 (inet server with a password, no credentials).
        let expected = "HTTP/1.1 401 Unauthorized\r\nServer: Medusa/1.12\r\nDate: Sat, 28 Nov 2026 14:00:46 GMT\r\nConnection: close\r\nWWW-Authenticate: Basic realm=\"default\"\r\nContent-Length: 137\r\nContent-Type: text/html\r\n\r\n<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code 401.\r\n<p>Message: Unauthorized.\r\n</body>\r\n";
        assert_eq!(
            String::from_utf8_lossy(&unauthorized(Version::Http11, at(1_795_874_446))),
            expected
        );
    }

    #[test]
    fn length_required_matches_medusa() {
        let expected = "HTTP/1.0 411 Length Required\r\nServer: Medusa/1.12\r\nDate: Sat, 28 Nov 2026 14:00:46 GMT\r\nContent-Length: 140\r\nContent-Type: text/html\r\n\r\n<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code 411.\r\n<p>Message: Length Required.\r\n</body>\r\n";
        assert_eq!(
            String::from_utf8_lossy(&error(Version::Http10, 411, &[], at(1_795_874_446))),
            expected
        );
    }

    #[test]
    fn chunks() {
        assert_eq!(chunk(b"hi\n"), b"3\r\nhi\n\r\n");
        assert_eq!(chunk(b""), b"0\r\n\r\n");
    }
}
