//! Children killed or stopped from outside, and children escaping their process group.

use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::hardening::client::{self, s};
use crate::hardening::support::{Daemon, TRUE, fd_target, holds, live_not_zombie, stat_fields};
use crate::util::{DEADLINE, alive, wait_for, wait_for_text, wait_until};

/// SIGKILLs the pids it holds when dropped (processes that escaped the daemon).
struct Reaper(Vec<i32>);

impl Drop for Reaper {
    fn drop(&mut self) {
        for &pid in &self.0 {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
}

/// A child killed with SIGKILL from outside: 4.3's WARN line, an autorestart with a new
/// pid, and the daemon still answering.
#[test]
fn sigkill_from_outside_is_logged_and_autorestarted() {
    let d = Daemon::start(
        "",
        "[program:victim]\ncommand=sleep 1000\nstartsecs=1\nautorestart=true\n",
    );
    let first = d.wait_state("victim", "RUNNING");
    assert!(first.pid > 0, "{first:?}");
    kill(Pid::from_raw(first.pid), Signal::SIGKILL).expect("kill victim");
    d.running
        .wait_log("WARN exited: victim (terminated by SIGKILL; not expected)");
    let second = d.wait_info("victim", "RUNNING with a new pid", |i| {
        i.statename == "RUNNING" && i.pid > 0 && i.pid != first.pid
    });
    wait_for("the killed child to be reaped", || !alive(first.pid));
    let log = d.log();
    let order = [
        format!("spawned: 'victim' with pid {}", first.pid),
        "exited: victim (terminated by SIGKILL; not expected)".to_owned(),
        format!("spawned: 'victim' with pid {}", second.pid),
    ];
    let mut from = 0;
    for line in &order {
        let at = log[from..]
            .find(line.as_str())
            .unwrap_or_else(|| panic!("{line:?} missing or out of order in:\n{log}"));
        from += at + line.len();
    }
    assert!(
        d.call("supervisor.getState", &[])
            .contains("<string>RUNNING</string>")
    );
    d.shutdown();
}

/// A child ignoring SIGTERM: `stopProcess` (waiting) answers true once SIGKILL, sent
/// `stopwaitsecs` after SIGTERM, has killed it; other clients are answered meanwhile.
#[test]
fn ignoring_sigterm_is_killed_after_stopwaitsecs_by_stop_process() {
    let d = Daemon::start(
        "loglevel=debug",
        "[program:stubborn]\ncommand=sh -c \"trap '' TERM; echo ready; exec sleep 1000\"\n\
         startsecs=0\nstopwaitsecs=1\nstdout_logfile={dir}/stubborn.log\n",
    );
    wait_for_text(&d.path("stubborn.log"), "ready");
    let before = d.wait_state("stubborn", "RUNNING");
    let sock = d.sock.clone();
    let stopper = std::thread::spawn(move || {
        client::unix(&sock).call_text("supervisor.stopProcess", &[&s("stubborn")])
    });
    let mut answered = 0;
    while !stopper.is_finished() {
        let started = Instant::now();
        let state = d.call("supervisor.getState", &[]);
        assert!(state.contains("RUNNING"), "{state}");
        assert!(started.elapsed() < DEADLINE, "getState took too long");
        answered += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    let reply = stopper.join().expect("stopProcess thread");
    assert!(reply.contains(TRUE), "{reply}");
    assert!(answered > 0, "no getState answered during the stop");
    let after = d.info("stubborn");
    assert_eq!(after.statename, "STOPPED");
    assert!(!alive(before.pid), "the stubborn child survived");
    let log = d.log();
    let term = format!(
        "DEBG killing stubborn (pid {}) with signal SIGTERM",
        before.pid
    );
    let sigkill = format!("WARN killing 'stubborn' ({}) with SIGKILL", before.pid);
    let stopped = "stopped: stubborn (terminated by SIGKILL)";
    let at = |needle: &str| {
        log.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in:\n{log}"))
    };
    assert!(
        at(&term) < at(&sigkill) && at(&sigkill) < at(stopped),
        "{log}"
    );
    d.shutdown();
}

/// A grandchild that escapes with `setsid` keeps running when its program is stopped,
/// even with `stopasgroup`/`killasgroup`: the group kill reaches the program's process
/// group, and the grandchild is in a session and group of its own. Observed the same
/// with supervisord 4.3.0 (spec §2.3, supervisor issue #1101). The grandchild inherited
/// the program's stdout/stderr pipes, so they never reach EOF: the stop must still
/// finish at once (the exit is processed when the program itself is reaped), the daemon
/// must close its ends of those pipes (no descriptor leak, as 4.3's `finish` closes the
/// parent pipes), start the program again and exit on SIGTERM. The test kills the
/// escaped grandchildren itself.
#[test]
fn setsid_grandchild_escapes_a_group_stop_without_hanging_the_daemon() {
    let escaper = "#!/bin/sh\n\
                   setsid sh -c 'echo $$ >> grandchildren; echo grandchild-up; exec sleep 1000' &\n\
                   exec sleep 1000\n";
    let d = Daemon::start_with(
        "",
        "[program:escaper]\ncommand={dir}/escaper.sh\ndirectory={dir}\nstartsecs=0\n\
         stopasgroup=true\nkillasgroup=true\nstopwaitsecs=5\nstdout_logfile={dir}/escaper.log\n",
        &[("escaper.sh", escaper)],
        &[],
    );
    let mut reaper = Reaper(Vec::new());
    let daemon_pid = d.pid();
    for round in 1..=2 {
        let program = d.wait_state("escaper", "RUNNING");
        let grandchild = wait_until(
            &d.path("grandchildren"),
            |t| t.lines().count() == round && t.ends_with('\n'),
            "the grandchild's pid",
        )
        .lines()
        .last()
        .and_then(|l| l.trim().parse::<i32>().ok())
        .expect("a grandchild pid");
        reaper.0.push(grandchild);
        // its own session: setsid worked, the group kill cannot reach it
        let fields = stat_fields(grandchild);
        assert_eq!(fields.get(3), Some(&grandchild.to_string()), "{fields:?}");
        let pipe = fd_target(grandchild, 1);
        assert!(pipe.starts_with("pipe:"), "{pipe}");
        assert!(holds(daemon_pid, &pipe), "the daemon should read {pipe}");

        d.start_or_stop("supervisor.stopProcess", "escaper");
        assert_eq!(d.info("escaper").statename, "STOPPED");
        wait_for("the program to be reaped", || !alive(program.pid));
        assert!(
            live_not_zombie(grandchild),
            "the setsid grandchild was killed, unlike 4.3"
        );
        wait_for("the daemon to close the escaped pipes", || {
            !holds(daemon_pid, &pipe)
        });
        if round == 1 {
            d.start_or_stop("supervisor.startProcess", "escaper");
        }
    }
    let log = d.log();
    assert_eq!(
        log.matches("stopped: escaper (terminated by SIGTERM)")
            .count(),
        2,
        "{log}"
    );
    assert!(!log.contains("with SIGKILL"), "{log}");
    d.shutdown();
    for &pid in &reaper.0 {
        assert!(
            live_not_zombie(pid),
            "grandchild {pid} died with the daemon"
        );
    }
}
