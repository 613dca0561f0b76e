//! `autorestart=true/false/unexpected` after an exit from RUNNING.

use supervisor_core::ProcessStateCode;

use crate::daemon_harness::{start, wait_for};

const EXIT_SOON: &str = "command=/bin/sh -c 'sleep 0.3; exit %d'\nstartsecs=0\n";

fn program(name: &str, code: i32, autorestart: &str) -> String {
    format!(
        "[program:{name}]\n{}autorestart={autorestart}\n",
        EXIT_SOON.replace("%d", &code.to_string())
    )
}

#[test]
fn true_restarts_even_expected_exits() {
    let d = start(&program("always", 0, "true"));
    let log = wait_for("a second spawn", || {
        let log = d.main_log();
        (log.matches("spawned: 'always' with pid").count() >= 2).then_some(log)
    });
    assert!(
        log.contains("exited: always (exit status 0; expected)"),
        "{log}"
    );
}

#[test]
fn false_stays_exited() {
    let d = start(&program("never", 3, "false"));
    let info = d.wait_state("never", ProcessStateCode::Exited);
    assert_eq!(info.exitstatus, 3);
    let log = d.main_log();
    assert_eq!(log.matches("spawned: 'never' with pid").count(), 1, "{log}");
}

#[test]
fn unexpected_restarts_only_unexpected_codes() {
    let mut text = program("good", 0, "unexpected");
    text.push_str(&program("bad", 3, "unexpected"));
    let d = start(&text);
    d.wait_state("good", ProcessStateCode::Exited);
    wait_for("bad to be spawned twice", || {
        (d.main_log().matches("spawned: 'bad' with pid").count() >= 2).then_some(())
    });
    let log = d.main_log();
    assert!(
        log.contains("exited: bad (exit status 3; not expected)"),
        "{log}"
    );
    assert_eq!(log.matches("spawned: 'good' with pid").count(), 1, "{log}");
}
