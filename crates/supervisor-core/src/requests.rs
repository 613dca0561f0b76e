//! Client requests with 4.3's faults per state (rpcinterface.py: startProcess, stopProcess,
//! signalProcess and their group/"all" forms, shutdown, restart) plus `clearFatal`.

use crate::effect::{Effect, Event, ProcessResult, Reply};
use crate::input::{Request, RequestId, SpawnError};
use crate::namespec::Target;
use crate::pending::{Check, SlotRef, Want, Watch};
use crate::supervisor::{Now, ProcessId, Supervisor};
use crate::text;
use crate::transition::{Note, ProcEvent};
use crate::vocab::{Fault, FaultCode, LogLevel, ProcessStateCode, Signal, SupervisorStateCode};

fn fault(code: FaultCode, detail: impl Into<String>) -> Fault {
    Fault::new(code, detail)
}

/// 4.3 `datatypes.signal_number`: a number or a name (`HUP`, `sighup`), known to Python.
pub(crate) fn parse_signal(value: &str) -> Option<Signal> {
    match value.trim().parse::<i64>() {
        Ok(num) => i32::try_from(num)
            .ok()
            .filter(|&n| Signal::is_known_number(n))
            .map(Signal),
        Err(_) => Signal::from_name(value),
    }
}

impl Supervisor {
    /// 4.3 `_update`: every `supervisor.*` method faults SHUTDOWN_STATE while the mood is
    /// below RUNNING. FATAL (2) is above RUNNING, so requests keep working in FATAL.
    pub(crate) fn check_mood(&self) -> Result<(), Fault> {
        match self.mood {
            SupervisorStateCode::Running | SupervisorStateCode::Fatal => Ok(()),
            SupervisorStateCode::Restarting | SupervisorStateCode::Shutdown => {
                Err(Fault::bare(FaultCode::ShutdownState))
            }
        }
    }

    pub(crate) fn on_request(
        &mut self,
        id: RequestId,
        request: Request,
        now: Now,
        fx: &mut Vec<Effect>,
    ) {
        let reply = |fx: &mut Vec<Effect>, result: Result<Reply, Fault>| {
            fx.push(Effect::Reply { id, result });
        };
        // 4.3's sendRemoteCommEvent is the one supervisor.* method without `_update`: it
        // answers True even while supervisord shuts down (checked against 4.3.0).
        let checks_mood = !matches!(request, Request::SendRemoteCommEvent { .. });
        if checks_mood && let Err(f) = self.check_mood() {
            return reply(fx, Err(f));
        }
        match request {
            Request::Start { name, wait } => match self.resolve(&name) {
                Err(f) => reply(fx, Err(f)),
                Ok(Target::Group(g)) => {
                    self.start_batch(id, self.groups[g].members.clone(), wait, fx)
                }
                Ok(Target::Process(p)) => self.start_one(SlotRef::One { id }, p, name, wait, fx),
            },
            Request::StartGroup { name, wait } => match self.group_index(&name) {
                None => reply(fx, Err(fault(FaultCode::BadName, name))),
                Some(g) => self.start_batch(id, self.groups[g].members.clone(), wait, fx),
            },
            Request::StartAll { wait } => {
                self.start_batch(id, self.all_in_priority_order(), wait, fx)
            }
            Request::Stop { name, wait } => match self.resolve(&name) {
                Err(f) => reply(fx, Err(f)),
                Ok(Target::Group(g)) => {
                    self.stop_batch(id, self.groups[g].members.clone(), wait, now, fx)
                }
                Ok(Target::Process(p)) => {
                    self.stop_one(SlotRef::One { id }, p, name, wait, now, fx)
                }
            },
            Request::StopGroup { name, wait } => match self.group_index(&name) {
                None => reply(fx, Err(fault(FaultCode::BadName, name))),
                Some(g) => self.stop_batch(id, self.groups[g].members.clone(), wait, now, fx),
            },
            Request::StopAll { wait } => {
                // ascending priority, like starting (quirk §11 item 8, issue #217)
                self.stop_batch(id, self.all_in_priority_order(), wait, now, fx);
            }
            Request::Signal { name, signal } => match self.resolve(&name) {
                Err(f) => reply(fx, Err(f)),
                Ok(Target::Group(g)) => {
                    let results = self.signal_batch(self.groups[g].members.clone(), &signal, fx);
                    reply(fx, Ok(Reply::Results(results)));
                }
                Ok(Target::Process(p)) => {
                    let result = self.signal_one(p, &name, &signal, fx);
                    reply(fx, result.map(|()| Reply::Bool(true)));
                }
            },
            Request::SignalGroup { name, signal } => match self.group_index(&name) {
                None => reply(fx, Err(fault(FaultCode::BadName, name))),
                Some(g) => {
                    let results = self.signal_batch(self.groups[g].members.clone(), &signal, fx);
                    reply(fx, Ok(Reply::Results(results)));
                }
            },
            Request::SignalAll { signal } => {
                // 4.3 checks the mood only at the end, but each signalProcess checks it
                // first: while shutting down nothing is signalled and the reply is the fault.
                let results = self.signal_batch(self.all_in_priority_order(), &signal, fx);
                reply(fx, Ok(Reply::Results(results)));
            }
            Request::AddGroup { group } => {
                if self.group_index(&group.name).is_some() {
                    return reply(fx, Err(fault(FaultCode::AlreadyAdded, group.name)));
                }
                let name = group.name.clone();
                self.add_group(group);
                fx.push(Effect::Event(Event::GroupAdded { group: name }));
                reply(fx, Ok(Reply::Bool(true)));
            }
            Request::RemoveGroup { name } => {
                let Some(g) = self.group_index(&name) else {
                    return reply(fx, Err(fault(FaultCode::BadName, name)));
                };
                let members = self.groups[g].members.clone();
                if members
                    .iter()
                    .any(|id| !self.processes[id.index()].code().is_stopped())
                {
                    return reply(fx, Err(fault(FaultCode::StillRunning, name)));
                }
                for &id in &members {
                    self.processes[id.index()].active = false;
                }
                self.detach_events(&name, &members, fx);
                self.groups.remove(g);
                fx.push(Effect::Event(Event::GroupRemoved { group: name }));
                reply(fx, Ok(Reply::Bool(true)));
            }
            Request::Shutdown => {
                self.mood = SupervisorStateCode::Shutdown;
                reply(fx, Ok(Reply::Bool(true)));
            }
            Request::Restart => {
                self.mood = SupervisorStateCode::Restarting;
                reply(fx, Ok(Reply::Bool(true)));
            }
            Request::ClearFatal => {
                self.clear_fatal(fx);
                reply(fx, Ok(Reply::Bool(true)));
            }
            Request::SendRemoteCommEvent { kind, data } => {
                fx.push(Effect::Event(Event::RemoteCommunication { kind, data }));
                reply(fx, Ok(Reply::Bool(true)));
            }
            Request::QueryMonitor { pool } => {
                let monitor = self
                    .events
                    .pool_index(&pool)
                    .filter(|&i| self.events.pools[i].monitor.is_some());
                match monitor {
                    Some(i) => {
                        self.query_monitor(i, fx);
                        reply(fx, Ok(Reply::Bool(true)));
                    }
                    None => reply(fx, Err(fault(FaultCode::BadName, pool))),
                }
            }
            Request::AddGroupWithEvents { group, events } => {
                if self.group_index(&group.name).is_some() {
                    return reply(fx, Err(fault(FaultCode::AlreadyAdded, group.name)));
                }
                self.events.groups.insert(group.name.clone(), events);
                let name = group.name.clone();
                self.add_group(group);
                fx.push(Effect::Event(Event::GroupAdded { group: name }));
                reply(fx, Ok(Reply::Bool(true)));
            }
        }
    }

    /// 4.3 `_getAllProcesses()`: groups by priority, processes by priority (ascending).
    pub(crate) fn all_in_priority_order(&self) -> Vec<ProcessId> {
        self.groups
            .iter()
            .flat_map(|g| g.members.iter().copied())
            .collect()
    }

    fn slots(&self, members: &[ProcessId]) -> Vec<(String, String)> {
        members
            .iter()
            .map(|id| {
                let p = &self.processes[id.index()];
                (p.group.clone(), p.spec.name.clone())
            })
            .collect()
    }

    fn start_batch(
        &mut self,
        id: RequestId,
        members: Vec<ProcessId>,
        wait: bool,
        fx: &mut Vec<Effect>,
    ) {
        // predicate isNotRunning, evaluated when the request arrives
        let chosen: Vec<ProcessId> = members
            .into_iter()
            .filter(|id| !self.processes[id.index()].code().is_running())
            .collect();
        self.pending.open_batch(id, self.slots(&chosen));
        for (slot, p) in chosen.into_iter().enumerate() {
            let name = self.processes[p.index()].namespec();
            self.start_one(SlotRef::Many { id, slot }, p, name, wait, fx);
        }
        self.pending.close_if_done(id, fx);
    }

    /// startProcess: first 4.3's command pre-check (a failure leaves the state untouched),
    /// then the state checks, then the spawn; see `on_command_checked`.
    fn start_one(
        &mut self,
        to: SlotRef,
        process: ProcessId,
        name: String,
        wait: bool,
        fx: &mut Vec<Effect>,
    ) {
        let check = self.new_check();
        self.pending.add_check(Check {
            id: check,
            process,
            wait,
            name,
            to,
        });
        fx.push(Effect::CheckCommand { check, process });
    }

    pub(crate) fn on_command_checked(
        &mut self,
        check: crate::input::CheckId,
        result: Result<(), SpawnError>,
        now: Now,
        fx: &mut Vec<Effect>,
    ) {
        let Some(c) = self.pending.take_check(check) else {
            return;
        };
        let Some(p) = self.processes.get(c.process.index()) else {
            return;
        };
        let outcome = match (self.check_mood(), result) {
            (Err(f), _) => Err(f),
            // its group was removed while the check was in flight
            (Ok(()), _) if !p.active => Err(fault(FaultCode::BadName, &c.name)),
            (Ok(()), Err(SpawnError::NotFound { message })) => {
                Err(fault(FaultCode::NoFile, message))
            }
            (Ok(()), Err(SpawnError::NotExecutable { message })) => {
                Err(fault(FaultCode::NotExecutable, message))
            }
            (Ok(()), Err(SpawnError::Resources { .. })) => {
                Err(fault(FaultCode::SpawnError, &c.name))
            }
            (Ok(()), Ok(())) => match p.code() {
                code if code.is_running() => Err(fault(FaultCode::AlreadyStarted, &c.name)),
                ProcessStateCode::Unknown => Err(fault(
                    FaultCode::Failed,
                    format!("{} is in an unknown process state", c.name),
                )),
                _ => Ok(()),
            },
        };
        let stopping = p.code() == ProcessStateCode::Stopping;
        match outcome {
            Err(f) => self.pending.settle(&c.to, true, Err(f), fx),
            Ok(()) if stopping => {
                // 4.3: spawn() only warns "already running" (a pid exists); without wait the
                // reply is true, with wait the first poll sees STOPPING: ABNORMAL_TERMINATION.
                self.apply(c.process, ProcEvent::Start, now, fx);
                let result = if c.wait {
                    Err(fault(FaultCode::AbnormalTermination, &c.name))
                } else {
                    Ok(())
                };
                self.pending.settle(&c.to, !c.wait, result, fx);
            }
            Ok(()) => {
                let want = Want::Start { wait: c.wait };
                self.pending.watch(Watch {
                    process: c.process,
                    want,
                    name: c.name,
                    to: c.to,
                });
                self.apply(c.process, ProcEvent::Start, now, fx);
            }
        }
    }

    fn stop_batch(
        &mut self,
        id: RequestId,
        members: Vec<ProcessId>,
        wait: bool,
        now: Now,
        fx: &mut Vec<Effect>,
    ) {
        // predicate isRunning, evaluated when the request arrives
        let chosen: Vec<ProcessId> = members
            .into_iter()
            .filter(|id| self.processes[id.index()].code().is_running())
            .collect();
        self.pending.open_batch(id, self.slots(&chosen));
        for (slot, p) in chosen.into_iter().enumerate() {
            let name = self.processes[p.index()].namespec();
            self.stop_one(SlotRef::Many { id, slot }, p, name, wait, now, fx);
        }
        self.pending.close_if_done(id, fx);
    }

    fn stop_one(
        &mut self,
        to: SlotRef,
        process: ProcessId,
        name: String,
        wait: bool,
        now: Now,
        fx: &mut Vec<Effect>,
    ) {
        if !self.processes[process.index()].code().is_running() {
            return self
                .pending
                .settle(&to, true, Err(fault(FaultCode::NotRunning, name)), fx);
        }
        self.apply(process, ProcEvent::Stop, now, fx);
        if !wait || self.processes[process.index()].code().is_stopped() {
            return self.pending.settle(&to, true, Ok(()), fx);
        }
        self.pending.watch(Watch {
            process,
            want: Want::Stop,
            name,
            to,
        });
    }

    /// signalProcess for one process: BAD_SIGNAL, then NOT_RUNNING, then the signal.
    fn signal_one(
        &mut self,
        process: ProcessId,
        name: &str,
        signal: &str,
        fx: &mut Vec<Effect>,
    ) -> Result<(), Fault> {
        let sig = parse_signal(signal).ok_or_else(|| fault(FaultCode::BadSignal, signal))?;
        let p = &self.processes[process.index()];
        if !p.code().is_signallable() {
            return Err(fault(FaultCode::NotRunning, name));
        }
        let Some(pid) = p.state.pid() else {
            // STARTING before the fork returned: 4.3's signal() on a pid-less process
            return Err(fault(
                FaultCode::Failed,
                text::not_running_for_signal(&p.spec.name, sig),
            ));
        };
        fx.push(Effect::Log {
            level: LogLevel::Debug,
            message: text::sending(&p.spec.name, pid, sig),
        });
        fx.push(Effect::Signal {
            process,
            pid,
            signal: sig,
        });
        Ok(())
    }

    /// signalProcessGroup / signalAllProcesses: synchronous, one result per signallable
    /// process (a bad signal gives a BAD_SIGNAL entry per process, not a fault).
    fn signal_batch(
        &mut self,
        members: Vec<ProcessId>,
        signal: &str,
        fx: &mut Vec<Effect>,
    ) -> Vec<ProcessResult> {
        let chosen: Vec<ProcessId> = members
            .into_iter()
            .filter(|id| self.processes[id.index()].code().is_signallable())
            .collect();
        chosen
            .into_iter()
            .map(|id| {
                let name = self.processes[id.index()].namespec();
                let result = self.signal_one(id, &name, signal, fx);
                let p = &self.processes[id.index()];
                ProcessResult::new(&p.group, &p.spec.name, &result)
            })
            .collect()
    }

    /// Settle the watches a transition decided (called for every note).
    pub(crate) fn settle(&mut self, note: &Note, _now: Now, fx: &mut Vec<Effect>) {
        let process = match note {
            Note::Changed { process, .. }
            | Note::Spawned { process }
            | Note::SpawnFailed { process }
            | Note::KillFailed { process, .. } => *process,
            Note::SignalFailed { .. } => return,
        };
        let Some(p) = self.processes.get(process.index()) else {
            return;
        };
        let mut keep = Vec::new();
        for w in self.pending.take_watches(process) {
            let decided: Option<(bool, Result<(), Fault>)> = match (w.want, note) {
                (Want::Start { wait: false }, Note::Spawned { .. }) => Some((true, Ok(()))),
                (Want::Start { .. }, Note::SpawnFailed { .. }) => {
                    Some((true, Err(fault(FaultCode::SpawnError, &w.name))))
                }
                (
                    Want::Start { wait: true },
                    Note::Changed {
                        to: ProcessStateCode::Running,
                        ..
                    },
                ) => {
                    // startsecs=0: 4.3 sees RUNNING during the request itself
                    Some((p.spec.startsecs.is_zero(), Ok(())))
                }
                (Want::Start { wait: true }, Note::Changed { to, .. })
                    if *to != ProcessStateCode::Starting =>
                {
                    let code = if p.history.spawnerr.is_some() {
                        FaultCode::SpawnError
                    } else {
                        FaultCode::AbnormalTermination
                    };
                    Some((false, Err(fault(code, &w.name))))
                }
                (
                    Want::Stop,
                    Note::KillFailed {
                        message,
                        first: true,
                        ..
                    },
                ) => Some((true, Err(fault(FaultCode::Failed, message.clone())))),
                (Want::Stop, Note::Changed { to, .. }) if to.is_stopped() => Some((false, Ok(()))),
                _ => None,
            };
            match decided {
                Some((immediate, result)) => self.pending.settle(&w.to, immediate, result, fx),
                None => keep.push(w),
            }
        }
        self.pending.restore_watches(keep);
    }
}
