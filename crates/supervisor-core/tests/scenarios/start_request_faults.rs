//! startProcess faults per state (rpcinterface.startProcess): BAD_NAME; the command
//! pre-check first (NO_FILE / NOT_EXECUTABLE, state untouched); ALREADY_STARTED for
//! RUNNING_STATES including BACKOFF; FAILED for UNKNOWN; SPAWN_ERROR; ABNORMAL_TERMINATION;
//! SHUTDOWN_STATE while shutting down.

use crate::sim::*;
use supervisor_core::{ProcessStateCode as S, Request, Signal, SpawnError};

fn start(sim: &mut Sim, name: &str, wait: bool) -> String {
    let id = sim.request(Request::Start {
        name: name.into(),
        wait,
    });
    shown(sim, id)
}

#[test]
fn bad_names() {
    let mut sim = Sim::new(vec![group("g", 1, &[("p", 1)]), prog("a", |_| {})]);
    assert_eq!(start(&mut sim, "nope", true), "fault BAD_NAME: nope");
    assert_eq!(start(&mut sim, "g:nope", true), "fault BAD_NAME: g:nope");
    assert_eq!(
        start(&mut sim, "p", true),
        "fault BAD_NAME: p",
        "a bare name means p:p"
    );
    assert_eq!(start(&mut sim, "nope:*", true), "fault BAD_NAME: nope:*");
}

#[test]
fn already_started_in_every_running_state() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startsecs = secs(5))]);
    assert_eq!(sim.state("a"), S::Starting);
    assert_eq!(start(&mut sim, "a", true), "fault ALREADY_STARTED: a");
    sim.exit("a", code(1));
    assert_eq!(sim.state("a"), S::Backoff);
    assert_eq!(
        start(&mut sim, "a", false),
        "fault ALREADY_STARTED: a",
        "BACKOFF counts as running"
    );
    sim.advance(secs(1) + ms(1));
    sim.advance(secs(6));
    assert_eq!(sim.state("a"), S::Running);
    assert_eq!(start(&mut sim, "a", false), "fault ALREADY_STARTED: a");
}

#[test]
fn unknown_state_is_failed() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.advance(secs(2));
    sim.kill_failures.insert("a".into());
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(sim.state("a"), S::Unknown);
    assert_eq!(
        start(&mut sim, "a", true),
        "fault FAILED: a is in an unknown process state"
    );
}

#[test]
fn command_check_failures_leave_the_state_alone() {
    let mut sim = Sim::new(vec![
        prog("a", |p| p.autostart = false),
        prog("b", |p| p.autostart = false),
    ]);
    sim.check_failures
        .insert("a".into(), SpawnError::not_found("nosuch"));
    sim.check_failures
        .insert("b".into(), SpawnError::is_directory("/tmp"));
    assert_eq!(
        start(&mut sim, "a", true),
        "fault NO_FILE: can't find command 'nosuch'"
    );
    assert_eq!(
        start(&mut sim, "b", false),
        "fault NOT_EXECUTABLE: command at '/tmp' is a directory"
    );
    assert_eq!(sim.state("a"), S::Stopped);
    assert_eq!(sim.state("b"), S::Stopped);
    assert!(sim.spawns.is_empty());
    let info = sim
        .core
        .process_info("a", sim.clock().wall, 0)
        .expect("info");
    assert_eq!(info.description, "Not started");
}

#[test]
fn command_check_comes_before_already_started() {
    // 4.3 pre-checks the command before looking at the state
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.check_failures
        .insert("a".into(), SpawnError::no_permission("/bin/a"));
    assert_eq!(
        start(&mut sim, "a", true),
        "fault NOT_EXECUTABLE: no permission to run command '/bin/a'"
    );
}

#[test]
fn spawn_error_faults_with_or_without_wait_and_leaves_backoff() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false)]);
    sim.spawn_failures.insert(
        "a".into(),
        vec![SpawnError::too_many_open_files("a")].into(),
    );
    assert_eq!(start(&mut sim, "a", false), "fault SPAWN_ERROR: a");
    assert_eq!(
        sim.state("a"),
        S::Backoff,
        "and retries by itself, as in 4.3"
    );
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    sim.spawn_failures.insert(
        "a".into(),
        vec![SpawnError::fork_error("a", "ENOMEM")].into(),
    );
    assert_eq!(start(&mut sim, "a", true), "fault SPAWN_ERROR: a");
}

#[test]
fn exit_before_startsecs_is_spawn_error_while_waiting() {
    let mut sim = Sim::new(vec![prog("a", |p| {
        p.autostart = false;
        p.startsecs = secs(5);
    })]);
    let id = sim.request(Request::Start {
        name: "a".into(),
        wait: true,
    });
    sim.advance(secs(2));
    assert_eq!(shown(&sim, id), "pending");
    sim.exit("a", code(0));
    assert_eq!(
        shown(&sim, id),
        "fault SPAWN_ERROR: a",
        "spawnerr is 'Exited too quickly'"
    );
}

#[test]
fn leaving_starting_without_spawnerr_is_abnormal_termination() {
    let mut sim = Sim::new(vec![prog("a", |p| {
        p.autostart = false;
        p.startsecs = secs(5);
    })]);
    let id = sim.request(Request::Start {
        name: "a".into(),
        wait: true,
    });
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(shown(&sim, id), "fault ABNORMAL_TERMINATION: a");
}

#[test]
fn namespec_forms() {
    let mut sim = Sim::new(vec![group("g", 1, &[("p", 1), ("q", 2)])]);
    sim.advance(secs(2));
    sim.request(Request::Stop {
        name: "g:p".into(),
        wait: false,
    });
    sim.exit("g:p", killed(Signal::TERM));
    assert_eq!(start(&mut sim, "g:p", false), "true");
    assert_eq!(
        start(&mut sim, "g:*", false),
        "[]",
        "group spec -> startProcessGroup: all running"
    );
    assert_eq!(start(&mut sim, "g:", false), "[]");
}

#[test]
fn shutdown_state_while_shutting_down() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.signal(Signal::TERM);
    assert_eq!(start(&mut sim, "a", true), "fault SHUTDOWN_STATE");
    let id = sim.request(Request::Stop {
        name: "a".into(),
        wait: true,
    });
    assert_eq!(shown(&sim, id), "fault SHUTDOWN_STATE");
    assert!(
        sim.core.get_state().is_err(),
        "even getState faults (quirk §11 item 5)"
    );
}

#[test]
fn start_while_stopping_warns_and_replies_like_4_3() {
    // 4.3: STOPPING is not in RUNNING_STATES, spawn() only warns (a pid exists); without
    // wait the reply is true, with wait the deferred sees STOPPING: ABNORMAL_TERMINATION.
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.advance(secs(2));
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(start(&mut sim, "a", false), "true");
    assert_eq!(start(&mut sim, "a", true), "fault ABNORMAL_TERMINATION: a");
    assert!(sim.has_log(
        supervisor_core::LogLevel::Warn,
        "process 'a' already running"
    ));
    assert_eq!(sim.state("a"), S::Stopping);
    let id = sim.request(Request::StartGroup {
        name: "a".into(),
        wait: true,
    });
    assert_eq!(shown(&sim, id), "[a:a ABNORMAL_TERMINATION: a]");
}
