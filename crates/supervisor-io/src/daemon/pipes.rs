//! Child output and child exits: one chunk per readable pipe per wakeup, logs, reaping
//! with the pipes drained first.

use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use supervisor_core::{ExitStatus as CoreExit, Input, LogLevel, Pid, ProcessId, Signal};

use super::Daemon;
use super::childlog::{Channel, debug_text, strip_ansi};
use super::logfile::Spliced;
use crate::output::READ_CHUNK;
use crate::reap::{ExitStatus, Reap, Reaped, reap, reap_at_most};

/// At most this many chunks per pipe are drained when its child is reaped; a
/// grandchild still writing into the inherited pipe cannot stall the loop.
const DRAIN_CHUNKS: usize = 64;

/// A pipe in splice mode read again within this long of its last read is taken out
/// of the poller for this long: a child that writes a line at a time then costs one
/// wake-up per millisecond instead of one per line (its bytes reach the file at most
/// this much later; nothing else looks at them in splice mode).
const COALESCE: Duration = Duration::from_millis(1);

/// At most this many bytes are spliced from one pipe per wake-up (fairness); a pipe
/// that still holds more stays in the poller and is read again at once.
const SPLICE_BUDGET: usize = 1 << 20;

/// A pipe that gave at least this much in one wake-up is enlarged to `PIPE_SIZE`
/// (only busy pipes: unprivileged users have 64 MiB of pipe buffers in all).
const GROW_AFTER: usize = 16 << 10;
const PIPE_SIZE: i32 = 1 << 20;

/// What a splice pass over one pipe did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Moved this many bytes and caught up: the pipe was empty, or held less than a
    /// chunk, at the last splice.
    Drained(usize),
    /// Moved the whole budget; more may wait.
    Budget,
    /// Closed (EOF) and forgotten.
    Closed,
    /// Splice is not possible (any more): read the ordinary way.
    Fallback,
}

/// One non-blocking read into `buf`: `Some(n)` bytes, `None` when nothing is there
/// (EAGAIN), an error at EOF (0 bytes) or on failure. EINTR is retried.
fn read_into(fd: impl AsFd, buf: &mut [u8]) -> std::io::Result<Option<usize>> {
    loop {
        match nix::unistd::read(fd.as_fd(), buf) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => return Ok(Some(n)),
            Err(nix::errno::Errno::EAGAIN) => return Ok(None),
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// What one read gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Data,
    Empty,
    Closed,
}

impl Daemon {
    /// A pipe polled readable: read one chunk, log it, re-arm (or close at EOF).
    pub(super) fn read_output(&mut self, id: ProcessId, channel: Channel) {
        if self.splice_ok(id, channel) {
            match self.splice_pass(id, channel) {
                Pass::Closed => return,
                Pass::Fallback => {}
                Pass::Budget => return self.mark_read(id, channel, false),
                Pass::Drained(n) => return self.mark_read(id, channel, n > 0),
            }
        }
        if self.read_chunk_of(id, channel) != Read::Closed {
            self.rearm(id, channel);
        }
    }

    /// Whether nothing but the log file needs to see this channel's bytes (no events,
    /// no capture, not a listener, no ANSI stripping, no debug copy, no syslog, nothing
    /// pending): then they go from the pipe to the file with `splice(2)`.
    fn splice_ok(&self, id: ProcessId, channel: Channel) -> bool {
        if self.config.supervisord.strip_ansi || self.log.level() <= LogLevel::Debug {
            return false;
        }
        let Some(p) = self.table.get(id) else {
            return false;
        };
        let Some(live) = &p.live else {
            return false;
        };
        let (options, log) = match channel {
            Channel::Stdout => (&p.config.stdout, &p.stdout_log),
            Channel::Stderr => (&p.config.stderr, &p.stderr_log),
        };
        !live.listener
            && !options.events_enabled
            && options.capture_maxbytes <= 0
            && log.as_ref().is_some_and(|l| l.can_splice())
    }

    /// Whether `channel`'s log has its splice descriptor or may open it now (see
    /// [`Daemon::room_for_extra`]); when it may not, the log gives splicing up.
    fn splice_descriptor_allowed(&mut self, id: ProcessId, channel: Channel) -> bool {
        let Some(p) = self.table.get_mut(id) else {
            return false;
        };
        if !p
            .log_mut(channel)
            .as_ref()
            .is_some_and(|l| l.splice_needs_descriptor())
        {
            return true;
        }
        // the lowest free descriptor: the number the second handle would get
        let probe = p
            .live
            .as_mut()
            .and_then(|l| l.pipe_mut(channel).as_ref())
            .and_then(|pipe| crate::sys::dup_at_least(pipe.watched.as_fd(), 0).ok());
        let room = probe.is_some_and(|fd| self.room_for_extra(fd.as_raw_fd()));
        if !room
            && let Some(log) = self
                .table
                .get_mut(id)
                .and_then(|p| p.log_mut(channel).as_mut())
        {
            log.forgo_splice();
        }
        room
    }

    /// Splice what the pipe holds into the log, up to `SPLICE_BUDGET`.
    fn splice_pass(&mut self, id: ProcessId, channel: Channel) -> Pass {
        if !self.splice_descriptor_allowed(id, channel) {
            return Pass::Fallback;
        }
        let mut moved = 0;
        let pass = loop {
            let Some(p) = self.table.get_mut(id) else {
                return Pass::Closed;
            };
            let log = match channel {
                Channel::Stdout => p.stdout_log.as_mut(),
                Channel::Stderr => p.stderr_log.as_mut(),
            };
            let (Some(live), Some(log)) = (p.live.as_mut(), log) else {
                return Pass::Fallback;
            };
            let Some(pipe) = live.pipe_mut(channel).as_ref() else {
                return Pass::Closed;
            };
            if !log.can_splice() {
                break Pass::Fallback;
            }
            match log.splice_from(pipe.watched.as_fd(), READ_CHUNK, &mut self.log) {
                Ok(Spliced::Moved(n, _)) => {
                    moved += n;
                    if moved >= SPLICE_BUDGET {
                        break Pass::Budget;
                    }
                    if n < READ_CHUNK {
                        // Less than a chunk was there: caught up. Splicing again would
                        // chase a writer that refills the pipe a line at a time, each
                        // call contending for the pipe's lock with its writes (a line-
                        // per-write child cost 13 ms of daemon CPU per MiB that way);
                        // what comes next is the next pass's.
                        break Pass::Drained(moved);
                    }
                }
                Ok(Spliced::WouldBlock) => break Pass::Drained(moved),
                Ok(Spliced::Eof) => {
                    self.pipe_closed(id, channel);
                    return Pass::Closed;
                }
                Err(_) => break Pass::Fallback,
            }
        };
        if moved >= GROW_AFTER
            && let Some(pipe) = self.table.pipe_mut(id, channel)
            && !pipe.grown
        {
            pipe.grown = true;
            let arg = nix::fcntl::FcntlArg::F_SETPIPE_SZ(PIPE_SIZE);
            let _ = nix::fcntl::fcntl(pipe.watched.as_fd(), arg);
        }
        pass
    }

    /// After a splice pass: a pipe that gave bytes again within `COALESCE` of its
    /// last read is deferred (out of the poller until the timer); otherwise it stays
    /// (or is put back) in the poller.
    fn mark_read(&mut self, id: ProcessId, channel: Channel, got: bool) {
        let now = Instant::now();
        let Some(pipe) = self.table.pipe_mut(id, channel) else {
            return;
        };
        let streaming =
            got && (pipe.deferred || pipe.last_read.is_some_and(|t| now - t < COALESCE));
        pipe.last_read = Some(now);
        if streaming {
            if !pipe.deferred {
                pipe.deferred = true;
                let _ = pipe.watched.disarm();
                self.deferred.push((id, channel));
            }
            if self.defer_at.is_none() {
                self.defer_at = Some(now + COALESCE);
            }
        } else if pipe.deferred {
            pipe.deferred = false;
            let _ = pipe.watched.rearm();
        }
    }

    /// The coalescing timer: read every deferred pipe once more; those still
    /// streaming stay deferred, the others go back to the poller.
    pub(super) fn read_deferred(&mut self) {
        self.defer_at = None;
        for (id, channel) in std::mem::take(&mut self.deferred) {
            let deferred = self
                .table
                .pipe_mut(id, channel)
                .is_some_and(|pipe| pipe.deferred);
            if !deferred {
                continue;
            }
            if !self.splice_ok(id, channel) {
                self.unmark_deferred(id, channel);
                self.rearm(id, channel);
                continue;
            }
            match self.splice_pass(id, channel) {
                Pass::Closed => {}
                Pass::Drained(n) => {
                    self.mark_read(id, channel, n > 0);
                    // Still streaming: read it again at the next tick.
                    let still = self
                        .table
                        .pipe_mut(id, channel)
                        .is_some_and(|pipe| pipe.deferred);
                    if still {
                        self.deferred.push((id, channel));
                    }
                }
                // More waits: back to the poller, which reports it at once.
                Pass::Budget => self.mark_read(id, channel, false),
                Pass::Fallback => {
                    self.unmark_deferred(id, channel);
                    self.rearm(id, channel);
                }
            }
        }
    }

    fn unmark_deferred(&mut self, id: ProcessId, channel: Channel) {
        if let Some(pipe) = self.table.pipe_mut(id, channel) {
            pipe.deferred = false;
        }
    }

    /// Read and log one chunk. The read goes into the daemon's scratch buffer,
    /// allocated once: a fresh zeroed 128 KiB buffer per read cost more than all the
    /// rest of handling an event (measured with bench/events).
    fn read_chunk_of(&mut self, id: ProcessId, channel: Channel) -> Read {
        let mut buf = std::mem::take(&mut self.read_buf);
        buf.resize(READ_CHUNK, 0);
        let outcome = {
            let Some(pipe) = self
                .table
                .get_mut(id)
                .and_then(|p| p.live.as_mut())
                .and_then(|l| l.pipe_mut(channel).as_ref())
            else {
                self.read_buf = buf;
                return Read::Closed;
            };
            read_into(&pipe.watched, &mut buf)
        };
        let read = match outcome {
            Ok(Some(n)) => {
                self.log_output(id, channel, &buf[..n]);
                Read::Data
            }
            Ok(None) => Read::Empty,
            // EOF: the child (and everything sharing the pipe) closed it. A read
            // error on a pipe means the same for us.
            Err(_) => {
                self.pipe_closed(id, channel);
                Read::Closed
            }
        };
        self.read_buf = buf;
        read
    }

    /// Forget a pipe at EOF, with 4.3's DEBG line (`fd 6 closed, stopped monitoring
    /// <POutputDispatcher at … (stdout)>`; the "addresses" are Python object ids there,
    /// the table slot here).
    fn pipe_closed(&mut self, id: ProcessId, channel: Channel) {
        let Some(p) = self.table.get_mut(id) else {
            return;
        };
        let Some(pipe) = p.live.as_mut().and_then(|l| l.pipe_mut(channel).take()) else {
            return;
        };
        let fd = pipe.watched.as_fd().as_raw_fd();
        drop(pipe);
        let listener = p.live.as_ref().is_some_and(|l| l.listener);
        self.output_closed(id, channel);
        let Some(p) = self.table.get_mut(id) else {
            return;
        };
        let (group, name) = (p.group.clone(), p.config.name.clone());
        let state = self
            .core
            .process_state(&format!("{group}:{name}"))
            .map_or("UNKNOWN", |s| s.name());
        let addr = std::ptr::from_ref(p) as usize;
        self.log.log(
            LogLevel::Debug,
            &format!(
                "fd {fd} closed, stopped monitoring <{} at {} for <Subprocess at {addr} with name {name} in state {state}> ({})>",
                if listener && channel == Channel::Stdout {
                    "PEventListenerDispatcher"
                } else {
                    "POutputDispatcher"
                },
                addr + 1 + channel as usize,
                channel.name()
            ),
        );
    }

    /// Ask for the pipe's next event. Always, even while its log fails: the log keeps
    /// what it can for a retry and drops the rest (see `childlog`), so a dead disk
    /// never blocks the child in `write`.
    fn rearm(&mut self, id: ProcessId, channel: Channel) {
        let Some(pipe) = self.table.pipe_mut(id, channel) else {
            return;
        };
        let _ = pipe.watched.rearm();
    }

    /// `POutputDispatcher._log` / `PEventListenerDispatcher.handle_read_event`: a
    /// listener's stdout is its protocol (see `events.rs`); other output is stripped of
    /// ANSI if configured, kept out of the log where capture mode captures it, written
    /// to the child log and the main log at debug, and given to the core for events.
    fn log_output(&mut self, id: ProcessId, channel: Channel, data: &[u8]) {
        let listener = self
            .table
            .get(id)
            .and_then(|p| p.live.as_ref())
            .is_some_and(|l| l.listener);
        if channel == Channel::Stdout && listener {
            return self.listener_output(id, data);
        }
        let stripped;
        let data = if self.config.supervisord.strip_ansi {
            stripped = strip_ansi(data);
            &stripped[..]
        } else {
            data
        };
        match self.capture_segments(id, channel, data) {
            Some(pieces) => pieces.iter().for_each(|p| self.log_piece(id, channel, p)),
            None => self.write_child_log(id, channel, data),
        }
        self.feed_output(id, channel, data);
    }

    /// One piece of output to the child log, and to the main log at debug.
    pub(super) fn write_child_log(&mut self, id: ProcessId, channel: Channel, data: &[u8]) {
        let Some(p) = self.table.get_mut(id) else {
            return;
        };
        let mut pending = false;
        if let Some(log) = p.log_mut(channel) {
            log.append(data, &mut self.log);
            pending = log.pending() > 0;
        }
        // Even when stripping left nothing: 4.3 logs the (empty) chunk all the same.
        if self.log.level() <= LogLevel::Debug {
            let text = debug_text(&p.config.name, channel, data);
            self.log.log(LogLevel::Debug, &text);
        }
        if pending {
            self.schedule_log_retry();
        }
    }

    /// Retry a process's pending log bytes. True when nothing is pending any more.
    pub(super) fn flush_process_logs(&mut self, id: ProcessId) -> bool {
        let mut clear = true;
        for channel in [Channel::Stdout, Channel::Stderr] {
            let Some(p) = self.table.get_mut(id) else {
                return true;
            };
            if let Some(log) = p.log_mut(channel) {
                clear &= log.flush(&mut self.log);
            }
        }
        clear
    }

    /// A pidfd polled readable: collect that child.
    pub(super) fn reap_process(&mut self, id: ProcessId) {
        if self.reap_budget == 0 {
            return; // level-triggered: the pidfd is reported again next iteration
        }
        let Some(pid) = self
            .table
            .get(id)
            .and_then(|p| p.live.as_ref())
            .map(|l| l.pid)
        else {
            return;
        };
        match reap(Reap::Pid(pid)) {
            Ok(reaped) if reaped.is_empty() => {
                // Not collectable yet (cannot happen for a readable pidfd): wait again.
                if let Some(w) = self
                    .table
                    .get(id)
                    .and_then(|p| p.live.as_ref())
                    .and_then(|l| l.exit.as_ref())
                {
                    let _ = w.rearm();
                }
            }
            Ok(reaped) => {
                self.reap_budget = self.reap_budget.saturating_sub(reaped.len());
                reaped.into_iter().for_each(|r| self.on_exit(r));
            }
            // ECHILD: the SIGCHLD drain got it first and has handled it.
            Err(_) => {}
        }
    }

    /// SIGCHLD: collect every exited child of the process (binary mode only: an
    /// embedding program's own children would be collected too).
    /// At most the iteration's budget is collected; `reap_more` asks the loop to come
    /// back for the rest without waiting.
    pub(super) fn reap_any(&mut self) {
        if self.reap_budget == 0 {
            self.reap_more = true;
            return;
        }
        if let Ok(reaped) = reap_at_most(Reap::Any, self.reap_budget) {
            self.reap_more = reaped.len() == self.reap_budget;
            self.reap_budget -= reaped.len();
            reaped.into_iter().for_each(|r| self.on_exit(r));
        }
    }

    /// A child was collected: drain and close its pipes, tell the core (which logs
    /// unknown pids as `reaped unknown pid`), then release its share of an fcgi socket
    /// — after the core's `stopped:`/`exited:` line, as in 4.3 (`after_finish`).
    fn on_exit(&mut self, reaped: Reaped) {
        let mut socket_of = None;
        if let Some(id) = self.pids.remove(&reaped.pid) {
            for channel in [Channel::Stdout, Channel::Stderr] {
                for _ in 0..DRAIN_CHUNKS {
                    if self.read_chunk_of(id, channel) != Read::Data {
                        break;
                    }
                }
            }
            // 4.3's finish closes every dispatcher, with its DEBG line, even one whose
            // pipe a grandchild still holds open.
            for channel in [Channel::Stdout, Channel::Stderr] {
                self.pipe_closed(id, channel);
            }
            self.close_logs(id);
            socket_of = self.close_process(id);
        }
        let status = match reaped.status {
            ExitStatus::Code(code) => CoreExit::Code(code),
            ExitStatus::Signaled {
                signal,
                core_dumped,
            } => CoreExit::Signaled {
                signal: Signal(signal),
                core_dumped,
            },
        };
        self.inputs.push_back(Input::Exited {
            pid: Pid(reaped.pid),
            status,
        });
        if let Some(group) = socket_of {
            self.feed_inputs();
            if let Some(socket) = self.sockets.get_mut(&group) {
                socket.release(&mut self.log);
            }
        }
    }

    /// The child is gone and its pipes are closed: close its logs too, as 4.3 does
    /// when `finish` drops the dispatchers (a stopped program holds no descriptor; the
    /// next spawn opens the files again, and `clearProcessLogs` finds nothing open to
    /// clear, as in 4.3). Bytes a failing disk still holds stay with the lingering
    /// logs and their retries.
    pub(super) fn close_logs(&mut self, id: ProcessId) {
        let Some(p) = self.table.get_mut(id) else {
            return;
        };
        for old in [p.stdout_log.take(), p.stderr_log.take()]
            .into_iter()
            .flatten()
        {
            let mut old = old;
            if !old.flush(&mut self.log) {
                self.lingering.push(old);
            }
        }
        if !self.lingering.is_empty() {
            self.schedule_log_retry();
        }
    }

    /// Forget a child's pipes, pidfd and stdin. Returns the group whose fcgi socket
    /// it held a reference to, for the caller to release.
    pub(super) fn close_process(&mut self, id: ProcessId) -> Option<String> {
        let p = self.table.get_mut(id)?;
        let live = p.live.take()?;
        self.pids.remove(&live.pid);
        live.holds_socket.then(|| p.group.clone())
    }
}
