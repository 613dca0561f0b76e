//! A rejected event (`RESULT 4\nFAIL`) goes back to the HEAD of its own pool, keeps its
//! serials, and is redelivered — into the same pool only. 4.3 rebuffers it into every pool
//! that has a member of equal priority (spec §4.4, §11 item 3); that duplication is fixed.

use crate::sim::*;
use supervisor_core::LogLevel;

#[test]
fn fail_rebuffers_at_the_head_and_redelivers_with_the_same_serials() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"]), prog("a", |_| {})],
        vec![("listen", pool_spec(&["PROCESS_STATE_RUNNING"]))],
    );
    sim.say("listen", b"READY\n");
    sim.advance(secs(2)); // two RUNNING events: serial 0 sent, serial 1 buffered
    assert_eq!(sim.core.event_pools()[0].buffered_serials, vec![1]);
    sim.say("listen", b"RESULT 4\nFAIL");
    assert!(sim.has_log(LogLevel::Warn, "listen: event was rejected"));
    assert!(sim.has_log(LogLevel::Debug, "listen: BUSY -> ACKNOWLEDGED"));
    assert!(sim.has_log(
        LogLevel::Debug,
        "rebuffering event 0 for pool listen (buf size=1, max=10)"
    ));
    assert_eq!(
        sim.core.event_pools()[0].buffered_serials,
        vec![0, 1],
        "at the head"
    );
    sim.say("listen", b"READY\n");
    let got = sim.delivered("listen");
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0], got[1],
        "same header (serial, poolserial) and payload"
    );
    let counts = sim.core.event_counts();
    assert_eq!(
        (counts.accepted, counts.rejected, counts.processed),
        (2, 1, 0)
    );
}

#[test]
fn a_rejection_never_reaches_another_pool() {
    // two pools, both priority -1 as in 4.3's duplication case; `other` does not even
    // subscribe to the rejected type
    let mut sim = sim_with_pools(
        vec![
            pool_group("listen", &["listen"]),
            pool_group("other", &["other"]),
        ],
        vec![
            ("listen", pool_spec(&["PROCESS_STATE_RUNNING"])),
            ("other", pool_spec(&["TICK_3600"])),
        ],
    );
    sim.say("listen", b"READY\n");
    sim.say("other", b"READY\n");
    sim.advance(secs(2));
    sim.say("listen", b"RESULT 4\nFAIL");
    let pools = sim.core.event_pools();
    let other = pools.iter().find(|p| p.name == "other").expect("pool");
    assert_eq!(other.buffered, 0);
    assert_eq!(other.counts.accepted, 0);
    assert!(sim.delivered("other").is_empty());
}
