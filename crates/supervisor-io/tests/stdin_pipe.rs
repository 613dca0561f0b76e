//! The stdin pipe: writes reach the child; a full pipe says WouldBlock; a child that
//! is gone says Closed (EPIPE, SIGPIPE being ignored in the test process too).

use std::os::fd::OwnedFd;

use supervisor_io::{ExitStatus, KillTarget, WriteOutcome, kill, spawn, write_some};

use crate::harness::{finish, own_children, read_to_eof, request, wait_exit};

#[test]
fn written_bytes_reach_cat() {
    let _children = own_children();
    let mut spawned = spawn(&request("cat", "cat")).expect("spawn");
    let stdin: OwnedFd = spawned.stdin.take().expect("stdin pipe");
    assert_eq!(
        write_some(&stdin, b"hello\n").expect("write"),
        WriteOutcome::Written(6)
    );
    drop(stdin);
    let done = finish(spawned);
    assert_eq!(done.stdout, "hello\n");
    assert_eq!(done.status, ExitStatus::Code(0));
}

#[test]
fn full_pipe_would_block_then_closed_after_exit() {
    let _children = own_children();
    // The child never reads stdin.
    let mut spawned = spawn(&request("sleeper", "sleep 1000")).expect("spawn");
    let stdin = spawned.stdin.take().expect("stdin pipe");
    let chunk = vec![b'x'; 65536];
    let mut total = 0usize;
    let outcome = loop {
        match write_some(&stdin, &chunk).expect("write") {
            WriteOutcome::Written(n) => total += n,
            other => break other,
        }
        assert!(total < 64 << 20, "a pipe never blocked");
    };
    assert_eq!(outcome, WriteOutcome::WouldBlock);
    assert!(total > 0);

    kill(KillTarget::Process(spawned.pid), 9).expect("kill");
    let (out, _) = read_to_eof(Some(spawned.stdout), spawned.stderr);
    assert!(out.is_empty());
    assert_eq!(
        wait_exit(spawned.pid),
        ExitStatus::Signaled {
            signal: 9,
            core_dumped: false
        }
    );
    assert_eq!(
        write_some(&stdin, b"late").expect("write"),
        WriteOutcome::Closed
    );
}
