//! RUNNING/STARTING -> STOPPING on stop: stopsignal, then SIGKILL after stopwaitsecs,
//! repeated every stopwaitsecs until reaped; STOPPING -> STOPPED when reaped, logged at INFO
//! only if the exit status is in exitcodes (so normally WARN). stopasgroup/killasgroup send
//! to the process group.

use crate::sim::*;
use supervisor_core::{LogLevel, ProcessStateCode as S, Request, Signal};

fn running(f: impl FnOnce(&mut supervisor_core::ProcessSpec)) -> Sim {
    let mut sim = Sim::new(vec![prog("a", f)]);
    sim.advance(secs(2));
    sim.clear();
    sim
}

#[test]
fn stopsignal_then_sigkill_repeated_until_reaped() {
    let mut sim = running(|p| {
        p.stopsignal = Signal::INT;
        p.stopwaitsecs = secs(5);
    });
    let pid = sim.pid("a");
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(sim.state("a"), S::Stopping);
    assert_eq!(sim.kills, [("a".to_string(), Signal::INT, false)]);
    assert!(sim.has_log(
        LogLevel::Debug,
        &format!("killing a (pid {pid}) with signal SIGINT")
    ));
    sim.advance(secs(5) - ms(1));
    assert_eq!(sim.kills.len(), 1, "not before stopwaitsecs");
    sim.advance(ms(1));
    assert_eq!(sim.kills.len(), 2);
    assert_eq!(sim.kills[1].1, Signal::KILL);
    assert!(sim.has_log(LogLevel::Warn, &format!("killing 'a' ({pid}) with SIGKILL")));
    sim.advance(secs(10));
    assert_eq!(sim.kills.len(), 4, "again every stopwaitsecs");
    sim.exit("a", killed(Signal::KILL));
    assert_eq!(sim.state("a"), S::Stopped);
    assert!(sim.has_log(LogLevel::Warn, "stopped: a (terminated by SIGKILL)"));
    assert_eq!(sim.core.poll_timeout(), None);
}

#[test]
fn stopped_with_an_expected_code_is_info() {
    let mut sim = running(|_| {});
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    sim.exit("a", code(0));
    assert!(sim.has_log(LogLevel::Info, "stopped: a (exit status 0)"));
    sim.request(Request::Start {
        name: "a".into(),
        wait: false,
    });
    sim.advance(secs(2));
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    sim.exit("a", killed(Signal::TERM));
    assert!(sim.has_log(LogLevel::Warn, "stopped: a (terminated by SIGTERM)"));
}

#[test]
fn stop_from_starting_also_kills() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startsecs = secs(10))]);
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(sim.state("a"), S::Stopping);
    assert_eq!(sim.kills.len(), 1);
}

#[test]
fn stopasgroup_and_killasgroup_target_the_group() {
    let mut sim = running(|p| {
        p.stopasgroup = true;
        p.killasgroup = true;
    });
    let pid = sim.pid("a");
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    sim.advance(secs(10));
    assert_eq!(
        sim.kills,
        [
            ("a".into(), Signal::TERM, true),
            ("a".into(), Signal::KILL, true)
        ]
    );
    assert!(sim.has_log(
        LogLevel::Debug,
        &format!("killing a (pid {pid}) process group with signal SIGTERM")
    ));
    assert!(sim.has_log(
        LogLevel::Debug,
        &format!("killing a (pid {pid}) process group with signal SIGKILL")
    ));
}

#[test]
fn killasgroup_alone_only_groups_the_sigkill() {
    let mut sim = running(|p| p.killasgroup = true);
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    sim.advance(secs(10));
    assert_eq!(
        sim.kills,
        [
            ("a".into(), Signal::TERM, false),
            ("a".into(), Signal::KILL, true)
        ]
    );
}

#[test]
fn stopwaitsecs_zero_kills_at_once_and_repeats_each_second() {
    let mut sim = running(|p| p.stopwaitsecs = secs(0));
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(sim.kills.len(), 2, "TERM then SIGKILL in the same step");
    sim.advance(secs(3));
    assert_eq!(sim.kills.len(), 5, "no busy loop: one SIGKILL per second");
}
