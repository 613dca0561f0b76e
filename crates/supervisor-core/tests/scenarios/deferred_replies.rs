//! Deferred replies: with wait=true the reply comes from the transition that settles it
//! (RUNNING, a stopped state, or a failure), with wait=false at once; never twice.

use crate::sim::*;
use supervisor_core::{LogLevel, Request, Signal};

#[test]
fn start_wait_replies_at_running_not_before() {
    let mut sim = Sim::new(vec![prog("a", |p| {
        p.autostart = false;
        p.startsecs = secs(10);
    })]);
    let id = sim.request(Request::Start {
        name: "a".into(),
        wait: true,
    });
    sim.advance(secs(10));
    assert_eq!(shown(&sim, id), "pending");
    sim.advance(ms(1));
    assert_eq!(shown(&sim, id), "true");
    let reply_line = sim.trace.iter().position(|l| l.contains("-> reply #1"));
    let success_line = sim.trace.iter().position(|l| l.contains("success: a"));
    assert!(success_line < reply_line, "{}", sim.trace_text());
}

#[test]
fn start_nowait_replies_once_spawned() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false)]);
    let id = sim.request(Request::Start {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(sim.state("a"), supervisor_core::ProcessStateCode::Starting);
}

#[test]
fn stop_wait_replies_at_stopped_and_reports_every_two_seconds() {
    let mut sim = Sim::new(vec![prog("a", |p| p.stopwaitsecs = secs(30))]);
    sim.advance(secs(2));
    sim.clear();
    let id = sim.request(Request::Stop {
        name: "a".into(),
        wait: true,
    });
    assert_eq!(shown(&sim, id), "pending");
    sim.advance(secs(7));
    let at: Vec<String> = sim
        .trace
        .iter()
        .filter(|l| l.ends_with("INFO waiting for a to stop"))
        .map(|l| l[..8].trim().to_string())
        .collect();
    assert_eq!(
        at,
        ["2.000", "4.000", "6.000", "8.000"],
        "{}",
        sim.trace_text()
    );
    sim.exit("a", killed(Signal::TERM));
    assert_eq!(shown(&sim, id), "true");
    sim.clear();
    sim.advance(secs(60));
    assert!(
        !sim.logs
            .iter()
            .any(|(l, m)| *l == LogLevel::Info && m.contains("to stop"))
    );
}

#[test]
fn stop_nowait_replies_at_once_without_reports() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.advance(secs(2));
    let id = sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(shown(&sim, id), "true");
    sim.advance(secs(5));
    assert!(!sim.messages().iter().any(|m| m.contains("to stop")));
}

#[test]
fn kill_failure_of_a_later_sigkill_settles_a_stop_as_true() {
    // 4.3: onwait sees UNKNOWN (a stopped state) and returns True
    let mut sim = Sim::new(vec![prog("a", |p| p.stopwaitsecs = secs(1))]);
    sim.advance(secs(2));
    let id = sim.request(Request::Stop {
        name: "a".into(),
        wait: true,
    });
    sim.kill_failures.insert("a".into());
    sim.advance(secs(1));
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(sim.state("a"), supervisor_core::ProcessStateCode::Unknown);
}

#[test]
fn two_waiters_on_one_process_both_answered() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false)]);
    let one = sim.request(Request::Start {
        name: "a".into(),
        wait: true,
    });
    let two = sim.request(Request::Start {
        name: "a".into(),
        wait: true,
    });
    assert_eq!(shown(&sim, two), "fault ALREADY_STARTED: a");
    sim.advance(secs(2));
    assert_eq!(shown(&sim, one), "true");
}
