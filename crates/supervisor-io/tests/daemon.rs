//! Integration tests of the daemon driver against real processes. One binary, apart
//! from `tests/io.rs`, because the primitives' tests reap with `waitpid(-1)` and would
//! steal this binary's children. One file per behaviour; every test has its own temp
//! dir, runs a daemon on its own thread with `install_signal_handlers: false`, and
//! waits on states through the `Handle` with a deadline — never on a fixed sleep.

mod daemon_harness;

mod add_remove_group;
mod autorestart;
mod backoff_to_fatal;
mod child_environment;
mod child_logs;
mod fcgi_socket;
mod flood;
mod handle_queries;
mod main_log_format;
mod programs_reach_running;
mod send_stdin;
mod shutdown_and_reload;
mod splice_logs;
mod stop_and_kill;
