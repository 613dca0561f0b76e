//! One supervised process: its spec, its state (which carries pid and deadlines), and the
//! history supervisord displays.

use crate::spec::ProcessSpec;
use crate::supervisor::ProcessId;
use crate::vocab::{Pid, ProcessStateCode};
use std::time::{Instant, SystemTime};

/// A process state with exactly its data. Nine variants for supervisord's eight states:
/// `Spawning` is STARTING while the driver forks (4.3 forks synchronously, so it has no
/// such moment; here a Spawn effect is answered by an input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProcessState {
    /// STOPPED: never started, stopped by request, or stopped from BACKOFF.
    Stopped,
    /// STARTING, Spawn effect issued, no pid yet.
    Spawning {
        /// When the spawn began (4.3's `laststart`).
        since: Instant,
        /// A stop arrived before the pid: kill as soon as it is known.
        stop_requested: bool,
    },
    /// STARTING: up, not yet for more than `startsecs`.
    Starting {
        /// The child.
        pid: Pid,
        /// When the spawn began.
        since: Instant,
    },
    /// RUNNING.
    Running {
        /// The child.
        pid: Pid,
    },
    /// BACKOFF: failed to start; retried once `retry_at` is reached.
    Backoff {
        /// Due instant of the next attempt (4.3: `now > delay`, so one tick past it).
        retry_at: Instant,
    },
    /// STOPPING: kill signal sent.
    Stopping {
        /// The child.
        pid: Pid,
        /// When to send (another) SIGKILL.
        kill_at: Instant,
        /// Whether SIGKILL was already sent (a failure of the first stop signal faults the
        /// stop request; a failure of a later SIGKILL does not, as in 4.3).
        sigkill_sent: bool,
        /// When "waiting for <name> to stop" was last logged for a waiting stop request.
        reported_at: Option<Instant>,
    },
    /// EXITED: exited from RUNNING.
    Exited {
        /// Whether the exit code was in `exitcodes` (signal deaths never are).
        expected: bool,
    },
    /// FATAL: gave up after too many start retries (or BACKOFF at shutdown).
    Fatal,
    /// UNKNOWN: a kill or signal failed; the child may still be alive.
    Unknown {
        /// The child.
        pid: Pid,
    },
}

impl ProcessState {
    /// The state code clients see.
    pub(crate) fn code(&self) -> ProcessStateCode {
        match self {
            ProcessState::Stopped => ProcessStateCode::Stopped,
            ProcessState::Spawning { .. } | ProcessState::Starting { .. } => {
                ProcessStateCode::Starting
            }
            ProcessState::Running { .. } => ProcessStateCode::Running,
            ProcessState::Backoff { .. } => ProcessStateCode::Backoff,
            ProcessState::Stopping { .. } => ProcessStateCode::Stopping,
            ProcessState::Exited { .. } => ProcessStateCode::Exited,
            ProcessState::Fatal => ProcessStateCode::Fatal,
            ProcessState::Unknown { .. } => ProcessStateCode::Unknown,
        }
    }

    /// The child's pid, in the states that have one.
    pub(crate) fn pid(&self) -> Option<Pid> {
        match self {
            ProcessState::Starting { pid, .. }
            | ProcessState::Running { pid }
            | ProcessState::Stopping { pid, .. }
            | ProcessState::Unknown { pid } => Some(*pid),
            ProcessState::Stopped
            | ProcessState::Spawning { .. }
            | ProcessState::Backoff { .. }
            | ProcessState::Exited { .. }
            | ProcessState::Fatal => None,
        }
    }
}

/// What supervisord shows about a process and keeps across states (4.3's `laststart`,
/// `laststop`, `spawnerr`, `exitstatus`, `backoff`): these outlive the state that set them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct History {
    /// Wall time of the last spawn; `None` = never started (autostart only then).
    pub(crate) laststart: Option<SystemTime>,
    /// Wall time of the last reap.
    pub(crate) laststop: Option<SystemTime>,
    /// Why the last start failed, or `Bad exit code N`.
    pub(crate) spawnerr: Option<String>,
    /// The last exit code (-1 for a signal); `None` after a spawn or a too-quick exit.
    pub(crate) exitstatus: Option<i32>,
    /// The backoff counter. It lives here, not in `Backoff`, because 4.3 resets it only on
    /// RUNNING, on an exit from RUNNING and on giving up: stopping from BACKOFF keeps it
    /// (quirk, spec §11 item 6), so the next start request gets fewer retries.
    pub(crate) backoff: u32,
}

/// One process and everything the core knows about it.
#[derive(Debug, Clone)]
pub(crate) struct Process {
    /// Its id (index in the supervisor's process table).
    pub(crate) id: ProcessId,
    /// Its group's name.
    pub(crate) group: String,
    /// Its options.
    pub(crate) spec: ProcessSpec,
    /// Its state.
    pub(crate) state: ProcessState,
    /// What outlives states.
    pub(crate) history: History,
    /// False once its group was removed (`removeProcessGroup`): ids are never reused, so
    /// the entry stays, invisible and inert.
    pub(crate) active: bool,
}

impl Process {
    /// `group:name`, or `name` when both are equal (4.3's `make_namespec`).
    pub(crate) fn namespec(&self) -> String {
        if self.group == self.spec.name {
            self.spec.name.clone()
        } else {
            format!("{}:{}", self.group, self.spec.name)
        }
    }
    /// The state code.
    pub(crate) fn code(&self) -> ProcessStateCode {
        self.state.code()
    }
}
