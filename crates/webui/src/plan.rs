//! What an action does, as steps the driver runs one after another, and the message
//! the page shows afterwards (4.3's texts, `StatusView.make_callback`). Pure: the
//! driver runs the steps, collects one result per step and asks [`message`].

use supervisor_core::{Fault, FaultCode, ProcessResult, Reply, Request};

use crate::form::{Action, Logs, Target};

/// One step of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A core request (always with `wait=true`: the answer comes once it is done).
    Core(Request),
    /// Clear logs of a process (the driver's files, not the core's).
    ClearLogs {
        /// The process.
        namespec: String,
        /// Which logs.
        logs: Logs,
    },
}

/// The steps of `action`, in order.
pub fn steps(action: &Action) -> Vec<Step> {
    let wait = true;
    let core = Step::Core;
    match action {
        Action::Refresh => vec![],
        Action::StopAll => vec![core(Request::StopAll { wait })],
        Action::RestartAll => vec![
            core(Request::StopAll { wait }),
            core(Request::StartAll { wait }),
        ],
        Action::ClearFatal => vec![core(Request::ClearFatal)],
        Action::Start(Target::Process(name)) => vec![core(Request::Start {
            name: name.clone(),
            wait,
        })],
        Action::Stop(Target::Process(name)) => vec![core(Request::Stop {
            name: name.clone(),
            wait,
        })],
        Action::Restart(Target::Process(name)) => vec![
            core(Request::Stop {
                name: name.clone(),
                wait,
            }),
            core(Request::Start {
                name: name.clone(),
                wait,
            }),
        ],
        Action::Start(Target::Group(name)) => {
            vec![core(Request::StartGroup {
                name: name.clone(),
                wait,
            })]
        }
        Action::Stop(Target::Group(name)) => vec![core(Request::StopGroup {
            name: name.clone(),
            wait,
        })],
        Action::Restart(Target::Group(name)) => vec![
            core(Request::StopGroup {
                name: name.clone(),
                wait,
            }),
            core(Request::StartGroup {
                name: name.clone(),
                wait,
            }),
        ],
        Action::ClearLog { namespec, logs } => vec![Step::ClearLogs {
            namespec: namespec.clone(),
            logs: *logs,
        }],
    }
}

/// The message for an action whose target does not exist (nothing is done).
pub fn no_such(target: &Target) -> String {
    match target {
        Target::Process(name) => format!("No such process named {name}"),
        Target::Group(name) => format!("No such group named {name}"),
    }
}

/// The message after `action`'s steps gave `results` (one per step); `ctime` is the
/// local time as Python's `time.ctime()` (see [`crate::ctime`]).
pub fn message(action: &Action, results: &[Result<Reply, Fault>], ctime: &str) -> String {
    let first_fault = results.iter().find_map(|r| r.as_ref().err());
    match action {
        Action::Refresh => format!("Page refreshed at {ctime}"),
        Action::StopAll => format!("All stopped at {ctime}"),
        Action::RestartAll => format!("All restarted at {ctime}"),
        Action::ClearFatal => match first_fault {
            None => "supervisord's FATAL state cleared".to_owned(),
            Some(f) => unexpected(f),
        },
        Action::Start(Target::Process(ns)) => match first_fault {
            None => format!("Process {ns} started"),
            Some(f) => format!("ERROR: Process {ns}: {}", start_error(f)),
        },
        Action::Stop(Target::Process(ns)) => match first_fault {
            None => format!("Process {ns} stopped"),
            Some(f) => unexpected(f),
        },
        // 4.3 ignores both calls' faults; a start failure is worth telling here.
        Action::Restart(Target::Process(ns)) => match results.get(1) {
            Some(Err(f)) => format!("ERROR: Process {ns}: {}", start_error(f)),
            _ => format!("Process {ns} restarted"),
        },
        Action::Start(Target::Group(g)) => group_message(g, "started", results),
        Action::Stop(Target::Group(g)) => group_message(g, "stopped", results),
        Action::Restart(Target::Group(g)) => group_message(g, "restarted", results),
        Action::ClearLog { namespec, logs } => match first_fault {
            Some(f) => unexpected(f),
            None => match logs {
                Logs::Both => format!("Log for {namespec} cleared"),
                Logs::Stdout => format!("Stdout log for {namespec} cleared"),
                Logs::Stderr => format!("Stderr log for {namespec} cleared"),
            },
        },
    }
}

fn unexpected(f: &Fault) -> String {
    format!("unexpected rpc fault [{}] {f}", f.code as i64)
}

fn start_error(f: &Fault) -> String {
    match f.code {
        FaultCode::NoFile => "no such file".into(),
        FaultCode::NotExecutable => "file not executable".into(),
        FaultCode::AlreadyStarted => "already started".into(),
        FaultCode::SpawnError => "spawn error".into(),
        FaultCode::AbnormalTermination => "abnormal termination".into(),
        _ => unexpected(f),
    }
}

/// `Group g started`, or the failures of its processes.
fn group_message(group: &str, done: &str, results: &[Result<Reply, Fault>]) -> String {
    let mut failures = Vec::new();
    for result in results {
        match result {
            Err(f) => failures.push(unexpected(f)),
            Ok(Reply::Results(list)) => failures.extend(
                list.iter()
                    .filter(|r| r.status != FaultCode::Success)
                    .map(describe),
            ),
            Ok(Reply::Bool(_)) => {}
        }
    }
    if failures.is_empty() {
        format!("Group {group} {done}")
    } else {
        format!("ERROR: Group {group}: {}", failures.join("; "))
    }
}

fn describe(r: &ProcessResult) -> String {
    let ns = if r.group == r.name {
        r.name.clone()
    } else {
        format!("{}:{}", r.group, r.name)
    };
    format!("{ns}: {}", r.description)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_like_4_3() {
        let start = Action::Start(Target::Process("g:a".into()));
        assert_eq!(
            message(&start, &[Ok(Reply::Bool(true))], ""),
            "Process g:a started"
        );
        let spawn = Err(Fault::new(FaultCode::SpawnError, "g:a"));
        assert_eq!(
            message(&start, &[spawn], ""),
            "ERROR: Process g:a: spawn error"
        );
        let stop = Action::Stop(Target::Process("a".into()));
        let not_running = Err(Fault::new(FaultCode::NotRunning, "a"));
        assert_eq!(
            message(&stop, &[not_running], ""),
            "unexpected rpc fault [70] NOT_RUNNING: a"
        );
        assert_eq!(
            message(&Action::Refresh, &[], "Sat Nov 28 14:25:19 2026"),
            "Page refreshed at Sat Nov 28 14:25:19 2026"
        );
    }

    #[test]
    fn group_failures_listed() {
        let failed = ProcessResult {
            name: "b".into(),
            group: "g".into(),
            status: FaultCode::SpawnError,
            description: "SPAWN_ERROR: g:b".into(),
        };
        let start = Action::Start(Target::Group("g".into()));
        assert_eq!(
            message(&start, &[Ok(Reply::Results(vec![failed]))], ""),
            "ERROR: Group g: g:b: SPAWN_ERROR: g:b"
        );
        assert_eq!(
            message(&start, &[Ok(Reply::Results(vec![]))], ""),
            "Group g started"
        );
    }
}
