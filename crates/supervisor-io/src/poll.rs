//! The daemon's poller: level-triggered epoll, straight through `nix::sys::epoll`.
//!
//! Until Nov 2026 this was the `polling` crate (oneshot registrations). Its epoll
//! backend makes four system calls per `wait` whatever happened — read + re-arm of
//! its notifier, `timerfd_settime` + re-arm of its timer — and oneshot needs one more
//! `epoll_ctl` per event delivered: 8 syscalls per wakeup that reads one pipe chunk,
//! where this poller makes 3 (`epoll_wait`, `read`, `write`). Timeouts are epoll's
//! milliseconds, rounded up: the loop compares every deadline against `now` anyway.
//!
//! Registrations are level-triggered: a readable descriptor is reported on every wait
//! until it is drained or its interest is dropped. A descriptor with no interest is
//! not in the kernel's set at all (epoll would still report HUP/ERR for it), so
//! "silent" really is silent. Reading stays round-robin: every wait reports every
//! ready descriptor and the loop reads one chunk from each.

use std::cell::Cell;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};
use nix::sys::eventfd::{EfdFlags, EventFd};

/// The key of the notifier's own registration (never a `Source` key).
const NOTIFY_KEY: u64 = u64::MAX;

/// What a descriptor is watched for, under which key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) key: usize,
    pub(crate) readable: bool,
    pub(crate) writable: bool,
}

impl Event {
    pub(crate) fn readable(key: usize) -> Event {
        Event {
            key,
            readable: true,
            writable: false,
        }
    }

    pub(crate) fn writable(key: usize) -> Event {
        Event {
            key,
            readable: false,
            writable: true,
        }
    }

    pub(crate) fn none(key: usize) -> Event {
        Event {
            key,
            readable: false,
            writable: false,
        }
    }

    fn is_none(self) -> bool {
        !self.readable && !self.writable
    }

    fn epoll(self) -> EpollEvent {
        let mut flags = EpollFlags::empty();
        if self.readable {
            flags |= EpollFlags::EPOLLIN | EpollFlags::EPOLLRDHUP;
        }
        if self.writable {
            flags |= EpollFlags::EPOLLOUT;
        }
        EpollEvent::new(flags, self.key as u64)
    }
}

/// Ready descriptors of one wait.
#[derive(Debug)]
pub(crate) struct Events {
    buf: Vec<EpollEvent>,
    len: usize,
}

impl Events {
    pub(crate) fn new() -> Events {
        Events {
            buf: vec![EpollEvent::empty(); 1024],
            len: 0,
        }
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// The keys that were ready (the notifier's excluded).
    pub(crate) fn keys(&self) -> impl Iterator<Item = usize> + '_ {
        self.buf[..self.len]
            .iter()
            .map(EpollEvent::data)
            .filter(|&k| k != NOTIFY_KEY)
            .map(|k| k as usize)
    }
}

/// An epoll instance plus an eventfd other threads wake it with.
#[derive(Debug)]
pub(crate) struct Poller {
    epoll: Epoll,
    notifier: EventFd,
    /// A wake-up is written and not yet consumed: later `notify` calls skip the write.
    notified: AtomicBool,
}

fn io_err(e: Errno) -> io::Error {
    io::Error::from_raw_os_error(e as i32)
}

impl Poller {
    pub(crate) fn new() -> io::Result<Poller> {
        let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).map_err(io_err)?;
        let notifier =
            EventFd::from_flags(EfdFlags::EFD_CLOEXEC | EfdFlags::EFD_NONBLOCK).map_err(io_err)?;
        epoll
            .add(&notifier, EpollEvent::new(EpollFlags::EPOLLIN, NOTIFY_KEY))
            .map_err(io_err)?;
        Ok(Poller {
            epoll,
            notifier,
            notified: AtomicBool::new(false),
        })
    }

    /// Start watching `fd`. An interest of `none` registers nothing (see the module
    /// docs); [`Poller::modify`] adds it later.
    pub(crate) fn add(&self, fd: impl AsFd, interest: Event) -> io::Result<()> {
        if interest.is_none() {
            return Ok(());
        }
        self.epoll.add(fd, interest.epoll()).map_err(io_err)
    }

    /// Change what `fd` is watched for. `none` takes it out of the kernel's set; a
    /// descriptor not in the set is added.
    pub(crate) fn modify(&self, fd: impl AsFd, interest: Event) -> io::Result<()> {
        if interest.is_none() {
            return self.delete(fd);
        }
        match self.epoll.modify(fd.as_fd(), &mut interest.epoll()) {
            Err(Errno::ENOENT) => self.epoll.add(fd, interest.epoll()).map_err(io_err),
            r => r.map_err(io_err),
        }
    }

    /// Stop watching `fd` (not watched: fine).
    pub(crate) fn delete(&self, fd: impl AsFd) -> io::Result<()> {
        match self.epoll.delete(fd) {
            Ok(()) | Err(Errno::ENOENT) => Ok(()),
            Err(e) => Err(io_err(e)),
        }
    }

    /// Wait for ready descriptors or a `notify`, at most `timeout` (rounded up to
    /// whole milliseconds; `None` = no limit). EINTR is returned as `Interrupted`.
    pub(crate) fn wait(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        let timeout = match timeout {
            None => EpollTimeout::NONE,
            Some(d) => {
                let ms = d.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128);
                EpollTimeout::try_from(ms as i32).unwrap_or(EpollTimeout::MAX)
            }
        };
        events.len = 0;
        let n = self.epoll.wait(&mut events.buf, timeout).map_err(io_err)?;
        events.len = n;
        if events.buf[..n].iter().any(|e| e.data() == NOTIFY_KEY) {
            // Cleared before the eventfd is read: a notify racing with this read
            // writes again, so no wake-up is lost (the loop drains its commands after
            // every wait).
            self.notified.store(false, Ordering::SeqCst);
            let _ = self.notifier.read();
        }
        Ok(())
    }

    /// Wake a `wait` (from any thread).
    pub(crate) fn notify(&self) -> io::Result<()> {
        if !self.notified.swap(true, Ordering::SeqCst) {
            self.notifier.write(1).map_err(io_err)?;
        }
        Ok(())
    }
}

/// An owned descriptor watched under `key`; its interest is remembered so that asking
/// again for what is already asked costs no system call.
#[derive(Debug)]
pub(crate) struct Watched {
    fd: OwnedFd,
    poller: Arc<Poller>,
    key: usize,
    interest: Cell<Event>,
}

impl Watched {
    /// Take ownership of `fd` and watch it for reading.
    pub(crate) fn new(fd: OwnedFd, poller: &Arc<Poller>, key: usize) -> io::Result<Watched> {
        Self::with_interest(fd, poller, Event::readable(key))
    }

    /// Take ownership of `fd`, silent until [`Watched::want_write`].
    pub(crate) fn idle(fd: OwnedFd, poller: &Arc<Poller>, key: usize) -> io::Result<Watched> {
        Self::with_interest(fd, poller, Event::none(key))
    }

    fn with_interest(fd: OwnedFd, poller: &Arc<Poller>, interest: Event) -> io::Result<Watched> {
        poller.add(fd.as_fd(), interest)?;
        Ok(Watched {
            fd,
            poller: Arc::clone(poller),
            key: interest.key,
            interest: Cell::new(interest),
        })
    }

    fn set(&self, interest: Event) -> io::Result<()> {
        if self.interest.get() == interest {
            return Ok(());
        }
        self.poller.modify(&self.fd, interest)?;
        self.interest.set(interest);
        Ok(())
    }

    /// Be told when it is readable.
    pub(crate) fn rearm(&self) -> io::Result<()> {
        self.set(Event::readable(self.key))
    }

    /// Be told when it is writable.
    pub(crate) fn want_write(&self) -> io::Result<()> {
        self.set(Event::writable(self.key))
    }

    /// Stop delivering events without closing (back-pressure on a child whose log
    /// cannot take more bytes; a stdin with nothing left to write).
    pub(crate) fn disarm(&self) -> io::Result<()> {
        self.set(Event::none(self.key))
    }
}

impl AsFd for Watched {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        // Before `fd` closes (it drops right after this body): a descriptor shared
        // with a forked child that has not exec'd yet would otherwise stay in the set.
        if !self.interest.get().is_none() {
            let _ = self.poller.delete(&self.fd);
        }
    }
}
