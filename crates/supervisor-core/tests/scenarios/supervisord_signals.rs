//! Signals received by supervisord: TERM/INT/QUIT shut down, HUP reloads, USR2 reopens
//! logs, CHLD does nothing but log, others are ignored at BLAT — with 4.3's log lines.

use crate::sim::*;
use supervisor_core::{LogLevel, Signal, SupervisorStateCode as M};

#[test]
fn each_signal_and_its_log_line() {
    for (sig, level, line) in [
        (
            Signal::INT,
            LogLevel::Warn,
            "received SIGINT indicating exit request",
        ),
        (
            Signal::QUIT,
            LogLevel::Warn,
            "received SIGQUIT indicating exit request",
        ),
        (
            Signal::HUP,
            LogLevel::Warn,
            "received SIGHUP indicating restart request",
        ),
        (
            Signal::CHLD,
            LogLevel::Debug,
            "received SIGCHLD indicating a child quit",
        ),
        (
            Signal::USR2,
            LogLevel::Info,
            "received SIGUSR2 indicating log reopen request",
        ),
        (
            Signal(10),
            LogLevel::Blather,
            "received SIGUSR1 indicating nothing",
        ),
    ] {
        let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false)]);
        sim.signal(sig);
        assert!(sim.has_log(level, line), "{line}");
    }
}

#[test]
fn usr2_reopens_logs_and_keeps_running() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.signal(Signal::USR2);
    assert_eq!(sim.reopened, 1);
    assert!(sim.has_log(LogLevel::Info, "supervisord logreopen"));
    assert_eq!(sim.core.supervisor_state(), M::Running);
}

#[test]
fn hup_reloads_after_stopping_everything() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.signal(Signal::HUP);
    assert_eq!(sim.core.supervisor_state(), M::Restarting);
    assert!(!sim.restarted);
    sim.exit("a", killed(Signal::TERM));
    assert!(sim.restarted);
}

#[test]
fn chld_and_unknown_signals_change_nothing() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.signal(Signal::CHLD);
    sim.signal(Signal(10));
    assert_eq!(sim.core.supervisor_state(), M::Running);
    assert!(sim.kills.is_empty());
}

#[test]
fn reaped_unknown_pid_is_logged() {
    let mut sim = Sim::new(vec![prog("a", |_| {})]);
    sim.exit_pid(supervisor_core::Pid(4242), code(3));
    sim.exit_pid(supervisor_core::Pid(4243), killed(Signal::KILL));
    assert!(sim.has_log(LogLevel::Info, "reaped unknown pid 4242 (exit status 3)"));
    assert!(sim.has_log(
        LogLevel::Info,
        "reaped unknown pid 4243 (terminated by SIGKILL)"
    ));
}
