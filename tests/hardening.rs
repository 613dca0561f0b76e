//! Hardening (issue #8): the real `supervisord` binary under faults, load and hostile
//! input. Each test has its own temp dir; waits are bounded polls on a log, a socket or
//! the XML-RPC API, never a sleep followed by an assertion.
//!
//! - `faults_child`: children that misbehave (SIGKILL, ignoring SIGTERM, closing stdout,
//!   flooding, escaping with setsid) and spawn failures (RLIMIT_NPROC, EMFILE).
//! - `faults_io`: the disk and the config failing under the daemon (`/dev/full`, a removed
//!   log directory, an invalid config at reload, SIGHUP during a reload) and listeners
//!   that misbehave.
//! - `load`: 1000 crash-looping programs polled over RPC; 1000 stalled connections.
//! - `security`: socket modes and owners, authentication on every path, method-name
//!   rules, request limits.

#[path = "../crates/supervisor-io/tests/http_client.rs"]
pub mod client;
mod faults_child;
mod faults_io;
mod load;
mod security;
mod support;
