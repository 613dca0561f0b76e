//! Errors, sorted by who has to fix them.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The file operation that failed, with the path(s) it was applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Opening (and possibly creating or truncating) the log file.
    Open(PathBuf),
    /// Looking at an opened file's type and length (`fstat`).
    Stat(PathBuf),
    /// Writing bytes to the log file.
    Write(PathBuf),
    /// Renaming during a rotation.
    Rename {
        /// The file being moved.
        from: PathBuf,
        /// Its new name.
        to: PathBuf,
    },
    /// Deleting the log file (`clearLog`, `clearProcessLogs`), or a rotation's
    /// destination before its rename.
    Remove(PathBuf),
}

impl Action {
    /// The path whose directory must exist for this action: the destination of a rename.
    pub fn path(&self) -> &Path {
        match self {
            Action::Open(p) | Action::Stat(p) | Action::Write(p) | Action::Remove(p) => p,
            Action::Rename { to, .. } => to,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Open(p) => write!(f, "open {}", p.display()),
            Action::Stat(p) => write!(f, "stat {}", p.display()),
            Action::Write(p) => write!(f, "write to {}", p.display()),
            Action::Rename { from, to } => {
                write!(f, "rename {} to {}", from.display(), to.display())
            }
            Action::Remove(p) => write!(f, "remove {}", p.display()),
        }
    }
}

/// A failed log file operation. Variants say who is at fault.
///
/// Whatever the variant, bytes already written are never given up: a failed
/// rotation leaves them in the live file (or, if only the reopen failed, in `<f>.1`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration (or the admin) is at fault: the directory that should hold
    /// the log does not exist, e.g. it was never created or was deleted while
    /// supervisord was running.
    #[error("cannot {action}: directory {} does not exist", dir.display())]
    MissingDirectory {
        /// What was being done.
        action: Action,
        /// The missing directory.
        dir: PathBuf,
        /// The OS error (`ENOENT`).
        #[source]
        source: io::Error,
    },
    /// The admin is at fault: ownership or mode of the file or its directory forbid
    /// the operation (`EACCES`, `EPERM`), e.g. a log left by a run as another user.
    #[error("cannot {action}: permission denied")]
    PermissionDenied {
        /// What was being done.
        action: Action,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The storage is at fault: disk full, quota exceeded, read-only filesystem or
    /// file too large. Rotation with fewer backups or a smaller `max_bytes` may help.
    #[error("cannot {action}: disk problem: {source}")]
    Disk {
        /// What was being done.
        action: Action,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// Any other OS error, e.g. the log path names a directory, or a FIFO reader
    /// went away (`EPIPE`).
    #[error("cannot {action}: {source}")]
    Other {
        /// What was being done.
        action: Action,
        /// The OS error.
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// Sort an OS error into the variant naming who must fix it (public for callers
    /// that write to a log file by other means, such as `splice`).
    pub fn classify(action: Action, source: io::Error) -> Self {
        use io::ErrorKind as K;
        match source.kind() {
            K::NotFound => match missing_directory(action.path()) {
                Some(dir) => Error::MissingDirectory {
                    action,
                    dir,
                    source,
                },
                None => Error::Other { action, source },
            },
            K::PermissionDenied => Error::PermissionDenied { action, source },
            K::StorageFull | K::QuotaExceeded | K::ReadOnlyFilesystem | K::FileTooLarge => {
                Error::Disk { action, source }
            }
            _ => Error::Other { action, source },
        }
    }

    /// What was being done when the error happened.
    pub fn action(&self) -> &Action {
        match self {
            Error::MissingDirectory { action, .. }
            | Error::PermissionDenied { action, .. }
            | Error::Disk { action, .. }
            | Error::Other { action, .. } => action,
        }
    }

    /// The underlying OS error.
    pub fn io_error(&self) -> &io::Error {
        match self {
            Error::MissingDirectory { source, .. }
            | Error::PermissionDenied { source, .. }
            | Error::Disk { source, .. }
            | Error::Other { source, .. } => source,
        }
    }
}

/// `path`'s parent directory, if it does not exist (or is not a directory).
fn missing_directory(path: &Path) -> Option<PathBuf> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty())?;
    if parent.is_dir() {
        return None;
    }
    Some(parent.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_action(path: &str) -> Action {
        Action::Open(PathBuf::from(path))
    }

    #[test]
    fn permission_is_the_admins_fault() {
        let err = Error::classify(
            open_action("/x/a.log"),
            io::ErrorKind::PermissionDenied.into(),
        );
        assert!(matches!(err, Error::PermissionDenied { .. }));
        assert_eq!(err.to_string(), "cannot open /x/a.log: permission denied");
    }

    #[test]
    fn full_disk_is_the_storage_fault() {
        for kind in [
            io::ErrorKind::StorageFull,
            io::ErrorKind::QuotaExceeded,
            io::ErrorKind::ReadOnlyFilesystem,
        ] {
            let action = Action::Write(PathBuf::from("/x/a.log"));
            assert!(
                matches!(Error::classify(action, kind.into()), Error::Disk { .. }),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn rename_names_both_paths() {
        let action = Action::Rename {
            from: "/x/a.log".into(),
            to: "/x/a.log.1".into(),
        };
        let err = Error::classify(action, io::Error::other("boom"));
        assert_eq!(
            err.to_string(),
            "cannot rename /x/a.log to /x/a.log.1: boom"
        );
    }

    #[test]
    fn not_found_in_an_existing_directory_is_not_a_missing_directory() {
        let err = Error::classify(open_action("/a.log"), io::ErrorKind::NotFound.into());
        assert!(matches!(err, Error::Other { .. }));
    }
}
