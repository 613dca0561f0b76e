//! [`Handle`]: how other threads talk to a running [`super::Daemon`].
//!
//! Every call sends a command over a channel and wakes the loop with
//! `Poller::notify`; the loop answers on a one-shot channel. Nothing is shared but
//! the channel and the poller, so the daemon's state is only ever touched by its own
//! thread.

use std::sync::Arc;

use crate::poll::Poller;
use crossbeam_channel::{Sender, bounded};
use supervisor_core::{Fault, ProcessInfo, Reply, Request, Signal, SupervisorStateCode};

use super::view::View;

/// The daemon's loop has ended (or never started and was dropped): nobody answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the supervisor daemon is not running")]
pub struct Disconnected;

/// A query run on the loop's thread against the daemon's state.
pub(crate) type Query = Box<dyn FnOnce(&View<'_>) + Send>;

/// What a [`Handle`] asks of the loop.
pub(crate) enum Command {
    /// A core request; the reply goes back on `reply` (perhaps much later, for `wait`).
    Request {
        request: Request,
        reply: Sender<Result<Reply, Fault>>,
    },
    /// A read-only look at the state.
    Query(Query),
    /// Act as if the daemon had received this signal.
    Signal(Signal),
    /// `addProcessGroup` with the group's full config.
    AddGroup(Box<config::GroupConfig>, Sender<Result<Reply, Fault>>),
    /// `sendProcessStdin(name, chars)`.
    SendStdin(String, Vec<u8>, Sender<Result<(), Fault>>),
    /// `clearLog`.
    ClearLog(Sender<Result<(), Fault>>),
    /// `clearProcessLogs(name)`.
    ClearProcessLogs(String, Sender<Result<(), Fault>>),
}

/// A cheap, cloneable, `Send` handle to a daemon: start/stop/query from other threads.
#[derive(Clone)]
pub struct Handle {
    pub(crate) commands: Sender<Command>,
    pub(crate) poller: Arc<Poller>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

impl Handle {
    fn send(&self, command: Command) -> Result<(), Disconnected> {
        self.commands.send(command).map_err(|_| Disconnected)?;
        // A failed notify only delays the command to the loop's next wakeup.
        let _ = self.poller.notify();
        Ok(())
    }

    /// Send a request (start, stop, signal, shutdown, ...) and block until the daemon
    /// answers: at once, or after the transition a `wait=true` request waits for.
    /// `Err(Disconnected)` if the loop ends first.
    pub fn request(&self, request: Request) -> Result<Result<Reply, Fault>, Disconnected> {
        let (reply, answer) = bounded(1);
        self.send(Command::Request { request, reply })?;
        answer.recv().map_err(|_| Disconnected)
    }

    /// Run `f` on the loop's thread with a read-only [`View`] of the daemon and return
    /// its result: the general form of the queries below (for the RPC layer).
    pub fn query<T, F>(&self, f: F) -> Result<T, Disconnected>
    where
        T: Send + 'static,
        F: FnOnce(&View<'_>) -> T + Send + 'static,
    {
        let (tx, rx) = bounded(1);
        self.send(Command::Query(Box::new(move |view: &View<'_>| {
            let _ = tx.send(f(view));
        })))?;
        rx.recv().map_err(|_| Disconnected)
    }

    /// `getProcessInfo(namespec)` (BAD_NAME for unknown names, SHUTDOWN_STATE while
    /// stopping).
    pub fn process_info(&self, namespec: &str) -> Result<Result<ProcessInfo, Fault>, Disconnected> {
        let name = namespec.to_owned();
        self.query(move |view| view.process_info(&name))
    }

    /// `getAllProcessInfo()`.
    pub fn all_process_info(&self) -> Result<Result<Vec<ProcessInfo>, Fault>, Disconnected> {
        self.query(|view| view.all_process_info())
    }

    /// supervisord's state (never faults, unlike `getState`).
    pub fn state(&self) -> Result<SupervisorStateCode, Disconnected> {
        self.query(|view| view.core().supervisor_state())
    }

    /// `addProcessGroup`: activate `group` (from a re-read config, see
    /// `config::diff_groups`). Answers `true`, ALREADY_ADDED, or FAILED when its fcgi
    /// socket cannot be created. Its autostart processes start at once.
    /// (`Request::AddGroup` through [`Handle::request`] is refused with FAILED: the
    /// driver needs the commands and logs that only the config has.)
    pub fn add_group(
        &self,
        group: config::GroupConfig,
    ) -> Result<Result<Reply, Fault>, Disconnected> {
        let (tx, rx) = bounded(1);
        self.send(Command::AddGroup(Box::new(group), tx))?;
        rx.recv().map_err(|_| Disconnected)
    }

    /// `removeProcessGroup(name)`: BAD_NAME, STILL_RUNNING unless every process is
    /// stopped, else `true`; the group's logs are closed.
    pub fn remove_group(&self, name: &str) -> Result<Result<Reply, Fault>, Disconnected> {
        self.request(Request::RemoveGroup {
            name: name.to_owned(),
        })
    }

    /// `sendProcessStdin(namespec, chars)`: queue `data` for the child's stdin (BAD_NAME,
    /// NOT_RUNNING — no pid or stopping —, NO_FILE when its stdin is closed).
    pub fn send_stdin(
        &self,
        namespec: &str,
        data: impl Into<Vec<u8>>,
    ) -> Result<Result<(), Fault>, Disconnected> {
        let (tx, rx) = bounded(1);
        self.send(Command::SendStdin(namespec.to_owned(), data.into(), tx))?;
        rx.recv().map_err(|_| Disconnected)
    }

    /// `clearLog()`: remove and reopen the main log (NO_FILE without one, FAILED if
    /// it cannot be removed — which also puts supervisord in FATAL).
    pub fn clear_log(&self) -> Result<Result<(), Fault>, Disconnected> {
        let (tx, rx) = bounded(1);
        self.send(Command::ClearLog(tx))?;
        rx.recv().map_err(|_| Disconnected)
    }

    /// `clearProcessLogs(namespec)`: remove and reopen the process's open logs.
    pub fn clear_process_logs(&self, namespec: &str) -> Result<Result<(), Fault>, Disconnected> {
        let (tx, rx) = bounded(1);
        self.send(Command::ClearProcessLogs(namespec.to_owned(), tx))?;
        rx.recv().map_err(|_| Disconnected)
    }

    /// Inject `signal` as if the daemon had received it: HUP reloads (the loop returns
    /// [`super::Outcome::Restart`]), TERM/INT/QUIT shut down, USR2 reopens the logs.
    /// Returns once queued, without waiting for its effects.
    pub fn signal(&self, signal: Signal) -> Result<(), Disconnected> {
        self.send(Command::Signal(signal))
    }
}
