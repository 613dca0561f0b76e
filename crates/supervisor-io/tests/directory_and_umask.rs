//! `directory=` and `umask=` are applied in the child before `execve`.

use supervisor_io::ExitStatus;

use crate::harness::{request, run};

#[test]
fn pwd_and_umask_seen_by_the_child() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().canonicalize().expect("canonical");
    let mut req = request("p", "sh -c 'pwd; umask; touch f'");
    req.directory = Some(dir.clone());
    req.umask = Some(0o027);
    let done = run(&req);
    assert_eq!(done.stdout, format!("{}\n0027\n", dir.display()));
    assert_eq!(done.status, ExitStatus::Code(0));
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.join("f"))
            .expect("created")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o640);
}

#[test]
fn relative_command_is_execed_from_the_directory() {
    // supervisord checks `./x` against its own cwd but execs it after chdir.
    let tmp = tempfile::tempdir().expect("tempdir");
    let script = tmp.path().join("hello");
    std::fs::write(&script, "#!/bin/sh\necho from-directory\n").expect("write");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let mut req = request("p", "/bin/true");
    req.command.filename = "./hello".into();
    req.command.argv = vec!["./hello".into()];
    req.directory = Some(tmp.path().to_path_buf());
    assert_eq!(run(&req).stdout, "from-directory\n");
}
