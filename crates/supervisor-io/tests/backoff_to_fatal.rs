//! A program that exits at once goes BACKOFF, is retried `startretries` times, then
//! FATAL.

use supervisor_core::ProcessStateCode;

use crate::daemon_harness::start;

#[test]
fn exits_at_once_then_fatal() {
    let d = start("[program:quick]\ncommand=/bin/sh -c 'exit 3'\nstartsecs=1\nstartretries=1\n");
    let info = d.wait_state("quick", ProcessStateCode::Fatal);
    assert_eq!(
        info.description,
        "Exited too quickly (process log may have details)"
    );
    let log = d.wait_log("gave up: quick entered FATAL state, too many start retries too quickly");
    assert_eq!(log.matches("spawned: 'quick' with pid").count(), 2, "{log}");
    assert!(
        log.contains("exited: quick (exit status 3; not expected)"),
        "{log}"
    );
}

#[test]
fn missing_command_is_a_spawn_error() {
    let d = start("[program:ghost]\ncommand=/nonexistent/ghost\nstartretries=0\n");
    let info = d.wait_state("ghost", ProcessStateCode::Fatal);
    assert_eq!(info.spawnerr, "can't find command '/nonexistent/ghost'");
    d.wait_log("spawnerr: can't find command '/nonexistent/ghost'");
}
