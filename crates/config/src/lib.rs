//! `supervisord.conf`, read exactly as Python Supervisor 4.3 reads it, into a validated model.
//!
//! # What this crate owns
//!
//! ```text
//!   supervisord.conf ──┐                          ┌──> Config (typed, validated, ordered)
//!   [include] files ───┤    load(path, &ctx)      │      + Vec<Message> (WARN/INFO for the main log)
//!   LoadContext ───────┼──────────────────────────┤
//!    (env, cwd, host,  │                          └──> ConfigError (original message text,
//!     users, uid, tmp) │                                 plus file / line / section / option)
//!   RON text ──────────┘    Config::from_ron      <──> Config::to_ron
//! ```
//!
//! * The INI dialect of Python 3's `RawConfigParser` as supervisor configures it (`=` and `:`
//!   delimiters, `;`/`#` comments, inline comments only after whitespace, continuation lines,
//!   `[DEFAULT]`, merging duplicate sections), see [`ini`].
//! * `%(name)s` expansion with Python `%`-formatting semantics and the exact set of names the
//!   original offers per section and option (spec §1.3), including its quirks (the
//!   `[supervisord] environment` double expansion, the `stdout_logfile` double expansion).
//! * Every value type of spec §1.4 with the original's error text, see [`datatypes`].
//! * Every section: `[supervisord]`, `[unix_http_server]`, `[inet_http_server]`,
//!   `[supervisorctl]`, `[program:x]`, `[group:x]`, `[eventlistener:x]`, `[fcgi-program:x]`,
//!   `[include]`, `[rpcinterface:x]`; group and process ordering as the original.
//! * The search path used when no `-c` is given ([`search`]), and the command lines of
//!   supervisord and supervisorctl ([`parse_supervisord_args`], [`parse_ctl_args`],
//!   [`load_with_args`]) with Python `getopt`'s rules and the original's usage texts.
//! * The same model as RON ([`Config::to_ron`], [`Config::from_ron`]) so that Rust programs can
//!   embed a configuration without INI; [`Config::validate`] applies the INI path's rules to
//!   such models.
//! * What supervisorctl reads from the same file ([`load_ctl`]), and what `reread`/`update`
//!   compare ([`diff_groups`]; [`LoadContext::for_reread`] keeps 4.3's growing `ENV_` names).
//!
//! # What it never does
//!
//! It never spawns a process, binds a socket, opens or rotates a log, changes directory or
//! drops privileges. It only reads configuration files, globs `[include]` patterns, checks
//! that directories exist, and looks users and groups up through [`UserLookup`]. Every host
//! fact (environment, current directory, hostname, uid, temp dir, user database) comes from
//! the [`LoadContext`] the caller passes, so a load is deterministic and testable.
//!
//! Non-fatal findings (include notices, the `redirect_stderr` warning, the deprecated
//! `syslog` logfile, AUTO logs without rotation) are returned as [`Message`] values; the
//! daemon logs them once its main log is open, as the original does.
//!
//! # How to call it
//!
//! ```no_run
//! use config::{load, LoadContext};
//!
//! let ctx = LoadContext::from_system();
//! match load("/etc/supervisord.conf", &ctx) {
//!     Ok(loaded) => {
//!         for group in &loaded.config.groups {
//!             println!("{} ({} processes)", group.name, group.processes.len());
//!         }
//!         for message in &loaded.messages {
//!             println!("{} {}", message.level.code(), message.text);
//!         }
//!     }
//!     // Display adds the location; `message()` is the original's text, byte for byte.
//!     Err(err) => eprintln!("Error: {}", err.message()),
//! }
//! ```
//!
//! Loading from text, with injected host facts:
//!
//! ```
//! use config::{load_str, LoadContext, StaticUsers};
//!
//! let ctx = LoadContext::for_tests("/srv", StaticUsers::root_only());
//! let text = "[supervisord]\n[program:cat]\ncommand=/bin/cat\nnumprocs=2\n\
//!             process_name=%(program_name)s_%(process_num)02d\n";
//! let loaded = load_str(text, "/srv/supervisord.conf", &ctx).unwrap();
//! let names: Vec<_> = loaded.config.groups[0].processes.iter().map(|p| p.name.as_str()).collect();
//! assert_eq!(names, ["cat_00", "cat_01"]);
//! assert_eq!(config::Config::from_ron(&loaded.config.to_ron().unwrap()).unwrap(), loaded.config);
//! ```

mod cli;
mod context;
mod ctl;
pub mod datatypes;
mod diff;
#[cfg(test)]
mod differential_tests;
mod environment;
mod error;
mod getopt;
mod getter;
mod groups;
pub mod ini;
mod kvpairs;
mod load;
mod model;
mod paths;
mod programs;
pub mod pyfmt;
mod pyglob;
mod ron_io;
pub mod search;
mod servers;
mod validate;

pub use cli::{
    CtlArgs, Invocation, SupervisordArgs, parse_ctl_args, parse_supervisord_args,
    supervisorctl_help, supervisord_help,
};
pub use context::{LoadContext, StaticUsers, SystemUsers, UserEntry, UserLookup};
pub use ctl::load_ctl;
pub use diff::{GroupDiff, diff_groups};
pub use error::ConfigError;
pub use load::{Loaded, load, load_str, load_with_args};
pub use model::*;
pub use ron_io::RonError;
