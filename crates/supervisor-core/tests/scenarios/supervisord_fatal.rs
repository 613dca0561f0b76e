//! supervisord's FATAL state (seed item; 4.3 never enters it): entered when clearing or
//! removing a log fails or a kill fails; the daemon keeps running and answering; getState
//! reports 2/FATAL; ClearFatal (and a reload, i.e. a new core) return to RUNNING.

use crate::sim::*;
use supervisor_core::{
    AutoRestart, Input, LogChannel, LogLevel, LogTarget, ProcessStateCode as S, Request,
    SupervisorStateCode as M,
};

#[test]
fn kill_failure_makes_process_unknown_and_supervisord_fatal() {
    let mut sim = Sim::new(vec![
        prog("a", |_| {}),
        prog("b", |p| p.autorestart = AutoRestart::Always),
    ]);
    sim.advance(secs(2));
    let pid = sim.pid("a");
    sim.kill_failures.insert("a".into());
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    assert_eq!(sim.state("a"), S::Unknown);
    let crit = format!("unknown problem killing a ({pid}):[Errno 1] Operation not permitted");
    assert!(sim.has_log(LogLevel::Critical, &crit));
    assert!(sim.has_log(
        LogLevel::Critical,
        &format!("supervisord entered FATAL state: {crit}")
    ));
    let state = sim.core.get_state().expect("requests keep working");
    assert_eq!((state.code as i32, state.name), (2, "FATAL"));
    assert_eq!(sim.core.fatal_reasons(), [crit]);
    // keeps running: auto-restarts continue, requests are answered
    sim.exit("b", code(0));
    assert_eq!(sim.state("b"), S::Starting);
    let id = sim.request(Request::Stop {
        name: "b".into(),
        wait: false,
    });
    assert_eq!(shown(&sim, id), "true");
}

#[test]
fn unknown_process_reaped_becomes_stopped() {
    // 4.3 fails an assertion in its main loop here; the process is known dead: STOPPED.
    let mut sim = Sim::new(vec![prog("a", |p| p.autorestart = AutoRestart::Always)]);
    sim.advance(secs(2));
    sim.kill_failures.insert("a".into());
    sim.request(Request::Stop {
        name: "a".into(),
        wait: false,
    });
    sim.exit("a", code(0));
    assert_eq!(sim.state("a"), S::Stopped);
    sim.advance(secs(10));
    assert_eq!(sim.state("a"), S::Stopped, "not restarted");
}

#[test]
fn log_failures_enter_fatal_and_clear_fatal_leaves_it() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.input(Input::LogClearFailed {
        target: LogTarget::Main,
        error: "EACCES".into(),
    });
    assert_eq!(sim.core.supervisor_state(), M::Fatal);
    let process = sim.core.process_id("a").expect("a");
    sim.input(Input::LogClearFailed {
        target: LogTarget::Process {
            process,
            channel: LogChannel::Stderr,
        },
        error: "EROFS".into(),
    });
    sim.input(Input::LogRemoveFailed {
        path: "/var/log/x.log".into(),
        error: "EBUSY".into(),
    });
    assert_eq!(
        sim.core.fatal_reasons(),
        [
            "could not clear the main log: EACCES",
            "could not clear the stderr log of a: EROFS",
            "could not remove log file /var/log/x.log: EBUSY",
        ]
    );
    assert!(sim.has_log(
        LogLevel::Critical,
        "supervisord entered FATAL state: could not clear the main log: EACCES"
    ));
    assert!(sim.has_log(
        LogLevel::Critical,
        "supervisord still in FATAL state, another failure: could not clear the stderr log of a: EROFS"
    ));
    let id = sim.request(Request::ClearFatal);
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(sim.core.supervisor_state(), M::Running);
    assert!(sim.core.fatal_reasons().is_empty());
    let id = sim.request(Request::ClearFatal);
    assert_eq!(
        shown(&sim, id),
        "true",
        "clearing when not FATAL is a no-op"
    );
}

#[test]
fn a_main_log_write_failure_enters_fatal_and_supervising_goes_on() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.input(Input::MainLogWriteFailed {
        error: "[Errno 28] No space left on device".into(),
    });
    assert_eq!(sim.core.supervisor_state(), M::Fatal);
    assert_eq!(
        sim.core.fatal_reasons(),
        ["could not write the main log: [Errno 28] No space left on device"]
    );
    assert!(sim.has_log(
        LogLevel::Critical,
        "supervisord entered FATAL state: could not write the main log: [Errno 28] No space left on device"
    ));
    let id = sim.request(Request::ClearFatal);
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(sim.core.supervisor_state(), M::Running);
}

#[test]
fn shutdown_and_reload_work_from_fatal() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.input(Input::LogClearFailed {
        target: LogTarget::Main,
        error: "EIO".into(),
    });
    sim.obey_kills = true;
    let id = sim.request(Request::Restart);
    assert_eq!(shown(&sim, id), "true");
    assert!(
        sim.restarted,
        "the driver then builds a new core, which starts RUNNING"
    );
    assert_eq!(
        sim.core.get_state().map(|s| s.code).ok(),
        None,
        "SHUTDOWN_STATE now"
    );
}
