//! The process state machine: one exhaustive `match (state, event)`, spec §2.3 row by row.
//! Every pair is an explicit arm; ignored pairs say why.

use crate::effect::{Effect, Event};
use crate::input::SpawnError;
use crate::process::{Process, ProcessState};
use crate::supervisor::{Now, ProcessId};
use crate::text;
use crate::vocab::{AutoRestart, ExitStatus, LogLevel, Pid, ProcessStateCode, Signal};
use std::time::{Duration, Instant};

/// One tick past an instant: 4.3 compares `now > deadline` for startsecs and backoff, and a
/// deadline kept as "due when `now >=`" must then be one nanosecond later.
pub(crate) const TICK: Duration = Duration::from_nanos(1);

/// `t + d`, saturating far in the future instead of panicking on overflow (a config may
/// hold absurd durations; `handle` must never panic).
pub(crate) fn later(t: Instant, d: Duration) -> Instant {
    t.checked_add(d)
        .or_else(|| t.checked_add(Duration::from_secs(1 << 32)))
        .unwrap_or(t)
}

/// What can happen to one process.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ProcEvent<'a> {
    /// A start request passed its checks: spawn now.
    Start,
    /// The driver forked the child.
    Spawned(Pid),
    /// The driver could not spawn.
    SpawnFailed(&'a SpawnError),
    /// The child was reaped.
    Exited(ExitStatus),
    /// Deadlines are checked; autostart/autorestart/retry only when `may_start` (4.3: mood
    /// above RESTARTING).
    Tick {
        /// Whether supervisord is RUNNING or FATAL.
        may_start: bool,
        /// Whether STARTING may become RUNNING on this pass: not on the pass that follows
        /// a `Spawned` input. 4.3 spawns every due process in one pass of its loop and
        /// promotes them on the next, so the main log shows all `spawned:` lines of a
        /// pass before any `success:` line (startsecs=0 included).
        promote: bool,
    },
    /// A stop request or a group stop at shutdown.
    Stop,
    /// Shutdown gives up a BACKOFF process (4.3 `give_up` from `stop_all`).
    GiveUp,
    /// A Kill failed.
    KillFailed(&'a str),
    /// A client's Signal failed.
    SignalFailed(&'a str),
}

/// Facts the supervisor needs after a transition: settling replies, supervisord FATAL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Note {
    /// The state code changed.
    Changed {
        /// Whose.
        process: ProcessId,
        /// The new code.
        to: ProcessStateCode,
    },
    /// A pid is now known.
    Spawned {
        /// Whose.
        process: ProcessId,
    },
    /// A spawn failed (spawnerr is set).
    SpawnFailed {
        /// Whose.
        process: ProcessId,
    },
    /// A kill failed; `first` when it was the stop signal (not a later SIGKILL).
    KillFailed {
        /// Whose.
        process: ProcessId,
        /// The CRIT message (4.3 returns it as the FAILED fault text).
        message: String,
        /// Whether the failed signal was the first stop signal.
        first: bool,
    },
    /// A client's signal failed.
    SignalFailed {
        /// The CRIT message.
        message: String,
    },
}

/// Where a transition writes: the time, the effects and the notes.
pub(crate) struct Ctx<'a> {
    pub(crate) now: Now,
    pub(crate) fx: &'a mut Vec<Effect>,
    pub(crate) notes: &'a mut Vec<Note>,
}

impl Ctx<'_> {
    fn log(&mut self, level: LogLevel, message: String) {
        self.fx.push(Effect::Log { level, message });
    }
}

/// Apply one event to one process.
pub(crate) fn transition(p: &mut Process, event: ProcEvent<'_>, ctx: &mut Ctx<'_>) {
    use ProcEvent as E;
    use ProcessState as S;
    let now = ctx.now.mono;
    match (p.state.clone(), event) {
        // ---- start requests: STOPPED/EXITED/FATAL/BACKOFF -> STARTING
        (S::Stopped | S::Exited { .. } | S::Fatal | S::Backoff { .. }, E::Start) => spawn(p, ctx),
        (S::Spawning { .. }, E::Start) => {} // already spawning; requests check first
        (
            S::Starting { .. } | S::Running { .. } | S::Stopping { .. } | S::Unknown { .. },
            E::Start,
        ) => {
            // 4.3 spawn(): "process 'x' already running" when a pid exists.
            ctx.log(
                LogLevel::Warn,
                format!("process '{}' already running", p.spec.name),
            );
        }

        // ---- spawn outcomes
        (S::Spawning { stop_requested, .. }, E::Spawned(pid)) => {
            // startsecs counts from this process's own fork, not from the step that decided
            // the spawn: a driver forking 200 children in one step takes a while, and 4.3
            // reads the clock in each spawn(). The driver feeds Spawned with a fresh `now`.
            p.history.laststart = Some(ctx.now.wall);
            let since = ctx.now.mono;
            set_state(p, S::Starting { pid, since }, ctx, true, Some(pid));
            ctx.log(LogLevel::Info, text::spawned(&p.spec.name, pid));
            ctx.notes.push(Note::Spawned { process: p.id });
            if stop_requested {
                transition(p, E::Stop, ctx);
            }
        }
        (S::Spawning { stop_requested, .. }, E::SpawnFailed(error)) => {
            p.history.spawnerr = Some(error.message().to_string());
            ctx.log(LogLevel::Info, text::spawnerr(error.message()));
            ctx.notes.push(Note::SpawnFailed { process: p.id });
            enter_backoff(p, ctx);
            if stop_requested {
                transition(p, E::Stop, ctx);
            }
        }
        (
            S::Stopped
            | S::Starting { .. }
            | S::Running { .. }
            | S::Backoff { .. }
            | S::Stopping { .. }
            | S::Exited { .. }
            | S::Fatal
            | S::Unknown { .. },
            E::Spawned(_) | E::SpawnFailed(_),
        ) => {
            // Not waiting for a spawn: a confused driver. The core cannot own a pid it did
            // not ask for, so it only says so.
            ctx.log(
                LogLevel::Warn,
                format!("ignored spawn report for '{}'", p.spec.name),
            );
        }

        // ---- reaped children
        (S::Starting { pid, since }, E::Exited(status)) => {
            p.history.laststop = Some(ctx.now.wall);
            if now < later(since, p.spec.startsecs) {
                // STARTING -> BACKOFF: "not expected" even for an expected code.
                p.history.exitstatus = None;
                p.history.spawnerr =
                    Some("Exited too quickly (process log may have details)".to_string());
                enter_backoff_with_pid(p, ctx, Some(pid));
                ctx.log(LogLevel::Warn, text::exited(&p.spec.name, status, false));
            } else {
                // Up exactly startsecs (or startsecs=0): STARTING -> RUNNING -> EXITED.
                p.history.backoff = 0;
                set_state(p, S::Running { pid }, ctx, true, Some(pid));
                exited_from_running(p, pid, status, ctx);
            }
        }
        (S::Running { pid }, E::Exited(status)) => {
            p.history.laststop = Some(ctx.now.wall);
            exited_from_running(p, pid, status, ctx);
        }
        (S::Stopping { pid, .. } | S::Unknown { pid }, E::Exited(status)) => {
            // STOPPING -> STOPPED. From UNKNOWN 4.3 fails an assertion inside its main loop;
            // here the process is known dead and stays down: STOPPED.
            p.history.laststop = Some(ctx.now.wall);
            p.history.exitstatus = Some(text::exit_code(status));
            set_state(p, S::Stopped, ctx, true, Some(pid));
            let level = if is_expected(p, status) {
                LogLevel::Info
            } else {
                LogLevel::Warn
            };
            ctx.log(level, text::stopped(&p.spec.name, status));
        }
        (
            S::Stopped | S::Spawning { .. } | S::Backoff { .. } | S::Exited { .. } | S::Fatal,
            E::Exited(_),
        ) => {} // no pid in these states: the supervisor never routes an exit here

        // ---- deadlines, autostart, autorestart
        (S::Stopped, E::Tick { may_start, .. }) => {
            if may_start && p.spec.autostart && p.history.laststart.is_none() {
                spawn(p, ctx);
            }
        }
        (S::Exited { expected }, E::Tick { may_start, .. }) => {
            let restart = match p.spec.autorestart {
                AutoRestart::Always => true,
                AutoRestart::Unexpected => !expected,
                AutoRestart::Never => false,
            };
            if may_start && restart {
                spawn(p, ctx); // EXITED -> STARTING at once: no delay (quirk §11 item 7)
            }
        }
        (S::Backoff { retry_at }, E::Tick { may_start, .. }) => {
            if p.history.backoff > p.spec.startretries {
                give_up(p, ctx);
                ctx.log(LogLevel::Info, text::gave_up(&p.spec.name));
            } else if may_start && now >= retry_at {
                spawn(p, ctx);
            }
        }
        (S::Starting { pid, since }, E::Tick { promote, .. }) => {
            if promote && now >= later(later(since, p.spec.startsecs), TICK) {
                p.history.backoff = 0;
                set_state(p, S::Running { pid }, ctx, true, Some(pid));
                ctx.log(
                    LogLevel::Info,
                    text::success(&p.spec.name, p.spec.startsecs),
                );
            }
        }
        (
            S::Stopping {
                pid,
                kill_at,
                reported_at,
                ..
            },
            E::Tick { .. },
        ) => {
            if now >= kill_at {
                ctx.log(
                    LogLevel::Warn,
                    text::killing_with_sigkill(&p.spec.name, pid),
                );
                let to_group = p.spec.killasgroup;
                // Repeats every stopwaitsecs until reaped; at least 1 s apart so that
                // stopwaitsecs=0 cannot make a busy loop (4.3 repeats once per 1-s loop).
                let every = p.spec.stopwaitsecs.max(Duration::from_secs(1));
                send_kill(
                    p,
                    pid,
                    (Signal::KILL, true),
                    to_group,
                    every,
                    reported_at,
                    ctx,
                );
            }
        }
        (S::Spawning { .. } | S::Running { .. } | S::Fatal | S::Unknown { .. }, E::Tick { .. }) => {
            // no deadline in these states
        }

        // ---- stop requests and shutdown
        (S::Backoff { .. }, E::Stop) => {
            // BACKOFF -> STOPPED at once, backoff counter kept (quirk §11 item 6).
            ctx.log(
                LogLevel::Debug,
                text::attempted_kill_in_backoff(&p.spec.name),
            );
            set_state(p, S::Stopped, ctx, true, None);
        }
        (S::Starting { pid, .. } | S::Running { pid }, E::Stop) => {
            let to_group = p.spec.stopasgroup;
            let wait = p.spec.stopwaitsecs;
            send_kill(
                p,
                pid,
                (p.spec.stopsignal, false),
                to_group,
                wait,
                None,
                ctx,
            );
        }
        (S::Spawning { since, .. }, E::Stop) => {
            p.state = S::Spawning {
                since,
                stop_requested: true,
            };
        }
        (
            S::Stopping { .. } | S::Stopped | S::Exited { .. } | S::Fatal | S::Unknown { .. },
            E::Stop,
        ) => {} // not in RUNNING_STATES: requests fault NOT_RUNNING, shutdown skips them
        (S::Backoff { .. }, E::GiveUp) => give_up(p, ctx),
        (
            S::Stopped
            | S::Spawning { .. }
            | S::Starting { .. }
            | S::Running { .. }
            | S::Stopping { .. }
            | S::Exited { .. }
            | S::Fatal
            | S::Unknown { .. },
            E::GiveUp,
        ) => {} // only BACKOFF is given up

        // ---- kill and signal failures (ESRCH never reported)
        (S::Starting { pid, .. } | S::Running { pid }, E::KillFailed(error)) => {
            kill_failed(p, pid, error, true, ctx);
        }
        (
            S::Stopping {
                pid, sigkill_sent, ..
            },
            E::KillFailed(error),
        ) => {
            kill_failed(p, pid, error, !sigkill_sent, ctx);
        }
        (
            S::Starting { pid, .. } | S::Running { pid } | S::Stopping { pid, .. },
            E::SignalFailed(error),
        ) => {
            let message = text::signal_problem(&p.spec.name, pid, error);
            ctx.log(LogLevel::Critical, message.clone());
            set_state(p, S::Unknown { pid }, ctx, true, Some(pid));
            ctx.notes.push(Note::SignalFailed { message });
        }
        (S::Unknown { pid }, E::KillFailed(error) | E::SignalFailed(error)) => {
            // already UNKNOWN: the failure is still worth a CRIT line
            ctx.log(
                LogLevel::Critical,
                text::kill_problem(&p.spec.name, pid, error),
            );
        }
        (
            S::Stopped | S::Spawning { .. } | S::Backoff { .. } | S::Exited { .. } | S::Fatal,
            E::KillFailed(_) | E::SignalFailed(_),
        ) => {} // no pid: the supervisor never routes a failure here
    }
}

fn is_expected(p: &Process, status: ExitStatus) -> bool {
    match status {
        ExitStatus::Code(code) => p.spec.exitcodes.contains(&(code & 0xffff)),
        ExitStatus::Signaled { .. } => false, // es = -1, never expected
    }
}

fn exited_from_running(p: &mut Process, pid: Pid, status: ExitStatus, ctx: &mut Ctx<'_>) {
    p.history.backoff = 0;
    p.history.exitstatus = Some(text::exit_code(status));
    let expected = is_expected(p, status);
    if !expected {
        p.history.spawnerr = Some(format!("Bad exit code {}", text::exit_code(status)));
    }
    set_state(
        p,
        ProcessState::Exited { expected },
        ctx,
        expected,
        Some(pid),
    );
    let level = if expected {
        LogLevel::Info
    } else {
        LogLevel::Warn
    };
    ctx.log(level, text::exited(&p.spec.name, status, expected));
}

fn spawn(p: &mut Process, ctx: &mut Ctx<'_>) {
    p.history.laststart = Some(ctx.now.wall);
    p.history.spawnerr = None;
    p.history.exitstatus = None;
    let state = ProcessState::Spawning {
        since: ctx.now.mono,
        stop_requested: false,
    };
    set_state(p, state, ctx, true, None);
    ctx.fx.push(Effect::Spawn {
        process: p.id,
        group: p.group.clone(),
        name: p.spec.name.clone(),
    });
}

fn enter_backoff(p: &mut Process, ctx: &mut Ctx<'_>) {
    enter_backoff_with_pid(p, ctx, None);
}

fn enter_backoff_with_pid(p: &mut Process, ctx: &mut Ctx<'_>, pid: Option<Pid>) {
    // Linear backoff: the Nth failure waits N seconds (4.3: delay = now + backoff).
    p.history.backoff = p.history.backoff.saturating_add(1);
    let wait = Duration::from_secs(u64::from(p.history.backoff));
    let retry_at = later(later(ctx.now.mono, wait), TICK);
    set_state(p, ProcessState::Backoff { retry_at }, ctx, true, pid);
}

fn give_up(p: &mut Process, ctx: &mut Ctx<'_>) {
    p.history.backoff = 0;
    set_state(p, ProcessState::Fatal, ctx, true, None);
}

/// Send a kill signal and (re)arm the SIGKILL deadline `wait` from now.
fn send_kill(
    p: &mut Process,
    pid: Pid,
    (signal, sigkill_sent): (Signal, bool),
    to_group: bool,
    wait: Duration,
    reported_at: Option<Instant>,
    ctx: &mut Ctx<'_>,
) {
    ctx.log(
        LogLevel::Debug,
        text::killing(&p.spec.name, pid, to_group, signal),
    );
    let kill_at = later(ctx.now.mono, wait);
    set_state(
        p,
        ProcessState::Stopping {
            pid,
            kill_at,
            sigkill_sent,
            reported_at,
        },
        ctx,
        true,
        Some(pid),
    );
    ctx.fx.push(Effect::Kill {
        process: p.id,
        pid,
        signal,
        to_group,
    });
}

fn kill_failed(p: &mut Process, pid: Pid, error: &str, first: bool, ctx: &mut Ctx<'_>) {
    let message = text::kill_problem(&p.spec.name, pid, error);
    ctx.log(LogLevel::Critical, message.clone());
    // Noted before the state change: a stop request waiting on this process must see the
    // failure (FAILED) before it sees UNKNOWN, which is a stopped state.
    ctx.notes.push(Note::KillFailed {
        process: p.id,
        message,
        first,
    });
    set_state(p, ProcessState::Unknown { pid }, ctx, true, Some(pid));
}

/// Change state; when the code changes, emit the PROCESS_STATE event and note it.
fn set_state(
    p: &mut Process,
    state: ProcessState,
    ctx: &mut Ctx<'_>,
    expected: bool,
    pid: Option<Pid>,
) {
    let from = p.state.code();
    p.state = state;
    let to = p.state.code();
    if from != to {
        ctx.fx.push(Effect::Event(Event::ProcessState {
            process: p.id,
            from,
            to,
            expected,
            pid,
            tries: p.history.backoff,
        }));
        ctx.notes.push(Note::Changed { process: p.id, to });
    }
}
