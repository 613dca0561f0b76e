//! SIGHUP: 4.3 stops every child, re-reads the config from disk and starts again in the
//! same process (same pid, same pidfile).

use crate::util::{Running, config_text, read, tempdir, write};
use nix::sys::signal::Signal;

/// The lines of `log` containing `needle`, in order.
fn lines_with<'a>(log: &'a str, needle: &str) -> Vec<&'a str> {
    log.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn hup_reload_picks_up_an_edited_config() {
    let dir = tempdir();
    let one = "[program:one]\ncommand=sleep 1000\nstartsecs=0\n";
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), one));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    daemon.wait_log("success: one entered RUNNING state");
    let two = format!("{one}[program:added]\ncommand=sleep 1000\nstartsecs=0\n");
    write(dir.path(), "s.conf", &config_text(dir.path(), &two));
    daemon.signal(Signal::SIGHUP);
    daemon.wait_log("success: added entered RUNNING state");
    let text = read(&log);
    assert!(text.contains("WARN received SIGHUP indicating restart request"));
    // a reload stops and restarts every child, and the daemon keeps its pid
    assert!(text.contains("stopped: one"), "{text}");
    assert_eq!(
        lines_with(&text, "success: one entered RUNNING").len(),
        2,
        "{text}"
    );
    assert_eq!(lines_with(&text, "supervisord started with pid").len(), 2);
    assert_eq!(
        read(&dir.path().join("supervisord.pid")),
        format!("{}\n", daemon.child.id())
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

#[test]
fn term_during_a_reload_still_shuts_down_with_0() {
    let dir = tempdir();
    let program = "[program:p]\ncommand=sleep 1000\nstartsecs=0\n";
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), program));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    daemon.wait_log("success: p entered RUNNING state");
    daemon.signal(Signal::SIGHUP);
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0), "{}", read(&log));
    assert!(!dir.path().join("supervisord.pid").exists());
}

#[test]
fn reload_with_a_broken_config_is_refused_and_nothing_stops() {
    // 4.3 re-reads the file on SIGHUP after stopping everything, and an error then is the
    // same usage error as at startup (status 2, children gone). Here the file is checked
    // first: the SIGHUP is refused with the error in the main log, nothing is stopped
    // (a documented improvement; tests/hardening/faults_io.rs has the details)
    use std::io::Read;
    let dir = tempdir();
    let program = "[program:p]\ncommand=sleep 1000\nstartsecs=0\n";
    write(dir.path(), "s.conf", &config_text(dir.path(), program));
    let log = dir.path().join("supervisord.log");
    let child = crate::util::supervisord(dir.path())
        .args(["-n", "-s", "-c", "s.conf"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut daemon = Running { child, log };
    daemon.wait_log("success: p entered RUNNING state");
    write(dir.path(), "s.conf", "[program:p]\ncommand=sleep 1000\n");
    daemon.signal(Signal::SIGHUP);
    let text = daemon.wait_log(
        "ERRO not reloading: the configuration is invalid (the running one is kept): \
         .ini file does not include supervisord section",
    );
    assert!(text.contains("WARN received SIGHUP indicating restart request"));
    assert!(!text.contains("stopped: p"), "{text}");
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
    let mut stderr = String::new();
    let _ = daemon
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    assert_eq!(stderr, "");
    let text = read(&daemon.log);
    assert!(
        text.contains("stopped: p (terminated by SIGTERM)"),
        "{text}"
    );
    assert!(!dir.path().join("supervisord.pid").exists());
}

#[test]
fn the_search_path_warning_is_printed_once() {
    // found on the search path (supervisord.conf in the cwd); as root 4.3 warns through
    // Python's `warnings`, which shows a warning once per process, not again on reload
    use std::io::Read;
    let dir = tempdir();
    write(dir.path(), "supervisord.conf", &config_text(dir.path(), ""));
    let log = dir.path().join("supervisord.log");
    let child = crate::util::supervisord(dir.path())
        .args(["-n", "-s"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut daemon = Running { child, log };
    daemon.wait_log("supervisord started with pid");
    daemon.signal(Signal::SIGHUP);
    crate::util::wait_until(
        &daemon.log,
        |t| lines_with(t, "supervisord started with pid").len() == 2,
        "a second start",
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
    let mut stderr = String::new();
    let _ = daemon
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    let expected = if nix::unistd::getuid().is_root() {
        1
    } else {
        0
    };
    assert_eq!(
        stderr
            .matches("UserWarning: Supervisord is running as root")
            .count(),
        expected
    );
}
