//! Nothing but 0, 1, 2 reaches the child, even descriptors without close-on-exec.

use nix::fcntl::{OFlag, open};
use nix::sys::stat::Mode;

use crate::harness::{request, run};

#[test]
fn only_stdio_survives() {
    // Inheritable on purpose: no O_CLOEXEC.
    let file = open("/dev/null", OFlag::O_RDONLY, Mode::empty()).expect("open");
    let (r, w) = nix::unistd::pipe().expect("pipe");
    let done = run(&request("ls", "ls -1 /proc/self/fd"));
    // 3 is the directory stream `ls` itself opens.
    assert_eq!(done.stdout, "0\n1\n2\n3\n");
    drop((file, r, w));
}
