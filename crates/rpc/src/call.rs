//! Method resolution and argument validation: a `(methodName, params)` pair becomes a
//! typed [`Call`] or the fault 4.3 answers (`traverse` in `supervisor/xmlrpc.py`).

use supervisor_core::{Fault, FaultCode};

use crate::table::METHODS;
use crate::value::Value;

/// A child log stream named by a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// `...Stdout...` (and the b/c aliases without a stream name).
    Stdout,
    /// `...Stderr...`.
    Stderr,
}

/// Every callable method with its validated arguments. Aliases map to the same
/// variant (`readMainLog` is `ReadLog`, `getVersion` is `GetApiVersion`, ...).
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// `system.listMethods()`.
    ListMethods,
    /// `system.methodHelp(name)`.
    MethodHelp(String),
    /// `system.methodSignature(name)`.
    MethodSignature(String),
    /// `system.multicall(calls)`: the raw call structs; see [`multicall_item`].
    Multicall(Vec<Value>),
    /// `getAPIVersion()`, `getVersion()`.
    GetApiVersion,
    /// `getSupervisorVersion()`.
    GetSupervisorVersion,
    /// `getIdentification()`.
    GetIdentification,
    /// `getState()`.
    GetState,
    /// `getPID()`.
    GetPid,
    /// `readLog(offset, length)`, `readMainLog`.
    ReadLog {
        /// Start (negative: from the end).
        offset: i64,
        /// Bytes (0: to the end).
        length: i64,
    },
    /// `clearLog()`.
    ClearLog,
    /// `shutdown()`.
    Shutdown,
    /// `restart()`.
    Restart,
    /// `reloadConfig()`.
    ReloadConfig,
    /// `addProcessGroup(name)`.
    AddProcessGroup(String),
    /// `removeProcessGroup(name)`.
    RemoveProcessGroup(String),
    /// `startProcess(name, wait=True)`.
    StartProcess {
        /// Namespec.
        name: String,
        /// Answer once RUNNING.
        wait: bool,
    },
    /// `startProcessGroup(name, wait=True)`.
    StartProcessGroup {
        /// Group name.
        name: String,
        /// Wait for each process.
        wait: bool,
    },
    /// `startAllProcesses(wait=True)`.
    StartAllProcesses {
        /// Wait for each process.
        wait: bool,
    },
    /// `stopProcess(name, wait=True)`.
    StopProcess {
        /// Namespec.
        name: String,
        /// Answer once stopped.
        wait: bool,
    },
    /// `stopProcessGroup(name, wait=True)`.
    StopProcessGroup {
        /// Group name.
        name: String,
        /// Wait for each process.
        wait: bool,
    },
    /// `stopAllProcesses(wait=True)`.
    StopAllProcesses {
        /// Wait for each process.
        wait: bool,
    },
    /// `signalProcess(name, signal)`.
    SignalProcess {
        /// Namespec.
        name: String,
        /// Signal name or number as sent.
        signal: String,
    },
    /// `signalProcessGroup(name, signal)`.
    SignalProcessGroup {
        /// Group name.
        name: String,
        /// Signal name or number as sent.
        signal: String,
    },
    /// `signalAllProcesses(signal)`.
    SignalAllProcesses {
        /// Signal name or number as sent.
        signal: String,
    },
    /// `getAllConfigInfo()`.
    GetAllConfigInfo,
    /// `getProcessInfo(name)`.
    GetProcessInfo(String),
    /// `getAllProcessInfo()`.
    GetAllProcessInfo,
    /// `readProcessStdoutLog`/`readProcessLog`/`readProcessStderrLog(name, offset, length)`.
    ReadProcessLog {
        /// Namespec.
        name: String,
        /// Which log.
        stream: Stream,
        /// Start (negative: from the end).
        offset: i64,
        /// Bytes (0: to the end).
        length: i64,
    },
    /// `tailProcessStdoutLog`/`tailProcessLog`/`tailProcessStderrLog(name, offset, length)`.
    TailProcessLog {
        /// Namespec.
        name: String,
        /// Which log.
        stream: Stream,
        /// Where the client's last read ended.
        offset: i64,
        /// At most this many bytes.
        length: i64,
    },
    /// `clearProcessLogs(name)`, `clearProcessLog`.
    ClearProcessLogs(String),
    /// `clearAllProcessLogs()`.
    ClearAllProcessLogs,
    /// `sendProcessStdin(name, chars)`.
    SendProcessStdin {
        /// Namespec.
        name: String,
        /// Text to write (UTF-8 encoded).
        chars: String,
    },
    /// `sendRemoteCommEvent(type, data)`.
    SendRemoteCommEvent {
        /// The event's `type`.
        kind: String,
        /// The event's body.
        data: String,
    },
    /// `clearFatal()` (not in 4.3, not listed): supervisord back from FATAL to RUNNING.
    ClearFatal,
    /// `getFatalReasons()` (not in 4.3, not listed): why supervisord is FATAL.
    GetFatalReasons,
    /// `queryMonitor(name)` (not in 4.3, not listed): send the monitor pool `name` a
    /// MONITOR_QUERY now.
    QueryMonitor(String),
    /// `getMonitorResult(name)` (not in 4.3, not listed): the latest answer of the
    /// monitor pool `name`.
    GetMonitorResult(String),
    /// `getEventCounts()` (not in 4.3, not listed): the counters of every event pool.
    GetEventCounts,
}

/// Which namespaces a server publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Namespaces {
    /// `[rpcinterface:supervisor]` is configured (without it only `system.*` exists).
    pub supervisor: bool,
}

impl Call {
    /// Whether 4.3 checks supervisord's state first (`_update`), faulting
    /// SHUTDOWN_STATE while it shuts down or restarts: every `supervisor.*` method
    /// except `sendRemoteCommEvent`.
    pub fn checks_state(&self) -> bool {
        !matches!(
            self,
            Call::ListMethods
                | Call::MethodHelp(_)
                | Call::MethodSignature(_)
                | Call::Multicall(_)
                | Call::SendRemoteCommEvent { .. }
        )
    }
}

/// `system.listMethods()`: the sorted names (41 with the supervisor namespace).
pub fn list_methods(ns: Namespaces) -> Vec<&'static str> {
    METHODS
        .iter()
        .map(|(name, _, _)| *name)
        .filter(|name| ns.supervisor || name.starts_with("system."))
        .collect()
}

/// `system.methodHelp(name)`: the docstring; SIGNATURE_UNSUPPORTED if unknown.
pub fn method_help(ns: Namespaces, name: &str) -> Result<&'static str, Fault> {
    published(ns, name)
        .map(|(_, _, doc)| *doc)
        .ok_or_else(|| Fault::bare(FaultCode::SignatureUnsupported))
}

/// `system.methodSignature(name)`: `[return type, param types...]`.
pub fn method_signature(ns: Namespaces, name: &str) -> Result<&'static [&'static str], Fault> {
    published(ns, name)
        .and_then(|(_, sig, _)| *sig)
        .ok_or_else(|| Fault::bare(FaultCode::SignatureUnsupported))
}

type Entry = (&'static str, Option<&'static [&'static str]>, &'static str);

fn published(ns: Namespaces, name: &str) -> Option<&'static Entry> {
    METHODS
        .iter()
        .find(|(n, _, _)| *n == name && (ns.supervisor || n.starts_with("system.")))
}

fn unknown() -> Fault {
    Fault::bare(FaultCode::UnknownMethod)
}

fn incorrect() -> Fault {
    Fault::bare(FaultCode::IncorrectParameters)
}

/// Resolve `method` and validate `params` as 4.3's `traverse` would: only
/// `namespace.method` names (CVE-2017-11610), no leading underscore, a known method;
/// then the argument count (Python's `TypeError` → INCORRECT_PARAMETERS). Argument
/// types are checked too (INCORRECT_PARAMETERS), where 4.3 often failed deeper with
/// an HTTP 500.
pub fn parse_call(ns: Namespaces, method: &str, params: &[Value]) -> Result<Call, Fault> {
    let parts: Vec<&str> = method.split('.').collect();
    let [namespace, name] = parts.as_slice() else {
        return Err(unknown());
    };
    if name.starts_with('_') {
        return Err(unknown());
    }
    match *namespace {
        "system" => system_call(name, params),
        "supervisor" if ns.supervisor => supervisor_call(name, params),
        _ => Err(unknown()),
    }
}

/// One element of a `system.multicall` array: `INCORRECT_PARAMETERS: No methodName`
/// without a name, `INCORRECT_PARAMETERS: Recursive system.multicall forbidden` for a
/// nested multicall, else [`parse_call`].
pub fn multicall_item(ns: Namespaces, item: &Value) -> Result<Call, Fault> {
    let name = match item.member("methodName") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(incorrect()),
        None => return Err(Fault::new(FaultCode::IncorrectParameters, "No methodName")),
    };
    if name == "system.multicall" {
        return Err(Fault::new(
            FaultCode::IncorrectParameters,
            "Recursive system.multicall forbidden",
        ));
    }
    let params = match item.member("params") {
        Some(Value::Array(params)) => params.as_slice(),
        Some(_) => return Err(incorrect()),
        None => &[],
    };
    parse_call(ns, name, params)
}

fn system_call(name: &str, p: &[Value]) -> Result<Call, Fault> {
    Ok(match (name, p) {
        ("listMethods", []) => Call::ListMethods,
        // 4.3 looks the name up among the method names: anything else is not found.
        ("methodHelp" | "methodSignature", [n]) if !matches!(n, Value::String(_)) => {
            return Err(Fault::bare(FaultCode::SignatureUnsupported));
        }
        ("methodHelp", [n]) => Call::MethodHelp(string(n)?),
        ("methodSignature", [n]) => Call::MethodSignature(string(n)?),
        ("multicall", [Value::Array(calls)]) => Call::Multicall(calls.clone()),
        ("listMethods" | "methodHelp" | "methodSignature" | "multicall", _) => {
            return Err(incorrect());
        }
        _ => return Err(unknown()),
    })
}

fn supervisor_call(name: &str, p: &[Value]) -> Result<Call, Fault> {
    use Stream::{Stderr, Stdout};
    let read = |stream, p: &[Value]| -> Result<Call, Fault> {
        let [n, o, l] = p else {
            return Err(incorrect());
        };
        Ok(Call::ReadProcessLog {
            name: string(n)?,
            stream,
            offset: int(o)?,
            length: int(l)?,
        })
    };
    let tail = |stream, p: &[Value]| -> Result<Call, Fault> {
        let [n, o, l] = p else {
            return Err(incorrect());
        };
        Ok(Call::TailProcessLog {
            name: string(n)?,
            stream,
            offset: int(o)?,
            length: int(l)?,
        })
    };
    // (name, wait=True) and (wait=True) signatures.
    let named_wait = |p: &[Value]| -> Result<(String, bool), Fault> {
        match p {
            [n] => Ok((string(n)?, true)),
            [n, w] => Ok((string(n)?, truthy(w))),
            _ => Err(incorrect()),
        }
    };
    let wait = |p: &[Value]| -> Result<bool, Fault> {
        match p {
            [] => Ok(true),
            [w] => Ok(truthy(w)),
            _ => Err(incorrect()),
        }
    };
    let none = |p: &[Value], call: Call| {
        if p.is_empty() {
            Ok(call)
        } else {
            Err(incorrect())
        }
    };
    let one = |p: &[Value]| match p {
        [n] => string(n),
        _ => Err(incorrect()),
    };
    // A group name 4.3 looks up in a dict of group names (or a list of group configs): a
    // value that is no string is simply not found, `BAD_NAME: <str(value)>`.
    let group = |n: &Value| match n {
        Value::String(s) => Ok(s.clone()),
        other => Err(match py_str(other) {
            Some(text) => Fault::new(FaultCode::BadName, text),
            None => Fault::bare(FaultCode::BadName),
        }),
    };
    let group_wait = |p: &[Value]| -> Result<(String, bool), Fault> {
        match p {
            [n] => Ok((group(n)?, true)),
            [n, w] => Ok((group(n)?, truthy(w))),
            _ => Err(incorrect()),
        }
    };
    match name {
        "getAPIVersion" | "getVersion" => none(p, Call::GetApiVersion),
        "getSupervisorVersion" => none(p, Call::GetSupervisorVersion),
        "getIdentification" => none(p, Call::GetIdentification),
        "getState" => none(p, Call::GetState),
        "getPID" => none(p, Call::GetPid),
        "readLog" | "readMainLog" => match p {
            [o, l] => Ok(Call::ReadLog {
                offset: int(o)?,
                length: int(l)?,
            }),
            _ => Err(incorrect()),
        },
        "clearLog" => none(p, Call::ClearLog),
        "shutdown" => none(p, Call::Shutdown),
        "restart" => none(p, Call::Restart),
        "reloadConfig" => none(p, Call::ReloadConfig),
        "addProcessGroup" => match p {
            [n] => group(n).map(Call::AddProcessGroup),
            _ => Err(incorrect()),
        },
        "removeProcessGroup" => match p {
            [n] => group(n).map(Call::RemoveProcessGroup),
            _ => Err(incorrect()),
        },
        "startProcess" => named_wait(p).map(|(name, wait)| Call::StartProcess { name, wait }),
        "startProcessGroup" => {
            group_wait(p).map(|(name, wait)| Call::StartProcessGroup { name, wait })
        }
        "startAllProcesses" => wait(p).map(|wait| Call::StartAllProcesses { wait }),
        "stopProcess" => named_wait(p).map(|(name, wait)| Call::StopProcess { name, wait }),
        "stopProcessGroup" => {
            group_wait(p).map(|(name, wait)| Call::StopProcessGroup { name, wait })
        }
        "stopAllProcesses" => wait(p).map(|wait| Call::StopAllProcesses { wait }),
        "signalProcess" => match p {
            [n, s] => Ok(Call::SignalProcess {
                name: string(n)?,
                signal: signal(s)?,
            }),
            _ => Err(incorrect()),
        },
        "signalProcessGroup" => match p {
            [n, s] => Ok(Call::SignalProcessGroup {
                name: string(n)?,
                signal: signal(s)?,
            }),
            _ => Err(incorrect()),
        },
        "signalAllProcesses" => match p {
            [s] => Ok(Call::SignalAllProcesses { signal: signal(s)? }),
            _ => Err(incorrect()),
        },
        "getAllConfigInfo" => none(p, Call::GetAllConfigInfo),
        "getProcessInfo" => one(p).map(Call::GetProcessInfo),
        "getAllProcessInfo" => none(p, Call::GetAllProcessInfo),
        "readProcessStdoutLog" | "readProcessLog" => read(Stdout, p),
        "readProcessStderrLog" => read(Stderr, p),
        "tailProcessStdoutLog" | "tailProcessLog" => tail(Stdout, p),
        "tailProcessStderrLog" => tail(Stderr, p),
        "clearProcessLogs" | "clearProcessLog" => one(p).map(Call::ClearProcessLogs),
        "clearAllProcessLogs" => none(p, Call::ClearAllProcessLogs),
        // 4.3 checks `chars` before the name: `RPCError(INCORRECT_PARAMETERS, chars)`, so the
        // fault carries `str(chars)` (`INCORRECT_PARAMETERS: 5`, `... : ['a']`).
        "sendProcessStdin" => match p {
            [n, Value::String(chars)] => Ok(Call::SendProcessStdin {
                name: string(n)?,
                chars: chars.clone(),
            }),
            [_, other] => Err(match py_str(other) {
                Some(text) => Fault::new(FaultCode::IncorrectParameters, text),
                None => incorrect(),
            }),
            _ => Err(incorrect()),
        },
        // 4.3 formats both into the payload with `%s`: any value is taken, as its `str`.
        "sendRemoteCommEvent" => match p {
            [kind, data] => Ok(Call::SendRemoteCommEvent {
                kind: py_str(kind).unwrap_or_else(|| "None".to_string()),
                data: py_str(data).unwrap_or_else(|| "None".to_string()),
            }),
            _ => Err(incorrect()),
        },
        "clearFatal" => none(p, Call::ClearFatal),
        "getFatalReasons" => none(p, Call::GetFatalReasons),
        "queryMonitor" => one(p).map(Call::QueryMonitor),
        "getMonitorResult" => one(p).map(Call::GetMonitorResult),
        "getEventCounts" => none(p, Call::GetEventCounts),
        _ => Err(unknown()),
    }
}

/// Python's `str(v)` of an unmarshalled value, as `RPCError(code, v)` prints it; `None` for
/// `None` (a bare fault).
fn py_str(v: &Value) -> Option<String> {
    match v {
        Value::Nil => None,
        Value::String(s) | Value::DateTime(s) => Some(s.clone()),
        other => Some(py_repr(other)),
    }
}

/// Python's `repr(v)` (lists and dicts show their items' reprs).
fn py_repr(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Value::String(s) => supervisor_core::pyrepr::repr_str(s),
        Value::Double(d) => supervisor_core::pyrepr::repr_float(*d),
        Value::DateTime(s) => format!("<DateTime {}>", supervisor_core::pyrepr::repr_str(s)),
        Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(py_repr).collect::<Vec<_>>().join(", ")
            )
        }
        Value::Struct(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!("{}: {}", supervisor_core::pyrepr::repr_str(k), py_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Nil => "None".to_string(),
        // only made by a server for its answers; shown as its XML should one arrive here
        Value::Encoded(xml) => supervisor_core::pyrepr::repr_str(xml),
    }
}

fn string(v: &Value) -> Result<String, Fault> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(incorrect()),
    }
}

/// Python's `int(x)` for the values that can reach it: ints, bools, digit strings.
fn int(v: &Value) -> Result<i64, Fault> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::String(s) => s.trim().parse().map_err(|_| incorrect()),
        _ => Err(incorrect()),
    }
}

/// A signal as a name or a number (`signal_number` takes both).
fn signal(v: &Value) -> Result<String, Fault> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Int(i) => Ok(i.to_string()),
        _ => Err(incorrect()),
    }
}

/// Python truthiness, for `wait`.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Int(i) => *i != 0,
        Value::Bool(b) => *b,
        Value::String(s) | Value::DateTime(s) => !s.is_empty(),
        Value::Double(d) => *d != 0.0,
        Value::Array(a) => !a.is_empty(),
        Value::Struct(m) => !m.is_empty(),
        Value::Nil => false,
        Value::Encoded(_) => true, // a server-side answer; never a parameter
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod fault_text_tests {
    use super::*;

    /// Recorded from supervisord 4.3.0: `sendProcessStdin('cat', 5)` and `('cat', ['a'])`.
    #[test]
    fn send_stdin_non_string_chars_fault_carries_str_of_the_value() {
        let call = |chars: Value| {
            parse_call(
                Namespaces { supervisor: true },
                "supervisor.sendProcessStdin",
                &[Value::String("cat".into()), chars],
            )
        };
        assert_eq!(
            call(Value::Int(5)).unwrap_err().to_string(),
            "INCORRECT_PARAMETERS: 5"
        );
        assert_eq!(
            call(Value::Array(vec![Value::String("a".into())]))
                .unwrap_err()
                .to_string(),
            "INCORRECT_PARAMETERS: ['a']"
        );
        assert_eq!(
            call(Value::Nil).unwrap_err().to_string(),
            "INCORRECT_PARAMETERS"
        );
        assert_eq!(supervisor_core::pyrepr::repr_float(1e-5), "1e-05");
        assert_eq!(supervisor_core::pyrepr::repr_float(2.0), "2.0");
    }
}
