//! `sendRemoteCommEvent` is the one `supervisor.*` method 4.3 answers without checking
//! supervisord's state: `True` even while it shuts down (the differential harness saw ours
//! fault SHUTDOWN_STATE there). Every other request still faults.

use crate::sim::*;
use supervisor_core::{FaultCode, Request};

#[test]
fn answered_true_while_shutting_down_others_fault() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.advance(secs(2));
    let shutdown = sim.request(Request::Shutdown);
    assert!(matches!(sim.reply(shutdown), Some(Ok(_))));
    // `a` has not exited yet (the sim does not obey kills): still shutting down
    let remote = sim.request(Request::SendRemoteCommEvent {
        kind: "t".into(),
        data: "d".into(),
    });
    assert_eq!(shown(&sim, remote), "true");
    let start = sim.request(Request::Start {
        name: "a".into(),
        wait: false,
    });
    match sim.reply(start) {
        Some(Err(f)) => assert_eq!(f.code, FaultCode::ShutdownState),
        other => panic!("start during shutdown: {other:?}"),
    }
}
