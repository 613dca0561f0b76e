//! supervisord's `main`: 4.3's `supervisord.main` loop. Each pass parses the command line,
//! reads the config file, drops privileges, opens the main log and runs the daemon; a reload
//! (SIGHUP) ends the pass and starts the next one with the file read again from disk. Only
//! the first pass raises rlimits and daemonizes.

use crate::cli::{self, Request};
use crate::daemonize::daemonize;
use crate::failure::Failure;
use crate::options::{self, Realized};
use crate::pidfile::Pidfile;
use crate::privileges::{self, Queued};
use crate::signals::Signals;
use config::pyfmt::repr_str;
use config::{LoadContext, MessageLevel};
use std::ffi::OsString;
use std::io::Write;
use supervisor_core::LogLevel;
use supervisor_io::{
    Daemon, DaemonError, DaemonOptions, MainLog, MainLogSettings, MainLogTarget, Outcome,
};

/// The version `-v` prints (the Python package's).
pub const VERSION: &str = "4.3.0";

/// Run supervisord with `argv` (program name first) and return the exit status. Errors are
/// printed on stderr here, in the original's format.
pub fn main(argv: impl IntoIterator<Item = OsString>) -> u8 {
    let mut argv = argv.into_iter().map(|a| a.to_string_lossy().into_owned());
    let argv0 = argv.next().unwrap_or_else(|| "supervisord".to_string());
    let args: Vec<String> = argv.collect();
    let mut first = true;
    let mut signals = Signals::default();
    loop {
        match pass(&argv0, &args, first, &mut signals) {
            Ok(Some(Outcome::Restart)) => first = false,
            Ok(Some(Outcome::Shutdown) | None) => return 0,
            Err(failure) => {
                let _ = std::io::stderr().write_all(failure.stderr_text(&argv0).as_bytes());
                return failure.status();
            }
        }
    }
}

/// One pass of the loop: `None` when the command line only asked for help or the version.
/// Signals are caught from the point 4.3 installs its handlers (see [`Signals`]).
fn pass(
    argv0: &str,
    args: &[String],
    first: bool,
    signals: &mut Signals,
) -> Result<Option<Outcome>, Failure> {
    let ctx = LoadContext::from_system();
    let cli = match cli::parse(argv0, args, &ctx)? {
        Request::Help(text) => return print_stdout(&text),
        Request::Version => return print_stdout(&format!("{VERSION}\n")),
        Request::Run(cli) => cli,
    };
    if let Some(warning) = options::search_warning(&cli, &ctx).filter(|_| first) {
        // 4.3 prints this through Python's `warnings` (`<options.py>:469: UserWarning: ...`),
        // whose default filter shows it once per process: not again on a reload
        let _ = writeln!(std::io::stderr(), "{argv0}: UserWarning: {warning}");
    }
    let configfile = options::configfile(&cli, argv0, &ctx)?;
    let realized = options::realize(&cli, &configfile, &ctx)?;
    let mut queued = Queued::default();
    privileges::set_uid_or_exit(&realized.config, &ctx, &mut queued)?;
    if first {
        privileges::set_rlimits_or_exit(&realized.config, &mut queued)?;
    }
    let settings = MainLogSettings::from_config(&realized.config.supervisord);
    let mut log = open_main_log(&settings)?;
    flush_messages(&mut log, &realized, &queued);
    if cli.profile_options.is_some() {
        log.log(
            LogLevel::Warn,
            "--profile_options ignored: there is no Python profiler in this supervisord",
        );
    }
    signals.install()?;
    let s = realized.config.supervisord.clone();
    // What 4.3 does before daemonizing (old AUTO logs removed, new ones named, fcgi sockets
    // created): its errors still reach the terminal.
    let options = DaemonOptions {
        install_signal_handlers: true,
    };
    let (daemon, _handle) = Daemon::new(realized.config, log, options).map_err(|e| match e {
        // openhttpservers: a socket in use (or any bind error) is a usage error, status 2
        DaemonError::Http(text) => Failure::usage(text),
        e => Failure::fatal(e.to_string()),
    })?;
    // reloadConfig re-reads the same file, wherever the daemon has chdir'ed to by then
    let daemon = daemon.with_config_file(
        std::path::absolute(&configfile).unwrap_or_else(|_| configfile.clone().into()),
    );
    // a SIGHUP is refused, nothing stopped, when the next pass would fail to read its config
    let (check_argv0, check_args) = (argv0.to_owned(), args.to_vec());
    let daemon =
        daemon.with_reload_check(Box::new(move || reload_check(&check_argv0, &check_args)));
    // The daemon owns the log now; 4.3's lines between here and the loop go through a
    // second handle on the same file (appending, like the first).
    let mut side_log = open_main_log(&settings)?;
    if first && !s.nodaemon {
        daemonize(s.directory.as_deref(), s.umask, &mut |level, text| {
            side_log.log(level, text)
        })?;
    }
    let pidfile = match Pidfile::write(&s.pidfile) {
        Ok(pidfile) => {
            let started = format!("supervisord started with pid {}", std::process::id());
            side_log.log(LogLevel::Info, &started);
            Some(pidfile)
        }
        Err(crit) => {
            side_log.log(LogLevel::Critical, &crit);
            None
        }
    };
    drop(side_log);
    // the handle is for embedders: the binary talks to its daemon through signals
    let daemon = match signals.lend() {
        Some(pipe) => daemon.with_signal_pipe(pipe),
        None => daemon,
    };
    let outcome = daemon.run_with_signals();
    if let Some(pidfile) = pidfile {
        pidfile.remove();
    }
    match outcome {
        // the next pass opens the log again with the settings of the re-read file
        Ok((outcome, _log, pipe)) => {
            signals.give_back(pipe);
            Ok(Some(outcome))
        }
        Err(e) => Err(Failure::fatal(e.to_string())),
    }
}

/// What the next pass would fail on before it runs the daemon: the command line and the
/// config file, read again as [`pass`] reads them (`Err` = the error's text).
fn reload_check(argv0: &str, args: &[String]) -> Result<(), String> {
    let ctx = LoadContext::from_system();
    let Request::Run(cli) = cli::parse(argv0, args, &ctx).map_err(|e| e.to_string())? else {
        return Ok(());
    };
    let configfile = options::configfile(&cli, argv0, &ctx).map_err(|e| e.to_string())?;
    options::realize(&cli, &configfile, &ctx)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// `make_logger`: the main log as `[supervisord]` says; a file that cannot be opened ends
/// the start (4.3 dies with a traceback and status 1).
fn open_main_log(settings: &MainLogSettings) -> Result<MainLog, Failure> {
    let shown = match &settings.target {
        MainLogTarget::File(path) => repr_str(&path.to_string_lossy()),
        MainLogTarget::Syslog | MainLogTarget::Nowhere => "syslog".to_string(),
    };
    MainLog::open(settings.clone()).map_err(|e| {
        Failure::fatal(format!(
            "cannot open the main log file {shown}: {}",
            e.python_text()
        ))
    })
}

/// The queued messages in 4.3's order: criticals (the file's, then the runtime ones),
/// warnings, infos (the file's, then the runtime ones).
fn flush_messages(log: &mut MainLog, realized: &Realized, queued: &Queued) {
    let of_level = |level: MessageLevel| {
        realized
            .messages
            .iter()
            .filter(move |m| m.level == level)
            .map(|m| m.text.as_str())
    };
    for text in of_level(MessageLevel::Critical).chain(queued.criticals.iter().map(String::as_str))
    {
        log.log(LogLevel::Critical, text);
    }
    for text in of_level(MessageLevel::Warn) {
        log.log(LogLevel::Warn, text);
    }
    for text in of_level(MessageLevel::Info).chain(queued.infos.iter().map(String::as_str)) {
        log.log(LogLevel::Info, text);
    }
}

/// Write `text` to stdout (a closed stdout is not an error worth reporting).
fn print_stdout(text: &str) -> Result<Option<Outcome>, Failure> {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(None)
}
