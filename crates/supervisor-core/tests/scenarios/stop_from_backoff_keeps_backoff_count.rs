//! BACKOFF -> STOPPED on a stop request: immediate, no signal, and the backoff counter is
//! NOT reset (quirk §11 item 6, reproduced): the next start gets fewer retries.

use crate::sim::*;
use supervisor_core::{LogLevel, ProcessStateCode as S, Request};

#[test]
fn stop_in_backoff_is_immediate_and_keeps_the_counter() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]); // startretries=3
    sim.exit("a", code(1)); // backoff 1
    sim.advance(secs(1) + ms(1));
    sim.exit("a", code(1)); // backoff 2
    assert_eq!(sim.state("a"), S::Backoff);
    let id = sim.request(Request::Stop {
        name: "a".into(),
        wait: true,
    });
    assert_eq!(shown(&sim, id), "true", "no wait needed");
    assert_eq!(sim.state("a"), S::Stopped);
    assert!(sim.kills.is_empty());
    assert!(sim.has_log(
        LogLevel::Debug,
        "Attempted to kill a, which is in BACKOFF state."
    ));
    // start again: backoff continues at 3, so only one more retry (4 > 3 then FATAL)
    sim.request(Request::Start {
        name: "a".into(),
        wait: false,
    });
    sim.exit("a", code(1)); // backoff 3: wait 3 s
    assert_eq!(sim.state("a"), S::Backoff);
    sim.advance(secs(3) + ms(1));
    assert_eq!(sim.state("a"), S::Starting);
    sim.exit("a", code(1)); // backoff 4 > 3
    assert_eq!(sim.state("a"), S::Fatal);
}

#[test]
fn stop_in_backoff_never_retries_afterwards() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.exit("a", code(1));
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    sim.advance(secs(60));
    assert_eq!(sim.state("a"), S::Stopped);
    assert_eq!(sim.spawns.len(), 1);
}
