//! Collect exited children: `waitpid(..., WNOHANG)` until nothing is left to collect.
//!
//! supervisord polls `waitpid(-1, WNOHANG)` once per loop iteration (SIGCHLD only wakes
//! the loop) and handles one child per call; draining them all at once loses nothing
//! and lets the loop feed every exit to the core in one step. Never blocks.

use nix::errno::Errno;
use nix::libc;

use crate::errno::render_errno;
use crate::sys;

/// How a child ended, decoded from the raw wait status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExitStatus {
    /// `exit(code)` / `_exit(code)`; 127 is also a failed spawn (see `spawn`).
    Code(i32),
    /// Killed by `signal`; `core_dumped` when the kernel wrote a core file.
    Signaled {
        /// The signal number.
        signal: i32,
        /// WCOREDUMP.
        core_dumped: bool,
    },
}

impl ExitStatus {
    /// Decode the `waitpid` status word of a terminated child: an exit, else a signal
    /// death ([`reap`] never passes stop/continue statuses here).
    pub fn from_raw(status: i32) -> ExitStatus {
        if libc::WIFEXITED(status) {
            ExitStatus::Code(libc::WEXITSTATUS(status))
        } else {
            ExitStatus::Signaled {
                signal: libc::WTERMSIG(status),
                core_dumped: libc::WCOREDUMP(status),
            }
        }
    }
}

/// One collected child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reaped {
    /// Its pid, now free for reuse by the kernel.
    pub pid: i32,
    /// How it ended.
    pub status: ExitStatus,
}

/// Which children to collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reap {
    /// Every child of the process (`waitpid(-1)`): what the daemon's loop uses.
    Any,
    /// Only this pid: for embedders (and tests) that share the process with other
    /// code owning children, which `waitpid(-1)` would steal.
    Pid(i32),
}

/// A `waitpid` failure other than "no children" (ECHILD) or EINTR; supervisord logs
/// it as CRIT `waitpid error <errno>; a process may not be cleaned up properly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("waitpid error {}", render_errno(*.errno))]
pub struct ReapError {
    /// The raw errno.
    pub errno: i32,
}

/// Collect every child that has exited, in the order the kernel reports them.
///
/// ECHILD (no children at all) ends the drain normally. An unexpected error after
/// some children were collected returns those children; the error recurs on the next
/// call, so it is not lost.
pub fn reap(which: Reap) -> Result<Vec<Reaped>, ReapError> {
    reap_at_most(which, usize::MAX)
}

/// [`reap`], stopping after `limit` children: the daemon's loop collects a batch per
/// iteration, so that a thousand children exiting at once do not hold up the HTTP
/// clients while a thousand respawns run (the rest stay zombies, still RUNNING for
/// the core, until the next iteration collects them).
pub fn reap_at_most(which: Reap, limit: usize) -> Result<Vec<Reaped>, ReapError> {
    let pid = match which {
        Reap::Any => -1,
        Reap::Pid(pid) => pid,
    };
    let mut reaped = Vec::new();
    while reaped.len() < limit {
        match sys::waitpid_nohang(pid) {
            // Stops and continues are only reported to a tracer (no WUNTRACED here);
            // they are not exits.
            Ok(Some((_, raw))) if libc::WIFSTOPPED(raw) || libc::WIFCONTINUED(raw) => {}
            Ok(Some((pid, raw))) => reaped.push(Reaped {
                pid,
                status: ExitStatus::from_raw(raw),
            }),
            Ok(None) | Err(Errno::ECHILD) => return Ok(reaped),
            Err(Errno::EINTR) => continue,
            Err(errno) if reaped.is_empty() => {
                return Err(ReapError {
                    errno: errno as i32,
                });
            }
            Err(_) => return Ok(reaped),
        }
        if matches!(which, Reap::Pid(_)) {
            return Ok(reaped);
        }
    }
    Ok(reaped)
}
