//! addProcessGroup / removeProcessGroup (used by `supervisorctl update/add/remove`):
//! ALREADY_ADDED, BAD_NAME, STILL_RUNNING; an added group autostarts through the normal
//! transitions and sorts after groups of equal priority (4.3 sorts by priority only over
//! its insertion-ordered dict); a removed group's processes disappear, ids never reused.

use crate::sim::*;
use supervisor_core::{FaultCode, ProcessStateCode as S, Request, Signal};

#[test]
fn add_group_autostarts_and_faults_already_added() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    let id = sim.request(Request::AddGroup {
        group: prog("a", |_| {}),
    });
    assert_eq!(shown(&sim, id), "fault ALREADY_ADDED: a");
    let id = sim.request(Request::AddGroup {
        group: prog("b", |_| {}),
    });
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(sim.state("b"), S::Starting);
    assert_eq!(sim.spawns, ["a", "b"]);
}

#[test]
fn added_group_goes_after_groups_of_equal_priority() {
    let mut sim = Sim::new(vec![prog("c", |p| p.autostart = false)]);
    sim.request(Request::AddGroup {
        group: prog("b", |p| p.autostart = false),
    });
    assert_eq!(sim.core.group_names(), ["c", "b"]);
    let id = sim.request(Request::StartAll { wait: false });
    assert_eq!(shown(&sim, id), "[c:c OK, b:b OK]");
}

#[test]
fn remove_group_needs_every_process_stopped() {
    let mut sim = Sim::new(vec![
        group("g", 5, &[("p", 1), ("q", 2)]),
        prog("a", |_| {}),
    ]);
    let id = sim.request(Request::RemoveGroup {
        name: "nope".into(),
    });
    assert_eq!(shown(&sim, id), "fault BAD_NAME: nope");
    let id = sim.request(Request::RemoveGroup { name: "g".into() });
    assert_eq!(shown(&sim, id), "fault STILL_RUNNING: g");
    sim.request(Request::StopGroup {
        name: "g".into(),
        wait: false,
    });
    sim.exit("g:p", killed(Signal::TERM));
    sim.exit("g:q", killed(Signal::TERM));
    let id = sim.request(Request::RemoveGroup { name: "g".into() });
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(sim.core.process_state("g:p"), None);
    assert_eq!(sim.core.group_names(), ["a"]);
    let all = sim
        .core
        .all_process_info(sim.clock().wall, 0)
        .expect("info");
    assert_eq!(all.len(), 1);
    let start = sim.request(Request::Start {
        name: "g:p".into(),
        wait: false,
    });
    assert_eq!(
        sim.reply(start)
            .and_then(|r| r.clone().err())
            .map(|f| f.code),
        Some(FaultCode::BadName)
    );
}

#[test]
fn removed_then_added_again_gets_fresh_processes() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false)]);
    let old = sim.core.process_id("a");
    sim.request(Request::RemoveGroup { name: "a".into() });
    sim.request(Request::AddGroup {
        group: prog("a", |_| {}),
    });
    let new = sim.core.process_id("a");
    assert_ne!(old, new);
    assert_eq!(sim.state("a"), S::Starting, "never started: autostarts");
    assert_eq!(sim.core.processes().count(), 1);
}
