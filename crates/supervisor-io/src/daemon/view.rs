//! [`View`]: the read-only look at a running daemon that [`super::Handle::query`]
//! closures get, on the loop's own thread.

use std::path::Path;
use std::time::SystemTime;

use supervisor_core::{Fault, ProcessId, ProcessInfo, Supervisor};

use crate::clock::utc_offset;

use super::process::Table;

/// The daemon's state as a query sees it. Borrowed for the duration of one query.
pub struct View<'a> {
    pub(crate) core: &'a Supervisor,
    pub(crate) config: &'a config::Config,
    pub(crate) table: &'a Table,
    pub(crate) main_log: Option<&'a Path>,
}

impl View<'_> {
    /// The core state machine (states, `get_state`, namespec lookups...).
    pub fn core(&self) -> &Supervisor {
        self.core
    }

    /// The configuration the daemon runs.
    pub fn config(&self) -> &config::Config {
        self.config
    }

    /// The main log file, when logging to a file.
    pub fn main_log_path(&self) -> Option<&Path> {
        self.main_log
    }

    /// A process's stdout log file (AUTO already resolved to its real name); `None`
    /// for `NONE`.
    pub fn stdout_logfile(&self, process: ProcessId) -> Option<&Path> {
        self.table
            .get(process)
            .and_then(|p| p.logfiles.stdout.as_deref())
    }

    /// A process's stderr log file; `None` for `NONE` or `redirect_stderr`.
    pub fn stderr_logfile(&self, process: ProcessId) -> Option<&Path> {
        self.table
            .get(process)
            .and_then(|p| p.logfiles.stderr.as_deref())
    }

    /// `getProcessInfo(namespec)` at the current time.
    pub fn process_info(&self, namespec: &str) -> Result<ProcessInfo, Fault> {
        let now = SystemTime::now();
        self.core.process_info(namespec, now, utc_offset(now))
    }

    /// `getAllProcessInfo()` at the current time.
    pub fn all_process_info(&self) -> Result<Vec<ProcessInfo>, Fault> {
        let now = SystemTime::now();
        self.core.all_process_info(now, utc_offset(now))
    }
}
