//! One request at a time per connection, in order: authenticate, route, answer now
//! or leave the connection waiting for a deferred answer (later pipelined requests
//! stay in the parser until then).

use std::time::SystemTime;

use rpc::{AuthVerdict, Call, Request, Route, Value, Version, response};
use supervisor_core::{Fault, FaultCode, LogLevel};

use super::conn::{Busy, Conn, Waiting};
use super::execute::Exec;
use crate::daemon::Daemon;
use crate::pyrepr::repr_str;

/// The answer to an RPC call: a value or a fault.
pub(super) type Answer = Result<Value, Fault>;

impl Daemon {
    /// Handle every complete request while the connection is free.
    pub(super) fn serve_requests(&mut self, conn: &mut Conn) {
        while matches!(conn.busy, Busy::Idle) && !conn.closing && !conn.dead {
            match conn.parser.next_request() {
                Ok(Some(request)) => self.handle_request(conn, request),
                Ok(None) => {
                    // A head whose body is still coming, with wrong credentials: its
                    // body is dropped as it arrives, so a client without credentials
                    // never makes the daemon hold one. The 401 still comes after the
                    // body, as before: answering at the head and closing would make
                    // clients that write the body separately (Python's http.client)
                    // fail with a broken pipe instead of reading the 401.
                    let refused = !conn.parser.discarding()
                        && conn
                            .parser
                            .pending_head()
                            .is_some_and(|head| self.refusal(conn.server, head).is_some());
                    if refused {
                        conn.parser.discard_body();
                    }
                    return;
                }
                Err(e) => {
                    conn.out.extend(response::error(
                        Version::Http11,
                        e.status(),
                        &[],
                        SystemTime::now(),
                    ));
                    conn.closing = true;
                }
            }
        }
    }

    /// `None` if `request` may go on; else medusa's refusal (401, or 400 for a
    /// malformed token), after which the connection closes.
    fn refusal(&self, server: usize, request: &Request) -> Option<Vec<u8>> {
        let credentials = self
            .http
            .servers
            .get(server)
            .and_then(|s| s.credentials.as_ref());
        let now = SystemTime::now();
        match rpc::auth::check(request, credentials) {
            AuthVerdict::Allowed => None,
            AuthVerdict::Unauthorized => Some(response::unauthorized(request.version, now)),
            AuthVerdict::Malformed => Some(response::error(request.version, 400, &[], now)),
        }
    }

    fn handle_request(&mut self, conn: &mut Conn, request: Request) {
        let now = SystemTime::now();
        if let Some(refusal) = self.refusal(conn.server, &request) {
            conn.out.extend(refusal);
            conn.closing = true;
            return;
        }
        let keep_alive = request.keep_alive();
        match rpc::route(&request) {
            Route::Rpc => self.handle_rpc(conn, &request, keep_alive),
            Route::Ok => {
                let connection = connection(request.version, keep_alive);
                conn.out.extend(response::complete(
                    request.version,
                    200,
                    "text/plain",
                    b"OK",
                    connection,
                    now,
                ));
                conn.closing |= !keep_alive;
            }
            Route::Error(status) => {
                conn.out
                    .extend(response::error(request.version, status, &[], now));
                conn.closing |= !keep_alive;
            }
            Route::LogTail { namespec, stream } => {
                let found = self.process_log_path(&namespec, stream);
                let what = format!(
                    "{namespec} {}",
                    if stream == rpc::Stream::Stderr {
                        "stderr"
                    } else {
                        "stdout"
                    }
                );
                self.start_tail(conn, &request, found, what, true);
            }
            Route::Page(page) => self.serve_page(conn, &request, page),
            Route::Static { path, head } => super::ui::serve_static(conn, &request, &path, head),
            Route::MainLogTail => {
                let found = self.log.path().map(|p| p.to_path_buf());
                self.start_tail(conn, &request, found, "the main log".into(), false);
            }
        }
    }

    fn handle_rpc(&mut self, conn: &mut Conn, request: &Request, keep_alive: bool) {
        let version = request.version;
        // Not in 4.3: a web page can POST an XML-RPC body to the daemon (a
        // `text/plain` form or fetch needs no CORS preflight, and carries the
        // browser's Basic credentials); browsers say where such a request comes from,
        // XML-RPC clients send no `Origin` or `Referer`.
        let headers = webui::guard::Headers {
            host: request.header("host"),
            forwarded_host: request.header("x-forwarded-host"),
            origin: request.header("origin"),
            referer: request.header("referer"),
        };
        if let Err(refusal) = webui::guard::check_origin(headers) {
            self.log.log(
                LogLevel::Warn,
                &format!("XML-RPC request refused for {}: {refusal}", conn.peer),
            );
            conn.out
                .extend(response::error(version, 403, &[], SystemTime::now()));
            conn.closing = true;
            return;
        }
        let call = match rpc::parse_method_call(&request.body) {
            Ok(call) => call,
            Err(_) => {
                let shown = String::from_utf8_lossy(&request.body);
                self.log.log(
                    LogLevel::Error,
                    &format!(
                        "XML-RPC request data {} is invalid: unmarshallable",
                        repr_str(&shown)
                    ),
                );
                conn.out
                    .extend(response::error(version, 400, &[], SystemTime::now()));
                conn.closing |= !keep_alive;
                return;
            }
        };
        let Some(method) = call.method.filter(|m| !m.is_empty()) else {
            let shown = String::from_utf8_lossy(&request.body);
            self.log.log(
                LogLevel::Error,
                &format!(
                    "XML-RPC request data {} is invalid: no method name",
                    repr_str(&shown)
                ),
            );
            conn.out
                .extend(response::error(version, 400, &[], SystemTime::now()));
            conn.closing |= !keep_alive;
            return;
        };
        let params = call.params.unwrap_or_default();
        let ns = self.http.namespaces();
        let parsed = rpc::parse_call(ns, &method, &params);
        let trace = self.log.level() <= LogLevel::Trace;
        if trace {
            self.log.log(
                LogLevel::Trace,
                &format!("XML-RPC method called: {method}()"),
            );
        }
        let exec = match parsed {
            Ok(Call::Multicall(calls)) => Exec::Multi(calls),
            Ok(call) => self.execute(call),
            Err(fault) => Exec::Done(Err(fault)),
        };
        // 4.3's trace lines; a deferred call "returned successfully" (its callback).
        let outcome = match &exec {
            _ if !trace => String::new(),
            Exec::Done(Err(fault)) => {
                let (code, text) = rpc::encode::fault_parts(fault);
                format!("XML-RPC method {method}() returned fault: [{code}] {text}")
            }
            _ => format!("XML-RPC method {method}() returned successfully"),
        };
        if trace {
            self.log.log(LogLevel::Trace, &outcome);
        }
        match exec {
            Exec::Done(answer) => write_answer(conn, version, keep_alive, &answer),
            Exec::Wait(rx) => {
                conn.busy = Busy::Rpc {
                    waiting: Waiting::Single(rx),
                    version,
                    keep_alive,
                };
            }
            Exec::Multi(calls) => {
                conn.busy = Busy::Rpc {
                    waiting: Waiting::Multi {
                        remaining: calls.into(),
                        results: Vec::new(),
                        current: None,
                    },
                    version,
                    keep_alive,
                };
                self.progress_rpc(conn);
            }
        }
    }

    /// Move a waiting call forward; true if it finished (the answer is in `out`).
    pub(super) fn progress_rpc(&mut self, conn: &mut Conn) -> bool {
        let Busy::Rpc {
            waiting,
            version,
            keep_alive,
        } = &mut conn.busy
        else {
            return false;
        };
        let (version, keep_alive) = (*version, *keep_alive);
        let answer = match waiting {
            Waiting::Single(rx) => match rx.try_recv() {
                Ok(reply) => reply.map(|r| rpc::encode::reply(&r)),
                Err(crossbeam_channel::TryRecvError::Empty) => return false,
                Err(crossbeam_channel::TryRecvError::Disconnected) => Err(Fault::new(
                    FaultCode::Failed,
                    "the daemon dropped the request",
                )),
            },
            Waiting::Multi {
                remaining,
                results,
                current,
            } => {
                let ns = self.http.namespaces();
                loop {
                    if let Some(rx) = current {
                        match rx.try_recv() {
                            Ok(reply) => results
                                .push(as_multicall_result(reply.map(|r| rpc::encode::reply(&r)))),
                            Err(crossbeam_channel::TryRecvError::Empty) => return false,
                            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                                results.push(as_multicall_result(Err(Fault::new(
                                    FaultCode::Failed,
                                    "the daemon dropped the request",
                                ))))
                            }
                        }
                        *current = None;
                    }
                    let Some(item) = remaining.pop_front() else {
                        break Ok(Value::Array(std::mem::take(results)));
                    };
                    match rpc::multicall_item(ns, &item) {
                        Err(fault) => results.push(as_multicall_result(Err(fault))),
                        Ok(Call::Multicall(_)) => {}
                        Ok(call) => match self.execute(call) {
                            Exec::Done(answer) => results.push(as_multicall_result(answer)),
                            Exec::Wait(rx) => *current = Some(rx),
                            Exec::Multi(_) => {}
                        },
                    }
                }
            }
        };
        conn.busy = Busy::Idle;
        write_answer(conn, version, keep_alive, &answer);
        true
    }

    fn start_tail(
        &mut self,
        conn: &mut Conn,
        request: &Request,
        path: Option<std::path::PathBuf>,
        what: String,
        accel: bool,
    ) {
        let now = SystemTime::now();
        let tail = path.and_then(|p| {
            let mtime = std::fs::metadata(&p).and_then(|m| m.modified()).ok()?;
            let chunked = request.version == Version::Http11;
            super::tail::Tail::open(p, chunked, what.clone())
                .ok()
                .map(|t| (t, mtime))
        });
        let Some((tail, mtime)) = tail else {
            conn.out
                .extend(response::error(request.version, 404, &[], now));
            conn.closing |= !request.keep_alive();
            return;
        };
        let mut headers = vec![
            ("Last-Modified", response::http_date(mtime)),
            ("Content-Type", "text/plain;charset=utf-8".to_owned()),
        ];
        if accel {
            headers.push(("X-Accel-Buffering", "no".to_owned()));
        }
        if tail.chunked {
            headers.push(("Transfer-Encoding", "chunked".to_owned()));
        }
        conn.out
            .extend(response::head(request.version, 200, &headers, now));
        self.log.log(
            LogLevel::Info,
            &format!("logtail of {what} for {} started", conn.peer),
        );
        conn.busy = Busy::Tail(Box::new(tail));
        pump_tail(conn);
    }
}

/// Copy what a followed file gained into the connection's output.
pub(super) fn pump_tail(conn: &mut Conn) {
    if conn.out.len() > 64 * 1024 {
        return; // the client is slow: let it read first
    }
    let Busy::Tail(tail) = &mut conn.busy else {
        return;
    };
    let data = tail.poll();
    if data.is_empty() {
        return;
    }
    if tail.chunked {
        conn.out.extend(response::chunk(&data));
    } else {
        conn.out.extend(data);
    }
}

pub(super) fn connection(version: Version, keep_alive: bool) -> response::Connection {
    match (version, keep_alive) {
        // medusa sets `Connection: close` after the head is built: never sent.
        (_, false) => response::Connection::Default,
        (Version::Http10, true) => response::Connection::KeepAlive10,
        (Version::Http11, true) => response::Connection::Default,
    }
}

fn write_answer(conn: &mut Conn, version: Version, keep_alive: bool, answer: &Answer) {
    let body = match answer {
        Ok(value) => rpc::encode_response(value),
        Err(fault) => {
            let (code, text) = rpc::encode::fault_parts(fault);
            rpc::encode_fault(code, &text)
        }
    };
    conn.out.extend(response::complete(
        version,
        200,
        "text/xml",
        body.as_bytes(),
        connection(version, keep_alive),
        SystemTime::now(),
    ));
    conn.closing |= !keep_alive;
}

/// 4.3's multicall: a success is the bare value, a fault its struct.
fn as_multicall_result(answer: Answer) -> Value {
    match answer {
        Ok(v) => v,
        Err(fault) => {
            let (code, text) = rpc::encode::fault_parts(&fault);
            rpc::fault_struct(code, &text)
        }
    }
}
