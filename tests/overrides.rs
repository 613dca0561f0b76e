//! Every `[supervisord]` option given on the command line wins over the file (4.3's
//! `realize`: command line > file > default), seen in what the daemon does.

use crate::util::{Running, read, tempdir, wait_for, wait_until, write};
use nix::sys::signal::Signal;
use std::path::Path;

/// AUTO child log names in `dir` (`<name>-<channel>---<identifier>-<random>.log`).
fn auto_logs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.contains("---"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn command_line_beats_the_file() {
    let dir = tempdir();
    let d = dir.path().display();
    for sub in ["filelogs", "clilogs"] {
        std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
    }
    // a leftover AUTO log of an earlier run with the new identifier: -k keeps it
    write(
        &dir.path().join("clilogs"),
        "old-stdout---cliid-x.log",
        "old\n",
    );
    let text = format!(
        "[supervisord]\nlogfile={d}/file.log\npidfile={d}/file.pid\nloglevel=warn\n\
         identifier=fileid\nchildlogdir={d}/filelogs\nnocleanup=false\nstrip_ansi=false\n\
         [program:colour]\ncommand=printf '\\033[31mred\\033[0m\\n'\nautorestart=false\n\
         startsecs=0\n"
    );
    let conf = write(dir.path(), "s.conf", &text);
    let log = dir.path().join("cli.log");
    let pidfile = dir.path().join("cli.pid");
    let mut daemon = Running::start(
        dir.path(),
        &conf,
        &log,
        &[
            "-l", "cli.log", "-j", "cli.pid", "-e", "debug", "-i", "cliid", "-q", "clilogs", "-k",
            "-t",
        ],
    );
    let main = daemon.wait_log("exited: colour (exit status 0; expected)");
    assert!(!dir.path().join("file.log").exists());
    // -e debug: the child's output is copied to the main log at DEBG (ANSI stripped by -t)
    assert!(
        main.contains("DEBG 'colour' stdout output:\nred\n"),
        "{main}"
    );
    wait_for("the pidfile", || pidfile.exists());
    assert!(!dir.path().join("file.pid").exists());
    let logs = auto_logs(&dir.path().join("clilogs"));
    assert!(
        logs.iter().any(|n| n.starts_with("colour-stdout---cliid-")),
        "{logs:?}"
    );
    assert!(
        logs.contains(&"old-stdout---cliid-x.log".to_string()),
        "-k kept it: {logs:?}"
    );
    assert!(auto_logs(&dir.path().join("filelogs")).is_empty());
    let stdout_log = dir.path().join("clilogs").join(
        logs.iter()
            .find(|n| n.starts_with("colour-stdout"))
            .expect("stdout log"),
    );
    assert_eq!(read(&stdout_log), "red\n");
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
    assert!(!pidfile.exists());
}

#[test]
fn without_nocleanup_old_auto_logs_are_removed() {
    let dir = tempdir();
    let d = dir.path().display();
    write(dir.path(), "old-stdout---supervisor-x.log", "old\n");
    write(
        dir.path(),
        "old-stdout---other-x.log",
        "another identifier\n",
    );
    let text = format!("[supervisord]\nlogfile={d}/sd.log\npidfile={d}/sd.pid\nchildlogdir={d}\n");
    let conf = write(dir.path(), "s.conf", &text);
    let log = dir.path().join("sd.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    daemon.wait_log("supervisord started with pid");
    wait_for("the cleanup", || {
        !dir.path().join("old-stdout---supervisor-x.log").exists()
    });
    assert!(dir.path().join("old-stdout---other-x.log").exists());
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

#[test]
fn rotation_settings_from_the_command_line() {
    let dir = tempdir();
    let d = dir.path().display();
    let text = format!(
        "[supervisord]\nlogfile={d}/sd.log\npidfile={d}/sd.pid\nlogfile_maxbytes=50MB\n\
         logfile_backups=10\n[program:chatty]\ncommand=sh -c 'echo hello; exec sleep 1000'\n\
         startsecs=0\n"
    );
    let conf = write(dir.path(), "s.conf", &text);
    let log = dir.path().join("sd.log");
    let mut daemon = Running::start(
        dir.path(),
        &conf,
        &log,
        &["-y", "200", "-z", "1", "-e", "blather"],
    );
    // every write past 200 bytes rotates; with one backup there is never a .2
    wait_until(
        &dir.path().join("sd.log.1"),
        |t| !t.is_empty(),
        "a first backup",
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
    assert!(!dir.path().join("sd.log.2").exists());
}

#[test]
fn minfds_and_minprocs_raise_the_limits() {
    // started from a shell that lowered the soft limits; recorded from 4.3 the same way:
    // `sh -c 'ulimit -Sn 512 && ulimit -Sp 100 && exec python3 -c ... -n -c s.conf -a 1024
    // --minprocs 150'` logs `Increased RLIMIT_NOFILE limit to 1024` and
    // `Increased RLIMIT_NPROC limit to 150`
    let dir = tempdir();
    let d = dir.path().display();
    let root = nix::unistd::getuid().is_root();
    // as root, user=root: no "running as root" CRIT before the INFO lines
    let user = if root { "user=root\n" } else { "" };
    let text = format!("[supervisord]\nlogfile={d}/sd.log\npidfile={d}/sd.pid\n{user}");
    write(dir.path(), "s.conf", &text);
    let log = dir.path().join("sd.log");
    let child = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg("ulimit -Sn 512 && ulimit -Sp 100 && exec \"$0\" \"$@\"")
        .arg(crate::util::BIN)
        .args(["-n", "-c", "s.conf", "-a", "1024", "--minprocs", "150"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut daemon = Running { child, log };
    let text = daemon.wait_log("supervisord started with pid");
    let infos: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once(" INFO ").map(|(_, m)| m))
        .collect();
    if root {
        assert_eq!(
            infos[..3],
            [
                "Set uid to user 0 succeeded",
                "Increased RLIMIT_NOFILE limit to 1024",
                "Increased RLIMIT_NPROC limit to 150"
            ],
            "{text}"
        );
    }
    let limits = read(Path::new(&format!("/proc/{}/limits", daemon.child.id())));
    let open_files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap_or("");
    assert_eq!(
        open_files.split_whitespace().nth(3),
        Some("1024"),
        "{limits}"
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

#[test]
fn profile_options_are_accepted_and_said_to_be_ignored() {
    // 4.3 would run under cProfile and print statistics at exit; there is no profiler here
    let dir = tempdir();
    let d = dir.path().display();
    let conf = write(
        dir.path(),
        "s.conf",
        &format!("[supervisord]\nlogfile={d}/sd.log\npidfile={d}/sd.pid\n"),
    );
    let log = dir.path().join("sd.log");
    let mut daemon = Running::start(
        dir.path(),
        &conf,
        &log,
        &["--profile_options=cumulative,callers"],
    );
    let text = daemon.wait_log("supervisord started with pid");
    assert!(text.contains(
        " WARN --profile_options ignored: there is no Python profiler in this supervisord\n"
    ));
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

#[test]
fn umask_and_directory_only_apply_when_daemonizing() {
    // spec §11 item 18: with -n, 4.3 neither changes directory nor sets the umask
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    let d = dir.path().display();
    let text = format!(
        "[supervisord]\nlogfile={d}/sd.log\npidfile={d}/sd.pid\n\
         [program:toucher]\ncommand=sh -c 'touch made-here; exec sleep 1000'\nstartsecs=0\n"
    );
    let conf = write(dir.path(), "s.conf", &text);
    let log = dir.path().join("sd.log");
    let elsewhere_arg = elsewhere.to_str().expect("utf-8");
    let mut daemon = Running::start(dir.path(), &conf, &log, &["-d", elsewhere_arg, "-m", "077"]);
    daemon.wait_log("success: toucher entered RUNNING state");
    let made = dir.path().join("made-here");
    wait_for("the child's file", || made.exists());
    assert!(!elsewhere.join("made-here").exists());
    let mode = std::fs::metadata(&made).expect("stat").permissions().mode() & 0o777;
    // the umask the daemon inherited from this test process (read, not set: it is shared)
    let status = read(Path::new("/proc/self/status"));
    let inherited = status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        .expect("Umask in /proc/self/status");
    assert_eq!(mode, 0o666 & !inherited);
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}
