//! The event system's deadlines: TICK_5/60/3600 on wall-clock boundaries, periodic
//! MONITOR_QUERY, and how long a shutdown waits for buffered events.

use crate::effect::{Effect, Event};
use crate::spec::GroupKind;
use crate::supervisor::{Now, Supervisor};
use crate::transition::later;
use crate::vocab::{LogLevel, ProcessStateCode};
use eventproto::{EventType, ListenerState, Payload, TickPeriod};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Wall time as a signed offset from the epoch, in seconds and nanoseconds.
fn epoch(wall: SystemTime) -> (i64, Duration) {
    match wall.duration_since(UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).unwrap_or(i64::MAX), d),
        Err(e) => {
            let back = e.duration();
            let secs = i64::try_from(back.as_secs()).unwrap_or(i64::MAX);
            let floor = if back.subsec_nanos() > 0 {
                -secs - 1
            } else {
                -secs
            };
            (floor, Duration::ZERO)
        }
    }
}

impl Supervisor {
    /// 4.3 `supervisord.tick`: when the wall clock has entered a new timeslice of a
    /// period since the last look, emit TICK_<period> with the start of that slice. The
    /// first look only takes the baseline. Then arm the deadline of the next boundary of
    /// any subscribed period (ticks nobody subscribes to cost no wakeups).
    pub(crate) fn check_ticks(&mut self, now: Now, fx: &mut Vec<Effect>) {
        let (secs, since_epoch) = epoch(now.wall);
        let mut next: Option<Instant> = None;
        for (i, period) in TickPeriod::ALL.into_iter().enumerate() {
            let p = period.secs() as i64;
            let this = secs - secs.rem_euclid(p);
            let subscribed = self
                .events
                .pools
                .iter()
                .any(|pool| pool.wants(period.event_type()));
            match self.events.ticks[i] {
                Some(last) if last == this => {}
                Some(_) => {
                    self.events.ticks[i] = Some(this);
                    if subscribed {
                        fx.push(Effect::Event(Event::Tick { period, when: this }));
                    }
                }
                None => self.events.ticks[i] = Some(this),
            }
            if subscribed {
                let boundary = u64::try_from(this + p).map(Duration::from_secs);
                let wait = match boundary {
                    Ok(b) => b.saturating_sub(since_epoch),
                    Err(_) => Duration::from_secs(1), // before 1970: look again soon
                };
                let at = later(now.mono, wait.max(Duration::from_nanos(1)));
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        self.events.tick_at = next;
    }

    /// Periodic MONITOR_QUERY for every monitor pool whose interval elapsed.
    pub(crate) fn check_monitors(&mut self, now: Now, fx: &mut Vec<Effect>) {
        for i in 0..self.events.pools.len() {
            let pool = &mut self.events.pools[i];
            let every = pool.spec.monitor_interval.max(Duration::from_millis(1));
            let Some(m) = pool.monitor.as_mut() else {
                continue;
            };
            if now.mono >= m.next_at {
                m.next_at = later(now.mono, every);
                self.query_monitor(i, fx);
            }
        }
    }

    /// Queue a MONITOR_QUERY for pool `i` (unless one is already waiting there: a slow
    /// monitor must not fill its buffer with queries).
    pub(crate) fn query_monitor(&mut self, i: usize, fx: &mut Vec<Effect>) {
        let name = &self.events.pools[i].name;
        let waiting = self.events.pools[i]
            .buffer
            .iter()
            .any(|q| q.kind == EventType::MonitorQuery)
            || self.events.listeners.values().any(|l| {
                &l.pool == name
                    && l.in_flight
                        .as_ref()
                        .is_some_and(|q| q.kind == EventType::MonitorQuery)
            });
        if waiting {
            return;
        }
        let pids = self
            .all_in_priority_order()
            .into_iter()
            .map(|id| &self.processes[id.index()])
            .filter(|p| p.active && p.code() == ProcessStateCode::Running)
            .filter_map(|p| p.state.pid().map(|pid| pid.0))
            .collect();
        self.publish(&Payload::MonitorQuery { pids }, Some(i), fx);
    }

    /// Whether every pool delivered what it holds — or cannot deliver anything any more
    /// (no member RUNNING or STARTING whose listener could still take an event: one in
    /// the UNKNOWN state never gets another until it is respawned, which a shutdown
    /// does not do).
    pub(crate) fn events_drained(&self) -> bool {
        self.events.pools.iter().all(|pool| {
            let Some(g) = self.group_index(&pool.name) else {
                return true;
            };
            let members = &self.groups[g].members;
            let live = members.iter().any(|id| {
                matches!(
                    self.processes[id.index()].code(),
                    ProcessStateCode::Running | ProcessStateCode::Starting
                ) && self
                    .events
                    .listeners
                    .get(id)
                    .is_none_or(|l| l.parser.state() != ListenerState::Unknown)
            });
            let in_flight = members.iter().any(|id| {
                self.events
                    .listeners
                    .get(id)
                    .is_some_and(|l| l.in_flight.is_some())
            });
            !live || (pool.buffer.is_empty() && !in_flight)
        })
    }

    /// Shutdown: may group `g` be stopped now? A listener group waits until the buffered
    /// events are delivered or the drain timeout passed, counted from the first time a
    /// listener group was due to stop.
    pub(crate) fn may_stop_group(&mut self, g: usize, now: Now, fx: &mut Vec<Effect>) -> bool {
        if self.groups[g].kind != GroupKind::EventListener {
            return true;
        }
        let until = *self
            .events
            .drain_until
            .get_or_insert_with(|| later(now.mono, self.events.drain_timeout));
        if self.events_drained() {
            return true;
        }
        if now.mono < until {
            return false;
        }
        if !self.events.drain_timed_out {
            self.events.drain_timed_out = true;
            fx.push(Effect::Log {
                level: LogLevel::Warn,
                message: format!(
                    "events still buffered after {} s (shutdown_drain_timeout), stopping event listeners",
                    self.events.drain_timeout.as_secs_f64()
                ),
            });
        }
        true
    }

    /// The earliest deadline of the event system.
    pub(crate) fn events_timeout(&self) -> Option<Instant> {
        let mut at = self.events.tick_at;
        let mut consider = |t: Instant| at = Some(at.map_or(t, |a| a.min(t)));
        if self.may_start() {
            for pool in &self.events.pools {
                if let Some(m) = &pool.monitor {
                    consider(m.next_at);
                }
            }
        }
        let shutting_down = self.shutdown.as_ref().is_some_and(|s| !s.finished);
        if let Some(until) = self.events.drain_until
            && shutting_down
            && !self.events.drain_timed_out
            && !self.events_drained()
        {
            consider(until);
        }
        at
    }
}
