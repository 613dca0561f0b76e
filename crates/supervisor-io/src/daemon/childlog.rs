//! One output channel (stdout or stderr) of one spawned child, as supervisord's
//! `POutputDispatcher` logs it: raw bytes into a rotating file, lines to syslog, and
//! (at `loglevel=debug`) a copy in the main log.
//!
//! A failing disk (ENOSPC, EIO, a log on `/dev/full`) never blocks the child: what a
//! write could not store stays in `pending` (up to [`MAX_PENDING`] bytes) and is retried
//! on the next output or the loop's retry timer; output arriving while that much is
//! already pending is dropped and counted. The pipe keeps being drained either way: a
//! child blocked in `write` on a disk that may never recover would stop doing its job,
//! which is worse than a gap in its log (4.3 drops every chunk whose write fails).
//! Failures are reported in the main log once per episode (the first failure, the first
//! drop, and a summary when the log is writable again), never once per write.

use std::path::Path;

use std::os::fd::BorrowedFd;

use logrotate::{Action, CreateMode, Policy, Written};

use super::logfile::{LogFile, Spliced};
use supervisor_core::LogLevel;

use crate::mainlog::MainLog;
use crate::pyrepr::{repr_bytes_literal, repr_str};
use crate::sys;

/// At most this many bytes wait for a failing disk; more output is dropped.
pub(crate) const MAX_PENDING: usize = 1 << 20;

/// Which stream of the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    Stdout,
    Stderr,
}

impl Channel {
    /// `stdout` / `stderr`, as in file names and log texts.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Channel::Stdout => "stdout",
            Channel::Stderr => "stderr",
        }
    }
}

/// Where one channel's output goes.
#[derive(Debug)]
pub(crate) struct ChildLog {
    process: String,
    channel: Channel,
    file: Option<LogFile>,
    syslog: bool,
    pending: Vec<u8>,
    failing: bool,
    /// Bytes dropped in the current failure episode (pending was full).
    dropped: u64,
    /// A due rotation failed (the output goes on into the current file); reported once
    /// until a rotation succeeds or the file is reopened.
    rotation_failing: bool,
}

impl ChildLog {
    /// Open the channel's log: `path` (None = no file) with rotation `policy`, created
    /// with `mode`, and/or syslog. `Ok(None)` when the output is discarded.
    pub(crate) fn open(
        process: &str,
        channel: Channel,
        path: Option<&Path>,
        policy: Policy,
        mode: CreateMode,
        syslog: bool,
    ) -> Result<Option<ChildLog>, logrotate::Error> {
        let file = match path {
            Some(p) => Some(LogFile::open(p.to_path_buf(), policy, mode)?),
            None => None,
        };
        if file.is_none() && !syslog {
            return Ok(None);
        }
        Ok(Some(ChildLog {
            process: process.to_owned(),
            channel,
            file,
            syslog,
            pending: Vec::new(),
            failing: false,
            dropped: 0,
            rotation_failing: false,
        }))
    }

    /// Log one chunk of output (already ANSI-stripped if configured).
    pub(crate) fn append(&mut self, data: &[u8], main: &mut MainLog) {
        if data.is_empty() {
            return;
        }
        if self.syslog {
            // 4.3's SyslogHandler: `<name> <line>` per line of the chunk.
            let text = String::from_utf8_lossy(data);
            for line in text.trim_end_matches('\n').split('\n') {
                sys::syslog_info(format!("{} {line}", self.process).as_bytes());
            }
        }
        if self.file.is_some() {
            let room = MAX_PENDING.saturating_sub(self.pending.len());
            let (kept, dropped) = data.split_at(data.len().min(room));
            self.pending.extend_from_slice(kept);
            self.flush(main);
            if !dropped.is_empty() {
                self.drop_output(dropped.len(), main);
            }
        }
    }

    /// Output that found `MAX_PENDING` bytes already waiting for a failing disk: counted,
    /// reported at the first drop of the episode.
    fn drop_output(&mut self, n: usize, main: &mut MainLog) {
        if self.dropped == 0 {
            main.log(
                LogLevel::Error,
                &format!(
                    "{} log of {} still failing with {} bytes kept for a retry: \
                     dropping further output until it is writable again",
                    self.channel.name(),
                    self.process,
                    self.pending.len()
                ),
            );
        }
        self.dropped = self.dropped.saturating_add(n as u64);
    }

    /// Try to store what is pending. True when nothing is left.
    pub(crate) fn flush(&mut self, main: &mut MainLog) -> bool {
        let Some(file) = &mut self.file else {
            self.pending.clear();
            return true;
        };
        if self.pending.is_empty() {
            return true;
        }
        let before = file.size();
        match file.write(&self.pending) {
            Ok(written) => {
                self.pending.clear();
                self.writable_again(main);
                self.after_rotation(Ok(written), main);
            }
            Err(e) if !matches!(e.action(), Action::Write(_)) => {
                // The whole chunk was written; the rotation due after it failed.
                self.pending.clear();
                self.writable_again(main);
                self.after_rotation(Err(&e), main);
            }
            Err(e) => {
                // Keep exactly the bytes that did not reach the file.
                let stored = usize::try_from(file.size().saturating_sub(before))
                    .unwrap_or(usize::MAX)
                    .min(self.pending.len());
                self.pending.drain(..stored);
                if !self.failing {
                    self.failing = true;
                    main.log(
                        LogLevel::Error,
                        &format!(
                            "cannot write {} log of {}: {e} ({} bytes kept for a retry)",
                            self.channel.name(),
                            self.process,
                            self.pending.len()
                        ),
                    );
                }
            }
        }
        self.pending.is_empty()
    }

    /// A write went through: the end of a write-failure episode, if one was going on.
    fn writable_again(&mut self, main: &mut MainLog) {
        if !self.failing {
            return;
        }
        self.failing = false;
        let (level, lost) = match std::mem::take(&mut self.dropped) {
            0 => (LogLevel::Info, String::new()),
            n => (
                LogLevel::Warn,
                format!(" ({n} bytes of output were dropped)"),
            ),
        };
        main.log(
            level,
            &format!(
                "{} log of {} writable again{lost}",
                self.channel.name(),
                self.process
            ),
        );
    }

    /// What the rotation check after stored bytes did. A failed rotation (its directory
    /// removed, a permission changed) is reported once, not at each later attempt (one
    /// per `maxbytes` of output), until a rotation succeeds.
    fn after_rotation(&mut self, outcome: Result<Written, &logrotate::Error>, main: &mut MainLog) {
        match outcome {
            Ok(Written::Kept) => {}
            Ok(Written::Rotated) => {
                if std::mem::take(&mut self.rotation_failing) {
                    main.log(
                        LogLevel::Info,
                        &format!(
                            "{} log of {} rotated again",
                            self.channel.name(),
                            self.process
                        ),
                    );
                }
            }
            Err(e) => {
                if !self.rotation_failing {
                    self.rotation_failing = true;
                    main.log(
                        LogLevel::Error,
                        &format!(
                            "cannot rotate {} log of {}: {e} (the output goes on into the \
                             current file; retried after another maxbytes of output)",
                            self.channel.name(),
                            self.process
                        ),
                    );
                }
            }
        }
    }

    /// Whether output can go from the pipe straight to the file: a regular file, no
    /// syslog copy, nothing pending or failing.
    pub(crate) fn can_splice(&self) -> bool {
        !self.syslog
            && !self.failing
            && self.pending.is_empty()
            && self.file.as_ref().is_some_and(LogFile::can_splice)
    }

    /// Whether the next splice opens a descriptor (see [`LogFile::splice_needs_descriptor`]).
    pub(crate) fn splice_needs_descriptor(&self) -> bool {
        self.file
            .as_ref()
            .is_some_and(LogFile::splice_needs_descriptor)
    }

    /// Give splicing up for this file (see [`LogFile::forgo_splice`]).
    pub(crate) fn forgo_splice(&mut self) {
        if let Some(file) = &mut self.file {
            file.forgo_splice();
        }
    }

    /// Move up to `max` bytes from `pipe` into the file (see [`LogFile::splice_from`]).
    /// `Err`: nothing moved, read the pipe the ordinary way.
    pub(crate) fn splice_from(
        &mut self,
        pipe: BorrowedFd<'_>,
        max: usize,
        main: &mut MainLog,
    ) -> std::io::Result<Spliced> {
        let Some(file) = &mut self.file else {
            return Err(std::io::ErrorKind::Unsupported.into());
        };
        let spliced = file.splice_from(pipe, max)?;
        if let Spliced::Moved(_, rotation) = &spliced {
            // The bytes are in the file: only the rotation after them may have failed.
            self.after_rotation(rotation.as_ref().copied(), main);
        }
        Ok(spliced)
    }

    /// Bytes waiting for the disk.
    pub(crate) fn pending(&self) -> usize {
        self.pending.len()
    }

    /// SIGUSR2: reopen the file (after an external rotation moved it).
    pub(crate) fn reopen(&mut self) -> Result<(), logrotate::Error> {
        match &mut self.file {
            Some(f) => f.reopen().inspect(|()| self.rotation_failing = false),
            None => Ok(()),
        }
    }

    /// `clearProcessLogs`: delete the live file and reopen it empty.
    pub(crate) fn clear(&mut self) -> Result<(), logrotate::Error> {
        self.pending.clear();
        match &mut self.file {
            Some(f) => f.remove_and_reopen(),
            None => Ok(()),
        }
    }

    /// Last chance before the log is dropped: report bytes that can never be stored.
    pub(crate) fn close(mut self, main: &mut MainLog) {
        if !self.flush(main) {
            main.log(
                LogLevel::Critical,
                &format!(
                    "lost {} bytes of {} output of {}: the log could not be written",
                    (self.pending.len() as u64).saturating_add(self.dropped),
                    self.channel.name(),
                    self.process
                ),
            );
        }
    }
}

/// The main-log copy of a chunk at debug level: `'<name>' stdout output:\n<text>`, or
/// `Undecodable: b'...'` for output that is not UTF-8 (supervisord's `_log`).
pub(crate) fn debug_text(process: &str, channel: Channel, data: &[u8]) -> String {
    let text = match std::str::from_utf8(data) {
        Ok(t) => t.to_owned(),
        Err(_) => format!("Undecodable: {}", repr_bytes_literal(data)),
    };
    format!("{} {} output:\n{text}", repr_str(process), channel.name())
}

/// supervisord's `stripEscapes`: drop every `ESC[` … sequence up to and including a
/// terminator (`HfABCDRsuJKhlpm`). Stateless per chunk, like the original.
pub(crate) fn strip_ansi(s: &[u8]) -> Vec<u8> {
    const TERMINATORS: &[u8] = b"HfABCDRsuJKhlpm";
    let mut result = Vec::with_capacity(s.len());
    let mut show = true;
    let mut i = 0;
    while i < s.len() {
        if !show && TERMINATORS.contains(&s[i]) {
            show = true;
        } else if show {
            match s[i..].windows(2).position(|w| w == b"\x1b[") {
                None => {
                    result.extend_from_slice(&s[i..]);
                    return result;
                }
                Some(offset) => {
                    result.extend_from_slice(&s[i..i + offset]);
                    i += offset;
                    show = false;
                }
            }
        }
        i += 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_ansi_like_supervisord() {
        assert_eq!(strip_ansi(b"plain"), b"plain");
        assert_eq!(strip_ansi(b"\x1b[1;31mred\x1b[0m!"), b"red!");
        assert_eq!(strip_ansi(b"a\x1b[2Jb\x1b[Hc"), b"abc");
        // No terminator: everything after ESC[ is dropped (per chunk).
        assert_eq!(strip_ansi(b"x\x1b[12"), b"x");
        // A lone ESC is kept.
        assert_eq!(strip_ansi(b"\x1bz"), b"\x1bz");
    }

    #[test]
    fn debug_text_like_supervisord() {
        assert_eq!(
            debug_text("cat", Channel::Stdout, b"hi\n"),
            "'cat' stdout output:\nhi\n"
        );
        assert_eq!(
            debug_text("cat", Channel::Stderr, b"\xff'"),
            "'cat' stderr output:\nUndecodable: b\"\\xff'\""
        );
    }

    #[test]
    fn a_full_disk_keeps_the_bytes() {
        let mut main = MainLog::stdout_only(LogLevel::Info, false);
        let policy = Policy {
            max_bytes: 0,
            backups: 0,
        };
        let full = Path::new("/dev/full");
        let log = ChildLog::open(
            "p",
            Channel::Stdout,
            Some(full),
            policy,
            CreateMode::DEFAULT,
            false,
        );
        let Ok(Some(mut log)) = log else {
            return; // no /dev/full here
        };
        log.append(b"hello ", &mut main);
        log.append(b"world", &mut main);
        assert_eq!(log.pending(), 11);
        assert!(!log.flush(&mut main));
        assert_eq!(log.pending, b"hello world");
    }

    #[test]
    fn a_dead_disk_keeps_at_most_max_pending_and_counts_the_rest() {
        let mut main = MainLog::stdout_only(LogLevel::Info, false);
        let policy = Policy {
            max_bytes: 0,
            backups: 0,
        };
        let log = ChildLog::open(
            "p",
            Channel::Stdout,
            Some(Path::new("/dev/full")),
            policy,
            CreateMode::DEFAULT,
            false,
        );
        let Ok(Some(mut log)) = log else {
            return; // no /dev/full here
        };
        let chunk = vec![b'x'; 300 << 10];
        for _ in 0..10 {
            log.append(&chunk, &mut main);
        }
        assert_eq!(log.pending(), MAX_PENDING);
        assert_eq!(log.dropped, 10 * (300 << 10) - MAX_PENDING as u64);
    }

    #[test]
    fn no_file_and_no_syslog_discards() {
        let policy = Policy {
            max_bytes: 0,
            backups: 0,
        };
        let log = ChildLog::open("p", Channel::Stderr, None, policy, CreateMode::AUTO, false);
        assert!(matches!(log, Ok(None)));
    }
}
