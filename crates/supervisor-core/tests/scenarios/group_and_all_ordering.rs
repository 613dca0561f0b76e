//! startProcessGroup / startAllProcesses / stopProcessGroup / stopAllProcesses: result
//! structs in 4.3's order — entries decided during the request first (process order),
//! deferred ones as they complete; "all" iterates in ASCENDING priority for stops too
//! (quirk §11 item 8, issue #217). 4.3 left these untested ("Revisit test_startProcessGroup
//! and test_startAllProcesses ordering").

use crate::sim::*;
use supervisor_core::{ProcessSpec, Request, Signal, SpawnError};

fn three_groups() -> Vec<supervisor_core::GroupSpec> {
    let mut slow = ProcessSpec::new("slow");
    slow.startsecs = secs(5);
    slow.priority = 1;
    let mut fast = ProcessSpec::new("fast");
    fast.startsecs = secs(1);
    fast.priority = 2;
    let mut web = group("web", 20, &[]);
    web.processes = vec![slow, fast];
    let mut all = vec![
        group("db", 10, &[("db", 1)]),
        web,
        group("cache", 30, &[("cache", 1)]),
    ];
    for g in &mut all {
        for p in &mut g.processes {
            p.autostart = false;
        }
    }
    all
}

#[test]
fn start_all_spawns_in_ascending_priority_and_reports_in_completion_order() {
    let mut sim = Sim::new(three_groups());
    let id = sim.request(Request::StartAll { wait: true });
    assert_eq!(
        sim.spawns,
        ["db", "web:slow", "web:fast", "cache"],
        "all at once, by priority"
    );
    sim.advance(secs(10));
    assert_eq!(
        shown(&sim, id),
        "[db:db OK, web:fast OK, cache:cache OK, web:slow OK]"
    );
}

#[test]
fn start_all_nowait_reports_in_process_order() {
    let mut sim = Sim::new(three_groups());
    let id = sim.request(Request::StartAll { wait: false });
    assert_eq!(
        shown(&sim, id),
        "[db:db OK, web:slow OK, web:fast OK, cache:cache OK]"
    );
}

#[test]
fn immediate_faults_come_before_deferred_successes() {
    let mut sim = Sim::new(three_groups());
    sim.check_failures
        .insert("cache".into(), SpawnError::not_found("cache"));
    sim.spawn_failures.insert(
        "fast".into(),
        vec![SpawnError::process_table_full("fast")].into(),
    );
    let id = sim.request(Request::StartAll { wait: true });
    sim.advance(secs(10));
    assert_eq!(
        shown(&sim, id),
        "[web:fast SPAWN_ERROR: web:fast, cache:cache NO_FILE: can't find command 'cache', \
         db:db OK, web:slow OK]"
    );
}

#[test]
fn start_group_skips_running_processes() {
    let mut sim = Sim::new(three_groups());
    sim.request(Request::Start {
        name: "web:fast".into(),
        wait: false,
    });
    let id = sim.request(Request::StartGroup {
        name: "web".into(),
        wait: false,
    });
    assert_eq!(shown(&sim, id), "[web:slow OK]");
    let id = sim.request(Request::StartGroup {
        name: "web".into(),
        wait: false,
    });
    assert_eq!(
        shown(&sim, id),
        "[]",
        "fully running group gives an empty array"
    );
    let id = sim.request(Request::StartGroup {
        name: "nope".into(),
        wait: false,
    });
    assert_eq!(shown(&sim, id), "fault BAD_NAME: nope");
}

#[test]
fn stop_all_is_ascending_and_reports_in_completion_order() {
    let mut sim = Sim::new(three_groups());
    sim.request(Request::StartAll { wait: false });
    sim.advance(secs(10));
    sim.clear();
    let id = sim.request(Request::StopAll { wait: true });
    let order: Vec<&str> = sim.kills.iter().map(|k| k.0.as_str()).collect();
    assert_eq!(
        order,
        ["db", "web:slow", "web:fast", "cache"],
        "ascending, not reversed"
    );
    sim.exit("cache", killed(Signal::TERM));
    sim.exit("web:slow", killed(Signal::TERM));
    sim.exit("db", killed(Signal::TERM));
    assert_eq!(shown(&sim, id), "pending");
    sim.exit("web:fast", killed(Signal::TERM));
    assert_eq!(
        shown(&sim, id),
        "[cache:cache OK, web:slow OK, db:db OK, web:fast OK]"
    );
}

#[test]
fn stop_group_nowait_and_backoff_members() {
    let mut sim = Sim::new(three_groups());
    sim.request(Request::StartGroup {
        name: "web".into(),
        wait: false,
    });
    sim.exit("web:slow", code(1)); // too quickly: BACKOFF
    let id = sim.request(Request::StopGroup {
        name: "web".into(),
        wait: true,
    });
    assert_eq!(shown(&sim, id), "pending");
    sim.exit("web:fast", killed(Signal::TERM));
    assert_eq!(
        shown(&sim, id),
        "[web:slow OK, web:fast OK]",
        "BACKOFF stops at once"
    );
    let id = sim.request(Request::StopGroup {
        name: "web".into(),
        wait: true,
    });
    assert_eq!(shown(&sim, id), "[]");
}
