//! Read-only views of the event system (for XML-RPC methods to come and for tests).

use super::{MonitorResult, PoolCounts, add_counts};
use crate::supervisor::{ProcessId, Supervisor};
use eventproto::ListenerState;

/// One pool as seen from outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolInfo {
    /// The pool (group) name.
    pub name: String,
    /// Events waiting in the buffer.
    pub buffered: usize,
    /// `buffer_size`.
    pub buffer_size: usize,
    /// Serials of the buffered events, oldest first.
    pub buffered_serials: Vec<u64>,
    /// Events sent to a listener and not answered yet.
    pub in_flight: usize,
    /// The counters.
    pub counts: PoolCounts,
}

/// One listener process as seen from outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerInfo {
    /// Its pool.
    pub pool: String,
    /// Its protocol state.
    pub state: ListenerState,
    /// The serial of the event it is processing (BUSY only).
    pub in_flight: Option<u64>,
}

impl Supervisor {
    /// Every current pool, in creation order.
    pub fn event_pools(&self) -> Vec<PoolInfo> {
        self.events
            .pools
            .iter()
            .map(|p| PoolInfo {
                name: p.name.clone(),
                buffered: p.buffer.len(),
                buffer_size: p.spec.buffer_size,
                buffered_serials: p.buffer.iter().map(|q| q.serial).collect(),
                in_flight: self
                    .events
                    .listeners
                    .values()
                    .filter(|l| l.pool == p.name && l.in_flight.is_some())
                    .count(),
                counts: p.counts,
            })
            .collect()
    }

    /// The counters summed over every pool, including pools removed since start
    /// (overflow discards, dead letters, ...).
    pub fn event_counts(&self) -> PoolCounts {
        let mut total = self.events.retired;
        for p in &self.events.pools {
            add_counts(&mut total, &p.counts);
        }
        total
    }

    /// The listener state of `process`, if it is a member of a listener pool.
    pub fn listener_info(&self, process: ProcessId) -> Option<ListenerInfo> {
        let l = self.events.listeners.get(&process)?;
        Some(ListenerInfo {
            pool: l.pool.clone(),
            state: l.parser.state(),
            in_flight: l.in_flight.as_ref().map(|q| q.serial),
        })
    }

    /// The latest result of the monitor pool `pool` (None if not a monitor pool or no
    /// answer yet).
    pub fn monitor_result(&self, pool: &str) -> Option<&MonitorResult> {
        let p = self.events.pool_index(pool)?;
        self.events.pools[p].monitor.as_ref()?.latest.as_ref()
    }
}
