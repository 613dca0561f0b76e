//! EXITED -> STARTING at once (no delay, no backoff: quirk §11 item 7) when autorestart=true,
//! or =unexpected and the exit was unexpected; never with autorestart=false.

use crate::sim::*;
use supervisor_core::{AutoRestart, ProcessStateCode as S, Signal};

fn run(policy: AutoRestart, status: supervisor_core::ExitStatus) -> Sim {
    let mut sim = Sim::new(vec![prog("a", move |p| p.autorestart = policy)]);
    sim.advance(secs(2));
    sim.clear();
    sim.exit("a", status);
    sim
}

#[test]
fn always_restarts_even_expected_exits_immediately() {
    let sim = run(AutoRestart::Always, code(0));
    assert_eq!(sim.state("a"), S::Starting);
    assert_eq!(sim.spawns, ["a"]);
    assert!(
        sim.trace.iter().all(|l| l.starts_with("   2.000")),
        "same instant: {}",
        sim.trace_text()
    );
}

#[test]
fn unexpected_restarts_only_unexpected_exits() {
    assert_eq!(run(AutoRestart::Unexpected, code(0)).state("a"), S::Exited);
    assert_eq!(
        run(AutoRestart::Unexpected, code(1)).state("a"),
        S::Starting
    );
    assert_eq!(
        run(AutoRestart::Unexpected, killed(Signal::TERM)).state("a"),
        S::Starting
    );
}

#[test]
fn never_does_not_restart() {
    assert_eq!(run(AutoRestart::Never, code(1)).state("a"), S::Exited);
}

#[test]
fn crash_after_running_restarts_forever_once_per_startsecs() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autorestart = AutoRestart::Always)]);
    for _ in 0..10 {
        sim.advance(secs(1) + ms(1));
        assert_eq!(sim.state("a"), S::Running);
        sim.exit("a", code(1));
    }
    assert_eq!(
        sim.state("a"),
        S::Starting,
        "never FATAL: no backoff after RUNNING"
    );
}

#[test]
fn start_request_from_exited() {
    let mut sim = run(AutoRestart::Never, code(0));
    assert_eq!(sim.state("a"), S::Exited);
    let id = sim.request(supervisor_core::Request::Start {
        name: "a".into(),
        wait: true,
    });
    sim.advance(secs(1) + ms(1));
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(sim.state("a"), S::Running);
}
