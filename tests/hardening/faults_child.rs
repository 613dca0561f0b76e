//! Children that misbehave and spawns that fail, against the real `supervisord`
//! (see `tests/hardening.rs`). Every wait is a bounded poll on the main log, a child log,
//! `/proc` or the XML-RPC API; the only time bounds asserted are liveness bounds.
//!
//! Texts are 4.3's (`supervisor/process.py`): `exited: x (terminated by SIGKILL; not
//! expected)`, `killing 'x' (<pid>) with SIGKILL` (WARN, no "pid" word),
//! `spawnerr: Too many processes in process table to spawn 'x'` (EAGAIN from fork) and
//! `spawnerr: too many open files to spawn 'x'` (EMFILE, lower case in 4.3).
//!
//! - `signals`: SIGKILL from outside, a child ignoring SIGTERM, a grandchild escaping
//!   with `setsid`.
//! - `output`: a child closing its stdout, a child flooding its log.
//! - `limits`: spawns failing under RLIMIT_NPROC and RLIMIT_NOFILE, 200 programs in
//!   the default 1024 descriptors.
//!
//! The daemon harness ([`super::support::Daemon`]) is shared with the other hardening
//! tests.

mod limits;
mod output;
mod signals;
