//! The daemon running real programs in the foreground: the example config, shutdown order,
//! TERM at once, spawn errors, the user drop, the stdout echo.

use crate::util::{Running, config_text, read, tempdir, wait_until, write};
use nix::sys::signal::Signal;
use std::path::Path;

/// The lines of `log` containing `needle`, in order.
fn lines_with<'a>(log: &'a str, needle: &str) -> Vec<&'a str> {
    log.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn example_config_supervises_its_programs() {
    // the README command's config, copied so that the test writes into its own run/ dir
    let dir = tempdir();
    let example = include_str!("../examples/supervisord.conf");
    let conf = write(dir.path(), "supervisord.conf", example);
    std::fs::create_dir(dir.path().join("run")).expect("mkdir run");
    let log = dir.path().join("run/supervisord.log");
    let pidfile = dir.path().join("run/supervisord.pid");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    let programs = [
        "sleeper",
        "ticker",
        "worker_00",
        "worker_01",
        "alpha",
        "beta",
    ];
    for name in programs {
        daemon.wait_log(&format!("success: {name} entered RUNNING state"));
    }
    let pid = read(&pidfile);
    assert_eq!(pid, format!("{}\n", daemon.child.id()));
    // supervisorctl -c <the example> status, as its header comment says
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_supervisorctl"))
        .arg("-c")
        .arg(&conf)
        .arg("status")
        .output()
        .expect("run supervisorctl");
    let out = String::from_utf8_lossy(&status.stdout);
    assert_eq!(status.status.code(), Some(0), "{out}");
    for name in [
        "sleeper",
        "ticker",
        "worker:worker_00",
        "worker:worker_01",
        "pair:alpha",
        "pair:beta",
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("{name} ")) && l.contains("RUNNING")),
            "{name}: {out}"
        );
    }
    wait_until(
        &dir.path().join("run/ticker.log"),
        |t| t.lines().filter(|l| l.starts_with("tick ")).count() >= 2,
        "two ticks",
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
    let text = read(&log);
    assert_eq!(
        lines_with(&text, "stopped: ").len(),
        programs.len(),
        "{text}"
    );
    assert!(!pidfile.exists(), "pidfile left behind");
}

#[test]
fn term_stops_groups_in_descending_priority_and_exits_0() {
    let dir = tempdir();
    let programs = "[program:first]\ncommand=sleep 1000\npriority=1\nstartsecs=0\n\
                    [program:middle]\ncommand=sleep 1000\npriority=50\nstartsecs=0\n\
                    [program:last]\ncommand=sleep 1000\npriority=99\nstartsecs=0\n";
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), programs));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    for name in ["first", "middle", "last"] {
        daemon.wait_log(&format!("success: {name} entered RUNNING state"));
    }
    let started = read(&log);
    let spawned: Vec<&str> = lines_with(&started, "spawned: ");
    assert!(
        spawned[0].contains("'first'") && spawned[2].contains("'last'"),
        "{started}"
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
    let text = read(&log);
    let stopped = lines_with(&text, "stopped: ");
    let order: Vec<&str> = stopped
        .iter()
        .filter_map(|l| l.split("stopped: ").nth(1)?.split(' ').next())
        .collect();
    assert_eq!(order, ["last", "middle", "first"], "{text}");
    assert!(text.contains("WARN received SIGTERM indicating exit request"));
    assert!(!dir.path().join("supervisord.pid").exists());
}

#[test]
fn a_child_that_cannot_exec_says_so_in_its_stderr_log() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    // executable, but no #! line and not a binary: execve fails with ENOEXEC
    let bad = write(dir.path(), "bad", "this is not a program\n");
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let d = dir.path().display();
    let program =
        format!("[program:bad]\ncommand={d}/bad\nstartretries=0\nstderr_logfile={d}/bad.err\n");
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), &program));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    daemon.wait_log("gave up: bad entered FATAL state, too many start retries too quickly");
    let err = crate::util::wait_for_text(&dir.path().join("bad.err"), "couldn't exec");
    // process.py `_spawn_as_child`: the exec error, then its `finally` line
    assert_eq!(
        err,
        format!(
            "supervisor: couldn't exec {d}/bad: ENOEXEC\n\
             supervisor: child process was not spawned\n"
        )
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

#[test]
fn root_drops_to_the_configured_user() {
    use std::os::unix::fs::PermissionsExt;
    if !nix::unistd::getuid().is_root() {
        eprintln!("skipped: needs root");
        return;
    }
    let dir = tempdir();
    // nobody must be able to write the logs and to read the config
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let program = "[program:idcheck]\ncommand=sh -c 'id -u; exec sleep 1000'\nstartsecs=0\n";
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), program));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &["-u", "nobody"]);
    let text = daemon.wait_log("success: idcheck entered RUNNING state");
    assert!(
        text.contains("INFO Set uid to user 65534 succeeded"),
        "{text}"
    );
    assert!(!text.contains("Supervisor is running as root"), "{text}");
    let status = read(Path::new(&format!("/proc/{}/status", daemon.child.id())));
    let uid_line = status.lines().find(|l| l.starts_with("Uid:")).unwrap_or("");
    assert_eq!(
        uid_line.split_whitespace().nth(1),
        Some("65534"),
        "{status}"
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

#[test]
fn root_without_user_is_warned_in_the_main_log() {
    if !nix::unistd::getuid().is_root() {
        eprintln!("skipped: needs root");
        return;
    }
    let dir = tempdir();
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), ""));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    let text = daemon.wait_log("supervisord started with pid");
    let first = text.lines().next().unwrap_or("");
    assert!(
        first.ends_with(
            " CRIT Supervisor is running as root.  Privileges were not dropped because no user \
             is specified in the config file.  If you intend to run as root, you can set \
             user=root in the config file to avoid this message."
        ),
        "{text}"
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

#[test]
fn nodaemon_echoes_the_main_log_to_stdout_unless_silent() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempdir();
    let program = "[program:p]\ncommand=sleep 1000\nstartsecs=0\n";
    write(dir.path(), "s.conf", &config_text(dir.path(), program));
    let log = dir.path().join("supervisord.log");
    for silent in [false, true] {
        let mut cmd = crate::util::supervisord(dir.path());
        cmd.args(["-n", "-c", "s.conf"]).stdout(Stdio::piped());
        if silent {
            cmd.arg("-s");
        }
        let mut child = cmd.spawn().expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        let daemon = Running {
            child,
            log: log.clone(),
        };
        daemon.wait_log("success: p entered RUNNING state");
        drop(daemon); // TERM, wait
        let echoed = reader.join().expect("reader");
        let runs = read(&log);
        let this_run: Vec<&str> = runs
            .lines()
            .skip_while(|l| echoed.first().is_some_and(|f| l != f))
            .collect();
        if silent {
            assert!(echoed.is_empty(), "{echoed:?}");
        } else {
            assert!(
                echoed
                    .iter()
                    .any(|l| l.contains("success: p entered RUNNING state"))
            );
            // the same lines, in the same format
            assert_eq!(echoed, this_run);
        }
        std::fs::remove_file(&log).expect("rm log");
    }
}

#[test]
fn term_as_soon_as_started_is_an_orderly_shutdown() {
    // 4.3 installs its handlers before it writes the pidfile and logs "started": a TERM from
    // then on is a request, never the default action (repeated to catch a window)
    let dir = tempdir();
    let program = "[program:p]\ncommand=sleep 1000\nstartsecs=0\n";
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), program));
    let log = dir.path().join("supervisord.log");
    for _ in 0..10 {
        let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
        daemon.wait_log("supervisord started with pid");
        daemon.signal(Signal::SIGTERM);
        assert_eq!(daemon.wait_exit(), Some(0), "{}", read(&log));
        assert!(read(&log).contains("WARN received SIGTERM indicating exit request"));
        assert!(!dir.path().join("supervisord.pid").exists());
        std::fs::remove_file(&log).expect("rm log");
    }
}

#[test]
fn spawn_errors_match_python() {
    // recorded from 4.3.0 with the same programs: main log lines (timestamps aside) and the
    // stderr log of the child that could not chdir
    let dir = tempdir();
    let d = dir.path().display();
    let programs = format!(
        "[program:nocmd]\ncommand=nosuchprogram\nstartretries=0\n\
         [program:nodir]\ncommand=sleep 1000\ndirectory=/nonexist\nstartretries=0\n\
         stderr_logfile={d}/nodir.err\n"
    );
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), &programs));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    daemon.wait_log("gave up: nocmd entered FATAL state");
    let text = daemon.wait_log("gave up: nodir entered FATAL state");
    for line in [
        "INFO spawnerr: can't find command 'nosuchprogram'",
        "INFO gave up: nocmd entered FATAL state, too many start retries too quickly",
        "WARN exited: nodir (exit status 127; not expected)",
        "INFO gave up: nodir entered FATAL state, too many start retries too quickly",
    ] {
        assert!(text.contains(&format!(" {line}\n")), "{line}\n{text}");
    }
    assert_eq!(
        read(&dir.path().join("nodir.err")),
        "supervisor: couldn't chdir to /nonexist: ENOENT\n\
         supervisor: child process was not spawned\n"
    );
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

#[test]
fn an_unwritable_pidfile_is_logged_not_fatal() {
    // 4.3: CRIT `could not write pidfile <path>`, no "started" line, and the run goes on
    let dir = tempdir();
    let program = "[program:p]\ncommand=sleep 1000\nstartsecs=0\n";
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), program));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &["-j", "/proc/sd.pid"]);
    let text = daemon.wait_log("success: p entered RUNNING state");
    assert!(
        text.contains(" CRIT could not write pidfile /proc/sd.pid\n"),
        "{text}"
    );
    assert!(!text.contains("supervisord started with pid"), "{text}");
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

/// A program starts with an empty signal mask and supervisord 4.3's dispositions:
/// SIGPIPE and SIGXFSZ ignored (CPython's, inherited by every child of 4.3: observed
/// `SigIgn: 0000000001001000`), nothing caught — not the daemon's own handlers.
#[test]
fn a_program_starts_with_supervisord_4_3_signal_state() {
    let dir = tempdir();
    let out = dir.path().join("status.out");
    let programs = format!(
        "[program:status]\ncommand=cat /proc/self/status\nstartsecs=0\nautorestart=false\n\
         stdout_logfile={}\n",
        out.display()
    );
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), &programs));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    daemon.wait_log("exited: status (exit status 0; expected)");
    let status = read(&out);
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(str::trim)
            .unwrap_or_else(|| panic!("{name} in {status}"))
            .to_owned()
    };
    assert_eq!(field("SigBlk"), "0000000000000000");
    assert_eq!(field("SigIgn"), "0000000001001000");
    assert_eq!(field("SigCgt"), "0000000000000000");
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
}

/// 4.3's DEBG lines when a process's pipes are closed (`POutputDispatcher.close`): at the
/// reap, for every pipe still open — even one a grandchild keeps open — before the
/// `stopped:` line; and a listener's stdout is a `PEventListenerDispatcher`.
#[test]
fn pipes_closed_at_exit_are_logged_at_debug_as_4_3_does() {
    let dir = tempdir();
    let grandchild = dir.path().join("grandchild.pid");
    let programs = format!(
        "loglevel=debug\nevent_drain_secs=0\n\
         [program:parent]\ncommand=sh -c 'sleep 1000 & echo $! > {}; exec sleep 1000'\n\
         startsecs=0\n\
         [eventlistener:lis]\ncommand=sh -c 'echo READY; exec sleep 1000'\n\
         events=PROCESS_STATE\nstartsecs=0\n",
        grandchild.display()
    );
    let conf = write(dir.path(), "s.conf", &config_text(dir.path(), &programs));
    let log = dir.path().join("supervisord.log");
    let mut daemon = Running::start(dir.path(), &conf, &log, &[]);
    daemon.wait_log("success: parent entered RUNNING state");
    daemon.wait_log("success: lis entered RUNNING state");
    daemon.signal(Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
    let text = read(&log);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {text}"))
    };
    let stopped = at("stopped: parent");
    for channel in ["stdout", "stderr"] {
        let line = at(&format!("with name parent in state STOPPING> ({channel})>"));
        assert!(line < stopped, "{channel} closed before stopped:\n{text}");
    }
    assert!(
        text.contains("stopped monitoring <POutputDispatcher at "),
        "{text}"
    );
    at("stopped monitoring <PEventListenerDispatcher at ");
    // the grandchild `sleep 1000 &` outlives its parent (as in 4.3 without stopasgroup)
    if let Ok(pid) = read(&grandchild).trim().parse::<i32>() {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
    }
}
