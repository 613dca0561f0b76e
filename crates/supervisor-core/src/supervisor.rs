//! [`Supervisor`]: the process table, the input dispatch and the per-step transition pass.

use crate::effect::{Effect, Event};
use crate::events::Events;
use crate::events::spec::EventSpec;
use crate::input::{CheckId, Input, LogChannel};
use crate::pending::Pending;
use crate::process::{History, Process, ProcessState};
use crate::shutdown::Shutdown;
use crate::spec::{GroupKind, SupervisorSpec};
use crate::text;
use crate::transition::{self, Ctx, Note, ProcEvent, TICK, later};
use crate::vocab::{LogLevel, Pid, SupervisorStateCode};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant, SystemTime};

/// The time of a call: `mono` for deadlines, `wall` for what clients are shown (start and
/// stop times). Values only: the core never reads a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Monotonic time; deadlines and `poll_timeout` are in this clock.
    pub mono: Instant,
    /// Wall-clock time, for display.
    pub wall: SystemTime,
}

/// Identifies a process for the lifetime of one core (its index in the process table, in
/// start order). Named in Spawn/Kill effects so the driver matches typed keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProcessId(pub u32);

impl ProcessId {
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// A process group as the core keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) name: String,
    /// Sorting already happened in `new`; kept with the kind for the listener pools to come.
    #[allow(dead_code)]
    pub(crate) priority: i32,
    #[allow(dead_code)]
    pub(crate) kind: GroupKind,
    /// Members in ascending (priority, name) order.
    pub(crate) members: Vec<ProcessId>,
}

/// The whole supervisor as a deterministic state machine. See the crate documentation.
#[derive(Debug, Clone)]
pub struct Supervisor {
    /// Groups in ascending (priority, name) order.
    pub(crate) groups: Vec<Group>,
    /// Every process, group by group in that order, each group's in (priority, name) order.
    pub(crate) processes: Vec<Process>,
    /// supervisord's state ("mood").
    pub(crate) mood: SupervisorStateCode,
    /// Why supervisord is FATAL.
    pub(crate) fatal_reasons: Vec<String>,
    /// Progress of a shutdown or reload, once started.
    pub(crate) shutdown: Option<Shutdown>,
    /// Requests waiting for a command check or a transition.
    pub(crate) pending: Pending,
    /// The next CheckCommand id.
    pub(crate) next_check: u64,
    /// The latest `now.mono` seen (time never goes backwards).
    pub(crate) last_mono: Instant,
    /// The latest `now.wall` seen (for monitor results; may go backwards).
    pub(crate) last_wall: SystemTime,
    /// Event pools, listeners, output events, ticks.
    pub(crate) events: Events,
    /// Inputs handled so far (see [`Supervisor::generation`]).
    pub(crate) generation: u64,
}

impl Supervisor {
    /// Build the supervisor and start it: PROCESS_GROUP_ADDED for each group,
    /// SUPERVISOR_STATE_CHANGE_RUNNING, and one Spawn per autostart process, all in this
    /// first step, in (group priority, name), (process priority, name) order (spec §2.4).
    ///
    /// No event options: listener pools subscribe to nothing, output events are off.
    /// Use [`Supervisor::with_events`] to give them.
    pub fn new(spec: SupervisorSpec, now: Now) -> (Self, Vec<Effect>) {
        Self::with_events(spec, EventSpec::default(), now)
    }

    /// [`Supervisor::new`] with the event options (pools, output events, identifier,
    /// shutdown drain timeout). Each pool receives PROCESS_GROUP_ADDED for its own group
    /// and the groups after it, as in 4.3 (a pool subscribes when its group is added).
    pub fn with_events(spec: SupervisorSpec, events: EventSpec, now: Now) -> (Self, Vec<Effect>) {
        let mut group_specs = spec.groups;
        group_specs.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));
        let mut core = Supervisor {
            groups: Vec::new(),
            processes: Vec::new(),
            mood: SupervisorStateCode::Running,
            fatal_reasons: Vec::new(),
            shutdown: None,
            pending: Pending::default(),
            next_check: 0,
            last_mono: now.mono,
            last_wall: now.wall,
            events: Events::new(events),
            generation: 0,
        };
        let mut fx = Vec::new();
        let mut cursor = 0;
        for g in group_specs {
            let name = g.name.clone();
            core.add_group(g);
            fx.push(Effect::Event(Event::GroupAdded { group: name }));
            core.route(&mut fx, &mut cursor);
        }
        fx.push(Effect::Event(Event::SupervisorRunning));
        core.step(now, true, &mut fx, &mut cursor);
        (core, fx)
    }

    /// Apply one input, then run the transition pass. Effects are to be applied in order;
    /// their outcomes come back as inputs. Never fails, never panics.
    pub fn handle(&mut self, now: Now, input: Input) -> Vec<Effect> {
        self.generation = self.generation.wrapping_add(1);
        let now = self.clamp(now);
        let mut fx = Vec::new();
        let mut cursor = 0;
        let promote = !matches!(input, Input::Spawned { .. });
        match input {
            Input::CommandChecked { check, result } => {
                self.on_command_checked(check, result, now, &mut fx);
            }
            Input::Spawned { process, pid } => {
                if self.processes.get(process.index()).is_some() {
                    self.listener_spawned(process, &mut fx);
                    self.output_spawned(process);
                    self.apply(process, ProcEvent::Spawned(pid), now, &mut fx);
                }
            }
            Input::SpawnFailed { process, error } => {
                if self.processes.get(process.index()).is_some() {
                    self.apply(process, ProcEvent::SpawnFailed(&error), now, &mut fx);
                }
            }
            Input::Exited { pid, status } => match self.holder_of(pid) {
                Some(id) => {
                    // output first (4.3 drains the pipes before the state change), then
                    // the state change, then the rejection of an event in flight
                    for channel in [LogChannel::Stdout, LogChannel::Stderr] {
                        self.flush_output(id, channel, Some(pid), &mut fx);
                    }
                    self.apply(id, ProcEvent::Exited(status), now, &mut fx);
                    self.listener_exited(id, &mut fx);
                }
                None => fx.push(Effect::Log {
                    level: LogLevel::Info,
                    message: text::reaped_unknown(pid, status),
                }),
            },
            Input::KillFailed { pid, error } => match self.holder_of(pid) {
                Some(id) => self.apply(id, ProcEvent::KillFailed(&error), now, &mut fx),
                None => fx.push(Effect::Log {
                    level: LogLevel::Warn,
                    message: format!("kill failure reported for unknown pid {pid}: {error}"),
                }),
            },
            Input::SignalFailed { pid, error } => match self.holder_of(pid) {
                Some(id) => self.apply(id, ProcEvent::SignalFailed(&error), now, &mut fx),
                None => fx.push(Effect::Log {
                    level: LogLevel::Warn,
                    message: format!("signal failure reported for unknown pid {pid}: {error}"),
                }),
            },
            Input::Signal(signal) => self.on_signal(signal, &mut fx),
            Input::Request { id, request } => self.on_request(id, request, now, &mut fx),
            Input::Timeout => {}
            Input::LogClearFailed { target, error } => {
                let reason = self.log_clear_reason(target, &error);
                self.enter_fatal(reason, &mut fx);
            }
            Input::Output {
                process,
                channel,
                bytes,
            } => {
                if self
                    .processes
                    .get(process.index())
                    .is_some_and(|p| p.active)
                {
                    self.on_output(process, channel, &bytes, &mut fx);
                }
            }
            Input::OutputClosed { process, channel } => {
                if let Some(p) = self.processes.get(process.index()) {
                    let pid = p.state.pid();
                    self.flush_output(process, channel, pid, &mut fx);
                }
            }
            Input::StdinClosed { process } => self.listener_stdin_closed(process, &mut fx),
            Input::LogRemoveFailed { path, error } => {
                self.enter_fatal(
                    format!("could not remove log file {path}: {error}"),
                    &mut fx,
                );
            }
            Input::MainLogWriteFailed { error } => {
                self.enter_fatal(format!("could not write the main log: {error}"), &mut fx);
            }
        }
        self.step(now, promote, &mut fx, &mut cursor);
        fx
    }

    /// A number that changes whenever the state may have changed: `handle` is the only
    /// way in, and each call moves it on. A query answer (`all_process_info` with a given
    /// wall-clock second) stays exact while it is the same, so a driver may cache
    /// encoded answers under it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The earliest instant at which `handle(now, Input::Timeout)` has work; `None` when
    /// nothing is due (an idle daemon makes no wakeups). Never earlier than the latest
    /// `now` seen.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.shutdown.as_ref().is_some_and(|s| s.finished) {
            return None;
        }
        let may_start = self.may_start();
        let mut earliest: Option<Instant> = None;
        let mut consider = |t: Instant| {
            earliest = Some(earliest.map_or(t, |e| e.min(t)));
        };
        for p in &self.processes {
            match &p.state {
                ProcessState::Starting { since, .. } => {
                    consider(later(later(*since, p.spec.startsecs), TICK))
                }
                ProcessState::Backoff { retry_at } => {
                    if p.history.backoff > p.spec.startretries {
                        consider(self.last_mono); // given up at the next step
                    } else if may_start {
                        consider(*retry_at);
                    }
                }
                ProcessState::Stopping {
                    kill_at,
                    reported_at,
                    ..
                } => {
                    consider(*kill_at);
                    if let Some(at) = reported_at.filter(|_| self.pending.waits_for_stop(p.id)) {
                        consider(later(at, STOP_REPORT_EVERY + TICK));
                    }
                }
                ProcessState::Stopped
                | ProcessState::Spawning { .. }
                | ProcessState::Running { .. }
                | ProcessState::Exited { .. }
                | ProcessState::Fatal
                | ProcessState::Unknown { .. } => {}
            }
        }
        if let Some(at) = self.shutdown_report_due() {
            consider(at);
        }
        if let Some(at) = self.events_timeout() {
            consider(at);
        }
        earliest.map(|t| t.max(self.last_mono))
    }

    fn clamp(&mut self, now: Now) -> Now {
        self.last_mono = self.last_mono.max(now.mono);
        self.last_wall = now.wall;
        Now {
            mono: self.last_mono,
            wall: now.wall,
        }
    }

    /// Whether supervisord starts processes (4.3: mood above RESTARTING).
    pub(crate) fn may_start(&self) -> bool {
        matches!(
            self.mood,
            SupervisorStateCode::Running | SupervisorStateCode::Fatal
        )
    }

    /// Add a group after the groups of lower or equal priority (4.3 sorts its group dict by
    /// priority only, so a group added later goes after its equals), with its processes in
    /// (priority, name) order and fresh ids. Returns its index.
    pub(crate) fn add_group(&mut self, g: crate::spec::GroupSpec) -> usize {
        let mut procs = g.processes;
        procs.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));
        let mut members = Vec::new();
        for p in procs {
            let id = ProcessId(u32::try_from(self.processes.len()).unwrap_or(u32::MAX));
            members.push(id);
            self.processes.push(Process {
                id,
                group: g.name.clone(),
                spec: p,
                state: ProcessState::Stopped,
                history: History::default(),
                active: true,
            });
        }
        let at = self.groups.partition_point(|x| x.priority <= g.priority);
        let group = Group {
            name: g.name,
            priority: g.priority,
            kind: g.kind,
            members,
        };
        self.groups.insert(at, group);
        self.attach_events(at);
        at
    }

    /// The process whose state holds `pid`.
    pub(crate) fn holder_of(&self, pid: Pid) -> Option<crate::ProcessId> {
        self.processes
            .iter()
            .find(|p| p.state.pid() == Some(pid))
            .map(|p| p.id)
    }

    pub(crate) fn new_check(&mut self) -> CheckId {
        self.next_check += 1;
        CheckId(self.next_check)
    }

    /// Run one process transition, then act on what it noted: settle waiting requests,
    /// enter supervisord FATAL on kill failures.
    pub(crate) fn apply(
        &mut self,
        id: ProcessId,
        event: ProcEvent<'_>,
        now: Now,
        fx: &mut Vec<Effect>,
    ) {
        let Some(p) = self.processes.get_mut(id.index()) else {
            return;
        };
        let mut notes = Vec::new();
        let mut ctx = Ctx {
            now,
            fx,
            notes: &mut notes,
        };
        transition::transition(p, event, &mut ctx);
        for note in notes {
            match &note {
                Note::KillFailed { message, .. } | Note::SignalFailed { message } => {
                    self.enter_fatal(message.clone(), fx);
                }
                Note::Changed { .. } | Note::Spawned { .. } | Note::SpawnFailed { .. } => {}
            }
            self.settle(&note, now, fx);
        }
    }

    /// The transition pass run after every input (4.3's per-iteration `transition()` of
    /// every group, then its shutdown bookkeeping), with the event system's pass after
    /// each half: events of this call reach READY listeners in this call.
    fn step(&mut self, now: Now, promote: bool, fx: &mut Vec<Effect>, cursor: &mut usize) {
        let may_start = self.may_start();
        for i in 0..self.processes.len() {
            let id = self.processes[i].id;
            if !self.processes[i].active {
                continue; // its group was removed
            }
            self.apply(id, ProcEvent::Tick { may_start, promote }, now, fx);
        }
        self.report_stops(now, fx);
        self.events_pass(now, fx, cursor);
        if !may_start {
            if self.shutdown.is_none() {
                // SUPERVISOR_STATE_CHANGE_STOPPING reaches the pools (and a READY
                // listener) before any listener group is considered for stopping, so
                // that the drain waits for it even when no other group is left.
                self.begin_shutdown(fx);
                self.events_pass(now, fx, cursor);
            }
            self.shutdown_step(now, fx);
            self.events_pass(now, fx, cursor);
        }
    }

    /// Ticks and monitor queries that are due, routing of the new notifications, and
    /// dispatch to READY listeners.
    fn events_pass(&mut self, now: Now, fx: &mut Vec<Effect>, cursor: &mut usize) {
        self.check_ticks(now, fx);
        if self.may_start() {
            self.check_monitors(now, fx);
        }
        self.route(fx, cursor);
        self.dispatch(fx);
        *cursor = fx.len();
    }

    /// "waiting for <name> to stop" for stop requests still waiting, every 2 s (4.3
    /// `stop_report`, called by the deferred reply).
    fn report_stops(&mut self, now: Now, fx: &mut Vec<Effect>) {
        for i in 0..self.processes.len() {
            let id = self.processes[i].id;
            if !self.pending.waits_for_stop(id) {
                continue;
            }
            let p = &mut self.processes[i];
            if let ProcessState::Stopping { reported_at, .. } = &mut p.state {
                let due =
                    reported_at.is_none_or(|at| now.mono >= later(at, STOP_REPORT_EVERY + TICK));
                if due {
                    *reported_at = Some(now.mono);
                    fx.push(Effect::Log {
                        level: LogLevel::Info,
                        message: text::waiting_to_stop(&p.spec.name),
                    });
                }
            }
        }
    }
}

/// 4.3 logs "waiting for x to stop" when more than 2 s passed since the last one.
const STOP_REPORT_EVERY: Duration = Duration::from_secs(2);
