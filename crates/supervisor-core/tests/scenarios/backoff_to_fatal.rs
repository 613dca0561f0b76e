//! BACKOFF -> STARTING after a linear delay (retry N waits N seconds), BACKOFF -> FATAL once
//! the backoff counter exceeds startretries: startretries + 1 spawn attempts in all, with the
//! "gave up:" line and the last spawnerr kept as description.

use crate::sim::*;
use supervisor_core::{LogLevel, ProcessStateCode as S};

/// Make every spawn of `a` exit at once, until FATAL; returns spawn times (seconds).
fn crash_loop(sim: &mut Sim) -> Vec<f64> {
    let mut times = Vec::new();
    for _ in 0..20 {
        if sim.state("a") == S::Fatal {
            break;
        }
        if sim.state("a") == S::Starting {
            times.push(sim.t().trim().parse::<f64>().unwrap_or(-1.0));
            sim.exit("a", code(1));
        } else {
            let due = sim.core.poll_timeout().expect("a retry is due");
            sim.advance(due - sim.now);
        }
    }
    times
}

#[test]
fn retries_wait_one_two_three_seconds_then_fatal() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]); // startretries=3
    let times = crash_loop(&mut sim);
    assert_eq!(times, [0.0, 1.0, 3.0, 6.0], "4 attempts, gaps of 1, 2, 3 s");
    assert_eq!(sim.state("a"), S::Fatal);
    assert!(sim.has_log(
        LogLevel::Info,
        "gave up: a entered FATAL state, too many start retries too quickly"
    ));
    let info = sim
        .core
        .process_info("a", sim.clock().wall, 0)
        .expect("info");
    assert_eq!(
        info.description,
        "Exited too quickly (process log may have details)"
    );
    assert_eq!(sim.core.poll_timeout(), None, "FATAL has no deadline");
}

#[test]
fn fatal_happens_in_the_step_that_exhausts_the_retries() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startretries = 0)]);
    sim.exit("a", code(1));
    assert_eq!(sim.state("a"), S::Fatal);
    let tail: Vec<&str> = sim.trace.iter().rev().take(2).map(|s| s.as_str()).collect();
    assert!(
        tail[0]
            .ends_with("INFO gave up: a entered FATAL state, too many start retries too quickly")
    );
    assert!(tail[1].ends_with("a: BACKOFF -> FATAL"));
}

#[test]
fn start_request_from_fatal_starts_again_with_fresh_retries() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startretries = 1)]);
    crash_loop(&mut sim);
    assert_eq!(sim.state("a"), S::Fatal);
    let id = sim.request(supervisor_core::Request::Start {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(
        crash_loop(&mut sim).len(),
        2,
        "backoff was reset by giving up"
    );
}

#[test]
fn backoff_to_fatal_trace() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startretries = 2)]);
    crash_loop(&mut sim);
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!(sim.trace_text());
    });
}
