//! One listener pool: its FIFO buffer with 4.3's overflow rule, its serial, its counters
//! and, for a monitor pool, the latest result.

use super::spec::PoolSpec;
use crate::effect::Effect;
use crate::vocab::LogLevel;
use eventproto::{EventType, Subscription};
use std::collections::VecDeque;
use std::time::{Instant, SystemTime};

/// An event as a pool holds it: numbered, its payload rendered once (4.3 renders state
/// payloads when the event is created, so later changes do not leak in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Queued {
    /// Global serial (same in every pool).
    pub(crate) serial: u64,
    /// This pool's serial.
    pub(crate) poolserial: u64,
    /// The concrete type.
    pub(crate) kind: EventType,
    /// The payload text.
    pub(crate) payload: String,
    /// How many times a listener of this pool rejected it (FAIL, bad result line, death).
    pub(crate) rejections: u32,
}

/// Counters of one pool; every event a pool accepts ends up in exactly one of
/// processed / dead_lettered / overflowed / discarded, or is still buffered or in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolCounts {
    /// Events accepted into the buffer (first time only; rebuffering does not count).
    pub accepted: u64,
    /// Events answered with `OK` (or, for MONITOR_QUERY, with any result).
    pub processed: u64,
    /// Rejections (an event rejected three times counts three).
    pub rejected: u64,
    /// Events discarded because the buffer was full (ERRO `... overflowed ...`).
    pub overflowed: u64,
    /// Events taken out of circulation after `max_retry` rejections.
    pub dead_lettered: u64,
    /// Events still undelivered when the pool went away (shutdown, reload, removal).
    pub discarded: u64,
}

/// The latest answer of a monitor process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorResult {
    /// The RESULT payload, uninterpreted.
    pub payload: Vec<u8>,
    /// The serial of the MONITOR_QUERY it answers.
    pub serial: u64,
    /// When it arrived (wall clock).
    pub at: SystemTime,
}

/// A pool subscribed to MONITOR_QUERY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Monitor {
    /// When the next periodic query is due.
    pub(crate) next_at: Instant,
    /// The latest result.
    pub(crate) latest: Option<MonitorResult>,
}

/// One `[eventlistener:x]` pool.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    /// The pool (group) name.
    pub(crate) name: String,
    pub(crate) spec: PoolSpec,
    pub(crate) buffer: VecDeque<Queued>,
    /// The last pool serial given (`None` before the first).
    serial: Option<u64>,
    pub(crate) counts: PoolCounts,
    pub(crate) monitor: Option<Monitor>,
}

/// 4.3 wraps serials to 0 after `sys.maxsize`.
const MAX_SERIAL: u64 = i64::MAX as u64;

/// The next serial after `last` (0 first), wrapping as 4.3.
pub(crate) fn next_serial(last: &mut Option<u64>) -> u64 {
    let next = match *last {
        None => 0,
        Some(MAX_SERIAL) => 0,
        Some(n) => n + 1,
    };
    *last = Some(next);
    next
}

impl Pool {
    pub(crate) fn new(name: String, spec: PoolSpec, now: Instant) -> Self {
        let monitor = spec
            .events
            .contains(&Subscription::Type(EventType::MonitorQuery))
            .then(|| Monitor {
                next_at: crate::transition::later(now, spec.monitor_interval),
                latest: None,
            });
        Pool {
            name,
            spec,
            buffer: VecDeque::new(),
            serial: None,
            counts: PoolCounts::default(),
            monitor,
        }
    }

    /// Whether the pool subscribes to `kind`.
    pub(crate) fn wants(&self, kind: EventType) -> bool {
        self.spec.events.iter().any(|s| s.matches(kind))
    }

    /// Accept a new event at the tail (4.3 `_acceptEvent`), discarding the oldest when
    /// full.
    pub(crate) fn accept(
        &mut self,
        serial: u64,
        kind: EventType,
        payload: String,
        fx: &mut Vec<Effect>,
    ) {
        let poolserial = next_serial(&mut self.serial);
        self.counts.accepted += 1;
        self.make_room(fx);
        self.buffer.push_back(Queued {
            serial,
            poolserial,
            kind,
            payload,
            rejections: 0,
        });
    }

    /// Put a rejected or undeliverable event back at the head (4.3 `_acceptEvent(head=True)`,
    /// which logs the rebuffering and may discard the oldest event to make room).
    pub(crate) fn rebuffer(&mut self, event: Queued, fx: &mut Vec<Effect>) {
        fx.push(Effect::Log {
            level: LogLevel::Debug,
            message: format!(
                "rebuffering event {} for pool {} (buf size={}, max={})",
                event.serial,
                self.name,
                self.buffer.len(),
                self.spec.buffer_size
            ),
        });
        self.make_room(fx);
        self.buffer.push_front(event);
    }

    fn make_room(&mut self, fx: &mut Vec<Effect>) {
        let max = self.spec.buffer_size.max(1);
        while self.buffer.len() >= max {
            let Some(oldest) = self.buffer.pop_front() else {
                break;
            };
            self.counts.overflowed += 1;
            fx.push(Effect::Log {
                level: LogLevel::Error,
                message: format!(
                    "pool {} event buffer overflowed, discarding event {}",
                    self.name, oldest.serial
                ),
            });
        }
    }
}
