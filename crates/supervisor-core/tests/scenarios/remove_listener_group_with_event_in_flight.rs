//! A listener group removed while a member is BUSY (left UNKNOWN by a failed kill, so
//! removal is allowed): the member never answers for its event, which is counted and
//! logged as discarded with the pool's buffer — every accepted event stays accounted for.
//! Found by the `core_trace` fuzz target (fuzz/regressions/core_trace/).

use crate::sim::*;
use supervisor_core::{LogLevel, Request};

#[test]
fn the_in_flight_event_is_counted_discarded() {
    let mut sim = sim_with_pools(
        vec![pool_group("l0", &["l0"])],
        vec![("l0", pool_spec(&["REMOTE_COMMUNICATION"]))],
    );
    sim.say("l0", b"READY\n");
    sim.advance(secs(2));
    for data in ["a", "b"] {
        sim.request(Request::SendRemoteCommEvent {
            kind: "job".into(),
            data: data.into(),
        });
    }
    assert_eq!(sim.delivered("l0").len(), 1, "one in flight, one buffered");
    sim.kill_failures.insert("l0".into());
    sim.request(Request::Stop {
        name: "l0".into(),
        wait: false,
    });
    assert_eq!(sim.state("l0"), supervisor_core::ProcessStateCode::Unknown);
    let id = sim.request(Request::RemoveGroup { name: "l0".into() });
    assert_eq!(shown(&sim, id), "true", "{}", sim.trace_text());
    let counts = sim.core.event_counts();
    assert_eq!((counts.accepted, counts.discarded), (2, 2), "{counts:?}");
    assert!(
        sim.has_log(
            LogLevel::Warn,
            "pool l0 pool removed, discarding 2 undelivered event(s): 0, 1"
        ),
        "{}",
        sim.trace_text()
    );
    sim.check_invariants().expect("invariants");
}
