//! The HTTP servers (`[unix_http_server]`, `[inet_http_server]`, all at once) served
//! from the daemon's one poll loop: non-blocking accept, read, write; a slow,
//! partial or pipelined client never blocks the loop or another client. Requests are
//! parsed and encoded by the pure `rpc` crate; `serve` routes them, `execute` runs
//! XML-RPC calls against the core and the driver, `tail` streams logs, `ui` serves
//! the web interface (pages rendered by the pure `webui` crate) and its static
//! files, `ui_job` runs a page's action step by step, then redirects.
//!
//! Deferred answers (`startProcess(name, True)`, ...) are channels: the call is
//! queued to the core like a [`super::Handle`] request, and [`Daemon::http_settle`]
//! — run after every batch of inputs — writes the answer once the core's `Reply`
//! effect has filled the channel.

mod conn;
mod execute;
mod listen;
mod logs;
mod reload;
mod serve;
mod tail;
mod ui;
mod ui_job;

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::poll::{Event, Poller};
use rpc::{Credentials, Limits, Namespaces, RequestParser};
use supervisor_core::LogLevel;

use super::Daemon;
use super::process::Source;
use crate::mainlog::MainLog;
use crate::pyrepr::repr_str;
use conn::{Busy, Conn, Stream};
use listen::Listener;

/// One configured server.
#[derive(Debug)]
struct Server {
    listener: Listener,
    credentials: Option<Credentials>,
}

/// Every server and connection of a daemon run.
#[derive(Debug, Default)]
pub(crate) struct Http {
    servers: Vec<Server>,
    conns: HashMap<u64, Conn>,
    next_conn: u64,
    ns: Option<Namespaces>,
    /// The groups of the last config read (startup or `reloadConfig`):
    /// `addProcessGroup` and `getAllConfigInfo` look here, as 4.3's
    /// `process_group_configs`.
    pub(crate) parsed_groups: Vec<config::GroupConfig>,
    /// Real log paths (`stdout`, `stderr`) of processes created from `parsed_groups`, by
    /// (group, process): 4.3 writes the AUTO paths into the config objects a group is
    /// made from, so `getAllConfigInfo` shows them for the groups built from the last read
    /// (at startup, or added since the last `reloadConfig`, even once removed again) and
    /// `auto` for the others. Emptied by every re-read.
    pub(crate) made_logs: HashMap<(String, String), (String, String)>,
    /// The config file `reloadConfig` re-reads.
    pub(crate) config_file: Option<PathBuf>,
    /// The web UI's CSRF token for this daemon run (in every form of its pages).
    token: String,
    /// When followed logs are polled next.
    tail_at: Option<Instant>,
    /// Listeners left unarmed after `accept` failed (out of descriptors), and when
    /// to try again: re-arming at once would spin on a socket that stays readable.
    accept_paused: Vec<usize>,
    accept_retry_at: Option<Instant>,
    /// `getAllProcessInfo`'s last answer, encoded, under (core generation, wall-clock
    /// second, UTC offset): polling clients get the same bytes without the daemon
    /// building and encoding 200 structs again while nothing changed.
    pub(crate) all_info_cache: Option<((u64, u64, i32), rpc::Value)>,
}

/// How long accepting pauses after `accept` failed with something else than
/// `WouldBlock` (EMFILE, ENFILE, ENOBUFS...).
const ACCEPT_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

impl Http {
    /// Remember the real log paths of a process just made from the last config read
    /// (see `made_logs`).
    pub(crate) fn note_made_logs(
        &mut self,
        group: &str,
        name: &str,
        logs: &crate::daemon::process::LogFiles,
    ) {
        self.made_logs.insert(
            (group.to_owned(), name.to_owned()),
            (
                reload::path_or(logs.stdout.as_deref()),
                reload::path_or(logs.stderr.as_deref()),
            ),
        );
    }

    /// Bind every server of `config` and register it with `poller`; log what 4.3
    /// logs per server. Err: 4.3's usage-error text.
    pub(crate) fn open(
        config: &config::Config,
        poller: &Arc<Poller>,
        log: &mut MainLog,
    ) -> Result<Http, String> {
        let supervisor = config.rpcinterfaces.iter().any(|r| r.name == "supervisor");
        let mut http = Http {
            ns: Some(Namespaces { supervisor }),
            parsed_groups: config.groups.clone(),
            token: ui::new_token(),
            ..Http::default()
        };
        for (index, server) in config.servers.iter().enumerate() {
            let listener = listen::bind_server(&server.kind)?;
            for rpc in &config.rpcinterfaces {
                log.log(
                    LogLevel::Info,
                    &format!("RPC interface {} initialized", repr_str(&rpc.name)),
                );
            }
            let credentials = match (&server.username, &server.password) {
                (Some(username), Some(password)) => Some(Credentials {
                    username: username.clone(),
                    password: password.clone(),
                }),
                _ => {
                    log.log(
                        LogLevel::Critical,
                        &format!(
                            "Server {} running without any HTTP authentication checking",
                            repr_str(&server.section)
                        ),
                    );
                    None
                }
            };
            let fd = match &listener {
                Listener::Unix(l, _) => l.as_fd(),
                Listener::Tcp(l) => l.as_fd(),
            };
            poller
                .add(fd, Event::readable(Source::Listener(index).key()))
                .map_err(|e| format!("Cannot open an HTTP server: {e}"))?;
            http.servers.push(Server {
                listener,
                credentials,
            });
        }
        Ok(http)
    }

    /// The earliest HTTP timer (log polling, accept retry).
    pub(crate) fn deadline(&self) -> Option<Instant> {
        [self.tail_at, self.accept_retry_at]
            .into_iter()
            .flatten()
            .min()
    }

    pub(crate) fn namespaces(&self) -> Namespaces {
        self.ns.unwrap_or(Namespaces { supervisor: false })
    }

    /// Close every connection and listener; unlink unix socket files (4.3 does at a
    /// clean exit). Unsent answers get one last non-blocking write.
    pub(crate) fn close(&mut self, poller: &Poller) {
        for (_, mut conn) in self.conns.drain() {
            conn.flush();
            let _ = poller.delete(conn.stream.as_fd());
        }
        for server in self.servers.drain(..) {
            match server.listener {
                Listener::Unix(l, path) => {
                    let _ = poller.delete(l.as_fd());
                    drop(l);
                    let _ = std::fs::remove_file(path);
                }
                Listener::Tcp(l) => {
                    let _ = poller.delete(l.as_fd());
                }
            }
        }
    }
}

impl Daemon {
    /// A listener is readable: accept everything pending, then re-arm it.
    pub(super) fn http_accept(&mut self, index: usize) {
        let Some(server) = self.http.servers.get(index) else {
            return;
        };
        let mut accepted = Vec::new();
        let mut failed = false;
        // A bounded batch per wakeup: the rest wait for the next (level-triggered) event.
        while accepted.len() < 64 {
            let stream = match &server.listener {
                Listener::Unix(l, path) => l.accept().map(|(s, _)| {
                    let _ = s.set_nonblocking(true);
                    (Stream::Unix(s), format!("unix:{}", path.display()))
                }),
                Listener::Tcp(l) => l.accept().map(|(s, addr)| {
                    let _ = s.set_nonblocking(true);
                    // Without it every response after the first waits for the
                    // client's delayed ACK (Nagle): 40 ms each in 4.3.
                    let _ = s.set_nodelay(true);
                    (Stream::Tcp(s), addr.to_string())
                }),
            };
            match stream {
                Ok(s) => accepted.push(s),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            // Silent until the retry (level-triggered: a pending connection would
            // otherwise be reported on every wait).
            if let Some(server) = self.http.servers.get(index) {
                let fd = match &server.listener {
                    Listener::Unix(l, _) => l.as_fd(),
                    Listener::Tcp(l) => l.as_fd(),
                };
                let _ = self.poller.delete(fd);
            }
            self.http.accept_paused.push(index);
            self.http.accept_retry_at = Some(Instant::now() + ACCEPT_PAUSE);
        }
        for (stream, peer) in accepted {
            let id = self.http.next_conn;
            self.http.next_conn += 1;
            let key = Source::Conn(id).key();
            if self
                .poller
                .add(stream.as_fd(), Event::readable(key))
                .is_err()
            {
                continue;
            }
            let conn = Conn {
                stream,
                server: index,
                peer,
                parser: RequestParser::new(Limits::default()),
                out: Vec::new(),
                busy: Busy::Idle,
                closing: false,
                eof: false,
                dead: false,
                key,
                interest: Event::readable(key),
            };
            self.http.conns.insert(id, conn);
        }
    }

    fn arm_listener(&self, index: usize) {
        let Some(server) = self.http.servers.get(index) else {
            return;
        };
        let fd = match &server.listener {
            Listener::Unix(l, _) => l.as_fd(),
            Listener::Tcp(l) => l.as_fd(),
        };
        let _ = self
            .poller
            .modify(fd, Event::readable(Source::Listener(index).key()));
    }

    /// An HTTP timer is due: poll followed logs, re-arm paused listeners.
    pub(crate) fn http_timers(&mut self, now: Instant) {
        if self.http.accept_retry_at.is_some_and(|t| t <= now) {
            self.http.accept_retry_at = None;
            for index in std::mem::take(&mut self.http.accept_paused) {
                self.arm_listener(index);
            }
        }
        if self.http.tail_at.is_some_and(|t| t <= now) {
            self.http_tails();
        }
    }

    /// A connection is readable or writable.
    pub(super) fn http_event(&mut self, id: u64) {
        let Some(mut conn) = self.http.conns.remove(&id) else {
            return;
        };
        conn.read_some();
        self.serve_requests(&mut conn);
        conn.flush();
        self.put_back(id, conn);
    }

    /// Keep `conn` or drop it once it is finished.
    fn put_back(&mut self, id: u64, conn: Conn) {
        if conn.finished() {
            if let Busy::Tail(tail) = &conn.busy {
                self.log.log(
                    LogLevel::Info,
                    &format!("logtail of {} for {} ended", tail.what, conn.peer),
                );
            }
            let _ = self.poller.delete(conn.stream.as_fd());
            return;
        }
        let mut conn = conn;
        conn.rearm(&self.poller);
        let tailing = matches!(conn.busy, Busy::Tail(_));
        self.http.conns.insert(id, conn);
        if tailing {
            self.schedule_tails();
        }
    }

    /// Answer deferred calls whose reply arrived; returns whether anything moved
    /// (new requests may then have been queued for the core).
    pub(crate) fn http_settle(&mut self) -> bool {
        let waiting: Vec<u64> = self
            .http
            .conns
            .iter()
            .filter(|(_, c)| matches!(c.busy, Busy::Rpc { .. } | Busy::Ui(_)))
            .map(|(id, _)| *id)
            .collect();
        let mut moved = false;
        for id in waiting {
            let Some(mut conn) = self.http.conns.remove(&id) else {
                continue;
            };
            let done = match conn.busy {
                Busy::Ui(_) => self.progress_ui(&mut conn),
                _ => self.progress_rpc(&mut conn),
            };
            if done {
                moved = true;
                self.serve_requests(&mut conn);
                conn.flush();
            }
            self.put_back(id, conn);
        }
        moved
    }

    /// The tail timer fired: send what the followed files gained.
    fn http_tails(&mut self) {
        self.http.tail_at = None;
        let tails: Vec<u64> = self
            .http
            .conns
            .iter()
            .filter(|(_, c)| matches!(c.busy, Busy::Tail(_)))
            .map(|(id, _)| *id)
            .collect();
        for id in tails {
            let Some(mut conn) = self.http.conns.remove(&id) else {
                continue;
            };
            serve::pump_tail(&mut conn);
            conn.flush();
            self.put_back(id, conn);
        }
        self.schedule_tails();
    }

    /// Arm the tail timer while any log is followed.
    pub(crate) fn schedule_tails(&mut self) {
        let any = self
            .http
            .conns
            .values()
            .any(|c| matches!(c.busy, Busy::Tail(_)));
        if any && self.http.tail_at.is_none() {
            self.http.tail_at = Some(Instant::now() + tail::TAIL_POLL);
        }
    }
}
