//! Children start with an empty signal mask, whatever the spawning thread had blocked, and
//! with supervisord 4.3's dispositions: SIGPIPE and SIGXFSZ ignored (CPython's, inherited
//! across `execve`), everything else default — not the daemon's handlers. Observed with a
//! real supervisord 4.3.0 running `command=cat /proc/self/status`:
//! `SigIgn: 0000000001001000`. `ChildSignals::Default` leaves nothing ignored.

use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
use supervisor_io::ChildSignals;

/// SigIgn of a child of supervisord 4.3.0: SIGPIPE (13) and SIGXFSZ (25).
const SUPERVISORD_SIGIGN: &str = "0000000001001000";

use crate::harness::{request, run, status_field};

#[test]
fn mask_empty_and_pipe_signals_ignored_as_under_supervisord() {
    let own = std::fs::read_to_string("/proc/self/status").expect("status");
    let ignored = u64::from_str_radix(status_field(&own, "SigIgn"), 16).expect("hex");
    assert_ne!(
        ignored & (1 << (13 - 1)),
        0,
        "the Rust runtime ignores SIGPIPE"
    );

    let mut blocked = SigSet::empty();
    blocked.add(Signal::SIGTERM);
    blocked.add(Signal::SIGUSR1);
    blocked.add(Signal::SIGCHLD);
    let mut before = SigSet::empty();
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&blocked), Some(&mut before)).expect("block");
    let done = run(&request("cat", "cat /proc/self/status"));
    let mut during = SigSet::empty();
    pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&before), Some(&mut during)).expect("restore");

    assert!(
        during.contains(Signal::SIGTERM),
        "spawn restores the caller's mask"
    );
    assert!(
        !during.contains(Signal::SIGHUP),
        "spawn restores the caller's mask"
    );
    assert_eq!(status_field(&done.stdout, "SigBlk"), "0000000000000000");
    assert_eq!(status_field(&done.stdout, "SigIgn"), SUPERVISORD_SIGIGN);

    let mut plain = request("cat", "cat /proc/self/status");
    plain.signals = ChildSignals::Default;
    let done = run(&plain);
    assert_eq!(status_field(&done.stdout, "SigIgn"), "0000000000000000");
    assert_eq!(status_field(&done.stdout, "SigBlk"), "0000000000000000");
}

#[test]
fn daemon_handlers_and_ignores_do_not_reach_the_child() {
    let _lock = crate::harness::signal_handlers();
    // Catches TERM, INT, QUIT, HUP, USR2, CHLD; ignores PIPE and XFSZ.
    let pipe = supervisor_io::SelfPipe::install().expect("install");
    let done = run(&request("cat", "cat /proc/self/status"));
    drop(pipe);
    assert_eq!(status_field(&done.stdout, "SigIgn"), SUPERVISORD_SIGIGN);
    assert_eq!(status_field(&done.stdout, "SigCgt"), "0000000000000000");
    assert_eq!(status_field(&done.stdout, "SigBlk"), "0000000000000000");
}
