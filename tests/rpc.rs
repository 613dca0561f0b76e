//! The control plane against the real clients: Python's `xmlrpc.client` and `supervisorctl`
//! 4.3.0 run against Python's supervisord 4.3.0 and ours on the same generated config (each
//! in its own temp dir, unix socket and inet port at once), and the normalised outputs are
//! compared. The Python side comes from `target/py` (`bash .ci/pyenv.sh`); without it the
//! tests skip, except under `CI=true` where they fail.
//!
//! `RSUPERVISOR_RPC_SELFCHECK=1` runs Python against itself instead of against ours: every
//! test must then pass, which proves the normalisation leaves no noise.

mod codec;
mod configs;
mod ctl;
mod daemon;
mod diff;
mod xmlrpc;
