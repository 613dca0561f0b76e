//! A listener that dies while BUSY gives its event back (4.3 `finish` notifies a
//! rejection): it goes to the head of the pool and to the next READY listener, with the
//! same serials; the dead listener is restarted by the usual rules.

use crate::sim::*;
use supervisor_core::Request;

#[test]
fn the_event_of_a_dead_listener_goes_to_the_next_ready_one() {
    let mut sim = sim_with_pools(
        vec![pool_group("pool", &["l0", "l1"])],
        vec![("pool", pool_spec(&["REMOTE_COMMUNICATION"]))],
    );
    sim.say("pool:l0", b"READY\n");
    sim.say("pool:l1", b"READY\n");
    sim.advance(secs(2));
    sim.request(Request::SendRemoteCommEvent {
        kind: "job".into(),
        data: "x".into(),
    });
    let first = sim.delivered("pool:l0");
    assert_eq!(first.len(), 1, "pool order: l0 first");
    assert!(sim.delivered("pool:l1").is_empty());
    sim.exit("pool:l0", killed(supervisor_core::Signal(11)));
    let second = sim.delivered("pool:l1");
    assert_eq!(second, first, "redelivered as is");
    let counts = sim.core.event_counts();
    assert_eq!(counts.rejected, 1);
    sim.say("pool:l1", b"RESULT 2\nOK");
    assert_eq!(sim.core.event_counts().processed, 1);
    // l0 was restarted (autorestart unexpected) and starts over in ACKNOWLEDGED
    let l0 = sim.core.process_id("pool:l0").expect("listener");
    assert_eq!(
        sim.core.listener_info(l0).map(|i| i.state),
        Some(supervisor_core::eventproto::ListenerState::Acknowledged)
    );
}

#[test]
fn with_no_other_listener_the_event_waits_for_the_restart() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", pool_spec(&["REMOTE_COMMUNICATION"]))],
    );
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    sim.request(Request::SendRemoteCommEvent {
        kind: "job".into(),
        data: "x".into(),
    });
    sim.exit("listen", code(1));
    assert_eq!(sim.core.event_pools()[0].buffered_serials, vec![0]);
    sim.say("listen", b"READY\n");
    sim.advance(secs(2)); // RUNNING again after startsecs
    assert_eq!(sim.delivered("listen").len(), 2);
}

#[test]
fn stdin_closed_returns_the_event_without_a_rejection() {
    let mut sim = sim_with_pools(
        vec![pool_group("pool", &["l0", "l1"])],
        vec![("pool", pool_spec(&["REMOTE_COMMUNICATION"]))],
    );
    sim.say("pool:l0", b"READY\n");
    sim.advance(secs(2));
    sim.request(Request::SendRemoteCommEvent {
        kind: "job".into(),
        data: "x".into(),
    });
    let l0 = sim.core.process_id("pool:l0").expect("listener");
    sim.input(supervisor_core::Input::StdinClosed { process: l0 });
    assert!(sim.has_log(
        supervisor_core::LogLevel::Debug,
        "epipe occurred while sending event 0 to listener l0"
    ));
    assert_eq!(
        sim.core.listener_info(l0).map(|i| i.state),
        Some(supervisor_core::eventproto::ListenerState::Unknown)
    );
    assert_eq!(sim.core.event_counts().rejected, 0);
    sim.say("pool:l1", b"READY\n");
    assert_eq!(
        sim.delivered("pool:l1").len(),
        1,
        "the other listener gets it"
    );
    // a stale report (after the reap) changes nothing
    sim.exit("pool:l0", code(1));
    sim.input(supervisor_core::Input::StdinClosed { process: l0 });
    assert_eq!(
        sim.core.listener_info(l0).map(|i| i.state),
        Some(supervisor_core::eventproto::ListenerState::Acknowledged)
    );
}
