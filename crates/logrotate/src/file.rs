//! The IO half: a log file on disk that carries out the [`Planner`]'s decisions.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Action, Error};
use crate::plan::{Planner, Policy, RotationPlan};

/// Permission bits for a log file this crate creates, before the process umask.
///
/// Applied every time the file is created: at open, after a rotation, on reopen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreateMode(pub u32);

impl CreateMode {
    /// Named log files: `0o666` less the umask (`0o644` under the usual `022`),
    /// what Python's `open()` gives supervisord.
    pub const DEFAULT: CreateMode = CreateMode(0o666);
    /// `AUTO` child logs: `0o600`, what `tempfile.mkstemp` gives supervisord.
    pub const AUTO: CreateMode = CreateMode(0o600);
}

/// What a successful [`RotatingFile::write`] did after writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The bytes were appended; the file stays as it is.
    Kept,
    /// The bytes were appended, then the file reached `max_bytes` and was rotated
    /// (or truncated, with `backups == 0`). The live file is now empty.
    Rotated,
}

/// One log target with supervisord's size-based rotation.
///
/// Always opened in append mode (`O_APPEND`), so an existing file's bytes count
/// toward `max_bytes` and are never overwritten.
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    mode: CreateMode,
    file: File,
    seekable: bool,
    planner: Planner,
}

/// A freshly opened live file and what we learnt from its single `fstat`.
struct Opened {
    file: File,
    seekable: bool,
    size: u64,
}

impl RotatingFile {
    /// Open (creating with `mode` if needed) the log at `path` for appending.
    ///
    /// An oversized existing file is not rotated here, only after the next write,
    /// as in supervisord.
    pub fn open(path: impl Into<PathBuf>, policy: Policy, mode: CreateMode) -> Result<Self, Error> {
        let path = path.into();
        let opened = open_target(&path, mode, false)?;
        let planner = Planner::new(policy, opened.seekable, opened.size);
        Ok(RotatingFile {
            path,
            mode,
            file: opened.file,
            seekable: opened.seekable,
            planner,
        })
    }

    /// Append `bytes` (one whole chunk), then rotate if the file reached `max_bytes`.
    ///
    /// On a write error the bytes that did reach the file are counted in
    /// [`size`](Self::size); do not retry the chunk, it may be partly written. On a
    /// rotation error the chunk is already safely written; the next rotation is
    /// attempted after another `max_bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<Written, Error> {
        let mut done = 0;
        while done < bytes.len() {
            match self.file.write(&bytes[done..]) {
                Ok(0) => return Err(self.write_failed(done, io::ErrorKind::WriteZero.into())),
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.write_failed(done, e)),
            }
        }
        match self.planner.after_write(done as u64) {
            None => Ok(Written::Kept),
            Some(plan) => self.rotate(&plan).map(|()| Written::Rotated),
        }
    }

    /// Close and reopen the path in append mode: what SIGUSR2 triggers in the daemon.
    ///
    /// If the file was moved away, a new one is created and later writes land there.
    /// If opening fails, writes keep going to the old file so no output is lost.
    pub fn reopen(&mut self) -> Result<(), Error> {
        let opened = open_target(&self.path, self.mode, false)?;
        self.install(opened);
        Ok(())
    }

    /// Delete the live file (never the backups) and reopen an empty one: what
    /// `clearLog` and `clearProcessLogs` do.
    ///
    /// A target that is not a regular file (`/dev/stdout`, a FIFO) is only reopened:
    /// supervisord would `os.remove` it, deleting a device node or a pipe others use.
    pub fn remove_and_reopen(&mut self) -> Result<(), Error> {
        let removable = fs::metadata(&self.path).is_ok_and(|m| is_rotatable(&self.path, &m));
        if removable {
            match fs::remove_file(&self.path) {
                Ok(()) => {}
                // supervisord ignores ENOENT: somebody removed it first.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::classify(Action::Remove(self.path.clone()), e)),
            }
        }
        self.reopen()
    }

    /// Bytes in the live file: its length when opened plus every byte written since.
    ///
    /// For a non-seekable target: the bytes written since it was opened.
    pub fn size(&self) -> u64 {
        self.planner.size()
    }

    /// The path of the live file; backups are this path plus `.1`, `.2`, …
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the target is a regular file, the only kind that is measured and rotated.
    pub fn is_seekable(&self) -> bool {
        self.seekable
    }

    /// The size limit and backup count this file was opened with.
    pub fn policy(&self) -> Policy {
        self.planner.policy()
    }

    fn write_failed(&mut self, done: usize, e: io::Error) -> Error {
        // Count what reached the file, but do not rotate on a failed write: the
        // caller learns of the failure first; the next write checks again.
        self.planner.note_written(done as u64);
        Error::classify(Action::Write(self.path.clone()), e)
    }

    /// Carry out `plan`. On failure the handle stays on the file holding the
    /// bytes written so far (the live file, or `.1` if only the reopen failed).
    fn rotate(&mut self, plan: &RotationPlan) -> Result<(), Error> {
        if let Err(e) = plan.execute(&self.path) {
            self.planner.rotation_failed();
            return Err(e);
        }
        match open_target(&self.path, self.mode, true) {
            Ok(opened) => {
                self.install(opened);
                Ok(())
            }
            Err(e) => {
                self.planner.rotation_failed();
                Err(e)
            }
        }
    }

    fn install(&mut self, opened: Opened) {
        self.file = opened.file;
        self.seekable = opened.seekable;
        self.planner.reset(opened.seekable, opened.size);
    }
}

/// Open `path` for appending, creating it with `mode`; `truncate` empties a regular file.
fn open_target(path: &Path, mode: CreateMode, truncate: bool) -> Result<Opened, Error> {
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(mode.0)
        .open(path)
        .map_err(|e| Error::classify(Action::Open(path.to_path_buf()), e))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::classify(Action::Stat(path.to_path_buf()), e))?;
    let seekable = is_rotatable(path, &meta);
    if !seekable {
        // Never look at the length of a pipe, tty or device: it means nothing.
        return Ok(Opened {
            file,
            seekable,
            size: 0,
        });
    }
    if truncate {
        // std refuses O_APPEND together with O_TRUNC, so truncate the new handle.
        file.set_len(0)
            .map_err(|e| Error::classify(Action::Open(path.to_path_buf()), e))?;
        return Ok(Opened {
            file,
            seekable,
            size: 0,
        });
    }
    Ok(Opened {
        file,
        seekable,
        size: meta.len(),
    })
}

/// A regular file reached by a name we may rename and delete.
///
/// `/dev/stdout` and friends are aliases for an inherited descriptor: when that
/// descriptor is a regular file (`supervisord -n > out.log`), supervisord would
/// rename the `/dev/stdout` symlink itself. We treat them as streams instead.
fn is_rotatable(path: &Path, meta: &Metadata) -> bool {
    meta.is_file() && !is_descriptor_alias(path)
}

fn is_descriptor_alias(path: &Path) -> bool {
    ["/dev/stdout", "/dev/stderr", "/dev/stdin"]
        .iter()
        .any(|alias| path == Path::new(alias))
        || path.starts_with("/dev/fd")
        || path.starts_with("/proc")
}
