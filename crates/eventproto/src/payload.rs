//! Payloads: the text after the header, one format per event type, byte for byte as
//! supervisord 4.3's `payload()` methods render them (compared with captures of 4.3.0 in
//! `tests/python_bytes.rs`).

use crate::names::EventType;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// A process state name as `from_state:` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StateName {
    /// `STOPPED`
    Stopped,
    /// `STARTING`
    Starting,
    /// `RUNNING`
    Running,
    /// `BACKOFF`
    Backoff,
    /// `STOPPING`
    Stopping,
    /// `EXITED`
    Exited,
    /// `FATAL`
    Fatal,
    /// `UNKNOWN`
    Unknown,
}

impl StateName {
    /// The upper-case name.
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
    /// The `PROCESS_STATE_<NAME>` event of entering this state.
    pub fn event_type(self) -> EventType {
        match self {
            Self::Stopped => EventType::ProcessStateStopped,
            Self::Starting => EventType::ProcessStateStarting,
            Self::Running => EventType::ProcessStateRunning,
            Self::Backoff => EventType::ProcessStateBackoff,
            Self::Stopping => EventType::ProcessStateStopping,
            Self::Exited => EventType::ProcessStateExited,
            Self::Fatal => EventType::ProcessStateFatal,
            Self::Unknown => EventType::ProcessStateUnknown,
        }
    }
}

/// A child output channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    /// `stdout`
    Stdout,
    /// `stderr`
    Stderr,
}

impl Channel {
    /// `stdout` / `stderr`.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Stdout => "stdout",
            Channel::Stderr => "stderr",
        }
    }
}

/// The three TICK periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TickPeriod {
    /// `TICK_5`
    Five,
    /// `TICK_60`
    Sixty,
    /// `TICK_3600`
    Hour,
}

impl TickPeriod {
    /// All three, in the order 4.3 emits them within one check.
    pub const ALL: [TickPeriod; 3] = [TickPeriod::Five, TickPeriod::Sixty, TickPeriod::Hour];
    /// The period in seconds.
    pub fn secs(self) -> u64 {
        match self {
            TickPeriod::Five => 5,
            TickPeriod::Sixty => 60,
            TickPeriod::Hour => 3600,
        }
    }
    /// The event type.
    pub fn event_type(self) -> EventType {
        match self {
            TickPeriod::Five => EventType::Tick5,
            TickPeriod::Sixty => EventType::Tick60,
            TickPeriod::Hour => EventType::Tick3600,
        }
    }
}

/// The data of one event; [`Payload::render`] gives its text and [`Payload::event_type`]
/// its header name. Names are the process and group names as configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payload {
    /// `PROCESS_STATE_<to>`: `processname:p groupname:g from_state:S` then, by `to`:
    /// STARTING/BACKOFF ` tries:n`; RUNNING/STOPPING/STOPPED ` pid:n`; EXITED
    /// ` expected:0|1 pid:n`; FATAL/UNKNOWN nothing.
    ProcessState {
        /// The state entered.
        to: StateName,
        /// Process name.
        processname: String,
        /// Group name.
        groupname: String,
        /// The state left.
        from: StateName,
        /// The backoff counter (after the increment, for BACKOFF).
        tries: u32,
        /// For EXITED: whether the exit code was expected.
        expected: bool,
        /// The pid (0 when none, e.g. STOPPED from BACKOFF).
        pid: i32,
    },
    /// `PROCESS_LOG_<CHANNEL>`: `processname:p groupname:g pid:n channel:c\n<data>`.
    ProcessLog {
        /// Which channel.
        channel: Channel,
        /// Process name.
        processname: String,
        /// Group name.
        groupname: String,
        /// The pid at the time of the read (0 if already reaped).
        pid: i32,
        /// The chunk as logged.
        data: Vec<u8>,
    },
    /// `PROCESS_COMMUNICATION_<CHANNEL>`: `processname:p groupname:g pid:n\n<data>`.
    ProcessCommunication {
        /// Which channel.
        channel: Channel,
        /// Process name.
        processname: String,
        /// Group name.
        groupname: String,
        /// The pid.
        pid: i32,
        /// The bytes between the BEGIN and END tokens.
        data: Vec<u8>,
    },
    /// `REMOTE_COMMUNICATION`: `type:<type>\n<data>`.
    RemoteCommunication {
        /// The client's `type` argument.
        kind: String,
        /// The client's `data` argument.
        data: String,
    },
    /// `SUPERVISOR_STATE_CHANGE_RUNNING` / `_STOPPING`: empty.
    SupervisorStateChange {
        /// STOPPING rather than RUNNING.
        stopping: bool,
    },
    /// `TICK_<n>`: `when:<epoch>` (start of the new timeslice).
    Tick {
        /// Which tick.
        period: TickPeriod,
        /// Epoch seconds, a multiple of the period.
        when: i64,
    },
    /// `PROCESS_GROUP_ADDED` / `_REMOVED`: `groupname:<g>\n` (trailing newline).
    ProcessGroup {
        /// REMOVED rather than ADDED.
        removed: bool,
        /// Group name.
        groupname: String,
    },
    /// `MONITOR_QUERY` (new): `pids:` then ` <pid>` per running process.
    MonitorQuery {
        /// Pids of the RUNNING processes.
        pids: Vec<i32>,
    },
}

impl Payload {
    /// The concrete type of the header.
    pub fn event_type(&self) -> EventType {
        match self {
            Payload::ProcessState { to, .. } => to.event_type(),
            Payload::ProcessLog {
                channel: Channel::Stdout,
                ..
            } => EventType::ProcessLogStdout,
            Payload::ProcessLog {
                channel: Channel::Stderr,
                ..
            } => EventType::ProcessLogStderr,
            Payload::ProcessCommunication {
                channel: Channel::Stdout,
                ..
            } => EventType::ProcessCommunicationStdout,
            Payload::ProcessCommunication {
                channel: Channel::Stderr,
                ..
            } => EventType::ProcessCommunicationStderr,
            Payload::RemoteCommunication { .. } => EventType::RemoteCommunication,
            Payload::SupervisorStateChange { stopping: false } => {
                EventType::SupervisorStateChangeRunning
            }
            Payload::SupervisorStateChange { stopping: true } => {
                EventType::SupervisorStateChangeStopping
            }
            Payload::Tick { period, .. } => period.event_type(),
            Payload::ProcessGroup { removed: false, .. } => EventType::ProcessGroupAdded,
            Payload::ProcessGroup { removed: true, .. } => EventType::ProcessGroupRemoved,
            Payload::MonitorQuery { .. } => EventType::MonitorQuery,
        }
    }

    /// The payload text (a Python `str` in 4.3; written to the listener as UTF-8).
    pub fn render(&self) -> String {
        match self {
            Payload::ProcessState {
                to,
                processname,
                groupname,
                from,
                tries,
                expected,
                pid,
            } => {
                let mut s = format!(
                    "processname:{processname} groupname:{groupname} from_state:{}",
                    from.name()
                );
                // Writing to a String cannot fail.
                let _ = match to {
                    StateName::Starting | StateName::Backoff => write!(s, " tries:{tries}"),
                    StateName::Running | StateName::Stopping | StateName::Stopped => {
                        write!(s, " pid:{pid}")
                    }
                    StateName::Exited => write!(s, " expected:{} pid:{pid}", u8::from(*expected)),
                    StateName::Fatal | StateName::Unknown => Ok(()),
                };
                s
            }
            Payload::ProcessLog {
                channel,
                processname,
                groupname,
                pid,
                data,
            } => format!(
                "processname:{processname} groupname:{groupname} pid:{pid} channel:{}\n{}",
                channel.name(),
                decode(data)
            ),
            Payload::ProcessCommunication {
                processname,
                groupname,
                pid,
                data,
                ..
            } => format!(
                "processname:{processname} groupname:{groupname} pid:{pid}\n{}",
                decode(data)
            ),
            Payload::RemoteCommunication { kind, data } => format!("type:{kind}\n{data}"),
            Payload::SupervisorStateChange { .. } => String::new(),
            Payload::Tick { when, .. } => format!("when:{when}"),
            Payload::ProcessGroup { groupname, .. } => format!("groupname:{groupname}\n"),
            Payload::MonitorQuery { pids } => {
                let mut s = "pids:".to_string();
                for pid in pids {
                    let _ = write!(s, " {pid}");
                }
                s
            }
        }
    }
}

/// 4.3's `as_string(data)` with its fallback: the UTF-8 text, or `Undecodable: b'...'`
/// (Python's bytes repr) when the data is not valid UTF-8.
pub fn decode(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(text) => text.to_string(),
        Err(_) => format!("Undecodable: {}", repr_bytes_literal(data)),
    }
}

/// Python's `repr()` of a `bytes` object: `b'...'`, printable ASCII as is, `\\`, the
/// quote, `\t`, `\n`, `\r` escaped, every other byte as `\xNN`. (The same function as
/// `supervisor_core::pyrepr::repr_bytes_literal`; this crate depends on nothing.)
pub fn repr_bytes_literal(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(char::from(quote));
    for &byte in b {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            q if q == quote => {
                out.push('\\');
                out.push(char::from(q));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push(char::from(quote));
    out
}
