//! The shared listening socket of an `[fcgi-program:x]` group (supervisord's
//! `SocketManager`): created when the first process of the group spawns, passed as
//! fd 0 to every process, reference-counted per live process and closed when the last
//! one is reaped. At group creation it is created once eagerly and — because 4.3
//! drops that first reference at once — closed again: `Creating socket <url>`,
//! `Closing socket <url>`, then `Creating socket <url>` at the first spawn.

use std::net::{SocketAddr, ToSocketAddrs};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use nix::sys::socket::{
    AddressFamily, Backlog, SockFlag, SockType, SockaddrIn, UnixAddr, bind, listen, setsockopt,
    socket, sockopt,
};
use supervisor_core::LogLevel;

use crate::errno::python_os_error;
use crate::mainlog::MainLog;

/// One group's socket and its reference count.
#[derive(Debug)]
pub(crate) struct FcgiSocket {
    config: config::FcgiSocket,
    socket: Option<OwnedFd>,
    refs: usize,
}

impl FcgiSocket {
    /// A socket not yet created.
    pub(crate) fn new(config: config::FcgiSocket) -> FcgiSocket {
        FcgiSocket {
            config,
            socket: None,
            refs: 0,
        }
    }

    /// The URL as supervisord prints it.
    pub(crate) fn url(&self) -> String {
        self.config.url()
    }

    /// Take a reference, creating the socket if this is the first. Returns the error
    /// text (Python's) on failure, with no reference taken.
    pub(crate) fn acquire(&mut self, log: &mut MainLog) -> Result<BorrowedFd<'_>, String> {
        if self.socket.is_none() {
            log.log(LogLevel::Info, &format!("Creating socket {}", self.url()));
            self.socket = Some(create(&self.config)?);
        }
        self.refs += 1;
        match &self.socket {
            Some(fd) => Ok(fd.as_fd()),
            None => Err("socket vanished".to_owned()),
        }
    }

    /// The socket while at least one reference is held.
    pub(crate) fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.socket.as_ref().map(AsFd::as_fd)
    }

    /// Drop a reference; the last one closes the socket.
    pub(crate) fn release(&mut self, log: &mut MainLog) {
        self.refs = self.refs.saturating_sub(1);
        if self.refs == 0 && self.socket.take().is_some() {
            log.log(LogLevel::Info, &format!("Closing socket {}", self.url()));
        }
    }
}

/// `create_and_bind` + `listen`.
fn create(config: &config::FcgiSocket) -> Result<OwnedFd, String> {
    let os = |e: nix::errno::Errno| python_os_error(&std::io::Error::from(e));
    let (fd, backlog) = match config {
        config::FcgiSocket::Tcp {
            host,
            port,
            backlog,
        } => {
            let addr = resolve(host, *port)?;
            let fd = socket(
                AddressFamily::Inet,
                SockType::Stream,
                SockFlag::SOCK_CLOEXEC,
                None,
            )
            .map_err(os)?;
            setsockopt(&fd, sockopt::ReuseAddr, &true).map_err(os)?;
            bind(fd.as_raw_fd(), &SockaddrIn::from(addr)).map_err(os)?;
            (fd, *backlog)
        }
        config::FcgiSocket::Unix {
            path,
            mode,
            owner,
            backlog,
        } => {
            if path.exists() {
                std::fs::remove_file(path).map_err(|e| python_os_error(&e))?;
            }
            let fd = socket(
                AddressFamily::Unix,
                SockType::Stream,
                SockFlag::SOCK_CLOEXEC,
                None,
            )
            .map_err(os)?;
            let bound = UnixAddr::new(path.as_path())
                .and_then(|addr| bind(fd.as_raw_fd(), &addr))
                .map_err(os)
                .and_then(|()| chown_chmod(path, *owner, *mode));
            if let Err(e) = bound {
                let _ = std::fs::remove_file(path);
                return Err(e);
            }
            (fd, *backlog)
        }
    };
    let backlog = match backlog {
        Some(n) => i32::try_from(n)
            .ok()
            .and_then(|n| Backlog::new(n.min(nix::libc::SOMAXCONN)).ok())
            .unwrap_or(Backlog::MAXCONN),
        None => Backlog::MAXCONN,
    };
    listen(&fd, backlog).map_err(os)?;
    Ok(fd)
}

fn resolve(host: &str, port: u16) -> Result<std::net::SocketAddrV4, String> {
    let host = if host.is_empty() { "0.0.0.0" } else { host };
    let addrs = (host, port).to_socket_addrs().map_err(|e| e.to_string())?;
    addrs
        .into_iter()
        .find_map(|a| match a {
            SocketAddr::V4(v4) => Some(v4),
            SocketAddr::V6(_) => None,
        })
        .ok_or_else(|| format!("[Errno -9] Address family for hostname not supported: {host}"))
}

fn chown_chmod(path: &Path, owner: Option<(i64, i64)>, mode: i64) -> Result<(), String> {
    if let Some((uid, gid)) = owner {
        let id = |v: i64| u32::try_from(v).ok();
        nix::unistd::chown(
            path,
            id(uid).map(nix::unistd::Uid::from_raw),
            id(gid).map(nix::unistd::Gid::from_raw),
        )
        .map_err(|e| {
            format!(
                "Could not change ownership of socket file: {}",
                python_os_error(&std::io::Error::from(e))
            )
        })?;
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = u32::try_from(mode).unwrap_or(0o700) & 0o7777;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
        format!(
            "Could not change permissions of socket file: {}",
            python_os_error(&e)
        )
    })
}
