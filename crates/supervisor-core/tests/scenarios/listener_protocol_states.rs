//! The listener states and their log lines (spec §4.3, §2.6): ACKNOWLEDGED until
//! `READY\n`, READY → BUSY when an event is written, BUSY → ACKNOWLEDGED on a RESULT, and
//! UNKNOWN on any protocol violation; events only go to RUNNING listeners.

use crate::sim::*;
use supervisor_core::LogLevel;
use supervisor_core::eventproto::ListenerState;

fn state(sim: &Sim, ns: &str) -> ListenerState {
    let id = sim.core.process_id(ns).expect("listener");
    sim.core.listener_info(id).expect("is a listener").state
}

#[test]
fn ready_busy_acknowledged_with_4_3_log_lines() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"]), prog("a", |_| {})],
        vec![("listen", pool_spec(&["PROCESS_STATE_RUNNING"]))],
    );
    assert_eq!(state(&sim, "listen"), ListenerState::Acknowledged);
    sim.say("listen", b"READY\n");
    assert!(sim.has_log(LogLevel::Debug, "listen: ACKNOWLEDGED -> READY"));
    // READY but still STARTING: nothing is sent before RUNNING
    assert!(sim.delivered("listen").is_empty());
    sim.advance(secs(2));
    // both RUNNING events were buffered; the first is in flight, one at a time
    let got = sim.delivered("listen");
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].1,
        "processname:listen groupname:listen from_state:STARTING pid:1001"
    );
    assert_eq!(state(&sim, "listen"), ListenerState::Busy);
    assert!(sim.has_log(LogLevel::Debug, "event 0 sent to listener listen"));
    sim.say("listen", b"RESULT 2\nOKREADY\n");
    assert!(sim.has_log(LogLevel::Debug, "listen: event was processed"));
    assert!(sim.has_log(LogLevel::Debug, "listen: BUSY -> ACKNOWLEDGED"));
    let got = sim.delivered("listen");
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].0.serial, 1);
    assert_eq!(
        got[1].1,
        "processname:a groupname:a from_state:STARTING pid:1002"
    );
}

#[test]
fn spurious_output_while_ready_is_unknown_for_good() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", pool_spec(&["EVENT"]))],
    );
    sim.say("listen", b"READY\nhello\n");
    assert_eq!(state(&sim, "listen"), ListenerState::Unknown);
    assert!(sim.has_log(LogLevel::Debug, "listen: READY -> UNKNOWN"));
    assert!(sim.has_log(
        LogLevel::Warn,
        "listen: has entered the UNKNOWN state and will no longer receive events, this \
         usually indicates the process violated the eventlistener protocol"
    ));
    sim.advance(secs(2));
    sim.say("listen", b"READY\n");
    assert!(sim.delivered("listen").is_empty(), "UNKNOWN gets nothing");
    // a respawn starts over in ACKNOWLEDGED
    sim.exit("listen", code(1));
    assert_eq!(state(&sim, "listen"), ListenerState::Acknowledged);
}

#[test]
fn bad_result_line_is_unknown_and_the_event_comes_back() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", pool_spec(&["PROCESS_STATE_RUNNING"]))],
    );
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    assert_eq!(sim.delivered("listen").len(), 1);
    sim.say("listen", b"RESULT two\n");
    assert!(sim.has_log(LogLevel::Warn, "listen: bad result line: 'RESULT two'"));
    assert!(sim.has_log(LogLevel::Debug, "listen: BUSY -> UNKNOWN"));
    assert!(sim.has_log(
        LogLevel::Debug,
        "rebuffering event 0 for pool listen (buf size=0, max=10)"
    ));
    let pools = sim.core.event_pools();
    assert_eq!(pools[0].buffered_serials, vec![0]);
    assert_eq!(pools[0].counts.rejected, 1);
}

#[test]
fn not_ready_first_is_unknown() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", pool_spec(&["EVENT"]))],
    );
    sim.say("listen", b"READ");
    assert_eq!(
        state(&sim, "listen"),
        ListenerState::Acknowledged,
        "waits for 6 bytes"
    );
    sim.say("listen", b"Y!");
    assert_eq!(state(&sim, "listen"), ListenerState::Unknown);
    assert!(sim.has_log(LogLevel::Debug, "listen: ACKNOWLEDGED -> UNKNOWN"));
}
