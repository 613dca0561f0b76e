//! Which handler serves a request, checked in medusa's order (spec §3.1): XML-RPC
//! (`/RPC2` prefix), `/logtail` (prefix), `/mainlogtail` (prefix), `/ok.html`, then
//! everything else (web UI and static files: not served yet, 404).

use crate::call::Stream;
use crate::http::Request;

/// What to do with a request (after authentication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A `POST /RPC2` with a body: decode it with [`crate::parse_method_call`].
    Rpc,
    /// `GET /logtail/<namespec>[/<stdout|stderr>]`.
    LogTail {
        /// The namespec after `/logtail/`.
        namespec: String,
        /// The stream (`stdout` when not given).
        stream: Stream,
    },
    /// `GET /mainlogtail`.
    MainLogTail,
    /// `/ok.html`: `200 OK`, `text/plain`, body `OK`.
    Ok,
    /// Answer with this error status (400 wrong method, 404, 411 no Content-Length).
    Error(u16),
}

/// Route `request` as supervisord 4.3's handler stack does.
pub fn route(request: &Request) -> Route {
    let uri = request.uri.as_str();
    let get = request.method.eq_ignore_ascii_case("GET");
    if uri.starts_with("/RPC2") {
        if !request.method.eq_ignore_ascii_case("POST") {
            return Route::Error(400);
        }
        if request.content_length.is_none() {
            return Route::Error(411);
        }
        return Route::Rpc;
    }
    if uri.starts_with("/logtail") {
        if !get {
            return Route::Error(400);
        }
        return logtail(request.path());
    }
    if uri.starts_with("/mainlogtail") {
        return if get {
            Route::MainLogTail
        } else {
            Route::Error(400)
        };
    }
    if request.path().trim_start_matches('/') == "ok.html" {
        return Route::Ok;
    }
    Route::Error(404)
}

/// `logtail_handler.handle_request`'s path split: leading slashes stripped, then
/// `logtail/<namespec>[/<channel>]`. An unknown channel is 404 (4.3: no attribute).
fn logtail(path: &str) -> Route {
    let path = percent_decode(path);
    let path = path.trim_start_matches('/');
    let Some((_, rest)) = path.split_once('/') else {
        return Route::Error(404);
    };
    let (namespec, channel) = rest.split_once('/').unwrap_or((rest, "stdout"));
    let stream = match channel {
        "stdout" => Stream::Stdout,
        "stderr" => Stream::Stderr,
        _ => return Route::Error(404),
    };
    Route::LogTail {
        namespec: namespec.to_owned(),
        stream,
    }
}

/// `%XX` decoding (medusa's `unquote`); invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
