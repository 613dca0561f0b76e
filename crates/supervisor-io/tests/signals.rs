//! The daemon as the supervisord binary runs it: real signal handlers (self-pipe) and
//! the `waitpid(-1)` drain after SIGCHLD. One test in its own binary, because signal
//! dispositions and `waitpid(-1)` are process-wide.

mod daemon_harness;

use nix::sys::signal::{Signal as NixSignal, raise};
use supervisor_core::ProcessStateCode;
use supervisor_io::{Daemon, DaemonOptions, Outcome, SelfPipe};

use daemon_harness::{config_text, load, start_config_with, wait_for};

const PROGRAM: &str = "[program:sleeper]\ncommand=sleep 1000\nstartsecs=0\n";

fn options() -> DaemonOptions {
    DaemonOptions {
        install_signal_handlers: true,
    }
}

#[test]
fn real_signals_reload_reopen_reap_and_shut_down() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().to_path_buf();
    let config = load(&path, &config_text(&path, "", PROGRAM));
    let mut d = start_config_with(dir, config.clone(), options());
    d.wait_state("sleeper", ProcessStateCode::Running);

    // A child that is not the daemon's: reaped after SIGCHLD and logged as unknown
    // (which is why it is not waited for here).
    #[allow(clippy::zombie_processes)]
    let stray = std::process::Command::new("true")
        .spawn()
        .expect("spawn true");
    d.wait_log(&format!(
        "reaped unknown pid {} (exit status 0)",
        stray.id()
    ));
    d.wait_log("received SIGCHLD indicating a child quit");

    raise(NixSignal::SIGUSR2).expect("raise");
    d.wait_log("received SIGUSR2 indicating log reopen request");

    raise(NixSignal::SIGHUP).expect("raise");
    assert_eq!(d.join(), Outcome::Restart);
    let log = d.main_log();
    assert!(
        log.contains("received SIGHUP indicating restart request"),
        "{log}"
    );
    assert!(
        log.contains("stopped: sleeper (terminated by SIGTERM)"),
        "{log}"
    );

    // The caller's reload: a new daemon for the re-read config, handlers again.
    let dir2 = tempfile::tempdir().expect("tempdir");
    let config2 = load(dir2.path(), &config_text(dir2.path(), "", PROGRAM));
    let mut d2 = start_config_with(dir2, config2, options());
    d2.wait_state("sleeper", ProcessStateCode::Running);
    raise(NixSignal::SIGTERM).expect("raise");
    assert_eq!(d2.join(), Outcome::Shutdown);
    wait_for("the exit line", || {
        d2.main_log()
            .contains("received SIGTERM indicating exit request")
            .then_some(())
    });
    drop(d);
    drop(d2);

    adopted_pipe_survives_between_runs();
}

/// The binary's way: one self-pipe from startup, adopted by each run and handed back,
/// so a signal between two runs is queued, not fatal.
fn adopted_pipe_survives_between_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = load(dir.path(), &config_text(dir.path(), "", PROGRAM));
    let pipe = SelfPipe::install().expect("install");
    // Caught before the run: handled as soon as it starts.
    raise(NixSignal::SIGUSR2).expect("raise");
    let log = daemon_harness::open_log(&config);
    let no_handlers = DaemonOptions {
        install_signal_handlers: false,
    };
    let (daemon, handle) = Daemon::new(config.clone(), log, no_handlers).expect("daemon");
    let daemon = daemon.with_signal_pipe(pipe);
    let run = std::thread::spawn(move || daemon.run_with_signals());
    let main_log = dir.path().join("main.log");
    let read = || std::fs::read_to_string(&main_log).unwrap_or_default();
    wait_for("the early USR2", || {
        read()
            .contains("received SIGUSR2 indicating log reopen request")
            .then_some(())
    });
    wait_for("sleeper running", || {
        let info = handle.process_info("sleeper").ok()?.ok()?;
        (info.state == ProcessStateCode::Running).then_some(())
    });
    raise(NixSignal::SIGTERM).expect("raise");
    let (outcome, log, pipe) = match run.join() {
        Ok(Ok(done)) => done,
        _ => panic!("run failed"),
    };
    assert_eq!(outcome, Outcome::Shutdown);
    let pipe = pipe.expect("the pipe comes back");
    // Between runs: still caught, not the default action (which would end the test).
    raise(NixSignal::SIGHUP).expect("raise");
    let (daemon, _handle) = Daemon::new(config, log, no_handlers).expect("daemon");
    let (outcome, _log, _pipe) = daemon
        .with_signal_pipe(pipe)
        .run_with_signals()
        .expect("second run");
    assert_eq!(outcome, Outcome::Restart);
    assert!(read().contains("received SIGHUP indicating restart request"));
}
