//! Spawn one child as supervisord's `Subprocess.spawn` does, from pipes to `execve`.
//!
//! Parent side, in order: look up the user (privilege plan), make the pipes (stdin,
//! stdout, and stderr unless it is redirected), build argv/envp as C strings, fork.
//! The child side (in the private `sys` module) resets signals, `setpgid(0, 0)`, `dup2`s its ends
//! onto 0/1/2, closes every other descriptor, drops privileges, `chdir`s, sets the
//! umask and `execve`s; any failure there is reported on the child's fd 2 with the
//! original's text and `_exit(127)` — the parent learns of it only from that output
//! and the exit status, exactly like supervisord.
//!
//! [`spawn`] does it all for one child. [`prepare`] + [`spawn_all`] split it for a
//! batch: every parent-side step first, on the caller's thread, then the forks from a
//! few threads at once (each vfork-style `clone` holds up only its own thread until
//! that child's `execve`), results in request order.

use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::libc::c_char;
use nix::sys::resource::{Resource, getrlimit};
use nix::unistd::{Gid, Uid, User, getgrouplist, getuid, pipe2};

use crate::command::ResolvedCommand;
use crate::environment::{SupervisorVars, child_environment};
use crate::errno::render_errno;
use crate::sys::{self, ChildPlan, Privileges};

/// Where the child's fd 0 comes from.
#[derive(Debug, Clone, Copy)]
pub enum Stdin<'a> {
    /// A new pipe; the parent keeps the write end (`sendProcessStdin`). It stays open,
    /// so a child reading stdin blocks rather than sees EOF, as in supervisord.
    Pipe,
    /// This descriptor, e.g. the shared listening socket of an `[fcgi-program:x]`.
    /// It is duplicated for the child; the caller keeps ownership.
    Fd(BorrowedFd<'a>),
}

/// Where the child's fd 2 goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stderr {
    /// Its own pipe (always the case for event listeners).
    Pipe,
    /// `redirect_stderr=true`: the stdout pipe; no stderr pipe is made.
    ToStdout,
}

/// One spawn, fully described; nothing here is looked up again in the child.
#[derive(Debug, Clone)]
pub struct SpawnRequest<'a> {
    /// The process name: `SUPERVISOR_PROCESS_NAME` and the `'<name>'` of spawn errors.
    pub name: String,
    /// The group name for `SUPERVISOR_GROUP_NAME` (supervisord always has one).
    pub group: Option<String>,
    /// What [`crate::command::resolve`] produced.
    pub command: ResolvedCommand,
    /// The merged `[supervisord] environment=` + `[program:x] environment=`, applied last
    /// (so it can override `SUPERVISOR_*` and the daemon's environment).
    pub environment: Vec<(String, String)>,
    /// `SUPERVISOR_SERVER_URL`, set only when `Some` and non-empty.
    pub server_url: Option<String>,
    /// `directory=`: `chdir` in the child; failure is reported by the child.
    pub directory: Option<PathBuf>,
    /// `umask=`, applied in the child just before `execve`.
    pub umask: Option<u32>,
    /// `user=` resolved to a uid by the config.
    pub uid: Option<u32>,
    /// fd 0.
    pub stdin: Stdin<'a>,
    /// fd 2.
    pub stderr: Stderr,
    /// The signal dispositions the child starts with.
    pub signals: ChildSignals,
}

/// The signal dispositions a child starts with (its mask is always empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChildSignals {
    /// As under supervisord 4.3: SIGPIPE and SIGXFSZ ignored, every other signal at its
    /// default. CPython ignores both at startup and supervisord `execve`s without
    /// restoring them, so every program run by 4.3 has inherited them ignored (observed:
    /// `SigIgn: 0000000001001000` in a child of supervisord 4.3.0). A program that never
    /// handles SIGPIPE (a server writing to a client that went away) gets EPIPE there
    /// instead of dying, and keeps doing so after switching daemons.
    #[default]
    AsSupervisord,
    /// Every disposition at its default.
    Default,
}

impl<'a> SpawnRequest<'a> {
    /// A request with supervisord's defaults: pipes for all three streams, no
    /// environment, server URL, directory, umask or user; the group named after the
    /// process (a homogeneous `[program:x]` group).
    pub fn new(name: &str, command: ResolvedCommand) -> Self {
        SpawnRequest {
            name: name.to_owned(),
            group: Some(name.to_owned()),
            command,
            environment: Vec::new(),
            server_url: None,
            directory: None,
            umask: None,
            uid: None,
            stdin: Stdin::Pipe,
            stderr: Stderr::Pipe,
            signals: ChildSignals::AsSupervisord,
        }
    }
}

/// A forked child and the parent's ends of its pipes (non-blocking, close-on-exec).
#[derive(Debug)]
pub struct Spawned {
    /// The child's pid (also its process-group id).
    pub pid: i32,
    /// Write end of the child's stdin; `None` with [`Stdin::Fd`].
    pub stdin: Option<OwnedFd>,
    /// Read end of the child's stdout (and stderr with [`Stderr::ToStdout`]).
    pub stdout: OwnedFd,
    /// Read end of the child's stderr; `None` with [`Stderr::ToStdout`].
    pub stderr: Option<OwnedFd>,
}

/// A spawn that failed in the parent; `Display` is supervisord's `spawnerr` text.
/// Every variant leaves nothing behind: no child, no descriptor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpawnError {
    /// EMFILE while making pipes: the daemon is out of descriptors (raise `minfds`).
    #[error("too many open files to spawn '{name}'")]
    TooManyOpenFiles {
        /// Process name.
        name: String,
    },
    /// Any other error making pipes (ENFILE: the system is out of descriptors).
    #[error("unknown error making dispatchers for '{name}': {}", render_errno(*.errno))]
    Pipes {
        /// Process name.
        name: String,
        /// The raw errno.
        errno: i32,
    },
    /// EAGAIN from fork: the process table or `RLIMIT_NPROC` is full.
    #[error("Too many processes in process table to spawn '{name}'")]
    TooManyProcesses {
        /// Process name.
        name: String,
    },
    /// Any other fork error (ENOMEM).
    #[error("unknown error during fork for '{name}': {}", render_errno(*.errno))]
    Fork {
        /// Process name.
        name: String,
        /// The raw errno.
        errno: i32,
    },
    /// argv, the environment or the directory holds a NUL byte, which `execve` cannot
    /// carry. (supervisord fails in the child with a Python traceback line instead.)
    #[error("couldn't exec {program}: embedded null byte")]
    NulByte {
        /// `argv[0]`.
        program: String,
    },
}

/// Spawn `request`'s command. See the module doc for the exact sequence.
pub fn spawn(request: &SpawnRequest<'_>) -> Result<Spawned, SpawnError> {
    prepare(request)?.fork()
}

/// Spawn every prepared child; the results in the same order.
///
/// The same children [`spawn`] would make one after the other, forked from up to
/// `SPAWN_THREADS` (4) threads at once when there are several and the machine has
/// more than one CPU: each vfork-style `clone` suspends only its own thread until that
/// child's `execve`, so one child's exec no longer waits for the previous one's (200
/// programs at start-up: ~100 ms one by one on two cores). The threads exist only
/// for the call.
pub fn spawn_all(prepared: Vec<Prepared>) -> Vec<Result<Spawned, SpawnError>> {
    let plans: Vec<ChildPlan<'_>> = prepared.iter().map(Prepared::plan).collect();
    let pids = sys::fork_exec_all(&plans);
    drop(plans);
    prepared
        .into_iter()
        .zip(pids)
        .map(|(p, pid)| p.finish(pid))
        .collect()
}

/// One spawn made ready in the parent: the pipes are open and every string the child
/// needs is built; nothing is forked yet. Dropping it closes the pipes.
pub struct Prepared {
    name: String,
    privileges: Privileges,
    pipes: Pipes,
    filename: CString,
    // The pointer arrays point into these strings' heap buffers, which neither move
    // nor change while `Prepared` lives.
    _argv: Vec<CString>,
    _env: Vec<CString>,
    argv_p: Vec<*const c_char>,
    envp_p: Vec<*const c_char>,
    directory: Option<CString>,
    setuid_prefix: String,
    chdir_prefix: Vec<u8>,
    exec_prefix: String,
    umask: Option<u32>,
    fd_limit: i32,
    signals: ChildSignals,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("name", &self.name)
            .field("filename", &self.filename)
            .finish_non_exhaustive()
    }
}

/// Everything of [`spawn`] before the fork: pipes, C strings, the privilege plan.
pub fn prepare(request: &SpawnRequest<'_>) -> Result<Prepared, SpawnError> {
    sys::reserve_slots();
    let name = &request.name;
    let privileges = privileges(request.uid);
    let pipe_error = |errno: Errno| match errno {
        Errno::EMFILE => SpawnError::TooManyOpenFiles { name: name.clone() },
        other => SpawnError::Pipes {
            name: name.clone(),
            errno: other as i32,
        },
    };
    let pipes = Pipes::make(request.stdin, request.stderr).map_err(pipe_error)?;

    let program = request.command.argv.first().cloned().unwrap_or_default();
    let nul = || SpawnError::NulByte {
        program: program.clone(),
    };
    let filename = c_string(request.command.filename.as_os_str().as_bytes()).ok_or_else(nul)?;
    let argv_c: Vec<CString> = request
        .command
        .argv
        .iter()
        .map(|a| c_string(a.as_bytes()))
        .collect::<Option<_>>()
        .ok_or_else(nul)?;
    let vars = SupervisorVars {
        server_url: request.server_url.clone(),
        process_name: request.name.clone(),
        group_name: request.group.clone(),
    };
    let env = child_environment(std::env::vars_os(), &vars, &request.environment);
    let env_c: Vec<CString> = env
        .iter()
        .map(|(k, v)| {
            let mut entry = k.as_bytes().to_vec();
            entry.push(b'=');
            entry.extend_from_slice(v.as_bytes());
            c_string(&entry)
        })
        .collect::<Option<_>>()
        .ok_or_else(nul)?;
    let directory = match &request.directory {
        Some(d) => Some(c_string(d.as_os_str().as_bytes()).ok_or_else(nul)?),
        None => None,
    };
    let argv_p = null_terminated(&argv_c);
    let envp_p = null_terminated(&env_c);

    let setuid_prefix = format!(
        "supervisor: couldn't setuid to {}: ",
        request.uid.unwrap_or_default()
    );
    let mut chdir_prefix = b"supervisor: couldn't chdir to ".to_vec();
    if let Some(d) = &request.directory {
        chdir_prefix.extend_from_slice(d.as_os_str().as_bytes());
    }
    chdir_prefix.extend_from_slice(b": ");
    let exec_prefix = format!("supervisor: couldn't exec {program}: ");
    let fd_limit = getrlimit(Resource::RLIMIT_NOFILE)
        .map(|(soft, _)| soft.min(1 << 20) as i32)
        .unwrap_or(1024);
    Ok(Prepared {
        name: name.clone(),
        privileges,
        pipes,
        filename,
        _argv: argv_c,
        _env: env_c,
        argv_p,
        envp_p,
        directory,
        setuid_prefix,
        chdir_prefix,
        exec_prefix,
        umask: request.umask,
        fd_limit,
        signals: request.signals,
    })
}

impl Prepared {
    /// The highest descriptor number this spawn holds (descriptors are allocated
    /// lowest first, so about how many the process has open).
    pub fn highest_fd(&self) -> std::os::fd::RawFd {
        let p = &self.pipes;
        [
            p.stdin.as_ref().map(AsRawFd::as_raw_fd),
            Some(p.stdout.as_raw_fd()),
            p.stderr.as_ref().map(AsRawFd::as_raw_fd),
            Some(p.child_stdin.as_raw_fd()),
            Some(p.child_stdout.as_raw_fd()),
            p.child_stderr.as_ref().map(AsRawFd::as_raw_fd),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
    }

    /// What the child reads between `clone` and `execve`.
    fn plan(&self) -> ChildPlan<'_> {
        let stdout_raw = self.pipes.child_stdout.as_raw_fd();
        ChildPlan {
            stdin: self.pipes.child_stdin.as_raw_fd(),
            stdout: stdout_raw,
            stderr: self
                .pipes
                .child_stderr
                .as_ref()
                .map_or(stdout_raw, |fd| fd.as_raw_fd()),
            privileges: &self.privileges,
            setuid_prefix: self.setuid_prefix.as_bytes(),
            directory: self.directory.as_deref(),
            chdir_prefix: &self.chdir_prefix,
            umask: self.umask,
            filename: &self.filename,
            argv: &self.argv_p,
            envp: &self.envp_p,
            exec_prefix: self.exec_prefix.as_bytes(),
            fd_limit: self.fd_limit,
            ignore_pipe_signals: self.signals == ChildSignals::AsSupervisord,
        }
    }

    /// Fork this one child, as one of a [`spawn_all`] batch would be (with a reserved
    /// descriptor triple, so the child copies no descriptor table).
    pub fn fork(self) -> Result<Spawned, SpawnError> {
        let pid = sys::fork_exec_all(&[self.plan()])
            .pop()
            .unwrap_or(Err(Errno::EAGAIN));
        self.finish(pid)
    }

    /// The fork's outcome; the child ends of the pipes are closed here either way.
    fn finish(self, pid: Result<i32, Errno>) -> Result<Spawned, SpawnError> {
        let name = self.name;
        let pid = pid.map_err(|errno| match errno {
            Errno::EAGAIN => SpawnError::TooManyProcesses { name: name.clone() },
            other => SpawnError::Fork {
                name: name.clone(),
                errno: other as i32,
            },
        })?;
        let pipes = self.pipes;
        // The child ends are dropped (closed) with `pipes`' remainder here.
        Ok(Spawned {
            pid,
            stdin: pipes.stdin,
            stdout: pipes.stdout,
            stderr: pipes.stderr,
        })
    }
}

/// `options.drop_privileges(uid)`, minus the calls that must happen in the child.
fn privileges(uid: Option<u32>) -> Privileges {
    let Some(uid) = uid else {
        return Privileges::Keep;
    };
    // Python looks the uid up first, so an unknown uid fails even when it is ours.
    let user = match User::from_uid(Uid::from_raw(uid)) {
        Ok(Some(user)) => user,
        _ => return Privileges::Refuse(format!("Can't find uid {uid}").into_bytes()),
    };
    let current = getuid();
    if current.as_raw() == uid {
        return Privileges::Keep;
    }
    if !current.is_root() {
        return Privileges::Refuse(b"Can't drop privilege as nonroot user".to_vec());
    }
    // supervisord: primary gid first, then every group listing the user. getgrouplist
    // yields the same set (primary gid first); only duplicates may differ.
    let groups = CString::new(user.name.as_bytes())
        .ok()
        .and_then(|name| getgrouplist(&name, user.gid).ok())
        .unwrap_or_else(|| vec![user.gid]);
    Privileges::Drop {
        uid,
        gid: user.gid.as_raw(),
        groups: groups.into_iter().map(Gid::as_raw).collect(),
    }
}

/// The pipes of one spawn. Child ends are blocking and ≥ 3; parent ends are
/// non-blocking; all are close-on-exec (the child's `dup2` clears it on 0/1/2), so a
/// spawn on another thread never inherits them.
struct Pipes {
    stdin: Option<OwnedFd>,
    stdout: OwnedFd,
    stderr: Option<OwnedFd>,
    child_stdin: OwnedFd,
    child_stdout: OwnedFd,
    child_stderr: Option<OwnedFd>,
}

impl Pipes {
    fn make(stdin: Stdin<'_>, stderr: Stderr) -> Result<Pipes, Errno> {
        let (child_stdin, stdin) = match stdin {
            Stdin::Pipe => {
                let (read, write) = pipe2(OFlag::O_CLOEXEC)?;
                (above_stdio(read)?, Some(nonblocking(write)?))
            }
            Stdin::Fd(fd) => (sys::dup_at_least(fd, 3)?, None),
        };
        let (read, write) = pipe2(OFlag::O_CLOEXEC)?;
        let (stdout, child_stdout) = (nonblocking(read)?, above_stdio(write)?);
        let (stderr, child_stderr) = match stderr {
            Stderr::Pipe => {
                let (read, write) = pipe2(OFlag::O_CLOEXEC)?;
                (Some(nonblocking(read)?), Some(above_stdio(write)?))
            }
            Stderr::ToStdout => (None, None),
        };
        Ok(Pipes {
            stdin,
            stdout,
            stderr,
            child_stdin,
            child_stdout,
            child_stderr,
        })
    }
}

/// A descriptor numbered 0–2 (the daemon's own stdio was closed) would be clobbered
/// by the child's `dup2` sequence, or keep close-on-exec through `dup2(fd, fd)`.
fn above_stdio(fd: OwnedFd) -> Result<OwnedFd, Errno> {
    if fd.as_raw_fd() >= 3 {
        Ok(fd)
    } else {
        sys::dup_at_least(fd.as_fd(), 3)
    }
}

fn nonblocking(fd: OwnedFd) -> Result<OwnedFd, Errno> {
    let flags = OFlag::from_bits_retain(fcntl(&fd, FcntlArg::F_GETFL)?);
    fcntl(&fd, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    Ok(fd)
}

fn c_string(bytes: &[u8]) -> Option<CString> {
    CString::new(bytes).ok()
}

fn null_terminated(strings: &[CString]) -> Vec<*const c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}
