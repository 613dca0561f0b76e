//! supervisor-core: the whole of supervisord's decision making as one deterministic state
//! machine — every process state machine, group ordering at start and shutdown, the requests
//! that `supervisorctl` and XML-RPC clients send, their faults and deferred replies, and
//! supervisord's own state (RUNNING, RESTARTING, SHUTDOWN and FATAL).
//!
//! # What it never does
//!
//! The core performs no IO of any kind. It never touches `std::fs`, `std::net`,
//! `std::process` or `std::thread`; it never reads a clock (`Instant::now`,
//! `SystemTime::now`), never sleeps, and depends on no OS crate:
//! `cargo tree -p supervisor-core -e normal` shows only `serde` and its derive. Time arrives
//! as a value ([`Now`]) with every call; `std::time` types are used as values only. The
//! same inputs always produce the same effects, which is what lets the scenario tests run a
//! whole day of supervision on a simulated clock in microseconds.
//!
//! The core does not know commands, environments or log files either: a [`Effect::Spawn`]
//! names the process ([`ProcessId`] plus group and process names) and the driver looks up how
//! to launch it.
//!
//! # Inputs, core, effects
//!
//! ```text
//!  facts from the world (Input)                    imperatives for the driver (Effect)
//!  ────────────────────────────                    ───────────────────────────────────
//!  CommandChecked {check, result} ──┐          ┌──► CheckCommand {check, process}
//!  Spawned {process, pid}         ──┤          ├──► Spawn {process, group, name}
//!  SpawnFailed {process, error}   ──┤          ├──► Kill {process, pid, signal, to_group}
//!  Exited {pid, status}           ──┤ ┌──────┐ ├──► Signal {process, pid, signal}
//!  KillFailed / SignalFailed      ──┼─► core ├─┼──► Reply {id, result}
//!  Signal(sig) to supervisord     ──┤ └──┬───┘ ├──► Log {level, message}
//!  Request {id, request}          ──┤    │     ├──► Event(..)   (notification; routed inside)
//!  Timeout                        ──┤    │     ├──► WriteStdin {process, bytes} (to listeners)
//!  LogClearFailed/LogRemoveFailed ──┤    │     ├──► ReopenLogs
//!  Output {process, channel, bytes} ┤    │     └──► Exit {code} | Restart
//!  OutputClosed {process, channel} ─┤    │
//!  StdinClosed {process}          ──┘    ▼
//!                      poll_timeout() -> Option<Instant>   (earliest deadline; None = idle)
//!                      queries: process_info, all_process_info, get_state, event_pools,
//!                               event_counts, listener_info, monitor_result, ...
//! ```
//!
//! Intent out, outcome in: every effect whose result matters is answered by an input
//! (`CheckCommand` by `CommandChecked`, `Spawn` by `Spawned`/`SpawnFailed`, a failed `Kill`
//! by `KillFailed`; a successful kill is answered by the child's `Exited`).
//!
//! # How a driver calls it
//!
//! ```text
//! let (mut core, effects) = Supervisor::new(spec, now());
//! apply(effects);                       // may produce inputs (Spawned, CommandChecked, ...)
//! loop {
//!     wait for IO, signals or children, but no longer than core.poll_timeout();
//!     for each fact that arrived (and each outcome of applied effects):
//!         let effects = core.handle(now(), input);
//!         apply(effects), in order, feeding their outcomes back the same way;
//!     if the deadline passed: apply(core.handle(now(), Input::Timeout));
//!     stop after applying Exit; rebuild the core from a re-read config after Restart.
//! }
//! ```
//!
//! `handle` never fails and never panics: failures of the world come in as inputs, failures
//! for a caller go out as [`Fault`] replies with supervisord's fault codes. Time never goes
//! backwards inside the core: a `now.mono` earlier than one already seen is clamped.
//!
//! # Timers: deadlines, not a 1-second loop
//!
//! Every timer (`startsecs`, the linear backoff, `stopwaitsecs` and the repeated SIGKILL,
//! the "waiting for ..." reports) is a deadline kept in the state that owns it;
//! [`Supervisor::poll_timeout`] returns the earliest one and an idle daemon gets no wakeups.
//! supervisord 4.3 evaluates its timers once per iteration of a loop with a 1-second poll
//! timeout, so every timer there is late by up to a second and the first spawn happens about
//! one second after start (spec §11 item 17, fixed in upstream HEAD). Here the first spawns
//! are effects of [`Supervisor::new`], and timers fire at their deadline. Comparisons keep
//! 4.3's strictness: a process becomes RUNNING only once it has been up *more* than
//! `startsecs`, and a BACKOFF retry happens only *after* its delay.
//!
//! # supervisord's FATAL state
//!
//! 4.3 defines `SupervisorStates.FATAL = 2` but never enters it (spec §8). This core does:
//! supervisord enters FATAL when
//!
//! * clearing a log fails ([`Input::LogClearFailed`]: the main log for `clearLog`, or a
//!   process log for `clearProcessLogs`),
//! * removing a log file fails ([`Input::LogRemoveFailed`]),
//! * writing the main log fails ([`Input::MainLogWriteFailed`], once per failure episode),
//! * killing or signalling a process fails with an error other than ESRCH
//!   ([`Input::KillFailed`], [`Input::SignalFailed`]; the process itself goes to UNKNOWN as
//!   in 4.3),
//! * an event was rejected `max_retry` times by the listeners of its pool (dead letter,
//!   see [`PoolSpec::max_retry`]).
//!
//! Each reason is logged at CRIT and kept ([`Supervisor::fatal_reasons`]). In FATAL the
//! daemon keeps running and answering: processes are still auto-started and restarted, and
//! because 4.3 only refuses requests while its state is *below* RUNNING (FATAL = 2 is above
//! RUNNING = 1), every request keeps working. An operator sees it in `getState`
//! (`{statecode: 2, statename: "FATAL"}`) and in the CRIT lines of the main log, and clears it
//! in one of two ways:
//!
//! * the [`Request::ClearFatal`] request (to become an XML-RPC method
//!   `supervisor.clearFatal`), which returns supervisord to RUNNING and logs the cleared
//!   reasons at INFO; clearing when not FATAL is a no-op that also returns `true`;
//! * a reload (`SIGHUP` / `supervisor.restart`): the driver builds a new core, which starts
//!   in RUNNING. A shutdown or reload requested while FATAL proceeds normally.
//!
//! # Events and listeners
//!
//! Event pools, listeners and every event type of spec §4 live in the core (module
//! `events`); the wire format is the `eventproto` crate. Give the event options with
//! [`Supervisor::with_events`] ([`EventSpec`]: identifier, shutdown drain timeout, and per
//! group a [`PoolSpec`] and [`OutputEvents`]). What the driver wires:
//!
//! * every chunk read from a child's stdout/stderr → [`Input::Output`] (a listener's stdout
//!   is its protocol: `READY`, `RESULT`); EOF of a pipe → [`Input::OutputClosed`];
//! * [`Effect::WriteStdin`] → write the bytes to the listener's stdin, in order; on EPIPE
//!   feed [`Input::StdinClosed`];
//! * `supervisor.sendRemoteCommEvent` → [`Request::SendRemoteCommEvent`]; the new monitor
//!   query → [`Request::QueryMonitor`] and [`Supervisor::monitor_result`]; counters
//!   (overflow discards, dead letters) → [`Supervisor::event_counts`] /
//!   [`Supervisor::event_pools`]; `addProcessGroup` of a group with event options →
//!   [`Request::AddGroupWithEvents`].
//!
//! Dispatch is immediate: an event reaches a READY listener in the `handle` call in which
//! it happens. TICK events and monitor queries are deadlines in [`Supervisor::poll_timeout`]
//! (TICK boundaries are computed from `now.wall`). A shutdown or reload stops the listener
//! groups only once the buffered events are delivered or `shutdown_drain_timeout` passed;
//! with `max_retry`, an event rejected that many times is dead-lettered and supervisord
//! enters FATAL (above).
//!
//! # Deliberate differences from 4.3
//!
//! Listed in the crate README with the reasons; the largest are the absence of the 1-second
//! loop (above), the FATAL state (above), a defined outcome when a process in UNKNOWN is
//! reaped (4.3 fails an assertion), and deferred replies that settle on the transition that
//! decides them instead of a 50 ms re-poll.

pub mod calendar;
mod effect;
mod events;
mod input;
mod mood;
mod namespec;
mod pending;
mod process;
pub mod pyrepr;
mod query;
mod requests;
mod shutdown;
mod spec;
mod supervisor;
mod text;
mod transition;
pub mod vocab;

pub use effect::{Effect, Event, ProcessResult, Reply};
/// The event wire format (names, payloads, listener states), re-exported for callers.
pub use eventproto;
pub use events::query::{ListenerInfo, PoolInfo};
pub use events::spec::{EventSpec, GroupEvents, OutputEvents, PoolSpec};
pub use events::{MonitorResult, PoolCounts};
pub use input::{CheckId, Input, LogChannel, LogTarget, Request, RequestId, SpawnError};
pub use query::{ProcessInfo, StateInfo};
pub use spec::{GroupKind, GroupSpec, ProcessSpec, SupervisorSpec};
pub use supervisor::{Now, ProcessId, Supervisor};
pub use vocab::*;
