//! `Sim`: a simulated driver. Fake pids, a simulated clock that jumps from deadline to
//! deadline, automatic answers to CheckCommand and Spawn (success unless told otherwise),
//! and a readable trace of everything that happened (unless `record` is off, as in the
//! random traces of `trace_model.rs`).

pub use crate::sim_events::*;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::time::{Duration, Instant, UNIX_EPOCH};
use supervisor_core::{
    Effect, Event, EventSpec, ExitStatus, Fault, GroupSpec, Input, LogChannel, LogLevel, Now, Pid,
    ProcessId, ProcessSpec, ProcessStateCode, Reply, Request, RequestId, Signal, SpawnError,
    Supervisor, SupervisorSpec,
};

/// Shorthand: a `[program:name]` group with one process, options tweaked by `f`.
pub fn prog(name: &str, f: impl FnOnce(&mut ProcessSpec)) -> GroupSpec {
    let mut g = GroupSpec::program(name);
    f(&mut g.processes[0]);
    g
}

/// A group `name` with priority `priority` and processes `procs` (default options).
pub fn group(name: &str, priority: i32, procs: &[(&str, i32)]) -> GroupSpec {
    let mut g = GroupSpec::program(name);
    g.priority = priority;
    g.processes = procs
        .iter()
        .map(|&(n, prio)| {
            let mut p = ProcessSpec::new(n);
            p.priority = prio;
            p
        })
        .collect();
    g
}

pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}
pub fn ms(s: u64) -> Duration {
    Duration::from_millis(s)
}
pub fn code(c: i32) -> ExitStatus {
    ExitStatus::Code(c)
}
pub fn killed(sig: Signal) -> ExitStatus {
    ExitStatus::Signaled {
        signal: sig,
        core_dumped: false,
    }
}

pub struct Sim {
    pub core: Supervisor,
    origin: Instant,
    pub now: Instant,
    next_pid: i32,
    /// pids the "kernel" has alive, and whose they are
    pub live: BTreeMap<Pid, ProcessId>,
    /// next spawn outcome per process name: failures queued
    pub spawn_failures: HashMap<String, VecDeque<SpawnError>>,
    /// command check failures per process name (persistent)
    pub check_failures: HashMap<String, SpawnError>,
    /// kill(2) fails for these process names
    pub kill_failures: HashSet<String>,
    /// when true, a Kill makes the process exit at once by that signal...
    pub obey_kills: bool,
    /// ...except these process names, which ignore everything but SIGKILL
    pub stubborn: HashSet<String>,
    pub replies: BTreeMap<u64, Result<Reply, Fault>>,
    next_req: u64,
    pub trace: Vec<String>,
    pub logs: Vec<(LogLevel, String)>,
    pub kills: Vec<(String, Signal, bool)>,
    pub signals: Vec<(String, Signal)>,
    pub spawns: Vec<String>,
    pub exit: Option<i32>,
    pub restarted: bool,
    pub reopened: usize,
    pub violations: Vec<String>,
    /// when true, forks "take a while": Spawned is held until `release_spawns`
    pub hold_spawns: bool,
    pub held: Vec<(ProcessId, Pid)>,
    /// event options given to the core (set them in `with_setup`)
    pub event_spec: EventSpec,
    /// bytes written to each listener's stdin (by namespec), one entry per WriteStdin
    pub stdin: BTreeMap<String, Vec<Vec<u8>>>,
    /// listeners (by process name) that behave: READY at spawn, then `auto_answer` to
    /// every event followed by READY
    pub auto_listeners: HashMap<String, Vec<u8>>,
    /// when false (the random traces: the proptest and the fuzz target), the sim keeps no
    /// record of what happened: no `trace` lines, `logs`, `kills`, `signals`, `spawns` or
    /// `stdin`, and formats no names for them. Everything that decides what the sim does
    /// or what `check_invariants` sees (`live`, `replies`, `violations`, `exit`, ...) is
    /// kept either way. Default true.
    pub record: bool,
}

impl Sim {
    pub fn new(groups: Vec<GroupSpec>) -> Sim {
        Self::with_setup(groups, |_| {})
    }

    /// Like `new`, but `setup` runs before the core starts (to queue failures).
    pub fn with_setup(groups: Vec<GroupSpec>, setup: impl FnOnce(&mut Sim)) -> Sim {
        let origin = Instant::now(); // a value to count from; the sim never reads it again
        let (core, _) = Supervisor::new(
            SupervisorSpec::default(),
            Now {
                mono: origin,
                wall: UNIX_EPOCH,
            },
        );
        let mut sim = Sim {
            core,
            origin,
            now: origin,
            next_pid: 1000,
            live: BTreeMap::new(),
            spawn_failures: HashMap::new(),
            check_failures: HashMap::new(),
            kill_failures: HashSet::new(),
            obey_kills: false,
            stubborn: HashSet::new(),
            replies: BTreeMap::new(),
            next_req: 0,
            trace: Vec::new(),
            logs: Vec::new(),
            kills: Vec::new(),
            signals: Vec::new(),
            spawns: Vec::new(),
            exit: None,
            restarted: false,
            reopened: 0,
            violations: Vec::new(),
            hold_spawns: false,
            held: Vec::new(),
            event_spec: EventSpec::default(),
            stdin: BTreeMap::new(),
            auto_listeners: HashMap::new(),
            record: true,
        };
        setup(&mut sim);
        let (core, fx) = Supervisor::with_events(
            SupervisorSpec { groups },
            sim.event_spec.clone(),
            sim.clock(),
        );
        sim.core = core;
        sim.run(fx);
        sim
    }

    pub fn clock(&self) -> Now {
        let wall = UNIX_EPOCH + Duration::from_secs(1_795_867_440) + (self.now - self.origin);
        Now {
            mono: self.now,
            wall,
        }
    }

    pub fn t(&self) -> String {
        format!("{:>8.3}", (self.now - self.origin).as_secs_f64())
    }

    pub(crate) fn note(&mut self, line: String) {
        if !self.record {
            return;
        }
        let t = self.t();
        self.trace.push(format!("{t} {line}"));
    }

    /// Feed one input and apply everything that follows, like a driver.
    pub fn input(&mut self, input: Input) {
        let fx = self.core.handle(self.clock(), input);
        self.run(fx);
    }

    fn run(&mut self, fx: Vec<Effect>) {
        let mut queue: VecDeque<Input> = VecDeque::new();
        self.apply(fx, &mut queue);
        while let Some(input) = queue.pop_front() {
            if let Input::Exited { pid, .. } = &input {
                self.live.remove(pid);
            }
            let fx = self.core.handle(self.clock(), input);
            self.apply(fx, &mut queue);
        }
    }

    pub(crate) fn name(&self, id: ProcessId) -> String {
        match self.core.names_of(id) {
            Some((g, p)) if g == p => p.to_string(),
            Some((g, p)) => format!("{g}:{p}"),
            None => format!("#{}", id.0),
        }
    }

    /// The process name (without group) of `id`, "" if unknown.
    fn pname(&self, id: ProcessId) -> &str {
        self.core.names_of(id).map_or("", |(_, p)| p)
    }

    fn apply(&mut self, fx: Vec<Effect>, queue: &mut VecDeque<Input>) {
        let record = self.record;
        for e in fx {
            match e {
                Effect::CheckCommand { check, process } => {
                    let result = match self.check_failures.get(self.pname(process)) {
                        Some(err) => Err(err.clone()),
                        None => Ok(()),
                    };
                    queue.push_back(Input::CommandChecked { check, result });
                }
                Effect::Spawn { process, name, .. } => {
                    let ns = if record {
                        let ns = self.name(process);
                        self.spawns.push(ns.clone());
                        ns
                    } else {
                        String::new()
                    };
                    match self
                        .spawn_failures
                        .get_mut(&name)
                        .and_then(VecDeque::pop_front)
                    {
                        Some(error) => {
                            if record {
                                self.note(format!("-> spawn {ns} (fails)"));
                            }
                            queue.push_back(Input::SpawnFailed { process, error });
                        }
                        None => {
                            self.next_pid += 1;
                            let pid = Pid(self.next_pid);
                            if record {
                                self.note(format!("-> spawn {ns} (pid {pid})"));
                            }
                            if self.hold_spawns {
                                self.held.push((process, pid));
                            } else {
                                self.live.insert(pid, process);
                                queue.push_back(Input::Spawned { process, pid });
                                if self.auto_listeners.contains_key(&name) {
                                    queue.push_back(ready(process));
                                }
                            }
                        }
                    }
                }
                Effect::Kill {
                    process,
                    pid,
                    signal,
                    to_group,
                } => {
                    if record {
                        let ns = self.name(process);
                        let g = if to_group { " to group" } else { "" };
                        self.note(format!("-> kill {ns} (pid {pid}) {signal}{g}"));
                        self.kills.push((ns, signal, to_group));
                    }
                    if self.live.get(&pid) != Some(&process) {
                        self.violations.push(format!("Kill to unknown pid {pid}"));
                    }
                    let pname = self.pname(process);
                    if self.kill_failures.contains(pname) {
                        queue.push_back(Input::KillFailed {
                            pid,
                            error: "[Errno 1] Operation not permitted".into(),
                        });
                    } else if self.obey_kills
                        && (signal == Signal::KILL || !self.stubborn.contains(pname))
                        && !queue
                            .iter()
                            .any(|i| matches!(i, Input::Exited { pid: p, .. } if *p == pid))
                    {
                        // dies now, reaped when the queued Exited is handled (a zombie
                        // until then: further kills are still valid)
                        queue.push_back(Input::Exited {
                            pid,
                            status: killed(signal),
                        });
                    }
                }
                Effect::Signal {
                    process,
                    pid,
                    signal,
                } => {
                    if record {
                        let ns = self.name(process);
                        self.note(format!("-> signal {ns} (pid {pid}) {signal}"));
                        self.signals.push((ns, signal));
                    }
                    if self.live.get(&pid) != Some(&process) {
                        self.violations.push(format!("Signal to unknown pid {pid}"));
                    }
                    if self.kill_failures.contains(self.pname(process)) {
                        queue.push_back(Input::SignalFailed {
                            pid,
                            error: "[Errno 1] Operation not permitted".into(),
                        });
                    }
                }
                Effect::Reply { id, result } => {
                    if record {
                        self.note(format!("-> reply #{} {}", id.0, show_reply(&result)));
                    }
                    if self.replies.insert(id.0, result).is_some() {
                        self.violations.push(format!("second reply to #{}", id.0));
                    }
                }
                Effect::Log { level, message } => {
                    if record {
                        self.note(format!("{} {message}", level.code()));
                        self.logs.push((level, message));
                    }
                }
                Effect::Event(Event::ProcessState {
                    process, from, to, ..
                }) => {
                    if record {
                        let ns = self.name(process);
                        self.note(format!("   {ns}: {} -> {}", from.name(), to.name()));
                    }
                }
                Effect::Event(_) => {}
                Effect::WriteStdin { process, bytes } => {
                    if record {
                        let ns = self.name(process);
                        let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
                        self.note(format!("-> stdin {ns}: {}", String::from_utf8_lossy(line)));
                    }
                    if self.core.pid_of(process).is_none() {
                        let ns = self.name(process);
                        self.violations
                            .push(format!("WriteStdin to {ns} without a pid"));
                    }
                    if let Some(answer) = self.auto_listeners.get(self.pname(process)) {
                        let mut out = supervisor_core::eventproto::result_message(answer);
                        out.extend_from_slice(b"READY\n");
                        queue.push_back(Input::Output {
                            process,
                            channel: LogChannel::Stdout,
                            bytes: out,
                        });
                    }
                    if record {
                        let ns = self.name(process);
                        self.stdin.entry(ns).or_default().push(bytes);
                    }
                }
                Effect::ReopenLogs => {
                    self.note("-> reopen logs".into());
                    self.reopened += 1;
                }
                Effect::Exit { code } => {
                    self.note(format!("-> exit {code}"));
                    if self.exit.replace(code).is_some() || self.restarted {
                        self.violations.push("second Exit".into());
                    }
                }
                Effect::Restart => {
                    self.note("-> restart".into());
                    if self.restarted || self.exit.is_some() {
                        self.violations.push("second Restart".into());
                    }
                    self.restarted = true;
                }
            }
        }
    }

    /// Deliver the Spawned answers held back by `hold_spawns`.
    pub fn release_spawns(&mut self) {
        for (process, pid) in std::mem::take(&mut self.held) {
            self.live.insert(pid, process);
            if self.record {
                self.note(format!("<- spawned pid {pid}"));
            }
            self.input(Input::Spawned { process, pid });
            if self.auto_listeners.contains_key(self.pname(process)) {
                self.input(ready(process));
            }
        }
    }

    /// Let `d` pass, handling every deadline on the way at its instant.
    pub fn advance(&mut self, d: Duration) {
        let target = self.now + d;
        for _ in 0..100_000 {
            match self.core.poll_timeout() {
                Some(t) if t <= target => {
                    if t < self.now {
                        self.violations.push("poll_timeout in the past".into());
                    }
                    self.now = self.now.max(t);
                    self.input(Input::Timeout);
                }
                _ => {
                    self.now = target;
                    return;
                }
            }
        }
        panic!("busy loop: poll_timeout keeps returning due deadlines");
    }

    /// Send a request; returns its id.
    pub fn request(&mut self, request: Request) -> u64 {
        self.next_req += 1;
        let id = self.next_req;
        if self.record {
            self.note(format!("<- request #{id} {request:?}"));
        }
        self.input(Input::Request {
            id: RequestId(id),
            request,
        });
        id
    }

    pub fn reply(&self, id: u64) -> Option<&Result<Reply, Fault>> {
        self.replies.get(&id)
    }

    pub fn signal(&mut self, sig: Signal) {
        if self.record {
            self.note(format!("<- supervisord receives {sig}"));
        }
        self.input(Input::Signal(sig));
    }

    pub fn pid(&self, namespec: &str) -> Pid {
        let id = self.core.process_id(namespec).expect("known process");
        self.core.pid_of(id).expect("process has a pid")
    }

    /// The child of `namespec` exits with `status`.
    pub fn exit(&mut self, namespec: &str, status: ExitStatus) {
        let pid = self.pid(namespec);
        self.exit_pid(pid, status);
    }

    pub fn exit_pid(&mut self, pid: Pid, status: ExitStatus) {
        self.live.remove(&pid);
        if self.record {
            self.note(format!("<- reaped pid {pid} {status:?}"));
        }
        self.input(Input::Exited { pid, status });
    }

    pub fn state(&self, namespec: &str) -> ProcessStateCode {
        self.core.process_state(namespec).expect("known process")
    }

    /// Log messages only (no levels).
    pub fn messages(&self) -> Vec<&str> {
        self.logs.iter().map(|(_, m)| m.as_str()).collect()
    }

    pub fn has_log(&self, level: LogLevel, message: &str) -> bool {
        self.logs.iter().any(|(l, m)| *l == level && m == message)
    }

    /// Forget the log and trace so far.
    pub fn clear(&mut self) {
        self.logs.clear();
        self.trace.clear();
        self.kills.clear();
        self.spawns.clear();
        self.signals.clear();
    }

    pub fn trace_text(&self) -> String {
        let mut s = String::new();
        for line in &self.trace {
            let _ = writeln!(s, "{line}");
        }
        s
    }

    /// Invariants that must hold after every step.
    pub fn check_invariants(&self) -> Result<(), String> {
        if let Some(v) = self.violations.first() {
            return Err(v.clone());
        }
        for i in 0.. {
            let id = ProcessId(i);
            let Some(_) = self.core.names_of(id) else {
                break;
            };
            if let Some(pid) = self.core.pid_of(id)
                && self.live.get(&pid) != Some(&id)
            {
                return Err(format!(
                    "{} holds pid {pid} that is not its live child",
                    self.name(id)
                ));
            }
        }
        for (pid, id) in &self.live {
            if self.core.pid_of(*id) != Some(*pid) {
                return Err(format!(
                    "live child {pid} of {} unknown to the core",
                    self.name(*id)
                ));
            }
        }
        if let Some(t) = self.core.poll_timeout()
            && t < self.now
        {
            return Err("poll_timeout earlier than now".into());
        }
        self.check_event_invariants()
    }

    pub fn unanswered(&self) -> Vec<u64> {
        (1..=self.next_req)
            .filter(|id| !self.replies.contains_key(id))
            .collect()
    }
}

fn ready(process: ProcessId) -> Input {
    Input::Output {
        process,
        channel: LogChannel::Stdout,
        bytes: b"READY\n".to_vec(),
    }
}

pub fn show_reply(result: &Result<Reply, Fault>) -> String {
    match result {
        Ok(Reply::Bool(b)) => b.to_string(),
        Ok(Reply::Results(rs)) => {
            let parts: Vec<String> = rs
                .iter()
                .map(|r| format!("{}:{} {}", r.group, r.name, r.description))
                .collect();
            format!("[{}]", parts.join(", "))
        }
        Err(f) => format!("fault {f}"),
    }
}

/// The reply of `id` rendered by `show_reply`, or `pending`.
pub fn shown(sim: &Sim, id: u64) -> String {
    sim.reply(id)
        .map_or_else(|| "pending".to_string(), show_reply)
}
