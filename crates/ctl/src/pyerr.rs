//! The Python exceptions whose text 4.3's supervisorctl prints as
//! `error: <class 'X'>, <value>: file: <file> line: <n>` (its catch-all in `onecmd`).
//!
//! `file` is the module Python's traceback would end in, written relative to its package
//! (`supervisor/xmlrpc.py`, `socket.py`); the original prints the absolute path of its
//! installation, which a Rust binary does not have (a documented difference).

use nix::errno::Errno;

/// A Python exception, as `asyncore.compact_traceback` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyException {
    /// Qualified class name (`ConnectionRefusedError`, `xmlrpc.client.Fault`).
    pub class: String,
    /// `str(exception)`.
    pub value: String,
    /// Innermost traceback file.
    pub file: &'static str,
    /// Its line.
    pub line: u32,
}

impl PyException {
    /// A new exception.
    pub fn new(class: &str, value: impl Into<String>, file: &'static str, line: u32) -> Self {
        PyException {
            class: class.to_string(),
            value: value.into(),
            file,
            line,
        }
    }

    /// The line `onecmd` prints.
    pub fn report(&self) -> String {
        format!(
            "error: <class '{}'>, {}: file: {} line: {}",
            self.class, self.value, self.file, self.line
        )
    }

    /// `KeyError` for a missing struct member.
    pub fn key_error(key: &str) -> Self {
        PyException::new(
            "KeyError",
            crate::text::repr(key),
            "supervisor/supervisorctl.py",
            0,
        )
    }

    /// `TypeError` for a value of an unexpected type.
    pub fn type_error(what: impl Into<String>) -> Self {
        PyException::new("TypeError", what, "supervisor/supervisorctl.py", 0)
    }
}

/// Python's `OSError` subclass for an errno.
pub fn os_error_class(errno: i32) -> &'static str {
    match Errno::from_raw(errno) {
        Errno::ENOENT => "FileNotFoundError",
        Errno::ECONNREFUSED => "ConnectionRefusedError",
        Errno::ECONNRESET => "ConnectionResetError",
        Errno::ECONNABORTED => "ConnectionAbortedError",
        Errno::EPIPE | Errno::ESHUTDOWN => "BrokenPipeError",
        Errno::EACCES | Errno::EPERM => "PermissionError",
        Errno::ETIMEDOUT => "TimeoutError",
        Errno::EISDIR => "IsADirectoryError",
        Errno::ENOTDIR => "NotADirectoryError",
        Errno::EINTR => "InterruptedError",
        Errno::EAGAIN | Errno::EALREADY | Errno::EINPROGRESS => "BlockingIOError",
        _ => "OSError",
    }
}

/// `str(OSError)`: `[Errno N] <strerror>`.
pub fn os_error_text(errno: i32) -> String {
    format!("[Errno {errno}] {}", Errno::from_raw(errno).desc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(os_error_class(111), "ConnectionRefusedError");
        assert_eq!(os_error_text(111), "[Errno 111] Connection refused");
        assert_eq!(os_error_text(2), "[Errno 2] No such file or directory");
        assert_eq!(
            PyException::new("X", "v", "f.py", 3).report(),
            "error: <class 'X'>, v: file: f.py line: 3"
        );
    }
}
