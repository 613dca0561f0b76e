//! `redirect_stderr=true`: no stderr pipe, fd 2 is the stdout pipe.

use supervisor_io::{ExitStatus, Stderr, spawn};

use crate::harness::{finish, own_children, request};

#[test]
fn stderr_goes_to_stdout() {
    let _children = own_children();
    let mut req = request("both", "sh -c 'echo one; echo two >&2; echo three'");
    req.stderr = Stderr::ToStdout;
    let spawned = spawn(&req).expect("spawn");
    assert!(
        spawned.stderr.is_none(),
        "no stderr pipe with redirect_stderr"
    );
    let done = finish(spawned);
    assert_eq!(done.stdout, "one\ntwo\nthree\n");
    assert_eq!(done.status, ExitStatus::Code(0));
}
