//! Stopping: SIGKILL after `stopwaitsecs` for a child that ignores SIGTERM; process
//! group signals with `stopasgroup`.

use std::time::Instant;

use supervisor_core::{ProcessStateCode, Reply, Request};

use crate::daemon_harness::{start, wait_for};

#[test]
fn ignoring_sigterm_gets_sigkill_after_stopwaitsecs() {
    let d = start(
        "[program:stubborn]\ncommand=/bin/sh -c 'trap \"\" TERM; echo ready; while :; do sleep 0.1; done'\n\
         startsecs=0\nstopwaitsecs=1\nstdout_logfile={dir}/stubborn.log\n",
    );
    d.wait_state("stubborn", ProcessStateCode::Running);
    // The trap is set once the shell has printed.
    wait_for("the trap", || {
        std::fs::read_to_string(d.path("stubborn.log"))
            .ok()
            .filter(|t| t.contains("ready"))
    });
    let started = Instant::now();
    let reply = d.handle.request(Request::Stop {
        name: "stubborn".into(),
        wait: true,
    });
    assert_eq!(reply, Ok(Ok(Reply::Bool(true))));
    assert!(started.elapsed().as_secs_f64() >= 1.0);
    let info = d.info("stubborn");
    assert_eq!(info.state, ProcessStateCode::Stopped);
    let log = d.main_log();
    assert!(
        log.contains(&format!(
            "killing 'stubborn' ({}) with SIGKILL",
            log_pid(&log)
        )),
        "{log}"
    );
    assert!(
        log.contains("stopped: stubborn (terminated by SIGKILL)"),
        "{log}"
    );
}

fn log_pid(log: &str) -> String {
    log.split("spawned: 'stubborn' with pid ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap_or_default()
        .to_owned()
}

/// Whether `pid` is gone (or a zombie nobody reaped yet: it no longer runs).
fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

fn grandchild(d: &crate::daemon_harness::Running, file: &str) -> i32 {
    wait_for("the grandchild's pid", || {
        std::fs::read_to_string(d.path(file))
            .ok()
            .and_then(|t| t.trim().parse().ok())
    })
}

#[test]
fn stopasgroup_stops_grandchildren() {
    let d = start(
        "[program:grouped]\ncommand=/bin/sh -c 'sleep 1001 & echo $! > {dir}/g.pid; wait'\n\
         startsecs=0\nstopasgroup=true\n\
         [program:single]\ncommand=/bin/sh -c 'sleep 1002 & echo $! > {dir}/s.pid; wait'\n\
         startsecs=0\n",
    );
    let g = grandchild(&d, "g.pid");
    let s = grandchild(&d, "s.pid");
    for name in ["grouped", "single"] {
        let reply = d.handle.request(Request::Stop {
            name: name.into(),
            wait: true,
        });
        assert_eq!(reply, Ok(Ok(Reply::Bool(true))), "{name}");
    }
    wait_for("the grouped grandchild to die", || gone(g).then_some(()));
    // Without stopasgroup the grandchild survives, as in supervisord.
    assert!(!gone(s));
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(s),
        nix::sys::signal::Signal::SIGKILL,
    );
}
