//! Sections into process groups: supervisor's `process_groups_from_parser` (spec §1.9-§1.12).
//!
//! Order of work is the original's, because it decides which error is reported first:
//! `[group:x]` sections (taking their programs out of the homogeneous list), then
//! `[program:x]`, `[eventlistener:x]`, `[fcgi-program:x]`; finally a stable sort by
//! `(priority, name)`.

use crate::datatypes as dt;
use crate::error::{ConfigError, Result};
use crate::model::{FcgiSocket, GroupConfig, GroupKind};
use crate::paths;
use crate::programs::{SectionEnv, processes_from_section};
use crate::pyfmt::{PyDict, repr_str};

/// Event type names `getattr(EventTypes, name)` finds (concrete and abstract).
pub(crate) const EVENT_TYPES: &[&str] = &[
    "EVENT",
    // ours: the monitor protocol (eventproto crate doc); 4.3 rejects it as unknown
    "MONITOR_QUERY",
    "PROCESS_COMMUNICATION",
    "PROCESS_COMMUNICATION_STDERR",
    "PROCESS_COMMUNICATION_STDOUT",
    "PROCESS_GROUP",
    "PROCESS_GROUP_ADDED",
    "PROCESS_GROUP_REMOVED",
    "PROCESS_LOG",
    "PROCESS_LOG_STDERR",
    "PROCESS_LOG_STDOUT",
    "PROCESS_STATE",
    "PROCESS_STATE_BACKOFF",
    "PROCESS_STATE_EXITED",
    "PROCESS_STATE_FATAL",
    "PROCESS_STATE_RUNNING",
    "PROCESS_STATE_STARTING",
    "PROCESS_STATE_STOPPED",
    "PROCESS_STATE_STOPPING",
    "PROCESS_STATE_UNKNOWN",
    "REMOTE_COMMUNICATION",
    "SUPERVISOR_STATE_CHANGE",
    "SUPERVISOR_STATE_CHANGE_RUNNING",
    "SUPERVISOR_STATE_CHANGE_STOPPING",
    "TICK",
    "TICK_3600",
    "TICK_5",
    "TICK_60",
];

/// The only listener result handler we can run (a Python callable in the original).
pub(crate) const DEFAULT_RESULT_HANDLER: &str = "supervisor.dispatchers:default_handler";

/// Whether an import spec resolves to `module:attr` as `importlib.metadata.EntryPoint`
/// parses it (spaces allowed around the colon).
pub(crate) fn spec_is(spec: &str, module: &str, attr: &str) -> bool {
    match spec.split_once(':') {
        Some((m, a)) => m.trim_end() == module && a.trim() == attr,
        None => false,
    }
}

fn section_suffix(section: &str) -> &str {
    section.split_once(':').map_or("", |(_, rest)| rest)
}

/// Build every group, sorted as the original sorts them.
pub(crate) fn groups_from_document(
    env: &SectionEnv<'_>,
    warnings: &mut Vec<String>,
) -> Result<Vec<GroupConfig>> {
    let doc = env.getter.doc;
    let all: Vec<String> = doc.sections().map(str::to_string).collect();
    let has = |s: &str| all.iter().any(|x| x == s);
    let mut here = PyDict::new();
    here.set_str("here", env.here);
    let g = &env.getter;
    let mut groups = Vec::new();
    let mut exclude: Vec<String> = Vec::new();

    for section in all.iter().filter(|s| s.starts_with("group:")) {
        let group_name = dt::process_or_group_name(section_suffix(section))
            .map_err(|m| ConfigError::new(m).in_option(section, None))?;
        let programs = g
            .get(section, "programs", None, true, &here)?
            .map_or(Vec::new(), |v| dt::list_of_strings(&v.text));
        let priority = g
            .get_or(section, "priority", "999", &here)?
            .parse(dt::integer)?;
        let mut processes = Vec::new();
        // Quirk: the original reuses its loop variable, so after the first member the
        // "section" named in these two messages is the previous member's section.
        let mut current = section.clone();
        for program in &programs {
            let ps = format!("program:{program}");
            let fs = format!("fcgi-program:{program}");
            if !has(&ps) && !has(&fs) {
                return Err(ConfigError::new(format!(
                    "[{current}] names unknown program or fcgi-program {program}"
                ))
                .in_option(section, Some("programs")));
            }
            if has(&ps) && has(&fs) {
                return Err(ConfigError::new(format!(
                    "[{current}] name {program} is ambiguous (exists as program and fcgi-program)"
                ))
                .in_option(section, Some("programs")));
            }
            current = if has(&ps) { ps } else { fs };
            exclude.push(current.clone());
            processes.extend(processes_from_section(
                env,
                &current,
                &group_name,
                warnings,
            )?);
        }
        groups.push(GroupConfig {
            name: group_name,
            priority,
            kind: GroupKind::Heterogeneous,
            processes,
        });
    }

    for section in all
        .iter()
        .filter(|s| s.starts_with("program:") && !exclude.contains(s))
    {
        let name = dt::process_or_group_name(section_suffix(section))
            .map_err(|m| ConfigError::new(m).in_option(section, None))?;
        let priority = g
            .get_or(section, "priority", "999", &here)?
            .parse(dt::integer)?;
        let processes = processes_from_section(env, section, &name, warnings)?;
        groups.push(GroupConfig {
            name,
            priority,
            kind: GroupKind::Program,
            processes,
        });
    }

    for section in all.iter().filter(|s| s.starts_with("eventlistener:")) {
        let pool_name = section_suffix(section).to_string();
        let priority = g
            .get_or(section, "priority", "-1", &here)?
            .parse(dt::integer)?;
        let buffer_got = g.get_or(section, "buffer_size", "10", &here)?;
        let buffer_size = buffer_got.parse(dt::integer)?;
        if buffer_size < 1 {
            return Err(buffer_got.error(format!(
                "[{section}] section sets invalid buffer_size ({buffer_size})"
            )));
        }
        let handler = g.get_or(section, "result_handler", DEFAULT_RESULT_HANDLER, &here)?;
        if !spec_is(&handler.text, "supervisor.dispatchers", "default_handler") {
            return Err(handler.error(format!(
                "{} cannot be resolved within [{section}]",
                handler.text
            )));
        }
        let events_got = g.get_or(section, "events", "", &here)?;
        let mut events: Vec<String> = Vec::new();
        for name in dt::list_of_strings(&events_got.text) {
            let upper = name.to_uppercase();
            if !events.contains(&upper) {
                events.push(upper);
            }
        }
        if events.is_empty() {
            return Err(
                events_got.error(format!("[{section}] section requires an \"events\" line"))
            );
        }
        if let Some(bad) = events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
            return Err(events_got.error(format!("Unknown event type {bad} in [{section}] events")));
        }
        events.sort();
        let redirect = g.get_or(section, "redirect_stderr", "false", &here)?;
        if redirect.parse(dt::boolean)? {
            return Err(redirect.error(format!(
                "[{section}] section sets redirect_stderr=true but this is not allowed because it will \
                 interfere with the eventlistener protocol"
            )));
        }
        let max_retry = match g.get(section, "max_retry", None, true, &here)? {
            None => None,
            Some(got) => {
                let n = got.parse(dt::integer)?;
                match u32::try_from(n) {
                    Ok(n) if n >= 1 => Some(n),
                    _ => {
                        return Err(
                            got.error(format!("[{section}] section sets invalid max_retry ({n})"))
                        );
                    }
                }
            }
        };
        let interval_got = g.get_or(section, "monitor_interval", "60", &here)?;
        let monitor_interval = interval_got.parse(dt::integer)?;
        if monitor_interval < 1 {
            return Err(interval_got.error(format!(
                "[{section}] section sets invalid monitor_interval ({monitor_interval})"
            )));
        }
        let processes = processes_from_section(env, section, &pool_name, warnings)?;
        let kind = GroupKind::EventListener {
            buffer_size,
            events,
            result_handler: handler.text,
            max_retry,
            monitor_interval,
        };
        groups.push(GroupConfig {
            name: pool_name,
            priority,
            kind,
            processes,
        });
    }

    for section in all
        .iter()
        .filter(|s| s.starts_with("fcgi-program:") && !exclude.contains(s))
    {
        let name = dt::process_or_group_name(section_suffix(section))
            .map_err(|m| ConfigError::new(m).in_option(section, None))?;
        let priority = g
            .get_or(section, "priority", "999", &here)?
            .parse(dt::integer)?;
        let socket = fcgi_socket(env, section, &name, &here)?;
        let processes = processes_from_section(env, section, &name, warnings)?;
        groups.push(GroupConfig {
            name,
            priority,
            kind: GroupKind::FastCgi { socket },
            processes,
        });
    }

    groups.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));
    Ok(groups)
}

/// The socket options of an `[fcgi-program:x]` and `parse_fcgi_socket`.
fn fcgi_socket(
    env: &SectionEnv<'_>,
    section: &str,
    program_name: &str,
    here: &PyDict,
) -> Result<FcgiSocket> {
    let g = &env.getter;
    let proc_uid = match g.get(section, "user", None, true, here)? {
        Some(user) => Some(user.parse(|v| dt::name_to_uid(v, env.ctx))?),
        None => None,
    };
    let backlog = match g.get(section, "socket_backlog", None, true, here)? {
        Some(got) => {
            let n = got.parse(dt::integer)?;
            if !(1..=65535).contains(&n) {
                return Err(got.error(format!("Invalid socket_backlog value {n}")));
            }
            Some(n)
        }
        None => None,
    };
    let owner = match g.get(section, "socket_owner", None, true, here)? {
        Some(got) => Some(got.parse(|v| {
            dt::user_group(v, env.ctx).map_err(|_| format!("Invalid socket_owner value {v}"))
        })?),
        None => None,
    };
    let mode = match g.get(section, "socket_mode", None, true, here)? {
        Some(got) => {
            Some(got.parse(|v| dt::octal(v).map_err(|_| format!("Invalid socket_mode value {v}")))?)
        }
        None => None,
    };
    let mut extra = PyDict::new();
    extra.set_str("program_name", program_name);
    extra.update(here);
    let got = g
        .get(section, "socket", None, true, &extra)?
        .filter(|s| !s.text.is_empty());
    let Some(got) = got else {
        return Err(
            ConfigError::new(format!("[{section}] section requires a \"socket\" line"))
                .in_option(section, Some("socket")),
        );
    };
    let wrap = |m: String| got.error(format!("{m} in [{section}] socket"));
    // The original raises ValueError(fmt, arg), so the message is the tuple's repr.
    let tuple = |fmt: &str, arg: &str| format!("({}, {})", repr_str(fmt), repr_str(arg));
    let sock = got.text.as_str();
    if let Some(path) = sock.strip_prefix("unix://") {
        if !path.starts_with('/') {
            return Err(wrap(tuple(
                "Unix socket path %s is not an absolute path",
                path,
            )));
        }
        let path = paths::normalize_path(path, env.ctx);
        let owner = owner.or_else(|| {
            let uid = proc_uid.filter(|&uid| uid != env.ctx.uid)?;
            let gid = env.ctx.users.user_by_uid(uid)?.gid;
            Some((i64::from(uid), i64::from(gid)))
        });
        return Ok(FcgiSocket::Unix {
            path: path.into(),
            mode: mode.unwrap_or(0o700),
            owner,
            backlog,
        });
    }
    if owner.is_some() || mode.is_some() {
        return Err(wrap(
            "socket_owner and socket_mode params should only be used with a Unix domain socket"
                .into(),
        ));
    }
    if let Some((host, port)) = tcp_socket(sock) {
        let n = dt::integer(port).map_err(&wrap)?;
        if n < 1 {
            return Err(wrap(format!("{n} is below lower bound (1)")));
        }
        let port =
            u16::try_from(n).map_err(|_| wrap(format!("{n} is above upper bound (65535)")))?;
        return Ok(FcgiSocket::Tcp {
            host: host.to_lowercase(),
            port,
            backlog,
        });
    }
    Err(wrap(tuple("Bad socket format %s", sock)))
}

/// `re.match(r'tcp://([^\s:]+):(\d+)$', sock)`.
fn tcp_socket(sock: &str) -> Option<(&str, &str)> {
    let rest = sock.strip_prefix("tcp://")?;
    let rest = rest.strip_suffix('\n').unwrap_or(rest);
    let (host, port) = rest.split_once(':')?;
    let host_ok = !host.is_empty() && !host.chars().any(dt::is_py_space);
    let port_ok = !port.is_empty() && port.chars().all(|c| c.is_ascii_digit());
    (host_ok && port_ok).then_some((host, port))
}
