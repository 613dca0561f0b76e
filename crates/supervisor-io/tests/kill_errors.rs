//! `kill` keeps ESRCH distinct (supervisord ignores it), refuses pids ≤ 0, and names
//! any other errno as Python would.

use supervisor_io::{KillError, KillTarget, kill};

use crate::harness::{request, run};

#[test]
fn esrch_after_reap() {
    let req = request("quick", "sh -c 'echo $$'");
    let done = run(&req);
    let pid: i32 = done.stdout.trim().parse().expect("pid");
    assert_eq!(
        kill(KillTarget::Process(pid), 15),
        Err(KillError::NoSuchProcess)
    );
    assert_eq!(
        kill(KillTarget::Group(pid), 15),
        Err(KillError::NoSuchProcess)
    );
}

#[test]
fn refuses_nonpositive_pids() {
    for pid in [0, -1, -42] {
        assert_eq!(
            kill(KillTarget::Process(pid), 9),
            Err(KillError::InvalidPid { pid })
        );
        assert_eq!(
            kill(KillTarget::Group(pid), 9),
            Err(KillError::InvalidPid { pid })
        );
    }
}

#[test]
fn other_errno_is_named() {
    let me = std::process::id() as i32;
    assert_eq!(kill(KillTarget::Process(me), 0), Ok(()));
    let err = kill(KillTarget::Process(me), 999).expect_err("no signal 999");
    assert_eq!(err, KillError::Os { errno: 22 });
    assert_eq!(err.to_string(), "EINVAL");
}
