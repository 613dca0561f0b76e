//! RUNNING -> EXITED: backoff reset; expected iff the code is in exitcodes (signal deaths
//! never are); INFO for expected, WARN (and spawnerr "Bad exit code N") otherwise.

use crate::sim::*;
use supervisor_core::{AutoRestart, LogLevel, ProcessStateCode as S, Signal};

fn running(exitcodes: &[i32]) -> Sim {
    let codes = exitcodes.to_vec();
    let mut sim = Sim::new(vec![prog("a", move |p| {
        p.exitcodes = codes;
        p.autorestart = AutoRestart::Never;
    })]);
    sim.advance(secs(2));
    assert_eq!(sim.state("a"), S::Running);
    sim
}

#[test]
fn expected_code_logs_info() {
    let mut sim = running(&[0, 2]);
    sim.exit("a", code(2));
    assert_eq!(sim.state("a"), S::Exited);
    assert!(sim.has_log(LogLevel::Info, "exited: a (exit status 2; expected)"));
    let info = sim
        .core
        .process_info("a", sim.clock().wall, 0)
        .expect("info");
    assert_eq!((info.exitstatus, info.spawnerr.as_str()), (2, ""));
}

#[test]
fn unexpected_code_logs_warn_and_sets_bad_exit_code() {
    let mut sim = running(&[0]);
    sim.exit("a", code(3));
    assert!(sim.has_log(LogLevel::Warn, "exited: a (exit status 3; not expected)"));
    let info = sim
        .core
        .process_info("a", sim.clock().wall, 0)
        .expect("info");
    assert_eq!(
        (info.exitstatus, info.spawnerr.as_str()),
        (3, "Bad exit code 3")
    );
}

#[test]
fn signal_death_is_never_expected() {
    let mut sim = running(&[0]);
    sim.exit("a", killed(Signal::KILL));
    assert!(sim.has_log(
        LogLevel::Warn,
        "exited: a (terminated by SIGKILL; not expected)"
    ));
    let info = sim
        .core
        .process_info("a", sim.clock().wall, 0)
        .expect("info");
    assert_eq!(
        (info.exitstatus, info.spawnerr.as_str()),
        (-1, "Bad exit code -1")
    );
}

#[test]
fn core_dump_is_in_the_message() {
    let mut sim = running(&[0]);
    let status = supervisor_core::ExitStatus::Signaled {
        signal: Signal(11),
        core_dumped: true,
    };
    sim.exit("a", status);
    assert!(sim.has_log(
        LogLevel::Warn,
        "exited: a (terminated by SIGSEGV (core dumped); not expected)"
    ));
}
