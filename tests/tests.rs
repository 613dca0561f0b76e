//! supervisord's integration tests: the real binary against real processes. One binary,
//! one temp dir per test; waits are bounded polls on the main log or the daemon's stdout,
//! never a sleep followed by an assertion.

mod cli;
mod ctl;
mod daemon_mode;
mod hardening;
mod listeners;
mod overrides;
mod reload;
mod rpc;
mod running;
mod startup_errors;
mod util;
mod webui;
