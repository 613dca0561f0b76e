//! The HTTP servers of the daemon, end to end: raw HTTP over the unix socket and
//! TCP at the same time, every XML-RPC method family, authentication, slow and
//! pipelined clients, limits, log streaming. Each test runs its own daemon in its
//! own temp dir and waits with a deadline, never on a fixed sleep.

mod daemon_harness;
mod http_client;
mod http_harness;

mod http_auth;
mod http_clients;
mod http_logtail;
mod http_methods;
mod http_sockets;
