//! Monitor processes (the old TODO's generalised RESULT): a pool subscribed to
//! MONITOR_QUERY gets `pids: ...` of the RUNNING processes every `monitor_interval` and on
//! request; the latest RESULT payload, whatever it is, is kept.

use crate::sim::*;
use supervisor_core::{FaultCode, Request};

fn monitor_sim() -> Sim {
    let mut spec = pool_spec(&["MONITOR_QUERY"]);
    spec.monitor_interval = secs(60);
    let mut sim = sim_with_pools(
        vec![
            pool_group("mon", &["mon"]),
            prog("a", |_| {}),
            prog("b", |_| {}),
        ],
        vec![("mon", spec)],
    );
    sim.say("mon", b"READY\n");
    sim.advance(secs(2));
    sim
}

#[test]
fn periodic_query_lists_running_pids_and_the_result_is_kept() {
    let mut sim = monitor_sim();
    assert!(sim.delivered("mon").is_empty());
    assert!(sim.core.monitor_result("mon").is_none());
    sim.advance(secs(58));
    let got = sim.delivered("mon");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0.event.name(), "MONITOR_QUERY");
    assert_eq!(got[0].1, "pids: 1001 1002 1003");
    let report = b"<status>\nREADY\nall fine</status>";
    let mut answer = format!("RESULT {}\n", report.len()).into_bytes();
    answer.extend_from_slice(report);
    answer.extend_from_slice(b"READY\n");
    sim.say("mon", &answer);
    let kept = sim.core.monitor_result("mon").expect("kept");
    assert_eq!(kept.payload, report);
    assert_eq!(kept.serial, got[0].0.serial);
    sim.advance(secs(60));
    assert_eq!(sim.delivered("mon").len(), 2, "again after the interval");
}

#[test]
fn query_on_request_and_bad_names() {
    let mut sim = monitor_sim();
    sim.exit("b", code(0)); // EXITED, expected: not restarted, not listed
    let id = sim.request(Request::QueryMonitor { pool: "mon".into() });
    assert_eq!(shown(&sim, id), "true");
    assert_eq!(sim.delivered("mon")[0].1, "pids: 1001 1002");
    // a second request while one waits does not pile up
    sim.request(Request::QueryMonitor { pool: "mon".into() });
    assert_eq!(sim.core.event_pools()[0].buffered, 0);
    assert_eq!(sim.delivered("mon").len(), 1);
    let id = sim.request(Request::QueryMonitor { pool: "a".into() });
    assert!(matches!(sim.reply(id), Some(Err(f)) if f.code == FaultCode::BadName));
    sim.say("mon", b"RESULT 4\nFAIL");
    assert_eq!(
        sim.core.monitor_result("mon").expect("kept").payload,
        b"FAIL",
        "uninterpreted"
    );
}
