//! The web interface (spec §6, rendered by the pure `webui` crate): the status and
//! tail pages, their actions, and the static files. Pages are answered at once;
//! an action that waits for the core (start, stop, restart...) leaves the connection
//! [`Busy::Ui`] until its last step is answered, then redirects (`303`) to the page
//! with the message, as 4.3 does with `?message=`.
//!
//! State-changing actions need a POST carrying the daemon's token from the same
//! site (`webui::guard`); a GET of an action URL only shows a message.

use std::time::SystemTime;

use rpc::{Page, Request, Value, Version, response};
use supervisor_core::FaultCode;
use webui::{Action, Channel, DaemonInfo, Form, Frame, Target};

use super::conn::Conn;
use super::serve::connection;
use super::ui_job::{Back, UiJob};
use crate::clock::utc_offset;
use crate::daemon::Daemon;

/// Headers of every page: 4.3's no-cache set, plus what keeps other sites from
/// framing the pages (clickjacking the buttons) or loading anything foreign.
const PAGE_HEADERS: [(&str, &str); 8] = [
    ("Content-Type", "text/html;charset=utf-8"),
    ("Pragma", "no-cache"),
    ("Cache-Control", "no-cache"),
    ("Expires", "Thu, 01 Jan 1970 00:00:00 GMT"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
];

/// A fresh token for a daemon run: 128 bits from the kernel, as hex.
pub(super) fn new_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // No /dev/urandom (a chroot without /dev): std's per-process random hash keys.
        use std::hash::{BuildHasher, Hasher};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(i);
            h.write_u128(
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Daemon {
    /// A GET or POST of `/`, `/index.html` or `/tail.html`.
    pub(super) fn serve_page(&mut self, conn: &mut Conn, request: &Request, page: Page) {
        let query = request.uri.split_once('?').map_or("", |(_, q)| q);
        let form = match Form::parse(query, &request.body, request.header("content-type")) {
            Ok(form) => form,
            Err(e) => return self.refuse(conn, request, 400, "Bad request", &e.to_string()),
        };
        let action = match Action::from_form(&form) {
            Ok(action) => action,
            Err(e) => return self.refuse(conn, request, 400, "Bad request", &e.to_string()),
        };
        let default_refresh = match page {
            Page::Status => webui::STATUS_REFRESH,
            Page::Tail => webui::TAIL_REFRESH,
        };
        let refresh = webui::refresh_from(form.get("refresh"), default_refresh);
        let channel = match Channel::from_form(&form) {
            Ok(c) => c,
            Err(e) => return self.refuse(conn, request, 400, "Bad request", &e.to_string()),
        };
        let back = Back {
            page,
            namespec: form.non_empty("processname").map(str::to_owned),
            channel,
            limit: webui::limit_from(form.get("limit")),
            refresh: (refresh != default_refresh).then_some(refresh),
        };
        let Some(action) = action else {
            let message = form.get("message");
            let body = match page {
                Page::Status => self.render_status(refresh, message),
                Page::Tail => self.render_tail(&back, refresh, message),
            };
            return write_page(conn, request, 200, &body);
        };
        let post = request.method.eq_ignore_ascii_case("POST");
        if action.changes_state() && !post {
            let message = format!(
                "Nothing done: the {} action needs this page's button (a POST form); links cannot change anything",
                action.name()
            );
            let body = match page {
                Page::Status => self.render_status(refresh, Some(&message)),
                Page::Tail => self.render_tail(&back, refresh, Some(&message)),
            };
            return write_page(conn, request, 200, &body);
        }
        if action.changes_state() {
            let headers = webui::guard::Headers {
                host: request.header("host"),
                forwarded_host: request.header("x-forwarded-host"),
                origin: request.header("origin"),
                referer: request.header("referer"),
            };
            if let Err(refusal) =
                webui::guard::check_post(form.get("token"), &self.http.token, headers)
            {
                let text = refusal.to_string();
                self.log.log(
                    supervisor_core::LogLevel::Warn,
                    &format!(
                        "web interface: {} refused for {}: {text}",
                        action.name(),
                        conn.peer
                    ),
                );
                return self.refuse(conn, request, 403, "Forbidden", &text);
            }
        }
        let job = UiJob::new(action, back, request.version, request.keep_alive());
        self.start_ui_job(conn, job);
    }

    /// Whether an action's target exists (4.3 answers `No such process named x`).
    pub(super) fn ui_target_exists(&self, action: &Action) -> Result<(), String> {
        let process = |ns: &str| self.core.process_id(ns).is_some();
        match action {
            Action::Start(t) | Action::Stop(t) | Action::Restart(t) => match t {
                Target::Process(ns) if !process(ns) => Err(webui::plan::no_such(t)),
                Target::Group(g) if !self.core.group_names().contains(&g.as_str()) => {
                    Err(webui::plan::no_such(t))
                }
                _ => Ok(()),
            },
            Action::ClearLog { namespec, .. } if !process(namespec) => {
                Err(webui::plan::no_such(&Target::Process(namespec.clone())))
            }
            _ => Ok(()),
        }
    }

    fn daemon_info(&self) -> DaemonInfo {
        DaemonInfo {
            identification: self.config.supervisord.identifier.clone(),
            pid: std::process::id(),
            version: rpc::SUPERVISOR_VERSION.to_owned(),
            state: self.core.supervisor_state().name().to_owned(),
            fatal_reasons: self.core.fatal_reasons().to_vec(),
        }
    }

    fn frame<'a>(
        &'a self,
        daemon: &'a DaemonInfo,
        refresh: u32,
        message: Option<&'a str>,
    ) -> Frame<'a> {
        let now = SystemTime::now();
        let epoch = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        Frame {
            daemon,
            token: &self.http.token,
            refresh,
            message,
            year: webui::year(epoch, utc_offset(now)),
        }
    }

    fn render_status(&self, refresh: u32, message: Option<&str>) -> String {
        let daemon = self.daemon_info();
        let now = SystemTime::now();
        let (processes, fault) = match self.core.all_process_info(now, utc_offset(now)) {
            Ok(p) => (p, None),
            Err(f) => (Vec::new(), Some(format!("ERROR: {f}"))),
        };
        let message = message.or(fault.as_deref());
        webui::render_status(&webui::StatusPage {
            frame: self.frame(&daemon, refresh, message),
            processes: &processes,
        })
    }

    fn render_tail(&self, back: &Back, refresh: u32, message: Option<&str>) -> String {
        let daemon = self.daemon_info();
        let namespec = back.namespec.as_deref();
        let text = match namespec {
            None => "No process name found".to_owned(),
            Some(ns) => {
                let stream = match back.channel {
                    Channel::Stdout => rpc::Stream::Stdout,
                    Channel::Stderr => rpc::Stream::Stderr,
                };
                let offset = -i64::try_from(back.limit).unwrap_or(i64::MAX);
                match self.read_process_log(ns, stream, offset, 0) {
                    Ok(Value::String(text)) => text,
                    Ok(_) => String::new(),
                    Err(f) if f.code == FaultCode::NoFile => format!("No file for {ns}"),
                    Err(f) => format!("ERROR: unexpected rpc fault [{}] {f}", f.code as i64),
                }
            }
        };
        webui::render_tail(&webui::TailPage {
            frame: self.frame(&daemon, refresh, message),
            namespec,
            channel: back.channel,
            limit: back.limit,
            text: &text,
        })
    }

    /// A 400 or 403 page: what was wrong; nothing was done.
    fn refuse(&self, conn: &mut Conn, request: &Request, status: u16, title: &str, text: &str) {
        let daemon = self.daemon_info();
        let body = webui::render_error(&self.frame(&daemon, 0, None), title, text);
        write_page(conn, request, status, &body);
    }
}

/// Write a page with the page headers.
fn write_page(conn: &mut Conn, request: &Request, status: u16, body: &str) {
    let keep_alive = request.keep_alive();
    let mut headers: Vec<(&str, String)> = PAGE_HEADERS
        .iter()
        .map(|(n, v)| (*n, (*v).to_owned()))
        .collect();
    headers.push(("Content-Length", body.len().to_string()));
    push_connection(&mut headers, request.version, keep_alive);
    conn.out.extend(response::head(
        request.version,
        status,
        &headers,
        SystemTime::now(),
    ));
    conn.out.extend_from_slice(body.as_bytes());
    conn.closing |= !keep_alive;
}

/// `Connection: close` / `Keep-Alive` as medusa adds them.
pub(super) fn push_connection(
    headers: &mut Vec<(&str, String)>,
    version: Version,
    keep_alive: bool,
) {
    match connection(version, keep_alive) {
        response::Connection::Close => headers.push(("Connection", "close".into())),
        response::Connection::KeepAlive10 => headers.push(("Connection", "Keep-Alive".into())),
        response::Connection::Default => {}
    }
}

/// A GET or HEAD of a static file (4.3's default handler): the file, or 404.
pub(super) fn serve_static(conn: &mut Conn, request: &Request, path: &str, head: bool) {
    let now = SystemTime::now();
    let keep_alive = request.keep_alive();
    let Some(asset) = webui::asset(&rpc::percent_decode(path)) else {
        conn.out
            .extend(response::error(request.version, 404, &[], now));
        conn.closing |= !keep_alive;
        return;
    };
    let mut headers = vec![
        ("Content-Type", asset.content_type.to_owned()),
        ("Content-Length", asset.body.len().to_string()),
        ("Cache-Control", "max-age=3600".to_owned()),
        ("X-Content-Type-Options", "nosniff".to_owned()),
    ];
    push_connection(&mut headers, request.version, keep_alive);
    conn.out
        .extend(response::head(request.version, 200, &headers, now));
    if !head {
        conn.out.extend_from_slice(asset.body);
    }
    conn.closing |= !keep_alive;
}
