//! Failures after `fork` are reported by the child on its fd 2 with supervisord's
//! texts (`_spawn_as_child`), followed by `child process was not spawned`, exit 127.

use std::os::unix::fs::PermissionsExt;

use supervisor_io::{ExitStatus, Stderr};

use crate::harness::{request, run};

const NOT_SPAWNED: &str = "supervisor: child process was not spawned\n";

fn script(dir: &std::path::Path, name: &str, body: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path.display().to_string()
}

#[test]
fn exec_failure_names_argv0_and_errno() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Executable bits but no valid format: execve fails with ENOEXEC.
    let garbage = script(tmp.path(), "garbage", b"\x00\x01\x02\x03 not a program");
    let done = run(&request("g", &garbage));
    assert_eq!(
        done.stderr,
        format!("supervisor: couldn't exec {garbage}: ENOEXEC\n{NOT_SPAWNED}")
    );
    assert_eq!(done.stdout, "");
    assert_eq!(done.status, ExitStatus::Code(127));

    // A missing interpreter: ENOENT.
    let orphan = script(tmp.path(), "orphan", b"#!/nonexistent/interpreter\n");
    let done = run(&request("o", &orphan));
    assert_eq!(
        done.stderr,
        format!("supervisor: couldn't exec {orphan}: ENOENT\n{NOT_SPAWNED}")
    );
    assert_eq!(done.status, ExitStatus::Code(127));
}

#[test]
fn exec_failure_reports_argv0_not_the_resolved_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut req = request("p", "/bin/true");
    req.command.filename = tmp.path().join("vanished");
    req.command.argv = vec!["vanished".into(), "arg".into()];
    let done = run(&req);
    assert_eq!(
        done.stderr,
        format!("supervisor: couldn't exec vanished: ENOENT\n{NOT_SPAWNED}")
    );
    assert_eq!(done.status, ExitStatus::Code(127));
}

#[test]
fn chdir_failure() {
    let mut req = request("p", "/bin/echo never");
    req.directory = Some("/nonexistent/dir".into());
    let done = run(&req);
    assert_eq!(
        done.stderr,
        format!("supervisor: couldn't chdir to /nonexistent/dir: ENOENT\n{NOT_SPAWNED}")
    );
    assert_eq!(done.stdout, "");
    assert_eq!(done.status, ExitStatus::Code(127));
}

#[test]
fn chdir_failure_goes_to_stdout_with_redirect_stderr() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("plain");
    std::fs::write(&file, "").expect("write");
    let mut req = request("p", "/bin/echo never");
    req.directory = Some(file.clone());
    req.stderr = Stderr::ToStdout;
    let done = run(&req);
    assert_eq!(
        done.stdout,
        format!(
            "supervisor: couldn't chdir to {}: ENOTDIR\n{NOT_SPAWNED}",
            file.display()
        )
    );
    assert_eq!(done.status, ExitStatus::Code(127));
}
