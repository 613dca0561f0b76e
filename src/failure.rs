//! Why supervisord stops before (or instead of) running, and how that is reported.

use std::fmt;

/// A reason to exit early, with the original's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// `Options.usage(msg)`: `Error: <msg>` and `For help, use <argv0> -h` on stderr,
    /// exit status 2. Bad command lines, config errors, user and rlimit problems.
    Usage(String),
    /// A failure the original does not catch (it dies with a Python traceback and status 1,
    /// e.g. an unwritable main log): `Error: <msg>` on stderr and the given status.
    Fatal {
        /// What went wrong, naming the file or call.
        message: String,
        /// The exit status.
        status: u8,
    },
}

impl Failure {
    /// A usage error with `message`.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::Usage(message.into())
    }

    /// An uncaught failure with exit status 1, as a Python traceback would end.
    pub fn fatal(message: impl Into<String>) -> Self {
        Failure::Fatal {
            message: message.into(),
            status: 1,
        }
    }

    /// The exit status: 2 for usage errors.
    pub fn status(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Fatal { status, .. } => *status,
        }
    }

    /// The complete stderr text for a program started as `argv0`.
    pub fn stderr_text(&self, argv0: &str) -> String {
        match self {
            Failure::Usage(message) => {
                format!("Error: {message}\nFor help, use {argv0} -h\n")
            }
            Failure::Fatal { message, .. } => format!("Error: {message}\n"),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Fatal { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_are_two_lines_and_status_2() {
        let usage = Failure::usage("option --bogus not recognized");
        assert_eq!(
            usage.stderr_text("/usr/bin/supervisord"),
            "Error: option --bogus not recognized\nFor help, use /usr/bin/supervisord -h\n"
        );
        assert_eq!(usage.status(), 2);
        let fatal = Failure::fatal("cannot daemonize");
        assert_eq!(fatal.stderr_text("x"), "Error: cannot daemonize\n");
        assert_eq!(fatal.status(), 1);
    }
}
