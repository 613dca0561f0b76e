//! Capture mode (4.3 `POutputDispatcher.record_output`): output between
//! `<!--XSUPERVISOR:BEGIN-->` and `<!--XSUPERVISOR:END-->` is captured instead of logged,
//! and each END produces a PROCESS_COMMUNICATION event.
//!
//! The scanner reproduces 4.3's segmentation exactly — which bytes are logged in which
//! pieces (every piece is one PROCESS_LOG event), what is captured, and the hold-back of
//! output no longer than the awaited token (24 bytes outside a capture, 22 inside), so
//! that a token split across reads is still found. Two differences, both deliberate:
//!
//! * **Flush at EOF.** 4.3 never logs held-back output when the process exits (spec §4.5,
//!   §11 item 11: a final short line such as `tail\n` is lost). [`CaptureScanner::finish`]
//!   returns it; the driver calls it when the pipe reaches EOF. An unterminated capture is
//!   still discarded at EOF, as in 4.3 (there is no END, so no event; it was never meant
//!   for the log).
//! * **A hard bound.** 4.3's bounded buffer drops as many leading bytes as the new chunk
//!   is long, which still lets one large chunk exceed `capture_maxbytes`; here the buffer
//!   then keeps only its last `capture_maxbytes` bytes.
//!
//! Kept from 4.3: captured text is also reported as output (`captured: true`), because 4.3
//! emits PROCESS_LOG events for it when `*_events_enabled` is set (spec §11 item 11); it
//! is never written to the log file.

/// `<!--XSUPERVISOR:BEGIN-->`
pub const BEGIN_TOKEN: &[u8] = b"<!--XSUPERVISOR:BEGIN-->";
/// `<!--XSUPERVISOR:END-->`
pub const END_TOKEN: &[u8] = b"<!--XSUPERVISOR:END-->";

/// A piece of output, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Output to log (unless `captured`) and to report as PROCESS_LOG when enabled.
    Output {
        /// The bytes.
        bytes: Vec<u8>,
        /// Inside a capture: not for the log file.
        captured: bool,
    },
    /// An END token closed a capture: emit PROCESS_COMMUNICATION with these bytes.
    Communication(Vec<u8>),
}

/// One output channel's scanner (one per spawn and channel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureScanner {
    maxbytes: usize,
    capturing: bool,
    pending: Vec<u8>,
    capture: Vec<u8>,
}

impl CaptureScanner {
    /// A scanner for `*_capture_maxbytes`; 0 disables capture mode (every chunk is one
    /// segment, logged at once, as 4.3 does without a capture log).
    pub fn new(maxbytes: usize) -> Self {
        CaptureScanner {
            maxbytes,
            capturing: false,
            pending: Vec::new(),
            capture: Vec::new(),
        }
    }

    /// Whether a capture is open (BEGIN seen, END not yet).
    pub fn capturing(&self) -> bool {
        self.capturing
    }

    /// Bytes held back, waiting to be told apart from a token.
    pub fn held_back(&self) -> usize {
        self.pending.len()
    }

    /// Feed one chunk read from the pipe.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Segment> {
        let mut out = Vec::new();
        if self.maxbytes == 0 {
            if !chunk.is_empty() {
                out.push(Segment::Output {
                    bytes: chunk.to_vec(),
                    captured: false,
                });
            }
            return out;
        }
        self.pending.extend_from_slice(chunk);
        self.record(&mut out, false);
        out
    }

    /// The pipe reached EOF: flush what was held back (see the module doc). The scanner
    /// is fresh afterwards.
    pub fn finish(&mut self) -> Vec<Segment> {
        let mut out = Vec::new();
        self.record(&mut out, true);
        self.capturing = false;
        self.capture.clear();
        out
    }

    /// 4.3's `record_output`; at EOF nothing is held back (a complete token is still
    /// recognised, a partial one is plain output).
    fn record(&mut self, out: &mut Vec<Segment>, eof: bool) {
        loop {
            let token = if self.capturing {
                END_TOKEN
            } else {
                BEGIN_TOKEN
            };
            if self.pending.is_empty() || (!eof && self.pending.len() <= token.len()) {
                return; // not enough data (4.3 waits for MORE than a token)
            }
            let mut data = std::mem::take(&mut self.pending);
            match find(&data, token) {
                Some(at) => {
                    let after = data.split_off(at + token.len());
                    data.truncate(at);
                    self.log(data, out);
                    self.toggle(out);
                    self.pending = after;
                    if self.pending.is_empty() {
                        return;
                    }
                }
                None => {
                    let keep = if eof { 0 } else { prefix_at_end(&data, token) };
                    self.pending = data.split_off(data.len() - keep);
                    self.log(data, out);
                    return;
                }
            }
        }
    }

    fn log(&mut self, bytes: Vec<u8>, out: &mut Vec<Segment>) {
        if bytes.is_empty() {
            return;
        }
        if self.capturing {
            // 4.3 BoundIO.write: drop as many leading bytes as are added, then a hard cap.
            if self.capture.len() + bytes.len() > self.maxbytes {
                let drop = bytes.len().min(self.capture.len());
                self.capture.drain(..drop);
            }
            self.capture.extend_from_slice(&bytes);
            if self.capture.len() > self.maxbytes {
                let excess = self.capture.len() - self.maxbytes;
                self.capture.drain(..excess);
            }
        }
        out.push(Segment::Output {
            bytes,
            captured: self.capturing,
        });
    }

    fn toggle(&mut self, out: &mut Vec<Segment>) {
        self.capturing = !self.capturing;
        if !self.capturing {
            out.push(Segment::Communication(std::mem::take(&mut self.capture)));
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// medusa's `find_prefix_at_end`: the length of the longest proper prefix of `token`
/// that `data` ends with.
fn prefix_at_end(data: &[u8], token: &[u8]) -> usize {
    (1..token.len())
        .rev()
        .find(|&l| data.ends_with(&token[..l]))
        .unwrap_or(0)
}
