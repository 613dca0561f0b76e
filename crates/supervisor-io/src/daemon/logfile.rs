//! A child log file: `logrotate::RotatingFile`'s behaviour (same `Planner`, same
//! renames, same reopen rules), plus [`LogFile::splice_from`], which moves bytes from
//! a child's pipe into the file without them passing through the daemon.
//!
//! `splice(2)` refuses a destination opened with `O_APPEND` (EINVAL), and
//! `RotatingFile` does not hand out its descriptor, so a second, plain handle on the
//! same inode is opened through `/proc/self/fd/<n>` the first time a splice is
//! wanted (a log that never sees output costs no extra descriptor: 200 idle
//! programs stay within `minfds=1024`); it splices at the file's current end
//! (`fstat` per splice, so an external truncation is followed as `O_APPEND` would).

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use logrotate::{Action, CreateMode, Error, Planner, Policy, RotationPlan, Written};
use nix::errno::Errno;
use nix::fcntl::{SpliceFFlags, splice};

/// What one [`LogFile::splice_from`] did.
#[derive(Debug)]
pub(crate) enum Spliced {
    /// `n` bytes moved into the file, and what the rotation check after them did (an
    /// error: a rotation was due and failed; the bytes are in the file either way).
    Moved(usize, Result<Written, Error>),
    /// The pipe is empty.
    WouldBlock,
    /// Every writer closed the pipe.
    Eof,
}

#[derive(Debug)]
pub(crate) struct LogFile {
    path: PathBuf,
    mode: CreateMode,
    file: File,
    /// The same inode without `O_APPEND`, for `splice`.
    splice: SpliceHandle,
    seekable: bool,
    planner: Planner,
}

struct Opened {
    file: File,
    seekable: bool,
    size: u64,
}

/// The non-appending handle: opened on first use, per (re)opened file.
#[derive(Debug)]
enum SpliceHandle {
    Unopened,
    Open(File),
    /// Not a regular file, no `/proc`, or it led to another inode.
    Unavailable,
}

impl LogFile {
    pub(crate) fn open(path: PathBuf, policy: Policy, mode: CreateMode) -> Result<LogFile, Error> {
        let opened = open_target(&path, mode, false)?;
        let planner = Planner::new(policy, opened.seekable, opened.size);
        Ok(LogFile {
            path,
            mode,
            splice: if opened.seekable {
                SpliceHandle::Unopened
            } else {
                SpliceHandle::Unavailable
            },
            file: opened.file,
            seekable: opened.seekable,
            planner,
        })
    }

    /// `RotatingFile::write`: append the whole chunk, then rotate if due.
    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<Written, Error> {
        let mut done = 0;
        while done < bytes.len() {
            match self.file.write(&bytes[done..]) {
                Ok(0) => return Err(self.write_failed(done, io::ErrorKind::WriteZero.into())),
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.write_failed(done, e)),
            }
        }
        self.after_write(done)
    }

    fn after_write(&mut self, done: usize) -> Result<Written, Error> {
        match self.planner.after_write(done as u64) {
            None => Ok(Written::Kept),
            Some(plan) => self.rotate(&plan).map(|()| Written::Rotated),
        }
    }

    /// Whether [`LogFile::splice_from`] can be used.
    pub(crate) fn can_splice(&self) -> bool {
        !matches!(self.splice, SpliceHandle::Unavailable)
    }

    /// Whether the next [`LogFile::splice_from`] opens the second descriptor.
    pub(crate) fn splice_needs_descriptor(&self) -> bool {
        matches!(self.splice, SpliceHandle::Unopened)
    }

    /// Write this file the ordinary way only (no second descriptor) until reopened.
    pub(crate) fn forgo_splice(&mut self) {
        self.splice = SpliceHandle::Unavailable;
    }

    fn splice_handle(&mut self) -> Option<&File> {
        if let SpliceHandle::Unopened = self.splice {
            self.splice = match second_handle(&self.file) {
                Some(f) => SpliceHandle::Open(f),
                None => SpliceHandle::Unavailable,
            };
        }
        match &self.splice {
            SpliceHandle::Open(f) => Some(f),
            _ => None,
        }
    }

    /// Move up to `max` bytes from `pipe` to the end of the file, then rotate if due
    /// (exactly as a `write` of the same bytes). An `Err` moved nothing: the bytes
    /// are still in the pipe for the caller to read the ordinary way.
    pub(crate) fn splice_from(&mut self, pipe: BorrowedFd<'_>, max: usize) -> io::Result<Spliced> {
        let Some(out) = self.splice_handle() else {
            return Err(io::ErrorKind::Unsupported.into());
        };
        let mut offset = nix::sys::stat::fstat(out.as_fd())
            .map_err(io::Error::from)?
            .st_size;
        let flags = SpliceFFlags::SPLICE_F_NONBLOCK | SpliceFFlags::SPLICE_F_MOVE;
        let moved = loop {
            match splice(pipe, None, out.as_fd(), Some(&mut offset), max, flags) {
                Ok(0) => return Ok(Spliced::Eof),
                Ok(n) => break n,
                Err(Errno::EAGAIN) => return Ok(Spliced::WouldBlock),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        };
        Ok(Spliced::Moved(moved, self.after_write(moved)))
    }

    pub(crate) fn reopen(&mut self) -> Result<(), Error> {
        let opened = open_target(&self.path, self.mode, false)?;
        self.install(opened);
        Ok(())
    }

    pub(crate) fn remove_and_reopen(&mut self) -> Result<(), Error> {
        let removable = fs::metadata(&self.path).is_ok_and(|m| is_rotatable(&self.path, &m));
        if removable {
            match fs::remove_file(&self.path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::classify(Action::Remove(self.path.clone()), e)),
            }
        }
        self.reopen()
    }

    pub(crate) fn size(&self) -> u64 {
        self.planner.size()
    }

    fn write_failed(&mut self, done: usize, e: io::Error) -> Error {
        self.planner.note_written(done as u64);
        Error::classify(Action::Write(self.path.clone()), e)
    }

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
        self.splice = if opened.seekable {
            SpliceHandle::Unopened
        } else {
            SpliceHandle::Unavailable
        };
        self.seekable = opened.seekable;
        self.planner.reset(opened.seekable, opened.size);
    }
}

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
        return Ok(Opened {
            file,
            seekable,
            size: 0,
        });
    }
    if truncate {
        file.set_len(0)
            .map_err(|e| Error::classify(Action::Open(path.to_path_buf()), e))?;
    }
    let size = if truncate { 0 } else { meta.len() };
    Ok(Opened {
        file,
        seekable,
        size,
    })
}

/// A second, non-appending handle on the inode `file` is open on (even if renamed or
/// deleted since), or `None`.
fn second_handle(file: &File) -> Option<File> {
    use std::os::fd::AsRawFd;
    let path = format!("/proc/self/fd/{}", file.as_raw_fd());
    let second = OpenOptions::new()
        .write(true)
        .custom_flags(nix::libc::O_CLOEXEC)
        .open(path)
        .ok()?;
    let (a, b) = (file.metadata().ok()?, second.metadata().ok()?);
    (a.dev() == b.dev() && a.ino() == b.ino() && b.is_file()).then_some(second)
}

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
