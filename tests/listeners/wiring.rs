//! The driver's event wiring seen from outside: capture mode keeps captured text out of
//! the child log and delivers it as PROCESS_COMMUNICATION; payloads larger than a pipe
//! go through the non-blocking stdin queue intact; sendRemoteCommEvent reaches a
//! listener; a listener group added with addProcessGroup gets its pool options; a
//! reload starts the listeners over; listener stdout is logged as a bytes repr.

use super::support::{
    free_port, has, http_sections, python, recorder_command, records, rpc, wait_rpc,
};
use crate::util::{Running, config_text, read, tempdir, wait_for_text, wait_until, write};

#[test]
fn capture_mode_keeps_captured_text_out_of_the_log_and_sends_it_as_an_event() {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let listener = recorder_command(&py, d, "events.txt", "ok");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "loglevel=debug\n\
                 [eventlistener:rec]\ncommand={listener}\nevents=PROCESS_COMMUNICATION\n\
                 startsecs=0\n\
                 [program:talker]\ncommand=sh -c \"printf 'before\\n<!--XSUPERVISOR:BEGIN-->\
                 secret data<!--XSUPERVISOR:END-->after the capture, long enough to be logged\\n'; \
                 exec sleep 1000\"\nstartsecs=0\nstdout_capture_maxbytes=1MB\n\
                 stdout_logfile={}/talker.log\n",
                d.display()
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let _daemon = Running::start(d, &conf, &log, &[]);
    let text = wait_until(
        &d.join("events.txt"),
        |t| {
            records(t)
                .iter()
                .any(|r| r.eventname == "PROCESS_COMMUNICATION_STDOUT")
        },
        "the comm event",
    );
    let recs = records(&text);
    let comm = recs
        .iter()
        .find(|r| r.eventname == "PROCESS_COMMUNICATION_STDOUT")
        .unwrap_or_else(|| panic!("{recs:#?}"));
    assert!(
        comm.payload
            .starts_with("processname:talker groupname:talker pid:"),
        "{comm:?}"
    );
    assert!(comm.payload.ends_with("\\nsecret data"), "{comm:?}");
    let child_log = wait_for_text(&d.join("talker.log"), "after the capture");
    assert!(child_log.starts_with("before\n"), "{child_log:?}");
    assert!(!child_log.contains("secret"), "{child_log:?}");
    assert!(!child_log.contains("XSUPERVISOR"), "{child_log:?}");
    // As 4.3's `_log`: the captured piece still reaches the main log at debug.
    let main = read(&log);
    assert!(
        main.contains("DEBG 'talker' stdout output:\nsecret data\n"),
        "{main}"
    );
}

#[test]
fn payloads_larger_than_a_pipe_reach_the_listener_intact() {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let listener = recorder_command(&py, d, "events.txt", "ok");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "[eventlistener:rec]\ncommand={listener}\nevents=PROCESS_LOG_STDOUT\n\
                 startsecs=0\nbuffer_size=1000\n\
                 [program:loud]\ncommand={} -c \"import sys, time; \
                 sys.stdout.write('a' * 300000); sys.stdout.flush(); time.sleep(1000)\"\n\
                 startsecs=0\nstdout_events_enabled=true\n",
                py.display()
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let _daemon = Running::start(d, &conf, &log, &[]);
    let data_len = |t: &str| -> usize {
        records(t)
            .iter()
            .map(|r| {
                r.payload
                    .split_once("\\n")
                    .map_or(0, |(_, data)| data.len())
            })
            .sum()
    };
    let text = wait_until(
        &d.join("events.txt"),
        |t| data_len(t) >= 300000,
        "300000 bytes",
    );
    assert_eq!(data_len(&text), 300000);
    // At least one event was bigger than a pipe buffer (64 KiB).
    assert!(records(&text).iter().any(|r| r.payload.len() > 65536));
}

#[test]
fn remote_comm_event_reaches_the_listener() {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let port = free_port();
    let listener = recorder_command(&py, d, "events.txt", "ok");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[eventlistener:rec]\ncommand={listener}\nevents=REMOTE_COMMUNICATION\n\
                 startsecs=0\n",
                http_sections(port)
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let _daemon = Running::start(d, &conf, &log, &[]);
    wait_rpc(&py, port, "s.getState()['statename']", |a| a == "'RUNNING'");
    assert_eq!(
        rpc(&py, port, "s.sendRemoteCommEvent('mytype', 'hello')"),
        "True"
    );
    let text = wait_for_text(&d.join("events.txt"), "REMOTE_COMMUNICATION");
    assert!(text.contains("|| type:mytype\\nhello\n"), "{text}");
}

#[test]
fn listener_group_added_at_run_time_gets_its_pool_options() {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let port = free_port();
    let listener = recorder_command(&py, d, "events.txt", "ok");
    let base = config_text(d, &http_sections(port));
    let conf = write(d, "supervisord.conf", &base);
    let log = d.join("supervisord.log");
    let _daemon = Running::start(d, &conf, &log, &[]);
    wait_rpc(&py, port, "s.getState()['statename']", |a| a == "'RUNNING'");
    write(
        d,
        "supervisord.conf",
        &format!(
            "{base}[eventlistener:late]\ncommand={listener}\nevents=PROCESS_GROUP\n\
             startsecs=0\n"
        ),
    );
    let diff = rpc(&py, port, "s.reloadConfig()");
    assert_eq!(diff, "[[['late'], [], []]]");
    assert_eq!(rpc(&py, port, "s.addProcessGroup('late')"), "True");
    // Its own PROCESS_GROUP_ADDED (it subscribes before the notification, as in 4.3).
    let text = wait_for_text(&d.join("events.txt"), "PROCESS_GROUP_ADDED");
    assert!(text.contains("|| groupname:late\\n"), "{text}");
    let counts = rpc(&py, port, "s.getEventCounts()");
    assert!(counts.contains("'name': 'late'"), "{counts}");
}

#[test]
fn reload_starts_listeners_over_and_logs_their_stdout_as_bytes() {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let listener = recorder_command(&py, d, "events.txt", "ok");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "loglevel=debug\n[eventlistener:rec]\ncommand={listener}\n\
                 events=SUPERVISOR_STATE_CHANGE\nstartsecs=0\n"
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let running = |t: &str| {
        records(t)
            .iter()
            .filter(|r| r.eventname == "SUPERVISOR_STATE_CHANGE_RUNNING")
            .count()
    };
    wait_until(&d.join("events.txt"), |t| running(t) >= 1, "RUNNING once");
    daemon.signal(nix::sys::signal::Signal::SIGHUP);
    let text = wait_until(&d.join("events.txt"), |t| running(t) >= 2, "RUNNING again");
    // The first listener saw the reload coming.
    assert!(text.contains("SUPERVISOR_STATE_CHANGE_STOPPING"), "{text}");
    assert!(!has(&records(&text), "PROCESS_STATE_RUNNING", "rec"));
    // 4.3's DEBG line for listener stdout: the bytes' repr.
    let main = read(&log);
    assert!(main.contains("DEBG 'rec' stdout output:\nb'"), "{main}");
    assert!(main.contains("READY\\n'"), "{main}");
}
