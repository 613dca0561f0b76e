//! Descriptors registered with the daemon's poller, removed from it before they close.
//!
//! `polling` registrations are oneshot: after an event is delivered the descriptor
//! stays silent until [`Watched::rearm`]. The loop re-arms a pipe only after it has
//! read one chunk from it, which is what makes reading round-robin: a child that
//! floods its stdout gets one chunk per wakeup like everybody else.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Arc;

use polling::{Event, Poller};

use crate::sys;

/// An owned descriptor watched for readability under `key`.
#[derive(Debug)]
pub(crate) struct Watched {
    fd: OwnedFd,
    poller: Arc<Poller>,
    key: usize,
}

impl Watched {
    /// Take ownership of `fd` and watch it for reading (armed).
    pub(crate) fn new(fd: OwnedFd, poller: &Arc<Poller>, key: usize) -> io::Result<Watched> {
        Self::with_interest(fd, poller, Event::readable(key))
    }

    /// Take ownership of `fd`, registered but silent until [`Watched::want_write`].
    pub(crate) fn idle(fd: OwnedFd, poller: &Arc<Poller>, key: usize) -> io::Result<Watched> {
        Self::with_interest(fd, poller, Event::none(key))
    }

    fn with_interest(fd: OwnedFd, poller: &Arc<Poller>, interest: Event) -> io::Result<Watched> {
        let key = interest.key;
        sys::poller_add(poller, fd.as_fd(), interest)?;
        Ok(Watched {
            fd,
            poller: Arc::clone(poller),
            key,
        })
    }

    /// Ask for the next readable event.
    pub(crate) fn rearm(&self) -> io::Result<()> {
        self.poller.modify(&self.fd, Event::readable(self.key))
    }

    /// Ask for the next writable event.
    pub(crate) fn want_write(&self) -> io::Result<()> {
        self.poller.modify(&self.fd, Event::writable(self.key))
    }

    /// Stop delivering events without closing (back-pressure on a child whose log
    /// cannot take more bytes).
    pub(crate) fn disarm(&self) -> io::Result<()> {
        self.poller.modify(&self.fd, Event::none(self.key))
    }
}

impl AsFd for Watched {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        // Must happen before `fd` closes (it drops right after this body).
        let _ = self.poller.delete(&self.fd);
    }
}
