//! The disk, the config and the listeners failing under the real `supervisord` (see
//! `tests/hardening.rs`). Every wait is a bounded poll on a file, the main log, `/proc` or
//! the XML-RPC API; the only time bounds asserted are liveness bounds.
//!
//! What 4.3.0 does in each case, and what we do instead where it differs:
//!
//! - A child log on `/dev/full`: 4.3's handler prints a traceback on stderr for every
//!   write (megabytes a second for a chatty child) and drops the output; the child runs
//!   on. Here: one ERRO line per failure episode in the main log, up to 1 MiB kept for a
//!   retry, what does not fit is dropped and counted (one line per episode, then a
//!   summary when the log works again), and the pipe keeps being drained: the child never
//!   blocks on a dead disk.
//! - The main log on `/dev/full`: 4.3 prints tracebacks on stderr and runs on. Here:
//!   one line on stderr per failure episode, and supervisord enters its FATAL state
//!   (`getState` → FATAL, cleared by `clearFatal`); it keeps supervising.
//! - A child log directory removed: 4.3 writes on into the unlinked inode; so do we, and
//!   both answer `readProcessStdoutLog` with NO_FILE. A SIGUSR2 while the directory is
//!   missing kills 4.3 (an uncaught FileNotFoundError from `reopen`, children left
//!   behind); here it is reported and the old file kept, and one after the directory is
//!   back opens the new file.
//! - `readProcessStdoutLog(name, 0, 0)` of a log on `/dev/full`: 4.3 reads the device
//!   until memory runs out; here a device log reads as empty.
//! - Listeners: a pool of two, one SIGKILLed mid-event again and again, the other
//!   answering garbage: as in 4.3, every event goes back to the pool and is acknowledged
//!   exactly once by a healthy member.
//! - SIGHUP during a reload: merged into it, as in 4.3 (two SIGHUPs sent back to back
//!   may also be merged by the kernel); the reload ends with the config read last and
//!   one process per program.
//! - SIGHUP with an invalid config: 4.3 stops every child, fails to re-read the file and
//!   exits with status 2 (a usage error). Here (a documented improvement) the file is
//!   checked before anything is stopped: the error is logged, the running config and
//!   processes are kept untouched. `reloadConfig` answers CANT_REREAD with the error in
//!   both.
//!
//! Submodules: `disk` (the first three and the device log read), `listeners`, `reload`
//! (the last two).

mod disk;
mod listeners;
mod reload;

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::support::supervisor_state as state;
use super::support::{process_info, rpc, unix_server};
use crate::util::{Running, config_text, read, wait_for, write};

/// Liveness bound for the slow scenarios (python listeners restarting many times on a
/// loaded 2-core machine).
const LONG: Duration = Duration::from_secs(90);

/// `[unix_http_server]` on `dir/sock` with the supervisor interface.
fn unix_server_in(dir: &Path) -> String {
    unix_server(&dir.join("sock"), "")
}

/// Write `dir/supervisord.conf`: `[supervisord]` writing into `dir`, the unix server on
/// `dir/sock`, then `programs`.
fn write_conf(dir: &Path, programs: &str) -> PathBuf {
    let text = config_text(dir, &format!("{}{programs}", unix_server_in(dir)));
    write(dir, "supervisord.conf", &text)
}

/// Start `supervisord -n` in `dir` on [`write_conf`]`(dir, programs)`, main log
/// `dir/supervisord.log`, and wait until it answers XML-RPC; the daemon and its socket.
fn start(dir: &Path, programs: &str) -> (Running, PathBuf) {
    let conf = write_conf(dir, programs);
    let daemon = Running::start(dir, &conf, &dir.join("supervisord.log"), &[]);
    let sock = dir.join("sock");
    wait_serving(&sock);
    (daemon, sock)
}

/// Wait until the daemon answers on `sock` at all (any XML-RPC answer).
fn wait_serving(sock: &Path) {
    wait_for(&format!("an answer on {}", sock.display()), || {
        std::os::unix::net::UnixStream::connect(sock).is_ok()
            && rpc(sock, "supervisor.getPID", &[]).contains("<int>")
    });
}

/// `getProcessInfo(name)`: (statename, pid).
fn info(sock: &Path, name: &str) -> (String, i32) {
    let info = process_info(sock, name);
    (info.statename, info.pid)
}

/// A number written by a child into `path` (0 while unreadable or half-written).
fn counter(path: &Path) -> u64 {
    read(path).trim().parse().unwrap_or(0)
}

/// The lines of `text` containing `needle`.
fn count_lines(text: &str, needle: &str) -> usize {
    text.lines().filter(|l| l.contains(needle)).count()
}
