//! supervisorctl, byte-compatible with Supervisor 4.3.0's (spec §5).
//!
//! **Owns**: the command line's effect (via `config`), every command of 4.3's default
//! plugin with its output texts and exit codes, the up-check, the interactive shell
//! (history, completion), the XML-RPC client (a small blocking HTTP/1.1 client, `dxr` for
//! the bodies) and the `/logtail` streaming client.
//!
//! **Never**: talks to anything but the configured `serverurl`; loads `[ctlplugin:x]`
//! plugins (Python code); keeps a connection open between calls; panics on what a server
//! or a user sends.
//!
//! ```text
//!   argv ──> cli::main ──> Controller::onecmd(line) ──> commands/* ──> rpc::Client ──> POST /RPC2
//!              │                 ▲   │ stdout (texts), exit status        logtail ──> GET /logtail/..
//!              └─> shell::run ───┘   └ LineSource (prompt lines, y/N, Username:/Password:)
//! ```
//!
//! How to call it: `std::process::exit(ctl::main(&argv0, &args))`, or build a
//! [`Controller`] with your own output and input and feed it lines.

mod cli;
mod commands;
pub mod complete;
pub mod controller;
pub mod help;
pub mod http;
pub mod interrupt;
pub mod logtail;
pub mod pyerr;
pub mod rpc;
pub mod shell;
pub mod text;
pub mod url;
pub mod value;

pub use cli::main;
pub use controller::{Controller, Flow, KeyboardInterrupt, LineSource, ReadLine, Session};
pub use rpc::{CallError, Client};
