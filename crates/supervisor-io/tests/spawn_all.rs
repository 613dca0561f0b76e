//! `spawn_all`: children forked from several threads at once come back in request
//! order, each with its own pipes on 0/1/2 and nothing else inherited; a failing
//! plan fails alone.

use nix::fcntl::{OFlag, open};
use nix::sys::stat::Mode;
use supervisor_io::spawn::{prepare, spawn_all};
use supervisor_io::{ExitStatus, Stderr};

use crate::harness::{finish, own_children, request};

/// Prints its name on stdout and stderr, then lists its descriptors (`exec ls`: the
/// listing is the child's own table; `ls` adds 3, its directory stream).
const SCRIPT: &str = "sh -c 'echo out-$SUPERVISOR_PROCESS_NAME; echo err-$SUPERVISOR_PROCESS_NAME >&2; exec ls -1 /proc/self/fd'";

#[test]
fn many_children_come_back_in_order_with_their_own_streams() {
    // Inheritable on purpose (no O_CLOEXEC), and low-numbered: the forking threads'
    // children first copy the descriptors below their reserved ones, this among them.
    let leaky = open("/dev/null", OFlag::O_RDONLY, Mode::empty()).expect("open");
    let _children = own_children();
    let names: Vec<String> = (0..24).map(|i| format!("p{i:02}")).collect();
    let prepared = names
        .iter()
        .map(|n| prepare(&request(n, SCRIPT)).expect("prepare"))
        .collect();
    let results = spawn_all(prepared);
    assert_eq!(results.len(), names.len());
    for (name, result) in names.iter().zip(results) {
        let done = finish(result.expect("spawn"));
        assert_eq!(done.stdout, format!("out-{name}\n0\n1\n2\n3\n"), "{name}");
        assert_eq!(done.stderr, format!("err-{name}\n"), "{name}");
        assert_eq!(done.status, ExitStatus::Code(0), "{name}");
    }
    drop(leaky);
}

#[test]
fn one_child_and_redirected_stderr() {
    let _children = own_children();
    let mut req = request("solo", SCRIPT);
    req.stderr = Stderr::ToStdout;
    let mut results = spawn_all(vec![prepare(&req).expect("prepare")]);
    let done = finish(results.pop().expect("one result").expect("spawn"));
    assert_eq!(done.stdout, "out-solo\nerr-solo\n0\n1\n2\n3\n");
    assert_eq!(done.status, ExitStatus::Code(0));
}

#[test]
fn an_exec_failure_in_a_batch_is_that_childs_alone() {
    let _children = own_children();
    let mut reqs: Vec<_> = (0..4).map(|i| request(&format!("ok{i}"), SCRIPT)).collect();
    let mut bad = request("bad", "/bin/true");
    bad.directory = Some("/nonexistent/dir".into());
    reqs.insert(2, bad);
    let prepared = reqs.iter().map(|r| prepare(r).expect("prepare")).collect();
    let results: Vec<_> = spawn_all(prepared)
        .into_iter()
        .map(|r| finish(r.expect("forked")))
        .collect();
    assert_eq!(results[2].status, ExitStatus::Code(127));
    assert_eq!(
        results[2].stderr,
        "supervisor: couldn't chdir to /nonexistent/dir: ENOENT\n\
         supervisor: child process was not spawned\n"
    );
    for i in [0, 1, 3, 4] {
        assert_eq!(results[i].status, ExitStatus::Code(0), "{i}");
        assert!(
            results[i].stdout.starts_with("out-ok"),
            "{}",
            results[i].stdout
        );
    }
}

/// The forking threads are pinned to one CPU each for the batch: the children get the
/// caller's CPU set back before `execve`, and so does the calling thread.
#[test]
fn children_and_caller_keep_their_cpu_set() {
    let own = || {
        let status = std::fs::read_to_string("/proc/thread-self/status").expect("status");
        crate::harness::status_field(&status, "Cpus_allowed_list").to_owned()
    };
    let before = own();
    let _children = own_children();
    let prepared = (0..8)
        .map(|i| {
            let req = request(
                &format!("cpu{i}"),
                "grep Cpus_allowed_list /proc/self/status",
            );
            prepare(&req).expect("prepare")
        })
        .collect();
    for result in spawn_all(prepared) {
        let done = finish(result.expect("spawn"));
        assert_eq!(
            done.stdout.trim_end(),
            format!("Cpus_allowed_list:\t{before}"),
            "child's CPU set"
        );
    }
    assert_eq!(own(), before, "the calling thread's CPU set");
}
