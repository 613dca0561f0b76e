//! STARTING -> RUNNING once up *more than* startsecs (strictly greater); an exit at exactly
//! startsecs is not "too quickly": STARTING -> RUNNING -> EXITED without the success line.

use crate::sim::*;
use supervisor_core::{LogLevel, ProcessStateCode as S};

#[test]
fn running_only_after_strictly_more_than_startsecs() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startsecs = secs(3))]);
    sim.advance(secs(3));
    assert_eq!(
        sim.state("a"),
        S::Starting,
        "exactly startsecs is not enough"
    );
    sim.advance(ms(1));
    assert_eq!(sim.state("a"), S::Running);
    assert!(sim.has_log(
        LogLevel::Info,
        "success: a entered RUNNING state, process has stayed up for > than 3 seconds (startsecs)"
    ));
}

#[test]
fn poll_timeout_is_the_startsecs_deadline() {
    let sim = Sim::new(vec![prog("a", |p| p.startsecs = secs(3))]);
    let due = sim.core.poll_timeout().expect("a deadline");
    assert!(due > sim.now + secs(3) && due <= sim.now + secs(3) + ms(1));
}

#[test]
fn exit_at_exactly_startsecs_goes_through_running_to_exited() {
    let mut sim = Sim::new(vec![prog("a", |p| {
        p.startsecs = secs(2);
        p.autorestart = supervisor_core::AutoRestart::Never;
    })]);
    sim.advance(secs(2));
    sim.clear();
    sim.exit("a", code(0));
    assert_eq!(sim.state("a"), S::Exited);
    assert!(
        sim.trace
            .iter()
            .any(|l| l.ends_with("a: STARTING -> RUNNING")),
        "{}",
        sim.trace_text()
    );
    assert!(
        sim.trace
            .iter()
            .any(|l| l.ends_with("a: RUNNING -> EXITED"))
    );
    assert_eq!(sim.messages(), ["exited: a (exit status 0; expected)"]);
}

#[test]
fn startsecs_zero_is_running_at_the_next_instant() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startsecs = secs(0))]);
    assert_eq!(sim.state("a"), S::Starting);
    sim.advance(ms(1));
    assert_eq!(sim.state("a"), S::Running);
    assert!(sim.has_log(
        LogLevel::Info,
        "success: a entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)"
    ));
}
