//! Non-blocking reads from a child's stdout/stderr and writes to its stdin.

use std::io;
use std::os::fd::AsFd;

use nix::errno::Errno;

/// supervisord reads at most `2 << 16` bytes per readable event (`options.readfd`).
pub const READ_CHUNK: usize = 2 << 16;

/// What one read from a child's pipe gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOutcome {
    /// Between 1 and [`READ_CHUNK`] bytes.
    Data(Vec<u8>),
    /// Nothing to read right now (the poller's readiness was spurious or stale).
    /// supervisord reads this as EOF and closes the dispatcher; we keep it distinct.
    WouldBlock,
    /// The child (and every process sharing the pipe) closed its end.
    Eof,
}

/// One non-blocking `read` of up to [`READ_CHUNK`] bytes; EINTR is retried.
pub fn read_chunk(fd: impl AsFd) -> io::Result<ReadOutcome> {
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        match nix::unistd::read(fd.as_fd(), &mut buf) {
            Ok(0) => return Ok(ReadOutcome::Eof),
            Ok(n) => {
                buf.truncate(n);
                return Ok(ReadOutcome::Data(buf));
            }
            Err(Errno::EAGAIN) => return Ok(ReadOutcome::WouldBlock),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// What one write to a child's stdin did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// This many bytes went into the pipe: possibly fewer than offered, and 0 only
    /// when `data` was empty.
    Written(usize),
    /// The pipe is full; wait for writability.
    WouldBlock,
    /// EPIPE: the child closed its stdin (or died). supervisord then drops the
    /// buffered input and closes the dispatcher. Needs SIGPIPE ignored, as the daemon
    /// does (see `signals`).
    Closed,
}

/// One non-blocking `write` of a prefix of `data`; EINTR is retried.
pub fn write_some(fd: impl AsFd, data: &[u8]) -> io::Result<WriteOutcome> {
    loop {
        match nix::unistd::write(fd.as_fd(), data) {
            Ok(n) => return Ok(WriteOutcome::Written(n)),
            Err(Errno::EAGAIN) => return Ok(WriteOutcome::WouldBlock),
            Err(Errno::EPIPE) => return Ok(WriteOutcome::Closed),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}
