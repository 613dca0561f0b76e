//! Programs spawn at boot, reach RUNNING after startsecs, and stop at shutdown.

use supervisor_core::{ProcessStateCode, Signal};
use supervisor_io::Outcome;

use crate::daemon_harness::start;

#[test]
fn two_programs_run_and_shut_down() {
    let mut d = start(
        "[program:sleeper]\ncommand=sleep 1000\nstartsecs=1\n\
         [program:looper]\ncommand=/bin/sh -c 'while true; do echo tick; sleep 0.2; done'\nstartsecs=0\n",
    );
    let info = d.wait_state("sleeper", ProcessStateCode::Running);
    assert!(info.pid > 0);
    assert!(
        info.description
            .starts_with(&format!("pid {}, uptime ", info.pid)),
        "{}",
        info.description
    );
    d.wait_state("looper", ProcessStateCode::Running);
    // Everything RUNNING: no deadline left, so the loop waits with no timeout.
    let due = d.handle.query(|v| v.core().poll_timeout()).expect("alive");
    assert_eq!(due, None);
    d.wait_log("success: sleeper entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)");
    d.wait_log("'looper' stdout output:\ntick");
    let outcome = d.finish(Signal::TERM);
    assert_eq!(outcome, Outcome::Shutdown);
    let log = d.main_log();
    assert!(
        log.contains("received SIGTERM indicating exit request"),
        "{log}"
    );
    assert!(
        log.contains("stopped: sleeper (terminated by SIGTERM)"),
        "{log}"
    );
    assert!(
        log.contains("stopped: looper (terminated by SIGTERM)"),
        "{log}"
    );
}
