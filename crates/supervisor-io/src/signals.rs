//! The daemon's signals as pollable events: a self-pipe.
//!
//! supervisord catches TERM, INT, QUIT, HUP, USR2 and CHLD (`options.setsignals`) and
//! queues each signal at most once until the loop handles it (`SignalReceiver`). Here
//! the handler writes the signal number as one byte into a non-blocking pipe whose
//! read end the poll loop watches; [`SelfPipe::receive`] moves the bytes into the
//! same deduplicating queue. Signals are never blocked: a blocked mask would be
//! inherited by every child.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

use nix::fcntl::OFlag;
use nix::sys::signal::{SigAction, Signal};

use crate::output::{ReadOutcome, read_chunk};
use crate::sys;

/// The signals supervisord acts on, in `setsignals` order.
pub const HANDLED: [Signal; 6] = [
    Signal::SIGTERM,
    Signal::SIGINT,
    Signal::SIGQUIT,
    Signal::SIGHUP,
    Signal::SIGCHLD,
    Signal::SIGUSR2,
];

/// The signals the daemon ignores, as CPython does for supervisord.
pub const IGNORED: [Signal; 2] = [Signal::SIGPIPE, Signal::SIGXFSZ];

/// Why [`SelfPipe::install`] failed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// Only one self-pipe can exist per process: signal dispositions are global.
    #[error("a self-pipe is already installed in this process")]
    AlreadyInstalled,
    /// Making the pipe or installing a handler failed.
    #[error("installing signal handlers: {0}")]
    Os(#[from] nix::errno::Errno),
}

/// The installed handlers and their pipe. Dropping it restores the previous
/// dispositions ([`IGNORED`] included) and closes the pipe.
#[derive(Debug)]
pub struct SelfPipe {
    read: OwnedFd,
    /// Kept open for the handler, which writes to it by number.
    _write: OwnedFd,
    previous: Vec<(Signal, SigAction)>,
    queue: Vec<i32>,
}

impl SelfPipe {
    /// Catch [`HANDLED`] into a new self-pipe and ignore [`IGNORED`]: supervisord runs
    /// under CPython, which ignores SIGPIPE and SIGXFSZ at startup, so a write to a dead
    /// child's stdin fails with EPIPE and a log past `RLIMIT_FSIZE` with EFBIG instead
    /// of killing the daemon. (Children keep both ignored, as 4.3's do:
    /// [`crate::spawn::ChildSignals`].)
    pub fn install() -> Result<SelfPipe, InstallError> {
        let (read, write) = nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK)?;
        if !sys::claim_self_pipe(write.as_fd()) {
            return Err(InstallError::AlreadyInstalled);
        }
        let mut pipe = SelfPipe {
            read,
            _write: write,
            previous: Vec::new(),
            queue: Vec::new(),
        };
        // On error, dropping `pipe` undoes what was done so far.
        for sig in IGNORED {
            let old = sys::ignore(sig)?;
            pipe.previous.push((sig, old));
        }
        for sig in HANDLED {
            let old = sys::catch(sig)?;
            pipe.previous.push((sig, old));
        }
        Ok(pipe)
    }

    /// Move every byte waiting in the pipe into the queue, skipping signals already
    /// queued (supervisord's `SignalReceiver.receive`). Call when the read end polls
    /// readable; never blocks.
    pub fn receive(&mut self) -> io::Result<()> {
        loop {
            match read_chunk(&self.read)? {
                ReadOutcome::Data(bytes) => {
                    for sig in bytes.into_iter().map(i32::from) {
                        if !self.queue.contains(&sig) {
                            self.queue.push(sig);
                        }
                    }
                }
                ReadOutcome::WouldBlock | ReadOutcome::Eof => return Ok(()),
            }
        }
    }

    /// Put `signals` (oldest first) back in front of the queue, each at most once: a run
    /// that ended before handling signals it had read returns them for the next run.
    pub fn requeue(&mut self, signals: &[i32]) {
        let mut front: Vec<i32> = Vec::new();
        for &sig in signals {
            if !front.contains(&sig) {
                front.push(sig);
            }
        }
        self.queue.retain(|s| !front.contains(s));
        front.append(&mut self.queue);
        self.queue = front;
    }

    /// The oldest queued signal number, removed from the queue (supervisord handles
    /// one per loop iteration: `get_signal`). Does not read the pipe.
    pub fn pop(&mut self) -> Option<i32> {
        (!self.queue.is_empty()).then(|| self.queue.remove(0))
    }

    /// [`receive`](Self::receive), then take the whole queue: every signal received
    /// since the last drain, oldest first, each at most once.
    pub fn drain(&mut self) -> io::Result<Vec<i32>> {
        self.receive()?;
        Ok(std::mem::take(&mut self.queue))
    }
}

impl AsFd for SelfPipe {
    /// The read end, to register with the poller.
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }
}

impl AsRawFd for SelfPipe {
    /// The read end, to register with the poller.
    fn as_raw_fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }
}

impl Drop for SelfPipe {
    fn drop(&mut self) {
        // Handlers first, so no new invocation starts; then the slot, then (when the
        // fields drop) the descriptors.
        for (sig, old) in self.previous.iter().rev() {
            sys::restore(*sig, old);
        }
        sys::release_self_pipe();
    }
}
