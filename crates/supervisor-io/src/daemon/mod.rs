//! The daemon driver: one thread, one poll loop around the core state machine.
//!
//! ```text
//!   child pipes ──read one chunk──► child logs (rotating files, syslog, main log at debug)
//!               └──(events on / listener stdout)──► Input::Output, OutputClosed ─┐
//!   listener stdin ◄── per-process queue ◄── Effect::WriteStdin (EPIPE ► StdinClosed)
//!   pidfds / SIGCHLD ──reap──► Input::Exited ─┐
//!   self-pipe (binary only) ──► Input::Signal ├─► Supervisor::handle ─► effects ─► spawn,
//!   Handle (other threads) ──► Input::Request ┤                                   kill, log,
//!   HTTP clients (http/) ────► Input::Request ┤                                   HTTP answers,
//!   core.poll_timeout() passed ──► Timeout ───┘                                   reply, exit
//! ```
//!
//! [`Daemon::new`] does what supervisord does before its main loop: clean old AUTO child
//! logs, create the AUTO names, create fcgi sockets eagerly (to fail early), build the
//! core. [`Daemon::run`] applies the core's first effects (the boot spawns) and loops
//! until the core says Exit or Restart. An idle daemon sleeps in `poll` with no
//! timeout: no periodic wakeups.

mod autolog;
mod childlog;
mod effects;
mod events;
mod fcgi;
mod groups;
mod handle;
mod http;
mod logfile;
mod logops;
mod pipes;
mod process;
mod run;
mod setup;
pub mod spec;
mod stdin;
mod view;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use crate::poll::Poller;
use crossbeam_channel::{Receiver, Sender};
use supervisor_core::{Effect, Fault, Input, Now, ProcessId, Reply, RequestId, Supervisor};

pub use handle::{Disconnected, Handle};
pub use view::View;

use crate::mainlog::MainLog;
use crate::signals::SelfPipe;
use childlog::ChildLog;
use fcgi::FcgiSocket;
use handle::Command;
use process::Table;

/// How the daemon is embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaemonOptions {
    /// Catch TERM, INT, QUIT, HUP, USR2 and CHLD through a self-pipe (and ignore PIPE
    /// and XFSZ) for the run. The supervisord binary: `true`. A program embedding the
    /// daemon or a test: `false`, and inject signals with [`Handle::signal`]. Child
    /// exits are seen through pidfds either way.
    pub install_signal_handlers: bool,
}

/// Why [`Daemon::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Shutdown complete (TERM/INT/QUIT or the `shutdown` request): exit 0.
    Shutdown,
    /// Reload (HUP or the `restart` request): every child is stopped; the caller
    /// re-reads the config and runs a new daemon.
    Restart,
}

/// Why the daemon could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The poller or its wake-up channel could not be created (out of descriptors).
    #[error("cannot create the poller: {0}")]
    Poller(#[source] std::io::Error),
    /// Another signal self-pipe is installed in this process (only one daemon per
    /// process may install signal handlers).
    #[error("cannot install signal handlers: {0}")]
    Signals(#[from] crate::signals::InstallError),
    /// An `[fcgi-program:x]` socket could not be created: `Could not create FastCGI
    /// socket <url>: <err>`, supervisord's startup error.
    #[error("Could not create FastCGI socket {url}: {error}")]
    FcgiSocket {
        /// The socket URL.
        url: String,
        /// Python's text of the error.
        error: String,
    },
    /// An AUTO child log could not be created in `childlogdir`.
    #[error("cannot create an AUTO log file in {dir}: {error}")]
    AutoLog {
        /// The directory.
        dir: String,
        /// Python's text of the error.
        error: String,
    },
    /// An HTTP server socket could not be opened: 4.3's usage-error text (`Another
    /// program is already listening on a port that one of our HTTP servers is
    /// configured to use. ...`, `Cannot open an HTTP server: socket.error reported
    /// errno.EACCES (13)`); supervisord exits with status 2.
    #[error("{0}")]
    Http(String),
    /// Waiting in the poller failed for another reason than a signal.
    #[error("poll failed: {0}")]
    Poll(#[source] std::io::Error),
}

/// A daemon ready to run: config loaded, core built, nothing spawned yet.
pub struct Daemon {
    config: config::Config,
    log: MainLog,
    options: DaemonOptions,
    poller: Arc<Poller>,
    commands: Receiver<Command>,
    core: Supervisor,
    /// The core's first effects (the boot spawns), applied when `run` starts.
    initial: Vec<Effect>,
    table: Table,
    /// Live pids → their process.
    pids: HashMap<i32, ProcessId>,
    /// `[fcgi-program:x]` sockets by group name.
    sockets: HashMap<String, FcgiSocket>,
    /// Callers waiting for a reply.
    replies: HashMap<RequestId, Sender<Result<Reply, Fault>>>,
    next_request: u64,
    /// Facts waiting to be fed to the core, in order.
    inputs: VecDeque<Input>,
    /// Groups sent to the core with `AddGroup`, until `sync_groups` takes them in.
    added: Vec<config::GroupConfig>,
    /// Logs of reaped children that still hold bytes the disk refused.
    lingering: Vec<ChildLog>,
    /// When to retry pending log writes.
    retry_at: Option<Instant>,
    /// When to read the pipes in `deferred` (streaming children, splice mode).
    defer_at: Option<Instant>,
    deferred: Vec<(supervisor_core::ProcessId, childlog::Channel)>,
    /// When to poll children whose exit no pidfd reports (see `run::EXIT_POLL`).
    exit_poll_at: Option<Instant>,
    /// Children this loop iteration may still collect (see `run::REAP_BATCH`).
    reap_budget: usize,
    /// A `waitpid(-1)` drain stopped at the budget: more children may be waiting.
    reap_more: bool,
    signals: Option<SelfPipe>,
    outcome: Option<Outcome>,
    /// The HTTP servers and their connections.
    http: http::Http,
    /// Scratch buffer for pipe reads (one allocation for the daemon's life).
    read_buf: Vec<u8>,
    /// Run before a SIGHUP reaches the core (see [`Daemon::with_reload_check`]).
    reload_check: Option<ReloadCheck>,
}

/// What a reload would fail on: `Err(text)` refuses a SIGHUP before anything is stopped.
pub type ReloadCheck = Box<dyn Fn() -> Result<(), String> + Send>;

impl std::fmt::Debug for Daemon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Daemon")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The current time for the core.
pub(crate) fn now() -> Now {
    Now {
        mono: Instant::now(),
        wall: SystemTime::now(),
    }
}

impl Daemon {
    /// Prepare a daemon for `config`, logging to `log`, as supervisord does before its
    /// main loop: remove old AUTO child logs (unless `nocleanup`), name the new ones,
    /// create each fcgi socket once to fail early, build the core. Nothing is spawned
    /// before [`Daemon::run`]. Returns the handle other threads use; it answers until
    /// `run` returns.
    pub fn new(
        config: config::Config,
        log: MainLog,
        options: DaemonOptions,
    ) -> Result<(Daemon, Handle), DaemonError> {
        setup::new(config, log, options)
    }

    /// Run until shutdown or reload; returns the outcome and the main log (so that a
    /// reload keeps writing to the same log). Children are all stopped when it
    /// returns `Ok`.
    pub fn run(self) -> Result<(Outcome, MainLog), DaemonError> {
        // Dropping the pipe restores the handlers that were there before the run.
        run::run(self).map(|(outcome, log, _pipe)| (outcome, log))
    }

    /// The configuration file `supervisor.reloadConfig` re-reads (without one it
    /// answers CANT_REREAD).
    pub fn with_config_file(mut self, path: impl Into<std::path::PathBuf>) -> Daemon {
        self.http.config_file = Some(path.into());
        self
    }

    /// Check, when a SIGHUP arrives while supervisord is running, that the reload can
    /// succeed (the binary: the command line and the config file read again as the next
    /// pass will read them). On `Err(text)` the SIGHUP is refused: the error is logged and
    /// nothing is stopped, so the running config and processes are kept. (4.3 stops
    /// every child first, then fails to re-read the file and exits with status 2.) A file
    /// that breaks between the check and the re-read still ends the daemon as in 4.3.
    pub fn with_reload_check(mut self, check: ReloadCheck) -> Daemon {
        self.reload_check = Some(check);
        self
    }

    /// Use `pipe` — already installed, perhaps holding signals caught before the run —
    /// instead of installing handlers in [`Daemon::run_with_signals`]: the binary keeps
    /// one self-pipe from startup across reloads, so no signal ever meets the default
    /// action between two runs. Implies the binary's behaviour (SIGCHLD drains
    /// `waitpid(-1)`), whatever `install_signal_handlers` says.
    pub fn with_signal_pipe(mut self, pipe: SelfPipe) -> Daemon {
        self.signals = Some(pipe);
        self
    }

    /// [`Daemon::run`], handing back the self-pipe still installed (the adopted one, or
    /// the one `install_signal_handlers` made), with any signal caught after the loop
    /// ended still queued in it, for the next run to adopt.
    pub fn run_with_signals(self) -> Result<(Outcome, MainLog, Option<SelfPipe>), DaemonError> {
        run::run(self)
    }
}
