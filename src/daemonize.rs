//! 4.3's `ServerOptions._daemonize`: one fork (the parent exits 0 at once), then in the
//! child: `setsid`, `chdir(directory)` if set, stdin/stdout/stderr on `/dev/null`, `umask`.
//!
//! The fork, `setsid` and the `/dev/null` redirection are `daemon(3)` through nix's safe
//! wrapper, so this crate needs no `unsafe`. It must be called while the process has a single
//! thread (before the driver is built), as any fork.

use crate::failure::Failure;
use config::pyfmt::repr_str;
use nix::sys::stat::{Mode, umask};
use std::path::Path;
use supervisor_core::LogLevel;

/// Detach from the terminal. Returns in the child only; `log` receives the main-log lines
/// 4.3 writes at this point (`daemonizing the supervisord process`, then `set current
/// directory: '<dir>'` or CRIT `can't chdir into '<dir>': <error>`).
pub fn daemonize(
    directory: Option<&Path>,
    mask: i64,
    log: &mut dyn FnMut(LogLevel, &str),
) -> Result<(), Failure> {
    // 4.3 logs this in the parent just before it exits
    log(LogLevel::Blather, "supervisord forked; parent exiting");
    // nochdir: the directory is changed below, only when configured, as in 4.3;
    // noclose = false: stdio goes to /dev/null
    nix::unistd::daemon(true, false)
        .map_err(|e| Failure::fatal(format!("cannot daemonize: fork failed: {}", e.desc())))?;
    log(LogLevel::Info, "daemonizing the supervisord process");
    if let Some(dir) = directory {
        let shown = repr_str(&dir.to_string_lossy());
        match nix::unistd::chdir(dir) {
            Ok(()) => log(LogLevel::Info, &format!("set current directory: {shown}")),
            Err(e) => log(
                LogLevel::Critical,
                &format!(
                    "can't chdir into {shown}: [Errno {}] {}: {shown}",
                    e as i32,
                    e.desc()
                ),
            ),
        }
    }
    // Python's os.umask takes any int; the kernel keeps the permission bits
    umask(Mode::from_bits_truncate(
        (mask & 0o777) as nix::libc::mode_t,
    ));
    Ok(())
}
