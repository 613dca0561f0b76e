//! Embedding the supervisor in a Rust program: a config built in code (no file), two
//! children supervised on the main thread, and a second thread that queries, stops
//! and starts them through a `Handle`, then shuts the daemon down.
//!
//! Run with `cargo run -p supervisor-io --example embed`.

use std::path::Path;
use std::time::{Duration, Instant};

use config::{
    ChannelLog, Config, Environment, GroupConfig, GroupKind, LogFile, MainLogFile, ProcessConfig,
    SupervisordOptions,
};
use supervisor_core::{AutoRestart, LogLevel, ProcessStateCode, Reply, Request, Signal};
use supervisor_io::{Daemon, DaemonOptions, Handle, MainLog, Outcome};

/// A child log channel: a named file, rotated at 1 MB with 2 backups.
fn channel(path: Option<&Path>) -> ChannelLog {
    ChannelLog {
        logfile: path.map_or(LogFile::None, |p| LogFile::Path(p.to_path_buf())),
        logfile_maxbytes: 1 << 20,
        logfile_backups: 2,
        capture_maxbytes: 0,
        events_enabled: false,
        syslog: false,
    }
}

/// A `[program:name]` group of one process with supervisord's defaults.
fn program(name: &str, command: &str, logdir: &Path) -> GroupConfig {
    GroupConfig {
        name: name.to_owned(),
        priority: 999,
        kind: GroupKind::Program,
        processes: vec![ProcessConfig {
            name: name.to_owned(),
            command: command.to_owned(),
            directory: None,
            umask: None,
            priority: 999,
            autostart: true,
            autorestart: AutoRestart::Unexpected,
            startsecs: 1,
            startretries: 3,
            uid: None,
            stdout: channel(Some(&logdir.join(format!("{name}.log")))),
            stderr: channel(None),
            stopsignal: Signal::TERM,
            stopwaitsecs: 10,
            stopasgroup: false,
            killasgroup: false,
            exitcodes: vec![0],
            redirect_stderr: true,
            environment: Environment::new(),
            serverurl: None,
        }],
    }
}

fn build_config(logdir: &Path) -> Config {
    Config {
        supervisord: SupervisordOptions {
            logfile: MainLogFile::Path(logdir.join("supervisord.log")),
            logfile_maxbytes: 0,
            logfile_backups: 0,
            loglevel: LogLevel::Info,
            pidfile: logdir.join("supervisord.pid"),
            umask: 0o22,
            nodaemon: true,
            silent: false,
            minfds: 1024,
            minprocs: 200,
            nocleanup: true,
            childlogdir: logdir.to_path_buf(),
            user: None,
            uid: None,
            gid: None,
            directory: None,
            strip_ansi: false,
            environment: Environment::new(),
            identifier: "embed".to_owned(),
            event_drain_secs: config::DEFAULT_EVENT_DRAIN_SECS,
        },
        servers: Vec::new(),
        supervisorctl: None,
        rpcinterfaces: Vec::new(),
        groups: vec![
            program("sleeper", "sleep 1000", logdir),
            program(
                "ticker",
                "/bin/sh -c 'while :; do date; sleep 1; done'",
                logdir,
            ),
        ],
    }
}

/// Poll the state of `name` until it is `state` (a few seconds at most).
fn wait_state(handle: &Handle, name: &str, state: ProcessStateCode) -> Result<(), String> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        match handle.process_info(name) {
            Ok(Ok(info)) if info.state == state => return Ok(()),
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e.to_string()),
        }
    }
    Err(format!("{name} never reached {}", state.name()))
}

/// What another thread of the program does with the handle.
fn control(handle: &Handle) -> Result<(), String> {
    for name in ["sleeper", "ticker"] {
        wait_state(handle, name, ProcessStateCode::Running)?;
    }
    let show = |when: &str| -> Result<(), String> {
        let all = handle.all_process_info().map_err(|e| e.to_string())?;
        for info in all.map_err(|f| f.to_string())? {
            println!(
                "[{when}] {:<8} {:<8} {}",
                info.name, info.statename, info.description
            );
        }
        Ok(())
    };
    show("both up")?;
    let stop = Request::Stop {
        name: "ticker".into(),
        wait: true,
    };
    let reply = handle.request(stop).map_err(|e| e.to_string())?;
    println!("stop ticker -> {reply:?}");
    show("ticker stopped")?;
    let start = Request::Start {
        name: "ticker".into(),
        wait: true,
    };
    let reply = handle.request(start).map_err(|e| e.to_string())?;
    println!("start ticker -> {reply:?}");
    show("ticker restarted")?;
    let reply = handle
        .request(Request::Shutdown)
        .map_err(|e| e.to_string())?;
    if reply != Ok(Reply::Bool(true)) {
        return Err(format!("shutdown refused: {reply:?}"));
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let logdir = std::env::temp_dir().join(format!("supervisor-embed-{}", std::process::id()));
    std::fs::create_dir_all(&logdir)?;
    let config = build_config(&logdir);
    config.validate()?;
    // No file for the main log here: echo it to stdout instead.
    let log = MainLog::stdout_only(LogLevel::Info, true);
    // An embedding program keeps its own signal handling: none installed.
    let options = DaemonOptions {
        install_signal_handlers: false,
    };
    let (daemon, handle) = Daemon::new(config, log, options)?;
    let controller = std::thread::spawn(move || control(&handle));
    let (outcome, _log) = daemon.run()?;
    assert_eq!(outcome, Outcome::Shutdown);
    match controller.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e.into()),
        Err(_) => return Err("controller thread panicked".into()),
    }
    println!("children logs in {}", logdir.display());
    Ok(())
}
