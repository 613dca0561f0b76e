//! The main-log catalogue: every message the core writes, with supervisord 4.3's exact text
//! (spec §2.6). Kept in one place so the tests and the original can be compared line by line.

use crate::vocab::{ExitStatus, Pid, Signal};
use std::time::Duration;

/// 4.3's `decode_wait_status`: the exit status as an int (-1 for a signal).
pub(crate) fn exit_code(status: ExitStatus) -> i32 {
    match status {
        ExitStatus::Code(code) => code & 0xffff,
        ExitStatus::Signaled { .. } => -1,
    }
}

/// 4.3's `decode_wait_status` message: `exit status N` / `terminated by SIGX[ (core dumped)]`.
pub(crate) fn exit_message(status: ExitStatus) -> String {
    match status {
        ExitStatus::Code(code) => format!("exit status {}", code & 0xffff),
        ExitStatus::Signaled {
            signal,
            core_dumped,
        } => {
            let core = if core_dumped { " (core dumped)" } else { "" };
            format!("terminated by {}{core}", signal.name())
        }
    }
}

/// `startsecs` as 4.3 prints it (an int in every real config).
pub(crate) fn seconds(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        d.as_secs().to_string()
    } else {
        d.as_secs_f64().to_string()
    }
}

pub(crate) fn spawned(name: &str, pid: Pid) -> String {
    format!("spawned: '{name}' with pid {pid}")
}
pub(crate) fn spawnerr(message: &str) -> String {
    format!("spawnerr: {message}")
}
pub(crate) fn success(name: &str, startsecs: Duration) -> String {
    format!(
        "success: {name} entered RUNNING state, process has stayed up for > than {} seconds \
         (startsecs)",
        seconds(startsecs)
    )
}
pub(crate) fn exited(name: &str, status: ExitStatus, expected: bool) -> String {
    let tail = if expected { "expected" } else { "not expected" };
    format!("exited: {name} ({}; {tail})", exit_message(status))
}
pub(crate) fn stopped(name: &str, status: ExitStatus) -> String {
    format!("stopped: {name} ({})", exit_message(status))
}
pub(crate) fn gave_up(name: &str) -> String {
    format!("gave up: {name} entered FATAL state, too many start retries too quickly")
}
pub(crate) fn killing(name: &str, pid: Pid, to_group: bool, signal: Signal) -> String {
    let group = if to_group { "process group " } else { "" };
    format!(
        "killing {name} (pid {pid}) {group}with signal {}",
        signal.name()
    )
}
pub(crate) fn killing_with_sigkill(name: &str, pid: Pid) -> String {
    format!("killing '{name}' ({pid}) with SIGKILL")
}
pub(crate) fn attempted_kill_in_backoff(name: &str) -> String {
    format!("Attempted to kill {name}, which is in BACKOFF state.")
}
pub(crate) fn kill_problem(name: &str, pid: Pid, error: &str) -> String {
    format!("unknown problem killing {name} ({pid}):{error}")
}
pub(crate) fn signal_problem(name: &str, pid: Pid, error: &str) -> String {
    format!("unknown problem sending sig {name} ({pid}):{error}")
}
pub(crate) fn sending(name: &str, pid: Pid, signal: Signal) -> String {
    format!("sending {name} (pid {pid}) sig {}", signal.name())
}
pub(crate) fn not_running_for_signal(name: &str, signal: Signal) -> String {
    format!(
        "attempted to send {name} sig {} but it wasn't running",
        signal.name()
    )
}
pub(crate) fn waiting_to_stop(name: &str) -> String {
    format!("waiting for {name} to stop")
}
pub(crate) fn waiting_to_die(names: &[&str]) -> String {
    format!("waiting for {} to die", names.join(", "))
}
pub(crate) fn reaped_unknown(pid: Pid, status: ExitStatus) -> String {
    format!("reaped unknown pid {pid} ({})", exit_message(status))
}
pub(crate) fn received(signal: Signal, meaning: &str) -> String {
    format!("received {} indicating {meaning}", signal.name())
}
pub(crate) fn ignored_hup(signal: Signal) -> String {
    format!(
        "ignored {} indicating restart request (shutdown in progress)",
        signal.name()
    )
}
