//! Listeners: handing buffered events to READY listeners, reading their answers, and what
//! happens to an event that is rejected, dead-lettered or whose listener died.

use super::Queued;
use crate::effect::Effect;
use crate::supervisor::{ProcessId, Supervisor};
use crate::vocab::{LogLevel, ProcessStateCode};
use eventproto::{EventType, ListenerState, Said, Violation, decode, envelope};

fn debug(fx: &mut Vec<Effect>, message: String) {
    fx.push(Effect::Log {
        level: LogLevel::Debug,
        message,
    });
}

fn warn(fx: &mut Vec<Effect>, message: String) {
    fx.push(Effect::Log {
        level: LogLevel::Warn,
        message,
    });
}

/// Why an in-flight event comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Return {
    /// FAIL (or any non-OK result), a bad result line, or the listener died: a rejection,
    /// counted towards `max_retry`.
    Rejected,
    /// It never reached the listener (stdin closed): not a rejection.
    Undelivered,
}

impl Supervisor {
    /// Hand buffered events to READY listeners, oldest first, one per listener (4.3
    /// `EventListenerPool.dispatch`), in every pool.
    pub(crate) fn dispatch(&mut self, fx: &mut Vec<Effect>) {
        for i in 0..self.events.pools.len() {
            let name = self.events.pools[i].name.clone();
            let Some(g) = self.group_index(&name) else {
                continue;
            };
            let members = self.groups[g].members.clone();
            let mut sent = false;
            while !self.events.pools[i].buffer.is_empty() {
                let ready = members.iter().copied().find(|id| {
                    self.processes[id.index()].code() == ProcessStateCode::Running
                        && self
                            .events
                            .listeners
                            .get(id)
                            .is_some_and(|l| l.parser.state() == ListenerState::Ready)
                });
                let Some(id) = ready else {
                    let pool = &self.events.pools[i];
                    if sent && let Some(head) = pool.buffer.front() {
                        // 4.3 pops the next event, finds nobody READY and puts it back,
                        // logging a rebuffering line for an event that was never sent
                        debug(
                            fx,
                            format!(
                                "rebuffering event {} for pool {name} (buf size={}, max={})",
                                head.serial,
                                pool.buffer.len() - 1,
                                pool.spec.buffer_size
                            ),
                        );
                    }
                    break;
                };
                let Some(event) = self.events.pools[i].buffer.pop_front() else {
                    break;
                };
                let bytes = envelope(
                    &self.events.identifier,
                    event.serial,
                    &name,
                    event.poolserial,
                    event.kind,
                    &event.payload,
                );
                debug(
                    fx,
                    format!(
                        "event {} sent to listener {}",
                        event.serial,
                        self.processes[id.index()].spec.name
                    ),
                );
                fx.push(Effect::WriteStdin { process: id, bytes });
                sent = true;
                if let Some(l) = self.events.listeners.get_mut(&id) {
                    l.parser.event_sent();
                    l.in_flight = Some(event);
                }
            }
        }
    }

    /// Bytes from a listener's stdout.
    pub(crate) fn on_listener_output(&mut self, id: ProcessId, bytes: &[u8], fx: &mut Vec<Effect>) {
        let Some(listener) = self.events.listeners.get_mut(&id) else {
            return;
        };
        let said = listener.parser.feed(bytes);
        let name = self.processes[id.index()].spec.name.clone();
        for s in said {
            match s {
                Said::Ready => debug(fx, format!("{name}: ACKNOWLEDGED -> READY")),
                Said::Result(result) => self.on_result(id, &name, result, fx),
                Said::Violation(v) => {
                    let from = v.from_state();
                    if let Violation::BadResultLine(line) = &v {
                        warn(fx, format!("{name}: bad result line: '{}'", decode(line)));
                    }
                    entered_unknown(&name, from, fx);
                    if let Some(event) = self.take_in_flight(id) {
                        self.give_back(id, event, Return::Rejected, fx);
                    }
                }
            }
        }
    }

    fn on_result(&mut self, id: ProcessId, name: &str, result: Vec<u8>, fx: &mut Vec<Effect>) {
        let Some(event) = self.take_in_flight(id) else {
            return; // cannot happen: the parser is BUSY only with an event in flight
        };
        let Some(p) = self.pool_of(id) else { return };
        if event.kind == EventType::MonitorQuery {
            let pool = &mut self.events.pools[p];
            pool.counts.processed += 1;
            if let Some(m) = pool.monitor.as_mut() {
                m.latest = Some(super::MonitorResult {
                    payload: result,
                    serial: event.serial,
                    at: self.last_wall,
                });
            }
            debug(fx, format!("{name}: event was processed"));
            debug(fx, format!("{name}: BUSY -> ACKNOWLEDGED"));
        } else if result == b"OK" {
            self.events.pools[p].counts.processed += 1;
            debug(fx, format!("{name}: event was processed"));
            debug(fx, format!("{name}: BUSY -> ACKNOWLEDGED"));
        } else {
            warn(fx, format!("{name}: event was rejected"));
            debug(fx, format!("{name}: BUSY -> ACKNOWLEDGED"));
            self.give_back(id, event, Return::Rejected, fx);
        }
    }

    /// A listener process was spawned: a fresh protocol (ACKNOWLEDGED).
    pub(crate) fn listener_spawned(&mut self, id: ProcessId, fx: &mut Vec<Effect>) {
        if let Some(event) = self.take_in_flight(id) {
            self.give_back(id, event, Return::Rejected, fx);
        }
        if let Some(l) = self.events.listeners.get_mut(&id) {
            l.parser = eventproto::ListenerParser::new();
        }
    }

    /// A listener process was reaped: its event in flight is rejected (4.3 `finish`) and
    /// goes back to the head of its own pool, for the next READY listener. Its protocol
    /// starts over (ACKNOWLEDGED) already now rather than at the next spawn, so that BUSY
    /// always means "one event in flight"; 4.3 leaves the stale state until the respawn,
    /// where nobody can observe it but `getProcessInfo`-like debugging.
    pub(crate) fn listener_exited(&mut self, id: ProcessId, fx: &mut Vec<Effect>) {
        if let Some(event) = self.take_in_flight(id) {
            self.give_back(id, event, Return::Rejected, fx);
        }
        if let Some(l) = self.events.listeners.get_mut(&id) {
            l.parser = eventproto::ListenerParser::new();
        }
    }

    /// The driver could not write to a listener's stdin (EPIPE): the event goes back
    /// without counting as a rejection, and the listener gets no more events until it
    /// is spawned again. Only a BUSY listener can be affected (a write makes it BUSY); a
    /// report arriving after the listener was reaped (and its event already returned) is
    /// stale and ignored.
    pub(crate) fn listener_stdin_closed(&mut self, id: ProcessId, fx: &mut Vec<Effect>) {
        let Some(l) = self.events.listeners.get_mut(&id) else {
            return;
        };
        let from = l.parser.state();
        if from != ListenerState::Busy {
            return;
        }
        l.parser.give_up();
        let name = self.processes[id.index()].spec.name.clone();
        if let Some(event) = self.take_in_flight(id) {
            debug(
                fx,
                format!(
                    "epipe occurred while sending event {} to listener {name}",
                    event.serial
                ),
            );
            self.give_back(id, event, Return::Undelivered, fx);
        }
        entered_unknown(&name, from, fx);
    }

    fn take_in_flight(&mut self, id: ProcessId) -> Option<Queued> {
        self.events.listeners.get_mut(&id)?.in_flight.take()
    }

    fn pool_of(&self, id: ProcessId) -> Option<usize> {
        let l = self.events.listeners.get(&id)?;
        self.events.pool_index(&l.pool)
    }

    /// An event comes back from listener `id`: into the SAME pool only (4.3 rebuffers
    /// into every pool with a member of equal priority, spec §11 item 3), at the head;
    /// or, after `max_retry` rejections, out of circulation.
    pub(crate) fn give_back(
        &mut self,
        id: ProcessId,
        mut event: Queued,
        why: Return,
        fx: &mut Vec<Effect>,
    ) {
        let Some(p) = self.pool_of(id) else {
            return;
        };
        if why == Return::Rejected {
            event.rejections = event.rejections.saturating_add(1);
            self.events.pools[p].counts.rejected += 1;
            if let Some(max) = self.events.pools[p].spec.max_retry
                && event.rejections >= max.max(1)
            {
                return self.dead_letter(p, event, max, fx);
            }
        }
        self.events.pools[p].rebuffer(event, fx);
    }

    fn dead_letter(&mut self, p: usize, event: Queued, max: u32, fx: &mut Vec<Effect>) {
        let pool = &mut self.events.pools[p];
        pool.counts.dead_lettered += 1;
        let bytes = envelope(
            &self.events.identifier,
            event.serial,
            &pool.name,
            event.poolserial,
            event.kind,
            &event.payload,
        );
        fx.push(Effect::Log {
            level: LogLevel::Error,
            message: format!(
                "pool {} dead-lettered event {} after {} rejections (max_retry={max}):\n{}",
                pool.name,
                event.serial,
                event.rejections,
                String::from_utf8_lossy(&bytes)
            ),
        });
        let reason = format!(
            "event {} ({}) of pool {} rejected {} times (max_retry={max})",
            event.serial, event.kind, pool.name, event.rejections
        );
        self.enter_fatal(reason, fx);
    }
}

/// `<name>: <FROM> -> UNKNOWN` (DEBG) and 4.3's warning.
fn entered_unknown(name: &str, from: ListenerState, fx: &mut Vec<Effect>) {
    debug(fx, format!("{name}: {} -> UNKNOWN", from.name()));
    warn(
        fx,
        format!(
            "{name}: has entered the UNKNOWN state and will no longer receive events, this \
             usually indicates the process violated the eventlistener protocol"
        ),
    );
}
