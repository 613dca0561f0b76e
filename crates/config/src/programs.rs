//! `[program:x]`-style sections into process configs: supervisor's
//! `_processes_from_section`, with its expansion names, defaults, checks and messages.

use crate::context::LoadContext;
use crate::datatypes::{self as dt, LogfileName};
use crate::error::{ConfigError, Result};
use crate::getter::{Getter, Got};
use crate::kvpairs::parse_key_value_pairs;
use crate::model::{ChannelLog, Environment, LogFile, ProcessConfig};
use crate::pyfmt::{PyDict, PyValue, expand, repr_str};

/// Refuse absurd `numprocs` instead of trying to build them (Python would exhaust memory).
const MAX_NUMPROCS: i64 = 100_000;

/// The facts shared by every section of one load.
pub(crate) struct SectionEnv<'a> {
    pub getter: Getter<'a>,
    /// Absolute directory of the main config file.
    pub here: &'a str,
    /// The config file path as given (`self.configfile`, used in error suffixes).
    pub configfile: &'a str,
    pub ctx: &'a LoadContext,
}

/// `processes_from_section`: errors get the `in section '...' (file: '...')` suffix.
pub(crate) fn processes_from_section(
    env: &SectionEnv<'_>,
    section: &str,
    group_name: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<ProcessConfig>> {
    processes(env, section, group_name, warnings).map_err(|err| {
        let file = env
            .getter
            .doc
            .section_file(section)
            .unwrap_or(env.configfile)
            .to_string();
        let err = match env.getter.doc.section_origin(section) {
            Some((file, line)) => err.at(file, Some(line)),
            None => err,
        };
        err.in_option(section, None).map_message(|m| {
            format!(
                "{m} in section {} (file: {})",
                repr_str(section),
                repr_str(&file)
            )
        })
    })
}

fn section_suffix(section: &str) -> &str {
    section.split_once(':').map_or("", |(_, rest)| rest)
}

fn processes(
    env: &SectionEnv<'_>,
    section: &str,
    group_name: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<ProcessConfig>> {
    let program_name =
        dt::process_or_group_name(section_suffix(section)).map_err(ConfigError::new)?;
    let mut common = PyDict::new();
    common.set_str("here", env.here);
    common.set_str("program_name", &program_name);
    common.set_str("host_node_name", &env.ctx.hostname);
    common.set_str("group_name", group_name);
    let g = &env.getter;
    let get = |opt: &str, default: &str, common: &PyDict| g.get_or(section, opt, default, common);

    let priority = get("priority", "999", &common)?.parse(dt::integer)?;
    let autostart = get("autostart", "true", &common)?.parse(dt::boolean)?;
    let autorestart = get("autorestart", "unexpected", &common)?.parse(dt::autorestart)?;
    let startsecs = get("startsecs", "1", &common)?.parse(dt::integer)?;
    let startretries = get("startretries", "3", &common)?.parse(dt::integer)?;
    let stopsignal = get("stopsignal", "TERM", &common)?.parse(dt::signal)?;
    let stopwaitsecs = get("stopwaitsecs", "10", &common)?.parse(dt::integer)?;
    let stopasgroup = get("stopasgroup", "false", &common)?.parse(dt::boolean)?;
    let killasgroup = get(
        "killasgroup",
        if stopasgroup { "true" } else { "false" },
        &common,
    )?
    .parse(dt::boolean)?;
    let exitcodes = get("exitcodes", "0", &common)?.parse(dt::exitcodes)?;
    let redirect_stderr = get("redirect_stderr", "false", &common)?.parse(dt::boolean)?;
    let numprocs_got = get("numprocs", "1", &common)?;
    let numprocs = numprocs_got.parse(dt::integer)?;
    let numprocs_start = get("numprocs_start", "0", &common)?.parse(dt::integer)?;
    let environment_got = g
        .get(section, "environment", Some(""), false, &common)?
        .unwrap_or_else(|| unreachable_default(section, "environment"));
    let stdout_cmaxbytes = get("stdout_capture_maxbytes", "0", &common)?.parse(dt::byte_size)?;
    let stdout_events = get("stdout_events_enabled", "false", &common)?.parse(dt::boolean)?;
    let stderr_cmaxbytes = get("stderr_capture_maxbytes", "0", &common)?.parse(dt::byte_size)?;
    let stderr_events = get("stderr_events_enabled", "false", &common)?.parse(dt::boolean)?;
    let serverurl = g
        .get(section, "serverurl", None, true, &common)?
        .map(|v| v.text)
        .filter(|v| dt::py_strip(v).to_uppercase() != "AUTO");
    let uid = match g.get(section, "user", None, true, &common)? {
        Some(user) => Some(user.parse(|v| dt::name_to_uid(v, env.ctx))?),
        None => None,
    };
    let umask = match g.get(section, "umask", None, true, &common)? {
        Some(umask) => Some(umask.parse(dt::octal)?),
        None => None,
    };
    let process_name_got = g
        .get(
            section,
            "process_name",
            Some("%(program_name)s"),
            false,
            &common,
        )?
        .unwrap_or_else(|| unreachable_default(section, "process_name"));
    let process_name = process_name_got.parse(dt::process_or_group_name)?;
    if numprocs > 1 && !process_name.contains("%(process_num)") {
        return Err(process_name_got
            .error("%(process_num) must be present within process_name when numprocs > 1"));
    }
    if stopasgroup && !killasgroup {
        return Err(ConfigError::new(
            "Cannot set stopasgroup=true and killasgroup=false",
        ));
    }
    if numprocs > MAX_NUMPROCS {
        return Err(numprocs_got.error(format!(
            "numprocs {numprocs} is too large (at most {MAX_NUMPROCS})"
        )));
    }
    let end = numprocs_start
        .checked_add(numprocs.max(0))
        .ok_or_else(|| numprocs_got.error("numprocs_start too large"))?;

    let mut programs = Vec::new();
    for process_num in numprocs_start..end {
        common.set("process_num", PyValue::Int(process_num));
        common.set("numprocs", PyValue::Int(numprocs));
        common.update(g.environ);
        let env_text = environment_got.parse(|v| expand(v, &common, "environment"))?;
        let environment: Environment = environment_got
            .parse(|_| parse_key_value_pairs(&env_text))?
            .into_iter()
            .collect();
        for (k, v) in environment.iter() {
            common.set_str(&format!("ENV_{k}"), v);
        }
        let directory = g
            .get(section, "directory", None, true, &common)?
            .map(|v| v.text);
        let stdout = channel_log(env, section, "stdout", &common, warnings)?;
        let mut stderr = channel_log(env, section, "stderr", &common, warnings)?;
        if redirect_stderr {
            if matches!(stderr.logfile, LogFile::Path(_)) {
                warnings.push(format!(
                    "For [{section}], redirect_stderr=true but stderr_logfile has also been set to a \
                     filename, the filename has been ignored"
                ));
            }
            stderr.logfile = LogFile::None;
        }
        stderr.capture_maxbytes = stderr_cmaxbytes;
        stderr.events_enabled = stderr_events;
        let mut stdout = stdout;
        stdout.capture_maxbytes = stdout_cmaxbytes;
        stdout.events_enabled = stdout_events;
        let command = match g.get(section, "command", None, true, &common)? {
            Some(c) => c.text,
            None => {
                return Err(ConfigError::new(format!(
                    "program section {section} does not specify a command"
                )));
            }
        };
        let name = expand(&process_name, &common, "process_name")
            .map_err(|m| process_name_got.error(m))?;
        programs.push(ProcessConfig {
            name,
            command,
            directory,
            umask,
            priority,
            autostart,
            autorestart,
            startsecs,
            startretries,
            uid,
            stdout,
            stderr,
            stopsignal,
            stopwaitsecs,
            stopasgroup,
            killasgroup,
            exitcodes: exitcodes.clone(),
            redirect_stderr,
            environment,
            serverurl: serverurl.clone(),
        });
    }
    programs.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));
    Ok(programs)
}

/// A default is always returned when one is given; this only satisfies the types.
fn unreachable_default(section: &str, option: &str) -> Got {
    Got {
        text: String::new(),
        origin: None,
        section: section.to_string(),
        option: option.to_string(),
    }
}

/// `stdout_*`/`stderr_*` logging options of one process (capture and events are
/// program-level and filled in by the caller).
fn channel_log(
    env: &SectionEnv<'_>,
    section: &str,
    channel: &str,
    common: &PyDict,
    warnings: &mut Vec<String>,
) -> Result<ChannelLog> {
    let g = &env.getter;
    let lf_key = format!("{channel}_logfile");
    // Quirk: the value is expanded twice (by the getter, then again), so `%%` breaks.
    let logfile = match g.get(section, &lf_key, None, true, common)? {
        Some(got) => {
            let again = expand(&got.text, common, &lf_key).map_err(|m| got.error(m))?;
            got.parse(|_| dt::logfile_name(&again, env.ctx))?
        }
        None => LogfileName::Auto,
    };
    let backups = g
        .get_or(section, &format!("{channel}_logfile_backups"), "10", common)?
        .parse(dt::integer)?;
    let maxbytes = g
        .get_or(
            section,
            &format!("{channel}_logfile_maxbytes"),
            "50MB",
            common,
        )?
        .parse(dt::byte_size)?;
    let sy_key = format!("{channel}_syslog");
    let mut syslog = g
        .get_or(section, &sy_key, "false", common)?
        .parse(dt::boolean)?;
    let logfile = match logfile {
        LogfileName::Syslog => {
            warnings.push(format!(
                "For [{section}], {lf_key}=syslog but this is deprecated and will be removed.  \
                 Use {sy_key}=true to enable syslog instead."
            ));
            syslog = true;
            LogFile::None
        }
        LogfileName::Auto => {
            if maxbytes == 0 {
                warnings.push(format!(
                    "For [{section}], AUTO logging used for {lf_key} without rollover, set maxbytes > 0 \
                     to avoid filling up filesystem unintentionally"
                ));
            }
            LogFile::Auto
        }
        LogfileName::None => LogFile::None,
        LogfileName::Path(p) => LogFile::Path(p.into()),
    };
    Ok(ChannelLog {
        logfile,
        logfile_maxbytes: maxbytes,
        logfile_backups: backups,
        capture_maxbytes: 0,
        events_enabled: false,
        syslog,
    })
}
