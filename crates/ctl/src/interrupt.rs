//! Ctrl-C as an event: SIGINT writes a byte to a self-pipe that every blocking wait of this
//! crate polls beside its socket or stdin. Python raises `KeyboardInterrupt` at that point;
//! callers turn [`Wait::Interrupted`] into what 4.3 does with it (end `tail -f`, leave the
//! shell, or die of the signal in one-shot mode, see [`die_of_sigint`]).

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::OnceLock;
use std::time::Instant;

static PIPE: OnceLock<Option<UnixStream>> = OnceLock::new();

/// Route SIGINT to the self-pipe (idempotent). Without it (or if it fails) Ctrl-C keeps its
/// default action.
pub fn install() {
    PIPE.get_or_init(|| {
        let (reader, writer) = UnixStream::pair().ok()?;
        reader.set_nonblocking(true).ok()?;
        writer.set_nonblocking(true).ok()?;
        signal_hook::low_level::pipe::register(signal_hook::consts::SIGINT, writer).ok()?;
        Some(reader)
    });
}

fn reader() -> Option<&'static UnixStream> {
    PIPE.get().and_then(Option::as_ref)
}

/// The self-pipe's read end, to poll beside other descriptors (None if not installed).
pub fn fd() -> Option<BorrowedFd<'static>> {
    reader().map(|r| r.as_fd())
}

/// Consume pending Ctrl-C presses; true if there was at least one.
pub fn take() -> bool {
    let Some(mut r) = reader() else {
        return false;
    };
    let mut buf = [0u8; 64];
    let mut got = false;
    while let Ok(n) = r.read(&mut buf) {
        if n == 0 {
            break;
        }
        got = true;
    }
    got
}

/// Terminate the process as an unhandled SIGINT does (Python 3 re-raises it after a
/// `KeyboardInterrupt` escapes `main`).
pub fn die_of_sigint() -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGINT);
    std::process::exit(130)
}

/// Outcome of [`wait_readable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The descriptor has data (or EOF, or an error to read).
    Ready,
    /// Ctrl-C was pressed (the press is consumed).
    Interrupted,
    /// The deadline passed.
    TimedOut,
}

/// Block until `fd` is readable, Ctrl-C, or `deadline`.
pub fn wait_readable(fd: BorrowedFd<'_>, deadline: Option<Instant>) -> Wait {
    loop {
        if take() {
            return Wait::Interrupted;
        }
        let timeout = match deadline {
            None => PollTimeout::NONE,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Wait::TimedOut;
                }
                PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX)
            }
        };
        let mut fds = vec![PollFd::new(fd, PollFlags::POLLIN)];
        if let Some(r) = reader() {
            fds.push(PollFd::new(r.as_fd(), PollFlags::POLLIN));
        }
        match poll(&mut fds, timeout) {
            Ok(0) => continue,
            Ok(_) => {
                let ready = fds[0].revents().is_some_and(|r| !r.is_empty());
                if take() {
                    return Wait::Interrupted;
                }
                if ready {
                    return Wait::Ready;
                }
            }
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return Wait::Ready, // let the read report the error
        }
    }
}
