//! Running a validated [`Call`] on the loop's thread: queries read the core and the
//! driver's tables directly; state changes go to the core as requests whose answer
//! may come later (a [`Exec::Wait`] channel, filled by the core's `Reply` effect).

use crossbeam_channel::{Receiver, bounded};
use rpc::{Call, Value, encode};
use supervisor_core::{Fault, FaultCode, ProcessResult, Reply, Request};

use super::serve::Answer;
use crate::daemon::Daemon;

/// How a call is answered.
#[derive(Debug)]
pub(super) enum Exec {
    /// Now.
    Done(Answer),
    /// When the channel delivers the core's reply.
    Wait(Receiver<Result<Reply, Fault>>),
    /// `system.multicall`: its items, run one after another by the connection.
    Multi(Vec<Value>),
}

impl Daemon {
    /// Run `call`.
    pub(super) fn execute(&mut self, call: Call) -> Exec {
        if call.checks_state()
            && let Err(fault) = self.core.get_state()
        {
            return Exec::Done(Err(fault));
        }
        let ns = self.http.namespaces();
        let done = |answer: Answer| Exec::Done(answer);
        let text = |s: &str| Exec::Done(Ok(Value::str(s)));
        let truth = |r: Result<(), Fault>| Exec::Done(r.map(|()| Value::Bool(true)));
        match call {
            Call::ListMethods => done(Ok(Value::Array(
                rpc::list_methods(ns).into_iter().map(Value::str).collect(),
            ))),
            Call::MethodHelp(name) => done(rpc::method_help(ns, &name).map(Value::str)),
            Call::MethodSignature(name) => done(
                rpc::method_signature(ns, &name)
                    .map(|sig| Value::Array(sig.iter().map(|t| Value::str(*t)).collect())),
            ),
            Call::Multicall(calls) => Exec::Multi(calls),
            Call::GetApiVersion => text(rpc::API_VERSION),
            Call::GetSupervisorVersion => text(rpc::SUPERVISOR_VERSION),
            Call::GetIdentification => {
                let id = self.config.supervisord.identifier.clone();
                done(Ok(Value::String(id)))
            }
            Call::GetState => done(self.core.get_state().map(|s| encode::state(&s))),
            Call::GetPid => done(Ok(Value::Int(i64::from(std::process::id())))),
            Call::ReadLog { offset, length } => done(self.read_main_log(offset, length)),
            Call::ClearLog => truth(self.clear_main_log()),
            Call::Shutdown => self.request(Request::Shutdown),
            Call::Restart => self.request(Request::Restart),
            Call::ReloadConfig => done(self.reload_config()),
            Call::AddProcessGroup(name) => self.add_process_group(&name),
            Call::RemoveProcessGroup(name) => self.request(Request::RemoveGroup { name }),
            Call::StartProcess { name, wait } => self.request(Request::Start { name, wait }),
            Call::StartProcessGroup { name, wait } => {
                self.request(Request::StartGroup { name, wait })
            }
            Call::StartAllProcesses { wait } => self.request(Request::StartAll { wait }),
            Call::StopProcess { name, wait } => self.request(Request::Stop { name, wait }),
            Call::StopProcessGroup { name, wait } => {
                self.request(Request::StopGroup { name, wait })
            }
            Call::StopAllProcesses { wait } => self.request(Request::StopAll { wait }),
            Call::SignalProcess { name, signal } => self.request(Request::Signal { name, signal }),
            Call::SignalProcessGroup { name, signal } => {
                self.request(Request::SignalGroup { name, signal })
            }
            Call::SignalAllProcesses { signal } => self.request(Request::SignalAll { signal }),
            Call::GetAllConfigInfo => done(Ok(self.all_config_info())),
            Call::GetProcessInfo(name) => done(self.process_info_value(&name)),
            Call::GetAllProcessInfo => done(self.all_process_info_value()),
            Call::ReadProcessLog {
                name,
                stream,
                offset,
                length,
            } => done(self.read_process_log(&name, stream, offset, length)),
            Call::TailProcessLog {
                name,
                stream,
                offset,
                length,
            } => done(self.tail_process_log(&name, stream, offset, length)),
            Call::ClearProcessLogs(name) => truth(self.clear_process_logs(&name)),
            Call::ClearAllProcessLogs => done(Ok(self.clear_all_process_logs())),
            Call::SendProcessStdin { name, chars } => {
                truth(self.send_stdin(&name, chars.as_bytes()))
            }
            // The core emits REMOTE_COMMUNICATION and answers `true` (no state check,
            // as 4.3).
            Call::SendRemoteCommEvent { kind, data } => {
                self.request(Request::SendRemoteCommEvent { kind, data })
            }
            Call::ClearFatal => self.request(Request::ClearFatal),
            Call::GetFatalReasons => done(Ok(Value::Array(
                self.core.fatal_reasons().iter().map(Value::str).collect(),
            ))),
            Call::QueryMonitor(pool) => self.request(Request::QueryMonitor { pool }),
            Call::GetMonitorResult(pool) => done(self.monitor_result_value(&pool)),
            Call::GetEventCounts => done(Ok(self.event_counts_value())),
        }
    }

    /// Queue a core request; its answer comes through the channel.
    fn request(&mut self, request: Request) -> Exec {
        let (tx, rx) = bounded(1);
        self.queue_request(request, tx);
        Exec::Wait(rx)
    }

    /// `addProcessGroup(name)`: from the last config read (BAD_NAME if not there).
    fn add_process_group(&mut self, name: &str) -> Exec {
        let Some(group) = self
            .http
            .parsed_groups
            .iter()
            .find(|g| g.name == name)
            .cloned()
        else {
            return Exec::Done(Err(Fault::new(FaultCode::BadName, name)));
        };
        let (tx, rx) = bounded(1);
        self.add_group(group, tx);
        Exec::Wait(rx)
    }

    fn view(&self) -> crate::daemon::View<'_> {
        crate::daemon::View {
            core: &self.core,
            config: &self.config,
            table: &self.table,
            main_log: self.log.path(),
        }
    }

    fn info_value(&self, info: &supervisor_core::ProcessInfo) -> Value {
        let id = self
            .core
            .processes()
            .find(|(_, g, n)| *g == info.group && *n == info.name)
            .map(|(id, _, _)| id);
        self.info_value_of(info, id)
    }

    /// [`Self::info_value`] with the process id already looked up.
    fn info_value_of(
        &self,
        info: &supervisor_core::ProcessInfo,
        id: Option<supervisor_core::ProcessId>,
    ) -> Value {
        let view = self.view();
        let path = |p: Option<&std::path::Path>| {
            p.map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let (out, err) = match id {
            Some(id) => (path(view.stdout_logfile(id)), path(view.stderr_logfile(id))),
            None => (String::new(), String::new()),
        };
        encode::process_info(info, &out, &err)
    }

    fn process_info_value(&self, name: &str) -> Answer {
        let info = self.view().process_info(name)?;
        Ok(self.info_value(&info))
    }

    /// `getAllProcessInfo()`, served from `all_info_cache` while the core's generation,
    /// the wall-clock second and the UTC offset are those it was made at (every field of
    /// the answer depends on nothing else; the log paths change only with the groups,
    /// which is a core input).
    fn all_process_info_value(&mut self) -> Answer {
        let now = std::time::SystemTime::now();
        let offset = crate::clock::utc_offset(now);
        let second = now
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let key = (self.core.generation(), second, offset);
        if let Some((cached_key, value)) = &self.http.all_info_cache
            && *cached_key == key
        {
            return Ok(value.clone());
        }
        let infos = self.core.all_process_info(now, offset)?;
        // One pass over the processes for every id (a search per info was quadratic:
        // 20 000 name comparisons for 200 programs, ~7 % of the daemon's CPU under
        // bench/rpc's getAllProcessInfo).
        let ids: std::collections::HashMap<(&str, &str), supervisor_core::ProcessId> = self
            .core
            .processes()
            .map(|(id, g, n)| ((g, n), id))
            .collect();
        let value = Value::Array(
            infos
                .iter()
                .map(|i| {
                    let id = ids.get(&(i.group.as_str(), i.name.as_str())).copied();
                    self.info_value_of(i, id)
                })
                .collect(),
        )
        .encode();
        self.http.all_info_cache = Some((key, value.clone()));
        Ok(value)
    }

    /// `clearAllProcessLogs()`: one result struct per process, in start order.
    fn clear_all_process_logs(&mut self) -> Value {
        let names: Vec<(String, String)> = self
            .core
            .processes()
            .map(|(_, g, n)| (g.to_owned(), n.to_owned()))
            .collect();
        let mut results = Vec::new();
        for (group, name) in names {
            let namespec = if group == name {
                name.clone()
            } else {
                format!("{group}:{name}")
            };
            let result = self.clear_process_logs(&namespec);
            let (status, description) = match &result {
                Ok(()) => (FaultCode::Success, "OK".to_owned()),
                Err(f) => (f.code, f.to_string()),
            };
            results.push(encode::process_result(&ProcessResult {
                name,
                group,
                status,
                description,
            }));
        }
        Value::Array(results)
    }
}
