//! Without `-n`: 4.3's `_daemonize` (one fork, the parent exits 0; chdir, /dev/null, setsid,
//! umask in the child), then the pidfile.

use crate::util::{alive, config_text, read, tempdir, wait_for, write};
use nix::sys::signal::Signal;

#[test]
fn daemonized_writes_its_pidfile_and_the_parent_exits_0() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let workdir = dir.path().join("work");
    std::fs::create_dir(&workdir).expect("mkdir");
    // the child inherits the daemon's cwd (directory=) and umask
    let program = "[program:toucher]\ncommand=sh -c 'touch made-here; exec sleep 1000'\n\
                   startsecs=0\n";
    write(dir.path(), "s.conf", &config_text(dir.path(), program));
    let out = crate::util::supervisord(dir.path())
        .args(["-c", "s.conf", "-m", "027", "-d"])
        .arg(&workdir)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    let pidfile = dir.path().join("supervisord.pid");
    wait_for("the pidfile", || read(&pidfile).ends_with('\n'));
    let pid: i32 = read(&pidfile).trim().parse().expect("pid");
    let guard = Kill(pid);
    let log = dir.path().join("supervisord.log");
    let text = crate::util::wait_for_text(&log, "success: toucher entered RUNNING state");
    assert!(
        text.contains("INFO daemonizing the supervisord process"),
        "{text}"
    );
    assert!(text.contains(&format!(
        "INFO set current directory: '{}'",
        workdir.display()
    )));
    assert!(text.contains(&format!("INFO supervisord started with pid {pid}\n")));
    let made = workdir.join("made-here");
    wait_for("the child's file", || made.exists());
    let mode = std::fs::metadata(&made).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "umask 027 applies to the children");
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), Signal::SIGTERM).expect("kill");
    wait_for("the daemon to exit", || !alive(pid));
    assert!(!pidfile.exists(), "pidfile left behind");
    drop(guard);
}

/// Kills a daemonized supervisord if a test fails before stopping it.
struct Kill(i32);

impl Drop for Kill {
    fn drop(&mut self) {
        if alive(self.0) {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.0), Signal::SIGTERM);
        }
    }
}
