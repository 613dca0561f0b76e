//! `clearLog` and `clearProcessLogs`, run on the loop's thread. A failure is answered
//! FAILED as in 4.3 and, here, also fed to the core as `LogClearFailed` (supervisord's
//! FATAL state).

use supervisor_core::{Fault, FaultCode, Input, LogChannel, LogLevel, LogTarget};

use super::Daemon;
use super::childlog::Channel;
use crate::errno::python_os_error;

impl Daemon {
    /// `supervisor.clearLog()`: NO_FILE when there is no log file, FAILED when it cannot
    /// be removed; otherwise removed and reopened. The INFO `reopening log file` line is
    /// written before the removal, as 4.3 does: the new log starts empty.
    pub(super) fn clear_main_log(&mut self) -> Result<(), Fault> {
        self.core.get_state()?;
        let exists = self.log.path().is_some_and(|p| p.exists());
        if !exists {
            return Err(Fault::bare(FaultCode::NoFile));
        }
        self.log.log(LogLevel::Info, "reopening log file");
        match self.log.clear() {
            Ok(()) => Ok(()),
            Err(e) => {
                self.inputs.push_back(Input::LogClearFailed {
                    target: LogTarget::Main,
                    error: e.python_text(),
                });
                Err(Fault::bare(FaultCode::Failed))
            }
        }
    }

    /// `supervisor.clearProcessLogs(name)`: BAD_NAME unless `namespec` names one
    /// process; every open log of it removed and reopened; FAILED on error.
    pub(super) fn clear_process_logs(&mut self, namespec: &str) -> Result<(), Fault> {
        self.core.get_state()?;
        let Some(id) = self.core.process_id(namespec) else {
            return Err(Fault::new(FaultCode::BadName, namespec));
        };
        let Some(p) = self.table.get_mut(id) else {
            return Err(Fault::new(FaultCode::BadName, namespec));
        };
        let mut failed = false;
        for channel in [Channel::Stdout, Channel::Stderr] {
            if let Some(log) = p.log_mut(channel)
                && let Err(e) = log.clear()
            {
                failed = true;
                self.inputs.push_back(Input::LogClearFailed {
                    target: LogTarget::Process {
                        process: id,
                        channel: match channel {
                            Channel::Stdout => LogChannel::Stdout,
                            Channel::Stderr => LogChannel::Stderr,
                        },
                    },
                    error: python_os_error(e.io_error()),
                });
            }
        }
        if failed {
            Err(Fault::new(FaultCode::Failed, namespec))
        } else {
            Ok(())
        }
    }
}
