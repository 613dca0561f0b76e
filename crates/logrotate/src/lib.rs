//! Size-based log rotation with numbered backups, exactly as supervisord 4.3 does it.
//!
//! # What this crate owns
//!
//! One log *target*: a path, the open file behind it, and the rotation rule of
//! supervisord's `RotatingFileHandler` (`supervisor/loggers.py`). It is used for the
//! main log (`logfile`, `logfile_maxbytes`, `logfile_backups`) and for every child
//! log (`stdout_logfile`, `stdout_logfile_maxbytes`, `stdout_logfile_backups`, and
//! the `stderr_*` twins).
//!
//! - **After every write**, if the file size is `>= max_bytes`, rotate: rename
//!   `<f>.(N-1)` → `<f>.N`, …, `<f>.1` → `<f>.2`, then `<f>` → `<f>.1`, and reopen
//!   `<f>` empty, each destination deleted first (4.3's `removeAndRename`; a rename
//!   over an existing file would make ext4 write back the renamed log's dirty pages
//!   in the daemon). The oldest backup `<f>.N` is overwritten, i.e. dropped. The check
//!   comes *after* the write, so a file may exceed `max_bytes` by up to one write
//!   (supervisord does the same; the spec observed a 14304-byte `.1` with 1KB).
//! - `backups == 0`: rotating means truncating `<f>` in place.
//! - `max_bytes == 0`: never rotate; the file is only appended to.
//! - Non-seekable targets (`/dev/stdout`, `/dev/null`, FIFOs, ttys, sockets: anything
//!   that is not a regular file) are never seeked, never stat-ed for their size and
//!   never rotated, whatever `max_bytes` says.
//! - [`RotatingFile::reopen`]: close and reopen the path in append mode; the daemon
//!   calls it on SIGUSR2 so that an external `logrotate` can move files away.
//! - [`RotatingFile::remove_and_reopen`]: what `clearLog` / `clearProcessLogs` do:
//!   delete the current file (never the backups) and reopen an empty one.
//!
//! The size is tracked by counting: one `fstat` when a file is opened (append mode, so
//! an existing file's length counts toward `max_bytes`), then `+= written` per write.
//!
//! # What it never does
//!
//! No threads, no timers, no buffering (every [`RotatingFile::write`] is one or more
//! `write(2)` calls before it returns), no formatting of lines or timestamps, no
//! knowledge of processes, channels or configuration files, no syslog. It never
//! panics: every failure is an [`Error`] that says who is at fault.
//!
//! # How it is called
//!
//! ```text
//!   daemon poll loop (one thread)
//!        |  bytes read from a child pipe, or a formatted main-log line
//!        v
//!   RotatingFile::write(&[u8]) --------> write(2) on <f> (O_APPEND)
//!        |
//!        |  Planner::after_write(n)      pure: size += n; size >= max_bytes ?
//!        |     -> Option<RotationPlan>    (Rename { from: Slot, to: Slot }, ...)
//!        v
//!   execute plan: unlink(2) + rename(2) each step, then open <f> truncated
//!        |
//!        v
//!   Ok(Written::Kept | Written::Rotated)  or  Err(Error::{MissingDirectory,
//!                                                 PermissionDenied, Disk, Other})
//!
//!   SIGUSR2            -> RotatingFile::reopen()
//!   clearLog /
//!   clearProcessLogs   -> RotatingFile::remove_and_reopen()
//! ```
//!
//! ```no_run
//! use logrotate::{CreateMode, Policy, RotatingFile};
//!
//! # fn main() -> Result<(), logrotate::Error> {
//! let policy = Policy { max_bytes: 50 * 1024 * 1024, backups: 10 };
//! let mut log = RotatingFile::open("/var/log/app-stdout.log", policy, CreateMode::AUTO)?;
//! log.write(b"hello\n")?;
//! log.reopen()?; // on SIGUSR2
//! # Ok(())
//! # }
//! ```
//!
//! The rotation *decision* lives in [`Planner`], which touches no file and can be
//! driven by tests alone; [`RotatingFile`] only executes its plans with `std::fs`.

mod error;
mod file;
mod plan;

pub use error::{Action, Error};
pub use file::{CreateMode, RotatingFile, Written};
pub use plan::{Planner, Policy, Rename, RotationPlan, Slot};
