//! The driver's per-process table: what the core does not know (command, logs,
//! pipes, pid), indexed by the core's `ProcessId`.

use std::path::PathBuf;

use supervisor_core::ProcessId;

/// The log files of one process, AUTO names resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LogFiles {
    pub stdout: Option<PathBuf>,
    pub stderr: Option<PathBuf>,
}

/// One process as the driver sees it.
#[derive(Debug)]
pub(crate) struct Proc {
    pub config: config::ProcessConfig,
    pub group: String,
    pub logfiles: LogFiles,
}

/// Every process, at the index of its `ProcessId`.
#[derive(Debug, Default)]
pub(crate) struct Table {
    pub procs: Vec<Option<Proc>>,
}

impl Table {
    pub(crate) fn get(&self, id: ProcessId) -> Option<&Proc> {
        self.procs.get(id.0 as usize).and_then(Option::as_ref)
    }
}
