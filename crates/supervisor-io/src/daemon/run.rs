//! The loop: wait for the poller until the core's deadline, feed what arrived, apply
//! the effects, until the core says Exit or Restart.

use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use crate::poll::{Event, Events};
use supervisor_core::{Fault, FaultCode, Input, LogLevel, Request, Signal, SupervisorStateCode};

use super::handle::Command;
use super::process::Source;
use super::view::View;
use super::{Daemon, DaemonError, Outcome};
use crate::mainlog::MainLog;
use crate::signals::SelfPipe;

/// How often pending log bytes (refused by the disk) are retried.
const LOG_RETRY: Duration = Duration::from_secs(1);

/// How often children without a pidfd are polled for their exit when no SIGCHLD
/// handler is installed (a kernel without pidfds: 4.3's own 1-second loop rate).
const EXIT_POLL: Duration = Duration::from_secs(1);

/// How many exited children one loop iteration collects at most. Every exit may cost
/// a respawn (a fork and exec of a few ms when the daemon holds thousands of
/// descriptors), and the core is fed all of an iteration's exits before the loop
/// waits again: a thousand children crashing at once would keep HTTP clients waiting
/// for seconds. The rest stay zombies, still RUNNING for the core, and are collected
/// by the next iterations (a readable pidfd is reported again; a stopped `waitpid(-1)`
/// drain sets `reap_more`, which makes the next wait not block).
const REAP_BATCH: usize = 2;

/// The loop; the self-pipe (adopted or installed here) is handed back, still
/// installed, for the caller to keep or drop.
pub(super) fn run(mut d: Daemon) -> Result<(Outcome, MainLog, Option<SelfPipe>), DaemonError> {
    if d.signals.is_none() && d.options.install_signal_handlers {
        d.signals = Some(SelfPipe::install()?);
    }
    if let Some(pipe) = &d.signals
        && let Err(e) = d
            .poller
            .add(pipe.as_fd(), Event::readable(Source::Signals.key()))
    {
        return Err(DaemonError::Poller(e));
    }
    // Signals caught before the run (an adopted pipe) are handled first.
    d.on_signals();
    let result = main_loop(&mut d);
    let mut pipe = d.signals.take();
    if let Some(pipe) = &mut pipe {
        let _ = d.poller.delete(pipe.as_fd());
        // Signals read in the same batch as the fact that ended the run (a TERM right
        // behind the exit that completed a reload) were never handled: the next run
        // handles them first, as if still in the pipe.
        let unhandled: Vec<i32> = d
            .inputs
            .iter()
            .filter_map(|input| match input {
                Input::Signal(sig) if *sig != Signal::CHLD => Some(sig.0),
                _ => None,
            })
            .collect();
        pipe.requeue(&unhandled);
    }
    d.close_everything();
    let outcome = result?;
    Ok((outcome, d.log, pipe))
}

fn main_loop(d: &mut Daemon) -> Result<Outcome, DaemonError> {
    let initial = std::mem::take(&mut d.initial);
    d.apply_all(initial);
    let mut events = Events::new();
    loop {
        d.feed_inputs();
        // Deferred HTTP answers settle as the core replies; what they start (the
        // next call of a multicall) is fed at once.
        while d.outcome.is_none() && (d.http_settle() || !d.inputs.is_empty()) {
            d.feed_inputs();
        }
        if let Some(outcome) = d.outcome {
            return Ok(outcome);
        }
        if d.exit_poll_at.is_none() && d.unwatched_exits() {
            d.exit_poll_at = Some(Instant::now() + EXIT_POLL);
        }
        let deadline = [
            d.core.poll_timeout(),
            d.retry_at,
            d.defer_at,
            d.exit_poll_at,
            d.http.deadline(),
        ]
        .into_iter()
        .flatten()
        .min();
        let timeout = if d.reap_more {
            Some(Duration::ZERO)
        } else {
            deadline.map(|t| t.saturating_duration_since(Instant::now()))
        };
        events.clear();
        match d.poller.wait(&mut events, timeout) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(DaemonError::Poll(e)),
        }
        d.reap_budget = REAP_BATCH;
        if std::mem::take(&mut d.reap_more) {
            d.reap_any();
        }
        let sources: Vec<Source> = events.keys().filter_map(Source::from_key).collect();
        for source in sources {
            d.on_source(source);
        }
        d.on_commands();
        let now = Instant::now();
        if d.defer_at.is_some_and(|t| t <= now) {
            d.read_deferred();
        }
        if d.retry_at.is_some_and(|t| t <= now) {
            d.retry_pending_logs();
        }
        if d.http.deadline().is_some_and(|t| t <= now) {
            d.http_timers(now);
        }
        if d.exit_poll_at.is_some_and(|t| t <= now) {
            d.exit_poll_at = None;
            d.poll_unwatched_exits();
        }
        if d.core.poll_timeout().is_some_and(|t| t <= now) {
            d.inputs.push_back(Input::Timeout);
        }
    }
}

impl Daemon {
    /// Feed queued facts to the core one by one, applying each step's effects (which
    /// may queue more facts), until none is left or the core has finished. A main-log
    /// write failure (the first of an episode) is one of those facts.
    pub(super) fn feed_inputs(&mut self) {
        while self.outcome.is_none() {
            if let Some(error) = self.log.take_write_failure() {
                self.inputs.push_back(Input::MainLogWriteFailed { error });
            }
            let Some(input) = self.inputs.pop_front() else {
                return;
            };
            if input == Input::Signal(Signal::HUP) && self.reload_refused() {
                continue;
            }
            self.handle_now(input);
        }
    }

    /// A SIGHUP while supervisord runs: whether the reload check fails (then the refusal
    /// and its reason are logged, and the core never sees the signal).
    fn reload_refused(&mut self) -> bool {
        let running = matches!(
            self.core.supervisor_state(),
            SupervisorStateCode::Running | SupervisorStateCode::Fatal
        );
        let Some(check) = self.reload_check.as_ref().filter(|_| running) else {
            return false;
        };
        let Err(error) = check() else {
            return false;
        };
        self.log
            .log(LogLevel::Warn, "received SIGHUP indicating restart request");
        self.log.log(
            LogLevel::Error,
            &format!(
                "not reloading: the configuration is invalid (the running one is kept): {error}"
            ),
        );
        true
    }

    fn on_source(&mut self, source: Source) {
        match source {
            Source::Signals => self.on_signals(),
            Source::Output(id, channel) => self.read_output(id, channel),
            Source::Exit(id) => self.reap_process(id),
            Source::Stdin(id) => {
                self.flush_stdin(id);
            }
            Source::Listener(index) => self.http_accept(index),
            Source::Conn(id) => self.http_event(id),
        }
    }

    /// Self-pipe readable: every signal once, in arrival order; SIGCHLD also drains
    /// `waitpid(-1)` (children whose pidfd is missing, and unknown pids).
    fn on_signals(&mut self) {
        let received = match &mut self.signals {
            Some(pipe) => {
                // Level-triggered: drained, it is silent until the next signal.
                pipe.drain().unwrap_or_default()
            }
            None => Vec::new(),
        };
        for sig in received {
            if sig == Signal::CHLD.0 {
                self.reap_any();
            }
            self.inputs.push_back(Input::Signal(Signal(sig)));
        }
    }

    fn on_commands(&mut self) {
        while let Ok(command) = self.commands.try_recv() {
            match command {
                Command::Request {
                    request: Request::AddGroup { group } | Request::AddGroupWithEvents { group, .. },
                    reply,
                } => {
                    // Without the driver's process configs the group could not spawn.
                    let fault = Fault::new(
                        FaultCode::Failed,
                        format!("add group {} with Handle::add_group", group.name),
                    );
                    let _ = reply.send(Err(fault));
                }
                Command::Request { request, reply } => self.queue_request(request, reply),
                Command::AddGroup(group, reply) => self.add_group(*group, reply),
                Command::Query(query) => {
                    let view = View {
                        core: &self.core,
                        config: &self.config,
                        table: &self.table,
                        main_log: self.log.path(),
                    };
                    // A query only reads, so a panicking one cannot leave the state
                    // half-changed: contain it rather than stop supervising. Its caller
                    // sees `Disconnected` (the answer channel is dropped).
                    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        query(&view);
                    }));
                    if ran.is_err() {
                        self.log
                            .log(LogLevel::Error, "a Handle::query closure panicked");
                    }
                }
                Command::Signal(sig) => self.inputs.push_back(Input::Signal(sig)),
                Command::SendStdin(name, data, reply) => {
                    let _ = reply.send(self.send_stdin(&name, &data));
                }
                Command::ClearLog(reply) => {
                    let _ = reply.send(self.clear_main_log());
                }
                Command::ClearProcessLogs(name, reply) => {
                    let _ = reply.send(self.clear_process_logs(&name));
                }
            }
        }
    }

    /// Whether some child's exit can only be noticed by polling: no pidfd (old kernel,
    /// or out of descriptors) and no SIGCHLD handler.
    fn unwatched_exits(&mut self) -> bool {
        self.signals.is_none()
            && self
                .table
                .iter_mut()
                .any(|(_, p)| p.live.as_ref().is_some_and(|l| l.exit.is_none()))
    }

    fn poll_unwatched_exits(&mut self) {
        let ids: Vec<_> = self
            .table
            .iter_mut()
            .filter(|(_, p)| p.live.as_ref().is_some_and(|l| l.exit.is_none()))
            .map(|(id, _)| id)
            .collect();
        for id in ids {
            self.reap_process(id);
        }
    }

    /// Arm the retry timer while any log holds bytes the disk refused.
    pub(super) fn schedule_log_retry(&mut self) {
        if self.retry_at.is_none() {
            self.retry_at = Some(Instant::now() + LOG_RETRY);
        }
    }

    fn retry_pending_logs(&mut self) {
        self.retry_at = None;
        let mut still_pending = false;
        let ids: Vec<_> = self.table.iter_mut().map(|(id, _)| id).collect();
        for id in ids {
            still_pending |= !self.flush_process_logs(id);
        }
        let log = &mut self.log;
        self.lingering.retain_mut(|l| !l.flush(log));
        if still_pending || !self.lingering.is_empty() {
            self.schedule_log_retry();
        }
    }

    /// At the end of `run`: close what must be closed (pipes, logs, sockets).
    fn close_everything(&mut self) {
        // Answers already produced (shutdown's `true`) get a last write first.
        self.http_settle();
        self.http.close(&self.poller);
        let ids: Vec<_> = self.table.iter_mut().map(|(id, _)| id).collect();
        for id in ids {
            if let Some(group) = self.close_process(id)
                && let Some(socket) = self.sockets.get_mut(&group)
            {
                socket.release(&mut self.log);
            }
            if let Some(p) = self.table.get_mut(id) {
                for log in [p.stdout_log.take(), p.stderr_log.take()]
                    .into_iter()
                    .flatten()
                {
                    log.close(&mut self.log);
                }
            }
        }
        for log in std::mem::take(&mut self.lingering) {
            log.close(&mut self.log);
        }
        for socket in self.sockets.values_mut() {
            while socket.fd().is_some() {
                socket.release(&mut self.log);
            }
        }
    }
}
