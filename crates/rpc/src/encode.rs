//! The result values of the `supervisor.*` methods, with 4.3's keys in 4.3's order.

use supervisor_core::{Fault, ProcessInfo, ProcessResult, Reply, StateInfo};

use crate::value::Value;

/// A `Fault` as the faultCode/faultString pair of a fault response.
pub fn fault_parts(fault: &Fault) -> (i64, String) {
    (fault.code as i64, fault.to_string())
}

/// `getState()`: `{statecode, statename}`.
pub fn state(info: &StateInfo) -> Value {
    Value::object([
        ("statecode", Value::Int(info.code as i64)),
        ("statename", Value::str(info.name)),
    ])
}

/// `getProcessInfo()`'s struct, keys in 4.3's order (`description` last; `logfile` is
/// the b/c alias of `stdout_logfile`). Log paths are `''` when there is none.
pub fn process_info(info: &ProcessInfo, stdout_logfile: &str, stderr_logfile: &str) -> Value {
    Value::object([
        ("name", Value::str(&info.name)),
        ("group", Value::str(&info.group)),
        ("start", Value::capped(info.start)),
        ("stop", Value::capped(info.stop)),
        ("now", Value::capped(info.now)),
        ("state", Value::Int(info.state as i64)),
        ("statename", Value::str(info.statename)),
        ("spawnerr", Value::str(&info.spawnerr)),
        ("exitstatus", Value::Int(i64::from(info.exitstatus))),
        ("logfile", Value::str(stdout_logfile)),
        ("stdout_logfile", Value::str(stdout_logfile)),
        ("stderr_logfile", Value::str(stderr_logfile)),
        ("pid", Value::Int(i64::from(info.pid))),
        ("description", Value::str(&info.description)),
    ])
}

/// One `{name, group, status, description}` struct of a group/"all" method.
pub fn process_result(r: &ProcessResult) -> Value {
    Value::object([
        ("name", Value::str(&r.name)),
        ("group", Value::str(&r.group)),
        ("status", Value::Int(r.status as i64)),
        ("description", Value::str(&r.description)),
    ])
}

/// A core reply: `true`, or the array of result structs.
pub fn reply(reply: &Reply) -> Value {
    match reply {
        Reply::Bool(b) => Value::Bool(*b),
        Reply::Results(results) => Value::Array(results.iter().map(process_result).collect()),
    }
}

/// `tail*Log`'s `[string bytes, int offset, bool overflow]`.
pub fn tail(text: String, offset: u64, overflow: bool) -> Value {
    Value::Array(vec![
        Value::String(text),
        Value::capped(i64::try_from(offset).unwrap_or(i64::MAX)),
        Value::Bool(overflow),
    ])
}

/// `reloadConfig()`'s `[[added, changed, removed]]` (group names).
pub fn reload(added: &[String], changed: &[String], removed: &[String]) -> Value {
    let names = |v: &[String]| Value::Array(v.iter().map(Value::str).collect());
    Value::Array(vec![Value::Array(vec![
        names(added),
        names(changed),
        names(removed),
    ])])
}

/// One `getAllConfigInfo()` struct, keys in 4.3.0's order (no `autorestart`: added
/// after 4.3.0). `stdout_logfile`/`stderr_logfile` as the caller resolved them
/// (`auto`, `none`, or a path); `None` options are `'none'`.
pub fn config_info(
    group: &config::GroupConfig,
    pc: &config::ProcessConfig,
    inuse: bool,
    stdout_logfile: &str,
    stderr_logfile: &str,
) -> Value {
    let none_or = |v: Option<String>| Value::String(v.unwrap_or_else(|| "none".into()));
    Value::object([
        ("autostart", Value::Bool(pc.autostart)),
        ("directory", none_or(pc.directory.clone())),
        (
            "uid",
            pc.uid
                .map_or_else(|| Value::str("none"), |u| Value::Int(i64::from(u))),
        ),
        ("command", Value::str(&pc.command)),
        (
            "exitcodes",
            Value::Array(
                pc.exitcodes
                    .iter()
                    .map(|c| Value::Int(i64::from(*c)))
                    .collect(),
            ),
        ),
        ("group", Value::str(&group.name)),
        ("group_prio", Value::capped(group.priority)),
        ("inuse", Value::Bool(inuse)),
        ("killasgroup", Value::Bool(pc.killasgroup)),
        ("name", Value::str(&pc.name)),
        ("process_prio", Value::capped(pc.priority)),
        ("redirect_stderr", Value::Bool(pc.redirect_stderr)),
        ("startretries", Value::capped(pc.startretries)),
        ("startsecs", Value::capped(pc.startsecs)),
        (
            "stdout_capture_maxbytes",
            Value::capped(pc.stdout.capture_maxbytes),
        ),
        (
            "stdout_events_enabled",
            Value::Bool(pc.stdout.events_enabled),
        ),
        ("stdout_logfile", Value::str(stdout_logfile)),
        (
            "stdout_logfile_backups",
            Value::capped(pc.stdout.logfile_backups),
        ),
        (
            "stdout_logfile_maxbytes",
            Value::capped(pc.stdout.logfile_maxbytes),
        ),
        ("stdout_syslog", Value::Bool(pc.stdout.syslog)),
        ("stopsignal", Value::Int(i64::from(pc.stopsignal.0))),
        ("stopwaitsecs", Value::capped(pc.stopwaitsecs)),
        (
            "stderr_capture_maxbytes",
            Value::capped(pc.stderr.capture_maxbytes),
        ),
        (
            "stderr_events_enabled",
            Value::Bool(pc.stderr.events_enabled),
        ),
        ("stderr_logfile", Value::str(stderr_logfile)),
        (
            "stderr_logfile_backups",
            Value::capped(pc.stderr.logfile_backups),
        ),
        (
            "stderr_logfile_maxbytes",
            Value::capped(pc.stderr.logfile_maxbytes),
        ),
        ("stderr_syslog", Value::Bool(pc.stderr.syslog)),
        ("serverurl", none_or(pc.serverurl.clone())),
    ])
}

/// How `getAllConfigInfo` shows a configured log file that has no real path yet.
pub fn logfile_setting(log: &config::LogFile) -> String {
    match log {
        config::LogFile::Auto => "auto".into(),
        config::LogFile::None => "none".into(),
        config::LogFile::Path(p) => p.to_string_lossy().into_owned(),
    }
}
