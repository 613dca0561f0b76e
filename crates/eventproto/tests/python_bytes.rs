//! Envelopes compared byte for byte with what supervisord 4.3.0 wrote to a listener's stdin
//! (captured with a Python listener under `target/py/bin/supervisord`, identifier `myident`
//! for the first run and the default `supervisor` for the second; pids as observed). The
//! whole set is also an insta snapshot (`tests/snapshots/`), one envelope per event type.

use eventproto::{Channel, Header, Payload, StateName, TickPeriod, envelope};

fn state(
    to: StateName,
    name: &str,
    from: StateName,
    tries: u32,
    expected: bool,
    pid: i32,
) -> Payload {
    Payload::ProcessState {
        to,
        processname: name.into(),
        groupname: name.into(),
        from,
        tries,
        expected,
        pid,
    }
}

/// (server, serial, payload, the bytes 4.3.0 wrote)
fn cases() -> Vec<(&'static str, u64, Payload, &'static str)> {
    use StateName::*;
    vec![
        (
            "myident",
            0,
            Payload::ProcessGroup {
                removed: false,
                groupname: "listen".into(),
            },
            "ver:3.0 server:myident serial:0 pool:listen poolserial:0 eventname:PROCESS_GROUP_ADDED len:17\ngroupname:listen\n",
        ),
        (
            "supervisor",
            0,
            Payload::SupervisorStateChange { stopping: false },
            "ver:3.0 server:supervisor serial:0 pool:listen poolserial:0 eventname:SUPERVISOR_STATE_CHANGE_RUNNING len:0\n",
        ),
        (
            "supervisor",
            1,
            state(Starting, "listen", Stopped, 0, true, 0),
            "ver:3.0 server:supervisor serial:1 pool:listen poolserial:1 eventname:PROCESS_STATE_STARTING len:62\nprocessname:listen groupname:listen from_state:STOPPED tries:0",
        ),
        (
            "supervisor",
            5,
            state(Backoff, "quick", Starting, 1, true, 0),
            "ver:3.0 server:supervisor serial:5 pool:listen poolserial:5 eventname:PROCESS_STATE_BACKOFF len:61\nprocessname:quick groupname:quick from_state:STARTING tries:1",
        ),
        (
            "supervisor",
            6,
            state(Running, "listen", Starting, 0, true, 24164),
            "ver:3.0 server:supervisor serial:6 pool:listen poolserial:6 eventname:PROCESS_STATE_RUNNING len:65\nprocessname:listen groupname:listen from_state:STARTING pid:24164",
        ),
        (
            "supervisor",
            11,
            state(Fatal, "quick", Backoff, 0, true, 0),
            "ver:3.0 server:supervisor serial:11 pool:listen poolserial:11 eventname:PROCESS_STATE_FATAL len:52\nprocessname:quick groupname:quick from_state:BACKOFF",
        ),
        (
            "supervisor",
            12,
            state(Exited, "bad", Running, 0, false, 24165),
            "ver:3.0 server:supervisor serial:12 pool:listen poolserial:12 eventname:PROCESS_STATE_EXITED len:69\nprocessname:bad groupname:bad from_state:RUNNING expected:0 pid:24165",
        ),
        (
            "supervisor",
            13,
            state(Exited, "ok0", Running, 0, true, 24167),
            "ver:3.0 server:supervisor serial:13 pool:listen poolserial:13 eventname:PROCESS_STATE_EXITED len:69\nprocessname:ok0 groupname:ok0 from_state:RUNNING expected:1 pid:24167",
        ),
        (
            "supervisor",
            14,
            Payload::SupervisorStateChange { stopping: true },
            "ver:3.0 server:supervisor serial:14 pool:listen poolserial:14 eventname:SUPERVISOR_STATE_CHANGE_STOPPING len:0\n",
        ),
        (
            "myident",
            7,
            Payload::ProcessLog {
                channel: Channel::Stdout,
                processname: "comm".into(),
                groupname: "comm".into(),
                pid: 23590,
                data: "hello Malmö\nx".as_bytes().to_vec(),
            },
            "ver:3.0 server:myident serial:7 pool:listen poolserial:7 eventname:PROCESS_LOG_STDOUT len:70\nprocessname:comm groupname:comm pid:23590 channel:stdout\nhello Malmö\nx",
        ),
        (
            "myident",
            9,
            Payload::ProcessCommunication {
                channel: Channel::Stdout,
                processname: "comm".into(),
                groupname: "comm".into(),
                pid: 23590,
                data: b"captured\ndata".to_vec(),
            },
            "ver:3.0 server:myident serial:9 pool:listen poolserial:9 eventname:PROCESS_COMMUNICATION_STDOUT len:55\nprocessname:comm groupname:comm pid:23590\ncaptured\ndata",
        ),
        (
            "myident",
            11,
            Payload::ProcessLog {
                channel: Channel::Stderr,
                processname: "comm".into(),
                groupname: "comm".into(),
                pid: 23590,
                data: b"bad \xff byte\n".to_vec(),
            },
            "ver:3.0 server:myident serial:11 pool:listen poolserial:11 eventname:PROCESS_LOG_STDERR len:88\nprocessname:comm groupname:comm pid:23590 channel:stderr\nUndecodable: b'bad \\xff byte\\n'",
        ),
        (
            "myident",
            12,
            Payload::RemoteCommunication {
                kind: "mytype".into(),
                data: "some data Malmö".into(),
            },
            "ver:3.0 server:myident serial:12 pool:listen poolserial:12 eventname:REMOTE_COMMUNICATION len:27\ntype:mytype\nsome data Malmö",
        ),
        (
            "myident",
            13,
            state(Stopping, "comm", Running, 0, true, 23590),
            "ver:3.0 server:myident serial:13 pool:listen poolserial:13 eventname:PROCESS_STATE_STOPPING len:60\nprocessname:comm groupname:comm from_state:RUNNING pid:23590",
        ),
        (
            "myident",
            14,
            state(Stopped, "comm", Stopping, 0, true, 23590),
            "ver:3.0 server:myident serial:14 pool:listen poolserial:14 eventname:PROCESS_STATE_STOPPED len:61\nprocessname:comm groupname:comm from_state:STOPPING pid:23590",
        ),
        (
            "myident",
            15,
            Payload::Tick {
                period: TickPeriod::Five,
                when: 1795875010,
            },
            "ver:3.0 server:myident serial:15 pool:listen poolserial:15 eventname:TICK_5 len:15\nwhen:1795875010",
        ),
        (
            "myident",
            16,
            Payload::ProcessGroup {
                removed: true,
                groupname: "comm".into(),
            },
            "ver:3.0 server:myident serial:16 pool:listen poolserial:16 eventname:PROCESS_GROUP_REMOVED len:15\ngroupname:comm\n",
        ),
    ]
}

fn render(server: &str, serial: u64, p: &Payload) -> String {
    let bytes = envelope(
        server,
        serial,
        "listen",
        serial,
        p.event_type(),
        &p.render(),
    );
    String::from_utf8(bytes).expect("payloads are UTF-8")
}

#[test]
fn envelopes_match_supervisord_4_3_0() {
    for (server, serial, payload, python) in cases() {
        assert_eq!(render(server, serial, &payload), python);
    }
}

#[test]
fn len_counts_characters_like_4_3() {
    // "Malmö" is 5 characters, 6 bytes: 4.3 said len:70 with 71 bytes following.
    let (.., python) = &cases()[9];
    let (line, payload) = python.split_once('\n').expect("header line");
    let header = Header::parse(line).expect("valid header");
    assert_eq!(header.len, 70);
    assert_eq!(payload.len(), 71);
    assert_eq!(header.payload_byte_len(payload.as_bytes()), Some(71));
}

#[test]
fn every_event_type_snapshot() {
    let mut all = String::new();
    for (server, serial, payload, _) in cases() {
        all.push_str(&render(server, serial, &payload));
        all.push_str("\n-----\n");
    }
    // new in this implementation (no 4.3 bytes to compare with)
    for p in [
        Payload::Tick {
            period: TickPeriod::Sixty,
            when: 1795875000,
        },
        Payload::Tick {
            period: TickPeriod::Hour,
            when: 1795874400,
        },
        Payload::ProcessCommunication {
            channel: Channel::Stderr,
            processname: "p".into(),
            groupname: "g".into(),
            pid: 7,
            data: b"x".to_vec(),
        },
        state(StateName::Unknown, "u", StateName::Running, 0, true, 9),
        Payload::MonitorQuery {
            pids: vec![2601, 2602, 2603],
        },
        Payload::MonitorQuery { pids: vec![] },
    ] {
        all.push_str(&render("supervisor", 99, &p));
        all.push_str("\n-----\n");
    }
    insta::assert_snapshot!(all);
}

/// The child of the first capture printed `hello Malmö\n`, then
/// `x<BEGIN>captured\ndata<END>after-the-end-token-long-enough\n`; 4.3.0 emitted
/// PROCESS_LOG `hello Malmö\nx` (serial 7), PROCESS_LOG `captured\ndata` (8, the captured
/// text too), PROCESS_COMMUNICATION `captured\ndata` (9), PROCESS_LOG
/// `after-the-end-token-long-enough\n` (10). The scanner cuts the same pieces.
#[test]
fn capture_segments_match_supervisord_4_3_0() {
    use eventproto::{CaptureScanner, Segment};
    let mut s = CaptureScanner::new(1000);
    let mut segs = s.feed("hello Malmö\n".as_bytes());
    assert!(
        segs.is_empty(),
        "12 bytes are held back (not more than a token)"
    );
    segs.extend(s.feed(
        b"x<!--XSUPERVISOR:BEGIN-->captured\ndata<!--XSUPERVISOR:END-->after-the-end-token-long-enough\n",
    ));
    let out = |b: &[u8], captured| Segment::Output {
        bytes: b.to_vec(),
        captured,
    };
    assert_eq!(
        segs,
        vec![
            out("hello Malmö\nx".as_bytes(), false),
            out(b"captured\ndata", true),
            Segment::Communication(b"captured\ndata".to_vec()),
            out(b"after-the-end-token-long-enough\n", false),
        ]
    );
}
