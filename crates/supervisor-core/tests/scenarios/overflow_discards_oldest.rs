//! A full buffer discards its OLDEST event, as 4.3 does (`event_buffer.pop(0)`), with
//! 4.3's ERRO line; the discard is counted. Rebuffering at the head into a full buffer
//! also drops the oldest buffered one first.

use crate::sim::*;
use supervisor_core::{LogLevel, Request};

#[test]
fn oldest_is_discarded_logged_and_counted() {
    let mut spec = pool_spec(&["REMOTE_COMMUNICATION"]);
    spec.buffer_size = 2;
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", spec)],
    );
    for i in 0..3 {
        sim.request(Request::SendRemoteCommEvent {
            kind: "t".into(),
            data: format!("{i}"),
        });
    }
    assert!(sim.has_log(
        LogLevel::Error,
        "pool listen event buffer overflowed, discarding event 0"
    ));
    let pool = &sim.core.event_pools()[0];
    assert_eq!(pool.buffered_serials, vec![1, 2]);
    assert!(pool.buffered <= pool.buffer_size);
    assert_eq!(sim.core.event_counts().overflowed, 1);
    // the survivors are delivered in order once a listener is READY and RUNNING
    sim.auto_listeners.insert("listen".into(), b"OK".to_vec());
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    let data: Vec<String> = sim
        .delivered("listen")
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    assert_eq!(data, vec!["type:t\n1", "type:t\n2"]);
}

#[test]
fn rebuffer_into_a_full_buffer_drops_the_oldest_buffered() {
    let mut spec = pool_spec(&["REMOTE_COMMUNICATION"]);
    spec.buffer_size = 1;
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", spec)],
    );
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    sim.request(Request::SendRemoteCommEvent {
        kind: "t".into(),
        data: "a".into(),
    }); // 0 sent
    sim.request(Request::SendRemoteCommEvent {
        kind: "t".into(),
        data: "b".into(),
    }); // 1 buffered
    sim.say("listen", b"RESULT 4\nFAIL");
    assert!(sim.has_log(
        LogLevel::Error,
        "pool listen event buffer overflowed, discarding event 1"
    ));
    assert_eq!(sim.core.event_pools()[0].buffered_serials, vec![0]);
}
