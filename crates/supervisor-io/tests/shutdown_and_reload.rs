//! TERM shuts down (groups stopped one at a time, highest priority first); HUP stops
//! everything and returns `Outcome::Restart`; the request forms do the same.

use supervisor_core::{ProcessStateCode, Reply, Request, Signal};
use supervisor_io::Outcome;

use crate::daemon_harness::start;

const TWO_GROUPS: &str = "[program:first]\ncommand=sleep 1000\npriority=1\nstartsecs=0\n\
     [program:second]\ncommand=sleep 1000\npriority=2\nstartsecs=0\n";

#[test]
fn term_stops_in_reverse_priority_order() {
    let mut d = start(TWO_GROUPS);
    d.wait_state("first", ProcessStateCode::Running);
    d.wait_state("second", ProcessStateCode::Running);
    assert_eq!(d.finish(Signal::TERM), Outcome::Shutdown);
    let log = d.main_log();
    let second = log.find("stopped: second (terminated by SIGTERM)");
    let first = log.find("stopped: first (terminated by SIGTERM)");
    assert!(
        second.is_some() && first.is_some() && second < first,
        "{log}"
    );
    // Spawned in ascending order.
    assert!(
        log.find("spawned: 'first'") < log.find("spawned: 'second'"),
        "{log}"
    );
}

#[test]
fn hup_restarts_after_stopping_everything() {
    let mut d = start(TWO_GROUPS);
    let pid = d.wait_state("first", ProcessStateCode::Running).pid;
    assert_eq!(d.finish(Signal::HUP), Outcome::Restart);
    let log = d.main_log();
    assert!(
        log.contains("received SIGHUP indicating restart request"),
        "{log}"
    );
    assert!(
        log.contains("stopped: first (terminated by SIGTERM)"),
        "{log}"
    );
    // The child is gone (reaped by the daemon).
    assert!(nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_err());
}

#[test]
fn shutdown_request_replies_then_exits() {
    let mut d = start(TWO_GROUPS);
    d.wait_state("second", ProcessStateCode::Running);
    assert_eq!(
        d.handle.request(Request::Shutdown),
        Ok(Ok(Reply::Bool(true)))
    );
    assert_eq!(d.join(), Outcome::Shutdown);
    // Nobody answers any more.
    assert!(d.handle.state().is_err());
}

#[test]
fn start_and_stop_through_the_handle() {
    let d = start("[program:lazy]\ncommand=sleep 1000\nautostart=false\nstartsecs=1\n");
    assert_eq!(d.info("lazy").state, ProcessStateCode::Stopped);
    let started = d.handle.request(Request::Start {
        name: "lazy".into(),
        wait: true,
    });
    assert_eq!(started, Ok(Ok(Reply::Bool(true))));
    assert_eq!(d.info("lazy").state, ProcessStateCode::Running);
    let again = d.handle.request(Request::Start {
        name: "lazy".into(),
        wait: true,
    });
    assert_eq!(
        again.map(|r| r.map_err(|f| f.to_string())),
        Ok(Err("ALREADY_STARTED: lazy".to_owned()))
    );
    let stopped = d.handle.request(Request::Stop {
        name: "lazy".into(),
        wait: true,
    });
    assert_eq!(stopped, Ok(Ok(Reply::Bool(true))));
    assert_eq!(d.info("lazy").state, ProcessStateCode::Stopped);
}
