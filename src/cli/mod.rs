//! supervisord's command line (spec §1.1). The parsing itself is the config crate's
//! ([`config::parse_supervisord_args`]: Python `getopt`, the original's handlers and texts),
//! shared with the RON/embedding users of that crate; this module turns its answer into
//! what the binary does next.

use crate::failure::Failure;
use config::{Invocation, LoadContext, SupervisordArgs};

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `-h`, `-?`, `--help`: print this text (4.3's module docstring with `%s` = argv0, plus
    /// a newline) to stdout and exit 0.
    Help(String),
    /// `-v`, `--version`: print `4.3.0` and exit 0.
    Version,
    /// Run the daemon with these command-line settings (boxed: it is large).
    Run(Box<SupervisordArgs>),
}

/// Parse supervisord's arguments (without the program name). `ctx` supplies the cwd and
/// `HOME` that the checks of `-d`, `-l`, `-j`, `-q` use. Options act in command-line order,
/// so `-m 8 -h` is a usage error and `-h -m 8` prints the help, as in 4.3.
pub fn parse(argv0: &str, args: &[String], ctx: &LoadContext) -> Result<Request, Failure> {
    match config::parse_supervisord_args(args, ctx) {
        Ok(Invocation::Help) => Ok(Request::Help(config::supervisord_help(argv0))),
        Ok(Invocation::Version) => Ok(Request::Version),
        Ok(Invocation::Run(cli)) => Ok(Request::Run(Box::new(cli))),
        Err(err) => Err(Failure::usage(err.message())),
    }
}

#[cfg(test)]
mod tests;
