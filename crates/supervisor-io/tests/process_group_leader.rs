//! Each child leads its own process group (`setpgrp()` in supervisord).

use supervisor_io::spawn;

use crate::harness::{finish, own_children, request};

#[test]
fn child_pgrp_is_its_pid() {
    let _children = own_children();
    let spawned = spawn(&request("stat", "cat /proc/self/stat")).expect("spawn");
    let pid = spawned.pid;
    let done = finish(spawned);
    // "pid (comm) state ppid pgrp session ..."
    let after_comm = done.stdout.rsplit_once(") ").expect("stat").1;
    let fields: Vec<&str> = after_comm.split(' ').collect();
    let stat_pid: i32 = done
        .stdout
        .split(' ')
        .next()
        .expect("pid")
        .parse()
        .expect("int");
    assert_eq!(stat_pid, pid);
    assert_eq!(
        fields[1],
        std::process::id().to_string(),
        "ppid is the daemon"
    );
    assert_eq!(fields[2], pid.to_string(), "pgrp == pid");
}
