//! Shutdown waits for buffered events (the old TODO item): listener groups are stopped
//! only once every buffered event was delivered, or after `shutdown_drain_timeout`; the
//! events of the shutdown itself (STOPPING, STOPPED, SUPERVISOR_STATE_CHANGE_STOPPING)
//! reach the listeners. What is left at exit is counted and logged, never silently lost.

use crate::sim::*;
use supervisor_core::{LogLevel, Request};

fn setup(timeout_secs: u64) -> Sim {
    let mut sim = Sim::with_setup(
        vec![pool_group("listen", &["listen"]), prog("a", |_| {})],
        |s| {
            s.event_spec.shutdown_drain_timeout = secs(timeout_secs);
            s.event_spec.groups.insert(
                "listen".into(),
                supervisor_core::GroupEvents {
                    pool: Some(pool_spec(&["PROCESS_STATE", "SUPERVISOR_STATE_CHANGE"])),
                    ..Default::default()
                },
            );
        },
    );
    sim.obey_kills = true;
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    sim
}

fn answer_all(sim: &mut Sim) {
    for _ in 0..20 {
        let before = sim.delivered("listen").len();
        sim.say("listen", b"RESULT 2\nOKREADY\n");
        if sim.delivered("listen").len() == before {
            break;
        }
    }
}

#[test]
fn shutdown_events_reach_the_listener_before_it_is_stopped() {
    let mut sim = setup(10);
    answer_all(&mut sim);
    sim.clear();
    sim.request(Request::Shutdown);
    // `a` stops at once (obey_kills); the listener is still RUNNING and BUSY
    assert!(sim.kills.iter().all(|(n, ..)| n == "a"), "{:?}", sim.kills);
    answer_all(&mut sim);
    let names = sim.delivered_names("listen");
    let tail: Vec<&str> = names
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "SUPERVISOR_STATE_CHANGE_STOPPING",
            "PROCESS_STATE_STOPPING",
            "PROCESS_STATE_STOPPED"
        ]
    );
    // drained: now the listener group is stopped and supervisord exits
    assert!(sim.kills.iter().any(|(n, ..)| n == "listen"));
    assert_eq!(sim.exit, Some(0));
    let c = sim.core.event_counts();
    assert_eq!(c.accepted, c.processed + c.discarded, "{c:?}");
}

#[test]
fn a_silent_listener_is_stopped_after_the_timeout_and_the_rest_is_counted() {
    let mut sim = setup(10);
    sim.request(Request::Shutdown);
    sim.advance(secs(9));
    assert!(
        !sim.kills.iter().any(|(n, ..)| n == "listen"),
        "still waiting"
    );
    sim.advance(secs(2));
    assert!(sim.has_log(
        LogLevel::Warn,
        "events still buffered after 10 s (shutdown_drain_timeout), stopping event listeners"
    ));
    assert!(sim.kills.iter().any(|(n, ..)| n == "listen"));
    assert_eq!(sim.exit, Some(0));
    let c = sim.core.event_counts();
    assert!(c.discarded > 0);
    assert_eq!(c.accepted, c.processed + c.discarded);
    assert!(
        sim.messages()
            .iter()
            .any(|m| m.starts_with("pool listen shutting down, discarding"))
    );
}

#[test]
fn timeout_zero_is_4_3_behaviour() {
    let mut sim = setup(0);
    sim.request(Request::Shutdown);
    assert!(sim.kills.iter().any(|(n, ..)| n == "listen"), "no wait");
    assert_eq!(sim.exit, Some(0));
}

/// Regression (found by a real listener on SIGHUP): with only listener groups, the first
/// shutdown step decided to stop the listener before SUPERVISOR_STATE_CHANGE_STOPPING
/// had reached its pool, so the drain had nothing to wait for and the event was lost.
#[test]
fn stopping_event_reaches_a_lone_listener_group() {
    let mut sim = Sim::with_setup(vec![pool_group("listen", &["listen"])], |s| {
        s.event_spec.groups.insert(
            "listen".into(),
            supervisor_core::GroupEvents {
                pool: Some(pool_spec(&["SUPERVISOR_STATE_CHANGE"])),
                ..Default::default()
            },
        );
    });
    sim.obey_kills = true;
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    answer_all(&mut sim);
    sim.clear();
    sim.request(Request::Restart);
    assert!(
        sim.kills.is_empty(),
        "stopped before the drain: {:?}",
        sim.kills
    );
    assert_eq!(
        sim.delivered_names("listen").last().map(String::as_str),
        Some("SUPERVISOR_STATE_CHANGE_STOPPING")
    );
    answer_all(&mut sim);
    assert!(sim.kills.iter().any(|(n, ..)| n == "listen"));
}

/// A pool whose only listener went UNKNOWN (it broke the protocol) can deliver nothing
/// until a respawn, which a shutdown never makes: the drain does not wait for it, so
/// supervisord exits at once as 4.3 does, the buffered events counted as discarded.
#[test]
fn a_pool_whose_listener_is_unknown_is_not_waited_for() {
    let mut sim = setup(10);
    sim.say("listen", b"garbage that is no RESULT\n");
    assert!(
        sim.messages()
            .iter()
            .any(|m| m.contains("BUSY -> UNKNOWN") || m.contains("-> UNKNOWN")),
        "{:?}",
        sim.messages()
    );
    sim.request(Request::Shutdown);
    assert!(
        sim.kills.iter().any(|(n, ..)| n == "listen"),
        "stopped without waiting: {:?}",
        sim.kills
    );
    assert_eq!(sim.exit, Some(0));
    assert!(!sim.has_log(
        LogLevel::Warn,
        "events still buffered after 10 s (shutdown_drain_timeout), stopping event listeners"
    ));
    let c = sim.core.event_counts();
    assert_eq!(c.accepted, c.processed + c.discarded, "{c:?}");
}
