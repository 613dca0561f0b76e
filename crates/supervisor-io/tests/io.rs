//! Integration tests against real processes. One binary; one file per behaviour.
//!
//! Tests run on several threads of ONE process, and `waitpid(-1)` and signal
//! dispositions are process-wide: see `harness` for the locks that keep them apart.

mod harness;

mod child_signal_state;
mod directory_and_umask;
mod environment_precedence;
mod exec_and_chdir_failure;
mod fcgi_stdin_fd;
mod group_kill;
mod inherited_fds_closed;
mod kill_errors;
mod process_group_leader;
mod reap_any;
mod redirect_stderr;
mod resolve_errors;
mod self_pipe;
mod shlex_matches_python;
mod spawn_all;
mod spawn_echo;
mod spawn_errors;
mod stdin_pipe;
mod user_drop;
