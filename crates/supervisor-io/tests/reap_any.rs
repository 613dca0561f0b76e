//! `reap(Reap::Any)` drains every exited child without blocking; nothing left = empty.

use std::collections::HashMap;
use std::time::Instant;

use supervisor_io::{ExitStatus, Reap, reap, spawn};

use crate::harness::{DEADLINE, all_children, read_to_eof, request};

#[test]
fn drains_every_exit() {
    let _all = all_children();
    let mut expected = HashMap::new();
    for code in 1..=3 {
        let spawned = spawn(&request("exit", &format!("sh -c 'exit {code}'"))).expect("spawn");
        expected.insert(spawned.pid, ExitStatus::Code(code));
        drop(spawned.stdin);
        let _ = read_to_eof(Some(spawned.stdout), spawned.stderr);
    }
    let deadline = Instant::now() + DEADLINE;
    let mut got = HashMap::new();
    while got.len() < expected.len() {
        for r in reap(Reap::Any).expect("waitpid") {
            got.insert(r.pid, r.status);
        }
        assert!(Instant::now() < deadline, "missing exits: {got:?}");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    for (pid, status) in &expected {
        assert_eq!(got.get(pid), Some(status));
    }
    // No children left: ECHILD is an empty drain, not an error, and never blocks.
    assert_eq!(reap(Reap::Any), Ok(vec![]));
}
