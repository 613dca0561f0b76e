//! The basic protocol: output, EOF, exit status; `argv[0]` as written.

use supervisor_io::{ExitStatus, Stderr};

use crate::harness::{request, run};

#[test]
fn echo_hi_then_eof_and_exit_0() {
    let done = run(&request("echo", "/bin/echo hi"));
    assert_eq!(done.stdout, "hi\n");
    assert_eq!(done.stderr, "");
    assert_eq!(done.status, ExitStatus::Code(0));
}

#[test]
fn exit_code_and_stderr_are_separate() {
    let done = run(&request("sh", "sh -c 'echo out; echo err >&2; exit 3'"));
    assert_eq!(done.stdout, "out\n");
    assert_eq!(done.stderr, "err\n");
    assert_eq!(done.status, ExitStatus::Code(3));
}

#[test]
fn killed_by_signal() {
    let done = run(&request("sh", "sh -c 'kill -9 $$'"));
    assert_eq!(
        done.status,
        ExitStatus::Signaled {
            signal: 9,
            core_dumped: false
        }
    );
}

#[test]
fn argv0_is_not_replaced_by_the_resolved_path() {
    let mut req = request("sh", "sh -c 'echo $0' zero");
    req.stderr = Stderr::ToStdout;
    assert_eq!(run(&req).stdout, "zero\n");
    let req = request("sh", "sh -c 'cat /proc/$$/cmdline | tr \"\\0\" \" \"'");
    assert_eq!(
        run(&req).stdout,
        "sh -c cat /proc/$$/cmdline | tr \"\\0\" \" \" "
    );
}
