//! supervisord's signal handlers, installed once and kept for the life of the process.
//!
//! 4.3 installs its handlers (`setsignals`) before it daemonizes and writes the pidfile, and
//! they stay installed across reloads, so a TERM sent as soon as the pidfile exists (or
//! between the two runs of a reload) is an exit request, never the default action. The
//! binary installs one self-pipe at that point and lends it to each run
//! ([`supervisor_io::Daemon::with_signal_pipe`]); signals caught while no run is going on
//! wait in it and are handled first by the next run.

use crate::failure::Failure;
use supervisor_io::SelfPipe;

/// The process's self-pipe, when no run holds it.
#[derive(Debug, Default)]
pub struct Signals {
    pipe: Option<SelfPipe>,
    installed: bool,
}

impl Signals {
    /// Catch TERM, INT, QUIT, HUP, USR2, CHLD (and ignore PIPE, XFSZ) from now on; a
    /// no-op after the first call.
    pub fn install(&mut self) -> Result<(), Failure> {
        if !self.installed {
            let pipe = SelfPipe::install()
                .map_err(|e| Failure::fatal(format!("cannot install signal handlers: {e}")))?;
            self.pipe = Some(pipe);
            self.installed = true;
        }
        Ok(())
    }

    /// The pipe, for a run to adopt (`None` if not installed or already lent).
    pub fn lend(&mut self) -> Option<SelfPipe> {
        self.pipe.take()
    }

    /// The pipe back from a run that ended (with whatever it caught since).
    pub fn give_back(&mut self, pipe: Option<SelfPipe>) {
        if pipe.is_some() {
            self.pipe = pipe;
        }
    }
}
