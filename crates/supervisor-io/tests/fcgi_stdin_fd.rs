//! `Stdin::Fd`: the child's fd 0 is a descriptor we give (an fcgi listening socket in
//! the daemon; a pipe here), no stdin pipe is made, and the caller keeps its fd.

use std::os::fd::AsFd;

use supervisor_io::{ExitStatus, Stdin, WriteOutcome, spawn, write_some};

use crate::harness::{finish, own_children, request};

#[test]
fn given_fd_becomes_stdin() {
    let _children = own_children();
    let (read, write) = nix::unistd::pipe().expect("pipe");
    let mut req = request("fcgi", "cat");
    req.stdin = Stdin::Fd(read.as_fd());
    let spawned = spawn(&req).expect("spawn");
    assert!(spawned.stdin.is_none());
    // Still ours and still open after the spawn.
    nix::fcntl::fcntl(&read, nix::fcntl::FcntlArg::F_GETFD).expect("caller's fd intact");
    drop(read);
    assert_eq!(
        write_some(&write, b"via fd 0\n").expect("write"),
        WriteOutcome::Written(9)
    );
    drop(write);
    let done = finish(spawned);
    assert_eq!(done.stdout, "via fd 0\n");
    assert_eq!(done.status, ExitStatus::Code(0));
}
