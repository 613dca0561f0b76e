//! Child output as events: PROCESS_LOG per chunk when `*_events_enabled`, capture mode's
//! PROCESS_COMMUNICATION at each END token, and the flush at exit that 4.3 lacks.

use crate::sim::*;
use supervisor_core::{GroupEvents, Input, LogChannel, OutputEvents};

fn sim(outputs: OutputEvents) -> Sim {
    let mut s = Sim::with_setup(
        vec![pool_group("listen", &["listen"]), prog("comm", |_| {})],
        |s| {
            s.event_spec.groups.insert(
                "listen".into(),
                GroupEvents {
                    pool: Some(pool_spec(&["PROCESS_LOG", "PROCESS_COMMUNICATION"])),
                    ..Default::default()
                },
            );
            let mut g = GroupEvents::default();
            g.outputs.insert("comm".into(), outputs);
            s.event_spec.groups.insert("comm".into(), g);
        },
    );
    s.auto_listeners.insert("listen".into(), b"OK".to_vec());
    s.say("listen", b"READY\n");
    s.advance(secs(2));
    s
}

#[test]
fn log_events_per_chunk_with_pid_and_channel() {
    let mut s = sim(OutputEvents {
        stdout_events_enabled: true,
        stderr_events_enabled: true,
        ..Default::default()
    });
    s.output("comm", LogChannel::Stdout, "hello Malmö\n".as_bytes());
    s.output("comm", LogChannel::Stderr, b"bad \xff byte\n");
    let got = s.delivered("listen");
    assert_eq!(got[0].0.event.name(), "PROCESS_LOG_STDOUT");
    assert_eq!(
        got[0].1,
        "processname:comm groupname:comm pid:1002 channel:stdout\nhello Malmö\n"
    );
    assert_eq!(
        got[0].0.len,
        got[0].1.chars().count(),
        "characters, not bytes"
    );
    assert_eq!(got[0].0.len + 1, got[0].1.len());
    assert_eq!(
        got[1].1,
        "processname:comm groupname:comm pid:1002 channel:stderr\nUndecodable: b'bad \\xff byte\\n'"
    );
}

#[test]
fn capture_mode_emits_communication_and_flushes_at_exit() {
    let mut s = sim(OutputEvents {
        stdout_events_enabled: true,
        stdout_capture_maxbytes: 1000,
        ..Default::default()
    });
    s.output(
        "comm",
        LogChannel::Stdout,
        b"x<!--XSUPERVISOR:BEGIN-->captured\ndata<!--XSUPERVISOR:END-->tail\n",
    );
    let names = s.delivered_names("listen");
    assert_eq!(
        names,
        [
            "PROCESS_LOG_STDOUT",
            "PROCESS_LOG_STDOUT",
            "PROCESS_COMMUNICATION_STDOUT"
        ]
    );
    let got = s.delivered("listen");
    assert_eq!(
        got[2].1,
        "processname:comm groupname:comm pid:1002\ncaptured\ndata"
    );
    assert!(s.has_log(
        supervisor_core::LogLevel::Debug,
        "'comm' stdout emitted a comm event"
    ));
    // `tail\n` is held back (shorter than a token), as in 4.3 — but flushed at exit
    s.exit("comm", code(0));
    let got = s.delivered("listen");
    let tail = got
        .iter()
        .find(|(_, p)| p.ends_with("tail\n"))
        .expect("flushed at exit");
    assert_eq!(
        tail.1,
        "processname:comm groupname:comm pid:1002 channel:stdout\ntail\n"
    );
}

#[test]
fn eof_flushes_too_and_disabled_output_emits_nothing() {
    let mut s = sim(OutputEvents {
        stdout_capture_maxbytes: 100,
        ..Default::default()
    });
    s.output("comm", LogChannel::Stdout, b"plain\n");
    assert!(s.delivered("listen").is_empty(), "events not enabled");
    let process = s.core.process_id("comm").expect("process");
    s.input(Input::OutputClosed {
        process,
        channel: LogChannel::Stdout,
    });
    assert!(s.delivered("listen").is_empty());
}
