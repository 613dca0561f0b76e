//! supervisord's `main`: 4.3's `supervisord.main` loop (parse, realize, run; on a reload
//! do it all again with the config re-read from disk).

use crate::cli::{self, Request};
use crate::failure::Failure;
use crate::options;
use crate::privileges::{self, Queued};
use config::LoadContext;
use std::ffi::OsString;
use std::io::Write;

/// The version `-v` prints (the Python package's).
pub const VERSION: &str = "4.3.0";

/// Run supervisord with `argv` (program name first) and return the exit status. Errors are
/// printed on stderr here, in the original's format.
pub fn main(argv: impl IntoIterator<Item = OsString>) -> u8 {
    let mut argv = argv.into_iter().map(|a| a.to_string_lossy().into_owned());
    let argv0 = argv.next().unwrap_or_else(|| "supervisord".to_string());
    let args: Vec<String> = argv.collect();
    match start(&argv0, &args) {
        Ok(status) => status,
        Err(failure) => {
            let _ = std::io::stderr().write_all(failure.stderr_text(&argv0).as_bytes());
            failure.status()
        }
    }
}

/// Everything from parsing to the end of the last run.
fn start(argv0: &str, args: &[String]) -> Result<u8, Failure> {
    let ctx = LoadContext::from_system();
    let cli = match cli::parse(argv0, args, &ctx)? {
        Request::Help(text) => return Ok(print_stdout(&text)),
        Request::Version => return Ok(print_stdout(&format!("{VERSION}\n"))),
        Request::Run(cli) => cli,
    };
    if let Some(warning) = options::search_warning(&cli, &ctx) {
        // 4.3 prints this through Python's `warnings` module (`<file>:<line>: UserWarning: ...`)
        let _ = writeln!(std::io::stderr(), "{argv0}: UserWarning: {warning}");
    }
    let configfile = options::configfile(&cli, argv0, &ctx)?;
    let realized = options::realize(&cli, &configfile, &ctx)?;
    let mut queued = Queued::default();
    privileges::set_uid_or_exit(&realized.config, &ctx, &mut queued)?;
    privileges::set_rlimits_or_exit(&realized.config, &mut queued)?;
    Err(Failure::usage("supervisord is not built yet"))
}

/// Write `text` to stdout (a closed stdout is not an error worth reporting) and return 0.
fn print_stdout(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    0
}
