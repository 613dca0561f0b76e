//! One client connection: a non-blocking stream, the request parser, the bytes
//! waiting to be written, and what the connection is busy with. Nothing here blocks:
//! reads and writes stop at `WouldBlock` and the loop comes back on the next event.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;

use crate::poll::{Event, Poller};
use crossbeam_channel::Receiver;
use rpc::{RequestParser, Value, Version};
use supervisor_core::{Fault, Reply};

use super::tail::Tail;

/// How many bytes one wakeup reads at most (fairness between clients).
const READ_BUDGET: usize = 256 * 1024;
/// Stop reading while this much output is unsent (a client that does not read).
const OUT_HIGH_WATER: usize = 1024 * 1024;
/// Stop reading while this much input waits behind a busy request (a deferred answer
/// or a log stream): one full request's worth.
const IN_HIGH_WATER: usize = 64 * 1024 + 4 * 1024 * 1024;

/// An accepted stream.
#[derive(Debug)]
pub(super) enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.write(buf),
            Stream::Tcp(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AsFd for Stream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Stream::Unix(s) => s.as_fd(),
            Stream::Tcp(s) => s.as_fd(),
        }
    }
}

/// A deferred XML-RPC answer being waited for.
#[derive(Debug)]
pub(super) enum Waiting {
    /// One core request (or `addProcessGroup`).
    Single(Receiver<Result<Reply, Fault>>),
    /// `system.multicall`: calls not yet run, results so far, the call in flight.
    Multi {
        remaining: std::collections::VecDeque<Value>,
        results: Vec<Value>,
        current: Option<Receiver<Result<Reply, Fault>>>,
    },
}

/// What the connection is doing besides reading requests.
#[derive(Debug)]
pub(super) enum Busy {
    /// Ready for the next request.
    Idle,
    /// An XML-RPC answer is deferred; later requests wait in the parser (in order).
    Rpc {
        waiting: Waiting,
        version: Version,
        keep_alive: bool,
    },
    /// Streaming a log until the client goes away.
    Tail(Box<Tail>),
    /// A web UI action is running; the redirect comes when its last step is done.
    Ui(Box<super::ui_job::UiJob>),
}

/// One client.
#[derive(Debug)]
pub(super) struct Conn {
    pub stream: Stream,
    /// Index of the server (for its credentials).
    pub server: usize,
    /// Who the client is, for log lines.
    pub peer: String,
    pub parser: RequestParser,
    pub out: Vec<u8>,
    pub busy: Busy,
    /// Close once `out` is written (error, `Connection: close`, HTTP/1.0).
    pub closing: bool,
    /// The client closed its side or the stream failed.
    pub eof: bool,
    pub dead: bool,
    pub key: usize,
    /// What the poller was last asked to report for it.
    pub interest: Event,
}

impl Conn {
    /// Read what is available (up to the budget) into the parser.
    pub fn read_some(&mut self) {
        if self.dead || self.eof || !self.wants_input() {
            return;
        }
        let mut buf = [0u8; 16 * 1024];
        let mut total = 0;
        while total < READ_BUDGET {
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    self.eof = true;
                    return;
                }
                Ok(n) => {
                    self.parser.feed(&buf[..n]);
                    total += n;
                    if n < buf.len() {
                        // Less than asked: the socket is empty for now. No read to
                        // learn EAGAIN (one syscall in four per small request): the
                        // level-triggered poller reports whatever comes next, EOF too.
                        return;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => {
                    self.dead = true;
                    return;
                }
            }
        }
    }

    /// Write what the socket takes.
    pub fn flush(&mut self) {
        let mut written = 0;
        while written < self.out.len() && !self.dead {
            match self.stream.write(&self.out[written..]) {
                Ok(0) => self.dead = true,
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => self.dead = true,
            }
        }
        self.out.drain(..written);
    }

    /// Whether the connection is over and can be dropped.
    pub fn finished(&self) -> bool {
        if self.dead {
            return true;
        }
        let idle = matches!(self.busy, Busy::Idle);
        (self.closing && self.out.is_empty() && idle)
            // No more bytes will come: complete requests were served already, a
            // partial one never will be.
            || (self.eof && self.out.is_empty() && idle)
            // A tail whose client went away.
            || (self.eof && matches!(self.busy, Busy::Tail(_)))
    }

    /// Whether reading more is allowed (neither output nor input piled up).
    fn wants_input(&self) -> bool {
        self.out.len() <= OUT_HIGH_WATER && self.parser.buffered() <= IN_HIGH_WATER
    }

    /// Ask for the next event: readable unless closing or flooded, writable while
    /// output waits.
    pub fn rearm(&mut self, poller: &Arc<Poller>) {
        let mut event = Event::none(self.key);
        event.readable = !self.eof && !self.closing && self.wants_input();
        event.writable = !self.out.is_empty();
        if event == self.interest {
            return; // level-triggered: nothing to change, no system call
        }
        // A failed modify leaves the connection silent; it is dropped at exit.
        if poller.modify(self.stream.as_fd(), event).is_ok() {
            self.interest = event;
        }
    }
}
