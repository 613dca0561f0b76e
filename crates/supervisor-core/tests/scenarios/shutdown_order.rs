//! Shutdown and reload (spec §2.4/§2.5): one group at a time in descending (priority, name)
//! order, the next only when every process of the previous is stopped; listeners (priority
//! -1) last; BACKOFF processes given up; "waiting for a, b to die" at most every 3 s; no
//! autorestart meanwhile; then Exit{0} (shutdown) or Restart (reload).

use crate::sim::*;
use supervisor_core::{GroupKind, LogLevel, ProcessStateCode as S, Request, Signal};

fn config() -> Vec<supervisor_core::GroupSpec> {
    let mut listener = group("listener", -1, &[("listener", -1)]);
    listener.kind = GroupKind::EventListener;
    vec![
        group("db", 10, &[("db", 1)]),
        group("web", 50, &[("web_a", 1), ("web_b", 2)]),
        group("alpha", 999, &[("alpha", 1)]),
        group("zeta", 999, &[("zeta", 1)]),
        listener,
    ]
}

#[test]
fn groups_stop_one_at_a_time_in_descending_priority() {
    let mut sim = Sim::new(config());
    sim.advance(secs(2));
    sim.obey_kills = true;
    sim.clear();
    sim.signal(Signal::TERM);
    let order: Vec<&str> = sim.kills.iter().map(|k| k.0.as_str()).collect();
    assert_eq!(
        order,
        ["zeta", "alpha", "web:web_b", "web:web_a", "db", "listener"]
    );
    assert_eq!(sim.exit, Some(0));
    assert!(sim.has_log(LogLevel::Warn, "received SIGTERM indicating exit request"));
    assert_eq!(sim.core.poll_timeout(), None);
}

#[test]
fn next_group_waits_until_the_previous_is_all_stopped() {
    let mut sim = Sim::new(config());
    sim.advance(secs(2));
    sim.obey_kills = true;
    sim.stubborn.insert("alpha".into());
    sim.clear();
    sim.signal(Signal::INT);
    let order: Vec<&str> = sim.kills.iter().map(|k| k.0.as_str()).collect();
    assert_eq!(
        order,
        ["zeta", "alpha"],
        "alpha ignores SIGTERM: web must wait"
    );
    assert!(sim.has_log(
        LogLevel::Info,
        "waiting for listener, db, web_a, web_b, alpha, zeta to die"
    ));
    sim.advance(secs(10)); // SIGKILL for alpha, then the rest
    let order: Vec<&str> = sim.kills.iter().map(|k| k.0.as_str()).collect();
    assert_eq!(
        order,
        [
            "zeta",
            "alpha",
            "alpha",
            "web:web_b",
            "web:web_a",
            "db",
            "listener"
        ]
    );
    assert_eq!(sim.exit, Some(0));
}

#[test]
fn waiting_report_at_most_every_three_seconds() {
    let mut sim = Sim::new(vec![prog("a", |p| p.stopwaitsecs = secs(100))]);
    sim.advance(secs(2));
    sim.clear();
    sim.signal(Signal::TERM);
    sim.advance(secs(10));
    let at: Vec<String> = sim
        .trace
        .iter()
        .filter(|l| l.ends_with("INFO waiting for a to die"))
        .map(|l| l[..8].trim().to_string())
        .collect();
    assert_eq!(at, ["2.000", "5.000", "8.000", "11.000"]);
    assert!(sim.has_log(LogLevel::Blather, "a state: STOPPING"));
}

#[test]
fn backoff_is_given_up_and_nothing_restarts() {
    let mut sim = Sim::new(vec![
        prog("crashy", |_| {}),
        prog("worker", |p| {
            p.autorestart = supervisor_core::AutoRestart::Always
        }),
    ]);
    sim.exit("crashy", code(1));
    assert_eq!(sim.state("crashy"), S::Backoff);
    sim.advance(ms(500));
    sim.signal(Signal::TERM); // worker's group (same priority, later name) goes first
    assert_eq!(sim.state("crashy"), S::Backoff);
    sim.advance(secs(5));
    assert_eq!(
        sim.state("crashy"),
        S::Backoff,
        "no retry while shutting down"
    );
    sim.exit("worker", killed(Signal::TERM));
    assert_eq!(sim.state("worker"), S::Stopped);
    assert_eq!(sim.state("crashy"), S::Fatal);
    assert!(
        !sim.messages().iter().any(|m| m.starts_with("gave up")),
        "give_up logs nothing"
    );
    assert_eq!(sim.exit, Some(0));
    assert_eq!(sim.spawns.len(), 2, "no restart during shutdown");
}

#[test]
fn reload_stops_everything_then_asks_for_restart() {
    let mut sim = Sim::new(config());
    sim.obey_kills = true;
    let id = sim.request(Request::Restart);
    assert_eq!(shown(&sim, id), "true");
    assert!(sim.restarted);
    assert_eq!(sim.exit, None);
    assert_eq!(
        sim.core.supervisor_state(),
        supervisor_core::SupervisorStateCode::Restarting
    );
}

#[test]
fn hup_during_shutdown_is_ignored() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.signal(Signal::TERM);
    sim.signal(Signal::HUP);
    assert!(sim.has_log(
        LogLevel::Warn,
        "ignored SIGHUP indicating restart request (shutdown in progress)"
    ));
    sim.exit("a", killed(Signal::TERM));
    assert_eq!(sim.exit, Some(0));
    assert!(!sim.restarted);
}

#[test]
fn shutdown_with_nothing_running_exits_at_once() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false)]);
    let id = sim.request(Request::Shutdown);
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(sim.exit, Some(0));
}

#[test]
fn stop_arriving_while_spawning_kills_once_the_pid_is_known() {
    // Only possible when a driver interleaves inputs between Spawn and Spawned.
    use supervisor_core::{Input, Now, Supervisor, SupervisorSpec};
    let t0 = std::time::Instant::now();
    let now = Now {
        mono: t0,
        wall: std::time::UNIX_EPOCH,
    };
    let (mut core, fx) = Supervisor::new(
        SupervisorSpec {
            groups: vec![prog("a", |_| {})],
        },
        now,
    );
    let process = core.process_id("a").expect("a");
    assert!(
        fx.iter()
            .any(|e| matches!(e, supervisor_core::Effect::Spawn { .. }))
    );
    let fx = core.handle(now, Input::Signal(Signal::TERM));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, supervisor_core::Effect::Kill { .. }))
    );
    let fx = core.handle(
        now,
        Input::Spawned {
            process,
            pid: supervisor_core::Pid(7),
        },
    );
    assert!(
        fx.iter()
            .any(|e| matches!(e, supervisor_core::Effect::Kill { pid, .. } if pid.0 == 7))
    );
}

#[test]
fn shutdown_order_trace() {
    let mut sim = Sim::new(config());
    sim.advance(secs(2));
    sim.obey_kills = true;
    sim.stubborn.insert("web_b".into());
    sim.clear();
    sim.signal(Signal::TERM);
    sim.advance(secs(10));
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!(sim.trace_text());
    });
}
