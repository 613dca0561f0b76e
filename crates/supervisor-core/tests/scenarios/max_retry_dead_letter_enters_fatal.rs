//! `max_retry` (the old TODO item, never done in 4.3): once one event has been rejected
//! that many times it is taken out of circulation, logged in full at ERROR, counted, and
//! supervisord enters FATAL with that reason. Without max_retry, 4.3's endless retries.

use crate::sim::*;
use supervisor_core::{LogLevel, Request, SupervisorStateCode};

fn failing_sim(max_retry: Option<u32>) -> Sim {
    let mut spec = pool_spec(&["REMOTE_COMMUNICATION"]);
    spec.max_retry = max_retry;
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", spec)],
    );
    sim.auto_listeners.insert("listen".into(), b"FAIL".to_vec());
    sim.release_spawns();
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    sim
}

#[test]
fn third_rejection_dead_letters_and_enters_fatal() {
    let mut sim = failing_sim(Some(3));
    sim.request(Request::SendRemoteCommEvent {
        kind: "job".into(),
        data: "poison".into(),
    });
    assert_eq!(
        sim.delivered("listen").len(),
        3,
        "delivered 3 times, rejected 3 times"
    );
    let letter = "pool listen dead-lettered event 0 after 3 rejections (max_retry=3):\n\
                  ver:3.0 server:supervisor serial:0 pool:listen poolserial:0 \
                  eventname:REMOTE_COMMUNICATION len:15\ntype:job\npoison";
    assert!(sim.has_log(LogLevel::Error, letter), "{:#?}", sim.logs);
    assert_eq!(
        sim.core.get_state().expect("state").code,
        SupervisorStateCode::Fatal
    );
    assert!(sim.core.fatal_reasons().iter().any(
        |r| r == "event 0 (REMOTE_COMMUNICATION) of pool listen rejected 3 times (max_retry=3)"
    ));
    let counts = sim.core.event_counts();
    assert_eq!((counts.dead_lettered, counts.rejected), (1, 3));
    assert_eq!(sim.core.event_pools()[0].buffered, 0);
    // the pool goes on with the next event
    sim.auto_listeners.insert("listen".into(), b"OK".to_vec());
    sim.request(Request::SendRemoteCommEvent {
        kind: "job".into(),
        data: "fine".into(),
    });
    assert_eq!(sim.core.event_counts().processed, 1);
}

#[test]
fn without_max_retry_rejections_go_on() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", pool_spec(&["REMOTE_COMMUNICATION"]))],
    );
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    sim.request(Request::SendRemoteCommEvent {
        kind: "job".into(),
        data: "poison".into(),
    });
    for _ in 0..50 {
        sim.say("listen", b"RESULT 4\nFAILREADY\n");
    }
    assert_eq!(sim.delivered("listen").len(), 51);
    assert_eq!(sim.core.event_counts().rejected, 50);
    assert_eq!(
        sim.core.get_state().expect("state").code,
        SupervisorStateCode::Running
    );
}
