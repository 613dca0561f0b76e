//! `user=`: setgroups/setgid/setuid in the child when the daemon is root; the
//! original's error texts otherwise (`options.drop_privileges`).

use supervisor_io::ExitStatus;

use crate::harness::{request, run};

const NOBODY: u32 = 65534;
const NOT_SPAWNED: &str = "supervisor: child process was not spawned\n";

#[test]
fn runs_as_the_configured_user() {
    let mut req = request("who", "sh -c 'whoami; id -u; id -g; id -G'");
    req.uid = Some(NOBODY);
    let done = run(&req);
    if nix::unistd::getuid().is_root() {
        let groups = nix::unistd::User::from_uid(NOBODY.into())
            .expect("getpwuid")
            .expect("nobody exists")
            .gid;
        let gid = groups.as_raw();
        assert_eq!(done.stderr, "");
        assert_eq!(done.stdout, format!("nobody\n{NOBODY}\n{gid}\n{gid}\n"));
        assert_eq!(done.status, ExitStatus::Code(0));
    } else {
        assert_eq!(
            done.stderr,
            format!(
                "supervisor: couldn't setuid to {NOBODY}: Can't drop privilege as nonroot user\n{NOT_SPAWNED}"
            )
        );
        assert_eq!(done.status, ExitStatus::Code(127));
    }
}

#[test]
fn own_uid_is_a_no_op() {
    let me = nix::unistd::getuid().as_raw();
    let mut req = request("me", "id -u");
    req.uid = Some(me);
    let done = run(&req);
    assert_eq!(done.stdout, format!("{me}\n"));
    assert_eq!(done.status, ExitStatus::Code(0));
}

#[test]
fn unknown_uid_is_reported_by_the_child() {
    let mut req = request("ghost", "id -u");
    req.uid = Some(4_242_424);
    let done = run(&req);
    assert_eq!(
        done.stderr,
        format!("supervisor: couldn't setuid to 4242424: Can't find uid 4242424\n{NOT_SPAWNED}")
    );
    assert_eq!(done.stdout, "");
    assert_eq!(done.status, ExitStatus::Code(127));
}
