//! The self-pipe: handlers write a byte per signal, the read end polls readable, and
//! the queue holds each signal at most once until handled (`SignalReceiver`).
//! SIGCHLD from other tests' children may arrive at any time, so checks that are not
//! about SIGCHLD filter it out.

use std::os::fd::AsFd;
use std::time::Instant;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, raise};
use supervisor_io::signals::InstallError;
use supervisor_io::{SelfPipe, spawn};

use crate::harness::{DEADLINE, finish, own_children, request, signal_handlers, status_field};

const CHLD: i32 = Signal::SIGCHLD as i32;
const HUP: i32 = Signal::SIGHUP as i32;
const TERM: i32 = Signal::SIGTERM as i32;
const USR2: i32 = Signal::SIGUSR2 as i32;

fn without_chld(signals: Vec<i32>) -> Vec<i32> {
    signals.into_iter().filter(|&s| s != CHLD).collect()
}

fn mask(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("status");
    u64::from_str_radix(status_field(&status, field), 16).expect("hex")
}

fn caught_mask() -> u64 {
    mask("SigCgt")
}

fn bit(sig: i32) -> u64 {
    1 << (sig - 1)
}

#[test]
fn raised_signals_are_queued_once_in_order() {
    let _lock = signal_handlers();
    let mut pipe = SelfPipe::install().expect("install");
    raise(Signal::SIGUSR2).expect("raise");
    raise(Signal::SIGHUP).expect("raise");
    raise(Signal::SIGUSR2).expect("raise");
    let mut fds = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
    assert_eq!(
        poll(&mut fds, PollTimeout::ZERO),
        Ok(1),
        "read end is readable"
    );
    assert_eq!(without_chld(pipe.drain().expect("drain")), [USR2, HUP]);
    assert_eq!(
        without_chld(pipe.drain().expect("drain")),
        Vec::<i32>::new()
    );
}

#[test]
fn a_handled_signal_can_queue_again() {
    let _lock = signal_handlers();
    let mut pipe = SelfPipe::install().expect("install");
    raise(Signal::SIGTERM).expect("raise");
    raise(Signal::SIGUSR2).expect("raise");
    pipe.receive().expect("receive");
    let first = std::iter::from_fn(|| pipe.pop()).find(|&s| s != CHLD);
    assert_eq!(first, Some(TERM));
    raise(Signal::SIGTERM).expect("raise");
    raise(Signal::SIGUSR2).expect("raise"); // still queued: not added again
    pipe.receive().expect("receive");
    assert_eq!(without_chld(pipe.drain().expect("drain")), [USR2, TERM]);
}

/// A run that ended with signals read but not handled (a TERM read in the same batch as
/// the exit that completed a reload) gives them back: the next run gets them first.
#[test]
fn requeued_signals_come_first_and_once() {
    let _lock = signal_handlers();
    let mut pipe = SelfPipe::install().expect("install");
    raise(Signal::SIGUSR2).expect("raise");
    pipe.receive().expect("receive");
    pipe.requeue(&[TERM, USR2, TERM]);
    assert_eq!(without_chld(pipe.drain().expect("drain")), [TERM, USR2]);
    pipe.requeue(&[HUP]);
    raise(Signal::SIGTERM).expect("raise");
    assert_eq!(without_chld(pipe.drain().expect("drain")), [HUP, TERM]);
}

#[test]
fn child_exit_arrives_as_sigchld() {
    let _lock = signal_handlers();
    let mut pipe = SelfPipe::install().expect("install");
    {
        let _children = own_children();
        let done = finish(spawn(&request("true", "/bin/true")).expect("spawn"));
        assert_eq!(done.status, supervisor_io::ExitStatus::Code(0));
    }
    let deadline = Instant::now() + DEADLINE;
    loop {
        let left = deadline
            .checked_duration_since(Instant::now())
            .expect("no SIGCHLD");
        let mut fds = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
        let _ = poll(
            &mut fds,
            PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX),
        );
        if pipe.drain().expect("drain").contains(&CHLD) {
            break;
        }
    }
}

#[test]
fn one_per_process_and_restored_on_drop() {
    let _lock = signal_handlers();
    let handled = [
        HUP,
        TERM,
        USR2,
        CHLD,
        Signal::SIGINT as i32,
        Signal::SIGQUIT as i32,
    ];
    assert_eq!(
        caught_mask() & handled.iter().map(|&s| bit(s)).sum::<u64>(),
        0
    );
    let xfsz = bit(Signal::SIGXFSZ as i32);
    let ignored_before = mask("SigIgn") & xfsz;
    let pipe = SelfPipe::install().expect("install");
    for sig in handled {
        assert_ne!(caught_mask() & bit(sig), 0, "signal {sig} caught");
    }
    assert_ne!(
        mask("SigIgn") & xfsz,
        0,
        "SIGXFSZ ignored, as under CPython"
    );
    assert_ne!(
        mask("SigIgn") & bit(Signal::SIGPIPE as i32),
        0,
        "SIGPIPE ignored"
    );
    assert!(matches!(
        SelfPipe::install(),
        Err(InstallError::AlreadyInstalled)
    ));
    drop(pipe);
    for sig in handled {
        assert_eq!(caught_mask() & bit(sig), 0, "signal {sig} restored");
    }
    assert_eq!(mask("SigIgn") & xfsz, ignored_before, "SIGXFSZ restored");
    drop(SelfPipe::install().expect("installable again"));
}
