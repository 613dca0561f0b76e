//! Every `unsafe` block of the crate (here and in `batch`, which forks a run of spawns
//! from helper threads): the vfork-style `clone` and the child's path to `execve`, the
//! signal handler of the self-pipe, and a few raw libc calls whose nix wrappers are
//! either `unsafe` or too narrow (nix's `Signal` cannot name real-time signals, which
//! `kill` and `waitpid` must still handle).
//!
//! Everything the child needs is prepared by safe code before `clone` ([`ChildPlan`]):
//! between `clone` and `execve` the child only makes async-signal-safe system calls on
//! memory that already exists — no allocation, no locks, no formatting machinery —
//! because the daemon may have other threads holding the allocator's lock.
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};

use nix::errno::Errno;
use nix::libc::{self, c_char, c_int};
use nix::sys::signal::{SigAction, SigHandler, SigSet, SigmaskHow, Signal, pthread_sigmask};

use crate::errno::write_errno;

mod batch;

use batch::SlotTriple;
pub(crate) use batch::{fork_exec_all, release_free_memory, reserve_slots};

/// What the child does about `user=`, decided by the parent before `fork`.
pub(crate) enum Privileges {
    /// No `user=`, or already that uid: nothing to do.
    Keep,
    /// The parent already knows it fails (unknown uid, non-root daemon): the child
    /// writes `supervisor: couldn't setuid to <uid>: <this>\n` and exits.
    Refuse(Vec<u8>),
    /// setgroups, setgid, setuid.
    Drop {
        uid: libc::uid_t,
        gid: libc::gid_t,
        groups: Vec<libc::gid_t>,
    },
}

/// Everything the child touches, fully built before `fork`.
pub(crate) struct ChildPlan<'a> {
    /// Child ends, all ≥ 3 so that the `dup2` onto 0/1/2 never clobbers one another
    /// and always clears close-on-exec.
    pub stdin: RawFd,
    pub stdout: RawFd,
    pub stderr: RawFd,
    pub privileges: &'a Privileges,
    /// `supervisor: couldn't setuid to <uid>: ` (message follows).
    pub setuid_prefix: &'a [u8],
    pub directory: Option<&'a CStr>,
    /// `supervisor: couldn't chdir to <dir>: ` (errno name follows).
    pub chdir_prefix: &'a [u8],
    pub umask: Option<libc::mode_t>,
    pub filename: &'a CStr,
    /// NULL-terminated pointers into `CString`s that outlive the fork.
    pub argv: &'a [*const c_char],
    pub envp: &'a [*const c_char],
    /// `supervisor: couldn't exec <argv0>: ` (errno name follows).
    pub exec_prefix: &'a [u8],
    /// Upper bound for the close loop when `close_range` is unavailable.
    pub fd_limit: c_int,
    /// Leave SIGPIPE and SIGXFSZ ignored, as supervisord 4.3's children inherit them
    /// ([`crate::spawn::ChildSignals::AsSupervisord`]).
    pub ignore_pipe_signals: bool,
}

const NOT_SPAWNED: &[u8] = b"supervisor: child process was not spawned\n";

/// Stack of the `clone`d child until its `execve` (it uses well under 4 KiB).
const CHILD_STACK: usize = 64 << 10;

/// What the `clone`d child reads: the plan, and where its three descriptors are.
struct CloneArgs<'p, 'a> {
    plan: &'p ChildPlan<'a>,
    /// The descriptors to put on 0/1/2: the plan's own, or a [`SlotTriple`].
    fds: [RawFd; 3],
    /// With a triple: the child shares the daemon's descriptor table (CLONE_FILES)
    /// until it takes a private copy of the descriptors below this number only.
    unshare_below: Option<RawFd>,
    /// The forking thread is pinned to one CPU (see [`fork_exec_all`]): the child,
    /// which inherits that, takes back the daemon's own CPU set before `execve`.
    affinity: Option<&'p libc::cpu_set_t>,
}

/// Start a child that runs `plan` and never returns. Returns the child's pid.
///
/// `clone(CLONE_VM | CLONE_VFORK)` on a stack of its own, as glibc's posix_spawn:
/// no page tables are copied and the daemon takes no copy-on-write faults afterwards
/// (a `fork` of the daemon cost ~0.6 ms per spawn, 120 ms for 200 programs). The
/// daemon's thread is suspended until the child's `execve` (or `_exit`), so the
/// shared memory is only ever touched by one of them; the child writes nothing but
/// its own stack (and `errno`, which the parent does not read after a success).
///
/// All signals are blocked in the calling thread across the clone so that the
/// daemon's handlers never run in the child (they would write into the daemon's
/// self-pipe); the child resets every disposition to default and then unblocks
/// everything, the parent restores its previous mask.
///
/// The child's stack is given (`fork_exec_all` allocates them in the calling thread, so
/// its helpers allocate nothing), and optionally a [`SlotTriple`] of this
/// thread's own.
///
/// Without a triple the child gets a copy of the daemon's whole descriptor table
/// (about five descriptors per program: ~1000 with 200) and its `execve` closes every
/// one of them again. With one, the child's three descriptors are first duplicated
/// onto the triple's low numbers, the child shares the table (`CLONE_FILES`, nothing
/// copied) and its first act is `close_range(below, ~0, CLOSE_RANGE_UNSHARE)`: a
/// private table of the few descriptors under the triple (Linux ≥ 5.9; before, a full
/// `unshare(CLONE_FILES)`). The triple is pointed back at /dev/null once the clone
/// returns, so the daemon holds no extra reference to the child's pipes.
fn fork_exec_on(
    plan: &ChildPlan<'_>,
    stack: &mut [u8],
    slot: Option<&SlotTriple>,
    affinity: Option<&libc::cpu_set_t>,
) -> Result<i32, Errno> {
    let own = [plan.stdin, plan.stdout, plan.stderr];
    let mut args = CloneArgs {
        plan,
        fds: own,
        unshare_below: None,
        affinity,
    };
    if let Some(slot) = slot
        && slot.load(own).is_ok()
    {
        args.fds = slot.fds();
        args.unshare_below = Some(slot.below());
    }
    let mut old = SigSet::empty();
    let masked = pthread_sigmask(
        SigmaskHow::SIG_SETMASK,
        Some(&SigSet::all()),
        Some(&mut old),
    );
    if let Err(e) = masked {
        if let Some(slot) = slot {
            slot.clear();
        }
        return Err(e);
    }
    let mut flags = libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD;
    if args.unshare_below.is_some() {
        flags |= libc::CLONE_FILES;
    }
    // Stacks grow down on every Linux target this builds for; 16-byte aligned.
    let top = stack.as_mut_ptr().wrapping_add(stack.len());
    let top = top.wrapping_sub(top as usize % 16);
    // SAFETY: `clone_child` only calls `child`, which performs async-signal-safe raw
    // system calls on memory prepared before the clone and ends in execve or _exit.
    // `args`, `plan` and `stack` outlive the child's use of them: CLONE_VFORK returns
    // only once the child has exec'd or exited, and nothing else uses `stack`
    // meanwhile. With CLONE_FILES the child changes no descriptor before it has a
    // table of its own.
    let pid = unsafe {
        libc::clone(
            clone_child,
            top.cast(),
            flags,
            std::ptr::from_ref(&args).cast_mut().cast(),
        )
    };
    let fork_errno = Errno::last();
    if args.unshare_below.is_some()
        && let Some(slot) = slot
    {
        slot.clear();
    }
    let restored = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
    if pid < 0 {
        return Err(fork_errno);
    }
    restored?;
    Ok(pid)
}

extern "C" fn clone_child(args: *mut libc::c_void) -> c_int {
    // SAFETY: `fork_exec_on` passes a pointer to its live `CloneArgs`.
    let args = unsafe { &*args.cast::<CloneArgs<'_, '_>>() };
    child(args)
}

/// The child between `fork` and `execve`, in supervisord's order (`_spawn_as_child`),
/// preceded by a signal reset: every disposition to default (the daemon's handlers, a
/// launcher's leftovers), then SIGPIPE and SIGXFSZ ignored again as 4.3's children have
/// them (unless `ChildSignals::Default`), and an empty mask.
fn child(args: &CloneArgs<'_, '_>) -> ! {
    let plan = args.plan;
    // SAFETY: only raw system calls (rt_sigaction, sigprocmask, setpgid, dup2, close,
    // setgroups/setgid/setuid, chdir, umask, execve, write, _exit) on pointers into
    // memory owned by `plan`, which the parent keeps alive; no allocation happens.
    unsafe {
        // The raw rt_sigaction, because glibc's sigaction refuses signals 32 and 33
        // (its own), which a launcher may still have left ignored. An all-zero kernel
        // `struct sigaction` is SIG_DFL with no flags and an empty mask on every
        // layout; 64 bytes covers the largest one. SIGKILL/SIGSTOP refuse, harmlessly.
        let dfl = [0u64; 8];
        for sig in 1..=64 {
            libc::syscall(
                libc::SYS_rt_sigaction,
                sig,
                dfl.as_ptr(),
                std::ptr::null_mut::<u64>(),
                8usize,
            );
        }
        if plan.ignore_pipe_signals {
            let mut ignore: libc::sigaction = std::mem::zeroed();
            ignore.sa_sigaction = libc::SIG_IGN;
            libc::sigaction(libc::SIGPIPE, &ignore, std::ptr::null_mut());
            libc::sigaction(libc::SIGXFSZ, &ignore, std::ptr::null_mut());
        }
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::pthread_sigmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());

        // setpgrp(): own process group, so the daemon's terminal signals miss it and
        // a group kill reaches its descendants. A failure here (or in dup2) is an
        // exception in Python, which only writes the final "not spawned" line.
        if libc::setpgid(0, 0) != 0 {
            not_spawned();
        }
        // Sharing the daemon's table (CLONE_FILES): take a private one first, of
        // the descriptors below the triple only.
        if let Some(below) = args.unshare_below
            && libc::syscall(
                libc::SYS_close_range,
                below as u32,
                u32::MAX,
                libc::CLOSE_RANGE_UNSHARE,
            ) != 0
            && libc::syscall(libc::SYS_unshare, libc::CLONE_FILES) != 0
        {
            // Nothing may be changed in a table the daemon still uses.
            libc::_exit(127);
        }
        let [stdin, stdout, stderr] = args.fds;
        if libc::dup2(stdin, 0) < 0 || libc::dup2(stdout, 1) < 0 || libc::dup2(stderr, 2) < 0 {
            not_spawned();
        }
        // Marked close-on-exec rather than closed: the descriptors then go at the
        // execve, after the daemon (waiting for this vfork-style child) is released,
        // instead of one by one while it waits (~1000 with 200 children). Plain
        // close_range before Linux 5.11, a close loop before 5.9.
        if libc::syscall(
            libc::SYS_close_range,
            3u32,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        ) != 0
            && libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32) != 0
        {
            for fd in 3..plan.fd_limit {
                libc::close(fd);
            }
        }

        match plan.privileges {
            Privileges::Keep => {}
            Privileges::Refuse(msg) => fail(plan.setuid_prefix, msg),
            Privileges::Drop { uid, gid, groups } => {
                // Raw system calls: glibc's wrappers would broadcast the change to
                // the daemon's other threads (setxid), whose memory the child shares.
                if libc::syscall(libc::SYS_setgroups, groups.len(), groups.as_ptr()) != 0 {
                    fail(
                        plan.setuid_prefix,
                        b"Could not set groups of effective user",
                    );
                }
                if libc::syscall(libc::SYS_setgid, *gid) != 0 {
                    fail(
                        plan.setuid_prefix,
                        b"Could not set group id of effective user",
                    );
                }
                // Python lets os.setuid's OSError escape: only "not spawned" is written.
                if libc::syscall(libc::SYS_setuid, *uid) != 0 {
                    not_spawned();
                }
            }
        }

        if let Some(dir) = plan.directory
            && libc::chdir(dir.as_ptr()) != 0
        {
            fail_errno(plan.chdir_prefix, Errno::last_raw());
        }
        if let Some(mask) = plan.umask {
            libc::umask(mask);
        }
        if let Some(set) = args.affinity {
            // The raw call (glibc's wrapper is a thin one, but stay with raw calls
            // here): back to the daemon's CPU set; a refusal leaves the child pinned,
            // which only costs it balance.
            libc::syscall(
                libc::SYS_sched_setaffinity,
                0,
                std::mem::size_of::<libc::cpu_set_t>(),
                std::ptr::from_ref(set),
            );
        }
        libc::execve(
            plan.filename.as_ptr(),
            plan.argv.as_ptr(),
            plan.envp.as_ptr(),
        );
        fail_errno(plan.exec_prefix, Errno::last_raw());
    }
}

/// `<prefix><errno name>\n`, then "not spawned", then `_exit(127)`.
fn fail_errno(prefix: &[u8], code: i32) -> ! {
    let mut name = [0u8; 16];
    let n = write_errno(code, &mut name);
    fail(prefix, &name[..n])
}

/// `<prefix><msg>\n`, then "not spawned", then `_exit(127)`.
fn fail(prefix: &[u8], msg: &[u8]) -> ! {
    write_all_stderr(&[prefix, msg, b"\n"]);
    not_spawned()
}

fn not_spawned() -> ! {
    write_all_stderr(&[NOT_SPAWNED]);
    // SAFETY: _exit is async-signal-safe and skips atexit handlers and stdio
    // buffers that belong to the parent.
    unsafe { libc::_exit(127) }
}

/// One `writev` per message (atomic on a pipe for short texts), retried on EINTR and
/// continued after a short write.
fn write_all_stderr(parts: &[&[u8]]) {
    let mut iov = [libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    }; 3];
    let n = parts.len().min(iov.len());
    for (slot, part) in iov.iter_mut().zip(parts) {
        slot.iov_base = part.as_ptr() as *mut libc::c_void;
        slot.iov_len = part.len();
    }
    let mut first = 0;
    while first < n {
        // SAFETY: every iovec points into a live slice of `parts`.
        let written = unsafe { libc::writev(2, iov[first..n].as_ptr(), (n - first) as c_int) };
        if written < 0 {
            if Errno::last() == Errno::EINTR {
                continue;
            }
            return;
        }
        let mut left = written as usize;
        while first < n && left >= iov[first].iov_len {
            left -= iov[first].iov_len;
            first += 1;
        }
        if first < n && left > 0 {
            // SAFETY: `left` < iov_len, so the advanced pointer stays inside the slice.
            iov[first].iov_base = unsafe { (iov[first].iov_base as *mut u8).add(left) }.cast();
            iov[first].iov_len -= left;
        }
    }
}

/// `fcntl(F_DUPFD_CLOEXEC, min)` as an owned descriptor.
pub(crate) fn dup_at_least(fd: BorrowedFd<'_>, min: RawFd) -> Result<OwnedFd, Errno> {
    let raw = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_DUPFD_CLOEXEC(min))?;
    // SAFETY: F_DUPFD_CLOEXEC returned a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}

/// `kill(pid, sig)` for any signal number, real-time ones and 0 included.
pub(crate) fn kill(pid: i32, sig: i32) -> Result<(), Errno> {
    // SAFETY: kill takes plain integers and has no memory effects.
    let rc = unsafe { libc::kill(pid, sig) };
    Errno::result(rc).map(drop)
}

/// `waitpid(pid, WNOHANG)`: `Ok(None)` when no child has changed state.
pub(crate) fn waitpid_nohang(pid: i32) -> Result<Option<(i32, c_int)>, Errno> {
    let mut status: c_int = 0;
    // SAFETY: `status` is a valid, writable c_int for the duration of the call.
    let rc = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    match Errno::result(rc)? {
        0 => Ok(None),
        reaped => Ok(Some((reaped, status))),
    }
}

/// The write end of the self-pipe, read by the signal handler; -1 when none.
static SELF_PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);

/// Claims the single self-pipe slot for `fd`; false if another self-pipe holds it.
pub(crate) fn claim_self_pipe(fd: BorrowedFd<'_>) -> bool {
    SELF_PIPE_WRITE
        .compare_exchange(-1, fd.as_raw_fd(), Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
}

/// Releases the slot; the handler then writes nowhere.
pub(crate) fn release_self_pipe() {
    SELF_PIPE_WRITE.store(-1, Ordering::SeqCst);
}

extern "C" fn on_signal(sig: c_int) {
    let fd = SELF_PIPE_WRITE.load(Ordering::SeqCst);
    if fd < 0 {
        return;
    }
    let saved = Errno::last_raw();
    let byte = sig as u8;
    // SAFETY: write(2) is async-signal-safe; `byte` lives for the call. A full pipe
    // (EAGAIN on the non-blocking end) drops the byte: enough of them are queued.
    unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    Errno::set_raw(saved);
}

/// Routes `sig` to the self-pipe; returns the previous action for [`restore`].
pub(crate) fn catch(sig: Signal) -> Result<SigAction, Errno> {
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        nix::sys::signal::SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: `on_signal` only loads an atomic and calls write(2), both
    // async-signal-safe, and preserves errno.
    unsafe { nix::sys::signal::sigaction(sig, &action) }
}

/// Ignores `sig` (SIGPIPE in the daemon); returns the previous action.
pub(crate) fn ignore(sig: Signal) -> Result<SigAction, Errno> {
    let action = SigAction::new(
        SigHandler::SigIgn,
        nix::sys::signal::SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: installing SIG_IGN runs no code of ours in signal context.
    unsafe { nix::sys::signal::sigaction(sig, &action) }
}

/// Puts back an action returned by [`catch`] or [`ignore`].
pub(crate) fn restore(sig: Signal, previous: &SigAction) {
    // SAFETY: `previous` was the process's own action for `sig` before we replaced it.
    let _ = unsafe { nix::sys::signal::sigaction(sig, previous) };
}

/// Broken-down local time of an instant, as `time.localtime` gives it to supervisord.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalTime {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Seconds east of UTC in effect at that instant.
    pub utc_offset: i32,
}

/// `localtime_r(epoch_secs)`; `None` if the C library cannot represent it.
pub(crate) fn local_time(epoch_secs: i64) -> Option<LocalTime> {
    // the libc crate marks `time_t` deprecated on musl (it became 64-bit in musl 1.2.0;
    // the alias follows later): the type is still the one localtime_r takes.
    #[allow(deprecated)]
    let t = libc::time_t::try_from(epoch_secs).ok()?;
    // SAFETY: `tm` is plain old data; all-zero is a valid value that localtime_r
    // overwrites.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the call; localtime_r is the reentrant
    // variant (no shared static buffer).
    let r = unsafe { libc::localtime_r(&t, &mut tm) };
    if r.is_null() {
        return None;
    }
    let u = |v: c_int| u32::try_from(v).unwrap_or(0);
    Some(LocalTime {
        year: tm.tm_year.saturating_add(1900),
        month: u(tm.tm_mon.saturating_add(1)),
        day: u(tm.tm_mday),
        hour: u(tm.tm_hour),
        minute: u(tm.tm_min),
        second: u(tm.tm_sec),
        utc_offset: i32::try_from(tm.tm_gmtoff).unwrap_or(0),
    })
}

/// `syslog(LOG_USER | LOG_INFO, "%s", message)`: what Python's `syslog.syslog(msg)`
/// does without `openlog` (ident = program name). NUL bytes end the message early.
pub(crate) fn syslog_info(message: &[u8]) {
    let text: Vec<u8> = message
        .iter()
        .copied()
        .take_while(|&b| b != 0)
        .chain(std::iter::once(0))
        .collect();
    // SAFETY: the format is a static NUL-terminated "%s" and `text` is NUL-terminated
    // and lives for the call, so syslog reads exactly one valid C string argument.
    unsafe {
        libc::syslog(
            libc::LOG_USER | libc::LOG_INFO,
            c"%s".as_ptr(),
            text.as_ptr().cast::<c_char>(),
        )
    };
}

/// `pidfd_open(pid, 0)`: a descriptor that polls readable once `pid` has exited, so
/// the loop learns of exits without a SIGCHLD handler (embedded daemons install none).
/// Close-on-exec by definition of the system call.
pub(crate) fn pidfd_open(pid: i32) -> Result<OwnedFd, Errno> {
    // SAFETY: pidfd_open takes two integers and returns a new descriptor or -1.
    let rc = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0 as c_int) };
    let fd = Errno::result(rc)?;
    let fd = RawFd::try_from(fd).map_err(|_| Errno::EBADF)?;
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
