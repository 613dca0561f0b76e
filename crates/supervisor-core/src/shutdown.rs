//! Shutdown and reload (spec §2.4, §2.5): stop ONE GROUP AT A TIME in descending
//! (priority, name) order, the next group only once every process of the previous one is
//! in a stopped state; report the stragglers every 3 s; then Exit or Restart.

use crate::effect::{Effect, Event};
use crate::input::RequestId;
use crate::supervisor::{Now, Supervisor};
use crate::text;
use crate::transition::{ProcEvent, TICK, later};
use crate::vocab::{Fault, FaultCode, LogLevel, ProcessStateCode, SupervisorStateCode};
use std::time::{Duration, Instant};

/// Progress of a shutdown or reload.
#[derive(Debug, Clone)]
pub(crate) struct Shutdown {
    /// Group indices still to stop, ascending; the last one is being stopped (4.3's
    /// `stop_groups`, a snapshot taken when the shutdown began).
    stop_groups: Vec<usize>,
    /// When "waiting for ... to die" was last logged.
    last_report: Option<Instant>,
    /// Exit or Restart was emitted.
    pub(crate) finished: bool,
}

/// 4.3 reports the stragglers when more than 3 s passed since the last report.
const DIE_REPORT_EVERY: Duration = Duration::from_secs(3);

impl Supervisor {
    /// The shutdown's progress, begun (with SUPERVISOR_STATE_CHANGE_STOPPING) if it was
    /// not yet.
    pub(crate) fn begin_shutdown(&mut self, fx: &mut Vec<Effect>) -> &mut Shutdown {
        self.shutdown.get_or_insert_with(|| {
            fx.push(Effect::Event(Event::SupervisorStopping));
            Shutdown {
                stop_groups: (0..self.groups.len()).collect(),
                last_report: None,
                finished: false,
            }
        })
    }

    /// One shutdown step; called after the transition pass while the mood is below RUNNING.
    pub(crate) fn shutdown_step(&mut self, now: Now, fx: &mut Vec<Effect>) {
        if self.begin_shutdown(fx).finished {
            return;
        }
        // Stop the highest group; move on as soon as it is all stopped.
        while let Some(&g) = self.shutdown.as_ref().and_then(|s| s.stop_groups.last()) {
            if !self.may_stop_group(g, now, fx) {
                break; // a listener group waits for the buffered events (drain)
            }
            self.stop_all(g, now, fx);
            if self.group_unstopped(g) {
                break;
            }
            if let Some(s) = self.shutdown.as_mut() {
                s.stop_groups.pop();
            }
        }
        let unstopped: Vec<usize> = (0..self.processes.len())
            .filter(|&i| !self.processes[i].code().is_stopped())
            .collect();
        if unstopped.is_empty() {
            self.finish_shutdown(fx);
            return;
        }
        let due = self.shutdown.as_ref().is_some_and(|s| {
            s.last_report
                .is_none_or(|at| now.mono >= later(at, DIE_REPORT_EVERY + TICK))
        });
        if due {
            let names: Vec<&str> = unstopped
                .iter()
                .map(|&i| self.processes[i].spec.name.as_str())
                .collect();
            fx.push(Effect::Log {
                level: LogLevel::Info,
                message: text::waiting_to_die(&names),
            });
            for &i in &unstopped {
                let p = &self.processes[i];
                fx.push(Effect::Log {
                    level: LogLevel::Blather,
                    message: format!("{} state: {}", p.spec.name, p.code().name()),
                });
            }
            if let Some(s) = self.shutdown.as_mut() {
                s.last_report = Some(now.mono);
            }
        }
    }

    /// When the next "waiting for ... to die" report is due, if one will be.
    pub(crate) fn shutdown_report_due(&self) -> Option<Instant> {
        let s = self.shutdown.as_ref()?;
        if s.finished || self.processes.iter().all(|p| p.code().is_stopped()) {
            return None;
        }
        Some(
            s.last_report
                .map_or(self.last_mono, |at| later(at, DIE_REPORT_EVERY + TICK)),
        )
    }

    /// 4.3 `ProcessGroupBase.stop_all`: in descending (priority, name) order, stop RUNNING
    /// and STARTING processes, give up BACKOFF ones (FATAL, without the "gave up" line).
    fn stop_all(&mut self, group: usize, now: Now, fx: &mut Vec<Effect>) {
        let members: Vec<_> = self.groups[group].members.iter().rev().copied().collect();
        for id in members {
            match self.processes[id.index()].code() {
                ProcessStateCode::Running | ProcessStateCode::Starting => {
                    self.apply(id, ProcEvent::Stop, now, fx);
                }
                ProcessStateCode::Backoff => self.apply(id, ProcEvent::GiveUp, now, fx),
                ProcessStateCode::Stopped
                | ProcessStateCode::Stopping
                | ProcessStateCode::Exited
                | ProcessStateCode::Fatal
                | ProcessStateCode::Unknown => {}
            }
        }
    }

    fn group_unstopped(&self, group: usize) -> bool {
        self.groups[group]
            .members
            .iter()
            .any(|id| !self.processes[id.index()].code().is_stopped())
    }

    fn finish_shutdown(&mut self, fx: &mut Vec<Effect>) {
        if let Some(s) = self.shutdown.as_mut() {
            s.finished = true;
        }
        // Every request gets exactly one reply: anything still waiting (a command check in
        // flight) is answered before the daemon goes away.
        for id in self.pending.drain_all() {
            fx.push(reply_shutdown(id));
        }
        self.discard_undelivered(fx);
        fx.push(match self.mood {
            SupervisorStateCode::Restarting => Effect::Restart,
            SupervisorStateCode::Shutdown
            | SupervisorStateCode::Running
            | SupervisorStateCode::Fatal => Effect::Exit { code: 0 },
        });
    }
}

fn reply_shutdown(id: RequestId) -> Effect {
    Effect::Reply {
        id,
        result: Err(Fault::bare(FaultCode::ShutdownState)),
    }
}
