//! The vocabulary shared by every crate: pids, signals, exit statuses, process and
//! supervisor states, and supervisord's XML-RPC fault codes.
//!
//! These types are plain data. They carry Linux numbering (the only platform the daemon
//! targets) but never call into the OS: the IO crate converts them to `nix` types.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A process id as the kernel reports it. Always positive for a live child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pid(pub i32);

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A signal number (Linux numbering). `Signal(0)` is representable because supervisord
/// 4.3 accepts `0` as a valid signal in config and RPC (spec §11 item 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Signal(pub i32);

/// Every `SIG*` name Python's `signal` module defines on Linux, with its number.
/// Aliases (`SIGIOT`, `SIGCLD`, `SIGPOLL`/`SIGIO`) are listed so that names parse; the
/// *display* name of a number is the one `supervisor.options.signame` returns.
const SIGNAL_NAMES: &[(&str, i32)] = &[
    ("SIGHUP", 1),
    ("SIGINT", 2),
    ("SIGQUIT", 3),
    ("SIGILL", 4),
    ("SIGTRAP", 5),
    ("SIGABRT", 6),
    ("SIGIOT", 6),
    ("SIGBUS", 7),
    ("SIGFPE", 8),
    ("SIGKILL", 9),
    ("SIGUSR1", 10),
    ("SIGSEGV", 11),
    ("SIGUSR2", 12),
    ("SIGPIPE", 13),
    ("SIGALRM", 14),
    ("SIGTERM", 15),
    ("SIGSTKFLT", 16),
    ("SIGCHLD", 17),
    ("SIGCLD", 17),
    ("SIGCONT", 18),
    ("SIGSTOP", 19),
    ("SIGTSTP", 20),
    ("SIGTTIN", 21),
    ("SIGTTOU", 22),
    ("SIGURG", 23),
    ("SIGXCPU", 24),
    ("SIGXFSZ", 25),
    ("SIGVTALRM", 26),
    ("SIGPROF", 27),
    ("SIGWINCH", 28),
    ("SIGIO", 29),
    ("SIGPOLL", 29),
    ("SIGPWR", 30),
    ("SIGSYS", 31),
    ("SIGRTMIN", 34),
    ("SIGRTMAX", 64),
];

/// The display name supervisord uses for each number (`options.signame`): where Python
/// has two names for a number, the later definition wins (`SIGABRT`, `SIGCHLD`, `SIGPOLL`).
const DISPLAY_NAMES: &[(i32, &str)] = &[(6, "SIGABRT"), (17, "SIGCHLD"), (29, "SIGPOLL")];

impl Signal {
    /// SIGHUP: supervisord reloads.
    pub const HUP: Signal = Signal(1);
    /// SIGINT: supervisord shuts down.
    pub const INT: Signal = Signal(2);
    /// SIGQUIT: supervisord shuts down.
    pub const QUIT: Signal = Signal(3);
    /// SIGKILL: sent after `stopwaitsecs`.
    pub const KILL: Signal = Signal(9);
    /// SIGUSR2: supervisord reopens its logs.
    pub const USR2: Signal = Signal(12);
    /// SIGTERM: the default `stopsignal`.
    pub const TERM: Signal = Signal(15);
    /// SIGCHLD: a child changed state.
    pub const CHLD: Signal = Signal(17);

    /// Look a signal up by name, with or without the `SIG` prefix, case-insensitively,
    /// ignoring surrounding whitespace (`TERM`, `sigkill`, ` int `).
    pub fn from_name(name: &str) -> Option<Signal> {
        let upper = name.trim().to_ascii_uppercase();
        let full = if upper.starts_with("SIG") {
            upper
        } else {
            format!("SIG{upper}")
        };
        SIGNAL_NAMES
            .iter()
            .find(|(n, _)| *n == full)
            .map(|&(_, num)| Signal(num))
    }

    /// Whether supervisord 4.3 accepts this number: the values of all `SIG*` attributes
    /// of Python's signal module, which includes 0 (from `SIG_DFL`) and 1 (`SIG_IGN`).
    pub fn is_known_number(num: i32) -> bool {
        num == 0 || SIGNAL_NAMES.iter().any(|&(_, n)| n == num)
    }

    /// The name supervisord prints (`SIGTERM`), or `signal N` for unnamed numbers,
    /// exactly as `supervisor.options.signame`.
    pub fn name(self) -> String {
        if let Some(&(_, n)) = DISPLAY_NAMES.iter().find(|&&(num, _)| num == self.0) {
            return n.to_string();
        }
        match SIGNAL_NAMES.iter().find(|&&(_, num)| num == self.0) {
            Some(&(n, _)) => n.to_string(),
            None => format!("signal {}", self.0),
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// How a reaped child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExitStatus {
    /// `exit(code)`.
    Code(i32),
    /// Killed by a signal; `core_dumped` adds ` (core dumped)` to log lines.
    Signaled {
        /// The terminating signal.
        signal: Signal,
        /// Whether the kernel wrote a core file.
        core_dumped: bool,
    },
}

/// When a process that exited from RUNNING is started again (`autorestart=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AutoRestart {
    /// `true`: always restart.
    Always,
    /// `false`: never restart.
    Never,
    /// `unexpected` (default): restart when the exit code is not in `exitcodes`.
    Unexpected,
}

/// The eight process states and their codes (`states.ProcessStates`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProcessStateCode {
    /// 0: never started, or stopped by request.
    Stopped = 0,
    /// 10: spawned, not yet up for `startsecs`.
    Starting = 10,
    /// 20: up for more than `startsecs`.
    Running = 20,
    /// 30: exited or failed to spawn while STARTING; will retry.
    Backoff = 30,
    /// 40: stop signal sent, waiting for exit.
    Stopping = 40,
    /// 100: exited from RUNNING.
    Exited = 100,
    /// 200: gave up after too many start failures.
    Fatal = 200,
    /// 1000: signalling failed with an unexpected OS error.
    Unknown = 1000,
}

impl ProcessStateCode {
    /// The upper-case name supervisord reports (`RUNNING`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Stopped => "STOPPED",
            Self::Starting => "STARTING",
            Self::Running => "RUNNING",
            Self::Backoff => "BACKOFF",
            Self::Stopping => "STOPPING",
            Self::Exited => "EXITED",
            Self::Fatal => "FATAL",
            Self::Unknown => "UNKNOWN",
        }
    }
    /// STOPPED_STATES: STOPPED, EXITED, FATAL, UNKNOWN.
    pub fn is_stopped(self) -> bool {
        matches!(
            self,
            Self::Stopped | Self::Exited | Self::Fatal | Self::Unknown
        )
    }
    /// RUNNING_STATES: RUNNING, BACKOFF, STARTING.
    pub fn is_running(self) -> bool {
        matches!(self, Self::Running | Self::Backoff | Self::Starting)
    }
    /// SIGNALLABLE_STATES: RUNNING, STARTING, STOPPING.
    pub fn is_signallable(self) -> bool {
        matches!(self, Self::Running | Self::Starting | Self::Stopping)
    }
}

/// supervisord's own state ("mood", `states.SupervisorStates`) as a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SupervisorStateCode {
    /// 2: something the daemon could not do failed (see the core's crate doc).
    Fatal = 2,
    /// 1: normal operation.
    Running = 1,
    /// 0: stopping everything before re-reading the config.
    Restarting = 0,
    /// -1: stopping everything before exiting.
    Shutdown = -1,
}

impl SupervisorStateCode {
    /// The upper-case name supervisord reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Fatal => "FATAL",
            Self::Running => "RUNNING",
            Self::Restarting => "RESTARTING",
            Self::Shutdown => "SHUTDOWN",
        }
    }
}

/// supervisord's XML-RPC fault codes (`xmlrpc.Faults`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FaultCode {
    /// 1
    UnknownMethod = 1,
    /// 2
    IncorrectParameters = 2,
    /// 3
    BadArguments = 3,
    /// 4
    SignatureUnsupported = 4,
    /// 6
    ShutdownState = 6,
    /// 10
    BadName = 10,
    /// 11
    BadSignal = 11,
    /// 20
    NoFile = 20,
    /// 21
    NotExecutable = 21,
    /// 30
    Failed = 30,
    /// 40
    AbnormalTermination = 40,
    /// 50
    SpawnError = 50,
    /// 60
    AlreadyStarted = 60,
    /// 70
    NotRunning = 70,
    /// 80
    Success = 80,
    /// 90
    AlreadyAdded = 90,
    /// 91
    StillRunning = 91,
    /// 92
    CantReread = 92,
}

impl FaultCode {
    /// The fault's name as supervisord spells it (`BAD_NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Self::UnknownMethod => "UNKNOWN_METHOD",
            Self::IncorrectParameters => "INCORRECT_PARAMETERS",
            Self::BadArguments => "BAD_ARGUMENTS",
            Self::SignatureUnsupported => "SIGNATURE_UNSUPPORTED",
            Self::ShutdownState => "SHUTDOWN_STATE",
            Self::BadName => "BAD_NAME",
            Self::BadSignal => "BAD_SIGNAL",
            Self::NoFile => "NO_FILE",
            Self::NotExecutable => "NOT_EXECUTABLE",
            Self::Failed => "FAILED",
            Self::AbnormalTermination => "ABNORMAL_TERMINATION",
            Self::SpawnError => "SPAWN_ERROR",
            Self::AlreadyStarted => "ALREADY_STARTED",
            Self::NotRunning => "NOT_RUNNING",
            Self::Success => "SUCCESS",
            Self::AlreadyAdded => "ALREADY_ADDED",
            Self::StillRunning => "STILL_RUNNING",
            Self::CantReread => "CANT_REREAD",
        }
    }
}

/// A fault for a caller: code plus the text after `NAME: ` in the XML-RPC faultString.
///
/// 4.3's `RPCError(code, extra)` writes `NAME: extra` whenever `extra` is not None — also
/// for an empty string (`getProcessInfo('')` answers `BAD_NAME: `) — and a bare `NAME` only
/// when no extra was given (`SHUTDOWN_STATE`, `UNKNOWN_METHOD`, a `readLog` range error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Which fault.
    pub code: FaultCode,
    /// Detail (often the process name); `None` for a bare fault.
    pub detail: Option<String>,
}

impl Fault {
    /// A fault with detail text (`NAME: detail`, even when the detail is empty).
    pub fn new(code: FaultCode, detail: impl Into<String>) -> Self {
        Fault {
            code,
            detail: Some(detail.into()),
        }
    }

    /// A fault without detail (`NAME`).
    pub fn bare(code: FaultCode) -> Self {
        Fault { code, detail: None }
    }
}

impl fmt::Display for Fault {
    /// supervisord's faultString: `NAME: detail`, or just `NAME` for a bare fault.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            None => f.write_str(self.code.name()),
            Some(detail) => write!(f, "{}: {}", self.code.name(), detail),
        }
    }
}

/// Log levels of the main log, with supervisord's numbers and 4-letter codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LogLevel {
    /// 3, `BLAT`
    Blather = 3,
    /// 5, `TRAC`
    Trace = 5,
    /// 10, `DEBG`
    Debug = 10,
    /// 20, `INFO`
    Info = 20,
    /// 30, `WARN`
    Warn = 30,
    /// 40, `ERRO`
    Error = 40,
    /// 50, `CRIT`
    Critical = 50,
}

impl LogLevel {
    /// The four-letter code in main-log lines.
    pub fn code(self) -> &'static str {
        match self {
            Self::Blather => "BLAT",
            Self::Trace => "TRAC",
            Self::Debug => "DEBG",
            Self::Info => "INFO",
            Self::Warn => "WARN",
            Self::Error => "ERRO",
            Self::Critical => "CRIT",
        }
    }
    /// Parse a `loglevel=` value case-insensitively (`warn`, `blather`, ...).
    pub fn from_name(name: &str) -> Option<LogLevel> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "critical" => Self::Critical,
            "error" => Self::Error,
            "warn" => Self::Warn,
            "info" => Self::Info,
            "debug" => Self::Debug,
            "trace" => Self::Trace,
            "blather" => Self::Blather,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_names_match_python_signame() {
        assert_eq!(Signal(6).name(), "SIGABRT");
        assert_eq!(Signal(17).name(), "SIGCHLD");
        assert_eq!(Signal(29).name(), "SIGPOLL");
        assert_eq!(Signal(0).name(), "signal 0");
        assert_eq!(Signal(33).name(), "signal 33");
        assert_eq!(Signal::from_name(" int "), Some(Signal::INT));
        assert_eq!(Signal::from_name("sigkill"), Some(Signal::KILL));
        assert_eq!(Signal::from_name("FOO"), None);
        assert!(Signal::is_known_number(0) && Signal::is_known_number(64));
        assert!(!Signal::is_known_number(33) && !Signal::is_known_number(100));
    }

    #[test]
    fn fault_string_format() {
        assert_eq!(
            Fault::new(FaultCode::BadName, "x").to_string(),
            "BAD_NAME: x"
        );
        assert_eq!(Fault::bare(FaultCode::Success).to_string(), "SUCCESS");
        assert_eq!(Fault::new(FaultCode::BadName, "").to_string(), "BAD_NAME: ");
    }
}
