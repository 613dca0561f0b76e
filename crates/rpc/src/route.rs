//! Which handler serves a request, checked in medusa's order (spec §3.1): XML-RPC
//! (`/RPC2` prefix), `/logtail` (prefix), `/mainlogtail` (prefix), the web UI pages
//! (GET or POST of `/`, `/index.html`, `/tail.html`, `/ok.html`, the path matched
//! exactly after stripping leading slashes), then the static files (GET or HEAD,
//! anything else 400).

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
    /// A web UI page (GET or POST; the form is the query string plus the body).
    Page(Page),
    /// A GET or HEAD of anything else: a static file, or 404.
    Static {
        /// The path (before `?`), still %-encoded.
        path: String,
        /// HEAD: headers only.
        head: bool,
    },
    /// Answer with this error status (400 wrong method, 404, 411 no Content-Length).
    Error(u16),
}

/// The pages of the web UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/` or `/index.html`.
    Status,
    /// `/tail.html`.
    Tail,
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
    let post = request.method.eq_ignore_ascii_case("POST");
    // 4.3's deferring handler matches the %-decoded path (`/index%2Ehtml` is the page).
    let decoded = percent_decode(request.path());
    let page = decoded.trim_start_matches('/');
    if get || post {
        match page {
            "" | "index.html" => return Route::Page(Page::Status),
            "tail.html" => return Route::Page(Page::Tail),
            "ok.html" => return Route::Ok,
            _ => {}
        }
    }
    let head = request.method.eq_ignore_ascii_case("HEAD");
    if get || head {
        return Route::Static {
            path: request.path().to_owned(),
            head,
        };
    }
    Route::Error(400)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Version;

    fn req(method: &str, uri: &str) -> Request {
        Request {
            method: method.into(),
            uri: uri.into(),
            version: Version::Http11,
            headers: vec![],
            content_length: None,
            body: vec![],
        }
    }

    #[test]
    fn web_ui_routes_as_4_3() {
        assert_eq!(route(&req("GET", "/")), Route::Page(Page::Status));
        assert_eq!(
            route(&req("POST", "//index.html?x=1")),
            Route::Page(Page::Status)
        );
        assert_eq!(
            route(&req("get", "/tail.html?processname=a")),
            Route::Page(Page::Tail)
        );
        assert_eq!(route(&req("POST", "/ok.html")), Route::Ok);
        // Other methods fall through to the static handler: HEAD is looked up, the
        // rest is 400.
        assert_eq!(
            route(&req("HEAD", "/index.html")),
            Route::Static {
                path: "/index.html".into(),
                head: true
            }
        );
        assert_eq!(route(&req("PUT", "/index.html")), Route::Error(400));
        // 4.3.0 serves the pages under their %-encoded names too
        assert_eq!(
            route(&req("GET", "/index%2Ehtml")),
            Route::Page(Page::Status)
        );
        assert_eq!(
            route(&req("GET", "/tail%2ehtml?processname=x")),
            Route::Page(Page::Tail)
        );
        assert_eq!(route(&req("GET", "/ok%2Ehtml")), Route::Ok);
        assert_eq!(
            route(&req("GET", "/stylesheets/supervisor.css?v=1")),
            Route::Static {
                path: "/stylesheets/supervisor.css".into(),
                head: false
            }
        );
        assert_eq!(route(&req("POST", "/nothing")), Route::Error(400));
    }
}
