//! A batch of spawns forked at once: one helper thread per CPU (at most
//! [`SPAWN_THREADS`]), each pinned to its CPU and holding a [`SlotTriple`] of low
//! descriptors, so that its children share the daemon's descriptor table until they
//! take a private copy of the few below the triple (see [`super::fork_exec_on`]).

use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::Ordering;

use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::{SigSet, SigmaskHow, pthread_sigmask};

use super::{CHILD_STACK, ChildPlan, dup_at_least, fork_exec_on};

/// Three descriptors kept at low numbers (≥ 3) for one forking thread: see
/// [`fork_exec_on`]. They point at /dev/null between spawns.
pub(super) struct SlotTriple {
    fds: [OwnedFd; 3],
    null: RawFd,
}

impl SlotTriple {
    pub(super) fn fds(&self) -> [RawFd; 3] {
        self.fds.each_ref().map(AsRawFd::as_raw_fd)
    }

    /// One above the highest of the three.
    pub(super) fn below(&self) -> RawFd {
        self.fds().into_iter().max().unwrap_or(2) + 1
    }

    /// Point the triple at `fds` (close-on-exec, as every daemon descriptor).
    pub(super) fn load(&self, fds: [RawFd; 3]) -> Result<(), Errno> {
        for (slot, fd) in self.fds().into_iter().zip(fds) {
            // SAFETY: dup3 onto a descriptor this struct owns; `fd` is open (the
            // plan's caller holds it).
            let rc = unsafe { libc::dup3(fd, slot, libc::O_CLOEXEC) };
            if rc < 0 {
                let e = Errno::last();
                self.clear();
                return Err(e);
            }
        }
        Ok(())
    }

    /// Point the triple back at /dev/null.
    pub(super) fn clear(&self) {
        for slot in self.fds() {
            // SAFETY: as in `load`; `null` is owned by the same [`Slots`].
            unsafe { libc::dup3(self.null, slot, libc::O_CLOEXEC) };
        }
    }
}

/// The triples of the forking threads, made at the first spawn (while few descriptors
/// are open, so they get low numbers) and kept for the life of the process.
struct Slots {
    _null: OwnedFd,
    triples: Vec<SlotTriple>,
}

impl Slots {
    fn open() -> Option<Slots> {
        let null = nix::fcntl::open(
            "/dev/null",
            nix::fcntl::OFlag::O_RDWR | nix::fcntl::OFlag::O_CLOEXEC,
            nix::sys::stat::Mode::empty(),
        )
        .ok()?;
        let null = dup_at_least(null.as_fd(), 3).ok()?;
        let mut triples = Vec::new();
        // one per thread that will fork (the descriptors count against minfds)
        for _ in 0..spawn_threads() {
            let fds = [
                dup_at_least(null.as_fd(), 3).ok()?,
                dup_at_least(null.as_fd(), 3).ok()?,
                dup_at_least(null.as_fd(), 3).ok()?,
            ];
            triples.push(SlotTriple {
                fds,
                null: null.as_raw_fd(),
            });
        }
        Some(Slots {
            _null: null,
            triples,
        })
    }
}

/// The process's [`Slots`]; `None` inside when they could not be made. A spawn that
/// finds them taken (another thread is spawning) goes without.
static SLOTS: std::sync::OnceLock<std::sync::Mutex<Option<Slots>>> = std::sync::OnceLock::new();

/// The process's [`Slots`], made on the first call: [`crate::spawn::prepare`] calls it
/// before it makes any pipe, so a batch's first spawn finds them at low numbers.
pub(crate) fn reserve_slots() {
    slots();
}

fn slots() -> &'static std::sync::Mutex<Option<Slots>> {
    SLOTS.get_or_init(|| std::sync::Mutex::new(Slots::open()))
}

/// At most this many threads fork at once in [`fork_exec_all`].
pub(crate) const SPAWN_THREADS: usize = 4;

/// How many threads fork at once: [`SPAWN_THREADS`], at most one per CPU.
fn spawn_threads() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    SPAWN_THREADS.min(cpus)
}

/// The plans of a batch, readable from the helper threads of [`fork_exec_all`].
struct SharedPlans<'p, 'a>(&'p [ChildPlan<'a>]);

// SAFETY: a `ChildPlan` is only read (by the threads and their vfork-style children)
// while `fork_exec_all` holds the borrow; its raw pointers point into strings that
// the caller keeps alive and unchanged for that time.
unsafe impl Sync for SharedPlans<'_, '_> {}

impl<'a> SharedPlans<'_, 'a> {
    fn get(&self, i: usize) -> Option<&ChildPlan<'a>> {
        self.0.get(i)
    }
}

/// Not yet forked, in [`fork_exec_all`]'s result slots.
const NOT_RUN: i64 = i64::MIN;

/// [`fork_exec_on`] for every plan, from up to [`SPAWN_THREADS`] threads (no more than
/// the CPUs, no more than the plans; one: the calling thread alone). Each `clone`
/// suspends only its own thread until its child's `execve`, so the children's execs
/// overlap. The helpers start with every signal blocked (the daemon's handlers run in
/// its own thread), take plans from a shared counter and write each result into its
/// slot; a helper that cannot be started leaves its share to the others. Results are
/// in plan order.
pub(crate) fn fork_exec_all(plans: &[ChildPlan<'_>]) -> Vec<Result<i32, Errno>> {
    let slots = slots().try_lock().ok();
    let triples: &[SlotTriple] = match slots.as_deref() {
        Some(Some(s)) => &s.triples,
        _ => &[],
    };
    let mut workers = spawn_threads().min(plans.len());
    // Each forking thread is pinned to a CPU of its own for the batch, so that its
    // vfork-style child starts on the CPU the thread blocks on instead of being placed
    // on another one and waiting there behind whatever runs (or for an idle CPU to
    // wake): 200 spawns on a loaded 2-CPU machine took 1.1-1.8 ms each in `clone`
    // unpinned, about half pinned. The child takes the daemon's CPU set back before
    // `execve`; the calling thread gets its own back after the batch.
    let allowed = current_affinity();
    let cpus: Vec<usize> = allowed.as_ref().map(cpus_in).unwrap_or_default();
    if cpus.len() < workers {
        workers = workers.min(cpus.len().max(1));
    }
    if workers <= 1 {
        let mut stack = vec![0u8; CHILD_STACK];
        return plans
            .iter()
            .map(|plan| fork_exec_on(plan, &mut stack, triples.first(), None))
            .collect();
    }
    let shared = SharedPlans(plans);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots_out: Vec<std::sync::atomic::AtomicI64> = (0..plans.len())
        .map(|_| std::sync::atomic::AtomicI64::new(NOT_RUN))
        .collect();
    let mut stacks: Vec<Vec<u8>> = (0..workers).map(|_| vec![0u8; CHILD_STACK]).collect();
    let allowed = allowed.as_ref();
    let drain = |stack: &mut Vec<u8>, triple: Option<&SlotTriple>, cpu: Option<usize>| {
        let pinned = allowed.is_some() && cpu.is_some_and(pin_to);
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(plan) = shared.get(i) else {
                break;
            };
            let result = match fork_exec_on(plan, stack, triple, allowed.filter(|_| pinned)) {
                Ok(pid) => i64::from(pid),
                Err(e) => -i64::from(e as i32),
            };
            slots_out[i].store(result, Ordering::Release);
        }
    };
    let mut old = SigSet::empty();
    // Helpers inherit this mask: no signal handler of the daemon runs in them.
    let masked = pthread_sigmask(
        SigmaskHow::SIG_SETMASK,
        Some(&SigSet::all()),
        Some(&mut old),
    )
    .is_ok();
    std::thread::scope(|scope| {
        let (own, others) = stacks.split_first_mut().expect("workers >= 2");
        for (n, stack) in others.iter_mut().enumerate() {
            let drain = &drain;
            let triple = triples.get(n + 1);
            let cpu = cpus.get(n + 1).copied();
            // Failing to start a helper (RLIMIT_NPROC, memory) only loses parallelism.
            let _ = std::thread::Builder::new()
                .stack_size(HELPER_STACK)
                .spawn_scoped(scope, move || drain(stack, triple, cpu));
        }
        if masked {
            // The calling thread forks too, with the daemon's own mask restored.
            let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
        }
        drain(own, triples.first(), cpus.first().copied());
        if let Some(mask) = allowed {
            set_affinity(mask);
        }
    });
    slots_out
        .iter()
        .map(|slot| match slot.load(Ordering::Acquire) {
            // Unreachable: the calling thread drains every plan a helper did not take.
            NOT_RUN => Err(Errno::EAGAIN),
            pid if pid >= 0 => Ok(i32::try_from(pid).unwrap_or(i32::MAX)),
            errno => Err(Errno::from_raw(i32::try_from(-errno).unwrap_or(0))),
        })
        .collect()
}

/// Give memory freed after a spawn batch back to the system. glibc keeps freed heap
/// pages (the batch's C strings, ~300 kB for 200 programs, sit below live
/// allocations) and the arena a helper thread's allocation created; `malloc_trim`
/// returns the free pages of every arena. Other C libraries: nothing to do.
pub(crate) fn release_free_memory() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only walks the allocator's own free lists, under its locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The calling thread's CPU set.
fn current_affinity() -> Option<libc::cpu_set_t> {
    // SAFETY: cpu_set_t is plain old data (all-zero is the empty set);
    // sched_getaffinity writes at most `size_of::<cpu_set_t>()` bytes into it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        let rc = libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set);
        (rc == 0).then_some(set)
    }
}

/// The CPUs of `set`, in order.
fn cpus_in(set: &libc::cpu_set_t) -> Vec<usize> {
    (0..libc::CPU_SETSIZE as usize)
        // SAFETY: CPU_ISSET reads the bit of a cpu index below CPU_SETSIZE.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, set) })
        .collect()
}

/// Pin the calling thread to `cpu`; false if the kernel refused.
fn pin_to(cpu: usize) -> bool {
    // SAFETY: as in `current_affinity`; CPU_SET writes one bit below CPU_SETSIZE.
    unsafe {
        let mut one: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut one);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &one) == 0
    }
}

/// Give the calling thread `set` (back).
fn set_affinity(set: &libc::cpu_set_t) {
    // SAFETY: `set` is a valid cpu_set_t for the call.
    unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), set) };
}

/// Stack of a [`fork_exec_all`] helper thread: it only loops over `clone` calls.
const HELPER_STACK: usize = 64 << 10;
