//! stopProcess and signalProcess faults: BAD_NAME, NOT_RUNNING outside RUNNING_STATES
//! (stop) or SIGNALLABLE_STATES (signal), BAD_SIGNAL before NOT_RUNNING, FAILED when the
//! first kill fails; signals never change state; group forms give result structs.

use crate::sim::*;
use supervisor_core::{ProcessStateCode as S, Request, Signal};

fn stop(sim: &mut Sim, name: &str, wait: bool) -> String {
    let id = sim.request(Request::Stop {
        name: name.into(),
        wait,
    });
    shown(sim, id)
}
fn signal(sim: &mut Sim, name: &str, sig: &str) -> String {
    let id = sim.request(Request::Signal {
        name: name.into(),
        signal: sig.into(),
    });
    shown(sim, id)
}

#[test]
fn stop_not_running_in_stopped_states_and_stopping() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false), prog("b", |_| {})]);
    assert_eq!(stop(&mut sim, "a", true), "fault NOT_RUNNING: a");
    assert_eq!(stop(&mut sim, "zz", true), "fault BAD_NAME: zz");
    sim.advance(secs(2));
    assert_eq!(stop(&mut sim, "b", false), "true");
    assert_eq!(sim.state("b"), S::Stopping);
    assert_eq!(
        stop(&mut sim, "b", false),
        "fault NOT_RUNNING: b",
        "STOPPING is not running"
    );
}

#[test]
fn stop_with_failing_first_kill_is_failed() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.advance(secs(2));
    let pid = sim.pid("a");
    sim.kill_failures.insert("a".into());
    assert_eq!(
        stop(&mut sim, "a", true),
        format!(
            "fault FAILED: unknown problem killing a ({pid}):[Errno 1] Operation not permitted"
        )
    );
    assert_eq!(sim.state("a"), S::Unknown);
}

#[test]
fn signal_faults_in_order() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false)]);
    assert_eq!(signal(&mut sim, "zz", "HUP"), "fault BAD_NAME: zz");
    assert_eq!(
        signal(&mut sim, "a", "NOPE"),
        "fault BAD_SIGNAL: NOPE",
        "before NOT_RUNNING"
    );
    assert_eq!(signal(&mut sim, "a", "33"), "fault BAD_SIGNAL: 33");
    assert_eq!(signal(&mut sim, "a", "HUP"), "fault NOT_RUNNING: a");
}

#[test]
fn signal_running_starting_stopping_without_state_change() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startsecs = secs(3))]);
    assert_eq!(signal(&mut sim, "a", "usr1"), "true");
    assert_eq!(sim.state("a"), S::Starting);
    sim.advance(secs(4));
    assert_eq!(signal(&mut sim, "a", "10"), "true");
    assert_eq!(
        signal(&mut sim, "a", "0"),
        "true",
        "signal 0 is valid (quirk §11 item 9)"
    );
    stop(&mut sim, "a", false);
    assert_eq!(signal(&mut sim, "a", "SIGKILL"), "true");
    assert_eq!(sim.state("a"), S::Stopping);
    let sigs: Vec<Signal> = sim.signals.iter().map(|s| s.1).collect();
    assert_eq!(sigs, [Signal(10), Signal(10), Signal(0), Signal::KILL]);
    assert!(
        sim.kills.iter().all(|k| k.1 == Signal::TERM),
        "signals are not kills"
    );
}

#[test]
fn signal_failure_is_unknown_and_supervisord_fatal() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.advance(secs(2));
    let pid = sim.pid("a");
    sim.kill_failures.insert("a".into());
    assert_eq!(signal(&mut sim, "a", "HUP"), "true");
    assert_eq!(sim.state("a"), S::Unknown);
    assert!(sim.has_log(
        supervisor_core::LogLevel::Critical,
        &format!("unknown problem sending sig a ({pid}):[Errno 1] Operation not permitted")
    ));
    assert_eq!(
        sim.core.supervisor_state(),
        supervisor_core::SupervisorStateCode::Fatal
    );
}

#[test]
fn group_signal_reports_bad_signal_per_process() {
    let mut sim = Sim::new(vec![group("g", 1, &[("p", 1), ("q", 2), ("r", 3)])]);
    sim.request(Request::Stop {
        name: "g:r".into(),
        wait: false,
    });
    sim.exit("g:r", killed(Signal::TERM));
    assert_eq!(
        signal(&mut sim, "g:*", "BOGUS"),
        "[g:p BAD_SIGNAL: BOGUS, g:q BAD_SIGNAL: BOGUS]",
        "a stopped process gets no entry"
    );
    let id = sim.request(Request::SignalGroup {
        name: "g".into(),
        signal: "HUP".into(),
    });
    assert_eq!(shown(&sim, id), "[g:p OK, g:q OK]");
    let id = sim.request(Request::SignalGroup {
        name: "h".into(),
        signal: "HUP".into(),
    });
    assert_eq!(shown(&sim, id), "fault BAD_NAME: h");
}

#[test]
fn signal_all_during_shutdown_faults_without_signalling() {
    // 4.3 signalAllProcesses checks the mood only after its loop, but each signalProcess
    // checks it first, so nothing is signalled [observed with 4.3.0]
    let mut sim = Sim::new(vec![group("g", 1, &[("p", 1)]), prog("a", |_| {})]);
    sim.signal(Signal::TERM);
    sim.clear();
    let id = sim.request(Request::SignalAll {
        signal: "USR1".into(),
    });
    assert_eq!(shown(&sim, id), "fault SHUTDOWN_STATE");
    assert!(sim.signals.is_empty());
}
