//! rsupervisor: the `supervisord` binary of the drop-in replacement for Python Supervisor 4.3.
//!
//! The binary (`bins/supervisord/main.rs`) only calls [`supervisord::main`]; the steps live
//! here so that each can be read and tested on its own:
//!
//! ```text
//!   argv ──► cli::parse ──► options::configfile / options::realize ──► privileges
//!   (getopt, -h, -v,        (config file, then the command line       (user drop, rlimits)
//!    value checks)            on top of [supervisord])                       │
//!                                                                            ▼
//!   exit 0 ◄── pidfile::remove ◄── Daemon::run ◄── pidfile::write ◄── daemonize ◄── MainLog
//!                                   │ Restart: read the config again, run again
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
