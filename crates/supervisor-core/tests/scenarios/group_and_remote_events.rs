//! PROCESS_GROUP_ADDED/REMOVED as 4.3 delivers them (a pool gets its own group's ADDED and
//! those of groups added after it), REMOTE_COMMUNICATION, and serials: one global counter
//! taken only by events some pool accepts, the same in every pool.

use crate::sim::*;
use supervisor_core::Request;

#[test]
fn group_added_for_itself_and_later_groups_only() {
    let mut early = prog("early", |_| {});
    early.priority = -5;
    let mut sim = sim_with_pools(
        vec![
            early,
            pool_group("listen", &["listen"]),
            prog("late", |_| {}),
        ],
        vec![(
            "listen",
            pool_spec(&["PROCESS_GROUP", "SUPERVISOR_STATE_CHANGE_RUNNING"]),
        )],
    );
    sim.auto_listeners.insert("listen".into(), b"OK".to_vec());
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    let got: Vec<String> = sim
        .delivered("listen")
        .into_iter()
        .map(|(h, p)| format!("{} {} {p:?}", h.serial, h.event))
        .collect();
    assert_eq!(
        got,
        [
            "0 PROCESS_GROUP_ADDED \"groupname:listen\\n\"",
            "1 PROCESS_GROUP_ADDED \"groupname:late\\n\"",
            "2 SUPERVISOR_STATE_CHANGE_RUNNING \"\"",
        ]
    );
    sim.request(Request::Stop {
        name: "late".into(),
        wait: false,
    });
    sim.exit_pid(
        *sim.live
            .iter()
            .find(|(_, id)| sim.core.names_of(**id) == Some(("late", "late")))
            .expect("late")
            .0,
        code(0),
    );
    sim.request(Request::RemoveGroup {
        name: "late".into(),
    });
    let (h, p) = sim.delivered("listen").pop().expect("removed");
    assert_eq!(
        (h.event.name(), p.as_str()),
        ("PROCESS_GROUP_REMOVED", "groupname:late\n")
    );
    assert_eq!(
        h.serial, 3,
        "state events nobody subscribes to took no serial"
    );
}

#[test]
fn remote_comm_event_in_two_pools_shares_the_serial() {
    let mut sim = sim_with_pools(
        vec![pool_group("p1", &["l1"]), pool_group("p2", &["l2"])],
        vec![
            ("p1", pool_spec(&["REMOTE_COMMUNICATION"])),
            ("p2", pool_spec(&["EVENT"])),
        ],
    );
    sim.auto_listeners.insert("l1".into(), b"OK".to_vec());
    sim.auto_listeners.insert("l2".into(), b"OK".to_vec());
    sim.say("p1:l1", b"READY\n");
    sim.say("p2:l2", b"READY\n");
    sim.advance(secs(2));
    let id = sim.request(Request::SendRemoteCommEvent {
        kind: "mytype".into(),
        data: "some data Malmö".into(),
    });
    assert_eq!(shown(&sim, id), "true");
    let (h1, p1) = sim.delivered("p1:l1").pop().expect("p1");
    let (h2, p2) = sim
        .delivered("p2:l2")
        .into_iter()
        .find(|(h, _)| h.event.name() == "REMOTE_COMMUNICATION")
        .expect("p2");
    assert_eq!(p1, "type:mytype\nsome data Malmö");
    assert_eq!(p1, p2);
    assert_eq!(h1.serial, h2.serial);
    assert_eq!((h1.pool.as_str(), h2.pool.as_str()), ("p1", "p2"));
    assert_eq!(h1.poolserial, 0, "p1's first event");
    assert!(h2.poolserial > 0, "p2 had state events before");
}

#[test]
fn without_event_options_listener_pools_take_nothing() {
    // Supervisor::new (what the driver calls today): pools subscribe to nothing, so no
    // event is buffered, overflowed or written anywhere
    let mut sim = Sim::new(vec![pool_group("listen", &["listen"]), prog("a", |_| {})]);
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    sim.request(Request::SendRemoteCommEvent {
        kind: "t".into(),
        data: "d".into(),
    });
    assert_eq!(
        sim.core.event_counts(),
        supervisor_core::PoolCounts::default()
    );
    assert!(sim.stdin.is_empty());
    assert_eq!(sim.core.poll_timeout(), None, "no tick or monitor wakeups");
}
