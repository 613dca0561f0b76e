//! Property tests: headers parse back; a listener's answers split anywhere parse the same;
//! capture mode loses nothing and captures exactly what lies between the tokens.

use eventproto::{
    BEGIN_TOKEN, CaptureScanner, END_TOKEN, EventType, Header, ListenerParser, ListenerState, Said,
    Segment, envelope, result_message,
};
use proptest::prelude::*;

fn event_type() -> impl Strategy<Value = EventType> {
    (0..EventType::ALL.len()).prop_map(|i| EventType::ALL[i])
}

/// Feed `bytes` in pieces cut at `cuts` (positions, any order, clamped).
fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    at.push(0);
    at.push(bytes.len());
    at.sort_unstable();
    at.windows(2).map(|w| bytes[w[0]..w[1]].to_vec()).collect()
}

proptest! {
    #[test]
    fn header_and_payload_round_trip(
        server in "[a-z0-9_.-]{1,12}", pool in "[a-z0-9_.-]{1,12}",
        serial in any::<u64>(), poolserial in any::<u64>(), event in event_type(),
        payload in "\\PC{0,40}",
    ) {
        let bytes = envelope(&server, serial, &pool, poolserial, event, &payload);
        let nl = bytes.iter().position(|&b| b == b'\n').expect("header line");
        let line = std::str::from_utf8(&bytes[..nl]).expect("utf-8");
        let header = Header::parse(line).expect("parses");
        prop_assert_eq!(&header.server, &server);
        prop_assert_eq!(header.serial, serial);
        prop_assert_eq!(&header.pool, &pool);
        prop_assert_eq!(header.poolserial, poolserial);
        prop_assert_eq!(header.event, event);
        let rest = &bytes[nl + 1..];
        let n = header.payload_byte_len(rest).expect("whole payload present");
        prop_assert_eq!(&rest[..n], payload.as_bytes());
        prop_assert_eq!(n, rest.len());
    }

    #[test]
    fn listener_answers_parse_the_same_however_split(
        results in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..20), 1..5),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        // A listener may only answer once it has an event: the first READY alone, then
        // each result together with the next READY (4.3 accepts `RESULT 2\nOKREADY\n`).
        let mut turns = vec![b"READY\n".to_vec()];
        for r in &results {
            let mut t = result_message(r);
            t.extend_from_slice(b"READY\n");
            turns.push(t);
        }
        let mut parser = ListenerParser::new();
        let mut said = Vec::new();
        let mut sent = 0;
        for turn in turns {
            for piece in split(&turn, &cuts) {
                for s in parser.feed(&piece) {
                    if s == Said::Ready && sent < results.len() {
                        prop_assert!(parser.event_sent());
                        sent += 1;
                    }
                    said.push(s);
                }
            }
        }
        let mut expected = Vec::new();
        for r in &results {
            expected.push(Said::Ready);
            expected.push(Said::Result(r.clone()));
        }
        expected.push(Said::Ready);
        prop_assert_eq!(said, expected);
        prop_assert_eq!(parser.state(), ListenerState::Ready);
    }

    #[test]
    fn capture_loses_nothing_and_captures_between_tokens(
        parts in proptest::collection::vec(("[a-z\\n<!-]{0,30}", any::<bool>()), 0..6),
        cuts in proptest::collection::vec(any::<usize>(), 0..10),
    ) {
        // parts alternate outside/inside; `true` closes a capture with END
        let mut stream = Vec::new();
        let mut outside = Vec::new();
        let mut captures = Vec::new();
        for (text, capture) in &parts {
            if text.contains("<!--XSUPERVISOR") { continue; }
            if *capture {
                stream.extend_from_slice(BEGIN_TOKEN);
                stream.extend_from_slice(text.as_bytes());
                stream.extend_from_slice(END_TOKEN);
                captures.push(text.as_bytes().to_vec());
            } else {
                stream.extend_from_slice(text.as_bytes());
                outside.extend_from_slice(text.as_bytes());
            }
        }
        let mut scanner = CaptureScanner::new(1000);
        let mut segments = Vec::new();
        for piece in split(&stream, &cuts) {
            segments.extend(scanner.feed(&piece));
        }
        segments.extend(scanner.finish());
        let mut logged = Vec::new();
        let mut comms = Vec::new();
        for s in segments {
            match s {
                Segment::Output { bytes, captured: false } => logged.extend(bytes),
                Segment::Output { captured: true, .. } => {}
                Segment::Communication(c) => comms.push(c),
            }
        }
        prop_assert_eq!(logged, outside);
        prop_assert_eq!(comms, captures);
    }
}

proptest! {
    /// Fuzz-like: arbitrary listener output, split anywhere, with events sent whenever
    /// the listener is READY: never panics, BUSY only after a send, and once UNKNOWN it
    /// stays UNKNOWN and says nothing more.
    #[test]
    fn arbitrary_listener_output_is_handled(
        chunks in proptest::collection::vec(
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..12),
                Just(b"READY\n".to_vec()),
                Just(b"RESULT 2\nOK".to_vec()),
                Just(b"RESULT 0\n".to_vec()),
            ],
            0..20,
        ),
    ) {
        let mut p = ListenerParser::new();
        let mut unknown = false;
        for c in chunks {
            let said = p.feed(&c);
            if unknown {
                prop_assert!(said.is_empty());
            }
            if p.state() == ListenerState::Ready {
                prop_assert!(p.event_sent());
                prop_assert_eq!(p.state(), ListenerState::Busy);
            }
            unknown = p.state() == ListenerState::Unknown;
        }
    }

    /// Fuzz-like: arbitrary output through capture mode never panics, the capture never
    /// exceeds its bound, and nothing is held back after `finish`.
    #[test]
    fn arbitrary_output_through_capture_mode(
        chunks in proptest::collection::vec(
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..40),
                Just(BEGIN_TOKEN.to_vec()),
                Just(END_TOKEN.to_vec()),
                Just(BEGIN_TOKEN[..10].to_vec()),
                Just(END_TOKEN[5..].to_vec()),
            ],
            0..20,
        ),
        maxbytes in 0usize..50,
    ) {
        let mut s = CaptureScanner::new(maxbytes);
        let mut segs = Vec::new();
        for c in &chunks {
            segs.extend(s.feed(c));
        }
        segs.extend(s.finish());
        prop_assert_eq!(s.held_back(), 0);
        for seg in segs {
            if let Segment::Communication(data) = seg {
                prop_assert!(data.len() <= maxbytes);
            }
        }
    }
}

#[test]
fn short_output_after_capture_is_flushed_at_eof() {
    // 4.3 loses `tail\n` here (spec §4.5); finish() returns it.
    let mut s = CaptureScanner::new(100);
    let mut segs = s.feed(b"<!--XSUPERVISOR:BEGIN-->hi<!--XSUPERVISOR:END-->");
    assert_eq!(segs.pop(), Some(Segment::Communication(b"hi".to_vec())));
    assert!(s.feed(b"tail\n").is_empty(), "held back like 4.3");
    assert_eq!(
        s.finish(),
        vec![Segment::Output {
            bytes: b"tail\n".to_vec(),
            captured: false
        }]
    );
}

#[test]
fn capture_buffer_is_bounded() {
    let mut s = CaptureScanner::new(4);
    s.feed(BEGIN_TOKEN);
    s.feed(b"abcdefgh");
    let segs = s.feed(END_TOKEN);
    assert!(
        segs.contains(&Segment::Communication(b"efgh".to_vec())),
        "{segs:?}"
    );
}

#[test]
fn protocol_violations() {
    let mut p = ListenerParser::new();
    assert!(p.feed(b"READ").is_empty());
    assert_eq!(
        p.feed(b"Y\nX"),
        vec![
            Said::Ready,
            Said::Violation(eventproto::Violation::Spurious)
        ]
    );
    assert_eq!(p.state(), ListenerState::Unknown);
    assert!(p.feed(b"READY\n").is_empty(), "UNKNOWN discards everything");

    let mut p = ListenerParser::new();
    p.feed(b"READY\n");
    assert!(p.event_sent());
    assert_eq!(
        p.feed(b"RESULT x\n"),
        vec![Said::Violation(eventproto::Violation::BadResultLine(
            b"RESULT x".to_vec()
        ))]
    );
    let mut p = ListenerParser::new();
    p.feed(b"READY\n");
    p.event_sent();
    // 4.3's issue-663 case: result and the next READY in one write
    assert_eq!(
        p.feed(b"RESULT 2\nOKREADY\n"),
        vec![Said::Result(b"OK".to_vec()), Said::Ready]
    );
    assert_eq!(p.feed(b""), vec![]);
    let mut p = ListenerParser::new();
    assert_eq!(
        p.feed(b"HELLO!"),
        vec![Said::Violation(eventproto::Violation::NotReady)]
    );
}
