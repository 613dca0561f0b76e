//! rsupervisor: the `supervisord` binary of the drop-in replacement for Python Supervisor 4.3.
//!
//! The binary (`bins/supervisord/main.rs`) only calls [`supervisord::main`]; the steps live
//! here so that each can be read and tested on its own:
//!
//! ```text
//!   argv ─► cli::parse ─► options::realize ─► privileges ─► MainLog ─► signals::Signals
//!           (-h, -v,       (config file, then   (user drop,   (queued     (handlers from
//!            getopt,        the command line     rlimits)      CRIT/WARN/   here on, lent
//!            values)        over [supervisord])                INFO)        to each run)
//!                                                                              │
//!   exit 0 ◄─ pidfile removed ◄─ Daemon::run ◄─ pidfile ◄─ daemonize ◄─ Daemon::new
//!                                 │ Restart: everything again, config re-read from disk
//! ```
//!
//! Every failure is a [`failure::Failure`]: a usage error (`Error: ...` + `For help, use
//! <argv0> -h`, status 2) with the original's text, or a fatal error where 4.3 would die with
//! a traceback. Nothing here panics on outside input.

pub mod cli;
pub mod daemonize;
pub mod failure;
pub mod options;
pub mod pidfile;
pub mod privileges;
pub mod signals;
pub mod supervisord;
