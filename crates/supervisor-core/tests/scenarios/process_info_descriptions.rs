//! getProcessInfo: fields and the description exactly as supervisord formats it (§3.6).

use crate::sim::*;
use supervisor_core::{Request, Signal};

fn desc(sim: &Sim, name: &str) -> String {
    sim.core
        .process_info(name, sim.clock().wall, 0)
        .expect("info")
        .description
}

#[test]
fn descriptions_by_state() {
    let mut sim = Sim::new(vec![prog("a", |p| p.autostart = false), prog("b", |_| {})]);
    assert_eq!(desc(&sim, "a"), "Not started");
    assert_eq!(desc(&sim, "b"), "", "STARTING has no description");
    sim.advance(secs(62));
    let pid = sim.pid("b");
    assert_eq!(desc(&sim, "b"), format!("pid {pid}, uptime 0:01:02"));
    sim.advance(secs(86_400));
    assert_eq!(desc(&sim, "b"), format!("pid {pid}, uptime 1 day, 0:01:02"));
    sim.request(Request::Stop {
        name: "b".into(),
        wait: false,
    });
    assert_eq!(desc(&sim, "b"), "", "STOPPING");
    sim.exit("b", killed(Signal::TERM));
    // 1_795_867_440 + 86_462 s, UTC
    assert_eq!(desc(&sim, "b"), "Nov 29 12:05 PM");
    let info = sim
        .core
        .process_info("b", sim.clock().wall, 3600)
        .expect("info");
    assert_eq!(info.description, "Nov 29 01:05 PM", "local offset applied");
    assert_eq!(
        (info.pid, info.exitstatus, info.statename),
        (0, -1, "STOPPED")
    );
    assert_eq!(info.start, 1_795_867_440);
    assert_eq!(info.stop, 1_795_867_440 + 86_462);
}

#[test]
fn group_specs_are_bad_names_and_all_info_is_lexical() {
    let sim = Sim::new(vec![
        group("zz", 1, &[("b", 2), ("a", 3)]),
        prog("m", |_| {}),
    ]);
    assert_eq!(
        sim.core
            .process_info("zz:*", sim.clock().wall, 0)
            .map(|i| i.name),
        Err(supervisor_core::Fault::new(
            supervisor_core::FaultCode::BadName,
            "zz:*"
        ))
    );
    let all = sim.core.all_process_info(sim.clock().wall, 0).expect("all");
    let names: Vec<String> = all
        .iter()
        .map(|i| format!("{}:{}", i.group, i.name))
        .collect();
    assert_eq!(names, ["m:m", "zz:a", "zz:b"]);
}
