//! The listener side of the protocol as supervisord sees it: an incremental parser of a
//! listener's stdout that also keeps the listener state (4.3 `PEventListenerDispatcher`).
//!
//! ```text
//!            spawn
//!              │
//!              ▼                 READY\n                 event written
//!       ┌─ ACKNOWLEDGED ───────────────────► READY ───────────────────► BUSY
//!       │      ▲                               │                          │
//!       │      └─────── RESULT <len>\n<len bytes> (any payload) ──────────┘
//!       │                                      │                          │
//!       └── 6 bytes that are not READY\n ──► UNKNOWN ◄── any output ──────┘
//!                                              ▲          (while READY)
//!                          a line not `RESULT <int>` ─────── (while BUSY)
//! ```
//!
//! UNKNOWN is terminal until the process is spawned again (make a new parser then);
//! everything it writes is discarded. What a result *means* (OK, FAIL, a monitor's data)
//! is the caller's business: the parser returns the payload bytes.

use serde::{Deserialize, Serialize};

/// The listener states, with 4.3's codes (`EventListenerStates`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ListenerState {
    /// 10: waiting for an event.
    Ready = 10,
    /// 20: an event was sent; waiting for its RESULT.
    Busy = 20,
    /// 30: not ready yet (fresh, or just answered): waiting for `READY\n`.
    Acknowledged = 30,
    /// 40: violated the protocol; never gets events again until respawned.
    Unknown = 40,
}

impl ListenerState {
    /// The upper-case name used in log lines.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ready => "READY",
            Self::Busy => "BUSY",
            Self::Acknowledged => "ACKNOWLEDGED",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// `READY\n`: the listener wants an event.
pub const READY_TOKEN: &[u8] = b"READY\n";
/// The start of a result line.
pub const RESULT_PREFIX: &[u8] = b"RESULT ";

/// Something the listener said, in order. Each item implies the state change named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// ACKNOWLEDGED → READY.
    Ready,
    /// BUSY → ACKNOWLEDGED: the complete result payload (`OK`, `FAIL`, a monitor's data).
    Result(Vec<u8>),
    /// Any state → UNKNOWN.
    Violation(Violation),
}

/// How the protocol was violated (→ UNKNOWN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// In ACKNOWLEDGED, six bytes arrived that are not `READY\n`.
    NotReady,
    /// In READY, anything at all arrived ("spurious data").
    Spurious,
    /// In BUSY, a line that is not `RESULT <int>` (the line, without `\n`). 4.3 logs it as
    /// `bad result line`.
    BadResultLine(Vec<u8>),
}

impl Violation {
    /// The state the listener was in.
    pub fn from_state(&self) -> ListenerState {
        match self {
            Violation::NotReady => ListenerState::Acknowledged,
            Violation::Spurious => ListenerState::Ready,
            Violation::BadResultLine(_) => ListenerState::Busy,
        }
    }
}

/// The parser and state of one listener process (one per spawn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerParser {
    state: ListenerState,
    buf: Vec<u8>,
    /// In BUSY: the announced result length, once the result line was read.
    result_len: Option<usize>,
}

impl Default for ListenerParser {
    fn default() -> Self {
        Self::new()
    }
}

impl ListenerParser {
    /// A freshly spawned listener: ACKNOWLEDGED.
    pub fn new() -> Self {
        ListenerParser {
            state: ListenerState::Acknowledged,
            buf: Vec::new(),
            result_len: None,
        }
    }

    /// The current state.
    pub fn state(&self) -> ListenerState {
        self.state
    }

    /// An event was written to the listener: READY → BUSY. Returns false (and changes
    /// nothing) in any other state.
    pub fn event_sent(&mut self) -> bool {
        if self.state != ListenerState::Ready {
            return false;
        }
        self.state = ListenerState::Busy;
        self.result_len = None;
        true
    }

    /// Force UNKNOWN (e.g. its stdin was closed): no more events.
    pub fn give_up(&mut self) {
        self.state = ListenerState::Unknown;
        self.buf.clear();
        self.result_len = None;
    }

    /// Feed bytes read from the listener's stdout; returns what they said, in order.
    /// Bytes may be split anywhere across calls.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Said> {
        let mut said = Vec::new();
        if self.state == ListenerState::Unknown {
            return said;
        }
        self.buf.extend_from_slice(bytes);
        while !self.buf.is_empty() {
            match self.state {
                ListenerState::Unknown => {
                    self.buf.clear();
                }
                ListenerState::Acknowledged => {
                    if self.buf.len() < READY_TOKEN.len() {
                        break; // not enough to decide
                    }
                    if self.buf.starts_with(READY_TOKEN) {
                        self.buf.drain(..READY_TOKEN.len());
                        self.state = ListenerState::Ready;
                        said.push(Said::Ready);
                    } else {
                        self.violate(Violation::NotReady, &mut said);
                    }
                }
                ListenerState::Ready => self.violate(Violation::Spurious, &mut said),
                ListenerState::Busy => match self.result_len {
                    None => {
                        let Some(nl) = self.buf.iter().position(|&b| b == b'\n') else {
                            break; // no complete result line yet
                        };
                        let line: Vec<u8> = self.buf.drain(..=nl).take(nl).collect();
                        match parse_result_line(&line) {
                            Some(n) => self.result_len = Some(n),
                            None => self.violate(Violation::BadResultLine(line), &mut said),
                        }
                    }
                    Some(n) => {
                        if self.buf.len() < n {
                            break;
                        }
                        let result: Vec<u8> = self.buf.drain(..n).collect();
                        self.result_len = None;
                        self.state = ListenerState::Acknowledged;
                        said.push(Said::Result(result));
                    }
                },
            }
        }
        // A zero-length result completes without further bytes.
        if self.state == ListenerState::Busy && self.result_len == Some(0) {
            self.result_len = None;
            self.state = ListenerState::Acknowledged;
            said.push(Said::Result(Vec::new()));
        }
        said
    }

    fn violate(&mut self, v: Violation, said: &mut Vec<Said>) {
        self.give_up();
        said.push(Said::Violation(v));
    }
}

/// `RESULT <len>` → len. The length may be surrounded by ASCII whitespace, as Python's
/// `int()` allows. Unlike 4.3, which skips the first 7 bytes without looking at them, the
/// `RESULT ` prefix is checked (a deliberate, documented difference).
fn parse_result_line(line: &[u8]) -> Option<usize> {
    let rest = line.strip_prefix(RESULT_PREFIX)?;
    let text = std::str::from_utf8(rest).ok()?.trim_ascii();
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// What a listener writes to answer: `RESULT <len>\n<payload>`, `len` in BYTES (4.3 reads
/// the result from a byte buffer, unlike the header's character count).
pub fn result_message(payload: &[u8]) -> Vec<u8> {
    let mut out = format!("RESULT {}\n", payload.len()).into_bytes();
    out.extend_from_slice(payload);
    out
}
