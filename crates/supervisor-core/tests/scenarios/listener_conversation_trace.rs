//! One listener conversation as a trace snapshot, after a run of supervisord 4.3.0 with the
//! same config (`buffer_size=2`, programs a, b, c, a listener that answers FAIL, then OK,
//! then a bad result line). The event lines of 4.3.0's main log, in order, with the same
//! serials — discarding 0, 1, READY, discarding 2, event 3 sent, rebuffering 4 (4.3's line
//! for the next event that found no READY listener), discarding 4, 5, rejected,
//! rebuffering 3 (buf size=2), discarding 6, event 3 sent, rebuffering 7, processed,
//! event 7 sent, bad result line, UNKNOWN, rebuffering 7 — are the lines of this trace.
//! (Timings differ: 4.3 spawns and promotes on its 1-second loop.)

use crate::sim::*;

#[test]
fn conversation_with_fail_ok_and_a_bad_result_line() {
    let mut spec = pool_spec(&["PROCESS_STATE"]);
    spec.buffer_size = 2;
    let mut listen = pool_group("listen", &["listen"]);
    listen.processes[0].startsecs = secs(0);
    let mut sim = sim_with_pools(
        vec![
            listen,
            prog("a", |_| {}),
            prog("b", |_| {}),
            prog("c", |_| {}),
        ],
        vec![("listen", spec)],
    );
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    sim.say("listen", b"RESULT 4\nFAIL");
    sim.say("listen", b"READY\n");
    sim.say("listen", b"RESULT 2\nOKREADY\n");
    sim.say("listen", b"RESULT x\n");
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!(sim.trace_text());
    });
}

#[test]
fn rebuffering_line_for_the_next_event_after_a_dispatch() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"]), prog("a", |_| {})],
        vec![("listen", pool_spec(&["PROCESS_STATE_RUNNING"]))],
    );
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    assert!(sim.has_log(
        supervisor_core::LogLevel::Debug,
        "rebuffering event 1 for pool listen (buf size=0, max=10)"
    ));
}
