//! Inputs: the facts a driver feeds to [`crate::Supervisor::handle`].

use crate::supervisor::ProcessId;
use crate::vocab::{ExitStatus, Pid, Signal};
use serde::{Deserialize, Serialize};

/// Identifies one client request; chosen by the driver, echoed in [`crate::Effect::Reply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestId(pub u64);

/// Identifies one [`crate::Effect::CheckCommand`]; echoed in [`Input::CommandChecked`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CheckId(pub u64);

/// One fact from the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    /// Answer to [`crate::Effect::CheckCommand`]: whether the command can be executed
    /// (supervisord's `get_execv_args` pre-check done by `startProcess`).
    CommandChecked {
        /// The check being answered.
        check: CheckId,
        /// `Ok` if the command was found and is executable.
        result: Result<(), SpawnError>,
    },
    /// Answer to [`crate::Effect::Spawn`]: the child was forked.
    Spawned {
        /// Which process.
        process: ProcessId,
        /// The child's pid.
        pid: Pid,
    },
    /// Answer to [`crate::Effect::Spawn`]: no child was created.
    SpawnFailed {
        /// Which process.
        process: ProcessId,
        /// Why.
        error: SpawnError,
    },
    /// A child was reaped (`waitpid`). Unknown pids are logged and otherwise ignored.
    Exited {
        /// The reaped pid.
        pid: Pid,
        /// How it ended.
        status: ExitStatus,
    },
    /// A [`crate::Effect::Kill`] failed with an error other than ESRCH (ESRCH means the
    /// child is already gone; its exit will be reaped, so drivers do not report it).
    KillFailed {
        /// The pid of the Kill effect (not negated for group kills).
        pid: Pid,
        /// The OS error as text, e.g. `[Errno 1] Operation not permitted`.
        error: String,
    },
    /// A [`crate::Effect::Signal`] failed with an error other than ESRCH.
    SignalFailed {
        /// The pid of the Signal effect.
        pid: Pid,
        /// The OS error as text.
        error: String,
    },
    /// supervisord itself received a signal.
    Signal(Signal),
    /// A client request; answered by exactly one [`crate::Effect::Reply`] with the same id.
    Request {
        /// Echoed in the reply.
        id: RequestId,
        /// What the client asks.
        request: Request,
    },
    /// The deadline returned by [`crate::Supervisor::poll_timeout`] passed.
    Timeout,
    /// Clearing a log (remove and reopen) failed: puts supervisord in FATAL.
    LogClearFailed {
        /// Which log.
        target: LogTarget,
        /// The OS error as text.
        error: String,
    },
    /// A chunk read from a child's stdout or stderr (after `strip_ansi`, if set). For an
    /// event listener's stdout this is the listener protocol (`READY`, `RESULT`); for
    /// other channels it drives PROCESS_LOG events and capture mode, when enabled in the
    /// [`crate::EventSpec`]. The driver still writes the child logs itself (with
    /// capture mode on, it runs `eventproto::CaptureScanner` over the same bytes to keep
    /// captured text out of the log file).
    Output {
        /// Whose output.
        process: ProcessId,
        /// Which pipe.
        channel: LogChannel,
        /// The bytes, as read.
        bytes: Vec<u8>,
    },
    /// A child's stdout or stderr reached EOF: capture mode flushes what it held back.
    OutputClosed {
        /// Whose pipe.
        process: ProcessId,
        /// Which pipe.
        channel: LogChannel,
    },
    /// A [`crate::Effect::WriteStdin`] failed because the listener's stdin is closed
    /// (EPIPE): the event goes back to its pool, the listener gets no more events until
    /// it is spawned again.
    StdinClosed {
        /// The listener.
        process: ProcessId,
    },
    /// Removing a log file outright failed (e.g. an old AUTO child log, a rotated
    /// backup): puts supervisord in FATAL.
    LogRemoveFailed {
        /// The file.
        path: String,
        /// The OS error as text.
        error: String,
    },
    /// Writing supervisord's own main log failed (a full disk, `logfile=/dev/full`): puts
    /// supervisord in FATAL. Drivers report it once per failure episode (until a write
    /// succeeds again), not once per line.
    MainLogWriteFailed {
        /// The error as text.
        error: String,
    },
}

/// A log the driver failed to clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogTarget {
    /// supervisord's main (activity) log, cleared by `clearLog`.
    Main,
    /// A child log, cleared by `clearProcessLogs`.
    Process {
        /// Whose log.
        process: ProcessId,
        /// Which stream.
        channel: LogChannel,
    },
}

/// A child log stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogChannel {
    /// `stdout_logfile`.
    Stdout,
    /// `stderr_logfile`.
    Stderr,
}

/// Why a process could not be spawned. The kind decides the fault a start request gets;
/// the message is supervisord's text (logged as `spawnerr: <message>` and shown as the
/// process description). Constructors produce the exact 4.3 texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpawnError {
    /// The command was not found: fault NO_FILE.
    NotFound {
        /// e.g. `can't find command 'foo'`.
        message: String,
    },
    /// The command cannot be executed (directory, no x bit, no permission, unparsable,
    /// empty): fault NOT_EXECUTABLE.
    NotExecutable {
        /// e.g. `command at '/tmp' is a directory`.
        message: String,
    },
    /// An OS resource ran out or failed (pipes, fork): fault SPAWN_ERROR.
    Resources {
        /// e.g. `too many open files to spawn 'foo'`.
        message: String,
    },
}

impl SpawnError {
    /// The message text.
    pub fn message(&self) -> &str {
        match self {
            SpawnError::NotFound { message }
            | SpawnError::NotExecutable { message }
            | SpawnError::Resources { message } => message,
        }
    }
    /// `can't find command '<program>'`
    pub fn not_found(program: &str) -> Self {
        SpawnError::NotFound {
            message: format!("can't find command {}", py_repr(program)),
        }
    }
    /// `command at '<path>' is a directory`
    pub fn is_directory(path: &str) -> Self {
        Self::not_executable_msg(format!("command at {} is a directory", py_repr(path)))
    }
    /// `command at '<path>' is not executable`
    pub fn not_executable(path: &str) -> Self {
        Self::not_executable_msg(format!("command at {} is not executable", py_repr(path)))
    }
    /// `no permission to run command '<path>'`
    pub fn no_permission(path: &str) -> Self {
        Self::not_executable_msg(format!("no permission to run command {}", py_repr(path)))
    }
    /// `can't parse command '<command>': <error>`
    pub fn cant_parse(command: &str, error: &str) -> Self {
        Self::not_executable_msg(format!("can't parse command {}: {error}", py_repr(command)))
    }
    /// `command is empty`
    pub fn empty_command() -> Self {
        Self::not_executable_msg("command is empty".to_string())
    }
    /// `too many open files to spawn '<name>'` (EMFILE while making pipes).
    pub fn too_many_open_files(name: &str) -> Self {
        Self::resources(format!("too many open files to spawn '{name}'"))
    }
    /// `unknown error making dispatchers for '<name>': <ERRNO>`
    pub fn pipe_error(name: &str, errno_name: &str) -> Self {
        Self::resources(format!(
            "unknown error making dispatchers for '{name}': {errno_name}"
        ))
    }
    /// `Too many processes in process table to spawn '<name>'` (EAGAIN from fork).
    pub fn process_table_full(name: &str) -> Self {
        Self::resources(format!(
            "Too many processes in process table to spawn '{name}'"
        ))
    }
    /// `unknown error during fork for '<name>': <ERRNO>`
    pub fn fork_error(name: &str, errno_name: &str) -> Self {
        Self::resources(format!(
            "unknown error during fork for '{name}': {errno_name}"
        ))
    }
    fn not_executable_msg(message: String) -> Self {
        SpawnError::NotExecutable { message }
    }
    fn resources(message: String) -> Self {
        SpawnError::Resources { message }
    }
}

pub(crate) use crate::pyrepr::repr_str as py_repr;

/// What a client asks (the state-changing `supervisor.*` methods; read-only ones are
/// query methods on [`crate::Supervisor`]). Names are namespecs as in 4.3: `group:process`,
/// `group:*` or `group:` for a whole group, and a bare `name` meaning `name:name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// `startProcess(name, wait)`; a group spec answers like `startProcessGroup`.
    Start {
        /// Namespec.
        name: String,
        /// Reply only once RUNNING (or failed).
        wait: bool,
    },
    /// `startProcessGroup(name, wait)`.
    StartGroup {
        /// Group name.
        name: String,
        /// Wait for each process.
        wait: bool,
    },
    /// `startAllProcesses(wait)`.
    StartAll {
        /// Wait for each process.
        wait: bool,
    },
    /// `stopProcess(name, wait)`; a group spec answers like `stopProcessGroup`.
    Stop {
        /// Namespec.
        name: String,
        /// Reply only once stopped.
        wait: bool,
    },
    /// `stopProcessGroup(name, wait)`.
    StopGroup {
        /// Group name.
        name: String,
        /// Wait for each process.
        wait: bool,
    },
    /// `stopAllProcesses(wait)`: ascending priority, as 4.3 (quirk, spec §11 item 8).
    StopAll {
        /// Wait for each process.
        wait: bool,
    },
    /// `signalProcess(name, signal)`; a group spec answers like `signalProcessGroup`.
    Signal {
        /// Namespec.
        name: String,
        /// A signal name (`HUP`, `SIGHUP`) or number, as the client sent it.
        signal: String,
    },
    /// `signalProcessGroup(name, signal)`.
    SignalGroup {
        /// Group name.
        name: String,
        /// A signal name or number.
        signal: String,
    },
    /// `signalAllProcesses(signal)`.
    SignalAll {
        /// A signal name or number.
        signal: String,
    },
    /// `addProcessGroup(name)`: activate a group of the last config read. The driver holds
    /// that config: it faults BAD_NAME itself for a name the config lacks and sends the
    /// group's spec here. New processes autostart through the normal transitions.
    AddGroup {
        /// The group to add.
        group: crate::spec::GroupSpec,
    },
    /// `removeProcessGroup(name)`: BAD_NAME if not active, STILL_RUNNING unless every
    /// process is in a stopped state.
    RemoveGroup {
        /// Group name.
        name: String,
    },
    /// `shutdown()`.
    Shutdown,
    /// `restart()`: stop everything, then [`crate::Effect::Restart`].
    Restart,
    /// `clearFatal()` (new): return supervisord from FATAL to RUNNING.
    ClearFatal,
    /// `sendRemoteCommEvent(type, data)`: a REMOTE_COMMUNICATION event; replies `true`.
    SendRemoteCommEvent {
        /// `type`.
        kind: String,
        /// `data`.
        data: String,
    },
    /// New: query the monitor pool `pool` now (a MONITOR_QUERY event, unless one is
    /// already waiting); replies `true`, or BAD_NAME if `pool` is no monitor pool. The
    /// answer is read later with [`crate::Supervisor::monitor_result`].
    QueryMonitor {
        /// The pool name.
        pool: String,
    },
    /// `addProcessGroup(name)` for a group with event options (a listener pool, output
    /// events): like [`Request::AddGroup`], with the group's [`crate::GroupEvents`].
    AddGroupWithEvents {
        /// The group to add.
        group: crate::spec::GroupSpec,
        /// Its event options.
        events: crate::events::spec::GroupEvents,
    },
}
