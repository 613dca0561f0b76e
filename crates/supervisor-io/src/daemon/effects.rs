//! Carrying out the core's effects; outcomes are queued as inputs.

use supervisor_core::{
    Effect, Input, LogLevel, Pid, ProcessId, Request, SpawnError as CoreSpawnError,
};

use super::childlog::{Channel, ChildLog};
use super::events::Captures;
use super::process::{Live, Pipe, Source, StdinPipe};
use super::{Daemon, Outcome};
use crate::command::{self, CommandError};
use crate::errno::python_os_error;
use crate::kill::{KillError, KillTarget, kill};
use crate::poll::Watched;
use crate::spawn::{ChildSignals, Prepared, SpawnRequest, Stderr, Stdin, prepare};
use crate::sys;

impl Daemon {
    /// Apply `effects` in order. An effect's outcome (Spawned, CommandChecked,
    /// KillFailed...) is fed to the core at once, and the effects of that step applied,
    /// before the next effect of the batch: depth first, so the log reads as 4.3's
    /// (`spawned: 'a'` before the next group's `Creating socket`).
    ///
    /// A run of `Spawn` effects (the `Event`s between them do nothing here) is forked
    /// at once ([`crate::spawn::spawn_all`]) and its outcomes fed in order after: the
    /// start-up of 200 programs is one such run. fcgi programs, whose socket handling
    /// logs between the spawns, keep the one-by-one order.
    pub(super) fn apply_all(&mut self, effects: Vec<Effect>) {
        let mut effects = effects.into_iter().peekable();
        while let Some(effect) = effects.next() {
            if let Effect::Spawn { process, .. } = effect {
                let mut run = vec![process];
                while let Some(Effect::Spawn { .. } | Effect::Event(_)) = effects.peek() {
                    if let Some(Effect::Spawn { process, .. }) = effects.next() {
                        run.push(process);
                    }
                }
                self.spawn_run(run);
                continue;
            }
            if let Some(outcome) = self.apply(effect) {
                self.handle_now(outcome);
            }
        }
    }

    /// Spawn `run`, feeding each outcome to the core in order.
    ///
    /// Prepared spawns are forked in chunks of at most [`SPAWN_CHUNK`]: a prepared
    /// spawn holds the child's three pipe ends until its fork, so a chunk is also
    /// cut short where those would eat into the descriptors kept for the programs
    /// still to start ([`room_for_extra`]; with a tight `minfds` that is every
    /// spawn, one by one as before).
    fn spawn_run(&mut self, run: Vec<ProcessId>) {
        let fcgi = run.iter().any(|&id| {
            self.table
                .get(id)
                .is_some_and(|p| self.sockets.contains_key(&p.group))
        });
        if run.len() == 1 || fcgi {
            for id in run {
                let outcome = self.spawn_process(id);
                self.handle_now(outcome);
            }
            return;
        }
        let mut chunk: Vec<Result<(ReadySpawn, Prepared), Box<Input>>> = Vec::new();
        for id in run {
            let ready = self.prepare_spawn(id);
            let crowded = ready.as_ref().is_ok_and(|(r, prepared)| {
                !room_for_extra(prepared.highest_fd().saturating_add(3), r.waiting)
            });
            chunk.push(ready);
            if crowded || chunk.len() >= SPAWN_CHUNK {
                self.fork_chunk(std::mem::take(&mut chunk));
            }
        }
        self.fork_chunk(chunk);
        sys::release_free_memory();
    }

    /// Fork the prepared spawns of `chunk` at once, then feed every outcome in order.
    fn fork_chunk(&mut self, chunk: Vec<Result<(ReadySpawn, Prepared), Box<Input>>>) {
        let mut forks = Vec::new();
        let chunk: Vec<Result<ReadySpawn, Box<Input>>> = chunk
            .into_iter()
            .map(|outcome| {
                outcome.map(|(ready, prepared)| {
                    forks.push(prepared);
                    ready
                })
            })
            .collect();
        // one result per fork, in order
        let mut results = crate::spawn::spawn_all(forks).into_iter();
        // Every child is watched before the core hears of the first one.
        let inputs: Vec<Input> = chunk
            .into_iter()
            .map(|outcome| match outcome {
                // spawn_all answers every fork; a missing answer is a fork not made
                Ok(ready) => match results.next() {
                    Some(result) => self.finish_spawn(ready, result),
                    None => self.spawn_failed(
                        ready,
                        crate::spawn::SpawnError::TooManyProcesses {
                            name: String::new(),
                        },
                    ),
                },
                Err(failed) => *failed,
            })
            .collect();
        for input in inputs {
            self.handle_now(input);
        }
    }

    /// Feed one fact to the core and apply the resulting effects.
    pub(super) fn handle_now(&mut self, input: Input) {
        let regroup = matches!(
            &input,
            Input::Request {
                request: Request::AddGroup { .. }
                    | Request::AddGroupWithEvents { .. }
                    | Request::RemoveGroup { .. },
                ..
            }
        );
        let effects = self.core.handle(super::now(), input);
        if regroup {
            // Before the effects: they may spawn the new group's processes.
            self.sync_groups();
        }
        self.apply_all(effects);
    }

    /// Carry out one effect; its outcome, if the core wants one.
    fn apply(&mut self, effect: Effect) -> Option<Input> {
        match effect {
            Effect::CheckCommand { check, process } => {
                let result = self.resolve(process).map(drop);
                return Some(Input::CommandChecked { check, result });
            }
            Effect::Spawn { process, .. } => return Some(self.spawn_process(process)),
            Effect::Kill {
                pid,
                signal,
                to_group,
                ..
            } => {
                let target = if to_group {
                    KillTarget::Group(pid.0)
                } else {
                    KillTarget::Process(pid.0)
                };
                return kill_error(kill(target, signal.0))
                    .map(|error| Input::KillFailed { pid, error });
            }
            Effect::Signal { pid, signal, .. } => {
                return kill_error(kill(KillTarget::Process(pid.0), signal.0))
                    .map(|error| Input::SignalFailed { pid, error });
            }
            Effect::Reply { id, result } => {
                if let Some(waiting) = self.replies.remove(&id) {
                    // The caller may have given up; nothing to do then.
                    let _ = waiting.send(result);
                }
            }
            Effect::Log { level, message } => self.log.log(level, &message),
            // The core routes notifications into its pools itself.
            Effect::Event(_) => {}
            Effect::WriteStdin { process, bytes } => return self.write_stdin(process, bytes),
            Effect::ReopenLogs => self.reopen_logs(),
            Effect::Exit { .. } => self.outcome = Some(Outcome::Shutdown),
            Effect::Restart => self.outcome = Some(Outcome::Restart),
        }
        None
    }

    /// `get_execv_args` for a process: split, search, check.
    fn resolve(&self, id: ProcessId) -> Result<command::ResolvedCommand, CoreSpawnError> {
        let Some(p) = self.table.get(id) else {
            return Err(CoreSpawnError::NotFound {
                message: "unknown process".to_owned(),
            });
        };
        let env: Vec<(String, String)> = p
            .config
            .environment
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let search = command::daemon_search_path(command::path_of(&env));
        command::resolve(&p.config.command, &search).map_err(|e| match e {
            CommandError::NotFound { .. } => CoreSpawnError::NotFound {
                message: e.to_string(),
            },
            other => CoreSpawnError::NotExecutable {
                message: other.to_string(),
            },
        })
    }

    /// `Subprocess.spawn`: resolve, open the logs, fork; `Spawned` or `SpawnFailed`.
    fn spawn_process(&mut self, id: ProcessId) -> Input {
        match self.prepare_spawn(id) {
            Ok((ready, prepared)) => {
                let result = prepared.fork();
                self.finish_spawn(ready, result)
            }
            Err(failed) => *failed,
        }
    }

    /// Everything of a spawn before the fork: the fcgi socket reference, the command,
    /// the logs, the pipes. `Err` is the `SpawnFailed` to feed.
    fn prepare_spawn(&mut self, id: ProcessId) -> Result<(ReadySpawn, Prepared), Box<Input>> {
        let failed = |error| Box::new(Input::SpawnFailed { process: id, error });
        // As `FastCGISubprocess.spawn`: the socket reference comes first and is given
        // back when the spawn fails.
        let group = self
            .table
            .get(id)
            .map(|p| p.group.clone())
            .unwrap_or_default();
        let socket = match self.sockets.get_mut(&group) {
            Some(s) => match s.acquire(&mut self.log) {
                Ok(_) => true,
                Err(e) => {
                    let message = format!("Could not create FastCGI socket {}: {e}", s.url());
                    return Err(failed(CoreSpawnError::Resources { message }));
                }
            },
            None => false,
        };
        let prepared = self.resolve(id).and_then(|r| {
            self.open_logs(id)
                .map(|()| r)
                .map_err(|message| CoreSpawnError::Resources { message })
        });
        let resolved = match prepared {
            Ok(r) => r,
            Err(e) => {
                self.release_socket(socket, &group);
                return Err(failed(e));
            }
        };
        let listener = self.core.listener_info(id).is_some();
        // (this process still counts, though its pipes are open: five to spare)
        let waiting = not_running(&self.table);
        let Some(p) = self.table.get_mut(id) else {
            return Err(failed(CoreSpawnError::Resources {
                message: "unknown process".to_owned(),
            }));
        };
        let stdin = match self.sockets.get(&p.group).and_then(|s| s.fd()) {
            Some(fd) if socket => Stdin::Fd(fd),
            _ => Stdin::Pipe,
        };
        let c = &p.config;
        let request = SpawnRequest {
            name: c.name.clone(),
            group: Some(p.group.clone()),
            command: resolved,
            environment: c
                .environment
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            server_url: c.serverurl.clone().or_else(|| self.config.server_url()),
            directory: c.directory.as_ref().map(Into::into),
            umask: c.umask.and_then(|m| u32::try_from(m & 0o7777).ok()),
            uid: c.uid,
            stdin,
            stderr: if c.redirect_stderr {
                Stderr::ToStdout
            } else {
                Stderr::Pipe
            },
            signals: ChildSignals::AsSupervisord,
        };
        let prepared = prepare(&request);
        drop(request);
        let ready = ReadySpawn {
            id,
            group,
            socket,
            listener,
            waiting,
        };
        match prepared {
            Ok(prepared) => Ok((ready, prepared)),
            Err(e) => Err(Box::new(self.spawn_failed(ready, e))),
        }
    }

    /// A spawn that made no child: its logs are closed, its socket reference given back.
    fn spawn_failed(&mut self, ready: ReadySpawn, e: crate::spawn::SpawnError) -> Input {
        // The logs opened for this spawn are closed with it: a program left FATAL must
        // hold no descriptor (4.3 makes the pipes first, so an EMFILE there holds none
        // either), or a few failed spawns would leave the daemon unable to accept a
        // connection.
        if let Some(p) = self.table.get_mut(ready.id) {
            p.stdout_log = None;
            p.stderr_log = None;
        }
        self.release_socket(ready.socket, &ready.group);
        Input::SpawnFailed {
            process: ready.id,
            error: CoreSpawnError::Resources {
                message: e.to_string(),
            },
        }
    }

    /// After the fork: watch the child's pidfd and pipes; `Spawned` or `SpawnFailed`.
    fn finish_spawn(
        &mut self,
        ready: ReadySpawn,
        spawned: Result<crate::spawn::Spawned, crate::spawn::SpawnError>,
    ) -> Input {
        let spawned = match spawned {
            Ok(s) => s,
            Err(e) => return self.spawn_failed(ready, e),
        };
        let ReadySpawn {
            id,
            socket,
            listener,
            waiting,
            ..
        } = ready;
        let Some(p) = self.table.get_mut(id) else {
            return Input::SpawnFailed {
                process: id,
                error: CoreSpawnError::Resources {
                    message: "unknown process".to_owned(),
                },
            };
        };
        let pid = spawned.pid;
        let room_for_pidfd = |fd| room_for_extra(fd, waiting);
        let mut unwatched = Vec::new();
        let mut watch = |fd, source: Source| match Watched::new(fd, &self.poller, source.key()) {
            Ok(w) => Some(w),
            Err(e) => {
                unwatched.push(format!("cannot watch {source:?} of pid {pid}: {e}"));
                None
            }
        };
        // without a pidfd the exit comes through SIGCHLD, as in 4.3
        let exit = sys::pidfd_open(pid)
            .ok()
            .filter(|fd| room_for_pidfd(std::os::fd::AsRawFd::as_raw_fd(fd)))
            .and_then(|fd| watch(fd, Source::Exit(id)));
        let pipe = |w: Option<Watched>| {
            w.map(|watched| Pipe {
                watched,
                deferred: false,
                last_read: None,
                grown: false,
            })
        };
        let stdout = pipe(watch(spawned.stdout, Source::Output(id, Channel::Stdout)));
        let stderr = pipe(
            spawned
                .stderr
                .and_then(|fd| watch(fd, Source::Output(id, Channel::Stderr))),
        );
        p.live = Some(Live {
            pid,
            exit,
            stdout,
            stderr,
            stdin: spawned.stdin.and_then(|fd| {
                let watched = Watched::idle(fd, &self.poller, Source::Stdin(id).key()).ok()?;
                Some(StdinPipe {
                    watched,
                    buffer: Vec::new(),
                })
            }),
            holds_socket: socket,
            captures: Captures::new(&p.config, listener),
            listener,
        });
        self.pids.insert(pid, id);
        for text in unwatched {
            self.log.log(LogLevel::Error, &text);
        }
        Input::Spawned {
            process: id,
            pid: Pid(pid),
        }
    }

    /// Give back a socket reference taken for a spawn that did not happen.
    fn release_socket(&mut self, taken: bool, group: &str) {
        if taken && let Some(s) = self.sockets.get_mut(group) {
            s.release(&mut self.log);
        }
    }

    /// Whether a descriptor this daemon adds to 4.3's (a pidfd, a log's splice handle)
    /// may be kept at number `fd`: see [`room_for_extra`].
    pub(super) fn room_for_extra(&self, fd: std::os::fd::RawFd) -> bool {
        room_for_extra(fd, not_running(&self.table))
    }

    /// Replace the previous spawn's logs with fresh ones (supervisord opens the log
    /// files at each spawn, in append mode). A failure is the spawn's error, with
    /// supervisord's text for failures while making dispatchers.
    fn open_logs(&mut self, id: ProcessId) -> Result<(), String> {
        self.close_logs(id);
        let Some(p) = self.table.get_mut(id) else {
            return Ok(());
        };
        let c = &p.config;
        for (channel, settings) in [(Channel::Stdout, &c.stdout), (Channel::Stderr, &c.stderr)] {
            if channel == Channel::Stderr && c.redirect_stderr {
                continue;
            }
            let path = p.logfiles.get(channel);
            let mode = match settings.logfile {
                config::LogFile::Auto => logrotate::CreateMode::AUTO,
                _ => logrotate::CreateMode::DEFAULT,
            };
            let policy = logrotate::Policy {
                max_bytes: u64::try_from(settings.logfile_maxbytes).unwrap_or(0),
                backups: u32::try_from(settings.logfile_backups.max(0)).unwrap_or(u32::MAX),
            };
            let opened = ChildLog::open(
                &c.name,
                channel,
                path.map(|p| p.as_path()),
                policy,
                mode,
                settings.syslog,
            )
            .map_err(|e| {
                let code = e.io_error().raw_os_error().unwrap_or(0);
                if code == nix::libc::EMFILE {
                    format!("too many open files to spawn '{}'", c.name)
                } else {
                    format!(
                        "unknown error making dispatchers for '{}': {}",
                        c.name,
                        crate::errno::render_errno(code)
                    )
                }
            });
            let log = match opened {
                Ok(log) => log,
                Err(e) => {
                    // no half-opened pair is kept (see `spawn_process`)
                    p.stdout_log = None;
                    return Err(e);
                }
            };
            match channel {
                Channel::Stdout => p.stdout_log = log,
                Channel::Stderr => p.stderr_log = log,
            }
        }
        if !self.lingering.is_empty() {
            self.schedule_log_retry();
        }
        Ok(())
    }

    /// SIGUSR2: reopen the main log and every child log.
    fn reopen_logs(&mut self) {
        if let Err(e) = self.log.reopen() {
            self.log
                .log(LogLevel::Error, &format!("cannot reopen the main log: {e}"));
        }
        let mut failures = Vec::new();
        for (_, p) in self.table.iter_mut() {
            for log in [p.stdout_log.as_mut(), p.stderr_log.as_mut()]
                .into_iter()
                .flatten()
            {
                if let Err(e) = log.reopen() {
                    failures.push(format!("cannot reopen a log of {}: {e}", p.config.name));
                }
            }
        }
        for f in failures {
            self.log.log(LogLevel::Error, &f);
        }
    }
}

/// A spawn between [`Daemon::prepare_spawn`] and [`Daemon::finish_spawn`].
struct ReadySpawn {
    id: ProcessId,
    group: String,
    /// Holds a reference to its group's fcgi socket.
    socket: bool,
    listener: bool,
    /// Processes without a child when it was prepared (see [`room_for_extra`]).
    waiting: usize,
}

/// A kill result as the core wants it: `None` for success and ESRCH (the exit will be
/// reaped), else Python's `OSError` text.
fn kill_error(result: Result<(), KillError>) -> Option<String> {
    match result {
        Ok(()) | Err(KillError::NoSuchProcess) => None,
        Err(KillError::Os { errno }) => {
            Some(python_os_error(&std::io::Error::from_raw_os_error(errno)))
        }
        Err(e @ KillError::InvalidPid { .. }) => Some(e.to_string()),
    }
}

/// Most spawns prepared before they are forked together (see `spawn_run`).
const SPAWN_CHUNK: usize = 16;

/// Descriptors kept free besides five per process not running: connections, a spawn's
/// pipes before the child ends close, reopened logs.
const SPARE_DESCRIPTORS: u64 = 32;

/// 4.3 uses five descriptors per process (three pipes, two logs), so `minfds` (1024)
/// runs 200 programs. This daemon's extras (a pidfd per child, a second handle per log
/// for `splice`) are optimisations, kept only while the one at number `fd` (descriptors
/// are allocated lowest first: about as many are in use) leaves room for `waiting`
/// processes to start and [`SPARE_DESCRIPTORS`]; without them exits come through
/// SIGCHLD and output is read and written.
fn room_for_extra(fd: std::os::fd::RawFd, waiting: usize) -> bool {
    let Ok((soft, _)) = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
    else {
        return false;
    };
    let fd = u64::try_from(fd).unwrap_or(u64::MAX);
    let need = 5u64.saturating_mul(waiting as u64) + SPARE_DESCRIPTORS;
    fd.saturating_add(need) < soft
}

/// How many processes have no child now.
fn not_running(table: &super::process::Table) -> usize {
    table.iter().filter(|(_, p)| p.live.is_none()).count()
}
