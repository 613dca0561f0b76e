//! Bad input found at startup: the original's message and status, nothing left running.
//! Python texts recorded as in `cli.rs` (configs in the recording directory).

use crate::util::{config_text, run, tempdir, texts, write};

fn usage(message: &str) -> (String, String, Option<i32>) {
    (
        String::new(),
        format!("Error: {message}\nFor help, use supervisord -h\n"),
        Some(2),
    )
}

#[test]
fn config_directory_must_exist() {
    let dir = tempdir();
    let conf = write(dir.path(), "s.conf", "[supervisord]\ndirectory=/nonexist\n");
    let got = texts(&run(
        dir.path(),
        &["-n", "-c", conf.to_str().expect("utf-8")],
    ));
    assert_eq!(got, usage("/nonexist is not an existing directory"));
}

#[test]
fn unknown_user_in_the_file() {
    let dir = tempdir();
    write(dir.path(), "s.conf", "[supervisord]\nuser=nosuchuser\n");
    let got = texts(&run(dir.path(), &["-n", "-c", "s.conf"]));
    assert_eq!(got, usage("Invalid user name nosuchuser"));
}

#[test]
fn unknown_program_user() {
    let dir = tempdir();
    let conf = write(
        dir.path(),
        "s.conf",
        "[supervisord]\n[program:x]\ncommand=sleep 1\nuser=nosuchuser\n",
    );
    let got = texts(&run(
        dir.path(),
        &["-n", "-c", conf.to_str().expect("utf-8")],
    ));
    let message = format!(
        "Invalid user name nosuchuser in section 'program:x' (file: '{}')",
        conf.display()
    );
    assert_eq!(got, usage(&message));
}

#[test]
fn command_line_user_replaces_a_bad_file_user() {
    // 4.3 resolves only the user that wins (-u root); the run then fails at the main log
    let dir = tempdir();
    write(dir.path(), "s.conf", "[supervisord]\nuser=nosuchuser\n");
    let (stdout, stderr, status) = texts(&run(
        dir.path(),
        &["-n", "-c", "s.conf", "-u", "0", "-l", "/proc/sd.log"],
    ));
    if !nix::unistd::getuid().is_root() {
        assert_eq!(status, Some(2), "{stderr}");
        return;
    }
    assert_eq!(status, Some(1), "{stdout}{stderr}");
    assert!(stderr.ends_with("No such file or directory\n"), "{stderr}");
}

#[test]
fn unwritable_main_log() {
    // 4.3 dies here with a traceback ending in
    // `FileNotFoundError: [Errno 2] No such file or directory: '/proc/sd.log'` (status 1)
    let dir = tempdir();
    write(dir.path(), "s.conf", &config_text(dir.path(), ""));
    let got = texts(&run(
        dir.path(),
        &["-n", "-c", "s.conf", "-l", "/proc/sd.log"],
    ));
    assert_eq!(
        got,
        (
            String::new(),
            "Error: cannot open the main log file '/proc/sd.log': [Errno 2] No such file or \
             directory\n"
                .to_string(),
            Some(1)
        )
    );
    assert!(!dir.path().join("supervisord.pid").exists());
}

#[test]
fn nonroot_cannot_become_another_user() {
    // recorded as uid 65534: `setpriv --reuid=65534 ... python3 -c '...' -c nouser.conf -u root`
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    if !nix::unistd::getuid().is_root() {
        eprintln!("skipped: needs root to start the test as another user");
        return;
    }
    let dir = tempdir();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    write(dir.path(), "s.conf", &config_text(dir.path(), ""));
    // The checkout (and so the built binary) may sit below a directory nobody cannot enter
    // (CI clones into a 0700 temp dir): run a copy that lives in the test's own 0755 dir.
    let exe = dir.path().join("supervisord");
    std::fs::copy(crate::util::BIN, &exe).expect("copy the binary");
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = std::process::Command::new(&exe)
        .arg0("supervisord")
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .args(["-n", "-c", "s.conf", "-u", "root"])
        .uid(65534)
        .gid(65534)
        .output()
        .expect("run");
    assert_eq!(texts(&out), usage("Can't drop privilege as nonroot user"));
}

#[test]
fn daemon_setup_errors_reach_the_terminal_before_daemonizing() {
    // 4.3 names AUTO logs (mkstemp) before it forks: `PermissionError: [Errno 13] Permission
    // denied: '<childlogdir>/p-stdout---supervisor-XXXX.log'` ends its traceback (status 1)
    use std::os::unix::fs::PermissionsExt;
    if !nix::unistd::getuid().is_root() {
        eprintln!("skipped: needs root to drop to a user who cannot write childlogdir");
        return;
    }
    let dir = tempdir();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).expect("mkdir");
    std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let d = dir.path().display();
    let text = format!(
        "[supervisord]\nlogfile={d}/sd.log\npidfile={d}/sd.pid\nchildlogdir={d}/logs\n\
         user=nobody\n[program:p]\ncommand=sleep 100\n"
    );
    write(dir.path(), "s.conf", &text);
    // no -n: the error must not vanish into a daemon's /dev/null
    let got = texts(&run(dir.path(), &["-c", "s.conf"]));
    let message = format!(
        "Error: cannot create an AUTO log file in {d}/logs: [Errno 13] Permission denied\n"
    );
    assert_eq!(got, (String::new(), message, Some(1)));
    assert!(!dir.path().join("sd.pid").exists());
}
