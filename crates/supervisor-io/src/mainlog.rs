//! supervisord's main (activity) log: `YYYY-MM-DD HH:MM:SS,mmm LEVL message\n` in local
//! time, filtered by `loglevel`, rotated by size, optionally echoed to stdout
//! (`nodaemon` without `silent`) or sent to syslog (`logfile=syslog`).
//!
//! Never panics and never stops the daemon: a failed write is reported once per failure
//! episode (until a write succeeds again) on stderr, where supervisord would print a
//! traceback for every line, and kept for the daemon to hand to the core
//! ([`MainLog::take_write_failure`]: supervisord's FATAL state); logging goes on.

use std::io::Write;
use std::path::PathBuf;
use std::time::SystemTime;

use logrotate::{CreateMode, Policy, RotatingFile};
use supervisor_core::LogLevel;

use crate::clock::asctime;
use crate::sys;

/// Where the main log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MainLogTarget {
    /// A file (`logfile=`), rotated by size.
    File(PathBuf),
    /// `logfile=syslog`: one `syslog(3)` call per line, timestamp included, as 4.3.
    Syslog,
    /// No file: only the stdout echo, if enabled (embedders, tests).
    Nowhere,
}

/// How to open the main log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainLogSettings {
    /// File or syslog.
    pub target: MainLogTarget,
    /// `logfile_maxbytes`; 0 never rotates.
    pub maxbytes: u64,
    /// `logfile_backups`; 0 truncates instead of rotating.
    pub backups: u32,
    /// `loglevel`: lines below it are dropped.
    pub level: LogLevel,
    /// Also write every line to stdout (`nodaemon=true`, `silent=false`).
    pub echo_stdout: bool,
}

impl MainLogSettings {
    /// The settings `[supervisord]` asks for; `echo_stdout` is `nodaemon && !silent`.
    pub fn from_config(options: &config::SupervisordOptions) -> MainLogSettings {
        MainLogSettings {
            target: match &options.logfile {
                config::MainLogFile::Syslog => MainLogTarget::Syslog,
                config::MainLogFile::Path(p) => MainLogTarget::File(p.clone()),
            },
            maxbytes: u64::try_from(options.logfile_maxbytes).unwrap_or(0),
            backups: u32::try_from(options.logfile_backups.max(0)).unwrap_or(u32::MAX),
            level: options.loglevel,
            echo_stdout: options.nodaemon && !options.silent,
        }
    }
}

/// Why the main log could not be opened, reopened or cleared.
#[derive(Debug, thiserror::Error)]
pub enum MainLogError {
    /// The file operation failed; see [`logrotate::Error`] for who is at fault.
    #[error(transparent)]
    File(#[from] logrotate::Error),
}

impl MainLogError {
    /// The OS error as Python prints an `OSError`: `[Errno 13] Permission denied`.
    pub fn python_text(&self) -> String {
        match self {
            MainLogError::File(e) => crate::errno::python_os_error(e.io_error()),
        }
    }
}

/// The open main log.
#[derive(Debug)]
pub struct MainLog {
    settings: MainLogSettings,
    file: Option<RotatingFile>,
    /// A write error was already reported on stderr; reset by the next success.
    failing: bool,
    /// The error that began the current failure episode, until the daemon takes it.
    unreported: Option<String>,
}

impl MainLog {
    /// Open (create, append) the log as `settings` say.
    pub fn open(settings: MainLogSettings) -> Result<MainLog, MainLogError> {
        let file = match &settings.target {
            MainLogTarget::File(path) => Some(RotatingFile::open(
                path.clone(),
                Policy {
                    max_bytes: settings.maxbytes,
                    backups: settings.backups,
                },
                CreateMode::DEFAULT,
            )?),
            MainLogTarget::Syslog | MainLogTarget::Nowhere => None,
        };
        Ok(MainLog {
            settings,
            file,
            failing: false,
            unreported: None,
        })
    }

    /// A log that writes nowhere but stdout (when `echo_stdout`): for embedders and
    /// tests that want no file.
    pub fn stdout_only(level: LogLevel, echo_stdout: bool) -> MainLog {
        MainLog {
            settings: MainLogSettings {
                target: MainLogTarget::Nowhere,
                maxbytes: 0,
                backups: 0,
                level,
                echo_stdout,
            },
            file: None,
            failing: false,
            unreported: None,
        }
    }

    /// The level below which lines are dropped.
    pub fn level(&self) -> LogLevel {
        self.settings.level
    }

    /// The settings the log was opened with.
    pub fn settings(&self) -> &MainLogSettings {
        &self.settings
    }

    /// Write one record (`message` may span lines) if `level` passes the filter.
    pub fn log(&mut self, level: LogLevel, message: &str) {
        if level < self.settings.level {
            return;
        }
        let asctime = asctime(SystemTime::now());
        let line = format!("{asctime} {} {message}\n", level.code());
        match &mut self.file {
            Some(file) => match file.write(line.as_bytes()) {
                Ok(_) => self.failing = false,
                Err(e) => {
                    if !self.failing {
                        eprintln!("supervisord: cannot write to the main log: {e}");
                        self.unreported = Some(crate::errno::python_os_error(e.io_error()));
                    }
                    self.failing = true;
                }
            },
            None if self.settings.target == MainLogTarget::Syslog => {
                // 4.3's SyslogHandler: the record's message split into lines, each
                // formatted on its own (so each gets the timestamp and level).
                for part in message.trim_end_matches('\n').split('\n') {
                    let formatted = format!("{asctime} {} {part}", level.code());
                    sys::syslog_info(formatted.as_bytes());
                }
            }
            None => {}
        }
        if self.settings.echo_stdout {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(line.as_bytes());
            let _ = out.flush();
        }
    }

    /// The error (Python's `OSError` text) that began a failure episode of the file, once:
    /// `None` until the next episode. The daemon feeds it to the core, which enters FATAL.
    pub fn take_write_failure(&mut self) -> Option<String> {
        self.unreported.take()
    }

    /// Close and reopen the file (SIGUSR2, after an external logrotate moved it).
    pub fn reopen(&mut self) -> Result<(), MainLogError> {
        if let Some(file) = &mut self.file {
            file.reopen()?;
        }
        Ok(())
    }

    /// `clearLog`: delete the live file (not the backups) and reopen it empty.
    pub fn clear(&mut self) -> Result<(), MainLogError> {
        if let Some(file) = &mut self.file {
            file.remove_and_reopen()?;
        }
        Ok(())
    }

    /// Turn the stdout echo on or off (e.g. off once the daemon has daemonized).
    pub fn set_echo_stdout(&mut self, on: bool) {
        self.settings.echo_stdout = on;
    }

    /// The file path, when logging to a file (`readLog`, `clearLog`'s NO_FILE check).
    pub fn path(&self) -> Option<&std::path::Path> {
        self.file.as_ref().map(|f| f.path())
    }
}
