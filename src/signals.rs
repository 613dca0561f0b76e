//! supervisord's signal handlers outside the daemon's loop.
//!
//! 4.3 installs its handlers (`setsignals`) before it daemonizes and writes the pidfile, and
//! they stay installed across reloads, so a TERM sent as soon as the pidfile exists is an
//! exit request. [`supervisor_io::Daemon`] installs its own self-pipe only while its loop
//! runs. So the binary catches the same signals into its own self-pipe from the start and
//! again as soon as a run ends, and right before the next run hands what it caught to the
//! daemon's [`Handle`] and uninstalls (only one self-pipe can exist per process). The daemon
//! keeps the real handlers while it runs, SIGCHLD reaping included.

use crate::failure::Failure;
use supervisor_core::Signal;
use supervisor_io::{Handle, SelfPipe};

/// Signals caught while no daemon loop runs.
#[derive(Debug, Default)]
pub struct EarlySignals {
    pipe: Option<SelfPipe>,
}

impl EarlySignals {
    /// Catch TERM, INT, QUIT, HUP, USR2, CHLD (and ignore PIPE, XFSZ) from now on; a
    /// no-op when already catching.
    pub fn catch(&mut self) -> Result<(), Failure> {
        if self.pipe.is_none() {
            let pipe = SelfPipe::install()
                .map_err(|e| Failure::fatal(format!("cannot install signal handlers: {e}")))?;
            self.pipe = Some(pipe);
        }
        Ok(())
    }

    /// Queue what was caught (each signal once, oldest first) on `handle`'s daemon and
    /// stop catching, so that its run can install the handlers. Call right before
    /// [`supervisor_io::Daemon::run`].
    pub fn hand_over(&mut self, handle: &Handle) {
        if let Some(mut pipe) = self.pipe.take() {
            for sig in pipe.drain().unwrap_or_default() {
                // Disconnected cannot happen before run(); nothing to do if it did
                let _ = handle.signal(Signal(sig));
            }
        }
    }
}
