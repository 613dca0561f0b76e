//! The validated configuration: what supervisord 4.3 holds after `realize()`.
//!
//! Numbers the original keeps as Python ints are `i64` (4.3 accepts negative `startsecs`,
//! byte sizes, umasks...); consumers clamp where they need to. Everything derives serde so
//! the model can be written and read as RON ([`Config::to_ron`]).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use supervisor_core::{AutoRestart, LogLevel, Signal};

pub use crate::environment::Environment;

/// A whole supervisord configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// `[supervisord]`.
    pub supervisord: SupervisordOptions,
    /// Every `[inet_http_server*]` section, then every `[unix_http_server*]` section.
    pub servers: Vec<HttpServer>,
    /// `[supervisorctl]` as supervisorctl would read the same file, when that section is
    /// present and valid (see [`crate::load_ctl`] for its errors).
    pub supervisorctl: Option<CtlOptions>,
    /// `[rpcinterface:x]` sections, in file order.
    pub rpcinterfaces: Vec<RpcInterface>,
    /// Process groups sorted by `(priority, name)`.
    pub groups: Vec<GroupConfig>,
}

impl Config {
    /// The URL children get as `SUPERVISOR_SERVER_URL` (and the fallback for
    /// `serverurl=AUTO`): the first unix server, else the first inet server
    /// (`localhost` for an empty host), else none.
    pub fn server_url(&self) -> Option<String> {
        self.servers
            .iter()
            .find_map(|s| match &s.kind {
                ServerKind::Unix { file, .. } => Some(format!("unix://{}", file.display())),
                ServerKind::Inet { .. } => None,
            })
            .or_else(|| {
                self.servers.iter().find_map(|s| match &s.kind {
                    ServerKind::Inet { host, port } => {
                        let host = if host.is_empty() { "localhost" } else { host };
                        Some(format!("http://{host}:{port}"))
                    }
                    ServerKind::Unix { .. } => None,
                })
            })
    }
}

/// Where supervisord's own log goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MainLogFile {
    /// `logfile=syslog`.
    Syslog,
    /// A normalised absolute path.
    Path(PathBuf),
}

/// `[supervisord]` after validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisordOptions {
    /// `logfile` (default `supervisord.log` in the cwd).
    pub logfile: MainLogFile,
    /// `logfile_maxbytes` (default 50MB; 0 = never rotate).
    pub logfile_maxbytes: i64,
    /// `logfile_backups` (default 10).
    pub logfile_backups: i64,
    /// `loglevel` (default info).
    pub loglevel: LogLevel,
    /// `pidfile`, normalised absolute (default `supervisord.pid` in the cwd).
    pub pidfile: PathBuf,
    /// `umask` (default 0o22; applied only when daemonizing).
    pub umask: i64,
    /// `nodaemon`.
    pub nodaemon: bool,
    /// `silent`.
    pub silent: bool,
    /// `minfds` (default 1024).
    pub minfds: i64,
    /// `minprocs` (default 200).
    pub minprocs: i64,
    /// `nocleanup`.
    pub nocleanup: bool,
    /// `childlogdir` (default: the temp dir), `~` expanded, not normalised.
    pub childlogdir: PathBuf,
    /// `user` as written.
    pub user: Option<String>,
    /// `user` resolved to a uid.
    pub uid: Option<u32>,
    /// That user's primary gid.
    pub gid: Option<u32>,
    /// `directory` (`~` expanded; chdir only when daemonizing).
    pub directory: Option<PathBuf>,
    /// `strip_ansi`.
    pub strip_ansi: bool,
    /// `environment` (also merged into every process's environment).
    pub environment: Environment,
    /// `identifier` (default `supervisor`).
    pub identifier: String,
    /// `event_drain_secs` (ours; default 10, unknown to 4.3 which ignores it): at shutdown and
    /// reload, event listener groups are stopped only once every buffered event was
    /// delivered, or after this many seconds (0 = stop them at once, as 4.3 does).
    #[serde(default = "default_event_drain_secs")]
    pub event_drain_secs: i64,
}

fn default_event_drain_secs() -> i64 {
    DEFAULT_EVENT_DRAIN_SECS
}

/// Default of `[supervisord] event_drain_secs`.
pub const DEFAULT_EVENT_DRAIN_SECS: i64 = 10;
/// Default of `[eventlistener:x] monitor_interval`.
pub const DEFAULT_MONITOR_INTERVAL: i64 = 60;

fn default_monitor_interval() -> i64 {
    DEFAULT_MONITOR_INTERVAL
}

/// One HTTP server section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpServer {
    /// The section name (`unix_http_server`, `inet_http_server:two`).
    pub section: String,
    /// The part after `:` in the section name, if any.
    pub name: Option<String>,
    /// `username` (both or neither of username/password).
    pub username: Option<String>,
    /// `password`: cleartext or `{SHA}` + hex SHA-1.
    pub password: Option<String>,
    /// Socket family and address.
    pub kind: ServerKind,
}

/// Address of an HTTP server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerKind {
    /// `[unix_http_server]`.
    Unix {
        /// `file`, normalised absolute.
        file: PathBuf,
        /// `chmod` (default 0o700).
        chmod: i64,
        /// `chown` as `(uid, gid)`, -1 meaning unchanged.
        chown: (i64, i64),
    },
    /// `[inet_http_server]`.
    Inet {
        /// Lower-cased host; empty means all interfaces.
        host: String,
        /// Port 1..=65535.
        port: u16,
    },
}

/// `[supervisorctl]` (or its defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CtlOptions {
    /// `serverurl` (default `http://localhost:9001`; `unix://` paths normalised).
    pub serverurl: String,
    /// `username`.
    pub username: Option<String>,
    /// `password`.
    pub password: Option<String>,
    /// `prompt` (default `supervisor`).
    pub prompt: String,
    /// `history_file`, normalised.
    pub history_file: Option<PathBuf>,
}

impl Default for CtlOptions {
    /// supervisorctl's defaults when no file or no value is given.
    fn default() -> Self {
        CtlOptions {
            serverurl: "http://localhost:9001".into(),
            username: None,
            password: None,
            prompt: "supervisor".into(),
            history_file: None,
        }
    }
}

/// `[rpcinterface:x]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RpcInterface {
    /// The namespace (`x`).
    pub name: String,
    /// `supervisor.rpcinterface_factory` (only the standard one is accepted).
    pub factory: String,
    /// Every other key (including inherited `[DEFAULT]` keys), expanded.
    pub extras: Vec<(String, String)>,
}

/// A process group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupConfig {
    /// Group name.
    pub name: String,
    /// Group priority (program default 999, listener default -1).
    pub priority: i64,
    /// Which section family made it, with the family's own settings.
    pub kind: GroupKind,
    /// Processes in the original's order (each program's processes by `(priority, name)`).
    pub processes: Vec<ProcessConfig>,
}

/// The kind of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupKind {
    /// `[program:x]`: homogeneous group `x`.
    Program,
    /// `[group:x]`: heterogeneous group of listed programs.
    Heterogeneous,
    /// `[eventlistener:x]`: an event listener pool.
    EventListener {
        /// `buffer_size` (≥ 1, default 10).
        buffer_size: i64,
        /// `events`, upper-cased, de-duplicated, sorted.
        events: Vec<String>,
        /// `result_handler` (only the default is accepted).
        result_handler: String,
        /// `max_retry` (ours; 4.3 ignores the key): after this many rejections of one event
        /// it becomes a dead letter and supervisord enters FATAL. None = retry forever (4.3).
        #[serde(default)]
        max_retry: Option<u32>,
        /// `monitor_interval` (ours): seconds between MONITOR_QUERY events for a pool
        /// subscribed to them (default 60).
        #[serde(default = "default_monitor_interval")]
        monitor_interval: i64,
    },
    /// `[fcgi-program:x]`: processes sharing one listening socket.
    FastCgi {
        /// `socket` and its options.
        socket: FcgiSocket,
    },
}

/// The socket of an fcgi program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FcgiSocket {
    /// `tcp://host:port`.
    Tcp {
        /// Lower-cased host.
        host: String,
        /// Port.
        port: u16,
        /// `socket_backlog` (None = SOMAXCONN).
        backlog: Option<i64>,
    },
    /// `unix:///abs/path`.
    Unix {
        /// Normalised absolute path.
        path: PathBuf,
        /// `socket_mode` (default 0o700).
        mode: i64,
        /// `socket_owner` `(uid, gid)`, or the program's user if it differs from ours.
        owner: Option<(i64, i64)>,
        /// `socket_backlog`.
        backlog: Option<i64>,
    },
}

impl FcgiSocket {
    /// The socket URL as supervisord prints it (`tcp://host:port`, `unix:///path`).
    pub fn url(&self) -> String {
        match self {
            FcgiSocket::Tcp { host, port, .. } => format!("tcp://{host}:{port}"),
            FcgiSocket::Unix { path, .. } => format!("unix://{}", path.display()),
        }
    }
}

/// A child log setting after validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogFile {
    /// `AUTO`: a file in `childlogdir`, created at start.
    Auto,
    /// `NONE`/`OFF` (and deprecated `syslog`, which sets `syslog = true`).
    None,
    /// A path (`~` expanded) whose directory existed at parse time.
    Path(PathBuf),
}

/// One output channel's logging (`stdout_*` or `stderr_*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelLog {
    /// `*_logfile` (default AUTO).
    pub logfile: LogFile,
    /// `*_logfile_maxbytes` (default 50MB).
    pub logfile_maxbytes: i64,
    /// `*_logfile_backups` (default 10).
    pub logfile_backups: i64,
    /// `*_capture_maxbytes` (default 0 = no capture mode).
    pub capture_maxbytes: i64,
    /// `*_events_enabled`.
    pub events_enabled: bool,
    /// `*_syslog`.
    pub syslog: bool,
}

/// One process after validation and expansion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessConfig {
    /// `process_name` expanded.
    pub name: String,
    /// `command` expanded (split with POSIX shlex at spawn time).
    pub command: String,
    /// `directory` expanded, not validated.
    pub directory: Option<String>,
    /// `umask`.
    pub umask: Option<i64>,
    /// `priority` (default 999; -1 for listeners).
    pub priority: i64,
    /// `autostart`.
    pub autostart: bool,
    /// `autorestart`.
    pub autorestart: AutoRestart,
    /// `startsecs` (seconds).
    pub startsecs: i64,
    /// `startretries`.
    pub startretries: i64,
    /// `user` resolved.
    pub uid: Option<u32>,
    /// stdout logging.
    pub stdout: ChannelLog,
    /// stderr logging.
    pub stderr: ChannelLog,
    /// `stopsignal`.
    pub stopsignal: Signal,
    /// `stopwaitsecs` (seconds).
    pub stopwaitsecs: i64,
    /// `stopasgroup`.
    pub stopasgroup: bool,
    /// `killasgroup` (defaults to stopasgroup).
    pub killasgroup: bool,
    /// `exitcodes`.
    pub exitcodes: Vec<u8>,
    /// `redirect_stderr`.
    pub redirect_stderr: bool,
    /// `[supervisord] environment` overlaid with the program's `environment`.
    pub environment: Environment,
    /// `serverurl` (None = AUTO).
    pub serverurl: Option<String>,
}

/// Severity of a non-fatal finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageLevel {
    /// Logged at CRIT.
    Critical,
    /// Logged at WARN.
    Warn,
    /// Logged at INFO.
    Info,
}

impl MessageLevel {
    /// The main log's four-letter code.
    pub fn code(self) -> &'static str {
        match self {
            MessageLevel::Critical => "CRIT",
            MessageLevel::Warn => "WARN",
            MessageLevel::Info => "INFO",
        }
    }
}

/// A non-fatal finding the original queues for the main log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Severity.
    pub level: MessageLevel,
    /// The original's text.
    pub text: String,
}
