//! Event pools and listeners (spec §4): every event the core produces reaches the pools
//! subscribed to its type, each pool hands its events one at a time to READY listeners,
//! and the listeners' answers come back as output.
//!
//! How events flow inside one `handle` call:
//!
//! ```text
//! transitions, requests, output, ticks ──► Effect::Event(..) pushed to the effect list
//!                                                │ route(): each new Effect::Event is
//!                                                ▼ rendered once and accepted by every
//!                        pool buffers ◄──────────┘ subscribed pool (serials assigned here)
//!                             │ dispatch(): oldest event → first RUNNING+READY listener
//!                             ▼
//!                 Effect::WriteStdin { process, bytes }   (same handle call: no tick)
//! ```
//!
//! Routing reads the `Effect::Event`s already in the effect list, so every place that
//! emits a notification (process transitions, group add/remove, supervisord state) feeds
//! the pools without knowing about them, and the order of serials is the order of the
//! notifications.

mod listen;
mod output;
mod pool;
pub(crate) mod query;
pub(crate) mod spec;
mod timers;

use crate::effect::{Effect, Event};
use crate::spec::GroupKind;
use crate::supervisor::{ProcessId, Supervisor};
use crate::vocab::ProcessStateCode;
use eventproto::{CaptureScanner, ListenerParser, Payload, StateName};
pub(crate) use pool::Queued;
pub use pool::{MonitorResult, PoolCounts};
use pool::{Pool, next_serial};
use spec::{EventSpec, GroupEvents, OutputEvents};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// One listener process.
#[derive(Debug, Clone)]
pub(crate) struct Listener {
    /// Its pool's name.
    pub(crate) pool: String,
    /// Protocol state and parser (reset at each spawn).
    pub(crate) parser: ListenerParser,
    /// The event it was sent: `Some` exactly while the parser is BUSY.
    pub(crate) in_flight: Option<Queued>,
}

/// Output event options and capture scanners of one process.
#[derive(Debug, Clone)]
pub(crate) struct Outputs {
    pub(crate) spec: OutputEvents,
    pub(crate) stdout: CaptureScanner,
    pub(crate) stderr: CaptureScanner,
}

impl Outputs {
    fn new(spec: OutputEvents, listener: bool) -> Self {
        // no capture mode on a listener's stdout: it is the protocol channel
        let stdout_max = if listener {
            0
        } else {
            spec.stdout_capture_maxbytes
        };
        Outputs {
            spec,
            stdout: CaptureScanner::new(stdout_max),
            stderr: CaptureScanner::new(spec.stderr_capture_maxbytes),
        }
    }
}

/// Everything of the event system the supervisor keeps.
#[derive(Debug, Clone)]
pub(crate) struct Events {
    pub(crate) identifier: String,
    pub(crate) drain_timeout: Duration,
    /// Options by group name (from the spec, and from `AddGroupWithEvents`).
    pub(crate) groups: BTreeMap<String, GroupEvents>,
    /// The last global serial given.
    serial: Option<u64>,
    /// Pools in creation order (4.3 notifies subscribers in subscription order).
    pub(crate) pools: Vec<Pool>,
    pub(crate) listeners: BTreeMap<ProcessId, Listener>,
    pub(crate) outputs: BTreeMap<ProcessId, Outputs>,
    /// The current timeslice per TICK period (None until the baseline is taken).
    pub(crate) ticks: [Option<i64>; 3],
    /// When the next subscribed tick is due.
    pub(crate) tick_at: Option<Instant>,
    /// Shutdown: until when the listener groups wait for buffered events.
    pub(crate) drain_until: Option<Instant>,
    /// The drain timeout passed with events undelivered (logged once).
    pub(crate) drain_timed_out: bool,
    /// Counts of pools that went away.
    pub(crate) retired: PoolCounts,
}

impl Events {
    pub(crate) fn new(spec: EventSpec) -> Self {
        Events {
            identifier: spec.identifier,
            drain_timeout: spec.shutdown_drain_timeout,
            groups: spec.groups,
            serial: None,
            pools: Vec::new(),
            listeners: BTreeMap::new(),
            outputs: BTreeMap::new(),
            ticks: [None; 3],
            tick_at: None,
            drain_until: None,
            drain_timed_out: false,
            retired: PoolCounts::default(),
        }
    }

    pub(crate) fn pool_index(&self, name: &str) -> Option<usize> {
        self.pools.iter().position(|p| p.name == name)
    }
}

pub(crate) fn state_name(code: ProcessStateCode) -> StateName {
    match code {
        ProcessStateCode::Stopped => StateName::Stopped,
        ProcessStateCode::Starting => StateName::Starting,
        ProcessStateCode::Running => StateName::Running,
        ProcessStateCode::Backoff => StateName::Backoff,
        ProcessStateCode::Stopping => StateName::Stopping,
        ProcessStateCode::Exited => StateName::Exited,
        ProcessStateCode::Fatal => StateName::Fatal,
        ProcessStateCode::Unknown => StateName::Unknown,
    }
}

pub(crate) fn channel(c: crate::input::LogChannel) -> eventproto::Channel {
    match c {
        crate::input::LogChannel::Stdout => eventproto::Channel::Stdout,
        crate::input::LogChannel::Stderr => eventproto::Channel::Stderr,
    }
}

impl Supervisor {
    /// Set up the pool, listeners and output options of the group just added at `index`.
    pub(crate) fn attach_events(&mut self, index: usize) {
        let group = &self.groups[index];
        let options = self
            .events
            .groups
            .get(&group.name)
            .cloned()
            .unwrap_or_default();
        let listener = group.kind == GroupKind::EventListener;
        if listener && self.events.pool_index(&group.name).is_none() {
            let spec = options.pool.clone().unwrap_or_default();
            let pool = Pool::new(group.name.clone(), spec, self.last_mono);
            self.events.pools.push(pool);
        }
        for &id in &group.members {
            if listener {
                self.events.listeners.insert(
                    id,
                    Listener {
                        pool: group.name.clone(),
                        parser: ListenerParser::new(),
                        in_flight: None,
                    },
                );
            }
            let name = &self.processes[id.index()].spec.name;
            if let Some(o) = options.outputs.get(name).filter(|o| o.any()) {
                self.events.outputs.insert(id, Outputs::new(*o, listener));
            }
        }
    }

    /// A group was removed: its pool goes (undelivered events counted as discarded), its
    /// processes are no listeners any more.
    pub(crate) fn detach_events(
        &mut self,
        name: &str,
        members: &[ProcessId],
        fx: &mut Vec<Effect>,
    ) {
        let mut in_flight = Vec::new();
        for id in members {
            // A listener removed while BUSY (one left UNKNOWN by a failed kill) never
            // answers for its event: it is counted and logged with the pool's buffer.
            if let Some(q) = self.events.listeners.remove(id).and_then(|l| l.in_flight) {
                in_flight.push(q);
            }
            self.events.outputs.remove(id);
        }
        if let Some(i) = self.events.pool_index(name) {
            let mut pool = self.events.pools.remove(i);
            in_flight.sort_by_key(|q| std::cmp::Reverse(q.serial));
            for q in in_flight {
                pool.buffer.push_front(q);
            }
            discard_all(&mut pool, "pool removed", fx);
            add_counts(&mut self.events.retired, &pool.counts);
        }
    }

    /// Route the notifications pushed since `cursor` into the subscribed pools.
    pub(crate) fn route(&mut self, fx: &mut Vec<Effect>, cursor: &mut usize) {
        let start = (*cursor).min(fx.len());
        let new: Vec<Event> = fx[start..]
            .iter()
            .filter_map(|e| match e {
                Effect::Event(ev) => Some(ev.clone()),
                _ => None,
            })
            .collect();
        *cursor = fx.len();
        for ev in new {
            if let Some(payload) = self.payload_of(&ev) {
                self.publish(&payload, None, fx);
            }
        }
        *cursor = fx.len();
    }

    /// Give an event to every subscribed pool (or only to pool `only`); the global serial
    /// is taken by the first pool that accepts it (unsubscribed events use no number).
    pub(crate) fn publish(&mut self, payload: &Payload, only: Option<usize>, fx: &mut Vec<Effect>) {
        let kind = payload.event_type();
        let mut serial = None;
        let mut text = None;
        for (i, pool) in self.events.pools.iter_mut().enumerate() {
            if only.is_some_and(|o| o != i) || !pool.wants(kind) {
                continue;
            }
            let s = *serial.get_or_insert_with(|| next_serial(&mut self.events.serial));
            let t: &String = text.get_or_insert_with(|| payload.render());
            pool.accept(s, kind, t.clone(), fx);
        }
    }

    fn payload_of(&self, ev: &Event) -> Option<Payload> {
        let names = |id: ProcessId| {
            self.processes
                .get(id.index())
                .map(|p| (p.spec.name.clone(), p.group.clone()))
        };
        Some(match ev {
            Event::ProcessState {
                process,
                from,
                to,
                expected,
                pid,
                tries,
            } => {
                let (processname, groupname) = names(*process)?;
                Payload::ProcessState {
                    to: state_name(*to),
                    processname,
                    groupname,
                    from: state_name(*from),
                    tries: *tries,
                    expected: *expected,
                    pid: pid.map_or(0, |p| p.0),
                }
            }
            Event::GroupAdded { group } => Payload::ProcessGroup {
                removed: false,
                groupname: group.clone(),
            },
            Event::GroupRemoved { group } => Payload::ProcessGroup {
                removed: true,
                groupname: group.clone(),
            },
            Event::SupervisorRunning => Payload::SupervisorStateChange { stopping: false },
            Event::SupervisorStopping => Payload::SupervisorStateChange { stopping: true },
            Event::ProcessLog {
                process,
                channel: c,
                pid,
                data,
            } => {
                let (processname, groupname) = names(*process)?;
                Payload::ProcessLog {
                    channel: channel(*c),
                    processname,
                    groupname,
                    pid: pid.map_or(0, |p| p.0),
                    data: data.clone(),
                }
            }
            Event::ProcessCommunication {
                process,
                channel: c,
                pid,
                data,
            } => {
                let (processname, groupname) = names(*process)?;
                Payload::ProcessCommunication {
                    channel: channel(*c),
                    processname,
                    groupname,
                    pid: pid.map_or(0, |p| p.0),
                    data: data.clone(),
                }
            }
            Event::RemoteCommunication { kind, data } => Payload::RemoteCommunication {
                kind: kind.clone(),
                data: data.clone(),
            },
            Event::Tick { period, when } => Payload::Tick {
                period: *period,
                when: *when,
            },
        })
    }
}

/// Count and log every event a pool still holds (buffered or in flight elsewhere) as
/// discarded.
pub(crate) fn discard_all(pool: &mut Pool, why: &str, fx: &mut Vec<Effect>) {
    if pool.buffer.is_empty() {
        return;
    }
    let serials: Vec<String> = pool.buffer.iter().map(|q| q.serial.to_string()).collect();
    pool.counts.discarded += pool.buffer.len() as u64;
    pool.buffer.clear();
    fx.push(Effect::Log {
        level: crate::vocab::LogLevel::Warn,
        message: format!(
            "pool {} {why}, discarding {} undelivered event(s): {}",
            pool.name,
            serials.len(),
            serials.join(", ")
        ),
    });
}

pub(crate) fn add_counts(to: &mut PoolCounts, from: &PoolCounts) {
    to.accepted += from.accepted;
    to.processed += from.processed;
    to.rejected += from.rejected;
    to.overflowed += from.overflowed;
    to.dead_lettered += from.dead_lettered;
    to.discarded += from.discarded;
}

impl Supervisor {
    /// Exit or Restart: whatever is still buffered or in flight is counted and logged as
    /// discarded (with a drain timeout of 0 this is 4.3's behaviour, silently losing them).
    pub(crate) fn discard_undelivered(&mut self, fx: &mut Vec<Effect>) {
        let returned: Vec<(String, Queued)> = self
            .events
            .listeners
            .values_mut()
            .filter_map(|l| {
                let q = l.in_flight.take()?;
                // The listener will never answer for it: it no longer counts as BUSY.
                l.parser.give_up();
                Some((l.pool.clone(), q))
            })
            .collect();
        for (pool, q) in returned {
            if let Some(i) = self.events.pool_index(&pool) {
                self.events.pools[i].buffer.push_front(q);
            }
        }
        for pool in &mut self.events.pools {
            discard_all(pool, "shutting down", fx);
        }
    }
}
