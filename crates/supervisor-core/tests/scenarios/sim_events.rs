//! The event side of the `Sim`: listener groups and pool options, a listener's stdout,
//! what was written to its stdin, and the event invariants.

use crate::sim::{Sim, group};
use supervisor_core::eventproto::Header;
use supervisor_core::{GroupSpec, Input, LogChannel, ProcessId, ProcessSpec};

impl Sim {
    /// The child `namespec` writes `bytes` to its stdout.
    pub fn say(&mut self, namespec: &str, bytes: &[u8]) {
        let process = self.core.process_id(namespec).expect("known process");
        if self.record {
            self.note(format!(
                "<- {namespec} stdout {:?}",
                String::from_utf8_lossy(bytes)
            ));
        }
        self.input(Input::Output {
            process,
            channel: LogChannel::Stdout,
            bytes: bytes.to_vec(),
        });
    }

    /// The child `namespec` writes `bytes` to `channel`.
    pub fn output(&mut self, namespec: &str, channel: LogChannel, bytes: &[u8]) {
        let process = self.core.process_id(namespec).expect("known process");
        self.input(Input::Output {
            process,
            channel,
            bytes: bytes.to_vec(),
        });
    }

    /// Every (header, payload) written to the stdin of `namespec`, in order.
    pub fn delivered(&self, namespec: &str) -> Vec<(Header, String)> {
        self.stdin
            .get(namespec)
            .map(|writes| writes.iter().map(|w| parse_envelope(w)).collect())
            .unwrap_or_default()
    }

    /// The event names delivered to `namespec`, in order.
    pub fn delivered_names(&self, namespec: &str) -> Vec<String> {
        self.delivered(namespec)
            .iter()
            .map(|(h, _)| h.event.name().to_string())
            .collect()
    }

    /// Pools never hold more than `buffer_size`; a listener is BUSY iff exactly one event
    /// is in flight to it; no event waits while a RUNNING listener of its pool is READY
    /// (so every event is eventually delivered); every accepted event is processed, dead-lettered, overflowed,
    /// discarded (counted), or still buffered or in flight: nothing is silently lost.
    pub fn check_event_invariants(&self) -> Result<(), String> {
        use supervisor_core::eventproto::ListenerState;
        let pools = self.core.event_pools();
        for p in &pools {
            if p.buffered > p.buffer_size.max(1) {
                return Err(format!(
                    "pool {} holds {} > {}",
                    p.name, p.buffered, p.buffer_size
                ));
            }
        }
        let mut in_flight = 0u64;
        for i in 0.. {
            let id = ProcessId(i);
            if self.core.names_of(id).is_none() {
                break;
            }
            if let Some(l) = self.core.listener_info(id) {
                if (l.state == ListenerState::Busy) != l.in_flight.is_some() {
                    return Err(format!(
                        "{}: {:?} with in flight {:?}",
                        self.name(id),
                        l.state,
                        l.in_flight
                    ));
                }
                in_flight += u64::from(l.in_flight.is_some());
                // liveness: no event waits while a RUNNING listener of its pool is READY
                // (the cheap tests first: the state lookup by name only for a READY
                // listener whose pool holds events)
                if l.state == ListenerState::Ready
                    && pools.iter().any(|p| p.name == l.pool && p.buffered > 0)
                    && self.core.process_state(&self.name(id))
                        == Some(supervisor_core::ProcessStateCode::Running)
                {
                    return Err(format!(
                        "{} is idle while pool {} holds events",
                        self.name(id),
                        l.pool
                    ));
                }
            }
        }
        let c = self.core.event_counts();
        let buffered: u64 = pools.iter().map(|p| p.buffered as u64).sum();
        let ended = c.processed + c.dead_lettered + c.overflowed + c.discarded;
        if c.accepted != ended + buffered + in_flight {
            return Err(format!(
                "events lost: {c:?}, buffered {buffered}, in flight {in_flight}"
            ));
        }
        Ok(())
    }
}

/// Split one WriteStdin into its header and payload (checking `len`).
pub fn parse_envelope(bytes: &[u8]) -> (Header, String) {
    let nl = bytes.iter().position(|&b| b == b'\n').expect("header line");
    let line = std::str::from_utf8(&bytes[..nl]).expect("utf-8 header");
    let header = Header::parse(line).expect("valid header");
    let rest = &bytes[nl + 1..];
    let n = header.payload_byte_len(rest).expect("complete payload");
    assert_eq!(n, rest.len(), "exactly one payload per write");
    (
        header,
        String::from_utf8(rest.to_vec()).expect("utf-8 payload"),
    )
}

/// An `[eventlistener:name]` group (priority -1) with processes `members`.
pub fn pool_group(name: &str, members: &[&str]) -> GroupSpec {
    let mut g = group(name, -1, &[]);
    g.kind = supervisor_core::GroupKind::EventListener;
    g.processes = members
        .iter()
        .map(|&m| {
            let mut p = ProcessSpec::new(m);
            p.priority = -1;
            p
        })
        .collect();
    g
}

/// Pool options subscribed to `events` (names as in `events=`), other options default.
pub fn pool_spec(events: &[&str]) -> supervisor_core::PoolSpec {
    supervisor_core::PoolSpec::new(
        events
            .iter()
            .map(|e| supervisor_core::eventproto::Subscription::parse(e).expect("event name"))
            .collect(),
    )
}

/// A Sim whose listener groups have these pool options.
pub fn sim_with_pools(
    groups: Vec<GroupSpec>,
    pools: Vec<(&str, supervisor_core::PoolSpec)>,
) -> Sim {
    Sim::with_setup(groups, |s| {
        for (name, spec) in pools {
            s.event_spec.groups.insert(
                name.to_string(),
                supervisor_core::GroupEvents {
                    pool: Some(spec),
                    ..Default::default()
                },
            );
        }
    })
}
