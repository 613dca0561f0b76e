//! An event reaches a READY listener in the same `handle` call in which it happens: no
//! tick, no poll (4.3 dispatches in its next 1-second loop iteration).

use crate::sim::*;
use supervisor_core::{Effect, Event, Input};

#[test]
fn exit_is_written_to_the_ready_listener_in_the_same_call() {
    let mut sim = sim_with_pools(
        vec![
            pool_group("listen", &["listen"]),
            prog("a", |p| p.autorestart = supervisor_core::AutoRestart::Never),
        ],
        vec![("listen", pool_spec(&["PROCESS_STATE_EXITED"]))],
    );
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    let pid = sim.pid("a");
    sim.live.remove(&pid);
    let fx = sim.core.handle(
        sim.clock(),
        Input::Exited {
            pid,
            status: code(0),
        },
    );
    let event_at = fx
        .iter()
        .position(|e| matches!(e, Effect::Event(Event::ProcessState { .. })))
        .expect("EXITED notification");
    let write_at = fx
        .iter()
        .position(|e| matches!(e, Effect::WriteStdin { .. }))
        .expect("written in the same call");
    assert!(write_at > event_at);
    let Effect::WriteStdin { bytes, .. } = &fx[write_at] else {
        unreachable!()
    };
    let (h, payload) = parse_envelope(bytes);
    assert_eq!(h.event.name(), "PROCESS_STATE_EXITED");
    assert_eq!(
        payload,
        "processname:a groupname:a from_state:RUNNING expected:1 pid:1002"
    );
}

#[test]
fn ready_listener_gets_the_buffered_event_in_the_call_that_makes_it_ready() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", pool_spec(&["PROCESS_STATE_RUNNING"]))],
    );
    sim.advance(secs(2)); // RUNNING, not READY: the event waits
    assert!(sim.delivered("listen").is_empty());
    let id = sim.core.process_id("listen").expect("listener");
    let fx = sim.core.handle(
        sim.clock(),
        Input::Output {
            process: id,
            channel: supervisor_core::LogChannel::Stdout,
            bytes: b"READY\n".to_vec(),
        },
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::WriteStdin { .. })));
}
