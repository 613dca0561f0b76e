//! The driver's per-process table: what the core does not know (command, logs,
//! pipes, pid), indexed by the core's `ProcessId`; and the typed poller keys.

use std::path::PathBuf;

use supervisor_core::ProcessId;

use super::childlog::{Channel, ChildLog};
use crate::poll::Watched;

/// What woke the loop, decoded from a poller key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The signal self-pipe.
    Signals,
    /// A child's stdout or stderr pipe.
    Output(ProcessId, Channel),
    /// A child's pidfd: it exited.
    Exit(ProcessId),
    /// A child's stdin pipe is writable (`sendProcessStdin` data waits).
    Stdin(ProcessId),
    /// An HTTP server's listening socket (index in the config's server list).
    Listener(usize),
    /// An HTTP client connection.
    Conn(u64),
}

/// Poller keys at and above this are HTTP sources (process keys stay below 2^35).
const HTTP_KEYS: usize = 1 << 40;
/// Connection keys start here; listener keys lie between the two.
const CONN_KEYS: usize = 1 << 41;

impl Source {
    pub(crate) fn key(self) -> usize {
        match self {
            Source::Signals => 0,
            Source::Output(id, Channel::Stdout) => 1 + id.0 as usize * 4,
            Source::Output(id, Channel::Stderr) => 2 + id.0 as usize * 4,
            Source::Exit(id) => 3 + id.0 as usize * 4,
            Source::Stdin(id) => 4 + id.0 as usize * 4,
            Source::Listener(i) => HTTP_KEYS + i,
            Source::Conn(c) => CONN_KEYS + c as usize,
        }
    }

    pub(crate) fn from_key(key: usize) -> Option<Source> {
        if key == 0 {
            return Some(Source::Signals);
        }
        if key >= CONN_KEYS {
            return Some(Source::Conn((key - CONN_KEYS) as u64));
        }
        if key >= HTTP_KEYS {
            return Some(Source::Listener(key - HTTP_KEYS));
        }
        let id = ProcessId(u32::try_from((key - 1) / 4).ok()?);
        Some(match (key - 1) % 4 {
            0 => Source::Output(id, Channel::Stdout),
            1 => Source::Output(id, Channel::Stderr),
            2 => Source::Exit(id),
            _ => Source::Stdin(id),
        })
    }
}

/// The log files of one process, AUTO names resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LogFiles {
    pub stdout: Option<PathBuf>,
    pub stderr: Option<PathBuf>,
}

impl LogFiles {
    pub(crate) fn get(&self, channel: Channel) -> Option<&PathBuf> {
        match channel {
            Channel::Stdout => self.stdout.as_ref(),
            Channel::Stderr => self.stderr.as_ref(),
        }
    }
}

/// One output pipe of a live child and where its bytes go.
#[derive(Debug)]
pub(crate) struct Pipe {
    pub watched: Watched,
    /// Taken out of the poller for a moment so that a streaming child's output is
    /// moved in larger pieces (see `pipes::COALESCE`); the loop's timer reads it.
    pub deferred: bool,
    /// When it was last read (splice mode only).
    pub last_read: Option<std::time::Instant>,
    /// Its capacity was raised (`F_SETPIPE_SZ`), once per pipe.
    pub grown: bool,
}

/// A spawned child, until it is reaped.
#[derive(Debug)]
pub(crate) struct Live {
    pub pid: i32,
    /// The pidfd, polled for the exit; `None` if the kernel has no pidfds (the
    /// SIGCHLD drain then reaps it).
    pub exit: Option<Watched>,
    pub stdout: Option<Pipe>,
    pub stderr: Option<Pipe>,
    /// The write end of the child's stdin, kept open like supervisord's (a child
    /// reading stdin blocks rather than sees EOF); `None` for fcgi children and once
    /// the child closed it.
    pub stdin: Option<StdinPipe>,
    pub holds_socket: bool,
    /// Capture mode's log side, per spawn.
    pub captures: super::events::Captures,
    /// A member of an event listener pool: its stdout is the protocol.
    pub listener: bool,
}

/// A child's stdin and what `sendProcessStdin` queued for it (`PInputDispatcher`).
#[derive(Debug)]
pub(crate) struct StdinPipe {
    pub watched: Watched,
    pub buffer: Vec<u8>,
}

impl Live {
    pub(crate) fn pipe_mut(&mut self, channel: Channel) -> &mut Option<Pipe> {
        match channel {
            Channel::Stdout => &mut self.stdout,
            Channel::Stderr => &mut self.stderr,
        }
    }
}

/// One process as the driver sees it.
#[derive(Debug)]
pub(crate) struct Proc {
    pub config: config::ProcessConfig,
    pub group: String,
    pub logfiles: LogFiles,
    /// The open logs of the current (or last) spawn.
    pub stdout_log: Option<ChildLog>,
    pub stderr_log: Option<ChildLog>,
    pub live: Option<Live>,
}

impl Proc {
    pub(crate) fn log_mut(&mut self, channel: Channel) -> &mut Option<ChildLog> {
        match channel {
            Channel::Stdout => &mut self.stdout_log,
            Channel::Stderr => &mut self.stderr_log,
        }
    }
}

/// Every process, at the index of its `ProcessId`.
#[derive(Debug, Default)]
pub(crate) struct Table {
    pub procs: Vec<Option<Proc>>,
}

impl Table {
    pub(crate) fn get(&self, id: ProcessId) -> Option<&Proc> {
        self.procs.get(id.0 as usize).and_then(Option::as_ref)
    }

    pub(crate) fn get_mut(&mut self, id: ProcessId) -> Option<&mut Proc> {
        self.procs.get_mut(id.0 as usize).and_then(Option::as_mut)
    }

    /// The open pipe of `channel` of `id`'s running child, if any.
    pub(crate) fn pipe_mut(&mut self, id: ProcessId, channel: Channel) -> Option<&mut Pipe> {
        self.get_mut(id)
            .and_then(|p| p.live.as_mut())
            .and_then(|l| l.pipe_mut(channel).as_mut())
    }

    pub(crate) fn insert(&mut self, id: ProcessId, proc: Proc) {
        let i = id.0 as usize;
        if self.procs.len() <= i {
            self.procs.resize_with(i + 1, || None);
        }
        self.procs[i] = Some(proc);
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (ProcessId, &Proc)> {
        self.procs
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((ProcessId(u32::try_from(i).ok()?), p.as_ref()?)))
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (ProcessId, &mut Proc)> {
        self.procs
            .iter_mut()
            .enumerate()
            .filter_map(|(i, p)| Some((ProcessId(u32::try_from(i).ok()?), p.as_mut()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for s in [
            Source::Signals,
            Source::Output(ProcessId(0), Channel::Stdout),
            Source::Output(ProcessId(7), Channel::Stderr),
            Source::Exit(ProcessId(0)),
            Source::Exit(ProcessId(12345)),
            Source::Stdin(ProcessId(0)),
            Source::Stdin(ProcessId(9)),
        ] {
            assert_eq!(Source::from_key(s.key()), Some(s));
        }
    }
}
