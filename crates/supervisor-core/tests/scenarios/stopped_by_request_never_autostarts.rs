//! STOPPED -> STARTING by autostart only when the process was never started: a process
//! stopped by request stays stopped, even with autorestart=true.

use crate::sim::*;
use supervisor_core::{AutoRestart, ProcessStateCode as S, Request};

#[test]
fn stopped_by_request_stays_stopped() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autorestart = AutoRestart::Always)]);
    sim.advance(secs(2));
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    sim.exit("a", code(0));
    sim.advance(secs(3600));
    assert_eq!(sim.state("a"), S::Stopped);
    assert_eq!(sim.spawns.len(), 1);
    assert_eq!(sim.core.poll_timeout(), None);
}

#[test]
fn start_request_on_never_started_process() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false)]);
    let id = sim.request(Request::Start {
        name: "a".into(),
        wait: true,
    });
    assert_eq!(shown(&sim, id), "pending");
    sim.advance(secs(1) + ms(1));
    assert_eq!(shown(&sim, id), "true");
}
