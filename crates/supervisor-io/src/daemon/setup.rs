//! [`super::Daemon::new`]: what supervisord does between opening its log and entering
//! its main loop (spec §2.5 steps 5–6).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::poll::Poller;
use crossbeam_channel::unbounded;
use supervisor_core::{Input, LogLevel, Supervisor};

use super::autolog;
use super::fcgi::FcgiSocket;
use super::handle::Handle;
use super::process::{LogFiles, Proc, Table};
use super::{Daemon, DaemonError, DaemonOptions, now, spec};
use crate::errno::python_os_error;
use crate::mainlog::MainLog;
use crate::pyrepr::repr_str;

pub(super) fn new(
    config: config::Config,
    mut log: MainLog,
    options: DaemonOptions,
) -> Result<(Daemon, Handle), DaemonError> {
    let poller = Arc::new(Poller::new().map_err(DaemonError::Poller)?);
    let (tx, rx) = unbounded();
    let mut inputs = VecDeque::new();
    let sup = &config.supervisord;
    if !sup.nocleanup {
        clean_childlogdir(&config, &mut log, &mut inputs);
    }
    let sockets = fcgi_sockets(&config, &mut log)?;
    let (core, initial) = Supervisor::with_events(
        spec::supervisor_spec(&config),
        spec::event_spec(&config),
        now(),
    );
    let mut table = Table::default();
    for (id, group, name) in core.processes() {
        let Some(pc) = find_process(&config, group, name) else {
            continue;
        };
        let logfiles = auto_logs(&config, pc)?;
        table.insert(
            id,
            Proc {
                config: pc.clone(),
                group: group.to_owned(),
                logfiles,
                stdout_log: None,
                stderr_log: None,
                live: None,
            },
        );
    }
    let mut http =
        super::http::Http::open(&config, &poller, &mut log).map_err(DaemonError::Http)?;
    for (_, p) in table.iter() {
        http.note_made_logs(&p.group, &p.config.name, &p.logfiles);
    }
    let handle = Handle {
        commands: tx,
        poller: Arc::clone(&poller),
    };
    let daemon = Daemon {
        config,
        log,
        options,
        poller,
        commands: rx,
        core,
        initial,
        table,
        pids: HashMap::new(),
        sockets,
        replies: HashMap::new(),
        next_request: 0,
        inputs,
        lingering: Vec::new(),
        added: Vec::new(),
        retry_at: None,
        defer_at: None,
        deferred: Vec::new(),
        exit_poll_at: None,
        reap_budget: usize::MAX,
        reap_more: false,
        signals: None,
        outcome: None,
        http,
        read_buf: Vec::new(),
        reload_check: None,
    };
    Ok((daemon, handle))
}

/// The process `name` of group `group` in the config.
pub(super) fn find_process<'c>(
    config: &'c config::Config,
    group: &str,
    name: &str,
) -> Option<&'c config::ProcessConfig> {
    config
        .groups
        .iter()
        .filter(|g| g.name == group)
        .flat_map(|g| g.processes.iter())
        .find(|p| p.name == name)
}

/// `clear_autochildlogdir`: a failed listing is a WARN; a failed removal is 4.3's WARN
/// and, here, a `LogRemoveFailed` fact for the core (supervisord's FATAL state).
fn clean_childlogdir(config: &config::Config, log: &mut MainLog, inputs: &mut VecDeque<Input>) {
    let sup = &config.supervisord;
    let files = match autolog::old_auto_logs(&sup.childlogdir, &sup.identifier) {
        Ok(files) => files,
        Err(_) => {
            log.log(LogLevel::Warn, "Could not clear childlog dir");
            return;
        }
    };
    for path in files {
        if let Err(e) = std::fs::remove_file(&path) {
            let shown = path.to_string_lossy().into_owned();
            log.log(
                LogLevel::Warn,
                &format!("Failed to clean up {}", repr_str(&shown)),
            );
            inputs.push_back(Input::LogRemoveFailed {
                path: shown,
                error: python_os_error(&e),
            });
        }
    }
}

/// Create each fcgi socket once, as `FastCGIProcessGroup.__init__` does, to fail early.
fn fcgi_sockets(
    config: &config::Config,
    log: &mut MainLog,
) -> Result<HashMap<String, FcgiSocket>, DaemonError> {
    let mut sockets = HashMap::new();
    for group in &config.groups {
        if let config::GroupKind::FastCgi { socket } = &group.kind {
            let mut s = FcgiSocket::new(socket.clone());
            if let Err(error) = s.acquire(log) {
                return Err(DaemonError::FcgiSocket {
                    url: s.url(),
                    error,
                });
            }
            s.release(log);
            sockets.insert(group.name.clone(), s);
        }
    }
    Ok(sockets)
}

/// The process's log paths, creating AUTO files (`create_autochildlogs`).
pub(super) fn auto_logs(
    config: &config::Config,
    pc: &config::ProcessConfig,
) -> Result<LogFiles, DaemonError> {
    let sup = &config.supervisord;
    let resolve = |channel: &config::ChannelLog, name: &str| match &channel.logfile {
        config::LogFile::None => Ok(None),
        config::LogFile::Path(p) => Ok(Some(p.clone())),
        config::LogFile::Auto => autolog::create(&sup.childlogdir, &pc.name, name, &sup.identifier)
            .map(Some)
            .map_err(|e| DaemonError::AutoLog {
                dir: sup.childlogdir.to_string_lossy().into_owned(),
                error: python_os_error(&e),
            }),
    };
    let stdout = resolve(&pc.stdout, "stdout")?;
    let stderr = if pc.redirect_stderr {
        None
    } else {
        resolve(&pc.stderr, "stderr")?
    };
    Ok(LogFiles { stdout, stderr })
}
