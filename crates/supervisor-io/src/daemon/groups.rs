//! `addProcessGroup` / `removeProcessGroup` at run time (reload's `update`): the core
//! decides (ALREADY_ADDED, BAD_NAME, STILL_RUNNING); the driver keeps its table in step —
//! the new processes' configs and AUTO logs before the core's first Spawn of them, and
//! the logs of removed processes closed.

use crossbeam_channel::Sender;
use supervisor_core::{Fault, FaultCode, Input, LogLevel, Reply, Request, RequestId};

use super::fcgi::FcgiSocket;
use super::process::Proc;
use super::setup::{auto_logs, find_process};
use super::{Daemon, spec};

impl Daemon {
    /// Forward `addProcessGroup` for `group`; its fcgi socket is created first (to fail
    /// early, as at startup), unless the core already has a group of that name.
    pub(super) fn add_group(
        &mut self,
        group: config::GroupConfig,
        reply: Sender<Result<Reply, Fault>>,
    ) {
        let active = self.core.group_names().contains(&group.name.as_str());
        if !active {
            if let config::GroupKind::FastCgi { socket } = &group.kind {
                let mut s = FcgiSocket::new(socket.clone());
                if let Err(e) = s.acquire(&mut self.log) {
                    let text = format!("Could not create FastCGI socket {}: {e}", s.url());
                    let _ = reply.send(Err(Fault::new(FaultCode::Failed, text)));
                    return;
                }
                s.release(&mut self.log);
                self.sockets.insert(group.name.clone(), s);
            }
            self.added.push(group.clone());
        }
        let request = Request::AddGroupWithEvents {
            group: spec::group_spec(&group),
            events: spec::group_events(&group),
        };
        self.queue_request(request, reply);
    }

    /// Queue a request whose answer goes to `reply`.
    pub(super) fn queue_request(&mut self, request: Request, reply: Sender<Result<Reply, Fault>>) {
        let id = RequestId(self.next_request);
        self.next_request += 1;
        self.replies.insert(id, reply);
        self.inputs.push_back(Input::Request { id, request });
    }

    /// After the core handled an add/remove: take in new processes (before their
    /// Spawn effects are applied), close the logs of removed ones, keep `config`'s
    /// group list equal to the active groups.
    pub(super) fn sync_groups(&mut self) {
        let names: Vec<String> = self
            .core
            .group_names()
            .iter()
            .map(|g| g.to_string())
            .collect();
        for group in std::mem::take(&mut self.added) {
            if names.contains(&group.name) {
                self.config.groups.retain(|g| g.name != group.name);
                self.config.groups.push(group);
            }
        }
        self.config.groups.retain(|g| names.contains(&g.name));
        let active: Vec<_> = self
            .core
            .processes()
            .map(|(id, g, p)| (id, g.to_owned(), p.to_owned()))
            .collect();
        for (id, group, name) in &active {
            if self.table.get(*id).is_some() {
                continue;
            }
            let Some(pc) = find_process(&self.config, group, name) else {
                continue;
            };
            let logfiles = match auto_logs(&self.config, pc) {
                Ok(l) => l,
                Err(e) => {
                    self.log.log(LogLevel::Error, &e.to_string());
                    Default::default()
                }
            };
            self.http.note_made_logs(group, name, &logfiles);
            let proc = Proc {
                config: pc.clone(),
                group: group.clone(),
                logfiles,
                stdout_log: None,
                stderr_log: None,
                live: None,
            };
            self.table.insert(*id, proc);
        }
        let mut closing = Vec::new();
        for (id, p) in self.table.iter_mut() {
            if p.live.is_none() && !active.iter().any(|(a, _, _)| *a == id) {
                closing.extend(
                    [p.stdout_log.take(), p.stderr_log.take()]
                        .into_iter()
                        .flatten(),
                );
            }
        }
        for log in closing {
            log.close(&mut self.log);
        }
    }
}
