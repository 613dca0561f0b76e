//! A readable trace of a multi-group boot, snapshotted: spawn order, STARTING -> RUNNING at
//! each process' startsecs, an autostart=false process left alone.

use crate::sim::*;
use supervisor_core::{GroupKind, ProcessSpec};

#[test]
fn boot_of_a_multi_group_config() {
    let mut listener = group("listener", -1, &[("listener", -1)]);
    listener.kind = GroupKind::EventListener;
    let mut web = group("web", 50, &[("web_01", 999), ("web_00", 999)]);
    web.processes[0].startsecs = secs(3);
    let mut manual = ProcessSpec::new("manual");
    manual.autostart = false;
    let mut tools = group("tools", 999, &[]);
    tools.processes = vec![manual, ProcessSpec::new("cron")];
    tools.kind = GroupKind::Heterogeneous;
    let mut sim = Sim::new(vec![tools, web, group("db", 10, &[("db", 999)]), listener]);
    sim.advance(secs(5));
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!(sim.trace_text());
    });
}
