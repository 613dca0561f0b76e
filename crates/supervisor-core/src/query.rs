//! Read-only queries for the RPC layer and UIs: supervisord's state, process info with the
//! description exactly as supervisord formats it (spec §3.6).

use crate::namespec::Target;
use crate::process::Process;
use crate::supervisor::{ProcessId, Supervisor};
use crate::vocab::{Fault, FaultCode, ProcessStateCode, SupervisorStateCode};
use std::time::{SystemTime, UNIX_EPOCH};

/// `getState()`'s struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateInfo {
    /// `statecode`.
    pub code: SupervisorStateCode,
    /// `statename`.
    pub name: &'static str,
}

/// `getProcessInfo()`'s struct, minus the log file names (the driver knows those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessInfo {
    /// Process name.
    pub name: String,
    /// Group name.
    pub group: String,
    /// Human description (`pid 123, uptime 0:01:02`, `Not started`, ...).
    pub description: String,
    /// Epoch seconds of the last spawn, 0 if never.
    pub start: i64,
    /// Epoch seconds of the last reap, 0 if never.
    pub stop: i64,
    /// Epoch seconds of `now`.
    pub now: i64,
    /// State code.
    pub state: ProcessStateCode,
    /// `statename`.
    pub statename: &'static str,
    /// Last spawn error, `""` if none.
    pub spawnerr: String,
    /// Last exit code (-1 for a signal), 0 if none.
    pub exitstatus: i32,
    /// The pid, 0 if not running.
    pub pid: i32,
}

/// Epoch seconds, truncated like Python's `int(time.time())`.
fn epoch(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs_f64().ceil() as u64).unwrap_or(i64::MAX),
    }
}

/// A Python `timedelta` of whole seconds: `0:00:05`, `1 day, 0:00:05`, `3 days, 4:05:06`.
pub(crate) fn timedelta(secs: i64) -> String {
    let secs = secs.max(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let hms = format!("{}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    match days {
        0 => hms,
        1 => format!("1 day, {hms}"),
        d => format!("{d} days, {hms}"),
    }
}

/// `time.strftime('%b %d %I:%M %p', localtime(epoch))` for a local offset from UTC.
pub(crate) fn stop_time(epoch_secs: i64, utc_offset_secs: i32) -> String {
    let t = crate::calendar::civil_time(epoch_secs, utc_offset_secs);
    let hour12 = if t.hour % 12 == 0 { 12 } else { t.hour % 12 };
    let ampm = if t.hour < 12 { "AM" } else { "PM" };
    format!(
        "{} {:02} {hour12:02}:{:02} {ampm}",
        t.month_name(),
        t.day,
        t.minute
    )
}

impl Supervisor {
    /// supervisord's state, for display (no fault).
    pub fn supervisor_state(&self) -> SupervisorStateCode {
        self.mood
    }

    /// Why supervisord is FATAL (empty otherwise).
    pub fn fatal_reasons(&self) -> &[String] {
        &self.fatal_reasons
    }

    /// `getState()`: faults SHUTDOWN_STATE while shutting down or restarting, as 4.3 does
    /// for every `supervisor.*` method.
    pub fn get_state(&self) -> Result<StateInfo, Fault> {
        self.check_mood()?;
        Ok(StateInfo {
            code: self.mood,
            name: self.mood.name(),
        })
    }

    /// The state of the process a namespec names (no fault; `None` if unknown).
    pub fn process_state(&self, namespec: &str) -> Option<ProcessStateCode> {
        self.process_id(namespec)
            .map(|id| self.processes[id.index()].code())
    }

    /// The pid of a process, if it has one.
    pub fn pid_of(&self, process: ProcessId) -> Option<crate::Pid> {
        self.processes
            .get(process.index())
            .and_then(|p| p.state.pid())
    }

    /// `(group, process)` names of a process id.
    pub fn names_of(&self, process: ProcessId) -> Option<(&str, &str)> {
        self.processes
            .get(process.index())
            .map(|p| (p.group.as_str(), p.spec.name.as_str()))
    }

    /// Every process as `(id, group, name)`, in start order (group priority, name; process
    /// priority, name) — for a driver preparing logs and commands per process.
    pub fn processes(&self) -> impl Iterator<Item = (ProcessId, &str, &str)> {
        self.processes
            .iter()
            .filter(|p| p.active)
            .map(|p| (p.id, p.group.as_str(), p.spec.name.as_str()))
    }

    /// Group names in ascending (priority, name) order.
    pub fn group_names(&self) -> Vec<&str> {
        self.groups.iter().map(|g| g.name.as_str()).collect()
    }

    /// `getProcessInfo(name)`: BAD_NAME for unknown names and group specs.
    /// `utc_offset_secs` is the local offset used for the stop time in descriptions.
    pub fn process_info(
        &self,
        namespec: &str,
        now: SystemTime,
        utc_offset_secs: i32,
    ) -> Result<ProcessInfo, Fault> {
        self.check_mood()?;
        match self.resolve(namespec)? {
            Target::Process(id) => Ok(info(&self.processes[id.index()], now, utc_offset_secs)),
            Target::Group(_) => Err(Fault::new(FaultCode::BadName, namespec)),
        }
    }

    /// `getAllProcessInfo()`: sorted by group name, then process name.
    pub fn all_process_info(
        &self,
        now: SystemTime,
        utc_offset_secs: i32,
    ) -> Result<Vec<ProcessInfo>, Fault> {
        self.check_mood()?;
        let mut all: Vec<&Process> = self.processes.iter().filter(|p| p.active).collect();
        all.sort_by(|a, b| (&a.group, &a.spec.name).cmp(&(&b.group, &b.spec.name)));
        Ok(all
            .into_iter()
            .map(|p| info(p, now, utc_offset_secs))
            .collect())
    }
}

fn info(p: &Process, now: SystemTime, utc_offset_secs: i32) -> ProcessInfo {
    let start = p.history.laststart.map_or(0, epoch);
    let stop = p.history.laststop.map_or(0, epoch);
    let now = epoch(now);
    let state = p.code();
    let spawnerr = p.history.spawnerr.clone().unwrap_or_default();
    let pid = p.state.pid().map_or(0, |pid| pid.0);
    let description = match state {
        ProcessStateCode::Running => {
            format!("pid {pid}, uptime {}", timedelta(now.saturating_sub(start)))
        }
        ProcessStateCode::Fatal | ProcessStateCode::Backoff if spawnerr.is_empty() => {
            format!("unknown error (try \"tail {}\")", p.spec.name)
        }
        ProcessStateCode::Fatal | ProcessStateCode::Backoff => spawnerr.clone(),
        ProcessStateCode::Stopped | ProcessStateCode::Exited if start != 0 => {
            stop_time(stop, utc_offset_secs)
        }
        ProcessStateCode::Stopped | ProcessStateCode::Exited => "Not started".to_string(),
        ProcessStateCode::Starting | ProcessStateCode::Stopping | ProcessStateCode::Unknown => {
            String::new()
        }
    };
    ProcessInfo {
        name: p.spec.name.clone(),
        group: p.group.clone(),
        description,
        start,
        stop,
        now,
        state,
        statename: state.name(),
        spawnerr,
        exitstatus: p.history.exitstatus.unwrap_or(0),
        pid,
    }
}

#[cfg(test)]
mod tests {
    use super::{stop_time, timedelta};

    #[test]
    fn timedelta_like_python() {
        assert_eq!(timedelta(5), "0:00:05");
        assert_eq!(timedelta(3723), "1:02:03");
        assert_eq!(timedelta(86_405), "1 day, 0:00:05");
        assert_eq!(
            timedelta(3 * 86_400 + 4 * 3600 + 5 * 60 + 6),
            "3 days, 4:05:06"
        );
        assert_eq!(timedelta(-4), "0:00:00");
    }

    #[test]
    fn stop_time_like_strftime() {
        // 2026-11-28 12:04:00 UTC
        assert_eq!(stop_time(1_795_867_440, 0), "Nov 28 12:04 PM");
        assert_eq!(stop_time(1_795_867_440, -13 * 3600), "Nov 27 11:04 PM");
        assert_eq!(stop_time(0, 0), "Jan 01 12:00 AM");
    }
}
