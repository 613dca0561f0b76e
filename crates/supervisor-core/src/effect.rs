//! Effects: the imperatives [`crate::Supervisor`] returns for the driver to carry out, in
//! order.

use crate::input::{CheckId, LogChannel, RequestId};
use crate::supervisor::ProcessId;
use crate::vocab::{Fault, FaultCode, LogLevel, Pid, ProcessStateCode, Signal};
use eventproto::TickPeriod;
use serde::{Deserialize, Serialize};

/// One thing the driver must do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Check that the process' command can be executed, without spawning; answer with
    /// [`crate::Input::CommandChecked`]. Issued by start requests (4.3's pre-check: a
    /// failing check leaves the process state untouched).
    CheckCommand {
        /// Echo in the answer.
        check: CheckId,
        /// Whose command.
        process: ProcessId,
    },
    /// Fork and exec the process; answer with [`crate::Input::Spawned`] or
    /// [`crate::Input::SpawnFailed`].
    Spawn {
        /// Which process.
        process: ProcessId,
        /// Its group name.
        group: String,
        /// Its process name.
        name: String,
    },
    /// Send a signal meant to make the process exit (stopsignal, then SIGKILL). Report only
    /// non-ESRCH failures, with [`crate::Input::KillFailed`].
    Kill {
        /// Which process.
        process: ProcessId,
        /// The child's pid.
        pid: Pid,
        /// The signal.
        signal: Signal,
        /// Send to the process group (`kill(-pid, sig)`): stopasgroup / killasgroup.
        to_group: bool,
    },
    /// Send a signal a client asked for (`signalProcess`), to the pid only. Report only
    /// non-ESRCH failures, with [`crate::Input::SignalFailed`].
    Signal {
        /// Which process.
        process: ProcessId,
        /// The child's pid.
        pid: Pid,
        /// The signal.
        signal: Signal,
    },
    /// Answer a request.
    Reply {
        /// The request's id.
        id: RequestId,
        /// The value, or a fault.
        result: Result<Reply, Fault>,
    },
    /// Write a line to the main log (texts as supervisord 4.3's, spec §2.6).
    Log {
        /// Level.
        level: LogLevel,
        /// The message, without timestamp and level.
        message: String,
    },
    /// A notification. The core routes it to its event pools itself (the listeners then
    /// get [`Effect::WriteStdin`]); drivers may ignore it or use it for tracing.
    Event(Event),
    /// Write these bytes to the stdin of `process` (an event listener): an event header
    /// and payload. Write them completely and in order with other WriteStdin effects of
    /// the same process. If the pipe is closed (EPIPE), report
    /// [`crate::Input::StdinClosed`]; nothing else is reported.
    WriteStdin {
        /// The listener process.
        process: ProcessId,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// Reopen the main log and every child log (SIGUSR2).
    ReopenLogs,
    /// Shutdown complete: exit the daemon with this code.
    Exit {
        /// The exit code (0).
        code: i32,
    },
    /// Reload complete (every process stopped): re-read the config and build a new core.
    Restart,
}

/// The value of a successful request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// A boolean (always `true` in 4.3's API).
    Bool(bool),
    /// One result struct per process acted on (group and "all" methods).
    Results(Vec<ProcessResult>),
}

/// The result struct of group and "all" methods (spec §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessResult {
    /// Process name.
    pub name: String,
    /// Group name.
    pub group: String,
    /// [`FaultCode::Success`] or the fault.
    pub status: FaultCode,
    /// `OK` or the faultString.
    pub description: String,
}

impl ProcessResult {
    pub(crate) fn new(group: &str, name: &str, result: &Result<(), Fault>) -> Self {
        let (status, description) = match result {
            Ok(()) => (FaultCode::Success, "OK".to_string()),
            Err(fault) => (fault.code, fault.to_string()),
        };
        ProcessResult {
            name: name.to_string(),
            group: group.to_string(),
            status,
            description,
        }
    }
}

/// Notifications for the event system (payload encoding lives elsewhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// `PROCESS_STATE_<to>`.
    ProcessState {
        /// Which process.
        process: ProcessId,
        /// Previous state.
        from: ProcessStateCode,
        /// New state.
        to: ProcessStateCode,
        /// For EXITED: whether the exit code was expected.
        expected: bool,
        /// The pid, when the process has (or just had) one.
        pid: Option<Pid>,
        /// The backoff counter (`tries:` of STARTING and BACKOFF events).
        tries: u32,
    },
    /// `PROCESS_GROUP_ADDED`.
    GroupAdded {
        /// Group name.
        group: String,
    },
    /// `PROCESS_GROUP_REMOVED`.
    GroupRemoved {
        /// Group name.
        group: String,
    },
    /// `SUPERVISOR_STATE_CHANGE_RUNNING`.
    SupervisorRunning,
    /// `SUPERVISOR_STATE_CHANGE_STOPPING`.
    SupervisorStopping,
    /// `PROCESS_LOG_STDOUT` / `PROCESS_LOG_STDERR` (when `*_events_enabled`).
    ProcessLog {
        /// Whose output.
        process: ProcessId,
        /// Which channel.
        channel: LogChannel,
        /// The pid at the time of the read (None once reaped: `pid:0`).
        pid: Option<Pid>,
        /// The chunk.
        data: Vec<u8>,
    },
    /// `PROCESS_COMMUNICATION_STDOUT` / `_STDERR` (capture mode, END token seen).
    ProcessCommunication {
        /// Whose output.
        process: ProcessId,
        /// Which channel.
        channel: LogChannel,
        /// The pid.
        pid: Option<Pid>,
        /// The captured bytes.
        data: Vec<u8>,
    },
    /// `REMOTE_COMMUNICATION` (`sendRemoteCommEvent`).
    RemoteCommunication {
        /// `type` argument.
        kind: String,
        /// `data` argument.
        data: String,
    },
    /// `TICK_5` / `TICK_60` / `TICK_3600` (only while some pool subscribes).
    Tick {
        /// Which period.
        period: TickPeriod,
        /// Start of the new timeslice, epoch seconds.
        when: i64,
    },
}
