//! Fuzz capture mode: arbitrary child output, split anywhere, through
//! `eventproto::CaptureScanner` with an arbitrary `capture_maxbytes`, then EOF.
//! Invariants: no panic; a PROCESS_COMMUNICATION payload never exceeds
//! `capture_maxbytes`; nothing is held back after `finish`; without capture mode every
//! chunk comes back as one uncaptured segment.
//!
//! Needs `eventproto = { path = "../crates/eventproto" }` and a `[[bin]]` entry
//! `capture_scanner` in fuzz/Cargo.toml (owned by the fuzz maintainer).
#![no_main]

use eventproto::{CaptureScanner, Segment};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let maxbytes = usize::from(u16::from_le_bytes([data[0], data[1]]) % 512);
    let split = usize::from(data[2]).max(1);
    let output = &data[3..];
    let mut scanner = CaptureScanner::new(maxbytes);
    let mut segments = Vec::new();
    for chunk in output.chunks(split) {
        let got = scanner.feed(chunk);
        if maxbytes == 0 {
            assert_eq!(
                got,
                vec![Segment::Output {
                    bytes: chunk.to_vec(),
                    captured: false
                }]
            );
        }
        segments.extend(got);
    }
    segments.extend(scanner.finish());
    assert_eq!(scanner.held_back(), 0);
    assert!(!scanner.capturing());
    for s in &segments {
        if let Segment::Communication(c) = s {
            assert!(c.len() <= maxbytes, "capture of {} > {maxbytes}", c.len());
        }
    }
});
