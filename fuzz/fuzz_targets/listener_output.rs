//! Fuzz the listener side of the event protocol: arbitrary bytes from a listener's
//! stdout, split anywhere, with events sent whenever the parser is READY (as the core
//! does), and arbitrary header lines. Invariants: no panic; UNKNOWN is final; a RESULT
//! is only reported after an event was sent; READY is only reported from ACKNOWLEDGED.
//!
//! Needs `eventproto = { path = "../crates/eventproto" }` and a `[[bin]]` entry
//! `listener_output` in fuzz/Cargo.toml (owned by the fuzz maintainer).
#![no_main]

use eventproto::{Header, ListenerParser, ListenerState, Said};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (control, rest) = data.split_at(data.len().min(8));
    let mut parser = ListenerParser::new();
    let mut at = 0;
    let mut step = 0;
    while at < rest.len() {
        let size = 1 + usize::from(
            control
                .get(step % control.len().max(1))
                .copied()
                .unwrap_or(7),
        );
        let end = (at + size).min(rest.len());
        let before = parser.state();
        if before == ListenerState::Ready && step % 2 == 0 {
            assert!(parser.event_sent());
        }
        let busy = parser.state() == ListenerState::Busy;
        for said in parser.feed(&rest[at..end]) {
            match said {
                Said::Result(_) => assert!(busy, "RESULT while not BUSY"),
                Said::Ready | Said::Violation(_) => {}
            }
        }
        if before == ListenerState::Unknown {
            assert_eq!(parser.state(), ListenerState::Unknown, "left UNKNOWN");
        }
        at = end;
        step += 1;
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for line in text.split_inclusive('\n') {
            if let Ok(h) = Header::parse(line) {
                // What parses renders back to a line that parses the same.
                assert_eq!(Header::parse(&h.render()).ok(), Some(h));
            }
        }
    }
});
