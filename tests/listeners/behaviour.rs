//! The recorder listener under our daemon: FAIL answers, garbage output and a listener
//! killed mid-event lose no event; max_retry dead letters put supervisord in FATAL;
//! shutdown delivers the STOPPING events before the listener is stopped; the example
//! monitor answers getMonitorResult.

use super::support::{
    assert_no_gaps, free_port, has, http_sections, python, recorder_command, records, rpc, wait_rpc,
};
use crate::util::{Running, config_text, read, tempdir, wait_until, write};
use std::path::Path;

/// A daemon with the recorder (`mode`, subscribed to PROCESS_STATE) and a program that
/// starts, runs and exits; returns when the recorder has acknowledged the program's
/// EXITED event (all events before it included).
fn run_scenario(mode: &str) {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let listener = recorder_command(&py, d, "events.txt", mode);
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "[eventlistener:rec]\ncommand={listener}\nevents=PROCESS_STATE\n\
                 autorestart=true\nstartsecs=0\n\
                 [program:job]\ncommand=sh -c 'sleep 0.5; exit 0'\nstartsecs=0\n\
                 autorestart=false\n"
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let _daemon = Running::start(d, &conf, &log, &[]);
    let text = wait_until(
        &d.join("events.txt"),
        |t| has(&records(t), "PROCESS_STATE_EXITED", "job"),
        "job's EXITED acknowledged",
    );
    let recs = records(&text);
    assert_no_gaps(&recs);
    for event in ["STARTING", "RUNNING", "EXITED"] {
        assert!(
            has(&recs, &format!("PROCESS_STATE_{event}"), "job"),
            "{event} missing: {recs:#?}"
        );
    }
    if !matches!(mode, "ok" | "fail") {
        assert!(d.join("events.txt.misbehaved").exists(), "never misbehaved");
    }
    if matches!(mode, "garbage" | "closestdin") {
        // The bad result line / the EPIPE on the event write put it in UNKNOWN.
        let main = read(&log);
        assert!(
            main.contains("rec: has entered the UNKNOWN state"),
            "{main}"
        );
    }
}

#[test]
fn events_acknowledged_in_order_without_gaps() {
    run_scenario("ok");
}

#[test]
fn listener_fail_answers_lose_no_event() {
    run_scenario("fail");
}

#[test]
fn listener_garbage_output_loses_no_event() {
    run_scenario("garbage");
}

#[test]
fn listener_killed_mid_event_loses_no_event() {
    run_scenario("die");
}

#[test]
fn listener_with_closed_stdin_loses_no_event() {
    run_scenario("closestdin");
}

#[test]
fn max_retry_dead_letter_puts_supervisord_in_fatal() {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let port = free_port();
    let listener = recorder_command(&py, d, "events.txt", "alwaysfail");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[eventlistener:rec]\ncommand={listener}\nevents=PROCESS_GROUP\n\
                 max_retry=3\nstartsecs=0\n",
                http_sections(port)
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let state = wait_rpc(&py, port, "s.getState()", |a| a.contains("FATAL"));
    assert_eq!(state, "{'statecode': 2, 'statename': 'FATAL'}");
    let counts = rpc(&py, port, "s.getEventCounts()");
    assert!(counts.contains("'dead_lettered': 1"), "{counts}");
    assert!(counts.contains("'rejected': 3"), "{counts}");
    daemon.wait_log("CRIT");
    // The operator clears it.
    assert_eq!(rpc(&py, port, "s.clearFatal()"), "True");
    assert!(rpc(&py, port, "s.getState()").contains("RUNNING"));
}

#[test]
fn shutdown_delivers_stopping_events_before_stopping_the_listener() {
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
                "[eventlistener:rec]\ncommand={listener}\nevents=EVENT\nstartsecs=0\n\
                 [program:svc]\ncommand=sleep 1000\nstartsecs=0\n"
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let mut daemon = Running::start(d, &conf, &log, &[]);
    let events = d.join("events.txt");
    wait_until(
        &events,
        |t| has(&records(t), "PROCESS_STATE_RUNNING", "svc"),
        "svc RUNNING acknowledged",
    );
    daemon.signal(nix::sys::signal::Signal::SIGTERM);
    assert_eq!(daemon.wait_exit(), Some(0));
    let recs = records(&read(&events));
    assert!(
        recs.iter()
            .any(|r| r.eventname == "SUPERVISOR_STATE_CHANGE_STOPPING"),
        "{recs:#?}"
    );
    assert!(has(&recs, "PROCESS_STATE_STOPPING", "svc"), "{recs:#?}");
    assert!(has(&recs, "PROCESS_STATE_STOPPED", "svc"), "{recs:#?}");
    assert_no_gaps(&recs);
}

#[test]
fn example_monitor_reports_rss_and_cpu_of_running_pids() {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let port = free_port();
    let monitor = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/monitor/monitor.py");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[eventlistener:mon]\ncommand=python3 {}\nevents=MONITOR_QUERY\n\
                 monitor_interval=3600\nstartsecs=0\n\
                 [program:sleeper]\ncommand=sleep 1000\nstartsecs=0\n",
                http_sections(port),
                monitor.display()
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    daemon.wait_log("success: sleeper entered RUNNING");
    let pid = rpc(&py, port, "s.getProcessInfo('sleeper')['pid']");
    assert_eq!(rpc(&py, port, "s.queryMonitor('mon')"), "True");
    let result = wait_rpc(&py, port, "s.getMonitorResult('mon')", |a| {
        a.contains(&format!("pid={pid} rss_kb="))
    });
    assert!(result.contains("cpu_s="), "{result}");
    assert!(
        !result.contains(&format!("pid={pid} rss_kb=0 ")),
        "{result}"
    );
    let bad = rpc(&py, port, "s.getMonitorResult('sleeper')");
    assert!(bad.starts_with("FAULT 10"), "{bad}");
}

#[test]
fn monitor_is_queried_every_monitor_interval_without_being_asked() {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let port = free_port();
    let monitor = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/monitor/monitor.py");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[eventlistener:mon]\ncommand=python3 {}\nevents=MONITOR_QUERY\n\
                 monitor_interval=1\nstartsecs=0\n",
                http_sections(port),
                monitor.display()
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let _daemon = Running::start(d, &conf, &log, &[]);
    let serial = |answer: &str| -> Option<i64> {
        let at = answer.find("'serial': ")? + "'serial': ".len();
        answer[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    let first = wait_rpc(&py, port, "s.getMonitorResult('mon')", |a| {
        serial(a).is_some()
    });
    let first = serial(&first).unwrap_or(-1);
    // A later periodic query (no queryMonitor call) is answered too.
    wait_rpc(&py, port, "s.getMonitorResult('mon')", |a| {
        serial(a).is_some_and(|s| s > first)
    });
}
