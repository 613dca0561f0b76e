//! Timers are deadlines: `poll_timeout` is the earliest, `None` when idle; a `now` earlier
//! than one already seen is clamped (time never goes backwards inside the core).

use crate::sim::*;
use std::time::UNIX_EPOCH;
use supervisor_core::{Input, Now, ProcessStateCode as S, Supervisor, SupervisorSpec};

#[test]
fn idle_daemon_has_no_wakeups() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    assert!(sim.core.poll_timeout().is_some(), "startsecs deadline");
    sim.advance(secs(2));
    assert_eq!(sim.state("a"), S::Running);
    assert_eq!(sim.core.poll_timeout(), None, "RUNNING needs no timer");
}

#[test]
fn earliest_deadline_wins() {
    let sim = Sim::new(vec![
        prog("a", |p| p.startsecs = secs(7)),
        prog("b", |p| p.startsecs = secs(2)),
    ]);
    let due = sim.core.poll_timeout().expect("deadline");
    assert!(due > sim.now + secs(2) && due < sim.now + secs(3));
}

#[test]
fn time_going_backwards_is_clamped() {
    let t0 = std::time::Instant::now();
    let spec = SupervisorSpec {
        groups: vec![prog("a", |p| p.startsecs = secs(1))],
    };
    let (mut core, _) = Supervisor::new(
        spec,
        Now {
            mono: t0 + secs(10),
            wall: UNIX_EPOCH,
        },
    );
    let pid = supervisor_core::Pid(5);
    let a = core.process_id("a").expect("a");
    core.handle(
        Now {
            mono: t0 + secs(10),
            wall: UNIX_EPOCH,
        },
        Input::Spawned { process: a, pid },
    );
    // an older instant: treated as t0+10s, so not "too quickly" only after startsecs
    core.handle(
        Now {
            mono: t0,
            wall: UNIX_EPOCH,
        },
        Input::Timeout,
    );
    assert_eq!(core.process_state("a"), Some(S::Starting));
    assert!(core.poll_timeout().is_some_and(|t| t > t0 + secs(10)));
    core.handle(
        Now {
            mono: t0 + secs(12),
            wall: UNIX_EPOCH,
        },
        Input::Timeout,
    );
    assert_eq!(core.process_state("a"), Some(S::Running));
}

#[test]
fn absurd_durations_do_not_panic() {
    let huge = std::time::Duration::from_secs(u64::MAX / 2);
    let mut sim = Sim::new(vec![prog("a", |p| {
        p.startsecs = huge;
        p.stopwaitsecs = huge;
        p.startretries = u32::MAX;
    })]);
    sim.advance(secs(5));
    assert_eq!(sim.state("a"), S::Starting);
    sim.request(supervisor_core::Request::Stop {
        name: "a".into(),
        wait: true,
    });
    sim.advance(secs(5));
    assert_eq!(sim.state("a"), S::Stopping);
    sim.exit("a", code(0));
    assert_eq!(sim.state("a"), S::Stopped);
}
