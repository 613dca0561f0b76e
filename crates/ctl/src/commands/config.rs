//! `avail`, `reread`, `add`, `remove`, `update` (no up-check, as in 4.3).

use crate::controller::{CmdResult, Controller, Flow, exit, faults};
use crate::rpc::CallError;
use crate::text::{ljust, make_namespec, py_split};
use crate::value::{Value, as_int, items, member, member_str, py_str, truthy};

/// `reloadConfig()[0]` as three lists of group names.
fn changes(result: &Value) -> Result<[Vec<String>; 3], CallError> {
    let first = items(result)?.first().copied().ok_or_else(|| {
        crate::pyerr::PyException::new(
            "IndexError",
            "list index out of range",
            "supervisor/supervisorctl.py",
            0,
        )
    })?;
    let lists = items(first)?;
    if lists.len() != 3 {
        return Err(crate::pyerr::PyException::new(
            "ValueError",
            format!(
                "not enough values to unpack (expected 3, got {})",
                lists.len()
            ),
            "supervisor/supervisorctl.py",
            0,
        )
        .into());
    }
    let mut out: [Vec<String>; 3] = Default::default();
    for (slot, list) in out.iter_mut().zip(lists) {
        *slot = items(list)?.into_iter().map(py_str).collect();
    }
    Ok(out)
}

impl Controller {
    pub(crate) fn do_avail(&mut self, arg: &str) -> CmdResult {
        if self.refuse_arguments("avail", arg) {
            return Ok(Flow::Continue);
        }
        match self.call("getAllConfigInfo", vec![]) {
            Ok(infos) => {
                for info in items(&infos)? {
                    let name = make_namespec(
                        &member_str(info, "group")?,
                        Some(&member_str(info, "name")?),
                    );
                    let inuse = if truthy(member(info, "inuse")?) {
                        "in use"
                    } else {
                        "avail"
                    };
                    let auto = if truthy(member(info, "autostart")?) {
                        "auto"
                    } else {
                        "manual"
                    };
                    let prio = format!(
                        "{}:{}",
                        member_str(info, "group_prio")?,
                        member_str(info, "process_prio")?
                    );
                    self.output(&format!(
                        "{} {} {} {prio}",
                        ljust(&name, 32),
                        ljust(inuse, 9),
                        ljust(auto, 9)
                    ));
                }
                Ok(Flow::Continue)
            }
            Err(e) => {
                self.exitstatus = exit::GENERIC;
                if e.fault_code() == Some(faults::SHUTDOWN_STATE) {
                    self.output("ERROR: supervisor shutting down");
                    Ok(Flow::Continue)
                } else {
                    Err(e)
                }
            }
        }
    }

    pub(crate) fn do_reread(&mut self, arg: &str) -> CmdResult {
        if self.refuse_arguments("reread", arg) {
            return Ok(Flow::Continue);
        }
        let result = match self.call("reloadConfig", vec![]) {
            Ok(r) => r,
            Err(e) => {
                self.exitstatus = exit::GENERIC;
                match e {
                    CallError::Fault { code, .. } if code == faults::SHUTDOWN_STATE => {
                        self.output("ERROR: supervisor shutting down");
                    }
                    CallError::Fault { code, string } if code == faults::CANT_REREAD => {
                        self.output(&format!("ERROR: {string}"));
                    }
                    e => return Err(e),
                }
                return Ok(Flow::Continue);
            }
        };
        let [added, changed, dropped] = changes(&result)?;
        // a dict: later kinds overwrite earlier ones for the same name, then sorted
        let mut all = std::collections::BTreeMap::new();
        for (names, kind) in [
            (added, "available"),
            (changed, "changed"),
            (dropped, "disappeared"),
        ] {
            for n in names {
                all.insert(n, kind);
            }
        }
        if all.is_empty() {
            self.output("No config updates to processes");
        }
        for (name, kind) in all {
            self.output(&format!("{name}: {kind}"));
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_add(&mut self, arg: &str) -> CmdResult {
        for name in py_split(arg) {
            match self.call("addProcessGroup", vec![Value::String(name.into())]) {
                Ok(_) => self.output(&format!("{name}: added process group")),
                Err(e) => match e.fault_code() {
                    Some(faults::SHUTDOWN_STATE) => {
                        self.output("ERROR: shutting down");
                        self.exitstatus = exit::GENERIC;
                    }
                    Some(faults::ALREADY_ADDED) => {
                        self.output("ERROR: process group already active");
                    }
                    Some(faults::BAD_NAME) => {
                        self.output(&format!("ERROR: no such process/group: {name}"));
                        self.exitstatus = exit::GENERIC;
                    }
                    _ => {
                        self.exitstatus = exit::GENERIC;
                        return Err(e);
                    }
                },
            }
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_remove(&mut self, arg: &str) -> CmdResult {
        for name in py_split(arg) {
            match self.call("removeProcessGroup", vec![Value::String(name.into())]) {
                Ok(_) => self.output(&format!("{name}: removed process group")),
                Err(e) => {
                    self.exitstatus = exit::GENERIC;
                    match e.fault_code() {
                        Some(faults::STILL_RUNNING) => {
                            self.output(&format!("ERROR: process/group still running: {name}"));
                        }
                        Some(faults::BAD_NAME) => {
                            self.output(&format!("ERROR: no such process/group: {name}"));
                        }
                        _ => return Err(e),
                    }
                }
            }
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_update(&mut self, arg: &str) -> CmdResult {
        let result = match self.call("reloadConfig", vec![]) {
            Ok(r) => r,
            Err(e) => {
                self.exitstatus = exit::GENERIC;
                if e.fault_code() == Some(faults::SHUTDOWN_STATE) {
                    self.output("ERROR: already shutting down");
                    return Ok(Flow::Continue);
                }
                return Err(e);
            }
        };
        let [added, changed, removed] = changes(&result)?;
        let mut wanted: Vec<&str> = Vec::new();
        for n in py_split(arg) {
            if !wanted.contains(&n) {
                wanted.push(n);
            }
        }
        if wanted.contains(&"all") {
            wanted.clear();
        }
        if !wanted.is_empty() {
            let infos = self.call("getAllProcessInfo", vec![])?;
            let mut groups: Vec<String> = Vec::new();
            for info in items(&infos)? {
                groups.push(member_str(info, "group")?);
            }
            groups.extend(added.iter().cloned());
            // 4.3 iterates a set: the order of these errors is Python's hash order; sorted
            // here so that it is at least stable
            let mut unknown: Vec<&str> = wanted
                .iter()
                .copied()
                .filter(|g| !groups.iter().any(|x| x == g))
                .collect();
            unknown.sort_unstable();
            for g in unknown {
                self.output(&format!("ERROR: no such group: {g}"));
                self.exitstatus = exit::GENERIC;
            }
        }
        let selected = |g: &str| wanted.is_empty() || wanted.contains(&g);
        for g in removed.iter().filter(|g| selected(g)) {
            let results = self.call("stopProcessGroup", vec![Value::String(g.clone())])?;
            self.output(&format!("{g}: stopped"));
            let mut failed = false;
            for r in items(&results)? {
                if as_int(member(r, "status")?) == Some(i64::from(faults::FAILED)) {
                    failed = true;
                }
            }
            if failed {
                self.output(&format!("{g}: has problems; not removing"));
                self.exitstatus = exit::GENERIC;
                continue;
            }
            self.call("removeProcessGroup", vec![Value::String(g.clone())])?;
            self.output(&format!("{g}: removed process group"));
        }
        for g in changed.iter().filter(|g| selected(g)) {
            self.call("stopProcessGroup", vec![Value::String(g.clone())])?;
            self.output(&format!("{g}: stopped"));
            self.call("removeProcessGroup", vec![Value::String(g.clone())])?;
            self.call("addProcessGroup", vec![Value::String(g.clone())])?;
            self.output(&format!("{g}: updated process group"));
        }
        for g in added.iter().filter(|g| selected(g)) {
            self.call("addProcessGroup", vec![Value::String(g.clone())])?;
            self.output(&format!("{g}: added process group"));
        }
        Ok(Flow::Continue)
    }
}
