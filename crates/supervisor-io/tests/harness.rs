//! Shared helpers: run a child to completion by following the protocol (read its pipes
//! until EOF with poll(2), then collect its exit with a bounded retry), never by
//! sleeping a fixed time.

use std::os::fd::{AsFd, OwnedFd};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use supervisor_io::{
    ExitStatus, ReadOutcome, Reap, SpawnRequest, Spawned, read_chunk, reap, resolve, spawn,
};

/// How long any wait in a test may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// `waitpid(-1)` collects any child of the process, including other tests' children.
/// Tests that reap their own pid hold the read side; a test that reaps with
/// `Reap::Any` holds the write side, so it runs alone.
static CHILDREN: RwLock<()> = RwLock::new(());

/// Signal dispositions are process-wide: one self-pipe test at a time.
static SIGNALS: Mutex<()> = Mutex::new(());

/// Hold while spawning and reaping by pid.
pub fn own_children() -> RwLockReadGuard<'static, ()> {
    CHILDREN.read().unwrap_or_else(|e| e.into_inner())
}

/// Hold while reaping with `Reap::Any`.
pub fn all_children() -> RwLockWriteGuard<'static, ()> {
    CHILDREN.write().unwrap_or_else(|e| e.into_inner())
}

/// Hold while a `SelfPipe` is installed.
pub fn signal_handlers() -> MutexGuard<'static, ()> {
    SIGNALS.lock().unwrap_or_else(|e| e.into_inner())
}

/// A request for `command`, resolved against the daemon's PATH.
pub fn request(name: &str, command: &str) -> SpawnRequest<'static> {
    let search = supervisor_io::command::daemon_search_path(None);
    let resolved = resolve(command, &search).expect("test command resolves");
    SpawnRequest::new(name, resolved)
}

/// What a child wrote and how it ended.
#[derive(Debug)]
pub struct Finished {
    /// Everything read from the stdout pipe.
    pub stdout: String,
    /// Everything read from the stderr pipe (empty without one).
    pub stderr: String,
    /// The reaped status.
    pub status: ExitStatus,
}

/// Spawn, close stdin, read stdout/stderr until both reach EOF, reap.
pub fn run(req: &SpawnRequest<'_>) -> Finished {
    let _children = own_children();
    let spawned = spawn(req).expect("spawn");
    finish(spawned)
}

/// Read a spawned child's pipes to EOF (stdin closed first), then reap it.
/// The caller holds `own_children()`.
pub fn finish(spawned: Spawned) -> Finished {
    let Spawned {
        pid,
        stdin,
        stdout,
        stderr,
    } = spawned;
    drop(stdin);
    let (out, err) = read_to_eof(Some(stdout), stderr);
    Finished {
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
        status: wait_exit(pid),
    }
}

/// Read both pipes until EOF on each, polling with a timeout bounded by `DEADLINE`.
pub fn read_to_eof(stdout: Option<OwnedFd>, stderr: Option<OwnedFd>) -> (Vec<u8>, Vec<u8>) {
    let deadline = Instant::now() + DEADLINE;
    let mut open = [stdout, stderr];
    let mut bufs = [Vec::new(), Vec::new()];
    while open.iter().any(Option::is_some) {
        let left = deadline
            .checked_duration_since(Instant::now())
            .expect("child output did not reach EOF before the deadline");
        let mut fds: Vec<PollFd<'_>> = open
            .iter()
            .flatten()
            .map(|fd| PollFd::new(fd.as_fd(), PollFlags::POLLIN))
            .collect();
        let timeout = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
        match poll(&mut fds, timeout) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => panic!("poll: {e}"),
        }
        drop(fds);
        for (slot, buf) in open.iter_mut().zip(bufs.iter_mut()) {
            let Some(fd) = slot else { continue };
            match read_chunk(&*fd).expect("read") {
                ReadOutcome::Data(bytes) => buf.extend_from_slice(&bytes),
                ReadOutcome::WouldBlock => {}
                ReadOutcome::Eof => *slot = None,
            }
        }
    }
    let [out, err] = bufs;
    (out, err)
}

/// Collect `pid`'s exit, retrying until `DEADLINE`. The caller holds `own_children()`.
pub fn wait_exit(pid: i32) -> ExitStatus {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let reaped = reap(Reap::Pid(pid)).expect("waitpid");
        if let Some(r) = reaped.first() {
            assert_eq!(r.pid, pid);
            return r.status;
        }
        assert!(Instant::now() < deadline, "pid {pid} did not exit in time");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The value of `Key:\t...` in a `/proc/<pid>/status` text.
pub fn status_field<'a>(status: &'a str, key: &str) -> &'a str {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(':')))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {key} in {status}"))
}
