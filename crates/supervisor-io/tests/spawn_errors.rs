//! Parent-side spawn failures carry supervisord's `spawnerr` texts
//! (`Subprocess.spawn`). EMFILE is provoked for real in a fresh copy of this test
//! binary (lowering RLIMIT_NOFILE here would starve the tests running beside it).

use std::os::fd::OwnedFd;

use nix::sys::resource::{Resource, getrlimit, setrlimit};
use supervisor_io::{ExitStatus, SpawnError, Stdin, spawn};

use crate::harness::{request, run};

#[test]
fn texts() {
    let name = || "web".to_owned();
    let cases = [
        (
            SpawnError::TooManyOpenFiles { name: name() },
            "too many open files to spawn 'web'",
        ),
        (
            SpawnError::Pipes {
                name: name(),
                errno: 23,
            },
            "unknown error making dispatchers for 'web': ENFILE",
        ),
        (
            SpawnError::TooManyProcesses { name: name() },
            "Too many processes in process table to spawn 'web'",
        ),
        (
            SpawnError::Fork {
                name: name(),
                errno: 12,
            },
            "unknown error during fork for 'web': ENOMEM",
        ),
        (
            SpawnError::Fork {
                name: name(),
                errno: 133,
            },
            "unknown error during fork for 'web': 133",
        ),
    ];
    for (err, text) in cases {
        assert_eq!(err.to_string(), text);
    }
}

#[test]
fn emfile_in_a_fresh_process() {
    let exe = std::env::current_exe().expect("test binary");
    let command = format!(
        "{} spawn_errors::emfile_probe --exact --ignored --test-threads=1 --nocapture",
        exe.display()
    );
    let done = run(&request("probe-runner", &command));
    assert!(
        done.stdout
            .contains("PROBE: too many open files to spawn 'probe'"),
        "{done:?}"
    );
    assert_eq!(done.status, ExitStatus::Code(0));
}

/// Run only by `emfile_in_a_fresh_process`, alone in its own process: use up every
/// descriptor but one, so the first `pipe2` of a spawn fails with EMFILE.
#[test]
#[ignore = "run in a child process by emfile_in_a_fresh_process"]
fn emfile_probe() {
    let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit");
    setrlimit(Resource::RLIMIT_NOFILE, 64, hard).expect("setrlimit");
    let mut hoard: Vec<OwnedFd> = Vec::new();
    while let Ok(f) = std::fs::File::open("/dev/null") {
        hoard.push(f.into());
    }
    hoard.pop(); // one free slot: not enough for a pipe
    let mut req = request("probe", "/bin/true");
    req.stdin = Stdin::Pipe;
    let err = spawn(&req).expect_err("no descriptors left");
    println!("PROBE: {err}");
    assert_eq!(
        err,
        SpawnError::TooManyOpenFiles {
            name: "probe".into()
        }
    );
}
