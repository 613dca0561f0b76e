//! Send a signal to a child or to its process group.
//!
//! supervisord calls `os.kill(pid, sig)` (or `-pid` with `stopasgroup`/`killasgroup`),
//! ignores ESRCH (the exit will be reaped normally) and turns any other error into the
//! UNKNOWN state. ESRCH is therefore a distinct variant so the core can ignore it.

use crate::errno::render_errno;
use crate::sys;

/// Who receives the signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillTarget {
    /// One process: `kill(pid, sig)`.
    Process(i32),
    /// A whole process group: `kill(-pgid, sig)`. Every spawned child leads its own
    /// group, so its pid is the group id.
    Group(i32),
}

/// Why a signal was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KillError {
    /// ESRCH: no such process (or group) — usually it already exited and is awaiting
    /// (or got) its reap. supervisord ignores this.
    #[error("no such process")]
    NoSuchProcess,
    /// A pid ≤ 0 was passed: `kill(0)` / `kill(-1)` would signal the daemon's own group
    /// or every process it may signal. Refused without a system call; a core bug.
    #[error("refusing to signal pid {pid}")]
    InvalidPid {
        /// The pid given.
        pid: i32,
    },
    /// Any other errno (EPERM for a child that changed uid to someone else's, EINVAL
    /// for a bad signal number).
    #[error("{}", render_errno(*.errno))]
    Os {
        /// The raw errno.
        errno: i32,
    },
}

/// Send signal number `signal` (0 only checks existence) to `target`.
pub fn kill(target: KillTarget, signal: i32) -> Result<(), KillError> {
    let raw = match target {
        KillTarget::Process(pid) if pid > 0 => pid,
        KillTarget::Group(pgid) if pgid > 0 => -pgid,
        KillTarget::Process(pid) | KillTarget::Group(pid) => {
            return Err(KillError::InvalidPid { pid });
        }
    };
    sys::kill(raw, signal).map_err(|errno| match errno {
        nix::errno::Errno::ESRCH => KillError::NoSuchProcess,
        other => KillError::Os {
            errno: other as i32,
        },
    })
}
