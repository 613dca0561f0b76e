//! `status`, `pid`, `start`, `stop`, `restart`, `signal`, `clear` (spec §5.3–5.5).

use crate::controller::{CmdResult, Controller, Flow, exit, faults};
use crate::pyerr::PyException;
use crate::rpc::CallError;
use crate::text::{ljust, make_namespec, py_split, split_namespec};
use crate::value::{Value, as_int, items, member, member_str, py_str};

/// `STOPPED_STATES`: STOPPED, EXITED, FATAL, UNKNOWN.
const STOPPED_STATES: [i64; 4] = [0, 100, 200, 1000];

/// A result struct (`name`, `group`, `status`, `description`) or a fault turned into one.
struct Outcome {
    name: Option<String>,
    group: String,
    status: i64,
    description: String,
}

impl Outcome {
    fn from_value(v: &Value) -> Result<Self, PyException> {
        Ok(Outcome {
            name: Some(member_str(v, "name")?),
            group: member_str(v, "group")?,
            status: as_int(member(v, "status")?).unwrap_or(i64::MIN),
            description: member_str(v, "description")?,
        })
    }

    fn from_fault(code: i32, string: &str, group: &str, process: Option<&str>) -> Self {
        Outcome {
            name: process.map(str::to_string),
            group: group.to_string(),
            status: i64::from(code),
            description: string.to_string(),
        }
    }

    fn namespec(&self) -> String {
        make_namespec(&self.group, self.name.as_deref())
    }
}

/// 4.3's "assertion" for a result code a command does not know (raised at `line`).
fn unknown_code(o: &Outcome, line: u32) -> CallError {
    CallError::Other(PyException::new(
        "ValueError",
        format!("Unknown result code {} for {}", o.status, o.namespec()),
        "supervisor/supervisorctl.py",
        line,
    ))
}

fn start_result(o: &Outcome) -> Result<String, CallError> {
    let name = o.namespec();
    let why = match i32::try_from(o.status).unwrap_or(i32::MIN) {
        faults::BAD_NAME => "no such process",
        faults::NO_FILE => "no such file",
        faults::NOT_EXECUTABLE => "file is not executable",
        faults::ALREADY_STARTED => "already started",
        faults::SPAWN_ERROR => "spawn error",
        faults::ABNORMAL_TERMINATION => "abnormal termination",
        faults::SUCCESS => return Ok(format!("{name}: started")),
        _ => return Err(unknown_code(o, 761)),
    };
    Ok(format!("{name}: ERROR ({why})"))
}

fn signal_result(o: &Outcome, success: &str) -> Result<String, CallError> {
    let name = o.namespec();
    let why = match i32::try_from(o.status).unwrap_or(i32::MIN) {
        faults::BAD_NAME => "no such process",
        faults::BAD_SIGNAL => "bad signal name",
        faults::NOT_RUNNING => "not running",
        faults::SUCCESS => return Ok(format!("{name}: {success}")),
        faults::FAILED => return Ok(o.description.clone()),
        _ => return Err(unknown_code(o, 835)),
    };
    Ok(format!("{name}: ERROR ({why})"))
}

fn clear_result(o: &Outcome) -> Result<String, CallError> {
    let name = o.namespec();
    match i32::try_from(o.status).unwrap_or(i32::MIN) {
        faults::BAD_NAME => Ok(format!("{name}: ERROR (no such process)")),
        faults::FAILED => Ok(format!("{name}: ERROR (failed)")),
        faults::SUCCESS => Ok(format!("{name}: cleared")),
        _ => Err(unknown_code(o, 1260)),
    }
}

/// How one of start/stop/signal renders and scores its results.
struct Action {
    render: fn(&Outcome) -> Result<String, CallError>,
    ignored: Option<i32>,
}

impl Controller {
    /// Print each result struct of a group/all call and fold its status into the exit code.
    fn show_results(&mut self, results: &Value, action: &Action) -> Result<(), CallError> {
        for r in items(results)? {
            let o = Outcome::from_value(r)?;
            let line = (action.render)(&o)?;
            self.output(&line);
            self.set_exitstatus_from_fault(o.status, action.ignored);
        }
        Ok(())
    }

    /// `_show_statuses`.
    fn show_statuses(&mut self, infos: &[&Value]) -> Result<(), CallError> {
        let mut rows = Vec::new();
        let mut width = 30;
        for info in infos {
            let spec = make_namespec(
                &member_str(info, "group")?,
                Some(&member_str(info, "name")?),
            );
            width = width.max(spec.chars().count());
            rows.push((
                spec,
                member_str(info, "statename")?,
                member_str(info, "description")?,
            ));
        }
        for (spec, state, desc) in rows {
            self.output(&format!(
                "{}{}{desc}",
                ljust(&spec, width + 3),
                ljust(&state, 10)
            ));
        }
        Ok(())
    }

    pub(crate) fn do_status(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            self.exitstatus = exit::STATUS_UNKNOWN;
            return Ok(Flow::Continue);
        }
        let all = self.call("getAllProcessInfo", vec![])?;
        let all = items(&all)?;
        let names = py_split(arg);
        let matching: Vec<&Value> = if names.is_empty() || names.contains(&"all") {
            all
        } else {
            let mut matching = Vec::new();
            for name in names {
                let (group, process) = split_namespec(name);
                let mut bad = true;
                for info in &all {
                    let mut matched = member_str(info, "group")? == group;
                    if let Some(p) = &process {
                        matched = matched && member_str(info, "name")? == *p;
                    }
                    if matched {
                        bad = false;
                        matching.push(*info);
                    }
                }
                if bad {
                    let msg = match process {
                        None => format!("{group}: ERROR (no such group)"),
                        Some(_) => format!("{name}: ERROR (no such process)"),
                    };
                    self.output(&msg);
                    self.exitstatus = exit::STATUS_UNKNOWN;
                }
            }
            matching
        };
        self.show_statuses(&matching)?;
        for info in matching {
            let state = as_int(member(info, "state")?);
            if state.is_some_and(|s| STOPPED_STATES.contains(&s)) {
                self.exitstatus = exit::STATUS_NOT_RUNNING;
            }
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_pid(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        let names = py_split(arg);
        if names.is_empty() {
            let pid = self.call("getPID", vec![])?;
            self.output(&py_str(&pid));
        } else if names.contains(&"all") {
            let all = self.call("getAllProcessInfo", vec![])?;
            for info in items(&all)? {
                let pid = member_str(info, "pid")?;
                self.output(&pid);
            }
        } else {
            for name in names {
                match self.call("getProcessInfo", vec![Value::String(name.into())]) {
                    Ok(info) => {
                        let pid = member(&info, "pid")?;
                        self.output(&py_str(pid));
                        if as_int(pid) == Some(0) {
                            self.exitstatus = exit::NOT_RUNNING;
                        }
                    }
                    Err(CallError::Fault { code, .. }) if code == faults::BAD_NAME => {
                        self.exitstatus = exit::GENERIC;
                        self.output(&format!("No such process {name}"));
                    }
                    Err(e) => {
                        self.exitstatus = exit::GENERIC;
                        return Err(e);
                    }
                }
            }
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_start(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        let names = py_split(arg);
        if names.is_empty() {
            self.output("Error: start requires a process name");
            self.exitstatus = exit::INVALID_ARGS;
            self.help_of("start");
            return Ok(Flow::Continue);
        }
        let action = Action {
            render: start_result,
            ignored: Some(faults::ALREADY_STARTED),
        };
        if names.contains(&"all") {
            let results = self.call("startAllProcesses", vec![])?;
            self.show_results(&results, &action)?;
            return Ok(Flow::Continue);
        }
        for name in names {
            let (group, process) = split_namespec(name);
            match process {
                None => match self.call("startProcessGroup", vec![Value::String(group.clone())]) {
                    Ok(results) => self.show_results(&results, &action)?,
                    Err(CallError::Fault { code, .. }) if code == faults::BAD_NAME => {
                        self.output(&format!("{group}: ERROR (no such group)"));
                        self.exitstatus = exit::INVALID_ARGS;
                    }
                    Err(e) => {
                        self.exitstatus = exit::GENERIC;
                        return Err(e);
                    }
                },
                Some(process) => {
                    match self.call("startProcess", vec![Value::String(name.into())]) {
                        Ok(_) => {
                            let spec = make_namespec(&group, Some(&process));
                            self.output(&format!("{spec}: started"));
                        }
                        Err(CallError::Fault { code, string }) => {
                            let o = Outcome::from_fault(code, &string, &group, Some(&process));
                            let line = start_result(&o)?;
                            self.output(&line);
                            self.set_exitstatus_from_fault(o.status, action.ignored);
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_stop(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        let names = py_split(arg);
        if names.is_empty() {
            self.output("Error: stop requires a process name");
            self.exitstatus = exit::GENERIC;
            self.help_of("stop");
            return Ok(Flow::Continue);
        }
        let action = Action {
            render: |o| signal_result(o, "stopped"),
            ignored: Some(faults::NOT_RUNNING),
        };
        if names.contains(&"all") {
            let results = self.call("stopAllProcesses", vec![])?;
            self.show_results(&results, &action)?;
            return Ok(Flow::Continue);
        }
        for name in names {
            let (group, process) = split_namespec(name);
            match process {
                None => match self.call("stopProcessGroup", vec![Value::String(group.clone())]) {
                    Ok(results) => self.show_results(&results, &action)?,
                    Err(e) => {
                        self.exitstatus = exit::GENERIC;
                        if e.fault_code() == Some(faults::BAD_NAME) {
                            self.output(&format!("{group}: ERROR (no such group)"));
                        } else {
                            return Err(e);
                        }
                    }
                },
                Some(process) => match self.call("stopProcess", vec![Value::String(name.into())]) {
                    Ok(_) => {
                        let spec = make_namespec(&group, Some(&process));
                        self.output(&format!("{spec}: stopped"));
                    }
                    Err(CallError::Fault { code, string }) => {
                        let o = Outcome::from_fault(code, &string, &group, Some(&process));
                        let line = (action.render)(&o)?;
                        self.output(&line);
                        self.set_exitstatus_from_fault(o.status, action.ignored);
                    }
                    Err(e) => return Err(e),
                },
            }
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_restart(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        if py_split(arg).is_empty() {
            self.output("Error: restart requires a process name");
            self.exitstatus = exit::GENERIC;
            self.help_of("restart");
            return Ok(Flow::Continue);
        }
        self.do_stop(arg)?;
        self.do_start(arg)
    }

    pub(crate) fn do_signal(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        let args = py_split(arg);
        if args.len() < 2 {
            self.output("Error: signal requires a signal name and a process name");
            self.help_of("signal");
            self.exitstatus = exit::GENERIC;
            return Ok(Flow::Continue);
        }
        let sig = Value::String(args[0].into());
        let names = &args[1..];
        let action = Action {
            render: |o| signal_result(o, "signalled"),
            ignored: None,
        };
        if names.contains(&"all") {
            let results = self.call("signalAllProcesses", vec![sig])?;
            self.show_results(&results, &action)?;
            return Ok(Flow::Continue);
        }
        for name in names {
            let (group, process) = split_namespec(name);
            match process {
                None => {
                    let params = vec![Value::String(group.clone()), sig.clone()];
                    match self.call("signalProcessGroup", params) {
                        Ok(results) => self.show_results(&results, &action)?,
                        Err(e) if e.fault_code() == Some(faults::BAD_NAME) => {
                            self.output(&format!("{group}: ERROR (no such group)"));
                            self.exitstatus = exit::GENERIC;
                        }
                        Err(e) => return Err(e),
                    }
                }
                Some(process) => {
                    let params = vec![Value::String((*name).into()), sig.clone()];
                    match self.call("signalProcess", params) {
                        Ok(_) => {
                            let spec = make_namespec(&group, Some(&process));
                            self.output(&format!("{spec}: signalled"));
                        }
                        Err(CallError::Fault { code, string }) => {
                            let o = Outcome::from_fault(code, &string, &group, Some(&process));
                            let line = (action.render)(&o)?;
                            self.output(&line);
                            self.set_exitstatus_from_fault(o.status, None);
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_clear(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        let names = py_split(arg);
        if names.is_empty() {
            self.output("Error: clear requires a process name");
            self.exitstatus = exit::GENERIC;
            self.help_of("clear");
            return Ok(Flow::Continue);
        }
        if names.contains(&"all") {
            let results = self.call("clearAllProcessLogs", vec![])?;
            let action = Action {
                render: clear_result,
                ignored: None,
            };
            self.show_results(&results, &action)?;
            return Ok(Flow::Continue);
        }
        for name in names {
            let (group, process) = split_namespec(name);
            match self.call("clearProcessLogs", vec![Value::String(name.into())]) {
                Ok(_) => {
                    let spec = make_namespec(&group, process.as_deref());
                    self.output(&format!("{spec}: cleared"));
                }
                Err(CallError::Fault { code, string }) => {
                    let o = Outcome::from_fault(code, &string, &group, process.as_deref());
                    let line = clear_result(&o)?;
                    self.output(&line);
                    self.set_exitstatus_from_fault(o.status, None);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Flow::Continue)
    }
}
