//! `sendProcessStdin`: bytes queued for a child's stdin and written as the pipe
//! accepts them (supervisord's `PInputDispatcher`).

use supervisor_core::{Fault, FaultCode, Input, ProcessId, ProcessStateCode};

use super::Daemon;
use crate::output::{WriteOutcome, write_some};

impl Daemon {
    /// `supervisor.sendProcessStdin(name, chars)`: BAD_NAME unless `namespec` names a
    /// process; NOT_RUNNING without a pid or while stopping; NO_FILE when its stdin is
    /// closed (or an fcgi child, which has none). Writes what the pipe takes now and
    /// the rest as it becomes writable.
    pub(super) fn send_stdin(&mut self, namespec: &str, data: &[u8]) -> Result<(), Fault> {
        self.core.get_state()?;
        let Some(id) = self.core.process_id(namespec) else {
            return Err(Fault::new(FaultCode::BadName, namespec));
        };
        let stopping = self.core.process_state(namespec) == Some(ProcessStateCode::Stopping);
        let Some(live) = self.table.get_mut(id).and_then(|p| p.live.as_mut()) else {
            return Err(Fault::new(FaultCode::NotRunning, namespec));
        };
        if stopping {
            return Err(Fault::new(FaultCode::NotRunning, namespec));
        }
        let Some(stdin) = live.stdin.as_mut() else {
            return Err(Fault::new(FaultCode::NoFile, namespec));
        };
        stdin.buffer.extend_from_slice(data);
        if self.flush_stdin(id) {
            Ok(())
        } else {
            Err(Fault::new(FaultCode::NoFile, namespec))
        }
    }

    /// Write what is queued; ask for writability while some is left. False when the
    /// child closed its stdin (EPIPE): the queue is dropped and the pipe closed, as 4.3,
    /// and the core is told (`Input::StdinClosed`).
    pub(super) fn flush_stdin(&mut self, id: ProcessId) -> bool {
        let Some(live) = self.table.get_mut(id).and_then(|p| p.live.as_mut()) else {
            return false;
        };
        let Some(stdin) = live.stdin.as_mut() else {
            return false;
        };
        while !stdin.buffer.is_empty() {
            match write_some(&stdin.watched, &stdin.buffer) {
                Ok(WriteOutcome::Written(n)) => {
                    stdin.buffer.drain(..n);
                }
                Ok(WriteOutcome::WouldBlock) => {
                    let _ = stdin.watched.want_write();
                    return true;
                }
                Ok(WriteOutcome::Closed) | Err(_) => {
                    live.stdin = None;
                    // A listener waiting for this write gets its event back.
                    self.inputs.push_back(Input::StdinClosed { process: id });
                    return false;
                }
            }
        }
        // Level-triggered: an empty queue must not keep reporting "writable".
        let _ = stdin.watched.disarm();
        true
    }
}
