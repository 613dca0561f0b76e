//! What the core needs to know about the configuration: groups, priorities and the
//! per-process lifecycle options. The config crate converts a validated `supervisord.conf`
//! into these; commands, environments and log files stay with the driver.

use crate::vocab::{AutoRestart, Signal};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Everything the core supervises.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SupervisorSpec {
    /// Process groups, in any order: the core sorts them by (priority, name) as supervisord
    /// does.
    pub groups: Vec<GroupSpec>,
}

/// The kind of section a group came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GroupKind {
    /// `[program:x]`: a homogeneous group of `numprocs` processes.
    Program,
    /// `[eventlistener:x]`: a listener pool (default priority -1, so stopped last).
    EventListener,
    /// `[fcgi-program:x]`: processes sharing a listening socket.
    FcgiProgram,
    /// `[group:x]`: a heterogeneous group of other programs' processes.
    Heterogeneous,
}

/// One process group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSpec {
    /// The group name (first half of a `group:process` namespec).
    pub name: String,
    /// `priority=`: lower starts earlier and stops later.
    pub priority: i32,
    /// Which kind of section defined the group.
    pub kind: GroupKind,
    /// The group's processes, in any order: sorted by (priority, name) by the core.
    pub processes: Vec<ProcessSpec>,
}

/// The lifecycle options of one process, named as in `supervisord.conf`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessSpec {
    /// The process name (`process_name=` after expansion).
    pub name: String,
    /// `priority=` (default 999).
    pub priority: i32,
    /// `autostart=` (default true): spawn at startup if never started.
    pub autostart: bool,
    /// `startsecs=` (default 1 s): how long the process must stay up to be RUNNING.
    pub startsecs: Duration,
    /// `startretries=` (default 3): BACKOFF retries before FATAL.
    pub startretries: u32,
    /// `autorestart=` (default unexpected).
    pub autorestart: AutoRestart,
    /// `exitcodes=` (default `0`): exit codes that count as expected.
    pub exitcodes: Vec<i32>,
    /// `stopsignal=` (default TERM).
    pub stopsignal: Signal,
    /// `stopwaitsecs=` (default 10 s): time between the stop signal and SIGKILL, and
    /// between repeated SIGKILLs.
    pub stopwaitsecs: Duration,
    /// `stopasgroup=`: send the stop signal to the process group.
    pub stopasgroup: bool,
    /// `killasgroup=`: send SIGKILL to the process group.
    pub killasgroup: bool,
}

impl ProcessSpec {
    /// A process with supervisord's defaults for every option.
    pub fn new(name: impl Into<String>) -> Self {
        ProcessSpec {
            name: name.into(),
            priority: 999,
            autostart: true,
            startsecs: Duration::from_secs(1),
            startretries: 3,
            autorestart: AutoRestart::Unexpected,
            exitcodes: vec![0],
            stopsignal: Signal::TERM,
            stopwaitsecs: Duration::from_secs(10),
            stopasgroup: false,
            killasgroup: false,
        }
    }
}

impl GroupSpec {
    /// A `[program:name]` group of one process with default options and the same name.
    pub fn program(name: impl Into<String>) -> Self {
        let name = name.into();
        GroupSpec {
            processes: vec![ProcessSpec::new(name.clone())],
            name,
            priority: 999,
            kind: GroupKind::Program,
        }
    }
}
