//! rpc: the pure codec of supervisord's control plane — HTTP/1.x requests and
//! responses, Basic authentication, XML-RPC bodies, the method table, and the
//! result values of every `supervisor.*` and `system.*` method, each reproducing
//! Python Supervisor 4.3.0 byte for byte where clients can tell.
//!
//! # What it owns
//!
//! ```text
//!  bytes from a client ──► RequestParser ──► Request ──► auth::check ──► route()
//!                            (limits: 413,                 (401 / 400)     │
//!                             malformed: 400)                              ▼
//!   Route::Rpc: body ──► parse_method_call ──► parse_call / multicall_item ──► Call
//!                          (HTTP 400)            (UNKNOWN_METHOD, INCORRECT_PARAMETERS)
//!   the driver executes the Call against the daemon, then:
//!   Value (encode::*) ──► encode_response / encode_fault ──► response::complete ──► bytes
//! ```
//!
//! # What it never does
//!
//! No IO: no sockets, no files, no clock (a response's `Date` is computed from the
//! `SystemTime` the caller passes), no threads. It never decides anything about
//! processes: a [`Call`] is only a validated request; executing it — asking the core,
//! reading a log file, waiting for a deferred reply — is the driver's job
//! (`supervisor-io`).
//!
//! # How to call it
//!
//! ```
//! use rpc::{Namespaces, RequestParser, Route, Call, Value};
//!
//! let mut parser = RequestParser::new(rpc::Limits::default());
//! let body = "<?xml version='1.0'?><methodCall><methodName>supervisor.getPID</methodName><params></params></methodCall>";
//! parser.feed(format!("POST /RPC2 HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
//! let request = parser.next_request().unwrap().unwrap();
//! assert_eq!(rpc::route(&request), Route::Rpc);
//! let call = rpc::parse_method_call(&request.body).unwrap();
//! let ns = Namespaces { supervisor: true };
//! let parsed = rpc::parse_call(ns, call.method.as_deref().unwrap_or(""), call.params.as_deref().unwrap_or(&[]));
//! assert_eq!(parsed, Ok(Call::GetPid));
//! let body = rpc::encode_response(&Value::Int(42));
//! assert!(body.contains("<value><int>42</int></value>"));
//! ```
//!
//! Deferred calls (`startProcess(name, True)` and friends) are the driver's concern:
//! it answers when the core's `Reply` effect for the request arrives, and keeps
//! serving other connections meanwhile. `system.multicall` is executed by the driver
//! item by item ([`multicall_item`]), successes returned bare, failures as
//! [`fault_struct`]s (4.3's quirk, spec §11 item 1).
//!
//! # Deliberate differences from 4.3
//!
//! * Log slices with invalid UTF-8 are answered (U+FFFD) instead of HTTP 500.
//! * Wrong argument *types* are INCORRECT_PARAMETERS (4.3 often raised → HTTP 500).
//! * Header block and body sizes are limited (413); medusa buffered without bound.
//! * Credentials are compared in constant time.
//! * Two extra, unlisted methods: `supervisor.clearFatal()` and
//!   `supervisor.getFatalReasons()` (supervisord's FATAL state, see the core).

pub mod auth;
mod call;
pub mod encode;
pub mod http;
pub mod logread;
pub mod response;
mod route;
mod table;
mod value;
mod xml;

pub use auth::{AuthVerdict, Credentials};
pub use call::{
    Call, Namespaces, Stream, list_methods, method_help, method_signature, multicall_item,
    parse_call,
};
pub use http::{HttpError, Limits, Request, RequestParser, Version};
pub use route::{Page, Route, percent_decode, route};
pub use value::{MAXINT, MININT, Value, encode_fault, encode_response, fault_struct};
pub use xml::{MethodCall, XmlError, parse_method_call};

/// `supervisor.getAPIVersion()`.
pub const API_VERSION: &str = "3.0";
/// `supervisor.getSupervisorVersion()`: the version this is a drop-in for.
pub const SUPERVISOR_VERSION: &str = "4.3.0";
