//! Signalling the group reaches grandchildren; signalling the pid does not (spec 2.3:
//! only stopasgroup/killasgroup kill `sh -c 'sleep & sleep & wait'`'s sleeps).
//! The sleeps inherit the stdout pipe, so EOF on it proves every holder is dead.

use std::os::fd::{AsFd, OwnedFd};
use std::time::Instant;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use supervisor_io::{ExitStatus, KillTarget, ReadOutcome, Spawned, kill, read_chunk, spawn};

use crate::harness::{DEADLINE, own_children, read_to_eof, request, wait_exit};

const FAMILY: &str = "sh -c 'sleep 1000 & a=$!; sleep 1000 & echo $a $!; wait'";

/// Read stdout until the first newline: the two grandchildren's pids.
fn grandchildren(stdout: &OwnedFd) -> [i32; 2] {
    let deadline = Instant::now() + DEADLINE;
    let mut line = Vec::new();
    while !line.ends_with(b"\n") {
        let left = deadline
            .checked_duration_since(Instant::now())
            .expect("no pids in time");
        let mut fds = [PollFd::new(stdout.as_fd(), PollFlags::POLLIN)];
        let _ = poll(
            &mut fds,
            PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX),
        );
        match read_chunk(stdout).expect("read") {
            ReadOutcome::Data(b) => line.extend_from_slice(&b),
            ReadOutcome::WouldBlock => {}
            ReadOutcome::Eof => panic!("EOF before the pids"),
        }
    }
    let text = String::from_utf8(line).expect("utf8");
    let pids: Vec<i32> = text
        .split_whitespace()
        .map(|p| p.parse().expect("pid"))
        .collect();
    [pids[0], pids[1]]
}

fn sigterm() -> ExitStatus {
    ExitStatus::Signaled {
        signal: 15,
        core_dumped: false,
    }
}

#[test]
fn group_kill_reaches_grandchildren() {
    let _children = own_children();
    let Spawned {
        pid,
        stdout,
        stderr,
        ..
    } = spawn(&request("family", FAMILY)).expect("spawn");
    let [a, b] = grandchildren(&stdout);
    kill(KillTarget::Group(pid), 15).expect("group kill");
    let _ = read_to_eof(Some(stdout), stderr); // returns only once the sleeps are dead
    assert_eq!(wait_exit(pid), sigterm());
    // EOF means they closed their files, i.e. they are exiting. Reparented to PID 1,
    // they may be gone, still finishing `exit`, or zombies: in every case the last
    // field of /proc/<pid>/stat, their wait status, says "killed by SIGTERM" (15).
    for sleep in [a, b] {
        let stat = std::fs::read_to_string(format!("/proc/{sleep}/stat")).unwrap_or_default();
        let wait_status = stat.split_whitespace().last();
        assert!(
            matches!(wait_status, None | Some("15")),
            "sleep {sleep} not killed: {stat}"
        );
    }
}

#[test]
fn pid_kill_leaves_grandchildren() {
    let _children = own_children();
    let Spawned {
        pid,
        stdout,
        stderr,
        ..
    } = spawn(&request("family", FAMILY)).expect("spawn");
    let [a, b] = grandchildren(&stdout);
    kill(KillTarget::Process(pid), 15).expect("kill");
    assert_eq!(wait_exit(pid), sigterm());
    // The sleeps are alive, still in the group the child led.
    assert_eq!(kill(KillTarget::Process(a), 0), Ok(()));
    assert_eq!(kill(KillTarget::Process(b), 0), Ok(()));
    assert_eq!(
        nix::unistd::getpgid(Some(nix::unistd::Pid::from_raw(a))).map(|p| p.as_raw()),
        Ok(pid)
    );
    kill(KillTarget::Group(pid), 9).expect("clean up");
    let _ = read_to_eof(Some(stdout), stderr);
}
