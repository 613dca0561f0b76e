//! spec §2.4: at start every autostart process spawns in the same step (no wait for
//! RUNNING), ordered by (group priority, name) then (process priority, name); the first spawn
//! happens at once (4.3 waits ~1 s for its first poll, §11 item 17).

use crate::sim::*;

#[test]
fn boot_spawns_everything_at_once_in_priority_order() {
    let mut listener = group("listener", -1, &[("listener", 999)]);
    listener.kind = supervisor_core::GroupKind::EventListener;
    let sim = Sim::new(vec![
        group("zeta", 999, &[("zeta", 999)]),
        group("web", 50, &[("web_b", 999), ("web_a", 999), ("web_0", 5)]),
        group("alpha", 999, &[("alpha", 999)]),
        listener,
        group("db", 10, &[("db", 999)]),
    ]);
    assert_eq!(
        sim.spawns,
        [
            "listener",
            "db",
            "web:web_0",
            "web:web_a",
            "web:web_b",
            "alpha",
            "zeta"
        ]
    );
    assert!(
        sim.trace.iter().all(|l| l.starts_with("   0.000")),
        "{}",
        sim.trace_text()
    );
    assert_eq!(
        sim.core.group_names(),
        ["listener", "db", "web", "alpha", "zeta"]
    );
    let web: Vec<&str> = sim
        .core
        .processes()
        .filter(|p| p.1 == "web")
        .map(|p| p.2)
        .collect();
    assert_eq!(web, ["web_0", "web_a", "web_b"]);
}

#[test]
fn autostart_false_stays_stopped_and_not_started() {
    let sim = Sim::new(vec![prog("manual", |p| p.autostart = false)]);
    assert!(sim.spawns.is_empty());
    assert_eq!(
        sim.state("manual"),
        supervisor_core::ProcessStateCode::Stopped
    );
    assert_eq!(
        sim.core.poll_timeout(),
        None,
        "an idle daemon makes no wakeups"
    );
}

#[test]
fn spawned_is_logged_with_the_pid() {
    let sim = Sim::new(vec![prog("a", |_| {})]);
    assert_eq!(sim.messages(), ["spawned: 'a' with pid 1001"]);
    assert_eq!(sim.state("a"), supervisor_core::ProcessStateCode::Starting);
}
