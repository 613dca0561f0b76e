//! eventproto: the wire side of supervisord's event system — event names, payload
//! texts, the notification envelope, the listener's answers, and capture mode.
//!
//! # What it never does
//!
//! No IO, no clock, no allocation of ids, no policy: this crate turns values into bytes
//! and bytes into values. Which pool gets which event, retries, buffers and listener
//! selection belong to `supervisor-core`; reading and writing pipes to `supervisor-io`.
//! It depends on `serde` only.
//!
//! ```text
//!  supervisor-core                         eventproto                       listener
//!  ───────────────                         ──────────                       ────────
//!  Payload {..} ──► Payload::render ──► envelope(server, serial, pool, ..) ──► stdin
//!  Said::{Ready, Result, Violation} ◄── ListenerParser::feed ◄──────────────── stdout
//!  Segment::{Output, Communication} ◄── CaptureScanner::feed/finish ◄──── child output
//! ```
//!
//! # The listener protocol (4.3, unchanged)
//!
//! A listener is a child process; supervisord writes events to its stdin and reads its
//! answers from its stdout ([`ListenerParser`] has the state diagram):
//!
//! ```text
//! listener → READY\n
//! supervisor → ver:3.0 server:supervisor serial:21 pool:listener poolserial:10 eventname:PROCESS_COMMUNICATION_STDOUT len:54\n
//! supervisor → processname:foo groupname:bar pid:123\nThis is the data that was sent between the tags
//! listener → RESULT 2\nOK
//! listener → READY\n
//! ```
//!
//! * Header tokens always in this order, single spaces, `\n`; the payload follows with no
//!   terminator ([`Header`], [`envelope()`]). `len` counts **characters** as 4.3 does
//!   (Python `len(str)`), not bytes: see [`envelope`](mod@envelope) for why this quirk is kept.
//! * Payload formats: [`Payload::render`], one per [`EventType`]; undecodable child output
//!   is rendered `Undecodable: b'...'` as 4.3 does ([`decode`]).
//! * Answer: `RESULT <len>\n<len bytes>` — `len` in **bytes** here. `OK` means processed;
//!   anything else (conventionally `FAIL`) means rejected: the event is redelivered.
//!
//! # The generalised RESULT envelope
//!
//! The old TODO asked to wrap OK/FAIL in a `RESULT` envelope so that other kinds of
//! conversation could use the same channel; 4.3 did the envelope (3.0a4) but kept its
//! meaning fixed to OK/FAIL. Here the parser is agnostic: [`Said::Result`] carries ANY
//! payload (binary, newlines, `READY\n` inside it), and the caller decides what it means
//! per event type: for notifications `OK` = processed and anything else = rejected; for
//! `MONITOR_QUERY` the payload is the monitor's data. A result line that is not
//! `RESULT <decimal>` is a protocol violation (→ UNKNOWN). Unlike 4.3, which ignores the
//! first seven bytes of the line without checking them, the `RESULT ` prefix is checked.
//!
//! # The monitor protocol (new)
//!
//! A pool whose `events=` names `MONITOR_QUERY` is a *monitor*. supervisord sends it a
//! `MONITOR_QUERY` event at an interval and on request; the payload lists the pids of the
//! processes in the RUNNING state, in supervisord's process order:
//!
//! ```text
//! listener → READY\n
//! supervisor → ver:3.0 server:supervisor serial:30 pool:mon poolserial:2 eventname:MONITOR_QUERY len:20\n
//! supervisor → pids: 2601 2602 2603
//! listener → RESULT 10672\n<... 10672 bytes of whatever the monitor reports ...>
//! listener → READY\n
//! ```
//!
//! With no running process the payload is `pids:`. The monitor answers with any payload;
//! supervisord keeps the latest one per pool (it is not interpreted, not even `FAIL`).
//! `MONITOR_QUERY` is never delivered under the abstract `EVENT` subscription: a plain
//! listener answering `OK` is no monitor.
//!
//! # Capture mode
//!
//! [`CaptureScanner`] splits a child's output around `<!--XSUPERVISOR:BEGIN-->` /
//! `<!--XSUPERVISOR:END-->` exactly as 4.3 does, plus a flush at EOF that 4.3 lacks (its
//! held-back short output was lost when the process exited); see [`capture`].

pub mod capture;
pub mod envelope;
mod listener;
mod names;
mod payload;

pub use capture::{BEGIN_TOKEN, CaptureScanner, END_TOKEN, Segment};
pub use envelope::{Header, HeaderError, VERSION, char_len, envelope};
pub use listener::{
    ListenerParser, ListenerState, READY_TOKEN, RESULT_PREFIX, Said, Violation, result_message,
};
pub use names::{EventClass, EventType, Subscription};
pub use payload::{Channel, Payload, StateName, TickPeriod, decode, repr_bytes_literal};
