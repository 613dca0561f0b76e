//! supervisor-io: the operating-system primitives of the supervisor daemon.
//!
//! This crate is the daemon's hands. It spawns children, collects their exits, turns
//! signals into pollable bytes, sends signals and moves bytes through pipes — each
//! reproducing what supervisord 4.3 does at that step, down to its error texts. It
//! makes **no decisions**: whether to spawn, when to kill, what an exit means, what to
//! log — all of that belongs to the core's state machine (`supervisor-core`), which
//! this crate does not depend on. Outcomes come back as plain values (pids, exit
//! statuses, errno-carrying errors whose `Display` is supervisord's text) for the
//! driver to feed to the core as inputs.
//!
//! ```text
//!            core Effect                       this crate                  core Input
//!   Spawn { command, env, .. } ──► command::resolve ─► spawn::spawn ──► Spawned{pid} / SpawnFailed(text)
//!   Kill { pid, sig, group }   ──► kill::kill ─────────────────────────► () / ignored ESRCH / UNKNOWN
//!   Write stdin                ──► output::write_some ─────────────────► Written / WouldBlock / Closed
//!          poll loop readable  ──► output::read_chunk ─────────────────► OutputRead / StreamClosed
//!          self-pipe readable  ──► signals::SelfPipe::drain ───────────► Signal(n) ...
//!          every iteration     ──► reap::reap(Reap::Any) ──────────────► Exited{pid, status} ...
//! ```
//!
//! What the primitives never do: decide, sleep, block (every descriptor they hand out
//! is non-blocking; `reap` uses `WNOHANG`), or block signals (a blocked mask is
//! inherited by children; only the calling thread is masked for the instant of `fork`).
//!
//! On top of them, [`daemon`] is the driver (STYLE.md "The driver"): one thread, one
//! epoll loop that feeds pipes, pidfds, the self-pipe, [`Handle`] requests and
//! timeouts into the core (`supervisor_core::Supervisor`) and carries out its effects.
//! (The one place more threads appear: a run of spawns the core asks for at once —
//! start-up, `startAllProcesses` — is prepared on the loop's thread and forked from
//! one short-lived thread per CPU, at most four, by [`spawn::spawn_all`]; the loop
//! waits for them.)
//! It still decides nothing itself: every state change is the core's. [`mainlog`] is
//! supervisord's activity log. How a program runs a daemon:
//!
//! ```no_run
//! use supervisor_io::{Daemon, DaemonOptions, MainLog, MainLogSettings, Outcome};
//!
//! let config = config::load("/etc/supervisord.conf", &config::LoadContext::from_system())?.config;
//! let log = MainLog::open(MainLogSettings::from_config(&config.supervisord))?;
//! let (daemon, handle) = Daemon::new(config, log, DaemonOptions { install_signal_handlers: true })?;
//! // `handle` (Clone + Send) answers requests and queries from other threads.
//! let (outcome, _log) = daemon.run()?;
//! if outcome == Outcome::Restart { /* re-read the config and run a new daemon */ }
//! # drop(handle);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! How the driver calls it (one thread, one poll loop; errors become core inputs):
//!
//! ```no_run
//! use supervisor_io::{ReadOutcome, Reap, SelfPipe, SpawnRequest, command, read_chunk, reap, spawn};
//!
//! let mut signals = SelfPipe::install()?; // once, at startup; register it with the poller
//! // Effect::Spawn -> resolve (spawnerr on failure), then spawn (spawnerr on failure).
//! let resolved = command::resolve("cat -u", &command::daemon_search_path(None))?;
//! let child = spawn(&SpawnRequest::new("cat", resolved))?; // register child.stdout/stderr
//! // Readable stdout -> Input::OutputRead / Input::StreamClosed.
//! match read_chunk(&child.stdout)? {
//!     ReadOutcome::Data(_bytes) => {}
//!     ReadOutcome::WouldBlock => {}
//!     ReadOutcome::Eof => {}
//! }
//! // Readable self-pipe -> one Input::Signal each.
//! for _signal in signals.drain()? {}
//! // Every iteration -> one Input::Exited each.
//! for _exited in reap(Reap::Any)? {}
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! All `unsafe` code lives in the private `sys` module; everything a forked child
//! needs is prepared before `fork`, so the child only makes async-signal-safe calls.
//!
//! Modules:
//! - [`command`]: `command=` → argv (Python `shlex.split`) → executable (PATH search,
//!   checks), with `get_execv_args`' error texts;
//! - [`environment`]: the child's environment (daemon < `SUPERVISOR_*` < `environment=`);
//! - [`spawn`](mod@spawn): pipes, fork, and the child's path to `execve`;
//! - [`reap`](mod@reap): drain `waitpid(WNOHANG)` into exit statuses;
//! - [`signals`]: the self-pipe for TERM, INT, QUIT, HUP, USR2, CHLD (and SIGPIPE,
//!   SIGXFSZ ignored, as CPython does);
//! - [`kill`](mod@kill): signal a process or its group, ESRCH kept distinct;
//! - [`output`]: one non-blocking read (≤ 128 KiB) or write on a child pipe;
//! - [`errno`]: errno names as Python spells them; [`pyrepr`]: Python's `repr` of
//!   a string, used by the `%r` in spawn errors;
//! - [`mainlog`]: the main log; [`clock`]: local time as supervisord prints it;
//! - [`daemon`]: the poll loop, child logs, AUTO logs, fcgi sockets, [`Handle`], and the
//!   HTTP servers (XML-RPC, `/logtail`, `/mainlogtail`; codec in the `rpc` crate).

pub mod clock;
pub mod command;
pub mod daemon;
pub mod environment;
pub mod errno;
pub mod kill;
pub mod mainlog;
pub mod output;
mod poll;
pub mod pyrepr;
pub mod reap;
pub mod signals;
pub mod spawn;
mod sys;

pub use command::{CommandError, ResolvedCommand, SplitError, resolve, search_path, split};
pub use daemon::{
    Daemon, DaemonError, DaemonOptions, Disconnected, Handle, Outcome, ReloadCheck, View,
};
pub use kill::{KillError, KillTarget, kill};
pub use mainlog::{MainLog, MainLogError, MainLogSettings, MainLogTarget};
pub use output::{READ_CHUNK, ReadOutcome, WriteOutcome, read_chunk, write_some};
pub use reap::{ExitStatus, Reap, ReapError, Reaped, reap};
pub use signals::SelfPipe;
pub use spawn::{ChildSignals, SpawnError, SpawnRequest, Spawned, Stderr, Stdin, spawn};
