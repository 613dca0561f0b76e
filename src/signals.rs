//! supervisord's signal handlers for the whole life of the process.
//!
//! 4.3 installs its handlers (`setsignals`) before it daemonizes and writes the pidfile, so a
//! TERM sent as soon as the pidfile exists is handled. [`supervisor_io::Daemon`] installs
//! its own only when its loop starts, after the point where the binary has written the
//! pidfile and logged `supervisord started`. So the binary installs the self-pipe first
//! (before daemonizing) and keeps it for every pass of the reload loop; a small thread waits
//! on the pipe and hands each signal to the running daemon through its [`Handle`]. Signals
//! that arrive while no daemon runs (start-up, between a reload's two passes) wait for the
//! next one.

use std::os::fd::AsFd;
use std::sync::{Arc, Mutex, PoisonError};

use crate::failure::Failure;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use supervisor_core::Signal;
use supervisor_io::{Handle, SelfPipe};

/// Where caught signals go.
#[derive(Debug, Default)]
struct Target {
    /// The daemon of the current pass.
    handle: Option<Handle>,
    /// Signal numbers caught while there was no daemon to take them (each at most once).
    pending: Vec<i32>,
}

/// The installed handlers; after [`SignalRelay::start`], the thread relaying them.
#[derive(Debug)]
pub struct SignalRelay {
    pipe: Option<SelfPipe>,
    target: Arc<Mutex<Target>>,
}

impl SignalRelay {
    /// Catch TERM, INT, QUIT, HUP, USR2, CHLD (and ignore PIPE, XFSZ) from now on.
    pub fn install() -> Result<SignalRelay, Failure> {
        let pipe = SelfPipe::install()
            .map_err(|e| Failure::fatal(format!("cannot install signal handlers: {e}")))?;
        Ok(SignalRelay {
            pipe: Some(pipe),
            target: Arc::default(),
        })
    }

    /// Start the relaying thread (after daemonizing: a fork keeps only the calling thread).
    /// Signals caught before are in the pipe and are relayed then.
    pub fn start(&mut self) -> Result<(), Failure> {
        let Some(pipe) = self.pipe.take() else {
            return Ok(());
        };
        let target = Arc::clone(&self.target);
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || relay(pipe, &target))
            .map(drop)
            .map_err(|e| Failure::fatal(format!("cannot start the signal thread: {e}")))
    }

    /// Send signals to `handle`'s daemon from now on (and those waiting, first).
    pub fn attach(&self, handle: Handle) {
        let mut target = self.target.lock().unwrap_or_else(PoisonError::into_inner);
        for sig in std::mem::take(&mut target.pending) {
            let _ = handle.signal(Signal(sig));
        }
        target.handle = Some(handle);
    }

    /// The daemon has stopped: keep signals for the next one.
    pub fn detach(&self) {
        let mut target = self.target.lock().unwrap_or_else(PoisonError::into_inner);
        target.handle = None;
    }
}

/// The thread: wait for the pipe, hand over every signal.
fn relay(mut pipe: SelfPipe, target: &Mutex<Target>) {
    loop {
        let mut fds = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            // cannot happen with a valid descriptor; stop relaying rather than spin
            Err(_) => return,
        }
        let Ok(signals) = pipe.drain() else {
            return;
        };
        let mut target = target.lock().unwrap_or_else(PoisonError::into_inner);
        for sig in signals {
            let delivered = target
                .handle
                .as_ref()
                .is_some_and(|h| h.signal(Signal(sig)).is_ok());
            if !delivered && !target.pending.contains(&sig) {
                target.pending.push(sig);
            }
        }
    }
}
