//! RUNNING/STARTING/STOPPING -> UNKNOWN when a kill fails with an error other than ESRCH
//! (the driver never reports ESRCH: the exit will be reaped). CRIT `unknown problem killing
//! <name> (<pid>):<error>`; the pid is kept (the child may be alive); no more timers.

use crate::sim::*;
use supervisor_core::{LogLevel, ProcessStateCode as S, Request, Signal};

#[test]
fn from_starting() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startsecs = secs(10))]);
    let pid = sim.pid("a");
    sim.kill_failures.insert("a".into());
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(sim.state("a"), S::Unknown);
    assert_eq!(sim.pid("a"), pid, "UNKNOWN keeps the pid");
    assert!(sim.has_log(
        LogLevel::Critical,
        &format!("unknown problem killing a ({pid}):[Errno 1] Operation not permitted")
    ));
    assert_eq!(sim.core.poll_timeout(), None, "no SIGKILL timer in UNKNOWN");
}

#[test]
fn from_stopping_at_the_sigkill() {
    let mut sim = Sim::new(vec![prog("a", |p| p.stopwaitsecs = secs(3))]);
    sim.advance(secs(2));
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    sim.kill_failures.insert("a".into());
    sim.advance(secs(3));
    assert_eq!(sim.state("a"), S::Unknown);
    assert_eq!(sim.kills.last().map(|k| k.1), Some(Signal::KILL));
}

#[test]
fn no_failure_reported_means_still_stopping_until_reaped() {
    // ESRCH: the child already exited; the driver stays silent and the reap follows
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.advance(secs(2));
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(sim.state("a"), S::Stopping);
    sim.exit("a", code(0));
    assert_eq!(sim.state("a"), S::Stopped);
}
