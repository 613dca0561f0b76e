//! Binding the `[unix_http_server]` and `[inet_http_server]` sockets as 4.3's
//! `make_http_servers` does: TCP with SO_REUSEADDR and a backlog of 1024; a unix
//! socket bound under a temporary name (created with mode 0, whatever the umask),
//! chmod'ed, hard-linked to its path (so a live server's socket is never replaced),
//! a stale one detected by connecting to it and unlinked (`Unlinking stale socket
//! <file>` on stderr), then chown'ed.

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::sys::socket::{
    AddressFamily, Backlog, SockFlag, SockType, SockaddrIn, SockaddrIn6, UnixAddr, bind, listen,
    setsockopt, socket, sockopt,
};

use crate::errno::errno_name;

/// 4.3's text when a socket is in use (a usage error, exit 2).
pub(crate) const IN_USE: &str = "Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord.";

/// A bound, listening, non-blocking socket.
#[derive(Debug)]
pub(crate) enum Listener {
    /// A unix socket and the path to unlink at exit.
    Unix(UnixListener, PathBuf),
    /// A TCP socket.
    Tcp(TcpListener),
}

/// `openhttpservers`' usage-error text for an OS error.
fn socket_error(e: Errno) -> String {
    if e == Errno::EADDRINUSE {
        return IN_USE.to_owned();
    }
    let code = e as i32;
    match errno_name(code) {
        Some(name) => {
            format!("Cannot open an HTTP server: socket.error reported errno.{name} ({code})")
        }
        None => format!("Cannot open an HTTP server: socket.error reported {code}"),
    }
}

/// Bind one server's socket.
pub(crate) fn bind_server(kind: &config::ServerKind) -> Result<Listener, String> {
    match kind {
        config::ServerKind::Inet { host, port } => bind_tcp(host, *port).map(Listener::Tcp),
        config::ServerKind::Unix { file, chmod, chown } => {
            bind_unix(file, *chmod, *chown).map(|l| Listener::Unix(l, file.clone()))
        }
    }
}

fn bind_tcp(host: &str, port: u16) -> Result<TcpListener, String> {
    let host = if host.is_empty() { "0.0.0.0" } else { host };
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("Cannot open an HTTP server: {e}"))?
        .next()
        .ok_or_else(|| format!("Cannot open an HTTP server: no address for {host}"))?;
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::Inet,
        SocketAddr::V6(_) => AddressFamily::Inet6,
    };
    let fd: OwnedFd =
        socket(family, SockType::Stream, SockFlag::SOCK_CLOEXEC, None).map_err(socket_error)?;
    setsockopt(&fd, sockopt::ReuseAddr, &true).map_err(socket_error)?;
    match addr {
        SocketAddr::V4(v4) => bind(fd.as_raw_fd(), &SockaddrIn::from(v4)),
        SocketAddr::V6(v6) => bind(fd.as_raw_fd(), &SockaddrIn6::from(v6)),
    }
    .map_err(socket_error)?;
    listen(&fd, Backlog::new(1024).unwrap_or(Backlog::MAXCONN)).map_err(socket_error)?;
    let listener = TcpListener::from(fd);
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    Ok(listener)
}

fn bind_unix(file: &Path, chmod: i64, chown: (i64, i64)) -> Result<UnixListener, String> {
    let mut temp = file.as_os_str().to_owned();
    temp.push(format!(".{}", std::process::id()));
    let temp = PathBuf::from(temp);
    let _ = std::fs::remove_file(&temp);
    let result = bind_linked(file, &temp, chmod);
    let _ = std::fs::remove_file(&temp);
    let listener = result?;
    if chown != (-1, -1) {
        let id = |v: i64| u32::try_from(v).ok();
        let owner = id(chown.0).map(nix::unistd::Uid::from_raw);
        let group = id(chown.1).map(nix::unistd::Gid::from_raw);
        if let Err(e) = nix::unistd::chown(file, owner, group) {
            let _ = std::fs::remove_file(file);
            return Err(if e == Errno::EPERM {
                format!(
                    "Not permitted to chown {} to uid/gid {}; adjust \"sockchown\" value in config file or on command line to values that the current user ({}) can successfully chown",
                    file.display(),
                    format_args!("{}/{}", chown.0, chown.1),
                    nix::unistd::getuid()
                )
            } else {
                socket_error(e)
            });
        }
    }
    Ok(listener)
}

fn bind_linked(file: &Path, temp: &Path, chmod: i64) -> Result<UnixListener, String> {
    let fd: OwnedFd = socket(
        AddressFamily::Unix,
        SockType::Stream,
        SockFlag::SOCK_CLOEXEC,
        None,
    )
    .map_err(socket_error)?;
    let addr = UnixAddr::new(temp).map_err(socket_error)?;
    // Linux creates the socket file with the socket inode's mode less the umask
    // (0777 & ~umask: world-connectable under `umask 000` until the chmod below).
    // Mode 0 first, so the temporary name is never connectable by anyone but root;
    // best effort: where fchmod of a socket is refused, the window is 4.3's.
    let _ = nix::sys::stat::fchmod(&fd, nix::sys::stat::Mode::empty());
    bind(fd.as_raw_fd(), &addr).map_err(socket_error)?;
    listen(&fd, Backlog::new(1024).unwrap_or(Backlog::MAXCONN)).map_err(socket_error)?;
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = u32::try_from(chmod).unwrap_or(0o700) & 0o7777;
        std::fs::set_permissions(temp, std::fs::Permissions::from_mode(mode))
            .map_err(|e| socket_error(Errno::from_raw(e.raw_os_error().unwrap_or(0))))?;
    }
    // Two attempts, as 4.3: link; if the name is taken by a dead socket, unlink it
    // and link again.
    for _ in 0..2 {
        match std::fs::hard_link(temp, file) {
            Ok(()) => {
                let listener = UnixListener::from(fd);
                listener.set_nonblocking(true).map_err(|e| e.to_string())?;
                return Ok(listener);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if is_live(file) {
                    return Err(IN_USE.to_owned());
                }
                let _ = writeln!(
                    std::io::stderr(),
                    "Unlinking stale socket {}",
                    file.display()
                );
                let _ = std::fs::remove_file(file);
            }
            Err(e) => return Err(socket_error(Errno::from_raw(e.raw_os_error().unwrap_or(0)))),
        }
    }
    Err(IN_USE.to_owned())
}

/// 4.3 probes the path by connecting and sending `GET / HTTP/1.0`: a live server
/// accepts the connection.
fn is_live(file: &Path) -> bool {
    match UnixStream::connect(file) {
        Ok(mut s) => {
            let _ = s.write_all(b"GET / HTTP/1.0\r\n\r\n");
            true
        }
        Err(_) => false,
    }
}
