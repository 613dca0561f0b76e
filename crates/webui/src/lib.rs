//! webui: supervisord's web interface as pure functions — the status and tail
//! pages, the form of a request and the action it asks for, the checks that keep
//! other sites from acting through a logged-in browser, the steps an action takes
//! and the message shown afterwards, and the static files.
//!
//! # What it owns
//!
//! ```text
//!  request ──► Form::parse(query, body) ──► Action::from_form ──► guard::check_post
//!               (FormError → 400 page)       (None: just a page)    (Refusal → 403 page)
//!                                                   │
//!                       plan::steps(action) ◄───────┘   Vec<Step>: core Requests, log clears
//!  the driver runs each step, collects results ──► plan::message ──► 303 to ?message=
//!  the driver gathers DaemonInfo + ProcessInfo ──► render_status / render_tail ──► HTML
//!  static paths ──► assets::asset(path) ──► bytes built into the binary
//! ```
//!
//! # What it never does
//!
//! No IO, no clock, no randomness: the driver (`supervisor-io`) passes the token, the
//! time (for messages and the footer year), the processes and the log text. It never
//! decides anything about processes; an action is only a list of core requests.
//! Every value that came from outside (names, descriptions, log text, messages) is
//! HTML-escaped on its way into a page.
//!
//! # Differences from 4.3's web interface
//!
//! * Every state-changing action is a POST form with the daemon's token; a GET of an
//!   action URL only shows a message (4.3: plain GET links, no CSRF protection).
//! * Processes are grouped, real groups have start, stop and restart buttons.
//! * The tail page shows stdout or stderr, clears either or both, and refreshes
//!   itself (meta refresh, can be turned off); the status page can refresh itself.
//! * The top bar shows supervisord's identification, pid, version and state, and
//!   the reasons when it is FATAL, with a button to clear it.
//! * HTML5 with our own stylesheet and images; redirects are `303 See Other` with a
//!   relative `Location` (4.3: `301` to `http://<Host>/?message=`).

pub mod assets;
pub mod escape;
pub mod form;
mod frame;
pub mod guard;
pub mod plan;
mod status;
mod tail;

pub use assets::{Asset, asset};
pub use form::{Action, Channel, Form, FormError, Logs, Target};
pub use frame::{DaemonInfo, Frame, ctime, refresh_from, render_error, year};
pub use status::{StatusPage, render_status};
pub use tail::{TAIL_REFRESH, TailPage, limit_from, render_tail, tail_url};

/// The status page's default auto-refresh interval: off.
pub const STATUS_REFRESH: u32 = 0;
